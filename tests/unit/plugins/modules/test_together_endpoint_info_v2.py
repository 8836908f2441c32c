# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""together_endpoint_info on v2 endpoints, run through main() with the fake transport (no network, no real sleeping)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.together.ai.tests.unit._helpers import MODULE_API_KEY as API_KEY, assert_key_hidden
from ansible_collections.together.ai.tests.unit._helpers import assert_refused_before_any_request
from ansible_collections.together.ai.tests.unit._helpers import run_endpoint_info as run

V1_BASE_URL = "https://api.together.ai/v1"
ROOT = "https://api.together.ai"
PROJECT_ID = "proj_CbJNwQC2ZqCU2iFT3mrCh"
V1_ID = "endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7"
V2_ID = "ep_CbJNwQC2ZqCU2iFT3mrCh"
MISSING_ID = "ep_Missing0000000000000001"
V3_WHOAMI = "/v3/whoami"
LIST_PATH = "/v2/projects/%s/endpoints" % PROJECT_ID


def v2_path(endpoint_id, project_id=PROJECT_ID):
    return "/v2/projects/%s/endpoints/%s" % (project_id, endpoint_id)


def route_whoami(transport, fixture_json):
    transport.route(V3_WHOAMI, (200, fixture_json("v2/whoami_v3_project_api_key.json")))


# --- options fail before any request --------------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (dict(name="chat", type="dedicated"), "name filters the v2 list and cannot be combined with type"),
    (dict(name="chat", api_version="v1"), "name filters the v2 list and cannot be combined with api_version=v1"),
    (dict(type="dedicated", api_version="v2"), "type filters the v1 list only; the v2 list filters by name"),
    (dict(endpoint_id=V2_ID, deployment="blue", api_version="v1"),
     "deployment applies to v2 endpoints only and cannot be used with api_version=v1"),
    (dict(endpoint_id=V2_ID, include_deployments=True, api_version="v1"),
     "include_deployments applies to v2 endpoints only and cannot be used with api_version=v1"),
    (dict(include_deployments=True), "include_deployments reads the deployments of endpoint_id or endpoint_ids"),
    (dict(max_results=0), "max_results must be 1 or more, got 0"),
    (dict(endpoint_id=V2_ID, name="chat"), "name filters the list of endpoints and cannot be combined with endpoint_id"),
    (dict(endpoint_id=V2_ID, api_version="v3"), "value of api_version must be one of: auto, v1, v2, got: v3"),
], ids=["name-type", "name-api-v1", "type-api-v2", "deployment-api-v1", "include-deployments-api-v1", "include-deployments-listing",
        "max-results-0", "name-with-id", "bad-api-version"])
def test_bad_v2_options_fail_before_any_request(run_module, transport, args, message):
    outcome = run(run_module, **args)
    assert_refused_before_any_request(outcome, transport, message)
    assert "project_id" not in outcome.raw


# --- reading v2 endpoints -------------------------------------------------------------------------------------------

def test_v2_endpoint_is_read_from_the_default_host_root_in_the_given_project(run_module, transport, fixture_json):
    transport.route(v2_path(V2_ID), (200, fixture_json("v2/endpoint_one_deployment.json")))
    outcome = run(run_module, endpoint_id=V2_ID, project_id=PROJECT_ID)
    result = outcome.result
    assert [sent.url for sent in transport.sent] == [ROOT + v2_path(V2_ID)]
    assert transport.sent[0].headers["Authorization"] == "Bearer %s" % API_KEY
    assert (result["changed"], result["exists"], result["missing"]) == (False, True, [])
    endpoint = result["endpoint"]
    assert (endpoint["api_version"], endpoint["state"], endpoint["serving"], endpoint["type"]) == ("v2", "STARTED", True, "dedicated")
    assert endpoint["raw"] == fixture_json("v2/endpoint_one_deployment.json")
    assert result["endpoints"] == [endpoint]
    assert (result["project_id"], result["project_slug"]) == (PROJECT_ID, None)
    assert outcome.warnings == []
    assert_key_hidden(outcome)


