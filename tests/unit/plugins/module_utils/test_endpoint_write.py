# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""module_utils/_endpoint_write (together_endpoint without I/O): option checks, and the writes (plan) a given endpoint and
request produce."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible_collections.together.ai.plugins.module_utils._endpoint_write import (
    EndpointRequest,
    OptionError,
    PlanError,
    endpoint_view,
    plan_v1,
    plan_v2,
)
from ansible_collections.together.ai.plugins.module_utils._v2_normalize import add_model_names, normalize_endpoint

PROJECT_ID = "proj_CbJNwQC2ZqCU2iFT3mrCh"
MODEL_NAMES = {
    "projects/proj_CbJNwQC2ZqCU2iFT3mrCh/models/ml_CbJNwQC2ZqCU2iFT3mrCh/revisions/rv_CbJ9yNrws93VQrZum1fTE":
        "devteam/Llama-3.3-70B-Instruct-Turbo",
    "projects/proj_CbJNwQC2ZqCU2iFT3mrCh/models/ml_Q8vWn2RkT5aLp0sXe3mYd/revisions/rv_H4tZc9UfB1oJq6wNk2rVs":
        "devteam/Llama-3.1-8B-Instruct",
}
CONFIG_H100 = "projects/proj_together/configs/cr_CbzGdmn14t3HYrXXitmKa"


def request(**params):
    return EndpointRequest.from_params(params)


def option_error(**params):
    with pytest.raises(OptionError) as info:
        EndpointRequest.from_params(params)
    return str(info.value)


def normalized(raw):
    endpoint, _warnings = normalize_endpoint(raw, PROJECT_ID)
    return add_model_names(endpoint, MODEL_NAMES)


def full_of(endpoint, config=CONFIG_H100):
    """The full deployments as GET .../deployments lists them: etag and config beside the summary."""
    return dict((item["id"], {"id": item["id"], "etag": "etag-" + item["id"], "config": config})
                for item in endpoint["deployments"])


def resolver(calls):
    def resolve(wanted):
        calls.append(wanted.name)
        return ("projects/proj_together/models/ml_x", CONFIG_H100, wanted.hardware or "1xnvidia-h100-80gb")
    return resolve


def no_resolve(wanted):
    raise AssertionError("nothing is created here, so nothing is resolved (asked for %s)" % wanted.name)


def summary(raw, name):
    return next(item for item in raw["deployments"] if item["name"].endswith("/" + name))


@pytest.fixture
def one(fixture_json):
    """my-project/chat with deployment blue: READY, 1/2 replicas, weight 1, model devteam/Llama-3.3-70B-Instruct-Turbo."""
    return fixture_json("v2/endpoint_one_deployment.json")


@pytest.fixture
def ab(fixture_json):
    """my-project/ab: blue 1/2 and green 3/4, both READY, weights 50/50."""
    return fixture_json("v2/endpoint_split_50_50.json")


BLUE = dict(name="chat", model="devteam/Llama-3.3-70B-Instruct-Turbo", hardware="1xnvidia-h100-80gb",
            deployment_name="blue")


def blue(**changes):
    """The options declaring my-project/chat's blue as it is, with changes."""
    params = dict(BLUE)
    params.update(changes)
    return params


def with_blue_stopped(endpoint):
    """A copy of the endpoint whose deployment blue is stopped (0/0, nothing ready)."""
    stopped = copy.deepcopy(endpoint)
    summary(stopped, "blue").update(state="DEPLOYMENT_STATE_STOPPED", autoscaling={}, readyReplicas=0)
    return stopped


# -- options ----------------------------------------------------------------------------------------------------


def test_identity_is_required():
    assert "one of endpoint_id or name is required" in option_error(model="m", config="cr_1")


def test_deployments_and_the_shorthand_are_mutually_exclusive():
    message = option_error(name="chat", model="m", deployments=[{"name": "blue", "model": "m", "config": "cr_1"}])
    assert "deployments and model are mutually exclusive" in message


def test_config_and_hardware_are_mutually_exclusive_in_a_deployment():
    message = option_error(name="chat", deployments=[{"name": "blue", "config": "cr_1", "hardware": "1xnvidia-h100-80gb"}])
    assert message.startswith("deployments[0]: config and hardware are mutually exclusive")


def test_min_above_max_names_both_options():
    assert option_error(name="chat", model="m", config="cr_1", min_replicas=3, max_replicas=2) == \
        "min_replicas (3) must not be greater than max_replicas (2)"


def test_min_zero_with_max_above_zero_is_refused_before_any_request():
    assert "set both to 0 to stop" in option_error(name="chat", model="m", config="cr_1", min_replicas=0, max_replicas=2)


def test_negative_bounds_are_refused():
    assert "deployments[1]: max_replicas must be a whole number of 0 or more, got -1" in option_error(
        name="chat", deployments=[{"name": "a"}, {"name": "b", "max_replicas": -1}])


