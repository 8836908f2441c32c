# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters behind the together.ai.endpoint_gate role: plan the waits, evaluate every check, word the report.

The documentation of each filter is in the YAML file named after it, beside this file.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.collections import is_sequence
from ansible.module_utils.parsing.convert_bool import boolean

# The module's own test of "there yet" for a wait, so the gate plans exactly the waits the module will do.
from ansible_collections.together.ai.plugins.module_utils._endpoint_info import EndpointInfo
from ansible_collections.together.ai.plugins.module_utils._readiness import STATES, short_state
from ansible_collections.together.ai.plugins.module_utils._v2_normalize import KNOWN_STATES, select_deployment
from ansible_collections.together.ai.plugins.plugin_utils._report import markdown_cell, report_path, xml_text
from ansible_collections.together.ai.plugins.plugin_utils._policy import check_values, settings_problems, unknown_variables

DEFAULT_STATE = "STARTED"
# Raw v2 deployment states (without their DEPLOYMENT_STATE_ prefix) that are not also v1 words.
V2_ONLY_STATES = tuple(state for state in KNOWN_STATES if state not in STATES)
# What a deployment expectation's state may be: the v1 words (compared with normalized_state) or a raw v2 state.
DEPLOYMENT_STATES = tuple(STATES) + V2_ONLY_STATES
# The key of an entry that holds its per-deployment expectations.
DEPLOYMENTS = "deployments"
NOT_APPLICABLE = "not applicable to a v1 endpoint"


def _field(*path):
    """Read a (nested) endpoint field; None when the API did not send it."""

    def read(endpoint):
        value = endpoint
        for key in path:
            if not isinstance(value, dict):
                return None
            value = value.get(key)
        return value

    return read


def _is_v2(endpoint):
    return isinstance(endpoint, dict) and endpoint.get("api_version") == "v2"


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _equals(actual, expected):
    return actual == expected


def _at_least(actual, expected):
    return _is_number(actual) and actual >= expected


def _at_most(actual, expected):
    return _is_number(actual) and actual <= expected


