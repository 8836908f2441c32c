# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""Whether an endpoint has reached a goal: the one rule for ready, serving, failed and stuck.

The info module's wait, the endpoint_gate filters and the write modules all judge an endpoint (v1, or
v2 as normalized to the v1 vocabulary) with progress(endpoint, goal): done, still on its way (and where
it stands, for progress lines), failed (and why), or in a dead end it does not leave by itself.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# The states of the v1 DedicatedEndpoint schema, also the states a normalized v2 endpoint reports.
STATES = ("PENDING", "STARTING", "STARTED", "STOPPING", "STOPPED", "ERROR")
# States an endpoint does not leave by itself; FAILED is not in the spec but the live API has sent it.
FAILURE_STATES = ("ERROR", "FAILED")
# States an endpoint does not leave by itself towards the awaited one: {awaited state: dead-end states}.
# STOPPED stays STOPPED until someone starts the endpoint; a wait fails after the waiter's grace.
DEAD_ENDS = {"PENDING": ("STOPPED",), "STARTING": ("STOPPED",), "STARTED": ("STOPPED",)}
# The goal "answers inference requests": STARTED and, for v2, routed (see serves()).
SERVING = "SERVING"
GOALS = STATES + (SERVING,)

# v2 deployment states carry this prefix on the wire (DEPLOYMENT_STATE_READY).
DEPLOYMENT_STATE_PREFIX = "DEPLOYMENT_STATE_"
# Only live deployments take traffic; shadow and other modes do not serve users.
TRAFFIC_MODE_LIVE = "TRAFFIC_MODE_LIVE"


# Deployment states whose status message says why (the embedded summaries carry none): "Cannot place replicas:
# insufficient GPU capacity", "Timed out waiting for readiness". A reader fetches the deployment to tell the user.
EXPLAINED_STATES = ("DEGRADED", "FAILED")


def short_state(state):
    """DEPLOYMENT_STATE_READY -> READY; values without the prefix pass through."""
    state = state or ""
    return state[len(DEPLOYMENT_STATE_PREFIX):] if state.startswith(DEPLOYMENT_STATE_PREFIX) else state


def routed_live(deployments):
    """The live deployments the traffic split gives weight to (normalized deployments, snake_case)."""
    return [item for item in deployments if item["traffic_mode"] == TRAFFIC_MODE_LIVE and item["traffic_weight"] > 0]


def serves(deployments):
    """The serving rule: some live deployment with traffic weight has a ready replica."""
    return any(item["ready_replicas"] > 0 for item in routed_live(deployments))


class Progress:
    """Where one endpoint stands: done, failed (with a reason), or still on its way (with a detail).

    dead_end, when set, says why the endpoint will not get to the goal by itself; a wait fails once it
    has stayed so for its grace.
    """

    def __init__(self, done=False, failure=None, detail=None, dead_end=None):
        self.done = done
        self.failure = failure
        self.detail = detail
        self.dead_end = dead_end

    def __repr__(self):
        return "Progress(done=%r, failure=%r, detail=%r, dead_end=%r)" % (
            self.done, self.failure, self.detail, self.dead_end)


def goal_text(goal):
    """How a goal reads in messages: 'state STARTED', or 'serving'."""
    return "serving" if goal == SERVING else "state %s" % goal


def progress(endpoint, goal, wait_for_routing=True):
    """Where an endpoint (None when the API said 404) stands against a goal, one of GOALS.

    For a v2 endpoint, STARTED means its primary deployment is READY and, unless wait_for_routing is
    false, that the endpoint serves; SERVING always asks for both. A v1 endpoint has no routing: SERVING
    is STARTED for it.
    """
    if goal == SERVING:
        goal, wait_for_routing = "STARTED", True
    if endpoint is None:
        return Progress(failure="the endpoint does not exist (HTTP 404)")
    if endpoint.get("api_version") == "v2":
        return _progress_v2(endpoint, goal, wait_for_routing)
    state = endpoint.get("state")
    if state == goal:
        return Progress(done=True)
    if state in FAILURE_STATES:
        return Progress(failure="the endpoint reached state %s" % state)
    return Progress(detail="state %s" % state, dead_end=_dead_end(state, goal))


def _dead_end(state, goal):
    if state in DEAD_ENDS.get(goal, ()):
        return "it is %s, which it does not leave by itself" % state
    return None


def _progress_v2(endpoint, goal, wait_for_routing):
    deployment = endpoint.get("primary_deployment_id")
    raw_state = short_state(endpoint.get("deployment_state"))
    primary = next((item for item in endpoint.get("deployments") or [] if item.get("id") == deployment), {})
    message = primary.get("status_message")
    # Named as users declare it (blue), with the id that API calls and the console show.
    name = (primary.get("name") or "").rsplit("/", 1)[-1]
    label = "'%s' (%s)" % (name, deployment) if name else deployment
    described = "deployment %s %s%s" % (label, raw_state or "absent", (": %s" % message) if message else "")
    if deployment is None:
        described = "no live deployment"
    if raw_state == "FAILED" and goal != "ERROR":
        return Progress(failure=described)
    dead_end = _dead_end(endpoint["state"], goal)
    if goal != "STARTED":
        if endpoint["state"] == goal:
            return Progress(done=True)
        return Progress(detail=described, dead_end=dead_end)
    if raw_state != "READY":
        return Progress(detail=described, dead_end=dead_end)
    if wait_for_routing and not endpoint.get("serving"):
        return Progress(detail="%s but not serving: no traffic weight on a deployment with ready replicas" % described)
    return Progress(done=True)
