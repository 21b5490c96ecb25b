//! Gives the memory the process freed back to the system at once, where partnerhub knows it
//! has just freed a lot of it (a rebuilt server's first checkpoint, BENCHMARKS.md issue 19
//! scenario 3; each argon2 password hash's 19 MiB, scenario 2): [`return_freed_memory`].
//!
//! The binaries allocate with mimalloc (`mimalloc::MiMalloc`). mimalloc gives freed pages back
//! to the system ("purges" them) only some time after they are freed (10 ms for a segment's
//! pages, 100 ms for an arena's), and only when an allocation or a free of the same thread,
//! or of the arena, comes by after that delay. A server at rest makes almost none, so what a
//! burst of work freed (the few hundred MiB of a checkpoint's body and of the timeline entries
//! saved into the index) stays resident until the next burst: 1.46 GiB instead of 1.04 GiB
//! after a rebuilt server's first checkpoint on sled. `mi_collect(true)` purges it now.
//!
//! This is the workspace's one crate with `unsafe` code (one foreign call), kept apart so that
//! every other crate still forbids it. It only asks: with another global allocator (the
//! tests' system allocator), mimalloc holds nothing and the call does nothing.

// The C library of mimalloc, linked by `libmimalloc-sys` (declared here rather than through
// its `extended` feature, which would bring a crate for C types that a `bool` does not need).
use libmimalloc_sys as _;

#[allow(unsafe_code)]
mod ffi {
    extern "C" {
        /// mimalloc's `void mi_collect(bool force)`: frees the calling thread's empty pages
        /// and, forced, purges every freed range of the arenas and abandoned segments now.
        pub(super) fn mi_collect(force: bool);
    }

    /// Calls `mi_collect(true)`.
    pub(super) fn collect() {
        // SAFETY: `mi_collect` takes no pointer and only walks mimalloc's own structures,
        // under its own locks; it may be called from any thread at any time, and does
        // nothing when mimalloc holds no memory of this thread.
        unsafe { mi_collect(true) }
    }
}

/// Asks the allocator to give the memory freed so far back to the system now, rather than at
/// its next allocation after a delay. Costs a walk of the calling thread's heap and of the
/// arenas (milliseconds): call it after freeing much, not per request.
pub fn return_freed_memory() {
    ffi::collect();
}
