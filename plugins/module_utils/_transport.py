# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""The transport under the API client: one requests.Session whose every request is bounded.

In time: a total deadline for connect, headers and body, enforced by a watchdog that shuts the socket
down. In memory: bodies are streamed, decompressed here (gzip and deflate only) and capped after
decompression. The key is sent as a Bearer header by an auth object, so ~/.netrc never applies.
Failures come back as TogetherError (RetriableError when another try may help), worded without the key.
What a request means to the API (retries, rate limits, redirects, statuses) is the client's (_client.py).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import socket
import threading
import traceback
import zlib

from urllib.parse import urlsplit

from ansible_collections.together.ai.plugins.module_utils._errors import RetriableError, TogetherError

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    from requests.adapters import HTTPAdapter
    from requests.auth import AuthBase
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
    from urllib3.exceptions import ConnectTimeoutError, HTTPError as Urllib3Error, ReadTimeoutError
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    HTTPAdapter = HTTPConnection = HTTPSConnection = HTTPConnectionPool = HTTPSConnectionPool = AuthBase = object

    class Urllib3Error(Exception):
        """Stands in when urllib3 is missing (the module then fails with missing_required_lib)."""

    class ReadTimeoutError(Urllib3Error):
        """Stands in when urllib3 is missing."""

    class ConnectTimeoutError(Urllib3Error):
        """Stands in when urllib3 is missing."""
else:
    HAS_REQUESTS = True

# What a request may raise from below the client (before TogetherError wording): the watchdog's shutdown shows
# up as any of these, and only its own deadline tells them apart from a real failure.
TRANSPORT_ERRORS = ((requests.exceptions.RequestException,) if HAS_REQUESTS else ()) + (Urllib3Error, OSError, zlib.error)

COLLECTION_VERSION = "1.0.0"
USER_AGENT = "together.ai-ansible-collection/%s" % COLLECTION_VERSION
# Largest body read, counted after decompression: an endpoint is a few KiB, a page of 100 a few hundred.
MAX_RESPONSE_BYTES = 8 * 1024 * 1024
# Bodies past this size are read one at a time per client, so parallel reads cannot multiply the cap.
LARGE_BODY_BYTES = 1024 * 1024
READ_CHUNK_BYTES = 64 * 1024
# What OpenSSL says when it gets a plain-HTTP answer to its TLS hello.
PLAIN_HTTP_SIGNS = ("WRONG_VERSION_NUMBER", "wrong version number", "http request", "record layer failure")


def size_text(count):
    return "%d MiB" % (count // (1024 * 1024)) if count % (1024 * 1024) == 0 else "%d bytes" % count


# --- the watchdog that bounds a request in time ------------------------------------------------------------------

_CURRENT = threading.local()


class Watchdog:
    """Shuts down the sockets of one request when its deadline passes: a read timeout alone lets a
    server that trickles a byte at a time (headers or body) hold a request for ever."""

    def __init__(self, seconds):
        self.fired = False
        self._lock = threading.Lock()
        self._sockets = []
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True

    def __enter__(self):
        _CURRENT.watchdog = self
        self._timer.start()
        return self

    def __exit__(self, *exc_info):
        self._timer.cancel()
        _CURRENT.watchdog = None
        with self._lock:
            self._sockets = []

    def watch(self, connection, sock):
        with self._lock:
            if self.fired:
                _shutdown(connection, sock)
            else:
                self._sockets.append((connection, sock))

    def _fire(self):
        with self._lock:
            self.fired = True
            for connection, sock in self._sockets:
                _shutdown(connection, sock)


def _shutdown(connection, sock):
    # During a TLS handshake the plain socket is already detached: fall back to the connection's socket.
    for candidate in (getattr(connection, "sock", None), sock):
        try:
            if candidate is not None and candidate.fileno() >= 0:
                socket.socket.shutdown(candidate, socket.SHUT_RDWR)
                return
        except OSError:
            continue


def _watch(connection, sock):
    watchdog = getattr(_CURRENT, "watchdog", None)
    if watchdog is not None and sock is not None:
        watchdog.watch(connection, sock)


class _Watched:
    """Mixed into urllib3's HTTP and HTTPS connections: each reports its socket to the current request's watchdog."""

    def _new_conn(self):
        sock = super(_Watched, self)._new_conn()  # pylint: disable=no-member
        _watch(self, sock)
        return sock

    def request(self, *args, **kwargs):
        # A kept-alive connection, made by an earlier request, has its socket already.
        _watch(self, self.sock)  # pylint: disable=no-member
        return super(_Watched, self).request(*args, **kwargs)  # pylint: disable=no-member


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    """urllib3's HTTPConnection, watched."""


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    """urllib3's HTTPSConnection, watched."""


class _WatchedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOLS = {"http": _WatchedHTTPConnectionPool, "https": _WatchedHTTPSConnectionPool}


class _WatchedAdapter(HTTPAdapter):
    """An HTTPAdapter whose connections (direct or through an HTTP proxy) report their sockets to the watchdog."""

    def init_poolmanager(self, *args, **kwargs):
        super(_WatchedAdapter, self).init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _WATCHED_POOLS

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super(_WatchedAdapter, self).proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = _WATCHED_POOLS
        return manager


class _BearerAuth(AuthBase):
    """The key as a Bearer header. Being an auth object, it also keeps requests from applying ~/.netrc."""

    def __init__(self, api_key):
        self._header = "Bearer %s" % api_key

    def __call__(self, prepared):
        # requests checks session headers but not what an auth object sets: refuse what HTTP cannot carry.
        if re.search(r"[\x00-\x1f\x7f]", self._header):
            raise requests.exceptions.InvalidHeader("the Authorization header holds a control character")
        self._header.encode("latin-1")  # UnicodeEncodeError, reported without the key
        prepared.headers["Authorization"] = self._header
        return prepared

    def __repr__(self):
        return "<Bearer auth>"


# --- bodies ---------------------------------------------------------------------------------------------------------

class _Inflater:
    """Incremental gzip/deflate decoding that never yields more than asked: a 500 MB bomb stops at the cap."""

    def __init__(self, encoding):
        self.encoding = encoding
        self._wbits = 16 + zlib.MAX_WBITS if encoding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self._decompressor = zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, data, limit):
        """Up to limit + 1 decoded bytes of data (more than limit means the cap is passed)."""
        output = bytearray()
        pending = data
        while pending and len(output) <= limit and not self._decompressor.eof:
            try:
                output += self._decompressor.decompress(pending, limit + 1 - len(output))
            except zlib.error:
                if self._started or self._wbits != zlib.MAX_WBITS:
                    raise
                # Servers send "deflate" both with and without the zlib wrapper.
                self._wbits = -zlib.MAX_WBITS
                self._decompressor = zlib.decompressobj(self._wbits)
                continue
            self._started = True
            pending = self._decompressor.unconsumed_tail
        return output


