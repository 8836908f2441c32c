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
# What a deployment's scripted error rate answers with, per status: (message, code).
SCRIPTED_ERRORS = {
    500: ("Internal server error", "internal_server_error"),
    502: ("Bad gateway: the model server did not answer", "bad_gateway"),
    503: ("The server is overloaded or not ready yet", "service_unavailable"),
    504: ("The model server timed out", "timeout"),
}


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
        _scripted_error(target, defaults, target.name)
        return setting(target, defaults, "inference_latency"), _answer(target, defaults), {}
    found_v2 = sim.v2.find_for_inference(model) if (on_inference_host or sim.scenario["inference_v2_on_api_host"]) else None
    if found_v2 is None:
        raise unknown_model(model)
    endpoint, pinned = found_v2
    deployment = sim.v2.serving_deployment(now, endpoint, pinned)
    headers = {}
    if sim.scenario["inference_cluster_header"] != "none":
        headers["x-cluster"] = _cluster_value(sim, deployment)
    _scripted_error(deployment, defaults, sim.v2.qualified(endpoint.name, deployment.name), headers)
    return setting(deployment, defaults, "inference_latency"), _answer(deployment, defaults), headers


def setting(resource, defaults, key):
    """A resource's own inference setting (scenario or control API), else the scenario-wide one."""
    value = getattr(resource, key)
    return value if value is not None else defaults[key]


def _scripted_error(resource, defaults, name, headers=None):
    """Raise the 5xx a resource's error rate asks for on this request. Deterministic: the rate accumulates per request
    and every time it reaches a whole request that request errs (0.5 errs every 2nd request, 0.2 every 5th, 1 every one)."""
    rate = setting(resource, defaults, "inference_error_rate")
    if not rate:
        return
    resource.error_credit += rate
    if resource.error_credit < 1.0 - 1e-9:
        return
    resource.error_credit -= 1.0
    status = setting(resource, defaults, "inference_error_status")
    message, code = SCRIPTED_ERRORS[status]
    raise ApiError(status, "%s (simulated: %s answers %s of requests with HTTP %d)" % (message, name, _fraction(rate), status),
                   code=code, error_type="server_error", headers=headers, top_level={"id": _request_id()})


def _fraction(rate):
    return "all" if rate >= 1 else "%g%%" % round(rate * 100, 3)


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
