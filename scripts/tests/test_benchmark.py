# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests of the benchmark's own pure parts: medians and ratios, the table, the import-time parser, poll rounds, the chart.

Run by `make release-tests` (part of make test): python -m pytest scripts/tests.
"""

import argparse
import pathlib
import sys
import time
from xml.etree import ElementTree

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import benchmark  # noqa: E402  (needs the path set up above)

SVG = "{http://www.w3.org/2000/svg}"


def test_median_and_ratio_leave_out_the_unknown():
    assert benchmark.median([3.0, None, 1.0, 2.0]) == 2.0
    assert benchmark.median([None]) is None
    assert benchmark.ratio(46.0, 2.0) == 23.0
    assert benchmark.ratio(None, 2.0) is None
    assert benchmark.ratio(1.0, 0.0) is None


@pytest.mark.parametrize("value, target, expected", [
    (1.1, ("<=", 1.1), True), (1.11, ("<=", 1.1), False), (20.0, (">=", 20.0), True), (19.9, (">=", 20.0), False),
    (None, ("<=", 1.0), None), (3.0, None, None),
])
def test_meets(value, target, expected):
    assert benchmark.meets(value, target) is expected


def test_table_cells_format_units_targets_and_verdicts():
    rows = [{"case": "1", "measure": "uri loop / module", "value": 15.234, "unit": "x", "target": (">=", 20.0)},
            {"case": "3", "measure": "1000 ids: peak memory", "value": 41.26, "unit": "MB", "target": ("<=", 100.0)},
            {"case": "2", "measure": "imports", "value": 270.4, "unit": "ms", "target": None},
            {"case": "4", "measure": "gate", "value": None, "unit": "s", "target": ("<=", 9.5)}]
    header, cells = benchmark.table_cells(rows)
    assert header == ["#", "Measure", "Median", "Target", "Met"]
    assert cells == [["1", "uri loop / module", "15.23x", ">= 20.00x", "NO"],
                     ["3", "1000 ids: peak memory", "41.3 MB", "<= 100.0 MB", "yes"],
                     ["2", "imports", "270 ms", "-", "-"],
                     ["4", "gate", "-", "<= 9.50 s", "-"]]


def test_text_and_markdown_tables_line_up():
    header, cells = ["#", "Measure", "Median"], [["1", "a long measure", "1.00 s"], ["2", "b", "12.50 s"]]
    lines = benchmark.text_table(header, cells).splitlines()
    assert len(lines) == 4 and set(lines[1]) == {"-"}
    # Numbers right-aligned: both medians end in the same column.
    assert lines[2].endswith(" 1.00 s") and lines[3].endswith("12.50 s") and len(lines[2]) == len(lines[3])
    markdown = benchmark.markdown_table(header, [["1", "a | b", "1.00 s"]]).splitlines()
    assert markdown[1] == "|---|---|---:|"
    assert markdown[2] == "| 1 | a \\| b | 1.00 s |"


def test_parse_importtime_keeps_depth_and_first_import():
    stderr = "\n".join([
        "import time: self [us] | cumulative | imported package",
        "import time:       120 |        120 |   _io",
        "import time:      2000 |       5000 |     requests.compat",
        "import time:      1000 |       9000 |   requests",
        "import time:       500 |        500 | json",
        "import time:        30 |         30 | json",
        "some other line",
    ])
    found = benchmark.parse_importtime(stderr)
    assert found["requests"] == (1000, 9000, 1)
    assert found["requests.compat"] == (2000, 5000, 2)
    assert found["json"] == (500, 500, 0)  # the first one, not the later cached re-import
    assert benchmark.import_total_ms(found) == 0.5


def test_poll_rounds_group_each_read_of_every_id():
    def get(endpoint_id, start, end):
        return {"path": "/v1/endpoints/%s" % endpoint_id, "start": start, "end": end}
    # Two rounds over a, b, c; the second round's c started late (a busy machine), the log is out of order.
    requests = [get("b", 10.01, 10.12), get("a", 10.0, 10.1), get("c", 10.6, 10.7), get("a", 12.0, 12.1), get("c", 12.9, 13.0),
                get("b", 12.02, 12.2)]
    assert benchmark.poll_rounds(requests, ["a", "b", "c"]) == [(10.0, 10.7, ["a", "b", "c"]), (12.0, 13.0, ["a", "b", "c"])]
    # A round that read a twice and skipped b shows up as such.
    skewed = benchmark.poll_rounds([get("a", 1.0, 1.1), get("a", 1.0, 1.2)], ["a", "b"])
    assert skewed == [(1.0, 1.2, ["a", "a"])]
    assert benchmark.poll_rounds([], ["a"]) == []


def test_svg_chart_draws_each_series_on_log_axes():
    series = [("module", "#1f77b4", [(10, 1.2), (100, 2.5), (1000, 14.0)]),
              ("uri loop", "#d62728", [(10, 5.0), (100, 46.0), (1000, None)]),
              ("floor", "#2ca02c", [(10, 0.9), (100, 1.6), (1000, 7.0)])]
    root = ElementTree.fromstring(benchmark.svg_line_chart("a <title> & more", series))
    lines = root.findall(SVG + "polyline")
    assert [line.get("data-name") for line in lines] == ["module", "uri loop", "floor"]
    points = [[tuple(float(value) for value in pair.split(",")) for pair in line.get("points").split()] for line in lines]
    assert [len(line) for line in points] == [3, 2, 3]  # the uri loop's missing point is left out
    # Log x axis: 10 -> 100 and 100 -> 1000 are the same distance apart.
    assert points[0][1][0] - points[0][0][0] == pytest.approx(points[0][2][0] - points[0][1][0], abs=0.2)
    # Larger times are higher up (smaller y), and the module sits below the uri loop at every shared x.
    assert points[1][1][1] < points[0][1][1] < points[2][0][1]
    texts = [text.text for text in root.iter(SVG + "text")]
    assert "a <title> & more" in texts and "module" in texts and "1000" in texts


def test_svg_chart_without_points_is_an_error():
    with pytest.raises(ValueError):
        benchmark.svg_line_chart("empty", [("module", "#000", [(10, None)])])


def test_build_rows_ratios_and_floor():
    args = argparse.Namespace(latency_ms=100, batch=100, sizes=[10, 100], uri_max=100, gate_ids=100, late_after=5.0, gate_poll=10.0,
                              wait_ids=10, wait_sleep=1.0)
    stats = {"module_100": {"wall": 3.0, "module_maxrss_mb": 40.0}, "uri_loop_100": {"wall": 45.0}, "floor_play": {"wall": 0.8},
             "floor_script_100": {"wall": 1.2}, "gate_ready": {"wall": 4.5}, "gate_late": {"wall": 12.0, "late_offset": 5.2}}
    rows = {(row["case"], row["measure"]): row for row in benchmark.build_rows(stats, args, {}, {})}
    assert rows[("1", "uri loop / module")]["value"] == 15.0
    assert rows[("1", "module / floor")]["value"] == 1.5
    assert rows[("3", "100 ids: floor")]["value"] == 2.0
    assert rows[("3", "10 ids: floor")]["value"] is None  # no script run for 10 ids: unknown, not 0.8
    assert rows[("3", "100 ids: ideal, ids / 16 x latency")]["value"] == pytest.approx(0.7)
    assert rows[("5", "gate over 100 ids / bare batch of the same ids")]["value"] == 1.5
    # The late gate: the ready gate + when the late endpoint really started + one poll (min(poll, 5)).
    assert rows[("4", "gate over 100 ids, one STARTED 5.2 s in")]["target"] == ("<=", pytest.approx(14.7))


class FakeSimulator:
    """The control API the Transition uses: state changes are recorded, the request log is what `read` holds."""

    def __init__(self):
        self.states = []
        self.read = []

    def control(self, method, path, body=None):
        if method == "POST":
            self.states.append((path.split("/")[1], body["state"]))
            return {}
        return {"requests": [{"path": "/v1/endpoints/%s" % endpoint_id} for endpoint_id in self.read]}


def test_transition_waits_for_a_read_of_every_endpoint():
    simulator = FakeSimulator()
    transition = benchmark.Transition(simulator, ["a", "b"], after=0.05).start()
    assert simulator.states == [("a", "STARTING"), ("b", "STARTING")]
    simulator.read = ["a"]
    time.sleep(0.3)
    assert transition.at is None  # b was never read: it must stay STARTING, whatever the delay
    simulator.read = ["a", "b"]
    deadline = time.time() + 5
    while transition.at is None and time.time() < deadline:
        time.sleep(0.02)
    transition.stop()
    assert transition.offset >= 0.3
    assert simulator.states[2:] == [("a", "STARTED"), ("b", "STARTED")]


def test_transition_stop_leaves_the_endpoints_started_even_unread():
    simulator = FakeSimulator()
    transition = benchmark.Transition(simulator, ["a"], after=0.0).start()
    time.sleep(0.1)
    transition.stop()
    assert transition.at is None and transition.offset is None
    assert simulator.states == [("a", "STARTING"), ("a", "STARTED")]


def test_the_module_concurrency_is_read_from_the_collection_measured(tmp_path):
    utils = tmp_path / "plugins" / "module_utils"
    utils.mkdir(parents=True)
    (utils / "_parallel.py").write_text("# x\nMAX_PARALLEL_REQUESTS = 24\nMIN_CONCURRENCY = 1\n", encoding="utf-8")
    assert benchmark.module_concurrency(tmp_path) == 24
    args = argparse.Namespace(latency_ms=100, batch=100, sizes=[100], uri_max=100, gate_ids=100, late_after=5.0, gate_poll=10.0,
                              wait_ids=10, wait_sleep=1.0, module_concurrency=24)
    rows = [row["measure"] for row in benchmark.build_rows({}, args, {}, {})]
    assert "100 ids: ideal, ids / 24 x latency" in rows
    assert benchmark.module_concurrency(tmp_path / "missing") == benchmark.MODULE_CONCURRENCY == 16


def test_the_checkout_s_default_concurrency_is_what_the_benchmark_assumes():
    root = pathlib.Path(__file__).resolve().parent.parent.parent
    assert benchmark.module_concurrency(root) == benchmark.MODULE_CONCURRENCY
