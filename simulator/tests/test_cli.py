"""The command line, run as a real subprocess: startup line, port file, signals, lifetime, options."""

import os
import pathlib
import re
import signal
import subprocess
import sys
import time

import pytest
import requests

RUN = [sys.executable, str(pathlib.Path(__file__).resolve().parents[1] / "run.py")]
STARTUP_LINE = re.compile(r"^Together API simulator listening on http://127\.0\.0\.1:(\d+) \(v1 base URL: http://127\.0\.0\.1:\1/v1\)$")


class Running:
    """A simulator subprocess that is always killed at the end of the test."""

    def __init__(self, *args, env=None):
        self.process = subprocess.Popen(RUN + ["--port", "0"] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        env=dict(os.environ, **(env or {})))
        self.line = self.process.stdout.readline().rstrip("\n")
        match = STARTUP_LINE.match(self.line)
        if not match:
            self.stop()
            raise AssertionError("unexpected startup line %r; stderr: %s" % (self.line, self.process.stderr.read()))
        self.port = int(match.group(1))
        self.root = "http://127.0.0.1:%d" % self.port

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
        return self.process.communicate(timeout=10)


@pytest.fixture
def running():
    started = []

    def start(*args, env=None):
        started.append(Running(*args, env=env))
        return started[-1]
    yield start
    for process in started:
        process.stop()


def test_prints_exactly_one_line_and_exits_0_on_sigterm(running, tmp_path):
    port_file = tmp_path / "port"
    simulator = running("--port-file", str(port_file))
    assert port_file.read_text() == "%d\n" % simulator.port
    response = requests.get(simulator.root + "/v1/endpoints", headers={"Authorization": "Bearer sim-key"}, timeout=5)
    assert response.status_code == 200
    simulator.process.send_signal(signal.SIGTERM)
    assert simulator.process.wait(timeout=5) == 0
    stdout, stderr = simulator.process.communicate()
    assert stdout == ""
    assert "GET /v1/endpoints" in stderr and "sim-key" not in stderr
    assert not port_file.exists()


def test_sigint_also_exits_0(running):
    simulator = running("--quiet")
    simulator.process.send_signal(signal.SIGINT)
    assert simulator.process.wait(timeout=5) == 0


def test_lifetime_stops_it_by_itself(running):
    started = time.monotonic()
    simulator = running("--lifetime", "0.5", "--quiet")
    assert simulator.process.wait(timeout=5) == 0
    assert time.monotonic() - started < 4


def test_shutdown_through_the_control_api(running):
    simulator = running("--quiet")
    assert requests.post(simulator.root + "/_simulator/shutdown", timeout=5).status_code == 200
    assert simulator.process.wait(timeout=5) == 0


def test_quiet_logs_nothing(running):
    simulator = running("--quiet")
    requests.get(simulator.root + "/v1/endpoints", timeout=5)
    simulator.process.send_signal(signal.SIGTERM)
    simulator.process.wait(timeout=5)
    assert simulator.process.communicate()[1] == ""


@pytest.mark.parametrize("scenario_retired, option, restart_status", [
    ("false", "--v1-retired", 403),
    ("true", "--no-v1-retired", 200),
])
def test_options_override_the_scenario(running, tmp_path, scenario_retired, option, restart_status):
    scenario = tmp_path / "scenario.yml"
    scenario.write_text("api_key: from-scenario\nauth_error_status: 403\nv1_retired: %s\nendpoints:\n"
                        "  - {id: endpoint-1, model: m, hardware: 1x_nvidia_l40, state: STOPPED}\n" % scenario_retired)
    simulator = running("--scenario", str(scenario), "--auth-error-status", "401", option, "--quiet")
    assert requests.get(simulator.root + "/v1/endpoints", timeout=5).status_code == 401
    headers = {"Authorization": "Bearer from-scenario"}
    assert requests.get(simulator.root + "/v1/endpoints/endpoint-1", headers=headers, timeout=5).status_code == 200
    restart = requests.patch(simulator.root + "/v1/endpoints/endpoint-1", json={"state": "STARTED"}, headers=headers, timeout=5)
    assert restart.status_code == restart_status
    if restart_status == 403:
        assert restart.json()["error"]["code"] == "endpoints_v1_create_access_disabled"


def test_v1_is_retired_by_default_as_at_together(running):
    simulator = running("--quiet")
    created = requests.post(simulator.root + "/v1/endpoints", headers={"Authorization": "Bearer sim-key"}, timeout=5,
                            json={"model": "m", "hardware": "1x_nvidia_l40", "autoscaling": {"min_replicas": 1, "max_replicas": 1}})
    assert created.status_code == 403 and created.json()["error"]["code"] == "endpoints_v1_create_access_disabled"


def test_api_key_precedence_option_then_environment(running):
    from_env = running("--quiet", env={"TOGETHER_SIM_API_KEY": "env-key"})
    assert requests.get(from_env.root + "/v1/hardware", headers={"Authorization": "Bearer env-key"}, timeout=5).status_code == 200
    from_option = running("--quiet", "--api-key", "option-key", env={"TOGETHER_SIM_API_KEY": "env-key"})
    assert requests.get(from_option.root + "/v1/hardware", headers={"Authorization": "Bearer option-key"}, timeout=5).status_code == 200
    assert requests.get(from_option.root + "/v1/hardware", headers={"Authorization": "Bearer env-key"}, timeout=5).status_code == 403


def test_a_bad_scenario_exits_2_with_the_reason(tmp_path):
    scenario = tmp_path / "bad.yml"
    scenario.write_text("endpoints:\n  - model: m\n")
    result = subprocess.run(RUN + ["--port", "0", "--scenario", str(scenario)], capture_output=True, text=True, timeout=10, check=False)
    assert result.returncode == 2
    assert "endpoints[0].hardware" in result.stderr and result.stdout == ""
