# Every command sets itself up: a fresh machine needs only Python 3.11 and make.
#   make demo   the deployment gate against the bundled simulator (or the real API, see README)
#   make test   every test layer: sanity, units, simulator, integration, molecule, lint
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
ROOT := $(CURDIR)
VENV := $(ROOT)/.venv
BIN := $(VENV)/bin
# ansible-test insists on running inside a real .../ansible_collections/<namespace>/<name> directory.
# BUILD_DIR lets several checkouts or people test side by side without sharing the copy.
BUILD_DIR ?= $(ROOT)/.build
# Narrow the slow layers when asked (.ci/run does, for its second pass): empty runs every target / scenario.
INTEGRATION_TARGETS ?=
MOLECULE_ARGS ?= --all
COLLECTIONS := $(BUILD_DIR)/collections
COLL := $(COLLECTIONS)/ansible_collections/together/ai
export PATH := $(BIN):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_LOCALHOST_WARNING := False
export ANSIBLE_INVENTORY_UNPARSED_WARNING := False
export ANSIBLE_FORCE_COLOR := 0
export PY_COLORS := 0
export NO_COLOR := 1

.PHONY: help venv collection sanity units simulator-tests integration molecule lint changelog-lint test demo ci-docs benchmark simulator clean

help:
	@echo "make demo        run the endpoint gate against the bundled simulator (or the real API)"
	@echo "make test        run every test layer (sanity, units, simulator, integration, molecule, lint)"
	@echo "make simulator   start the Together Endpoints API simulator in the foreground"
	@echo "make benchmark   compare together_endpoint_info with ansible.builtin.uri"

$(BIN)/.installed: requirements-dev.txt
	@echo "== setting up $(VENV) (pinned toolchain)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade 'pip>=24' >/dev/null
	@$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

venv: $(BIN)/.installed

# A fresh copy of the tree less .git and the .gitignore'd paths: what a clean clone would hold. No git
# needed, so an exported tree or a release tarball builds too.
collection: venv
	@rm -rf $(COLL) && mkdir -p $(COLL)
	@$(BIN)/python scripts/copy_tree.py $(ROOT) $(COLL)
	@# ansible-test lists a collection's files through the nearest enclosing git repository: when the copy sits
	@# inside one (the default .build of a checkout, where .build is ignored), give the copy a repository of its own.
	@if command -v git >/dev/null && git -C $(COLL) rev-parse --git-dir >/dev/null 2>&1; then git -C $(COLL) init -q; fi
	@$(BIN)/python scripts/ansible_test_offline_pip.py

sanity: collection
	@echo "== ansible-test sanity"
	cd $(COLL) && ansible-test sanity --python 3.11 --local --color no

units: collection
	@echo "== unit tests (ansible-test units)"
	cd $(COLL) && ansible-test units --python 3.11 --local --color no

simulator-tests: venv
	@echo "== simulator conformance tests"
	$(BIN)/python -m pytest -q -p no:cacheprovider simulator/tests

integration: collection
	@echo "== integration tests (ansible-test integration against the simulator)"
	cd $(COLL) && printf 'together_collection_root: %s\n' "$(COLL)" > tests/integration/integration_config.yml \
	  && ansible-test integration --python 3.11 --local --color no $(INTEGRATION_TARGETS)

molecule: collection
	@echo "== molecule scenarios"
	cd $(COLL)/extensions && molecule test $(MOLECULE_ARGS)

lint: collection
	@echo "== ansible-lint (production profile) and changelog lint"
	cd $(COLL) && ansible-lint --offline && antsibull-changelog lint

test: lint sanity units simulator-tests integration molecule ci-docs
	@echo "== make test: all layers passed"

demo: collection
	@$(BIN)/python scripts/demo.py

# The CI workflows of docs/gate.md, run from a fresh working directory against the simulator.
ci-docs: collection
	@echo "== the CI workflows of docs/gate.md"
	@$(BIN)/python scripts/check_ci_docs.py

simulator: venv
	$(BIN)/python simulator/run.py --port 8080

benchmark: collection
	@$(BIN)/python scripts/benchmark.py $(BENCHMARK_ARGS)

clean:
	rm -rf .build tests/output
