# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests for the endpoint gate filters: evaluation of every check, the wait plan, the report wording."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.together.ai.plugins.module_utils._endpoints import STATES
from ansible_collections.together.ai.plugins.filter.endpoint_gate import (
    CHECKS,
    FilterModule,
    endpoint_gate_evaluate,
    endpoint_gate_wait_plan,
)

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTION_ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))

with open(os.path.join(HERE, "fixtures", "endpoints.json")) as fixture:
    ENDPOINTS = json.load(fixture)

HEALTHY = ENDPOINTS["healthy"]
STARTING = ENDPOINTS["starting"]
OVERSIZED = ENDPOINTS["oversized"]
ERRORED = ENDPOINTS["errored"]
MISSING_ID = "endpoint-99999999-9999-4999-8999-999999999999"


def endpoint(name, **changes):
    """A fixture endpoint, with some fields changed."""
    body = copy.deepcopy(ENDPOINTS[name])
    body.update(changes)
    return body


def statuses(result, endpoint_id):
    return dict((check["check"], check["status"]) for check in result["results"][endpoint_id]["checks"])


# ---------------------------------------------------------------- evaluation


def test_filters_are_exposed_under_their_documented_names():
    assert sorted(FilterModule().filters()) == ["endpoint_gate_evaluate", "endpoint_gate_wait_plan"]


def test_endpoint_matching_every_check_passes():
    checks = [{
        "endpoint_id": HEALTHY["id"], "state": "STARTED", "model": "meta-llama/Llama-3-8b-chat-hf",
        "hardware": "1x_nvidia_a100_80gb_sxm", "min_replicas": 1, "max_replicas": 2,
        "min_replicas_at_least": 1, "min_replicas_at_most": 1, "max_replicas_at_least": 2, "max_replicas_at_most": 2,
    }]

    result = endpoint_gate_evaluate([HEALTHY], checks)

    assert result["passed"] is True
    assert result["violations"] == []
    assert result["results"][HEALTHY["id"]]["passed"] is True
    assert set(statuses(result, HEALTHY["id"]).values()) == {"passed"}
    # exists + the nine checks asked for
    assert len(result["results"][HEALTHY["id"]]["checks"]) == 10


def test_every_violation_of_every_endpoint_is_reported():
    checks = [
        {"endpoint_id": HEALTHY["id"], "model": "meta-llama/Llama-3-70b-chat-hf", "max_replicas_at_least": 3},
        {"endpoint_id": STARTING["id"], "hardware": "1x_nvidia_a100_80gb_sxm"},
        {"endpoint_id": OVERSIZED["id"], "min_replicas_at_least": 2, "max_replicas_at_most": 8},
        {"endpoint_id": MISSING_ID},
    ]

    result = endpoint_gate_evaluate([HEALTHY, STARTING, OVERSIZED], checks, [MISSING_ID])

    assert result["passed"] is False
    found = [(v["endpoint_id"], v["check"], v["expected"], v["actual"]) for v in result["violations"]]
    assert found == [
        (HEALTHY["id"], "model", "meta-llama/Llama-3-70b-chat-hf", "meta-llama/Llama-3-8b-chat-hf"),
        (HEALTHY["id"], "max_replicas_at_least", ">= 3", 2),
        (STARTING["id"], "state", "STARTED", "STARTING"),
        (STARTING["id"], "hardware", "1x_nvidia_a100_80gb_sxm", "2x_nvidia_h100_80gb_sxm"),
        (OVERSIZED["id"], "min_replicas_at_least", ">= 2", 1),
        (OVERSIZED["id"], "max_replicas_at_most", "<= 8", 16),
        (MISSING_ID, "exists", "the endpoint exists", "not found (HTTP 404)"),
    ]
    assert result["totals"] == {"endpoints": 4, "endpoints_failed": 4, "checks": 13, "failed": 7, "skipped": 1}


def test_violation_message_names_endpoint_check_expected_and_actual():
    result = endpoint_gate_evaluate([OVERSIZED], [{"endpoint_id": OVERSIZED["id"], "max_replicas_at_most": 8}])

    assert result["violations"][0]["message"] == "%s: max_replicas_at_most: expected <= 8, actual 16" % OVERSIZED["id"]
    per_endpoint = result["results"][OVERSIZED["id"]]["violations"]
    assert per_endpoint == [{"check": "max_replicas_at_most", "expected": "<= 8", "actual": 16,
                             "message": "max_replicas_at_most: expected <= 8, actual 16"}]


