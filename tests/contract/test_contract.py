# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Contract tests: for every operation of _cases.CASES, the collection sends what Together's own SDK (or CLI) sends.

Both sides run against the bundled simulator through the recording proxy (_recorder.py): the reference in a subprocess
of its venv (_reference.py, _sdk_side.py), the collection in this process through its real action plugin and modules
(tests/model/_harness.py). The two recordings must agree in method, path, query names and values and JSON body (etags
and ids created during the run aside), and the writes must come in the same order, except for the differences the
case declares with their reasons; a declared difference that no longer occurs fails too.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import time

import pytest

from ansible_collections.together.ai.plugins.modules import together_endpoint_probe, together_hardware_info
from ansible_collections.together.ai.tests.contract import _cases, _reference
from ansible_collections.together.ai.tests.contract._recorder import Recorder, Simulator
from ansible_collections.together.ai.tests.model import _harness

WRITES = ("POST", "PATCH", "DELETE", "PUT")
KNOWN_IDS = set(["ep_chat", "ep_canary", "ep_old", "dep_blue", "dep_cblue", "dep_cgreen", "dep_old"])
CREATED_ID = re.compile(r"\b(ep|dep)_[A-Za-z0-9]+\b")
TIMINGS = {}


@pytest.fixture(scope="session")
def contract(tmp_path_factory):
    """Both sides of every case, recorded once: {"recorder": Recorder, "reference": {case: error or None}}."""
    started = time.monotonic()
    try:
        venvs = _reference.build_all()
    except _reference.ReferenceUnavailable as exc:
        if os.environ.get("SIMULATOR_REFERENCE_CLIENTS") == "skip":
            pytest.skip("SIMULATOR_REFERENCE_CLIENTS=skip: %s" % exc)
        raise
    TIMINGS["venvs"] = time.monotonic() - started
    simulator = Simulator()
    recorder = Recorder(simulator, dict((case.name, case.scenario) for case in _cases.CASES))
    home = str(tmp_path_factory.mktemp("home"))
    try:
        configs = catalog_configs(simulator)
        started = time.monotonic()
        reference = {}
        for client in ("sdk-v2", "sdk-v1"):
            cases = [dict(case=case.name, op=case.reference[1], args=case.reference[2])
                     for case in _cases.CASES if case.reference[0] == client]
            reference.update(_reference.run_sdk(venvs[client[-2:]], recorder.root, _cases.PROJECT["id"], cases, home))
        TIMINGS["sdk"] = time.monotonic() - started
        started = time.monotonic()
        for case in _cases.CASES:
            if case.reference[0] == "cli":
                argv = [substitute(item, recorder.root, configs) for item in case.reference[1]]
                recorder.begin(case.name, "sdk")
                try:
                    code, output = _reference.run_cli(venvs["v2"], recorder.root, argv, home)
                finally:
                    recorder.end()
                reference[case.name] = None if code == 0 else "exit %d: %s" % (code, output[-2000:])
        TIMINGS["cli"] = time.monotonic() - started
        yield dict(recorder=recorder, reference=reference, runner=_harness.TaskRunner(), collection_seconds=0.0, configs=configs)
    finally:
        recorder.close()
        simulator.close()


def substitute(value, proxy, configs):
    """{proxy} is the recording proxy's URL, {config:MODEL} the config of MODEL on the 1x H100 (read from the catalog)."""
    if not isinstance(value, str):
        return value
    if value.startswith("{config:") and value.endswith("}"):
        return configs.get(value[len("{config:"):-1], value)
    return value.replace("{proxy}", proxy)


def catalog_configs(simulator):
    """{model name: the config (cr_...) of its 1x H100 deployment}, as the simulator's catalog names them."""
    simulator.load(_cases.SCENARIO)
    headers = {"Authorization": "Bearer sim-key"}
    found = {}
    for model in (_cases.PUBLIC_MODEL, _cases.BASE_MODEL):
        listed = simulator.session.get(simulator.root + "/v2/supported-models", params={"search": model}, headers=headers,
                                       timeout=10).json()["data"]
        entry = next(item for item in listed if item.get("name") == model)
        reference_id = entry.get("baseModelId") or entry["id"]
        configs = simulator.session.get("%s/v2/projects/%s/configs" % (simulator.root, _cases.PROJECT["id"]),
                                        params={"referenceModelId": reference_id}, headers=headers, timeout=10).json()["data"]
        for config in configs:
            selectors = dict((item.get("key"), item.get("value")) for item in config.get("selectors") or [])
            if "%sx%s" % (selectors.get("accelerator_count"), selectors.get("accelerator_type")) == _cases.HARDWARE:
                found[model] = config["id"]
    return found


# -- the collection's side -------------------------------------------------------------------------------------------

_harness.MODULES.setdefault(_cases.HARDWARE_INFO, together_hardware_info.main)
_harness.MODULES.setdefault(_cases.PROBE, together_endpoint_probe.main)


