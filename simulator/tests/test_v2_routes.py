"""v2 (project-scoped dedicated model inference) routes, validated against simulator/spec/together-v2-schemas.yaml."""

import time

import pytest

from together_simulator.catalog import public_model_id

P = "/v2/projects/proj_demo"
FAST = {"provisioning": 0.1, "scaling": 0.1, "stopping": 0.1}
LLAMA_70B = "meta-llama/Llama-3.3-70B-Instruct-Turbo"


def model_path(name):
    """The resource name (no revision) of a public model known by its readable name, as referenceModel takes it."""
    return "projects/proj_together/models/" + public_model_id(name)


def blue_green(**deployment_changes):
    """An endpoint with a routed READY deployment "blue" and an unrouted READY "green"."""
    blue = dict({"name": "blue", "id": "dep_blue", "model": "meta-llama/Llama-3.3-70B-Instruct-Turbo", "state": "READY",
                 "autoscaling": {"min_replicas": 2, "max_replicas": 4}}, **deployment_changes)
    green = {"name": "green", "id": "dep_green", "model": "projects/proj_demo/models/ml_abc/revisions/rv_1", "state": "READY",
             "hardware": "2xnvidia-h100-80gb", "autoscaling": {"min_replicas": 1, "max_replicas": 1}}
    return {"timings": FAST, "v2_endpoints": [{"id": "ep_chat", "name": "chat", "deployments": [blue, green],
                                               "traffic_split": [{"deployment": "blue", "weight": 1}]}]}


def ok(response, schemas, definition):
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    schemas.v2_definition(body, definition)
    return body


def error(response, schemas, status):
    assert response.status_code == status, response.text
    body = response.json()
    schemas.v1_component(body, "ErrorData")
    return body["error"]


def deployment_state(api, endpoint_id, deployment_id):
    return api.get("%s/endpoints/%s/deployments/%s" % (P, endpoint_id, deployment_id)).json()["status"]["state"]


def wait_for_state(api, endpoint_id, deployment_id, wanted, timeout=3.0):
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = deployment_state(api, endpoint_id, deployment_id)
        if not seen or seen[-1] != current:
            seen.append(current)
        if current == wanted:
            return [state.replace("DEPLOYMENT_STATE_", "") for state in seen]
        time.sleep(0.02)
    raise AssertionError("deployment %s never reached %s; saw %s" % (deployment_id, wanted, seen))


# -- identity and catalog ------------------------------------------------------------------------

def test_whoami_v3_for_a_project_key(api, schemas):
    body = ok(api.get("/v3/whoami"), schemas, "WhoamiV3")
    assert body["type"] == "project_api_key"
    assert body["project"] == {"id": "proj_demo", "slug": "demo-project", "name": "Demo project"}
    assert "sim-key" not in str(body)


def test_whoami_for_an_org_key_has_no_project(api, schemas):
    api.load({"whoami_type": "org_api_key", "organization": {"id": "org_x", "name": "X"}})
    assert "project" not in ok(api.get("/v3/whoami"), schemas, "WhoamiV3")
    flat = ok(api.get("/v1/whoami"), schemas, "WhoamiV1")
    assert flat["organization_id"] == "org_x" and "project_id" not in flat


def test_whoami_v1_is_flat(api, schemas):
    api.load({"project": {"id": "proj_x", "slug": "x-slug", "name": "X"}})
    body = ok(api.get("/v1/whoami"), schemas, "WhoamiV1")
    assert (body["project_id"], body["project_slug"], body["project_name"]) == ("proj_x", "x-slug", "X")


def test_instance_types(api, schemas):
    body = ok(api.get("/v2/public/inference-instance-types"), schemas, "InstanceTypeList")
    assert body["object"] == "list" and body["next_cursor"] is None
    first = body["data"][0]
    for key in (first["id"], first["name"]):
        assert ok(api.get("/v2/public/inference-instance-types/" + key), schemas, "InferenceInstanceType") == first
    error(api.get("/v2/public/inference-instance-types/nope"), schemas, 404)


