# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The shared connection options and the settings checked from them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import requests

from ansible_collections.together.ai.plugins.module_utils import _connection
from ansible_collections.together.ai.plugins.module_utils._client import TogetherClient, TogetherError
from ansible_collections.together.ai.plugins.module_utils._connection import (
    CONNECTION_ARGUMENT_SPEC,
    DEFAULT_BASE_URL,
    ConnectionSettings,
    connection_argument_spec,
    settings_and_client,
)

API_KEY = "sk-unit-connection-5e1f0a9b"


def params(**overrides):
    values = dict(api_key=API_KEY, base_url=None, timeout=30.0, validate_certs=True, max_retries=3)
    values.update(overrides)
    return values


def settings_error(**overrides):
    with pytest.raises(TogetherError) as info:
        ConnectionSettings(params(**overrides))
    return info.value.message


class Failed(Exception):
    """Raised by the fake module's fail_json."""


class FakeModule:
    def __init__(self, **overrides):
        self.params = params(**overrides)
        self.failure = None

    def fail_json(self, **kwargs):
        self.failure = kwargs
        raise Failed(kwargs["msg"])


def test_default_base_url_is_the_spec_server():
    settings = ConnectionSettings(params())
    assert DEFAULT_BASE_URL == "https://api.together.xyz/v1"
    assert settings.base_url == "https://api.together.xyz/v1"
    assert settings.base_url_given is False


def test_given_base_url_is_normalized_and_marked_as_given():
    settings = ConnectionSettings(params(base_url="http://127.0.0.1:8080/v1/"))
    assert settings.base_url == "http://127.0.0.1:8080/v1"
    assert settings.base_url_given is True


def test_settings_keep_timeout_retries_and_validate_certs():
    settings = ConnectionSettings(params(timeout=2.5, max_retries=0, validate_certs=False))
    assert (settings.timeout, settings.max_retries, settings.validate_certs) == (2.5, 0, False)


def test_validate_certs_defaults_to_true_when_absent():
    values = params()
    del values["validate_certs"]
    assert ConnectionSettings(values).validate_certs is True


def test_api_key_surrounding_white_space_is_stripped():
    assert ConnectionSettings(params(api_key="  %s\n" % API_KEY)).api_key == API_KEY


@pytest.mark.parametrize("api_key", [None, "", "   ", "\n\t"], ids=["missing", "empty", "blank", "whitespace"])
def test_missing_or_blank_key_fails_naming_option_and_environment_variable(api_key):
    message = settings_error(api_key=api_key)
    assert "api_key" in message
    assert "TOGETHER_API_KEY" in message


@pytest.mark.parametrize("timeout", [0, 0.0, -1.0, None, float("nan")])
def test_timeout_must_be_more_than_zero(timeout):
    assert settings_error(timeout=timeout).startswith("timeout must be a number of seconds greater than 0")


@pytest.mark.parametrize("max_retries", [-1, None])
def test_max_retries_must_be_zero_or_more(max_retries):
    assert settings_error(max_retries=max_retries).startswith("max_retries must be 0 or more")


@pytest.mark.parametrize("base_url", ["ftp://api.together.xyz/v1", "api.together.xyz", "https://x/v1?a=b"])
def test_bad_base_url_fails_naming_base_url(base_url):
    assert settings_error(base_url=base_url).startswith("base_url must")


def test_argument_spec_hides_the_key_and_reads_the_environment():
    spec = connection_argument_spec()
    assert spec["api_key"]["no_log"] is True
    assert spec["api_key"]["fallback"][1] == ["TOGETHER_API_KEY"]
    assert spec["base_url"]["fallback"][1] == ["TOGETHER_BASE_URL"]
    assert spec["timeout"] == dict(type="float", default=30.0)
    assert spec["validate_certs"] == dict(type="bool", default=True)
    assert spec["max_retries"] == dict(type="int", default=3)


def test_argument_spec_adds_module_options_without_changing_the_shared_one():
    spec = connection_argument_spec(endpoint_id=dict(type="str"))
    spec["timeout"]["default"] = 1.0
    assert spec["endpoint_id"] == dict(type="str")
    assert "endpoint_id" not in CONNECTION_ARGUMENT_SPEC
    assert CONNECTION_ARGUMENT_SPEC["timeout"]["default"] == 30.0


def test_settings_and_client_builds_a_client_from_the_options():
    module = FakeModule(timeout=4.0, max_retries=1, validate_certs=False)
    settings, client = settings_and_client(module, pool_size=3)
    assert isinstance(client, TogetherClient)
    assert settings.base_url == DEFAULT_BASE_URL
    assert (client.timeout, client.max_retries, client.session.verify) == (4.0, 1, False)
    assert client.session.auth(requests.Request("GET", DEFAULT_BASE_URL).prepare()).headers["Authorization"] == (
        "Bearer %s" % API_KEY)
    assert client.session.get_adapter("https://api.together.xyz")._pool_maxsize == 3


def test_settings_and_client_fails_the_module_with_the_option_problem():
    module = FakeModule(api_key=None)
    with pytest.raises(Failed):
        settings_and_client(module)
    assert "TOGETHER_API_KEY" in module.failure["msg"]


def test_settings_and_client_fails_with_missing_required_lib_without_requests(monkeypatch):
    monkeypatch.setattr(_connection, "HAS_REQUESTS", False)
    monkeypatch.setattr(_connection, "REQUESTS_IMPORT_ERROR", "Traceback: No module named 'requests'")
    module = FakeModule()
    with pytest.raises(Failed):
        settings_and_client(module)
    assert "requests" in module.failure["msg"]
    assert module.failure["msg"].startswith("Failed to import the required Python library (requests)")
    assert module.failure["exception"] == "Traceback: No module named 'requests'"
