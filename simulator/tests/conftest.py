"""Fixtures: an in-process simulator, validators built from the specs, and venvs for the reference clients."""

import concurrent.futures
import datetime
import fcntl
import hashlib
import os
import pathlib
import subprocess
import sys

import jsonschema
import pytest
import referencing
import referencing.jsonschema
import requests
import yaml

SIMULATOR_DIR = pathlib.Path(__file__).resolve().parents[1]
REPO_ROOT = SIMULATOR_DIR.parent
sys.path.insert(0, str(SIMULATOR_DIR))

from together_simulator.scenario import normalize_scenario  # noqa: E402  (path set up above)
from together_simulator.server import make_server  # noqa: E402
from together_simulator.simulation import Simulation  # noqa: E402
from threaded_server import serve  # noqa: E402  (simulator/tests/, on the path as the tests folder)

API_KEY = "sim-key"
V1_SPEC_URI = "urn:together:openapi"
V2_SCHEMAS_URI = "urn:together:v2-schemas"
REFERENCE_BUILD_DIR = REPO_ROOT / ".build" / "simulator-reference"
REFERENCE_CLIENTS = {
    "reference_v1": ("together-1.6.0", SIMULATOR_DIR / "requirements-reference.txt"),
    "reference_v2": ("together-3.1.1", SIMULATOR_DIR / "requirements-reference-v2.txt"),
}
_REFERENCE_BUILDS = {}
_BUILD_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=2)


# -- schemas -----------------------------------------------------------------------------------

def _nullable_to_type(node):
    """OpenAPI 3.0 `nullable: true` means JSON Schema `type: [T, "null"]`; the spec mixes both styles."""
    if isinstance(node, dict):
        node = {key: _nullable_to_type(value) for key, value in node.items()}
        if node.get("nullable") is True and isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        return node
    if isinstance(node, list):
        return [_nullable_to_type(item) for item in node]
    return node


FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value):
    if not isinstance(value, str):
        return True
    datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return "T" in value


def _load_yaml(path):
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)


class Schemas:
    """Validates bodies against the v1 OpenAPI spec (by operation) and the v2 schemas (by name)."""

    def __init__(self):
        self.spec = _nullable_to_type(_load_yaml(SIMULATOR_DIR / "spec" / "together-openapi.yaml"))
        self.v2 = _load_yaml(SIMULATOR_DIR / "spec" / "together-v2-schemas.yaml")
        draft = referencing.jsonschema.DRAFT202012
        self.registry = referencing.Registry().with_resources([
            (V1_SPEC_URI, referencing.Resource.from_contents(self.spec, default_specification=draft)),
            (V2_SCHEMAS_URI, referencing.Resource.from_contents(self.v2, default_specification=draft)),
        ])

    def validate(self, body, uri, pointer):
        validator = jsonschema.Draft202012Validator({"$ref": "%s#%s" % (uri, pointer)}, registry=self.registry, format_checker=FORMATS)
        validator.validate(body)

    def v1_component(self, body, name):
        self.validate(body, V1_SPEC_URI, "/components/schemas/" + name)

    def v2_definition(self, body, name):
        self.validate(body, V2_SCHEMAS_URI, "/$defs/" + name)

    def v1_response(self, response, operation):
        """Validate a response against what the spec declares for `operation` ("GET /endpoints/{endpointId}") and its status.

        Statuses the spec does not list for the operation (400, 405, 429...) must still carry ErrorData.
        """
        method, template = operation.split(" ", 1)
        responses = self.spec["paths"][template][method.lower()]["responses"]
        declared = responses.get(str(response.status_code))
        if declared is not None and "content" not in declared:
            assert response.content == b"", "%s %s must have an empty body" % (operation, response.status_code)
            return None
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        body = response.json()
        if declared is not None:
            pointer = "/paths/%s/%s/responses/%d/content/application~1json/schema" % (
                template.replace("~", "~0").replace("/", "~1"), method.lower(), response.status_code)
            self.validate(body, V1_SPEC_URI, pointer)
        else:
            assert response.status_code >= 400, "%s answered undeclared success status %s" % (operation, response.status_code)
            self.v1_component(body, "ErrorData")
        return body


@pytest.fixture(scope="session")
def schemas():
    return Schemas()


# -- the simulator under test -------------------------------------------------------------------