def test_duplicate_deployment_names_are_refused():
    assert "the name blue appears more than once" in option_error(name="chat", deployments=[{"name": "blue"}, {"name": "blue"}])


def test_unknown_deployment_keys_are_named():
    assert "deployments[0]: unknown key weight" in option_error(name="chat", deployments=[{"name": "blue", "weight": 2}])


def test_traffic_weight_must_not_be_negative():
    assert "traffic_weight must be a number of 0 or more" in option_error(
        name="chat", deployments=[{"name": "blue", "traffic_weight": -1}])


def test_stopped_with_replicas_is_contradictory():
    assert "min_replicas 2 cannot be combined with state=stopped" in option_error(
        name="chat", state="stopped", model="m", config="cr_1", min_replicas=2, max_replicas=2)


def test_v1_create_is_refused_before_any_request_pointing_to_v2():
    message = option_error(api_version="v1", model="m", state="present")
    assert "would create a v1 endpoint" in message
    assert "endpoints_v1_create_access_disabled" in message
    assert "create a v2 endpoint instead" in message


def test_v2_only_options_on_a_v1_endpoint_are_named():
    message = option_error(endpoint_id="endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7", model="m", visibility="internal")
    assert message.startswith("model, visibility apply to v2 endpoints only")


def test_display_name_is_v1_only():
    assert option_error(name="chat", display_name="x").startswith("display_name applies to v1 endpoints only")


def test_an_id_that_is_a_path_is_refused():
    assert "must be an id" in option_error(endpoint_id="ep_1/deployments")


def test_api_version_must_agree_with_the_id():
    assert "is a v1 id" in option_error(api_version="v2", endpoint_id="endpoint-1")


def test_started_waits_by_default_and_present_does_not():
    assert request(name="chat", state="started").wait is True
    assert request(name="chat").wait is False
    assert request(name="chat", state="started", wait=False).wait is False


@pytest.mark.parametrize("value", [-1, float("inf"), float("-inf"), float("nan")], ids=["negative", "inf", "-inf", "nan"])
def test_wait_timeout_must_be_finite_and_not_negative(value):
    # inf used to be accepted: the task created the endpoint, then failed converting infinity to an integer.
    assert "wait_timeout must be a finite number of 0 or more seconds" in option_error(name="chat", wait_timeout=value)


@pytest.mark.parametrize("option", ["wait_sleep", "wait_progress_interval"])
def test_wait_sleep_and_progress_interval_must_be_finite(option):
    assert "%s must be a finite number of seconds above 0" % option in option_error(name="chat", **{option: float("inf")})


@pytest.mark.parametrize("option", ["model", "config", "hardware", "deployment_name"])
def test_an_empty_string_is_refused_not_ignored(option):
    # model: "" on an existing deployment used to be ignored silently (an undefined variable, a typo).
    params = dict(name="chat", deployment_name="blue")
    params[option] = "  " if option == "deployment_name" else ""
    assert option_error(**params) == "%s must not be empty; leave it out to keep what the deployment has" % option


def test_the_shorthand_is_one_deployment_named_main_with_all_the_traffic():
    parsed = request(name="chat", model="m", hardware="1xnvidia-h100-80gb", min_replicas=2)
    assert [(item.name, item.model, item.hardware, item.min_replicas, item.max_replicas, item.traffic_weight)
            for item in parsed.deployments] == [("main", "m", "1xnvidia-h100-80gb", 2, None, 1)]


def test_purge_needs_declared_deployments():
    assert "purge_deployments deletes the deployments not declared" in option_error(name="chat", purge_deployments=True)


# -- v2 plans ---------------------------------------------------------------------------------------------------


def test_a_new_endpoint_is_created_with_its_deployment_and_routed_only_later():
    calls = []
    plan = plan_v2(request(name="chat", model="meta-llama/Llama-3.1-8B-Instruct", hardware="1xnvidia-h100-80gb",
                           min_replicas=1, max_replicas=2), None, {}, resolver(calls))
    assert [(write.method, write.what) for write in plan.writes] == [("POST", "endpoint"), ("POST", "deployment")]
    assert plan.writes[0].body == {"name": "chat", "visibility": "VISIBILITY_PRIVATE"}
    assert plan.writes[1].body == {"name": "main", "model": "projects/proj_together/models/ml_x", "config": CONFIG_H100,
                                   "autoscaling": {"minReplicas": 1, "maxReplicas": 2}}
    assert calls == ["main"]
    # No trafficSplit write: the deployment is routed once it is READY, on the next pass.
    assert plan.pending == [dict(deployment_id=None, name="main", state="READY", then="route")]
    assert plan.before == {}
    # Not waited for (state=present, wait false): the task ends with the deployment not yet routed, as a read shows.
    assert plan.after == dict(name="chat", visibility="private", deployments={"main": dict(
        name="main", model="meta-llama/Llama-3.1-8B-Instruct", config="cr_CbzGdmn14t3HYrXXitmKa", hardware="1xnvidia-h100-80gb",
        min_replicas=1, max_replicas=2, traffic_weight=0)})