def test_projects_list(api):
    body = api.get("/v1/projects").json()
    assert body["data"][0]["id"] == "proj_demo" and "next_cursor" not in body


# -- endpoints -----------------------------------------------------------------------------------

def test_create_endpoint_with_a_bare_or_qualified_name(api, schemas):
    bare = ok(api.post(P + "/endpoints", json={"name": "chat"}), schemas, "Endpoint")
    assert bare["name"] == "demo-project/chat" and bare["deployments"] == [] and bare["trafficSplit"] == []
    assert bare["endpointType"] == "ENDPOINT_TYPE_DEDICATED" and bare["visibility"] == "VISIBILITY_PRIVATE"
    qualified = ok(api.post(P + "/endpoints", json={"name": "demo-project/other", "visibility": "VISIBILITY_INTERNAL"}), schemas, "Endpoint")
    assert qualified["name"] == "demo-project/other" and qualified["visibility"] == "VISIBILITY_INTERNAL"
    assert ok(api.get(P + "/endpoints/" + bare["id"]), schemas, "Endpoint")["id"] == bare["id"]


@pytest.mark.parametrize("body, status, text", [
    ({}, 400, "name is required"),
    ({"name": "other-project/chat"}, 400, "qualified"),
    ({"name": "Chat_Bot"}, 400, "lowercase"),
    ({"name": "chat", "visibility": "PUBLIC"}, 400, "visibility"),
    ({"name": "chat", "endpointType": "ENDPOINT_TYPE_BIG"}, 400, "endpointType"),
])
def test_create_endpoint_validation(api, schemas, body, status, text):
    assert text in error(api.post(P + "/endpoints", json=body), schemas, status)["message"]


def test_create_endpoint_with_an_existing_name_is_409(api, schemas):
    api.post(P + "/endpoints", json={"name": "chat"})
    error(api.post(P + "/endpoints", json={"name": "demo-project/chat"}), schemas, 409)


@pytest.mark.parametrize("method, path", [("GET", "/endpoints"), ("GET", "/endpoints/ep_chat"), ("POST", "/endpoints")])
def test_unknown_project_is_404_or_the_configured_status(api, schemas, method, path):
    api.load(blue_green())
    error(api.request(method, "/v2/projects/proj_other" + path, json={"name": "x"}), schemas, 404)
    api.load(dict(blue_green(), v2_unknown_project_status=403))
    error(api.request(method, "/v2/projects/proj_other" + path, json={"name": "x"}), schemas, 403)


def test_unknown_endpoint_and_deployment_are_404(api, schemas):
    api.load(blue_green())
    assert "not found" in error(api.get(P + "/endpoints/ep_nope"), schemas, 404)["message"]
    error(api.get(P + "/endpoints/ep_chat/deployments/dep_nope"), schemas, 404)
    error(api.get(P + "/endpoints/ep_nope/deployments"), schemas, 404)


def test_endpoint_embeds_deployment_summaries_with_flat_state_and_traffic_share(api, schemas):
    api.load(blue_green())
    body = ok(api.get(P + "/endpoints/ep_chat"), schemas, "Endpoint")
    assert body["trafficSplit"] == [{"deploymentId": "dep_blue", "weight": 1}]
    summaries = {summary["id"]: summary for summary in body["deployments"]}
    blue, green = summaries["dep_blue"], summaries["dep_green"]
    assert blue["state"] == "DEPLOYMENT_STATE_READY" and "status" not in blue
    assert blue["name"] == "demo-project/chat/blue"
    assert blue["estimatedEffectiveTrafficShare"] == 1.0 and green["estimatedEffectiveTrafficShare"] == 0.0
    assert (blue["desiredReplicas"], blue["readyReplicas"]) == (2, 2)
    assert blue["autoscaling"] == {"minReplicas": 2, "maxReplicas": 4}
    assert blue["model"].startswith("projects/proj_together/models/ml_") and "/revisions/rv_" in blue["model"]
    assert green["model"] == "projects/proj_demo/models/ml_abc/revisions/rv_1" and green["modelId"] == "ml_abc"
    assert blue["hardware"] == "1xnvidia-h100-80gb" and green["hardware"] == "2xnvidia-h100-80gb"


