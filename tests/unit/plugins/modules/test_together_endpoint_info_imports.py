# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the module imports, run as its own process as Ansible runs it: every module process pays for its imports,
so a plain v1 read must load neither the v2 code nor a thread pool it does not use."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.together.ai.plugins.module_utils import _client

COLLECTION = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(_client.__file__))))
COLLECTIONS_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(COLLECTION)))
MODULE = os.path.join(COLLECTION, "plugins", "modules", "together_endpoint_info.py")
PREFIX = "ansible_collections.together.ai.plugins.module_utils."
V2_CODE = (PREFIX + "_endpoints_v2", PREFIX + "_v2_normalize")
# Runs the module as its own __main__ and writes, when the process ends, the names of every module it imported.
RUN_AND_LIST_IMPORTS = """
import atexit, json, runpy, sys
module, args, listing = sys.argv[1:4]
atexit.register(lambda: open(listing, "w").write(json.dumps(sorted(sys.modules))))
sys.argv = [module, args]
runpy.run_path(module, run_name="__main__")
"""

EP1 = "endpoint-d23901de-ef8f-44bf-b3e7-de9c1ca8f2d7"
EP2 = "endpoint-5c0c20db-62fe-4f41-8ffc-d9e4ea1a264e"


def run_and_list_imports(tmp_path, **module_args):
    args = tmp_path / "args.json"
    args.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": dict(module_args, api_key="sk-imports-test", max_retries=0)}))
    listing = tmp_path / "imported.json"
    environment = dict(os.environ, PYTHONPATH=COLLECTIONS_ROOT)
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "TOGETHER_PROJECT_ID"):
        environment.pop(name, None)
    completed = subprocess.run([sys.executable, "-c", RUN_AND_LIST_IMPORTS, MODULE, str(args), str(listing)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment, timeout=60, check=False)
    result = json.loads(completed.stdout.decode("utf-8"))
    return result, set(json.loads(listing.read_text()))


@pytest.fixture
def v1_api(loopback_api, fixture_json):
    for endpoint_id in (EP1, EP2):
        body = fixture_json("endpoint_started.json")
        body["id"] = endpoint_id
        loopback_api.routes["/v1/endpoints/%s" % endpoint_id] = (200, body)
    return loopback_api


def test_a_one_id_v1_read_imports_neither_the_v2_code_nor_a_thread_pool(tmp_path, v1_api):
    result, imported = run_and_list_imports(tmp_path, endpoint_id=EP1, base_url=v1_api.base_url)
    assert result["endpoint"]["id"] == EP1, result
    assert PREFIX + "_endpoints_v1" in imported and PREFIX + "_client" in imported
    assert not imported.intersection(V2_CODE)
    assert "concurrent.futures" not in imported


def test_a_several_ids_v1_read_imports_the_thread_pool_but_not_the_v2_code(tmp_path, v1_api):
    result, imported = run_and_list_imports(tmp_path, endpoint_ids=[EP1, EP2], base_url=v1_api.base_url)
    assert [item["id"] for item in result["endpoints"]] == [EP1, EP2], result
    assert "concurrent.futures" in imported
    assert not imported.intersection(V2_CODE)
