# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""Hardware: the v2 instance types, the configs that fit a model (and the hardware they fix), v1 hardware.

A v2 deployment names no hardware: its config fixes it. The official CLI maps a config to an instance
type as `{accelerator_count}x{accelerator_type}` from the config's selectors, and matches instance types
by name with the `nvidia-` prefix ignored; resolve_deployment does the same to turn `hardware` into a
config for a model.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.together.ai.plugins.module_utils._client import TogetherError, error_details, quote_segment
from ansible_collections.together.ai.plugins.module_utils._endpoint_write import PlanError, config_id, hardware_key
from ansible_collections.together.ai.plugins.module_utils._errors import OptionError
from ansible_collections.together.ai.plugins.module_utils._json_checks import json_kind

INSTANCE_TYPES_PATH = "/v2/public/inference-instance-types"
# Far beyond any catalog: a list longer than this is a server that never ends.
MAX_ITEMS = 10000


def model_option(params):
    """The model option of together_hardware_info, checked before any request."""
    model = params.get("model")
    if model is not None and (not model.strip() or model != model.strip()):
        raise OptionError("model must be a non-empty model name without surrounding white space, got %r" % model)
    return model


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


class HardwareCatalog:
    """Reads the hardware catalogs: v2 instance types and configs (paged like endpoints), v1 hardware."""

    def __init__(self, client, endpoints_v2, v1_base_url):
        self.client = client
        self.v2 = endpoints_v2  # its project and its pager (next_cursor, bounded)
        self.v1_base_url = v1_base_url
        self._configs = {}

    def instance_types(self):
        url = self.v2.project.root + INSTANCE_TYPES_PATH
        return self._items(url, {}, "listing v2 instance types")

    def configs(self, model):
        """The configs that fit a model (a public name, ml_... id or resource path), read once per model."""
        if model not in self._configs:
            url = "%s/v2/projects/%s/configs" % (self.v2.project.root, quote_segment(self.v2.project.resolve()))
            params = {"referenceModelId": model} if model.startswith("ml_") else {"referenceModel": model}
            self._configs[model] = self._items(url, params, "listing the configs of model %s" % model)
        return self._configs[model]

    def info(self, api_version, model=None):
        """What together_hardware_info returns: the hardware (v2 instance types, or v1 hardware); with a v2 model, only
        the instance types one of its configs runs on, the configs and the project they were listed in."""
        if api_version == "v1":
            return dict(hardware=self.v1_hardware(model))
        hardware = self.instance_types()
        if model is None:
            return dict(hardware=hardware)
        configs = [dict(item, hardware=config_hardware(item), resource=config_resource(item)) for item in self.configs(model)]
        fitting = set(hardware_key(item["hardware"]) for item in configs if item["hardware"])
        return dict(hardware=[item for item in hardware if hardware_key(item.get("name")) in fitting], configs=configs,
                    project_id=self.v2.project.project_id)

    def v1_hardware(self, model=None):
        url = "%s/hardware" % self.v1_base_url
        where = "listing v1 hardware%s" % (" for model %s" % model if model else "")
        try:
            status, body = self.client.get(url, params={"model": model} if model else None)
        except TogetherError as exc:
            raise exc.within(where) from exc
        if status == 404:
            raise TogetherError("%s: HTTP 404 from %s: %s (check base_url, it should end in /v1)"
                                % (where, url, error_details(body)[0] or "not found"), status=404, url=url)
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise TogetherError("%s: HTTP %d from %s is not a list: expected an object with a data array, got %s"
                                % (where, status, url, json_kind(body.get("data") if isinstance(body, dict) else body)),
                                status=status, url=url)
        return body["data"]

    def _items(self, url, params, where):
        # The endpoints pager: cursor loops, endless empty pages and wrong shapes end with one clear error.
        items = self.v2._pages(url, params, MAX_ITEMS, where)  # pylint: disable=protected-access
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise TogetherError("%s: item %d of %s is %s, expected an object" % (where, index, url, json_kind(item)),
                                    url=url)
        return items

    # -- what a new deployment is created with -------------------------------------------------------------------

    def resolve(self, wanted):
        """(model, config resource, hardware) for a DeploymentRequest to create; raises PlanError when nothing fits."""
        configs = self.configs(wanted.model)
        where = "deployment '%s'" % wanted.name
        if wanted.config:
            found = next((item for item in configs if item.get("id") == config_id(wanted.config)), None)
            if found is None and not wanted.config.startswith("projects/"):
                raise PlanError("%s: config %s is not one of the %d configs listed for model %s (%s); give a config that "
                                "fits the model, its resource path projects/{projectId}/configs/{id}, or hardware"
                                % (where, wanted.config, len(configs), wanted.model, _fitting(configs)))
            config = wanted.config if wanted.config.startswith("projects/") else config_resource(found)
            hardware = config_hardware(found) if found else None
        else:
            found = next((item for item in configs if hardware_key(config_hardware(item)) == hardware_key(wanted.hardware)),
                         None)
            if found is None:
                raise PlanError("%s: no config for model %s runs on hardware %s; the model's configs run on: %s"
                                % (where, wanted.model, wanted.hardware, _fitting(configs)))
            config, hardware = config_resource(found), config_hardware(found)
        model = wanted.model
        if not model.startswith("projects/") and found is not None and isinstance(found.get("referenceModel"), str):
            model = found["referenceModel"]  # the model's resource path, which the API takes on create
        return model, config, hardware


def _fitting(configs):
    names = sorted(set(config_hardware(item) or config_id(item.get("id")) for item in configs))
    return ", ".join(name for name in names if name) or "none (the API listed no config for it)"
