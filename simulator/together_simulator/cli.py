"""Command line: parse options, load the scenario, serve until a signal, the lifetime or the control API stops it."""

import argparse
import os
import signal
import sys
import tempfile
import threading

from . import __version__
from .scenario import ScenarioError, load_scenario_file, normalize_scenario
from .server import make_server, tls_context
from .simulation import Simulation


def build_parser():
    parser = argparse.ArgumentParser(
        prog="simulator/run.py",
        description="Offline simulator of the Together AI dedicated Endpoints API (v1 under /v1, v2 under /v2 and /v3/whoami).")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port to bind; 0 picks a free port (default: 8080)")
    parser.add_argument("--port-file", metavar="FILE", help="write the bound port number to FILE (atomically) once listening")
    parser.add_argument("--scenario", metavar="FILE", help="scenario file, YAML or JSON (see docs/simulator.md)")
    parser.add_argument("--api-key", metavar="KEY",
                        help="bearer token to accept (default: env TOGETHER_SIM_API_KEY, else the scenario's api_key, else sim-key)")
    parser.add_argument("--auth-error-status", type=int, choices=(401, 403),
                        help="status for a missing or wrong key (default: the scenario's, else 403 as in the spec)")
    parser.add_argument("--v1-retired", action=argparse.BooleanOptionalAction, default=None,
                        help="answer v1 create and restart with 403 endpoints_v1_create_access_disabled, as Together "
                             "does (default: the scenario's, else on); --no-v1-retired serves v1 as it was before")
    parser.add_argument("--v2-error-format", choices=("classic", "rpc"), help="error envelope on /v2 and /v3 routes (default: classic)")
    parser.add_argument("--lifetime", type=float, default=0.0, metavar="SECONDS",
                        help="stop by itself after SECONDS (default: 0, run until stopped)")
    parser.add_argument("--time-scale", type=float, metavar="F", help="multiply every lifecycle timing and transition delay by F")
    parser.add_argument("--tls-cert", metavar="PEM", help="serve HTTPS with this certificate (chain) file; needs --tls-key")
    parser.add_argument("--tls-key", metavar="PEM", help="private key of --tls-cert")
    parser.add_argument("--quiet", action="store_true", help="do not log requests to stderr")
    parser.add_argument("--version", action="version", version="%(prog)s " + __version__)
    return parser


def write_port_file(path, port):
    """Write the port so readers never see a half-written file (write a temp file, then rename)."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".port-", dir=directory)
    with os.fdopen(handle, "w") as stream:
        stream.write("%d\n" % port)
    os.replace(temporary, path)


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.time_scale is not None and args.time_scale < 0:
        sys.stderr.write("simulator: --time-scale must be >= 0\n")
        return 2
    try:
        scenario = load_scenario_file(args.scenario) if args.scenario else normalize_scenario({})
        overrides = {
            "api_key": args.api_key or os.environ.get("TOGETHER_SIM_API_KEY") or None,
            "auth_error_status": args.auth_error_status,
            "v1_retired": args.v1_retired,
            "time_scale": args.time_scale,
            "v2_error_format": args.v2_error_format,
        }
        simulation = Simulation(scenario, overrides)
    except (OSError, ScenarioError) as exc:
        sys.stderr.write("simulator: cannot load scenario: %s\n" % exc)
        return 2

    if bool(args.tls_cert) != bool(args.tls_key):
        sys.stderr.write("simulator: --tls-cert and --tls-key go together\n")
        return 2
    try:
        tls = tls_context(args.tls_cert, args.tls_key) if args.tls_cert else None
    except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
        sys.stderr.write("simulator: cannot load the TLS certificate or key: %s\n" % exc)
        return 2
    try:
        server = make_server(args.host, args.port, simulation, quiet=args.quiet, tls=tls)
    except OSError as exc:
        sys.stderr.write("simulator: cannot listen on %s:%d: %s\n" % (args.host, args.port, exc))
        return 2
    port = server.server_address[1]
    shown_host = "127.0.0.1" if args.host in ("", "0.0.0.0") else ("[%s]" % args.host if ":" in args.host else args.host)
    base = "%s://%s:%d" % (server.scheme, shown_host, port)

    def stop(_signum=None, _frame=None):
        server.request_shutdown()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.lifetime > 0:
        timer = threading.Timer(args.lifetime, stop)
        timer.daemon = True
        timer.start()

    try:
        if args.port_file:
            write_port_file(args.port_file, port)
        sys.stdout.write("Together API simulator listening on %s (v1 base URL: %s/v1)\n" % (base, base))
        sys.stdout.flush()
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        if args.port_file:
            try:
                os.remove(args.port_file)  # a stale port file would point the next reader at a dead port
            except OSError:
                pass
    return 0
