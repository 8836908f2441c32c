# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The gate and the lifecycle playbook run as AWX runs a job: ansible-runner's Python API (`make runner`).

Each job gets a private_data_dir laid out as AWX lays it out: project/ (the playbooks, copied from the installed
collection, and the gate's vars file), inventory/hosts, env/envvars (the credential's environment: the key, the base
URL, and ANSIBLE_COLLECTIONS_PATH naming the collection installed from the tarball), env/extravars (the job
template's extra vars, and the upstream job's set_stats as an AWX workflow passes them on). ansible-runner runs
ansible-playbook itself, without process isolation or a container, against the bundled simulator on 127.0.0.1.

Checked: status and rc; the gate's progress lines reach the event handler as `verbose` events while its wait runs
(the waited endpoint only starts once the handler has seen one); playbook_on_stats' artifact_data holds the gate's
outcome; a relative endpoint_gate_report_dir lands under project/; the key is in no file of the private_data_dir
but env/envvars and the `command` file ansible-runner writes from it (docs/gate.md, "AWX and ansible-runner").
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request

import ansible_runner
import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTION_ROOT = os.path.dirname(os.path.dirname(HERE))
FILES = os.path.join(HERE, "files")
API_KEY = "runner-test-key-5e8b1c9d07a4f6"
HEALTHY = "endpoint-a1a1a1a1-a1a1-4a1a-8a1a-a1a1a1a1a1a1"
STARTING = "endpoint-b2b2b2b2-b2b2-4b2b-8b2b-b2b2b2b2b2b2"
OVERSIZED = "endpoint-c3c3c3c3-c3c3-4c3c-8c3c-c3c3c3c3c3c3"
GATE_TASK = "Gate the endpoints (policy, reads, waits with progress, probes, every check)"
PROGRESS = "together_endpoint_info: Waiting for state STARTED"
# The waited endpoint is started this long after the first progress event reached the handler: one more poll.
START_DELAY = 1.5
# Generous bounds for a machine whose two cores are busy with other test layers; a pass takes seconds.
SIMULATOR_LIFETIME = 300
JOB_TIMEOUT = 240
GATE_WAIT_TIMEOUT = 40
PLAYBOOK_FAILED = 2


def read_text(path):
    """The file's text; empty when it does not exist (yet)."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (IOError, OSError):
        return ""


def collections_path():
    """The collections folder holding this copy of together.ai: .../ansible_collections/together/ai/tests/runner."""
    parts = COLLECTION_ROOT.split(os.sep)
    if parts[-3:-2] != ["ansible_collections"]:
        pytest.fail("run from an installed collection (make runner): %s is not under ansible_collections/<ns>/<name>"
                    % COLLECTION_ROOT)
    return os.sep.join(parts[:-3])


class Simulator:
    """simulator/run.py of this collection on a free loopback port; it stops by itself after SIMULATOR_LIFETIME."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.process = None
        self.root_url = None
        self.log_path = os.path.join(workdir, "simulator.log")

    def start(self):
        port_file = os.path.join(self.workdir, "simulator.port")
        env = dict(os.environ, TOGETHER_SIM_API_KEY=API_KEY)
        with open(self.log_path, "w", encoding="utf-8") as log:
            self.process = subprocess.Popen(  # pylint: disable=consider-using-with
                [sys.executable, os.path.join(COLLECTION_ROOT, "simulator", "run.py"), "--port", "0",
                 "--port-file", port_file, "--scenario", os.path.join(FILES, "simulator.yml"),
                 "--lifetime", str(SIMULATOR_LIFETIME), "--quiet"],
                stdout=log, stderr=subprocess.STDOUT, env=env, cwd=self.workdir)
        deadline = time.monotonic() + 60
        while not read_text(port_file).strip():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.close()
                pytest.fail("the simulator did not start:\n%s" % read_text(self.log_path))
            time.sleep(0.05)
        self.root_url = "http://127.0.0.1:%d" % int(read_text(port_file).strip())
        return self

    def control(self, method, path, body=None):
        data = json.dumps(body).encode("utf-8") if body is not None else (b"" if method == "POST" else None)
        request = urllib.request.Request(self.root_url + "/_simulator/" + path, method=method, data=data,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=20) as response:
            return json.loads(response.read().decode("utf-8") or "null")

    def close(self):
        if self.process is None or self.process.poll() is not None:
            return
        try:
            self.control("POST", "shutdown")
            self.process.wait(timeout=10)
        except Exception:  # pylint: disable=broad-except
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def simulator(tmp_path_factory):
    sim = Simulator(str(tmp_path_factory.mktemp("simulator"))).start()
    try:
        yield sim
    finally:
        sim.close()


def write_yaml(path, data):
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump(data, handle, default_flow_style=False)


