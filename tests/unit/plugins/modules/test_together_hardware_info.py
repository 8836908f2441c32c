# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""together_hardware_info through main() with the fake transport."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.together.ai.plugins.modules import together_hardware_info
from ansible_collections.together.ai.tests.unit._helpers import assert_key_hidden, run_with_key

PROJECT_ID = "proj_CbJNwQC2ZqCU2iFT3mrCh"
INSTANCE_TYPES = "/v2/public/inference-instance-types"
H100 = {"id": "it_h100", "name": "1xnvidia-h100-80gb", "gpuCount": 1, "gpuMemoryGib": 80, "gpuType": "H100",
        "priceCentsPerHour": 399, "regions": [{"name": "us-central-4"}]}
H200 = dict(H100, id="it_h200", name="8xnvidia-h200-141gb", gpuCount=8, gpuType="H200")
CONFIG = {"id": "cr_CbzGdmn14t3HYrXXitmKa", "projectId": "proj_together",
          "referenceModel": "projects/proj_together/models/ml_CbJNwQC2ZqCU2iFT3mrCh",
          "selectors": [{"key": "accelerator_type", "value": "nvidia-h100-80gb"}, {"key": "accelerator_count", "value": "1"}]}


def run(run_module, **args):
    return run_with_key(run_module, together_hardware_info.main, **args)


def test_v2_lists_the_instance_types_from_the_host_root(run_module, transport):
    transport.route(INSTANCE_TYPES, (200, {"data": [H100, H200], "object": "list", "next_cursor": None}))
    outcome = run(run_module)
    assert [sent.url for sent in transport.sent] == ["https://api.together.ai" + INSTANCE_TYPES]  # no query, as the SDK
    assert outcome.result["hardware"] == [H100, H200]
    assert outcome.result["changed"] is False
    assert "configs" not in outcome.result
    assert_key_hidden(outcome)


def test_with_a_model_only_the_hardware_its_configs_run_on(run_module, transport):
    transport.route(INSTANCE_TYPES, (200, {"data": [H100, H200], "object": "list", "next_cursor": None}))
    configs = "/v2/projects/%s/configs" % PROJECT_ID
    transport.route(configs, (200, {"data": [CONFIG, dict(CONFIG, id="cr_noselectors", selectors=[])]}))
    outcome = run(run_module, model="ml_CbJNwQC2ZqCU2iFT3mrCh", project_id=PROJECT_ID)
    config_request = [sent for sent in transport.sent if sent.path == configs][0]
    assert config_request.query == {"referenceModelId": "ml_CbJNwQC2ZqCU2iFT3mrCh"}  # as the CLI lists them: no limit
    assert [item["name"] for item in outcome.result["hardware"]] == ["1xnvidia-h100-80gb"]
    assert [(item["id"], item["hardware"], item["resource"]) for item in outcome.result["configs"]] == [
        ("cr_CbzGdmn14t3HYrXXitmKa", "1xnvidia-h100-80gb", "projects/proj_together/configs/cr_CbzGdmn14t3HYrXXitmKa"),
        ("cr_noselectors", None, "projects/proj_together/configs/cr_noselectors")]
    assert outcome.result["project_id"] == PROJECT_ID


def test_v1_sends_the_model_filter(run_module, transport, fixture_json):
    item = {"object": "hardware", "id": "1x_nvidia_a100_80gb_sxm", "pricing": {"cents_per_minute": 4.27},
            "specs": {"gpu_type": "a100-80gb", "gpu_link": "sxm", "gpu_memory": 80, "gpu_count": 1},
            "updated_at": "2026-01-01T00:00:00Z"}
    transport.route("/v1/hardware", (200, {"object": "list", "data": [item]}))
    outcome = run(run_module, api_version="v1", model="meta-llama/Llama-3-8b-chat-hf")
    assert transport.sent[0].url.startswith("https://api.together.ai/v1/hardware?")
    assert transport.sent[0].query == {"model": "meta-llama/Llama-3-8b-chat-hf"}
    assert outcome.result["hardware"] == [item]


def test_a_page_that_is_not_a_list_fails_naming_the_route(run_module, transport):
    transport.route(INSTANCE_TYPES, (200, {"items": []}))
    outcome = run(run_module)
    assert outcome.result["failed"] is True
    assert "listing v2 instance types" in outcome.result["msg"]
    assert "expected an object with a data array" in outcome.result["msg"]


def test_a_blank_model_fails_before_any_request(run_module, transport):
    outcome = run(run_module, model=" ")
    assert outcome.result["failed"] is True
    assert "model must be a non-empty model name" in outcome.result["msg"]
    assert transport.sent == []


def test_a_public_model_name_is_searched_and_its_base_models_configs_listed(run_module, transport):
    # The name is never sent as referenceModel (the API takes a resource name there): the catalog tells its base model.
    transport.route(INSTANCE_TYPES, (200, {"data": [H100, H200], "object": "list", "next_cursor": None}))
    transport.route("/v3/whoami", (200, {"type": "project_api_key", "project": {"id": PROJECT_ID, "slug": "devteam"}}))
    transport.route("/v2/supported-models", (200, {"data": [
        {"id": "sm_1", "name": "meta-llama/Llama-3.3-70B-Instruct-Turbo", "baseModelId": "ml_CbJNwQC2ZqCU2iFT3mrCh",
         "baseModel": "projects/proj_together/models/ml_CbJNwQC2ZqCU2iFT3mrCh", "deploymentProfiles": []}]}))
    configs = "/v2/projects/%s/configs" % PROJECT_ID
    transport.route(configs, (200, {"data": [CONFIG]}))
    outcome = run(run_module, model="meta-llama/Llama-3.3-70B-Instruct-Turbo", project_id=PROJECT_ID)
    search = [sent for sent in transport.sent if sent.path == "/v2/supported-models"][0]
    assert search.query == {"search": "meta-llama/Llama-3.3-70B-Instruct-Turbo"}
    assert [sent.query for sent in transport.sent if sent.path == configs] == [{"referenceModelId": "ml_CbJNwQC2ZqCU2iFT3mrCh"}]
    assert [item["name"] for item in outcome.result["hardware"]] == ["1xnvidia-h100-80gb"]


def test_a_model_the_catalog_does_not_know_fails_naming_it(run_module, transport):
    transport.route(INSTANCE_TYPES, (200, {"data": [H100], "object": "list", "next_cursor": None}))
    transport.route("/v3/whoami", (200, {"type": "project_api_key", "project": {"id": PROJECT_ID, "slug": "devteam"}}))
    transport.route("/v2/supported-models", (200, {"data": []}))
    outcome = run(run_module, model="meta-llama/Llama-9-chat", project_id=PROJECT_ID)
    assert outcome.result["failed"] is True
    assert outcome.result["msg"].startswith("model meta-llama/Llama-9-chat not found: GET /v2/supported-models?search=")
