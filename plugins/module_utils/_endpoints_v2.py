# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""Reading v2 (project-scoped) endpoints: project resolution (whoami), GET and list (paged), deployments and
readable model names; each endpoint normalized to the v1 vocabulary by _v2_normalize."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

from ansible_collections.together.ai.plugins.module_utils._client import (
    TogetherError,
    api_says_not_found,
    error_details,
    quote_segment,
)
from ansible_collections.together.ai.plugins.module_utils._json_checks import json_kind, schema_problems
from ansible_collections.together.ai.plugins.module_utils._readiness import EXPLAINED_STATES, short_state
from ansible_collections.together.ai.plugins.module_utils._v2_normalize import (
    DEPLOYMENT_SCHEMA,
    add_model_names,
    endpoint_problems,
    model_resource,
    normalize_endpoint,
)

V2_ID_PREFIX = "ep_"
PAGE_SIZE = 100
# A list that sends this many empty pages in a row, each with a cursor, would page for ever.
MAX_EMPTY_PAGES = 3
# 500 pages of 100 are far beyond any project; a list longer than that is a server that never ends.
MAX_PAGES = 500
# Far beyond any catalog or model list: a list longer than this is a server that never ends.
MAX_LISTED = 10000
# whoami types that carry a project; organization-scoped keys and plain user tokens do not.
PROJECT_WHOAMI_TYPES = ("project_api_key", "user_org_project_jwt")


class Project:
    """The project v2 calls are scoped to, resolved once per run."""

    def __init__(self, client, root, project_id=None):
        self.client = client
        self.root = root
        self.project_id = project_id
        self.project_slug = None
        self._lock = threading.Lock()
        self._resolved = project_id is not None
        self._slug_asked = False

    def resolve(self):
        """The project id: the option, else GET /v3/whoami, else GET /v1/whoami. Raises TogetherError."""
        with self._lock:
            if not self._resolved:
                self.project_id, self.project_slug = self._whoami()
                self._resolved = self._slug_asked = True
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
                raise exc.within("resolving the project for the v2 API") from exc
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

    def slug(self):
        """The project's slug (whoami tells it), or None when it cannot be told; whoami is asked at most once."""
        with self._lock:
            if self.project_slug is None and not self._slug_asked:
                self._slug_asked = True
                try:
                    project_id, slug = self._whoami()
                except TogetherError:
                    return None
                if not self._resolved:
                    self.project_id, self._resolved = project_id, True  # the same answer resolve() would ask for
                if project_id == self.project_id:
                    self.project_slug = slug  # else the key's own project is not the one managed: its slug names nothing
        return self.project_slug

    @staticmethod
    def _from_v3(body, url):
        _check_whoami(body, url, dict(type="string", project={"id": "string", "slug": "string"}))
        project = body.get("project") or {}
        if body.get("type") not in PROJECT_WHOAMI_TYPES or not project.get("id"):
            raise TogetherError("resolving the project for the v2 API: %s says this credential is %s, which has no "
                                "project (an organization-scoped key?); set project_id or TOGETHER_PROJECT_ID"
                                % (url, body.get("type") or "of an unknown type"), url=url)
        return project["id"], project.get("slug")

    @staticmethod
    def _from_v1(body, url):
        _check_whoami(body, url, dict(project_id="string", project_slug="string"))
        if not body.get("project_id"):
            raise TogetherError("resolving the project for the v2 API: %s names no project_id for this key (an "
                                "organization-scoped key?); set project_id or TOGETHER_PROJECT_ID" % url, url=url)
        return body["project_id"], body.get("project_slug")


def _check_whoami(body, url, schema):
    problems = schema_problems(body, schema)
    if problems:
        raise TogetherError("resolving the project for the v2 API: %s is not a whoami answer: %s"
                            % (url, "; ".join(problems)), url=url)


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