def _text(value):
    """A value as the reports show it; booleans as YAML writes them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# How each relation words its expected value in reports.
_EXPECTED_WORDING = {_equals: "{0}", _at_least: ">= {0}", _at_most: "<= {0}"}


def _short_name(deployment):
    return (deployment.get("name") or deployment.get("id") or "?").rsplit("/", 1)[-1]


def _why_not_serving(endpoint, actual):
    """Why a v2 endpoint serves nothing, in the words of its traffic split."""
    if actual is not False:
        return None
    deployments = [item for item in endpoint.get("deployments") or [] if isinstance(item, dict)]
    routed = [item for item in deployments if _is_number(item.get("traffic_weight")) and item["traffic_weight"] > 0
              and item.get("traffic_mode", "TRAFFIC_MODE_LIVE") == "TRAFFIC_MODE_LIVE"]
    if not routed:
        return "no live deployment has traffic weight in the endpoint's traffic split"
    return "the deployments with traffic weight (%s) have no ready replica" % ", ".join(_short_name(item) for item in routed)


class Check:
    """One check a gate entry may ask for, by the option name the user writes.

    read(subject) gives the actual value of an endpoint (or, in DEPLOYMENT_CHECKS, of one deployment),
    compare(actual, expected) decides, value_type is the type the expected value is converted to.
    explain(subject, actual), when given, says why the check failed. A check with v1_note is about a v2
    fact: asked of a v1 endpoint, it fails, saying so and adding the note (what to check on v1 instead).
    Adding a check is one more row in CHECKS or DEPLOYMENT_CHECKS.
    """

    def __init__(self, name, read, compare, value_type, explain=None, v1_note=None):
        self.name = name
        self.read = read
        self.compare = compare
        self.value_type = value_type
        self.explain = explain
        self.v1_note = v1_note

    def expected_text(self, expected):
        return _EXPECTED_WORDING[self.compare].format(_text(expected))

    def actual(self, subject, expected):  # pylint: disable=unused-argument
        return self.read(subject)

    def convert(self, where, value):
        """The expected value as the comparison needs it."""
        converted = _converted(self.value_type, value)
        if converted is None:
            raise AnsibleFilterError("%s: %s must be %s, got %r" % (where, self.name, _KINDS[self.value_type], value))
        return converted


_KINDS = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}


def _converted(value_type, value):
    """value as value_type, or None when it is not one; strings (extra vars arrive as strings) are read."""
    if value_type is bool:
        try:
            return boolean(value, strict=True)
        except TypeError:
            return None
    if value_type is str:
        return str(value) if isinstance(value, str) else None
    if isinstance(value, bool):
        return None
    if value_type is float and _is_number(value):
        return value  # an integer weight stays one, and reads 1 rather than 1.0 in reports
    for convert in ((int,) if value_type is int else (int, float)):
        try:
            return convert(value)
        except (TypeError, ValueError):
            pass
    return None


class DeploymentStateCheck(Check):
    """A deployment's state, in either vocabulary.

    A v1 word (STARTED, STOPPED...) is compared with the deployment's normalized_state, so the words of
    an endpoint's state work for its deployments too; a raw v2 state (READY, or DEPLOYMENT_STATE_READY)
    is compared with the deployment's own state, for the cases the v1 words blur (SCALING with ready
    replicas is STARTED, and so is READY).
    """

    def __init__(self):
        super(DeploymentStateCheck, self).__init__("state", _field("normalized_state"), _equals, str)

    def convert(self, where, value):
        state = short_state(super(DeploymentStateCheck, self).convert(where, value))
        if state not in DEPLOYMENT_STATES:
            raise AnsibleFilterError("%s: state must be a v1 state (%s) or a v2 deployment state (%s), got %r"
                                     % (where, ", ".join(STATES), ", ".join(V2_ONLY_STATES), value))
        return state

    def actual(self, subject, expected):
        if expected in V2_ONLY_STATES:
            return short_state(subject.get("state")) or None
        return subject.get("normalized_state")


class ModelCheck(Check):
    """The model, by its id; for v2, by its resource path or its readable name (model_name), as written."""

    def __init__(self):
        super(ModelCheck, self).__init__("model", _field("model"), _equals, str)

    def actual(self, subject, expected):
        path, name = subject.get("model"), subject.get("model_name")
        if name is None or expected in (path, name):
            return expected if expected in (path, name) else path
        return "%s (%s)" % (name, path)


def _replica_checks(read_min, read_max):
    """The exact and bounded replica checks, alike for an endpoint and for one of its deployments."""
    return (
        Check("min_replicas", read_min, _equals, int),
        Check("min_replicas_at_least", read_min, _at_least, int),
        Check("min_replicas_at_most", read_min, _at_most, int),
        Check("max_replicas", read_max, _equals, int),
        Check("max_replicas_at_least", read_max, _at_least, int),
        Check("max_replicas_at_most", read_max, _at_most, int),
    )


# The checks of a gate entry, in the order they are evaluated and reported.
CHECKS = (
    Check("state", _field("state"), _equals, str),
    Check("serving", _field("serving"), _equals, bool, explain=_why_not_serving,
          v1_note="a v1 endpoint serves when its state is STARTED"),
    ModelCheck(),
    Check("hardware", _field("hardware"), _equals, str),
) + _replica_checks(_field("autoscaling", "min_replicas"), _field("autoscaling", "max_replicas"))
CHECKS_BY_NAME = dict((check.name, check) for check in CHECKS)

# The checks of one item of an entry's deployments (v2 endpoints), read from the module's deployments[].
DEPLOYMENT_CHECKS = (
    DeploymentStateCheck(),
    ModelCheck(),
    Check("hardware", _field("hardware"), _equals, str),
) + _replica_checks(_field("min_replicas"), _field("max_replicas")) + (
    Check("ready_replicas_at_least", _field("ready_replicas"), _at_least, int),
    Check("traffic_weight_at_least", _field("traffic_weight"), _at_least, float),
)
DEPLOYMENT_CHECKS_BY_NAME = dict((check.name, check) for check in DEPLOYMENT_CHECKS)
# The check every endpoint (and every named deployment) gets first: the others need it to exist.
EXISTS = "exists"


class GateEntry:
    """One validated gate entry: the endpoint, what it must be, and what each named deployment must be."""

    def __init__(self, endpoint_id, wanted, deployments):
        self.endpoint_id = endpoint_id
        # {check name: expected value}; None (given as null) leaves the check out.
        self.wanted = wanted
        # [(deployment name as written, [(Check, expected), ...]), ...]
        self.deployments = deployments

    def expectations(self, endpoint):
        """[(Check, expected)] for the endpoint as read (None when it does not exist).

        A v2 endpoint expected STARTED is also expected to serve, unless the entry says otherwise: a v2
        endpoint can be STARTED and serve nothing.
        """
        wanted = dict(self.wanted)
        if _is_v2(endpoint) and "serving" not in wanted and wanted.get("state") == DEFAULT_STATE:
            wanted["serving"] = True
        return [(check, wanted[check.name]) for check in CHECKS if wanted.get(check.name) is not None]


def _reject_unknown_keys(where, given, known, required, what):
    """A typo must not silently skip a check: an unknown key is an error that lists the known ones."""
    unknown = sorted(set(given) - set(known) - set([required]))
    if unknown:
        raise AnsibleFilterError("%s: unknown %s%s %s; the known %ss are %s"
                                 % (where, what, "s" if len(unknown) > 1 else "", ", ".join(unknown), what,
                                    ", ".join(known)))


def _deployment_expectations(entry_name, items, problems):
    """Validate an entry's deployments; return [(name, [(Check, expected), ...])] in the order given."""
    if items is None:
        return []
    if not is_sequence(items):
        raise AnsibleFilterError("%s: deployments must be a list of dicts, each with the name of a deployment and its "
                                 "checks, got %r" % (entry_name, items))
    expectations = []
    for index, item in enumerate(items):
        where = "%s: deployments[%d]" % (entry_name, index)
        if not isinstance(item, dict):
            raise AnsibleFilterError("%s must be a dict with name and the checks, got %r" % (where, item))
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise AnsibleFilterError("%s needs a name: the deployment's name (blue, or project/endpoint/blue) or its "
                                     "dep_... id" % where)
        name = str(name)
        where = "%s (deployment %s)" % (where, name)
        if name in [known for known, _checks in expectations]:
            raise AnsibleFilterError("%s: deployment %s is listed twice; put all its checks in one item" % (where, name))
        _reject_unknown_keys(where, item, [check.name for check in DEPLOYMENT_CHECKS], "name", "deployment check")
        checks = [(check, check.convert(where, item[check.name]))
                  for check in DEPLOYMENT_CHECKS if item.get(check.name) is not None]
        problems.extend(check_values(where, dict((check.name, value) for check, value in checks)))
        expectations.append((name, checks))
    return expectations


