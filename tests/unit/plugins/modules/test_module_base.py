# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""TogetherModule (plugins/module_utils/_module.py), run through small main() functions the way ansible runs modules.

Here rather than under module_utils/ because it needs this directory's run_module fixture and module environment.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import requests

from ansible_collections.together.ai.plugins.module_utils._connection import CONNECTION_ARGUMENT_SPEC
from ansible_collections.together.ai.plugins.module_utils._errors import OptionError, TogetherError
from ansible_collections.together.ai.plugins.module_utils._module import TogetherModule, together_argument_spec
from ansible_collections.together.ai.tests.unit._helpers import MODULE_API_KEY, assert_key_hidden, run_with_key

PROJECT_ID = "proj_CbJNwQC2ZqCU2iFT3mrCh"
V1_ID = "endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7"
V2_ID = "ep_CbJNwQC2ZqCU2iFT3mrCh"


class Source:
    """Anything with a warnings list, as the endpoint APIs have."""

    def __init__(self, *warnings):
        self.warnings = list(warnings)


def check_name(params):
    if params["name"] == "bad":
        raise OptionError("name must not be 'bad'")
    return params["name"]


def main_options():
    module = TogetherModule(argument_spec=dict(name=dict(type="str")), supports_check_mode=True)
    name = module.build_request(check_name)
    module.client  # pylint: disable=pointless-statement
    module.exit_json(changed=False, name=name)


def main_read():
    module = TogetherModule(argument_spec=dict(endpoint_id=dict(type="str")), project_option=True)
    try:
        endpoint = module.endpoint_reader().get_endpoint(module.params["endpoint_id"])
    except TogetherError as exc:
        module.fail_from(exc)
    module.exit_json(changed=False, endpoint=endpoint, **module.project_facts())


def main_warnings():
    module = TogetherModule(argument_spec=dict(fail=dict(type="bool", default=False)))
    module.report_warnings_of(Source("seen twice", "once"))
    module.report_warnings_of(Source("seen twice"))
    module.warn("once")
    if module.params["fail"]:
        module.fail_from(TogetherError("endpoint 'x': HTTP 503 from https://h/v1/endpoints/x: busy", status=503,
                                       url="https://h/v1/endpoints/x", error_type="server_error", code="busy",
                                       partial_result=dict(exists=True, endpoint={"id": "x"})),
                         elapsed=1.5)
    module.exit_json(changed=False)


def main_project():
    module = TogetherModule(project_option=True)
    module.exit_json(changed=False, project_id=module.project_id, facts=module.project_facts(always=True),
                     same_v2=module.endpoints_v2() is module.endpoints_v2(),
                     other_v2=module.endpoints_v2() is not module.endpoints_v2(include_deployments=True))


# --- the argument spec ----------------------------------------------------------------------------------------------

def test_the_spec_has_the_connection_options_and_project_id_only_when_asked():
    assert set(together_argument_spec(dict(name=dict(type="str")))) == set(CONNECTION_ARGUMENT_SPEC) | {"name"}
    spec = together_argument_spec(dict(name=dict(type="str")), project_option=True)
    assert spec["project_id"]["fallback"][1] == ["TOGETHER_PROJECT_ID"]
    assert spec["api_key"]["no_log"] is True
    # A module's own definition wins, and the shared spec is never changed by one module.
    assert together_argument_spec(dict(timeout=dict(type="float", default=5.0)))["timeout"]["default"] == 5.0
    assert CONNECTION_ARGUMENT_SPEC["timeout"]["default"] == 30.0


# --- options before connection, connection before requests ----------------------------------------------------------

def test_an_option_error_fails_before_the_connection_options_are_checked(run_module, transport):
    outcome = run_module(main_options, dict(name="bad"))
    assert outcome.result["msg"] == "name must not be 'bad'"
    assert transport.sent == []


def test_bad_connection_options_fail_when_the_client_is_first_needed(run_module, transport):
    outcome = run_with_key(run_module, main_options, name="good", base_url="ftp://api.together.ai")
    assert outcome.result["msg"] == "base_url must be an http:// or https:// URL with a host, got 'ftp://api.together.ai'"
    outcome = run_module(main_options, dict(name="good"))
    assert outcome.result["msg"] == "no API key: set the api_key option or the TOGETHER_API_KEY environment variable"
    assert outcome.result["error_code"] == "no_api_key"  # so the gate can say endpoint_gate_api_key instead
    assert transport.sent == []


