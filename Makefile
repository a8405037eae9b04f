# Newswire — the Makefile is the contract: `make help` lists the targets.

SHELL := /usr/bin/env bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO         ?= go
BIN        := $(CURDIR)/bin
TOOLS      := $(CURDIR)/.cache/tools
# Every module of the workspace; `go test ./...` at the root would skip them.
MODULES    := $(shell $(GO) list -m -f '{{.Dir}}' 2>/dev/null)
SERVICES   := fetcher extractor publisher console
TEST_FLAGS ?= -race -count=1 -timeout 12m
BENCH_OUT  := $(CURDIR)/.cache/bench
# The shared corpora and data, beside the checkout.
SHARED     ?= $(abspath $(CURDIR)/../shared)
GOLANGCI_LINT_VERSION := v2.15.0
BENCHSTAT_VERSION     := v0.0.0-20260908200009-22c9c6c9d4da
GOVULNCHECK_VERSION   := v1.9.0
# The vulnerability database, built from the OSV entries this module ships
# (vuln.go.dev is out of reach; the module proxy is not). Bump to learn of
# newer vulnerabilities.
VULNDB_MODULE         := golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018

# The Go toolchain the project builds with: the newest patch of 1.26, with
# the standard library's security fixes. The go command fetches it from the
# module proxy once.
export GOTOOLCHAIN := go1.26.11+auto
export GOFLAGS ?= -buildvcs=false

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sort | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

.PHONY: build
build: ## Build bin/fetcher, bin/extractor, bin/publisher, bin/console, bin/newswire (the CLI) and the tools
	@mkdir -p $(BIN)
	@for s in $(SERVICES); do (cd services/$$s && $(GO) build -trimpath -o $(BIN)/$$s .); done
	@cd cli && $(GO) build -trimpath -o $(BIN)/newswire .
	@cd devstack && $(GO) build -trimpath -o $(BIN)/devstack .
	@echo "built: $$(ls $(BIN) | tr '\n' ' ')"

.PHONY: services
services: ## Start what the tests need (Redis, kcat, Chromium) when it is missing
	@scripts/ensure-services.sh

.PHONY: test
test: services build ## Run every module's tests with the race detector, then each fuzz test briefly
	@for m in $(MODULES); do \
		echo "== test $${m#$(CURDIR)/}"; \
		(cd $$m && NEWSWIRE_BIN=$(BIN) $(GO) test $(TEST_FLAGS) ./...) || exit 1; \
	done
	@FUZZTIME=$${FUZZTIME:-3s} scripts/fuzz.sh

.PHONY: fuzz
fuzz: ## Run every fuzz test for FUZZTIME each (default 1m)
	@FUZZTIME=$${FUZZTIME:-1m} scripts/fuzz.sh

.PHONY: eval
eval: ## Score quotation and entity extraction on the shared corpora (PolNeAR, NEREL, seed, own gold sets)
	@cd services/extractor && $(GO) run ./cmd/evalquotes
	@cd services/extractor && $(GO) run ./cmd/evalentities -nerel $(SHARED)/corpora/nerel -seed ../../fixtures/seed/belta-lavrov-central-asia.gold.json -en testdata/entities-en

.PHONY: vet
vet: ## go vet every module
	@for m in $(MODULES); do (cd $$m && $(GO) vet ./...) || exit 1; done

.PHONY: lint
lint: vet tidy-check vulncheck ## gofmt, go vet, golangci-lint, govulncheck and the tidy check
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "not gofmt-formatted:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	@GOBIN=$(TOOLS) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)
	@for m in $(MODULES); do (cd $$m && $(TOOLS)/golangci-lint run ./...) || exit 1; done

.PHONY: vulncheck
vulncheck: ## govulncheck every module against a pinned local copy of the Go vulnerability database
	@GOBIN=$(TOOLS) $(GO) install golang.org/x/vuln/cmd/govulncheck@$(GOVULNCHECK_VERSION)
	@cd tools && $(GO) run ./vulndb -module $(VULNDB_MODULE) -out $(CURDIR)/.cache/vulndb
	@for m in $(MODULES); do \
		echo "== govulncheck $${m#$(CURDIR)/}"; \
		(cd $$m && $(TOOLS)/govulncheck -db file://$(CURDIR)/.cache/vulndb ./...) || exit 1; \
	done

.PHONY: tidy-check
tidy-check: ## Fail when `go mod tidy` would change a go.mod, or a module does not build alone
	@for m in $(MODULES); do \
		(cd $$m && GOWORK=off $(GO) mod tidy -diff >/dev/null) || { echo "go mod tidy would change $${m#$(CURDIR)/}: run 'make tidy'"; exit 1; }; \
		(cd $$m && GOWORK=off $(GO) vet ./...) || { echo "$${m#$(CURDIR)/} does not build with GOWORK=off"; exit 1; }; \
	done; echo "tidy: every module is tidy and builds on its own"

.PHONY: tidy
tidy: ## Run go mod tidy in every module
	@for m in $(MODULES); do (cd $$m && GOWORK=off $(GO) mod tidy); done

.PHONY: bench
bench: services ## Run every benchmark (5 counts) and summarise with benchstat
	@mkdir -p $(BENCH_OUT)
	@GOBIN=$(TOOLS) $(GO) install golang.org/x/perf/cmd/benchstat@$(BENCHSTAT_VERSION)
	@: > $(BENCH_OUT)/new.txt
	@for m in $(MODULES); do \
		(cd $$m && $(GO) test -run='^$$' -bench=. -benchmem -count=$${BENCH_COUNT:-5} -timeout 60m ./...) | tee -a $(BENCH_OUT)/new.txt; \
	done
	@$(TOOLS)/benchstat $(BENCH_OUT)/new.txt
	@if [ -f $(BENCH_OUT)/old.txt ]; then $(TOOLS)/benchstat $(BENCH_OUT)/old.txt $(BENCH_OUT)/new.txt; fi
	@echo "results in $(BENCH_OUT)/new.txt; copy it to old.txt to compare the next run against it"

.PHONY: run
run: build ## Run the whole pipeline on an embedded broker, watching config/feeds.yaml
	@$(BIN)/devstack run

.PHONY: demo
demo: build ## The same, offline: recorded feeds served from fixtures/feeds
	@$(BIN)/devstack demo

.PHONY: clean
clean: ## Remove built binaries and local run data
	rm -rf $(BIN) .data .cache/bench

IMAGE_REPO ?= ghcr.io/newswire
IMAGE_TAG  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
DOCKER     ?= docker

.PHONY: images
images: ## Build the service images (IMAGE_REPO, IMAGE_TAG; the repo root as context)
	@for s in $(SERVICES); do \
		echo "== image $(IMAGE_REPO)/$$s:$(IMAGE_TAG)"; \
		DOCKER_BUILDKIT=1 $(DOCKER) build -f services/$$s/Dockerfile -t $(IMAGE_REPO)/$$s:$(IMAGE_TAG) . || exit 1; \
	done
