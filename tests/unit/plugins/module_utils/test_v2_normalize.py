# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""normalize_endpoint: how a v2 Endpoint reads in the v1 vocabulary (reference §11.3), from canned camelCase bodies."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible_collections.together.ai.plugins.module_utils._readiness import short_state
from ansible_collections.together.ai.plugins.module_utils._v2_normalize import (
    normalize_deployment,
    normalize_endpoint,
    select_deployment,
)

PROJECT_ID = "proj_CbJNwQC2ZqCU2iFT3mrCh"
DEPLOYMENT_FIELDS = ("id", "name", "state", "normalized_state", "model", "hardware", "min_replicas", "max_replicas",
                     "desired_replicas", "ready_replicas", "scheduled_replicas", "traffic_weight", "traffic_mode",
                     "traffic_share", "status_message", "created_at", "model_name")
ENDPOINT_FIELDS = ("api_version", "id", "name", "display_name", "model", "model_name", "hardware", "type", "owner",
                   "state",
                   "autoscaling", "created_at", "project_id", "updated_at", "etag", "visibility", "serving",
                   "traffic_split", "deployments", "primary_deployment_id", "deployment_state", "total_min_replicas",
                   "total_max_replicas", "raw")


def normalize(raw, full_deployments=None, deployment=None):
    return normalize_endpoint(raw, PROJECT_ID, full_deployments, deployment)


def with_deployments(fixture_json, summaries, weights=None):
    """The one-deployment endpoint fixture carrying other summaries; weights {deployment id: weight} make its split."""
    raw = fixture_json("v2/endpoint_one_deployment.json")
    raw["deployments"] = summaries
    raw["trafficSplit"] = [{"deploymentId": key, "weight": value} for key, value in sorted((weights or {}).items())]
    return raw


def state_summary(fixture_json, key):
    return fixture_json("v2/deployment_summaries_by_state.json")[key]


def by_id(endpoint):
    return dict((item["id"], item) for item in endpoint["deployments"])


# --- the state table of §11.3 ---------------------------------------------------------------------------------------

STATE_TABLE = [
    ("provisioning", "DEPLOYMENT_STATE_PROVISIONING", "PENDING"),
    ("scaling_ready_0", "DEPLOYMENT_STATE_SCALING", "STARTING"),
    ("scaling_ready_2", "DEPLOYMENT_STATE_SCALING", "STARTED"),
    ("ready", "DEPLOYMENT_STATE_READY", "STARTED"),
    ("degraded_ready_1", "DEPLOYMENT_STATE_DEGRADED", "STARTED"),
    ("degraded_ready_0", "DEPLOYMENT_STATE_DEGRADED", "STARTING"),
    ("stopping", "DEPLOYMENT_STATE_STOPPING", "STOPPING"),
    ("stopped", "DEPLOYMENT_STATE_STOPPED", "STOPPED"),
    ("failed", "DEPLOYMENT_STATE_FAILED", "ERROR"),
]


@pytest.mark.parametrize("routed", [True, False], ids=["routed", "unrouted"])
@pytest.mark.parametrize("key, raw_state, state", STATE_TABLE, ids=[row[0] for row in STATE_TABLE])
def test_state_table_maps_each_deployment_state_to_its_v1_state(fixture_json, key, raw_state, state, routed):
    summary = state_summary(fixture_json, key)
    raw = with_deployments(fixture_json, [summary], {summary["id"]: 1} if routed else None)
    endpoint, warnings = normalize(raw)
    assert endpoint["state"] == state
    assert endpoint["deployment_state"] == raw_state
    assert endpoint["primary_deployment_id"] == summary["id"]
    assert endpoint["deployments"][0]["state"] == raw_state
    assert endpoint["deployments"][0]["normalized_state"] == state
    # Only an unknown state or a DEGRADED primary warns.
    assert len(warnings) == (1 if key.startswith("degraded") else 0)


def test_state_without_the_enum_prefix_reads_the_same(fixture_json):
    summary = state_summary(fixture_json, "ready")
    summary["state"] = "READY"
    endpoint, warnings = normalize(with_deployments(fixture_json, [summary], {summary["id"]: 1}))
    assert (endpoint["state"], endpoint["deployment_state"], warnings) == ("STARTED", "READY", [])


