# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The gate's check table: how each check reads, compares and converts, and that the role and docs/gate.md document every row."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.together.ai.plugins.module_utils._readiness import STATES
from ansible_collections.together.ai.plugins.plugin_utils._gate_checks import CHECKS, CHECKS_BY_NAME, DEPLOYMENT_CHECKS
from ansible_collections.together.ai.plugins.plugin_utils._gate_entries import gate_entries
from ansible_collections.together.ai.plugins.plugin_utils._gate_evaluation import evaluate
from ansible_collections.together.ai.tests.unit.plugins.plugin_utils.gate_fixtures import (
    COLLECTION_ROOT,
    CUTOVER,
    HEALTHY,
    MODEL_PATH,
    OVERSIZED,
    SERVING,
    endpoint,
    messages,
    statuses,
    v2_endpoint,
    v2_with_deployment,
)


# OVERSIZED autoscales 1 to 16: each bound passes at the edge and fails one step past it.
@pytest.mark.parametrize("check, passing, failing", [
    ("min_replicas_at_least", 1, 2),
    ("min_replicas_at_most", 1, 0),
    ("max_replicas_at_least", 16, 17),
    ("max_replicas_at_most", 16, 15),
    ("min_replicas", 1, 2),
    ("max_replicas", 16, 8),
])
def test_replica_checks_compare_inclusively(check, passing, failing):
    for expected, passes in ((passing, True), (failing, False)):
        result = evaluate([OVERSIZED], [{"endpoint_id": OVERSIZED["id"], check: expected}])

        assert statuses(result, OVERSIZED["id"])[check] == ("passed" if passes else "failed"), expected
        assert result["passed"] is passes, expected


def test_replica_values_given_as_strings_are_compared_as_integers():
    # Extra vars on the command line arrive as strings.
    result = evaluate([OVERSIZED], [{"endpoint_id": OVERSIZED["id"], "max_replicas_at_most": "16"}])

    assert result["passed"] is True


def test_replica_bound_fails_when_the_api_sent_no_autoscaling():
    bare = endpoint("healthy")
    del bare["autoscaling"]

    result = evaluate([bare], [{"endpoint_id": bare["id"], "min_replicas_at_least": 1}])

    assert result["violations"][0]["actual"] is None
    assert result["violations"][0]["message"].endswith("min_replicas_at_least: expected >= 1, actual not reported by the API")


def test_serving_failure_names_the_routed_deployments_that_have_no_ready_replica():
    scaling = v2_with_deployment("one_deployment", state="DEPLOYMENT_STATE_SCALING", readyReplicas=0)

    result = evaluate([scaling], [{"endpoint_id": scaling["id"], "state": None}])
    assert statuses(result, scaling["id"]) == {"exists": "passed"}

    result = evaluate([scaling], [{"endpoint_id": scaling["id"], "state": None, "serving": True}])
    assert messages(result) == ["%s: serving: expected true, actual false "
                                "(the deployments with traffic weight (blue) have no ready replica)" % scaling["id"]]


def test_serving_asked_of_a_v1_endpoint_is_a_violation_saying_it_is_a_v2_fact():
    result = evaluate([HEALTHY], [{"endpoint_id": HEALTHY["id"], "serving": True}])

    assert result["violations"] == [{
        "endpoint_id": HEALTHY["id"], "check": "serving", "expected": "true", "actual": "not applicable to a v1 endpoint",
        "message": "%s: serving: expected true, actual not applicable to a v1 endpoint "
                   "(serving is a v2 fact; a v1 endpoint serves when its state is STARTED)" % HEALTHY["id"],
    }]


