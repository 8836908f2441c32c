# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This plugin_utils is internal to together.ai: its API may change without notice. Do not import it.

"""The endpoint_rollout role's logic, as pure functions: the policy, the plan, the split of a step, the judgement
of a step's probes, and the report lines.

The role only orchestrates: it reads the endpoint, writes splits with together_endpoint, probes with
together_endpoint_probe, and hands every decision to these functions (through the endpoint_rollout_* filters).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import math
import re

from ansible_collections.together.ai.plugins.plugin_utils._role_variables import unknown_variable_problems

# Every variable the role reads (its argument spec); another endpoint_rollout_* name is a typo.
ROLE_VARIABLES = (
    "endpoint_rollout_endpoint", "endpoint_rollout_project_id", "endpoint_rollout_deployment",
    "endpoint_rollout_steps", "endpoint_rollout_bake_seconds", "endpoint_rollout_probe_count",
    "endpoint_rollout_analysis", "endpoint_rollout_retire", "endpoint_rollout_wait_timeout",
    "endpoint_rollout_report_dir", "endpoint_rollout_report_name", "endpoint_rollout_api_key",
    "endpoint_rollout_base_url", "endpoint_rollout_inference_base_url",
)
PUBLISHED = ("endpoint_rollout",)

DEPLOYMENT_KEYS = ("name", "model", "config", "hardware", "min_replicas", "max_replicas")
ANALYSIS_DEFAULTS = {"answers": True, "latency_ms_at_most": None, "latency_ratio_at_most": 1.5, "errors_at_most": 0}
RETIRE_CHOICES = ("stop", "delete", "keep")
MAX_PROBE_COUNT = 100
# The share, in percent, the new deployment is judged at before any traffic moves.
PRE_TRAFFIC = 0


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _number(value):
    """A number from a value Ansible may hand over as text ("120"); None when it is not one."""
    if _is_number(value):
        return value
    if isinstance(value, str):
        try:
            parsed = float(value)
        except ValueError:
            return None
        if math.isfinite(parsed):
            return int(parsed) if parsed == int(parsed) and re.match(r"^\s*-?\d+\s*$", value) else parsed
    return None


def short_name(name):
    """A deployment's bare name: the last segment of <slug>/<endpoint>/<deployment>."""
    return str(name).rsplit("/", 1)[-1] if name is not None else None


# --- policy ------------------------------------------------------------------------------------------------


def _unknown_variable_problems(names):
    return unknown_variable_problems(names, "endpoint_rollout", ROLE_VARIABLES, PUBLISHED)


def _deployment_problems(deployment):
    path = "endpoint_rollout_deployment"
    if not isinstance(deployment, dict):
        return [{"path": path, "message": "%s must be a dict with name and model (and config or hardware), got %r"
                 % (path, deployment)}]
    problems = []
    for key in sorted(set(deployment) - set(DEPLOYMENT_KEYS)):
        close = difflib.get_close_matches(str(key), DEPLOYMENT_KEYS, n=1)
        problems.append({"path": "%s.%s" % (path, key), "message": "unknown key %s.%s; %s" % (
            path, key, "did you mean %s?" % close[0] if close else "allowed: %s" % ", ".join(DEPLOYMENT_KEYS))})
    name = deployment.get("name")
    if not isinstance(name, str) or not re.match(r"^[A-Za-z0-9._-]{1,128}$", name):
        problems.append({"path": path + ".name", "message": "%s.name must be a deployment name (1-128 letters, digits, "
                         "'.', '_' or '-'), got %r" % (path, name)})
    for key in ("model", "config", "hardware"):
        if key in deployment and deployment[key] is not None and (not isinstance(deployment[key], str)
                                                                  or not deployment[key].strip()):
            problems.append({"path": "%s.%s" % (path, key), "message": "%s.%s must be a non-empty string, got %r"
                             % (path, key, deployment[key])})
    if deployment.get("config") and deployment.get("hardware"):
        problems.append({"path": path + ".hardware", "message": "%s: give config or hardware, not both" % path})
    bounds = {}
    for key in ("min_replicas", "max_replicas"):
        if deployment.get(key) is None:
            continue
        value = _number(deployment[key])
        if not _is_int(value) or value < 1:
            problems.append({"path": "%s.%s" % (path, key), "message": "%s.%s must be an integer of 1 or more (the "
                             "new deployment must run), got %r" % (path, key, deployment[key])})
        else:
            bounds[key] = value
    if len(bounds) == 2 and bounds["min_replicas"] > bounds["max_replicas"]:
        problems.append({"path": path + ".min_replicas", "message": "%s.min_replicas (%d) is above max_replicas (%d)"
                         % (path, bounds["min_replicas"], bounds["max_replicas"])})
    return problems


