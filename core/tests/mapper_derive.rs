//! `cql-derive`'s mapper derives: `Model` (schema, column writes, defaults, reading rows,
//! column handles), `UserType` and `Polymorphic`, against rows built with
//! `Rows::from_cells`.

use std::collections::BTreeMap;

use cql_core::mapper::{
    Column, ColumnDef, CqlType, Discriminator, IndexDef, IndexTarget, KeyRole, Model, UserTypeModel,
};
use cql_core::message::{ResultMetadata, Rows};
use cql_core::types::{ColumnSpec, ColumnType, CqlValue, DeserializeRow};
use uuid::Uuid;

fn spec(name: &str, typ: ColumnType) -> ColumnSpec {
    ColumnSpec {
        keyspace: "shop".into(),
        table: "t".into(),
        name: name.into(),
        typ,
    }
}

/// The specs of a model's columns, in schema order.
fn specs_of<M: Model>() -> Vec<ColumnSpec> {
    M::schema()
        .unwrap()
        .columns
        .iter()
        .map(|c| spec(&c.name, c.column_type.clone()))
        .collect()
}

/// A `[value]` as a cell of `Rows::from_cells`: the bytes after the length, `None` for null.
fn cell_of(value: &[u8]) -> Option<Vec<u8>> {
    let (len, rest) = value.split_at(4);
    let len = i32::from_be_bytes(len.try_into().unwrap());
    assert!(len >= -1, "unset is no cell");
    (len >= 0).then(|| rest.to_vec())
}

/// One page whose rows are `models` written column by column with `serialize_column`.
fn rows_of<M: Model>(specs: &[ColumnSpec], models: &[&M]) -> Rows {
    let cells: Vec<Vec<Option<Vec<u8>>>> = models
        .iter()
        .map(|m| {
            specs
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let mut out = Vec::new();
                    m.serialize_column(i, &s.typ, &mut out).unwrap();
                    cell_of(&out)
                })
                .collect()
        })
        .collect();
    rows_of_cells(specs, &cells)
}

fn rows_of_cells(specs: &[ColumnSpec], cells: &[Vec<Option<Vec<u8>>>]) -> Rows {
    Rows::from_cells(
        ResultMetadata::new(specs.to_vec(), None),
        cells.iter().map(|r| r.iter().map(|c| c.as_deref())),
    )
    .unwrap()
}

/// A cell holding `v` written as `typ`.
fn cell(v: Option<CqlValue>, typ: &ColumnType) -> Option<Vec<u8>> {
    v.map(|v| {
        let mut out = Vec::new();
        v.serialize(typ, &mut out).unwrap();
        out
    })
}

fn write(m: &impl Model, column: usize, typ: &ColumnType) -> Vec<u8> {
    let mut out = Vec::new();
    m.serialize_column(column, typ, &mut out).unwrap();
    out
}

/// `[value]` bytes: the length then `content`.
fn value(content: &[u8]) -> Vec<u8> {
    let mut v = (content.len() as i32).to_be_bytes().to_vec();
    v.extend_from_slice(content);
    v
}

const NULL: [u8; 4] = [0xff, 0xff, 0xff, 0xff];
const UNSET: [u8; 4] = [0xff, 0xff, 0xff, 0xfe];

#[derive(Debug, Clone, PartialEq, cql_derive::UserType)]
#[cql(type_name = "postal_address", keyspace = "shop")]
struct Address {
    street: String,
    #[cql(rename = "zip_code")]
    zip: Option<i32>,
    #[cql(type = "ascii")]
    country: String,
    #[cql(skip)]
    note: u8,
}

#[derive(Debug, Clone, PartialEq, cql_derive::UserType)]
struct HomeAddress {
    #[cql(type = "not a type<")]
    odd: String,
    #[cql(default)]
    floor: Option<i16>,
}