def test_traffic_share_is_weight_times_ready_replicas(api, schemas):
    scenario = blue_green()
    scenario["v2_endpoints"][0]["traffic_split"] = [{"deployment": "blue", "weight": 1}, {"deployment": "dep_green", "weight": 2}]
    api.load(scenario)
    shares = {s["id"]: s["estimatedEffectiveTrafficShare"] for s in ok(api.get(P + "/endpoints/ep_chat"), schemas, "Endpoint")["deployments"]}
    assert shares == {"dep_blue": 0.5, "dep_green": 0.5}  # 1 x 2 ready against 2 x 1 ready


def test_endpoint_embeds_at_most_the_ten_newest_deployments(api, schemas):
    deployments = [{"name": "d%02d" % index, "model": "m/m", "state": "STOPPED", "autoscaling": {"min_replicas": 0, "max_replicas": 0},
                    "created_at": "2026-01-01T00:00:%02d.000Z" % index} for index in range(12)]
    api.load({"v2_endpoints": [{"id": "ep_many", "name": "many", "deployments": deployments}]})
    body = ok(api.get(P + "/endpoints/ep_many"), schemas, "Endpoint")
    assert [d["name"].rsplit("/", 1)[1] for d in body["deployments"]] == ["d%02d" % index for index in range(11, 1, -1)]
    listed = ok(api.get(P + "/endpoints/ep_many/deployments"), schemas, "DeploymentPage")
    assert len(listed["data"]) == 12


def test_list_pagination_follows_next_cursor_and_omits_it_on_the_last_page(api, schemas):
    api.load({"v2_endpoints": [{"name": "ep-%d" % index, "created_at": "2026-01-0%dT00:00:00.000Z" % (index + 1)} for index in range(5)]})
    names, cursor, pages = [], None, 0
    while True:
        page = ok(api.get(P + "/endpoints", params=dict({"limit": 2}, **({"after": cursor} if cursor else {}))), schemas, "EndpointPage")
        names.extend(item["name"] for item in page["data"])
        pages += 1
        cursor = page.get("next_cursor")
        if not cursor:
            assert "next_cursor" not in page
            break
    assert pages == 3 and names == ["demo-project/ep-%d" % index for index in range(5)]


def test_last_page_cursor_can_be_an_empty_string(api, schemas):
    api.load({"v2_last_page_cursor": "empty", "v2_endpoints": [{"name": "one"}]})
    assert ok(api.get(P + "/endpoints"), schemas, "EndpointPage")["next_cursor"] == ""


@pytest.mark.parametrize("params, param", [({"after": "garbage!"}, "after"), ({"limit": "-1"}, "limit"), ({"limit": "ten"}, "limit"),
                                           ({"orderBy": "name"}, "orderBy"), ({"filter": "name ~ x"}, "filter"),
                                           ({"filter": "colour=\"red\""}, "filter"), ({"filter": "name=\"x\" AND"}, "filter")])
def test_bad_list_parameters_are_400(api, schemas, params, param):
    assert error(api.get(P + "/endpoints", params=params), schemas, 400)["param"] == param


def test_order_by_created_at_desc(api, schemas):
    api.load({"v2_endpoints": [{"name": "old", "created_at": "2026-01-01T00:00:00.000Z"},
                               {"name": "new", "created_at": "2026-02-01T00:00:00.000Z"}]})
    page = ok(api.get(P + "/endpoints", params={"orderBy": "created_at desc"}), schemas, "EndpointPage")
    assert [item["name"] for item in page["data"]] == ["demo-project/new", "demo-project/old"]


