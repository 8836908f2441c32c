# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""v2_root, Project (whoami) and EndpointsV2 (GET, list, deployments) against the fake transport."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time

import pytest

from ansible_collections.together.ai.plugins.module_utils._client import TogetherClient, TogetherError
from ansible_collections.together.ai.plugins.module_utils._connection import DEFAULT_V2_ROOT, v2_root
from ansible_collections.together.ai.plugins.module_utils._endpoints_v2 import PAGE_SIZE, EndpointsV2, Project

API_KEY = "sk-unit-endpoints-v2-5e1a7c93"
ROOT = "https://api.together.ai"
PROJECT_ID = "proj_CbJNwQC2ZqCU2iFT3mrCh"
ENDPOINT_ID = "ep_CbJNwQC2ZqCU2iFT3mrCh"
MISSING_ID = "ep_Missing0000000000000001"
V3_WHOAMI = "/v3/whoami"
V1_WHOAMI = "/v1/whoami"
LIST_PATH = "/v2/projects/%s/endpoints" % PROJECT_ID


def make_client():
    return TogetherClient(API_KEY, max_retries=0, sleep=lambda seconds: None, rand=lambda: 0.0)


def make_api(project_id=PROJECT_ID, root=ROOT, include_deployments=False, deployment=None):
    client = make_client()
    return EndpointsV2(client, Project(client, root, project_id), include_deployments, deployment)


def endpoint_path(endpoint_id, project_id=PROJECT_ID):
    return "/v2/projects/%s/endpoints/%s" % (project_id, endpoint_id)


def raised(call, *args, **kwargs):
    with pytest.raises(TogetherError) as info:
        call(*args, **kwargs)
    return info.value


# --- v2_root --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("base_url, given, root", [
    ("https://api.together.ai/v1", False, DEFAULT_V2_ROOT),
    # The older host answers v1 only: no SDK sends v2 or v3 there.
    ("https://api.together.xyz/v1", True, "https://api.together.ai"),
    ("https://api.together.ai/v1", True, "https://api.together.ai"),
    ("https://api.together.ai/v1/", True, "https://api.together.ai"),
    ("http://127.0.0.1:8080/v1", True, "http://127.0.0.1:8080"),
    ("https://proxy.example.com/together/v1", True, "https://proxy.example.com/together"),
    ("https://api.together.ai", True, "https://api.together.ai"),
    ("https://proxy.example.com/v1/v1", True, "https://proxy.example.com/v1"),
    ("https://proxy.example.com/v10", True, "https://proxy.example.com/v10"),
    ("https://proxy.example.com/api/v1beta", True, "https://proxy.example.com/api/v1beta"),
], ids=["default", "xyz-v1", "ai-v1", "trailing-slash", "loopback", "proxy-prefix", "bare-host", "exactly-one-v1",
        "v10-kept", "v1beta-kept"])
def test_v2_root_strips_exactly_one_trailing_v1(base_url, given, root):
    assert v2_root(base_url, given) == root


def test_default_v2_root_is_api_together_ai():
    assert DEFAULT_V2_ROOT == "https://api.together.ai"


@pytest.mark.parametrize("base_url", ["https://api.together.ai/v1", "https://api.together.ai/v1/"])
def test_v2_urls_never_go_under_v1(transport, fixture_json, base_url):
    transport.route(endpoint_path(ENDPOINT_ID), (200, fixture_json("v2/endpoint_one_deployment.json")))
    transport.route(V3_WHOAMI, (200, fixture_json("v2/whoami_v3_project_api_key.json")))
    make_api(project_id=None, root=v2_root(base_url, True)).get_endpoint(ENDPOINT_ID)
    assert transport.paths == [V3_WHOAMI, endpoint_path(ENDPOINT_ID)]
    assert all("/v1/v2/" not in sent.url and "/v1/v3/" not in sent.url for sent in transport.sent)


# --- project resolution ---------------------------------------------------------------------------------------------

def test_project_id_option_is_used_without_any_request(transport):
    project = Project(make_client(), ROOT, "proj_Given00000000000000001")
    assert project.resolve() == "proj_Given00000000000000001"
    assert (project.project_id, project.project_slug) == ("proj_Given00000000000000001", None)
    assert transport.sent == []


@pytest.mark.parametrize("fixture", ["v2/whoami_v3_project_api_key.json", "v2/whoami_v3_user_org_project_jwt.json"])
def test_project_comes_from_v3_whoami(transport, fixture_json, fixture):
    transport.route(V3_WHOAMI, (200, fixture_json(fixture)))
    project = Project(make_client(), ROOT)
    assert project.resolve() == PROJECT_ID
    assert project.project_slug == "my-project"
    assert [sent.url for sent in transport.sent] == [ROOT + V3_WHOAMI]
    assert transport.sent[0].headers["Authorization"] == "Bearer %s" % API_KEY