#[derive(Debug, Clone, PartialEq, cql_derive::Model)]
#[cql(
    keyspace = "shop",
    table = "users",
    options(
        comment = "'users of the shop'",
        default_time_to_live = "86400",
        compaction = "{'class': 'LeveledCompactionStrategy'}"
    )
)]
struct User {
    #[cql(partition_key)]
    region: String,
    #[cql(partition_key, rename = "user_id")]
    id: Uuid,
    #[cql(clustering(desc), type = "timeuuid")]
    created: Uuid,
    #[cql(clustering(asc))]
    seq: i32,
    #[cql(static)]
    region_name: Option<String>,
    #[cql(required, index(name = "users_by_email"))]
    email: Option<String>,
    #[cql(frozen, index(full))]
    tags: Vec<String>,
    #[cql(index(keys))]
    attrs: BTreeMap<String, String>,
    #[cql(index(entries, name = "prefs_entries"))]
    prefs: BTreeMap<String, i32>,
    #[cql(index(
        values,
        custom = "org.apache.cassandra.index.sasi.SASIIndex",
        options(mode = "CONTAINS", analyzed = "true")
    ))]
    bio: String,
    #[cql(default = 18)]
    age: Option<i32>,
    #[cql(required, default = String::from("anonymous"))]
    nickname: Option<String>,
    home: Option<Address>,
    #[cql(skip)]
    cache: Vec<u8>,
    #[cql(default)]
    score: Option<i64>,
    #[cql(type = "varchar")]
    r#type: Option<String>,
}

fn user() -> User {
    User {
        region: "eu".into(),
        id: Uuid::from_u128(7),
        // A version-1 (time) UUID.
        created: Uuid::parse_str("e7f2c2a0-1a2b-11ee-be56-0242ac120002").unwrap(),
        seq: 3,
        region_name: Some("Europe".into()),
        email: Some("ann@example.com".into()),
        tags: vec!["a".into(), "b".into()],
        attrs: BTreeMap::from([("k".into(), "v".into())]),
        prefs: BTreeMap::from([("dark".into(), 1)]),
        bio: "hello".into(),
        age: None,
        nickname: Some("annie".into()),
        home: Some(Address {
            street: "Main St".into(),
            zip: None,
            country: "FR".into(),
            note: 0,
        }),
        cache: vec![],
        score: Some(99),
        r#type: None,
    }
}

fn column(field: &str, name: &str, typ: ColumnType) -> ColumnDef {
    let mut c = ColumnDef::new(field, typ);
    c.name = name.into();
    c
}

fn address_type() -> ColumnType {
    ColumnType::Udt {
        keyspace: "shop".into(),
        name: "postal_address".into(),
        fields: vec![
            ("street".into(), ColumnType::Text),
            ("zip_code".into(), ColumnType::Int),
            ("country".into(), ColumnType::Ascii),
        ],
    }
}