@pytest.mark.parametrize("expression, expected", [
    ('name="chat"', ["chat"]),
    ('name="demo-project/chat"', ["chat"]),
    ('name:"hat"', ["chat", "chat-eu"]),
    ('name="chat*"', ["chat", "chat-eu"]),
    ('name="*-eu"', ["chat-eu"]),
    ('name!="chat"', ["chat-eu", "batch-job"]),
    ('created_at >= "2026-02-01T00:00:00Z"', ["chat-eu", "batch-job"]),
    ('name="chat*" AND created_at < "2026-02-15T00:00:00Z"', ["chat", "chat-eu"]),
    ('name="chat" OR name="batch-job"', ["chat", "batch-job"]),
    ('NOT name:"chat"', ["batch-job"]),
    ('(name="chat" OR name="chat-eu") created_at > "2026-01-15T00:00:00Z"', ["chat-eu"]),
])
def test_filter_expressions(api, schemas, expression, expected):
    api.load({"v2_endpoints": [{"name": "chat", "created_at": "2026-01-01T00:00:00.000Z"},
                               {"name": "chat-eu", "created_at": "2026-02-01T00:00:00.000Z"},
                               {"name": "batch-job", "created_at": "2026-03-01T00:00:00.000Z"}]})
    page = ok(api.get(P + "/endpoints", params={"filter": expression}), schemas, "EndpointPage")
    assert [item["name"].split("/")[1] for item in page["data"]] == expected


def test_patch_traffic_split_with_etag_and_update_mask(api, schemas):
    api.load(blue_green())
    current = api.get(P + "/endpoints/ep_chat").json()
    split = [{"deploymentId": "dep_blue", "weight": 1}, {"deploymentId": "dep_green", "weight": 1}]
    updated = ok(api.patch(P + "/endpoints/ep_chat", params={"updateMask": "trafficSplit"}, json={"etag": current["etag"], "trafficSplit": split}),
                 schemas, "Endpoint")
    assert updated["trafficSplit"] == split and updated["etag"] != current["etag"] and updated["updatedAt"] >= current["updatedAt"]
    stale = api.patch(P + "/endpoints/ep_chat", params={"updateMask": "trafficSplit"}, json={"etag": current["etag"], "trafficSplit": []})
    assert "etag" in error(stale, schemas, 409)["message"]


def test_clearing_the_split_needs_the_update_mask(api, schemas):
    api.load(blue_green())
    assert "no fields to update" in error(api.patch(P + "/endpoints/ep_chat", json={"trafficSplit": []}), schemas, 400)["message"]
    cleared = ok(api.patch(P + "/endpoints/ep_chat?updateMask=trafficSplit", json={"trafficSplit": []}), schemas, "Endpoint")
    assert cleared["trafficSplit"] == [] and all(d["estimatedEffectiveTrafficShare"] == 0 for d in cleared["deployments"])


@pytest.mark.parametrize("split, param", [
    ([{"deploymentId": "dep_other", "weight": 1}], "trafficSplit[0].deploymentId"),
    ([{"deploymentId": "dep_blue", "weight": -1}], "trafficSplit[0].weight"),
    ([{"deploymentId": "dep_blue", "weight": 1}, {"deploymentId": "dep_blue", "weight": 2}], "trafficSplit[1].deploymentId"),
])
def test_bad_traffic_splits_are_400(api, schemas, split, param):
    api.load(blue_green())
    assert error(api.patch(P + "/endpoints/ep_chat?updateMask=trafficSplit", json={"trafficSplit": split}), schemas, 400)["param"] == param


def test_patch_with_an_unknown_mask_path_is_400(api, schemas):
    api.load(blue_green())
    assert error(api.patch(P + "/endpoints/ep_chat?updateMask=colour", json={}), schemas, 400)["param"] == "updateMask"


def test_rename_endpoint(api, schemas):
    api.load(blue_green())
    body = ok(api.patch(P + "/endpoints/ep_chat", json={"name": "demo-project/chat-v2"}), schemas, "Endpoint")
    assert body["name"] == "demo-project/chat-v2"
    assert body["deployments"][0]["name"].startswith("demo-project/chat-v2/")