def test_missing_endpoint_fails_exists_and_skips_its_other_checks():
    result = endpoint_gate_evaluate([], [{"endpoint_id": MISSING_ID, "model": "x", "min_replicas": 1}], [MISSING_ID])

    outcome = result["results"][MISSING_ID]
    assert outcome["passed"] is False
    assert outcome["found"] is False
    assert statuses(result, MISSING_ID) == {"exists": "failed", "state": "skipped", "model": "skipped",
                                            "min_replicas": "skipped"}
    assert [v["check"] for v in outcome["violations"]] == ["exists"]
    assert result["endpoints"] == {}


def test_endpoint_neither_returned_nor_404_is_worded_as_not_returned():
    result = endpoint_gate_evaluate([], [{"endpoint_id": MISSING_ID}], [])

    assert result["violations"][0]["actual"] == "not returned by the API"


@pytest.mark.parametrize("check, expected, passes", [
    ("min_replicas_at_least", 1, True),
    ("min_replicas_at_least", 2, False),
    ("min_replicas_at_most", 1, True),
    ("min_replicas_at_most", 0, False),
    ("max_replicas_at_least", 16, True),
    ("max_replicas_at_least", 17, False),
    ("max_replicas_at_most", 16, True),
    ("max_replicas_at_most", 15, False),
    ("min_replicas", 1, True),
    ("min_replicas", 2, False),
    ("max_replicas", 16, True),
    ("max_replicas", 8, False),
])
def test_replica_checks_compare_inclusively(check, expected, passes):
    result = endpoint_gate_evaluate([OVERSIZED], [{"endpoint_id": OVERSIZED["id"], check: expected}])

    assert statuses(result, OVERSIZED["id"])[check] == ("passed" if passes else "failed")
    assert result["passed"] is passes


def test_state_is_checked_as_started_when_not_given():
    result = endpoint_gate_evaluate([STARTING], [{"endpoint_id": STARTING["id"]}])

    assert statuses(result, STARTING["id"]) == {"exists": "passed", "state": "failed"}
    assert result["violations"][0]["expected"] == "STARTED"


def test_state_null_leaves_the_state_check_out():
    result = endpoint_gate_evaluate([STARTING], [{"endpoint_id": STARTING["id"], "state": None}])

    assert statuses(result, STARTING["id"]) == {"exists": "passed"}
    assert result["passed"] is True


def test_other_expected_state_is_honoured():
    stopped = endpoint("healthy", state="STOPPED")

    result = endpoint_gate_evaluate([stopped], [{"endpoint_id": stopped["id"], "state": "STOPPED"}])

    assert result["passed"] is True


def test_replica_bound_fails_when_the_api_sent_no_autoscaling():
    bare = endpoint("healthy")
    del bare["autoscaling"]

    result = endpoint_gate_evaluate([bare], [{"endpoint_id": bare["id"], "min_replicas_at_least": 1}])

    assert result["violations"][0]["actual"] is None
    assert result["violations"][0]["message"].endswith("min_replicas_at_least: expected >= 1, actual not reported by the API")


def test_replica_values_given_as_strings_are_compared_as_integers():
    # Extra vars on the command line arrive as strings.
    result = endpoint_gate_evaluate([OVERSIZED], [{"endpoint_id": OVERSIZED["id"], "max_replicas_at_most": "16"}])

    assert result["passed"] is True


def test_later_read_of_the_same_endpoint_wins():
    started = endpoint("starting", state="STARTED")

    result = endpoint_gate_evaluate([STARTING, started], [{"endpoint_id": STARTING["id"]}])

    assert result["passed"] is True
    assert result["endpoints"][STARTING["id"]]["state"] == "STARTED"


def test_endpoints_not_gated_are_left_out_of_the_result():
    result = endpoint_gate_evaluate([HEALTHY, OVERSIZED], [{"endpoint_id": HEALTHY["id"]}])

    assert list(result["endpoints"]) == [HEALTHY["id"]]
    assert list(result["results"]) == [HEALTHY["id"]]


