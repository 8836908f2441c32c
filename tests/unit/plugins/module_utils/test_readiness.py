# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The readiness rule: where a v1 or normalized v2 endpoint stands against a goal (state or SERVING)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.together.ai.plugins.module_utils._readiness import (
    DEAD_ENDS,
    GOALS,
    SERVING,
    STATES,
    goal_text,
    progress,
    routed_live,
    serves,
    short_state,
)
from ansible_collections.together.ai.plugins.module_utils._v2_normalize import normalize_endpoint

PROJECT_ID = "proj_CbJNwQC2ZqCU2iFT3mrCh"


def v1(state):
    return {"id": "endpoint-1", "state": state}


def v2(fixture_json, fixture, **summary_changes):
    raw = fixture_json(fixture)
    if summary_changes:
        raw["deployments"][0].update(summary_changes)
    return normalize_endpoint(raw, PROJECT_ID)[0]


def deployment(weight, ready, mode="TRAFFIC_MODE_LIVE"):
    return dict(traffic_weight=weight, ready_replicas=ready, traffic_mode=mode)


# --- v1 -------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("state", STATES)
def test_a_v1_endpoint_in_the_awaited_state_is_done(state):
    assert progress(v1(state), state).done is True


def test_a_missing_endpoint_fails_whatever_the_goal():
    for goal in GOALS:
        status = progress(None, goal)
        assert (status.done, status.failure) == (False, "the endpoint does not exist (HTTP 404)")


@pytest.mark.parametrize("state", ["ERROR", "FAILED"])
def test_a_v1_failure_state_fails_unless_awaited(state):
    assert progress(v1(state), "STARTED").failure == "the endpoint reached state %s" % state
    assert progress(v1("ERROR"), "ERROR").done is True


def test_a_v1_endpoint_on_its_way_says_its_state():
    status = progress(v1("STARTING"), "STARTED")
    assert (status.done, status.failure, status.detail, status.dead_end) == (False, None, "state STARTING", None)


@pytest.mark.parametrize("goal", sorted(DEAD_ENDS))
def test_stopped_is_a_dead_end_towards_a_running_state(goal):
    assert progress(v1("STOPPED"), goal).dead_end == "it is STOPPED, which it does not leave by itself"


def test_serving_is_started_for_a_v1_endpoint_which_has_no_routing():
    assert progress(v1("STARTED"), SERVING).done is True
    assert progress(v1("STARTING"), SERVING).detail == "state STARTING"
    assert progress(v1("STOPPED"), SERVING).dead_end is not None


# --- v2 -------------------------------------------------------------------------------------------------------------

def test_ready_and_routed_is_serving_and_started(fixture_json):
    endpoint = v2(fixture_json, "v2/endpoint_one_deployment.json")
    assert endpoint["serving"] is True
    for goal in ("STARTED", SERVING):
        assert progress(endpoint, goal).done is True


def test_ready_but_unrouted_is_started_only_without_routing(fixture_json):
    endpoint = v2(fixture_json, "v2/endpoint_ready_unrouted.json")
    waiting = progress(endpoint, "STARTED")
    assert not waiting.done and waiting.dead_end is None
    assert waiting.detail == ("deployment 'main' (dep_ReadyNoWeight000000001) READY but not serving: no traffic weight on a "
                              "deployment with ready replicas")
    assert progress(endpoint, "STARTED", wait_for_routing=False).done is True
    # SERVING always asks for routing, whatever wait_for_routing says.
    assert progress(endpoint, SERVING, wait_for_routing=False).done is False


def test_a_failed_deployment_fails_unless_error_is_awaited(fixture_json):
    endpoint = v2(fixture_json, "v2/endpoint_one_deployment.json", state="DEPLOYMENT_STATE_FAILED")
    assert progress(endpoint, SERVING).failure == "deployment 'blue' (dep_CbzGdmn14t3HYrXXitmKa) FAILED"
    assert progress(endpoint, "STOPPED").failure is not None
    assert progress(endpoint, "ERROR").done is True


def test_a_deployment_on_its_way_names_its_raw_state(fixture_json):
    endpoint = v2(fixture_json, "v2/endpoint_one_deployment.json", state="DEPLOYMENT_STATE_PROVISIONING",
                  readyReplicas=0)
    status = progress(endpoint, "STARTED")
    assert (status.done, status.failure, status.dead_end) == (False, None, None)
    assert status.detail == "deployment 'blue' (dep_CbzGdmn14t3HYrXXitmKa) PROVISIONING"


def test_a_v2_endpoint_without_deployments_is_stopped_and_a_dead_end_for_serving(fixture_json):
    endpoint = v2(fixture_json, "v2/endpoint_no_deployments.json")
    assert progress(endpoint, "STOPPED").done is True
    status = progress(endpoint, SERVING)
    assert status.detail == "no live deployment"
    assert status.dead_end == "it is STOPPED, which it does not leave by itself"


def test_waiting_for_stopped_reports_the_v1_state(fixture_json):
    endpoint = v2(fixture_json, "v2/endpoint_one_deployment.json", state="DEPLOYMENT_STATE_STOPPING")
    assert progress(endpoint, "STOPPED").detail == "deployment 'blue' (dep_CbzGdmn14t3HYrXXitmKa) STOPPING"


# --- the serving rule -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("deployments, routed, serving", [
    ([], 0, False),
    ([deployment(1, 1)], 1, True),
    ([deployment(0, 3)], 0, False),
    ([deployment(1, 0)], 1, False),
    ([deployment(1, 2, mode="TRAFFIC_MODE_SHADOW")], 0, False),
    ([deployment(1, 0), deployment(0, 2), deployment(3, 1)], 2, True),
])
def test_serves_needs_a_ready_replica_on_a_routed_live_deployment(deployments, routed, serving):
    assert len(routed_live(deployments)) == routed
    assert serves(deployments) is serving


def test_short_state_and_goal_text():
    assert short_state("DEPLOYMENT_STATE_READY") == "READY"
    assert short_state(None) == ""
    assert goal_text("STARTED") == "state STARTED"
    assert goal_text(SERVING) == "serving"
