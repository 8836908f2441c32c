# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""EndpointReader (v1/v2 routing, list version) and EndpointInfo's v2 options and waiting semantics."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.together.ai.plugins.module_utils._client import TogetherClient, TogetherError
from ansible_collections.together.ai.plugins.module_utils._endpoints_v1 import EndpointsV1
from ansible_collections.together.ai.plugins.module_utils._endpoints_v2 import EndpointsV2, Project
from ansible_collections.together.ai.plugins.module_utils._endpoint_info import EndpointInfo
from ansible_collections.together.ai.plugins.module_utils._reader import EndpointReader
from ansible_collections.together.ai.plugins.module_utils._v2_normalize import normalize_endpoint
from ansible_collections.together.ai.plugins.module_utils._polling import WaitError
from ansible_collections.together.ai.tests.unit.plugins.module_utils.test_endpoint_info import option_error, params
from ansible_collections.together.ai.tests.unit._helpers import FakeTime

API_KEY = "sk-unit-info-v2-8b3d0f61"
BASE_URL = "https://api.together.ai/v1"
ROOT = "https://api.together.ai"
PROJECT_ID = "proj_CbJNwQC2ZqCU2iFT3mrCh"
V1_ID = "endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7"
V2_ID = "ep_CbJNwQC2ZqCU2iFT3mrCh"


def make_reader(api_version="auto", project_id=None, project_known=False):
    client = TogetherClient(API_KEY, max_retries=0, sleep=lambda seconds: None, rand=lambda: 0.0)
    return EndpointReader(EndpointsV1(client, BASE_URL), EndpointsV2(client, Project(client, ROOT, project_id)),
                          api_version=api_version, project_known=project_known)


def v2_path(endpoint_id):
    return "/v2/projects/%s/endpoints/%s" % (PROJECT_ID, endpoint_id)


class RoundsReader:
    """A reader answering get_endpoints from scripted rounds of {id: normalized endpoint or None}."""

    def __init__(self, *rounds):
        self.rounds = list(rounds)
        self.calls = 0

    def get_endpoints(self, endpoint_ids):
        self.calls += 1
        found = self.rounds.pop(0) if len(self.rounds) > 1 else self.rounds[0]
        return dict((endpoint_id, found.get(endpoint_id)) for endpoint_id in endpoint_ids)


def v2_endpoint(fixture_json, fixture, full=None, **summary_changes):
    """A fixture normalized as EndpointsV2 would; summary_changes edit its first deployment summary."""
    raw = fixture_json(fixture)
    if summary_changes:
        raw["deployments"][0].update(summary_changes)
    return normalize_endpoint(raw, PROJECT_ID, full)[0]


def wait(reader, fake_time, **overrides):
    overrides.setdefault("endpoint_id", V2_ID)
    request = EndpointInfo.from_params(params(**overrides))
    return request.run(reader, clock=fake_time.clock, sleep=fake_time.sleep)


def failed_wait(reader, fake_time, **overrides):
    with pytest.raises(WaitError) as info:
        wait(reader, fake_time, **overrides)
    return info.value


# --- routing by id prefix and api_version ---------------------------------------------------------------------------

@pytest.mark.parametrize("api_version, endpoint_id, version", [
    ("auto", "ep_CbJNwQC2ZqCU2iFT3mrCh", "v2"),
    ("auto", V1_ID, "v1"),
    ("auto", "dep_CbzGdmn14t3HYrXXitmKa", "v1"),
    ("auto", "EP_upper", "v1"),
    ("v1", "ep_CbJNwQC2ZqCU2iFT3mrCh", "v1"),
    ("v2", V1_ID, "v2"),
])
def test_version_for_routes_by_ep_prefix_unless_forced(api_version, endpoint_id, version):
    assert make_reader(api_version).version_for(endpoint_id) == version