def test_full_deployment_state_under_status_is_read_when_there_is_no_flat_state(fixture_json):
    summary = state_summary(fixture_json, "scaling_ready_2")
    status = {"state": summary.pop("state"), "readyReplicas": summary.pop("readyReplicas"), "message": "Starting replicas"}
    summary["status"] = status
    endpoint, warnings = normalize(with_deployments(fixture_json, [summary], {summary["id"]: 1}))
    assert endpoint["state"] == "STARTED"
    assert endpoint["deployments"][0]["ready_replicas"] == 2
    assert endpoint["deployments"][0]["status_message"] == "Starting replicas"
    assert warnings == []


def test_unknown_deployment_state_is_returned_with_a_warning(fixture_json):
    summary = state_summary(fixture_json, "unknown")
    raw = with_deployments(fixture_json, [summary], {summary["id"]: 1})
    endpoint, warnings = normalize(raw)
    # The raw enum is kept in deployments[].state and deployment_state; the flat state is the enum without its prefix.
    assert endpoint["deployments"][0]["state"] == "DEPLOYMENT_STATE_SOMETHING_NEW"
    assert endpoint["deployment_state"] == "DEPLOYMENT_STATE_SOMETHING_NEW"
    assert endpoint["state"] == "SOMETHING_NEW"
    assert endpoint["serving"] is True
    assert len(warnings) == 1
    assert "'%s'" % raw["id"] in warnings[0]
    assert "'%s'" % summary["id"] in warnings[0]
    assert "'DEPLOYMENT_STATE_SOMETHING_NEW'" in warnings[0]
    assert "returned unchanged" in warnings[0]


def test_unknown_state_on_a_non_primary_deployment_still_warns(fixture_json):
    ready, unknown = state_summary(fixture_json, "ready"), state_summary(fixture_json, "unknown")
    endpoint, warnings = normalize(with_deployments(fixture_json, [unknown, ready], {ready["id"]: 5}))
    assert endpoint["primary_deployment_id"] == ready["id"]
    assert endpoint["state"] == "STARTED"
    assert len(warnings) == 1 and "DEPLOYMENT_STATE_SOMETHING_NEW" in warnings[0]


@pytest.mark.parametrize("explicit_empty", [False, True], ids=["arrays-omitted", "arrays-empty"])
def test_no_deployments_reads_stopped_with_no_model_hardware_or_bounds(fixture_json, explicit_empty):
    raw = fixture_json("v2/endpoint_no_deployments.json")
    if explicit_empty:
        raw.update(deployments=[], trafficSplit=[])
    endpoint, warnings = normalize(raw)
    assert endpoint["state"] == "STOPPED"
    assert (endpoint["model"], endpoint["hardware"]) == (None, None)
    assert endpoint["autoscaling"] == dict(min_replicas=0, max_replicas=0)
    assert (endpoint["primary_deployment_id"], endpoint["deployment_state"]) == (None, None)
    assert (endpoint["serving"], endpoint["deployments"], endpoint["traffic_split"]) == (False, [], [])
    assert (endpoint["total_min_replicas"], endpoint["total_max_replicas"]) == (0, 0)
    assert warnings == []


def test_only_shadow_deployments_read_as_no_live_deployment(fixture_json):
    raw = fixture_json("v2/endpoint_shadow_weighted.json")
    raw["deployments"] = [item for item in raw["deployments"] if item["trafficMode"] == "TRAFFIC_MODE_SHADOW"]
    endpoint, dummy = normalize(raw)
    assert (endpoint["state"], endpoint["primary_deployment_id"], endpoint["model"]) == ("STOPPED", None, None)
    assert endpoint["serving"] is False
    assert len(endpoint["deployments"]) == 1


# --- the primary deployment -----------------------------------------------------------------------------------------

def test_primary_is_the_largest_weight_times_ready_replicas(fixture_json):
    raw = fixture_json("v2/endpoint_split_50_50.json")
    endpoint, warnings = normalize(raw)
    older = raw["deployments"][1]
    # 50 x 3 ready beats 50 x 1 ready, even though the other deployment is newer and listed first.
    assert endpoint["primary_deployment_id"] == older["id"]
    assert endpoint["model"] == older["model"]
    assert endpoint["hardware"] == "2xnvidia-h100-80gb"
    assert endpoint["autoscaling"] == dict(min_replicas=3, max_replicas=4)
    assert endpoint["state"] == "STARTED"
    assert warnings == []


