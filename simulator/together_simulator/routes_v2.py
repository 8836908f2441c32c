"""The v2 ("dedicated model inference") routes, whoami and the instance-type catalog.

Paths are rooted at the host (`/v2/...`, `/v3/whoami`), not under the v1 base URL.
"""

import base64
import binascii

from .catalog import stable_suffix
from .errors import ApiError, bad_request
from .filters import compile_filter
from .routing import Response
from .serving import request_cause

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def _key_id(sim):
    # Derived from a hash so the key itself never appears in a response.
    return "key_" + stable_suffix("api-key:" + sim.api_key, 16)


def whoami_v3(sim, request):
    with sim.lock:
        store = sim.v2
        body = {"type": store.whoami_type, "api_key": {"id": _key_id(sim)}, "organization": dict(store.organization)}
        if store.whoami_type == "project_api_key":
            body["project"] = dict(store.project)
    return Response(200, body)


def whoami_v1(sim, request):
    with sim.lock:
        store = sim.v2
        body = {"api_key_id": _key_id(sim), "organization_id": store.organization["id"], "organization_name": store.organization["name"]}
        if store.whoami_type == "project_api_key":
            body.update(project_id=store.project["id"], project_name=store.project["name"], project_slug=store.project["slug"])
    return Response(200, body)


def _encode_cursor(offset):
    return base64.urlsafe_b64encode(("offset:%d" % offset).encode("ascii")).decode("ascii").rstrip("=")


def first_page_cursor():
    """A valid cursor that leads back to the first page (the repeated_cursor fault answers it)."""
    return _encode_cursor(0)


def _decode_cursor(cursor):
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        prefix, _sep, number = text.partition(":")
        if prefix != "offset" or not number.isdigit():
            raise ValueError(text)
        return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise bad_request("invalid cursor %r: pass the next_cursor of a previous page unchanged" % cursor, param="after")


def _page(sim, request, items):
    """One page of `items`: `limit` (default 50, at most 500), `after` cursor, `next_cursor` while more remain."""
    limit_text = request.query_value("limit")
    limit = DEFAULT_LIMIT
    if limit_text not in (None, ""):
        if not limit_text.isdigit():
            raise bad_request("limit must be a non-negative integer, got %r" % limit_text, param="limit")
        limit = min(int(limit_text), MAX_LIMIT) or DEFAULT_LIMIT  # 0 means "the default", as in protobuf
    after = request.query_value("after")
    offset = _decode_cursor(after) if after else 0
    body = {"data": items[offset:offset + limit]}
    if offset + limit < len(items):
        body["next_cursor"] = _encode_cursor(offset + limit)
    elif sim.v2_last_page_cursor == "empty":
        body["next_cursor"] = ""
    return body


def _ordered(request, items):
    """Apply `orderBy` ("created_at" or "updated_at", optionally "asc"/"desc"); default: oldest first."""
    order_by = request.query_value("orderBy") or "created_at"
    words = order_by.replace(",", " ").split()
    fields = {"created_at": "createdAt", "createdAt": "createdAt", "updated_at": "updatedAt", "updatedAt": "updatedAt"}
    if not words or words[0] not in fields or len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
        raise bad_request("orderBy must be created_at or updated_at, optionally followed by asc or desc; got %r" % order_by, param="orderBy")
    descending = len(words) == 2 and words[1].lower() == "desc"
    return sorted(items, key=lambda item: str(item.get(fields[words[0]], "")), reverse=descending)


def _name_candidates(body):
    name = body.get("name", "")
    return [name, name.rsplit("/", 1)[-1]]


ENDPOINT_FILTER_FIELDS = {
    "name": _name_candidates,
    "created_at": lambda body: [body.get("createdAt", "")],
    "updated_at": lambda body: [body.get("updatedAt", "")],
}
DEPLOYMENT_FILTER_FIELDS = dict(
    ENDPOINT_FILTER_FIELDS,
    state=lambda body: [body.get("status", {}).get("state", "")],
    model=lambda body: [body.get("model", ""), body.get("model", "").split("/revisions/")[0]],
)


def _validate_only(request):
    value = request.query_value("validateOnly")
    if value is None:
        return False
    if value.lower() not in ("true", "false"):
        raise bad_request("validateOnly must be true or false", param="validateOnly")
    return value.lower() == "true"