def test_delete_endpoint_needs_it_empty_and_a_current_etag(api, schemas):
    api.load(blue_green())
    assert "deployments" in error(api.delete(P + "/endpoints/ep_chat"), schemas, 409)["message"]
    api.load(dict(blue_green(), v2_delete_conflict_status=400))
    error(api.delete(P + "/endpoints/ep_chat"), schemas, 400)
    empty = api.post(P + "/endpoints", json={"name": "empty"}).json()
    error(api.delete(P + "/endpoints/" + empty["id"], params={"etag": "stale"}), schemas, 409)
    assert ok(api.delete(P + "/endpoints/" + empty["id"], params={"etag": empty["etag"]}), schemas, "Empty") == {}
    error(api.get(P + "/endpoints/" + empty["id"]), schemas, 404)


# -- deployments ---------------------------------------------------------------------------------

def test_create_deployment_provisions_scales_and_becomes_ready(api, schemas):
    api.load({"timings": FAST, "v2_endpoints": [{"id": "ep_chat", "name": "chat"}]})
    body = {"name": "blue", "model": "meta-llama/Llama-3.3-70B-Instruct-Turbo", "autoscaling": {"minReplicas": 2, "maxReplicas": 3},
            "inactiveTimeout": 60, "maxConcurrentRequestsPerReplica": "8", "placement": {"inline": {"regions": ["us-central-4"]}}}
    created = ok(api.post(P + "/endpoints/ep_chat/deployments", json=body), schemas, "EndpointDeployment")
    assert created["status"] == {"state": "DEPLOYMENT_STATE_PROVISIONING", "message": "Scheduling replicas", "readyReplicas": 0,
                                 "scheduledReplicas": 0}
    assert created["name"] == "demo-project/chat/blue" and created["endpointId"] == "ep_chat" and created["projectId"] == "proj_demo"
    assert created["hardware"] == "1xnvidia-h100-80gb" and created["config"].endswith("/configs/" + created["configId"])
    assert wait_for_state(api, "ep_chat", created["id"], "DEPLOYMENT_STATE_READY") == ["PROVISIONING", "SCALING", "READY"]
    ready = ok(api.get(P + "/endpoints/ep_chat/deployments/" + created["id"]), schemas, "EndpointDeployment")
    assert ready["status"]["readyReplicas"] == 2 and ready["status"]["scheduledReplicas"] == 2 and ready["desiredReplicas"] == 2
    assert ready["status"]["message"] == "All replicas ready" and ready["estimatedEffectiveTrafficShare"] == 0.0  # not routed yet


def test_configs_for_a_model_fix_the_hardware_of_a_deployment(api, schemas):
    api.load({"v2_endpoints": [{"id": "ep_chat", "name": "chat"}]})
    configs = ok(api.get(P + "/configs", params={"referenceModel": model_path("meta-llama/Llama-3.3-70B-Instruct-Turbo")}), schemas,
                 "ConfigPage")["data"]
    h200 = [c for c in configs if {"key": "accelerator_type", "value": "nvidia-h200-141gb"} in c["selectors"]
            and {"key": "accelerator_count", "value": "8"} in c["selectors"]][0]
    assert ok(api.get(P + "/configs/" + h200["id"]), schemas, "Config")["id"] == h200["id"]
    for index, config in enumerate((h200["id"], "projects/proj_together/configs/" + h200["id"])):
        body = {"name": "d%d" % index, "model": LLAMA_70B, "config": config, "autoscaling": {"minReplicas": 1}}
        dep = ok(api.post(P + "/endpoints/ep_chat/deployments", json=body), schemas, "EndpointDeployment")
        assert dep["hardware"] == "8xnvidia-h200-141gb" and dep["configId"] == h200["id"]
        assert dep["autoscaling"] == {"minReplicas": 1, "maxReplicas": 1}  # maxReplicas defaults to minReplicas
    assert error(api.post(P + "/endpoints/ep_chat/deployments", json={"name": "c", "model": LLAMA_70B, "autoscaling": {"minReplicas": 1},
                                                                      "config": "cr_unknown"}), schemas, 400)["param"] == "config"
    assert error(api.get(P + "/configs"), schemas, 400)["param"] == "referenceModel"


