"""Scenario files: load YAML or JSON, check every key, fill in defaults.

Scenarios are written by hand for demos and CI, so a typo must fail loudly with the key's path
(`endpoints[1].autoscaling.min_replicas`) instead of being ignored.
"""

import json
import re
import uuid

from .faults import normalize_fault

try:
    import yaml
except ImportError:  # JSON scenarios still work without PyYAML
    yaml = None

V1_STATES = ("PENDING", "STARTING", "STARTED", "STOPPING", "STOPPED", "ERROR", "FAILED")
V2_SHORT_STATES = ("PROVISIONING", "SCALING", "READY", "DEGRADED", "STOPPING", "STOPPED", "FAILED")
DEFAULT_TIMINGS = {"pending": 1.0, "starting": 2.0, "stopping": 1.0, "provisioning": 1.0, "scaling": 2.0}
DEFAULT_PROJECT = {"id": "proj_demo", "slug": "demo-project", "name": "Demo project"}
DEFAULT_ORGANIZATION = {"id": "org_demo", "name": "Demo organization"}
# The project's own model every scenario without a `models` key has: a fine-tune of a public model, named
# `<project slug>/support-chat-ft`, so that the CLI's private-model resolution can be exercised anywhere.
DEFAULT_PRIVATE_MODEL = {"id": "ml_simsupportchatft", "name": "support-chat-ft", "base_model": "meta-llama/Llama-3.1-8B-Instruct",
                         "description": "Support chat fine-tune of Llama 3.1 8B Instruct (simulator default)",
                         "visibility": "VISIBILITY_PRIVATE"}

TOP_LEVEL_KEYS = (
    "description", "api_key", "auth_error_status", "v1_retired", "time_scale", "owner", "timings", "fail_into",
    "serverless_endpoints", "endpoints", "faults", "hardware", "hardware_availability", "model_hardware",
    "availability_zones", "echo_inactive_timeout",
    "project", "organization", "whoami_type", "v2_endpoints", "v2_error_format", "v2_unknown_project_status",
    "v2_delete_conflict_status", "v2_last_page_cursor", "omit_zero_fields", "models",
    "v2_capacity", "v2_capacity_mode", "v2_fail_into", "v2_instance_types", "v2_model_configs", "v2_supported_models",
    "inference_latency", "inference_answer", "inference_error_rate", "inference_error_status", "inference_v2_on_api_host",
    "inference_cluster_header", "v2_unrouted_error",
)
INFERENCE_KEYS = ("inference_latency", "inference_answer", "inference_error_rate", "inference_error_status")
# The 5xx statuses a scripted error rate may answer with (503 Overloaded and 504 Timeout are the spec's own).
INFERENCE_ERROR_STATUSES = (500, 502, 503, 504)
INSTANCE_TYPE_KEYS = ("name", "gpu_type", "gpu_count", "gpu_memory_gib", "price_cents_per_hour")
INSTANCE_TYPE_NAME = re.compile(r"^([1-9][0-9]*)x[a-z0-9][a-z0-9-]*$")
V1_ENDPOINT_KEYS = (
    "id", "name", "display_name", "model", "hardware", "type", "owner", "usage_type", "state", "autoscaling",
    "created_at", "transitions", "fields", "drop_fields", "faults", "fail_into", "inactive_timeout", "availability_zone",
) + INFERENCE_KEYS
SERVERLESS_KEYS = ("id", "name", "model", "owner", "state", "created_at", "usage_type")
V2_ENDPOINT_KEYS = (
    "id", "name", "endpoint_type", "visibility", "traffic_split", "deployments", "created_at", "fields", "drop_fields", "faults",
)
V2_DEPLOYMENT_KEYS = (
    "id", "name", "model", "hardware", "config", "state", "autoscaling", "ready_replicas", "status_message", "transitions",
    "traffic_mode", "omit_zero_fields", "inactive_timeout", "created_at", "fields", "drop_fields", "faults",
) + INFERENCE_KEYS


class ScenarioError(ValueError):
    """A scenario that cannot be loaded; the message names the offending key."""


def customize(body, resource):
    """A resource's scenario `fields` merged into its JSON body and its `drop_fields` removed (v1 and v2 alike)."""
    body.update(resource.fields)
    for name in resource.drop_fields:
        body.pop(name, None)
    return body


