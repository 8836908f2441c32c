# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""wait_until with an injected clock and sleep: nothing here waits for real."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.together.ai.plugins.module_utils._client import TogetherError
from ansible_collections.together.ai.plugins.module_utils._readiness import Progress
from ansible_collections.together.ai.plugins.module_utils._polling import DEAD_END_GRACE, WaitError, wait_until
from ansible_collections.together.ai.tests.unit._helpers import FakeTime


class Script:
    """fetch() that returns the next scripted round of {id: state or None}; the last round repeats."""

    def __init__(self, fake_time, rounds, fetch_seconds=0.0):
        self.fake_time = fake_time
        self.rounds = list(rounds)
        self.fetch_seconds = fetch_seconds
        self.calls = []
        self.starts = []

    def __call__(self, endpoint_ids):
        self.calls.append(list(endpoint_ids))
        self.starts.append(self.fake_time.now)
        states = self.rounds.pop(0) if len(self.rounds) > 1 else self.rounds[0]
        self.fake_time.now += self.fetch_seconds
        return dict((endpoint_id, None if state is None else {"id": endpoint_id, "state": state})
                    for endpoint_id, state in states.items())


def progress_to(goal):
    def progress(endpoint_id, endpoint):  # pylint: disable=unused-argument
        if endpoint is None:
            return Progress(failure="the endpoint does not exist (HTTP 404)")
        if endpoint["state"] == goal:
            return Progress(done=True)
        if endpoint["state"] in ("ERROR", "FAILED"):
            return Progress(failure="the endpoint reached state %s" % endpoint["state"])
        return Progress(detail="state %s" % endpoint["state"])
    return progress


def wait(fake_time, fetch, ids, goal="STARTED", timeout=60.0, interval=5.0):
    return wait_until(fetch, ids, progress_to(goal), "state %s" % goal, timeout, interval,
                      clock=fake_time.clock, sleep=fake_time.sleep)


def test_returns_at_once_when_every_endpoint_is_already_there():
    fake_time = FakeTime(1000.0)
    fetch = Script(fake_time, [{"a": "STARTED", "b": "STARTED"}])
    endpoints, elapsed = wait(fake_time, fetch, ["a", "b"])
    assert endpoints == {"a": {"id": "a", "state": "STARTED"}, "b": {"id": "b", "state": "STARTED"}}
    assert elapsed == 0.0
    assert fake_time.sleeps == []
    assert len(fetch.calls) == 1


def test_reaches_the_goal_after_polling_with_the_interval():
    fake_time = FakeTime(1000.0)
    fetch = Script(fake_time, [{"a": "PENDING"}, {"a": "STARTING"}, {"a": "STARTED"}])
    endpoints, elapsed = wait(fake_time, fetch, ["a"], interval=5.0)
    assert endpoints["a"]["state"] == "STARTED"
    assert fake_time.sleeps == [5.0, 5.0]
    assert elapsed == 10.0


def test_elapsed_comes_from_the_injected_clock_including_fetch_time():
    fake_time = FakeTime(start=-50.0)
    fetch = Script(fake_time, [{"a": "STARTING"}, {"a": "STARTED"}], fetch_seconds=1.25)
    _endpoints, elapsed = wait(fake_time, fetch, ["a"], interval=3.0)
    # The second read starts 3 s after the first started (the interval counts from a read's start) and takes 1.25 s.
    assert fake_time.sleeps == [pytest.approx(1.75)]
    assert elapsed == pytest.approx(3.0 + 1.25)


def test_re_polls_every_id_each_round_and_waits_for_all_at_the_same_time():
    fake_time = FakeTime(1000.0)
    # b is there in round 1 but falls back in round 2; only round 3 has both there together.
    fetch = Script(fake_time, [{"a": "STARTING", "b": "STARTED"}, {"a": "STARTED", "b": "STARTING"},
                               {"a": "STARTED", "b": "STARTED"}])
    endpoints, _elapsed = wait(fake_time, fetch, ["a", "b"])
    assert fetch.calls == [["a", "b"]] * 3
    assert [endpoints[key]["state"] for key in ("a", "b")] == ["STARTED", "STARTED"]


