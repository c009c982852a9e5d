# fluxgo build, generation and test entry points. `make help` lists them.

GO      ?= go
CC      ?= cc
PREFIX  ?= /usr/local
BUILD   := $(CURDIR)/build
LIBDIR  := $(BUILD)/lib
INCDIR  := $(BUILD)/include
LIBNAME := libflux-core.so.2
LIB     := $(LIBDIR)/$(LIBNAME)
VERSION := 0.88.0
FUZZTIME ?= 50000x
SHARED  ?= $(CURDIR)/../shared

# A real flux-core to test against: FLUX_CORE=PREFIX, else the prefix of
# the `flux` on PATH. Exported so Go tests find it (internal/fluxtest).
FLUX_CORE ?= $(patsubst %/bin/flux,%,$(realpath $(shell command -v flux 2>/dev/null)))
ifneq ($(FLUX_CORE),)
export FLUX_CORE
FLUX := $(FLUX_CORE)/bin/flux
# A one-rank broker without rc scripts (no KVS, no jobs): up in a second.
FLUX_START := $(FLUX) start -o,-Sbroker.rc1_path=,-Sbroker.rc3_path=
endif

# The flux-core install whose paths flux_conf_builtin_get reports
# (connector_path, exec_path, ...): FLUX_PREFIX, else FLUX_CORE, else
# flux-core's default prefix.
FLUX_PREFIX ?= $(if $(FLUX_CORE),$(FLUX_CORE),/usr/local)

