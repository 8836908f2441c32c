# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""EndpointsV1: one endpoint, several concurrently, the list, and the shape checks on what the API sends."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

import pytest

from ansible_collections.together.ai.plugins.module_utils._client import TogetherClient, TogetherError
from ansible_collections.together.ai.plugins.module_utils._endpoints_v1 import (
    ENDPOINT_FIELDS,
    EndpointsV1,
    LIST_ENDPOINT_FIELDS,
    shape_problems,
)
from ansible_collections.together.ai.plugins.module_utils._parallel import MAX_PARALLEL_REQUESTS
from ansible_collections.together.ai.plugins.module_utils._readiness import STATES

API_KEY = "sk-unit-endpoints-0c7d2e91"
BASE_URL = "https://api.together.ai/v1"
EP1 = "endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7"
EP2 = "endpoint-5c0c20db-62fe-4f41-8ffc-d9e4ea1a264e"


def make_api(base_url=BASE_URL, max_retries=0):
    client = TogetherClient(API_KEY, max_retries=max_retries, sleep=lambda seconds: None, rand=lambda: 0.0)
    return EndpointsV1(client, base_url)


def path(endpoint_id):
    return "/v1/endpoints/%s" % endpoint_id


def endpoint(fixture_json, endpoint_id, state="STARTED"):
    body = fixture_json("endpoint_started.json")
    body.update(id=endpoint_id, state=state)
    return body


def get_error(api, endpoint_id=EP1):
    with pytest.raises(TogetherError) as info:
        api.get_endpoint(endpoint_id)
    return info.value


# --- get_endpoint ---------------------------------------------------------------------------------------------------

def test_full_endpoint_body_is_returned_unchanged(transport, fixture_json):
    transport.route(path(EP1), (200, fixture_json("endpoint_started.json")))
    api = make_api()
    assert api.get_endpoint(EP1) == fixture_json("endpoint_started.json")
    assert api.warnings == []
    assert transport.sent[0].url == "%s/endpoints/%s" % (BASE_URL, EP1)


def test_unknown_state_and_extra_fields_are_returned_unchanged_with_a_warning(transport, fixture_json):
    body = fixture_json("endpoint_failed_extra_fields.json")
    transport.route(path(EP2), (200, body))
    api = make_api()
    assert api.get_endpoint(EP2) == fixture_json("endpoint_failed_extra_fields.json")
    assert len(api.warnings) == 1
    assert "'%s'" % EP2 in api.warnings[0]
    assert "'FAILED'" in api.warnings[0]
    assert "returned unchanged" in api.warnings[0]


@pytest.mark.parametrize("state", STATES)
def test_every_spec_state_is_accepted_without_warning(transport, fixture_json, state):
    transport.route(path(EP1), (200, endpoint(fixture_json, EP1, state)))
    api = make_api()
    assert api.get_endpoint(EP1)["state"] == state
    assert api.warnings == []


def test_404_returns_none(transport, fixture_json):
    transport.route(path(EP1), (404, fixture_json("error_not_found.json")))
    assert make_api().get_endpoint(EP1) is None


def test_simulator_endpoint_not_found_404_returns_none(transport):
    transport.route(path(EP1), (404, {"error": {"message": "Endpoint not found: %s" % EP1, "type": "invalid_request_error",
                                                "param": None, "code": "endpoint_not_found"}}))
    assert make_api().get_endpoint(EP1) is None


@pytest.mark.parametrize("reply", [
    dict(text="Not Found", content_type="text/plain"),
    dict(text="<html><body>404 page</body></html>"),
    dict(text=""),
], ids=["text", "html", "empty"])
def test_404_without_json_body_fails_naming_the_url_and_base_url(transport, reply):
    transport.route(path(EP1), transport.reply(404, **reply))
    error = get_error(make_api())
    assert error.message.startswith("endpoint '%s': HTTP 404 from %s%s is not the API's answer (" % (EP1, BASE_URL,
                                                                                                     "/endpoints/" + EP1))
    assert "check base_url" in error.message
    assert error.status == 404


