# Every command sets itself up: a fresh machine needs only Python 3.11 (or newer) and make.
#   make demo   the deployment gate against the bundled simulator (or the real API, see README)
#   make test   every test layer on the main leg, then sanity, units and integration on the other legs
#   make docs   the HTML docs site (antsibull-docs and Sphinx) under $(BUILD_DIR)/docs/html
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
# The source copy: sanity and units run here (and demo, ci-docs, benchmark).
COLLECTIONS := $(BUILD_DIR)/collections
COLL := $(COLLECTIONS)/ansible_collections/together/ai
# The built tarball, installed with ansible-galaxy as users install it: integration and molecule run here.
DIST := $(BUILD_DIR)/dist
INSTALLED := $(BUILD_DIR)/installed
INSTALLED_COLL := $(INSTALLED)/ansible_collections/together/ai

# The version matrix (scripts/matrix.py): the main leg is the newest ansible-core $(PYTHON) allows and gets
# every layer in .venv; `make test` then runs sanity, units and integration on every other leg whose Python
# it finds, each in .venv-<leg>. LEG=<leg> picks one leg for any layer: make test LEG=2.21, make units LEG=2.20.
MAIN_LEG := $(shell $(PYTHON) scripts/matrix.py primary)
LEG ?= $(MAIN_LEG)
ifeq ($(filter $(LEG),2.19 2.20 2.21),)
$(error LEG=$(LEG) is not a leg of the matrix: 2.19 (Python 3.11), 2.20 (Python 3.12), 2.21 (Python 3.13))
endif
LEG_PYTHON := $(shell $(PYTHON) scripts/matrix.py version $(LEG))
ifeq ($(LEG),$(MAIN_LEG))
LEG_VENV := $(VENV)
LEG_STAMP := $(BIN)/.installed
else
LEG_VENV := $(ROOT)/.venv-$(LEG)
LEG_STAMP := $(LEG_VENV)/.installed
endif
LEG_BIN := $(LEG_VENV)/bin
# Docs site and execution environment tools, kept out of .venv (antsibull-docs and Sphinx pin their own).
RELEASE_VENV := $(ROOT)/.venv-release
RELEASE_BIN := $(RELEASE_VENV)/bin

export PATH := $(LEG_BIN):$(BIN):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_LOCALHOST_WARNING := False
export ANSIBLE_INVENTORY_UNPARSED_WARNING := False
export ANSIBLE_FORCE_COLOR := 0
export PY_COLORS := 0
export NO_COLOR := 1
# pip compiles bytecode at install time whatever PYTHONDONTWRITEBYTECODE says; say so explicitly anyway.
PIP_INSTALL = python -m pip install --quiet --compile --disable-pip-version-check

.PHONY: help venv leg-venv release-venv collection tarball sanity units release-tests simulator-tests model contract stress integration molecule eda runner lint \
        changelog-lint test leg-test matrix docs-lint docs ee demo ci-docs benchmark benchmark-smoke simulator clean

help:
	@echo "make demo        run the endpoint gate against the bundled simulator (or the real API)"
	@echo "make test        every layer on ansible-core $(MAIN_LEG), then sanity/units/integration on the other legs found"
	@echo "make test LEG=2.21   one leg of the matrix (2.19, 2.20, 2.21); LEG= works for sanity, units, integration too"
	@echo "make docs        build the HTML docs site under $(BUILD_DIR)/docs/html"
	@echo "make ee          the execution environment's build context (ansible-builder create)"
	@echo "make simulator   start the Together Endpoints API simulator in the foreground"
	@echo "make benchmark   compare together_endpoint_info with ansible.builtin.uri"

# The main leg's venv: every tool. ansible-core's pin comes from the leg's file.
$(BIN)/.installed: requirements-dev.txt requirements/ansible-core-$(MAIN_LEG).txt
	@echo "== setting up $(VENV) (pinned toolchain, ansible-core $(MAIN_LEG))"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/$(PIP_INSTALL) --upgrade 'pip>=24' >/dev/null
	@$(BIN)/$(PIP_INSTALL) -r requirements-dev.txt -r requirements/ansible-core-$(MAIN_LEG).txt
	@touch $@