def run_collection(contract, case, monkeypatch):
    recorder = contract["recorder"]
    for name in ("TOGETHER_PROJECT_ID", "TOGETHER_BASE_URL", "TOGETHER_INFERENCE_BASE_URL", "TOGETHER_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    module, args = case.collection
    args = dict((key, substitute(value, recorder.root, contract["configs"])) for key, value in args.items())
    args.update(api_key=_harness.API_KEY, base_url=recorder.root + "/v1", max_retries=0)
    started = time.monotonic()
    recorder.begin(case.name, "collection")
    try:
        if module == _cases.ENDPOINT:
            result = contract["runner"].run(args)
        else:
            result = _harness.run_module(module, args, check_mode=False, diff=False)
    finally:
        recorder.end()
    contract["collection_seconds"] += time.monotonic() - started
    return result


# -- comparing -------------------------------------------------------------------------------------------------------

def normalize(records):
    """Records with the ids created during the run numbered ({ep1}, {dep1}) and etag values blanked."""
    names = {}

    def rename(match):
        value = match.group(0)
        if value in KNOWN_IDS:
            return value
        if value not in names:
            kind = match.group(1)
            names[value] = "{%s%d}" % (kind, 1 + sum(1 for item in names.values() if item.startswith("{%s" % kind)))
        return names[value]

    def walk(value, key=None):
        if key == "etag":
            return "<etag>"
        if isinstance(value, dict):
            return dict((name, walk(item, name)) for name, item in value.items())
        if isinstance(value, list):
            return [walk(item) for item in value]
        if isinstance(value, str):
            return CREATED_ID.sub(rename, value)
        return value

    return [dict(method=item["method"], path=walk(item["path"]), body=walk(item["body"]),
                 query=dict((name, ["<etag>"] * len(values) if name == "etag" else walk(values)) for name, values in item["query"].items()))
            for item in records]


def show(record):
    query = "&".join("%s=%s" % (name, value) for name in sorted(record["query"]) for value in record["query"][name])
    text = "%s %s%s" % (record["method"], record["path"], ("?" + query) if query else "")
    if record["body"] is not None:
        text += " " + json.dumps(record["body"], sort_keys=True)
    return text


def signature(record):
    return (record["method"], record["path"], tuple(sorted((name, tuple(values)) for name, values in record["query"].items())))


def matches(difference, record):
    return record["method"] == difference.method and re.fullmatch(difference.path, record["path"]) is not None


def compare(case, reference, collection):
    """The problems with the two recordings (empty when they agree but for the declared differences)."""
    problems = []
    reference, collection = list(reference), list(collection)
    for difference in case.differences:
        kind = type(difference).__name__
        if kind in ("Extra", "Missing"):
            side = collection if kind == "Extra" else reference
            found = [item for item in side if matches(difference, item)]
            if len(found) != difference.count:
                problems.append("declared %s %s %s x%d (%s), but the %s sent %d: %s" % (
                    kind, difference.method, difference.path, difference.count, difference.reason,
                    "collection" if kind == "Extra" else "reference", len(found), [show(item) for item in found]))
            side[:] = [item for item in side if not matches(difference, item)]
    for difference in case.differences:
        kind = type(difference).__name__
        if kind not in ("Query", "Body"):
            continue
        seen = {"reference": [], "collection": []}
        for label, side in (("reference", reference), ("collection", collection)):
            for item in side:
                if matches(difference, item):
                    if kind == "Query":
                        seen[label].append(item["query"].pop(difference.name, None))
                    elif isinstance(item["body"], dict):
                        seen[label].append(item["body"].pop(difference.key, None))
        if seen["reference"] == seen["collection"]:
            problems.append("declared %s difference %s %s %s (%s) does not occur: both sent %r" % (
                kind, difference.method, difference.path, getattr(difference, "name", None) or difference.key,
                difference.reason, seen["reference"]))
    unmatched = list(collection)
    for item in reference:
        pair = next((other for other in unmatched if signature(other) == signature(item)), None)
        if pair is None:
            problems.append("only the reference sent: %s" % show(item))
            continue
        unmatched.remove(pair)
        if pair["body"] != item["body"]:
            problems.append("bodies differ on %s %s:\n  reference:  %s\n  collection: %s" % (
                item["method"], item["path"], json.dumps(item["body"], sort_keys=True), json.dumps(pair["body"], sort_keys=True)))
    problems.extend("only the collection sent: %s" % show(item) for item in unmatched)
    writes = [[(item["method"], item["path"]) for item in side if item["method"] in WRITES] for side in (reference, collection)]
    if writes[0] != writes[1] and not problems:
        problems.append("the writes come in another order:\n  reference:  %s\n  collection: %s" % tuple(writes))
    return problems


@pytest.mark.parametrize("case", _cases.CASES, ids=[case.name for case in _cases.CASES])
def test_collection_sends_what_together_sends(contract, case, monkeypatch):
    result = run_collection(contract, case, monkeypatch)
    recorder = contract["recorder"]
    reference = normalize(recorder.recordings[(case.name, "sdk")])
    collection = normalize(recorder.recordings[(case.name, "collection")])
    trail = "\nreference (%s):\n  %s\ncollection:\n  %s" % (
        contract["reference"].get(case.name) or "succeeded", "\n  ".join(show(item) for item in reference) or "nothing",
        "\n  ".join(show(item) for item in collection) or "nothing")
    problems = compare(case, reference, collection)
    if result.get("failed"):
        problems.insert(0, "the collection's task failed: %s" % (result.get("msg") or result.get("exception")))
    assert not problems, "%s: %s\n%s%s" % (case.name, case.operation, "\n".join(problems), trail)


def test_timings(contract):
    """Not a check: the time each part took (pytest -s shows it); with CONTRACT_SHOW=1, both recordings of every case."""
    print("contract timings: %s" % json.dumps(dict(TIMINGS, collection=round(contract["collection_seconds"], 2)), sort_keys=True))
    if os.environ.get("CONTRACT_SHOW"):
        for (case, side), records in sorted(contract["recorder"].recordings.items()):
            print("\n== %s (%s)\n  %s" % (case, side, "\n  ".join(show(item) for item in normalize(records)) or "nothing"))