def _raise_problems(problems):
    if problems:
        raise AnsibleFilterError("\n".join(problems))


def normalize_checks(checks):
    """Validate the gate entries; return a GateEntry per entry, in the order given.

    ``state`` defaults to STARTED; an explicit null leaves that check out, as for any other check.
    """
    if not is_sequence(checks):
        raise AnsibleFilterError("endpoint gate checks must be a list of dicts, got %r" % (checks,))
    normalized = []
    seen = set()
    # Values no endpoint can pass, collected over every entry so one run names them all.
    problems = []
    for index, entry in enumerate(checks):
        entry_name = "endpoint_gate_checks[%d]" % index
        if not isinstance(entry, dict):
            raise AnsibleFilterError("%s must be a dict with endpoint_id and the checks, got %r" % (entry_name, entry))
        endpoint_id = entry.get("endpoint_id")
        if not isinstance(endpoint_id, str) or not endpoint_id.strip():
            raise AnsibleFilterError("%s needs an endpoint_id (a non-empty string)" % entry_name)
        endpoint_id = str(endpoint_id)
        entry_name = "%s (endpoint %s)" % (entry_name, endpoint_id)
        if endpoint_id in seen:
            raise AnsibleFilterError("%s: endpoint %s is listed twice; put all its checks in one entry"
                                     % (entry_name, endpoint_id))
        seen.add(endpoint_id)
        _reject_unknown_keys(entry_name, entry, [check.name for check in CHECKS] + [DEPLOYMENTS], "endpoint_id", "check")
        wanted = dict((name, value) for name, value in entry.items() if name in CHECKS_BY_NAME)
        wanted.setdefault("state", DEFAULT_STATE)
        wanted = dict((name, None if value is None else CHECKS_BY_NAME[name].convert(entry_name, value))
                      for name, value in wanted.items())
        if wanted.get("state") not in STATES + (None,):
            raise AnsibleFilterError("%s: state must be one of %s, or null to leave it unchecked, got %r"
                                     % (entry_name, ", ".join(STATES), wanted["state"]))
        problems.extend(check_values(entry_name, wanted))
        normalized.append(GateEntry(endpoint_id, wanted,
                                    _deployment_expectations(entry_name, entry.get(DEPLOYMENTS), problems)))
    _raise_problems(problems)
    return normalized


