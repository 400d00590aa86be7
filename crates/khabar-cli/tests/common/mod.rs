//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// `../shared/data` next to the repository, if present. Under `CI=true` its
/// absence is a failure, never a silent skip.
pub fn shared_data() -> Option<PathBuf> {
    let p = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"));
    if p.is_dir() {
        return Some(p);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true but {} is missing: this test needs the shared data", p.display());
    }
    eprintln!("skipped: {} is absent (set up ../shared/data to run this test)", p.display());
    None
}
