# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""`make demo`: the deployment gate of the together.ai collection, end to end.

Without arguments it gates four endpoints served by the bundled simulator of the Together API
(simulator/scenarios/demo.yml) with playbooks/vars/gate.demo.yml, and exits 0 when the gate behaved as
that scenario expects: two v1 endpoints pass (one after the gate waited for it to start), one fails for
its replica bounds, and a v2 endpoint passes the same checks but fails for one of its deployments.

With TOGETHER_API_KEY and DEMO_VARS=<your vars file> set, it gates your real endpoints instead, with
the same playbook, and exits with the playbook's exit code.

Standard library only; `make demo` runs it with the collection copied under .build/collections.
"""

import os
import pathlib
import re
import subprocess
import sys
import shutil
from xml.etree import ElementTree

from _tools import Simulator, ansible_playbook, say  # scripts/_tools.py: python puts this folder first on sys.path

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "simulator" / "scenarios" / "demo.yml"
DEMO_VARS = ROOT / "playbooks" / "vars" / "gate.demo.yml"
PLAYBOOK = "together.ai.gate_endpoints"
SIMULATOR_KEY = "sim-key"
# The simulator stops by itself after this long, even if this script is killed.
SIMULATOR_LIFETIME = 300

# What simulator/scenarios/demo.yml and playbooks/vars/gate.demo.yml promise (keep the three in step).
HEALTHY = "endpoint-11111111-1111-4111-8111-111111111111"
STARTING = "endpoint-22222222-2222-4222-8222-222222222222"
OVERSIZED = "endpoint-33333333-3333-4333-8333-333333333333"
V2_CANARY = "ep_444444444444444444444"
# The checks a v1 entry uses, which the v2 endpoint must pass just the same (plus serving, its default).
V1_CHECKS = ("exists", "state", "model", "hardware", "min_replicas_at_least", "max_replicas_at_most")
# The v2 endpoint is also probed: one minimal chat completion per probe, endpoint_gate_probe_count of them.
ANSWER_CHECKS = ("answers", "answer_latency_ms_at_most")
# {endpoint: {JUnit test case: failure message}}
EXPECTED_VIOLATIONS = {
    OVERSIZED: {
        "min_replicas_at_least": "min_replicas_at_least: expected >= 2, actual 1",
        "max_replicas_at_most": "max_replicas_at_most: expected <= 8, actual 16",
    },
    V2_CANARY: {
        "deployment canary: min_replicas_at_least": "deployment canary: min_replicas_at_least: expected >= 2, actual 1",
    },
}
PLAYBOOK_FAILED = 2  # ansible-playbook's exit code when a task failed: here, the gate

INTRO = """\
together.ai endpoint gate demo
==============================
A deployment gate checks that the Together AI dedicated endpoints a release depends on are up and
configured as policy says, before the release goes on. It reads every endpoint, checks each one, and
fails once at the end, naming every violation.

This demo runs the gate against a local simulator of the Together API (no network, no key) with
four endpoints and this policy: every endpoint STARTED on its agreed model, at least 2 and at most
8 replicas for the production ones (playbooks/vars/gate.demo.yml).

  {healthy}  Llama 3 8B, STARTED, replicas 1-2
      -> should pass.
  {starting}  Mixtral 8x7B, STARTING for 8 more seconds
      -> the gate should wait until it is STARTED, then pass it.
  {oversized}  Llama 3 70B, STARTED, replicas 1-16
      -> should fail: min_replicas 1 is below 2, max_replicas 16 is above 8.
  {v2}  a v2 endpoint: deployment blue READY, replicas 2-4,
      9/10 of the traffic; deployment canary READY, 1 replica, 1/10 of the traffic
      -> should pass the same checks as a v1 endpoint (they read blue, its primary deployment) and
         serving (checked by default for v2), but fail for the canary: 1 replica is below 2.
         The gate also probes it with 3 minimal chat completions: it must answer, in 1000 ms at most
         (median), and the report line shows the status, the latency and the deployment that served.
