# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The role's report templates rendered with the collection's filters: the XML parses, the Markdown table holds."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
from xml.etree import ElementTree

import jinja2

from ansible.plugins.filter.core import FilterModule as CoreFilters

from ansible_collections.together.ai.plugins.filter.endpoint_gate import FilterModule, endpoint_gate_evaluate
from ansible_collections.together.ai.tests.unit.plugins.plugin_utils.gate_fixtures import EP

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "roles", "endpoint_gate", "templates"))
# Text an API (or a proxy in front of it) could send: a control character, markup, a pipe, a line break.
NASTY_MODEL = u"evil\x1b[0m\x00 <b>&</b> a|b\nsecond line"


def render(name, outcome):
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), trim_blocks=True)
    environment.filters.update(CoreFilters().filters())
    environment.filters.update(("together.ai." + key, value) for key, value in FilterModule().filters().items())
    return environment.get_template(name).render(endpoint_gate__outcome=outcome, endpoint_gate_report_name="gate")


def nasty_outcome():
    endpoint = {"id": EP, "api_version": "v1", "state": "STARTED", "model": NASTY_MODEL, "hardware": "h|w",
                "autoscaling": {"min_replicas": 1, "max_replicas": 2}}
    return endpoint_gate_evaluate([endpoint], [{"endpoint_id": EP, "model": "meta-llama/Llama-3-8b-chat-hf"}])


def test_junit_with_control_characters_and_markup_from_the_api_parses():
    root = ElementTree.fromstring(render("junit.xml.j2", nasty_outcome()).encode("utf-8"))
    failure = root.find("./testsuite/testcase[@name='model']/failure")
    assert failure is not None
    assert "<b>&</b> a|b" in failure.get("message")
    assert "\x1b" not in failure.get("message") and "\x00" not in failure.text
    assert root.get("failures") == "1" and root.get("errors") == "0"


def test_junit_when_the_api_could_not_be_read_has_one_error_per_endpoint():
    outcome = endpoint_gate_evaluate(None, [{"endpoint_id": EP}, {"endpoint_id": "ep_2"}],
                                     error=u"HTTP 401 from http://x/v1/endpoints/a: Invalid API key\x07")
    root = ElementTree.fromstring(render("junit.xml.j2", outcome).encode("utf-8"))
    errors = root.findall("./testsuite/testcase/error")
    assert root.get("errors") == "2" and root.get("tests") == "2"
    # The error (with any base_url hint) is said once per run: the first endpoint's test case; the others refer to it.
    assert ["Invalid API key" in item.get("message") for item in errors] == [True, False]
    assert "the error is above" in errors[1].get("message")
    assert sorted(case.get("classname") for case in root.findall("./testsuite/testcase")) == [EP, "ep_2"]


def test_markdown_rows_keep_their_cells_with_pipes_and_line_breaks_from_the_api():
    text = render("summary.md.j2", nasty_outcome())
    rows = [line for line in text.splitlines() if line.startswith("| `%s`" % EP)]
    assert len(rows) == 2  # the endpoint row and the violation row, each on one line
    endpoint_row = rows[0]
    cells = endpoint_row.replace("\\|", "").split("|")[1:-1]
    assert len(cells) == 6
    assert "\x1b" not in text and "second line" in endpoint_row
