# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""Probing an endpoint with inference: a minimal chat completion, its latency, status and serving deployment.

What the control plane reports (STARTED, READY) is not what a release needs; these probes ask the endpoint
itself. The inference host is another origin than the management API (v2 inference lives on
api-inference.together.ai), so probes go through their own client, bound to that one origin: the key goes
to the management API's origins and to the inference origin the task names, nowhere else.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import re
import threading
import time

from urllib.parse import urlsplit

from ansible_collections.together.ai.plugins.module_utils._client import (
    TogetherClient,
    error_details,
    normalize_base_url,
)
from ansible_collections.together.ai.plugins.module_utils._connection import is_loopback
from ansible_collections.together.ai.plugins.module_utils._errors import OptionError, TogetherError
from ansible_collections.together.ai.plugins.module_utils._v2_normalize import select_deployment

# Where Together serves inference for v2 (dedicated model inference) endpoints (v2 reference, section 12).
V2_INFERENCE_BASE_URL = "https://api-inference.together.ai/v1"
# Hosts of Together's own API: with base_url on one of them, v2 inference goes to V2_INFERENCE_BASE_URL.
TOGETHER_API_DOMAINS = ("together.ai", "together.xyz")
CHAT_COMPLETIONS_PATH = "/chat/completions"
DEFAULT_PROMPT = "Reply with the single word OK."
# The response header naming the deployment (cluster) that served; its value format is not documented.
CLUSTER_HEADER = "x-cluster"
MAX_COUNT = 100
MAX_PROMPT_CHARACTERS = 4000
# A probe answer's text is evidence, not data: keep the result small whatever max_tokens asked for.
MAX_TEXT_CHARACTERS = 2000

_EXCHANGE = threading.local()


class InferenceClient(TogetherClient):
    """The client for inference probes: the shared one, plus what a probe must see and must not do.

    It keeps each answer's headers (x-cluster names the deployment that served), and never repeats a probe the API
    answered: a 429 is an answer, and a probe is a billed request, so it is reported, not retried. A connection that
    was never made is still retried.
    """

    def _finish(self, response, url):
        _EXCHANGE.headers = response.headers
        return super(InferenceClient, self)._finish(response, url)

    def _pause_for_rate_limit(self, failure, retry_number, shared=True):
        raise failure.plain(" (a probe is not repeated once the API has answered)")


def inference_client(settings, inference_base_url, **kwargs):
    """An InferenceClient with the task's connection settings, allowed to send the key to inference_base_url only."""
    return InferenceClient(settings.api_key, timeout=settings.timeout, validate_certs=settings.validate_certs,
                           max_retries=settings.max_retries, ca_path=settings.ca_path,
                           origins=[inference_base_url], **kwargs)


def chat_completions_url(inference_base_url):
    """Where a probe is sent: the chat completions URL of an inference base URL."""
    return inference_base_url + CHAT_COMPLETIONS_PATH


def check_inference_base_url(value, allow_plain_http=False):
    """The normalized inference base URL; raise OptionError naming the option when it cannot be used."""
    try:
        url = normalize_base_url(value, option_name="inference_base_url")
    except TogetherError as exc:
        raise OptionError("%s (or TOGETHER_INFERENCE_BASE_URL)" % exc.message)
    parts = urlsplit(url)
    if parts.scheme == "http" and not is_loopback(parts.hostname) and not allow_plain_http:
        raise OptionError("inference_base_url %s is plain http:// to a host that is not this machine: the API key "
                          "would cross the network unencrypted. Use https://, or set allow_plain_http: true if that "
                          "network is trusted" % url)
    return url


def is_together_host(url):
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return any(host == domain or host.endswith("." + domain) for domain in TOGETHER_API_DOMAINS)


def default_inference_base_url(api_version, base_url, base_url_given):
    """Where probes go when inference_base_url is not set.

    v1 endpoints answer on the API's own host (base_url). v2 endpoints answer on api-inference.together.ai,
    unless base_url names a host that is not Together's (a simulator, a gateway): the probe then goes there,
    so the key never goes to a host the task did not name.
    """
    if api_version == "v2" and (not base_url_given or is_together_host(base_url)):
        return V2_INFERENCE_BASE_URL
    return base_url


