# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""TogetherClient: auth headers, retries, Retry-After, error envelopes, and the helpers around them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import os
import socket
import time

import pytest
import requests
import yaml

from ansible_collections.together.ai.plugins.module_utils import _transport
from ansible_collections.together.ai.plugins.module_utils._client import (
    RATE_LIMIT_BUDGET,
    TogetherClient,
    TogetherError,
    backoff_delay,
    error_details,
    normalize_base_url,
    parse_retry_after,
    quote_segment,
)
from ansible_collections.together.ai.plugins.module_utils._transport import COLLECTION_VERSION, USER_AGENT
from ansible_collections.together.ai.tests.unit._helpers import FakeTime

API_KEY = "sk-unit-7f3a9c2e4b1d8a6f0e5c3b2a1d9e8f7c"
URL = "https://api.together.ai/v1/endpoints/endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7"
PATH = "/v1/endpoints/endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7"
GALAXY_YML = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "galaxy.yml")


def make_client(sleeps=None, rand=0.0, **kwargs):
    return TogetherClient(API_KEY, sleep=sleeps if sleeps is not None else FakeTime(), rand=lambda: rand, **kwargs)


def raised(client, url=URL, **kwargs):
    with pytest.raises(TogetherError) as info:
        client.get(url, **kwargs)
    return info.value


def assert_key_hidden(error):
    for text in (error.message, str(error), repr(error.to_result())):
        assert API_KEY not in text
        assert API_KEY[3:15] not in text


# --- headers, timeout, verify ---------------------------------------------------------------------------------------

def test_sends_bearer_token_accept_json_and_user_agent_naming_collection_and_version(transport, fixture_json):
    transport.queue((200, fixture_json("endpoint_started.json")))
    make_client().get(URL)
    headers = transport.sent[0].headers
    assert headers["Authorization"] == "Bearer %s" % API_KEY
    assert headers["Accept"] == "application/json"
    assert headers["User-Agent"] == "together.ai-ansible-collection/%s" % COLLECTION_VERSION
    assert USER_AGENT == headers["User-Agent"]


def test_collection_version_equals_galaxy_yml_version():
    with open(GALAXY_YML) as handle:
        galaxy = yaml.safe_load(handle)
    assert (galaxy["namespace"], galaxy["name"]) == ("together", "ai")
    assert COLLECTION_VERSION == galaxy["version"]
    assert USER_AGENT.endswith("/" + galaxy["version"])


def test_timeout_and_validate_certs_false_reach_the_transport(transport):
    transport.queue((200, {}))
    make_client(timeout=12.5, validate_certs=False).get(URL)
    # (connect, read) = what is left of the request's total 12.5 s when it is sent.
    connect, read = transport.sent[0].timeout
    assert 12.0 < connect == read <= 12.5
    assert transport.sent[0].verify is False


def test_validate_certs_defaults_to_true(transport):
    transport.queue((200, {}))
    client = make_client()
    client.get(URL)
    assert client.session.verify is True
    assert transport.sent[0].verify is True
    assert 29.5 < transport.sent[0].timeout[0] <= 30.0


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_validate_certs_false_wins_over_a_ca_bundle_environment_variable(transport, monkeypatch, variable):
    monkeypatch.setenv(variable, "/etc/ssl/certs/ca-certificates.crt")
    transport.queue((200, {}))
    make_client(validate_certs=False).get(URL)
    assert transport.sent[0].verify is False


