use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use alloc::{format, vec};

use super::*;
use crate::cluster::schema::model::{
    ClusteringOrder, ColumnKind, ColumnMetadata, IndexMetadata, OptionValue, TableMetadata,
    UserTypeMetadata,
};
use crate::cluster::schema::sorted_map::SortedMap;
use crate::mapper::model::IndexDef;

fn list(t: ColumnType) -> ColumnType {
    ColumnType::List(Box::new(t))
}

fn set(t: ColumnType) -> ColumnType {
    ColumnType::Set(Box::new(t))
}

fn map(k: ColumnType, v: ColumnType) -> ColumnType {
    ColumnType::Map(Box::new(k), Box::new(v))
}

fn udt(name: &str, fields: Vec<(&str, ColumnType)>) -> ColumnType {
    ColumnType::Udt {
        keyspace: String::new(),
        name: name.into(),
        fields: fields
            .into_iter()
            .map(|(f, t)| (f.to_string(), t))
            .collect(),
    }
}

fn column(name: &str, t: ColumnType, role: KeyRole) -> ColumnDef {
    let mut c = ColumnDef::new(name, t);
    c.role = role;
    c
}

fn clustering(name: &str, t: ColumnType, position: usize, descending: bool) -> ColumnDef {
    column(
        name,
        t,
        KeyRole::Clustering {
            position,
            descending,
        },
    )
}

fn frozen(mut c: ColumnDef) -> ColumnDef {
    c.frozen = true;
    c
}

fn indexed(mut c: ColumnDef, index: IndexDef) -> ColumnDef {
    c.index = Some(index);
    c
}

fn address() -> ColumnType {
    udt(
        "address",
        vec![
            ("street", ColumnType::Text),
            ("zips", list(ColumnType::Int)),
            ("tags", map(ColumnType::Text, set(ColumnType::Text))),
        ],
    )
}

/// The model cqlengine declares as:
///
/// ```python
/// class Event(Model):
///     __table_name__ = 'events'
///     __keyspace__ = 'ks'
///     __options__ = {'default_time_to_live': 86400, 'comment': 'events',
///                    'compaction': {'class': 'LeveledCompactionStrategy',
///                                   'sstable_size_in_mb': '160'}}
///     day = columns.Text(partition_key=True)
///     id = columns.UUID(partition_key=True)
///     ts = columns.TimeUUID(primary_key=True, clustering_order='DESC')
///     seq = columns.Integer(primary_key=True)
///     owner = columns.Text(static=True)
///     tags = columns.Set(columns.Text, index=True)
///     attrs = columns.Map(columns.Text, columns.List(columns.Integer))
///     pair = columns.Tuple(columns.Integer, columns.Text)
///     address = columns.UserDefinedType(Address)
/// ```
fn event() -> ModelSchema {
    let mut s = ModelSchema::new("Event", "events");
    s.keyspace = Some("ks".into());
    s.columns = vec![
        column("day", ColumnType::Text, KeyRole::Partition(0)),
        column("id", ColumnType::Uuid, KeyRole::Partition(1)),
        clustering("ts", ColumnType::Timeuuid, 0, true),
        clustering("seq", ColumnType::Int, 1, false),
        column("owner", ColumnType::Text, KeyRole::Static),
        indexed(
            column("tags", set(ColumnType::Text), KeyRole::Regular),
            IndexDef::default(),
        ),
        column(
            "attrs",
            map(ColumnType::Text, list(ColumnType::Int)),
            KeyRole::Regular,
        ),
        column(
            "pair",
            ColumnType::Tuple(vec![ColumnType::Int, ColumnType::Text]),
            KeyRole::Regular,
        ),
        frozen(column("address", address(), KeyRole::Regular)),
    ];
    s.options = vec![
        ("comment".into(), "'events'".into()),
        (
            "compaction".into(),
            "{'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': '160'}".into(),
        ),
        ("default_time_to_live".into(), "86400".into()),
    ];
    s.validate().unwrap();
    s
}

