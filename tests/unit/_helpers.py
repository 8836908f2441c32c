# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Helpers the unit tests share: a fake clock, running together_endpoint_info with a key that must stay hidden,
and small HTTP servers on 127.0.0.1.

Fixtures live in conftest.py files; these are plain objects and functions the tests import.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import http.server
import json
import threading

from unittest.mock import MagicMock

from ansible_collections.together.ai.plugins.modules import together_endpoint_info

# The key the module tests send; it must never show in a result, a warning or what a module passed to exit/fail.
MODULE_API_KEY = "sk-module-4d9f1b7e3a2c8e6b5f0d1a9c7e3b2f8a"


class FakeTime(list):
    """A clock that moves only when something sleeps (or a test moves `now`); the list holds each sleep.

    Pass fake.clock (or fake.monotonic) as the clock and fake.sleep (or fake itself) as the sleep; the
    sleeps are the list itself, also readable as fake.sleeps. Nothing waits for real.
    """

    def __init__(self, start=0.0):
        super(FakeTime, self).__init__()
        self.now = start

    @property
    def sleeps(self):
        return self

    def clock(self):
        return self.now

    monotonic = clock

    def sleep(self, seconds):
        assert seconds >= 0
        self.append(seconds)
        self.now += seconds

    __call__ = sleep


def run_with_key(run_module, main, check_mode=False, api_key=MODULE_API_KEY, **args):
    """Run a module's main() through the run_module fixture, with api_key unless the test sets its own."""
    args.setdefault("api_key", api_key)
    return run_module(main, args, check_mode=check_mode)


def run_endpoint_info(run_module, check_mode=False, **args):
    """together_endpoint_info with the test key (run_module is the fixture of tests/unit/plugins/modules/conftest.py)."""
    return run_with_key(run_module, together_endpoint_info.main, check_mode=check_mode, **args)


def assert_key_hidden(outcome, key=MODULE_API_KEY):
    """The key appears nowhere: not in what the module printed, passed to exit/fail_json, or warned."""
    assert key not in outcome.result["_stdout"]
    assert key not in json.dumps(outcome.raw, default=str)
    assert key not in " ".join(outcome.warnings)


def assert_refused_before_any_request(outcome, transport, message):
    """A bad option: the task failed with `message` in its msg, sent nothing, and shows no key."""
    assert outcome.result["failed"] is True
    assert message in outcome.result["msg"]
    assert transport.sent == []
    assert_key_hidden(outcome)


def action_plugin(plugin_module, args, execute_module, check_mode=False, async_val=0):
    """plugin_module.ActionModule for a task with these args, whose module calls go to execute_module(...).

    No connection, loader or templar: the tests drive run() and answer the module calls themselves.
    """
    # Controller code: imported here, so module tests (which may not import it) can use the rest of this file.
    from ansible.playbook.task import Task  # pylint: disable=import-outside-toplevel

    task = Task()
    task.args = dict(args)
    task.check_mode = check_mode
    task.async_val = async_val
    connection = MagicMock()
    connection._shell.tmpdir = None
    play_context = MagicMock()
    play_context.check_mode = check_mode
    action = plugin_module.ActionModule(task, connection, play_context, loader=None, templar=None,
                                        shared_loader_obj=None)
    action._execute_module = execute_module
    action._remove_tmp_path = lambda path: None
    return action


class QuietHandler(http.server.BaseHTTPRequestHandler):
    """A test server's request handler: logs nothing, and answers in one call."""

    def reply(self, status, body, content_type="application/json"):
        """Send a complete response; body is bytes as they are, or anything else as JSON."""
        content = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, *args):  # pylint: disable=arguments-differ
        pass


@contextlib.contextmanager
def serving(server):
    """Run an http.server server in a thread for the with-block; shut down and closed whatever happens."""
    thread = threading.Thread(target=server.serve_forever, kwargs=dict(poll_interval=0.05), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
