# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This doc fragment is internal to together.ai: it may change without notice. Do not use it from other collections.

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The hidden option a module's action plugin sets (module_utils/_module.py, plugin_utils/_task_cache.py)."""

    DOCUMENTATION = r"""
options:
  _task_cache:
    description:
      - Internal, set by the module's action plugin; do not set it (a value given in the task is dropped).
      - What earlier runs of the module in the same task resolved (the items of a loop, the polls of a wait), so that
        the next runs do not read it again, that is the project whoami gave (C(project_id), C(project_slug)) and
        readable model names (C(model_names), model path to name). Its project is not used where O(project_id) or
        E(TOGETHER_PROJECT_ID) names one.
    type: dict
"""