def test_404_unknown_url_fails_instead_of_reporting_a_missing_endpoint(transport):
    message = "Unknown request URL: GET /endpoints/%s. Please check the URL for typos" % EP1
    transport.route(path(EP1), (404, {"error": {"message": message, "type": "invalid_request_error", "param": None,
                                                "code": "unknown_url"}}))
    error = get_error(make_api())
    assert error.message.startswith("endpoint '%s': HTTP 404 from %s/endpoints/%s: %s (the API does not know this URL: "
                                    "check base_url" % (EP1, BASE_URL, EP1, message))
    assert error.code == "unknown_url"


@pytest.mark.parametrize("body", [{}, {"error": {}}, [], {"detail": "x"}])
def test_json_404_without_an_error_message_fails(transport, body):
    transport.route(path(EP1), (404, body))
    error = get_error(make_api())
    assert error.message.startswith("endpoint '%s': HTTP 404 from %s/endpoints/%s is not the API saying it does not "
                                    "exist (no error message in the JSON body); check base_url" % (EP1, BASE_URL, EP1))


@pytest.mark.parametrize("field", ENDPOINT_FIELDS)
def test_each_missing_required_field_is_named(transport, fixture_json, field):
    body = fixture_json("endpoint_started.json")
    del body[field]
    transport.route(path(EP1), (200, body))
    error = get_error(make_api())
    assert error.message == ("endpoint '%s': HTTP 200 from %s/endpoints/%s is not a DedicatedEndpoint: "
                             "missing required field %s" % (EP1, BASE_URL, EP1, field))
    assert error.status == 200


def test_several_missing_fields_are_named_together(transport, fixture_json):
    body = fixture_json("endpoint_started.json")
    for field in ("display_name", "hardware", "autoscaling"):
        del body[field]
    transport.route(path(EP1), (200, body))
    assert get_error(make_api()).message.endswith("missing required fields display_name, hardware, autoscaling")


@pytest.mark.parametrize("autoscaling, problem", [
    ([2, 5], "field autoscaling is a JSON array, expected an object"),
    ("2-5", "field autoscaling is a JSON string, expected an object"),
    (None, "field autoscaling is null, expected an object"),
    (3, "field autoscaling is a JSON number, expected an object"),
    ({"min_replicas": "2", "max_replicas": 5}, "field autoscaling.min_replicas is a JSON string, expected an integer"),
    ({"min_replicas": True, "max_replicas": 5}, "field autoscaling.min_replicas is a JSON boolean, expected an integer"),
    ({"min_replicas": 1.5, "max_replicas": 5}, "field autoscaling.min_replicas is a JSON number, expected an integer"),
    ({"min_replicas": None, "max_replicas": 5}, "field autoscaling.min_replicas is null, expected an integer"),
    ({"min_replicas": 1, "max_replicas": False}, "field autoscaling.max_replicas is a JSON boolean, expected an integer"),
    ({"max_replicas": 5}, "missing required field autoscaling.min_replicas"),
    ({"min_replicas": 1}, "missing required field autoscaling.max_replicas"),
], ids=["array", "string", "null", "number", "min-string", "min-bool", "min-float", "min-null", "max-bool",
        "min-missing", "max-missing"])
def test_autoscaling_of_the_wrong_shape_is_rejected(transport, fixture_json, autoscaling, problem):
    body = fixture_json("endpoint_started.json")
    body["autoscaling"] = autoscaling
    transport.route(path(EP1), (200, body))
    assert get_error(make_api()).message.endswith("is not a DedicatedEndpoint: " + problem)


def test_autoscaling_with_extra_keys_and_zero_replicas_is_accepted(transport, fixture_json):
    body = fixture_json("endpoint_started.json")
    body["autoscaling"] = {"min_replicas": 0, "max_replicas": 0, "target": "x"}
    transport.route(path(EP1), (200, body))
    assert make_api().get_endpoint(EP1)["autoscaling"] == {"min_replicas": 0, "max_replicas": 0, "target": "x"}


@pytest.mark.parametrize("field, value, kind", [
    ("state", 3, "a JSON number"),
    ("state", None, "null"),
    ("state", ["STARTED"], "a JSON array"),
    ("state", {"name": "STARTED"}, "a JSON object"),
    ("id", 17, "a JSON number"),
    ("created_at", 1738665835, "a JSON number"),
    ("display_name", False, "a JSON boolean"),
])
def test_fields_that_are_not_strings_are_rejected(transport, fixture_json, field, value, kind):
    body = fixture_json("endpoint_started.json")
    body[field] = value
    transport.route(path(EP1), (200, body))
    assert get_error(make_api()).message.endswith("field %s is %s, expected a string" % (field, kind))


