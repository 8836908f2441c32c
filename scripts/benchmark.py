# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""`make benchmark`: together.ai.together_endpoint_info side by side with ansible.builtin.uri.

Starts the bundled simulator with N STARTED dedicated endpoints (and N more behind an injected
latency), then times pairs of equivalent playbooks from benchmarks/ in the same run, interleaved,
with time.perf_counter() around each ansible-playbook process:

  1. one endpoint: the module vs uri;
  2. N endpoints: the module with endpoint_ids (one task) vs uri in a loop;
  3. N endpoints the naive way: the module in a loop vs uri in a loop;
  4. the floor: one debug task (what ansible-playbook costs by itself);
  5. N endpoints with injected latency per request: module endpoint_ids vs uri loop.

Every playbook asserts what it read (the ids asked for, all STARTED), and after each run this script
checks the simulator's request log: exactly one authorized GET per endpoint, all answered 200.
It prints a table and writes it to .build/benchmark.md (and everything to .build/benchmark.json).
It exits non-zero only when a playbook fails or reads other than it should; never on timing.

Standard library only. See docs/benchmark.md.
"""

import argparse
import datetime
import json
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
import time
import urllib.request

from _tools import ansible_playbook, say  # scripts/_tools.py: python puts this folder first on sys.path

ROOT = pathlib.Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
BUILD = ROOT / ".build"
COLLECTION = pathlib.Path("ansible_collections") / "together" / "ai"
MAX_PARALLEL_REQUESTS = 8  # plugins/module_utils/_endpoints.py: endpoint_ids reads at most 8 at a time

# name: (playbook in benchmarks/, endpoint group read, how many endpoints it reads)
RUNS = {
    "floor": ("floor.yml", "fast", "none"),
    "one_module": ("one_module.yml", "fast", "one"),
    "one_uri": ("one_uri.yml", "fast", "one"),
    "ids_module": ("many_module_ids.yml", "fast", "all"),
    "loop_uri": ("many_uri_loop.yml", "fast", "all"),
    "loop_module": ("many_module_loop.yml", "fast", "all"),
    "slow_ids_module": ("many_module_ids.yml", "slow", "all"),
    "slow_loop_uri": ("many_uri_loop.yml", "slow", "all"),
}
# (number, title, short title, module run, uri run, single run (the base of the marginal cost) of each side)
CASES = (
    ("1", "one endpoint, one task", "one endpoint", "one_module", "one_uri", (None, None)),
    ("2", "N endpoints: module `endpoint_ids` (one task) vs `uri` loop", "N: ids vs uri loop", "ids_module", "loop_uri",
     ("one_module", "one_uri")),
    ("3", "N endpoints, naive: module loop vs `uri` loop", "N: loop vs uri loop", "loop_module", "loop_uri", ("one_module", "one_uri")),
    ("5", "N endpoints, {latency} ms latency each: module `endpoint_ids` vs `uri` loop", "N+latency: ids vs loop", "slow_ids_module",
     "slow_loop_uri", ("one_module", "one_uri")),
)
FLOOR_TITLE = ("floor: one `debug` task, no HTTP", "floor (debug)")


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Time together.ai.together_endpoint_info against ansible.builtin.uri.")
    parser.add_argument("--endpoints", type=int, help="N, the endpoints read by the multi-endpoint cases (default 20; 5 with --quick)")
    parser.add_argument("--repeat", type=int, help="timed runs of each playbook (default 5; 2 with --quick)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs of each playbook first (default 1)")
    parser.add_argument("--latency-ms", type=int, default=100, help="latency injected per request in case 5; 0 skips case 5 (default 100)")
    parser.add_argument("--quick", action="store_true", help="a short CI-friendly run: 5 endpoints, 2 timed runs")
    parser.add_argument("--output-dir", default=str(BUILD), help="where benchmark.md and benchmark.json go (default .build)")
    args = parser.parse_args(argv)
    if args.endpoints is None:
        args.endpoints = 5 if args.quick else 20
    if args.repeat is None:
        args.repeat = 2 if args.quick else 5
    if args.endpoints < 2 or args.repeat < 1 or args.warmup < 0 or args.latency_ms < 0:
        parser.error("--endpoints must be >= 2, --repeat >= 1, --warmup and --latency-ms >= 0")
    return args


def endpoint_ids(group, count):
    return ["endpoint-bench%s-0000-4000-8000-%012d" % ("slow" if group == "slow" else "fast", index) for index in range(1, count + 1)]


def scenario(count, latency_ms):
    """N STARTED dedicated endpoints, and N more answering after latency_ms when latency_ms > 0."""
    def endpoint(endpoint_id, index):
        return {"id": endpoint_id, "display_name": "Benchmark endpoint %d" % index, "model": "meta-llama/Llama-3-8b-chat-hf",
                "hardware": "1x_nvidia_a100_80gb_sxm", "state": "STARTED", "autoscaling": {"min_replicas": 1, "max_replicas": 2}}
    endpoints = [endpoint(endpoint_id, index) for index, endpoint_id in enumerate(endpoint_ids("fast", count), 1)]
    if latency_ms:
        for index, endpoint_id in enumerate(endpoint_ids("slow", count), 1):
            slow = endpoint(endpoint_id, index)
            slow["faults"] = [{"kind": "latency", "seconds": latency_ms / 1000.0}]  # every request, for ever
            endpoints.append(slow)
    return {"description": "scripts/benchmark.py: %d STARTED endpoints (+%d behind %d ms latency)" % (count, count if latency_ms else 0, latency_ms),
            "owner": "benchuser", "endpoints": endpoints}


class Simulator:
    """The bundled simulator on a free loopback port, its key in its environment; close() stops it."""

    def __init__(self, workdir, scenario_path, api_key, lifetime):
        self.workdir = pathlib.Path(workdir)
        self.scenario_path = scenario_path
        self.api_key = api_key
        self.lifetime = lifetime
        self.process = None
        self.log = None
        self.root_url = None

    @property
    def base_url(self):
        return self.root_url + "/v1"

    def start(self):
        port_file = self.workdir / "simulator.port"
        env = dict(os.environ, TOGETHER_SIM_API_KEY=self.api_key)
        self.log = open(str(self.workdir / "simulator.log"), "w", encoding="utf-8")  # pylint: disable=consider-using-with
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, str(ROOT / "simulator" / "run.py"), "--port", "0", "--port-file", str(port_file),
             "--scenario", str(self.scenario_path), "--lifetime", str(self.lifetime), "--quiet"],
            stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=str(ROOT))
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text(encoding="utf-8").strip():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.log.flush()
                raise RuntimeError("the simulator did not start:\n%s" % (self.workdir / "simulator.log").read_text(encoding="utf-8"))
            time.sleep(0.05)
        self.root_url = "http://127.0.0.1:%d" % int(port_file.read_text(encoding="utf-8").strip())
        return self

    def control(self, method, path):
        request = urllib.request.Request(self.root_url + "/_simulator/" + path, method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read().decode("utf-8"))

    def close(self):
        if self.process is not None and self.process.poll() is None:
            try:
                self.control("POST", "shutdown")
                self.process.wait(timeout=10)
            except Exception:  # pylint: disable=broad-except
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
        if self.log is not None:
            self.log.close()


def find_collection():
    """The together.ai copy `make collection` built (via ANSIBLE_COLLECTIONS_PATH, else .build/collections)."""
    paths = [path for path in os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep) if path]
    for base in paths + [str(BUILD / "collections")]:
        candidate = pathlib.Path(base) / COLLECTION
        if (candidate / "plugins" / "modules" / "together_endpoint_info.py").is_file():
            return candidate
    sys.exit("The together.ai collection is not built: run `make benchmark` (it runs `make collection` first).")


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
    """A private copy, so that a concurrent `make collection` (it deletes .build/collections) cannot break a run."""
    target = pathlib.Path(workdir) / "collections"
    shutil.copytree(str(collection), str(target / COLLECTION), ignore=shutil.ignore_patterns(".git", "output", "__pycache__"))
    return target


def ansible_core_version(playbook_command):
    output = subprocess.run([playbook_command, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True, check=False).stdout
    match = re.search(r"\[core ([^\]]+)\]", output)
    return match.group(1) if match else output.splitlines()[0] if output else "unknown"


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


class Bench:
    """Runs the playbooks against the simulator and keeps every timing."""

    def __init__(self, simulator, vars_files, expected, logdir):
        self.simulator = simulator
        self.env = None  # set once the simulator is up: its base URL and key
        self.vars_files = vars_files
        self.expected = expected
        self.logdir = logdir
        self.command = ansible_playbook('benchmark')
        self.times = {name: [] for name in expected}
        self.cpu = {name: [] for name in expected}
        self.http = {name: [] for name in expected}  # (seconds the simulator spent answering, window they fell in)
        self.failures = {}

    def run(self, name, timed):
        """Run one playbook once; record its time when timed. False when it failed or read the wrong things."""
        playbook, group, _reads = RUNS[name]
        self.simulator.control("DELETE", "requests")
        command = [self.command, str(BENCHMARKS / playbook), "-e", "@%s" % self.vars_files[group]]
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        completed = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=self.env, cwd=str(ROOT),
                                   universal_newlines=True, check=False)
        elapsed = time.perf_counter() - started
        # CPU seconds (user + system) of ansible-playbook and every process it waited for: less sensitive to a busy machine.
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
        log = self.logdir / ("%s.log" % name)
        log.write_text(completed.stdout, encoding="utf-8")
        problem, http = None, None
        if completed.returncode != 0:
            problem = "ansible-playbook exited %d" % completed.returncode
        else:
            problem, http = self.check_requests(name)
        if problem:
            self.failures[name] = "%s (output: %s)" % (problem, log)
            say("  %-16s FAILED: %s" % (name, problem))
            say("    | " + "\n    | ".join(completed.stdout.rstrip().splitlines()[-25:]))
            return False
        if timed:
            self.times[name].append(elapsed)
            self.cpu[name].append(cpu)
            if http:
                self.http[name].append(http)
        return elapsed

    def check_requests(self, name):
        """Exactly one authorized GET per endpoint read, each answered 200: the same work on both sides."""
        seen = [entry for entry in self.simulator.control("GET", "requests")["requests"] if entry["path"].startswith("/v1/")]
        got = sorted("%s %s" % (entry["method"], entry["path"]) for entry in seen)
        want = sorted("GET /v1/endpoints/%s" % endpoint_id for endpoint_id in self.expected[name])
        if got != want:
            return "the simulator saw %d request(s) %s, expected %d: %s" % (len(got), got[:4], len(want), want[:4]), None
        bad = [entry for entry in seen if entry["status"] != 200 or not entry["authorized"]]
        if bad:
            return "%d request(s) not authorized or not answered 200, e.g. %s" % (len(bad), bad[0]), None
        if not seen:
            return None, None
        # The simulator logs each request when answered, with how long it took: when did the first start, the last end?
        ends = [datetime.datetime.strptime(entry["time"], "%Y-%m-%dT%H:%M:%S.%fZ").timestamp() for entry in seen]
        durations = [entry["duration_ms"] / 1000.0 for entry in seen]
        window = max(ends) - min(end - duration for end, duration in zip(ends, durations))
        return None, (sum(durations), window)

    def measure(self, names, warmup, repeat):
        for round_index in range(warmup + repeat):
            timed = round_index >= warmup
            label = "repeat %d/%d" % (round_index - warmup + 1, repeat) if timed else "warm-up %d/%d" % (round_index + 1, warmup)
            # Interleaved, and rotated every round, so that drift in the machine's load hits every playbook alike.
            shift = round_index % len(names)
            order = [name for name in names[shift:] + names[:shift] if name not in self.failures]
            done = []
            for name in order:
                elapsed = self.run(name, timed)
                if elapsed is not False:
                    done.append("%s %.2f" % (name, elapsed))
            say("%-13s %s" % (label, ", ".join(done)))


def summarize(times, cpu, http):
    if not times:
        return None
    summary = {"median": statistics.median(times), "min": min(times), "max": max(times), "runs": [round(value, 4) for value in times],
               "cpu_median": statistics.median(cpu), "cpu_runs": [round(value, 4) for value in cpu]}
    if http:
        summary["http_busy_median"] = statistics.median(busy for busy, _window in http)
        summary["http_window_median"] = statistics.median(window for _busy, window in http)
    return summary


def ratio(numerator, denominator):
    return numerator / denominator if numerator is not None and denominator is not None and denominator > 0 else None


def derive(stats, count, latency_ms):
    """The rows of the table: per case, the module side and the uri side, with the derived figures."""
    def median(name):
        return stats[name]["median"] if stats.get(name) else None

    def net(name):
        value, floor = median(name), median("floor")
        return value - floor if value is not None and floor is not None else None

    rows = []
    floor = stats.get("floor")
    for number, title, short, module_run, uri_run, bases in CASES:
        if number == "5" and not latency_ms:
            continue
        pair = []
        for tool, name, base in (("together_endpoint_info", module_run, bases[0]), ("uri", uri_run, bases[1])):
            marginal = None
            if base and median(name) is not None and median(base) is not None:
                marginal = (median(name) - median(base)) / (count - 1)
            pair.append({"case": number, "title": title.format(latency=latency_ms), "short": short, "tool": tool, "run": name, "playbook": RUNS[name][0],
                         "endpoints": 1 if RUNS[name][2] == "one" else count, "stats": stats.get(name), "net": net(name),
                         "marginal": marginal})
        pair[0]["speedup"] = ratio(median(uri_run), median(module_run))
        pair[0]["speedup_net"] = ratio(net(uri_run), net(module_run))
        pair[0]["speedup_cpu"] = ratio(*[stats[name]["cpu_median"] if stats.get(name) else None for name in (uri_run, module_run)])
        rows.extend(pair)
        if number == "3":
            rows.append({"case": "4", "title": FLOOR_TITLE[0], "short": FLOOR_TITLE[1], "tool": "debug", "run": "floor", "playbook": "floor.yml",
                         "endpoints": 0, "stats": floor, "net": 0.0 if floor else None, "marginal": None})
    return rows


def latency_notes(stats, count, latency_ms):
    """Case 5 seen from the simulator: how much latency each side waited through, and within how long a window."""
    if not latency_ms:
        return []
    notes = []
    latency = latency_ms / 1000.0
    sides = (("module `endpoint_ids`", "slow_ids_module", "ids_module",
              "%d at a time need at least %.2f s" % (MAX_PARALLEL_REQUESTS, -(-count // MAX_PARALLEL_REQUESTS) * latency)),
             ("`uri` loop", "slow_loop_uri", "loop_uri", "one after another need at least %.2f s" % (count * latency)))
    for tool, slow, fast, floor in sides:
        if stats.get(slow) and stats.get(fast) and "http_busy_median" in stats[slow]:
            notes.append("Case 5, %s: the simulator answered its %d requests in %.2f s in total, all within a %.2f s window (%s); "
                         "wall median %+.2f s against case 2 (the same playbook without latency)."
                         % (tool, count, stats[slow]["http_busy_median"], stats[slow]["http_window_median"], floor,
                            stats[slow]["median"] - stats[fast]["median"]))
    return notes


def seconds(value, places=2):
    return "-" if value is None else "%.*f" % (places, value)


def table(rows, short=False):
    """Header and cells; short titles and tool names for the terminal."""
    header = ["#", "Case", "Tool", "N", "Median s", "Min s", "Max s", "CPU s", "Net of floor s", "Marginal s/endpoint", "uri / module (net; CPU)"]
    lines = []
    for row in rows:
        stats = row["stats"] or {}
        speedup = "-"
        if row.get("speedup") is not None:
            speedup = "%.2fx (%s; %s)" % (row["speedup"], *["-" if row.get(key) is None else "%.2fx" % row[key] for key in ("speedup_net", "speedup_cpu")])
        tool = row["tool"]
        if not short:
            tool = "`%s`" % tool if tool != "together_endpoint_info" else "module"
        lines.append([row["case"], row["short"] if short else row["title"], tool, str(row["endpoints"]),
                      seconds(stats.get("median")) if stats else "FAILED", seconds(stats.get("min")), seconds(stats.get("max")),
                      seconds(stats.get("cpu_median")), seconds(row["net"]), seconds(row["marginal"], 3), speedup])
    return header, lines


def markdown_table(header, lines):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if index < 3 else "---:" for index in range(len(header))) + "|"]
    out += ["| " + " | ".join(line) + " |" for line in lines]
    return "\n".join(out)


def text_table(header, lines):
    widths = [max(len(row[index]) for row in [header] + lines) for index in range(len(header))]
    render = ["  ".join(cell.ljust(widths[index]) if index < 3 else cell.rjust(widths[index]) for index, cell in enumerate(row))
              for row in [header] + lines]
    return "\n".join(render[:1] + ["-" * len(render[0])] + render[1:])


def noise_note(meta, rows):
    """A warning when the machine was busy: a floor that moved, or a load above the CPU count."""
    floor = [row["stats"] for row in rows if row["run"] == "floor" and row["stats"]]
    loads = [load[0] for load in (meta["load_start"], meta["load_end"]) if load]
    spread = floor[0]["max"] / floor[0]["min"] if floor and floor[0]["min"] > 0 else None
    if (spread is not None and spread > 1.25) or (loads and max(loads) > (os.cpu_count() or 1)):
        return ["Noisy run: the floor ranged %s-%s s and the 1-minute load average reached %s on %s CPUs. Prefer the CPU column "
                "and the min, and read ratios, not absolute seconds." % (seconds(floor[0]["min"]) if floor else "-",
                                                                         seconds(floor[0]["max"]) if floor else "-", max(loads) if loads else "-",
                                                                         os.cpu_count())]
    return []


def report(meta, rows, notes, failures):
    header, lines = table(rows)
    text_header, text_lines = table(rows, short=True)
    text = [
        "# Benchmark: together.ai.together_endpoint_info vs ansible.builtin.uri",
        "",
        "- Date: %s" % meta["date"],
        "- Machine: %s" % meta["machine"],
        "- ansible-core %s; N = %d endpoints; %d timed run(s) of each playbook after %d warm-up, interleaved"
        % (meta["ansible_core"], meta["endpoints"], meta["repeat"], meta["warmup"]),
        "- Load average (1, 5, 15 min) at start %s, at end %s" % (meta["load_start"], meta["load_end"]),
        "- Simulator on 127.0.0.1; every run checked: exactly one authorized GET per endpoint read, all 200",
        "",
        markdown_table(header, lines),
        "",
        "Seconds of wall time per ansible-playbook run (time.perf_counter()). CPU s = median user + system CPU seconds of ansible-playbook",
        "and the processes it waited for, which a busy machine inflates far less than wall time.",
        "Net of floor = median minus the floor's median (case 4). Marginal = (median with N endpoints - median of case 1, same tool) / (N - 1).",
        "uri / module = how many times longer `uri` took than the module (>1: the module is faster); in brackets, the same net of the floor,",
        "and the ratio of their CPU seconds.",
        "Cases 2 and 3 share their `uri` side: the same runs of many_uri_loop.yml.",
    ]
    noise = noise_note(meta, rows)
    if notes or noise:
        text += [""] + ["- " + note for note in notes + noise]
    if failures:
        text += ["", "FAILED:"] + ["- %s: %s" % item for item in sorted(failures.items())]
    return "\n".join(text) + "\n", text_table(text_header, text_lines)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    source = find_collection()
    stale = stale_files(source)
    if stale:
        say("WARNING: the built collection %s differs from the checkout in %s: run `make benchmark` to rebuild it." % (source, ", ".join(stale[:5])))
    names = ["floor", "one_module", "one_uri", "ids_module", "loop_uri", "loop_module"]
    if args.latency_ms:
        names += ["slow_ids_module", "slow_loop_uri"]
    per_round = 15 + args.endpoints * (2.0 + 2 * args.latency_ms / 1000.0)
    lifetime = int(600 + 3 * per_round * (args.warmup + args.repeat))  # it stops by itself even if this script is killed
    api_key = "bench-" + secrets.token_hex(12)
    load_start = load_average()
    started = datetime.datetime.now(datetime.timezone.utc)
    output_dir = pathlib.Path(args.output_dir)
    logdir = output_dir / "benchmark-logs"
    logdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="together-benchmark-") as workdir:
        work = pathlib.Path(workdir)
        scenario_path = work / "scenario.json"
        scenario_path.write_text(json.dumps(scenario(args.endpoints, args.latency_ms), indent=1), encoding="utf-8")
        vars_files = {}
        for group in ("fast", "slow"):
            vars_files[group] = work / ("vars-%s.json" % group)
            vars_files[group].write_text(json.dumps({"bench_ids": endpoint_ids(group, args.endpoints)}), encoding="utf-8")
        expected = {}
        for name in names:
            group, reads = RUNS[name][1], RUNS[name][2]
            ids = endpoint_ids(group, args.endpoints)
            expected[name] = [] if reads == "none" else ids[:1] if reads == "one" else ids
        collections = snapshot_collection(source, workdir)
        simulator = Simulator(work, scenario_path, api_key, lifetime)
        bench = Bench(simulator, vars_files, expected, logdir)
        try:
            simulator.start()
            bench.env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections), ANSIBLE_LOCALHOST_WARNING="False",
                             ANSIBLE_INVENTORY_UNPARSED_WARNING="False", ANSIBLE_FORCE_COLOR="0", ANSIBLE_NOCOLOR="1",
                             TOGETHER_BASE_URL=simulator.base_url, TOGETHER_API_KEY=api_key)
            bench.env.pop("TOGETHER_PROJECT_ID", None)
            say("Simulator at %s with %d endpoints%s; collection snapshot of %s"
                % (simulator.base_url, args.endpoints, " (+%d behind %d ms latency)" % (args.endpoints, args.latency_ms) if args.latency_ms else "",
                   source))
            say("Timing %d playbooks: %d warm-up + %d timed run(s) each, interleaved (logs in %s)" % (len(names), args.warmup, args.repeat, logdir))
            bench.measure(names, args.warmup, args.repeat)
        finally:
            simulator.close()
    stats = {name: summarize(bench.times[name], bench.cpu[name], bench.http[name]) for name in names}
    ended = datetime.datetime.now(datetime.timezone.utc)
    meta = {"date": "%s-%s UTC" % (started.strftime("%Y-%m-%d %H:%M"), ended.strftime("%H:%M")), "machine": machine(),
            "ansible_core": ansible_core_version(bench.command), "endpoints": args.endpoints, "repeat": args.repeat,
            "warmup": args.warmup, "latency_ms": args.latency_ms, "load_start": load_start, "load_end": load_average()}
    rows = derive(stats, args.endpoints, args.latency_ms)
    notes = latency_notes(stats, args.endpoints, args.latency_ms)
    markdown, text = report(meta, rows, notes, bench.failures)
    (output_dir / "benchmark.md").write_text(markdown, encoding="utf-8")
    (output_dir / "benchmark.json").write_text(json.dumps({"meta": meta, "stats": stats, "rows": rows, "notes": notes, "failures": bench.failures},
                                                          indent=2) + "\n", encoding="utf-8")
    say()
    say(text)
    for note in notes + noise_note(meta, rows):
        say("- " + note)
    say()
    say("Written: %s and %s" % (output_dir / "benchmark.md", output_dir / "benchmark.json"))
    if bench.failures:
        say("FAILED (a playbook failed or read other than it should): %s" % ", ".join(sorted(bench.failures)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
