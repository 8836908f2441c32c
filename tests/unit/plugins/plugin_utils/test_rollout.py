# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The endpoint_rollout role's logic: policy, plan, split, judgement and report lines."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.together.ai.plugins.plugin_utils import _rollout

GOOD = {
    "endpoint_rollout_endpoint": "ep_chat",
    "endpoint_rollout_deployment": {"name": "green", "model": "meta-llama/Llama-3.1-8B-Instruct",
                                    "hardware": "1xnvidia-h100-80gb", "min_replicas": 1, "max_replicas": 2},
    "endpoint_rollout_steps": [10, 50, 100],
    "endpoint_rollout_bake_seconds": 120,
    "endpoint_rollout_probe_count": 5,
    "endpoint_rollout_analysis": {},
    "endpoint_rollout_retire": "stop",
    "endpoint_rollout_wait_timeout": 1800,
    "endpoint_rollout_report_dir": "",
    "endpoint_rollout_report_name": "endpoint-rollout",
}


def _with(**changes):
    settings = dict(GOOD)
    settings.update(changes)
    return settings


def _paths(problems):
    return [problem["path"] for problem in problems]


def test_policy_accepts_the_defaults():
    assert _rollout.policy_problems(GOOD, ["endpoint_rollout_endpoint", "endpoint_rollout_steps"]) == []


@pytest.mark.parametrize("steps, message", [
    ([50, 10, 100], "strictly ascending"),
    ([10, 50], "must end at 100"),
    ([0, 100], "from 1 to 100"),
    ([10, 150], "from 1 to 100"),
    ([], "non-empty list"),
    ("10,100", "non-empty list"),
])
def test_policy_refuses_bad_steps(steps, message):
    problems = _rollout.policy_problems(_with(endpoint_rollout_steps=steps))
    assert any(message in problem["message"] for problem in problems), problems


def test_policy_names_every_problem_at_once():
    problems = _rollout.policy_problems(_with(
        endpoint_rollout_endpoint="endpoint-1234",
        endpoint_rollout_deployment={"name": "green", "config": "cr_1", "hardware": "1xh100", "min_replicas": 3,
                                     "max_replicas": 2, "modle": "x"},
        endpoint_rollout_probe_count=0,
        endpoint_rollout_bake_seconds=-1,
        endpoint_rollout_analysis={"latency_ratio_at_most": 0, "errors_at_most": -1, "answer": True},
        endpoint_rollout_retire="destroy",
    ), ["endpoint_rollout_bake_second"])
    assert _paths(problems) == [
        "endpoint_rollout_endpoint", "endpoint_rollout_deployment.modle", "endpoint_rollout_deployment.hardware",
        "endpoint_rollout_deployment.min_replicas", "endpoint_rollout_bake_seconds", "endpoint_rollout_probe_count",
        "endpoint_rollout_analysis.answer", "endpoint_rollout_analysis.latency_ratio_at_most",
        "endpoint_rollout_analysis.errors_at_most", "endpoint_rollout_retire", "endpoint_rollout_bake_second",
    ]
    assert "did you mean model?" in problems[1]["message"]
    assert "did you mean endpoint_rollout_bake_seconds?" in problems[-1]["message"]


def test_policy_requires_the_endpoint_and_a_deployment_name():
    problems = _rollout.policy_problems(_with(endpoint_rollout_endpoint=None, endpoint_rollout_deployment={}))
    assert _paths(problems) == ["endpoint_rollout_endpoint", "endpoint_rollout_deployment.name"]


def test_policy_takes_numbers_as_text():
    assert _rollout.policy_problems(_with(endpoint_rollout_bake_seconds="1", endpoint_rollout_probe_count="3",
                                          endpoint_rollout_steps=["50", "100"])) == []


def _endpoint(*deployments):
    """Deployments as together_endpoint_info reads them; a STOPPED one has the 0/0 bounds the role's stop leaves."""
    return {"id": "ep_chat", "deployments": [
        {"name": "proj/chat/%s" % name, "id": "dep_%s" % name, "state": state, "traffic_weight": weight,
         "normalized_state": "STARTED" if state == "DEPLOYMENT_STATE_READY" else "STOPPED",
         "min_replicas": 0 if state == STOPPED else 1, "max_replicas": 0 if state == STOPPED else 1}
        for name, weight, state in deployments]}


READY = "DEPLOYMENT_STATE_READY"
STOPPED = "DEPLOYMENT_STATE_STOPPED"
FAILED = "DEPLOYMENT_STATE_FAILED"


