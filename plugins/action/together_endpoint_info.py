# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""together_endpoint_info on the controller: a wait is polled from here, printing progress as it goes.

Without wait_for_state the module runs as usual. With it, this plugin owns the wait loop (the module's
own wait rule, grace and deadline, from module_utils) and calls the module for plain reads, so a wait
prints a line at least every wait_progress_interval seconds and never needs Ansible async (whose job
files follow HOME).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.together.ai.plugins.plugin_utils import _task_cache

MODULE = "together.ai.together_endpoint_info"
HARDWARE_MODULE = "together.ai.together_hardware_info"
# What a prices read needs from the task: the connection.
CONNECTION_OPTIONS = ("api_key", "base_url", "timeout", "validate_certs", "ca_path", "max_retries", "allow_plain_http")
display = Display()


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    # The module name progress lines start with; together_endpoint's action plugin reuses _wait with its own.
    PROGRESS_LABEL = "together_endpoint_info"
    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        args = _task_cache.without_cache(self._task.args)
        try:
            if args.get("wait_for_state") is None or self._task.async_val:
                # Nothing to wait for, or the caller chose async: the module does it all, as before.
                result.update(self._execute_module(module_name=MODULE, module_args=args, task_vars=task_vars,
                                                   wrap_async=self._task.async_val))
                return result
            result.update(self._wait(args, task_vars))
            return result
        finally:
            if not self._task.async_val:
                self._remove_tmp_path(self._connection._shell.tmpdir)

    def _wait(self, args, task_vars, known=None):
        """Poll until the endpoints reach the awaited state. known: what earlier module runs of the task resolved
        (plugin_utils/_task_cache.py); the polls add to it, so after the first nothing is read twice."""
        # Imported only for a wait: they load the client (requests) and the module's option checks, which a plain
        # read (the module does it all) never needs on the controller.
        # pylint: disable=import-outside-toplevel
        from ansible_collections.together.ai.plugins.module_utils._errors import OptionError
        from ansible_collections.together.ai.plugins.module_utils._waiter import WaitError
        from ansible_collections.together.ai.plugins.plugin_utils._wait import (
            ReadFailed,
            bounded_read,
            found_by_id,
            read_args,
            read_timeout,
            wait_request,
        )

        try:
            request = wait_request(args)
        except OptionError as exc:
            return dict(failed=True, msg=str(exc))
        plain = read_args(args, request)
        host = task_vars.get("inventory_hostname", "localhost")
        warnings = []
        # A wait never outlives wait_timeout by more than one read's timeout: near the end, fewer retries.
        deadline = time.monotonic() + request.wait_timeout + (read_timeout(plain) or 0)

        known = {} if known is None else known

        def fetch(endpoint_ids):  # pylint: disable=unused-argument
            module_args = _task_cache.with_cache(bounded_read(plain, deadline - time.monotonic()), known)
            answer = self._execute_module(module_name=MODULE, module_args=module_args, task_vars=task_vars)
            if not answer.get("failed"):
                _task_cache.remember(known, answer)
            warnings.extend(warning for warning in answer.pop("warnings", None) or [] if warning not in warnings)
            found = found_by_id(request, answer)
            fetch.last = answer
            return found

        fetch.last = {}

        def report(line):
            display.display("[%s] %s: %s" % (host, self.PROGRESS_LABEL, line))

        outcome = {}
        started = time.monotonic()
        try:
            outcome = request.wait(fetch, clock=time.monotonic, sleep=time.sleep, report=report)
        except ReadFailed as exc:
            outcome = dict(exc.result)
            outcome.pop("warnings", None)
            # The read's own message names the request only; a failure must also say what the task waited for.
            outcome["msg"] = "%s (while waiting for state %s, after %.1fs)" % (
                outcome.get("msg") or "the read failed", request.wait_for_state, time.monotonic() - started)
        except WaitError as exc:
            outcome = dict(exc.partial_result, failed=True, msg=exc.message)
        for key in ("project_id", "project_slug"):
            if key in fetch.last:
                outcome[key] = fetch.last[key]
        outcome["changed"] = False
        if args.get("include_cost") not in (None, False) and outcome.get("endpoints") and not outcome.get("failed"):
            warnings.extend(self._add_costs(args, outcome, task_vars))
        if warnings:
            outcome["warnings"] = warnings
        return outcome

    def _add_costs(self, args, outcome, task_vars):
        """include_cost after a wait: the prices read once (together_hardware_info), the ceilings computed here."""
        # pylint: disable=import-outside-toplevel
        from ansible.module_utils.parsing.convert_bool import boolean
        from ansible_collections.together.ai.plugins.module_utils._cost import PriceList, add_ceilings

        if not boolean(args["include_cost"], strict=False):
            return []
        connection = dict((key, args[key]) for key in CONNECTION_OPTIONS if args.get(key) is not None)
        catalogs = {}
        for version in sorted(set("v2" if item.get("api_version") == "v2" else "v1" for item in outcome["endpoints"])):
            answer = self._execute_module(module_name=HARDWARE_MODULE, module_args=dict(connection, api_version=version),
                                          task_vars=task_vars)
            if answer.get("failed"):
                return ["hourly_cost_ceiling not added: reading the %s prices failed: %s" % (version, answer.get("msg"))]
            catalogs[version] = answer.get("hardware") or []
        return add_ceilings(outcome, PriceList(v2_instance_types=catalogs.get("v2"), v1_hardware=catalogs.get("v1")))