@pytest.mark.parametrize("v3_reply", [(404, {"error": {"message": "Not Found"}}), (404,)], ids=["json-404", "empty-404"])
def test_v3_whoami_404_falls_back_to_v1_whoami(transport, fixture_json, v3_reply):
    transport.route(V3_WHOAMI, v3_reply)
    transport.route(V1_WHOAMI, (200, fixture_json("v2/whoami_v1.json")))
    project = Project(make_client(), "http://127.0.0.1:8080")
    assert project.resolve() == "proj_V1FlatWhoami0000000001"
    assert project.project_slug == "legacy-project"
    assert [sent.url for sent in transport.sent] == ["http://127.0.0.1:8080/v3/whoami", "http://127.0.0.1:8080/v1/whoami"]


def test_both_whoami_routes_404_fails_naming_both(transport, fixture_json):
    transport.route(V3_WHOAMI, (404, fixture_json("error_not_found.json")))
    transport.route(V1_WHOAMI, (404,))
    error = raised(Project(make_client(), ROOT).resolve)
    assert error.message.startswith("resolving the project for the v2 API: HTTP 404 from ")
    assert "%s/v3/whoami and %s/v1/whoami" % (ROOT, ROOT) in error.message
    assert "project_id" in error.message and "TOGETHER_PROJECT_ID" in error.message
    assert (error.status, error.url) == (404, ROOT + V3_WHOAMI)


@pytest.mark.parametrize("fixture, credential", [
    ("v2/whoami_v3_org_api_key.json", "org_api_key"),
    ("v2/whoami_v3_user_jwt.json", "user_jwt"),
])
def test_v3_credential_without_project_fails_telling_to_set_project_id(transport, fixture_json, fixture, credential):
    transport.route(V3_WHOAMI, (200, fixture_json(fixture)))
    error = raised(Project(make_client(), ROOT).resolve)
    assert "says this credential is %s, which has no project" % credential in error.message
    assert error.message.endswith("set project_id or TOGETHER_PROJECT_ID")
    # A v3 answer is final: no fallback to v1.
    assert transport.paths == [V3_WHOAMI]


def test_v1_whoami_without_project_id_fails_telling_to_set_project_id(transport, fixture_json):
    transport.route(V3_WHOAMI, (404,))
    transport.route(V1_WHOAMI, (200, fixture_json("v2/whoami_v1_org_key.json")))
    error = raised(Project(make_client(), ROOT).resolve)
    assert "%s/v1/whoami names no project_id" % ROOT in error.message
    assert error.message.endswith("set project_id or TOGETHER_PROJECT_ID")


def test_whoami_api_error_fails_without_fallback(transport, fixture_json):
    transport.route(V3_WHOAMI, (401, fixture_json("error_invalid_api_key.json")))
    error = raised(Project(make_client(), ROOT).resolve)
    assert error.message.startswith("resolving the project for the v2 API: HTTP 401 from %s/v3/whoami" % ROOT)
    assert error.status == 401
    assert transport.paths == [V3_WHOAMI]


def test_whoami_that_is_not_an_object_fails(transport):
    transport.route(V3_WHOAMI, (200, ["project_api_key"]))
    error = raised(Project(make_client(), ROOT).resolve)
    assert error.message == ("resolving the project for the v2 API: HTTP 200 from %s/v3/whoami is not a whoami object"
                             % ROOT)


def test_project_is_resolved_once_for_many_endpoints(transport, fixture_json):
    transport.route(V3_WHOAMI, (200, fixture_json("v2/whoami_v3_project_api_key.json")))
    for endpoint_id in ("ep_One", "ep_Two", "ep_Three"):
        body = fixture_json("v2/endpoint_one_deployment.json")
        body["id"] = endpoint_id
        transport.route(endpoint_path(endpoint_id), (200, body))
    transport.route(LIST_PATH, (200, {"data": []}))
    api = make_api(project_id=None)
    assert [api.get_endpoint(endpoint_id)["id"] for endpoint_id in ("ep_One", "ep_Two", "ep_Three")] == [
        "ep_One", "ep_Two", "ep_Three"]
    assert api.list_endpoints() == []
    assert transport.paths.count(V3_WHOAMI) == 1
    assert len(transport.sent) == 5


