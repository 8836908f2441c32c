# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The source's diffing and argument checks, without a network: snapshots in, events out."""

import copy
import importlib
import json

import pytest

from _simulator import SOURCE_MODULE

source = importlib.import_module(SOURCE_MODULE)
diff = source.diff_snapshots


def v1(endpoint_id="endpoint-1", state="STARTED", min_replicas=1):
    return dict(api_version="v1", id=endpoint_id, name="devuser/m-1", state=state, model="m", hardware="h",
                autoscaling=dict(min_replicas=min_replicas, max_replicas=2))


def deployment(deployment_id, state="DEPLOYMENT_STATE_READY", weight=1, ready=1, message=None):
    return dict(id=deployment_id, name="demo-project/chat/" + deployment_id, state=state, ready_replicas=ready,
                traffic_weight=weight, traffic_mode="TRAFFIC_MODE_LIVE", status_message=message, min_replicas=1,
                max_replicas=1)


def v2(endpoint_id="ep_1", state="STARTED", serving=True, deployments=None, min_replicas=1):
    deployments = deployments if deployments is not None else [deployment("dep_a")]
    return dict(api_version="v2", id=endpoint_id, name="demo-project/chat", state=state, serving=serving,
                deployments=deployments, deployment_state=deployments[0]["state"] if deployments else None,
                autoscaling=dict(min_replicas=min_replicas, max_replicas=2), raw={"id": endpoint_id, "secret": "raw"})


def changes(events):
    return [(event["together"]["change"], event["together"]["endpoint_id"]) for event in events]


def test_nothing_changed_puts_nothing():
    snapshot = {"endpoint-1": v1(), "ep_1": v2()}
    assert diff(snapshot, copy.deepcopy(snapshot), min_replicas_at_least=1) == []


def test_first_poll_puts_nothing_unless_initial_events():
    snapshot = {"endpoint-1": v1(), "ep_1": v2(), "ep_gone": None}
    assert diff(None, snapshot) == []
    events = diff(None, snapshot, initial_events=True)
    assert changes(events) == [("initial", "endpoint-1"), ("initial", "ep_1")]
    assert events[1]["together"]["previous_state"] is None
    assert events[1]["together"]["serving"] is True


def test_initial_events_say_where_replicas_stand():
    events = diff(None, {"ep_1": v2(min_replicas=0)}, min_replicas_at_least=1, initial_events=True)
    assert events[0]["together"]["replicas"] == dict(below=True, min_replicas=0, previous_min_replicas=None,
                                                     min_replicas_at_least=1)


def test_a_failed_deployment_is_a_state_a_serving_and_a_deployment_failed_event():
    before = {"ep_1": v2()}
    after = {"ep_1": v2(state="ERROR", serving=False, deployments=[
        deployment("dep_a", "DEPLOYMENT_STATE_FAILED", ready=0, message="Timed out waiting for readiness")])}
    events = diff(before, after)
    assert changes(events) == [("state", "ep_1"), ("serving", "ep_1"), ("deployment_failed", "ep_1")]
    state, serving, failed = (event["together"] for event in events)
    assert (state["state"], state["previous_state"]) == ("ERROR", "STARTED")
    assert (serving["serving"], serving["previous_serving"]) == (False, True)
    assert failed["deployment"]["id"] == "dep_a"
    assert failed["deployment"]["status_message"] == "Timed out waiting for readiness"
    assert failed["deployment"]["previous_state"] == "DEPLOYMENT_STATE_READY"
    # Still failed at the next poll: nothing more.
    assert diff(after, copy.deepcopy(after)) == []


def test_degraded_once_per_entry():
    before = {"ep_1": v2(deployments=[deployment("dep_a"), deployment("dep_b", weight=0)])}
    after = {"ep_1": v2(deployments=[deployment("dep_a"), deployment("dep_b", "DEPLOYMENT_STATE_DEGRADED", weight=0)])}
    assert changes(diff(before, after)) == [("deployment_degraded", "ep_1")]
    assert diff(after, after) == []
    # Back to READY, then DEGRADED again: a second event.
    assert changes(diff(before, after)) == [("deployment_degraded", "ep_1")]


def test_a_new_deployment_that_arrives_failed_counts():
    before = {"ep_1": v2()}
    after = {"ep_1": v2(deployments=[deployment("dep_a"), deployment("dep_new", "DEPLOYMENT_STATE_FAILED", weight=0)])}
    events = diff(before, after)
    assert changes(events) == [("deployment_failed", "ep_1")]
    assert events[0]["together"]["deployment"]["previous_state"] is None


