"""The official together 3.1.1 SDK and CLI (v2 only) against the simulator's v2 routes."""

import json
import os
import pathlib
import subprocess

import pytest
from together_simulator.catalog import V2_INSTANCE_TYPES

pytestmark = pytest.mark.reference_v2
SCRIPT = pathlib.Path(__file__).with_name("reference_v2_sdk_script.py")
FAST = {"provisioning": 0.05, "scaling": 0.05, "stopping": 0.05}


def in_order(seen, lifecycle):
    """The states a poller saw end in the final state and follow the lifecycle's order (fast steps may be missed)."""
    return bool(seen) and seen[-1] == lifecycle[-1] and seen == [state for state in lifecycle if state in seen]


def client_env(api, tmp_path, **extra):
    env = dict(os.environ, TOGETHER_API_KEY="sim-key", TOGETHER_BASE_URL=api.root, TOGETHER_TELEMETRY_DISABLED="1",
               TOGETHER_DISABLE_VERSION_CHECK="1", HOME=str(tmp_path), NO_COLOR="1", COLUMNS="200")
    env.pop("TOGETHER_PROJECT_ID", None)
    env.update(extra)
    return env


def test_sdk_lifecycle(api, together_v2_venv, tmp_path):
    api.load({"timings": FAST})
    result = subprocess.run([str(together_v2_venv / "bin" / "python"), str(SCRIPT), api.root, "proj_demo"], capture_output=True, text=True,
                            env=client_env(api, tmp_path), timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["whoami"] == ["project_api_key", "proj_demo"]
    assert "1xnvidia-h100-80gb" in out["hardware"]
    endpoint_id, name, endpoint_type, deployments, split = out["created_endpoint"]
    assert endpoint_id.startswith("ep_") and name == "demo-project/sdk-chat" and endpoint_type == "ENDPOINT_TYPE_DEDICATED"
    assert deployments == [] and split == []
    assert out["listed_names"] == ["demo-project/sdk-chat", "demo-project/sdk-a", "demo-project/sdk-b", "demo-project/sdk-c"]
    assert out["filtered"] == [endpoint_id]
    assert out["duplicate_status"] == 409
    assert out["deployment_created"] == ["DEPLOYMENT_STATE_PROVISIONING", "1xnvidia-h100-80gb", "demo-project/sdk-chat/blue"]
    assert in_order(out["start_states"], ["DEPLOYMENT_STATE_PROVISIONING", "DEPLOYMENT_STATE_SCALING", "DEPLOYMENT_STATE_READY"])
    assert out["routed"][0] == "DEPLOYMENT_STATE_READY" and out["routed"][1:3] == [1, 1.0]
    assert out["stale_etag_status"] == 409
    assert out["chat"] == ["blue", "demo-project/sdk-chat", "length", 1]
    assert out["catalog"] == [["meta-llama/Llama-3.1-8B-Instruct"], len(V2_INSTANCE_TYPES)]
    assert out["validate_only"] == ["demo-project/sdk-chat/checked", ["demo-project/sdk-chat/blue"]]
    assert in_order(out["stop_states"], ["DEPLOYMENT_STATE_STOPPING", "DEPLOYMENT_STATE_STOPPED"])
    assert out["delete_routed_status"] == 409
    assert out["deleted_deployment"] == {} and out["deleted_endpoint"] == {}
    assert out["gone_status"] == 404
    paths = [entry["path"] for entry in api.requests_log()]
    assert "/v3/whoami" in paths and all(path.startswith(("/v2/", "/v3/", "/inference/v1/")) for path in paths)
    assert "/inference/v1/chat/completions" in paths


def test_cli_resolves_the_project_with_whoami_then_shows_and_stops(api, together_v2_venv, tmp_path):
    api.load({"timings": FAST, "v2_endpoints": [{"id": "ep_chat", "name": "chat", "traffic_split": [{"deployment": "blue", "weight": 1}],
                                                 "deployments": [{"id": "dep_blue", "name": "blue", "model": "meta-llama/Llama-3.3-70B-Instruct-Turbo",
                                                                  "state": "READY", "autoscaling": {"min_replicas": 1, "max_replicas": 2}}]}]})
    together = str(together_v2_venv / "bin" / "together")
    env = client_env(api, tmp_path)

    # Each CLI start costs a second or more of CPU, so two commands cover the most: a rendered (not --json) get, which
    # parses every field of the endpoint, and an update, which lists endpoints to find the deployment's parent.
    shown = subprocess.run([together, "endpoints", "get", "ep_chat"], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "demo-project/chat" in shown.stdout and "blue" in shown.stdout

    stopped = subprocess.run([together, "--json", "endpoints", "update", "dep_blue", "--min-replicas", "0", "--max-replicas", "0"],
                             capture_output=True, text=True, env=env, timeout=120, check=False)
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    log = [(entry["method"], entry["path"], entry["query"]) for entry in api.requests_log()]
    assert ("GET", "/v3/whoami", {}) in log and ("GET", "/v2/projects/proj_demo/endpoints", {}) in log
    assert ("GET", "/v2/projects/proj_demo/endpoints/ep_chat/shadowExperiments", {"includeTargets": "true"}) in log
    assert ("PATCH", "/v2/projects/proj_demo/endpoints/ep_chat/deployments/dep_blue", {"updateMask": "autoscaling"}) in log
    deployment = api.get("/v2/projects/proj_demo/endpoints/ep_chat/deployments/dep_blue").json()
    assert deployment["autoscaling"] == {"minReplicas": 0, "maxReplicas": 0}
    assert deployment["status"]["state"] in ("DEPLOYMENT_STATE_STOPPING", "DEPLOYMENT_STATE_STOPPED")


def test_cli_deploy_resolves_a_public_model_through_the_catalog_and_routes_it(api, together_v2_venv, tmp_path):
    """`tg endpoints deploy <public model>`: supported-models search, the one deployment profile, endpoint, deployment, weight."""
    model = "meta-llama/Llama-3.1-8B-Instruct"
    api.load({"timings": FAST, "v2_model_configs": {model: ["1xnvidia-l40s-48gb"]}})
    together = str(together_v2_venv / "bin" / "together")
    deployed = subprocess.run([together, "--json", "endpoints", "deploy", model, "--endpoint", "cli-chat", "--project", "proj_demo",
                               "--min-replicas", "1", "--max-replicas", "2", "--traffic-weight", "1"],
                              capture_output=True, text=True, env=client_env(api, tmp_path), timeout=120, check=False)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    log = [(entry["method"], entry["path"].replace("/v2/projects/proj_demo", ""), entry["status"]) for entry in api.requests_log()]
    assert ("GET", "/v2/supported-models", 200) in log and ("POST", "/endpoints", 200) in log
    endpoint = api.get("/v2/projects/proj_demo/endpoints").json()["data"][0]
    assert endpoint["name"] == "demo-project/cli-chat" and [entry["weight"] for entry in endpoint["trafficSplit"]] == [1]
    [deployment] = endpoint["deployments"]
    assert deployment["hardware"] == "1xnvidia-l40s-48gb" and deployment["autoscaling"] == {"minReplicas": 1, "maxReplicas": 2}
    assert deployment["name"].startswith("demo-project/cli-chat/meta-llama-Llama-3.1-8B-Instruct-")
