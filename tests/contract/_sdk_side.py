# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Together's own SDK performing each operation of the contract table, for the recording proxy.

Run with a reference venv's python (together 3.1.1 for v2 and chat, together 1.6.0 for v1):
`python _sdk_side.py < plan.json`, plan = {"proxy": URL, "project_id": P, "cases": [{"case", "op", "args"}]}.
Before each case it asks the proxy to reset the simulator and record (/_contract/begin), after it to stop
(/_contract/end). It prints {case: null or the error it met} as JSON: the test judges the requests, not this.
Each op calls the SDK the way Together's CLI (3.1.1) calls it for the same operation, etag included where the
SDK method takes one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import json
import sys
import urllib.request

API_KEY = "sim-key"


def control(proxy, action, **query):
    url = "%s/_contract/%s?%s" % (proxy, action, "&".join("%s=%s" % item for item in sorted(query.items())))
    with urllib.request.urlopen(urllib.request.Request(url, data=b"", method="POST"), timeout=30) as answer:
        return json.loads(answer.read().decode("utf-8"))


# -- together 3.1.1 (v2, whoami, catalogs, chat) ---------------------------------------------------------------------

def _v2(plan, **kwargs):
    together = importlib.import_module("together")
    options = dict(api_key=API_KEY, base_url=plan["proxy"], project_id=plan["project_id"], max_retries=0)
    options.update(kwargs)
    return together.Together(**options)


def _model_names(client, deployments):
    """What the CLI does to show a deployment's model: models.retrieve of each distinct model path (once)."""
    seen = []
    for deployment in deployments or []:
        path = (deployment.model or "").split("/")
        if len(path) >= 4 and path[0] == "projects" and path[2] == "models" and deployment.model not in seen:
            seen.append(deployment.model)
            client.models.retrieve(path[3], project_id=path[1])


def op_whoami_then_list_by_name(plan, args):
    """The CLI's resolve_endpoint: whoami for the project (and slug), then the exact-name filter."""
    client = _v2(plan, project_id=None)
    try:
        project_id = client.whoami().project.id
    except Exception:  # pylint: disable=broad-except  # the v1 fallback case: /v3/whoami answers 404
        project_id = args["project_id"]
    for endpoint in client.endpoints.list(filter='name="%s"' % args["name"], project_id=project_id):
        _model_names(client, endpoint.deployments)


def op_get_v2(plan, args):
    client = _v2(plan)
    endpoint = client.endpoints.retrieve(args["endpoint_id"])
    _model_names(client, endpoint.deployments)


def op_hardware_v2(plan, args):  # pylint: disable=unused-argument
    _v2(plan).endpoints.hardware.list()


def op_scale(plan, args):
    client = _v2(plan)
    deployment = client.endpoints.deployments.retrieve(args["deployment_id"], endpoint_id=args["endpoint_id"])
    client.endpoints.deployments.update(args["deployment_id"], endpoint_id=args["endpoint_id"], update_mask="autoscaling",
                                        autoscaling={"min_replicas": args["min"], "max_replicas": args["max"]},
                                        etag=deployment.etag)


def op_traffic_split(plan, args):
    client = _v2(plan)
    endpoint = client.endpoints.retrieve(args["endpoint_id"])
    client.endpoints.update(args["endpoint_id"], etag=endpoint.etag, update_mask="trafficSplit",
                            traffic_split=[{"deployment_id": item[0], "weight": item[1]} for item in args["split"]])


def op_delete(plan, args):
    client = _v2(plan)
    deployment = client.endpoints.deployments.retrieve(args["deployment_id"], endpoint_id=args["endpoint_id"])
    client.endpoints.deployments.delete(args["deployment_id"], endpoint_id=args["endpoint_id"], etag=deployment.etag)
    endpoint = client.endpoints.retrieve(args["endpoint_id"])
    client.endpoints.delete(args["endpoint_id"], etag=endpoint.etag)


def op_chat(plan, args):
    client = _v2(plan, base_url=plan["proxy"] + "/inference")
    client.chat.completions.create(model=args["model"], max_tokens=args["max_tokens"],
                                   messages=[{"role": "user", "content": args["prompt"]}])


# -- together 1.6.0 (v1) ---------------------------------------------------------------------------------------------

def _v1(plan):
    together = importlib.import_module("together")
    return together.Together(api_key=API_KEY, base_url=plan["proxy"] + "/v1", max_retries=0)


def op_get_v1(plan, args):
    _v1(plan).endpoints.get(args["endpoint_id"])


def op_list_v1(plan, args):
    _v1(plan).endpoints.list(type=args["type"], usage_type=args["usage_type"], mine=args["mine"])


OPS = dict((name[3:], value) for name, value in dict(globals()).items() if name.startswith("op_"))


def main():
    plan = json.load(sys.stdin)
    errors = {}
    for item in plan["cases"]:
        control(plan["proxy"], "begin", case=item["case"], side="sdk")
        try:
            OPS[item["op"]](plan, item["args"])
            errors[item["case"]] = None
        except Exception as exc:  # pylint: disable=broad-except  # reported, the test decides
            errors[item["case"]] = "%s: %s" % (type(exc).__name__, exc)
        finally:
            control(plan["proxy"], "end")
    json.dump(errors, sys.stdout)


if __name__ == "__main__":
    main()