def take_settings(target, scenario, *names, prefix=""):
    """Copy the named settings, as they are, from a scenario (or one of its resources) onto what it configures:
    `prefix + name` in the scenario becomes `name` on the target (the v2 store's settings are `v2_...` keys)."""
    for name in names:
        setattr(target, name, scenario[prefix + name])
    return target


def take_from_spec(resource, spec, *names):
    """Give a resource being loaded its scenario settings: the named ones as they are, and copies of its
    `fields` and `drop_fields` (what customize() applies to its JSON)."""
    take_settings(resource, spec, *names)
    resource.fields = dict(spec["fields"])
    resource.drop_fields = list(spec["drop_fields"])
    return resource


def load_scenario_file(path):
    """Parse a scenario file: JSON when it parses as JSON, YAML otherwise (needs PyYAML)."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    try:
        data = json.loads(text)
    except ValueError:
        if yaml is None:
            raise ScenarioError("%s is not JSON and PyYAML is not installed to read it as YAML" % path)
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ScenarioError("%s: invalid YAML: %s" % (path, exc))
    return normalize_scenario(data if data is not None else {}, source=path)


def _check_keys(where, data, allowed):
    if not isinstance(data, dict):
        raise ScenarioError("%s must be a mapping, got %s" % (where, type(data).__name__))
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ScenarioError("%s: unknown key(s) %s; known keys: %s" % (where, ", ".join(unknown), ", ".join(allowed)))


def _string(where, value, required=False):
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise ScenarioError("%s must be a non-empty string" % where)
    return value


def _integer(where, value, minimum=0):
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ScenarioError("%s must be an integer >= %d" % (where, minimum))
    return value


def _number(where, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ScenarioError("%s must be a number >= 0" % where)
    return float(value)


def _choice(where, value, choices):
    if value not in choices:
        raise ScenarioError("%s must be one of %s, got %r" % (where, ", ".join(str(c) for c in choices), value))
    return value


def _boolean(where, value):
    if not isinstance(value, bool):
        raise ScenarioError("%s must be true or false" % where)
    return value


def _list(where, value):
    if value is None:
        return []
    if not isinstance(value, list):
        raise ScenarioError("%s must be a list" % where)
    return value


def _mapping(where, value):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ScenarioError("%s must be a mapping" % where)
    return dict(value)


def _autoscaling(where, value, default_min=1):
    """{min_replicas, max_replicas}; camelCase is accepted too since v2 users think in wire names."""
    value = _mapping(where, value)
    renamed = {"minReplicas": "min_replicas", "maxReplicas": "max_replicas"}
    value = {renamed.get(key, key): item for key, item in value.items()}
    _check_keys(where, value, ("min_replicas", "max_replicas"))
    minimum = _integer(where + ".min_replicas", value.get("min_replicas", default_min))
    maximum = _integer(where + ".max_replicas", value.get("max_replicas", minimum))
    if minimum > maximum:
        raise ScenarioError("%s: min_replicas (%d) cannot be greater than max_replicas (%d)" % (where, minimum, maximum))
    return {"min_replicas": minimum, "max_replicas": maximum}


def v2_state_name(where, value):
    """DEPLOYMENT_STATE_* from a short or full name; unknown full names pass through for client tests."""
    if not isinstance(value, str):
        raise ScenarioError("%s must be a deployment state string" % where)
    if value.startswith("DEPLOYMENT_STATE_"):
        return value
    return "DEPLOYMENT_STATE_" + _choice(where, value.upper(), V2_SHORT_STATES)


def _transitions(where, value, state_parser, extra_keys=()):
    transitions = []
    for index, item in enumerate(_list(where, value)):
        here = "%s[%d]" % (where, index)
        _check_keys(here, item, ("after", "state") + tuple(extra_keys))
        transition = {"after": _number(here + ".after", item.get("after")), "state": state_parser(here + ".state", item.get("state"))}
        if "message" in item:
            transition["message"] = _string(here + ".message", item["message"], required=True)
        if "ready_replicas" in item:
            transition["ready_replicas"] = _integer(here + ".ready_replicas", item["ready_replicas"])
        transitions.append(transition)
    return transitions


def _faults(where, value, default_path=None):
    faults = []
    for index, item in enumerate(_list(where, value)):
        here = "%s[%d]" % (where, index)
        if default_path and isinstance(item, dict) and "path" not in item:
            item = dict(item, path=default_path)
        try:
            faults.append(normalize_fault(item))
        except ValueError as exc:
            raise ScenarioError("%s: %s" % (here, exc))
    return faults


def _fields(where, data):
    fields = _mapping(where + ".fields", data.get("fields"))
    drop_fields = [_string("%s.drop_fields[%d]" % (where, i), name, required=True)
                   for i, name in enumerate(_list(where + ".drop_fields", data.get("drop_fields")))]
    return fields, drop_fields


def error_rate(where, value):
    """A scripted error rate: the fraction of chat completions (0 to 1) a resource answers with a 5xx."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ScenarioError("%s must be a number from 0 to 1 (the fraction of requests answered with an error)" % where)
    return float(value)


