# htsim: build, run, test. Everything the project needs comes from the Go module proxy, but for
# the report's browser test, which needs Debian's chromium (scripts/ensure-chromium.sh installs it),
# and the cross-architecture test, which needs qemu-user-static (scripts/ensure-qemu.sh).
GO        ?= go
BIN       := bin/htsim
REPLICATES ?= 200
OUT       ?= results
PGO       := $(CURDIR)/cmd/htsim/default.pgo
# Portable builds: parquet-go's purego and klauspost/compress's noasm tags make the Parquet
# encoder and the zstd compressor run their Go code, which writes the same bytes on every machine
# and architecture; their amd64 assembly writes equally valid but different bytes. Every go
# command below (build, test, bench, vet) uses them. See README, "Reproducibility".
export GOFLAGS := $(GOFLAGS) -tags=purego,noasm

.PHONY: all build run test test-short duckdb-test bench pgo lint clean

all: build

build:
	$(GO) build -buildvcs=auto -o $(BIN) ./cmd/htsim

## run: the default study: every built-in scenario (baseline, the policies, the amended laws), $(REPLICATES) replicates,
## into $(OUT)/, then true against recorded counts and the paired comparison with baseline, the
## study's hypotheses ($(OUT)/hypotheses.json), and the report ($(OUT)/report/index.html).
run: build
	./$(BIN) run --replicates $(REPLICATES) --out $(OUT) --force --compare $$(./$(BIN) scenarios | cut -d' ' -f1)
	./$(BIN) hypotheses --out $(OUT) --force
	./$(BIN) report $(OUT)
	@echo "Report: $(abspath $(OUT))/report/index.html"

## test: all tests: vet (also of the command built for Windows), unit and statistical tests, the report in headless Chromium (installed
## by scripts/ensure-chromium.sh when missing), the same bytes from an arm64 build run under qemu
## (installed by scripts/ensure-qemu.sh), and the DuckDB reading check (its own module).
test:
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-qemu.sh
	$(GO) vet ./...
	GOOS=windows $(GO) vet ./cmd/htsim # the files built where flock is missing (process_other.go) compile
	$(GO) test ./...
	$(MAKE) duckdb-test

test-short:
	$(GO) test -short ./...

duckdb-test:
	cd internal/duckdbcheck && $(GO) test -count=1 ./... # never cached: it runs the htsim CLI, which the test cache cannot see

## bench: speed and memory: one national replicate against the naive per-person reference (and
## their ratio, measured in the same run), sweep throughput at 1 and 2 workers with the parallel
## efficiency, and peak memory for a sweep ten times larger.
## Benchmarks are compiled with the profile the htsim binary is built with
## (cmd/htsim/default.pgo), so they time the code users run.
bench:
	$(GO) test -pgo=$(PGO) -run '^$$' -bench . -benchmem -benchtime 32x ./sim/
	$(GO) test -pgo=$(PGO) -run '^$$' -bench 'Sweep' -benchtime 3x ./cmd/htsim/

## pgo: re-record the CPU profile of the default study (BenchmarkStudy) that the Go toolchain
## uses to optimise bin/htsim (profile-guided optimisation, about 5% faster). Re-run it after
## large changes to the engine and commit the file.
pgo:
	$(GO) test -pgo=off -run '^$$' -bench 'Study' -benchtime 2x -cpuprofile $(PGO).new ./cmd/htsim/
	mv $(PGO).new $(PGO)

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

clean:
	rm -rf bin $(OUT)