def test_timeout_names_each_endpoint_not_there_with_its_last_state():
    fake_time = FakeTime(1000.0)
    fetch = Script(fake_time, [{"a": "PENDING", "b": "STARTED", "c": "STOPPED"},
                               {"a": "STARTING", "b": "STARTED", "c": "STOPPING"}])
    with pytest.raises(WaitError) as info:
        wait(fake_time, fetch, ["a", "b", "c"], timeout=10.0, interval=4.0)
    error = info.value
    assert isinstance(error, TogetherError)
    assert error.message == ("timed out after 10.0s waiting for state STARTED; not there yet: "
                             "'a' (state STARTING), 'c' (state STOPPING)")
    assert error.elapsed == 10.0
    assert error.endpoints["b"]["state"] == "STARTED"
    assert error.endpoints["a"]["state"] == "STARTING"


def test_sleep_never_overshoots_the_deadline():
    fake_time = FakeTime(1000.0)
    fetch = Script(fake_time, [{"a": "STARTING"}])
    with pytest.raises(WaitError):
        wait(fake_time, fetch, ["a"], timeout=10.0, interval=4.0)
    assert fake_time.sleeps == [4.0, 4.0, 2.0]
    assert sum(fake_time.sleeps) == 10.0
    assert len(fetch.calls) == 4


def test_slow_fetches_shorten_the_last_sleep_to_what_is_left():
    fake_time = FakeTime(1000.0)
    fetch = Script(fake_time, [{"a": "STARTING"}], fetch_seconds=2.0)
    with pytest.raises(WaitError) as info:
        wait(fake_time, fetch, ["a"], timeout=10.0, interval=5.0)
    # reads start every 5 s (t=0, 5, 10: the interval counts from a read's start) and take 2 s; the last one,
    # started at the deadline, ends at 12.
    assert fetch.starts == [0.0 + 1000.0, 1005.0, 1010.0]
    assert fake_time.sleeps == [3.0, 3.0]
    assert info.value.elapsed == 12.0
    assert info.value.message.startswith("timed out after 12.0s")


def test_timeout_zero_polls_once_and_fails_without_sleeping():
    fake_time = FakeTime(1000.0)
    fetch = Script(fake_time, [{"a": "STARTING"}])
    with pytest.raises(WaitError) as info:
        wait(fake_time, fetch, ["a"], timeout=0.0)
    assert len(fetch.calls) == 1
    assert fake_time.sleeps == []
    assert info.value.message.startswith("timed out after 0.0s waiting for state STARTED")


def test_timeout_zero_succeeds_when_already_there():
    fake_time = FakeTime(1000.0)
    fetch = Script(fake_time, [{"a": "STARTED"}])
    assert wait(fake_time, fetch, ["a"], timeout=0.0)[1] == 0.0


@pytest.mark.parametrize("state", ["ERROR", "FAILED"])
def test_fails_fast_when_an_endpoint_reaches_a_failure_state(state):
    fake_time = FakeTime(1000.0)
    fetch = Script(fake_time, [{"a": "STARTING", "b": "STARTING"}, {"a": "STARTING", "b": state}])
    with pytest.raises(WaitError) as info:
        wait(fake_time, fetch, ["a", "b"], timeout=600.0, interval=5.0)
    assert info.value.message == "endpoint 'b': the endpoint reached state %s while waiting for state STARTED (after 5.0s)" % state
    assert len(fetch.calls) == 2
    assert info.value.endpoints["b"]["state"] == state
    assert info.value.elapsed == 5.0


def test_waiting_for_error_succeeds_when_error_is_reached():
    fake_time = FakeTime(1000.0)
    fetch = Script(fake_time, [{"a": "STARTING"}, {"a": "ERROR"}])
    endpoints, elapsed = wait(fake_time, fetch, ["a"], goal="ERROR")
    assert endpoints["a"]["state"] == "ERROR"
    assert elapsed == 5.0


