# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The gate's evaluation: every check of every endpoint and of its named deployments, without stopping."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.together.ai.plugins.plugin_utils._gate_checks import DEPLOYMENT_CHECKS
from ansible_collections.together.ai.plugins.plugin_utils._gate_evaluation import evaluate
from ansible_collections.together.ai.tests.unit.plugins.plugin_utils.gate_fixtures import (
    CUTOVER,
    HEALTHY,
    MISSING_ID,
    MODEL_PATH,
    OVERSIZED,
    SERVING,
    STARTING,
    UNROUTED,
    messages,
    statuses,
    v2_endpoint,
)


def test_endpoint_matching_every_check_passes():
    checks = [{
        "endpoint_id": HEALTHY["id"], "state": "STARTED", "model": "meta-llama/Llama-3-8b-chat-hf",
        "hardware": "1x_nvidia_a100_80gb_sxm", "min_replicas": 1, "max_replicas": 2,
        "min_replicas_at_least": 1, "min_replicas_at_most": 1, "max_replicas_at_least": 2, "max_replicas_at_most": 2,
    }]

    result = evaluate([HEALTHY], checks)

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

    result = evaluate([HEALTHY, STARTING, OVERSIZED], checks, [MISSING_ID])

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
    assert result["totals"] == {"endpoints": 4, "endpoints_failed": 4, "checks": 13, "failed": 7, "errors": 0, "skipped": 1}


def test_missing_endpoint_fails_exists_and_skips_its_other_checks():
    result = evaluate([], [{"endpoint_id": MISSING_ID, "model": "x", "min_replicas": 1}], [MISSING_ID])

    outcome = result["results"][MISSING_ID]
    assert outcome["passed"] is False
    assert outcome["found"] is False
    assert statuses(result, MISSING_ID) == {"exists": "failed", "state": "skipped", "model": "skipped",
                                            "min_replicas": "skipped"}
    assert [v["check"] for v in outcome["violations"]] == ["exists"]
    assert result["endpoints"] == {}


def test_endpoints_not_gated_are_left_out_of_the_result():
    result = evaluate([HEALTHY, OVERSIZED], [{"endpoint_id": HEALTHY["id"]}])

    assert list(result["endpoints"]) == [HEALTHY["id"]]
    assert list(result["results"]) == [HEALTHY["id"]]


def test_results_keep_the_order_of_the_checks():
    checks = [{"endpoint_id": i} for i in (OVERSIZED["id"], HEALTHY["id"], STARTING["id"])]

    result = evaluate([HEALTHY, STARTING, OVERSIZED], checks)

    assert list(result["results"]) == [OVERSIZED["id"], HEALTHY["id"], STARTING["id"]]


def test_v2_endpoint_passes_the_checks_a_v1_entry_uses():
    checks = [{
        "endpoint_id": SERVING["id"], "state": "STARTED", "model": MODEL_PATH, "hardware": "1xnvidia-h100-80gb",
        "min_replicas": 1, "max_replicas": 2, "min_replicas_at_least": 1, "min_replicas_at_most": 1,
        "max_replicas_at_least": 2, "max_replicas_at_most": 2,
    }]

    result = evaluate([SERVING], checks)

    assert result["passed"] is True
    # exists + the nine checks asked for + serving, which v2 endpoints expected STARTED get by default
    assert list(statuses(result, SERVING["id"])) == [
        "exists", "state", "serving", "model", "hardware", "min_replicas", "min_replicas_at_least",
        "min_replicas_at_most", "max_replicas", "max_replicas_at_least", "max_replicas_at_most"]
    assert set(statuses(result, SERVING["id"]).values()) == {"passed"}


def test_v2_endpoint_started_but_unrouted_fails_on_serving_by_default():
    result = evaluate([UNROUTED], [{"endpoint_id": UNROUTED["id"]}])

    assert statuses(result, UNROUTED["id"]) == {"exists": "passed", "state": "passed", "serving": "failed"}
    assert result["violations"] == [{
        "endpoint_id": UNROUTED["id"], "check": "serving", "expected": "true", "actual": False,
        "message": "%s: serving: expected true, actual false "
                   "(no live deployment has traffic weight in the endpoint's traffic split)" % UNROUTED["id"],
    }]


def test_serving_false_passes_an_endpoint_kept_off_traffic():
    result = evaluate([UNROUTED], [{"endpoint_id": UNROUTED["id"], "serving": False}])

    assert result["passed"] is True


def test_v1_and_v2_endpoints_are_gated_side_by_side():
    result = evaluate([HEALTHY, SERVING, UNROUTED], [
        {"endpoint_id": HEALTHY["id"], "min_replicas_at_least": 1},
        {"endpoint_id": SERVING["id"], "min_replicas_at_least": 1},
        {"endpoint_id": UNROUTED["id"], "min_replicas_at_least": 1},
    ])

    assert [(v["endpoint_id"], v["check"]) for v in result["violations"]] == [(UNROUTED["id"], "serving")]
    assert result["totals"] == {"endpoints": 3, "endpoints_failed": 1, "checks": 11, "failed": 1, "errors": 0, "skipped": 0}


def test_deployment_expectations_are_checked_by_bare_name():
    checks = [{"endpoint_id": CUTOVER["id"], "deployments": [
        {"name": "v1", "state": "STARTED", "model": MODEL_PATH, "hardware": "1xnvidia-h100-80gb", "min_replicas": 2,
         "max_replicas": 4, "min_replicas_at_least": 2, "min_replicas_at_most": 2, "max_replicas_at_least": 4,
         "max_replicas_at_most": 4, "ready_replicas_at_least": 2, "traffic_weight_at_least": 100},
    ]}]

    result = evaluate([CUTOVER], checks)

    assert result["passed"] is True
    deployment_checks = [c for c in result["results"][CUTOVER["id"]]["checks"] if "deployment" in c]
    assert [c["check"] for c in deployment_checks] == ["exists"] + [check.name for check in DEPLOYMENT_CHECKS]
    assert set(c["deployment"] for c in deployment_checks) == {"v1"}


