# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""The cost rule: what an endpoint can cost an hour at full scale, from the prices the API publishes. No I/O here.

A dedicated endpoint bills per running replica and hour, whatever its traffic. Its hourly ceiling is the sum, over its
deployments that are not stopped (v1: the endpoint, unless stopped), of max_replicas x the hourly price of its
hardware: v2 instance types publish priceCentsPerHour, v1 hardware pricing.cents_per_minute (x 60). In USD.
A hardware without a published price (absent from the catalog, or priced 0) is an unknown cost: the ceiling is then
unknown (None), and the hardware is named.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.together.ai.plugins.module_utils._models import hardware_key


def _number(value):
    return value if not isinstance(value, bool) and isinstance(value, (int, float)) and value > 0 else None


class PriceList:
    """Hourly prices in USD by hardware: v2 instance types by name, v1 hardware by id."""

    def __init__(self, v2_instance_types=None, v1_hardware=None):
        self.v2 = {}
        for item in v2_instance_types or []:
            cents = _number(item.get("priceCentsPerHour")) if isinstance(item, dict) else None
            if isinstance(item, dict) and item.get("name"):
                self.v2[hardware_key(item["name"])] = cents / 100.0 if cents else None
        self.v1 = {}
        for item in v1_hardware or []:
            pricing = item.get("pricing") if isinstance(item, dict) else None
            cents = _number(pricing.get("cents_per_minute")) if isinstance(pricing, dict) else None
            if isinstance(item, dict) and item.get("id"):
                self.v1[item["id"]] = cents * 60 / 100.0 if cents else None

    def hourly(self, hardware, api_version="v2"):
        """USD per replica and hour, or None when no price is published for it."""
        if api_version == "v1":
            return self.v1.get(hardware)
        return self.v2.get(hardware_key(hardware))


def ceiling_of_deployments(deployments, prices, api_version="v2"):
    """The ceiling of deployments given as {name: {hardware, max_replicas}} (a --diff view): a dict with usd_per_hour
    (None when a running deployment's hardware has no price), the breakdown by deployment, and the unpriced hardware."""
    breakdown, unpriced, total = [], [], 0.0
    for name in sorted(deployments):
        view = deployments[name] or {}
        replicas = view.get("max_replicas") or 0
        if not replicas:
            continue  # stopped (0/0): it costs nothing
        hardware = view.get("hardware")
        price = prices.hourly(hardware, api_version) if hardware else None
        usd = round(replicas * price, 4) if price is not None else None
        breakdown.append(dict(deployment=name, max_replicas=replicas, hardware=hardware, usd_per_replica_hour=price,
                              usd_per_hour=usd))
        if price is None:
            unpriced.append(hardware or "(unknown hardware)")
        else:
            total += usd
    return dict(usd_per_hour=None if unpriced else round(total, 4), breakdown=breakdown,
                unpriced_hardware=sorted(set(unpriced)))


def endpoint_ceiling(endpoint, prices):
    """The ceiling of a normalized endpoint (together_endpoint_info's shape), v1 or v2."""
    if endpoint is None:
        return None
    if endpoint.get("api_version") == "v2":
        views = dict(((item.get("name") or item["id"]).rsplit("/", 1)[-1], item) for item in endpoint.get("deployments") or [])
        return ceiling_of_deployments(views, prices)
    stopped = endpoint.get("state") in ("STOPPED", "STOPPING")
    view = dict(hardware=endpoint.get("hardware"),
                max_replicas=0 if stopped else (endpoint.get("autoscaling") or {}).get("max_replicas") or 0)
    return ceiling_of_deployments({endpoint.get("display_name") or endpoint.get("id"): view}, prices, api_version="v1")


def describe(ceiling):
    """One line: '$12.34/h: blue 2 x 1xnvidia-h100-80gb at $3.99/h, ...'."""
    if ceiling is None:
        return "no endpoint"
    parts = []
    for item in ceiling["breakdown"]:
        price = ("$%.2f/h" % item["usd_per_replica_hour"]) if item["usd_per_replica_hour"] is not None else "no published price"
        parts.append("%s %d x %s at %s" % (item["deployment"], item["max_replicas"], item["hardware"], price))
    total = ("$%.2f/h" % ceiling["usd_per_hour"]) if ceiling["usd_per_hour"] is not None else "unknown"
    return "%s (%s)" % (total, "; ".join(parts) if parts else "nothing runs")


def add_ceilings(result, prices):
    """Give each endpoint of an info result (endpoints, endpoint) its hourly_cost_ceiling; warn for unpriced hardware."""
    warnings = []
    for endpoint in result.get("endpoints") or []:
        ceiling = endpoint_ceiling(endpoint, prices)
        endpoint["hourly_cost_ceiling"] = ceiling
        if ceiling and ceiling["unpriced_hardware"]:
            warnings.append("endpoint '%s': no published price for %s, so its hourly cost ceiling is unknown"
                            % (endpoint.get("id"), ", ".join(ceiling["unpriced_hardware"])))
    if result.get("endpoint") is not None and result.get("endpoints"):
        result["endpoint"]["hourly_cost_ceiling"] = result["endpoints"][0].get("hourly_cost_ceiling")
    return warnings


def price_list(catalog, endpoints):
    """The prices the endpoints need, read once: v2 instance types and/or v1 hardware (HardwareCatalog)."""
    versions = set(item.get("api_version") for item in endpoints)
    return PriceList(v2_instance_types=catalog.instance_types() if "v2" in versions else None,
                     v1_hardware=catalog.v1_hardware() if versions - set(["v2"]) else None)


def view_ceiling(view, prices, api_version="v2"):
    """The ceiling of a together_endpoint --diff view (before or after); {} (no endpoint) costs nothing."""
    if not view:
        return ceiling_of_deployments({}, prices, api_version)
    if api_version == "v2":
        return ceiling_of_deployments(view.get("deployments") or {}, prices)
    stopped = view.get("state") in ("STOPPED", "STOPPING")
    return ceiling_of_deployments({"endpoint": dict(hardware=view.get("hardware"),
                                                    max_replicas=0 if stopped else view.get("max_replicas") or 0)},
                                  prices, api_version="v1")


def plan_ceilings(before_view, after_view, prices, api_version="v2"):
    """(before, after, peak): the peak counts the deployments a plan retires at their old bounds, as they run until
    the ones that take their traffic are READY (blue/green: both count while both run)."""
    before = view_ceiling(before_view, prices, api_version)
    after = view_ceiling(after_view, prices, api_version)
    if api_version != "v2" or not before_view:
        return before, after, after
    during = dict((before_view.get("deployments") or {}))
    during.update((after_view or {}).get("deployments") or {})
    return before, after, ceiling_of_deployments(during, prices)
