# The two commands that matter: `make demo` and `make test`. Everything else is here to serve them.

BUILD       ?= build
ASAN_BUILD  ?= build-asan
JOBS        ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
CTEST_FLAGS ?= --output-on-failure --timeout 300

.PHONY: all deps build build-asan demo test test-release test-asan test-web bench clean format

all: build

deps:
	@bash deps/install.sh

# -O2 without debug information: full debug information doubles the build time of the
# template-heavy translation units (Asio, CLI11, JSON). For a debugger, pass
# CMAKE_FLAGS=-DCMAKE_CXX_FLAGS_RELEASE="-O2 -g -DNDEBUG". The sanitizer build keeps line
# tables (-g1), which is all a sanitizer report needs, and is not optimized: -O0 compiles about
# 40 % faster than -O1 here, and the tests run in a few minutes either way.
# Both are unity builds (CMake compiles each target's sources eight to a file): the headers and the
# templates that the files of a module share (JSON, CLI11, Asio, googletest) are then compiled once
# per eight files, which halves the compile time of the whole. It asks one thing of the code: a
# name in a source file's anonymous namespace must not be defined again in another file of the
# same target. A plain `cmake` configuration builds file by file, for quick rebuilds of one file.
UNITY := -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=8
$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
	  -DALIQUOT_WERROR=ON $(UNITY) $(CMAKE_FLAGS)

$(ASAN_BUILD)/build.ninja: | deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" \
	  -DALIQUOT_WERROR=ON $(UNITY) \
	  -DALIQUOT_SANITIZE=ON -DALIQUOT_BUILD_BENCH=OFF $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

build-asan: deps $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# A simulated day in a fresh lab under ./var/, then the server on it at
# http://127.0.0.1:$(DEMO_PORT)/ with demo logins (printed) and simulated analyzers reporting new
# results over ASTM, until Ctrl-C. The web UI is built when npm is there; without it the server
# answers the JSON API alone and says so.
DEMO_PORT ?= 8080
DEMO_WEB  := $(if $(shell command -v npm 2>/dev/null),web)
demo: build $(DEMO_WEB)
	$(BUILD)/aliquot demo --dir var --serve 127.0.0.1:$(DEMO_PORT) --web web/dist

# Every test: once in the optimized build, once more under AddressSanitizer + UBSan, then the
# web UI's unit tests and the browser journey (Playwright driving Debian's chromium headless
# against a real server; screenshots in $(BUILD)/e2e-artifacts).
test: test-release test-asan test-web

test-web: build web
	npx vitest run --config web/vite.config.ts
	ALIQUOT_BINARY=$(BUILD)/aliquot ALIQUOT_ARTIFACTS=$(BUILD)/e2e-artifacts node web/e2e/journey.mjs

test-release: build
	cd $(BUILD) && ctest $(CTEST_FLAGS) -j $(JOBS)

test-asan: build-asan
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest $(CTEST_FLAGS) -j $(JOBS)

# Peers from the npm registry (package.json) are installed when npm is there; a benchmark whose
# peer is missing says so and measures the rest.
bench: build
	cmake --build $(BUILD) -j $(JOBS) --target benchmarks
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	  else echo "npm not found: benchmarks skip their npm peers"; fi
	@for b in $(BUILD)/bench/*_bench; do echo "== $$b"; $$b || exit 1; done

format:
	clang-format -i $$(git ls-files '*.h' '*.cc')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

# The bench web UI (web/): TypeScript built by Vite into web/dist, which `aliquot serve --web
# web/dist` serves. The npm packages (package.json) are installed again only when the lock file
# is newer than the installed tree. The browser journey: `node web/e2e/journey.mjs`.
.PHONY: web
web: node_modules/.package-lock.json
	npx tsc -p web
	npx vite build --config web/vite.config.ts --logLevel warn

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@
