# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Property tests: whatever JSON the API sends, a read yields an endpoint (dict) or a TogetherError, never another
exception. Bounded and derandomized so the unit layer stays fast and CI deterministic."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ansible_collections.together.ai.plugins.module_utils._client import TogetherClient, TogetherError
from ansible_collections.together.ai.plugins.module_utils._endpoints_v1 import EndpointsV1
from ansible_collections.together.ai.plugins.module_utils._endpoints_v2 import EndpointsV2, Project
from ansible_collections.together.ai.plugins.module_utils._endpoint_info import EndpointInfo

PROPERTY_SETTINGS = settings(max_examples=250, deadline=None, derandomize=True, database=None,
                             suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
ROOT = "https://api.together.ai"
PROJECT_ID = "proj_CbJNwQC2ZqCU2iFT3mrCh"
MODEL = "projects/%s/models/ml_CbJNwQC2ZqCU2iFT3mrCh/revisions/rv_1" % PROJECT_ID

scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2 ** 70, max_value=2 ** 70),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12))
json_values = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)), max_leaves=8)


def field(valid):
    """Mostly the right type, often anything at all."""
    return st.one_of(valid, valid, json_values)


times = st.one_of(st.sampled_from(["2026-08-01T10:00:00Z", "2026-08-01T10:00:00.123456789+02:00",
                                   "2026-13-45T99:99:99Z", "yesterday", ""]), st.text(max_size=25))
states = st.sampled_from(["DEPLOYMENT_STATE_READY", "DEPLOYMENT_STATE_SCALING", "DEPLOYMENT_STATE_DEGRADED",
                          "DEPLOYMENT_STATE_FAILED", "DEPLOYMENT_STATE_STOPPED", "READY", "SOMETHING_NEW"])
counts = st.one_of(st.integers(min_value=0, max_value=5), st.floats(min_value=0, max_value=5))
deployment_ids = st.sampled_from(["dep_a", "dep_b", "dep_c"])

v2_deployments = st.fixed_dictionaries({}, optional={
    "id": field(deployment_ids), "name": field(st.text(max_size=10)), "state": field(states),
    "model": field(st.just(MODEL)), "hardware": field(st.text(max_size=10)),
    "trafficMode": field(st.sampled_from(["TRAFFIC_MODE_LIVE", "TRAFFIC_MODE_SHADOW"])),
    "createdAt": field(times), "readyReplicas": field(counts), "desiredReplicas": field(counts),
    "estimatedEffectiveTrafficShare": field(st.floats(min_value=0, max_value=1)),
    "autoscaling": field(st.fixed_dictionaries({}, optional={"minReplicas": field(counts),
                                                             "maxReplicas": field(counts)})),
    "status": field(st.fixed_dictionaries({}, optional={"state": field(states), "readyReplicas": field(counts),
                                                        "message": field(st.text(max_size=10))})),
})
v2_endpoints = st.fixed_dictionaries({}, optional={
    "id": field(st.just("ep_Prop")), "name": field(st.just("my-project/chat")),
    "projectId": field(st.just(PROJECT_ID)), "endpointType": field(st.sampled_from(["ENDPOINT_TYPE_DEDICATED", "x"])),
    "createdAt": field(times), "updatedAt": field(times), "etag": field(st.text(max_size=6)),
    "visibility": field(st.text(max_size=6)),
    "deployments": field(st.lists(field(v2_deployments), max_size=3)),
    "trafficSplit": field(st.lists(field(st.fixed_dictionaries({}, optional={
        "deploymentId": field(deployment_ids), "weight": field(counts)})), max_size=3)),
})
V1_STRING_FIELDS = ("object", "id", "name", "display_name", "model", "hardware", "type", "owner", "created_at")
v1_endpoints = st.fixed_dictionaries({}, optional=dict(
    [(name, field(st.text(max_size=10))) for name in V1_STRING_FIELDS]
    + [("state", field(st.sampled_from(["STARTED", "STOPPED", "FAILED", "NEW"]))),
       ("autoscaling", field(st.fixed_dictionaries({}, optional={"min_replicas": field(st.integers(0, 5)),
                                                                 "max_replicas": field(st.integers(0, 5))})))]))
whoami_answers = st.one_of(
    st.fixed_dictionaries({}, optional={
        "type": field(st.sampled_from(["project_api_key", "user_org_project_jwt", "org_api_key"])),
        "project": field(st.fixed_dictionaries({}, optional={"id": field(st.just(PROJECT_ID)),
                                                             "slug": field(st.text(max_size=6))}))}),
    json_values)