def test_a_new_endpoint_that_the_task_waits_for_ends_routed():
    plan = plan_v2(request(name="chat", model="m", hardware="1xnvidia-h100-80gb", state="started"), None, {}, resolver([]))
    assert plan.after["deployments"]["main"]["traffic_weight"] == 1
    assert plan.pending == [dict(deployment_id=None, name="main", state="READY", then="route")]


def test_a_new_endpoint_in_state_stopped_ends_unrouted():
    plan = plan_v2(request(name="chat", model="m", hardware="1xnvidia-h100-80gb", state="stopped"), None, {}, resolver([]))
    assert plan.after["deployments"]["main"]["traffic_weight"] == 0
    assert plan.after["deployments"]["main"]["max_replicas"] == 0
    assert plan.pending == []


def test_a_new_deployment_needs_config_or_hardware():
    with pytest.raises(PlanError) as info:
        plan_v2(request(name="chat", model="m"), None, {}, no_resolve)
    assert "deployment 'main' does not exist yet (the endpoint is new): creating it needs config or hardware" in str(info.value)


def test_an_unknown_endpoint_id_is_not_created():
    with pytest.raises(PlanError) as info:
        plan_v2(request(endpoint_id="ep_gone", model="m", config="cr_1"), None, {}, no_resolve)
    assert "the API chooses endpoint ids" in str(info.value)


def test_started_on_a_new_endpoint_needs_a_deployment():
    with pytest.raises(PlanError) as info:
        plan_v2(request(name="chat", state="started"), None, {}, no_resolve)
    assert "needs a deployment to start" in str(info.value)


def test_the_same_shape_again_writes_nothing(one):
    endpoint = normalized(one)
    plan = plan_v2(request(min_replicas=1, max_replicas=2, **BLUE), endpoint, full_of(endpoint), no_resolve)
    assert plan.writes == [] and not plan.changed
    assert plan.before == plan.after
    assert plan.pending == []


def test_scaling_is_one_deployment_patch_with_its_mask(one):
    endpoint = normalized(one)
    plan = plan_v2(request(min_replicas=2, max_replicas=4, **BLUE), endpoint, full_of(endpoint), no_resolve)
    assert len(plan.writes) == 1
    write = plan.writes[0]
    assert (write.method, write.what, write.mask, write.deployment, write.etag_of) == (
        "PATCH", "deployment", "autoscaling", "dep_CbzGdmn14t3HYrXXitmKa", "dep_CbzGdmn14t3HYrXXitmKa")
    assert write.body == {"autoscaling": {"minReplicas": 2, "maxReplicas": 4}}
    assert "1/2 replicas -> 2/4 replicas" in write.description
    assert plan.before["deployments"]["blue"]["min_replicas"] == 1
    assert plan.after["deployments"]["blue"]["min_replicas"] == 2


def test_one_bound_keeps_the_other(one):
    endpoint = normalized(one)
    plan = plan_v2(request(max_replicas=5, **BLUE), endpoint, full_of(endpoint), no_resolve)
    assert plan.writes[0].body == {"autoscaling": {"minReplicas": 1, "maxReplicas": 5}}


def test_stopped_scales_to_zero_and_keeps_the_weight(one):
    endpoint = normalized(one)
    plan = plan_v2(request(name="chat", state="stopped"), endpoint, full_of(endpoint), no_resolve)
    assert [(write.method, write.what, write.body) for write in plan.writes] == [
        ("PATCH", "deployment", {"autoscaling": {"minReplicas": 0, "maxReplicas": 0}})]
    assert plan.after["deployments"]["blue"]["traffic_weight"] == 1
    assert (plan.after["deployments"]["blue"]["min_replicas"], plan.after["deployments"]["blue"]["max_replicas"]) == (0, 0)


def test_started_without_bounds_restarts_a_stopped_deployment_with_one_replica(one):
    endpoint = normalized(with_blue_stopped(one))
    plan = plan_v2(request(name="chat", state="started"), endpoint, full_of(endpoint), no_resolve)
    assert [(write.what, write.body) for write in plan.writes] == [
        ("deployment", {"autoscaling": {"minReplicas": 1, "maxReplicas": 1}})]


def test_present_leaves_a_stopped_deployment_stopped(one):
    endpoint = normalized(with_blue_stopped(one))
    plan = plan_v2(request(**BLUE), endpoint, full_of(endpoint), no_resolve)
    assert plan.writes == [] and plan.warnings == []
    # Bounds declared for a stopped deployment wait for state=started; present says so and changes nothing.
    plan = plan_v2(request(**blue(min_replicas=2, max_replicas=3)), endpoint, full_of(endpoint), no_resolve)
    assert plan.writes == [] and plan.before == plan.after
    assert plan.warnings == ["endpoint 'ep_CbJNwQC2ZqCU2iFT3mrCh' deployment 'blue' is stopped (0/0 replicas); state=present "
                             "keeps it stopped and its min_replicas/max_replicas apply once it runs: use state=started "
                             "to start it"]
    plan = plan_v2(request(state="started", **blue(min_replicas=2, max_replicas=3)), endpoint, full_of(endpoint), no_resolve)
    assert [write.body for write in plan.writes] == [{"autoscaling": {"minReplicas": 2, "maxReplicas": 3}}]


