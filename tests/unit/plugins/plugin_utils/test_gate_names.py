# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Gate entries by name (issue 21): resolved in the project's v2 list (bare or <slug>/<name>), then the v1 list."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import yaml

from ansible_collections.together.ai.plugins.plugin_utils._gate_evaluation import evaluate
from ansible_collections.together.ai.plugins.plugin_utils._gate_names import names_to_resolve, resolve_names
from ansible_collections.together.ai.plugins.plugin_utils._gate_policy import policy_problems
from ansible_collections.together.ai.plugins.plugin_utils._gate_probes import probe_plan
from ansible_collections.together.ai.plugins.plugin_utils._gate_wait_plan import wait_plan
from ansible_collections.together.ai.tests.unit.plugins.plugin_utils import gate_fixtures as fx

V1 = dict(fx.HEALTHY, name="devuser/meta-llama/Llama-3-8b-chat-hf-a32b82a1")


def listed(v2, v1=()):
    """The registered result of the role's list task: a loop over v2 then v1."""
    return {"results": [{"item": "v2", "endpoints": list(v2)}, {"item": "v1", "endpoints": list(v1)}]}


def test_a_v2_endpoint_is_found_by_its_bare_or_full_name_and_a_v1_one_by_its_full_name():
    checks = [{"name": "chat"}, {"name": fx.CUTOVER["name"]}, {"name": V1["name"]}]
    names = resolve_names(listed([fx.SERVING, fx.CUTOVER], [V1]), checks)
    assert names == {"chat": {"id": fx.SERVING["id"], "note": None},
                     fx.CUTOVER["name"]: {"id": fx.CUTOVER["id"], "note": None},
                     V1["name"]: {"id": V1["id"], "note": None}}


def test_an_entry_by_name_is_read_waited_for_probed_and_reported_under_its_id_with_its_name():
    checks = [{"name": "chat", "answers": True}]
    names = resolve_names(listed([fx.SERVING]), checks)
    assert probe_plan(checks, names) == [fx.SERVING["id"]]
    assert wait_plan([fx.SERVING], checks, names) == []
    result = evaluate([fx.SERVING], checks, names=names)
    assert list(result["results"]) == [fx.SERVING["id"]]
    assert result["results"][fx.SERVING["id"]]["name"] == "chat"
    assert result["report"][1].startswith("PASS %s (name %s, " % (fx.SERVING["id"], fx.SERVING["name"]))


def test_a_name_no_endpoint_has_fails_exists_naming_the_projects_endpoints():
    checks = [{"name": "chta"}]
    names = resolve_names(listed([fx.SERVING]), checks)
    result = evaluate([], checks, names=names)
    assert result["violations"][0]["message"] == (
        "chta: exists: expected the endpoint exists, actual no endpoint of that name (no endpoint is named chta in "
        "the project; its v2 endpoints are chat)")


def test_names_are_looked_up_only_when_an_entry_gives_one():
    assert names_to_resolve([{"endpoint_id": fx.EP}]) == []
    assert resolve_names({"results": [], "skipped": True}, [{"endpoint_id": fx.EP}]) == {}


def test_an_endpoint_id_that_is_not_an_id_says_so_and_suggests_name():
    assert [p["message"] for p in policy_problems([{"endpoint_id": "chat"}])] == [
        "endpoint_id chat is not an endpoint id (v1 ids start with endpoint-, v2 ids with ep_); to gate an endpoint "
        "by its name, write name: chat"]
    assert policy_problems([{"endpoint_id": fx.EP, "name": "chat"}])[0]["message"] == "give endpoint_id or name, not both"


# --- issue 21, point 2: every mistake at once, with its path, a did-you-mean, reported as test cases ------------

EIGHT_MISTAKES = [
    {"endpoint_id": fx.EP, "min_replica_at_least": 1, "state": "RUNNING", "min_replicas_at_least": 4,
     "min_replicas_at_most": 2},
    {"endpoint_id": "chat", "deployments": [{"name": "canary", "traffic_weigth_at_least": 1}]},
    {"endpoint_id": "ep_3", "model": "", "ready_replicas_at_least": 1},
    {"name": "chat", "answer_latency_ms_at_most": -5},
]


def test_eight_mistakes_over_four_entries_are_all_named_with_their_paths():
    problems = policy_problems(EIGHT_MISTAKES, {}, ["endpoint_gate_checks"])
    assert [p["path"] for p in problems] == [
        "endpoint_gate_checks[0]", "endpoint_gate_checks[0]", "endpoint_gate_checks[0]",
        "endpoint_gate_checks[1]", "endpoint_gate_checks[1].deployments[0]",
        "endpoint_gate_checks[2]", "endpoint_gate_checks[2]", "endpoint_gate_checks[3]"]
    messages = [p["message"] for p in problems]
    # A bad state does not hide the impossible bounds of the same entry, and each typo has a did-you-mean from
    # the keys valid at its level.
    assert "unknown key min_replica_at_least; did you mean min_replicas_at_least?" in messages
    assert any(m.startswith("state must be one of") for m in messages)
    assert any(m.startswith("min_replicas_at_least 4 is above min_replicas_at_most 2") for m in messages)
    assert "unknown key traffic_weigth_at_least; did you mean traffic_weight_at_least?" in messages
    assert ("unknown key ready_replicas_at_least here; ready_replicas_at_least is a deployment check: put it in an "
            "item of deployments") in messages


def test_a_policy_failure_is_one_report_printed_once_and_one_failing_test_case_per_mistake():
    problems = policy_problems(EIGHT_MISTAKES, {}, [])
    outcome = evaluate(None, EIGHT_MISTAKES, policy=problems)
    assert outcome["passed"] is False and outcome["policy_failed"] is True
    assert outcome["report"][0] == "Endpoint gate POLICY WRONG: 8 mistakes; nothing was read from the API."
    assert len(outcome["report"]) == 9
    cases = outcome["results"]["policy"]["checks"]
    assert [case["status"] for case in cases] == ["failed"] * 8
    assert cases[4]["check"] == "endpoint_gate_checks[1].deployments[0].traffic_weigth_at_least"
    # Named by path and key: three mistakes of one entry are three test cases a CI system keeps apart.
    first_entry = ["endpoint_gate_checks[0].min_replica_at_least", "endpoint_gate_checks[0].state",
                   "endpoint_gate_checks[0].min_replicas_at_least"]
    assert [case["check"] for case in cases[:3]] == first_entry
    assert len(set(case["check"] for case in cases)) == len(cases)
    assert outcome["totals"]["failed"] == 8


def test_the_role_spec_documents_the_entries_but_does_not_validate_inside_them():
    """Ansible's validation runs before the gate's: it must not pre-empt the gate's message (issue 21)."""
    path = os.path.join(fx.COLLECTION_ROOT, "roles", "endpoint_gate", "meta", "argument_specs.yml")
    with open(path, encoding="utf-8") as handle:
        checks = yaml.safe_load(handle)["argument_specs"]["main"]["options"]["endpoint_gate_checks"]
    assert checks["type"] == "list" and checks["elements"] == "raw" and not checks.get("required")
    assert "min_replicas_at_least" in checks["options"] and "name" in checks["options"]