fn users() -> ModelSchema {
    let mut s = ModelSchema::new("User", "users");
    s.columns = vec![
        column("id", ColumnType::Uuid, KeyRole::Partition(0)),
        column("name", ColumnType::Text, KeyRole::Regular),
        column("age", ColumnType::Int, KeyRole::Regular),
    ];
    s.validate().unwrap();
    s
}

// ---- statements ----

#[test]
fn create_table_of_a_cqlengine_model_is_cqlengines_ddl_quoted() {
    // cqlengine's `_get_create_table(Event)` for the model above (Python driver 3.29):
    // CREATE TABLE ks.events ("day" text , "id" uuid , "ts" timeuuid , "seq" int ,
    // "owner" text static, "tags" set<text> , "attrs" map<text, frozen<list<int>>> ,
    // "pair" tuple<int, text> , "address" frozen<address> , PRIMARY KEY (("day", "id"),
    // "ts", "seq")) WITH CLUSTERING ORDER BY ("ts" DESC, "seq" ASC) AND comment = 'events'
    // AND compaction = {'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': '160'}
    // AND default_time_to_live = 86400
    assert_eq!(
        create_table(&event(), Some("other")),
        "CREATE TABLE IF NOT EXISTS \"ks\".\"events\" (\"day\" text, \"id\" uuid, \
         \"ts\" timeuuid, \"seq\" int, \"owner\" text static, \"tags\" set<text>, \
         \"attrs\" map<text, frozen<list<int>>>, \"pair\" tuple<int, text>, \
         \"address\" frozen<address>, PRIMARY KEY ((\"day\", \"id\"), \"ts\", \"seq\")) \
         WITH CLUSTERING ORDER BY (\"ts\" DESC, \"seq\" ASC) AND comment = 'events' \
         AND compaction = {'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': '160'} \
         AND default_time_to_live = 86400"
    );
    // ... and cqlengine's `get_create_type(Address, 'ks')`:
    // CREATE TYPE ks.address (street text, zips list<int>, tags map<text, frozen<set<text>>>)
    let types = user_types_of(&event());
    let [(ks, name, fields)] = types.as_slice() else {
        panic!("{types:?}");
    };
    assert_eq!(
        create_type(ks.as_deref().or(Some("ks")), name, fields),
        "CREATE TYPE IF NOT EXISTS \"ks\".\"address\" (\"street\" text, \"zips\" list<int>, \
         \"tags\" map<text, frozen<set<text>>>)"
    );
}

#[test]
fn create_table_with_one_key_column_and_no_options_has_no_with() {
    assert_eq!(
        create_table(&users(), Some("app")),
        "CREATE TABLE IF NOT EXISTS \"app\".\"users\" (\"id\" uuid, \"name\" text, \
         \"age\" int, PRIMARY KEY (\"id\"))"
    );
    assert_eq!(
        create_table(&users(), None),
        "CREATE TABLE IF NOT EXISTS \"users\" (\"id\" uuid, \"name\" text, \"age\" int, \
         PRIMARY KEY (\"id\"))"
    );
}

#[test]
fn create_table_orders_keys_by_position_and_quotes_names() {
    let mut s = ModelSchema::new("Reading", "Readings");
    // Declared out of key order, with names needing quotes.
    s.columns = vec![
        column("value", ColumnType::Double, KeyRole::Regular),
        clustering("Minute", ColumnType::Int, 1, false),
        clustering("hour", ColumnType::Int, 0, true),
        column("sensor", ColumnType::Uuid, KeyRole::Partition(0)),
        column("select", ColumnType::Text, KeyRole::Static),
    ];
    s.validate().unwrap();
    assert_eq!(
        create_table(&s, Some("ks")),
        "CREATE TABLE IF NOT EXISTS \"ks\".\"Readings\" (\"value\" double, \"Minute\" int, \
         \"hour\" int, \"sensor\" uuid, \"select\" text static, \
         PRIMARY KEY (\"sensor\", \"hour\", \"Minute\")) \
         WITH CLUSTERING ORDER BY (\"hour\" DESC, \"Minute\" ASC)"
    );
}

