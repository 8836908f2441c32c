"""The outage monitor (GET/DELETE /_simulator/outages): when a v2 endpoint stops serving, what did it, and when it served again.

The simulator here runs on a fake clock the tests move by hand, so every time in an outage is exact.
"""

from test_v2_routes import P, blue_green

TIMINGS = {"provisioning": 1.0, "scaling": 1.0, "stopping": 1.0}
MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo"
EP = P + "/endpoints/ep_chat"


def scenario(**changes):
    data = blue_green()
    data["timings"] = TIMINGS
    data.update(changes)
    return data


def outages(sim):
    response = sim.control("GET", "outages")
    assert response.status_code == 200, response.text
    return response.json()


def ok(response):
    assert response.status_code == 200, response.text
    return response.json()


def split(sim, *entries):
    return ok(sim.patch(EP + "?updateMask=trafficSplit", json={"trafficSplit": [{"deploymentId": d, "weight": w} for d, w in entries]}))


def scale(sim, deployment_id, minimum, maximum):
    return ok(sim.patch(EP + "/deployments/%s?updateMask=autoscaling" % deployment_id,
                        json={"autoscaling": {"minReplicas": minimum, "maxReplicas": maximum}}))


def logged(sim, cause):
    """The request log entry a request cause points at."""
    entries = [entry for entry in sim.requests_log() if entry["index"] == cause["request_index"]]
    assert len(entries) == 1, (cause, sim.requests_log())
    return entries[0]


def test_a_split_moving_between_ready_deployments_is_no_outage(sim):
    sim.load(scenario())
    assert outages(sim) == {"outages": [], "serving": {"ep_chat": True}}
    split(sim, ("dep_blue", 1), ("dep_green", 1))
    sim.advance(5)
    split(sim, ("dep_green", 1))
    split(sim, ("dep_green", 1), ("dep_blue", 0))
    assert outages(sim) == {"outages": [], "serving": {"ep_chat": True}}


def test_routing_to_a_deployment_not_ready_is_an_outage_until_the_timeline_makes_it_ready(sim):
    sim.load(scenario())
    canary = ok(sim.post(EP + "/deployments", json={"name": "canary", "model": MODEL, "autoscaling": {"minReplicas": 1}}))
    sim.advance(0.5)
    split(sim, (canary["id"], 1))
    sim.advance(1.0)  # SCALING on its way up: no ready replica yet
    body = outages(sim)
    assert body["serving"] == {"ep_chat": False}
    [outage] = body["outages"]
    assert outage == {"endpoint_id": "ep_chat", "endpoint_name": "demo-project/chat", "started_at": 0.5, "ended_at": None,
                      "cause": {"kind": "request", "method": "PATCH", "path": EP, "request_index": outage["cause"]["request_index"]},
                      "ended_by": None}
    entry = logged(sim, outage["cause"])
    assert (entry["method"], entry["path"], entry["query"], entry["status"]) == ("PATCH", EP, {"updateMask": "trafficSplit"}, 200)
    sim.advance(10)  # READY 2 s after the create, long before this read: the time is the event's, not the read's
    body = outages(sim)
    assert body["serving"] == {"ep_chat": True}
    assert [(o["started_at"], o["ended_at"], o["ended_by"]) for o in body["outages"]] == [(0.5, 2.0, {"kind": "timeline"})]


def test_stopping_the_only_routed_deployment_is_an_outage_caused_by_that_patch(sim):
    sim.load(scenario())
    sim.advance(3)
    scale(sim, "dep_blue", 0, 0)
    sim.advance(5)
    [outage] = outages(sim)["outages"]
    assert (outage["started_at"], outage["ended_at"]) == (3.0, None)
    assert outage["cause"]["kind"] == "request" and outage["cause"]["method"] == "PATCH"
    assert outage["cause"]["path"] == EP + "/deployments/dep_blue"
    assert logged(sim, outage["cause"])["query"] == {"updateMask": "autoscaling"}
    # a restart ends it once the deployment is READY again (PROVISIONING 1 s, SCALING 1 s)
    scale(sim, "dep_blue", 1, 1)
    sim.advance(1.5)
    assert outages(sim)["outages"][0]["ended_at"] is None
    sim.advance(1)
    [outage] = outages(sim)["outages"]
    assert (outage["ended_at"], outage["ended_by"]) == (10.0, {"kind": "timeline"})


def test_a_state_forced_through_the_control_api_is_cause_control(sim):
    sim.load(scenario())
    sim.advance(1)
    forced = sim.control("POST", "deployments/dep_blue/state", json={"state": "FAILED", "then": [{"after": 4, "state": "READY"}]})
    assert forced.status_code == 200, forced.text
    sim.advance(10)
    [outage] = outages(sim)["outages"]
    assert outage["cause"] == {"kind": "control", "method": "POST", "path": "/_simulator/deployments/dep_blue/state",
                               "deployment_id": "dep_blue", "state": "DEPLOYMENT_STATE_FAILED"}
    assert (outage["started_at"], outage["ended_at"], outage["ended_by"]) == (1.0, 5.0, {"kind": "timeline"})


