# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Half of the benchmark's floor: the same GETs as the module, done by a plain Python script.

python floor_requests.py VARS_JSON THREADS: GET $TOGETHER_BASE_URL/endpoints/{id} for every id of
bench_ids in VARS_JSON, THREADS at a time over one requests.Session, with the key of $TOGETHER_API_KEY.
No retries, no checks beyond status 200 and the id: what reading the endpoints costs at the least.
Exits 1 when any answer is not that.
"""

import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import requests


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        ids = json.load(handle)["bench_ids"]
    threads = int(sys.argv[2])
    base_url = os.environ["TOGETHER_BASE_URL"].rstrip("/")
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=threads, pool_maxsize=threads)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["Authorization"] = "Bearer " + os.environ["TOGETHER_API_KEY"]

    def get(endpoint_id):
        response = session.get("%s/endpoints/%s" % (base_url, quote(endpoint_id, safe="")), timeout=30)
        return response.status_code == 200 and response.json().get("id") == endpoint_id

    with ThreadPoolExecutor(max_workers=threads) as executor:
        good = list(executor.map(get, ids))
    if not all(good):
        sys.exit("floor_requests.py: %d of %d reads were not 200 with the id asked for" % (good.count(False), len(ids)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
