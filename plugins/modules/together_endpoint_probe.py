#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: together_endpoint_probe
short_description: Prove that a Together AI dedicated endpoint answers, with a minimal chat completion
version_added: 1.1.0
description:
  - Sends a minimal chat completion (C(POST /chat/completions), O(max_tokens=1) by default, a short fixed prompt
    unless O(prompt) is set) to a dedicated endpoint and reports whether it answered, the HTTP status, the latency
    of each probe with their median and 95th percentile, the model the answer names, the deployment that served it
    and the answer's text.
  - A state of C(STARTED) (or a v2 deployment C(READY)) is what the control plane believes. A probe asks the endpoint
    itself. A v2 deployment that is C(READY) without traffic weight answers HTTP 400 C(endpoint_not_configured) (or
    503 C(routing_error)); a freshly started endpoint may still be loading its weights.
  - "Cost: each probe is one billed inference request (O(count) probes per endpoint, each of at most O(max_tokens)
    output tokens plus the prompt)."
  - The endpoint is found from O(endpoint_id) (or O(endpoint_ids)) through the same reads as
    M(together.ai.together_endpoint_info), or named directly with O(model).
  - An answer that is not a success (any HTTP status other than 2xx, or a 2xx that is not a chat completion) is not a
    module failure; it is reported with RV(answered=false), the status and the API's error, unless
    O(fail_on_error=true). A host that cannot be reached (no HTTP answer, a TLS error, a timeout, or a 404 that is not
    the API's own, which means a wrong O(inference_base_url)) fails the task.
  - Probes are never retried once the API has answered (not on 4xx, including 429, nor on 5xx); a connection that
    could not be made is retried up to O(max_retries) times. O(timeout), TLS and size limits apply to each probe.
author:
  - together.ai collection maintainers (@together-ai-ansible)
extends_documentation_fragment:
  - together.ai.connection
  - together.ai._attributes
  - together.ai._attributes.actiongroup_together
attributes:
  check_mode:
    support: partial
    details:
      - "In check mode the module reads the endpoints and resolves their inference names, but sends no probe (each is
        a billed request); RV(probed) is V(false) and RV(answered) is V(null). Set C(check_mode: false) on the task
        to probe during a C(--check) run."
  diff_mode:
    support: N/A
    details:
      - This module does not change anything.