#[test]
fn model_schema_from_every_attribute() {
    let s = User::schema().unwrap();
    assert_eq!(s.model_name, "User");
    assert_eq!(s.table, "users");
    assert_eq!(s.keyspace.as_deref(), Some("shop"));
    assert_eq!(
        s.options,
        vec![
            ("comment".to_string(), "'users of the shop'".to_string()),
            ("default_time_to_live".into(), "86400".into()),
            (
                "compaction".into(),
                "{'class': 'LeveledCompactionStrategy'}".into()
            ),
        ]
    );
    assert_eq!(s.discriminator, None);
    let text = || ColumnType::Text;
    let map = |k: ColumnType, v: ColumnType| ColumnType::Map(Box::new(k), Box::new(v));
    let mut expected = vec![
        column("region", "region", text()),
        column("id", "user_id", ColumnType::Uuid),
        column("created", "created", ColumnType::Timeuuid),
        column("seq", "seq", ColumnType::Int),
        column("region_name", "region_name", text()),
        column("email", "email", text()),
        column("tags", "tags", ColumnType::List(Box::new(text()))),
        column("attrs", "attrs", map(text(), text())),
        column("prefs", "prefs", map(text(), ColumnType::Int)),
        column("bio", "bio", text()),
        column("age", "age", ColumnType::Int),
        column("nickname", "nickname", text()),
        column("home", "home", address_type()),
        column("score", "score", ColumnType::BigInt),
        column("type", "type", text()),
    ];
    expected[0].role = KeyRole::Partition(0);
    expected[1].role = KeyRole::Partition(1);
    expected[2].role = KeyRole::Clustering {
        position: 0,
        descending: true,
    };
    expected[3].role = KeyRole::Clustering {
        position: 1,
        descending: false,
    };
    expected[4].role = KeyRole::Static;
    for i in [4, 5, 10, 11, 12, 13, 14] {
        expected[i].nullable = true;
    }
    expected[5].required = true;
    expected[11].required = true;
    expected[10].has_default = true;
    expected[11].has_default = true;
    expected[6].frozen = true;
    expected[5].index = Some(IndexDef {
        name: Some("users_by_email".into()),
        ..IndexDef::default()
    });
    expected[6].index = Some(IndexDef {
        target: IndexTarget::Full,
        ..IndexDef::default()
    });
    expected[7].index = Some(IndexDef {
        target: IndexTarget::Keys,
        ..IndexDef::default()
    });
    expected[8].index = Some(IndexDef {
        name: Some("prefs_entries".into()),
        target: IndexTarget::Entries,
        ..IndexDef::default()
    });
    expected[9].index = Some(IndexDef {
        name: None,
        target: IndexTarget::Values,
        custom_class: Some("org.apache.cassandra.index.sasi.SASIIndex".into()),
        options: vec![
            ("mode".into(), "CONTAINS".into()),
            ("analyzed".into(), "true".into()),
        ],
    });
    for (got, want) in s.columns.iter().zip(&expected) {
        assert_eq!(got, want);
    }
    assert_eq!(s.columns.len(), expected.len());
    // Built once.
    assert!(std::ptr::eq(s, User::schema().unwrap()));
    assert_eq!(s.columns[6].type_cql(), "frozen<list<text>>");
}

#[derive(Debug, PartialEq, cql_derive::Model)]
struct PageHits {
    #[cql(partition_key)]
    page: String,
    #[cql(counter)]
    hits: i64,
}

#[test]
fn default_table_name_and_counters() {
    let s = PageHits::schema().unwrap();
    assert_eq!(s.table, "page_hits");
    assert_eq!(s.keyspace, None);
    assert!(s.options.is_empty());
    assert_eq!(s.columns[1].column_type, ColumnType::Counter);
    assert!(s.is_counter_table());
    let hits = PageHits {
        page: "/".into(),
        hits: 5,
    };
    assert_eq!(
        write(&hits, 1, &ColumnType::Counter),
        value(&5i64.to_be_bytes())
    );
}

#[test]
fn writes_columns_nulls_and_defaults() {
    let u = user();
    let s = User::schema().unwrap();
    let typ = |i: usize| s.columns[i].column_type.clone();
    assert_eq!(write(&u, 0, &typ(0)), value(b"eu"));
    assert_eq!(write(&u, 1, &typ(1)), value(&7u128.to_be_bytes()));
    assert_eq!(write(&u, 3, &typ(3)), value(&3i32.to_be_bytes()));
    assert_eq!(write(&u, 10, &typ(10)), NULL);
    assert_eq!(write(&u, 11, &typ(11)), value(b"annie"));
    assert_eq!(write(&u, 13, &typ(13)), value(&99i64.to_be_bytes()));
    // The type given at write time is the one used.
    let mut out = Vec::new();
    assert!(u.serialize_column(0, &ColumnType::Int, &mut out).is_err());
    let err = u
        .serialize_column(15, &ColumnType::Int, &mut out)
        .unwrap_err();
    assert!(err.to_string().contains("User has no column 15"), "{err}");

    let nulls: Vec<usize> = (0..16).filter(|&i| u.column_is_null(i)).collect();
    // age and type are None; region_name, email, nickname, home and score hold values.
    assert_eq!(nulls, [10, 14]);

    let mut out = Vec::new();
    assert!(User::write_default(10, &ColumnType::Int, &mut out).unwrap());
    assert_eq!(out, value(&18i32.to_be_bytes()));
    let mut out = Vec::new();
    assert!(User::write_default(11, &ColumnType::Text, &mut out).unwrap());
    assert_eq!(out, value(b"anonymous"));
    let mut out = Vec::new();
    assert!(!User::write_default(0, &ColumnType::Text, &mut out).unwrap());
    assert!(!PageHits::write_default(1, &ColumnType::Counter, &mut out).unwrap());
    assert!(out.is_empty());
}

