//! Shared by node.rs and browser.rs: the servers' addresses (compile-time, from the
//! launcher `wasm/tests/with-servers.sh`), the JS suite, and one test per suite function.

use cql_wasm::Client;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/tests/common/suite.js")]
extern "C" {
    pub fn options(
        bridge: &str,
        node: &str,
        token: Option<String>,
        keyspace: Option<String>,
    ) -> JsValue;
    #[wasm_bindgen(catch)]
    pub async fn ddl(client: &JsValue, ks: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = allTypes)]
    pub async fn all_types(client: &JsValue, ks: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    pub async fn paging(client: &JsValue, ks: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    pub async fn errors(
        client: &JsValue,
        ks: &str,
        classes: &JsValue,
        bad: &JsValue,
        ctor: &JsValue,
        good: &JsValue,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    pub async fn closing(client: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = keyspaceOption)]
    pub async fn keyspace_option(client: &JsValue, ks: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = errorContext)]
    pub async fn error_context(
        client: &JsValue,
        ks: &str,
        classes: &JsValue,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = unknownOptions)]
    pub async fn unknown_options(
        client: &JsValue,
        ctor: &JsValue,
        opts: &JsValue,
        classes: &JsValue,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = jsonResults)]
    pub async fn json_results(client: &JsValue, ks: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = hostTrouble)]
    pub async fn host_trouble(
        ctor: &JsValue,
        opts: &JsValue,
        classes: &JsValue,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = badCredentials)]
    pub async fn bad_credentials(
        ctor: &JsValue,
        opts: &JsValue,
        classes: &JsValue,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = systemLocal)]
    pub async fn system_local(client: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    pub async fn discovery(client: &JsValue, contact_point: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = schemaMetadata)]
    pub async fn schema_metadata(
        client: &JsValue,
        ks: &str,
        ctor: &JsValue,
        opts: &JsValue,
        classes: &JsValue,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = schemaObjects)]
    pub async fn schema_objects(
        client: &JsValue,
        ks: &str,
        classes: &JsValue,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    pub async fn translation(
        ctor: &JsValue,
        opts: &JsValue,
        classes: &JsValue,
    ) -> Result<JsValue, JsValue>;
}

/// The bridge URL, e.g. `ws://127.0.0.1:PORT/cql`.
pub const BRIDGE: Option<&str> = option_env!("CQL_WASM_BRIDGE");
/// The node as the bridge reaches it.
pub const NODE: Option<&str> = option_env!("CQL_WASM_NODE");
/// The bridge's token, if it wants one.
pub const TOKEN: Option<&str> = option_env!("CQL_WASM_TOKEN");
/// A node of the 3-node cluster behind the same bridge (empty or unset: no cluster).
pub const CLUSTER: Option<&str> = option_env!("CQL_WASM_CLUSTER");
/// A node that wants credentials `wasm`/`wasm-password` (empty or unset: none).
pub const AUTH_NODE: Option<&str> = option_env!("CQL_WASM_AUTH_NODE");

/// A client with one contact point on the 3-node cluster, or `None` (the test is
/// skipped) when the launcher started none.
pub async fn connect_cluster() -> Option<(JsValue, &'static str)> {
    let node = CLUSTER.filter(|n| !n.is_empty());
    let (Some(bridge), Some(node)) = (BRIDGE, node) else {
        web_sys_log("CQL_WASM_CLUSTER not set at build time: no cluster; skipped");
        return None;
    };
    let opts = options(bridge, node, TOKEN.map(str::to_string), None);
    let c = JsFuture::from(Client::connect(opts)).await;
    Some((
        c.unwrap_or_else(|e| panic!("connect: {}", describe(&e))),
        node,
    ))
}

