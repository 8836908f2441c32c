# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""Reading several things at once over the one HTTP session, each failure named."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.together.ai.plugins.module_utils._errors import TogetherError

# Concurrent GETs over one session: enough to hide latency, few enough to be polite to the API.
# The client's connection pool holds as many connections (_connection.settings_and_client).
MAX_PARALLEL_REQUESTS = 8


def fetch_concurrently(get_one, endpoint_ids):
    """{id: get_one(id)} for several ids, in parallel threads sharing one HTTP session.

    Every id is tried; when any fail, one TogetherError names each failed endpoint.
    """
    if len(endpoint_ids) == 1:
        return {endpoint_ids[0]: get_one(endpoint_ids[0])}
    results, errors = {}, []
    with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_REQUESTS, len(endpoint_ids))) as executor:
        futures = [(endpoint_id, executor.submit(get_one, endpoint_id)) for endpoint_id in endpoint_ids]
        for endpoint_id, future in futures:
            try:
                results[endpoint_id] = future.result()
            except TogetherError as exc:
                errors.append(exc)
    if errors:
        first = errors[0]
        raise TogetherError("; ".join(error.message for error in errors),
                            status=first.status, url=first.url, error_type=first.error_type, code=first.code)
    return results