statuses = st.sampled_from([200, 200, 200, 404])
error_bodies = st.one_of(json_values, st.fixed_dictionaries({"error": field(st.fixed_dictionaries({}, optional={
    "message": field(st.text(max_size=10)), "code": field(st.sampled_from(["unknown_url", "endpoint_not_found"]))}))}))


class CannedClient:
    """A client whose GETs answer from a function of the URL: the parsing under test sees exactly the JSON given."""

    def __init__(self, answer):
        self.answer = answer
        self.deadline = None

    def get(self, url, params=None):  # pylint: disable=unused-argument
        outcome = self.answer(url)
        if isinstance(outcome, TogetherError):
            raise outcome
        return outcome


def model_answer(url, body):
    if "/models/" in url:
        return 200, {"id": "ml_CbJNwQC2ZqCU2iFT3mrCh", "name": body}
    return None


def only_endpoint_or_together_error(call):
    try:
        result = call()
    except TogetherError as exc:
        assert isinstance(exc.message, str) and exc.message
        return None
    return result


# --- v2 -------------------------------------------------------------------------------------------------------------

@PROPERTY_SETTINGS
@given(body=st.one_of(v2_endpoints, json_values), status=statuses, model_body=json_values)
@example(body={"id": "ep_Prop", "name": "p/c", "deployments": [{"id": "dep_a", "state": 3}]}, status=200, model_body="x")
@example(body={"id": "ep_Prop", "name": "p/c", "endpointType": {"a": 1}}, status=200, model_body="x")
@example(body={"id": "ep_Prop", "name": "p/c", "createdAt": "2026-13-45T99:99:99Z"}, status=200, model_body="x")
@example(body={"id": "ep_Prop", "name": "p/c", "trafficSplit": [{"deploymentId": ["dep_a"], "weight": 1}]},
         status=200, model_body="x")
@example(body={"id": "ep_Prop", "name": "p/c", "deployments": [{"id": "dep_a", "autoscaling": "1-2"}]},
         status=200, model_body="x")
def test_any_v2_endpoint_body_gives_an_endpoint_or_a_together_error(body, status, model_body):
    def answer(url):
        return model_answer(url, model_body) or (status, body)

    client = CannedClient(answer)
    api = EndpointsV2(client, Project(client, ROOT, PROJECT_ID), include_deployments=False)
    endpoint = only_endpoint_or_together_error(lambda: api.get_endpoint("ep_Prop"))
    if endpoint is not None:
        assert isinstance(endpoint, dict) and endpoint["api_version"] == "v2"
        json.dumps(endpoint)  # the module can return it
        for wait_for_state in ("STARTED", "STOPPED"):
            waiter = EndpointInfo(endpoint_ids=["ep_Prop"], wait_for_state=wait_for_state)
            waiter.progress("ep_Prop", endpoint)  # waiting reads the same fields: no exception either
    if isinstance(body, dict) and "autoscaling" in json.dumps(body) and endpoint is not None:
        for item in endpoint["deployments"]:
            assert isinstance(item["min_replicas"], (int, float)) and not isinstance(item["min_replicas"], bool)


@PROPERTY_SETTINGS
@given(pages=st.lists(st.one_of(
    st.fixed_dictionaries({"data": field(st.lists(field(v2_endpoints), max_size=2))},
                          optional={"next_cursor": field(st.sampled_from(["c1", "c2", "c3", ""]))}),
    json_values), min_size=1, max_size=6))
@example(pages=[{"data": [], "next_cursor": "a"}, {"data": [], "next_cursor": "b"}, {"data": [], "next_cursor": "c"},
                {"data": [], "next_cursor": "d"}])
def test_any_v2_list_pages_give_endpoints_or_a_together_error(pages):
    remaining = list(pages)

    def answer(url):
        if "/models/" in url:
            return 404, {"error": {"message": "no such model"}}
        return (200, remaining.pop(0)) if remaining else (200, {"data": []})

    client = CannedClient(answer)
    api = EndpointsV2(client, Project(client, ROOT, PROJECT_ID))
    endpoints = only_endpoint_or_together_error(lambda: api.list_endpoints(max_results=1000))
    if endpoints is not None:
        assert all(isinstance(endpoint, dict) for endpoint in endpoints)
    assert len(pages) - len(remaining) <= len(pages)