venv: $(BIN)/.installed

ifneq ($(LEG),$(MAIN_LEG))
# Another leg's venv: what sanity, units and integration need, on that leg's Python.
$(LEG_STAMP): requirements/leg.txt requirements/ansible-core-$(LEG).txt
	@echo "== setting up $(LEG_VENV) (ansible-core $(LEG), Python $(LEG_PYTHON))"
	@test -x $(LEG_BIN)/python || "$$($(PYTHON) scripts/matrix.py python $(LEG))" -m venv $(LEG_VENV)
	@$(LEG_BIN)/$(PIP_INSTALL) --upgrade 'pip>=24' >/dev/null
	@$(LEG_BIN)/$(PIP_INSTALL) -r requirements/leg.txt -r requirements/ansible-core-$(LEG).txt
	@touch $@
endif

leg-venv: venv $(LEG_STAMP)

$(RELEASE_BIN)/.installed: requirements/release.txt
	@echo "== setting up $(RELEASE_VENV) (docs site and execution environment tools)"
	@test -x $(RELEASE_BIN)/python || $(PYTHON) -m venv $(RELEASE_VENV)
	@$(RELEASE_BIN)/$(PIP_INSTALL) --upgrade 'pip>=24' >/dev/null
	@$(RELEASE_BIN)/$(PIP_INSTALL) -r requirements/release.txt
	@touch $@

release-venv: $(RELEASE_BIN)/.installed

# Event-Driven Ansible's tools in their own venv (.venv-eda): ansible-rulebook pins its own dependencies.
EDA_VENV := $(ROOT)/.venv-eda
EDA_BIN := $(EDA_VENV)/bin

$(EDA_BIN)/.installed: requirements/eda.txt
	@echo "== setting up $(EDA_VENV) (ansible-rulebook)"
	@test -x $(EDA_BIN)/python || $(PYTHON) -m venv $(EDA_VENV)
	@$(EDA_BIN)/$(PIP_INSTALL) --upgrade 'pip>=24' >/dev/null
	@$(EDA_BIN)/$(PIP_INSTALL) -r requirements/eda.txt
	@touch $@

# A fresh copy of the tree less .git and the .gitignore'd paths: what a clean clone would hold. No git
# needed, so an exported tree or a release tarball builds too.
collection: leg-venv
	@rm -rf $(COLL) && mkdir -p $(COLL)
	@$(BIN)/python scripts/copy_tree.py $(ROOT) $(COLL)
	@# ansible-test lists a collection's files through the nearest enclosing git repository: when the copy sits
	@# inside one (the default .build of a checkout, where .build is ignored), give the copy a repository of its own.
	@if command -v git >/dev/null && git -C $(COLL) rev-parse --git-dir >/dev/null 2>&1; then git -C $(COLL) init -q; fi
	@$(LEG_BIN)/python scripts/ansible_test_offline_pip.py

# What users install: ansible-galaxy builds the tarball from a clean copy, scripts/check_tarball.py checks it
# holds the collection and no development files, and ansible-galaxy installs it into a clean collections path.
tarball: leg-venv
	@echo "== ansible-galaxy collection build / install (ansible-core $(LEG))"
	@rm -rf $(BUILD_DIR)/tarball-src $(DIST) $(INSTALLED) && mkdir -p $(DIST)
	@$(BIN)/python scripts/copy_tree.py $(ROOT) $(BUILD_DIR)/tarball-src
	@$(LEG_BIN)/ansible-galaxy collection build $(BUILD_DIR)/tarball-src --output-path $(DIST) >/dev/null
	@rm -rf $(BUILD_DIR)/tarball-src
	@$(LEG_BIN)/python scripts/check_tarball.py $(DIST)/together-ai-*.tar.gz
	@$(LEG_BIN)/ansible-galaxy collection install --offline --force -p $(INSTALLED) $(DIST)/together-ai-*.tar.gz \
	  > $(BUILD_DIR)/galaxy-install.log 2>&1 || { cat $(BUILD_DIR)/galaxy-install.log; exit 1; }
	@test -f $(INSTALLED_COLL)/MANIFEST.json \
	  || { cat $(BUILD_DIR)/galaxy-install.log; echo "ansible-galaxy did not install the tarball in $(INSTALLED_COLL)"; exit 1; }
	@if command -v git >/dev/null && git -C $(INSTALLED_COLL) rev-parse --git-dir >/dev/null 2>&1; then git -C $(INSTALLED_COLL) init -q; fi
	@$(LEG_BIN)/python scripts/ansible_test_offline_pip.py

