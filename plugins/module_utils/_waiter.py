# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""Polling until endpoints reach a condition, with the clock injected so it is testable without waiting."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.together.ai.plugins.module_utils._client import TogetherError


class Progress:
    """Where one endpoint stands: done, failed (with a reason), or still on its way (with a detail)."""

    def __init__(self, done=False, failure=None, detail=None):
        self.done = done
        self.failure = failure
        self.detail = detail


class WaitError(TogetherError):
    """The wait ended without success; carries the endpoints as last seen."""

    def __init__(self, message, endpoints, elapsed):
        super(WaitError, self).__init__(message)
        self.endpoints = endpoints
        self.elapsed = elapsed


def wait_until(fetch, endpoint_ids, progress, goal, timeout, interval, clock=time.monotonic, sleep=time.sleep):
    """Poll fetch(endpoint_ids) -> {id: endpoint or None} until progress(id, endpoint) is done for every id.

    All ids are fetched on every round: the goal is that every endpoint is there at the same time,
    and one that was there may leave again (STARTED -> ERROR). Returns (endpoints, elapsed seconds);
    raises WaitError at once when one endpoint fails, or after timeout naming each one not there yet.
    """
    started = clock()
    while True:
        endpoints = fetch(endpoint_ids)
        elapsed = clock() - started
        waiting = []
        for endpoint_id in endpoint_ids:
            status = progress(endpoint_id, endpoints.get(endpoint_id))
            if status.failure:
                raise WaitError("endpoint '%s': %s while waiting for %s (after %.1fs)"
                                % (endpoint_id, status.failure, goal, elapsed), endpoints, elapsed)
            if not status.done:
                waiting.append("'%s' (%s)" % (endpoint_id, status.detail))
        if not waiting:
            return endpoints, elapsed
        if elapsed >= timeout:
            raise WaitError("timed out after %.1fs waiting for %s; not there yet: %s"
                            % (elapsed, goal, ", ".join(waiting)), endpoints, elapsed)
        sleep(max(0.0, min(interval, timeout - elapsed)))