def test_primary_counts_a_routed_deployment_without_ready_replicas_as_one(fixture_json):
    raw = fixture_json("v2/endpoint_split_50_50.json")
    newer, older = raw["deployments"]
    newer.pop("readyReplicas")
    newer["state"] = "DEPLOYMENT_STATE_SCALING"
    # 4 x max(0, 1) = 4 beats 1 x 3 = 3.
    raw["trafficSplit"] = [{"deploymentId": newer["id"], "weight": 4}, {"deploymentId": older["id"], "weight": 1}]
    endpoint, dummy = normalize(raw)
    assert endpoint["primary_deployment_id"] == newer["id"]
    assert endpoint["state"] == "STARTING"
    raw["trafficSplit"][0]["weight"] = 2
    assert normalize(raw)[0]["primary_deployment_id"] == older["id"]


@pytest.mark.parametrize("reverse", [False, True], ids=["newest-listed-last", "newest-listed-first"])
def test_primary_tie_goes_to_the_newest_created_at(fixture_json, reverse):
    raw = fixture_json("v2/endpoint_tie.json")
    if reverse:
        raw["deployments"].reverse()
    endpoint, dummy = normalize(raw)
    assert endpoint["primary_deployment_id"] == "dep_TieNewer0000000000002"
    assert endpoint["hardware"] == "4xnvidia-h100-80gb"
    assert endpoint["autoscaling"] == dict(min_replicas=2, max_replicas=3)


def test_primary_tie_compares_created_at_as_time_not_text(fixture_json):
    raw = fixture_json("v2/endpoint_tie.json")
    older, newer = raw["deployments"]
    older["createdAt"] = "2026-08-05T10:00:00Z"
    newer["createdAt"] = "2026-08-05T10:00:00.250Z"
    assert normalize(raw)[0]["primary_deployment_id"] == newer["id"]


@pytest.mark.parametrize("fixture, expected", [
    ("v2/endpoint_tie.json", "dep_TieNewer0000000000002"),
    ("v2/endpoint_split_50_50.json", "dep_B1ueNewerFewerReady0002"),
    ("v2/endpoint_split_100_0.json", "dep_NewReadyZeroWeight0002"),
])
def test_without_any_weight_the_primary_is_the_newest_live_deployment(fixture_json, fixture, expected):
    raw = fixture_json(fixture)
    del raw["trafficSplit"]
    raw["deployments"].sort(key=lambda item: item["id"])
    endpoint, dummy = normalize(raw)
    assert endpoint["primary_deployment_id"] == expected
    assert (endpoint["serving"], endpoint["total_min_replicas"], endpoint["total_max_replicas"]) == (False, 0, 0)


def test_shadow_deployment_is_never_primary_even_with_all_the_weight(fixture_json):
    raw = fixture_json("v2/endpoint_shadow_weighted.json")
    endpoint, warnings = normalize(raw)
    deployments = by_id(endpoint)
    assert endpoint["primary_deployment_id"] == "dep_LiveNoWeight0000000001"
    assert endpoint["hardware"] == "1xnvidia-h100-80gb"
    assert endpoint["state"] == "STARTED"
    assert deployments["dep_ShadowWeighted00000002"]["traffic_mode"] == "TRAFFIC_MODE_SHADOW"
    assert deployments["dep_ShadowWeighted00000002"]["traffic_weight"] == 100
    assert deployments["dep_LiveNoWeight0000000001"]["traffic_weight"] == 0
    assert endpoint["serving"] is False
    assert (endpoint["total_min_replicas"], endpoint["total_max_replicas"]) == (0, 0)
    assert warnings == []


def test_ready_deployment_with_weight_zero_is_neither_primary_nor_counted(fixture_json):
    endpoint, dummy = normalize(fixture_json("v2/endpoint_split_100_0.json"))
    deployments = by_id(endpoint)
    assert endpoint["primary_deployment_id"] == "dep_OldLive100Weight000001"
    assert deployments["dep_NewReadyZeroWeight0002"]["normalized_state"] == "STARTED"
    assert deployments["dep_NewReadyZeroWeight0002"]["traffic_weight"] == 0
    assert endpoint["serving"] is True
    assert (endpoint["total_min_replicas"], endpoint["total_max_replicas"]) == (2, 4)
    assert endpoint["traffic_split"] == [dict(deployment_id="dep_OldLive100Weight000001", weight=100),
                                         dict(deployment_id="dep_NewReadyZeroWeight0002", weight=0)]