def test_a_weight_change_is_one_endpoint_patch_of_the_split(ab):
    endpoint = normalized(ab)
    plan = plan_v2(request(name="ab", deployments=[{"name": "blue", "traffic_weight": 3}, {"name": "green", "traffic_weight": 1}]),
                   endpoint, full_of(endpoint), no_resolve)
    assert len(plan.writes) == 1
    write = plan.writes[0]
    assert (write.method, write.what, write.mask, write.etag_of) == ("PATCH", "endpoint", "trafficSplit", "endpoint")
    assert write.body == {"trafficSplit": [{"deploymentId": "dep_B1ueNewerFewerReady0002", "weight": 3},
                                           {"deploymentId": "dep_Gr33nOlderMoreReady0001", "weight": 1}]}
    assert plan.before["deployments"]["blue"]["traffic_weight"] == 50
    assert plan.after["deployments"]["blue"]["traffic_weight"] == 3


def test_a_weight_of_zero_takes_a_deployment_out_of_the_split(ab):
    endpoint = normalized(ab)
    plan = plan_v2(request(name="ab", deployments=[{"name": "blue", "traffic_weight": 0}, {"name": "green"}]),
                   endpoint, full_of(endpoint), no_resolve)
    assert plan.writes[0].body == {"trafficSplit": [{"deploymentId": "dep_Gr33nOlderMoreReady0001", "weight": 1}]}


def test_a_new_green_deployment_waits_for_ready_while_blue_keeps_serving(one):
    endpoint = normalized(one)
    calls = []
    plan = plan_v2(request(name="chat", deployments=[
        {"name": "blue", "traffic_weight": 0},
        {"name": "green", "model": "devteam/Llama-3.1-8B-Instruct", "hardware": "1xnvidia-h100-80gb"}]),
        endpoint, full_of(endpoint), resolver(calls))
    # blue is declared with weight 0, but green is not READY: the split stays until green can take the traffic.
    assert [(write.method, write.what) for write in plan.writes] == [("POST", "deployment")]
    assert plan.pending == [dict(deployment_id=None, name="green", state="READY", then="route")]


def test_a_ready_unrouted_deployment_is_routed(ab):
    unrouted = copy.deepcopy(ab)
    unrouted["trafficSplit"] = [{"deploymentId": "dep_B1ueNewerFewerReady0002", "weight": 1}]
    endpoint = normalized(unrouted)
    plan = plan_v2(request(name="ab", deployments=[{"name": "blue", "traffic_weight": 0}, {"name": "green"}]),
                   endpoint, full_of(endpoint), no_resolve)
    assert plan.writes[0].body == {"trafficSplit": [{"deploymentId": "dep_Gr33nOlderMoreReady0001", "weight": 1}]}
    assert plan.pending == []


def test_undeclared_deployments_lose_their_weight_but_keep_running(ab):
    endpoint = normalized(ab)
    plan = plan_v2(request(name="ab", deployments=[{"name": "green"}]), endpoint, full_of(endpoint), no_resolve)
    assert [(write.what, write.body) for write in plan.writes] == [
        ("endpoint", {"trafficSplit": [{"deploymentId": "dep_Gr33nOlderMoreReady0001", "weight": 1}]})]
    assert plan.after["deployments"]["blue"]["traffic_weight"] == 0
    assert plan.after["deployments"]["blue"]["min_replicas"] == 1


def test_purge_retires_undeclared_deployments(ab):
    endpoint = normalized(ab)
    plan = plan_v2(request(name="ab", deployments=[{"name": "green"}], purge_deployments=True), endpoint,
                   full_of(endpoint), no_resolve)
    assert [(write.method, write.what, write.body) for write in plan.writes] == [
        ("PATCH", "endpoint", {"trafficSplit": [{"deploymentId": "dep_Gr33nOlderMoreReady0001", "weight": 1}]}),
        ("PATCH", "deployment", {"autoscaling": {"minReplicas": 0, "maxReplicas": 0}})]
    assert plan.pending == [dict(deployment_id="dep_B1ueNewerFewerReady0002", name="blue", state="STOPPED", then="delete")]
    assert "blue" not in plan.after["deployments"]