#[test]
fn model_round_trips_through_rows() {
    let specs = specs_of::<User>();
    let mut bob = user();
    bob.id = Uuid::from_u128(8);
    bob.home = None;
    bob.email = None;
    bob.r#type = Some("admin".into());
    bob.score = None;
    let ann = user();
    let rows = rows_of(&specs, &[&ann, &bob]);
    let read: Vec<User> = rows
        .typed::<User>()
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(read, [ann, bob]);

    // Columns are matched by name: another order and an extra column read the same.
    let mut shuffled = specs.clone();
    shuffled.reverse();
    shuffled.push(spec("extra", ColumnType::Int));
    let u = user();
    let cells: Vec<Option<Vec<u8>>> = shuffled
        .iter()
        .map(|s| match User::schema().unwrap().column(&s.name) {
            Some((i, _)) => cell_of(&write(&u, i, &s.typ)),
            None => None,
        })
        .collect();
    let rows = rows_of_cells(&shuffled, &[cells]);
    let read = rows.typed::<User>().unwrap().next().unwrap().unwrap();
    assert_eq!(read, u);

    // The bare `default` field may be absent; the others may not.
    let without_score: Vec<ColumnSpec> = specs
        .iter()
        .filter(|s| s.name != "score")
        .cloned()
        .collect();
    assert!(User::type_check(&without_score).is_ok());
    let without_age: Vec<ColumnSpec> = specs.iter().filter(|s| s.name != "age").cloned().collect();
    assert!(User::type_check(&without_age).is_err());
}

#[test]
fn column_handles() {
    let age: Column<User, Option<i32>> = User::AGE;
    assert_eq!(age.index(), 10);
    assert_eq!(User::REGION.index(), 0);
    assert_eq!(User::ID.index(), 1);
    let home: Column<User, Option<Address>> = User::HOME;
    assert_eq!(home.index(), 12);
    // After the skipped `cache`.
    assert_eq!(User::SCORE.index(), 13);
    assert_eq!(User::TYPE.index(), 14);
    let s = User::schema().unwrap();
    assert_eq!(s.columns[User::NICKNAME.index()].field, "nickname");
    assert_eq!(format!("{:?}", User::SEQ), "Column(3)");
}

#[derive(Debug, cql_derive::Model)]
struct BadType {
    #[cql(partition_key)]
    id: i32,
    #[cql(type = "map<text")]
    settings: String,
}

#[derive(Debug, cql_derive::Model)]
struct MixedCounters {
    #[cql(partition_key)]
    id: i32,
    #[cql(counter)]
    hits: i64,
    note: String,
}

#[test]
fn schema_errors_name_the_field() {
    let e = BadType::schema().unwrap_err();
    assert_eq!(e.model, "BadType");
    assert_eq!(e.field.as_deref(), Some("settings"));
    assert!(e.reason.contains("map<text"), "{e}");
    assert_eq!(BadType::schema().unwrap_err(), e);

    let e = MixedCounters::schema().unwrap_err();
    assert_eq!(e.field.as_deref(), Some("note"));
    assert!(e.reason.contains("counter"), "{e}");
}

