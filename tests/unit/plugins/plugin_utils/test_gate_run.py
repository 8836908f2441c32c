# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The gate in one run (together_endpoint_gate's action): which module calls it makes, in which order, with what."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
from xml.etree import ElementTree

from ansible_collections.together.ai.plugins.plugin_utils._gate_report_files import render_reports
from ansible_collections.together.ai.plugins.plugin_utils._gate_run import NO_KEY, GateRun, workflow_stats
from ansible_collections.together.ai.tests.unit.plugins.plugin_utils.gate_fixtures import (
    COLLECTION_ROOT,
    HEALTHY,
    OVERSIZED,
    STARTING,
    endpoint,
)

TEMPLATES = os.path.join(COLLECTION_ROOT, "roles", "endpoint_gate", "templates")
CONNECTION = {"api_key": "k", "base_url": "http://127.0.0.1:1/v1"}


class Modules:
    """Fake together_endpoint_info and together_endpoint_probe: answers by call, every call recorded."""

    def __init__(self, reads=None, probes=None):
        self.calls = []
        self.reads = list(reads or [])
        self.probes = list(probes or [])
        self.said = []

    def info(self, args):
        self.calls.append(("info", args))
        return self.reads.pop(0)

    def probe(self, args):
        self.calls.append(("probe", args))
        return self.probes.pop(0)

    def gate(self, clock=None):
        return GateRun(self.info, self.probe, say=self.said.append, clock=clock or (lambda: 1000.0))


def test_a_policy_mistake_sends_nothing_and_names_it():
    modules = Modules()
    outcome = modules.gate().run([{"endpoint_id": HEALTHY["id"], "min_replica_at_least": 1}], {}, [], CONNECTION)
    assert modules.calls == []
    assert outcome["passed"] is False and outcome["policy_failed"] is True
    assert "did you mean min_replicas_at_least" in "\n".join(outcome["report"])


def test_a_misspelt_variable_is_a_policy_mistake():
    modules = Modules()
    outcome = modules.gate().run([{"endpoint_id": HEALTHY["id"]}], {}, ["endpoint_gate_wait_timout"], CONNECTION)
    assert modules.calls == [] and outcome["policy_failed"] is True


def test_one_read_of_every_id_then_the_evaluation():
    modules = Modules(reads=[{"endpoints": [HEALTHY, OVERSIZED], "missing": []}])
    checks = [{"endpoint_id": HEALTHY["id"], "state": "STARTED"},
              {"endpoint_id": OVERSIZED["id"], "max_replicas_at_most": 1}]
    outcome = modules.gate().run(checks, {}, [], CONNECTION)
    assert modules.calls == [("info", dict(CONNECTION, endpoint_ids=[HEALTHY["id"], OVERSIZED["id"]], concurrency=16,
                                           include_cost=False))]
    assert outcome["passed"] is False
    assert [violation["check"] for violation in outcome["violations"]] == ["max_replicas_at_most"]


def test_names_are_looked_up_in_the_v2_then_the_v1_list():
    named = dict(HEALTHY, name="devuser/chat-v1")
    modules = Modules(reads=[{"endpoints": []}, {"endpoints": [named]}, {"endpoints": [named], "missing": []}])
    outcome = modules.gate().run([{"name": "devuser/chat-v1", "state": "STARTED"}], {}, [], CONNECTION)
    assert [call[1].get("api_version") for call in modules.calls] == ["v2", "v1", None]
    assert modules.calls[1][1]["type"] == "dedicated"
    assert modules.calls[2][1]["endpoint_ids"] == [HEALTHY["id"]]
    assert outcome["passed"] is True


