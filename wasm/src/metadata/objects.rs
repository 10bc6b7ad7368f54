//! The schema model as plain JavaScript objects (`KeyspaceMetadata`, `TableMetadata`, ...
//! in types.ts): built on demand from a snapshot, never shared with it, so user code may
//! keep or change them freely.

use cql_core::cluster::schema::SortedMap;

use cql_core::cluster::host::Host;
use cql_core::cluster::schema::{
    AggregateMetadata, ClusteringOrder, ColumnKind, ColumnMetadata, FunctionMetadata,
    IndexMetadata, KeyspaceMetadata, OptionValue, TableMetadata, TriggerMetadata, UserTypeMetadata,
    ViewMetadata,
};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::convert::to_js::set;

/// Sets `obj[key]` as an own data property, whatever `key` is: a name read from the
/// cluster (`"__proto__"` included) never reaches a setter of the object's prototype.
pub fn entry(obj: &Object, key: &str, value: &JsValue) {
    let d = Object::new();
    set(&d, "value", value);
    set(&d, "enumerable", &JsValue::TRUE);
    set(&d, "writable", &JsValue::TRUE);
    set(&d, "configurable", &JsValue::TRUE);
    let _ = Reflect::define_property(obj, &JsValue::from_str(key), &d);
}

fn text(s: &str) -> JsValue {
    JsValue::from_str(s)
}

fn text_or_null(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::NULL, JsValue::from_str)
}

fn texts<'a>(items: impl IntoIterator<Item = &'a String>) -> Array {
    items.into_iter().map(|s| text(s)).collect()
}

/// A map of text as an object.
fn text_map(map: &SortedMap<String, String>) -> Object {
    let o = Object::new();
    for (k, v) in map {
        entry(&o, k, &text(v));
    }
    o
}

/// A table or view option: text, number, boolean, an object (maps) or an array.
fn option_value(v: &OptionValue) -> JsValue {
    match v {
        OptionValue::Text(s) => text(s),
        // Options are small counts and durations: exact as numbers.
        #[allow(clippy::cast_precision_loss)]
        OptionValue::Int(n) => JsValue::from_f64(*n as f64),
        OptionValue::Double(d) => JsValue::from_f64(*d),
        OptionValue::Bool(b) => JsValue::from_bool(*b),
        OptionValue::Map(m) => text_map(m).into(),
        OptionValue::List(l) => texts(l).into(),
    }
}

fn options(map: &SortedMap<String, OptionValue>) -> Object {
    let o = Object::new();
    for (k, v) in map {
        entry(&o, k, &option_value(v));
    }
    o
}

fn kind_name(kind: ColumnKind) -> &'static str {
    match kind {
        ColumnKind::PartitionKey => "partition_key",
        ColumnKind::Clustering => "clustering",
        ColumnKind::Static => "static",
        ColumnKind::Regular => "regular",
    }
}

fn column(c: &ColumnMetadata) -> JsValue {
    let o = Object::new();
    set(&o, "name", &text(&c.name));
    set(&o, "type", &text(&c.type_text));
    set(&o, "kind", &text(kind_name(c.kind)));
    set(&o, "position", &JsValue::from(c.position));
    set(&o, "isStatic", &JsValue::from_bool(c.is_static()));
    set(&o, "isReversed", &JsValue::from_bool(c.is_reversed()));
    let order = match c.clustering_order {
        ClusteringOrder::Asc => text("ASC"),
        ClusteringOrder::Desc => text("DESC"),
        ClusteringOrder::None => JsValue::NULL,
    };
    set(&o, "order", &order);
    o.into()
}

/// `columns`, `partitionKeys` and `clusteringKeys` of a table or view (the key arrays
/// hold the same objects as `columns`).
fn set_columns(o: &Object, cols: &[ColumnMetadata]) {
    let all = Array::new();
    let partition = Array::new();
    let clustering = Array::new();
    for c in cols {
        let js = column(c);
        match c.kind {
            ColumnKind::PartitionKey => {
                partition.push(&js);
            }
            ColumnKind::Clustering => {
                clustering.push(&js);
            }
            ColumnKind::Static | ColumnKind::Regular => {}
        }
        all.push(&js);
    }
    set(o, "partitionKeys", &partition);
    set(o, "clusteringKeys", &clustering);
    set(o, "columns", &all);
}

fn index(i: &IndexMetadata) -> JsValue {
    let o = Object::new();
    set(&o, "name", &text(&i.name));
    set(&o, "kind", &text(&i.kind));
    set(&o, "target", &text_or_null(i.target()));
    set(&o, "options", &text_map(&i.options));
    o.into()
}

fn trigger(t: &TriggerMetadata) -> JsValue {
    let o = Object::new();
    set(&o, "name", &text(&t.name));
    set(&o, "options", &text_map(&t.options));
    o.into()
}

fn uuid_or_null(id: Option<uuid::Uuid>) -> JsValue {
    id.map_or(JsValue::NULL, |u| text(&u.to_string()))
}

