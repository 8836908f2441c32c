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

from ansible_collections.together.ai.plugins.module_utils._readiness import STATES
from ansible_collections.together.ai.plugins.module_utils._v2_normalize import normalize_endpoint
from ansible_collections.together.ai.plugins.filter.endpoint_gate import (
    CHECKS,
    DEPLOYMENT_CHECKS,
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
    assert sorted(FilterModule().filters()) == ["endpoint_gate_evaluate", "endpoint_gate_md", "endpoint_gate_policy",
                                                "endpoint_gate_report_dir", "endpoint_gate_wait_plan",
                                                "endpoint_gate_xml"]


def test_every_filter_has_its_documentation_file():
    for name in FilterModule().filters():
        assert os.path.isfile(os.path.join(HERE, "..", "..", "..", "..", "plugins", "filter", name + ".yml")), name


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
    assert result["totals"] == {"endpoints": 4, "endpoints_failed": 4, "checks": 13, "failed": 7, "errors": 0, "skipped": 1}


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
    ([{"endpoint_id": HEALTHY["id"], "min_replica": 1}],
     "unknown check min_replica; the known checks are state, serving, model, hardware"),
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


def _role_entry_options():
    with open(os.path.join(COLLECTION_ROOT, "roles", "endpoint_gate", "meta", "argument_specs.yml")) as spec_file:
        spec = yaml.safe_load(spec_file)
    return spec["argument_specs"]["main"]["options"]["endpoint_gate_checks"]["options"]


SPEC_TYPES = {str: "str", int: "int", float: "float", bool: "bool"}


def test_every_check_is_a_documented_option_of_the_role():
    """The role's argument spec and the filter's check table must name the same checks, with the same types."""
    entry_options = _role_entry_options()

    assert sorted(entry_options) == sorted(["endpoint_id", "deployments"] + [check.name for check in CHECKS])
    assert dict((check.name, entry_options[check.name]["type"]) for check in CHECKS) == dict(
        (check.name, SPEC_TYPES[check.value_type]) for check in CHECKS)
    # No default or choices in the spec: Ansible would then reject the documented null. The description names
    # the default and every state the module can wait for, and the filter checks them.
    assert "default" not in entry_options["state"] and "choices" not in entry_options["state"]
    description = " ".join(entry_options["state"]["description"])
    assert "V(STARTED) (the default" in description
    assert all("V(%s)" % state in description for state in STATES)
    # serving has a default that depends on the endpoint (true for v2 endpoints expected STARTED), not a fixed one.
    assert "default" not in entry_options["serving"]


def test_every_deployment_check_is_a_documented_suboption_of_the_role():
    deployments = _role_entry_options()["deployments"]
    options = deployments["options"]

    assert (deployments["type"], deployments["elements"]) == ("list", "dict")
    assert sorted(options) == sorted(["name"] + [check.name for check in DEPLOYMENT_CHECKS])
    assert options["name"]["required"] is True
    assert dict((check.name, options[check.name]["type"]) for check in DEPLOYMENT_CHECKS) == dict(
        (check.name, SPEC_TYPES[check.value_type]) for check in DEPLOYMENT_CHECKS)
    # The v1 words first, then the raw v2 states that are not v1 words; no default: a deployment's state is opt-in.
    assert options["state"]["choices"] == list(STATES) + ["PROVISIONING", "SCALING", "READY", "DEGRADED", "FAILED"]
    assert "default" not in options["state"]


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
        {"state": "STARTED", "wait_for_routing": True, "endpoint_ids": [HEALTHY["id"], STARTING["id"]],
         "not_yet": {STARTING["id"]: "STARTING"}},
        {"state": "STOPPED", "wait_for_routing": True, "endpoint_ids": [stopping["id"]],
         "not_yet": {stopping["id"]: "STOPPING"}},
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

    assert plan == [{"state": "ERROR", "wait_for_routing": True, "endpoint_ids": [starting["id"]],
                     "not_yet": {starting["id"]: "STARTING"}}]


def test_wait_plan_rejects_bad_entries_before_any_wait():
    with pytest.raises(AnsibleFilterError, match="unknown check"):
        endpoint_gate_wait_plan([HEALTHY], [{"endpoint_id": HEALTHY["id"], "replicas": 2}])


# ---------------------------------------------------------------- v2 endpoints

# Raw v2 Endpoint bodies (the module_utils tests' fixtures), read in v1 words by the module's own normalization.
V2_FIXTURES = os.path.join(HERE, "..", "fixtures", "v2")
PROJECT_ID = "proj_CbJNwQC2ZqCU2iFT3mrCh"
MODEL_PATH = "projects/%s/models/ml_CbJNwQC2ZqCU2iFT3mrCh/revisions/rv_CbJ9yNrws93VQrZum1fTE" % PROJECT_ID


def v2_raw(name):
    with open(os.path.join(V2_FIXTURES, "endpoint_%s.json" % name)) as raw_file:
        return json.load(raw_file)


def v2_endpoint(name, raw=None):
    """What together_endpoint_info returns for a v2 fixture endpoint (optionally a changed raw body)."""
    return normalize_endpoint(raw if raw is not None else v2_raw(name), PROJECT_ID)[0]


def v2_with_deployment(name, endpoint_id=None, **changes):
    """A v2 fixture endpoint whose first deployment summary has some fields changed (and maybe its id)."""
    raw = v2_raw(name)
    raw["deployments"][0].update(changes)
    raw["id"] = endpoint_id or raw["id"]
    return v2_endpoint(name, raw)


SERVING = v2_endpoint("one_deployment")       # blue READY, 1-2 replicas, weight 1
UNROUTED = v2_endpoint("ready_unrouted")      # main READY, no weight: STARTED but serving nothing
CUTOVER = v2_endpoint("split_100_0")          # v1 READY 2-4 with weight 100, v2 READY 1-1 with weight 0


def messages(result):
    return [violation["message"] for violation in result["violations"]]


def test_v2_endpoint_passes_the_checks_a_v1_entry_uses():
    checks = [{
        "endpoint_id": SERVING["id"], "state": "STARTED", "model": MODEL_PATH, "hardware": "1xnvidia-h100-80gb",
        "min_replicas": 1, "max_replicas": 2, "min_replicas_at_least": 1, "min_replicas_at_most": 1,
        "max_replicas_at_least": 2, "max_replicas_at_most": 2,
    }]

    result = endpoint_gate_evaluate([SERVING], checks)

    assert result["passed"] is True
    # exists + the nine checks asked for + serving, which v2 endpoints expected STARTED get by default
    assert list(statuses(result, SERVING["id"])) == [
        "exists", "state", "serving", "model", "hardware", "min_replicas", "min_replicas_at_least",
        "min_replicas_at_most", "max_replicas", "max_replicas_at_least", "max_replicas_at_most"]
    assert set(statuses(result, SERVING["id"]).values()) == {"passed"}


def test_v2_endpoint_started_but_unrouted_fails_on_serving_by_default():
    result = endpoint_gate_evaluate([UNROUTED], [{"endpoint_id": UNROUTED["id"]}])

    assert statuses(result, UNROUTED["id"]) == {"exists": "passed", "state": "passed", "serving": "failed"}
    assert result["violations"] == [{
        "endpoint_id": UNROUTED["id"], "check": "serving", "expected": "true", "actual": False,
        "message": "%s: serving: expected true, actual false "
                   "(no live deployment has traffic weight in the endpoint's traffic split)" % UNROUTED["id"],
    }]


def test_serving_failure_names_the_routed_deployments_that_have_no_ready_replica():
    scaling = v2_with_deployment("one_deployment", state="DEPLOYMENT_STATE_SCALING", readyReplicas=0)

    result = endpoint_gate_evaluate([scaling], [{"endpoint_id": scaling["id"], "state": None}])
    assert statuses(result, scaling["id"]) == {"exists": "passed"}

    result = endpoint_gate_evaluate([scaling], [{"endpoint_id": scaling["id"], "state": None, "serving": True}])
    assert messages(result) == ["%s: serving: expected true, actual false "
                                "(the deployments with traffic weight (blue) have no ready replica)" % scaling["id"]]


@pytest.mark.parametrize("entry, checked", [
    ({"state": "STOPPED"}, ["exists", "state"]),
    ({"state": None}, ["exists"]),
    ({"serving": None}, ["exists", "state"]),
    ({"serving": False}, ["exists", "state", "serving"]),
    ({"state": "STARTED", "serving": True}, ["exists", "state", "serving"]),
])
def test_serving_is_expected_by_default_only_of_v2_endpoints_expected_started(entry, checked):
    result = endpoint_gate_evaluate([UNROUTED], [dict(entry, endpoint_id=UNROUTED["id"])])

    assert list(statuses(result, UNROUTED["id"])) == checked


def test_serving_false_passes_an_endpoint_kept_off_traffic():
    result = endpoint_gate_evaluate([UNROUTED], [{"endpoint_id": UNROUTED["id"], "serving": False}])

    assert result["passed"] is True


def test_serving_is_not_checked_on_v1_endpoints_unless_asked():
    result = endpoint_gate_evaluate([HEALTHY], [{"endpoint_id": HEALTHY["id"]}])

    assert statuses(result, HEALTHY["id"]) == {"exists": "passed", "state": "passed"}


def test_serving_asked_of_a_v1_endpoint_is_a_violation_saying_it_is_a_v2_fact():
    result = endpoint_gate_evaluate([HEALTHY], [{"endpoint_id": HEALTHY["id"], "serving": True}])

    assert result["violations"] == [{
        "endpoint_id": HEALTHY["id"], "check": "serving", "expected": "true", "actual": "not applicable to a v1 endpoint",
        "message": "%s: serving: expected true, actual not applicable to a v1 endpoint "
                   "(serving is a v2 fact; a v1 endpoint serves when its state is STARTED)" % HEALTHY["id"],
    }]


@pytest.mark.parametrize("given, expected", [("true", True), ("no", False), (1, True)])
def test_serving_given_as_a_string_is_read_as_a_boolean(given, expected):
    result = endpoint_gate_evaluate([SERVING], [{"endpoint_id": SERVING["id"], "serving": given}])

    assert result["results"][SERVING["id"]]["checks"][2]["expected"] == ("true" if expected else "false")


def test_v1_and_v2_endpoints_are_gated_side_by_side():
    result = endpoint_gate_evaluate([HEALTHY, SERVING, UNROUTED], [
        {"endpoint_id": HEALTHY["id"], "min_replicas_at_least": 1},
        {"endpoint_id": SERVING["id"], "min_replicas_at_least": 1},
        {"endpoint_id": UNROUTED["id"], "min_replicas_at_least": 1},
    ])

    assert [(v["endpoint_id"], v["check"]) for v in result["violations"]] == [(UNROUTED["id"], "serving")]
    assert result["totals"] == {"endpoints": 3, "endpoints_failed": 1, "checks": 11, "failed": 1, "errors": 0, "skipped": 0}


# ---------------------------------------------------------------- v2 deployments


def test_deployment_expectations_are_checked_by_bare_name():
    checks = [{"endpoint_id": CUTOVER["id"], "deployments": [
        {"name": "v1", "state": "STARTED", "model": MODEL_PATH, "hardware": "1xnvidia-h100-80gb", "min_replicas": 2,
         "max_replicas": 4, "min_replicas_at_least": 2, "min_replicas_at_most": 2, "max_replicas_at_least": 4,
         "max_replicas_at_most": 4, "ready_replicas_at_least": 2, "traffic_weight_at_least": 100},
    ]}]

    result = endpoint_gate_evaluate([CUTOVER], checks)

    assert result["passed"] is True
    deployment_checks = [c for c in result["results"][CUTOVER["id"]]["checks"] if "deployment" in c]
    assert [c["check"] for c in deployment_checks] == ["exists"] + [check.name for check in DEPLOYMENT_CHECKS]
    assert set(c["deployment"] for c in deployment_checks) == {"v1"}


def test_deployment_violation_names_endpoint_deployment_check_expected_and_actual():
    checks = [{"endpoint_id": CUTOVER["id"], "deployments": [
        {"name": "v2", "min_replicas_at_least": 2, "traffic_weight_at_least": 1, "ready_replicas_at_least": 1},
    ]}]

    result = endpoint_gate_evaluate([CUTOVER], checks)

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
    result = endpoint_gate_evaluate([CUTOVER], [{"endpoint_id": CUTOVER["id"],
                                                 "deployments": [{"name": name, "max_replicas": 1}]}])

    assert result["passed"] is True


def test_deployment_named_but_absent_is_a_violation_and_its_checks_are_skipped():
    result = endpoint_gate_evaluate([CUTOVER], [{"endpoint_id": CUTOVER["id"], "deployments": [
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

    result = endpoint_gate_evaluate([empty], [{"endpoint_id": empty["id"], "state": None,
                                               "deployments": [{"name": "blue"}]}])

    assert messages(result) == ["%s: deployment blue: exists: expected the deployment exists, actual not found "
                                "(the endpoint has no deployments)" % empty["id"]]


def test_deployments_asked_of_a_v1_endpoint_are_a_violation_saying_why():
    result = endpoint_gate_evaluate([HEALTHY], [{"endpoint_id": HEALTHY["id"], "deployments": [
        {"name": "blue", "min_replicas_at_least": 2}]}])

    assert messages(result) == [
        "%s: deployment blue: exists: expected the deployment exists, actual not applicable to a v1 endpoint "
        "(deployments are a v2 fact; a v1 endpoint has none)" % HEALTHY["id"]]
    assert statuses(result, HEALTHY["id"]) == {"exists": "failed", "state": "passed", "min_replicas_at_least": "skipped"}
    assert result["results"][HEALTHY["id"]]["checks"][-1]["message"] == (
        "deployment blue: min_replicas_at_least: not evaluated, a v1 endpoint has no deployments")


def test_deployment_checks_of_a_missing_endpoint_are_skipped():
    result = endpoint_gate_evaluate([], [{"endpoint_id": "ep_Missing", "deployments": [{"name": "blue", "model": "m"}]}],
                                    ["ep_Missing"])

    assert [(c["check"], c.get("deployment"), c["status"]) for c in result["results"]["ep_Missing"]["checks"]] == [
        ("exists", None, "failed"), ("state", None, "skipped"), ("exists", "blue", "skipped"), ("model", "blue", "skipped")]
    assert result["totals"]["failed"] == 1


@pytest.mark.parametrize("state, raw_state, ready, actual, passes", [
    # v1 words compare with normalized_state
    ("STARTED", "DEPLOYMENT_STATE_SCALING", 1, "STARTED", True),
    ("STARTED", "DEPLOYMENT_STATE_SCALING", 0, "STARTING", False),
    ("ERROR", "DEPLOYMENT_STATE_FAILED", 0, "ERROR", True),
    # raw v2 states, with or without their prefix, compare with the deployment's own state
    ("READY", "DEPLOYMENT_STATE_SCALING", 1, "SCALING", False),
    ("DEPLOYMENT_STATE_READY", "DEPLOYMENT_STATE_READY", 1, "READY", True),
    ("SCALING", "DEPLOYMENT_STATE_SCALING", 1, "SCALING", True),
    ("FAILED", "DEPLOYMENT_STATE_FAILED", 0, "FAILED", True),
])
def test_deployment_state_takes_v1_words_or_raw_v2_states(state, raw_state, ready, actual, passes):
    endpoint_v2 = v2_with_deployment("one_deployment", state=raw_state, readyReplicas=ready)

    result = endpoint_gate_evaluate([endpoint_v2], [{"endpoint_id": endpoint_v2["id"], "state": None, "serving": None,
                                                     "deployments": [{"name": "blue", "state": state}]}])

    check = result["results"][endpoint_v2["id"]]["checks"][-1]
    assert (check["deployment"], check["check"]) == ("blue", "state")
    assert (check["expected"], check["actual"]) == (state.replace("DEPLOYMENT_STATE_", ""), actual)
    assert check["status"] == ("passed" if passes else "failed")


def test_deployment_state_mismatch_shows_the_vocabulary_asked_for():
    scaling = v2_with_deployment("one_deployment", state="DEPLOYMENT_STATE_SCALING", readyReplicas=1)

    result = endpoint_gate_evaluate([scaling], [{"endpoint_id": scaling["id"], "serving": None,
                                                 "deployments": [{"name": "blue", "state": "READY"}]}])

    assert messages(result) == ["%s: deployment blue: state: expected READY, actual SCALING" % scaling["id"]]


@pytest.mark.parametrize("deployments, message", [
    ("blue", "deployments must be a list of dicts"),
    (["blue"], "deployments[0] must be a dict with name"),
    ([{"state": "READY"}], "deployments[0] needs a name"),
    ([{"name": "blue"}, {"name": "blue"}], "deployment blue is listed twice"),
    ([{"name": "blue", "min_replica": 1}], "unknown deployment check min_replica; the known deployment checks are state, "),
    ([{"name": "blue", "state": "RUNNING"}], "state must be a v1 state (PENDING, STARTING, STARTED, STOPPING, STOPPED, "
                                             "ERROR) or a v2 deployment state (PROVISIONING, SCALING, READY, DEGRADED, "
                                             "FAILED), got 'RUNNING'"),
    ([{"name": "blue", "traffic_weight_at_least": True}], "traffic_weight_at_least must be a number"),
    ([{"name": "blue", "traffic_weight_at_least": "much"}], "traffic_weight_at_least must be a number, got 'much'"),
    ([{"name": "blue", "ready_replicas_at_least": "1.5"}], "ready_replicas_at_least must be an integer"),
])
def test_bad_deployment_expectations_are_rejected_with_the_entry_named(deployments, message):
    with pytest.raises(AnsibleFilterError) as excinfo:
        endpoint_gate_evaluate([CUTOVER], [{"endpoint_id": CUTOVER["id"], "deployments": deployments}])

    assert message in str(excinfo.value)
    assert "endpoint_gate_checks[0] (endpoint %s)" % CUTOVER["id"] in str(excinfo.value)


@pytest.mark.parametrize("given, expected_text", [(1, ">= 1"), (0.5, ">= 0.5"), ("2", ">= 2"), ("0.25", ">= 0.25")])
def test_traffic_weight_bound_takes_integers_and_fractions(given, expected_text):
    result = endpoint_gate_evaluate([CUTOVER], [{"endpoint_id": CUTOVER["id"], "deployments": [
        {"name": "v1", "traffic_weight_at_least": given}]}])

    assert result["results"][CUTOVER["id"]]["checks"][-1]["expected"] == expected_text
    assert result["passed"] is True


def test_bad_serving_value_is_rejected():
    with pytest.raises(AnsibleFilterError, match="serving must be true or false, got 'maybe'"):
        endpoint_gate_evaluate([SERVING], [{"endpoint_id": SERVING["id"], "serving": "maybe"}])


# ---------------------------------------------------------------- v2 report


def test_report_lines_of_v2_endpoints_say_which_deployment_serves():
    result = endpoint_gate_evaluate([SERVING, CUTOVER], [
        {"endpoint_id": SERVING["id"]},
        {"endpoint_id": CUTOVER["id"], "deployments": [{"name": "v2", "min_replicas_at_least": 2}]},
    ])

    assert result["report"] == [
        "Endpoint gate FAILED: 1 violation in 1 of 2 endpoints.",
        "PASS %s (%s, 1xnvidia-h100-80gb, STARTED, replicas 1-2, deployment blue, serving): 3 checks passed"
        % (SERVING["id"], MODEL_PATH),
        "FAIL %s (%s, 1xnvidia-h100-80gb, STARTED, replicas 2-4, deployment v1, serving): 1 of 5 checks failed"
        % (CUTOVER["id"], MODEL_PATH),
        "  - deployment v2: min_replicas_at_least: expected >= 2, actual 1",
    ]


def test_report_line_of_a_v2_endpoint_without_live_deployment():
    empty = v2_endpoint("no_deployments")

    result = endpoint_gate_evaluate([empty], [{"endpoint_id": empty["id"], "state": "STOPPED"}])

    assert result["report"][1] == "PASS %s (STOPPED, replicas 0-0, no live deployment, not serving): 2 checks passed" % (
        empty["id"])


# ---------------------------------------------------------------- v2 wait plan


def test_wait_plan_waits_for_a_provisioning_v2_endpoint_with_its_deployment_state():
    provisioning = v2_with_deployment("one_deployment", state="DEPLOYMENT_STATE_PROVISIONING", readyReplicas=0)

    plan = endpoint_gate_wait_plan([HEALTHY, provisioning], [{"endpoint_id": HEALTHY["id"]},
                                                             {"endpoint_id": provisioning["id"]}])

    assert plan == [{"state": "STARTED", "wait_for_routing": True, "endpoint_ids": [HEALTHY["id"], provisioning["id"]],
                     "not_yet": {provisioning["id"]: "PENDING (deployment dep_CbzGdmn14t3HYrXXitmKa PROVISIONING)"}}]


def test_wait_plan_waits_for_a_v2_endpoint_expected_to_serve_until_it_serves():
    """The module's wait for STARTED on a v2 endpoint ends when it serves; the plan must not call it there before."""
    plan = endpoint_gate_wait_plan([UNROUTED], [{"endpoint_id": UNROUTED["id"]}])

    assert plan == [{"state": "STARTED", "wait_for_routing": True, "endpoint_ids": [UNROUTED["id"]],
                     "not_yet": {UNROUTED["id"]: "STARTED (deployment dep_ReadyNoWeight000000001 READY but not serving: "
                                                 "no traffic weight on a deployment with ready replicas)"}}]


def test_wait_plan_waits_for_a_scaling_v2_endpoint_until_it_is_ready():
    scaling = v2_with_deployment("one_deployment", state="DEPLOYMENT_STATE_SCALING", readyReplicas=1)

    plan = endpoint_gate_wait_plan([scaling], [{"endpoint_id": scaling["id"]}])

    assert plan[0]["not_yet"] == {scaling["id"]: "STARTED (deployment dep_CbzGdmn14t3HYrXXitmKa SCALING)"}


@pytest.mark.parametrize("serving", [False, None])
def test_wait_plan_does_not_wait_for_routing_of_v2_endpoints_not_expected_to_serve(serving):
    provisioning = v2_with_deployment("one_deployment", "ep_Provisioning", state="DEPLOYMENT_STATE_PROVISIONING",
                                      readyReplicas=0)
    checks = [{"endpoint_id": SERVING["id"]}, {"endpoint_id": UNROUTED["id"], "serving": serving},
              {"endpoint_id": provisioning["id"], "serving": serving}]

    plan = endpoint_gate_wait_plan([SERVING, UNROUTED, provisioning], checks)

    # SERVING is there and alone in its group: no wait for it. UNROUTED is READY, which is all that is asked.
    assert plan == [{"state": "STARTED", "wait_for_routing": False, "endpoint_ids": [UNROUTED["id"], provisioning["id"]],
                     "not_yet": {provisioning["id"]: "PENDING (deployment dep_CbzGdmn14t3HYrXXitmKa PROVISIONING)"}}]


def test_wait_plan_leaves_out_v2_endpoints_whose_deployment_failed():
    failed = v2_with_deployment("one_deployment", state="DEPLOYMENT_STATE_FAILED", readyReplicas=0)

    assert endpoint_gate_wait_plan([failed], [{"endpoint_id": failed["id"]}]) == []


# ---------------------------------------------------------------- issue 8: fail fast, errors, v2 model names


def test_wait_plan_leaves_out_a_stopped_endpoint_expected_started_it_will_not_start_by_itself():
    stopped = endpoint("healthy", state="STOPPED")

    plan = endpoint_gate_wait_plan([stopped, STARTING], [{"endpoint_id": stopped["id"]},
                                                         {"endpoint_id": STARTING["id"], "state": "STARTED"}])

    assert [group["endpoint_ids"] for group in plan] == [[STARTING["id"]]]


def test_state_null_leaves_the_state_unchecked():
    stopped = endpoint("healthy", state="STOPPED")

    result = endpoint_gate_evaluate([stopped], [{"endpoint_id": stopped["id"], "state": None}])

    assert result["passed"] is True
    assert "state" not in statuses(result, stopped["id"])


def test_an_unreadable_api_gives_one_errored_check_per_endpoint_naming_the_error():
    error = "HTTP 404 from http://127.0.0.1:1/endpoints/x: Unknown request URL; check base_url"

    result = endpoint_gate_evaluate(None, [{"endpoint_id": HEALTHY["id"]}, {"endpoint_id": MISSING_ID}], error=error)

    assert result["passed"] is False and result["errored"] is True
    assert result["totals"] == {"endpoints": 2, "endpoints_failed": 2, "checks": 2, "failed": 0, "errors": 2,
                                "skipped": 0}
    for endpoint_id in (HEALTHY["id"], MISSING_ID):
        assert [(c["check"], c["status"]) for c in result["results"][endpoint_id]["checks"]] == [("read", "error")]
        assert error in result["results"][endpoint_id]["checks"][0]["message"]
    assert result["failure"][0].startswith("Endpoint gate ERROR: the Together API could not be read")


def test_a_v2_model_check_matches_the_readable_model_name():
    named = dict(v2_endpoint("one_deployment"), model_name="acme/support-chat")

    by_name = endpoint_gate_evaluate([named], [{"endpoint_id": named["id"], "model": "acme/support-chat",
                                                "serving": None}])
    by_path = endpoint_gate_evaluate([named], [{"endpoint_id": named["id"], "model": MODEL_PATH, "serving": None}])
    wrong = endpoint_gate_evaluate([named], [{"endpoint_id": named["id"], "model": "acme/other", "serving": None}])

    assert statuses(by_name, named["id"])["model"] == "passed"
    assert statuses(by_path, named["id"])["model"] == "passed"
    assert wrong["violations"][0]["message"] == "%s: model: expected acme/other, actual acme/support-chat (%s)" % (
        named["id"], MODEL_PATH)
    assert "acme/support-chat" in by_name["report"][1]
    assert MODEL_PATH not in by_name["report"][1]


def test_a_v2_deployment_model_check_matches_the_readable_model_name():
    named = v2_endpoint("one_deployment")
    named["deployments"] = [dict(item, model_name="acme/support-chat") for item in named["deployments"]]

    result = endpoint_gate_evaluate([named], [{"endpoint_id": named["id"], "serving": None,
                                               "deployments": [{"name": "blue", "model": "acme/support-chat"}]}])

    assert result["passed"] is True, result["failure"]