@pytest.mark.parametrize("whoami", ["v3", "v1"])
def test_v2_endpoint_without_project_id_resolves_the_project_from_whoami(run_module, transport, fixture_json, whoami):
    if whoami == "v3":
        route_whoami(transport, fixture_json)
        project_id, slug = PROJECT_ID, "my-project"
    else:
        transport.route(V3_WHOAMI, (404, fixture_json("error_not_found.json")))
        transport.route("/v1/whoami", (200, fixture_json("v2/whoami_v1.json")))
        project_id, slug = "proj_V1FlatWhoami0000000001", "legacy-project"
    transport.route(v2_path(V2_ID, project_id), (200, fixture_json("v2/endpoint_one_deployment.json")))
    result = run(run_module, endpoint_id=V2_ID).result
    assert (result["project_id"], result["project_slug"]) == (project_id, slug)
    assert transport.paths[-1] == v2_path(V2_ID, project_id)
    assert all(sent.url.startswith(ROOT + "/") for sent in transport.sent)


def test_what_an_earlier_poll_resolved_spares_whoami_and_the_model_read(run_module, transport, fixture_json):
    # The action plugin hands later polls of a wait the project and model names of the first (_task_cache).
    body = fixture_json("v2/endpoint_one_deployment.json")
    transport.route(v2_path(V2_ID), (200, body))
    cache = {"project_id": PROJECT_ID, "project_slug": "my-project",
             "model_names": {body["deployments"][0]["model"]: "devteam/Llama-3.3-70B-Instruct-Turbo"}}
    result = run(run_module, endpoint_id=V2_ID, _task_cache=cache).result
    assert transport.paths == [v2_path(V2_ID)]  # no whoami
    assert transport.model_lookups == []
    assert (result["project_id"], result["project_slug"]) == (PROJECT_ID, "my-project")
    assert result["endpoint"]["model_name"] == "devteam/Llama-3.3-70B-Instruct-Turbo"
    assert "_task_cache" not in result


def test_an_earlier_poll_s_project_gives_way_to_the_project_id_option(run_module, transport, fixture_json):
    transport.route(v2_path(V2_ID), (200, fixture_json("v2/endpoint_one_deployment.json")))
    result = run(run_module, endpoint_id=V2_ID, project_id=PROJECT_ID,
                 _task_cache={"project_id": "proj_Elsewhere", "project_slug": "elsewhere"}).result
    assert transport.paths == [v2_path(V2_ID)]
    assert (result["project_id"], result["project_slug"]) == (PROJECT_ID, None)


def test_project_id_comes_from_together_project_id(run_module, transport, fixture_json, monkeypatch):
    monkeypatch.setenv("TOGETHER_PROJECT_ID", "proj_FromEnvironment000001")
    transport.route(v2_path(V2_ID, "proj_FromEnvironment000001"), (200, fixture_json("v2/endpoint_one_deployment.json")))
    result = run(run_module, endpoint_id=V2_ID).result
    assert transport.paths == [v2_path(V2_ID, "proj_FromEnvironment000001")]
    assert result["project_id"] == "proj_FromEnvironment000001"


def test_project_id_option_wins_over_together_project_id(run_module, transport, fixture_json, monkeypatch):
    monkeypatch.setenv("TOGETHER_PROJECT_ID", "proj_FromEnvironment000001")
    transport.route(v2_path(V2_ID), (200, fixture_json("v2/endpoint_one_deployment.json")))
    result = run(run_module, endpoint_id=V2_ID, project_id=PROJECT_ID).result
    assert transport.paths == [v2_path(V2_ID)]
    assert result["project_id"] == PROJECT_ID


