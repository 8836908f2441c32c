"""Give ansible-test the pip bootstrap script it would otherwise download.

ansible-test creates a virtual environment per sanity test and bootstraps pip in it with a
get-pip script fetched from ci-files.testing.ansible.com, a host this project's CI cannot reach.
This writes a stand-in into ansible-test's cache that uses the interpreter's own ensurepip and then
installs the pinned pip version from the package index, which is reachable.
"""

import os
import pathlib
import re

import ansible_test

SHIM = '''"""Offline stand-in for ansible-test's get-pip bootstrap script (written by the together.ai Makefile)."""
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"], stdout=subprocess.DEVNULL)
subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet"] + args)
'''


def main():
    source = (pathlib.Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py").read_text()
    pip_version = re.search(r"pip='([0-9.]+)'", source).group(1)
    cache = pathlib.Path(os.path.expanduser("~/.ansible/test/cache"))
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / ("get_pip_%s.py" % pip_version.replace(".", "_"))
    if not target.exists() or target.read_text() != SHIM:
        target.write_text(SHIM)


if __name__ == "__main__":
    main()
