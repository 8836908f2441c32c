# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Parse a JUnit XML report (so verify.yml knows it is well-formed) and print its test cases as JSON."""

import json
import sys
from xml.etree import ElementTree


def main(path):
    root = ElementTree.parse(path).getroot()
    cases = []
    for case in root.iter("testcase"):
        failure, error, skipped = case.find("failure"), case.find("error"), case.find("skipped")
        status = ("failed" if failure is not None else "error" if error is not None
                  else "skipped" if skipped is not None else "passed")
        detail = next((item for item in (failure, error, skipped) if item is not None), None)
        cases.append({"endpoint_id": case.get("classname"), "check": case.get("name"), "status": status,
                      "message": detail.get("message") if detail is not None else None})
    totals = dict((key, int(root.get(key))) for key in ("tests", "failures", "errors", "skipped"))
    print(json.dumps(dict(totals, root=root.tag, suites=len(root.findall("testsuite")), cases=cases)))


if __name__ == "__main__":
    main(sys.argv[1])
