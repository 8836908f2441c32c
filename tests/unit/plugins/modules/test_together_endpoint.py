# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""together_endpoint through main() with the fake transport: what goes on the wire, etags, 409s, refusals."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

import pytest
import yaml

from ansible_collections.together.ai.plugins.module_utils._module import together_argument_spec
from ansible_collections.together.ai.plugins.modules import together_endpoint, together_endpoint_info, together_hardware_info
from ansible_collections.together.ai.tests.unit._helpers import assert_key_hidden, assert_refused_before_any_request, run_with_key

PROJECT_ID = "proj_CbJNwQC2ZqCU2iFT3mrCh"
EP_ID = "ep_CbJNwQC2ZqCU2iFT3mrCh"
DEP_ID = "dep_CbzGdmn14t3HYrXXitmKa"
ENDPOINTS = "/v2/projects/%s/endpoints" % PROJECT_ID
ENDPOINT = "%s/%s" % (ENDPOINTS, EP_ID)
DEPLOYMENTS = ENDPOINT + "/deployments"
DEPLOYMENT = "%s/%s" % (DEPLOYMENTS, DEP_ID)
V1_ID = "endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7"


def run(run_module, check_mode=False, **args):
    args.setdefault("project_id", PROJECT_ID)
    return run_with_key(run_module, together_endpoint.main, check_mode=check_mode, **args)


def error(status, message, code=None):
    return (status, {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}})


class FakeV2:
    """One v2 endpoint with deployment blue, answering by method and path; it records each write with its body."""

    def __init__(self, transport, endpoint, deployment):
        self.endpoint = endpoint
        self.deployment = deployment
        self.writes = []
        self.answers = {}  # (method, path) -> list of outcomes to send before the default answer
        for path in (ENDPOINT, DEPLOYMENTS, DEPLOYMENT):
            transport.route(path, self.answer)

    def then(self, method, path, *outcomes):
        self.answers.setdefault((method, path), []).extend(outcomes)

    def answer(self, prepared):
        path = prepared.path_url.split("?", 1)[0]
        if prepared.method != "GET":
            body = json.loads(prepared.body) if prepared.body else None
            self.writes.append((prepared.method, prepared.path_url, body))
        queued = self.answers.get((prepared.method, path))
        if queued:
            return queued.pop(0)
        if prepared.method == "GET":
            if path == ENDPOINT:
                return (200, self.endpoint)
            if path == DEPLOYMENTS:
                return (200, {"data": [self.deployment]})
            return (200, self.deployment)
        if prepared.method == "PATCH" and path == DEPLOYMENT:
            self.deployment = dict(self.deployment, autoscaling=json.loads(prepared.body)["autoscaling"], etag="dep-etag-2")
            self.endpoint["deployments"][0]["autoscaling"] = dict(self.deployment["autoscaling"])
            return (200, self.deployment)
        if prepared.method == "PATCH" and path == ENDPOINT:
            self.endpoint = dict(self.endpoint, etag="ep-etag-2", **{
                key: value for key, value in json.loads(prepared.body).items() if key != "etag"})
            return (200, self.endpoint)
        raise AssertionError("no answer for %s %s" % (prepared.method, prepared.path_url))


@pytest.fixture
def api(transport, fixture_json):
    endpoint = fixture_json("v2/endpoint_one_deployment.json")
    endpoint["etag"] = "ep-etag-1"
    deployment = fixture_json("v2/deployment_degraded_full.json")
    # The full deployment of the endpoint's blue: READY, 1/2, etag dep-etag-1.
    deployment.update(id=DEP_ID, name="my-project/chat/blue", endpointId=EP_ID, etag="dep-etag-1",
                      autoscaling={"minReplicas": 1, "maxReplicas": 2}, model=endpoint["deployments"][0]["model"],
                      status={"state": "DEPLOYMENT_STATE_READY", "message": "All replicas ready", "readyReplicas": 1})
    return FakeV2(transport, endpoint, deployment)


BLUE = dict(endpoint_id=EP_ID, deployment_name="blue")


