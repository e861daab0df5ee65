# The two commands of the README:
#   make run    build everything and start the server with a demo consultation
#   make test   build everything and run every test (the sanitizer build too)
# Other targets: make build, make bench, make clean.

SHELL := /bin/bash
export CCACHE_DIR ?= $(HOME)/.cache/ccache

.PHONY: run test build build-asan bench bootstrap clean test-asan test-release

bootstrap:
	@scripts/bootstrap.sh

build: bootstrap
	@cmake --preset release >/dev/null
	@cmake --build --preset release

build-asan: bootstrap
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan

# The sanitizer run comes first so that the last lines printed are the summary
# of the full test run.
test: build-asan build
	@ctest --preset asan
	@ctest --preset release

test-asan: build-asan
	@ctest --preset asan

test-release: build
	@ctest --preset release

run: build
	@scripts/run-demo.sh

bench: build
	@scripts/bench.sh

clean:
	rm -rf build
