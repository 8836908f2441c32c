# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The contract table: each operation the collection performs, how Together's SDK or CLI performs it, and every
difference between their requests that is known and explained (docs/contract.md is this table in prose).

A case:
- `scenario`: the simulator's state before either side runs (the same for both);
- `reference`: ("sdk-v2" | "sdk-v1", op of _sdk_side.py, args) or ("cli", argv) for the 3.1.1 CLI;
- `collection`: (module, args): together_endpoint runs through its action plugin, the others as modules;
- `differences`: what the collection sends unlike the reference, each with its reason. Anything else that differs
  fails the test, and so does a difference declared here that no longer occurs.

A difference is one of
- Extra(method, path, count, reason): requests only the collection sends (exactly `count` of them);
- Missing(method, path, count, reason): requests only the reference sends;
- Query(method, path, name, reason) / Body(method, path, key, reason): a query parameter or top-level body key whose
  value (or presence) differs on requests both send.
`path` is a regular expression matched against the whole normalized path ({ep1}, {dep1}: ids created during the run).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

PROJECT = {"id": "proj_contract", "slug": "contract-project", "name": "Contract project"}
V1_ENDPOINT = "endpoint-5b0d2c1e-0000-4000-8000-000000000001"
PUBLIC_MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo"
BASE_MODEL = "meta-llama/Llama-3.1-8B-Instruct"
PRIVATE_MODEL = "%s/my-ft" % PROJECT["slug"]
HARDWARE = "1xnvidia-h100-80gb"
PROMPT = "Reply with the single word OK."
FAST = {"pending": 0.05, "starting": 0.05, "stopping": 0.05, "provisioning": 0.05, "scaling": 0.05}

SCENARIO = {
    "project": PROJECT,
    "timings": FAST,
    "v1_retired": False,
    "endpoints": [{"id": V1_ENDPOINT, "model": "meta-llama/Llama-3-8b-chat-hf", "hardware": "1x_nvidia_h100_80gb_sxm"}],
    "models": [{"id": "ml_contractft", "name": "my-ft", "base_model": BASE_MODEL}],
    "v2_endpoints": [
        {"id": "ep_chat", "name": "chat", "traffic_split": [{"deployment": "blue", "weight": 1}],
         "deployments": [{"id": "dep_blue", "name": "blue", "model": BASE_MODEL, "state": "READY",
                          "autoscaling": {"min_replicas": 1, "max_replicas": 1}}]},
        {"id": "ep_canary", "name": "canary", "traffic_split": [{"deployment": "cblue", "weight": 1}],
         "deployments": [{"id": "dep_cblue", "name": "cblue", "model": BASE_MODEL, "state": "READY"},
                         {"id": "dep_cgreen", "name": "cgreen", "model": BASE_MODEL, "state": "READY"}]},
        {"id": "ep_old", "name": "old",
         "deployments": [{"id": "dep_old", "name": "old", "model": BASE_MODEL, "state": "STOPPED",
                          "autoscaling": {"min_replicas": 0, "max_replicas": 0}}]},
    ],
}
WHOAMI_404 = dict(SCENARIO, faults=[{"path": "/v3/whoami", "kind": "status", "statuses": [404], "times": 1}])

ENDPOINT = "together.ai.together_endpoint"
INFO = "together.ai.together_endpoint_info"
HARDWARE_INFO = "together.ai.together_hardware_info"
PROBE = "together.ai.together_endpoint_probe"

Extra = collections.namedtuple("Extra", "method path count reason")
Missing = collections.namedtuple("Missing", "method path count reason")
Query = collections.namedtuple("Query", "method path name reason")
Body = collections.namedtuple("Body", "method path key reason")
Case = collections.namedtuple("Case", "name operation scenario reference collection differences")

P = "/v2/projects/%s" % PROJECT["id"]
CLI = ["--non-interactive", "--json", "--project", PROJECT["id"]]
# The config ids of the catalog are read from the simulator at run time (they are its, not ours): {config:...} below.
DEPLOY_ARGS = dict(min_replicas=1, max_replicas=1, deployment_name="main", hardware=HARDWARE, wait=False,
                   project_id=PROJECT["id"])

# Why the collection sends what it sends where it differs (docs/contract.md says the same).
PAGED = ("the collection pages every list itself with an explicit page size (limit=100) and follows next_cursor; the SDK "
         "sends no limit (the API's default page of 50) and pages lazily")
FINDS_BY_NAME = ("together_endpoint finds the endpoint by name (the exact-name filter, as the CLI's resolve_endpoint), "
                 "then reads it back after its writes to plan again and return it; the SDK call is given the id")
