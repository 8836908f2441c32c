"""v2 writes the management module relies on: validateOnly, capacity refusals, scripted failures, etags, ordering rules."""

import pytest

from test_v2_routes import FAST, P, blue_green, error, model_path, ok, wait_for_state

MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo"


def create(api, endpoint_id, name, minimum, maximum=None, **extra):
    body = dict({"name": name, "model": MODEL, "autoscaling": {"minReplicas": minimum, "maxReplicas": maximum or minimum}}, **extra)
    return api.post("%s/endpoints/%s/deployments" % (P, endpoint_id), json=body)


def test_validate_only_endpoint_create_checks_and_stores_nothing(api, schemas):
    api.load(blue_green())
    body = ok(api.post(P + "/endpoints?validateOnly=true", json={"name": "fresh", "visibility": "VISIBILITY_INTERNAL"}),
              schemas, "Endpoint")
    assert body["name"] == "demo-project/fresh" and body["visibility"] == "VISIBILITY_INTERNAL" and body["deployments"] == []
    listed = api.get(P + "/endpoints").json()["data"]
    assert [item["name"] for item in listed] == ["demo-project/chat"]
    # the same refusals as a real create
    assert "already exists" in error(api.post(P + "/endpoints?validateOnly=true", json={"name": "chat"}), schemas, 409)["message"]
    assert error(api.post(P + "/endpoints?validateOnly=true", json={"name": "Bad Name"}), schemas, 400)["param"] == "name"
    assert error(api.post(P + "/endpoints?validateOnly=maybe", json={"name": "x"}), schemas, 400)["param"] == "validateOnly"


def test_capacity_refuses_a_create_beyond_it_and_counts_running_deployments(api, schemas):
    api.load({"timings": FAST, "v2_capacity": {"1xnvidia-h100-80gb": 3}, "v2_endpoints": [{"id": "ep_a", "name": "a"}]})
    ok(create(api, "ep_a", "one", 2), schemas, "EndpointDeployment")
    refused = error(create(api, "ep_a", "two", 2), schemas, 400)
    assert refused["message"] == ("Cannot place replicas: insufficient GPU capacity for 1xnvidia-h100-80gb "
                                  "(2 replica(s) requested, 1 available)")
    assert refused["code"] == "insufficient_capacity" and refused["param"] == "autoscaling.minReplicas"
    # validateOnly refuses the same way; a stopped (0/0) deployment needs no capacity; other hardware is unlimited
    error(api.post(P + "/endpoints/ep_a/deployments?validateOnly=true",
                   json={"name": "two", "model": MODEL, "autoscaling": {"minReplicas": 2}}), schemas, 400)
    ok(create(api, "ep_a", "parked", 0), schemas, "EndpointDeployment")
    h200 = api.get(P + "/configs", params={"referenceModel": model_path(MODEL)}).json()["data"]
    h200 = [c["id"] for c in h200 if {"key": "accelerator_type", "value": "nvidia-h200-141gb"} in c["selectors"]][0]
    ok(create(api, "ep_a", "elsewhere", 5, config=h200), schemas, "EndpointDeployment")
    assert [d["name"] for d in api.get(P + "/endpoints/ep_a/deployments").json()["data"]] == [
        "demo-project/a/one", "demo-project/a/parked", "demo-project/a/elsewhere"]


def test_capacity_refuses_a_restart_or_scale_up_and_changes_nothing(api, schemas):
    api.load({"timings": FAST, "v2_capacity": {"1xnvidia-h100-80gb": 2}, "v2_endpoints": [{"id": "ep_a", "name": "a"}]})
    first = ok(create(api, "ep_a", "one", 1), schemas, "EndpointDeployment")
    parked = ok(create(api, "ep_a", "parked", 0), schemas, "EndpointDeployment")
    path = P + "/endpoints/ep_a/deployments/"
    error(api.patch(path + parked["id"] + "?updateMask=autoscaling", json={"autoscaling": {"minReplicas": 2, "maxReplicas": 2}}),
          schemas, 400)
    unchanged = api.get(path + parked["id"]).json()
    assert unchanged["etag"] == parked["etag"] and unchanged["status"]["state"] == "DEPLOYMENT_STATE_STOPPED"
    error(api.patch(path + first["id"] + "?updateMask=autoscaling", json={"autoscaling": {"minReplicas": 3, "maxReplicas": 3}}),
          schemas, 400)
    # scaling the running one within capacity is fine, and stopping it frees its replicas for the other
    ok(api.patch(path + first["id"] + "?updateMask=autoscaling", json={"autoscaling": {"minReplicas": 2, "maxReplicas": 2}}),
       schemas, "EndpointDeployment")
    ok(api.patch(path + first["id"] + "?updateMask=autoscaling", json={"autoscaling": {"minReplicas": 0, "maxReplicas": 0}}),
       schemas, "EndpointDeployment")
    wait_for_state(api, "ep_a", first["id"], "DEPLOYMENT_STATE_STOPPED")
    ok(api.patch(path + parked["id"] + "?updateMask=autoscaling", json={"autoscaling": {"minReplicas": 2, "maxReplicas": 2}}),
       schemas, "EndpointDeployment")
    assert wait_for_state(api, "ep_a", parked["id"], "DEPLOYMENT_STATE_READY") == ["PROVISIONING", "SCALING", "READY"]


