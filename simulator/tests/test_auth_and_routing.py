"""Bearer auth on every API route, percent-encoded ids, unknown routes, and what the logs may contain."""

import http.client

import pytest

API_ROUTES = [
    ("GET", "/v1/endpoints"), ("POST", "/v1/endpoints"), ("GET", "/v1/endpoints/endpoint-x"), ("PATCH", "/v1/endpoints/endpoint-x"),
    ("DELETE", "/v1/endpoints/endpoint-x"), ("GET", "/v1/hardware"), ("GET", "/v1/clusters/availability-zones"),
    ("GET", "/v1/whoami"), ("GET", "/v3/whoami"), ("GET", "/v2/projects/proj_demo/endpoints"),
    ("GET", "/v2/public/inference-instance-types"), ("GET", "/v1/no-such-route"),
]
AUTH_ERROR = {"error": {"message": "Invalid API key provided", "type": "invalid_request_error", "param": None, "code": "invalid_api_key"}}


@pytest.mark.parametrize("method, path", API_ROUTES)
@pytest.mark.parametrize("key", [None, "wrong-key"])
def test_every_api_route_needs_the_bearer_key(api, schemas, method, path, key):
    response = api.request(method, path, key=key, json={})
    assert response.status_code == 403
    assert response.json() == AUTH_ERROR
    schemas.v1_component(response.json(), "ErrorData")


def test_auth_error_status_can_be_401(api):
    api.load({"auth_error_status": 401})
    response = api.get("/v1/endpoints/endpoint-x", key="nope")
    assert response.status_code == 401 and response.json() == AUTH_ERROR


@pytest.mark.parametrize("header", ["Basic sim-key", "Bearer", "bearer sim-key-extra", "sim-key"])
def test_malformed_authorization_headers_are_refused(api, header):
    assert api.get("/v1/endpoints", key=None, headers={"Authorization": header}).status_code == 403


def test_bearer_scheme_is_case_insensitive(api):
    assert api.get("/v1/endpoints", key=None, headers={"Authorization": "bearer sim-key"}).status_code == 200


def test_api_key_comes_from_the_scenario(api):
    api.load({"api_key": "scenario-key"})
    assert api.get("/v1/endpoints").status_code == 403
    assert api.get("/v1/endpoints", key="scenario-key").status_code == 200


def test_percent_encoded_slash_stays_inside_the_endpoint_id(api, schemas):
    api.load({"endpoints": [{"id": "a", "model": "m", "hardware": "1x_nvidia_l40"}]})
    response = api.get("/v1/endpoints/a%2Fb")
    assert response.status_code == 404
    assert "a/b" in schemas.v1_response(response, "GET /endpoints/{endpointId}")["error"]["message"]
    log = api.requests_log()[-1]
    assert (log["path"], log["decoded_path"]) == ("/v1/endpoints/a%2Fb", "/v1/endpoints/a/b")


@pytest.mark.parametrize("encoded, decoded", [("..%2F..%2Fhardware", "../../hardware"), ("%2e%2e", ".."), ("x%3Fy%3D1", "x?y=1"),
                                              ("endpoint%20one", "endpoint one")])
def test_encoded_ids_are_decoded_once_and_never_route_elsewhere(api, encoded, decoded):
    connection = http.client.HTTPConnection("127.0.0.1", api.server.server_address[1], timeout=5)
    connection.request("GET", "/v1/endpoints/" + encoded, headers={"Authorization": "Bearer sim-key"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status == 404, body
    assert decoded.encode() in body


def test_ids_with_encoded_characters_can_be_found(api):
    api.load({"endpoints": [{"id": "odd id/with slash", "model": "m", "hardware": "1x_nvidia_l40"}]})
    assert api.get("/v1/endpoints/odd%20id%2Fwith%20slash").json()["id"] == "odd id/with slash"


def test_double_encoding_is_decoded_only_once(api):
    api.load({"endpoints": [{"id": "a%2Fb", "model": "m", "hardware": "1x_nvidia_l40"}]})
    assert api.get("/v1/endpoints/a%252Fb").json()["id"] == "a%2Fb"


def test_unknown_routes_are_404_error_data(api, schemas):
    for path in ("/v1/nothing", "/v1/endpoints/x/y", "/", "/v9/endpoints"):
        response = api.get(path)
        assert response.status_code == 404, path
        schemas.v1_component(response.json(), "ErrorData")


def test_wrong_method_on_a_known_path_is_405_error_data(api, schemas):
    response = api.request("PUT", "/v1/endpoints/x", json={})
    assert response.status_code == 405 and "PATCH" in response.headers["Allow"]
    schemas.v1_component(response.json(), "ErrorData")


def test_json_content_type_with_charset(api):
    assert api.get("/v1/endpoints").headers["Content-Type"] == "application/json; charset=utf-8"
    assert api.get("/v1/missing").headers["Content-Type"] == "application/json; charset=utf-8"


def test_request_log_records_authorization_without_the_token(api):
    api.get("/v1/endpoints", key="secret-token-123")
    api.get("/v1/endpoints?mine=true")
    entries = api.requests_log()
    assert [(e["status"], e["authorized"]) for e in entries] == [(403, False), (200, True)]
    assert entries[1]["query"] == {"mine": "true"}
    assert "secret-token-123" not in str(entries) and "sim-key" not in str(entries)


def test_malformed_http_gets_error_data_not_html(api):
    connection = http.client.HTTPConnection("127.0.0.1", api.server.server_address[1], timeout=5)
    connection.putrequest("GET", "/v1/endpoints", skip_host=True)
    connection.putheader("Content-Length", "not-a-number")
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 400
    assert response.getheader("Content-Type") == "application/json; charset=utf-8"
    connection.close()