def test_results_keep_the_order_of_the_checks():
    checks = [{"endpoint_id": i} for i in (OVERSIZED["id"], HEALTHY["id"], STARTING["id"])]

    result = endpoint_gate_evaluate([HEALTHY, STARTING, OVERSIZED], checks)

    assert list(result["results"]) == [OVERSIZED["id"], HEALTHY["id"], STARTING["id"]]


@pytest.mark.parametrize("checks, message", [
    ([{"endpoint_id": HEALTHY["id"], "min_replica": 1}], "unknown check min_replica; the known checks are state, model"),
    ([{"endpoint_id": HEALTHY["id"]}, {"endpoint_id": HEALTHY["id"]}], "is listed twice"),
    ([{"model": "x"}], "endpoint_gate_checks[0] needs an endpoint_id"),
    ([{"endpoint_id": "  "}], "needs an endpoint_id"),
    (["endpoint-1"], "must be a dict"),
    ({"endpoint_id": "endpoint-1"}, "must be a list of dicts"),
    ([{"endpoint_id": HEALTHY["id"], "min_replicas": "two"}], "min_replicas must be an integer, got 'two'"),
    ([{"endpoint_id": HEALTHY["id"], "max_replicas_at_most": True}], "max_replicas_at_most must be an integer"),
    ([{"endpoint_id": HEALTHY["id"], "model": 7}], "model must be a string"),
])
def test_bad_gate_entries_are_rejected_with_the_entry_named(checks, message):
    with pytest.raises(AnsibleFilterError) as excinfo:
        endpoint_gate_evaluate([HEALTHY], checks)

    assert message in str(excinfo.value)


def test_every_check_is_a_documented_option_of_the_role():
    """The role's argument spec and the filter's check table must name the same checks."""
    with open(os.path.join(COLLECTION_ROOT, "roles", "endpoint_gate", "meta", "argument_specs.yml")) as spec_file:
        spec = yaml.safe_load(spec_file)
    entry_options = spec["argument_specs"]["main"]["options"]["endpoint_gate_checks"]["options"]

    assert sorted(entry_options) == sorted(["endpoint_id"] + [check.name for check in CHECKS])
    assert entry_options["state"]["default"] == "STARTED"
    # The states the gate may expect are the ones the module can wait for.
    assert entry_options["state"]["choices"] == list(STATES)


# ---------------------------------------------------------------- report


def test_passing_gate_reports_one_line_per_endpoint():
    result = endpoint_gate_evaluate([HEALTHY, OVERSIZED], [
        {"endpoint_id": HEALTHY["id"], "min_replicas_at_least": 1},
        {"endpoint_id": OVERSIZED["id"]},
    ])

    assert result["report"] == [
        "Endpoint gate PASSED: 2 endpoints, every check passed.",
        "PASS %s (meta-llama/Llama-3-8b-chat-hf, 1x_nvidia_a100_80gb_sxm, STARTED, replicas 1-2): 3 checks passed"
        % HEALTHY["id"],
        "PASS %s (meta-llama/Llama-3-70b-chat-hf, 4x_nvidia_h100_80gb_sxm, STARTED, replicas 1-16): 2 checks passed"
        % OVERSIZED["id"],
    ]


def test_failing_gate_report_lists_each_violation_under_its_endpoint():
    result = endpoint_gate_evaluate([HEALTHY, OVERSIZED], [
        {"endpoint_id": HEALTHY["id"]},
        {"endpoint_id": OVERSIZED["id"], "min_replicas_at_least": 2, "max_replicas_at_most": 8},
        {"endpoint_id": MISSING_ID, "model": "x"},
    ], [MISSING_ID], ["timed out after 30.0s waiting for state STARTED; not there yet: 'x' (state STARTING)"])

    assert result["report"] == [
        "Endpoint gate FAILED: 3 violations in 2 of 3 endpoints.",
        "PASS %s (meta-llama/Llama-3-8b-chat-hf, 1x_nvidia_a100_80gb_sxm, STARTED, replicas 1-2): 2 checks passed"
        % HEALTHY["id"],
        "FAIL %s (meta-llama/Llama-3-70b-chat-hf, 4x_nvidia_h100_80gb_sxm, STARTED, replicas 1-16): "
        "2 of 4 checks failed" % OVERSIZED["id"],
        "  - min_replicas_at_least: expected >= 2, actual 1",
        "  - max_replicas_at_most: expected <= 8, actual 16",
        "FAIL %s: the endpoint does not exist, its other checks were not evaluated" % MISSING_ID,
        "  - exists: expected the endpoint exists, actual not found (HTTP 404)",
        "While waiting:",
        "  - timed out after 30.0s waiting for state STARTED; not there yet: 'x' (state STARTING)",
    ]


