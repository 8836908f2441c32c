"""Hardware and models, scriptable per scenario: v2 instance types, configs per model, supported models; v1 hardware by model."""

import pytest
from together_simulator.catalog import V2_INSTANCE_TYPES

from test_v2_routes import FAST, P, error, model_path, ok

MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo"
SMALL = "meta-llama/Llama-3.1-8B-Instruct"


def hardware_of(config):
    selectors = {item["key"]: item["value"] for item in config["selectors"]}
    return "%sx%s" % (selectors["accelerator_count"], selectors["accelerator_type"])


def test_default_instance_types_list_and_retrieve_by_id_or_name(api, schemas):
    body = ok(api.get("/v2/public/inference-instance-types"), schemas, "InstanceTypeList")
    names = [item["name"] for item in body["data"]]
    assert "1xnvidia-h100-80gb" in names and len(names) == 9 and body["next_cursor"] is None
    # Every instance type has a published price but one, for the collection's unknown-cost case.
    assert [item["name"] for item in body["data"] if not item["priceCentsPerHour"]] == ["1xnvidia-gh200-96gb"]
    first = body["data"][0]
    assert ok(api.get("/v2/public/inference-instance-types/" + first["id"]), schemas, "InferenceInstanceType") == first
    assert ok(api.get("/v2/public/inference-instance-types/" + first["name"]), schemas, "InferenceInstanceType") == first
    assert error(api.get("/v2/public/inference-instance-types/9xnvidia-none"), schemas, 404)["code"] == "not_found"


def test_the_scenario_replaces_the_instance_types_and_shows_capacity_as_headroom(api, schemas):
    api.load({"timings": FAST, "v2_instance_types": ["1xnvidia-h100-80gb",
                                                     {"name": "4xnvidia-gb200-186gb", "gpu_type": "GB200", "gpu_memory_gib": 186,
                                                      "price_cents_per_hour": 4000}],
              "v2_capacity": {"1xnvidia-h100-80gb": 3}, "v2_endpoints": [{"id": "ep_a", "name": "a"}]})
    items = {item["name"]: item for item in ok(api.get("/v2/public/inference-instance-types"), schemas, "InstanceTypeList")["data"]}
    assert set(items) == {"1xnvidia-h100-80gb", "4xnvidia-gb200-186gb"}
    gb200 = items["4xnvidia-gb200-186gb"]
    assert (gb200["gpuCount"], gb200["gpuType"], gb200["gpuMemoryGib"], gb200["priceCentsPerHour"]) == (4, "GB200", 186, 4000)
    assert items["1xnvidia-h100-80gb"]["regions"][0]["headroom"] == {"relation": "RELATION_EQ", "value": 3}
    assert gb200["regions"][0]["headroom"]["relation"] == "RELATION_GTE"  # no capacity scripted: plenty
    api.post(P + "/endpoints/ep_a/deployments", json={"name": "one", "model": MODEL, "autoscaling": {"minReplicas": 2}})
    h100 = ok(api.get("/v2/public/inference-instance-types/1xnvidia-h100-80gb"), schemas, "InferenceInstanceType")
    assert h100["regions"][0]["headroom"]["value"] == 1
    configs = api.get(P + "/configs", params={"referenceModel": model_path(MODEL)}).json()["data"]
    assert sorted(hardware_of(config) for config in configs) == ["1xnvidia-h100-80gb", "4xnvidia-gb200-186gb"]


def test_model_configs_narrow_the_configs_of_a_model_by_name_id_or_path(api, schemas):
    api.load({"v2_model_configs": {SMALL: ["1xnvidia-l40s-48gb", "1xnvidia-h100-80gb"]}})
    [small] = ok(api.get("/v2/supported-models", params={"search": SMALL}), schemas, "SupportedModelPage")["data"]
    for params in ({"referenceModel": small["baseModel"]}, {"referenceModelId": small["baseModelId"]},
                   {"referenceModel": small["baseModel"], "referenceModelId": small["baseModelId"]}):
        configs = ok(api.get(P + "/configs", params=params), schemas, "ConfigPage")["data"]
        assert [hardware_of(config) for config in configs] == ["1xnvidia-l40s-48gb", "1xnvidia-h100-80gb"], params
        assert {config["referenceModel"] for config in configs} == {small["baseModel"]}
    assert len(api.get(P + "/configs", params={"referenceModel": model_path(MODEL)}).json()["data"]) == len(V2_INSTANCE_TYPES)  # not listed: fits all
    assert error(api.get(P + "/configs"), schemas, 400)["message"] == "referenceModelId or referenceModel is required"
    # a readable name is not a resource name: the API refuses it instead of guessing (refusals: test_sdk_types.py)
    assert error(api.get(P + "/configs", params={"referenceModel": SMALL}), schemas, 400)["param"] == "referenceModel"


