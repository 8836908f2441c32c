# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This plugin_utils is internal to together.ai: its API may change without notice. Do not import it.

"""The wait both action plugins drive from the controller, used by composition (ControllerWait).

A wait polls the endpoints through plain reads of together_endpoint_info, judges each read with the module's own
wait rule (module_utils/_polling.py, through EndpointInfo.wait) and prints a progress line at least every
wait_progress_interval. The task's options are checked as the module checks them: against the module's own
argument spec (ActionBase.validate_argument_spec), then by the module's own request builder.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible.errors import AnsibleActionFail
from ansible.utils.display import Display

from ansible_collections.together.ai.plugins.module_utils._connection import CONNECTION_ARGUMENT_SPEC
from ansible_collections.together.ai.plugins.module_utils._endpoint_info import WAIT_ARGUMENT_SPEC, EndpointInfo
from ansible_collections.together.ai.plugins.module_utils._errors import OptionError, TogetherError
from ansible_collections.together.ai.plugins.module_utils._module import together_argument_spec
from ansible_collections.together.ai.plugins.module_utils._polling import WaitError
from ansible_collections.together.ai.plugins.plugin_utils import _task_cache

READ_MODULE = "together.ai.together_endpoint_info"
# Options only the wait uses: the reads of a controller-driven wait go to the module without them.
WAIT_OPTIONS = tuple(WAIT_ARGUMENT_SPEC)
WAIT_DEFAULTS = dict((name, option["default"]) for name, option in WAIT_ARGUMENT_SPEC.items() if "default" in option)
# The options that say where and as whom a module talks to the API: every read a plugin makes on its own carries them.
CONNECTION_OPTIONS = tuple(CONNECTION_ARGUMENT_SPEC)
display = Display()


class ReadFailed(TogetherError):
    """A read of the wait failed in the module; carries the module's result."""

    def __init__(self, result):
        super(ReadFailed, self).__init__(str(result.get("msg") or "the module failed without a message"))
        self.result = result


def module_params(action, argument_spec, **constraints):
    """The task's arguments as the module reads them (types, defaults, choices, mutual exclusions), checked against
    the module's own argument spec with the connection options and project_id; raises OptionError with Ansible's
    own message. Only the plugin's decisions use them: the module still gets the task's arguments as given."""
    task_args = action._task.args  # pylint: disable=protected-access
    # A _task_cache given in the task is no option: the plugin drops it (plugin_utils/_task_cache.py), so the check
    # (which reads the task's arguments) must not see it, nor name it among the supported parameters.
    action._task.args = _task_cache.without_cache(task_args)  # pylint: disable=protected-access
    try:
        _result, params = action.validate_argument_spec(
            argument_spec=together_argument_spec(argument_spec, project_option=True), **constraints)
    except AnsibleActionFail as exc:
        raise OptionError(exc.message)
    finally:
        action._task.args = task_args  # pylint: disable=protected-access
    return params


def wait_request(params):
    """The request of a wait a plugin makes on its own (values already of their types), with the wait defaults."""
    request = dict(WAIT_DEFAULTS)
    request.update((key, value) for key, value in params.items() if value is not None)
    return EndpointInfo.from_params(request)


def connection_args(args, extra=()):
    """The connection options (and the extra options named) a task gives, for a read the plugin makes on its own."""
    return dict((key, args[key]) for key in CONNECTION_OPTIONS + tuple(extra) if args.get(key) is not None)


def read_args(args, request):
    """The module arguments of one plain read of the endpoints the wait is about."""
    # The cost is added once after the wait (the action plugin reads the prices once), not with every poll.
    plain = dict((key, value) for key, value in args.items() if key not in WAIT_OPTIONS and key != "include_cost")
    plain.pop("endpoint_id", None)
    plain.pop("endpoint_ids", None)
    if request.single:
        plain["endpoint_id"] = request.endpoint_ids[0]
    else:
        plain["endpoint_ids"] = list(request.endpoint_ids)
    return plain


