# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters behind the together.ai.endpoint_gate role: plan the waits, evaluate every check, word the report.

The documentation of each filter is in the YAML file named after it, beside this file.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.collections import is_sequence

# States an endpoint does not leave by itself: the module's own list, so the gate and the wait agree.
from ansible_collections.together.ai.plugins.module_utils._endpoints import FAILURE_STATES

DEFAULT_STATE = "STARTED"


def _field(*path):
    """Read a (nested) endpoint field; None when the API did not send it."""

    def read(endpoint):
        value = endpoint
        for key in path:
            if not isinstance(value, dict):
                return None
            value = value.get(key)
        return value

    return read


def _equals(actual, expected):
    return actual == expected


def _at_least(actual, expected):
    return isinstance(actual, int) and not isinstance(actual, bool) and actual >= expected


def _at_most(actual, expected):
    return isinstance(actual, int) and not isinstance(actual, bool) and actual <= expected


# How each relation words its expected value in reports.
_EXPECTED_WORDING = {_equals: "{0}", _at_least: ">= {0}", _at_most: "<= {0}"}


class Check:
    """One check a gate entry may ask for, by the option name the user writes.

    read(endpoint) gives the actual value, compare(actual, expected) decides, value_type is the type
    the expected value is converted to. Adding a check (say, ``serving``) is one more row in CHECKS.
    """

    def __init__(self, name, read, compare, value_type):
        self.name = name
        self.read = read
        self.compare = compare
        self.value_type = value_type

    def expected_text(self, expected):
        return _EXPECTED_WORDING[self.compare].format(expected)


# In the order they are evaluated and reported.
CHECKS = (
    Check("state", _field("state"), _equals, str),
    Check("model", _field("model"), _equals, str),
    Check("hardware", _field("hardware"), _equals, str),
    Check("min_replicas", _field("autoscaling", "min_replicas"), _equals, int),
    Check("min_replicas_at_least", _field("autoscaling", "min_replicas"), _at_least, int),
    Check("min_replicas_at_most", _field("autoscaling", "min_replicas"), _at_most, int),
    Check("max_replicas", _field("autoscaling", "max_replicas"), _equals, int),
    Check("max_replicas_at_least", _field("autoscaling", "max_replicas"), _at_least, int),
    Check("max_replicas_at_most", _field("autoscaling", "max_replicas"), _at_most, int),
)
CHECKS_BY_NAME = dict((check.name, check) for check in CHECKS)
# The check every endpoint gets first: the others need the endpoint to exist.
EXISTS = "exists"


def _convert(entry_name, check, value):
    if check.value_type is int:
        if isinstance(value, bool):
            raise AnsibleFilterError("%s: %s must be an integer, got %r" % (entry_name, check.name, value))
        try:
            return int(value)
        except (TypeError, ValueError):
            raise AnsibleFilterError("%s: %s must be an integer, got %r" % (entry_name, check.name, value))
    if not isinstance(value, str):
        raise AnsibleFilterError("%s: %s must be a string, got %r" % (entry_name, check.name, value))
    return str(value)


