# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This plugin_utils is internal to together.ai: its API may change without notice. Do not import it.

"""Which endpoints the gate waits for, grouped into one together_endpoint_info wait per expected state."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# The readiness rule the module's wait uses, so the gate plans exactly the waits the module will do.
from ansible_collections.together.ai.plugins.module_utils._readiness import progress
from ansible_collections.together.ai.plugins.plugin_utils._gate_checks import is_v2
from ansible_collections.together.ai.plugins.plugin_utils._gate_entries import endpoints_by_id, gate_entries


def wait_plan(endpoints, checks, names=None):
    """Which endpoints to wait for, grouped by the state expected of them.

    A group is only planned when one of its endpoints is not there yet, as the module's wait judges it:
    for a v2 endpoint, STARTED means its primary deployment is READY and, when the gate expects it to
    serve, that it serves. v2 endpoints expected STARTED but not expected to serve are waited for in a
    group of their own, without routing. Endpoints that do not exist, or sit in ERROR/FAILED (which they
    do not leave by themselves), are left out: waiting on them would stop the module's wait at once for
    the whole group.
    """
    current = endpoints_by_id(endpoints)
    groups = []
    for entry in gate_entries(checks, names):
        endpoint = current.get(entry.endpoint_id) if entry.endpoint_id else None
        wanted = dict((check.name, expected) for check, expected in entry.expectations(endpoint))
        expected_state = wanted.get("state")
        if expected_state is None or endpoint is None:
            continue
        # The module ignores wait_for_routing for v1 endpoints.
        routing = not is_v2(endpoint) or wanted.get("serving") is True
        where = progress(endpoint, expected_state, routing)
        if where.failure or where.dead_end:
            # It will not get there by itself: the evaluation reports it now rather than after a wait.
            continue
        group = next((g for g in groups if g["state"] == expected_state and g["wait_for_routing"] == routing), None)
        if group is None:
            group = {"state": expected_state, "wait_for_routing": routing, "endpoint_ids": [], "not_yet": {}}
            groups.append(group)
        # The whole group is waited for together, so its endpoints are read at the same moment at the end.
        group["endpoint_ids"].append(entry.endpoint_id)
        if not where.done:
            group["not_yet"][entry.endpoint_id] = (
                "%s (%s)" % (endpoint.get("state"), where.detail) if is_v2(endpoint) else endpoint.get("state"))
    return [group for group in groups if group["not_yet"]]