def test_project_resolution_is_thread_safe(transport, fixture_json):
    threads_count = 8
    barrier = threading.Barrier(threads_count, timeout=5)

    def slow_whoami(prepared):  # pylint: disable=unused-argument
        time.sleep(0.05)
        return (200, fixture_json("v2/whoami_v3_project_api_key.json"))

    transport.route(V3_WHOAMI, slow_whoami)
    project = Project(make_client(), ROOT)
    results = []

    def resolve():
        barrier.wait()
        results.append(project.resolve())

    threads = [threading.Thread(target=resolve) for dummy in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == [PROJECT_ID] * threads_count
    assert transport.paths == [V3_WHOAMI]


def test_failed_resolution_is_not_cached(transport, fixture_json):
    transport.route(V3_WHOAMI, (503, fixture_json("error_internal.json")),
                    (200, fixture_json("v2/whoami_v3_project_api_key.json")))
    project = Project(make_client(), ROOT)
    assert raised(project.resolve).status == 503
    assert project.resolve() == PROJECT_ID
    assert project.resolve() == PROJECT_ID
    assert transport.paths == [V3_WHOAMI, V3_WHOAMI]


# --- get_endpoint ---------------------------------------------------------------------------------------------------

def test_get_endpoint_reads_the_project_scoped_url_and_normalizes(transport, fixture_json):
    transport.route(endpoint_path(ENDPOINT_ID), (200, fixture_json("v2/endpoint_one_deployment.json")))
    api = make_api()
    endpoint = api.get_endpoint(ENDPOINT_ID)
    assert [sent.url for sent in transport.sent] == [ROOT + endpoint_path(ENDPOINT_ID)]
    assert transport.sent[0].query_string == ""
    assert (endpoint["api_version"], endpoint["state"], endpoint["serving"]) == ("v2", "STARTED", True)
    assert endpoint["raw"] == fixture_json("v2/endpoint_one_deployment.json")
    assert api.warnings == []


def test_project_and_endpoint_ids_are_percent_encoded_path_segments(transport, fixture_json):
    body = fixture_json("v2/endpoint_one_deployment.json")
    body["id"] = "ep_a/b c?d"
    transport.route("/v2/projects/proj_x%2Fy/endpoints/ep_a%2Fb%20c%3Fd", (200, body))
    endpoint = make_api(project_id="proj_x/y").get_endpoint("ep_a/b c?d")
    assert endpoint["id"] == "ep_a/b c?d"
    assert transport.sent[0].url == ROOT + "/v2/projects/proj_x%2Fy/endpoints/ep_a%2Fb%20c%3Fd"


@pytest.mark.parametrize("reply", [(404,), (404, {"error": {"message": "Unknown request URL: GET /x", "code": "unknown_url"}})],
                         ids=["no-body", "unknown-url"])
def test_404_on_the_endpoint_that_is_not_the_api_saying_so_fails_naming_base_url(transport, reply):
    transport.route(endpoint_path(MISSING_ID), reply)
    error = raised(lambda: make_api().get_endpoint(MISSING_ID))
    assert error.message.startswith("endpoint '%s' in project '%s': HTTP 404 from %s%s" % (
        MISSING_ID, PROJECT_ID, ROOT, endpoint_path(MISSING_ID)))
    assert "check base_url" in error.message
    assert error.status == 404


@pytest.mark.parametrize("fixture", ["v2/error_endpoint_not_found.json", "v2/error_endpoint_not_found_rpc.json",
                                     "error_not_found.json"],
                         ids=["classic", "rpc", "v1-envelope"])
def test_404_on_the_endpoint_returns_none(transport, fixture_json, fixture):
    transport.route(endpoint_path(MISSING_ID), (404, fixture_json(fixture)) if fixture else (404,))
    api = make_api()
    assert api.get_endpoint(MISSING_ID) is None
    assert api.warnings == []


def test_404_endpoint_not_found_in_project_returns_none(transport, fixture_json):
    transport.route(endpoint_path(MISSING_ID), (404, fixture_json("v2/error_endpoint_not_found_in_project.json")))
    assert make_api().get_endpoint(MISSING_ID) is None


@pytest.mark.parametrize("fixture, said", [
    ("v2/error_project_not_found.json", "project 'proj_Wrong00000000000000001' not found or not accessible with this API key"),
    ("v2/error_project_not_found_rpc.json", "Project proj_Wrong00000000000000001 does not exist"),
], ids=["classic", "rpc-details"])
def test_404_naming_the_project_fails_pointing_at_project_id_and_base_url(transport, fixture_json, fixture, said):
    path = endpoint_path(ENDPOINT_ID, "proj_Wrong00000000000000001")
    transport.route(path, (404, fixture_json(fixture)))
    error = raised(make_api(project_id="proj_Wrong00000000000000001").get_endpoint, ENDPOINT_ID)
    assert error.message == ("endpoint '%s' in project 'proj_Wrong00000000000000001': HTTP 404 from %s: %s "
                             "(check project_id and base_url)" % (ENDPOINT_ID, ROOT + path, said))
    assert (error.status, error.url) == (404, ROOT + path)


def test_api_error_names_the_endpoint_and_the_project(transport, fixture_json):
    transport.route(endpoint_path(ENDPOINT_ID), (500, fixture_json("error_internal.json")))
    error = raised(make_api().get_endpoint, ENDPOINT_ID)
    assert error.message.startswith("endpoint '%s' in project '%s': HTTP 500 from %s"
                                    % (ENDPOINT_ID, PROJECT_ID, ROOT + endpoint_path(ENDPOINT_ID)))
    assert error.status == 500


def test_rpc_error_envelope_message_reaches_the_user(transport, fixture_json):
    transport.route(endpoint_path(ENDPOINT_ID), (409, fixture_json("error_rpc_details_only.json")))
    error = raised(make_api().get_endpoint, ENDPOINT_ID)
    assert error.message.endswith(": deployment is being updated, retry later")
    assert (error.status, error.code) == (409, 9)


@pytest.mark.parametrize("body, problem", [
    ({"name": "my-project/chat"}, "missing required field id"),
    ({"id": ENDPOINT_ID}, "missing required field name"),
    ({"id": ENDPOINT_ID, "name": "my-project/chat", "deployments": {"dep_x": {}}},
     "field deployments is a JSON object, expected an array"),
    ({"id": ENDPOINT_ID, "name": "my-project/chat", "trafficSplit": "dep_x"},
     "field trafficSplit is a JSON string 'dep_x', expected an array"),
    (["not", "an", "object"], "the response is a JSON array, not an object"),
    ({"id": ENDPOINT_ID, "name": "my-project/chat", "endpointType": 3}, "field endpointType is a JSON number 3, expected a string"),
    ({"id": ENDPOINT_ID, "name": "my-project/chat", "createdAt": "yesterday"},
     "field createdAt is a JSON string 'yesterday', expected an RFC 3339 time"),
    ({"id": ENDPOINT_ID, "name": "my-project/chat", "createdAt": "2026-13-45T99:00:00Z"},
     "field createdAt is a JSON string '2026-13-45T99:00:00Z', expected an RFC 3339 time"),
    ({"id": ENDPOINT_ID, "name": "my-project/chat", "deployments": [{"id": "dep_x", "state": {"s": 1}}]},
     "field deployments[0].state is a JSON object, expected a string"),
    ({"id": ENDPOINT_ID, "name": "my-project/chat", "deployments": [{"id": "dep_x", "autoscaling": "1-2"}]},
     "field deployments[0].autoscaling is a JSON string '1-2', expected an object"),
    ({"id": ENDPOINT_ID, "name": "my-project/chat", "deployments": [{"id": "dep_x", "autoscaling": {"minReplicas": -1}}]},
     "field deployments[0].autoscaling.minReplicas is a JSON number -1, expected a whole number of 0 or more"),
    ({"id": ENDPOINT_ID, "name": "my-project/chat", "trafficSplit": [{"deploymentId": ["dep_x"], "weight": 1}]},
     "field trafficSplit[0].deploymentId is a JSON array, expected a string"),
    ({"id": ENDPOINT_ID, "name": 7}, "field name is a JSON number 7, expected a string"),
])
def test_a_body_that_is_not_a_v2_endpoint_fails(transport, body, problem):
    transport.route(endpoint_path(ENDPOINT_ID), (200, body))
    error = raised(make_api().get_endpoint, ENDPOINT_ID)
    assert error.message == ("endpoint '%s' in project '%s': HTTP 200 from %s is not a v2 Endpoint: %s"
                             % (ENDPOINT_ID, PROJECT_ID, ROOT + endpoint_path(ENDPOINT_ID), problem))


def test_unknown_state_warning_is_collected(transport, fixture_json):
    body = fixture_json("v2/endpoint_one_deployment.json")
    body["deployments"][0]["state"] = "DEPLOYMENT_STATE_SOMETHING_NEW"
    transport.route(endpoint_path(ENDPOINT_ID), (200, body))
    api = make_api()
    assert api.get_endpoint(ENDPOINT_ID)["state"] == "SOMETHING_NEW"
    assert len(api.warnings) == 1 and "DEPLOYMENT_STATE_SOMETHING_NEW" in api.warnings[0]


# --- deployments: include_deployments and the DEGRADED read --------------------------------------------------------

def test_include_deployments_pages_the_deployment_list_and_merges_it(transport, fixture_json):
    endpoint_id = "ep_TwelveDeployments00001"
    transport.route(endpoint_path(endpoint_id), (200, fixture_json("v2/endpoint_twelve_deployments.json")))
    transport.route(endpoint_path(endpoint_id) + "/deployments", (200, fixture_json("v2/deployments_twelve_page1.json")),
                    (200, fixture_json("v2/deployments_twelve_page2.json")))
    api = make_api(include_deployments=True)
    endpoint = api.get_endpoint(endpoint_id)
    deployments_path = endpoint_path(endpoint_id) + "/deployments"
    assert transport.paths == [endpoint_path(endpoint_id), deployments_path, deployments_path]
    assert transport.sent[1].query == {"limit": str(PAGE_SIZE)}
    assert transport.sent[2].query == {"limit": str(PAGE_SIZE), "after": "cur_TwelvePage2"}
    assert len(endpoint["deployments"]) == 12
    assert endpoint["primary_deployment_id"] == "dep_Twelve0100000000000000"
    assert (endpoint["state"], endpoint["serving"]) == ("STARTED", True)
    assert all(item["status_message"] for item in endpoint["deployments"])
    scheduled = dict((item["id"], item["scheduled_replicas"]) for item in endpoint["deployments"])
    assert scheduled["dep_Twelve0100000000000000"] == 2 and scheduled["dep_Twelve1200000000000000"] == 1
    assert endpoint["raw"] == fixture_json("v2/endpoint_twelve_deployments.json")
    assert api.warnings == []


def test_without_include_deployments_one_request_per_endpoint(transport, fixture_json):
    transport.route(endpoint_path("ep_TwelveDeployments00001"), (200, fixture_json("v2/endpoint_twelve_deployments.json")))
    endpoint = make_api().get_endpoint("ep_TwelveDeployments00001")
    assert len(transport.sent) == 1
    assert len(endpoint["deployments"]) == 10
    assert all(item["status_message"] is None and item["scheduled_replicas"] is None for item in endpoint["deployments"])


def test_degraded_primary_is_read_in_full_for_its_status_message(transport, fixture_json):
    endpoint_id, deployment_id = "ep_DegradedPrimary0000001", "dep_DegradedCapacity000001"
    deployment_path = endpoint_path(endpoint_id) + "/deployments/" + deployment_id
    transport.route(endpoint_path(endpoint_id), (200, fixture_json("v2/endpoint_degraded.json")))
    transport.route(deployment_path, (200, fixture_json("v2/deployment_degraded_full.json")))
    api = make_api()
    endpoint = api.get_endpoint(endpoint_id)
    assert transport.paths == [endpoint_path(endpoint_id), deployment_path]
    assert endpoint["deployments"][0]["status_message"] == "Cannot place replicas: insufficient GPU capacity"
    assert endpoint["deployments"][0]["scheduled_replicas"] == 2
    assert endpoint["state"] == "STARTED"
    assert api.warnings == ["endpoint '%s': deployment 'my-project/busy/main' is DEGRADED: Cannot place replicas: "
                            "insufficient GPU capacity" % endpoint_id]


def test_degraded_deployment_that_vanished_is_reported_without_a_message(transport, fixture_json):
    endpoint_id, deployment_id = "ep_DegradedPrimary0000001", "dep_DegradedCapacity000001"
    transport.route(endpoint_path(endpoint_id), (200, fixture_json("v2/endpoint_degraded.json")))
    transport.route(endpoint_path(endpoint_id) + "/deployments/" + deployment_id,
                    (404, fixture_json("v2/error_endpoint_not_found_rpc.json")))
    api = make_api()
    endpoint = api.get_endpoint(endpoint_id)
    assert endpoint["deployments"][0]["status_message"] is None
    assert api.warnings == ["endpoint '%s': deployment 'my-project/busy/main' is DEGRADED" % endpoint_id]


def test_degraded_with_include_deployments_needs_no_extra_read(transport, fixture_json):
    endpoint_id = "ep_DegradedPrimary0000001"
    transport.route(endpoint_path(endpoint_id), (200, fixture_json("v2/endpoint_degraded.json")))
    transport.route(endpoint_path(endpoint_id) + "/deployments",
                    (200, {"data": [fixture_json("v2/deployment_degraded_full.json")]}))
    api = make_api(include_deployments=True)
    endpoint = api.get_endpoint(endpoint_id)
    assert transport.paths == [endpoint_path(endpoint_id), endpoint_path(endpoint_id) + "/deployments"]
    assert endpoint["deployments"][0]["status_message"] == "Cannot place replicas: insufficient GPU capacity"
    assert len(api.warnings) == 1


def test_selected_degraded_deployment_is_the_one_read_in_full(transport, fixture_json):
    body = fixture_json("v2/endpoint_split_100_0.json")
    body["deployments"][0]["state"] = "DEPLOYMENT_STATE_DEGRADED"
    transport.route(endpoint_path("ep_Cut100ZeroSplit00000001"), (200, body))
    full = {"id": "dep_NewReadyZeroWeight0002", "status": {"state": "DEPLOYMENT_STATE_DEGRADED", "message": "Not ready: probe"}}
    transport.route(endpoint_path("ep_Cut100ZeroSplit00000001") + "/deployments/dep_NewReadyZeroWeight0002", (200, full))
    api = make_api(deployment="v2")
    endpoint = api.get_endpoint("ep_Cut100ZeroSplit00000001")
    assert endpoint["primary_deployment_id"] == "dep_NewReadyZeroWeight0002"
    assert api.warnings == ["endpoint 'ep_Cut100ZeroSplit00000001': deployment 'my-project/cutover/v2' is DEGRADED: "
                            "Not ready: probe"]


# --- list_endpoints -------------------------------------------------------------------------------------------------

def test_list_follows_next_cursor_until_it_is_absent(transport, fixture_json):
    transport.route(LIST_PATH, (200, fixture_json("v2/endpoints_page1.json")), (200, fixture_json("v2/endpoints_page2.json")))
    api = make_api()
    endpoints = api.list_endpoints()
    assert [item["id"] for item in endpoints] == ["ep_CbJNwQC2ZqCU2iFT3mrCh", "ep_Ab5050SplitDifferentRdy",
                                                  "ep_R2mVq8LsT4nWx6yZa1bCd"]
    assert [item["state"] for item in endpoints] == ["STARTED", "STARTED", "STOPPED"]
    assert [sent.query for sent in transport.sent] == [{"limit": "100"}, {"limit": "100", "after": "cur_EndpointsPage2"}]
    assert all(sent.url.startswith(ROOT + LIST_PATH + "?") for sent in transport.sent)
    assert api.warnings == []


@pytest.mark.parametrize("last_cursor", ["", None], ids=["empty", "null"])
def test_list_stops_on_an_empty_or_null_next_cursor(transport, fixture_json, last_cursor):
    page2 = fixture_json("v2/endpoints_page2.json")
    page2["next_cursor"] = last_cursor
    transport.route(LIST_PATH, (200, fixture_json("v2/endpoints_page1.json")), (200, page2))
    assert len(make_api().list_endpoints()) == 3
    assert len(transport.sent) == 2


@pytest.mark.parametrize("max_results, count, requests_sent, warned", [
    (1, 1, 1, True),
    (2, 2, 1, True),
    (3, 3, 2, False),
    (5, 3, 2, False),
])
def test_list_stops_at_max_results_with_a_warning_when_more_exist(transport, fixture_json, max_results, count,
                                                                  requests_sent, warned):
    transport.route(LIST_PATH, (200, fixture_json("v2/endpoints_page1.json")), (200, fixture_json("v2/endpoints_page2.json")))
    api = make_api()
    assert len(api.list_endpoints(max_results=max_results)) == count
    assert len(transport.sent) == requests_sent
    expected = ["listing v2 endpoints of project '%s': stopped at max_results=%d; more endpoints exist"
                % (PROJECT_ID, max_results)]
    assert api.warnings == (expected if warned else [])


@pytest.mark.parametrize("name, sent", [
    ("chat", 'name="chat"'),
    ("my-project/chat", 'name="my-project/chat"'),
    ('say "hi"', 'name="say \\"hi\\""'),
    ("back\\slash", 'name="back\\\\slash"'),
    ('a\\"b', 'name="a\\\\\\"b"'),
])
def test_list_name_filter_is_a_quoted_and_escaped_filter_expression(transport, name, sent):
    transport.route(LIST_PATH, (200, {"data": []}))
    assert make_api().list_endpoints(name=name) == []
    assert transport.sent[0].query == {"filter": sent, "limit": "100"}
    assert '"' not in transport.sent[0].query_string and " " not in transport.sent[0].query_string


def test_list_resolves_the_project_first(transport, fixture_json):
    transport.route(V3_WHOAMI, (200, fixture_json("v2/whoami_v3_project_api_key.json")))
    transport.route(LIST_PATH, (200, {"data": [fixture_json("v2/endpoint_one_deployment.json")]}))
    endpoints = make_api(project_id=None).list_endpoints()
    assert transport.paths == [V3_WHOAMI, LIST_PATH]
    assert endpoints[0]["project_id"] == PROJECT_ID


@pytest.mark.parametrize("fixture", ["v2/error_project_not_found.json", "v2/error_project_not_found_rpc.json", None])
def test_list_404_fails_pointing_at_project_id_and_base_url(transport, fixture_json, fixture):
    transport.route(LIST_PATH, (404, fixture_json(fixture)) if fixture else (404,))
    error = raised(make_api().list_endpoints)
    assert error.message.startswith("listing v2 endpoints of project '%s': HTTP 404 from %s" % (PROJECT_ID, ROOT + LIST_PATH))
    assert error.message.endswith("(check project_id and base_url)" if fixture else
                                  "(for v1 it ends in /v1, for example https://api.together.ai/v1)")
    assert error.status == 404


@pytest.mark.parametrize("body", [{"items": []}, [], {"data": {"ep": {}}}])
def test_list_body_that_is_not_a_page_fails(transport, body):
    transport.route(LIST_PATH, (200, body))
    error = raised(make_api().list_endpoints)
    assert error.message.startswith("listing v2 endpoints of project '%s': HTTP 200 from %s is not a page: expected an "
                                    "object with a data array, got " % (PROJECT_ID, ROOT + LIST_PATH))


def test_list_item_that_is_not_an_endpoint_fails(transport, fixture_json):
    transport.route(LIST_PATH, (200, {"data": [fixture_json("v2/endpoint_one_deployment.json"), {"id": "ep_NoName"}]}))
    error = raised(make_api().list_endpoints)
    assert error.message == ("listing v2 endpoints of project '%s': item 1 (id 'ep_NoName') is not a v2 Endpoint: "
                             "missing required field name" % PROJECT_ID)


def test_list_error_names_the_project(transport, fixture_json):
    transport.route(LIST_PATH, (500, fixture_json("error_internal.json")))
    error = raised(make_api().list_endpoints)
    assert error.message.startswith("listing v2 endpoints of project '%s': HTTP 500 from " % PROJECT_ID)


def test_list_applies_the_deployment_selector_and_warns_per_endpoint(transport, fixture_json):
    transport.route(LIST_PATH, (200, {"data": [fixture_json("v2/endpoint_tie.json"),
                                               fixture_json("v2/endpoint_one_deployment.json")]}))
    api = make_api(deployment="older")
    endpoints = api.list_endpoints()
    assert [item["primary_deployment_id"] for item in endpoints] == ["dep_TieOlder0000000000001", None]
    assert api.warnings == ["endpoint 'ep_CbJNwQC2ZqCU2iFT3mrCh' has no deployment 'older'; the flat fields describe none"]


def test_list_degraded_endpoint_warns_without_an_extra_read(transport, fixture_json):
    transport.route(LIST_PATH, (200, {"data": [fixture_json("v2/endpoint_degraded.json")]}))
    api = make_api()
    api.list_endpoints()
    assert transport.paths == [LIST_PATH]
    assert api.warnings == ["endpoint 'ep_DegradedPrimary0000001': deployment 'my-project/busy/main' is DEGRADED"]


# --- strict whoami answers ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("route, body, problem", [
    (V3_WHOAMI, {"type": "project_api_key", "project": {"id": 12345}},
     "field project.id is a JSON number 12345, expected a string"),
    (V3_WHOAMI, {"type": "project_api_key", "project": "proj_x"}, "field project is a JSON string 'proj_x', expected "
                                                                  "an object"),
    (V3_WHOAMI, {"type": ["project_api_key"], "project": {"id": "proj_x"}}, "field type is a JSON array, expected a "
                                                                            "string"),
    (V1_WHOAMI, {"project_id": ["proj_x"]}, "field project_id is a JSON array, expected a string"),
])
def test_whoami_with_a_field_of_the_wrong_type_fails_naming_it(transport, route, body, problem):
    if route == V1_WHOAMI:
        transport.route(V3_WHOAMI, (404, {"error": {"message": "Unknown request URL", "code": "unknown_url"}}))
    transport.route(route, (200, body))
    error = raised(Project(make_client(), ROOT).resolve)
    assert error.message == ("resolving the project for the v2 API: %s%s is not a whoami answer: %s"
                             % (ROOT, route, problem))