def _seconds(value):
    try:
        return None if isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        return None


def read_timeout(plain):
    """The read's own timeout (seconds), or None when the module will reject it anyway."""
    return _seconds(plain.get("timeout", CONNECTION_ARGUMENT_SPEC["timeout"]["default"]))


def bounded_read(plain, left):
    """The read's arguments with retries cut so that it ends within `left` seconds (the wait's deadline).

    The wait's deadline is wait_timeout plus one read's timeout after the wait began, and no read starts
    after wait_timeout, so a read always has its full timeout; only its retries (each up to another timeout)
    may not fit. Values the module will reject are left alone for it to say so.
    """
    timeout = read_timeout(plain)
    try:
        retries = int(plain.get("max_retries", CONNECTION_ARGUMENT_SPEC["max_retries"]["default"]))
    except (TypeError, ValueError):
        return plain
    if timeout is None or timeout <= 0 or retries < 0 or left >= timeout * (retries + 1):
        return plain
    return dict(plain, max_retries=max(0, min(retries, int(left // timeout) - 1)))


def found_by_id(request, result):
    """{id: endpoint or None} from a module result: endpoints keep the order of the ids, less the missing."""
    if result.get("failed"):
        raise ReadFailed(result)
    missing = result.get("missing") or []
    present = iter(result.get("endpoints") or [])
    found = {}
    for endpoint_id in request.endpoint_ids:
        found[endpoint_id] = None if endpoint_id in missing else next(present, None)
    return found


class ControllerWait:
    """One wait of a task, driven from the controller through the action plugin that owns the task.

    action: the ActionBase whose _execute_module runs the reads; label: the module name progress lines start with;
    known: what earlier module runs of the task resolved (plugin_utils/_task_cache.py), added to by every poll, so
    after the first nothing is read twice.
    """

    def __init__(self, action, task_vars, label, known=None):
        self.action = action
        self.task_vars = task_vars
        self.label = label
        self.known = {} if known is None else known
        self.host = task_vars.get("inventory_hostname", "localhost")
        self.warnings = []
        self.last = {}

    def run(self, request, plain):
        """Poll until request's endpoints reach its state; the task's result (failed, with the endpoints as last seen,
        when they did not). plain: the module arguments of one plain read (read_args)."""
        # A wait never outlives wait_timeout by more than one read's timeout: near the end, fewer retries.
        self._plain = plain
        self._request = request
        self._deadline = time.monotonic() + request.wait_timeout + (read_timeout(plain) or 0)
        started = time.monotonic()
        try:
            outcome = request.wait(self._fetch, clock=time.monotonic, sleep=time.sleep, report=self._report)
        except ReadFailed as exc:
            outcome = dict(exc.result)
            outcome.pop("warnings", None)
            # The read's own message names the request only; a failure must also say what the task waited for.
            outcome["msg"] = "%s (while waiting for state %s, after %.1fs)" % (
                outcome.get("msg") or "the read failed", request.wait_for_state, time.monotonic() - started)
        except WaitError as exc:
            outcome = dict(exc.partial_result, failed=True, msg=exc.message)
        for key in ("project_id", "project_slug"):
            if key in self.last:
                outcome[key] = self.last[key]
        outcome["changed"] = False
        return outcome

    def _fetch(self, endpoint_ids):  # pylint: disable=unused-argument
        module_args = _task_cache.with_cache(bounded_read(self._plain, self._deadline - time.monotonic()), self.known)
        answer = self.action._execute_module(module_name=READ_MODULE, module_args=module_args,  # pylint: disable=protected-access
                                             task_vars=self.task_vars)
        if not answer.get("failed"):
            _task_cache.remember(self.known, answer)
        self.warnings.extend(warning for warning in answer.pop("warnings", None) or [] if warning not in self.warnings)
        found = found_by_id(self._request, answer)
        self.last = answer
        return found

    def _report(self, line):
        display.display("[%s] %s: %s" % (self.host, self.label, line))
