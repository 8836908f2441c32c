"""Run together 1.x CLI commands in one long-lived process, for the reference-client tests.

Started with the reference venv's python. It reads one JSON request per line on stdin
({"args": [...], "env": {...}}) and answers one JSON line ({"exit_code", "stdout", "stderr",
"exception"}), so the CLI's heavy imports are paid once rather than once per command. The
commands run through click's own runner: the same code as the `together` entry point.
"""

import json
import sys

from click.testing import CliRunner
from together.cli.cli import main


def serve():
    runner = CliRunner()
    for line in sys.stdin:
        request = json.loads(line)
        result = runner.invoke(main, request["args"], env=request.get("env"), catch_exceptions=True)
        unexpected = result.exception if result.exception is not None and not isinstance(result.exception, SystemExit) else None
        reply = {"exit_code": result.exit_code, "stdout": result.stdout, "stderr": result.stderr,
                 "exception": repr(unexpected) if unexpected is not None else None}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
