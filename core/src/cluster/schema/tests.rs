//! Tests of the schema model's parsing, refresh planning and export.

use super::sorted_map::SortedMap;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

use super::export::{java_double, python_float, strip_frozen};
use super::refresh::{self, RefreshTarget, SchemaFilter};
use super::*;
use crate::message::{ResultMetadata, Rows, SchemaChange, SchemaChangeTarget, SchemaChangeType};
use crate::types::{ColumnSpec, ColumnType, CqlValue};

use crate::cluster::topology::tests::{Named, rows, text};

fn text_map(pairs: &[(&str, &str)]) -> CqlValue {
    CqlValue::Map(pairs.iter().map(|(k, v)| (text(k), text(v))).collect())
}

fn text_list(items: &[&str]) -> CqlValue {
    CqlValue::List(items.iter().map(|s| text(s)).collect())
}

const KEYSPACE_COLUMNS: &[(&str, &str)] = &[
    ("keyspace_name", "text"),
    ("durable_writes", "boolean"),
    ("replication", "frozen<map<text, text>>"),
];

const TABLE_COLUMNS: &[(&str, &str)] = &[
    ("keyspace_name", "text"),
    ("table_name", "text"),
    ("additional_write_policy", "text"),
    ("bloom_filter_fp_chance", "double"),
    ("caching", "frozen<map<text, text>>"),
    ("cdc", "boolean"),
    ("comment", "text"),
    ("compaction", "frozen<map<text, text>>"),
    ("compression", "frozen<map<text, text>>"),
    ("crc_check_chance", "double"),
    ("dclocal_read_repair_chance", "double"),
    ("default_time_to_live", "int"),
    ("extensions", "frozen<map<text, blob>>"),
    ("flags", "frozen<set<text>>"),
    ("gc_grace_seconds", "int"),
    ("id", "uuid"),
    ("max_index_interval", "int"),
    ("memtable_flush_period_in_ms", "int"),
    ("min_index_interval", "int"),
    ("read_repair", "text"),
    ("read_repair_chance", "double"),
    ("speculative_retry", "text"),
];

const COLUMN_COLUMNS: &[(&str, &str)] = &[
    ("keyspace_name", "text"),
    ("table_name", "text"),
    ("column_name", "text"),
    ("clustering_order", "text"),
    ("column_name_bytes", "blob"),
    ("kind", "text"),
    ("position", "int"),
    ("type", "text"),
];

fn table_row(ks: &str, name: &str, comment: &str, ttl: i32) -> Named {
    vec![
        ("keyspace_name", text(ks)),
        ("table_name", text(name)),
        ("additional_write_policy", text("99p")),
        ("bloom_filter_fp_chance", CqlValue::Double(0.01)),
        (
            "caching",
            text_map(&[("keys", "ALL"), ("rows_per_partition", "NONE")]),
        ),
        ("cdc", CqlValue::Boolean(false)),
        ("comment", text(comment)),
        (
            "compaction",
            text_map(&[
                (
                    "class",
                    "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy",
                ),
                ("max_threshold", "32"),
                ("min_threshold", "4"),
            ]),
        ),
        (
            "compression",
            text_map(&[
                ("chunk_length_in_kb", "16"),
                ("class", "org.apache.cassandra.io.compress.LZ4Compressor"),
            ]),
        ),
        ("crc_check_chance", CqlValue::Double(1.0)),
        ("dclocal_read_repair_chance", CqlValue::Double(0.0)),
        ("default_time_to_live", CqlValue::Int(ttl)),
        ("extensions", CqlValue::Map(Vec::new())),
        ("flags", CqlValue::Set(vec![text("compound")])),
        ("gc_grace_seconds", CqlValue::Int(864_000)),
        ("max_index_interval", CqlValue::Int(2048)),
        ("memtable_flush_period_in_ms", CqlValue::Int(0)),
        ("min_index_interval", CqlValue::Int(128)),
        ("read_repair", text("BLOCKING")),
        ("read_repair_chance", CqlValue::Double(0.0)),
        ("speculative_retry", text("99p")),
    ]
}

