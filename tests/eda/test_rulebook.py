# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ansible-rulebook runs together.ai.endpoint_events (from ANSIBLE_COLLECTIONS_PATH) against the simulator.

A rulebook whose one rule prints every event (tests/eda/rulebooks/capture.yml): the initial events, then a
deployment forced FAILED, an endpoint unrouted through the API, and a quiet period with no event.
"""

import ast
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import pytest

from _simulator import API_KEY, HERE, Simulator

INTERVAL = 0.5
# ansible-rulebook starts a JVM (Drools): give the first events time.
START_TIMEOUT = 90
STEP_TIMEOUT = 20


def _rulebook_command():
    found = os.path.join(os.path.dirname(sys.executable), "ansible-rulebook")
    return found if os.path.exists(found) else shutil.which("ansible-rulebook")


class Rulebook:
    """ansible-rulebook in the background; the events its print_event rule prints, parsed, on a queue."""

    def __init__(self, simulator, workdir):
        vars_file = os.path.join(workdir, "vars.yml")
        with open(vars_file, "w") as handle:
            handle.write("together_base_url: %s\ntogether_interval: %s\n" % (simulator.base_url, INTERVAL))
        env = dict(os.environ, TOGETHER_API_KEY=API_KEY, PATH=os.path.dirname(sys.executable) + os.pathsep
                   + os.environ.get("PATH", ""), ANSIBLE_LOCAL_TEMP=os.path.join(workdir, "tmp"),
                   ANSIBLE_HOME=os.path.join(workdir, "ansible-home"), PYTHONUNBUFFERED="1")
        env.pop("TOGETHER_PROJECT_ID", None)
        # The source finds the collection's module_utils from where ansible-rulebook found it, not from PYTHONPATH.
        env.pop("PYTHONPATH", None)
        self.log = []
        self.events = queue.Queue()
        self.process = subprocess.Popen(
            [_rulebook_command(), "--rulebook", os.path.join(HERE, "rulebooks", "capture.yml"), "--vars", vars_file],
            cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.log.append(line)
            text = line.strip()
            if text.startswith("{") and "'together'" in text:
                self.events.put(ast.literal_eval(text))

    def take(self, count, timeout):
        """count events, or fewer if timeout passes first."""
        got = []
        deadline = time.monotonic() + timeout
        while len(got) < count and time.monotonic() < deadline:
            try:
                got.append(self.events.get(timeout=0.2))
            except queue.Empty:
                if self.process.poll() is not None:
                    break
        return got

    def close(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.reader.join(timeout=5)


def _summary(events):
    return [(e["together"]["change"], e["together"]["endpoint_id"], e["together"]["state"],
             e["together"]["previous_state"], e["together"]["serving"]) for e in events]


@pytest.mark.skipif(_rulebook_command() is None, reason="ansible-rulebook is not installed (make eda installs it)")
def test_ansible_rulebook_runs_the_source():
    workdir = tempfile.mkdtemp(prefix="together-eda-rulebook-")
    simulator = Simulator()
    rulebook = Rulebook(simulator, workdir)
    try:
        initial = rulebook.take(3, START_TIMEOUT)
        assert _summary(initial) == [
            ("initial", "endpoint-eda-v1", "STARTED", None, True),
            ("initial", "ep_eda_fail", "STARTED", None, True),
            ("initial", "ep_eda_split", "STARTED", None, True),
        ], "".join(rulebook.log[-60:])
        simulator.fail_deployment()
        failing = rulebook.take(3, STEP_TIMEOUT)
        assert _summary(failing) == [
            ("state", "ep_eda_fail", "ERROR", "STARTED", False),
            ("serving", "ep_eda_fail", "ERROR", "STARTED", False),
            ("deployment_failed", "ep_eda_fail", "ERROR", "STARTED", False),
        ], "".join(rulebook.log[-60:])
        assert failing[2]["together"]["deployment"]["status_message"] == "Timed out waiting for readiness"
        simulator.unroute()
        unrouted = rulebook.take(1, STEP_TIMEOUT)
        assert _summary(unrouted) == [("serving", "ep_eda_split", "STARTED", "STARTED", False)], \
            "".join(rulebook.log[-60:])
        before = simulator.request_count()
        quiet = rulebook.take(1, INTERVAL * 10)
        assert quiet == [], "events in the quiet period: %r" % quiet
        polled = simulator.request_count() - before
        assert polled >= 5, "the source stopped polling in the quiet period (%d requests)" % polled
        assert rulebook.process.poll() is None, "ansible-rulebook stopped:\n" + "".join(rulebook.log[-60:])
    finally:
        rulebook.close()
        simulator.close()
        shutil.rmtree(workdir, ignore_errors=True)
    assert API_KEY not in "".join(rulebook.log)


RULEBOOKS = [os.path.join(HERE, "rulebooks", "capture.yml"),
             os.path.join(os.path.dirname(os.path.dirname(HERE)), "extensions", "eda", "rulebooks",
                          "endpoint_remediation.yml")]


@pytest.mark.parametrize("path", RULEBOOKS, ids=os.path.basename)
def test_the_rulebooks_are_valid(path):
    """The example and the test's rulebook pass ansible-rulebook's schema and its condition parser."""
    validators = pytest.importorskip("ansible_rulebook.validators")
    rules_parser = pytest.importorskip("ansible_rulebook.rules_parser")
    json_generator = pytest.importorskip("ansible_rulebook.json_generator")
    conf = pytest.importorskip("ansible_rulebook.conf")
    import yaml  # pylint: disable=import-outside-toplevel

    # The CLI sets this; the parser asks ansible-galaxy where the source's collection is (ANSIBLE_COLLECTIONS_PATH).
    galaxy = os.path.join(os.path.dirname(sys.executable), "ansible-galaxy")
    conf.settings.ansible_galaxy_path = galaxy if os.path.exists(galaxy) else shutil.which("ansible-galaxy")
    with open(path) as handle:
        data = yaml.safe_load(handle)
    validators.Validate.rulebook(data)
    variables = dict(together_endpoint_ids=["ep_x"], together_base_url="http://127.0.0.1:1/v1", together_interval=1)
    rulesets = rules_parser.parse_rule_sets(data, variables)
    assert json_generator.generate_dict_rulesets(rulesets, variables)
    assert [source.source_name for ruleset in rulesets for source in ruleset.sources] == ["together.ai.endpoint_events"]