sanity: collection
	@echo "== ansible-test sanity (ansible-core $(LEG), Python $(LEG_PYTHON))"
	cd $(COLL) && ansible-test sanity --python $(LEG_PYTHON) --local --color no

units: collection
	@echo "== unit tests (ansible-test units, ansible-core $(LEG), Python $(LEG_PYTHON))"
	cd $(COLL) && ansible-test units --python $(LEG_PYTHON) --local --color no

# The release tooling's own tests (matrix interpreter search, tarball, docs site and EE checks).
release-tests: venv
	@echo "== release tooling tests"
	$(BIN)/python -m pytest -q -p no:cacheprovider scripts/tests

simulator-tests: venv
	@echo "== simulator conformance tests"
	$(BIN)/python -m pytest -q -p no:cacheprovider simulator/tests

# The model-based test of together_endpoint (tests/model): hypothesis drives declared states and disturbances against
# the simulator, in the collection copy (the module and its action plugin run in-process, as ansible_collections.together.ai).
# make model: a short derandomized run; make stress: MODEL_EXAMPLES (default 200) and MODEL_STEPS (default 40), randomized.
MODEL_PYTEST = $(BIN)/python -m pytest -q -p no:cacheprovider tests/model
model: collection
	@echo "== model-based test of together_endpoint (short run)"
	cd $(COLL) && PYTHONPATH=$(COLLECTIONS) $(MODEL_PYTEST)

# The contract tests (tests/contract, docs/contract.md): every request the collection sends, recorded on a loopback proxy in
# front of the simulator, against the request Together's own SDK or CLI (together 3.1.1 and 1.6.0) sends for the same
# operation. The reference venvs are the simulator tests' (.build/simulator-reference in this checkout, built here when
# missing), so they outlive the collection copy.
contract: collection
	@echo "== contract tests: the collection's requests against Together's SDK and CLI"
	cd $(COLL) && PYTHONPATH=$(COLLECTIONS) TOGETHER_REFERENCE_BUILD_DIR=$(ROOT)/.build/simulator-reference \
	  $(BIN)/python -m pytest -q -p no:cacheprovider tests/contract

stress: collection
	@echo "== model-based test of together_endpoint (stress: $${MODEL_EXAMPLES:-200} examples of $${MODEL_STEPS:-40} steps)"
	cd $(COLL) && PYTHONPATH=$(COLLECTIONS) MODEL_EXAMPLES=$${MODEL_EXAMPLES:-200} MODEL_STEPS=$${MODEL_STEPS:-40} $(MODEL_PYTEST)

integration: tarball
	@echo "== integration tests (ansible-test integration in the installed tarball, ansible-core $(LEG), Python $(LEG_PYTHON))"
	cd $(INSTALLED_COLL) && printf 'together_collection_root: %s\n' "$(INSTALLED_COLL)" > tests/integration/integration_config.yml \
	  && ANSIBLE_COLLECTIONS_PATH=$(INSTALLED) ansible-test integration --python $(LEG_PYTHON) --local --color no $(INTEGRATION_TARGETS)

