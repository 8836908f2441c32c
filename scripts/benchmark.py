# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""`make benchmark`: how fast together.ai.together_endpoint_info is, next to ansible.builtin.uri and a floor.

Starts the bundled simulator with STARTED dedicated endpoints that each answer after --latency-ms (100 ms:
as the real API over the Internet), then times, interleaved and rotated every repetition, with
time.perf_counter() around each process:

  1. batch: --batch ids (100) in one together_endpoint_info task, a playbook looping ansible.builtin.uri
     over the same ids, and the floor: a one-task no-op playbook plus a plain Python script doing the same
     GETs with requests and 16 threads (benchmarks/floor_requests.py);
  2. one id: the module vs one uri task; the import cost of each (python -X importtime); and what the read
     costs done in-process, as an action plugin running it in the controller's worker would;
  3. growth: wall time of the three for each of --sizes (10, 100, 1000 ids; the uri loop up to --uri-max),
     and the module process's peak memory (its ru_maxrss, through a wrapper interpreter);
  4. waits: how long after an endpoint's transition to STARTED a wait returns (and whether a poll round reads
     its endpoints concurrently); the gate over --gate-ids ids, one of which starts --late-after s in;
  5. the gate over --gate-ids ids (all STARTED) vs the bare batch of the same ids.

Every run is checked (playbook assertions; the simulator's request log: one authorized GET per id read,
all 200). It prints a table of medians and ratios and writes benchmark.md, benchmark.json and
benchmark.svg (time against ids: module, uri loop, floor) into --output-dir ($(BUILD_DIR) under make).
It exits non-zero only when a run failed or read other than it should; never on timing.

Standard library only (the floor script uses requests, as the module does). See docs/benchmark.md.
"""

import argparse
import datetime
import json
import math
import os
import pathlib
import platform
import re
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from xml.sax.saxutils import escape

from _tools import Simulator, ansible_playbook, say  # scripts/_tools.py: python puts this folder first on sys.path

ROOT = pathlib.Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
COLLECTION = pathlib.Path("ansible_collections") / "together" / "ai"
# plugins/module_utils/_parallel.py (MAX_PARALLEL_REQUESTS, the default of together_endpoint_info's concurrency):
# endpoint_ids reads at most this many at a time. main() reads it from the collection measured (module_concurrency).
MODULE_CONCURRENCY = 16
FLOOR_THREADS = 16
# The role's own default (roles/endpoint_gate/defaults/main.yml); the gate polls every min(poll, 5) s.
GATE_POLL = 10

SMOKE = dict(repeat=1, warmup=0, latency_ms=20, batch=10, sizes="3,10", uri_max=10, gate_ids=10, late_after=2.0,
             gate_poll=1.0, wait_ids=3, wait_after=1.0, wait_sleep=0.5, import_repeat=2)


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Benchmark together.ai.together_endpoint_info against ansible.builtin.uri and a floor.")
    parser.add_argument("--repeat", type=int, default=3, help="timed repetitions of every run; the table shows medians (default 3)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds of the cheap runs first (default 1)")
    parser.add_argument("--latency-ms", type=int, default=100, help="latency of every API request (default 100)")
    parser.add_argument("--batch", type=int, default=100, help="ids of case 1 (default 100)")
    parser.add_argument("--sizes", default="10,100,1000", help="numbers of ids of case 3, comma-separated (default 10,100,1000)")
    parser.add_argument("--uri-max", type=int, default=100,
                        help="largest number of ids the uri loop runs for (default 100: 1000 would take about 8 minutes a run)")
    parser.add_argument("--gate-ids", type=int, default=100, help="ids the gate checks in cases 4 and 5 (default 100)")
    parser.add_argument("--late-after", type=float, default=5.0, help="case 4: seconds after the gate starts that its late endpoint is STARTED")
    parser.add_argument("--gate-poll", type=float, default=GATE_POLL, help="endpoint_gate_wait_poll (default %s, the role's)" % GATE_POLL)
    parser.add_argument("--wait-ids", type=int, default=10, help="case 4: endpoints one wait polls (default 10)")
    parser.add_argument("--wait-after", type=float, default=3.0, help="case 4: seconds until they are STARTED (default 3)")
    parser.add_argument("--wait-sleep", type=float, default=1.0, help="case 4: wait_sleep of that wait (default 1)")
    parser.add_argument("--import-repeat", type=int, default=7, help="runs of python -X importtime per side (default 7)")
    parser.add_argument("--smoke", "--quick", action="store_true",
                        help="a short run for make test: one repetition, small sizes, 20 ms latency (it must run, not meet a time)")
    parser.add_argument("--output-dir", default=os.environ.get("BUILD_DIR") or str(ROOT / ".build"),
                        help="where benchmark.md, .json, .svg and the logs go (default $BUILD_DIR, else .build)")
    args = parser.parse_args(argv)
    if args.smoke:
        for key, value in SMOKE.items():
            setattr(args, key, value)
    try:
        args.sizes = sorted(set(int(size) for size in args.sizes.split(",") if size.strip()))
    except ValueError:
        parser.error("--sizes must be comma-separated integers, got %r" % args.sizes)
    if not args.sizes or min(args.sizes) < 2:
        parser.error("--sizes needs at least one size, each >= 2")
    if args.repeat < 1 or args.warmup < 0 or args.latency_ms < 0 or args.batch < 2 or args.gate_ids < 2 or args.wait_ids < 1:
        parser.error("--repeat >= 1, --warmup >= 0, --latency-ms >= 0, --batch and --gate-ids >= 2, --wait-ids >= 1")
    if args.wait_sleep <= 0 or args.gate_poll <= 0 or args.late_after < 0 or args.wait_after < 0:
        parser.error("--wait-sleep and --gate-poll must be > 0, --late-after and --wait-after >= 0")
    return args


# ---------------------------------------------------------------- pure helpers (scripts/tests/test_benchmark.py)

def median(values):
    """The median of the numbers, None when there are none."""
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def ratio(numerator, denominator):
    """numerator / denominator, None when either is unknown or the denominator is not positive."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def meets(value, target):
    """Whether value meets target, a pair (operator, bound) with operator '<=' or '>='; None when unknown."""
    if value is None or target is None:
        return None
    operator, bound = target
    return value <= bound if operator == "<=" else value >= bound


