# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""TogetherClient against misbehaving servers on 127.0.0.1: total deadline, body cap, gzip bombs, endless bodies."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import gzip
import io
import json
import time
import zlib

import pytest

from ansible_collections.together.ai.plugins.module_utils._client import TogetherClient, TogetherError
from ansible_collections.together.ai.plugins.module_utils._transport import MAX_RESPONSE_BYTES
from ansible_collections.together.ai.tests.unit._helpers import FakeTime

API_KEY = "sk-unit-bounds-5e1c9a7b3d"
CAP_TEXT = "larger than 8 MiB (MAX_RESPONSE_BYTES, counted after decompression)"


def client(**kwargs):
    kwargs.setdefault("sleep", FakeTime())
    kwargs.setdefault("max_retries", 0)
    return TogetherClient(API_KEY, **kwargs)


def trickle(connection, stop, data, interval=0.5):
    for index in range(len(data)):
        if stop.wait(interval):
            return
        connection.sendall(data[index:index + 1])


def headers(length=None, extra=b""):
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + extra
    if length is not None:
        head += b"Content-Length: %d\r\n" % length
    return head + b"\r\n"


def timed(call):
    started = time.monotonic()
    try:
        call()
    except TogetherError as exc:
        return exc, time.monotonic() - started
    raise AssertionError("no TogetherError")


# --- time -----------------------------------------------------------------------------------------------------------

def test_headers_trickled_a_byte_every_half_second_end_at_the_timeout(raw_server):
    server = raw_server(lambda connection, stop: trickle(connection, stop, headers(2) + b"{}"))
    error, elapsed = timed(lambda: client(timeout=2).get(server.url()))
    assert elapsed < 3.0
    assert error.message == ("request to %s timed out after 2s (timeout bounds connect, headers and body together)"
                             % server.url())


def test_body_trickled_a_byte_every_half_second_ends_at_the_timeout(raw_server):
    body = json.dumps({"id": "endpoint-1", "padding": "x" * 200}).encode()

    def handler(connection, stop):
        connection.sendall(headers(len(body)))
        trickle(connection, stop, body)

    server = raw_server(handler)
    error, elapsed = timed(lambda: client(timeout=2).get(server.url()))
    assert elapsed < 3.0
    assert "timed out after 2s (timeout bounds connect, headers and body together)" in error.message


def test_chunked_body_trickled_forever_ends_at_the_timeout(raw_server):
    def handler(connection, stop):
        connection.sendall(headers(extra=b"Transfer-Encoding: chunked\r\n"))
        while not stop.wait(0.3):
            connection.sendall(b"1\r\n \r\n")

    server = raw_server(handler)
    error, elapsed = timed(lambda: client(timeout=1.5).get(server.url()))
    assert elapsed < 2.5
    assert "timed out after 1.5s" in error.message


def test_silent_server_is_retried_and_each_try_is_bounded(raw_server):
    server = raw_server(lambda connection, stop: stop.wait(10))
    sleeps = FakeTime()
    error, elapsed = timed(lambda: client(timeout=0.5, max_retries=2, sleep=sleeps, rand=lambda: 0.0).get(server.url()))
    assert elapsed < 3.0
    assert sleeps == [0.5, 1.0]
    assert error.message.endswith("(gave up after 2 retries)")


def test_deadline_gives_the_request_only_the_time_left_and_is_not_retried(raw_server):
    server = raw_server(lambda connection, stop: trickle(connection, stop, headers(2) + b"{}"))
    sleeps = FakeTime()
    api = client(timeout=30, max_retries=3, sleep=sleeps)
    api.deadline = time.monotonic() + 1.0
    error, elapsed = timed(lambda: api.get(server.url()))
    assert elapsed < 2.0
    assert sleeps == []
    assert error.message.startswith("request to %s stopped at the deadline (" % server.url())


def test_request_started_with_no_time_left_is_not_sent(raw_server):
    server = raw_server(lambda connection, stop: connection.sendall(headers(2) + b"{}"))
    api = client()
    api.deadline = time.monotonic() - 0.1
    error, _elapsed = timed(lambda: api.get(server.url()))
    assert error.message == "request to %s not sent: no time left before the deadline" % server.url()
    assert server.requests == []


def test_backoff_that_would_pass_the_deadline_fails_instead_of_sleeping(raw_server):
    def handler(connection, stop):
        body = b'{"error": {"message": "overloaded"}}'
        connection.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))

    server = raw_server(handler)
    sleeps = FakeTime()
    api = client(max_retries=3, sleep=sleeps, rand=lambda: 0.0)
    api.deadline = time.monotonic() + 0.3
    error, _elapsed = timed(lambda: api.get(server.url()))
    assert sleeps == []
    assert "HTTP 503" in error.message and "overloaded" in error.message
    assert "(no time left for another try before the deadline: " in error.message


def test_a_fast_answer_within_the_deadline_succeeds(raw_server):
    server = raw_server(lambda connection, stop: connection.sendall(headers(13) + b'{"ok": true} '))
    api = client(timeout=5)
    api.deadline = time.monotonic() + 5
    assert api.get(server.url()) == (200, {"ok": True})


# --- memory ---------------------------------------------------------------------------------------------------------

def test_content_length_over_the_cap_fails_before_reading(raw_server):
    def handler(connection, stop):
        connection.sendall(headers(200 * 1024 * 1024))
        stop.wait(5)

    server = raw_server(handler)
    error, elapsed = timed(lambda: client(timeout=5).get(server.url()))
    assert elapsed < 1.0
    assert error.message == ("HTTP 200 from %s: the response body is %s, its Content-Length is %d; is base_url the "
                             "Together API?" % (server.url(), CAP_TEXT, 200 * 1024 * 1024))


