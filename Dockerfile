# syntax=docker/dockerfile:1
# pocketcode's image: one Rust binary, its site, and the pinned opencode it
# supervises. `fly deploy` builds it; see "Deploy to Fly.io" in README.md.
#
#   docker build --build-arg POCKETCODE_VERSION="$(git describe --always --dirty)" .
#
# The build stage runs the same Makefile targets as `make deploy-check`
# (`make release`, then `deploy/assemble`), so what that check starts is what
# this image runs.

ARG RUST_VERSION=1.95
ARG NODE_VERSION=20

# Node provides npm and node for the build (Tailwind, binaryen's wasm-opt,
# the opencode-ai package); the runtime needs node alone, for the agent's
# browser tools (@playwright/mcp).
FROM node:${NODE_VERSION}-bookworm-slim AS node

FROM rust:${RUST_VERSION}-bookworm AS build
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
    && node --version && npm --version
WORKDIR /src
# Tooling first, in its own layer, so a source change does not reinstall it:
# the wasm32 target, cargo-leptos and wasm-bindgen-cli (versions pinned in the
# Makefile) and the exact npm packages of package.json.
COPY Makefile package.json package-lock.json ./
RUN make rust-deps npm-deps
COPY . .
# .git is not sent to the builder (.dockerignore): the version's first half
# comes from this argument instead of `git describe` (see build.rs).
ARG POCKETCODE_VERSION=""
ENV POCKETCODE_VERSION=${POCKETCODE_VERSION}
RUN make release && deploy/assemble /app

FROM debian:bookworm-slim AS runtime
# git and openssh-client for the agent's work, chromium for the shared
# browser, tini as PID 1 (reaps what the agent leaves behind, forwards
# signals). Versions are not pinned (DL3008): bookworm's archive only takes
# security fixes, and superseded versions leave it, so pins would break.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       bubblewrap ca-certificates chromium git libssl3 openssh-client tini \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --uid 1000 --user-group --home-dir /data --no-create-home --shell /bin/sh pocketcode \
    && mkdir -p /data \
    && chown pocketcode:pocketcode /data
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=build /app /app
ENV POCKETCODE_DATA_DIR=/data \
    POCKETCODE_LISTEN=0.0.0.0:8080 \
    POCKETCODE_LOG_JSON=true \
    HOME=/data
# By number (DL3066): everything runs as uid 1000; /data (the volume) must be
# writable by it, which deploy/run checks before starting.
USER 1000:1000
WORKDIR /data
EXPOSE 8080
# -s: tini also reaps orphans where it is not PID 1 (Fly starts the
# entrypoint under its own init), as a child subreaper.
ENTRYPOINT ["/usr/bin/tini", "-s", "--", "/app/bin/run"]
