"""The official together 1.6.0 CLI (the last 1.x, which speaks /v1/endpoints) against the simulator.

Each command must behave as it does against the real API: the CLI validates responses strictly with
pydantic, so a missing field or an unknown state would fail here.
"""

import json
import os
import pathlib
import subprocess

import pytest

pytestmark = pytest.mark.reference_v1
DRIVER = pathlib.Path(__file__).with_name("reference_cli_driver.py")

ENDPOINT = {"id": "endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7", "model": "deepseek-ai/DeepSeek-R1", "hardware": "8x_nvidia_h200_140gb_sxm",
            "display_name": "My DeepSeek R1 endpoint", "autoscaling": {"min_replicas": 2, "max_replicas": 5}}


@pytest.fixture(scope="module")
def cli_driver(together_v1_venv, tmp_path_factory):
    """One process running CLI commands on request (see reference_cli_driver.py); always stopped at the end."""
    stderr_log = open(tmp_path_factory.mktemp("driver") / "stderr.log", "w+")
    process = subprocess.Popen([str(together_v1_venv / "bin" / "python"), str(DRIVER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=stderr_log, text=True, env=dict(os.environ, TOGETHER_NO_BANNER="1"))
    yield process
    process.stdin.close()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.stdout.close()
    stderr_log.close()


@pytest.fixture
def together(api, cli_driver):
    """Run `together --base-url <sim>/v1 ...`; returns (exit code, stdout, stderr)."""
    def run(*args, key="sim-key"):
        request = {"args": ["--base-url", api.v1, "--max-retries", "2"] + list(args), "env": {"TOGETHER_API_KEY": key}}
        cli_driver.stdin.write(json.dumps(request) + "\n")
        cli_driver.stdin.flush()
        reply = json.loads(cli_driver.stdout.readline())
        assert reply["exception"] is None, reply
        return reply["exit_code"], reply["stdout"], reply["stderr"]
    return run


def test_the_installed_together_command_gets_an_endpoint(api, together_v1_venv):
    api.load({"endpoints": [ENDPOINT]})
    env = dict(os.environ, TOGETHER_NO_BANNER="1", TOGETHER_API_KEY="sim-key")
    result = subprocess.run([str(together_v1_venv / "bin" / "together"), "--base-url", api.v1, "endpoints", "get", ENDPOINT["id"], "--json"],
                            capture_output=True, text=True, env=env, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == ENDPOINT["id"]


def test_get_json(api, together):
    api.load({"endpoints": [ENDPOINT]})
    code, stdout, stderr = together("endpoints", "get", ENDPOINT["id"], "--json")
    assert code == 0, stderr
    body = json.loads(stdout)
    assert {key: body[key] for key in ("id", "display_name", "hardware", "state", "autoscaling", "type")} == {
        "id": ENDPOINT["id"], "display_name": ENDPOINT["display_name"], "hardware": ENDPOINT["hardware"], "state": "STARTED",
        "autoscaling": ENDPOINT["autoscaling"], "type": "dedicated"}
    assert api.requests_log()[-1]["path"] == "/v1/endpoints/" + ENDPOINT["id"]


def test_get_text_and_failed_state(api, together):
    api.load({"endpoints": [dict(ENDPOINT, state="FAILED")]})
    code, stdout, stderr = together("endpoints", "get", ENDPOINT["id"])
    assert code == 0, stderr
    assert "State:\t\tFAILED" in stdout and "Autoscaling:\tMin=2, Max=5" in stdout


def test_get_unknown_endpoint_prints_the_api_message(together):
    code, _stdout, stderr = together("endpoints", "get", "endpoint-missing")
    assert code == 1 and "Error: Endpoint not found: endpoint-missing" in stderr


def test_wrong_key_is_reported_as_the_api_says(together):
    code, _stdout, stderr = together("endpoints", "list", key="not-the-key")
    assert code == 1 and "Invalid API key provided" in stderr


def test_list_with_filters_sends_python_booleans_and_parses_items(api, together):
    api.load({"endpoints": [ENDPOINT]})
    code, stdout, stderr = together("endpoints", "list", "--json", "--type", "dedicated", "--mine", "true", "--usage-type", "on-demand")
    assert code == 0, stderr
    assert [item["id"] for item in json.loads(stdout)] == [ENDPOINT["id"]]
    assert api.requests_log()[-1]["query"] == {"type": "dedicated", "usage_type": "on-demand", "mine": "True"}


@pytest.mark.v1_writable
def test_create_update_stop_start_delete(api, together):
    api.load({"timings": {"pending": 0.05, "starting": 0.05, "stopping": 0.05}})
    code, stdout, stderr = together("endpoints", "create", "--model", "meta-llama/Llama-3-8b-chat-hf", "--gpu", "a100", "--gpu-count", "1",
                                    "--min-replicas", "1", "--max-replicas", "2", "--display-name", "ci", "--inactive-timeout", "30",
                                    "--availability-zone", "us-central-4b", "--wait")
    assert code == 0, stderr
    endpoint_id = stdout.strip()
    assert endpoint_id.startswith("endpoint-") and "Endpoint ready" in stderr
    created = api.get("/v1/endpoints/" + endpoint_id).json()
    assert created["hardware"] == "1x_nvidia_a100_80gb_pcie" and created["state"] == "STARTED"

    code, _stdout, stderr = together("endpoints", "update", endpoint_id, "--display-name", "renamed", "--min-replicas", "2",
                                     "--max-replicas", "3")
    assert code == 0, stderr
    updated = api.get("/v1/endpoints/" + endpoint_id).json()
    assert updated["display_name"] == "renamed" and updated["autoscaling"] == {"min_replicas": 2, "max_replicas": 3}

    code, _stdout, stderr = together("endpoints", "stop", endpoint_id, "--wait")
    assert code == 0 and "Endpoint stopped" in stderr
    code, _stdout, stderr = together("endpoints", "start", endpoint_id, "--no-wait")
    assert code == 0, stderr
    assert api.get("/v1/endpoints/" + endpoint_id).json()["state"] in ("PENDING", "STARTING", "STARTED")

    code, stdout, stderr = together("endpoints", "delete", endpoint_id)
    assert code == 0 and stdout.strip() == endpoint_id, stderr
    assert api.get("/v1/endpoints/" + endpoint_id).status_code == 404


@pytest.mark.v1_writable
def test_create_with_unknown_hardware_shows_the_hardware_list(together):
    code, stdout, stderr = together("endpoints", "create", "--model", "m/m", "--gpu", "h100", "--gpu-count", "3", "--no-wait")
    assert code == 1 and "Invalid hardware selected." in stderr
    assert "1x_nvidia_h100_80gb_sxm" in stdout


def test_create_when_v1_is_retired(api, together):
    api.load({"v1_retired": True})
    code, _stdout, stderr = together("endpoints", "create", "--model", "m/m", "--gpu", "h100", "--no-wait")
    assert code == 1 and "no longer available" in stderr


def test_hardware_and_availability_zones(api, together):
    api.load({"hardware_availability": {"1x_nvidia_h100_80gb_sxm": "insufficient"}})
    code, stdout, stderr = together("endpoints", "hardware", "--model", "m/m", "--json")
    assert code == 0, stderr
    statuses = {item["id"]: item["availability"]["status"] for item in json.loads(stdout)}
    assert statuses["1x_nvidia_h100_80gb_sxm"] == "insufficient" and statuses["1x_nvidia_l40"] == "available"
    code, stdout, stderr = together("endpoints", "availability-zones", "--json")
    assert code == 0 and json.loads(stdout) == {"avzones": ["us-central-4b", "us-east-1a", "eu-north-1a"]}, stderr


def test_client_retries_through_a_503_and_a_lowercase_retry_after_429(api, together):
    api.load({"endpoints": [ENDPOINT], "faults": [
        {"path": "/v1/endpoints/*", "kind": "status", "statuses": [503], "retry_after": 0.1, "retry_after_header": "retry-after"},
        {"path": "/v1/endpoints/*", "kind": "rate_limit", "retry_after": 0.1, "retry_after_header": "retry-after", "times": 1}]})
    code, stdout, stderr = together("endpoints", "get", ENDPOINT["id"], "--json")
    assert code == 0, stderr
    assert json.loads(stdout)["id"] == ENDPOINT["id"]
    assert [entry["status"] for entry in api.requests_log()] == [503, 429, 200]


def test_chat_completion_to_a_started_endpoint_and_the_error_of_a_stopped_one(api, together, together_v1_venv):
    """`together chat.completions --no-stream --raw`: the 1.x SDK parses the answer strictly; a stopped endpoint is its error."""
    name = "devuser/deepseek-ai/DeepSeek-R1-0a1b2c3d"
    api.load({"inference_answer": "Hello there", "endpoints": [dict(ENDPOINT, name=name)]})
    code, out, err = together("chat.completions", "--message", "user", "hi", "--model", name, "--max-tokens", "1", "--no-stream", "--raw")
    assert code == 0, out + err
    answer = json.loads(out)
    assert answer["model"] == name and answer["choices"][0]["message"]["content"] == "Hello"
    api.patch("/v1/endpoints/" + ENDPOINT["id"], json={"state": "STOPPED"})
    # The error path in its own process: the SDK raises, and the command reports the API's message.
    env = dict(os.environ, TOGETHER_NO_BANNER="1", TOGETHER_API_KEY="sim-key")
    result = subprocess.run([str(together_v1_venv / "bin" / "together"), "--base-url", api.v1, "--max-retries", "0", "chat.completions",
                             "--message", "user", "hi", "--model", name, "--no-stream", "--raw"],
                            capture_output=True, text=True, env=env, timeout=60, check=False)
    assert result.returncode != 0 and "The dedicated endpoint for %s is not running" % name in result.stdout + result.stderr