def test_v1_and_v2_ids_in_one_call_keep_order_and_resolve_the_project_once(run_module, transport, fixture_json):
    route_whoami(transport, fixture_json)
    transport.route("/v1/endpoints/%s" % V1_ID, (200, fixture_json("endpoint_started.json")))
    transport.route(v2_path(V2_ID), (200, fixture_json("v2/endpoint_one_deployment.json")))
    transport.route(v2_path("ep_Ab5050SplitDifferentRdy"), (200, fixture_json("v2/endpoint_split_50_50.json")))
    transport.route(v2_path(MISSING_ID), (404, fixture_json("v2/error_endpoint_not_found_rpc.json")))
    ids = [V2_ID, V1_ID, MISSING_ID, "ep_Ab5050SplitDifferentRdy"]
    result = run(run_module, endpoint_ids=ids).result
    assert [item["id"] for item in result["endpoints"]] == [V2_ID, V1_ID, "ep_Ab5050SplitDifferentRdy"]
    assert [item["api_version"] for item in result["endpoints"]] == ["v2", "v1", "v2"]
    assert result["endpoints"][1] == dict(fixture_json("endpoint_started.json"), api_version="v1")
    assert (result["missing"], result["exists"], result["endpoint"]) == ([MISSING_ID], False, None)
    assert (result["project_id"], result["project_slug"]) == (PROJECT_ID, "my-project")
    assert transport.paths.count(V3_WHOAMI) == 1
    assert sorted(sent.url for sent in transport.sent if sent.path != V3_WHOAMI) == sorted(
        [V1_BASE_URL + "/endpoints/" + V1_ID] + [ROOT + v2_path(item) for item in ids if item != V1_ID])


def test_blank_together_project_id_counts_as_unset_and_v1_reads_work(run_module, transport, fixture_json, monkeypatch):
    monkeypatch.setenv("TOGETHER_PROJECT_ID", "")
    transport.route("/v1/endpoints/%s" % V1_ID, (200, fixture_json("endpoint_started.json")))
    outcome = run(run_module, endpoint_id=V1_ID)
    assert outcome.result.get("failed") is not True
    assert outcome.result["endpoint"]["api_version"] == "v1"
    assert "project_id" not in outcome.result


def test_v1_read_has_no_project_in_its_result(run_module, transport, fixture_json):
    transport.route("/v1/endpoints/%s" % V1_ID, (200, fixture_json("endpoint_started.json")))
    result = run(run_module, endpoint_id=V1_ID, project_id=PROJECT_ID).result
    assert "project_id" not in result and "project_slug" not in result
    assert result["endpoint"] == dict(fixture_json("endpoint_started.json"), api_version="v1")
    assert transport.paths == ["/v1/endpoints/%s" % V1_ID]


def test_v1_listing_has_no_project_in_its_result(run_module, transport, fixture_json):
    transport.route("/v1/endpoints", (200, fixture_json("endpoints_list.json")))
    result = run(run_module, mine=True).result
    assert "project_id" not in result and "project_slug" not in result
    assert all(item["api_version"] == "v1" for item in result["endpoints"])
    assert transport.sent[0].url == V1_BASE_URL + "/endpoints?mine=true"


def test_listing_with_a_known_project_lists_v2_across_pages(run_module, transport, fixture_json):
    transport.route(LIST_PATH, (200, fixture_json("v2/endpoints_page1.json")), (200, fixture_json("v2/endpoints_page2.json")))
    outcome = run(run_module, project_id=PROJECT_ID)
    result = outcome.result
    assert [item["id"] for item in result["endpoints"]] == ["ep_CbJNwQC2ZqCU2iFT3mrCh", "ep_Ab5050SplitDifferentRdy",
                                                            "ep_R2mVq8LsT4nWx6yZa1bCd"]
    assert (result["exists"], result["endpoint"], result["missing"]) == (True, None, [])
    assert (result["project_id"], result["project_slug"]) == (PROJECT_ID, None)
    assert [sent.query.get("after") for sent in transport.sent] == [None, "cur_EndpointsPage2"]
    assert outcome.warnings == []


