# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""TogetherClient for writes: a JSON body, and retries only where sending the request again is safe."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import socket

import pytest
import requests
import urllib3

from ansible_collections.together.ai.plugins.module_utils._client import TogetherClient, TogetherError, has_etag
from ansible_collections.together.ai.tests.unit._helpers import FakeTime

API_KEY = "sk-unit-writes-5e2c8a1f9b3d7e4a"
ROOT = "https://api.together.ai"
ENDPOINTS = ROOT + "/v2/projects/proj_1/endpoints"
ENDPOINT = ENDPOINTS + "/ep_1"
UNAVAILABLE = {"error": {"message": "the service is busy", "type": "server_error"}}
RATE_LIMITED = {"error": {"message": "rate limit exceeded", "type": "rate_limit_error"}}
CREATED = {"id": "ep_1", "name": "chat", "etag": "e2"}


def make_client(max_retries=3):
    return TogetherClient(API_KEY, sleep=FakeTime(), rand=lambda: 0.0, max_retries=max_retries)


def raised(call, *args, **kwargs):
    with pytest.raises(TogetherError) as info:
        call(*args, **kwargs)
    return info.value


def refused():
    """What requests raises when the TCP connection is refused: nothing was sent."""
    reason = urllib3.exceptions.NewConnectionError(None, "Failed to establish a new connection: [Errno 111] refused")
    return requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/", reason=reason))


def reset():
    """What requests raises when the server drops the connection after the request went out."""
    return requests.exceptions.ConnectionError(urllib3.exceptions.ProtocolError(
        "Connection aborted.", ConnectionResetError(104, "Connection reset by peer")))


# --- the body -------------------------------------------------------------------------------------------------------

def test_a_json_body_is_sent_as_application_json_with_the_bearer_key(transport):
    seen = []

    def answer(prepared):
        seen.append(prepared)
        return (200, CREATED)

    transport.queue(answer)
    status, body = make_client().request("POST", ENDPOINTS, json={"name": "chat", "visibility": "VISIBILITY_PRIVATE"})
    assert (status, body) == (200, CREATED)
    assert seen[0].method == "POST"
    assert json.loads(seen[0].body) == {"name": "chat", "visibility": "VISIBILITY_PRIVATE"}
    assert seen[0].headers["Content-Type"] == "application/json"
    assert seen[0].headers["Authorization"] == "Bearer %s" % API_KEY


def test_extra_headers_are_sent_but_cannot_replace_the_bearer_key(transport):
    transport.queue((200, {}))
    make_client().request("DELETE", ENDPOINT, headers={"If-Match": "e1", "Authorization": "Bearer someone-else"})
    assert transport.sent[0].headers["If-Match"] == "e1"
    assert transport.sent[0].headers["Authorization"] == "Bearer %s" % API_KEY


def test_a_get_sends_no_body_and_no_content_type(transport):
    seen = []
    transport.queue(lambda prepared: seen.append(prepared) or (200, {}))
    make_client().get(ENDPOINT)
    assert seen[0].body is None
    assert "Content-Type" not in seen[0].headers


def test_an_empty_2xx_answer_to_a_delete_reads_as_none(transport):
    transport.queue((204,))
    assert make_client().request("DELETE", ENDPOINT) == (204, None)


# --- which failures are retried -------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "delete"])
def test_idempotent_methods_are_retried_after_a_5xx(transport, method):
    transport.queue((503, UNAVAILABLE), (503, UNAVAILABLE), (200, {}))
    assert make_client().request(method, ENDPOINT) == (200, {})
    assert len(transport.sent) == 3
    assert all(sent.method == method.upper() for sent in transport.sent)


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_idempotent_methods_are_retried_after_a_reset_connection(transport, method):
    transport.queue(reset(), (200, {}))
    assert make_client().request(method, ENDPOINT) == (200, {})
    assert len(transport.sent) == 2


def test_a_post_is_not_repeated_after_a_5xx(transport):
    transport.queue((502, UNAVAILABLE), (200, CREATED))
    error = raised(make_client().request, "POST", ENDPOINTS, json={"name": "chat"})
    assert len(transport.sent) == 1
    assert error.status == 502
    assert error.message == ("HTTP 502 from %s: the service is busy (not retried: a POST that may have reached the "
                             "API is not sent twice)" % ENDPOINTS)


def test_a_post_is_not_repeated_when_the_connection_dropped_after_sending(transport):
    transport.queue(reset(), (200, CREATED))
    error = raised(make_client().request, "POST", ENDPOINTS, json={"name": "chat"})
    assert len(transport.sent) == 1
    assert "connection to %s failed" % ENDPOINTS in error.message
    assert "not retried: a POST" in error.message


