# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""Reading v2 (project-scoped) endpoints: project resolution, GET/list, deployments, normalization."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import threading

from ansible_collections.together.ai.plugins.module_utils._client import (
    TogetherError,
    api_says_not_found,
    error_details,
    quote_segment,
)
from ansible_collections.together.ai.plugins.module_utils._v2_model import normalize_endpoint, short_state

# v2 lives at the host root; https://api.together.ai is where every v2 source points.
DEFAULT_V2_ROOT = "https://api.together.ai"
V2_ID_PREFIX = "ep_"
PAGE_SIZE = 100
# whoami types that carry a project; organization-scoped keys and plain user tokens do not.
PROJECT_WHOAMI_TYPES = ("project_api_key", "user_org_project_jwt")


def v2_root(base_url, base_url_given):
    """The host root for /v2 and /v3 paths: base_url without one trailing /v1, never .../v1/v2/..."""
    if not base_url_given:
        return DEFAULT_V2_ROOT
    return re.sub(r"/v1$", "", base_url.rstrip("/"))


class Project:
    """The project v2 calls are scoped to, resolved once per run."""

    def __init__(self, client, root, project_id=None):
        self.client = client
        self.root = root
        self.project_id = project_id
        self.project_slug = None
        self._lock = threading.Lock()
        self._resolved = project_id is not None

    def resolve(self):
        """The project id: the option, else GET /v3/whoami, else GET /v1/whoami. Raises TogetherError."""
        with self._lock:
            if not self._resolved:
                self.project_id, self.project_slug = self._whoami()
                self._resolved = True
        return self.project_id

    def _whoami(self):
        tried = []
        for path, reader in (("/v3/whoami", self._from_v3), ("/v1/whoami", self._from_v1)):
            url = self.root + path
            try:
                status, body = self.client.get(url)
            except TogetherError as exc:
                if exc.status == 404:  # an unknown route or a proxy's 404: this whoami is not there
                    tried.append(url)
                    continue
                exc.message = "resolving the project for the v2 API: %s" % exc.message
                raise
            if status == 404:
                tried.append(url)
                continue
            if not isinstance(body, dict):
                raise TogetherError("resolving the project for the v2 API: HTTP %d from %s is not a whoami object"
                                    % (status, url), status=status, url=url)
            return reader(body, url)
        raise TogetherError("resolving the project for the v2 API: HTTP 404 from %s: no whoami route; check base_url "
                            "(v2 calls use its host root), or set project_id / TOGETHER_PROJECT_ID"
                            % " and ".join(tried), status=404, url=tried[0])

    @staticmethod
    def _from_v3(body, url):
        project = body.get("project") if isinstance(body.get("project"), dict) else {}
        if body.get("type") not in PROJECT_WHOAMI_TYPES or not project.get("id"):
            raise TogetherError("resolving the project for the v2 API: %s says this credential is %s, which has no "
                                "project (an organization-scoped key?); set project_id or TOGETHER_PROJECT_ID"
                                % (url, body.get("type") or "of an unknown type"), url=url)
        return project["id"], project.get("slug")

    @staticmethod
    def _from_v1(body, url):
        if not body.get("project_id"):
            raise TogetherError("resolving the project for the v2 API: %s names no project_id for this key (an "
                                "organization-scoped key?); set project_id or TOGETHER_PROJECT_ID" % url, url=url)
        return body["project_id"], body.get("project_slug")


def _is_project_404(body):
    """Whether a 404 is about the project (a wrong project_id or base_url), not a missing endpoint.

    The live error codes are not public: a code naming the project decides, else a message that
    speaks of the project but not of an endpoint ("endpoint 'ep_x' not found in project 'p'" is a
    missing endpoint).
    """
    message, _error_type, code = error_details(body)
    code = str(code or "").lower()
    if "endpoint" in code:
        return False
    if "project" in code:
        return True
    message = (message or "").lower()
    return "project" in message and "endpoint" not in message


def _v2_shape_problems(body):
    if not isinstance(body, dict):
        return ["the response is not a JSON object"]
    problems = ["missing required field %s" % field for field in ("id", "name") if not isinstance(body.get(field), str)]
    for field in ("deployments", "trafficSplit"):
        if field in body and body[field] is not None and not isinstance(body[field], list):
            problems.append("field %s is not an array" % field)
    return problems


