# bench/bench.mk — benchmarks, included by the top Makefile.
#
#   make bench          full run (~9 min on 2 quiet cores): 34 MB gcide corpus
#                       and its 1/8, 1/4, 1/2 prefixes; dealsearch beside
#                       SQLite FTS5 and a raw-Xapian baseline; news-reader
#                       builds of Reuters articles (below)
#   make bench-quick    reduced run (< 1 min): the 1/8 corpus and the shared
#                       Reuters articles, fewer runs
#   make bench-updates  only `dealsearch index` updating a changed copy of
#                       the whole corpus in place (part of `make bench`)
#   make bench-shards   only sharded indexes: build, p50/p99, throughput by
#                       number of shards, local and behind xapian-tcpsrv
#                       (part of `make bench`; SHARDS_SIZES="1" skips the
#                       4x corpus)
#   make bench-levers   raw-Xapian build and query levers, one at a time
#   make bench-instr    the 200 queries in instructions (callgrind), FTS5
#                       and dealsearch: a figure the host's load does not move
#   make facts-eval     "the same fact" on the labelled pairs of tests/facts/
#   make bench-clean    remove bench/data (corpus and indexes, ~3 GB after
#                       a full run) and bench/results
#
# Programs go to $(BUILD)/bench/ (compiled by the top Makefile's pattern
# rules with its flags), data to bench/data/, results to bench/results/
# (both git-ignored).  See bench/README.md.

# Sub-makes read the makefile that included this one (so they see it too)
# and re-run pkg-config after `deps` has installed what was missing.
BENCH_MAKE := $(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST))

BENCH_BIN := $(BUILD)/bench
BENCH_DATA := bench/data
BENCH_RESULTS := bench/results
GCIDE_DZ := /usr/share/dictd/gcide.dict.dz
BENCH_PACKAGES := dict-gcide sqlite3 libsqlite3-dev xapian-tools ripgrep \
                  zlib1g-dev hyperfine valgrind

BENCH_COMMON := $(BENCH_BIN)/common.o
BENCH_PROGS := $(addprefix $(BENCH_BIN)/,gen_corpus gen_queries fts5_peer \
                 raw_xapian ds_peer dsbench dealsearch)

BENCH_MANIFEST := $(BENCH_DATA)/gcide.manifest
BENCH_QUERIES := $(BENCH_RESULTS)/queries.tsv
BENCH_QUERIES_QUICK := $(BENCH_RESULTS)/queries-quick.tsv

.PHONY: bench bench-quick bench-updates bench-shards bench-levers bench-deps bench-build bench-data bench-clean \
        bench-news-data

# News-reader builds (dealsearch without --plain): the shared Reuters
# articles in place (NEWS_EVAL_DIR, bench/reader.mk), and the whole
# Reuters-21578 collection, written as files the same way by
# bench/reuters/build_corpus.py from REUTERS_SGML, the folder of
# reut2-000.sgm ... reut2-021.sgm ("Reuters-21578, Distribution 1.0";
# nothing is downloaded: without them that build is skipped, with a
# line saying so).  NEWS_BASELINE=PROG (another tree's build/bench/ds_peer)
# builds each news corpus with that program too, alternated with this
# tree's, under the label NEWS_BASELINE_LABEL.
REUTERS_SGML ?=
REUTERS_DIR := $(BENCH_DATA)/reuters-21578
REUTERS_STAMP := $(REUTERS_DIR)/.stamp
REUTERS_SKIP = reuters-21578 skipped: no reut2-000.sgm in REUTERS_SGML='$(REUTERS_SGML)' \
    (set it to the folder of reut2-000.sgm ... reut2-021.sgm)
BENCH_NEWS := $(BENCH_DATA)/news.manifest
NEWS_BASELINE ?=
NEWS_BASELINE_LABEL ?= baseline
BENCH_NEWS_FLAGS = --news=$(BENCH_NEWS) $(if $(NEWS_BASELINE),--baseline=$(NEWS_BASELINE) \
    --baseline-label='$(NEWS_BASELINE_LABEL)')