#[test]
fn user_type_model_and_cql_type() {
    assert_eq!(Address::type_name(), "postal_address");
    assert_eq!(Address::keyspace(), Some("shop"));
    let ColumnType::Udt { fields, .. } = address_type() else {
        unreachable!()
    };
    assert_eq!(Address::fields(), fields);
    assert_eq!(<Address as CqlType>::cql_type(), address_type());
    const { assert!(!<Address as CqlType>::NULLABLE) };
    const { assert!(<Option<Address> as CqlType>::NULLABLE) };

    assert_eq!(HomeAddress::type_name(), "home_address");
    assert_eq!(HomeAddress::keyspace(), None);
    assert_eq!(
        HomeAddress::fields(),
        vec![
            ("odd".to_string(), ColumnType::Custom("not a type<".into())),
            ("floor".into(), ColumnType::SmallInt),
        ]
    );

    // The value traits: written and read by field name, `note` skipped.
    let a = Address {
        street: "Main St".into(),
        zip: Some(75001),
        country: "FR".into(),
        note: 9,
    };
    let mut out = Vec::new();
    cql_core::types::SerializeValue::serialize(&a, &address_type(), &mut out).unwrap();
    let back: Address =
        cql_core::types::DeserializeValue::deserialize(&address_type(), cell_of(&out).as_deref())
            .unwrap();
    assert_eq!(back, Address { note: 0, ..a });
}

mod reexport {
    pub use ::cql_core as core_again;
}

#[derive(Debug, PartialEq, cql_derive::Model)]
#[cql(crate = "crate::reexport::core_again")]
struct Renamed {
    #[cql(partition_key)]
    id: i32,
}

#[test]
fn crate_path_is_overridable() {
    assert_eq!(Renamed::schema().unwrap().table, "renamed");
}

// Polymorphic: cats and dogs in one table.

#[derive(Debug, Clone, PartialEq, cql_derive::Model)]
#[cql(table = "animals", keyspace = "zoo", discriminator_value = "cat")]
struct Cat {
    #[cql(partition_key)]
    owner: String,
    #[cql(clustering)]
    id: i32,
    #[cql(discriminator)]
    kind: String,
    name: Option<String>,
    #[cql(default = 9)]
    lives: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, cql_derive::Model)]
#[cql(table = "animals", keyspace = "zoo", discriminator_value = "dog")]
struct Dog {
    #[cql(partition_key)]
    owner: String,
    #[cql(clustering)]
    id: i32,
    #[cql(rename = "good", default = true)]
    good_boy: Option<bool>,
    #[cql(discriminator)]
    kind: String,
    name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, cql_derive::Polymorphic)]
enum Animal {
    Cat(Cat),
    Dog(Dog),
}

#[derive(Debug, Clone, PartialEq, cql_derive::Model)]
#[cql(table = "birds", keyspace = "zoo", discriminator_value = "bird")]
struct Bird {
    #[cql(partition_key)]
    owner: String,
    #[cql(clustering)]
    id: i32,
    #[cql(discriminator)]
    kind: String,
}

#[derive(Debug, cql_derive::Polymorphic)]
enum Mismatched {
    Cat(Cat),
    Bird(Bird),
}

fn tom() -> Cat {
    Cat {
        owner: "ann".into(),
        id: 1,
        kind: "cat".into(),
        name: Some("Tom".into()),
        lives: Some(7),
    }
}

fn rex() -> Dog {
    Dog {
        owner: "ann".into(),
        id: 2,
        good_boy: Some(true),
        kind: "dog".into(),
        name: None,
    }
}

#[test]
fn polymorphic_schema_is_the_union() {
    let s = Animal::schema().unwrap();
    let names: Vec<&str> = s.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["owner", "id", "kind", "name", "lives", "good"]);
    assert_eq!(s.model_name, "Animal");
    assert_eq!(s.table, "animals");
    assert_eq!(s.keyspace.as_deref(), Some("zoo"));
    assert_eq!(
        s.discriminator,
        Some(Discriminator {
            column: 2,
            value: None
        })
    );
    assert!(s.columns[4].nullable);
    // Defaults only in one variant are not the union's.
    assert!(!s.columns[4].has_default);
    assert!(!s.columns[5].has_default);
    assert_eq!(
        Cat::schema()
            .unwrap()
            .discriminator
            .as_ref()
            .unwrap()
            .value
            .as_deref(),
        Some("cat")
    );

    let e = Mismatched::schema().unwrap_err();
    assert_eq!(e.model, "Mismatched");
    assert!(e.reason.contains("different tables"), "{e}");
}

