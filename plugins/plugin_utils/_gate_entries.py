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

import difflib

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
    ValueProblem,
    is_number,
    is_v2,
)

# The key of an entry that holds its per-deployment expectations.
DEPLOYMENTS = "deployments"
# The keys that say which endpoint an entry gates: its id, or its name (resolved in the project).
IDENTITY = ("endpoint_id", "name")
# What an endpoint id starts with: v1 ids, v2 ids.
ID_PREFIXES = ("endpoint-", "ep_")


class GatePolicyError(AnsibleFilterError):
    """Every mistake of the gate entries; problems is a list of {"path", "message"}, in the order found."""

    def __init__(self, problems):
        self.problems = problems
        super(GatePolicyError, self).__init__("\n".join(problem_text(problem) for problem in problems))


def problem_text(problem):
    """A mistake as one line: where it is, then what is wrong (a message that names its variable stands alone)."""
    if problem["path"] in problem["message"]:
        return problem["message"]
    return "%s: %s" % (problem.get("where") or problem["path"], problem["message"])


class GateEntry:
    """One validated gate entry: the endpoint, what it must be, and what each named deployment must be."""

    def __init__(self, endpoint_id, wanted, deployments, name=None):
        # The id the endpoint is read by: as written, or resolved from name (None while a name is not resolved).
        self.endpoint_id = endpoint_id
        # The name as written when the entry gates an endpoint by name, else None.
        self.name = name
        # {check name: expected value}; None (given as null) leaves the check out.
        self.wanted = wanted
        # [(deployment name as written, [(Check, expected), ...]), ...]
        self.deployments = deployments

    @property
    def key(self):
        """What results and reports are keyed by: the endpoint's id, or the name when it did not resolve."""
        return self.endpoint_id or self.name

    def expectations(self, endpoint):
        """[(Check, expected)] for the endpoint as read (None when it does not exist).

        A v2 endpoint expected STARTED is also expected to serve, unless the entry says otherwise: a v2
        endpoint can be STARTED and serve nothing.
        """
        wanted = dict(self.wanted)
        if is_v2(endpoint) and "serving" not in wanted and wanted.get("state") == DEFAULT_STATE:
            wanted["serving"] = True
        return [(check, wanted[check.name]) for check in CHECKS if wanted.get(check.name) is not None]


def impossible_values(expectations):
    """(key, problem) of one entry's (or one deployment's) converted [(Check, expected)] no endpoint can pass.

    Values below a check's minimum come first (exact values before bounds), then empty strings, then bounds
    that cross: the order the policy has always named them in.
    """
    problems = []
    numbers = [(check, value) for check, value in expectations if check.minimum is not None]
    for check, value in sorted(numbers, key=lambda pair: pair[0].relation is not EQUALS):
        if is_number(value) and value < check.minimum:
            problems.append((check.name, "%s must be %s or more, got %s" % (check.name, check.minimum, value)))
    for check, value in expectations:
        if check.not_empty and isinstance(value, str) and not value.strip():
            problems.append((check.name, "%s must not be empty; leave it out (or null) to leave it unchecked"
                             % check.name))
    wanted = dict((check.name, value) for check, value in expectations)
    for low, high in BOUNDS:
        lower, upper = wanted.get(low), wanted.get(high)
        if is_number(lower) and is_number(upper) and lower > upper:
            problems.append((low, "%s %s is above %s %s; no endpoint can pass both, so lower %s or raise %s"
                                  % (low, lower, high, upper, low, high)))
    return problems


ENTRY_KEYS = tuple(check.name for check in CHECKS) + (DEPLOYMENTS,)
DEPLOYMENT_KEYS = tuple(check.name for check in DEPLOYMENT_CHECKS)