def test_deployment_violation_names_endpoint_deployment_check_expected_and_actual():
    checks = [{"endpoint_id": CUTOVER["id"], "deployments": [
        {"name": "v2", "min_replicas_at_least": 2, "traffic_weight_at_least": 1, "ready_replicas_at_least": 1},
    ]}]

    result = evaluate([CUTOVER], checks)

    assert messages(result) == [
        "%s: deployment v2: min_replicas_at_least: expected >= 2, actual 1" % CUTOVER["id"],
        "%s: deployment v2: traffic_weight_at_least: expected >= 1, actual 0" % CUTOVER["id"],
    ]
    assert result["violations"][0] == {
        "endpoint_id": CUTOVER["id"], "deployment": "v2", "check": "min_replicas_at_least", "expected": ">= 2",
        "actual": 1, "message": "%s: deployment v2: min_replicas_at_least: expected >= 2, actual 1" % CUTOVER["id"]}
    assert result["results"][CUTOVER["id"]]["violations"][0]["message"] == (
        "deployment v2: min_replicas_at_least: expected >= 2, actual 1")


@pytest.mark.parametrize("name", ["dep_NewReadyZeroWeight0002", "my-project/cutover/v2", "v2"])
def test_deployment_is_found_by_id_full_name_or_bare_name(name):
    result = evaluate([CUTOVER], [{"endpoint_id": CUTOVER["id"],
                                   "deployments": [{"name": name, "max_replicas": 1}]}])

    assert result["passed"] is True


def test_deployment_named_but_absent_is_a_violation_and_its_checks_are_skipped():
    result = evaluate([CUTOVER], [{"endpoint_id": CUTOVER["id"], "deployments": [
        {"name": "purple", "state": "STARTED", "min_replicas_at_least": 1}]}])

    assert messages(result) == [
        "%s: deployment purple: exists: expected the deployment exists, actual not found "
        "(the endpoint's deployments: v2, v1)" % CUTOVER["id"]]
    outcome = result["results"][CUTOVER["id"]]["checks"]
    assert [(c["check"], c["status"]) for c in outcome if c.get("deployment") == "purple"] == [
        ("exists", "failed"), ("state", "skipped"), ("min_replicas_at_least", "skipped")]
    assert outcome[-1]["message"] == "deployment purple: min_replicas_at_least: not evaluated, the deployment does not exist"


def test_deployment_of_an_endpoint_without_deployments_is_absent():
    empty = v2_endpoint("no_deployments")

    result = evaluate([empty], [{"endpoint_id": empty["id"], "state": None,
                                 "deployments": [{"name": "blue"}]}])

    assert messages(result) == ["%s: deployment blue: exists: expected the deployment exists, actual not found "
                                "(the endpoint has no deployments)" % empty["id"]]


def test_deployments_asked_of_a_v1_endpoint_are_a_violation_saying_why():
    result = evaluate([HEALTHY], [{"endpoint_id": HEALTHY["id"], "deployments": [
        {"name": "blue", "min_replicas_at_least": 2}]}])

    assert messages(result) == [
        "%s: deployment blue: exists: expected the deployment exists, actual not applicable to a v1 endpoint "
        "(deployments are a v2 fact; a v1 endpoint has none)" % HEALTHY["id"]]
    assert statuses(result, HEALTHY["id"]) == {"exists": "failed", "state": "passed", "min_replicas_at_least": "skipped"}
    assert result["results"][HEALTHY["id"]]["checks"][-1]["message"] == (
        "deployment blue: min_replicas_at_least: not evaluated, a v1 endpoint has no deployments")


def test_deployment_checks_of_a_missing_endpoint_are_skipped():
    result = evaluate([], [{"endpoint_id": "ep_Missing", "deployments": [{"name": "blue", "model": "m"}]}],
                      ["ep_Missing"])

    assert [(c["check"], c.get("deployment"), c["status"]) for c in result["results"]["ep_Missing"]["checks"]] == [
        ("exists", None, "failed"), ("state", None, "skipped"), ("exists", "blue", "skipped"), ("model", "blue", "skipped")]
    assert result["totals"]["failed"] == 1


def test_an_unreadable_api_gives_one_errored_check_per_endpoint_naming_the_error():
    error = "HTTP 404 from http://127.0.0.1:1/endpoints/x: Unknown request URL; check base_url"

    result = evaluate(None, [{"endpoint_id": HEALTHY["id"]}, {"endpoint_id": MISSING_ID}], error=error)

    assert result["passed"] is False and result["errored"] is True
    assert result["totals"] == {"endpoints": 2, "endpoints_failed": 2, "checks": 2, "failed": 0, "errors": 2,
                                "skipped": 0}
    for endpoint_id in (HEALTHY["id"], MISSING_ID):
        assert [(c["check"], c["status"]) for c in result["results"][endpoint_id]["checks"]] == [("read", "error")]
    # The error, and its base_url hint, once per run: not repeated for every endpoint.
    assert error in result["results"][HEALTHY["id"]]["checks"][0]["message"]
    assert error not in result["results"][MISSING_ID]["checks"][0]["message"]
    assert sum(line.count("check base_url") for line in result["report"]) == 1
    assert result["failure"][0].startswith("Endpoint gate ERROR: the Together API could not be read")