def test_mixed_v1_and_v2_ids_are_each_read_through_their_own_api(transport, fixture_json):
    transport.route("/v3/whoami", (200, fixture_json("v2/whoami_v3_project_api_key.json")))
    transport.route("/v1/endpoints/%s" % V1_ID, (200, fixture_json("endpoint_started.json")))
    transport.route(v2_path(V2_ID), (200, fixture_json("v2/endpoint_one_deployment.json")))
    second_v2 = fixture_json("v2/endpoint_split_50_50.json")
    transport.route(v2_path(second_v2["id"]), (200, second_v2))
    reader = make_reader()
    found = reader.get_endpoints([V2_ID, V1_ID, second_v2["id"]])
    assert found[V1_ID] == dict(fixture_json("endpoint_started.json"), api_version="v1")
    assert found[V2_ID]["api_version"] == "v2" and found[V2_ID]["raw"] == fixture_json("v2/endpoint_one_deployment.json")
    assert found[second_v2["id"]]["api_version"] == "v2"
    assert reader.used_v2 is True
    urls = sorted(sent.url for sent in transport.sent)
    assert urls == sorted([ROOT + "/v3/whoami", BASE_URL + "/endpoints/" + V1_ID, ROOT + v2_path(V2_ID),
                           ROOT + v2_path(second_v2["id"])])
    # The project is resolved before the parallel reads, once.
    assert transport.paths[0] == "/v3/whoami"


def test_v1_endpoints_gain_api_version_v1_and_nothing_else(transport, fixture_json):
    transport.route("/v1/endpoints/%s" % V1_ID, (200, fixture_json("endpoint_failed_extra_fields.json")))
    reader = make_reader()
    endpoint = reader.get_endpoint(V1_ID)
    expected = fixture_json("endpoint_failed_extra_fields.json")
    assert set(endpoint) - set(expected) == {"api_version"}
    assert endpoint == dict(expected, api_version="v1")


def test_v1_only_ids_never_resolve_a_project(transport, fixture_json):
    transport.route("/v1/endpoints/%s" % V1_ID, (200, fixture_json("endpoint_started.json")))
    reader = make_reader()
    assert reader.get_endpoints([V1_ID])[V1_ID]["api_version"] == "v1"
    assert reader.used_v2 is False
    assert transport.paths == ["/v1/endpoints/%s" % V1_ID]


def test_v1_404_stays_none(transport, fixture_json):
    transport.route("/v1/endpoints/%s" % V1_ID, (404, fixture_json("error_not_found.json")))
    assert make_reader().get_endpoints([V1_ID]) == {V1_ID: None}


def test_api_version_v1_reads_an_ep_id_through_v1(transport, fixture_json):
    transport.route("/v1/endpoints/%s" % V2_ID, (404, fixture_json("error_not_found.json")))
    reader = make_reader("v1")
    assert reader.get_endpoints([V2_ID]) == {V2_ID: None}
    assert reader.used_v2 is False
    assert [sent.url for sent in transport.sent] == [BASE_URL + "/endpoints/" + V2_ID]


def test_api_version_v2_reads_a_v1_style_id_through_v2(transport, fixture_json):
    transport.route(v2_path(V1_ID), (404, fixture_json("v2/error_endpoint_not_found.json")))
    reader = make_reader("v2", project_id=PROJECT_ID)
    assert reader.get_endpoints([V1_ID]) == {V1_ID: None}
    assert reader.used_v2 is True
    assert [sent.url for sent in transport.sent] == [ROOT + v2_path(V1_ID)]


def test_project_failure_is_reported_once_before_any_endpoint_read(transport, fixture_json):
    transport.route("/v3/whoami", (200, fixture_json("v2/whoami_v3_org_api_key.json")))
    reader = make_reader()
    with pytest.raises(TogetherError) as info:
        reader.get_endpoints([V2_ID, "ep_Other", V1_ID])
    assert info.value.message.count("resolving the project") == 1
    assert transport.paths == ["/v3/whoami"]


def test_reader_warnings_join_v1_and_v2_warnings(transport, fixture_json):
    transport.route("/v1/endpoints/%s" % V1_ID, (200, fixture_json("endpoint_failed_extra_fields.json")))
    body = fixture_json("v2/endpoint_one_deployment.json")
    body["deployments"][0]["state"] = "DEPLOYMENT_STATE_SOMETHING_NEW"
    transport.route(v2_path(V2_ID), (200, body))
    reader = make_reader(project_id=PROJECT_ID)
    reader.get_endpoints([V1_ID, V2_ID])
    assert len(reader.warnings) == 2
    assert "'FAILED'" in reader.warnings[0] and "DEPLOYMENT_STATE_SOMETHING_NEW" in reader.warnings[1]


