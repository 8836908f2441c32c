"""The /_simulator/ control API and scenario files (including every scenario shipped in simulator/scenarios/)."""

import json
import pathlib

import pytest

from together_simulator.control import shutdown
from together_simulator.scenario import ScenarioError, load_scenario_file, normalize_scenario
from together_simulator.simulation import Simulation

SCENARIO_DIR = pathlib.Path(__file__).resolve().parents[1] / "scenarios"


def test_health_needs_no_auth(api):
    body = api.control("GET", "health").json()
    assert body["status"] == "ok" and body["auth_error_status"] == 403 and body["v1_retired"] is True


@pytest.mark.v1_writable
def test_loading_a_scenario_replaces_all_state(api):
    api.post("/v1/endpoints", json={"model": "m", "hardware": "1x_nvidia_l40", "autoscaling": {"min_replicas": 1, "max_replicas": 1}})
    api.load({"endpoints": [{"id": "endpoint-only", "model": "m", "hardware": "1x_nvidia_l40"}], "serverless_endpoints": []})
    assert [item["id"] for item in api.get("/v1/endpoints").json()["data"]] == ["endpoint-only"]


def test_a_bad_scenario_is_400_and_changes_nothing(api):
    api.load({"endpoints": [{"id": "endpoint-keep", "model": "m", "hardware": "1x_nvidia_l40"}]})
    response = api.control("POST", "scenario", json={"endpoints": [{"model": "m"}]})
    assert response.status_code == 400
    assert "endpoints[0].hardware" in response.json()["error"]["message"]
    assert api.get("/v1/endpoints/endpoint-keep").status_code == 200


def test_request_log_can_be_cleared(api):
    api.get("/v1/hardware")
    assert api.control("DELETE", "requests").json() == {"cleared": 1}
    assert api.requests_log() == []


def test_control_routes_are_not_in_the_request_log(api):
    api.control("GET", "health")
    assert api.requests_log() == []


def test_forcing_an_unknown_endpoint_or_a_bad_state_fails_clearly(api):
    assert api.control("POST", "endpoints/endpoint-none/state", json={"state": "ERROR"}).status_code == 404
    api.load({"endpoints": [{"id": "endpoint-a", "model": "m", "hardware": "1x_nvidia_l40"}]})
    response = api.control("POST", "endpoints/endpoint-a/state", json={"state": "BROKEN"})
    assert response.status_code == 400 and "state must be one of" in response.json()["error"]["message"]


def test_unknown_control_route_is_404(api):
    assert api.control("GET", "nothing").status_code == 404


def test_shutdown_hook_is_called(api):
    calls = []
    simulation = Simulation()
    simulation.on_shutdown = lambda: calls.append("stop")
    response = shutdown(simulation, None)
    assert response.status == 200 and calls == []  # not before the answer is sent
    response.after_send()
    assert calls == ["stop"]


@pytest.mark.parametrize("data, message", [
    ({"endpoint": []}, "unknown key(s) endpoint"),
    ({"timings": {"pendng": 1}}, "timings: unknown key(s) pendng"),
    ({"endpoints": [{"model": "m", "hardware": "h", "state": "RUNNING"}]}, "endpoints[0].state must be one of"),
    ({"endpoints": [{"model": "m", "hardware": "h", "autoscaling": {"min_replicas": 3, "max_replicas": 1}}]}, "cannot be greater"),
    ({"endpoints": [{"model": "m", "hardware": "h", "transitions": [{"after": -1, "state": "STARTED"}]}]}, "transitions[0].after"),
    ({"auth_error_status": 500}, "auth_error_status must be one of 401, 403"),
    ({"faults": [{"path": "/v1", "kind": "status"}]}, "faults[0]: a status fault needs statuses"),
    ({"v2_endpoints": [{"name": "x", "deployments": [{"name": "d", "model": "m", "state": "HAPPY"}]}]},
     "v2_endpoints[0].deployments[0].state must be one of"),
    ({"whoami_type": "user_jwt"}, "whoami_type must be one of"),
])
def test_scenario_mistakes_name_the_offending_key(data, message):
    with pytest.raises(ScenarioError) as error:
        normalize_scenario(data)
    assert message in str(error.value)


@pytest.mark.parametrize("data, message", [
    ({"endpoints": [{"id": "endpoint-a", "model": "m", "hardware": "h"}] * 2}, "id 'endpoint-a' appears twice"),
    ({"v2_endpoints": [{"name": "chat"}, {"name": "demo-project/chat"}]}, "endpoint 'chat'"),
    ({"v2_endpoints": [{"name": "chat", "deployments": [{"name": "a", "model": "m"}] * 2}]}, "deployment 'a'"),
    ({"v2_endpoints": [{"name": "chat", "traffic_split": [{"deployment": "nope"}]}]}, "unknown deployment 'nope'"),
    ({"v2_endpoints": [{"name": "Not A Name"}]}, "lowercase"),
])
def test_scenario_contradictions_are_refused(data, message):
    with pytest.raises(ScenarioError) as error:
        Simulation(normalize_scenario(data))
    assert message in str(error.value)


def test_scenario_files_load_as_yaml_or_json(tmp_path):
    scenario = {"owner": "alice", "endpoints": [{"model": "m", "hardware": "1x_nvidia_l40"}]}
    (tmp_path / "s.json").write_text(json.dumps(scenario))
    (tmp_path / "s.yml").write_text("owner: alice\nendpoints:\n  - model: m\n    hardware: 1x_nvidia_l40\n")
    for name in ("s.json", "s.yml"):
        loaded = load_scenario_file(str(tmp_path / name))
        assert loaded["owner"] == "alice" and loaded["endpoints"][0]["model"] == "m"


def test_an_empty_scenario_file_is_the_default_scenario(tmp_path):
    (tmp_path / "empty.yml").write_text("")
    assert load_scenario_file(str(tmp_path / "empty.yml")) == normalize_scenario({})


@pytest.mark.parametrize("path", sorted(SCENARIO_DIR.glob("*.y*ml")) + sorted(SCENARIO_DIR.glob("*.json")), ids=lambda p: p.name)
def test_shipped_scenarios_load(path):
    Simulation(load_scenario_file(str(path)))
