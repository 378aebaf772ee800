# docket — one word to build.  `make` installs what is missing, configures and builds into build/.
#   make          build everything (library, build/docket, tests, benchmarks, Python module)
#   make demo     run the CSM hub's command center and this week's changes on the shipped example data and history
#   make examples regenerate examples/data and examples/history with docket_gen (byte-identical)
#   make test     build and run every test (C++ with ctest, Python with pytest)
#   make bench    build and run the benchmarks (prints tables of ratios)
#   make sanitize run the tests under ASan+UBSan (build-asan/) and TSan (build-tsan/)
#   make fuzz     run every libFuzzer target (FUZZ_SECONDS each, default 60)
#   make format   clang-format every C++ file in place (.clang-format); make format-check only checks
#   make lint     clang-tidy over lib/ (.clang-tidy, warnings are errors) and the stage layering check

# Sub-makes (cmake --build) without "Entering directory" noise.
MAKEFLAGS   += --no-print-directory
PYTHON      ?= /usr/bin/python3
BUILD       ?= build
BUILD_TYPE  ?= RelWithDebInfo
JOBS        ?= $(shell nproc)
CMAKE_FLAGS ?=
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

DEB_PACKAGES := build-essential cmake pkg-config libabsl-dev libre2-dev libfmt-dev libyaml-cpp-dev \
  libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev libsqlite3-dev pybind11-dev python3-dev \
  python3-numpy python3-pandas python3-pytest python3-nbclient python3-nbformat python3-ipykernel \
  python3-numexpr python3-dask python3-distributed clang libclang-rt-14-dev clang-format clang-tidy libutf8proc-dev python3-matplotlib

.PHONY: all deps configure build test demo examples bench sanitize fuzz clean format format-check lint
all: build

# Installs the Debian packages that are missing (nothing happens when all are present).
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "docket: installing missing packages:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DPython3_EXECUTABLE=$(PYTHON) $(CMAKE_FLAGS)

configure: $(BUILD)/CMakeCache.txt

build: deps configure
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@if [ -d python/tests ] && [ -d $(BUILD)/python/docket ]; then \
	  PYTHONPATH=$(BUILD)/python DOCKET_BUILD=$(BUILD) $(PYTHON) -m pytest -q python/tests; \
	elif [ -d python/tests ]; then \
	  echo "docket: $(BUILD) was configured without the Python module (DOCKET_BUILD_PYTHON=OFF): pytest not run"; \
	fi

# The CSM hub for Alice Chen, then the week's changes only a history shows
# (examples/history: 13 weekly snapshots): accounts handed over to her with
# the previous CSM, engagement drops against 30 days ago, first use of the
# key feature, renewals that entered the forecast window this week.
demo: build
	./$(BUILD)/docket run examples/rulebooks/csm_hub.yaml --data examples/data --history examples/history \
	  --as-of 2026-11-22 --owner "Alice Chen"
	@echo
	./$(BUILD)/docket run examples/rulebooks/portfolio_lists.yaml --data examples/data --history examples/history \
	  --as-of 2026-11-22 --owner "Alice Chen" \
	  --list owner_transitions,engagement_drop,key_feature_first_use,entered_forecast_window

# The shipped sample: the current snapshot (examples/data) and 13 weekly past
# snapshots of accounts (examples/history), narrowed to the columns the
# example rulebooks read in the past, to keep the repository small.
EXAMPLE_HISTORY_COLUMNS := id,csm,health_score,renewal_date,usage_30d,key_feature_first_used,churned_at
examples: deps configure
	cmake --build $(BUILD) -j $(JOBS) --target docket_gen
	rm -rf examples/history
	./$(BUILD)/docket_gen --out examples/data --as-of 2026-11-22 --seed 42 \
	  --history examples/history --history-columns $(EXAMPLE_HISTORY_COLUMNS)