def test_validate_only_creates_nothing(api, schemas):
    api.load({"v2_endpoints": [{"id": "ep_chat", "name": "chat"}]})
    body = {"name": "blue", "model": LLAMA_70B, "autoscaling": {"minReplicas": 1}}
    ok(api.post(P + "/endpoints/ep_chat/deployments?validateOnly=true", json=body), schemas, "EndpointDeployment")
    assert ok(api.get(P + "/endpoints/ep_chat/deployments"), schemas, "DeploymentPage")["data"] == []


@pytest.mark.parametrize("body, param", [
    ({"model": LLAMA_70B, "autoscaling": {"minReplicas": 1}}, "name"),
    ({"name": "x", "model": LLAMA_70B}, "autoscaling"),
    ({"name": "x", "autoscaling": {"minReplicas": 1}}, "model"),
    ({"name": "x", "model": LLAMA_70B, "autoscaling": {"minReplicas": 0, "maxReplicas": 2}}, "autoscaling.minReplicas"),
    ({"name": "x", "model": LLAMA_70B, "autoscaling": {"minReplicas": 3, "maxReplicas": 2}}, "autoscaling"),
    ({"name": "x", "model": LLAMA_70B, "autoscaling": {"minReplicas": 1}, "inactiveTimeout": 10}, "inactiveTimeout"),
    ({"name": "x", "model": LLAMA_70B, "autoscaling": {"minReplicas": 1}, "maxConcurrentRequestsPerReplica": 8}, "maxConcurrentRequestsPerReplica"),
    ({"name": "other-project/chat/x", "model": LLAMA_70B, "autoscaling": {"minReplicas": 1}}, "name"),
    ({"name": "blue", "model": LLAMA_70B, "autoscaling": {"minReplicas": 1}}, None),
])
def test_create_deployment_validation(api, schemas, body, param):
    api.load(blue_green())
    response = api.post(P + "/endpoints/ep_chat/deployments", json=body)
    if param is None:
        error(response, schemas, 409)  # "blue" exists
    else:
        assert error(response, schemas, 400)["param"] == param


def test_stop_with_zero_bounds_then_restart(api, schemas):
    api.load(blue_green())
    path = P + "/endpoints/ep_chat/deployments/dep_blue"
    stopping = ok(api.patch(path + "?updateMask=autoscaling", json={"autoscaling": {"minReplicas": 0, "maxReplicas": 0}}),
                  schemas, "EndpointDeployment")
    assert stopping["status"]["state"] == "DEPLOYMENT_STATE_STOPPING" and stopping["status"]["message"] == "Scaling down"
    assert wait_for_state(api, "ep_chat", "dep_blue", "DEPLOYMENT_STATE_STOPPED") == ["STOPPING", "STOPPED"]
    endpoint = api.get(P + "/endpoints/ep_chat").json()
    assert endpoint["trafficSplit"] == [{"deploymentId": "dep_blue", "weight": 1}]  # a stopped deployment keeps its weight
    ok(api.patch(path, params={"updateMask": "autoscaling"}, json={"autoscaling": {"minReplicas": 1, "maxReplicas": 2}}),
       schemas, "EndpointDeployment")
    assert wait_for_state(api, "ep_chat", "dep_blue", "DEPLOYMENT_STATE_READY") == ["PROVISIONING", "SCALING", "READY"]


def test_partial_bounds_keep_the_other_bound(api, schemas):
    api.load(blue_green())
    body = ok(api.patch(P + "/endpoints/ep_chat/deployments/dep_blue", json={"autoscaling": {"maxReplicas": 6}}), schemas, "EndpointDeployment")
    assert body["autoscaling"] == {"minReplicas": 2, "maxReplicas": 6}
    rescaled = ok(api.patch(P + "/endpoints/ep_chat/deployments/dep_blue", json={"autoscaling": {"minReplicas": 3}}), schemas, "EndpointDeployment")
    assert rescaled["status"]["state"] == "DEPLOYMENT_STATE_SCALING" and rescaled["autoscaling"] == {"minReplicas": 3, "maxReplicas": 6}