#[test]
fn create_table_writes_frozen_collections_and_non_frozen_udts_as_declared() {
    let mut s = users();
    s.columns.push(frozen(column(
        "history",
        list(ColumnType::Int),
        KeyRole::Regular,
    )));
    s.columns.push(column("home", address(), KeyRole::Regular));
    s.columns.push(column(
        "counts",
        map(ColumnType::Text, ColumnType::BigInt),
        KeyRole::Regular,
    ));
    s.options = vec![("gc_grace_seconds".into(), "3600".into())];
    assert_eq!(
        create_table(&s, Some("ks")),
        "CREATE TABLE IF NOT EXISTS \"ks\".\"users\" (\"id\" uuid, \"name\" text, \"age\" int, \
         \"history\" frozen<list<int>>, \"home\" address, \"counts\" map<text, bigint>, \
         PRIMARY KEY (\"id\")) WITH gc_grace_seconds = 3600"
    );
}

fn index_schema() -> ModelSchema {
    let mut s = users();
    s.columns = vec![
        column("id", ColumnType::Uuid, KeyRole::Partition(0)),
        indexed(
            column("name", ColumnType::Text, KeyRole::Regular),
            IndexDef::default(),
        ),
        indexed(
            column("tags", set(ColumnType::Text), KeyRole::Regular),
            IndexDef::default(),
        ),
        indexed(
            column(
                "prefs",
                map(ColumnType::Text, ColumnType::Text),
                KeyRole::Regular,
            ),
            IndexDef {
                target: IndexTarget::Keys,
                ..IndexDef::default()
            },
        ),
        indexed(
            column(
                "Scores",
                map(ColumnType::Text, ColumnType::Int),
                KeyRole::Regular,
            ),
            IndexDef {
                name: Some("ScoresEntries".into()),
                target: IndexTarget::Entries,
                ..IndexDef::default()
            },
        ),
        indexed(
            frozen(column("path", list(ColumnType::Int), KeyRole::Regular)),
            IndexDef {
                target: IndexTarget::Full,
                ..IndexDef::default()
            },
        ),
        indexed(
            column("bio", ColumnType::Text, KeyRole::Regular),
            IndexDef {
                name: Some("bio_like".into()),
                custom_class: Some("org.apache.cassandra.index.sasi.SASIIndex".into()),
                options: vec![
                    ("mode".into(), "CONTAINS".into()),
                    ("analyzed".into(), "false".into()),
                ],
                ..IndexDef::default()
            },
        ),
        indexed(
            column("embedding", ColumnType::Text, KeyRole::Regular),
            IndexDef {
                custom_class: Some("StorageAttachedIndex".into()),
                ..IndexDef::default()
            },
        ),
        column("plain", ColumnType::Text, KeyRole::Regular),
    ];
    s.validate().unwrap();
    s
}

#[test]
fn create_index_writes_each_target_form() {
    let s = index_schema();
    let index = |i| create_index(&s, Some("ks"), i);
    assert_eq!(index(0), None, "no index on the key");
    assert_eq!(
        index(1).unwrap(),
        "CREATE INDEX IF NOT EXISTS ON \"ks\".\"users\" (\"name\")"
    );
    assert_eq!(
        index(2).unwrap(),
        "CREATE INDEX IF NOT EXISTS ON \"ks\".\"users\" (values(\"tags\"))"
    );
    assert_eq!(
        index(3).unwrap(),
        "CREATE INDEX IF NOT EXISTS ON \"ks\".\"users\" (keys(\"prefs\"))"
    );
    assert_eq!(
        index(4).unwrap(),
        "CREATE INDEX IF NOT EXISTS \"ScoresEntries\" ON \"ks\".\"users\" (entries(\"Scores\"))"
    );
    assert_eq!(
        index(5).unwrap(),
        "CREATE INDEX IF NOT EXISTS ON \"ks\".\"users\" (full(\"path\"))"
    );
    assert_eq!(
        index(6).unwrap(),
        "CREATE CUSTOM INDEX IF NOT EXISTS \"bio_like\" ON \"ks\".\"users\" (\"bio\") \
         USING 'org.apache.cassandra.index.sasi.SASIIndex' \
         WITH OPTIONS = {'mode': 'CONTAINS', 'analyzed': 'false'}"
    );
    assert_eq!(
        index(7).unwrap(),
        "CREATE CUSTOM INDEX IF NOT EXISTS ON \"ks\".\"users\" (\"embedding\") \
         USING 'StorageAttachedIndex'"
    );
    assert_eq!(index(8), None, "no index declared");
    assert_eq!(index(99), None, "no such column");
}