def test_plan_of_a_fresh_rollout():
    plan = _rollout.plan(_endpoint(("blue", 1.0, READY)), "green", [10, 50, 100])
    assert plan["new"] is None
    assert plan["previous"] == {"blue": 1.0}
    assert plan["steps"] == [0, 10, 50, 100]
    assert not plan["done"]


def test_plan_resumes_from_the_split_it_finds_and_rebakes_that_step():
    plan = _rollout.plan(_endpoint(("blue", 50, READY), ("green", 50, READY)), "green", [10, 50, 100])
    assert plan["new_share"] == 50
    assert plan["new_ready"]
    assert plan["previous"] == {"blue": 50}
    assert plan["steps"] == [50, 100]


def test_plan_never_lowers_the_new_share():
    plan = _rollout.plan(_endpoint(("blue", 70, READY), ("green", 30, READY)), "green", [10, 50, 100])
    assert plan["steps"] == [50, 100]


def test_plan_after_success_has_nothing_to_do():
    plan = _rollout.plan(_endpoint(("blue", 0, "DEPLOYMENT_STATE_STOPPED"), ("green", 100, READY)), "green", [10, 100])
    assert plan["done"]
    assert plan["steps"] == []


def test_plan_after_an_interruption_at_100_judges_that_step_again_before_retiring():
    """Killed after the last split, before blue was stopped: not a success to take on trust."""
    plan = _rollout.plan(_endpoint(("blue", 0, READY), ("green", 100, READY)), "green", [10, 50, 100])
    assert not plan["done"] and plan["resumed_at_full"]
    assert plan["steps"] == [100]
    assert plan["baseline"] == ["blue"]  # probed pinned beside green: the ratio has its reference
    assert plan["restore"] == {"blue": 1.0}  # a failed judgement gives blue the traffic back
    assert plan["retire"] == ["blue"]
    assert plan["previous"] == {}  # no weight is rewritten before the judgement


def test_plan_at_100_with_nothing_ready_to_compare_is_judged_as_a_plain_deploy_then_retires():
    plan = _rollout.plan(_endpoint(("blue", 0, FAILED), ("canary", 0, STOPPED), ("green", 100, READY)), "green", [50, 100])
    assert plan["resumed_at_full"] and plan["steps"] == [100]
    assert plan["baseline"] == [] and plan["restore"] == {}
    assert plan["retire"] == ["blue"]  # canary is already at 0/0


@pytest.mark.parametrize("retire, leftover, done", [
    ("stop", ("blue", 0, STOPPED), True),
    ("stop", ("blue", 0, READY), False),
    ("delete", ("blue", 0, STOPPED), False),  # it still exists
    ("keep", ("blue", 0, READY), True),  # running unrouted is what keep leaves
])
def test_plan_at_100_is_done_only_when_the_others_are_retired_as_the_policy_says(retire, leftover, done):
    plan = _rollout.plan(_endpoint(leftover, ("green", 100, READY)), "green", [50, 100], retire)
    assert plan["done"] is done
    assert plan["steps"] == ([] if done else [100])


def test_plan_retires_every_other_running_deployment_also_unrouted_ones():
    plan = _rollout.plan(_endpoint(("blue", 1, READY), ("spare", 0, READY), ("old", 0, STOPPED)), "green", [50, 100])
    assert plan["previous"] == {"blue": 1.0} and plan["baseline"] == ["blue"]
    assert plan["retire"] == ["blue", "spare"]
    assert _rollout.plan(_endpoint(("blue", 1, READY), ("old", 0, STOPPED)), "green", [100], "delete")["retire"] == [
        "blue", "old"]


def test_plan_without_previous_deployments_is_a_plain_deploy():
    assert _rollout.plan(_endpoint(), "green", [10, 100])["steps"] == [100]
    assert _rollout.plan(None, "green", [10, 100])["exists"] is False


def test_split_gives_the_rest_in_the_old_proportions_with_integer_weights():
    assert _rollout.split({"blue": 1.0}, "green", 10) == [
        {"name": "green", "traffic_weight": 10}, {"name": "blue", "traffic_weight": 90}]
    split = _rollout.split({"blue": 3, "canary": 1}, "green", 50)
    assert split == [{"name": "green", "traffic_weight": 50}, {"name": "blue", "traffic_weight": 38},
                     {"name": "canary", "traffic_weight": 12}]
    split = _rollout.split({"a": 1, "b": 1, "c": 1}, "green", 10)
    assert sum(item["traffic_weight"] for item in split) == 100
    assert _rollout.split({"blue": 1}, "green", 100) == [
        {"name": "green", "traffic_weight": 100}, {"name": "blue", "traffic_weight": 0}]


