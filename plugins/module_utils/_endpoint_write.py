# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""What together_endpoint wants, and the writes that take an endpoint there: no I/O in this file.

EndpointRequest checks the options (before any request). plan_v2 and plan_v1 compare the endpoint as
read (the normalized endpoint of together_endpoint_info, plus the full deployments for etags and
configs) with the request, and return a Plan: the writes of this pass, in the order they must go, what
is left for later (a new deployment is routed only once READY; a deployment is deleted only once
STOPPED), and the before/after views for --diff.

v2 rules (reference together-endpoints-v2.md sections 4, 7, 9):
- one PATCH per object and pass, with updateMask naming only what changes;
- stop/start is the deployment's autoscaling bounds (0/0 stops); min 0 with max > 0 is refused;
- model and config cannot change in place: a deployment is replaced (recreate) or the task fails;
- deletion order: out of the traffic split, 0/0, STOPPED, delete the deployment, then the endpoint.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import math

from ansible_collections.together.ai.plugins.module_utils._errors import OptionError
from ansible_collections.together.ai.plugins.module_utils._models import config_id, hardware_key
from ansible_collections.together.ai.plugins.module_utils._options import endpoint_id_problem
from ansible_collections.together.ai.plugins.module_utils._readiness import TRAFFIC_MODE_LIVE, short_state
from ansible_collections.together.ai.plugins.module_utils._v2_normalize import model_resource

V1_ID_PREFIX = "endpoint-"
V2_ID_PREFIX = "ep_"
VISIBILITIES = {"private": "VISIBILITY_PRIVATE", "internal": "VISIBILITY_INTERNAL"}
DEFAULT_DEPLOYMENT_NAME = "main"
# The shorthand's options; `deployments` excludes them all.
SHORTHAND_OPTIONS = ("model", "config", "hardware", "min_replicas", "max_replicas", "deployment_name")
DEPLOYMENT_KEYS = ("name", "model", "config", "hardware", "min_replicas", "max_replicas", "traffic_weight")
V2_ONLY_OPTIONS = ("deployments", "model", "config", "hardware", "deployment_name", "visibility", "recreate",
                   "purge_deployments")
# v2 states after which a deployment may be deleted (the API refuses any other).
DELETABLE_STATES = ("STOPPED", "FAILED")
# v1 states in which an endpoint runs (or is on its way), and those in which it does not.
V1_RUNNING_STATES = ("PENDING", "STARTING", "STARTED")
V1_CREATE_REFUSED = ("Together no longer creates v1 endpoints (the API answers HTTP 403 "
                     "endpoints_v1_create_access_disabled); create a v2 endpoint instead: leave out api_version "
                     "(or set it to v2) and give name, model and config or hardware")


class PlanError(Exception):
    """The endpoint as read cannot reach the request without something the options do not allow; no write was sent."""


def _finite_number(value):
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)


def _problem_of_id(value):
    problem = endpoint_id_problem(value)
    if problem is None and "/" in value:
        # The reader sends an id as one path segment; a write module rejects what can only be a name or a path.
        return "must be an id (ep_... or endpoint-...), not a path or a name, got %r" % value
    return problem


