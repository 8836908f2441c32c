# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Copy the collection's source tree to a build folder, as a clean clone would hold it, without git.

Usage: python scripts/copy_tree.py SOURCE DEST. Leaves out .git and every path .gitignore names (the
virtual environment, build copies, test output, caches), so it works from a git checkout, an exported
tree or a release tarball alike. Only the simple .gitignore forms this project uses are understood:
"name/" (a folder anywhere), "/name" (at the top), "a/b" (a path from the top) and "*.ext" globs.
"""

import fnmatch
import os
import shutil
import sys

ALWAYS_LEFT_OUT = (".git/",)


def ignore_rules(source):
    rules = list(ALWAYS_LEFT_OUT)
    path = os.path.join(source, ".gitignore")
    if os.path.exists(path):
        with open(path) as handle:
            rules.extend(line.strip() for line in handle if line.strip() and not line.startswith("#"))
    return rules


def ignored(relative, is_dir, rules):
    name = os.path.basename(relative)
    for rule in rules:
        folder_only = rule.endswith("/")
        pattern = rule.rstrip("/")
        if folder_only and not is_dir:
            continue
        if pattern.startswith("/") or "/" in pattern:
            if fnmatch.fnmatch(relative, pattern.lstrip("/")):
                return True
        elif fnmatch.fnmatch(name, pattern):
            return True
    return False


def copy_tree(source, dest):
    rules = ignore_rules(source)
    source = os.path.abspath(source)
    dest = os.path.abspath(dest)
    for folder, dirs, files in os.walk(source):
        relative_folder = os.path.relpath(folder, source)
        relative_folder = "" if relative_folder == "." else relative_folder
        # Never copy the destination into itself (BUILD_DIR may sit inside the tree).
        dirs[:] = sorted(d for d in dirs
                         if not ignored(os.path.join(relative_folder, d), True, rules)
                         and os.path.abspath(os.path.join(folder, d)) != dest
                         and not dest.startswith(os.path.abspath(os.path.join(folder, d)) + os.sep))
        os.makedirs(os.path.join(dest, relative_folder), exist_ok=True)
        for name in sorted(files):
            relative = os.path.join(relative_folder, name)
            if not ignored(relative, False, rules):
                shutil.copy2(os.path.join(source, relative), os.path.join(dest, relative), follow_symlinks=False)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: copy_tree.py SOURCE DEST")
    copy_tree(sys.argv[1], sys.argv[2])