def _steps_problems(steps):
    path = "endpoint_rollout_steps"
    if not isinstance(steps, (list, tuple)) or not steps:
        return [{"path": path, "message": "%s must be a non-empty list of percentages ending at 100, got %r"
                 % (path, steps)}]
    numbers = [_number(step) for step in steps]
    bad = [index for index, step in enumerate(numbers) if not _is_int(step) or not 1 <= step <= 100]
    if bad:
        return [{"path": "%s[%d]" % (path, index), "message": "%s[%d] must be an integer from 1 to 100, got %r"
                 % (path, index, steps[index])} for index in bad]
    problems = []
    if any(later <= earlier for earlier, later in zip(numbers, numbers[1:])):
        problems.append({"path": path, "message": "%s must be strictly ascending, got %s" % (path, numbers)})
    if numbers[-1] != 100:
        problems.append({"path": path, "message": "%s must end at 100 (the new deployment takes all the traffic), "
                         "got %s" % (path, numbers)})
    return problems


def _analysis_problems(analysis):
    path = "endpoint_rollout_analysis"
    if analysis is None:
        return []
    if not isinstance(analysis, dict):
        return [{"path": path, "message": "%s must be a dict, got %r" % (path, analysis)}]
    problems = []
    for key in sorted(set(analysis) - set(ANALYSIS_DEFAULTS)):
        close = difflib.get_close_matches(str(key), list(ANALYSIS_DEFAULTS), n=1)
        problems.append({"path": "%s.%s" % (path, key), "message": "unknown key %s.%s; %s" % (
            path, key, "did you mean %s?" % close[0] if close else "allowed: %s" % ", ".join(ANALYSIS_DEFAULTS))})
    if "answers" in analysis and not isinstance(analysis["answers"], bool):
        problems.append({"path": path + ".answers", "message": "%s.answers must be true or false, got %r"
                         % (path, analysis["answers"])})
    for key in ("latency_ms_at_most", "latency_ratio_at_most"):
        if analysis.get(key) is None:
            continue
        value = _number(analysis[key])
        if value is None or value <= 0:
            problems.append({"path": "%s.%s" % (path, key), "message": "%s.%s must be a number above 0 (or null: "
                             "not checked), got %r" % (path, key, analysis[key])})
    if analysis.get("errors_at_most") is not None:
        value = _number(analysis["errors_at_most"])
        if not _is_int(value) or value < 0:
            problems.append({"path": path + ".errors_at_most", "message": "%s.errors_at_most must be an integer of 0 "
                             "or more, got %r" % (path, analysis["errors_at_most"])})
    return problems