# --- which list -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("api_version, filters, project_known, version", [
    ("auto", {"name": "chat"}, False, "v2"),
    ("auto", {"type": "dedicated"}, True, "v1"),
    ("auto", {"usage_type": "reserved"}, True, "v1"),
    ("auto", {"mine": False}, True, "v1"),
    ("auto", {}, True, "v2"),
    ("auto", {}, False, "v1"),
    ("v2", {}, False, "v2"),
    ("v1", {}, True, "v1"),
], ids=["name", "type", "usage_type", "mine-false", "project-known", "nothing-known", "forced-v2", "forced-v1"])
def test_list_version_choice(api_version, filters, project_known, version):
    assert make_reader(api_version, project_known=project_known).list_version(filters) == version


def test_v2_list_passes_name_and_max_results(transport, fixture_json):
    transport.route("/v3/whoami", (200, fixture_json("v2/whoami_v3_project_api_key.json")))
    transport.route("/v2/projects/%s/endpoints" % PROJECT_ID, (200, fixture_json("v2/endpoints_page1.json")))
    reader = make_reader()
    endpoints = reader.list_endpoints({"name": "chat"}, 1)
    assert [item["id"] for item in endpoints] == [V2_ID]
    assert reader.used_v2 is True
    assert transport.sent[1].query == {"filter": 'name="chat"', "limit": "100"}
    assert len(reader.warnings) == 1


def test_v1_list_items_gain_api_version_v1(transport, fixture_json):
    transport.route("/v1/endpoints", (200, fixture_json("endpoints_list.json")))
    reader = make_reader()
    endpoints = reader.list_endpoints({"type": "dedicated"}, 1000)
    assert endpoints == [dict(item, api_version="v1") for item in fixture_json("endpoints_list.json")["data"]]
    assert reader.used_v2 is False
    assert transport.sent[0].query == {"type": "dedicated"}


# --- option checks --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("overrides, message", [
    (dict(name="chat", type="dedicated"), "name filters the v2 list and cannot be combined with type"),
    (dict(name="chat", usage_type="reserved", mine=True), "name filters the v2 list and cannot be combined with mine, usage_type"),
    (dict(name="chat", api_version="v1"), "name filters the v2 list and cannot be combined with api_version=v1"),
    (dict(type="dedicated", api_version="v2"), "type filters the v1 list only; the v2 list filters by name"),
    (dict(mine=False, usage_type="on-demand", api_version="v2"), "mine, usage_type filter the v1 list only; the v2 list filters by name"),
    (dict(endpoint_id=V2_ID, deployment="blue", api_version="v1"),
     "deployment applies to v2 endpoints only and cannot be used with api_version=v1"),
    (dict(endpoint_id=V2_ID, include_deployments=True, api_version="v1"),
     "include_deployments applies to v2 endpoints only and cannot be used with api_version=v1"),
    (dict(endpoint_id=V2_ID, deployment="blue", include_deployments=True, api_version="v1"),
     "deployment and include_deployments apply to v2 endpoints only and cannot be used with api_version=v1"),
    (dict(include_deployments=True), "include_deployments reads the deployments of endpoint_id or endpoint_ids; it does not apply to listing"),
    (dict(max_results=0), "max_results must be 1 or more, got 0"),
    (dict(max_results=-5), "max_results must be 1 or more, got -5"),
    (dict(endpoint_id=V2_ID, name="chat"), "name filters the list of endpoints and cannot be combined with endpoint_id"),
    (dict(endpoint_ids=[V2_ID], name="chat"), "name filters the list of endpoints and cannot be combined with endpoint_ids"),
], ids=["name-type", "name-v1-filters", "name-api-v1", "type-api-v2", "v1-filters-api-v2", "deployment-api-v1",
        "include-deployments-api-v1", "both-api-v1", "include-deployments-listing", "max-results-0",
        "max-results-negative", "name-with-id", "name-with-ids"])
def test_v2_option_errors(overrides, message):
    assert option_error(**overrides) == message


