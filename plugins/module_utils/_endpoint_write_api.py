# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""What together_endpoint does: read the endpoint, plan (_endpoint_write), send the plan's writes, read back.

Every write carries the etag of its object (in the body, or ?etag= on DELETE). On HTTP 409 the object is
read again: when its etag moved, the write is sent once more with the new etag; otherwise the 409 is not
about the etag (a name taken, a deployment still routed) and fails with the API's message.

Reads (issue 13: a no-op rerun costs one read per endpoint): the endpoint by id (GET) or by name (the
filtered list, whose items are whole Endpoints: no second GET). The full deployments list is read only
when the embedded summaries cannot stand in for it: the endpoint embeds at most the 10 newest deployments
(reference section 5.1), summaries carry no config, and writes need each deployment's etag. So it is read
when 10 or more are embedded (or the split names one not embedded), when a declared deployment gives
config, for --diff (which shows configs), and before any write (the plan is then made again with it).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.together.ai.plugins.module_utils._cost import PriceList, describe, plan_ceilings
from ansible_collections.together.ai.plugins.module_utils._errors import TogetherError
from ansible_collections.together.ai.plugins.module_utils._hardware import HardwareCatalog
from ansible_collections.together.ai.plugins.module_utils._readiness import EXPLAINED_STATES, short_state
from ansible_collections.together.ai.plugins.module_utils._v2_normalize import add_model_names, normalize_endpoint
from ansible_collections.together.ai.plugins.module_utils._endpoint_write import (
    V1_CREATE_REFUSED,
    PlanError,
    bare,
    endpoint_view,
    plan_v1,
    plan_v2,
    v1_view,
)

V1_RETIRED_CODE = "endpoints_v1_create_access_disabled"
# An Endpoint embeds at most this many deployment summaries (the newest); with fewer, it embeds them all.
EMBEDDED_DEPLOYMENTS_LIMIT = 10
# Plan, apply, re-plan: how many times a task reads again and plans anew after a conflict before it gives up.
MAX_ROUNDS = 3


def endpoint_writer(module, request):
    """The EndpointWriter of a together_endpoint task (a _module.TogetherModule, seeded with what earlier loop items
    read)."""
    reader = module.endpoint_reader(api_version=request.api_version)
    catalog = HardwareCatalog(module.client, reader.v2, module.settings.base_url)
    diff = module._diff  # pylint: disable=protected-access  # AnsibleModule's --diff flag has no public name
    return EndpointWriter(module.client, reader, catalog, check_mode=module.check_mode, diff=diff)


def module_result(result, diff):
    """The task's result from run(): its warnings go to the module (returned apart), the diff only with --diff."""
    result = dict(result)
    warnings = result.pop("warnings")
    before_after = result.pop("diff")
    if diff:
        result["diff"] = before_after
    return result, warnings


class _Doubt(Exception):
    """A write met a conflict or has no clear outcome: the endpoint is read again and the rest planned anew."""

    def __init__(self, write, error, reason):
        super(_Doubt, self).__init__(reason)
        self.write = write
        self.error = error
        self.reason = reason