/// Options for the test servers, or `None` (the test is skipped) when the launcher did
/// not set them.
pub fn test_options(keyspace: Option<&str>) -> Option<JsValue> {
    match (BRIDGE, NODE) {
        (Some(b), Some(n)) => Some(options(
            b,
            n,
            TOKEN.map(str::to_string),
            keyspace.map(str::to_string),
        )),
        _ => {
            web_sys_log(
                "CQL_WASM_BRIDGE/CQL_WASM_NODE not set at build time: run through wasm/tests/with-servers.sh; skipped",
            );
            None
        }
    }
}

/// Logs `msg` (shown by the test runner on failure or with --nocapture).
pub fn web_sys_log(msg: &str) {
    js_sys::eval(&format!("console.log({msg:?})")).ok();
}

/// A connected client (as the JS object).
pub async fn connect(keyspace: Option<&str>) -> Option<JsValue> {
    let opts = test_options(keyspace)?;
    let c = JsFuture::from(Client::connect(opts)).await;
    Some(c.unwrap_or_else(|e| panic!("connect: {}", describe(&e))))
}

/// An error's name and message.
pub fn describe(e: &JsValue) -> String {
    let get = |k: &str| {
        js_sys::Reflect::get(e, &k.into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    format!("{}: {}", get("name"), get("message"))
}

/// Options pointing at a port where nothing listens.
pub fn unreachable() -> JsValue {
    options(
        "ws://127.0.0.1:9/cql",
        NODE.unwrap_or("127.0.0.1:9042"),
        None,
        None,
    )
}

/// Defines the end-to-end tests, each in keyspace `<prefix>_<name>`.
#[macro_export]
macro_rules! suite {
    ($prefix:literal) => {
        use common::*;
        use wasm_bindgen_test::*;

        fn ok(r: Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>, what: &str) {
            if let Err(e) = r {
                panic!("{what}: {}", describe(&e));
            }
        }

        #[wasm_bindgen_test]
        async fn connects_and_reads_system_local() {
            let Some(c) = connect(None).await else { return };
            ok(system_local(&c).await, "system.local");
            ok(closing(&c).await, "close");
        }

        #[wasm_bindgen_test]
        async fn every_cql_type_round_trips() {
            let ks = concat!($prefix, "_types");
            let Some(c) = connect(None).await else { return };
            ok(ddl(&c, ks).await, "ddl");
            ok(all_types(&c, ks).await, "all types");
            ok(closing(&c).await, "close");
        }

        #[wasm_bindgen_test]
        async fn pages_prepared_batches_and_streams() {
            let ks = concat!($prefix, "_paging");
            let Some(c) = connect(None).await else { return };
            ok(ddl(&c, ks).await, "ddl");
            ok(paging(&c, ks).await, "paging");
            ok(closing(&c).await, "close");
        }

        #[wasm_bindgen_test]
        async fn the_keyspace_option_applies_to_every_path() {
            let ks = concat!($prefix, "_ksopt");
            let Some(c) = connect(None).await else { return };
            ok(keyspace_option(&c, ks).await, "keyspace option");
            ok(closing(&c).await, "close");
        }

        #[wasm_bindgen_test]
        async fn errors_carry_the_callers_stack_and_the_query() {
            let ks = concat!($prefix, "_errctx");
            let Some(c) = connect(None).await else { return };
            ok(ddl(&c, ks).await, "ddl");
            ok(
                error_context(&c, ks, &cql_wasm::error_classes()).await,
                "error context",
            );
            ok(closing(&c).await, "close");
        }

        #[wasm_bindgen_test]
        async fn unknown_options_are_refused_with_the_equivalent() {
            let Some(c) = connect(None).await else { return };
            let ctor = js_sys::Reflect::get(&c, &"constructor".into()).unwrap();
            let opts = test_options(None).unwrap();
            ok(
                unknown_options(&c, &ctor, &opts, &cql_wasm::error_classes()).await,
                "unknown options",
            );
            ok(closing(&c).await, "close");
        }

        #[wasm_bindgen_test]
        async fn json_results_and_printable_values() {
            let ks = concat!($prefix, "_json");
            let Some(c) = connect(None).await else { return };
            ok(ddl(&c, ks).await, "ddl");
            ok(all_types(&c, ks).await, "all types");
            ok(paging(&c, ks).await, "paging");
            ok(json_results(&c, ks).await, "json");
            ok(closing(&c).await, "close");
        }

        #[wasm_bindgen_test]
        async fn refused_hosts_show_why_and_listeners_hear_it() {
            let Some((c, node)) = connect_cluster().await else {
                return;
            };
            let ctor = js_sys::Reflect::get(&c, &"constructor".into()).unwrap();
            let opts = options(BRIDGE.unwrap(), node, TOKEN.map(str::to_string), None);
            ok(
                host_trouble(&ctor, &opts, &cql_wasm::error_classes()).await,
                "host trouble",
            );
            ok(closing(&c).await, "close");
        }

        #[wasm_bindgen_test]
        async fn wrong_credentials_everywhere_are_an_authentication_error() {
            let (Some(bridge), Some(node)) = (BRIDGE, AUTH_NODE.filter(|n| !n.is_empty())) else {
                return;
            };
            let Some(c) = connect(None).await else { return };
            let ctor = js_sys::Reflect::get(&c, &"constructor".into()).unwrap();
            let opts = options(bridge, node, TOKEN.map(str::to_string), None);
            ok(
                bad_credentials(&ctor, &opts, &cql_wasm::error_classes()).await,
                "bad credentials",
            );
            ok(closing(&c).await, "close");
        }

        #[wasm_bindgen_test]
        async fn one_contact_point_discovers_the_cluster_through_the_bridge() {
            let Some((c, node)) = connect_cluster().await else {
                return;
            };
            ok(discovery(&c, node).await, "discovery");
            ok(closing(&c).await, "close");
        }

        #[wasm_bindgen_test]
        async fn translated_addresses_and_network_bridges() {
            let Some((c, node)) = connect_cluster().await else {
                return;
            };
            let ctor = js_sys::Reflect::get(&c, &"constructor".into()).unwrap();
            let opts = options(BRIDGE.unwrap(), node, TOKEN.map(str::to_string), None);
            ok(
                translation(&ctor, &opts, &cql_wasm::error_classes()).await,
                "translation",
            );
            ok(closing(&c).await, "close");
        }

        #[wasm_bindgen_test]
        async fn schema_metadata_lookups_replicas_export_and_changes() {
            let ks = concat!($prefix, "_schema");
            let Some(c) = connect(None).await else { return };
            let ctor = js_sys::Reflect::get(&c, &"constructor".into()).unwrap();
            let opts = test_options(None).unwrap();
            ok(
                schema_metadata(&c, ks, &ctor, &opts, &cql_wasm::error_classes()).await,
                "schema metadata",
            );
            ok(closing(&c).await, "close");
        }

        #[wasm_bindgen_test]
        async fn schema_functions_aggregates_views_and_triggers() {
            let ks = concat!($prefix, "_schema_objects");
            let Some(c) = connect(None).await else { return };
            let r = schema_objects(&c, ks, &cql_wasm::error_classes()).await;
            if r.as_ref().ok().and_then(|v| v.as_string()).as_deref() == Some("skipped") {
                web_sys_log("the node has no user-defined functions: skipped");
            }
            ok(r, "functions, aggregates, views, triggers");
            ok(closing(&c).await, "close");
        }

        #[wasm_bindgen_test]
        async fn errors_are_js_error_subclasses_with_fields() {
            let ks = concat!($prefix, "_errors");
            let Some(c) = connect(None).await else { return };
            ok(ddl(&c, ks).await, "ddl");
            let classes = cql_wasm::error_classes();
            let ctor = js_sys::Reflect::get(&c, &"constructor".into()).unwrap();
            let good = test_options(None).unwrap();
            ok(
                errors(&c, ks, &classes, &unreachable(), &ctor, &good).await,
                "errors",
            );
            ok(closing(&c).await, "close");
        }
    };
}
