# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests of the release tooling: the matrix's interpreter search, the tarball, docs site and EE checks.

Run by `make release-tests` (part of make test): python -m pytest scripts/tests.
"""

import html
import io
import json
import pathlib
import stat
import sys
import tarfile

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import check_docs_site  # noqa: E402  (needs the path set up above)
import check_ee_context  # noqa: E402
import check_tarball  # noqa: E402
import matrix  # noqa: E402

CLEAN = list(check_tarball.REQUIRED) + ["plugins/module_utils/_client.py", "tests/unit/conftest.py",
                                        "extensions/molecule/gate_pass/molecule.yml", "docs/simulator.md"]
MANIFEST = {"collection_info": {"namespace": "together", "name": "ai", "version": "1.0.0"}}


def test_clean_tarball_has_no_problems():
    assert not check_tarball.problems(CLEAN, MANIFEST)


@pytest.mark.parametrize("name", [".git/config", ".venv/bin/python", ".venv-2.21/bin/python", ".build/x",
                                  "scripts/demo.py", "Makefile", "requirements-dev.txt", "requirements/leg.txt",
                                  "tests/output/junit/a.xml", "plugins/module_utils/__pycache__/_client.cpython-311.pyc",
                                  "together-ai-1.0.0.tar.gz", ".hypothesis/examples/x", "tests/integration/inventory",
                                  ".ansible/collections/x", "changelogs/.plugin-cache.yaml"])
def test_development_file_in_tarball_is_a_problem(name):
    found = check_tarball.problems(CLEAN + [name], MANIFEST)
    assert len(found) == 1 and name in found[0]


@pytest.mark.parametrize("name", ["reports/endpoint-gate.xml", "reports/endpoint-gate.md", "gate.yml", "notes.txt",
                                  "endpoint-gate.xml", "my-reports/x.md"])
def test_anything_outside_the_collection_layout_is_a_problem(name):
    # A gate run from the checkout once left reports/ there, and the next build packed it.
    found = check_tarball.problems(CLEAN + [name], MANIFEST)
    assert len(found) == 1 and "not part of the collection's layout: %s" % name in found[0]


def test_galaxy_build_ignores_what_a_gate_run_leaves_in_the_checkout():
    galaxy = (pathlib.Path(__file__).resolve().parents[2] / "galaxy.yml").read_text()
    assert "  - reports\n" in galaxy and "  - '*.xml'\n" in galaxy


def test_missing_runtime_file_and_wrong_name_are_problems():
    found = check_tarball.problems([n for n in CLEAN if n != "meta/runtime.yml"],
                                   {"collection_info": {"namespace": "other", "name": "ai"}})
    assert any("missing from the tarball: meta/runtime.yml" in p for p in found)
    assert any("not together.ai" in p for p in found)


@pytest.mark.parametrize("version,leg", [((3, 11), "2.19"), ((3, 12), "2.20"), ((3, 13), "2.21"), ((3, 14), "2.21")])
def test_main_leg_is_the_newest_this_python_allows(monkeypatch, version, leg):
    monkeypatch.setattr(matrix.sys, "version_info", version + (0, "final", 0))
    assert matrix.primary() == leg


def test_python_older_than_every_leg_says_so(monkeypatch):
    monkeypatch.setattr(matrix.sys, "version_info", (3, 10, 0, "final", 0))
    with pytest.raises(SystemExit, match="older than every leg"):
        matrix.primary()


def _fake_python(path, version):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\necho %s\necho %s\n" % (version, path))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def test_interpreter_found_under_pyenv_without_home(tmp_path, monkeypatch):
    """A pyenv shim that is not active exits 127; the versions folder has the real one (newest patch wins)."""
    root = tmp_path / "pyenv"
    shims = root / "shims"
    shims.mkdir(parents=True)
    shim = shims / "python3.13"
    shim.write_text("#!/bin/sh\necho 'pyenv: python3.13: command not found' >&2\nexit 127\n")
    shim.chmod(0o755)
    _fake_python(root / "versions" / "3.13.0" / "bin" / "python3.13", "3.13")
    _fake_python(root / "versions" / "3.13.10" / "bin" / "python3.13", "3.13")
    monkeypatch.setattr(matrix.sys, "version_info", (3, 11, 7, "final", 0))
    monkeypatch.setenv("HOME", str(tmp_path / "empty-home"))
    monkeypatch.delenv("PYENV_ROOT", raising=False)
    monkeypatch.setenv("PATH", "%s:/usr/bin:/bin" % shims)
    path, why = matrix.find_python("2.21")
    assert why is None
    assert path == str(root / "versions" / "3.13.10" / "bin" / "python3.13")


def test_interpreter_not_found_says_why(tmp_path, monkeypatch):
    monkeypatch.setattr(matrix.sys, "version_info", (3, 11, 7, "final", 0))
    monkeypatch.delenv("PYENV_ROOT", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    path, why = matrix.find_python("2.20")
    assert path is None
    assert "no python3.12 on PATH" in why and "no 3.12.* under pyenv" in why


def _context(tmp_path, requirements="requests>=2.25\n", tarball=True):
    context = tmp_path / "context"
    (context / "_build" / "collections").mkdir(parents=True)
    (context / "Containerfile").write_text('ARG ANSIBLE_INSTALL_REFS="ansible-core==2.21.5 ansible-runner==2.4.3"\n'
                                           "COPY _build /build\nRUN ansible-galaxy collection install -r requirements.yml\n")
    (context / "_build" / "requirements.yml").write_text(
        "collections:\n  - name: /build/collections/together-ai.tar.gz\n    type: file\n")
    (context / "_build" / "requirements.txt").write_text(requirements)
    if tarball:
        with tarfile.open(context / "_build" / "collections" / "together-ai.tar.gz", "w:gz") as tar:
            for name, data in (("MANIFEST.json", json.dumps(MANIFEST)), ("meta/execution-environment.yml", "x"),
                               ("requirements.txt", "requests"), ("plugins/modules/together_endpoint_info.py", "x")):
                info = tarfile.TarInfo(name)
                info.size = len(data.encode())
                tar.addfile(info, io.BytesIO(data.encode()))
    return context


def test_ee_context_with_collection_and_requests_passes(tmp_path):
    assert not check_ee_context.check(str(_context(tmp_path)))


def test_ee_context_without_requests_or_collection_fails(tmp_path):
    found = check_ee_context.check(str(_context(tmp_path, requirements="PyYAML\n", tarball=False)))
    assert any("do not name requests" in p for p in found)
    assert any("not in the context" in p for p in found)


def test_module_page_without_options_table_or_examples_fails(tmp_path):
    (tmp_path / "together_endpoint_info_module.html").write_text(
        "<html><body><h1>together.ai.together_endpoint_info module</h1><p>Read Together AI</p></body></html>")
    found = check_docs_site.check_module(tmp_path, "together_endpoint_info")
    assert any("no options table" in p for p in found)
    assert any("no Examples section" in p for p in found)
    assert any("is not shown" in p for p in found)


def test_module_page_missing_one_option_fails(tmp_path):
    documentation, examples = check_docs_site.module_doc("together_endpoint_info")
    options = [name for name in documentation["options"] if name != "endpoint_id"]
    rows = "".join("<tr><td>%s</td></tr>" % name for name in options)
    (tmp_path / "together_endpoint_info_module.html").write_text(
        '<html><body><p>%s</p><table class="ansible-option-table"><tr><th>Parameter</th><th>Comments</th></tr>%s'
        '</table><section id="examples"><h2>Examples</h2><pre>%s</pre></section></body></html>'
        % (documentation["short_description"], rows, html.escape(examples)))
    found = check_docs_site.check_module(tmp_path, "together_endpoint_info")
    assert found == ["together_endpoint_info_module.html: option endpoint_id is not in the options table"]
