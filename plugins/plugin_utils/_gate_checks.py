# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This plugin_utils is internal to together.ai: its API may change without notice. Do not import it.

"""The endpoint gate's check table: every check an entry may ask for, how it reads, compares and is worded.

A new check is one row in CHECKS (of an endpoint) or DEPLOYMENT_CHECKS (of one deployment of a v2 endpoint):
entry validation, the policy checks, the evaluation and the reports all read the rows. The role's
meta/argument_specs.yml and docs/gate.md document each row; unit tests fail until they name it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.together.ai.plugins.module_utils._readiness import (
    STATES, TRAFFIC_MODE_LIVE, routed_live, short_state,
)
from ansible_collections.together.ai.plugins.module_utils._v2_normalize import KNOWN_STATES, select_deployment

DEFAULT_STATE = "STARTED"
# Raw v2 deployment states (without their DEPLOYMENT_STATE_ prefix) that are not also v1 words.
V2_ONLY_STATES = tuple(state for state in KNOWN_STATES if state not in STATES)
# What a deployment expectation's state may be: the v1 words (compared with normalized_state) or a raw v2 state.
DEPLOYMENT_STATES = tuple(STATES) + V2_ONLY_STATES
# The check every endpoint (and every named deployment) gets first: the others need it to exist.
EXISTS = "exists"
# The actual value of a v2 fact asked of a v1 endpoint.
NOT_APPLICABLE = "not applicable to a v1 endpoint"


def is_v2(endpoint):
    return isinstance(endpoint, dict) and endpoint.get("api_version") == "v2"


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def text(value):
    """A value as the reports show it; booleans as YAML writes them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def short_name(deployment):
    """A deployment as report lines name it: blue for project/endpoint/blue."""
    return (deployment.get("name") or deployment.get("id") or "?").rsplit("/", 1)[-1]


def field(*path):
    """Read a (nested) field of an endpoint or deployment; None when the API did not send it."""

    def read(subject):
        value = subject
        for key in path:
            if not isinstance(value, dict):
                return None
            value = value.get(key)
        return value

    return read


class Relation:
    """How a check compares the actual value with the expected one, and how reports word the expected one."""

    def __init__(self, holds, wording):
        self.holds = holds
        self.wording = wording


EQUALS = Relation(lambda actual, expected: actual == expected, "{0}")
AT_LEAST = Relation(lambda actual, expected: is_number(actual) and actual >= expected, ">= {0}")
AT_MOST = Relation(lambda actual, expected: is_number(actual) and actual <= expected, "<= {0}")

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
    if value_type is float and is_number(value):
        return value  # an integer weight stays one, and reads 1 rather than 1.0 in reports
    for convert in ((int,) if value_type is int else (int, float)):
        try:
            return convert(value)
        except (TypeError, ValueError):
            pass
    return None


class ValueProblem(ValueError):
    """What is wrong with an expected value, without where it was written (the policy check says where)."""


class Check:
    """One check a gate entry may ask for, by the option name the user writes.

    read(subject) gives the actual value of an endpoint (or, in DEPLOYMENT_CHECKS, of one deployment),
    relation compares it with the expected value, value_type is the type the expected value is converted
    to. explain(subject, actual), when given, says why the check failed. A check with v1_note is about a
    v2 fact: asked of a v1 endpoint, it fails, saying so and adding the note (what to check on v1 instead).
    The policy rejects before any request an expected value no endpoint can have: a number below 0
    (counts, weights, durations) or an empty string, unless the row says otherwise (minimum, not_empty).

    A check of something the endpoint read does not hold (the answer of a together_endpoint_probe request,
    for example) reads it from a field the role adds to the endpoint, such as field("probe", "latency_ms_median").
    """

    def __init__(self, name, read, relation, value_type, explain=None, v1_note=None, minimum=0, not_empty=True,
                 skip=None):
        self.name = name
        # skip(subject) -> why the check is not evaluated for this endpoint (None: it is), e.g. no probe was sent.
        self.skip = skip
        self.read = read
        self.relation = relation
        self.value_type = value_type
        self.explain = explain
        self.v1_note = v1_note
        self.minimum = minimum if value_type in (int, float) else None
        self.not_empty = not_empty and value_type is str

    def expected_text(self, expected):
        return self.relation.wording.format(text(expected))

    def actual(self, subject, expected):  # pylint: disable=unused-argument
        return self.read(subject)

    def passes(self, actual, expected):
        return self.relation.holds(actual, expected)

    def convert(self, value):
        """The expected value as the comparison needs it; raises ValueProblem saying what is wrong with it."""
        converted = _converted(self.value_type, value)
        if converted is None:
            raise ValueProblem("%s must be %s, got %r" % (self.name, _KINDS[self.value_type], value))
        return converted


