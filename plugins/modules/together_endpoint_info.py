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
    RV(missing).
  - This module returns its data in the result, never as facts. Register it and read RV(endpoint) or RV(endpoints).
author:
  - together.ai collection maintainers (@together-ai-ansible)
extends_documentation_fragment:
  - together.ai.connection
  - together.ai.connection.attributes
options:
  endpoint_id:
    description:
      - ID of the endpoint to read, for example V(endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7).
      - It is sent as one percent-encoded path segment, so no value can reach another API path or add a query.
      - Mutually exclusive with O(endpoint_ids). When neither is set, the module lists endpoints.
    type: str
  endpoint_ids:
    description:
      - IDs of several endpoints to read. They are fetched concurrently over one HTTP session.
      - RV(endpoints) keeps the order of this list; IDs the API answers 404 for are left out of it and listed
        in RV(missing). Duplicates are read once.
      - Mutually exclusive with O(endpoint_id).
    type: list
    elements: str
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
      - For waits of many minutes, run the task with C(async) and C(poll) so the log shows progress.
    type: str
    choices: [PENDING, STARTING, STARTED, STOPPING, STOPPED, ERROR]
  wait_timeout:
    description:
      - Seconds to wait for O(wait_for_state) before failing.
    type: float
    default: 600
  wait_sleep:
    description:
      - Seconds between two polls while waiting for O(wait_for_state).
    type: float
    default: 5
notes:
  - "The API key is read on the host the module runs on. With the usual C(delegate_to: localhost) or
    C(connection: local), that is the controller's E(TOGETHER_API_KEY)."
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
  async: 1300
  poll: 15

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
elapsed:
  description: Seconds spent waiting for O(wait_for_state).
  returned: when O(wait_for_state) is set
  type: float
  sample: 42.5
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.together.ai.plugins.module_utils._client import TogetherError
from ansible_collections.together.ai.plugins.module_utils._connection import (
    connection_argument_spec,
    settings_and_client,
)
from ansible_collections.together.ai.plugins.module_utils._endpoints import STATES, EndpointsV1
from ansible_collections.together.ai.plugins.module_utils._info import EndpointInfo, OptionError


def main():
    module = AnsibleModule(
        argument_spec=connection_argument_spec(
            endpoint_id=dict(type="str"),
            endpoint_ids=dict(type="list", elements="str"),
            type=dict(type="str", choices=["dedicated", "serverless"]),
            usage_type=dict(type="str", choices=["on-demand", "reserved"]),
            mine=dict(type="bool"),
            wait_for_state=dict(type="str", choices=list(STATES)),
            wait_timeout=dict(type="float", default=600.0),
            wait_sleep=dict(type="float", default=5.0),
        ),
        mutually_exclusive=[("endpoint_id", "endpoint_ids")],
        supports_check_mode=True,
    )
    try:
        request = EndpointInfo.from_params(module.params)
    except OptionError as exc:
        module.fail_json(msg=str(exc))
    settings, client = settings_and_client(module)
    api = EndpointsV1(client, settings.base_url)
    try:
        result = request.run(api)
    except TogetherError as exc:
        for warning in _unique(api.warnings):
            module.warn(warning)
        failure = exc.to_result()
        failure.update(getattr(exc, "partial_result", {}))
        module.fail_json(msg=exc.message, **failure)
    for warning in _unique(api.warnings):
        module.warn(warning)
    module.exit_json(changed=False, **result)


def _unique(messages):
    seen = []
    for message in messages:
        if message not in seen:
            seen.append(message)
    return seen


if __name__ == "__main__":
    main()
