# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""EndpointInfo: the option checks of together_endpoint_info and what run() returns, against a stub API."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

import pytest

from ansible_collections.together.ai.plugins.module_utils._client import TogetherError
from ansible_collections.together.ai.plugins.module_utils._endpoint_info import EndpointInfo
from ansible_collections.together.ai.plugins.module_utils._errors import OptionError
from ansible_collections.together.ai.plugins.module_utils._polling import WaitError
from ansible_collections.together.ai.tests.unit._helpers import FakeTime


def params(**overrides):
    """The module's parameters with their argument-spec defaults, as AnsibleModule hands them over."""
    values = dict(endpoint_id=None, endpoint_ids=None, type=None, usage_type=None, mine=None, wait_for_state=None,
                  wait_timeout=600.0, wait_sleep=5.0, wait_for_routing=True, api_version="auto", project_id=None,
                  include_deployments=False, deployment=None, name=None, max_results=1000)
    values.update(overrides)
    return values


def option_error(**overrides):
    with pytest.raises(OptionError) as info:
        EndpointInfo.from_params(params(**overrides))
    return str(info.value)


class StubAPI:
    """Answers get_endpoints/list_endpoints from scripted rounds of {id: state or None}."""

    def __init__(self, rounds=None, listing=None):
        self.rounds = list(rounds or [{}])
        self.listing = listing
        self.calls = []

    def get_endpoints(self, endpoint_ids):
        self.calls.append(("get_endpoints", list(endpoint_ids)))
        states = self.rounds.pop(0) if len(self.rounds) > 1 else self.rounds[0]
        return dict((endpoint_id, None if states.get(endpoint_id) is None
                     else {"id": endpoint_id, "state": states[endpoint_id]}) for endpoint_id in endpoint_ids)

    def list_endpoints(self, *args, **kwargs):
        """Records the filters sent, whether passed as keywords (endpoint_type=...) or as one filters dict."""
        if args and isinstance(args[0], dict):
            filters = dict(args[0])
        else:
            names = dict(endpoint_type="type", usage_type="usage_type", mine="mine")
            filters = dict((names[key], value) for key, value in kwargs.items() if value is not None)
        self.calls.append(("list_endpoints", filters))
        return self.listing


# --- option checks --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["", "   ", "\t"])
def test_empty_endpoint_id_is_rejected(value):
    assert option_error(endpoint_id=value) == "endpoint_id must not be empty"


@pytest.mark.parametrize("value", [" ep-1", "ep-1 ", "ep-1\n"])
def test_endpoint_id_with_surrounding_white_space_is_rejected(value):
    assert option_error(endpoint_id=value) == "endpoint_id must not start or end with white space, got %r" % value


def test_empty_endpoint_ids_list_is_rejected():
    assert option_error(endpoint_ids=[]) == "endpoint_ids must list at least one endpoint id"


@pytest.mark.parametrize("ids, index", [(["ep-1", ""], 1), (["  ", "ep-1"], 0), (["ep-1", "ep-2", None], 2)])
def test_blank_entry_in_endpoint_ids_is_rejected_with_its_index(ids, index):
    assert option_error(endpoint_ids=ids) == "endpoint_ids[%d] must not be empty" % index


def test_endpoint_ids_entry_with_white_space_is_rejected_with_its_index():
    assert option_error(endpoint_ids=["ep-1", "ep-2 "]) == "endpoint_ids[1] must not start or end with white space, got 'ep-2 '"


@pytest.mark.parametrize("filters, named", [
    (dict(type="dedicated"), "type filters"),
    (dict(usage_type="reserved"), "usage_type filters"),
    (dict(mine=False), "mine filters"),
    (dict(mine=True, type="dedicated"), "mine, type filter"),
])
@pytest.mark.parametrize("ids, option", [(dict(endpoint_id="ep-1"), "endpoint_id"), (dict(endpoint_ids=["ep-1"]), "endpoint_ids")])
def test_list_filters_cannot_be_combined_with_ids(filters, named, ids, option):
    overrides = dict(filters, **ids)
    message = option_error(**overrides)
    assert message.startswith(named + " the list of endpoints")
    assert message.endswith("cannot be combined with %s" % option)