fn column_row(table: &str, name: &str, kind: &str, position: i32, order: &str, typ: &str) -> Named {
    vec![
        ("keyspace_name", text("interop_schema")),
        ("table_name", text(table)),
        ("column_name", text(name)),
        ("clustering_order", text(order)),
        ("kind", text(kind)),
        ("position", CqlValue::Int(position)),
        ("type", text(typ)),
    ]
}

/// The rows cql-sim answers for the Python interop suite's export schema.
fn interop_rows() -> SchemaRows {
    let ks = "interop_schema";
    SchemaRows {
        keyspaces: Some(rows(
            KEYSPACE_COLUMNS,
            &[vec![
                ("keyspace_name", text(ks)),
                ("durable_writes", CqlValue::Boolean(true)),
                (
                    "replication",
                    text_map(&[
                        ("class", "org.apache.cassandra.locator.SimpleStrategy"),
                        ("replication_factor", "1"),
                    ]),
                ),
            ]],
        )),
        tables: Some(rows(
            TABLE_COLUMNS,
            &[
                table_row(ks, "events", "sensor readings", 86400),
                table_row(ks, "users", "", 0),
            ],
        )),
        columns: Some(rows(
            COLUMN_COLUMNS,
            &[
                // Deliberately not in key order: the parser orders the key columns.
                column_row("events", "at", "clustering", 0, "desc", "timestamp"),
                column_row("events", "day", "partition_key", 1, "none", "date"),
                column_row("events", "device", "partition_key", 0, "none", "text"),
                column_row("events", "note", "regular", -1, "none", "text"),
                column_row("events", "value", "regular", -1, "none", "double"),
                column_row("users", "id", "partition_key", 0, "none", "uuid"),
                column_row("users", "home", "regular", -1, "none", "frozen<address>"),
                column_row("users", "name", "regular", -1, "none", "text"),
                column_row("users", "tags", "regular", -1, "none", "set<text>"),
            ],
        )),
        types: Some(rows(
            &[
                ("keyspace_name", "text"),
                ("type_name", "text"),
                ("field_names", "frozen<list<text>>"),
                ("field_types", "frozen<list<text>>"),
            ],
            &[vec![
                ("keyspace_name", text(ks)),
                ("type_name", text("address")),
                ("field_names", text_list(&["street", "city", "zip"])),
                ("field_types", text_list(&["text", "text", "int"])),
            ]],
        )),
        indexes: Some(rows(
            &[
                ("keyspace_name", "text"),
                ("table_name", "text"),
                ("index_name", "text"),
                ("kind", "text"),
                ("options", "frozen<map<text, text>>"),
            ],
            &[vec![
                ("keyspace_name", text(ks)),
                ("table_name", text("users")),
                ("index_name", text("users_name_idx")),
                ("kind", text("COMPOSITES")),
                ("options", text_map(&[("target", "name")])),
            ]],
        )),
        ..SchemaRows::default()
    }
}

#[test]
fn parses_keyspaces_tables_columns_types_and_indexes() {
    let schema = refresh::full(&interop_rows(), &SchemaFilter::All);
    let ks = schema.keyspace("interop_schema").unwrap();
    assert!(ks.durable_writes);
    assert_eq!(ks.strategy_class(), Some("SimpleStrategy"));
    let events = schema.table("interop_schema", "events").unwrap();
    let pk: Vec<&str> = events.partition_key().map(|c| c.name.as_str()).collect();
    assert_eq!(pk, ["device", "day"]);
    let ck: Vec<&ColumnMetadata> = events.clustering_key().collect();
    assert_eq!(ck.len(), 1);
    assert!(ck[0].is_reversed());
    assert_eq!(
        events.options.get("comment"),
        Some(&OptionValue::Text("sensor readings".into()))
    );
    assert_eq!(
        events.options.get("default_time_to_live"),
        Some(&OptionValue::Int(86400))
    );
    assert_eq!(events.parse_error, None);
    let users = schema.table("interop_schema", "users").unwrap();
    assert_eq!(users.indexes["users_name_idx"].target(), Some("name"));
    assert!(users.column("tags").unwrap().is_multi_cell());
    assert!(!users.column("home").unwrap().is_multi_cell());
    let address = schema.user_type("interop_schema", "address").unwrap();
    assert_eq!(address.fields[2], ("zip".to_string(), "int".to_string()));
}