def test_a_missing_endpoint_fails_the_wait_at_once():
    fake_time = FakeTime(1000.0)
    fetch = Script(fake_time, [{"a": "STARTED", "gone": None}])
    with pytest.raises(WaitError) as info:
        wait(fake_time, fetch, ["a", "gone"])
    assert info.value.message == ("endpoint 'gone': the endpoint does not exist (HTTP 404) while waiting for "
                                  "state STARTED (after 0.0s)")
    assert info.value.endpoints == {"a": {"id": "a", "state": "STARTED"}, "gone": None}
    assert fake_time.sleeps == []


def test_an_id_absent_from_the_fetch_result_counts_as_missing():
    fake_time = FakeTime(1000.0)

    def fetch(endpoint_ids):  # pylint: disable=unused-argument
        return {}

    with pytest.raises(WaitError) as info:
        wait(fake_time, fetch, ["a"])
    assert "does not exist" in info.value.message


def test_a_fetch_error_is_raised_unchanged():
    fake_time = FakeTime(1000.0)
    failure = TogetherError("endpoint 'a': HTTP 500 from x: boom", status=500)

    def fetch(endpoint_ids):  # pylint: disable=unused-argument
        raise failure

    with pytest.raises(TogetherError) as info:
        wait(fake_time, fetch, ["a"])
    assert info.value is failure


def test_progress_defaults_to_not_done_and_no_failure():
    progress = Progress()
    assert (progress.done, progress.failure, progress.detail) == (False, None, None)


def progress_with_dead_end(goal="STARTED"):
    """progress_to(goal), plus STOPPED as a state the endpoint does not leave by itself."""
    base = progress_to(goal)

    def progress(endpoint_id, endpoint):
        status = base(endpoint_id, endpoint)
        if endpoint is not None and endpoint["state"] == "STOPPED" and not status.done:
            status.dead_end = "it is STOPPED, which it does not leave by itself"
        return status
    return progress


def test_a_dead_end_fails_after_the_grace_not_at_the_timeout():
    fake_time = FakeTime(1000.0)
    fetch = Script(fake_time, [{"a": "STARTING", "b": "STOPPED"}])
    with pytest.raises(WaitError) as info:
        wait_until(fetch, ["a", "b"], progress_with_dead_end(), "state STARTED", 900.0, 5.0,
                   clock=fake_time.clock, sleep=fake_time.sleep)
    assert info.value.elapsed == DEAD_END_GRACE
    assert DEAD_END_GRACE <= 30
    assert info.value.message == ("endpoint 'b': it is STOPPED, which it does not leave by itself, and stayed so "
                                  "for 20 s while waiting for state STARTED (after 20.0s); start it, then wait again")
    assert info.value.endpoints["a"]["state"] == "STARTING"


def test_a_dead_end_left_within_the_grace_restarts_its_count():
    fake_time = FakeTime(1000.0)
    # STOPPED for 15 s (a start request the API does not show yet), STARTING, then STOPPED again.
    rounds = [{"a": "STOPPED"}] * 4 + [{"a": "STARTING"}] + [{"a": "STOPPED"}] * 3 + [{"a": "STARTED"}]
    fetch = Script(fake_time, rounds)
    endpoints, elapsed = wait_until(fetch, ["a"], progress_with_dead_end(), "state STARTED", 900.0, 5.0,
                                    clock=fake_time.clock, sleep=fake_time.sleep)
    assert endpoints["a"]["state"] == "STARTED"
    assert elapsed == 40.0


def test_the_grace_is_not_waited_when_the_timeout_comes_first():
    fake_time = FakeTime(1000.0)
    fetch = Script(fake_time, [{"a": "STOPPED"}])
    with pytest.raises(WaitError) as info:
        wait_until(fetch, ["a"], progress_with_dead_end(), "state STARTED", 7.0, 5.0,
                   clock=fake_time.clock, sleep=fake_time.sleep)
    assert info.value.message.startswith("timed out after 7.0s")