@pytest.mark.parametrize("overrides", [
    dict(name="chat", api_version="v2"),
    dict(name="chat"),
    dict(type="dedicated", api_version="v1"),
    dict(endpoint_id=V2_ID, deployment="blue", include_deployments=True),
    dict(endpoint_id=V2_ID, deployment="blue", api_version="v2"),
    dict(endpoint_id=V1_ID, include_deployments=False, api_version="v1"),
    dict(max_results=1, project_id="proj_x"),
    dict(endpoint_id=V2_ID, wait_for_state="STARTED", wait_for_routing=False),
])
def test_valid_v2_option_combinations_are_accepted(overrides):
    request = EndpointInfo.from_params(params(**overrides))
    assert request.max_results == overrides.get("max_results", 1000)
    assert request.wait_for_routing is overrides.get("wait_for_routing", True)


def test_name_is_a_list_filter():
    request = EndpointInfo.from_params(params(name="my-project/chat"))
    assert (request.endpoint_ids, request.filters) == (None, {"name": "my-project/chat"})


# --- waiting on v2 endpoints ----------------------------------------------------------------------------------------

def test_wait_started_keeps_waiting_while_ready_but_unrouted(fixture_json):
    fake_time = FakeTime()
    unrouted = v2_endpoint(fixture_json, "v2/endpoint_ready_unrouted.json")
    routed_raw = fixture_json("v2/endpoint_ready_unrouted.json")
    routed_raw["trafficSplit"][0]["weight"] = 1
    routed = normalize_endpoint(routed_raw, PROJECT_ID)[0]
    reader = RoundsReader({V2_ID: unrouted}, {V2_ID: unrouted}, {V2_ID: routed})
    result = wait(reader, fake_time, wait_for_state="STARTED", wait_sleep=10.0)
    assert result["endpoint"]["serving"] is True
    assert result["elapsed"] == 20.0
    assert reader.calls == 3


def test_ready_but_unrouted_times_out_saying_it_does_not_serve(fixture_json):
    fake_time = FakeTime()
    unrouted = v2_endpoint(fixture_json, "v2/endpoint_ready_unrouted.json")
    error = failed_wait(RoundsReader({V2_ID: unrouted}), fake_time, wait_for_state="STARTED", wait_timeout=10.0)
    assert error.message == ("timed out after 10.0s waiting for state STARTED; not there yet: '%s' (deployment "
                             "'main' (dep_ReadyNoWeight000000001) READY but not serving: no traffic weight on a deployment "
                             "with ready replicas)" % V2_ID)
    assert error.partial_result["endpoint"]["state"] == "STARTED"


def test_wait_for_routing_false_stops_at_ready(fixture_json):
    fake_time = FakeTime()
    unrouted = v2_endpoint(fixture_json, "v2/endpoint_ready_unrouted.json")
    reader = RoundsReader({V2_ID: unrouted})
    result = wait(reader, fake_time, wait_for_state="STARTED", wait_for_routing=False)
    assert (result["elapsed"], reader.calls, fake_time.sleeps) == (0.0, 1, [])


@pytest.mark.parametrize("fixture", ["v2/endpoint_one_deployment.json", "v2/endpoint_split_100_0.json"])
def test_ready_and_serving_is_started_at_once(fixture_json, fixture):
    fake_time = FakeTime()
    result = wait(RoundsReader({V2_ID: v2_endpoint(fixture_json, fixture)}), fake_time, wait_for_state="STARTED")
    assert result["exists"] is True and result["elapsed"] == 0.0


