"""Drive the together 3.1.1 SDK through a whole v2 lifecycle against the simulator and print a JSON transcript.

Run with the reference venv's python: `python reference_v2_sdk_script.py BASE_URL PROJECT_ID`. The test
asserts on the transcript, so this script records what the SDK saw rather than judging it.
"""

import json
import sys
import time

import together


def wait_for(client, endpoint_id, deployment_id, wanted, timeout=5.0):
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.endpoints.deployments.retrieve(deployment_id, endpoint_id=endpoint_id).status.state
        if not seen or seen[-1] != state:
            seen.append(state)
        if state == wanted:
            break
        time.sleep(0.02)
    return seen


def error_status(call):
    try:
        call()
    except together.APIStatusError as exc:
        return exc.status_code
    return None


def main(base_url, project_id):
    client = together.Together(api_key="sim-key", base_url=base_url, project_id=project_id, max_retries=0)
    out = {}
    whoami = client.whoami()
    out["whoami"] = [whoami.type, whoami.project.id]
    out["hardware"] = [item.name for item in client.endpoints.hardware.list().data]

    endpoint = client.endpoints.create(name="sdk-chat")
    for name in ("sdk-a", "sdk-b", "sdk-c"):
        client.endpoints.create(name=name)
    out["created_endpoint"] = [endpoint.id, endpoint.name, endpoint.endpoint_type, endpoint.deployments, endpoint.traffic_split]
    out["listed_names"] = [item.name for item in client.endpoints.list(limit=2)]
    out["filtered"] = [item.id for item in client.endpoints.list(filter='name="sdk-chat"', limit=1, order_by="created_at desc")]
    out["duplicate_status"] = error_status(lambda: client.endpoints.create(name="sdk-chat"))

    deployment = client.endpoints.deployments.create(endpoint.id, name="blue", model="meta-llama/Llama-3.3-70B-Instruct-Turbo",
                                                     autoscaling={"min_replicas": 1, "max_replicas": 2})
    out["deployment_created"] = [deployment.status.state, deployment.hardware, deployment.name]
    out["start_states"] = wait_for(client, endpoint.id, deployment.id, "DEPLOYMENT_STATE_READY")

    current = client.endpoints.retrieve(endpoint.id)
    routed = client.endpoints.update(endpoint.id, etag=current.etag, update_mask="trafficSplit",
                                     traffic_split=[{"deployment_id": deployment.id, "weight": 1}])
    summary = routed.deployments[0]
    out["routed"] = [summary.state, summary.ready_replicas, summary.estimated_effective_traffic_share, routed.traffic_split[0].deployment_id]
    out["stale_etag_status"] = error_status(lambda: client.endpoints.update(endpoint.id, etag=current.etag, name="renamed"))

    # Inference through the SDK's own chat client, on the inference host stand-in (base URL + /inference).
    inference = together.Together(api_key="sim-key", base_url=base_url + "/inference", max_retries=0)
    messages = [{"role": "user", "content": "hi"}]
    raw = inference.chat.completions.with_raw_response.create(model=routed.name, max_tokens=1, messages=messages)
    completion = raw.parse()
    out["chat"] = [raw.headers.get("x-cluster"), completion.model, completion.choices[0].finish_reason,
                   completion.usage.completion_tokens]
    supported = list(client.models.list_supported(search="Llama-3.1-8B"))
    # configs take the model's resource name (the catalog's baseModel), not its readable name
    out["catalog"] = [[item.name for item in supported], len(client.models.configs.list(reference_model=supported[0].base_model).data)]
    checked = client.endpoints.deployments.create(endpoint.id, name="checked", model="meta-llama/Llama-3.3-70B-Instruct-Turbo",
                                                  autoscaling={"min_replicas": 1}, validate_only=True)
    out["validate_only"] = [checked.name, [d.name for d in client.endpoints.deployments.list(endpoint_id=endpoint.id)]]

    client.endpoints.deployments.update(deployment.id, endpoint_id=endpoint.id, update_mask="autoscaling",
                                        autoscaling={"min_replicas": 0, "max_replicas": 0})
    out["stop_states"] = wait_for(client, endpoint.id, deployment.id, "DEPLOYMENT_STATE_STOPPED")
    out["delete_routed_status"] = error_status(lambda: client.endpoints.deployments.delete(deployment.id, endpoint_id=endpoint.id))
    client.endpoints.update(endpoint.id, update_mask="trafficSplit", traffic_split=[])
    out["deleted_deployment"] = client.endpoints.deployments.delete(deployment.id, endpoint_id=endpoint.id).to_dict()
    latest = client.endpoints.retrieve(endpoint.id)
    out["deleted_endpoint"] = client.endpoints.delete(endpoint.id, etag=latest.etag).to_dict()
    out["gone_status"] = error_status(lambda: client.endpoints.retrieve(endpoint.id))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
