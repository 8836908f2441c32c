# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The model test's plumbing: the bundled simulator in this process, and together_endpoint run as a task would run it.

A task is the real action plugin (plugins/action/together_endpoint.py) whose _execute_module runs the real module's
main() in this process (together_endpoint for the write passes, together_endpoint_info for the waits' reads), with
the args the controller sends (_ansible_check_mode, _ansible_diff), against the simulator's URL. The pass loop, the
waits, the planner and the writer all run; only the process boundary is skipped.

Outages come from the simulator's monitor (GET /_simulator/outages). Until the simulator has it (the route answers
404), a stand-in here watches the same rule from inside the process (after every API request and control call),
so the test still tells who stopped an endpoint serving; `monitor.source` says which one answered.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import functools
import io
import json
import os
import sys
import threading
import time
import traceback

from unittest.mock import MagicMock

import requests

from ansible.module_utils.common.parameters import PASS_VARS
from ansible.module_utils.testing import patch_module_args
from ansible.playbook.task import Task

from ansible_collections.together.ai.plugins.action import together_endpoint as action_plugin
from ansible_collections.together.ai.plugins.module_utils import _client, _connection
from ansible_collections.together.ai.plugins.modules import together_endpoint, together_endpoint_info
from ansible_collections.together.ai.plugins.plugin_utils import _controller_wait

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIMULATOR_DIR = os.path.join(COLLECTION_ROOT, "simulator")
if SIMULATOR_DIR not in sys.path:
    sys.path.insert(0, SIMULATOR_DIR)

from together_simulator.scenario import normalize_scenario  # noqa: E402  pylint: disable=wrong-import-position
from together_simulator.server import make_server  # noqa: E402  pylint: disable=wrong-import-position
from together_simulator.simulation import Simulation  # noqa: E402  pylint: disable=wrong-import-position

API_KEY = "sim-key"
PROJECT = {"id": "proj_model", "slug": "model-project", "name": "Model test project"}
# Provisioning and stopping take a few tenths of a second, so a task with waits takes about one second.
TIMINGS = {"pending": 0.1, "starting": 0.1, "stopping": 0.1, "provisioning": 0.15, "scaling": 0.15}
SCENARIO = {"project": PROJECT, "timings": TIMINGS, "owner": "devuser"}
WRITE_MODULE = "together.ai.together_endpoint"
READ_MODULE = "together.ai.together_endpoint_info"
MODULES = {WRITE_MODULE: together_endpoint.main, READ_MODULE: together_endpoint_info.main}
# The query parameter that marks the second writer's requests in the simulator's request log.
WRITER_MARK = "model_test_writer"
# The retries' backoff sleeps are capped (their logic is unchanged): a 500 costs 0.05 s, not 0.5 to 1 s.
RETRY_SLEEP_CAP = 0.05
INJECT_INVOCATION = "inject_invocation" in PASS_VARS


