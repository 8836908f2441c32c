# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""together_endpoint_probe run through main() with the fake transport: no network, no real sleeping."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import json

import pytest
import requests

from ansible_collections.together.ai.plugins.module_utils import _inference_probe
from ansible_collections.together.ai.plugins.module_utils._inference import DEFAULT_PROMPT, Prober
from ansible_collections.together.ai.plugins.modules import together_endpoint_probe
from ansible_collections.together.ai.tests.unit._helpers import MODULE_API_KEY as API_KEY
from ansible_collections.together.ai.tests.unit._helpers import FakeTime, assert_key_hidden, assert_refused_before_any_request, run_with_key

PROJECT_ID = "proj_CbJNwQC2ZqCU2iFT3mrCh"
V1_ID = "endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7"
V2_ID = "ep_CbJNwQC2ZqCU2iFT3mrCh"
UNROUTED_ID = "ep_UnroutedReady000000001"
CUTOVER_ID = "ep_Cut100ZeroSplit00000001"
MISSING_ID = "ep_Missing0000000000000001"
CHAT = "/v1/chat/completions"
V2_INFERENCE_URL = "https://api-inference.together.ai/v1/chat/completions"
V1_INFERENCE_URL = "https://api.together.ai/v1/chat/completions"


def run(run_module, check_mode=False, **args):
    return run_with_key(run_module, together_endpoint_probe.main, check_mode=check_mode, **args)


def v2_path(endpoint_id):
    return "/v2/projects/%s/endpoints/%s" % (PROJECT_ID, endpoint_id)


@pytest.fixture
def v2_api(transport, fixture_json):
    """whoami and the v2 endpoints the tests probe."""
    transport.route("/v3/whoami", (200, fixture_json("v2/whoami_v3_project_api_key.json")))
    transport.route(v2_path(V2_ID), (200, fixture_json("v2/endpoint_one_deployment.json")))
    transport.route(v2_path(UNROUTED_ID), (200, fixture_json("v2/endpoint_ready_unrouted.json")))
    transport.route(v2_path(MISSING_ID), (404, fixture_json("v2/error_endpoint_not_found_rpc.json")))
    return transport


@pytest.fixture
def clock(monkeypatch):
    """The probes' clock: each answer of the fake transport may move it (answer_after)."""
    fake = FakeTime(start=1000.0)
    monkeypatch.setattr(_inference_probe, "Prober", functools.partial(Prober, clock=fake.clock))
    return fake


def answer_after(clock, seconds, outcome):
    """A transport outcome that takes `seconds` on the probes' clock."""
    def answer(prepared):  # pylint: disable=unused-argument
        clock.now += seconds
        return outcome
    return answer


def last(result):
    """The last probe sent (probing stops at the first probe not answered)."""
    return result["probes"][-1]


def latencies(result):
    return [probe["latency_ms"] for probe in result["probes"]]


def chat_requests(transport):
    return [sent for sent in transport.sent if sent.path.endswith("/chat/completions")]


def chat_bodies(transport):
    """The decoded JSON body of each chat request, in the order sent."""
    return [json.loads(body) for url, body in transport.bodies if url.endswith("/chat/completions")]


@pytest.fixture(autouse=True)
def record_bodies(monkeypatch, transport):
    """Keep the body of each request the transport receives (its Sent records do not)."""
    real_send = transport.send
    transport.bodies = []

    def send(prepared, **kwargs):
        transport.bodies.append((prepared.url, prepared.body))
        return real_send(prepared, **kwargs)
    monkeypatch.setattr(transport, "send", send)


# --- options fail before any request --------------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (dict(), "one of the following is required: endpoint_id, endpoint_ids, model"),
    (dict(endpoint_id=V2_ID, model="my-project/chat"), "parameters are mutually exclusive"),
    (dict(endpoint_id=V2_ID, count=0), "count must be between 1 and 100 (each probe is a billed request), got 0"),
    (dict(endpoint_id=V2_ID, count=101), "count must be between 1 and 100"),
    (dict(endpoint_id=V2_ID, max_tokens=0), "max_tokens must be 1 or more, got 0"),
    (dict(endpoint_id=V2_ID, prompt="  "), "prompt must not be empty"),
    (dict(endpoint_id=V2_ID, prompt="x" * 4001), "prompt is 4001 characters long; a probe prompt may have at most 4000"),
    (dict(model="my-project/chat", deployment="blue"), "deployment needs endpoint_id"),
    (dict(endpoint_ids=[V2_ID, UNROUTED_ID], deployment="blue"), "use it with endpoint_id, not endpoint_ids"),
    (dict(endpoint_id=V2_ID, deployment=""), "deployment must not be empty"),
    (dict(model=" my-project/chat"), "model must be an inference name"),
    (dict(endpoint_ids=[]), "endpoint_ids must list at least one endpoint id"),
    (dict(endpoint_id=".."), "endpoint_id must not be '..'"),
    (dict(endpoint_id=V2_ID, inference_base_url="ftp://example.com/v1"),
     "inference_base_url must be an http:// or https:// URL with a host"),
    (dict(endpoint_id=V2_ID, inference_base_url="http://inference.example.com/v1"),
     "inference_base_url http://inference.example.com/v1 is plain http:// to a host that is not this machine"),
], ids=["no-target", "two-targets", "count-0", "count-101", "max-tokens-0", "blank-prompt", "long-prompt",
        "deployment-with-model", "deployment-with-ids", "blank-deployment", "model-whitespace", "empty-ids", "dot-dot",
        "bad-scheme", "plain-http-remote"])