def _write(sim, request, write):
    """Run a v2 write at one instant, with the outage monitor observing just before and just after it, so whatever
    the write changes is put down to this request (and whatever timeline events did before it, to the timeline)."""
    with sim.lock:
        now = sim.now()
        sim.observe_serving(now)
        try:
            return write(now)
        finally:
            sim.observe_serving(now, request_cause(request))


def list_endpoints(sim, request, projectId):
    predicate = compile_filter(request.query_value("filter"), ENDPOINT_FILTER_FIELDS)
    with sim.lock:
        sim.v2.check_project(projectId)
        now = sim.now()
        items = [sim.v2.render_endpoint(endpoint, now) for endpoint in sim.v2.endpoints.values()]
    return Response(200, _page(sim, request, _ordered(request, [item for item in items if predicate(item)])))


def create_endpoint(sim, request, projectId):
    def write(now):
        sim.v2.check_project(projectId)
        endpoint = sim.v2.create_endpoint(projectId, request.json(), _validate_only(request))
        return Response(200, sim.v2.render_endpoint(endpoint, now))
    return _write(sim, request, write)


def get_endpoint(sim, request, projectId, endpointId):
    with sim.lock:
        return Response(200, sim.v2.render_endpoint(sim.v2.get_endpoint(projectId, endpointId), sim.now()))


def update_endpoint(sim, request, projectId, endpointId):
    def write(now):
        sim.v2.get_endpoint(projectId, endpointId)
        endpoint = sim.v2.update_endpoint(projectId, endpointId, request.json(), request.query_value("updateMask"))
        return Response(200, sim.v2.render_endpoint(endpoint, now))
    return _write(sim, request, write)


def delete_endpoint(sim, request, projectId, endpointId):
    _write(sim, request, lambda now: sim.v2.delete_endpoint(projectId, endpointId, request.query_value("etag")))
    return Response(200, {})


def list_deployments(sim, request, projectId, endpointId):
    predicate = compile_filter(request.query_value("filter"), DEPLOYMENT_FILTER_FIELDS)
    with sim.lock:
        endpoint = sim.v2.get_endpoint(projectId, endpointId)
        now = sim.now()
        items = [sim.v2.render_deployment(deployment, now) for deployment in endpoint.deployments.values()]
    return Response(200, _page(sim, request, _ordered(request, [item for item in items if predicate(item)])))


def create_deployment(sim, request, projectId, endpointId):
    validate_only = _validate_only(request)

    def write(now):
        sim.v2.get_endpoint(projectId, endpointId)
        deployment = sim.v2.create_deployment(now, projectId, endpointId, request.json(), validate_only)
        return Response(200, sim.v2.render_deployment(deployment, now))
    return _write(sim, request, write)


def get_deployment(sim, request, projectId, endpointId, deploymentId):
    with sim.lock:
        return Response(200, sim.v2.render_deployment(sim.v2.get_deployment(projectId, endpointId, deploymentId), sim.now()))


def update_deployment(sim, request, projectId, endpointId, deploymentId):
    def write(now):
        sim.v2.get_deployment(projectId, endpointId, deploymentId)
        deployment = sim.v2.update_deployment(now, projectId, endpointId, deploymentId, request.json(), request.query_value("updateMask"))
        return Response(200, sim.v2.render_deployment(deployment, now))
    return _write(sim, request, write)


def delete_deployment(sim, request, projectId, endpointId, deploymentId):
    _write(sim, request, lambda now: sim.v2.delete_deployment(now, projectId, endpointId, deploymentId, request.query_value("etag")))
    return Response(200, {})


def list_nothing_for_endpoint(sim, request, projectId, endpointId, deploymentId=None):
    """A/B experiments, shadow experiments and adapters are not simulated: always an empty page (the 3.1.1 CLI reads them)."""
    with sim.lock:
        if deploymentId is None:
            sim.v2.get_endpoint(projectId, endpointId)
        else:
            sim.v2.get_deployment(projectId, endpointId, deploymentId)
    return Response(200, _page(sim, request, []))


def list_instance_types(sim, request):
    # "next_cursor ... Always null today because this catalog is returned in full" (3.1.1 SDK).
    with sim.lock:
        items = sim.v2.render_instance_types(sim.now())
    return Response(200, {"data": items, "object": "list", "next_cursor": None})


