# dealsearch — build, test, install.  Non-recursive; outputs go to build/.
#
#   make            build ./dealsearch (and the engine library)
#   make demo       install what is missing, build, index corpus/, search
#   make test       the whole suite (normal build, then ASan+UBSan build;
#                   the browser tests too when chromium is installed)
#   make browser-deps   chromium, node and the browser tests' npm packages
#   make install PREFIX=/usr/local   the program, its man page and bash
#                   completion, libdealsearch.{a,so}, dealsearch.h and
#                   dealsearch.pc

PREFIX ?= /usr/local
BUILD ?= build
CC ?= cc
CXX ?= c++

PKGS := xapian-core jansson
DEB_PACKAGES := make gcc g++ pkg-config libxapian-dev libstemmer-dev \
                libjansson-dev libmicrohttpd-dev libxxhash-dev
TEST_PACKAGES := libcmocka-dev jq clang libclang-rt-14-dev libsqlite3-dev \
                 xapian-tools curl

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# Kept for makefile fragments that predate jansson.
XAPIAN_CFLAGS := $(PKG_CFLAGS)
XAPIAN_LIBS := $(PKG_LIBS)

WARN := -Wall -Wextra -Werror
CFLAGS ?= -O2 -g
CXXFLAGS ?= -O2 -g
VERSION := $(shell sed -n 's/^\#define DEALSEARCH_VERSION "\(.*\)"/\1/p' src/dealsearch.h)
# libmicrohttpd: its header only; `serve` loads the library when it starts
# (src/server_mhd.h says why).
MHD_CFLAGS := $(shell pkg-config --cflags libmicrohttpd 2>/dev/null)
ALL_CFLAGS := -std=c11 -pedantic $(WARN) $(CFLAGS) $(SAN_FLAGS) $(PKG_CFLAGS) \
              $(MHD_CFLAGS) -DDEALSEARCH_BUILDING -MMD -MP
ALL_CXXFLAGS := -std=c++17 $(WARN) $(CXXFLAGS) $(SAN_FLAGS) $(PKG_CFLAGS) -MMD -MP
# libstemmer and jansson are linked statically (Debian's -dev packages ship
# the .a files) and ./dealsearch as a fixed-address (-no-pie) program,
# because a search of a small corpus is mostly process start-up.  Loading
# libstemmer.so cost ~10,800 relative relocations of its pointer tables
# and ~90 page faults per run; libjansson.so another mapping and ~110K
# loader instructions.  Linked in, they need no loading, and without PIE
# the tables need no relocating either (static-PIE still relocates them:
# both changes are needed).  `dealsearch "interim CEO"` on the demo
# corpus: 354 -> 261 page faults, 3.47M -> 3.10M instructions, 15,051 ->
# 3,964 relative relocations (the rest are libxapian's, as for quest).
# The cost: the executable itself is not address-randomised (its shared
# libraries still are).  `make STATIC_LINK= EXE_LDFLAGS=` links as before.
STATIC_LINK := -Wl,-Bstatic
EXE_LDFLAGS := -no-pie
LDLIBS := $(shell pkg-config --libs xapian-core 2>/dev/null) $(STATIC_LINK) \
          $(shell pkg-config --libs jansson 2>/dev/null) -lstemmer -Wl,-Bdynamic

# The engine (libdealsearch), and the command line over its public API.
LIB_SRC := src/util.c src/text.c src/corpus.c src/encoding.c src/rules.c \
           src/dates.c src/passage.c src/reader.c src/analyzer.c src/wordtable.c \
           src/stopwords.c src/synonyms.c src/neardup.c src/facts.c src/record.c \
           src/schema.c src/query.c src/store.c src/ranking.c src/scan.c \
           src/indexer.c src/shard.c src/vocab.c src/spelling.c src/search.c \
           src/check.c src/highlight.c src/prefilter.c src/digest.c \
           src/filerec.c src/changes.c src/update.c src/layout.c src/plan.c \
           src/follow.c \
           src/render.c src/render_json.c src/render_human.c \
           src/render_passage.c src/lookup.c
SHIM_SRC := shim/boundary.cc shim/writer.cc shim/database.cc shim/query.cc \
            shim/search.cc shim/expand.cc shim/proximity.cc shim/update.cc \
            shim/remote.cc shim/weighting.cc
CLI_SRC := src/main.c src/batch.c src/watch.c src/server.c src/server_mhd.c \
           src/help.c src/paths.c src/listing.c src/show.c src/progress.c
# `dealsearch serve`'s handling of a request, without sockets: the command,
# its unit test and its fuzzer link it.  web/ is compiled in.
SERVER_SRC := src/server_handle.c src/server_api.c src/server_url.c
WEB_FILES := web/index.html web/app.js web/style.css web/favicon.svg
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(SHIM_SRC:%.cc=$(BUILD)/%.o) \
           $(BUILD)/gen/news_rules.o
