#!/usr/bin/env bash
# Load: 20 forks, each reading its own 50 endpoints from one simulator, 3 rounds. Nothing may be lost or mixed up.
set -eu

python="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python}"
# The collection under test (ansible-test's copy of the target holds no simulator): the Makefile names it here.
root="$(sed -n 's/^together_collection_root: *//p' ../../integration_config.yml)"
work="$(mktemp -d)"
sim_pid=""
cleanup() {
  if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$python" - "$work/scenario.json" "$work/inventory.ini" <<'PY'
import json, sys
hosts, per_host = 20, 50
endpoints = []
for h in range(1, hosts + 1):
    for i in range(1, per_host + 1):
        endpoints.append({
            "id": "endpoint-%08d-0000-4000-8000-%012d" % (h, i),
            "display_name": "load h%02d #%02d" % (h, i),
            "model": "org/model-%02d-%02d" % (h, i),
            "hardware": "1x_nvidia_a100_80gb_sxm",
            "state": "STARTED",
            "autoscaling": {"min_replicas": i % 5 + 1, "max_replicas": i % 5 + 1 + h},
        })
json.dump({"api_key": "sim-load-key", "endpoints": endpoints}, open(sys.argv[1], "w"))
with open(sys.argv[2], "w") as inventory:
    inventory.write("[load]\n")
    for h in range(1, hosts + 1):
        inventory.write("load%02d load_index=%d ansible_connection=local\n" % (h, h))
    inventory.write("[load:vars]\nansible_python_interpreter=%s\n" % sys.executable)
PY

"$python" "$root/simulator/run.py" --port 0 --port-file "$work/port" --lifetime 300 --quiet \
  --api-key sim-load-key --scenario "$work/scenario.json" &
sim_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.2; done
[ -s "$work/port" ] || { echo "FAIL: the simulator did not start"; exit 1; }

started=$(date +%s.%N)
ANSIBLE_HOST_KEY_CHECKING=false ansible-playbook -f 20 -i "$work/inventory.ini" load.yml \
  -e "simulator_url=http://127.0.0.1:$(cat "$work/port")" "$@"
echo "load: 20 forks x 50 ids x 3 rounds in $("$python" -c "import time,sys; print('%.1f' % (time.time() - float(sys.argv[1])))" "$started") s"
