# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""What together_endpoint_info does with its options: read one, several or all endpoints, maybe wait."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.together.ai.plugins.module_utils._errors import OptionError
from ansible_collections.together.ai.plugins.module_utils._options import endpoint_ids_from_params
from ansible_collections.together.ai.plugins.module_utils._parallel import (
    MAX_CONCURRENCY,
    MAX_PARALLEL_REQUESTS,
    MIN_CONCURRENCY,
)
from ansible_collections.together.ai.plugins.module_utils._readiness import STATES, progress
from ansible_collections.together.ai.plugins.module_utils._reader import LIST_FILTERS, V2_LIST_FILTERS
from ansible_collections.together.ai.plugins.module_utils._polling import PROGRESS_INTERVAL, WaitError, wait_until

V2_ONLY_OPTIONS = ("deployment", "include_deployments")

# The wait options of together_endpoint_info, defined once for the module and for its action plugin's controller-side
# wait (plugin_utils/_controller_wait.py), which must apply the same defaults to the arguments of its own waits.
WAIT_ARGUMENT_SPEC = dict(
    wait_for_state=dict(type="str", choices=list(STATES)),
    wait_timeout=dict(type="float", default=600.0),
    wait_sleep=dict(type="float", default=5.0),
    wait_for_routing=dict(type="bool", default=True),
    wait_progress_interval=dict(type="float", default=PROGRESS_INTERVAL),
)
# How many endpoints one read fetches at a time (not a wait option: the action plugin passes it to every read).
CONCURRENCY_OPTION = dict(type="int", default=MAX_PARALLEL_REQUESTS)