#[test]
fn python_style_export_equals_the_python_drivers_export_as_string() {
    let schema = refresh::full(&interop_rows(), &SchemaFilter::All);
    let expected = include_str!("../../../../tests/interop/export_schema.expected");
    let ks = schema.keyspace("interop_schema").unwrap();
    assert_eq!(
        ks.export_as_string(ExportStyle::PythonDriver).trim(),
        expected.trim()
    );
}

#[test]
fn describe_style_export_prints_cassandra_41_options_and_column_order() {
    let schema = refresh::full(&interop_rows(), &SchemaFilter::All);
    let ks = schema.keyspace("interop_schema").unwrap();
    let kinds: Vec<&str> = ks.describe().iter().map(|e| e.kind).collect();
    assert_eq!(kinds, ["keyspace", "type", "table", "table", "index"]);
    let text = ks.export_as_string(ExportStyle::Describe);
    assert!(text.contains(
        "CREATE TABLE interop_schema.users (\n    id uuid PRIMARY KEY,\n    home frozen<address>,\n    name text,\n    tags set<text>\n) WITH additional_write_policy = '99p'\n"
    ), "{text}");
    assert!(text.contains("    AND extensions = {}\n"), "{text}");
    assert!(text.contains("\n\nCREATE INDEX users_name_idx ON interop_schema.users (name);"));
    assert_eq!(schema.export_as_string(ExportStyle::Describe), text);
}

#[test]
fn a_malformed_row_marks_its_table_and_spares_the_rest() {
    let mut rows = interop_rows();
    rows.columns = Some(rows_with_bad_type());
    let schema = refresh::full(&rows, &SchemaFilter::All);
    let events = schema.table("interop_schema", "events").unwrap();
    assert!(
        events.parse_error.as_deref().unwrap().contains("map<text"),
        "{events:?}"
    );
    assert!(
        events
            .as_cql(ExportStyle::Describe)
            .starts_with("/*\nWarning: Table interop_schema.events is incomplete")
    );
    let users = schema.table("interop_schema", "users").unwrap();
    assert_eq!(users.parse_error, None);
}

fn rows_with_bad_type() -> Rows {
    rows(
        COLUMN_COLUMNS,
        &[
            column_row("events", "device", "partition_key", 0, "none", "text"),
            column_row("events", "bad", "regular", -1, "none", "map<text"),
            column_row("users", "id", "partition_key", 0, "none", "uuid"),
        ],
    )
}

#[test]
fn rows_of_unexpected_types_never_panic() {
    // `replication` as text instead of a map: the keyspace carries an error.
    let rows = SchemaRows {
        keyspaces: Some(rows(
            &[("keyspace_name", "text"), ("replication", "text")],
            &[vec![
                ("keyspace_name", text("k")),
                ("replication", text("x")),
            ]],
        )),
        tables: Some(rows(
            &[("table_name", "text")],
            &[vec![("table_name", text("t"))]],
        )),
        ..SchemaRows::default()
    };
    let schema = refresh::full(&rows, &SchemaFilter::All);
    assert!(schema.keyspace("k").unwrap().parse_error.is_some());
    assert!(schema.keyspace("k").unwrap().tables.is_empty());
}

fn change(target: SchemaChangeTarget) -> SchemaChange {
    SchemaChange {
        change_type: SchemaChangeType::Updated,
        target,
    }
}