def test_listing_by_name_uses_v2_and_resolves_the_project(run_module, transport, fixture_json):
    route_whoami(transport, fixture_json)
    transport.route(LIST_PATH, (200, {"data": [fixture_json("v2/endpoint_one_deployment.json")]}))
    result = run(run_module, name="my-project/chat").result
    assert transport.paths == [V3_WHOAMI, LIST_PATH]
    assert transport.sent[1].query == {"filter": 'name="my-project/chat"', "limit": "100"}
    assert result["endpoints"][0]["display_name"] == "chat"
    assert result["project_slug"] == "my-project"


def test_empty_v2_listing_does_not_exist(run_module, transport):
    transport.route(LIST_PATH, (200, {"data": [], "next_cursor": ""}))
    result = run(run_module, api_version="v2", project_id=PROJECT_ID).result
    assert (result["exists"], result["endpoints"], result["project_id"]) == (False, [], PROJECT_ID)


def test_listing_stops_at_max_results_with_a_warning(run_module, transport, fixture_json):
    transport.route(LIST_PATH, (200, fixture_json("v2/endpoints_page1.json")))
    outcome = run(run_module, project_id=PROJECT_ID, max_results=1)
    assert len(outcome.result["endpoints"]) == 1
    assert outcome.warnings == ["listing v2 endpoints of project '%s': stopped at max_results=1; more endpoints exist"
                                % PROJECT_ID]
    assert len(transport.sent) == 1


@pytest.mark.parametrize("base_url, root", [
    ("http://127.0.0.1:8080/v1", "http://127.0.0.1:8080"),
    ("https://api.together.ai/v1/", "https://api.together.ai"),
    ("https://gateway.example.com/together/v1", "https://gateway.example.com/together"),
])
def test_given_base_url_sends_v2_to_its_host_root_never_under_v1(run_module, transport, fixture_json, base_url, root):
    route_whoami(transport, fixture_json)
    transport.route(v2_path(V2_ID), (200, fixture_json("v2/endpoint_one_deployment.json")))
    transport.route(v2_path(V2_ID).replace("/v2/", "/together/v2/", 1),
                    (200, fixture_json("v2/endpoint_one_deployment.json")))
    transport.route("/together/v3/whoami", (200, fixture_json("v2/whoami_v3_project_api_key.json")))
    run(run_module, endpoint_id=V2_ID, base_url=base_url)
    assert [sent.url for sent in transport.sent] == [root + V3_WHOAMI, root + v2_path(V2_ID)]


def test_base_url_from_the_environment_moves_v2_too(run_module, transport, fixture_json, monkeypatch):
    monkeypatch.setenv("TOGETHER_BASE_URL", "http://127.0.0.1:9090/v1")
    transport.route(v2_path(V2_ID), (200, fixture_json("v2/endpoint_one_deployment.json")))
    run(run_module, endpoint_id=V2_ID, project_id=PROJECT_ID)
    assert transport.sent[0].url == "http://127.0.0.1:9090" + v2_path(V2_ID)


@pytest.mark.parametrize("fixture", ["v2/error_endpoint_not_found.json", "v2/error_endpoint_not_found_rpc.json"])
def test_v2_404_returns_exists_false_without_failing(run_module, transport, fixture_json, fixture):
    transport.route(v2_path(MISSING_ID), (404, fixture_json(fixture)))
    result = run(run_module, endpoint_id=MISSING_ID, project_id=PROJECT_ID).result
    assert (result["exists"], result["endpoint"], result["endpoints"], result["missing"]) == (False, None, [], [MISSING_ID])
    assert "failed" not in result
    assert result["project_id"] == PROJECT_ID


def test_v2_404_endpoint_not_found_in_project_returns_exists_false(run_module, transport, fixture_json):
    transport.route(v2_path(MISSING_ID), (404, fixture_json("v2/error_endpoint_not_found_in_project.json")))
    result = run(run_module, endpoint_id=MISSING_ID, project_id=PROJECT_ID).result
    assert (result.get("failed"), result.get("missing")) == (None, [MISSING_ID])