# --- pagination that would not end ----------------------------------------------------------------------------------

def test_a_run_of_empty_pages_with_a_cursor_stops_with_an_error(transport):
    pages = [(200, {"data": [], "next_cursor": "cursor-%d" % index}) for index in range(10)]
    transport.route(LIST_PATH, *pages)
    error = raised(make_api().list_endpoints)
    assert error.message == ("listing v2 endpoints of project '%s': %s sent 3 empty pages in a row, each with a "
                             "next_cursor; stopping (the list would never end)" % (PROJECT_ID, ROOT + LIST_PATH))
    assert len(transport.sent) == 3


def test_a_cursor_that_is_not_a_string_fails_naming_the_field(transport):
    transport.route(LIST_PATH, (200, {"data": [], "next_cursor": 17}))
    error = raised(make_api().list_endpoints)
    assert error.message == ("listing v2 endpoints of project '%s': HTTP 200 from %s is not a page: field next_cursor is "
                             "a JSON number 17, expected a string" % (PROJECT_ID, ROOT + LIST_PATH))


def test_a_list_that_never_ends_stops_after_max_pages(transport, fixture_json, monkeypatch):
    from ansible_collections.together.ai.plugins.module_utils import _endpoints_v2
    monkeypatch.setattr(_endpoints_v2, "MAX_PAGES", 4)
    counter = iter(range(100))

    def page(prepared):  # pylint: disable=unused-argument
        index = next(counter)
        return (200, {"data": [dict(fixture_json("v2/endpoint_one_deployment.json"), id="ep_%d" % index)],
                      "next_cursor": "c%d" % index})

    transport.route(LIST_PATH, page)
    error = raised(make_api().list_endpoints, max_results=None)
    assert error.message.endswith("%s still had a next_cursor after 4 pages; stopping" % (ROOT + LIST_PATH))


