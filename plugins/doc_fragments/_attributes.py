# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This doc fragment is internal to together.ai: it may change without notice. Do not use it from other collections.

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The attributes of together.ai modules, combined per kind of module (as community.docker's _attributes does).

    A read-only module extends together.ai._attributes, together.ai._attributes.info_module and
    together.ai._attributes.actiongroup_together; a module that writes replaces info_module with write_module.
    """

    # The standard fragment: what each attribute means; the others below say how much a module supports it.
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying the target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
"""

    # With the standard fragment, for modules that only read from the Together API.
    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    details:
      - This module only reads from the Together API, so it runs the same in check mode.
  diff_mode:
    support: N/A
    details:
      - This module does not change anything.
"""

    # With the standard fragment, for modules that create, change or delete things through the Together API.
    WRITE_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    details:
      - In check mode the module reads the current state, reports what it would change, and sends no write.
  diff_mode:
    support: full
    details:
      - The diff shows the fields the module changes (or would change, in check mode), before and after.
"""

    ACTIONGROUP_TOGETHER = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/together.ai.together) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - together.ai.together
"""
