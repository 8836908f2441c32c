# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This plugin_utils is internal to together.ai: its API may change without notice. Do not import it.

"""The endpoint gate's policy checked before any request: its entries, its settings, and typos in variable names.

The entries are validated by _gate_entries (unknown keys, types, values no endpoint can pass); this adds the
role's own settings and variable names, and words every problem of the whole policy in one message.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.together.ai.plugins.module_utils._client import normalize_base_url
from ansible_collections.together.ai.plugins.module_utils._errors import TogetherError
from ansible_collections.together.ai.plugins.module_utils._parallel import MAX_CONCURRENCY, MIN_CONCURRENCY

from ansible_collections.together.ai.plugins.plugin_utils._gate_entries import GatePolicyError, gate_entries, problem_text
from ansible_collections.together.ai.plugins.plugin_utils._role_variables import unknown_variable_problems

# Every variable the role reads (its argument spec) or publishes; another endpoint_gate_* name is a typo.
ROLE_VARIABLES = (
    "endpoint_gate_checks", "endpoint_gate_wait_timeout", "endpoint_gate_wait_poll", "endpoint_gate_report_dir",
    "endpoint_gate_report_name", "endpoint_gate_step_summary", "endpoint_gate_api_key", "endpoint_gate_base_url",
    "endpoint_gate_project_id", "endpoint_gate_probe_count", "endpoint_gate_inference_base_url",
    "endpoint_gate_concurrency", "endpoint_gate_set_stats",
)
# Probes per probed endpoint: each is a billed request (together_endpoint_probe's count bounds).
MAX_PROBE_COUNT = 100
PUBLISHED = ("endpoint_gate_results",)
# The role's own working variables start with endpoint_gate__ (two underscores).


def unknown_variables(names):
    """The endpoint_gate_* names that are not the role's, each with a suggestion when one is close."""
    return [problem_text(problem) for problem in _unknown_variable_problems(names)]


def _unknown_variable_problems(names):
    return unknown_variable_problems(names, "endpoint_gate", ROLE_VARIABLES, PUBLISHED)


def settings_problems(settings):
    """Problems of the role's scalar settings {variable: value}."""
    problems = []

    def number(name, value, allow_zero):
        if value is None or isinstance(value, bool):
            return None
        try:
            value = float(value)
        except (TypeError, ValueError):
            return None
        return value if (value >= 0 if allow_zero else value > 0) else None

    if "endpoint_gate_wait_timeout" in settings and number(
            "endpoint_gate_wait_timeout", settings["endpoint_gate_wait_timeout"], True) is None:
        problems.append("endpoint_gate_wait_timeout must be 0 (do not wait) or more seconds, got %r"
                        % (settings["endpoint_gate_wait_timeout"],))
    if "endpoint_gate_wait_poll" in settings and number(
            "endpoint_gate_wait_poll", settings["endpoint_gate_wait_poll"], False) is None:
        problems.append("endpoint_gate_wait_poll must be more than 0 seconds, got %r"
                        % (settings["endpoint_gate_wait_poll"],))
    count = settings.get("endpoint_gate_probe_count")
    if "endpoint_gate_probe_count" in settings and (
            isinstance(count, bool) or number("endpoint_gate_probe_count", count, False) is None
            or float(count) != int(float(count)) or int(float(count)) > MAX_PROBE_COUNT):
        problems.append("endpoint_gate_probe_count must be a whole number of probes from 1 to %d (each is a billed "
                        "request), got %r" % (MAX_PROBE_COUNT, count))
    concurrency = settings.get("endpoint_gate_concurrency")
    if "endpoint_gate_concurrency" in settings and (
            isinstance(concurrency, bool) or number("endpoint_gate_concurrency", concurrency, False) is None
            or float(concurrency) != int(float(concurrency))
            or not MIN_CONCURRENCY <= int(float(concurrency)) <= MAX_CONCURRENCY):
        problems.append("endpoint_gate_concurrency must be a whole number of reads at a time from %d to %d (the "
                        "module's concurrency), got %r" % (MIN_CONCURRENCY, MAX_CONCURRENCY, concurrency))
    inference_base_url = settings.get("endpoint_gate_inference_base_url")
    if inference_base_url is not None:
        try:
            normalize_base_url(inference_base_url if isinstance(inference_base_url, str) else None,
                               option_name="endpoint_gate_inference_base_url")
        except TogetherError as exc:
            problems.append(exc.message)
    name = settings.get("endpoint_gate_report_name")
    if "endpoint_gate_report_name" in settings and (not isinstance(name, str) or not name.strip() or "/" in name):
        problems.append("endpoint_gate_report_name must be a file name without a folder (the report files are "
                        "<name>.xml and <name>.md in endpoint_gate_report_dir), got %r" % (name,))
    for key in ("endpoint_gate_report_dir", "endpoint_gate_step_summary"):
        if key in settings and settings[key] is not None and not isinstance(settings[key], str):
            problems.append("%s must be a path (a string; empty for none), got %r" % (key, settings[key]))
    return problems


def policy_problems(checks, settings=None, variable_names=None, names=None):
    """Every mistake of the whole policy, each {"path", "message"} (and "where", the path with its endpoint)."""
    problems = _unknown_variable_problems(variable_names or [])
    for text in settings_problems(settings or {}):
        variable = text.split(" ", 1)[0]
        problems.append({"path": variable if variable.startswith("endpoint_gate_") else "endpoint_gate", "message": text})
    try:
        gate_entries(checks, names)
    except GatePolicyError as exc:
        problems.extend(exc.problems)
    return problems


def policy_headline(problems):
    return "Endpoint gate POLICY WRONG: %d mistake%s; nothing was read from the API." % (
        len(problems), "" if len(problems) == 1 else "s")


def check_policy(checks, settings=None, variable_names=None):
    """Check the whole gate policy before any request; return the number of entries, or fail naming every problem."""
    problems = policy_problems(checks, settings, variable_names)
    if problems:
        raise AnsibleFilterError("The endpoint gate policy is wrong; nothing was read from the API:\n  - %s"
                                 % "\n  - ".join(problem_text(problem) for problem in problems))
    return len(gate_entries(checks))
