# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The EDA tests' plumbing: the bundled simulator on 127.0.0.1 (a free port, it stops by itself) and the scenario steps."""

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
# tests/eda -> the collection root (a checkout, a build copy or the installed tarball).
COLLECTION_ROOT = os.path.dirname(os.path.dirname(HERE))
SCENARIO = os.path.join(HERE, "scenario.yml")
# A key no other test uses, so a search of the events for it means something.
API_KEY = "sim-eda-key-7f3a9c"
SOURCE_MODULE = "ansible_collections.together.ai.extensions.eda.plugins.event_source.endpoint_events"


class Simulator:
    """simulator/run.py on a free loopback port; close() stops it (and --lifetime does, whatever happens)."""

    def __init__(self, lifetime=300):
        self.workdir = tempfile.mkdtemp(prefix="together-eda-sim-")
        port_file = os.path.join(self.workdir, "port")
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(COLLECTION_ROOT, "simulator", "run.py"), "--port", "0", "--port-file", port_file,
             "--lifetime", str(lifetime), "--quiet", "--api-key", API_KEY, "--scenario", SCENARIO],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while not (os.path.exists(port_file) and open(port_file).read().strip()):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError("the simulator did not start")
            time.sleep(0.05)
        with open(port_file) as handle:
            self.root = "http://127.0.0.1:%d" % int(handle.read().strip())

    @property
    def base_url(self):
        return self.root + "/v1"

    def call(self, method, path, body=None, auth=True):
        request = urllib.request.Request(self.root + path, method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        if auth:
            request.add_header("Authorization", "Bearer " + API_KEY)
        with urllib.request.urlopen(request, timeout=10) as answer:
            text = answer.read()
        return json.loads(text) if text else None

    def fail_deployment(self, deployment_id="dep_eda_blue"):
        """Force a v2 deployment FAILED through the control API."""
        self.call("POST", "/_simulator/deployments/%s/state" % deployment_id,
                  {"state": "FAILED", "message": "Timed out waiting for readiness"}, auth=False)

    def unroute(self, endpoint_id="ep_eda_split", project="proj_demo"):
        """Empty an endpoint's traffic split through the API (PATCH with the etag and updateMask=trafficSplit)."""
        path = "/v2/projects/%s/endpoints/%s" % (project, endpoint_id)
        etag = self.call("GET", path)["etag"]
        self.call("PATCH", path + "?updateMask=trafficSplit", {"trafficSplit": [], "etag": etag})

    def request_count(self):
        """How many API requests the simulator has logged so far."""
        return len(self.call("GET", "/_simulator/requests", auth=False)["requests"])

    def close(self):
        if self.process.poll() is None:
            try:
                self.call("POST", "/_simulator/shutdown", {}, auth=False)
            except Exception:  # pylint: disable=broad-exception-caught
                pass
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
