//! Where the interop suites find the Python side: the repository's `tests/interop/`
//! scripts and the interpreter of the venv the test command creates.

use std::path::{Path, PathBuf};

/// The repository's root directory.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The script `name` of `tests/interop/`.
pub fn script(name: &str) -> PathBuf {
    repo_root().join("tests/interop").join(name)
}

/// The Python interpreter with cassandra-driver (`$CQL_PYTHON`, else the repository's
/// `.ci-venv`), or `None` with a note naming `what` was skipped when there is none.
///
/// # Panics
/// When there is none and `$CQL_REQUIRE_INTEROP` is set (CI must not skip).
pub fn python(what: &str) -> Option<PathBuf> {
    let candidate = std::env::var_os("CQL_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".ci-venv/bin/python"));
    if candidate.exists() {
        return Some(candidate);
    }
    assert!(
        std::env::var_os("CQL_REQUIRE_INTEROP").is_none(),
        "no Python interpreter at {} (the test command creates .ci-venv)",
        candidate.display()
    );
    eprintln!(
        "{what} skipped: no Python venv at {} (run `bash .ci/test` once, or set CQL_PYTHON)",
        candidate.display()
    );
    None
}
