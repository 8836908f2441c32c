# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The action plugin: a wait driven from the controller through plain module reads, with progress lines."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.together.ai.plugins.action import together_endpoint_info as action_plugin
from ansible_collections.together.ai.plugins.plugin_utils import _controller_wait
from ansible_collections.together.ai.tests.unit._helpers import FakeTime, action_plugin as make_action

A = "endpoint-aaaaaaaa-0000-4000-8000-000000000001"
B = "endpoint-aaaaaaaa-0000-4000-8000-000000000002"


class Harness:
    """An ActionModule whose module calls answer from scripted rounds of {id: state or None}."""

    def __init__(self, monkeypatch, args, rounds, check_mode=False, async_val=0, fail_on_round=None):
        self.fake_time = FakeTime()
        self.lines = []
        self.calls = []
        self.starts = []
        self.rounds = list(rounds)
        self.fail_on_round = fail_on_round
        monkeypatch.setattr(_controller_wait, "time", self.fake_time)
        monkeypatch.setattr(_controller_wait.display, "display", lambda msg, *a, **k: self.lines.append((self.fake_time.now, msg)))
        self.action = make_action(action_plugin, args, self.execute_module, check_mode=check_mode,
                                  async_val=async_val)

    def execute_module(self, module_name=None, module_args=None, task_vars=None, wrap_async=False):
        self.calls.append(dict(module_name=module_name, module_args=dict(module_args), wrap_async=wrap_async))
        self.starts.append(self.fake_time.now)
        if self.fail_on_round is not None and len(self.calls) == self.fail_on_round:
            return dict(failed=True, msg="request to http://x/v1/endpoints/%s timed out after 30s" % A)
        states = self.rounds.pop(0) if len(self.rounds) > 1 else self.rounds[0]
        self.fake_time.now += 0.5  # a read takes time
        ids = module_args.get("endpoint_ids") or [module_args.get("endpoint_id")]
        endpoints = [{"id": i, "state": states[i]} for i in ids if states.get(i) is not None]
        return dict(changed=False, endpoints=endpoints, missing=[i for i in ids if states.get(i) is None],
                    exists=True, endpoint=None, warnings=["a warning"])

    def run(self):
        return self.action.run(task_vars={"inventory_hostname": "ci-runner"})


def test_without_wait_the_module_runs_once_with_the_arguments_as_given(monkeypatch):
    harness = Harness(monkeypatch, {"endpoint_ids": [A]}, [{A: "STARTED"}])
    result = harness.run()
    assert harness.calls == [dict(module_name="together.ai.together_endpoint_info",
                                  module_args={"endpoint_ids": [A]}, wrap_async=0)]
    assert result["endpoints"] == [{"id": A, "state": "STARTED"}]
    assert harness.lines == []


def test_a_wait_reads_without_wait_options_and_prints_progress_every_interval(monkeypatch):
    # A starts after 60 s; progress every 10 s; poll every 4 s.
    rounds = [{A: "STARTING", B: "STARTED"}] * 14 + [{A: "STARTED", B: "STARTED"}]
    harness = Harness(monkeypatch, {"endpoint_ids": [A, B], "wait_for_state": "STARTED", "wait_timeout": "600",
                                    "wait_sleep": "4", "wait_progress_interval": "10", "timeout": 12,
                                    "api_key": "k"}, rounds)
    result = harness.run()
    assert not result.get("failed"), result
    assert result["endpoints"] == [{"id": A, "state": "STARTED"}, {"id": B, "state": "STARTED"}]
    assert result["elapsed"] >= 45
    assert result["warnings"] == ["a warning"]
    # Every read is a plain read: the wait options stay on the controller.
    assert all(call["module_args"] == {"endpoint_ids": [A, B], "timeout": 12, "api_key": "k"} for call in harness.calls)
    times = [when for when, _line in harness.lines]
    assert times[0] <= 1
    assert max(later - earlier for earlier, later in zip(times, times[1:])) <= 10.5
    assert all(line.startswith("[ci-runner] together_endpoint_info: Waiting for state STARTED") for _t, line in harness.lines)
    assert all(("'%s' (state STARTING)" % A) in line and B not in line for _t, line in harness.lines)


def test_a_wait_works_in_check_mode(monkeypatch):
    harness = Harness(monkeypatch, {"endpoint_id": A, "wait_for_state": "STARTED", "wait_sleep": 1},
                      [{A: "STARTING"}, {A: "STARTED"}], check_mode=True)
    result = harness.run()
    assert not result.get("failed") and result["changed"] is False
    assert len(harness.calls) == 2
    assert harness.calls[0]["module_args"] == {"endpoint_id": A}


def test_a_stopped_endpoint_ends_the_wait_within_the_grace_keeping_state_across_reads(monkeypatch):
    harness = Harness(monkeypatch, {"endpoint_ids": [A, B], "wait_for_state": "STARTED", "wait_timeout": 900,
                                    "wait_sleep": 5}, [{A: "STOPPED", B: "STARTING"}])
    result = harness.run()
    assert result["failed"] is True
    assert result["elapsed"] <= 30
    assert "'%s': it is STOPPED" % A in result["msg"]
    assert [e["state"] for e in result["endpoints"]] == ["STOPPED", "STARTING"]