class DeploymentStateCheck(Check):
    """A deployment's state, in either vocabulary.

    A v1 word (STARTED, STOPPED...) is compared with the deployment's normalized_state, so the words of
    an endpoint's state work for its deployments too; a raw v2 state (READY, or DEPLOYMENT_STATE_READY)
    is compared with the deployment's own state, for the cases the v1 words blur (SCALING with ready
    replicas is STARTED, and so is READY).
    """

    def __init__(self):
        super(DeploymentStateCheck, self).__init__("state", field("normalized_state"), EQUALS, str)

    def convert(self, value):
        state = short_state(super(DeploymentStateCheck, self).convert(value))
        if state not in DEPLOYMENT_STATES:
            raise ValueProblem("state must be a v1 state (%s) or a v2 deployment state (%s), got %r"
                               % (", ".join(STATES), ", ".join(V2_ONLY_STATES), value))
        return state

    def actual(self, subject, expected):
        if expected in V2_ONLY_STATES:
            return short_state(subject.get("state")) or None
        return subject.get("normalized_state")


class ModelCheck(Check):
    """The model, by its id; for v2, by its resource path or its readable name (model_name), as written."""

    def __init__(self):
        super(ModelCheck, self).__init__("model", field("model"), EQUALS, str)

    def actual(self, subject, expected):
        path, name = subject.get("model"), subject.get("model_name")
        if isinstance(name, str) and "/" not in name and isinstance(expected, str) and expected.endswith("/" + name):
            # A private model: the API names it bare (my-ft) where the policy says <project-slug>/my-ft, as the CLI
            # and together_endpoint take it; catalog names always carry their publisher.
            return expected
        if name is None or expected in (path, name):
            return expected if expected in (path, name) else path
        return "%s (%s)" % (name, path)


def deployments_of(endpoint):
    """The deployment dicts of a v2 endpoint as read, each with at least an id and a name (None when absent)."""
    return [dict(dict(id=None, name=None), **item) for item in endpoint.get("deployments") or []
            if isinstance(item, dict)]


def _why_not_serving(endpoint, actual):
    """Why a v2 endpoint serves nothing, in the words of its traffic split (the serving rule of _readiness)."""
    if actual is not False:
        return None
    # A deployment without a mode is live, as the v2 normalization reads one without trafficMode.
    routed = routed_live([dict(item, traffic_mode=item.get("traffic_mode", TRAFFIC_MODE_LIVE))
                          for item in deployments_of(endpoint) if is_number(item.get("traffic_weight"))])
    if not routed:
        return "no live deployment has traffic weight in the endpoint's traffic split"
    return "the deployments with traffic weight (%s) have no ready replica" % ", ".join(short_name(item) for item in routed)


def _replica_checks(read_min, read_max):
    """The exact and bounded replica checks, alike for an endpoint and for one of its deployments."""
    return (
        Check("min_replicas", read_min, EQUALS, int),
        Check("min_replicas_at_least", read_min, AT_LEAST, int),
        Check("min_replicas_at_most", read_min, AT_MOST, int),
        Check("max_replicas", read_max, EQUALS, int),
        Check("max_replicas_at_least", read_max, AT_LEAST, int),
        Check("max_replicas_at_most", read_max, AT_MOST, int),
    )


# -- checks of the endpoint's answer: the role adds each probed endpoint's together_endpoint_probe result as "probe".

def probe_of(endpoint):
    probe = endpoint.get("probe") if isinstance(endpoint, dict) else None
    return probe if isinstance(probe, dict) else None


def _not_probed(endpoint):
    """Why an answer check is not evaluated: no probe result (check mode sends none, each being a billed request)."""
    probe = probe_of(endpoint)
    if probe is None:
        return "no probe was sent"
    if probe.get("answered") is None:
        return probe.get("msg") or "no probe was sent"
    return None


def sent_probes(probe):
    """The probes a together_endpoint_probe result sent, in order (each holds its own status, latency, answer)."""
    probes = probe.get("probes") if isinstance(probe, dict) else None
    return [item for item in probes if isinstance(item, dict)] if isinstance(probes, list) else []


def probe_failure(probe):
    """What a probe that was not answered got instead: HTTP status, the API's error code and message."""
    error = probe.get("error") if isinstance(probe.get("error"), dict) else {}
    sent = sent_probes(probe)
    status = sent[-1].get("status") if sent else None
    head = " ".join(str(part) for part in ("HTTP %s" % status if status is not None else None, error.get("code"))
                    if part)
    message = error.get("message") or "no answer"
    return "%s: %s" % (head, message) if head else message


def _answer_latency(endpoint):
    probe = probe_of(endpoint) or {}
    return probe.get("latency_ms_median") if probe.get("answered") else None


def _why_no_answer(endpoint, actual):
    return probe_failure(probe_of(endpoint) or {}) if actual is False else None


def _why_too_slow(endpoint, actual):
    probe = probe_of(endpoint) or {}
    if actual is None:
        return "no answer to time: %s" % probe_failure(probe)
    latencies = [item.get("latency_ms") for item in sent_probes(probe)]
    return "median of %d probe%s: %s ms" % (len(latencies), "" if len(latencies) == 1 else "s",
                                            ", ".join(text(value) for value in latencies))


