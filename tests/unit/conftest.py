# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared fixtures: canned API bodies, a fake HTTP transport under requests, and a loopback API server.

No test talks to the network. The fake transport replaces requests' HTTPAdapter.send, so everything above it
(Session, header validation, URL preparation, environment merging of verify) is the real requests code, and each
request is recorded as it would have gone on the wire.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import http.client
import http.server
import io
import json
import os
import re
import socket
import threading

from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import urllib3

from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from ansible_collections.together.ai.tests.unit._helpers import QuietHandler

FIXTURES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plugins", "fixtures")

# Environment variables that change what requests does with verify or proxies; tests start without them.
REQUESTS_ENVIRONMENT = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY",
                        "http_proxy", "https_proxy", "all_proxy", "no_proxy")

_NO_BODY = object()
_FIXTURE_CACHE = {}


def _read_fixture(name):
    if name not in _FIXTURE_CACHE:
        with open(os.path.join(FIXTURES_DIR, name), "rb") as handle:
            _FIXTURE_CACHE[name] = handle.read().decode("utf-8")
    return _FIXTURE_CACHE[name]


@pytest.fixture
def fixture_json():
    """fixture_json('endpoint_started.json') -> a fresh copy of the decoded canned body."""
    def load(name):
        return copy.deepcopy(json.loads(_read_fixture(name)))
    return load


@pytest.fixture
def fixture_text():
    """fixture_text('bad_gateway_502.html') -> the canned body as text."""
    return _read_fixture


class Reply:
    """One canned HTTP response: a JSON body, a text body, or no body."""

    def __init__(self, status, body=_NO_BODY, headers=None, text=None, content_type=None, content=None):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        self.text = text
        self.content_type = content_type
        self.content = content

    def build(self, prepared):
        response = requests.Response()
        response.status_code = self.status
        response.reason = http.client.responses.get(self.status, "")
        headers = CaseInsensitiveDict(self.headers)
        if self.content is not None:
            content = self.content
        elif self.text is not None:
            content = self.text.encode("utf-8")
            headers.setdefault("Content-Type", self.content_type or "text/html")
        elif self.body is not _NO_BODY:
            content = json.dumps(self.body).encode("utf-8")
            headers.setdefault("Content-Type", self.content_type or "application/json")
        else:
            content = b""
        headers.setdefault("Content-Length", str(len(content)))
        response.headers = headers
        # The client streams bodies from raw, as it does from a socket.
        response.raw = urllib3.HTTPResponse(body=io.BytesIO(content), headers=dict(headers), status=self.status,
                                            preload_content=False, decode_content=False)
        response.encoding = "utf-8"
        response.url = prepared.url
        response.request = prepared
        return response


class Sent:
    """A request as the transport received it from requests."""

    def __init__(self, prepared, kwargs):
        parts = urlsplit(prepared.url)
        self.method = prepared.method
        self.url = prepared.url
        self.path = parts.path
        self.query_string = parts.query
        self.query = dict(parse_qsl(parts.query, keep_blank_values=True))
        self.headers = dict(prepared.headers)
        self.timeout = kwargs.get("timeout")
        self.verify = kwargs.get("verify")


# v2 reads look up readable model names; unless a test routes the path, the canned Model answers (or a 404).
MODEL_PATH = re.compile(r"/v2/projects/[^/]+/models/([^/]+)$")


def model_reply(model_id):
    name = "v2/model_%s.json" % model_id
    if os.path.exists(os.path.join(FIXTURES_DIR, name)):
        return Reply(200, json.loads(_read_fixture(name)))
    return Reply(404, {"error": {"message": "model %r not found" % model_id, "type": "invalid_request_error",
                                 "param": None, "code": "not_found"}})