def policy_problems(settings, variable_names=None):
    """Every problem of the rollout policy, before any request: a list of {path, message}, empty when none.

    settings: {variable name: value} for the role's variables (unset ones left out or None).
    """
    settings = settings or {}
    problems = []
    endpoint = settings.get("endpoint_rollout_endpoint")
    if not isinstance(endpoint, str) or not endpoint.strip():
        problems.append({"path": "endpoint_rollout_endpoint", "message": "endpoint_rollout_endpoint is required: the "
                         "v2 endpoint's name or its ep_ id, got %r" % (endpoint,)})
    elif endpoint.startswith("endpoint-"):
        problems.append({"path": "endpoint_rollout_endpoint", "message": "endpoint_rollout_endpoint %s is a v1 endpoint,"
                         " which has no deployments to roll out to; give a v2 endpoint (ep_ id or name)" % endpoint})
    problems += _deployment_problems(settings.get("endpoint_rollout_deployment"))
    problems += _steps_problems(settings.get("endpoint_rollout_steps"))
    bake = _number(settings.get("endpoint_rollout_bake_seconds"))
    if bake is None or bake < 0:
        problems.append({"path": "endpoint_rollout_bake_seconds", "message": "endpoint_rollout_bake_seconds must be a "
                         "number of 0 or more, got %r" % (settings.get("endpoint_rollout_bake_seconds"),)})
    count = _number(settings.get("endpoint_rollout_probe_count"))
    if not _is_int(count) or not 1 <= count <= MAX_PROBE_COUNT:
        problems.append({"path": "endpoint_rollout_probe_count", "message": "endpoint_rollout_probe_count must be an "
                         "integer from 1 to %d, got %r" % (MAX_PROBE_COUNT, settings.get("endpoint_rollout_probe_count"))})
    wait = _number(settings.get("endpoint_rollout_wait_timeout", 0))
    if wait is None or wait < 0:
        problems.append({"path": "endpoint_rollout_wait_timeout", "message": "endpoint_rollout_wait_timeout must be a "
                         "number of 0 or more, got %r" % (settings.get("endpoint_rollout_wait_timeout"),)})
    problems += _analysis_problems(settings.get("endpoint_rollout_analysis"))
    if settings.get("endpoint_rollout_retire") not in RETIRE_CHOICES:
        problems.append({"path": "endpoint_rollout_retire", "message": "endpoint_rollout_retire must be one of %s, got %r"
                         % (", ".join(RETIRE_CHOICES), settings.get("endpoint_rollout_retire"))})
    for key in ("endpoint_rollout_report_dir", "endpoint_rollout_report_name"):
        if key in settings and not isinstance(settings[key], str):
            problems.append({"path": key, "message": "%s must be a string, got %r" % (key, settings[key])})
    if not (settings.get("endpoint_rollout_report_name") or "x").strip():
        problems.append({"path": "endpoint_rollout_report_name", "message": "endpoint_rollout_report_name must not be empty"})
    problems += _unknown_variable_problems(variable_names)
    return problems


def analysis_with_defaults(analysis):
    """The analysis settings with the defaults for the keys left out (or null where a default exists)."""
    merged = dict(ANALYSIS_DEFAULTS)
    for key, value in (analysis or {}).items():
        if value is not None or key == "latency_ms_at_most":
            merged[key] = value
    return merged


# --- plan --------------------------------------------------------------------------------------------------


def _weight(deployment):
    value = deployment.get("traffic_weight")
    return float(value) if _is_number(value) else 0.0


def _retired(deployment, retire):
    """Whether another deployment is already as endpoint_rollout_retire leaves it once the new one holds 100%."""
    if retire == "keep":
        return True
    if retire == "delete":
        return False  # it still exists
    return deployment.get("min_replicas") == 0 and deployment.get("max_replicas") == 0


def _ready(deployment):
    return deployment.get("normalized_state") == "STARTED" or deployment.get("state") in ("READY", "DEPLOYMENT_STATE_READY")


