# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""Reading v1 dedicated endpoints: GET /endpoints/{endpointId} and GET /endpoints, with shape checks."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.together.ai.plugins.module_utils._client import (
    TogetherError,
    api_says_not_found,
    error_details,
    quote_segment,
)
from ansible_collections.together.ai.plugins.module_utils._json_checks import json_kind
from ansible_collections.together.ai.plugins.module_utils._parallel import fetch_concurrently
from ansible_collections.together.ai.plugins.module_utils._readiness import STATES

# Required by the seed's DedicatedEndpoint schema (GET /endpoints/{endpointId}).
ENDPOINT_FIELDS = ("object", "id", "name", "display_name", "model", "hardware", "type", "owner",
                   "state", "autoscaling", "created_at")
# Required by the spec's ListEndpoint schema (GET /endpoints): no display_name, hardware or autoscaling.
LIST_ENDPOINT_FIELDS = ("object", "id", "name", "model", "type", "owner", "state", "created_at")
STRING_FIELDS = ("object", "id", "name", "display_name", "model", "hardware", "type", "owner", "state", "created_at")


def shape_problems(body, required):
    """What keeps a decoded body from being an endpoint object with the required fields (empty when fine)."""
    if not isinstance(body, dict):
        # An empty 2xx body decodes to None as well as a JSON null does.
        got = "empty (or JSON null)" if body is None else json_kind(body, show_value=False)
        return ["the response is %s, not an endpoint object" % got]
    problems = []
    missing = [field for field in required if field not in body]
    if missing:
        problems.append("missing required field%s %s" % ("s" if len(missing) > 1 else "", ", ".join(missing)))
    for field in STRING_FIELDS:
        if field in required and field in body and not isinstance(body[field], str):
            problems.append("field %s is %s, expected a string" % (field, json_kind(body[field], show_value=False)))
    if "autoscaling" in required and "autoscaling" in body:
        autoscaling = body["autoscaling"]
        if not isinstance(autoscaling, dict):
            problems.append("field autoscaling is %s, expected an object" % json_kind(autoscaling, show_value=False))
        else:
            for bound in ("min_replicas", "max_replicas"):
                value = autoscaling.get(bound)
                if bound not in autoscaling:
                    problems.append("missing required field autoscaling.%s" % bound)
                elif isinstance(value, bool) or not isinstance(value, int):
                    problems.append("field autoscaling.%s is %s, expected an integer"
                                    % (bound, json_kind(value, show_value=False)))
    return problems


class EndpointsV1:
    """The v1 dedicated endpoints API under base_url (for example https://api.together.ai/v1)."""

    def __init__(self, client, base_url):
        self.client = client
        self.base_url = base_url
        self.warnings = []

    def endpoint_url(self, endpoint_id):
        return "%s/endpoints/%s" % (self.base_url, quote_segment(endpoint_id))

    def get_endpoint(self, endpoint_id):
        """The endpoint as the API returned it, or None when the API said (HTTP 404) it does not exist."""
        url = self.endpoint_url(endpoint_id)
        try:
            status, body = self.client.get(url)
        except TogetherError as exc:
            raise exc.within("endpoint '%s'" % endpoint_id, endpoint_id=endpoint_id) from exc
        if api_says_not_found(status, body, url, "endpoint '%s'" % endpoint_id):
            return None
        problems = shape_problems(body, ENDPOINT_FIELDS)
        if problems:
            raise TogetherError("endpoint '%s': HTTP %d from %s is not a DedicatedEndpoint: %s"
                                % (endpoint_id, status, url, "; ".join(problems)), status=status, url=url)
        self._check_state(endpoint_id, body)
        return body

    def write_endpoint(self, method, endpoint_id, body=None):
        """One write (PATCH or DELETE) of an endpoint; the API's answer. A 404 to a DELETE is the endpoint already
        gone, returned as any answer; to any other write it raises. The caller says which write failed."""
        url = self.endpoint_url(endpoint_id)
        status, answer = self.client.request(method, url, json=body)
        if status == 404 and method != "DELETE":
            raise TogetherError("HTTP 404 from %s: %s" % (url, error_details(answer)[0] or "not found"),
                                status=404, url=url, endpoint_id=endpoint_id)
        return answer

    def get_endpoints(self, endpoint_ids):
        """{id: endpoint or None} for several ids, fetched concurrently over the one session."""
        return fetch_concurrently(self.get_endpoint, endpoint_ids)

    def list_endpoints(self, endpoint_type=None, usage_type=None, mine=None):
        """GET /endpoints with the optional filters; the items as the API listed them."""
        params = {}
        if endpoint_type is not None:
            params["type"] = endpoint_type
        if usage_type is not None:
            params["usage_type"] = usage_type
        if mine is not None:
            params["mine"] = "true" if mine else "false"
        url = "%s/endpoints" % self.base_url
        try:
            status, body = self.client.get(url, params=params or None)
        except TogetherError as exc:
            raise exc.within("listing endpoints") from exc
        if status == 404:
            raise TogetherError("listing endpoints: HTTP 404 from %s: the endpoints route was not found "
                                "(check base_url, it should end in /v1)" % url, status=status, url=url)
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            got = "an object without a data array" if isinstance(body, dict) else json_kind(body, show_value=False)
            raise TogetherError("listing endpoints: HTTP %d from %s is not a list of endpoints: expected an object "
                                "with a data array, got %s" % (status, url, got), status=status, url=url)
        for index, item in enumerate(body["data"]):
            problems = shape_problems(item, LIST_ENDPOINT_FIELDS)
            if problems:
                raise TogetherError("listing endpoints: item %d of the list from %s is not an endpoint: %s"
                                    % (index, url, "; ".join(problems)), status=status, url=url)
            self._check_state(item["id"], item)
        return body["data"]

    def _check_state(self, endpoint_id, endpoint):
        state = endpoint.get("state")
        if state not in STATES:
            self.warnings.append("endpoint '%s' reports state %r, which the API specification does not list; "
                                 "it is returned unchanged" % (endpoint_id, state))
