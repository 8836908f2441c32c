"""The HTTP front end: bearer auth, fault injection, routing, error envelopes and request logging."""

import hmac
import http
import http.server
import ipaddress
import json
import select
import socket
import ssl
import struct
import sys
import threading
import time
import traceback

from . import control, payloads, routes_inference, routes_v1, routes_v2
from .errors import ApiError
from .routing import JSON_CONTENT_TYPE, Request, Response, Router

API_ROUTER = Router()
routes_v1.register(API_ROUTER)
routes_v2.register(API_ROUTER)
routes_inference.register(API_ROUTER)
CONTROL_ROUTER = control.build_router()

MAX_BODY_BYTES = 10 * 1024 * 1024
AUTH_ERROR_MESSAGE = "Invalid API key provided"
# What a Cloudflare-style proxy answers when the origin is down: HTML, not JSON.
PROXY_ERROR_PAGE = (b"<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n"
                    b"<center><h1>502 Bad Gateway</h1></center>\n<hr><center>cloudflare</center>\n</body>\n</html>\n")
NOT_JSON_BODY = b"upstream connect error or disconnect/reset before headers. reset reason: connection termination"
FALLBACK_JSON = b'{"object": "list", "data": []}'
# Kinds whose bytes the server writes itself (slowly, endlessly or hugely) instead of one _send.
STREAMED_KINDS = ("trickle_headers", "trickle_body", "endless_body", "oversized_body", "gzip_bomb")


def _retry_after_value(seconds):
    return str(int(seconds)) if float(seconds).is_integer() else str(seconds)


class SimulatorServer(http.server.ThreadingHTTPServer):
    """A threading HTTP server that owns one Simulation."""

    daemon_threads = True
    allow_reuse_address = True
    # The listen backlog (socketserver's default is 5): a client opening 16 to 64 connections at once (the
    # collection's concurrency option) while the accept loop waits for the CPU must find them queued, not have
    # its SYNs dropped (a stall of a second or more, or a reset).
    request_queue_size = 64

    def __init__(self, address, simulation, quiet=False, tls_context=None):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.simulation = simulation
        self.quiet = quiet
        self.stop_event = simulation.stop_event  # one event: it also wakes scripted inference latency
        self._log_lock = threading.Lock()
        super().__init__(address, RequestHandler)
        self.scheme = "http"
        if tls_context is not None:
            # The handshake happens on the handler thread's first read, so a stalled client cannot block accept().
            self.socket = tls_context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)
            self.scheme = "https"
        simulation.on_shutdown = self.request_shutdown

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        if isinstance(error, (ssl.SSLError, ConnectionError, socket.timeout)):
            # A client that refused our certificate or spoke plain HTTP to TLS: one line, not a traceback.
            self.log("%s - connection failed: %s" % (client_address[0], error))
            return
        super().handle_error(request, client_address)

    def request_shutdown(self):
        """Stop serving; safe from any thread, including handlers and signal handlers."""
        self.stop_event.set()  # wakes requests sleeping in latency/slow faults
        threading.Thread(target=self.shutdown, name="simulator-shutdown", daemon=True).start()

    def log(self, line):
        if self.quiet:
            return
        with self._log_lock:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()


