//! The one policy and the one clock.
//!
//! Every judgement about a key (is it alive, revoked, strong enough) is made under one
//! [`StandardPolicy`] at one point in time. Both live in a [`Context`] that is built once
//! and passed by reference everywhere, so tests can fix the clock.

use std::time::SystemTime;

use sequoia_openpgp::policy::StandardPolicy;

/// The policy and the time under which sealmail judges keys and signatures.
#[derive(Debug)]
pub struct Context {
    policy: StandardPolicy<'static>,
    now: SystemTime,
}

impl Context {
    /// A context at the current time of the system clock.
    pub fn now() -> Self {
        Self::at(SystemTime::now())
    }

    /// A context whose clock is fixed at `now` (for tests, and for `SEALMAIL_NOW`).
    pub fn at(now: SystemTime) -> Self {
        Context {
            policy: StandardPolicy::at(now),
            now,
        }
    }

    /// The policy to pass to every `with_policy` call.
    pub fn policy(&self) -> &StandardPolicy<'static> {
        &self.policy
    }

    /// The time at which keys are judged.
    pub fn time(&self) -> SystemTime {
        self.now
    }
}