class Simulator:
    """The bundled simulator on 127.0.0.1 (a free port), served from a thread of this process."""

    def __init__(self):
        self.sim = Simulation(normalize_scenario(SCENARIO))
        self.server = make_server("127.0.0.1", 0, self.sim, quiet=True)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.root = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.session = requests.Session()
        self.monitor = OutageMonitor(self)

    def close(self):
        self.server.stop_event.set()
        self.server.shutdown()
        self.thread.join(5)
        self.server.server_close()
        self.session.close()

    def control(self, method, path, **kwargs):
        kwargs.setdefault("timeout", 10)
        response = self.session.request(method, "%s/_simulator/%s" % (self.root, path), **kwargs)
        self.monitor.observed_control(method, path)
        return response

    def reset(self):
        answer = self.control("POST", "scenario", json=SCENARIO)
        assert answer.status_code == 200, answer.text
        self.control("DELETE", "faults")
        self.control("DELETE", "requests")
        self.monitor.reset()

    def requests_log(self):
        return self.control("GET", "requests").json()["requests"]

    def add_fault(self, fault):
        answer = self.control("POST", "faults", json={"faults": [fault]})
        assert answer.status_code in (200, 201), answer.text

    def clear_faults(self):
        self.control("DELETE", "faults")

    def force_state(self, deployment_id, state, message=None):
        body = {"state": state}
        if message:
            body["message"] = message
        answer = self.control("POST", "deployments/%s/state" % deployment_id, json=body)
        assert answer.status_code == 200, answer.text

    # -- what is there (read in-process: no request in the log, no fault in the way) ------------------------------

    def snapshot(self):
        """[{id, name, deployments: [{id, name, state, min, max, weight}], split, serving}] of every v2 endpoint."""
        sim = self.sim
        with sim.lock:
            now = sim.now()
            endpoints = []
            for endpoint in sim.v2.endpoints.values():
                weights = dict((entry["deploymentId"], entry["weight"]) for entry in endpoint.traffic_split)
                deployments = [dict(id=item.id, name=item.name, state=item.timeline.state(now).replace("DEPLOYMENT_STATE_", ""),
                                    min=item.autoscaling["minReplicas"], max=item.autoscaling["maxReplicas"],
                                    weight=weights.get(item.id, 0))
                               for item in endpoint.deployments.values()]
                endpoints.append(dict(id=endpoint.id, name=endpoint.name, deployments=deployments,
                                      serving=_serving(sim, endpoint, now)))
        return endpoints

    def endpoint(self, name):
        return next((item for item in self.snapshot() if item["name"] == name), None)

    # -- a second writer, through the API ----------------------------------------------------------------------------

    def writer(self, method, path, **kwargs):
        kwargs.setdefault("timeout", 10)
        params = dict(kwargs.pop("params", None) or {}, **{WRITER_MARK: "1"})
        headers = {"Authorization": "Bearer " + API_KEY}
        return self.session.request(method, self.root + path, params=params, headers=headers, **kwargs)


def _serving(sim, endpoint, now):
    """The outage rule: a live deployment with ready replicas and traffic weight > 0 (what inference would answer)."""
    shares = sim.v2._shares(endpoint, now)  # pylint: disable=protected-access
    return any(value > 0 for value in shares.values())


class OutageMonitor:
    """GET /_simulator/outages, or (until the simulator has it) the same rule watched from this process."""

    def __init__(self, simulator):
        self.simulator = simulator
        self.source = None  # "simulator" or "stand-in", once asked
        self.outages = []
        self.serving = {}
        self.lock = threading.Lock()
        original = simulator.sim.record

        def record(request, status, *args, **kwargs):
            entry = original(request, status, *args, **kwargs)
            if self.source == "stand-in":
                index = len(simulator.sim.request_log) - 1
                self.observe(dict(kind="request", method=request.method, path=request.raw_path, request_index=index,
                                  query=entry.get("query")))
            return entry

        simulator.sim.record = record

    def reset(self):
        answer = self.simulator.session.delete(self.simulator.root + "/_simulator/outages", timeout=10)
        if answer.status_code == 404:
            self.source = "stand-in"
        elif self.source is None:
            self.source = "simulator"
        with self.lock:
            self.outages = []
            self.serving = {}
        self.observe(dict(kind="reset"))

    def observed_control(self, method, path):
        if self.source == "stand-in" and method != "GET":
            self.observe(dict(kind="control", method=method, path="/_simulator/" + path, request_index=None))

    def observe(self, cause):
        sim = self.simulator.sim
        with sim.lock:
            now = sim.now()
            serving = dict((endpoint.id, (endpoint.name, _serving(sim, endpoint, now))) for endpoint in sim.v2.endpoints.values())
        with self.lock:
            for endpoint_id, (name, now_serving) in serving.items():
                was = self.serving.get(endpoint_id, False)
                if was and not now_serving:
                    self.outages.append(dict(endpoint_id=endpoint_id, name=name, started_at=time.time(), ended_at=None,
                                             cause=cause, ended_by=None))
                elif now_serving and not was:
                    for outage in self.outages:
                        if outage["endpoint_id"] == endpoint_id and outage["ended_at"] is None:
                            outage.update(ended_at=time.time(), ended_by=cause)
            for endpoint_id in set(self.serving) - set(serving):
                if self.serving[endpoint_id]:
                    self.outages.append(dict(endpoint_id=endpoint_id, name=None, started_at=time.time(), ended_at=None,
                                             cause=cause, ended_by=None))
            self.serving = dict((key, value[1]) for key, value in serving.items())

    def state(self):
        """{"outages": [...], "serving": {endpoint_id: bool}} as the contract of GET /_simulator/outages says."""
        if self.source == "simulator":
            answer = self.simulator.session.get(self.simulator.root + "/_simulator/outages", timeout=10)
            if answer.status_code != 404:
                assert answer.status_code == 200, answer.text
                return answer.json()
            self.source = "stand-in"
        self.observe(dict(kind="timeline"))
        with self.lock:
            return dict(outages=[dict(item) for item in self.outages], serving=dict(self.serving))


