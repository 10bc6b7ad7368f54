//! The schema of a polymorphic model (one table, several Rust types told apart by a
//! discriminator column): the union of its variants' schemas. `#[derive(Polymorphic)]`
//! builds it with [`merge_polymorphic`]; a caller declaring models at run time can too.

use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::model::{Discriminator, IndexDef, KeyRole, ModelSchema, SchemaError};

/// The schema of the polymorphic model `model_name` whose variants have the schemas
/// `variants` (in variant order).
///
/// The variants must map to the same table and keyspace, have the same primary key
/// (names, types and roles) and a discriminator on the same column, each with its own
/// value. The union's columns are the variants' columns merged by CQL name in first-seen
/// order; a name must have the same type, frozenness and role in every variant that has
/// it. A column only some variants have becomes nullable (the others write no value in
/// it). A column is `required`, or has a default, only when every variant has it and
/// requires it, or has a default for it: the union cannot tell which variant a value for
/// it comes from. Indexes and table options are merged; two variants declaring different
/// ones for the same column or option are an error. The union's discriminator has no
/// value (it reads every row).
///
/// # Errors
/// A [`SchemaError`] naming `model_name` (and the field at fault, when there is one) for
/// no variants or variants that disagree, or the union's own validation error.
pub fn merge_polymorphic(
    model_name: &str,
    variants: &[&ModelSchema],
) -> Result<ModelSchema, SchemaError> {
    let err = |field: Option<&str>, reason: String| SchemaError {
        model: model_name.to_owned(),
        field: field.map(ToOwned::to_owned),
        reason,
    };
    let Some(first) = variants.first() else {
        return Err(err(
            None,
            "a polymorphic model needs at least one variant".into(),
        ));
    };
    let discriminator_name = |v: &ModelSchema| -> Result<String, SchemaError> {
        v.discriminator
            .as_ref()
            .and_then(|d| v.columns.get(d.column))
            .map(|c| c.name.clone())
            .ok_or_else(|| {
                err(
                    None,
                    format!(
                        "variant {} has no discriminator column (mark one field #[cql(discriminator)])",
                        v.model_name
                    ),
                )
            })
    };
    let discriminator = discriminator_name(first)?;
    let key_of = |v: &ModelSchema| -> Vec<(String, KeyRole)> {
        v.primary_key()
            .into_iter()
            .map(|(_, c)| (c.name.clone(), c.role))
            .collect()
    };
    let first_key = key_of(first);

    let mut out = ModelSchema::new(model_name, first.table.clone());
    out.keyspace.clone_from(&first.keyspace);
    // Per union column: how many variants have it, require it, have a default for it.
    let mut counts: Vec<(usize, usize, usize)> = Vec::new();
    let mut values: Vec<&str> = Vec::new();

    for v in variants {
        if v.table != first.table || v.keyspace != first.keyspace {
            return Err(err(
                None,
                format!(
                    "variants {} and {} map to different tables ({} and {})",
                    first.model_name,
                    v.model_name,
                    first.qualified_table(None),
                    v.qualified_table(None)
                ),
            ));
        }
        if key_of(v) != first_key {
            return Err(err(
                None,
                format!(
                    "variants {} and {} have different primary keys",
                    first.model_name, v.model_name
                ),
            ));
        }
        let name = discriminator_name(v)?;
        if name != discriminator {
            return Err(err(
                None,
                format!(
                    "variants {} and {} have different discriminator columns ({discriminator:?} and {name:?})",
                    first.model_name, v.model_name
                ),
            ));
        }
        let Some(value) = v.discriminator.as_ref().and_then(|d| d.value.as_deref()) else {
            return Err(err(
                None,
                format!(
                    "variant {} has no discriminator value (#[cql(discriminator_value = \"..\")])",
                    v.model_name
                ),
            ));
        };
        if values.contains(&value) {
            return Err(err(
                None,
                format!(
                    "two variants have the discriminator value {value:?} ({} is the second)",
                    v.model_name
                ),
            ));
        }
        values.push(value);

        for (key, literal) in &v.options {
            match out.options.iter().find(|(k, _)| k == key) {
                Some((_, l)) if l != literal => {
                    return Err(err(
                        None,
                        format!(
                            "variants disagree on the table option {key}: {l} and {literal} ({})",
                            v.model_name
                        ),
                    ));
                }
                Some(_) => {}
                None => out.options.push((key.clone(), literal.clone())),
            }
        }

        for c in &v.columns {
            let found = out.columns.iter().position(|u| u.name == c.name);
            let Some(i) = found else {
                out.columns.push(c.clone());
                counts.push((1, usize::from(c.required), usize::from(c.has_default)));
                continue;
            };
            let (Some(u), Some(n)) = (out.columns.get_mut(i), counts.get_mut(i)) else {
                continue;
            };
            let disagree = |what: &str| {
                err(
                    Some(&c.field),
                    format!(
                        "column {:?} has a different {what} in {} than in an earlier variant",
                        c.name, v.model_name
                    ),
                )
            };
            if u.column_type != c.column_type || u.frozen != c.frozen {
                return Err(disagree("type"));
            }
            if u.role != c.role {
                return Err(disagree("role (key, static or regular)"));
            }
            u.index =
                merge_index(u.index.take(), c.index.as_ref()).ok_or_else(|| disagree("index"))?;
            u.nullable |= c.nullable;
            n.0 += 1;
            n.1 += usize::from(c.required);
            n.2 += usize::from(c.has_default);
        }
    }

    let all = variants.len();
    for (c, (present, required, defaults)) in out.columns.iter_mut().zip(counts) {
        if present < all {
            c.nullable = true;
        }
        c.required = required == all;
        c.has_default = defaults == all;
    }
    let column = out
        .column(&discriminator)
        .map(|(i, _)| i)
        .ok_or_else(|| err(None, "the discriminator column is missing".into()))?;
    out.discriminator = Some(Discriminator {
        column,
        value: None,
    });
    out.validate()?;
    Ok(out)
}

