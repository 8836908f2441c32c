# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Escaping of API text for the gate's reports; the XML is parsed back."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
from xml.etree import ElementTree

import pytest

from ansible_collections.together.ai.plugins.plugin_utils._gate_report_files import markdown_cell, report_path, xml_text

NASTY = u"bad\x00\x07\x1b[31mred\x0b <tag> & \"quoted\" 'single' |pipe|\nsecond line\r\nthird\u2028fourth\x85\ufffe"


def test_xml_text_parses_back_in_an_attribute_and_in_text():
    document = u'<r a="%s">%s</r>' % (xml_text(NASTY), xml_text(NASTY))
    root = ElementTree.fromstring(document.encode("utf-8"))
    for parsed in (root.get("a"), root.text):
        assert "<tag> & \"quoted\" 'single'" in parsed
        assert "\x00" not in parsed and "\x1b" not in parsed
        assert "\nsecond line" in parsed


@pytest.mark.parametrize("value, expected", [(None, ""), (3, "3"), ("a&b", "a&amp;b")])
def test_xml_text_of_plain_values(value, expected):
    assert xml_text(value) == expected


def test_markdown_cell_stays_on_one_line_and_in_its_cell():
    cell = markdown_cell(NASTY)
    assert "\n" not in cell and "\r" not in cell and u"\u2028" not in cell and u"\x85" not in cell
    # Every pipe is escaped, so a table row keeps its number of cells.
    assert cell.count("|") == cell.count("\\|") == 2
    assert "\x00" not in cell and "\x1b" not in cell


def test_markdown_cell_turns_backticks_into_quotes_so_code_spans_hold():
    assert markdown_cell("a`b") == "a'b"


def test_report_path_is_relative_to_the_start_directory(tmp_path):
    assert report_path("reports", start=str(tmp_path)) == os.path.join(str(tmp_path), "reports")
    assert report_path("/abs/reports", start=str(tmp_path)) == "/abs/reports"
    assert report_path("", start=str(tmp_path)) == ""


def test_report_path_defaults_to_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert report_path("out/junit") == os.path.join(str(tmp_path), "out", "junit")
