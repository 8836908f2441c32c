"""The control API under /_simulator/: no auth, loopback clients only.

Tests and demos use it to swap scenarios, inject faults, read the request log and force states.
"""

from .errors import ApiError, bad_request, not_found
from .faults import normalize_fault
from .routing import Response, Router
from .scenario import V1_STATES, ScenarioError, error_rate, error_status, v2_state_name
from .serving import control_cause


def health(sim, request):
    with sim.lock:
        return Response(200, {"status": "ok", "uptime_seconds": round(sim.now() - sim.started, 3),
                              "scenario_seconds": round(sim.now() - sim.loaded_at, 3),
                              "v1_endpoints": len(sim.v1.endpoints), "v2_endpoints": len(sim.v2.endpoints),
                              "v1_retired": sim.v1_retired, "auth_error_status": sim.auth_error_status,
                              "v2_error_format": sim.v2_error_format, "time_scale": sim.time_scale})


def load_scenario(sim, request):
    try:
        sim.load_mapping(request.json())
    except ScenarioError as exc:
        raise bad_request("invalid scenario: %s" % exc, code="invalid_scenario")
    return health(sim, request)


def _faults_body(sim):
    return {"faults": sim.faults.snapshot()}


def list_faults(sim, request):
    return Response(200, _faults_body(sim))


def add_faults(sim, request):
    items = request.json().get("faults")
    if not isinstance(items, list):
        raise bad_request('body must be {"faults": [...]}', param="faults")
    faults = []
    for index, item in enumerate(items):
        try:
            faults.append(normalize_fault(item))
        except ValueError as exc:
            raise bad_request("faults[%d]: %s" % (index, exc), param="faults[%d]" % index)
    sim.faults.extend(faults)
    return Response(200, _faults_body(sim))


def clear_faults(sim, request):
    sim.faults.clear()
    return Response(200, _faults_body(sim))


def list_requests(sim, request):
    return Response(200, {"requests": sim.requests()})


def clear_requests(sim, request):
    return Response(200, {"cleared": sim.clear_requests()})


def _then(body, parse_state):
    """Optional follow-up states: "then": [{"after": seconds, "state": ...}], delays relative to the previous step."""
    steps = []
    for index, item in enumerate(body.get("then") or []):
        if not isinstance(item, dict) or not isinstance(item.get("after"), (int, float)) or item["after"] < 0:
            raise bad_request("then[%d] must be {\"after\": seconds, \"state\": ...}" % index, param="then")
        steps.append((float(item["after"]), parse_state(item.get("state"))))
    return steps


def _v1_state(value):
    if value not in V1_STATES:
        raise bad_request("state must be one of %s" % ", ".join(V1_STATES), param="state")
    return value


def _v2_state(value):
    try:
        return v2_state_name("state", value)
    except ScenarioError as exc:
        raise bad_request(str(exc), param="state")


def force_endpoint_state(sim, request, endpointId):
    body = request.json()
    with sim.lock:
        now = sim.now()
        sim.observe_serving(now)  # v1 endpoints have no outages; observed anyway, as every forced state is
        endpoint = sim.v1.force_state(now, endpointId, _v1_state(body.get("state")), _then(body, _v1_state))
        sim.observe_serving(now, control_cause(request, endpoint_id=endpointId, state=endpoint.timeline.state(now)))
        return Response(200, sim.v1.render(endpoint, now))


def force_deployment_state(sim, request, deploymentId):
    body = request.json()
    ready_replicas = body.get("ready_replicas")
    if ready_replicas is not None and (isinstance(ready_replicas, bool) or not isinstance(ready_replicas, int) or ready_replicas < 0):
        raise bad_request("ready_replicas must be a non-negative integer", param="ready_replicas")
    with sim.lock:
        now = sim.now()
        sim.observe_serving(now)
        deployment = sim.v2.force_state(now, deploymentId, _v2_state(body.get("state")), body.get("message"), ready_replicas,
                                        _then(body, _v2_state))
        sim.observe_serving(now, control_cause(request, deployment_id=deploymentId, state=deployment.timeline.state(now)))
        return Response(200, sim.v2.render_deployment(deployment, now))


INFERENCE_SETTINGS = {"latency": "inference_latency", "error_rate": "inference_error_rate",
                      "error_status": "inference_error_status", "answer": "inference_answer"}


