"""v1 dedicated endpoints: records, validation, and the lifecycle state machine.

Lifecycle (all timings from the scenario, multiplied by the time scale):
create/start: PENDING -> STARTING -> STARTED (or the endpoint's fail_into state)
stop:         STOPPING -> STOPPED
"""

import hashlib
import secrets
import uuid

from .catalog import DEFAULT_AVAILABILITY_ZONES, DEFAULT_SERVERLESS_ENDPOINTS, default_v1_hardware_ids, v1_hardware_item
from .errors import ApiError, bad_request
from .scenario import customize, take_from_spec, take_settings
from .timeline import ServingUnit, Timeline, iso_timestamp

RUNNING_STATES = ("PENDING", "STARTING", "STARTED")
V1_RETIRED_MESSAGE = ("Creating new v1 dedicated endpoints and restarting stopped v1 endpoints is no longer available. "
                      "Use the v2 dedicated model inference API (/v2/projects/{project_id}/endpoints).")


def endpoint_not_found(endpoint_id):
    # The 2.x CLI turns a 404 into "endpoint not found" only when the text holds both words.
    return ApiError(404, "Endpoint not found: %s" % endpoint_id, code="endpoint_not_found")


def v1_retired_error():
    return ApiError(403, V1_RETIRED_MESSAGE, code="endpoints_v1_create_access_disabled", error_type="permission_error")


def _non_negative_integer(value, param):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise bad_request("%s must be a non-negative integer" % param, param=param)
    return value


def _optional_string(body, key):
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise bad_request("%s must be a string" % key, param=key)
    return value


class V1Endpoint(ServingUnit):
    """One dedicated endpoint and its timeline of states."""

    def __init__(self, endpoint_id, name, display_name, model, hardware, owner, autoscaling, created_at, timeline):
        super().__init__(model, hardware, autoscaling, timeline)
        self.id = endpoint_id
        self.name = name
        self.display_name = display_name
        self.owner = owner
        self.created_at = created_at
        self.type = "dedicated"
        self.usage_type = "on-demand"
        self.availability_zone = None
        self.fail_into = None
        self.fields = {}
        self.drop_fields = []