def _endpoints_by_id(endpoints):
    """Index endpoint dicts by id; a later dict for the same id replaces an earlier one (fresher data)."""
    if endpoints is None:
        return {}
    if not is_sequence(endpoints):
        raise AnsibleFilterError("endpoints must be a list of endpoint dicts, got %r" % (endpoints,))
    by_id = {}
    for endpoint in endpoints:
        if isinstance(endpoint, dict) and endpoint.get("id") is not None:
            by_id[endpoint["id"]] = endpoint
    return by_id


def endpoint_gate_wait_plan(endpoints, checks):
    """Which endpoints to wait for, grouped by the state expected of them.

    A group is only planned when one of its endpoints is not there yet, as the module's wait judges it:
    for a v2 endpoint, STARTED means its primary deployment is READY and, when the gate expects it to
    serve, that it serves. v2 endpoints expected STARTED but not expected to serve are waited for in a
    group of their own, without routing. Endpoints that do not exist, or sit in ERROR/FAILED (which they
    do not leave by themselves), are left out: waiting on them would stop the module's wait at once for
    the whole group.
    """
    current = _endpoints_by_id(endpoints)
    groups = []
    for entry in normalize_checks(checks):
        endpoint = current.get(entry.endpoint_id)
        wanted = dict((check.name, expected) for check, expected in entry.expectations(endpoint))
        expected_state = wanted.get("state")
        if expected_state is None or endpoint is None:
            continue
        # The module ignores wait_for_routing for v1 endpoints.
        routing = not _is_v2(endpoint) or wanted.get("serving") is True
        progress = EndpointInfo(wait_for_state=expected_state, wait_for_routing=routing).progress(
            entry.endpoint_id, endpoint)
        if progress.failure or progress.dead_end:
            # It will not get there by itself: the evaluation reports it now rather than after a wait.
            continue
        group = next((g for g in groups if g["state"] == expected_state and g["wait_for_routing"] == routing), None)
        if group is None:
            group = {"state": expected_state, "wait_for_routing": routing, "endpoint_ids": [], "not_yet": {}}
            groups.append(group)
        # The whole group is waited for together, so its endpoints are read at the same moment at the end.
        group["endpoint_ids"].append(entry.endpoint_id)
        if not progress.done:
            group["not_yet"][entry.endpoint_id] = (
                "%s (%s)" % (endpoint.get("state"), progress.detail) if _is_v2(endpoint) else endpoint.get("state"))
    return [group for group in groups if group["not_yet"]]


def _actual_text(value):
    return "not reported by the API" if value is None else _text(value)


def _check_result(name, expected, actual, status, deployment=None, note=None, skipped_because=None):
    """One check's outcome; the checks of a deployment carry its name, and their message starts with it."""
    prefix = "deployment %s: " % deployment if deployment is not None else ""
    if status == "skipped":
        message = "%s%s: not evaluated, %s" % (prefix, name, skipped_because)
    else:
        message = "%s%s: expected %s, actual %s%s" % (prefix, name, expected, _actual_text(actual),
                                                      " (%s)" % note if note else "")
    result = {"check": name, "expected": expected, "actual": actual, "status": status, "message": message}
    if deployment is not None:
        result["deployment"] = deployment
    return result


def _evaluate_check(check, expected, subject, is_v2, deployment=None):
    if check.v1_note and not is_v2:
        return _check_result(check.name, check.expected_text(expected), NOT_APPLICABLE, "failed", deployment,
                             note="%s is a v2 fact; %s" % (check.name, check.v1_note))
    actual = check.actual(subject, expected)
    passed = check.compare(actual, expected)
    note = None if passed or check.explain is None else check.explain(subject, actual)
    return _check_result(check.name, check.expected_text(expected), actual, "passed" if passed else "failed",
                         deployment, note=note)


def _skipped(expectations, because, deployment=None):
    return [_check_result(check.name, check.expected_text(expected), None, "skipped", deployment, skipped_because=because)
            for check, expected in expectations]