bench-deps:
	@$(BENCH_MAKE) deps EXTRA_PACKAGES="$(BENCH_PACKAGES)"

bench-build: $(BENCH_PROGS)

bench-data: $(BENCH_MANIFEST) $(BENCH_QUERIES) $(BENCH_QUERIES_QUICK)

bench: bench-deps
	@$(BENCH_MAKE) bench-build bench-data bench-news-data
	$(BENCH_BIN)/dsbench --mode=full --bin=$(BENCH_BIN) --data=$(BENCH_DATA) \
	    --dealsearch=$(BENCH_BIN)/dealsearch --results=$(BENCH_RESULTS) --queries=$(BENCH_QUERIES) \
	    $(BENCH_NEWS_FLAGS)

bench-quick: bench-deps
	@$(BENCH_MAKE) bench-build bench-data bench-news-data
	$(BENCH_BIN)/dsbench --mode=quick --bin=$(BENCH_BIN) --data=$(BENCH_DATA) \
	    --dealsearch=$(BENCH_BIN)/dealsearch --results=$(BENCH_RESULTS) --queries=$(BENCH_QUERIES_QUICK) \
	    $(BENCH_NEWS_FLAGS)

bench-updates: bench-deps
	@$(BENCH_MAKE) $(BENCH_BIN)/ds_peer $(BENCH_BIN)/dsbench bench-data
	$(BENCH_BIN)/dsbench --mode=updates --bin=$(BENCH_BIN) --data=$(BENCH_DATA) \
	    --results=$(BENCH_RESULTS) --queries=$(BENCH_QUERIES)

# Sharded indexes (issue 19): one database, 1, 2, 4 local shards and 2
# behind xapian-tcpsrv, on the gcide corpus and on four copies of it
# (bench/shards.sh; ~15 min).  `make bench` runs it too.
SHARDS_SIZES ?= 1 4
bench-shards: bench-deps
	@$(BENCH_MAKE) $(BENCH_BIN)/ds_peer $(BENCH_BIN)/dealsearch bench-data
	@mkdir -p $(BENCH_RESULTS)
	bench/shards.sh $(BENCH_BIN)/dealsearch $(BENCH_BIN)/ds_peer $(BENCH_DATA)/gcide \
	    $(BENCH_DATA)/shards $(BENCH_QUERIES) 5 "$(SHARDS_SIZES)" | tee $(BENCH_RESULTS)/shards-latest.txt
bench: bench-shards

bench-levers: bench-deps
	@$(BENCH_MAKE) $(BENCH_BIN)/raw_xapian $(BENCH_BIN)/dsbench bench-data
	$(BENCH_BIN)/dsbench --mode=levers --bin=$(BENCH_BIN) --data=$(BENCH_DATA) \
	    --results=$(BENCH_RESULTS) --queries=$(BENCH_QUERIES)

bench-clean:
	rm -rf $(BENCH_DATA) $(BENCH_RESULTS)

# The corpus and its prefixes; the manifest records their checksums.
$(BENCH_MANIFEST): $(BENCH_BIN)/gen_corpus $(GCIDE_DZ)
	@mkdir -p $(BENCH_DATA)
	$(BENCH_BIN)/gen_corpus $(GCIDE_DZ) $(BENCH_DATA)

# The news corpora's manifest, written every run (bench/news_manifest.sh).
bench-news-data:
	@mkdir -p $(BENCH_DATA)
	@if [ -f "$(REUTERS_SGML)/reut2-000.sgm" ]; then $(BENCH_MAKE) $(REUTERS_STAMP); \
	else echo "bench: $(REUTERS_SKIP)"; fi
	@{ bench/news_manifest.sh reuters-shared $(NEWS_EVAL_DIR)/reuters/articles && \
	  if [ -f "$(REUTERS_SGML)/reut2-000.sgm" ]; then \
	      bench/news_manifest.sh reuters-21578 $(REUTERS_DIR); \
	  else echo "# $(REUTERS_SKIP)"; fi; } >$(BENCH_NEWS).tmp
	@mv -f $(BENCH_NEWS).tmp $(BENCH_NEWS)

