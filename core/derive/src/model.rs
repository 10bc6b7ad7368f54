//! `#[derive(Model)]`: a struct mapped to a table.

use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{format_ident, quote};

use crate::attrs::{FIELD_KEYS, Field, Input, option_inner, snake_case};

/// The span of attribute `key` on `f` (the field's own when it has none).
fn span_of(f: &Field, key: &str) -> Span {
    f.used
        .iter()
        .find(|(k, _)| *k == key)
        .map_or_else(|| f.ident.span(), |(_, s)| *s)
}

fn has(f: &Field, key: &str) -> bool {
    f.used.iter().any(|(k, _)| *k == key)
}

/// Refuses attributes that contradict each other or the schema rules the compiler can
/// see (the rest is checked by `ModelSchema::validate` when the schema is built).
fn check(input: &Input<'_>) -> syn::Result<()> {
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            input.generics,
            "#[derive(Model)] needs a struct without generic or lifetime parameters (a model owns its fields)",
        ));
    }
    let err = |f: &Field, key: &str, msg: String| Err(syn::Error::new(span_of(f, key), msg));
    for f in &input.fields {
        if f.skip {
            if let Some((key, span)) = f
                .used
                .iter()
                .find(|(k, _)| !matches!(*k, "skip" | "rename" | "default"))
            {
                return Err(syn::Error::new(
                    *span,
                    format!("`{key}` on a skipped field: a skipped field has no column"),
                ));
            }
            continue;
        }
        let key = f.partition_key || f.clustering.is_some();
        if f.partition_key && f.clustering.is_some() {
            return err(
                f,
                "clustering",
                "a field is either `partition_key` or `clustering`, not both".into(),
            );
        }
        if f.is_static && key {
            return err(
                f,
                "static",
                "a primary key column cannot be `static`".into(),
            );
        }
        if key && option_inner(&f.ty).is_some() {
            return Err(syn::Error::new_spanned(
                &f.ty,
                "a primary key column cannot be an Option: every row has a key",
            ));
        }
        if f.counter {
            if has(f, "type") {
                return err(
                    f,
                    "counter",
                    "`counter` is the type: give `counter` or `type = \"..\"`, not both".into(),
                );
            }
            if key {
                return err(
                    f,
                    "counter",
                    "a counter cannot be part of the primary key".into(),
                );
            }
            if f.frozen {
                return err(f, "frozen", "a counter cannot be `frozen`".into());
            }
        }
    }
    let columns: Vec<&Field> = input.fields.iter().filter(|f| !f.skip).collect();
    let discriminators: Vec<&&Field> = columns.iter().filter(|f| f.discriminator).collect();
    if let [_, second, ..] = discriminators.as_slice() {
        return err(
            second,
            "discriminator",
            "a model has one `discriminator` field at most".into(),
        );
    }
    if discriminators.is_empty() {
        if let Some((_, span)) = input
            .attrs
            .used
            .iter()
            .find(|(k, _)| *k == "discriminator_value")
        {
            return Err(syn::Error::new(
                *span,
                "`discriminator_value` needs a field marked #[cql(discriminator)]",
            ));
        }
    }
    if !columns.iter().any(|f| f.partition_key) {
        return Err(syn::Error::new_spanned(
            input.ident,
            "a model needs a partition key: mark at least one field #[cql(partition_key)]",
        ));
    }
    if !columns.iter().any(|f| f.clustering.is_some()) {
        if let Some(f) = columns.iter().find(|f| f.is_static) {
            return err(
                f,
                "static",
                "a static column needs clustering columns in the table".into(),
            );
        }
    }
    Ok(())
}