def _unknown_keys(given, known, other_level):
    """(key, message) per unknown key, each with a did-you-mean from the keys valid at this level.

    other_level: (keys valid at the other level, what to say when the key belongs there).
    """
    messages = []
    for key in given:
        if key in known:
            continue
        text = key if isinstance(key, str) else repr(key)
        if key in other_level[0]:
            messages.append((text, "unknown key %s here; %s" % (text, other_level[1] % text)))
            continue
        close = difflib.get_close_matches(text, known, n=1, cutoff=0.6)
        messages.append((text, "unknown key %s; %s" % (
            text, "did you mean %s?" % close[0] if close else "the keys here are %s" % ", ".join(known))))
    return messages


class _Problems:
    """The problems of one place (an entry, or one of its deployments), all of them, each with its path."""

    def __init__(self, found, path, context=None):
        self.found = found
        self.context = context
        self.path = path
        self.where = "%s (%s)" % (path, context) if context else path

    def add(self, message, key=None):
        """Note a problem; key: the key of the entry it is about, when one is (it names the problem's test case)."""
        problem = {"path": self.path, "where": self.where, "message": message}
        if key is not None:
            problem["key"] = key
        self.found.append(problem)

    def convert(self, check, value):
        """The value converted for the check, or None (the problem noted) when it cannot be."""
        try:
            return check.convert(value)
        except ValueProblem as exc:
            self.add(str(exc), key=check.name)
            return None

    def impossible(self, expectations):
        for key, text in impossible_values(expectations):
            self.add(text, key=key)


def _deployment_expectations(entry, items, found):
    """Validate an entry's deployments; return [(name, [(Check, expected), ...])] in the order given."""
    if items is None:
        return []
    if not is_sequence(items):
        _Problems(found, "%s.%s" % (entry.path, DEPLOYMENTS), entry.context).add(
            "deployments must be a list of dicts, each with the name of a deployment and its checks, got %r" % (items,))
        return []
    expectations = []
    seen = set()
    for index, item in enumerate(items):
        expectation = _deployment_expectation(entry, index, item, seen, found)
        if expectation is not None:
            expectations.append(expectation)
    return expectations


def _deployment_expectation(entry, index, item, seen, found):
    """One deployment item validated into (name, [(Check, expected), ...]); None when it cannot be used."""
    path = "%s.%s[%d]" % (entry.path, DEPLOYMENTS, index)
    endpoint = entry.context
    if not isinstance(item, dict):
        _Problems(found, path, endpoint).add("must be a dict with name and the checks, got %r" % (item,))
        return None
    name = item.get("name")
    named = isinstance(name, str) and bool(name.strip())
    here = _Problems(found, path, ", ".join(part for part in (endpoint, "deployment %s" % name if named else None)
                                            if part) or None)
    if not named:
        here.add("needs a name: the deployment's name (blue, or project/endpoint/blue) or its dep_... id")
    elif name in seen:
        here.add("deployment %s is listed twice; put all its checks in one item" % name)
        named = False
    else:
        seen.add(name)
    for message in _unknown_keys([key for key in item if key != "name"], DEPLOYMENT_KEYS,
                                 (ENTRY_KEYS, "%s is a check of the endpoint, not of one deployment: move it up to the "
                                              "entry")):
        here.add(message[1], key=message[0])
    checks = []
    for check in DEPLOYMENT_CHECKS:
        if item.get(check.name) is not None:
            value = here.convert(check, item[check.name])
            if value is not None:
                checks.append((check, value))
    here.impossible(checks)
    return (str(name), checks) if named else None