@PROPERTY_SETTINGS
@given(v3=st.one_of(whoami_answers, st.just(None)), v1=st.one_of(whoami_answers, st.just(None)))
@example(v3={"type": "project_api_key", "project": {"id": 12345}}, v1=None)
@example(v3=None, v1={"project_id": ["proj_x"]})
def test_any_whoami_answer_gives_a_project_id_string_or_a_together_error(v3, v1):
    def answer(url):
        body = v3 if url.endswith("/v3/whoami") else v1
        if body is None:
            return TogetherError("HTTP 404 from %s: Unknown request URL" % url, status=404, url=url)
        return 200, body

    project = Project(CannedClient(answer), ROOT)
    project_id = only_endpoint_or_together_error(project.resolve)
    if project_id is not None:
        assert isinstance(project_id, str) and project_id
        assert project.project_slug is None or isinstance(project.project_slug, str)


# --- v1 -------------------------------------------------------------------------------------------------------------

@PROPERTY_SETTINGS
@given(body=st.one_of(v1_endpoints, json_values, error_bodies), status=statuses)
def test_any_v1_endpoint_body_gives_an_endpoint_none_or_a_together_error(body, status):
    api = EndpointsV1(CannedClient(lambda url: (status, body)), "https://api.together.ai/v1")
    endpoint = only_endpoint_or_together_error(lambda: api.get_endpoint("endpoint-1"))
    if endpoint is not None:
        assert isinstance(endpoint, dict)
        waiter = EndpointInfo(endpoint_ids=["endpoint-1"], wait_for_state="STARTED")
        waiter.progress("endpoint-1", dict(endpoint, api_version="v1"))


@PROPERTY_SETTINGS
@given(body=st.one_of(st.fixed_dictionaries({"data": field(st.lists(field(v1_endpoints), max_size=3))}), json_values))
def test_any_v1_list_gives_endpoints_or_a_together_error(body):
    api = EndpointsV1(CannedClient(lambda url: (200, body)), "https://api.together.ai/v1")
    endpoints = only_endpoint_or_together_error(api.list_endpoints)
    if endpoints is not None:
        assert all(isinstance(endpoint, dict) for endpoint in endpoints)


# --- bytes on the wire ----------------------------------------------------------------------------------------------

@PROPERTY_SETTINGS
@given(content=st.one_of(st.binary(max_size=64), json_values.map(lambda value: json.dumps(value).encode())),
       status=st.sampled_from([200, 204, 400, 401, 404, 409, 500]))
@example(content=b"[" * 5000, status=200)
@example(content=b'{"error": {"message": ["a"], "code": {"x": 1}}}', status=404)
def test_any_body_bytes_decode_to_status_and_json_or_a_together_error(content, status):
    client = TogetherClient("sk-property", sleep=lambda seconds: None)
    try:
        decoded_status, _body = client._decode(status, {"Content-Type": "application/json"}, bytearray(content),
                                               "https://api.together.ai/v1/endpoints/x")
    except TogetherError as exc:
        assert "sk-property" not in exc.message
        return
    assert decoded_status == status and (status < 300 or status == 404)


def test_property_settings_are_bounded_and_deterministic():
    assert PROPERTY_SETTINGS.max_examples <= 300
    assert PROPERTY_SETTINGS.derandomize is True


@pytest.mark.parametrize("body, field_named", [
    ({"id": "ep_Prop", "name": "p/c", "deployments": [{"id": "dep_a", "state": 3}]}, "deployments[0].state"),
    ({"id": "ep_Prop", "name": "p/c", "endpointType": {"a": 1}}, "endpointType"),
    ({"id": "ep_Prop", "name": "p/c", "createdAt": "2026-13-45T99:99:99Z"}, "createdAt"),
    ({"id": "ep_Prop", "name": "p/c", "trafficSplit": [{"deploymentId": ["dep_a"], "weight": 1}]},
     "trafficSplit[0].deploymentId"),
    ({"id": "ep_Prop", "name": "p/c", "deployments": [{"id": "dep_a", "autoscaling": "1-2"}]},
     "deployments[0].autoscaling"),
])
def test_the_odd_bodies_of_the_issue_fail_naming_the_endpoint_and_the_field(body, field_named):
    client = CannedClient(lambda url: (200, body))
    with pytest.raises(TogetherError) as info:
        EndpointsV2(client, Project(client, ROOT, PROJECT_ID)).get_endpoint("ep_Prop")
    assert info.value.message.startswith("endpoint 'ep_Prop' in project '%s': HTTP 200 from " % PROJECT_ID)
    assert "field %s is " % field_named in info.value.message
