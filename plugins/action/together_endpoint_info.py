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

from ansible.plugins.action import ActionBase

from ansible_collections.together.ai.plugins.plugin_utils import _task_cache

MODULE = "together.ai.together_endpoint_info"
HARDWARE_MODULE = "together.ai.together_hardware_info"


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
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

    def _wait(self, args, task_vars):
        """The task's wait, driven from here through plain reads (plugin_utils/_controller_wait.py)."""
        # Imported only for a wait: they load the client (requests) and the module's option checks, which a plain
        # read (the module does it all) never needs on the controller.
        # pylint: disable=import-outside-toplevel
        from ansible_collections.together.ai.plugins.module_utils._endpoint_info import EndpointInfo
        from ansible_collections.together.ai.plugins.module_utils._errors import OptionError
        from ansible_collections.together.ai.plugins.modules.together_endpoint_info import ARGUMENT_SPEC, MUTUALLY_EXCLUSIVE
        from ansible_collections.together.ai.plugins.plugin_utils._controller_wait import (
            ControllerWait,
            module_params,
            read_args,
        )

        try:
            request = EndpointInfo.from_params(module_params(self, ARGUMENT_SPEC, mutually_exclusive=MUTUALLY_EXCLUSIVE))
        except OptionError as exc:
            return dict(failed=True, msg=str(exc))
        wait = ControllerWait(self, task_vars, "together_endpoint_info")
        outcome = wait.run(request, read_args(args, request))
        warnings = wait.warnings
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
        from ansible_collections.together.ai.plugins.plugin_utils._controller_wait import connection_args

        if not boolean(args["include_cost"], strict=False):
            return []
        connection = connection_args(args)
        catalogs = {}
        for version in sorted(set("v2" if item.get("api_version") == "v2" else "v1" for item in outcome["endpoints"])):
            answer = self._execute_module(module_name=HARDWARE_MODULE, module_args=dict(connection, api_version=version),
                                          task_vars=task_vars)
            if answer.get("failed"):
                return ["hourly_cost_ceiling not added: reading the %s prices failed: %s" % (version, answer.get("msg"))]
            catalogs[version] = answer.get("hardware") or []
        return add_ceilings(outcome, PriceList(v2_instance_types=catalogs.get("v2"), v1_hardware=catalogs.get("v1")))
