# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""together_endpoint on the controller: the module writes in passes, this plugin waits between them.

The module sends what can be sent now and returns `pending`: deployments to be READY before they are
routed, or STOPPED before they are deleted. This plugin waits for those through the controller wait it shares
with together_endpoint_info's plugin (plugin_utils/_controller_wait.py: same readiness rule, same progress lines
as the gate), calls the module again to finish, and for state=started waits until the endpoint serves. Check
mode and async run the module once. The task's options are checked against the module's own argument spec
first: this plugin's waits and deadline come from them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import math
import time

from ansible.plugins.action import ActionBase

from ansible_collections.together.ai.plugins.plugin_utils import _task_cache

MODULE = "together.ai.together_endpoint"
# Waits that must end before the module can go on: the API deletes only stopped deployments.
REQUIRED_THEN = ("delete", "recreate")
# create, route; retire, delete; recreate: no request needs more passes than this.
MAX_PASSES = 6
# The items of a loop run one after the other in this worker process (one process per task and host). What one
# item's module resolved, the API key's project (whoami) and readable model names, goes to the next items through
# the _task_cache key of the module arguments (plugin_utils/_task_cache.py): a loop over N endpoints asks whoami once
# and reads each model name once. Keyed by everything that could point an item at another key, API or host.
_TASK_CACHE = {}
CACHE_OPTIONS = ("api_key", "base_url", "project_id")


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        args = _task_cache.without_cache(self._task.args)
        # Imported per task, not on load: the spec's module and the wait load the client (requests).
        # pylint: disable=import-outside-toplevel
        from ansible_collections.together.ai.plugins.module_utils._errors import OptionError
        from ansible_collections.together.ai.plugins.modules.together_endpoint import ARGUMENT_SPEC
        from ansible_collections.together.ai.plugins.plugin_utils._controller_wait import module_params

        try:
            params = module_params(self, ARGUMENT_SPEC)
            # Checked here too (the spec cannot say "finite"): this plugin's own deadline comes from it.
            problem = wait_timeout_problem(args.get("wait_timeout"))
            if problem:
                raise OptionError(problem)
        except OptionError as exc:
            # Before the module is ever called: it would refuse the same options in the same words.
            result.update(failed=True, changed=False, msg=str(exc))
            return result
        try:
            if self._task.async_val:
                result.update(self._execute_module(module_name=MODULE, module_args=args, task_vars=task_vars,
                                                   wrap_async=self._task.async_val))
                return result
            result.update(self._passes(args, params, task_vars))
            return result
        finally:
            if not self._task.async_val:
                self._remove_tmp_path(self._connection._shell.tmpdir)

    def _module(self, args, task_vars):
        key = self._cache_key(args, task_vars)
        result = self._execute_module(module_name=MODULE, module_args=_task_cache.with_cache(args, _TASK_CACHE.get(key)),
                                      task_vars=task_vars)
        if not result.get("failed"):
            _task_cache.remember(_TASK_CACHE.setdefault(key, {}), result)
        return result

    def _cache_key(self, args, task_vars):
        """Who the module talks to, as whom: the connection options, the TOGETHER_* environment, the host."""
        environment = {}
        try:
            self._compute_environment_string(environment)
        except Exception:  # pylint: disable=broad-except
            environment = {"unknown": True}  # never share what cannot be told apart
        parts = dict((option, args.get(option)) for option in CACHE_OPTIONS)
        parts.update(environment=dict((name, value) for name, value in environment.items() if str(name).startswith("TOGETHER_")),
                     host=task_vars.get("inventory_hostname"), delegate_to=self._task.delegate_to)
        return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode("utf-8")).hexdigest()

    def _passes(self, args, params, task_vars):
        first = self._module(args, task_vars)
        if first.get("failed") or self._task.check_mode:
            return first
        state = params["state"]
        wait = params["wait"] if params["wait"] is not None else state == "started"
        progress = _Progress(first, time.monotonic() + params["wait_timeout"])
        # The waits' polls start from what the passes resolved, and the passes after them from what the polls read.
        known = _TASK_CACHE.setdefault(self._cache_key(args, task_vars), {})
        outcome = first
        for _pass in range(MAX_PASSES):
            pending = outcome.get("pending") or []
            needed = [item for item in pending if wait or item.get("then") in REQUIRED_THEN]
            if not needed:
                break
            for item in needed:
                awaited = "STARTED" if item["state"] == "READY" else "STOPPED"
                failure = self._wait(args, params, task_vars, known, item["endpoint_id"], awaited, progress.left(), item,
                                     project_id=outcome.get("project_id"))
                progress.waited(failure)
                if failure.get("failed"):
                    return progress.failed(failure)
            if not any(item.get("then") for item in needed):
                break
            outcome = self._module(args, task_vars)
            progress.add(outcome)
            if outcome.get("failed"):
                return progress.failed(outcome)
        endpoint = outcome.get("endpoint") or {}
        if wait and endpoint.get("id") and state in ("started", "stopped"):
            for deployment in self._to_stop(endpoint) if state == "stopped" else [None]:
                read = self._wait(args, params, task_vars, known, endpoint["id"],
                                  "STARTED" if state == "started" else "STOPPED", progress.left(), deployment,
                                  routing=True, project_id=outcome.get("project_id"))
                progress.waited(read)
                if read.get("failed"):
                    return progress.failed(read)
                outcome = dict(outcome, endpoint=read.get("endpoint") or outcome.get("endpoint"))
        return progress.result(outcome, wait)

    @staticmethod
    def _to_stop(endpoint):
        if endpoint.get("api_version") != "v2":
            return [None]
        return [dict(deployment_id=item["id"]) for item in endpoint.get("deployments") or []
                if item.get("normalized_state") != "STOPPED"]

    def _wait(self, args, params, task_vars, known, endpoint_id, awaited, left, item=None, routing=False,
              project_id=None):
        """Wait for one endpoint (maybe one of its deployments) through plain reads of together_endpoint_info, from
        the controller; the reads carry the task's connection options as given."""
        # pylint: disable=import-outside-toplevel
        from ansible_collections.together.ai.plugins.module_utils._errors import OptionError
        from ansible_collections.together.ai.plugins.plugin_utils._controller_wait import (
            ControllerWait,
            connection_args,
            read_args,
            wait_request,
        )

        read = connection_args(args, extra=("project_id",))
        if project_id and not read.get("project_id"):
            read["project_id"] = project_id  # resolved once by the module: the wait's reads need no whoami
        if item and item.get("deployment_id"):
            read["deployment"] = item["deployment_id"]
        try:
            request = wait_request(dict(read, endpoint_id=endpoint_id, wait_for_state=awaited,
                                        wait_timeout=max(0.0, left), wait_for_routing=routing,
                                        wait_sleep=params["wait_sleep"],
                                        wait_progress_interval=params["wait_progress_interval"]))
        except OptionError as exc:
            return dict(failed=True, msg=str(exc))
        return ControllerWait(self, task_vars, "together_endpoint", known).run(request, read_args(read, request))


