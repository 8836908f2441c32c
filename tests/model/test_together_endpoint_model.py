# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A model-based test: together.ai.together_endpoint never loses traffic, whatever sequence of declared states
(create, scale, canary, blue/green with purge, stop, start, absent) and disturbances (a second writer, a deployment
forced FAILED, a fault on the next write) it meets.

After every step: (1) no outage caused by a request of the module unless the declared state is stopped or absent (or
the endpoint was not serving when the step began); (2) nothing in the simulator that no declared state names, and a
failed step says what it already changed; (3) a rerun of the same declared state, faults cleared, reports no change
(or, after a failure, succeeds or fails with a clear message); (4) check mode with diff, run first when nothing
disturbs the step, predicts the real run's final diff `after`. And never a traceback.

make model: a short derandomized run. make stress: MODEL_EXAMPLES and MODEL_STEPS raise it, randomized.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

import pytest

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule, run_state_machine_as_test

from ansible_collections.together.ai.tests.model._harness import API_KEY, WRITER_MARK, Simulator, TaskRunner

NAME = "chat"
MODEL = "meta-llama/Llama-3.1-8B-Instruct"
HARDWARE = {"blue": "1xnvidia-h100-80gb", "green": "1xnvidia-a100-80gb"}
OTHER = {"blue": "green", "green": "blue"}
WAIT_TIMEOUT = 8
WAIT_SLEEP = 0.05
TIMEOUT = 5.0
SLOW_TIMEOUT = 0.5  # the task's timeout when a slow answer (SLOW_SECONDS) is injected
SLOW_SECONDS = 1.0
DIFF_FIELDS = ("model", "hardware", "min_replicas", "max_replicas", "traffic_weight")
# (kind, method): what the next task meets on its first matching request.
FAULTS = [("status500", "PATCH"), ("status500", "POST"), ("status500", "DELETE"), ("status409", "PATCH"),
          ("reset", "PATCH"), ("reset", "POST"), ("slow", "PATCH"), ("slow", "POST")]
WRITE_METHODS = ("POST", "PATCH", "DELETE")

EXAMPLES = int(os.environ.get("MODEL_EXAMPLES", "5"))
STEPS = int(os.environ.get("MODEL_STEPS", "15"))
# To look past a violation already known: MODEL_SKIP=race (the second writer acts between steps only), writer, failed, fault.
SKIP = set(os.environ.get("MODEL_SKIP", "").replace(",", " ").split())
STRESS = "MODEL_EXAMPLES" in os.environ or "MODEL_STEPS" in os.environ


class ServingViolation(AssertionError):
    """1. A request of the module stopped a serving endpoint from serving."""


class LeftoverViolation(AssertionError):
    """2. Something no declared state names, or a failure that hides what it changed."""


class ConvergenceViolation(AssertionError):
    """3. A rerun changed something after a success, or failed unclearly after a failure."""


class CheckModeViolation(AssertionError):
    """4. Check mode's diff after differs from the real run's."""


class TracebackViolation(AssertionError):
    """A module or plugin failure without a clear message."""


SIMULATOR = {}


def simulator():
    if "server" not in SIMULATOR:
        SIMULATOR["server"] = Simulator()
        SIMULATOR["runner"] = TaskRunner()
    return SIMULATOR["server"], SIMULATOR["runner"]


def bounds():
    return st.tuples(st.integers(1, 2), st.integers(0, 1)).map(lambda pair: (pair[0], pair[0] + pair[1]))


def _projection(diff_after):
    deployments = (diff_after or {}).get("deployments") or {}
    projected = {}
    for name, view in deployments.items():
        item = {}
        for field in DIFF_FIELDS:
            value = (view or {}).get(field)
            item[field] = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
        projected[name] = item
    return projected


