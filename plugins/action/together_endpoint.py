# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""together_endpoint on the controller: the module writes in passes, this plugin waits between them.

The module sends what can be sent now and returns `pending`: deployments to be READY before they are
routed, or STOPPED before they are deleted. This plugin waits for those through together_endpoint_info's
own controller wait (same readiness rule, same progress lines as the gate), calls the module again to
finish, and for state=started waits until the endpoint serves. Check mode and async run the module once.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import math
import time

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.together.ai.plugins.action.together_endpoint_info import ActionModule as InfoActionModule
from ansible_collections.together.ai.plugins.plugin_utils import _task_cache

MODULE = "together.ai.together_endpoint"
# What a wait's reads need from the task: the connection and the project.
READ_OPTIONS = ("api_key", "base_url", "timeout", "validate_certs", "ca_path", "max_retries", "allow_plain_http",
                "project_id")
WAIT_OPTIONS = ("wait_sleep", "wait_progress_interval")
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


class ActionModule(InfoActionModule):
    TRANSFERS_FILES = False
    PROGRESS_LABEL = "together_endpoint"
    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        # The base action's run (the info plugin's own run would run the info module).
        result = super(InfoActionModule, self).run(tmp, task_vars)
        del tmp
        args = _task_cache.without_cache(self._task.args)
        problem = wait_timeout_problem(args.get("wait_timeout"))
        if problem:
            # Checked here too: this plugin's own deadline comes from it, before the module is ever called.
            result.update(failed=True, changed=False, msg=problem)
            return result
        try:
            if self._task.async_val:
                result.update(self._execute_module(module_name=MODULE, module_args=args, task_vars=task_vars,
                                                   wrap_async=self._task.async_val))
                return result
            result.update(self._passes(args, task_vars))
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

    def _passes(self, args, task_vars):
        first = self._module(args, task_vars)
        if first.get("failed") or self._task.check_mode:
            return first
        try:
            state = args.get("state") or "present"
            wait = boolean(args["wait"], strict=True) if args.get("wait") is not None else state == "started"
            timeout = float(args.get("wait_timeout", 1800))
        except (TypeError, ValueError):
            return first  # the module accepted them, so this cannot happen; never wait on a guess
        progress = _Progress(first, time.monotonic() + timeout)
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
                failure = self._wait(self._wait_args(args, item["endpoint_id"], awaited, progress.left(), item,
                                                     project_id=outcome.get("project_id")), task_vars, known)
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
                read = self._wait(self._wait_args(args, endpoint["id"], "STARTED" if state == "started" else "STOPPED",
                                                  progress.left(), deployment, routing=True,
                                                  project_id=outcome.get("project_id")), task_vars, known)
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

    @staticmethod
    def _wait_args(args, endpoint_id, awaited, left, item=None, routing=False, project_id=None):
        """The together_endpoint_info arguments of one wait (one endpoint, maybe one of its deployments)."""
        wait_args = dict((key, args[key]) for key in READ_OPTIONS + WAIT_OPTIONS if args.get(key) is not None)
        if project_id and not wait_args.get("project_id"):
            wait_args["project_id"] = project_id  # resolved once by the module: the wait's reads need no whoami
        wait_args.update(endpoint_id=endpoint_id, wait_for_state=awaited, wait_timeout=max(0.0, left),
                         wait_for_routing=routing)
        if item and item.get("deployment_id"):
            wait_args["deployment"] = item["deployment_id"]
        return wait_args


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