# -- running a task --------------------------------------------------------------------------------------------------


def run_module(module_name, module_args, check_mode, diff):
    """One module run in this process, as the controller would get it: the JSON the module printed."""
    args = dict(module_args, _ansible_check_mode=bool(check_mode), _ansible_diff=bool(diff), _ansible_no_log=False)
    if INJECT_INVOCATION:
        args.setdefault("_ansible_inject_invocation", True)
    out = io.StringIO()
    try:
        with patch_module_args(args), contextlib.redirect_stdout(out):
            MODULES[module_name]()
    except SystemExit:
        pass
    except Exception:  # pylint: disable=broad-except
        # What the controller reports for a module that died: a traceback, no result.
        return dict(failed=True, msg="MODULE FAILURE\nSee stdout/stderr for the exact error", exception=traceback.format_exc(),
                    module_stdout=out.getvalue())
    text = out.getvalue().strip()
    try:
        return json.loads(text[text.index("{"):])
    except ValueError:
        return dict(failed=True, msg="MODULE FAILURE\nno JSON on stdout", module_stdout=text)


class TaskRunner:
    """together_endpoint's action plugin with module runs in this process; one ActionModule per task."""

    def __init__(self):
        self.module_runs = []
        self.progress = []
        self._race = None
        _controller_wait.display.display = lambda msg, *args, **kwargs: self.progress.append(msg)
        _connection.TogetherClient = functools.partial(_client.TogetherClient, sleep=lambda seconds: time.sleep(min(seconds, RETRY_SLEEP_CAP)))
        real_request = _client.TogetherClient.request
        runner = self

        def request(client, method, *args, **kwargs):
            if runner._race is not None and method in ("POST", "PATCH", "DELETE"):
                race, runner._race = runner._race, None
                race()
            return real_request(client, method, *args, **kwargs)

        _client.TogetherClient.request = request

    def race_before_next_write(self, action):
        """Run `action` (the second writer) just before the module's next write request goes out."""
        self._race = action

    def disarm(self):
        fired = self._race is None
        self._race = None
        return fired

    def run(self, args, check_mode=False, diff=False):
        action_plugin._TASK_CACHE.clear()  # each task runs in a fresh worker process  pylint: disable=protected-access
        task = Task()
        task.args = dict(args)
        task.check_mode = check_mode
        task.diff = diff
        task.async_val = 0
        connection = MagicMock()
        connection._shell.tmpdir = None  # pylint: disable=protected-access
        play_context = MagicMock()
        play_context.check_mode = check_mode
        action = action_plugin.ActionModule(task, connection, play_context, loader=None, templar=None, shared_loader_obj=None)

        def execute_module(module_name=None, module_args=None, task_vars=None, wrap_async=False):  # pylint: disable=unused-argument
            result = run_module(module_name, module_args, check_mode, diff)
            self.module_runs.append((module_name, dict(module_args), result))
            return result

        action._execute_module = execute_module
        action._remove_tmp_path = lambda path: None
        try:
            return action.run(task_vars={"inventory_hostname": "localhost"})
        except Exception:  # pylint: disable=broad-except
            return dict(failed=True, msg="ACTION PLUGIN FAILURE", exception=traceback.format_exc())
