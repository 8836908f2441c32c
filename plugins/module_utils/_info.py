# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""What together_endpoint_info does with its options: read one, several or all endpoints, maybe wait."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.together.ai.plugins.module_utils._endpoints import FAILURE_STATES
from ansible_collections.together.ai.plugins.module_utils._waiter import Progress, WaitError, wait_until

LIST_FILTERS = ("type", "usage_type", "mine")


class OptionError(Exception):
    """A bad combination or value of module options, found before any request."""


def _endpoint_id_problem(value):
    if not value.strip():
        return "must not be empty"
    if value != value.strip():
        return "must not start or end with white space, got %r" % value
    return None


class EndpointInfo:
    """One validated request of the info module."""

    def __init__(self, endpoint_ids=None, single=False, filters=None, wait_for_state=None,
                 wait_timeout=600.0, wait_sleep=5.0):
        self.endpoint_ids = endpoint_ids
        self.single = single
        self.filters = filters or {}
        self.wait_for_state = wait_for_state
        self.wait_timeout = wait_timeout
        self.wait_sleep = wait_sleep

    @classmethod
    def from_params(cls, params):
        """Check the module options together; raise OptionError naming the option at fault."""
        endpoint_id, endpoint_ids = params.get("endpoint_id"), params.get("endpoint_ids")
        if endpoint_id is not None:
            problem = _endpoint_id_problem(endpoint_id)
            if problem:
                raise OptionError("endpoint_id %s" % problem)
            ids, single = [endpoint_id], True
        elif endpoint_ids is not None:
            if not endpoint_ids:
                raise OptionError("endpoint_ids must list at least one endpoint id")
            ids = []
            for index, value in enumerate(endpoint_ids):
                problem = _endpoint_id_problem(value or "")
                if problem:
                    raise OptionError("endpoint_ids[%d] %s" % (index, problem))
                if value not in ids:
                    ids.append(value)
            single = False
        else:
            ids, single = None, False
        filters = dict((name, params.get(name)) for name in LIST_FILTERS if params.get(name) is not None)
        if ids is not None and filters:
            raise OptionError("%s filter%s the list of endpoints and cannot be combined with %s"
                              % (", ".join(sorted(filters)), "" if len(filters) > 1 else "s",
                                 "endpoint_id" if single else "endpoint_ids"))
        wait_for_state = params.get("wait_for_state")
        wait_timeout, wait_sleep = params.get("wait_timeout"), params.get("wait_sleep")
        if wait_for_state is not None:
            if ids is None:
                raise OptionError("wait_for_state needs endpoint_id or endpoint_ids: it waits for named endpoints")
            if wait_timeout is None or wait_timeout < 0:
                raise OptionError("wait_timeout must be 0 or more seconds, got %r" % (wait_timeout,))
            if wait_sleep is None or not wait_sleep > 0:
                raise OptionError("wait_sleep must be more than 0 seconds, got %r" % (wait_sleep,))
        return cls(endpoint_ids=ids, single=single, filters=filters, wait_for_state=wait_for_state,
                   wait_timeout=wait_timeout, wait_sleep=wait_sleep)

    def run(self, api, clock=time.monotonic, sleep=time.sleep):
        """Do the reads (and the wait) and return the module result; raise TogetherError on failure.

        A failed wait still reports the endpoints as last seen, in the error's partial_result.
        """
        if self.endpoint_ids is None:
            endpoints = api.list_endpoints(endpoint_type=self.filters.get("type"),
                                           usage_type=self.filters.get("usage_type"), mine=self.filters.get("mine"))
            return dict(exists=bool(endpoints), endpoint=None, endpoints=endpoints, missing=[])
        if self.wait_for_state is None:
            return self._result(api.get_endpoints(self.endpoint_ids))
        try:
            found, elapsed = wait_until(api.get_endpoints, self.endpoint_ids, self._progress,
                                        "state %s" % self.wait_for_state, self.wait_timeout, self.wait_sleep,
                                        clock=clock, sleep=sleep)
        except WaitError as exc:
            exc.partial_result = self._result(exc.endpoints)
            exc.partial_result["elapsed"] = round(exc.elapsed, 3)
            raise
        result = self._result(found)
        result["elapsed"] = round(elapsed, 3)
        return result

    def _progress(self, endpoint_id, endpoint):
        if endpoint is None:
            return Progress(failure="the endpoint does not exist (HTTP 404)")
        state = endpoint.get("state")
        if state == self.wait_for_state:
            return Progress(done=True)
        if state in FAILURE_STATES:
            return Progress(failure="the endpoint reached state %s" % state)
        return Progress(detail="state %s" % state)

    def _result(self, found):
        endpoints = [found[endpoint_id] for endpoint_id in self.endpoint_ids if found.get(endpoint_id) is not None]
        missing = [endpoint_id for endpoint_id in self.endpoint_ids if found.get(endpoint_id) is None]
        return dict(
            exists=not missing,
            endpoint=endpoints[0] if self.single and endpoints else None,
            endpoints=endpoints,
            missing=missing,
        )