def test_bad_options_fail_before_any_request(run_module, transport, args, message):
    outcome = run(run_module, **args)
    assert_refused_before_any_request(outcome, transport, message)


def test_inference_base_url_from_the_environment_is_checked_too(run_module, transport, monkeypatch):
    monkeypatch.setenv("TOGETHER_INFERENCE_BASE_URL", "not a url")
    outcome = run(run_module, model="my-project/chat")
    assert "inference_base_url must be an http:// or https:// URL with a host, got 'not a url' (or " \
           "TOGETHER_INFERENCE_BASE_URL)" in outcome.result["msg"]
    assert transport.sent == []


# --- a healthy endpoint ----------------------------------------------------------------------------------------------

def test_healthy_v2_endpoint_answers_from_the_inference_host(run_module, v2_api, fixture_json, clock):
    v2_api.route(CHAT, answer_after(clock, 0.1824, (200, fixture_json("inference/chat_completion_v2.json"),
                                                    {"x-cluster": "dep_CbzGdmn14t3HYrXXitmKa"})))
    outcome = run(run_module, endpoint_id=V2_ID)
    result = outcome.result
    assert result["answered"] is True and result["probed"] is True and result["changed"] is False
    assert last(result)["status"] == 200
    assert result["inference_name"] == "my-project/chat"
    assert result["inference_url"] == V2_INFERENCE_URL
    assert last(result)["model"] == "my-project/chat"
    assert last(result)["text"] == "OK"
    assert last(result)["deployment"] == "my-project/chat/blue" and last(result)["deployment_id"] == "dep_CbzGdmn14t3HYrXXitmKa"
    assert latencies(result) == [182.4] and result["latency_ms_median"] == 182.4 and result["latency_ms_p95"] == 182.4
    assert result["error"] is None
    assert result["exists"] is True and result["api_version"] == "v2" and result["endpoint_id"] == V2_ID
    assert result["project_slug"] == "my-project"
    # Each fact once: one endpoint's result is not repeated in a probe_results list, nor the last probe at the top.
    assert "probe_results" not in result
    assert not set(result) & {"status", "model", "text", "deployment", "deployment_id", "cluster", "latency_ms"}
    assert not set(result["probes"][0]) & {"error", "inference_name", "endpoint_id"}
    chats = chat_requests(v2_api)
    assert len(chats) == 1
    assert chats[0].url == V2_INFERENCE_URL and chats[0].method == "POST"
    assert chats[0].headers["Authorization"] == "Bearer " + API_KEY
    assert chat_bodies(v2_api)[0] == {"model": "my-project/chat", "max_tokens": 1, "stream": False,
                                      "messages": [{"role": "user", "content": DEFAULT_PROMPT}]}
    assert_key_hidden(outcome)


def test_healthy_v1_endpoint_answers_on_the_api_host(run_module, transport, fixture_json):
    transport.route("/v1/endpoints/%s" % V1_ID, (200, fixture_json("endpoint_started.json")))
    transport.route(CHAT, (200, fixture_json("inference/chat_completion_v1.json")))
    outcome = run(run_module, endpoint_id=V1_ID, prompt="Say hi", max_tokens=3)
    result = outcome.result
    assert result["answered"] is True and result["api_version"] == "v1"
    assert result["inference_name"] == "devuser/meta-llama/Llama-3-8b-chat-hf-a32b82a1"
    assert last(result)["deployment"] is None and last(result)["cluster"] is None
    chats = chat_requests(transport)
    assert [sent.url for sent in chats] == [V1_INFERENCE_URL]
    body = chat_bodies(transport)[0]
    assert body["messages"] == [{"role": "user", "content": "Say hi"}] and body["max_tokens"] == 3
    assert "project_id" not in result


