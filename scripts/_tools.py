"""Helpers shared by the make demo and make benchmark scripts (standard library only)."""

import pathlib
import shutil
import sys


def say(text=""):
    print(text, flush=True)


def ansible_playbook(make_target):
    """The ansible-playbook beside this interpreter (the project's .venv), else the one on PATH."""
    beside = pathlib.Path(sys.executable).parent / "ansible-playbook"
    found = str(beside) if beside.exists() else shutil.which("ansible-playbook")
    if not found:
        sys.exit("ansible-playbook not found: run `make %s`, which sets up .venv first." % make_target)
    return found
