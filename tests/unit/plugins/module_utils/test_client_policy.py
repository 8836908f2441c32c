# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""TogetherClient policies: one shared rate-limit pause and budget, Bearer only (no ~/.netrc), redirects kept on
the API's origin, and TLS with a private CA made at test time."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import http.server
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time

import pytest

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ansible_collections.together.ai.plugins.module_utils._client import (
    RATE_LIMIT_BUDGET,
    TogetherClient,
    TogetherError,
)
from ansible_collections.together.ai.plugins.module_utils._endpoints_v1 import EndpointsV1
from ansible_collections.together.ai.tests.unit._helpers import FakeTime, QuietHandler, serving

API_KEY = "sk-unit-policy-8d2f4a6c1e"
URL = "https://api.together.ai/v1/endpoints/endpoint-1"
RATE_LIMITED = {"error": {"message": "rate limit exceeded, slow down", "type": "rate_limit_error",
                          "code": "rate_limit_exceeded"}}


def raised(call, *args):
    with pytest.raises(TogetherError) as info:
        call(*args)
    return info.value


# --- rate limits ----------------------------------------------------------------------------------------------------

def test_a_429_pauses_the_whole_batch_once_not_once_per_thread(transport, fixture_json):
    ids = ["endpoint-%d" % index for index in range(8)]
    for endpoint_id in ids:
        body = dict(fixture_json("endpoint_started.json"), id=endpoint_id)
        transport.route("/v1/endpoints/" + endpoint_id, (429, RATE_LIMITED, {"Retry-After": "20"}), (200, body))
    sleeps = FakeTime(1000.0)
    client = TogetherClient(API_KEY, sleep=sleeps, max_retries=1)
    found = EndpointsV1(client, "https://api.together.ai/v1").get_endpoints(ids)
    assert sorted(found) == ids
    # Eight separate 20 s pauses would be 160 s, over the 60 s budget; one shared pause is 20 s.
    assert 20.0 <= client.rate_limit_waited < 20.5
    # (Under a fake sleep, a thread may wait out the pause and then meet its own first 429 within the same pause.)
    assert 8 <= len(sleeps) <= 16 and all(19.0 < seconds <= 20.0 for seconds in sleeps)


def test_a_thread_that_did_not_hit_the_429_waits_out_the_shared_pause_before_sending(transport):
    now = [0.0]
    slept = []
    client = TogetherClient(API_KEY, sleep=lambda seconds: slept.append((threading.current_thread().name, seconds)),
                            clock=lambda: now[0], max_retries=1)
    transport.queue((429, RATE_LIMITED, {"Retry-After": "5"}), (200, {}), (200, {}))
    client.get(URL)
    now[0] = 1.0
    other = threading.Thread(target=client.get, args=(URL,), name="other")
    other.start()
    other.join()
    assert slept == [("MainThread", 5.0), ("other", 4.0)]
    assert len(transport.sent) == 3


def test_the_rate_limit_budget_is_shared_by_the_requests_of_a_task(transport):
    transport.queue((429, RATE_LIMITED, {"Retry-After": "45"}), (200, {}), (429, RATE_LIMITED, {"Retry-After": "30"}))
    sleeps = FakeTime(1000.0)
    client = TogetherClient(API_KEY, sleep=sleeps, clock=sleeps.clock, max_retries=2)
    client.get(URL)
    error = raised(client.get, URL)
    assert sleeps == [45.0]
    assert error.message == ("HTTP 429 from %s: rate limit exceeded, slow down, and the API asked to wait 30 s "
                             "(Retry-After), more than the 15 s left of the rate-limit budget of 60 s per task; "
                             "stopping (try again later or with fewer parallel tasks)" % URL)
    assert RATE_LIMIT_BUDGET == 60.0


def test_a_429_without_retry_after_backs_off_within_the_budget(transport):
    transport.queue((429, RATE_LIMITED), (200, {}))
    sleeps = FakeTime(1000.0)
    client = TogetherClient(API_KEY, sleep=sleeps, rand=lambda: 0.0)
    assert client.get(URL) == (200, {})
    assert sleeps == [0.5]
    assert client.rate_limit_waited == 0.5


def test_retry_after_past_the_deadline_fails_at_once(transport):
    transport.queue((429, RATE_LIMITED, {"Retry-After": "30"}), (200, {}))
    sleeps = FakeTime(1000.0)
    client = TogetherClient(API_KEY, sleep=sleeps)
    client.deadline = time.monotonic() + 10
    error = raised(client.get, URL)
    assert sleeps == []
    assert "and the API asked to wait 30 s, more than the " in error.message
    assert error.message.endswith(" s left before the deadline")


# --- credentials ----------------------------------------------------------------------------------------------------

