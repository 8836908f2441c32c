# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The connection options every together.ai module shares (plugins/module_utils/_connection.py).

    The attributes (check mode, diff mode, action group) are in _attributes.py.
    """

    DOCUMENTATION = r"""
options:
  api_key:
    description:
      - "Together API key, sent as C(Authorization: Bearer <api_key>)."
      - If not set, the value of the E(TOGETHER_API_KEY) environment variable is used (on the host the module runs on).
      - The module fails before any request when neither is set.
      - The key is never logged or returned.
    type: str
  base_url:
    description:
      - Base URL of the Together v1 REST API, including its C(/v1) path.
      - If not set, the value of the E(TOGETHER_BASE_URL) environment variable is used, else
        V(https://api.together.ai/v1), the server of the API specification and the SDKs' default.
      - V(https://api.together.xyz/v1), Together's older host name, keeps working for v1; v2 and v3 calls (project-scoped
        endpoints, whoami) then go to V(https://api.together.ai), where every SDK sends them.
      - A trailing slash is harmless. A value that is not an C(http://) or C(https://) URL with a host is rejected
        before any request.
      - Point it at the bundled simulator (for example V(http://127.0.0.1:8080/v1)) for offline tests.
    type: str
  timeout:
    description:
      - Seconds one HTTP request may take in total, from connecting through the response headers to the last byte
        of the body. A server that trickles its answer is cut off at this limit, not only one that goes silent.
      - A timed-out request is retried like a connection error, up to O(max_retries) times.
      - "Worst case of one API call: (O(max_retries) + 1) x O(timeout) + the backoff pauses (0.5, 1, 2, 4, 8, 8, ...
        seconds, one per retry) + the rate-limit pauses, which all calls of a task share and which total at most
        60 seconds per task. With the defaults: 4 x 30 + 3.5 = 123.5 seconds, plus at most 60 seconds of rate
        limits."
      - "Worst case of a task: without waiting, that bound for each call made one after another (one for a single v1
        id; several ids are read 16 at a time, or a module's C(concurrency) where it has that option; v2 adds one
        project lookup, one model-name lookup per distinct model and one call per list page); with a wait
        (C(wait_for_state) or C(wait), where the module offers one), the wait's timeout (C(wait_timeout)) plus at most
        one request's O(timeout), as a wait gives its last request only the time that is left."
    type: float
    default: 30
  validate_certs:
    description:
      - Whether to verify the API's TLS certificate.
      - Set to V(false) only for a trusted test server with a self-signed certificate; the module warns when it is
        V(false). To trust a private CA, set O(ca_path) instead.
    type: bool
    default: true
  ca_path:
    description:
      - A CA bundle file (PEM), or a directory of CA certificates prepared with C(openssl rehash), used to verify the
        API's TLS certificate, for example behind a corporate TLS-inspecting proxy.
      - If not set, the value of the E(TOGETHER_CA_PATH) environment variable is used (on the host the module runs
        on), else the E(REQUESTS_CA_BUNDLE) or E(CURL_CA_BUNDLE) environment variable, else the bundle of the
        Python C(certifi) package. When set, it wins over those variables.
      - A path that does not exist (this option or those variables) fails the module before any request.
      - Ignored when O(validate_certs=false).
    type: path
  max_retries:
    description:
      - How many times to retry a request after a connection error, a timeout, or HTTP 408, 429, 500, 502, 503 or 504.
      - Retries wait with exponential backoff and jitter (about 0.5, 1, 2, 4, 8 seconds), or as long as the API's
        C(Retry-After) header asks. Other HTTP errors are never retried.
      - "Rate limits: an HTTP 429 pauses every request of the task at once (one shared pause, not one per endpoint
        read in parallel). All such pauses of a task, and any pause a C(Retry-After) header asks for, count against a
        budget of 60 seconds per task; a C(Retry-After) longer than what is left of it fails the task at once,
        naming what the API asked for."
      - Reads are retried as above. A write is sent again only where repeating it is safe, so nothing is created
        or changed twice. A C(PUT) or C(DELETE) always; a C(PATCH) when it carries the object's C(etag), since the
        API refuses a repeat with a stale C(etag) (HTTP 409, never retried); a C(POST) only after HTTP 429 or when
        the connection was never made.
      - V(0) disables retries.
    type: int
    default: 3
  allow_plain_http:
    description:
      - Allow an C(http://) O(base_url) whose host is not this machine. The API key then crosses the network
        unencrypted, so the module warns.
      - Without it, such a O(base_url) fails before any request. C(http://) to a loopback address (C(127.0.0.0/8),
        C(::1), C(localhost)), such as the bundled simulator, never needs it.
    type: bool
    default: false
notes:
  - "The API key is sent as C(Authorization: Bearer) and only to the API's origin (scheme, host and port of
    O(base_url), and of the v2 host root); C(~/.netrc) is never used. Redirects of reads are followed only within that origin
    (at most 3); one to another origin, or from C(https://) to C(http://), fails naming its C(Location). A redirect of a
    write is never followed: the write fails naming its C(Location)."
  - Proxies from E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY) apply as usual.
  - Response bodies are read up to 8 MiB after decompression (gzip or deflate); a larger body fails with an error
    naming the URL. A 404 counts as a missing endpoint only when the API says so; a 404 for a URL the API does not
    know (error code C(unknown_url)), an HTML page or an empty body fails, suggesting to check O(base_url).
requirements:
  - requests >= 2.25 (Python library, on the host the module runs on)
"""
