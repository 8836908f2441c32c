# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""A model as the user names it, resolved as Together's own CLI resolves it (together 3.1.1,
lib/cli/api/endpoints/_utils/_resolve_model.py): what a deployment is created with, and the configs that fit.

The four forms, and the requests each costs (the CLI's `endpoints deploy` sends the same):
- a resource path projects/{p}/models/{ml}[/revisions/{rv}]: GET the model; its configs are those of its base model
  (baseModelId, else itself), listed with referenceModelId; the deployment keeps the path, revision pin included;
- a bare id ml_...: GET it in the task's project. The project's own model keeps its path (configs of its base
  model); any other id is a catalog model, whose configs are listed by referenceModelId and whose deployment
  takes the config's referenceModel;
- <project-slug>/<name>: a private model of the project (the slug from whoami), found by name among the
  project's models (GET /v2/projects/{p}/models); configs of its base model; the deployment keeps its path;
- any other name (meta-llama/Llama-3.3-70B-Instruct-Turbo): GET /v2/supported-models?search=<name>, one exact
  match (else the only match); its deploymentProfiles give the deployment's model (with its revision) and config:
  the profile of the config or hardware given, or the only one.
referenceModel never carries a readable name: configs are filtered by a bare model id.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.together.ai.plugins.module_utils._errors import TogetherError

MODEL_PATH = re.compile(r"^projects/([^/]+)/models/([^/]+)(?:/revisions/([^/]+))?$")
CONFIG_PATH = re.compile(r"^projects/([^/]+)/configs/([^/]+)$")


class ModelNotResolved(TogetherError):
    """The model as named cannot be resolved to one deployable model and config (nothing sent yet)."""


def hardware_key(value):
    """Instance types compare as the official CLI matches them: case aside, with the nvidia- prefix ignored."""
    return (value or "").strip().lower().replace("nvidia-", "")


def config_id(value):
    """cr_... from a config id or resource path projects/{p}/configs/{id}."""
    return (value or "").rstrip("/").rsplit("/", 1)[-1] or None


def config_hardware(config):
    """The instance type a config fixes, as `{accelerator_count}x{accelerator_type}`, or None."""
    selectors = {}
    for item in config.get("selectors") or [] if isinstance(config, dict) else []:
        if isinstance(item, dict) and isinstance(item.get("key"), str):
            selectors[item["key"]] = item.get("value")
    count, accelerator = selectors.get("accelerator_count"), selectors.get("accelerator_type")
    if count in (None, "") or not accelerator:
        return None
    return "%sx%s" % (count, accelerator)


def config_resource(config):
    """projects/{projectId}/configs/{id}: how a deployment names its config."""
    return "projects/%s/configs/%s" % (config.get("projectId"), config.get("id"))


def profile_hardware(profile):
    if profile.get("gpuCount") and profile.get("gpuType"):
        return "%sx%s" % (profile["gpuCount"], profile["gpuType"])
    return None


def profile_runs_on(profile, hardware):
    """Whether a deployment profile runs on an instance type such as 1xnvidia-h100-80gb.

    The GPU count must be the same. The GPU type may be spelled as the instance type spells its accelerator
    (nvidia-h100-80gb) or shorter (H100): the CLI only displays it, so both spellings are taken.
    """
    match = re.match(r"^(\d+)x(.+)$", hardware_key(hardware))
    if not match or str(profile.get("gpuCount")) != match.group(1) or not profile.get("gpuType"):
        return False
    accelerator, gpu = match.group(2), hardware_key(str(profile["gpuType"]))
    return accelerator == gpu or accelerator.startswith(gpu + "-")


def profile_config(profile):
    """The config resource a deployment profile pins: its config path, else its certified config in the model's project."""
    if CONFIG_PATH.match(profile.get("config") or ""):
        return profile["config"]
    match = MODEL_PATH.match(profile.get("model") or "")
    if profile.get("certifiedConfigRevisionId") and match:
        return "projects/%s/configs/%s" % (match.group(1), profile["certifiedConfigRevisionId"])
    return None


class Resolved:
    """One model as resolved: where its configs are listed, and (for catalog names) its deployment profiles."""

    def __init__(self, name, target=None, reference_model_id=None, profiles=None):
        self.name = name
        self.target = target  # the model a deployment is created with; None: the chosen config's referenceModel
        self.reference_model_id = reference_model_id  # the configs are listed by it
        self.profiles = profiles  # a catalog model's deployment profiles, else None


class ModelResolver:
    """Resolves models for one task through the v2 API layer (EndpointsV2); each model once."""

    def __init__(self, v2):
        self.v2 = v2
        self._resolved = {}
        self._configs = {}

    def resolve(self, model):
        if model not in self._resolved:
            self._resolved[model] = self._resolve(model)
        return self._resolved[model]

    def _resolve(self, model):
        path = MODEL_PATH.match(model)
        if path:
            found = self.v2.get_model(path.group(1), path.group(2))
            if found is None:
                raise ModelNotResolved("model %s not found (HTTP 404 for projects/%s/models/%s)"
                                       % (model, path.group(1), path.group(2)))
            return Resolved(model, target=model, reference_model_id=found.get("baseModelId") or found["id"])
        if "/" not in model:
            project_id = self.v2.project.resolve()
            found = self.v2.get_model(project_id, model) if model.startswith("ml_") else None
            if found is not None and found.get("projectId") in (None, "", project_id):
                # The project's own model (a fine-tune, an upload): deployed as itself, configs of its base model.
                return Resolved(model, target="projects/%s/models/%s" % (project_id, found["id"]),
                                reference_model_id=found.get("baseModelId") or found["id"])
            return Resolved(model, reference_model_id=model)
        prefix = model.split("/", 1)[0]
        slug = self.v2.project.slug()
        if slug and prefix == slug:
            found = self._private_model(model)
            owner = found.get("projectId") or self.v2.project.resolve()
            return Resolved(model, target="projects/%s/models/%s" % (owner, found["id"]),
                            reference_model_id=found.get("baseModelId") or found["id"])
        return self._catalog_model(model)

    def _private_model(self, model):
        bare = model.rsplit("/", 1)[-1]
        models = self.v2.list_models()
        matches = [item for item in models if item.get("name") in (model, bare)
                   or (item.get("name") or "").rsplit("/", 1)[-1] == bare]
        if len(matches) == 1:
            return matches[0]
        names = sorted("%s (%s)" % (item.get("name"), item.get("id")) for item in (matches or models))
        if not matches:
            raise ModelNotResolved("model %s not found among the %d models of project '%s'%s" % (
                model, len(models), self.v2.project.project_id, (": %s" % ", ".join(names[:20])) if names else ""))
        raise ModelNotResolved("model %s matches %d models of project '%s' (%s); give its id (ml_...) or path"
                               % (model, len(matches), self.v2.project.project_id, ", ".join(names)))

    def _catalog_model(self, model):
        found = self.v2.supported_models(model)
        exact = [item for item in found if item.get("name") == model]
        matches = exact or found
        if not matches:
            raise ModelNotResolved("model %s not found: GET /v2/supported-models?search=%s listed no model (a private "
                                   "model is named <project-slug>/<name>, or by its id or path)" % (model, model))
        if len(matches) > 1:
            raise ModelNotResolved("model %s is ambiguous: the supported models matching it are %s; give the exact name"
                                   % (model, ", ".join(sorted(str(item.get("name")) for item in matches))))
        chosen = matches[0]
        profiles = [item for item in chosen.get("deploymentProfiles") or [] if isinstance(item, dict)]
        named = [item for item in profiles if item.get("apiModelName") == model]
        base = MODEL_PATH.match(chosen.get("baseModel") or "")
        reference = chosen.get("baseModelId") or (base.group(2) if base else None)
        return Resolved(model, reference_model_id=reference, profiles=named or profiles)

    # -- what the module asks ------------------------------------------------------------------------------------------

    def configs(self, model):
        """The configs that fit a model (listed by referenceModelId), read once per model."""
        resolved = self.resolve(model)
        if resolved.reference_model_id is None:
            raise ModelNotResolved("model %s has no base model in Together's catalog, so no configs can be listed for it"
                                   % model)
        if resolved.reference_model_id not in self._configs:
            self._configs[resolved.reference_model_id] = self.v2.list_configs(resolved.reference_model_id)
        return self._configs[resolved.reference_model_id]

    def deployment(self, name, model, config=None, hardware=None):
        """(model, config resource, hardware) a new deployment is created with; ModelNotResolved when nothing fits."""
        where = "deployment '%s'" % name
        resolved = self.resolve(model)
        if resolved.profiles is not None:
            return self._from_profiles(where, resolved, config, hardware)
        configs = self.configs(model)
        if config:
            found = next((item for item in configs if item.get("id") == config_id(config)), None)
            if found is None and not CONFIG_PATH.match(config):
                raise ModelNotResolved("%s: config %s is not one of the %d configs listed for model %s (%s); give a config "
                                       "that fits the model, its resource path projects/{projectId}/configs/{id}, or "
                                       "hardware" % (where, config, len(configs), model, _fitting(configs)))
            chosen = found
            resource = config if CONFIG_PATH.match(config) else config_resource(found)
        else:
            chosen = next((item for item in configs if hardware_key(config_hardware(item)) == hardware_key(hardware)), None)
            if chosen is None:
                raise ModelNotResolved("%s: no config for model %s runs on hardware %s; the model's configs run on: %s"
                                       % (where, model, hardware, _fitting(configs)))
            resource = config_resource(chosen)
        target = resolved.target
        if target is None:
            target = _config_model(chosen) if chosen else None
            if target is None:
                raise ModelNotResolved("%s: config %s names no reference model to deploy for model %s"
                                       % (where, config or config_id((chosen or {}).get("id")), model))
        return target, resource, (config_hardware(chosen) if chosen else None)

    def _from_profiles(self, where, resolved, config, hardware):
        profiles = resolved.profiles
        if config:
            matching = [item for item in profiles if config_id(config) in (
                item.get("certifiedConfigRevisionId"), item.get("profileId"), config_id(item.get("config")))]
        elif hardware:
            matching = [item for item in profiles if profile_runs_on(item, hardware)]
        else:
            matching = profiles
        if len(matching) != 1:
            choices = "; ".join("%s on %s (config %s)" % (item.get("apiModelName") or item.get("model"),
                                                          profile_hardware(item), config_id(profile_config(item)))
                                for item in profiles) or "none"
            asked = ("config %s" % config) if config else ("hardware %s" % hardware) if hardware else "no config or hardware"
            if not matching:
                raise ModelNotResolved("%s: model %s has no deployment profile for %s; its profiles: %s"
                                       % (where, resolved.name, asked, choices))
            raise ModelNotResolved("%s: model %s has %d deployment profiles for %s; give config or hardware to pick one: %s"
                                   % (where, resolved.name, len(matching), asked, choices))
        profile = matching[0]
        resource = profile_config(profile)
        if not MODEL_PATH.match(profile.get("model") or "") or resource is None:
            raise ModelNotResolved("%s: the deployment profile of model %s names no usable model path and config (%s, %s)"
                                   % (where, resolved.name, profile.get("model"), profile.get("config")))
        return profile["model"], resource, profile_hardware(profile)


def _config_model(config):
    """The model a catalog config was made for: its referenceModel path, else projects/{projectId}/models/{id}."""
    if MODEL_PATH.match(config.get("referenceModel") or ""):
        return config["referenceModel"]
    if config.get("referenceModelId") and config.get("projectId"):
        return "projects/%s/models/%s" % (config["projectId"], config["referenceModelId"])
    return None


def _fitting(configs):
    names = sorted(set(config_hardware(item) or config_id(item.get("id")) for item in configs))
    return ", ".join(name for name in names if name) or "none (the API listed no config for it)"
