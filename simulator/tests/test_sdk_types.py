"""The simulator answers only shapes the official SDKs' own pydantic types accept, and refuses what the API refuses.

Bodies are collected from the in-process simulator, then validated inside the reference venvs (together 3.1.1 for v2,
1.6.0 for v1) with each SDK's types: strict JSON validation (`model_validate_json(..., strict=True)`), so an enum value
the SDK's Literal lacks, a missing required field or a wrong JSON type fails. Extra keys (which the SDKs accept) are
reported too and must be none, so a key the SDK does not know is a conscious choice, not a typo.
"""

import json
import subprocess

import pytest
from together_simulator.catalog import V2_INSTANCE_TYPES

from test_reference_client_v2 import FAST, client_env
from test_v2_routes import P, blue_green, error, model_path, ok

MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo"
SMALL = "meta-llama/Llama-3.1-8B-Instruct"
PRIVATE_ID = "ml_simsupportchatft"  # the default scenario's private model, a fine-tune of SMALL
PRIVATE_PATH = "projects/proj_demo/models/" + PRIVATE_ID

# Runs inside a reference venv: argv[1] is a JSON file of cases {label, type, body}; prints {label: problem} for failures.
VALIDATOR = r'''
import importlib, json, sys
import pydantic

def resolve(spec):
    page = spec.startswith("page:")
    module, _, name = spec[5:].partition(":") if page else spec.partition(":")
    target = getattr(importlib.import_module(module), name)
    if page:
        from together.pagination import SyncCursorPagination
        target = SyncCursorPagination[target]
    return target

def extras(value, where, found):
    if isinstance(value, pydantic.BaseModel):
        for key in (value.model_extra or {}):
            found.append("%s.%s" % (where, key))
        for name in type(value).model_fields:
            extras(getattr(value, name), "%s.%s" % (where, name), found)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            extras(item, "%s[%d]" % (where, index), found)
    return found

problems = {}
for case in json.load(open(sys.argv[1])):
    target = resolve(case["type"])
    try:
        adapter = pydantic.TypeAdapter(target)
        parsed = adapter.validate_json(json.dumps(case["body"]), strict=True)
    except Exception as exc:  # noqa: BLE001 - report every failure, not just the first
        problems[case["label"]] = "invalid: %s" % exc
        continue
    unknown = extras(parsed, "body", [])
    if unknown:
        problems[case["label"]] = "keys the SDK type does not have: %s" % ", ".join(unknown)
json.dump(problems, sys.stdout)
'''