def test_v2_404_for_the_project_fails_pointing_at_project_id(run_module, transport, fixture_json):
    path = v2_path(V2_ID, "proj_Wrong00000000000000001")
    transport.route(path, (404, fixture_json("v2/error_project_not_found.json")))
    outcome = run(run_module, endpoint_id=V2_ID, project_id="proj_Wrong00000000000000001")
    result = outcome.result
    assert result["failed"] is True
    assert result["msg"] == ("endpoint '%s' in project 'proj_Wrong00000000000000001': HTTP 404 from %s: project "
                             "'proj_Wrong00000000000000001' not found or not accessible with this API key (check "
                             "project_id and base_url)" % (V2_ID, ROOT + path))
    assert (result["status"], result["url"]) == (404, ROOT + path)
    assert "project_id" not in outcome.raw
    assert_key_hidden(outcome)


@pytest.mark.parametrize("fixture", ["v2/whoami_v3_org_api_key.json", "v2/whoami_v3_user_jwt.json"])
def test_credential_without_project_fails_telling_to_set_project_id(run_module, transport, fixture_json, fixture):
    transport.route(V3_WHOAMI, (200, fixture_json(fixture)))
    outcome = run(run_module, endpoint_ids=[V1_ID, V2_ID])
    assert outcome.result["failed"] is True
    assert outcome.result["msg"].startswith("resolving the project for the v2 API: %s/v3/whoami says" % ROOT)
    assert outcome.result["msg"].endswith("set project_id or TOGETHER_PROJECT_ID")
    assert transport.paths == [V3_WHOAMI]
    assert_key_hidden(outcome)


def test_no_whoami_route_fails_naming_both_routes(run_module, transport, fixture_json):
    transport.route(V3_WHOAMI, (404, fixture_json("error_not_found.json")))
    transport.route("/v1/whoami", (404, fixture_json("error_not_found.json")))
    result = run(run_module, endpoint_id=V2_ID, base_url="http://127.0.0.1:8080/v1").result
    assert result["failed"] is True
    assert "HTTP 404 from http://127.0.0.1:8080/v3/whoami and http://127.0.0.1:8080/v1/whoami" in result["msg"]
    assert result["status"] == 404


def test_degraded_endpoint_warns_with_its_status_message(run_module, transport, fixture_json):
    endpoint_id = "ep_DegradedPrimary0000001"
    transport.route(v2_path(endpoint_id), (200, fixture_json("v2/endpoint_degraded.json")))
    transport.route(v2_path(endpoint_id) + "/deployments/dep_DegradedCapacity000001",
                    (200, fixture_json("v2/deployment_degraded_full.json")))
    outcome = run(run_module, endpoint_id=endpoint_id, project_id=PROJECT_ID)
    assert outcome.result["endpoint"]["state"] == "STARTED"
    assert outcome.warnings == ["endpoint '%s': deployment 'my-project/busy/main' is DEGRADED: Cannot place replicas: "
                                "insufficient GPU capacity" % endpoint_id]


def test_unknown_deployment_state_is_returned_with_a_warning(run_module, transport, fixture_json):
    body = fixture_json("v2/endpoint_one_deployment.json")
    body["deployments"][0]["state"] = "DEPLOYMENT_STATE_SOMETHING_NEW"
    transport.route(v2_path(V2_ID), (200, body))
    outcome = run(run_module, endpoint_id=V2_ID, project_id=PROJECT_ID)
    assert outcome.result["endpoint"]["deployments"][0]["state"] == "DEPLOYMENT_STATE_SOMETHING_NEW"
    assert len(outcome.warnings) == 1 and "'DEPLOYMENT_STATE_SOMETHING_NEW'" in outcome.warnings[0]


def test_deployment_option_picks_the_deployment_behind_the_flat_fields(run_module, transport, fixture_json):
    transport.route(v2_path("ep_TieWeightTimesReady001"), (200, fixture_json("v2/endpoint_tie.json")))
    result = run(run_module, endpoint_id="ep_TieWeightTimesReady001", project_id=PROJECT_ID, deployment="older").result
    assert result["endpoint"]["primary_deployment_id"] == "dep_TieOlder0000000000001"
    assert result["endpoint"]["autoscaling"] == dict(min_replicas=2, max_replicas=2)