# -- options ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("args, message", [
    (dict(name="chat", model="m", deployments=[{"name": "blue"}]), "deployments and model are mutually exclusive"),
    (dict(name="chat", min_replicas=3, max_replicas=2), "min_replicas (3) must not be greater than max_replicas (2)"),
    (dict(api_version="v1", min_replicas=1), "would create a v1 endpoint"),
    (dict(name="chat", deployments=[{"name": "blue", "config": "cr_1", "hardware": "1xnvidia-h100-80gb"}]),
     "deployments[0]: config and hardware are mutually exclusive"),
    (dict(model="m"), "one of endpoint_id or name is required"),
], ids=["deployments-and-model", "min-above-max", "v1-create", "config-and-hardware", "no-identity"])
def test_bad_options_fail_before_any_request(run_module, transport, args, message):
    outcome = run(run_module, **args)
    assert_refused_before_any_request(outcome, transport, message)


# -- writes -------------------------------------------------------------------------------------------------------


def test_check_mode_reads_and_says_what_it_would_send(run_module, transport, api):
    outcome = run(run_module, check_mode=True, min_replicas=2, max_replicas=4, _ansible_diff=True, **BLUE)
    result = outcome.result
    assert api.writes == []
    assert {sent.method for sent in transport.sent} == {"GET"}
    assert result["changed"] is True
    assert result["actions"] == ["scale endpoint '%s' deployment 'blue': 1/2 replicas -> 2/4 replicas" % EP_ID]
    assert result["diff"]["before"]["deployments"]["blue"]["max_replicas"] == 2
    assert result["diff"]["after"]["deployments"]["blue"]["max_replicas"] == 4
    assert result["endpoint"]["autoscaling"] == {"min_replicas": 1, "max_replicas": 2}


def test_scaling_is_one_patch_with_the_mask_and_the_deployments_etag(run_module, api):
    outcome = run(run_module, min_replicas=2, max_replicas=4, **BLUE)
    assert api.writes == [("PATCH", DEPLOYMENT + "?updateMask=autoscaling",
                           {"autoscaling": {"minReplicas": 2, "maxReplicas": 4}, "etag": "dep-etag-1"})]
    assert outcome.result["changed"] is True
    assert outcome.result["endpoint"]["autoscaling"] == {"min_replicas": 2, "max_replicas": 4}
    assert outcome.result["retried"] == []
    assert_key_hidden(outcome)


def test_no_change_sends_no_write_and_returns_the_endpoint_as_the_info_module(run_module, api):
    outcome = run(run_module, min_replicas=1, max_replicas=2, **BLUE)
    assert api.writes == []
    assert outcome.result["changed"] is False
    assert outcome.result["actions"] == []
    assert outcome.result["endpoint"]["raw"] == api.endpoint
    assert "diff" not in outcome.result  # not asked for


def stopped_meanwhile(api):
    """Someone else stops blue (0/0) after this task read it: later reads see that, with new etags."""
    original_endpoint, original_deployment = copy.deepcopy(api.endpoint), copy.deepcopy(api.deployment)
    api.then("GET", ENDPOINT, (200, original_endpoint))
    api.then("GET", DEPLOYMENTS, (200, {"data": [original_deployment]}))
    api.endpoint = copy.deepcopy(api.endpoint)
    api.endpoint["etag"] = "ep-etag-moved"
    api.endpoint["deployments"][0].update(state="DEPLOYMENT_STATE_STOPPED", autoscaling={}, readyReplicas=0)
    api.deployment = dict(api.deployment, etag="dep-etag-moved", autoscaling={"minReplicas": 0, "maxReplicas": 0},
                          status={"state": "DEPLOYMENT_STATE_STOPPED", "message": "Deployment stopped"})