def test_endless_chunked_body_stops_at_the_cap(raw_server):
    chunk = b"x" * 65536

    def handler(connection, stop):
        connection.sendall(headers(extra=b"Transfer-Encoding: chunked\r\n"))
        while not stop.is_set():
            connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))

    server = raw_server(handler)
    error, _elapsed = timed(lambda: client(timeout=10).get(server.url()))
    assert error.message.startswith("HTTP 200 from %s: the response body is %s" % (server.url(), CAP_TEXT))


def test_body_without_length_stops_at_the_cap(raw_server):
    def handler(connection, stop):
        connection.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
        for _index in range(200):
            connection.sendall(b"[" * 65536)

    server = raw_server(handler)
    error, _elapsed = timed(lambda: client(timeout=10).get(server.url()))
    assert CAP_TEXT in error.message


def gzip_bomb(size):
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as handle:
        block = b" " * (1024 * 1024)
        for _index in range(size // len(block)):
            handle.write(block)
    return buffer.getvalue()


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compression_bomb_stops_at_the_cap_after_decompression(raw_server, encoding):
    if encoding == "gzip":
        body = gzip_bomb(64 * 1024 * 1024)
    else:
        body = zlib.compress(b" " * (64 * 1024 * 1024), 9)
    assert len(body) < MAX_RESPONSE_BYTES

    def handler(connection, stop):
        connection.sendall(headers(len(body), b"Content-Encoding: %s\r\n" % encoding.encode()) + body)

    server = raw_server(handler)
    error, _elapsed = timed(lambda: client(timeout=10).get(server.url()))
    assert error.message == ("HTTP 200 from %s: the response body is %s, stopped reading after decompressing 8 MiB; is "
                             "base_url the Together API?" % (server.url(), CAP_TEXT))


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
def test_compressed_json_is_decoded(raw_server, encoding):
    document = {"id": "endpoint-1", "state": "STARTED"}
    raw = json.dumps(document).encode()
    if encoding == "gzip":
        body = gzip.compress(raw)
    elif encoding == "deflate":
        body = zlib.compress(raw)
    else:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        body = compressor.compress(raw) + compressor.flush()
    name = encoding.replace("raw-", "").encode()

    def handler(connection, stop):
        connection.sendall(headers(len(body), b"Content-Encoding: %s\r\n" % name) + body)

    server = raw_server(handler)
    assert client().get(server.url()) == (200, document)
    assert "accept-encoding: gzip, deflate\r\n" in server.requests[0].lower()


def test_unknown_content_encoding_fails_clearly(raw_server):
    server = raw_server(lambda connection, stop: connection.sendall(headers(2, b"Content-Encoding: br\r\n") + b"{}"))
    error, _elapsed = timed(lambda: client().get(server.url()))
    assert error.message == ("HTTP 200 from %s: the body is encoded as 'br', which this collection does not decode "
                             "(it asks for gzip or deflate only)" % server.url())


def test_corrupt_gzip_body_fails_clearly(raw_server):
    body = b"\x1f\x8b\x08\x00garbage-garbage"
    server = raw_server(lambda connection, stop: connection.sendall(headers(len(body), b"Content-Encoding: gzip\r\n") + body))
    error, _elapsed = timed(lambda: client().get(server.url()))
    assert error.message.startswith("HTTP 200 from %s: the gzip-compressed body is corrupt: " % server.url())


@pytest.mark.parametrize("body, problem", [
    (b"[" * 100000 + b"]" * 100000, "JSON nested too deeply"),
    (b"[" + b"{}," * 300000 + b"{}]", "more than 200000 JSON values"),
])
def test_json_that_would_blow_up_when_decoded_is_refused(raw_server, body, problem):
    server = raw_server(lambda connection, stop: connection.sendall(headers(len(body)) + body))
    error, _elapsed = timed(lambda: client().get(server.url()))
    assert error.message.startswith("HTTP 200 from %s: the response is not usable JSON (%s, Content-Type application/json"
                                    % (server.url(), problem))


def test_large_bodies_are_read_one_at_a_time_and_waiting_for_the_slot_counts_against_the_timeout(raw_server):
    body = b'{"padding": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    server = raw_server(lambda connection, stop: connection.sendall(headers(len(body)) + body))
    api = client(timeout=1)
    api._bodies._large_body.acquire()  # another thread is reading a large body and does not finish in time
    try:
        error, elapsed = timed(lambda: api.get(server.url()))
    finally:
        api._bodies._large_body.release()
    assert elapsed < 2.0
    assert "timed out after 1s" in error.message
    assert api.get(server.url())[1]["padding"] == "x" * (2 * 1024 * 1024)


def test_a_large_body_that_fails_mid_read_gives_its_slot_back_once(raw_server):
    # 1.5 MiB of a declared 3 MiB, then the connection closes: the read fails after it took the large-body slot.
    part = b'{"padding": "' + b"x" * (1536 * 1024)
    server = raw_server(lambda connection, stop: connection.sendall(headers(3 * 1024 * 1024) + part))
    api = client(timeout=5, max_retries=0)
    error, _elapsed = timed(lambda: api.get(server.url()))
    assert "reading the body of HTTP 200" in error.message
    # One slot, given back once: a second large body would wait, as before the failed read.
    assert api._bodies._large_body.acquire(blocking=False)
    assert not api._bodies._large_body.acquire(blocking=False)
