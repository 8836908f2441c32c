# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The model resolver: the four forms a model is named in, resolved as Together's CLI (3.1.1) resolves them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.together.ai.plugins.module_utils._models import ModelNotResolved, ModelResolver

PROJECT = "proj_Mine00000000000000001"
BASE = "ml_PublicLlama318B000001"
BASE_PATH = "projects/proj_together/models/%s" % BASE
H100 = {"id": "cr_H100", "projectId": "proj_together", "referenceModel": BASE_PATH,
        "selectors": [{"key": "accelerator_type", "value": "nvidia-h100-80gb"}, {"key": "accelerator_count", "value": "1"}]}
A100 = dict(H100, id="cr_A100", selectors=[{"key": "accelerator_type", "value": "nvidia-a100-80gb"},
                                           {"key": "accelerator_count", "value": "2"}])
PRIVATE = {"id": "ml_MyFineTune00000000001", "name": "demo-project/support-chat", "projectId": PROJECT, "baseModelId": BASE}


def profile(gpu_count, gpu_type, config, revision="rv_1", api_name="meta-llama/Llama-3.1-8B-Instruct"):
    return {"model": "%s/revisions/%s" % (BASE_PATH, revision), "config": "projects/proj_together/configs/%s" % config,
            "certifiedConfigRevisionId": config, "gpuCount": gpu_count, "gpuType": gpu_type, "apiModelName": api_name}


class FakeProject:
    def __init__(self, slug="demo-project"):
        self.project_id = PROJECT
        self._slug = slug
        self.slug_asked = 0

    def resolve(self):
        return PROJECT

    def slug(self):
        self.slug_asked += 1
        return self._slug


class FakeV2:
    """The v2 API layer's model and catalog reads, answered from tables; every call recorded."""

    def __init__(self, models=None, configs=None, supported=None, slug="demo-project"):
        self.project = FakeProject(slug)
        self.models = dict(models or {})  # (project, id) -> Model
        self.configs = dict(configs or {})  # reference model id -> configs
        self.supported = list(supported or [])
        self.calls = []

    def get_model(self, project_id, model_id):
        self.calls.append(("get_model", project_id, model_id))
        return self.models.get((project_id, model_id))

    def list_models(self):
        self.calls.append(("list_models",))
        return [model for (project_id, _id), model in sorted(self.models.items()) if project_id == PROJECT]

    def list_configs(self, reference_model_id):
        self.calls.append(("list_configs", reference_model_id))
        return self.configs.get(reference_model_id, [])

    def supported_models(self, search):
        self.calls.append(("supported_models", search))
        return [item for item in self.supported if search.lower() in item["name"].lower()]


def catalog(*profiles, name="meta-llama/Llama-3.1-8B-Instruct"):
    return {"id": "sm_1", "name": name, "baseModel": BASE_PATH, "baseModelId": BASE, "deploymentProfiles": list(profiles)}


def test_a_public_name_is_searched_in_the_catalog_and_deployed_from_its_profile():
    v2 = FakeV2(supported=[catalog(profile(1, "nvidia-h100-80gb", "cr_H100", "rv_9"), profile(2, "nvidia-a100-80gb", "cr_A100"))])
    resolver = ModelResolver(v2)
    model, config, hardware = resolver.deployment("main", "meta-llama/Llama-3.1-8B-Instruct", hardware="1xnvidia-h100-80gb")
    # The deployment gets the profile's model path with its revision pin, and the profile's config; never the name.
    assert model == BASE_PATH + "/revisions/rv_9"
    assert config == "projects/proj_together/configs/cr_H100"
    assert hardware == "1xnvidia-h100-80gb"
    assert v2.calls == [("supported_models", "meta-llama/Llama-3.1-8B-Instruct")]


def test_a_public_name_with_several_profiles_and_no_hardware_lists_them():
    v2 = FakeV2(supported=[catalog(profile(1, "nvidia-h100-80gb", "cr_H100"), profile(2, "nvidia-a100-80gb", "cr_A100"))])
    with pytest.raises(ModelNotResolved) as info:
        ModelResolver(v2).deployment("main", "meta-llama/Llama-3.1-8B-Instruct", hardware="8xnvidia-b200-180gb")
    assert "has no deployment profile for hardware 8xnvidia-b200-180gb" in info.value.message
    assert "on 1xnvidia-h100-80gb (config cr_H100)" in info.value.message and "on 2xnvidia-a100-80gb (config cr_A100)" \
        in info.value.message


