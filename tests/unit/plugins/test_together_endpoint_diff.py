# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""together_endpoint's --diff as Ansible's callbacks show it. Controller code (ansible.plugins.callback), so here: ansible-test
runs the tests under modules/ and module_utils/ without it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible.plugins.callback import CallbackBase

from ansible_collections.together.ai.plugins.module_utils._endpoint_write import endpoint_view
from ansible_collections.together.ai.tests.unit.plugins.module_utils.test_endpoint_write import full_of, normalized


@pytest.fixture
def ab(fixture_json):
    """my-project/ab: blue 1/2 and green 3/4, both READY, weights 50/50."""
    return fixture_json("v2/endpoint_split_50_50.json")


@pytest.mark.parametrize("field", ["config", "hardware", "min_replicas", "max_replicas", "model", "traffic_weight"])
def test_every_diff_hunk_names_its_deployment(ab, field):
    # As Ansible's callbacks show --diff: JSON with sorted keys, a unified diff with three lines of context.
    endpoint = normalized(ab)
    before = endpoint_view(endpoint, full_of(endpoint))
    after = copy.deepcopy(before)
    after["deployments"]["green"][field] = "changed"
    shown = "".join(CallbackBase()._get_diff({"before": before, "after": after}))  # pylint: disable=protected-access
    hunks = shown.split("@@")[2::2]
    assert hunks and all('"green"' in hunk for hunk in hunks), shown