/// The index of a column two variants declare: either may declare it, but two
/// declarations must agree. `None` when they do not.
fn merge_index(a: Option<IndexDef>, b: Option<&IndexDef>) -> Option<Option<IndexDef>> {
    match (a, b) {
        (Some(a), Some(b)) if a != *b => None,
        (Some(a), _) => Some(Some(a)),
        (None, b) => Some(b.cloned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapper::model::{ColumnDef, IndexTarget};
    use crate::types::ColumnType;
    use alloc::vec;

    fn column(name: &str, typ: ColumnType, role: KeyRole) -> ColumnDef {
        let mut c = ColumnDef::new(name, typ);
        c.role = role;
        c
    }

    /// A variant of the `animals` table: key (`owner`, `id` clustering), discriminator
    /// `kind` with `value`, then `extra` columns.
    fn variant(model: &str, value: &str, extra: Vec<ColumnDef>) -> ModelSchema {
        let mut s = ModelSchema::new(model, "animals");
        s.keyspace = Some("zoo".into());
        s.columns = vec![
            column("owner", ColumnType::Text, KeyRole::Partition(0)),
            column(
                "id",
                ColumnType::Int,
                KeyRole::Clustering {
                    position: 0,
                    descending: false,
                },
            ),
            column("kind", ColumnType::Text, KeyRole::Regular),
        ];
        s.columns.extend(extra);
        s.discriminator = Some(Discriminator {
            column: 2,
            value: Some(value.into()),
        });
        s.validate().unwrap();
        s
    }

    fn regular(name: &str, typ: ColumnType) -> ColumnDef {
        column(name, typ, KeyRole::Regular)
    }

    #[test]
    fn merges_columns_in_first_seen_order() {
        let mut name = regular("name", ColumnType::Text);
        name.required = true;
        name.has_default = true;
        let mut lives = regular("lives", ColumnType::Int);
        lives.required = true;
        let cat = variant("Cat", "cat", vec![name.clone(), lives]);
        let mut dog_name = name.clone();
        dog_name.nullable = true;
        let dog = variant(
            "Dog",
            "dog",
            vec![regular("good", ColumnType::Boolean), dog_name],
        );
        let u = merge_polymorphic("Animal", &[&cat, &dog]).unwrap();
        let names: Vec<&str> = u.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["owner", "id", "kind", "name", "lives", "good"]);
        assert_eq!(u.model_name, "Animal");
        assert_eq!(u.table, "animals");
        assert_eq!(u.keyspace.as_deref(), Some("zoo"));
        assert_eq!(
            u.discriminator,
            Some(Discriminator {
                column: 2,
                value: None
            })
        );
        let col = |n: &str| u.column(n).unwrap().1.clone();
        // In both, nullable in one: nullable; required and default in both: kept.
        assert!(col("name").nullable);
        assert!(col("name").required);
        assert!(col("name").has_default);
        // Only in Cat: nullable, no longer required.
        assert!(col("lives").nullable);
        assert!(!col("lives").required);
        assert!(col("good").nullable);
        assert!(!col("owner").nullable);
        assert!(!col("kind").nullable);
        assert_eq!(u.primary_key().len(), 2);
    }

    #[test]
    fn a_default_or_requirement_in_one_variant_only_is_dropped() {
        let mut name = regular("name", ColumnType::Text);
        name.has_default = true;
        name.required = true;
        let cat = variant("Cat", "cat", vec![name]);
        let dog = variant("Dog", "dog", vec![regular("name", ColumnType::Text)]);
        let u = merge_polymorphic("Animal", &[&cat, &dog]).unwrap();
        let c = u.column("name").unwrap().1;
        assert!(!c.has_default);
        assert!(!c.required);
        assert!(!c.nullable);
    }

    #[test]
    fn options_and_indexes_merge() {
        let mut cat = variant("Cat", "cat", vec![regular("name", ColumnType::Text)]);
        cat.options.push(("comment".into(), "'zoo'".into()));
        let mut dog = variant("Dog", "dog", vec![regular("name", ColumnType::Text)]);
        dog.options.push(("comment".into(), "'zoo'".into()));
        dog.options
            .push(("default_time_to_live".into(), "60".into()));
        let index = IndexDef {
            name: Some("by_name".into()),
            target: IndexTarget::Values,
            custom_class: None,
            options: vec![],
        };
        dog.columns[3].index = Some(index.clone());
        let u = merge_polymorphic("Animal", &[&cat, &dog]).unwrap();
        assert_eq!(
            u.options,
            vec![
                ("comment".into(), "'zoo'".into()),
                ("default_time_to_live".into(), "60".into())
            ]
        );
        assert_eq!(u.column("name").unwrap().1.index, Some(index.clone()));

        // Different options or indexes are refused.
        let mut other = cat.clone();
        other.discriminator.as_mut().unwrap().value = Some("other".into());
        other.options[0].1 = "'farm'".into();
        let e = merge_polymorphic("Animal", &[&cat, &other]).unwrap_err();
        assert!(e.reason.contains("table option comment"), "{e}");
        let mut other = dog.clone();
        other.discriminator.as_mut().unwrap().value = Some("other".into());
        other.columns[3].index = Some(IndexDef::default());
        let e = merge_polymorphic("Animal", &[&dog, &other]).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("name"));
        assert!(e.reason.contains("different index"), "{e}");
    }

    #[test]
    fn disagreements_are_errors() {
        let cat = variant("Cat", "cat", vec![regular("name", ColumnType::Text)]);

        let e = merge_polymorphic("Animal", &[]).unwrap_err();
        assert!(e.reason.contains("at least one variant"));

        let dog = variant("Dog", "dog", vec![regular("name", ColumnType::Int)]);
        let e = merge_polymorphic("Animal", &[&cat, &dog]).unwrap_err();
        assert_eq!(e.model, "Animal");
        assert_eq!(e.field.as_deref(), Some("name"));
        assert!(e.reason.contains("different type in Dog"), "{e}");

        let mut dog = variant("Dog", "dog", vec![]);
        dog.table = "dogs".into();
        let e = merge_polymorphic("Animal", &[&cat, &dog]).unwrap_err();
        assert!(e.reason.contains("different tables"), "{e}");

        let mut dog = variant("Dog", "dog", vec![]);
        dog.keyspace = None;
        assert!(merge_polymorphic("Animal", &[&cat, &dog]).is_err());

        let mut dog = variant("Dog", "dog", vec![]);
        dog.columns[1].role = KeyRole::Regular;
        let e = merge_polymorphic("Animal", &[&cat, &dog]).unwrap_err();
        assert!(e.reason.contains("primary keys"), "{e}");

        let dog = variant("Dog", "cat", vec![]);
        let e = merge_polymorphic("Animal", &[&cat, &dog]).unwrap_err();
        assert!(e.reason.contains("\"cat\""), "{e}");

        let mut dog = variant("Dog", "dog", vec![]);
        dog.discriminator.as_mut().unwrap().value = None;
        let e = merge_polymorphic("Animal", &[&cat, &dog]).unwrap_err();
        assert!(e.reason.contains("no discriminator value"), "{e}");

        let mut dog = variant("Dog", "dog", vec![]);
        dog.discriminator = None;
        let e = merge_polymorphic("Animal", &[&cat, &dog]).unwrap_err();
        assert!(e.reason.contains("Dog has no discriminator column"), "{e}");

        let mut dog = variant("Dog", "dog", vec![regular("breed", ColumnType::Text)]);
        dog.discriminator.as_mut().unwrap().column = 3;
        let e = merge_polymorphic("Animal", &[&cat, &dog]).unwrap_err();
        assert!(e.reason.contains("different discriminator columns"), "{e}");

        let mut dog = variant("Dog", "dog", vec![]);
        dog.columns
            .push(column("name", ColumnType::Text, KeyRole::Static));
        let e = merge_polymorphic("Animal", &[&cat, &dog]).unwrap_err();
        assert!(e.reason.contains("different role"), "{e}");
    }

    #[test]
    fn the_union_is_validated() {
        // Dog mixes counters and regular columns: the union says so.
        let cat = variant("Cat", "cat", vec![]);
        let mut dog = ModelSchema::new("Dog", "animals");
        dog.keyspace = Some("zoo".into());
        dog.columns = cat.columns.clone();
        dog.columns.push(regular("visits", ColumnType::Counter));
        dog.discriminator = Some(Discriminator {
            column: 2,
            value: Some("dog".into()),
        });
        let e = merge_polymorphic("Animal", &[&cat, &dog]).unwrap_err();
        assert_eq!(e.model, "Animal");
    }

    #[test]
    fn one_variant_is_its_own_union() {
        let cat = variant("Cat", "cat", vec![regular("name", ColumnType::Text)]);
        let u = merge_polymorphic("Animal", &[&cat]).unwrap();
        assert_eq!(u.columns, cat.columns);
        assert_eq!(u.discriminator.unwrap().value, None);
    }
}
