//! Locks that survive a panic elsewhere: the one way this crate takes a `std::sync` lock.
//!
//! A thread that panics while holding a `Mutex` or `RwLock` poisons it. Every lock here
//! guards plain data that is whole after each statement (maps, counters, a sender, a
//! reason), so a panic elsewhere leaves nothing half-written; recovering the guard keeps
//! the server answering instead of turning one panic into a failure of every later caller.

use std::sync::{LockResult, Mutex, MutexGuard, PoisonError};

/// Locks `mutex`, recovering the guard if a panic poisoned it.
pub(crate) fn locked<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    unpoisoned(mutex.lock())
}

/// What a lock call (`RwLock::read`, `RwLock::write`, `Condvar::wait_timeout`, ...) returned,
/// recovered if a panic poisoned the lock.
pub(crate) fn unpoisoned<G>(result: LockResult<G>) -> G {
    result.unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex, RwLock};

    use super::{locked, unpoisoned};

    #[test]
    fn a_poisoned_lock_still_gives_its_data() {
        let mutex = Arc::new(Mutex::new(1));
        let rwlock = Arc::new(RwLock::new(2));
        let (poisoning_mutex, poisoning_rwlock) = (mutex.clone(), rwlock.clone());
        let panicked = std::thread::spawn(move || {
            let _mutex = poisoning_mutex.lock();
            let _rwlock = poisoning_rwlock.write();
            panic!("poison both locks");
        })
        .join();
        assert!(panicked.is_err());
        assert!(mutex.is_poisoned() && rwlock.is_poisoned());
        *locked(&mutex) += 10;
        assert_eq!(*locked(&mutex), 11);
        *unpoisoned(rwlock.write()) += 20;
        assert_eq!(*unpoisoned(rwlock.read()), 22);
    }
}
