//! Rebuilds the crate when the committed browser app in `web/dist/` changes: `src/web.rs`
//! embeds that directory, and a new build has new (hashed) file names that the embedding
//! alone would not notice.
//!
//! Also fingerprints the code that folds the log into the views (the sources listed in
//! [`PROJECTION_SOURCES`] and `Cargo.lock`) into `PARTNERHUB_PROJECTION_CODE`: a projection
//! checkpoint written by other code than this is ignored and the views are rebuilt
//! (`src/projection/checkpoint.rs`), so no change of the fold can be forgotten by hand.

use std::path::{Path, PathBuf};

/// What the views are folded by: any change here makes older checkpoints stale.
const PROJECTION_SOURCES: &[&str] = &[
    "src/domain",
    "src/projection",
    "src/accounts",
    "src/visibility.rs",
    "src/sealing.rs",
    "src/store/envelope.rs",
    "src/store/record.rs",
    "Cargo.lock",
];

fn files_under(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        for entry in entries.flatten() {
            files_under(&entry.path(), files);
        }
    } else if path.is_file() {
        files.push(path.to_path_buf());
    }
}

/// FNV-1a, 64 bits, going on from `hash`: stable across compilers, unlike the standard
/// hasher.
fn fnv(bytes: &[u8], mut hash: u64) -> u64 {
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

fn main() {
    println!("cargo:rerun-if-changed=web/dist");
    println!("cargo:rerun-if-changed=build.rs");
    let mut files = Vec::new();
    for source in PROJECTION_SOURCES {
        println!("cargo:rerun-if-changed={source}");
        files_under(Path::new(source), &mut files);
    }
    files.sort();
    // Two FNV-1a hashes from different offset bases: 128 bits.
    let (mut first, mut second) = (0xcbf2_9ce4_8422_2325_u64, 0x6c62_272e_07bb_0142_u64);
    for file in &files {
        let name = file.to_string_lossy().replace('\\', "/");
        let contents = std::fs::read(file).unwrap_or_default();
        for part in [name.as_bytes(), &[0], &contents, &[0]] {
            first = fnv(part, first);
            second = fnv(part, second);
        }
    }
    println!("cargo:rustc-env=PARTNERHUB_PROJECTION_CODE={first:016x}{second:016x}");
}
