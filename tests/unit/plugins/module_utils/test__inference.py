# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The pure parts of the inference probes: names, defaults, the deployment that served, latency figures."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.together.ai.plugins.module_utils._errors import OptionError, TogetherError
from ansible_collections.together.ai.plugins.module_utils._inference import (
    V2_INFERENCE_BASE_URL,
    check_inference_base_url,
    default_inference_base_url,
    inference_name,
    median,
    percentile_95,
    served_by,
)

BLUE = dict(id="dep_Blue0000000000000000001", name="my-project/chat/blue")
GREEN = dict(id="dep_Green000000000000000002", name="my-project/chat/green")
V2_ENDPOINT = dict(api_version="v2", id="ep_Chat", name="my-project/chat", deployments=[BLUE, GREEN])


@pytest.mark.parametrize("values, expected_median, expected_p95", [
    ([120.0], 120.0, 120.0),
    ([300.0, 100.0], 200.0, 300.0),
    ([5.0, 1.0, 3.0], 3.0, 5.0),
    ([float(value) for value in range(1, 21)], 10.5, 19.0),
    ([float(value) for value in range(1, 101)], 50.5, 95.0),
    ([], None, None),
])
def test_median_and_nearest_rank_p95(values, expected_median, expected_p95):
    assert median(values) == expected_median
    assert percentile_95(values) == expected_p95


@pytest.mark.parametrize("cluster, expected", [
    ("dep_Blue0000000000000000001", BLUE),
    ("my-project/chat/green", GREEN),
    ("green", GREEN),
    ("us-east-1/dep_Blue0000000000000000001/replica-3", BLUE),
    ("cluster=green;zone=a", GREEN),
    ("blue,green", None),  # both named: which one served is not known
    ("dep_Other", None),
    ("", None),
    (None, None),
])
def test_served_by_matches_the_header_against_ids_and_names(cluster, expected):
    assert served_by(cluster, [BLUE, GREEN]) == expected


def test_served_by_without_deployments_is_none():
    assert served_by("blue", []) is None


@pytest.mark.parametrize("endpoint, deployment, slug, expected", [
    (V2_ENDPOINT, None, None, ("my-project/chat", None)),
    (V2_ENDPOINT, "green", None, ("my-project/chat/green", GREEN)),
    (V2_ENDPOINT, "dep_Blue0000000000000000001", None, ("my-project/chat/blue", BLUE)),
    (dict(V2_ENDPOINT, name="chat", deployments=[dict(id="dep_1", name="blue")]), "blue", "my-project",
     ("my-project/chat/blue", dict(id="dep_1", name="blue"))),
    (dict(api_version="v1", id="endpoint-1", name="devuser/model-a1"), None, None, ("devuser/model-a1", None)),
    (dict(id="endpoint-1", name="devuser/model-a1"), None, None, ("devuser/model-a1", None)),
], ids=["v2", "v2-deployment-name", "v2-deployment-id", "v2-bare-names", "v1", "v1-no-api-version"])
def test_inference_name(endpoint, deployment, slug, expected):
    assert inference_name(endpoint, deployment, slug) == expected


def test_a_bare_v2_name_without_a_known_slug_fails_suggesting_model():
    with pytest.raises(TogetherError, match=r"endpoint 'ep_Chat' is named 'chat' without its project slug.*set model to "
                                            r"<project_slug>/chat instead"):
        inference_name(dict(V2_ENDPOINT, name="chat"), None, None)


def test_an_unknown_deployment_names_the_known_ones():
    with pytest.raises(OptionError, match=r"deployment 'red' is not a deployment of endpoint 'ep_Chat' \(it has: "
                                          r"my-project/chat/blue \(dep_Blue0000000000000000001\), my-project/chat/green"):
        inference_name(V2_ENDPOINT, "red", None)


@pytest.mark.parametrize("api_version, base_url, given, expected", [
    ("v1", "https://api.together.ai/v1", False, "https://api.together.ai/v1"),
    ("v2", "https://api.together.ai/v1", False, V2_INFERENCE_BASE_URL),
    ("v2", "https://api.together.ai/v1", True, V2_INFERENCE_BASE_URL),
    ("v2", "https://eu.api.together.ai/v1", True, V2_INFERENCE_BASE_URL),
    ("v2", "http://127.0.0.1:8080/v1", True, "http://127.0.0.1:8080/v1"),
    ("v2", "https://gateway.example.com/together/v1", True, "https://gateway.example.com/together/v1"),
    ("v2", "https://nottogether.ai/v1", True, "https://nottogether.ai/v1"),
    ("v1", "http://127.0.0.1:8080/v1", True, "http://127.0.0.1:8080/v1"),
], ids=["v1", "v2-default", "v2-together-ai", "v2-subdomain", "v2-simulator", "v2-gateway", "v2-lookalike", "v1-sim"])
def test_default_inference_base_url_keeps_the_key_on_hosts_the_task_named(api_version, base_url, given, expected):
    assert default_inference_base_url(api_version, base_url, given) == expected


@pytest.mark.parametrize("value, allow, expected", [
    ("https://api-inference.together.ai/v1/", False, "https://api-inference.together.ai/v1"),
    ("http://127.0.0.1:9/v1", False, "http://127.0.0.1:9/v1"),
    ("http://inference.internal/v1", True, "http://inference.internal/v1"),
])
def test_check_inference_base_url_accepts(value, allow, expected):
    assert check_inference_base_url(value, allow) == expected


@pytest.mark.parametrize("value, message", [
    ("http://inference.internal/v1", "plain http:// to a host that is not this machine"),
    ("https://api-inference.together.ai/v1?x=1", "must not carry a query or a fragment"),
    ("api-inference.together.ai", "must be an http:// or https:// URL with a host"),
])
def test_check_inference_base_url_refuses(value, message):
    with pytest.raises(OptionError, match=message):
        check_inference_base_url(value)