def _check_bounds(where, min_replicas, max_replicas):
    for option, value in (("min_replicas", min_replicas), ("max_replicas", max_replicas)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise OptionError("%s%s must be a whole number of 0 or more, got %r" % (where, option, value))
    if min_replicas is not None and max_replicas is not None:
        if min_replicas > max_replicas:
            raise OptionError("%smin_replicas (%d) must not be greater than max_replicas (%d)"
                              % (where, min_replicas, max_replicas))
        if min_replicas == 0 and max_replicas > 0:
            raise OptionError("%smin_replicas 0 with max_replicas %d is refused by the API: set both to 0 to stop, "
                              "or min_replicas to 1 or more" % (where, max_replicas))


class DeploymentRequest:
    """One declared deployment. None for min/max/weight means: keep what the deployment has (or the default)."""

    def __init__(self, name, model=None, config=None, hardware=None, min_replicas=None, max_replicas=None,
                 traffic_weight=1):
        self.name = name
        self.model = model
        self.config = config
        self.hardware = hardware
        self.min_replicas = min_replicas
        self.max_replicas = max_replicas
        self.traffic_weight = traffic_weight

    @classmethod
    def from_option(cls, index, item):
        where = "deployments[%d]: " % index
        if not isinstance(item, dict):
            raise OptionError("%smust be a dictionary with name, model, config or hardware, min_replicas, max_replicas "
                              "and traffic_weight, got %r" % (where, item))
        unknown = sorted(set(item) - set(DEPLOYMENT_KEYS))
        if unknown:
            raise OptionError("%sunknown key%s %s; known: %s"
                              % (where, "s" if len(unknown) > 1 else "", ", ".join(unknown), ", ".join(DEPLOYMENT_KEYS)))
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise OptionError("%sname is required (the deployment's name within the endpoint, such as blue)" % where)
        request = cls(name.strip())
        for key in ("model", "config", "hardware"):
            value = item.get(key)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise OptionError("%s%s must be a non-empty string, got %r" % (where, key, value))
            setattr(request, key, value.strip() if value is not None else None)
        for key in ("min_replicas", "max_replicas"):
            value = item.get(key)
            if isinstance(value, str) and value.strip().isdigit():  # templated numbers arrive as strings
                value = int(value)
            setattr(request, key, value)
        weight = item.get("traffic_weight", 1)
        if isinstance(weight, str):
            try:
                weight = float(weight)
            except ValueError:
                pass
        if weight is None:
            weight = 1
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0 or not math.isfinite(weight):
            raise OptionError("%straffic_weight must be a number of 0 or more, got %r" % (where, item.get("traffic_weight")))
        request.traffic_weight = int(weight) if weight == int(weight) else weight
        request.check(where)
        return request

    def check(self, where):
        if self.config and self.hardware:
            raise OptionError("%sconfig and hardware are mutually exclusive: a config fixes the hardware" % where)
        _check_bounds(where, self.min_replicas, self.max_replicas)


class EndpointRequest:
    """The validated options of together_endpoint."""

    def __init__(self, **kwargs):
        self.state = kwargs.get("state", "present")
        self.api_version = kwargs.get("api_version", "v2")
        self.endpoint_id = kwargs.get("endpoint_id")
        self.name = kwargs.get("name")
        self.display_name = kwargs.get("display_name")
        self.visibility = kwargs.get("visibility")
        self.deployments = kwargs.get("deployments")  # None: no deployment declared, leave them as they are
        self.shorthand = kwargs.get("shorthand", False)
        self.min_replicas = kwargs.get("min_replicas")
        self.max_replicas = kwargs.get("max_replicas")
        self.recreate = kwargs.get("recreate", False)
        self.purge_deployments = kwargs.get("purge_deployments", False)
        self.wait = kwargs.get("wait", False)
        self.wait_timeout = kwargs.get("wait_timeout", 1800.0)
        self.max_hourly_cost = kwargs.get("max_hourly_cost")

    @property
    def identity(self):
        return self.endpoint_id or self.name

    @classmethod
    def from_params(cls, params):
        """Check the options together; raise OptionError naming the option at fault.

        Single choices (state, visibility, api_version) are the argument spec's to check, not this method's.
        """
        state = params.get("state") or "present"
        endpoint_id, name = params.get("endpoint_id"), params.get("name")
        if endpoint_id is not None:
            problem = _problem_of_id(endpoint_id)
            if problem:
                raise OptionError("endpoint_id %s" % problem)
        if name is not None:
            if not name.strip() or name != name.strip():
                raise OptionError("name must be a non-empty endpoint name without surrounding white space, got %r" % name)
            if name.count("/") > 1 or name.startswith("/") or name.endswith("/"):
                raise OptionError("name must be a bare endpoint name or <project_slug>/<name>, got %r" % name)
        api_version = params.get("api_version") or "auto"
        if api_version == "auto":
            api_version = "v1" if (endpoint_id or "").startswith(V1_ID_PREFIX) else "v2"
        elif api_version == "v2" and (endpoint_id or "").startswith(V1_ID_PREFIX):
            raise OptionError("endpoint_id %s is a v1 id (endpoint-...) and cannot be managed with api_version=v2"
                              % endpoint_id)
        elif api_version == "v1" and (endpoint_id or "").startswith(V2_ID_PREFIX):
            raise OptionError("endpoint_id %s is a v2 id (ep_...) and cannot be managed with api_version=v1" % endpoint_id)
        if api_version == "v1":
            return cls._v1(params, state, endpoint_id, name)
        if endpoint_id is None and name is None:
            raise OptionError("one of endpoint_id or name is required: name identifies (and creates) a v2 endpoint, "
                              "endpoint_id an existing one")
        if params.get("display_name") is not None:
            raise OptionError("display_name applies to v1 endpoints only; a v2 endpoint is renamed through name "
                              "(with endpoint_id)")
        visibility = params.get("visibility")
        deployments, shorthand = cls._deployments(params, state)
        request = cls(state=state, api_version="v2", endpoint_id=endpoint_id, name=name, visibility=visibility,
                      deployments=deployments, shorthand=shorthand, recreate=bool(params.get("recreate")),
                      purge_deployments=bool(params.get("purge_deployments")))
        request._wait_options(params)
        return request

    @staticmethod
    def _deployments(params, state):
        for option in ("model", "config", "hardware", "deployment_name"):
            value = params.get(option)
            if isinstance(value, str) and not value.strip():
                # An empty string is a mistake (an undefined variable, a typo), not "keep what is there": say so.
                raise OptionError("%s must not be empty; leave it out to keep what the deployment has" % option)
        given = [option for option in SHORTHAND_OPTIONS if params.get(option) is not None]
        items = params.get("deployments")
        if items is not None and given:
            raise OptionError("deployments and %s are mutually exclusive: declare the deployment inside deployments"
                              % ", ".join(given))
        if items is not None:
            if not isinstance(items, list) or not items:
                raise OptionError("deployments must be a list of at least one deployment")
            deployments = [DeploymentRequest.from_option(index, item) for index, item in enumerate(items)]
            names = [deployment.name for deployment in deployments]
            twice = sorted(set(item for item in names if names.count(item) > 1))
            if twice:
                raise OptionError("deployments: the name%s %s appear%s more than once" % (
                    "s" if len(twice) > 1 else "", ", ".join(twice), "" if len(twice) > 1 else "s"))
            shorthand = False
        elif given:
            deployment = DeploymentRequest(
                (params.get("deployment_name") or DEFAULT_DEPLOYMENT_NAME).strip(), model=params.get("model"),
                config=params.get("config"), hardware=params.get("hardware"), min_replicas=params.get("min_replicas"),
                max_replicas=params.get("max_replicas"), traffic_weight=1)
            if not deployment.name:
                raise OptionError("deployment_name must not be empty")
            deployment.check("")
            deployments, shorthand = [deployment], True
        else:
            deployments, shorthand = None, False
        if state == "stopped" and deployments:
            for deployment in deployments:
                for option in ("min_replicas", "max_replicas"):
                    value = getattr(deployment, option)
                    if value not in (None, 0):
                        raise OptionError("%s%s %s cannot be combined with state=stopped, which scales every deployment "
                                          "to 0/0" % ("" if shorthand else "deployments[%s]." % deployment.name,
                                                      option, value))
        if params.get("purge_deployments") and deployments is None and state != "absent":
            raise OptionError("purge_deployments deletes the deployments not declared; declare them with deployments "
                              "or model")
        return deployments, shorthand

    @classmethod
    def _v1(cls, params, state, endpoint_id, name):
        if endpoint_id is None:
            if state == "absent":
                raise OptionError("api_version=v1 needs endpoint_id (endpoint-...): v1 endpoints are found by id")
            raise OptionError("api_version=v1 without endpoint_id would create a v1 endpoint. " + V1_CREATE_REFUSED)
        v2_options = [option for option in V2_ONLY_OPTIONS if params.get(option) not in (None, False)]
        if name is not None:
            v2_options.insert(0, "name")
        if v2_options:
            raise OptionError("%s appl%s to v2 endpoints only; endpoint %s is a v1 endpoint (v1 endpoints change only "
                              "their replica bounds, state and display_name)"
                              % (", ".join(v2_options), "ies" if len(v2_options) == 1 else "y", endpoint_id))
        display_name = params.get("display_name")
        if display_name is not None and not display_name.strip():
            raise OptionError("display_name must not be empty")
        min_replicas, max_replicas = params.get("min_replicas"), params.get("max_replicas")
        _check_bounds("", min_replicas, max_replicas)
        if state == "stopped" and (min_replicas or max_replicas):
            raise OptionError("min_replicas and max_replicas cannot be combined with state=stopped on a v1 endpoint")
        request = cls(state=state, api_version="v1", endpoint_id=endpoint_id, display_name=display_name,
                      min_replicas=min_replicas, max_replicas=max_replicas)
        request._wait_options(params)
        return request

    def _wait_options(self, params):
        wait = params.get("wait")
        self.wait = (self.state == "started") if wait is None else bool(wait)
        cost = params.get("max_hourly_cost")
        if cost is not None and (not _finite_number(cost) or cost <= 0):
            raise OptionError("max_hourly_cost must be a number of US dollars above 0, got %r" % (cost,))
        self.max_hourly_cost = cost
        timeout = params.get("wait_timeout", 1800.0)
        if not _finite_number(timeout) or timeout < 0:
            raise OptionError("wait_timeout must be a finite number of 0 or more seconds, got %r" % (timeout,))
        self.wait_timeout = float(timeout)
        for option in ("wait_sleep", "wait_progress_interval"):
            value = params.get(option)
            if value is not None and (not _finite_number(value) or not value > 0):
                raise OptionError("%s must be a finite number of seconds above 0, got %r" % (option, value))


# -- reading what is there --------------------------------------------------------------------------------------


def bare(name):
    """The last part of a v2 name: my-project/chat/blue -> blue, my-project/chat -> chat."""
    return (name or "").rsplit("/", 1)[-1]


def model_matches(wanted, deployment, project_id=None):
    """Whether a deployment runs the wanted model (a public name, <project-slug>/<name>, ml_... id or resource path).

    None when it cannot be told: the model is named but its readable name could not be read.
    """
    current = deployment.get("model") or ""
    resource = model_resource(current)
    if "/" in wanted and not wanted.startswith("projects/") and resource and project_id and resource[0] == project_id:
        # The project's own model: the API may name it bare (my-ft) where the task says <project-slug>/my-ft, and the
        # CLI takes both as the same model.
        if deployment.get("model_name") in (wanted, wanted.rsplit("/", 1)[-1]):
            return True
    if wanted.startswith("projects/"):
        if "/revisions/" in wanted:
            return current == wanted
        return current.split("/revisions/")[0] == wanted.rstrip("/")
    if wanted.startswith("ml_"):
        resource = model_resource(current)
        return bool(resource) and resource[1] == wanted
    if deployment.get("model_name"):
        return deployment["model_name"] == wanted
    return None


def deployment_view(deployment, full=None):
    """How a deployment shows in --diff.

    It repeats its name: Ansible shows a diff's keys sorted, with three lines of context, so every changed line
    then has the name in sight (the key above config, hardware and max_replicas; this line below min_replicas and
    model, above traffic_weight).
    """
    config = (full or {}).get("config") or (full or {}).get("configId")
    return dict(
        name=bare(deployment.get("name")) or deployment.get("id"),
        model=deployment.get("model_name") or deployment.get("model"),
        config=config_id(config),
        hardware=deployment.get("hardware"),
        min_replicas=deployment.get("min_replicas", 0),
        max_replicas=deployment.get("max_replicas", 0),
        traffic_weight=deployment.get("traffic_weight", 0),
    )


def endpoint_view(endpoint, full_deployments=None):
    """The before/after of --diff for a v2 endpoint: name, visibility, deployments by bare name. {} when absent."""
    if endpoint is None:
        return {}
    full_deployments = full_deployments or {}
    visibility = endpoint.get("visibility") or "VISIBILITY_PRIVATE"
    return dict(
        name=endpoint.get("name"),
        visibility=visibility[len("VISIBILITY_"):].lower() if visibility.startswith("VISIBILITY_") else visibility,
        deployments=dict((bare(item.get("name")) or item.get("id"), deployment_view(item, full_deployments.get(item.get("id"))))
                         for item in endpoint.get("deployments") or []),
    )


def v1_view(endpoint):
    if endpoint is None:
        return {}
    autoscaling = endpoint.get("autoscaling") or {}
    state = endpoint.get("state")
    return dict(
        display_name=endpoint.get("display_name"),
        model=endpoint.get("model"),
        hardware=endpoint.get("hardware"),
        # Where the endpoint is heading, as a run that waits ends: STARTING shows STARTED, STOPPING shows STOPPED.
        state="STARTED" if state in V1_RUNNING_STATES else ("STOPPED" if state == "STOPPING" else state),
        min_replicas=autoscaling.get("min_replicas"),
        max_replicas=autoscaling.get("max_replicas"),
    )


# -- the plan ---------------------------------------------------------------------------------------------------


class Write:
    """One request of the plan. path is relative to the endpoint (v2) or the v1 base URL; etag_of names the
    object whose etag goes with it (endpoint or a deployment id), None for no etag."""

    def __init__(self, method, what, description, body=None, mask=None, deployment=None, etag_of=None):
        self.method = method
        self.what = what  # endpoint | deployment | v1
        self.description = description
        self.body = body
        self.mask = mask
        self.deployment = deployment  # deployment id (existing), or the request (new)
        self.etag_of = etag_of

    def __repr__(self):
        return "Write(%s %s: %s)" % (self.method, self.what, self.description)


class Plan:
    def __init__(self, before, after):
        self.before = before
        self.after = after
        self.writes = []
        # What the action plugin waits for before calling the module again: [{deployment_id, name, state, then}].
        self.pending = []
        self.warnings = []
        # What the passes after those waits will send, in words (check mode lists it after the writes of this pass).
        self.later = []

    @property
    def changed(self):
        return bool(self.writes)

    def followups(self):
        """The pending waits and the writes that follow them, in the words of RV(actions)."""
        words = {"route": "route traffic to it", "delete": "delete it", "recreate": "delete it and create it as declared"}
        lines = ["then, once deployment '%s' is %s: %s" % (item["name"], item["state"], words.get(item["then"], "done"))
                 for item in self.pending]
        return lines + self.later

    @property
    def messages(self):
        return [write.description for write in self.writes]

    def add(self, write):
        self.writes.append(write)


def _state(deployment):
    return short_state(deployment.get("state"))


def _is_live(deployment):
    return (deployment.get("traffic_mode") or TRAFFIC_MODE_LIVE) == TRAFFIC_MODE_LIVE


def ready_for_traffic(deployment):
    """The serving rule's test of a deployment: live and READY (a deployment that serves, or may take traffic)."""
    return _is_live(deployment) and _state(deployment) == "READY"


def _said(deployment):
    message = deployment.get("status_message")
    return (" (%s)" % message) if message else ""


def _bounds_text(minimum, maximum):
    return "%d/%d replicas" % (minimum, maximum)


class _V2Planner:
    """Builds the plan of one pass for a v2 endpoint (see plan_v2)."""

    def __init__(self, request, endpoint, full, resolve):
        self.request = request
        self.endpoint = endpoint
        self.full = full or {}
        self.resolve = resolve
        self.name = endpoint.get("name") if endpoint else request.name
        self.plan = Plan(endpoint_view(endpoint, self.full), None)
        self.split = [(item["deployment_id"], item["weight"]) for item in (endpoint or {}).get("traffic_split") or []]
        self.split_as_read = list(self.split)
        self.current = dict((bare(item.get("name")), item) for item in (endpoint or {}).get("deployments") or [])
        self.patches = []  # deployment PATCHes of this pass
        self.deletes = []
        self.creates = []
        self.after = {}
        self.deferred = False

    def existing_text(self):
        """The deployments the endpoint has, for a message about one it does not have."""
        if self.endpoint is None:
            return "the endpoint is new"
        names = sorted(self.current)
        return "the endpoint's deployments: %s" % (", ".join(names) if names else "none")

    def where(self, deployment_name=None):
        text = "endpoint '%s'" % (self.endpoint["id"] if self.endpoint else self.request.identity)
        return text + (" deployment '%s'" % deployment_name if deployment_name else "")

    # -- the split -------------------------------------------------------------------------------------------

    def weight(self, deployment_id):
        return sum(weight for key, weight in self.split if key == deployment_id)

    def set_weight(self, deployment_id, weight):
        entries = [(key, value) for key, value in self.split if key != deployment_id]
        if weight > 0:
            position = next((index for index, (key, _value) in enumerate(self.split) if key == deployment_id), len(entries))
            entries.insert(min(position, len(entries)), (deployment_id, weight))
        self.split = entries

    # -- deployments ------------------------------------------------------------------------------------------

    def stop(self, deployment, name):
        if deployment.get("min_replicas", 0) or deployment.get("max_replicas", 0):
            self.patches.append(Write("PATCH", "deployment", "scale %s to 0/0 replicas (from %s) to stop it"
                                      % (self.where(name), _bounds_text(deployment["min_replicas"], deployment["max_replicas"])),
                                      body={"autoscaling": {"minReplicas": 0, "maxReplicas": 0}}, mask="autoscaling",
                                      deployment=deployment["id"], etag_of=deployment["id"]))
            return True
        return False

    def retire(self, deployment, name, then="delete"):
        """Out of the split, 0/0, and deleted once STOPPED (now, or after the wait the plan asks for)."""
        self.set_weight(deployment["id"], 0)
        stopping = self.stop(deployment, name)
        if not stopping and _state(deployment) in DELETABLE_STATES:
            self.deletes.append(Write("DELETE", "deployment", "delete %s" % self.where(name),
                                      deployment=deployment["id"], etag_of=deployment["id"]))
            return True
        self.plan.pending.append(dict(deployment_id=deployment["id"], name=name, state="STOPPED", then=then))
        return False

    def create(self, wanted, stopped):
        if not wanted.model:
            raise PlanError("%s does not exist yet (%s): creating it needs model"
                            % (self.where(wanted.name), self.existing_text()))
        if not (wanted.config or wanted.hardware):
            raise PlanError("%s does not exist yet (%s): creating it needs config or hardware (the instance type, such as "
                            "1xnvidia-h100-80gb)" % (self.where(wanted.name), self.existing_text()))
        if stopped:
            minimum = maximum = 0
        else:
            minimum = wanted.min_replicas if wanted.min_replicas is not None else 1
            maximum = wanted.max_replicas if wanted.max_replicas is not None else max(minimum, 1)
            if minimum == 0 and maximum > 0:
                minimum = 1
        model, config, hardware = self.resolve(wanted)
        body = {"name": wanted.name, "model": model, "config": config,
                "autoscaling": {"minReplicas": minimum, "maxReplicas": maximum}}
        self.creates.append(Write("POST", "deployment", "create %s: %s on %s, %s" % (
            self.where(wanted.name), wanted.model, hardware or config_id(config), _bounds_text(minimum, maximum)),
            body=body, deployment=wanted))
        routed = wanted.traffic_weight > 0 and maximum > 0
        # Routed once READY: by this task when it waits, else by a rerun.
        view = dict(name=wanted.name, model=wanted.model, config=config_id(config), hardware=hardware, min_replicas=minimum,
                    max_replicas=maximum, traffic_weight=wanted.traffic_weight if routed and self.request.wait else 0)
        if routed:
            self.plan.pending.append(dict(deployment_id=None, name=wanted.name, state="READY", then="route"))
        return view

    def immutable_changes(self, wanted, deployment, warn=True):
        changes = []
        if wanted.model:
            matches = model_matches(wanted.model, deployment, (self.endpoint or {}).get("project_id"))
            if matches is None and warn:
                self.plan.warnings.append("%s: its model %s has no readable name to compare with %s; taken as the same"
                                          % (self.where(wanted.name), deployment.get("model"), wanted.model))
            elif not matches:
                changes.append("model %s -> %s" % (deployment.get("model_name") or deployment.get("model"), wanted.model))
        full = self.full.get(deployment["id"]) or {}
        if wanted.config and config_id(wanted.config) != config_id(full.get("config") or full.get("configId")):
            changes.append("config %s -> %s" % (config_id(full.get("config") or full.get("configId")), config_id(wanted.config)))
        if wanted.hardware and hardware_key(wanted.hardware) != hardware_key(deployment.get("hardware")):
            changes.append("hardware %s -> %s" % (deployment.get("hardware"), wanted.hardware))
        return changes

    def target_bounds(self, wanted, deployment, state):
        current = (deployment.get("min_replicas", 0), deployment.get("max_replicas", 0))
        if state == "stopped":
            return 0, 0
        if state == "present" and current == (0, 0):
            # present declares what the deployment is, not whether it runs: stopped stays stopped (started starts it).
            if wanted is not None and (wanted.min_replicas or wanted.max_replicas):
                self.plan.warnings.append("%s is stopped (0/0 replicas); state=present keeps it stopped and its "
                                          "min_replicas/max_replicas apply once it runs: use state=started to start it"
                                          % self.where(bare(deployment.get("name"))))
            return current
        minimum = wanted.min_replicas if wanted is not None and wanted.min_replicas is not None else current[0]
        maximum = wanted.max_replicas if wanted is not None and wanted.max_replicas is not None else current[1]
        if wanted is not None and wanted.min_replicas is not None and wanted.max_replicas is None and current == (0, 0):
            maximum = max(minimum, 1) if minimum else 0  # starting from 0/0 with only a minimum: max defaults to min
        if state == "started" and (minimum, maximum) == (0, 0):
            minimum, maximum = 1, 1  # a stopped deployment keeps no bounds in v2: start it with one replica
        return minimum, maximum

    def scale(self, wanted, deployment, name, state):
        minimum, maximum = self.target_bounds(wanted, deployment, state)
        current = (deployment.get("min_replicas", 0), deployment.get("max_replicas", 0))
        if minimum > maximum or (minimum == 0 and maximum > 0):
            # One bound given, the other kept from the deployment: known before any write, so said before any.
            raise PlanError("%s: min_replicas %d with max_replicas %d is refused by the API (min 1 or more, and not above "
                            "max; 0/0 stops); the deployment has %s now, so give both bounds"
                            % (self.where(name), minimum, maximum, _bounds_text(*current)))
        if (minimum, maximum) != current:
            verb = "stop" if (minimum, maximum) == (0, 0) else ("start" if current == (0, 0) else "scale")
            self.patches.append(Write("PATCH", "deployment", "%s %s: %s -> %s" % (
                verb, self.where(name), _bounds_text(*current), _bounds_text(minimum, maximum)),
                body={"autoscaling": {"minReplicas": minimum, "maxReplicas": maximum}}, mask="autoscaling",
                deployment=deployment["id"], etag_of=deployment["id"]))
        return minimum, maximum

    def ends_stopped(self, wanted, deployment):
        """Whether a declared deployment is stopped (0/0) at the end of this task: it cannot take traffic."""
        if self.request.state == "stopped" or (wanted.min_replicas, wanted.max_replicas) == (0, 0):
            return True
        current = (deployment.get("min_replicas", 0), deployment.get("max_replicas", 0))
        return self.request.state == "present" and current == (0, 0)

    def routing_deferred(self, declared):
        """Whether the split must wait: some declared deployment that is to take traffic is not READY yet.

        The serving rule: traffic moves to a deployment only once it is READY, also when it already holds weight,
        so until then the split stays as it is and what serves keeps serving.
        """
        if self.request.state == "stopped":
            return False
        for name, wanted in declared.items():
            deployment = self.current.get(name)
            if wanted.traffic_weight <= 0:
                continue
            if deployment is None:
                return True
            if self.immutable_changes(wanted, deployment, warn=False) and self.request.recreate:
                return True
            if not self.ends_stopped(wanted, deployment) and not ready_for_traffic(deployment):
                return True
        return False

    def desired_split(self, declared):
        """{deployment id: weight > 0} once the declared deployments that exist take the traffic as declared."""
        desired = {}
        for name, wanted in declared.items():
            deployment = self.current.get(name)
            if deployment is not None and wanted.traffic_weight > 0:
                desired[deployment["id"]] = wanted.traffic_weight
        return desired

    def check_routable(self, declared):
        """Fail before any write when the declared split gives traffic to a deployment that cannot take it."""
        if self.request.state == "stopped" or self.endpoint is None:
            return
        current = dict((key, weight) for key, weight in self.split if weight > 0)
        if declared and all(wanted.traffic_weight <= 0 for wanted in declared.values()):
            running = [name for name, item in self.current.items() if item.get("max_replicas", 0) > 0]
            if self.request.state == "started" or running or set(declared) - set(self.current):
                raise PlanError("%s: every declared traffic_weight is 0, which leaves the endpoint without a deployment "
                                "to serve it (an all-zero traffic split); give the deployment that is to serve a "
                                "traffic_weight above 0, or use state=stopped to stop the endpoint"
                                % self.where())
        moving = self.desired_split(declared) != current or any(
            name not in self.current and wanted.traffic_weight > 0 for name, wanted in declared.items())
        if not moving:
            return
        for name, wanted in declared.items():
            deployment = self.current.get(name)
            if deployment is None or wanted.traffic_weight <= 0:
                continue
            if self.immutable_changes(wanted, deployment, warn=False) and self.request.recreate:
                continue  # replaced by a new deployment, which takes traffic once READY
            state = _state(deployment)
            if state == "FAILED":
                raise PlanError("%s is FAILED%s: traffic cannot move to it, and the traffic split is left as it is; "
                                "replace it (recreate: true with its model or config changed, or a new deployment), or "
                                "declare it with traffic_weight 0" % (self.where(name), _said(deployment)))
            if self.ends_stopped(wanted, deployment):
                raise PlanError("%s is %s (0/0 replicas) and stays stopped with state=%s: traffic cannot move to it, "
                                "and the traffic split is left as it is; use state=started to start it first (it is "
                                "routed once READY)" % (self.where(name), state or "STOPPED", self.request.state))

    def route(self, deployment, name, wanted, stopping_to_zero):
        """A declared deployment's weight: set only when every deployment to be routed is READY (see
        routing_deferred); until then it keeps its weight and the plan waits for it."""
        current = self.weight(deployment["id"])
        weight = wanted.traffic_weight
        if self.deferred:
            if weight > 0 and not stopping_to_zero and not ready_for_traffic(deployment):
                self.plan.pending.append(dict(deployment_id=deployment["id"], name=name, state="READY", then="route"))
            # The view is the task's end: the split as declared once the waits are over (wait: true), else as it is.
            return weight if self.request.wait else current
        if weight != current:
            self.set_weight(deployment["id"], weight)
        return weight

    def check_serving(self):
        """The serving rule, checked on the whole plan: step through its writes in order and fail, before any of
        them is sent, when one would leave an endpoint that serves without a READY deployment with traffic weight.
        Only state=stopped and state=absent may do that."""
        if self.endpoint is None or self.request.state in ("stopped", "absent"):
            return
        ready = dict((item["id"], ready_for_traffic(item)) for item in self.current.values())
        names = dict((item["id"], bare(item.get("name"))) for item in self.current.values())
        split = dict(self.split_as_read)

        def serving():
            return any(weight > 0 and ready.get(key) for key, weight in split.items())

        if not serving():
            return
        for write in self.plan.writes:
            if write.what == "endpoint" and write.body and "trafficSplit" in write.body:
                split = dict((entry["deploymentId"], entry["weight"]) for entry in write.body["trafficSplit"])
            elif write.what == "deployment" and write.method == "PATCH" and write.body.get("autoscaling", {}).get(
                    "maxReplicas") == 0:
                ready[write.deployment] = False
            elif write.what == "deployment" and write.method == "DELETE":
                ready.pop(write.deployment, None)
                split.pop(write.deployment, None)
            if not serving():
                serving_now = [names[key] for key, weight in self.split_as_read if weight > 0 and ready_for_traffic(
                    self.current.get(names.get(key)) or {})]
                raise PlanError("%s serves through %s, and %s would leave it without a READY deployment with traffic "
                                "weight; nothing was sent. Move the traffic to a deployment that is READY first (declare "
                                "a second deployment and give it the traffic_weight: blue/green), or use state=stopped "
                                "to stop the endpoint" % (self.where(), ", ".join(sorted(serving_now)) or "its deployments",
                                                          write.description))

    # -- the whole pass ---------------------------------------------------------------------------------------------

    def build(self):
        request = self.request
        if request.state == "absent":
            return self.absent()
        if self.endpoint is None:
            return self.new_endpoint()
        endpoint_body, mask = {}, []
        wanted_name = request.name if request.endpoint_id else None
        if wanted_name and (bare(wanted_name) != bare(self.endpoint.get("name")) or
                            ("/" in wanted_name and wanted_name != self.endpoint.get("name"))):
            endpoint_body["name"], mask = wanted_name, mask + ["name"]
        if request.visibility and VISIBILITIES[request.visibility] != (self.endpoint.get("visibility") or "VISIBILITY_PRIVATE"):
            endpoint_body["visibility"], mask = VISIBILITIES[request.visibility], mask + ["visibility"]
        after_deployments = {}
        declared = dict((item.name, item) for item in request.deployments or [])
        self.check_routable(declared)
        # While a declared deployment waits for READY to be routed, nothing routed now leaves the split.
        deferred_routing = self.routing_deferred(declared)
        self.deferred = deferred_routing
        for name, wanted in declared.items():
            deployment = self.current.get(name)
            if deployment is None:
                after_deployments[name] = self.create(wanted, request.state == "stopped")
                continue
            changes = self.immutable_changes(wanted, deployment)
            if changes:
                if not request.recreate:
                    raise PlanError("%s: %s cannot change in place; set recreate: true to replace the deployment (it "
                                    "serves nothing while it is replaced), or declare a second deployment and move the "
                                    "traffic_weight to it (blue/green)" % (self.where(name), ", ".join(changes)))
                wanted = self.replacement(wanted, deployment)
                deleted = self.retire(deployment, name, then="recreate")
                if deleted:
                    after_deployments[name] = self.create(wanted, request.state == "stopped")
                else:
                    after_deployments[name] = self.replaced_view(wanted, deployment)
                continue
            minimum, maximum = self.scale(wanted, deployment, name, request.state)
            weight = self.weight(deployment["id"])
            if request.state != "stopped":
                weight = self.route(deployment, name, wanted, maximum == 0)
            view = deployment_view(deployment, self.full.get(deployment["id"]))
            view.update(min_replicas=minimum, max_replicas=maximum, traffic_weight=weight)
            after_deployments[name] = view
        for name, deployment in self.current.items():
            if name in declared:
                continue
            after_deployments[name] = self.undeclared(deployment, name, declared, deferred_routing)
        for name in list(after_deployments):
            if after_deployments[name] is None:
                del after_deployments[name]
        # Whole weights as integers, as the SDK sends them (the option's float type makes 1 into 1.0).
        new_split = [dict(deploymentId=key, weight=int(value) if float(value).is_integer() else value)
                     for key, value in self.split]
        old_split = [dict(deploymentId=item["deployment_id"], weight=item["weight"])
                     for item in self.endpoint.get("traffic_split") or []]
        if new_split != old_split:
            endpoint_body["trafficSplit"], mask = new_split, mask + ["trafficSplit"]
        if mask:
            self.plan.add(Write("PATCH", "endpoint", "update %s: %s" % (self.where(), self.describe_endpoint_patch(
                endpoint_body, old_split)), body=endpoint_body, mask=",".join(mask), etag_of="endpoint"))
        self.finish()
        self.check_serving()
        self.plan.after = dict(
            name=self.qualified(endpoint_body.get("name") or self.endpoint.get("name")),
            visibility=request.visibility or self.plan.before["visibility"],
            deployments=after_deployments,
        )
        return self.plan

    def replacement(self, wanted, deployment):
        """What replaces a deployment: as declared, with what the declaration leaves out taken from the old one."""
        replacement = copy.copy(wanted)
        if not replacement.model:
            replacement.model = deployment.get("model_name") or deployment.get("model")
        if not (replacement.config or replacement.hardware):
            full = self.full.get(deployment["id"]) or {}
            replacement.config = full.get("config") or None
            replacement.hardware = None if replacement.config else deployment.get("hardware")
        return replacement

    def replaced_view(self, wanted, deployment):
        view = deployment_view(deployment, self.full.get(deployment["id"]))
        minimum = wanted.min_replicas if wanted.min_replicas is not None else 1
        # Resolved now, so that hardware no config fits fails before the old deployment is stopped.
        _model, config, hardware = self.resolve(wanted)
        view.update(model=wanted.model or view["model"], config=config_id(config) if config else view["config"],
                    hardware=hardware or view["hardware"], min_replicas=minimum,
                    max_replicas=wanted.max_replicas if wanted.max_replicas is not None else max(minimum, 1),
                    traffic_weight=wanted.traffic_weight)
        if self.request.state == "stopped":
            view.update(min_replicas=0, max_replicas=0)
        return view

    def undeclared(self, deployment, name, declared, deferred_routing):
        """A deployment the request does not name: purged, stopped (state=stopped), or taken out of live traffic."""
        request = self.request
        view = deployment_view(deployment, self.full.get(deployment["id"]))
        if request.purge_deployments and _is_live(deployment):
            if deferred_routing and self.weight(deployment["id"]) > 0:
                # Serving until the declared deployments are READY and routed: retired on a later pass (of this
                # task when it waits, so the view shows the end: gone).
                return None if request.wait else view
            self.retire(deployment, name)
            return None
        if request.state == "stopped":
            self.stop(deployment, name)
            view.update(min_replicas=0, max_replicas=0)
            return view
        if declared and _is_live(deployment) and self.weight(deployment["id"]) > 0:
            # Declared deployments take all the traffic; this one keeps running, unrouted (once they are routed).
            if not deferred_routing:
                self.set_weight(deployment["id"], 0)
            if not deferred_routing or request.wait:
                view["traffic_weight"] = 0
        elif request.deployments is None and request.state == "started":
            self.start_undeclared(deployment, name, view)
        return view

    def start_undeclared(self, deployment, name, view):
        """state=started without deployments: start the stopped deployments that have traffic weight.

        With no weight anywhere (a split emptied by a recreate or by hand), started means "serve": every live
        deployment is started and routed with weight 1 once it is READY.
        """
        routed = [item for item in self.current.values() if self.weight(item["id"]) > 0]
        if deployment in routed or not routed:
            minimum, maximum = self.scale(None, deployment, name, "started")
            view.update(min_replicas=minimum, max_replicas=maximum)
        if not routed and _is_live(deployment):
            if ready_for_traffic(deployment) and (deployment.get("min_replicas"), deployment.get("max_replicas")) != (0, 0):
                self.set_weight(deployment["id"], 1)
                view["traffic_weight"] = 1
            else:
                self.plan.pending.append(dict(deployment_id=deployment["id"], name=name, state="READY", then="route"))
                view["traffic_weight"] = 1 if self.request.wait else 0

    def finish(self):
        for write in self.patches + self.deletes + self.creates:
            self.plan.add(write)

    def qualified(self, name):
        if name and "/" not in name and self.endpoint and "/" in (self.endpoint.get("name") or ""):
            return "%s/%s" % (self.endpoint["name"].split("/", 1)[0], name)
        return name

    def describe_endpoint_patch(self, body, old_split):
        parts = []
        if "name" in body:
            parts.append("name -> %s" % body["name"])
        if "visibility" in body:
            parts.append("visibility -> %s" % body["visibility"])
        if "trafficSplit" in body:
            # By the names users declare (blue), not the ids the API chooses.
            names = dict((item["id"], bare(item.get("name")) or item["id"]) for item in self.current.values())
            parts.append("traffic split %s -> %s" % (_split_text(old_split, names), _split_text(body["trafficSplit"], names)))
        return ", ".join(parts)

    def new_endpoint(self):
        request = self.request
        if request.endpoint_id:
            raise PlanError("endpoint '%s' does not exist: the API chooses endpoint ids, so a new endpoint is declared "
                            "with name (and no endpoint_id)" % request.endpoint_id)
        if request.state == "started" and not request.deployments:
            raise PlanError("endpoint '%s' does not exist, and state=started needs a deployment to start: declare one "
                            "with model and config or hardware (or deployments)" % request.name)
        visibility = VISIBILITIES[request.visibility or "private"]
        self.plan.add(Write("POST", "endpoint", "create endpoint '%s' (%s)" % (request.name, visibility),
                            body={"name": request.name, "visibility": visibility}))
        deployments = {}
        for wanted in request.deployments or []:
            deployments[wanted.name] = self.create(wanted, request.state == "stopped")
        self.finish()
        self.plan.after = dict(name=request.name, visibility=request.visibility or "private", deployments=deployments)
        return self.plan

    def absent(self):
        if self.endpoint is None:
            self.plan.after = {}
            return self.plan
        old_split = list(self.split)
        remaining = 0
        for name, deployment in self.current.items():
            if not self.retire(deployment, name):
                remaining += 1
        if self.split != old_split:
            self.plan.add(Write("PATCH", "endpoint", "take every deployment of %s out of live traffic" % self.where(),
                                body={"trafficSplit": []}, mask="trafficSplit", etag_of="endpoint"))
        self.finish()
        if not remaining:
            self.plan.add(Write("DELETE", "endpoint", "delete %s" % self.where(), etag_of="endpoint"))
        else:
            self.plan.later.append("then, once its deployments are deleted: delete %s" % self.where())
        self.plan.after = {}
        return self.plan


def _split_text(entries, names):
    if not entries:
        return "[] (unrouted)"
    return "[%s]" % ", ".join("%s: %s" % (names.get(entry["deploymentId"], entry["deploymentId"]), entry["weight"])
                              for entry in entries)


def plan_v2(request, endpoint, full_deployments, resolve):
    """The writes of one pass for a v2 endpoint.

    endpoint: the normalized endpoint (together_endpoint_info's shape) or None when it does not exist.
    full_deployments: {deployment id: full EndpointDeployment} (etags and configs).
    resolve(DeploymentRequest) -> (model, config resource, hardware): what a new deployment is created with
    (it may read the API; it is only called for deployments to create).
    Raises PlanError when the request needs what its options do not allow (before any write).
    """
    return _V2Planner(request, endpoint, full_deployments, resolve).build()


def plan_v1(request, endpoint):
    """The one PATCH (or DELETE) for a v1 endpoint; endpoint as GET /v1/endpoints/{id} returns it, or None."""
    plan = Plan(v1_view(endpoint), None)
    where = "v1 endpoint '%s'" % request.endpoint_id
    if request.state == "absent":
        plan.after = {}
        if endpoint is not None:
            plan.add(Write("DELETE", "v1", "delete %s" % where))
        return plan
    if endpoint is None:
        raise PlanError("%s does not exist. %s" % (where, V1_CREATE_REFUSED))
    body = {}
    after = dict(plan.before)
    if request.display_name is not None and request.display_name != endpoint.get("display_name"):
        body["display_name"] = request.display_name
        after["display_name"] = request.display_name
    current = endpoint.get("autoscaling") or {}
    minimum = request.min_replicas if request.min_replicas is not None else current.get("min_replicas")
    maximum = request.max_replicas if request.max_replicas is not None else current.get("max_replicas")
    if (minimum, maximum) != (current.get("min_replicas"), current.get("max_replicas")):
        body["autoscaling"] = {"min_replicas": minimum, "max_replicas": maximum}
        after.update(min_replicas=minimum, max_replicas=maximum)
    state = endpoint.get("state")
    if request.state == "stopped" and state in V1_RUNNING_STATES:
        body["state"] = "STOPPED"
        after["state"] = "STOPPED"
    elif request.state == "started" and state not in V1_RUNNING_STATES:
        # Known in advance, so check mode says it too: Together answers a v1 start with HTTP 403.
        raise PlanError("%s is %s, and Together no longer starts v1 endpoints (the API answers HTTP 403 %s); nothing "
                        "was sent. Run the model on a v2 endpoint instead: leave out api_version (or set it to v2) and "
                        "give name, model and config or hardware" % (where, state, "endpoints_v1_create_access_disabled"))
    if body:
        plan.add(Write("PATCH", "v1", "update %s: %s" % (where, ", ".join(
            "%s -> %s" % (key, value) for key, value in sorted(body.items()))), body=body))
    plan.after = after
    return plan