def test_wait_for_state_needs_endpoint_ids():
    assert option_error(wait_for_state="STARTED").startswith("wait_for_state needs endpoint_id or endpoint_ids")


def test_wait_for_state_with_list_filters_still_needs_ids():
    assert option_error(wait_for_state="STARTED", mine=True).startswith("wait_for_state needs endpoint_id")


@pytest.mark.parametrize("wait_timeout", [-1.0, -0.001, None])
def test_negative_wait_timeout_is_rejected(wait_timeout):
    message = option_error(endpoint_id="ep-1", wait_for_state="STARTED", wait_timeout=wait_timeout)
    assert message == "wait_timeout must be 0 or more seconds, got %r" % (wait_timeout,)


@pytest.mark.parametrize("wait_sleep", [0.0, -5.0, None, float("nan")])
def test_wait_sleep_must_be_more_than_zero(wait_sleep):
    message = option_error(endpoint_id="ep-1", wait_for_state="STARTED", wait_sleep=wait_sleep)
    assert message.startswith("wait_sleep must be more than 0 seconds")


def test_wait_options_are_not_checked_without_wait_for_state():
    request = EndpointInfo.from_params(params(endpoint_id="ep-1", wait_timeout=-1.0, wait_sleep=0.0))
    assert request.wait_for_state is None


def test_wait_timeout_zero_is_allowed():
    assert EndpointInfo.from_params(params(endpoint_id="ep-1", wait_for_state="STARTED", wait_timeout=0.0)).wait_timeout == 0.0


def test_one_id_makes_a_single_request():
    request = EndpointInfo.from_params(params(endpoint_id="ep-1"))
    assert (request.endpoint_ids, request.single, request.filters) == (["ep-1"], True, {})


def test_several_ids_are_deduplicated_keeping_first_order():
    request = EndpointInfo.from_params(params(endpoint_ids=["ep-2", "ep-1", "ep-2", "ep-3", "ep-1"]))
    assert (request.endpoint_ids, request.single) == (["ep-2", "ep-1", "ep-3"], False)


def test_no_ids_means_listing_with_only_the_filters_set():
    request = EndpointInfo.from_params(params(type="dedicated", mine=False))
    assert request.endpoint_ids is None
    assert request.filters == {"type": "dedicated", "mine": False}


# --- run ------------------------------------------------------------------------------------------------------------

def test_run_one_existing_endpoint():
    api = StubAPI([{"ep-1": "STARTED"}])
    result = EndpointInfo.from_params(params(endpoint_id="ep-1")).run(api)
    assert result == dict(exists=True, endpoint={"id": "ep-1", "state": "STARTED"},
                          endpoints=[{"id": "ep-1", "state": "STARTED"}], missing=[])
    assert api.calls == [("get_endpoints", ["ep-1"])]


def test_run_one_missing_endpoint_returns_exists_false():
    result = EndpointInfo.from_params(params(endpoint_id="ep-1")).run(StubAPI([{}]))
    assert result == dict(exists=False, endpoint=None, endpoints=[], missing=["ep-1"])


def test_run_several_keeps_order_lists_missing_and_exists_only_when_all_exist():
    api = StubAPI([{"ep-1": "STARTED", "ep-3": "STOPPED"}])
    result = EndpointInfo.from_params(params(endpoint_ids=["ep-3", "ep-2", "ep-1", "ep-3"])).run(api)
    assert result["endpoints"] == [{"id": "ep-3", "state": "STOPPED"}, {"id": "ep-1", "state": "STARTED"}]
    assert result["missing"] == ["ep-2"]
    assert result["exists"] is False
    assert result["endpoint"] is None
    assert api.calls == [("get_endpoints", ["ep-3", "ep-2", "ep-1"])]


def test_run_several_all_existing_sets_exists():
    result = EndpointInfo.from_params(params(endpoint_ids=["a", "b"])).run(StubAPI([{"a": "STARTED", "b": "PENDING"}]))
    assert (result["exists"], result["missing"], result["endpoint"]) == (True, [], None)