def _latency(where, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ScenarioError("%s must be a number of seconds >= 0" % where)
    return float(value)


def _answer_text(where, value):
    if not isinstance(value, str) or not value:
        raise ScenarioError("%s must be a non-empty string" % where)
    return value


INFERENCE_CHECKS = {"latency": _latency, "error_rate": error_rate, "error_status": error_status, "answer": _answer_text}


def _inference_body(sim, resource, kind, name):
    defaults = sim.scenario["inference"]
    body = {"id": resource.id, "kind": kind, "name": name}
    for key, attribute in INFERENCE_SETTINGS.items():
        body[key] = getattr(resource, attribute)  # null: the scenario-wide value applies
        body["effective_" + key] = getattr(resource, attribute) if getattr(resource, attribute) is not None else defaults[attribute]
    return body


def _inference_target(sim, kind, resource_id):
    if kind == "deployment":
        deployment = sim.v2.find_deployment(resource_id)
        return deployment, sim.v2.qualified(deployment.endpoint.name, deployment.name)
    endpoint = sim.v1.endpoints.get(resource_id)
    if endpoint is None:
        if resource_id in sim.v2.endpoints:
            raise bad_request("%s is a v2 endpoint: script its deployments (POST /_simulator/deployments/{deploymentId}/inference)"
                              % resource_id, param="endpointId")
        raise not_found("v1 endpoint %r not found" % resource_id, code="endpoint_not_found")
    return endpoint, endpoint.name


def _set_inference(sim, request, kind, resource_id):
    """Change a resource's scripted inference behaviour from now on; keys left out stay, null returns to the scenario's."""
    body = request.json()
    unknown = sorted(set(body) - set(INFERENCE_SETTINGS))
    if unknown:
        raise bad_request("unknown key(s) %s; allowed: %s" % (", ".join(unknown), ", ".join(INFERENCE_SETTINGS)), param=unknown[0])
    changes = {}
    for key, value in body.items():
        try:
            changes[INFERENCE_SETTINGS[key]] = None if value is None else INFERENCE_CHECKS[key](key, value)
        except ScenarioError as exc:
            raise bad_request(str(exc), param=key)
    with sim.lock:
        resource, name = _inference_target(sim, kind, resource_id)
        for attribute, value in changes.items():
            setattr(resource, attribute, value)
        if "inference_error_rate" in changes:
            resource.error_credit = 0.0  # a new rate counts from the next request
        return Response(200, _inference_body(sim, resource, kind, name))


def _get_inference(sim, kind, resource_id):
    with sim.lock:
        resource, name = _inference_target(sim, kind, resource_id)
        return Response(200, _inference_body(sim, resource, kind, name))


def set_deployment_inference(sim, request, deploymentId):
    return _set_inference(sim, request, "deployment", deploymentId)


def get_deployment_inference(sim, request, deploymentId):
    return _get_inference(sim, "deployment", deploymentId)


def set_endpoint_inference(sim, request, endpointId):
    return _set_inference(sim, request, "v1_endpoint", endpointId)


def get_endpoint_inference(sim, request, endpointId):
    return _get_inference(sim, "v1_endpoint", endpointId)


def list_splits(sim, request, endpointId):
    """Every change of a v2 endpoint's traffic split since the scenario was loaded, oldest first."""
    with sim.lock:
        sim.observe_serving()
        record = sim.v2.splits.find(endpointId)
        if record is None:
            raise not_found("v2 endpoint %r not found (by id or name) in this scenario's split log" % endpointId,
                            code="endpoint_not_found")
        return Response(200, {"endpoint_id": record["endpoint_id"], "endpoint_name": record["endpoint_name"],
                              "splits": [dict(entry, traffic_split=[dict(item) for item in entry["traffic_split"]],
                                              cause=dict(entry["cause"])) for entry in record["splits"]]})


def list_outages(sim, request):
    return Response(200, sim.outages())


def clear_outages(sim, request):
    return Response(200, {"cleared": sim.clear_outages()})


def shutdown(sim, request):
    if sim.on_shutdown is None:
        raise ApiError(409, "this simulator was not started with a shutdown hook")
    # Stop only after answering: the process may exit as soon as the server loop ends.
    return Response(200, {"status": "shutting down"}, after_send=sim.on_shutdown)


def build_router():
    router = Router()
    router.add("GET", "_simulator/health", health)
    router.add("POST", "_simulator/scenario", load_scenario)
    router.add("GET", "_simulator/faults", list_faults)
    router.add("POST", "_simulator/faults", add_faults)
    router.add("DELETE", "_simulator/faults", clear_faults)
    router.add("GET", "_simulator/requests", list_requests)
    router.add("DELETE", "_simulator/requests", clear_requests)
    router.add("GET", "_simulator/outages", list_outages)
    router.add("DELETE", "_simulator/outages", clear_outages)
    router.add("POST", "_simulator/endpoints/{endpointId}/state", force_endpoint_state)
    router.add("POST", "_simulator/deployments/{deploymentId}/state", force_deployment_state)
    router.add("GET", "_simulator/deployments/{deploymentId}/inference", get_deployment_inference)
    router.add("POST", "_simulator/deployments/{deploymentId}/inference", set_deployment_inference)
    router.add("GET", "_simulator/endpoints/{endpointId}/inference", get_endpoint_inference)
    router.add("POST", "_simulator/endpoints/{endpointId}/inference", set_endpoint_inference)
    router.add("GET", "_simulator/endpoints/{endpointId}/splits", list_splits)
    router.add("POST", "_simulator/shutdown", shutdown)
    return router
