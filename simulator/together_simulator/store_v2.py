"""v2 ("dedicated model inference") endpoints and deployments: records, rules and lifecycle.

An endpoint has no state of its own; each deployment has one:
start (bounds raised above 0): PROVISIONING -> SCALING -> READY
stop (bounds set to 0/0):      STOPPING -> STOPPED
scale (a new minimum while READY or DEGRADED): SCALING -> READY, the replicas that run serving throughout
DEGRADED, FAILED and unknown states come only from scenarios or the control API.
"""

import math
import re
import secrets

from .catalog import (DEFAULT_V2_HARDWARE, PLATFORM_PROJECT_ID, PUBLIC_MODEL_NAMES, V2_INSTANCE_TYPES, model_ids, new_suffix, public_model_id,
                      stable_suffix, v2_config, v2_config_id, v2_instance_type, v2_model, v2_model_resource, v2_supported_model)
from .errors import ApiError, bad_request, conflict
from .scenario import customize, normalize_fault_list, take_from_spec, take_settings
from .timeline import ServingUnit, Timeline, iso_timestamp

STATE_PREFIX = "DEPLOYMENT_STATE_"
STOPPED_STATES = (STATE_PREFIX + "STOPPING", STATE_PREFIX + "STOPPED", STATE_PREFIX + "FAILED")
DEFAULT_MESSAGES = {
    "PROVISIONING": "Scheduling replicas",
    "SCALING": "Starting replicas",
    "READY": "All replicas ready",
    "DEGRADED": "Cannot place replicas: insufficient GPU capacity",
    "STOPPING": "Scaling down",
    "STOPPED": "Deployment stopped",
    "FAILED": "Timed out waiting for readiness",
}
STALLED_MESSAGE = "Startup stalled: replicas did not become ready"
MODEL_PATH_PATTERN = re.compile(r"^projects/([^/]+)/models/([^/]+)(?:/revisions/([^/]+))?$")
MODEL_ID_PATTERN = re.compile(r"^ml_[A-Za-z0-9_-]+$")
CONFIG_PATH_PATTERN = re.compile(r"^projects/([^/]+)/configs/([^/]+)$")
NAME_PATTERN = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
# The 3.1.1 CLI names deployments f"{model}-{uuid[:8]}" with "/" replaced ("meta-llama-Llama-3.1-8B-Instruct-31b46032"),
# so the API takes capitals and dots there; endpoint names stay in the stricter, documented-looking form.
DEPLOYMENT_NAME_PATTERN = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]{0,126}[A-Za-z0-9])?$")
ENDPOINT_MASK_PATHS = ("name", "trafficSplit", "visibility")
DEPLOYMENT_MASK_PATHS = ("autoscaling", "inactiveTimeout", "maxConcurrentRequestsPerReplica", "name")


def new_etag():
    return secrets.token_hex(8)


def replica_counts(state, details, minimum):
    """(desiredReplicas, scheduledReplicas, readyReplicas) implied by a state, unless the event says otherwise."""
    short = state[len(STATE_PREFIX):] if state.startswith(STATE_PREFIX) else state
    desired, scheduled, ready = {
        "PROVISIONING": (minimum, 0, 0),
        "SCALING": (minimum, minimum, 0),
        "READY": (minimum, minimum, minimum),
        "DEGRADED": (minimum, max(minimum - 1, 0), max(minimum - 1, 0)),
        "STOPPING": (0, 0, 0),
        "STOPPED": (0, 0, 0),
        "FAILED": (minimum, 0, 0),
    }.get(short, (minimum, 0, 0))
    if details.get("ready_replicas") is not None:
        ready = details["ready_replicas"]
        scheduled = max(scheduled, ready)
    return desired, scheduled, ready


def status_message(state, details):
    if details.get("message"):
        return details["message"]
    return DEFAULT_MESSAGES.get(state[len(STATE_PREFIX):] if state.startswith(STATE_PREFIX) else state, "")


def _check_etag(resource, etag, what):
    if etag not in (None, "") and etag != resource.etag:
        raise conflict("etag mismatch for %s %s: it changed since it was read (current etag differs); re-read it and retry"
                       % (what, resource.id), code="etag_mismatch", grpc_code=10)


def _mask(request_mask, allowed):
    """The updateMask paths, or None when the request has no mask."""
    if request_mask is None:
        return None
    paths = [path.strip() for path in request_mask.split(",") if path.strip()]
    for path in paths:
        if path.split(".")[0] not in allowed:
            raise bad_request("updateMask: unknown field path %r; updatable: %s" % (path, ", ".join(allowed)), param="updateMask")
    return {path.split(".")[0] for path in paths}


class _V2Object:
    """What every v2 object carries: id, name, timestamps, an etag that changes with every write, and the
    scenario's extra or dropped fields (and its place in list order)."""

    def __init__(self, object_id, name, created_at):
        self.id = object_id
        self.name = name
        self.created_at = created_at
        self.updated_at = created_at
        self.etag = new_etag()
        self.fields = {}
        self.drop_fields = []
        self.sequence = 0

    def touch(self):
        self.updated_at = iso_timestamp()
        self.etag = new_etag()


class V2Deployment(_V2Object, ServingUnit):
    def __init__(self, deployment_id, name, endpoint, model, hardware, config, autoscaling, created_at, timeline):
        _V2Object.__init__(self, deployment_id, name, created_at)
        ServingUnit.__init__(self, model, hardware, autoscaling, timeline)
        self.endpoint = endpoint
        self.config = config
        self.traffic_mode = "TRAFFIC_MODE_LIVE"
        self.omit_zero_fields = False
        self.max_concurrent_requests_per_replica = None
        self.placement = None


class V2Endpoint(_V2Object):
    def __init__(self, endpoint_id, name, endpoint_type, visibility, created_at):
        super().__init__(endpoint_id, name, created_at)
        self.endpoint_type = endpoint_type
        self.visibility = visibility
        self.traffic_split = []
        self.deployments = {}


