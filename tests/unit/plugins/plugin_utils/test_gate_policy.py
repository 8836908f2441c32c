# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The gate policy checked before any request: entries, settings and variable names, every problem at once."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.together.ai.plugins.module_utils._parallel import MAX_PARALLEL_REQUESTS
from ansible_collections.together.ai.plugins.plugin_utils._gate_policy import ROLE_VARIABLES, check_policy, unknown_variables
from ansible_collections.together.ai.tests.unit.plugins.plugin_utils.gate_fixtures import EP

WHERE = "endpoint_gate_checks[0] (endpoint %s)" % EP


def problems(checks, settings=None, names=None):
    with pytest.raises(AnsibleFilterError) as info:
        check_policy(checks, settings or {}, names or [])
    message = str(info.value.message)
    assert message.startswith("The endpoint gate policy is wrong; nothing was read from the API:\n  - ")
    return message.split("\n  - ")[1:]


@pytest.mark.parametrize("entry, expected", [
    ({"min_replicas_at_least": 4, "min_replicas_at_most": 2},
     "%s: min_replicas_at_least 4 is above min_replicas_at_most 2; no endpoint can pass both, so lower "
     "min_replicas_at_least or raise min_replicas_at_most" % WHERE),
    ({"min_replicas_at_least": 5, "max_replicas_at_most": 3},
     "%s: min_replicas_at_least 5 is above max_replicas_at_most 3; no endpoint can pass both, so lower "
     "min_replicas_at_least or raise max_replicas_at_most" % WHERE),
    ({"max_replicas_at_least": 9, "max_replicas": 8},
     "%s: max_replicas_at_least 9 is above max_replicas 8; no endpoint can pass both, so lower "
     "max_replicas_at_least or raise max_replicas" % WHERE),
    ({"min_replicas": -1}, "%s: min_replicas must be 0 or more, got -1" % WHERE),
    ({"max_replicas_at_most": "-2"}, "%s: max_replicas_at_most must be 0 or more, got -2" % WHERE),
    ({"model": ""}, "%s: model must not be empty; leave it out (or null) to leave it unchecked" % WHERE),
    ({"hardware": "  "}, "%s: hardware must not be empty; leave it out (or null) to leave it unchecked" % WHERE),
    ({"state": "RUNNING"}, "%s: state must be one of PENDING, STARTING, STARTED, STOPPING, STOPPED, ERROR, or null "
                           "to leave it unchecked, got 'RUNNING'" % WHERE),
])
def test_impossible_negative_or_empty_values_name_the_entry_the_key_and_what_is_allowed(entry, expected):
    assert problems([dict(entry, endpoint_id=EP)]) == [expected]


def test_deployment_checks_are_checked_too():
    checks = [{"endpoint_id": "ep_1", "deployments": [{"name": "blue", "traffic_weight_at_least": -0.5,
                                                       "model": ""}]}]
    assert problems(checks) == [
        "endpoint_gate_checks[0].deployments[0] (endpoint ep_1, deployment blue): traffic_weight_at_least must be "
        "0 or more, got -0.5",
        "endpoint_gate_checks[0].deployments[0] (endpoint ep_1, deployment blue): model must not be empty; leave "
        "it out (or null) to leave it unchecked",
    ]


def test_a_typo_in_a_role_variable_is_named_with_a_suggestion():
    found = problems([{"endpoint_id": EP}], names=["endpoint_gate_checks", "endpoint_gate_wait_timout",
                                                   "endpoint_gate__read", "endpoint_gate_results"])
    assert found[0] == "unknown variable endpoint_gate_wait_timout; did you mean endpoint_gate_wait_timeout?"
    assert len(found) == 1
    assert problems([{"endpoint_id": EP}], names=["endpoint_gate_qqqqqqqqqqqqqqqqqqqqqq"]) == [
        "unknown variable endpoint_gate_qqqqqqqqqqqqqqqqqqqqqq; the endpoint_gate role's variables are " + ", ".join(ROLE_VARIABLES)]


