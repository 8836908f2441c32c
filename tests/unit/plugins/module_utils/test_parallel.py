# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""fetch_concurrently: how many reads run at once, and every failure named."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import sys
import threading

import pytest

from ansible_collections.together.ai.plugins.module_utils import _parallel
from ansible_collections.together.ai.plugins.module_utils._errors import TogetherError
from ansible_collections.together.ai.plugins.module_utils._parallel import (
    MAX_CONCURRENCY,
    MAX_PARALLEL_REQUESTS,
    MIN_CONCURRENCY,
    fetch_concurrently,
)


class InFlight:
    """get_one that records how many calls run at the same time.

    Each call of the first wave holds until `expected` calls run together (or 5 s pass), so the most seen is
    exactly the number of reads the pool runs at once, on a busy machine too: fewer and the first wave never
    fills (the most stays below `expected`), more and it goes above.
    """

    def __init__(self, expected):
        self.expected = expected
        self.condition = threading.Condition()
        self.running = 0
        self.most = 0
        self.filled = False
        self.threads = set()

    def __call__(self, endpoint_id):
        with self.condition:
            self.running += 1
            self.most = max(self.most, self.running)
            self.threads.add(threading.current_thread().name)
            if self.running >= self.expected:
                self.filled = True
                self.condition.notify_all()
            self.condition.wait_for(lambda: self.filled, timeout=5.0)
            self.running -= 1
        return {"id": endpoint_id}


def test_the_default_is_16_reads_at_a_time_within_the_bounds():
    assert MAX_PARALLEL_REQUESTS == 16
    assert (MIN_CONCURRENCY, MAX_CONCURRENCY) == (1, 64)


@pytest.mark.parametrize("concurrency", [2, 5, 16])
def test_no_more_than_concurrency_reads_run_at_once(concurrency):
    ids = ["ep-%02d" % index for index in range(3 * concurrency + 1)]
    get_one = InFlight(concurrency)
    found = fetch_concurrently(get_one, ids, concurrency)
    assert list(found) == ids
    assert get_one.most == concurrency


def test_the_default_runs_max_parallel_requests_at_once():
    ids = ["ep-%02d" % index for index in range(40)]
    get_one = InFlight(MAX_PARALLEL_REQUESTS)
    fetch_concurrently(get_one, ids)
    assert get_one.most == MAX_PARALLEL_REQUESTS


def test_fewer_ids_than_the_concurrency_start_only_as_many_threads():
    get_one = InFlight(3)
    fetch_concurrently(get_one, ["a", "b", "c"], 64)
    assert get_one.most == 3
    assert len(get_one.threads) == 3


def test_concurrency_one_reads_one_after_another_in_the_calling_thread():
    seen = []

    def get_one(endpoint_id):
        seen.append((endpoint_id, threading.current_thread().name))
        return {"id": endpoint_id}

    assert list(fetch_concurrently(get_one, ["a", "b", "c"], 1)) == ["a", "b", "c"]
    assert seen == [(name, threading.current_thread().name) for name in ("a", "b", "c")]


@pytest.mark.parametrize("concurrency", [1, 4])
def test_every_id_is_tried_and_each_failure_named(concurrency):
    def get_one(endpoint_id):
        if endpoint_id in ("b", "d"):
            raise TogetherError("endpoint '%s': HTTP 500 from x: boom" % endpoint_id, status=500, url="x/%s" % endpoint_id)
        return {"id": endpoint_id}

    with pytest.raises(TogetherError) as info:
        fetch_concurrently(get_one, ["a", "b", "c", "d"], concurrency)
    assert info.value.message == "endpoint 'b': HTTP 500 from x: boom; endpoint 'd': HTTP 500 from x: boom"
    assert (info.value.status, info.value.url) == (500, "x/b")


def test_one_id_raises_its_own_error_unchanged():
    failure = TogetherError("endpoint 'a': HTTP 403 from x: denied", status=403)

    def get_one(endpoint_id):  # pylint: disable=unused-argument
        raise failure

    with pytest.raises(TogetherError) as info:
        fetch_concurrently(get_one, ["a"])
    assert info.value is failure


def test_a_one_id_read_does_not_import_concurrent_futures(monkeypatch):
    # Every module process pays for its imports: a one-id read needs no thread pool.
    for name in [name for name in sys.modules if name == "concurrent.futures" or name.startswith("concurrent.futures.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "concurrent.futures", None)  # importing it now raises ImportError
    assert fetch_concurrently(lambda endpoint_id: {"id": endpoint_id}, ["a"]) == {"a": {"id": "a"}}
    assert fetch_concurrently(lambda endpoint_id: {"id": endpoint_id}, ["a", "b"], 1) == {"a": {"id": "a"}, "b": {"id": "b"}}
    with pytest.raises(ImportError):
        fetch_concurrently(lambda endpoint_id: {"id": endpoint_id}, ["a", "b"], 2)
    assert "ThreadPoolExecutor" not in vars(_parallel)