def test_model_is_probed_without_reading_an_endpoint(run_module, transport, fixture_json):
    transport.route(CHAT, (200, fixture_json("inference/chat_completion_v2.json"), {"x-cluster": "dep_X"}))
    result = run(run_module, model="my-project/chat/blue", api_version="v2").result
    assert result["answered"] is True and last(result)["cluster"] == "dep_X" and last(result)["deployment"] is None
    assert [sent.url for sent in transport.sent] == [V2_INFERENCE_URL]
    assert chat_bodies(transport)[0]["model"] == "my-project/chat/blue"


def test_v2_probes_go_to_base_url_when_it_is_not_a_together_host(run_module, v2_api, fixture_json):
    v2_api.route(CHAT, (200, fixture_json("inference/chat_completion_v2.json")))
    result = run(run_module, endpoint_id=V2_ID, base_url="http://127.0.0.1:8080/v1").result
    assert result["answered"] is True
    assert [sent.url for sent in chat_requests(v2_api)] == ["http://127.0.0.1:8080/v1/chat/completions"]


def test_inference_base_url_option_wins_and_only_its_origin_gets_the_key(run_module, v2_api, fixture_json):
    v2_api.route(CHAT, (200, fixture_json("inference/chat_completion_v2.json")))
    result = run(run_module, endpoint_id=V2_ID, inference_base_url="https://inference.example.com/v1/").result
    assert result["inference_url"] == "https://inference.example.com/v1/chat/completions"
    assert [sent.url for sent in chat_requests(v2_api)] == ["https://inference.example.com/v1/chat/completions"]


def test_a_redirect_of_a_probe_to_another_origin_is_not_followed(run_module, v2_api):
    v2_api.route(CHAT, (307, None, {"Location": "https://collector.example.net/v1/chat/completions"}))
    outcome = run(run_module, endpoint_id=V2_ID)
    # A redirect is an answer from the inference host, but not a success; nothing goes to the other origin.
    assert outcome.result["answered"] is False and last(outcome.result)["status"] == 307
    assert "not followed" in outcome.result["error"]["message"]
    assert [sent.url for sent in chat_requests(v2_api)] == [V2_INFERENCE_URL]
    assert_key_hidden(outcome)


# --- answers that are not a success ----------------------------------------------------------------------------------

def test_unrouted_v2_endpoint_is_answered_false_with_the_api_error(run_module, v2_api, fixture_json):
    v2_api.route(CHAT, (400, fixture_json("inference/error_endpoint_not_configured.json")))
    outcome = run(run_module, endpoint_id=UNROUTED_ID, count=3)
    result = outcome.result
    assert "failed" not in result
    assert result["answered"] is False and last(result)["status"] == 400
    assert result["error"]["code"] == "endpoint_not_configured"
    assert result["error"]["message"] == ("Endpoint my-project/chat is not configured: no deployment has traffic "
                                          "weight")
    assert result["error"]["detail"].startswith("HTTP 400 from %s: " % V2_INFERENCE_URL)
    # The probes stop at the first answer that is not a success, and none is retried.
    assert len(chat_requests(v2_api)) == 1 and len(latencies(result)) == 1
    assert result["inference_name"] == "my-project/unrouted"


@pytest.mark.parametrize("status, fixture, headers", [
    (503, "inference/error_routing_error.json", {}),
    (429, "inference/error_routing_error.json", {"Retry-After": "1"}),
    (500, "inference/error_routing_error.json", {}),
], ids=["503-routing-error", "429", "500"])
def test_an_answer_is_never_retried(run_module, v2_api, fixture_json, module_environment, status, fixture, headers):
    v2_api.route(CHAT, (status, fixture_json(fixture), headers))
    result = run(run_module, endpoint_id=V2_ID, max_retries=5).result
    assert result["answered"] is False and last(result)["status"] == status
    assert result["error"]["message"] == "No route to a ready deployment of my-project/chat"
    assert len(chat_requests(v2_api)) == 1
    assert module_environment.sleeps == []


