# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This plugin_utils is internal to together.ai: its API may change without notice. Do not import it.

"""The gate's report files: text from the API made safe for JUnit XML and Markdown tables, and where the files go."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

# Characters XML 1.0 does not allow at all (a parser rejects the file), and C1 controls, which it
# allows but which show as garbage: replaced by U+FFFD so the reader sees that something was there.
_NOT_XML = re.compile(u"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_XML_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&apos;"))
# In a table cell a line break ends the row and a pipe starts a new cell.
_LINE_BREAKS = re.compile(u"\r\n|[\r\n\u2028\u2029\x85]")
_CONTROL = re.compile(u"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _text(value):
    return u"" if value is None else value if isinstance(value, str) else str(value)


def xml_text(value):
    """value for XML text or a quoted attribute: escaped, characters XML forbids replaced; tabs and newlines kept."""
    text = _NOT_XML.sub(u"\ufffd", _text(value))
    for character, entity in _XML_ESCAPES:
        text = text.replace(character, entity)
    # In an attribute a raw newline would be read back as a space.
    return text.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")


def markdown_cell(value):
    """value on one line of a Markdown table cell (or list item): no line break, no bare pipe, no control."""
    text = _LINE_BREAKS.sub(u" ", _text(value))
    text = _CONTROL.sub(u"\ufffd", text)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("`", "'")


def report_path(directory, start=None):
    """A report folder as written: a relative one is relative to where ansible-playbook was started."""
    directory = _text(directory)
    if not directory:
        return directory
    return os.path.normpath(os.path.join(start or os.getcwd(), os.path.expanduser(directory)))


def render_reports(outcome, report_name, templates_dir):
    """(Markdown, JUnit XML) of an outcome, from the role's templates (roles/endpoint_gate/templates).

    Rendered with Jinja2 itself and the filters the templates use, not through Ansible's templating: for a fleet,
    that was the slowest step of a gate run (as slow as the reads), and Ansible adds nothing a report needs.
    """
    # Imported here: only the gate's action renders reports. The templates use Jinja2's own filters and tests, two
    # of Ansible's (defined below, so Ansible's filter plugins need not be imported) and the collection's two.
    import jinja2  # pylint: disable=import-outside-toplevel

    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(templates_dir), trim_blocks=True,
                                     autoescape=False, keep_trailing_newline=True)
    environment.filters.update({
        "dict2items": lambda mapping: [{"key": key, "value": value} for key, value in mapping.items()],
        "split": lambda text, separator=None: _text(text).split(separator),
        "together.ai.endpoint_gate_md": markdown_cell,
        "together.ai.endpoint_gate_xml": xml_text,
    })
    context = dict(endpoint_gate__outcome=outcome, endpoint_gate_report_name=report_name)
    return tuple(environment.get_template(name).render(**context) for name in ("summary.md.j2", "junit.xml.j2"))