molecule: tarball
	@echo "== molecule scenarios (in the installed tarball)"
	@# Molecule keeps each scenario's state under $$ANSIBLE_HOME/tmp/molecule.<hash of "extensions">.<scenario>: the
	@# same folder for every checkout and BUILD_DIR, so give each build its own, or two runs side by side clash.
	cd $(INSTALLED_COLL)/extensions && ANSIBLE_COLLECTIONS_PATH=$(INSTALLED) ANSIBLE_HOME=$(BUILD_DIR)/ansible-home \
	  molecule test $(MOLECULE_ARGS)

# The gate and the lifecycle playbook as an AWX job runs them (tests/runner, docs/gate.md "AWX and ansible-runner"):
# ansible-runner's Python API without process isolation, each job in a private_data_dir laid out as AWX lays it out,
# with the collection installed from the tarball, against the simulator: status and rc, streamed progress events,
# set_stats in artifact_data, and the key in no artifact but the `command` file ansible-runner writes.
runner: tarball
	@echo "== ansible-runner: the gate and the lifecycle playbook as AWX jobs (in the installed tarball)"
	cd $(INSTALLED_COLL) && PYTHONDONTWRITEBYTECODE=1 ANSIBLE_COLLECTIONS_PATH=$(INSTALLED) \
	  $(BIN)/python -m pytest -q -p no:cacheprovider tests/runner

lint: collection
	@echo "== ansible-lint (production profile) and changelog lint"
	cd $(COLL) && ansible-lint --offline && antsibull-changelog lint

# Plugin docs (schemas, markup, references) as antsibull-docs reads them for the docs site.
docs-lint: collection release-venv
	@echo "== antsibull-docs lint-collection-docs"
	cd $(COLL) && PATH=$(RELEASE_BIN):$$PATH antsibull-docs lint-collection-docs --plugin-docs --skip-rstcheck \
	  --validate-collection-refs=all --disallow-unknown-collection-refs .

# The HTML site: antsibull-docs sphinx-init + collection (a page per module, role, filter), the guides in
# docs/*.md, Sphinx; then scripts/check_docs_site.py checks the pages.
docs: tarball release-venv
	@echo "== docs site (antsibull-docs, Sphinx) of the installed tarball into $(BUILD_DIR)/docs/html"
	@PATH=$(RELEASE_BIN):$$PATH $(RELEASE_BIN)/python scripts/build_docs.py $(INSTALLED) $(BUILD_DIR)/docs
	@$(RELEASE_BIN)/python scripts/check_docs_site.py $(BUILD_DIR)/docs/html

# The execution environment's build context (no container engine needed), checked to hold the tarball and requests.
ee: tarball release-venv
	@echo "== execution environment: ansible-builder create"
	@rm -rf $(BUILD_DIR)/ee && mkdir -p $(BUILD_DIR)/ee/dist
	@cp execution-environment.yml requirements.txt bindep.txt $(BUILD_DIR)/ee/
	@cp $(DIST)/together-ai-*.tar.gz $(BUILD_DIR)/ee/dist/together-ai.tar.gz
	@cd $(BUILD_DIR)/ee && $(RELEASE_BIN)/ansible-builder create --file execution-environment.yml --context context -v 1 >/dev/null
	@$(RELEASE_BIN)/python scripts/check_ee_context.py $(BUILD_DIR)/ee/context $(INSTALLED)