def error_status(where, value):
    return _choice(where, value, INFERENCE_ERROR_STATUSES)


def _inference(where, data, defaults=None):
    """Chat-completion behaviour of a resource: `inference_latency` seconds before answering, `inference_answer` text,
    `inference_error_rate` (the fraction of requests answered with `inference_error_status` instead)."""
    defaults = defaults or {}
    latency = data.get("inference_latency", defaults.get("inference_latency"))
    answer = data.get("inference_answer", defaults.get("inference_answer"))
    rate = data.get("inference_error_rate", defaults.get("inference_error_rate"))
    status = data.get("inference_error_status", defaults.get("inference_error_status"))
    return {"inference_latency": None if latency is None else _number(where + ".inference_latency", latency),
            "inference_answer": None if answer is None else _string(where + ".inference_answer", answer, required=True),
            "inference_error_rate": None if rate is None else error_rate(where + ".inference_error_rate", rate),
            "inference_error_status": None if status is None else error_status(where + ".inference_error_status", status)}


def _v1_state(where, value):
    return _choice(where, value, V1_STATES)


def _v1_endpoint(where, data):
    _check_keys(where, data, V1_ENDPOINT_KEYS)
    endpoint_id = _string(where + ".id", data.get("id")) or "endpoint-%s" % uuid.uuid4()
    fields, drop_fields = _fields(where, data)
    endpoint = {
        "id": endpoint_id,
        "model": _string(where + ".model", data.get("model"), required=True),
        "hardware": _string(where + ".hardware", data.get("hardware"), required=True),
        "state": _v1_state(where + ".state", data.get("state", "STARTED")),
        "autoscaling": _autoscaling(where + ".autoscaling", data.get("autoscaling")),
        "transitions": _transitions(where + ".transitions", data.get("transitions"), _v1_state),
        "fields": fields,
        "drop_fields": drop_fields,
        "faults": _faults(where + ".faults", data.get("faults"), default_path="/v1/endpoints/" + endpoint_id),
        "fail_into": _choice(where + ".fail_into", data["fail_into"], ("ERROR", "FAILED")) if data.get("fail_into") else None,
        "inactive_timeout": _integer(where + ".inactive_timeout", data["inactive_timeout"]) if data.get("inactive_timeout") is not None else None,
    }
    endpoint.update(_inference(where, data))
    for key in ("name", "display_name", "type", "owner", "created_at", "availability_zone"):
        endpoint[key] = _string("%s.%s" % (where, key), data.get(key))
    endpoint["usage_type"] = _choice(where + ".usage_type", data.get("usage_type", "on-demand"), ("on-demand", "reserved"))
    return endpoint


def _serverless_endpoint(where, data):
    _check_keys(where, data, SERVERLESS_KEYS)
    model = _string(where + ".model", data.get("model"), required=True)
    return {
        "id": _string(where + ".id", data.get("id")) or "endpoint-%s" % uuid.uuid4(),
        "name": _string(where + ".name", data.get("name")) or model,
        "model": model,
        "owner": _string(where + ".owner", data.get("owner")) or "together",
        "state": _v1_state(where + ".state", data.get("state", "STARTED")),
        "created_at": _string(where + ".created_at", data.get("created_at")),
        "usage_type": _string(where + ".usage_type", data.get("usage_type")),
    }


def _enum(value, prefix):
    """A scenario may write an enum value short ("shadow"); the API's form is prefixed ("TRAFFIC_MODE_SHADOW")."""
    if isinstance(value, str) and not value.startswith(prefix):
        return prefix + value.upper()
    return value


