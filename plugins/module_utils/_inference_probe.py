# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""What together_endpoint_probe does with its options: find each endpoint's inference name, then probe it.

Endpoints are read through the same reader as together_endpoint_info; their probes run concurrently across
endpoints (one after another within an endpoint), each endpoint through the client of its inference host.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.together.ai.plugins.module_utils._errors import OptionError, TogetherError
from ansible_collections.together.ai.plugins.module_utils._inference import (
    DEFAULT_PROMPT,
    MAX_COUNT,
    MAX_PROMPT_CHARACTERS,
    Prober,
    chat_completions_url,
    check_inference_base_url,
    default_inference_base_url,
    inference_client,
    inference_name,
    not_probed,
)
from ansible_collections.together.ai.plugins.module_utils._options import endpoint_ids_from_params
from ansible_collections.together.ai.plugins.module_utils._parallel import MAX_PARALLEL_REQUESTS

CHECK_MODE_NOTE = ("check mode: nothing was sent, as each probe is a billed request; set check_mode: false on the "
                   "task to probe during a --check run")


class ProbeRequest:
    """The checked probe options: what to send, how often."""

    def __init__(self, prompt=DEFAULT_PROMPT, max_tokens=1, count=1):
        self.prompt = prompt
        self.max_tokens = max_tokens
        self.count = count

    @classmethod
    def from_params(cls, params):
        """Check the probe options; raise OptionError naming the option at fault."""
        count = params.get("count")
        if count is None or not 1 <= count <= MAX_COUNT:
            raise OptionError("count must be between 1 and %d (each probe is a billed request), got %r"
                              % (MAX_COUNT, count))
        max_tokens = params.get("max_tokens")
        if max_tokens is None or max_tokens < 1:
            raise OptionError("max_tokens must be 1 or more, got %r" % (max_tokens,))
        prompt = params.get("prompt")
        if prompt is None:
            prompt = DEFAULT_PROMPT
        elif not prompt.strip():
            raise OptionError("prompt must not be empty (leave it unset for the built-in prompt)")
        elif len(prompt) > MAX_PROMPT_CHARACTERS:
            raise OptionError("prompt is %d characters long; a probe prompt may have at most %d"
                              % (len(prompt), MAX_PROMPT_CHARACTERS))
        return cls(prompt=prompt, max_tokens=max_tokens, count=count)

    def body(self, model):
        return {"model": model, "messages": [{"role": "user", "content": self.prompt}],
                "max_tokens": self.max_tokens, "stream": False}