def inference_name(endpoint, deployment=None, project_slug=None):
    """(the model string inference takes, the pinned deployment or None) for an endpoint as the reader returns it.

    v1: the endpoint's name. v2: <project_slug>/<endpoint_name>, or <project_slug>/<endpoint_name>/<deployment>
    with deployment (a dep_ id or a name). Raises OptionError when deployment names none of its deployments.
    """
    endpoint_id = endpoint.get("id")
    name = endpoint.get("name") or ""
    if endpoint.get("api_version") != "v2":
        if deployment:
            raise OptionError("deployment applies to v2 endpoints only; endpoint '%s' is a v1 endpoint" % endpoint_id)
        if not name:
            raise TogetherError("endpoint '%s' has no name, which is what inference is sent to; set model instead"
                                % endpoint_id, endpoint_id=endpoint_id)
        return name, None
    if "/" not in name:
        if not project_slug:
            raise TogetherError("endpoint '%s' is named %r without its project slug, and the slug is unknown (it comes "
                                "from whoami when project_id is not set); set model to <project_slug>/%s instead"
                                % (endpoint_id, name, name), endpoint_id=endpoint_id)
        name = "%s/%s" % (project_slug, name)
    if not deployment:
        return name, None
    chosen = select_deployment(endpoint.get("deployments") or [], deployment)
    if chosen is None:
        known = ", ".join("%s (%s)" % (item.get("name"), item.get("id")) for item in endpoint.get("deployments") or [])
        raise OptionError("deployment %r is not a deployment of endpoint '%s' (it has: %s)"
                          % (deployment, endpoint_id, known or "none"))
    deployment_name = chosen.get("name") or ""
    if deployment_name.count("/") < 2:  # a bare deployment name: pin it under the endpoint's full name
        deployment_name = "%s/%s" % (name, deployment_name.rsplit("/", 1)[-1])
    return deployment_name, chosen


def served_by(cluster, deployments):
    """The deployment an x-cluster header value names, matched by id or name (full or last part), or None.

    The header's format is not documented: an exact match wins; else a deployment whose id or name appears
    in it as a whole word; with several such, none (the raw header is returned anyway).
    """
    if not cluster or not deployments:
        return None
    value = cluster.strip()
    for deployment in deployments:
        name = deployment.get("name") or ""
        if value in (deployment.get("id"), name, name.rsplit("/", 1)[-1]):
            return deployment
    words = set(re.split(r"[^A-Za-z0-9_.-]+", value))
    found = [deployment for deployment in deployments
             if deployment.get("id") in words or (deployment.get("name") or "").rsplit("/", 1)[-1] in words]
    return found[0] if len(found) == 1 else None


def median(values):
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return round((ordered[middle - 1] + ordered[middle]) / 2.0, 1)


