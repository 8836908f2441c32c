# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This plugin_utils is internal to together.ai: its API may change without notice. Do not import it.

"""A role's variables, checked by name: a misspelt one is reported with a did-you-mean (the gate, the rollout)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib


def unknown_variable_problems(names, role, variables, published=()):
    """[{path, message}] for each name with the role's prefix (<role>_) that is none of its variables.

    Names with the role's private prefix (<role>__) and the facts it publishes are the role's own.
    """
    problems = []
    for name in sorted(set(names or [])):
        if not name.startswith(role + "_") or name.startswith(role + "__") or name in tuple(variables) + tuple(published):
            continue
        close = difflib.get_close_matches(name, variables, n=1)
        hint = ("did you mean %s?" % close[0] if close
                else "the %s role's variables are %s" % (role, ", ".join(variables)))
        problems.append({"path": name, "message": "unknown variable %s; %s" % (name, hint)})
    return problems
