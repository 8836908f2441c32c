# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""together_endpoint_info run through main() with a fake HTTP transport (no network, no real sleeping)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import requests

from ansible_collections.together.ai.plugins.module_utils import _connection, _reader
from ansible_collections.together.ai.plugins.module_utils._module import TogetherModule
from ansible_collections.together.ai.plugins.modules import together_endpoint_info
from ansible_collections.together.ai.tests.unit._helpers import MODULE_API_KEY as API_KEY, assert_key_hidden
from ansible_collections.together.ai.tests.unit._helpers import assert_refused_before_any_request
from ansible_collections.together.ai.tests.unit._helpers import run_endpoint_info as run

BASE_URL = "https://api.together.ai/v1"
EP1 = "endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7"
EP2 = "endpoint-5c0c20db-62fe-4f41-8ffc-d9e4ea1a264e"
EP3 = "endpoint-0a4f9e2c-3b7d-4c1e-9f8a-6d5b2c1e0f9a"


def path(endpoint_id):
    return "/v1/endpoints/%s" % endpoint_id


def as_v1(endpoint):
    """The endpoint without the api_version marker a reader may add to v1 endpoints (it must say v1 if present)."""
    assert endpoint.get("api_version", "v1") == "v1"
    return dict((key, value) for key, value in endpoint.items() if key != "api_version")


def endpoint(fixture_json, endpoint_id, state="STARTED"):
    body = fixture_json("endpoint_started.json")
    body.update(id=endpoint_id, state=state)
    return body


# --- option checks fail before any request --------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (dict(endpoint_id=""), "endpoint_id must not be empty"),
    (dict(endpoint_id="  "), "endpoint_id must not be empty"),
    (dict(endpoint_id=" %s" % EP1), "endpoint_id must not start or end with white space"),
    (dict(endpoint_ids=[EP1, "  "]), "endpoint_ids[1] must not be empty"),
    (dict(endpoint_ids=[]), "endpoint_ids must list at least one endpoint id"),
    (dict(endpoint_id=EP1, endpoint_ids=[EP2]), "parameters are mutually exclusive: endpoint_id|endpoint_ids"),
    (dict(endpoint_id=EP1, type="dedicated"), "type filters the list of endpoints and cannot be combined with endpoint_id"),
    (dict(endpoint_ids=[EP1], mine=False), "mine filters the list of endpoints and cannot be combined with endpoint_ids"),
    (dict(wait_for_state="STARTED"), "wait_for_state needs endpoint_id or endpoint_ids"),
    (dict(endpoint_id=EP1, wait_for_state="STARTED", wait_timeout=-1), "wait_timeout must be 0 or more seconds, got -1.0"),
    (dict(endpoint_id=EP1, wait_for_state="STARTED", wait_sleep=0), "wait_sleep must be more than 0 seconds, got 0.0"),
    (dict(endpoint_id=EP1, wait_for_state="RUNNING"), "value of wait_for_state must be one of: PENDING, STARTING"),
    (dict(type="private"), "value of type must be one of: dedicated, serverless"),
    (dict(endpoint_id=EP1, timeout="soon"), "argument 'timeout' is of type str and we were unable to convert to float"),
    (dict(endpoint_id=EP1, max_retries="many"), "argument 'max_retries' is of type str and we were unable to convert to int"),
    (dict(endpoint_id=EP1, timeout=0), "timeout must be a number of seconds greater than 0, got 0.0"),
    (dict(endpoint_id=EP1, max_retries=-1), "max_retries must be 0 or more, got -1"),
    (dict(endpoint_id=EP1, base_url="ftp://api.together.ai/v1"), "base_url must be an http:// or https:// URL with a host"),
    (dict(endpoint_id=EP1, base_url="https://api.together.ai/v1?x=1"), "base_url must not carry a query or a fragment"),
    (dict(endpoint_id=EP1, api_key="   "), "no API key: set the api_key option or the TOGETHER_API_KEY environment variable"),
    (dict(endpoint_id=EP1, api_key=None), "no API key: set the api_key option or the TOGETHER_API_KEY environment variable"),
    (dict(endpoint_ids=[EP1, EP2], concurrency=0), "concurrency must be a whole number of reads at a time from 1 to 64, got 0"),
    (dict(endpoint_ids=[EP1, EP2], concurrency=65), "concurrency must be a whole number of reads at a time from 1 to 64, got 65"),
    (dict(endpoint_ids=[EP1, EP2], concurrency="many"), "argument 'concurrency' is of type str and we were unable to convert to int"),
], ids=["empty-id", "blank-id", "padded-id", "blank-in-ids", "empty-ids", "id-and-ids", "filter-with-id",
        "filter-with-ids", "wait-without-ids", "negative-wait-timeout", "zero-wait-sleep", "bad-state", "bad-type",
        "non-numeric-timeout", "non-numeric-max-retries", "zero-timeout", "negative-max-retries", "ftp-base-url",
        "base-url-query", "blank-key", "missing-key", "zero-concurrency", "concurrency-over-64", "non-numeric-concurrency"])
