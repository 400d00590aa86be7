//! Finds the model file(s) this crate embeds with `include_bytes!`.
//!
//! The file is `model/NAME` inside the crate: a real file in a published package, and in a git
//! checkout a symbolic link to the workspace's `models/NAME`, where the trained model is committed.
//! A checkout without symbolic links (Windows by default) turns the link into a short text file
//! holding its target's path; the workspace's copy is used then.

use std::path::{Path, PathBuf};

/// (environment variable the source reads, file name)
const MODELS: &[(&str, &str)] = &[("KHABAR_DIGEST_IDF", "digest-idf.bin"), ("KHABAR_DIGEST_HEAD", "digest-head.bin")];

/// A model file, not a symbolic link checked out as a few bytes of text.
fn is_model(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() > 4096)
}

fn main() {
    let crate_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    for (var, name) in MODELS {
        let inside = crate_dir.join("model").join(name);
        let workspace = crate_dir.join("../../models").join(name);
        let Some(path) = [inside, workspace].into_iter().find(|p| is_model(p)) else {
            eprintln!("error: model file {name} found neither in model/ nor in the workspace's models/");
            std::process::exit(1);
        };
        println!("cargo:rerun-if-changed={}", path.display());
        println!("cargo:rustc-env={var}={}", path.display());
    }
}