"""


def step(title):
    say()
    say("== %s" % title)


def ansible_environment(extra):
    env = dict(os.environ)
    build = ROOT / ".build" / "collections"
    if not env.get("ANSIBLE_COLLECTIONS_PATH") and (build / "ansible_collections" / "together" / "ai").is_dir():
        env["ANSIBLE_COLLECTIONS_PATH"] = str(build)
    env.setdefault("ANSIBLE_LOCALHOST_WARNING", "False")
    env.setdefault("ANSIBLE_INVENTORY_UNPARSED_WARNING", "False")
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def run_playbook(extra_vars, env, cwd=None):
    """Run the gate playbook, streaming its output; return (exit code, output)."""
    command = [ansible_playbook('demo'), PLAYBOOK]
    for value in extra_vars:
        command += ["-e", value]
    say("$ ansible-playbook %s %s" % (PLAYBOOK, " ".join("-e %s" % value for value in extra_vars)))
    say()
    lines = []
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                               universal_newlines=True, cwd=str(cwd or ROOT))
    for line in process.stdout:
        lines.append(line)
        print("  | " + line.rstrip("\n"), flush=True)
    return process.wait(), "".join(lines)


def build_dir():
    """The build folder make uses: the parent of ANSIBLE_COLLECTIONS_PATH's collections copy, else .build."""
    collections = os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep)[0]
    if collections and pathlib.Path(collections).name == "collections":
        return pathlib.Path(collections).resolve().parent
    return ROOT / ".build"


def demo_dir():
    """Where the demo runs and keeps its reports: <build folder>/demo, emptied first, kept after (not in the checkout)."""
    path = build_dir() / "demo"
    shutil.rmtree(str(path), ignore_errors=True)
    path.mkdir(parents=True)
    return path


def gate_real_endpoints(vars_file):
    """TOGETHER_API_KEY + DEMO_VARS: the same playbook against the real API."""
    path = pathlib.Path(vars_file).expanduser().resolve()
    if not path.is_file():
        sys.exit("DEMO_VARS=%s: no such file. Start from playbooks/vars/gate.example.yml." % vars_file)
    step("Gating your endpoints on the Together API with %s" % path)
    say("(the API key comes from TOGETHER_API_KEY; the base URL from TOGETHER_BASE_URL, else the default)")
    # The playbook runs in <build folder>/demo: a relative endpoint_gate_report_dir (reports) lands there, not in
    # the checkout, where the next ansible-galaxy collection build would pack it.
    workdir = demo_dir()
    code, _output = run_playbook(["@%s" % path], ansible_environment({}), cwd=workdir)
    reports = sorted(str(item.relative_to(workdir)) for item in workdir.rglob("*") if item.is_file())
    if reports:
        say("The gate's report files are in %s: %s" % (workdir, ", ".join(reports)))
    step("The gate %s (ansible-playbook exit code %d)" % ("passed" if code == 0 else "did not pass", code))
    return code


def junit_results(path):
    """{endpoint_id: {check: (status, message)}} from the gate's JUnit XML report."""
    results = {}
    for case in ElementTree.parse(str(path)).getroot().iter("testcase"):
        failure, skipped = case.find("failure"), case.find("skipped")
        if failure is not None:
            status, message = "failed", failure.get("message")
        elif skipped is not None:
            status, message = "skipped", skipped.get("message")
        else:
            status, message = "passed", None
        results.setdefault(case.get("classname"), {})[case.get("name")] = (status, message)
    return results


def judge(code, output, report_dir):
    """Compare what the gate did with what the scenario expects; return a list of (ok, sentence)."""
    verdicts = [(code == PLAYBOOK_FAILED,
                 "the playbook failed, as a gate must when a policy is broken (exit code %d, expected %d)"
                 % (code, PLAYBOOK_FAILED))]
    junit = report_dir / "endpoint-gate.xml"
    if not junit.exists():
        return verdicts + [(False, "the gate wrote its JUnit report (%s is missing)" % junit)]
    results = junit_results(junit)
    verdicts.append((sorted(results) == sorted([HEALTHY, STARTING, OVERSIZED, V2_CANARY]),
                     "the report covers exactly the four gated endpoints"))
    for endpoint_id in (HEALTHY, STARTING):
        checks = results.get(endpoint_id, {})
        passed = bool(checks) and all(status == "passed" for status, _message in checks.values())
        verdicts.append((passed, "%s passed all %d of its checks" % (endpoint_id, len(checks))))
    # Whitespace normalized: Ansible may wrap a long message over several lines.
    # The action plugin prints a progress line naming the endpoint while it waits (no async).
    waited = ("together_endpoint_info: Waiting for state STARTED" in output) and ("%s' (state STARTING" % STARTING) in output
    verdicts.append((waited and results.get(STARTING, {}).get("state", ("",))[0] == "passed",
                     "%s was STARTING when the gate began; the gate waited and saw it STARTED" % STARTING))
    v2_checks = results.get(V2_CANARY, {})
    verdicts.append((all(v2_checks.get(check, ("",))[0] == "passed" for check in V1_CHECKS + ("serving",)),
                     "%s (v2) passed the checks a v1 endpoint gets, and serving" % V2_CANARY))
    probe_line = re.search(r"FAIL %s \(.*?answered HTTP 200 in [0-9.]+ ms \(median of 3\) by blue\)"
                           % V2_CANARY, " ".join(output.split()))
    verdicts.append((all(v2_checks.get(check, ("",))[0] == "passed" for check in ANSWER_CHECKS) and bool(probe_line),
                     "%s answered its probes (HTTP 200, from blue) within 1000 ms, and the report line says so"
                     % V2_CANARY))
    for endpoint_id, expected in EXPECTED_VIOLATIONS.items():
        failed = dict((check, message) for check, (status, message) in results.get(endpoint_id, {}).items()
                      if status == "failed")
        verdicts.append((failed == expected, "%s failed exactly for: %s" % (endpoint_id, "; ".join(expected.values()))))
        # The report is printed once: each violation on its own line under the endpoint's FAIL line.
        lines = [line.strip() for line in output.splitlines()]
        named = ("FAIL %s " % endpoint_id) in output and all(("- %s" % message) in lines for message in expected.values())
        verdicts.append((named, "the gate's report names %s of %s" % (
            "both violations" if len(expected) == 2 else "the violation", endpoint_id)))
    return verdicts