#[test]
fn a_keyspace_change_covers_its_elements_and_the_filter_drops_others() {
    let changes = [
        change(SchemaChangeTarget::Table {
            keyspace: "a".into(),
            name: "t".into(),
        }),
        change(SchemaChangeTarget::Keyspace {
            keyspace: "a".into(),
        }),
        change(SchemaChangeTarget::Type {
            keyspace: "b".into(),
            name: "u".into(),
        }),
        change(SchemaChangeTarget::Function {
            keyspace: "b".into(),
            name: "f".into(),
            arg_types: vec!["int".into()],
        }),
        change(SchemaChangeTarget::Table {
            keyspace: "c".into(),
            name: "t".into(),
        }),
    ];
    let filter = SchemaFilter::keyspaces(["a", "b"]);
    assert_eq!(
        refresh::plan(&changes, &filter),
        vec![
            RefreshTarget::Keyspace("a".into()),
            RefreshTarget::Type {
                keyspace: "b".into(),
                name: "u".into()
            },
            RefreshTarget::Function {
                keyspace: "b".into(),
                name: "f".into()
            },
        ]
    );
    assert!(refresh::plan(&changes, &SchemaFilter::Off).is_empty());
}

#[test]
fn many_element_changes_collapse_into_keyspace_refreshes() {
    let changes: Vec<SchemaChange> = (0..40)
        .map(|i| {
            change(SchemaChangeTarget::Table {
                keyspace: "a".into(),
                name: alloc::format!("t{i}"),
            })
        })
        .collect();
    assert_eq!(
        refresh::plan(&changes, &SchemaFilter::All),
        vec![RefreshTarget::Keyspace("a".into())]
    );
}

#[test]
fn targeted_queries_bind_their_keys() {
    let q = refresh::queries(&RefreshTarget::Table {
        keyspace: "ks".into(),
        name: "t".into(),
    });
    assert_eq!(q.len(), 5);
    assert_eq!(
        q[0].cql,
        "SELECT * FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?"
    );
    assert_eq!(q[0].values, ["ks", "t"]);
    assert_eq!(
        q[4].cql,
        "SELECT * FROM system_schema.views WHERE keyspace_name = ? AND view_name = ?"
    );
    assert_eq!(refresh::queries(&RefreshTarget::Everything).len(), 12);
}

#[test]
fn a_table_refresh_replaces_only_that_table_and_shares_other_keyspaces() {
    let mut all = interop_rows();
    let mut other = KeyspaceMetadata {
        name: "other".into(),
        ..KeyspaceMetadata::default()
    };
    other.durable_writes = true;
    let mut schema = refresh::full(&all, &SchemaFilter::All);
    schema.keyspaces.insert("other".into(), Arc::new(other));
    // The table `users` now has one more column.
    all.tables = Some(rows(
        TABLE_COLUMNS,
        &[table_row("interop_schema", "users", "", 0)],
    ));
    all.columns = Some(rows(
        COLUMN_COLUMNS,
        &[
            column_row("users", "id", "partition_key", 0, "none", "uuid"),
            column_row("users", "email", "regular", -1, "none", "text"),
        ],
    ));
    all.indexes = None;
    all.types = None;
    let target = RefreshTarget::Table {
        keyspace: "interop_schema".into(),
        name: "users".into(),
    };
    let next = refresh::apply(&schema, &target, &all);
    let users = next.table("interop_schema", "users").unwrap();
    assert!(users.column("email").is_some());
    assert!(users.indexes.is_empty());
    assert!(next.table("interop_schema", "events").is_some());
    assert!(next.user_type("interop_schema", "address").is_some());
    assert!(Arc::ptr_eq(
        &schema.keyspaces["other"],
        &next.keyspaces["other"]
    ));
    // A dropped keyspace disappears.
    let gone = refresh::apply(
        &next,
        &RefreshTarget::Keyspace("interop_schema".into()),
        &SchemaRows::default(),
    );
    assert!(gone.keyspace("interop_schema").is_none());
}

