# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""Polling until endpoints reach a condition, with the clock injected so it is testable without waiting.

The same loop runs inside the module (callers without the action plugin) and on the controller (the
together_endpoint_info action plugin, which reads through the module and prints progress), so both
waits share one rule for "there yet", one dead-end grace and one deadline.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.together.ai.plugins.module_utils._errors import TogetherError

# Seconds an endpoint may sit in a state it does not leave by itself (STOPPED while STARTED is awaited)
# before the wait fails: long enough for the API to show a start request that was just sent.
DEAD_END_GRACE = 20.0
# Seconds between two progress lines when the caller does not say.
PROGRESS_INTERVAL = 30.0
# The shortest pause between two reads, as a share of the interval (and never above 1 s): reads slower than the
# interval never come back to back.
MIN_PAUSE_SHARE = 0.2


class WaitError(TogetherError):
    """The wait ended without success; carries the endpoints as last seen (and, from a caller that knows the
    module's result shape, that result as partial_result)."""

    def __init__(self, message, endpoints, elapsed, partial_result=None):
        super(WaitError, self).__init__(message, partial_result=partial_result)
        self.endpoints = endpoints
        self.elapsed = elapsed


def _seconds(value):
    return "%d s" % value if value == int(value) else "%.1f s" % value


def wait_until(fetch, endpoint_ids, progress, goal, timeout, interval, clock=time.monotonic, sleep=time.sleep,
               report=None, report_interval=PROGRESS_INTERVAL, grace=DEAD_END_GRACE):
    """Poll fetch(endpoint_ids) -> {id: endpoint or None} until progress(id, endpoint) is done for every id.

    progress returns a _readiness.Progress (usually through _readiness.progress, the one readiness rule).

    All ids are fetched on every round: the goal is that every endpoint is there at the same time,
    and one that was there may leave again (STARTED -> ERROR). Reads start every `interval` seconds (counted
    from the start of the previous read, so the read's own time is not added to it), so a wait returns
    within one interval (and one read) of the transition; reads slower than that still pause
    min(MIN_PAUSE_SHARE x interval, 1 s) between them. No read starts after `timeout`. Returns (endpoints, elapsed seconds);
    raises WaitError at once when one endpoint fails, after `grace` seconds in a dead end, or after
    timeout naming each one not there yet. report(line), when given, gets a line naming what is still
    awaited on the first round that is not done and then at least every report_interval seconds.
    """
    started = clock()
    stuck_since = {}
    last_report = None
    slowest_read = 0.0
    while True:
        before = clock()
        endpoints = fetch(endpoint_ids)
        now = clock()
        # The next line comes after the next read: start it early enough, allowing for a read slower than
        # the slowest so far (the API, or a busy CI runner).
        slowest_read = max(slowest_read, now - before)
        margin = 1.5 * slowest_read + 0.5 if slowest_read else 0.0
        elapsed = now - started
        waiting = []
        progress_lines = []
        for endpoint_id in endpoint_ids:
            status = progress(endpoint_id, endpoints.get(endpoint_id))
            if status.failure:
                raise WaitError("endpoint '%s': %s while waiting for %s (after %.1fs)"
                                % (endpoint_id, status.failure, goal, elapsed), endpoints, elapsed)
            if status.dead_end:
                stuck_since.setdefault(endpoint_id, now)
                if now - stuck_since[endpoint_id] >= grace:
                    raise WaitError("endpoint '%s': %s, and stayed so for %s while waiting for %s (after %.1fs); "
                                    "start it, then wait again"
                                    % (endpoint_id, status.dead_end, _seconds(grace), goal, elapsed),
                                    endpoints, elapsed)
            else:
                stuck_since.pop(endpoint_id, None)
            if not status.done:
                waiting.append("'%s' (%s)" % (endpoint_id, status.detail))
                grace_note = ""
                if endpoint_id in stuck_since:
                    grace_note = "; the wait fails if it is still so in %s" % _seconds(
                        max(0, round(stuck_since[endpoint_id] + grace - now)))
                progress_lines.append("'%s' (%s%s)" % (endpoint_id, status.detail, grace_note))
        if not waiting:
            return endpoints, elapsed
        if elapsed >= timeout:
            raise WaitError("timed out after %.1fs waiting for %s; not there yet: %s"
                            % (elapsed, goal, ", ".join(waiting)), endpoints, elapsed)
        # Due a read early rather than a poll late: reads take time, and the next line would come after one more.
        if report is not None and (last_report is None or now - last_report >= report_interval - margin):
            # A gate passes what is left of its deadline (899.97 s): whole seconds read better.
            shown_timeout = _seconds(round(timeout) if timeout >= 10 else timeout)
            report("Waiting for %s, %s of %s: %s"
                   % (goal, _seconds(round(elapsed)), shown_timeout, ", ".join(progress_lines)))
            last_report = now
        # A fixed cadence: the interval counts from the start of this read, so polls come every `interval`
        # seconds, not every interval plus one read (with a module process per read, 0.5 s or more).
        shortest = min(interval * MIN_PAUSE_SHARE, 1.0)
        pause = min(max(interval - (now - before), shortest), timeout - elapsed)
        if report is not None:
            # Never back-to-back reads, even when reads are slower than the interval (then each read prints).
            pause = min(pause, max(last_report + report_interval - now - margin, shortest))
        if stuck_since:
            pause = min(pause, min(stuck_since.values()) + grace - now)
        sleep(max(0.0, pause))
