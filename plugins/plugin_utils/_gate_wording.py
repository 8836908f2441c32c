# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This plugin_utils is internal to together.ai: its API may change without notice. Do not import it.

"""How the endpoint gate words its outcome: one check's message, the report lines, the failure message."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.together.ai.plugins.plugin_utils._gate_checks import is_v2, probe_of, sent_probes, short_name, text

# The check of an endpoint whose API read failed, in the report and the JUnit file.
READ = "read"
# The JUnit suite (and results key) of a policy's mistakes.
POLICY = "policy"


def plural(count, word):
    return "%d %s%s" % (count, word, "" if count == 1 else "s")


def _actual_text(value):
    return "not reported by the API" if value is None else text(value)


def check_result(name, expected, actual, status, deployment=None, note=None, skipped_because=None):
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


def read_error_result(error):
    """The one check of an endpoint the API could not be read for; error None refers to the one said before."""
    if error is None:
        return {"check": READ, "expected": "the endpoint can be read", "actual": "the read failed", "status": "error",
                "message": "read: the Together API could not be read, no check was evaluated (the error is above)"}
    return {"check": READ, "expected": "the endpoint can be read", "actual": str(error), "status": "error",
            "message": "read: the Together API could not be read, no check was evaluated: %s" % error}


def describe(endpoint, named=False):
    """A short identity for report lines: name (v2, or gated by name), model, hardware, state, replica bounds; for
    v2, what serves."""
    autoscaling = endpoint.get("autoscaling") or {}
    parts = [str(endpoint.get(key)) for key in ("model_name", "hardware") if endpoint.get(key)]
    if not endpoint.get("model_name") and endpoint.get("model"):
        parts.insert(0, str(endpoint["model"]))
    if (named or is_v2(endpoint)) and endpoint.get("name"):
        parts.insert(0, "name %s" % endpoint["name"])
    parts.append(str(endpoint.get("state")))
    if autoscaling:
        parts.append("replicas %s-%s" % (autoscaling.get("min_replicas"), autoscaling.get("max_replicas")))
    if is_v2(endpoint):
        primary = next((item for item in endpoint.get("deployments") or []
                        if isinstance(item, dict) and item.get("id") == endpoint.get("primary_deployment_id")), None)
        parts.append("deployment %s" % short_name(primary) if primary else "no live deployment")
        parts.append("serving" if endpoint.get("serving") else "not serving")
    probe = probe_of(endpoint)
    if probe is not None and probe.get("answered") is not None:
        parts.append(probe_summary(probe))
    return ", ".join(parts)


def probe_summary(probe):
    """A probe in a report line: status and median latency, and the deployments that served when known."""
    sent = sent_probes(probe)
    status = sent[-1].get("status") if sent else None
    timing = " in %s ms%s" % (text(probe.get("latency_ms_median")), " (median of %d)" % len(sent)
                              if len(sent) > 1 else "") if sent else ""
    if probe.get("answered"):
        served = []
        for item in sent:
            if item.get("deployment") and short_name(dict(name=item["deployment"])) not in served:
                served.append(short_name(dict(name=item["deployment"])))
        return "answered HTTP %s%s%s" % (status, timing, " by %s" % ", ".join(served) if served else "")
    error = probe.get("error") if isinstance(probe.get("error"), dict) else {}
    if status is None:
        return "no answer (no HTTP response; see the answer check)"
    return "no answer: HTTP %s%s%s" % (status, " %s" % error["code"] if error.get("code") else "", timing)


def _headline(results, violations):
    if not violations:
        return "Endpoint gate PASSED: %s, every check passed." % plural(len(results), "endpoint")
    failed_endpoints = [endpoint_id for endpoint_id, result in results.items() if not result["passed"]]
    return "Endpoint gate FAILED: %s in %d of %s." % (
        plural(len(violations), "violation"), len(failed_endpoints), plural(len(results), "endpoint"))


def _notes_lines(notes):
    return ["While waiting:"] + ["  - %s" % note for note in notes] if notes else []


def report_lines(results, endpoints, violations, notes):
    """The report: a headline, one line per endpoint, each violation under its endpoint, then the wait notes."""
    lines = [_headline(results, violations)]
    for endpoint_id, result in results.items():
        evaluated = [c for c in result["checks"] if c["status"] != "skipped"]
        if result["passed"]:
            skipped = [c for c in result["checks"] if c["status"] == "skipped"]
            # A check left out must not read as passed (answer checks in check mode send no probe).
            left_out = "; %s not evaluated (%s)" % (plural(len(skipped), "check"), skipped[0]["message"]) if skipped else ""
            lines.append("PASS %s (%s): %s passed%s" % (endpoint_id, describe(endpoints[endpoint_id], "name" in result),
                                                        plural(len(evaluated), "check"), left_out))
            continue
        if result["found"]:
            lines.append("FAIL %s (%s): %d of %s failed" % (
                endpoint_id, describe(endpoints[endpoint_id], "name" in result), len(result["violations"]),
                plural(len(evaluated), "check")))
        else:
            lines.append("FAIL %s: the endpoint does not exist, its other checks were not evaluated" % endpoint_id)
        lines.extend("  - %s" % violation["message"] for violation in result["violations"])
    return lines + _notes_lines(notes)


def failure_lines(results, violations, notes):
    """The message the gate fails with: every violation, with its endpoint, on one line each."""
    if not violations:
        return []
    return ([_headline(results, violations)] + ["  - %s" % violation["message"] for violation in violations]
            + _notes_lines(notes))


def read_error_headline(endpoint_count, error):
    return ("Endpoint gate ERROR: the Together API could not be read, so none of the %s was checked: %s"
            % (plural(endpoint_count, "endpoint"), error))


def read_error_report_lines(endpoint_ids, error):
    return [read_error_headline(len(endpoint_ids), error)] + ["ERROR %s: not read" % endpoint_id
                                                              for endpoint_id in endpoint_ids]