def test_restore_is_the_split_before_the_rollout():
    assert _rollout.restore({"blue": 3, "canary": 1}, "green") == [
        {"name": "green", "traffic_weight": 0}, {"name": "blue", "traffic_weight": 3},
        {"name": "canary", "traffic_weight": 1}]


def _probed(*latencies, **kwargs):
    probes = [{"answered": True, "status": 200, "latency_ms": latency} for latency in latencies]
    if kwargs.get("error"):  # together_endpoint_probe: the one error at the result, its probe the last
        probes.append({"answered": False, "status": 503, "latency_ms": 3.0})
        return {"probes": probes, "error": {"code": "routing_error"}}
    return {"probes": probes, "error": None}


def test_judge_passes_a_healthy_step():
    result = _rollout.judge(50, [_probed(100, 110, 120)], [_probed(100, 100, 100)], {}, 3)
    assert result["passed"]
    assert result["new"]["median_ms"] == 110
    assert [check["check"] for check in result["checks"]] == ["answers", "errors_at_most", "latency_ratio_at_most"]


def test_judge_fails_a_slow_new_deployment_on_the_ratio():
    result = _rollout.judge(10, [_probed(500, 510, 520)], [_probed(100, 100, 100), _probed(90, 110, 100)], {}, 3)
    assert not result["passed"]
    assert result["reasons"] == [
        "latency ratio: expected <= 1.5, actual 5.1 (new median 510 ms / previous median 100 ms)"]


def test_judge_counts_errors_and_the_probes_not_sent_after_one():
    result = _rollout.judge(10, [_probed(100, error=True)], [_probed(100, 100, 100)], {"errors_at_most": 1}, 3)
    assert result["new"]["errors"] == 2
    assert [check["check"] for check in result["checks"] if check["status"] == "failed"] == ["answers", "errors_at_most"]
    assert "HTTP 503 routing_error" in result["reasons"][0]


def test_judge_a_probe_task_that_failed():
    result = _rollout.judge(10, [{"msg": "connection to http://127.0.0.1:1 failed"}], [_probed(100)], {}, 3)
    assert not result["passed"]
    assert result["new"]["errors"] == 1


def test_judge_the_absolute_latency_bound():
    result = _rollout.judge(50, [_probed(300, 300, 300)], [_probed(300)], {"latency_ms_at_most": 200}, 3)
    assert result["reasons"] == ["latency: expected median <= 200 ms, actual 300 ms"]


def test_judge_before_traffic_only_answers_and_errors():
    result = _rollout.judge(0, [_probed(900, 900, 900)], [], {"latency_ms_at_most": 100}, 3)
    assert result["passed"]
    assert [check["status"] for check in result["checks"]] == ["passed", "passed", "skipped", "skipped"]


def test_judge_without_a_baseline_skips_the_ratio():
    result = _rollout.judge(100, [_probed(100)], [], {}, 1)
    assert result["passed"]
    assert result["checks"][-1]["status"] == "skipped"


def test_outcome_report_lines():
    passed = _rollout.judge(0, [_probed(100, 100, 100)], [], {}, 3)
    failed = _rollout.judge(50, [_probed(500, 500, 500)], [_probed(100, 100, 100)], {}, 3)
    outcome = _rollout.outcome("ep_chat", "green", [passed, failed], rolled_back=True)
    assert not outcome["passed"]
    assert outcome["steps_reached"] == [0]
    assert outcome["failed_step"] == 50
    assert outcome["report"] == [
        "Rollout of green to ep_chat FAILED at step 50%: latency ratio: expected <= 1.5, actual 5 (new median 500 ms / "
        "previous median 100 ms). Rolled back: the split is as before the rollout.",
        "PASS step pre-traffic (0%): new 3/3 answered, median 100 ms, p95 100 ms, 0 errors, previous not probed",
        "FAIL step 50%: new 3/3 answered, median 500 ms, p95 500 ms, 0 errors, previous 3/3 answered, median 100 ms, "
        "p95 100 ms, 0 errors",
        "  - latency ratio: expected <= 1.5, actual 5 (new median 500 ms / previous median 100 ms)",
    ]