def test_a_wait_gets_what_is_left_of_the_deadline_and_says_what_it_waits_for():
    moments = iter([1000.0, 1004.0])
    modules = Modules(reads=[{"endpoints": [HEALTHY, STARTING], "missing": []},
                             {"endpoints": [HEALTHY, endpoint("starting", state="STARTED")], "msg": ""}])
    checks = [{"endpoint_id": HEALTHY["id"], "state": "STARTED"}, {"endpoint_id": STARTING["id"], "state": "STARTED"}]
    outcome = modules.gate(clock=lambda: next(moments)).run(
        checks, {"endpoint_gate_wait_timeout": 60, "endpoint_gate_wait_poll": 10}, [], CONNECTION)
    wait = modules.calls[1][1]
    # The group is waited for together (read at the same moment at the end); only STARTING is not there yet.
    assert wait["endpoint_ids"] == [HEALTHY["id"], STARTING["id"]] and wait["wait_for_state"] == "STARTED"
    assert wait["wait_timeout"] == 56.0 and wait["wait_sleep"] == 5.0 and wait["wait_progress_interval"] == 10.0
    assert modules.said == ["waiting for STARTED, up to 60 s in all: %s is now %s" % (STARTING["id"], STARTING["state"])]
    assert outcome["passed"] is True  # the endpoint as the wait last read it


def test_no_wait_without_a_wait_timeout():
    modules = Modules(reads=[{"endpoints": [STARTING], "missing": []}])
    outcome = modules.gate().run([{"endpoint_id": STARTING["id"], "state": "STARTED"}], {}, [], CONNECTION)
    assert len(modules.calls) == 1 and modules.said == []
    assert [violation["check"] for violation in outcome["violations"]] == ["state"]


def test_only_entries_with_answer_checks_are_probed():
    probed = {"probe_results": [{"endpoint_id": HEALTHY["id"], "answered": True, "error": None,
                                 "latency_ms_median": 10.0, "probes": [{"status": 200, "latency_ms": 10.0,
                                                                        "answered": True, "deployment": None}]}]}
    modules = Modules(reads=[{"endpoints": [HEALTHY, OVERSIZED], "missing": []}], probes=[probed])
    checks = [{"endpoint_id": HEALTHY["id"], "answers": True}, {"endpoint_id": OVERSIZED["id"]}]
    outcome = modules.gate().run(checks, {"endpoint_gate_probe_count": 2,
                                          "endpoint_gate_inference_base_url": "http://127.0.0.1:2/v1"}, [], CONNECTION)
    assert modules.calls[1] == ("probe", dict(CONNECTION, endpoint_ids=[HEALTHY["id"]], count=2,
                                              inference_base_url="http://127.0.0.1:2/v1"))
    assert outcome["passed"] is True


def test_a_cost_check_reads_the_costs():
    modules = Modules(reads=[{"endpoints": [HEALTHY], "missing": []}])
    modules.gate().run([{"endpoint_id": HEALTHY["id"], "max_hourly_cost_at_most": 10}], {}, [], CONNECTION)
    assert modules.calls[0][1]["include_cost"] is True


def test_a_read_without_a_key_names_the_role_variable():
    modules = Modules(reads=[{"failed": True, "error_code": "no_api_key", "msg": "no API key: set the api_key option"}])
    outcome = modules.gate().run([{"endpoint_id": HEALTHY["id"]}], {}, [], {})
    assert outcome["errored"] is True
    assert NO_KEY in "\n".join(outcome["report"])


def test_reports_and_workflow_stats():
    modules = Modules(reads=[{"endpoints": [OVERSIZED], "missing": []}])
    outcome = modules.gate().run([{"endpoint_id": OVERSIZED["id"], "max_replicas_at_most": 1}], {}, [], CONNECTION)
    markdown, junit = render_reports(outcome, "gate", TEMPLATES)
    assert markdown.startswith("## Together AI endpoint gate") and outcome["report"][0] in markdown
    suite = ElementTree.fromstring(junit)
    assert suite.find(".//failure") is not None
    stats = workflow_stats(outcome, markdown)
    assert stats == {"passed": False, "summary": outcome["report"][0],
                     "violations": {OVERSIZED["id"]: ["max_replicas_at_most"]}, "markdown": markdown}
    cut = workflow_stats(outcome, markdown, limit=40)["markdown"]
    assert cut.startswith(markdown[:40]) and "cut at 40 characters" in cut
