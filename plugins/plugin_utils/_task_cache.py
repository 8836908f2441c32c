# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This plugin_utils is internal to together.ai: its API may change without notice. Do not import it.

"""What one run of a module resolved, handed to the next runs of the same task (the _task_cache key).

The action plugins run a module many times in one controller process: together_endpoint once per item of a
loop, and both plugins once per poll of a wait. Each run would otherwise ask whoami for the project and read
each deployment's model name again (three requests per poll of one v2 endpoint instead of one). The runs after
the first get them from here; module_utils/_module.py seeds them. The caller keeps one cache per connection
(key, API and project), so nothing read through one connection reaches another. Light on purpose: imported by
together_endpoint's plugin on every task.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

OPTION = "_task_cache"
# A bound on what goes back to the module each time (the module takes at most as many).
MAX_MODEL_NAMES = 1000


def remember(known, result):
    """Keep what a successful run resolved: the project whoami gave (with its slug) and the model names it read."""
    if isinstance(result.get("project_id"), str) and result.get("project_id"):
        known.update(project_id=result["project_id"], project_slug=result.get("project_slug"))
    names = known.setdefault("model_names", {})
    endpoints = [result.get("endpoint")] + list(result.get("endpoints") or [])
    for endpoint in endpoints:
        for item in (endpoint.get("deployments") or []) if isinstance(endpoint, dict) else []:
            if not isinstance(item, dict) or len(names) >= MAX_MODEL_NAMES:
                continue
            path, name = item.get("model"), item.get("model_name")
            if isinstance(path, str) and path.startswith("projects/") and isinstance(name, str) and name:
                names[path] = name
    return known


def without_cache(args):
    """A task's arguments less any _task_cache (only the plugins set it; one given in the task is dropped)."""
    return dict((key, value) for key, value in args.items() if key != OPTION)


def with_cache(args, known):
    """The module arguments of the next run: the project through the public project_id (when the task names none),
    and a copy of what else is known, when anything is (v1 reads learn nothing)."""
    args = without_cache(args)
    if known and (known.get("project_id") or known.get("model_names")):
        if known.get("project_id") and not args.get("project_id"):
            args["project_id"] = known["project_id"]
        args[OPTION] = dict(known, model_names=dict(known.get("model_names") or {}))
    return args