class V2Store:
    """All v2 state of one scenario, for a single project."""

    def __init__(self, scenario, timings):
        self.timings = timings
        take_settings(self, scenario, "project", "organization", "whoami_type")
        take_settings(self, scenario, "unknown_project_status", "delete_conflict_status", "capacity_mode", "fail_into",
                      "unrouted_error", prefix="v2_")
        # Replicas each instance type can still place (absent: unlimited); capacity_mode says what happens beyond them.
        self.capacity = dict(scenario["v2_capacity"])
        # The instance-type catalog, which configs fit which model, and the supported-models catalog: all scriptable.
        self.instance_types = {}
        for item in scenario["v2_instance_types"] or [{"name": name} for name in V2_INSTANCE_TYPES]:
            if len(item) == 1 and item["name"] not in V2_INSTANCE_TYPES:
                raise ValueError("v2_instance_types: %r is not a built-in instance type (%s); give a mapping with its gpu_type, "
                                 "gpu_count, gpu_memory_gib and price_cents_per_hour" % (item["name"], ", ".join(V2_INSTANCE_TYPES)))
            self.instance_types[item["name"]] = V2_INSTANCE_TYPES[item["name"]] if len(item) == 1 else (
                item["gpu_type"], item["gpu_count"], item["gpu_memory_gib"], item["price_cents_per_hour"])
        self.model_configs = dict(scenario["v2_model_configs"])
        named = [("v2_capacity", list(self.capacity))]
        named.extend(("v2_model_configs." + key, value) for key, value in self.model_configs.items())
        for where, names in named:
            unknown = sorted(set(names) - set(self.instance_types))
            if unknown:
                raise ValueError("%s: unknown instance type(s) %s; known: %s" % (where, ", ".join(unknown), ", ".join(self.instance_types)))
        self.supported_model_names = list(PUBLIC_MODEL_NAMES if scenario["v2_supported_models"] is None else scenario["v2_supported_models"])
        self.endpoints = {}
        self._sequence = 0
        self._served = {}  # endpoint id -> {deployment id: current weight}, smooth weighted round robin across the split
        self.faults = []
        self.monitor = None  # the ServingMonitor (serving.py) of this scenario, set once it is loaded
        self.splits = None  # the SplitLog (serving.py) of this scenario, set once it is loaded
        # (projectId, modelId) -> {name, base_model (path or ""), description, visibility}: the models that exist.
        # Public models live in the platform project; a project's own (private) models come from the scenario's `models`.
        self.models = {}
        for name in PUBLIC_MODEL_NAMES:
            self.register_public(name)
        for name in self.supported_model_names:
            self.register_public(name)
        for model in scenario.get("models", ()):
            base = model.get("base_model") or ""
            if base and not base.startswith("projects/"):
                base = self.register_public(base) if not base.startswith("ml_") else "projects/%s/models/%s" % (PLATFORM_PROJECT_ID, base)
            match = MODEL_PATH_PATTERN.match(base)
            if match and (match.group(1), match.group(2)) not in self.models:
                self.models[(match.group(1), match.group(2))] = {"name": match.group(2), "base_model": ""}
            self.models[(model["project"], model["id"])] = {
                "name": model["name"], "base_model": base, "description": model.get("description") or "",
                "visibility": model.get("visibility") or "VISIBILITY_PRIVATE"}

    def register_public(self, name):
        """Make a public model with this readable name exist (scenarios only); returns its path (no revision)."""
        model_id = public_model_id(name)
        self.models.setdefault((PLATFORM_PROJECT_ID, model_id), {"name": name, "base_model": ""})
        return "projects/%s/models/%s" % (PLATFORM_PROJECT_ID, model_id)

    def model_resource(self, model):
        """A scenario deployment's model as a pinned path; a readable name the scenario uses becomes a public model."""
        if not model.startswith("projects/") and not model.startswith("ml_") and self._private_by_name(model) is None:
            return self.pinned(PLATFORM_PROJECT_ID, self.register_public(model).rsplit("/", 1)[-1])
        if model.startswith("projects/"):
            match = MODEL_PATH_PATTERN.match(model)
            if match and (match.group(1), match.group(2)) in self.models:
                return self.pinned(match.group(1), match.group(2), match.group(3))
            return v2_model_resource(model)
        project_id, model_id, revision = self.resolve_model(model, self.project["id"])
        return self.pinned(project_id, model_id, revision)

    def _private_by_name(self, name):
        """(project, id) of a model of the caller's project named `<slug>/<name>` (or bare `<name>`), as the CLI finds it."""
        bare = name.rsplit("/", 1)[-1]
        if "/" in name and name.split("/", 1)[0] != self.project["slug"]:
            return None
        for (project_id, model_id), record in self.models.items():
            if project_id == self.project["id"] and record["name"] in (name, self.qualified(bare)):
                return project_id, model_id
        return None

    def resolve_model(self, model, project_id, param="model"):
        """(projectId, modelId, revision or None) of a model that exists, from a path, an ml_ id or a readable name.

        A path to no model is 404 model_not_found; a name (or id) no model has is 400 invalid_argument.
        """
        match = MODEL_PATH_PATTERN.match(model)
        if match:
            key = (match.group(1), match.group(2))
            if key not in self.models:
                raise ApiError(404, "model %r not found: no model %s exists in project %s (list the project's models with GET "
                               "/v2/projects/{projectId}/models, public ones with GET /v2/supported-models)"
                               % (model, key[1], key[0]), code="model_not_found", param=param)
            return key + (match.group(3),)
        if model.startswith("projects/"):
            raise bad_request("%s %r is not a model resource name: use projects/{projectId}/models/{modelId}[/revisions/{revisionId}]"
                              % (param, model), param=param, code="invalid_argument")
        if "/" not in model:
            for key in ((project_id, model), (PLATFORM_PROJECT_ID, model)):
                if key in self.models:
                    return key + (None,)
        else:
            private = self._private_by_name(model)
            if private is not None:
                return private + (None,)
            key = (PLATFORM_PROJECT_ID, public_model_id(model))
            if key in self.models:
                return key + (None,)
        raise bad_request("%s %r is not a known model: pass a resource name projects/{projectId}/models/{modelId}"
                          "[/revisions/{revisionId}] of a model that exists (GET /v2/supported-models?search= finds a public "
                          "model's path, GET /v2/projects/{projectId}/models the project's own)" % (param, model),
                          param=param, code="invalid_argument")

    def pinned(self, project_id, model_id, revision=None):
        """The deployment's model path: as sent, with its /revisions/ pin kept, else the model's latest revision."""
        path = "projects/%s/models/%s" % (project_id, model_id)
        if revision:
            return path + "/revisions/" + revision
        if project_id == PLATFORM_PROJECT_ID:
            return v2_model_resource(self.models[(project_id, model_id)]["name"])
        return path + "/revisions/rv_" + stable_suffix("revision:" + path)

    def get_model(self, project_id, model_id):
        if project_id != PLATFORM_PROJECT_ID:
            self.check_project(project_id)  # public models are readable from any project; other projects are not
        record = self.models.get((project_id, model_id))
        if record is None:
            raise ApiError(404, "model %r not found in project %r" % (model_id, project_id), code="model_not_found")
        return v2_model(model_id, record, project_id, self.organization["id"])

    def list_models(self, project_id, visibility=None):
        """The project's own models (GET /v2/projects/{p}/models), optionally of one visibility."""
        self.check_project(project_id)
        if visibility not in (None, "", "VISIBILITY_PRIVATE", "VISIBILITY_INTERNAL"):
            raise bad_request("visibility must be VISIBILITY_PRIVATE or VISIBILITY_INTERNAL; got %r" % visibility, param="visibility",
                              code="invalid_argument")
        return [v2_model(model_id, record, project, self.organization["id"]) for (project, model_id), record in self.models.items()
                if project == project_id and (not visibility or record["visibility"] == visibility)]

    def _next_sequence(self):
        self._sequence += 1
        return self._sequence

    # -- names ------------------------------------------------------------------------------------

    def qualified(self, *names):
        return "/".join((self.project["slug"],) + names)

    def bare_name(self, name, param="name", endpoint=None):
        """The bare name from `name` or its qualified form: `<slug>/name`, or `<slug>/<endpoint>/name` for a deployment."""
        prefix = [self.project["slug"]] + ([endpoint.name] if endpoint is not None else [])
        pieces = name.split("/") if isinstance(name, str) else [None]
        if len(pieces) > 1:
            if pieces[:-1] != prefix:
                raise bad_request("%s %r must be a bare name or qualified as %s/<name> (project %s)"
                                  % (param, name, "/".join(prefix), self.project["id"]), param=param)
            pieces = pieces[-1:]
        if endpoint is not None:
            if not isinstance(pieces[0], str) or not DEPLOYMENT_NAME_PATTERN.match(pieces[0]):
                raise bad_request("%s must be 1-128 letters, digits, '.', '_' or '-' (optionally qualified as %s/<name>); got %r"
                                  % (param, "/".join(prefix), name), param=param)
        elif not isinstance(pieces[0], str) or not NAME_PATTERN.match(pieces[0]):
            raise bad_request("%s must be 1-63 lowercase letters, digits or '-' (optionally qualified as %s/<name>); got %r"
                              % (param, "/".join(prefix), name), param=param)
        return pieces[0]

    # -- scenario loading -------------------------------------------------------------------------

    def load_endpoint(self, spec, loaded_at, time_scale):
        endpoint = V2Endpoint(spec["id"] or "ep_" + new_suffix(), self.bare_name(spec["name"]), spec["endpoint_type"],
                              spec["visibility"], spec["created_at"] or iso_timestamp())
        if any(other.id == endpoint.id or other.name == endpoint.name for other in self.endpoints.values()):
            raise ValueError("v2_endpoints: endpoint %r (id %s) appears twice" % (endpoint.name, endpoint.id))
        take_from_spec(endpoint, spec)
        endpoint.sequence = self._next_sequence()
        self.faults.extend(normalize_fault_list("v2_endpoints[%s].faults" % endpoint.name, spec["faults"],
                                                "/v2/projects/%s/endpoints/%s" % (self.project["id"], endpoint.id)))
        self.endpoints[endpoint.id] = endpoint
        for deployment_spec in spec["deployments"]:
            self._load_deployment(endpoint, deployment_spec, loaded_at, time_scale)
        for entry in spec["traffic_split"]:
            target = next((d for d in endpoint.deployments.values() if entry["deployment"] in (d.id, d.name)), None)
            if target is None:
                raise ValueError("v2 endpoint %s: traffic_split names unknown deployment %r" % (endpoint.name, entry["deployment"]))
            endpoint.traffic_split.append({"deploymentId": target.id, "weight": entry["weight"]})
        return endpoint

    def _load_deployment(self, endpoint, spec, loaded_at, time_scale):
        model = self.model_resource(spec["model"])
        if spec["config"]:
            owner, _model_id, config_id, hardware = self.find_config(spec["config"], "deployment config")
            hardware = spec["hardware"] or hardware
            config = "projects/%s/configs/%s" % (owner, config_id)
        else:
            hardware = spec["hardware"] or DEFAULT_V2_HARDWARE
            config = self.config_resource(model, hardware)
        autoscaling = {"minReplicas": spec["autoscaling"]["min_replicas"], "maxReplicas": spec["autoscaling"]["max_replicas"]}
        details = {"message": spec["status_message"], "ready_replicas": spec["ready_replicas"]}
        deployment = V2Deployment(spec["id"] or "dep_" + new_suffix(), self.bare_name(spec["name"], "deployment name", endpoint), endpoint,
                                  model, hardware, config,
                                  autoscaling, spec["created_at"] or iso_timestamp(), Timeline(loaded_at, spec["state"], details))
        if any(other.id == deployment.id or other.name == deployment.name for other in endpoint.deployments.values()) or any(
                deployment.id in other.deployments for other in self.endpoints.values()):
            raise ValueError("v2 endpoint %s: deployment %r (id %s) appears twice" % (endpoint.name, deployment.name, deployment.id))
        take_from_spec(deployment, spec, "traffic_mode", "omit_zero_fields", "inactive_timeout", "inference_latency",
                       "inference_answer", "inference_error_rate", "inference_error_status")
        deployment.sequence = self._next_sequence()
        self.faults.extend(normalize_fault_list(
            "deployment %s faults" % deployment.name, spec["faults"],
            "/v2/projects/%s/endpoints/%s/deployments/%s" % (self.project["id"], endpoint.id, deployment.id)))
        if spec["transitions"]:
            for transition in spec["transitions"]:
                deployment.timeline.add(loaded_at + transition["after"] * time_scale, transition["state"],
                                        {"message": transition.get("message"), "ready_replicas": transition.get("ready_replicas")})
        else:
            short = spec["state"][len(STATE_PREFIX):]
            if short == "PROVISIONING":
                deployment.timeline.plan(loaded_at, self._start_steps()[1:])
            elif short == "SCALING":
                deployment.timeline.plan(loaded_at, self._start_steps()[2:])
            elif short == "STOPPING":
                deployment.timeline.plan(loaded_at, self._stop_steps()[1:])
        endpoint.deployments[deployment.id] = deployment
        return deployment

    # -- lifecycle --------------------------------------------------------------------------------

    def _start_steps(self, placeable=None):
        """PROVISIONING -> SCALING -> READY; with too little capacity (degrade mode) PROVISIONING -> DEGRADED instead."""
        if placeable is not None:
            return [(0.0, STATE_PREFIX + "PROVISIONING", None),
                    (self.timings["provisioning"], STATE_PREFIX + "DEGRADED",
                     {"message": DEFAULT_MESSAGES["DEGRADED"], "ready_replicas": placeable})]
        final = (STATE_PREFIX + "READY", None)
        if self.fail_into == "FAILED":
            final = (STATE_PREFIX + "FAILED", {"message": DEFAULT_MESSAGES["FAILED"]})
        elif self.fail_into == "DEGRADED":
            final = (STATE_PREFIX + "DEGRADED", {"message": STALLED_MESSAGE, "ready_replicas": 0})
        return [(0.0, STATE_PREFIX + "PROVISIONING", None), (self.timings["provisioning"], STATE_PREFIX + "SCALING", None),
                (self.timings["scaling"],) + final]

    def _placeable(self, now, hardware, wanted, exclude=None):
        """None when `wanted` replicas fit the instance type's capacity, else how many can still be placed.

        Raises the API's refusal instead in the (default) refuse mode. Running deployments hold their minimum.
        """
        available = self.remaining(now, hardware, exclude)
        if available is None or wanted <= available:
            return None
        if self.capacity_mode == "refuse":
            raise ApiError(400, "Cannot place replicas: insufficient GPU capacity for %s (%d replica(s) requested, %d available)"
                           % (hardware, wanted, available), code="insufficient_capacity", param="autoscaling.minReplicas", grpc_code=9)
        return available

    def _stop_steps(self):
        return [(0.0, STATE_PREFIX + "STOPPING", None), (self.timings["stopping"], STATE_PREFIX + "STOPPED", None)]

    def force_state(self, now, deployment_id, state, message=None, ready_replicas=None, then=()):
        deployment = self.find_deployment(deployment_id)
        steps = [(0.0, state, {"message": message, "ready_replicas": ready_replicas})]
        steps.extend((delay, next_state, None) for delay, next_state in then)
        deployment.timeline.plan(now, steps)
        return deployment

    def remaining(self, now, hardware, exclude=None):
        """Replicas of an instance type still placeable (None: unlimited); running deployments hold their minimum."""
        if hardware not in self.capacity:
            return None
        used = sum(d.autoscaling["minReplicas"] for endpoint in self.endpoints.values() for d in endpoint.deployments.values()
                   if d is not exclude and d.hardware == hardware and d.timeline.state(now) not in STOPPED_STATES)
        return max(self.capacity[hardware] - used, 0)

    # -- catalog ----------------------------------------------------------------------------------

    def render_instance_types(self, now):
        return [v2_instance_type(name, spec, self.remaining(now, name)) for name, spec in self.instance_types.items()]

    def fitting_hardware(self, project_id, model_id):
        """The instance types a model's configs run on: all unless v2_model_configs lists its name, ml_ id or path."""
        record = self.models.get((project_id, model_id), {})
        path = "projects/%s/models/%s" % (project_id, model_id)
        for key in (record.get("name"), path, model_id):
            if key in self.model_configs:
                return list(self.model_configs[key])
        return list(self.instance_types)

    def config_model(self, project_id, model_id):
        """(projectId, modelId) whose configs a model deploys with: its base model when it has one, else itself."""
        base = self.models.get((project_id, model_id), {}).get("base_model")
        match = MODEL_PATH_PATTERN.match(base or "")
        return (match.group(1), match.group(2)) if match else (project_id, model_id)

    def config_resource(self, model_path, hardware):
        """The path of the config that runs a model (path, any revision) on an instance type: one of its base model's."""
        match = MODEL_PATH_PATTERN.match(model_path)
        project_id, model_id = self.config_model(match.group(1), match.group(2)) if match else (PLATFORM_PROJECT_ID, "ml_unknown")
        return "projects/%s/configs/%s" % (project_id, v2_config_id(hardware, "projects/%s/models/%s" % (project_id, model_id)))

    def _configs_of(self, project_id, model_id):
        """[(config id, instance type)] of the configs whose reference model is this model (none for a derived model)."""
        if self.models.get((project_id, model_id), {}).get("base_model"):
            return []
        path = "projects/%s/models/%s" % (project_id, model_id)
        return [(v2_config_id(hardware, path), hardware) for hardware in self.fitting_hardware(project_id, model_id)]

    def _render_config(self, project_id, model_id, config_id, hardware):
        return v2_config(config_id, hardware, "projects/%s/models/%s" % (project_id, model_id), project_id)

    def all_configs(self):
        """Every config that exists: (owning project, model id, config id, instance type)."""
        return [(project_id, model_id, config_id, hardware) for project_id, model_id in list(self.models)
                for config_id, hardware in self._configs_of(project_id, model_id)]

    def find_config(self, config, param="config"):
        """(owning project, model id, config id, instance type) of `cr_...` or `projects/{p}/configs/cr_...`, or a 400."""
        if not isinstance(config, str) or not config:
            raise bad_request("%s must be a resource name projects/{projectId}/configs/{configId}" % param, param=param,
                              code="invalid_argument")
        match = CONFIG_PATH_PATTERN.match(config)
        owner, config_id = (match.group(1), match.group(2)) if match else (None, config)
        if "/" in config_id:
            raise bad_request("%s %r is not a config resource name: use projects/{projectId}/configs/{configId}" % (param, config),
                              param=param, code="invalid_argument")
        for entry in self.all_configs():
            if entry[2] == config_id and owner in (None, entry[0]):
                return entry
        raise bad_request("config %r not found: list the configs of the model with GET /v2/projects/{projectId}/configs?"
                          "referenceModel=projects/{projectId}/models/{modelId}" % config, param=param, code="invalid_config")

    def list_configs(self, reference_model=None, reference_model_id=None):
        """GET /v2/projects/{p}/configs: the configs whose reference model is `referenceModel` (a path without revision)
        or `referenceModelId` (a bare ml_ id); if both are given they must agree. An unknown model has none."""
        if reference_model is not None and not (MODEL_PATH_PATTERN.match(reference_model) and "/revisions/" not in reference_model):
            raise bad_request("referenceModel must be a model resource name projects/{projectId}/models/{modelId} (no /revisions/ "
                              "segment; not a readable name such as meta-llama/Llama-3.1-8B-Instruct: GET /v2/supported-models?search= "
                              "gives a public model's baseModel path); got %r" % reference_model, param="referenceModel",
                              code="invalid_argument")
        if reference_model_id is not None and not MODEL_ID_PATTERN.match(reference_model_id):
            raise bad_request("referenceModelId must be a bare model id such as ml_abc123 (referenceModel takes the resource name "
                              "projects/{projectId}/models/{modelId}); got %r" % reference_model_id, param="referenceModelId",
                              code="invalid_argument")
        if reference_model is None and reference_model_id is None:
            raise bad_request("referenceModelId or referenceModel is required", param="referenceModel", code="invalid_argument")
        if reference_model is not None and reference_model_id is not None and reference_model.rsplit("/", 1)[-1] != reference_model_id:
            raise bad_request("referenceModel %r and referenceModelId %r must agree" % (reference_model, reference_model_id),
                              param="referenceModelId", code="invalid_argument")
        items = []
        for project_id, model_id, config_id, hardware in self.all_configs():
            path = "projects/%s/models/%s" % (project_id, model_id)
            if reference_model not in (None, path) or reference_model_id not in (None, model_id):
                continue
            items.append(self._render_config(project_id, model_id, config_id, hardware))
        return items

    def get_config(self, config_id):
        for project_id, model_id, known_id, hardware in self.all_configs():
            if known_id == config_id:
                return self._render_config(project_id, model_id, known_id, hardware)
        raise ApiError(404, "config %r not found" % config_id, code="not_found")

    def supported_models(self, search=None):
        """SupportedModel entries; `search` is case-insensitive over id and name, as the SDK documents it."""
        items = []
        for name in self.supported_model_names:
            model_id = public_model_id(name)
            items.append(v2_supported_model(name, self._configs_of(PLATFORM_PROJECT_ID, model_id), self.instance_types))
        if search:
            needle = search.lower()
            items = [item for item in items if needle in item["name"].lower() or needle in item["id"].lower()]
        return items

    def supported_model(self, model_id):
        for item in self.supported_models():
            if model_id in (item["id"], item["name"]):
                return item
        raise ApiError(404, "supported model %r not found" % model_id, code="not_found")

    # -- inference --------------------------------------------------------------------------------

    def find_for_inference(self, model):
        """(endpoint, pinned deployment or None) for `<slug>/<endpoint>` or `<slug>/<endpoint>/<deployment>`, else None."""
        pieces = model.split("/")
        if len(pieces) not in (2, 3) or pieces[0] != self.project["slug"]:
            return None
        endpoint = next((e for e in self.endpoints.values() if e.name == pieces[1]), None)
        if endpoint is None:
            return None
        if len(pieces) == 2:
            return endpoint, None
        deployment = next((d for d in endpoint.deployments.values() if d.name == pieces[2]), None)
        return (endpoint, deployment) if deployment is not None else None

    def _ready_replicas(self, deployment, now):
        state, details = deployment.timeline.current(now)
        return replica_counts(state, details, deployment.autoscaling["minReplicas"])[2]

    def serves(self, endpoint, now):
        """Whether the endpoint answers un-pinned requests at `now`: a split entry with weight > 0 names a live deployment
        with ready replicas (what serving_deployment and _shares count). The outage monitor (serving.py) watches this."""
        for entry in endpoint.traffic_split:
            deployment = endpoint.deployments.get(entry["deploymentId"])
            if (entry["weight"] > 0 and deployment is not None and deployment.traffic_mode == "TRAFFIC_MODE_LIVE"
                    and self._ready_replicas(deployment, now) > 0):
                return True
        return False

    def serving_deployment(self, now, endpoint, pinned=None):
        """The deployment that answers a request, or the inference error the API gives instead.

        Live deployments with ready replicas and a positive weight share requests by weight x readyReplicas (a smooth
        weighted round robin, so tests can predict it); a pinned deployment answers whenever it has ready replicas.
        """
        name = self.qualified(endpoint.name) if pinned is None else self.qualified(endpoint.name, pinned.name)
        if pinned is not None:
            if self._ready_replicas(pinned, now) > 0:
                return pinned
            raise self._not_ready(name)
        shares = {key: value for key, value in self._shares(endpoint, now).items() if value > 0}
        if not shares:
            live_ready = [d for d in endpoint.deployments.values()
                          if d.traffic_mode == "TRAFFIC_MODE_LIVE" and self._ready_replicas(d, now) > 0]
            if live_ready:
                if self.unrouted_error == "routing_error":
                    raise ApiError(503, "routing_error: no deployment of endpoint %s has traffic weight" % name, code="routing_error",
                                   error_type="server_error")
                raise ApiError(400, "Endpoint %s is not configured to serve traffic: no READY deployment has a traffic weight above 0. "
                               "Set one in the endpoint's trafficSplit." % name, code="endpoint_not_configured")
            raise self._not_ready(name)
        current = self._served.setdefault(endpoint.id, {})
        for key in list(current):
            if key not in shares:
                del current[key]
        for key, share in shares.items():
            current[key] = current.get(key, 0.0) + share
        chosen = max(sorted(current), key=lambda key: current[key])
        current[chosen] -= 1.0  # the shares sum to 1
        return endpoint.deployments[chosen]

    @staticmethod
    def _not_ready(name):
        return ApiError(400, "Endpoint %s is not ready: none of its deployments has a ready replica (stopped, or still starting)"
                        % name, code="endpoint_not_ready")

    # -- lookups ----------------------------------------------------------------------------------

    def check_project(self, project_id):
        if project_id != self.project["id"]:
            raise ApiError(self.unknown_project_status, "project %r not found or not accessible with this API key" % project_id,
                           code="project_not_found")

    def get_endpoint(self, project_id, endpoint_id):
        self.check_project(project_id)
        endpoint = self.endpoints.get(endpoint_id)
        if endpoint is None:
            raise ApiError(404, "endpoint %r not found in project %r" % (endpoint_id, project_id), code="endpoint_not_found")
        return endpoint

    def get_deployment(self, project_id, endpoint_id, deployment_id):
        endpoint = self.get_endpoint(project_id, endpoint_id)
        deployment = endpoint.deployments.get(deployment_id)
        if deployment is None:
            raise ApiError(404, "deployment %r not found in endpoint %r" % (deployment_id, endpoint_id), code="deployment_not_found")
        return deployment

    def find_deployment(self, deployment_id):
        for endpoint in self.endpoints.values():
            if deployment_id in endpoint.deployments:
                return endpoint.deployments[deployment_id]
        raise ApiError(404, "deployment %r not found" % deployment_id, code="deployment_not_found")

    # -- rendering --------------------------------------------------------------------------------

    def _shares(self, endpoint, now):
        """estimatedEffectiveTrafficShare per deployment: weight x readyReplicas, normalised over live deployments."""
        capacity = {}
        for entry in endpoint.traffic_split:
            deployment = endpoint.deployments.get(entry["deploymentId"])
            if deployment is None or deployment.traffic_mode != "TRAFFIC_MODE_LIVE":
                continue
            state, details = deployment.timeline.current(now)
            ready = replica_counts(state, details, deployment.autoscaling["minReplicas"])[2]
            capacity[deployment.id] = capacity.get(deployment.id, 0.0) + entry["weight"] * ready
        total = sum(capacity.values())
        return {key: (value / total if total else 0.0) for key, value in capacity.items()}

    @staticmethod
    def _omit_zeros(body, deployment):
        """protobuf-JSON omits zero numbers; clients must read a missing count as 0."""
        if not deployment.omit_zero_fields:
            return body
        for key in ("minReplicas", "maxReplicas"):
            if body.get("autoscaling", {}).get(key) == 0:
                del body["autoscaling"][key]
        for container in (body, body.get("status", {})):
            for key in ("desiredReplicas", "readyReplicas", "scheduledReplicas", "inactiveTimeout"):
                if container.get(key) == 0:
                    del container[key]
        return body

    def _deployment_body(self, deployment, now, share):
        """The fields a deployment has both embedded in its endpoint and on its own, and what its state implies:
        (body, state, details, scheduledReplicas, readyReplicas)."""
        state, details = deployment.timeline.current(now)
        desired, scheduled, ready = replica_counts(state, details, deployment.autoscaling["minReplicas"])
        body = {
            "id": deployment.id,
            "name": self.qualified(deployment.endpoint.name, deployment.name),
            "createdAt": deployment.created_at,
            "autoscaling": dict(deployment.autoscaling),
            "model": deployment.model,
            "modelId": model_ids(deployment.model)[0],
            "hardware": deployment.hardware,
            "desiredReplicas": desired,
            "estimatedEffectiveTrafficShare": share,
            "trafficMode": deployment.traffic_mode,
        }
        return body, state, details, scheduled, ready

    def render_summary(self, deployment, now, shares):
        body, state, _details, _scheduled, ready = self._deployment_body(deployment, now, shares.get(deployment.id, 0.0))
        body.update(state=state, readyReplicas=ready)
        return self._omit_zeros(body, deployment)

    def render_deployment(self, deployment, now):
        body, state, details, scheduled, ready = self._deployment_body(
            deployment, now, self._shares(deployment.endpoint, now).get(deployment.id, 0.0))
        body.update({
            "projectId": self.project["id"],
            "endpointId": deployment.endpoint.id,
            "updatedAt": deployment.updated_at,
            "etag": deployment.etag,
            "config": deployment.config,
            "configId": deployment.config.rsplit("/", 1)[-1],
            "modelRevisionId": model_ids(deployment.model)[1],
            "status": {"state": state, "message": status_message(state, details), "readyReplicas": ready, "scheduledReplicas": scheduled},
        })
        if deployment.inactive_timeout is not None:
            body["inactiveTimeout"] = deployment.inactive_timeout
        if deployment.max_concurrent_requests_per_replica is not None:
            body["maxConcurrentRequestsPerReplica"] = deployment.max_concurrent_requests_per_replica
        if deployment.placement is not None:
            body["placement"] = deployment.placement
        return customize(self._omit_zeros(body, deployment), deployment)

    def render_endpoint(self, endpoint, now):
        shares = self._shares(endpoint, now)
        # The live API embeds at most the 10 newest deployments; the deployments list has them all.
        newest = sorted(endpoint.deployments.values(), key=lambda d: (d.created_at, d.sequence), reverse=True)[:10]
        body = {
            "id": endpoint.id,
            "name": self.qualified(endpoint.name),
            "projectId": self.project["id"],
            "endpointType": endpoint.endpoint_type,
            "visibility": endpoint.visibility,
            "deployments": [customize(self.render_summary(d, now, shares), d) for d in newest],
            "trafficSplit": [dict(entry) for entry in endpoint.traffic_split],
            "etag": endpoint.etag,
            "createdAt": endpoint.created_at,
            "updatedAt": endpoint.updated_at,
        }
        return customize(body, endpoint)

    # -- endpoint writes --------------------------------------------------------------------------

    def create_endpoint(self, project_id, body, validate_only=False):
        self.check_project(project_id)
        if body.get("name") is None:
            raise bad_request("name is required", param="name")
        name = self.bare_name(body["name"])
        if any(endpoint.name == name for endpoint in self.endpoints.values()):
            raise conflict("endpoint %r already exists in project %r" % (self.qualified(name), project_id), code="already_exists", grpc_code=6)
        visibility = body.get("visibility", "VISIBILITY_PRIVATE")
        if visibility not in ("VISIBILITY_PRIVATE", "VISIBILITY_INTERNAL"):
            raise bad_request("visibility must be VISIBILITY_PRIVATE or VISIBILITY_INTERNAL", param="visibility")
        endpoint_type = body.get("endpointType", "ENDPOINT_TYPE_DEDICATED")
        if endpoint_type not in ("ENDPOINT_TYPE_DEDICATED", "ENDPOINT_TYPE_SERVERLESS", "ENDPOINT_TYPE_RESERVED"):
            raise bad_request("endpointType must be ENDPOINT_TYPE_DEDICATED, ENDPOINT_TYPE_SERVERLESS or ENDPOINT_TYPE_RESERVED",
                              param="endpointType")
        endpoint = V2Endpoint("ep_" + new_suffix(), name, endpoint_type, visibility, iso_timestamp())
        if validate_only:
            return endpoint  # checked and rendered, never stored
        endpoint.sequence = self._next_sequence()
        self.endpoints[endpoint.id] = endpoint
        return endpoint

    def update_endpoint(self, project_id, endpoint_id, body, update_mask):
        endpoint = self.get_endpoint(project_id, endpoint_id)
        _check_etag(endpoint, body.get("etag"), "endpoint")
        mask = _mask(update_mask, ENDPOINT_MASK_PATHS)
        wanted = {key for key in ENDPOINT_MASK_PATHS if key in body and body[key] not in (None, "", [])} if mask is None else mask
        if not wanted:
            raise bad_request("no fields to update (an empty trafficSplit needs updateMask=trafficSplit)", param="updateMask")
        changes = {}
        if "name" in wanted:
            name = self.bare_name(body.get("name"))
            if any(other.name == name and other is not endpoint for other in self.endpoints.values()):
                raise conflict("endpoint %r already exists in project %r" % (self.qualified(name), project_id),
                               code="already_exists", grpc_code=6)
            changes["name"] = name
        if "visibility" in wanted:
            visibility = body.get("visibility") or "VISIBILITY_PRIVATE"
            if visibility not in ("VISIBILITY_PRIVATE", "VISIBILITY_INTERNAL"):
                raise bad_request("visibility must be VISIBILITY_PRIVATE or VISIBILITY_INTERNAL", param="visibility")
            changes["visibility"] = visibility
        if "trafficSplit" in wanted:
            changes["traffic_split"] = self._traffic_split(endpoint, body.get("trafficSplit") or [])
        for attribute, value in changes.items():
            setattr(endpoint, attribute, value)
        endpoint.touch()
        return endpoint

    @staticmethod
    def _traffic_split(endpoint, entries):
        if not isinstance(entries, list):
            raise bad_request("trafficSplit must be a list of {deploymentId, weight}", param="trafficSplit")
        split = []
        seen = set()
        for index, entry in enumerate(entries):
            param = "trafficSplit[%d]" % index
            if not isinstance(entry, dict):
                raise bad_request("%s must be an object with deploymentId and weight" % param, param=param)
            deployment_id = entry.get("deploymentId")
            if deployment_id not in endpoint.deployments:
                raise bad_request("%s.deploymentId %r is not a deployment of endpoint %s" % (param, deployment_id, endpoint.id),
                                  param=param + ".deploymentId")
            if deployment_id in seen:
                raise bad_request("%s.deploymentId %r appears more than once" % (param, deployment_id), param=param + ".deploymentId")
            seen.add(deployment_id)
            weight = entry.get("weight", 0)
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight) or weight < 0:
                raise bad_request("%s.weight must be a finite number >= 0" % param, param=param + ".weight")
            split.append({"deploymentId": deployment_id, "weight": weight})
        return split

    def delete_endpoint(self, project_id, endpoint_id, etag):
        endpoint = self.get_endpoint(project_id, endpoint_id)
        _check_etag(endpoint, etag, "endpoint")
        if endpoint.deployments:
            raise ApiError(self.delete_conflict_status,
                           "Endpoint deletion blocked by child deployments: delete the %d deployment(s) of endpoint %s first"
                           % (len(endpoint.deployments), endpoint_id), code="failed_precondition", grpc_code=9)
        del self.endpoints[endpoint_id]

    # -- deployment writes ------------------------------------------------------------------------

    def _bounds(self, value, current):
        """Merge DeploymentAutoscaling; omitted bounds keep their value (on create: min 0, max = min)."""
        if not isinstance(value, dict):
            raise bad_request("autoscaling must be an object", param="autoscaling")
        merged = dict(current or {})
        merged.update({key: item for key, item in value.items() if key not in ("minReplicas", "maxReplicas")})
        for key in ("minReplicas", "maxReplicas"):
            item = value.get(key)
            if item is None:
                continue
            if isinstance(item, str) and item.isdigit():  # protobuf-JSON may encode integers as strings
                item = int(item)
            if isinstance(item, bool) or not isinstance(item, int) or item < 0:
                raise bad_request("autoscaling.%s must be a non-negative integer" % key, param="autoscaling." + key)
            merged[key] = item
        if current is None:
            merged.setdefault("minReplicas", 0)
            merged.setdefault("maxReplicas", merged["minReplicas"])
        if merged["minReplicas"] > merged["maxReplicas"]:
            raise bad_request("autoscaling.minReplicas (%d) cannot be greater than autoscaling.maxReplicas (%d)"
                              % (merged["minReplicas"], merged["maxReplicas"]), param="autoscaling")
        if merged["minReplicas"] == 0 and merged["maxReplicas"] > 0:
            raise bad_request("autoscaling.minReplicas must be at least 1 while maxReplicas is above 0; set both to 0 to stop the deployment",
                              param="autoscaling.minReplicas")
        return merged

    @staticmethod
    def _inactive_timeout(value):
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not (value == 0 or 30 <= value <= 1440):
            raise bad_request("inactiveTimeout must be 0 (disabled) or between 30 and 1440 minutes", param="inactiveTimeout")
        return value

    @staticmethod
    def _max_concurrent(value):
        if value is None:
            return None
        if not isinstance(value, str) or not value.isdigit():
            raise bad_request("maxConcurrentRequestsPerReplica must be a string holding a non-negative integer",
                              param="maxConcurrentRequestsPerReplica")
        return value

    def create_deployment(self, now, project_id, endpoint_id, body, validate_only=False):
        endpoint = self.get_endpoint(project_id, endpoint_id)
        if body.get("name") is None:
            raise bad_request("name is required", param="name")
        name = self.bare_name(body["name"], "name", endpoint)
        if any(d.name == name for d in endpoint.deployments.values()):
            raise conflict("deployment %r already exists in endpoint %s" % (name, endpoint_id), code="already_exists", grpc_code=6)
        if body.get("autoscaling") is None:
            raise bad_request("autoscaling is required", param="autoscaling")
        autoscaling = self._bounds(body["autoscaling"], None)
        model = body.get("model") or body.get("modelId")
        if not isinstance(model, str) or not model:
            raise bad_request("model is required: a resource name projects/{projectId}/models/{modelId}[/revisions/{revisionId}]",
                              param="model")
        param = "model" if body.get("model") else "modelId"
        model_project, model_id, revision = self.resolve_model(model, project_id, param)
        revision = revision or (body.get("modelRevisionId") if "/" not in model else None)
        model_path = self.pinned(model_project, model_id, revision)
        config_project, config_model_id = self.config_model(model_project, model_id)
        own_configs = self._configs_of(config_project, config_model_id)
        fitting = [hardware for _config_id, hardware in own_configs]
        config = body.get("config") or body.get("configId")
        if config is not None and not isinstance(config, str):
            raise bad_request("config must be a resource name projects/{projectId}/configs/{configId}", param="config",
                              code="invalid_argument")
        if config:
            owner, reference_id, config_id, hardware = self.find_config(config)
            if (owner, reference_id) != (config_project, config_model_id):
                base = "" if (config_project, config_model_id) == (model_project, model_id) else (
                    " (nor of its base model projects/%s/models/%s)" % (config_project, config_model_id))
                raise bad_request("config %r (%s) does not support model %r: it is a config of model projects/%s/models/%s, not of "
                                  "this model%s; configs for this model run on: %s"
                                  % (config, hardware, model, owner, reference_id, base, ", ".join(fitting) or "none"),
                                  param="config", code="invalid_config")
            config_resource = "projects/%s/configs/%s" % (owner, config_id)
        elif not fitting:
            raise bad_request("model %r has no config that can deploy it" % model, param="config", code="invalid_config")
        else:
            hardware = DEFAULT_V2_HARDWARE if DEFAULT_V2_HARDWARE in fitting else fitting[0]
            config_resource = self.config_resource(model_path, hardware)
        inactive_timeout = self._inactive_timeout(body.get("inactiveTimeout"))
        max_concurrent = self._max_concurrent(body.get("maxConcurrentRequestsPerReplica"))
        placement = body.get("placement")
        if placement is not None and not (isinstance(placement, dict) and len(placement) == 1 and set(placement) <= {"inline", "profile"}):
            raise bad_request("placement must be {\"inline\": {...}} or {\"profile\": \"...\"}", param="placement")

        stopped = autoscaling["maxReplicas"] == 0
        placeable = None if stopped else self._placeable(now, hardware, autoscaling["minReplicas"])
        timeline = Timeline(now, STATE_PREFIX + ("STOPPED" if stopped else "PROVISIONING"))
        deployment = V2Deployment("dep_" + new_suffix(), name, endpoint, model_path, hardware, config_resource,
                                  autoscaling, iso_timestamp(), timeline)
        deployment.inactive_timeout = inactive_timeout
        deployment.max_concurrent_requests_per_replica = max_concurrent
        deployment.placement = placement
        deployment.sequence = self._next_sequence()
        if validate_only:
            return deployment
        if not stopped:
            timeline.plan(now, self._start_steps(placeable)[1:])
        endpoint.deployments[deployment.id] = deployment
        return deployment

    def update_deployment(self, now, project_id, endpoint_id, deployment_id, body, update_mask):
        deployment = self.get_deployment(project_id, endpoint_id, deployment_id)
        _check_etag(deployment, body.get("etag"), "deployment")
        mask = _mask(update_mask, DEPLOYMENT_MASK_PATHS)
        wanted = {key for key in DEPLOYMENT_MASK_PATHS if body.get(key) is not None} if mask is None else mask
        if not wanted:
            raise bad_request("no fields to update", param="updateMask")
        changes = {}
        if "name" in wanted:
            name = self.bare_name(body.get("name"), "name", deployment.endpoint)
            if any(d.name == name and d is not deployment for d in deployment.endpoint.deployments.values()):
                raise conflict("deployment %r already exists in endpoint %s" % (name, endpoint_id), code="already_exists", grpc_code=6)
            changes["name"] = name
        if "inactiveTimeout" in wanted:
            changes["inactive_timeout"] = self._inactive_timeout(body.get("inactiveTimeout") or 0)
        if "maxConcurrentRequestsPerReplica" in wanted:
            changes["max_concurrent_requests_per_replica"] = self._max_concurrent(body.get("maxConcurrentRequestsPerReplica"))
        placeable = None
        if "autoscaling" in wanted:
            changes["autoscaling"] = self._bounds(body.get("autoscaling") or {}, deployment.autoscaling)
            new_min = changes["autoscaling"]["minReplicas"]
            if changes["autoscaling"]["maxReplicas"] > 0 and (deployment.timeline.state(now) in STOPPED_STATES
                                                              or new_min > deployment.autoscaling["minReplicas"]):
                placeable = self._placeable(now, deployment.hardware, new_min, exclude=deployment)  # refused before any change
        previous = deployment.autoscaling
        for attribute, value in changes.items():
            setattr(deployment, attribute, value)
        if "autoscaling" in changes:
            self._rescale(now, deployment, previous, placeable)
        deployment.touch()
        return deployment

    def _rescale(self, now, deployment, previous, placeable=None):
        """0/0 stops; raising bounds from a stopped state starts; a new minimum on a running deployment scales."""
        state = deployment.timeline.state(now)
        new_min, new_max = deployment.autoscaling["minReplicas"], deployment.autoscaling["maxReplicas"]
        if new_max == 0:
            if state not in (STATE_PREFIX + "STOPPING", STATE_PREFIX + "STOPPED"):
                deployment.timeline.plan(now, self._stop_steps())
        elif state in STOPPED_STATES:
            deployment.timeline.plan(now, self._start_steps(placeable))
        else:
            # Scaling a running deployment keeps the replicas that run serving while others are added or removed:
            # min(ready now, new minimum) stay ready during SCALING (ready now is the old minimum when READY).
            state_now, details_now = deployment.timeline.current(now)
            keep = min(replica_counts(state_now, details_now, previous["minReplicas"])[2], new_min)
            if placeable is not None:
                deployment.timeline.plan(now, [(0.0, STATE_PREFIX + "SCALING", {"message": "Starting replicas", "ready_replicas": keep}),
                                               (self.timings["scaling"], STATE_PREFIX + "DEGRADED",
                                                {"message": DEFAULT_MESSAGES["DEGRADED"], "ready_replicas": placeable})])
            elif state in (STATE_PREFIX + "READY", STATE_PREFIX + "DEGRADED") and new_min != previous["minReplicas"]:
                message = "Starting replicas" if new_min > previous["minReplicas"] else "Scaling down"
                deployment.timeline.plan(now, [(0.0, STATE_PREFIX + "SCALING", {"message": message, "ready_replicas": keep}),
                                               (self.timings["scaling"], STATE_PREFIX + "READY", None)])

    def delete_deployment(self, now, project_id, endpoint_id, deployment_id, etag):
        deployment = self.get_deployment(project_id, endpoint_id, deployment_id)
        _check_etag(deployment, etag, "deployment")
        state = deployment.timeline.state(now)
        if state not in (STATE_PREFIX + "STOPPED", STATE_PREFIX + "FAILED"):
            raise ApiError(self.delete_conflict_status,
                           "deployment %s is %s: scale it to 0/0 (autoscaling minReplicas=0, maxReplicas=0) and wait for "
                           "DEPLOYMENT_STATE_STOPPED before deleting it" % (deployment_id, state), code="failed_precondition", grpc_code=9)
        endpoint = deployment.endpoint
        if any(entry["deploymentId"] == deployment_id and entry["weight"] > 0 for entry in endpoint.traffic_split):
            raise ApiError(self.delete_conflict_status,
                           "deployment %s still has traffic weight in endpoint %s: remove it from live traffic first "
                           "(PATCH the endpoint's trafficSplit with updateMask=trafficSplit)" % (deployment_id, endpoint.id),
                           code="failed_precondition", grpc_code=9)
        endpoint.traffic_split = [entry for entry in endpoint.traffic_split if entry["deploymentId"] != deployment_id]
        del endpoint.deployments[deployment_id]
        endpoint.touch()