def test_a_public_name_picks_the_profile_of_the_config_given():
    v2 = FakeV2(supported=[catalog(profile(1, "nvidia-h100-80gb", "cr_H100"), profile(2, "nvidia-a100-80gb", "cr_A100"))])
    model, config, hardware = ModelResolver(v2).deployment("main", "meta-llama/Llama-3.1-8B-Instruct", config="cr_A100")
    assert (config, hardware) == ("projects/proj_together/configs/cr_A100", "2xnvidia-a100-80gb")


@pytest.mark.parametrize("supported, message", [
    ([], "model meta-llama/Llama-9-chat not found: GET /v2/supported-models?search=meta-llama/Llama-9-chat listed no model"),
    ([catalog(name="meta-llama/Llama-9-chat-a"), catalog(name="meta-llama/Llama-9-chat-b")],
     "model meta-llama/Llama-9-chat is ambiguous: the supported models matching it are meta-llama/Llama-9-chat-a, "
     "meta-llama/Llama-9-chat-b"),
], ids=["none", "several"])
def test_a_public_name_that_matches_none_or_several_says_which(supported, message):
    with pytest.raises(ModelNotResolved) as info:
        ModelResolver(FakeV2(supported=supported)).deployment("main", "meta-llama/Llama-9-chat", hardware="1xnvidia-h100-80gb")
    assert info.value.message.startswith(message)


def test_an_exact_name_wins_over_longer_matches():
    v2 = FakeV2(supported=[catalog(profile(1, "nvidia-h100-80gb", "cr_H100")),
                           catalog(name="meta-llama/Llama-3.1-8B-Instruct-Turbo")])
    model, _config, _hardware = ModelResolver(v2).deployment("main", "meta-llama/Llama-3.1-8B-Instruct")
    assert model.startswith(BASE_PATH)


def test_a_private_slug_name_is_found_among_the_projects_models_and_keeps_its_path():
    v2 = FakeV2(models={(PROJECT, PRIVATE["id"]): PRIVATE}, configs={BASE: [H100, A100]})
    model, config, hardware = ModelResolver(v2).deployment("main", "demo-project/support-chat", hardware="1xnvidia-h100-80gb")
    assert model == "projects/%s/models/%s" % (PROJECT, PRIVATE["id"])  # the private model, not its base
    assert config == "projects/proj_together/configs/cr_H100" and hardware == "1xnvidia-h100-80gb"
    # Its configs are its base model's, filtered by a bare id: referenceModel never carries a readable name.
    assert v2.calls == [("list_models",), ("list_configs", BASE)]


def test_a_private_name_not_in_the_project_names_what_is_there():
    v2 = FakeV2(models={(PROJECT, PRIVATE["id"]): PRIVATE})
    with pytest.raises(ModelNotResolved) as info:
        ModelResolver(v2).deployment("main", "demo-project/other-chat", hardware="1xnvidia-h100-80gb")
    assert info.value.message == ("model demo-project/other-chat not found among the 1 models of project '%s': "
                                  "demo-project/support-chat (%s)" % (PROJECT, PRIVATE["id"]))


def test_a_private_ml_id_is_deployed_as_itself_not_as_its_configs_reference_model():
    # Issue: with model: ml_... of a private model, the deployment was sent the config's reference model.
    v2 = FakeV2(models={(PROJECT, PRIVATE["id"]): PRIVATE}, configs={BASE: [H100]})
    model, config, _hardware = ModelResolver(v2).deployment("main", PRIVATE["id"], hardware="1xnvidia-h100-80gb")
    assert model == "projects/%s/models/%s" % (PROJECT, PRIVATE["id"])
    assert v2.calls == [("get_model", PROJECT, PRIVATE["id"]), ("list_configs", BASE)]


