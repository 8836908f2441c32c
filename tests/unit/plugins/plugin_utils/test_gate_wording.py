# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The gate's wording: check messages, report lines, the failure message."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.together.ai.plugins.plugin_utils._gate_evaluation import evaluate
from ansible_collections.together.ai.tests.unit.plugins.plugin_utils import gate_fixtures as fx


def test_violation_message_names_endpoint_check_expected_and_actual():
    result = evaluate([fx.OVERSIZED], [{"endpoint_id": fx.OVERSIZED["id"], "max_replicas_at_most": 8}])

    assert result["violations"][0]["message"] == "%s: max_replicas_at_most: expected <= 8, actual 16" % fx.OVERSIZED["id"]
    per_endpoint = result["results"][fx.OVERSIZED["id"]]["violations"]
    assert per_endpoint == [{"check": "max_replicas_at_most", "expected": "<= 8", "actual": 16,
                             "message": "max_replicas_at_most: expected <= 8, actual 16"}]


def test_endpoint_neither_returned_nor_404_is_worded_as_not_returned():
    result = evaluate([], [{"endpoint_id": fx.MISSING_ID}], [])

    assert result["violations"][0]["actual"] == "not returned by the API"


def test_passing_gate_reports_one_line_per_endpoint():
    result = evaluate([fx.HEALTHY, fx.OVERSIZED], [
        {"endpoint_id": fx.HEALTHY["id"], "min_replicas_at_least": 1},
        {"endpoint_id": fx.OVERSIZED["id"]},
    ])

    assert result["report"] == [
        "Endpoint gate PASSED: 2 endpoints, every check passed.",
        "PASS %s (meta-llama/Llama-3-8b-chat-hf, 1x_nvidia_a100_80gb_sxm, STARTED, replicas 1-2): 3 checks passed"
        % fx.HEALTHY["id"],
        "PASS %s (meta-llama/Llama-3-70b-chat-hf, 4x_nvidia_h100_80gb_sxm, STARTED, replicas 1-16): 2 checks passed"
        % fx.OVERSIZED["id"],
    ]


def test_failing_gate_report_lists_each_violation_under_its_endpoint():
    result = evaluate([fx.HEALTHY, fx.OVERSIZED], [
        {"endpoint_id": fx.HEALTHY["id"]},
        {"endpoint_id": fx.OVERSIZED["id"], "min_replicas_at_least": 2, "max_replicas_at_most": 8},
        {"endpoint_id": fx.MISSING_ID, "model": "x"},
    ], [fx.MISSING_ID], ["timed out after 30.0s waiting for state STARTED; not there yet: 'x' (state STARTING)"])

    assert result["report"] == [
        "Endpoint gate FAILED: 3 violations in 2 of 3 endpoints.",
        "PASS %s (meta-llama/Llama-3-8b-chat-hf, 1x_nvidia_a100_80gb_sxm, STARTED, replicas 1-2): 2 checks passed"
        % fx.HEALTHY["id"],
        "FAIL %s (meta-llama/Llama-3-70b-chat-hf, 4x_nvidia_h100_80gb_sxm, STARTED, replicas 1-16): "
        "2 of 4 checks failed" % fx.OVERSIZED["id"],
        "  - min_replicas_at_least: expected >= 2, actual 1",
        "  - max_replicas_at_most: expected <= 8, actual 16",
        "FAIL %s: the endpoint does not exist, its other checks were not evaluated" % fx.MISSING_ID,
        "  - exists: expected the endpoint exists, actual not found (HTTP 404)",
        "While waiting:",
        "  - timed out after 30.0s waiting for state STARTED; not there yet: 'x' (state STARTING)",
    ]


def test_failure_message_names_every_violation_with_its_endpoint():
    result = evaluate([fx.HEALTHY, fx.OVERSIZED], [
        {"endpoint_id": fx.HEALTHY["id"]},
        {"endpoint_id": fx.OVERSIZED["id"], "min_replicas_at_least": 2, "max_replicas_at_most": 8},
        {"endpoint_id": fx.MISSING_ID},
    ], [fx.MISSING_ID], ["timed out waiting for state STARTED"])

    assert result["failure"] == [
        "Endpoint gate FAILED: 3 violations in 2 of 3 endpoints.",
        "  - %s: min_replicas_at_least: expected >= 2, actual 1" % fx.OVERSIZED["id"],
        "  - %s: max_replicas_at_most: expected <= 8, actual 16" % fx.OVERSIZED["id"],
        "  - %s: exists: expected the endpoint exists, actual not found (HTTP 404)" % fx.MISSING_ID,
        "While waiting:",
        "  - timed out waiting for state STARTED",
    ]


def test_passing_gate_has_no_failure_message():
    assert evaluate([fx.HEALTHY], [{"endpoint_id": fx.HEALTHY["id"]}])["failure"] == []


def test_empty_notes_add_nothing_to_the_report():
    result = evaluate([fx.HEALTHY], [{"endpoint_id": fx.HEALTHY["id"]}], [], ["", None])

    assert "While waiting:" not in result["report"]
    assert result["notes"] == []


def test_report_lines_of_v2_endpoints_say_which_deployment_serves():
    result = evaluate([fx.SERVING, fx.CUTOVER], [
        {"endpoint_id": fx.SERVING["id"]},
        {"endpoint_id": fx.CUTOVER["id"], "deployments": [{"name": "v2", "min_replicas_at_least": 2}]},
    ])

    assert result["report"] == [
        "Endpoint gate FAILED: 1 violation in 1 of 2 endpoints.",
        # A v2 endpoint's line shows its name beside its id.
        "PASS %s (name %s, %s, 1xnvidia-h100-80gb, STARTED, replicas 1-2, deployment blue, serving): 3 checks passed"
        % (fx.SERVING["id"], fx.SERVING["name"], fx.MODEL_PATH),
        "FAIL %s (name %s, %s, 1xnvidia-h100-80gb, STARTED, replicas 2-4, deployment v1, serving): 1 of 5 checks failed"
        % (fx.CUTOVER["id"], fx.CUTOVER["name"], fx.MODEL_PATH),
        "  - deployment v2: min_replicas_at_least: expected >= 2, actual 1",
    ]


def test_report_line_of_a_v2_endpoint_without_live_deployment():
    empty = fx.v2_endpoint("no_deployments")

    result = evaluate([empty], [{"endpoint_id": empty["id"], "state": "STOPPED"}])

    assert result["report"][1] == ("PASS %s (name %s, STOPPED, replicas 0-0, no live deployment, not serving): 2 checks "
                                   "passed" % (empty["id"], empty["name"]))
