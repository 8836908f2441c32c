# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""TogetherModule: the AnsibleModule every together.ai module is, with the shared wiring done once.

It adds the connection options (and project_id when asked) to the module's own, checks them and builds
the one client when first needed (so option errors come before connection errors, and both before any
request), gives the v1 and v2 endpoint APIs and the reader that routes ids between them, reports each
warning once, and fails from a TogetherError with its context and partial result:

    def main():
        module = TogetherModule(argument_spec=dict(endpoint_id=dict(type="str", required=True)),
                                project_option=True, supports_check_mode=True)
        try:
            endpoint = module.endpoint_reader().get_endpoint(module.params["endpoint_id"])
        except TogetherError as exc:
            module.fail_from(exc)
        module.exit_json(changed=False, endpoint=endpoint)
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

from ansible.module_utils.basic import AnsibleModule, env_fallback

from ansible_collections.together.ai.plugins.module_utils import _connection
from ansible_collections.together.ai.plugins.module_utils._endpoints_v1 import EndpointsV1
from ansible_collections.together.ai.plugins.module_utils._errors import OptionError
from ansible_collections.together.ai.plugins.module_utils._reader import EndpointReader

# The v2 project option, shared by every module that reads or writes v2 endpoints.
PROJECT_ID_OPTION = dict(type="str", fallback=(env_fallback, ["TOGETHER_PROJECT_ID"]))
# The key under which a module's action plugin hands it what earlier runs of the same task resolved
# (plugin_utils/_task_cache.py: the items of a loop, the polls of a wait): the project whoami gave, readable model
# names. Not an option: it is taken out of the arguments before Ansible validates them, so it is in no argument
# spec, no documentation and no invocation. At most TASK_CACHE_MODEL_NAMES names are taken.
TASK_CACHE_KEY = "_task_cache"
TASK_CACHE_MODEL_NAMES = 1000


def together_argument_spec(argument_spec=None, project_option=False):
    """The connection options, project_id when asked, and a module's own options (which win on a clash)."""
    extra = {}
    if project_option:
        extra["project_id"] = dict(PROJECT_ID_OPTION)
    extra.update(argument_spec or {})
    return _connection.connection_argument_spec(**extra)