def plan(endpoint, deployment_name, steps, retire="stop"):
    """What the rollout starts from, given the endpoint as together_endpoint_info read it (None when it does not exist).

    Returns a dict:
      exists, endpoint_id, new (the new deployment as read, or None), new_ready, new_share (percent, a float),
      previous ({bare name: weight} of the other deployments that hold traffic weight: the split before the rollout),
      steps (the shares still to run: a resumed rollout re-bakes the step it finds and never lowers the new share;
      0 first = the pinned check before any traffic moves), baseline (the deployments probed beside the new one, the
      latency ratio's reference), restore ({name: weight}: the split a rollback sets), retire (the other deployments
      to retire once the new one holds 100%: every one not yet as `retire` leaves it), resumed_at_full and done.

    The new deployment already at 100% with other deployments not yet retired is a rollout interrupted after its last
    step: not a success to take on trust. The 100% step is judged once more (against the other deployments that are
    READY, probed pinned), then they are retired; a failure gives them the traffic back in equal weights (the old
    proportions are gone). With none READY there is nothing to compare against: judged on the absolute limits only,
    as a plain deploy. The new deployment at 100% with nothing left to retire is done.
    """
    steps = [int(_number(step)) for step in steps]
    result = {"exists": bool(endpoint), "endpoint_id": (endpoint or {}).get("id"), "new": None, "new_ready": False,
              "new_share": 0.0, "previous": {}, "steps": [], "baseline": [], "restore": {}, "retire": [],
              "resumed_at_full": False, "done": False}
    deployments = (endpoint or {}).get("deployments") or []
    total = sum(_weight(item) for item in deployments)
    others = {}
    for item in deployments:
        name = short_name(item.get("name"))
        if name == deployment_name:
            result["new"] = {"name": name, "id": item.get("id"), "state": item.get("state"),
                             "weight": _weight(item)}
            result["new_ready"] = _ready(item)
            continue
        others[name] = item
        if _weight(item) > 0:
            result["previous"][name] = _weight(item)
    if result["new"] and total > 0:
        result["new_share"] = round(100.0 * result["new"]["weight"] / total, 3)
    result["retire"] = sorted(name for name, item in others.items() if not _retired(item, retire))
    share = result["new_share"]
    if share >= 100 or (result["new"] and result["new"]["weight"] > 0 and not result["previous"]):
        if not result["retire"]:
            result["done"] = True
            return result
        result["resumed_at_full"] = True
        result["baseline"] = sorted(name for name in result["retire"] if _ready(others[name]))
        result["restore"] = dict((name, 1.0) for name in result["baseline"])
        result["steps"] = [100]
        return result
    result["baseline"] = sorted(result["previous"])
    result["restore"] = dict(result["previous"])
    if not result["previous"]:
        # Nothing serves yet: a plain deploy, judged once on the absolute limits.
        result["steps"] = [100]
        return result
    result["steps"] = ([PRE_TRAFFIC] if share <= 0 else []) + [step for step in steps if step >= share - 0.5]
    return result


def split(previous, new_name, share):
    """The traffic split of a step as together_endpoint's deployments: the new deployment gets `share` (integer weight,
    out of 100), the previous deployments the rest in their old proportions (integer weights, largest remainders).

    previous: {name: old weight}. Returns a list of {name, traffic_weight}, the new deployment first, then the
    previous ones by name.
    """
    share = int(share)
    rest = 100 - share
    names = sorted(previous)
    total = float(sum(previous[name] for name in names))
    if total <= 0 or not names:
        return [{"name": new_name, "traffic_weight": 100 if names == [] else share}] + [
            {"name": name, "traffic_weight": 0} for name in names]
    exact = {name: rest * previous[name] / total for name in names}
    weights = {name: int(math.floor(exact[name])) for name in names}
    left = rest - sum(weights.values())
    for name in sorted(names, key=lambda item: (-(exact[item] - weights[item]), item))[:left]:
        weights[name] += 1
    return [{"name": new_name, "traffic_weight": share}] + [
        {"name": name, "traffic_weight": weights[name]} for name in names]


def restore(previous, new_name):
    """The split before the rollout: the previous deployments with their old weights, the new one at 0."""
    return [{"name": new_name, "traffic_weight": 0}] + [
        {"name": name, "traffic_weight": previous[name]} for name in sorted(previous)]


# --- judgement ---------------------------------------------------------------------------------------------


def _median(values):
    values = sorted(values)
    if not values:
        return None
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2.0


def _p95(values):
    values = sorted(values)
    if not values:
        return None
    return values[max(0, int(math.ceil(0.95 * len(values))) - 1)]