def test_bad_options_fail_before_any_request(run_module, transport, args, message):
    outcome = run(run_module, **args)
    assert_refused_before_any_request(outcome, transport, message)
    assert "changed" not in outcome.raw or outcome.raw["changed"] is False


def test_missing_key_names_both_the_option_and_the_environment_variable(run_module, transport):
    outcome = run_module(together_endpoint_info.main, dict(endpoint_id=EP1))
    assert "api_key" in outcome.result["msg"] and "TOGETHER_API_KEY" in outcome.result["msg"]
    assert transport.sent == []


def test_missing_requests_library_fails_with_missing_required_lib(run_module, transport, monkeypatch):
    monkeypatch.setattr(_connection, "HAS_REQUESTS", False)
    outcome = run(run_module, endpoint_id=EP1)
    assert outcome.result["failed"] is True
    assert outcome.result["msg"].startswith("Failed to import the required Python library (requests)")
    assert transport.sent == []


@pytest.mark.parametrize("patch_ansible_module", [dict(api_key=API_KEY, endpoint_id=EP1, _ansible_check_mode=True)],
                         indirect=True)
def test_main_takes_its_args_the_way_ansible_passes_them(patch_ansible_module, transport, fixture_json, capsys):
    transport.route(path(EP1), (200, fixture_json("endpoint_started.json")))
    with pytest.raises(SystemExit) as info:
        together_endpoint_info.main()
    result = json.loads(capsys.readouterr().out)
    assert info.value.code == 0
    assert result["exists"] is True and result["changed"] is False
    assert result["invocation"]["module_args"]["endpoint_id"] == patch_ansible_module["endpoint_id"]
    assert API_KEY not in json.dumps(result)


# --- reading one endpoint -------------------------------------------------------------------------------------------

def test_one_endpoint_is_returned_unchanged_and_nothing_changes(run_module, transport, fixture_json):
    transport.route(path(EP1), (200, fixture_json("endpoint_started.json")))
    outcome = run(run_module, endpoint_id=EP1)
    result = outcome.result
    assert result["changed"] is False
    assert result["exists"] is True
    assert as_v1(result["endpoint"]) == fixture_json("endpoint_started.json")
    assert [as_v1(item) for item in result["endpoints"]] == [fixture_json("endpoint_started.json")]
    assert result["missing"] == []
    assert "ansible_facts" not in result
    assert "elapsed" not in result
    assert outcome.warnings == []
    sent = transport.sent[0]
    assert sent.url == BASE_URL + path(EP1)[3:]
    assert sent.headers["Authorization"] == "Bearer %s" % API_KEY
    assert sent.headers["User-Agent"].startswith("together.ai-ansible-collection/")
    assert 29.5 < sent.timeout[0] <= 30.0 and sent.verify is True


def test_404_returns_exists_false_without_failing(run_module, transport, fixture_json):
    transport.route(path(EP1), (404, fixture_json("error_not_found.json")))
    result = run(run_module, endpoint_id=EP1).result
    assert (result["exists"], result["endpoint"], result["endpoints"], result["missing"]) == (False, None, [], [EP1])
    assert result["changed"] is False
    assert "failed" not in result


