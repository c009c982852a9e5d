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

HEADERS  := $(wildcard bindings/capi/include/flux/*.h bindings/capi/include/flux/core/*.h)
CAPI_SRC := $(wildcard bindings/capi/*.go bindings/capi/*.c bindings/capi/*.h) $(HEADERS) \
            bindings/capi/exports.map $(shell find runtime -name '*.go' -not -name '*_test.go') go.mod go.sum

CTESTS := $(patsubst bindings/capi/test/%.c,$(BUILD)/ctest/%,$(wildcard bindings/capi/test/*_test.c))

.PHONY: all help generate check coverage check-prototypes check-headers lib test vet gotest fuzz-short fuzz ctest ctest-flux-core demo valgrind-demo valgrind-ctest interop bench bench-go bench-c install clean

all: lib

help:
	@echo "make demo      build everything and run the flux_open(3) example"
	@echo "make test      vet, fluxgen -check, go test -race, short fuzzing, C ABI tests"
	@echo "make generate  regenerate every surface from spec/handle.yaml"
	@echo "make check     fail if generated files differ from the spec"
	@echo "make coverage  implemented/total functions per header"
	@echo "make lib       build/lib/libflux-core.so.2, build/include/flux/core.h, flux-core.pc"
	@echo "make install PREFIX=/usr/local"
	@echo "make bench     Go benchmarks"
	@echo "make bench-c   the C benchmark kit against our library and the stand-in broker"
	@echo "make interop   Go binding and C tests against a real flux-core broker (flux on PATH)"
	@echo "make ctest-flux-core FLUX_CORE=/prefix   run the C tests against flux-core's own library"
	@echo "make check-prototypes FLUX_CORE=/prefix  compare the spec's prototypes with flux-core's headers"
	@echo "make check-headers FLUX_CORE=/prefix     compile flux-core's sources against both include trees"

generate:
	$(GO) run ./cmd/fluxgen

check:
	$(GO) run ./cmd/fluxgen -check

coverage:
	$(GO) run ./cmd/fluxgen -coverage

# Compare every spec prototype with an installed flux-core's headers.
check-prototypes:
	@test -n "$(FLUX_CORE)" || { echo "usage: make check-prototypes FLUX_CORE=/flux-core/prefix"; exit 2; }
	$(GO) run ./cmd/fluxgen -check-prototypes $(FLUX_CORE)/include/flux/core

# Compile flux-core's own programs and tests (the source tree its build
# script leaves under FLUX_CORE/src/flux-core) against flux-core's headers
# and against ours (-fsyntax-only -Wall -Wextra): the diagnostics must be
# identical, so whatever compiles against flux-core's headers compiles
# against ours, with the same warnings.
HEADER_COMPAT_SRC = src/cmd/*.c src/cmd/builtin/*.c src/common/libflux/test/*.c \
	src/common/libjob/test/*.c src/common/libsubprocess/test/*.c t/*/*.c
check-headers: $(INCDIR)/flux/core.h
	@test -n "$(FLUX_CORE)" || { echo "usage: make check-headers FLUX_CORE=/flux-core/prefix"; exit 2; }
	@mkdir -p $(BUILD)/check-headers
	@cd $(FLUX_CORE)/src/flux-core && for inc in $(INCDIR) $(FLUX_CORE)/include; do \
		for f in $(HEADER_COMPAT_SRC); do \
			$(CC) -fsyntax-only -Wall -Wextra -I$$inc -I. -Iconfig -Isrc/include -Isrc/common/libccan \
				-Isrc/common/libtap -Isrc/common/libflux $$(pkg-config --cflags jansson) \
				-DTEST_SUBPROCESS_DIR='"x"' $$f 2>&1 | grep -E 'warning|error' | sed "s|$$inc|INCLUDE|g"; \
		done > $(BUILD)/check-headers/$$(test $$inc = $(INCDIR) && echo ours || echo flux-core).log; done
	@diff $(BUILD)/check-headers/flux-core.log $(BUILD)/check-headers/ours.log && \
		echo "check-headers: flux-core's sources compile against our headers with the same diagnostics"

lib: $(LIB) $(INCDIR)/flux/core.h $(LIBDIR)/pkgconfig/flux-core.pc

$(LIB): $(CAPI_SRC)
	@mkdir -p $(LIBDIR)
	CGO_ENABLED=1 $(GO) build -buildmode=c-shared -o $@ \
		-ldflags '-w -extldflags "-Wl,-soname,$(LIBNAME) -Wl,--version-script=$(CURDIR)/bindings/capi/exports.map"' \
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

gotest:
	$(GO) test -race -p 1 -timeout 8m ./...

fuzz-short:
	$(GO) test -run='^$$' -fuzz='^FuzzDecode$$' -fuzztime=$(FUZZTIME) ./runtime/msg
	$(GO) test -run='^$$' -fuzz='^FuzzStream$$' -fuzztime=$(FUZZTIME) ./runtime/stream
	$(GO) test -run='^$$' -fuzz='^FuzzLoad$$' -fuzztime=$(FUZZTIME) -fuzzminimizetime=200x ./gen

fuzz:
	$(MAKE) fuzz-short FUZZTIME=3000000x

$(BUILD)/ctest/%: bindings/capi/test/%.c bindings/capi/test/tap.h $(LIB) $(INCDIR)/flux/core.h
	@mkdir -p $(dir $@)
	$(CC) -Wall -Werror -I$(INCDIR) -o $@ $< -L$(LIBDIR) -Wl,-rpath,$(LIBDIR) -lflux-core

# Each C test runs under its own stand-in broker (some need one, and
# rpc_test restarts it).
ctest: $(CTESTS) $(BUILD)/bin/fluxbroker
	@set -e; for t in $(CTESTS); do echo "== $$t"; \
		FLUXGO_CTEST_EXTENSIONS=1 $(BUILD)/bin/fluxbroker -- $$t; done

test: vet check gotest fuzz-short ctest valgrind-demo valgrind-ctest

# The demo and the C tests under valgrind: errors in the Go runtime's own
# stack and heap handling are suppressed (bindings/capi/test/valgrind.supp),
# nothing else.
VALGRIND := valgrind -q --error-exitcode=1 --leak-check=full --suppressions=bindings/capi/test/valgrind.supp
valgrind-demo: $(BUILD)/examples/flux_open_example $(BUILD)/bin/fluxbroker
	$(BUILD)/bin/fluxbroker -- $(VALGRIND) $(BUILD)/examples/flux_open_example

valgrind-ctest: $(CTESTS) $(BUILD)/bin/fluxbroker
	@set -e; for t in $(CTESTS); do echo "== valgrind $$t"; \
		FLUXGO_CTEST_EXTENSIONS=1 $(BUILD)/bin/fluxbroker -- $(VALGRIND) $$t > $(BUILD)/valgrind.log 2>&1 \
			|| { cat $(BUILD)/valgrind.log; exit 1; }; grep '^# ' $(BUILD)/valgrind.log; done

# The C tests are written against flux-core's API, so they can be run
# against flux-core's own library and broker (flux start) to check that
# they pin flux-core's behaviour. (Not the generated NULL test: flux-core
# crashes on NULL handles rather than failing with EINVAL.)
ctest-flux-core:
	@test -n "$(FLUX_CORE)" || { echo "set FLUX_CORE=<flux-core install prefix>"; exit 2; }
	@mkdir -p $(BUILD)/ctest-flux-core
	@set -e; for t in $(filter-out %/zz_generated_null_test.c,$(wildcard bindings/capi/test/*_test.c)); do \
		n=$$(basename $$t .c); \
		$(CC) -Wall -I$(FLUX_CORE)/include -o $(BUILD)/ctest-flux-core/$$n $$t \
			-L$(FLUX_CORE)/lib -Wl,-rpath,$(FLUX_CORE)/lib -lflux-core; \
		echo "== $$n (flux-core)"; \
		$(FLUX_CORE)/bin/flux start -o,-Sbroker.rc1_path=,-Sbroker.rc3_path= $(BUILD)/ctest-flux-core/$$n; done

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

# The Go binding's tests and the C tests against a real flux-core broker
# (`flux` on PATH): tests that need the stand-in's fault injection skip.
interop: $(CTESTS) $(BUILD)/examples/rank
	@if ! command -v flux >/dev/null 2>&1; then \
		echo "interop: skipped: no flux-core 'flux' command on PATH"; exit 0; fi; \
	set -e; flux version | head -2; \
	flux start -o,-Sbroker.rc1_path=,-Sbroker.rc3_path= env FLUXGO_INTEROP=1 \
		$(GO) test -count=1 ./bindings/go/; \
	flux start -o,-Sbroker.rc1_path=,-Sbroker.rc3_path= $(BUILD)/examples/rank; \
	for t in $(CTESTS); do echo "== $$t (flux-core broker)"; \
		flux start -o,-Sbroker.rc1_path=,-Sbroker.rc3_path= $$t; done

# One table of the Go benchmarks (codec, and end to end against a stand-in
# broker; under `flux start` with FLUXGO_INTEROP=1, against that broker).
bench:
	$(GO) run ./cmd/benchtable $(if $(BENCHTIME),-benchtime $(BENCHTIME))

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

install: lib
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/flux/core
	install -m 0755 $(LIB) $(DESTDIR)$(PREFIX)/lib/$(LIBNAME)
	ln -sf $(LIBNAME) $(DESTDIR)$(PREFIX)/lib/libflux-core.so
	install -m 0644 $(INCDIR)/flux/core.h $(DESTDIR)$(PREFIX)/include/flux/core.h
	install -m 0644 $(INCDIR)/flux/core/*.h $(DESTDIR)$(PREFIX)/include/flux/core/
	$(call pc-file,$(PREFIX),$(DESTDIR)$(PREFIX)/lib/pkgconfig/flux-core.pc)

clean:
	rm -rf $(BUILD)