def test_capacity_in_degrade_mode_leaves_the_deployment_degraded(api, schemas):
    api.load({"timings": FAST, "v2_capacity": {"1xnvidia-h100-80gb": 1}, "v2_capacity_mode": "degrade",
              "v2_endpoints": [{"id": "ep_a", "name": "a"}]})
    created = ok(create(api, "ep_a", "big", 3), schemas, "EndpointDeployment")
    assert wait_for_state(api, "ep_a", created["id"], "DEPLOYMENT_STATE_DEGRADED") == ["PROVISIONING", "DEGRADED"]
    body = ok(api.get(P + "/endpoints/ep_a/deployments/" + created["id"]), schemas, "EndpointDeployment")
    assert body["status"]["message"] == "Cannot place replicas: insufficient GPU capacity"
    assert body["status"]["readyReplicas"] == 1 and body["desiredReplicas"] == 3


@pytest.mark.parametrize("fail_into, message, ready", [
    ("FAILED", "Timed out waiting for readiness", 0),
    ("DEGRADED", "Startup stalled: replicas did not become ready", 0),
])
def test_v2_fail_into_scripts_how_starts_end(api, schemas, fail_into, message, ready):
    api.load({"timings": FAST, "v2_fail_into": fail_into, "v2_endpoints": [{"id": "ep_a", "name": "a"}]})
    created = ok(create(api, "ep_a", "one", 1), schemas, "EndpointDeployment")
    final = "DEPLOYMENT_STATE_" + fail_into
    assert wait_for_state(api, "ep_a", created["id"], final) == ["PROVISIONING", "SCALING", fail_into]
    status = api.get(P + "/endpoints/ep_a/deployments/" + created["id"]).json()["status"]
    assert status["message"] == message and status["readyReplicas"] == ready


@pytest.mark.parametrize("scenario, key", [
    ({"v2_capacity": {"9xnvidia-zz": 1}}, "v2_capacity"),
    ({"v2_capacity": {"1xnvidia-h100-80gb": -1}}, "v2_capacity.1xnvidia-h100-80gb"),
    ({"v2_capacity_mode": "queue"}, "v2_capacity_mode"),
    ({"v2_fail_into": "ERROR"}, "v2_fail_into"),
])
def test_bad_write_scenario_keys_are_refused_by_name(api, scenario, key):
    response = api.control("POST", "scenario", json=scenario)
    assert response.status_code == 400 and key in response.json()["error"]["message"]


def test_blue_green_lifecycle_with_etags(api, schemas):
    """The module's order: create green, wait READY, shift the split with the endpoint etag, stop blue, unroute, delete."""
    api.load(blue_green())
    endpoint = api.get(P + "/endpoints/ep_chat").json()
    split = [{"deploymentId": "dep_blue", "weight": 1}, {"deploymentId": "dep_green", "weight": 3}]
    shifted = ok(api.patch(P + "/endpoints/ep_chat", params={"updateMask": "trafficSplit"},
                           json={"etag": endpoint["etag"], "trafficSplit": split}), schemas, "Endpoint")
    shares = {d["id"]: d["estimatedEffectiveTrafficShare"] for d in shifted["deployments"]}
    assert shares == {"dep_blue": 2 / 5, "dep_green": 3 / 5}  # weight x readyReplicas: 1x2 and 3x1
    # the etag read before the change is stale now: 409, and nothing changed
    stale = error(api.patch(P + "/endpoints/ep_chat", params={"updateMask": "trafficSplit"},
                            json={"etag": endpoint["etag"], "trafficSplit": []}), schemas, 409)
    assert stale["code"] == "etag_mismatch" and "re-read" in stale["message"]
    assert len(api.get(P + "/endpoints/ep_chat").json()["trafficSplit"]) == 2
    blue = P + "/endpoints/ep_chat/deployments/dep_blue"
    stop = {"etag": api.get(blue).json()["etag"], "autoscaling": {"minReplicas": 0, "maxReplicas": 0}}
    ok(api.patch(blue + "?updateMask=autoscaling", json=stop), schemas, "EndpointDeployment")
    wait_for_state(api, "ep_chat", "dep_blue", "DEPLOYMENT_STATE_STOPPED")
    current = api.get(P + "/endpoints/ep_chat").json()
    ok(api.patch(P + "/endpoints/ep_chat?updateMask=trafficSplit",
                 json={"etag": current["etag"], "trafficSplit": [{"deploymentId": "dep_green", "weight": 1}]}), schemas, "Endpoint")
    assert ok(api.delete(blue, params={"etag": api.get(blue).json()["etag"]}), schemas, "Empty") == {}
    assert [d["id"] for d in api.get(P + "/endpoints/ep_chat").json()["deployments"]] == ["dep_green"]


def test_delete_endpoint_is_refused_while_a_deployment_exists_even_stopped_and_unrouted(api, schemas):
    old = {"name": "old", "id": "dep_old", "model": MODEL, "state": "STOPPED"}
    api.load({"v2_endpoints": [{"id": "ep_a", "name": "a", "deployments": [old]}]})
    refused = error(api.delete(P + "/endpoints/ep_a"), schemas, 409)
    assert refused["message"].startswith("Endpoint deletion blocked by child deployments") and refused["code"] == "failed_precondition"
    ok(api.delete(P + "/endpoints/ep_a/deployments/dep_old"), schemas, "Empty")
    ok(api.delete(P + "/endpoints/ep_a"), schemas, "Empty")
