# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""The one API client every together.ai module talks to the Together API through.

On top of the bounded transport (_transport.py: deadlines, pools, decompression, the body cap, the key as
Bearer auth) it owns what a request means to the API: retries only where repeating is safe, the rate-limit
pause (one shared pause, one budget per client), redirects (same origin only, never for a write), the
deadline across attempts, and errors worded from the API's own envelope, each carrying its fields
(status, code, type, retriable, what was sent) for callers to read instead of the message.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import json
import math
import random
import re
import threading
import time

from urllib.parse import quote, urljoin, urlsplit

from ansible_collections.together.ai.plugins.module_utils._errors import RetriableError, TogetherError
from ansible_collections.together.ai.plugins.module_utils._parallel import MAX_PARALLEL_REQUESTS
from ansible_collections.together.ai.plugins.module_utils._transport import (
    TRANSPORT_ERRORS,
    BodyReader,
    Watchdog,
    new_session,
    origin_of,
    seconds_text,
    send,
    set_attempt_end,
    timed_out,
)

# Status codes worth another try: the request may succeed unchanged a moment later.
RETRY_STATUSES = frozenset((408, 429, 500, 502, 503, 504))
# Methods whose repetition changes nothing more than the first request did (RFC 9110 9.2.2), so any failure
# may be retried. A PATCH is safe to repeat only with an etag: a repeat after a success is then refused (409).
# A POST is repeated only when it never reached the server, or on 429 (the API refused it unprocessed).
IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "OPTIONS", "PUT", "DELETE"))
# Redirects are followed for these only: a write is sent to the URL the caller built, never re-sent elsewhere.
REDIRECTABLE_METHODS = frozenset(("GET", "HEAD"))
BACKOFF_INITIAL = 0.5
BACKOFF_MAX = 8.0
# Seconds a client (one task) may spend in total pausing for rate limits (429, Retry-After); a pause
# the API asks for beyond what is left of it fails at once instead of hanging the playbook.
RATE_LIMIT_BUDGET = 60.0
# Rate-limit pauses asked for within this many seconds of the shared pause's end are that same pause.
PAUSE_SLACK = 1.0
AUTH_STATUSES = (401, 403)
BODY_SNIPPET_LENGTH = 120
# JSON values (counted as commas, braces and brackets) a body may hold: each costs ~100 bytes once decoded.
MAX_JSON_VALUES = 200000
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 3
UNKNOWN_URL_CODE = "unknown_url"


def quote_segment(segment):
    """Percent-encode one path segment so it can never reach another path or a query.

    '.' and '..' cannot be sent safely at all: requests decodes %2E again, and servers and proxies
    resolve dot segments as path navigation, so they are refused.
    """
    if segment in (".", ".."):
        raise TogetherError("%r is path navigation, not an id, and cannot be sent as one" % segment)
    return quote(segment, safe="")


def _snippet(text):
    """A short single-line excerpt of a body, with markup removed, for error messages."""
    text = re.sub(r"<[^>]*>", " ", text or "")
    text = " ".join(text.split())
    if len(text) > BODY_SNIPPET_LENGTH:
        text = text[:BODY_SNIPPET_LENGTH] + "..."
    return text


def _text(content):
    return bytes(content[:4096]).decode("utf-8", "replace")


def error_details(body):
    """Pick the message, type and code out of any error envelope Together sends.

    v1 sends ErrorData {"error": {"message", "type", "param", "code"}}, sometimes without "type";
    v2 may send the RPC form {"code": 5, "message": "...", "details": [{"detail": "..."}]}.
    """
    if not isinstance(body, dict):
        return None, None, None
    error = body.get("error")
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"]), _scalar(error.get("type")), _scalar(error.get("code"))
    if isinstance(error, str) and error:
        return error, None, None
    if body.get("message"):
        return str(body["message"]), None, _scalar(body.get("code"))
    details = body.get("details")
    for detail in details if isinstance(details, list) else []:
        if isinstance(detail, dict) and detail.get("detail"):
            return str(detail["detail"]), None, _scalar(body.get("code"))
    return None, None, None


