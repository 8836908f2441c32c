# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Together's own clients for the contract tests: the venvs of simulator/tests/conftest.py, built here when missing.

The venvs are the simulator tests' (same names, same digest of requirements file and Python version, same lock), so
whichever of `make simulator-tests` and `make contract` runs first builds them and the other reuses them. `make
contract` runs in the collection copy, which is rebuilt on every run: TOGETHER_REFERENCE_BUILD_DIR points it at the
checkout's .build/simulator-reference so the venvs outlive the copy.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fcntl
import hashlib
import json
import os
import subprocess
import sys

from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTION_ROOT = os.path.dirname(os.path.dirname(HERE))
SIMULATOR_DIR = os.path.join(COLLECTION_ROOT, "simulator")
BUILD_DIR = os.environ.get("TOGETHER_REFERENCE_BUILD_DIR") or os.path.join(COLLECTION_ROOT, ".build", "simulator-reference")
# As simulator/tests/conftest.py's REFERENCE_CLIENTS.
CLIENTS = {
    "v1": ("together-1.6.0", os.path.join(SIMULATOR_DIR, "requirements-reference.txt")),
    "v2": ("together-3.1.1", os.path.join(SIMULATOR_DIR, "requirements-reference-v2.txt")),
}
SDK_SCRIPT = os.path.join(HERE, "_sdk_side.py")


class ReferenceUnavailable(Exception):
    """A reference venv could not be built (offline?)."""


def _read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def build_venv(name, requirements):
    """The venv holding one pinned reference client; built once, under the lock the simulator tests take too."""
    digest = hashlib.sha256((_read(requirements) + sys.version).encode("utf-8")).hexdigest()[:12]
    target = os.path.join(BUILD_DIR, "%s-%s" % (name, digest))
    marker = os.path.join(target, ".complete")
    if os.path.exists(marker):
        return target
    os.makedirs(BUILD_DIR, exist_ok=True)
    with open(os.path.join(BUILD_DIR, ".%s.lock" % name), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(marker):
            return target
        subprocess.run([sys.executable, "-m", "venv", "--clear", target], check=True, capture_output=True)
        result = subprocess.run([os.path.join(target, "bin", "python"), "-m", "pip", "install", "--quiet",
                                 "--disable-pip-version-check", "-r", requirements],
                                capture_output=True, text=True, timeout=600, check=False)
        if result.returncode != 0:
            raise ReferenceUnavailable("pip install -r %s failed:\n%s%s" % (requirements, result.stdout, result.stderr))
        with open(marker, "w") as handle:
            handle.write("ok\n")
    return target


def build_all():
    """{"v1": venv, "v2": venv}, both built side by side when missing."""
    with ThreadPoolExecutor(max_workers=len(CLIENTS)) as pool:
        futures = dict((key, pool.submit(build_venv, *value)) for key, value in CLIENTS.items())
        try:
            return dict((key, future.result()) for key, future in futures.items())
        except (subprocess.SubprocessError, OSError) as exc:
            raise ReferenceUnavailable(str(exc)) from exc


def client_env(proxy, home, project_id=None):
    """The environment of a reference client run: the simulator's key, no telemetry, no version check, no stored login."""
    env = dict(os.environ, TOGETHER_API_KEY="sim-key", TOGETHER_BASE_URL=proxy, TOGETHER_TELEMETRY_DISABLED="1",
               TOGETHER_DISABLE_VERSION_CHECK="1", HOME=home, NO_COLOR="1", COLUMNS="200")
    for name in ("TOGETHER_PROJECT_ID", "TOGETHER_INFERENCE_BASE_URL", "PYTHONPATH"):
        env.pop(name, None)
    if project_id:
        env["TOGETHER_PROJECT_ID"] = project_id
    return env


def run_sdk(venv, proxy, project_id, cases, home):
    """Run _sdk_side.py in a reference venv over [{case, op, args}]; returns {case: error or None}."""
    plan = json.dumps(dict(proxy=proxy, project_id=project_id, cases=cases))
    result = subprocess.run([os.path.join(venv, "bin", "python"), SDK_SCRIPT], input=plan, capture_output=True, text=True,
                            env=client_env(proxy, home), timeout=300, check=False)
    if result.returncode != 0:
        raise AssertionError("the SDK side failed (exit %d):\n%s%s" % (result.returncode, result.stdout, result.stderr))
    return json.loads(result.stdout)


def run_cli(venv, proxy, argv, home):
    """One `together` (3.1.1 CLI) command against the proxy; returns (exit code, stdout + stderr)."""
    result = subprocess.run([os.path.join(venv, "bin", "together")] + list(argv), capture_output=True, text=True,
                            env=client_env(proxy, home), timeout=300, check=False)
    return result.returncode, result.stdout + result.stderr