$(REUTERS_STAMP): bench/reuters/build_corpus.py $(wildcard $(REUTERS_SGML)/reut2-0*.sgm)
	rm -rf $(REUTERS_DIR)
	$(PYTHON3) bench/reuters/build_corpus.py $(REUTERS_SGML) $(REUTERS_DIR)
	touch $@

$(BENCH_QUERIES): $(BENCH_BIN)/gen_queries $(BENCH_MANIFEST)
	@mkdir -p $(BENCH_RESULTS)
	$(BENCH_BIN)/gen_queries $(BENCH_DATA)/gcide $@

$(BENCH_QUERIES_QUICK): $(BENCH_BIN)/gen_queries $(BENCH_MANIFEST)
	@mkdir -p $(BENCH_RESULTS)
	$(BENCH_BIN)/gen_queries $(BENCH_DATA)/gcide-1of8 $@

# Objects come from the top Makefile's $(BUILD)/%.o rules (ALL_CFLAGS,
# ALL_CXXFLAGS); only the links are spelled out here.
$(BENCH_BIN)/gen_corpus: $(BENCH_BIN)/gen_corpus.o $(BENCH_BIN)/sha256.o $(BENCH_COMMON)
	$(CC) $(SAN_FLAGS) -o $@ $^ -lz

$(BENCH_BIN)/gen_queries: $(BENCH_BIN)/gen_queries.o $(BENCH_COMMON)
	$(CC) $(SAN_FLAGS) -o $@ $^

$(BENCH_BIN)/fts5_peer: $(BENCH_BIN)/fts5_peer.o $(BENCH_COMMON)
	$(CC) $(SAN_FLAGS) -o $@ $^ -lsqlite3

$(BENCH_BIN)/raw_xapian: $(BENCH_BIN)/raw_xapian.o $(BENCH_COMMON)
	$(CXX) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

# The two update designs priced on a real index (bench/README.md,
# "Updates").
$(BENCH_BIN)/update_design: $(BENCH_BIN)/update_design.o
	$(CXX) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

$(BENCH_BIN)/ds_peer: $(BENCH_BIN)/ds_peer.o $(BENCH_COMMON) $(LIB_A)
	$(CXX) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

# The CLI the whole-process figures run: a copy made with ds_peer, so a
# rebuild of ./dealsearch during a run cannot mix two versions.
$(BENCH_BIN)/dealsearch: $(BUILD)/dealsearch
	cp $< $@.tmp && mv -f $@.tmp $@

$(BENCH_BIN)/dsbench: $(addprefix $(BENCH_BIN)/,driver.o measure.o report.o updates.o) \
                      $(BENCH_COMMON)
	$(CC) $(SAN_FLAGS) -o $@ $^ -lm

# How good the match counts are for each bound on the matches examined
# (bench/RELEVANCE.md, "Counts"): make bench-totals.
$(BENCH_BIN)/totals: $(BENCH_BIN)/totals.o $(BENCH_COMMON) $(LIB_A)
	$(CXX) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

# The index the quality measurements below search: the gcide corpus.
BENCH_QUALITY_INDEX := $(BENCH_DATA)/idx/gcide.quality

$(BENCH_QUALITY_INDEX)/current: $(BUILD)/dealsearch $(BENCH_MANIFEST)
	$(BUILD)/dealsearch index --plain --corpus $(BENCH_DATA)/gcide \
	    --index $(BENCH_QUALITY_INDEX)

.PHONY: bench-totals bench-spelling bench-instr