#[test]
fn create_type_freezes_what_is_nested_and_quotes_names() {
    let fields = vec![
        ("f".to_string(), ColumnType::Text),
        ("g".to_string(), list(list(ColumnType::Int))),
        ("Home".to_string(), address()),
        (
            "pair".to_string(),
            ColumnType::Tuple(vec![ColumnType::Int, set(ColumnType::Text)]),
        ),
    ];
    assert_eq!(
        create_type(Some("ks"), "Person", &fields),
        "CREATE TYPE IF NOT EXISTS \"ks\".\"Person\" (\"f\" text, \"g\" list<frozen<list<int>>>, \
         \"Home\" frozen<address>, \"pair\" tuple<int, frozen<set<text>>>)"
    );
    assert_eq!(
        create_type(None, "p", &fields[..1]),
        "CREATE TYPE IF NOT EXISTS \"p\" (\"f\" text)"
    );
}

#[test]
fn user_types_come_dependencies_first_each_once() {
    let geo = udt(
        "geo",
        vec![("lat", ColumnType::Double), ("lon", ColumnType::Double)],
    );
    let place = ColumnType::Udt {
        keyspace: "places".into(),
        name: "place".into(),
        fields: vec![
            ("name".into(), ColumnType::Text),
            ("at".into(), geo.clone()),
        ],
    };
    let mut s = users();
    s.columns.push(column(
        "visits",
        list(ColumnType::Tuple(vec![
            ColumnType::Timestamp,
            place.clone(),
        ])),
        KeyRole::Regular,
    ));
    s.columns.push(column(
        "homes",
        map(ColumnType::Text, address()),
        KeyRole::Regular,
    ));
    s.columns
        .push(frozen(column("spot", geo.clone(), KeyRole::Regular)));
    s.columns
        .push(frozen(column("favourite", place, KeyRole::Regular)));
    // A type known by name only cannot be created: left out.
    s.columns.push(frozen(column(
        "other",
        ColumnType::parse_cql("frozen<elsewhere>").unwrap(),
        KeyRole::Regular,
    )));
    let types = user_types_of(&s);
    let names: Vec<(Option<&str>, &str)> = types
        .iter()
        .map(|(ks, n, _)| (ks.as_deref(), n.as_str()))
        .collect();
    assert_eq!(
        names,
        [(None, "geo"), (Some("places"), "place"), (None, "address")]
    );
    assert_eq!(types[0].2.len(), 2);
    assert!(user_types_of(&users()).is_empty());
}

#[test]
fn a_type_using_itself_does_not_loop() {
    let inner = udt("node", vec![("v", ColumnType::Int)]);
    let outer = udt("node", vec![("next", list(inner)), ("v", ColumnType::Int)]);
    let mut s = users();
    s.columns.push(frozen(column("n", outer, KeyRole::Regular)));
    let types = user_types_of(&s);
    assert_eq!(types.len(), 1);
    assert_eq!(types[0].2.len(), 2, "the outer declaration is listed");
}

#[test]
fn keyspace_and_drop_statements() {
    assert_eq!(
        create_keyspace(
            "app",
            &Replication::Simple {
                replication_factor: 3
            },
            true
        ),
        "CREATE KEYSPACE IF NOT EXISTS \"app\" WITH replication = \
         {'class': 'SimpleStrategy', 'replication_factor': '3'} AND durable_writes = true"
    );
    assert_eq!(
        create_keyspace(
            "App",
            &Replication::NetworkTopology(vec![("dc1".into(), 3), ("eu-west".into(), 2)]),
            false
        ),
        "CREATE KEYSPACE IF NOT EXISTS \"App\" WITH replication = \
         {'class': 'NetworkTopologyStrategy', 'dc1': '3', 'eu-west': '2'} \
         AND durable_writes = false"
    );
    assert_eq!(drop_keyspace("app"), "DROP KEYSPACE IF EXISTS \"app\"");
    assert_eq!(
        drop_table(&event(), None),
        "DROP TABLE IF EXISTS \"ks\".\"events\""
    );
    assert_eq!(
        drop_table(&users(), Some("app")),
        "DROP TABLE IF EXISTS \"app\".\"users\""
    );
}

