"""The v1 routes of the public spec: /v1/endpoints, /v1/hardware, /v1/clusters/availability-zones."""

from .errors import bad_request
from .routing import Response


def _enum_query(request, name, choices):
    value = request.query_value(name)
    if value is not None and value not in choices:
        raise bad_request("Invalid value %r for query parameter %s; expected one of %s" % (value, name, ", ".join(choices)), param=name)
    return value


def _boolean_query(request, name):
    # The 1.x SDK sends Python's "True"/"False", the 2.x SDK "true"/"false".
    value = request.query_value(name)
    if value is None:
        return None
    if value.lower() not in ("true", "false"):
        raise bad_request("Invalid value %r for query parameter %s; expected true or false" % (value, name), param=name)
    return value.lower() == "true"


def list_endpoints(sim, request):
    endpoint_type = _enum_query(request, "type", ("dedicated", "serverless"))
    usage_type = _enum_query(request, "usage_type", ("on-demand", "reserved"))
    mine = _boolean_query(request, "mine")
    with sim.lock:
        data = sim.v1.list_endpoints(sim.now(), endpoint_type, usage_type, mine)
    return Response(200, {"object": "list", "data": data})


def create_endpoint(sim, request):
    body = request.json()
    with sim.lock:
        now = sim.now()
        endpoint = sim.v1.create(now, body)
        return Response(200, sim.v1.render(endpoint, now))


def get_endpoint(sim, request, endpointId):
    with sim.lock:
        return Response(200, sim.v1.render(sim.v1.get(endpointId), sim.now()))


def update_endpoint(sim, request, endpointId):
    with sim.lock:
        sim.v1.get(endpointId)  # an unknown id is a 404 even when the body is bad
        now = sim.now()
        endpoint = sim.v1.update(now, endpointId, request.json())
        return Response(200, sim.v1.render(endpoint, now))


def delete_endpoint(sim, request, endpointId):
    with sim.lock:
        sim.v1.delete(endpointId)
    return Response(204)


def list_hardware(sim, request):
    model = request.query_value("model")
    with sim.lock:
        data = sim.v1.list_hardware(model or None)
    return Response(200, {"object": "list", "data": data})


def availability_zones(sim, request):
    with sim.lock:
        return Response(200, {"avzones": list(sim.v1.availability_zones)})


def register(router):
    router.add("GET", "v1/endpoints", list_endpoints)
    router.add("POST", "v1/endpoints", create_endpoint)
    router.add("GET", "v1/endpoints/{endpointId}", get_endpoint)
    router.add("PATCH", "v1/endpoints/{endpointId}", update_endpoint)
    router.add("DELETE", "v1/endpoints/{endpointId}", delete_endpoint)
    router.add("GET", "v1/hardware", list_hardware)
    router.add("GET", "v1/clusters/availability-zones", availability_zones)