def _v2_deployment(where, data, omit_zero_default):
    _check_keys(where, data, V2_DEPLOYMENT_KEYS)
    fields, drop_fields = _fields(where, data)
    traffic_mode = _enum(data.get("traffic_mode", "TRAFFIC_MODE_LIVE"), "TRAFFIC_MODE_")
    deployment = {
        "id": _string(where + ".id", data.get("id")),
        "name": _string(where + ".name", data.get("name"), required=True),
        "model": _string(where + ".model", data.get("model"), required=True),
        "hardware": _string(where + ".hardware", data.get("hardware")),
        "config": _string(where + ".config", data.get("config")),
        "state": v2_state_name(where + ".state", data.get("state", "READY")),
        "autoscaling": _autoscaling(where + ".autoscaling", data.get("autoscaling")),
        "ready_replicas": _integer(where + ".ready_replicas", data["ready_replicas"]) if "ready_replicas" in data else None,
        "status_message": _string(where + ".status_message", data.get("status_message")),
        "transitions": _transitions(where + ".transitions", data.get("transitions"), v2_state_name, ("message", "ready_replicas")),
        "traffic_mode": _choice(where + ".traffic_mode", traffic_mode, ("TRAFFIC_MODE_LIVE", "TRAFFIC_MODE_SHADOW")),
        "omit_zero_fields": _boolean(where + ".omit_zero_fields", data.get("omit_zero_fields", omit_zero_default)),
        "inactive_timeout": _integer(where + ".inactive_timeout", data["inactive_timeout"]) if "inactive_timeout" in data else None,
        "created_at": _string(where + ".created_at", data.get("created_at")),
        "fields": fields,
        "drop_fields": drop_fields,
        "faults": data.get("faults"),
    }
    deployment.update(_inference(where, data))
    return deployment


def _v2_endpoint(where, data, omit_zero_default):
    _check_keys(where, data, V2_ENDPOINT_KEYS)
    fields, drop_fields = _fields(where, data)
    endpoint_type = _enum(data.get("endpoint_type", "ENDPOINT_TYPE_DEDICATED"), "ENDPOINT_TYPE_")
    visibility = _enum(data.get("visibility", "VISIBILITY_PRIVATE"), "VISIBILITY_")
    split = []
    for index, item in enumerate(_list(where + ".traffic_split", data.get("traffic_split"))):
        here = "%s.traffic_split[%d]" % (where, index)
        _check_keys(here, item, ("deployment", "weight"))
        split.append({"deployment": _string(here + ".deployment", item.get("deployment"), required=True),
                      "weight": _number(here + ".weight", item.get("weight", 1))})
    return {
        "id": _string(where + ".id", data.get("id")),
        "name": _string(where + ".name", data.get("name"), required=True),
        "endpoint_type": _choice(where + ".endpoint_type", endpoint_type,
                                 ("ENDPOINT_TYPE_DEDICATED", "ENDPOINT_TYPE_SERVERLESS", "ENDPOINT_TYPE_RESERVED")),
        "visibility": _choice(where + ".visibility", visibility, ("VISIBILITY_PRIVATE", "VISIBILITY_INTERNAL")),
        "traffic_split": split,
        "deployments": [_v2_deployment("%s.deployments[%d]" % (where, i), item, omit_zero_default)
                        for i, item in enumerate(_list(where + ".deployments", data.get("deployments")))],
        "created_at": _string(where + ".created_at", data.get("created_at")),
        "fields": fields,
        "drop_fields": drop_fields,
        "faults": data.get("faults"),
    }


def normalize_fault_list(where, value, default_path):
    """Faults of a v2 resource, whose default path is only known once its id is."""
    return _faults(where, value, default_path=default_path)


