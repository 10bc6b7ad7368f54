//! [`Mutex`]: the lock of the state that request tasks, reader tasks and writer tasks
//! share — an operating-system mutex with std, a spin lock without.
//!
//! A spin lock is right where nothing can take the CPU away from the holder (one thread
//! in a browser or an edge function). On a multi-threaded runtime it is not: when the
//! holder's thread is preempted (the machine has fewer cores than busy threads), every
//! other thread that wants the lock spins for the rest of the holder's time slice.
//! std's mutex spins briefly and then sleeps, so a preempted holder costs a wait, not
//! a burnt core.

#[cfg(feature = "std")]
mod imp {
    /// The guard of a locked [`Mutex`]: the value, until it is dropped.
    pub type MutexGuard<'a, T> = std::sync::MutexGuard<'a, T>;

    /// A mutual-exclusion lock: std's mutex with std, a spin lock without (why: the
    /// `sync::lock` module's docs).
    #[derive(Debug, Default)]
    pub struct Mutex<T>(std::sync::Mutex<T>);

    impl<T> Mutex<T> {
        /// A lock holding `value`.
        pub const fn new(value: T) -> Self {
            Self(std::sync::Mutex::new(value))
        }

        /// Locks, waiting while another thread holds the lock. A holder that panicked
        /// leaves the value as it was: every critical section keeps it consistent
        /// at each step, and nothing read from the network panics.
        pub fn lock(&self) -> MutexGuard<'_, T> {
            self.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        }

        /// The value, through exclusive access (no locking).
        pub fn get_mut(&mut self) -> &mut T {
            self.0
                .get_mut()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        }
    }
}

#[cfg(not(feature = "std"))]
mod imp {
    /// The guard of a locked [`Mutex`]: the value, until it is dropped.
    pub type MutexGuard<'a, T> = spin::MutexGuard<'a, T>;

    /// A mutual-exclusion lock: std's mutex with std, a spin lock without (why: the
    /// `sync::lock` module's docs).
    #[derive(Debug, Default)]
    pub struct Mutex<T>(spin::Mutex<T>);

    impl<T> Mutex<T> {
        /// A lock holding `value`.
        pub const fn new(value: T) -> Self {
            Self(spin::Mutex::new(value))
        }

        /// Locks, spinning while another holder has it.
        pub fn lock(&self) -> MutexGuard<'_, T> {
            self.0.lock()
        }

        /// The value, through exclusive access (no locking).
        pub fn get_mut(&mut self) -> &mut T {
            self.0.get_mut()
        }
    }
}

pub use imp::{Mutex, MutexGuard};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_and_gives_exclusive_access() {
        let mut m = Mutex::new(1);
        *m.lock() += 1;
        *m.get_mut() += 1;
        assert_eq!(*m.lock(), 3);
    }
}