def test_a_model_change_fails_without_recreate_and_names_the_way_out(one):
    endpoint = normalized(one)
    with pytest.raises(PlanError) as info:
        plan_v2(request(**blue(model="devteam/Llama-3.1-8B-Instruct")), endpoint, full_of(endpoint), no_resolve)
    message = str(info.value)
    assert "deployment 'blue'" in message
    assert "model devteam/Llama-3.3-70B-Instruct-Turbo -> devteam/Llama-3.1-8B-Instruct cannot change in place" in message
    assert "recreate: true" in message


def test_a_hardware_change_is_immutable_too(one):
    endpoint = normalized(one)
    with pytest.raises(PlanError) as info:
        plan_v2(request(**blue(hardware="2xnvidia-h100-80gb")), endpoint, full_of(endpoint), no_resolve)
    assert "hardware 1xnvidia-h100-80gb -> 2xnvidia-h100-80gb cannot change in place" in str(info.value)


def test_hardware_compares_without_the_nvidia_prefix(one):
    endpoint = normalized(one)
    plan = plan_v2(request(**blue(hardware="1xH100-80GB")), endpoint, full_of(endpoint), no_resolve)
    assert plan.writes == []


def test_recreate_of_the_only_serving_deployment_is_refused_before_any_write(one):
    endpoint = normalized(one)
    with pytest.raises(PlanError) as info:
        plan_v2(request(recreate=True, **blue(model="devteam/Llama-3.1-8B-Instruct")), endpoint, full_of(endpoint),
                resolver([]))
    message = str(info.value)
    assert "serves through blue" in message and "without a READY deployment with traffic weight" in message
    assert "nothing was sent" in message and "blue/green" in message


def test_recreate_first_unroutes_and_stops_then_deletes_and_creates(ab):
    endpoint = normalized(ab)
    declared = [{"name": "blue"}, {"name": "green", "model": "devteam/Llama-3.3-70B-Instruct-Turbo"}]
    wanted = request(name="ab", recreate=True, deployments=declared)
    resolved = []
    first = plan_v2(wanted, endpoint, full_of(endpoint), resolver(resolved))
    assert resolved == ["green"]  # checked before the old deployment is stopped
    # blue keeps serving while green is replaced.
    assert [(write.method, write.what, write.body) for write in first.writes] == [
        ("PATCH", "endpoint", {"trafficSplit": [{"deploymentId": "dep_B1ueNewerFewerReady0002", "weight": 50}]}),
        ("PATCH", "deployment", {"autoscaling": {"minReplicas": 0, "maxReplicas": 0}})]
    assert first.pending == [dict(deployment_id="dep_Gr33nOlderMoreReady0001", name="green", state="STOPPED", then="recreate")]
    assert first.after["deployments"]["green"]["model"] == "devteam/Llama-3.3-70B-Instruct-Turbo"

    stopped = copy.deepcopy(ab)
    summary(stopped, "green").update(state="DEPLOYMENT_STATE_STOPPED", autoscaling={}, readyReplicas=0)
    stopped["trafficSplit"] = stopped["trafficSplit"][:1]
    endpoint = normalized(stopped)
    calls = []
    second = plan_v2(wanted, endpoint, full_of(endpoint), resolver(calls))
    assert [(write.method, write.what) for write in second.writes] == [("DELETE", "deployment"), ("POST", "deployment")]
    assert second.writes[1].body["autoscaling"] == {"minReplicas": 1, "maxReplicas": 1}
    assert second.pending == [dict(deployment_id=None, name="green", state="READY", then="route")]


def test_recreate_of_a_stopped_endpoints_deployment_needs_no_second_deployment(one):
    endpoint = normalized(with_blue_stopped(one))
    plan = plan_v2(request(recreate=True, state="started", **blue(model="devteam/Llama-3.1-8B-Instruct")), endpoint,
                   full_of(endpoint), resolver([]))
    assert [(write.method, write.what) for write in plan.writes] == [
        ("PATCH", "endpoint"), ("DELETE", "deployment"), ("POST", "deployment")]


# -- the serving rule -------------------------------------------------------------------------------------------


def with_green(one, state, weight, min_replicas=1, max_replicas=1, ready=None):
    """my-project/chat with blue (READY, weight 1) and a second deployment green in `state` with `weight`."""
    raw = copy.deepcopy(one)
    green = copy.deepcopy(summary(raw, "blue"))
    green.update(id="dep_Gr33nDeployment000000001", name="my-project/chat/green", state="DEPLOYMENT_STATE_" + state,
                 autoscaling={"minReplicas": min_replicas, "maxReplicas": max_replicas},
                 readyReplicas=ready if ready is not None else (min_replicas if state == "READY" else 0))
    raw["deployments"].append(green)
    if weight:
        raw["trafficSplit"] = raw["trafficSplit"] + [{"deploymentId": green["id"], "weight": weight}]
    return normalized(raw)