# --- the deployment option ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("selector", ["dep_TieOlder0000000000001", "my-project/tie/older", "older"],
                         ids=["by-id", "by-full-name", "by-bare-name"])
def test_deployment_selector_feeds_the_flat_fields_instead_of_the_primary(fixture_json, selector):
    endpoint, warnings = normalize(fixture_json("v2/endpoint_tie.json"), deployment=selector)
    assert endpoint["primary_deployment_id"] == "dep_TieOlder0000000000001"
    assert endpoint["hardware"] == "1xnvidia-h100-80gb"
    assert endpoint["autoscaling"] == dict(min_replicas=2, max_replicas=2)
    # Totals and serving stay endpoint-wide.
    assert (endpoint["total_min_replicas"], endpoint["total_max_replicas"], endpoint["serving"]) == (4, 5, True)
    assert warnings == []


def test_deployment_selector_can_pick_a_shadow_deployment(fixture_json):
    endpoint, dummy = normalize(fixture_json("v2/endpoint_shadow_weighted.json"), deployment="shadow")
    assert endpoint["primary_deployment_id"] == "dep_ShadowWeighted00000002"
    assert endpoint["hardware"] == "8xnvidia-h200-141gb"


def test_unknown_deployment_selector_warns_and_describes_no_deployment(fixture_json):
    raw = fixture_json("v2/endpoint_tie.json")
    endpoint, warnings = normalize(raw, deployment="purple")
    assert warnings == ["endpoint '%s' has no deployment 'purple'; the flat fields describe none" % raw["id"]]
    assert (endpoint["primary_deployment_id"], endpoint["model"], endpoint["hardware"]) == (None, None, None)
    assert endpoint["state"] == "STOPPED"
    assert endpoint["autoscaling"] == dict(min_replicas=0, max_replicas=0)
    assert len(endpoint["deployments"]) == 2


def test_select_deployment_returns_none_for_a_partial_name(fixture_json):
    endpoint, dummy = normalize(fixture_json("v2/endpoint_tie.json"))
    assert select_deployment(endpoint["deployments"], "tie/older") is None
    assert select_deployment(endpoint["deployments"], "olde") is None
    assert select_deployment(endpoint["deployments"], "newer")["id"] == "dep_TieNewer0000000000002"


# --- counts, bounds and serving -------------------------------------------------------------------------------------

def test_missing_counts_read_as_zero_and_max_replicas_defaults_to_min(fixture_json):
    endpoint, warnings = normalize(fixture_json("v2/endpoint_omitted_counts.json"))
    deployments = by_id(endpoint)
    stopped, scaling = deployments["dep_StoppedNoCounts0000001"], deployments["dep_ScalingMinOnly00000002"]
    assert (stopped["min_replicas"], stopped["max_replicas"], stopped["desired_replicas"], stopped["ready_replicas"]) == (0, 0, 0, 0)
    assert (scaling["min_replicas"], scaling["max_replicas"], scaling["desired_replicas"], scaling["ready_replicas"]) == (2, 2, 2, 0)
    assert (stopped["traffic_share"], stopped["scheduled_replicas"], stopped["status_message"]) == (0, None, None)
    # Both routed with weight 1 and no ready replica: a tie, so the newer SCALING deployment is primary.
    assert endpoint["primary_deployment_id"] == scaling["id"]
    assert endpoint["state"] == "STARTING"
    assert endpoint["autoscaling"] == dict(min_replicas=2, max_replicas=2)
    assert (endpoint["total_min_replicas"], endpoint["total_max_replicas"]) == (2, 2)
    assert endpoint["serving"] is False
    assert warnings == []


def test_stopped_deployment_without_bounds_reads_zero_zero(fixture_json):
    summary = state_summary(fixture_json, "stopped")
    endpoint, dummy = normalize(with_deployments(fixture_json, [summary], {summary["id"]: 1}))
    assert endpoint["autoscaling"] == dict(min_replicas=0, max_replicas=0)
    assert endpoint["state"] == "STOPPED"


