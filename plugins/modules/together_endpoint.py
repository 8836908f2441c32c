#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: together_endpoint
short_description: Create, scale, stop, start and delete Together AI dedicated endpoints
version_added: 1.1.0
description:
  - Declares a Together AI dedicated endpoint and applies it, idempotently, with check mode and diff.
  - Built on the v2 API (C(/v2/projects/{projectId}/endpoints)), where an endpoint is a stable name with one or more
    deployments, each binding a model to a config (which fixes the hardware) with its own replica bounds, and a
    traffic split across them. Give O(model) with O(config) or O(hardware) for the common one-deployment case, or
    O(deployments) for blue/green and canary set-ups.
  - v1 endpoints (C(endpoint-...) ids) can still be scaled, stopped, renamed (O(display_name)) and deleted through
    the v1 API. Together no longer creates or restarts v1 endpoints (HTTP 403
    C(endpoints_v1_create_access_disabled)); a task that would create or start one fails before any request, in check
    mode too.
  - Changes go out as one PATCH per object (endpoint, deployment) with C(updateMask) naming only what changes, and the
    object's C(etag). Plan, apply, re-plan. When the API answers HTTP 409 because the object changed meanwhile (or a
    write has no clear outcome (no answer, or a 5xx)), the module never sends that body again. It reads the endpoint
    again and plans the rest anew from that read, at most 3 times, and then fails with "changed while this task wrote
    to it" and the writes it already sent. Any other 409 (a name taken, a deployment still routed) fails with the API's
    message.
  - The serving rule holds for every plan. A write never leaves an endpoint that serves (a C(READY) live deployment with
    traffic weight) without a C(READY) deployment with traffic weight, unless the declared state is V(stopped) or
    V(absent). Traffic moves to a deployment only once it is C(READY), also when it already holds weight. A deployment
    that serves is stopped or deleted only after the deployments that take its traffic are C(READY) and routed. A
    request that cannot be carried out safely fails before any write and names the deployment and its state, for
    example moving the traffic to a C(FAILED) deployment, to one that O(state=present) keeps stopped, an all-zero
    split, or O(recreate) of the only deployment that serves. A deployment that turns C(FAILED) during a wait fails
    the task, and the old traffic split stays in place. See the collection's C(docs/reliability.md).
  - A new deployment gets traffic weight only once it is C(READY); a deployment is deleted only once it is C(STOPPED)
    and out of the traffic split. The waits between these steps run on the controller (the module's action plugin),
    which prints a progress line at least every O(wait_progress_interval) seconds, as M(together.ai.together_endpoint_info)
    and the C(together.ai.endpoint_gate) role do, and judges readiness by the same rule.
  - Returns the endpoint exactly as M(together.ai.together_endpoint_info) returns it.
author:
  - together.ai collection maintainers (@together-ai-ansible)
extends_documentation_fragment:
  - together.ai.connection
  - together.ai._attributes
  - together.ai._attributes.write_module
  - together.ai._attributes.actiongroup_together
  - together.ai._models
options:
  state:
    description:
      - V(present) applies the declared shape (creating the endpoint and its deployments when missing). It does not
        start a stopped deployment (0/0 replicas), whose O(min_replicas) and O(max_replicas) apply once it runs; the
        module warns.
      - V(started) is V(present), and also starts stopped deployments (with 1 replica when no bounds are given) and,
        unless O(wait=false), returns only once the endpoint serves (its deployment is C(READY) and routed).
      - V(stopped) scales every deployment of the endpoint to 0/0 replicas and keeps it, with its traffic weight (a
        stopped deployment takes its weight again when it starts).
      - V(absent) takes the deployments out of the traffic split, stops them, waits until they are C(STOPPED), deletes
        them, then deletes the endpoint. An endpoint that does not exist is not an error.
    type: str
    choices: [present, started, stopped, absent]
    default: present
  endpoint_id:
    description:
      - ID of an existing endpoint, C(ep_...) (v2) or C(endpoint-...) (v1).
      - A v2 endpoint is created from O(name) only, as the API chooses ids. With both, O(name) renames the endpoint.
      - One of O(endpoint_id) and O(name) is required.
    type: str
  name:
    description:
      - The v2 endpoint's name, bare (V(chat)) or qualified with the project's slug (V(my-project/chat)). It is the
        model string clients send for inference (C(<project_slug>/<name>)).
      - Finds the endpoint (C(GET .../endpoints?filter=name="...")), or creates it when it does not exist.
    type: str
  display_name:
    description:
      - v1 endpoints only. The new human-readable name.
    type: str
  api_version:
    description:
      - V(auto) manages C(endpoint-...) ids through v1 and everything else through v2.
      - V(v1) without O(endpoint_id) would create a v1 endpoint, which Together refuses; the module fails before any
        request and points to v2.
    type: str
    choices: [auto, v1, v2]
    default: auto
  project_id:
    description:
      - The project (C(proj_...)) the v2 endpoint belongs to.
      - If not set, E(TOGETHER_PROJECT_ID) is used, else the project of the API key from C(GET /v3/whoami) (falling back
        to C(GET /v1/whoami)). A blank value counts as not set.
      - Setting it spares that whoami request (asked once per task; in a loop, the first item's answer serves the next
        items).
    type: str
  model:
    description:
      - The model of the endpoint's one deployment (named O(deployment_name)), as a public model name such as
        V(meta-llama/Llama-3.3-70B-Instruct-Turbo), a private model C(<project-slug>/<name>), an C(ml_...) id, or a
        resource path C(projects/{p}/models/{ml}[/revisions/{rv}]). The notes say how each is resolved and what it
        costs.
      - Compared with the deployment's model by its readable name (or id, or path). A different model cannot be set in
        place; see O(recreate).
      - Mutually exclusive with O(deployments).
    type: str
  config:
    description:
      - The config (C(cr_...) id or C(projects/{p}/configs/{id})) of the one deployment. A config fixes the hardware
        and engine, and cannot change in place (see O(recreate)).
      - Mutually exclusive with O(hardware) and O(deployments).
    type: str
  hardware:
    description:
      - The instance type of the one deployment, such as V(1xnvidia-h100-80gb) (see M(together.ai.together_hardware_info)).
        It is resolved to the config of O(model) for that hardware, as the official CLI does, that is the deployment profile
        with that GPU count and type for a catalog name, else the config of the model listed by
        C(GET /v2/projects/{p}/configs?referenceModelId=...), matched on C(<accelerator_count>x<accelerator_type>) with
        the C(nvidia-) prefix ignored.
      - Mutually exclusive with O(config) and O(deployments).
    type: str
  min_replicas:
    description:
      - The minimum number of replicas of the one deployment (v2), or of the v1 endpoint.
      - Not given, an existing deployment keeps its value; a new one gets 1.
      - 0 only together with O(max_replicas=0), which stops the deployment.
    type: int
  max_replicas:
    description:
      - The maximum number of replicas of the one deployment (v2), or of the v1 endpoint.
      - Not given, an existing deployment keeps its value; a new one gets O(min_replicas).
    type: int
  deployment_name:
    description:
      - The name of the one deployment within the endpoint. It takes all the live traffic; other deployments of the
        endpoint keep running, unrouted, unless O(purge_deployments=true).
      - Defaults to V(main).
      - Mutually exclusive with O(deployments).
    type: str
  deployments:
    description:
      - Several deployments (blue/green, canary). Deployments of the endpoint not listed keep running but get no
        traffic, unless O(purge_deployments=true).
      - Mutually exclusive with O(model), O(config), O(hardware), O(min_replicas), O(max_replicas) and
        O(deployment_name).
    type: list
    elements: dict
    suboptions:
      name:
        description: The deployment's name within the endpoint, such as V(blue).
        type: str
        required: true
      model:
        description: As O(model). Needed to create the deployment.
        type: str
      config:
        description: As O(config).
        type: str
      hardware:
        description: As O(hardware).
        type: str
      min_replicas:
        description: As O(min_replicas).
        type: int
      max_replicas:
        description: As O(max_replicas).
        type: int
      traffic_weight:
        description:
          - The deployment's weight in the traffic split, relative to the others (its share is weight times ready
            replicas over the sum of those). V(0) takes it out of live traffic.
          - Weights change only once every declared deployment with a weight above 0 is C(READY) (the serving rule);
            until then the split stays as it is and the task waits (O(wait)) for those deployments.
          - At least one declared deployment needs a weight above 0 unless O(state=stopped); an all-zero split
            would leave a running endpoint unrouted and is refused.
        type: float
        default: 1
  purge_deployments:
    description:
      - Delete the deployments of the endpoint not declared in O(deployments) (or other than O(deployment_name)),
        taken out of the traffic split (once the declared deployments are routed), stopped, then deleted.
    type: bool
    default: false
  visibility:
    description:
      - Who may call the v2 endpoint. V(private) (the project; the API's default on create) or V(internal) (the
        organization). Not given, an existing endpoint keeps its visibility.
    type: str
    choices: [private, internal]
  recreate:
    description:
      - Replace a deployment whose model, config or hardware differs from the one declared (they cannot change in
        place). It leaves the traffic split, stops, is deleted once C(STOPPED), and is created again as declared.
      - The endpoint serves nothing from that deployment meanwhile, so it is refused (before any write) when that
        deployment is the only one that serves; for no downtime, declare a second deployment in O(deployments) and
        move the O(deployments[].traffic_weight) to it, or stop the endpoint first.
      - Without it, such a difference fails the task before any write, naming the deployment and the field.
    type: bool
    default: false
  max_hourly_cost:
    description:
      - A ceiling, in US dollars an hour, on what the endpoint can cost at full scale after the change. That is the sum,
        over its deployments that are not stopped (a v1 endpoint, unless stopped), of C(max_replicas) times the hourly
        price of its hardware, as the API publishes it (v2 instance types' C(priceCentsPerHour), v1 hardware's
        C(pricing.cents_per_minute) times 60).
      - A plan whose ceiling after the change is above it fails before any write, saying the ceiling and how it is made
        up. So does a plan that would go above it while it runs new deployments beside the ones they replace (both
        count until the old ones are retired), unless the endpoint already costs that much.
      - A hardware without a published price makes the ceiling unknown, and the task fails before any write.
      - With it, check mode and C(--diff) show C(hourly_cost_ceiling) before and after, and the result returns
        RV(hourly_cost_ceiling). It costs one catalog read per task. Not set, nothing about cost is read or checked.
    type: float
  wait:
    description:
      - Wait until the change is complete before returning. With O(state=started) (where it defaults to V(true)), until
        the endpoint serves; with O(state=present), until new deployments are C(READY) and routed; with
        O(state=stopped), until every deployment is C(STOPPED).
      - O(state=absent) and O(recreate) always wait for deployments to stop, as the API deletes only stopped ones.
      - Defaults to V(true) with O(state=started), V(false) otherwise.
      - A task run with C(async) does not wait (the action plugin waits, not the module).
    type: bool
  wait_timeout:
    description:
      - Seconds all the waits of the task may take together, a finite number of 0 or more. Provisioning commonly takes
        many minutes.
    type: float
    default: 1800
  wait_sleep:
    description:
      - Seconds between two reads while waiting.
    type: float
    default: 5
  wait_progress_interval:
    description:
      - While waiting, print a progress line at least this often (seconds).
    type: float
    default: 30