CREATE_FINDS_FIRST = ("together_endpoint looks for the endpoint by name before it creates it (idempotence), and reads it "
                      "back after; the CLI creates first and looks it up only on 409")
MODEL_NAME = ("together_endpoint returns the endpoint as together_endpoint_info does, with each deployment's readable "
              "model name (GET of the model, once per model)")
FULL_DEPLOYMENTS = ("before any write the collection reads every deployment of the endpoint (etags and configs, which the "
                    "summaries lack), where the SDK call reads only the one it changes for its etag")
SDK_READS_ONE = "the SDK call reads the one object it changes for its etag; the collection has it from the full list"
VISIBILITY = ("the collection states visibility VISIBILITY_PRIVATE on create when the task gives none; the CLI omits it "
              "and the API's default is private")
ANY = "[^/]+"
MODEL_GET = Extra("GET", r"/v2/projects/%s/models/ml_%s" % (ANY, ANY), 1, MODEL_NAME)


def _writer_reads(endpoint_id, sdk_reads):
    """What together_endpoint reads around the writes of an existing endpoint, unlike one SDK call."""
    return [Extra("GET", P + "/endpoints", 2, FINDS_BY_NAME), MODEL_GET,
            Extra("GET", "%s/endpoints/%s/deployments" % (P, endpoint_id), 1, FULL_DEPLOYMENTS),
            Missing("GET", sdk_reads, 1, SDK_READS_ONE)]


DEPLOYED = [Extra("GET", P + "/endpoints", 2, CREATE_FINDS_FIRST), MODEL_GET, Body("POST", P + "/endpoints", "visibility", VISIBILITY)]

