"""Inference routes: POST /v1/chat/completions on the API host, and the dedicated inference host mounted under /inference.

A test points a v2 client's `inference_base_url` at `http://HOST:PORT/inference/v1` (the stand-in for
https://api-inference.together.ai/v1) and a v1 client's at the API base `http://HOST:PORT/v1`.
"""

from . import inference
from .routing import Response

INFERENCE_PREFIX = "inference"


def _answer(sim, request, on_inference_host):
    latency, body, headers = inference.chat_completion(sim, request.json(), on_inference_host)
    if latency:
        sim.stop_event.wait(latency)  # scripted model latency; a shutdown wakes it
    return Response(200, body, headers)


def chat_completions_api_host(sim, request):
    return _answer(sim, request, on_inference_host=False)


def chat_completions_inference_host(sim, request):
    return _answer(sim, request, on_inference_host=True)


def register(router):
    router.add("POST", "v1/chat/completions", chat_completions_api_host)
    router.add("POST", INFERENCE_PREFIX + "/v1/chat/completions", chat_completions_inference_host)
