# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This plugin_utils is internal to together.ai: its API may change without notice. Do not import it.

"""The endpoint gate's evaluation: every check of every gated endpoint and of its named deployments, no early stop."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.together.ai.plugins.module_utils._v2_normalize import select_deployment
from ansible_collections.together.ai.plugins.plugin_utils._gate_checks import (
    EXISTS,
    NOT_APPLICABLE,
    deployments_of,
    is_v2,
    short_name,
)
from ansible_collections.together.ai.plugins.plugin_utils._gate_entries import endpoints_by_id, gate_entries, problem_text
from ansible_collections.together.ai.plugins.plugin_utils._gate_policy import policy_headline
from ansible_collections.together.ai.plugins.plugin_utils._gate_wording import (
    POLICY,
    check_result,
    failure_lines,
    read_error_headline,
    read_error_report_lines,
    read_error_result,
    report_lines,
)


def _without_status(result):
    return dict((key, value) for key, value in result.items() if key != "status")


def _evaluate_check(check, expected, subject, endpoint_is_v2, deployment=None):
    if check.v1_note and not endpoint_is_v2:
        return check_result(check.name, check.expected_text(expected), NOT_APPLICABLE, "failed", deployment,
                            note="%s is a v2 fact; %s" % (check.name, check.v1_note))
    skipped_because = check.skip(subject) if check.skip is not None else None
    if skipped_because:
        return check_result(check.name, check.expected_text(expected), None, "skipped", deployment,
                            skipped_because=skipped_because)
    actual = check.actual(subject, expected)
    passed = check.passes(actual, expected)
    note = None if passed or check.explain is None else check.explain(subject, actual)
    return check_result(check.name, check.expected_text(expected), actual, "passed" if passed else "failed",
                        deployment, note=note)


def _skipped(expectations, because, deployment=None):
    return [check_result(check.name, check.expected_text(expected), None, "skipped", deployment, skipped_because=because)
            for check, expected in expectations]


def _evaluate_deployments(entry, endpoint):
    """The checks of each deployment the entry names: it must exist, then match."""
    results = []
    if endpoint is None:
        for name, expectations in entry.deployments:
            results.append(check_result(EXISTS, "the deployment exists", None, "skipped", name,
                                        skipped_because="the endpoint does not exist"))
            results.extend(_skipped(expectations, "the endpoint does not exist", name))
        return results
    if not is_v2(endpoint):
        for name, expectations in entry.deployments:
            results.append(check_result(EXISTS, "the deployment exists", NOT_APPLICABLE, "failed", name,
                                        note="deployments are a v2 fact; a v1 endpoint has none"))
            results.extend(_skipped(expectations, "a v1 endpoint has no deployments", name))
        return results
    deployments = deployments_of(endpoint)
    for name, expectations in entry.deployments:
        deployment = select_deployment(deployments, name)
        if deployment is None:
            names = ", ".join(short_name(item) for item in deployments)
            results.append(check_result(EXISTS, "the deployment exists", "not found", "failed", name,
                                        note="the endpoint's deployments: %s" % names if names
                                        else "the endpoint has no deployments"))
            results.extend(_skipped(expectations, "the deployment does not exist", name))
            continue
        results.append(check_result(EXISTS, "the deployment exists", "found", "passed", name))
        results.extend(_evaluate_check(check, expected, deployment, True, name) for check, expected in expectations)
    return results


def _evaluate_endpoint(entry, endpoint, missing, names):
    expectations = entry.expectations(endpoint)
    if endpoint is None:
        note = None
        if entry.endpoint_id is None:
            actual = "no endpoint of that name"
            note = (names.get(entry.name) or {}).get("note") or "the name was not looked up"
        else:
            actual = "not found (HTTP 404)" if entry.endpoint_id in missing else "not returned by the API"
        results = [check_result(EXISTS, "the endpoint exists", actual, "failed", note=note)]
        results.extend(_skipped(expectations, "the endpoint does not exist"))
    else:
        results = [check_result(EXISTS, "the endpoint exists", "found", "passed")]
        results.extend(_evaluate_check(check, expected, endpoint, is_v2(endpoint)) for check, expected in expectations)
    results.extend(_evaluate_deployments(entry, endpoint))
    violations = [_without_status(r) for r in results if r["status"] == "failed"]
    result = {"passed": not violations, "found": endpoint is not None, "checks": results, "violations": violations}
    if entry.name is not None:
        result["name"] = entry.name
    return result


def _read_error_outcome(checks, error, names):
    """The outcome when the API could not be read: one errored check per gated endpoint, naming the error once.

    The error (and any hint it holds about base_url) is said once, in the headline and the first endpoint's
    check; the other endpoints' checks refer to it.
    """
    results = {}
    violations = []
    for index, entry in enumerate(gate_entries(checks, names)):
        check = read_error_result(error if index == 0 else None)
        results[entry.key] = {"passed": False, "found": False, "errored": True, "checks": [check],
                              "violations": [_without_status(check)]}
        violations.append(dict(check, endpoint_id=entry.key, message="%s: %s" % (entry.key, check["message"])))
    return {
        "passed": False,
        "errored": True,
        "endpoints": {},
        "results": results,
        "violations": violations,
        "totals": {"endpoints": len(results), "endpoints_failed": len(results), "checks": len(results),
                   "failed": 0, "errors": len(results), "skipped": 0},
        "notes": [],
        "report": read_error_report_lines(list(results), error),
        "failure": [read_error_headline(len(results), error)],
    }


def policy_outcome(problems):
    """The outcome when the policy is wrong: nothing was read; one failed check per mistake, under "policy"."""
    # Each mistake is a failing test case, named by its path and, when it is about one key, that key: two mistakes
    # of one entry are two test cases a CI system keeps apart.
    checks = [dict(check_result("%s.%s" % (problem["path"], problem["key"]) if problem.get("key") else problem["path"],
                                "a valid policy", problem["message"], "failed"),
                   message=problem_text(problem)) for problem in problems]
    headline = policy_headline(problems)
    return {
        "passed": False,
        "errored": False,
        "policy_failed": True,
        "endpoints": {},
        "results": {POLICY: {"passed": False, "found": False, "checks": checks,
                             "violations": [_without_status(check) for check in checks]}},
        "violations": [dict(_without_status(check), endpoint_id=POLICY) for check in checks],
        "totals": {"endpoints": 0, "endpoints_failed": 0, "checks": len(checks), "failed": len(checks), "errors": 0,
                   "skipped": 0},
        "notes": [],
        "report": [headline] + ["  - %s" % check["message"] for check in checks],
        "failure": [headline] + ["  - %s" % check["message"] for check in checks],
    }


def evaluate(endpoints, checks, missing=None, notes=None, error=None, names=None, policy=None):
    """Evaluate every check of every gated endpoint, without stopping at the first violation.

    With error (the API could not be read), every endpoint gets one errored check naming it. With policy (the
    policy's mistakes, from _gate_policy.policy_problems), the outcome names them and nothing else.
    """
    if policy:
        return policy_outcome(policy)
    names = names or {}
    if error:
        return _read_error_outcome(checks, error, names)
    by_id = endpoints_by_id(endpoints)
    missing = list(missing or [])
    notes = [str(note) for note in (notes or []) if note]
    results = {}
    gated = {}
    violations = []
    for entry in gate_entries(checks, names):
        endpoint_id = entry.key
        if endpoint_id in results and entry.name is not None:
            # Two entries name the same endpoint (chat and my-project/chat): each keeps its own results.
            endpoint_id = "%s (%s)" % (entry.name, entry.endpoint_id)
        endpoint = by_id.get(entry.endpoint_id) if entry.endpoint_id else None
        if endpoint is not None:
            gated[endpoint_id] = endpoint
        result = _evaluate_endpoint(entry, endpoint, missing, names)
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
        "report": report_lines(results, gated, violations, notes),
        "failure": failure_lines(results, violations, notes),
    }