# --- readable model names -------------------------------------------------------------------------------------------

MODEL = "projects/%s/models/ml_CbJNwQC2ZqCU2iFT3mrCh/revisions/rv_CbJ9yNrws93VQrZum1fTE" % PROJECT_ID
MODEL_NAME = "devteam/Llama-3.3-70B-Instruct-Turbo"


def test_v2_read_names_the_model_of_the_endpoint_and_of_each_deployment(transport, fixture_json):
    transport.route(endpoint_path(ENDPOINT_ID), (200, fixture_json("v2/endpoint_one_deployment.json")))
    endpoint = make_api().get_endpoint(ENDPOINT_ID)
    assert endpoint["model"] == MODEL
    assert endpoint["model_name"] == MODEL_NAME
    assert [item["model_name"] for item in endpoint["deployments"]] == [MODEL_NAME]
    model_path = "/v2/projects/%s/models/ml_CbJNwQC2ZqCU2iFT3mrCh" % PROJECT_ID
    assert [sent.path for sent in transport.model_lookups] == [model_path]


def test_each_distinct_model_is_looked_up_once_per_task_across_threads_and_polls(transport, fixture_json):
    ids = ["ep_%d" % index for index in range(6)]
    for endpoint_id in ids:
        transport.route(endpoint_path(endpoint_id), (200, dict(fixture_json("v2/endpoint_one_deployment.json"),
                                                               id=endpoint_id)))
    api = make_api()
    from ansible_collections.together.ai.plugins.module_utils._parallel import fetch_concurrently
    for _poll in range(3):
        found = fetch_concurrently(api.get_endpoint, ids)
        assert all(found[endpoint_id]["model_name"] == MODEL_NAME for endpoint_id in ids)
    assert len(transport.model_lookups) == 1


