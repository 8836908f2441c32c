# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Peak memory of the module, run as its own process as Ansible runs it, against a server sending a 200 MB body,
an endless chunked body and a gzip bomb (500 MB inflated) on 127.0.0.1: it must stay under 100 MB."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys
import zlib

import pytest

from ansible_collections.together.ai.plugins.module_utils import _client

COLLECTION = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(_client.__file__))))
COLLECTIONS_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(COLLECTION)))
MODULE = os.path.join(COLLECTION, "plugins", "modules", "together_endpoint_info.py")
PEAK_LIMIT_KIB = 100 * 1024


def gzip_bomb(inflated):
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b" " * (1024 * 1024)
    parts = [compressor.compress(block) for _index in range(inflated // len(block))]
    return b"".join(parts) + compressor.flush()


def send_200_mb_without_length(connection, stop):
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
    chunk = b"[" + b"0," * 32767 + b"0"
    for _index in range(200 * 1024 * 1024 // len(chunk)):
        if stop.is_set():
            return
        connection.sendall(chunk)


def send_endless_chunked(connection, stop):
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b" " * 65536
    while not stop.is_set():
        connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))


BOMB = []


def send_gzip_bomb(connection, stop):
    body = BOMB[0]
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
                       b"Content-Length: %d\r\n\r\n" % len(body) + body)


@pytest.mark.parametrize("send, expected", [
    (send_200_mb_without_length, "the response body is larger than 8 MiB"),
    (send_endless_chunked, "the response body is larger than 8 MiB"),
    (send_gzip_bomb, "stopped reading after decompressing 8 MiB"),
], ids=["200-MB-body", "endless-chunked", "gzip-bomb-500-MB"])
def test_module_peak_memory_stays_under_100_mb_whatever_the_server_sends(tmp_path, raw_server, send, expected):
    if send is send_gzip_bomb and not BOMB:
        BOMB.append(gzip_bomb(500 * 1024 * 1024))
    server = raw_server(send)
    result, peak_kib = measure(tmp_path, "http://127.0.0.1:%d/v1" % server.port)
    assert result["failed"] is True
    assert expected in result["msg"]
    print("peak RSS %.1f MiB: %s" % (peak_kib / 1024.0, result["msg"]))
    assert peak_kib < PEAK_LIMIT_KIB


def measure(tmp_path, base_url):
    args = tmp_path / "args.json"
    args.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": {
        "endpoint_id": "endpoint-1", "base_url": base_url, "api_key": "sk-memory-test", "timeout": 30,
        "max_retries": 0}}))
    environment = dict(os.environ, PYTHONPATH=COLLECTIONS_ROOT)
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        environment.pop(name, None)
    with open(str(tmp_path / "out.json"), "wb") as output:
        process = subprocess.Popen([sys.executable, MODULE, str(args)], stdout=output, stderr=subprocess.DEVNULL,
                                   env=environment)
        _pid, _status, usage = os.wait4(process.pid, 0)
        process.returncode = 0  # reaped here, so Popen does not wait again
    with open(str(tmp_path / "out.json")) as output:
        result = json.loads(output.read())
    return result, usage.ru_maxrss