def test_a_catalog_ml_id_is_deployed_as_its_configs_reference_model():
    v2 = FakeV2(configs={BASE: [H100]})
    model, config, _hardware = ModelResolver(v2).deployment("main", BASE, hardware="1xnvidia-h100-80gb")
    assert model == BASE_PATH
    assert v2.calls == [("get_model", PROJECT, BASE), ("list_configs", BASE)]


def test_a_resource_path_keeps_its_revision_pin_and_lists_the_configs_of_its_base():
    v2 = FakeV2(models={(PROJECT, PRIVATE["id"]): PRIVATE}, configs={BASE: [H100]})
    path = "projects/%s/models/%s/revisions/rv_7" % (PROJECT, PRIVATE["id"])
    model, _config, _hardware = ModelResolver(v2).deployment("main", path, hardware="1xnvidia-h100-80gb")
    assert model == path
    assert v2.calls == [("get_model", PROJECT, PRIVATE["id"]), ("list_configs", BASE)]


def test_a_resource_path_that_does_not_exist_is_said_before_any_write():
    with pytest.raises(ModelNotResolved) as info:
        ModelResolver(FakeV2()).deployment("main", "projects/%s/models/ml_gone" % PROJECT, hardware="1xnvidia-h100-80gb")
    assert info.value.message == "model projects/%s/models/ml_gone not found (HTTP 404 for projects/%s/models/ml_gone)" % (
        PROJECT, PROJECT)


def test_hardware_no_config_runs_on_names_the_configs_hardware():
    v2 = FakeV2(models={(PROJECT, PRIVATE["id"]): PRIVATE}, configs={BASE: [H100, A100]})
    with pytest.raises(ModelNotResolved) as info:
        ModelResolver(v2).deployment("main", PRIVATE["id"], hardware="3xnvidia-z900-1gb")
    assert info.value.message.endswith("the model's configs run on: 1xnvidia-h100-80gb, 2xnvidia-a100-80gb")


def test_each_model_is_resolved_and_its_configs_listed_once_per_task():
    v2 = FakeV2(models={(PROJECT, PRIVATE["id"]): PRIVATE}, configs={BASE: [H100, A100]})
    resolver = ModelResolver(v2)
    resolver.deployment("blue", "demo-project/support-chat", hardware="1xnvidia-h100-80gb")
    resolver.deployment("green", "demo-project/support-chat", hardware="2xnvidia-a100-80gb")
    assert resolver.configs("demo-project/support-chat") == [H100, A100]
    assert v2.calls == [("list_models",), ("list_configs", BASE)]


def test_a_name_whose_prefix_is_not_the_projects_slug_is_a_catalog_name():
    v2 = FakeV2(supported=[catalog(profile(1, "nvidia-h100-80gb", "cr_H100"), name="demo-project/support-chat")],
                slug="another-project")
    model, _config, _hardware = ModelResolver(v2).deployment("main", "demo-project/support-chat")
    assert model.startswith(BASE_PATH)
    assert v2.calls == [("supported_models", "demo-project/support-chat")]


@pytest.mark.parametrize("gpu_type", ["nvidia-h100-80gb", "h100-80gb", "H100", "NVIDIA-H100-80GB"])
def test_a_profiles_gpu_type_matches_the_instance_type_however_it_is_spelled(gpu_type):
    v2 = FakeV2(supported=[catalog(profile(1, gpu_type, "cr_H100"), profile(2, "A100", "cr_A100"))])
    _model, config, _hardware = ModelResolver(v2).deployment("main", "meta-llama/Llama-3.1-8B-Instruct",
                                                             hardware="1xnvidia-h100-80gb")
    assert config == "projects/proj_together/configs/cr_H100"


def test_a_profile_with_another_gpu_count_or_type_does_not_match():
    v2 = FakeV2(supported=[catalog(profile(2, "H100", "cr_H100x2"), profile(1, "H200", "cr_H200"))])
    with pytest.raises(ModelNotResolved):
        ModelResolver(v2).deployment("main", "meta-llama/Llama-3.1-8B-Instruct", hardware="1xnvidia-h100-80gb")