#[test]
fn functions_aggregates_and_views_export_in_both_styles() {
    let f = FunctionMetadata {
        keyspace: "ks".into(),
        name: "plus".into(),
        argument_names: vec!["a".into(), "b".into()],
        argument_types: vec!["int".into(), "frozen<list<int>>".into()],
        return_type: "int".into(),
        language: "java".into(),
        body: "return a;".into(),
        called_on_null_input: true,
        ..FunctionMetadata::default()
    };
    assert_eq!(
        f.as_cql(ExportStyle::PythonDriver),
        "CREATE FUNCTION ks.plus(a int, b list<int>)\n    CALLED ON NULL INPUT\n    RETURNS int\n    LANGUAGE java\n    AS $$return a;$$;"
    );
    let a = AggregateMetadata {
        keyspace: "ks".into(),
        name: "total".into(),
        argument_types: vec!["int".into()],
        state_func: "plus".into(),
        state_type: "int".into(),
        final_func: None,
        initcond: Some("0".into()),
        return_type: "int".into(),
        deterministic: false,
    };
    assert_eq!(
        a.as_cql(ExportStyle::Describe),
        "CREATE AGGREGATE ks.total(int)\n    SFUNC plus\n    STYPE int\n    INITCOND 0;"
    );
    let view = ViewMetadata {
        keyspace: "ks".into(),
        name: "by_name".into(),
        base_table: "users".into(),
        include_all_columns: true,
        where_clause: "name IS NOT NULL AND id IS NOT NULL".into(),
        columns: vec![
            ColumnMetadata {
                name: "name".into(),
                type_text: "text".into(),
                column_type: Some(ColumnType::Text),
                kind: ColumnKind::PartitionKey,
                position: 0,
                clustering_order: ClusteringOrder::None,
            },
            ColumnMetadata {
                name: "id".into(),
                type_text: "uuid".into(),
                column_type: Some(ColumnType::Uuid),
                kind: ColumnKind::Clustering,
                position: 0,
                clustering_order: ClusteringOrder::Asc,
            },
        ],
        ..ViewMetadata::default()
    };
    assert_eq!(
        view.as_cql(ExportStyle::PythonDriver),
        "CREATE MATERIALIZED VIEW ks.by_name AS\n    SELECT *\n    FROM ks.users\n    WHERE name IS NOT NULL AND id IS NOT NULL\n    PRIMARY KEY (name, id)\n    WITH CLUSTERING ORDER BY (id ASC);"
    );
}

#[test]
fn types_come_after_the_types_they_use() {
    let mut ks = KeyspaceMetadata {
        name: "ks".into(),
        ..KeyspaceMetadata::default()
    };
    for (name, fields) in [
        ("a", vec![("b", "frozen<b>")]),
        ("b", vec![("c", "list<frozen<c>>")]),
        ("c", vec![("x", "int")]),
    ] {
        ks.user_types.insert(
            name.into(),
            UserTypeMetadata {
                keyspace: "ks".into(),
                name: name.into(),
                fields: fields
                    .into_iter()
                    .map(|(n, t)| (n.to_string(), t.to_string()))
                    .collect(),
            },
        );
    }
    let names: Vec<String> = ks
        .describe()
        .into_iter()
        .filter(|e| e.kind == "type")
        .map(|e| e.name)
        .collect();
    assert_eq!(names, ["c", "b", "a"]);
}

#[test]
fn numbers_print_as_java_and_python_print_them() {
    assert_eq!(java_double(0.01), "0.01");
    assert_eq!(java_double(1.0), "1.0");
    assert_eq!(java_double(0.00001), "1.0E-5");
    assert_eq!(python_float(0.01), "0.01");
    assert_eq!(python_float(1.0), "1.0");
    assert_eq!(python_float(0.00001), "1e-05");
    assert_eq!(python_float(1e16), "1e+16");
}