notes:
  - Check mode reads what a real run reads (below) and, for a deployment to create with O(hardware), the configs of the
    model; it sends no write, does not wait, and RV(actions) says what each write would do.
  - "Reads of a v2 run: the endpoint (C(GET .../endpoints/{id}), or for O(name) the list filtered on that name, whose
    items are whole endpoints) and the readable name of each deployment's model (C(GET /v2/projects/{p}/models/{ml})).
    The deployments list (C(GET .../endpoints/{id}/deployments)) is read only when needed: when the endpoint embeds
    10 deployments (it embeds at most the 10 newest) or its traffic split names one it does not embed, when a
    deployment declares O(config) (embedded deployments name their hardware, not their config), with C(--diff) (which
    shows configs), and before any write (for the deployments' etags). C(GET /v3/whoami) unless O(project_id) or
    E(TOGETHER_PROJECT_ID) names the project."
  - "The items of a loop run one after the other in one controller process: the project whoami gave and the model
    names read by one item are reused by the next items of the same task. A loop declaring N endpoints that are
    already as declared reads each endpoint once, plus one whoami and one read per model for the whole loop."
  - The diff shows the endpoint's name, visibility and, per deployment, model, config, hardware, replica bounds and
    traffic weight (for a v1 endpoint, display name, state and bounds).
  - Idempotent. A second run with the same options reports no change once the first completed (with O(wait), or after
    new deployments became C(READY)).
  - "The API key is read on the host the module runs on; with the usual C(delegate_to: localhost), that is the
    controller's E(TOGETHER_API_KEY)."
seealso:
  - module: together.ai.together_endpoint_info
  - module: together.ai.together_hardware_info
  - name: Together docs, manage dedicated endpoints
    description: Deployments, replica bounds, traffic split and deletion order.
    link: https://docs.together.ai/docs/dedicated-endpoints/manage
"""

EXAMPLES = r"""
# In order, these run as written against the bundled simulator (tests/integration/targets/module_examples).
- name: Deploy a model on one H100 as deployment blue, and wait until the endpoint serves
  together.ai.together_endpoint:
    name: chat
    deployment_name: blue
    model: meta-llama/Llama-3.3-70B-Instruct-Turbo
    hardware: 1xnvidia-h100-80gb
    min_replicas: 1
    max_replicas: 2
    state: started
    wait_timeout: 2400
  register: chat

- name: Scale it (one PATCH of the deployment's autoscaling)
  together.ai.together_endpoint:
    name: chat
    deployment_name: blue
    min_replicas: 2
    max_replicas: 4

- name: Preview a change with its diff, sending nothing
  together.ai.together_endpoint:
    name: chat
    deployment_name: blue
    max_replicas: 8
  check_mode: true
  diff: true

- name: Blue/green - add green beside blue; green is routed once READY
  together.ai.together_endpoint:
    name: chat
    deployments:
      - name: blue
        traffic_weight: 1
      - name: green
        model: meta-llama/Llama-3.1-8B-Instruct
        hardware: 1xnvidia-h100-80gb
        traffic_weight: 1
    wait: true

- name: Blue/green - move all the traffic to green and delete blue
  together.ai.together_endpoint:
    name: chat
    deployments:
      - name: green
    purge_deployments: true

- name: Stop every deployment, keeping the endpoint and its traffic weights
  together.ai.together_endpoint:
    name: chat
    state: stopped

- name: Delete the endpoint (its deployments are stopped and deleted first)
  together.ai.together_endpoint:
    name: chat
    state: absent

- name: Stop a legacy v1 endpoint
  together.ai.together_endpoint:
    endpoint_id: endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7
    state: stopped
"""

RETURN = r"""
endpoint:
  description:
    - The endpoint after the task (in check mode, as it is now), exactly as M(together.ai.together_endpoint_info) returns
      it (for v2, the v1-vocabulary fields, C(deployments), C(traffic_split), C(serving) and C(raw)).
    - V(null) when it does not exist (after O(state=absent), or in check mode before it is created).
  returned: success
  type: dict
  sample:
    api_version: v2
    id: ep_CbJNwQC2ZqCU2iFT3mrCh
    name: my-project/chat
    state: STARTED
    serving: true
    autoscaling: {min_replicas: 1, max_replicas: 2}
    traffic_split: [{deployment_id: dep_CbzGdmn14t3HYrXXitmKa, weight: 1}]
exists:
  description: Whether the endpoint exists after the task (in check mode, now).
  returned: success
  type: bool
  sample: true
actions:
  description:
    - What each write sent did (in check mode, would do), one line per request, in the order sent.
    - In check mode, lines starting with C(then, once) say what the task would do after its waits (route a new
      deployment once it is C(READY), delete one once it is C(STOPPED)).
  returned: success
  type: list
  elements: str
  sample:
    - "create endpoint 'chat' (VISIBILITY_PRIVATE)"
    - "create endpoint 'chat' deployment 'main': meta-llama/Llama-3.3-70B-Instruct-Turbo on 1xnvidia-h100-80gb, 1/2 replicas"
    - "update endpoint 'ep_CbJNwQC2ZqCU2iFT3mrCh': traffic split [] (unrouted) -> [dep_CbzGdmn14t3HYrXXitmKa: 1]"
pending:
  description:
    - What was still under way when the task returned, for example a new deployment not yet C(READY) (and so not yet
      routed) when O(wait=false). Empty when the endpoint is as declared.
    - Each item names C(endpoint_id), C(deployment_id), C(name), the C(state) awaited (C(READY) or C(STOPPED)) and
      what follows it (C(then), V(route), V(delete), V(recreate) or V(null)).
  returned: success
  type: list
  elements: dict
  sample: [{endpoint_id: ep_CbJNwQC2ZqCU2iFT3mrCh, deployment_id: dep_CbzGdmn14t3HYrXXitmKa, name: main, state: READY,
            then: route}]
hourly_cost_ceiling:
  description:
    - With O(max_hourly_cost) only. The endpoint's hourly cost ceiling in USD before and after the task (after as
      planned in check mode), each with C(usd_per_hour), C(breakdown) (deployment, max_replicas, hardware,
      usd_per_replica_hour, usd_per_hour) and C(unpriced_hardware).
  returned: when O(max_hourly_cost) is set
  type: dict
  sample:
    before: {usd_per_hour: 7.98, unpriced_hardware: [], breakdown: [{deployment: main, max_replicas: 2,
             hardware: 1xnvidia-h100-80gb, usd_per_replica_hour: 3.99, usd_per_hour: 7.98}]}
    after: {usd_per_hour: 15.96, unpriced_hardware: [], breakdown: [{deployment: main, max_replicas: 4,
            hardware: 1xnvidia-h100-80gb, usd_per_replica_hour: 3.99, usd_per_hour: 15.96}]}
retried:
  description:
    - The writes that met a conflict (HTTP 409 whose etag had moved) or had no clear outcome, each with why. The task
      then read the endpoint again and planned the rest anew from that read; the body was never sent again as planned.
  returned: success
  type: list
  elements: str
  sample: []
project_id:
  description: The project of the v2 endpoint.
  returned: when a v2 endpoint was managed
  type: str
  sample: proj_CbJNwQC2ZqCU2iFT3mrCh
project_slug:
  description: The project's slug, when whoami told it.
  returned: when a v2 endpoint was managed
  type: str
  sample: my-project
elapsed:
  description: Seconds the controller spent waiting.
  returned: when the task waited
  type: float
  sample: 312.4
diff:
  description: Before and after, in diff mode.
  returned: when diff mode is on
  type: dict
  sample:
    before: {name: my-project/chat, visibility: private, deployments: {main: {model: meta-llama/Llama-3.3-70B-Instruct-Turbo,
             config: cr_CbzGdmn14t3HYrXXitmKa, hardware: 1xnvidia-h100-80gb, min_replicas: 1, max_replicas: 2,
             traffic_weight: 1}}}
    after: {name: my-project/chat, visibility: private, deployments: {main: {model: meta-llama/Llama-3.3-70B-Instruct-Turbo,
            config: cr_CbzGdmn14t3HYrXXitmKa, hardware: 1xnvidia-h100-80gb, min_replicas: 2, max_replicas: 4,
            traffic_weight: 1}}}
"""

from ansible_collections.together.ai.plugins.module_utils._errors import TogetherError
from ansible_collections.together.ai.plugins.module_utils._endpoint_write import EndpointRequest, PlanError
from ansible_collections.together.ai.plugins.module_utils._endpoint_write_api import endpoint_writer, module_result
from ansible_collections.together.ai.plugins.module_utils._module import TogetherModule

DEPLOYMENT_OPTIONS = dict(
    name=dict(type="str", required=True),
    model=dict(type="str"),
    config=dict(type="str"),
    hardware=dict(type="str"),
    min_replicas=dict(type="int"),
    max_replicas=dict(type="int"),
    traffic_weight=dict(type="float", default=1.0),
)
ARGUMENT_SPEC = dict(
    state=dict(type="str", default="present", choices=["present", "started", "stopped", "absent"]),
    endpoint_id=dict(type="str"),
    name=dict(type="str"),
    display_name=dict(type="str"),
    api_version=dict(type="str", default="auto", choices=["auto", "v1", "v2"]),
    model=dict(type="str"),
    config=dict(type="str"),
    hardware=dict(type="str"),
    min_replicas=dict(type="int"),
    max_replicas=dict(type="int"),
    deployment_name=dict(type="str"),
    deployments=dict(type="list", elements="dict", options=DEPLOYMENT_OPTIONS),
    purge_deployments=dict(type="bool", default=False),
    visibility=dict(type="str", choices=["private", "internal"]),
    recreate=dict(type="bool", default=False),
    max_hourly_cost=dict(type="float"),
    wait=dict(type="bool"),
    wait_timeout=dict(type="float", default=1800.0),
    wait_sleep=dict(type="float", default=5.0),
    wait_progress_interval=dict(type="float", default=30.0),
)


def main():
    module = TogetherModule(argument_spec=ARGUMENT_SPEC, project_option=True, task_cache=True, supports_check_mode=True)
    request = module.build_request(EndpointRequest.from_params)
    writer = endpoint_writer(module, request)
    try:
        result, warnings = module_result(writer.run(request), module._diff)
    except PlanError as exc:
        # Before any write, unless a write met a conflict and the plan made again from a fresh read was refused.
        module.fail_json(msg=str(exc), changed=bool(writer.sent), actions=writer.sent)
    except TogetherError as exc:
        # Writes sent before the failure did change the endpoint: say so.
        module.fail_from(exc, changed=bool(writer.sent), actions=writer.sent)
    for warning in warnings:
        module.warn(warning)
    module.exit_json(**dict(result, **module.project_facts(always=request.api_version == "v2")))


if __name__ == "__main__":
    main()