def test_a_new_endpoint_that_never_served_has_no_outage(sim):
    sim.load({"timings": TIMINGS})
    ok(sim.post(P + "/endpoints", json={"name": "fresh"}))
    endpoint_id = ok(sim.get(P + "/endpoints"))["data"][0]["id"]
    created = ok(sim.post(P + "/endpoints/%s/deployments" % endpoint_id, json={"name": "one", "model": MODEL,
                                                                               "autoscaling": {"minReplicas": 1}}))
    ok(sim.patch(P + "/endpoints/%s?updateMask=trafficSplit" % endpoint_id, json={"trafficSplit": [{"deploymentId": created["id"],
                                                                                                    "weight": 1}]}))
    assert outages(sim) == {"outages": [], "serving": {endpoint_id: False}}
    sim.advance(5)
    assert outages(sim) == {"outages": [], "serving": {endpoint_id: True}}


def test_deleting_an_endpoint_ends_its_outage(sim):
    sim.load(scenario())
    scale(sim, "dep_blue", 0, 0)
    scale(sim, "dep_green", 0, 0)
    sim.advance(2)
    ok(sim.patch(EP + "?updateMask=trafficSplit", json={"trafficSplit": []}))
    for deployment_id in ("dep_blue", "dep_green"):
        ok(sim.delete(EP + "/deployments/" + deployment_id))
    sim.advance(1)
    ok(sim.delete(EP))
    body = outages(sim)
    assert body["serving"] == {}
    [outage] = body["outages"]
    assert (outage["started_at"], outage["ended_at"]) == (0.0, 3.0)
    assert outage["ended_by"]["kind"] == "deleted" and outage["ended_by"]["method"] == "DELETE" and outage["ended_by"]["path"] == EP
    assert logged(sim, outage["ended_by"])["status"] == 200


def test_scaling_a_ready_deployment_keeps_its_running_replicas_serving(sim):
    sim.load(scenario())
    up = scale(sim, "dep_blue", 3, 4)
    assert up["status"]["state"] == "DEPLOYMENT_STATE_SCALING"
    assert (up["status"]["readyReplicas"], up["status"]["scheduledReplicas"], up["desiredReplicas"]) == (2, 3, 3)
    answer = sim.post("/inference/v1/chat/completions", json={"model": "demo-project/chat", "messages": [{"role": "user", "content": "hi"}]})
    assert answer.status_code == 200 and answer.headers["x-cluster"] == "blue"
    sim.advance(1.5)
    assert ok(sim.get(EP + "/deployments/dep_blue"))["status"]["readyReplicas"] == 3
    down = scale(sim, "dep_blue", 1, 1)
    assert (down["status"]["state"], down["status"]["message"], down["status"]["readyReplicas"]) == (
        "DEPLOYMENT_STATE_SCALING", "Scaling down", 1)
    sim.advance(5)
    assert outages(sim) == {"outages": [], "serving": {"ep_chat": True}}


def test_a_start_still_has_no_ready_replica_while_scaling(sim):
    sim.load(scenario())
    created = ok(sim.post(EP + "/deployments", json={"name": "canary", "model": MODEL, "autoscaling": {"minReplicas": 2}}))
    sim.advance(1.5)
    status = ok(sim.get(EP + "/deployments/" + created["id"]))["status"]
    assert (status["state"], status["readyReplicas"]) == ("DEPLOYMENT_STATE_SCALING", 0)


def test_time_scale_stretches_outages_and_events_between_reads_are_all_seen(sim):
    transitions = [{"after": 1, "state": "FAILED"}, {"after": 1.5, "state": "READY"}, {"after": 2, "state": "STOPPING"},
                   {"after": 3, "state": "READY"}]
    blue = {"state": "READY", "transitions": transitions}
    sim.load(scenario(time_scale=2.0, v2_endpoints=blue_green(**blue)["v2_endpoints"]))
    sim.advance(100)  # one read, long after all four transitions
    body = outages(sim)
    assert [(o["started_at"], o["ended_at"], o["cause"], o["ended_by"]) for o in body["outages"]] == [
        (2.0, 3.0, {"kind": "timeline"}, {"kind": "timeline"}), (4.0, 6.0, {"kind": "timeline"}, {"kind": "timeline"})]
    assert body["serving"] == {"ep_chat": True}


def test_clearing_keeps_the_serving_status_and_loading_a_scenario_resets(sim):
    sim.load(scenario())
    scale(sim, "dep_blue", 0, 0)
    assert len(outages(sim)["outages"]) == 1
    assert sim.control("DELETE", "outages").json() == {"cleared": 1}
    assert outages(sim) == {"outages": [], "serving": {"ep_chat": False}}
    scale(sim, "dep_blue", 1, 1)
    sim.advance(3)
    assert outages(sim) == {"outages": [], "serving": {"ep_chat": True}}  # the cleared outage is not ended again
    scale(sim, "dep_blue", 0, 0)
    assert len(outages(sim)["outages"]) == 1
    sim.load(scenario())
    assert outages(sim) == {"outages": [], "serving": {"ep_chat": True}}


def test_request_log_entries_carry_their_index(sim):
    sim.get(P + "/endpoints")
    sim.get(P + "/endpoints")
    first, second = sim.requests_log()
    assert isinstance(first["index"], int) and second["index"] == first["index"] + 1