def normalize_checks(checks):
    """Validate the gate entries; return [(endpoint_id, [(Check, expected), ...])] in the order given.

    ``state`` defaults to STARTED; an explicit null leaves that check out, as for any other check.
    """
    if not is_sequence(checks):
        raise AnsibleFilterError("endpoint gate checks must be a list of dicts, got %r" % (checks,))
    normalized = []
    seen = set()
    for index, entry in enumerate(checks):
        entry_name = "endpoint_gate_checks[%d]" % index
        if not isinstance(entry, dict):
            raise AnsibleFilterError("%s must be a dict with endpoint_id and the checks, got %r" % (entry_name, entry))
        endpoint_id = entry.get("endpoint_id")
        if not isinstance(endpoint_id, str) or not endpoint_id.strip():
            raise AnsibleFilterError("%s needs an endpoint_id (a non-empty string)" % entry_name)
        endpoint_id = str(endpoint_id)
        entry_name = "%s (endpoint %s)" % (entry_name, endpoint_id)
        if endpoint_id in seen:
            raise AnsibleFilterError("%s: endpoint %s is listed twice; put all its checks in one entry"
                                     % (entry_name, endpoint_id))
        seen.add(endpoint_id)
        unknown = sorted(set(entry) - set(CHECKS_BY_NAME) - set(["endpoint_id"]))
        if unknown:
            raise AnsibleFilterError("%s: unknown check%s %s; the known checks are %s"
                                     % (entry_name, "s" if len(unknown) > 1 else "", ", ".join(unknown),
                                        ", ".join(check.name for check in CHECKS)))
        wanted = dict(entry)
        wanted.setdefault("state", DEFAULT_STATE)
        expectations = [(check, _convert(entry_name, check, wanted[check.name]))
                        for check in CHECKS if wanted.get(check.name) is not None]
        normalized.append((endpoint_id, expectations))
    return normalized


def _endpoints_by_id(endpoints):
    """Index endpoint dicts by id; a later dict for the same id replaces an earlier one (fresher data)."""
    if endpoints is None:
        return {}
    if not is_sequence(endpoints):
        raise AnsibleFilterError("endpoints must be a list of endpoint dicts, got %r" % (endpoints,))
    by_id = {}
    for endpoint in endpoints:
        if isinstance(endpoint, dict) and endpoint.get("id") is not None:
            by_id[endpoint["id"]] = endpoint
    return by_id


def endpoint_gate_wait_plan(endpoints, checks):
    """Which endpoints to wait for, grouped by the state expected of them.

    A group is only planned when one of its endpoints is not in that state yet. Endpoints that do not
    exist, or sit in ERROR/FAILED (which they do not leave by themselves), are left out: waiting on them
    would stop the module's wait at once for the whole group.
    """
    current = _endpoints_by_id(endpoints)
    groups = []
    for endpoint_id, expectations in normalize_checks(checks):
        expected_state = dict((check.name, expected) for check, expected in expectations).get("state")
        endpoint = current.get(endpoint_id)
        if expected_state is None or endpoint is None:
            continue
        state = endpoint.get("state")
        if state in FAILURE_STATES and state != expected_state:
            continue
        group = next((g for g in groups if g["state"] == expected_state), None)
        if group is None:
            group = {"state": expected_state, "endpoint_ids": [], "not_yet": {}}
            groups.append(group)
        # The whole group is waited for together, so its endpoints are read at the same moment at the end.
        group["endpoint_ids"].append(endpoint_id)
        if state != expected_state:
            group["not_yet"][endpoint_id] = state
    return [group for group in groups if group["not_yet"]]


def _actual_text(value):
    return "not reported by the API" if value is None else str(value)


def _check_result(name, expected, actual, status):
    if status == "skipped":
        message = "%s: not evaluated, the endpoint does not exist" % name
    else:
        message = "%s: expected %s, actual %s" % (name, expected, _actual_text(actual))
    return {"check": name, "expected": expected, "actual": actual, "status": status, "message": message}


def _describe(endpoint):
    """A short identity for report lines: model, hardware, state, replica bounds."""
    autoscaling = endpoint.get("autoscaling") or {}
    parts = [str(endpoint.get(key)) for key in ("model", "hardware") if endpoint.get(key)]
    parts.append(str(endpoint.get("state")))
    if autoscaling:
        parts.append("replicas %s-%s" % (autoscaling.get("min_replicas"), autoscaling.get("max_replicas")))
    return ", ".join(parts)


