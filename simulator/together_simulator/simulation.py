"""One running simulation: settings, the v1 and v2 stores, faults and the request log.

Settings given on the command line win over the scenario file, so the same scenario can be run
with `--auth-error-status 401` or `--v1-retired` without editing it.
"""

import collections
import itertools
import threading
import time

from .errors import ApiError
from .faults import FaultBook
from .scenario import ScenarioError, normalize_scenario
from .serving import ServingMonitor, SplitLog
from .store_v1 import V1Store
from .store_v2 import V2Store
from .timeline import iso_timestamp

DEFAULT_API_KEY = "sim-key"
OVERRIDABLE = ("api_key", "auth_error_status", "v1_retired", "time_scale", "v2_error_format")
REQUEST_LOG_SIZE = 10000


class Simulation:
    """Everything a request handler reads or changes; guard changes with `lock`."""

    def __init__(self, scenario=None, overrides=None, clock=time.monotonic):
        self.overrides = {key: value for key, value in (overrides or {}).items() if key in OVERRIDABLE and value is not None}
        self.clock = clock
        self.lock = threading.RLock()
        self.faults = FaultBook()
        self.request_log = collections.deque(maxlen=REQUEST_LOG_SIZE)
        self._request_indexes = itertools.count()  # each API request's `index`, in order of arrival, never reused
        self.started = clock()
        self.on_shutdown = None  # set by the server so POST /_simulator/shutdown can stop it
        self.stop_event = threading.Event()  # set on shutdown; waits inside requests end early
        self.load(scenario if scenario is not None else normalize_scenario({}))

    def now(self):
        return self.clock()

    def _setting(self, scenario, key, default):
        if key in self.overrides:
            return self.overrides[key]
        value = scenario.get(key)
        return default if value is None else value

    def load(self, scenario):
        """Replace all API state with a (normalised) scenario and restart its clock; a bad scenario changes nothing."""
        with self.lock:
            time_scale = self._setting(scenario, "time_scale", 1.0)
            v1_retired = self._setting(scenario, "v1_retired", True)
            timings = {key: value * time_scale for key, value in scenario["timings"].items()}
            loaded_at = self.now()
            try:
                v1 = V1Store(scenario, timings, v1_retired)
                for spec in scenario["endpoints"]:
                    v1.load_endpoint(spec, loaded_at, time_scale)
                v2 = V2Store(scenario, timings)
                for spec in scenario["v2_endpoints"]:
                    v2.load_endpoint(spec, loaded_at, time_scale)
            except (ValueError, ApiError) as exc:
                raise ScenarioError(str(exc))
            faults = list(scenario["faults"])
            for spec in scenario["endpoints"]:
                faults.extend(spec["faults"])
            faults.extend(v2.faults)

            self.scenario = scenario
            self.api_key = self._setting(scenario, "api_key", DEFAULT_API_KEY)
            self.auth_error_status = self._setting(scenario, "auth_error_status", 403)
            self.v1_retired = v1_retired
            self.time_scale = time_scale
            self.v2_error_format = self._setting(scenario, "v2_error_format", "classic")
            self.v2_last_page_cursor = scenario["v2_last_page_cursor"]
            self.v1 = v1
            self.v2 = v2
            self.loaded_at = loaded_at
            v2.monitor = ServingMonitor(v2, loaded_at)
            v2.splits = SplitLog(v2, loaded_at)
            self.faults.replace(faults)

    def load_mapping(self, data):
        """Load a scenario given as a mapping (the control API's POST /_simulator/scenario)."""
        self.load(normalize_scenario(data, source="scenario"))

    def next_request_index(self):
        with self.lock:
            return next(self._request_indexes)

    def observe_serving(self, now=None, cause=None):
        """Bring the outage monitor and the split log up to `now` (default: the clock); a change at `now` itself is put
        down to `cause`."""
        with self.lock:
            now = self.now() if now is None else now
            self.v2.monitor.observe(now, cause)
            self.v2.splits.observe(now, cause)

    def outages(self):
        with self.lock:
            self.observe_serving()
            return self.v2.monitor.snapshot()

    def clear_outages(self):
        with self.lock:
            self.observe_serving()
            return self.v2.monitor.clear()

    def record(self, request, status, authorized, fault=None, duration=0.0, authorization="none"):
        """Remember an API request for GET /_simulator/requests; of the Authorization header only its scheme is kept."""
        entry = {
            "index": getattr(request, "index", None),
            "time": iso_timestamp(),
            "method": request.method,
            "path": request.raw_path,
            "decoded_path": request.decoded_path,
            "query": {key: values[0] if len(values) == 1 else values for key, values in request.query.items()},
            "status": status,
            "authorized": authorized,
            "authorization": authorization,
            "fault": fault,
            "duration_ms": round(duration * 1000, 1),
        }
        self.request_log.append(entry)
        return entry

    def requests(self):
        return list(self.request_log)

    def clear_requests(self):
        count = len(self.request_log)
        self.request_log.clear()
        return count
