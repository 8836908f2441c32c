# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Check the tarball `ansible-galaxy collection build` made: what users install, and nothing else.

Usage: python scripts/check_tarball.py together-ai-X.Y.Z.tar.gz. Fails (exit 1, one line per problem) when
the tarball holds a development file (version control, venvs, build copies, caches, test output, tarballs,
the Makefile, the dev scripts and requirements, CI config) or lacks a file the collection needs at run time
or on Galaxy. Prints its size and file count otherwise.
"""

import fnmatch
import json
import os
import sys
import tarfile

# Development files, as path patterns inside the tarball (a folder pattern matches everything below it).
FORBIDDEN = (
    ".git", ".git/*", "*/.git/*", ".gitignore", ".ci/*", ".venv/*", ".venv-*/*", ".build/*", ".ansible/*",
    "*/.ansible/*", ".hypothesis/*", ".pytest_cache/*", "*/.pytest_cache/*", ".cache/*", "*/__pycache__/*",
    "*.pyc", "tests/output/*", "*.tar.gz", "Makefile", "requirements-dev.txt", "requirements/*", "scripts/*",
    "benchmarks/*", ".ansible-lint", ".yamllint", "changelogs/.plugin-cache.yaml", "collections/*",
    "tests/integration/inventory", "tests/integration/integration_config.yml", "execution-environment.yml",
    "docs/site/*", "context/*", "*.orig", "*.rej", "*.swp",
)
# What a user of the collection needs from it (Galaxy metadata, the content, the execution environment's inputs).
REQUIRED = (
    "MANIFEST.json", "FILES.json", "README.md", "LICENSE", "CHANGELOG.rst", "changelogs/changelog.yaml",
    "meta/runtime.yml", "meta/execution-environment.yml", "requirements.txt", "bindep.txt",
    "plugins/modules/together_endpoint_info.py", "plugins/action/together_endpoint_info.py",
    "plugins/doc_fragments/connection.py", "plugins/filter/endpoint_gate.py",
    "roles/endpoint_gate/meta/argument_specs.yml", "playbooks/gate_endpoints.yml", "simulator/run.py",
    "docs/gate.md",
)


# The collection's own layout: every file of the tarball is one of these, or under one of these folders. Anything
# else (a reports/ folder a gate run left in the checkout, a user's vars file, a scratch file) is refused.
LAYOUT_FILES = (
    "MANIFEST.json", "FILES.json", "README.md", "LICENSE", "CHANGELOG.rst", "SECURITY.md", "requirements.txt",
    "bindep.txt",
)
LAYOUT_FOLDERS = ("changelogs", "docs", "extensions", "meta", "playbooks", "plugins", "roles", "simulator", "tests")


def outside_layout(name):
    top = name.split("/", 1)[0]
    return not (name in LAYOUT_FILES or ("/" in name and top in LAYOUT_FOLDERS))


def problems(names, manifest):
    found = []
    for name in names:
        bad = [pattern for pattern in FORBIDDEN if fnmatch.fnmatch(name, pattern)]
        if bad:
            found.append("development file in the tarball: %s (matches %s)" % (name, bad[0]))
        elif outside_layout(name):
            found.append("not part of the collection's layout: %s (add it to build_ignore in galaxy.yml, or to "
                         "LAYOUT_FILES / LAYOUT_FOLDERS in scripts/check_tarball.py if it belongs)" % name)
    for name in REQUIRED:
        if name not in names:
            found.append("missing from the tarball: %s" % name)
    info = manifest.get("collection_info", {})
    if (info.get("namespace"), info.get("name")) != ("together", "ai"):
        found.append("MANIFEST.json names %s.%s, not together.ai" % (info.get("namespace"), info.get("name")))
    return found


def main(path):
    with tarfile.open(path) as tar:
        members = [member for member in tar.getmembers() if not member.isdir()]
        names = [member.name[2:] if member.name.startswith("./") else member.name for member in members]
        manifest = json.load(tar.extractfile("MANIFEST.json"))
    found = problems(names, manifest)
    for problem in found:
        print("check_tarball: %s" % problem)
    if found:
        return 1
    print("   %s: %d files, %d KiB, version %s, no development files"
          % (os.path.basename(path), len(names), os.path.getsize(path) // 1024, manifest["collection_info"]["version"]))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: check_tarball.py TARBALL")
    sys.exit(main(sys.argv[1]))