def test_omitted_weight_in_the_split_reads_as_zero(fixture_json):
    raw = fixture_json("v2/endpoint_ready_unrouted.json")
    endpoint, dummy = normalize(raw)
    assert endpoint["traffic_split"] == [dict(deployment_id="dep_ReadyNoWeight000000001", weight=0)]
    assert endpoint["primary_deployment_id"] == "dep_ReadyNoWeight000000001"
    assert endpoint["state"] == "STARTED"
    assert endpoint["serving"] is False
    assert (endpoint["total_min_replicas"], endpoint["total_max_replicas"]) == (0, 0)


@pytest.mark.parametrize("value", [None, "3", True, [1], {"n": 1}])
def test_malformed_counts_read_as_zero(fixture_json, value):
    raw = fixture_json("v2/endpoint_one_deployment.json")
    summary = raw["deployments"][0]
    summary["readyReplicas"] = value
    summary["autoscaling"]["minReplicas"] = value
    endpoint, dummy = normalize(raw)
    assert endpoint["deployments"][0]["ready_replicas"] == 0
    assert endpoint["deployments"][0]["min_replicas"] == 0
    assert endpoint["serving"] is False


@pytest.mark.parametrize("fixture, serving", [
    ("v2/endpoint_one_deployment.json", True),
    ("v2/endpoint_split_50_50.json", True),
    ("v2/endpoint_split_100_0.json", True),
    ("v2/endpoint_ready_unrouted.json", False),
    ("v2/endpoint_shadow_weighted.json", False),
    ("v2/endpoint_omitted_counts.json", False),
    ("v2/endpoint_twelve_deployments.json", False),
    ("v2/endpoint_no_deployments.json", False),
], ids=["one-routed-ready", "split-50-50", "split-100-0", "ready-unrouted", "weight-only-on-shadow",
        "routed-without-ready-replicas", "routed-deployment-not-embedded", "no-deployments"])
def test_serving_needs_a_live_deployment_with_weight_and_ready_replicas(fixture_json, fixture, serving):
    assert normalize(fixture_json(fixture))[0]["serving"] is serving


@pytest.mark.parametrize("fixture, totals", [
    ("v2/endpoint_one_deployment.json", (1, 2)),
    ("v2/endpoint_split_50_50.json", (4, 6)),
    ("v2/endpoint_split_100_0.json", (2, 4)),
    ("v2/endpoint_tie.json", (4, 5)),
    ("v2/endpoint_shadow_weighted.json", (0, 0)),
    ("v2/endpoint_ready_unrouted.json", (0, 0)),
])
def test_totals_sum_bounds_over_routed_live_deployments(fixture_json, fixture, totals):
    endpoint = normalize(fixture_json(fixture))[0]
    assert (endpoint["total_min_replicas"], endpoint["total_max_replicas"]) == totals


# --- endpoint fields and the raw object -----------------------------------------------------------------------------

def test_endpoint_fields_are_derived_from_the_v2_object(fixture_json):
    raw = fixture_json("v2/endpoint_one_deployment.json")
    endpoint, warnings = normalize(raw)
    assert tuple(endpoint) == ENDPOINT_FIELDS
    summary = raw["deployments"][0]
    assert endpoint["api_version"] == "v2"
    assert endpoint["id"] == "ep_CbJNwQC2ZqCU2iFT3mrCh"
    assert endpoint["name"] == "my-project/chat"
    assert endpoint["display_name"] == "chat"
    assert endpoint["type"] == "dedicated"
    assert endpoint["owner"] == endpoint["project_id"] == PROJECT_ID
    assert endpoint["created_at"] == "2026-08-01T09:00:00Z"
    assert endpoint["updated_at"] == "2026-08-02T08:30:00Z"
    assert endpoint["etag"] == raw["etag"]
    assert endpoint["visibility"] == "VISIBILITY_PRIVATE"
    assert (endpoint["model"], endpoint["hardware"]) == (summary["model"], "1xnvidia-h100-80gb")
    assert endpoint["autoscaling"] == dict(min_replicas=1, max_replicas=2)
    assert endpoint["state"] == "STARTED"
    assert endpoint["traffic_split"] == [dict(deployment_id=summary["id"], weight=1)]
    assert warnings == []


