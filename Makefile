# The two commands of the README:
#   make run    build everything and start the server with a demo consultation
#   make test   build everything and run every test (the sanitizer build too)
# Other targets: make build, make web, make bench, make clean.

SHELL := /bin/bash
export CCACHE_DIR ?= $(HOME)/.cache/ccache

.PHONY: run test build build-asan web bench bootstrap bootstrap-browser clean test-asan test-release

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
test: bootstrap-browser build-asan build web
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

clean:
	rm -rf build client-web/dist client-web/src/gen