def test_every_problem_is_listed_in_one_message(transport, fixture_json):
    body = fixture_json("endpoint_started.json")
    del body["owner"]
    body["state"] = 1
    body["autoscaling"] = {"min_replicas": "1"}
    transport.route(path(EP1), (200, body))
    message = get_error(make_api()).message
    assert message.endswith("missing required field owner; field state is a JSON number, expected a string; "
                            "field autoscaling.min_replicas is a JSON string, expected an integer; "
                            "missing required field autoscaling.max_replicas")


@pytest.mark.parametrize("body, kind", [
    ([{"id": EP1}], "a JSON array"),
    ("STARTED", "a JSON string"),
    (None, "empty (or JSON null)"),
    (42, "a JSON number"),
    (True, "a JSON boolean"),
])
def test_body_that_is_not_an_object_is_rejected(transport, body, kind):
    transport.route(path(EP1), (200, body))
    assert get_error(make_api()).message.endswith("is not a DedicatedEndpoint: the response is %s, not an endpoint "
                                                  "object" % kind)


@pytest.mark.parametrize("reply", [(204,), (200,)], ids=["204", "empty-200"])
def test_empty_answer_is_not_an_endpoint(transport, reply):
    transport.route(path(EP1), reply)
    assert get_error(make_api()).message.endswith("the response is empty (or JSON null), not an endpoint object")


def test_api_error_names_the_endpoint_and_keeps_status_and_type(transport, fixture_json):
    transport.route(path(EP1), (403, fixture_json("error_invalid_api_key.json")))
    error = get_error(make_api())
    assert error.message.startswith("endpoint '%s': HTTP 403 from %s/endpoints/%s: Invalid API key provided."
                                    % (EP1, BASE_URL, EP1))
    assert (error.status, error.error_type, error.code) == (403, "invalid_request_error", "invalid_api_key")


@pytest.mark.parametrize("endpoint_id, wire_path", [
    ("a/b", "/v1/endpoints/a%2Fb"),
    ("../hardware", "/v1/endpoints/..%2Fhardware"),
    ("x?y=1", "/v1/endpoints/x%3Fy%3D1"),
    ("x#y", "/v1/endpoints/x%23y"),
    ("%2F", "/v1/endpoints/%252F"),
    (u"\u00e9p-1", "/v1/endpoints/%C3%A9p-1"),
])
def test_the_endpoint_id_stays_one_path_segment_on_the_wire(transport, fixture_json, endpoint_id, wire_path):
    transport.route(wire_path, (200, endpoint(fixture_json, endpoint_id)))
    assert make_api().get_endpoint(endpoint_id)["id"] == endpoint_id
    assert transport.sent[0].path == wire_path
    assert transport.sent[0].query_string == ""


@pytest.mark.parametrize("endpoint_id", [".", ".."])
def test_a_dot_endpoint_id_never_reaches_the_server_as_a_dot_segment(loopback_api, endpoint_id):
    api = make_api(base_url=loopback_api.base_url)
    try:
        api.get_endpoint(endpoint_id)
    except TogetherError:
        pass
    for received in loopback_api.received:
        assert received["path"].split("?")[0].split("/")[-1] not in (".", "..")


def test_base_url_path_is_kept_in_front_of_endpoints(transport, fixture_json):
    transport.route("/proxy/together/v1/endpoints/%s" % EP1, (200, fixture_json("endpoint_started.json")))
    make_api(base_url="http://gateway.internal:8443/proxy/together/v1").get_endpoint(EP1)
    assert transport.sent[0].url == "http://gateway.internal:8443/proxy/together/v1/endpoints/%s" % EP1


# --- get_endpoints --------------------------------------------------------------------------------------------------

def test_get_endpoints_keeps_the_order_asked_even_when_answers_come_back_reversed(transport, fixture_json):
    ids = ["ep-%d" % index for index in range(6)]
    barrier = threading.Barrier(len(ids), timeout=5)
    answered = dict((endpoint_id, threading.Event()) for endpoint_id in ids)

    def answer(index):
        def reply(prepared):  # pylint: disable=unused-argument
            barrier.wait()  # every request is in flight at once: they really are concurrent
            if index + 1 < len(ids):
                assert answered[ids[index + 1]].wait(5)
            answered[ids[index]].set()
            return (200, endpoint(fixture_json, ids[index]))
        return reply

    for index, endpoint_id in enumerate(ids):
        transport.route(path(endpoint_id), answer(index))
    found = make_api().get_endpoints(ids)
    assert list(found) == ids
    assert [found[endpoint_id]["id"] for endpoint_id in ids] == ids


