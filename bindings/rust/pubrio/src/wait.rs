//! `WaitOptions`: how a wait polls (deadline, delays, first delay); `None`
//! keeps the library's default.
use std::ptr::{self, NonNull};
use std::time::Duration;

use pubrio_sys as sys;

use crate::error::{ErrorSlot, Result};

/// How to wait for a batch. `WaitOptions::default()` is the library's
/// schedule: a 10-minute deadline, delays from 1 s to 30 s, the first poll
/// after the batch's estimate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WaitOptions {
    /// Give up after this long in all.
    pub timeout: Option<Duration>,
    /// Delays between polls grow from the first to the second.
    pub delays: Option<(Duration, Duration)>,
    /// Wait this long before the first poll (instead of the estimate).
    pub first_delay: Option<Duration>,
}

impl WaitOptions {
    /// Give up after `timeout` in all.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Delays between polls grow from `min` to `max`.
    pub fn delays(mut self, min: Duration, max: Duration) -> Self {
        self.delays = Some((min, max));
        self
    }

    /// Wait `delay` before the first poll.
    pub fn first_delay(mut self, delay: Duration) -> Self {
        self.first_delay = Some(delay);
        self
    }

    /// The library's options, validated (`InvalidArgument` when out of range).
    pub(crate) fn to_raw(&self) -> Result<RawWaitOptions> {
        let err = ErrorSlot::new();
        let mut raw = ptr::null_mut();
        err.check(unsafe { sys::pubrio_wait_options_new(&mut raw, err.ptr()) })?;
        let options = RawWaitOptions(NonNull::new(raw).expect("NULL options with OK"));
        let ms = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        unsafe {
            if let Some(t) = self.timeout {
                err.check(sys::pubrio_wait_options_set_timeout(raw, ms(t), err.ptr()))?;
            }
            if let Some((min, max)) = self.delays {
                err.check(sys::pubrio_wait_options_set_delays(raw, ms(min), ms(max), err.ptr()))?;
            }
            if let Some(d) = self.first_delay {
                err.check(sys::pubrio_wait_options_set_first_delay(raw, ms(d), err.ptr()))?;
            }
        }
        Ok(options)
    }
}

/// A `pubrio_wait_options`, freed on drop.
pub(crate) struct RawWaitOptions(NonNull<sys::pubrio_wait_options>);

impl RawWaitOptions {
    pub(crate) fn as_ptr(&self) -> *const sys::pubrio_wait_options {
        self.0.as_ptr()
    }
}

impl Drop for RawWaitOptions {
    fn drop(&mut self) {
        unsafe { sys::pubrio_wait_options_free(self.0.as_ptr()) }
    }
}