def test_case_1_purge_towards_a_failed_deployment_that_holds_weight_is_refused(one):
    # Split [blue:1, green:1], blue READY, green FAILED; declaring only green with purge used to move all the
    # traffic to green, stop and delete blue, and report success while inference answered endpoint_not_ready.
    endpoint = with_green(one, "FAILED", 1)
    with pytest.raises(PlanError) as info:
        plan_v2(request(name="chat", purge_deployments=True, deployments=[{"name": "green"}]), endpoint,
                full_of(endpoint), no_resolve)
    assert "deployment 'green' is FAILED" in str(info.value)
    assert "the traffic split is left as it is" in str(info.value)


def test_case_1_all_traffic_to_a_stopped_deployment_is_refused_with_state_present(one):
    # green STOPPED at 0/0: [blue: 0, green: 1] used to route everything to green (endpoint_not_configured).
    endpoint = with_green(one, "STOPPED", 0, 0, 0)
    with pytest.raises(PlanError) as info:
        plan_v2(request(name="chat", deployments=[{"name": "blue", "traffic_weight": 0}, {"name": "green"}]), endpoint,
                full_of(endpoint), no_resolve)
    assert "deployment 'green' is STOPPED (0/0 replicas) and stays stopped with state=present" in str(info.value)
    assert "use state=started" in str(info.value)


def test_case_1_with_state_started_the_stopped_deployment_starts_and_blue_keeps_the_traffic(one):
    endpoint = with_green(one, "STOPPED", 0, 0, 0)
    plan = plan_v2(request(name="chat", state="started", deployments=[{"name": "blue", "traffic_weight": 0},
                                                                      {"name": "green"}]),
                   endpoint, full_of(endpoint), no_resolve)
    assert [(write.method, write.what, write.body) for write in plan.writes] == [
        ("PATCH", "deployment", {"autoscaling": {"minReplicas": 1, "maxReplicas": 1}})]
    assert plan.pending == [dict(deployment_id="dep_Gr33nDeployment000000001", name="green", state="READY", then="route")]
    # The task waits (state=started), so it ends with the split as declared.
    assert plan.after["deployments"]["green"]["traffic_weight"] == 1
    assert plan.after["deployments"]["blue"]["traffic_weight"] == 0


@pytest.mark.parametrize("state", ["PROVISIONING", "SCALING", "DEGRADED"])
def test_traffic_moves_to_a_deployment_that_holds_weight_only_once_it_is_ready(one, state):
    endpoint = with_green(one, state, 1)
    plan = plan_v2(request(name="chat", purge_deployments=True, deployments=[{"name": "green"}]), endpoint,
                   full_of(endpoint), no_resolve)
    assert plan.writes == []  # blue keeps serving, and is not purged, until green is READY and routed
    assert plan.pending == [dict(deployment_id="dep_Gr33nDeployment000000001", name="green", state="READY", then="route")]


def test_once_green_is_ready_the_split_moves_first_then_blue_is_retired(one):
    endpoint = with_green(one, "READY", 1)
    plan = plan_v2(request(name="chat", purge_deployments=True, deployments=[{"name": "green"}]), endpoint,
                   full_of(endpoint), no_resolve)
    assert [(write.method, write.what, write.body) for write in plan.writes] == [
        ("PATCH", "endpoint", {"trafficSplit": [{"deploymentId": "dep_Gr33nDeployment000000001", "weight": 1}]}),
        ("PATCH", "deployment", {"autoscaling": {"minReplicas": 0, "maxReplicas": 0}})]


@pytest.mark.parametrize("state", ["present", "started"])
def test_case_2_an_all_zero_split_on_a_running_endpoint_is_refused(ab, state):
    endpoint = normalized(ab)
    with pytest.raises(PlanError) as info:
        plan_v2(request(name="ab", state=state, deployments=[{"name": "blue", "traffic_weight": 0},
                                                             {"name": "green", "traffic_weight": 0}]),
                endpoint, full_of(endpoint), no_resolve)
    assert "every declared traffic_weight is 0" in str(info.value)


def test_an_all_zero_split_of_a_stopped_endpoint_with_state_stopped_is_kept(ab):
    endpoint = normalized(ab)
    plan = plan_v2(request(name="ab", state="stopped", deployments=[{"name": "blue", "traffic_weight": 0},
                                                                    {"name": "green", "traffic_weight": 0}]),
                   endpoint, full_of(endpoint), no_resolve)
    assert {write.what for write in plan.writes} == {"deployment"}


def test_stopping_the_only_serving_deployment_with_state_present_is_refused(one):
    endpoint = normalized(one)
    with pytest.raises(PlanError) as info:
        plan_v2(request(**blue(min_replicas=0, max_replicas=0)), endpoint, full_of(endpoint), no_resolve)
    assert "scale endpoint 'ep_CbJNwQC2ZqCU2iFT3mrCh' deployment 'blue' to 0/0" in str(info.value) or \
        "stop endpoint 'ep_CbJNwQC2ZqCU2iFT3mrCh' deployment 'blue'" in str(info.value)
    assert "use state=stopped" in str(info.value)