pub(crate) fn model(input: &Input<'_>) -> syn::Result<TokenStream2> {
    input.allow(
        "Model",
        &[
            "crate",
            "table",
            "keyspace",
            "options",
            "discriminator_value",
        ],
        FIELD_KEYS,
    )?;
    check(input)?;
    let krate = &input.krate;
    let ident = input.ident;
    let mapper = quote!(#krate::mapper);
    let support = quote!(#krate::types::derive_support);
    let column_type = quote!(#krate::types::ColumnType);
    let serr = quote!(#krate::types::SerializeError);
    let result = quote!(::core::result::Result);
    let some = quote!(::core::option::Option::Some);
    let none = quote!(::core::option::Option::None);
    let into = quote!(::core::convert::Into::into);
    let model_name = ident.to_string();
    let table = input
        .attrs
        .table
        .clone()
        .unwrap_or_else(|| snake_case(&model_name));

    let columns: Vec<&Field> = input.fields.iter().filter(|f| !f.skip).collect();
    let mut partition = 0usize;
    let mut clustering = 0usize;
    let mut defs = Vec::new();
    let mut discriminator = None;
    for (index, f) in columns.iter().enumerate() {
        let (field, name, ty) = (&f.rust_name, &f.name, &f.ty);
        let typ = if f.counter {
            quote!(#column_type::Counter)
        } else if let Some(text) = &f.cql_type {
            quote!(#krate::mapper::__private::parse_column_type(#model_name, #field, #text)?)
        } else {
            quote!(<#ty as #mapper::CqlType>::cql_type())
        };
        let mut sets = Vec::new();
        if name != field {
            sets.push(quote!(column.name = #into(#name);));
        }
        if f.frozen {
            sets.push(quote!(column.frozen = true;));
        }
        if f.partition_key {
            sets.push(quote!(column.role = #mapper::KeyRole::Partition(#partition);));
            partition += 1;
        } else if let Some(descending) = f.clustering {
            sets.push(quote! {
                column.role = #mapper::KeyRole::Clustering {
                    position: #clustering,
                    descending: #descending,
                };
            });
            clustering += 1;
        } else if f.is_static {
            sets.push(quote!(column.role = #mapper::KeyRole::Static;));
        }
        if f.counter || f.cql_type.is_some() {
            if option_inner(ty).is_some() {
                sets.push(quote!(column.nullable = true;));
            }
        } else {
            sets.push(quote!(column.nullable = <#ty as #mapper::CqlType>::NULLABLE;));
        }
        if f.required {
            sets.push(quote!(column.required = true;));
        }
        if f.default_expr.is_some() {
            sets.push(quote!(column.has_default = true;));
        }
        if let Some(ix) = &f.index {
            let opt = |v: &Option<String>| match v {
                Some(s) => quote!(#some(#s)),
                None => none.clone(),
            };
            let ix_name = opt(&ix.name);
            let custom = opt(&ix.custom);
            let target = format_ident!(
                "{}",
                match ix.target {
                    Some("keys") => "Keys",
                    Some("entries") => "Entries",
                    Some("full") => "Full",
                    _ => "Values",
                }
            );
            let (keys, values): (Vec<_>, Vec<_>) = ix.options.iter().cloned().unzip();
            sets.push(quote! {
                column.index = #some(#krate::mapper::__private::index_def(
                    #ix_name,
                    #mapper::IndexTarget::#target,
                    #custom,
                    &[ #( (#keys, #values) ),* ],
                ));
            });
        }
        if f.discriminator {
            discriminator = Some(index);
        }
        defs.push(quote! {
            schema.columns.push({
                let mut column = #mapper::ColumnDef::new(#field, #typ);
                #( #sets )*
                column
            });
        });
    }
    let keyspace = input
        .attrs
        .keyspace
        .as_ref()
        .map(|ks| quote!(schema.keyspace = #some(#into(#ks));));
    let options = input
        .attrs
        .options
        .iter()
        .map(|(k, v)| quote!(schema.options.push((#into(#k), #into(#v)));));
    let discriminator = discriminator.map(|column| {
        let value = match &input.attrs.discriminator_value {
            Some(v) => quote!(#some(#into(#v))),
            None => none.clone(),
        };
        quote! {
            schema.discriminator = #some(#mapper::Discriminator { column: #column, value: #value });
        }
    });

    let serialize_arms = columns.iter().enumerate().map(|(index, f)| {
        let id = &f.ident;
        quote!(#index => #krate::types::SerializeValue::serialize(&self.#id, typ, out),)
    });
    let null_arms: Vec<_> = columns
        .iter()
        .enumerate()
        .filter_map(|(index, f)| {
            let id = &f.ident;
            option_inner(&f.ty)
                .map(|_| quote!(#index => ::core::option::Option::is_none(&self.#id),))
        })
        .collect();
    let column_is_null = if null_arms.is_empty() {
        quote! {
            let _ = column;
            false
        }
    } else {
        quote! {
            match column {
                #( #null_arms )*
                _ => false,
            }
        }
    };
    let defaults: Vec<_> = columns
        .iter()
        .enumerate()
        .filter_map(|(index, f)| {
            let expr = f.default_expr.as_ref()?;
            let inner = option_inner(&f.ty).unwrap_or(&f.ty);
            Some(quote! {
                #index => {
                    let value: #inner = #expr;
                    #krate::types::SerializeValue::serialize(&value, typ, out)?;
                    #result::Ok(true)
                }
            })
        })
        .collect();
    let write_default = (!defaults.is_empty()).then(|| {
        quote! {
            fn write_default(
                column: usize,
                typ: &#column_type,
                out: &mut #support::Vec<u8>,
            ) -> #result<bool, #serr> {
                match column {
                    #( #defaults )*
                    _ => #result::Ok(false),
                }
            }
        }
    });

    let consts = columns.iter().enumerate().map(|(index, f)| {
        let ty = &f.ty;
        let name = format_ident!("{}", f.rust_name.to_uppercase(), span = f.ident.span());
        let doc = format!(
            "The `{}` column (field `{}`), for filters and updates.",
            f.name, f.rust_name
        );
        quote! {
            #[doc = #doc]
            pub const #name: #mapper::Column<Self, #ty> = #mapper::Column::new(#index);
        }
    });

    let deserialize_row = crate::row::from_row(input)?;
    Ok(quote! {
        #deserialize_row

        #[automatically_derived]
        impl #mapper::Model for #ident {
            fn schema() -> #result<&'static #mapper::ModelSchema, #mapper::SchemaError> {
                static SCHEMA: #mapper::__private::Once<
                    #result<#mapper::ModelSchema, #mapper::SchemaError>,
                > = #mapper::__private::Once::new();
                SCHEMA
                    .call_once(|| -> #result<#mapper::ModelSchema, #mapper::SchemaError> {
                        let mut schema = #mapper::ModelSchema::new(#model_name, #table);
                        #keyspace
                        #( #options )*
                        #( #defs )*
                        #discriminator
                        schema.validate()?;
                        #result::Ok(schema)
                    })
                    .as_ref()
                    .map_err(::core::clone::Clone::clone)
            }

            fn serialize_column(
                &self,
                column: usize,
                typ: &#column_type,
                out: &mut #support::Vec<u8>,
            ) -> #result<(), #serr> {
                match column {
                    #( #serialize_arms )*
                    _ => #result::Err(#krate::mapper::__private::no_such_column(#model_name, column)),
                }
            }

            fn column_is_null(&self, column: usize) -> bool {
                #column_is_null
            }

            #write_default
        }

        #[automatically_derived]
        impl #ident {
            #( #consts )*
        }
    })
}