// ---- diffs ----

/// A column as `system_schema.columns` describes it, parsed as the schema parser does.
fn meta(name: &str, type_text: &str, kind: ColumnKind, position: i32) -> ColumnMetadata {
    ColumnMetadata {
        name: name.into(),
        type_text: type_text.into(),
        column_type: ColumnType::parse_cql(type_text).ok(),
        kind,
        position,
        clustering_order: ClusteringOrder::None,
    }
}

fn clustering_meta(name: &str, type_text: &str, position: i32, desc: bool) -> ColumnMetadata {
    ColumnMetadata {
        clustering_order: if desc {
            ClusteringOrder::Desc
        } else {
            ClusteringOrder::Asc
        },
        ..meta(name, type_text, ColumnKind::Clustering, position)
    }
}

fn index_meta(name: &str, target: &str, class: Option<&str>) -> IndexMetadata {
    let mut options = SortedMap::new();
    options.insert("target".to_string(), target.to_string());
    if let Some(class) = class {
        options.insert("class_name".to_string(), class.to_string());
    }
    IndexMetadata {
        name: name.into(),
        kind: if class.is_some() {
            "CUSTOM"
        } else {
            "COMPOSITES"
        }
        .into(),
        options,
    }
}

/// `ks.events` as Cassandra stores it after cqlengine's (or our) CREATE TABLE for
/// [`event`] and `CREATE INDEX ON ks.events ("tags")`.
fn events_table() -> TableMetadata {
    let mut options = SortedMap::new();
    options.insert("comment".to_string(), OptionValue::Text("events".into()));
    options.insert(
        "compaction".to_string(),
        OptionValue::Map(SortedMap::from([
            (
                "class".to_string(),
                "org.apache.cassandra.db.compaction.LeveledCompactionStrategy".to_string(),
            ),
            ("max_threshold".to_string(), "32".to_string()),
            ("min_threshold".to_string(), "4".to_string()),
            ("sstable_size_in_mb".to_string(), "160".to_string()),
        ])),
    );
    options.insert("default_time_to_live".to_string(), OptionValue::Int(86400));
    options.insert("gc_grace_seconds".to_string(), OptionValue::Int(864_000));
    options.insert(
        "bloom_filter_fp_chance".to_string(),
        OptionValue::Double(0.1),
    );
    let mut indexes = SortedMap::new();
    indexes.insert(
        "events_tags_idx".to_string(),
        index_meta("events_tags_idx", "values(tags)", None),
    );
    TableMetadata {
        keyspace: "ks".into(),
        name: "events".into(),
        columns: vec![
            meta("day", "text", ColumnKind::PartitionKey, 0),
            meta("id", "uuid", ColumnKind::PartitionKey, 1),
            clustering_meta("ts", "timeuuid", 0, true),
            clustering_meta("seq", "int", 1, false),
            meta("address", "frozen<address>", ColumnKind::Regular, -1),
            meta(
                "attrs",
                "map<text, frozen<list<int>>>",
                ColumnKind::Regular,
                -1,
            ),
            meta("owner", "text", ColumnKind::Static, -1),
            meta("pair", "frozen<tuple<int, text>>", ColumnKind::Regular, -1),
            meta("tags", "set<text>", ColumnKind::Regular, -1),
        ],
        options,
        flags: vec!["compound".into()],
        indexes,
        ..TableMetadata::default()
    }
}

#[test]
fn a_table_created_from_the_model_needs_nothing() {
    assert_eq!(diff_table(&event(), None, &events_table()), Ok(Vec::new()));
}