def test_netrc_entries_never_replace_the_bearer_key(loopback_api, tmp_path, monkeypatch):
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login netrc-user password netrc-secret\ndefault login any password other\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NETRC", str(netrc))
    loopback_api.routes["/v1/endpoints/ep-1"] = (200, {"id": "ep-1"})
    TogetherClient(API_KEY, sleep=FakeTime(1000.0)).get(loopback_api.base_url + "/endpoints/ep-1")
    assert loopback_api.received[0]["headers"]["Authorization"] == "Bearer %s" % API_KEY


def test_proxy_environment_is_still_honoured(monkeypatch):
    seen = []

    class Proxy(QuietHandler):
        def do_GET(self):  # pylint: disable=invalid-name
            seen.append((self.path, self.headers.get("Authorization")))
            self.reply(200, {"via": "proxy"})

    with serving(http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)) as server:
        for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:%d" % server.server_address[1])
        status, body = TogetherClient(API_KEY, sleep=FakeTime(1000.0)).get("http://api.example.test/v1/endpoints/ep-1")
    assert (status, body) == (200, {"via": "proxy"})
    assert seen == [("http://api.example.test/v1/endpoints/ep-1", "Bearer %s" % API_KEY)]


def test_same_origin_redirect_is_followed_with_the_key(transport):
    transport.route("/v1/endpoints/endpoint-1", (307, None, {"Location": "/v1/endpoints/endpoint-2"}))
    transport.route("/v1/endpoints/endpoint-2", (200, {"id": "endpoint-2"}))
    assert TogetherClient(API_KEY, sleep=FakeTime(1000.0)).get(URL) == (200, {"id": "endpoint-2"})
    assert [sent.headers["Authorization"] for sent in transport.sent] == ["Bearer %s" % API_KEY] * 2


@pytest.mark.parametrize("location, what", [
    ("https://evil.example/v1/endpoints/endpoint-1", "another origin"),
    ("https://api.together.ai:8443/v1/endpoints/endpoint-1", "another origin"),
    ("http://api.together.ai/v1/endpoints/endpoint-1", "from https to plain http"),
])
def test_redirect_off_the_api_origin_fails_naming_the_location_and_sends_nothing_there(transport, location, what):
    transport.route("/v1/endpoints/endpoint-1", (302, None, {"Location": location}))
    error = raised(TogetherClient(API_KEY, sleep=FakeTime(1000.0)).get, URL)
    assert error.message == ("HTTP 302 from %s redirects to %s, %s; not followed, so the API key goes to the API's "
                             "origin only (check base_url)" % (URL, location, what))
    assert len(transport.sent) == 1
    assert API_KEY not in error.message


def test_cross_origin_redirect_over_real_sockets_never_reaches_the_other_server(loopback_api):
    other = type(loopback_api)()
    other.start()
    try:
        target = "http://127.0.0.1:%d/v1/endpoints/ep-1" % other.port
        loopback_api.routes["/v1/endpoints/ep-1"] = (302, {})
        original = loopback_api.server.RequestHandlerClass.do_GET

        def redirect(handler):
            handler.send_response(302)
            handler.send_header("Location", target)
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        loopback_api.server.RequestHandlerClass.do_GET = redirect
        try:
            error = raised(TogetherClient(API_KEY, sleep=FakeTime(1000.0)).get, loopback_api.base_url + "/endpoints/ep-1")
        finally:
            loopback_api.server.RequestHandlerClass.do_GET = original
        assert "redirects to %s, another origin; not followed" % target in error.message
        assert other.received == []
    finally:
        other.stop()


def test_endless_same_origin_redirects_stop(transport):
    transport.route("/v1/endpoints/endpoint-1", (302, None, {"Location": "/v1/endpoints/endpoint-1"}))
    error = raised(TogetherClient(API_KEY, sleep=FakeTime(1000.0)).get, URL)
    assert error.message == ("request to %s was redirected more than 3 times within the API's origin; stopping" % URL)
    assert len(transport.sent) == 4


def test_a_client_bound_to_the_api_origins_sends_nothing_elsewhere(transport):
    client = TogetherClient(API_KEY, sleep=FakeTime(1000.0), origins=["https://api.together.xyz/v1", "https://api.together.ai"])
    error = raised(client.get, "https://elsewhere.example/v1/endpoints/endpoint-1")
    assert error.message.startswith("request to https://elsewhere.example/v1/endpoints/endpoint-1 not sent: it is not "
                                    "on the API's origin (https://api.together.ai:443, https://api.together.xyz:443)")
    assert transport.sent == []


# --- TLS with a CA made at test time --------------------------------------------------------------------------------

