# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This doc fragment is internal to together.ai: it may change without notice. Do not use it from other collections.

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """How a v2 model is named and resolved (module_utils/_models.py), for the modules that take one."""

    DOCUMENTATION = r"""
options: {}
notes:
  - "A v2 model can be named in four forms, resolved as Together's own CLI (C(together endpoints deploy)) resolves them.
    The configs that fit it are always listed by a bare model id (C(GET /v2/projects/{p}/configs?referenceModelId=...)),
    never by a readable name."
  - "A resource path C(projects/{p}/models/{ml}[/revisions/{rv}]) costs C(GET /v2/projects/{p}/models/{ml}) and the
    configs of its base model. A deployment keeps the path, revision pin included."
  - "A bare C(ml_...) id costs C(GET /v2/projects/{project}/models/{ml}). The project's own model (a fine-tune or an
    upload) is deployed as itself, with the configs of its base model. Any other id is a catalog model, whose configs are
    listed by that id; a deployment takes the chosen config's C(referenceModel)."
  - "A private model C(<project-slug>/<name>), where the slug is the project's (from C(GET /v3/whoami)), costs the
    project's model list (C(GET /v2/projects/{p}/models)) and the configs of its base model. A deployment keeps the
    private model's path. No match, or several, fail and name the project's models."
  - "Any other name, such as V(meta-llama/Llama-3.3-70B-Instruct-Turbo), costs C(GET /v2/supported-models?search=<name>)
    (the exact name first, else the only match; none or several fail and name the candidates). A new deployment takes
    the model path and config of one of its deployment profiles, the profile of the config or hardware given, or the
    only one (several without a choice fail and list them). Its configs are those of its base model."
  - "Each model is resolved once per task run."
"""
