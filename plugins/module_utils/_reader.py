# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""The reader that sends each endpoint id (and each list) to the API version it lives in: v1 or v2."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.together.ai.plugins.module_utils._parallel import MAX_PARALLEL_REQUESTS, fetch_concurrently

# List filters of each API version: v1 filters by type, usage and owner, v2 by name.
LIST_FILTERS = ("type", "usage_type", "mine")
V2_LIST_FILTERS = ("name",)
# The prefix of v2 endpoint ids (_endpoints_v2.V2_ID_PREFIX), here too so that routing an id does not import v2.
V2_ID_PREFIX = "ep_"


class EndpointReader:
    """Reads each endpoint through the API version it lives in: v1 (endpoint-...) or v2 (ep_...).

    v2 is the v2 API, or v2_factory() builds it on first use: a task that reads only v1 endpoints then never
    imports or builds the v2 code (every module process pays for what it imports). concurrency: how many reads
    of get_endpoints run at a time.
    """

    def __init__(self, v1, v2=None, api_version="auto", project_known=False, v2_factory=None,
                 concurrency=MAX_PARALLEL_REQUESTS):
        self.v1 = v1
        self._v2 = v2
        self._v2_factory = v2_factory
        self.api_version = api_version
        self.project_known = project_known
        self.concurrency = concurrency
        self.used_v2 = False

    @property
    def v2(self):
        if self._v2 is None and self._v2_factory is not None:
            self._v2 = self._v2_factory()
        return self._v2

    @property
    def v2_if_built(self):
        """The v2 API if something built it, else None (never builds it)."""
        return self._v2

    @property
    def warnings(self):
        return self.v1.warnings + (self._v2.warnings if self._v2 is not None else [])

    def version_for(self, endpoint_id):
        if self.api_version != "auto":
            return self.api_version
        return "v2" if endpoint_id.startswith(V2_ID_PREFIX) else "v1"

    def get_endpoint(self, endpoint_id):
        if self.version_for(endpoint_id) == "v2":
            self.used_v2 = True
            return self.v2.get_endpoint(endpoint_id)
        endpoint = self.v1.get_endpoint(endpoint_id)
        return None if endpoint is None else dict(endpoint, api_version="v1")

    def get_endpoints(self, endpoint_ids):
        if any(self.version_for(endpoint_id) == "v2" for endpoint_id in endpoint_ids):
            self.used_v2 = True
            # Resolve the project once, before the parallel reads, so a failure is reported once.
            self.v2.project.resolve()
        return fetch_concurrently(self.get_endpoint, endpoint_ids, self.concurrency)

    def list_version(self, filters):
        if self.api_version != "auto":
            return self.api_version
        if any(name in filters for name in V2_LIST_FILTERS):
            return "v2"
        if any(name in filters for name in LIST_FILTERS):
            return "v1"
        return "v2" if self.project_known else "v1"

    def list_endpoints(self, filters, max_results):
        if self.list_version(filters) == "v2":
            self.used_v2 = True
            return self.v2.list_endpoints(name=filters.get("name"), max_results=max_results)
        endpoints = self.v1.list_endpoints(endpoint_type=filters.get("type"), usage_type=filters.get("usage_type"),
                                           mine=filters.get("mine"))
        return [dict(endpoint, api_version="v1") for endpoint in endpoints]
