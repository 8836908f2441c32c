# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Issue 13, target 5: the API requests of together.ai.together_endpoint's no-op rerun over 20 declared endpoints.

The simulator starts with N v2 endpoints already in the declared shape (one deployment `main`, a public
model, hardware, 1/2 replicas, all the traffic). Each playbook declares them with state=present and runs
twice; the requests of the second run (the no-op rerun) are counted from the simulator's request log
(GET /_simulator/requests), by kind, and divided by N. Both runs must report no change. Last, the loop
declares max_replicas 3: the reads that the no-op rerun spared must not hide it (one PATCH per endpoint).

Playbooks (what users write to declare many endpoints):
  loop        one task with `loop:` over the names (the project from the key: whoami)
  loop+proj   the same, with project_id in module_defaults for the `together` group
  loop+diff   the same as loop+proj, run with --diff
  loop+id     the same as loop+proj, by endpoint_id and the model's ml_... id
  tasks       N separate tasks, one per endpoint (the project from the key)

Usage: .venv/bin/python benchmarks/manage_noop.py [--count 20] [--collections DIR] [--only loop,tasks]
--collections is a directory holding ansible_collections/together/ai (default: $BUILD_DIR/collections,
else .build/collections, as `make collection` builds it). Standard library only.
"""

import argparse
import collections
import json
import os
import pathlib
import re
import secrets
import subprocess
import sys
import tempfile
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from _tools import Simulator, ansible_playbook, say  # noqa: E402  pylint: disable=wrong-import-position

PROJECT = {"id": "proj_bench", "slug": "bench-project", "name": "Benchmark project"}
MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo"
HARDWARE = "1xnvidia-h100-80gb"
VARIANTS = ("loop", "loop+proj", "loop+diff", "loop+id", "tasks")


def names(count):
    return ["bench-%02d" % index for index in range(count)]


def scenario(count):
    endpoints = []
    for index, name in enumerate(names(count)):
        endpoints.append({
            "id": "ep_bench%02d" % index, "name": name,
            "traffic_split": [{"deployment": "main", "weight": 1}],
            "deployments": [{"name": "main", "id": "dep_bench%02d" % index, "model": MODEL, "hardware": HARDWARE,
                             "state": "READY", "autoscaling": {"min_replicas": 1, "max_replicas": 2}}],
        })
    return {"description": "benchmarks/manage_noop.py: %d v2 endpoints in the declared shape" % count,
            "project": PROJECT, "v2_endpoints": endpoints}


LOOP = """---
- name: Declare the endpoints (one task, a loop)
  hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/together.ai.together: %(defaults)s
  tasks:
    - name: Declare each endpoint
      together.ai.together_endpoint:
        %(identity)s
        model: "%(model)s"
        hardware: %(hardware)s
        min_replicas: 1
        max_replicas: %(max_replicas)s
      loop: "{{ bench_endpoints }}"
      loop_control:
        label: "{{ item.name }}"
"""

TASK = """
    - name: Declare endpoint %(name)s
      together.ai.together_endpoint:
        name: %(name)s
        model: "%(model)s"
        hardware: %(hardware)s
        min_replicas: 1
        max_replicas: 2
