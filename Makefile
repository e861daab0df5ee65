# The two commands of the README:
#   make run    build everything and start the server with a demo consultation
#   make test   build everything and run every test (the sanitizer build too)
# Other targets: make build, make web, make bench, make fuzz, make clean.

SHELL := /bin/bash
export CCACHE_DIR ?= $(HOME)/.cache/ccache

.PHONY: run test build build-asan web bench bootstrap bootstrap-browser clean test-asan test-release fuzz

bootstrap:
	@scripts/bootstrap.sh

bootstrap-browser:
	@scripts/bootstrap.sh --browser

build: bootstrap
	@cmake --preset release >/dev/null
	@cmake --build --preset release

build-asan: bootstrap
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan

web: bootstrap
	@scripts/build-web.sh

# The sanitizer run comes first so that the last lines printed are the summary
# of the full run (C++ and web suites, one ctest summary).
#
# Each libFuzzer target also runs for TEST_FUZZ_SECONDS (issue 8: fuzzing is
# part of the test command, bounded; `make fuzz FUZZ_SECONDS=600` for longer).
TEST_FUZZ_SECONDS ?= 20

test: bootstrap-browser build-asan build web
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(TEST_FUZZ_SECONDS)
	@ctest --preset asan
	@ctest --preset release

test-asan: build-asan
	@ctest --preset asan

test-release: build web
	@ctest --preset release

run: build web
	@scripts/run-demo.sh

bench: build
	@scripts/bench.sh

# libFuzzer targets (clang 14, ASan + UBSan; tests/fuzz/README.md), each run for
# FUZZ_SECONDS. New inputs go to build/fuzz/corpus/<target> (the committed seeds
# in tests/fuzz/corpus are only read); a crash leaves its input in
# build/fuzz/artifacts/ and fails the target. `make test` runs them too, for
# TEST_FUZZ_SECONDS each.
FUZZ_SECONDS ?= 30
FUZZ_TARGETS := fuzz_text_op fuzz_client_message fuzz_log_replay fuzz_token fuzz_framework_json fuzz_framework_csv

fuzz: bootstrap
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz
	@mkdir -p build/fuzz/artifacts
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus/$$t; \
	  echo "== $$t ($(FUZZ_SECONDS) s, output in build/fuzz/$$t.log)"; \
	  if ! build/fuzz/tests/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	      -print_final_stats=1 -artifact_prefix=build/fuzz/artifacts/$$t- \
	      build/fuzz/corpus/$$t tests/fuzz/corpus/$$t > build/fuzz/$$t.log 2>&1; then \
	    tail -n 60 build/fuzz/$$t.log; echo "FAILED: $$t (the input is in build/fuzz/artifacts/)"; exit 1; \
	  fi; \
	  grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb)' build/fuzz/$$t.log; \
	done

clean:
	rm -rf build client-web/dist client-web/src/gen