class EndpointWriter:
    """Applies one EndpointRequest through the API, or (check_mode) says what it would send."""

    def __init__(self, client, reader, catalog, check_mode=False, diff=False):
        self.client = client
        self.diff = diff  # --diff shows each deployment's config, which only the full deployments carry
        self.reader = reader  # _info.EndpointReader: the reads (and the shape) of together_endpoint_info
        self.catalog = catalog
        self.check_mode = check_mode
        self.retried = []
        self.sent = []  # the writes the API accepted, for a failure's changed and actions
        self._prices = {}  # api version -> PriceList, read once per task (max_hourly_cost)
        self.cost = None  # {before, after} hourly cost ceilings of the last plan (max_hourly_cost)

    # -- v2 ------------------------------------------------------------------------------------------------------

    @property
    def v2(self):
        return self.reader.v2

    def run(self, request):
        if request.api_version == "v1":
            return self.run_v1(request)
        return self.run_v2(request)

    def find_v2(self, request):
        """The normalized endpoint named by endpoint_id or name, or None."""
        if request.endpoint_id:
            return self.reader.get_endpoint(request.endpoint_id)
        wanted = request.name
        project_id = self.v2.project.project_id
        # Only this project's: a list answer holding another project's endpoint of the same name is not this one.
        matches = [item for item in self.v2.list_endpoints(name=wanted)
                   if (item.get("name") == wanted or ("/" not in wanted and bare(item.get("name")) == wanted))
                   and item["raw"].get("projectId") in (None, "", project_id)]
        if len(matches) > 1:
            raise TogetherError("name %s matches %d endpoints (%s); give endpoint_id" % (
                wanted, len(matches), ", ".join(item["id"] for item in matches)))
        if not matches:
            return None
        if short_state(matches[0].get("deployment_state")) in EXPLAINED_STATES:
            # The info module reads a degraded or failed deployment for its status message: return the same endpoint.
            return self.reader.get_endpoint(matches[0]["id"])
        # A listed item is the whole Endpoint, normalized and named as a GET of it would be.
        return matches[0]

    @staticmethod
    def summaries_complete(endpoint):
        """Whether the deployments the endpoint embeds are all it has (it embeds at most the 10 newest)."""
        embedded = [item for item in (endpoint["raw"].get("deployments") or []) if isinstance(item, dict)]
        if len(embedded) >= EMBEDDED_DEPLOYMENTS_LIMIT:
            return False
        known = set(item.get("id") for item in embedded)
        return all(entry.get("deployment_id") in known for entry in endpoint.get("traffic_split") or [])

    def needs_full(self, request, endpoint):
        """Whether planning needs the full deployments before it can tell if anything changes."""
        if endpoint is None:
            return False
        if self.diff or not self.summaries_complete(endpoint):
            return True
        # Summaries carry the hardware, not the config: a declared config is compared with the full deployment.
        return any(item.config for item in request.deployments or [])

    def full_deployments(self, endpoint):
        """{deployment id: full EndpointDeployment}: etags and configs, which the endpoint's summaries lack."""
        if endpoint is None:
            return {}
        return self.v2.deployments(endpoint["id"])

    def where(self, endpoint_id):
        return "endpoint '%s' in project '%s'" % (endpoint_id, self.v2.project.project_id)

    def plan_fresh(self, request):
        """Read the endpoint now and plan this pass from that read: (endpoint, full deployments, plan)."""
        endpoint = self.find_v2(request)
        read_full = self.needs_full(request, endpoint)
        full = self.full_deployments(endpoint) if read_full else {}
        try:
            plan = plan_v2(request, self.planning_view(endpoint, full), full, self.catalog.resolve)
        except PlanError:
            if read_full or endpoint is None or not request.recreate:
                raise
            plan = None  # a recreate that keeps the old config: the full deployments tell it
        if endpoint is not None and not read_full and (plan is None or plan.writes):
            # Writes carry each deployment's etag, and a recreate keeps the old config: plan again with them all.
            full = self.full_deployments(endpoint)
            plan = plan_v2(request, self.planning_view(endpoint, full), full, self.catalog.resolve)
        slug = self.v2.project.project_slug
        if plan.after.get("name") and "/" not in plan.after["name"] and slug:
            plan.after["name"] = "%s/%s" % (slug, plan.after["name"])  # as the API will name it
        self.check_cost(request, plan, "v2")
        return endpoint, full, plan

    def check_cost(self, request, plan, api_version):
        """max_hourly_cost: a plan whose hourly cost ceiling (after it, or while it retires what it replaces) goes above
        it fails before any write; the ceilings before and after go to --diff and to the result."""
        if request.max_hourly_cost is None:
            return
        if api_version not in self._prices:
            # One catalog read per task: the prices do not change while it runs.
            catalog = self.catalog.instance_types() if api_version == "v2" else self.catalog.v1_hardware()
            self._prices[api_version] = (PriceList(v2_instance_types=catalog) if api_version == "v2"
                                         else PriceList(v1_hardware=catalog))
        before, after, peak = plan_ceilings(plan.before, plan.after, self._prices[api_version], api_version)
        self.cost = dict(before=before, after=after)
        if plan.before:
            plan.before["hourly_cost_ceiling"] = before["usd_per_hour"]
        if plan.after:
            plan.after["hourly_cost_ceiling"] = after["usd_per_hour"]
        limit = request.max_hourly_cost
        where = "endpoint '%s'" % (request.identity,)
        if after["usd_per_hour"] is None:
            raise PlanError("%s: the hourly cost ceiling after this change is unknown, as %s ha%s no published price, so "
                            "max_hourly_cost $%.2f/h cannot be checked; nothing was sent: %s" % (
                                where, ", ".join(after["unpriced_hardware"]),
                                "s" if len(after["unpriced_hardware"]) == 1 else "ve", limit, describe(after)))
        if after["usd_per_hour"] > limit:
            raise PlanError("%s: the hourly cost ceiling after this change would be %s, above max_hourly_cost $%.2f/h "
                            "(now %s); nothing was sent" % (where, describe(after), limit, describe(before)))
        if peak["usd_per_hour"] is not None and peak["usd_per_hour"] > limit and peak["usd_per_hour"] > (
                before["usd_per_hour"] or 0):
            raise PlanError("%s: while this change runs the new deployments beside the ones they replace, the hourly cost "
                            "ceiling would reach %s, above max_hourly_cost $%.2f/h; nothing was sent" % (
                                where, describe(peak), limit))

    def run_v2(self, request):
        """Plan, apply, re-plan. The endpoint is read again after the writes of a round and planned anew from that read:
        what another client changed meanwhile shows there (a write that met a conflict, or left the state in doubt,
        is never sent again as planned; another object's change meets no conflict at all). The task ends when a plan
        made from a fresh read has nothing left to send now, or fails after MAX_ROUNDS rounds."""
        self.v2.project.resolve()
        endpoint, full, plan = self.plan_fresh(request)
        result = dict(changed=plan.changed, actions=plan.messages, diff=dict(before=plan.before, after=plan.after),
                      warnings=list(plan.warnings), pending=[], retried=[])
        if self.cost is not None:
            result["hourly_cost_ceiling"] = self.cost
        if self.check_mode or not plan.writes:
            result.update(endpoint=endpoint, exists=endpoint is not None)
            if self.check_mode:
                result["actions"] = result["actions"] + plan.followups()
            else:
                result["pending"] = self.pending(plan.pending, endpoint, {})
            return result
        for round_number in range(1, MAX_ROUNDS + 1):
            failure = None
            try:
                self.execute_v2(plan, endpoint, full)
            except _Doubt as doubt:
                self.retried.append("%s: %s; read again and planned anew" % (doubt.write.description, doubt.reason))
                failure = doubt
            # The read-back of this round is the read the next round plans from.
            endpoint, full, plan = self.plan_fresh(request)
            result["warnings"].extend(warning for warning in plan.warnings if warning not in result["warnings"])
            if not plan.writes:
                break
            if failure is None:
                self.retried.append("the endpoint changed while this task wrote to it (read back: %s); planned anew"
                                    % "; ".join(plan.messages))
            if round_number == MAX_ROUNDS:
                last = ("%s: %s" % (failure.write.description, failure.error.message) if failure
                        else "still to send: %s" % "; ".join(plan.messages))
                context = failure.error.context() if failure else {}
                raise TogetherError("%s changed while this task wrote to it, %d times in a row (last: %s); nothing more "
                                    "was sent. Run the task again: it plans from what it reads then" % (
                                        self.where((endpoint or {}).get("id") or request.identity), MAX_ROUNDS, last),
                                    **context)
        result.update(actions=list(self.sent), changed=bool(self.sent), endpoint=endpoint, exists=endpoint is not None,
                      retried=self.retried, pending=self.pending(plan.pending, endpoint, {}))
        # After, as read back: what a rerun will compare with (a deployment waiting for READY shows no weight yet).
        result["diff"]["after"] = endpoint_view(endpoint, full if self.diff else None)
        if self.cost is not None:
            result["diff"]["after"]["hourly_cost_ceiling"] = plan.after.get("hourly_cost_ceiling")
            result["hourly_cost_ceiling"] = dict(before=result["hourly_cost_ceiling"]["before"], after=self.cost["after"])
        return result

    def planning_view(self, endpoint, full):
        """The endpoint with every deployment: it embeds only the 10 newest, the full list has them all."""
        if endpoint is None or not set(full) - set(item["id"] for item in endpoint["deployments"]):
            return endpoint
        view, _warnings = normalize_endpoint(endpoint["raw"], self.v2.project.project_id, full)
        return add_model_names(view, dict((item["model"], self.v2.model_name(item["model"])) for item in view["deployments"]))

    def pending(self, pending, endpoint, created):
        """The plan's waits with the ids of deployments created in this pass."""
        entries = []
        for item in pending:
            deployment_id = item["deployment_id"] or created.get(item["name"])
            if deployment_id is None and endpoint is not None:
                deployment_id = next((each["id"] for each in endpoint["deployments"] if bare(each["name"]) == item["name"]),
                                     None)
            entries.append(dict(item, deployment_id=deployment_id, endpoint_id=(endpoint or {}).get("id")))
        return entries

    def execute_v2(self, plan, endpoint, full):
        """Send the plan's writes in order; returns (endpoint id or None when deleted, {new deployment name: id}).

        Raises _Doubt when a write met a conflict or may or may not have been applied: the caller reads again."""
        endpoint_id = endpoint["id"] if endpoint else None
        etags = dict((deployment_id, body.get("etag")) for deployment_id, body in full.items())
        etags["endpoint"] = endpoint.get("etag") if endpoint else None
        created, new_endpoint, stale_endpoint = {}, False, False
        for write in plan.writes:
            if write.what == "endpoint" and write.method == "DELETE" and stale_endpoint:
                # Deleting a deployment changes its endpoint: its etag as read before is stale.
                etags["endpoint"] = self.v2.etag_of(endpoint_id)
            try:
                answer = self.apply(write, endpoint_id, etags)
            except TogetherError as exc:
                doubt = self.doubt(exc, write, endpoint_id, etags)
                if doubt:
                    raise _Doubt(write, exc, doubt) from exc
                failure = exc.within("%s (project %s)" % (write.description, self.v2.project.project_id),
                                     endpoint_id=endpoint_id)
                if write.what == "deployment" and new_endpoint and not created:
                    raise self.rolled_back(failure, endpoint_id, etags) from exc
                raise failure from exc
            self.sent.append(write.description)
            if write.what == "endpoint":
                if write.method == "POST":
                    endpoint_id, new_endpoint = answer["id"], True
                elif write.method == "DELETE":
                    endpoint_id = None
            else:
                stale_endpoint = True
                if write.method == "POST":
                    created[write.deployment.name] = answer["id"]
                    etags[answer["id"]] = answer.get("etag")
            key = "endpoint" if write.what == "endpoint" else write.etag_of
            if key and answer and answer.get("etag"):
                etags[key] = answer["etag"]
        return endpoint_id, created

    def apply(self, write, endpoint_id, etags):
        """One write of the plan through the v2 API layer, with the etag of the object it changes."""
        etag = etags.get(write.etag_of) if write.etag_of else None
        if write.what == "endpoint":
            if write.method == "POST":
                return self.v2.create_endpoint(write.body)
            if write.method == "PATCH":
                return self.v2.update_endpoint(endpoint_id, write.body, write.mask, etag)
            return self.v2.delete_endpoint(endpoint_id, etag)
        if write.method == "POST":
            return self.v2.create_deployment(endpoint_id, write.body)
        if write.method == "PATCH":
            return self.v2.update_deployment(endpoint_id, write.deployment, write.body, write.mask, etag)
        return self.v2.delete_deployment(endpoint_id, write.deployment, etag)

    def doubt(self, exc, write, endpoint_id, etags):
        """Why a failed write leaves the endpoint's state in doubt (so it is read again and planned anew), or None.

        A 409 whose object's etag moved (or that no longer exists): someone else changed it. A failure without an
        HTTP answer, or a 5xx, on a write that may have reached the API: it may or may not have been applied. Any
        other 409 (a name taken, a deployment still routed) is the API's refusal, said as it is.
        """
        if exc.status == 409:
            if not write.etag_of or endpoint_id is None:
                return "HTTP 409 (%s)" % exc.message
            deployment = None if write.etag_of == "endpoint" else write.etag_of
            if self.v2.etag_of(endpoint_id, deployment) != etags.get(write.etag_of):
                return "HTTP 409: it changed since it was read"
            return None
        if exc.status is None or exc.status >= 500:
            return "no clear answer (%s)" % exc.message
        return None

    def rolled_back(self, exc, endpoint_id, etags):
        """The endpoint this task created is deleted again when its first deployment fails (as the CLI does)."""
        try:
            self.v2.delete_endpoint(endpoint_id, etags.get("endpoint"))
            note = "the endpoint %s created by this task was deleted again" % endpoint_id
        except TogetherError as cleanup:
            note = "the endpoint %s created by this task could not be deleted again: %s" % (endpoint_id, cleanup.message)
        return TogetherError("%s (%s)" % (exc.message, note), **exc.context())

    # -- v1 ------------------------------------------------------------------------------------------------------

    def run_v1(self, request):
        endpoint = self.reader.get_endpoint(request.endpoint_id)
        plan = plan_v1(request, endpoint)
        self.check_cost(request, plan, "v1")
        result = dict(changed=plan.changed, actions=plan.messages, diff=dict(before=plan.before, after=plan.after),
                      warnings=[], pending=[], retried=[])
        if self.cost is not None:
            result["hourly_cost_ceiling"] = self.cost
        if not self.check_mode:
            for write in plan.writes:
                self.send_v1(write, request.endpoint_id)
            if plan.writes:
                endpoint = self.reader.get_endpoint(request.endpoint_id) if request.state != "absent" else None
                result["diff"]["after"] = v1_view(endpoint)
                if self.cost is not None and result["diff"]["after"]:
                    result["diff"]["after"]["hourly_cost_ceiling"] = plan.after.get("hourly_cost_ceiling")
        result.update(endpoint=None if request.state == "absent" and not self.check_mode else endpoint,
                      exists=endpoint is not None and (self.check_mode or request.state != "absent"))
        return result

    def send_v1(self, write, endpoint_id):
        try:
            answer = self.reader.v1.write_endpoint(write.method, endpoint_id, write.body)
        except TogetherError as exc:
            if exc.status == 403 and exc.code == V1_RETIRED_CODE:
                # A refusal by policy, not a key problem: the client's hint about the key would mislead here.
                said = "HTTP %d from %s: %s" % (exc.status, exc.url, exc.api_message)
                raise TogetherError("%s: Together refused it: %s. v1 endpoints can no longer be restarted; %s" % (
                    write.description, said, V1_CREATE_REFUSED.split("; ", 1)[1]), **exc.context()) from exc
            raise exc.within(write.description, endpoint_id=endpoint_id) from exc
        self.sent.append(write.description)
        return answer
