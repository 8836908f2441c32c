"""Requests, responses and a small router over percent-decoded path segments.

Segments are split on the raw path first and decoded one by one, so an id such as `a%2Fb` stays
one segment (`a/b`) and can never reach another route.
"""

import json
import urllib.parse

from .errors import ApiError

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
# The live API's answer to a path it has no route for (HTTP 404, code unknown_url), word for word.
UNKNOWN_URL_MESSAGE = "Unknown request URL: %s /%s. Please check the URL for typos, or see the docs at https://docs.together.ai/"


class Request:
    """One HTTP request, as the route handlers see it."""

    def __init__(self, method, target, headers, body, client_address=None):
        self.method = method
        self.target = target
        if target.startswith(("http://", "https://")):  # absolute-form request-target (RFC 9112 3.2.2)
            parts = urllib.parse.urlsplit(target)
            target = parts.path + ("?" + parts.query if parts.query else "")
        self.raw_path, _sep, self.raw_query = target.partition("?")
        self.segments = [urllib.parse.unquote(segment) for segment in self.raw_path.split("/")[1:]]
        self.decoded_path = "/" + "/".join(self.segments)
        self.query = urllib.parse.parse_qs(self.raw_query, keep_blank_values=True)
        self.headers = headers
        self.body = body
        self.client_address = client_address
        self.index = None  # API requests: the sequence number the request log shows (set by the server on arrival)
        self._json = None

    def query_value(self, name):
        values = self.query.get(name)
        return values[0] if values else None

    def json(self):
        """The body as JSON; a body that is not a JSON object is the client's error (400)."""
        if self._json is None:
            if not self.body:
                raise ApiError(400, "Request body is required and must be a JSON object")
            try:
                self._json = json.loads(self.body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise ApiError(400, "Request body is not valid JSON: %s" % exc)
            if not isinstance(self._json, dict):
                raise ApiError(400, "Request body must be a JSON object")
        return self._json


class Response:
    """What a handler answers; `body` is serialised as JSON unless `raw` bytes are given."""

    def __init__(self, status=200, body=None, headers=None, raw=None, content_type=JSON_CONTENT_TYPE, after_send=None):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        self.raw = raw
        self.content_type = content_type
        self.after_send = after_send  # called once the answer is on the wire (e.g. to shut down)

    def payload(self):
        if self.raw is not None:
            return self.raw
        if self.body is None:
            return b""
        return json.dumps(self.body).encode("utf-8")


class Router:
    """Routes (method, segment pattern) to handlers; `{name}` segments become keyword arguments."""

    def __init__(self):
        self._routes = []

    def add(self, method, pattern, handler):
        self._routes.append((method, tuple(pattern.strip("/").split("/")), handler))

    def resolve(self, method, segments):
        """(handler, params); raises ApiError 404 for an unknown path and 405 for a known path with another method."""
        allowed = []
        for route_method, pattern, handler in self._routes:
            params = self._match(pattern, segments)
            if params is None:
                continue
            if route_method == method:
                return handler, params
            allowed.append(route_method)
        if allowed:
            raise ApiError(405, "Method %s is not allowed on this path; allowed: %s" % (method, ", ".join(sorted(set(allowed)))),
                           headers={"Allow": ", ".join(sorted(set(allowed)))})
        raise ApiError(404, UNKNOWN_URL_MESSAGE % (method, "/".join(segments)), code="unknown_url")

    def handles(self, segments):
        return any(self._match(pattern, segments) is not None for _method, pattern, _handler in self._routes)

    @staticmethod
    def _match(pattern, segments):
        if len(pattern) != len(segments):
            return None
        params = {}
        for expected, actual in zip(pattern, segments):
            if expected.startswith("{") and expected.endswith("}"):
                params[expected[1:-1]] = actual
            elif expected != actual:
                return None
        return params
