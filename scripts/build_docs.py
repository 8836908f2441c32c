# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""`make docs`: the collection's HTML docs site, with antsibull-docs and Sphinx, offline.

Usage: python scripts/build_docs.py COLLECTIONS_PATH OUT. COLLECTIONS_PATH holds ansible_collections/together/ai
(make passes the installed tarball). Writes OUT/src (the Sphinx project antsibull-docs sphinx-init makes:
conf.py and rst/ with a page per module, filter and role, the role's from its argument specs) and OUT/html.
The guides in docs/*.md join the site as Markdown pages (myst-parser), and CHANGELOG.rst as the changelog page.
conf.py is adjusted to build without a network: no intersphinx inventories (links to docs.ansible.com are
written as plain links instead). Run with the release venv's bin/ first on PATH (make does).
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
COLLECTION = "together.ai"
# docs/*.md in reading order; any other guide is appended after them.
GUIDES = ("gate", "rollout", "eda", "simulator", "v2-migration", "reliability", "contract", "benchmark", "limits")

# Labels of the Ansible docs (ansible.builtin, configuration pages), known only with intersphinx inventories.
OFFLINE_REFERENCE = re.compile(r"undefined label: '(ansible_collections\.ansible\.builtin\.[^']*|"
                               r"ansible_configuration_settings|action_plugins|common_return_values)'")

CONF_EXTRA = '''
# --- together.ai (scripts/build_docs.py): the project's own settings on top of antsibull-docs' defaults.
project = 'together.ai'
copyright = 'together.ai collection maintainers'
title = 'together.ai Ansible collection'
html_short_title = 'together.ai collection'
extensions.append('myst_parser')
source_suffix = {'.rst': 'restructuredtext', '.md': 'markdown'}
myst_heading_anchors = 3
# Offline build: no intersphinx inventories to download.
intersphinx_mapping = {}
intersphinx_disabled_reftypes = ['*']
nitpicky = False
# Code blocks of the guides that are not YAML (logs, HTTP) are shown plain.
suppress_warnings = ['misc.highlighting_failure']
'''


def run(command, cwd):
    print("   $ %s" % " ".join(command), flush=True)
    subprocess.run(command, cwd=cwd, check=True)


def guides():
    found = sorted(ROOT.glob("docs/*.md"), key=lambda path: (
        GUIDES.index(path.stem) if path.stem in GUIDES else len(GUIDES), path.stem))
    return found


def rewrite_links(text):
    """Links between guides stay; links to files of the repository point to the repository on GitHub."""
    def fix(match):
        label, target = match.group(1), match.group(2)
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            return match.group(0)
        path = target.split("#")[0]
        if path.endswith(".md") and "/" not in path and (ROOT / "docs" / path).exists():
            return match.group(0)
        repo_path = os.path.normpath(os.path.join("docs", target))
        return "[%s](https://github.com/together-ai-ansible/together.ai/blob/main/%s)" % (label, repo_path)
    return re.sub(r"\[([^\]]*)\]\(([^)\s]+)\)", fix, text)


def main(collections_path, out):
    out = pathlib.Path(out).resolve()
    src, html = out / "src", out / "html"
    shutil.rmtree(out, ignore_errors=True)
    src.mkdir(parents=True)
    os.chmod(src, 0o755)  # antsibull-docs wants its folders writable by the owner only
    env_path = collections_path
    os.environ["ANSIBLE_COLLECTIONS_PATH"] = env_path
    run(["antsibull-docs", "sphinx-init", "--use-current", "--squash-hierarchy", COLLECTION, "--dest-dir", str(src)],
        cwd=out)
    with open(src / "conf.py", "a") as handle:
        handle.write(CONF_EXTRA)
    rst = src / "rst"
    rst.mkdir(exist_ok=True)
    os.chmod(rst, 0o755)
    run(["antsibull-docs", "--config-file", "antsibull-docs.cfg", "collection", "--cleanup", "everything",
         "--use-current", "--squash-hierarchy", "--dest-dir", "rst", COLLECTION], cwd=src)
    (rst / "guides").mkdir()
    names = []
    for guide in guides():
        (rst / "guides" / guide.name).write_text(rewrite_links(guide.read_text()))
        names.append("guides/" + guide.stem)
    shutil.copy(ROOT / "CHANGELOG.rst", rst / "changelog.rst")
    with open(rst / "index.rst", "a") as handle:
        handle.write("\n\nGuides\n------\n\n.. toctree::\n    :maxdepth: 1\n\n")
        handle.write("".join("    %s\n" % name for name in names))
        handle.write("    changelog\n")
    print("   $ sphinx-build -b html %s %s" % (rst, html), flush=True)
    build = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-c", str(src), str(rst), str(html)],
                           cwd=src, capture_output=True, text=True, check=False)
    # Offline, references into docs.ansible.com (ansible.builtin plugins, config pages) cannot resolve; every
    # other warning is the collection's own (a broken reference, bad markup) and fails the build.
    warnings = [line for line in build.stderr.splitlines() if "WARNING" in line or "ERROR" in line]
    own = [line for line in warnings if not OFFLINE_REFERENCE.search(line)]
    for line in warnings:
        print("   %s%s" % ("" if line in own else "(offline, ignored) ", line))
    if build.returncode or own:
        sys.exit("docs: Sphinx failed (exit %d) or warned about the collection's own pages (above)" % build.returncode)
    print("   docs site: %s/index.html" % html)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: build_docs.py COLLECTIONS_PATH OUT")
    main(sys.argv[1], sys.argv[2])