def test_progress_is_reported_at_least_every_report_interval_naming_what_is_awaited():
    fake_time = FakeTime(1000.0)
    # 60 s of STARTING with a 25 s poll, then STARTED: a line at 0 s, then every 10 s at the latest.
    fetch = Script(fake_time, [{"a": "STARTING", "b": "STARTED"}] * 7 + [{"a": "STARTED", "b": "STARTED"}])
    lines = []
    report_times = []

    def report(line):
        lines.append(line)
        report_times.append(fake_time.now)

    wait_until(fetch, ["a", "b"], progress_to("STARTED"), "state STARTED", 600.0, 25.0,
               clock=fake_time.clock, sleep=fake_time.sleep, report=report, report_interval=10.0)
    assert lines[0] == "Waiting for state STARTED, 0 s of 600 s: 'a' (state STARTING)"
    assert report_times[0] == 1000.0
    gaps = [later - earlier for earlier, later in zip(report_times, report_times[1:])]
    assert gaps and max(gaps) <= 10.0
    assert all("'a' (state STARTING)" in line and "'b'" not in line for line in lines)


def test_a_progress_line_says_when_a_dead_end_will_fail_the_wait():
    fake_time = FakeTime(1000.0)
    fetch = Script(fake_time, [{"a": "STOPPED"}])
    lines = []
    with pytest.raises(WaitError):
        wait_until(fetch, ["a"], progress_with_dead_end(), "state STARTED", 600.0, 5.0,
                   clock=fake_time.clock, sleep=fake_time.sleep, report=lines.append, report_interval=10.0)
    assert lines[0] == ("Waiting for state STARTED, 0 s of 600 s: 'a' (state STOPPED; the wait fails if it is "
                        "still so in 20 s)")


@pytest.mark.parametrize("reads, fetch_seconds, wait_sleep, at_least_gaps", [
    (12, 3.0, 25.0, 3),   # slow reads, a wait_sleep longer than the interval
    (30, 0.8, 4.0, 5),    # the fixed cadence: a pause is wait_sleep less the read
], ids=["slow-reads-long-sleep", "cadence"])
def test_progress_lines_come_at_least_every_report_interval(reads, fetch_seconds, wait_sleep, at_least_gaps):
    fake_time = FakeTime(1000.0)
    fetch = Script(fake_time, [{"a": "STARTING"}] * reads + [{"a": "STARTED"}], fetch_seconds=fetch_seconds)
    report_times = []
    wait_until(fetch, ["a"], progress_to("STARTED"), "state STARTED", 600.0, wait_sleep, clock=fake_time.clock,
               sleep=fake_time.sleep, report=lambda line: report_times.append(fake_time.now), report_interval=10.0)
    gaps = [later - earlier for earlier, later in zip(report_times, report_times[1:])]
    assert len(gaps) >= at_least_gaps and max(gaps) <= 10.0
    # Never a busy loop: every pause is at least the read's own length here (both read for less than wait_sleep).
    assert min(fake_time.sleeps) >= fetch_seconds


def test_reads_slower_than_the_interval_still_pause_between_reads():
    fake_time = FakeTime(1000.0)
    fetch = Script(fake_time, [{"a": "STARTING"}] * 4 + [{"a": "STARTED"}], fetch_seconds=12.0)
    wait_until(fetch, ["a"], progress_to("STARTED"), "state STARTED", 600.0, 5.0, clock=fake_time.clock,
               sleep=fake_time.sleep, report=lambda line: None, report_interval=10.0)
    assert min(fake_time.sleeps) >= 1.0


# --- a fixed cadence: the interval counts from the start of the previous read --------------------------------------