def test_a_409_whose_etag_moved_is_planned_again_from_a_fresh_read_not_resent(run_module, api):
    # Run A scales blue to 2/3 while run B stops it: A's PATCH meets 409 and A must not start blue again.
    stopped_meanwhile(api)
    api.then("PATCH", DEPLOYMENT, error(409, "etag mismatch for deployment %s: it changed since it was read" % DEP_ID,
                                        "etag_mismatch"))
    outcome = run(run_module, min_replicas=2, max_replicas=3, **BLUE)
    result = outcome.result
    # One PATCH, refused; the plan made again from the fresh read (blue stopped, state=present) sends nothing.
    assert [body["etag"] for _method, _path, body in api.writes] == ["dep-etag-1"]
    assert result.get("failed") is not True
    assert result["changed"] is False
    assert result["retried"] == ["scale endpoint '%s' deployment 'blue': 1/2 replicas -> 2/3 replicas: HTTP 409: it changed "
                                 "since it was read; read again and planned anew" % EP_ID]
    assert any("is stopped (0/0 replicas); state=present keeps it stopped" in warning for warning in outcome.warnings)


def test_a_409_whose_etag_moved_sends_the_body_planned_from_the_fresh_read(run_module, api):
    api.then("PATCH", DEPLOYMENT, error(409, "etag mismatch for deployment %s" % DEP_ID, "etag_mismatch"))
    # Someone else scaled blue to 1/3 meanwhile: the fresh read sees it, and the new plan scales from there.
    api.then("GET", ENDPOINT, (200, copy.deepcopy(api.endpoint)))
    api.then("GET", DEPLOYMENTS, (200, {"data": [api.deployment]}))
    api.deployment = dict(api.deployment, etag="dep-etag-moved", autoscaling={"minReplicas": 1, "maxReplicas": 3})
    api.endpoint["deployments"][0]["autoscaling"] = {"minReplicas": 1, "maxReplicas": 3}
    outcome = run(run_module, min_replicas=2, **BLUE)
    assert [(body["autoscaling"], body["etag"]) for _method, _path, body in api.writes] == [
        ({"minReplicas": 2, "maxReplicas": 2}, "dep-etag-1"), ({"minReplicas": 2, "maxReplicas": 3}, "dep-etag-moved")]
    assert outcome.result["changed"] is True
    assert outcome.result["actions"] == ["scale endpoint '%s' deployment 'blue': 1/3 replicas -> 2/3 replicas" % EP_ID]


def test_conflicts_on_every_round_give_up_after_three_with_a_rerun_hint(run_module, api):
    conflict = error(409, "etag mismatch for deployment %s" % DEP_ID, "etag_mismatch")
    api.then("PATCH", DEPLOYMENT, conflict, conflict, conflict)
    api.then("GET", DEPLOYMENT, *[(200, dict(api.deployment, etag="dep-etag-%d" % round_number)) for round_number in (5, 6, 7)])
    api.then("GET", DEPLOYMENTS, *[(200, {"data": [dict(api.deployment, etag="dep-etag-%d" % round_number)]})
                                   for round_number in (1, 5, 6)])
    outcome = run(run_module, min_replicas=2, max_replicas=4, **BLUE)
    result = outcome.result
    assert len(api.writes) == 3
    assert result["failed"] is True and result["changed"] is False and result["actions"] == []
    assert "changed while this task wrote to it, 3 times in a row" in result["msg"]
    assert "Run the task again" in result["msg"]


def test_a_name_matches_only_an_endpoint_of_the_tasks_project(run_module, transport, api):
    # A list answer that holds another project's endpoint of the same name: it is not this task's endpoint.
    other = dict(copy.deepcopy(api.endpoint), id="ep_OtherProjectsChat00000", projectId="proj_SomeoneElse000000000")
    transport.route(ENDPOINTS, lambda prepared: (200, {"data": [other], "next_cursor": None}))
    outcome = run(run_module, name="chat", state="absent")
    assert outcome.result["changed"] is False and outcome.result["exists"] is False
    assert api.writes == []


def test_a_409_that_is_not_about_the_etag_fails_with_the_apis_message(run_module, api):
    api.then("PATCH", ENDPOINT, error(409, "endpoint 'my-project/taken' already exists", "already_exists"))
    outcome = run(run_module, endpoint_id=EP_ID, name="taken")
    assert len(api.writes) == 1  # the etag had not moved: no second try
    result = outcome.result
    assert result["failed"] is True and result["changed"] is False
    assert result["status"] == 409 and result["error_code"] == "already_exists"
    assert "update endpoint '%s': name -> taken (project %s): HTTP 409 from " % (EP_ID, PROJECT_ID) in result["msg"]
    assert result["msg"].endswith("endpoint 'my-project/taken' already exists")
    assert_key_hidden(outcome)