@pytest.mark.parametrize("summary_changes, detail", [
    (dict(state="DEPLOYMENT_STATE_SCALING", readyReplicas=0), "deployment 'blue' (dep_CbzGdmn14t3HYrXXitmKa) SCALING"),
    (dict(state="DEPLOYMENT_STATE_SCALING", readyReplicas=2), "deployment 'blue' (dep_CbzGdmn14t3HYrXXitmKa) SCALING"),
    (dict(state="DEPLOYMENT_STATE_PROVISIONING", readyReplicas=0), "deployment 'blue' (dep_CbzGdmn14t3HYrXXitmKa) PROVISIONING"),
], ids=["scaling-ready-0", "scaling-ready-2", "provisioning"])
def test_wait_started_keeps_waiting_until_the_deployment_is_ready(fixture_json, summary_changes, detail):
    fake_time = FakeTime()
    before = v2_endpoint(fixture_json, "v2/endpoint_one_deployment.json", **summary_changes)
    after = v2_endpoint(fixture_json, "v2/endpoint_one_deployment.json")
    reader = RoundsReader({V2_ID: before}, {V2_ID: after})
    assert wait(reader, fake_time, wait_for_state="STARTED", wait_sleep=3.0)["elapsed"] == 3.0
    error = failed_wait(RoundsReader({V2_ID: before}), FakeTime(), wait_for_state="STARTED", wait_timeout=0.0)
    assert error.message.endswith("'%s' (%s)" % (V2_ID, detail))


def test_degraded_keeps_waiting_and_the_timeout_message_carries_its_status_message(fixture_json):
    fake_time = FakeTime()
    full = fixture_json("v2/deployment_degraded_full.json")
    degraded = v2_endpoint(fixture_json, "v2/endpoint_degraded.json", full={full["id"]: full})
    assert degraded["state"] == "STARTED"
    error = failed_wait(RoundsReader({V2_ID: degraded}), fake_time, wait_for_state="STARTED", wait_timeout=12.0,
                        wait_sleep=5.0)
    assert error.message == ("timed out after 12.0s waiting for state STARTED; not there yet: '%s' (deployment "
                             "'main' (dep_DegradedCapacity000001) DEGRADED: Cannot place replicas: insufficient GPU capacity)"
                             % V2_ID)
    assert fake_time.sleeps == [5.0, 5.0, 2.0]


def test_degraded_that_heals_ends_the_wait(fixture_json):
    fake_time = FakeTime()
    degraded = v2_endpoint(fixture_json, "v2/endpoint_degraded.json")
    healed = v2_endpoint(fixture_json, "v2/endpoint_degraded.json", state="DEPLOYMENT_STATE_READY", readyReplicas=2)
    result = wait(RoundsReader({V2_ID: degraded}, {V2_ID: healed}), fake_time, wait_for_state="STARTED")
    assert result["elapsed"] == 5.0


@pytest.mark.parametrize("wait_for_state", ["STARTED", "STOPPED", "STARTING"])
def test_failed_deployment_fails_the_wait_at_once(fixture_json, wait_for_state):
    fake_time = FakeTime()
    starting = v2_endpoint(fixture_json, "v2/endpoint_one_deployment.json", state="DEPLOYMENT_STATE_PROVISIONING",
                           readyReplicas=0)
    failed = v2_endpoint(fixture_json, "v2/endpoint_one_deployment.json", state="DEPLOYMENT_STATE_FAILED", readyReplicas=0)
    reader = RoundsReader({V2_ID: starting}, {V2_ID: failed}, {V2_ID: starting})
    error = failed_wait(reader, fake_time, wait_for_state=wait_for_state, wait_timeout=600.0)
    assert error.message == ("endpoint '%s': deployment 'blue' (dep_CbzGdmn14t3HYrXXitmKa) FAILED while waiting "
                             "for state %s (after 5.0s)" % (V2_ID, wait_for_state))
    assert reader.calls == 2
    assert error.partial_result["endpoint"]["state"] == "ERROR"


def test_failed_deployment_message_is_shown_when_known(fixture_json):
    full = {"id": "dep_CbzGdmn14t3HYrXXitmKa", "status": {"state": "DEPLOYMENT_STATE_FAILED",
                                                          "message": "Timed out waiting for readiness"}}
    failed = v2_endpoint(fixture_json, "v2/endpoint_one_deployment.json", full={full["id"]: full},
                         state="DEPLOYMENT_STATE_FAILED", readyReplicas=0)
    error = failed_wait(RoundsReader({V2_ID: failed}), FakeTime(), wait_for_state="STARTED")
    assert "deployment 'blue' (dep_CbzGdmn14t3HYrXXitmKa) FAILED: Timed out waiting for readiness" in error.message


