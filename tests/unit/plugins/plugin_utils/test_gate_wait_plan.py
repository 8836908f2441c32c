# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The gate's wait plan: one wait per expected state, only for endpoints not there yet that can get there."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.together.ai.plugins.plugin_utils._gate_wait_plan import wait_plan
from ansible_collections.together.ai.tests.unit.plugins.plugin_utils.gate_fixtures import (
    ERRORED,
    HEALTHY,
    MISSING_ID,
    OVERSIZED,
    SERVING,
    STARTING,
    UNROUTED,
    endpoint,
    v2_with_deployment,
)


def test_wait_plan_groups_endpoints_by_expected_state():
    stopping = endpoint("oversized", state="STOPPING")
    checks = [
        {"endpoint_id": HEALTHY["id"]},
        {"endpoint_id": STARTING["id"], "state": "STARTED"},
        {"endpoint_id": stopping["id"], "state": "STOPPED"},
    ]

    plan = wait_plan([HEALTHY, STARTING, stopping], checks)

    assert plan == [
        {"state": "STARTED", "wait_for_routing": True, "endpoint_ids": [HEALTHY["id"], STARTING["id"]],
         "not_yet": {STARTING["id"]: "STARTING"}},
        {"state": "STOPPED", "wait_for_routing": True, "endpoint_ids": [stopping["id"]],
         "not_yet": {stopping["id"]: "STOPPING"}},
    ]


def test_wait_plan_is_empty_when_every_endpoint_is_already_there():
    assert wait_plan([HEALTHY, OVERSIZED], [{"endpoint_id": HEALTHY["id"]},
                                            {"endpoint_id": OVERSIZED["id"]}]) == []


def test_wait_plan_leaves_out_missing_and_failed_endpoints_and_unchecked_states():
    checks = [
        {"endpoint_id": MISSING_ID},
        {"endpoint_id": ERRORED["id"]},
        {"endpoint_id": STARTING["id"], "state": None},
    ]

    assert wait_plan([ERRORED, STARTING], checks) == []


def test_wait_plan_waits_for_error_when_error_is_expected():
    starting = endpoint("errored", state="STARTING")

    plan = wait_plan([starting], [{"endpoint_id": starting["id"], "state": "ERROR"}])

    assert plan == [{"state": "ERROR", "wait_for_routing": True, "endpoint_ids": [starting["id"]],
                     "not_yet": {starting["id"]: "STARTING"}}]


def test_wait_plan_rejects_bad_entries_before_any_wait():
    with pytest.raises(AnsibleFilterError, match="unknown key replicas; did you mean min_replicas"):
        wait_plan([HEALTHY], [{"endpoint_id": HEALTHY["id"], "replicas": 2}])


def test_wait_plan_waits_for_a_provisioning_v2_endpoint_with_its_deployment_state():
    provisioning = v2_with_deployment("one_deployment", state="DEPLOYMENT_STATE_PROVISIONING", readyReplicas=0)

    plan = wait_plan([HEALTHY, provisioning], [{"endpoint_id": HEALTHY["id"]},
                                               {"endpoint_id": provisioning["id"]}])

    assert plan == [{"state": "STARTED", "wait_for_routing": True, "endpoint_ids": [HEALTHY["id"], provisioning["id"]],
                     "not_yet": {provisioning["id"]: "PENDING (deployment 'blue' (dep_CbzGdmn14t3HYrXXitmKa) PROVISIONING)"}}]


def test_wait_plan_waits_for_a_v2_endpoint_expected_to_serve_until_it_serves():
    """The module's wait for STARTED on a v2 endpoint ends when it serves; the plan must not call it there before."""
    plan = wait_plan([UNROUTED], [{"endpoint_id": UNROUTED["id"]}])

    assert plan == [{"state": "STARTED", "wait_for_routing": True, "endpoint_ids": [UNROUTED["id"]],
                     "not_yet": {UNROUTED["id"]: "STARTED (deployment 'main' (dep_ReadyNoWeight000000001) READY but not serving: "
                                                 "no traffic weight on a deployment with ready replicas)"}}]


def test_wait_plan_waits_for_a_scaling_v2_endpoint_until_it_is_ready():
    scaling = v2_with_deployment("one_deployment", state="DEPLOYMENT_STATE_SCALING", readyReplicas=1)

    plan = wait_plan([scaling], [{"endpoint_id": scaling["id"]}])

    assert plan[0]["not_yet"] == {scaling["id"]: "STARTED (deployment 'blue' (dep_CbzGdmn14t3HYrXXitmKa) SCALING)"}


@pytest.mark.parametrize("serving", [False, None])
def test_wait_plan_does_not_wait_for_routing_of_v2_endpoints_not_expected_to_serve(serving):
    provisioning = v2_with_deployment("one_deployment", "ep_Provisioning", state="DEPLOYMENT_STATE_PROVISIONING",
                                      readyReplicas=0)
    checks = [{"endpoint_id": SERVING["id"]}, {"endpoint_id": UNROUTED["id"], "serving": serving},
              {"endpoint_id": provisioning["id"], "serving": serving}]

    plan = wait_plan([SERVING, UNROUTED, provisioning], checks)

    # SERVING is there and alone in its group: no wait for it. UNROUTED is READY, which is all that is asked.
    assert plan == [{"state": "STARTED", "wait_for_routing": False, "endpoint_ids": [UNROUTED["id"], provisioning["id"]],
                     "not_yet": {provisioning["id"]: "PENDING (deployment 'blue' (dep_CbzGdmn14t3HYrXXitmKa) PROVISIONING)"}}]


def test_wait_plan_leaves_out_v2_endpoints_whose_deployment_failed():
    failed = v2_with_deployment("one_deployment", state="DEPLOYMENT_STATE_FAILED", readyReplicas=0)

    assert wait_plan([failed], [{"endpoint_id": failed["id"]}]) == []


def test_wait_plan_leaves_out_a_stopped_endpoint_expected_started_it_will_not_start_by_itself():
    stopped = endpoint("healthy", state="STOPPED")

    plan = wait_plan([stopped, STARTING], [{"endpoint_id": stopped["id"]},
                                           {"endpoint_id": STARTING["id"], "state": "STARTED"}])

    assert [group["endpoint_ids"] for group in plan] == [[STARTING["id"]]]
