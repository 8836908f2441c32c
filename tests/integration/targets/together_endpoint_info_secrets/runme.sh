#!/usr/bin/env bash
# The API key must never appear in Ansible's output, even at -vvvv, on success or on failure.
set -eu

key="together-canary-key-${RANDOM}${RANDOM}${RANDOM}"
wrong_key="together-wrong-canary-${RANDOM}${RANDOM}${RANDOM}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

set +e
TOGETHER_CANARY_KEY="$key" TOGETHER_WRONG_CANARY_KEY="$wrong_key" \
  TOGETHER_API_KEY="$key" TOGETHER_SIM_API_KEY="$key" \
  ansible-playbook -vvvv secrets.yml -e @../../integration_config.yml "$@" >"$log" 2>&1
rc=$?
set -e

tail -n 40 "$log"
if [ "$rc" -ne 0 ]; then
  grep -n -A3 -E '^(fatal|TASK)' "$log" | grep -v -- '-vvvv' | tail -n 60
  echo "FAIL: the secrets playbook failed (rc=$rc)"
  exit 1
fi
grep -q 'secrets playbook reached its end' "$log" || { echo "FAIL: the playbook did not reach its end"; exit 1; }
for secret in "$key" "$wrong_key"; do
  if grep -n -F -- "$secret" "$log"; then
    echo "FAIL: an API key appears in the -vvvv output above"
    exit 1
  fi
done
echo "OK: $(wc -l <"$log") lines of -vvvv output, no API key in them"
