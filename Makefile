# mosaic.platform: the two commands users need are `make dev` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ROOT       := $(abspath .)
VENV       ?= $(ROOT)/.venv
PY         := $(VENV)/bin/python
BIN        := $(VENV)/bin
TOOLS_DIR  ?= $(ROOT)/.tools
STACK_DIR  ?= $(ROOT)/.stack
PYTHON     ?= python3
INVENTORY  ?= inventories/local
COLLECTION_LINK := $(ROOT)/.collections/ansible_collections/mosaic/platform
# Upstream CRDs (make crds): every add-on's under MOSAIC_CRDS_DIR, ArgoCD's for the local bootstrap in
# MOSAIC_ARGOCD_CRDS_DIR. Point MOSAIC_CRDS_DIR at an offline copy to verify it instead of downloading.
MOSAIC_CRDS_DIR ?= $(ROOT)/.cache/crds
MOSAIC_ARGOCD_CRDS_DIR ?= $(MOSAIC_CRDS_DIR)/argo-cd
# Ansible's strategy for converge: linear (ansible-core's default) or mitogen (scripts/mitogen.sh, opt-in).
STRATEGY ?= linear
STRATEGY_RUN = $(if $(filter mitogen,$(STRATEGY)),scripts/mitogen.sh,$(if $(filter linear,$(STRATEGY)),,$(error STRATEGY must be linear or mitogen, not $(STRATEGY))))

export PATH := $(TOOLS_DIR)/bin:$(BIN):$(PATH)
export ANSIBLE_CONFIG := $(ROOT)/ansible.cfg
export TOOLS_DIR STACK_DIR VENV MOSAIC_CRDS_DIR MOSAIC_ARGOCD_CRDS_DIR
# Local stack only: moto's dummy credentials and endpoint, the local kubeconfig. The profile is
# unset, not emptied: botocore looks up an empty AWS_PROFILE as a profile named "".
LOCAL_ENV = env -u AWS_PROFILE -u AWS_DEFAULT_PROFILE -u AWS_SESSION_TOKEN \
            AWS_ENDPOINT_URL=http://127.0.0.1:$${MOSAIC_MOTO_PORT:-5005} AWS_ACCESS_KEY_ID=testing \
            AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=eu-west-1 \
            KUBECONFIG=$(STACK_DIR)/kubeconfig

.PHONY: help dev venv collection tools crds up down status converge fixtures render lint sanity unit integration test bench deploy-policy clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

dev: venv tools crds up converge ## Set up everything and converge the local inventory

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.installed collection ## Python virtualenv with ansible, moto, molecule and the linters

collection: ## Make the repository importable as ansible_collections/mosaic/platform
	@mkdir -p $(dir $(COLLECTION_LINK))
	@ln -sfn $(ROOT) $(COLLECTION_LINK)

tools: ## Build the pinned helm, helmfile, kubectl, kube-apiserver and etcd (cached)
	scripts/tools.sh

crds: venv ## Download the pinned upstream CRDs into MOSAIC_CRDS_DIR (.cache/crds), verify their sha256
	$(PY) scripts/crds.py

up: venv tools ## Start moto, etcd, kube-apiserver and kube-controller-manager on loopback
	scripts/stack.sh up

down: ## Stop the local stack (only the processes it started) and wipe its state
	scripts/stack.sh down

status: ## Show the local stack
	scripts/stack.sh status

converge: collection ## Converge site.yml against $(INVENTORY) (STRATEGY=mitogen: the mitogen strategy)
	$(LOCAL_ENV) $(STRATEGY_RUN) $(BIN)/ansible-playbook site.yml -i $(INVENTORY)

fixtures: venv collection ## Regenerate tests/fixtures/outputs from the example inventories on moto, then re-render their trees
	scripts/fixtures.sh

render: venv collection ## Re-render the committed example trees from tests/fixtures/outputs
	$(PY) scripts/render_examples.py

lint: venv tools ## pre-commit's hooks on every file (yamllint, ruff, ansible-lint, actionlint, detect-secrets), HEAD's commit message
	$(BIN)/pre-commit run --all-files --show-diff-on-failure
	mkdir -p $(ROOT)/.cache && git log -1 --format=%B > $(ROOT)/.cache/commit-msg
	$(BIN)/pre-commit run --hook-stage commit-msg --commit-msg-filename $(ROOT)/.cache/commit-msg conventional-commit

sanity: venv ## ansible-test sanity for the plugins
	scripts/sanity.sh

# One pytest worker per core (pytest-xdist): most tests run ansible-playbook or helm in a subprocess.
unit: venv tools crds ## pytest: units, policy tests, gitops validation
	$(BIN)/pytest tests -m "not stack" -n auto

# Two streams on two local stacks; site.yml end to end under both strategies, linear and mitogen.
integration: venv tools crds ## Molecule scenarios against two local stacks (starts and stops them)
	scripts/integration.sh

test: lint sanity unit integration ## Everything CI runs

bench: venv tools ## Cold converge, no-op re-run and AWS API calls, as a table
	scripts/with-stack.sh scripts/bench.sh
	$(PY) scripts/bench_render.py --sizes 1,10,50

deploy-policy: venv tools collection ## Record a cold converge's AWS calls and regenerate the deploy role's policy
	scripts/with-stack.sh scripts/deploy_policy.sh

clean: down ## Remove the virtualenv, tool builds and stack state
	rm -rf $(VENV) $(TOOLS_DIR) $(STACK_DIR) .collections .outputs
