#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: together_endpoint_info
short_description: Read Together AI dedicated endpoints, and wait for them to reach a state
version_added: 1.0.0
description:
  - Reads one dedicated endpoint (C(GET /endpoints/{endpointId})), several endpoints concurrently, or the list of
    endpoints (C(GET /endpoints)) from the Together AI REST API, and returns every field the API sends.
  - Optionally polls until every requested endpoint is in a given state, so a playbook can gate a deployment on it.
  - An endpoint the API does not know (HTTP 404) is not a failure; it is reported with RV(exists=false) and in
    RV(missing). Only the API's own "does not exist" counts; a 404 for a URL the API does not know (code
    C(unknown_url)), an HTML page or an empty body fails, naming the URL and suggesting to check O(base_url).
  - Reads both Together APIs behind one interface. v1 endpoints (C(endpoint-...) ids) come from
    C(GET /v1/endpoints/{endpointId}); v2 endpoints (C(ep_...) ids, the project-scoped API every new endpoint
    lives in) come from C(GET /v2/projects/{projectId}/endpoints/{endpointId}) and are returned in the v1
    vocabulary (C(state), C(model), C(hardware), C(autoscaling)) derived from their primary deployment, plus
    their v2 facts. See O(api_version) and the migration notes in C(docs/v2-migration.md).
  - This module returns its data in the result, never as facts. Register it and read RV(endpoint) or RV(endpoints).
author:
  - together.ai collection maintainers (@together-ai-ansible)
extends_documentation_fragment:
  - together.ai.connection
  - together.ai._attributes
  - together.ai._attributes.info_module
  - together.ai._attributes.actiongroup_together