SERVER_OBJ := $(SERVER_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/web_assets.o
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o) $(SERVER_OBJ)
# The shared library's objects: position-independent, and exporting only
# what dealsearch.h declares (DS_API).
PIC_OBJ := $(LIB_OBJ:$(BUILD)/%.o=$(BUILD)/pic/%.o)
LIB_A := $(BUILD)/libdealsearch.a
LIB_SO := $(BUILD)/libdealsearch.so
SO_NAME := libdealsearch.so.0
SO_LIBS := $(shell pkg-config --libs xapian-core jansson 2>/dev/null) -lm \
           -lstemmer -lpthread

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps test-deps demo test test-build asan-unit install clean eval valgrind \
        reliability browser-deps browser-packages
all: dealsearch $(LIB_SO)

# Replace by rename, so a running ./dealsearch (a benchmark) is no obstacle.
dealsearch: $(BUILD)/dealsearch
	cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/dealsearch: $(CLI_OBJ) $(LIB_A)
	$(CXX) $(SAN_FLAGS) $(EXE_LDFLAGS) -o $@ $^ $(LDLIBS)

$(LIB_A): $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(LIB_SO): $(PIC_OBJ)
	$(CXX) -shared -Wl,-soname,$(SO_NAME) -Wl,--no-undefined -o $@ $^ \
	    $(SO_LIBS)

# pkg-config's description of the installed library (for PREFIX).
PC_LINES := 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' \
    'includedir=$${prefix}/include' '' 'Name: dealsearch' \
    'Description: Full-text search over news articles, answered with passages' \
    'Version: $(VERSION)' 'Requires.private: xapian-core jansson' \
    'Libs: -L$${libdir} -ldealsearch' \
    'Libs.private: -lstemmer -lpthread -lstdc++ -lm' 'Cflags: -I$${includedir}'

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<

$(BUILD)/pic/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<

$(BUILD)/pic/gen/news_rules.o: $(BUILD)/gen/news_rules.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -Wno-overlength-strings \
	    -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The news rules are a data file compiled in as one C string.