#[test]
fn strip_frozen_removes_every_wrapper() {
    assert_eq!(
        strip_frozen("frozen<list<frozen<map<text, int>>>>"),
        "list<map<text, int>>"
    );
    assert_eq!(strip_frozen("int"), "int");
    assert_eq!(
        strip_frozen("tuple<int, frozen<address>>"),
        "tuple<int, address>"
    );
}

#[test]
fn filter_keeps_only_named_keyspaces() {
    let schema = refresh::full(&interop_rows(), &SchemaFilter::keyspaces(["nope"]));
    assert!(schema.keyspaces.is_empty());
    let kept: SortedMap<_, _> = refresh::full(&interop_rows(), &SchemaFilter::All).keyspaces;
    assert_eq!(kept.len(), 1);
}

#[test]
fn dse_graph_keyspaces_carry_their_engine_and_labels() {
    let mut rows = interop_rows();
    rows.keyspaces = Some(self::rows(
        &[
            ("keyspace_name", "text"),
            ("durable_writes", "boolean"),
            ("replication", "frozen<map<text, text>>"),
            ("graph_engine", "text"),
        ],
        &[vec![
            ("keyspace_name", text("interop_schema")),
            ("durable_writes", CqlValue::Boolean(true)),
            (
                "replication",
                text_map(&[
                    ("class", "org.apache.cassandra.locator.SimpleStrategy"),
                    ("replication_factor", "1"),
                ]),
            ),
            ("graph_engine", text("Core")),
        ]],
    ));
    rows.vertices = Some(self::rows(
        &[
            ("keyspace_name", "text"),
            ("table_name", "text"),
            ("label_name", "text"),
        ],
        &[vec![
            ("keyspace_name", text("interop_schema")),
            ("table_name", text("users")),
            ("label_name", text("person")),
        ]],
    ));
    rows.edges = Some(self::rows(
        &[
            ("keyspace_name", "text"),
            ("table_name", "text"),
            ("label_name", "text"),
            ("from_table", "text"),
            ("from_partition_key_columns", "frozen<list<text>>"),
            ("from_clustering_columns", "frozen<list<text>>"),
            ("to_table", "text"),
            ("to_partition_key_columns", "frozen<list<text>>"),
            ("to_clustering_columns", "frozen<list<text>>"),
        ],
        &[vec![
            ("keyspace_name", text("interop_schema")),
            ("table_name", text("events")),
            ("label_name", text("recorded")),
            ("from_table", text("users")),
            ("from_partition_key_columns", text_list(&["device"])),
            ("from_clustering_columns", text_list(&[])),
            ("to_table", text("users")),
            ("to_partition_key_columns", text_list(&["day"])),
            ("to_clustering_columns", text_list(&["at"])),
        ]],
    ));
    let schema = refresh::full(&rows, &SchemaFilter::All);
    let ks = schema.keyspace("interop_schema").unwrap();
    assert_eq!(ks.graph_engine.as_deref(), Some("Core"));
    let users = &ks.tables["users"];
    assert_eq!(users.vertex.as_ref().unwrap().label_name, "person");
    let edge = ks.tables["events"].edge.as_ref().unwrap();
    assert_eq!(edge.from_label, "person");
    assert_eq!(edge.to_clustering_columns, ["at"]);
    let text = ks.export_as_string(ExportStyle::PythonDriver);
    assert!(
        text.contains("AND durable_writes = true AND graph_engine = 'Core';"),
        "{text}"
    );
    assert!(text.contains(" AND VERTEX LABEL person;"), "{text}");
    assert!(
        text.contains(" AND EDGE LABEL recorded FROM person(device) TO person(day, at);"),
        "{text}"
    );
    // Vertex tables come first, so that edges find their vertices.
    assert!(
        text.find("TABLE interop_schema.users").unwrap()
            < text.find("TABLE interop_schema.events").unwrap()
    );
}

