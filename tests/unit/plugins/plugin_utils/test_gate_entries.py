# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The gate entries validated: defaults, conversions, and bad entries named before anything is read."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.together.ai.plugins.plugin_utils._gate_evaluation import evaluate
from ansible_collections.together.ai.tests.unit.plugins.plugin_utils.gate_fixtures import (
    CUTOVER,
    HEALTHY,
    SERVING,
    STARTING,
    UNROUTED,
    endpoint,
    statuses,
)


def test_state_is_checked_as_started_when_not_given():
    result = evaluate([STARTING], [{"endpoint_id": STARTING["id"]}])

    assert statuses(result, STARTING["id"]) == {"exists": "passed", "state": "failed"}
    assert result["violations"][0]["expected"] == "STARTED"


def test_state_null_leaves_the_state_check_out():
    result = evaluate([STARTING], [{"endpoint_id": STARTING["id"], "state": None}])

    assert statuses(result, STARTING["id"]) == {"exists": "passed"}
    assert result["passed"] is True


def test_state_null_leaves_the_state_unchecked():
    stopped = endpoint("healthy", state="STOPPED")

    result = evaluate([stopped], [{"endpoint_id": stopped["id"], "state": None}])

    assert result["passed"] is True
    assert "state" not in statuses(result, stopped["id"])


def test_other_expected_state_is_honoured():
    stopped = endpoint("healthy", state="STOPPED")

    result = evaluate([stopped], [{"endpoint_id": stopped["id"], "state": "STOPPED"}])

    assert result["passed"] is True


@pytest.mark.parametrize("entry, checked", [
    ({"state": "STOPPED"}, ["exists", "state"]),
    ({"state": None}, ["exists"]),
    ({"serving": None}, ["exists", "state"]),
    ({"serving": False}, ["exists", "state", "serving"]),
    ({"state": "STARTED", "serving": True}, ["exists", "state", "serving"]),
])
def test_serving_is_expected_by_default_only_of_v2_endpoints_expected_started(entry, checked):
    result = evaluate([UNROUTED], [dict(entry, endpoint_id=UNROUTED["id"])])

    assert list(statuses(result, UNROUTED["id"])) == checked


def test_serving_is_not_checked_on_v1_endpoints_unless_asked():
    result = evaluate([HEALTHY], [{"endpoint_id": HEALTHY["id"]}])

    assert statuses(result, HEALTHY["id"]) == {"exists": "passed", "state": "passed"}


def test_later_read_of_the_same_endpoint_wins():
    started = endpoint("starting", state="STARTED")

    result = evaluate([STARTING, started], [{"endpoint_id": STARTING["id"]}])

    assert result["passed"] is True
    assert result["endpoints"][STARTING["id"]]["state"] == "STARTED"


@pytest.mark.parametrize("checks, message", [
    ([{"endpoint_id": HEALTHY["id"], "min_replica": 1}],
     "unknown key min_replica; did you mean min_replicas?"),
    ([{"endpoint_id": HEALTHY["id"]}, {"endpoint_id": HEALTHY["id"]}], "is listed twice"),
    ([{"model": "x"}], "endpoint_gate_checks[0]: needs an endpoint_id"),
    ([{"endpoint_id": "  "}], "needs an endpoint_id"),
    (["endpoint-1"], "must be a dict"),
    ({"endpoint_id": "endpoint-1"}, "must be a list of dicts"),
    ([{"endpoint_id": HEALTHY["id"], "min_replicas": "two"}], "min_replicas must be an integer, got 'two'"),
    ([{"endpoint_id": HEALTHY["id"], "max_replicas_at_most": True}], "max_replicas_at_most must be an integer"),
    ([{"endpoint_id": HEALTHY["id"], "model": 7}], "model must be a string"),
])
def test_bad_gate_entries_are_rejected_with_the_entry_named(checks, message):
    with pytest.raises(AnsibleFilterError) as excinfo:
        evaluate([HEALTHY], checks)

    assert message in str(excinfo.value)