class V1Store:
    """All v1 state of one scenario."""

    def __init__(self, scenario, timings, v1_retired):
        self.timings = timings
        self.v1_retired = v1_retired
        take_settings(self, scenario, "owner", "fail_into", "echo_inactive_timeout", "hardware_availability", "model_hardware")
        self.availability_zones = scenario["availability_zones"] or list(DEFAULT_AVAILABILITY_ZONES)
        updated_at = iso_timestamp()
        try:
            self.hardware = [v1_hardware_item(entry, updated_at) for entry in (scenario["hardware"] or default_v1_hardware_ids())]
        except ValueError as exc:
            raise ValueError("scenario hardware: %s" % exc)
        serverless = scenario["serverless_endpoints"]
        self.serverless = [dict(item) for item in (DEFAULT_SERVERLESS_ENDPOINTS if serverless is None else serverless)]
        self.endpoints = {}

    # -- scenario loading -------------------------------------------------------------------------

    def load_endpoint(self, spec, loaded_at, time_scale):
        """Add a scenario endpoint; it follows its transitions, or else the automatic lifecycle."""
        if spec["id"] in self.endpoints:
            raise ValueError("endpoints: id %r appears twice" % spec["id"])
        owner = spec["owner"] or self.owner
        # Derived from the id, so a scenario's endpoint names are the same on every run.
        suffix = hashlib.sha256(spec["id"].encode("utf-8")).hexdigest()[:8]
        name = spec["name"] or "%s/%s-%s" % (owner, spec["model"], suffix)
        endpoint = V1Endpoint(spec["id"], name, spec["display_name"] or name.split("/", 1)[-1], spec["model"], spec["hardware"],
                              owner, spec["autoscaling"], spec["created_at"] or iso_timestamp(), Timeline(loaded_at, spec["state"]))
        endpoint.type = spec["type"] or "dedicated"
        take_from_spec(endpoint, spec, "usage_type", "inactive_timeout", "availability_zone", "fail_into",
                       "inference_latency", "inference_answer", "inference_error_rate", "inference_error_status")
        if spec["transitions"]:
            for transition in spec["transitions"]:
                endpoint.timeline.add(loaded_at + transition["after"] * time_scale, transition["state"])
        elif spec["state"] in ("PENDING", "STARTING", "STOPPING"):
            endpoint.timeline.plan(loaded_at, self._resume_steps(endpoint, spec["state"]))
        self.endpoints[endpoint.id] = endpoint
        return endpoint

    # -- lifecycle --------------------------------------------------------------------------------

    def _start_steps(self, endpoint):
        final = endpoint.fail_into or self.fail_into or "STARTED"
        return [(0.0, "PENDING", None), (self.timings["pending"], "STARTING", None), (self.timings["starting"], final, None)]

    def _stop_steps(self):
        return [(0.0, "STOPPING", None), (self.timings["stopping"], "STOPPED", None)]

    def _resume_steps(self, endpoint, state):
        """The rest of the automatic lifecycle for a scenario endpoint that starts mid-transition."""
        start = self._start_steps(endpoint)
        if state == "PENDING":
            return start[1:]
        if state == "STARTING":
            return start[2:]
        return self._stop_steps()[1:]

    def force_state(self, now, endpoint_id, state, then=()):
        """Set a state now (control API); it stays until `then` [(delay, state)] or an API action moves it."""
        endpoint = self.get(endpoint_id)
        endpoint.timeline.plan(now, [(0.0, state, None)] + [(delay, next_state, None) for delay, next_state in then])
        return endpoint

    # -- reads ------------------------------------------------------------------------------------

    def get(self, endpoint_id):
        endpoint = self.endpoints.get(endpoint_id)
        if endpoint is None:
            raise endpoint_not_found(endpoint_id)
        return endpoint

    def find_for_inference(self, model):
        """What a chat completion for `model` reaches: ("dedicated", V1Endpoint) by its name, ("serverless", entry), or None."""
        for endpoint in self.endpoints.values():
            if endpoint.name == model:
                return "dedicated", endpoint
        for entry in self.serverless:
            if model in (entry["name"], entry["model"]):
                return "serverless", entry
        return None

    def render(self, endpoint, now):
        """The DedicatedEndpoint body, with the scenario's extra and dropped fields applied."""
        body = {
            "object": "endpoint",
            "id": endpoint.id,
            "name": endpoint.name,
            "display_name": endpoint.display_name,
            "model": endpoint.model,
            "hardware": endpoint.hardware,
            "type": endpoint.type,
            "owner": endpoint.owner,
            "state": endpoint.timeline.state(now),
            "autoscaling": dict(endpoint.autoscaling),
            "created_at": endpoint.created_at,
        }
        if self.echo_inactive_timeout:
            body["inactive_timeout"] = endpoint.inactive_timeout
        return customize(body, endpoint)

    def render_list_item(self, endpoint, now):
        body = {key: value for key, value in self.render(endpoint, now).items()
                if key not in ("display_name", "hardware", "autoscaling", "inactive_timeout") or key in endpoint.fields}
        return body

    def list_endpoints(self, now, endpoint_type=None, usage_type=None, mine=None):
        """ListEndpoint items: serverless catalog entries first, then dedicated endpoints in creation order."""
        items = []
        for entry in self.serverless:
            if mine and entry["owner"] != self.owner:
                continue
            if usage_type and entry.get("usage_type") != usage_type:
                continue
            if endpoint_type and endpoint_type != "serverless":
                continue
            items.append({"object": "endpoint", "id": entry["id"], "name": entry["name"], "model": entry["model"], "type": "serverless",
                          "owner": entry["owner"], "state": entry["state"], "created_at": entry["created_at"] or "2024-01-01T00:00:00.000Z"})
        for endpoint in self.endpoints.values():
            if mine and endpoint.owner != self.owner:
                continue
            if usage_type and endpoint.usage_type != usage_type:
                continue
            if endpoint_type and endpoint_type != endpoint.type:
                continue
            items.append(self.render_list_item(endpoint, now))
        return items

    def list_hardware(self, model=None):
        """HardwareWithStatus items; with a model, only compatible ones, each with its availability."""
        if model is None:
            return [dict(item) for item in self.hardware]
        compatible = self.model_hardware.get(model)
        items = []
        for item in self.hardware:
            if compatible is not None and item["id"] not in compatible:
                continue
            items.append(dict(item, availability={"status": self.hardware_availability.get(item["id"], "available")}))
        return items

    # -- writes -----------------------------------------------------------------------------------

    def create(self, now, body):
        """POST /endpoints: validate a CreateEndpointRequest and add the endpoint (PENDING, or STOPPED)."""
        if self.v1_retired:
            raise v1_retired_error()
        for key in ("model", "hardware", "autoscaling"):
            if body.get(key) is None:
                raise bad_request("%s is required" % key, param=key)
        model = body["model"]
        hardware = body["hardware"]
        if not isinstance(model, str) or not model:
            raise bad_request("model must be a non-empty string", param="model")
        if not isinstance(hardware, str) or not hardware:
            raise bad_request("hardware must be a non-empty string", param="hardware")
        autoscaling = self._autoscaling(body["autoscaling"], None)
        state = body.get("state", "STARTED")
        if state not in ("STARTED", "STOPPED"):
            raise bad_request("state must be one of STARTED, STOPPED", param="state")
        display_name = _optional_string(body, "display_name")
        for flag in ("disable_prompt_cache", "disable_speculative_decoding"):
            if flag in body and not isinstance(body[flag], bool):
                raise bad_request("%s must be a boolean" % flag, param=flag)
        inactive_timeout = self._inactive_timeout(body)
        availability_zone = _optional_string(body, "availability_zone")
        if availability_zone is not None and availability_zone not in self.availability_zones:
            raise bad_request("Unknown availability_zone %r; see GET /clusters/availability-zones" % availability_zone,
                              param="availability_zone")
        self._check_hardware(model, hardware)

        name = "%s/%s-%s" % (self.owner, model, secrets.token_hex(4))
        endpoint = V1Endpoint("endpoint-%s" % uuid.uuid4(), name, display_name or name.split("/", 1)[1], model, hardware,
                              self.owner, autoscaling, iso_timestamp(), Timeline(now, "STOPPED" if state == "STOPPED" else "PENDING"))
        endpoint.inactive_timeout = inactive_timeout
        endpoint.availability_zone = availability_zone
        if state == "STARTED":
            endpoint.timeline.plan(now, self._start_steps(endpoint)[1:])
        self.endpoints[endpoint.id] = endpoint
        return endpoint

    def update(self, now, endpoint_id, body):
        """PATCH /endpoints/{id}: display_name, state, autoscaling (either bound alone is fine), inactive_timeout."""
        endpoint = self.get(endpoint_id)
        display_name = _optional_string(body, "display_name")
        state = body.get("state")
        if state is not None and state not in ("STARTED", "STOPPED"):
            raise bad_request("state must be one of STARTED, STOPPED", param="state")
        autoscaling = self._autoscaling(body["autoscaling"], endpoint.autoscaling) if body.get("autoscaling") is not None else None
        inactive_timeout = self._inactive_timeout(body)
        current = endpoint.timeline.state(now)
        if state == "STARTED" and current not in RUNNING_STATES and self.v1_retired:
            raise v1_retired_error()

        if display_name is not None:
            endpoint.display_name = display_name
        if autoscaling is not None:
            endpoint.autoscaling = autoscaling
        if "inactive_timeout" in body:
            endpoint.inactive_timeout = inactive_timeout
        if state == "STOPPED" and current not in ("STOPPING", "STOPPED"):
            endpoint.timeline.plan(now, self._stop_steps())
        elif state == "STARTED" and current not in RUNNING_STATES:
            endpoint.timeline.plan(now, self._start_steps(endpoint))
        return endpoint

    def delete(self, endpoint_id):
        self.get(endpoint_id)
        del self.endpoints[endpoint_id]

    # -- validation helpers -----------------------------------------------------------------------

    @staticmethod
    def _autoscaling(value, current):
        """Merge an Autoscaling object; on create (current None) both bounds are required."""
        if not isinstance(value, dict):
            raise bad_request("autoscaling must be an object with min_replicas and max_replicas", param="autoscaling")
        merged = dict(current or {})
        for key in ("min_replicas", "max_replicas"):
            if key in value and value[key] is not None:
                merged[key] = _non_negative_integer(value[key], "autoscaling." + key)
            elif current is None:
                raise bad_request("autoscaling.%s is required" % key, param="autoscaling." + key)
        if merged["min_replicas"] > merged["max_replicas"]:
            raise bad_request("Min replicas cannot be greater than max replicas", param="autoscaling")
        return merged

    @staticmethod
    def _inactive_timeout(body):
        value = body.get("inactive_timeout")
        if value is None:
            return None
        return _non_negative_integer(value, "inactive_timeout")

    def _check_hardware(self, model, hardware):
        known = {item["id"] for item in self.hardware}
        if hardware not in known:
            # Wording chosen to match the together 1.x CLI's "invalid hardware provided" / "check the hardware api" checks.
            raise bad_request("Invalid hardware provided: %r. Please check the hardware API (GET /hardware) for available options"
                              % hardware, param="hardware", code="invalid_hardware")
        compatible = self.model_hardware.get(model)
        if compatible is not None and hardware not in compatible:
            raise bad_request("The selected configuration is not supported for model %r: hardware %r is not compatible. "
                              "Check the hardware API (GET /hardware?model=...) for compatible hardware" % (model, hardware),
                              param="hardware", code="invalid_hardware")
        status = self.hardware_availability.get(hardware, "available")
        if status != "available":
            raise bad_request("The selected configuration is not available right now: hardware %r has status %r. "
                              "Check the hardware API for available options" % (hardware, status),
                              param="hardware", code="hardware_unavailable")