def _evaluate_deployments(entry, endpoint):
    """The checks of each deployment the entry names: it must exist, then match."""
    results = []
    if endpoint is None:
        for name, expectations in entry.deployments:
            results.append(_check_result(EXISTS, "the deployment exists", None, "skipped", name,
                                         skipped_because="the endpoint does not exist"))
            results.extend(_skipped(expectations, "the endpoint does not exist", name))
        return results
    if not _is_v2(endpoint):
        for name, expectations in entry.deployments:
            results.append(_check_result(EXISTS, "the deployment exists", NOT_APPLICABLE, "failed", name,
                                         note="deployments are a v2 fact; a v1 endpoint has none"))
            results.extend(_skipped(expectations, "a v1 endpoint has no deployments", name))
        return results
    deployments = [dict(dict(id=None, name=None), **item) for item in endpoint.get("deployments") or []
                   if isinstance(item, dict)]
    for name, expectations in entry.deployments:
        deployment = select_deployment(deployments, name)
        if deployment is None:
            names = ", ".join(_short_name(item) for item in deployments)
            results.append(_check_result(EXISTS, "the deployment exists", "not found", "failed", name,
                                         note="the endpoint's deployments: %s" % names if names
                                         else "the endpoint has no deployments"))
            results.extend(_skipped(expectations, "the deployment does not exist", name))
            continue
        results.append(_check_result(EXISTS, "the deployment exists", "found", "passed", name))
        results.extend(_evaluate_check(check, expected, deployment, True, name) for check, expected in expectations)
    return results


def _describe(endpoint):
    """A short identity for report lines: model, hardware, state, replica bounds; for v2, what serves."""
    autoscaling = endpoint.get("autoscaling") or {}
    parts = [str(endpoint.get(key)) for key in ("model_name", "hardware") if endpoint.get(key)]
    if not endpoint.get("model_name") and endpoint.get("model"):
        parts.insert(0, str(endpoint["model"]))
    parts.append(str(endpoint.get("state")))
    if autoscaling:
        parts.append("replicas %s-%s" % (autoscaling.get("min_replicas"), autoscaling.get("max_replicas")))
    if _is_v2(endpoint):
        primary = next((item for item in endpoint.get("deployments") or []
                        if isinstance(item, dict) and item.get("id") == endpoint.get("primary_deployment_id")), None)
        parts.append("deployment %s" % _short_name(primary) if primary else "no live deployment")
        parts.append("serving" if endpoint.get("serving") else "not serving")
    return ", ".join(parts)


def _evaluate_endpoint(entry, endpoint, missing):
    expectations = entry.expectations(endpoint)
    if endpoint is None:
        actual = "not found (HTTP 404)" if entry.endpoint_id in missing else "not returned by the API"
        results = [_check_result(EXISTS, "the endpoint exists", actual, "failed")]
        results.extend(_skipped(expectations, "the endpoint does not exist"))
    else:
        results = [_check_result(EXISTS, "the endpoint exists", "found", "passed")]
        results.extend(_evaluate_check(check, expected, endpoint, _is_v2(endpoint)) for check, expected in expectations)
    results.extend(_evaluate_deployments(entry, endpoint))
    violations = [dict((key, value) for key, value in r.items() if key != "status") for r in results if r["status"] == "failed"]
    return {"passed": not violations, "found": endpoint is not None, "checks": results, "violations": violations}


def _plural(count, word):
    return "%d %s%s" % (count, word, "" if count == 1 else "s")


def _headline(results, violations):
    if not violations:
        return "Endpoint gate PASSED: %s, every check passed." % _plural(len(results), "endpoint")
    failed_endpoints = [endpoint_id for endpoint_id, result in results.items() if not result["passed"]]
    return "Endpoint gate FAILED: %s in %d of %s." % (
        _plural(len(violations), "violation"), len(failed_endpoints), _plural(len(results), "endpoint"))


def _notes_lines(notes):
    return ["While waiting:"] + ["  - %s" % note for note in notes] if notes else []


def _report_lines(results, endpoints, violations, notes):
    lines = [_headline(results, violations)]
    for endpoint_id, result in results.items():
        evaluated = [c for c in result["checks"] if c["status"] != "skipped"]
        if result["passed"]:
            lines.append("PASS %s (%s): %s passed" % (endpoint_id, _describe(endpoints[endpoint_id]),
                                                      _plural(len(evaluated), "check")))
            continue
        if result["found"]:
            lines.append("FAIL %s (%s): %d of %s failed" % (
                endpoint_id, _describe(endpoints[endpoint_id]), len(result["violations"]),
                _plural(len(evaluated), "check")))
        else:
            lines.append("FAIL %s: the endpoint does not exist, its other checks were not evaluated" % endpoint_id)
        lines.extend("  - %s" % violation["message"] for violation in result["violations"])
    return lines + _notes_lines(notes)


def _failure_lines(results, violations, notes):
    """The message the gate fails with: every violation, with its endpoint, on one line each."""
    if not violations:
        return []
    return ([_headline(results, violations)] + ["  - %s" % violation["message"] for violation in violations]
            + _notes_lines(notes))