@pytest.mark.parametrize("given, expected", [("true", True), ("no", False), (1, True)])
def test_serving_given_as_a_string_is_read_as_a_boolean(given, expected):
    result = evaluate([SERVING], [{"endpoint_id": SERVING["id"], "serving": given}])

    assert result["results"][SERVING["id"]]["checks"][2]["expected"] == ("true" if expected else "false")


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

    result = evaluate([endpoint_v2], [{"endpoint_id": endpoint_v2["id"], "state": None, "serving": None,
                                       "deployments": [{"name": "blue", "state": state}]}])

    check = result["results"][endpoint_v2["id"]]["checks"][-1]
    assert (check["deployment"], check["check"]) == ("blue", "state")
    assert (check["expected"], check["actual"]) == (state.replace("DEPLOYMENT_STATE_", ""), actual)
    assert check["status"] == ("passed" if passes else "failed")


def test_deployment_state_mismatch_shows_the_vocabulary_asked_for():
    scaling = v2_with_deployment("one_deployment", state="DEPLOYMENT_STATE_SCALING", readyReplicas=1)

    result = evaluate([scaling], [{"endpoint_id": scaling["id"], "serving": None,
                                   "deployments": [{"name": "blue", "state": "READY"}]}])

    assert messages(result) == ["%s: deployment blue: state: expected READY, actual SCALING" % scaling["id"]]


@pytest.mark.parametrize("given, expected_text", [(1, ">= 1"), (0.5, ">= 0.5"), ("2", ">= 2"), ("0.25", ">= 0.25")])
def test_traffic_weight_bound_takes_integers_and_fractions(given, expected_text):
    result = evaluate([CUTOVER], [{"endpoint_id": CUTOVER["id"], "deployments": [
        {"name": "v1", "traffic_weight_at_least": given}]}])

    assert result["results"][CUTOVER["id"]]["checks"][-1]["expected"] == expected_text
    assert result["passed"] is True


def test_a_v2_model_check_matches_the_readable_model_name():
    named = dict(v2_endpoint("one_deployment"), model_name="acme/support-chat")

    by_name = evaluate([named], [{"endpoint_id": named["id"], "model": "acme/support-chat",
                                  "serving": None}])
    by_path = evaluate([named], [{"endpoint_id": named["id"], "model": MODEL_PATH, "serving": None}])
    wrong = evaluate([named], [{"endpoint_id": named["id"], "model": "acme/other", "serving": None}])

    assert statuses(by_name, named["id"])["model"] == "passed"
    assert statuses(by_path, named["id"])["model"] == "passed"
    assert wrong["violations"][0]["message"] == "%s: model: expected acme/other, actual acme/support-chat (%s)" % (
        named["id"], MODEL_PATH)
    assert "acme/support-chat" in by_name["report"][1]
    assert MODEL_PATH not in by_name["report"][1]


def test_a_v2_deployment_model_check_matches_the_readable_model_name():
    named = v2_endpoint("one_deployment")
    named["deployments"] = [dict(item, model_name="acme/support-chat") for item in named["deployments"]]

    result = evaluate([named], [{"endpoint_id": named["id"], "serving": None,
                                 "deployments": [{"name": "blue", "model": "acme/support-chat"}]}])

    assert result["passed"] is True, result["failure"]


def _role_entry_options():
    with open(os.path.join(COLLECTION_ROOT, "roles", "endpoint_gate", "meta", "argument_specs.yml")) as spec_file:
        spec = yaml.safe_load(spec_file)
    return spec["argument_specs"]["main"]["options"]["endpoint_gate_checks"]["options"]


SPEC_TYPES = {str: "str", int: "int", float: "float", bool: "bool"}


def test_every_check_is_a_documented_option_of_the_role():
    """The role's argument spec and the filter's check table must name the same checks, with the same types."""
    entry_options = _role_entry_options()

    assert sorted(entry_options) == sorted(["endpoint_id", "name", "deployments"] + [check.name for check in CHECKS])
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


def _documented_keys(heading):
    """The keys named in the first column of the docs/gate.md table that follows a line starting with heading."""
    with open(os.path.join(COLLECTION_ROOT, "docs", "gate.md")) as guide:
        lines = guide.read().splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith(heading))
    rows = []
    for line in lines[start + 1:]:
        if rows and not line.startswith("|"):
            break
        if line.startswith("|"):
            rows.append(line)
    return set(name for row in rows[2:] for name in re.findall(r"`(\w+)`", row.split("|")[1]))


