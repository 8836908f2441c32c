# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The layers of the house, read from the source (ast): every URL is built in the API layer it belongs to, the
HTTP libraries are the transport's, and modules reach the API only through TogetherModule and their own job."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import glob
import os
import re

import pytest

PLUGINS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))),
                       "plugins")
PREFIX = "ansible_collections.together.ai.plugins."

# The API layers, one per API: v1, v2 (and the project), inference, the hardware catalog. Only they build URLs.
API_LAYERS = ("module_utils/_endpoints_v1.py", "module_utils/_endpoints_v2.py", "module_utils/_inference.py",
              "module_utils/_hardware.py")
# The client joins a redirect's Location to the URL it was sent to: the only URL it makes.
URL_JOINERS = ("module_utils/_client.py",)
HTTP_LIBRARIES = ("requests", "urllib3", "http", "httpx", "socket")
# A URL template ("%s/endpoints/%s") or a path of the API ("/v2/supported-models", "/chat/completions").
URL_PIECE = re.compile(r"^(%s/[A-Za-z]|/v\d+/|/(chat|endpoints|deployments|hardware|models|projects|whoami)\b)")
# What a module must not import: the client and the endpoint APIs come from TogetherModule (module_utils/_module.py).
NOT_FOR_MODULES = ("module_utils._transport", "module_utils._client", "module_utils._connection",
                   "module_utils._endpoints_v1", "module_utils._endpoints_v2")


def sources(*patterns):
    found = []
    for pattern in patterns:
        found.extend(sorted(glob.glob(os.path.join(PLUGINS, pattern))))
    return [(os.path.relpath(path, PLUGINS).replace(os.sep, "/"), ast.parse(open(path).read(), path))
            for path in found]


def imports(tree):
    """Every module a file imports, as module_utils._client, plugin_utils._task_cache, requests.adapters..."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            module = node.module
            if module in (PREFIX + "module_utils", PREFIX + "plugin_utils"):
                names.update("%s.%s" % (module, alias.name) for alias in node.names)
            else:
                names.add(module)
    return set(name[len(PREFIX):] if name.startswith(PREFIX) else name for name in names)


def url_pieces(tree):
    """(line, what) of each URL made in a file: URL templates and API paths, f-strings joining a path, urljoin."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and URL_PIECE.match(node.value):
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr) and any(
                isinstance(part, ast.Constant) and str(part.value).startswith("/") for part in node.values[1:]):
            found.append((node.lineno, "f-string path"))
        elif isinstance(node, ast.Name) and node.id in ("urljoin", "urlunsplit", "urlunparse"):
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and any(
                isinstance(side, ast.Name) and side.id.isupper() and side.id.endswith("_PATH")
                for side in (node.left, node.right)):
            # A base URL and a path constant of an API ("... + CHAT_COMPLETIONS_PATH"): a URL made here.
            found.append((node.lineno, "+ _PATH"))
    return found


def requests_sent(tree):
    """(line, call) of each request a file sends itself: a .request() or .get() call on a client."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("request", "get"):
            target = node.func.value
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if "client" in name:
                found.append((node.lineno, "%s.%s" % (name, node.func.attr)))
    return found


ALL = sources("modules/*.py", "module_utils/*.py", "plugin_utils/*.py", "action/*.py", "filter/*.py",
              "doc_fragments/*.py")
MODULES = sources("modules/*.py")


def test_the_files_are_found():
    names = [name for name, _tree in ALL]
    assert "module_utils/_client.py" in names and "modules/together_endpoint.py" in names


@pytest.mark.parametrize("name, tree", ALL, ids=[name for name, _tree in ALL])
def test_no_url_is_built_outside_the_api_layers(name, tree):
    if name in API_LAYERS:
        return
    allowed = ("urljoin",) if name in URL_JOINERS else ()
    assert [piece for piece in url_pieces(tree) if piece[1] not in allowed] == []


@pytest.mark.parametrize("name, tree", ALL, ids=[name for name, _tree in ALL])
def test_every_request_is_sent_by_the_api_layer_it_belongs_to(name, tree):
    if name in API_LAYERS:
        return
    assert requests_sent(tree) == []


@pytest.mark.parametrize("name, tree", ALL, ids=[name for name, _tree in ALL])
def test_only_the_transport_imports_http_libraries(name, tree):
    if name == "module_utils/_transport.py":
        return
    assert [module for module in imports(tree) if module.split(".")[0] in HTTP_LIBRARIES] == []


@pytest.mark.parametrize("name, tree", ALL, ids=[name for name, _tree in ALL])
def test_only_the_client_and_the_connection_reach_the_transport(name, tree):
    if name in ("module_utils/_client.py", "module_utils/_connection.py"):
        return
    assert "module_utils._transport" not in imports(tree)


@pytest.mark.parametrize("name, tree", MODULES, ids=[name for name, _tree in MODULES])
def test_modules_import_module_utils_only_and_reach_the_api_through_together_module(name, tree):
    ours = [module for module in imports(tree) if not module.startswith(("ansible.", "__future__"))]
    assert [module for module in ours if not module.startswith("module_utils.")] == []
    assert [module for module in ours if module in NOT_FOR_MODULES] == []
