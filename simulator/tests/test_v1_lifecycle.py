"""The v1 state machine with tiny timings: create, stop, start, scripted transitions, failures, v1 retirement."""

import time

import pytest

FAST = {"pending": 0.1, "starting": 0.1, "stopping": 0.1}
ENDPOINT = {"id": "endpoint-lifecycle", "model": "m/m", "hardware": "1x_nvidia_h100_80gb_sxm"}


def state(api, endpoint_id):
    response = api.get("/v1/endpoints/" + endpoint_id)
    assert response.status_code == 200, response.text
    return response.json()["state"]


def wait_for(api, endpoint_id, wanted, timeout=3.0):
    """Poll like a client would; returns every state seen on the way."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = state(api, endpoint_id)
        if not seen or seen[-1] != current:
            seen.append(current)
        if current == wanted:
            return seen
        time.sleep(0.02)
    raise AssertionError("endpoint %s never reached %s; saw %s" % (endpoint_id, wanted, seen))


@pytest.mark.v1_writable
def test_create_goes_pending_starting_started(api):
    api.load({"timings": FAST})
    endpoint_id = api.post("/v1/endpoints", json={"model": "m/m", "hardware": "1x_nvidia_h100_80gb_sxm",
                                                  "autoscaling": {"min_replicas": 1, "max_replicas": 1}}).json()["id"]
    assert wait_for(api, endpoint_id, "STARTED") == ["PENDING", "STARTING", "STARTED"]


@pytest.mark.v1_writable
def test_stop_then_start_again(api):
    api.load({"timings": FAST, "endpoints": [ENDPOINT]})
    path = "/v1/endpoints/" + ENDPOINT["id"]
    assert api.patch(path, json={"state": "STOPPED"}).json()["state"] == "STOPPING"
    assert wait_for(api, ENDPOINT["id"], "STOPPED") == ["STOPPING", "STOPPED"]
    assert api.patch(path, json={"state": "STARTED"}).json()["state"] == "PENDING"
    assert wait_for(api, ENDPOINT["id"], "STARTED") == ["PENDING", "STARTING", "STARTED"]


def test_patching_the_current_state_is_a_no_op(api):
    api.load({"timings": FAST, "endpoints": [ENDPOINT]})
    assert api.patch("/v1/endpoints/" + ENDPOINT["id"], json={"state": "STARTED"}).json()["state"] == "STARTED"


def test_scenario_endpoint_in_a_transitional_state_moves_on_by_itself(api):
    api.load({"timings": FAST, "endpoints": [dict(ENDPOINT, state="STARTING"), dict(ENDPOINT, id="endpoint-b", state="STOPPING")]})
    assert (state(api, ENDPOINT["id"]), state(api, "endpoint-b")) == ("STARTING", "STOPPING")
    wait_for(api, ENDPOINT["id"], "STARTED")
    wait_for(api, "endpoint-b", "STOPPED")


def test_scripted_transitions_replace_the_automatic_lifecycle(api):
    api.load({"endpoints": [dict(ENDPOINT, state="STARTING", transitions=[{"after": 0.1, "state": "ERROR"},
                                                                          {"after": 0.2, "state": "STARTED"}])]})
    assert wait_for(api, ENDPOINT["id"], "STARTED") == ["STARTING", "ERROR", "STARTED"]


@pytest.mark.v1_writable
def test_fail_into_makes_a_start_end_in_error_or_failed(api):
    api.load({"timings": FAST, "endpoints": [dict(ENDPOINT, state="PENDING", fail_into="FAILED")], "fail_into": "ERROR"})
    assert wait_for(api, ENDPOINT["id"], "FAILED") == ["PENDING", "STARTING", "FAILED"]
    created = api.post("/v1/endpoints", json={"model": "m/m", "hardware": "1x_nvidia_h100_80gb_sxm",
                                              "autoscaling": {"min_replicas": 1, "max_replicas": 1}}).json()["id"]
    assert wait_for(api, created, "ERROR")[-1] == "ERROR"


@pytest.mark.v1_writable
def test_time_scale_multiplies_timings(api):
    api.load({"timings": {"pending": 10, "starting": 10}, "time_scale": 0.01})
    endpoint_id = api.post("/v1/endpoints", json={"model": "m/m", "hardware": "1x_nvidia_h100_80gb_sxm",
                                                  "autoscaling": {"min_replicas": 1, "max_replicas": 1}}).json()["id"]
    wait_for(api, endpoint_id, "STARTED", timeout=2)


def test_an_api_action_cancels_pending_scripted_transitions(api):
    api.load({"timings": FAST, "endpoints": [dict(ENDPOINT, transitions=[{"after": 0.3, "state": "ERROR"}])]})
    api.patch("/v1/endpoints/" + ENDPOINT["id"], json={"state": "STOPPED"})
    wait_for(api, ENDPOINT["id"], "STOPPED")
    time.sleep(0.35)
    assert state(api, ENDPOINT["id"]) == "STOPPED"


def test_control_api_forces_a_state_that_sticks(api):
    api.load({"timings": FAST, "endpoints": [ENDPOINT]})
    response = api.control("POST", "endpoints/%s/state" % ENDPOINT["id"], json={"state": "ERROR"})
    assert response.status_code == 200 and response.json()["state"] == "ERROR"
    time.sleep(0.15)
    assert state(api, ENDPOINT["id"]) == "ERROR"


def test_control_api_forced_state_can_schedule_what_follows(api):
    api.load({"endpoints": [ENDPOINT]})
    api.control("POST", "endpoints/%s/state" % ENDPOINT["id"], json={"state": "STARTING", "then": [{"after": 0.1, "state": "STARTED"}]})
    assert wait_for(api, ENDPOINT["id"], "STARTED") == ["STARTING", "STARTED"]


def test_v1_retired_refuses_create_and_restart_but_not_reads_stop_or_delete(api, schemas):
    api.load({"timings": FAST, "v1_retired": True, "endpoints": [ENDPOINT, dict(ENDPOINT, id="endpoint-stopped", state="STOPPED")]})
    create = api.post("/v1/endpoints", json={"model": "m/m", "hardware": "1x_nvidia_h100_80gb_sxm",
                                             "autoscaling": {"min_replicas": 1, "max_replicas": 1}})
    assert create.status_code == 403
    error = schemas.v1_response(create, "POST /endpoints")["error"]
    assert error["code"] == "endpoints_v1_create_access_disabled"
    restart = api.patch("/v1/endpoints/endpoint-stopped", json={"state": "STARTED"})
    assert restart.status_code == 403
    assert schemas.v1_response(restart, "PATCH /endpoints/{endpointId}")["error"]["code"] == "endpoints_v1_create_access_disabled"
    assert state(api, "endpoint-stopped") == "STOPPED"
    assert api.patch("/v1/endpoints/" + ENDPOINT["id"], json={"state": "STARTED"}).status_code == 200  # already running
    assert api.patch("/v1/endpoints/" + ENDPOINT["id"], json={"state": "STOPPED"}).status_code == 200
    assert api.get("/v1/endpoints").status_code == 200
    assert api.delete("/v1/endpoints/endpoint-stopped").status_code == 204
