"""The control API under /_simulator/: no auth, loopback clients only.

Tests and demos use it to swap scenarios, inject faults, read the request log and force states.
"""

from .errors import ApiError, bad_request
from .faults import normalize_fault
from .routing import Response, Router
from .scenario import V1_STATES, ScenarioError, v2_state_name
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
    router.add("POST", "_simulator/shutdown", shutdown)
    return router
