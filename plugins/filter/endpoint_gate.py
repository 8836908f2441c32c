# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The endpoint gate's building blocks as filters, for a gate of your own: check the policy, plan the waits and probes,
evaluate, escape report text. The role itself runs them in one task (together_endpoint_gate, plugin_utils/_gate_run.py).

The documentation of each filter is in the YAML file named after it, beside this file. The gate's logic is in
plugins/plugin_utils/_gate_*.py: the check table (_gate_checks), entry validation (_gate_entries), the policy
(_gate_policy), names (_gate_names), wait planning (_gate_wait_plan), probes (_gate_probes), evaluation (_gate_evaluation), report wording (_gate_wording)
and report files (_gate_report_files).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.together.ai.plugins.plugin_utils._gate_evaluation import evaluate
from ansible_collections.together.ai.plugins.plugin_utils._gate_policy import check_policy, policy_problems
from ansible_collections.together.ai.plugins.plugin_utils._gate_probes import probe_plan, with_probes
from ansible_collections.together.ai.plugins.plugin_utils._gate_report_files import markdown_cell, report_path, xml_text
from ansible_collections.together.ai.plugins.plugin_utils._gate_wait_plan import wait_plan


def endpoint_gate_evaluate(endpoints, checks, missing=None, notes=None, error=None, names=None, policy=None):
    """Evaluate every check of every gated endpoint, without stopping at the first violation."""
    return evaluate(endpoints, checks, missing, notes, error, names=names, policy=policy)


def endpoint_gate_wait_plan(endpoints, checks, names=None):
    """Which endpoints to wait for, grouped by the state expected of them."""
    return wait_plan(endpoints, checks, names)


def endpoint_gate_probe_plan(checks, names=None):
    """The endpoint ids whose entries ask for an answer check (each probe is a billed request)."""
    return probe_plan(checks, names)


def endpoint_gate_with_probes(endpoints, probed, probe_ids):
    """The endpoints, each probed one with its together_endpoint_probe result as "probe"."""
    return with_probes(endpoints, probed, probe_ids)


def endpoint_gate_policy(checks, settings=None, variable_names=None, collect=False):
    """Check the whole gate policy before any request; return the number of entries, or fail naming every problem.

    With collect=true, return the problems instead (a list of {path, where, message}; empty when none).
    """
    if collect:
        return policy_problems(checks, settings, variable_names)
    return check_policy(checks, settings, variable_names)


def endpoint_gate_xml(value):
    """Text for the JUnit report: XML-escaped, characters XML forbids replaced."""
    return xml_text(value)


def endpoint_gate_md(value):
    """Text for one Markdown table cell: one line, pipes escaped."""
    return markdown_cell(value)


def endpoint_gate_report_dir(directory):
    """The report folder; a relative one is relative to the directory ansible-playbook was started in."""
    return report_path(directory)


class FilterModule:
    """The together.ai endpoint gate filters."""

    def filters(self):
        return {
            "endpoint_gate_evaluate": endpoint_gate_evaluate,
            "endpoint_gate_wait_plan": endpoint_gate_wait_plan,
            "endpoint_gate_policy": endpoint_gate_policy,
            "endpoint_gate_probe_plan": endpoint_gate_probe_plan,
            "endpoint_gate_with_probes": endpoint_gate_with_probes,
            "endpoint_gate_xml": endpoint_gate_xml,
            "endpoint_gate_md": endpoint_gate_md,
            "endpoint_gate_report_dir": endpoint_gate_report_dir,
        }
