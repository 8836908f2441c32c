"""Chat completions for the endpoints the simulation holds: who answers, with what, after how long, or which error.

The API host (`/v1/chat/completions`) serves v1 dedicated endpoints by name and the serverless catalog. The
inference host (`https://api-inference.together.ai/v1`, mounted here under `/inference/v1`) serves v2 endpoints
(`<project_slug>/<endpoint>`, or `<project_slug>/<endpoint>/<deployment>` to pin one) and the same v1 names.
Error codes and texts are the ones observed from the live API where public material shows them.
"""

import secrets
import time

from .errors import ApiError, bad_request

DEFAULT_ANSWER = "Hello! This is the Together API simulator answering."
MODELS_URL = "https://api.together.ai/models"


def _request_id():
    return "o" + secrets.token_hex(8)


def _error(status, message, code):
    return ApiError(status, message, code=code, error_type="invalid_request_error", top_level={"id": _request_id()})


def unknown_model(model):
    return _error(404, "Unable to access model %s. Please visit %s to view the list of supported models." % (model, MODELS_URL),
                  "model_not_available")


def _words(text):
    return len(str(text).split())


def _check_request(body):
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise bad_request("model is required: the endpoint's name (v1) or <project_slug>/<endpoint> (v2)", param="model")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) and "role" in m for m in messages):
        raise bad_request("messages must be a non-empty list of {role, content} objects", param="messages")
    max_tokens = body.get("max_tokens")
    if max_tokens is not None and (isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1):
        raise bad_request("max_tokens must be an integer >= 1", param="max_tokens")
    if body.get("stream"):
        # Streaming (server-sent events) is not simulated; refuse clearly rather than answer in the wrong format.
        raise bad_request("stream: true is not supported by the Together API simulator", param="stream")
    return model, messages, max_tokens


def _cluster_value(sim, deployment):
    style = sim.scenario["inference_cluster_header"]
    if style == "id":
        return deployment.id
    if style == "qualified":
        return sim.v2.qualified(deployment.endpoint.name, deployment.name)
    return deployment.name


def _target(sim, model, on_inference_host):
    """(latency seconds, answer text, headers) for the resource `model` names; raises the API's error otherwise."""
    now = sim.now()
    defaults = sim.scenario["inference"]
    found_v1 = sim.v1.find_for_inference(model)
    if found_v1 is not None:
        kind, target = found_v1
        if kind == "serverless":
            if target["state"] != "STARTED":
                raise _error(400, "The dedicated endpoint for %s is not running. Please visit %s to start the endpoint."
                             % (model, MODELS_URL), "dedicated_endpoint_not_running")
            return defaults["inference_latency"], defaults["inference_answer"], {}
        if target.timeline.state(now) != "STARTED":
            raise _error(400, "The dedicated endpoint for %s is not running. Please visit %s to start the endpoint."
                         % (model, MODELS_URL), "dedicated_endpoint_not_running")
        return _pick(target, defaults), _answer(target, defaults), {}
    found_v2 = sim.v2.find_for_inference(model) if (on_inference_host or sim.scenario["inference_v2_on_api_host"]) else None
    if found_v2 is None:
        raise unknown_model(model)
    endpoint, pinned = found_v2
    deployment = sim.v2.serving_deployment(now, endpoint, pinned)
    headers = {}
    if sim.scenario["inference_cluster_header"] != "none":
        headers["x-cluster"] = _cluster_value(sim, deployment)
    return _pick(deployment, defaults), _answer(deployment, defaults), headers


def _pick(resource, defaults):
    return resource.inference_latency if resource.inference_latency is not None else defaults["inference_latency"]


def _answer(resource, defaults):
    return resource.inference_answer or defaults["inference_answer"]


def chat_completion(sim, body, on_inference_host):
    """(latency, ChatCompletionResponse, headers); the caller waits `latency` seconds outside the lock, then answers."""
    model, messages, max_tokens = _check_request(body)
    with sim.lock:
        latency, answer, headers = _target(sim, model, on_inference_host)
    words = (answer or DEFAULT_ANSWER).split()
    truncated = max_tokens is not None and len(words) > max_tokens
    content = " ".join(words[:max_tokens] if truncated else words)
    prompt_tokens = sum(_words(message.get("content", "")) for message in messages)
    completion_tokens = _words(content)
    response = {
        "id": _request_id(),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,  # the live API echoes the endpoint name it was asked for
        "prompt": [],
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "finish_reason": "length" if truncated else "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens, "total_tokens": prompt_tokens + completion_tokens},
    }
    return latency, response, headers
