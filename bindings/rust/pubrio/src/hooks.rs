//! What a client calls back: an injected [`Clock`] (retries, pacing and
//! waits read time only through it, so a test runs a ten-minute wait in
//! milliseconds) and a log receiver. The trampolines turn the C callbacks'
//! `userdata` back into the boxed Rust value the `Client` owns.
use std::ffi::{c_void, CStr};
use std::os::raw::c_char;
use std::time::Duration;

use pubrio_sys as sys;

/// Time as the client sees it. Called on the thread making the call; a
/// panic in it aborts the process (it cannot unwind through C).
pub trait Clock: Send {
    /// Monotonic time since any fixed origin.
    fn now(&mut self) -> Duration;
    /// Sleep `duration` (an injected sleep cannot be cut short by a cancel;
    /// the call stops after it).
    fn sleep(&mut self, duration: Duration);
    /// A uniform number in [0, 1) for the retry and wait jitter.
    fn random(&mut self) -> f64 {
        0.5
    }
}

/// Log levels, most severe first.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// A call failed.
    Error,
    /// A retry or a rate-limit wait.
    Warn,
    /// One line per HTTP request and response.
    Info,
    /// Request and response bodies.
    Debug,
}

impl LogLevel {
    pub(crate) fn raw(self) -> sys::pubrio_log_level {
        match self {
            LogLevel::Error => sys::PUBRIO_LOG_ERROR,
            LogLevel::Warn => sys::PUBRIO_LOG_WARN,
            LogLevel::Info => sys::PUBRIO_LOG_INFO,
            LogLevel::Debug => sys::PUBRIO_LOG_DEBUG,
        }
    }

    fn from_raw(raw: sys::pubrio_log_level) -> LogLevel {
        match raw {
            sys::PUBRIO_LOG_ERROR => LogLevel::Error,
            sys::PUBRIO_LOG_WARN => LogLevel::Warn,
            sys::PUBRIO_LOG_INFO => LogLevel::Info,
            _ => LogLevel::Debug,
        }
    }
}

/// A log receiver: the level and a finished line (the key masked).
pub(crate) type LogFn = Box<dyn FnMut(LogLevel, &str) + Send>;

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// # Safety (all trampolines)
/// `userdata` is the `Box<dyn Clock>` / `LogFn` the client owns, used by
/// one thread at a time (the client is `!Sync` and its calls take `&mut`).
pub(crate) unsafe extern "C" fn clock_now(userdata: *mut c_void) -> i64 {
    ms((*userdata.cast::<Box<dyn Clock>>()).now())
}

pub(crate) unsafe extern "C" fn clock_sleep(duration_ms: i64, userdata: *mut c_void) {
    let duration = Duration::from_millis(u64::try_from(duration_ms).unwrap_or(0));
    (*userdata.cast::<Box<dyn Clock>>()).sleep(duration)
}

pub(crate) unsafe extern "C" fn clock_random(userdata: *mut c_void) -> f64 {
    (*userdata.cast::<Box<dyn Clock>>()).random().clamp(0.0, 0.999_999)
}

pub(crate) unsafe extern "C" fn log_line(level: sys::pubrio_log_level, line: *const c_char, userdata: *mut c_void) {
    let line = CStr::from_ptr(line).to_string_lossy();
    (*userdata.cast::<LogFn>())(LogLevel::from_raw(level), &line)
}
