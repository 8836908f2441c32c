# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This plugin_utils is internal to together.ai: its API may change without notice. Do not import it.

"""The endpoint gate's inputs validated: the entries of endpoint_gate_checks, and the endpoints as read.

Every key of an entry is a row of the check table (_gate_checks); a value no endpoint can have is named
with its entry, and the problems of all entries are raised together.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.collections import is_sequence

from ansible_collections.together.ai.plugins.module_utils._readiness import STATES
from ansible_collections.together.ai.plugins.plugin_utils._gate_checks import (
    BOUNDS,
    CHECKS,
    CHECKS_BY_NAME,
    DEFAULT_STATE,
    DEPLOYMENT_CHECKS,
    EQUALS,
    is_number,
    is_v2,
)

# The key of an entry that holds its per-deployment expectations.
DEPLOYMENTS = "deployments"


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
        if is_v2(endpoint) and "serving" not in wanted and wanted.get("state") == DEFAULT_STATE:
            wanted["serving"] = True
        return [(check, wanted[check.name]) for check in CHECKS if wanted.get(check.name) is not None]


def impossible_values(where, expectations):
    """Problems of one entry's (or one deployment's) converted [(Check, expected)] no endpoint can pass; [] when none.

    Values below a check's minimum come first (exact values before bounds), then empty strings, then bounds
    that cross: the order the policy has always named them in.
    """
    problems = []
    numbers = [(check, value) for check, value in expectations if check.minimum is not None]
    for check, value in sorted(numbers, key=lambda pair: pair[0].relation is not EQUALS):
        if is_number(value) and value < check.minimum:
            problems.append("%s: %s must be %s or more, got %s" % (where, check.name, check.minimum, value))
    for check, value in expectations:
        if check.not_empty and isinstance(value, str) and not value.strip():
            problems.append("%s: %s must not be empty; leave it out (or null) to leave it unchecked"
                            % (where, check.name))
    wanted = dict((check.name, value) for check, value in expectations)
    for low, high in BOUNDS:
        lower, upper = wanted.get(low), wanted.get(high)
        if is_number(lower) and is_number(upper) and lower > upper:
            problems.append("%s: %s %s is above %s %s; no endpoint can pass both, so lower %s or raise %s"
                            % (where, low, lower, high, upper, low, high))
    return problems


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
    seen = set()
    for index, item in enumerate(items):
        try:
            expectations.append(_deployment_expectation("%s: deployments[%d]" % (entry_name, index), item, seen,
                                                        problems))
        except AnsibleFilterError as exc:
            problems.append(_problem_text(exc))
    return expectations


def _deployment_expectation(where, item, seen, problems):
    """One deployment item validated into (name, [(Check, expected), ...]); a shape mistake is raised."""
    if not isinstance(item, dict):
        raise AnsibleFilterError("%s must be a dict with name and the checks, got %r" % (where, item))
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise AnsibleFilterError("%s needs a name: the deployment's name (blue, or project/endpoint/blue) or its "
                                 "dep_... id" % where)
    name = str(name)
    where = "%s (deployment %s)" % (where, name)
    if name in seen:
        raise AnsibleFilterError("%s: deployment %s is listed twice; put all its checks in one item" % (where, name))
    seen.add(name)
    _reject_unknown_keys(where, item, [check.name for check in DEPLOYMENT_CHECKS], "name", "deployment check")
    checks = [(check, check.convert(where, item[check.name]))
              for check in DEPLOYMENT_CHECKS if item.get(check.name) is not None]
    problems.extend(impossible_values(where, checks))
    return name, checks


def gate_entries(checks):
    """Validate the gate entries; return a GateEntry per entry, in the order given.

    ``state`` defaults to STARTED; an explicit null leaves that check out, as for any other check.
    """
    if not is_sequence(checks):
        raise AnsibleFilterError("endpoint gate checks must be a list of dicts, got %r" % (checks,))
    entries = []
    seen = set()
    # Every problem of every entry, collected so one run names them all: a value no endpoint can pass, and a
    # mistake in an entry's shape (which ends that entry's checking, not the others').
    problems = []
    for index, entry in enumerate(checks):
        try:
            entries.append(_gate_entry("endpoint_gate_checks[%d]" % index, entry, seen, problems))
        except AnsibleFilterError as exc:
            problems.append(_problem_text(exc))
    if problems:
        raise AnsibleFilterError("\n".join(problems))
    return entries


def _problem_text(exc):
    return str(getattr(exc, "message", exc))


def _gate_entry(entry_name, entry, seen, problems):
    """One entry validated into a GateEntry; its impossible values go to problems, a shape mistake is raised."""
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
    problems.extend(impossible_values(entry_name, [(check, wanted[check.name]) for check in CHECKS
                                                   if wanted.get(check.name) is not None]))
    return GateEntry(endpoint_id, wanted, _deployment_expectations(entry_name, entry.get(DEPLOYMENTS), problems))


def endpoints_by_id(endpoints):
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
