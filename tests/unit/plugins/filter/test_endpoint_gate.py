# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The endpoint gate filters: exposed under their documented names, each answering with the gate's logic.

The logic itself (checks, entries, policy, wait plan, evaluation, wording) is tested beside its files in
tests/unit/plugins/plugin_utils/test_gate_*.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.together.ai.plugins.filter.endpoint_gate import FilterModule
from ansible_collections.together.ai.tests.unit.plugins.plugin_utils.gate_fixtures import (
    COLLECTION_ROOT,
    HEALTHY,
    MISSING_ID,
    STARTING,
)

FILTERS = FilterModule().filters()


def test_filters_are_exposed_under_their_documented_names():
    assert sorted(FilterModule().filters()) == ["endpoint_gate_evaluate", "endpoint_gate_md", "endpoint_gate_policy",
                                                "endpoint_gate_probe_plan", "endpoint_gate_report_dir",
                                                "endpoint_gate_wait_plan", "endpoint_gate_with_probes",
                                                "endpoint_gate_xml"]


def test_every_filter_has_its_documentation_file():
    for name in FilterModule().filters():
        assert os.path.isfile(os.path.join(COLLECTION_ROOT, "plugins", "filter", name + ".yml")), name


def test_evaluate_filter_takes_missing_and_notes_positionally_and_error_by_name():
    result = FILTERS["endpoint_gate_evaluate"]([STARTING], [{"endpoint_id": STARTING["id"]}, {"endpoint_id": MISSING_ID}],
                                               [MISSING_ID], ["timed out"])
    assert [(v["endpoint_id"], v["check"], v["actual"]) for v in result["violations"]] == [
        (STARTING["id"], "state", "STARTING"), (MISSING_ID, "exists", "not found (HTTP 404)")]
    assert result["report"][-2:] == ["While waiting:", "  - timed out"]

    errored = FILTERS["endpoint_gate_evaluate"](None, [{"endpoint_id": HEALTHY["id"]}], error="HTTP 401")
    assert errored["errored"] is True and errored["totals"]["errors"] == 1


def test_wait_plan_filter_plans_the_endpoints_not_there_yet():
    plan = FILTERS["endpoint_gate_wait_plan"]([HEALTHY, STARTING], [{"endpoint_id": HEALTHY["id"]},
                                                                    {"endpoint_id": STARTING["id"]}])
    assert [group["not_yet"] for group in plan] == [{STARTING["id"]: "STARTING"}]


def test_policy_filter_counts_the_entries_or_names_every_problem():
    assert FILTERS["endpoint_gate_policy"]([{"endpoint_id": HEALTHY["id"]}], {}, []) == 1
    with pytest.raises(AnsibleFilterError, match="nothing was read from the API"):
        FILTERS["endpoint_gate_policy"]([{"endpoint_id": HEALTHY["id"], "min_replicas": -1}])


def test_report_text_filters_escape_for_xml_and_markdown_and_resolve_the_folder():
    assert FILTERS["endpoint_gate_xml"]("a<b") == "a&lt;b"
    assert FILTERS["endpoint_gate_md"]("a|b\nc") == "a\\|b c"
    assert FILTERS["endpoint_gate_report_dir"]("/abs/reports") == "/abs/reports"
