# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This plugin_utils is internal to together.ai: its API may change without notice. Do not import it.

"""Gate entries that name their endpoint (name: chat) instead of giving its id: which names, and the ids they are.

A v2 endpoint's name is <project slug>/<name>; an entry may give it bare (chat) or whole (my-project/chat), and
it is matched in the project the gate reads, as together_endpoint matches it. A v1 endpoint's name (its
inference name) matches whole. The role lists the endpoints once (v2, then v1) when an entry names one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.collections import is_sequence


def names_to_resolve(checks):
    """The names the entries gate by, in the order given (no validation: the policy check does that)."""
    if not is_sequence(checks):
        return []
    names = []
    for entry in checks:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str) and entry.get("endpoint_id") is None:
            if entry["name"] not in names:
                names.append(entry["name"])
    return names


def _bare(name):
    return (name or "").rsplit("/", 1)[-1]


def _matches(endpoint, wanted):
    name = endpoint.get("name") if isinstance(endpoint, dict) else None
    if not isinstance(name, str):
        return False
    if endpoint.get("api_version") == "v2" and "/" not in wanted:
        return _bare(name) == wanted
    return name == wanted


def resolve_names(listed, checks):
    """{name: {"id": endpoint id or None, "note": why it is None}} for every name the entries gate by.

    listed: the registered result of the role's list task (a loop over the v2 list, then the v1 list), or a
    list of endpoints. A name found in the v2 list is not looked for in the v1 list; one matching several
    endpoints resolves to none, naming them.
    """
    names = names_to_resolve(checks)
    if not names:
        return {}
    lists, failures = [], []
    results = listed.get("results") if isinstance(listed, dict) else None
    if results is None:
        lists.append(("", listed if is_sequence(listed) else []))
    for result in results or []:
        if not isinstance(result, dict) or result.get("skipped"):
            continue
        version = str(result.get("item") or "")
        if result.get("endpoints") is None:
            failures.append("the %s list could not be read: %s" % (version or "endpoint",
                                                                   result.get("msg") or "no answer"))
            continue
        lists.append((version, [item for item in result["endpoints"] if isinstance(item, dict)]))
    resolved = {}
    for name in names:
        matches = []
        for _version, endpoints in lists:
            matches = [item for item in endpoints if _matches(item, name)]
            if matches:
                break
        if len(matches) == 1:
            resolved[name] = {"id": matches[0].get("id"), "note": None}
        elif matches:
            resolved[name] = {"id": None, "note": "the name %s matches %d endpoints (%s); gate it by endpoint_id" % (
                name, len(matches), ", ".join(str(item.get("id")) for item in matches))}
        else:
            seen = sorted(set(_bare(item.get("name")) for _version, endpoints in lists for item in endpoints
                              if item.get("api_version") == "v2" and item.get("name")))
            note = "no endpoint is named %s in the project%s" % (
                name, "; its v2 endpoints are %s" % ", ".join(seen) if seen else "")
            resolved[name] = {"id": None, "note": "; ".join([note] + failures)}
    return resolved
