# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This plugin_utils is internal to together.ai: its API may change without notice. Do not import it.

"""One run of the endpoint gate, in the order the role used to run it as tasks (together_endpoint_gate's action).

policy -> look up names (v2 list, then v1) -> one read of every gated id -> one wait per expected state, each with
what is left of the gate's deadline -> one probe call -> evaluation. The requests go through the collection's
modules, run by the caller (`info(args)`: together_endpoint_info through its action plugin, so a wait prints its
progress; `probe(args)`: together_endpoint_probe); nothing here talks to the network. As tasks, each step cost
an Ansible task (a worker process and templating of the whole outcome): one action runs them all.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.together.ai.plugins.plugin_utils._gate_entries import gate_entries
from ansible_collections.together.ai.plugins.plugin_utils._gate_evaluation import evaluate
from ansible_collections.together.ai.plugins.plugin_utils._gate_names import names_to_resolve, resolve_names
from ansible_collections.together.ai.plugins.plugin_utils._gate_policy import policy_problems
from ansible_collections.together.ai.plugins.plugin_utils._gate_probes import probe_plan, with_probes
from ansible_collections.together.ai.plugins.plugin_utils._gate_wait_plan import wait_plan

# The role's defaults (roles/endpoint_gate/defaults/main.yml), for a setting the caller does not give.
DEFAULTS = {
    "endpoint_gate_wait_timeout": 0,
    "endpoint_gate_wait_poll": 10,
    "endpoint_gate_probe_count": 3,
    "endpoint_gate_concurrency": 16,
    "endpoint_gate_report_dir": "",
    "endpoint_gate_report_name": "endpoint-gate",
    "endpoint_gate_inference_base_url": None,
}
# A wait sleeps at most this long between two polls, whatever the progress interval.
MAX_WAIT_SLEEP = 5.0
NO_KEY = "no API key: set endpoint_gate_api_key (a vaulted variable) or the TOGETHER_API_KEY environment variable"


def settings_with_defaults(settings):
    merged = dict(DEFAULTS)
    merged.update((key, value) for key, value in (settings or {}).items() if value is not None or key not in merged)
    return merged


def wait_label(group, wait_timeout):
    """What one wait is for, as the role's wait task labelled it: the state, and each endpoint not there yet."""
    return "%s%s, up to %s s in all: %s" % (
        group["state"], "" if group["wait_for_routing"] else " (v2: READY, routed or not)", _number(wait_timeout),
        ", ".join("%s is now %s" % item for item in group["not_yet"].items()))


def _number(value):
    return int(value) if float(value) == int(float(value)) else value


class GateRun:
    """The gate's steps over callables that run the modules; run() returns the evaluation."""

    def __init__(self, info, probe, say=None, clock=time.time):
        self.info = info
        self.probe = probe
        self.say = say or (lambda line: None)
        self.clock = clock

    def run(self, checks, settings=None, variable_names=None, connection=None):
        settings = settings_with_defaults(settings)
        policy = policy_problems(checks, settings, variable_names)
        if policy:
            return evaluate([], checks, policy=policy)
        connection = dict(connection or {})
        wait_timeout = float(settings["endpoint_gate_wait_timeout"] or 0)
        deadline = self.clock() + wait_timeout
        concurrency = int(settings["endpoint_gate_concurrency"])
        cost_asked = any(isinstance(check, dict) and check.get("max_hourly_cost_at_most") is not None for check in checks)

        names = {}
        if names_to_resolve(checks):
            listed = []
            for version in ("v2", "v1"):
                args = dict(connection, api_version=version)
                if version == "v1":
                    args["type"] = "dedicated"
                listed.append(dict(self.info(args), item=version))
            names = resolve_names({"results": listed}, checks)

        ids = [entry.endpoint_id for entry in gate_entries(checks, names) if entry.endpoint_id]
        read = {}
        if ids:
            read = self.info(dict(connection, endpoint_ids=ids, concurrency=concurrency, include_cost=cost_asked))

        waited = []
        if wait_timeout > 0 and read.get("endpoints") is not None:
            poll = float(settings["endpoint_gate_wait_poll"])
            for group in wait_plan(read["endpoints"], checks, names):
                self.say("waiting for %s" % wait_label(group, wait_timeout))
                waited.append(self.info(dict(
                    connection, endpoint_ids=group["endpoint_ids"], wait_for_state=group["state"],
                    wait_for_routing=group["wait_for_routing"], wait_timeout=max(deadline - self.clock(), 0),
                    wait_sleep=min(poll, MAX_WAIT_SLEEP), wait_progress_interval=poll, concurrency=concurrency,
                    include_cost=cost_asked)))

        probe_ids = probe_plan(checks, names)
        probed = {}
        if read.get("endpoints") is not None and probe_ids:
            args = dict(connection, endpoint_ids=probe_ids, count=int(settings["endpoint_gate_probe_count"]))
            if settings.get("endpoint_gate_inference_base_url"):
                args["inference_base_url"] = settings["endpoint_gate_inference_base_url"]
            probed = self.probe(args)

        endpoints = list(read.get("endpoints") or [])
        for result in waited:
            endpoints.extend(result.get("endpoints") or [])
        return evaluate(with_probes(endpoints, probed, probe_ids), checks, read.get("missing") or [],
                        [result.get("msg") or "" for result in waited], error=self._read_error(ids, read),
                        names=names)

    @staticmethod
    def _read_error(ids, read):
        """Why the endpoints could not be read ('' when they were, or when there was nothing to read)."""
        if not ids or read.get("endpoints") is not None:
            return ""
        if read.get("error_code") == "no_api_key":
            return NO_KEY
        return read.get("msg") or "no answer from the module"


# The Markdown report in set_stats is cut here: a fleet's report would bloat the workflow's extra variables.
STATS_MARKDOWN_MAX = 20000


def workflow_stats(outcome, markdown, limit=STATS_MARKDOWN_MAX):
    """What the role publishes with set_stats (less the report paths): small, and free of secrets."""
    if len(markdown) > limit:
        markdown = markdown[:limit] + "\n\n... (cut at %d characters: the report file holds all of it)\n" % limit
    return {
        "passed": outcome["passed"],
        "summary": outcome["report"][0],
        "violations": dict((key, [violation["check"] for violation in result.get("violations") or []])
                           for key, result in outcome["results"].items()),
        "markdown": markdown,
    }