def side(probe_results, count=None):
    """Sum up one side of a step (the new deployment, or the previous ones together) from together_endpoint_probe
    results: probes sent, answered, errors, latencies of the answered ones, median and p95, and the errors seen.

    A probe run stops at its first answer that is not a success, so the probes that were never sent for that
    reason count as errors too (count = probes asked per deployment).
    """
    probes, latencies, errors, messages = 0, [], 0, []
    for result in probe_results or []:
        sent = result.get("probes") or []
        probes += len(sent)
        for probe in sent:
            if probe.get("answered"):
                if _is_number(probe.get("latency_ms")):
                    latencies.append(float(probe["latency_ms"]))
            else:
                errors += 1
                error = result.get("error") or {}  # one per result: a probe run stops at its first failure
                messages.append("HTTP %s %s" % (probe.get("status"), error.get("code") or error.get("message") or "error"))
        if result.get("failed") or (not sent and result.get("msg")):
            errors += 1
            messages.append(str(result.get("msg") or "the probe failed"))
        elif count and len(sent) < int(count) and sent and not sent[-1].get("answered"):
            errors += int(count) - len(sent)
    median = _median(latencies)
    return {"probes": probes, "answered": len(latencies), "errors": errors, "latencies_ms": latencies,
            "median_ms": None if median is None else round(median, 1),
            "p95_ms": None if not latencies else round(_p95(latencies), 1), "error_messages": messages}


def _fmt(value):
    if value is None:
        return "none"
    if isinstance(value, float):
        return ("%.3f" % value).rstrip("0").rstrip(".")
    return str(value)


def judge(share, new_probes, previous_probes, analysis, count=None):
    """Judge one step from the probes of the new deployment and of the previous ones (pinned).

    Returns {share, passed, new, previous, checks: [{check, expected, actual, status, message}], reasons}.
    Checks: answers (every probe of the new deployment answered), errors_at_most (its failed probes),
    latency_ms_at_most (its median), latency_ratio_at_most (its median over the previous deployments' median; skipped
    without a baseline, that is when nothing served before or the previous deployments did not answer). At share 0
    (before any traffic moves) only answers and errors_at_most are judged.
    """
    analysis = analysis_with_defaults(analysis)
    new = side(new_probes, count)
    previous = side(previous_probes, count)
    checks = []

    def add(check, expected, actual, passed, message, skipped=False):
        checks.append({"check": check, "expected": expected, "actual": actual,
                       "status": "skipped" if skipped else ("passed" if passed else "failed"), "message": message})

    if analysis["answers"]:
        answered = new["probes"] > 0 and new["errors"] == 0
        add("answers", True, answered, answered,
            "answers: expected every probe answered, %d of %d answered%s" % (
                new["answered"], max(new["probes"], int(count or 0)),
                " (%s)" % "; ".join(new["error_messages"][:3]) if new["error_messages"] else ""))
    limit = analysis["errors_at_most"]
    if limit is not None:
        add("errors_at_most", int(limit), new["errors"], new["errors"] <= int(limit),
            "errors: expected <= %d, actual %d" % (int(limit), new["errors"]))
    if int(share) == PRE_TRAFFIC:
        # Before any traffic moves the probe is a smoke check: the deployment answers, without errors. Latency is
        # judged with traffic, against the previous deployments probed at the same time.
        for check in ("latency_ms_at_most", "latency_ratio_at_most"):
            if analysis[check] is not None:
                add(check, float(analysis[check]), None, True, "%s: judged once traffic moves" % check, skipped=True)
        failed = [check for check in checks if check["status"] == "failed"]
        return {"share": int(share), "passed": not failed, "new": new, "previous": previous, "checks": checks,
                "reasons": [check["message"] for check in failed]}
    limit = analysis["latency_ms_at_most"]
    if limit is not None:
        ok = new["median_ms"] is not None and new["median_ms"] <= float(limit)
        add("latency_ms_at_most", float(limit), new["median_ms"], ok,
            "latency: expected median <= %s ms, actual %s ms" % (_fmt(float(limit)), _fmt(new["median_ms"])))
    limit = analysis["latency_ratio_at_most"]
    if limit is not None:
        if previous["median_ms"] is None:
            why = "no previous deployment" if not previous_probes else "the previous deployments did not answer"
            add("latency_ratio_at_most", float(limit), None, True, "latency ratio: not checked (%s)" % why, skipped=True)
        elif new["median_ms"] is None:
            add("latency_ratio_at_most", float(limit), None, False,
                "latency ratio: expected <= %s, the new deployment did not answer" % _fmt(float(limit)))
        else:
            ratio = round(new["median_ms"] / max(previous["median_ms"], 0.001), 3)
            add("latency_ratio_at_most", float(limit), ratio, ratio <= float(limit),
                "latency ratio: expected <= %s, actual %s (new median %s ms / previous median %s ms)" % (
                    _fmt(float(limit)), _fmt(ratio), _fmt(new["median_ms"]), _fmt(previous["median_ms"])))
    failed = [check for check in checks if check["status"] == "failed"]
    return {"share": int(share), "passed": not failed, "new": new, "previous": previous, "checks": checks,
            "reasons": [check["message"] for check in failed]}