#[test]
fn missing_columns_are_added_and_extra_ones_left_alone() {
    let mut table = events_table();
    table
        .columns
        .retain(|c| c.name != "owner" && c.name != "attrs");
    table
        .columns
        .push(meta("legacy", "blob", ColumnKind::Regular, -1));
    assert_eq!(
        diff_table(&event(), None, &table).unwrap(),
        [
            "ALTER TABLE \"ks\".\"events\" ADD \"owner\" text static",
            "ALTER TABLE \"ks\".\"events\" ADD \"attrs\" map<text, frozen<list<int>>>",
        ]
    );
}

#[test]
fn options_are_compared_as_values_and_only_the_models() {
    let mut s = event();
    s.options
        .push(("bloom_filter_fp_chance".into(), "0.10".into()));
    s.options.push((
        "compaction".into(),
        "{'class': 'LeveledCompactionStrategy', 'min_threshold': 4}".into(),
    ));
    s.options.push(("COMMENT".into(), "'events'".into()));
    assert_eq!(diff_table(&s, None, &events_table()), Ok(Vec::new()));

    let mut s = event();
    s.options = vec![
        ("comment".into(), "'Events, v2'".into()),
        ("default_time_to_live".into(), "86400.0".into()),
        (
            "compaction".into(),
            "{'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': 256}".into(),
        ),
        (
            "caching".into(),
            "{'keys': 'ALL', 'rows_per_partition': 'NONE'}".into(),
        ),
        ("gc_grace_seconds".into(), "864000".into()),
    ];
    assert_eq!(
        diff_table(&s, None, &events_table()).unwrap(),
        [
            "ALTER TABLE \"ks\".\"events\" WITH comment = 'Events, v2' AND compaction = \
             {'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': 256} AND caching = \
             {'keys': 'ALL', 'rows_per_partition': 'NONE'}"
        ]
    );

    // A class of another name differs; an unreadable literal is written again.
    let mut s = event();
    s.options = vec![
        (
            "compaction".into(),
            "{'class': 'SizeTieredCompactionStrategy'}".into(),
        ),
        ("speculative_retry".into(), "NONE".into()),
    ];
    assert_eq!(
        diff_table(&s, None, &events_table()).unwrap(),
        ["ALTER TABLE \"ks\".\"events\" WITH compaction = \
             {'class': 'SizeTieredCompactionStrategy'} AND speculative_retry = NONE"]
    );
}

#[test]
fn declared_indexes_missing_on_the_server_are_created() {
    let s = index_schema();
    let mut table = TableMetadata {
        keyspace: "ks".into(),
        name: "users".into(),
        columns: vec![
            meta("id", "uuid", ColumnKind::PartitionKey, 0),
            meta("bio", "text", ColumnKind::Regular, -1),
            meta("embedding", "text", ColumnKind::Regular, -1),
            meta("name", "text", ColumnKind::Regular, -1),
            meta("path", "frozen<list<int>>", ColumnKind::Regular, -1),
            meta("plain", "text", ColumnKind::Regular, -1),
            meta("prefs", "map<text, text>", ColumnKind::Regular, -1),
            meta("Scores", "map<text, int>", ColumnKind::Regular, -1),
            meta("tags", "set<text>", ColumnKind::Regular, -1),
        ],
        ..TableMetadata::default()
    };
    let all: Vec<String> = (0..s.columns.len())
        .filter_map(|i| create_index(&s, Some("ks"), i))
        .collect();
    assert_eq!(diff_table(&s, Some("ks"), &table).unwrap(), all);

    // Present under other names: matched by column and target. `name` by a storage-
    // attached index (a server's default), `tags` written `values(tags)`, `Scores` quoted,
    // `embedding` by its full class name.
    for index in [
        index_meta(
            "by_name",
            "name",
            Some("org.apache.cassandra.index.sai.StorageAttachedIndex"),
        ),
        index_meta("t", "values(tags)", None),
        index_meta("p", "keys(prefs)", None),
        index_meta("ScoresEntries", "entries(\"Scores\")", None),
        index_meta("f", "full(path)", None),
        index_meta(
            "e",
            "embedding",
            Some("org.apache.cassandra.index.sai.StorageAttachedIndex"),
        ),
    ] {
        table.indexes.insert(index.name.clone(), index);
    }
    assert_eq!(
        diff_table(&s, Some("ks"), &table).unwrap(),
        [create_index(&s, Some("ks"), 6).unwrap()],
        "only the SASI index is missing"
    );

    // A built-in index does not serve a custom one; another target is not the index.
    table.indexes = SortedMap::new();
    for index in [
        index_meta("b", "bio", None),
        index_meta("p", "values(prefs)", None),
    ] {
        table.indexes.insert(index.name.clone(), index);
    }
    let statements = diff_table(&s, Some("ks"), &table).unwrap();
    assert!(statements.contains(&create_index(&s, Some("ks"), 6).unwrap()));
    assert!(statements.contains(&create_index(&s, Some("ks"), 3).unwrap()));
}