def validate_in(venv, cases, tmp_path):
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases))
    result = subprocess.run([str(venv / "bin" / "python"), "-c", VALIDATOR, str(path)], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def body_of(response):
    assert response.status_code == 200, (response.request.method, response.request.url, response.text)
    return response.json()


# -- every body of the routes the collection uses, against the 3.1.1 SDK types ---------------------------------------

@pytest.mark.reference_v2
def test_v2_bodies_validate_with_the_sdk_types(api, together_v2_venv, tmp_path):
    scenario = blue_green(state="READY")
    scenario["v2_endpoints"].append({"id": "ep_odd", "name": "odd", "deployments": [
        {"name": "zero", "id": "dep_zero", "model": SMALL, "state": "STOPPED", "omit_zero_fields": True,
         "autoscaling": {"min_replicas": 0, "max_replicas": 0}},
        {"name": "own", "id": "dep_own", "model": PRIVATE_PATH + "/revisions/rv_7", "state": "DEGRADED"}]})
    scenario["models"] = [{"id": PRIVATE_ID, "name": "demo-project/support-chat-ft", "base_model": SMALL,
                           "description": "a fine-tune"},
                          {"id": "ml_abc", "name": "demo-project/green"},
                          {"id": "ml_shared", "name": "demo-project/shared", "visibility": "VISIBILITY_INTERNAL"}]
    api.load(scenario)
    cases = []

    def add(label, type_name, body):
        cases.append({"label": label, "type": type_name, "body": body})

    endpoint, deployment, config = "together.types:Endpoint", "together.types:EndpointDeployment", "together.types.models.config:Config"
    add("GET /v3/whoami (project key)", "together.types:WhoamiResponse", body_of(api.get("/v3/whoami")))
    add("GET /v1/projects", "page:together.types:Project", body_of(api.get("/v1/projects")))
    add("GET endpoints", "page:" + endpoint, body_of(api.get(P + "/endpoints")))
    add("GET endpoints (page of 1)", "page:" + endpoint, body_of(api.get(P + "/endpoints", params={"limit": 1})))
    add("GET endpoint", endpoint, body_of(api.get(P + "/endpoints/ep_chat")))
    created = body_of(api.post(P + "/endpoints", json={"name": "fresh"}))
    add("POST endpoint", endpoint, created)
    add("POST endpoint validateOnly", endpoint, body_of(api.post(P + "/endpoints?validateOnly=true", json={"name": "checked"})))
    current = body_of(api.get(P + "/endpoints/ep_chat"))
    add("PATCH endpoint", endpoint, body_of(api.patch(P + "/endpoints/ep_chat?updateMask=trafficSplit", json={
        "etag": current["etag"], "trafficSplit": [{"deploymentId": "dep_blue", "weight": 3}, {"deploymentId": "dep_green", "weight": 1}]})))
    add("GET deployments", "page:" + deployment, body_of(api.get(P + "/endpoints/ep_chat/deployments")))
    add("GET deployments (odd)", "page:" + deployment, body_of(api.get(P + "/endpoints/ep_odd/deployments")))
    add("GET deployment", deployment, body_of(api.get(P + "/endpoints/ep_chat/deployments/dep_blue")))
    add("GET deployment (zeros omitted)", deployment, body_of(api.get(P + "/endpoints/ep_odd/deployments/dep_zero")))
    new = body_of(api.post(P + "/endpoints/%s/deployments" % created["id"], json={
        "name": "blue", "model": model_path(MODEL), "autoscaling": {"minReplicas": 1, "maxReplicas": 2}, "inactiveTimeout": 60,
        "maxConcurrentRequestsPerReplica": "8"}))
    add("POST deployment", deployment, new)
    add("POST deployment (private model)", deployment, body_of(api.post(P + "/endpoints/%s/deployments" % created["id"], json={
        "name": "own", "model": PRIVATE_PATH, "autoscaling": {"minReplicas": 1}})))
    add("PATCH deployment", deployment, body_of(api.patch(P + "/endpoints/%s/deployments/%s?updateMask=autoscaling" % (created["id"], new["id"]),
                                                          json={"autoscaling": {"minReplicas": 0, "maxReplicas": 0}})))
    add("GET endpoint (with summaries)", endpoint, body_of(api.get(P + "/endpoints/" + created["id"])))
    configs = body_of(api.get(P + "/configs", params={"referenceModel": model_path(MODEL)}))
    add("GET configs", "page:" + config, configs)
    small_id = model_path(SMALL).rsplit("/", 1)[-1]
    add("GET configs (page of 2)", "page:" + config, body_of(api.get(P + "/configs", params={"referenceModelId": small_id, "limit": 2})))
    add("GET config", config, body_of(api.get(P + "/configs/" + configs["data"][0]["id"])))
    add("GET models", "page:together.types:Model", body_of(api.get(P + "/models")))
    add("GET model (private)", "together.types:Model", body_of(api.get(P + "/models/" + PRIVATE_ID)))
    add("GET model (public)", "together.types:Model", body_of(api.get("/" + model_path(MODEL).replace("projects/", "v2/projects/", 1))))
    supported = body_of(api.get("/v2/supported-models"))
    add("GET supported-models", "page:together.types:SupportedModel", supported)
    add("GET supported-models?search", "page:together.types:SupportedModel",
        body_of(api.get("/v2/supported-models", params={"search": SMALL})))
    add("GET supported-model", "together.types:SupportedModel", body_of(api.get("/v2/supported-models/" + supported["data"][0]["id"])))
    add("GET instance types", "together.types.endpoints:HardwareListResponse", body_of(api.get("/v2/public/inference-instance-types")))
    add("GET instance type", "together.types.endpoints:InferenceInstanceType",
        body_of(api.get("/v2/public/inference-instance-types/1xnvidia-h100-80gb")))
    add("GET abExperiments", "page:together.types.endpoints.ab_experiment:AbExperiment", body_of(api.get(P + "/endpoints/ep_chat/abExperiments")))
    add("DELETE deployment", "together.types.endpoints:DeploymentDeleteResponse",
        body_of(api.delete(P + "/endpoints/%s/deployments/%s" % (created["id"], new["id"]))))
    api.load({"whoami_type": "org_api_key", "v2_endpoints": [{"id": "ep_gone", "name": "gone"}]})
    add("GET /v3/whoami (org key)", "together.types:WhoamiResponse", body_of(api.get("/v3/whoami")))
    add("DELETE endpoint", "together.types:EndpointDeleteResponse", body_of(api.delete(P + "/endpoints/ep_gone")))
    assert validate_in(together_v2_venv, cases, tmp_path) == {}


@pytest.mark.reference_v1
def test_v1_bodies_validate_with_the_1_6_sdk_types(api, together_v1_venv, tmp_path):
    api.load({"endpoints": [{"id": "endpoint-00000000-0000-4000-8000-000000000001", "model": SMALL, "hardware": "1x_nvidia_h100_80gb_sxm"}]})
    cases = [{"label": "GET /v1/endpoints[%d]" % index, "type": "together.types.endpoints:ListEndpoint", "body": item}
             for index, item in enumerate(body_of(api.get("/v1/endpoints"))["data"])]
    cases.append({"label": "GET /v1/endpoints/{id}", "type": "together.types.endpoints:DedicatedEndpoint",
                  "body": body_of(api.get("/v1/endpoints/endpoint-00000000-0000-4000-8000-000000000001"))})
    for params in ({}, {"model": SMALL}):
        cases.extend({"label": "GET /v1/hardware%s[%d]" % (params, index), "type": "together.types.endpoints:HardwareWithStatus", "body": item}
                     for index, item in enumerate(body_of(api.get("/v1/hardware", params=params))["data"]))
    problems = validate_in(together_v1_venv, cases, tmp_path)
    # together 1.6.0's v1 types are not closed the way 3.1.1's are checked here: the spec's optional keys they lack are fine
    assert {label: text for label, text in problems.items() if not text.startswith("keys the SDK type does not have")} == {}


# -- refusals: configs ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("params, param", [
    ({"referenceModel": SMALL}, "referenceModel"),                                   # a readable name
    ({"referenceModel": "demo-project/support-chat-ft"}, "referenceModel"),          # <slug>/<name>
    ({"referenceModel": model_path(SMALL) + "/revisions/rv_1"}, "referenceModel"),   # a revision
    ({"referenceModel": "ml_abc"}, "referenceModel"),                                # a bare id in the path parameter
    ({"referenceModelId": SMALL}, "referenceModelId"),                               # a name as the id
    ({"referenceModelId": model_path(SMALL)}, "referenceModelId"),                   # a path as the id
    ({"referenceModel": model_path(SMALL), "referenceModelId": "ml_other"}, "referenceModelId"),  # disagreeing
    ({}, "referenceModel"),
])
def test_configs_refuse_anything_but_a_model_resource_name_or_id(api, schemas, params, param):
    refused = error(api.get(P + "/configs", params=params), schemas, 400)
    assert refused["param"] == param and refused["code"] == "invalid_argument"
    if "referenceModel" in params and param == "referenceModel":
        assert "projects/{projectId}/models/{modelId}" in refused["message"] and repr(params["referenceModel"]) in refused["message"]


