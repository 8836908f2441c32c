"""Chat completions: v1 endpoints on the API host, v2 endpoints on the inference host (/inference/v1), per state.

Success and error bodies are validated against the spec's POST /chat/completions responses.
"""

import pathlib
import time

import pytest
import yaml

from test_v2_routes import FAST, P, blue_green

V1_ID = "endpoint-0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0"
V1_NAME = "devuser/meta-llama/Llama-3-8b-chat-hf-1a2b3c4d"
OPERATION = "POST /chat/completions"
API_HOST = "/v1/chat/completions"
INFERENCE_HOST = "/inference/v1/chat/completions"


def ask(api, model, path=INFERENCE_HOST, **extra):
    body = dict({"model": model, "messages": [{"role": "user", "content": "Say hello"}], "max_tokens": 1}, **extra)
    return api.post(path, json=body)


def answered(api, schemas, response):
    body = schemas.v1_response(response, OPERATION)
    assert response.status_code == 200, response.text
    return body


def refused(schemas, response, status, code):
    assert response.status_code == status, response.text
    body = schemas.v1_response(response, OPERATION)
    assert body["error"]["code"] == code, body
    return body


def v1_scenario(state="STARTED", **extra):
    return {"timings": FAST, "endpoints": [dict({"id": V1_ID, "name": V1_NAME, "model": "meta-llama/Llama-3-8b-chat-hf",
                                                 "hardware": "1x_nvidia_h100_80gb_sxm", "state": state}, **extra)]}


# -- v1 ------------------------------------------------------------------------------------------

def test_a_started_v1_endpoint_answers_by_name_on_the_api_host(api, schemas):
    api.load(v1_scenario(inference_answer="Hi there, friend"))
    response = ask(api, V1_NAME, API_HOST, max_tokens=2)
    body = answered(api, schemas, response)
    assert body["model"] == V1_NAME and body["object"] == "chat.completion"
    assert body["choices"][0]["message"] == {"role": "assistant", "content": "Hi there,"}
    assert body["choices"][0]["finish_reason"] == "length"
    assert body["usage"] == {"prompt_tokens": 2, "completion_tokens": 2, "total_tokens": 4}
    assert "x-cluster" not in response.headers
    full = answered(api, schemas, ask(api, V1_NAME, API_HOST, max_tokens=50))
    assert full["choices"][0]["message"]["content"] == "Hi there, friend" and full["choices"][0]["finish_reason"] == "stop"
    # the inference host serves v1 names too
    answered(api, schemas, ask(api, V1_NAME, INFERENCE_HOST))


@pytest.mark.parametrize("state", ["STOPPED", "PENDING", "STARTING", "STOPPING", "ERROR", "FAILED"])
def test_a_v1_endpoint_that_is_not_started_is_dedicated_endpoint_not_running(api, schemas, state):
    api.load(v1_scenario(state, transitions=[{"after": 60, "state": state}]))
    body = refused(schemas, ask(api, V1_NAME, API_HOST), 400, "dedicated_endpoint_not_running")
    assert body["error"]["message"] == ("The dedicated endpoint for %s is not running. Please visit https://api.together.ai/models "
                                        "to start the endpoint." % V1_NAME)
    assert body["id"] and body["error"]["type"] == "invalid_request_error"


@pytest.mark.v1_writable
def test_a_v1_endpoint_answers_once_started_and_not_after_a_stop(api, schemas):
    api.load(v1_scenario("STOPPED"))
    refused(schemas, ask(api, V1_NAME, API_HOST), 400, "dedicated_endpoint_not_running")
    api.patch("/v1/endpoints/" + V1_ID, json={"state": "STARTED"})
    deadline = time.monotonic() + 3
    while api.get("/v1/endpoints/" + V1_ID).json()["state"] != "STARTED" and time.monotonic() < deadline:
        time.sleep(0.02)
    answered(api, schemas, ask(api, V1_NAME, API_HOST))
    api.patch("/v1/endpoints/" + V1_ID, json={"state": "STOPPED"})
    refused(schemas, ask(api, V1_NAME, API_HOST), 400, "dedicated_endpoint_not_running")


def test_serverless_models_answer_and_unknown_models_are_404(api, schemas):
    answered(api, schemas, ask(api, "allenai/OLMo-7B", API_HOST))
    body = refused(schemas, ask(api, "nobody/nothing", API_HOST), 404, "model_not_available")
    assert body["error"]["message"].startswith("Unable to access model nobody/nothing.")
    # an id is not a model name
    refused(schemas, ask(api, V1_ID, API_HOST), 404, "model_not_available")