class AnsweredByCheck(Check):
    """Every probe of the endpoint was answered by the named deployment (id, name, or name's last part).

    The deployment comes from the answer's x-cluster header, as together_endpoint_probe matched it against the
    endpoint's deployments; with a weighted split, probes may land on several.
    """

    def __init__(self):
        super(AnsweredByCheck, self).__init__(
            "answered_by_deployment", None, EQUALS, str, explain=self._why_other, skip=_not_probed,
            v1_note="a v1 endpoint has no deployments; check answers instead")

    @staticmethod
    def _served(endpoint):
        probe = probe_of(endpoint) or {}
        return [dict(id=item.get("deployment_id"), name=item.get("deployment"))
                for item in sent_probes(probe) if item.get("answered")]

    def actual(self, subject, expected):
        served = self._served(subject)
        if not served or any(item["name"] is None for item in served):
            return None
        if all(select_deployment([item], expected) for item in served):
            return expected
        names = []
        for item in served:
            if short_name(item) not in names:
                names.append(short_name(item))
        return ", ".join(names)

    def _why_other(self, endpoint, actual):
        probe = probe_of(endpoint) or {}
        if not probe.get("answered"):
            return "no answer: %s" % probe_failure(probe)
        if actual is None:
            clusters = [item.get("cluster") for item in sent_probes(probe) if item.get("deployment") is None]
            return "the answer did not say which deployment served it (x-cluster: %s)" % (
                ", ".join(sorted(set(cluster or "absent" for cluster in clusters))) or "absent")
        return None


def _hourly_cost(endpoint):
    ceiling = endpoint.get("hourly_cost_ceiling") if isinstance(endpoint, dict) else None
    return ceiling.get("usd_per_hour") if isinstance(ceiling, dict) else None


def _cost_made_of(endpoint, actual):  # pylint: disable=unused-argument
    """How the ceiling is made up (deployment, replicas, hardware, price), or why it is unknown."""
    ceiling = endpoint.get("hourly_cost_ceiling") if isinstance(endpoint, dict) else None
    if not isinstance(ceiling, dict):
        return "the prices were not read"
    parts = ["%s %s x %s at %s" % (item.get("deployment"), item.get("max_replicas"), item.get("hardware"),
                                   ("$%.2f/h" % item["usd_per_replica_hour"]) if is_number(item.get("usd_per_replica_hour"))
                                   else "no published price")
             for item in ceiling.get("breakdown") or []]
    made_of = "; ".join(parts) if parts else "nothing runs"
    if ceiling.get("usd_per_hour") is None:
        return "unknown: no published price for %s (%s)" % (", ".join(ceiling.get("unpriced_hardware") or []), made_of)
    return made_of


# The checks that need the prices (together_endpoint_info include_cost): only then are they read.
COST_CHECKS = ("max_hourly_cost_at_most",)

# The checks that need a together_endpoint_probe request: only entries asking for one are probed.
PROBE_CHECKS = ("answers", "answer_latency_ms_at_most", "answered_by_deployment")

# The checks of a gate entry, in the order they are evaluated and reported.
CHECKS = (
    Check("state", field("state"), EQUALS, str),
    Check("serving", field("serving"), EQUALS, bool, explain=_why_not_serving,
          v1_note="a v1 endpoint serves when its state is STARTED"),
    ModelCheck(),
    Check("hardware", field("hardware"), EQUALS, str),
) + _replica_checks(field("autoscaling", "min_replicas"), field("autoscaling", "max_replicas")) + (
    Check("answers", field("probe", "answered"), EQUALS, bool, explain=_why_no_answer, skip=_not_probed),
    Check("answer_latency_ms_at_most", _answer_latency, AT_MOST, float, explain=_why_too_slow, skip=_not_probed),
    AnsweredByCheck(),
    # USD an hour at full scale; a cent is the smallest ceiling that means anything.
    Check("max_hourly_cost_at_most", _hourly_cost, AT_MOST, float, explain=_cost_made_of, minimum=0.01),
)
CHECKS_BY_NAME = dict((check.name, check) for check in CHECKS)

# The checks of one item of an entry's deployments (v2 endpoints), read from the module's deployments[].
DEPLOYMENT_CHECKS = (
    DeploymentStateCheck(),
    ModelCheck(),
    Check("hardware", field("hardware"), EQUALS, str),
) + _replica_checks(field("min_replicas"), field("max_replicas")) + (
    Check("ready_replicas_at_least", field("ready_replicas"), AT_LEAST, int),
    Check("traffic_weight_at_least", field("traffic_weight"), AT_LEAST, float),
)
DEPLOYMENT_CHECKS_BY_NAME = dict((check.name, check) for check in DEPLOYMENT_CHECKS)

# (lower bound, upper bound) of one entry (or deployment): lower > upper is a policy no endpoint can pass.
# min_replicas <= max_replicas always holds for an endpoint, so a floor on min above a ceiling on max is
# impossible too.
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