def _scalar(value):
    """A type or code as sent when it is a string or number; anything else (a list, an object) as text."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    return str(value)[:BODY_SNIPPET_LENGTH]


def is_unknown_route(body):
    """Whether a JSON 404 says the URL itself is unknown (code unknown_url), not that a resource is missing."""
    message, _error_type, code = error_details(body)
    return str(code or "").lower() == UNKNOWN_URL_CODE or (message or "").lower().startswith("unknown request url")


def api_says_not_found(status, body, url, where):
    """True when a 404 is the API's own "this does not exist"; raise TogetherError for any other 404.

    A 404 with an unknown_url code, an HTML page, an empty body or JSON without an error message comes
    from a wrong base_url or a proxy, never from the API about a missing resource.
    """
    if status != 404:
        return False
    if error_details(body)[0] is not None and not is_unknown_route(body):
        return True
    raise TogetherError("%s: HTTP 404 from %s is not the API saying it does not exist (%s); check base_url"
                        % (where, url, "no error message in the JSON body" if isinstance(body, (dict, list))
                                       else "no body"), status=404, url=url)


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        try:
            seconds = email.utils.mktime_tz(parsed) - (time.time() if now is None else now)
        except (OverflowError, ValueError):
            return None
    if math.isnan(seconds) or seconds < 0:  # a date in the past means now
        return 0.0
    return seconds


def backoff_delay(retry_number, rand=random.random):
    """Exponential backoff with jitter: about 0.5, 1, 2, 4, 8, 8 s, each shortened by up to a quarter."""
    return min(BACKOFF_INITIAL * (2 ** (retry_number - 1)), BACKOFF_MAX) * (1 - 0.25 * rand())


def normalize_base_url(base_url, option_name="base_url"):
    """Check a base URL is http(s) with a host, and drop trailing slashes so paths join cleanly."""
    value = (base_url or "").strip()
    try:
        parts = urlsplit(value)
        host = parts.hostname
        parts.port  # pylint: disable=pointless-statement
    except ValueError:  # for example an unclosed IPv6 bracket or a port that is not a number
        host = None
    if not host or parts.scheme not in ("http", "https"):
        raise TogetherError(
            "%s must be an http:// or https:// URL with a host, got %r" % (option_name, base_url))
    if "?" in value or "#" in value:
        raise TogetherError("%s must not carry a query or a fragment, got %r" % (option_name, base_url))
    return value.rstrip("/")


class TogetherClient:
    """A requests.Session with Together's auth, deadlines, caps, retries and error handling.

    deadline: a time.monotonic() value or None. When set, no request, retry or pause goes past it.
    Waiting and clock functions are injectable so retry behaviour is testable without sleeping.

    Three methods are the hooks a subclass may override (the probe's _inference.InferenceClient does):
    _finish(response, url) reads one answer, _status_error(status, headers, content, url) words a non-2xx
    one, and _pause_for_rate_limit(failure, retry_number, shared) decides what a 429 costs.
    """

    def __init__(self, api_key, timeout=30.0, validate_certs=True, max_retries=3,
                 pool_size=MAX_PARALLEL_REQUESTS, session=None, sleep=time.sleep, rand=random.random, clock=time.monotonic,
                 ca_path=None, origins=None):
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.max_retries = max_retries
        self.deadline = None
        # Where the key may go: the API's origins (v1 and v2 may live on two host names); None: anywhere asked.
        self.origins = set(origin_of(url) for url in origins) if origins else None
        self.rate_limit_waited = 0.0
        self._sleep = sleep
        self._rand = rand
        self._clock = clock
        self._pause_lock = threading.Lock()
        self._pause_until = None
        self._pause_seen = threading.local()
        self._bodies = BodyReader(clock, timeout)
        self.session = new_session(api_key, pool_size, session)
        self.session.verify = self._verify()

    def _verify(self):
        if not self.validate_certs:
            return False
        return self.ca_path or True

    def get(self, url, params=None):
        """GET a URL and return (status, decoded JSON body); a JSON 404 is returned, not raised."""
        return self.request("GET", url, params=params)

    def request(self, method, url, params=None, json=None, headers=None):
        """Send one API request with retries and return (status, body).

        json: the request body (any JSON value), sent as application/json; None sends no body.
        headers: extra request headers (for example If-Match); they cannot replace the Bearer auth.
        body is the decoded JSON (None for an empty 2xx). Statuses other than 2xx and 404 raise
        TogetherError with the API's own message; so do transport failures, non-JSON bodies, bodies over
        MAX_RESPONSE_BYTES, unknown-route or non-JSON 404s, redirects off the API's origin (and any redirect
        of a write) and the deadline.
        Failures are retried only where repeating is safe (see may_repeat). Every error raised says what was
        sent: its method and path fields (the query, the headers and the body are left out).
        """
        method = method.upper()
        try:
            return self._with_retries(method, url, params, json, headers)
        except TogetherError as exc:
            raise exc.sent_as(method, urlsplit(url).path) from exc

    def _with_retries(self, method, url, params, json, headers):
        retry_number = 0
        while True:
            self._wait_out_rate_limit_pause(url)
            try:
                return self._attempt(method, url, params, json, headers)
            except RetriableError as failure:
                if not may_repeat(method, failure, params=params, json=json, headers=headers):
                    raise failure.plain(" (not retried: a %s that may have reached the API is not sent twice)"
                                        % method)
                if retry_number >= self.max_retries:
                    note = ""
                    if retry_number:
                        note = " (gave up after %d %s)" % (retry_number, "retry" if retry_number == 1 else "retries")
                    raise failure.plain(note)
                retry_number += 1
                if failure.status == 429:
                    self._pause_for_rate_limit(failure, retry_number)
                elif failure.retry_after is not None:
                    self._pause_for_rate_limit(failure, retry_number, shared=False)
                else:
                    self._pause(failure, backoff_delay(retry_number, self._rand))

    # -- time ---------------------------------------------------------------------------------------------------

    def _time_left(self):
        return None if self.deadline is None else self.deadline - self._clock()

    def _pause(self, failure, seconds):
        left = self._time_left()
        if left is not None and seconds >= left:
            raise failure.plain(" (no time left for another try before the deadline: %.1fs left)" % max(left, 0.0))
        self._sleep(seconds)

    def _pause_for_rate_limit(self, failure, retry_number, shared=True):
        """One pause for the whole client, counted against RATE_LIMIT_BUDGET; beyond it, fail at once."""
        asked = failure.retry_after
        seconds = asked if asked is not None else backoff_delay(retry_number, self._rand)
        with self._pause_lock:
            now = self._clock()
            # Seconds of the shared pause still ahead: threads hitting 429 together add only what goes beyond it.
            ahead = max(0.0, self._pause_until - now) if shared and self._pause_until is not None else 0.0
            added = max(0.0, seconds - ahead)
            if ahead > 0 and added <= PAUSE_SLACK:
                added = 0.0  # the same pause, asked for by several threads at once
            budget_left = max(0.0, RATE_LIMIT_BUDGET - self.rate_limit_waited)
            left = self._time_left()
            if added > budget_left:
                what = ("the API asked to wait %s s (Retry-After)" % seconds_text(asked) if asked is not None
                        else "another %.1f s pause was needed" % seconds)
                raise failure.plain(", and %s, more than the %s s left of the rate-limit budget of %s s per task; "
                                    "stopping (try again later or with fewer parallel tasks)"
                                    % (what, seconds_text(round(budget_left, 1)), seconds_text(RATE_LIMIT_BUDGET)))
            if left is not None and ahead + added >= left:
                raise failure.plain(", and the API asked to wait %s s, more than the %.1f s left before the deadline"
                                    % (seconds_text(round(seconds, 1)), max(left, 0.0)))
            self.rate_limit_waited += added
            if shared:
                self._pause_until = now + ahead + added
                self._pause_seen.until = self._pause_until
        self._sleep(ahead + added)

    def _wait_out_rate_limit_pause(self, url):
        """Another thread hit a 429: wait until its pause ends (once per pause), then go."""
        with self._pause_lock:
            end = self._pause_until
        seen = getattr(self._pause_seen, "until", None)
        if end is None or seen == end:
            return
        self._pause_seen.until = end
        remaining = end - max(self._clock(), seen or 0.0)
        if remaining > 0:
            left = self._time_left()
            if left is not None and remaining >= left:
                raise TogetherError("request to %s not sent: the API's rate-limit pause ends after the deadline"
                                    % url, url=url, status=429)
            self._sleep(remaining)

    # -- one attempt ---------------------------------------------------------------------------------------------

    def _attempt(self, method, url, params, body, headers):
        """One request (with its same-origin redirects) within min(timeout, time left before deadline)."""
        left = self._time_left()
        if left is not None and left <= 0:
            raise TogetherError("request to %s not sent: no time left before the deadline" % url, url=url)
        limit = self.timeout if left is None else min(self.timeout, left)
        limited_by_deadline = left is not None and left < self.timeout
        with Watchdog(limit) as watchdog:
            started = self._clock()
            set_attempt_end(started + limit)
            try:
                result = self._follow(method, url, params, body, headers, started, limit)
            except (TogetherError,) + TRANSPORT_ERRORS:
                if not watchdog.fired:
                    raise
            if not watchdog.fired:
                return result
            if limited_by_deadline:
                raise TogetherError("request to %s stopped at the deadline (%ss were left for it)"
                                    % (url, seconds_text(round(limit, 1))), url=url)
            raise timed_out(url, self.timeout)

    def _follow(self, method, url, params, body, headers, started, limit):
        current = url
        for hop in range(MAX_REDIRECTS + 1):
            self._check_origin(current, url)
            # The Location of a redirect carries its own query.
            response = self._send(method, current, params if hop == 0 else None, body, headers, started, limit)
            try:
                if response.status_code not in REDIRECT_STATUSES:
                    return self._finish(response, current)
                location = response.headers.get("Location")
            finally:
                response.close()
            if not location:
                raise TogetherError("HTTP %d from %s: a redirect without a Location header"
                                    % (response.status_code, current), status=response.status_code, url=current)
            if method not in REDIRECTABLE_METHODS:
                # 301-303 would turn it into a GET, 307/308 send it again elsewhere: neither is what was asked.
                raise TogetherError("HTTP %d from %s redirects this %s to %s; not followed, as a write goes only to the "
                                    "URL built from base_url (check base_url)"
                                    % (response.status_code, current, method, location),
                                    status=response.status_code, url=current)
            target = urljoin(current, location)
            if origin_of(target) != origin_of(current):
                https_to_http = urlsplit(current).scheme == "https" and urlsplit(target).scheme != "https"
                raise TogetherError(
                    "HTTP %d from %s redirects to %s, %s; not followed, so the API key goes to the API's origin only "
                    "(check base_url)" % (response.status_code, current, location,
                                          "from https to plain http" if https_to_http else "another origin"),
                    status=response.status_code, url=current)
            current = target
        raise TogetherError("request to %s was redirected more than %d times within the API's origin; stopping"
                            % (url, MAX_REDIRECTS), url=url)

    def _check_origin(self, url, requested):
        if self.origins is not None and origin_of(url) not in self.origins:
            allowed = ", ".join(sorted("%s://%s:%s" % origin for origin in self.origins))
            raise TogetherError("request to %s not sent: it is not on the API's origin (%s), and the API key goes "
                                "there only" % (requested, allowed), url=requested)

    def _send(self, method, url, params, body, headers, started, limit):
        left = max(limit - (self._clock() - started), 0.001)
        return send(self.session, method, url, params, body, headers, left, self._verify(), self.timeout)

    def _finish(self, response, url):
        """One answer read (through the transport's capped body reader) and decoded; a RETRY_STATUSES answer
        raises RetriableError."""
        status = response.status_code
        slot = []
        try:
            content = self._bodies.read(response, url, slot)
            headers = response.headers
            if status in RETRY_STATUSES:
                failure = self._status_error(status, headers, content, url)
                raise RetriableError(failure.message, retry_after=parse_retry_after(headers.get("Retry-After")),
                                     **failure.context())
            return self._decode(status, headers, content, url)
        finally:
            self._bodies.release(slot)

    def _decode(self, status, headers, content, url):
        if status == 204 or (200 <= status < 300 and not content):
            return status, None
        if status == 404 or 200 <= status < 300:
            body, problem = _json(content)
            if problem is not None:
                if status == 404:
                    # A 404 from something that is not the API (a proxy, a wrong base_url) has no JSON.
                    raise TogetherError(
                        "HTTP 404 from %s is not the API's answer (%s): the URL is unknown there; check base_url "
                        "(for v1 it ends in /v1, for example https://api.together.ai/v1)"
                        % (url, _describe(headers, content, problem)), status=404, url=url)
                if problem == "not JSON":
                    raise TogetherError("HTTP %d from %s: the response is not JSON (Content-Type %s): %s"
                                        % (status, url, headers.get("Content-Type", "unknown"),
                                           _snippet(_text(content)) or "empty body"), status=status, url=url)
                raise TogetherError("HTTP %d from %s: the response is not usable JSON (%s)"
                                    % (status, url, _describe(headers, content, problem)), status=status, url=url)
            if status == 404 and is_unknown_route(body):
                message, error_type, code = error_details(body)
                raise TogetherError("HTTP 404 from %s: %s (the API does not know this URL: check base_url, for v1 it "
                                    "ends in /v1, for example https://api.together.ai/v1)" % (url, message),
                                    status=404, url=url, error_type=error_type, code=code, api_message=message)
            return status, body
        raise self._status_error(status, headers, content, url)

    def _status_error(self, status, headers, content, url):
        body, _problem = _json(content)
        message, error_type, code = error_details(body)
        api_message = message
        if message is None:
            content_type = headers.get("Content-Type", "unknown")
            text = _snippet(_text(content))
            message = "no error message in the %s response%s" % (content_type, (": " + text) if text else "")
        if status in AUTH_STATUSES:
            message += " (authentication/permission error: check api_key or TOGETHER_API_KEY, and the key's access)"
        return TogetherError("HTTP %d from %s: %s" % (status, url, message), status=status, url=url,
                             error_type=error_type, code=code, api_message=api_message)


def _json(content):
    """(decoded body, None) or (None, why it is not usable JSON)."""
    if not content:
        return None, "empty body"
    values = content.count(b",") + content.count(b"{") + content.count(b"[")
    if values > MAX_JSON_VALUES:
        return None, "more than %d JSON values" % MAX_JSON_VALUES
    try:
        return json.loads(content), None
    except RecursionError:
        return None, "JSON nested too deeply"
    except ValueError:  # also UnicodeDecodeError
        return None, "not JSON"


def _describe(headers, content, problem):
    text = _snippet(_text(content))
    if problem == "empty body":
        return "an empty body, Content-Type %s" % headers.get("Content-Type", "unknown")
    return "%s, Content-Type %s: %s" % (problem, headers.get("Content-Type", "unknown"), text or "empty body")


def may_repeat(method, failure, params=None, json=None, headers=None):
    """Whether a request that failed with a RetriableError may be sent again unchanged.

    GET, HEAD, OPTIONS, PUT and DELETE always; a PATCH carrying an etag (an If-Match header, or an etag
    in the body or the query as Together v2 takes it), since a repeat of one that did apply is refused as
    stale; any method on HTTP 429 (refused unprocessed) or when the connection was never made.
    """
    method = method.upper()
    if method in IDEMPOTENT_METHODS or failure.status == 429 or not failure.reached_server:
        return True
    return method == "PATCH" and has_etag(params=params, json=json, headers=headers)


def has_etag(params=None, json=None, headers=None):
    """Whether a request carries an etag: an If-Match header, or an etag field in the JSON body or the query."""
    if any(name.lower() == "if-match" and value for name, value in (headers or {}).items()):
        return True
    return any(isinstance(where, dict) and bool(where.get("etag")) for where in (json, params))
