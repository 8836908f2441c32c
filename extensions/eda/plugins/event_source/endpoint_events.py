# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""together.ai.endpoint_events: an Event-Driven Ansible source that watches Together AI dedicated endpoints.

It polls the API (v1 and v2) through the collection's own client (deadlines, retries, rate-limit handling, the
key sent only to the API's origin) and puts one event on the queue per change that matters. The diffing is
a pure function, diff_snapshots(), so it is tested without a network.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
short_description: Watch Together AI dedicated endpoints and emit an event per change that matters.
description:
  - Polls the Together API every O(interval) seconds for O(endpoint_ids) (v1 C(endpoint-...) and v2 C(ep_...)),
    O(names) (v2 endpoint names) or, with neither, every v1 dedicated endpoint of the key and every v2 endpoint of
    the project.
  - Compares each poll with the previous one and puts one event on the queue per change that matters, nothing when
    nothing changed. The API key is never in an event.
  - Each event is C({"together": {"change", "endpoint_id", "name", "state", "previous_state", "serving",
    "previous_serving", "endpoint"}}); C(endpoint) is the endpoint as together_endpoint_info returns it (v2 normalized
    to the v1 vocabulary), without C(raw). C(change) is C(state) (the state changed; C(state) is null when the
    endpoint no longer exists, C(previous_state) null when it appeared), C(serving) (a v2 endpoint lost or regained
    serving), C(deployment_failed) / C(deployment_degraded) (a v2 deployment entered FAILED / DEGRADED; the event
    also has C(deployment)), C(replicas) (C(autoscaling.min_replicas) went below O(min_replicas_at_least), or back;
    the event also has C(replicas)), or C(initial) (O(initial_events)).
  - A poll that fails (the API unreachable after the client's retries, an HTTP error) is logged and puts no event;
    the next poll compares with the last successful one.
options:
  api_key:
    description: The Together API key. Defaults to the environment variable E(TOGETHER_API_KEY).
  base_url:
    description: The v1 API URL. Defaults to E(TOGETHER_BASE_URL), else C(https://api.together.ai/v1).
  project_id:
    description: The v2 project. Defaults to E(TOGETHER_PROJECT_ID), else the key's own project (whoami).
  endpoint_ids:
    description: Endpoint ids to watch, v1 and v2 alike.
  names:
    description: v2 endpoint names to watch (every endpoint listed under each name).
  interval:
    description: Seconds between two polls.
    default: 30
  initial_events:
    description: Put one C(initial) event per endpoint on the queue after the first poll.
    default: false
  min_replicas_at_least:
    description: Put a C(replicas) event when an endpoint's C(autoscaling.min_replicas) falls below this, and when it
      is back at or above it.
  timeout:
    description: Seconds one request may take (connect, headers and body together).
    default: 30
  max_retries:
    description: Retries of a failed request (connection errors, timeouts, 408, 429, 5xx).
    default: 3
  validate_certs:
    description: Check the API's TLS certificate.
    default: true
  ca_path:
    description: A CA bundle (file or directory) for a private CA. Defaults to E(TOGETHER_CA_PATH).
"""

EXAMPLES = r"""
- name: Run the gate when a production endpoint stops serving
  hosts: localhost
  sources:
    - together.ai.endpoint_events:
        endpoint_ids:
          - endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7
          - ep_CbJNwQC2ZqCU2iFT3mrCh
        interval: 30
        min_replicas_at_least: 1
  rules:
    - name: Serving lost
      condition: event.together.change == "serving" and event.together.serving == false
      action:
        run_playbook:
          name: together.ai.gate_endpoints
"""

import asyncio
import copy
import importlib.util
import logging
import math
import os
import sys
import time


def _collection_importable():
    try:
        return importlib.util.find_spec("ansible_collections.together.ai.plugins.module_utils") is not None
    except ImportError:
        return False


if not _collection_importable():
    # ansible-rulebook runs this file with runpy: make the collections folder it was found in importable.
    # <root>/ansible_collections/together/ai/extensions/eda/plugins/event_source/endpoint_events.py
    _PARTS = os.path.abspath(__file__).split(os.sep)
    if len(_PARTS) > 8 and _PARTS[-8] == "ansible_collections":
        sys.path.insert(0, os.sep.join(_PARTS[:-8]) or os.sep)

from ansible_collections.together.ai.plugins.module_utils._client import (  # noqa: E402
    RATE_LIMIT_BUDGET,
    TogetherClient,
    TogetherError,
)
from ansible_collections.together.ai.plugins.module_utils._connection import (  # noqa: E402
    ConnectionSettings,
    v2_root,
)
from ansible_collections.together.ai.plugins.module_utils._endpoints_v1 import EndpointsV1  # noqa: E402
from ansible_collections.together.ai.plugins.module_utils._endpoints_v2 import EndpointsV2, Project  # noqa: E402
from ansible_collections.together.ai.plugins.module_utils._parallel import MAX_PARALLEL_REQUESTS  # noqa: E402
from ansible_collections.together.ai.plugins.module_utils._reader import EndpointReader  # noqa: E402
from ansible_collections.together.ai.plugins.module_utils._readiness import (  # noqa: E402
    EXPLAINED_STATES,
    short_state,
)

LOGGER = logging.getLogger(__name__)

DEFAULT_INTERVAL = 30.0
CHANGES = ("state", "serving", "deployment_failed", "deployment_degraded", "replicas")
INITIAL = "initial"
# Deployment states (without their DEPLOYMENT_STATE_ prefix) that have an event of their own.
DEPLOYMENT_CHANGES = (("FAILED", "deployment_failed"), ("DEGRADED", "deployment_degraded"))
ARGUMENTS = ("api_key", "base_url", "project_id", "endpoint_ids", "names", "interval", "initial_events",
             "min_replicas_at_least", "timeout", "max_retries", "validate_certs", "ca_path")


# --- the pure part: snapshots in, events out -------------------------------------------------------------------------

def public_view(endpoint):
    """The endpoint as an event carries it: every field but raw (the API's own object, for v2)."""
    if endpoint is None:
        return None
    # A copy: what a rule does with an event cannot change the snapshot the next poll is compared with.
    return copy.deepcopy(dict((key, value) for key, value in endpoint.items() if key != "raw"))


def _serving(endpoint):
    """Whether an endpoint answers inference: v2 by the serving rule, v1 when STARTED; None when it does not exist."""
    if endpoint is None:
        return None
    if endpoint.get("api_version") == "v2":
        return bool(endpoint.get("serving"))
    return endpoint.get("state") == "STARTED"


def _min_replicas(endpoint):
    autoscaling = (endpoint or {}).get("autoscaling")
    value = autoscaling.get("min_replicas") if isinstance(autoscaling, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _below(endpoint, min_replicas_at_least):
    """True or False against the bound; None when there is no bound, no endpoint or no min_replicas to compare."""
    value = _min_replicas(endpoint)
    if min_replicas_at_least is None or value is None:
        return None
    return value < min_replicas_at_least


def _deployment_states(endpoint):
    """{deployment id: (short state, deployment)} of a v2 endpoint; {} for v1 or a missing endpoint."""
    if endpoint is None or endpoint.get("api_version") != "v2":
        return {}
    return dict((item.get("id"), (short_state(item.get("state")), item)) for item in endpoint.get("deployments") or [])


def _event(change, endpoint_id, current, previous, **extra):
    source = current if current is not None else previous
    body = dict(
        change=change,
        endpoint_id=endpoint_id,
        name=(source or {}).get("name"),
        api_version=(source or {}).get("api_version"),
        state=current.get("state") if current is not None else None,
        previous_state=previous.get("state") if previous is not None else None,
        serving=_serving(current),
        previous_serving=_serving(previous),
        endpoint=public_view(current),
    )
    body.update(extra)
    return {"together": body}


def endpoint_events(endpoint_id, previous, current, min_replicas_at_least=None):
    """The events of one endpoint between two polls (previous or current None: it did not / no longer exists)."""
    if previous is None and current is None:
        return []
    events = []
    if (previous or {}).get("state") != (current or {}).get("state") or (previous is None) != (current is None):
        events.append(_event("state", endpoint_id, current, previous))
    if previous is not None and current is not None and "v2" in (previous.get("api_version"), current.get("api_version")):
        if _serving(previous) != _serving(current):
            events.append(_event("serving", endpoint_id, current, previous))
    before = _deployment_states(previous)
    for deployment_id, (state, deployment) in _deployment_states(current).items():
        for watched, change in DEPLOYMENT_CHANGES:
            if state == watched and before.get(deployment_id, (None,))[0] != watched:
                events.append(_event(change, endpoint_id, current, previous, deployment=dict(
                    id=deployment_id, name=deployment.get("name"), state=deployment.get("state"),
                    previous_state=(before.get(deployment_id) or (None, {}))[1].get("state"),
                    status_message=deployment.get("status_message"),
                    ready_replicas=deployment.get("ready_replicas"),
                    traffic_weight=deployment.get("traffic_weight"))))
    was_below, is_below = _below(previous, min_replicas_at_least), _below(current, min_replicas_at_least)
    if is_below is not None and is_below != bool(was_below) and (is_below or was_below is not None):
        events.append(_event("replicas", endpoint_id, current, previous, replicas=dict(
            below=is_below, min_replicas=_min_replicas(current), previous_min_replicas=_min_replicas(previous),
            min_replicas_at_least=min_replicas_at_least)))
    return events


def diff_snapshots(previous, current, min_replicas_at_least=None, initial_events=False):
    """The events between two polls: {endpoint id: endpoint or None (HTTP 404)} each; previous None on the first poll.

    The first poll puts an `initial` event per existing endpoint when initial_events is set, else nothing. Later
    polls put, per endpoint, in this order: `state`, `serving`, `deployment_failed` / `deployment_degraded` (one per
    deployment that entered the state), `replicas`. An endpoint that appears or disappears is a `state` change
    from or to null. Endpoints are taken in the order of current, then those that are gone.
    """
    if previous is None:
        if not initial_events:
            return []
        events = []
        for endpoint_id, endpoint in current.items():
            if endpoint is not None:
                extra = {}
                if min_replicas_at_least is not None:
                    extra["replicas"] = dict(below=_below(endpoint, min_replicas_at_least),
                                             min_replicas=_min_replicas(endpoint), previous_min_replicas=None,
                                             min_replicas_at_least=min_replicas_at_least)
                events.append(_event(INITIAL, endpoint_id, endpoint, None, **extra))
        return events
    events = []
    for endpoint_id in list(current) + [key for key in previous if key not in current]:
        events.extend(endpoint_events(endpoint_id, previous.get(endpoint_id), current.get(endpoint_id),
                                      min_replicas_at_least))
    return events


# --- the arguments and the reads ---------------------------------------------------------------------------------------

class ArgumentError(ValueError):
    """An argument of the source that cannot work; raised before any request."""


def _string_list(args, name):
    value = args.get(name)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ArgumentError("%s must be a list of non-empty strings, got %r" % (name, value))
    seen = []
    for item in value:
        if item.strip() not in seen:
            seen.append(item.strip())
    return seen


def _number(args, name, default, minimum, kind=float):
    value = args.get(name, default)
    if value is None:
        return None
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise ArgumentError("%s must be a number, got %r" % (name, value)) from None
    if isinstance(value, bool) or math.isnan(number) or number < minimum:
        raise ArgumentError("%s must be %s or more, got %r" % (name, minimum, value))
    return number


def _bool(args, name, default):
    value = args.get(name, default)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "on", "1", "false", "no", "off", "0"):
        return value.strip().lower() in ("true", "yes", "on", "1")
    raise ArgumentError("%s must be a boolean, got %r" % (name, value))


class Watcher:
    """The source's arguments, checked, and the client and readers built from them (the collection's own)."""

    def __init__(self, args, environ=None):
        environ = os.environ if environ is None else environ
        unknown = sorted(name for name in args if name not in ARGUMENTS and not name.startswith("eda_"))
        if unknown:
            raise ArgumentError("unknown argument%s %s; the arguments are %s"
                                % ("s" if len(unknown) > 1 else "", ", ".join(unknown), ", ".join(ARGUMENTS)))
        self.endpoint_ids = _string_list(args, "endpoint_ids")
        self.names = _string_list(args, "names")
        self.interval = _number(args, "interval", DEFAULT_INTERVAL, 0.1)
        self.initial_events = _bool(args, "initial_events", False)
        self.min_replicas_at_least = _number(args, "min_replicas_at_least", None, 0, int)
        self.project_id = args.get("project_id") or environ.get("TOGETHER_PROJECT_ID") or None
        params = dict(
            api_key=args.get("api_key") or environ.get("TOGETHER_API_KEY"),
            base_url=args.get("base_url") or environ.get("TOGETHER_BASE_URL"),
            timeout=_number(args, "timeout", 30.0, 0.001),
            max_retries=_number(args, "max_retries", 3, 0, int),
            validate_certs=_bool(args, "validate_certs", True),
            ca_path=args.get("ca_path") or environ.get("TOGETHER_CA_PATH"),
            allow_plain_http=False,
        )
        try:
            settings = ConnectionSettings(params)
        except TogetherError as exc:
            raise ArgumentError(exc.message) from None
        for warning in settings.warnings:
            LOGGER.warning("together.ai.endpoint_events: %s", warning)
        self.timeout = settings.timeout
        root = v2_root(settings.base_url, settings.base_url_given)
        self.client = TogetherClient(settings.api_key, timeout=settings.timeout, validate_certs=settings.validate_certs,
                                     max_retries=settings.max_retries, pool_size=MAX_PARALLEL_REQUESTS,
                                     ca_path=settings.ca_path, origins=[settings.base_url, root])
        self.v1 = EndpointsV1(self.client, settings.base_url)
        self.v2 = EndpointsV2(self.client, Project(self.client, root, self.project_id))
        self.reader = EndpointReader(self.v1, v2=self.v2, project_known=self.project_id is not None)
        self.watch_v2_list = True

    def describe(self):
        if self.endpoint_ids or self.names:
            parts = (["endpoint_ids %s" % ", ".join(self.endpoint_ids)] if self.endpoint_ids else []) + (
                ["names %s" % ", ".join(self.names)] if self.names else [])
            return " and ".join(parts)
        return "every v1 dedicated endpoint and every v2 endpoint of the project"

    def poll(self):
        """One poll: {endpoint id: endpoint or None}. Blocking (run it in a thread); raises TogetherError."""
        # Each poll has its own deadline and its own rate-limit budget: the client is built once, for every poll.
        self.client.deadline = time.monotonic() + max(self.interval, self.timeout) + self.timeout + RATE_LIMIT_BUDGET
        self.client.rate_limit_waited = 0.0
        try:
            return self._read()
        finally:
            for reader in (self.v1, self.v2):
                for warning in reader.warnings:
                    LOGGER.warning("together.ai.endpoint_events: %s", warning)
                del reader.warnings[:]

    def _read(self):
        snapshot = {}
        if self.endpoint_ids:
            found = self.reader.get_endpoints(self.endpoint_ids)
            for endpoint_id in self.endpoint_ids:
                snapshot[endpoint_id] = found.get(endpoint_id)
        for name in self.names:
            for endpoint in self.v2.list_endpoints(name=name):
                snapshot[endpoint["id"]] = self._explained(endpoint)
        if self.endpoint_ids or self.names:
            return snapshot
        listed = self.v1.list_endpoints(endpoint_type="dedicated", mine=True)
        ids = [item["id"] for item in listed]
        # The list leaves out hardware and autoscaling: read each dedicated endpoint in full.
        found = self.reader.get_endpoints(ids) if ids else {}
        for endpoint_id in ids:
            if found.get(endpoint_id) is not None:
                snapshot[endpoint_id] = found[endpoint_id]
        if self.watch_v2_list:
            if self.project_id is None:
                try:
                    self.v2.project.resolve()
                except TogetherError as exc:
                    if exc.status is not None and exc.status >= 500:
                        raise
                    # An organization key has no project: watch v1 only rather than fail every poll.
                    LOGGER.warning("together.ai.endpoint_events: v2 endpoints are not watched: %s", exc.message)
                    self.watch_v2_list = False
                    return snapshot
            for endpoint in self.v2.list_endpoints():
                snapshot[endpoint["id"]] = self._explained(endpoint)
        return snapshot

    def _explained(self, endpoint):
        """A listed v2 endpoint, read again when its deployment is FAILED or DEGRADED: the read says why."""
        if short_state(endpoint.get("deployment_state")) not in EXPLAINED_STATES:
            return endpoint
        again = self.v2.get_endpoint(endpoint["id"])
        return again if again is not None else endpoint


async def main(queue, args):
    """The source: poll, diff, put the events; for ever (ansible-rulebook cancels it on shutdown)."""
    watcher = Watcher(dict(args or {}))
    LOGGER.info("together.ai.endpoint_events: watching %s every %gs", watcher.describe(), watcher.interval)
    previous = None
    loop = asyncio.get_running_loop()
    while True:
        started = loop.time()
        try:
            current = await loop.run_in_executor(None, watcher.poll)
        except TogetherError as exc:
            LOGGER.warning("together.ai.endpoint_events: the poll failed, no events this time: %s", exc.message)
        else:
            for event in diff_snapshots(previous, current, watcher.min_replicas_at_least,
                                        watcher.initial_events):
                await queue.put(event)
            previous = current
        await asyncio.sleep(max(0.0, watcher.interval - (loop.time() - started)))


if __name__ == "__main__":
    # Outside ansible-rulebook: print the events as they come (python endpoint_events.py ID... with TOGETHER_* set).

    class _PrintQueue:
        async def put(self, event):
            print(event)  # noqa: T201

    asyncio.run(main(_PrintQueue(), dict(endpoint_ids=sys.argv[1:] or None, initial_events=True)))