"""


def playbook(variant, count, model_id, max_replicas=2):
    if variant == "tasks":
        text = LOOP.split("  tasks:\n", maxsplit=1)[0] % {"defaults": "{}"} + "  tasks:\n"
        return text + "".join(TASK % {"name": name, "model": MODEL, "hardware": HARDWARE} for name in names(count))
    with_project = variant != "loop"
    by_id = variant == "loop+id"
    return LOOP % {
        "defaults": json.dumps({"project_id": PROJECT["id"]}) if with_project else "{}",
        "identity": 'endpoint_id: "{{ item.id }}"' if by_id else 'name: "{{ item.name }}"',
        "model": model_id if by_id else MODEL,
        "hardware": HARDWARE,
        "max_replicas": max_replicas,
    }


def kind(entry):
    """What a logged request was, in words."""
    path = entry["decoded_path"] if entry.get("decoded_path") else entry["path"]
    path = path.split("?", 1)[0]
    if entry["method"] != "GET":
        return "write %s" % entry["method"]
    if path.endswith("/whoami"):
        return "whoami"
    if re.search(r"/v2/projects/[^/]+/endpoints$", path):
        return "endpoints list (by name)"
    if re.search(r"/v2/projects/[^/]+/endpoints/[^/]+$", path):
        return "endpoint GET"
    if re.search(r"/endpoints/[^/]+/deployments$", path):
        return "deployments list"
    if re.search(r"/endpoints/[^/]+/deployments/[^/]+$", path):
        return "deployment GET"
    if "/models/" in path:
        return "model name"
    if "/configs" in path:
        return "configs"
    return "other GET %s" % path


def find_collections(given):
    candidates = [given] if given else [os.path.join(os.environ.get("BUILD_DIR") or str(ROOT / ".build"), "collections")]
    for base in candidates:
        if (pathlib.Path(base) / "ansible_collections" / "together" / "ai" / "plugins" / "modules" / "together_endpoint.py").is_file():
            return str(pathlib.Path(base).resolve())
    sys.exit("No built together.ai collection under %s: run `make collection` (or give --collections)." % candidates[0])


def run(command, env, log):
    completed = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=str(ROOT),
                               universal_newlines=True, check=False)
    log.write_text(completed.stdout, encoding="utf-8")
    recap = re.search(r"localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", completed.stdout)
    if completed.returncode != 0 or not recap:
        tail = completed.stdout[-3000:]
        sys.exit("%s failed (exit %d); its output is in %s:\n%s" % (" ".join(command[-3:]), completed.returncode, log, tail))
    return int(recap.group(2))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--collections", help="directory that holds ansible_collections/together/ai")
    parser.add_argument("--only", default=",".join(VARIANTS), help="comma-separated variants: %s" % ", ".join(VARIANTS))
    parser.add_argument("--json", help="also write the counts to this file")
    args = parser.parse_args(argv)
    variants = [item for item in args.only.split(",") if item]
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown:
        parser.error("unknown variant %s; known: %s" % (", ".join(unknown), ", ".join(VARIANTS)))
    collections_path = find_collections(args.collections)
    api_key = "bench-" + secrets.token_hex(12)
    results = {}
    with tempfile.TemporaryDirectory(prefix="together-manage-noop-") as workdir:
        work = pathlib.Path(workdir)
        scenario_path = work / "scenario.json"
        scenario_path.write_text(json.dumps(scenario(args.count)), encoding="utf-8")
        simulator = Simulator(work, scenario_path, api_key, lifetime=1800)
        try:
            simulator.start()
            env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_LOCALHOST_WARNING="False",
                       ANSIBLE_INVENTORY_UNPARSED_WARNING="False", ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
                       TOGETHER_BASE_URL=simulator.base_url, TOGETHER_API_KEY=api_key)
            env.pop("TOGETHER_PROJECT_ID", None)
            # The ml_... id the simulator gave the public model, for the variant that declares it by id.
            status_path = "/v2/projects/%s/endpoints/ep_bench00" % PROJECT["id"]
            request = urllib.request.Request(simulator.root_url + status_path, headers={"Authorization": "Bearer " + api_key})
            with urllib.request.urlopen(request, timeout=10) as response:
                model_path = json.loads(response.read().decode("utf-8"))["deployments"][0]["model"]
            model_id = model_path.split("/models/", 1)[1].split("/", 1)[0]
            endpoints = [{"name": name, "id": "ep_bench%02d" % index} for index, name in enumerate(names(args.count))]
            (work / "vars.json").write_text(json.dumps({"bench_endpoints": endpoints}), encoding="utf-8")
            say("Simulator at %s: %d v2 endpoints in the declared shape; collection %s"
                % (simulator.root_url, args.count, collections_path))
            for variant in variants:
                path = work / ("%s.yml" % re.sub(r"\W", "_", variant))
                path.write_text(playbook(variant, args.count, model_id), encoding="utf-8")
                command = [ansible_playbook("collection"), "-i", "localhost,", "-e", "@%s" % (work / "vars.json"),
                           "-e", "ansible_python_interpreter=%s" % sys.executable, str(path)]
                if variant == "loop+diff":
                    command.insert(1, "--diff")
                counts = []
                for attempt in (1, 2):
                    simulator.control("DELETE", "requests")
                    changed = run(command, env, work / ("%s-%d.log" % (path.stem, attempt)))
                    if changed:
                        sys.exit("%s, run %d: %d task(s) changed; the endpoints were declared as they are"
                                 % (variant, attempt, changed))
                    counts.append(collections.Counter(kind(entry) for entry in simulator.control("GET", "requests")["requests"]))
                results[variant] = dict(counts[1])
            # The no-op reads must not hide a change: declared max_replicas 3, every endpoint is scaled.
            path = work / "changed.yml"
            path.write_text(playbook("loop", args.count, model_id, max_replicas=3), encoding="utf-8")
            simulator.control("DELETE", "requests")
            changed = run([ansible_playbook("collection"), "-i", "localhost,", "-e", "@%s" % (work / "vars.json"),
                           "-e", "ansible_python_interpreter=%s" % sys.executable, str(path)], env, work / "changed.log")
            drift = collections.Counter(kind(entry) for entry in simulator.control("GET", "requests")["requests"])
            if changed != 1 or drift.get("write PATCH") != args.count:
                sys.exit("declaring max_replicas 3 changed %d task(s) with %d PATCH(es); expected 1 task and %d"
                         % (changed, drift.get("write PATCH", 0), args.count))
        finally:
            simulator.close()
    kinds = sorted(set(key for counts in results.values() for key in counts))
    width = max([len(item) for item in kinds + ["total"]] + [10])
    say()
    say("No-op rerun (second run, changed=0) of %d declared endpoints: requests per endpoint, by kind" % args.count)
    say("%-*s %s" % (width, "kind", " ".join("%10s" % item for item in variants)))
    for key in kinds + ["total"]:
        cells = []
        for variant in variants:
            number = sum(results[variant].values()) if key == "total" else results[variant].get(key, 0)
            cells.append("%10s" % ("%.2f" % (number / float(args.count))))
        say("%-*s %s" % (width, key, " ".join(cells)))
    say()
    say("Then max_replicas 2 -> 3 declared (loop): changed, %s" % ", ".join(
        "%d %s" % (number, key) for key, number in sorted(drift.items())))
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps({"count": args.count, "requests": results, "changed_run": dict(drift)}, indent=1, sort_keys=True) + "\n",
                                           encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
