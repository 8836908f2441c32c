"""Fixed catalogs: v1 hardware, default serverless endpoints, availability zones, v2 instance types.

Hardware ids follow the v1 spelling (`1x_nvidia_h100_80gb_sxm`) and include every id the together
1.x CLI builds from `--gpu`/`--gpu-count`, so `together endpoints create` works unchanged.
"""

import hashlib
import secrets
import string

ALPHABET = string.digits + string.ascii_letters

# family -> (gpu_type, gpu_link, gpu_memory in GB, cents per minute per GPU, GPU counts offered)
V1_HARDWARE_FAMILIES = {
    "nvidia_a100_80gb_pcie": ("a100-80gb", "pcie", 80, 4.0, (1, 2)),
    "nvidia_a100_80gb_sxm": ("a100-80gb", "sxm", 80, 4.27, (1, 2, 4, 8)),
    "nvidia_h100_80gb_sxm": ("h100-80gb", "sxm", 80, 5.42, (1, 2, 4, 8)),
    "nvidia_h200_140gb_sxm": ("h200-140gb", "sxm", 140, 6.98, (1, 2, 4, 8)),
    "nvidia_b200_180gb_sxm": ("b200-180gb", "sxm", 180, 9.17, (1, 2, 4, 8)),
    "nvidia_l40": ("l40", "pcie", 48, 2.5, (1, 2)),
    "nvidia_l40s": ("l40s", "pcie", 48, 2.8, (1, 2, 4)),
    "nvidia_rtx_6000_ada": ("rtx-6000-ada", "pcie", 48, 2.2, (1, 2)),
}

DEFAULT_AVAILABILITY_ZONES = ["us-central-4b", "us-east-1a", "eu-north-1a"]

# The first entry is the spec's own example item for GET /endpoints.
DEFAULT_SERVERLESS_ENDPOINTS = [
    {"id": "endpoint-5c0c20db-62fe-4f41-8ffc-d9e4ea1a264e", "name": "allenai/OLMo-7B", "model": "allenai/OLMo-7B", "owner": "together",
     "state": "STARTED", "created_at": "2024-02-28T21:34:35.444Z"},
    {"id": "endpoint-8f2b7f4e-2a1c-4b8e-9d6f-3c5a1e0b7d42", "name": "meta-llama/Llama-3.3-70B-Instruct-Turbo",
     "model": "meta-llama/Llama-3.3-70B-Instruct-Turbo", "owner": "together", "state": "STARTED", "created_at": "2024-12-06T18:02:11.120Z"},
]

# Public v2 configs and models live in a Together-owned project, not in the caller's.
PLATFORM_PROJECT_ID = "proj_together"

# v2 instance types: name -> (gpu_type, gpu_count, gpu_memory_gib, price in cents per hour)
V2_INSTANCE_TYPES = {
    "1xnvidia-h100-80gb": ("H100", 1, 80, 399),
    "2xnvidia-h100-80gb": ("H100", 2, 80, 798),
    "8xnvidia-h100-80gb": ("H100", 8, 80, 3192),
    "1xnvidia-h200-141gb": ("H200", 1, 141, 499),
    "8xnvidia-h200-141gb": ("H200", 8, 141, 3992),
    "1xnvidia-b200-180gb": ("B200", 1, 180, 599),
    "1xnvidia-a100-80gb": ("A100", 1, 80, 256),
    "1xnvidia-l40s-48gb": ("L40S", 1, 48, 168),
    # No published price (0, as the SDK's type needs a number): what cost checks must call an unknown cost.
    "1xnvidia-gh200-96gb": ("GH200", 1, 96, 0),
}
V2_REGIONS = ["us-central-4", "us-east-1"]
DEFAULT_V2_HARDWARE = "1xnvidia-h100-80gb"


def stable_suffix(seed, length=21):
    """A base62 string derived from a seed, so the same name always gets the same id."""
    number = int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest(), "big")
    chars = []
    for _index in range(length):
        number, digit = divmod(number, 62)
        chars.append(ALPHABET[digit])
    return "".join(chars)


def new_suffix(length=21):
    return "".join(secrets.choice(ALPHABET) for _index in range(length))