def _certificate(subject, issuer, public_key, signing_key, ca, san=None):
    """A certificate Python 3.13's strict X.509 checks accept: key identifiers, and key usage on the CA."""
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
               .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(hours=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()),
                              critical=False))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False),
            critical=True)
    if san:
        builder = builder.add_extension(san, critical=False)
    return builder.sign(signing_key, hashes.SHA256())


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A CA and a server certificate for 127.0.0.1, written as PEM files."""
    directory = tmp_path_factory.mktemp("pki")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, u"together.ai unit test CA")])
    ca_cert = _certificate(ca_name, ca_name, ca_key.public_key(), ca_key, True)
    server_key = ec.generate_private_key(ec.SECP256R1())
    san = x509.SubjectAlternativeName([x509.IPAddress(__import__("ipaddress").ip_address(u"127.0.0.1"))])
    server_cert = _certificate(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, u"127.0.0.1")]), ca_name,
                               server_key.public_key(), ca_key, False, san)
    files = dict(ca=directory / "ca.pem", cert=directory / "server.pem", key=directory / "server-key.pem")
    files["ca"].write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    files["cert"].write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    files["key"].write_bytes(server_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                      serialization.NoEncryption()))
    ca_dir = directory / "cadir"
    ca_dir.mkdir()
    shutil.copy(str(files["ca"]), str(ca_dir / "ca.pem"))
    files["ca_dir"] = ca_dir if _rehash(ca_dir) else None
    return files


def _rehash(directory):
    try:
        subprocess.run(["openssl", "rehash", str(directory)], check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return any(name.endswith(".0") for name in os.listdir(str(directory)))


@pytest.fixture
def https_api(pki, monkeypatch):
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)

    class Handler(QuietHandler):
        def do_GET(self):  # pylint: disable=invalid-name
            self.reply(200, {"id": "ep-1", "tls": True})

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(pki["cert"]), str(pki["key"]))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with serving(server):
        yield "https://127.0.0.1:%d/v1/endpoints/ep-1" % server.server_address[1]


def test_ca_path_file_trusts_a_private_ca_and_wins_over_ca_bundle_variables(https_api, pki, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    monkeypatch.setenv("CURL_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    client = TogetherClient(API_KEY, sleep=FakeTime(1000.0), ca_path=str(pki["ca"]), max_retries=0)
    assert client.get(https_api) == (200, {"id": "ep-1", "tls": True})


def test_ca_path_directory_trusts_a_private_ca(https_api, pki):
    if pki["ca_dir"] is None:
        pytest.skip("openssl rehash is not available to index the CA directory")
    client = TogetherClient(API_KEY, sleep=FakeTime(1000.0), ca_path=str(pki["ca_dir"]), max_retries=0)
    assert client.get(https_api) == (200, {"id": "ep-1", "tls": True})


def test_without_ca_path_the_private_ca_is_refused_with_the_way_out(https_api, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    sleeps = FakeTime(1000.0)
    error = raised(TogetherClient(API_KEY, sleep=sleeps, max_retries=3).get, https_api)
    assert sleeps == []
    assert error.message.startswith("TLS error talking to %s: " % https_api)
    assert "set ca_path to trust a private CA" in error.message


def test_validate_certs_false_reads_the_private_ca_server(https_api):
    assert TogetherClient(API_KEY, sleep=FakeTime(1000.0), validate_certs=False).get(https_api)[0] == 200


def test_a_ca_bundle_variable_naming_a_missing_file_is_a_together_error_not_an_os_error(transport, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent/bundle.pem")
    monkeypatch.setattr("requests.adapters.HTTPAdapter.send", _real_send)
    error = raised(TogetherClient(API_KEY, sleep=FakeTime(1000.0), max_retries=0).get, URL)
    assert "/nonexistent/bundle.pem" in error.message


def _real_send(adapter, request, **kwargs):
    # cert_verify runs first and raises OSError for a missing bundle; nothing reaches the network.
    adapter.cert_verify(None, request.url, kwargs.get("verify"), None)
    raise AssertionError("a request was sent")


def test_https_headers_trickled_a_byte_every_half_second_end_at_the_timeout(pki, monkeypatch):
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(pki["cert"]), str(pki["key"]))
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    stop = threading.Event()

    def serve():
        try:
            connection, _address = listener.accept()
            with context.wrap_socket(connection, server_side=True) as tls:
                tls.recv(65536)
                for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}":
                    if stop.wait(0.5):
                        return
                    tls.sendall(bytes([byte]))
        except (OSError, ssl.SSLError):
            pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    url = "https://127.0.0.1:%d/v1/endpoints/ep-1" % listener.getsockname()[1]
    started = time.monotonic()
    try:
        error = raised(TogetherClient(API_KEY, sleep=FakeTime(1000.0), ca_path=str(pki["ca"]), timeout=2, max_retries=0).get,
                       url)
    finally:
        stop.set()
        listener.close()
        thread.join(5)
    assert time.monotonic() - started < 3.0
    assert error.message == "request to %s timed out after 2s (timeout bounds connect, headers and body together)" % url
