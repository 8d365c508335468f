# bench/eval.mk — retrieval-quality tools, included by the top Makefile
# (it also works alone: make -f bench/eval.mk eval-baselines).
#
#   make eval-tools       build $(BUILD)/bench/eval and $(BUILD)/bench/fts5_cisi
#   make eval-baselines   FTS5 BM25 runs on CISI, with and without stopwords,
#                         and the eval table of each
#   make eval-test        tests/eval/test_eval.sh (TAP) on $(BUILD)/bench/eval
#
# eval (bench/eval.c) scores a TREC run against TREC qrels like trec_eval -c:
# MAP, nDCG@10, P@10, Recall@100, MRR.  fts5_cisi (bench/fts5_cisi.c) is the
# SQLite FTS5 reference baseline.  The collection is read from $(CISI_DIR)
# (shared/ beside the repository); runs go to $(BUILD)/bench/.

BUILD ?= build
CC ?= cc
EVAL_BIN := $(BUILD)/bench
EVAL_CFLAGS ?= -std=c11 -pedantic -Wall -Wextra -Werror -O2 -g
CISI_DIR ?= ../shared/eval/cisi
# What the tools need from Debian (sqlite3's headers and library).
EVAL_PACKAGES := gcc make libsqlite3-dev

EVAL_RUNS := $(EVAL_BIN)/cisi-fts5.run $(EVAL_BIN)/cisi-fts5-stop.run

.PHONY: eval-deps eval-tools eval-baselines eval-test

# Install what is missing (sudo when not root); a quick no-op otherwise.
eval-deps:
	@missing=$$(for p in $(EVAL_PACKAGES); do \
	    dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	    echo "installing:" $$missing; \
	    $$sudo apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q $$missing; \
	fi

eval-tools: $(EVAL_BIN)/eval $(EVAL_BIN)/fts5_cisi

# Each tool is one C file, compiled and linked in one step.
$(EVAL_BIN)/eval: bench/eval.c
	@mkdir -p $(@D)
	$(CC) $(EVAL_CFLAGS) $(SAN_FLAGS) -o $@ $< -lm

$(EVAL_BIN)/fts5_cisi: bench/fts5_cisi.c | eval-deps
	@mkdir -p $(@D)
	$(CC) $(EVAL_CFLAGS) $(SAN_FLAGS) -o $@ $< -lsqlite3

$(EVAL_BIN)/cisi-fts5.run: $(EVAL_BIN)/fts5_cisi $(CISI_DIR)/docs.jsonl $(CISI_DIR)/queries.tsv
	$< $(CISI_DIR)/docs.jsonl $(CISI_DIR)/queries.tsv >$@.tmp && mv -f $@.tmp $@

$(EVAL_BIN)/cisi-fts5-stop.run: $(EVAL_BIN)/fts5_cisi $(CISI_DIR)/docs.jsonl $(CISI_DIR)/queries.tsv
	$< --stopwords $(CISI_DIR)/docs.jsonl $(CISI_DIR)/queries.tsv >$@.tmp && mv -f $@.tmp $@

eval-baselines: $(EVAL_BIN)/eval $(EVAL_RUNS)
	@for run in $(EVAL_RUNS); do \
	    echo "== $$run"; \
	    $(EVAL_BIN)/eval $(CISI_DIR)/qrels.txt $$run || exit 1; \
	done

eval-test: $(EVAL_BIN)/eval
	EVAL_BIN=$(EVAL_BIN)/eval tests/eval/test_eval.sh