def test_every_check_is_a_row_of_the_checks_tables_in_docs_gate_md():
    # An entry names its endpoint by endpoint_id or name (rows of the same table), then its checks.
    named_by = ["endpoint_id", "name"]
    assert _documented_keys("Checks of one entry") == set([check.name for check in CHECKS] + ["deployments"] + named_by)
    assert _documented_keys("Checks of one item of `deployments`") == set(
        [check.name for check in DEPLOYMENT_CHECKS] + ["name"])


def _refused_values():
    """(check, a value no endpoint can have, what the policy says) for every row the policy guards."""
    for check in CHECKS + DEPLOYMENT_CHECKS:
        if check.value_type in (int, float):
            yield pytest.param(check, -1, "%s must be %s or more, got -1" % (check.name, check.minimum), id=check.name + "=-1")
        elif check.value_type is str and check.name != "state":  # a blank state is not a state: refused as one
            yield pytest.param(check, " ", "%s must not be empty" % check.name, id=check.name + "=blank")


@pytest.mark.parametrize("check, value, message", list(_refused_values()))
def test_every_count_weight_or_text_check_refuses_an_impossible_value_before_any_request(check, value, message):
    """A new row gets the policy's check for free: no count, weight or duration below 0, no empty text."""
    entry = {"endpoint_id": "ep_1"}
    if check in DEPLOYMENT_CHECKS:
        entry["deployments"] = [{"name": "blue", check.name: value}]
    else:
        entry[check.name] = value

    with pytest.raises(AnsibleFilterError, match=message):
        gate_entries([entry])


COST = {"usd_per_hour": 15.96, "unpriced_hardware": [], "breakdown": [
    {"deployment": "blue", "max_replicas": 2, "hardware": "1xnvidia-h100-80gb", "usd_per_replica_hour": 3.99, "usd_per_hour": 7.98},
    {"deployment": "green", "max_replicas": 2, "hardware": "1xnvidia-h100-80gb", "usd_per_replica_hour": 3.99,
     "usd_per_hour": 7.98}]}


def test_the_cost_check_compares_the_ceiling_and_says_how_it_is_made_up():
    check = CHECKS_BY_NAME["max_hourly_cost_at_most"]
    endpoint = {"api_version": "v2", "hourly_cost_ceiling": COST}
    assert check.passes(check.actual(endpoint, 20.0), 20.0)
    assert not check.passes(check.actual(endpoint, 10.0), 10.0)
    assert check.explain(endpoint, 15.96) == ("blue 2 x 1xnvidia-h100-80gb at $3.99/h; green 2 x 1xnvidia-h100-80gb at "
                                              "$3.99/h")


def test_an_unknown_cost_fails_the_cost_check_naming_the_unpriced_hardware():
    check = CHECKS_BY_NAME["max_hourly_cost_at_most"]
    unknown = dict(COST, usd_per_hour=None, unpriced_hardware=["1xnvidia-gh200-96gb"])
    endpoint = {"api_version": "v2", "hourly_cost_ceiling": unknown}
    assert not check.passes(check.actual(endpoint, 100.0), 100.0)
    assert check.explain(endpoint, None).startswith("unknown: no published price for 1xnvidia-gh200-96gb (")


def test_a_private_model_named_with_the_projects_slug_passes_the_model_check():
    check = CHECKS_BY_NAME["model"]
    endpoint = {"api_version": "v2", "model": "projects/proj_x/models/ml_ft/revisions/rv_1", "model_name": "my-ft"}
    assert check.passes(check.actual(endpoint, "devteam/my-ft"), "devteam/my-ft")
    assert not check.passes(check.actual(endpoint, "devteam/other-ft"), "devteam/other-ft")
    catalog = dict(endpoint, model_name="meta-llama/Llama-3.1-8B-Instruct")
    assert not check.passes(check.actual(catalog, "other/Llama-3.1-8B-Instruct"), "other/Llama-3.1-8B-Instruct")