HEADERS  := $(wildcard bindings/capi/include/flux/*.h bindings/capi/include/flux/core/*.h)
CAPI_SRC := $(wildcard bindings/capi/*.go bindings/capi/*.c bindings/capi/*.h) $(HEADERS) \
            bindings/capi/exports.map $(shell find runtime -name '*.go' -not -name '*_test.go') go.mod go.sum

CTESTS := $(patsubst bindings/capi/test/%.c,$(BUILD)/ctest/%,$(wildcard bindings/capi/test/*_test.c))
# DSOs the C tests load (a connector, plugins): built without linking
# libflux-core, so they use whichever library the test program loaded.
CTEST_DSOS := $(patsubst bindings/capi/test/dso/%.c,$(BUILD)/ctest-dso/%.so,$(wildcard bindings/capi/test/dso/*.c))

.PHONY: commands all help generate check coverage check-prototypes lib test vet gotest fuzz-short fuzz ctest ctest-flux-core demo valgrind-demo valgrind-ctest interop multirank ctest-jobs kvs-ctest kvs-commands conformance python flux-core-suites need-flux-core bench bench-go bench-c bench-compare install check-headers clean test-go-min

all: lib

help:
	@echo "make demo      build everything and run the flux_open(3) example"
	@echo "make test      vet, fluxgen -check, go test -race, short fuzzing, C ABI tests"
	@echo "make test-go-min  vet and test the Go binding and runtime with the oldest Go go.mod allows ($(GO_MIN))"
	@echo "make generate  regenerate every surface from spec/handle.yaml"
	@echo "make check     fail if generated files differ from the spec or Go files are not gofmt-formatted"
	@echo "make coverage  implemented/total functions per header"
	@echo "make lib       build/lib/libflux-core.so.2, build/include/flux/core.h, flux-core.pc"
	@echo "make install PREFIX=/usr/local"
	@echo "make bench     Go benchmarks"
	@echo "make bench-c   the C benchmark kit against our library and the stand-in broker"
	@echo "make bench-compare FLUX_CORE=PREFIX  the C kit on both libraries and the Go binding in one flux-core broker: ratio table"
	@echo "make interop   Go binding, examples and C tests against a real one-rank flux-core broker"
	@echo "make ctest-jobs the C job suite, flux job (attach too) and flux exec in a full flux-core instance, on both libraries"
	@echo "make multirank the C multi-rank suite under flux start --test-size=4, on both libraries"
	@echo "make ctest-flux-core   run the C tests against flux-core's own library"
	@echo "make kvs-ctest          the C KVS suite on both libraries in a full flux-core instance"
	@echo "make kvs-commands       flux-core's flux kvs with both libraries: the same output"
	@echo "make python            flux-core's Python bindings on our library and on flux-core's"
	@echo "make conformance       flux-core's public-API unit tests against our library (CONFORMANCE=libflux/rpc: one)"
	@echo "make commands          flux-core's commands on our library and on flux-core's, outputs compared"
	@echo "make check-prototypes  compare the spec's prototypes with flux-core's headers"
	@echo "make check-headers     compile flux-core's sources against both include trees"
	@echo "  (these find flux-core through FLUX_CORE=PREFIX or flux on PATH)"

generate:
	$(GO) run ./cmd/fluxgen

check:
	$(GO) run ./cmd/fluxgen -check
	@out=$$(gofmt -l .); \
		if [ -n "$$out" ]; then echo "gofmt -l: not formatted:"; echo "$$out"; exit 1; fi

coverage:
	$(GO) run ./cmd/fluxgen -coverage

# Compare every spec prototype with an installed flux-core's headers.
check-prototypes: need-flux-core
	$(GO) run ./cmd/fluxgen -check-prototypes $(FLUX_CORE)/include/flux/core

# Compile flux-core's own programs and tests (the source tree its build
# script leaves under FLUX_CORE/src/flux-core) against flux-core's headers
# and against ours (-fsyntax-only -Wall -Wextra): the diagnostics must be
# identical, so whatever compiles against flux-core's headers compiles
# against ours, with the same warnings. Then the generated probe prints
# every constant and type size of the spec, built against both include
# trees: the outputs must be identical.
HEADER_COMPAT_SRC = src/cmd/*.c src/cmd/builtin/*.c src/common/libflux/test/*.c \
	src/common/libjob/test/*.c src/common/libsubprocess/test/*.c t/*/*.c
check-headers: need-flux-core $(INCDIR)/flux/core.h
	@if [ ! -d $(FLUX_CORE)/src/flux-core/src/cmd ]; then \
		echo "check-headers: skipped: no flux-core source tree at $(FLUX_CORE)/src/flux-core"; exit 0; fi; \
	mkdir -p $(BUILD)/check-headers; \
	cd $(FLUX_CORE)/src/flux-core && for inc in $(INCDIR) $(FLUX_CORE)/include; do \
		for f in $(HEADER_COMPAT_SRC); do \
			$(CC) -fsyntax-only -Wall -Wextra -I$$inc -I. -Iconfig -Isrc/include -Isrc/common/libccan \
				-Isrc/common/libtap -Isrc/common/libflux $$(pkg-config --cflags jansson) \
				-DTEST_SUBPROCESS_DIR='"x"' $$f 2>&1 | grep -E 'warning|error' | sed "s|$$inc|INCLUDE|g"; \
		done > $(BUILD)/check-headers/$$(test $$inc = $(INCDIR) && echo ours || echo flux-core).log; done; \
	diff $(BUILD)/check-headers/flux-core.log $(BUILD)/check-headers/ours.log && \
		echo "check-headers: flux-core's sources compile against our headers with the same diagnostics"
	@for inc in $(INCDIR) $(FLUX_CORE)/include; do \
		n=$$(test $$inc = $(INCDIR) && echo ours || echo flux-core); \
		$(CC) -Wall -Werror -I$$inc -o $(BUILD)/check-headers/probe-$$n bindings/capi/test/probe/zz_generated_probe.c && \
		$(BUILD)/check-headers/probe-$$n > $(BUILD)/check-headers/probe-$$n.out || exit 1; done; \
	diff $(BUILD)/check-headers/probe-flux-core.out $(BUILD)/check-headers/probe-ours.out && \
		echo "check-headers: all $$(wc -l < $(BUILD)/check-headers/probe-ours.out) constants and type sizes are flux-core's"

lib: $(LIB) $(INCDIR)/flux/core.h $(LIBDIR)/pkgconfig/flux-core.pc

$(LIB): $(CAPI_SRC)
	@mkdir -p $(LIBDIR)
	CGO_ENABLED=1 $(GO) build -buildmode=c-shared -o $@ \
		-ldflags '-w -X main.builtinPrefix=$(FLUX_PREFIX) -extldflags "-Wl,-soname,$(LIBNAME) -Wl,-Bsymbolic-functions -Wl,--version-script=$(CURDIR)/bindings/capi/exports.map"' \
		./bindings/capi
	rm -f $(LIBDIR)/*.h
	ln -sf $(LIBNAME) $(LIBDIR)/libflux-core.so

# The whole include tree, laid out as flux-core's: flux/core.h and
# flux/core/*.h (stale files of an older tree are removed first).
$(INCDIR)/flux/core.h: $(HEADERS)
	rm -rf $(INCDIR)/flux
	@mkdir -p $(INCDIR)
	cp -R bindings/capi/include/flux $(INCDIR)/

# pc-file PREFIX DEST: write a pkg-config file for a tree rooted at PREFIX.
define pc-file
	@mkdir -p $(dir $(2))
	printf '%s\n' 'prefix=$(1)' 'libdir=$${prefix}/lib' 'includedir=$${prefix}/include' '' \
		'Name: flux-core' 'Description: fluxgo, a drop-in for the Flux client library' \
		'Version: $(VERSION)' 'Libs: -L$${libdir} -lflux-core' 'Cflags: -I$${includedir}' > $(2)
endef

$(LIBDIR)/pkgconfig/flux-core.pc: Makefile
	$(call pc-file,$(BUILD),$@)

vet:
	$(GO) vet ./...

# The oldest Go the module supports (go.mod's go directive) and its newest
# patch release. test-go-min builds, vets and tests the Go binding and the
# runtime with that toolchain when the go command has it: already in the
# module cache, or fetched through the module proxy with
# GO_MIN_DOWNLOAD=1 (off by default: this workplace's proxy lists no
# go1.23 toolchain). Without it the step says so and falls back to the
# installed Go's vet, whose stdversion check reports any standard-library
# symbol newer than go.mod's go line (language features newer than that
# line do not compile under any toolchain).
GO_MIN ?= go1.23.12
GO_MIN_DOWNLOAD ?= 0
GO_MIN_PKGS := ./bindings/go/... ./runtime/...

test-go-min:
	@if [ "$(GO_MIN_DOWNLOAD)" = 1 ]; then proxy=$$($(GO) env GOPROXY); else proxy=off; fi; \
	if out=$$(GOTOOLCHAIN=$(GO_MIN) GOPROXY=$$proxy $(GO) version 2>&1); then \
		echo "test-go-min: $$out"; \
		GOTOOLCHAIN=$(GO_MIN) GOPROXY=$$proxy $(GO) vet $(GO_MIN_PKGS) && \
		GOTOOLCHAIN=$(GO_MIN) GOPROXY=$$proxy $(GO) test -count=1 -timeout 10m $(GO_MIN_PKGS); \
	else \
		echo "test-go-min: SKIPPED with $(GO_MIN): $$(echo "$$out" | tail -1)"; \
		echo "test-go-min: (GO_MIN_DOWNLOAD=1 fetches it through the module proxy); checking with $$($(GO) env GOVERSION)'s vet (stdversion) instead"; \
		$(GO) vet $(GO_MIN_PKGS); \
	fi

gotest:
	$(GO) test -race -p 1 -timeout 8m ./...

fuzz-short:
	$(GO) test -run='^$$' -fuzz='^FuzzDecode$$' -fuzztime=$(FUZZTIME) ./runtime/msg
	$(GO) test -run='^$$' -fuzz='^FuzzStream$$' -fuzztime=$(FUZZTIME) ./runtime/stream
	$(GO) test -run='^$$' -fuzz='^FuzzLoad$$' -fuzztime=$(FUZZTIME) -fuzzminimizetime=200x ./gen
	$(GO) test -run='^$$' -fuzz='^FuzzIDParse$$' -fuzztime=$(FUZZTIME) ./runtime/job
	$(GO) test -run='^$$' -fuzz='^FuzzJobspecCheck$$' -fuzztime=$(FUZZTIME) ./runtime/job
	$(GO) test -run='^$$' -fuzz='^FuzzDecodeTree$$' -fuzztime=$(FUZZTIME) ./runtime/kvs
	$(GO) test -run='^$$' -fuzz='^FuzzDecodeLookupResponse$$' -fuzztime=$(FUZZTIME) ./runtime/kvs

fuzz:
	$(MAKE) fuzz-short FUZZTIME=3000000x

$(BUILD)/ctest/%: bindings/capi/test/%.c $(wildcard bindings/capi/test/*.h) $(LIB) $(INCDIR)/flux/core.h $(CTEST_DSOS)
	@mkdir -p $(dir $@)
	$(CC) -Wall -Werror -I$(INCDIR) -o $@ $< -L$(LIBDIR) -Wl,-rpath,$(LIBDIR) -lflux-core

$(BUILD)/ctest-dso/%.so: bindings/capi/test/dso/%.c $(wildcard bindings/capi/test/*.h) $(INCDIR)/flux/core.h
	@mkdir -p $(dir $@)
	$(CC) -Wall -Werror -fPIC -shared -I$(INCDIR) -o $@ $<

# Each C test runs under its own stand-in broker (some need one, and
# rpc_test restarts it).
ctest: $(CTESTS) $(BUILD)/bin/fluxbroker
	@echo "== init order (loadwait.c)"; bindings/capi/test/check-init-order.sh $(LIB)
	@set -e; for t in $(CTESTS); do echo "== $$t"; \
		FLUXGO_CTEST_EXTENSIONS=1 $(BUILD)/bin/fluxbroker -- $$t; done

test: vet check test-go-min gotest fuzz-short ctest valgrind-demo valgrind-ctest flux-core-suites

# The suites against a real flux-core (the Go tests that need one run in
# gotest above through internal/fluxtest). Without flux-core they are
# skipped with one line, unless FLUXGO_REQUIRE_FLUX_CORE=1 (CI).
flux-core-suites:
ifeq ($(FLUX_CORE),)
	@if [ "$$FLUXGO_REQUIRE_FLUX_CORE" = 1 ]; then \
		echo "FLUXGO_REQUIRE_FLUX_CORE=1 but no flux-core: set FLUX_CORE=PREFIX or put flux on PATH"; exit 1; fi
	@echo "skipped: the real flux-core suites (Go tests on real brokers, interop, multirank, the KVS and job suites, ctest-flux-core, check-prototypes, check-headers, commands, python, conformance): no flux-core; set FLUX_CORE=PREFIX or put flux on PATH (../shared/tools/build-flux-core PREFIX builds one)"
else
	$(MAKE) interop multirank ctest-jobs kvs-ctest kvs-commands ctest-flux-core check-prototypes check-headers commands python conformance
endif

need-flux-core:
	@test -n "$(FLUX_CORE)" || { echo "no flux-core: set FLUX_CORE=PREFIX or put flux on PATH (../shared/tools/build-flux-core PREFIX builds one)"; exit 2; }

# The demo and the C tests under valgrind, with a build of the library (same
# sources) made for it: `-tags valgrind` makes the Go runtime describe its
# heap and stacks to memcheck (client requests), so memcheck checks C and Go
# accesses alike instead of taking freshly mapped Go heap pages for
# unaddressable memory. Suppressed (bindings/capi/test/valgrind.supp): the
# Go runtime's own stack and heap handling, and Go heap objects the
# collector had not freed at exit; C leaks are reported. GODEBUG
# cpu.rdtscp=off: the runtime reads the clock with RDTSCP where CPUID
# offers it, and valgrind 3.19 offers it without emulating it (SIGILL in
# runtime.cputicks on some machines).
VGLIBDIR := $(BUILD)/valgrind/lib
VALGRIND := env LD_LIBRARY_PATH=$(VGLIBDIR) GODEBUG=cpu.rdtscp=off \
	valgrind -q --error-exitcode=1 --leak-check=full --suppressions=bindings/capi/test/valgrind.supp

$(VGLIBDIR)/$(LIBNAME): $(CAPI_SRC)
	@mkdir -p $(VGLIBDIR)
	CGO_ENABLED=1 $(GO) build -tags valgrind -buildmode=c-shared -o $@ \
		-ldflags '-w -X main.builtinPrefix=$(FLUX_PREFIX) -extldflags "-Wl,-soname,$(LIBNAME) -Wl,-Bsymbolic-functions -Wl,--version-script=$(CURDIR)/bindings/capi/exports.map"' \
		./bindings/capi
	rm -f $(VGLIBDIR)/*.h

valgrind-demo: $(BUILD)/examples/flux_open_example $(BUILD)/bin/fluxbroker $(VGLIBDIR)/$(LIBNAME)
	$(BUILD)/bin/fluxbroker -- $(VALGRIND) $(BUILD)/examples/flux_open_example

valgrind-ctest: $(CTESTS) $(BUILD)/bin/fluxbroker $(VGLIBDIR)/$(LIBNAME)
	@set -e; for t in $(CTESTS); do echo "== valgrind $$t"; \
		FLUXGO_CTEST_EXTENSIONS=1 $(BUILD)/bin/fluxbroker -- $(VALGRIND) $$t > $(BUILD)/valgrind.log 2>&1 \
			|| { cat $(BUILD)/valgrind.log; exit 1; }; grep '^# ' $(BUILD)/valgrind.log; done

# The C tests are written against flux-core's API, so they can be run
# against flux-core's own library and broker (flux start) to check that
# they pin flux-core's behaviour. (Not the generated NULL test: flux-core
# crashes on NULL handles rather than failing with EINVAL.)
ctest-flux-core: need-flux-core $(CTEST_DSOS)
	@mkdir -p $(BUILD)/ctest-flux-core
	@set -e; for t in $(filter-out %/zz_generated_null_test.c,$(wildcard bindings/capi/test/*_test.c)); do \
		n=$$(basename $$t .c); \
		$(CC) -Wall -I$(FLUX_CORE)/include -o $(BUILD)/ctest-flux-core/$$n $$t \
			-L$(FLUX_CORE)/lib -Wl,-rpath,$(FLUX_CORE)/lib -lflux-core; \
		echo "== $$n (flux-core)"; \
		$(FLUX_START) $(BUILD)/ctest-flux-core/$$n; done

# flux-core's own unit tests that use only the public API, compiled
# against our header and library (bindings/capi/test/conformance/run.sh).
CONFORMANCE ?=
conformance: need-flux-core lib
	bindings/capi/test/conformance/run.sh $(FLUX_CORE) $(INCDIR) $(LIBDIR) $(BUILD)/conformance $(CONFORMANCE)

# flux-core's own commands (flux getattr, setattr, lsattr, dmesg, logger,
# event, ping, module list, uptime) run on our library and on flux-core's
# in one full instance; their outputs must match (times, uuids masked).
commands: need-flux-core lib
	bindings/capi/test/commands/run.sh $(FLUX_CORE) $(LIBDIR) $(BUILD)/commands

# flux-core's Python bindings on our library, then on flux-core's (the same
# checks must pass on both), each in a full instance.
python: need-flux-core lib
	@set -e; for lib in $(LIBDIR) $(FLUX_CORE)/lib; do echo "== python bindings on $$lib"; \
		bindings/capi/test/python/run.sh $(FLUX_CORE) $$lib; done

# The multi-rank suite's C half, built against our library and against
# flux-core's, each run as the initial program of four brokers in a
# binary tree (rank 3 below rank 1).
MULTIRANK_SRC := bindings/capi/test/multirank/multirank_test.c
$(BUILD)/multirank/fluxgo: $(MULTIRANK_SRC) bindings/capi/test/tap.h $(LIB) $(INCDIR)/flux/core.h
	@mkdir -p $(dir $@)
	$(CC) -Wall -Werror -I$(INCDIR) -o $@ $< -L$(LIBDIR) -Wl,-rpath,$(LIBDIR) -lflux-core

# Jobs: job.h and jobspec1.h in a full flux-core instance (job modules
# loaded), the same program on our library and on flux-core's.
JOBS_SRC := bindings/capi/test/jobs/job_test.c

$(BUILD)/jobs/fluxgo: $(JOBS_SRC) bindings/capi/test/tap.h $(LIB) $(INCDIR)/flux/core.h
	@mkdir -p $(dir $@)
	$(CC) -Wall -Werror -I$(INCDIR) -o $@ $< -L$(LIBDIR) -Wl,-rpath,$(LIBDIR) -lflux-core -ljansson

ctest-jobs: need-flux-core $(BUILD)/jobs/fluxgo
	$(CC) -Wall -I$(FLUX_CORE)/include -o $(BUILD)/jobs/flux-core $(JOBS_SRC) \
		-L$(FLUX_CORE)/lib -Wl,-rpath,$(FLUX_CORE)/lib -lflux-core -ljansson
	@set -e; for lib in fluxgo flux-core; do echo "== jobs ($$lib library, full flux-core instance)"; \
		$(FLUX) start $(BUILD)/jobs/$$lib; done
	bindings/capi/test/jobs/flux_job_compare.sh $(FLUX_CORE) $(LIBDIR)

multirank: need-flux-core $(BUILD)/multirank/fluxgo
	$(CC) -Wall -I$(FLUX_CORE)/include -o $(BUILD)/multirank/flux-core $(MULTIRANK_SRC) \
		-L$(FLUX_CORE)/lib -Wl,-rpath,$(FLUX_CORE)/lib -lflux-core
	@set -e; for lib in fluxgo flux-core; do echo "== multirank ($$lib library, 4 flux-core brokers)"; \
		$(FLUX) start --test-size=4 -o,-Stbon.topo=kary:2 $(BUILD)/multirank/$$lib; done

# The KVS suite's C half, built against our library and against
# flux-core's, each run as the initial program of a full flux-core
# instance (the kvs and kvs-watch modules loaded).
KVS_CTEST_SRC := bindings/capi/test/kvs/kvs_test.c
$(BUILD)/kvs/fluxgo: $(KVS_CTEST_SRC) bindings/capi/test/tap.h $(LIB) $(INCDIR)/flux/core.h
	@mkdir -p $(dir $@)
	$(CC) -Wall -Werror -I$(INCDIR) -o $@ $< -L$(LIBDIR) -Wl,-rpath,$(LIBDIR) -lflux-core

kvs-ctest: need-flux-core $(BUILD)/kvs/fluxgo
	$(CC) -Wall -I$(FLUX_CORE)/include -o $(BUILD)/kvs/flux-core $(KVS_CTEST_SRC) \
		-L$(FLUX_CORE)/lib -Wl,-rpath,$(FLUX_CORE)/lib -lflux-core
	@echo "== kvs (flux-core library, full instance)"; $(FLUX) start $(BUILD)/kvs/flux-core
	@echo "== kvs (fluxgo library, full instance)"; FLUXGO_CTEST_EXTENSIONS=1 $(FLUX) start $(BUILD)/kvs/fluxgo

# flux-core's `flux kvs` command, run through the same script with
# flux-core's library and with ours (LD_LIBRARY_PATH, client side only) in
# one full instance: the outputs must be identical.
KVS_COMMANDS := bindings/capi/test/kvs/flux_kvs_commands.sh
kvs-commands: need-flux-core lib
	@mkdir -p $(BUILD)/kvs
	@LD_LIBRARY_PATH=$(LIBDIR) LD_DEBUG=libs $(FLUX_CORE)/libexec/flux/cmd/flux-kvs --help 2>&1 | \
		grep -q "init: $(LIBDIR)/libflux-core.so.2" || { echo "kvs-commands: flux-kvs does not load $(LIBDIR)/libflux-core.so.2"; exit 1; }
	$(FLUX) start sh -c '$(KVS_COMMANDS) pa > $(BUILD)/kvs/commands.flux-core 2>&1; \
		LD_LIBRARY_PATH=$(LIBDIR) $(KVS_COMMANDS) pa_go > $(BUILD)/kvs/commands.fluxgo 2>&1'
	@sed -i 's/pa_go/pa/g' $(BUILD)/kvs/commands.fluxgo
	@diff -u $(BUILD)/kvs/commands.flux-core $(BUILD)/kvs/commands.fluxgo && \
		echo "kvs-commands: flux kvs prints the same with both libraries ($$(grep -c '^\$$ ' $(BUILD)/kvs/commands.fluxgo) commands)"

$(BUILD)/examples/flux_open_example: examples/flux_open_example.c lib
	@mkdir -p $(dir $@)
	$(CC) -I examples -o $@ $< $$(PKG_CONFIG_PATH=$(LIBDIR)/pkgconfig pkg-config --cflags --libs flux-core) \
		-Wl,-rpath,$(LIBDIR)

$(BUILD)/bin/fluxbroker: $(shell find broker cmd/fluxbroker runtime -name '*.go' -not -name '*_test.go')
	@mkdir -p $(dir $@)
	$(GO) build -o $@ ./cmd/fluxbroker

# The demo runs the flux_open(3) example, unchanged, against the stand-in
# broker, exactly as `flux start ./example` would run it against flux-core's.
demo: $(BUILD)/examples/flux_open_example $(BUILD)/bin/fluxbroker $(BUILD)/examples/rank
	$(BUILD)/bin/fluxbroker -- $(BUILD)/examples/flux_open_example
	$(BUILD)/bin/fluxbroker -- $(BUILD)/examples/rank

# The same example with the Go binding, built without cgo.
$(BUILD)/examples/rank: examples/rank/main.go $(shell find bindings/go runtime -name '*.go' -not -name '*_test.go')
	@mkdir -p $(dir $@)
	CGO_ENABLED=0 $(GO) build -o $@ ./examples/rank

# The Go binding's tests, the examples and the C tests against a real
# one-rank flux-core broker: tests that need the stand-in's fault
# injection skip.
interop: need-flux-core $(CTESTS) $(BUILD)/examples/rank $(BUILD)/examples/flux_open_example
	@set -e; $(FLUX) version | head -2; \
	$(FLUX_START) env FLUXGO_INTEROP=1 $(GO) test -count=1 ./bindings/go/; \
	$(FLUX_START) $(BUILD)/examples/rank; \
	$(FLUX_START) $(BUILD)/examples/flux_open_example; \
	for t in $(CTESTS); do echo "== $$t (flux-core broker)"; \
		$(FLUX_START) $$t; done

# One table of the Go benchmarks (codec, and end to end against a stand-in
# broker; under `flux start` with FLUXGO_INTEROP=1, against that broker).
bench:
	$(GO) run ./internal/cmd/benchtable $(if $(BENCHTIME),-benchtime $(BENCHTIME))

bench-go:
	$(GO) test -run='^$$' -bench=. -benchmem ./runtime/... ./bindings/go

# The C benchmark kit of ../shared/bench, built unchanged against our
# header and library (binaries under build/bench-c), then run against the
# stand-in broker. BENCH_ARGS shortens or lengthens the runs.
BENCH_DIR ?= $(SHARED)/bench
BENCH_C := $(BUILD)/bench-c
bench-c: lib $(BUILD)/bin/fluxbroker
	$(MAKE) -s -C $(BENCH_DIR) FLUX_INCDIR=$(INCDIR) FLUX_LIBDIR=$(LIBDIR) BUILDDIR=$(BENCH_C)
	$(BUILD)/bin/fluxbroker -- sh -ec '\
		$(BENCH_C)/msg_codec -r 3; \
		$(BENCH_C)/unix_pingpong -n 20000; \
		$(BENCH_C)/rpc_latency -n 5000; \
		$(BENCH_C)/rpc_latency -n 5000 -P; \
		$(BENCH_C)/rpc_pipeline -n 4000; \
		$(BENCH_C)/rpc_pipeline -n 4000 -a; \
		$(BENCH_C)/open_close -n 200; \
		$(BENCH_C)/event_throughput -m 5000 -M raw; \
		$(BENCH_C)/event_throughput -m 1000 -w 100 -M pub' 2>&1 | tee $(BUILD)/bench-c.log
	@echo; echo "== RESULT lines (also in build/bench-c.log)"; grep '^RESULT' $(BUILD)/bench-c.log

# The C kit built unchanged against our library and flux-core's, and the
# Go binding's benchmarks, run side by side in one flux-core broker pinned
# to one CPU (BENCH_CPU), BENCH_ROUNDS rounds with the order alternating;
# prints ours ÷ flux-core's. BENCH_SERVICES=1 adds kvs_ops and job_submit
# (BENCH_SERVICES=only runs just those)
# in a full instance; BENCH_QUICK=1 shortens every run.
BENCH_ROUNDS ?= 3
BENCH_CPU ?= 0
BENCH_CMP := $(BUILD)/bench-compare
bench-compare: need-flux-core lib
	$(MAKE) -s -C $(BENCH_DIR) FLUX_INCDIR=$(INCDIR) FLUX_LIBDIR=$(LIBDIR) BUILDDIR=$(BENCH_CMP)/ours all services
	$(MAKE) -s -C $(BENCH_DIR) FLUX_PREFIX=$(FLUX_CORE) BUILDDIR=$(BENCH_CMP)/flux-core all services
	$(GO) test -c -o $(BENCH_CMP)/flux.test ./bindings/go
	$(GO) build -o $(BENCH_CMP)/benchcompare ./internal/cmd/benchcompare
	cd bindings/go && $(BENCH_CMP)/benchcompare -flux-core $(FLUX_CORE) \
		-ours $(BENCH_CMP)/ours -theirs $(BENCH_CMP)/flux-core -gotest $(BENCH_CMP)/flux.test \
		-rounds $(BENCH_ROUNDS) -cpu '$(BENCH_CPU)' $(if $(filter only,$(BENCH_SERVICES)),-services-only,$(if $(BENCH_SERVICES),-services)) $(if $(BENCH_QUICK),-quick) \
		2>$(BENCH_CMP)/log | tee $(BENCH_CMP)/table.md

install: lib
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/flux/core
	install -m 0755 $(LIB) $(DESTDIR)$(PREFIX)/lib/$(LIBNAME)
	ln -sf $(LIBNAME) $(DESTDIR)$(PREFIX)/lib/libflux-core.so
	install -m 0644 $(INCDIR)/flux/core.h $(DESTDIR)$(PREFIX)/include/flux/core.h
	install -m 0644 $(INCDIR)/flux/core/*.h $(DESTDIR)$(PREFIX)/include/flux/core/
	$(call pc-file,$(PREFIX),$(DESTDIR)$(PREFIX)/lib/pkgconfig/flux-core.pc)

clean:
	rm -rf $(BUILD)
