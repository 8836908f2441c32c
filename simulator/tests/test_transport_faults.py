"""Faults that misbehave on the wire (trickled, endless, huge or compressed bodies, redirects), endless pages,
the unknown-route answer, the models route and HTTPS."""

import gzip
import json
import socket
import ssl
import subprocess
import sys
import time
import zlib

import pytest
import requests

from together_simulator.scenario import ScenarioError, normalize_scenario
from together_simulator.server import make_server, tls_context
from together_simulator.simulation import Simulation
from test_v2_routes import model_path
from threaded_server import serve

ENDPOINT_ID = "endpoint-00000000-0000-4000-8000-0000000000aa"
PATH = "/v1/endpoints/" + ENDPOINT_ID
SCENARIO = {"endpoints": [{"id": ENDPOINT_ID, "model": "m/m", "hardware": "1x_nvidia_l40"}]}


def _connect(api, timeout=5):
    connection = socket.create_connection(("127.0.0.1", api.server.server_address[1]), timeout=timeout)
    connection.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sim-key\r\n\r\n" % PATH).encode("ascii"))
    return connection


def _read_head(connection):
    """The status line and headers, read a byte at a time so nothing of the body is taken with them."""
    head = b""
    while b"\r\n\r\n" not in head:
        head += connection.recv(1)
    return head


def _with_fault(api, **fault):
    api.load(dict(SCENARIO, faults=[dict({"path": PATH}, **fault)]))


def test_trickle_headers_sends_the_status_line_one_byte_per_interval(api):
    _with_fault(api, kind="trickle_headers", interval=0.2)
    connection = _connect(api)
    started = time.monotonic()
    received = b""
    while len(received) < 5:
        received += connection.recv(100)
    elapsed = time.monotonic() - started
    connection.close()
    # 5 bytes at one per 0.2 s: at least 0.8 s, and never more than one byte per recv
    assert received == b"HTTP/"
    assert 0.7 <= elapsed < 3


