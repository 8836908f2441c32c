"""State over time, computed when read.

Every resource with a lifecycle keeps a list of (monotonic time, state, details) events. Reading
the state picks the last event that is due, so no background thread is needed and a test that
sleeps past a timing always sees the next state.
"""

import bisect
import datetime


def iso_timestamp(moment=None):
    """ISO 8601 UTC with milliseconds and a Z, the way the v1 API writes created_at."""
    moment = moment or datetime.datetime.now(datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)


class Timeline:
    """The states of one resource, past and scheduled."""

    def __init__(self, now, state, details=None):
        self._times = [now]
        self._events = [(now, state, dict(details or {}))]

    def current(self, now):
        """(state, details) of the last event whose time has come."""
        index = bisect.bisect_right(self._times, now) - 1
        _time, state, details = self._events[max(index, 0)]
        return state, details

    def state(self, now):
        return self.current(now)[0]

    def add(self, at, state, details=None):
        """Insert an event at an absolute time, after any event of the same time."""
        index = bisect.bisect_right(self._times, at)
        self._times.insert(index, at)
        self._events.insert(index, (at, state, dict(details or {})))

    def cancel_pending(self, now):
        """Forget scheduled events: an API action or a forced state replaces whatever was planned."""
        index = bisect.bisect_right(self._times, now)
        del self._times[index:]
        del self._events[index:]

    def plan(self, now, steps):
        """Replace what is scheduled with steps [(seconds from now, state, details)], cumulative delays."""
        self.cancel_pending(now)
        at = now
        for delay, state, details in steps:
            at += delay
            self.add(at, state, details)

    def event_times(self, after, until):
        """The distinct times of events in (after, until], in order: the only moments the state can change in that range."""
        start = bisect.bisect_right(self._times, after)
        stop = bisect.bisect_right(self._times, until)
        times = []
        for at in self._times[start:stop]:
            if not times or times[-1] != at:
                times.append(at)
        return times

    def pending(self, now):
        """Events still to come, as (seconds from now, state), for debugging and the control API."""
        index = bisect.bisect_right(self._times, now)
        return [(round(at - now, 3), state) for at, state, _details in self._events[index:]]


class ServingUnit:
    """What runs a model on hardware along a timeline of states: a v1 endpoint, a v2 deployment."""

    def __init__(self, model, hardware, autoscaling, timeline):
        self.model = model
        self.hardware = hardware
        self.autoscaling = dict(autoscaling)
        self.timeline = timeline
        self.inactive_timeout = None
        self.inference_latency = None  # None: the scenario's inference_latency
        self.inference_answer = None
        self.inference_error_rate = None  # None: the scenario's inference_error_rate
        self.inference_error_status = None
        self.error_credit = 0.0  # the error rate accumulated since the last scripted error (inference.py)