def _evaluate_endpoint(endpoint_id, expectations, endpoint, missing):
    if endpoint is None:
        actual = "not found (HTTP 404)" if endpoint_id in missing else "not returned by the API"
        results = [_check_result(EXISTS, "the endpoint exists", actual, "failed")]
        results.extend(_check_result(check.name, check.expected_text(expected), None, "skipped")
                       for check, expected in expectations)
    else:
        results = [_check_result(EXISTS, "the endpoint exists", "found", "passed")]
        for check, expected in expectations:
            actual = check.read(endpoint)
            results.append(_check_result(check.name, check.expected_text(expected), actual,
                                         "passed" if check.compare(actual, expected) else "failed"))
    violations = [dict((key, r[key]) for key in ("check", "expected", "actual", "message"))
                  for r in results if r["status"] == "failed"]
    return {"passed": not violations, "found": endpoint is not None, "checks": results, "violations": violations}


def _plural(count, word):
    return "%d %s%s" % (count, word, "" if count == 1 else "s")


def _headline(results, violations):
    if not violations:
        return "Endpoint gate PASSED: %s, every check passed." % _plural(len(results), "endpoint")
    failed_endpoints = [endpoint_id for endpoint_id, result in results.items() if not result["passed"]]
    return "Endpoint gate FAILED: %s in %d of %s." % (
        _plural(len(violations), "violation"), len(failed_endpoints), _plural(len(results), "endpoint"))


def _notes_lines(notes):
    return ["While waiting:"] + ["  - %s" % note for note in notes] if notes else []


def _report_lines(results, endpoints, violations, notes):
    lines = [_headline(results, violations)]
    for endpoint_id, result in results.items():
        evaluated = [c for c in result["checks"] if c["status"] != "skipped"]
        if result["passed"]:
            lines.append("PASS %s (%s): %s passed" % (endpoint_id, _describe(endpoints[endpoint_id]),
                                                      _plural(len(evaluated), "check")))
            continue
        if result["found"]:
            lines.append("FAIL %s (%s): %d of %s failed" % (
                endpoint_id, _describe(endpoints[endpoint_id]), len(result["violations"]),
                _plural(len(evaluated), "check")))
        else:
            lines.append("FAIL %s: the endpoint does not exist, its other checks were not evaluated" % endpoint_id)
        lines.extend("  - %s" % violation["message"] for violation in result["violations"])
    return lines + _notes_lines(notes)


def _failure_lines(results, violations, notes):
    """The message the gate fails with: every violation, with its endpoint, on one line each."""
    if not violations:
        return []
    return ([_headline(results, violations)] + ["  - %s" % violation["message"] for violation in violations]
            + _notes_lines(notes))


def endpoint_gate_evaluate(endpoints, checks, missing=None, notes=None):
    """Evaluate every check of every gated endpoint, without stopping at the first violation."""
    by_id = _endpoints_by_id(endpoints)
    missing = list(missing or [])
    notes = [str(note) for note in (notes or []) if note]
    results = {}
    gated = {}
    violations = []
    for endpoint_id, expectations in normalize_checks(checks):
        endpoint = by_id.get(endpoint_id)
        if endpoint is not None:
            gated[endpoint_id] = endpoint
        result = _evaluate_endpoint(endpoint_id, expectations, endpoint, missing)
        results[endpoint_id] = result
        violations.extend(dict(violation, endpoint_id=endpoint_id,
                               message="%s: %s" % (endpoint_id, violation["message"]))
                          for violation in result["violations"])
    all_checks = [c for result in results.values() for c in result["checks"]]
    return {
        "passed": not violations,
        "endpoints": gated,
        "results": results,
        "violations": violations,
        "totals": {
            "endpoints": len(results),
            "endpoints_failed": len([r for r in results.values() if not r["passed"]]),
            "checks": len(all_checks),
            "failed": len([c for c in all_checks if c["status"] == "failed"]),
            "skipped": len([c for c in all_checks if c["status"] == "skipped"]),
        },
        "notes": notes,
        "report": _report_lines(results, gated, violations, notes),
        "failure": _failure_lines(results, violations, notes),
    }


class FilterModule:
    """The together.ai endpoint gate filters."""

    def filters(self):
        return {
            "endpoint_gate_evaluate": endpoint_gate_evaluate,
            "endpoint_gate_wait_plan": endpoint_gate_wait_plan,
        }