CASES = [
    Case("whoami_v3_list_v2_by_name", "whoami (v3); list v2 endpoints by name", SCENARIO,
         ("sdk-v2", "whoami_then_list_by_name", dict(name="chat")),
         (INFO, dict(api_version="v2", name="chat")),
         [Query("GET", P + "/endpoints", "limit", PAGED)]),
    Case("whoami_v1_fallback", "whoami (v1 fallback when /v3/whoami is 404)", WHOAMI_404,
         ("sdk-v2", "whoami_then_list_by_name", dict(name="chat", project_id=PROJECT["id"])),
         (INFO, dict(api_version="v2", name="chat")),
         [Extra("GET", "/v1/whoami", 1, "no Together client sends it (the 3.1.1 SDK and CLI ask /v3/whoami only): the "
                "collection falls back to the flat v1 whoami when /v3/whoami answers 404"),
          Query("GET", P + "/endpoints", "limit", PAGED)]),
    Case("get_v1", "get endpoint (v1)", SCENARIO,
         ("sdk-v1", "get_v1", dict(endpoint_id=V1_ENDPOINT)),
         (INFO, dict(endpoint_id=V1_ENDPOINT)),
         []),
    Case("list_v1", "list endpoints (v1, filtered)", SCENARIO,
         ("sdk-v1", "list_v1", dict(type="dedicated", usage_type="on-demand", mine=True)),
         (INFO, dict(api_version="v1", type="dedicated", usage_type="on-demand", mine=True)),
         [Query("GET", "/v1/endpoints", "mine", "the 1.x SDK sends Python's str(True), mine=True; the collection sends the "
                "spec's boolean spelling, mine=true (the simulator, like the API, takes either case)")]),
    Case("get_v2", "get endpoint (v2) and its model's name", SCENARIO,
         ("sdk-v2", "get_v2", dict(endpoint_id="ep_chat")),
         (INFO, dict(endpoint_id="ep_chat", project_id=PROJECT["id"])),
         []),
    Case("hardware_v2", "hardware: v2 instance types", SCENARIO,
         ("sdk-v2", "hardware_v2", {}),
         (HARDWARE_INFO, dict(api_version="v2", project_id=PROJECT["id"])),
         []),
    Case("configs_of_model", "configs of a model (supported-models search, configs list)", SCENARIO,
         ("cli", CLI + ["models", "configs", BASE_MODEL]),
         (HARDWARE_INFO, dict(api_version="v2", model=BASE_MODEL, project_id=PROJECT["id"])),
         [Extra("GET", "/v2/public/inference-instance-types", 1, "together_hardware_info returns the instance types the "
                "model's configs run on, so it reads the catalog too"),
          Query("GET", P + "/configs", "referenceModel", "`tg models configs` filters by the base model's path "
                "(referenceModel=projects/.../models/ml_...); the collection lists configs as `tg endpoints deploy` does"),
          Query("GET", P + "/configs", "referenceModelId", "the collection lists configs as `tg endpoints deploy` does "
                "(resolve_configs: referenceModelId=<base model id>), for hardware_info and deployments alike")]),
    Case("deploy_public", "create endpoint + deployment from a public model name and hardware", SCENARIO,
         ("cli", CLI + ["endpoints", "deploy", "--model", PUBLIC_MODEL, "--config", "{config:%s}" % PUBLIC_MODEL,
                        "--endpoint", "new-chat", "--min-replicas", "1", "--max-replicas", "1", "--deployment-name", "main"]),
         (ENDPOINT, dict(DEPLOY_ARGS, name="new-chat", model=PUBLIC_MODEL)),
         DEPLOYED),
    Case("deploy_public_config", "create endpoint + deployment from a public model name and config", SCENARIO,
         ("cli", CLI + ["endpoints", "deploy", "--model", PUBLIC_MODEL, "--config", "{config:%s}" % PUBLIC_MODEL,
                        "--endpoint", "new-chat", "--min-replicas", "1", "--max-replicas", "1", "--deployment-name", "main"]),
         (ENDPOINT, dict(DEPLOY_ARGS, name="new-chat", model=PUBLIC_MODEL, hardware=None, config="{config:%s}" % PUBLIC_MODEL)),
         DEPLOYED + [Extra("GET", P + r"/endpoints/\{ep1\}/deployments", 1, "with config declared, the read-back compares "
                           "it with the full deployment (the endpoint's summaries carry no config)")]),
    Case("deploy_private", "create endpoint + deployment from a private <project-slug>/<name> model", SCENARIO,
         ("cli", CLI + ["endpoints", "deploy", "--model", PRIVATE_MODEL, "--config", "{config:%s}" % BASE_MODEL,
                        "--endpoint", "ft-chat", "--min-replicas", "1", "--max-replicas", "1", "--deployment-name", "main"]),
         (ENDPOINT, dict(DEPLOY_ARGS, name="ft-chat", model=PRIVATE_MODEL)),
         DEPLOYED),
    Case("scale", "scale (PATCH deployment autoscaling)", SCENARIO,
         ("sdk-v2", "scale", dict(endpoint_id="ep_chat", deployment_id="dep_blue", min=1, max=2)),
         (ENDPOINT, dict(name="chat", model=BASE_MODEL, deployment_name="blue", min_replicas=1, max_replicas=2, wait=False,
                         project_id=PROJECT["id"])),
         _writer_reads("ep_chat", P + "/endpoints/ep_chat/deployments/dep_blue")),
    Case("traffic_split", "traffic split (PATCH endpoint trafficSplit)", SCENARIO,
         ("sdk-v2", "traffic_split", dict(endpoint_id="ep_canary", split=[["dep_cblue", 1], ["dep_cgreen", 1]])),
         (ENDPOINT, dict(name="canary", deployments=[dict(name="cblue", traffic_weight=1), dict(name="cgreen", traffic_weight=1)],
                         wait=False, project_id=PROJECT["id"])),
         _writer_reads("ep_canary", P + "/endpoints/ep_canary")),
    Case("stop", "stop (PATCH deployment autoscaling 0/0)", SCENARIO,
         ("sdk-v2", "scale", dict(endpoint_id="ep_chat", deployment_id="dep_blue", min=0, max=0)),
         (ENDPOINT, dict(name="chat", state="stopped", wait=False, project_id=PROJECT["id"])),
         _writer_reads("ep_chat", P + "/endpoints/ep_chat/deployments/dep_blue")),
    Case("delete", "delete deployment, then endpoint", SCENARIO,
         ("sdk-v2", "delete", dict(endpoint_id="ep_old", deployment_id="dep_old")),
         (ENDPOINT, dict(name="old", state="absent", wait=False, project_id=PROJECT["id"])),
         _writer_reads("ep_old", P + "/endpoints/ep_old/deployments/dep_old")),
    Case("chat_probe", "chat probe (POST chat/completions)", SCENARIO,
         ("sdk-v2", "chat", dict(model="%s/chat" % PROJECT["slug"], prompt=PROMPT, max_tokens=1)),
         (PROBE, dict(model="%s/chat" % PROJECT["slug"], api_version="v2", inference_base_url="{proxy}/inference/v1")),
         [Body("POST", "/inference/v1/chat/completions", "stream", "the probe asks for a whole answer explicitly "
               "(stream: false, the API's default); the SDK leaves it out")]),
]