def test_a_post_is_not_repeated_after_a_read_timeout(transport):
    transport.queue(requests.exceptions.ReadTimeout("read timed out"), (200, CREATED))
    error = raised(make_client().request, "POST", ENDPOINTS, json={"name": "chat"})
    assert len(transport.sent) == 1
    assert "timed out after 30s" in error.message and "not retried" in error.message


@pytest.mark.parametrize("never_sent", [refused, lambda: requests.exceptions.ConnectTimeout("connect timed out")])
def test_a_post_that_never_reached_the_server_is_retried(transport, never_sent):
    transport.queue(never_sent(), (200, CREATED))
    assert make_client().request("POST", ENDPOINTS, json={"name": "chat"}) == (200, CREATED)
    assert [sent.method for sent in transport.sent] == ["POST", "POST"]


def test_a_post_answered_429_is_retried_after_the_pause_the_api_asks_for(transport):
    transport.queue((429, RATE_LIMITED, {"Retry-After": "2"}), (200, CREATED))
    client = make_client()
    assert client.request("POST", ENDPOINTS, json={"name": "chat"}) == (200, CREATED)
    assert len(transport.sent) == 2
    assert client._sleep == [2.0]
    assert client.rate_limit_waited == 2.0


def test_a_post_to_a_closed_port_is_retried_over_a_real_socket(monkeypatch):
    # The real requests/urllib3 path of a refused connection, not a stand-in exception.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    client = make_client(max_retries=2)
    error = raised(client.request, "POST", "http://127.0.0.1:%d/v2/projects/p/endpoints" % port, json={})
    assert "gave up after 2 retries" in error.message
    assert "not retried" not in error.message
    assert client._sleep == [0.5, 1.0]


def test_a_patch_without_an_etag_is_not_repeated(transport):
    transport.queue((503, UNAVAILABLE), (200, CREATED))
    error = raised(make_client().request, "PATCH", ENDPOINT, params={"updateMask": "visibility"},
                   json={"visibility": "VISIBILITY_PUBLIC"})
    assert len(transport.sent) == 1
    assert "not retried: a PATCH that may have reached the API is not sent twice" in error.message


@pytest.mark.parametrize("where", [
    dict(json={"etag": "e1", "visibility": "VISIBILITY_PUBLIC"}),
    dict(json={"visibility": "VISIBILITY_PUBLIC"}, headers={"if-match": "e1"}),
    dict(json={"visibility": "VISIBILITY_PUBLIC"}, params={"updateMask": "visibility", "etag": "e1"}),
])
def test_a_patch_carrying_an_etag_is_retried(transport, where):
    transport.queue((503, UNAVAILABLE), (200, CREATED))
    assert make_client().request("PATCH", ENDPOINT, **where) == (200, CREATED)
    assert len(transport.sent) == 2


def test_a_conflict_is_never_retried_even_for_a_patch_with_an_etag(transport):
    transport.queue((409, {"error": {"message": "etag mismatch", "type": "conflict"}}), (200, CREATED))
    error = raised(make_client().request, "PATCH", ENDPOINT, json={"etag": "stale"})
    assert len(transport.sent) == 1
    assert error.status == 409
    assert error.message == "HTTP 409 from %s: etag mismatch" % ENDPOINT


@pytest.mark.parametrize("params, body, headers, expected", [
    (None, None, None, False),
    (None, {"etag": ""}, None, False),
    (None, {"etag": "e1"}, None, True),
    (None, ["etag"], None, False),
    ({"etag": "e1"}, None, None, True),
    (None, None, {"If-Match": "e1"}, True),
    (None, None, {"If-Match": ""}, False),
])
def test_has_etag(params, body, headers, expected):
    assert has_etag(params=params, json=body, headers=headers) is expected


# --- redirects of writes --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method, status", [("POST", 307), ("PATCH", 308), ("DELETE", 301), ("POST", 303)])
def test_a_write_is_never_sent_on_to_a_redirect_even_within_the_origin(transport, method, status):
    transport.queue((status, None, {"Location": ENDPOINT + "/moved"}), (200, CREATED))
    error = raised(make_client().request, method, ENDPOINT, json={"etag": "e1"})
    assert len(transport.sent) == 1
    assert error.status == status
    assert error.message == ("HTTP %d from %s redirects this %s to %s/moved; not followed, as a write goes only to the "
                             "URL built from base_url (check base_url)" % (status, ENDPOINT, method, ENDPOINT))