options:
  endpoint_id:
    description:
      - ID of the endpoint to probe, V(endpoint-...) (v1) or V(ep_...) (v2). It is read first to find its inference
        name and, for v2, its deployments.
      - Exactly one of O(endpoint_id), O(endpoint_ids) and O(model) is required.
    type: str
  endpoint_ids:
    description:
      - IDs of several endpoints to probe. They are read together, then probed concurrently (up to 16 at a time),
        O(count) probes each, one after another within an endpoint. Duplicates are probed once.
      - Each endpoint's result is in RV(probe_results), in the order asked; RV(answered) is V(true) when every one answered.
    type: list
    elements: str
  model:
    description:
      - The inference name to probe, without reading any endpoint, for example V(my-project/chat) (v2,
        C(<project_slug>/<endpoint_name>)), V(my-project/chat/blue) (one v2 deployment) or
        V(devuser/meta-llama/Llama-3-8b-chat-hf-a32b82a1) (v1).
      - The default O(inference_base_url) is then the one of v1 endpoints unless O(api_version=v2).
      - Each probe's C(deployment) in RV(probes) stays V(null) (the endpoint's deployments are not read); its
        C(cluster) still shows the header.
    type: str
  deployment:
    description:
      - With O(endpoint_id) of a v2 endpoint, probe this one deployment (a C(dep_...) id or its name), sending
        C(<project_slug>/<endpoint_name>/<deployment_name>), even when it has no traffic weight.
      - The module fails, listing the endpoint's deployments, when none has this id or name.
    type: str
  api_version:
    description:
      - Which Together endpoints API O(endpoint_id) and O(endpoint_ids) are read from, as in
        M(together.ai.together_endpoint_info). V(auto) reads C(ep_...) ids through v2 and others through v1.
      - With O(model), V(v2) picks the v2 default for O(inference_base_url); V(auto) and V(v1) pick the v1 one.
    type: str
    choices: [auto, v1, v2]
    default: auto
  project_id:
    description:
      - The project (C(proj_...)) v2 endpoints belong to. If not set, E(TOGETHER_PROJECT_ID), else the API key's
        project from whoami (which also gives the project slug, needed when the API sends a bare endpoint name).
    type: str
  inference_base_url:
    description:
      - Base URL of the inference API the probes are sent to (C(/chat/completions) is appended).
      - If not set, the value of the E(TOGETHER_INFERENCE_BASE_URL) environment variable is used, else, for a v1
        endpoint, O(base_url) (v1 endpoints answer on the API's own host), and for a v2 endpoint
        V(https://api-inference.together.ai/v1), where Together serves dedicated model inference. When O(base_url)
        names a host that is not Together's (C(together.ai), C(together.xyz)), such as the simulator or a gateway,
        v2 probes go to O(base_url) too.
      - The API key is sent to this URL as a Bearer token, as inference needs it. It is sent to the origin
        (scheme, host, port) of this URL and to those of O(base_url) only; a redirect elsewhere is not followed.
        The same rules as for O(base_url) apply; plain C(http://) is refused except to this machine unless
        O(allow_plain_http=true).
    type: str
  prompt:
    description:
      - The user message of each probe. If not set, a short fixed prompt asking for the single word OK.
      - At most 4000 characters.
    type: str
  max_tokens:
    description:
      - The most output tokens a probe may generate. V(1) keeps each probe as cheap and as fast as possible.
    type: int
    default: 1
  count:
    description:
      - How many probes to send to each endpoint, one after another (from 1 to 100). The latency of each is in
        RV(probes), their median in RV(latency_ms_median).
      - The probes of an endpoint stop at the first answer that is not a success.
    type: int
    default: 1
  fail_on_error:
    description:
      - Fail the task when an endpoint does not answer with a success (or does not exist), instead of returning
        RV(answered=false).
    type: bool
    default: false
notes:
  - "Probes are never sent in check mode unless the task sets C(check_mode: false) (see the attributes)."
  - "The API key is read on the host the module runs on; with the usual C(delegate_to: localhost), the controller's
    E(TOGETHER_API_KEY)."
  - The role P(together.ai.endpoint_gate#role) can probe endpoints with its C(answers), C(answer_latency_ms_at_most) and
    C(answered_by_deployment) checks.
seealso:
  - module: together.ai.together_endpoint_info
  - name: Together API reference, Create chat completion
    description: The API operation each probe calls.
    link: https://docs.together.ai/reference/chat-completions-1
  - name: Sending requests to dedicated endpoints
    description: Inference names of v2 endpoints and deployments.
    link: https://docs.together.ai/docs/dedicated-endpoints/requests
"""

EXAMPLES = r"""
- name: Check that a v2 endpoint answers before a release (one billed request)
  together.ai.together_endpoint_probe:
    endpoint_id: ep_CbJNwQC2ZqCU2iFT3mrCh
    fail_on_error: true

- name: Measure the latency over five probes
  together.ai.together_endpoint_probe:
    endpoint_id: ep_CbJNwQC2ZqCU2iFT3mrCh
    count: 5
  register: probe

- name: Gate on the median latency and on the deployment that served
  ansible.builtin.assert:
    that:
      - probe.answered
      - probe.latency_ms_median <= 2000
      - probe.probes | map(attribute='deployment') | unique == ['my-project/chat/blue']
    fail_msg: >-
      {{ probe.inference_name }}: {{ probe.error.detail if probe.error else (probe.latency_ms_median ~ ' ms, served by '
      ~ (probe.probes | map(attribute='deployment') | unique | join(', '))) }}

- name: Probe one deployment of a v2 endpoint, routed or not
  together.ai.together_endpoint_probe:
    endpoint_id: ep_CbJNwQC2ZqCU2iFT3mrCh
    deployment: green
  register: green

- name: Probe a v1 endpoint by its inference name, without reading it
  together.ai.together_endpoint_probe:
    model: devuser/meta-llama/Llama-3-8b-chat-hf-a32b82a1

- name: Probe several endpoints concurrently
  together.ai.together_endpoint_probe:
    endpoint_ids:
      - ep_CbJNwQC2ZqCU2iFT3mrCh
      - endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7
  register: fleet

- name: Name those that did not answer
  ansible.builtin.debug:
    msg: "{{ fleet.probe_results | rejectattr('answered') | map(attribute='endpoint_id') | list }}"

- name: Probe through the bundled simulator (v2 inference goes to base_url, as it is not a Together host)
  together.ai.together_endpoint_probe:
    endpoint_id: ep_CbJNwQC2ZqCU2iFT3mrCh
    base_url: http://127.0.0.1:8080/v1
    api_key: sim-key
"""

RETURN = r"""
answered:
  description:
    - Whether every probe was answered with a chat completion (HTTP 2xx with C(choices)); with O(endpoint_ids),
      every probe of every endpoint.
    - V(null) in check mode, when nothing was sent.
  returned: always
  type: bool
  sample: true
probe_results:
  description:
    - With O(endpoint_ids), one entry per endpoint, in the order asked, each with the keys RV(endpoint_id) to
      RV(probes) below. With O(endpoint_id) or O(model), those keys are the result itself (no list repeats them).
  returned: with O(endpoint_ids)
  type: list
  elements: dict
  sample:
    - endpoint_id: ep_CbJNwQC2ZqCU2iFT3mrCh
      api_version: v2
      exists: true
      inference_name: my-project/chat
      inference_url: https://api-inference.together.ai/v1/chat/completions
      probed: true
      answered: true
      error: null
      latency_ms_median: 182.4
      latency_ms_p95: 182.4
      probes:
        - status: 200
          latency_ms: 182.4
          answered: true
          model: my-project/chat
          deployment: my-project/chat/blue
          deployment_id: dep_CbzGdmn14t3HYrXXitmKa
          cluster: dep_CbzGdmn14t3HYrXXitmKa
          text: OK
endpoint_id:
  description: The endpoint probed.
  returned: with O(endpoint_id) or O(endpoint_ids) (in RV(probe_results))
  type: str
  sample: ep_CbJNwQC2ZqCU2iFT3mrCh
api_version:
  description: The API the endpoint was read from, V(v1) or V(v2).
  returned: with O(endpoint_id) or O(endpoint_ids) (in RV(probe_results))
  type: str
  sample: v2
exists:
  description: Whether the endpoint exists; a probe of one that does not is RV(answered=false), not sent.
  returned: with O(endpoint_id) or O(endpoint_ids) (in RV(probe_results))
  type: bool
  sample: true
inference_name:
  description: The model string the probes sent, the endpoint's inference name.
  returned: with O(endpoint_id) or O(model); with O(endpoint_ids), in RV(probe_results)
  type: str
  sample: my-project/chat
inference_url:
  description: Where the probes were sent (or would be, in check mode).
  returned: with O(endpoint_id) or O(model); with O(endpoint_ids), in RV(probe_results)
  type: str
  sample: https://api-inference.together.ai/v1/chat/completions
probed:
  description: Whether probes were sent (V(false) in check mode and for an endpoint that does not exist).
  returned: with O(endpoint_id) or O(model); with O(endpoint_ids), in RV(probe_results)
  type: bool
  sample: true
error:
  description:
    - Why the endpoint did not answer, else V(null). Probing stops at the first probe not answered, so there is
      at most one; it belongs to the last entry of RV(probes). For an endpoint that does not exist, why no probe
      was sent.
    - C(message) is the API's own message, C(type) and C(code) its error type and code (for example
      C(endpoint_not_configured) for a v2 endpoint without traffic weight), C(detail) the full line with status
      and URL.
  returned: with O(endpoint_id) or O(model); with O(endpoint_ids), in RV(probe_results)
  type: dict
  sample:
    message: endpoint has no deployment with traffic weight
    type: invalid_request_error
    code: endpoint_not_configured
    detail: "HTTP 400 from https://api-inference.together.ai/v1/chat/completions: endpoint has no deployment with
      traffic weight"
latency_ms_median:
  description: The median of the probes' C(latency_ms); V(null) when no probe was sent.
  returned: with O(endpoint_id) or O(model); with O(endpoint_ids), in RV(probe_results)
  type: float
  sample: 182.4
latency_ms_p95:
  description: The 95th percentile (nearest rank) of the probes' C(latency_ms); V(null) when no probe was sent.
  returned: with O(endpoint_id) or O(model); with O(endpoint_ids), in RV(probe_results)
  type: float
  sample: 190.2
probes:
  description: Each probe sent, in order (none in check mode or for an endpoint that does not exist).
  returned: with O(endpoint_id) or O(model); with O(endpoint_ids), in RV(probe_results)
  type: list
  elements: dict
  contains:
    status:
      description: The HTTP status of the answer.
      type: int
      sample: 200
    latency_ms:
      description: Milliseconds from sending the request to the last byte of the answer.
      type: float
      sample: 182.4
    answered:
      description: Whether the answer was a chat completion (HTTP 2xx with C(choices)).
      type: bool
      sample: true
    model:
      description: The model the answer names (for a v2 endpoint, Together echoes the endpoint name); V(null) if none.
      type: str
      sample: my-project/chat
    deployment:
      description:
        - The name of the v2 deployment that served the probe, from the C(x-cluster) response header matched against
          the endpoint's deployments by id or name. V(null) when the API does not say or no deployment matches.
      type: str
      sample: my-project/chat/blue
    deployment_id:
      description: The id of that deployment.
      type: str
      sample: dep_CbzGdmn14t3HYrXXitmKa
    cluster:
      description: The raw C(x-cluster) header of the answer, or V(null).
      type: str
      sample: dep_CbzGdmn14t3HYrXXitmKa
    text:
      description: The text of the answer (its first choice), cut at 2000 characters; V(null) if not answered.
      type: str
      sample: OK
  sample:
    - status: 200
      latency_ms: 182.4
      answered: true
      model: my-project/chat
      deployment: my-project/chat/blue
      deployment_id: dep_CbzGdmn14t3HYrXXitmKa
      cluster: dep_CbzGdmn14t3HYrXXitmKa
      text: OK
project_id:
  description: The project v2 endpoints were read from.
  returned: when a v2 endpoint was read
  type: str
  sample: proj_CbJNwQC2ZqCU2iFT3mrCh
project_slug:
  description: The project's slug, when whoami told it.
  returned: when a v2 endpoint was read
  type: str
  sample: my-project
"""

from ansible.module_utils.basic import env_fallback

from ansible_collections.together.ai.plugins.module_utils._errors import OptionError, TogetherError
from ansible_collections.together.ai.plugins.module_utils._inference_probe import EndpointProbe, ProbeRequest
from ansible_collections.together.ai.plugins.module_utils._module import TogetherModule

ARGUMENT_SPEC = dict(
    endpoint_id=dict(type="str"),
    endpoint_ids=dict(type="list", elements="str"),
    model=dict(type="str"),
    deployment=dict(type="str"),
    api_version=dict(type="str", default="auto", choices=["auto", "v1", "v2"]),
    inference_base_url=dict(type="str", fallback=(env_fallback, ["TOGETHER_INFERENCE_BASE_URL"])),
    prompt=dict(type="str"),
    max_tokens=dict(type="int", default=1, no_log=False),  # a token count, not a secret
    count=dict(type="int", default=1),
    fail_on_error=dict(type="bool", default=False),
)
TARGETS = ("endpoint_id", "endpoint_ids", "model")


def main():
    module = TogetherModule(argument_spec=ARGUMENT_SPEC, project_option=True, mutually_exclusive=[TARGETS],
                            required_one_of=[TARGETS], supports_check_mode=True)
    probe = module.build_request(lambda params: EndpointProbe.from_params(params, ProbeRequest.from_params(params)))
    reader = module.endpoint_reader(probe.api_version, include_deployments=probe.deployment is not None)
    try:
        result = probe.run(reader, module.settings, lambda: module.project.project_slug, module.check_mode)
    except OptionError as exc:
        module.fail_json(msg=str(exc))
    except TogetherError as exc:
        module.fail_from(exc, **module.project_facts())
    result.update(module.project_facts())
    failure = probe.failure_message(result)
    if failure:
        module.fail_json(msg=failure, **result)
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