def test_stopped_endpoint_fails_the_task_with_fail_on_error(run_module, transport, fixture_json):
    transport.route("/v1/endpoints/%s" % V1_ID, (200, fixture_json("endpoint_started.json")))
    transport.route(CHAT, (400, fixture_json("inference/error_dedicated_endpoint_not_running.json")))
    outcome = run(run_module, endpoint_id=V1_ID, fail_on_error=True)
    assert outcome.result["failed"] is True
    assert outcome.result["msg"] == (
        "the endpoint did not answer: endpoint '%s': HTTP 400: The dedicated endpoint for "
        "devuser/meta-llama/Llama-3-8b-chat-hf-a32b82a1 is not running. Please visit https://api.together.ai/models "
        "to start the endpoint." % V1_ID)
    assert outcome.result["answered"] is False and outcome.result["error"]["code"] == "dedicated_endpoint_not_running"
    assert_key_hidden(outcome)


def test_a_2xx_that_is_not_a_chat_completion_is_not_an_answer(run_module, v2_api):
    v2_api.route(CHAT, (200, {"object": "list", "data": []}))
    result = run(run_module, endpoint_id=V2_ID).result
    assert result["answered"] is False and last(result)["status"] == 200
    assert result["error"]["message"] == "the answer has no choices"


def test_missing_endpoint_is_not_probed(run_module, v2_api):
    result = run(run_module, endpoint_id=MISSING_ID).result
    assert result["answered"] is False and result["exists"] is False and result["probed"] is False
    assert "does not exist" in result["error"]["message"]
    assert chat_requests(v2_api) == []


# --- a host that cannot be reached -----------------------------------------------------------------------------------

def test_unreachable_inference_host_fails_naming_the_endpoint(run_module, v2_api):
    v2_api.route(CHAT, requests.exceptions.ConnectionError("[Errno 111] Connection refused"))
    outcome = run(run_module, endpoint_id=V2_ID)
    assert outcome.result["failed"] is True
    assert outcome.result["msg"].startswith("endpoint '%s': connection to %s failed" % (V2_ID, V2_INFERENCE_URL))
    # The results found so far come with the failure.
    assert outcome.result["endpoint_id"] == V2_ID
    assert outcome.result["probed"] is False
    assert_key_hidden(outcome)


def test_a_probe_that_times_out_fails_and_is_not_sent_twice(run_module, v2_api):
    v2_api.route(CHAT, requests.exceptions.ReadTimeout("read timed out"))
    outcome = run(run_module, endpoint_id=V2_ID, timeout=2, max_retries=3)
    assert outcome.result["failed"] is True
    assert outcome.result["msg"].startswith("endpoint '%s': request to %s timed out after 2" % (V2_ID, V2_INFERENCE_URL))
    # The request may have reached the endpoint (a billed request): a POST is not repeated.
    assert len(chat_requests(v2_api)) == 1


def test_a_404_that_is_not_the_api_s_fails_as_a_wrong_inference_base_url(run_module, v2_api):
    v2_api.route(CHAT, v2_api.reply(404, text="<html><body>Not Found</body></html>"))
    outcome = run(run_module, endpoint_id=V2_ID)
    assert outcome.result["failed"] is True
    assert outcome.result["msg"] == ("endpoint '%s': HTTP 404 from %s: the inference host does not know this URL; check "
                                     "inference_base_url (v2 endpoints answer at https://api-inference.together.ai/v1, "
                                     "v1 endpoints on base_url)" % (V2_ID, V2_INFERENCE_URL))


def test_the_api_s_own_404_is_an_answer(run_module, transport, fixture_json):
    transport.route(CHAT, (404, fixture_json("error_not_found.json")))
    result = run(run_module, model="nobody/nothing").result
    assert result["answered"] is False and last(result)["status"] == 404


# --- several probes, deployments -----------------------------------------------------------------------------------

def test_count_probes_give_each_latency_their_median_and_p95(run_module, v2_api, fixture_json, clock):
    answer = (200, fixture_json("inference/chat_completion_v2.json"))
    v2_api.route(CHAT, *[answer_after(clock, seconds, answer) for seconds in (0.3, 0.1, 0.2, 0.5, 0.4)])
    result = run(run_module, endpoint_id=V2_ID, count=5).result
    assert result["answered"] is True
    assert latencies(result) == [300.0, 100.0, 200.0, 500.0, 400.0]
    assert result["latency_ms_median"] == 300.0 and result["latency_ms_p95"] == 500.0
    assert len(result["probes"]) == 5 and all(probe["status"] == 200 for probe in result["probes"])


def test_slow_endpoint_reports_its_latency(run_module, v2_api, fixture_json, clock):
    v2_api.route(CHAT, answer_after(clock, 2.5, (200, fixture_json("inference/chat_completion_v2.json"))))
    result = run(run_module, endpoint_id=V2_ID, count=2).result
    assert result["answered"] is True and latencies(result) == [2500.0, 2500.0]
    assert result["latency_ms_median"] == 2500.0