class EndpointsV2:
    """The v2 dedicated endpoints API: /v2/projects/{projectId}/endpoints under the host root."""

    def __init__(self, client, project, include_deployments=False, deployment=None):
        self.client = client
        self.project = project
        self.include_deployments = include_deployments
        self.deployment = deployment
        self.warnings = []
        # model path -> readable name or None, read once per task (a wait polls the same models again and again).
        self._model_names = {}
        self._model_lock = threading.Lock()

    def _endpoints_url(self):
        return "%s/v2/projects/%s/endpoints" % (self.project.root, quote_segment(self.project.resolve()))

    def _where(self, endpoint_id):
        return "endpoint '%s' in project '%s'" % (endpoint_id, self.project.project_id)

    def get_endpoint(self, endpoint_id):
        """The normalized endpoint, or None when the API said (HTTP 404) it does not exist."""
        url = "%s/%s" % (self._endpoints_url(), quote_segment(endpoint_id))
        try:
            status, body = self.client.get(url)
        except TogetherError as exc:
            raise exc.within(self._where(endpoint_id), endpoint_id=endpoint_id) from exc
        if status == 404:
            if _is_project_404(body):
                raise TogetherError("%s: HTTP 404 from %s: %s (check project_id and base_url)"
                                    % (self._where(endpoint_id), url, error_details(body)[0]), status=404, url=url)
            if api_says_not_found(status, body, url, self._where(endpoint_id)):
                return None
        problems = endpoint_problems(body)
        if problems:
            raise TogetherError("%s: HTTP %d from %s is not a v2 Endpoint: %s"
                                % (self._where(endpoint_id), status, url, "; ".join(problems)), status=status, url=url)
        full = self._full_deployments(endpoint_id, url) if self.include_deployments else None
        endpoint, warnings = normalize_endpoint(body, self.project.project_id, full, self.deployment)
        if full is None and short_state(endpoint["deployment_state"]) in EXPLAINED_STATES:
            # Summaries carry no status message; one more read says why the deployment is degraded or failed. It only
            # decorates the verdict: when it fails, the verdict stands and the failure is a warning.
            try:
                full = {endpoint["primary_deployment_id"]: self._deployment(endpoint_id, url,
                                                                            endpoint["primary_deployment_id"])}
            except TogetherError as exc:
                self.warnings.append("%s: the status message of deployment %s could not be read (%s)"
                                     % (self._where(endpoint_id), endpoint["primary_deployment_id"], exc.message))
            else:
                endpoint, warnings = normalize_endpoint(body, self.project.project_id, full, self.deployment)
        self.warnings.extend(warnings)
        return self._named(endpoint)

    def _deployment(self, endpoint_id, endpoint_url, deployment_id):
        url = "%s/deployments/%s" % (endpoint_url, quote_segment(deployment_id))
        try:
            status, body = self.client.get(url)
        except TogetherError as exc:
            raise exc.within(self._where(endpoint_id), endpoint_id=endpoint_id) from exc
        if status == 404:
            return {}
        problems = schema_problems(body, DEPLOYMENT_SCHEMA)
        if problems:
            raise TogetherError("%s: HTTP %d from %s is not a v2 deployment: %s"
                                % (self._where(endpoint_id), status, url, "; ".join(problems)), status=status, url=url)
        return body

    def deployments(self, endpoint_id):
        """{deployment id: full EndpointDeployment} of an endpoint: etags and configs, which its summaries lack."""
        return self._full_deployments(endpoint_id, "%s/%s" % (self._endpoints_url(), quote_segment(endpoint_id)))

    def _full_deployments(self, endpoint_id, endpoint_url):
        url = "%s/deployments" % endpoint_url
        items = self._pages(url, {}, None, self._where(endpoint_id))
        for index, item in enumerate(items):
            problems = schema_problems(item, DEPLOYMENT_SCHEMA)
            if problems:
                raise TogetherError("%s: item %d of the deployments listed by %s is not a deployment: %s"
                                    % (self._where(endpoint_id), index, url, "; ".join(problems)), url=url)
        return dict((item["id"], item) for item in items if isinstance(item.get("id"), str))

    # -- writes (together_endpoint): every one with the etag of the object it changes -----------------------------

    def create_endpoint(self, body):
        """POST a new endpoint; returns the Endpoint the API answers with (its id chosen by the API)."""
        return self._write("POST", self._endpoints_url(), body, created=True)

    def update_endpoint(self, endpoint_id, body, mask, etag):
        return self._write("PATCH", self._endpoint_url(endpoint_id), body, mask=mask, etag=etag, endpoint_id=endpoint_id)

    def delete_endpoint(self, endpoint_id, etag):
        return self._write("DELETE", self._endpoint_url(endpoint_id), None, etag=etag, endpoint_id=endpoint_id)

    def create_deployment(self, endpoint_id, body):
        return self._write("POST", self._endpoint_url(endpoint_id) + "/deployments", body, created=True,
                           endpoint_id=endpoint_id)

    def update_deployment(self, endpoint_id, deployment_id, body, mask, etag):
        return self._write("PATCH", self._deployment_url(endpoint_id, deployment_id), body, mask=mask, etag=etag,
                           endpoint_id=endpoint_id)

    def delete_deployment(self, endpoint_id, deployment_id, etag):
        return self._write("DELETE", self._deployment_url(endpoint_id, deployment_id), None, etag=etag,
                           endpoint_id=endpoint_id)

    def etag_of(self, endpoint_id, deployment_id=None):
        """The current etag of an endpoint or one of its deployments; None when it no longer exists."""
        url = self._endpoint_url(endpoint_id) if deployment_id is None else self._deployment_url(endpoint_id, deployment_id)
        try:
            status, body = self.client.get(url)
        except TogetherError as exc:
            raise exc.within("reading %s again for its etag" % url, endpoint_id=endpoint_id) from exc
        return body.get("etag") if status != 404 and isinstance(body, dict) else None

    def _endpoint_url(self, endpoint_id):
        return "%s/%s" % (self._endpoints_url(), quote_segment(endpoint_id))

    def _deployment_url(self, endpoint_id, deployment_id):
        return "%s/deployments/%s" % (self._endpoint_url(endpoint_id), quote_segment(deployment_id))

    def _write(self, method, url, body, mask=None, etag=None, created=False, endpoint_id=None):
        """One write: the etag goes in the body (PATCH) or the query (DELETE), as Together's SDK sends it.

        Returns the answer (a dict, or None for an empty one); raises TogetherError, with the HTTP status for
        the caller to tell a conflict (409) from a refusal; a 404 is an error here (the object went away).
        """
        query = {"updateMask": mask} if mask else {}
        body = dict(body) if body is not None else None
        if etag:
            if method == "DELETE":
                query["etag"] = etag
            else:
                body["etag"] = etag
        status, answer = self.client.request(method, url, params=query or None, json=body)
        if status == 404:
            raise TogetherError("HTTP 404 from %s: %s" % (url, error_details(answer)[0] or "not found"), status=404, url=url,
                                endpoint_id=endpoint_id)
        if created and not (isinstance(answer, dict) and isinstance(answer.get("id"), str)):
            raise TogetherError("HTTP %d from %s has no id for what it created" % (status, url), status=status, url=url,
                                endpoint_id=endpoint_id)
        return answer if isinstance(answer, dict) else None

    def list_endpoints(self, name=None, max_results=None):
        """Every endpoint of the project (following next_cursor up to max_results), normalized."""
        params = {}
        if name:
            params["filter"] = 'name="%s"' % name.replace("\\", "\\\\").replace('"', '\\"')
        where = "listing v2 endpoints of project '%s'" % self.project.resolve()
        items = self._pages(self._endpoints_url(), params, max_results, where)
        endpoints = []
        for index, item in enumerate(items):
            problems = endpoint_problems(item)
            if problems:
                named = " (id %r)" % item["id"] if isinstance(item, dict) and isinstance(item.get("id"), str) else ""
                raise TogetherError("%s: item %d%s is not a v2 Endpoint: %s" % (where, index, named, "; ".join(problems)))
            endpoint, warnings = normalize_endpoint(item, self.project.project_id, None, self.deployment)
            self.warnings.extend(warnings)
            endpoints.append(self._named(endpoint))
        return endpoints

    # -- models, configs and the catalogs (the model resolver and together_hardware_info) -------------------------

    def get_model(self, project_id, model_id):
        """GET /v2/projects/{p}/models/{ml}: the Model, or None when the API says (HTTP 404) it does not exist."""
        url = "%s/v2/projects/%s/models/%s" % (self.project.root, quote_segment(project_id), quote_segment(model_id))
        try:
            status, body = self.client.get(url)
        except TogetherError as exc:
            raise exc.within("reading model %s of project %s" % (model_id, project_id)) from exc
        if status == 404:
            return None
        if not isinstance(body, dict) or not isinstance(body.get("id"), str):
            raise TogetherError("reading model %s of project %s: HTTP %d from %s is not a Model (no id)"
                                % (model_id, project_id, status, url), status=status, url=url)
        return body

    def list_models(self):
        """The project's own models (GET /v2/projects/{p}/models, every page), as the CLI lists them: no page size."""
        url = "%s/v2/projects/%s/models" % (self.project.root, quote_segment(self.project.resolve()))
        return self._objects(url, {}, "listing the models of project '%s'" % self.project.project_id)

    def list_configs(self, reference_model_id):
        """The configs of a model (GET /v2/projects/{p}/configs?referenceModelId=ml_...), as the CLI's deploy lists them."""
        url = "%s/v2/projects/%s/configs" % (self.project.root, quote_segment(self.project.resolve()))
        return self._objects(url, {"referenceModelId": reference_model_id},
                             "listing the configs of model %s" % reference_model_id)

    def supported_models(self, search):
        """GET /v2/supported-models?search=...: Together's catalog of deployable models matching a name."""
        return self._objects(self.project.root + "/v2/supported-models", {"search": search},
                             "searching the supported models for %s" % search)

    def instance_types(self):
        """GET /v2/public/inference-instance-types: the catalog comes whole (the SDK sends no query)."""
        url = self.project.root + "/v2/public/inference-instance-types"
        return self._objects(url, {}, "listing v2 instance types", page_size=None)

    def _objects(self, url, params, where, page_size=None):
        items = self._pages(url, params, MAX_LISTED, where, page_size=page_size)
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise TogetherError("%s: item %d of %s is %s, expected an object" % (where, index, url, json_kind(item)),
                                    url=url)
        return items

    def _pages(self, url, params, max_results, where, page_size=PAGE_SIZE):
        items, after, seen_cursors, empty_run = [], None, set(), 0
        for _page in range(MAX_PAGES):
            query = dict(params, limit=page_size) if page_size else dict(params)
            if after:
                query["after"] = after
            try:
                status, body = self.client.get(url, params=query)
            except TogetherError as exc:
                raise exc.within(where) from exc
            if status == 404:
                message = error_details(body)[0] or "not found"
                raise TogetherError("%s: HTTP 404 from %s: %s (check project_id and base_url)" % (where, url, message),
                                    status=404, url=url)
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                got = ("field data is %s" % json_kind(body.get("data"))) if isinstance(body, dict) else json_kind(body)
                raise TogetherError("%s: HTTP %d from %s is not a page: expected an object with a data array, got %s"
                                    % (where, status, url, got), status=status, url=url)
            after = body.get("next_cursor")
            if after is not None and not isinstance(after, str):
                raise TogetherError("%s: HTTP %d from %s is not a page: field next_cursor is %s, expected a string"
                                    % (where, status, url, json_kind(after)), status=status, url=url)
            items.extend(body["data"])
            if after in seen_cursors:
                # A cursor that comes back would page forever.
                raise TogetherError("%s: %s sent the page cursor %r twice; stopping" % (where, url, after), url=url)
            seen_cursors.add(after)
            empty_run = empty_run + 1 if after and not body["data"] else 0
            if empty_run >= MAX_EMPTY_PAGES:
                raise TogetherError("%s: %s sent %d empty pages in a row, each with a next_cursor; stopping (the list "
                                    "would never end)" % (where, url, empty_run), url=url)
            if max_results is not None and len(items) >= max_results:
                if after or len(items) > max_results:
                    self.warnings.append("%s: stopped at max_results=%d; more endpoints exist" % (where, max_results))
                return items[:max_results]
            if not after:
                return items
        raise TogetherError("%s: %s still had a next_cursor after %d pages; stopping" % (where, url, MAX_PAGES), url=url)

    # -- readable model names (GET /v2/projects/{p}/models/{ml} -> name) ----------------------------------------

    def _named(self, endpoint):
        names = {}
        for model in set(item["model"] for item in endpoint["deployments"]):
            names[model] = self.model_name(model)
        return add_model_names(endpoint, names)

    def remember_model_names(self, names):
        """Take model path -> readable name pairs read earlier (an earlier item of the same loop): not read again."""
        with self._model_lock:
            self._model_names.update(names)

    def model_name(self, model):
        """The readable name of a deployment's model path, read once per task; None (and one warning) when unknown."""
        resource = model_resource(model) if isinstance(model, str) else None
        if resource is None:
            return None
        with self._model_lock:
            if model not in self._model_names:
                self._model_names[model] = self._read_model_name(model, *resource)
            return self._model_names[model]

    def _read_model_name(self, model, project_id, model_id):
        url = "%s/v2/projects/%s/models/%s" % (self.project.root, quote_segment(project_id), quote_segment(model_id))
        try:
            status, body = self.client.get(url)
        except TogetherError as exc:
            problem = exc.message
        else:
            name = body.get("name") if isinstance(body, dict) else None
            if status != 404 and isinstance(name, str) and name:
                return name
            problem = ("HTTP 404 from %s: %s" % (url, error_details(body)[0] or "not found") if status == 404
                       else "HTTP %d from %s has no name for it" % (status, url))
        self.warnings.append("model %s: its readable name could not be read (%s); model_name is null"
                             % (model, problem))
        return None