options:
  endpoint_id:
    description:
      - ID of the endpoint to read, for example V(endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7) (v1) or
        V(ep_CbJNwQC2ZqCU2iFT3mrCh) (v2).
      - It is sent as one percent-encoded path segment, so no value can reach another API path or add a query.
      - Mutually exclusive with O(endpoint_ids). When neither is set, the module lists endpoints.
    type: str
  endpoint_ids:
    description:
      - IDs of several endpoints to read. They are fetched concurrently over one HTTP session, O(concurrency) at a time.
      - RV(endpoints) keeps the order of this list; IDs the API answers 404 for are left out of it and listed
        in RV(missing). Duplicates are read once.
      - One list may mix v1 and v2 ids; each is read through its own API (see O(api_version)).
      - Mutually exclusive with O(endpoint_id).
    type: list
    elements: str
  concurrency:
    description:
      - How many endpoints of O(endpoint_ids) are read at a time, over as many pooled connections of one HTTP
        session. Also applies to every poll of a wait (O(wait_for_state)).
      - The default reads 100 endpoints in 7 rounds of one request time each (16, 16, ..., 4).
      - From V(1) (one at a time) to V(64). The bound is there so that a large batch never floods the API; an HTTP 429
        (rate limited) answer still pauses every read of the task at once, for as long as the API asks, within the
        task's rate-limit budget. Lower it to be gentler on an API shared with other tools.
    type: int
    default: 16
    version_added: 1.1.0
  api_version:
    description:
      - Which Together endpoints API to read.
      - V(auto) reads an id starting with C(ep_) through v2 and every other id through v1. When listing, it uses
        v2 if O(name) is set or a project is known (O(project_id) or E(TOGETHER_PROJECT_ID)), else v1.
      - V(v1) and V(v2) force one API for every id and for the list.
    type: str
    choices: [auto, v1, v2]
    default: auto
  project_id:
    description:
      - The project (C(proj_...)) v2 endpoints belong to.
      - If not set, the value of the E(TOGETHER_PROJECT_ID) environment variable is used, else the project of the
        API key, read once per task from C(GET /v3/whoami) (falling back to C(GET /v1/whoami)). An
        organization-scoped key has no project and needs this option. A blank value counts as not set.
      - v2 calls go to the host root of O(base_url) without its C(/v1) (V(https://api.together.ai) when
        O(base_url) is not set), never to C(.../v1/v2/...).
    type: str
  include_deployments:
    description:
      - For v2 endpoints read with O(endpoint_id) or O(endpoint_ids), also list the endpoint's deployments in full
        (one more request per endpoint), which adds
        each deployment's C(status_message) and C(scheduled_replicas) and covers endpoints with more than the
        10 deployments an endpoint embeds.
    type: bool
    default: false
  include_cost:
    description:
      - Give RV(endpoint) and each of RV(endpoints) its RV(endpoint.hourly_cost_ceiling), what it can cost an hour at
        full scale, from the prices the API publishes. The sum, over its deployments that are not stopped (a v1 endpoint, unless stopped), of
        C(max_replicas) times the hourly price of its hardware (v2 instance types' C(priceCentsPerHour), v1 hardware's
        C(pricing.cents_per_minute) times 60), in USD.
      - It costs one catalog read per task (C(GET /v2/public/inference-instance-types), and C(GET /v1/hardware) for
        v1 endpoints), none per endpoint; with O(wait_for_state), once after the wait.
      - A hardware without a published price makes the ceiling unknown (V(null)), with a warning naming it.
    type: bool
    default: false
  deployment:
    description:
      - For v2 endpoints, the deployment (a C(dep_...) id or its name) whose state, model, hardware and bounds
        fill the flat v1 fields, instead of the primary deployment.
    type: str
  name:
    description:
      - When listing v2 endpoints, only return the endpoint with this name (bare, or C(<project_slug>/<name>)).
    type: str
  max_results:
    description:
      - When listing v2 endpoints, follow the pages up to this many endpoints, with a warning when more exist.
    type: int
    default: 1000
  type:
    description:
      - When listing (neither O(endpoint_id) nor O(endpoint_ids) set), only return endpoints of this type.
    type: str
    choices: [dedicated, serverless]
  usage_type:
    description:
      - When listing, only return endpoints of this usage type.
    type: str
    choices: [on-demand, reserved]
  mine:
    description:
      - When listing, V(true) returns only the endpoints owned by the caller, V(false) all visible ones.
      - Not sent to the API when unset.
    type: bool
  wait_for_state:
    description:
      - Poll until every requested endpoint is in this state, then return them.
      - Needs O(endpoint_id) or O(endpoint_ids).
      - Fails at once when an endpoint reaches V(ERROR) (or V(FAILED), which the live API has sent) unless that is
        the state waited for, or when an endpoint does not exist.
      - On timeout, fails with a message naming each endpoint not there yet and its last state.
      - For v2 endpoints, V(STARTED) means the primary deployment is C(READY) and, unless O(wait_for_routing=false),
        serving (it has traffic weight and ready replicas). A C(FAILED) deployment fails the wait at once, with its
        status message (such as C(Timed out waiting for readiness)); a C(DEGRADED) one is waited through, its status
        message shown in the progress. The endpoint's summaries of its deployments carry no message, so the
        deployment is read for it (one more request when the primary deployment is C(DEGRADED) or C(FAILED)).
      - The wait runs on the controller (the module's action plugin), which reads the endpoints through the module
        every O(wait_sleep) seconds and prints a progress line at least every O(wait_progress_interval) seconds naming
        each endpoint not there yet. It needs no C(async) and works whatever E(HOME) is, in check mode too. The project
        (whoami) and the readable model names are read by the first poll only; later polls read just the endpoints.
      - An endpoint in a state it does not leave by itself (V(STOPPED) while V(STARTED), V(STARTING) or V(PENDING)
        is awaited) fails the wait once it has stayed so for 20 seconds (the time for the API to show a start
        request that was just sent), not at the timeout.
    type: str
    choices: [PENDING, STARTING, STARTED, STOPPING, STOPPED, ERROR]
  wait_timeout:
    description:
      - Seconds to wait for O(wait_for_state) before failing. No read of the wait starts after it, and reads near
        the end retry less (O(max_retries)), so the wait ends at most one O(timeout) later.
    type: float
    default: 600
  wait_progress_interval:
    description:
      - While waiting for O(wait_for_state), print a progress line at least this often (seconds), naming each
        endpoint not there yet and where it stands.
      - Lines are printed by the action plugin on the controller; when the task runs with C(async), the module
        waits by itself and prints nothing.
    type: float
    default: 30
  wait_sleep:
    description:
      - Seconds between two polls while waiting for O(wait_for_state), counted from the start of one poll to the start
        of the next, so the wait returns at most this long (plus one read) after the endpoints get there.
      - A poll that takes longer than this is followed by a short pause (a fifth of O(wait_sleep), at most one second),
        so reads never come back to back.
    type: float
    default: 5
  wait_for_routing:
    description:
      - For v2 endpoints waited for V(STARTED), also wait until the endpoint serves (a READY deployment without
        traffic weight serves nothing). Set to V(false) to stop at READY.
    type: bool
    default: true
notes:
  - "The API key is read on the host the module runs on. With the usual C(delegate_to: localhost) or
    C(connection: local), that is the controller's E(TOGETHER_API_KEY)."
  - "Export E(TOGETHER_API_KEY) in the controller's environment (or use O(api_key) with a vaulted variable) rather
    than setting it with the task keyword C(environment:): at C(-vvvv) Ansible prints the environment of the
    commands it runs, key included. The module itself never shows the key."
seealso:
  - name: Together API reference, Get endpoint by ID
    description: The API operation this module calls for one endpoint.
    link: https://docs.together.ai/reference/getendpoint
  - name: Together API reference, List all endpoints
    description: The API operation this module calls when listing.
    link: https://docs.together.ai/reference/listendpoints
"""

EXAMPLES = r"""
- name: Read one endpoint (the key comes from TOGETHER_API_KEY)
  together.ai.together_endpoint_info:
    endpoint_id: endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7
  register: result

- name: Gate on its state and replica bounds
  ansible.builtin.assert:
    that:
      - result.exists
      - result.endpoint.state == 'STARTED'
      - result.endpoint.autoscaling.min_replicas >= 1
      - result.endpoint.autoscaling.max_replicas <= 4
    fail_msg: "endpoint is {{ result.endpoint.state | default('missing') }}"

- name: Read several endpoints at once
  together.ai.together_endpoint_info:
    endpoint_ids:
      - endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7
      - endpoint-5c0c20db-62fe-4f41-8ffc-d9e4ea1a264e
  register: several

- name: Fail when any of them does not exist
  ansible.builtin.assert:
    that: several.missing | length == 0
    fail_msg: "unknown endpoints: {{ several.missing | join(', ') }}"

- name: List my dedicated endpoints
  together.ai.together_endpoint_info:
    type: dedicated
    mine: true
  register: mine

- name: Show their states
  ansible.builtin.debug:
    msg: "{{ mine.endpoints | items2dict(key_name='id', value_name='state') }}"

- name: Wait up to 20 minutes for an endpoint to start, printing progress while it waits
  together.ai.together_endpoint_info:
    endpoint_id: endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7
    wait_for_state: STARTED
    wait_timeout: 1200
    wait_sleep: 15
    wait_progress_interval: 30

- name: Set the connection once for every together.ai module in a play
  module_defaults:
    group/together.ai.together:
      api_key: "{{ vault_together_api_key }}"
      base_url: https://api.together.ai/v1
      max_retries: 5
  block:
    - name: Read an endpoint with the group's defaults
      together.ai.together_endpoint_info:
        endpoint_id: endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7

- name: Read a v1 and a v2 endpoint in one call (the project comes from TOGETHER_PROJECT_ID or whoami)
  together.ai.together_endpoint_info:
    endpoint_ids:
      - endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7
      - ep_CbJNwQC2ZqCU2iFT3mrCh
  register: fleet

- name: Every endpoint, v1 or v2, is STARTED; v2 ones also serve traffic
  ansible.builtin.assert:
    that:
      - fleet.endpoints | map(attribute='state') | unique == ['STARTED']
      - fleet.endpoints | selectattr('api_version', 'equalto', 'v2') | rejectattr('serving') | list == []

- name: List the v2 endpoints of a project
  together.ai.together_endpoint_info:
    api_version: v2
    project_id: proj_CbJNwQC2ZqCU2iFT3mrCh

- name: Read from the bundled offline simulator (see docs/simulator.md)
  together.ai.together_endpoint_info:
    endpoint_id: endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7
    base_url: http://127.0.0.1:8080/v1
    api_key: sim-key
"""

RETURN = r"""
exists:
  description:
    - With O(endpoint_id), whether the endpoint exists (the API did not answer 404).
    - With O(endpoint_ids), whether all of them exist.
    - When listing, whether the list has at least one endpoint.
  returned: success
  type: bool
  sample: true
endpoint:
  description:
    - The endpoint read with O(endpoint_id), with every field the API returned, unchanged (extra fields and
      states outside the specification included).
    - V(null) when the API answered 404, and when O(endpoint_id) was not used.
  returned: success
  type: dict
  sample:
    object: endpoint
    id: endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7
    name: devuser/meta-llama/Llama-3-8b-chat-hf-a32b82a1
    display_name: My Llama3 70b endpoint
    model: meta-llama/Llama-3-8b-chat-hf
    hardware: 1x_nvidia_a100_80gb_sxm
    type: dedicated
    owner: devuser
    state: STARTED
    autoscaling:
      min_replicas: 2
      max_replicas: 5
    created_at: "2025-02-04T10:43:55.405Z"
  contains:
    object:
      description: The type of object, always V(endpoint).
      type: str
      sample: endpoint
    id:
      description: Unique identifier of the endpoint.
      type: str
      sample: endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7
    name:
      description: System name of the endpoint, the model string used for inference.
      type: str
      sample: devuser/meta-llama/Llama-3-8b-chat-hf-a32b82a1
    display_name:
      description: Human-readable name of the endpoint.
      type: str
      sample: My Llama3 70b endpoint
    model:
      description: The model deployed on the endpoint.
      type: str
      sample: meta-llama/Llama-3-8b-chat-hf
    hardware:
      description: The hardware configuration of the endpoint.
      type: str
      sample: 1x_nvidia_a100_80gb_sxm
    type:
      description: The type of endpoint, V(dedicated) here.
      type: str
      sample: dedicated
    owner:
      description: The owner of the endpoint.
      type: str
      sample: devuser
    state:
      description:
        - Current state, one of V(PENDING), V(STARTING), V(STARTED), V(STOPPING), V(STOPPED), V(ERROR).
        - Other values the API sends (the live API has sent V(FAILED)) are returned unchanged, with a warning.
      type: str
      sample: STARTED
    autoscaling:
      description: Replica bounds of the endpoint.
      type: dict
      contains:
        min_replicas:
          description: The minimum number of replicas kept, even without load.
          type: int
          sample: 2
        max_replicas:
          description: The maximum number of replicas under load.
          type: int
          sample: 5
    created_at:
      description: When the endpoint was created (ISO 8601).
      type: str
      sample: "2025-02-04T10:43:55.405Z"
    api_version:
      description: The API the endpoint was read from, V(v1) or V(v2). The only key added to a v1 endpoint.
      type: str
      sample: v1
    model_name:
      description:
        - v2 only. The readable name of the model in C(model) (a resource path on v2), read once per task and
          model from C(GET /v2/projects/{p}/models/{ml}).
        - V(null) when there is no deployment or the name could not be read (the module then warns once per model).
      type: str
      sample: devteam/Llama-3.3-70B-Instruct-Turbo
    project_id:
      description: v2 only. The project the endpoint belongs to (also in C(owner)).
      type: str
      sample: proj_CbJNwQC2ZqCU2iFT3mrCh
    serving:
      description:
        - v2 only. Whether some live deployment has traffic weight and ready replicas, that is whether the
          endpoint answers inference requests.
      type: bool
      sample: true
    traffic_split:
      description: v2 only. The endpoint's traffic split.
      type: list
      elements: dict
      sample: [{deployment_id: dep_CbzGdmn14t3HYrXXitmKa, weight: 1}]
    primary_deployment_id:
      description:
        - v2 only. The deployment the flat fields describe. The primary is the live deployment with the largest
          weight times ready replicas in the traffic split (ties to the newest); with no weight anywhere, the
          newest live deployment; none without deployments (C(state) is then V(STOPPED)).
      type: str
      sample: dep_CbzGdmn14t3HYrXXitmKa
    deployment_state:
      description: v2 only. The raw state of that deployment, from which C(state) is derived.
      type: str
      sample: DEPLOYMENT_STATE_READY
    total_min_replicas:
      description: v2 only. Sum of C(min_replicas) over the live deployments that have traffic weight.
      type: int
      sample: 2
    total_max_replicas:
      description: v2 only. Sum of C(max_replicas) over the live deployments that have traffic weight.
      type: int
      sample: 4
    deployments:
      description:
        - v2 only. Each deployment, with its raw C(state) and its C(normalized_state) in v1 words, C(model),
          C(hardware), C(min_replicas), C(max_replicas), C(desired_replicas), C(ready_replicas),
          C(scheduled_replicas), C(traffic_weight), C(traffic_mode), C(traffic_share), C(status_message),
          C(created_at) and C(model_name) (the readable name of its C(model), or V(null)). Missing counts read as 0.
      type: list
      elements: dict
      sample:
        - id: dep_CbzGdmn14t3HYrXXitmKa
          name: my-project/chat/blue
          state: DEPLOYMENT_STATE_READY
          normalized_state: STARTED
          model: projects/proj_CbJNwQC2ZqCU2iFT3mrCh/models/ml_CbJNwQC2ZqCU2iFT3mrCh/revisions/rv_CbJ9yNrws93VQrZum1fTE
          hardware: 1xnvidia-h100-80gb
          min_replicas: 1
          max_replicas: 2
          desired_replicas: 1
          ready_replicas: 1
          scheduled_replicas: null
          traffic_weight: 1
          traffic_mode: TRAFFIC_MODE_LIVE
          traffic_share: 1.0
          status_message: null
          created_at: "2026-08-01T10:00:00Z"
          model_name: devteam/Llama-3.3-70B-Instruct-Turbo
    raw:
      description: v2 only. The Endpoint object exactly as the API sent it (camelCase), for anything not listed here.
      type: dict
      sample: {id: ep_CbJNwQC2ZqCU2iFT3mrCh, name: my-project/chat, endpointType: ENDPOINT_TYPE_DEDICATED}
    hourly_cost_ceiling:
      description:
        - With O(include_cost=true) only. What the endpoint can cost an hour at full scale, in USD (see O(include_cost)).
        - C(usd_per_hour) is V(null) when a running deployment's hardware has no published price; C(unpriced_hardware)
          names it. C(breakdown) has one item per running deployment (stopped ones cost nothing).
      type: dict
      sample:
        usd_per_hour: 11.97
        unpriced_hardware: []
        breakdown:
          - {deployment: blue, max_replicas: 3, hardware: 1xnvidia-h100-80gb, usd_per_replica_hour: 3.99, usd_per_hour: 11.97}
endpoints:
  description:
    - With O(endpoint_id), V([endpoint]), or V([]) when it does not exist.
    - With O(endpoint_ids), the endpoints that exist, in the order asked.
    - When listing, the endpoints as the API listed them. List items carry fewer fields than a single read
      (no C(display_name), C(hardware) or C(autoscaling)).
  returned: success
  type: list
  elements: dict
  sample:
    - object: endpoint
      id: endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7
      name: devuser/meta-llama/Llama-3-8b-chat-hf-a32b82a1
      display_name: My Llama3 70b endpoint
      model: meta-llama/Llama-3-8b-chat-hf
      hardware: 1x_nvidia_a100_80gb_sxm
      type: dedicated
      owner: devuser
      state: STARTED
      autoscaling:
        min_replicas: 2
        max_replicas: 5
      created_at: "2025-02-04T10:43:55.405Z"
missing:
  description: The requested IDs the API answered 404 for, in the order asked. Empty when listing.
  returned: success
  type: list
  elements: str
  sample: [endpoint-5c0c20db-62fe-4f41-8ffc-d9e4ea1a264e]
project_id:
  description: The project v2 endpoints were read from (from O(project_id) or whoami).
  returned: when a v2 endpoint was read or listed
  type: str
  sample: proj_CbJNwQC2ZqCU2iFT3mrCh
project_slug:
  description: The project's slug, when whoami told it (not when O(project_id) was given).
  returned: when a v2 endpoint was read or listed
  type: str
  sample: my-project
elapsed:
  description: Seconds spent waiting for O(wait_for_state).
  returned: when O(wait_for_state) is set
  type: float
  sample: 42.5
"""

from ansible_collections.together.ai.plugins.module_utils._errors import TogetherError
from ansible_collections.together.ai.plugins.module_utils._endpoint_info import (
    CONCURRENCY_OPTION,
    WAIT_ARGUMENT_SPEC,
    EndpointInfo,
)
from ansible_collections.together.ai.plugins.module_utils._module import TogetherModule

ARGUMENT_SPEC = dict(
    endpoint_id=dict(type="str"),
    endpoint_ids=dict(type="list", elements="str"),
    type=dict(type="str", choices=["dedicated", "serverless"]),
    usage_type=dict(type="str", choices=["on-demand", "reserved"]),
    mine=dict(type="bool"),
    api_version=dict(type="str", default="auto", choices=["auto", "v1", "v2"]),
    include_deployments=dict(type="bool", default=False),
    deployment=dict(type="str"),
    name=dict(type="str"),
    max_results=dict(type="int", default=1000),
    concurrency=dict(CONCURRENCY_OPTION),
    include_cost=dict(type="bool", default=False),
    **WAIT_ARGUMENT_SPEC
)
MUTUALLY_EXCLUSIVE = [("endpoint_id", "endpoint_ids")]


def main():
    module = TogetherModule(argument_spec=ARGUMENT_SPEC, project_option=True, task_cache=True,
                            mutually_exclusive=MUTUALLY_EXCLUSIVE, supports_check_mode=True)
    request = module.build_request(EndpointInfo.from_params)
    reader = module.endpoint_reader(module.params["api_version"], module.params["include_deployments"],
                                    module.params["deployment"])
    reader.concurrency = request.concurrency
    try:
        result = request.run(reader)
        if module.params["include_cost"] and result["endpoints"]:
            # Imported only when asked: a plain v1 read must not load the v2 code (the import-time budget).
            # pylint: disable=import-outside-toplevel
            from ansible_collections.together.ai.plugins.module_utils._cost import add_ceilings, price_list
            from ansible_collections.together.ai.plugins.module_utils._hardware import HardwareCatalog

            catalog = HardwareCatalog(module.client, module.endpoints_v2(), module.settings.base_url)
            for warning in add_ceilings(result, price_list(catalog, result["endpoints"])):
                module.warn(warning)
    except TogetherError as exc:
        module.fail_from(exc)
    module.exit_json(changed=False, **dict(result, **module.project_facts()))


if __name__ == "__main__":
    main()
