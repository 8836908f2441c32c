# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Check the build context `ansible-builder create` wrote for execution-environment.yml (make ee).

Usage: python scripts/check_ee_context.py CONTEXT [INSTALLED_COLLECTIONS]. With no container engine here the
image is never built, so this checks what the build would use: the Containerfile installs the pinned
ansible-core and the galaxy requirements; those requirements name a collection file that is in the context
and is the together.ai tarball; the Python requirements hold `requests`; and, given the installed tarball's
collections path, `ansible-builder introspect` finds the collection's own requirements (requests, bindep).
Exit 1 with one line per problem.
"""

import json
import os
import re
import subprocess
import sys
import tarfile

import yaml


def check(context, installed=None):
    found = []
    containerfile = next((os.path.join(context, name) for name in ("Containerfile", "Dockerfile")
                          if os.path.exists(os.path.join(context, name))), None)
    if not containerfile:
        return ["no Containerfile or Dockerfile in %s" % context]
    with open(containerfile) as handle:
        text = handle.read()
    if not re.search(r'ANSIBLE_INSTALL_REFS="[^"]*ansible-core==\d', text):
        found.append("the Containerfile does not install a pinned ansible-core")
    if "COPY _build /build" not in text or "collection install" not in text:
        found.append("the Containerfile does not copy _build to /build and install the galaxy requirements")
    with open(os.path.join(context, "_build", "requirements.yml")) as handle:
        collections = (yaml.safe_load(handle) or {}).get("collections") or []
    tarballs = [entry["name"] for entry in collections if isinstance(entry, dict) and entry.get("type") == "file"]
    if not tarballs:
        found.append("the galaxy requirements name no collection file: %r" % collections)
    for name in tarballs:
        # COPY _build /build: /build/<x> in the image is _build/<x> in the context.
        local = os.path.join(context, "_build", os.path.relpath(name, "/build")) if name.startswith("/build/") \
            else os.path.join(context, "_build", name)
        if not os.path.isfile(local):
            found.append("the galaxy requirements name %s, which is not in the context (%s)" % (name, local))
            continue
        with tarfile.open(local) as tar:
            info = json.load(tar.extractfile("MANIFEST.json"))["collection_info"]
            names = tar.getnames()
        if (info["namespace"], info["name"]) != ("together", "ai"):
            found.append("%s is %s.%s, not together.ai" % (name, info["namespace"], info["name"]))
        for needed in ("meta/execution-environment.yml", "requirements.txt", "plugins/modules/together_endpoint_info.py"):
            if needed not in names and "./" + needed not in names:
                found.append("%s lacks %s" % (name, needed))
    requirements = os.path.join(context, "_build", "requirements.txt")
    if not os.path.exists(requirements):
        found.append("no Python requirements in the context")
    else:
        with open(requirements) as handle:
            if not any(re.match(r"requests\b", line.strip()) for line in handle):
                found.append("the context's Python requirements do not name requests")
    if installed:
        out = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-builder"), "introspect",
                              "--sanitize", installed], capture_output=True, text=True, check=False)
        if out.returncode or "requests" not in out.stdout or "from collection together.ai" not in out.stdout:
            found.append("ansible-builder introspect %s does not find together.ai's requests: %s"
                         % (installed, (out.stdout + out.stderr).strip()))
    return found


def main(argv):
    found = check(*argv)
    for problem in found:
        print("check_ee_context: %s" % problem)
    if not found:
        print("   execution environment context %s: the together.ai tarball, ansible-core pinned, requests" % argv[0])
    return 1 if found else 0


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: check_ee_context.py CONTEXT [INSTALLED_COLLECTIONS]")
    sys.exit(main(sys.argv[1:]))