def test_deployments_are_snake_case_with_their_raw_state(fixture_json):
    raw = fixture_json("v2/endpoint_one_deployment.json")
    deployment = normalize(raw)[0]["deployments"][0]
    assert deployment == dict(
        id="dep_CbzGdmn14t3HYrXXitmKa", name="my-project/chat/blue", state="DEPLOYMENT_STATE_READY",
        normalized_state="STARTED", model=raw["deployments"][0]["model"], hardware="1xnvidia-h100-80gb",
        min_replicas=1, max_replicas=2, desired_replicas=1, ready_replicas=1, scheduled_replicas=None,
        traffic_weight=1, traffic_mode="TRAFFIC_MODE_LIVE", traffic_share=1.0, status_message=None,
        created_at="2026-08-01T10:00:00Z", model_name=None)
    assert tuple(deployment) == DEPLOYMENT_FIELDS


@pytest.mark.parametrize("endpoint_type, expected", [
    ("ENDPOINT_TYPE_DEDICATED", "dedicated"),
    ("ENDPOINT_TYPE_SERVERLESS", "serverless"),
    ("ENDPOINT_TYPE_RESERVED", "reserved"),
    ("SOMETHING", "something"),
    ("", None),
    (None, None),
])
def test_type_is_the_endpoint_type_without_prefix_in_lower_case(fixture_json, endpoint_type, expected):
    raw = fixture_json("v2/endpoint_one_deployment.json")
    raw["endpointType"] = endpoint_type
    assert normalize(raw)[0]["type"] == expected


@pytest.mark.parametrize("name, display_name", [("my-project/chat", "chat"), ("chat", "chat"), ("", None), (None, None)])
def test_display_name_is_the_part_of_the_name_after_the_last_slash(fixture_json, name, display_name):
    raw = fixture_json("v2/endpoint_one_deployment.json")
    raw["name"] = name
    assert normalize(raw)[0]["display_name"] == display_name


def test_owner_falls_back_to_the_resolved_project_when_project_id_is_absent(fixture_json):
    raw = fixture_json("v2/endpoint_one_deployment.json")
    del raw["projectId"]
    endpoint = normalize_endpoint(raw, "proj_FromWhoami0000000000001")[0]
    assert endpoint["owner"] == endpoint["project_id"] == "proj_FromWhoami0000000000001"


def test_empty_hardware_reads_as_none(fixture_json):
    raw = fixture_json("v2/endpoint_one_deployment.json")
    raw["deployments"][0]["hardware"] = ""
    endpoint = normalize(raw)[0]
    assert endpoint["hardware"] is None and endpoint["deployments"][0]["hardware"] is None


@pytest.mark.parametrize("fixture", ["v2/endpoint_one_deployment.json", "v2/endpoint_twelve_deployments.json",
                                     "v2/endpoint_no_deployments.json", "v2/endpoint_omitted_counts.json"])
def test_raw_is_the_input_unchanged_and_the_input_is_not_mutated(fixture_json, fixture):
    raw = fixture_json(fixture)
    before = copy.deepcopy(raw)
    full = dict((item["id"], item) for item in fixture_json("v2/deployments_twelve_page1.json")["data"])
    endpoint, dummy = normalize(raw, full_deployments=full if "twelve" in fixture else None)
    assert raw == before
    assert endpoint["raw"] == fixture_json(fixture)


def test_raw_keeps_fields_this_collection_does_not_know(fixture_json):
    endpoint = normalize(fixture_json("v2/endpoint_one_deployment.json"))[0]
    assert endpoint["raw"]["futureField"] == {"rolloutPolicy": "ROLLOUT_POLICY_SOMETHING", "labels": ["a", "b"]}
    assert "futureField" not in endpoint


# --- DEGRADED and full deployments ----------------------------------------------------------------------------------

def test_degraded_primary_warns_with_the_status_message_of_the_full_deployment(fixture_json):
    raw = fixture_json("v2/endpoint_degraded.json")
    full = fixture_json("v2/deployment_degraded_full.json")
    endpoint, warnings = normalize(raw, full_deployments={full["id"]: full})
    assert warnings == ["endpoint 'ep_DegradedPrimary0000001': deployment 'my-project/busy/main' is DEGRADED: "
                        "Cannot place replicas: insufficient GPU capacity"]
    assert endpoint["state"] == "STARTED"
    assert endpoint["deployments"][0]["status_message"] == "Cannot place replicas: insufficient GPU capacity"
    assert endpoint["deployments"][0]["scheduled_replicas"] == 2