class EndpointsV2:
    """The v2 dedicated endpoints API: /v2/projects/{projectId}/endpoints under the host root."""

    def __init__(self, client, project, include_deployments=False, deployment=None):
        self.client = client
        self.project = project
        self.include_deployments = include_deployments
        self.deployment = deployment
        self.warnings = []

    def _endpoints_url(self):
        return "%s/v2/projects/%s/endpoints" % (self.project.root, quote_segment(self.project.resolve()))

    def _where(self, endpoint_id):
        return "endpoint '%s' in project '%s'" % (endpoint_id, self.project.project_id)

    def get_endpoint(self, endpoint_id):
        """The normalized endpoint, or None when the API answered 404 for it."""
        url = "%s/%s" % (self._endpoints_url(), quote_segment(endpoint_id))
        try:
            status, body = self.client.get(url)
        except TogetherError as exc:
            exc.message = "%s: %s" % (self._where(endpoint_id), exc.message)
            raise
        if status == 404:
            if _is_project_404(body):
                raise TogetherError("%s: HTTP 404 from %s: %s (check project_id and base_url)"
                                    % (self._where(endpoint_id), url, error_details(body)[0]), status=404, url=url)
            if api_says_not_found(status, body, url, self._where(endpoint_id)):
                return None
        problems = _v2_shape_problems(body)
        if problems:
            raise TogetherError("%s: HTTP %d from %s is not a v2 Endpoint: %s"
                                % (self._where(endpoint_id), status, url, "; ".join(problems)), status=status, url=url)
        full = self._full_deployments(endpoint_id, url) if self.include_deployments else None
        endpoint, warnings = normalize_endpoint(body, self.project.project_id, full, self.deployment)
        if full is None and short_state(endpoint["deployment_state"]) == "DEGRADED":
            # Summaries carry no status message; one more read says why the deployment is degraded.
            full = {endpoint["primary_deployment_id"]: self._deployment(endpoint_id, url, endpoint["primary_deployment_id"])}
            endpoint, warnings = normalize_endpoint(body, self.project.project_id, full, self.deployment)
        self.warnings.extend(warnings)
        return endpoint

    def _deployment(self, endpoint_id, endpoint_url, deployment_id):
        url = "%s/deployments/%s" % (endpoint_url, quote_segment(deployment_id))
        try:
            status, body = self.client.get(url)
        except TogetherError as exc:
            exc.message = "%s: %s" % (self._where(endpoint_id), exc.message)
            raise
        return body if status != 404 and isinstance(body, dict) else {}

    def _full_deployments(self, endpoint_id, endpoint_url):
        items = self._pages("%s/deployments" % endpoint_url, {}, None, self._where(endpoint_id))
        return dict((item["id"], item) for item in items if isinstance(item, dict) and isinstance(item.get("id"), str))

    def list_endpoints(self, name=None, max_results=None):
        """Every endpoint of the project (following next_cursor up to max_results), normalized."""
        params = {}
        if name:
            params["filter"] = 'name="%s"' % name.replace("\\", "\\\\").replace('"', '\\"')
        where = "listing v2 endpoints of project '%s'" % self.project.resolve()
        items = self._pages(self._endpoints_url(), params, max_results, where)
        endpoints = []
        for item in items:
            problems = _v2_shape_problems(item)
            if problems:
                raise TogetherError("%s: an item is not a v2 Endpoint: %s" % (where, "; ".join(problems)))
            endpoint, warnings = normalize_endpoint(item, self.project.project_id, None, self.deployment)
            self.warnings.extend(warnings)
            endpoints.append(endpoint)
        return endpoints

    def _pages(self, url, params, max_results, where):
        items, after, seen_cursors = [], None, set()
        while True:
            query = dict(params, limit=PAGE_SIZE)
            if after:
                query["after"] = after
            try:
                status, body = self.client.get(url, params=query)
            except TogetherError as exc:
                exc.message = "%s: %s" % (where, exc.message)
                raise
            if status == 404:
                message = error_details(body)[0] or "not found"
                raise TogetherError("%s: HTTP 404 from %s: %s (check project_id and base_url)" % (where, url, message),
                                    status=404, url=url)
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                raise TogetherError("%s: HTTP %d from %s is not a page: expected an object with a data array"
                                    % (where, status, url), status=status, url=url)
            items.extend(body["data"])
            after = body.get("next_cursor")
            if after in seen_cursors:
                # A cursor that comes back would page forever.
                raise TogetherError("%s: %s sent the page cursor %r twice; stopping" % (where, url, after), url=url)
            seen_cursors.add(after)
            if max_results is not None and len(items) >= max_results:
                if after or len(items) > max_results:
                    self.warnings.append("%s: stopped at max_results=%d; more endpoints exist" % (where, max_results))
                return items[:max_results]
            if not after:
                return items