class FakeTransport:
    """Stands in for HTTPAdapter.send; thread-safe, so concurrent reads can be tested.

    Outcomes are Reply objects, (status, body[, headers]) tuples, exceptions to raise, or callables taking the
    PreparedRequest and returning one of those. route(path, ...) answers one URL path (the last outcome repeats);
    v2 model look-ups not routed get the canned Model (model_reply) and are recorded in model_lookups, not in
    sent; queue(...) answers any other request, each outcome once. A request nothing answers fails the test.
    """

    def __init__(self):
        self.sent = []
        self.model_lookups = []
        self._queue = []
        self._routes = {}
        self._lock = threading.Lock()

    @staticmethod
    def reply(status, body=_NO_BODY, headers=None, text=None, content_type=None, content=None):
        return Reply(status, body=body, headers=headers, text=text, content_type=content_type, content=content)

    def queue(self, *outcomes):
        self._queue.extend(outcomes)

    def route(self, path, *outcomes):
        self._routes[path] = list(outcomes)

    @property
    def paths(self):
        return [sent.path for sent in self.sent]

    def send(self, prepared, **kwargs):
        with self._lock:
            path = urlsplit(prepared.url).path
            # Model look-ups go to their own list, so tests of other reads count only their own requests.
            (self.model_lookups if MODEL_PATH.search(path) else self.sent).append(Sent(prepared, kwargs))
            if path in self._routes:
                outcomes = self._routes[path]
                outcome = outcomes.pop(0) if len(outcomes) > 1 else outcomes[0]
            elif MODEL_PATH.search(path):
                outcome = model_reply(MODEL_PATH.search(path).group(1))
            elif self._queue:
                outcome = self._queue.pop(0)
            else:
                raise AssertionError("unexpected request %s %s" % (prepared.method, prepared.url))
        if callable(outcome) and not isinstance(outcome, (Reply, BaseException)):
            outcome = outcome(prepared)
        if isinstance(outcome, BaseException):
            raise outcome
        if isinstance(outcome, tuple):
            outcome = Reply(*outcome)
        return outcome.build(prepared)


def clean_requests_env(monkeypatch):
    """Start without the environment variables that change requests' verify or proxies."""
    for name in REQUESTS_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def transport(monkeypatch):
    """The fake transport, installed under every requests Session for the test."""
    clean_requests_env(monkeypatch)
    fake = FakeTransport()

    def send(adapter, request, **kwargs):  # pylint: disable=unused-argument
        return fake.send(request, **kwargs)

    monkeypatch.setattr(HTTPAdapter, "send", send)
    return fake


class LoopbackAPI:
    """A tiny HTTP server on 127.0.0.1 that records raw request paths and headers."""

    def __init__(self):
        self.received = []
        self.routes = {}
        self._lock = threading.Lock()
        api = self

        class Handler(QuietHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # pylint: disable=invalid-name
                with api._lock:
                    api.received.append(dict(path=self.path, headers=dict(self.headers)))
                self.reply(*api.routes.get(self.path.split("?", 1)[0], (404, {"error": {
                    "message": "not found", "type": "invalid_request_error", "param": None, "code": None}})))

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base_url = "http://127.0.0.1:%d/v1" % self.port
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs=dict(poll_interval=0.05))
        self._thread.daemon = True

    def start(self):
        self._thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)


@pytest.fixture
def loopback_api(monkeypatch):
    """A real HTTP server on 127.0.0.1, port 0, stopped after the test whatever happens."""
    clean_requests_env(monkeypatch)
    api = LoopbackAPI()
    api.start()
    try:
        yield api
    finally:
        api.stop()


class RawServer:
    """Accepts connections on 127.0.0.1 (port 0) and runs handler(connection, stop) for each, in threads.

    The handler writes whatever bytes it likes (trickles, bombs, silence); requests holds each request's head.
    """

    def __init__(self, handler):
        self.handler = handler
        self.stop = threading.Event()
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.requests = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def url(self, path="/v1/endpoints/endpoint-1"):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def _serve(self):
        while not self.stop.is_set():
            try:
                connection, _address = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    def _handle(self, connection):
        try:
            connection.settimeout(5)
            request = b""
            while b"\r\n\r\n" not in request:
                data = connection.recv(4096)
                if not data:
                    return
                request += data
            self.requests.append(request.decode("latin-1"))
            self.handler(connection, self.stop)
        except OSError:
            pass  # the client hung up: that is what the bounds are for
        finally:
            connection.close()

    def close(self):
        self.stop.set()
        self.listener.close()
        self._thread.join(5)


@pytest.fixture
def raw_server(monkeypatch):
    """raw_server(handler) -> a started RawServer; every one is closed after the test, whatever happens."""
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    servers = []

    def start(handler):
        server = RawServer(handler)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()