def test_failure_message_names_every_violation_with_its_endpoint():
    result = endpoint_gate_evaluate([HEALTHY, OVERSIZED], [
        {"endpoint_id": HEALTHY["id"]},
        {"endpoint_id": OVERSIZED["id"], "min_replicas_at_least": 2, "max_replicas_at_most": 8},
        {"endpoint_id": MISSING_ID},
    ], [MISSING_ID], ["timed out waiting for state STARTED"])

    assert result["failure"] == [
        "Endpoint gate FAILED: 3 violations in 2 of 3 endpoints.",
        "  - %s: min_replicas_at_least: expected >= 2, actual 1" % OVERSIZED["id"],
        "  - %s: max_replicas_at_most: expected <= 8, actual 16" % OVERSIZED["id"],
        "  - %s: exists: expected the endpoint exists, actual not found (HTTP 404)" % MISSING_ID,
        "While waiting:",
        "  - timed out waiting for state STARTED",
    ]


def test_passing_gate_has_no_failure_message():
    assert endpoint_gate_evaluate([HEALTHY], [{"endpoint_id": HEALTHY["id"]}])["failure"] == []


def test_empty_notes_add_nothing_to_the_report():
    result = endpoint_gate_evaluate([HEALTHY], [{"endpoint_id": HEALTHY["id"]}], [], ["", None])

    assert "While waiting:" not in result["report"]
    assert result["notes"] == []


# ---------------------------------------------------------------- wait plan


def test_wait_plan_groups_endpoints_by_expected_state():
    stopping = endpoint("oversized", state="STOPPING")
    checks = [
        {"endpoint_id": HEALTHY["id"]},
        {"endpoint_id": STARTING["id"], "state": "STARTED"},
        {"endpoint_id": stopping["id"], "state": "STOPPED"},
    ]

    plan = endpoint_gate_wait_plan([HEALTHY, STARTING, stopping], checks)

    assert plan == [
        {"state": "STARTED", "endpoint_ids": [HEALTHY["id"], STARTING["id"]], "not_yet": {STARTING["id"]: "STARTING"}},
        {"state": "STOPPED", "endpoint_ids": [stopping["id"]], "not_yet": {stopping["id"]: "STOPPING"}},
    ]


def test_wait_plan_is_empty_when_every_endpoint_is_already_there():
    assert endpoint_gate_wait_plan([HEALTHY, OVERSIZED], [{"endpoint_id": HEALTHY["id"]},
                                                          {"endpoint_id": OVERSIZED["id"]}]) == []


def test_wait_plan_leaves_out_missing_and_failed_endpoints_and_unchecked_states():
    checks = [
        {"endpoint_id": MISSING_ID},
        {"endpoint_id": ERRORED["id"]},
        {"endpoint_id": STARTING["id"], "state": None},
    ]

    assert endpoint_gate_wait_plan([ERRORED, STARTING], checks) == []


def test_wait_plan_waits_for_error_when_error_is_expected():
    starting = endpoint("errored", state="STARTING")

    plan = endpoint_gate_wait_plan([starting], [{"endpoint_id": starting["id"], "state": "ERROR"}])

    assert plan == [{"state": "ERROR", "endpoint_ids": [starting["id"]], "not_yet": {starting["id"]: "STARTING"}}]


def test_wait_plan_rejects_bad_entries_before_any_wait():
    with pytest.raises(AnsibleFilterError, match="unknown check"):
        endpoint_gate_wait_plan([HEALTHY], [{"endpoint_id": HEALTHY["id"], "replicas": 2}])