def test_configs_filter_to_the_model_and_unknown_models_have_none(api, schemas):
    api.load({"v2_model_configs": {SMALL: ["1xnvidia-l40s-48gb", "1xnvidia-h100-80gb"]},
              "models": [{"id": PRIVATE_ID, "name": "demo-project/support-chat-ft", "base_model": SMALL},
                         {"id": "ml_scratch", "name": "demo-project/scratch"}]})
    small = ok(api.get(P + "/configs", params={"referenceModel": model_path(SMALL)}), schemas, "ConfigPage")["data"]
    assert len(small) == 2 and {config["referenceModel"] for config in small} == {model_path(SMALL)}
    assert {config["projectId"] for config in small} == {"proj_together"}
    by_id = ok(api.get(P + "/configs", params={"referenceModelId": model_path(SMALL).rsplit("/", 1)[-1]}), schemas, "ConfigPage")["data"]
    assert by_id == small
    big = ok(api.get(P + "/configs", params={"referenceModel": model_path(MODEL)}), schemas, "ConfigPage")["data"]
    assert len(big) == len(V2_INSTANCE_TYPES) and not {c["id"] for c in big} & {c["id"] for c in small}  # a config belongs to one model
    for params in ({"referenceModel": "projects/proj_together/models/ml_nothing"}, {"referenceModelId": "ml_nothing"},
                   {"referenceModel": PRIVATE_PATH}):  # a fine-tune deploys with its base model's configs, it has none itself
        assert ok(api.get(P + "/configs", params=params), schemas, "ConfigPage") == {"data": []}, params
    scratch = ok(api.get(P + "/configs", params={"referenceModel": P[4:] + "/models/ml_scratch"}), schemas, "ConfigPage")["data"]
    assert len(scratch) == len(V2_INSTANCE_TYPES) and {config["projectId"] for config in scratch} == {"proj_demo"}  # a model without a base has its own