# --- the session ----------------------------------------------------------------------------------------------------

def origin_of(url):
    """(scheme, host, port) of a URL, the unit the key may be sent to."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port or {"http": 80, "https": 443}.get(scheme)


def new_session(api_key, pool_size, session=None):
    """A session with the key as Bearer auth and the headers every request carries; a new one pools one
    connection per concurrent request (several endpoints are fetched in parallel), each watched."""
    if session is None:
        session = requests.Session()
        adapter = _WatchedAdapter(pool_connections=pool_size, pool_maxsize=pool_size)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
    session.auth = _BearerAuth(api_key)
    session.headers.pop("Authorization", None)
    session.headers.update({
        "Accept": "application/json",
        # Only encodings decoded here under the cap; requests would also offer br and zstd when installed.
        "Accept-Encoding": "gzip, deflate",
        "User-Agent": USER_AGENT,
    })
    return session


def set_attempt_end(end):
    """When the current attempt (on this thread) must be over: waiting for the large-body slot counts against it."""
    _CURRENT.attempt_end = end


def timed_out(url, timeout, reached_server=True):
    """The failure of a request that ran out of its timeout (worth another try)."""
    return RetriableError("request to %s timed out after %ss (timeout bounds connect, headers and body together)"
                          % (url, seconds_text(timeout)), url=url, reached_server=reached_server)


def send(session, method, url, params, body, headers, left, verify, timeout):
    """Send one request (no redirect followed) with `left` seconds for it; the response streams its body."""
    try:
        return session.request(method, url, params=params, json=body, headers=headers, timeout=(left, left),
                               verify=verify, allow_redirects=False, stream=True)
    except requests.exceptions.Timeout as exc:
        raise timed_out(url, timeout, reached_server=not _never_connected(exc))
    except requests.exceptions.SSLError as exc:
        # A certificate problem does not fix itself: report at once, with the way out.
        reason = _reason(exc)
        if any(sign in reason for sign in PLAIN_HTTP_SIGNS):
            # TLS spoken to a plain-HTTP server: no certificate setting helps, the scheme is wrong.
            raise TogetherError("TLS error talking to %s: %s (the server at %s answers plain HTTP, not TLS: use "
                                "http:// in base_url; ca_path and validate_certs do not help here)"
                                % (url, reason, "%s:%s" % origin_of(url)[1:]), url=url)
        raise TogetherError("TLS error talking to %s: %s (set ca_path to trust a private CA; validate_certs: false "
                            "only for a trusted test server)" % (url, reason), url=url)
    except requests.exceptions.ConnectionError as exc:
        raise RetriableError("connection to %s failed: %s" % (url, _reason(exc)), url=url,
                             reached_server=not _never_connected(exc))
    except requests.exceptions.InvalidHeader:
        # Its text quotes the header, which would put the key in the message.
        raise TogetherError("request to %s failed: the API key cannot be sent in an HTTP header "
                            "(does it contain a line break?)" % url, url=url) from None
    except UnicodeError:
        # Not chained either: a traceback (shown at -vvv) must not carry the text that held the key.
        raise TogetherError("request to %s failed: the API key contains characters an HTTP header cannot carry"
                            % url, url=url) from None
    except requests.exceptions.RequestException as exc:
        raise TogetherError("request to %s failed: %s" % (url, _reason(exc)), url=url)
    except OSError as exc:  # requests raises a bare OSError for a CA bundle path that does not exist
        raise TogetherError("request to %s failed: %s" % (url, exc), url=url)


# --- the body ---------------------------------------------------------------------------------------------------------

class BodyReader:
    """Reads bodies decompressed, streamed in chunks and capped at MAX_RESPONSE_BYTES; one large body at a time."""

    def __init__(self, clock, timeout):
        self._clock = clock
        self.timeout = timeout
        self._large_body = threading.Semaphore(1)

    def read(self, response, url, slot):
        """The whole body of a response; a failure while reading it is worth another try.

        A large body holds the client's one large-body slot (slot[0] is then True) until release(slot), so that
        its decoding, too, happens one at a time.
        """
        status = response.status_code
        try:
            return self._read(response, url, slot)
        except ReadTimeoutError:
            raise timed_out(url, self.timeout)
        except (requests.exceptions.RequestException, Urllib3Error, OSError) as exc:
            raise RetriableError("reading the body of HTTP %d from %s failed: %s" % (status, url, _reason(exc)),
                                 status=status, url=url)

    def release(self, slot):
        """Give back the large-body slot read() took, if it took it."""
        if slot and slot[0]:
            self._large_body.release()

    def _read(self, response, url, slot):
        status = response.status_code
        declared = (response.headers.get("Content-Length") or "").strip()
        encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
        if declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES:
            raise self._too_large(status, url, "its Content-Length is %s" % declared)
        if encoding in ("gzip", "x-gzip", "deflate"):
            inflater = _Inflater(encoding)
        elif encoding in ("identity", ""):
            inflater = None
        else:
            raise TogetherError("HTTP %d from %s: the body is encoded as %r, which this collection does not decode "
                                "(it asks for gzip or deflate only)" % (status, url, encoding), status=status, url=url)
        content = bytearray()
        received = 0
        holding_large_slot = False
        slot.append(False)
        try:
            while True:
                data = response.raw.read(READ_CHUNK_BYTES, decode_content=False)
                if not data:
                    break
                received += len(data)
                if received > MAX_RESPONSE_BYTES:
                    raise self._too_large(status, url, "stopped reading")
                if inflater is not None:
                    try:
                        data = inflater.feed(data, MAX_RESPONSE_BYTES - len(content))
                    except zlib.error as exc:
                        raise TogetherError("HTTP %d from %s: the %s-compressed body is corrupt: %s"
                                            % (status, url, encoding, exc), status=status, url=url)
                if len(content) + len(data) > MAX_RESPONSE_BYTES:
                    raise self._too_large(status, url, "stopped reading after decompressing %s"
                                          % size_text(MAX_RESPONSE_BYTES))
                if not holding_large_slot and len(content) + len(data) > LARGE_BODY_BYTES:
                    # Waiting for another thread's large body counts against this request's own time.
                    left = getattr(_CURRENT, "attempt_end", self._clock()) - self._clock()
                    if not self._large_body.acquire(timeout=max(left, 0.0)):
                        raise timed_out(url, self.timeout)
                    holding_large_slot = slot[0] = True
                content += data
            return content
        except BaseException:
            if holding_large_slot:
                # Given back here, so the caller's release(slot) must not give it back a second time.
                slot[0] = False
                self._large_body.release()
            raise

    @staticmethod
    def _too_large(status, url, what):
        return TogetherError("HTTP %d from %s: the response body is larger than %s (MAX_RESPONSE_BYTES, counted after "
                             "decompression), %s; is base_url the Together API?"
                             % (status, url, size_text(MAX_RESPONSE_BYTES), what), status=status, url=url)


def _never_connected(exc):
    """Whether a requests exception says the connection was never made, so nothing reached the server.

    urllib3 wraps a failed connect (refused, unreachable, DNS, connect timeout) in MaxRetryError with a
    NewConnectionError or ConnectTimeoutError reason; a reset or a read timeout after sending is anything else.
    """
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    cause = exc.args[0] if exc.args else None
    reason = getattr(cause, "reason", cause)
    return isinstance(reason, ConnectTimeoutError)


def seconds_text(value):
    return ("%g" % value) if isinstance(value, float) else str(value)


def _reason(exc):
    """The innermost reason of a requests exception, without its noisy object reprs."""
    text = str(exc.args[0]) if exc.args else str(exc)
    match = re.search(r"\((?:Caused by )?\w+\((?:<[^>]*>, )?['\"]?(.*?)['\"]?\)\)?$", text)
    reason = match.group(1) if match else text
    # urllib3 prefixes the connection's repr, which names this module's internal class.
    reason = re.sub(r"\b\w*HTTPS?Connection\(host=[^)]*\): ", "", reason)
    return " ".join(reason.split())[:200]