def get_instance_type(sim, request, instanceTypeId):
    with sim.lock:
        items = sim.v2.render_instance_types(sim.now())
    for item in items:
        if instanceTypeId in (item["id"], item["name"]):
            return Response(200, item)
    raise ApiError(404, "inference instance type %r not found" % instanceTypeId, code="not_found")


def list_configs(sim, request, projectId):
    """The configs of one model: `referenceModel` (a resource name projects/{p}/models/{ml}, no revision) or
    `referenceModelId` (a bare ml_ id); anything else is 400 invalid_argument, an unknown model an empty page."""
    with sim.lock:
        sim.v2.check_project(projectId)
        items = sim.v2.list_configs(request.query_value("referenceModel") or None, request.query_value("referenceModelId") or None)
    return Response(200, _page(sim, request, items))


def get_config(sim, request, projectId, configId):
    with sim.lock:
        sim.v2.check_project(projectId)
        return Response(200, sim.v2.get_config(configId))


def list_supported_models(sim, request):
    """The curated catalog the 3.1.1 CLI searches to turn a public model name into its base model and configs."""
    with sim.lock:
        items = sim.v2.supported_models(request.query_value("search"))
    return Response(200, _page(sim, request, items))


def get_supported_model(sim, request, modelId):
    with sim.lock:
        return Response(200, sim.v2.supported_model(modelId))


def list_models(sim, request, projectId):
    """The project's own models (the Model type, paged like every v2 list), as the 3.1.1 CLI lists them to find
    `<project-slug>/<name>`; `visibility` narrows them."""
    with sim.lock:
        items = sim.v2.list_models(projectId, request.query_value("visibility"))
    return Response(200, _page(sim, request, items))


def get_model(sim, request, projectId, modelId):
    """A model by id, with its readable `name`: what turns a deployment's resource path into a name people know."""
    with sim.lock:
        return Response(200, sim.v2.get_model(projectId, modelId))


def list_projects(sim, request):
    with sim.lock:
        project, organization = sim.v2.project, sim.v2.organization
        item = {"id": project["id"], "name": project["name"], "organization_id": organization["id"],
                "organization_name": organization["name"], "slug": project["slug"]}
        return Response(200, _page(sim, request, [item]))


def register(router):
    router.add("GET", "v3/whoami", whoami_v3)
    router.add("GET", "v1/whoami", whoami_v1)
    router.add("GET", "v1/projects", list_projects)
    router.add("GET", "v2/public/inference-instance-types", list_instance_types)
    router.add("GET", "v2/public/inference-instance-types/{instanceTypeId}", get_instance_type)
    router.add("GET", "v2/projects/{projectId}/configs", list_configs)
    router.add("GET", "v2/projects/{projectId}/configs/{configId}", get_config)
    router.add("GET", "v2/projects/{projectId}/models", list_models)
    router.add("GET", "v2/projects/{projectId}/models/{modelId}", get_model)
    router.add("GET", "v2/supported-models", list_supported_models)
    router.add("GET", "v2/supported-models/{modelId}", get_supported_model)
    base = "v2/projects/{projectId}/endpoints"
    router.add("GET", base, list_endpoints)
    router.add("POST", base, create_endpoint)
    router.add("GET", base + "/{endpointId}", get_endpoint)
    router.add("PATCH", base + "/{endpointId}", update_endpoint)
    router.add("DELETE", base + "/{endpointId}", delete_endpoint)
    router.add("GET", base + "/{endpointId}/deployments", list_deployments)
    router.add("POST", base + "/{endpointId}/deployments", create_deployment)
    router.add("GET", base + "/{endpointId}/deployments/{deploymentId}", get_deployment)
    router.add("PATCH", base + "/{endpointId}/deployments/{deploymentId}", update_deployment)
    router.add("DELETE", base + "/{endpointId}/deployments/{deploymentId}", delete_deployment)
    router.add("GET", base + "/{endpointId}/abExperiments", list_nothing_for_endpoint)
    router.add("GET", base + "/{endpointId}/shadowExperiments", list_nothing_for_endpoint)
    router.add("GET", base + "/{endpointId}/deployments/{deploymentId}/adapters", list_nothing_for_endpoint)
