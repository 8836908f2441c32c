# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""together_endpoint's action plugin: write passes of the module, and the controller waits between them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest.mock import MagicMock

import pytest

from ansible.playbook.task import Task

from ansible_collections.together.ai.plugins.action import together_endpoint as action_plugin
from ansible_collections.together.ai.plugins.plugin_utils import _controller_wait, _task_cache
from ansible_collections.together.ai.tests.unit._helpers import FakeTime

EP = "ep_CbJNwQC2ZqCU2iFT3mrCh"
DEP = "dep_CbzGdmn14t3HYrXXitmKa"
WRITE = "together.ai.together_endpoint"
READ = "together.ai.together_endpoint_info"


@pytest.fixture(autouse=True)
def fresh_task_cache(monkeypatch):
    """Each test is its own task: nothing an earlier test's module resolved reaches it."""
    monkeypatch.setattr(action_plugin, "_TASK_CACHE", {})


def write_pass(actions, pending=(), before=None, after=None, state="STARTED", **extra):
    result = dict(changed=bool(actions), actions=list(actions), pending=list(pending), retried=[], exists=True,
                  endpoint={"id": EP, "api_version": "v1-like", "state": state},
                  diff=dict(before=before or {}, after=after or {}))
    result.update(extra)
    return result


def pending(state, then):
    return dict(endpoint_id=EP, deployment_id=DEP, name="main", state=state, then=then)


class Harness:
    """The ActionModule with module calls answered from a script: write passes, and reads finding `read_states` in turn."""

    def __init__(self, monkeypatch, args, passes, read_states=("STARTED",), check_mode=False, read_failure=None):
        self.fake_time = FakeTime()
        self.lines = []
        self.calls = []
        self.passes = list(passes)
        self.read_states = list(read_states)
        self.read_failure = read_failure
        for module in (action_plugin, _controller_wait):
            monkeypatch.setattr(module, "time", self.fake_time)
        monkeypatch.setattr(_controller_wait.display, "display", lambda msg, *a, **k: self.lines.append(msg))
        task = Task()
        task.args = dict(args)
        task.check_mode = check_mode
        task.async_val = 0
        connection = MagicMock()
        connection._shell.tmpdir = None
        play_context = MagicMock()
        play_context.check_mode = check_mode
        self.action = action_plugin.ActionModule(task, connection, play_context, loader=None, templar=None,
                                                 shared_loader_obj=None)
        self.action._execute_module = self.execute_module
        self.action._remove_tmp_path = lambda path: None

    def execute_module(self, module_name=None, module_args=None, task_vars=None, wrap_async=False):
        self.calls.append((module_name, dict(module_args)))
        self.fake_time.now += 0.5
        if module_name == WRITE:
            return self.passes.pop(0)
        if self.read_failure:
            return dict(failed=True, msg=self.read_failure)
        state = self.read_states.pop(0) if len(self.read_states) > 1 else self.read_states[0]
        endpoint = {"id": module_args["endpoint_id"], "state": state}
        return dict(changed=False, exists=True, endpoint=endpoint, endpoints=[endpoint], missing=[])

    def run(self):
        return self.action.run(task_vars={"inventory_hostname": "ci-runner"})

    @property
    def reads(self):
        return [args for name, args in self.calls if name == READ]


def test_a_new_deployment_is_awaited_then_routed_by_a_second_pass(monkeypatch):
    first = write_pass(["create endpoint 'chat'", "create deployment 'main'"], [pending("READY", "route")],
                       before={}, after={"deployments": {"main": {"traffic_weight": 0}}})
    second = write_pass(["route 'main'"], after={"deployments": {"main": {"traffic_weight": 1}}})
    harness = Harness(monkeypatch, {"name": "chat", "model": "m", "wait": True, "api_key": "k", "wait_timeout": 100},
                      [first, second], read_states=["STARTED"])
    result = harness.run()
    assert [name for name, _args in harness.calls] == [WRITE, READ, WRITE]
    # The wait's reads are plain reads of the deployment (the wait options stay on the controller).
    assert harness.reads == [dict(api_key="k", endpoint_id=EP, deployment=DEP)]
    assert result["changed"] is True
    assert result["actions"] == ["create endpoint 'chat'", "create deployment 'main'", "route 'main'"]
    assert result["diff"] == dict(before={}, after={"deployments": {"main": {"traffic_weight": 1}}})
    assert result["elapsed"] >= 0.5
    assert "warnings" not in result


