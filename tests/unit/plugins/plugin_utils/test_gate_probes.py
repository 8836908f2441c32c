# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The gate's answer checks: which entries are probed, probe results joined to endpoints, and their evaluation."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.together.ai.plugins.plugin_utils._gate_evaluation import evaluate
from ansible_collections.together.ai.plugins.plugin_utils._gate_policy import check_policy
from ansible_collections.together.ai.plugins.plugin_utils._gate_probes import probe_plan, with_probes
from ansible_collections.together.ai.tests.unit.plugins.plugin_utils.gate_fixtures import (
    EP,
    HEALTHY,
    SERVING,
    UNROUTED,
    messages,
    statuses,
)

CHECK_MODE_NOTE = ("check mode: nothing was sent, as each probe is a billed request; set check_mode: false on the "
                   "task to probe during a --check run")


def probe_result(endpoint_id, latencies=(182.4,), deployment="my-project/chat/blue", status=200, error=None,
                 cluster="blue"):
    """A probe_results item as together_endpoint_probe returns it."""
    answered = error is None
    probes = [dict(status=status, latency_ms=value, answered=answered, deployment=deployment if answered else None,
                   deployment_id=None, cluster=cluster, model=None, text="OK" if answered else None)
              for value in latencies]
    ordered = sorted(latencies)
    median = ordered[len(ordered) // 2] if len(ordered) % 2 else (ordered[len(ordered) // 2 - 1] + ordered[len(ordered) // 2]) / 2
    return dict(endpoint_id=endpoint_id, api_version="v2", exists=True, inference_name="my-project/chat",
                inference_url="http://127.0.0.1:1/v1/chat/completions", probed=True, answered=answered, error=error,
                latency_ms_median=median, latency_ms_p95=ordered[-1], probes=probes)


NOT_CONFIGURED = dict(message="Endpoint my-project/unrouted is not configured", type="invalid_request_error",
                      code="endpoint_not_configured")


def gate(endpoints, checks, probed):
    return evaluate(with_probes(endpoints, probed, probe_plan(checks)), checks)


# --- which entries are probed ----------------------------------------------------------------------------------------

def test_only_entries_with_an_answer_check_are_probed():
    checks = [{"endpoint_id": "ep_a"}, {"endpoint_id": "ep_b", "answers": True}, {"endpoint_id": "ep_c", "answers": None},
              {"endpoint_id": "ep_d", "answer_latency_ms_at_most": 500},
              {"endpoint_id": "ep_e", "answered_by_deployment": "blue"}]
    assert probe_plan(checks) == ["ep_b", "ep_d", "ep_e"]


def test_with_probes_leaves_endpoints_unchanged_when_nothing_was_probed():
    assert with_probes([HEALTHY], {"skipped": True, "changed": False}, [HEALTHY["id"]]) == [HEALTHY]
    assert with_probes([HEALTHY], {}, []) == [HEALTHY]


def test_with_probes_refuses_a_non_list():
    with pytest.raises(AnsibleFilterError, match="endpoints must be a list of endpoint dicts"):
        with_probes("nope", {}, [])


# --- answers ----------------------------------------------------------------------------------------------------------

def test_an_endpoint_that_answers_passes_and_the_report_shows_status_latency_and_deployment():
    checks = [{"endpoint_id": SERVING["id"], "answers": True, "answer_latency_ms_at_most": 1000,
               "answered_by_deployment": "blue"}]
    result = gate([SERVING], checks, {"probe_results": [probe_result(SERVING["id"], (180.0, 150.0, 210.0))]})
    assert result["passed"] is True
    assert statuses(result, SERVING["id"])["answers"] == "passed"
    assert statuses(result, SERVING["id"])["answer_latency_ms_at_most"] == "passed"
    assert statuses(result, SERVING["id"])["answered_by_deployment"] == "passed"
    assert "answered HTTP 200 in 180.0 ms (median of 3) by blue" in result["report"][1]


def test_an_unrouted_v2_endpoint_fails_answers_with_status_and_api_error():
    checks = [{"endpoint_id": UNROUTED["id"], "state": None, "serving": None, "answers": True}]
    result = gate([UNROUTED], checks, {"probe_results": [probe_result(UNROUTED["id"], status=400, error=NOT_CONFIGURED)]})
    assert result["passed"] is False
    assert messages(result) == ["%s: answers: expected true, actual false (HTTP 400 endpoint_not_configured: Endpoint "
                                "my-project/unrouted is not configured)" % UNROUTED["id"]]
    assert "no answer: HTTP 400 endpoint_not_configured in 182.4 ms" in result["report"][1]


def test_a_slow_endpoint_fails_the_latency_bound_on_the_median():
    checks = [{"endpoint_id": SERVING["id"], "answer_latency_ms_at_most": 1000}]
    result = gate([SERVING], checks, {"probe_results": [probe_result(SERVING["id"], (1250.5, 990.0, 1300.0))]})
    assert messages(result) == ["%s: answer_latency_ms_at_most: expected <= 1000, actual 1250.5 (median of 3 probes: "
                                "1250.5, 990.0, 1300.0 ms)" % SERVING["id"]]


def test_the_latency_bound_fails_without_an_answer():
    checks = [{"endpoint_id": UNROUTED["id"], "serving": None, "answer_latency_ms_at_most": 1000}]
    result = gate([UNROUTED], checks, {"probe_results": [probe_result(UNROUTED["id"], status=400, error=NOT_CONFIGURED)]})
    assert messages(result) == ["%s: answer_latency_ms_at_most: expected <= 1000, actual not reported by the API (no "
                                "answer to time: HTTP 400 endpoint_not_configured: Endpoint my-project/unrouted is not "
                                "configured)" % UNROUTED["id"]]


def test_answered_by_another_deployment_names_the_ones_that_served():
    checks = [{"endpoint_id": SERVING["id"], "answered_by_deployment": "canary"}]
    result = gate([SERVING], checks, {"probe_results": [probe_result(SERVING["id"], (100.0, 120.0))]})
    assert messages(result) == ["%s: answered_by_deployment: expected canary, actual blue" % SERVING["id"]]


def test_answered_by_deployment_matches_full_names_and_ids_and_needs_every_probe():
    item = probe_result(SERVING["id"], (100.0, 120.0))
    item["probes"][0].update(deployment="my-project/chat/blue", deployment_id="dep_CbzGdmn14t3HYrXXitmKa")
    item["probes"][1].update(deployment="my-project/chat/green", deployment_id="dep_Green")
    checks = [{"endpoint_id": SERVING["id"], "answered_by_deployment": "dep_CbzGdmn14t3HYrXXitmKa"}]
    result = gate([SERVING], checks, {"probe_results": [item]})
    assert messages(result) == ["%s: answered_by_deployment: expected dep_CbzGdmn14t3HYrXXitmKa, actual blue, green"
                                % SERVING["id"]]
    item["probes"][1].update(deployment="my-project/chat/blue", deployment_id="dep_CbzGdmn14t3HYrXXitmKa")
    for expected in ("dep_CbzGdmn14t3HYrXXitmKa", "my-project/chat/blue", "blue"):
        checks = [{"endpoint_id": SERVING["id"], "answered_by_deployment": expected}]
        assert gate([SERVING], checks, {"probe_results": [item]})["passed"] is True


def test_answered_by_deployment_without_an_x_cluster_header_says_so():
    checks = [{"endpoint_id": SERVING["id"], "answered_by_deployment": "blue"}]
    result = gate([SERVING], checks, {"probe_results": [probe_result(SERVING["id"], deployment=None, cluster=None)]})
    assert messages(result) == ["%s: answered_by_deployment: expected blue, actual not reported by the API (the answer "
                                "did not say which deployment served it (x-cluster: absent))" % SERVING["id"]]


def test_answered_by_deployment_on_a_v1_endpoint_is_a_violation_that_says_so():
    checks = [{"endpoint_id": HEALTHY["id"], "answered_by_deployment": "blue"}]
    result = gate([HEALTHY], checks, {"probe_results": [probe_result(HEALTHY["id"], deployment=None, cluster=None)]})
    assert messages(result) == ["%s: answered_by_deployment: expected blue, actual not applicable to a v1 endpoint "
                                "(answered_by_deployment is a v2 fact; a v1 endpoint has no deployments; check answers "
                                "instead)" % HEALTHY["id"]]


def test_a_host_that_cannot_be_reached_fails_each_probed_endpoint_with_the_task_s_message():
    failure = "endpoint '%s': connection to http://127.0.0.1:1/v1/chat/completions failed: Connection refused" % EP
    probed = {"failed": True, "msg": failure, "probe_results": [
        dict(endpoint_id=HEALTHY["id"], probed=False, answered=False, status=None, latency_ms=[], latency_ms_median=None,
             error=dict(message=failure, type=None, code=None), probes=[])]}
    checks = [{"endpoint_id": HEALTHY["id"], "answers": True}]
    result = gate([HEALTHY], checks, probed)
    assert messages(result) == ["%s: answers: expected true, actual false (%s)" % (HEALTHY["id"], failure)]
    assert result["report"][1].endswith(", no answer (no HTTP response; see the answer check)): 1 of 3 checks failed")


def test_a_probe_task_that_failed_without_results_fails_the_answer_checks():
    probed = {"failed": True, "msg": "no API key: set the api_key option or the TOGETHER_API_KEY environment variable"}
    checks = [{"endpoint_id": HEALTHY["id"], "answers": True}]
    result = gate([HEALTHY], checks, probed)
    assert messages(result) == ["%s: answers: expected true, actual false (no API key: set the api_key option or the "
                                "TOGETHER_API_KEY environment variable)" % HEALTHY["id"]]


def test_in_check_mode_the_answer_checks_are_not_evaluated():
    probed = {"changed": False, "answered": None, "msg": CHECK_MODE_NOTE, "probe_results": [
        dict(endpoint_id=SERVING["id"], probed=False, answered=None, status=None, latency_ms=[], msg=CHECK_MODE_NOTE)]}
    checks = [{"endpoint_id": SERVING["id"], "answers": True, "answer_latency_ms_at_most": 100}]
    result = gate([SERVING], checks, probed)
    assert result["passed"] is True
    assert statuses(result, SERVING["id"])["answers"] == "skipped"
    skipped = [check for check in result["results"][SERVING["id"]]["checks"] if check["check"] == "answers"][0]
    assert skipped["message"] == "answers: not evaluated, %s" % CHECK_MODE_NOTE
    assert result["report"][1].endswith("3 checks passed; 2 checks not evaluated (answers: not evaluated, %s)"
                                        % CHECK_MODE_NOTE)


def test_answers_false_passes_for_an_endpoint_that_must_not_answer():
    checks = [{"endpoint_id": UNROUTED["id"], "serving": None, "answers": False}]
    result = gate([UNROUTED], checks, {"probe_results": [probe_result(UNROUTED["id"], status=400, error=NOT_CONFIGURED)]})
    assert result["passed"] is True


# --- policy -----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("settings, problem", [
    ({"endpoint_gate_probe_count": "0"}, "endpoint_gate_probe_count must be a whole number of probes from 1 to 100 (each "
                                         "is a billed request), got '0'"),
    ({"endpoint_gate_probe_count": 101}, "endpoint_gate_probe_count must be a whole number of probes from 1 to 100"),
    ({"endpoint_gate_probe_count": 2.5}, "endpoint_gate_probe_count must be a whole number of probes from 1 to 100"),
    ({"endpoint_gate_inference_base_url": "api-inference.together.ai"},
     "endpoint_gate_inference_base_url must be an http:// or https:// URL with a host, got 'api-inference.together.ai'"),
])
def test_bad_probe_settings_fail_the_policy(settings, problem):
    with pytest.raises(AnsibleFilterError) as info:
        check_policy([{"endpoint_id": EP, "answers": True}], settings, [])
    assert problem in str(info.value.message)


@pytest.mark.parametrize("entry, problem", [
    ({"answer_latency_ms_at_most": -1}, "answer_latency_ms_at_most must be 0 or more, got -1"),
    ({"answers": "maybe"}, "answers must be true or false, got 'maybe'"),
    ({"answered_by_deployment": " "}, "answered_by_deployment must not be empty"),
])
def test_bad_answer_checks_fail_the_policy(entry, problem):
    with pytest.raises(AnsibleFilterError) as info:
        check_policy([dict(entry, endpoint_id=EP)], {"endpoint_gate_probe_count": 3}, [])
    assert problem in str(info.value.message)


def test_good_probe_settings_pass_the_policy():
    assert check_policy([{"endpoint_id": EP, "answers": True}], {"endpoint_gate_probe_count": "3",
                                                                 "endpoint_gate_inference_base_url": None}, []) == 1