# The event source together.ai.endpoint_events (extensions/eda), in the installed tarball: unit tests of its diffing,
# its main() against the simulator, ansible-rulebook running it from ANSIBLE_COLLECTIONS_PATH (a deployment forced
# FAILED, an endpoint unrouted, a quiet period); then the decision environment's build context (ansible-builder).
# ansible-rulebook needs Java 17 or newer (java on PATH or JAVA_HOME).
eda: tarball release-venv $(EDA_BIN)/.installed
	@echo "== Event-Driven Ansible: together.ai.endpoint_events under ansible-rulebook (tests/eda, installed tarball)"
	@test -n "$${JAVA_HOME:-}" || command -v java >/dev/null \
	  || { echo "ansible-rulebook needs Java 17 or newer: install one (apt-get install openjdk-17-jre-headless) or set JAVA_HOME"; exit 1; }
	cd $(INSTALLED_COLL)/tests/eda && ANSIBLE_COLLECTIONS_PATH=$(INSTALLED) PYTHONPATH=$(INSTALLED):. \
	  ANSIBLE_HOME=$(BUILD_DIR)/ansible-home $(EDA_BIN)/python -m pytest -p no:cacheprovider -q -rs .
	@echo "== decision environment: ansible-builder create"
	@rm -rf $(BUILD_DIR)/de && mkdir -p $(BUILD_DIR)/de/dist
	@cp extensions/eda/decision-environment.yml $(BUILD_DIR)/de/
	@cp $(DIST)/together-ai-*.tar.gz $(BUILD_DIR)/de/dist/together-ai.tar.gz
	@cd $(BUILD_DIR)/de && $(RELEASE_BIN)/ansible-builder create --file decision-environment.yml --context context -v 1 >/dev/null
	@$(RELEASE_BIN)/python scripts/check_ee_context.py $(BUILD_DIR)/de/context $(INSTALLED)
	@grep -q '^ansible-rulebook==' $(BUILD_DIR)/de/context/_build/requirements.txt \
	  || { echo "the decision environment's context does not install ansible-rulebook"; exit 1; }
	@grep -q '^java-' $(BUILD_DIR)/de/context/_build/bindep.txt \
	  || { echo "the decision environment's context does not install Java"; exit 1; }

# make test: the main leg gets every layer, then the other legs (make matrix) unless LEG was given.
# make test LEG=<another leg>: sanity, units and integration on that leg only.
ifeq ($(LEG),$(MAIN_LEG))
MAIN_LAYERS := lint docs-lint release-tests sanity units simulator-tests model contract integration molecule eda runner ci-docs benchmark-smoke ee docs
ifeq ($(origin LEG),file)
test: $(MAIN_LAYERS) matrix
else
test: $(MAIN_LAYERS)
endif
	@echo "== make test: all layers passed (ansible-core $(LEG), Python $(LEG_PYTHON))"
leg-test: test
else
test leg-test: sanity units integration
	@echo "== leg $(LEG) (ansible-core $(LEG), Python $(LEG_PYTHON)): sanity, units, integration passed"
endif

# Every leg other than the main one whose Python is on this machine; says which ran and which were skipped.
matrix:
	@MATRIX_MAKE_ARGS="BUILD_DIR=$(BUILD_DIR) PYTHON=$(PYTHON) VENV=$(VENV)" $(PYTHON) scripts/matrix.py run $(MATRIX_LEGS)

demo: collection
	@$(BIN)/python scripts/demo.py

# The CI workflows of docs/gate.md, run from a fresh working directory against the simulator.
ci-docs: collection
	@echo "== the CI workflows of docs/gate.md"
	@$(BIN)/python scripts/check_ci_docs.py

simulator: venv
	$(BIN)/python simulator/run.py --port 8080

# Figures into $(BUILD_DIR): benchmark.md, .json, .svg (docs/benchmark.md). BENCHMARK_ARGS=--help lists the options.
# Then the requests of together_endpoint's no-op rerun over 20 declared endpoints (benchmarks/manage_noop.py).
benchmark: collection
	@$(BIN)/python scripts/benchmark.py --output-dir $(BUILD_DIR) $(BENCHMARK_ARGS)
	@$(BIN)/python benchmarks/manage_noop.py --collections $(COLLECTIONS) --json $(BUILD_DIR)/manage_noop.json

# The same, one repetition of small sizes: it must run and write the table, JSON and chart, not meet a time.
benchmark-smoke: collection
	@echo "== benchmark smoke run"
	@$(BIN)/python scripts/benchmark.py --smoke --output-dir $(BUILD_DIR)/benchmark-smoke
	@$(BIN)/python benchmarks/manage_noop.py --collections $(COLLECTIONS) --count 3 --only loop,tasks \
	    --json $(BUILD_DIR)/benchmark-smoke/manage_noop.json

clean:
	rm -rf .build tests/output