def test_include_deployments_returns_every_deployment_in_full(run_module, transport, fixture_json):
    endpoint_id = "ep_TwelveDeployments00001"
    transport.route(v2_path(endpoint_id), (200, fixture_json("v2/endpoint_twelve_deployments.json")))
    transport.route(v2_path(endpoint_id) + "/deployments", (200, fixture_json("v2/deployments_twelve_page1.json")),
                    (200, fixture_json("v2/deployments_twelve_page2.json")))
    result = run(run_module, endpoint_id=endpoint_id, project_id=PROJECT_ID, include_deployments=True).result
    endpoint = result["endpoint"]
    assert len(endpoint["deployments"]) == 12
    assert (endpoint["state"], endpoint["serving"], endpoint["primary_deployment_id"]) == (
        "STARTED", True, "dep_Twelve0100000000000000")
    assert len(transport.sent) == 3


# --- waiting on v2 endpoints ----------------------------------------------------------------------------------------

def unrouted_then_routed(fixture_json, unrouted_polls):
    unrouted = fixture_json("v2/endpoint_ready_unrouted.json")
    routed = fixture_json("v2/endpoint_ready_unrouted.json")
    routed["trafficSplit"][0]["weight"] = 1
    return [(200, unrouted)] * unrouted_polls + [(200, routed)]


def test_wait_started_waits_for_routing(run_module, transport, fixture_json, module_environment):
    transport.route(v2_path("ep_UnroutedReady000000001"), *unrouted_then_routed(fixture_json, 2))
    result = run(run_module, endpoint_id="ep_UnroutedReady000000001", project_id=PROJECT_ID, wait_for_state="STARTED",
                 wait_sleep=15).result
    assert result["endpoint"]["serving"] is True
    assert result["elapsed"] == 30.0
    assert module_environment.sleeps == [15.0, 15.0]
    assert (result["project_id"], result["changed"]) == (PROJECT_ID, False)


def test_wait_for_routing_false_stops_at_ready(run_module, transport, fixture_json, module_environment):
    transport.route(v2_path("ep_UnroutedReady000000001"), *unrouted_then_routed(fixture_json, 2))
    result = run(run_module, endpoint_id="ep_UnroutedReady000000001", project_id=PROJECT_ID, wait_for_state="STARTED",
                 wait_for_routing=False).result
    assert (result["endpoint"]["serving"], result["elapsed"]) == (False, 0.0)
    assert module_environment.sleeps == []


def test_wait_through_degraded_times_out_with_the_status_message(run_module, transport, fixture_json, module_environment):
    endpoint_id = "ep_DegradedPrimary0000001"
    deployment_path = v2_path(endpoint_id) + "/deployments/dep_DegradedCapacity000001"
    transport.route(v2_path(endpoint_id), (200, fixture_json("v2/endpoint_degraded.json")))
    transport.route(deployment_path, (200, fixture_json("v2/deployment_degraded_full.json")))
    outcome = run(run_module, endpoint_id=endpoint_id, project_id=PROJECT_ID, wait_for_state="STARTED", wait_timeout=10,
                  wait_sleep=5)
    result = outcome.result
    assert result["failed"] is True
    assert result["msg"] == ("timed out after 10.0s waiting for state STARTED; not there yet: '%s' (deployment "
                             "'main' (dep_DegradedCapacity000001) DEGRADED: Cannot place replicas: insufficient GPU capacity)"
                             % endpoint_id)
    assert result["endpoint"]["state"] == "STARTED" and result["elapsed"] == 10.0
    # Each poll reads the endpoint and then the degraded deployment.
    assert transport.paths == [v2_path(endpoint_id), deployment_path] * 3
    assert len(outcome.warnings) == 1