def test_get_endpoints_maps_a_404_to_none(transport, fixture_json):
    transport.route(path(EP1), (200, endpoint(fixture_json, EP1)))
    transport.route(path(EP2), (404, fixture_json("error_not_found.json")))
    found = make_api().get_endpoints([EP2, EP1])
    assert list(found) == [EP2, EP1]
    assert found[EP2] is None
    assert found[EP1]["id"] == EP1


def test_get_endpoints_with_one_id_reads_it_directly(transport, fixture_json):
    transport.route(path(EP1), (200, endpoint(fixture_json, EP1)))
    assert make_api().get_endpoints([EP1]) == {EP1: endpoint(fixture_json, EP1)}
    assert len(transport.sent) == 1


def test_get_endpoints_reads_more_ids_than_parallel_workers(transport, fixture_json):
    ids = ["ep-%02d" % index for index in range(MAX_PARALLEL_REQUESTS * 2 + 3)]
    for endpoint_id in ids:
        transport.route(path(endpoint_id), (200, endpoint(fixture_json, endpoint_id)))
    found = make_api().get_endpoints(ids)
    assert list(found) == ids
    assert sorted(transport.paths) == sorted(path(endpoint_id) for endpoint_id in ids)


def test_get_endpoints_error_names_each_failing_endpoint_after_trying_all(transport, fixture_json):
    transport.route(path("ep-ok"), (200, endpoint(fixture_json, "ep-ok")))
    transport.route(path("ep-denied"), (403, fixture_json("error_invalid_api_key.json")))
    transport.route(path("ep-broken"), (200, ["not", "an", "object"]))
    transport.route(path("ep-gone"), (404, fixture_json("error_not_found.json")))
    with pytest.raises(TogetherError) as info:
        make_api().get_endpoints(["ep-denied", "ep-ok", "ep-gone", "ep-broken"])
    message = info.value.message
    parts = message.split("; ")
    assert parts[0].startswith("endpoint 'ep-denied': HTTP 403 from %s/endpoints/ep-denied: Invalid API key provided." % BASE_URL)
    assert parts[-1].startswith("endpoint 'ep-broken': HTTP 200 from ")
    assert "ep-ok" not in message and "ep-gone" not in message
    assert (info.value.status, info.value.error_type, info.value.code) == (403, "invalid_request_error", "invalid_api_key")
    assert len(transport.sent) == 4


def test_get_endpoints_collects_warnings_from_every_endpoint(transport, fixture_json):
    transport.route(path(EP1), (200, endpoint(fixture_json, EP1, "FAILED")))
    transport.route(path(EP2), (200, endpoint(fixture_json, EP2, "DEGRADED")))
    api = make_api()
    api.get_endpoints([EP1, EP2])
    assert sorted(api.warnings) == sorted([
        "endpoint '%s' reports state 'FAILED', which the API specification does not list; it is returned unchanged" % EP1,
        "endpoint '%s' reports state 'DEGRADED', which the API specification does not list; it is returned unchanged"
        % EP2,
    ])


# --- list_endpoints -------------------------------------------------------------------------------------------------

def test_list_returns_the_items_unchanged_without_query_when_unfiltered(transport, fixture_json):
    transport.route("/v1/endpoints", (200, fixture_json("endpoints_list.json")))
    api = make_api()
    assert api.list_endpoints() == fixture_json("endpoints_list.json")["data"]
    assert transport.sent[0].url == BASE_URL + "/endpoints"
    assert api.warnings == []


@pytest.mark.parametrize("kwargs, query", [
    (dict(mine=True), "mine=true"),
    (dict(mine=False), "mine=false"),
    (dict(endpoint_type="dedicated"), "type=dedicated"),
    (dict(usage_type="on-demand"), "usage_type=on-demand"),
    (dict(endpoint_type="serverless", usage_type="reserved", mine=True), "type=serverless&usage_type=reserved&mine=true"),
])
def test_list_filters_are_encoded_in_the_query(transport, fixture_json, kwargs, query):
    transport.route("/v1/endpoints", (200, fixture_json("endpoints_list.json")))
    make_api().list_endpoints(**kwargs)
    assert transport.sent[0].query_string == query