def fmt(value, unit):
    """One cell: seconds, a ratio, MB or ms."""
    if value is None:
        return "-"
    if unit == "x":
        return "%.2fx" % value
    if unit == "s":
        return "%.2f s" % value
    if unit == "MB":
        return "%.1f MB" % value
    if unit == "ms":
        return "%.0f ms" % value
    return "%s %s" % (value, unit)


def table_cells(rows):
    """Header and string cells of the table from rows: {case, measure, value, unit, target, ok, note?}."""
    header = ["#", "Measure", "Median", "Target", "Met"]
    cells = []
    for row in rows:
        target = row.get("target")
        target_text = "-" if not target else "%s %s" % (target[0], fmt(target[1], row["unit"]))
        met = {True: "yes", False: "NO", None: "-"}[meets(row["value"], target)]
        cells.append([row["case"], row["measure"], fmt(row["value"], row["unit"]), target_text, met])
    return header, cells


def text_table(header, cells):
    """A plain-text table: the first two columns left-aligned, the others right-aligned."""
    widths = [max(len(line[index]) for line in [header] + cells) for index in range(len(header))]
    render = ["  ".join(cell.ljust(widths[index]) if index < 2 else cell.rjust(widths[index]) for index, cell in enumerate(line)).rstrip()
              for line in [header] + cells]
    return "\n".join(render[:1] + ["-" * max(len(line) for line in render)] + render[1:])


def markdown_table(header, cells):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if index < 2 else "---:" for index in range(len(header))) + "|"]
    out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in line) + " |" for line in cells]
    return "\n".join(out)