def test_serving_lost_and_regained_without_a_state_change():
    before = {"ep_1": v2()}
    after = {"ep_1": v2(serving=False, deployments=[deployment("dep_a", weight=0)])}
    assert changes(diff(before, after)) == [("serving", "ep_1")]
    regained = diff(after, before)
    assert changes(regained) == [("serving", "ep_1")]
    assert regained[0]["together"]["serving"] is True


def test_v1_state_change_has_no_serving_event_but_says_serving():
    events = diff({"endpoint-1": v1()}, {"endpoint-1": v1(state="STOPPED")})
    assert changes(events) == [("state", "endpoint-1")]
    assert events[0]["together"]["serving"] is False
    assert events[0]["together"]["previous_serving"] is True


def test_replicas_below_and_back():
    before = {"endpoint-1": v1(min_replicas=2)}
    below = {"endpoint-1": v1(min_replicas=0)}
    events = diff(before, below, min_replicas_at_least=1)
    assert changes(events) == [("replicas", "endpoint-1")]
    assert events[0]["together"]["replicas"] == dict(below=True, min_replicas=0, previous_min_replicas=2,
                                                     min_replicas_at_least=1)
    assert diff(below, below, min_replicas_at_least=1) == []
    back = diff(below, before, min_replicas_at_least=1)
    assert changes(back) == [("replicas", "endpoint-1")]
    assert back[0]["together"]["replicas"]["below"] is False
    # Without the argument, replicas are not watched.
    assert diff(before, below) == []


def test_appearing_and_disappearing_endpoints_are_state_changes():
    events = diff({"ep_1": v2(), "ep_2": v2("ep_2")}, {"ep_1": None, "ep_3": v2("ep_3")})
    assert changes(events) == [("state", "ep_1"), ("state", "ep_3"), ("state", "ep_2")]
    gone, new, listed_out = (event["together"] for event in events)
    assert (gone["state"], gone["previous_state"], gone["endpoint"], gone["serving"]) == (None, "STARTED", None, None)
    assert gone["name"] == "demo-project/chat"
    assert (new["state"], new["previous_state"]) == ("STARTED", None)
    assert listed_out["endpoint_id"] == "ep_2"
    assert diff({"ep_1": None}, {"ep_1": None}) == []


def test_events_carry_the_endpoint_without_raw():
    events = diff({"ep_1": v2()}, {"ep_1": v2(state="STOPPED", serving=False)})
    body = events[0]["together"]
    assert set(body) >= {"change", "endpoint_id", "name", "state", "previous_state", "serving", "endpoint"}
    assert "raw" not in body["endpoint"]
    assert body["endpoint"]["id"] == "ep_1"
    assert "secret" not in json.dumps(events)
    assert set(body["change"] for body in (event["together"] for event in events)) <= set(source.CHANGES)


@pytest.mark.parametrize("args, message", [
    (dict(), "no API key"),
    (dict(api_key="k", interval=0), "interval must be 0.1 or more"),
    (dict(api_key="k", interval="soon"), "interval must be a number"),
    (dict(api_key="k", endpoint_ids="x", names=[""]), "names must be a list of non-empty strings"),
    (dict(api_key="k", min_replicas_at_least=-1), "min_replicas_at_least must be 0 or more"),
    (dict(api_key="k", initial_events="maybe"), "initial_events must be a boolean"),
    (dict(api_key="k", endpoint_id="x"), "unknown argument endpoint_id"),
    (dict(api_key="k", base_url="http://api.example.com/v1"), "plain http://"),
    (dict(api_key="k", base_url="ftp://x"), "base_url must be an http:// or https:// URL"),
])
def test_arguments_are_checked_before_any_request(args, message):
    with pytest.raises(source.ArgumentError, match=message):
        source.Watcher(args, environ={})


def test_arguments_from_the_environment_and_their_defaults():
    watcher = source.Watcher(dict(endpoint_ids="endpoint-1", eda_feedback_queue=None), environ=dict(
        TOGETHER_API_KEY="env-key", TOGETHER_BASE_URL="http://127.0.0.1:9/v1", TOGETHER_PROJECT_ID="proj_x"))
    assert watcher.endpoint_ids == ["endpoint-1"]
    assert watcher.interval == 30.0
    assert watcher.initial_events is False
    assert watcher.min_replicas_at_least is None
    assert watcher.v2.project.project_id == "proj_x"
    assert watcher.v1.base_url == "http://127.0.0.1:9/v1"
    assert "env-key" not in repr(vars(watcher))


def test_a_rule_that_changes_an_event_does_not_change_the_next_comparison():
    before = {"ep_1": v2()}
    after = {"ep_1": v2(state="STOPPED", serving=False)}
    events = diff(before, after)
    events[0]["together"]["endpoint"]["deployments"][0]["state"] = "DEPLOYMENT_STATE_FAILED"
    assert after["ep_1"]["deployments"][0]["state"] == "DEPLOYMENT_STATE_READY"