def test_wait_fails_at_once_on_a_failed_deployment(run_module, transport, fixture_json):
    starting, failed = fixture_json("v2/endpoint_one_deployment.json"), fixture_json("v2/endpoint_one_deployment.json")
    starting["deployments"][0].update(state="DEPLOYMENT_STATE_PROVISIONING", readyReplicas=0)
    failed["deployments"][0].update(state="DEPLOYMENT_STATE_FAILED", readyReplicas=0)
    # The deployment itself says why it failed (the endpoint's summary of it does not).
    full = fixture_json("v2/deployment_degraded_full.json")
    full.update(id="dep_CbzGdmn14t3HYrXXitmKa",
                status={"state": "DEPLOYMENT_STATE_FAILED", "readyReplicas": 0, "message": "Timed out waiting for readiness"})
    deployment_path = v2_path(V2_ID) + "/deployments/dep_CbzGdmn14t3HYrXXitmKa"
    transport.route(v2_path(V2_ID), (200, starting), (200, failed), (200, starting))
    transport.route(deployment_path, (200, full))
    result = run(run_module, endpoint_id=V2_ID, project_id=PROJECT_ID, wait_for_state="STARTED").result
    assert result["msg"] == ("endpoint '%s': deployment 'main' (dep_CbzGdmn14t3HYrXXitmKa) FAILED: Timed out waiting for "
                             "readiness while waiting for state STARTED (after 5.0s)" % V2_ID)
    assert result["endpoint"]["state"] == "ERROR"
    assert transport.paths == [v2_path(V2_ID), v2_path(V2_ID), deployment_path]


def test_wait_stopped_on_a_v2_endpoint(run_module, transport, fixture_json, module_environment):
    stopping, stopped = fixture_json("v2/endpoint_one_deployment.json"), fixture_json("v2/endpoint_one_deployment.json")
    stopping["deployments"][0].update(state="DEPLOYMENT_STATE_STOPPING", autoscaling={})
    stopped["deployments"][0].update(state="DEPLOYMENT_STATE_STOPPED", autoscaling={})
    del stopped["deployments"][0]["readyReplicas"]
    transport.route(v2_path(V2_ID), (200, stopping), (200, stopped))
    result = run(run_module, endpoint_id=V2_ID, project_id=PROJECT_ID, wait_for_state="STOPPED", wait_sleep=2).result
    assert (result["endpoint"]["state"], result["endpoint"]["autoscaling"]) == ("STOPPED", dict(min_replicas=0, max_replicas=0))
    assert result["elapsed"] == 2.0


# --- a real HTTP round trip -----------------------------------------------------------------------------------------

def test_end_to_end_v2_read_against_a_loopback_server(run_module, loopback_api, fixture_json):
    body = fixture_json("v2/endpoint_one_deployment.json")
    body["id"] = "ep_a/b"
    loopback_api.routes["/v3/whoami"] = (200, fixture_json("v2/whoami_v3_project_api_key.json"))
    loopback_api.routes["/v2/projects/%s/endpoints/ep_a%%2Fb" % PROJECT_ID] = (200, body)
    model_path = "/v2/projects/%s/models/ml_CbJNwQC2ZqCU2iFT3mrCh" % PROJECT_ID
    loopback_api.routes[model_path] = (200, fixture_json("v2/model_ml_CbJNwQC2ZqCU2iFT3mrCh.json"))
    result = run(run_module, endpoint_id="ep_a/b", base_url=loopback_api.base_url).result
    assert result["endpoint"]["id"] == "ep_a/b"
    assert result["endpoint"]["raw"] == body
    assert result["endpoint"]["model_name"] == "devteam/Llama-3.3-70B-Instruct-Turbo"
    assert [received["path"] for received in loopback_api.received] == [
        "/v3/whoami", "/v2/projects/%s/endpoints/ep_a%%2Fb" % PROJECT_ID, model_path]
    assert loopback_api.received[1]["headers"]["Authorization"] == "Bearer %s" % API_KEY
