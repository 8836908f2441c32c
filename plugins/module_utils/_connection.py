# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""The connection options every together.ai module shares, and the client built from them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import os
import re

from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.together.ai.plugins.module_utils._client import TogetherClient, normalize_base_url
from ansible_collections.together.ai.plugins.module_utils._errors import TogetherError
from ansible_collections.together.ai.plugins.module_utils._transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.together.ai.plugins.module_utils._parallel import (
    MAX_CONCURRENCY,
    MAX_PARALLEL_REQUESTS,
    MIN_CONCURRENCY,
)

# The error_code of a module that has no API key (a result field, so callers need not parse the message).
NO_API_KEY = "no_api_key"
# The OpenAPI spec's server and the SDKs' default; https://api.together.xyz/v1 is the same v1 API under Together's older
# host name, and keeps working.
DEFAULT_BASE_URL = "https://api.together.ai/v1"
# The older host answers v1; no SDK sends v2 or v3 there, so those calls go to DEFAULT_V2_ROOT instead.
LEGACY_HOSTS = ("api.together.xyz",)

CONNECTION_ARGUMENT_SPEC = dict(
    api_key=dict(type="str", no_log=True, fallback=(env_fallback, ["TOGETHER_API_KEY"])),
    base_url=dict(type="str", fallback=(env_fallback, ["TOGETHER_BASE_URL"])),
    timeout=dict(type="float", default=30.0),
    validate_certs=dict(type="bool", default=True),
    ca_path=dict(type="path", fallback=(env_fallback, ["TOGETHER_CA_PATH"])),
    max_retries=dict(type="int", default=3),
    allow_plain_http=dict(type="bool", default=False),
)
# v2 lives at the host root; https://api.together.ai is where every v2 source points.
DEFAULT_V2_ROOT = "https://api.together.ai"
# What requests reads when no ca_path is set, in the order it reads them.
CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


def is_loopback(host):
    """127.0.0.0/8, ::1 and localhost: where a plain-http key cannot leave the machine."""
    host = (host or "").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def v2_root(base_url, base_url_given):
    """The host root for /v2 and /v3 paths: base_url without one trailing /v1, never .../v1/v2/..."""
    if not base_url_given:
        return DEFAULT_V2_ROOT
    root = re.sub(r"/v1$", "", base_url.rstrip("/"))
    if re.match(r"^https://(%s)$" % "|".join(re.escape(host) for host in LEGACY_HOSTS), root, re.IGNORECASE):
        return DEFAULT_V2_ROOT
    return root


def connection_argument_spec(**extra):
    """The shared options plus a module's own."""
    spec = dict((name, dict(option)) for name, option in CONNECTION_ARGUMENT_SPEC.items())
    spec.update(extra)
    return spec


class ConnectionSettings:
    """Validated connection options. Raises TogetherError naming the option at fault."""

    def __init__(self, params):
        api_key = params.get("api_key")
        if not api_key or not api_key.strip():
            # The code lets a caller word it in its own terms (the gate's endpoint_gate_api_key).
            raise TogetherError("no API key: set the api_key option or the TOGETHER_API_KEY environment variable",
                                code=NO_API_KEY)
        self.api_key = api_key.strip()
        # An HTTP header cannot carry these; requests would quote the whole header, key included, in its error.
        if any(character.isspace() or ord(character) < 32 or ord(character) == 127 for character in self.api_key):
            raise TogetherError("api_key (or TOGETHER_API_KEY) contains white space or control characters; "
                                "check for a line break or a stray character pasted with it")
        try:
            self.api_key.encode("latin-1")
        except UnicodeEncodeError:
            raise TogetherError("api_key (or TOGETHER_API_KEY) contains characters an HTTP header cannot carry "
                                "(a typographic quote pasted with it?)")
        self.base_url_given = bool(params.get("base_url"))
        self.base_url = normalize_base_url(params.get("base_url") or DEFAULT_BASE_URL)
        self.timeout = params.get("timeout")
        if self.timeout is None or not 0 < self.timeout < float("inf"):
            raise TogetherError("timeout must be a number of seconds greater than 0, got %r" % (self.timeout,))
        self.max_retries = params.get("max_retries")
        if self.max_retries is None or self.max_retries < 0:
            raise TogetherError("max_retries must be 0 or more, got %r" % (self.max_retries,))
        self.validate_certs = params.get("validate_certs", True)
        self.warnings = []
        parts = urlsplit(self.base_url)
        if parts.scheme == "http" and not is_loopback(parts.hostname):
            if not params.get("allow_plain_http"):
                raise TogetherError(
                    "base_url %s is plain http:// to a host that is not this machine: the API key would cross the "
                    "network unencrypted. Use https://, or set allow_plain_http: true if that network is trusted"
                    % self.base_url)
            self.warnings.append("allow_plain_http: the API key goes unencrypted over plain http:// to %s"
                                 % parts.hostname)
        self.ca_path = params.get("ca_path") or None
        if self.ca_path is not None:
            self.ca_path = os.path.expanduser(self.ca_path.strip())
            if not os.path.exists(self.ca_path):
                raise TogetherError("ca_path (or TOGETHER_CA_PATH) %s does not exist; it must be a CA bundle file or a "
                                    "directory of CA certificates" % self.ca_path)
        elif self.validate_certs:
            for variable in CA_BUNDLE_VARIABLES:
                value = os.environ.get(variable)
                if value:
                    if not os.path.exists(value):
                        raise TogetherError("the environment variable %s names the CA bundle %s, which does not exist; "
                                            "fix or unset it, or set ca_path" % (variable, value))
                    break
        if not self.validate_certs:
            self.warnings.append("validate_certs: false: the API's TLS certificate is not checked, so anyone on the "
                                 "network path can read the API key; use ca_path to trust a private CA instead")


def pool_size_for(params):
    """One pooled connection per concurrent read: the module's concurrency option when it has a valid one."""
    concurrency = params.get("concurrency")
    if isinstance(concurrency, int) and not isinstance(concurrency, bool) and (
            MIN_CONCURRENCY <= concurrency <= MAX_CONCURRENCY):
        return concurrency
    return MAX_PARALLEL_REQUESTS


def settings_and_client(module, pool_size=None):
    """Check the shared options and build the client, or fail the module before any request.

    The pool keeps one connection per concurrent read (fetch_concurrently), so none is opened twice: pool_size,
    else the module's concurrency option (together_endpoint_info), else MAX_PARALLEL_REQUESTS.
    """
    if pool_size is None:
        pool_size = pool_size_for(module.params)
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    try:
        settings = ConnectionSettings(module.params)
    except TogetherError as exc:
        module.fail_json(msg=exc.message, error_code=exc.code)
    for warning in settings.warnings:
        module.warn(warning)
    client = TogetherClient(settings.api_key, timeout=settings.timeout, validate_certs=settings.validate_certs,
                            max_retries=settings.max_retries, pool_size=pool_size, ca_path=settings.ca_path,
                            origins=[settings.base_url, v2_root(settings.base_url, settings.base_url_given)])
    return settings, client