def test_check_mode_reads_the_same_and_changes_nothing(run_module, transport, fixture_json):
    transport.route(path(EP1), (200, fixture_json("endpoint_started.json")))
    result = run(run_module, check_mode=True, endpoint_id=EP1).result
    assert result["changed"] is False
    assert as_v1(result["endpoint"]) == fixture_json("endpoint_started.json")
    assert len(transport.sent) == 1


def test_unknown_state_is_returned_unchanged_with_a_warning(run_module, transport, fixture_json):
    transport.route(path(EP2), (200, fixture_json("endpoint_failed_extra_fields.json")))
    outcome = run(run_module, endpoint_id=EP2)
    assert as_v1(outcome.result["endpoint"]) == fixture_json("endpoint_failed_extra_fields.json")
    assert len(outcome.warnings) == 1
    assert "'FAILED'" in outcome.warnings[0] and EP2 in outcome.warnings[0]


def test_key_and_base_url_come_from_the_environment(run_module, transport, fixture_json, monkeypatch):
    monkeypatch.setenv("TOGETHER_API_KEY", API_KEY)
    monkeypatch.setenv("TOGETHER_BASE_URL", "http://127.0.0.1:8080/v1/")
    transport.route(path(EP1), (200, fixture_json("endpoint_started.json")))
    outcome = run_module(together_endpoint_info.main, dict(endpoint_id=EP1))
    assert outcome.result["exists"] is True
    assert transport.sent[0].url == "http://127.0.0.1:8080" + path(EP1)
    assert transport.sent[0].headers["Authorization"] == "Bearer %s" % API_KEY
    assert outcome.result["invocation"]["module_args"]["api_key"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert_key_hidden(outcome)


def test_connection_options_reach_the_transport(run_module, transport, fixture_json):
    transport.route(path(EP1), (200, fixture_json("endpoint_started.json")))
    run(run_module, endpoint_id=EP1, timeout=7.5, validate_certs=False)
    # The timeout is the request's total: what is left of it goes to requests as (connect, read).
    assert 7.0 < transport.sent[0].timeout[0] <= 7.5
    assert transport.sent[0].verify is False


def test_endpoint_id_with_a_slash_stays_one_path_segment(run_module, transport, fixture_json):
    transport.route("/v1/endpoints/a%2Fb", (200, endpoint(fixture_json, "a/b")))
    result = run(run_module, endpoint_id="a/b").result
    assert result["endpoint"]["id"] == "a/b"
    assert transport.paths == ["/v1/endpoints/a%2Fb"]


@pytest.mark.parametrize("args", [dict(endpoint_id="."), dict(endpoint_id=".."), dict(endpoint_ids=[EP1, ".."])],
                         ids=["dot", "dot-dot", "dot-dot-in-list"])
def test_dot_endpoint_ids_never_reach_the_server_as_path_navigation(run_module, loopback_api, args):
    outcome = run(run_module, base_url=loopback_api.base_url, **args)
    for received in loopback_api.received:
        assert received["path"].split("?")[0].split("/")[-1] not in (".", "..")
    assert outcome.result.get("failed") is True
    assert outcome.result.get("missing") in (None, [])


# --- reading several endpoints --------------------------------------------------------------------------------------

def test_several_endpoints_keep_order_list_missing_and_read_duplicates_once(run_module, transport, fixture_json):
    transport.route(path(EP1), (200, endpoint(fixture_json, EP1)))
    transport.route(path(EP2), (404, fixture_json("error_not_found.json")))
    transport.route(path(EP3), (200, endpoint(fixture_json, EP3, "STOPPED")))
    result = run(run_module, endpoint_ids=[EP3, EP2, EP1, EP3]).result
    assert [item["id"] for item in result["endpoints"]] == [EP3, EP1]
    assert result["missing"] == [EP2]
    assert result["exists"] is False
    assert result["endpoint"] is None
    assert sorted(transport.paths) == sorted([path(EP1), path(EP2), path(EP3)])


def test_several_endpoints_all_present_exist(run_module, transport, fixture_json):
    transport.route(path(EP1), (200, endpoint(fixture_json, EP1)))
    transport.route(path(EP2), (200, endpoint(fixture_json, EP2)))
    result = run(run_module, endpoint_ids=[EP1, EP2]).result
    assert (result["exists"], result["missing"]) == (True, [])


def test_one_failing_endpoint_fails_the_task_naming_it(run_module, transport, fixture_json):
    transport.route(path(EP1), (200, endpoint(fixture_json, EP1)))
    transport.route(path(EP2), (403, fixture_json("error_invalid_api_key.json")))
    outcome = run(run_module, endpoint_ids=[EP1, EP2])
    result = outcome.result
    assert result["msg"].startswith("endpoint '%s': HTTP 403 from %s%s: Invalid API key provided." % (EP2, BASE_URL, path(EP2)[3:]))
    assert "authentication/permission error" in result["msg"]
    assert (result["status"], result["error_type"], result["error_code"]) == (403, "invalid_request_error", "invalid_api_key")
    assert result["url"] == BASE_URL + path(EP2)[3:]
    assert_key_hidden(outcome)


@pytest.mark.parametrize("args, expected", [(dict(), 16), (dict(concurrency=3), 3), (dict(concurrency=64), 64)])
def test_concurrency_sets_the_reads_at_a_time_and_the_connection_pool(run_module, transport, fixture_json, monkeypatch,
                                                                      args, expected):
    ids = ["endpoint-%02d" % index for index in range(5)]
    for endpoint_id in ids:
        transport.route(path(endpoint_id), (200, endpoint(fixture_json, endpoint_id)))
    pools, batches = [], []
    real_client, real_fetch = _connection.TogetherClient, _reader.fetch_concurrently

    def client(*client_args, **kwargs):
        pools.append(kwargs.get("pool_size"))
        return real_client(*client_args, **kwargs)

    def fetch_concurrently(get_one, endpoint_ids, concurrency):
        batches.append(concurrency)
        return real_fetch(get_one, endpoint_ids, concurrency)

    monkeypatch.setattr(_connection, "TogetherClient", client)
    monkeypatch.setattr(_reader, "fetch_concurrently", fetch_concurrently)
    result = run(run_module, endpoint_ids=ids, **args).result
    assert [item["id"] for item in result["endpoints"]] == ids
    assert (pools, batches) == ([expected], [expected])


def test_a_v1_read_never_builds_the_v2_api(run_module, transport, fixture_json, monkeypatch):
    def no_v2(self, *args, **kwargs):
        raise AssertionError("the v2 API was built for a v1 read")

    monkeypatch.setattr(TogetherModule, "endpoints_v2", no_v2)
    monkeypatch.setattr(TogetherModule, "project", property(no_v2))
    transport.route(path(EP1), (200, endpoint(fixture_json, EP1)))
    transport.route(path(EP2), (200, endpoint(fixture_json, EP2)))
    assert run(run_module, endpoint_id=EP1).result["endpoint"]["id"] == EP1
    assert run(run_module, endpoint_ids=[EP1, EP2], wait_for_state="STARTED").result["exists"] is True
    assert "project_id" not in run(run_module, endpoint_ids=[EP1, EP2]).result


# --- listing --------------------------------------------------------------------------------------------------------

def test_listing_sends_the_filters_and_returns_the_items(run_module, transport, fixture_json):
    transport.route("/v1/endpoints", (200, fixture_json("endpoints_list.json")))
    result = run(run_module, type="dedicated", usage_type="reserved", mine=False).result
    assert transport.sent[0].query == {"type": "dedicated", "usage_type": "reserved", "mine": "false"}
    assert [as_v1(item) for item in result["endpoints"]] == fixture_json("endpoints_list.json")["data"]
    assert (result["exists"], result["endpoint"], result["missing"], result["changed"]) == (True, None, [], False)


def test_listing_mine_true_is_sent_as_true(run_module, transport, fixture_json):
    transport.route("/v1/endpoints", (200, fixture_json("endpoints_list.json")))
    run(run_module, mine=True)
    assert transport.sent[0].query_string == "mine=true"


def test_listing_without_filters_sends_no_query_and_empty_list_does_not_exist(run_module, transport):
    transport.route("/v1/endpoints", (200, {"object": "list", "data": []}))
    result = run(run_module).result
    assert transport.sent[0].url == BASE_URL + "/endpoints"
    assert (result["exists"], result["endpoints"]) == (False, [])


def test_listing_404_fails_pointing_at_base_url(run_module, transport, fixture_json):
    transport.route("/endpoints", (404, fixture_json("error_not_found.json")))
    result = run(run_module, base_url="https://api.together.ai").result
    assert result["failed"] is True
    assert "base_url" in result["msg"]
    assert result["status"] == 404


# --- failures -------------------------------------------------------------------------------------------------------

def test_api_error_fails_with_message_status_url_type_and_code(run_module, transport, fixture_json):
    transport.route(path(EP1), (401, fixture_json("error_invalid_api_key.json")))
    outcome = run(run_module, endpoint_id=EP1)
    result = outcome.result
    assert result["failed"] is True
    assert result["msg"].startswith("endpoint '%s': HTTP 401 from " % EP1)
    assert (result["status"], result["error_type"], result["error_code"]) == (401, "invalid_request_error", "invalid_api_key")
    assert "ansible_facts" not in result
    assert len(transport.sent) == 1
    assert_key_hidden(outcome)


def test_retries_use_max_retries_and_never_sleep_for_real(run_module, transport, fixture_json, module_environment):
    transport.route(path(EP1), (503, fixture_json("error_internal.json")))
    result = run(run_module, endpoint_id=EP1, max_retries=2).result
    assert result["msg"].endswith("(gave up after 2 retries)")
    assert len(transport.sent) == 3
    assert module_environment.sleeps == [0.5, 1.0]


def test_a_shape_problem_fails_the_task(run_module, transport, fixture_json):
    body = fixture_json("endpoint_started.json")
    body["autoscaling"]["min_replicas"] = "2"
    transport.route(path(EP1), (200, body))
    result = run(run_module, endpoint_id=EP1).result
    assert result["msg"].endswith("field autoscaling.min_replicas is a JSON string, expected an integer")
    assert result["status"] == 200


# --- waiting --------------------------------------------------------------------------------------------------------

def test_wait_for_state_polls_until_reached_and_reports_elapsed(run_module, transport, fixture_json, module_environment):
    transport.route(path(EP1), (200, endpoint(fixture_json, EP1, "PENDING")), (200, endpoint(fixture_json, EP1, "STARTING")),
                    (200, endpoint(fixture_json, EP1, "STARTED")))
    result = run(run_module, endpoint_id=EP1, wait_for_state="STARTED", wait_sleep=15).result
    assert result["endpoint"]["state"] == "STARTED"
    assert result["elapsed"] == 30.0
    assert module_environment.sleeps == [15.0, 15.0]
    assert len(transport.sent) == 3
    assert result["changed"] is False


def test_failed_wait_still_returns_endpoints_missing_and_elapsed(run_module, transport, fixture_json, module_environment):
    transport.route(path(EP1), (200, endpoint(fixture_json, EP1, "STARTED")))
    transport.route(path(EP2), (200, endpoint(fixture_json, EP2, "STARTING")))
    outcome = run(run_module, endpoint_ids=[EP1, EP2], wait_for_state="STARTED", wait_timeout=20, wait_sleep=8)
    result = outcome.result
    assert result["failed"] is True
    assert result["msg"] == ("timed out after 20.0s waiting for state STARTED; not there yet: '%s' (state STARTING)" % EP2)
    assert [item["state"] for item in result["endpoints"]] == ["STARTED", "STARTING"]
    assert (result["missing"], result["exists"], result["elapsed"]) == ([], True, 20.0)
    assert module_environment.sleeps == [8.0, 8.0, 4.0]
    assert_key_hidden(outcome)


def test_wait_fails_fast_when_the_endpoint_reaches_error(run_module, transport, fixture_json):
    transport.route(path(EP1), (200, endpoint(fixture_json, EP1, "STARTING")), (200, endpoint(fixture_json, EP1, "ERROR")))
    result = run(run_module, endpoint_id=EP1, wait_for_state="STARTED").result
    assert result["msg"] == "endpoint '%s': the endpoint reached state ERROR while waiting for state STARTED (after 5.0s)" % EP1
    assert result["endpoint"]["state"] == "ERROR"
    assert result["elapsed"] == 5.0


def test_wait_fails_fast_on_failed_with_a_warning_about_the_state(run_module, transport, fixture_json):
    transport.route(path(EP2), (200, fixture_json("endpoint_failed_extra_fields.json")))
    outcome = run(run_module, endpoint_id=EP2, wait_for_state="STARTED")
    assert "reached state FAILED" in outcome.result["msg"]
    assert any("'FAILED'" in warning for warning in outcome.warnings)


def test_waiting_for_error_succeeds_on_error(run_module, transport, fixture_json):
    transport.route(path(EP1), (200, endpoint(fixture_json, EP1, "ERROR")))
    result = run(run_module, endpoint_id=EP1, wait_for_state="ERROR").result
    assert result["endpoint"]["state"] == "ERROR"
    assert "failed" not in result


def test_waiting_on_a_missing_endpoint_fails_and_lists_it(run_module, transport, fixture_json):
    transport.route(path(EP1), (404, fixture_json("error_not_found.json")))
    result = run(run_module, endpoint_id=EP1, wait_for_state="STARTED").result
    assert result["msg"].startswith("endpoint '%s': the endpoint does not exist (HTTP 404)" % EP1)
    assert (result["missing"], result["exists"], result["endpoint"]) == ([EP1], False, None)


# --- the key never leaves ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("scenario", ["success", "api-401", "api-500-html", "connection", "tls", "option", "wait"])
def test_api_key_never_appears_in_the_module_output(run_module, transport, fixture_json, fixture_text, scenario):
    args = dict(endpoint_id=EP1, max_retries=1)
    outcomes = {
        "success": (200, fixture_json("endpoint_started.json")),
        "api-401": (401, fixture_json("error_invalid_api_key.json")),
        "api-500-html": transport.reply(502, text=fixture_text("bad_gateway_502.html")),
        "connection": requests.exceptions.ConnectionError("Failed to establish a new connection"),
        "tls": requests.exceptions.SSLError("certificate verify failed"),
        "option": (200, {}),
        "wait": (200, endpoint(fixture_json, EP1, "STARTING")),
    }
    transport.route(path(EP1), outcomes[scenario])
    if scenario == "option":
        args["wait_sleep"] = 0
        args["wait_for_state"] = "STARTED"
    if scenario == "wait":
        args.update(wait_for_state="STARTED", wait_timeout=10)
    outcome = run(run_module, **args)
    assert outcome.result.get("failed", False) is (scenario != "success")
    assert outcome.result["invocation"]["module_args"]["api_key"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert_key_hidden(outcome)


def test_api_key_with_a_line_break_is_not_echoed_in_the_module_output(run_module, transport):
    key = "sk-first-half-3f9a\nsk-second-half-8b2c"
    transport.route(path(EP1), (200, {}))
    outcome = run(run_module, endpoint_id=EP1, api_key=key)
    assert outcome.result["failed"] is True
    assert "sk-first-half-3f9a" not in outcome.result["_stdout"]
    assert "sk-second-half-8b2c" not in outcome.result["_stdout"]


def test_api_key_outside_latin_1_fails_cleanly(run_module, loopback_api):
    outcome = run(run_module, endpoint_id=EP1, base_url=loopback_api.base_url, api_key=u"sk-pasted-with-smart-quote\u201d")
    assert outcome.result["failed"] is True
    assert "api_key" in outcome.result["msg"]


# --- end to end over a real socket ----------------------------------------------------------------------------------

def test_end_to_end_against_a_loopback_server(run_module, loopback_api, fixture_json):
    loopback_api.routes[path(EP1)] = (200, fixture_json("endpoint_started.json"))
    outcome = run(run_module, endpoint_ids=[EP1, EP2], base_url=loopback_api.base_url + "/")
    result = outcome.result
    assert [as_v1(item) for item in result["endpoints"]] == [fixture_json("endpoint_started.json")]
    assert result["missing"] == [EP2]
    assert sorted(item["path"] for item in loopback_api.received) == sorted([path(EP1), path(EP2)])
    assert all(item["headers"]["Authorization"] == "Bearer %s" % API_KEY for item in loopback_api.received)
    assert_key_hidden(outcome)