def v1_hardware_specs(hardware_id):
    """(gpu_type, gpu_link, gpu_memory, gpu_count, cents_per_minute) for `<n>x_<family>`, or None."""
    count, _sep, family = hardware_id.partition("x_")
    if not count.isdigit() or family not in V1_HARDWARE_FAMILIES:
        return None
    gpu_type, gpu_link, gpu_memory, cents, _counts = V1_HARDWARE_FAMILIES[family]
    return gpu_type, gpu_link, gpu_memory, int(count), round(cents * int(count), 2)


def default_v1_hardware_ids():
    return ["%dx_%s" % (count, family) for family, spec in V1_HARDWARE_FAMILIES.items() for count in spec[4]]


def v1_hardware_item(entry, updated_at):
    """A HardwareWithStatus (without availability) from an id string or a scenario dict."""
    if isinstance(entry, dict):
        item = {"object": "hardware", "updated_at": updated_at}
        item.update(entry)
        return item
    specs = v1_hardware_specs(entry)
    if specs is None:
        raise ValueError("unknown hardware id %r: use <count>x_<family> with a family of %s, or give a full dict"
                         % (entry, ", ".join(sorted(V1_HARDWARE_FAMILIES))))
    gpu_type, gpu_link, gpu_memory, gpu_count, cents = specs
    return {
        "object": "hardware",
        "id": entry,
        "pricing": {"cents_per_minute": cents},
        "specs": {"gpu_type": gpu_type, "gpu_link": gpu_link, "gpu_memory": gpu_memory, "gpu_count": gpu_count},
        "updated_at": updated_at,
    }


def v2_instance_type(name, spec=None, remaining=None):
    """An InferenceInstanceType; `spec` (gpu_type, gpu_count, memory GiB, cents per hour) defaults to the built-in table.

    With a scripted capacity, `remaining` replicas show as the first region's exact headroom (the others have none).
    """
    gpu_type, gpu_count, memory, price = spec or V2_INSTANCE_TYPES[name]
    if remaining is None:
        regions = [{"name": region, "headroom": {"relation": "RELATION_GTE", "value": 4}} for region in V2_REGIONS]
    else:
        regions = [{"name": region, "headroom": {"relation": "RELATION_EQ", "value": remaining if index == 0 else 0}}
                   for index, region in enumerate(V2_REGIONS)]
    return {
        "id": "it_" + stable_suffix("instance-type:" + name, 12),
        "name": name,
        "description": "%d x NVIDIA %s %d GB" % (gpu_count, gpu_type, memory),
        "gpuCount": gpu_count,
        "gpuMemoryGib": memory,
        "gpuType": gpu_type,
        "priceCentsPerHour": price,
        "regions": regions,
    }


def v2_config_id(hardware, model_path):
    """The id of the config that runs `model_path` (projects/{p}/models/{ml}, no revision) on an instance type."""
    return "cr_" + stable_suffix("config:%s:%s" % (model_path, hardware))


def v2_config(config_id, hardware, reference_model, project_id=None):
    """A Config whose selectors fix `hardware` (`<count>x<accelerator-type>`): it belongs to one reference model and is
    owned by `project_id` (the platform project for public models' configs)."""
    count, _sep, accelerator = hardware.partition("x")
    model_path = reference_model.split("/revisions/")[0]
    return {
        "id": config_id,
        "certifications": [],
        "projectId": project_id or PLATFORM_PROJECT_ID,
        "referenceModel": model_path,
        "referenceModelId": model_path.rsplit("/", 1)[-1],
        "selectors": [{"key": "accelerator_type", "value": accelerator}, {"key": "accelerator_count", "value": count}],
    }


def v2_model_resource(model):
    """A model resource path; a readable name ("meta-llama/Llama-3-8b") becomes a stable public path."""
    if model.startswith("projects/") and "/models/" in model:
        if "/revisions/" in model:
            return model
        return model + "/revisions/rv_" + stable_suffix("revision:" + model)
    return "projects/%s/models/%s/revisions/rv_%s" % (PLATFORM_PROJECT_ID, public_model_id(model), stable_suffix("revision:" + model))


