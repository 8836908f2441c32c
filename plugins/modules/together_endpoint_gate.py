#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# The documentation of an action plugin (plugins/action/together_endpoint_gate.py): it runs on the controller only.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: together_endpoint_gate
short_description: Evaluate an endpoint gate's checks against Together AI dedicated endpoints (the endpoint_gate role's engine)
version_added: 1.1.0
description:
  - The engine of the R(together.ai.endpoint_gate role,ansible_collections.together.ai.endpoint_gate_role), in one
    task - the policy check, the look-up of endpoints named by name, one read of every gated endpoint, the waits for
    those not yet in their expected state (with progress lines), the probes of those whose checks ask for an answer,
    and the evaluation of every check, without stopping at the first violation. Use the role (or the
    C(together.ai.gate_endpoints) playbook), which adds the reports, C(set_stats) and the failure.
  - The policy (O(checks), O(settings), O(variables)) is checked before any request; every mistake is named at once,
    with its path and a did-you-mean, and nothing is read.
  - Reads go through M(together.ai.together_endpoint_info), probes through M(together.ai.together_endpoint_probe),
    with this task's connection options.
  - Never fails on what it finds. The verdict is RV(passed), and the role fails the play.
author:
  - together.ai collection maintainers (@together-ai-ansible)
extends_documentation_fragment:
  - together.ai.connection
  - together.ai._attributes
  - together.ai._attributes.actiongroup_together
attributes:
  check_mode:
    support: full
    details:
      - Reads and waits as in a real run; sends no probe (each is a billed request), so answer checks are skipped.
  diff_mode:
    support: N/A
    details:
      - This module does not change anything.
options:
  checks:
    description:
      - The gate's entries, as the role's C(endpoint_gate_checks) (its argument spec documents every key).
      - Checked by the gate's own policy check, not by Ansible, so that every mistake is reported at once.
    type: raw
    required: true
  settings:
    description:
      - The role's settings by their variable names, as written (C(endpoint_gate_wait_timeout),
        C(endpoint_gate_wait_poll), C(endpoint_gate_probe_count), C(endpoint_gate_concurrency),
        C(endpoint_gate_inference_base_url), C(endpoint_gate_report_dir), C(endpoint_gate_report_name)); a setting
        not given takes the role's default.
    type: dict
    default: {}
  variables:
    description:
      - The names of the C(endpoint_gate_*) variables that are set, so that a misspelt one is reported.
    type: list
    elements: str
    default: []
  project_id:
    description:
      - The project of the v2 endpoints (C(proj_...)). If not set, E(TOGETHER_PROJECT_ID) is used, else the key's own.
    type: str
notes:
  - Runs on the controller (an action plugin); the progress of a wait is printed as it goes, without C(async).
seealso:
  - module: together.ai.together_endpoint_info
  - module: together.ai.together_endpoint_probe
"""

EXAMPLES = r"""
- name: Gate two endpoints without the role (the role adds reports, set_stats and the failure)
  together.ai.together_endpoint_gate:
    checks:
      - endpoint_id: endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7
        state: STARTED
        min_replicas_at_least: 1
      - name: chat
        state: STARTED
        serving: true
    settings:
      endpoint_gate_wait_timeout: 600
  register: gate

- name: Fail when anything is violated
  ansible.builtin.assert:
    that: gate.passed
    fail_msg: "{{ gate.report | join('\n') }}"
"""

RETURN = r"""
passed:
  description: Whether every check of every entry passed (V(false) on a policy mistake or a read error).
  returned: always
  type: bool
  sample: false
errored:
  description: Whether the API could not be read, so that no check could be evaluated.
  returned: always
  type: bool
  sample: false
report:
  description: The report, one line each; the first is the verdict.
  returned: always
  type: list
  elements: str
  sample:
    - "Endpoint gate FAILED: 1 violation in 1 of 2 endpoints."
    - "FAIL endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7 (STARTED, replicas 0-1)"
    - "  - min_replicas_at_least: expected >= 1, actual 0"
failure:
  description: The lines the role's failure prints (the verdict and each violation).
  returned: always
  type: list
  elements: str
results:
  description: Per entry (by endpoint id, or name), C(passed), C(checks) (each with C(check), C(status), C(expected),
    C(actual), C(message)) and C(violations).
  returned: always
  type: dict
violations:
  description: Every violation, with C(endpoint_id), C(check) and C(message).
  returned: always
  type: list
  elements: dict
totals:
  description: Counts of endpoints, failed endpoints, checks, failed, errored and skipped checks.
  returned: always
  type: dict
notes:
  description: What a wait or a read said that is not a violation (a wait that timed out, for example).
  returned: always
  type: list
  elements: str
endpoints:
  description: The gated endpoints as last read (with C(probe) where probed), by id.
  returned: always
  type: dict
markdown:
  description: The Markdown report (the role writes it to C(endpoint_gate_report_dir) and the CI step summary).
  returned: always
  type: str
junit:
  description: The JUnit XML report.
  returned: always
  type: str
stats:
  description:
    - What the role publishes with C(set_stats) as C(endpoint_gate) (it adds C(reports), the report paths) -
      C(passed), C(summary) (the verdict line), C(violations) (each entry with the names of its failed checks)
      and C(markdown) (the Markdown report, cut at 20000 characters with a note). It holds no secret.
  returned: always
  type: dict
ansible_facts:
  description: C(together_endpoints) (the gated endpoints) and C(endpoint_gate_results) (RV(results)).
  returned: always
  type: dict
"""
