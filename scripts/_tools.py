"""Helpers shared by the make demo and make benchmark scripts (standard library only)."""

import json
import os
import pathlib
import shutil
import subprocess
import sys
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent


def say(text=""):
    print(text, flush=True)


def ansible_playbook(make_target):
    """The ansible-playbook beside this interpreter (the project's .venv), else the one on PATH."""
    beside = pathlib.Path(sys.executable).parent / "ansible-playbook"
    found = str(beside) if beside.exists() else shutil.which("ansible-playbook")
    if not found:
        sys.exit("ansible-playbook not found: run `make %s`, which sets up .venv first." % make_target)
    return found


class Simulator:
    """The bundled simulator (simulator/run.py) on a free loopback port; close() stops it whatever happens.

    The key reaches it through its environment (TOGETHER_SIM_API_KEY), never a command line; `lifetime`
    seconds after start it stops by itself, even if the script that started it is killed.
    """

    def __init__(self, workdir, scenario_path, api_key, lifetime):
        self.workdir = pathlib.Path(workdir)
        self.scenario_path = scenario_path
        self.api_key = api_key
        self.lifetime = lifetime
        self.log_path = self.workdir / "simulator.log"
        self.process = None
        self.log = None
        self.root_url = None

    @property
    def base_url(self):
        """The v1 base URL (TOGETHER_BASE_URL)."""
        return self.root_url + "/v1"

    def start(self):
        port_file = self.workdir / "simulator.port"
        if port_file.exists():
            port_file.unlink()
        env = dict(os.environ, TOGETHER_SIM_API_KEY=self.api_key)
        self.log = open(str(self.log_path), "w", encoding="utf-8")  # pylint: disable=consider-using-with
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, str(ROOT / "simulator" / "run.py"), "--port", "0", "--port-file", str(port_file),
             "--scenario", str(self.scenario_path), "--lifetime", str(int(self.lifetime)), "--quiet"],
            stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=str(ROOT))
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text(encoding="utf-8").strip():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.log.flush()
                raise RuntimeError("the simulator did not start:\n%s" % self.log_path.read_text(encoding="utf-8"))
            time.sleep(0.05)
        self.root_url = "http://127.0.0.1:%d" % int(port_file.read_text(encoding="utf-8").strip())
        return self

    def control(self, method, path, body=None):
        """Call the simulator's control API (/_simulator/..., loopback only, no key); the decoded answer."""
        data = json.dumps(body).encode("utf-8") if body is not None else (b"" if method == "POST" else None)
        request = urllib.request.Request(self.root_url + "/_simulator/" + path, method=method, data=data,
                                         headers={"Content-Type": "application/json"} if body is not None else {})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read().decode("utf-8") or "null")

    def close(self):
        try:
            if self.process is not None and self.process.poll() is None:
                try:
                    self.control("POST", "shutdown")
                    self.process.wait(timeout=10)
                except Exception:  # pylint: disable=broad-except
                    # Any trouble asking politely: stop it the hard way.
                    self.process.terminate()
                    try:
                        self.process.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        self.process.kill()
                        self.process.wait()
        finally:
            if self.log is not None:
                self.log.close()
                self.log = None