def test_a_config_that_does_not_fit_the_model_is_refused(api, schemas):
    api.load({"v2_model_configs": {SMALL: ["1xnvidia-l40s-48gb"]}, "v2_endpoints": [{"id": "ep_a", "name": "a"}]})
    big = [c for c in api.get(P + "/configs", params={"referenceModel": model_path(MODEL)}).json()["data"]
           if hardware_of(c) == "8xnvidia-h200-141gb"][0]
    refused = error(api.post(P + "/endpoints/ep_a/deployments", json={"name": "x", "model": SMALL, "config": big["id"],
                                                                      "autoscaling": {"minReplicas": 1}}), schemas, 400)
    assert refused["param"] == "config" and refused["code"] == "invalid_config" and "1xnvidia-l40s-48gb" in refused["message"]
    # without a config the deployment gets one that fits
    created = ok(api.post(P + "/endpoints/ep_a/deployments", json={"name": "x", "model": SMALL, "autoscaling": {"minReplicas": 1}}),
                 schemas, "EndpointDeployment")
    assert created["hardware"] == "1xnvidia-l40s-48gb"


def test_supported_models_search_page_and_profiles(api, schemas):
    body = ok(api.get("/v2/supported-models", params={"search": "llama-3.3"}), schemas, "SupportedModelPage")
    assert [item["name"] for item in body["data"]] == [MODEL]
    entry = body["data"][0]
    assert entry["id"].startswith("ml_") and entry["baseModel"] == "projects/proj_together/models/" + entry["baseModelId"]
    assert {profile["gpuCount"] for profile in entry["deploymentProfiles"]} == {1, 2, 8}
    profile = entry["deploymentProfiles"][0]
    assert profile["config"].endswith("/configs/" + profile["certifiedConfigRevisionId"]) and profile["modelName"] == MODEL
    # the model the catalog names is readable through the models route, as the CLI resolves it
    assert api.get("/v2/projects/proj_together/models/" + entry["id"]).json()["name"] == MODEL
    page = ok(api.get("/v2/supported-models", params={"limit": 2}), schemas, "SupportedModelPage")
    assert len(page["data"]) == 2 and page["next_cursor"]
    assert ok(api.get("/v2/supported-models/" + entry["id"]), schemas, "SupportedModel") == entry
    error(api.get("/v2/supported-models/nobody/nothing"), schemas, 404)  # two segments: no such route
    assert error(api.get("/v2/supported-models/ml_nothing"), schemas, 404)["code"] == "not_found"


def test_the_scenario_sets_the_supported_models(api, schemas):
    api.load({"v2_supported_models": ["acme/tiny-chat"], "v2_model_configs": {"acme/tiny-chat": ["1xnvidia-a100-80gb"]}})
    [entry] = ok(api.get("/v2/supported-models"), schemas, "SupportedModelPage")["data"]
    assert entry["name"] == "acme/tiny-chat" and entry["publisher"] == "acme"
    assert [(p["gpuType"], p["gpuCount"]) for p in entry["deploymentProfiles"]] == [("nvidia-a100-80gb", 1)]


@pytest.mark.parametrize("scenario, key", [
    ({"v2_instance_types": ["9xnvidia-none"]}, "v2_instance_types"),
    ({"v2_instance_types": [{"name": "H100 big"}]}, "v2_instance_types[0].name"),
    ({"v2_instance_types": [{"name": "1xa", "gpus": 1}]}, "v2_instance_types[0]"),
    ({"v2_model_configs": {SMALL: ["2xnvidia-none"]}}, "v2_model_configs"),
    ({"v2_supported_models": [""]}, "v2_supported_models[0]"),
    ({"v2_capacity": {"1xnvidia-h100-80gb": 1}, "v2_instance_types": ["1xnvidia-a100-80gb"]}, "v2_capacity"),
])
def test_bad_catalog_keys_are_refused_by_name(api, scenario, key):
    response = api.control("POST", "scenario", json=scenario)
    assert response.status_code == 400 and key in response.json()["error"]["message"], response.text


def test_v1_hardware_model_filter_follows_the_scenario(api, schemas):
    api.load({"hardware": ["1x_nvidia_h100_80gb_sxm", "2x_nvidia_h100_80gb_sxm", "1x_nvidia_l40s"],
              "model_hardware": {SMALL: ["1x_nvidia_l40s", "1x_nvidia_h100_80gb_sxm"]},
              "hardware_availability": {"1x_nvidia_h100_80gb_sxm": "insufficient"}})
    everything = schemas.v1_response(api.get("/v1/hardware"), "GET /hardware")["data"]
    assert [item["id"] for item in everything] == ["1x_nvidia_h100_80gb_sxm", "2x_nvidia_h100_80gb_sxm", "1x_nvidia_l40s"]
    assert all("availability" not in item for item in everything)
    fitting = schemas.v1_response(api.get("/v1/hardware", params={"model": SMALL}), "GET /hardware")["data"]
    statuses = {item["id"]: item["availability"]["status"] for item in fitting}
    assert statuses == {"1x_nvidia_h100_80gb_sxm": "insufficient", "1x_nvidia_l40s": "available"}
    other = schemas.v1_response(api.get("/v1/hardware", params={"model": MODEL}), "GET /hardware")["data"]
    assert len(other) == 3  # a model the scenario does not list fits every hardware