def private_data_dir(root, playbooks, extravars, simulator_, project_files=(), cmdline=None):
    """A private_data_dir as AWX lays one out for a job (its own per job: AWX copies the project for each)."""
    os.makedirs(os.path.join(root, "project"))
    for name in playbooks:
        shutil.copy(os.path.join(COLLECTION_ROOT, "playbooks", name), os.path.join(root, "project", name))
    for path in project_files:
        shutil.copy(path, os.path.join(root, "project", os.path.basename(path)))
    os.makedirs(os.path.join(root, "inventory"))
    with open(os.path.join(root, "inventory", "hosts"), "w", encoding="utf-8") as hosts:
        hosts.write("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    os.makedirs(os.path.join(root, "env"))
    # What a Together credential type would inject, and where the execution environment has the collection.
    write_yaml(os.path.join(root, "env", "envvars"), {
        "TOGETHER_API_KEY": API_KEY,
        "TOGETHER_BASE_URL": simulator_.root_url + "/v1",
        "ANSIBLE_COLLECTIONS_PATH": collections_path(),
        "ANSIBLE_FORCE_COLOR": "0",
    })
    write_yaml(os.path.join(root, "env", "extravars"), extravars)
    if cmdline:
        with open(os.path.join(root, "env", "cmdline"), "w", encoding="utf-8") as handle:
            handle.write(cmdline)
    return root


class Events:
    """ansible-runner's event handler: every event with the moment it arrived; `on_progress` runs on the first
    progress line of the gate's wait."""

    def __init__(self, on_progress=None):
        self.events = []
        self.on_progress = on_progress
        self.progress_seen = threading.Event()

    def __call__(self, event):
        self.events.append((time.monotonic(), event))
        if event.get("event") == "verbose" and PROGRESS in event.get("stdout", "") and not self.progress_seen.is_set():
            self.progress_seen.set()
            if self.on_progress is not None:
                self.on_progress()
        return True  # and ansible-runner writes it to artifacts/<ident>/job_events

    def index(self, predicate):
        return next((number for number, (_moment, event) in enumerate(self.events) if predicate(event)), None)

    def stats(self):
        found = [event for _moment, event in self.events if event.get("event") == "playbook_on_stats"]
        assert len(found) == 1, [event.get("event") for _moment, event in self.events]
        return found[0]["event_data"]


def run_job(data_dir, playbook, events):
    started = time.monotonic()
    result = ansible_runner.run(private_data_dir=data_dir, playbook=playbook, event_handler=events, quiet=True,
                                timeout=JOB_TIMEOUT)
    return result, time.monotonic() - started


def secret_holders(data_dir):
    """The files of the private_data_dir that hold the key, relative to it."""
    found = []
    for folder, _subfolders, names in os.walk(data_dir):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                if API_KEY.encode("utf-8") in handle.read():
                    found.append(os.path.relpath(path, data_dir))
    return sorted(found)


def expected_secret_holders(result):
    """env/envvars (AWX writes it from the credential) and the `command` file ansible-runner writes from it."""
    return sorted([os.path.join("env", "envvars"), os.path.join("artifacts", result.config.ident, "command")])


def job_output(result):
    return read_text(os.path.join(result.config.artifact_dir, "stdout"))


def test_a_deploy_job_then_a_gate_job_that_fails(simulator, tmp_path):
    """An AWX workflow: the lifecycle playbook deploys (and gates) an endpoint; its set_stats go on to the gate job."""
    # 1. The deploy job: the lifecycle playbook, which gates the endpoint it deployed.
    deploy_dir = private_data_dir(str(tmp_path / "job-deploy"), ["lifecycle.yml"], {
        "lifecycle_name": "runner-chat",
        "lifecycle_model": "meta-llama/Llama-3.1-8B-Instruct",
        "lifecycle_wait_timeout": 120,
        "lifecycle_max_hourly_cost": 20,
    }, simulator)
    deploy_events = Events()
    deployed, deploy_seconds = run_job(deploy_dir, "lifecycle.yml", deploy_events)
    assert (deployed.status, deployed.rc) == ("successful", 0), job_output(deployed)
    upstream = deploy_events.stats()["artifact_data"]
    assert upstream["endpoint_gate"]["passed"] is True, upstream
    assert list(upstream["endpoint_gate"]["violations"].values()) == [[]], upstream
    assert secret_holders(deploy_dir) == expected_secret_holders(deployed)

    # 2. The gate job: its vars file in the project, the job template's extra vars, and what the deploy job's
    # set_stats published (AWX hands a node's artifacts to the next nodes as extra vars).
    gate_extravars = dict(upstream, endpoint_gate_wait_timeout=GATE_WAIT_TIMEOUT, endpoint_gate_wait_poll=1,
                          endpoint_gate_report_dir="reports")
    gate_dir = private_data_dir(str(tmp_path / "job-gate"), ["gate_endpoints.yml"], gate_extravars, simulator,
                                project_files=[os.path.join(FILES, "gate.yml")], cmdline="-e @gate.yml")
    started_at = []

    def start_the_waited_endpoint():
        def start():
            simulator.control("POST", "endpoints/%s/state" % STARTING, {"state": "STARTED"})
            started_at.append(time.monotonic())
        timer = threading.Timer(START_DELAY, start)
        timer.daemon = True
        timer.start()

    gate_events = Events(on_progress=start_the_waited_endpoint)
    gated, gate_seconds = run_job(gate_dir, "gate_endpoints.yml", gate_events)
    output = job_output(gated)
    print("deploy job %.1f s, gate job %.1f s" % (deploy_seconds, gate_seconds))

    # Status and rc: the gate fails the job as ansible-playbook fails a play.
    assert (gated.status, gated.rc) == ("failed", PLAYBOOK_FAILED), output

    # Progress: verbose events, streamed while the wait ran. The waited endpoint started only once the handler had
    # a progress event, so the wait could not end before one arrived; and they all came before the task's results.
    assert gate_events.progress_seen.is_set(), output
    assert started_at, "the handler saw a progress line but the endpoint was never started"
    progress = [(moment, event) for moment, event in gate_events.events
                if event.get("event") == "verbose" and PROGRESS in event.get("stdout", "")]
    assert progress and all(STARTING in event["stdout"] for _moment, event in progress), progress
    wait_done = gate_events.index(lambda event: event.get("event") == "runner_on_ok"
                                  and event.get("event_data", {}).get("task") == GATE_TASK)
    assert wait_done is not None, [event.get("event") for _moment, event in gate_events.events]
    done_moment = gate_events.events[wait_done][0]
    # The job output says what was awaited, before the first progress line: the state and the endpoints.
    announced = gate_events.index(lambda event: event.get("event") == "verbose"
                                  and "waiting for STARTED" in event.get("stdout", ""))
    assert announced is not None, output
    assert STARTING in gate_events.events[announced][1]["stdout"], gate_events.events[announced][1]
    first_progress = gate_events.index(lambda event: event.get("event") == "verbose" and PROGRESS in event.get("stdout", ""))
    assert announced < first_progress < wait_done
    assert progress[0][0] + START_DELAY <= done_moment, "the first progress event arrived when the wait ended"
    assert started_at[0] <= done_moment

    # artifact_data: the gate's outcome, the upstream job's replaced by this one.
    artifact_data = gate_events.stats()["artifact_data"]
    print("artifact_data of the failed gate job:\n%s" % json.dumps(artifact_data, indent=2, sort_keys=True))
    outcome = artifact_data["endpoint_gate"]
    assert outcome["passed"] is False
    assert outcome["violations"] == {HEALTHY: [], STARTING: [], OVERSIZED: ["min_replicas_at_least", "max_replicas_at_most"]}
    assert outcome["summary"].startswith("Endpoint gate FAILED"), outcome
    # The Markdown report travels with it: the next job posts it without fetching a file.
    assert outcome["markdown"].startswith("## Together AI endpoint gate"), outcome
    assert outcome["summary"] in outcome["markdown"] and "`%s`" % OVERSIZED in outcome["markdown"], outcome
    assert outcome["markdown"] == read_text(os.path.join(os.path.realpath(gate_dir), "project", "reports",
                                                         "endpoint-gate.md")), outcome
    # A relative endpoint_gate_report_dir is relative to where ansible-runner starts ansible-playbook: project/.
    reports = os.path.join(os.path.realpath(gate_dir), "project", "reports")
    assert sorted(outcome["reports"]) == sorted(os.path.join(reports, "endpoint-gate." + ext) for ext in ("md", "xml"))
    assert all(os.path.isfile(path) for path in outcome["reports"]), os.listdir(os.path.join(gate_dir, "project"))
    # The report is in the job's output too: no file needs fetching.
    assert "FAIL %s" % OVERSIZED in output and "PASS %s" % STARTING in output, output
    # The failed job wrote its status and rc as AWX reads them.
    assert (read_text(os.path.join(gated.config.artifact_dir, "status")).strip(),
            read_text(os.path.join(gated.config.artifact_dir, "rc")).strip()) == ("failed", str(PLAYBOOK_FAILED))

    # The key: in env/envvars and the command file ansible-runner writes from it, in no event, output or report.
    assert secret_holders(gate_dir) == expected_secret_holders(gated)
    assert all(API_KEY not in json.dumps(event) for _moment, event in gate_events.events + deploy_events.events)
