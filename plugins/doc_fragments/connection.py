# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The connection options every together.ai module shares (plugins/module_utils/_connection.py)."""

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
        V(https://api.together.xyz/v1), the server of the API specification.
        V(https://api.together.ai/v1) is the same API under Together's newer host name.
      - A trailing slash is harmless. A value that is not an C(http://) or C(https://) URL with a host is rejected
        before any request.
      - Point it at the bundled simulator (for example V(http://127.0.0.1:8080/v1)) for offline tests.
    type: str
  timeout:
    description:
      - Seconds to wait for each HTTP request (connect and each read) before giving up on it.
      - A timed-out request is retried like a connection error, up to O(max_retries) times.
    type: float
    default: 30
  validate_certs:
    description:
      - Whether to verify the API's TLS certificate.
      - Set to V(false) only for a trusted test server with a self-signed certificate.
    type: bool
    default: true
  max_retries:
    description:
      - How many times to retry a request after a connection error, a timeout, or HTTP 408, 429, 500, 502, 503 or 504.
      - Retries wait with exponential backoff and jitter (about 0.5, 1, 2, 4, 8 seconds), or as long as the API's
        C(Retry-After) header asks, capped at 60 seconds. Other HTTP errors are never retried.
      - V(0) disables retries.
    type: int
    default: 3
requirements:
  - requests >= 2.25 (Python library, on the host the module runs on)
"""

    ATTRIBUTES = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying the target.
    support: full
    details:
      - This module only reads from the Together API, so it runs the same in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: N/A
    details:
      - This module does not change anything.
  action_group:
    description: Use C(group/together.ai.together) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - together.ai.together
"""