def _traceback_problem(result):
    msg = result.get("msg")
    if isinstance(msg, str) and (msg.startswith("MODULE FAILURE") or msg.startswith("ACTION PLUGIN FAILURE")):
        return "a Python traceback, not a result: %s" % (result.get("exception") or msg)
    if result.get("exception") and not (isinstance(msg, str) and msg.strip()):
        return "an exception without a clear msg: %s" % result.get("exception")
    if result.get("failed") and not (isinstance(msg, str) and msg.strip()):
        return "a failure without msg: %r" % result
    return None


class EndpointMachine(RuleBasedStateMachine):
    """One v2 endpoint `chat` declared step by step; deployments blue and green."""

    def __init__(self):
        super(EndpointMachine, self).__init__()
        self.sim, self.runner = simulator()
        self.spec = {}  # name -> dict(min, max, weight): the deployments last declared, re-declared by the next steps
        self.declared = set()  # every deployment name some declared state named so far
        self.fault = None
        self.race = None  # (label, action) of a second writer racing the next task's first write
        self.disturbed = False
        self.history = []

    # -- set-up --------------------------------------------------------------------------------------------------

    @initialize()
    def fresh_simulator(self):
        self.sim.reset()

    def teardown(self):
        if os.environ.get("MODEL_VERBOSE"):
            print("\n-- example:\n  " + "\n  ".join(self.history))

    # -- what the model believes -----------------------------------------------------------------------------------

    def current(self):
        return self.sim.endpoint(NAME)

    def exists(self):
        return self.current() is not None

    def deployments(self):
        endpoint = self.current()
        return dict((item["name"], item) for item in (endpoint or {}).get("deployments") or [])

    def base_args(self, state):
        return dict(name=NAME, state=state, wait=True, wait_timeout=WAIT_TIMEOUT, wait_sleep=WAIT_SLEEP, api_key=API_KEY,
                    base_url=self.sim.root, allow_plain_http=True, timeout=TIMEOUT, max_retries=2)

    def declared_deployments(self, state="started", purge=False):
        args = self.base_args(state)
        args["deployments"] = [dict(name=name, model=MODEL, hardware=HARDWARE[name], min_replicas=item["min"],
                                    max_replicas=item["max"], traffic_weight=item["weight"])
                               for name, item in sorted(self.spec.items())]
        if purge:
            args["purge_deployments"] = True
        return args

    # -- declared states ---------------------------------------------------------------------------------------------

    @rule(minmax=bounds())
    def create_blue(self, minmax):
        """The one-deployment shorthand: blue takes all the traffic (creates the endpoint when missing)."""
        args = self.base_args("started")
        args.update(model=MODEL, hardware=HARDWARE["blue"], deployment_name="blue", min_replicas=minmax[0],
                    max_replicas=minmax[1])
        self.spec = {"blue": dict(min=minmax[0], max=minmax[1], weight=1)}
        self.step("create/declare blue %d/%d" % minmax, args)

    @precondition(lambda self: bool(self.spec) and self.exists())
    @rule(data=st.data(), minmax=bounds())
    def scale(self, data, minmax):
        name = data.draw(st.sampled_from(sorted(self.spec)), label="deployment")
        self.spec[name].update(min=minmax[0], max=minmax[1])
        self.step("scale %s to %d/%d" % ((name,) + minmax), self.declared_deployments())

    @precondition(lambda self: self.exists())
    @rule(weights=st.sampled_from([(9, 1), (1, 1), (1, 9)]))
    def canary(self, weights):
        for name, weight in zip(("blue", "green"), weights):
            item = self.spec.get(name) or dict(min=1, max=1)
            self.spec[name] = dict(item, weight=weight)
        self.step("canary blue %d / green %d" % weights, self.declared_deployments())

    @precondition(lambda self: bool(self.spec) and self.exists())
    @rule()
    def blue_green_purge(self):
        primary = max(sorted(self.spec), key=lambda name: self.spec[name]["weight"])
        target = OTHER[primary]
        item = self.spec.get(target) or dict(min=1, max=1)
        self.spec = {target: dict(item, weight=1)}
        self.step("blue/green: only %s, purge_deployments" % target, self.declared_deployments(purge=True))

    @precondition(lambda self: self.exists())
    @rule()
    def stop(self):
        self.step("stop", self.base_args("stopped"))

    @precondition(lambda self: self.exists())
    @rule()
    def start(self):
        self.step("start (no deployments declared)", self.base_args("started"))

    @rule()
    def absent(self):
        self.spec = {}
        self.step("absent", self.base_args("absent"))

    # -- disturbances (before the next step) ---------------------------------------------------------------------------

    @precondition(lambda self: "writer" not in SKIP and bool(self.deployments()))
    @rule(data=st.data(), change=st.sampled_from(["max+1", "min+1", "min-1", "stop"]), racing=st.booleans())
    def second_writer_scales(self, data, change, racing):
        name = data.draw(st.sampled_from(sorted(self.deployments())), label="deployment")

        def act():
            endpoint = self.current()
            if endpoint is None:
                return
            deployment = next((item for item in endpoint["deployments"] if item["name"] == name), None)
            if deployment is None:
                return
            low, high = deployment["min"], deployment["max"]
            if change == "max+1":
                high += 1
            elif change == "min+1":
                low, high = low + 1, max(high, low + 1)
            elif change == "min-1":
                low = max(low - 1, 1 if high else 0)
            else:
                low, high = 0, 0
            path = "/v2/projects/%s/endpoints/%s/deployments/%s" % (self.project(), endpoint["id"], deployment["id"])
            etag = self.sim.writer("GET", path).json().get("etag")
            self.sim.writer("PATCH", path, params={"updateMask": "autoscaling"},
                            json={"autoscaling": {"minReplicas": low, "maxReplicas": high}, "etag": etag})

        self.disturb("second writer: %s of %s%s" % (change, name, " (racing the next write)" if racing else ""), act, racing)

    @precondition(lambda self: "writer" not in SKIP and bool(self.deployments()))
    @rule(weights=st.lists(st.integers(0, 5), min_size=2, max_size=2), racing=st.booleans())
    def second_writer_splits(self, weights, racing):
        def act():
            endpoint = self.current()
            if endpoint is None:
                return
            split = [dict(deploymentId=item["id"], weight=weight)
                     for item, weight in zip(sorted(endpoint["deployments"], key=lambda item: item["name"]), weights) if weight]
            path = "/v2/projects/%s/endpoints/%s" % (self.project(), endpoint["id"])
            etag = self.sim.writer("GET", path).json().get("etag")
            self.sim.writer("PATCH", path, params={"updateMask": "trafficSplit"}, json={"trafficSplit": split, "etag": etag})

        self.disturb("second writer: traffic split %s%s" % (weights, " (racing the next write)" if racing else ""), act, racing)

    @precondition(lambda self: "failed" not in SKIP and bool(self.deployments()))
    @rule(data=st.data())
    def deployment_fails(self, data):
        name = data.draw(st.sampled_from(sorted(self.deployments())), label="deployment")
        deployment_id = self.deployments()[name]["id"]
        self.disturb("deployment %s forced FAILED" % name,
                     lambda: self.sim.force_state(deployment_id, "FAILED", "Replica crashed (model test)"), False)

    @precondition(lambda self: "fault" not in SKIP)
    @rule(fault=st.sampled_from(FAULTS))
    def fault_on_next_task(self, fault):
        self.fault = fault
        self.history.append("fault for the next task: %s on %s" % fault)

    def disturb(self, label, act, racing):
        if racing and "race" in SKIP:
            racing, label = False, label.replace(" (racing the next write)", "")
        self.history.append(label)
        if racing:
            self.race = (label, act)
        else:
            act()
            self.disturbed = True

    def project(self):
        return self.sim.sim.v2.project["id"]

    # -- one step and its invariants -----------------------------------------------------------------------------------

    def step(self, label, args):
        self.declared.update(item["name"] for item in args.get("deployments") or [])
        if args.get("deployment_name"):
            self.declared.add(args["deployment_name"])
        quiet = self.fault is None and self.race is None and not self.disturbed
        predicted = None
        if quiet:
            predicted = self.runner.run(args, check_mode=True, diff=True)
            self.no_traceback("check mode of " + label, predicted)
        run_args = dict(args)
        fault, race = self.fault, self.race
        self.fault, self.race, self.disturbed = None, None, False
        if fault:
            self.inject(fault, run_args)
        if race:
            self.runner.race_before_next_write(race[1])
        before = self.observe()
        result = self.runner.run(run_args, diff=True)
        self.runner.disarm()
        self.sim.clear_faults()
        self.history.append("%s -> %s" % (label, self.outcome(result)))
        self.no_traceback(label, result)
        self.serving_rule(label, args, before, result)
        self.no_leftovers(label, before, result)
        if predicted is not None and not result.get("failed") and not predicted.get("failed"):
            self.check_mode_predicts(label, predicted, result)
        # 3. Convergence: the same declared state again, nothing injected.
        before = self.observe()
        rerun = self.runner.run(args, diff=True)
        self.history.append("rerun -> %s" % self.outcome(rerun))
        self.no_traceback("rerun of " + label, rerun)
        self.serving_rule("rerun of " + label, args, before, rerun)
        self.no_leftovers("rerun of " + label, before, rerun)
        if not result.get("failed"):
            if rerun.get("failed") or rerun.get("changed"):
                raise ConvergenceViolation(self.report(
                    "3. convergence: %s succeeded, and the same declared state again %s" % (
                        label, "failed: %s" % rerun.get("msg") if rerun.get("failed") else "changed: %s" % rerun.get("actions")),
                    args=args, result=result, rerun=rerun))
        elif rerun.get("failed"):
            self.clear_failure("rerun of failed " + label, rerun)

    @staticmethod
    def outcome(result):
        if result.get("failed"):
            return "failed: %s" % str(result.get("msg"))[:300]
        return "changed" if result.get("changed") else "ok"

    def inject(self, fault, run_args):
        kind, method = fault
        path = "/v2/projects/*"
        if kind == "status500":
            spec = dict(kind="status", statuses=[500], times=1)
        elif kind == "status409":
            spec = dict(kind="status", statuses=[409], times=1, message="conflict (injected)")
        elif kind == "reset":
            spec = dict(kind="reset", times=1)
        else:
            spec = dict(kind="slow", seconds=SLOW_SECONDS, times=1)
            run_args["timeout"] = SLOW_TIMEOUT
        spec.update(path=path, method=method)
        self.sim.add_fault(spec)

    def observe(self):
        state = self.sim.monitor.state()
        endpoint = self.current()
        return dict(outages=len(state["outages"]), serving=bool(endpoint and state["serving"].get(endpoint["id"])),
                    log=len(self.sim.requests_log()))

    def report(self, headline, **details):
        lines = [headline, "steps so far (this example):"] + ["  %s" % item for item in self.history]
        for key, value in details.items():
            if isinstance(value, dict):
                value = dict((k, v) for k, v in value.items() if k not in ("endpoint", "invocation", "raw"))
            lines.append("%s: %r" % (key, value))
        lines.append("simulator now: %r" % self.sim.snapshot())
        return "\n".join(lines)

    def no_traceback(self, label, result):
        problem = _traceback_problem(result)
        if problem:
            raise TracebackViolation(self.report("traceback: %s ended in %s" % (label, problem), result=result))

    def serving_rule(self, label, args, before, result):
        state = self.sim.monitor.state()
        new = state["outages"][before["outages"]:]
        if args["state"] in ("stopped", "absent") or not before["serving"]:
            return
        log = self.sim.requests_log()
        theirs = []
        for outage in new:
            cause = outage.get("cause") or {}
            if cause.get("kind") != "request":
                continue
            index = cause.get("request_index")
            entry = next((item for item in log if item.get("index") == index), None)
            if entry is None:
                entry = log[index] if isinstance(index, int) and 0 <= index < len(log) else {}
            if WRITER_MARK in (entry.get("query") or cause.get("query") or {}):
                continue  # the second writer's doing
            theirs.append(dict(outage, request=entry or None))
        if theirs:
            raise ServingViolation(self.report(
                "1. serving rule: %s (declared state %s) stopped the endpoint serving (outage monitor: %s)" % (
                    label, args["state"], self.sim.monitor.source), outages=theirs, args=args, result=result,
                module_requests=self.module_requests(log[before["log"]:])))

    @staticmethod
    def module_requests(entries):
        return ["%s %s%s -> %s%s" % (item["method"], item["path"], "?" + "&".join("%s=%s" % pair for pair in sorted(item["query"].items()))
                                     if item.get("query") else "", item["status"], " (%s)" % item["fault"] if item.get("fault") else "")
                for item in entries]

    def no_leftovers(self, label, before, result):
        snapshot = self.sim.snapshot()
        problems = []
        names = [item["name"] for item in snapshot]
        if [name for name in names if name != NAME] or names.count(NAME) > 1:
            problems.append("endpoints in the simulator: %s (only one %r is declared)" % (names, NAME))
        for endpoint in snapshot:
            deployment_names = [item["name"] for item in endpoint["deployments"]]
            unknown = sorted(set(deployment_names) - self.declared)
            if unknown:
                problems.append("deployments no declared state names: %s" % unknown)
            twice = sorted(set(name for name in deployment_names if deployment_names.count(name) > 1))
            if twice:
                problems.append("deployments twice: %s" % twice)
        landed = []
        if result.get("failed"):
            log = self.sim.requests_log()[before["log"]:]
            landed = [item for item in log if item["method"] in WRITE_METHODS and WRITER_MARK not in (item.get("query") or {})
                      and isinstance(item.get("status"), int) and 200 <= item["status"] < 300]
            if landed and not (result.get("changed") and len(result.get("actions") or []) >= len(landed)):
                problems.append("the step failed after %d write(s) the API applied (%s), but its result says changed=%r, "
                                "actions=%r" % (len(landed), "; ".join(self.module_requests(landed)), result.get("changed"),
                                                result.get("actions")))
        if problems:
            raise LeftoverViolation(self.report("2. no leftovers: after %s: %s" % (label, " | ".join(problems)), result=result))

    def check_mode_predicts(self, label, predicted, result):
        want = _projection((predicted.get("diff") or {}).get("after"))
        got = _projection((result.get("diff") or {}).get("after"))
        if want != got:
            raise CheckModeViolation(self.report(
                "4. check mode predicts: %s: check mode's diff after %r, the real run's final diff after %r" % (label, want, got),
                check_actions=predicted.get("actions"), actions=result.get("actions")))

    def clear_failure(self, label, result):
        msg = str(result.get("msg") or "")
        endpoint = self.current() or {}
        words = [NAME, endpoint.get("id") or NAME] + [item["name"] for item in endpoint.get("deployments") or []]
        words += [item["id"] for item in endpoint.get("deployments") or []]
        named = any(word and word in msg for word in words) or re.search(
            r"READY|FAILED|STOPPED|STARTED|DEGRADED|STOPPING|PROVISIONING|SCALING", msg)
        if not named:
            raise ConvergenceViolation(self.report("3. convergence: %s failed without naming the deployment or state: %r"
                                                   % (label, msg), result=result))


def _settings():
    phases = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink]
    if os.environ.get("MODEL_SHRINK") == "0":
        phases.remove(Phase.shrink)
    if STRESS:
        return settings(max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, database=None,
                        suppress_health_check=list(HealthCheck), phases=phases, print_blob=True)
    return settings(max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck), phases=phases)


@pytest.fixture(scope="module", autouse=True)
def simulator_lifetime():
    yield
    if "server" in SIMULATOR:
        SIMULATOR.pop("server").close()


def test_together_endpoint_never_loses_traffic():
    run_state_machine_as_test(EndpointMachine, settings=_settings())