@pytest.mark.parametrize("body, param", [
    ({"messages": [{"role": "user", "content": "x"}]}, "model"),
    ({"model": "allenai/OLMo-7B"}, "messages"),
    ({"model": "allenai/OLMo-7B", "messages": []}, "messages"),
    ({"model": "allenai/OLMo-7B", "messages": [{"role": "user", "content": "x"}], "max_tokens": 0}, "max_tokens"),
    ({"model": "allenai/OLMo-7B", "messages": [{"role": "user", "content": "x"}], "stream": True}, "stream"),
])
def test_bad_requests_are_400_naming_the_field(api, schemas, body, param):
    response = api.post(API_HOST, json=body)
    assert response.status_code == 400
    assert schemas.v1_response(response, OPERATION)["error"]["param"] == param


def test_inference_needs_the_key_like_every_route(api, schemas):
    response = api.post(INFERENCE_HOST, key="wrong", json={"model": "x", "messages": [{"role": "user", "content": "x"}]})
    assert response.status_code == 403 and response.json()["error"]["code"] == "invalid_api_key"


# -- v2 ------------------------------------------------------------------------------------------

def test_a_routed_ready_v2_endpoint_answers_on_the_inference_host_naming_its_deployment(api, schemas):
    api.load(blue_green())
    response = ask(api, "demo-project/chat")
    body = answered(api, schemas, response)
    assert body["model"] == "demo-project/chat" and response.headers["x-cluster"] == "blue"
    # not on the API host unless the scenario says so
    refused(schemas, ask(api, "demo-project/chat", API_HOST), 404, "model_not_available")
    api.load(dict(blue_green(), inference_v2_on_api_host=True, inference_cluster_header="id"))
    assert ask(api, "demo-project/chat", API_HOST).headers["x-cluster"] == "dep_blue"
    api.load(dict(blue_green(), inference_cluster_header="qualified"))
    assert ask(api, "demo-project/chat").headers["x-cluster"] == "demo-project/chat/blue"
    api.load(dict(blue_green(), inference_cluster_header="none"))
    assert "x-cluster" not in ask(api, "demo-project/chat").headers


def test_a_split_shares_requests_by_weight_times_ready_replicas(api, schemas):
    api.load(blue_green())  # blue: 2 ready replicas, green: 1
    endpoint = api.get(P + "/endpoints/ep_chat").json()
    api.patch(P + "/endpoints/ep_chat?updateMask=trafficSplit",
              json={"etag": endpoint["etag"], "trafficSplit": [{"deploymentId": "dep_blue", "weight": 1},
                                                               {"deploymentId": "dep_green", "weight": 2}]})
    served = [ask(api, "demo-project/chat").headers["x-cluster"] for _attempt in range(8)]
    assert served.count("blue") == 4 and served.count("green") == 4  # 1x2 against 2x1: half each


def test_a_pinned_deployment_answers_even_without_weight(api, schemas):
    api.load(blue_green())
    response = ask(api, "demo-project/chat/green")
    assert response.status_code == 200 and response.headers["x-cluster"] == "green"
    assert answered(api, schemas, response)["model"] == "demo-project/chat/green"
    refused(schemas, ask(api, "demo-project/chat/purple"), 404, "model_not_available")


def test_ready_but_unrouted_is_endpoint_not_configured(api, schemas):
    scenario = blue_green()
    scenario["v2_endpoints"][0]["traffic_split"] = []
    api.load(scenario)
    body = refused(schemas, ask(api, "demo-project/chat"), 400, "endpoint_not_configured")
    assert "demo-project/chat" in body["error"]["message"] and "trafficSplit" in body["error"]["message"]
    api.load(dict(scenario, v2_unrouted_error="routing_error"))
    refused(schemas, ask(api, "demo-project/chat"), 503, "routing_error")


def test_weight_zero_counts_as_unrouted(api, schemas):
    scenario = blue_green()
    scenario["v2_endpoints"][0]["traffic_split"] = [{"deployment": "blue", "weight": 0}]
    api.load(scenario)
    refused(schemas, ask(api, "demo-project/chat"), 400, "endpoint_not_configured")