def wait_timeout_problem(value):
    """What is wrong with a wait_timeout as the task gives it (templated values may be strings), or None."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None  # the module names the type error
    if isinstance(value, bool) or not math.isfinite(seconds) or seconds < 0:
        return "wait_timeout must be a finite number of 0 or more seconds, got %r" % (value,)
    return None


class _Progress:
    """The task's result across passes: changed if any pass changed, all actions, diff from first before to last after."""

    def __init__(self, first, deadline):
        self.first = first
        self.deadline = deadline
        self.started = time.monotonic()
        self.changed = bool(first.get("changed"))
        self.actions = list(first.get("actions") or [])
        self.retried = list(first.get("retried") or [])
        self.warnings = list(first.get("warnings") or [])
        self.elapsed = 0.0
        self.did_wait = False

    def left(self):
        return self.deadline - time.monotonic()

    def add(self, outcome):
        self.changed = self.changed or bool(outcome.get("changed"))
        self.actions.extend(outcome.get("actions") or [])
        self.retried.extend(outcome.get("retried") or [])
        self.warnings.extend(warning for warning in outcome.get("warnings") or [] if warning not in self.warnings)

    def waited(self, read):
        self.did_wait = True
        self.warnings.extend(warning for warning in read.get("warnings") or [] if warning not in self.warnings)

    def _merged(self, outcome):
        merged = dict(outcome, changed=self.changed, actions=self.actions, retried=self.retried)
        if "diff" in self.first:
            merged["diff"] = dict(before=self.first["diff"].get("before"),
                                  after=(outcome.get("diff") or self.first["diff"]).get("after"))
        if self.did_wait:
            merged["elapsed"] = round(time.monotonic() - self.started, 3)
        merged.pop("warnings", None)
        if self.warnings:
            merged["warnings"] = self.warnings
        return merged

    def failed(self, failure):
        """A failed wait or pass: its message, with what the task had already changed."""
        merged = self._merged(dict(failure))
        merged["failed"] = True
        for key in ("exists", "missing", "endpoints"):
            merged.pop(key, None)
        return merged

    def result(self, outcome, wait):
        merged = self._merged(outcome)
        pending = outcome.get("pending") or []
        if pending and not wait:
            merged.setdefault("warnings", []).append(
                "not waited for (wait is false): %s; run the task again once that is done, or set wait: true"
                % "; ".join("deployment %s to be %s, then %s" % (item.get("name"), item.get("state"), item.get("then"))
                            for item in pending))
        return merged