def normalize_scenario(data, source="scenario"):
    """Check a scenario mapping and return it with every default filled in."""
    _check_keys(source, data, TOP_LEVEL_KEYS)
    timings = dict(DEFAULT_TIMINGS)
    given_timings = _mapping("timings", data.get("timings"))
    _check_keys("timings", given_timings, tuple(DEFAULT_TIMINGS))
    timings.update({key: _number("timings." + key, value) for key, value in given_timings.items()})

    project = dict(DEFAULT_PROJECT)
    given_project = _mapping("project", data.get("project"))
    _check_keys("project", given_project, ("id", "slug", "name"))
    project.update({key: _string("project." + key, value, required=True) for key, value in given_project.items()})
    organization = dict(DEFAULT_ORGANIZATION)
    given_organization = _mapping("organization", data.get("organization"))
    _check_keys("organization", given_organization, ("id", "name"))
    organization.update({key: _string("organization." + key, value, required=True) for key, value in given_organization.items()})

    serverless = data.get("serverless_endpoints")
    omit_zero_default = _boolean("omit_zero_fields", data.get("omit_zero_fields", False))
    hardware = data.get("hardware")
    scenario = {
        "inference": _scenario_inference(data),
        "api_key": _string("api_key", data.get("api_key")),
        "auth_error_status": _choice("auth_error_status", data["auth_error_status"], (401, 403)) if "auth_error_status" in data else None,
        "v1_retired": _boolean("v1_retired", data["v1_retired"]) if "v1_retired" in data else None,
        "time_scale": _number("time_scale", data["time_scale"]) if "time_scale" in data else None,
        "owner": _string("owner", data.get("owner")) or "devuser",
        "timings": timings,
        "fail_into": _choice("fail_into", data["fail_into"], ("ERROR", "FAILED")) if data.get("fail_into") else None,
        "serverless_endpoints": None if serverless is None else [
            _serverless_endpoint("serverless_endpoints[%d]" % i, item) for i, item in enumerate(_list("serverless_endpoints", serverless))],
        "endpoints": [_v1_endpoint("endpoints[%d]" % i, item) for i, item in enumerate(_list("endpoints", data.get("endpoints")))],
        "faults": _faults("faults", data.get("faults")),
        "hardware": None if hardware is None else _list("hardware", hardware),
        "hardware_availability": {
            key: _choice("hardware_availability." + key, value, ("available", "unavailable", "insufficient"))
            for key, value in _mapping("hardware_availability", data.get("hardware_availability")).items()},
        "model_hardware": {
            key: [_string("model_hardware.%s[%d]" % (key, i), item, required=True) for i, item in enumerate(_list("model_hardware." + key, value))]
            for key, value in _mapping("model_hardware", data.get("model_hardware")).items()},
        "availability_zones": None if data.get("availability_zones") is None else [
            _string("availability_zones[%d]" % i, item, required=True) for i, item in enumerate(_list("availability_zones", data["availability_zones"]))],
        "echo_inactive_timeout": _boolean("echo_inactive_timeout", data.get("echo_inactive_timeout", False)),
        "project": project,
        "organization": organization,
        "whoami_type": _choice("whoami_type", data.get("whoami_type", "project_api_key"), ("project_api_key", "org_api_key")),
        "v2_endpoints": [_v2_endpoint("v2_endpoints[%d]" % i, item, omit_zero_default)
                         for i, item in enumerate(_list("v2_endpoints", data.get("v2_endpoints")))],
        "v2_error_format": _choice("v2_error_format", data["v2_error_format"], ("classic", "rpc")) if "v2_error_format" in data else None,
        "v2_unknown_project_status": _choice("v2_unknown_project_status", data.get("v2_unknown_project_status", 404), (403, 404)),
        "v2_delete_conflict_status": _choice("v2_delete_conflict_status", data.get("v2_delete_conflict_status", 409), (400, 409)),
        "v2_last_page_cursor": _choice("v2_last_page_cursor", data.get("v2_last_page_cursor", "omit"), ("omit", "empty")),
        "omit_zero_fields": omit_zero_default,
        "models": ([_model("models[%d]" % i, item, project["id"]) for i, item in enumerate(_list("models", data.get("models")))]
                   if "models" in data else [dict(DEFAULT_PRIVATE_MODEL, name=project["slug"] + "/" + DEFAULT_PRIVATE_MODEL["name"],
                                                  project=project["id"])]),
        "v2_capacity": {_string("v2_capacity key", key, required=True): _integer("v2_capacity." + str(key), value)
                        for key, value in _mapping("v2_capacity", data.get("v2_capacity")).items()},
        "v2_capacity_mode": _choice("v2_capacity_mode", data.get("v2_capacity_mode", "refuse"), ("refuse", "degrade")),
        "v2_fail_into": _choice("v2_fail_into", data["v2_fail_into"], ("FAILED", "DEGRADED")) if data.get("v2_fail_into") else None,
        "v2_instance_types": None if data.get("v2_instance_types") is None else [
            _instance_type("v2_instance_types[%d]" % i, item) for i, item in enumerate(_list("v2_instance_types", data["v2_instance_types"]))],
        "v2_model_configs": {
            _string("v2_model_configs key", key, required=True): [
                _string("v2_model_configs.%s[%d]" % (key, i), item, required=True) for i, item in enumerate(_list("v2_model_configs." + str(key), value))]
            for key, value in _mapping("v2_model_configs", data.get("v2_model_configs")).items()},
        "inference_v2_on_api_host": _boolean("inference_v2_on_api_host", data.get("inference_v2_on_api_host", False)),
        "inference_cluster_header": _choice("inference_cluster_header", data.get("inference_cluster_header", "name"),
                                            ("name", "id", "qualified", "none")),
        "v2_unrouted_error": _choice("v2_unrouted_error", data.get("v2_unrouted_error", "endpoint_not_configured"),
                                     ("endpoint_not_configured", "routing_error")),
        "v2_supported_models": None if data.get("v2_supported_models") is None else [
            _string("v2_supported_models[%d]" % i, item, required=True)
            for i, item in enumerate(_list("v2_supported_models", data["v2_supported_models"]))],
    }
    return scenario