def test_empty_list_is_returned_as_empty(transport):
    transport.route("/v1/endpoints", (200, {"object": "list", "data": []}))
    assert make_api().list_endpoints() == []


def test_list_item_with_unknown_state_and_extra_fields_is_kept_with_a_warning(transport, fixture_json):
    body = fixture_json("endpoints_list.json")
    body["data"][1].update(state="FAILED", hardware="1x_nvidia_h100_80gb_sxm")
    transport.route("/v1/endpoints", (200, body))
    api = make_api()
    assert api.list_endpoints()[1] == body["data"][1]
    assert api.warnings == ["endpoint '%s' reports state 'FAILED', which the API specification does not list; "
                            "it is returned unchanged" % body["data"][1]["id"]]


@pytest.mark.parametrize("body, problem", [
    ([], "got a JSON array"),
    (None, "got null"),
    ("list", "got a JSON string"),
    ({"object": "list"}, "got an object without a data array"),
    ({"object": "list", "data": {"id": EP1}}, "got an object without a data array"),
], ids=["array", "null", "string", "no-data", "data-object"])
def test_list_envelope_of_the_wrong_shape_is_rejected(transport, body, problem):
    transport.route("/v1/endpoints", (200, body))
    with pytest.raises(TogetherError) as info:
        make_api().list_endpoints()
    assert info.value.message == ("listing endpoints: HTTP 200 from %s/endpoints is not a list of endpoints: expected "
                                  "an object with a data array, %s" % (BASE_URL, problem))


@pytest.mark.parametrize("field", LIST_ENDPOINT_FIELDS)
def test_list_item_missing_a_required_field_is_named_with_its_index(transport, fixture_json, field):
    body = fixture_json("endpoints_list.json")
    del body["data"][1][field]
    transport.route("/v1/endpoints", (200, body))
    with pytest.raises(TogetherError) as info:
        make_api().list_endpoints()
    assert info.value.message == ("listing endpoints: item 1 of the list from %s/endpoints is not an endpoint: "
                                  "missing required field %s" % (BASE_URL, field))


def test_list_item_that_is_not_an_object_is_rejected(transport):
    transport.route("/v1/endpoints", (200, {"object": "list", "data": ["endpoint-1"]}))
    with pytest.raises(TogetherError) as info:
        make_api().list_endpoints()
    assert info.value.message.endswith("item 0 of the list from %s/endpoints is not an endpoint: the response is "
                                       "a JSON string, not an endpoint object" % BASE_URL)


def test_list_404_says_the_route_was_not_found_and_mentions_base_url(transport, fixture_json):
    transport.route("/endpoints", (404, fixture_json("error_not_found.json")))
    with pytest.raises(TogetherError) as info:
        make_api(base_url="https://api.together.ai").list_endpoints()
    assert info.value.status == 404
    assert info.value.message.startswith("listing endpoints: HTTP 404 from https://api.together.ai/endpoints")
    assert "base_url" in info.value.message and "/v1" in info.value.message


def test_list_api_error_is_prefixed_and_keeps_its_details(transport, fixture_json):
    transport.route("/v1/endpoints", (500, fixture_json("error_internal.json")))
    with pytest.raises(TogetherError) as info:
        make_api(max_retries=1).list_endpoints(mine=True)
    assert info.value.message == ("listing endpoints: HTTP 500 from %s/endpoints: internal server error, please retry "
                                  "(gave up after 1 retry)" % BASE_URL)
    assert info.value.error_type == "server_error"
    assert len(transport.sent) == 2


# --- shape_problems directly ----------------------------------------------------------------------------------------

def test_shape_problems_is_empty_for_a_spec_endpoint(fixture_json):
    assert shape_problems(fixture_json("endpoint_started.json"), ENDPOINT_FIELDS) == []
    assert shape_problems(fixture_json("endpoint_failed_extra_fields.json"), ENDPOINT_FIELDS) == []


def test_shape_problems_checks_only_the_required_fields_for_list_items(fixture_json):
    item = fixture_json("endpoints_list.json")["data"][0]
    item["autoscaling"] = "not checked for list items"
    item["display_name"] = 5
    assert shape_problems(item, LIST_ENDPOINT_FIELDS) == []