def test_an_api_refusal_fails_with_its_message_and_no_traceback(run_module, api):
    api.then("PATCH", DEPLOYMENT, error(400, "Cannot place replicas: insufficient GPU capacity for 1xnvidia-h100-80gb"))
    outcome = run(run_module, min_replicas=8, max_replicas=8, **BLUE)
    result = outcome.result
    assert result["failed"] is True
    assert result["status"] == 400
    assert "insufficient GPU capacity" in result["msg"]
    assert "Traceback" not in result["_stdout"]


def test_a_new_endpoint_is_deleted_again_when_its_first_deployment_is_refused(run_module, transport, fixture_json):
    created = fixture_json("v2/endpoint_no_deployments.json")
    new_endpoint = "%s/%s" % (ENDPOINTS, created["id"])
    config = {"id": "cr_CbzGdmn14t3HYrXXitmKa", "projectId": "proj_together",
              "referenceModel": "projects/proj_together/models/ml_CbJNwQC2ZqCU2iFT3mrCh",
              "selectors": [{"key": "accelerator_type", "value": "nvidia-h100-80gb"}, {"key": "accelerator_count", "value": "1"}]}
    sent = []

    def record(reply):
        def answer(prepared):
            sent.append((prepared.method, prepared.path_url, json.loads(prepared.body) if prepared.body else None))
            return reply
        return answer

    # devteam/... is a private model of the project (its slug, from whoami): configs of its base model, deployed as itself.
    private = {"id": "ml_PrivateFineTune0000001", "name": "devteam/Llama-3.3-70B-Instruct-Turbo", "projectId": PROJECT_ID,
               "baseModelId": "ml_CbJNwQC2ZqCU2iFT3mrCh"}
    transport.route("/v3/whoami", (200, {"type": "project_api_key", "project": {"id": PROJECT_ID, "slug": "devteam"}}))
    transport.route("/v2/projects/%s/models" % PROJECT_ID, (200, {"data": [private]}))
    transport.route(ENDPOINTS, (200, {"data": []}), record((200, created)))
    transport.route("/v2/projects/%s/configs" % PROJECT_ID, (200, {"data": [config]}))
    transport.route(new_endpoint + "/deployments", record(error(400, "Cannot place replicas: insufficient GPU capacity")))
    transport.route(new_endpoint, record((200, {})))
    outcome = run(run_module, name="chat", model="devteam/Llama-3.3-70B-Instruct-Turbo", hardware="1xnvidia-h100-80gb")
    assert [(method, path.split("?")[0]) for method, path, _body in sent] == [
        ("POST", ENDPOINTS), ("POST", new_endpoint + "/deployments"), ("DELETE", new_endpoint)]
    configs_request = next(item for item in transport.sent if item.path == "/v2/projects/%s/configs" % PROJECT_ID)
    assert configs_request.query == {"referenceModelId": "ml_CbJNwQC2ZqCU2iFT3mrCh"}
    assert sent[1][2] == {"name": "main", "model": "projects/%s/models/ml_PrivateFineTune0000001" % PROJECT_ID,
                          "config": "projects/proj_together/configs/cr_CbzGdmn14t3HYrXXitmKa",
                          "autoscaling": {"minReplicas": 1, "maxReplicas": 1}}
    result = outcome.result
    assert result["failed"] is True
    assert "insufficient GPU capacity" in result["msg"]
    assert "the endpoint %s created by this task was deleted again" % created["id"] in result["msg"]


def test_v1_stop_is_one_patch_through_v1(run_module, transport, fixture_json):
    started = fixture_json("endpoint_started.json")
    path = "/v1/endpoints/%s" % V1_ID
    writes = []

    def answer(prepared):
        if prepared.method == "GET":
            return (200, started)
        writes.append((prepared.method, json.loads(prepared.body)))
        started["state"] = "STOPPED"
        return (200, started)

    transport.route(path, answer)
    outcome = run(run_module, endpoint_id=V1_ID, state="stopped", _ansible_diff=True)
    assert writes == [("PATCH", {"state": "STOPPED"})]
    assert outcome.result["changed"] is True
    assert outcome.result["endpoint"]["state"] == "STOPPED"
    assert outcome.result["diff"]["before"]["state"] == "STARTED"
    assert "project_id" not in outcome.result


