# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The contract tests' plumbing: the bundled simulator in this process, and a recording reverse proxy in front of it.

Both clients (Together's SDK or CLI in a subprocess, the collection in this process) talk to the proxy on 127.0.0.1.
It forwards every request to the simulator as it came and records its method, path, query and JSON body, never a
header (so never the Authorization value). /_contract/begin and /_contract/end (not forwarded, not recorded) reset the
simulator to a case's scenario and file the recording under (case, side).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys
import threading

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import requests

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIMULATOR_DIR = os.path.join(COLLECTION_ROOT, "simulator")
if SIMULATOR_DIR not in sys.path:
    sys.path.insert(0, SIMULATOR_DIR)

from together_simulator.scenario import normalize_scenario  # noqa: E402  pylint: disable=wrong-import-position
from together_simulator.server import make_server  # noqa: E402  pylint: disable=wrong-import-position
from together_simulator.simulation import Simulation  # noqa: E402  pylint: disable=wrong-import-position

CONTROL_PREFIX = "/_contract/"
# Hop-by-hop headers (RFC 9110 section 7.6.1) and what the proxy recomputes itself.
HOP_HEADERS = ("connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
               "transfer-encoding", "upgrade", "content-length", "host", "accept-encoding", "content-encoding")


class Simulator:
    """The bundled simulator on 127.0.0.1 (a free port), served from a thread of this process."""

    def __init__(self):
        self.sim = Simulation(normalize_scenario({}))
        self.server = make_server("127.0.0.1", 0, self.sim, quiet=True)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.root = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.session = requests.Session()

    def load(self, scenario):
        answer = self.session.post(self.root + "/_simulator/scenario", json=scenario, timeout=10)
        assert answer.status_code == 200, answer.text
        self.session.delete(self.root + "/_simulator/requests", timeout=10)

    def close(self):
        self.server.stop_event.set()
        self.server.shutdown()
        self.thread.join(5)
        self.server.server_close()
        self.session.close()


def _record(method, target, content):
    """{method, path, query: {name: [values]}, body}: what a request carried, headers left out."""
    parts = urlsplit(target)
    body = None
    if content:
        try:
            body = json.loads(content.decode("utf-8"))
        except ValueError:
            body = {"<not JSON>": content[:200].decode("utf-8", "replace")}
    return dict(method=method, path=parts.path, query=parse_qs(parts.query, keep_blank_values=True), body=body)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # pylint: disable=arguments-differ
        pass

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        content = self.rfile.read(length) if length else b""
        recorder = self.server.recorder
        if self.path.startswith(CONTROL_PREFIX):
            return self._answer(200, {"Content-Type": "application/json"}, json.dumps(recorder.control(self.path)).encode())
        recorder.add(_record(self.command, self.path, content))
        headers = dict((key, value) for key, value in self.headers.items() if key.lower() not in HOP_HEADERS)
        headers["Accept-Encoding"] = "identity"
        try:
            answer = recorder.upstream.request(self.command, recorder.simulator.root + self.path, data=content or None,
                                               headers=headers, allow_redirects=False, timeout=30, stream=False)
        except requests.RequestException as exc:
            return self._answer(502, {"Content-Type": "text/plain"}, ("proxy: %s" % exc).encode())
        kept = dict((key, value) for key, value in answer.headers.items() if key.lower() not in HOP_HEADERS)
        return self._answer(answer.status_code, kept, answer.content)

    def _answer(self, status, headers, content):
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = do_HEAD = _handle


class Recorder:
    """The recording proxy: root is the URL both clients get (the collection's base_url is root + /v1)."""

    def __init__(self, simulator, scenarios):
        self.simulator = simulator
        self.scenarios = scenarios  # case name -> scenario, loaded by /_contract/begin
        self.upstream = requests.Session()
        self.recordings = {}  # (case, side) -> [record]
        self.current = None
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.recorder = self
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.root = "http://127.0.0.1:%d" % self.server.server_address[1]

    def add(self, record):
        with self.lock:
            if self.current is not None:
                self.current.append(record)

    def begin(self, case, side):
        """Reset the simulator to the case's scenario and record what follows under (case, side)."""
        self.simulator.load(self.scenarios[case])
        with self.lock:
            self.current = self.recordings[(case, side)] = []

    def end(self):
        with self.lock:
            self.current = None

    def control(self, target):
        parts = urlsplit(target)
        query = dict((key, values[0]) for key, values in parse_qs(parts.query).items())
        action = parts.path[len(CONTROL_PREFIX):]
        if action == "begin":
            self.begin(query["case"], query["side"])
        elif action == "end":
            self.end()
        else:
            return {"ok": False, "error": "unknown control %s" % action}
        return {"ok": True}

    def close(self):
        self.server.shutdown()
        self.thread.join(5)
        self.server.server_close()
        self.upstream.close()