# -- refusals: deployments -----------------------------------------------------------------------------------------

def _deploy(api, **body):
    return api.post(P + "/endpoints/ep_a/deployments", json=dict({"name": "d", "autoscaling": {"minReplicas": 1}}, **body))


@pytest.mark.parametrize("model, status, code", [
    ("meta-llama/Llama-9-chat", 400, "invalid_argument"),                      # a made-up readable name
    ("demo-project/no-such-model", 400, "invalid_argument"),                   # a private name nobody registered
    ("ml_nothing", 400, "invalid_argument"),                                   # an unknown id
    ("projects/proj_together/models/ml_nothing", 404, "model_not_found"),      # a path to no model
    ("projects/proj_demo/models/ml_nothing/revisions/rv_1", 404, "model_not_found"),
    ("projects/proj_demo/models", 400, "invalid_argument"),                    # not a model path at all
])
def test_a_deployment_of_a_model_that_does_not_exist_is_refused(api, schemas, model, status, code):
    api.load({"v2_endpoints": [{"id": "ep_a", "name": "a"}]})
    refused = error(_deploy(api, model=model), schemas, status)
    assert refused["code"] == code and refused["param"] == "model" and repr(model) in refused["message"]
    body = {"name": "d", "model": model, "autoscaling": {"minReplicas": 1}}
    error(api.post(P + "/endpoints/ep_a/deployments?validateOnly=true", json=body), schemas, status)
    assert api.get(P + "/endpoints/ep_a/deployments").json()["data"] == []