def gate_entries(checks, names=None):
    """Validate the gate entries; return a GateEntry per entry, in the order given.

    ``state`` defaults to STARTED; an explicit null leaves that check out, as for any other check. names maps
    the name of an entry that gates by name to {"id": the id it resolved to, or None; "note": why not}. Raises
    GatePolicyError naming every mistake of every entry, each with its path.
    """
    found = []
    if checks is None:
        found.append({"path": "endpoint_gate_checks", "message": "not set: list the endpoints to gate, each with "
                      "endpoint_id (or name) and its checks"})
        raise GatePolicyError(found)
    if not is_sequence(checks):
        found.append({"path": "endpoint_gate_checks", "message": "must be a list of dicts, one per endpoint, each with "
                      "endpoint_id (or name) and its checks, got %r" % (checks,)})
        raise GatePolicyError(found)
    if not checks:
        found.append({"path": "endpoint_gate_checks", "message": "is empty; list at least one endpoint (endpoint_id or "
                      "name, and its checks)"})
        raise GatePolicyError(found)
    entries = []
    seen = set()
    for index, entry in enumerate(checks):
        gate_entry = _gate_entry(index, entry, seen, found, names or {})
        if gate_entry is not None:
            entries.append(gate_entry)
    if found:
        raise GatePolicyError(found)
    return entries


def _identity(entry, here):
    """(endpoint_id, name) of an entry: exactly one is given; a mistake is noted and gives (None, None)."""
    endpoint_id, name = entry.get("endpoint_id"), entry.get("name")
    if endpoint_id is not None and name is not None:
        here.add("give endpoint_id or name, not both")
        return None, None
    if name is not None:
        if not isinstance(name, str) or not name.strip():
            here.add("name must be the endpoint's name (chat, or <project slug>/chat), got %r" % (name,))
            return None, None
        return None, str(name)
    if not isinstance(endpoint_id, str) or not endpoint_id.strip():
        here.add("needs an endpoint_id (endpoint-... for v1, ep_... for v2) or the endpoint's name")
        return None, None
    if not endpoint_id.startswith(ID_PREFIXES):
        here.add("endpoint_id %s is not an endpoint id (v1 ids start with endpoint-, v2 ids with ep_); to gate an "
                 "endpoint by its name, write name: %s" % (endpoint_id, endpoint_id))
        return None, None
    return str(endpoint_id), None


def _gate_entry(index, entry, seen, found, names):
    """One entry validated into a GateEntry; every mistake is noted in found (None when the entry is unusable)."""
    path = "endpoint_gate_checks[%d]" % index
    if not isinstance(entry, dict):
        _Problems(found, path).add("must be a dict with endpoint_id (or name) and the checks, got %r" % (entry,))
        return None
    raw_id, raw_name = entry.get("endpoint_id"), entry.get("name")
    shown = raw_id if isinstance(raw_id, str) and raw_id.strip() else raw_name if isinstance(raw_name, str) else None
    context = "endpoint %s" % shown if shown else None
    here = _Problems(found, path, context)
    endpoint_id, name = _identity(entry, here)
    usable = endpoint_id is not None or name is not None
    key = endpoint_id or name
    if usable and key in seen:
        here.add("endpoint %s is listed twice; put all its checks in one entry" % key)
        usable = False
    elif usable:
        seen.add(key)
    for message in _unknown_keys([key for key in entry if key not in IDENTITY], ENTRY_KEYS,
                                 (DEPLOYMENT_KEYS, "%s is a deployment check: put it in an item of deployments")):
        here.add(message[1], key=message[0])
    wanted = dict((key, value) for key, value in entry.items() if key in CHECKS_BY_NAME)
    wanted.setdefault("state", DEFAULT_STATE)
    converted = {}
    for key, value in wanted.items():
        if value is None:
            converted[key] = None
            continue
        value = here.convert(CHECKS_BY_NAME[key], value)
        if value is not None:
            converted[key] = value
    if converted.get("state", DEFAULT_STATE) not in STATES + (None,):
        here.add("state must be one of %s, or null to leave it unchecked, got %r"
                 % (", ".join(STATES), converted.pop("state")), key="state")
    here.impossible([(check, converted[check.name]) for check in CHECKS if converted.get(check.name) is not None])
    deployments = _deployment_expectations(here, entry.get(DEPLOYMENTS), found)
    if not usable:
        return None
    if name is not None:
        endpoint_id = (names.get(name) or {}).get("id")
    return GateEntry(endpoint_id, converted, deployments, name=name)


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
