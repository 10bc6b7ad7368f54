#!/usr/bin/env bash
# Builds the npm package in wasm/pkg: wasm-pack --target web (release, wasm-opt from npm's
# binaryen), then adds the Node.js / browser / workerd entry points (finish-package.mjs).
# `npm pack ./wasm/pkg` makes the tarball.
set -euo pipefail
cd "$(dirname "$0")/.."
# npm's binaryen first on PATH: never Debian's wasm-opt (it emits broken wasm).
export PATH="$PWD/node_modules/.bin:$PATH"
# LTO and one codegen unit: smaller and faster (opt-level "s" would save 11 KB gzip more
# but cost up to a third of the throughput). Only the wasm32 artifacts are built here.
# Override by setting these variables.
export CARGO_PROFILE_RELEASE_LTO="${CARGO_PROFILE_RELEASE_LTO:-true}"
export CARGO_PROFILE_RELEASE_OPT_LEVEL="${CARGO_PROFILE_RELEASE_OPT_LEVEL:-3}"
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS="${CARGO_PROFILE_RELEASE_CODEGEN_UNITS:-1}"
wasm-pack build --release --target web --out-dir pkg --out-name cql_wasm "$@"
node scripts/finish-package.mjs pkg