def test_without_wait_routing_is_left_for_a_rerun_and_says_so(monkeypatch):
    harness = Harness(monkeypatch, {"name": "chat", "model": "m"}, [write_pass(["create"], [pending("READY", "route")])])
    result = harness.run()
    assert [name for name, _args in harness.calls] == [WRITE]
    assert result["warnings"] == ["not waited for (wait is false): deployment main to be READY, then route; run the task "
                                  "again once that is done, or set wait: true"]


def test_absent_always_waits_for_the_stop_before_deleting(monkeypatch):
    passes = [write_pass(["unroute", "stop"], [pending("STOPPED", "delete")], state="STOPPING"),
              write_pass(["delete deployment", "delete endpoint"], exists=False, endpoint=None)]
    harness = Harness(monkeypatch, {"name": "chat", "state": "absent", "wait_sleep": 1},
                      passes, read_states=["STOPPING", "STOPPED"])
    result = harness.run()
    assert [name for name, _args in harness.calls] == [WRITE, READ, READ, WRITE]
    assert harness.reads == [dict(endpoint_id=EP, deployment=DEP)] * 2
    assert len(harness.lines) == 1
    assert harness.lines[0].startswith("[ci-runner] together_endpoint: Waiting for state STOPPED, 0 s of 1800 s: "
                                       "'%s' (state STOPPING)" % EP)
    assert result["actions"] == ["unroute", "stop", "delete deployment", "delete endpoint"]
    assert result["exists"] is False


def test_started_waits_until_the_endpoint_serves(monkeypatch):
    harness = Harness(monkeypatch, {"name": "chat", "state": "started"}, [write_pass(["start"], project_id="proj_x")],
                      read_states=["STARTING", "STARTED"])
    result = harness.run()
    # The project the module resolved goes with the reads, so they need no whoami (and with what the pass resolved).
    assert [_task_cache.without_cache(read) for read in harness.reads] == [dict(endpoint_id=EP, project_id="proj_x")] * 2
    assert [read["_task_cache"]["project_id"] for read in harness.reads] == ["proj_x"] * 2
    assert "Waiting for state STARTED" in harness.lines[0]
    assert result["endpoint"] == {"id": EP, "state": "STARTED"}
    assert result["changed"] is True


def test_check_mode_runs_the_module_once_and_never_waits(monkeypatch):
    harness = Harness(monkeypatch, {"name": "chat", "state": "absent"},
                      [write_pass(["unroute", "stop"], [pending("STOPPED", "delete")])], check_mode=True)
    result = harness.run()
    assert [name for name, _args in harness.calls] == [WRITE]
    assert result["actions"] == ["unroute", "stop"]


def test_a_failed_wait_fails_the_task_saying_what_already_changed(monkeypatch):
    harness = Harness(monkeypatch, {"name": "chat", "model": "m", "wait": True},
                      [write_pass(["create"], [pending("READY", "route")])],
                      read_failure="endpoint 'ep_x': HTTP 500 from http://api/v2/...: boom")
    result = harness.run()
    assert result["failed"] is True
    assert result["changed"] is True
    assert result["actions"] == ["create"]
    assert "boom" in result["msg"] and "while waiting for state STARTED" in result["msg"]


def test_a_failed_first_pass_is_returned_as_is(monkeypatch):
    failure = dict(failed=True, msg="min_replicas (3) must not be greater than max_replicas (2)")
    harness = Harness(monkeypatch, {"name": "chat"}, [failure])
    assert harness.run()["msg"] == failure["msg"]
    assert len(harness.calls) == 1


# -- a loop's items share what the module resolved (whoami's project, model names) ----------------------------------

MODEL_PATH = "projects/proj_together/models/ml_CbJNwQC2ZqCU2iFT3mrCh/revisions/rv_CbJ9yNrws93VQrZum1fTE"


def no_op(project_id="proj_x", slug="x-project", model_name="meta-llama/Llama-3.3-70B-Instruct-Turbo"):
    endpoint = {"id": EP, "api_version": "v2", "state": "STARTED",
                "deployments": [{"id": DEP, "model": MODEL_PATH, "model_name": model_name}]}
    return write_pass([], endpoint=endpoint, project_id=project_id, project_slug=slug)


