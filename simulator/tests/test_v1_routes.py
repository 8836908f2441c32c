"""Every v1 route and its error paths, each response validated against the public OpenAPI spec."""

import re
import uuid

import pytest

DEDICATED_KEYS = {"object", "id", "name", "display_name", "model", "hardware", "type", "owner", "state", "autoscaling", "created_at"}
LIST_KEYS = {"object", "id", "name", "model", "type", "owner", "state", "created_at"}
CREATE_BODY = {"model": "meta-llama/Llama-3-8b-chat-hf", "hardware": "1x_nvidia_a100_80gb_sxm",
               "autoscaling": {"min_replicas": 1, "max_replicas": 2}}
ENDPOINT = {"id": "endpoint-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "model": "meta-llama/Llama-3-8b-chat-hf",
            "hardware": "1x_nvidia_a100_80gb_sxm", "state": "STARTED", "autoscaling": {"min_replicas": 1, "max_replicas": 2}}


def create(api, schemas, **changes):
    response = api.post("/v1/endpoints", json=dict(CREATE_BODY, **changes))
    assert response.status_code == 200, response.text
    return schemas.v1_response(response, "POST /endpoints")


@pytest.mark.v1_writable
def test_create_returns_a_pending_dedicated_endpoint_with_every_required_field(api, schemas):
    body = create(api, schemas, display_name="My endpoint")
    assert set(body) == DEDICATED_KEYS
    assert body["state"] == "PENDING"
    assert re.fullmatch(r"endpoint-[0-9a-f-]{36}", body["id"]) and uuid.UUID(body["id"][len("endpoint-"):]).version == 4
    assert re.fullmatch(r"devuser/meta-llama/Llama-3-8b-chat-hf-[0-9a-f]{8}", body["name"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", body["created_at"])
    assert body["display_name"] == "My endpoint"
    assert body["autoscaling"] == {"min_replicas": 1, "max_replicas": 2}


@pytest.mark.v1_writable
def test_create_without_display_name_uses_the_name_without_owner(api, schemas):
    body = create(api, schemas)
    assert body["display_name"] == body["name"].split("/", 1)[1]


@pytest.mark.v1_writable
def test_create_with_state_stopped_stays_stopped(api, schemas):
    body = create(api, schemas, state="STOPPED")
    assert body["state"] == "STOPPED"
    assert schemas.v1_response(api.get("/v1/endpoints/" + body["id"]), "GET /endpoints/{endpointId}")["state"] == "STOPPED"


@pytest.mark.v1_writable
def test_create_accepts_every_documented_optional_field(api, schemas):
    body = create(api, schemas, disable_prompt_cache=True, disable_speculative_decoding=True, inactive_timeout=60,
                  availability_zone="us-central-4b", state="STARTED")
    assert body["state"] == "PENDING"


@pytest.mark.parametrize("changes, param, message", [
    ({"model": None}, "model", "model is required"),
    ({"hardware": None}, "hardware", "hardware is required"),
    ({"autoscaling": None}, "autoscaling", "autoscaling is required"),
    ({"autoscaling": {"min_replicas": 1}}, "autoscaling.max_replicas", "autoscaling.max_replicas is required"),
    ({"autoscaling": {"min_replicas": 3, "max_replicas": 2}}, "autoscaling", "Min replicas cannot be greater than max replicas"),
    ({"autoscaling": {"min_replicas": -1, "max_replicas": 2}}, "autoscaling.min_replicas", "non-negative integer"),
    ({"autoscaling": {"min_replicas": "1", "max_replicas": 2}}, "autoscaling.min_replicas", "non-negative integer"),
    ({"state": "RUNNING"}, "state", "state must be one of STARTED, STOPPED"),
    ({"hardware": "1x_nvidia_tpu"}, "hardware", "Invalid hardware provided"),
    ({"availability_zone": "mars-1a"}, "availability_zone", "availability_zone"),
    ({"inactive_timeout": -5}, "inactive_timeout", "non-negative integer"),
    ({"display_name": 7}, "display_name", "display_name must be a string"),
    ({"disable_speculative_decoding": "yes"}, "disable_speculative_decoding", "must be a boolean"),
])
@pytest.mark.v1_writable
def test_create_validation_errors_are_400_error_data(api, schemas, changes, param, message):
    body = {key: value for key, value in dict(CREATE_BODY, **changes).items() if value is not None}
    response = api.post("/v1/endpoints", json=body)
    assert response.status_code == 400
    error = schemas.v1_response(response, "POST /endpoints")["error"]
    assert message in error["message"]
    assert error["param"] == param


@pytest.mark.parametrize("payload", [b"", b"not json", b"[1, 2]"])
def test_create_with_a_body_that_is_not_a_json_object_is_400(api, schemas, payload):
    response = api.post("/v1/endpoints", data=payload, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    schemas.v1_response(response, "POST /endpoints")


def test_get_returns_the_scenario_endpoint(api, schemas):
    api.load({"endpoints": [ENDPOINT]})
    body = schemas.v1_response(api.get("/v1/endpoints/" + ENDPOINT["id"]), "GET /endpoints/{endpointId}")
    assert set(body) == DEDICATED_KEYS
    assert body["id"] == ENDPOINT["id"] and body["state"] == "STARTED" and body["owner"] == "devuser"


def test_unknown_endpoint_is_404_naming_the_endpoint(api, schemas):
    for method in ("GET", "PATCH", "DELETE"):
        response = api.request(method, "/v1/endpoints/endpoint-missing", json={"display_name": "x"} if method == "PATCH" else None)
        assert response.status_code == 404
        message = schemas.v1_response(response, method + " /endpoints/{endpointId}")["error"]["message"].lower()
        assert "not found" in message and "endpoint" in message


def test_list_returns_serverless_defaults_and_dedicated_endpoints_as_list_items(api, schemas):
    api.load({"endpoints": [ENDPOINT]})
    body = schemas.v1_response(api.get("/v1/endpoints"), "GET /endpoints")
    assert body["object"] == "list"
    types = [item["type"] for item in body["data"]]
    assert types.count("serverless") == 2 and types.count("dedicated") == 1
    for item in body["data"]:
        assert set(item) == LIST_KEYS
    assert {item["owner"] for item in body["data"] if item["type"] == "serverless"} == {"together"}


@pytest.mark.parametrize("query, expected_ids", [
    ("type=dedicated", ["endpoint-mine", "endpoint-reserved", "endpoint-other"]),
    ("type=serverless", ["endpoint-serverless"]),
    ("mine=true", ["endpoint-mine", "endpoint-reserved"]),
    ("mine=True", ["endpoint-mine", "endpoint-reserved"]),
    ("mine=TRUE&type=dedicated", ["endpoint-mine", "endpoint-reserved"]),
    ("mine=False", ["endpoint-serverless", "endpoint-mine", "endpoint-reserved", "endpoint-other"]),
    ("usage_type=reserved", ["endpoint-reserved"]),
    ("usage_type=on-demand&mine=true", ["endpoint-mine"]),
])
def test_list_filters(api, schemas, query, expected_ids):
    api.load({
        "serverless_endpoints": [{"id": "endpoint-serverless", "model": "allenai/OLMo-7B"}],
        "endpoints": [
            dict(ENDPOINT, id="endpoint-mine"),
            dict(ENDPOINT, id="endpoint-reserved", usage_type="reserved"),
            dict(ENDPOINT, id="endpoint-other", owner="someone-else"),
        ],
    })
    body = schemas.v1_response(api.get("/v1/endpoints?" + query), "GET /endpoints")
    assert [item["id"] for item in body["data"]] == expected_ids


@pytest.mark.parametrize("query", ["type=private", "usage_type=spot", "mine=yes", "type="])
def test_list_rejects_bad_filter_values_with_400(api, schemas, query):
    response = api.get("/v1/endpoints?" + query)
    assert response.status_code == 400
    assert schemas.v1_response(response, "GET /endpoints")["error"]["param"] == query.split("=")[0]


def test_list_without_serverless_endpoints_when_the_scenario_says_so(api, schemas):
    api.load({"serverless_endpoints": []})
    assert schemas.v1_response(api.get("/v1/endpoints"), "GET /endpoints")["data"] == []


def test_patch_updates_display_name_autoscaling_and_inactive_timeout(api, schemas):
    api.load({"endpoints": [ENDPOINT]})
    path = "/v1/endpoints/" + ENDPOINT["id"]
    patch = {"display_name": "Renamed", "inactive_timeout": 30, "autoscaling": {"min_replicas": 2, "max_replicas": 4}}
    body = schemas.v1_response(api.patch(path, json=patch), "PATCH /endpoints/{endpointId}")
    assert body["display_name"] == "Renamed" and body["autoscaling"] == {"min_replicas": 2, "max_replicas": 4}
    assert body["state"] == "STARTED"


def test_patch_accepts_one_sided_autoscaling_like_the_live_api(api, schemas):
    api.load({"endpoints": [ENDPOINT]})
    path = "/v1/endpoints/" + ENDPOINT["id"]
    body = schemas.v1_response(api.patch(path, json={"autoscaling": {"max_replicas": 5}}), "PATCH /endpoints/{endpointId}")
    assert body["autoscaling"] == {"min_replicas": 1, "max_replicas": 5}
    response = api.patch(path, json={"autoscaling": {"min_replicas": 6}})
    assert response.status_code == 400
    assert schemas.v1_response(response, "PATCH /endpoints/{endpointId}")["error"]["message"] == \
        "Min replicas cannot be greater than max replicas"


@pytest.mark.parametrize("patch, param", [
    ({"state": "PAUSED"}, "state"),
    ({"display_name": ["x"]}, "display_name"),
    ({"inactive_timeout": "soon"}, "inactive_timeout"),
    ({"autoscaling": 3}, "autoscaling"),
])
def test_patch_validation_errors_are_400(api, schemas, patch, param):
    api.load({"endpoints": [ENDPOINT]})
    response = api.patch("/v1/endpoints/" + ENDPOINT["id"], json=patch)
    assert response.status_code == 400
    assert schemas.v1_response(response, "PATCH /endpoints/{endpointId}")["error"]["param"] == param


def test_a_rejected_patch_changes_nothing(api, schemas):
    api.load({"endpoints": [ENDPOINT]})
    path = "/v1/endpoints/" + ENDPOINT["id"]
    assert api.patch(path, json={"display_name": "New", "state": "BOGUS"}).status_code == 400
    assert schemas.v1_response(api.get(path), "GET /endpoints/{endpointId}")["display_name"] != "New"


def test_delete_is_204_with_an_empty_body_and_the_endpoint_is_gone(api, schemas):
    api.load({"endpoints": [ENDPOINT]})
    path = "/v1/endpoints/" + ENDPOINT["id"]
    response = api.delete(path)
    assert response.status_code == 204
    schemas.v1_response(response, "DELETE /endpoints/{endpointId}")
    assert "Content-Type" not in response.headers
    assert api.get(path).status_code == 404
    assert api.delete(path).status_code == 404


def test_hardware_without_model_has_no_availability(api, schemas):
    body = schemas.v1_response(api.get("/v1/hardware"), "GET /hardware")
    ids = [item["id"] for item in body["data"]]
    # every id the together 1.x CLI builds from --gpu/--gpu-count exists
    for hardware in ("1x_nvidia_h100_80gb_sxm", "1x_nvidia_a100_80gb_pcie", "2x_nvidia_a100_80gb_sxm", "1x_nvidia_l40",
                     "1x_nvidia_l40s", "1x_nvidia_rtx_6000_ada", "1x_nvidia_b200_180gb_sxm", "1x_nvidia_h200_140gb_sxm"):
        assert hardware in ids
    assert all("availability" not in item for item in body["data"])


def test_hardware_with_model_has_availability_and_only_compatible_hardware(api, schemas):
    api.load({"model_hardware": {"big/model": ["8x_nvidia_h100_80gb_sxm", "8x_nvidia_h200_140gb_sxm"]},
              "hardware_availability": {"8x_nvidia_h100_80gb_sxm": "insufficient"}})
    body = schemas.v1_response(api.get("/v1/hardware", params={"model": "big/model"}), "GET /hardware")
    assert [(item["id"], item["availability"]["status"]) for item in body["data"]] == [
        ("8x_nvidia_h100_80gb_sxm", "insufficient"), ("8x_nvidia_h200_140gb_sxm", "available")]
    other = schemas.v1_response(api.get("/v1/hardware", params={"model": "any/model"}), "GET /hardware")
    assert all(item["availability"]["status"] in ("available", "insufficient") for item in other["data"])


@pytest.mark.v1_writable
def test_create_on_unavailable_or_incompatible_hardware_is_400(api, schemas):
    api.load({"model_hardware": {"big/model": ["8x_nvidia_h100_80gb_sxm"]},
              "hardware_availability": {"8x_nvidia_h100_80gb_sxm": "unavailable"}})
    incompatible = api.post("/v1/endpoints", json=dict(CREATE_BODY, model="big/model"))
    unavailable = api.post("/v1/endpoints", json=dict(CREATE_BODY, model="big/model", hardware="8x_nvidia_h100_80gb_sxm"))
    for response in (incompatible, unavailable):
        assert response.status_code == 400
        assert "the selected configuration" in schemas.v1_response(response, "POST /endpoints")["error"]["message"].lower()


def test_hardware_catalog_can_be_replaced_by_the_scenario(api, schemas):
    custom = {"id": "custom", "pricing": {"cents_per_minute": 1.5}, "specs": {"gpu_type": "x", "gpu_link": "y", "gpu_memory": 1, "gpu_count": 1}}
    api.load({"hardware": ["1x_nvidia_h100_80gb_sxm", custom]})
    body = schemas.v1_response(api.get("/v1/hardware"), "GET /hardware")
    assert [item["id"] for item in body["data"]] == ["1x_nvidia_h100_80gb_sxm", "custom"]


def test_availability_zones(api, schemas):
    body = schemas.v1_response(api.get("/v1/clusters/availability-zones"), "GET /clusters/availability-zones")
    assert "us-central-4b" in body["avzones"]
    api.load({"availability_zones": ["zone-a"]})
    assert api.get("/v1/clusters/availability-zones").json() == {"avzones": ["zone-a"]}


def test_scenario_fields_and_drop_fields_shape_the_body(api, schemas):
    api.load({"endpoints": [dict(ENDPOINT, fields={"inactive_timeout": 30, "state": "FAILED"}, drop_fields=["hardware"])]})
    body = api.get("/v1/endpoints/" + ENDPOINT["id"]).json()
    assert body["inactive_timeout"] == 30 and body["state"] == "FAILED" and "hardware" not in body
    listed = [item for item in api.get("/v1/endpoints").json()["data"] if item["id"] == ENDPOINT["id"]][0]
    assert listed["state"] == "FAILED"


def test_echo_inactive_timeout_reports_the_value_set(api, schemas):
    api.load({"echo_inactive_timeout": True, "endpoints": [ENDPOINT]})
    path = "/v1/endpoints/" + ENDPOINT["id"]
    assert api.get(path).json()["inactive_timeout"] is None
    assert api.patch(path, json={"inactive_timeout": 45}).json()["inactive_timeout"] == 45
    schemas.v1_response(api.get(path), "GET /endpoints/{endpointId}")
