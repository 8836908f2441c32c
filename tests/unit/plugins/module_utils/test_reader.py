# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""EndpointReader: the v2 API built only when a v2 id or list needs it, and reads `concurrency` at a time."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.together.ai.plugins.module_utils import _reader
from ansible_collections.together.ai.plugins.module_utils._endpoints_v2 import V2_ID_PREFIX
from ansible_collections.together.ai.plugins.module_utils._reader import EndpointReader
from ansible_collections.together.ai.tests.unit.plugins.module_utils.test_endpoint_info import StubAPI
from ansible_collections.together.ai.plugins.module_utils._endpoint_info import EndpointInfo
from ansible_collections.together.ai.tests.unit.plugins.module_utils.test_endpoint_info import params
from ansible_collections.together.ai.tests.unit._helpers import FakeTime


class FakeAPI:
    """One API version: get_endpoint answers {id, state}; warnings, a project and a client as the real ones have."""

    def __init__(self, name, warnings=None):
        self.name = name
        self.read = []
        self.warnings = list(warnings or [])
        self.client = type("Client", (), {"timeout": 30.0, "deadline": None})()
        self.project = type("Project", (), {"resolve": lambda project: "proj_x"})()

    def get_endpoint(self, endpoint_id):
        self.read.append(endpoint_id)
        return {"id": endpoint_id, "state": "STARTED"}

    def list_endpoints(self, **kwargs):
        self.read.append(("list", kwargs))
        return []


class Factory:
    """Builds the v2 API on call, counting the calls."""

    def __init__(self):
        self.built = []

    def __call__(self):
        api = FakeAPI("v2", warnings=["v2 says so"])
        self.built.append(api)
        return api


def test_the_v2_prefix_is_the_v2_apis_own():
    assert _reader.V2_ID_PREFIX == V2_ID_PREFIX == "ep_"


def test_v1_reads_and_lists_never_build_the_v2_api():
    factory = Factory()
    reader = EndpointReader(FakeAPI("v1", warnings=["v1 says so"]), v2_factory=factory)
    assert reader.get_endpoints(["endpoint-a", "endpoint-b"])["endpoint-a"]["api_version"] == "v1"
    assert reader.get_endpoint("endpoint-c")["api_version"] == "v1"
    reader.list_endpoints({"type": "dedicated"}, 10)
    assert reader.warnings == ["v1 says so"]
    assert reader.v2_if_built is None
    assert factory.built == []
    assert reader.used_v2 is False


def test_a_v2_id_builds_the_v2_api_once():
    factory = Factory()
    reader = EndpointReader(FakeAPI("v1"), v2_factory=factory)
    reader.get_endpoints(["endpoint-a", "ep_b", "ep_c"])
    reader.get_endpoint("ep_d")
    assert len(factory.built) == 1
    assert factory.built[0].read[-1] == "ep_d" and sorted(factory.built[0].read[:2]) == ["ep_b", "ep_c"]
    assert reader.v2 is reader.v2_if_built is factory.built[0]
    assert reader.warnings == ["v2 says so"]
    assert reader.used_v2 is True


@pytest.mark.parametrize("api_version, filters", [("v2", {}), ("auto", {"name": "chat"})])
def test_a_v2_list_builds_the_v2_api(api_version, filters):
    factory = Factory()
    EndpointReader(FakeAPI("v1"), v2_factory=factory, api_version=api_version).list_endpoints(filters, 10)
    assert factory.built[0].read == [("list", {"name": filters.get("name"), "max_results": 10})]


def test_a_v2_api_given_as_is_is_used():
    v2 = FakeAPI("v2")
    reader = EndpointReader(FakeAPI("v1"), v2)
    reader.get_endpoint("ep_a")
    assert v2.read == ["ep_a"] and reader.v2 is v2


@pytest.mark.parametrize("concurrency", [1, 3, 64])
def test_get_endpoints_reads_concurrency_at_a_time(monkeypatch, concurrency):
    seen = []
    real = _reader.fetch_concurrently

    def fetch_concurrently(get_one, endpoint_ids, concurrency):
        seen.append(concurrency)
        return real(get_one, endpoint_ids, concurrency)

    monkeypatch.setattr(_reader, "fetch_concurrently", fetch_concurrently)
    reader = EndpointReader(FakeAPI("v1"), v2_factory=Factory(), concurrency=concurrency)
    assert len(reader.get_endpoints(["endpoint-a", "endpoint-b"])) == 2
    assert seen == [concurrency]


def test_the_default_concurrency_is_16():
    assert EndpointReader(FakeAPI("v1")).concurrency == 16


def test_a_wait_over_v1_ids_sets_the_deadline_without_building_v2():
    factory = Factory()
    reader = EndpointReader(FakeAPI("v1"), v2_factory=factory)
    request = EndpointInfo.from_params(params(endpoint_ids=["endpoint-a"], wait_for_state="STARTED", wait_timeout=60.0))
    fake_time = FakeTime()
    assert request.run(reader, clock=fake_time.clock, sleep=fake_time.sleep)["exists"] is True
    assert reader.v1.client.deadline is not None
    assert factory.built == []


def test_stub_apis_without_v2_if_built_still_get_their_deadline():
    # The readers of other callers (and tests) that have plain v1 / v2 attributes.
    api = StubAPI([{"a": "STARTED"}])
    api.v1 = FakeAPI("v1")
    api.v2 = FakeAPI("v2")
    request = EndpointInfo.from_params(params(endpoint_id="a", wait_for_state="STARTED", wait_timeout=60.0))
    request.run(api, clock=FakeTime().clock, sleep=FakeTime().sleep)
    assert api.v1.client.deadline is not None and api.v2.client.deadline is not None