#[test]
fn a_declared_index_name_taken_by_another_index_is_incompatible() {
    let s = index_schema();
    let mut table = TableMetadata {
        keyspace: "ks".into(),
        name: "users".into(),
        columns: vec![meta("id", "uuid", ColumnKind::PartitionKey, 0)],
        ..TableMetadata::default()
    };
    table
        .indexes
        .insert("bio_like".into(), index_meta("bio_like", "name", None));
    let err = diff_table(&s, Some("ks"), &table).unwrap_err();
    assert_eq!(
        err.differences,
        [
            "index `bio_like` is on name in the table, on \"bio\" using \
             org.apache.cassandra.index.sasi.SASIIndex in the model"
        ]
    );
}

#[test]
fn key_kind_and_type_differences_are_all_reported() {
    let mut table = events_table();
    table.columns = vec![
        meta("day", "text", ColumnKind::PartitionKey, 0),
        clustering_meta("id", "uuid", 0, false),
        clustering_meta("ts", "timeuuid", 1, true),
        clustering_meta("seq", "int", 2, false),
        meta("address", "frozen<address>", ColumnKind::Regular, -1),
        meta(
            "attrs",
            "map<text, frozen<list<bigint>>>",
            ColumnKind::Regular,
            -1,
        ),
        meta("owner", "text", ColumnKind::Regular, -1),
        meta("pair", "frozen<tuple<int, text>>", ColumnKind::Regular, -1),
        meta("tags", "frozen<set<text>>", ColumnKind::Static, -1),
    ];
    let err = diff_table(&event(), None, &table).unwrap_err();
    assert_eq!(
        err.differences,
        [
            "partition key is (day) in the table, (day, id) in the model",
            "clustering columns are (id, ts, seq) in the table, (ts, seq) in the model",
            "column `owner` is regular in the table, static in the model",
            "column `tags` is static in the table, regular in the model",
            "column `tags` is frozen<set<text>> in the table, set<text> in the model",
            "column `attrs` is map<text, frozen<list<bigint>>> in the table, \
             map<text, frozen<list<int>>> in the model",
        ]
    );
    assert_eq!(
        err.to_string(),
        format!(
            "Event does not match the existing schema: {}",
            err.differences.join("; ")
        )
    );
}

#[test]
fn clustering_order_differences_name_the_column() {
    let mut table = events_table();
    for c in &mut table.columns {
        if c.kind == ColumnKind::Clustering {
            c.clustering_order = if c.name == "ts" {
                ClusteringOrder::Asc
            } else {
                ClusteringOrder::Desc
            };
        }
    }
    let err = diff_table(&event(), None, &table).unwrap_err();
    assert_eq!(
        err.differences,
        [
            "clustering order of `ts` is ASC in the table, DESC in the model",
            "clustering order of `seq` is DESC in the table, ASC in the model",
        ]
    );
}