def test_a_good_module_builds_the_client_and_exits(run_module, transport):
    outcome = run_with_key(run_module, main_options, name="good", validate_certs=False)
    assert outcome.result["name"] == "good"
    assert outcome.warnings[0].startswith("validate_certs: false")
    assert transport.sent == []
    assert_key_hidden(outcome)


# --- the reader, the project, the failure ---------------------------------------------------------------------------

def test_the_reader_reads_v1_without_a_project_and_v2_in_the_project(run_module, transport, fixture_json):
    transport.route("/v1/endpoints/%s" % V1_ID, (200, fixture_json("endpoint_started.json")))
    outcome = run_with_key(run_module, main_read, endpoint_id=V1_ID)
    assert outcome.result["endpoint"]["api_version"] == "v1"
    assert "project_id" not in outcome.result
    transport.route("/v2/projects/%s/endpoints/%s" % (PROJECT_ID, V2_ID),
                    (200, fixture_json("v2/endpoint_one_deployment.json")))
    outcome = run_with_key(run_module, main_read, endpoint_id=V2_ID, project_id=PROJECT_ID)
    assert outcome.result["endpoint"]["api_version"] == "v2"
    assert (outcome.result["project_id"], outcome.result["project_slug"]) == (PROJECT_ID, None)


def test_fail_from_reports_the_error_context(run_module, transport):
    transport.route("/v1/endpoints/%s" % V1_ID, (403, {"error": {"message": "Invalid API key provided",
                                                                 "type": "invalid_request_error"}}))
    outcome = run_with_key(run_module, main_read, endpoint_id=V1_ID, max_retries=0)
    url = "https://api.together.ai/v1/endpoints/%s" % V1_ID
    assert outcome.result["msg"].startswith("endpoint '%s': HTTP 403 from %s: Invalid API key provided" % (V1_ID, url))
    assert (outcome.result["status"], outcome.result["url"], outcome.result["error_type"]) == (
        403, url, "invalid_request_error")
    assert_key_hidden(outcome)


@pytest.mark.parametrize("answer", [
    (401, {"error": {"message": "Invalid API key provided", "type": "invalid_request_error"}}),
    requests.exceptions.ConnectionError("connection reset by peer"),
], ids=["refused", "no answer"])
def test_fail_from_hands_ansible_the_traceback_which_holds_no_key(run_module, transport, answer):
    transport.route("/v1/endpoints/%s" % V1_ID, answer)
    outcome = run_with_key(run_module, main_read, endpoint_id=V1_ID, max_retries=0)
    traceback = outcome.raw["exception"]
    assert traceback.startswith("Traceback (most recent call last):")
    assert "TogetherError: " + outcome.result["msg"] in traceback
    assert MODULE_API_KEY not in traceback
    assert_key_hidden(outcome)


def test_fail_from_returns_the_partial_result_and_extra_keys(run_module):
    outcome = run_with_key(run_module, main_warnings, fail=True)
    assert outcome.result["msg"] == "endpoint 'x': HTTP 503 from https://h/v1/endpoints/x: busy"
    assert (outcome.result["status"], outcome.result["error_code"]) == (503, "busy")
    assert outcome.result["endpoint"] == {"id": "x"} and outcome.result["exists"] is True
    assert outcome.result["elapsed"] == 1.5


def test_each_warning_is_reported_once_on_exit_and_on_failure(run_module):
    for fail in (False, True):
        outcome = run_with_key(run_module, main_warnings, fail=fail)
        assert outcome.warnings == ["once", "seen twice"]


def test_a_blank_project_id_is_none_and_the_environment_fills_it(run_module, monkeypatch):
    outcome = run_with_key(run_module, main_project, project_id="  ")
    assert outcome.result["project_id"] is None
    monkeypatch.setenv("TOGETHER_PROJECT_ID", PROJECT_ID)
    outcome = run_with_key(run_module, main_project)
    assert outcome.result["project_id"] == PROJECT_ID
    assert outcome.result["facts"] == dict(project_id=PROJECT_ID, project_slug=None)
    assert outcome.result["same_v2"] is True and outcome.result["other_v2"] is True
    assert MODULE_API_KEY not in outcome.result["_stdout"]
