# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""The one HTTP client every together.ai module talks to the Together API through."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import math
import random
import re
import time
import traceback

from urllib.parse import quote, urlsplit

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    from requests.adapters import HTTPAdapter
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True

COLLECTION_VERSION = "1.0.0"
USER_AGENT = "together.ai-ansible-collection/%s" % COLLECTION_VERSION

# Status codes worth another try: the request may succeed unchanged a moment later.
RETRY_STATUSES = frozenset((408, 429, 500, 502, 503, 504))
BACKOFF_INITIAL = 0.5
BACKOFF_MAX = 8.0
# A server may ask for a long pause; a playbook should not hang on it, so Retry-After is capped.
RETRY_AFTER_CAP = 60.0
AUTH_STATUSES = (401, 403)
BODY_SNIPPET_LENGTH = 120


class TogetherError(Exception):
    """Anything that went wrong talking to the Together API, with a one-line message for the user."""

    def __init__(self, message, status=None, url=None, error_type=None, code=None):
        super(TogetherError, self).__init__(message)
        self.message = message
        self.status = status
        self.url = url
        self.error_type = error_type
        self.code = code

    def to_result(self):
        """The machine-readable part of the error, for a module's fail_json."""
        return dict(status=self.status, url=self.url, error_type=self.error_type, error_code=self.code)


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


def error_details(body):
    """Pick the message, type and code out of any error envelope Together sends.

    v1 sends ErrorData {"error": {"message", "type", "param", "code"}}, sometimes without "type";
    v2 may send the RPC form {"code": 5, "message": "...", "details": [{"detail": "..."}]}.
    """
    if not isinstance(body, dict):
        return None, None, None
    error = body.get("error")
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"]), error.get("type"), error.get("code")
    if isinstance(error, str) and error:
        return error, None, None
    if body.get("message"):
        return str(body["message"]), None, body.get("code")
    details = body.get("details")
    for detail in details if isinstance(details, list) else []:
        if isinstance(detail, dict) and detail.get("detail"):
            return str(detail["detail"]), None, body.get("code")
    return None, None, None


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
        seconds = email.utils.mktime_tz(parsed) - (time.time() if now is None else now)
    if math.isnan(seconds) or seconds < 0:  # a date in the past means now
        return 0.0
    return min(seconds, RETRY_AFTER_CAP)


def backoff_delay(retry_number, rand=random.random):
    """Exponential backoff with jitter: about 0.5, 1, 2, 4, 8, 8 s, each shortened by up to a quarter."""
    return min(BACKOFF_INITIAL * (2 ** (retry_number - 1)), BACKOFF_MAX) * (1 - 0.25 * rand())


def normalize_base_url(base_url, option_name="base_url"):
    """Check a base URL is http(s) with a host, and drop trailing slashes so paths join cleanly."""
    value = (base_url or "").strip()
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # for example an unclosed IPv6 bracket
        host = None
    if not host or parts.scheme not in ("http", "https"):
        raise TogetherError(
            "%s must be an http:// or https:// URL with a host, got %r" % (option_name, base_url))
    if "?" in value or "#" in value:
        raise TogetherError("%s must not carry a query or a fragment, got %r" % (option_name, base_url))
    return value.rstrip("/")


class TogetherClient:
    """A requests.Session with Together's auth, retries and error handling.

    Waiting and clock functions are injectable so retry behaviour is testable without sleeping.
    """

    def __init__(self, api_key, timeout=30.0, validate_certs=True, max_retries=3,
                 pool_size=10, session=None, sleep=time.sleep, rand=random.random):
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.max_retries = max_retries
        self._sleep = sleep
        self._rand = rand
        if session is None:
            session = requests.Session()
            # One connection per concurrent request: several endpoints are fetched in parallel.
            adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
        session.verify = validate_certs
        session.headers.update({
            "Authorization": "Bearer %s" % api_key,
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        })
        self.session = session

    def get(self, url, params=None):
        """GET a URL and return (status, decoded JSON body); 404 is returned, not raised."""
        return self.request("GET", url, params=params)

    def request(self, method, url, params=None):
        """Send one API request with retries and return (status, body).

        body is the decoded JSON (None for an empty 204). Statuses other than 2xx and 404 raise
        TogetherError with the API's own message; so do transport failures and non-JSON bodies.
        """
        retry_number = 0
        while True:
            retry_after = None
            try:
                # verify per request: REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE would override the session's setting.
                response = self.session.request(method, url, params=params, timeout=self.timeout,
                                                verify=self.validate_certs)
            except requests.exceptions.Timeout:
                failure = TogetherError("request to %s timed out after %ss" % (url, _seconds(self.timeout)), url=url)
            except requests.exceptions.SSLError as exc:
                # A certificate problem does not fix itself: report at once, with the way out.
                raise TogetherError("TLS error talking to %s: %s (set validate_certs: false only for a trusted test server)"
                                    % (url, _reason(exc)), url=url)
            except requests.exceptions.ConnectionError as exc:
                failure = TogetherError("connection to %s failed: %s" % (url, _reason(exc)), url=url)
            except requests.exceptions.InvalidHeader:
                # Its text quotes the header, which would put the key in the message.
                raise TogetherError("request to %s failed: the API key cannot be sent in an HTTP header "
                                    "(does it contain a line break?)" % url, url=url)
            except UnicodeError:
                raise TogetherError("request to %s failed: the API key contains characters an HTTP header cannot carry"
                                    % url, url=url)
            except requests.exceptions.RequestException as exc:
                raise TogetherError("request to %s failed: %s" % (url, _reason(exc)), url=url)
            else:
                if response.status_code not in RETRY_STATUSES:
                    return self._decode(response, url)
                failure = self._status_error(response, url)
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if retry_number >= self.max_retries:
                if retry_number:
                    failure.message += " (gave up after %d %s)" % (retry_number, "retry" if retry_number == 1 else "retries")
                raise failure
            retry_number += 1
            self._sleep(retry_after if retry_after is not None else backoff_delay(retry_number, self._rand))

    def _decode(self, response, url):
        status = response.status_code
        if status == 204 or (200 <= status < 300 and not response.content):
            return status, None
        if status == 404 or 200 <= status < 300:
            try:
                body = response.json()
            except ValueError:
                if status == 404:
                    # A 404 from something that is not the API (a proxy, a wrong base_url) has no JSON.
                    return status, None
                raise TogetherError(
                    "HTTP %d from %s: the response is not JSON (Content-Type %s): %s"
                    % (status, url, response.headers.get("Content-Type", "unknown"), _snippet(response.text) or "empty body"),
                    status=status, url=url)
            return status, body
        raise self._status_error(response, url)

    def _status_error(self, response, url):
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        message, error_type, code = error_details(body)
        if message is None:
            content_type = response.headers.get("Content-Type", "unknown")
            text = _snippet(response.text)
            message = "no error message in the %s response%s" % (content_type, (": " + text) if text else "")
        if status in AUTH_STATUSES:
            message += " (authentication/permission error: check api_key or TOGETHER_API_KEY, and the key's access)"
        return TogetherError("HTTP %d from %s: %s" % (status, url, message),
                             status=status, url=url, error_type=error_type, code=code)


def _seconds(value):
    return ("%g" % value) if isinstance(value, float) else str(value)


def _reason(exc):
    """The innermost reason of a requests exception, without its noisy object reprs."""
    text = str(exc.args[0]) if exc.args else str(exc)
    match = re.search(r"\((?:Caused by )?\w+\((?:<[^>]*>, )?['\"]?(.*?)['\"]?\)\)?$", text)
    reason = match.group(1) if match else text
    return " ".join(reason.split())[:200]