def test_absent_of_a_missing_endpoint_is_no_change(run_module, transport, fixture_json):
    transport.route(ENDPOINT, error(404, "endpoint %r not found in project %r" % (EP_ID, PROJECT_ID), "endpoint_not_found"))
    outcome = run(run_module, endpoint_id=EP_ID, state="absent")
    assert outcome.result["changed"] is False
    assert outcome.result["exists"] is False
    assert [sent.method for sent in transport.sent] == ["GET"]


def test_absent_leaves_the_deletes_for_after_the_stop(run_module, api):
    outcome = run(run_module, endpoint_id=EP_ID, state="absent")
    assert [(method, path) for method, path, _body in api.writes] == [
        ("PATCH", ENDPOINT + "?updateMask=trafficSplit"), ("PATCH", DEPLOYMENT + "?updateMask=autoscaling")]
    assert api.writes[0][2] == {"trafficSplit": [], "etag": "ep-etag-1"}
    assert outcome.result["pending"] == [dict(endpoint_id=EP_ID, deployment_id=DEP_ID, name="blue", state="STOPPED",
                                              then="delete")]


def test_the_endpoint_returned_is_together_endpoint_info_s(run_module, api):
    from ansible_collections.together.ai.tests.unit._helpers import run_endpoint_info
    written = run(run_module, min_replicas=1, max_replicas=2, **BLUE).result["endpoint"]
    read = run_endpoint_info(run_module, endpoint_id=EP_ID, project_id=PROJECT_ID).result["endpoint"]
    assert written == read


def test_deployments_beyond_the_ten_the_endpoint_embeds_are_stopped_too(run_module, transport, fixture_json):
    fleet = "%s/ep_TwelveDeployments00001" % ENDPOINTS
    writes = []
    endpoint = fixture_json("v2/endpoint_twelve_deployments.json")
    pages = [fixture_json("v2/deployments_twelve_page1.json"), fixture_json("v2/deployments_twelve_page2.json")]

    def write(prepared):
        # The API stops it: the read-back (and the plan made from it) sees 0/0.
        writes.append((prepared.path_url, json.loads(prepared.body)))
        deployment_id = prepared.path_url.split("?")[0].rsplit("/", 1)[-1]
        for item in endpoint["deployments"] + pages[0]["data"] + pages[1]["data"]:
            if item["id"] == deployment_id:
                item["autoscaling"] = {"minReplicas": 0, "maxReplicas": 0}
        return (200, {})

    def page(prepared):
        return (200, pages[1] if "after=" in prepared.path_url else pages[0])

    transport.route(fleet, lambda prepared: (200, endpoint))
    transport.route(fleet + "/deployments", page)
    for number in ("12", "01"):
        transport.route("%s/deployments/dep_Twelve%s00000000000000" % (fleet, number), write)
    outcome = run(run_module, endpoint_id="ep_TwelveDeployments00001", state="stopped")
    # d12 is among the 10 newest the endpoint embeds; d01, READY at 2/3 and routed, only in the full list.
    assert sorted(path.split("/")[-1] for path, _body in writes) == [
        "dep_Twelve0100000000000000?updateMask=autoscaling", "dep_Twelve1200000000000000?updateMask=autoscaling"]
    assert all(body["autoscaling"] == {"minReplicas": 0, "maxReplicas": 0} for _path, body in writes)
    assert outcome.result["changed"] is True


# -- what a no-op rerun reads (issue 13: one read per endpoint) -----------------------------------------------------

MODEL_PATH = "projects/proj_CbJNwQC2ZqCU2iFT3mrCh/models/ml_CbJNwQC2ZqCU2iFT3mrCh/revisions/rv_CbJ9yNrws93VQrZum1fTE"
MODEL_NAME = "devteam/Llama-3.3-70B-Instruct-Turbo"  # fixtures/v2/model_ml_CbJNwQC2ZqCU2iFT3mrCh.json


