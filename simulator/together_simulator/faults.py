"""Fault injection: which request gets which misbehaviour.

This module only decides; the server carries the fault out (it owns the socket).
"""

import fnmatch
import threading

FAULT_KINDS = ("status", "latency", "rate_limit", "truncated_json", "html", "reset", "slow", "invalid_json", "empty_body",
               "trickle_headers", "trickle_body", "endless_body", "oversized_body", "gzip_bomb", "redirect", "endless_pages",
               "repeated_cursor", "json")
FAULT_KEYS = ("path", "method", "kind", "statuses", "times", "seconds", "retry_after", "retry_after_header", "message",
              "status", "interval", "size", "location", "body")
DEFAULT_SECONDS = {"latency": 1.0, "slow": 30.0}
# Kinds whose single answer status can be chosen with `status`, and its default.
DEFAULT_STATUS = {"html": 502, "invalid_json": 200, "empty_body": 200, "redirect": 302, "json": 200}
DEFAULT_SIZE = {"oversized_body": 200 * 1024 * 1024, "gzip_bomb": 500 * 1024 * 1024}
TRICKLE_KINDS = ("trickle_headers", "trickle_body")


def normalize_fault(data):
    """Check one fault mapping and fill in defaults; raises ValueError naming the bad key."""
    if not isinstance(data, dict):
        raise ValueError("a fault must be a mapping")
    unknown = sorted(set(data) - set(FAULT_KEYS))
    if unknown:
        raise ValueError("unknown fault key(s) %s; known keys: %s" % (", ".join(unknown), ", ".join(FAULT_KEYS)))
    path = data.get("path")
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValueError("fault path must be an absolute path or glob such as /v1/endpoints/*")
    kind = data.get("kind")
    if kind not in FAULT_KINDS:
        raise ValueError("fault kind must be one of %s, got %r" % (", ".join(FAULT_KINDS), kind))
    method = data.get("method")
    if method is not None and (not isinstance(method, str) or not method.isalpha()):
        raise ValueError("fault method must be an HTTP method such as GET")
    statuses = data.get("statuses")
    if kind == "status":
        if not isinstance(statuses, list) or not statuses or not all(
                isinstance(s, int) and not isinstance(s, bool) and 400 <= s <= 599 for s in statuses):
            raise ValueError("a status fault needs statuses: a non-empty list of HTTP error codes (400-599)")
    elif statuses is not None:
        raise ValueError("statuses only applies to kind: status")
    times = data.get("times", len(statuses) if kind == "status" else None)
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
        raise ValueError("fault times must be a positive integer")
    seconds = data.get("seconds", DEFAULT_SECONDS.get(kind, 0.0))
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
        raise ValueError("fault seconds must be a number >= 0")
    retry_after = data.get("retry_after", 1 if kind == "rate_limit" else None)
    if retry_after is not None and (isinstance(retry_after, bool) or not isinstance(retry_after, (int, float)) or retry_after < 0):
        raise ValueError("fault retry_after must be a number of seconds >= 0")
    header = data.get("retry_after_header", "Retry-After")
    if not isinstance(header, str) or header.lower() != "retry-after":
        raise ValueError("retry_after_header only changes the spelling of Retry-After (e.g. retry-after)")
    message = data.get("message")
    if message is not None and not isinstance(message, str):
        raise ValueError("fault message must be a string")
    status = _only_for(data, "status", DEFAULT_STATUS, kind)
    if status is not None and (isinstance(status, bool) or not isinstance(status, int) or not 200 <= status <= 599):
        raise ValueError("fault status must be an HTTP status code (200-599)")
    if kind == "redirect" and not 300 <= status <= 399:
        raise ValueError("a redirect fault's status must be a 3xx code such as 301, 302, 307 or 308")
    interval = _only_for(data, "interval", dict.fromkeys(TRICKLE_KINDS, 0.5), kind)
    if interval is not None and (isinstance(interval, bool) or not isinstance(interval, (int, float)) or interval <= 0):
        raise ValueError("fault interval must be a number of seconds > 0 (the pause between two bytes)")
    size = _only_for(data, "size", DEFAULT_SIZE, kind)
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 1024):
        raise ValueError("fault size must be a number of bytes >= 1024")
    location = _only_for(data, "location", {"redirect": None}, kind)
    if kind == "redirect" and (not isinstance(location, str) or not location):
        raise ValueError("a redirect fault needs location: an absolute URL (another origin) or a path (the same origin)")
    if kind == "json" and "body" not in data:
        raise ValueError("a json fault needs body: the JSON value to answer (e.g. a whoami with a number as project id)")
    if kind != "json" and "body" in data:
        raise ValueError("body only applies to kind: json")
    return {
        "path": path, "method": method.upper() if method else None, "kind": kind, "statuses": statuses, "times": times,
        "seconds": float(seconds), "retry_after": retry_after, "retry_after_header": header, "message": message,
        "status": status, "interval": float(interval) if interval is not None else None, "size": size, "location": location,
        "body": data.get("body"), "used": 0,
    }


def _only_for(data, key, defaults, kind):
    """The value of a key that only some kinds take (their default when absent); refuses it for other kinds."""
    if kind not in defaults:
        if key in data:
            raise ValueError("%s only applies to kind: %s" % (key, ", ".join(sorted(defaults))))
        return None
    return data.get(key, defaults[kind])


def path_matches(pattern, *paths):
    return any(path == pattern or fnmatch.fnmatchcase(path, pattern) for path in paths)


class FaultBook:
    """The active faults, consumed in order; thread-safe because requests arrive concurrently."""

    def __init__(self):
        self._lock = threading.Lock()
        self._faults = []

    def replace(self, faults):
        with self._lock:
            self._faults = [dict(fault, used=0) for fault in faults]

    def extend(self, faults):
        with self._lock:
            self._faults.extend(dict(fault, used=0) for fault in faults)

    def clear(self):
        with self._lock:
            self._faults = []

    def snapshot(self):
        with self._lock:
            return [dict(fault) for fault in self._faults]

    def take(self, method, raw_path, decoded_path):
        """The fault this request triggers (a copy carrying the status to use), or None."""
        with self._lock:
            for fault in self._faults:
                if fault["times"] is not None and fault["used"] >= fault["times"]:
                    continue
                if fault["method"] and fault["method"] != method:
                    continue
                if not path_matches(fault["path"], raw_path, decoded_path):
                    continue
                applied = dict(fault)
                applied["use"] = fault["used"]  # 0 for the first request it shapes
                if fault["kind"] == "status":
                    applied["status"] = fault["statuses"][fault["used"] % len(fault["statuses"])]
                fault["used"] += 1
                return applied
        return None