def gate_simulated_endpoints():
    say(INTRO.format(healthy=HEALTHY, starting=STARTING, oversized=OVERSIZED, v2=V2_CANARY))
    workdir = demo_dir()
    # Kept after the run (under the build folder, not a temporary one): the report stays where the demo says it is.
    report_dir = workdir / "reports"
    simulator = Simulator(workdir, SCENARIO, SIMULATOR_KEY, SIMULATOR_LIFETIME)
    try:
        step("1. Starting the Together API simulator (simulator/scenarios/demo.yml)")
        try:
            simulator.start()
        except RuntimeError as exc:
            sys.exit("The simulator did not start: %s" % exc)
        say("listening on %s; it accepts the key %r" % (simulator.base_url, SIMULATOR_KEY))

        step("2. Running the gate playbook (TOGETHER_BASE_URL, TOGETHER_INFERENCE_BASE_URL and TOGETHER_API_KEY "
             "point at the simulator)")
        say("Expect the playbook to end in a failure: that is the gate blocking the release.")
        # The simulator's stand-in for https://api-inference.together.ai/v1, where v2 endpoints answer.
        env = ansible_environment({"TOGETHER_BASE_URL": simulator.base_url, "TOGETHER_API_KEY": SIMULATOR_KEY,
                                   "TOGETHER_INFERENCE_BASE_URL": simulator.root_url + "/inference/v1"})
        code, output = run_playbook(["@%s" % DEMO_VARS, "endpoint_gate_report_dir=%s" % report_dir], env, cwd=workdir)
    finally:
        simulator.close()

    step("3. The gate's Markdown report (%s/endpoint-gate.md; a JUnit XML file sits beside it)" % report_dir)
    markdown = report_dir / "endpoint-gate.md"
    say(markdown.read_text() if markdown.exists() else "(no report was written)")

    step("4. Did the gate behave as the scenario expects?")
    verdicts = judge(code, output, report_dir)
    for ok, sentence in verdicts:
        say("  [%s] %s" % ("ok" if ok else "FAILED", sentence))
    say()
    if all(ok for ok, _sentence in verdicts):
        say("Demo passed: the gate let the two healthy v1 endpoints through (waiting for the one still starting)")
        say("and blocked the release for exactly the replica-policy violations of the third, and of the v2")
        say("endpoint's canary deployment; the v2 endpoint passed the same checks as the v1 ones, and")
        say("answered its probes (see its report line: status, median latency, serving deployment).")
        say("To gate your own endpoints: export TOGETHER_API_KEY=... and run `make demo DEMO_VARS=your-gate.yml`")
        say("(start from playbooks/vars/gate.example.yml; docs/gate.md explains every option).")
        return 0
    say("Demo FAILED: the gate did not behave as simulator/scenarios/demo.yml expects (see [FAILED] above).")
    return 1


def main():
    vars_file = os.environ.get("DEMO_VARS")
    if vars_file:
        if not os.environ.get("TOGETHER_API_KEY"):
            sys.exit("DEMO_VARS gates your real endpoints and needs your key: export TOGETHER_API_KEY=... first.")
        return gate_real_endpoints(vars_file)
    if os.environ.get("TOGETHER_API_KEY"):
        say("(TOGETHER_API_KEY is set but DEMO_VARS is not: running the offline demo; your key is not used.)")
    return gate_simulated_endpoints()


if __name__ == "__main__":
    sys.exit(main())