class EndpointProbe:
    """One validated probe task: which endpoints (or which model name), where, and how."""

    def __init__(self, request, endpoint_ids=None, single=True, model=None, deployment=None, api_version="auto",
                 inference_base_url=None, fail_on_error=False):
        self.request = request
        self.endpoint_ids = endpoint_ids or []
        self.single = single
        self.model = model
        self.deployment = deployment
        self.api_version = api_version
        self.inference_base_url = inference_base_url
        self.fail_on_error = fail_on_error

    @classmethod
    def from_params(cls, params, request):
        """Check the target options; raise OptionError naming the option at fault."""
        model, deployment = params.get("model"), params.get("deployment")
        if deployment is not None and not deployment.strip():
            raise OptionError("deployment must not be empty")
        ids, single = endpoint_ids_from_params(params)
        if ids is None:
            if model is None or not model.strip() or model != model.strip():
                raise OptionError("model must be an inference name such as my-project/chat, without surrounding "
                                  "white space, got %r" % (model,))
            if deployment is not None:
                raise OptionError("deployment needs endpoint_id (to find the deployment); with model, name the "
                                  "deployment in the model string (<project_slug>/<endpoint>/<deployment>)")
            ids, single = [], True
        elif not single and deployment is not None:
            raise OptionError("deployment pins one deployment of one endpoint: use it with endpoint_id, not endpoint_ids")
        inference_base_url = params.get("inference_base_url")
        if inference_base_url is not None:
            inference_base_url = check_inference_base_url(inference_base_url, params.get("allow_plain_http"))
        return cls(request, endpoint_ids=ids, single=single, model=model if not ids else None, deployment=deployment,
                   api_version=params.get("api_version") or "auto", inference_base_url=inference_base_url,
                   fail_on_error=bool(params.get("fail_on_error")))

    # -- running ------------------------------------------------------------------------------------------------------

    def base_url_for(self, api_version, settings):
        return self.inference_base_url or default_inference_base_url(api_version, settings.base_url,
                                                                     settings.base_url_given)

    def targets(self, reader, settings, project_slug):
        """[(endpoint_id, api_version, inference name or None, deployments, base URL, why not probed)]."""
        if self.model is not None:
            version = "v2" if self.api_version == "v2" else "v1"
            return [(None, None, self.model, [], self.base_url_for(version, settings), None)]
        endpoints = reader.get_endpoints(self.endpoint_ids)
        targets = []
        for endpoint_id in self.endpoint_ids:
            endpoint = endpoints.get(endpoint_id)
            version = reader.version_for(endpoint_id)
            base_url = self.base_url_for(version, settings)
            if endpoint is None:
                targets.append((endpoint_id, version, None, [], base_url,
                                "endpoint '%s' does not exist (the API answered 404)" % endpoint_id))
                continue
            name, _pinned = inference_name(endpoint, self.deployment, project_slug())
            targets.append((endpoint_id, version, name, endpoint.get("deployments") or [], base_url, None))
        return targets

    def run(self, reader, settings, project_slug, check_mode=False, make_client=inference_client):
        """The module result. Raises TogetherError (with the results so far) when a host cannot be reached."""
        targets = self.targets(reader, settings, project_slug)
        probers = {}
        for _endpoint_id, _version, name, _deployments, base_url, _why in targets:
            if name is not None and base_url not in probers and not check_mode:
                probers[base_url] = Prober(make_client(settings, base_url), base_url, self.request)

        def probe_one(target):
            endpoint_id, _version, name, deployments, base_url, why = target
            if name is None or check_mode:
                return not_probed(name, chat_completions_url(base_url), why or CHECK_MODE_NOTE)
            where = "endpoint '%s'" % endpoint_id if endpoint_id else "model '%s'" % name
            return probers[base_url].probe(name, deployments, where)

        outcomes = _concurrently(probe_one, targets)
        results, failures = [], []
        for (endpoint_id, version, _name, _deployments, _base_url, why), (result, failure) in zip(targets, outcomes):
            if failure is not None:
                failures.append(failure)
                result = dict(not_probed(None, chat_completions_url(_base_url), failure.message),
                              inference_name=_name)
            result = dict(result, endpoint_id=endpoint_id, api_version=version,
                          exists=None if endpoint_id is None else not why)
            results.append(result)
        summary = self._summary(results, check_mode)
        if failures:
            raise TogetherError("; ".join(failure.message for failure in failures),
                                **dict(failures[0].context(), partial_result=summary))
        return summary

    def _summary(self, results, check_mode):
        # One endpoint's result is the task's result (no probe_results list repeating it); several are listed.
        if self.single:
            summary = dict(results[0])
        else:
            summary = dict(probe_results=results,
                           answered=None if check_mode else all(result["answered"] for result in results))
        if check_mode:
            summary["msg"] = CHECK_MODE_NOTE
        return summary

    def failure_message(self, summary):
        """With fail_on_error, why the task fails (None when every probe answered)."""
        if not self.fail_on_error or summary["answered"] is not False:
            return None
        results = [summary] if self.single else summary["probe_results"]
        parts = []
        for result in results:
            if result["answered"] is False:
                error = result["error"] or {}
                status = result["probes"][-1]["status"] if result["probes"] else None
                parts.append("%s: %s%s" % (
                    "endpoint '%s'" % result["endpoint_id"] if result["endpoint_id"] else
                    "model '%s'" % result["inference_name"],
                    "HTTP %s: " % status if status is not None else "",
                    error.get("message") or "no answer"))
        return "the endpoint did not answer: " + "; ".join(parts) if self.single else \
            "%d of %d endpoints did not answer: %s" % (len(parts), len(results), "; ".join(parts))


def _concurrently(probe_one, targets):
    """[(result, None) or (None, TogetherError)] for each target, in order; targets probed in parallel."""
    def guarded(target):
        try:
            return probe_one(target), None
        except TogetherError as exc:
            return None, exc
    if len(targets) == 1:
        return [guarded(targets[0])]
    with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_REQUESTS, len(targets))) as executor:
        return list(executor.map(guarded, targets))