bench: build
	@for b in $(BUILD)/benchmarks/*_bench; do echo "== $$b"; $$b; done

# The test binaries holding the thread tests TSan runs (names matching Concurrency or Thread).
TSAN_TESTS := containment_test executor_test related_test rulebook_eval_test generator_test
sanitize: deps
	$(MAKE) test BUILD=build-asan BUILD_TYPE=Debug CMAKE_FLAGS="-DDOCKET_SANITIZE=address,undefined -DDOCKET_BUILD_BENCHMARKS=OFF -DDOCKET_BUILD_PYTHON=OFF"
	$(MAKE) configure BUILD=build-tsan BUILD_TYPE=RelWithDebInfo CMAKE_FLAGS="-DDOCKET_SANITIZE=thread -DDOCKET_BUILD_BENCHMARKS=OFF -DDOCKET_BUILD_PYTHON=OFF"
	cmake --build build-tsan -j $(JOBS) --target $(TSAN_TESTS)
	cd build-tsan && ctest --output-on-failure -R '[Cc]oncurrency|[Tt]hread'

FUZZ_SECONDS ?= 60
fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDOCKET_FUZZ=ON -DDOCKET_WERROR=OFF \
	  -DDOCKET_BUILD_TESTS=OFF -DDOCKET_BUILD_BENCHMARKS=OFF -DDOCKET_BUILD_PYTHON=OFF
	cmake --build build-fuzz -j $(JOBS) --target fuzz_expression fuzz_rulebook fuzz_csv fuzz_eval
	@for f in build-fuzz/tests/fuzz/fuzz_*; do \
	  name=$$(basename $$f); mkdir -p build-fuzz/corpus/$$name; \
	  echo "== $$name ($(FUZZ_SECONDS)s)"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 build-fuzz/corpus/$$name tests/fuzz/$${name#fuzz_} || exit 1; \
	done

# Every C++ source and header of the project (not build trees).
CXX_SOURCES = $(shell git ls-files '*.cc' '*.h' 2>/dev/null || find lib include tests benchmarks bindings tools examples -name '*.cc' -o -name '*.h')
format: deps
	clang-format -i $(CXX_SOURCES)
format-check: deps
	@clang-format --dry-run --Werror $(CXX_SOURCES) && echo "docket: clang-format clean ($(words $(CXX_SOURCES)) files)"

# clang-tidy needs the compile commands of a configured build.  It checks the
# lib/ sources whose inputs (the file, the project headers it reaches, its
# flags, .clang-tidy, the tool's version) differ from a run recorded clean in
# .ci/tidy-clean (tools/lint/tidy_cache.py); LINT_ALL=1 checks every one.
# After a clean run the record is rewritten: commit it with the change.
LINT_ALL ?=
lint: build
	$(PYTHON) tools/layers/check_layers.py .
	@if [ -n "$(LINT_ALL)" ]; then rm -f .ci/tidy-clean; fi; \
	files=$$($(PYTHON) tools/lint/tidy_cache.py select . $(BUILD)) || exit 1; \
	if [ -z "$$files" ]; then \
	  echo "docket: clang-tidy: every lib/ source is as it was in a clean run (.ci/tidy-clean)"; \
	else \
	  echo "docket: clang-tidy over the $$(echo "$$files" | wc -l) lib/ sources not yet found clean"; \
	  run-clang-tidy -p $(BUILD) -j $(JOBS) -quiet $$(echo "$$files" | sed -e 's|\.|\\.|g' -e 's|^|$(CURDIR)/|' -e 's|$$|$$|') \
	    > $(BUILD)/clang-tidy.log 2>&1 \
	    || { grep -E 'warning:|error:' $(BUILD)/clang-tidy.log | sort -u | head -50; echo "docket: clang-tidy found problems (full log: $(BUILD)/clang-tidy.log)"; exit 1; }; \
	fi
	$(PYTHON) tools/lint/tidy_cache.py record . $(BUILD)
	@echo "docket: clang-tidy clean over lib/"

clean:
	rm -rf $(BUILD) build-asan build-tsan build-fuzz