$(BUILD)/gen/news_rules.c: src/news_rules.conf
	@mkdir -p $(dir $@)
	{ echo '/* Generated from src/news_rules.conf by the Makefile. */'; \
	  echo 'extern const char ds_builtin_rules_text[];'; \
	  echo 'const char ds_builtin_rules_text[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } >$@

$(BUILD)/gen/news_rules.o: $(BUILD)/gen/news_rules.c
	$(CC) $(ALL_CFLAGS) -Wno-overlength-strings -c -o $@ $<

$(BUILD)/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -c -o $@ $<

# The page's files, compiled in as byte arrays (web/embed.sh).
$(BUILD)/gen/web_assets.c: web/embed.sh $(WEB_FILES)
	@mkdir -p $(dir $@)
	web/embed.sh $(WEB_FILES) >$@.tmp && mv $@.tmp $@

$(BUILD)/gen/web_assets.o: $(BUILD)/gen/web_assets.c
	$(CC) $(ALL_CFLAGS) -Isrc -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@.o $<
	$(CXX) $(SAN_FLAGS) -o $@ $@.o $(UNIT_OBJ) $(LIB_A) $(LDLIBS) -lcmocka

# The server's unit test calls its request handling.
$(BUILD)/tests/test_server: UNIT_OBJ = $(SERVER_OBJ)
$(BUILD)/tests/test_server: $(SERVER_OBJ)

# Install missing Debian packages (sudo when not root).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
deps:
	@missing=$$(for p in $(DEB_PACKAGES) $(EXTRA_PACKAGES); do \
	    dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "installing:" $$missing; \
	    $(SUDO) apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	fi

test-deps:
	@$(MAKE) --no-print-directory deps EXTRA_PACKAGES="$(TEST_PACKAGES)"
	@if command -v chromium >/dev/null; then \
	    $(MAKE) --no-print-directory browser-packages; fi

# The browser tests (tests/browser/): Debian's chromium, node and npm
# (Debian's, unless a node is installed already), and the npm packages
# package-lock.json pins.  Never a downloaded browser.
browser-deps:
	@$(MAKE) --no-print-directory deps EXTRA_PACKAGES=chromium
	@command -v npm >/dev/null || \
	    $(MAKE) --no-print-directory deps EXTRA_PACKAGES="nodejs npm"
	@$(MAKE) --no-print-directory browser-packages

BROWSER_MODULES := tests/browser/node_modules/.package-lock.json
browser-packages: $(BROWSER_MODULES)
$(BROWSER_MODULES): tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund

# Quick start: everything from a fresh machine to a first answer.
demo: deps
	@$(MAKE) --no-print-directory dealsearch
	./dealsearch index
	./dealsearch "interim CEO"

test-build: dealsearch $(UNIT_BIN) $(BUILD)/bench/eval fuzz-build

# The whole suite, then again under AddressSanitizer + UBSan.
test: test-deps
	@$(MAKE) --no-print-directory test-build
	@$(MAKE) --no-print-directory BUILD=build/asan \
	    SAN_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    CFLAGS="-O1 -g" CXXFLAGS="-O1 -g" build/asan/dealsearch asan-unit
	@tests/run.sh

asan-unit: $(UNIT_BIN)

# Ranking quality on the CISI test collection (bench/RELEVANCE.md):
# dealsearch with its shipped settings beside the FTS5 baselines.
include bench/eval.mk
# Speed and size beside SQLite FTS5 and raw Xapian (bench/README.md):
# make bench, bench-quick, bench-levers.
include bench/bench.mk
# `dealsearch serve` under load: make bench-serve (in make bench), bench-soak.
include bench/load.mk
include bench/reader.mk
CISI_INDEX := $(BUILD)/cisi.index
eval: dealsearch $(BUILD)/bench/eval $(EVAL_RUNS)
	./dealsearch index --jsonl $(CISI_DIR)/docs.jsonl --index $(CISI_INDEX)
	./dealsearch run --index $(CISI_INDEX) --queries $(CISI_DIR)/queries.tsv \
	    --format trec --limit 100 >$(BUILD)/bench/cisi-dealsearch.run
	@for run in $(BUILD)/bench/cisi-dealsearch.run $(EVAL_RUNS); do \
	    echo "== $$run"; \
	    $(BUILD)/bench/eval $(CISI_DIR)/qrels.txt $$run || exit 1; \
	done

# The same run on the two collections every ranking change is also read on
# (bench/RELEVANCE.md, "Proximity"): Cranfield's SMART files (cran.all.1400,
# cran.qry, cranqrel) from CRANFIELD_DIR and CACM's (cacm.all, query.text,
# qrels.text) from CACM_DIR, converted by bench/smart/convert.py.  Nothing
# is downloaded; a collection whose folder is not given is skipped with a
# line saying so.
CRANFIELD_DIR ?=
CACM_DIR ?=
.PHONY: eval-more
eval-more: dealsearch $(BUILD)/bench/eval
	@$(MAKE) --no-print-directory deps EXTRA_PACKAGES=python3
	@for c in "cranfield CRANFIELD_DIR $(CRANFIELD_DIR)" "cacm CACM_DIR $(CACM_DIR)"; do \
	    set -- $$c; out=$(BUILD)/bench/$$1; \
	    if [ -z "$$3" ]; then echo "$$1 skipped: no $$2 given"; continue; fi; \
	    python3 bench/smart/convert.py $$1 "$$3" $$out && \
	    ./dealsearch index --quiet --rebuild --jsonl $$out/docs.jsonl \
	        --index $$out/index && \
	    ./dealsearch run --index $$out/index --queries $$out/queries.tsv \
	        --format trec --limit 100 >$$out/dealsearch.run && \
	    echo "== $$1" && $(BUILD)/bench/eval $$out/qrels.txt $$out/dealsearch.run || exit 2; \
	done

# Fuzzing (libFuzzer): make fuzz, fuzz-replay (in make test), fuzz-ci.
include tests/fuzz/fuzz.mk

# The reliability tests at full strength (make test runs them lighter).
reliability: test-deps
	@$(MAKE) --no-print-directory test-build
	tests/reliability/run.sh full build/dealsearch

# The end-to-end tests under valgrind memcheck (a few minutes).
valgrind:
	@$(MAKE) --no-print-directory deps EXTRA_PACKAGES="$(TEST_PACKAGES) valgrind"
	@$(MAKE) --no-print-directory dealsearch
	tests/valgrind/run.sh

install: dealsearch $(LIB_A) $(LIB_SO)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	    $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 755 dealsearch $(DESTDIR)$(PREFIX)/bin/dealsearch
	install -m 644 dealsearch.1 $(DESTDIR)$(PREFIX)/share/man/man1/dealsearch.1
	install -m 644 completion/dealsearch.bash \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/dealsearch
	install -m 644 $(LIB_A) $(DESTDIR)$(PREFIX)/lib/libdealsearch.a
	install -m 755 $(LIB_SO) $(DESTDIR)$(PREFIX)/lib/$(SO_NAME)
	ln -sf $(SO_NAME) $(DESTDIR)$(PREFIX)/lib/libdealsearch.so
	install -m 644 src/dealsearch.h $(DESTDIR)$(PREFIX)/include/dealsearch.h
	printf '%s\n' $(PC_LINES) >$(DESTDIR)$(PREFIX)/lib/pkgconfig/dealsearch.pc

clean:
	rm -rf build dealsearch

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