def percentile_95(values):
    """The 95th percentile by nearest rank: the smallest value at least 95 % of the probes did not exceed."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(int(math.ceil(0.95 * len(ordered))) - 1, 0)]


def _answer_problem(body):
    """Why a 2xx body is not a chat completion, or None."""
    if not isinstance(body, dict):
        return "the answer is not a JSON object"
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        return "the answer has no choices"
    return None


def _answer_text(body):
    choice = body["choices"][0]
    message = choice.get("message")
    text = message.get("content") if isinstance(message, dict) else choice.get("text")
    if not isinstance(text, str):
        return None
    return text[:MAX_TEXT_CHARACTERS]


def _header(name):
    headers = getattr(_EXCHANGE, "headers", None)
    value = headers.get(name) if headers is not None else None
    return value if isinstance(value, str) else None


class Prober:
    """Sends the probes of one task through an InferenceClient, one after another per target."""

    def __init__(self, client, inference_base_url, request, clock=time.monotonic):
        self.client = client
        self.inference_base_url = inference_base_url
        self.url = chat_completions_url(inference_base_url)
        self.request = request
        self._clock = clock

    def probe(self, model, deployments=None, where=None):
        """request.count probes of one inference name; stops at the first answer that is not a success.

        Returns the result dict; raises TogetherError when the host could not be reached (no HTTP answer).
        deployments: the endpoint's deployments, to name the one that served from x-cluster.
        """
        probes, error = [], None
        for _number in range(self.request.count):
            probe, error = self._one(model, deployments or [], where)
            probes.append(probe)
            if error is not None:
                break
        return self._summary(model, probes, error)

    def _one(self, model, deployments, where):
        _EXCHANGE.headers = None
        started = self._clock()
        try:
            status, body = self.client.request("POST", self.url, json=self.request.body(model))
            failure = None
        except TogetherError as exc:
            if exc.status == 404:
                # The client raises only a 404 that is not the API's own: the URL is wrong, not the endpoint.
                raise TogetherError("%s: HTTP 404 from %s: the inference host does not know this URL; check "
                                    "inference_base_url (v2 endpoints answer at %s, v1 endpoints on base_url)"
                                    % (where or "probe", self.url, V2_INFERENCE_BASE_URL),
                                    **exc.context()) from exc
            if exc.status is None:
                # No HTTP answer (the host is not reachable, or timed out): nothing is known of the endpoint.
                raise (exc.within(where) if where else exc) from exc
            status, body, failure = exc.status, None, exc
        latency_ms = round((self._clock() - started) * 1000.0, 1)
        cluster = _header(CLUSTER_HEADER)
        deployment = served_by(cluster, deployments)
        probe = dict(status=status, latency_ms=latency_ms, answered=False, model=None, text=None, cluster=cluster,
                     deployment=deployment.get("name") if deployment else None,
                     deployment_id=deployment.get("id") if deployment else None)
        if failure is not None:
            return probe, dict(message=failure.api_message or failure.message,
                               type=failure.error_type, code=failure.code, detail=failure.message)
        if not 200 <= status < 300:  # the client returns the API's JSON 404 (an unknown model) as an answer
            message, error_type, code = error_details(body)
            message = message or "HTTP %d" % status
            if status == 404 and deployments and not is_together_host(self.url):
                # A v2 endpoint asked on a host that is not Together's inference API (base_url's, by default): say where
                # v2 endpoints answer, or the 404 reads as if the endpoint were missing.
                message += (" (v2 endpoints answer on the inference API, %s on Together, here %s; set inference_base_url "
                            "or TOGETHER_INFERENCE_BASE_URL (endpoint_gate_inference_base_url in the gate) to your API's "
                            "inference host)" % (V2_INFERENCE_BASE_URL, self.inference_base_url))
            return probe, dict(message=message, type=error_type, code=code,
                               detail="HTTP %d from %s: %s" % (status, self.url, message))
        problem = _answer_problem(body)
        if problem:
            return probe, dict(message=problem, type=None, code=None,
                               detail="HTTP %d from %s: %s" % (status, self.url, problem))
        probe.update(answered=True, model=body.get("model") if isinstance(body.get("model"), str) else None,
                     text=_answer_text(body))
        return probe, None

    def _summary(self, model, probes, error):
        # Each fact once: what each probe got is in `probes`; the result adds only what no single probe holds (the
        # verdict and the latency figures) and the one error (probing stops at the first probe not answered).
        latencies = [probe["latency_ms"] for probe in probes]
        return dict(
            inference_name=model,
            inference_url=self.url,
            probed=True,
            answered=error is None and len(probes) == self.request.count,
            error=error,
            latency_ms_median=median(latencies),
            latency_ms_p95=percentile_95(latencies),
            probes=probes,
        )


def not_probed(model, url, why):
    """The result of a target that was resolved but not probed (check mode, or an endpoint that does not exist).

    An endpoint that does not exist did not answer, and `error` says why; in check mode nothing is known (the
    module's msg says why).
    """
    return dict(inference_name=model, inference_url=url, probed=False, answered=None if model else False,
                error=None if model else dict(message=why, type=None, code=None, detail=why),
                latency_ms_median=None, latency_ms_p95=None, probes=[])