def test_visibility_and_rename_go_in_the_one_endpoint_patch(one):
    endpoint = normalized(one)
    plan = plan_v2(request(endpoint_id="ep_CbJNwQC2ZqCU2iFT3mrCh", name="chat-v2", visibility="internal"), endpoint,
                   full_of(endpoint), no_resolve)
    assert len(plan.writes) == 1
    assert plan.writes[0].mask == "name,visibility"
    assert plan.writes[0].body == {"name": "chat-v2", "visibility": "VISIBILITY_INTERNAL"}
    assert plan.after["name"] == "my-project/chat-v2"
    assert plan.after["visibility"] == "internal"


def test_absent_unroutes_and_stops_first_and_keeps_the_endpoint_until_stopped(one):
    endpoint = normalized(one)
    plan = plan_v2(request(name="chat", state="absent"), endpoint, full_of(endpoint), no_resolve)
    assert [(write.method, write.what, write.body) for write in plan.writes] == [
        ("PATCH", "endpoint", {"trafficSplit": []}),
        ("PATCH", "deployment", {"autoscaling": {"minReplicas": 0, "maxReplicas": 0}})]
    assert plan.pending == [dict(deployment_id="dep_CbzGdmn14t3HYrXXitmKa", name="blue", state="STOPPED", then="delete")]
    assert plan.after == {}
    assert plan.followups() == ["then, once deployment 'blue' is STOPPED: delete it",
                                "then, once its deployments are deleted: delete endpoint 'ep_CbJNwQC2ZqCU2iFT3mrCh'"]


def test_absent_deletes_stopped_deployments_then_the_endpoint(one):
    endpoint = normalized(with_blue_stopped(one))
    plan = plan_v2(request(name="chat", state="absent"), endpoint, full_of(endpoint), no_resolve)
    # A stopped deployment keeps its weight: it leaves the split before it is deleted.
    assert [(write.method, write.what) for write in plan.writes] == [
        ("PATCH", "endpoint"), ("DELETE", "deployment"), ("DELETE", "endpoint")]


def test_absent_of_a_missing_endpoint_writes_nothing():
    plan = plan_v2(request(name="chat", state="absent"), None, {}, no_resolve)
    assert plan.writes == [] and plan.before == {} and plan.after == {}


def test_the_view_names_deployments_by_their_bare_name(ab):
    endpoint = normalized(ab)
    view = endpoint_view(endpoint, full_of(endpoint))
    assert sorted(view["deployments"]) == ["blue", "green"]
    assert view["deployments"]["green"] == dict(name="green", model="devteam/Llama-3.1-8B-Instruct",
                                                config="cr_CbzGdmn14t3HYrXXitmKa", hardware="2xnvidia-h100-80gb",
                                                min_replicas=3, max_replicas=4, traffic_weight=50)


# -- v1 plans ---------------------------------------------------------------------------------------------------

V1_ID = "endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7"


@pytest.fixture
def v1_started(fixture_json):
    return fixture_json("endpoint_started.json")


def test_v1_scale_stop_and_rename_go_in_one_patch(v1_started):
    plan = plan_v1(request(endpoint_id=V1_ID, state="stopped", display_name="Renamed"), v1_started)
    assert len(plan.writes) == 1
    assert plan.writes[0].body == {"display_name": "Renamed", "state": "STOPPED"}
    assert plan.after["state"] == "STOPPED" and plan.before["state"] == "STARTED"


def test_v1_bounds(v1_started):
    plan = plan_v1(request(endpoint_id=V1_ID, min_replicas=3, max_replicas=6), v1_started)
    assert plan.writes[0].body == {"autoscaling": {"min_replicas": 3, "max_replicas": 6}}


def test_v1_no_change_writes_nothing(v1_started):
    bounds = v1_started["autoscaling"]
    plan = plan_v1(request(endpoint_id=V1_ID, state="started", min_replicas=bounds["min_replicas"]), v1_started)
    assert plan.writes == [] and plan.before == plan.after


@pytest.mark.parametrize("state", ["STOPPED", "STOPPING", "ERROR"])
def test_v1_start_of_a_stopped_endpoint_is_refused_before_any_write(v1_started, state):
    # Together answers a v1 start with 403; check mode used to report changed, then the real run was refused.
    v1_started["state"] = state
    with pytest.raises(PlanError) as info:
        plan_v1(request(endpoint_id=V1_ID, state="started"), v1_started)
    assert "is %s, and Together no longer starts v1 endpoints" % state in str(info.value)
    assert "nothing was sent" in str(info.value)


def test_v1_stop_shows_stopped_as_the_run_ends(v1_started):
    v1_started["state"] = "STOPPING"
    plan = plan_v1(request(endpoint_id=V1_ID, state="stopped"), v1_started)
    assert plan.writes == [] and plan.before["state"] == "STOPPED"


