//! Rebuilds the crate when the committed browser app in `web/dist/` changes: `src/web.rs`
//! embeds that directory, and a new build has new (hashed) file names that the embedding
//! alone would not notice.

fn main() {
    println!("cargo:rerun-if-changed=web/dist");
    println!("cargo:rerun-if-changed=build.rs");
}
