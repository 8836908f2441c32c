# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""Reading several things at once over the one HTTP session, each failure named."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.together.ai.plugins.module_utils._errors import TogetherError

# Concurrent GETs over one session, by default: enough to hide 100 ms of latency (100 ids in 7 waves), few
# enough to be polite to the API. together_endpoint_info's concurrency option sets it per task, within
# MIN_CONCURRENCY..MAX_CONCURRENCY; the client's connection pool holds as many connections
# (_connection.settings_and_client), so no connection is opened twice.
MAX_PARALLEL_REQUESTS = 16
MIN_CONCURRENCY = 1
# A bound, so that one task over a large batch never floods the API (the shared 429 pause still applies).
MAX_CONCURRENCY = 64


def fetch_concurrently(get_one, endpoint_ids, concurrency=MAX_PARALLEL_REQUESTS):
    """{id: get_one(id)} for several ids, at most `concurrency` at a time in threads sharing one HTTP session.

    Every id is tried; when any fail, one TogetherError names each failed endpoint.
    """
    if len(endpoint_ids) == 1 or concurrency == 1:
        # One at a time needs no thread: a one-id read does not even import concurrent.futures.
        results, errors = {}, []
        for endpoint_id in endpoint_ids:
            try:
                results[endpoint_id] = get_one(endpoint_id)
            except TogetherError as exc:
                if len(endpoint_ids) == 1:
                    raise
                errors.append(exc)
        return _joined(results, errors)
    # Imported here, not at the top: a one-id read never needs it (every module process pays its imports).
    from concurrent.futures import ThreadPoolExecutor  # pylint: disable=import-outside-toplevel

    results, errors = {}, []
    with ThreadPoolExecutor(max_workers=min(concurrency, len(endpoint_ids))) as executor:
        futures = [(endpoint_id, executor.submit(get_one, endpoint_id)) for endpoint_id in endpoint_ids]
        for endpoint_id, future in futures:
            try:
                results[endpoint_id] = future.result()
            except TogetherError as exc:
                errors.append(exc)
    return _joined(results, errors)


def _joined(results, errors):
    """results, or one TogetherError naming every failed endpoint (the first one's HTTP context)."""
    if errors:
        first = errors[0]
        raise TogetherError("; ".join(error.message for error in errors),
                            status=first.status, url=first.url, error_type=first.error_type, code=first.code)
    return results
