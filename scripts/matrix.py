# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ansible-core version matrix: which legs exist, which interpreter runs each, and the matrix run.

    python scripts/matrix.py primary            the newest leg this interpreter allows (make test runs it in full)
    python scripts/matrix.py version LEG        the controller Python of LEG (3.12 for 2.20)
    python scripts/matrix.py python LEG         the path of an interpreter for LEG, or exit 3 saying why none
    python scripts/matrix.py run [LEG ...]      `make LEG=<leg> leg-test` for every other leg (or those named)
                                                whose interpreter is found, then a summary of ran and skipped legs

Interpreters are found without $HOME (CI runs .ci/run's second pass with HOME an empty folder): the
interpreter running this script, pythonX.Y on PATH when it really runs (a pyenv shim for a version that is
not active exits 127), then pyenv's versions folder, located through $PYENV_ROOT, `pyenv root`, the pyenv
executable and the shims folder on PATH.
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import time

# (leg, controller Python it is tested with). ansible-core 2.20 and later need Python 3.12 or newer.
LEGS = (("2.19", "3.11"), ("2.20", "3.12"), ("2.21", "3.13"))
PYTHON_OF = dict(LEGS)


def this_python():
    return "%d.%d" % sys.version_info[:2]


def primary():
    """The leg whose Python is this interpreter's, else the newest leg an older Python of the table allows."""
    mine = tuple(sys.version_info[:2])
    allowed = [leg for leg, python in LEGS if tuple(int(part) for part in python.split(".")) <= mine]
    if not allowed:
        raise SystemExit("Python %s is older than every leg of the matrix (%s)" % (
            this_python(), ", ".join("%s on Python %s" % leg for leg in LEGS)))
    exact = [leg for leg, python in LEGS if python == this_python()]
    return exact[-1] if exact else allowed[-1]


def _runs(path, version):
    """The interpreter's real path when `path` starts and is Python `version`, else None."""
    try:
        out = subprocess.run([path, "-c", "import sys; print('%d.%d' % sys.version_info[:2]); print(sys.executable)"],
                             capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = out.stdout.split()
    if out.returncode == 0 and len(lines) == 2 and lines[0] == version:
        return lines[1]
    return None


def pyenv_roots():
    roots = []
    if os.environ.get("PYENV_ROOT"):
        roots.append(os.environ["PYENV_ROOT"])
    pyenv = shutil.which("pyenv")
    if pyenv:
        try:
            roots.append(subprocess.run([pyenv, "root"], capture_output=True, text=True, timeout=30,
                                        check=False).stdout.strip())
        except (OSError, subprocess.TimeoutExpired):
            pass
        # <root>/bin/pyenv links to <root>/libexec/pyenv
        roots.append(os.path.dirname(os.path.dirname(os.path.realpath(pyenv))))
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        if os.path.basename(folder.rstrip("/")) == "shims":
            roots.append(os.path.dirname(folder.rstrip("/")))
    seen = []
    for root in roots:
        if root and os.path.isdir(os.path.join(root, "versions")) and os.path.realpath(root) not in seen:
            seen.append(os.path.realpath(root))
    return seen


def find_python(leg):
    """(path, None) or (None, why not found)."""
    version = PYTHON_OF[leg]
    if version == this_python():
        return sys.executable, None
    reasons = []
    on_path = shutil.which("python" + version)
    if on_path:
        found = _runs(on_path, version)
        if found:
            return found, None
        reasons.append("python%s on PATH (%s) does not run" % (version, on_path))
    else:
        reasons.append("no python%s on PATH" % version)
    roots = pyenv_roots()
    for root in roots:
        candidates = glob.glob(os.path.join(root, "versions", version + ".*", "bin", "python" + version))
        candidates.sort(key=lambda path: [int(n) for n in re.findall(r"\d+", path.split("/versions/")[1].split("/")[0])],
                        reverse=True)
        for candidate in candidates:
            found = _runs(candidate, version)
            if found:
                return found, None
    reasons.append("no %s.* under pyenv (%s)" % (version, ", ".join(roots) or "no pyenv found"))
    return None, "; ".join(reasons)


def run(legs):
    """`make leg-test LEG=<leg>` for each leg; every leg runs even when one fails; a summary at the end."""
    make = os.environ.get("MAKE", "make")
    make_args = [arg for arg in os.environ.get("MATRIX_MAKE_ARGS", "").split() if arg]
    main = primary()
    rows = [(main, PYTHON_OF[main], "main", "every layer, in .venv (make test runs them before the matrix)")]
    failed = []
    for leg in legs or [leg for leg in PYTHON_OF if leg != main]:
        if leg not in PYTHON_OF:
            raise SystemExit("unknown leg %r: the legs are %s" % (leg, ", ".join(PYTHON_OF)))
        interpreter, why = find_python(leg)
        if not interpreter:
            rows.append((leg, PYTHON_OF[leg], "SKIPPED", "no Python %s found: %s" % (PYTHON_OF[leg], why)))
            continue
        print("== matrix leg %s (ansible-core %s, Python %s at %s): sanity, units, integration"
              % (leg, leg, PYTHON_OF[leg], interpreter), flush=True)
        started = time.monotonic()
        code = subprocess.call([make, "--no-print-directory", "LEG=" + leg] + make_args + ["leg-test"])
        took = "%d s" % (time.monotonic() - started)
        if code:
            failed.append(leg)
            rows.append((leg, PYTHON_OF[leg], "FAILED", "sanity/units/integration, exit %d after %s" % (code, took)))
        else:
            rows.append((leg, PYTHON_OF[leg], "passed", "sanity, units, integration in %s" % took))
    print("== version matrix")
    for leg, python, outcome, detail in rows:
        print("   ansible-core %-5s Python %-5s %-8s %s" % (leg, python, outcome, detail))
    if failed:
        raise SystemExit("matrix legs failed: %s" % ", ".join(failed))


def main(argv):
    if argv[:1] == ["primary"] and len(argv) == 1:
        print(primary())
    elif argv[:1] == ["version"] and len(argv) == 2 and argv[1] in PYTHON_OF:
        print(PYTHON_OF[argv[1]])
    elif argv[:1] == ["python"] and len(argv) == 2 and argv[1] in PYTHON_OF:
        path, why = find_python(argv[1])
        if not path:
            sys.stderr.write("leg %s needs Python %s: %s\n" % (argv[1], PYTHON_OF[argv[1]], why))
            return 3
        print(path)
    elif argv[:1] == ["run"]:
        run(argv[1:])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