def reads(transport):
    return [(sent.method, sent.path) for sent in transport.sent]


def test_a_no_op_by_id_reads_the_endpoint_once_as_its_summaries_are_complete(run_module, transport, api):
    outcome = run(run_module, model=MODEL_NAME, hardware="1xnvidia-h100-80gb", min_replicas=1, max_replicas=2, **BLUE)
    assert outcome.result["changed"] is False
    # One deployment embedded (fewer than the 10 an endpoint embeds at most): no deployments list.
    assert reads(transport) == [("GET", ENDPOINT)]
    assert [sent.path for sent in transport.model_lookups] == ["/v2/projects/%s/models/ml_CbJNwQC2ZqCU2iFT3mrCh" % PROJECT_ID]


def test_a_no_op_by_name_reads_the_filtered_list_only(run_module, transport, api):
    transport.route(ENDPOINTS, (200, {"data": [api.endpoint]}))
    outcome = run(run_module, name="chat", model=MODEL_NAME, hardware="1xnvidia-h100-80gb", min_replicas=1,
                  max_replicas=2, deployment_name="blue")
    assert outcome.result["changed"] is False
    assert reads(transport) == [("GET", ENDPOINTS)]
    assert transport.sent[0].query["filter"] == 'name="chat"'
    # The listed item stands for the GET: the endpoint is returned as together_endpoint_info returns it.
    from ansible_collections.together.ai.tests.unit._helpers import run_endpoint_info
    read = run_endpoint_info(run_module, endpoint_id=EP_ID, project_id=PROJECT_ID).result["endpoint"]
    assert outcome.result["endpoint"] == read


def test_a_rerun_that_should_scale_still_does_with_the_deployments_etag(run_module, transport, api):
    outcome = run(run_module, model=MODEL_NAME, min_replicas=2, max_replicas=2, **BLUE)
    assert outcome.result["changed"] is True
    # The no-op guess had no etag: the full list is read before the write, which carries its etag.
    assert api.writes == [("PATCH", DEPLOYMENT + "?updateMask=autoscaling",
                           {"autoscaling": {"minReplicas": 2, "maxReplicas": 2}, "etag": "dep-etag-1"})]
    assert reads(transport)[:2] == [("GET", ENDPOINT), ("GET", DEPLOYMENTS)]


def test_ten_embedded_deployments_may_be_truncated_so_the_list_is_read(run_module, transport, fixture_json):
    fleet = "%s/ep_TwelveDeployments00001" % ENDPOINTS
    transport.route(fleet, (200, fixture_json("v2/endpoint_twelve_deployments.json")))
    transport.route(fleet + "/deployments", (200, fixture_json("v2/deployments_twelve_page1.json")),
                    (200, fixture_json("v2/deployments_twelve_page2.json")))
    outcome = run(run_module, endpoint_id="ep_TwelveDeployments00001")
    assert outcome.result["changed"] is False
    # Ten embedded may be the 10 newest of more: the list (two pages) is read; a change beyond them is seen (next test).
    assert [path for _method, path in reads(transport)] == [fleet, fleet + "/deployments", fleet + "/deployments"]


def test_a_split_naming_a_deployment_not_embedded_reads_the_list(run_module, transport, api):
    api.endpoint["trafficSplit"].append({"deploymentId": "dep_NotEmbedded0000000000", "weight": 1})
    run(run_module, model=MODEL_NAME, min_replicas=1, max_replicas=2, **BLUE)
    assert ("GET", DEPLOYMENTS) in reads(transport)


@pytest.mark.parametrize("config, changed", [("cr_CbzGdmn14t3HYrXXitmKa", False), ("cr_Other0000000000000000", None)])
def test_a_declared_config_is_compared_with_the_full_deployment(run_module, transport, api, config, changed):
    api.deployment["config"] = "projects/proj_together/configs/cr_CbzGdmn14t3HYrXXitmKa"
    outcome = run(run_module, model=MODEL_NAME, config=config, min_replicas=1, max_replicas=2, **BLUE)
    # Summaries name the hardware, not the config: the full deployments are read to compare it.
    assert reads(transport) == [("GET", ENDPOINT), ("GET", DEPLOYMENTS)]
    if changed is None:
        assert outcome.result["failed"] is True
        assert "config cr_CbzGdmn14t3HYrXXitmKa -> cr_Other0000000000000000 cannot change in place" in outcome.result["msg"]
    else:
        assert outcome.result["changed"] is False