#[test]
fn polymorphic_writes_by_column_name() {
    let s = Animal::schema().unwrap();
    let typ = |i: usize| s.columns[i].column_type.clone();
    let cat = Animal::from(tom());
    let dog = Animal::from(rex());
    assert_eq!(write(&cat, 2, &typ(2)), value(b"cat"));
    assert_eq!(write(&cat, 4, &typ(4)), value(&7i32.to_be_bytes()));
    assert_eq!(write(&cat, 5, &typ(5)), UNSET);
    assert_eq!(write(&dog, 2, &typ(2)), value(b"dog"));
    assert_eq!(write(&dog, 4, &typ(4)), UNSET);
    assert_eq!(write(&dog, 5, &typ(5)), value(&[1]));
    assert_eq!(write(&dog, 3, &typ(3)), NULL);
    let mut out = Vec::new();
    assert!(dog.serialize_column(6, &ColumnType::Int, &mut out).is_err());

    assert!(!cat.column_is_null(4));
    assert!(cat.column_is_null(5));
    assert!(dog.column_is_null(4));
    assert!(dog.column_is_null(3));
    assert!(!dog.column_is_null(5));
    assert!(!dog.column_is_null(0));
    assert!(dog.column_is_null(6));
    let mut out = Vec::new();
    assert!(!Animal::write_default(4, &ColumnType::Int, &mut out).unwrap());
    assert!(out.is_empty());
}

#[test]
fn polymorphic_reads_dispatch_on_the_discriminator() {
    let specs = specs_of::<Animal>();
    let rows = rows_of::<Animal>(&specs, &[]);
    assert_eq!(rows.typed::<Animal>().unwrap().count(), 0);

    // Written through the enum, unset cells become null cells.
    let cells: Vec<Vec<Option<Vec<u8>>>> = [Animal::from(tom()), Animal::from(rex())]
        .iter()
        .map(|a| {
            specs
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let out = write(a, i, &s.typ);
                    if out == UNSET { None } else { cell_of(&out) }
                })
                .collect()
        })
        .collect();
    let rows = rows_of_cells(&specs, &cells);
    let read: Vec<Animal> = rows
        .typed::<Animal>()
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(read, [Animal::Cat(tom()), Animal::Dog(rex())]);

    // An unknown value, and a null one.
    let row = |kind: Option<&str>| {
        vec![
            cell(Some(CqlValue::Text("ann".into())), &ColumnType::Text),
            cell(Some(CqlValue::Int(3)), &ColumnType::Int),
            cell(kind.map(|k| CqlValue::Text(k.into())), &ColumnType::Text),
            None,
            None,
            None,
        ]
    };
    let first_error = |kind: Option<&str>| {
        let rows = rows_of_cells(&specs, &[row(kind)]);
        let e = rows.typed::<Animal>().unwrap().next().unwrap().unwrap_err();
        e.to_string()
    };
    let e = first_error(Some("cow"));
    assert_eq!(
        e,
        "model Animal: no variant has the discriminator value \"cow\""
    );
    let e = first_error(None);
    assert_eq!(e, "model Animal: the discriminator is null");

    // The discriminator column is needed, as text.
    let without: Vec<ColumnSpec> = specs.iter().filter(|s| s.name != "kind").cloned().collect();
    assert!(Animal::type_check(&without).is_err());
    let mut int_kind = specs.clone();
    int_kind[2].typ = ColumnType::Int;
    assert!(Animal::type_check(&int_kind).is_err());
    // A column a variant needs is needed.
    let without: Vec<ColumnSpec> = specs.iter().filter(|s| s.name != "good").cloned().collect();
    assert!(Animal::type_check(&without).is_err());
}