@pytest.mark.parametrize("listing, exists", [([{"id": "a"}], True), ([], False)])
def test_run_listing_passes_filters_and_exists_means_non_empty(listing, exists):
    api = StubAPI(listing=listing)
    result = EndpointInfo.from_params(params(type="dedicated", usage_type="on-demand", mine=True)).run(api)
    assert result == dict(exists=exists, endpoint=None, endpoints=listing, missing=[])
    assert api.calls == [("list_endpoints", dict(type="dedicated", usage_type="on-demand", mine=True))]


def test_run_wait_reaches_the_state_and_reports_elapsed():
    fake_time = FakeTime()
    api = StubAPI([{"a": "STARTING", "b": "STARTED"}, {"a": "STARTED", "b": "STARTED"}])
    request = EndpointInfo.from_params(params(endpoint_ids=["a", "b"], wait_for_state="STARTED", wait_sleep=7.5))
    result = request.run(api, clock=fake_time.clock, sleep=fake_time.sleep)
    assert result["elapsed"] == 7.5
    assert result["exists"] is True
    assert [endpoint["state"] for endpoint in result["endpoints"]] == ["STARTED", "STARTED"]
    assert fake_time.sleeps == [7.5]


def test_run_wait_elapsed_is_rounded_to_milliseconds():
    fake_time = FakeTime()
    api = StubAPI([{"a": "STARTING"}, {"a": "STARTED"}])
    request = EndpointInfo.from_params(params(endpoint_id="a", wait_for_state="STARTED", wait_sleep=1.0 / 3))
    assert request.run(api, clock=fake_time.clock, sleep=fake_time.sleep)["elapsed"] == 0.333


def test_failed_wait_still_returns_endpoints_missing_and_elapsed():
    fake_time = FakeTime()
    api = StubAPI([{"a": "STARTING", "b": "STOPPED"}])
    request = EndpointInfo.from_params(params(endpoint_ids=["a", "b"], wait_for_state="STARTED", wait_timeout=10.0,
                                              wait_sleep=4.0))
    with pytest.raises(WaitError) as info:
        request.run(api, clock=fake_time.clock, sleep=fake_time.sleep)
    assert info.value.message == ("timed out after 10.0s waiting for state STARTED; not there yet: "
                                  "'a' (state STARTING), 'b' (state STOPPED)")
    assert info.value.partial_result == dict(exists=True, endpoint=None, elapsed=10.0, missing=[],
                                             endpoints=[{"id": "a", "state": "STARTING"},
                                                        {"id": "b", "state": "STOPPED"}])


@pytest.mark.parametrize("state", ["ERROR", "FAILED"])
def test_wait_fails_fast_on_error_or_failed(state):
    fake_time = FakeTime()
    api = StubAPI([{"a": "STARTING"}, {"a": state}])
    request = EndpointInfo.from_params(params(endpoint_id="a", wait_for_state="STARTED"))
    with pytest.raises(WaitError) as info:
        request.run(api, clock=fake_time.clock, sleep=fake_time.sleep)
    assert info.value.message == "endpoint 'a': the endpoint reached state %s while waiting for state STARTED (after 5.0s)" % state
    assert info.value.partial_result["endpoint"] == {"id": "a", "state": state}
    assert len(api.calls) == 2


def test_waiting_for_error_is_satisfied_by_error():
    fake_time = FakeTime()
    request = EndpointInfo.from_params(params(endpoint_id="a", wait_for_state="ERROR"))
    result = request.run(StubAPI([{"a": "ERROR"}]), clock=fake_time.clock, sleep=fake_time.sleep)
    assert result["endpoint"]["state"] == "ERROR"


def test_waiting_on_a_missing_endpoint_fails_with_it_in_missing():
    fake_time = FakeTime()
    request = EndpointInfo.from_params(params(endpoint_ids=["a", "gone"], wait_for_state="STARTED"))
    with pytest.raises(WaitError) as info:
        request.run(StubAPI([{"a": "STARTED"}]), clock=fake_time.clock, sleep=fake_time.sleep)
    assert "endpoint 'gone': the endpoint does not exist (HTTP 404)" in info.value.message
    assert info.value.partial_result["missing"] == ["gone"]
    assert info.value.partial_result["exists"] is False
    assert info.value.partial_result["elapsed"] == 0.0