class RequestHandler(http.server.BaseHTTPRequestHandler):
    """One connection; each request goes to the control API or through auth, faults and the API routes."""

    protocol_version = "HTTP/1.1"
    server_version = "together-simulator/0.1"
    timeout = 60  # idle keep-alive connections must not hold a thread forever

    def do_GET(self):
        self.handle_request()

    do_POST = do_PATCH = do_DELETE = do_PUT = do_HEAD = do_OPTIONS = do_GET

    def version_string(self):
        return self.server_version

    def log_request(self, code="-", size="-"):
        """Silenced: handle_request logs one line per answer, with the fault that shaped it."""

    def log_message(self, format, *args):
        self.server.log("%s - %s" % (self.client_address[0], format % args))

    def send_error(self, code, message=None, explain=None):
        # Malformed requests never reach a route; answer them with ErrorData too, not http.server's HTML page.
        self.close_connection = True
        self._send(Response(code, ApiError(code, message or http.HTTPStatus(code).phrase).classic_body()))

    # -- request plumbing -------------------------------------------------------------------------

    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline(65537).split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY_BYTES:
            raise ValueError("Content-Length %d is out of range" % length)
        return self.rfile.read(length) if length else b""

    def _send(self, response):
        payload = response.payload()
        try:
            self.send_response(response.status)
            if response.status != 204:
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(payload)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if payload and self.command != "HEAD":
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. after a slow fault); nothing left to tell it

    def _reset(self):
        """Close with SO_LINGER 0 so the kernel sends RST: the client sees a reset, not a clean EOF."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def handle_request(self):
        started = time.monotonic()
        try:
            body = self._read_body()
        except ValueError as exc:
            self.send_error(400, "Invalid request body framing: %s" % exc)
            return
        request = Request(self.command, self.path, self.headers, body, self.client_address)
        if request.segments and request.segments[0] == "_simulator":
            self._handle_control(request)
        else:
            self._handle_api(request, started)

    # -- control API ------------------------------------------------------------------------------

    def _is_loopback(self):
        try:
            address = ipaddress.ip_address(self.client_address[0].split("%")[0])
        except ValueError:
            return False
        mapped = getattr(address, "ipv4_mapped", None)
        return address.is_loopback or bool(mapped and mapped.is_loopback)

    def _handle_control(self, request):
        sim = self.server.simulation
        try:
            if not self._is_loopback():
                raise ApiError(403, "the /_simulator/ control API only answers loopback clients")
            handler, params = CONTROL_ROUTER.resolve(request.method, request.segments)
            response = handler(sim, request, **params)
        except ApiError as exc:
            response = Response(exc.status, exc.classic_body(), exc.headers)
        if response.after_send is not None:
            self.close_connection = True
        self._send(response)
        self.server.log('%s "%s %s" %s (control)' % (self.client_address[0], request.method, request.target, response.status))
        if response.after_send is not None:
            response.after_send()

    # -- API --------------------------------------------------------------------------------------

    def _authorization_scheme(self):
        """What kind of credential came (bearer, basic, none...): the request log keeps this, never the value."""
        header = self.headers.get("Authorization")
        if header is None:
            return "none"
        return header.partition(" ")[0].lower() or "empty"

    def _authorized(self, sim):
        scheme, _sep, token = self.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode("utf-8"), sim.api_key.encode("utf-8"))

    @staticmethod
    def _error_format(sim, request):
        if sim.v2_error_format == "rpc" and request.segments and request.segments[0] in ("v2", "v3"):
            return "rpc"
        return "classic"

    @staticmethod
    def _error_response(error, error_format):
        return Response(error.status, error.body(error_format), error.headers)

    def _dispatch(self, sim, request, authorized, error_format):
        try:
            if not authorized:
                raise ApiError(sim.auth_error_status, AUTH_ERROR_MESSAGE, code="invalid_api_key", error_type="invalid_request_error")
            handler, params = API_ROUTER.resolve(request.method, request.segments)
            return handler(sim, request, **params)
        except ApiError as exc:
            return self._error_response(exc, error_format)
        except Exception as exc:  # a simulator bug must still answer ErrorData, and say what broke
            self.server.log(traceback.format_exc())
            return self._error_response(ApiError(500, "Internal simulator error: %s" % exc), error_format)

    def _fault_response(self, fault, error_format):
        """The answer a fault replaces the normal one with, or None when the request proceeds normally."""
        kind = fault["kind"]
        if kind == "status":
            status = fault["status"]
            headers = {fault["retry_after_header"]: _retry_after_value(fault["retry_after"])} if fault["retry_after"] is not None else {}
            message = fault["message"] or "%s (simulated)" % http.HTTPStatus(status).phrase
            return self._error_response(ApiError(status, message, headers=headers), error_format)
        if kind == "rate_limit":
            seconds = _retry_after_value(fault["retry_after"])
            message = fault["message"] or "Rate limit exceeded; retry after %s second(s)" % seconds
            return self._error_response(ApiError(429, message, code="rate_limit_exceeded", headers={fault["retry_after_header"]: seconds}),
                                        error_format)
        if kind == "html":
            return Response(fault["status"], raw=PROXY_ERROR_PAGE, content_type="text/html; charset=utf-8")
        if kind == "invalid_json":
            return Response(fault["status"], raw=NOT_JSON_BODY, content_type=JSON_CONTENT_TYPE)
        if kind == "empty_body":
            return Response(fault["status"], raw=b"", content_type=JSON_CONTENT_TYPE)
        if kind == "redirect":
            return Response(fault["status"], raw=b"<html><body>Moved</body></html>\n", content_type="text/html; charset=utf-8",
                            headers={"Location": fault["location"]})
        if kind == "json":
            # Any JSON the test wants in place of the real answer: wrong types in whoami answers or list pages.
            return Response(fault["status"], raw=json.dumps(fault["body"]).encode("utf-8"), content_type=JSON_CONTENT_TYPE)
        if kind == "endless_pages":
            # Always empty, always "more to come": a new cursor each time, so only a page budget stops a client.
            return Response(200, {"data": [], "next_cursor": "endless-%d" % (fault["use"] + 1)})
        return None

    def _handle_api(self, request, started):
        sim = self.server.simulation
        request.index = sim.next_request_index()  # its `index` in GET /_simulator/requests, and in outage causes
        authorized = self._authorized(sim)
        fault = sim.faults.take(request.method, request.raw_path, request.decoded_path)
        kind = fault["kind"] if fault else None
        error_format = self._error_format(sim, request)
        if kind in ("latency", "slow"):
            self.server.stop_event.wait(fault["seconds"])
        if kind == "reset":
            self._reset()
            status = None
        else:
            response = self._fault_response(fault, error_format) if fault else None
            if response is None and kind in ("endless_body", "oversized_body", "gzip_bomb"):
                response = Response(200)
            if response is None:
                response = self._dispatch(sim, request, authorized, error_format)
                if kind == "truncated_json":
                    payload = response.payload() or FALLBACK_JSON
                    response = Response(200, raw=payload[:len(payload) // 2], content_type=JSON_CONTENT_TYPE)
                elif kind == "repeated_cursor" and response.status == 200 and isinstance(response.body, dict):
                    # the cursor this request came with (or the page's own): a client that follows it never gets further
                    response.body["next_cursor"] = (request.query_value("after") or response.body.get("next_cursor")
                                                    or routes_v2.first_page_cursor())
            if kind in STREAMED_KINDS:
                self._stream(response, fault)
            else:
                self._send(response)
            status = response.status
        duration = time.monotonic() - started
        sim.record(request, status, authorized, kind, duration, self._authorization_scheme())
        shown_status = status if status is not None else "reset"
        fault_note = " fault=%s" % kind if kind else ""
        self.server.log('%s "%s %s" %s %.1fms%s' % (self.client_address[0], request.method, request.target, shown_status,
                                                    duration * 1000, fault_note))

    # -- streamed faults --------------------------------------------------------------------------

    def _head(self, status, headers):
        lines = ["HTTP/1.1 %d %s" % (status, http.HTTPStatus(status).phrase), "Server: " + self.version_string(),
                 "Date: " + self.date_time_string()]
        lines.extend("%s: %s" % item for item in headers)
        lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _client_left(self, seconds):
        """Wait up to `seconds`; True as soon as the client has closed its end (EOF), so a trickle stops at once."""
        if isinstance(self.connection, ssl.SSLSocket):  # no MSG_PEEK on TLS: a write error ends the trickle instead
            return self.server.stop_event.wait(seconds)
        readable, _writable, _errors = select.select([self.connection], [], [], seconds)
        if not readable:
            return self.server.stop_event.is_set()
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _write_slowly(self, data, interval):
        """One byte every `interval` seconds; False once the client has left or the server stops."""
        for index in range(len(data)):
            if index and self._client_left(interval):
                return False
            self.wfile.write(data[index:index + 1])
        return True

    def _stream(self, response, fault):
        """Carry out a fault that shapes the bytes on the wire: trickled, endless, oversized or a compression bomb."""
        kind = fault["kind"]
        self.close_connection = True  # none of these leaves the connection in a reusable state
        headers = [("Content-Type", response.content_type)]
        try:
            if kind in ("trickle_headers", "trickle_body"):
                payload = response.payload()
                head = self._head(response.status, headers + [("Content-Length", str(len(payload)))] + list(response.headers.items()))
                if kind == "trickle_headers":
                    if self._write_slowly(head, fault["interval"]):
                        self.wfile.write(payload)
                else:
                    self.wfile.write(head)
                    self._write_slowly(payload, fault["interval"])
                return
            if kind == "endless_body":
                self.wfile.write(self._head(200, headers + [("Transfer-Encoding", "chunked")]))
                for piece in payloads.endless_json():
                    if self.server.stop_event.is_set():
                        return
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            if kind == "oversized_body":
                size = payloads.padded_json_length(fault["size"])
                self.wfile.write(self._head(200, headers + [("Content-Length", str(size))]))
                pieces = payloads.padded_json(fault["size"])
            else:
                bomb = payloads.GzipBomb(fault["size"])
                self.wfile.write(self._head(200, headers + [("Content-Encoding", "gzip"), ("Content-Length", str(bomb.length))]))
                pieces = iter(bomb)
            for piece in pieces:
                if self.server.stop_event.is_set():
                    return
                self.wfile.write(piece)
        except (BrokenPipeError, ConnectionResetError, socket.timeout, OSError):
            return  # the client gave up: exactly what these faults are for


def tls_context(cert_file, key_file):
    """A server-side TLS context for --tls-cert/--tls-key (PEM files)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context


def make_server(host, port, simulation, quiet=False, tls=None):
    return SimulatorServer((host, port), simulation, quiet=quiet, tls_context=tls)
