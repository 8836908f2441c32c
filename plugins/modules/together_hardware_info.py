#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: together_hardware_info
short_description: List the hardware Together AI dedicated endpoints run on, and the configs that fit a model
version_added: 1.1.0
description:
  - v2 (the default) lists the inference instance types (C(GET /v2/public/inference-instance-types)), such as
    V(1xnvidia-h100-80gb), with their GPUs, hourly price and regions.
  - With O(model), also lists the configs that fit the model (C(GET /v2/projects/{projectId}/configs?referenceModelId=...),
    after resolving the model as the notes say) in RV(configs), each with the instance type it fixes, and keeps in
    RV(hardware) only the instance types some config runs on. Those are the values O(together.ai.together_endpoint#module:hardware) accepts for that model.
  - With O(api_version=v1), lists C(GET /v1/hardware), filtered by O(model) when given (v1 endpoints only; Together no
    longer creates them).
  - Reads only.
author:
  - together.ai collection maintainers (@together-ai-ansible)
extends_documentation_fragment:
  - together.ai.connection
  - together.ai._attributes
  - together.ai._attributes.info_module
  - together.ai._attributes.actiongroup_together
  - together.ai._models
options:
  api_version:
    description:
      - Which catalog to read. V(v2) (dedicated model inference) or V(v1) (the legacy hardware list).
    type: str
    choices: [v1, v2]
    default: v2
  model:
    description:
      - A model, as a public name (V(meta-llama/Llama-3.3-70B-Instruct-Turbo)), and for v2 also a private model
        C(<project-slug>/<name>), an C(ml_...) id or a resource path C(projects/{p}/models/{ml}) (the notes say how each is
        resolved).
      - v2 returns the configs that fit it in RV(configs); v1 sends it as the C(model) filter.
    type: str
  project_id:
    description:
      - v2 with O(model) only. The project whose configs are listed (C(proj_...)).
      - If not set, E(TOGETHER_PROJECT_ID) is used, else the project of the API key from C(GET /v3/whoami) (falling back
        to C(GET /v1/whoami)). A blank value counts as not set.
    type: str
seealso:
  - module: together.ai.together_endpoint
"""

EXAMPLES = r"""
- name: List the v2 instance types
  together.ai.together_hardware_info:
  register: catalog

- name: Show their names and hourly prices
  ansible.builtin.debug:
    msg: "{{ catalog.hardware | items2dict(key_name='name', value_name='priceCentsPerHour') }}"

- name: The hardware a model can run on, and its configs
  together.ai.together_hardware_info:
    model: meta-llama/Llama-3.3-70B-Instruct-Turbo
  register: fits

- name: Deploy it on the first of them
  together.ai.together_endpoint:
    name: chat
    model: meta-llama/Llama-3.3-70B-Instruct-Turbo
    hardware: "{{ fits.configs[0].hardware }}"

- name: The v1 hardware list for a model
  together.ai.together_hardware_info:
    api_version: v1
    model: meta-llama/Llama-3-8b-chat-hf
"""

RETURN = r"""
hardware:
  description:
    - v2, the instance types as the API lists them (camelCase fields, extra fields kept). With O(model), only those a
      config of the model runs on.
    - v1, the C(HardwareWithStatus) items of C(GET /v1/hardware), as the API lists them.
  returned: success
  type: list
  elements: dict
  sample:
    - id: it_3f9a0c1d2e4b
      name: 1xnvidia-h100-80gb
      description: 1 x NVIDIA H100 80 GB
      gpuCount: 1
      gpuMemoryGib: 80
      gpuType: H100
      priceCentsPerHour: 399
      regions: [{name: us-central-4, headroom: {relation: RELATION_GTE, value: 4}}]
configs:
  description:
    - v2 with O(model), the configs that fit the model, as the API lists them, each with C(hardware) added (the instance
      type it fixes, C(<accelerator_count>x<accelerator_type>) from its selectors, or V(null)) and C(resource) (the
      C(projects/{p}/configs/{id}) path a deployment names it by).
  returned: v2 with O(model)
  type: list
  elements: dict
  sample:
    - id: cr_CbzGdmn14t3HYrXXitmKa
      projectId: proj_together
      referenceModel: projects/proj_together/models/ml_CbJNwQC2ZqCU2iFT3mrCh
      selectors: [{key: accelerator_type, value: nvidia-h100-80gb}, {key: accelerator_count, value: "1"}]
      hardware: 1xnvidia-h100-80gb
      resource: projects/proj_together/configs/cr_CbzGdmn14t3HYrXXitmKa
project_id:
  description: The project the configs were listed in.
  returned: v2 with O(model)
  type: str
  sample: proj_CbJNwQC2ZqCU2iFT3mrCh
"""

from ansible_collections.together.ai.plugins.module_utils._errors import TogetherError
from ansible_collections.together.ai.plugins.module_utils._hardware import HardwareCatalog, model_option
from ansible_collections.together.ai.plugins.module_utils._module import TogetherModule

ARGUMENT_SPEC = dict(
    api_version=dict(type="str", default="v2", choices=["v1", "v2"]),
    model=dict(type="str"),
)


def main():
    module = TogetherModule(argument_spec=ARGUMENT_SPEC, project_option=True, supports_check_mode=True)
    model = module.build_request(model_option)
    catalog = HardwareCatalog(module.client, module.endpoints_v2(), module.settings.base_url)
    try:
        result = catalog.info(module.params["api_version"], model)
    except TogetherError as exc:
        module.fail_from(exc)
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
