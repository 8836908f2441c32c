# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This plugin_utils is internal to together.ai: its API may change without notice. Do not import it.

"""Controller side of together_endpoint_info waits: the wait options, checked, and the reads the wait makes."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.collections import is_sequence
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.together.ai.plugins.module_utils._client import TogetherError
from ansible_collections.together.ai.plugins.module_utils._connection import CONNECTION_ARGUMENT_SPEC
from ansible_collections.together.ai.plugins.module_utils._endpoint_info import WAIT_ARGUMENT_SPEC, EndpointInfo
from ansible_collections.together.ai.plugins.module_utils._errors import OptionError
from ansible_collections.together.ai.plugins.module_utils._readiness import STATES

# Options only the wait uses: the reads of a controller-driven wait go to the module without them.
WAIT_OPTIONS = tuple(WAIT_ARGUMENT_SPEC)
WAIT_DEFAULTS = dict((name, option["default"]) for name, option in WAIT_ARGUMENT_SPEC.items() if "default" in option)


class ReadFailed(TogetherError):
    """A read of the wait failed in the module; carries the module's result."""

    def __init__(self, result):
        super(ReadFailed, self).__init__(str(result.get("msg") or "the module failed without a message"))
        self.result = result


def _number(name, value):
    if isinstance(value, bool):
        raise OptionError("%s must be a number of seconds, got %r" % (name, value))
    try:
        return float(value)
    except (TypeError, ValueError):
        raise OptionError("%s must be a number of seconds, got %r" % (name, value))


def wait_request(args):
    """The EndpointInfo of a task's arguments (templated, so numbers may be strings); raises OptionError."""
    if args.get("wait_for_state") not in STATES:
        # The module's own wording for a choice, since the module never sees this option here.
        raise OptionError("value of wait_for_state must be one of: %s, got: %s"
                          % (", ".join(STATES), args.get("wait_for_state")))
    params = dict(WAIT_DEFAULTS)
    params.update((key, value) for key, value in args.items() if value is not None)
    for name in ("wait_timeout", "wait_sleep", "wait_progress_interval"):
        params[name] = _number(name, params[name])
    concurrency = params.get("concurrency")
    if (isinstance(concurrency, str) and concurrency.strip().isdigit()) or (
            isinstance(concurrency, float) and concurrency.is_integer()):
        # A templated whole number, as the module's int type reads it; anything else stays as it is, for
        # EndpointInfo to reject naming the option before any read.
        params["concurrency"] = int(concurrency)
    try:
        params["wait_for_routing"] = boolean(params["wait_for_routing"], strict=True)
    except TypeError:
        raise OptionError("wait_for_routing must be true or false, got %r" % (params["wait_for_routing"],))
    endpoint_ids = params.get("endpoint_ids")
    if isinstance(endpoint_ids, str):
        # What the module's list type does with a comma-separated string.
        params["endpoint_ids"] = [item.strip() for item in endpoint_ids.split(",")]
    elif endpoint_ids is not None and not is_sequence(endpoint_ids):
        raise OptionError("endpoint_ids must be a list of endpoint ids, got %r" % (endpoint_ids,))
    if params.get("endpoint_id") is not None and params.get("endpoint_ids") is not None:
        raise OptionError("parameters are mutually exclusive: endpoint_id|endpoint_ids")
    return EndpointInfo.from_params(params)


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


def read_timeout(plain):
    """The read's own timeout (seconds), or None when the module will reject it anyway."""
    try:
        return _number("timeout", plain.get("timeout", CONNECTION_ARGUMENT_SPEC["timeout"]["default"]))
    except OptionError:
        return None


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