def test_trickle_body_sends_headers_at_once_then_a_byte_per_interval(api):
    _with_fault(api, kind="trickle_body", interval=0.3)
    connection = _connect(api)
    head = _read_head(connection)
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    length = int([line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")][0].split(b":")[1])
    assert length > 200  # the real endpoint body, which would take over a minute at this pace
    started = time.monotonic()
    body = b"".join(connection.recv(10) for _index in range(3))
    connection.close()
    assert body == b'{"o'  # "object" comes first in a DedicatedEndpoint
    assert time.monotonic() - started >= 0.5


def test_a_trickle_ends_and_is_logged_as_soon_as_the_client_leaves(api):
    _with_fault(api, kind="trickle_body", interval=2)
    connection = _connect(api)
    _read_head(connection)
    connection.close()
    closed = time.monotonic()
    while not api.requests_log() and time.monotonic() - closed < 5:
        time.sleep(0.05)
    # logged at once, not after the whole body (20 minutes) or the two writes it takes to notice a reset (4 s)
    assert api.requests_log()[0]["fault"] == "trickle_body"
    assert time.monotonic() - closed < 1.5


def test_a_trickled_answer_is_complete_and_correct_when_waited_for(api):
    api.load({"faults": [{"path": "/v1/clusters/availability-zones", "kind": "trickle_body", "interval": 0.01}]})
    response = api.get("/v1/clusters/availability-zones", timeout=30)
    assert response.status_code == 200 and response.json() == {"avzones": ["us-central-4b", "us-east-1a", "eu-north-1a"]}
    assert api.requests_log()[-1]["fault"] == "trickle_body"


def test_endless_body_keeps_sending_chunks_until_the_client_leaves(api):
    _with_fault(api, kind="endless_body")
    response = api.get(PATH, stream=True)
    assert response.status_code == 200 and response.headers["Transfer-Encoding"] == "chunked"
    received = 0
    for chunk in response.iter_content(65536):
        received += len(chunk)
        if received > 8 * 1024 * 1024:
            break
    response.close()
    assert received > 8 * 1024 * 1024


def test_oversized_body_declares_and_sends_its_size_lazily(api):
    _with_fault(api, kind="oversized_body", size=3 * 1024 * 1024 + 5)
    response = api.get(PATH, timeout=30)
    assert response.headers["Content-Length"] == str(3 * 1024 * 1024 + 5)
    assert len(response.content) == 3 * 1024 * 1024 + 5
    assert json.loads(response.content)["object"] == "list"  # valid JSON: only a size cap stops a client


def test_oversized_body_defaults_to_200_mb_without_holding_it(api):
    _with_fault(api, kind="oversized_body")
    response = api.get(PATH, stream=True)
    assert response.headers["Content-Length"] == str(200 * 1024 * 1024)
    assert len(response.raw.read(1024 * 1024)) == 1024 * 1024
    response.close()


def test_gzip_bomb_is_small_on_the_wire_and_inflates_to_its_size(api):
    _with_fault(api, kind="gzip_bomb", size=64 * 1024 * 1024)
    response = api.get(PATH, stream=True)
    wire = response.raw.read(decode_content=False)
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(wire) == int(response.headers["Content-Length"]) < 100 * 1024
    inflated = gzip.decompress(wire)
    assert len(inflated) == 64 * 1024 * 1024
    assert json.loads(inflated)["data"] == []


def test_gzip_bomb_default_is_500_mb_in_about_half_a_megabyte(api):
    _with_fault(api, kind="gzip_bomb")
    response = api.get(PATH, stream=True)
    length = int(response.headers["Content-Length"])
    assert 300 * 1024 < length < 700 * 1024
    decompressor = zlib.decompressobj(31)
    first = decompressor.decompress(response.raw.read(4096, decode_content=False))
    response.close()
    assert first.startswith(b'{"object": "list"')


@pytest.mark.parametrize("location, status", [("/v1/endpoints/%s?moved=1" % ENDPOINT_ID, 302),
                                              ("http://localhost:1/v1/elsewhere", 301),
                                              ("https://127.0.0.1:1/v1/elsewhere", 308)])
def test_redirect_answers_its_location_once(api, location, status):
    _with_fault(api, kind="redirect", location=location, status=status, times=1)
    response = api.get(PATH, allow_redirects=False)
    assert response.status_code == status and response.headers["Location"] == location
    assert api.get(PATH).status_code == 200


def test_same_origin_redirect_is_followable_and_the_log_shows_the_credential_scheme(api):
    _with_fault(api, kind="redirect", location="/v1/endpoints/%s?moved=1" % ENDPOINT_ID, times=1)
    response = api.get(PATH)
    assert response.status_code == 200 and response.json()["id"] == ENDPOINT_ID
    log = api.requests_log()
    assert [(e["status"], e["query"], e["authorization"]) for e in log] == [(302, {}, "bearer"), (200, {"moved": "1"}, "bearer")]
    api.control("DELETE", "requests")
    api.get(PATH, key=None)
    requests.get(api.root + PATH, auth=("user", "secret-password"), timeout=5)
    assert [e["authorization"] for e in api.requests_log()] == ["none", "basic"]
    assert "secret-password" not in json.dumps(api.requests_log())


def test_empty_body_answers_no_bytes_with_the_chosen_status(api):
    _with_fault(api, kind="empty_body", status=404, times=1)
    response = api.get(PATH)
    assert response.status_code == 404 and response.content == b""
    _with_fault(api, kind="empty_body")
    response = api.get(PATH)
    assert response.status_code == 200 and response.content == b"" and response.headers["Content-Length"] == "0"


def test_html_fault_status_can_be_a_404(api):
    _with_fault(api, kind="html", status=404)
    response = api.get(PATH)
    assert response.status_code == 404 and response.headers["Content-Type"].startswith("text/html")


def test_endless_pages_are_empty_with_a_new_cursor_each_time(api):
    api.load({"faults": [{"path": "/v2/projects/proj_demo/endpoints", "kind": "endless_pages"}]})
    cursors = []
    after = None
    for _page in range(5):
        body = api.get("/v2/projects/proj_demo/endpoints", params={"after": after} if after else None).json()
        assert body["data"] == []
        after = body["next_cursor"]
        cursors.append(after)
    assert len(set(cursors)) == 5


def test_repeated_cursor_keeps_the_page_and_answers_the_same_cursor(api):
    api.load({"v2_endpoints": [{"name": "chat"}, {"name": "batch"}],
              "faults": [{"path": "/v2/projects/proj_demo/endpoints", "kind": "repeated_cursor"}]})
    first = api.get("/v2/projects/proj_demo/endpoints", params={"limit": 1}).json()
    second = api.get("/v2/projects/proj_demo/endpoints", params={"limit": 1, "after": first["next_cursor"]}).json()
    third = api.get("/v2/projects/proj_demo/endpoints", params={"limit": 1, "after": second["next_cursor"]}).json()
    assert first["next_cursor"] == second["next_cursor"] == third["next_cursor"]
    assert [e["name"] for e in first["data"] + second["data"]] == ["demo-project/chat", "demo-project/batch"]
    last_page = api.get("/v2/projects/proj_demo/endpoints", params={"limit": 5}).json()
    assert len(last_page["data"]) == 2 and last_page["next_cursor"]  # even a last page points back


@pytest.mark.parametrize("body", [{"type": "project_api_key", "project": {"id": 5}}, None, [1, 2], "text"])
def test_json_fault_answers_any_json_value(api, body):
    api.load({"faults": [{"path": "/v3/whoami", "kind": "json", "body": body, "times": 1}]})
    response = api.get("/v3/whoami")
    assert response.status_code == 200 and response.json() == body
    assert api.get("/v3/whoami").json()["type"] == "project_api_key"
    api.load({"faults": [{"path": "/v1/endpoints", "kind": "json", "body": {"error": "x"}, "status": 500}]})
    assert api.get("/v1/endpoints").status_code == 500


@pytest.mark.parametrize("fault, message", [
    ({"kind": "json"}, "needs body"),
    ({"kind": "html", "body": {}}, "body only applies"),
    ({"kind": "redirect"}, "location"),
    ({"kind": "redirect", "location": "/x", "status": 200}, "3xx"),
    ({"kind": "trickle_body", "interval": 0}, "interval"),
    ({"kind": "status", "statuses": [500], "interval": 1}, "interval only applies"),
    ({"kind": "gzip_bomb", "size": 10}, "size"),
    ({"kind": "reset", "status": 500}, "status only applies"),
    ({"kind": "oversized_body", "location": "/x"}, "location only applies"),
])
def test_new_fault_keys_are_checked(fault, message):
    with pytest.raises(ScenarioError, match=message):
        normalize_scenario({"faults": [dict({"path": "/v1/*"}, **fault)]})


# -- routes ---------------------------------------------------------------------------------------

def test_unknown_route_is_the_api_s_unknown_url_404(api):
    response = api.get("/endpoints/" + ENDPOINT_ID)
    assert response.status_code == 404
    assert response.json() == {"error": {
        "message": "Unknown request URL: GET /endpoints/%s. Please check the URL for typos, or see the docs at https://docs.together.ai/"
                   % ENDPOINT_ID,
        "type": "invalid_request_error", "param": None, "code": "unknown_url"}}


def test_a_missing_v1_endpoint_keeps_its_does_not_exist_404(api):
    response = api.get("/v1/endpoints/endpoint-00000000-0000-4000-8000-00000000ffff")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Endpoint not found: endpoint-00000000-0000-4000-8000-00000000ffff"
    assert response.json()["error"]["code"] != "unknown_url"


def test_models_route_names_public_models_used_by_deployments(api):
    api.load({"v2_endpoints": [{"name": "chat", "deployments": [{"name": "blue", "model": "meta-llama/Llama-3.1-8B-Instruct"},
                                                                {"name": "green", "model": "acme/Made-Up-Model"}]}]})
    deployments = api.get("/v2/projects/proj_demo/endpoints").json()["data"][0]["deployments"]
    names = {}
    for deployment in deployments:
        project, model_id = deployment["model"].split("/")[1], deployment["modelId"]
        response = api.get("/v2/projects/%s/models/%s" % (project, model_id))
        assert response.status_code == 200
        body = response.json()
        assert body["id"] == model_id and body["projectId"] == project == "proj_together"
        names[deployment["name"]] = body["name"]
    assert names == {"demo-project/chat/blue": "meta-llama/Llama-3.1-8B-Instruct", "demo-project/chat/green": "acme/Made-Up-Model"}


def test_models_route_knows_scenario_models_and_404s_unknown_ones(api):
    api.load({"models": [{"id": "ml_supportchat", "name": "demo-project/support-chat"}]})
    body = api.get("/v2/projects/proj_demo/models/ml_supportchat").json()
    assert body["name"] == "demo-project/support-chat" and body["organizationId"] == "org_demo"
    missing = api.get("/v2/projects/proj_demo/models/ml_nothing")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "model_not_found" and "ml_nothing" in missing.json()["error"]["message"]
    assert api.get("/v2/projects/proj_other/models/ml_supportchat").status_code == 404
    builtin = api.get("/v2/projects/proj_together/models/" + api.get(
        "/v2/projects/proj_demo/configs", params={"referenceModel": model_path("meta-llama/Llama-3-8b-chat-hf")}
    ).json()["data"][0]["referenceModelId"])
    assert builtin.json()["name"] == "meta-llama/Llama-3-8b-chat-hf"


def test_bundled_scenarios_name_every_model_their_deployments_use(api):
    import pathlib
    import yaml
    for path in sorted((pathlib.Path(__file__).resolve().parents[1] / "scenarios").glob("*.yml")):
        api.load(yaml.safe_load(path.read_text()))
        for endpoint in api.get("/v2/projects/proj_demo/endpoints").json()["data"]:
            for deployment in endpoint["deployments"]:
                project = deployment["model"].split("/")[1]
                response = api.get("/v2/projects/%s/models/%s" % (project, deployment["modelId"]))
                assert response.status_code == 200, (path.name, deployment["model"])


# -- HTTPS ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    pytest.importorskip("cryptography")
    from tls_material import make_tls_material
    return make_tls_material(str(tmp_path_factory.mktemp("tls")))


@pytest.fixture
def tls_server(tls_files):
    yield from serve(make_server("127.0.0.1", 0, Simulation(normalize_scenario(SCENARIO)), quiet=True,
                                 tls=tls_context(tls_files["cert"], tls_files["key"])))


def test_https_is_served_with_the_given_certificate(tls_server, tls_files):
    port = tls_server.server_address[1]
    for host in ("127.0.0.1", "localhost"):
        response = requests.get("https://%s:%d%s" % (host, port, PATH), headers={"Authorization": "Bearer sim-key"},
                                verify=tls_files["ca"], timeout=5)
        assert response.status_code == 200 and response.json()["id"] == ENDPOINT_ID
    with pytest.raises(requests.exceptions.SSLError):
        requests.get("https://127.0.0.1:%d%s" % (port, PATH), verify=True, timeout=5)


def test_plain_http_to_the_tls_port_fails_and_the_server_keeps_serving(tls_server, tls_files):
    port = tls_server.server_address[1]
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get("http://127.0.0.1:%d%s" % (port, PATH), timeout=5)
    response = requests.get("https://127.0.0.1:%d/_simulator/health" % port, verify=tls_files["ca"], timeout=5)
    assert response.status_code == 200


def test_a_client_that_never_handshakes_does_not_block_others(tls_server, tls_files):
    port = tls_server.server_address[1]
    silent = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        context = ssl.create_default_context(cafile=tls_files["ca"])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            with context.wrap_socket(raw, server_hostname="127.0.0.1") as wrapped:
                assert wrapped.version() is not None
    finally:
        silent.close()


def test_command_line_serves_https_and_says_so(tls_files, tmp_path):
    port_file = tmp_path / "port"
    process = subprocess.Popen([sys.executable, "run.py", "--port", "0", "--port-file", str(port_file), "--lifetime", "20",
                                "--quiet", "--tls-cert", tls_files["cert"], "--tls-key", tls_files["key"]],
                               cwd=str(__import__("pathlib").Path(__file__).resolve().parents[1]),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        banner = process.stdout.readline()
        assert banner.startswith("Together API simulator listening on https://127.0.0.1:")
        port = int(port_file.read_text())
        assert requests.get("https://localhost:%d/_simulator/health" % port, verify=tls_files["ca"], timeout=5).status_code == 200
    finally:
        process.terminate()
        process.wait(10)


def test_command_line_refuses_a_half_tls_configuration(tls_files):
    result = subprocess.run([sys.executable, "run.py", "--tls-cert", tls_files["cert"]], capture_output=True, text=True, timeout=20, check=False,
                            cwd=str(__import__("pathlib").Path(__file__).resolve().parents[1]))
    assert result.returncode == 2 and "--tls-cert and --tls-key go together" in result.stderr


@pytest.mark.parametrize("kind, size", [("oversized_body", 64 * 1024 * 1024), ("gzip_bomb", 256 * 1024 * 1024)])
def test_big_bodies_are_never_held_in_memory(api, kind, size):
    import tracemalloc
    _with_fault(api, kind=kind, size=size)
    tracemalloc.start()
    try:
        response = api.get(PATH, stream=True)
        received = 0
        for chunk in response.raw.stream(256 * 1024, decode_content=False):
            received += len(chunk)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert received == int(response.headers["Content-Length"])
    assert peak < 8 * 1024 * 1024, "the simulator (and this reader) peaked at %d bytes" % peak
