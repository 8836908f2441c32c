# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The cost rule: an endpoint's hourly ceiling from the prices the API publishes (no I/O)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.together.ai.plugins.module_utils._cost import (
    PriceList,
    add_ceilings,
    describe,
    endpoint_ceiling,
    plan_ceilings,
)

PRICES = PriceList(
    v2_instance_types=[{"name": "1xnvidia-h100-80gb", "priceCentsPerHour": 399},
                       {"name": "2xnvidia-h100-80gb", "priceCentsPerHour": 798},
                       {"name": "1xnvidia-gh200-96gb", "priceCentsPerHour": 0}],
    v1_hardware=[{"id": "1x_nvidia_a100_80gb_sxm", "pricing": {"cents_per_minute": 4.27}}])


def v2(*deployments):
    return {"api_version": "v2", "id": "ep_x", "deployments": [
        dict(name="p/chat/%s" % name, hardware=hardware, max_replicas=maximum) for name, hardware, maximum in deployments]}


def test_blue_and_green_both_count_while_both_run_and_stopped_ones_count_zero():
    ceiling = endpoint_ceiling(v2(("blue", "1xnvidia-h100-80gb", 3), ("green", "2xnvidia-h100-80gb", 2),
                                  ("old", "2xnvidia-h100-80gb", 0)), PRICES)
    assert ceiling["usd_per_hour"] == 3 * 3.99 + 2 * 7.98
    assert [item["deployment"] for item in ceiling["breakdown"]] == ["blue", "green"]
    assert describe(ceiling) == ("$27.93/h (blue 3 x 1xnvidia-h100-80gb at $3.99/h; green 2 x 2xnvidia-h100-80gb at "
                                 "$7.98/h)")


def test_a_hardware_without_a_published_price_makes_the_ceiling_unknown():
    ceiling = endpoint_ceiling(v2(("blue", "1xnvidia-h100-80gb", 1), ("gh", "1xnvidia-gh200-96gb", 1),
                                  ("lost", "9xnvidia-zz-1gb", 1)), PRICES)
    assert ceiling["usd_per_hour"] is None
    assert ceiling["unpriced_hardware"] == ["1xnvidia-gh200-96gb", "9xnvidia-zz-1gb"]


def test_v1_is_cents_per_minute_times_sixty_and_a_stopped_endpoint_costs_nothing():
    endpoint = {"api_version": None, "id": "endpoint-1", "display_name": "legacy", "state": "STARTED",
                "hardware": "1x_nvidia_a100_80gb_sxm", "autoscaling": {"min_replicas": 1, "max_replicas": 2}}
    assert endpoint_ceiling(endpoint, PRICES)["usd_per_hour"] == round(2 * 4.27 * 60 / 100, 4)
    assert endpoint_ceiling(dict(endpoint, state="STOPPED"), PRICES)["usd_per_hour"] == 0


def test_a_plans_peak_counts_what_it_retires_beside_what_replaces_it():
    before = {"deployments": {"blue": {"hardware": "1xnvidia-h100-80gb", "max_replicas": 2}}}
    after = {"deployments": {"green": {"hardware": "2xnvidia-h100-80gb", "max_replicas": 1}}}
    old, new, peak = plan_ceilings(before, after, PRICES)
    assert (old["usd_per_hour"], new["usd_per_hour"], peak["usd_per_hour"]) == (7.98, 7.98, 15.96)


def test_add_ceilings_gives_every_endpoint_its_ceiling_and_warns_for_unpriced_hardware():
    result = {"endpoints": [v2(("blue", "1xnvidia-h100-80gb", 1)), v2(("gh", "1xnvidia-gh200-96gb", 1))], "endpoint": None}
    warnings = add_ceilings(result, PRICES)
    assert [item["hourly_cost_ceiling"]["usd_per_hour"] for item in result["endpoints"]] == [3.99, None]
    assert warnings == ["endpoint 'ep_x': no published price for 1xnvidia-gh200-96gb, so its hourly cost ceiling is unknown"]