@pytest.mark.parametrize("state", ["STOPPED", "PROVISIONING", "FAILED"])
def test_nothing_ready_is_endpoint_not_ready(api, schemas, state):
    api.load(blue_green(state=state, transitions=[{"after": 60, "state": state}]))
    api.control("POST", "deployments/dep_green/state", json={"state": "STOPPED"})
    body = refused(schemas, ask(api, "demo-project/chat"), 400, "endpoint_not_ready")
    assert "demo-project/chat" in body["error"]["message"]
    refused(schemas, ask(api, "demo-project/chat/green"), 400, "endpoint_not_ready")


def test_an_endpoint_without_deployments_is_not_ready(api, schemas):
    api.load({"v2_endpoints": [{"id": "ep_new", "name": "new"}]})
    refused(schemas, ask(api, "demo-project/new"), 400, "endpoint_not_ready")


def test_a_degraded_deployment_with_ready_replicas_still_answers(api, schemas):
    api.load(blue_green(state="DEGRADED"))  # 2 desired, 1 ready
    assert ask(api, "demo-project/chat").headers["x-cluster"] == "blue"


def test_scripted_latency_global_and_per_deployment(api, schemas):
    scenario = blue_green(inference_latency=0.4)
    api.load(dict(scenario, inference_latency=0.0))
    started = time.monotonic()
    answered(api, schemas, ask(api, "demo-project/chat"))
    assert time.monotonic() - started >= 0.4
    started = time.monotonic()
    answered(api, schemas, ask(api, "demo-project/chat/green"))  # green has no override: the scenario's 0
    assert time.monotonic() - started < 0.3
    api.load(v1_scenario(inference_latency=None) | {"inference_latency": 0.3})
    started = time.monotonic()
    answered(api, schemas, ask(api, V1_NAME, API_HOST))
    assert time.monotonic() - started >= 0.3


def test_faults_apply_to_inference_like_other_routes(api, schemas):
    api.load(dict(blue_green(), faults=[{"path": INFERENCE_HOST, "kind": "status", "statuses": [503]},
                                        {"path": INFERENCE_HOST, "kind": "latency", "seconds": 0.3, "times": 1}]))
    assert ask(api, "demo-project/chat").status_code == 503
    started = time.monotonic()
    answered(api, schemas, ask(api, "demo-project/chat"))
    assert time.monotonic() - started >= 0.3
    log = [entry for entry in api.requests_log() if entry["path"] == INFERENCE_HOST]
    assert [(entry["status"], entry["fault"]) for entry in log] == [(503, "status"), (200, "latency")]


@pytest.mark.parametrize("scenario, key", [
    ({"inference_latency": -1}, "inference_latency"),
    ({"inference_cluster_header": "pod"}, "inference_cluster_header"),
    ({"v2_unrouted_error": "teapot"}, "v2_unrouted_error"),
    ({"endpoints": [{"model": "m", "hardware": "h", "inference_answer": ""}]}, "endpoints[0].inference_answer"),
])
def test_bad_inference_keys_are_refused_by_name(api, scenario, key):
    response = api.control("POST", "scenario", json=scenario)
    assert response.status_code == 400 and key in response.json()["error"]["message"], response.text


def test_the_bundled_inference_scenario_has_one_endpoint_per_outcome(api, schemas):
    scenario = yaml.safe_load((pathlib.Path(__file__).resolve().parents[1] / "scenarios" / "v2-inference.yml").read_text())
    api.load(scenario)
    healthy = ask(api, "demo-project/healthy")
    assert answered(api, schemas, healthy)["choices"][0]["message"]["content"] == "Hello"  # max_tokens 1
    assert healthy.headers["x-cluster"] == "main"
    assert ask(api, "demo-project/bluegreen").headers["x-cluster"] == "blue"
    pinned = ask(api, "demo-project/bluegreen/green", max_tokens=10)
    assert pinned.headers["x-cluster"] == "green" and pinned.json()["choices"][0]["message"]["content"] == "Hello from green"
    refused(schemas, ask(api, "demo-project/unrouted"), 400, "endpoint_not_configured")
    refused(schemas, ask(api, "demo-project/stopped"), 400, "endpoint_not_ready")
    started = time.monotonic()
    answered(api, schemas, ask(api, "demo-project/slow"))
    assert time.monotonic() - started >= 1.5
    answered(api, schemas, ask(api, "devuser/Llama-3-8b-chat-hf-started", API_HOST))
    refused(schemas, ask(api, "devuser/Llama-3-8b-chat-hf-stopped", API_HOST), 400, "dedicated_endpoint_not_running")
