#!/usr/bin/env bash
# The wasm step of the test command (.ci/test calls it; it also runs on its own):
# the driver in browsers, Node.js and workerd. Installs what is missing, then runs
#   1. clippy of the wasm crates for wasm32-unknown-unknown,
#   2. the npm package build (wasm-pack --target web, wasm-opt from npm's binaryen),
#   3. with cql-sim and cql-bridge running on 127.0.0.1 (wasm/tests/with-servers.sh):
#      wasm-bindgen tests in Node.js and headless Chromium, and the JS tests (the npm
#      tarball installed in a fresh directory with the Node.js examples, the web example in
#      Chromium, the edge worker in workerd, the object mapper's cases in all three),
#   4. a size report of the .wasm (raw and gzip).
# Uses the workspace's target directory (shared with the rest of CI).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step() { printf '\n==> wasm: %s\n' "$*"; }

# The wasm-bindgen CLI must be the exact version of the crate in Cargo.lock.
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)

step "toolchain (wasm32 target, wasm-bindgen-cli $wb_version, wasm-pack, chromium, node, npm packages)"
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  # --locked first; its lock file names a webpki-roots release the registry no longer
  # serves, so fall back to a fresh resolution of the same wasm-bindgen-cli version.
  cargo install wasm-bindgen-cli --version "$wb_version" --locked --force \
    || cargo install wasm-bindgen-cli --version "$wb_version" --force
fi
command -v wasm-pack >/dev/null || cargo install wasm-pack --locked
need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
command -v node >/dev/null || need_apt+=(nodejs)
command -v npm >/dev/null || need_apt+=(npm)
if [ "${#need_apt[@]}" -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi
# (typescript and typescript5 both link node_modules/.bin/tsc: check each package's own.)
if [ ! -x wasm/node_modules/.bin/wasm-opt ] || [ ! -x wasm/node_modules/.bin/workerd ] \
   || [ ! -x wasm/node_modules/typescript/bin/tsc ] || [ ! -x wasm/node_modules/typescript5/bin/tsc ] \
   || [ wasm/package-lock.json -nt wasm/node_modules/.package-lock.json ]; then
  (cd wasm && npm ci --no-audit --no-fund)
fi
# npm's binaryen (wasm-opt 12x) before anything else: Debian's wasm-opt emits broken wasm.
export PATH="$PWD/wasm/node_modules/.bin:$HOME/.cargo/bin:$PATH"
echo "wasm-bindgen $(wasm-bindgen --version | awk '{print $2}'), $(wasm-pack --version), $(wasm-opt --version), node $(node --version), $(chromium --version 2>/dev/null | head -1)"

step "clippy (wasm32-unknown-unknown, -D warnings)"
# cql-core's connection state is an Arc that is neither Send nor Sync on wasm32 by
# design (MaybeSend/MaybeSync), which clippy's arc_with_non_send_sync flags there only.
# (transport-websocket's dev-dependencies are native-only: its library alone here.)
cargo clippy --locked --target wasm32-unknown-unknown -p cql-transport-websocket --lib \
  -- -D warnings -A clippy::arc_with_non_send_sync
cargo clippy --locked --target wasm32-unknown-unknown -p cql-wasm --all-targets \
  -- -D warnings -A clippy::arc_with_non_send_sync

step "npm package (wasm-pack --release --target web)"
bash wasm/scripts/build-package.sh

step "tests through cql-bridge to cql-sim: wasm-bindgen (Node.js, headless Chromium), npm tarball, web page, worker, mapper"
export NODE_ARGS=--experimental-websocket
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$PWD/wasm/tests/webdriver.json"
export WASM_BINDGEN_TEST_TIMEOUT=60
bash wasm/tests/with-servers.sh bash -c '
  set -e
  cargo test --locked --target wasm32-unknown-unknown -p cql-wasm
  node --experimental-websocket --no-warnings --test wasm/tests/js/
'

step "size of the .wasm"
wasm=wasm/pkg/cql_wasm_bg.wasm
raw=$(wc -c <"$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
# Issue 5's goal was under 400 KB gzip for the driver of then; schema metadata (issue 14:
# the parser read at connect, client.metadata and both CQL exports) costs about 70 KB gzip
# of its own after its size work (wasm/README.md, "Measured"); DSE graph (issue 16:
# executeGraph with GraphSON 1/2/3 decoding, parameters and bytecode in the core, their JS
# conversions) about 75 KB more, the DSE value types about 14 KB. The gate is 520 KB: it
# still catches a regression of a few percent.
echo "cql_wasm_bg.wasm: $raw bytes raw, $gz bytes gzip -9 (gate: under 532480 gzip)"
[ "$gz" -lt 532480 ] || { echo "the .wasm grew past 520 KB gzip" >&2; exit 1; }
echo "wasm step took $(( $(date +%s) - started )) s"
