//! The object mapper against a simulated node over real sockets: schema sync (create,
//! no-op, evolution, incompatible changes), every query-set filter and option, every
//! write form (collections, counters, TTL, timestamps, conditions), batches, change
//! tracking, polymorphic models — and the failures: bad filters refused before sending,
//! conditions not applied (with the current row), required fields, type mismatches.

use std::collections::{BTreeMap, BTreeSet};

use cql_core::{Model, Polymorphic, UserType};
use cql_testkit::sim::server::{SimServer, SimServerConfig, SimServerHandle};
use cql_transport_tcp::mapper::{Mapper, MapperError, Tracked};
use cql_transport_tcp::message::Consistency;
use cql_transport_tcp::{BatchType, CqlTimestamp, Session, SessionBuilder};
use futures::StreamExt;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, UserType)]
#[cql(type_name = "address")]
struct Address {
    street: String,
    city: String,
    zip: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[cql(table = "users", options(comment = "'users of the shop'"))]
struct User {
    #[cql(partition_key)]
    id: i32,
    name: String,
    #[cql(index)]
    email: Option<String>,
    age: Option<i32>,
    #[cql(index)]
    tags: Option<BTreeSet<String>>,
    scores: Option<Vec<i32>>,
    #[cql(index(keys))]
    prefs: Option<BTreeMap<String, i32>>,
    home: Option<Address>,
    #[cql(default = 7)]
    level: Option<i32>,
    #[cql(required)]
    nickname: Option<String>,
}

fn user(id: i32, name: &str) -> User {
    User {
        id,
        name: name.into(),
        email: None,
        age: None,
        tags: None,
        scores: None,
        prefs: None,
        home: None,
        level: None,
        nickname: Some(format!("{name}-nick")),
    }
}

#[derive(Debug, Clone, PartialEq, Model)]
#[cql(table = "readings")]
struct Reading {
    #[cql(partition_key)]
    device: String,
    #[cql(partition_key)]
    day: i32,
    #[cql(clustering(desc))]
    at: CqlTimestamp,
    #[cql(clustering)]
    seq: i32,
    value: f64,
    #[cql(static)]
    owner: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[cql(table = "page_views")]
struct PageViews {
    #[cql(partition_key)]
    url: String,
    #[cql(counter)]
    views: i64,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[cql(table = "timeline")]
struct Post {
    #[cql(partition_key)]
    author: String,
    #[cql(clustering, type = "timeuuid")]
    at: Uuid,
    text: String,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[cql(table = "articles")]
struct Article {
    #[cql(partition_key)]
    id: i32,
    #[cql(index(
        custom = "org.apache.cassandra.index.sasi.SASIIndex",
        options(mode = "CONTAINS")
    ))]
    title: String,
    body: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[cql(table = "pets", discriminator_value = "cat")]
struct Cat {
    #[cql(partition_key)]
    owner: String,
    #[cql(clustering)]
    name: String,
    #[cql(discriminator, index)]
    kind: String,
    lives: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[cql(table = "pets", discriminator_value = "dog")]
struct Dog {
    #[cql(partition_key)]
    owner: String,
    #[cql(clustering)]
    name: String,
    #[cql(discriminator, index)]
    kind: String,
    good: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Polymorphic)]
enum Pet {
    Cat(Cat),
    Dog(Dog),
}

/// `users` as a later version of the application declares it: one column more.
#[derive(Debug, Clone, PartialEq, Model)]
#[cql(table = "users")]
struct UserV2 {
    #[cql(partition_key)]
    id: i32,
    name: String,
    country: Option<String>,
}

/// `users` with another primary key: sync must refuse it.
#[derive(Debug, Clone, PartialEq, Model)]
#[cql(table = "users")]
struct UserWrongKey {
    #[cql(partition_key)]
    id: i32,
    #[cql(clustering)]
    name: String,
    age: Option<String>,
}

async fn node() -> SimServerHandle {
    SimServer::start(SimServerConfig::default()).await.unwrap()
}

async fn mapper_on(server: &SimServerHandle, keyspace: &str) -> Mapper {
    let session: Session = SessionBuilder::new()
        .contact_point(server.local_addr())
        .connect()
        .await
        .unwrap();
    let mapper = Mapper::new(session).with_keyspace(keyspace);
    mapper.create_keyspace_simple(keyspace, 1).await.unwrap();
    mapper
}

fn ts(ms: i64) -> CqlTimestamp {
    CqlTimestamp(ms)
}

#[tokio::test]
async fn sync_table_creates_then_is_a_no_op_then_evolves_and_refuses_incompatible_changes() {
    let server = node().await;
    let mapper = mapper_on(&server, "orm_sync").await;
    let created = mapper.sync_table::<User>().await.unwrap();
    assert!(
        created
            .statements
            .iter()
            .any(|s| s.starts_with("CREATE TYPE")),
        "{created:?}"
    );
    assert!(
        created
            .statements
            .iter()
            .any(|s| s.starts_with("CREATE TABLE"))
    );
    assert_eq!(
        created
            .statements
            .iter()
            .filter(|s| s.contains("INDEX"))
            .count(),
        3,
        "{created:?}"
    );
    let again = mapper.sync_table::<User>().await.unwrap();
    assert!(again.is_unchanged(), "second sync changed {again:?}");

    let metadata = mapper.session().metadata();
    let table = metadata.table("orm_sync", "users").unwrap();
    assert_eq!(table.columns.len(), 10);
    assert_eq!(table.indexes.len(), 3);
    assert_eq!(
        table.options.get("comment").and_then(|o| o.as_text()),
        Some("users of the shop")
    );
    drop(metadata);

    let evolved = mapper.sync_table::<UserV2>().await.unwrap();
    assert_eq!(evolved.statements.len(), 1, "{evolved:?}");
    assert!(
        evolved.statements[0].contains("ADD \"country\" text"),
        "{evolved:?}"
    );
    assert!(mapper.sync_table::<UserV2>().await.unwrap().is_unchanged());

    let err = mapper.sync_table::<UserWrongKey>().await.unwrap_err();
    let MapperError::Incompatible { differences, .. } = &err else {
        panic!("expected Incompatible, got {err:?}");
    };
    assert!(differences.contains("name"), "{err}");
    assert!(differences.contains("age"), "{err}");
    // Reading with a model whose field has another type than the column fails, naming it.
    mapper.insert(&user(1, "ada")).await.unwrap();
    let err = mapper.objects::<UserWrongKey>().all().await.unwrap_err();
    assert!(matches!(err, MapperError::Session(_)), "{err:?}");
    assert!(err.to_string().contains("age"), "{err}");

    // Keyspaces with either strategy, created and dropped.
    mapper
        .create_keyspace_network_topology("orm_nts", &[("datacenter1", 1)])
        .await
        .unwrap();
    let metadata = mapper.session().metadata();
    let nts = metadata.keyspace("orm_nts").unwrap();
    assert_eq!(
        nts.replication.get("class").map(String::as_str),
        Some("org.apache.cassandra.locator.NetworkTopologyStrategy")
    );
    assert_eq!(
        nts.replication.get("datacenter1").map(String::as_str),
        Some("1")
    );
    drop(metadata);
    mapper.drop_keyspace("orm_nts").await.unwrap();
    assert!(mapper.session().metadata().keyspace("orm_nts").is_none());
    mapper.drop_table::<User>().await.unwrap();
    assert!(
        mapper
            .session()
            .metadata()
            .table("orm_sync", "users")
            .is_none()
    );
    server.stop().await;
}

async fn users(mapper: &Mapper) {
    mapper.sync_table::<User>().await.unwrap();
    for (id, name, age) in [
        (1, "ada", 36),
        (2, "bob", 41),
        (3, "cy", 29),
        (4, "dee", 41),
    ] {
        let mut u = user(id, name);
        u.age = Some(age);
        u.email = Some(format!("{name}@example.com"));
        u.tags = Some([name.to_string(), "all".into()].into());
        u.prefs = Some([(format!("k{id}"), id)].into());
        u.home = Some(Address {
            street: "1 Main".into(),
            city: "Paris".into(),
            zip: Some(75000 + id),
        });
        mapper.insert(&u).await.unwrap();
    }
}

#[tokio::test]
async fn reads_every_filter_and_option() {
    let server = node().await;
    let mapper = mapper_on(&server, "orm_read").await;
    users(&mapper).await;
    let all = mapper.objects::<User>();

    let ada = all.clone().filter(User::ID.eq(1)).get().await.unwrap();
    assert_eq!(ada.name, "ada");
    assert_eq!(ada.level, Some(7), "the default is written for a None");
    assert_eq!(ada.home.as_ref().unwrap().zip, Some(75001));
    assert_eq!(all.clone().count().await.unwrap(), 4);
    assert_eq!(all.clone().all().await.unwrap().len(), 4);

    let some = all
        .clone()
        .filter(User::ID.is_in([1, 3]))
        .all()
        .await
        .unwrap();
    assert_eq!(names(some), ["ada", "cy"]);
    let by_email = all
        .clone()
        .filter(User::EMAIL.eq("bob@example.com"))
        .get()
        .await
        .unwrap();
    assert_eq!(by_email.id, 2);
    let tagged = all
        .clone()
        .filter(User::TAGS.contains("dee"))
        .all()
        .await
        .unwrap();
    assert_eq!(names(tagged), ["dee"]);
    let keyed = all
        .clone()
        .filter(User::PREFS.contains_key("k3"))
        .all()
        .await
        .unwrap();
    assert_eq!(names(keyed), ["cy"]);
    let older = all
        .clone()
        .filter(User::AGE.gt(30))
        .allow_filtering()
        .all()
        .await
        .unwrap();
    assert_eq!(names(older), ["ada", "bob", "dee"]);
    for (filter, expected) in [
        (User::AGE.ge(41), 2),
        (User::AGE.lt(36), 1),
        (User::AGE.le(36), 2),
    ] {
        let n = all
            .clone()
            .filter(filter)
            .allow_filtering()
            .count()
            .await
            .unwrap();
        assert_eq!(n, expected);
    }
    // A filter the schema cannot serve is refused before anything is sent.
    let err = all
        .clone()
        .filter(User::AGE.gt(30))
        .all()
        .await
        .unwrap_err();
    assert!(matches!(err, MapperError::Invalid(_)), "{err:?}");
    assert!(err.to_string().contains("age"), "{err}");
    assert!(
        err.to_string().to_lowercase().contains("allow_filtering"),
        "{err}"
    );
    let err = all
        .clone()
        .filter(User::NAME.like("a%"))
        .allow_filtering()
        .all()
        .await
        .unwrap_err();
    assert!(matches!(err, MapperError::Invalid(_)), "{err:?}");
    // IN on a regular column filters (Cassandra 4.0+): allowed with ALLOW FILTERING only.
    let err = all
        .clone()
        .filter(User::AGE.is_in([36, 29]))
        .all()
        .await
        .unwrap_err();
    assert!(matches!(err, MapperError::Invalid(_)), "{err:?}");
    let in_ages = all
        .clone()
        .filter(User::AGE.is_in([36, 29]))
        .allow_filtering()
        .all()
        .await
        .unwrap();
    assert_eq!(names(in_ages), ["ada", "cy"]);

    // get: none, more than one.
    let err = all.clone().filter(User::ID.eq(99)).get().await.unwrap_err();
    assert!(matches!(err, MapperError::DoesNotExist { .. }), "{err:?}");
    let err = all
        .clone()
        .filter(User::AGE.eq(41))
        .allow_filtering()
        .get()
        .await
        .unwrap_err();
    assert!(
        matches!(err, MapperError::MultipleObjectsReturned { .. }),
        "{err:?}"
    );
    assert!(
        all.clone()
            .filter(User::ID.eq(99))
            .first()
            .await
            .unwrap()
            .is_none()
    );

    // Column selection, values lists, distinct.
    let pairs: Vec<(i32, String)> = all
        .clone()
        .only(&["id", "name"])
        .filter(User::ID.eq(2))
        .values()
        .await
        .unwrap();
    assert_eq!(pairs, [(2, "bob".to_string())]);
    let deferred: Vec<Vec<Option<cql_transport_tcp::CqlValue>>> = all
        .clone()
        .defer(&["home", "prefs", "tags", "scores"])
        .filter(User::ID.eq(2))
        .values()
        .await
        .unwrap();
    assert_eq!(deferred[0].len(), 6);
    let mut ids: Vec<(i32,)> = all.clone().distinct().only(&["id"]).values().await.unwrap();
    ids.sort();
    assert_eq!(ids, [(1,), (2,), (3,), (4,)]);

    // Token ranges: every row is in exactly one of the two halves.
    let low = all
        .clone()
        .token(cql_transport_tcp::mapper::Op::Le, 0)
        .count()
        .await
        .unwrap();
    let high = all
        .clone()
        .token(cql_transport_tcp::mapper::Op::Gt, 0)
        .count()
        .await
        .unwrap();
    assert_eq!(low + high, 4);
    let after_ada = all
        .clone()
        .token_of_key(cql_transport_tcp::mapper::Op::Gt, &[&1i32])
        .count()
        .await
        .unwrap();
    assert!(after_ada < 4);

    // Streams across pages, pages resumed from their state, options.
    let streamed: Vec<User> = all
        .clone()
        .fetch_size(1)
        .consistency(Consistency::One)
        .timeout(std::time::Duration::from_secs(5))
        .stream()
        .await
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
        .await;
    assert_eq!(streamed.len(), 4);
    let first = all.clone().fetch_size(3).page().await.unwrap();
    assert_eq!(first.items.len(), 3);
    let state = first.paging_state.expect("a second page");
    let second = all
        .clone()
        .fetch_size(3)
        .paging_state(state)
        .page()
        .await
        .unwrap();
    assert_eq!(second.items.len(), 1);
    assert!(second.paging_state.is_none());
    server.stop().await;
}

fn names(users: Vec<User>) -> Vec<String> {
    let mut n: Vec<String> = users.into_iter().map(|u| u.name).collect();
    n.sort();
    n
}

#[tokio::test]
async fn clustering_order_limits_static_columns_and_time_uuids() {
    let server = node().await;
    let mapper = mapper_on(&server, "orm_cluster").await;
    mapper.sync_table::<Reading>().await.unwrap();
    for day in [1, 2] {
        for seq in 0..5 {
            let r = Reading {
                device: "d1".into(),
                day,
                at: ts(1_000 * i64::from(seq % 3)),
                seq,
                value: f64::from(seq),
                owner: None,
            };
            mapper.insert(&r).await.unwrap();
        }
    }
    let day1 = mapper
        .objects::<Reading>()
        .filter(Reading::DEVICE.eq("d1"))
        .filter(Reading::DAY.eq(1));
    let rows = day1.clone().all().await.unwrap();
    assert_eq!(rows.len(), 5);
    assert!(
        rows.windows(2).all(|w| w[0].at >= w[1].at),
        "DESC clustering"
    );
    let asc = day1
        .clone()
        .order_by(Reading::AT.asc())
        .order_by(Reading::SEQ.desc())
        .all()
        .await
        .unwrap();
    assert!(asc.windows(2).all(|w| w[0].at <= w[1].at));
    let slice = day1
        .clone()
        .filter(Reading::AT.eq(ts(1_000)))
        .filter(Reading::SEQ.ge(1))
        .filter(Reading::SEQ.lt(4))
        .all()
        .await
        .unwrap();
    assert_eq!(slice.iter().map(|r| r.seq).collect::<Vec<_>>(), [1]);
    assert_eq!(day1.clone().limit(2).all().await.unwrap().len(), 2);
    let both_days = mapper
        .objects::<Reading>()
        .filter(Reading::DEVICE.eq("d1"))
        .filter(Reading::DAY.is_in([1, 2]))
        .per_partition_limit(1)
        .all()
        .await
        .unwrap();
    assert_eq!(both_days.len(), 2);
    // A clustering restriction without the partition key needs ALLOW FILTERING.
    let err = mapper
        .objects::<Reading>()
        .filter(Reading::SEQ.eq(1))
        .all()
        .await
        .unwrap_err();
    assert!(matches!(err, MapperError::Invalid(_)), "{err:?}");
    // ORDER BY a non-clustering column is refused.
    let err = day1
        .clone()
        .order_by(Reading::VALUE.desc())
        .all()
        .await
        .unwrap_err();
    assert!(matches!(err, MapperError::Invalid(_)), "{err:?}");

    // A static column: one value per partition, written by partition key alone.
    mapper
        .objects::<Reading>()
        .filter(Reading::DEVICE.eq("d1"))
        .filter(Reading::DAY.eq(1))
        .update()
        .set(Reading::OWNER, "ops")
        .await
        .unwrap();
    assert!(
        day1.clone()
            .all()
            .await
            .unwrap()
            .iter()
            .all(|r| r.owner.as_deref() == Some("ops"))
    );

    // minTimeuuid / maxTimeuuid on a timeuuid clustering column.
    mapper.sync_table::<Post>().await.unwrap();
    for (ms, text) in [(1_000, "one"), (2_000, "two"), (3_000, "three")] {
        let post = Post {
            author: "ann".into(),
            at: time_uuid(ms),
            text: text.into(),
        };
        mapper.insert(&post).await.unwrap();
    }
    let middle = mapper
        .objects::<Post>()
        .filter(Post::AUTHOR.eq("ann"))
        .filter(Post::AT.min_timeuuid(cql_transport_tcp::mapper::Op::Gt, ts(1_500)))
        .filter(Post::AT.max_timeuuid(cql_transport_tcp::mapper::Op::Lt, ts(2_500)))
        .all()
        .await
        .unwrap();
    assert_eq!(
        middle.iter().map(|p| p.text.as_str()).collect::<Vec<_>>(),
        ["two"]
    );

    // LIKE through a SASI index.
    mapper.sync_table::<Article>().await.unwrap();
    for (id, title) in [
        (1, "rust drivers"),
        (2, "cassandra drivers"),
        (3, "gardening"),
    ] {
        let a = Article {
            id,
            title: title.into(),
            body: None,
        };
        mapper.insert(&a).await.unwrap();
    }
    let mut found: Vec<i32> = mapper
        .objects::<Article>()
        .filter(Article::TITLE.like("%drivers%"))
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    found.sort();
    assert_eq!(found, [1, 2]);

    // An index the table has but the model does not declare serves queries too.
    let by_body = mapper
        .objects::<Article>()
        .filter(Article::BODY.eq("draft"));
    assert!(matches!(by_body.all().await, Err(MapperError::Invalid(_))));
    mapper
        .session()
        .execute(
            "CREATE INDEX articles_body ON orm_cluster.articles (body)",
            (),
        )
        .await
        .unwrap();
    mapper.session().refresh_schema().await.unwrap();
    assert!(by_body.all().await.unwrap().is_empty());
    server.stop().await;
}

/// A version-1 time-UUID at `ms` milliseconds since the epoch.
fn time_uuid(ms: i64) -> Uuid {
    let ticks = (ms as u64) * 10_000 + 0x01B2_1DD2_1381_4000;
    let time_low = (ticks & 0xFFFF_FFFF) as u32;
    let time_mid = ((ticks >> 32) & 0xFFFF) as u16;
    let time_hi = (((ticks >> 48) & 0x0FFF) as u16) | 0x1000;
    Uuid::from_fields(time_low, time_mid, time_hi, &[0x80, 0, 0, 0, 0, 0, 0, 1])
}

#[tokio::test]
async fn writes_collections_counters_ttl_timestamps_and_conditions() {
    let server = node().await;
    let mapper = mapper_on(&server, "orm_write").await;
    users(&mapper).await;
    let ada = mapper
        .objects::<User>()
        .filter(User::ID.eq(1))
        .get()
        .await
        .unwrap();

    mapper
        .update(&ada)
        .append(User::SCORES, [1, 2])
        .prepend(User::SCORES, [0])
        .add(User::TAGS, BTreeSet::from(["new".to_string()]))
        .put(User::PREFS, "theme", 2)
        .await
        .unwrap();
    mapper
        .update(&ada)
        .remove(User::TAGS, BTreeSet::from(["all".to_string()]))
        .remove(User::SCORES, [1])
        .put_all(User::PREFS, BTreeMap::from([("lang".to_string(), 3)]))
        .remove_keys(User::PREFS, ["k1"])
        .set_index(User::SCORES, 0, 10)
        .await
        .unwrap();
    let ada = mapper
        .objects::<User>()
        .filter(User::ID.eq(1))
        .get()
        .await
        .unwrap();
    assert_eq!(ada.scores, Some(vec![10, 2]));
    assert_eq!(
        ada.tags,
        Some(BTreeSet::from(["ada".to_string(), "new".to_string()]))
    );
    assert_eq!(
        ada.prefs,
        Some(BTreeMap::from([
            ("lang".to_string(), 3),
            ("theme".to_string(), 2)
        ]))
    );

    // Delete columns and a map key, then the row.
    mapper
        .delete(&ada)
        .column(User::EMAIL)
        .map_key(User::PREFS, "lang")
        .await
        .unwrap();
    let ada = mapper
        .objects::<User>()
        .filter(User::ID.eq(1))
        .get()
        .await
        .unwrap();
    assert_eq!(ada.email, None);
    assert_eq!(ada.prefs, Some(BTreeMap::from([("theme".to_string(), 2)])));
    mapper
        .delete(&ada)
        .list_index(User::SCORES, 0)
        .await
        .unwrap();
    assert_eq!(
        mapper
            .objects::<User>()
            .filter(User::ID.eq(1))
            .get()
            .await
            .unwrap()
            .scores,
        Some(vec![2])
    );

    // TTL and timestamps, read back with TTL() and WRITETIME().
    let mut eve = user(5, "eve");
    eve.age = Some(20);
    mapper
        .insert(&eve)
        .ttl(600)
        .timestamp(1_000_000)
        .await
        .unwrap();
    let row = mapper
        .session()
        .execute(
            "SELECT TTL(name), WRITETIME(name) FROM orm_write.users WHERE id = 5",
            (),
        )
        .await
        .unwrap();
    let row = row.first_row().unwrap();
    let ttl: Option<i32> = row.get(0).unwrap();
    assert!(ttl.is_some_and(|t| t > 590 && t <= 600), "{ttl:?}");
    assert_eq!(row.get::<i64>(1).unwrap(), 1_000_000);
    mapper
        .update(&eve)
        .set(User::AGE, 21)
        .ttl(60)
        .timestamp(2_000_000)
        .await
        .unwrap();

    // Conditions: not applied carries the current row.
    let err = mapper.insert(&eve).if_not_exists().await.unwrap_err();
    let current = err
        .not_applied()
        .expect("not applied")
        .current::<User>()
        .unwrap();
    assert_eq!(current.age, Some(21));
    mapper
        .insert(&user(6, "fay"))
        .if_not_exists()
        .await
        .unwrap();
    let err = mapper
        .update(&eve)
        .set(User::NAME, "eva")
        .iff(User::AGE.if_eq(99))
        .await
        .unwrap_err();
    let row = err
        .not_applied()
        .expect("not applied")
        .row
        .as_ref()
        .unwrap();
    assert_eq!(row.get::<Option<i32>>("age").unwrap(), Some(21));
    mapper
        .update(&eve)
        .set(User::NAME, "eva")
        .iff(User::AGE.if_eq(21))
        .iff(User::NAME.if_ne("zed"))
        .await
        .unwrap();
    let err = mapper
        .update(&user(77, "ghost"))
        .set(User::AGE, 1)
        .if_exists()
        .await
        .unwrap_err();
    assert!(err.not_applied().is_some(), "{err:?}");
    mapper.delete(&eve).if_exists().await.unwrap();
    let err = mapper.delete(&eve).if_exists().await.unwrap_err();
    assert!(err.not_applied().is_some(), "{err:?}");

    // A required field left None is refused before sending, naming the field.
    let mut nameless = user(8, "hal");
    nameless.nickname = None;
    let err = mapper.insert(&nameless).await.unwrap_err();
    assert!(
        matches!(&err, MapperError::Validation { field, .. } if field == "nickname"),
        "{err:?}"
    );
    // Assigning a primary key column is refused before sending.
    let err = mapper.update(&eve).set(User::ID, 9).await.unwrap_err();
    assert!(matches!(err, MapperError::Invalid(_)), "{err:?}");

    // Counters.
    mapper.sync_table::<PageViews>().await.unwrap();
    let home = PageViews {
        url: "/".into(),
        views: 0,
    };
    mapper
        .update(&home)
        .increment(PageViews::VIEWS, 5)
        .await
        .unwrap();
    mapper
        .update(&home)
        .decrement(PageViews::VIEWS, 2)
        .await
        .unwrap();
    let views = mapper
        .objects::<PageViews>()
        .filter(PageViews::URL.eq("/"))
        .get()
        .await
        .unwrap();
    assert_eq!(views.views, 3);
    let err = mapper.insert(&home).await.unwrap_err();
    assert!(matches!(err, MapperError::Invalid(_)), "{err:?}");
    server.stop().await;
}

#[tokio::test]
async fn batches_and_change_tracking() {
    let server = node().await;
    let mapper = mapper_on(&server, "orm_batch").await;
    mapper.sync_table::<User>().await.unwrap();
    mapper.sync_table::<PageViews>().await.unwrap();

    let mut batch = mapper.batch(BatchType::Logged);
    let (a, b) = (user(1, "ada"), user(2, "bob"));
    batch.insert(mapper.insert(&a)).unwrap();
    batch.insert(mapper.insert(&b).ttl(100)).unwrap();
    batch.update(mapper.update(&a).set(User::AGE, 30)).unwrap();
    batch.timestamp(5_000_000).consistency(Consistency::One);
    batch.execute().await.unwrap();
    assert_eq!(mapper.objects::<User>().count().await.unwrap(), 2);
    let row = mapper
        .session()
        .execute(
            "SELECT WRITETIME(name) FROM orm_batch.users WHERE id = 1",
            (),
        )
        .await
        .unwrap();
    assert_eq!(row.first_row().unwrap().get::<i64>(0).unwrap(), 5_000_000);

    let mut unlogged = mapper.batch(BatchType::Unlogged);
    unlogged.delete(mapper.delete(&b)).unwrap();
    unlogged.execute().await.unwrap();
    assert_eq!(mapper.objects::<User>().count().await.unwrap(), 1);

    let mut counters = mapper.batch(BatchType::Counter);
    for url in ["/a", "/b"] {
        let p = PageViews {
            url: url.into(),
            views: 0,
        };
        counters
            .update(mapper.update(&p).increment(PageViews::VIEWS, 2))
            .unwrap();
    }
    counters.execute().await.unwrap();
    assert_eq!(mapper.objects::<PageViews>().count().await.unwrap(), 2);

    // A conditional batch that is not applied carries the row.
    let mut lwt = mapper.batch(BatchType::Logged);
    lwt.insert(mapper.insert(&a).if_not_exists()).unwrap();
    let err = lwt.execute().await.unwrap_err();
    assert!(err.not_applied().is_some(), "{err:?}");

    // Mapper futures and streams run on spawned tasks (they are Send).
    let spawned = mapper.clone();
    tokio::spawn(async move {
        spawned.insert(&user(9, "spawned")).await.unwrap();
        let rows: Vec<User> = spawned
            .objects::<User>()
            .stream()
            .await
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
            .await;
        assert!(rows.iter().any(|u| u.id == 9));
        spawned.delete(&user(9, "spawned")).await.unwrap();
    })
    .await
    .unwrap();

    // Change tracking: save writes only the changed columns.
    let loaded = mapper
        .objects::<User>()
        .filter(User::ID.eq(1))
        .get()
        .await
        .unwrap();
    let mut tracked = Tracked::loaded(loaded).unwrap();
    assert!(tracked.changed_columns().unwrap().is_empty());
    tracked.name = "ada lovelace".into();
    assert_eq!(tracked.changed_columns().unwrap(), [User::NAME.index()]);
    mapper.save(&mut tracked).await.unwrap();
    assert!(tracked.changed_columns().unwrap().is_empty());
    let row = mapper
        .session()
        .execute(
            "SELECT WRITETIME(name), WRITETIME(age), name FROM orm_batch.users WHERE id = 1",
            (),
        )
        .await
        .unwrap();
    let row = row.first_row().unwrap();
    assert!(row.get::<i64>(0).unwrap() > 5_000_000, "name rewritten");
    assert_eq!(row.get::<i64>(1).unwrap(), 5_000_000, "age untouched");
    assert_eq!(row.get::<&str>(2).unwrap(), "ada lovelace");
    // Nothing changed: nothing sent, nothing fails.
    mapper.save(&mut tracked).await.unwrap();
    // A new object saves as an insert.
    let mut new = Tracked::new(user(3, "cy"));
    mapper.save(&mut new).await.unwrap();
    assert!(new.is_persisted());
    assert_eq!(mapper.objects::<User>().count().await.unwrap(), 2);
    // Changing the key of a loaded object is refused.
    tracked.id = 42;
    let err = mapper.save(&mut tracked).await.unwrap_err();
    assert!(
        matches!(&err, MapperError::Validation { field, .. } if field == "id"),
        "{err:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn polymorphic_models_share_one_table() {
    let server = node().await;
    let mapper = mapper_on(&server, "orm_poly").await;
    mapper.sync_table::<Pet>().await.unwrap();
    let metadata = mapper.session().metadata();
    let table = metadata.table("orm_poly", "pets").unwrap();
    for column in ["owner", "name", "kind", "lives", "good"] {
        assert!(table.column(column).is_some(), "{column}");
    }
    drop(metadata);
    let tom = Cat {
        owner: "ann".into(),
        name: "tom".into(),
        kind: String::new(), // the discriminator is written by the model, not this field
        lives: Some(9),
    };
    let rex = Dog {
        owner: "ann".into(),
        name: "rex".into(),
        kind: String::new(),
        good: Some(true),
    };
    mapper.insert(&tom).await.unwrap();
    mapper.insert(&rex).await.unwrap();
    let pets = mapper
        .objects::<Pet>()
        .filter_by(Cat::OWNER.eq("ann"))
        .all()
        .await
        .unwrap();
    assert_eq!(pets.len(), 2);
    assert!(
        pets.iter()
            .any(|p| matches!(p, Pet::Cat(c) if c.lives == Some(9) && c.kind == "cat"))
    );
    assert!(
        pets.iter()
            .any(|p| matches!(p, Pet::Dog(d) if d.good == Some(true)))
    );
    let cats = mapper.objects::<Cat>().all().await.unwrap();
    assert_eq!(cats.len(), 1);
    assert_eq!(cats[0].name, "tom");
    let dogs = mapper
        .objects::<Dog>()
        .filter(Dog::OWNER.eq("ann"))
        .all()
        .await
        .unwrap();
    assert_eq!(dogs.len(), 1);
    server.stop().await;
}
