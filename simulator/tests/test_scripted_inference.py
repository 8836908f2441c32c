"""Scripted inference per deployment (latency, error rate) changed mid-run, and the record of each endpoint's split.

POST /_simulator/deployments/{id}/inference (and /_simulator/endpoints/{v1 id}/inference) change how a resource answers
chat completions from the next request on; GET /_simulator/endpoints/{id}/splits lists every change of a v2 endpoint's
traffic split with its time and the request that made it. The split tests run on the fake clock of conftest's sim fixture, as test_outages does.
"""

import time

import pytest

from test_inference import API_HOST, V1_ID, V1_NAME, answered, ask, refused, v1_scenario
from test_outages import EP, logged, scenario, split
from test_v2_routes import P, blue_green


def script(api, deployment_id, **settings):
    response = api.control("POST", "deployments/%s/inference" % deployment_id, json=settings)
    assert response.status_code == 200, response.text
    return response.json()


def test_an_error_rate_of_one_half_fails_every_second_request_of_that_deployment_only(api, schemas):
    api.load(blue_green())
    body = script(api, "dep_green", error_rate=0.5)
    assert (body["id"], body["name"], body["error_rate"], body["effective_error_status"]) == (
        "dep_green", "demo-project/chat/green", 0.5, 503)
    statuses = [ask(api, "demo-project/chat/green").status_code for _attempt in range(6)]
    assert statuses == [200, 503, 200, 503, 200, 503]
    assert [ask(api, "demo-project/chat/blue").status_code for _attempt in range(3)] == [200, 200, 200]
    assert [ask(api, "demo-project/chat").status_code for _attempt in range(3)] == [200, 200, 200]  # the split routes to blue


def test_a_scripted_error_is_the_api_error_envelope_with_the_deployment_named(api, schemas):
    api.load(blue_green())
    script(api, "dep_blue", error_rate=1, error_status=504)
    response = ask(api, "demo-project/chat")  # routed, not pinned: the deployment the split picks errs
    body = refused(schemas, response, 504, "timeout")
    assert body["error"]["type"] == "server_error" and body["id"].startswith("o")
    assert "demo-project/chat/blue" in body["error"]["message"]
    assert response.headers["x-cluster"] == "blue"
    refused(schemas, ask(api, "demo-project/chat/blue"), 504, "timeout")


def test_an_error_rate_of_one_fifth_fails_every_fifth_request_through_the_split(api, schemas):
    scenario_data = blue_green()
    scenario_data["v2_endpoints"][0]["deployments"][0]["inference_error_rate"] = 0.2  # from the scenario, not the control API
    api.load(scenario_data)
    statuses = [ask(api, "demo-project/chat").status_code for _attempt in range(10)]
    assert statuses == [200, 200, 200, 200, 503] * 2


def test_latency_changed_mid_run_applies_from_the_next_request_and_null_returns_to_the_scenario(api, schemas):
    api.load(dict(blue_green(), inference_latency=0.0))
    started = time.monotonic()
    answered(api, schemas, ask(api, "demo-project/chat/green"))
    assert time.monotonic() - started < 0.3
    body = script(api, "dep_green", latency=0.4)
    assert (body["latency"], body["effective_latency"]) == (0.4, 0.4)
    started = time.monotonic()
    answered(api, schemas, ask(api, "demo-project/chat/green"))
    assert time.monotonic() - started >= 0.4
    body = script(api, "dep_green", latency=None)
    assert (body["latency"], body["effective_latency"], body["error_rate"]) == (None, 0.0, None)
    started = time.monotonic()
    answered(api, schemas, ask(api, "demo-project/chat/green"))
    assert time.monotonic() - started < 0.3
    assert api.control("GET", "deployments/dep_green/inference").json()["latency"] is None


def test_a_v1_endpoint_is_scripted_by_its_id(api, schemas):
    api.load(v1_scenario())
    response = api.control("POST", "endpoints/%s/inference" % V1_ID, json={"error_rate": 1, "error_status": 500})
    assert response.status_code == 200 and response.json()["name"] == V1_NAME, response.text
    response = ask(api, V1_NAME, API_HOST)
    assert response.status_code == 500 and response.json()["error"]["code"] == "internal_server_error", response.text


