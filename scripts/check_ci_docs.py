# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""`make ci-docs`: run the CI workflows of docs/gate.md against the simulator, as a CI runner would.

For each YAML block of docs/gate.md that is a GitHub Actions workflow or a GitLab CI job, this takes the
commands of its `run:` steps (GitHub) or its `script:` (GitLab), leaves out the install steps (the
collection under test is installed here already), and runs them with bash in a fresh working directory
that holds deploy/gate.yml, with HOME an empty folder (GitHub container jobs use HOME=/github/home) and
the API pointed at the bundled simulator. It then checks that the JUnit report is in the folder the
artifact step publishes, and parses it. Exit code 0 when every workflow did.
"""

import os
import pathlib
import re
import subprocess
import sys
import tempfile
from xml.etree import ElementTree

import yaml

from _tools import say  # scripts/_tools.py: python puts this folder first on sys.path
from demo import HEALTHY, SCENARIO, SIMULATOR_KEY, Simulator, ansible_environment

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "gate.md"
GATE = {"endpoint_gate_checks": [{"endpoint_id": HEALTHY, "model": "meta-llama/Llama-3-8b-chat-hf"}],
        "endpoint_gate_wait_timeout": 30}
# Steps that install Ansible and the collection: the environment here provides both.
INSTALL = re.compile(r"^\s*(pip install|ansible-galaxy collection install)")


def yaml_blocks(text):
    for block in re.findall(r"```yaml\n(.*?)```", text, flags=re.S):
        try:
            yield yaml.safe_load(block)
        except yaml.YAMLError:
            continue


def workflows(text):
    """[(name, [command, ...], artifact folder or file, container job?)] from the doc's YAML blocks."""
    found = []
    for document in yaml_blocks(text):
        if not isinstance(document, dict):
            continue
        for job_name, job in (document.get("jobs") or {}).items():
            commands, artifact = [], None
            for step in job.get("steps", []):
                if "run" in step:
                    commands.extend(line for line in step["run"].splitlines() if line.strip())
                if str(step.get("uses", "")).startswith("actions/upload-artifact"):
                    artifact = step["with"]["path"]
            found.append(("GitHub Actions %s.%s" % (document.get("name"), job_name), commands, artifact,
                          "container" in job))
        for job_name, job in document.items():
            if isinstance(job, dict) and "script" in job:
                commands = list(job.get("before_script", [])) + list(job["script"])
                found.append(("GitLab CI %s" % job_name, commands, job["artifacts"]["reports"]["junit"], True))
    return found


def run(name, commands, artifact, base_url):
    say("== %s" % name)
    with tempfile.TemporaryDirectory(prefix="together-ci-docs-") as scratch:
        workdir = pathlib.Path(scratch) / "checkout"
        home = pathlib.Path(scratch) / "home"
        (workdir / "deploy").mkdir(parents=True)
        home.mkdir()
        (workdir / "deploy" / "gate.yml").write_text(yaml.safe_dump(GATE))
        env = ansible_environment({"TOGETHER_API_KEY": SIMULATOR_KEY, "TOGETHER_BASE_URL": base_url,
                                   "HOME": str(home), "GITHUB_STEP_SUMMARY": str(pathlib.Path(scratch) / "summary.md"),
                                   "PATH": "%s:%s" % (pathlib.Path(sys.executable).parent, os.environ["PATH"])})
        kept = [command for command in commands if not INSTALL.match(command)]
        if not any("together.ai.gate_endpoints" in command for command in kept):
            return ["%s: no command runs the gate" % name]
        script = "set -euo pipefail\n" + "\n".join(kept) + "\n"
        say("".join("  $ %s\n" % command for command in kept).rstrip())
        process = subprocess.run(["bash", "-c", script], cwd=str(workdir), env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, universal_newlines=True, timeout=300, check=False)
        problems = []
        if process.returncode != 0:
            problems.append("%s: the commands failed (exit %d):\n%s" % (name, process.returncode, process.stdout))
        published = workdir / artifact
        junit = published / "endpoint-gate.xml" if not artifact.endswith(".xml") else published
        if not junit.is_file():
            problems.append("%s: no JUnit report where the artifact step looks (%s)" % (name, junit))
        else:
            root = ElementTree.parse(str(junit)).getroot()
            if root.get("failures") != "0" or root.get("errors") != "0" or root.find(".//testcase") is None:
                problems.append("%s: unexpected JUnit content in %s" % (name, junit))
        say("  -> %s" % ("ok: %s" % junit.relative_to(workdir) if not problems else "FAILED"))
        return problems


def main():
    found = workflows(DOC.read_text())
    kinds = ["GitHub Actions" in name and not container for name, _c, _a, container in found]
    if len(found) < 3 or not any(kinds) or not any(name.startswith("GitLab") for name, _c, _a, _k in found):
        sys.exit("docs/gate.md should hold a GitHub Actions workflow, a container job and a GitLab CI job; found %s"
                 % [name for name, _c, _a, _k in found])
    problems = []
    with tempfile.TemporaryDirectory(prefix="together-ci-docs-sim-") as simdir:
        # Three workflows run one after another against it; it stops by itself long after the last.
        simulator = Simulator(simdir, SCENARIO, SIMULATOR_KEY, lifetime=1800)
        try:
            simulator.start()
            for name, commands, artifact, _container in found:
                problems.extend(run(name, commands, artifact, simulator.base_url))
        finally:
            simulator.close()
    for problem in problems:
        say(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