def test_diff_reads_the_deployments_for_their_config(run_module, transport, api):
    outcome = run(run_module, model=MODEL_NAME, min_replicas=1, max_replicas=2, _ansible_diff=True, **BLUE)
    assert outcome.result["changed"] is False
    assert reads(transport) == [("GET", ENDPOINT), ("GET", DEPLOYMENTS)]
    assert outcome.result["diff"]["before"]["deployments"]["blue"]["config"] == "cr_CbzGdmn14t3HYrXXitmKa"
    assert outcome.result["diff"]["before"] == outcome.result["diff"]["after"]


@pytest.mark.parametrize("model, same", [
    (MODEL_NAME, True),  # a public name: compared with the name the model look-up reads
    ("meta-llama/Llama-3.1-8B-Instruct-Turbo", False),
    ("ml_CbJNwQC2ZqCU2iFT3mrCh", True),  # an id or a path: compared with the deployment's path
    ("ml_Q8vWn2RkT5aLp0sXe3mYd", False),
    ("projects/proj_CbJNwQC2ZqCU2iFT3mrCh/models/ml_CbJNwQC2ZqCU2iFT3mrCh", True),
], ids=["name", "other-name", "id", "other-id", "path"])
def test_a_model_by_name_or_id_is_compared_on_one_endpoint_read(run_module, transport, api, model, same):
    outcome = run(run_module, model=model, min_replicas=1, max_replicas=2, **BLUE)
    assert reads(transport) == [("GET", ENDPOINT)]
    if same:
        assert outcome.result["changed"] is False
    else:
        assert outcome.result["failed"] is True
        assert "model %s -> %s cannot change in place" % (MODEL_NAME, model) in outcome.result["msg"]


def test_the_task_cache_spares_whoami_and_the_model_look_up(run_module, transport, api):
    cache = {"project_id": PROJECT_ID, "project_slug": "my-project", "model_names": {MODEL_PATH: MODEL_NAME}}
    outcome = run_with_key(run_module, together_endpoint.main, model=MODEL_NAME, min_replicas=1, max_replicas=2,
                           _task_cache=cache, **BLUE)
    assert outcome.result["changed"] is False
    assert reads(transport) == [("GET", ENDPOINT)]  # no whoami: the project came with the cache
    assert transport.model_lookups == []
    assert outcome.result["project_id"] == PROJECT_ID and outcome.result["project_slug"] == "my-project"
    assert outcome.result["endpoint"]["deployments"][0]["model_name"] == MODEL_NAME


def test_the_task_cache_is_not_echoed_back_in_the_invocation(run_module, api):
    cache = {"project_id": PROJECT_ID, "project_slug": "my-project", "model_names": {}}
    outcome = run(run_module, min_replicas=1, max_replicas=2, _task_cache=cache, **BLUE)
    assert "_task_cache" not in outcome.result["invocation"]["module_args"]
    assert outcome.result["invocation"]["module_args"]["project_id"] == PROJECT_ID


@pytest.mark.parametrize("module", [together_endpoint, together_endpoint_info])
def test_the_task_cache_is_no_option(module):
    # Not in the documentation (ansible-doc listed it first) nor in the argument spec: the module takes the key out
    # of its arguments before Ansible validates them.
    assert "_task_cache" not in yaml.safe_load(module.DOCUMENTATION)["options"]
    assert "_task_cache" not in together_argument_spec(module.ARGUMENT_SPEC, project_option=True)


def test_a_module_without_a_task_cache_refuses_the_key(run_module, transport):
    outcome = run_with_key(run_module, together_hardware_info.main, _task_cache={"project_id": "proj_x"})
    assert outcome.result["failed"] is True
    assert "Unsupported parameters" in outcome.result["msg"] and "_task_cache" in outcome.result["msg"]
    assert transport.sent == []


