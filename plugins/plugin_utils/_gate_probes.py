# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This plugin_utils is internal to together.ai: its API may change without notice. Do not import it.

"""The endpoint gate's probes: which endpoints to probe, and their answers joined to the endpoints as read.

Only entries that ask for an answer check (answers, answer_latency_ms_at_most, answered_by_deployment) are
probed, each probe being a billed request. The role probes them with one together_endpoint_probe call after
the waits (concurrently across endpoints); the answer of each is added to its endpoint as "probe", where the
check rows read it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.collections import is_sequence

from ansible_collections.together.ai.plugins.plugin_utils._gate_checks import PROBE_CHECKS
from ansible_collections.together.ai.plugins.plugin_utils._gate_entries import gate_entries


def probe_plan(checks, names=None):
    """The endpoint ids whose entries ask for an answer check, in the order given (names: see gate_entries)."""
    return [entry.endpoint_id for entry in gate_entries(checks, names)
            if entry.endpoint_id and any(entry.wanted.get(name) is not None for name in PROBE_CHECKS)]


def _failed_probe(message):
    return dict(probed=False, answered=False, error=dict(message=message, type=None, code=None, detail=message),
                latency_ms_median=None, latency_ms_p95=None, probes=[])


def with_probes(endpoints, probed, probe_ids):
    """The endpoints, each probed one with its together_endpoint_probe result added as "probe".

    probed: the registered result of the probe task (skipped when nothing was probed; failed, with the results
    found so far, when a host could not be reached). An endpoint the task gave no result for gets a probe that
    did not answer, naming the task's failure.
    """
    if endpoints is None:
        return []
    if not is_sequence(endpoints):
        raise AnsibleFilterError("endpoints must be a list of endpoint dicts, got %r" % (endpoints,))
    if not isinstance(probed, dict) or probed.get("skipped") or not probe_ids:
        return list(endpoints)
    by_id = {}
    for result in probed.get("probe_results") or []:
        if isinstance(result, dict) and result.get("endpoint_id") is not None:
            by_id[result["endpoint_id"]] = result
    failure = str(probed.get("msg") or "the probe task gave no result") if probed.get("failed") else \
        "the probe task gave no result for this endpoint"
    wanted = set(probe_ids)
    joined = []
    for endpoint in endpoints:
        if isinstance(endpoint, dict) and endpoint.get("id") in wanted:
            endpoint = dict(endpoint, probe=by_id.get(endpoint["id"]) or _failed_probe(failure))
        joined.append(endpoint)
    return joined