class TogetherModule(AnsibleModule):
    """An AnsibleModule with Together's connection options, client, project, endpoint APIs and failures.

    Everything is built on first use: a module that fails on its own options never builds a client.
    """

    def __init__(self, argument_spec=None, project_option=False, task_cache=False, **kwargs):
        self._warned = []
        self._warning_sources = []
        self._settings = self._client = self._project = self._reader = None
        self._endpoints_v1 = None
        self._endpoints_v2 = {}
        self._takes_task_cache = task_cache
        self._cache = {}
        super(TogetherModule, self).__init__(argument_spec=together_argument_spec(argument_spec, project_option),
                                             **kwargs)
        self._cached_slug = self._seed_project()

    def _load_params(self):
        """AnsibleModule's hook that reads the arguments; the task cache is taken out here, before validation."""
        super(TogetherModule, self)._load_params()
        if self._takes_task_cache:
            cache = self.params.pop(TASK_CACHE_KEY, None)
            self._cache = cache if isinstance(cache, dict) else {}

    def _task_cache(self):
        return self._cache

    def _seed_project(self):
        """Take the project whoami gave an earlier run, when neither project_id nor TOGETHER_PROJECT_ID names one;
        returns its slug (what whoami said with it, for project_slug and the names in --diff)."""
        project_id, slug = self._task_cache().get("project_id"), self._task_cache().get("project_slug")
        if not (isinstance(project_id, str) and project_id.strip()):
            return None
        if self.project_id is None:
            self.params["project_id"] = project_id.strip()
        # The slug whoami gave with that project (the plugin hands the project over as project_id itself).
        return slug if isinstance(slug, str) and slug and self.project_id == project_id.strip() else None

    def _cached_model_names(self):
        """Model path -> readable name as an earlier run read them; names not handed over are read as usual."""
        names = self._task_cache().get("model_names")
        if not isinstance(names, dict):
            return {}
        return dict((path, name) for path, name in list(names.items())[:TASK_CACHE_MODEL_NAMES]
                    if isinstance(path, str) and path.startswith("projects/") and isinstance(name, str) and name)

    # -- options ----------------------------------------------------------------------------------------------

    def build_request(self, build):
        """The module's request, build(self.params), or fail naming the option when it raises OptionError (before
        any request)."""
        try:
            return build(self.params)
        except OptionError as exc:
            self.fail_json(msg=str(exc))

    @property
    def project_id(self):
        """The project_id option; blank (an empty TOGETHER_PROJECT_ID) means none, so v1 reads never fail on it."""
        return (self.params.get("project_id") or "").strip() or None

    # -- the connection ---------------------------------------------------------------------------------------

    def _connect(self):
        if self._client is None:
            # Fails the module (missing requests, a bad option) before any request; warns about unsafe settings.
            self._settings, self._client = _connection.settings_and_client(self)

    @property
    def settings(self):
        """The checked connection options (_connection.ConnectionSettings)."""
        self._connect()
        return self._settings

    @property
    def client(self):
        """The one TogetherClient of this task."""
        self._connect()
        return self._client

    @property
    def v2_root(self):
        """The host root v2 and v3 paths hang from (base_url without /v1)."""
        return _connection.v2_root(self.settings.base_url, self.settings.base_url_given)

    @property
    def project(self):
        """The v2 project (_endpoints_v2.Project): the option, else resolved from whoami on first use."""
        if self._project is None:
            # Imported on first use: a task reading only v1 endpoints never loads the v2 code.
            from ansible_collections.together.ai.plugins.module_utils._endpoints_v2 import Project  # pylint: disable=import-outside-toplevel
            self._project = Project(self.client, self.v2_root, self.project_id)
            self._project.project_slug = self._cached_slug
        return self._project

    def endpoints_v1(self):
        """The v1 endpoints API under base_url; its warnings are reported when the module ends."""
        if self._endpoints_v1 is None:
            self._endpoints_v1 = self.report_warnings_of(EndpointsV1(self.client, self.settings.base_url))
        return self._endpoints_v1

    def endpoints_v2(self, include_deployments=False, deployment=None):
        """The v2 endpoints API of the project; its warnings are reported when the module ends."""
        key = (include_deployments, deployment)
        if key not in self._endpoints_v2:
            from ansible_collections.together.ai.plugins.module_utils._endpoints_v2 import EndpointsV2  # pylint: disable=import-outside-toplevel
            self._endpoints_v2[key] = self.report_warnings_of(
                EndpointsV2(self.client, self.project, include_deployments, deployment))
            self._endpoints_v2[key].remember_model_names(self._cached_model_names())
        return self._endpoints_v2[key]

    def endpoint_reader(self, api_version="auto", include_deployments=False, deployment=None):
        """The reader that sends each endpoint id to v1 or v2 (see _info.EndpointReader)."""
        # The v2 API is built (and its code imported) only when a v2 id or list needs it.
        self._reader = EndpointReader(self.endpoints_v1(),
                                      v2_factory=lambda: self.endpoints_v2(include_deployments, deployment),
                                      api_version=api_version, project_known=self.project_id is not None)
        return self._reader

    def project_facts(self, always=False):
        """project_id and project_slug for the result, when v2 was used (or always)."""
        if not always and (self._reader is None or not self._reader.used_v2):
            return {}
        return dict(project_id=self.project.project_id, project_slug=self.project.project_slug)

    # -- warnings and the end ---------------------------------------------------------------------------------

    def report_warnings_of(self, source):
        """Report the warnings source.warnings holds (now and later) when the module ends; returns source."""
        self._warning_sources.append(source)
        return source

    def warn(self, warning, *args, **kwargs):
        """A warning, once: parallel reads and polls of a wait may find the same thing many times."""
        if warning in self._warned:
            return
        self._warned.append(warning)
        super(TogetherModule, self).warn(warning, *args, **kwargs)

    def _flush_warnings(self):
        sources, self._warning_sources = self._warning_sources, []
        for source in sources:
            for warning in source.warnings:
                self.warn(warning)

    def exit_json(self, **kwargs):
        self._flush_warnings()
        super(TogetherModule, self).exit_json(**kwargs)

    def fail_json(self, msg, **kwargs):
        self._flush_warnings()
        super(TogetherModule, self).fail_json(msg, **kwargs)

    def fail_from(self, exc, **result):
        """Fail with a TogetherError's message, its HTTP context and its partial result (and result's keys).

        The traceback goes with it as `exception` (Ansible shows it when tracebacks are on, for example at -vvv);
        it holds no key, as no TogetherError's message does and none is chained to an exception that held one.
        """
        failure = exc.to_result()
        failure.update(exc.partial_result)
        failure.update(result)
        self.fail_json(msg=exc.message, exception="".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
                       **failure)