def test_waiting_for_error_is_satisfied_by_a_failed_deployment(fixture_json):
    failed = v2_endpoint(fixture_json, "v2/endpoint_one_deployment.json", state="DEPLOYMENT_STATE_FAILED", readyReplicas=0)
    result = wait(RoundsReader({V2_ID: failed}), FakeTime(), wait_for_state="ERROR")
    assert result["endpoint"]["state"] == "ERROR"


def test_wait_stopped_follows_stopping_to_stopped(fixture_json):
    fake_time = FakeTime()
    stopping = v2_endpoint(fixture_json, "v2/endpoint_one_deployment.json", state="DEPLOYMENT_STATE_STOPPING")
    stopped = v2_endpoint(fixture_json, "v2/endpoint_one_deployment.json", state="DEPLOYMENT_STATE_STOPPED",
                          readyReplicas=0, autoscaling={})
    reader = RoundsReader({V2_ID: stopping}, {V2_ID: stopped})
    result = wait(reader, fake_time, wait_for_state="STOPPED")
    assert (result["endpoint"]["state"], result["elapsed"]) == ("STOPPED", 5.0)
    error = failed_wait(RoundsReader({V2_ID: stopping}), FakeTime(), wait_for_state="STOPPED", wait_timeout=0.0)
    assert error.message.endswith("'%s' (deployment 'blue' (dep_CbzGdmn14t3HYrXXitmKa) STOPPING)" % V2_ID)


def test_wait_stopped_is_met_by_an_endpoint_without_deployments(fixture_json):
    empty = v2_endpoint(fixture_json, "v2/endpoint_no_deployments.json")
    assert wait(RoundsReader({V2_ID: empty}), FakeTime(), wait_for_state="STOPPED")["endpoint"]["state"] == "STOPPED"


def test_wait_started_on_an_endpoint_without_deployments_says_so(fixture_json):
    empty = v2_endpoint(fixture_json, "v2/endpoint_no_deployments.json")
    error = failed_wait(RoundsReader({V2_ID: empty}), FakeTime(), wait_for_state="STARTED", wait_timeout=0.0)
    assert error.message.endswith("'%s' (no live deployment)" % V2_ID)


def test_wait_on_a_missing_v2_endpoint_fails_even_for_stopped(fixture_json):
    # Reference §11.4 suggests a 404 could satisfy a "stopped" target; the module documents failing on 404.
    error = failed_wait(RoundsReader({}), FakeTime(), wait_for_state="STOPPED")
    assert error.message == ("endpoint '%s': the endpoint does not exist (HTTP 404) while waiting for state STOPPED "
                             "(after 0.0s)" % V2_ID)
    assert error.partial_result["missing"] == [V2_ID]


def test_wait_uses_the_selected_deployment(fixture_json):
    raw = fixture_json("v2/endpoint_split_100_0.json")
    raw["deployments"][0]["state"] = "DEPLOYMENT_STATE_PROVISIONING"
    selected = normalize_endpoint(raw, PROJECT_ID, None, "v2")[0]
    error = failed_wait(RoundsReader({V2_ID: selected}), FakeTime(), wait_for_state="STARTED", wait_timeout=0.0)
    assert error.message.endswith("'%s' (deployment 'v2' (dep_NewReadyZeroWeight0002) PROVISIONING)" % V2_ID)


def test_one_wait_covers_v1_and_v2_endpoints(fixture_json):
    fake_time = FakeTime()
    v1_started = dict(fixture_json("endpoint_started.json"), api_version="v1")
    v1_starting = dict(v1_started, state="STARTING")
    unrouted = v2_endpoint(fixture_json, "v2/endpoint_ready_unrouted.json")
    routed = v2_endpoint(fixture_json, "v2/endpoint_one_deployment.json")
    reader = RoundsReader({V1_ID: v1_starting, V2_ID: unrouted}, {V1_ID: v1_started, V2_ID: unrouted},
                          {V1_ID: v1_started, V2_ID: routed})
    result = wait(reader, fake_time, endpoint_id=None, endpoint_ids=[V1_ID, V2_ID], wait_for_state="STARTED")
    assert [item["api_version"] for item in result["endpoints"]] == ["v1", "v2"]
    assert result["elapsed"] == 10.0