# Public models whose readable names GET /v2/projects/proj_together/models/{id} knows without being told: the ones the
# bundled scenarios, tests and docs use. Any other readable name becomes known once a scenario or a create uses it.
PUBLIC_MODEL_NAMES = (
    "meta-llama/Llama-3-8b-chat-hf", "meta-llama/Llama-3-70b-chat-hf", "meta-llama/Llama-3.1-8B-Instruct",
    "meta-llama/Llama-3.3-70B-Instruct-Turbo", "mistralai/Mixtral-8x7B-Instruct-v0.1", "deepseek-ai/DeepSeek-R1",
    "allenai/OLMo-7B",
)
PLATFORM_ORGANIZATION_ID = "org_together"


def public_model_id(name):
    return "ml_" + stable_suffix("model:" + name)


def v2_model(model_id, record, project_id, organization_id):
    """A Model (together 3.1.1 types/model.py) as GET /v2/projects/{p}/models[/{id}] answers it.

    `record` is {name, base_model (a path or ""), description?, visibility?}. The SDK's visibility enum has only
    VISIBILITY_PRIVATE and VISIBILITY_INTERNAL, so a public model (owned by the platform organization) reads INTERNAL.
    """
    public = project_id == PLATFORM_PROJECT_ID
    body = {
        "id": model_id,
        "name": record["name"],
        "organizationId": PLATFORM_ORGANIZATION_ID if public else organization_id,
        "projectId": project_id,
        "visibility": record.get("visibility") or ("VISIBILITY_INTERNAL" if public else "VISIBILITY_PRIVATE"),
        "weights": {"type": "WEIGHTS_TYPE_DEFAULT"},
    }
    if record.get("base_model"):
        body["baseModel"] = record["base_model"]
        body["baseModelId"] = record["base_model"].rsplit("/", 1)[-1]
    if record.get("description"):
        body["description"] = record["description"]
    return body


def model_ids(model_resource):
    """(modelId, modelRevisionId) from a resource path."""
    parts = model_resource.split("/")
    model_id = parts[3] if len(parts) > 3 else ""
    revision_id = parts[5] if len(parts) > 5 else ""
    return model_id, revision_id


def v2_supported_model(name, configs, instance_types):
    """A SupportedModel catalog entry (GET /v2/supported-models) with one deployment profile per config of the model.

    `configs` is [(config_id, instance type name)]: the configs whose reference model is this public model.
    """
    resource = v2_model_resource(name)
    model_path = resource.split("/revisions/")[0]
    publisher = name.split("/", 1)[0] if "/" in name else "together"
    profiles = []
    for config_id, hardware in configs:
        _gpu_type, gpu_count, _memory, _price = instance_types[hardware]
        # The profile's gpuType is the accelerator as the instance type names it (nvidia-h100-80gb), so
        # {gpuCount}x{gpuType} is the instance type; the 3.1.1 CLI splits it on "-" to show it ("Nvidia H100 80gb").
        gpu_type = hardware.partition("x")[2]
        profiles.append({
            "certifiedConfigRevisionId": config_id,
            "certifiedModelRevisionId": resource.rsplit("/", 1)[-1],
            "config": "projects/%s/configs/%s" % (PLATFORM_PROJECT_ID, config_id),
            "gpuCount": gpu_count,
            "gpuType": gpu_type,
            "model": resource,
            "modelName": name,
            "parallelism": "TP%d" % gpu_count,
            "performanceBenchmarks": {},
            "profileId": config_id,
            "quantization": "",
        })
    return {
        "id": public_model_id(name),
        "baseModel": model_path,
        "baseModelId": model_path.rsplit("/", 1)[-1],
        "capabilities": ["CAPABILITY_CHAT"],
        "createdAt": "2025-01-01T00:00:00Z",
        "deploymentProfiles": profiles,
        "displayName": name.split("/", 1)[-1],
        "displayType": "chat",
        "inputModalities": ["MODALITY_TEXT"],
        "name": name,
        "outputModalities": ["MODALITY_TEXT"],
        "products": ["PRODUCT_DEDICATED"],
        "publisher": publisher,
        "status": "SUPPORTED_MODEL_STATUS_SUPPORTED",
        "updatedAt": "2025-01-01T00:00:00Z",
    }
