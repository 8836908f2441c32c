# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""Checks of options several modules share (endpoint ids), each failing with OptionError naming the option."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.together.ai.plugins.module_utils._errors import OptionError


def endpoint_id_problem(value):
    """What is wrong with one endpoint id (None when nothing), in words that follow the option's name."""
    if not value.strip():
        return "must not be empty"
    if value != value.strip():
        return "must not start or end with white space, got %r" % value
    if value in (".", ".."):
        # HTTP clients and proxies resolve these as path navigation, so they can never name an endpoint.
        return "must not be %r, which is path navigation, not an endpoint id" % value
    return None


def endpoint_ids_from_params(params):
    """(ids, single) from the endpoint_id / endpoint_ids options: ([id], True), (ids without repeats, False),
    or (None, False) when neither is set. Raises OptionError naming the option (and the index) at fault."""
    endpoint_id, endpoint_ids = params.get("endpoint_id"), params.get("endpoint_ids")
    if endpoint_id is not None:
        problem = endpoint_id_problem(endpoint_id)
        if problem:
            raise OptionError("endpoint_id %s" % problem)
        return [endpoint_id], True
    if endpoint_ids is None:
        return None, False
    if not endpoint_ids:
        raise OptionError("endpoint_ids must list at least one endpoint id")
    ids = []
    for index, value in enumerate(endpoint_ids):
        problem = endpoint_id_problem(value or "")
        if problem:
            raise OptionError("endpoint_ids[%d] %s" % (index, problem))
        if value not in ids:
            ids.append(value)
    return ids, False