@pytest.mark.parametrize("path, body, status, param", [
    ("deployments/dep_green/inference", {"error_rate": 1.5}, 400, "error_rate"),
    ("deployments/dep_green/inference", {"error_rate": True}, 400, "error_rate"),
    ("deployments/dep_green/inference", {"latency": -1}, 400, "latency"),
    ("deployments/dep_green/inference", {"error_status": 418}, 400, "error_status"),
    ("deployments/dep_green/inference", {"latencyy": 1}, 400, "latencyy"),
    ("deployments/dep_nope/inference", {"latency": 1}, 404, None),
    ("endpoints/ep_chat/inference", {"latency": 1}, 400, "endpointId"),
])
def test_bad_inference_scripts_are_refused_and_change_nothing(api, path, body, status, param):
    api.load(blue_green())
    response = api.control("POST", path, json=body)
    assert response.status_code == status, response.text
    assert response.json()["error"]["param"] == param
    current = api.control("GET", "deployments/dep_green/inference").json()
    assert (current["latency"], current["error_rate"], current["error_status"]) == (None, None, None)


@pytest.mark.parametrize("scenario_data, key", [
    ({"inference_error_rate": 2}, "inference_error_rate"),
    ({"inference_error_status": 404}, "inference_error_status"),
    ({"endpoints": [{"model": "m", "hardware": "h", "inference_error_rate": -0.1}]}, "endpoints[0].inference_error_rate"),
])
def test_bad_error_rate_keys_in_a_scenario_are_refused_by_name(api, scenario_data, key):
    response = api.control("POST", "scenario", json=scenario_data)
    assert response.status_code == 400 and key in response.json()["error"]["message"], response.text


# -- the split log ------------------------------------------------------------------------------------------


def splits(sim, key="ep_chat"):
    response = sim.control("GET", "endpoints/%s/splits" % key)
    assert response.status_code == 200, response.text
    return response.json()


def weights(entry):
    return [(item["deployment"], item["weight"], item["percent"]) for item in entry["traffic_split"]]


def test_every_split_change_is_recorded_with_its_time_and_request_and_no_change_is_not(sim):
    sim.load(scenario())
    sim.advance(2)
    split(sim, ("dep_blue", 9), ("dep_green", 1))
    sim.advance(1.5)
    split(sim, ("dep_green", 1), ("dep_blue", 9))  # the same weights reordered: no change
    sim.advance(1)
    split(sim, ("dep_blue", 0), ("dep_green", 1))
    body = splits(sim)
    assert (body["endpoint_id"], body["endpoint_name"]) == ("ep_chat", "demo-project/chat")
    assert [(entry["at"], weights(entry)) for entry in body["splits"]] == [
        (0.0, [("blue", 1, 100.0)]),
        (2.0, [("blue", 9, 90.0), ("green", 1, 10.0)]),
        (4.5, [("blue", 0, 0.0), ("green", 1, 100.0)]),
    ]
    assert body["splits"][0]["cause"] == {"kind": "scenario"}
    cause = body["splits"][2]["cause"]
    assert (cause["kind"], cause["method"], cause["path"]) == ("request", "PATCH", EP)
    assert logged(sim, cause)["query"] == {"updateMask": "trafficSplit"}
    assert splits(sim, "chat") == splits(sim, "demo-project%2Fchat") == body  # by name too (qualified: one encoded segment)


def test_a_refused_split_and_other_writes_leave_no_entry_but_a_deleted_deployment_does(sim):
    sim.load(scenario())
    refused_write = sim.patch(EP + "?updateMask=trafficSplit", json={"trafficSplit": [{"deploymentId": "dep_nope", "weight": 1}]})
    assert refused_write.status_code == 400
    sim.patch(EP + "/deployments/dep_green?updateMask=autoscaling", json={"autoscaling": {"minReplicas": 2, "maxReplicas": 2}})
    assert len(splits(sim)["splits"]) == 1
    split(sim, ("dep_blue", 1), ("dep_green", 0))
    sim.patch(EP + "/deployments/dep_green?updateMask=autoscaling", json={"autoscaling": {"minReplicas": 0, "maxReplicas": 0}})
    sim.advance(5)
    assert sim.delete(EP + "/deployments/dep_green").status_code == 200
    entries = splits(sim)["splits"]
    assert [weights(entry) for entry in entries] == [
        [("blue", 1, 100.0)], [("blue", 1, 100.0), ("green", 0, 0.0)], [("blue", 1, 100.0)]]
    assert (entries[-1]["cause"]["method"], entries[-1]["cause"]["path"]) == ("DELETE", EP + "/deployments/dep_green")


def test_an_endpoint_created_by_request_has_its_log_from_its_creation_and_an_unknown_one_is_404(sim):
    sim.load(scenario())
    created = sim.post(P + "/endpoints", json={"name": "fresh"})
    assert created.status_code == 200, created.text
    body = splits(sim, created.json()["id"])
    assert [(entry["traffic_split"], entry["cause"]["method"]) for entry in body["splits"]] == [([], "POST")]
    assert sim.control("GET", "endpoints/ep_nope/splits").status_code == 404
    sim.load(scenario())  # a new scenario starts a new log
    assert sim.control("GET", "endpoints/%s/splits" % created.json()["id"]).status_code == 404
