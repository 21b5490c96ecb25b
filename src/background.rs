//! Background work at a lower CPU priority: [`run_lowered`] runs a closure on a thread of its
//! own whose scheduling priority is lowered first (nice 10 on Linux, where the nice value is
//! a thread's own), so that while commands want the CPU the scheduler gives it to them, and
//! the background work has the rest, as RocksDB runs its compactions on threads of lower CPU
//! priority. The projection checkpoint runs its encoding, its store and the timeline index's
//! saves this way ([`crate::projection::checkpoint`]): on a 2-core machine at 256 clients,
//! a checkpoint of a few hundred MB of JSON otherwise takes seconds of the CPU the commands
//! need (BENCHMARKS.md, issue 19 scenario 1).
//!
//! The thread is new for each call and ends with it: a priority once lowered cannot be
//! raised again without privilege, so no thread of tokio's blocking pool, which later runs
//! other work, is ever lowered. Elsewhere than on Linux the thread runs at the usual priority.

/// How much lower than the process's the priority of a background thread is (the nice value
/// added on Linux: 10 of 1024-weight units is about a tenth of the weight of a thread at 0).
pub(crate) const NICE: i32 = 10;

/// Why [`run_lowered`] gave no result.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failed {
    /// No thread could be started.
    #[error("cannot start a background thread: {0}")]
    Spawn(std::io::Error),
    /// The work panicked.
    #[error("the background work panicked")]
    Panicked,
}

/// Runs `work` on a new thread named `name`, at a priority [`NICE`] lower than the process's
/// (on Linux), and returns its result. The thread starts at once, before the future is first
/// polled; dropping the future does not stop the work: it runs to its end, as a
/// `spawn_blocking` does.
///
/// # Errors
/// [`Failed`] when the thread cannot be started or the work panics.
pub(crate) fn run_lowered<T: Send + 'static>(
    name: &str,
    work: impl FnOnce() -> T + Send + 'static,
) -> impl std::future::Future<Output = Result<T, Failed>> {
    let (sender, result) = tokio::sync::oneshot::channel();
    let started = std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            lower_this_thread();
            let _ = sender.send(work());
        });
    async move {
        started.map_err(Failed::Spawn)?;
        result.await.map_err(|_| Failed::Panicked)
    }
}

/// Lowers the calling thread's priority by [`NICE`] (Linux: its own nice value, as
/// `setpriority(PRIO_PROCESS, gettid(), nice + NICE)`); a failure is logged and the work runs
/// at the usual priority.
#[cfg(target_os = "linux")]
fn lower_this_thread() {
    use rustix::process::{getpriority_process, setpriority_process};
    let thread = Some(rustix::thread::gettid());
    let lowered = getpriority_process(thread)
        .and_then(|nice| setpriority_process(thread, nice.saturating_add(NICE).min(19)));
    if let Err(error) = lowered {
        tracing::debug!(%error, "cannot lower a background thread's priority");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_this_thread() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_work_runs_and_its_result_comes_back() {
        let result = run_lowered("test-background", || 6 * 7).await;
        assert_eq!(result.ok(), Some(42));
    }

    #[tokio::test]
    async fn a_panic_is_an_error_not_a_hang() {
        let result: Result<(), Failed> =
            run_lowered("test-background", || panic!("the work fails")).await;
        assert!(matches!(result, Err(Failed::Panicked)));
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn the_work_runs_at_a_lower_priority_and_the_caller_keeps_its_own() {
        use rustix::process::getpriority_process;
        let caller = getpriority_process(Some(rustix::thread::gettid())).ok();
        let seen = run_lowered("test-background", || {
            getpriority_process(Some(rustix::thread::gettid())).ok()
        })
        .await
        .ok()
        .flatten();
        let caller = caller.unwrap_or_default();
        assert_eq!(seen, Some((caller + NICE).min(19)));
        assert_eq!(
            getpriority_process(Some(rustix::thread::gettid())).ok(),
            Some(caller)
        );
    }
}