class EndpointInfo:
    """One validated request of the info module."""

    def __init__(self, endpoint_ids=None, single=False, filters=None, wait_for_state=None,
                 wait_timeout=600.0, wait_sleep=5.0, wait_for_routing=True, max_results=None,
                 wait_progress_interval=PROGRESS_INTERVAL, concurrency=MAX_PARALLEL_REQUESTS):
        self.endpoint_ids = endpoint_ids
        self.single = single
        self.filters = filters or {}
        self.wait_for_state = wait_for_state
        self.wait_timeout = wait_timeout
        self.wait_sleep = wait_sleep
        self.wait_for_routing = wait_for_routing
        self.max_results = max_results
        self.wait_progress_interval = wait_progress_interval
        self.concurrency = concurrency

    @classmethod
    def from_params(cls, params):
        """Check the module options together; raise OptionError naming the option at fault."""
        ids, single = endpoint_ids_from_params(params)
        filters = dict((name, params.get(name)) for name in LIST_FILTERS + V2_LIST_FILTERS
                       if params.get(name) is not None)
        if ids is not None and filters:
            raise OptionError("%s filter%s the list of endpoints and cannot be combined with %s"
                              % (", ".join(sorted(filters)), "" if len(filters) > 1 else "s",
                                 "endpoint_id" if single else "endpoint_ids"))
        api_version = params.get("api_version") or "auto"
        v1_filters = sorted(name for name in filters if name in LIST_FILTERS)
        v2_filters = sorted(name for name in filters if name in V2_LIST_FILTERS)
        if v2_filters and (v1_filters or api_version == "v1"):
            raise OptionError("name filters the v2 list and cannot be combined with %s"
                              % (", ".join(v1_filters) if v1_filters else "api_version=v1"))
        if v1_filters and api_version == "v2":
            raise OptionError("%s filter%s the v1 list only; the v2 list filters by name"
                              % (", ".join(v1_filters), "" if len(v1_filters) > 1 else "s"))
        v2_options = [name for name in V2_ONLY_OPTIONS if params.get(name)]
        if v2_options and api_version == "v1":
            raise OptionError("%s appl%s to v2 endpoints only and cannot be used with api_version=v1"
                              % (" and ".join(v2_options), "y" if len(v2_options) > 1 else "ies"))
        if params.get("include_deployments") and ids is None:
            raise OptionError("include_deployments reads the deployments of endpoint_id or endpoint_ids; "
                              "it does not apply to listing")
        max_results = params.get("max_results")
        if max_results is not None and max_results < 1:
            raise OptionError("max_results must be 1 or more, got %r" % (max_results,))
        concurrency = params.get("concurrency")
        if concurrency is None:
            concurrency = MAX_PARALLEL_REQUESTS
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or not (
                MIN_CONCURRENCY <= concurrency <= MAX_CONCURRENCY):
            raise OptionError("concurrency must be a whole number of reads at a time from %d to %d, got %r"
                              % (MIN_CONCURRENCY, MAX_CONCURRENCY, concurrency))
        wait_for_state = params.get("wait_for_state")
        wait_timeout, wait_sleep = params.get("wait_timeout"), params.get("wait_sleep")
        wait_progress_interval = params.get("wait_progress_interval", PROGRESS_INTERVAL)
        if wait_for_state is not None:
            if ids is None:
                raise OptionError("wait_for_state needs endpoint_id or endpoint_ids: it waits for named endpoints")
            if wait_timeout is None or wait_timeout < 0:
                raise OptionError("wait_timeout must be 0 or more seconds, got %r" % (wait_timeout,))
            if wait_sleep is None or not wait_sleep > 0:
                raise OptionError("wait_sleep must be more than 0 seconds, got %r" % (wait_sleep,))
            if wait_progress_interval is None or not wait_progress_interval > 0:
                raise OptionError("wait_progress_interval must be more than 0 seconds, got %r"
                                  % (wait_progress_interval,))
        return cls(endpoint_ids=ids, single=single, filters=filters, wait_for_state=wait_for_state,
                   wait_timeout=wait_timeout, wait_sleep=wait_sleep,
                   wait_for_routing=params.get("wait_for_routing", True), max_results=max_results,
                   wait_progress_interval=wait_progress_interval, concurrency=concurrency)

    def run(self, api, clock=time.monotonic, sleep=time.sleep, report=None, report_interval=None):
        """Do the reads (and the wait) through an EndpointReader and return the module result.

        Raises TogetherError on failure; a failed wait still reports the endpoints as last seen,
        in the error's partial_result. report(line) gets the wait's progress lines.
        """
        if self.endpoint_ids is None:
            endpoints = api.list_endpoints(self.filters, self.max_results)
            return dict(exists=bool(endpoints), endpoint=None, endpoints=endpoints, missing=[])
        if self.wait_for_state is None:
            return self._result(api.get_endpoints(self.endpoint_ids))
        self._set_deadline(api)
        return self.wait(api.get_endpoints, clock=clock, sleep=sleep, report=report, report_interval=report_interval)

    def _set_deadline(self, api):
        """No request of the wait may end later than one request's time after wait_timeout."""
        # v2_if_built: setting a deadline must not build (import) the v2 API of a v1-only task; a v2 API built
        # later shares the module's one client, whose deadline is set here through v1.
        v2 = api.v2_if_built if hasattr(api, "v2_if_built") else getattr(api, "v2", None)
        for reader in (getattr(api, "v1", None), v2):
            client = getattr(reader, "client", None)
            if client is not None:
                # The client's clock, not an injected one: the deadline bounds real requests.
                client.deadline = time.monotonic() + self.wait_timeout + (getattr(client, "timeout", None) or 0)

    def wait(self, fetch, clock=time.monotonic, sleep=time.sleep, report=None, report_interval=None):
        """Wait through fetch(ids) -> {id: endpoint or None}: the module's reader, or the action plugin's reads."""
        try:
            found, elapsed = wait_until(fetch, self.endpoint_ids, self.progress,
                                        "state %s" % self.wait_for_state, self.wait_timeout, self.wait_sleep,
                                        clock=clock, sleep=sleep, report=report,
                                        report_interval=report_interval or self.wait_progress_interval)
        except WaitError as exc:
            partial_result = dict(self._result(exc.endpoints), elapsed=round(exc.elapsed, 3))
            raise WaitError(exc.message, exc.endpoints, exc.elapsed, partial_result=partial_result) from exc
        result = self._result(found)
        result["elapsed"] = round(elapsed, 3)
        return result

    def progress(self, endpoint_id, endpoint):  # pylint: disable=unused-argument
        """Where one endpoint stands against the wait goal (the readiness rule, with this request's options)."""
        return progress(endpoint, self.wait_for_state, self.wait_for_routing)

    def _result(self, found):
        endpoints = [found[endpoint_id] for endpoint_id in self.endpoint_ids if found.get(endpoint_id) is not None]
        missing = [endpoint_id for endpoint_id in self.endpoint_ids if found.get(endpoint_id) is None]
        return dict(
            exists=not missing,
            endpoint=endpoints[0] if self.single and endpoints else None,
            endpoints=endpoints,
            missing=missing,
        )