# --- report ------------------------------------------------------------------------------------------------


def step_label(share):
    return "pre-traffic (0%)" if int(share) == PRE_TRAFFIC else "%d%%" % int(share)


def outcome(endpoint, deployment_name, results, rolled_back=False, error=None, already_done=False, retired=None,
            resumed_at_full=False, moved=True):
    """The rollout's outcome: passed, steps reached, rolled back, and the report lines (headline first)."""
    results = results or []
    restored = (" Rolled back: the split is as before the rollout." if moved else
                " No traffic had moved to it: the split is as before the rollout.") if rolled_back else ""
    failed = [result for result in results if not result["passed"]]
    passed = not failed and not error
    reached = [result["share"] for result in results if result["passed"]]
    if already_done:
        headline = "Rollout of %s to %s: nothing to do, it already holds 100%% of the traffic." % (
            deployment_name, endpoint)
    elif passed:
        headline = "Rollout of %s to %s PASSED: %s of traffic after %d %s%s." % (
            deployment_name, endpoint, "100%" if reached and reached[-1] == 100 else "%s%%" % (reached[-1] if reached else 0),
            len(results), "step" if len(results) == 1 else "steps",
            "; previous deployments: %s" % retired if retired else "")
    elif failed:
        headline = "Rollout of %s to %s FAILED at step %s: %s.%s" % (
            deployment_name, endpoint, step_label(failed[0]["share"]), "; ".join(failed[0]["reasons"]), restored)
    else:
        headline = "Rollout of %s to %s FAILED: %s%s" % (deployment_name, endpoint, error, restored)
    if resumed_at_full and not already_done:
        headline += (" Resumed at 100%: the new deployment already held all the traffic but the previous deployments were"
                     " not retired, so the 100% step was judged again first.")
    lines = [headline]
    for result in results:
        lines.append("%s step %s: new %s, previous %s" % (
            "PASS" if result["passed"] else "FAIL", step_label(result["share"]),
            _side_text(result["new"]), _side_text(result["previous"])))
        for check in result["checks"]:
            if check["status"] == "failed" or (check["status"] == "skipped" and result["share"] != PRE_TRAFFIC):
                lines.append("  - %s%s" % ("(skipped) " if check["status"] == "skipped" else "", check["message"]))
    if error and failed:
        lines.append("  then: %s" % error)
    return {"passed": passed, "steps_reached": reached, "rolled_back": bool(rolled_back), "report": lines,
            "failed_step": failed[0]["share"] if failed else None, "cases": junit_cases(deployment_name, results)}


def junit_cases(deployment_name, results):
    """The JUnit test cases of the steps: one per analysis check per step ({name, status, message}, status passed,
    failed or skipped), named `step <share>: <deployment>: <check>`. Every step has one at least (errors_at_most has
    a default that null does not remove)."""
    return [{"name": "step %s: %s: %s" % (step_label(result["share"]), deployment_name, check["check"]),
             "status": check["status"], "message": check["message"]}
            for result in results or [] for check in result["checks"]]


def _side_text(summary):
    if not summary["probes"] and not summary["errors"]:
        return "not probed"
    return "%d/%d answered, median %s ms, p95 %s ms, %d %s" % (
        summary["answered"], max(summary["probes"], summary["answered"] + summary["errors"]), _fmt(summary["median_ms"]),
        _fmt(summary["p95_ms"]), summary["errors"], "error" if summary["errors"] == 1 else "errors")