@pytest.mark.parametrize("deployments, message", [
    ("blue", "deployments must be a list of dicts"),
    (["blue"], "deployments[0] (endpoint ep_Cut100ZeroSplit00000001): must be a dict with name"),
    ([{"state": "READY"}], "deployments[0] (endpoint ep_Cut100ZeroSplit00000001): needs a name"),
    ([{"name": "blue"}, {"name": "blue"}], "deployment blue is listed twice"),
    ([{"name": "blue", "min_replica": 1}], "unknown key min_replica; did you mean min_replicas?"),
    ([{"name": "blue", "state": "RUNNING"}], "state must be a v1 state (PENDING, STARTING, STARTED, STOPPING, STOPPED, "
                                             "ERROR) or a v2 deployment state (PROVISIONING, SCALING, READY, DEGRADED, "
                                             "FAILED), got 'RUNNING'"),
    ([{"name": "blue", "traffic_weight_at_least": True}], "traffic_weight_at_least must be a number"),
    ([{"name": "blue", "traffic_weight_at_least": "much"}], "traffic_weight_at_least must be a number, got 'much'"),
    ([{"name": "blue", "ready_replicas_at_least": "1.5"}], "ready_replicas_at_least must be an integer"),
])
def test_bad_deployment_expectations_are_rejected_with_the_entry_named(deployments, message):
    with pytest.raises(AnsibleFilterError) as excinfo:
        evaluate([CUTOVER], [{"endpoint_id": CUTOVER["id"], "deployments": deployments}])

    assert message in str(excinfo.value)
    assert "endpoint_gate_checks[0]" in str(excinfo.value) and "endpoint %s" % CUTOVER["id"] in str(excinfo.value)


def test_every_mistake_of_every_entry_is_named_in_one_error():
    # A shape mistake in one entry (or one deployment) does not hide the mistakes of the others.
    checks = [
        {"endpoint_id": HEALTHY["id"], "min_replica": 1},
        {"endpoint_id": HEALTHY["id"]},
        {"model": "x"},
        {"endpoint_id": CUTOVER["id"], "min_replicas_at_least": 4, "min_replicas_at_most": 2,
         "deployments": [{"name": "blue", "state": "RUNNING"}, {"name": "green", "min_replica": 1},
                         {"name": "blue"}]},
        {"endpoint_id": SERVING["id"], "model": ""},
    ]
    with pytest.raises(AnsibleFilterError) as excinfo:
        evaluate([HEALTHY, CUTOVER, SERVING], checks)

    lines = str(excinfo.value).split("\n")
    cutover = "endpoint_gate_checks[3] (endpoint %s)" % CUTOVER["id"]
    assert [line.split(":")[0] for line in lines] == [
        "endpoint_gate_checks[0] (endpoint %s)" % HEALTHY["id"],
        "endpoint_gate_checks[1] (endpoint %s)" % HEALTHY["id"],
        "endpoint_gate_checks[2]",
        cutover,
        "endpoint_gate_checks[3].deployments[0] (endpoint %s, deployment blue)" % CUTOVER["id"],
        "endpoint_gate_checks[3].deployments[1] (endpoint %s, deployment green)" % CUTOVER["id"],
        "endpoint_gate_checks[3].deployments[2] (endpoint %s, deployment blue)" % CUTOVER["id"],
        "endpoint_gate_checks[4] (endpoint %s)" % SERVING["id"],
    ]
    assert "unknown key min_replica; did you mean min_replicas?" in lines[0]
    assert "is listed twice" in lines[1]
    assert "min_replicas_at_least 4 is above min_replicas_at_most 2" in lines[3]
    assert "state must be a v1 state" in lines[4]
    assert "unknown key min_replica; did you mean min_replicas?" in lines[5]
    assert "deployment blue is listed twice" in lines[6]
    assert "model must not be empty" in lines[7]


def test_bad_serving_value_is_rejected():
    with pytest.raises(AnsibleFilterError, match="serving must be true or false, got 'maybe'"):
        evaluate([SERVING], [{"endpoint_id": SERVING["id"], "serving": "maybe"}])