def _scenario_inference(data):
    """The scenario-wide inference behaviour, every resource's default: no latency, no errors, 503 when erring."""
    inference = _inference("scenario", data)
    inference["inference_latency"] = inference["inference_latency"] or 0.0
    inference["inference_error_rate"] = inference["inference_error_rate"] or 0.0
    inference["inference_error_status"] = inference["inference_error_status"] or 503
    return inference


def _instance_type(where, data):
    """A v2 instance type: a built-in name, or {name, gpu_type, gpu_count, gpu_memory_gib, price_cents_per_hour}."""
    if isinstance(data, str):
        return {"name": data}
    _check_keys(where, data, INSTANCE_TYPE_KEYS)
    name = _string(where + ".name", data.get("name"), required=True)
    match = INSTANCE_TYPE_NAME.match(name)
    if not match:
        raise ScenarioError("%s.name must look like <gpu_count>x<accelerator>, e.g. 1xnvidia-h100-80gb; got %r" % (where, name))
    item = {"name": name, "gpu_type": _string(where + ".gpu_type", data.get("gpu_type", "H100"), required=True),
            "gpu_count": _integer(where + ".gpu_count", data.get("gpu_count", int(match.group(1))), minimum=1),
            "gpu_memory_gib": _integer(where + ".gpu_memory_gib", data.get("gpu_memory_gib", 80), minimum=1),
            "price_cents_per_hour": _integer(where + ".price_cents_per_hour", data.get("price_cents_per_hour", 399))}
    return item


def _model(where, data, default_project):
    """A project's own model: {id: ml_..., name, project?, base_model?, description?, visibility?}."""
    _check_keys(where, data, ("id", "name", "project", "base_model", "description", "visibility"))
    model_id = _string(where + ".id", data.get("id"), required=True)
    if not model_id.startswith("ml_") or "/" in model_id:
        raise ScenarioError("%s.id must be a model id such as ml_abc, got %r" % (where, model_id))
    base = _string(where + ".base_model", data.get("base_model"))
    if base and not (re.match(r"^projects/[^/]+/models/[^/]+$", base) or re.match(r"^ml_[A-Za-z0-9_-]+$", base)
                     or (len(base.split("/")) == 2 and all(base.split("/")))):
        raise ScenarioError("%s.base_model must be a public model's readable name (meta-llama/Llama-3.1-8B-Instruct), ml_ id "
                            "or path projects/{p}/models/{id}; got %r" % (where, base))
    return {"id": model_id, "name": _string(where + ".name", data.get("name"), required=True),
            "project": _string(where + ".project", data.get("project")) or default_project, "base_model": base,
            "description": _string(where + ".description", data.get("description")),
            "visibility": _choice(where + ".visibility", data.get("visibility", "VISIBILITY_PRIVATE"),
                                  ("VISIBILITY_PRIVATE", "VISIBILITY_INTERNAL"))}
