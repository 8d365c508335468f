# bench/reader.mk — how well the news reader reads real news, included by
# the top Makefile (after LIB_OBJ, LDLIBS and the $(BUILD)/%.o rules).
#
#   make eval-reader          score the reader on the shared news corpora and
#                             on variants of them in other layouts; one table
#   make eval-reader-data     just (re)generate the variants
#   make eval-reader-adapter  the same table through the shared
#                             adapt_passages.py --json (one process per file)
#   make eval-reader-clean    remove the generated variants
#
# NEWS_EVAL_DIR is the shared ground truth (its README.md defines the
# metrics); nothing of it is copied into the repository.  The variants are
# generated into bench/reader/data/ (git-ignored: derived from articles
# licensed for research only).  bench/READER.md has the results.

NEWS_EVAL_DIR ?= ../shared/eval/news
READER_DATA := bench/reader/data
READER_SEED ?= 1
READER_BIN := $(BUILD)/bench/reader/read_articles
READER_STAMP := $(READER_DATA)/.stamp-$(READER_SEED)
PYTHON3 ?= /usr/bin/python3

.PHONY: eval-reader eval-reader-data eval-reader-adapter eval-reader-clean

$(READER_BIN): $(BUILD)/bench/reader/read_articles.o $(LIB_OBJ)
	$(CXX) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

$(READER_STAMP): bench/reader/make_variants.py $(NEWS_EVAL_DIR)/reuters/truth.jsonl \
                 $(NEWS_EVAL_DIR)/bbc/truth.jsonl
	rm -rf $(READER_DATA)
	$(PYTHON3) bench/reader/make_variants.py --shared $(NEWS_EVAL_DIR) \
	    --out $(READER_DATA) --seed $(READER_SEED) >/dev/null
	touch $@

eval-reader-data: $(READER_STAMP)

eval-reader: $(READER_BIN) $(READER_STAMP)
	$(PYTHON3) bench/reader/eval_reader.py --shared $(NEWS_EVAL_DIR) \
	    --data $(READER_DATA) --reader $(READER_BIN) $(EVAL_READER_FLAGS)

eval-reader-adapter: $(BUILD)/dealsearch $(READER_STAMP)
	$(PYTHON3) bench/reader/eval_reader.py --shared $(NEWS_EVAL_DIR) \
	    --data $(READER_DATA) --adapter $(BUILD)/dealsearch $(EVAL_READER_FLAGS)

eval-reader-clean:
	rm -rf $(READER_DATA)