def test_two_models_of_one_endpoint_are_each_named(transport, fixture_json):
    body = fixture_json("v2/endpoint_one_deployment.json")
    other = dict(body["deployments"][0], id="dep_Other", model="projects/%s/models/ml_Q8vWn2RkT5aLp0sXe3mYd" % PROJECT_ID)
    body["deployments"].append(other)
    transport.route(endpoint_path(ENDPOINT_ID), (200, body))
    endpoint = make_api().get_endpoint(ENDPOINT_ID)
    assert sorted(item["model_name"] for item in endpoint["deployments"]) == [
        "devteam/Llama-3.3-70B-Instruct-Turbo", "devteam/Qwen2.5-72B-Instruct-ft-support"]
    assert len(transport.model_lookups) == 2


@pytest.mark.parametrize("reply, said", [
    ((404, {"error": {"message": "model not found", "code": "not_found"}}), "HTTP 404 from %s: model not found"),
    ((403, {"error": {"message": "public model of another project"}}), "HTTP 403 from %s: public model of another project"),
    ((200, {"id": "ml_CbJNwQC2ZqCU2iFT3mrCh", "name": 5}), "HTTP 200 from %s has no name for it"),
], ids=["404", "403", "no-name"])
def test_a_model_that_cannot_be_named_leaves_model_name_null_with_one_warning(transport, fixture_json, reply, said):
    model_path = "/v2/projects/%s/models/ml_CbJNwQC2ZqCU2iFT3mrCh" % PROJECT_ID
    transport.route(model_path, reply)
    ids = ["ep_1", "ep_2"]
    for endpoint_id in ids:
        transport.route(endpoint_path(endpoint_id), (200, dict(fixture_json("v2/endpoint_one_deployment.json"),
                                                               id=endpoint_id)))
    api = make_api()
    endpoints = [api.get_endpoint(endpoint_id) for endpoint_id in ids]
    assert [endpoint["model_name"] for endpoint in endpoints] == [None, None]
    assert endpoints[0]["deployments"][0]["model_name"] is None
    assert len(transport.model_lookups) == 1
    assert [warning for warning in api.warnings if "model_name" in warning] == [
        "model %s: its readable name could not be read (%s); model_name is null"
        % (MODEL, said % (ROOT + model_path) if reply[0] != 403 else "HTTP 403 from %s: public model of another project "
           "(authentication/permission error: check api_key or TOGETHER_API_KEY, and the key's access)"
           % (ROOT + model_path))]