/// A keyspace: its settings and the names of what it holds.
pub fn keyspace(k: &KeyspaceMetadata) -> JsValue {
    let o = Object::new();
    set(&o, "name", &text(&k.name));
    set(&o, "durableWrites", &JsValue::from_bool(k.durable_writes));
    set(&o, "replication", &text_map(&k.replication));
    set(&o, "strategy", &text_or_null(k.strategy_class()));
    set(&o, "virtual", &JsValue::from_bool(k.is_virtual));
    set(&o, "graphEngine", &text_or_null(k.graph_engine.as_deref()));
    set(&o, "tables", &texts(k.tables.keys()));
    set(&o, "views", &texts(k.views.keys()));
    set(&o, "userTypes", &texts(k.user_types.keys()));
    // Overloads share a name: each name once, in order.
    let mut functions: Vec<&String> = k.functions.keys().map(|s| &s.name).collect();
    functions.dedup();
    set(&o, "functions", &texts(functions));
    let mut aggregates: Vec<&String> = k.aggregates.keys().map(|s| &s.name).collect();
    aggregates.dedup();
    set(&o, "aggregates", &texts(aggregates));
    set(&o, "parseError", &text_or_null(k.parse_error.as_deref()));
    o.into()
}

/// A table with its columns, options, indexes and triggers.
pub fn table(t: &TableMetadata) -> JsValue {
    let o = Object::new();
    set(&o, "keyspace", &text(&t.keyspace));
    set(&o, "name", &text(&t.name));
    set(&o, "id", &uuid_or_null(t.id));
    set_columns(&o, &t.columns);
    set(&o, "options", &options(&t.options));
    let indexes: Array = t.indexes.values().map(index).collect();
    set(&o, "indexes", &indexes);
    let triggers: Array = t.triggers.values().map(trigger).collect();
    set(&o, "triggers", &triggers);
    set(&o, "views", &texts(&t.views));
    set(&o, "virtual", &JsValue::from_bool(t.is_virtual));
    set(
        &o,
        "compactStorage",
        &JsValue::from_bool(t.is_compact_storage()),
    );
    set(&o, "parseError", &text_or_null(t.parse_error.as_deref()));
    o.into()
}

/// A materialized view.
pub fn view(v: &ViewMetadata) -> JsValue {
    let o = Object::new();
    set(&o, "keyspace", &text(&v.keyspace));
    set(&o, "name", &text(&v.name));
    set(&o, "baseTable", &text(&v.base_table));
    set(
        &o,
        "includeAllColumns",
        &JsValue::from_bool(v.include_all_columns),
    );
    set(&o, "whereClause", &text(&v.where_clause));
    set(&o, "id", &uuid_or_null(v.id));
    set_columns(&o, &v.columns);
    set(&o, "options", &options(&v.options));
    set(&o, "parseError", &text_or_null(v.parse_error.as_deref()));
    o.into()
}

/// A user-defined type and its fields, in order.
pub fn user_type(u: &UserTypeMetadata) -> JsValue {
    let o = Object::new();
    set(&o, "keyspace", &text(&u.keyspace));
    set(&o, "name", &text(&u.name));
    let fields: Array = u
        .fields
        .iter()
        .map(|(name, typ)| {
            let f = Object::new();
            set(&f, "name", &text(name));
            set(&f, "type", &text(typ));
            JsValue::from(f)
        })
        .collect();
    set(&o, "fields", &fields);
    o.into()
}

/// A user-defined function (one overload).
pub fn function(f: &FunctionMetadata) -> JsValue {
    let o = Object::new();
    set(&o, "keyspace", &text(&f.keyspace));
    set(&o, "name", &text(&f.name));
    set(&o, "argumentNames", &texts(&f.argument_names));
    set(&o, "argumentTypes", &texts(&f.argument_types));
    set(&o, "returnType", &text(&f.return_type));
    set(&o, "language", &text(&f.language));
    set(&o, "body", &text(&f.body));
    set(
        &o,
        "calledOnNullInput",
        &JsValue::from_bool(f.called_on_null_input),
    );
    set(&o, "deterministic", &JsValue::from_bool(f.deterministic));
    set(&o, "monotonic", &JsValue::from_bool(f.monotonic));
    set(&o, "monotonicOn", &texts(&f.monotonic_on));
    o.into()
}

/// A user-defined aggregate (one overload).
pub fn aggregate(a: &AggregateMetadata) -> JsValue {
    let o = Object::new();
    set(&o, "keyspace", &text(&a.keyspace));
    set(&o, "name", &text(&a.name));
    set(&o, "argumentTypes", &texts(&a.argument_types));
    set(&o, "stateFunction", &text(&a.state_func));
    set(&o, "stateType", &text(&a.state_type));
    set(&o, "finalFunction", &text_or_null(a.final_func.as_deref()));
    set(&o, "initCondition", &text_or_null(a.initcond.as_deref()));
    set(&o, "returnType", &text(&a.return_type));
    set(&o, "deterministic", &JsValue::from_bool(a.deterministic));
    o.into()
}

/// A replica: `{ address, hostId, datacenter, rack }`.
pub fn host(h: &Host) -> JsValue {
    let o = Object::new();
    set(&o, "address", &text(&h.addr.to_string()));
    set(&o, "hostId", &text(&h.host_id.to_string()));
    set(&o, "datacenter", &text_or_null(h.datacenter.as_deref()));
    set(&o, "rack", &text_or_null(h.rack.as_deref()));
    o.into()
}
