# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run a module's main() the way ansible does: args through patch_module_args, JSON result on stdout.

Modelled on community.hashi_vault's tests/unit/plugins/modules/conftest.py (fixture patch_ansible_module).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import copy
import functools
import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.parameters import PASS_VARS
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.together.ai.plugins.module_utils import _connection, _endpoint_info
from ansible_collections.together.ai.plugins.module_utils._client import TogetherClient
from ansible_collections.together.ai.tests.unit._helpers import FakeTime

try:  # ansible-core >= 2.19
    from ansible.module_utils.testing import patch_module_args as _core_patch_module_args
except ImportError:  # pragma: no cover - older ansible-core
    @contextlib.contextmanager
    def _core_patch_module_args(args=None):
        old = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}))
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = old

# ansible-core 2.21 adds `invocation` (the no_log-masked args these tests check) only when the controller sends
# _ansible_inject_invocation (setting INJECT_INVOCATION, off by default); 2.19 and 2.20 always add it and would
# reject the unknown flag.
INJECT_INVOCATION = "inject_invocation" in PASS_VARS


def patch_module_args(args=None):
    """The args as the controller sends them to a module of this ansible-core."""
    args = dict(args or {})
    if INJECT_INVOCATION:
        args.setdefault("_ansible_inject_invocation", True)
    return _core_patch_module_args(args)


class AnsibleExitJson(Exception):
    """Raised when the module called exit_json; carries the result as printed and as passed."""

    def __init__(self, result, raw, warnings):
        super(AnsibleExitJson, self).__init__(result)
        self.result = result
        self.raw = raw
        self.warnings = warnings


class AnsibleFailJson(AnsibleExitJson):
    """Raised when the module called fail_json."""


@pytest.fixture
def patch_ansible_module(request):
    """Indirect-parametrized fixture: the param is the module's args (hashi_vault style)."""
    args = request.param
    if isinstance(args, dict) and "ANSIBLE_MODULE_ARGS" in args:
        args = args["ANSIBLE_MODULE_ARGS"]
    with patch_module_args(args):
        yield args


@pytest.fixture(autouse=True)
def module_environment(monkeypatch):
    """No key, base URL or project from the host, and no real sleeping in retries or waits."""
    for name in ("TOGETHER_API_KEY", "TOGETHER_BASE_URL", "TOGETHER_PROJECT_ID"):
        monkeypatch.delenv(name, raising=False)
    fake_time = FakeTime()
    monkeypatch.setattr(_connection, "TogetherClient",
                        functools.partial(TogetherClient, sleep=fake_time.sleep, rand=lambda: 0.0))
    real_wait_until = _endpoint_info.wait_until

    def wait_until(*args, **kwargs):
        kwargs.update(clock=fake_time.clock, sleep=fake_time.sleep)
        return real_wait_until(*args, **kwargs)

    monkeypatch.setattr(_endpoint_info, "wait_until", wait_until)
    return fake_time


@pytest.fixture
def run_module(monkeypatch, capsys):
    """run_module(main, args, check_mode=False) -> AnsibleExitJson or AnsibleFailJson (never raises them).

    .result is the JSON the module printed (what ansible reads, after no_log masking); .raw is what the module
    passed to exit_json/fail_json, before any masking; .warnings what it passed to module.warn (under pytest,
    ansible-core 2.19 sends warnings to the controller display instead of the result).
    """
    raw, warnings = [], []
    real_exit_json, real_fail_json = AnsibleModule.exit_json, AnsibleModule.fail_json

    def warn(self, warning, **kwargs):  # pylint: disable=unused-argument
        warnings.append(warning)

    def exit_json(self, **kwargs):
        raw.append(copy.deepcopy(kwargs))
        real_exit_json(self, **kwargs)

    def fail_json(self, msg, **kwargs):
        raw.append(dict(copy.deepcopy(kwargs), msg=msg, failed=True))
        real_fail_json(self, msg, **kwargs)

    monkeypatch.setattr(AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(AnsibleModule, "fail_json", fail_json)
    monkeypatch.setattr(AnsibleModule, "warn", warn)

    def run(main, args, check_mode=False):
        args = dict(args)
        if check_mode:
            args["_ansible_check_mode"] = True
        del raw[:]
        del warnings[:]
        capsys.readouterr()
        with patch_module_args(args):
            with pytest.raises(SystemExit) as info:
                main()
        printed = capsys.readouterr().out
        result = json.loads(printed)
        result["_stdout"] = printed
        assert len(raw) == 1, "the module must end through exactly one exit_json or fail_json"
        if info.value.code == 0:
            assert not result.get("failed")
            return AnsibleExitJson(result, raw[0], list(warnings))
        assert result.get("failed") is True
        return AnsibleFailJson(result, raw[0], list(warnings))

    return run
