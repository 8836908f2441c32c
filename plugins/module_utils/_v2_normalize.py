# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""How a v2 endpoint (project-scoped, with deployments) reads in the v1 vocabulary.

v2 has no endpoint state, model, hardware or replica bounds: those live on each deployment, and
a READY deployment serves nothing until the endpoint's trafficSplit gives it weight. The flat v1
fields are taken from one deployment, the primary, chosen by one rule:

1. Only live deployments count (trafficMode TRAFFIC_MODE_LIVE, or no trafficMode).
2. The primary is the live deployment with the largest weight x max(readyReplicas, 1) in the
   trafficSplit; ties go to the newest createdAt.
3. With no routed live deployment (no weight anywhere), the newest live deployment.
4. With no live deployment at all, none: state STOPPED, no model, hardware or bounds.

Its state maps to the v1 states as STATE_MAP and _v1_state say. Missing counts are 0, as
protobuf-JSON omits zero values.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.together.ai.plugins.module_utils._json_checks import (
    json_kind,
    schema_problems,
    timestamp,
)
from ansible_collections.together.ai.plugins.module_utils._readiness import (
    TRAFFIC_MODE_LIVE,
    routed_live,
    serves,
    short_state,
)

ENDPOINT_TYPE_PREFIX = "ENDPOINT_TYPE_"

# v2 deployment state (without its prefix) -> v1 endpoint state; SCALING and DEGRADED depend on ready replicas.
STATE_MAP = {
    "PROVISIONING": "PENDING",
    "READY": "STARTED",
    "STOPPING": "STOPPING",
    "STOPPED": "STOPPED",
    "FAILED": "ERROR",
}
KNOWN_STATES = ("PROVISIONING", "SCALING", "READY", "DEGRADED", "STOPPING", "STOPPED", "FAILED")


def _count(value):
    """A replica count or weight as a number; absent (protobuf-JSON zero) or malformed reads as 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0
    return value


def _v1_state(state, ready_replicas):
    if state in ("SCALING", "DEGRADED"):
        return "STARTED" if ready_replicas > 0 else "STARTING"
    return STATE_MAP.get(state, state)


def _deployment_state(deployment):
    """The state of a summary (flat `state`) or of a full deployment (`status.state`)."""
    if deployment.get("state"):
        return deployment["state"]
    status = deployment.get("status")
    return status.get("state") if isinstance(status, dict) else None


def _ready_replicas(deployment):
    if "readyReplicas" in deployment:
        return _count(deployment.get("readyReplicas"))
    status = deployment.get("status")
    return _count(status.get("readyReplicas")) if isinstance(status, dict) else 0


def normalize_deployment(deployment, weights, full=None):
    """One deployment in snake_case, with its raw and its v1 state, bounds, counts and traffic."""
    merged = dict(deployment)
    if full:
        merged.update(full)
    autoscaling = merged.get("autoscaling") if isinstance(merged.get("autoscaling"), dict) else {}
    raw_state = _deployment_state(merged) or _deployment_state(deployment)
    ready = _ready_replicas(merged)
    status = merged.get("status") if isinstance(merged.get("status"), dict) else {}
    min_replicas = _count(autoscaling.get("minReplicas"))
    return dict(
        id=merged.get("id"),
        name=merged.get("name"),
        state=raw_state,
        normalized_state=_v1_state(short_state(raw_state), ready),
        model=merged.get("model"),
        hardware=merged.get("hardware") or None,
        min_replicas=min_replicas,
        # The API defaults maxReplicas to minReplicas, so an absent max means the min.
        max_replicas=_count(autoscaling["maxReplicas"]) if "maxReplicas" in autoscaling else min_replicas,
        desired_replicas=_count(merged.get("desiredReplicas")),
        ready_replicas=ready,
        scheduled_replicas=_count(status.get("scheduledReplicas")) if "scheduledReplicas" in status else None,
        traffic_weight=weights.get(merged.get("id"), 0),
        traffic_mode=merged.get("trafficMode") or TRAFFIC_MODE_LIVE,
        traffic_share=merged.get("estimatedEffectiveTrafficShare", 0) or 0,
        status_message=status.get("message"),
        created_at=merged.get("createdAt"),
        model_name=None,
    )


# What each field of a v2 object must be (reference §5); absent or null is fine unless required.
TRAFFIC_SPLIT_ENTRY = {"deploymentId": "string", "weight": "number"}
DEPLOYMENT_SCHEMA = {
    "id": "string", "name": "string", "state": "string", "model": "string", "modelId": "string",
    "hardware": "string", "trafficMode": "string", "createdAt": "time", "updatedAt": "time",
    "desiredReplicas": "count", "readyReplicas": "count", "estimatedEffectiveTrafficShare": "number",
    "autoscaling": {"minReplicas": "count", "maxReplicas": "count"},
    "status": {"state": "string", "readyReplicas": "count", "scheduledReplicas": "count", "message": "string"},
}
ENDPOINT_SCHEMA = {
    "id": "string", "name": "string", "projectId": "string", "endpointType": "string", "createdAt": "time",
    "updatedAt": "time", "etag": "string", "visibility": "string",
    "deployments": [DEPLOYMENT_SCHEMA], "trafficSplit": [TRAFFIC_SPLIT_ENTRY],
}


def endpoint_problems(body):
    """What keeps a decoded body from being a v2 Endpoint (empty when it is one)."""
    if not isinstance(body, dict):
        return ["the response is %s, not an object" % ("empty (or JSON null)" if body is None else json_kind(body))]
    problems = ["missing required field %s" % field for field in ("id", "name") if body.get(field) is None]
    return problems + schema_problems(body, ENDPOINT_SCHEMA)


def _primary(deployments):
    live = [deployment for deployment in deployments if deployment["traffic_mode"] == TRAFFIC_MODE_LIVE]
    if not live:
        return None
    routed = [deployment for deployment in live if deployment["traffic_weight"] > 0]
    candidates = routed or live
    return max(candidates, key=lambda deployment: (
        deployment["traffic_weight"] * max(deployment["ready_replicas"], 1) if routed else 0,
        timestamp(deployment["created_at"]),
    ))


def select_deployment(deployments, selector):
    """The deployment named or identified by selector, or None."""
    for deployment in deployments:
        name = deployment.get("name") or ""
        if selector in (deployment.get("id"), name) or name.rsplit("/", 1)[-1] == selector:
            return deployment
    return None


def model_resource(model):
    """(project, model id) of a deployment's model path projects/{p}/models/{ml}[/revisions/{rv}], or None."""
    match = re.match(r"^projects/([^/]+)/models/([^/]+)(?:/revisions/[^/]+)?$", model or "")
    return match.groups() if match else None