def test_the_role_s_own_and_published_variables_are_known():
    assert unknown_variables(["endpoint_gate_checks", "endpoint_gate__waits", "endpoint_gate_results",
                              "other_variable"]) == []


@pytest.mark.parametrize("settings, expected", [
    ({"endpoint_gate_wait_timeout": -5}, "endpoint_gate_wait_timeout must be 0 (do not wait) or more seconds, got -5"),
    ({"endpoint_gate_wait_timeout": "soon"},
     "endpoint_gate_wait_timeout must be 0 (do not wait) or more seconds, got 'soon'"),
    ({"endpoint_gate_wait_poll": 0}, "endpoint_gate_wait_poll must be more than 0 seconds, got 0"),
    ({"endpoint_gate_report_name": ""}, "endpoint_gate_report_name must be a file name without a folder (the report "
                                        "files are <name>.xml and <name>.md in endpoint_gate_report_dir), got ''"),
])
def test_bad_settings_are_named(settings, expected):
    assert problems([{"endpoint_id": EP}], settings) == [expected]


def test_every_problem_is_listed_at_once():
    found = problems([{"endpoint_id": EP, "min_replicas": -1, "model": ""}], {"endpoint_gate_wait_poll": -1},
                     ["endpoint_gate_repot_dir"])
    assert len(found) == 4


def test_state_null_leaves_the_state_unchecked_and_passes_the_policy():
    assert check_policy([{"endpoint_id": EP, "state": None}], {}, []) == 1


def test_a_sound_policy_passes():
    checks = [{"endpoint_id": EP, "min_replicas_at_least": 2, "min_replicas_at_most": 2, "max_replicas_at_most": 8,
               "model": "m"}]
    assert check_policy(checks, {"endpoint_gate_wait_timeout": "0", "endpoint_gate_wait_poll": 10,
                                 "endpoint_gate_report_name": "gate"}, ["endpoint_gate_checks"]) == 1


def test_problems_of_every_entry_are_listed_together():
    found = problems([{"endpoint_id": EP, "min_replicas_at_least": 4, "min_replicas_at_most": 2},
                      {"endpoint_id": "ep_2", "max_replicas_at_most": -1}])
    assert [line.split(":")[0] for line in found] == ["endpoint_gate_checks[0] (endpoint %s)" % EP,
                                                      "endpoint_gate_checks[1] (endpoint ep_2)"]


@pytest.mark.parametrize("value", [0, "0", 65, "100", 2.5, "many", True, None])
def test_endpoint_gate_concurrency_must_be_1_to_64(value):
    assert problems([{"endpoint_id": EP}], {"endpoint_gate_concurrency": value}) == [
        "endpoint_gate_concurrency must be a whole number of reads at a time from 1 to 64 (the module's concurrency), "
        "got %r" % (value,)]


@pytest.mark.parametrize("value", [1, "16", 16, 64, "64"])
def test_endpoint_gate_concurrency_within_1_to_64_passes(value):
    assert check_policy([{"endpoint_id": EP}], {"endpoint_gate_concurrency": value}, ["endpoint_gate_concurrency"]) == 1


def test_endpoint_gate_concurrency_is_a_role_variable_with_the_modules_default():
    role = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "roles", "endpoint_gate")
    with open(os.path.join(role, "defaults", "main.yml"), encoding="utf-8") as handle:
        defaults = yaml.safe_load(handle)
    with open(os.path.join(role, "meta", "argument_specs.yml"), encoding="utf-8") as handle:
        options = yaml.safe_load(handle)["argument_specs"]["main"]["options"]
    assert "endpoint_gate_concurrency" in ROLE_VARIABLES
    assert defaults["endpoint_gate_concurrency"] == options["endpoint_gate_concurrency"]["default"] == MAX_PARALLEL_REQUESTS
    assert options["endpoint_gate_concurrency"]["type"] == "int"
