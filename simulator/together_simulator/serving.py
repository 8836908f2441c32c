"""Outages of v2 endpoints (when an endpoint that served stops serving, and what did it), and the record of their
traffic splits over time.

An endpoint SERVES at time t when an entry of its trafficSplit with weight > 0 names a live deployment with
ready replicas at t (V2Store.serves, the test the inference router uses). An OUTAGE starts when it goes from
serving to not serving and ends when it serves again or is deleted; an endpoint that never served has none.

The monitor is exact, not sampled. Between two observations only timeline events change a state (every write
is observed before and after it), so an observation at `now` walks the event times of each endpoint's routed
deployments in (last observation, now] in order, then evaluates at `now`. The cost is one evaluation per endpoint
and observation plus one per timeline event, never one per unit of time. Callers hold the simulation's lock.
"""

from .timeline import iso_timestamp

TIMELINE = {"kind": "timeline"}


def request_cause(request):
    """The cause of a change made by an API request: its method, raw path and request log index."""
    return {"kind": "request", "method": request.method, "path": request.raw_path, "request_index": getattr(request, "index", None)}


def control_cause(request, **extra):
    """The cause of a change forced through the control API."""
    return dict({"kind": "control", "method": request.method, "path": request.raw_path}, **extra)


class ServingMonitor:
    """Serving status and outages of the v2 endpoints of one loaded scenario."""

    def __init__(self, store, loaded_at):
        self.store = store
        self.loaded_at = loaded_at
        self.last = loaded_at
        self.serving = {endpoint.id: store.serves(endpoint, loaded_at) for endpoint in store.endpoints.values()}
        self.names = {endpoint.id: store.qualified(endpoint.name) for endpoint in store.endpoints.values()}
        self.open = {}  # endpoint id -> its outage still under way (also in self.outages)
        self.outages = []

    def _seconds(self, at):
        return round(at - self.loaded_at, 3)

    def _set(self, endpoint_id, at, serves, cause):
        was = self.serving.get(endpoint_id, False)  # an endpoint first seen now is new: it has not served yet
        self.serving[endpoint_id] = serves
        if was and not serves:
            outage = {"endpoint_id": endpoint_id, "endpoint_name": self.names[endpoint_id], "started_at": self._seconds(at),
                      "ended_at": None, "cause": dict(cause), "ended_by": None}
            self.open[endpoint_id] = outage
            self.outages.append(outage)
        elif serves and not was:
            outage = self.open.pop(endpoint_id, None)
            if outage is not None:
                outage.update(ended_at=self._seconds(at), ended_by=dict(cause))

    def observe(self, now, cause=None):
        """Bring the serving status up to `now`; a change seen at `now` itself (not at an event before) is `cause`'s."""
        now = max(now, self.last)
        cause = cause or TIMELINE
        endpoints = self.store.endpoints
        for endpoint_id in [key for key in self.serving if key not in endpoints]:
            outage = self.open.pop(endpoint_id, None)
            if outage is not None:
                ended_by = dict(cause)
                if ended_by["kind"] == "request":
                    ended_by["kind"] = "deleted"
                outage.update(ended_at=self._seconds(now), ended_by=ended_by)
            del self.serving[endpoint_id]
            del self.names[endpoint_id]
        for endpoint in endpoints.values():
            self.names[endpoint.id] = self.store.qualified(endpoint.name)
            if now > self.last:
                for at in self._event_times(endpoint, now):
                    self._set(endpoint.id, at, self.store.serves(endpoint, at), TIMELINE)
            self._set(endpoint.id, now, self.store.serves(endpoint, now), cause)
        self.last = now

    def _event_times(self, endpoint, now):
        """Event times in (last, now] of the deployments the split routes to: the split itself only changes by a write."""
        times = set()
        for entry in endpoint.traffic_split:
            deployment = endpoint.deployments.get(entry["deploymentId"])
            if deployment is not None and entry["weight"] > 0:
                times.update(deployment.timeline.event_times(self.last, now))
        return sorted(times)

    def snapshot(self):
        return {"outages": [dict(outage, cause=dict(outage["cause"]),
                                 ended_by=dict(outage["ended_by"]) if outage["ended_by"] else None) for outage in self.outages],
                "serving": dict(self.serving)}

    def clear(self):
        """Forget recorded outages; the current serving status stays the baseline."""
        count = len(self.outages)
        self.outages = []
        self.open = {}
        return count


class SplitLog:
    """Every change of each v2 endpoint's traffic split, with when and what made it (GET /_simulator/endpoints/{id}/splits).

    Only writes change a split, and every write is observed after it (Simulation.observe_serving with the request as
    cause), so comparing each endpoint's weights with the last recorded ones after each observation misses nothing.
    A reordered split with the same weights is no change. Callers hold the simulation's lock.
    """

    def __init__(self, store, loaded_at):
        self.store = store
        self.loaded_at = loaded_at
        self.history = {}  # endpoint id -> {"endpoint_id", "endpoint_name", "splits": [...]}, deleted endpoints kept
        self.last = {}  # endpoint id -> its weights as last recorded, {deployment id: weight}
        self.observe(loaded_at, {"kind": "scenario"})

    def observe(self, now, cause=None):
        for endpoint in self.store.endpoints.values():
            weights = {entry["deploymentId"]: entry["weight"] for entry in endpoint.traffic_split}
            record = self.history.setdefault(endpoint.id, {"endpoint_id": endpoint.id, "splits": []})
            record["endpoint_name"] = self.store.qualified(endpoint.name)
            if endpoint.id in self.last and self.last[endpoint.id] == weights:
                continue
            self.last[endpoint.id] = weights
            total = float(sum(weights.values()))
            split = []
            for entry in endpoint.traffic_split:
                deployment = endpoint.deployments.get(entry["deploymentId"])
                split.append({"deploymentId": entry["deploymentId"], "deployment": deployment.name if deployment else None,
                              "weight": entry["weight"], "percent": round(100.0 * entry["weight"] / total, 3) if total else 0.0})
            record["splits"].append({"at": round(max(now, self.loaded_at) - self.loaded_at, 3), "time": iso_timestamp(),
                                     "traffic_split": split, "cause": dict(cause or TIMELINE)})

    def find(self, key):
        """The history of the endpoint with this id or name (bare or <slug>/<name>), or None."""
        if key in self.history:
            return self.history[key]
        for record in self.history.values():
            if key in (record["endpoint_name"], record["endpoint_name"].split("/", 1)[-1]):
                return record
        return None