READ = "read"


def _errored(checks, error):
    """The outcome when the API could not be read: one errored check per gated endpoint, naming the error."""
    results = {}
    violations = []
    for entry in normalize_checks(checks):
        message = "read: the Together API could not be read, no check was evaluated: %s" % error
        check = {"check": READ, "expected": "the endpoint can be read", "actual": str(error), "status": "error",
                 "message": message}
        results[entry.endpoint_id] = {"passed": False, "found": False, "errored": True, "checks": [check],
                                      "violations": [dict((k, v) for k, v in check.items() if k != "status")]}
        violations.append(dict(check, endpoint_id=entry.endpoint_id, message="%s: %s" % (entry.endpoint_id, message)))
    headline = ("Endpoint gate ERROR: the Together API could not be read, so none of the %s was checked: %s"
                % (_plural(len(results), "endpoint"), error))
    return {
        "passed": False,
        "errored": True,
        "endpoints": {},
        "results": results,
        "violations": violations,
        "totals": {"endpoints": len(results), "endpoints_failed": len(results), "checks": len(results),
                   "failed": 0, "errors": len(results), "skipped": 0},
        "notes": [],
        "report": [headline] + ["ERROR %s: not read" % endpoint_id for endpoint_id in results],
        "failure": [headline],
    }


def endpoint_gate_evaluate(endpoints, checks, missing=None, notes=None, error=None):
    """Evaluate every check of every gated endpoint, without stopping at the first violation.

    With error (the API could not be read), every endpoint gets one errored check naming it.
    """
    if error:
        return _errored(checks, error)
    by_id = _endpoints_by_id(endpoints)
    missing = list(missing or [])
    notes = [str(note) for note in (notes or []) if note]
    results = {}
    gated = {}
    violations = []
    for entry in normalize_checks(checks):
        endpoint_id = entry.endpoint_id
        endpoint = by_id.get(endpoint_id)
        if endpoint is not None:
            gated[endpoint_id] = endpoint
        result = _evaluate_endpoint(entry, endpoint, missing)
        results[endpoint_id] = result
        violations.extend(dict(violation, endpoint_id=endpoint_id,
                               message="%s: %s" % (endpoint_id, violation["message"]))
                          for violation in result["violations"])
    all_checks = [c for result in results.values() for c in result["checks"]]
    return {
        "passed": not violations,
        "errored": False,
        "endpoints": gated,
        "results": results,
        "violations": violations,
        "totals": {
            "endpoints": len(results),
            "endpoints_failed": len([r for r in results.values() if not r["passed"]]),
            "checks": len(all_checks),
            "failed": len([c for c in all_checks if c["status"] == "failed"]),
            "errors": 0,
            "skipped": len([c for c in all_checks if c["status"] == "skipped"]),
        },
        "notes": notes,
        "report": _report_lines(results, gated, violations, notes),
        "failure": _failure_lines(results, violations, notes),
    }


def endpoint_gate_policy(checks, settings=None, variable_names=None):
    """Check the whole gate policy before any request; return the number of entries, or fail naming every problem."""
    problems = unknown_variables(variable_names or []) + settings_problems(settings or {})
    try:
        entries = normalize_checks(checks)
    except AnsibleFilterError as exc:
        problems.append(str(getattr(exc, "message", exc)))
        entries = []
    if problems:
        raise AnsibleFilterError("The endpoint gate policy is wrong; nothing was read from the API:\n  - %s"
                                 % "\n  - ".join(line for problem in problems for line in problem.split("\n")))
    return len(entries)


def endpoint_gate_xml(value):
    """Text for the JUnit report: XML-escaped, characters XML forbids replaced."""
    return xml_text(value)


def endpoint_gate_md(value):
    """Text for one Markdown table cell: one line, pipes escaped."""
    return markdown_cell(value)


def endpoint_gate_report_dir(directory):
    """The report folder; a relative one is relative to the directory ansible-playbook was started in."""
    return report_path(directory)


class FilterModule:
    """The together.ai endpoint gate filters."""

    def filters(self):
        return {
            "endpoint_gate_evaluate": endpoint_gate_evaluate,
            "endpoint_gate_wait_plan": endpoint_gate_wait_plan,
            "endpoint_gate_policy": endpoint_gate_policy,
            "endpoint_gate_xml": endpoint_gate_xml,
            "endpoint_gate_md": endpoint_gate_md,
            "endpoint_gate_report_dir": endpoint_gate_report_dir,
        }