def item(monkeypatch, args, answer):
    harness = Harness(monkeypatch, args, [answer])
    result = harness.run()
    return harness.calls[0][1], result


def test_the_next_item_of_a_loop_gets_the_project_and_model_names_the_first_resolved(monkeypatch):
    first_args, first = item(monkeypatch, {"name": "chat-1", "model": "m", "api_key": "k"}, no_op())
    second_args, second = item(monkeypatch, {"name": "chat-2", "model": "m", "api_key": "k"}, no_op())
    assert "_task_cache" not in first_args
    assert second_args["_task_cache"] == {"project_id": "proj_x", "project_slug": "x-project",
                                          "model_names": {MODEL_PATH: "meta-llama/Llama-3.3-70B-Instruct-Turbo"}}
    assert second_args["name"] == "chat-2"
    # The cache stays between the plugin and the module: never in the task's result.
    assert "_task_cache" not in first and "_task_cache" not in second


@pytest.mark.parametrize("other", [{"api_key": "k2"}, {"base_url": "http://other/v1"}, {"project_id": "proj_y"}],
                         ids=["other-key", "other-api", "other-project"])
def test_an_item_with_another_key_api_or_project_shares_nothing(monkeypatch, other):
    item(monkeypatch, {"name": "chat-1", "api_key": "k"}, no_op())
    second_args, _result = item(monkeypatch, dict({"name": "chat-2", "api_key": "k"}, **other), no_op())
    assert "_task_cache" not in second_args


def test_a_task_cache_given_in_the_task_is_not_passed_on(monkeypatch):
    args, _result = item(monkeypatch, {"name": "chat", "_task_cache": {"project_id": "proj_forged"}}, no_op())
    assert "_task_cache" not in args


def test_an_unknown_option_fails_before_the_module_runs_naming_only_the_options(monkeypatch):
    harness = Harness(monkeypatch, {"name": "chat", "replicas": 2, "_task_cache": {"project_id": "proj_forged"}}, [])
    result = harness.run()
    assert harness.calls == []
    assert result["failed"] is True and "Unsupported parameters" in result["msg"]
    assert "module: replicas. Supported parameters include" in result["msg"]
    assert "_task_cache" not in result["msg"] and "min_replicas" in result["msg"]
    assert harness.action._task.args["_task_cache"] == {"project_id": "proj_forged"}  # the task itself is left alone


def test_a_failed_item_teaches_the_next_nothing(monkeypatch):
    item(monkeypatch, {"name": "chat-1"}, dict(no_op(), failed=True, msg="boom"))
    second_args, _result = item(monkeypatch, {"name": "chat-2"}, no_op())
    assert "_task_cache" not in second_args


def test_the_waits_of_a_task_start_from_what_its_passes_resolved(monkeypatch):
    first = dict(no_op(), actions=["create deployment 'main'"], changed=True, pending=[pending("READY", "route")])
    harness = Harness(monkeypatch, {"name": "chat", "model": "m", "api_key": "k", "state": "started"},
                      [first, write_pass(["route 'main'"])], read_states=["STARTED"])
    result = harness.run()
    assert not result.get("failed"), result
    assert [name for name, _args in harness.calls] == [WRITE, READ, WRITE, READ]
    known = {"project_id": "proj_x", "project_slug": "x-project",
             "model_names": {MODEL_PATH: "meta-llama/Llama-3.3-70B-Instruct-Turbo"}}
    # No poll of either wait asks whoami or reads the model's name again, nor does the second pass.
    assert [args.get("_task_cache") for _name, args in harness.calls[1:]] == [known, known, known]


@pytest.mark.parametrize("value", [float("inf"), "inf", "nan", -5], ids=["inf", "inf-templated", "nan-templated", "negative"])
def test_a_wait_timeout_that_is_not_finite_fails_before_the_module_runs(monkeypatch, value):
    # wait_timeout: inf used to create the endpoint and its deployment, then fail converting infinity to an integer.
    harness = Harness(monkeypatch, {"name": "chat", "model": "m", "hardware": "h", "wait_timeout": value}, [])
    result = harness.run()
    assert harness.calls == []
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"] == "wait_timeout must be a finite number of 0 or more seconds, got %r" % (value,)