class Api:
    """A requests client for one in-process simulator, with the control API at hand."""

    def __init__(self, server, defaults=None):
        self.server = server
        # Scenario keys every load gets unless the scenario sets them (the v1_writable marker's v1_retired: false).
        self.defaults = dict(defaults or {})
        self.sim = server.simulation
        self.root = "http://127.0.0.1:%d" % server.server_address[1]
        self.v1 = self.root + "/v1"
        self.session = requests.Session()

    def request(self, method, path, key=API_KEY, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if key is not None:
            headers["Authorization"] = "Bearer " + key
        kwargs.setdefault("timeout", 5)
        return self.session.request(method, self.root + path, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def control(self, method, path, **kwargs):
        kwargs.setdefault("timeout", 5)
        return requests.request(method, self.root + "/_simulator/" + path, **kwargs)

    def load(self, scenario=None):
        response = self.control("POST", "scenario", json=dict(self.defaults, **(scenario or {})))
        assert response.status_code == 200, response.text
        return response.json()

    def requests_log(self):
        return self.control("GET", "requests").json()["requests"]


@pytest.fixture(scope="session")
def simulator_server():
    yield from serve(make_server("127.0.0.1", 0, Simulation(normalize_scenario({})), quiet=True))


@pytest.fixture
def api(simulator_server, request):
    """A client against a simulator reset to the default scenario, with no faults and an empty request log.

    Like Together today, the simulator refuses v1 creation and restarts by default; a test of the v1 API as it was
    before (create validation, the v1 lifecycle) is marked v1_writable and loads its scenarios with v1_retired: false.
    """
    client = Api(simulator_server, {"v1_retired": False} if request.node.get_closest_marker("v1_writable") else None)
    client.load({})
    client.control("DELETE", "requests")
    yield client
    client.session.close()


class FakeClock:
    """The simulator's clock in the tests of timed records (outages, the split log): advance() moves it."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture(scope="module")
def clocked_server():
    clock = FakeClock()
    server = make_server("127.0.0.1", 0, Simulation(normalize_scenario({}), clock=clock), quiet=True)
    server.clock = clock
    yield from serve(server)


@pytest.fixture
def sim(clocked_server):
    """A client of a simulator on a fake clock, reset and with an empty request log; sim.advance(s) moves time."""
    client = Api(clocked_server)

    def advance(seconds):
        clocked_server.clock.now += seconds
    client.advance = advance
    client.load({})
    client.control("DELETE", "requests")
    yield client
    client.session.close()


# -- reference clients (together 1.6.0 for v1, 3.1.1 for v2) in cached venvs under .build/ ------

def _build_reference_venv(name, requirements):
    """Create (once, under a lock shared with other pytest runs) a venv holding the pinned reference client."""
    digest = hashlib.sha256((requirements.read_text() + sys.version).encode("utf-8")).hexdigest()[:12]
    target = REFERENCE_BUILD_DIR / ("%s-%s" % (name, digest))
    marker = target / ".complete"
    if marker.exists():
        return target
    REFERENCE_BUILD_DIR.mkdir(parents=True, exist_ok=True)
    with open(REFERENCE_BUILD_DIR / (".%s.lock" % name), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists():
            return target
        # A venv cannot be moved after creation (its scripts hold absolute paths), so build in place; no marker = incomplete.
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(target)], check=True, capture_output=True)
        result = subprocess.run([str(target / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                                 "-r", str(requirements)], capture_output=True, text=True, timeout=600, check=False)
        if result.returncode != 0:
            raise RuntimeError("pip install -r %s failed:\n%s%s" % (requirements, result.stdout, result.stderr))
        marker.write_text("ok\n")
    return target


def pytest_configure(config):
    config.addinivalue_line("markers", "reference_v1: needs the together 1.6.0 reference client venv")
    config.addinivalue_line("markers", "reference_v2: needs the together 3.1.1 reference client venv")
    config.addinivalue_line("markers", "v1_writable: the simulator as v1 was before its retirement (v1_retired: false)")


def pytest_collection_modifyitems(config, items):
    """Start building the reference venvs that selected tests need, in the background, while other tests run."""
    if os.environ.get("SIMULATOR_REFERENCE_CLIENTS") == "skip":
        return
    wanted = {marker.name for item in items for marker in item.iter_markers() if marker.name in REFERENCE_CLIENTS}
    for marker_name in sorted(wanted):
        if marker_name not in _REFERENCE_BUILDS:
            _REFERENCE_BUILDS[marker_name] = _BUILD_POOL.submit(_build_reference_venv, *REFERENCE_CLIENTS[marker_name])


def reference_venv(marker_name):
    if os.environ.get("SIMULATOR_REFERENCE_CLIENTS") == "skip":
        pytest.skip("SIMULATOR_REFERENCE_CLIENTS=skip")
    future = _REFERENCE_BUILDS.get(marker_name)
    if future is None:
        future = _REFERENCE_BUILDS[marker_name] = _BUILD_POOL.submit(_build_reference_venv, *REFERENCE_CLIENTS[marker_name])
    try:
        return future.result(timeout=900)
    except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
        pytest.fail("could not build the %s reference client venv (set SIMULATOR_REFERENCE_CLIENTS=skip to skip "
                    "these tests offline): %s" % (marker_name, exc))
    return None


@pytest.fixture(scope="session")
def together_v1_venv():
    return reference_venv("reference_v1")


@pytest.fixture(scope="session")
def together_v2_venv():
    return reference_venv("reference_v2")
