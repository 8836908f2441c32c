# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Check the HTML docs site `make docs` built: the pages are there and show what users look for.

Usage: python scripts/check_docs_site.py HTML_DIR. Reads the collection's own documentation (the module's
DOCUMENTATION and EXAMPLES, the role's meta/argument_specs.yml) from the source tree and checks that:
the module page has the options table with every top-level option and the examples, each with the text the
module documents; the role page lists every option of its argument specs; every filter plugin and every
guide in docs/*.md has a page; the index links them. Exit 1 with one line per problem; prints the page list.
"""

import ast
import html
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent


def module_doc(name):
    """DOCUMENTATION and EXAMPLES of plugins/modules/<name>.py, read without importing it."""
    tree = ast.parse((ROOT / "plugins" / "modules" / (name + ".py")).read_text())
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if getattr(target, "id", None) in ("DOCUMENTATION", "EXAMPLES"):
                    found[target.id] = node.value.value
    return yaml.safe_load(found["DOCUMENTATION"]), found["EXAMPLES"]


def text_of(page):
    """The page's visible text, tags dropped and entities decoded, whitespace collapsed."""
    raw = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page.read_text(), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", raw)))


def check_module(site, name):
    problems = []
    page = site / ("%s_module.html" % name)
    if not page.exists():
        return ["no module page %s" % page.name]
    source = page.read_text()
    text = text_of(page)
    documentation, examples = module_doc(name)
    # The options table: antsibull-docs renders a table whose header row says Parameter / Comments.
    table = re.search(r'<table[^>]*ansible-option-table.*?</table>', source, flags=re.S)
    if not table:
        problems.append("%s: no options table (ansible-option-table)" % page.name)
    else:
        table_text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", table.group(0))))
        if "Parameter" not in table_text or "Comments" not in table_text:
            problems.append("%s: the options table has no Parameter / Comments header" % page.name)
        for option in documentation["options"]:
            if not re.search(r"\b%s\b" % re.escape(option), table_text):
                problems.append("%s: option %s is not in the options table" % (page.name, option))
    if not re.search(r'<h2>Examples', source) and 'id="examples"' not in source:
        problems.append("%s: no Examples section" % page.name)
    # Every task name of EXAMPLES shows on the page, in the examples' code block.
    for task_name in re.findall(r"^- name: (.+)$", examples, flags=re.M):
        if task_name.strip().strip("'\"") not in text:
            problems.append("%s: the example %r is not shown" % (page.name, task_name.strip()))
    if documentation["short_description"] not in text:
        problems.append("%s: the short description is not shown" % page.name)
    return problems


def check_role(site):
    page = site / "endpoint_gate_role.html"
    if not page.exists():
        return ["no role page endpoint_gate_role.html"]
    text = text_of(page)
    specs = yaml.safe_load((ROOT / "roles" / "endpoint_gate" / "meta" / "argument_specs.yml").read_text())
    problems = []
    for entry_point, spec in specs["argument_specs"].items():
        if "Entry point %s" % entry_point not in text and entry_point not in text:
            problems.append("%s: entry point %s is not shown" % (page.name, entry_point))
        for option in spec.get("options", {}):
            if option not in text:
                problems.append("%s: role option %s is not shown" % (page.name, option))
    return problems


def main(site):
    site = pathlib.Path(site)
    problems = check_module(site, "together_endpoint_info") + check_role(site)
    for plugin in sorted((ROOT / "plugins" / "filter").glob("*.yml")):
        if not (site / ("%s_filter.html" % plugin.stem)).exists():
            problems.append("no page for the filter %s" % plugin.stem)
    for guide in sorted((ROOT / "docs").glob("*.md")):
        if not (site / "guides" / (guide.stem + ".html")).exists():
            problems.append("no page for the guide docs/%s" % guide.name)
    index = (site / "index.html").read_text() if (site / "index.html").exists() else ""
    for target in ["together_endpoint_info_module.html", "endpoint_gate_role.html", "guides/gate.html", "changelog.html"]:
        if 'href="%s' % target not in index:
            problems.append("index.html does not link %s" % target)
    for problem in problems:
        print("check_docs_site: %s" % problem)
    if problems:
        return 1
    pages = sorted(str(path.relative_to(site)) for path in site.rglob("*.html")
                   if path.name not in ("search.html", "genindex.html") and "_static" not in path.parts)
    print("   docs site %s: %d pages: %s" % (site, len(pages), ", ".join(pages)))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: check_docs_site.py HTML_DIR")
    sys.exit(main(sys.argv[1]))