#[test]
fn cassandra_3_rows_export_the_options_the_python_driver_knows_for_3() {
    let mut rows = interop_rows();
    let v3_columns: Vec<(&str, &str)> = TABLE_COLUMNS
        .iter()
        .copied()
        .filter(|(n, _)| !matches!(*n, "read_repair" | "additional_write_policy"))
        .collect();
    let v3_row: Named = table_row("interop_schema", "users", "", 0)
        .into_iter()
        .filter(|(n, _)| !matches!(*n, "read_repair" | "additional_write_policy"))
        .collect();
    rows.tables = Some(self::rows(&v3_columns, &[v3_row]));
    let schema = refresh::full(&rows, &SchemaFilter::All);
    let users = schema.table("interop_schema", "users").unwrap();
    let cql = users.as_cql(ExportStyle::PythonDriver);
    assert!(
        cql.contains("AND dclocal_read_repair_chance = 0.0"),
        "{cql}"
    );
    assert!(cql.contains("AND read_repair_chance = 0.0"), "{cql}");
    assert!(!cql.contains("additional_write_policy"), "{cql}");
    // A 4.1-style export prints the 4.1 options the row has.
    let described = users.as_cql(ExportStyle::Describe);
    assert!(!described.contains("read_repair_chance"), "{described}");
}

mod arbitrary_rows {
    use proptest::prelude::*;

    use super::*;

    const NAMES: [&str; 14] = [
        "keyspace_name",
        "table_name",
        "view_name",
        "column_name",
        "type",
        "kind",
        "position",
        "replication",
        "field_names",
        "field_types",
        "options",
        "index_name",
        "base_table_name",
        "function_name",
    ];
    const TYPES: [&str; 7] = [
        "text",
        "int",
        "boolean",
        "blob",
        "frozen<map<text, text>>",
        "frozen<list<text>>",
        "double",
    ];

    /// Rows with columns named like the schema tables' but of any type, and cells of
    /// any bytes (or null).
    fn arbitrary_rows() -> impl Strategy<Value = Rows> {
        let columns = prop::collection::vec((0..NAMES.len(), 0..TYPES.len()), 1..6);
        columns
            .prop_flat_map(|cols| {
                let width = cols.len();
                let cells = prop::collection::vec(
                    prop::collection::vec(
                        prop::option::of(prop::collection::vec(any::<u8>(), 0..12)),
                        width,
                    ),
                    0..6,
                );
                (Just(cols), cells)
            })
            .prop_map(|(cols, cells)| {
                let specs: Vec<ColumnSpec> = cols
                    .iter()
                    .map(|(n, t)| ColumnSpec {
                        keyspace: "system_schema".into(),
                        table: "t".into(),
                        name: NAMES[*n].into(),
                        typ: ColumnType::parse_cql(TYPES[*t]).unwrap(),
                    })
                    .collect();
                Rows::from_cells(
                    ResultMetadata::new(specs, None),
                    cells.iter().map(|r| r.iter().map(|c| c.as_deref())),
                )
                .unwrap()
            })
    }

    proptest! {
        #[test]
        fn any_rows_parse_and_export_without_panicking(rows in arbitrary_rows(), valid in any::<bool>()) {
            let base = if valid { interop_rows() } else { SchemaRows::default() };
            let all = SchemaRows {
                keyspaces: if valid { base.keyspaces.clone() } else { Some(rows.clone()) },
                tables: Some(rows.clone()),
                columns: Some(rows.clone()),
                types: Some(rows.clone()),
                functions: Some(rows.clone()),
                aggregates: Some(rows.clone()),
                triggers: Some(rows.clone()),
                indexes: Some(rows.clone()),
                views: Some(rows.clone()),
                vertices: Some(rows.clone()),
                edges: Some(rows),
                ..SchemaRows::default()
            };
            let schema = refresh::full(&all, &SchemaFilter::All);
            let _ = schema.export_as_string(ExportStyle::Describe);
            let _ = schema.export_as_string(ExportStyle::PythonDriver);
        }
    }
}
