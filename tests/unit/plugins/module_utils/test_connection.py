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
from ansible_collections.together.ai.plugins.module_utils._parallel import MAX_PARALLEL_REQUESTS

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
        self.warnings = []

    def warn(self, warning):
        self.warnings.append(warning)

    def fail_json(self, **kwargs):
        self.failure = kwargs
        raise Failed(kwargs["msg"])


def test_default_base_url_is_the_spec_server():
    settings = ConnectionSettings(params())
    assert DEFAULT_BASE_URL == "https://api.together.ai/v1"
    assert settings.base_url == "https://api.together.ai/v1"
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


@pytest.mark.parametrize("timeout", [0, 0.0, -1.0, None, float("nan"), float("inf")])
def test_timeout_must_be_more_than_zero(timeout):
    assert settings_error(timeout=timeout).startswith("timeout must be a number of seconds greater than 0")


@pytest.mark.parametrize("max_retries", [-1, None])
def test_max_retries_must_be_zero_or_more(max_retries):
    assert settings_error(max_retries=max_retries).startswith("max_retries must be 0 or more")


@pytest.mark.parametrize("base_url", ["ftp://api.together.ai/v1", "api.together.ai", "https://x/v1?a=b"])
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
    assert spec["ca_path"]["type"] == "path"
    assert spec["ca_path"]["fallback"][1] == ["TOGETHER_CA_PATH"]
    assert spec["allow_plain_http"] == dict(type="bool", default=False)


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
    assert client.session.get_adapter("https://api.together.ai")._pool_maxsize == 3


def test_the_connection_pool_holds_as_many_connections_as_reads_run_at_once():
    _settings, client = settings_and_client(FakeModule())
    adapter = client.session.get_adapter("https://api.together.ai")
    assert adapter._pool_maxsize == adapter._pool_connections == MAX_PARALLEL_REQUESTS == 16


@pytest.mark.parametrize("concurrency", [1, 5, 64])
def test_the_connection_pool_follows_the_concurrency_option(concurrency):
    _settings, client = settings_and_client(FakeModule(concurrency=concurrency))
    adapter = client.session.get_adapter("https://api.together.ai")
    assert adapter._pool_maxsize == adapter._pool_connections == concurrency


@pytest.mark.parametrize("concurrency", [None, 0, 65, True, "8"])
def test_a_concurrency_the_module_rejects_leaves_the_default_pool(concurrency):
    # The module fails on such a value before it builds a client; the pool never takes it meanwhile.
    _settings, client = settings_and_client(FakeModule(concurrency=concurrency))
    assert client.session.get_adapter("https://api.together.ai")._pool_maxsize == MAX_PARALLEL_REQUESTS


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


# --- plain http, ca_path and the CA bundle variables -------------------------------------------------------------

@pytest.mark.parametrize("base_url", ["http://api.example.com/v1", "http://10.0.0.5:8080/v1", "http://[fe80::1]/v1",
                                      "http://localhost.example.com/v1", "http://128.0.0.1/v1"])
def test_plain_http_to_a_host_that_is_not_loopback_fails_before_any_request(base_url):
    message = settings_error(base_url=base_url)
    assert message == ("base_url %s is plain http:// to a host that is not this machine: the API key would cross the "
                       "network unencrypted. Use https://, or set allow_plain_http: true if that network is trusted"
                       % base_url)


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:8080/v1", "http://127.9.9.9/v1", "http://[::1]:8080/v1",
                                      "http://localhost:8080/v1", "http://LOCALHOST/v1", "https://api.example.com/v1"])
def test_loopback_http_and_any_https_need_no_opt_in_and_do_not_warn(base_url):
    assert ConnectionSettings(params(base_url=base_url)).warnings == []


def test_allow_plain_http_lets_it_through_with_a_warning():
    settings = ConnectionSettings(params(base_url="http://api.example.com/v1", allow_plain_http=True))
    assert settings.warnings == ["allow_plain_http: the API key goes unencrypted over plain http:// to api.example.com"]


def test_validate_certs_false_warns():
    settings = ConnectionSettings(params(validate_certs=False))
    assert len(settings.warnings) == 1
    assert settings.warnings[0].startswith("validate_certs: false: the API's TLS certificate is not checked")


def test_ca_path_that_does_not_exist_fails_before_any_request(tmp_path):
    missing = str(tmp_path / "missing.pem")
    assert settings_error(ca_path=missing) == ("ca_path (or TOGETHER_CA_PATH) %s does not exist; it must be a CA bundle "
                                               "file or a directory of CA certificates" % missing)


@pytest.mark.parametrize("kind", ["file", "directory"])
def test_ca_path_file_or_directory_is_kept(tmp_path, kind):
    path = tmp_path / "ca"
    if kind == "file":
        path.write_text("not checked here")
    else:
        path.mkdir()
    assert ConnectionSettings(params(ca_path=str(path))).ca_path == str(path)


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_ca_bundle_variable_naming_a_missing_file_fails_before_any_request(monkeypatch, variable):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    monkeypatch.setenv(variable, "/nonexistent")
    assert settings_error() == ("the environment variable %s names the CA bundle /nonexistent, which does not exist; "
                                "fix or unset it, or set ca_path" % variable)


def test_ca_path_wins_over_a_missing_ca_bundle_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent")
    bundle = tmp_path / "ca.pem"
    bundle.write_text("x")
    assert ConnectionSettings(params(ca_path=str(bundle))).ca_path == str(bundle)


def test_settings_and_client_passes_ca_path_warns_and_binds_the_client_to_the_api_origins(tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("x")
    module = FakeModule(ca_path=str(bundle), validate_certs=True)
    _settings, client = settings_and_client(module)
    assert client.session.verify == str(bundle)
    assert client.origins == set([("https", "api.together.ai", 443), ("https", "api.together.ai", 443)])
    module = FakeModule(validate_certs=False, base_url="http://127.0.0.1:8080/v1")
    _settings, client = settings_and_client(module)
    assert client.origins == set([("http", "127.0.0.1", 8080)])
    assert len(module.warnings) == 1 and module.warnings[0].startswith("validate_certs: false")