# The 200 queries' cost in instructions (callgrind), FTS5 against
# dealsearch: a figure the host's load does not move (bench/instr.sh).
BENCH_INSTR_FTS5 := $(BENCH_DATA)/idx/gcide.instr.fts5
BENCH_INSTR_DS := $(BENCH_DATA)/idx/gcide.instr.dealsearch
$(BENCH_INSTR_FTS5): $(BENCH_BIN)/fts5_peer $(BENCH_MANIFEST)
	rm -f $@ && $(BENCH_BIN)/fts5_peer build $(BENCH_DATA)/gcide $@
$(BENCH_INSTR_DS)/current: $(BENCH_BIN)/ds_peer $(BENCH_MANIFEST)
	rm -rf $(BENCH_INSTR_DS) && \
	    $(BENCH_BIN)/ds_peer build $(BENCH_DATA)/gcide $(BENCH_INSTR_DS) --plain

bench-instr: bench-deps
	@$(BENCH_MAKE) bench-data $(BENCH_INSTR_FTS5) $(BENCH_INSTR_DS)/current
	bench/instr.sh $(BENCH_BIN) $(BENCH_INSTR_FTS5) $(BENCH_INSTR_DS) \
	    $(BENCH_QUERIES)

bench-totals: bench-deps
	@$(BENCH_MAKE) $(BENCH_BIN)/totals bench-data $(BENCH_QUALITY_INDEX)/current
	$(BENCH_BIN)/totals $(BENCH_QUALITY_INDEX) $(BENCH_QUERIES)

# Spelling corrections and suggestions against Norvig's misspellings and
# correctly spelled absent words (bench/RELEVANCE.md, "Spelling").
$(BENCH_BIN)/spelling: $(BENCH_BIN)/spelling.o $(BENCH_COMMON) $(LIB_A)
	$(CXX) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

bench-spelling: bench-deps
	@$(BENCH_MAKE) $(BENCH_BIN)/spelling bench-data $(BENCH_QUALITY_INDEX)/current
	$(BENCH_BIN)/spelling $(BENCH_QUALITY_INDEX) bench/spelling/testset1.txt \
	    bench/spelling/testset2.txt bench/spelling/absent.txt

# "The same fact" measured on labelled passage pairs (bench/RELEVANCE.md):
# the demo corpus, tests/facts/corpus/ and the shared real news (BBC and
# Reuters articles of NEWS_EVAL_DIR, bench/reader.mk) indexed into
# build/facts-eval/.
FACTS_EVAL_DIR := $(BUILD)/facts-eval
.PHONY: facts-eval
facts-eval: $(BENCH_BIN)/facts_eval $(BUILD)/dealsearch
	@test -d $(NEWS_EVAL_DIR)/bbc/articles || \
	    { echo "facts-eval: no real news in NEWS_EVAL_DIR=$(NEWS_EVAL_DIR)" >&2; exit 2; }
	@mkdir -p $(FACTS_EVAL_DIR)
	$(BUILD)/dealsearch index --rebuild --corpus corpus --index $(FACTS_EVAL_DIR)/demo.index
	$(BUILD)/dealsearch index --rebuild --corpus tests/facts/corpus --index $(FACTS_EVAL_DIR)/own.index
	$(BUILD)/dealsearch index --rebuild --corpus $(NEWS_EVAL_DIR)/bbc/articles --index $(FACTS_EVAL_DIR)/bbc.index
	$(BUILD)/dealsearch index --rebuild --corpus $(NEWS_EVAL_DIR)/reuters/articles --index $(FACTS_EVAL_DIR)/reuters.index
	$(BENCH_BIN)/facts_eval pairs tests/facts/pairs.tsv \
	    demo=$(FACTS_EVAL_DIR)/demo.index own=$(FACTS_EVAL_DIR)/own.index \
	    bbc=$(FACTS_EVAL_DIR)/bbc.index reuters=$(FACTS_EVAL_DIR)/reuters.index

$(BENCH_BIN)/facts_eval: $(BENCH_BIN)/facts_eval.o $(LIB_A)
	$(CXX) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)
