#!/usr/bin/env bash
# Builds the npm package in wasm/pkg: wasm-pack --target web (release, wasm-opt from npm's
# binaryen), then adds the Node.js / browser / workerd entry points (finish-package.mjs).
# `npm pack wasm/pkg` makes the tarball.
set -euo pipefail
cd "$(dirname "$0")/.."
# npm's binaryen first on PATH: never Debian's wasm-opt (it emits broken wasm).
export PATH="$PWD/node_modules/.bin:$PATH"
wasm-pack build --release --target web --out-dir pkg --out-name cql_wasm "$@"
node scripts/finish-package.mjs pkg