def test_reads_start_every_interval_whatever_a_read_takes():
    fake_time = FakeTime(0.0)
    fetch = Script(fake_time, [{"a": "STARTING"}] * 5 + [{"a": "STARTED"}], fetch_seconds=0.6)
    _endpoints, elapsed = wait(fake_time, fetch, ["a"], interval=1.0)
    assert fetch.starts == [pytest.approx(value) for value in (0.0, 1.0, 2.0, 3.0, 4.0, 5.0)]
    assert fake_time.sleeps == [pytest.approx(0.4)] * 5
    assert elapsed == pytest.approx(5.6)


class Transition:
    """fetch() whose endpoint is STARTING until `at` (fake seconds), STARTED from then; each read takes `seconds`."""

    def __init__(self, fake_time, at, seconds):
        self.fake_time = fake_time
        self.at = at
        self.seconds = seconds
        self.starts = []

    def __call__(self, endpoint_ids):
        self.starts.append(self.fake_time.now)
        state = "STARTED" if self.fake_time.now >= self.at else "STARTING"
        self.fake_time.now += self.seconds
        return dict((endpoint_id, {"id": endpoint_id, "state": state}) for endpoint_id in endpoint_ids)


@pytest.mark.parametrize("at", [0.05, 1.99, 2.01, 7.3, 8.15, 13.9, 29.99])
@pytest.mark.parametrize("interval, seconds", [(2.0, 0.7), (1.0, 0.6), (5.0, 0.1)])
def test_a_wait_returns_within_one_interval_of_the_transition(at, interval, seconds):
    fake_time = FakeTime(0.0)
    fetch = Transition(fake_time, at, seconds)
    _endpoints, elapsed = wait(fake_time, fetch, ["a", "b"], interval=interval)
    # The read that sees it starts at most one interval after the transition; the wait returns when it ends.
    assert at <= fetch.starts[-1] <= at + interval
    assert elapsed <= at + interval + seconds
    assert all(later - earlier == pytest.approx(interval) for earlier, later in zip(fetch.starts, fetch.starts[1:]))


def test_reads_slower_than_the_interval_pause_a_fifth_of_it_between_them():
    fake_time = FakeTime(0.0)
    fetch = Script(fake_time, [{"a": "STARTING"}] * 3 + [{"a": "STARTED"}], fetch_seconds=3.0)
    wait(fake_time, fetch, ["a"], interval=2.0)
    assert fake_time.sleeps == [pytest.approx(0.4)] * 3


def test_reads_far_slower_than_a_long_interval_still_pause_one_second():
    fake_time = FakeTime(0.0)
    fetch = Script(fake_time, [{"a": "STARTING"}] * 3 + [{"a": "STARTED"}], fetch_seconds=40.0)
    wait(fake_time, fetch, ["a"], timeout=900.0, interval=30.0)
    assert fake_time.sleeps == [1.0] * 3


def test_with_the_cadence_no_read_starts_after_the_timeout():
    fake_time = FakeTime(0.0)
    fetch = Script(fake_time, [{"a": "STARTING"}], fetch_seconds=0.5)
    with pytest.raises(WaitError) as info:
        wait(fake_time, fetch, ["a"], timeout=10.0, interval=3.0)
    assert fetch.starts == [0.0, 3.0, 6.0, 9.0, 10.0]
    assert info.value.elapsed == 10.5


def test_with_the_cadence_a_dead_end_fails_within_one_read_of_the_grace():
    fake_time = FakeTime(0.0)
    fetch = Script(fake_time, [{"a": "STOPPED"}], fetch_seconds=0.5)
    with pytest.raises(WaitError) as info:
        wait_until(fetch, ["a"], progress_with_dead_end(), "state STARTED", 900.0, 5.0,
                   clock=fake_time.clock, sleep=fake_time.sleep)
    # STOPPED first seen when the first read ended (0.5 s); reads at 0, 5, 10, 15, then at 20, when 19.5 s of the
    # grace have passed since it was first seen, the read ends 20 s after it.
    assert fetch.starts == [0.0, 5.0, 10.0, 15.0, 20.0]
    assert info.value.elapsed == 20.5
    assert "stayed so for 20 s" in info.value.message