def test_a_config_of_another_model_is_refused_and_a_private_model_deploys_with_its_base_configs(api, schemas):
    api.load({"v2_endpoints": [{"id": "ep_a", "name": "a"}], "v2_model_configs": {SMALL: ["1xnvidia-l40s-48gb", "1xnvidia-h100-80gb"]}})
    small = api.get(P + "/configs", params={"referenceModel": model_path(SMALL)}).json()["data"]
    big = api.get(P + "/configs", params={"referenceModel": model_path(MODEL)}).json()["data"]
    for model in (model_path(SMALL), SMALL, PRIVATE_PATH):
        refused = error(_deploy(api, model=model, config=big[0]["id"]), schemas, 400)
        assert refused["param"] == "config" and refused["code"] == "invalid_config" and model_path(MODEL) in refused["message"]
    # the default private model (a fine-tune of SMALL): the path is kept as sent, with its revision pin, and its base's config fits
    pinned = ok(_deploy(api, model=PRIVATE_PATH + "/revisions/rv_42", config="projects/proj_together/configs/" + small[0]["id"]),
                schemas, "EndpointDeployment")
    assert pinned["model"] == PRIVATE_PATH + "/revisions/rv_42" and pinned["modelRevisionId"] == "rv_42"
    assert pinned["hardware"] == "1xnvidia-l40s-48gb" and pinned["configId"] == small[0]["id"]
    latest = ok(_deploy(api, name="latest", model=PRIVATE_PATH), schemas, "EndpointDeployment")
    assert latest["model"].startswith(PRIVATE_PATH + "/revisions/rv_") and latest["modelId"] == PRIVATE_ID
    assert latest["config"] == "projects/proj_together/configs/" + [c["id"] for c in small if c["id"] == latest["configId"]][0]
    assert latest["hardware"] == "1xnvidia-h100-80gb"
    # by its readable name too, as the CLI resolves it, and the deployment names the private model, not the base
    named = ok(_deploy(api, name="named", model="demo-project/support-chat-ft"), schemas, "EndpointDeployment")
    assert named["model"] == latest["model"]
    wrong_project = error(_deploy(api, name="x", model=model_path(SMALL), config="projects/proj_demo/configs/" + small[0]["id"]),
                          schemas, 400)
    assert wrong_project["code"] == "invalid_config" and "not found" in wrong_project["message"]


# -- supported models and the project's own models -------------------------------------------------------------------

def test_supported_models_have_one_profile_per_config_and_search_by_substring(api, schemas):
    api.load({"v2_model_configs": {SMALL: ["1xnvidia-l40s-48gb", "8xnvidia-h200-141gb"]}})
    [entry] = ok(api.get("/v2/supported-models", params={"search": SMALL}), schemas, "SupportedModelPage")["data"]
    configs = api.get(P + "/configs", params={"referenceModel": entry["baseModel"]}).json()["data"]
    assert entry["name"] == SMALL and entry["baseModel"] == model_path(SMALL) and entry["baseModelId"] == entry["id"]
    assert [(p["certifiedConfigRevisionId"], p["gpuType"], p["gpuCount"]) for p in entry["deploymentProfiles"]] == [
        (configs[0]["id"], "nvidia-l40s-48gb", 1), (configs[1]["id"], "nvidia-h200-141gb", 8)]
    for profile in entry["deploymentProfiles"]:
        assert profile["config"] == "projects/proj_together/configs/" + profile["certifiedConfigRevisionId"]
        assert profile["profileId"] == profile["certifiedConfigRevisionId"]
        assert profile["model"].startswith(entry["baseModel"] + "/revisions/rv_") and profile["modelName"] == SMALL
    lowered = ok(api.get("/v2/supported-models", params={"search": "LLAMA-3"}), schemas, "SupportedModelPage")["data"]
    assert {item["name"] for item in lowered} >= {SMALL, MODEL, "meta-llama/Llama-3-8b-chat-hf"}
    assert ok(api.get("/v2/supported-models", params={"search": "Llama-9"}), schemas, "SupportedModelPage") == {"data": []}


