# bench/load.mk — `dealsearch serve` under load (bench/load.sh, section
# "The server under load" of bench/README.md).  Included by the top
# Makefile after bench/bench.mk, whose corpus, queries and CLI copy it
# uses:
#
#   make bench-serve   wrk on loopback at 16 and 64 connections, then
#                      while the index is rebuilt in a loop (~4 min);
#                      `make bench` runs it too
#   make bench-soak    the server's memory under 10 minutes of load
#
# The index is bench/data/idx/gcide.serve, built from bench/data/gcide
# with --plain (as ds_peer builds it) the first time.

LOAD_PACKAGES := wrk curl jq
LOAD_INDEX := $(BENCH_DATA)/idx/gcide.serve
LOAD_ARGS = $(BENCH_BIN)/dealsearch $(BENCH_DATA)/gcide $(LOAD_INDEX) \
            $(BENCH_QUERIES) $(BENCH_RESULTS)

.PHONY: bench-serve bench-soak bench-load-deps

bench-load-deps:
	@$(BENCH_MAKE) deps EXTRA_PACKAGES="$(BENCH_PACKAGES) $(LOAD_PACKAGES)"

bench-serve: bench-load-deps
	@$(BENCH_MAKE) $(BENCH_BIN)/dealsearch bench-data
	bench/load.sh $(LOAD_ARGS)

bench-soak: bench-load-deps
	@$(BENCH_MAKE) $(BENCH_BIN)/dealsearch bench-data
	bench/load.sh --soak $(LOAD_ARGS)

bench: bench-serve