def test_deployment_etag_conflict_and_empty_update(api, schemas):
    api.load(blue_green())
    path = P + "/endpoints/ep_chat/deployments/dep_blue"
    error(api.patch(path, json={"etag": "stale", "autoscaling": {"maxReplicas": 5}}), schemas, 409)
    assert "no fields" in error(api.patch(path, json={}), schemas, 400)["message"]
    current = api.get(path).json()
    renamed = ok(api.patch(path, json={"etag": current["etag"], "name": "azure", "inactiveTimeout": 30}), schemas, "EndpointDeployment")
    assert renamed["name"] == "demo-project/chat/azure" and renamed["inactiveTimeout"] == 30 and renamed["etag"] != current["etag"]


def test_delete_deployment_must_be_stopped_and_unrouted(api, schemas):
    api.load(blue_green())
    blue = P + "/endpoints/ep_chat/deployments/dep_blue"
    assert "0/0" in error(api.delete(blue), schemas, 409)["message"]
    api.control("POST", "deployments/dep_blue/state", json={"state": "STOPPED"})
    assert "traffic" in error(api.delete(blue), schemas, 409)["message"]
    api.patch(P + "/endpoints/ep_chat?updateMask=trafficSplit", json={"trafficSplit": [{"deploymentId": "dep_blue", "weight": 0}]})
    assert ok(api.delete(blue), schemas, "Empty") == {}
    endpoint = ok(api.get(P + "/endpoints/ep_chat"), schemas, "Endpoint")
    assert endpoint["trafficSplit"] == [] and [d["id"] for d in endpoint["deployments"]] == ["dep_green"]


def test_list_deployments_filters_on_state_and_model(api, schemas):
    api.load(blue_green())
    api.control("POST", "deployments/dep_green/state", json={"state": "DEGRADED", "message": "Startup stalled: image pull"})
    page = ok(api.get(P + "/endpoints/ep_chat/deployments", params={"filter": 'state="DEPLOYMENT_STATE_DEGRADED"'}), schemas, "DeploymentPage")
    assert [(d["id"], d["status"]["message"]) for d in page["data"]] == [("dep_green", "Startup stalled: image pull")]
    by_model = ok(api.get(P + "/endpoints/ep_chat/deployments", params={"filter": 'model="projects/proj_demo/models/ml_abc"'}),
                  schemas, "DeploymentPage")
    assert [d["id"] for d in by_model["data"]] == ["dep_green"]


def test_degraded_and_failed_from_the_scenario_carry_their_messages(api, schemas):
    api.load(blue_green(state="DEGRADED", status_message="Cannot place replicas: insufficient GPU capacity",
                        transitions=[{"after": 0.1, "state": "FAILED", "message": "Timed out waiting for readiness"}]))
    degraded = ok(api.get(P + "/endpoints/ep_chat/deployments/dep_blue"), schemas, "EndpointDeployment")
    assert degraded["status"]["state"] == "DEPLOYMENT_STATE_DEGRADED"
    assert degraded["status"]["message"] == "Cannot place replicas: insufficient GPU capacity"
    assert degraded["status"]["scheduledReplicas"] < degraded["desiredReplicas"]
    assert wait_for_state(api, "ep_chat", "dep_blue", "DEPLOYMENT_STATE_FAILED")[-1] == "FAILED"
    assert api.get(P + "/endpoints/ep_chat/deployments/dep_blue").json()["status"]["message"] == "Timed out waiting for readiness"


