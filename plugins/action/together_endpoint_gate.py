# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""together_endpoint_gate: the endpoint gate in one controller task (plugin_utils/_gate_run.py does the steps).

The reads and waits run through together_endpoint_info's own action plugin (so a wait polls from the controller
and prints its progress), the probes through together_endpoint_probe, each with this task's connection options.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.together.ai.plugins.module_utils._connection import CONNECTION_ARGUMENT_SPEC
from ansible_collections.together.ai.plugins.plugin_utils._gate_report_files import render_reports
from ansible_collections.together.ai.plugins.plugin_utils._gate_run import GateRun, settings_with_defaults, workflow_stats

INFO = "together.ai.together_endpoint_info"
PROBE = "together.ai.together_endpoint_probe"
ARGUMENT_SPEC = dict(
    CONNECTION_ARGUMENT_SPEC,
    checks=dict(type="raw", required=True),
    settings=dict(type="dict", default={}),
    variables=dict(type="list", elements="str", default=[]),
    project_id=dict(type="str"),
)
# What goes on to the modules: the connection as the task gave it (each module applies its own defaults and
# environment fallbacks, as when the role ran them as tasks).
CONNECTION_KEYS = tuple(CONNECTION_ARGUMENT_SPEC) + ("project_id",)
# The role's report templates, beside the plugins in the collection.
TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "roles", "endpoint_gate", "templates")

display = Display()


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        host = task_vars.get("inventory_hostname", "localhost")
        connection = dict((key, self._task.args[key]) for key in CONNECTION_KEYS if self._task.args.get(key) is not None)
        try:
            gate = GateRun(info=lambda module_args: self._info(module_args, task_vars),
                           probe=lambda module_args: self._execute_module(module_name=PROBE, module_args=module_args,
                                                                          task_vars=task_vars),
                           say=lambda line: display.display("[%s] endpoint gate: %s" % (host, line)))
            outcome = gate.run(args["checks"], args["settings"], args["variables"], connection)
        finally:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        # The report, said once, under this task's header: the role's failure that follows only sums it up.
        display.display("\n".join(outcome["report"]))
        settings = settings_with_defaults(args["settings"])
        markdown, junit = render_reports(outcome, settings["endpoint_gate_report_name"], TEMPLATES)
        result.update(outcome, changed=False, markdown=markdown, junit=junit, stats=workflow_stats(outcome, markdown),
                      ansible_facts=dict(together_endpoints=outcome["endpoints"], endpoint_gate_results=outcome["results"]))
        return result

    def _info(self, module_args, task_vars):
        """together_endpoint_info with these arguments, through its action plugin (which polls a wait from here)."""
        task = self._task.copy()
        task.args = module_args
        action = self._shared_loader_obj.action_loader.get(
            INFO, task=task, connection=self._connection, play_context=self._play_context, loader=self._loader,
            templar=self._templar, shared_loader_obj=self._shared_loader_obj)
        return action.run(task_vars=task_vars)