def test_listed_v2_endpoints_are_named_too(transport, fixture_json):
    transport.route(LIST_PATH, (200, {"data": [fixture_json("v2/endpoint_one_deployment.json")]}))
    assert make_api().list_endpoints()[0]["model_name"] == MODEL_NAME


def test_an_endpoint_without_deployments_has_no_model_name_and_looks_nothing_up(transport, fixture_json):
    transport.route(endpoint_path(ENDPOINT_ID), (200, fixture_json("v2/endpoint_no_deployments.json")))
    endpoint = make_api().get_endpoint(ENDPOINT_ID)
    assert endpoint["model_name"] is None
    assert transport.model_lookups == []


def test_a_failed_status_read_the_api_does_not_know_leaves_the_verdict_and_warns(transport, fixture_json):
    # The read of a DEGRADED/FAILED deployment only decorates the verdict: a proxy without that route used to fail the
    # task with "the API does not know this URL" instead of reporting the deployment's state.
    endpoint_id, deployment_id = "ep_DegradedPrimary0000001", "dep_DegradedCapacity000001"
    transport.route(endpoint_path(endpoint_id), (200, fixture_json("v2/endpoint_degraded.json")))
    transport.route(endpoint_path(endpoint_id) + "/deployments/" + deployment_id,
                    (404, {"error": {"message": "Unknown request URL: GET /v2/...", "type": "invalid_request_error",
                                     "code": "unknown_url"}}))
    api = make_api()
    endpoint = api.get_endpoint(endpoint_id)
    assert endpoint["deployments"][0]["state"] == "DEPLOYMENT_STATE_DEGRADED"
    assert endpoint["deployments"][0]["status_message"] is None
    assert len(api.warnings) == 2
    assert api.warnings[0].startswith("endpoint '%s' in project " % endpoint_id)
    assert "the status message of deployment %s could not be read (" % deployment_id in api.warnings[0]
    assert "the API does not know this URL" in api.warnings[0]


def test_the_slug_and_the_project_come_from_one_whoami(transport):
    key_project = {"id": "proj_Key0000000000000000001", "slug": "key-project"}
    transport.route("/v3/whoami", (200, {"type": "project_api_key", "project": key_project}))
    project = Project(make_client(), ROOT)
    assert project.slug() == "key-project"
    assert project.resolve() == "proj_Key0000000000000000001"
    assert project.slug() == "key-project"
    assert transport.paths == ["/v3/whoami"]


def test_a_given_project_has_no_slug_from_another_projects_key(transport):
    key_project = {"id": "proj_Key0000000000000000001", "slug": "key-project"}
    transport.route("/v3/whoami", (200, {"type": "project_api_key", "project": key_project}))
    project = Project(make_client(), ROOT, "proj_Given00000000000000001")
    assert project.slug() is None  # the key's slug names the key's project, not the one managed
    assert project.resolve() == "proj_Given00000000000000001"