def test_outcome_of_a_success_and_of_a_rerun():
    step = _rollout.judge(100, [_probed(100)], [_probed(100)], {}, 1)
    assert _rollout.outcome("ep_chat", "green", [step], retired="blue stopped")["report"][0] == (
        "Rollout of green to ep_chat PASSED: 100% of traffic after 1 step; previous deployments: blue stopped.")
    done = _rollout.outcome("ep_chat", "green", [], already_done=True)
    assert done["passed"] and done["report"] == [
        "Rollout of green to ep_chat: nothing to do, it already holds 100% of the traffic."]


def test_outcome_of_an_error_without_a_judgement():
    outcome = _rollout.outcome("ep_chat", "green", [], error="the new deployment green did not become READY")
    assert not outcome["passed"]
    assert outcome["report"][0] == "Rollout of green to ep_chat FAILED: the new deployment green did not become READY"


def test_junit_has_one_case_per_analysis_check_per_step():
    pre = _rollout.judge(0, [_probed(100, 100, 100)], [], {"latency_ms_at_most": 5000}, 3)
    slow = _rollout.judge(50, [_probed(500, 500, 500)], [_probed(100, 100, 100)], {"latency_ms_at_most": 5000}, 3)
    cases = _rollout.outcome("ep_chat", "green", [pre, slow], rolled_back=True)["cases"]
    assert [(case["name"], case["status"]) for case in cases] == [
        ("step pre-traffic (0%): green: answers", "passed"),
        ("step pre-traffic (0%): green: errors_at_most", "passed"),
        ("step pre-traffic (0%): green: latency_ms_at_most", "skipped"),
        ("step pre-traffic (0%): green: latency_ratio_at_most", "skipped"),
        ("step 50%: green: answers", "passed"),
        ("step 50%: green: errors_at_most", "passed"),
        ("step 50%: green: latency_ms_at_most", "passed"),
        ("step 50%: green: latency_ratio_at_most", "failed"),
    ]
    assert cases[-1]["message"] == "latency ratio: expected <= 1.5, actual 5 (new median 500 ms / previous median 100 ms)"


def test_outcome_of_a_rollout_resumed_at_100_says_it_was_judged_again():
    step = _rollout.judge(100, [_probed(100)], [_probed(100)], {}, 1)
    headline = _rollout.outcome("ep_chat", "green", [step], retired="blue stopped", resumed_at_full=True)["report"][0]
    assert headline == ("Rollout of green to ep_chat PASSED: 100% of traffic after 1 step; previous deployments: blue stopped. "
                        "Resumed at 100%: the new deployment already held all the traffic but the previous deployments were "
                        "not retired, so the 100% step was judged again first.")


def test_the_role_spec_types_the_settings_but_leaves_the_dicts_and_requiredness_to_the_policy_check():
    """Ansible's validation runs before the role's: it must not pre-empt the policy check's message (as in endpoint_gate)."""
    import os
    import yaml
    path = os.path.join(os.path.dirname(_rollout.__file__), "..", "..", "roles", "endpoint_rollout", "meta", "argument_specs.yml")
    with open(path, encoding="utf-8") as handle:
        options = yaml.safe_load(handle)["argument_specs"]["main"]["options"]
    assert not [name for name, option in options.items() if option.get("required")]
    for name in ("endpoint_rollout_deployment", "endpoint_rollout_analysis"):
        assert options[name]["type"] == "raw" and options[name]["options"], name
    assert set(options["endpoint_rollout_deployment"]["options"]) == set(_rollout.DEPLOYMENT_KEYS)
    assert set(options["endpoint_rollout_analysis"]["options"]) == set(_rollout.ANALYSIS_DEFAULTS)
    assert (options["endpoint_rollout_steps"]["type"], options["endpoint_rollout_steps"]["elements"]) == ("list", "int")
    assert options["endpoint_rollout_probe_count"]["type"] == "int"
    assert options["endpoint_rollout_bake_seconds"]["type"] == "float"
    assert not [name for name, option in options.items() if option.get("choices")]  # 'destroy' is the policy's to name
    assert options["endpoint_rollout_retire"]["type"] == "str"
    assert set(options) == set(_rollout.ROLE_VARIABLES)


def test_a_rollout_that_moved_no_traffic_does_not_say_it_rolled_back():
    error = "deployment green is FAILED: Timed out waiting for readiness"
    never = _rollout.outcome("ep_chat", "green", [], rolled_back=True, error=error, moved=False)["report"][0]
    assert never == ("Rollout of green to ep_chat FAILED: %s No traffic had moved to it: the split is as before the "
                     "rollout." % error)
    moved = _rollout.outcome("ep_chat", "green", [], rolled_back=True, error=error)["report"][0]
    assert moved.endswith(" Rolled back: the split is as before the rollout.")
