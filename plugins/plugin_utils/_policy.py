# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This plugin_utils is internal to together.ai: its API may change without notice. Do not import it.

"""The endpoint gate's policy checked before any request: values a gate could never pass, and typos."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import re

# Every variable the role reads (its argument spec) or publishes; another endpoint_gate_* name is a typo.
ROLE_VARIABLES = (
    "endpoint_gate_checks", "endpoint_gate_wait_timeout", "endpoint_gate_wait_poll", "endpoint_gate_report_dir",
    "endpoint_gate_report_name", "endpoint_gate_step_summary", "endpoint_gate_api_key", "endpoint_gate_base_url",
    "endpoint_gate_project_id",
)
PUBLISHED = ("endpoint_gate_results",)
# The role's own working variables start with endpoint_gate__ (two underscores).
_PRIVATE = re.compile(r"^endpoint_gate__")
# Checks whose expected value is a count or a weight: negative values can never pass.
NON_NEGATIVE = ("min_replicas", "max_replicas", "min_replicas_at_least", "min_replicas_at_most",
                "max_replicas_at_least", "max_replicas_at_most", "ready_replicas_at_least", "traffic_weight_at_least")
NON_EMPTY = ("model", "hardware")
# (lower bound, upper bound): lower > upper is a policy no endpoint can pass. min_replicas <= max_replicas
# always holds for an endpoint, so a floor on min above a ceiling on max is impossible too.
BOUNDS = (
    ("min_replicas_at_least", "min_replicas_at_most"),
    ("max_replicas_at_least", "max_replicas_at_most"),
    ("min_replicas_at_least", "max_replicas_at_most"),
    ("min_replicas", "min_replicas_at_most"),
    ("min_replicas_at_least", "min_replicas"),
    ("max_replicas", "max_replicas_at_most"),
    ("max_replicas_at_least", "max_replicas"),
    ("min_replicas", "max_replicas"),
    ("min_replicas", "max_replicas_at_most"),
    ("min_replicas_at_least", "max_replicas"),
)


class PolicyError(ValueError):
    """A gate policy that is wrong before any endpoint is read."""


def unknown_variables(names):
    """The endpoint_gate_* names that are not the role's, each with a suggestion when one is close."""
    problems = []
    known = ROLE_VARIABLES + PUBLISHED
    for name in sorted(set(names)):
        if not name.startswith("endpoint_gate_") or _PRIVATE.match(name) or name in known:
            continue
        close = difflib.get_close_matches(name, ROLE_VARIABLES, n=1)
        problems.append("unknown variable %s%s" % (name, "; did you mean %s?" % close[0] if close else ""))
    if problems:
        problems.append("the endpoint_gate role's variables are %s" % ", ".join(ROLE_VARIABLES))
    return problems


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_values(where, wanted):
    """Problems of one entry's (or one deployment's) converted checks {name: value}; [] when none."""
    problems = []
    for name in NON_NEGATIVE:
        value = wanted.get(name)
        if _number(value) and value < 0:
            problems.append("%s: %s must be 0 or more, got %s" % (where, name, value))
    for name in NON_EMPTY:
        value = wanted.get(name)
        if isinstance(value, str) and not value.strip():
            problems.append("%s: %s must not be empty; leave it out (or null) to leave it unchecked" % (where, name))
    for low, high in BOUNDS:
        lower, upper = wanted.get(low), wanted.get(high)
        if _number(lower) and _number(upper) and lower > upper:
            problems.append("%s: %s %s is above %s %s; no endpoint can pass both, so lower %s or raise %s"
                            % (where, low, lower, high, upper, low, high))
    return problems


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
    name = settings.get("endpoint_gate_report_name")
    if "endpoint_gate_report_name" in settings and (not isinstance(name, str) or not name.strip() or "/" in name):
        problems.append("endpoint_gate_report_name must be a file name without a folder (the report files are "
                        "<name>.xml and <name>.md in endpoint_gate_report_dir), got %r" % (name,))
    for key in ("endpoint_gate_report_dir", "endpoint_gate_step_summary"):
        if key in settings and settings[key] is not None and not isinstance(settings[key], str):
            problems.append("%s must be a path (a string; empty for none), got %r" % (key, settings[key]))
    return problems