def test_flapping_transitions_and_ready_replica_overrides(api):
    api.load(blue_green(state="READY", ready_replicas=1, transitions=[
        {"after": 0.2, "state": "DEGRADED", "ready_replicas": 0}, {"after": 0.6, "state": "READY"}]))
    first = api.get(P + "/endpoints/ep_chat/deployments/dep_blue").json()
    assert (first["status"]["state"], first["status"]["readyReplicas"], first["desiredReplicas"]) == ("DEPLOYMENT_STATE_READY", 1, 2)
    assert wait_for_state(api, "ep_chat", "dep_blue", "DEPLOYMENT_STATE_DEGRADED") == ["READY", "DEGRADED"]
    assert api.get(P + "/endpoints/ep_chat/deployments/dep_blue").json()["status"]["readyReplicas"] == 0
    assert wait_for_state(api, "ep_chat", "dep_blue", "DEPLOYMENT_STATE_READY") == ["DEGRADED", "READY"]


def test_omit_zero_fields_drops_zero_counts_of_a_stopped_deployment(api, schemas):
    api.load(blue_green(state="STOPPED", autoscaling={"min_replicas": 0, "max_replicas": 0}, omit_zero_fields=True))
    summary = [d for d in ok(api.get(P + "/endpoints/ep_chat"), schemas, "Endpoint")["deployments"] if d["id"] == "dep_blue"][0]
    assert summary["autoscaling"] == {} and "readyReplicas" not in summary and "desiredReplicas" not in summary
    full = ok(api.get(P + "/endpoints/ep_chat/deployments/dep_blue"), schemas, "EndpointDeployment")
    assert full["status"] == {"state": "DEPLOYMENT_STATE_STOPPED", "message": "Deployment stopped"}


def test_unknown_states_and_extra_fields_pass_through(api):
    api.load(blue_green(state="DEPLOYMENT_STATE_SOMETHING_NEW", fields={"runtimeInfo": {"engineType": "x"}, "futureField": 1}))
    body = api.get(P + "/endpoints/ep_chat/deployments/dep_blue").json()
    assert body["status"]["state"] == "DEPLOYMENT_STATE_SOMETHING_NEW" and body["futureField"] == 1
    summary = api.get(P + "/endpoints/ep_chat").json()["deployments"]
    assert {d["state"] for d in summary} == {"DEPLOYMENT_STATE_SOMETHING_NEW", "DEPLOYMENT_STATE_READY"}


def test_forcing_a_deployment_state_through_the_control_api(api, schemas):
    api.load(blue_green())
    body = {"state": "DEGRADED", "ready_replicas": 1, "then": [{"after": 0.05, "state": "READY"}]}
    forced = api.control("POST", "deployments/dep_blue/state", json=body)
    assert forced.status_code == 200 and forced.json()["status"]["readyReplicas"] == 1
    assert wait_for_state(api, "ep_chat", "dep_blue", "DEPLOYMENT_STATE_READY")[-1] == "READY"
    assert api.control("POST", "deployments/dep_nope/state", json={"state": "READY"}).status_code == 404


# -- error envelopes ---------------------------------------------------------------------------

def test_rpc_error_envelope_on_v2_routes_only(api, schemas):
    api.load(dict(blue_green(), v2_error_format="rpc"))
    for response, code in ((api.get(P + "/endpoints/ep_nope"), 5), (api.post(P + "/endpoints", json={}), 3),
                           (api.post(P + "/endpoints", json={"name": "chat"}), 6), (api.get("/v3/whoami", key="bad"), 7),
                           (api.patch(P + "/endpoints/ep_chat", json={"etag": "stale", "name": "x"}), 10)):
        body = response.json()
        schemas.v2_definition(body, "RpcError")
        assert body["code"] == code and body["details"][0]["detail"] == body["message"]
    schemas.v1_component(api.get("/v1/endpoints/nope").json(), "ErrorData")


def test_faults_on_a_v2_deployment_default_to_its_path(api):
    scenario = blue_green(faults=[{"kind": "status", "statuses": [503]}])
    api.load(scenario)
    assert api.get(P + "/endpoints/ep_chat").status_code == 200
    assert api.get(P + "/endpoints/ep_chat/deployments/dep_blue").status_code == 503
    assert api.get(P + "/endpoints/ep_chat/deployments/dep_blue").status_code == 200