def test_a_timeout_fails_naming_what_was_awaited_and_returns_the_endpoints(monkeypatch):
    harness = Harness(monkeypatch, {"endpoint_id": A, "wait_for_state": "STARTED", "wait_timeout": 12,
                                    "wait_sleep": 5}, [{A: "STARTING"}])
    result = harness.run()
    assert result["failed"] is True
    assert result["msg"].startswith("timed out after 1")
    assert "'%s' (state STARTING)" % A in result["msg"]
    assert result["endpoint"] == {"id": A, "state": "STARTING"}
    # No read starts after the timeout.
    assert harness.fake_time.now <= 12 + 0.5


def test_a_failed_read_during_the_wait_returns_the_module_failure(monkeypatch):
    harness = Harness(monkeypatch, {"endpoint_id": A, "wait_for_state": "STARTED", "wait_sleep": 1},
                      [{A: "STARTING"}], fail_on_round=3)
    result = harness.run()
    assert result["failed"] is True
    assert "timed out after 30s" in result["msg"]
    assert "(while waiting for state STARTED, after " in result["msg"]
    assert len(harness.calls) == 3


@pytest.mark.parametrize("args, message", [
    # Type errors in Ansible's own words, as the module says them when it runs the wait itself (async).
    ({"endpoint_id": A, "wait_for_state": "STARTED", "wait_timeout": "soon"},
     "argument 'wait_timeout' is of type str and we were unable to convert to float"),
    ({"endpoint_id": A, "wait_for_state": "STARTED", "wait_progress_interval": 0},
     "wait_progress_interval must be more than 0 seconds, got 0.0"),
    ({"wait_for_state": "STARTED"}, "wait_for_state needs endpoint_id or endpoint_ids: it waits for named endpoints"),
    ({"endpoint_id": A, "wait_for_state": "RUNNING"},
     "value of wait_for_state must be one of: PENDING, STARTING, STARTED, STOPPING, STOPPED, ERROR, got: RUNNING"),
    ({"endpoint_ids": [A, B], "wait_for_state": "STARTED", "concurrency": 0},
     "concurrency must be a whole number of reads at a time from 1 to 64, got 0"),
    ({"endpoint_ids": [A, B], "wait_for_state": "STARTED", "concurrency": "65"},
     "concurrency must be a whole number of reads at a time from 1 to 64, got 65"),
    ({"endpoint_ids": [A, B], "wait_for_state": "STARTED", "concurrency": "many"},
     "argument 'concurrency' is of type str and we were unable to convert to int"),
    ({"endpoint_id": A, "endpoint_ids": [B], "wait_for_state": "STARTED"},
     "parameters are mutually exclusive: endpoint_id|endpoint_ids"),
    ({"endpoint_id": A, "wait_for_state": "STARTED", "wait_for_routing": "maybe"},
     "argument 'wait_for_routing' is of type str and we were unable to convert to bool"),
])
def test_bad_wait_options_fail_before_any_read(monkeypatch, args, message):
    harness = Harness(monkeypatch, args, [{A: "STARTED"}])
    result = harness.run()
    assert result["failed"] is True and result["msg"].startswith(message), result
    assert harness.calls == []


def test_with_async_the_module_waits_by_itself(monkeypatch):
    harness = Harness(monkeypatch, {"endpoint_id": A, "wait_for_state": "STARTED"}, [{A: "STARTED"}], async_val=60)
    harness.run()
    assert harness.calls[0]["module_args"]["wait_for_state"] == "STARTED"
    assert harness.calls[0]["wrap_async"] == 60


def test_reads_near_the_deadline_get_fewer_retries_so_the_wait_ends_within_one_read(monkeypatch):
    # wait_timeout 12 and a 10 s read timeout: the wait must end by 22 s, so no read may retry past that.
    harness = Harness(monkeypatch, {"endpoint_id": A, "wait_for_state": "STARTED", "wait_timeout": 12,
                                    "wait_sleep": 5, "timeout": 10, "max_retries": 3}, [{A: "STARTING"}])
    harness.run()
    retries = [call["module_args"]["max_retries"] for call in harness.calls]
    assert harness.starts[-1] == 12.0  # reads take 0.5 s; the last one starts at the timeout
    for start, allowed in zip(harness.starts, retries):
        assert start + 10 * (allowed + 1) <= 22, (start, allowed)
    assert retries[0] == 1 and retries[-1] == 0


@pytest.mark.parametrize("concurrency", [4, "4", 4.0])
def test_every_read_of_a_wait_carries_the_concurrency_as_given(monkeypatch, concurrency):
    harness = Harness(monkeypatch, {"endpoint_ids": [A, B], "wait_for_state": "STARTED", "wait_sleep": 1,
                                    "concurrency": concurrency}, [{A: "STARTING", B: "STARTED"}, {A: "STARTED", B: "STARTED"}])
    result = harness.run()
    assert not result.get("failed"), result
    assert len(harness.calls) == 2
    assert all(call["module_args"] == {"endpoint_ids": [A, B], "concurrency": concurrency} for call in harness.calls)