def test_degraded_primary_without_a_full_read_warns_without_a_message(fixture_json):
    endpoint, warnings = normalize(fixture_json("v2/endpoint_degraded.json"))
    assert warnings == ["endpoint 'ep_DegradedPrimary0000001': deployment 'my-project/busy/main' is DEGRADED"]
    assert endpoint["deployments"][0]["status_message"] is None


def test_degraded_deployment_that_is_not_the_primary_does_not_warn(fixture_json):
    ready, degraded = state_summary(fixture_json, "ready"), state_summary(fixture_json, "degraded_ready_1")
    endpoint, warnings = normalize(with_deployments(fixture_json, [degraded, ready], {ready["id"]: 10, degraded["id"]: 1}))
    assert endpoint["primary_deployment_id"] == ready["id"]
    assert warnings == []


def test_full_deployments_add_status_message_and_scheduled_replicas(fixture_json):
    raw = fixture_json("v2/endpoint_twelve_deployments.json")
    pages = fixture_json("v2/deployments_twelve_page1.json")["data"] + fixture_json("v2/deployments_twelve_page2.json")["data"]
    endpoint, warnings = normalize(raw, full_deployments=dict((item["id"], item) for item in pages))
    deployments = by_id(endpoint)
    newest = deployments["dep_Twelve1200000000000000"]
    assert (newest["status_message"], newest["scheduled_replicas"]) == ("Scheduling replicas", 1)
    assert deployments["dep_Twelve0500000000000000"]["status_message"] == "Stopped"
    assert deployments["dep_Twelve0500000000000000"]["scheduled_replicas"] is None
    assert warnings == []


def test_full_deployments_cover_more_than_the_ten_embedded_summaries(fixture_json):
    raw = fixture_json("v2/endpoint_twelve_deployments.json")
    summaries_only = normalize(raw)[0]
    # The only routed deployment is the oldest, which the endpoint does not embed.
    assert len(summaries_only["deployments"]) == 10
    assert summaries_only["primary_deployment_id"] == "dep_Twelve1200000000000000"
    assert (summaries_only["state"], summaries_only["serving"]) == ("PENDING", False)

    pages = fixture_json("v2/deployments_twelve_page1.json")["data"] + fixture_json("v2/deployments_twelve_page2.json")["data"]
    endpoint, dummy = normalize(raw, full_deployments=dict((item["id"], item) for item in pages))
    assert len(endpoint["deployments"]) == 12
    assert [item["id"] for item in endpoint["deployments"][:10]] == [item["id"] for item in raw["deployments"]]
    oldest = by_id(endpoint)["dep_Twelve0100000000000000"]
    assert (oldest["state"], oldest["ready_replicas"], oldest["traffic_weight"]) == ("DEPLOYMENT_STATE_READY", 2, 1)
    assert oldest["status_message"] == "All replicas ready"
    assert endpoint["primary_deployment_id"] == "dep_Twelve0100000000000000"
    assert (endpoint["state"], endpoint["serving"]) == ("STARTED", True)
    assert endpoint["autoscaling"] == dict(min_replicas=2, max_replicas=3)
    assert (endpoint["total_min_replicas"], endpoint["total_max_replicas"]) == (2, 3)


def test_normalize_deployment_reads_a_full_deployment_alone(fixture_json):
    full = fixture_json("v2/deployment_degraded_full.json")
    deployment = normalize_deployment(full, {full["id"]: 3})
    assert deployment["state"] == "DEPLOYMENT_STATE_DEGRADED"
    assert deployment["normalized_state"] == "STARTED"
    assert (deployment["ready_replicas"], deployment["scheduled_replicas"], deployment["traffic_weight"]) == (1, 2, 3)
    assert deployment["status_message"] == "Cannot place replicas: insufficient GPU capacity"


@pytest.mark.parametrize("value, expected", [
    ("DEPLOYMENT_STATE_READY", "READY"),
    ("READY", "READY"),
    ("DEPLOYMENT_STATE_SOMETHING_NEW", "SOMETHING_NEW"),
    ("", ""),
    (None, ""),
])
def test_short_state_strips_only_the_enum_prefix(value, expected):
    assert short_state(value) == expected