def test_api_error_during_a_wait_propagates():
    class FailingAPI(StubAPI):
        def get_endpoints(self, endpoint_ids):
            raise TogetherError("endpoint 'a': HTTP 500 from x: boom", status=500)

    request = EndpointInfo.from_params(params(endpoint_id="a", wait_for_state="STARTED"))
    fake_time = FakeTime()
    with pytest.raises(TogetherError) as info:
        request.run(FailingAPI(), clock=fake_time.clock, sleep=fake_time.sleep)
    assert info.value.status == 500


@pytest.mark.parametrize("goal", ["STARTED", "STARTING", "PENDING"])
def test_stopped_is_a_dead_end_when_waiting_to_start(goal):
    progress = EndpointInfo(endpoint_ids=["a"], wait_for_state=goal).progress("a", {"id": "a", "state": "STOPPED"})
    assert not progress.done and not progress.failure
    assert progress.dead_end == "it is STOPPED, which it does not leave by itself"


@pytest.mark.parametrize("goal, state", [("STOPPED", "STARTED"), ("STOPPED", "STOPPING"), ("STARTED", "STARTING"),
                                         ("STARTED", "STOPPING")])
def test_states_on_their_way_are_not_dead_ends(goal, state):
    assert EndpointInfo(endpoint_ids=["a"], wait_for_state=goal).progress("a", {"id": "a", "state": state}).dead_end is None


def test_run_wait_on_a_stopped_endpoint_fails_within_the_grace_not_the_timeout():
    fake_time = FakeTime()
    request = EndpointInfo.from_params(params(endpoint_id="a", wait_for_state="STARTED", wait_timeout=900.0))
    with pytest.raises(WaitError) as info:
        request.run(StubAPI([{"a": "STOPPED"}]), clock=fake_time.clock, sleep=fake_time.sleep)
    assert info.value.partial_result["elapsed"] <= 30
    assert "STOPPED" in info.value.message and "start it" in info.value.message


def test_run_wait_bounds_every_request_by_one_deadline():
    class Client:
        timeout = 30.0
        deadline = None

    class Reader(StubAPI):
        def __init__(self, rounds):
            super(Reader, self).__init__(rounds)
            self.v1 = type("V1", (), {"client": Client()})()
            self.v2 = type("V2", (), {"client": self.v1.client})()

    api = Reader([{"a": "STARTED"}])
    request = EndpointInfo.from_params(params(endpoint_id="a", wait_for_state="STARTED", wait_timeout=120.0))
    before = time.monotonic()
    request.run(api, clock=FakeTime().clock, sleep=FakeTime().sleep)
    assert before + 150.0 <= api.v1.client.deadline <= time.monotonic() + 150.0


@pytest.mark.parametrize("interval", [0, -1])
def test_wait_progress_interval_must_be_more_than_zero(interval):
    assert option_error(endpoint_id="a", wait_for_state="STARTED", wait_progress_interval=interval) == (
        "wait_progress_interval must be more than 0 seconds, got %r" % interval)


# --- concurrency ------------------------------------------------------------------------------------------------------

def test_concurrency_defaults_to_16_and_takes_the_bounds():
    assert EndpointInfo.from_params(params(endpoint_ids=["a", "b"])).concurrency == 16
    assert EndpointInfo.from_params(params(endpoint_ids=["a", "b"], concurrency=None)).concurrency == 16
    assert EndpointInfo.from_params(params(endpoint_ids=["a", "b"], concurrency=1)).concurrency == 1
    assert EndpointInfo.from_params(params(endpoint_ids=["a", "b"], concurrency=64)).concurrency == 64


@pytest.mark.parametrize("concurrency", [0, -3, 65, 1000, True, "8", 2.5])
def test_concurrency_outside_1_to_64_fails_naming_the_option(concurrency):
    assert option_error(endpoint_ids=["a", "b"], concurrency=concurrency) == (
        "concurrency must be a whole number of reads at a time from 1 to 64, got %r" % (concurrency,))


def test_concurrency_is_checked_before_any_request_when_listing_and_waiting_too():
    api = StubAPI([{"a": "STARTED"}], listing=[])
    for extra in (dict(), dict(endpoint_id="a", wait_for_state="STARTED")):
        with pytest.raises(OptionError):
            EndpointInfo.from_params(params(concurrency=0, **extra)).run(api)
    assert api.calls == []