def test_a_read_without_wait_passes_the_concurrency_to_the_module(monkeypatch):
    harness = Harness(monkeypatch, {"endpoint_ids": [A, B], "concurrency": 2}, [{A: "STARTED", B: "STARTED"}])
    harness.run()
    assert [call["module_args"] for call in harness.calls] == [{"endpoint_ids": [A, B], "concurrency": 2}]


def test_a_wait_reads_every_wait_sleep_counted_from_the_start_of_each_read(monkeypatch):
    # Each read is a module run of 0.5 s: the polls still start every wait_sleep, not every wait_sleep + 0.5 s.
    harness = Harness(monkeypatch, {"endpoint_id": A, "wait_for_state": "STARTED", "wait_sleep": 2},
                      [{A: "STARTING"}] * 3 + [{A: "STARTED"}])
    result = harness.run()
    assert not result.get("failed"), result
    assert harness.starts == [0.0, 2.0, 4.0, 6.0]
    assert harness.fake_time.sleeps == [1.5, 1.5, 1.5]
    assert result["elapsed"] == 6.5


def test_loading_the_action_plugin_imports_neither_the_client_nor_the_wait_code():
    # Ansible loads the action plugin on the controller for every play that uses the module, waits or not: a plain
    # read must not pay for requests and the option checks there (about 70 ms).
    collections_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.dirname(os.path.abspath(action_plugin.__file__)))))))
    code = ("import json, sys\n"
            "import ansible_collections.together.ai.plugins.action.together_endpoint_info as plugin\n"
            "print(json.dumps([plugin.ActionModule.__name__, sorted(sys.modules)]))\n")
    completed = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE, timeout=60, check=True,
                               env=dict(os.environ, PYTHONPATH=collections_root))
    name, imported = json.loads(completed.stdout.decode("utf-8"))
    assert name == "ActionModule"
    assert "requests" not in imported
    heavy = ("_client", "_transport", "_controller_wait", "_polling", "_endpoint_info", "_connection")
    assert not [module for module in imported if module.startswith("ansible_collections.together.ai.plugins.")
                and module.rsplit(".", 1)[-1] in heavy]


# -- later polls get what the first resolved (the project, model names) ---------------------------------------------

V2 = "ep_CbJNwQC2ZqCU2iFT3mrCh"
MODEL_PATH = "projects/proj_together/models/ml_Cb/revisions/rv_Cb"


class V2Harness(Harness):
    """Answers as the module does for a v2 endpoint read with whoami: the project and the deployments' model names."""

    def execute_module(self, module_name=None, module_args=None, task_vars=None, wrap_async=False):
        answer = super(V2Harness, self).execute_module(module_name, module_args, task_vars, wrap_async)
        for endpoint in answer.get("endpoints") or []:
            endpoint["deployments"] = [{"id": "dep_blue", "model": MODEL_PATH, "model_name": "meta-llama/Llama-3.3-70B"}]
        if not answer.get("failed"):
            answer.update(project_id="proj_x", project_slug="x-project")
        return answer


def test_later_polls_of_a_wait_get_the_project_and_model_names_of_the_first(monkeypatch):
    harness = V2Harness(monkeypatch, {"endpoint_id": V2, "wait_for_state": "STARTED", "wait_sleep": 1, "api_key": "k",
                                      "_task_cache": {"project_id": "proj_forged"}},
                        [{V2: "STARTING"}, {V2: "STARTING"}, {V2: "STARTED"}])
    result = harness.run()
    assert not result.get("failed"), result
    args = [call["module_args"] for call in harness.calls]
    assert len(args) == 3
    assert "_task_cache" not in args[0]  # the task's own value never reaches the module
    expected = {"project_id": "proj_x", "project_slug": "x-project", "model_names": {MODEL_PATH: "meta-llama/Llama-3.3-70B"}}
    assert args[1]["_task_cache"] == expected and args[2]["_task_cache"] == expected
    # The project goes to the later polls through the public project_id option.
    assert dict((k, v) for k, v in args[0].items() if k != "_task_cache") == {"endpoint_id": V2, "api_key": "k"}
    later = {"endpoint_id": V2, "api_key": "k", "project_id": "proj_x"}
    assert all(dict((k, v) for k, v in call.items() if k != "_task_cache") == later for call in args[1:])
    assert "_task_cache" not in result
    assert (result["project_id"], result["project_slug"]) == ("proj_x", "x-project")


def test_a_plain_read_drops_a_task_cache_given_in_the_task(monkeypatch):
    harness = Harness(monkeypatch, {"endpoint_ids": [A], "_task_cache": {"project_id": "proj_forged"}}, [{A: "STARTED"}])
    harness.run()
    assert harness.calls[0]["module_args"] == {"endpoint_ids": [A]}