def parse_importtime(stderr):
    """{module name: (self us, cumulative us, depth)} from python -X importtime's stderr; depth 0 = imported by the script itself."""
    found = {}
    for line in stderr.splitlines():
        match = re.match(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|( +)(\S+)\s*$", line)
        if match and match.group(4) not in found:
            found[match.group(4)] = (int(match.group(1)), int(match.group(2)), (len(match.group(3)) - 1) // 2)
    return found


def import_total_ms(found):
    """Milliseconds the script spent importing: the cumulative times of its own (depth 0) imports."""
    return sum(cumulative for _self, cumulative, depth in found.values() if depth == 0) / 1000.0


def poll_rounds(requests, ids):
    """Split the logged GETs of a wait ({path, start, end}) into its poll rounds, in time order.

    Rounds run one after another (one read each), and each reads every waited id once: so the GETs sorted by
    start fall into consecutive groups of len(ids). Returns [(first start, last end, the ids read)]; a group that
    is not exactly `ids` shows a round that skipped or repeated an endpoint.
    """
    ordered = sorted(requests, key=lambda entry: entry["start"])
    rounds = []
    for index in range(0, len(ordered), len(ids)):
        group = ordered[index:index + len(ids)]
        rounds.append((min(entry["start"] for entry in group), max(entry["end"] for entry in group),
                       sorted(entry["path"].rsplit("/", 1)[-1] for entry in group)))
    return rounds


def _ticks(low, high):
    """Tick values 1, 2, 5 x 10^k within [low, high] (a log axis)."""
    ticks = []
    for exponent in range(int(math.floor(math.log10(low))) - 1, int(math.ceil(math.log10(high))) + 1):
        for mantissa in (1, 2, 5):
            value = mantissa * 10 ** exponent
            if low * 0.999 <= value <= high * 1.001:
                ticks.append(value)
    return ticks


def _label(value):
    return ("%g" % value) if value < 1000 or value >= 1e6 else "%d" % value


def svg_line_chart(title, series, x_label="endpoint ids", y_label="seconds (wall time)", width=720, height=400):
    """An SVG line chart, both axes logarithmic, of series: [(name, colour, [(x, y), ...])]; points with y None are left out."""
    # The legend sits right of the plot: room for names of about 30 characters.
    margin_left, margin_right, margin_top, margin_bottom = 70, 240, 40, 50
    points = [(x, y) for _name, _colour, data in series for x, y in data if y is not None and y > 0 and x > 0]
    if not points:
        raise ValueError("svg_line_chart: no point to draw")
    x_low, x_high = min(x for x, _y in points), max(x for x, _y in points)
    y_low, y_high = min(y for _x, y in points), max(y for _x, y in points)
    if x_high == x_low:
        x_low, x_high = x_low / 2.0, x_high * 2.0
    # Room around the data on the time axis, so no line sits on the frame.
    y_low, y_high = y_low / 1.5, y_high * 1.5
    plot_w, plot_h = width - margin_left - margin_right, height - margin_top - margin_bottom

    def sx(x):
        return margin_left + plot_w * (math.log10(x) - math.log10(x_low)) / (math.log10(x_high) - math.log10(x_low))

    def sy(y):
        return margin_top + plot_h * (1 - (math.log10(y) - math.log10(y_low)) / (math.log10(y_high) - math.log10(y_low)))

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">'
           % (width, height, width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="22" font-size="15" font-weight="bold">%s</text>' % (margin_left, escape(title)),
           '<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#888"/>' % (margin_left, margin_top, plot_w, plot_h)]
    for tick in _ticks(y_low, y_high):
        y = sy(tick)
        out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>' % (margin_left, y, margin_left + plot_w, y))
        out.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>' % (margin_left - 6, y + 4, _label(tick)))
    for tick in sorted(set(x for x, _y in points)):
        x = sx(tick)
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>' % (x, margin_top, x, margin_top + plot_h))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (x, margin_top + plot_h + 18, _label(tick)))
    out.append('<text x="%d" y="%d" text-anchor="middle">%s (log scale)</text>' % (margin_left + plot_w // 2, height - 10, escape(x_label)))
    out.append('<text transform="translate(16,%d) rotate(-90)" text-anchor="middle">%s (log scale)</text>'
               % (margin_top + plot_h // 2, escape(y_label)))
    for index, (name, colour, data) in enumerate(series):
        drawn = [(x, y) for x, y in sorted(data) if y is not None and y > 0 and x > 0]
        if drawn:
            out.append('<polyline class="series" data-name="%s" fill="none" stroke="%s" stroke-width="2" points="%s"/>'
                       % (escape(name), colour, " ".join("%.1f,%.1f" % (sx(x), sy(y)) for x, y in drawn)))
            for x, y in drawn:
                out.append('<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s: %s ids, %.2f s</title></circle>'
                           % (sx(x), sy(y), colour, escape(name), _label(x), y))
        legend_y = margin_top + 16 + 20 * index
        out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"/>'
                   % (width - margin_right + 12, legend_y - 4, width - margin_right + 32, legend_y - 4, colour))
        out.append('<text x="%d" y="%d">%s</text>' % (width - margin_right + 38, legend_y, escape(name)))
    out.append("</svg>")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- the machine

def machine():
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s, %s CPUs, %s, Python %s" % (model, os.cpu_count(), platform.platform(), platform.python_version())


def load_average():
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def ansible_core_version(playbook_command):
    output = subprocess.run([playbook_command, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True, check=False).stdout
    match = re.search(r"\[core ([^\]]+)\]", output)
    return match.group(1) if match else (output.splitlines()[0] if output else "unknown")


# ---------------------------------------------------------------- the collection under test

def find_collection():
    """The together.ai copy `make collection` built (via ANSIBLE_COLLECTIONS_PATH, else $BUILD_DIR or .build)."""
    paths = [path for path in os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep) if path]
    paths.append(str(pathlib.Path(os.environ.get("BUILD_DIR") or ROOT / ".build") / "collections"))
    for base in paths:
        candidate = pathlib.Path(base) / COLLECTION
        if (candidate / "plugins" / "modules" / "together_endpoint_info.py").is_file():
            return candidate
    sys.exit("The together.ai collection is not built: run `make benchmark` (it runs `make collection` first).")


def module_concurrency(collection):
    """MAX_PARALLEL_REQUESTS of the collection measured (the module's default concurrency), else MODULE_CONCURRENCY."""
    source = collection / "plugins" / "module_utils" / "_parallel.py"
    found = re.search(r"^MAX_PARALLEL_REQUESTS = (\d+)$", source.read_text(encoding="utf-8"), re.M) if source.is_file() else None
    return int(found.group(1)) if found else MODULE_CONCURRENCY


def stale_files(collection):
    """Files under plugins/ whose copy in the built collection differs from the checkout."""
    stale = []
    for source in sorted((ROOT / "plugins").rglob("*")):
        if source.is_file() and "__pycache__" not in source.parts:
            copy = collection / source.relative_to(ROOT)
            if not copy.is_file() or copy.read_bytes() != source.read_bytes():
                stale.append(str(source.relative_to(ROOT)))
    return stale


def snapshot_collection(collection, workdir):
    """A private copy, so that a concurrent `make collection` (it deletes the copy) cannot break a run."""
    target = pathlib.Path(workdir) / "collections"
    shutil.copytree(str(collection), str(target / COLLECTION), ignore=shutil.ignore_patterns(".git", "output", "__pycache__", "tests"))
    return target


# ---------------------------------------------------------------- scenario

def endpoint_ids(group, count):
    return ["endpoint-bench%s-0000-4000-8000-%012d" % (group, index) for index in range(1, count + 1)]


def scenario(count, wait_count, latency_ms):
    """count STARTED dedicated endpoints (and wait_count for the waits), each answering after latency_ms."""
    def endpoint(endpoint_id, index):
        item = {"id": endpoint_id, "display_name": "Benchmark endpoint %d" % index, "model": "meta-llama/Llama-3-8b-chat-hf",
                "hardware": "1x_nvidia_a100_80gb_sxm", "state": "STARTED", "autoscaling": {"min_replicas": 1, "max_replicas": 2}}
        if latency_ms:
            item["faults"] = [{"kind": "latency", "seconds": latency_ms / 1000.0}]  # every request, for ever
        return item
    endpoints = [endpoint(endpoint_id, index) for index, endpoint_id in enumerate(endpoint_ids("", count), 1)]
    endpoints += [endpoint(endpoint_id, index) for index, endpoint_id in enumerate(endpoint_ids("wait", wait_count), 1)]
    return {"description": "scripts/benchmark.py: %d STARTED endpoints behind %d ms latency" % (count + wait_count, latency_ms),
            "owner": "benchuser", "endpoints": endpoints}


MEMORY_WRAPPER = '''#!%(python)s -IS
"""The module's interpreter for the benchmark: runs the real one; records its peak resident memory, wall and CPU time."""
import os
import sys
import time

started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execv(%(python)r, [%(python)r] + sys.argv[1:])
_pid, status, usage = os.wait4(pid, 0)
log = os.environ.get("BENCH_MEMLOG")
if log:
    with open(log, "a") as handle:
        handle.write("%%d %%.4f %%.4f\\n" %% (usage.ru_maxrss, time.perf_counter() - started, usage.ru_utime + usage.ru_stime))
sys.exit(os.waitstatus_to_exitcode(status))
'''

IN_PROCESS_READ = r'''
import json, os, sys, time
# What a controller worker has loaded before an action plugin runs: Ansible itself.
import ansible.plugins.action  # noqa: F401
import ansible.module_utils.basic  # noqa: F401
started = time.perf_counter()
from ansible_collections.together.ai.plugins.module_utils._client import TogetherClient
try:
    from ansible_collections.together.ai.plugins.module_utils._endpoints_v1 import EndpointsV1
except ImportError:  # before module_utils were split by job (issue 10)
    from ansible_collections.together.ai.plugins.module_utils._endpoints import EndpointsV1
imported = time.perf_counter()
client = TogetherClient(os.environ["TOGETHER_API_KEY"])
endpoint = EndpointsV1(client, os.environ["TOGETHER_BASE_URL"]).get_endpoint(sys.argv[1])
done = time.perf_counter()
assert endpoint["id"] == sys.argv[1] and endpoint["state"] == "STARTED", endpoint
print(json.dumps({"import": imported - started, "read": done - imported}))
'''


# ---------------------------------------------------------------- running and checking

def _log_time(value):
    return datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp()


class Bench:
    """Runs the processes against the simulator, checks every run, keeps every figure."""

    def __init__(self, args, simulator, work, logdir, collections):
        self.args = args
        self.simulator = simulator
        self.work = work
        self.logdir = logdir
        self.collections = collections
        self.playbook = ansible_playbook("benchmark")
        self.env = None
        self.figures = {}  # run name: [ {wall, cpu, ...}, ... ]
        self.failures = {}
        self.loads = []
        self.vars_files = {}
        self.wrapper = work / "memwrap"
        self.wrapper.write_text(MEMORY_WRAPPER % {"python": sys.executable}, encoding="utf-8")
        self.wrapper.chmod(0o755)

    def vars_file(self, group, count, **extra):
        key = (group, count, tuple(sorted(extra.items())))
        if key not in self.vars_files:
            path = self.work / ("vars-%s%d-%d.json" % (group or "bench", count, len(self.vars_files)))
            content = dict(extra, bench_ids=endpoint_ids(group, count))
            path.write_text(json.dumps(content), encoding="utf-8")
            self.vars_files[key] = path
        return self.vars_files[key]

    def requests(self):
        """The simulator's log of API requests since the last clear, with start and end as epoch seconds."""
        entries = [entry for entry in self.simulator.control("GET", "requests")["requests"] if entry["path"].startswith("/v1/")]
        for entry in entries:
            entry["end"] = _log_time(entry["time"])
            entry["start"] = entry["end"] - entry["duration_ms"] / 1000.0
        return entries

    def run(self, name, command, timed, expect_ids=None, memory=False, before=None, after=None, check=None, env=None):
        """Run one process; when timed, keep its figures. expect_ids: exactly one authorized 200 GET of each."""
        if name in self.failures:
            return None
        self.simulator.control("DELETE", "requests")
        run_env = dict(self.env, **(env or {}))
        memlog = None
        if memory:
            memlog = self.work / ("mem-%s.log" % re.sub(r"\W", "_", name))
            if memlog.exists():
                memlog.unlink()
            run_env["BENCH_MEMLOG"] = str(memlog)
        context = before() if before else None
        self.loads.append(load_average())
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        started_epoch = time.time()
        started = time.perf_counter()
        try:
            completed = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=run_env, cwd=str(ROOT),
                                       universal_newlines=True, check=False)
            wall = time.perf_counter() - started
            ended_epoch = time.time()
        finally:
            if after:
                after(context)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        (self.logdir / ("%s.log" % name)).write_text(completed.stdout, encoding="utf-8")
        figure = {"wall": wall, "cpu": (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime),
                  "started": started_epoch, "ended": ended_epoch}
        problem = None
        if completed.returncode != 0:
            problem = "exited %d" % completed.returncode
        else:
            seen = self.requests()
            bad = [entry for entry in seen if entry["status"] != 200 or not entry["authorized"]]
            figure["requests"] = len(seen)
            if bad:
                problem = "%d request(s) not authorized or not answered 200, e.g. %s %s -> %s" % (
                    len(bad), bad[0]["method"], bad[0]["path"], bad[0]["status"])
            elif expect_ids is not None:
                got = sorted("%s %s" % (entry["method"], entry["path"]) for entry in seen)
                want = sorted("GET /v1/endpoints/%s" % endpoint_id for endpoint_id in expect_ids)
                if got != want:
                    problem = "the simulator saw %d request(s), expected one GET of each of %d ids" % (len(got), len(want))
            if seen and not problem:
                figure["http_window"] = max(entry["end"] for entry in seen) - min(entry["start"] for entry in seen)
            if memlog is not None and not problem:
                records = [line.split() for line in memlog.read_text(encoding="utf-8").splitlines()] if memlog.exists() else []
                if not records:
                    problem = "the memory wrapper recorded nothing (did the module run under %s?)" % self.wrapper
                else:
                    figure["module_maxrss_mb"] = max(int(record[0]) for record in records) / 1024.0  # ru_maxrss is in KiB on Linux
                    figure["module_wall"] = sum(float(record[1]) for record in records)
                    figure["module_cpu"] = sum(float(record[2]) for record in records)
                    figure["module_processes"] = len(records)
            if check and not problem:
                problem = check(figure, seen, context)
        if problem:
            self.failures[name] = "%s (output: %s)" % (problem, self.logdir / ("%s.log" % name))
            say("  %-22s FAILED: %s" % (name, problem))
            say("    | " + "\n    | ".join(completed.stdout.rstrip().splitlines()[-20:]))
            return None
        if timed:
            self.figures.setdefault(name, []).append(figure)
        return figure

    def playbook_command(self, playbook, vars_path, *extra):
        """ansible-playbook on benchmarks/<playbook> with bench_ids (and more) from vars_path."""
        return [self.playbook, str(BENCHMARKS / playbook), "-e", "@%s" % vars_path] + list(extra)


class Transition:
    """Endpoints held STARTING, then made STARTED `after` s from start(), once each was read at least once.

    A scripted delay alone misfires on a busy machine: the first read can come after it, and then nothing waits.
    `at` is when the last of them became STARTED (epoch seconds), None when that never happened during the run.
    """

    def __init__(self, simulator, ids, after):
        self.simulator = simulator
        self.ids = ids
        self.after = after
        self.launched = None
        self.at = None
        self._stop = threading.Event()
        self._thread = None

    def start(self):
        for endpoint_id in self.ids:
            self.simulator.control("POST", "endpoints/%s/state" % endpoint_id, {"state": "STARTING"})
        self.launched, self.at = time.time(), None
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        due = self.launched + self.after
        while not self._stop.wait(0.05):
            if time.time() < due:
                continue
            read = set(entry["path"].rsplit("/", 1)[-1] for entry in self.simulator.control("GET", "requests")["requests"])
            if all(endpoint_id in read for endpoint_id in self.ids):
                self._started()
                self.at = time.time()
                return

    def _started(self):
        for endpoint_id in self.ids:
            self.simulator.control("POST", "endpoints/%s/state" % endpoint_id, {"state": "STARTED"})

    def stop(self):
        """After the run: stop watching, and leave every endpoint STARTED for the runs that follow."""
        self._stop.set()
        self._thread.join(30)
        if self.at is None:
            self._started()

    @property
    def offset(self):
        return None if self.at is None else self.at - self.launched


def plan(bench, args):
    """The runs of one repetition: [(name, callable(timed))], plus the runs the warm-up repeats."""
    runs = []
    module_sizes = sorted(set(args.sizes) | {args.batch, args.gate_ids})
    floor_sizes = sorted(set(args.sizes) | {args.batch})
    uri_sizes = sorted(size for size in set(args.sizes) | {args.batch} if size <= args.uri_max)

    def add(name, **kwargs):
        runs.append((name, lambda timed: bench.run(name, timed=timed, **kwargs)))

    add("floor_play", command=bench.playbook_command("floor.yml", bench.vars_file("", 1)), expect_ids=[])
    for size in floor_sizes:
        add("floor_script_%d" % size, command=[sys.executable, str(BENCHMARKS / "floor_requests.py"), str(bench.vars_file("", size)),
                                               str(FLOOR_THREADS)], expect_ids=endpoint_ids("", size))
    add("one_module", command=bench.playbook_command("one_module.yml", bench.vars_file("", 1)), expect_ids=endpoint_ids("", 1))
    add("one_uri", command=bench.playbook_command("one_uri.yml", bench.vars_file("", 1)), expect_ids=endpoint_ids("", 1))
    for size in module_sizes:
        add("module_%d" % size, command=bench.playbook_command("many_module_ids.yml", bench.vars_file("", size),
                                                               "-e", "ansible_python_interpreter=%s" % bench.wrapper),
            expect_ids=endpoint_ids("", size), memory=True)
    for size in uri_sizes:
        add("uri_loop_%d" % size, command=bench.playbook_command("many_uri_loop.yml", bench.vars_file("", size)),
            expect_ids=endpoint_ids("", size))

    # Case 4: a wait over wait_ids endpoints, STARTING until wait_after s from its start (and until each was read once).
    wait_ids = endpoint_ids("wait", args.wait_ids)

    wait_transition = Transition(bench.simulator, wait_ids, args.wait_after)

    def check_wait(figure, seen, context):
        waited = [entry for entry in seen if entry["path"].rsplit("/", 1)[-1] in wait_ids]
        rounds = poll_rounds(waited, wait_ids)
        if context.at is None:
            return "the wait ended before its endpoints were made STARTED"
        figure["transition_offset"] = context.offset
        figure["lag"] = max(entry["end"] for entry in waited) - context.at
        figure["return_lag"] = figure["ended"] - context.at
        figure["rounds"] = len(rounds)
        figure["round_window_max"] = max(last - first for first, last, _read in rounds)
        if len(rounds) > 1:
            figure["round_period"] = median([later[0] - earlier[0] for earlier, later in zip(rounds, rounds[1:])])
        skewed = [read for _first, _last, read in rounds if read != sorted(wait_ids)]
        if skewed:
            return "a poll round did not read every waited endpoint once: %s" % skewed[0]
        return None

    add("wait", command=bench.playbook_command("wait_module.yml", bench.vars_file("wait", args.wait_ids, bench_wait_sleep=args.wait_sleep)),
        before=wait_transition.start, after=lambda context: context.stop(), check=check_wait)

    # Cases 4 and 5: the gate (the role, through the collection's playbook) over gate_ids endpoints.
    gate_ids = endpoint_ids("", args.gate_ids)
    checks = [{"endpoint_id": endpoint_id, "model": "meta-llama/Llama-3-8b-chat-hf", "min_replicas_at_least": 1} for endpoint_id in gate_ids]
    gate_vars = bench.work / "vars-gate.json"
    gate_vars.write_text(json.dumps({"endpoint_gate_checks": checks, "endpoint_gate_wait_timeout": 120,
                                     "endpoint_gate_wait_poll": args.gate_poll}), encoding="utf-8")
    late_id = gate_ids[len(gate_ids) // 2]

    late_transition = Transition(bench.simulator, [late_id], args.late_after)

    def check_late(figure, seen, context):
        late_reads = [entry for entry in seen if entry["path"].endswith("/" + late_id)]
        figure["late_reads"] = len(late_reads)
        if context.at is None:
            return "the gate ended before its late endpoint was made STARTED"
        figure["late_offset"] = context.offset
        return None if len(late_reads) >= 2 else "the gate read the late endpoint %d time(s): it did not wait" % len(late_reads)

    gate_command = [bench.playbook, "together.ai.gate_endpoints", "-e", "@%s" % gate_vars]
    add("gate_ready", command=gate_command, expect_ids=gate_ids)
    add("gate_late", command=gate_command, before=late_transition.start, after=lambda context: context.stop(), check=check_late)
    warmup = [run for run in runs if run[0] in ("floor_play", "one_module", "one_uri", "floor_script_%d" % floor_sizes[0])]
    return runs, warmup


def measure(runs, warmup_runs, warmup, repeat):
    for round_index in range(warmup):
        done = ["%s %.2f" % (name, figure["wall"]) for name, run in warmup_runs for figure in [run(False)] if figure]
        say("warm-up %d/%d   %s" % (round_index + 1, warmup, ", ".join(done)))
    for round_index in range(repeat):
        # Interleaved, and rotated every round, so that drift in the machine's load hits every run alike.
        shift = (round_index * max(1, len(runs) // repeat)) % len(runs)
        done = []
        for name, run in runs[shift:] + runs[:shift]:
            figure = run(True)
            if figure:
                done.append("%s %.2f" % (name, figure["wall"]))
        say("repeat %d/%d    %s" % (round_index + 1, repeat, ", ".join(done)))


WATCHED_IMPORTS = ("requests", "urllib3", "ansible.module_utils.basic", "concurrent.futures", "concurrent.futures.thread", "ipaddress",
                   "email.utils", "json", "ansible.module_utils.urls", "ansible_collections.together.ai.plugins.module_utils._module",
                   "ansible_collections.together.ai.plugins.module_utils._client", "ansible_collections.together.ai.plugins.module_utils._connection",
                   "ansible_collections.together.ai.plugins.module_utils._reader", "ansible_collections.together.ai.plugins.module_utils._endpoints_v2",
                   "ansible_collections.together.ai.plugins.module_utils._endpoint_info", "ansible_collections.together.ai.plugins.module_utils._parallel")


def payload_costs(bench, repeat):
    """Run the AnsiballZ payloads of one_module.yml and one_uri.yml directly, under python -X importtime.

    The payload is what Ansible ships and starts per task: its wall time is the per-task cost of a module process, its
    imports come from the payload's zip as they do in a real run (so without bytecode caches for what it ships).
    """
    result = {}
    for side, playbook in (("module", "one_module.yml"), ("uri", "one_uri.yml")):
        remote = bench.work / ("remote-%s" % side)
        name = "keep_%s" % side
        bench.run(name, command=bench.playbook_command(playbook, bench.vars_file("", 1)), timed=False, expect_ids=endpoint_ids("", 1),
                  env={"ANSIBLE_KEEP_REMOTE_FILES": "1", "ANSIBLE_REMOTE_TMP": str(remote)})
        payloads = sorted(remote.rglob("AnsiballZ_*.py"))
        if not payloads:
            result[side] = {"error": bench.failures.get(name) or "no AnsiballZ payload kept under %s" % remote}
            continue
        walls, totals, parts = [], [], {}
        for index in range(repeat + 1):
            bench.simulator.control("DELETE", "requests")
            started = time.perf_counter()
            completed = subprocess.run([sys.executable, "-X", "importtime", str(payloads[0])], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       universal_newlines=True, env=bench.env, cwd=str(bench.work), check=False)
            wall = time.perf_counter() - started
            if completed.returncode != 0 or '"failed": true' in completed.stdout:
                result[side] = {"error": (completed.stdout.strip() or completed.stderr.strip())[-300:]}
                break
            if index == 0:
                continue  # the first run may fill caches (bytecode of what is not in the payload)
            found = parse_importtime(completed.stderr)
            walls.append(wall)
            totals.append(import_total_ms(found))
            for part, (_self_us, cumulative, _depth) in found.items():
                parts.setdefault(part, []).append(cumulative / 1000.0)
        else:
            top = sorted(((median(values), part) for part, values in parts.items()), reverse=True)[:15]
            result[side] = {"payload_wall_s": median(walls), "imports_ms": median(totals), "runs_s": [round(value, 3) for value in walls],
                            "largest_ms": [[part, round(value, 1)] for value, part in top],
                            "watched_ms": {part: round(median(parts[part]), 1) for part in WATCHED_IMPORTS if part in parts}}
        shutil.rmtree(str(remote), ignore_errors=True)  # the uri payload holds the key in its arguments
    return result


def in_process_reads(bench, collections, repeat):
    """What an action plugin doing the read in the worker would pay: importing the client, one GET."""
    env = dict(bench.env, PYTHONPATH=str(collections))
    figures = []
    for _index in range(repeat):
        bench.simulator.control("DELETE", "requests")
        completed = subprocess.run([sys.executable, "-c", IN_PROCESS_READ, endpoint_ids("", 1)[0]], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, universal_newlines=True, env=env, check=False)
        if completed.returncode != 0:
            return {"error": (completed.stderr.strip().splitlines() or ["exit %d" % completed.returncode])[-1]}
        figures.append(json.loads(completed.stdout))
    return {"import_s": median([figure["import"] for figure in figures]), "read_s": median([figure["read"] for figure in figures]),
            "total_s": median([figure["import"] + figure["read"] for figure in figures])}


# ---------------------------------------------------------------- figures to rows

def summarize(figures):
    """{run: {key: median over repetitions}} for every numeric key, and the raw walls."""
    stats = {}
    for name, runs in figures.items():
        keys = set(key for figure in runs for key, value in figure.items() if isinstance(value, (int, float)) and key not in ("started", "ended"))
        stats[name] = {key: median([figure.get(key) for figure in runs]) for key in keys}
        stats[name]["max"] = {key: max(figure[key] for figure in runs if key in figure) for key in keys}
        stats[name]["walls"] = [round(figure["wall"], 3) for figure in runs]
    return stats


def build_rows(stats, args, imports, in_process):
    """The table: (case, measure, median value, unit, target (op, bound) or None)."""
    def get(name, key="wall"):
        return (stats.get(name) or {}).get(key)

    def total(*values):
        return None if any(value is None for value in values) else sum(values)

    latency = args.latency_ms / 1000.0
    concurrency = getattr(args, "module_concurrency", MODULE_CONCURRENCY)
    rows = []

    def row(case, measure, value, unit, target=None):
        rows.append({"case": case, "measure": measure, "value": value, "unit": unit, "target": target})

    batch = args.batch
    floor = {size: total(get("floor_play"), get("floor_script_%d" % size)) for size in set(args.sizes) | {batch}}
    module_batch, uri_batch = get("module_%d" % batch), get("uri_loop_%d" % batch)
    row("1", "%d ids, one together_endpoint_info task" % batch, module_batch, "s")
    row("1", "%d ids, ansible.builtin.uri loop" % batch, uri_batch, "s")
    row("1", "%d ids, floor (no-op playbook + requests, %d threads)" % (batch, FLOOR_THREADS), floor[batch], "s")
    row("1", "uri loop / module", ratio(uri_batch, module_batch), "x", (">=", 20.0))
    row("1", "module / floor", ratio(module_batch, floor[batch]), "x", ("<=", 1.1))
    row("1", "module's %d GETs: first sent to last answered (at least %.2f s at %d at a time)"
        % (batch, math.ceil(batch / float(concurrency)) * latency, concurrency), get("module_%d" % batch, "http_window"), "s")

    one_module, one_uri = get("one_module"), get("one_uri")
    row("2", "1 id, together_endpoint_info task", one_module, "s")
    row("2", "1 id, ansible.builtin.uri task", one_uri, "s")
    row("2", "module / uri", ratio(one_module, one_uri), "x", ("<=", 1.05))
    row("2", "module's AnsiballZ payload run directly", (imports.get("module") or {}).get("payload_wall_s"), "s")
    row("2", "uri's AnsiballZ payload run directly", (imports.get("uri") or {}).get("payload_wall_s"), "s")
    row("2", "module payload: imports (python -X importtime)", (imports.get("module") or {}).get("imports_ms"), "ms")
    row("2", "uri payload: imports (python -X importtime)", (imports.get("uri") or {}).get("imports_ms"), "ms")
    row("2", "module task net of the no-op playbook", None if one_module is None or get("floor_play") is None else one_module - get("floor_play"), "s")
    row("2", "the same read in-process (import client + GET), as an action plugin would", in_process.get("total_s"), "s")

    for size in args.sizes:
        row("3", "%d ids: module" % size, get("module_%d" % size), "s")
        row("3", "%d ids: module process alone (the rest is Ansible)" % size, get("module_%d" % size, "module_wall"), "s")
        row("3", "%d ids: module process peak memory" % size, get("module_%d" % size, "module_maxrss_mb"), "MB",
            ("<=", 100.0) if size >= 1000 else None)
        row("3", "%d ids: uri loop" % size, get("uri_loop_%d" % size), "s")
        row("3", "%d ids: floor" % size, floor[size], "s")
        row("3", "%d ids: ideal, ids / %d x latency" % (size, concurrency), math.ceil(size / float(concurrency)) * latency, "s")

    row("4", "wait over %d ids: last poll answered after the transition" % args.wait_ids, get("wait", "lag"), "s", ("<=", args.wait_sleep))
    row("4", "wait over %d ids: task's playbook ended after the transition" % args.wait_ids, get("wait", "return_lag"), "s")
    row("4", "wait: time from one poll to the next (wait_sleep %g s, counted from the start of a poll)" % args.wait_sleep,
        get("wait", "round_period"), "s")
    row("4", "wait: longest poll round, first GET sent to last answered (%d ids one by one: %.2f s)" % (args.wait_ids, args.wait_ids * latency),
        get("wait", "round_window_max"), "s", ("<=", 2 * latency * math.ceil(args.wait_ids / float(concurrency))) if latency else None)
    gate_sleep = min(args.gate_poll, 5.0)
    row("4", "gate over %d ids, all STARTED" % args.gate_ids, get("gate_ready"), "s")
    # The late endpoint becomes STARTED late_after s in, or later when the gate had not read it yet (a busy machine).
    late_offset = get("gate_late", "late_offset")
    late_target = total(get("gate_ready"), late_offset, gate_sleep)
    row("4", "gate over %d ids, one STARTED %s s in" % (args.gate_ids, "%.1f" % late_offset if late_offset is not None else "%g" % args.late_after),
        get("gate_late"), "s", ("<=", late_target) if late_target is not None else None)
    # Issue 21: the gate may add at most 15% to the read it needs (it was 1.5x while the gate ran as eight tasks).
    row("5", "gate over %d ids / bare batch of the same ids" % args.gate_ids, ratio(get("gate_ready"), get("module_%d" % args.gate_ids)), "x",
        ("<=", 1.15))
    return rows


def chart_series(stats, args):
    def get(name):
        return (stats.get(name) or {}).get("wall")
    floor_play = get("floor_play")
    return [("together_endpoint_info", "#1f77b4", [(size, get("module_%d" % size)) for size in args.sizes]),
            ("ansible.builtin.uri loop", "#d62728", [(size, get("uri_loop_%d" % size)) for size in args.sizes]),
            ("floor (no-op + requests)", "#2ca02c", [(size, None if floor_play is None or get("floor_script_%d" % size) is None
                                                      else floor_play + get("floor_script_%d" % size)) for size in args.sizes])]


def report(meta, rows, failures):
    header, cells = table_cells(rows)
    lines = [
        "# Benchmark: together.ai.together_endpoint_info",
        "",
        "- Date: %s" % meta["date"],
        "- Machine: %s" % meta["machine"],
        "- ansible-core %s; %d repetition(s) of every run (medians), interleaved; %d ms latency per API request"
        % (meta["ansible_core"], meta["repeat"], meta["latency_ms"]),
        "- Load average (1, 5, 15 min) at start %s, at end %s; highest 1-minute value before a run %s"
        % (meta["load_start"], meta["load_end"], meta["load_max"]),
        "",
        markdown_table(header, cells),
        "",
        "Wall seconds of each process (time.perf_counter()); the module's batch runs go through a wrapper interpreter that records "
        "the module process's ru_maxrss. Targets are issue 13's; a benchmark never fails on them.",
    ]
    if failures:
        lines += ["", "FAILED:"] + ["- %s: %s" % item for item in sorted(failures.items())]
    return "\n".join(lines) + "\n", text_table(header, cells)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    source = find_collection()
    args.module_concurrency = module_concurrency(source)
    stale = stale_files(source)
    if stale:
        say("WARNING: the built collection %s differs from the checkout in %s: run `make benchmark` to rebuild it." % (source, ", ".join(stale[:5])))
    output_dir = pathlib.Path(args.output_dir).resolve()
    logdir = output_dir / "benchmark-logs"
    logdir.mkdir(parents=True, exist_ok=True)
    count = max(set(args.sizes) | {args.batch, args.gate_ids})
    load_start = load_average()
    started = datetime.datetime.now(datetime.timezone.utc)
    api_key = "bench-" + secrets.token_hex(12)
    with tempfile.TemporaryDirectory(prefix="together-benchmark-") as workdir:
        work = pathlib.Path(workdir)
        scenario_path = work / "scenario.json"
        scenario_path.write_text(json.dumps(scenario(count, args.wait_ids, args.latency_ms)), encoding="utf-8")
        collections = snapshot_collection(source, work)
        simulator = Simulator(work, scenario_path, api_key, lifetime=3600)
        bench = Bench(args, simulator, work, logdir, collections)
        try:
            simulator.start()
            bench.env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections), ANSIBLE_LOCALHOST_WARNING="False",
                             ANSIBLE_INVENTORY_UNPARSED_WARNING="False", ANSIBLE_FORCE_COLOR="0", ANSIBLE_NOCOLOR="1",
                             TOGETHER_BASE_URL=simulator.base_url, TOGETHER_API_KEY=api_key)
            for variable in ("TOGETHER_PROJECT_ID", "GITHUB_STEP_SUMMARY", "BENCH_MEMLOG"):
                bench.env.pop(variable, None)
            runs, warmup_runs = plan(bench, args)
            say("Simulator at %s: %d endpoints behind %d ms latency; collection snapshot of %s"
                % (simulator.base_url, count + args.wait_ids, args.latency_ms, source))
            say("%d runs x %d repetition(s), interleaved, after %d warm-up round(s) (logs in %s)" % (len(runs), args.repeat, args.warmup, logdir))
            measure(runs, warmup_runs, args.warmup, args.repeat)
            say("Import times (python -X importtime, %d runs each) and the in-process read ..." % args.import_repeat)
            imports = payload_costs(bench, args.import_repeat)
            in_process = in_process_reads(bench, collections, max(args.import_repeat, 3))
        finally:
            simulator.close()
    stats = summarize(bench.figures)
    ended = datetime.datetime.now(datetime.timezone.utc)
    loads = [load[0] for load in bench.loads if load]
    meta = {"date": "%s-%s UTC" % (started.strftime("%Y-%m-%d %H:%M"), ended.strftime("%H:%M")), "machine": machine(),
            "cpus": os.cpu_count(), "ansible_core": ansible_core_version(bench.playbook), "repeat": args.repeat, "warmup": args.warmup,
            "latency_ms": args.latency_ms, "batch": args.batch, "sizes": args.sizes, "uri_max": args.uri_max, "gate_ids": args.gate_ids,
            "late_after": args.late_after, "gate_poll": args.gate_poll, "wait_ids": args.wait_ids, "wait_after": args.wait_after,
            "wait_sleep": args.wait_sleep, "smoke": args.smoke, "module_concurrency": args.module_concurrency, "floor_threads": FLOOR_THREADS,
            "load_start": load_start, "load_end": load_average(), "load_max": max(loads) if loads else None,
            "load_samples": bench.loads}
    rows = build_rows(stats, args, imports, in_process)
    markdown, text = report(meta, rows, bench.failures)
    (output_dir / "benchmark.md").write_text(markdown, encoding="utf-8")
    (output_dir / "benchmark.json").write_text(json.dumps({"meta": meta, "rows": rows, "stats": stats, "runs": bench.figures,
                                                           "imports": imports, "in_process_read": in_process, "failures": bench.failures},
                                                          indent=1, sort_keys=True) + "\n", encoding="utf-8")
    chart = output_dir / "benchmark.svg"
    try:
        chart.write_text(svg_line_chart("Wall time against endpoint ids, %d ms latency per request" % args.latency_ms,
                                        chart_series(stats, args)), encoding="utf-8")
    except ValueError as exc:
        say("No chart: %s" % exc)
    say()
    say(text)
    say()
    say("Load average at start %s, at end %s (%s CPUs)" % (load_start, meta["load_end"], os.cpu_count()))
    say("Written: %s, %s and %s" % (output_dir / "benchmark.md", output_dir / "benchmark.json", chart))
    if bench.failures:
        say("FAILED (a run failed or read other than it should): %s" % ", ".join(sorted(bench.failures)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