def test_ca_bundle_environment_variable_is_used_when_validating_certs(transport, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/corp/bundle.pem")
    transport.queue((200, {}))
    make_client().get(URL)
    assert transport.sent[0].verify == "/corp/bundle.pem"


def test_an_injected_session_gets_the_bearer_auth_headers_and_verify_setting():
    session = requests.Session()
    client = TogetherClient(API_KEY, validate_certs=False, session=session)
    assert client.session is session
    prepared = session.prepare_request(requests.Request("GET", URL))
    assert prepared.headers["Authorization"] == "Bearer %s" % API_KEY
    assert session.headers["User-Agent"] == USER_AGENT
    assert session.verify is False
    assert API_KEY not in repr(session.auth)


def test_default_session_pools_one_connection_per_concurrent_request():
    client = TogetherClient(API_KEY, pool_size=7)
    for scheme in ("https://", "http://"):
        adapter = client.session.get_adapter(scheme + "api.together.ai/v1")
        assert adapter._pool_maxsize == 7
        assert adapter._pool_connections == 7


def test_get_sends_query_params_and_returns_status_and_decoded_body(transport, fixture_json):
    body = fixture_json("endpoints_list.json")
    transport.queue((200, body))
    status, decoded = make_client().get("https://api.together.ai/v1/endpoints", params={"type": "dedicated"})
    assert (status, decoded) == (200, body)
    assert transport.sent[0].method == "GET"
    assert transport.sent[0].query == {"type": "dedicated"}


# --- bodies of successful and 404 answers ---------------------------------------------------------------------------

def test_empty_204_returns_none_body(transport):
    transport.queue((204,))
    assert make_client().get(URL) == (204, None)


def test_empty_200_returns_none_body(transport):
    transport.queue(transport.reply(200, text="", content_type="application/json"))
    assert make_client().get(URL) == (200, None)


def test_404_with_error_data_is_returned_not_raised(transport, fixture_json):
    transport.queue((404, fixture_json("error_not_found.json")))
    status, body = make_client().get(URL)
    assert status == 404
    assert body["error"]["message"] == "endpoint not found"
    assert len(transport.sent) == 1


@pytest.mark.parametrize("reply, seen", [
    (dict(text="<html><body><h1>404 Not Found</h1></body></html>"), "not JSON, Content-Type text/html: 404 Not Found"),
    (dict(text=""), "an empty body, Content-Type text/html"),
])
def test_404_from_a_proxy_without_json_fails_naming_the_url_and_base_url(transport, reply, seen):
    transport.queue(transport.reply(404, **reply))
    error = raised(make_client())
    assert error.status == 404
    assert error.message == ("HTTP 404 from %s is not the API's answer (%s): the URL is unknown there; check base_url "
                             "(for v1 it ends in /v1, for example https://api.together.ai/v1)" % (URL, seen))


def test_404_unknown_url_from_the_api_fails_naming_the_url_and_base_url(transport):
    message = ("Unknown request URL: GET /endpoints/x. Please check the URL for typos, or see the docs at "
               "https://docs.together.ai/")
    transport.queue((404, {"error": {"message": message, "type": "invalid_request_error", "param": None,
                                     "code": "unknown_url"}}))
    error = raised(make_client())
    assert error.message == ("HTTP 404 from %s: %s (the API does not know this URL: check base_url, for v1 it ends in "
                             "/v1, for example https://api.together.ai/v1)" % (URL, message))
    assert (error.status, error.code) == (404, "unknown_url")


def test_non_json_200_raises_with_status_content_type_and_snippet(transport):
    transport.queue(transport.reply(200, text="<html><body>Welcome to <b>nginx</b>!</body></html>"))
    error = raised(make_client())
    assert error.status == 200
    assert error.url == URL
    assert error.message.startswith("HTTP 200 from %s" % URL)
    assert "not JSON" in error.message
    assert "text/html" in error.message
    assert "Welcome to nginx !" in error.message
    assert "<" not in error.message


# --- retries --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_retryable_status_is_retried_then_succeeds(transport, fixture_json, status):
    transport.queue((status, fixture_json("error_internal.json")), (200, fixture_json("endpoint_started.json")))
    sleeps = FakeTime()
    client = make_client(sleeps)
    assert client.get(URL) == (200, fixture_json("endpoint_started.json"))
    assert len(transport.sent) == 2
    assert sleeps == [0.5]  # exactly one retry, after the first backoff step


@pytest.mark.parametrize("status", [400, 401, 403, 409, 422])
def test_client_error_is_not_retried(transport, fixture_json, status):
    transport.queue((status, fixture_json("error_invalid_api_key.json")))
    sleeps = FakeTime()
    error = raised(make_client(sleeps, max_retries=5))
    assert error.status == status
    assert len(transport.sent) == 1
    assert sleeps == []
    assert "gave up" not in error.message


def test_404_is_not_retried(transport, fixture_json):
    transport.queue((404, fixture_json("error_not_found.json")))
    sleeps = FakeTime()
    make_client(sleeps, max_retries=5).get(URL)
    assert len(transport.sent) == 1
    assert sleeps == []


def test_backoff_is_exponential_with_jitter_between_retries(transport, fixture_json):
    transport.queue(*[(503, fixture_json("error_internal.json"))] * 6)
    sleeps = FakeTime()
    error = raised(make_client(sleeps, rand=0.4, max_retries=5))
    # 0.5, 1, 2, 4, 8 seconds, each shortened by rand * 25 % = 10 %.
    assert sleeps == pytest.approx([0.45, 0.9, 1.8, 3.6, 7.2])
    assert len(transport.sent) == 6
    assert error.message.endswith("(gave up after 5 retries)")


@pytest.mark.parametrize("retry_number, rand, expected", [
    (1, 0.0, 0.5), (2, 0.0, 1.0), (3, 0.0, 2.0), (4, 0.0, 4.0), (5, 0.0, 8.0), (6, 0.0, 8.0), (12, 0.0, 8.0),
    (1, 1.0, 0.375), (5, 1.0, 6.0), (3, 0.5, 1.75),
])
def test_backoff_delay_doubles_caps_at_8s_and_jitter_shortens_by_at_most_a_quarter(retry_number, rand, expected):
    assert backoff_delay(retry_number, rand=lambda: rand) == pytest.approx(expected)


def test_gave_up_after_n_retries_keeps_the_api_message_and_status(transport, fixture_json):
    transport.queue(*[(500, fixture_json("error_internal.json"))] * 4)
    sleeps = FakeTime()
    error = raised(make_client(sleeps))
    assert len(transport.sent) == 4
    assert len(sleeps) == 3
    assert error.status == 500
    assert error.error_type == "server_error"
    assert error.message == "HTTP 500 from %s: internal server error, please retry (gave up after 3 retries)" % URL


def test_max_retries_zero_makes_one_attempt_without_gave_up_suffix(transport, fixture_json):
    transport.queue((503, fixture_json("error_internal.json")))
    sleeps = FakeTime()
    error = raised(make_client(sleeps, max_retries=0))
    assert len(transport.sent) == 1
    assert sleeps == []
    assert error.status == 503
    assert "gave up" not in error.message


def test_retry_after_seconds_is_honoured_instead_of_backoff(transport, fixture_json):
    transport.queue((429, fixture_json("error_rate_limited.json"), {"Retry-After": "7"}), (200, {}))
    sleeps = FakeTime()
    make_client(sleeps).get(URL)
    assert sleeps == [7.0]


def test_retry_after_http_date_is_honoured(transport, fixture_json):
    date = email.utils.formatdate(time.time() + 20, usegmt=True)
    transport.queue((503, fixture_json("error_internal.json"), {"Retry-After": date}), (200, {}))
    sleeps = FakeTime()
    make_client(sleeps).get(URL)
    assert len(sleeps) == 1
    assert 17.0 <= sleeps[0] <= 20.0


@pytest.mark.parametrize("header, asked", [("3600", "3600"), ("1e9", "1e+09"), ("inf", "inf"),
                                           ("HTTP-DATE-IN-AN-HOUR", None)])
def test_retry_after_beyond_the_rate_limit_budget_fails_at_once_naming_what_the_api_asked(
        transport, fixture_json, header, asked):
    if header == "HTTP-DATE-IN-AN-HOUR":
        header = email.utils.formatdate(time.time() + 3600, usegmt=True)
    transport.queue((429, fixture_json("error_rate_limited.json"), {"Retry-After": header}), (200, {}))
    sleeps = FakeTime()
    error = raised(make_client(sleeps))
    assert sleeps == []
    assert len(transport.sent) == 1
    assert error.status == 429
    assert "(Retry-After), more than the 60 s left of the rate-limit budget of 60 s per task; stopping" in error.message
    if asked:
        assert "the API asked to wait %s s (Retry-After)" % asked in error.message
    assert RATE_LIMIT_BUDGET == 60.0


@pytest.mark.parametrize("header", ["soon", "", "Wed, 99 Foo 2015"])
def test_unparseable_retry_after_falls_back_to_backoff(transport, fixture_json, header):
    transport.queue((429, fixture_json("error_rate_limited.json"), {"Retry-After": header}), (200, {}))
    sleeps = FakeTime()
    make_client(sleeps).get(URL)
    assert sleeps == [0.5]


def test_retry_after_in_the_past_retries_at_once(transport, fixture_json):
    transport.queue((503, fixture_json("error_internal.json"), {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}),
                    (200, {}))
    sleeps = FakeTime()
    make_client(sleeps).get(URL)
    assert sleeps == [0.0]


@pytest.mark.parametrize("value, now, expected", [
    (None, None, None),
    ("", None, None),
    ("soon", None, None),
    ("0", None, 0.0),
    ("2.5", None, 2.5),
    (" 12 ", None, 12.0),
    ("-3", None, 0.0),
    ("nan", None, 0.0),
    ("61", None, 61.0),
    ("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470.0, 10.0),
    ("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480.0, 0.0),
    ("Wed, 21 Oct 2015 07:28:00 GMT", 1445412000.0, 480.0),
    ("Wed, 21 Oct 2015 07:28:00 GMT", 1445412580.0, 0.0),
])
def test_parse_retry_after_reads_seconds_and_http_dates(value, now, expected):
    assert parse_retry_after(value, now=now) == expected


def test_connection_error_is_retried_then_succeeds(transport):
    transport.queue(requests.exceptions.ConnectionError("connection reset by peer"), (200, {"ok": True}))
    sleeps = FakeTime()
    assert make_client(sleeps).get(URL) == (200, {"ok": True})
    assert sleeps == [0.5]


def test_timeout_is_retried_then_succeeds(transport):
    transport.queue(requests.exceptions.ReadTimeout("read timed out"), requests.exceptions.ConnectTimeout("x"),
                    (200, {"ok": True}))
    sleeps = FakeTime()
    assert make_client(sleeps).get(URL) == (200, {"ok": True})
    assert sleeps == [0.5, 1.0]


def test_connection_error_gives_up_naming_url_and_reason(transport):
    transport.queue(*[requests.exceptions.ConnectionError("Name or service not known")] * 3)
    sleeps = FakeTime()
    error = raised(make_client(sleeps, max_retries=2))
    assert len(transport.sent) == 3
    assert URL in error.message
    assert "Name or service not known" in error.message
    assert error.message.endswith("(gave up after 2 retries)")
    assert error.status is None
    assert error.url == URL


def test_timeout_gives_up_naming_the_timeout(transport):
    transport.queue(*[requests.exceptions.ReadTimeout("read timed out")] * 2)
    error = raised(make_client(timeout=12.5, max_retries=1))
    assert error.message == ("request to %s timed out after 12.5s (timeout bounds connect, headers and body together) "
                             "(gave up after 1 retry)" % URL)


def test_ssl_error_is_not_retried_and_points_at_validate_certs(transport):
    transport.queue(requests.exceptions.SSLError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"))
    sleeps = FakeTime()
    error = raised(make_client(sleeps, max_retries=5))
    assert len(transport.sent) == 1
    assert sleeps == []
    assert "CERTIFICATE_VERIFY_FAILED" in error.message
    assert "validate_certs" in error.message


@pytest.mark.parametrize("exception", [requests.exceptions.TooManyRedirects("Exceeded 30 redirects."),
                                       requests.exceptions.InvalidURL("Invalid URL: No host supplied")])
def test_other_request_errors_are_not_retried(transport, exception):
    transport.queue(exception)
    sleeps = FakeTime()
    error = raised(make_client(sleeps, max_retries=5))
    assert len(transport.sent) == 1
    assert sleeps == []
    assert error.message == "request to %s failed: %s" % (URL, exception.args[0])


@pytest.mark.parametrize("text, reason", [
    ("HTTPSConnectionPool(host='api.together.ai', port=443): Max retries exceeded with url: %s (Caused by "
     "NameResolutionError(\"HTTPSConnection(host='api.together.ai', port=443): Failed to resolve 'api.together.ai' "
     "([Errno -2] Name or service not known)\"))" % PATH,
     "Failed to resolve 'api.together.ai' ([Errno -2] Name or service not known)"),
    ("HTTPSConnectionPool(host='api.together.ai', port=443): Max retries exceeded with url: %s (Caused by "
     "ConnectTimeoutError(<urllib3.connection.HTTPSConnection object at 0x7f2b1c>, 'Connection to api.together.ai "
     "timed out. (connect timeout=30.0)'))" % PATH,
     "Connection to api.together.ai timed out. (connect timeout=30.0)"),
    ("connection reset by peer", "connection reset by peer"),
], ids=["name-resolution", "connect-timeout", "plain"])
def test_nested_urllib3_reason_is_extracted_without_pool_text_or_object_reprs(transport, text, reason):
    transport.queue(requests.exceptions.ConnectionError(text))
    error = raised(make_client(max_retries=0))
    assert URL in error.message
    assert error.message.endswith(": " + reason)
    assert "object at 0x" not in error.message
    assert "Connection(host=" not in error.message
    assert "Max retries exceeded" not in error.message


# --- error envelopes ------------------------------------------------------------------------------------------------

def test_error_data_message_type_and_code_are_surfaced_with_the_http_status(transport):
    body = {"error": {"message": "min_replicas must be <= max_replicas", "type": "invalid_request_error",
                      "param": "autoscaling", "code": "invalid_autoscaling"}}
    transport.queue((400, body))
    error = raised(make_client())
    assert error.message == "HTTP 400 from %s: min_replicas must be <= max_replicas" % URL
    assert (error.status, error.error_type, error.code, error.url) == (400, "invalid_request_error",
                                                                       "invalid_autoscaling", URL)
    assert error.to_result() == dict(status=400, url=URL, error_type="invalid_request_error",
                                     error_code="invalid_autoscaling")


@pytest.mark.parametrize("status, body, message, code", [
    (409, {"error": {"message": "endpoint is being updated"}}, "endpoint is being updated", None),
    (400, "error_rpc.json", "endpoint ep_7Kp2 not found in project proj_9xQ", 5),
    (409, "error_rpc_details_only.json", "deployment is being updated, retry later", 9),
    (422, {"message": "hardware is not available in this region"}, "hardware is not available in this region", None),
    (400, {"error": "Endpoints: Endpoint  not found.", "hint": "check the id"}, "Endpoints: Endpoint  not found.", None),
], ids=["error-object-without-type", "rpc-envelope", "rpc-first-detail", "top-level-message", "plain-string"])
def test_each_error_envelope_gives_its_message_and_code(transport, fixture_json, status, body, message, code):
    # A body given as a string is a fixture file: the recorded envelopes the API really sends.
    transport.queue((status, fixture_json(body) if isinstance(body, str) else body))
    error = raised(make_client())
    assert error.message == "HTTP %d from %s: %s" % (status, URL, message)
    assert (error.error_type, error.code) == (None, code)


def test_json_error_without_a_message_says_so_and_shows_the_body(transport):
    transport.queue((400, {"error": {"message": "", "type": "invalid_request_error"}}))
    error = raised(make_client())
    assert error.message.startswith("HTTP 400 from %s: no error message in the application/json response: " % URL)
    assert "invalid_request_error" in error.message


@pytest.mark.parametrize("body, expected", [
    ({"error": {"message": "m", "type": "t", "code": "c"}}, ("m", "t", "c")),
    ({"error": {"message": "m"}}, ("m", None, None)),
    ({"error": "plain"}, ("plain", None, None)),
    ({"code": 5, "message": "rpc"}, ("rpc", None, 5)),
    ({"code": 3, "details": ["text", {"detail": ""}, {"detail": "second"}]}, ("second", None, 3)),
    ({"error": {"type": "t"}}, (None, None, None)),
    ({}, (None, None, None)),
    ([{"error": "x"}], (None, None, None)),
    ("error", (None, None, None)),
    (None, (None, None, None)),
])
def test_error_details_reads_every_envelope(body, expected):
    assert error_details(body) == expected


def test_error_body_with_non_list_details_still_raises_together_error(transport):
    transport.queue((400, {"code": 3, "details": 7}))
    error = raised(make_client())
    assert error.status == 400


def test_html_502_becomes_one_line_message_with_snippet_and_no_markup(transport, fixture_text):
    transport.queue(transport.reply(502, text=fixture_text("bad_gateway_502.html")))
    error = raised(make_client(max_retries=0))
    assert error.status == 502
    assert "\n" not in error.message
    assert "<" not in error.message and ">" not in error.message
    assert error.message == ("HTTP 502 from %s: no error message in the text/html response: "
                             "502 Bad Gateway 502 Bad Gateway nginx" % URL)


def test_long_non_json_body_is_cut_to_a_short_snippet(transport):
    transport.queue(transport.reply(500, text="<p>" + "x" * 5000 + "</p>", content_type="text/plain"))
    error = raised(make_client(max_retries=0))
    assert error.message.endswith(": " + "x" * 120 + "...")
    assert len(error.message) < 300


def test_error_without_body_says_the_response_was_empty_of_a_message(transport):
    transport.queue((500,))
    error = raised(make_client(max_retries=0))
    assert error.message == "HTTP 500 from %s: no error message in the unknown response" % URL


@pytest.mark.parametrize("status, fixture", [(401, "error_invalid_api_key.json"), (403, "error_invalid_api_key.json"),
                                             (401, "error_unauthorized_no_type.json"),
                                             (403, "error_unauthorized_no_type.json")])
def test_401_and_403_are_both_reported_as_authentication_or_permission_errors(transport, fixture_json, status, fixture):
    transport.queue((status, fixture_json(fixture)))
    error = raised(make_client())
    assert error.status == status
    assert error.message.startswith("HTTP %d from %s: %s" % (status, URL, fixture_json(fixture)["error"]["message"]))
    assert "authentication/permission error" in error.message
    assert "api_key" in error.message and "TOGETHER_API_KEY" in error.message
    assert len(transport.sent) == 1


def test_auth_hint_is_not_added_to_other_errors(transport, fixture_json):
    transport.queue((400, fixture_json("error_invalid_api_key.json")))
    assert "authentication" not in raised(make_client()).message


# --- the key stays secret -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("outcome", [
    (401, {"error": {"message": "Invalid API key provided.", "type": "invalid_request_error"}}),
    (403, {"error": {"message": "Unauthorized"}}),
    (500, {"error": {"message": "boom", "type": "server_error"}}),
    (502, "<html><title>502</title></html>"),
    (200, "not json"),
    requests.exceptions.ConnectionError("Max retries exceeded"),
    requests.exceptions.ReadTimeout("read timed out"),
    requests.exceptions.SSLError("certificate verify failed"),
    requests.exceptions.InvalidURL("bad url"),
], ids=["401", "403", "500", "html-502", "non-json-200", "connection", "timeout", "tls", "invalid-url"])
def test_api_key_never_appears_in_an_error(transport, outcome):
    if isinstance(outcome, tuple) and isinstance(outcome[1], str):
        outcome = transport.reply(outcome[0], text=outcome[1])
    transport.queue(*[outcome] * 3)
    error = raised(make_client(max_retries=2))
    assert_key_hidden(error)


def test_api_key_with_a_line_break_is_not_echoed_in_the_error(transport):
    transport.queue((200, {}))
    key = "sk-first-half-3f9a\nsk-second-half-8b2c"
    with pytest.raises(TogetherError) as info:
        TogetherClient(key, sleep=FakeTime()).get(URL)
    assert "sk-first-half-3f9a" not in info.value.message
    assert "sk-second-half-8b2c" not in info.value.message


# --- quote_segment and normalize_base_url ---------------------------------------------------------------------------

@pytest.mark.parametrize("segment, expected", [
    ("endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7", "endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7"),
    ("a/b", "a%2Fb"),
    ("../hardware", "..%2Fhardware"),
    ("x?y=1", "x%3Fy%3D1"),
    ("x#frag", "x%23frag"),
    ("...", "..."),
    ("%2F", "%252F"),
    ("a b", "a%20b"),
    (u"\u00e9ndpoint-\u65e5\u672c", "%C3%A9ndpoint-%E6%97%A5%E6%9C%AC"),
    (u"\U0001F680", "%F0%9F%9A%80"),
])
def test_quote_segment_keeps_any_value_in_one_path_segment(segment, expected):
    assert quote_segment(segment) == expected
    assert "/" not in quote_segment(segment) and "?" not in quote_segment(segment)


@pytest.mark.parametrize("segment", [".", ".."])
def test_quote_segment_refuses_dot_segments_that_servers_resolve_as_navigation(segment):
    with pytest.raises(TogetherError) as info:
        quote_segment(segment)
    assert "path navigation" in info.value.message


@pytest.mark.parametrize("value, expected", [
    ("https://api.together.ai/v1", "https://api.together.ai/v1"),
    ("https://api.together.ai/v1/", "https://api.together.ai/v1"),
    ("https://api.together.ai/v1///", "https://api.together.ai/v1"),
    ("  https://api.together.ai/v1/  ", "https://api.together.ai/v1"),
    ("http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v1"),
    ("http://[::1]:8080/v1/", "http://[::1]:8080/v1"),
    ("HTTPS://API.TOGETHER.XYZ/v1", "HTTPS://API.TOGETHER.XYZ/v1"),
])
def test_normalize_base_url_accepts_http_and_https_and_drops_trailing_slashes(value, expected):
    assert normalize_base_url(value) == expected


@pytest.mark.parametrize("value", [
    "ftp://api.together.ai/v1", "file:///etc/passwd", "api.together.ai/v1", "https:///v1", "https://", "//host/v1",
    "", None, "   ",
])
def test_normalize_base_url_rejects_non_http_urls_and_urls_without_host(value):
    with pytest.raises(TogetherError) as info:
        normalize_base_url(value, option_name="base_url")
    assert info.value.message.startswith("base_url must be an http:// or https:// URL with a host")


@pytest.mark.parametrize("value", ["https://api.together.ai/v1?project=x", "https://api.together.ai/v1#top"])
def test_normalize_base_url_rejects_a_query_or_fragment(value):
    with pytest.raises(TogetherError) as info:
        normalize_base_url(value, option_name="my_url")
    assert info.value.message.startswith("my_url must not carry a query or a fragment")


@pytest.mark.parametrize("value", ["https://api.together.ai/v1?", "https://api.together.ai/v1#"])
def test_normalize_base_url_rejects_a_bare_query_or_fragment_marker(value):
    with pytest.raises(TogetherError):
        normalize_base_url(value)


def test_normalize_base_url_reports_a_malformed_ipv6_host():
    with pytest.raises(TogetherError):
        normalize_base_url("http://[::1/v1")


# --- over real sockets on 127.0.0.1 ---------------------------------------------------------------------------------

def test_real_server_receives_bearer_and_user_agent(loopback_api, fixture_json):
    loopback_api.routes["/v1/endpoints/ep-1"] = (200, fixture_json("endpoint_started.json"))
    status, body = make_client().get(loopback_api.base_url + "/endpoints/ep-1")
    assert (status, body) == (200, fixture_json("endpoint_started.json"))
    headers = loopback_api.received[0]["headers"]
    assert headers["Authorization"] == "Bearer %s" % API_KEY
    assert headers["User-Agent"] == USER_AGENT


def test_refused_connection_is_retried_and_reported(monkeypatch):
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    sleeps = FakeTime()
    url = "http://127.0.0.1:%d/v1/endpoints/ep-1" % port
    error = raised(make_client(sleeps, max_retries=1), url=url)
    assert sleeps == [0.5]
    assert url in error.message
    assert "Connection refused" in error.message
    assert "object at 0x" not in error.message
    assert error.message.endswith("(gave up after 1 retry)")


def test_tls_to_a_plain_http_server_is_reported_at_once_pointing_to_http(loopback_api):
    # It used to say "set ca_path to trust a private CA", which cannot help: the scheme is wrong.
    sleeps = FakeTime()
    url = "https://127.0.0.1:%d/v1/endpoints/ep-1" % loopback_api.port
    error = raised(make_client(sleeps, max_retries=3, timeout=5), url=url)
    assert sleeps == []
    assert error.message.startswith("TLS error talking to %s: " % url)
    assert error.message.endswith("(the server at 127.0.0.1:%d answers plain HTTP, not TLS: use http:// in base_url; ca_path "
                                  "and validate_certs do not help here)" % loopback_api.port)


def test_module_utils_exposes_requests_availability():
    assert _transport.HAS_REQUESTS is True
    assert _transport.REQUESTS_IMPORT_ERROR is None


def fields(error):
    return dict(status=error.status, code=error.code, error_type=error.error_type, api_message=error.api_message,
                retriable=error.retriable, method=error.method, path=error.path)


def test_a_refusal_carries_its_fields_for_callers_to_read_instead_of_the_message(transport, fixture_json):
    transport.queue((403, fixture_json("error_invalid_api_key.json")))
    error = raised(make_client(), params={"etag": "e-1"})
    assert fields(error) == dict(status=403, code="invalid_api_key", error_type="invalid_request_error",
                                 api_message=fixture_json("error_invalid_api_key.json")["error"]["message"],
                                 retriable=False, method="GET", path=PATH)


def test_a_failure_given_up_after_retries_is_marked_retriable_and_says_what_was_sent(transport, fixture_json):
    transport.queue(*[(503, fixture_json("error_internal.json"))] * 2)
    with pytest.raises(TogetherError) as info:
        make_client(max_retries=1).request("DELETE", URL + "?force=true")
    assert fields(info.value) == dict(status=503, code=None, error_type="server_error",
                                      api_message="internal server error, please retry", retriable=True,
                                      method="DELETE", path=PATH)


def test_a_transport_failure_has_no_status_is_retriable_and_names_method_and_path(transport):
    transport.queue(*[requests.exceptions.ConnectionError("connection reset by peer")] * 4)
    with pytest.raises(TogetherError) as info:
        make_client().request("PUT", URL, json={"api_key": API_KEY}, headers={"If-Match": "e-1"})
    assert (info.value.status, info.value.retriable, info.value.method, info.value.path) == (None, True, "PUT", PATH)


def test_what_an_error_says_was_sent_holds_neither_the_key_nor_the_body_nor_the_query(transport, fixture_json):
    transport.queue((401, fixture_json("error_invalid_api_key.json")))
    with pytest.raises(TogetherError) as info:
        make_client().request("POST", URL + "?page=2", json={"secret": "in-the-body"})
    assert (info.value.method, info.value.path) == ("POST", PATH)
    assert API_KEY not in repr(vars(info.value)) and "in-the-body" not in repr(vars(info.value))