def add_model_names(endpoint, names):
    """Fill model_name on each deployment and on the endpoint from names {model path: readable name or None}."""
    for item in endpoint["deployments"]:
        item["model_name"] = names.get(item["model"])
    endpoint["model_name"] = names.get(endpoint["model"])  # the flat model is the primary's (or the chosen one's)
    return endpoint


def normalize_endpoint(raw, project_id, full_deployments=None, deployment=None):
    """The v1-vocabulary view of a v2 Endpoint, plus its v2 facts and the raw object.

    full_deployments: {deployment id: full EndpointDeployment} when they were read (include_deployments).
    deployment: a deployment id or name that feeds the flat fields instead of the primary.
    Returns (endpoint, warnings).
    """
    warnings = []
    full_deployments = full_deployments or {}
    weights = {}
    traffic_split = []
    for entry in raw.get("trafficSplit") or []:
        if isinstance(entry, dict):
            weight = _count(entry.get("weight"))
            weights[entry.get("deploymentId")] = weight
            traffic_split.append(dict(deployment_id=entry.get("deploymentId"), weight=weight))
    summaries = [item for item in raw.get("deployments") or [] if isinstance(item, dict)]
    known = set(item.get("id") for item in summaries)
    # Full reads cover deployments beyond the 10 newest summaries an endpoint embeds.
    summaries += [item for key, item in sorted(full_deployments.items(), key=lambda pair: str(pair[0])) if key not in known]
    deployments = [normalize_deployment(item, weights, full_deployments.get(item.get("id"))) for item in summaries]
    endpoint_id = raw.get("id")

    for item in deployments:
        if short_state(item["state"]) not in KNOWN_STATES:
            warnings.append("endpoint '%s': deployment '%s' reports state %r, which this collection does not know; "
                            "it is returned unchanged" % (endpoint_id, item["id"], item["state"]))
    if deployment:
        chosen = select_deployment(deployments, deployment)
        if chosen is None:
            warnings.append("endpoint '%s' has no deployment %r; the flat fields describe none"
                            % (endpoint_id, deployment))
    else:
        chosen = _primary(deployments)
    routed = routed_live(deployments)
    if chosen is not None and short_state(chosen["state"]) == "DEGRADED":
        warnings.append("endpoint '%s': deployment '%s' is DEGRADED%s" % (
            endpoint_id, chosen["name"] or chosen["id"],
            (": %s" % chosen["status_message"]) if chosen["status_message"] else ""))

    name = raw.get("name") or ""
    endpoint_type = raw.get("endpointType") or ""
    endpoint = dict(
        api_version="v2",
        id=endpoint_id,
        name=raw.get("name"),
        display_name=name.rsplit("/", 1)[-1] if name else None,
        model=chosen["model"] if chosen else None,
        model_name=None,
        hardware=chosen["hardware"] if chosen else None,
        type=(endpoint_type[len(ENDPOINT_TYPE_PREFIX):] if endpoint_type.startswith(ENDPOINT_TYPE_PREFIX)
              else endpoint_type).lower() or None,
        owner=raw.get("projectId") or project_id,
        state=chosen["normalized_state"] if chosen else "STOPPED",
        autoscaling=dict(min_replicas=chosen["min_replicas"] if chosen else 0,
                         max_replicas=chosen["max_replicas"] if chosen else 0),
        created_at=raw.get("createdAt"),
        project_id=raw.get("projectId") or project_id,
        updated_at=raw.get("updatedAt"),
        etag=raw.get("etag"),
        visibility=raw.get("visibility"),
        serving=serves(deployments),
        traffic_split=traffic_split,
        deployments=deployments,
        primary_deployment_id=chosen["id"] if chosen else None,
        deployment_state=chosen["state"] if chosen else None,
        total_min_replicas=sum(item["min_replicas"] for item in routed),
        total_max_replicas=sum(item["max_replicas"] for item in routed),
        raw=raw,
    )
    return endpoint, warnings