#[test]
fn types_compare_parsed_with_udts_by_name_and_frozenness_from_the_text() {
    let mut s = users();
    s.columns = vec![
        column("id", ColumnType::Uuid, KeyRole::Partition(0)),
        column("name", ColumnType::Text, KeyRole::Regular),
        frozen(column("home", address(), KeyRole::Regular)),
        column("work", address(), KeyRole::Regular),
        column(
            "pair",
            ColumnType::Tuple(vec![ColumnType::Int, ColumnType::Text]),
            KeyRole::Regular,
        ),
        column(
            "v",
            ColumnType::Vector {
                element: Box::new(ColumnType::Float),
                dimensions: 3,
            },
            KeyRole::Regular,
        ),
        column("age", ColumnType::Int, KeyRole::Regular),
    ];
    let mut unparsed = meta("age", "int", ColumnKind::Regular, -1);
    unparsed.column_type = None; // read from the text
    let table = TableMetadata {
        keyspace: "ks".into(),
        name: "users".into(),
        columns: vec![
            meta("id", "uuid", ColumnKind::PartitionKey, 0),
            meta("name", "varchar", ColumnKind::Regular, -1),
            meta("home", "frozen<address>", ColumnKind::Regular, -1),
            meta("work", "address", ColumnKind::Regular, -1),
            meta("pair", "frozen<tuple<int, text>>", ColumnKind::Regular, -1),
            meta("v", "vector<float, 3>", ColumnKind::Regular, -1),
            unparsed,
        ],
        ..TableMetadata::default()
    };
    assert_eq!(diff_table(&s, Some("ks"), &table), Ok(Vec::new()));

    let mut table = table;
    for c in &mut table.columns {
        let (text, parsed) = match c.name.as_str() {
            "home" => ("address", true),
            "work" => ("frozen<location>", true),
            "v" => ("vector<float, 4>", true),
            "age" => ("text", false),
            "name" => ("list<", false),
            _ => continue,
        };
        c.type_text = text.into();
        c.column_type = if parsed {
            ColumnType::parse_cql(text).ok()
        } else {
            None
        };
    }
    let err = diff_table(&s, Some("ks"), &table).unwrap_err();
    assert_eq!(err.differences.len(), 5, "{:?}", err.differences);
    assert!(
        err.differences[0]
            .starts_with("column `name` has a type the driver cannot read in the table (list<: ")
    );
    assert_eq!(
        err.differences[1..],
        [
            "column `home` is address in the table, frozen<address> in the model",
            "column `work` is frozen<location> in the table, address in the model",
            "column `v` is vector<float, 4> in the table, vector<float, 3> in the model",
            "column `age` is text in the table, int in the model",
        ]
    );
}

fn address_meta(fields: &[(&str, &str)]) -> UserTypeMetadata {
    UserTypeMetadata {
        keyspace: "ks".into(),
        name: "address".into(),
        fields: fields
            .iter()
            .map(|(f, t)| (f.to_string(), t.to_string()))
            .collect(),
    }
}

fn address_fields() -> Vec<(String, ColumnType)> {
    let ColumnType::Udt { fields, .. } = address() else {
        unreachable!()
    };
    fields
}

#[test]
fn diff_type_adds_missing_fields() {
    let fields = address_fields();
    let stored = address_meta(&[
        ("street", "text"),
        ("zips", "list<int>"),
        ("tags", "map<text, frozen<set<text>>>"),
    ]);
    assert_eq!(
        diff_type(Some("ks"), "address", &fields, &stored),
        Ok(Vec::new())
    );
    // Frozen-ness of a field is not the type's: `frozen<list<int>>` is the same field.
    let stored = address_meta(&[
        ("street", "varchar"),
        ("zips", "frozen<list<int>>"),
        ("extra", "blob"),
    ]);
    assert_eq!(
        diff_type(Some("ks"), "address", &fields, &stored).unwrap(),
        ["ALTER TYPE \"ks\".\"address\" ADD \"tags\" map<text, frozen<set<text>>>"]
    );
    assert_eq!(
        diff_type(None, "address", &fields[..1], &address_meta(&[])).unwrap(),
        ["ALTER TYPE \"address\" ADD \"street\" text"]
    );
}

#[test]
fn diff_type_refuses_a_field_of_another_type() {
    let fields = address_fields();
    let stored = address_meta(&[
        ("street", "int"),
        ("zips", "set<int>"),
        ("tags", "map<text, frozen<set<text>>>"),
    ]);
    let err = diff_type(Some("ks"), "address", &fields, &stored).unwrap_err();
    assert_eq!(
        err,
        Incompatible {
            model: "address".into(),
            differences: vec![
                "field `street` is int in the type, text in the model".into(),
                "field `zips` is set<int> in the type, list<int> in the model".into(),
            ],
        }
    );
}
