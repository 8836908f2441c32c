# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The source's main() with a queue, against the simulator: a failing deployment, an unrouted endpoint, a quiet period."""

import asyncio
import importlib
import json

import pytest

from _simulator import API_KEY, SOURCE_MODULE, Simulator

source = importlib.import_module(SOURCE_MODULE)
INTERVAL = 0.3
STEP_TIMEOUT = 20


@pytest.fixture()
def simulator():
    sim = Simulator()
    yield sim
    sim.close()


async def _take(queue, count, timeout):
    """count events, or those that came before timeout seconds passed."""
    events = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while len(events) < count:
        try:
            events.append(await asyncio.wait_for(queue.get(), max(0.0, deadline - loop.time())))
        except asyncio.TimeoutError:
            break
    return events


def _summary(events):
    return [(e["together"]["change"], e["together"]["endpoint_id"], e["together"]["state"],
             e["together"]["previous_state"], e["together"]["serving"]) for e in events]


def test_the_source_against_the_simulator(simulator, monkeypatch):
    monkeypatch.setenv("TOGETHER_API_KEY", API_KEY)
    monkeypatch.delenv("TOGETHER_PROJECT_ID", raising=False)

    async def scenario():
        queue = asyncio.Queue()
        task = asyncio.create_task(source.main(queue, dict(base_url=simulator.base_url, interval=INTERVAL,
                                                           initial_events=True, min_replicas_at_least=1)))
        try:
            initial = await _take(queue, 3, STEP_TIMEOUT)
            await asyncio.to_thread(simulator.fail_deployment)
            failing = await _take(queue, 3, STEP_TIMEOUT)
            await asyncio.to_thread(simulator.unroute)
            unrouted = await _take(queue, 1, STEP_TIMEOUT)
            # A quiet period of about ten polls: nothing changes, so nothing comes (while the polls go on).
            before = await asyncio.to_thread(simulator.request_count)
            quiet = await _take(queue, 1, INTERVAL * 10)
            polled = await asyncio.to_thread(simulator.request_count) - before
            assert not task.done()
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        return initial, failing, unrouted, quiet, polled

    initial, failing, unrouted, quiet, polled = asyncio.run(scenario())
    assert _summary(initial) == [
        ("initial", "endpoint-eda-v1", "STARTED", None, True),
        ("initial", "ep_eda_fail", "STARTED", None, True),
        ("initial", "ep_eda_split", "STARTED", None, True),
    ]
    assert _summary(failing) == [
        ("state", "ep_eda_fail", "ERROR", "STARTED", False),
        ("serving", "ep_eda_fail", "ERROR", "STARTED", False),
        ("deployment_failed", "ep_eda_fail", "ERROR", "STARTED", False),
    ]
    deployment = failing[2]["together"]["deployment"]
    assert deployment["id"] == "dep_eda_blue"
    assert deployment["state"] == "DEPLOYMENT_STATE_FAILED"
    assert deployment["status_message"] == "Timed out waiting for readiness"
    assert _summary(unrouted) == [("serving", "ep_eda_split", "STARTED", "STARTED", False)]
    assert unrouted[0]["together"]["endpoint"]["traffic_split"] == []
    assert quiet == []
    assert polled >= 5, "the source stopped polling in the quiet period (%d requests)" % polled
    everything = json.dumps(initial + failing + unrouted + quiet)
    assert API_KEY not in everything
    assert '"raw"' not in everything
    print("\nevents of the failing-deployment scenario:\n" + json.dumps(failing, indent=2, sort_keys=True))
