"""Every fault kind, observed the way a client sees it (requests and raw sockets)."""

import json
import socket
import time

import pytest
import requests

ENDPOINT = {"id": "endpoint-f", "model": "m/m", "hardware": "1x_nvidia_l40"}
PATH = "/v1/endpoints/endpoint-f"


def test_status_fault_answers_its_statuses_in_order_then_normally(api, schemas):
    api.load({"endpoints": [ENDPOINT], "faults": [{"path": PATH, "kind": "status", "statuses": [500, 503]}]})
    responses = [api.get(PATH) for _attempt in range(3)]
    assert [r.status_code for r in responses] == [500, 503, 200]
    for response in responses:
        schemas.v1_response(response, "GET /endpoints/{endpointId}")
    assert [e["fault"] for e in api.requests_log()] == ["status", "status", None]


def test_status_fault_with_times_cycles_its_statuses_and_can_carry_retry_after(api):
    api.load({"endpoints": [ENDPOINT],
              "faults": [{"path": "/v1/endpoints/*", "method": "GET", "kind": "status", "statuses": [502], "times": 2, "retry_after": 2}]})
    first, second, third = (api.get(PATH) for _attempt in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (502, 502, 200)
    assert first.headers["Retry-After"] == "2"
    assert api.patch(PATH, json={}).status_code == 200  # method-scoped


def test_rate_limit_sends_429_with_retry_after(api, schemas):
    api.load({"faults": [{"path": "/v1/endpoints", "kind": "rate_limit", "retry_after": 1, "times": 1}]})
    response = api.get("/v1/endpoints")
    assert response.status_code == 429 and response.headers["Retry-After"] == "1"
    assert schemas.v1_response(response, "GET /endpoints")["error"]["code"] == "rate_limit_exceeded"
    assert api.get("/v1/endpoints").status_code == 200


def test_rate_limit_header_spelling_can_be_lowercase_for_case_sensitive_clients(api):
    api.load({"faults": [{"path": "/v1/endpoints", "kind": "rate_limit", "retry_after": 0.5, "retry_after_header": "retry-after"}]})
    connection = socket.create_connection(("127.0.0.1", api.server.server_address[1]), timeout=5)
    connection.sendall(b"GET /v1/endpoints HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sim-key\r\nConnection: close\r\n\r\n")
    raw = b""
    while True:
        chunk = connection.recv(65536)
        if not chunk:
            break
        raw += chunk
    connection.close()
    assert b"\r\nretry-after: 0.5\r\n" in raw


def test_html_fault_answers_a_502_proxy_page(api):
    api.load({"faults": [{"path": "/v1/*", "kind": "html", "times": 1}]})
    response = api.get("/v1/hardware")
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html")
    assert "502 Bad Gateway" in response.text
    with pytest.raises(ValueError):
        response.json()


def test_truncated_json_is_200_with_half_a_body(api):
    api.load({"endpoints": [ENDPOINT], "faults": [{"path": PATH, "kind": "truncated_json", "times": 1}]})
    response = api.get(PATH)
    full = api.get(PATH)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert 0 < len(response.content) < len(full.content)
    with pytest.raises(ValueError):
        json.loads(response.content)


def test_invalid_json_is_200_with_a_text_body(api):
    api.load({"faults": [{"path": "/v1/endpoints", "kind": "invalid_json"}]})
    for _attempt in range(2):  # no `times`: every matching request
        response = api.get("/v1/endpoints")
        assert response.status_code == 200
        with pytest.raises(ValueError):
            response.json()


def test_reset_closes_the_connection_without_a_response(api):
    api.load({"faults": [{"path": "/v1/endpoints", "kind": "reset", "times": 1}]})
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(api.v1 + "/endpoints", headers={"Authorization": "Bearer sim-key"}, timeout=5)
    assert api.get("/v1/endpoints").status_code == 200
    assert api.requests_log()[0]["status"] is None and api.requests_log()[0]["fault"] == "reset"


def test_reset_is_a_tcp_reset_not_a_clean_close(api):
    api.load({"faults": [{"path": "/v1/endpoints", "kind": "reset", "times": 1}]})
    connection = socket.create_connection(("127.0.0.1", api.server.server_address[1]), timeout=5)
    connection.sendall(b"GET /v1/endpoints HTTP/1.1\r\nHost: x\r\n\r\n")
    with pytest.raises(ConnectionResetError):
        while connection.recv(65536):
            pass
    connection.close()


def test_slow_fault_outlasts_a_client_timeout(api):
    api.load({"faults": [{"path": "/v1/hardware", "kind": "slow", "seconds": 1.0, "times": 1}]})
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(api.v1 + "/hardware", headers={"Authorization": "Bearer sim-key"}, timeout=0.3)
    assert time.monotonic() - started < 0.9


def test_latency_fault_delays_then_answers_normally(api):
    api.load({"faults": [{"path": "/v1/hardware", "kind": "latency", "seconds": 0.3, "times": 1}]})
    started = time.monotonic()
    assert api.get("/v1/hardware").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_endpoint_faults_default_to_the_endpoints_own_path(api):
    api.load({"endpoints": [dict(ENDPOINT, faults=[{"kind": "status", "statuses": [500]}])]})
    assert api.get("/v1/endpoints").status_code == 200
    assert api.get(PATH).status_code == 500
    assert api.get(PATH).status_code == 200


def test_faults_added_through_the_control_api_are_appended(api):
    api.load({"faults": [{"path": "/v1/hardware", "kind": "status", "statuses": [500]}]})
    response = api.control("POST", "faults", json={"faults": [{"path": "/v1/hardware", "kind": "status", "statuses": [503]}]})
    assert response.status_code == 200 and len(response.json()["faults"]) == 2
    assert [api.get("/v1/hardware").status_code for _attempt in range(3)] == [500, 503, 200]
    api.control("POST", "faults", json={"faults": [{"path": "/v1/hardware", "kind": "status", "statuses": [500]}]})
    assert api.control("DELETE", "faults").json() == {"faults": []}
    assert api.get("/v1/hardware").status_code == 200


@pytest.mark.parametrize("fault, message", [
    ({"path": "/v1/x", "kind": "explode"}, "kind"),
    ({"path": "v1/x", "kind": "html"}, "path"),
    ({"path": "/v1/x", "kind": "status"}, "statuses"),
    ({"path": "/v1/x", "kind": "status", "statuses": [200]}, "statuses"),
    ({"path": "/v1/x", "kind": "html", "times": 0}, "times"),
    ({"path": "/v1/x", "kind": "html", "colour": "red"}, "colour"),
])
def test_bad_faults_are_refused_with_the_reason(api, fault, message):
    response = api.control("POST", "faults", json={"faults": [fault]})
    assert response.status_code == 400 and message in response.json()["error"]["message"]