def test_v1_missing_endpoint_cannot_be_created():
    with pytest.raises(PlanError) as info:
        plan_v1(request(endpoint_id=V1_ID), None)
    assert "does not exist" in str(info.value) and "create a v2 endpoint instead" in str(info.value)


def test_v1_absent_deletes_or_does_nothing(v1_started):
    assert [write.method for write in plan_v1(request(endpoint_id=V1_ID, state="absent"), v1_started).writes] == ["DELETE"]
    assert plan_v1(request(endpoint_id=V1_ID, state="absent"), None).writes == []


def test_recreate_keeps_what_the_request_leaves_out(one):
    endpoint = normalized(with_blue_stopped(one))
    wanted = request(name="chat", deployment_name="blue", hardware="2xnvidia-h100-80gb", recreate=True)
    asked = []

    def resolve(deployment):
        asked.append((deployment.model, deployment.hardware))
        return ("projects/p/models/ml_x", CONFIG_H100, deployment.hardware)

    plan = plan_v2(wanted, endpoint, full_of(endpoint), resolve)
    # The model stays the one the deployment runs; only the hardware changes.
    assert asked == [("devteam/Llama-3.3-70B-Instruct-Turbo", "2xnvidia-h100-80gb")]
    assert plan.after["deployments"]["blue"]["hardware"] == "2xnvidia-h100-80gb"
    assert plan.after["deployments"]["blue"]["model"] == "devteam/Llama-3.3-70B-Instruct-Turbo"


def test_started_without_deployments_routes_what_it_starts_when_nothing_has_weight(one):
    # A split emptied (by a recreate while stopped, or by hand): started used to start blue and wait for ever
    # for an endpoint that could not serve.
    raw = with_blue_stopped(one)
    raw["trafficSplit"] = []
    endpoint = normalized(raw)
    first = plan_v2(request(name="chat", state="started"), endpoint, full_of(endpoint), no_resolve)
    assert [(write.what, write.body) for write in first.writes] == [
        ("deployment", {"autoscaling": {"minReplicas": 1, "maxReplicas": 1}})]
    assert first.pending == [dict(deployment_id="dep_CbzGdmn14t3HYrXXitmKa", name="blue", state="READY", then="route")]
    assert first.after["deployments"]["blue"]["traffic_weight"] == 1

    ready = copy.deepcopy(one)
    ready["trafficSplit"] = []
    endpoint = normalized(ready)
    second = plan_v2(request(name="chat", state="started"), endpoint, full_of(endpoint), no_resolve)
    assert [(write.what, write.body) for write in second.writes] == [
        ("endpoint", {"trafficSplit": [{"deploymentId": "dep_CbzGdmn14t3HYrXXitmKa", "weight": 1}]})]


def test_a_missing_deployment_without_model_names_the_deployments_there(ab):
    endpoint = normalized(ab)
    with pytest.raises(PlanError) as info:
        plan_v2(request(name="ab", deployments=[{"name": "blue"}, {"name": "main", "hardware": "1xnvidia-h100-80gb"}]),
                endpoint, full_of(endpoint), no_resolve)
    assert "deployment 'main' does not exist yet (the endpoint's deployments: blue, green): creating it needs model" \
        in str(info.value)


def test_action_lines_name_deployments_by_name_not_id(ab):
    endpoint = normalized(ab)
    plan = plan_v2(request(name="ab", deployments=[{"name": "blue", "traffic_weight": 3}, {"name": "green", "traffic_weight": 1}]),
                   endpoint, full_of(endpoint), no_resolve)
    assert plan.messages == ["update endpoint 'ep_Ab5050SplitDifferentRdy': traffic split [blue: 50, green: 50] -> "
                             "[blue: 3, green: 1]"]


def test_a_private_model_named_with_the_slug_matches_its_bare_readable_name(one):
    # The API names a private model bare (my-ft); the task says <project-slug>/my-ft, as the CLI takes it. A deploy used to
    # be followed by "model my-ft -> devteam/my-ft cannot change in place".
    raw = copy.deepcopy(one)
    private = "projects/%s/models/ml_MyFineTune0000000000001/revisions/rv_1" % PROJECT_ID
    summary(raw, "blue")["model"] = private
    endpoint, _warnings = normalize_endpoint(raw, PROJECT_ID)
    endpoint = add_model_names(endpoint, {private: "my-ft"})
    plan = plan_v2(request(**blue(model="devteam/my-ft")), endpoint, full_of(endpoint), no_resolve)
    assert plan.writes == []
    # A catalog model (another project's) that happens to have that bare name is another model.
    public = "projects/proj_together/models/ml_PublicMyFt00000000000001"
    summary(raw, "blue")["model"] = public
    other = add_model_names(normalize_endpoint(raw, PROJECT_ID)[0], {public: "my-ft"})
    with pytest.raises(PlanError) as info:
        plan_v2(request(**blue(model="devteam/my-ft")), other, full_of(other), no_resolve)
    assert "model my-ft -> devteam/my-ft cannot change in place" in str(info.value)