def test_private_models_list_and_get(api, schemas):
    api.load({"models": [{"id": PRIVATE_ID, "name": "demo-project/support-chat-ft", "base_model": SMALL, "description": "ft"},
                         {"id": "ml_shared", "name": "demo-project/shared", "visibility": "VISIBILITY_INTERNAL"}]})
    page = ok(api.get(P + "/models", params={"limit": 1}), schemas, "ModelPage")
    assert [item["id"] for item in page["data"]] == [PRIVATE_ID] and page["next_cursor"]
    second = ok(api.get(P + "/models", params={"limit": 1, "after": page["next_cursor"]}), schemas, "ModelPage")
    assert [item["id"] for item in second["data"]] == ["ml_shared"] and "next_cursor" not in second
    own = ok(api.get(P + "/models/" + PRIVATE_ID), schemas, "Model")
    assert own == page["data"][0]
    assert (own["name"], own["projectId"], own["organizationId"], own["visibility"]) == (
        "demo-project/support-chat-ft", "proj_demo", "org_demo", "VISIBILITY_PRIVATE")
    assert own["baseModel"] == model_path(SMALL) and own["baseModelId"] == model_path(SMALL).rsplit("/", 1)[-1]
    assert "weights" in own and own["description"] == "ft"
    internal = ok(api.get(P + "/models", params={"visibility": "VISIBILITY_INTERNAL"}), schemas, "ModelPage")["data"]
    assert [item["id"] for item in internal] == ["ml_shared"] and "baseModel" not in internal[0]
    assert error(api.get(P + "/models", params={"visibility": "VISIBILITY_PUBLIC"}), schemas, 400)["param"] == "visibility"
    assert error(api.get("/v2/projects/proj_other/models"), schemas, 404)["code"] == "project_not_found"
    public = ok(api.get("/v2/projects/proj_together/models/" + own["baseModelId"]), schemas, "Model")
    assert public["name"] == SMALL and public["visibility"] == "VISIBILITY_INTERNAL" and public["organizationId"] == "org_together"


def test_every_scenario_without_models_has_the_default_private_model(api, schemas):
    api.load({"project": {"id": "proj_int", "slug": "int-project", "name": "Integration"}})
    [model] = ok(api.get("/v2/projects/proj_int/models"), schemas, "ModelPage")["data"]
    assert model["id"] == PRIVATE_ID and model["name"] == "int-project/support-chat-ft" and model["baseModel"] == model_path(SMALL)
    api.load({"models": []})
    assert ok(api.get(P + "/models"), schemas, "ModelPage") == {"data": []}


@pytest.mark.reference_v2
def test_cli_deploys_a_private_model_by_name_with_its_base_models_config(api, together_v2_venv, tmp_path):
    """`tg endpoints deploy <slug>/<name>`: the project's model list finds it, its base model's configs pair with it, and the
    deployment keeps the private model's path."""
    api.load({"timings": FAST, "v2_model_configs": {SMALL: ["1xnvidia-l40s-48gb"]}})
    together = str(together_v2_venv / "bin" / "together")
    deployed = subprocess.run([together, "--json", "endpoints", "deploy", "demo-project/support-chat-ft", "--endpoint", "ft-chat",
                               "--project", "proj_demo", "--min-replicas", "1", "--max-replicas", "1"],
                              capture_output=True, text=True, env=client_env(api, tmp_path), timeout=120, check=False)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    log = [(entry["method"], entry["path"], entry["query"]) for entry in api.requests_log()]
    assert ("GET", P + "/models", {}) in log
    assert ("GET", P + "/configs", {"referenceModelId": model_path(SMALL).rsplit("/", 1)[-1]}) in log
    endpoint = api.get(P + "/endpoints").json()["data"][0]
    [deployment] = endpoint["deployments"]
    full = api.get(P + "/endpoints/%s/deployments/%s" % (endpoint["id"], deployment["id"])).json()
    assert full["model"].startswith(PRIVATE_PATH + "/revisions/") and full["hardware"] == "1xnvidia-l40s-48gb"
