# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Endpoints the gate's unit tests evaluate, and the helpers that read their outcome; defined once for every gate test."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os

from ansible_collections.together.ai.plugins.module_utils._v2_normalize import normalize_endpoint

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTION_ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
# A v1 endpoint id used where any id does.
EP = "endpoint-11111111-1111-4111-8111-111111111111"

# v1 endpoints as together_endpoint_info returns them.
with open(os.path.join(HERE, "fixtures", "gate_endpoints.json")) as fixture:
    ENDPOINTS = json.load(fixture)

HEALTHY = ENDPOINTS["healthy"]
STARTING = ENDPOINTS["starting"]
OVERSIZED = ENDPOINTS["oversized"]
ERRORED = ENDPOINTS["errored"]
MISSING_ID = "endpoint-99999999-9999-4999-8999-999999999999"


def endpoint(name, **changes):
    """A fixture endpoint, with some fields changed."""
    body = copy.deepcopy(ENDPOINTS[name])
    body.update(changes)
    return body


def statuses(result, endpoint_id):
    return dict((check["check"], check["status"]) for check in result["results"][endpoint_id]["checks"])


def messages(result):
    return [violation["message"] for violation in result["violations"]]


# Raw v2 Endpoint bodies (the module_utils tests' fixtures), read in v1 words by the module's own normalization.
V2_FIXTURES = os.path.join(HERE, "..", "fixtures", "v2")
PROJECT_ID = "proj_CbJNwQC2ZqCU2iFT3mrCh"
MODEL_PATH = "projects/%s/models/ml_CbJNwQC2ZqCU2iFT3mrCh/revisions/rv_CbJ9yNrws93VQrZum1fTE" % PROJECT_ID


def v2_raw(name):
    with open(os.path.join(V2_FIXTURES, "endpoint_%s.json" % name)) as raw_file:
        return json.load(raw_file)


def v2_endpoint(name, raw=None):
    """What together_endpoint_info returns for a v2 fixture endpoint (optionally a changed raw body)."""
    return normalize_endpoint(raw if raw is not None else v2_raw(name), PROJECT_ID)[0]


def v2_with_deployment(name, endpoint_id=None, **changes):
    """A v2 fixture endpoint whose first deployment summary has some fields changed (and maybe its id)."""
    raw = v2_raw(name)
    raw["deployments"][0].update(changes)
    raw["id"] = endpoint_id or raw["id"]
    return v2_endpoint(name, raw)


SERVING = v2_endpoint("one_deployment")       # blue READY, 1-2 replicas, weight 1
UNROUTED = v2_endpoint("ready_unrouted")      # main READY, no weight: STARTED but serving nothing
CUTOVER = v2_endpoint("split_100_0")          # v1 READY 2-4 with weight 100, v2 READY 1-1 with weight 0