def test_deployment_pin_sends_the_deployment_s_inference_name(run_module, v2_api, fixture_json):
    endpoint = fixture_json("v2/endpoint_split_100_0.json")
    v2_api.route(v2_path(CUTOVER_ID), (200, endpoint))
    v2_api.route(v2_path(CUTOVER_ID) + "/deployments", (200, {"data": endpoint["deployments"]}))
    v2_api.route(CHAT, (200, fixture_json("inference/chat_completion_v2.json"), {"x-cluster": "dep_NewReadyZeroWeight0002"}))
    result = run(run_module, endpoint_id=CUTOVER_ID, deployment="v2").result
    assert result["answered"] is True
    assert result["inference_name"] == "my-project/cutover/v2"
    assert last(result)["deployment"] == "my-project/cutover/v2"
    assert chat_bodies(v2_api)[0]["model"] == "my-project/cutover/v2"


def test_unknown_deployment_fails_listing_the_endpoint_s_deployments(run_module, v2_api, fixture_json):
    v2_api.route(v2_path(V2_ID) + "/deployments", (200, {"data": fixture_json("v2/endpoint_one_deployment.json")["deployments"]}))
    outcome = run(run_module, endpoint_id=V2_ID, deployment="green")
    assert outcome.result["failed"] is True
    assert outcome.result["msg"] == ("deployment 'green' is not a deployment of endpoint '%s' (it has: "
                                     "my-project/chat/blue (dep_CbzGdmn14t3HYrXXitmKa))" % V2_ID)
    assert chat_requests(v2_api) == []


def test_deployment_pin_on_a_v1_endpoint_fails(run_module, transport, fixture_json):
    transport.route("/v1/endpoints/%s" % V1_ID, (200, fixture_json("endpoint_started.json")))
    outcome = run(run_module, endpoint_id=V1_ID, deployment="blue")
    assert "deployment applies to v2 endpoints only" in outcome.result["msg"]
    assert chat_requests(transport) == []


def test_several_endpoints_are_probed_each_with_its_own_result(run_module, v2_api, fixture_json):
    def by_model(prepared):
        model = json.loads(prepared.body)["model"]
        if model == "my-project/unrouted":
            return (400, fixture_json("inference/error_endpoint_not_configured.json"))
        return (200, fixture_json("inference/chat_completion_v2.json"), {"x-cluster": "blue"})
    v2_api.route(CHAT, by_model)
    result = run(run_module, endpoint_ids=[V2_ID, UNROUTED_ID, MISSING_ID, V2_ID]).result
    assert result["answered"] is False
    assert [item["endpoint_id"] for item in result["probe_results"]] == [V2_ID, UNROUTED_ID, MISSING_ID]
    assert [item["answered"] for item in result["probe_results"]] == [True, False, False]
    assert result["probe_results"][0]["probes"][-1]["deployment"] == "my-project/chat/blue"
    assert result["probe_results"][1]["error"]["code"] == "endpoint_not_configured"
    assert result["probe_results"][2]["exists"] is False
    assert "inference_name" not in result  # the flat fields are for one endpoint only
    assert len(chat_requests(v2_api)) == 2


# --- check mode ---------------------------------------------------------------------------------------------------

def test_check_mode_resolves_the_name_and_sends_no_probe(run_module, v2_api):
    outcome = run(run_module, check_mode=True, endpoint_id=V2_ID)
    result = outcome.result
    assert result["probed"] is False and result["answered"] is None and result["changed"] is False
    assert result["inference_name"] == "my-project/chat" and result["inference_url"] == V2_INFERENCE_URL
    assert "check mode: nothing was sent" in result["msg"]
    assert chat_requests(v2_api) == []
    assert v2_path(V2_ID) in v2_api.paths  # the endpoint itself is read


def test_a_v2_404_from_a_host_that_is_not_togethers_says_where_v2_endpoints_answer(run_module, v2_api, fixture_json):
    # A gateway or simulator at base_url without TOGETHER_INFERENCE_BASE_URL: the 404 used to read as a missing model.
    v2_api.route(CHAT, (404, {"error": {"message": "model not available", "type": "invalid_request_error",
                                        "code": "model_not_available"}}))
    result = run(run_module, endpoint_id=V2_ID, inference_base_url="https://gateway.example.com/v1").result
    message = result["error"]["message"]
    assert message.startswith("model not available (v2 endpoints answer on the inference API, "
                              "https://api-inference.together.ai/v1 on Together, here https://gateway.example.com/v1; ")
    assert "endpoint_gate_inference_base_url" in message
