# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""Checks of decoded JSON against the shapes the API documents, with messages naming each field at fault."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar
import math
import re
import time


RFC3339 = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)?$", re.IGNORECASE)


def timestamp(value):
    """Seconds since the epoch of an RFC 3339 time, or -1 (older than any) when absent or unreadable.

    Compared as text, protobuf-JSON's 0, 3, 6 or 9 fraction digits would sort wrongly.
    """
    match = RFC3339.match(value) if isinstance(value, str) else None
    if not match:
        return -1.0
    base, fraction, zone = match.groups()
    try:
        seconds = calendar.timegm(time.strptime(base, "%Y-%m-%dT%H:%M:%S")) + float(fraction or 0)
    except ValueError:  # matches the pattern but is no date, such as month 13
        return -1.0
    if zone and zone.upper() != "Z":
        sign = 1 if zone[0] == "+" else -1
        seconds -= sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    return seconds


KIND_NAMES = {"string": "a string", "number": "a number", "count": "a whole number of 0 or more",
              "time": "an RFC 3339 time", "object": "an object", "array": "an array"}


def json_kind(value, show_value=True):
    """How a JSON value reads in an error message; with show_value, strings and numbers quote (the start of) it."""
    if isinstance(value, list):
        return "a JSON array"
    if value is None:
        return "null"
    if isinstance(value, str):
        if not show_value:
            return "a JSON string"
        return "a JSON string %r" % (value[:40] + ("..." if len(value) > 40 else ""))
    if isinstance(value, bool):
        return "a JSON boolean"
    if isinstance(value, (int, float)):
        return "a JSON number %r" % value if show_value else "a JSON number"
    return "a JSON object"


def _fits(value, kind):
    if kind == "string":
        return isinstance(value, str)
    if kind == "time":
        return isinstance(value, str) and timestamp(value) != -1.0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return False
    return kind == "number" or (value >= 0 and value == int(value))


def schema_problems(value, schema, where=""):
    """Each field of value that is not what schema says, as "field a.b[0].c is X, expected Y"."""
    if not isinstance(value, dict):
        return ["%s is %s, expected an object" % ("field " + where if where else "the response", json_kind(value))]
    problems = []
    for field, kind in schema.items():
        if value.get(field) is None:
            continue
        item, name = value[field], "%s%s" % (where + "." if where else "", field)
        if isinstance(kind, dict):
            problems.extend(schema_problems(item, kind, name))
        elif isinstance(kind, list):
            if not isinstance(item, list):
                problems.append("field %s is %s, expected an array" % (name, json_kind(item)))
                continue
            for index, element in enumerate(item):
                problems.extend(schema_problems(element, kind[0], "%s[%d]" % (name, index)))
        elif not _fits(item, kind):
            problems.append("field %s is %s, expected %s" % (name, json_kind(item), KIND_NAMES[kind]))
    return problems
