//! The few `gremlin-groovy` scripts a node runs itself rather than from primes: reads of
//! the in-memory graph that need no parsing of Groovy (so clients writing with bytecode
//! and reading with scripts agree), and DSE's graph management calls.

use regex::Regex;

/// A script the node understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Script {
    /// A traversal of the graph: its step names (no arguments).
    Steps(Vec<&'static str>),
    /// `system.graph('name')...create()` / `drop()` / `exists()`.
    Graph {
        /// The graph's name.
        name: String,
        /// What to do.
        action: GraphAction,
        /// `engine(Core)` / `engine(Classic)` (Core when not given).
        engine: String,
        /// `ifNotExists()` / `ifExists()` was given.
        conditional: bool,
    },
    /// `system.graphs()`: the graph names.
    ListGraphs,
}

/// What a `system.graph(...)` script does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphAction {
    /// `create()`.
    Create,
    /// `drop()`.
    Drop,
    /// `exists()`.
    Exists,
}

/// The script `query` is, if it is one the node runs.
pub fn recognize(query: &str) -> Option<Script> {
    let compact: String = query
        .trim()
        .trim_end_matches(';')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let steps = match compact.as_str() {
        "g.V()" | "g.V().toList()" => Some(vec!["V"]),
        "g.E()" | "g.E().toList()" => Some(vec!["E"]),
        "g.V().count()" => Some(vec!["V", "count"]),
        "g.E().count()" => Some(vec!["E", "count"]),
        "system.graphs()" => return Some(Script::ListGraphs),
        _ => None,
    };
    if let Some(steps) = steps {
        return Some(Script::Steps(steps));
    }
    system_graph(query.trim().trim_end_matches(';').trim())
}

fn system_graph(query: &str) -> Option<Script> {
    let re = Regex::new(
        r#"^system\s*\.\s*graph\s*\(\s*['"]([A-Za-z0-9_]+)['"]\s*\)((?:\s*\.\s*\w+\s*\([^)]*\))*?)\s*\.\s*(create|drop|exists)\s*\(\s*\)$"#,
    )
    .ok()?;
    let caps = re.captures(query)?;
    let name = caps.get(1)?.as_str().to_string();
    let modifiers = caps.get(2).map_or("", |m| m.as_str());
    let action = match caps.get(3)?.as_str() {
        "create" => GraphAction::Create,
        "drop" => GraphAction::Drop,
        _ => GraphAction::Exists,
    };
    let modifier = Regex::new(r"\.\s*(\w+)\s*\(([^)]*)\)").ok()?;
    let mut engine = "Core".to_string();
    let mut conditional = false;
    for m in modifier.captures_iter(modifiers) {
        let arg = m.get(2).map_or("", |a| a.as_str().trim());
        match m.get(1).map_or("", |a| a.as_str()) {
            "ifNotExists" | "ifExists" => conditional = true,
            "engine" => engine = arg.trim_matches(['\'', '"']).to_string(),
            // Replication settings, truncation and the like change nothing here.
            _ => {}
        }
    }
    Some(Script::Graph {
        name,
        action,
        engine,
        conditional,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_traversals() {
        assert_eq!(recognize("g.V()"), Some(Script::Steps(vec!["V"])));
        assert_eq!(
            recognize(" g.V( ).count() ;"),
            Some(Script::Steps(vec!["V", "count"]))
        );
        assert_eq!(recognize("g.E()"), Some(Script::Steps(vec!["E"])));
        assert_eq!(recognize("g.V().has('name', 'x')"), None);
        assert_eq!(recognize("system.graphs()"), Some(Script::ListGraphs));
    }

    #[test]
    fn graph_management() {
        assert_eq!(
            recognize("system.graph('g1').ifNotExists().engine(Classic).create()"),
            Some(Script::Graph {
                name: "g1".into(),
                action: GraphAction::Create,
                engine: "Classic".into(),
                conditional: true
            })
        );
        assert_eq!(
            recognize(r#"system.graph("g2").replication("{'class': 'SimpleStrategy'}").create()"#)
                .map(|s| matches!(
                    s,
                    Script::Graph {
                        action: GraphAction::Create,
                        ..
                    }
                )),
            Some(true)
        );
        assert!(matches!(
            recognize("system.graph('g1').drop()"),
            Some(Script::Graph {
                action: GraphAction::Drop,
                conditional: false,
                ..
            })
        ));
        assert!(matches!(
            recognize("system.graph('g1').exists()"),
            Some(Script::Graph {
                action: GraphAction::Exists,
                ..
            })
        ));
        assert_eq!(recognize("system.graph(name).create()"), None);
    }
}
