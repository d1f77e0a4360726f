//! Ctrl-C as the first stop of a run: a SIGINT handler that cancels one
//! client (pubrio_client_cancel is async-signal-safe: an atomic store and a
//! write to a pipe), installed with the C library's `signal` (std links
//! libc; no crate needed), the previous handler put back on drop.
use std::os::raw::c_int;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

use pubrio_sys as sys;

use crate::client::CancelHandle;

const SIGINT: c_int = 2; // the same on Linux, the BSDs and macOS
const SIG_ERR: usize = usize::MAX;

extern "C" {
    fn signal(signum: c_int, handler: usize) -> usize;
}

/// The client the handler cancels; null when no guard is alive.
static TARGET: AtomicPtr<sys::pubrio_client> = AtomicPtr::new(ptr::null_mut());

extern "C" fn on_sigint(_: c_int) {
    let client = TARGET.load(Ordering::SeqCst);
    if !client.is_null() {
        unsafe { sys::pubrio_client_cancel(client) }
    }
}

/// While alive, Ctrl-C (SIGINT) cancels a client instead of killing the
/// process: a bulk run on it takes that as its first stop (nothing new
/// starts, submits in flight finish, polls are cut) and its iterator ends
/// with [`Status::Cancelled`](crate::Status::Cancelled); then
/// [`Bulk::close`](crate::Bulk::close) hands back and names what is left.
/// Made by [`CancelHandle::cancel_on_ctrl_c`]; dropping it puts the previous
/// SIGINT handler back. One at a time in a process.
///
/// ```no_run
/// # fn main() -> pubrio::Result<()> {
/// use pubrio::{BulkOptions, Client, ContactTypes, Event};
/// let mut client = Client::from_env()?;
/// let _ctrl_c = client.cancel_handle().cancel_on_ctrl_c().expect("a SIGINT handler");
/// let ids = ["540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11"];
/// let mut run = client.bulk(ids, ContactTypes::PHONE, &BulkOptions::default())?;
/// for event in run.by_ref() {
///     match event {
///         Ok(Event::Person { person, .. }) => println!("{person}"),
///         Ok(_) => {}
///         Err(e) => eprintln!("stopped: {e}"), // Ctrl-C: Status::Cancelled
///     }
/// }
/// let left = run.close(); // the people kept, the batches and people named
/// for event in &left.people {
///     println!("{event:?}");
/// }
/// if let Some(sentence) = &left.leftover {
///     eprintln!("{sentence}");
/// }
/// # Ok(())
/// # }
/// ```
#[must_use = "Ctrl-C cancels the client only while the guard is alive"]
pub struct CtrlCGuard {
    previous: usize,
    _client: CancelHandle, // keeps the C client alive while the handler may use it
}

impl CancelHandle {
    /// Make Ctrl-C cancel this client (see [`CtrlCGuard`]) until the guard
    /// is dropped. An error when another guard is alive or the handler
    /// cannot be installed.
    pub fn cancel_on_ctrl_c(&self) -> std::io::Result<CtrlCGuard> {
        let client = self.raw_ptr();
        if TARGET.compare_exchange(ptr::null_mut(), client, Ordering::SeqCst, Ordering::SeqCst).is_err() {
            return Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, "Ctrl-C already cancels a client"));
        }
        let handler = on_sigint as extern "C" fn(c_int) as usize;
        let previous = unsafe { signal(SIGINT, handler) };
        if previous == SIG_ERR {
            TARGET.store(ptr::null_mut(), Ordering::SeqCst);
            return Err(std::io::Error::last_os_error());
        }
        Ok(CtrlCGuard { previous, _client: self.clone() })
    }
}

impl Drop for CtrlCGuard {
    fn drop(&mut self) {
        unsafe { signal(SIGINT, self.previous) };
        TARGET.store(ptr::null_mut(), Ordering::SeqCst);
    }
}

impl std::fmt::Debug for CtrlCGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CtrlCGuard")
    }
}
