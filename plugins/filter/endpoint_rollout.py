# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters behind the together.ai.endpoint_rollout role: the policy, the plan, the split of a step, the judgement.

The documentation of each filter is in the YAML file named after it, beside this file. The logic is in
plugins/plugin_utils/_rollout.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.together.ai.plugins.plugin_utils import _rollout


def endpoint_rollout_policy(settings, variable_names=None):
    """Every problem of the rollout policy (a list of {path, message}; empty when none), before any request."""
    return _rollout.policy_problems(settings, variable_names)


def endpoint_rollout_plan(endpoint, deployment_name, steps, retire="stop"):
    """Where the rollout starts: the new deployment, the previous split, the steps still to run, what to retire."""
    return _rollout.plan(endpoint, deployment_name, steps, retire)


def endpoint_rollout_split(previous, new_name, share=None, restore=False):
    """The deployments of a step for together_endpoint: the new one at share %, the others the rest in proportion.

    With restore=true, the split before the rollout (the previous weights, the new deployment at 0).
    """
    if restore:
        return _rollout.restore(previous, new_name)
    if share is None:
        raise AnsibleFilterError("endpoint_rollout_split needs the share of the new deployment (or restore=true)")
    return _rollout.split(previous, new_name, share)


def endpoint_rollout_judge(new_probes, previous_probes, share, analysis=None, count=None):
    """Judge one step from the pinned probes of the new deployment and of the previous ones."""
    return _rollout.judge(share, new_probes, previous_probes, analysis, count)


def endpoint_rollout_outcome(results, endpoint, deployment_name, rolled_back=False, error=None, already_done=False,
                             retired=None, resumed_at_full=False, moved=True):
    """The outcome of the rollout, its report lines and its JUnit test cases."""
    return _rollout.outcome(endpoint, deployment_name, results, rolled_back=rolled_back, error=error or None,
                            already_done=already_done, retired=retired or None, resumed_at_full=resumed_at_full,
                            moved=moved)


class FilterModule:
    """The together.ai endpoint rollout filters."""

    def filters(self):
        return {
            "endpoint_rollout_policy": endpoint_rollout_policy,
            "endpoint_rollout_plan": endpoint_rollout_plan,
            "endpoint_rollout_split": endpoint_rollout_split,
            "endpoint_rollout_judge": endpoint_rollout_judge,
            "endpoint_rollout_outcome": endpoint_rollout_outcome,
        }