def test_without_the_task_cache_the_project_comes_from_whoami(run_module, transport, api, fixture_json):
    whoami = fixture_json("v2/whoami_v3_project_api_key.json")
    whoami["project"]["id"] = PROJECT_ID
    transport.route("/v3/whoami", (200, whoami))
    outcome = run_with_key(run_module, together_endpoint.main, model=MODEL_NAME, min_replicas=1, max_replicas=2, **BLUE)
    assert outcome.result["changed"] is False
    assert reads(transport) == [("GET", "/v3/whoami"), ("GET", ENDPOINT)]
    assert len(transport.model_lookups) == 1


def test_a_project_id_given_wins_over_the_task_cache(run_module, transport, api):
    outcome = run(run_module, min_replicas=1, max_replicas=2, _task_cache={"project_id": "proj_Elsewhere"}, **BLUE)
    assert outcome.result["project_id"] == PROJECT_ID
    assert reads(transport) == [("GET", ENDPOINT)]


def test_a_degraded_endpoint_found_by_name_is_read_as_the_info_module_reads_it(run_module, transport, api):
    api.endpoint["deployments"][0]["state"] = "DEPLOYMENT_STATE_DEGRADED"
    transport.route(ENDPOINTS, (200, {"data": [api.endpoint]}))
    outcome = run(run_module, name="chat", min_replicas=1, max_replicas=2, deployment_name="blue")
    assert outcome.result["changed"] is False
    # The list item has no status message: the endpoint and its degraded deployment are read, as info reads them.
    assert reads(transport) == [("GET", ENDPOINTS), ("GET", ENDPOINT), ("GET", DEPLOYMENT)]
    from ansible_collections.together.ai.tests.unit._helpers import run_endpoint_info
    read = run_endpoint_info(run_module, endpoint_id=EP_ID, project_id=PROJECT_ID).result["endpoint"]
    assert outcome.result["endpoint"] == read
    assert outcome.result["endpoint"]["deployments"][0]["status_message"] == "All replicas ready"


INSTANCE_TYPES = {"data": [{"name": "1xnvidia-h100-80gb", "priceCentsPerHour": 399}], "next_cursor": None}


def test_a_scale_above_max_hourly_cost_fails_before_any_write(run_module, transport, api):
    transport.route("/v2/public/inference-instance-types", (200, INSTANCE_TYPES))
    outcome = run(run_module, min_replicas=2, max_replicas=4, max_hourly_cost=10, **BLUE)
    result = outcome.result
    assert api.writes == []
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"] == ("endpoint '%s': the hourly cost ceiling after this change would be $15.96/h (blue 4 x "
                             "1xnvidia-h100-80gb at $3.99/h), above max_hourly_cost $10.00/h (now $7.98/h (blue 2 x "
                             "1xnvidia-h100-80gb at $3.99/h)); nothing was sent" % EP_ID)


def test_a_scale_within_max_hourly_cost_returns_the_ceilings_and_shows_them_in_the_diff(run_module, transport, api):
    transport.route("/v2/public/inference-instance-types", (200, INSTANCE_TYPES))
    outcome = run(run_module, min_replicas=2, max_replicas=3, max_hourly_cost=12, _ansible_diff=True, **BLUE)
    result = outcome.result
    assert len(api.writes) == 1
    assert (result["hourly_cost_ceiling"]["before"]["usd_per_hour"], result["hourly_cost_ceiling"]["after"]["usd_per_hour"]) \
        == (7.98, 11.97)
    assert (result["diff"]["before"]["hourly_cost_ceiling"], result["diff"]["after"]["hourly_cost_ceiling"]) == (7.98, 11.97)
    # One catalog read for the task, whatever its rounds.
    assert len([sent for sent in transport.sent if sent.path == "/v2/public/inference-instance-types"]) == 1


def test_max_hourly_cost_must_be_a_positive_number(run_module, transport):
    outcome = run(run_module, max_hourly_cost=0, **BLUE)
    assert_refused_before_any_request(outcome, transport, "max_hourly_cost must be a number of US dollars above 0, got 0")
