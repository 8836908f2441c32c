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

from ansible_collections.together.ai.plugins.module_utils._client import error_details
from ansible_collections.together.ai.plugins.module_utils._endpoint_write import PlanError
from ansible_collections.together.ai.plugins.module_utils._errors import OptionError, TogetherError
from ansible_collections.together.ai.plugins.module_utils._json_checks import json_kind
from ansible_collections.together.ai.plugins.module_utils._models import (
    ModelNotResolved,
    ModelResolver,
    config_hardware,
    config_resource,
    hardware_key,
)


def model_option(params):
    """The model option of together_hardware_info, checked before any request."""
    model = params.get("model")
    if model is not None and (not model.strip() or model != model.strip()):
        raise OptionError("model must be a non-empty model name without surrounding white space, got %r" % model)
    return model


class HardwareCatalog:
    """Reads the hardware catalogs (v2 instance types and the configs that fit a model, v1 hardware) and resolves a
    model as the CLI does (_models.ModelResolver), all through the v2 API layer."""

    def __init__(self, client, endpoints_v2, v1_base_url):
        self.client = client
        self.v2 = endpoints_v2
        self.v1_base_url = v1_base_url
        self.models = ModelResolver(endpoints_v2)

    def instance_types(self):
        return self.v2.instance_types()

    def configs(self, model):
        """The configs that fit a model (any of the four forms of _models), read once per model."""
        return self.models.configs(model)

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

    # -- what a new deployment is created with -------------------------------------------------------------------

    def resolve(self, wanted):
        """(model, config resource, hardware) for a DeploymentRequest to create; raises PlanError when nothing fits."""
        try:
            return self.models.deployment(wanted.name, wanted.model, config=wanted.config, hardware=wanted.hardware)
        except ModelNotResolved as exc:
            raise PlanError(exc.message) from exc
