//! `Client`: a connection to the API (one thread at a time, as the C client)
//! and `CancelHandle`, which stops its calls from any thread.
use std::cell::Cell;
use std::ffi::c_void;
use std::marker::PhantomData;
use std::path::Path;
use std::ptr::{self, NonNull};
use std::sync::Arc;
use std::time::Duration;

use pubrio_sys as sys;

use crate::account::{Profile, Usage};
use crate::bulk::{Bulk, BulkOptions, Plan};
use crate::error::{c_string, opt_string, Error, ErrorSlot, Result};
use crate::hooks::{self, Clock, LogFn, LogLevel};
use crate::lookup::{self, LookupAnswer, LookupRequest, LookupResult};
use crate::request::BatchRequest;
use crate::types::{BatchJob, ContactTypes, QueryResult};
use crate::wait::WaitOptions;

/// The C client, freed when the `Client` and every `CancelHandle` are gone:
/// a cancel never reaches a freed client.
struct RawClient(NonNull<sys::pubrio_client>);

// Shared between a Client and its CancelHandles, which only ever call
// pubrio_client_cancel (thread-safe and async-signal-safe); every other call
// goes through the Client's `&mut self` or `&self` on one thread.
unsafe impl Send for RawClient {}
unsafe impl Sync for RawClient {}

impl Drop for RawClient {
    fn drop(&mut self) {
        unsafe { sys::pubrio_client_free(self.0.as_ptr()) }
    }
}

/// A connection to Pubrio: key, base URL, timeouts, retries, a reused
/// connection. `Send` (move it to another thread) but not `Sync`: the C
/// client is used by one thread at a time. Its calls can be stopped from
/// any thread with a [`CancelHandle`].
pub struct Client {
    raw: Arc<RawClient>,
    // What the C client calls back, owned here; unset in C before freed.
    clock: Option<Box<Box<dyn Clock>>>,
    log: Option<Box<LogFn>>,
    log_level: LogLevel,
    _not_sync: PhantomData<Cell<()>>,
}

impl Drop for Client {
    fn drop(&mut self) {
        // A CancelHandle may keep the C client alive: it must not keep
        // pointers to the hooks freed with this Client.
        let raw = self.as_ptr();
        unsafe {
            if self.clock.is_some() {
                sys::pubrio_client_set_clock(raw, None, None, None, ptr::null_mut(), ptr::null_mut());
            }
            if self.log.is_some() {
                sys::pubrio_client_set_log(raw, sys::PUBRIO_LOG_ERROR, None, ptr::null_mut(), ptr::null_mut());
            }
        }
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("base_url", &self.base_url()).finish_non_exhaustive()
    }
}

/// Stops whatever its client is doing, and every call on it until
/// [`Client::reset_cancel`]: the call returns
/// [`Status::Cancelled`](crate::Status::Cancelled) within milliseconds. Clone it and send it anywhere.
#[derive(Clone)]
pub struct CancelHandle(Arc<RawClient>);

impl CancelHandle {
    /// Cancel the client's calls (thread-safe).
    pub fn cancel(&self) {
        unsafe { sys::pubrio_client_cancel(self.0 .0.as_ptr()) }
    }

    pub(crate) fn raw_ptr(&self) -> *mut sys::pubrio_client {
        self.0 .0.as_ptr()
    }
}

impl std::fmt::Debug for CancelHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CancelHandle")
    }
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl Client {
    /// A client with the key from `PUBRIO_API_KEY` (and the base URL from
    /// `PUBRIO_BASE_URL` when set): [`Status::NoApiKey`](crate::Status)
    /// when there is none.
    pub fn from_env() -> Result<Client> {
        Client::create(None)
    }

    /// A client with `api_key` (the base URL from `PUBRIO_BASE_URL` when set).
    pub fn new(api_key: &str) -> Result<Client> {
        Client::create(Some(&c_string(api_key, "API key")?))
    }

    fn create(key: Option<&std::ffi::CStr>) -> Result<Client> {
        let err = ErrorSlot::new();
        let mut raw = ptr::null_mut();
        let key = key.map_or(ptr::null(), |k| k.as_ptr());
        err.check(unsafe { sys::pubrio_client_new(&mut raw, key, err.ptr()) })?;
        Ok(Client {
            raw: Arc::new(RawClient(NonNull::new(raw).expect("NULL client with OK"))),
            clock: None,
            log: None,
            log_level: LogLevel::Error,
            _not_sync: PhantomData,
        })
    }

    pub(crate) fn as_ptr(&self) -> *mut sys::pubrio_client {
        self.raw.0.as_ptr()
    }

    /// The C client, for calls this crate does not wrap (through
    /// `pubrio-sys`). It stays owned by this `Client`: never free it, and
    /// use it only on the thread holding the `Client`.
    pub fn as_raw(&self) -> *mut sys::pubrio_client {
        self.as_ptr()
    }

    /// Runs one setter with a fresh error slot.
    fn set(&mut self, f: impl FnOnce(*mut sys::pubrio_client, *mut sys::pubrio_error) -> u32) -> Result<()> {
        let err = ErrorSlot::new();
        let status = f(self.as_ptr(), err.ptr());
        err.check(status)
    }

    /// A handle that cancels this client's calls from any thread.
    pub fn cancel_handle(&self) -> CancelHandle {
        CancelHandle(Arc::clone(&self.raw))
    }

    /// Let calls run again after a cancel.
    pub fn reset_cancel(&mut self) {
        unsafe { sys::pubrio_client_reset_cancel(self.as_ptr()) }
    }

    /// The base URL in use.
    pub fn base_url(&self) -> String {
        opt_string(unsafe { sys::pubrio_client_base_url(self.as_ptr()) }).unwrap_or_default()
    }

    /// Set the base URL (http or https; a path prefix is kept).
    pub fn set_base_url(&mut self, url: &str) -> Result<()> {
        let url = c_string(url, "base URL")?;
        self.set(|c, e| unsafe { sys::pubrio_client_set_base_url(c, url.as_ptr(), e) })
    }

    /// Allow a plain `http://` base URL naming a host other than loopback.
    ///
    /// **Unsafe for the data, not for memory**: the API key and every
    /// contact bought then cross the network in clear, readable by anyone
    /// on the path (a proxy included). Off by default: a call to such a URL
    /// fails with [`Status::InvalidArgument`](crate::Status::InvalidArgument)
    /// before anything is sent, while `https://` and loopback
    /// (127.0.0.0/8, `::1`, `localhost`) are always allowed. The environment
    /// variable `PUBRIO_ALLOW_INSECURE_HTTP=1`, read by [`Client::new`],
    /// does the same. `false` refuses again.
    pub fn set_allow_insecure_http(&mut self, allow: bool) -> Result<()> {
        self.set(|c, e| unsafe { sys::pubrio_client_set_allow_insecure_http(c, allow.into(), e) })
    }

    /// Connect and per-attempt timeouts.
    pub fn set_timeouts(&mut self, connect: Duration, total: Duration) -> Result<()> {
        self.set(|c, e| unsafe { sys::pubrio_client_set_timeouts(c, ms(connect), ms(total), e) })
    }

    /// The User-Agent.
    pub fn set_user_agent(&mut self, user_agent: &str) -> Result<()> {
        let ua = c_string(user_agent, "User-Agent")?;
        self.set(|c, e| unsafe { sys::pubrio_client_set_user_agent(c, ua.as_ptr(), e) })
    }

    /// Retries: total attempts (1 disables them), first and longest backoff.
    pub fn set_retry(&mut self, max_attempts: u32, base: Duration, max: Duration) -> Result<()> {
        let attempts = i32::try_from(max_attempts).unwrap_or(i32::MAX);
        self.set(|c, e| unsafe { sys::pubrio_client_set_retry(c, attempts, ms(base), ms(max), e) })
    }

    /// Longest Retry-After honoured.
    pub fn set_max_retry_after(&mut self, max: Duration) -> Result<()> {
        self.set(|c, e| unsafe { sys::pubrio_client_set_max_retry_after(c, ms(max), e) })
    }

    /// Opt in to retrying a submit whose fate is uncertain (may charge twice).
    pub fn set_retry_unsafe_submit(&mut self, enabled: bool) -> Result<()> {
        self.set(|c, e| unsafe { sys::pubrio_client_set_retry_unsafe_submit(c, enabled.into(), e) })
    }

    /// Pace requests to at most this many a minute (0: off).
    pub fn set_rate_limit(&mut self, requests_per_minute: u32) -> Result<()> {
        let rpm = i32::try_from(requests_per_minute).unwrap_or(i32::MAX);
        self.set(|c, e| unsafe { sys::pubrio_client_set_rate_limit(c, rpm, e) })
    }

    /// Trust these CA certificates instead of the system store.
    pub fn set_ca(&mut self, ca_file: Option<&Path>, ca_path: Option<&Path>) -> Result<()> {
        let path = |p: Option<&Path>, what| p.map(|p| c_string(&p.to_string_lossy(), what)).transpose();
        let (file, dir) = (path(ca_file, "CA file")?, path(ca_path, "CA path")?);
        let ptr = |s: &Option<std::ffi::CString>| s.as_ref().map_or(ptr::null(), |s| s.as_ptr());
        self.set(|c, e| unsafe { sys::pubrio_client_set_ca(c, ptr(&file), ptr(&dir), e) })
    }

    /// Largest response body accepted.
    pub fn set_max_response_bytes(&mut self, max_bytes: usize) -> Result<()> {
        self.set(|c, e| unsafe { sys::pubrio_client_set_max_response_bytes(c, max_bytes, e) })
    }

    /// Send an extra header with every request (`None` removes it).
    pub fn set_header(&mut self, name: &str, value: Option<&str>) -> Result<()> {
        let name = c_string(name, "header name")?;
        let value = value.map(|v| c_string(v, "header value")).transpose()?;
        let value_ptr = value.as_ref().map_or(ptr::null(), |v| v.as_ptr());
        self.set(|c, e| unsafe { sys::pubrio_client_set_header(c, name.as_ptr(), value_ptr, e) })
    }

    /// Read time through `clock` for retries, pacing and waits (a test
    /// runs a ten-minute wait in milliseconds).
    pub fn set_clock(&mut self, clock: impl Clock + 'static) -> Result<()> {
        let mut clock: Box<Box<dyn Clock>> = Box::new(Box::new(clock));
        let userdata = (&mut *clock as *mut Box<dyn Clock>).cast::<c_void>();
        self.set(|c, e| unsafe {
            let (now, sleep, random) = (hooks::clock_now, hooks::clock_sleep, hooks::clock_random);
            sys::pubrio_client_set_clock(c, Some(now), Some(sleep), Some(random), userdata, e)
        })?;
        self.clock = Some(clock); // the C client holds the new one: the old may go
        Ok(())
    }

    /// Send log lines up to `max_level` to `receiver` (the key is masked in
    /// them). Called on the thread making the call.
    pub fn set_log(
        &mut self,
        max_level: LogLevel,
        receiver: impl FnMut(LogLevel, &str) + Send + 'static,
    ) -> Result<()> {
        let mut log: Box<LogFn> = Box::new(Box::new(receiver));
        let userdata = (&mut *log as *mut LogFn).cast::<c_void>();
        let level = max_level.raw();
        self.set(|c, e| unsafe { sys::pubrio_client_set_log(c, level, Some(hooks::log_line), userdata, e) })?;
        self.log = Some(log);
        self.log_level = max_level;
        Ok(())
    }

    /// A line of this crate's own to the log receiver, if one takes
    /// `level`; false when none does.
    pub(crate) fn log(&mut self, level: LogLevel, line: &str) -> bool {
        match &mut self.log {
            Some(receiver) if level <= self.log_level => {
                receiver(level, line);
                true
            }
            _ => false,
        }
    }

    /// Connections opened so far (1 for many calls: keep-alive worked).
    #[allow(clippy::useless_conversion)] // c_long is 32 bits on some targets
    pub fn connections_opened(&self) -> i64 {
        unsafe { sys::pubrio_client_connections_opened(self.as_ptr()) }.into()
    }

    /// HTTP requests sent so far, retries included.
    #[allow(clippy::useless_conversion)] // c_long is 32 bits on some targets
    pub fn requests_sent(&self) -> i64 {
        unsafe { sys::pubrio_client_requests_sent(self.as_ptr()) }.into()
    }

    /// How long the pacing makes the next request wait.
    pub fn pacing_delay(&mut self) -> Duration {
        let ms = unsafe { sys::pubrio_client_pacing_delay_ms(self.as_ptr()) };
        Duration::from_millis(u64::try_from(ms).unwrap_or(0))
    }

    /// Submit a batch (POST /redeem/people/batch). This SPENDS CREDITS and
    /// is sent once; on failure [`ErrorDetails::submit_state`](crate::ErrorDetails::submit_state) says whether credits
    /// may have been spent.
    pub fn submit(&mut self, request: &BatchRequest) -> Result<BatchJob> {
        let err = ErrorSlot::new();
        let mut job = ptr::null_mut();
        err.check(unsafe { sys::pubrio_redeem_people_batch(self.as_ptr(), request.as_ptr(), &mut job, err.ptr()) })?;
        let copy = unsafe { BatchJob::from_raw(job) };
        unsafe { sys::pubrio_batch_job_free(job) };
        Ok(copy)
    }

    /// Ask once for a batch's state (read-only, free, retried).
    pub fn query(&mut self, redeem_query_id: &str) -> Result<QueryResult> {
        let id = c_string(redeem_query_id, "redeem_query_id")?;
        let err = ErrorSlot::new();
        let mut out = ptr::null_mut();
        let status = unsafe { sys::pubrio_redeem_people_batch_query(self.as_ptr(), id.as_ptr(), &mut out, err.ptr()) };
        finish(err, status, out)
    }

    /// Poll a batch until it is complete, with the default schedule.
    pub fn wait(&mut self, redeem_query_id: &str) -> Result<QueryResult> {
        self.wait_with(redeem_query_id, &WaitOptions::default())
    }

    /// Poll a batch until it is complete. On
    /// [`Status::WaitTimeout`](crate::Status::WaitTimeout) and `Cancelled`,
    /// [`ErrorDetails::last_result`](crate::ErrorDetails::last_result) holds
    /// the last state seen.
    pub fn wait_with(&mut self, redeem_query_id: &str, options: &WaitOptions) -> Result<QueryResult> {
        let id = c_string(redeem_query_id, "redeem_query_id")?;
        let raw_options = raw_wait_options(options)?;
        let options_ptr = raw_options.as_ref().map_or(ptr::null(), |o| o.as_ptr());
        let err = ErrorSlot::new();
        let mut out = ptr::null_mut();
        let status = unsafe {
            sys::pubrio_redeem_people_batch_wait(self.as_ptr(), id.as_ptr(), options_ptr, &mut out, err.ptr())
        };
        finish(err, status, out)
    }

    /// Submit a batch and wait for its contacts, with the default schedule.
    /// Spends credits once; when the wait fails after the submit was
    /// accepted, the error says [`SubmitState::Accepted`](crate::SubmitState)
    /// and carries the batch's id: resume with `wait`, never submit again.
    pub fn submit_and_wait(&mut self, request: &BatchRequest) -> Result<QueryResult> {
        self.submit_and_wait_with(request, &WaitOptions::default())
    }

    /// [`submit_and_wait`](Self::submit_and_wait) with wait options.
    pub fn submit_and_wait_with(&mut self, request: &BatchRequest, options: &WaitOptions) -> Result<QueryResult> {
        let raw_options = raw_wait_options(options)?;
        let options_ptr = raw_options.as_ref().map_or(ptr::null(), |o| o.as_ptr());
        let err = ErrorSlot::new();
        let mut out = ptr::null_mut();
        let status = unsafe {
            sys::pubrio_redeem_people_batch_and_wait(self.as_ptr(), request.as_ptr(), options_ptr, &mut out, err.ptr())
        };
        finish(err, status, out)
    }

    /// The workspace's balance, prices and plan (POST /profile: free,
    /// read-only, retried).
    pub fn profile(&mut self) -> Result<Profile> {
        let err = ErrorSlot::new();
        let mut out = ptr::null_mut();
        err.check(unsafe { sys::pubrio_profile_get(self.as_ptr(), -1, &mut out, err.ptr()) })?;
        Ok(unsafe { Profile::take(out) })
    }

    /// The request quotas used and allowed (POST /profile/usage: free,
    /// read-only, retried).
    pub fn usage(&mut self) -> Result<Usage> {
        let err = ErrorSlot::new();
        let mut out = ptr::null_mut();
        err.check(unsafe { sys::pubrio_usage_get(self.as_ptr(), -1, &mut out, err.ptr()) })?;
        Ok(unsafe { Usage::take(out) })
    }

    /// Redeem one person, synchronously (POST /redeem/people), named by a
    /// `people_search_id` or, when `id_or_url` holds a `/`, a LinkedIn
    /// profile URL. This SPENDS CREDITS and is sent once, like
    /// [`submit`](Self::submit): on failure
    /// [`ErrorDetails::submit_state`](crate::ErrorDetails::submit_state)
    /// says whether credits may have been spent. The answer reads like a
    /// batch's (no one in `people` when the API found nobody).
    pub fn redeem_person(&mut self, id_or_url: &str, types: ContactTypes) -> Result<QueryResult> {
        let value = c_string(id_or_url, "person")?;
        let (id, url) =
            if id_or_url.contains('/') { (ptr::null(), value.as_ptr()) } else { (value.as_ptr(), ptr::null()) };
        let err = ErrorSlot::new();
        let mut out = ptr::null_mut();
        let status =
            unsafe { sys::pubrio_redeem_person(self.as_ptr(), id, url, types.bits(), -1, &mut out, err.ptr()) };
        finish(err, status, out)
    }

    /// Look up every entry of `request` (POST
    /// /redeem/people/contact/lookup/batch, as many requests as the batch
    /// size and the mapping need): an answer per entry, in entry order.
    /// This SPENDS CREDITS (1 per billable match; misses and duplicates are
    /// free) and each request is sent once: a 429 is waited for, anything
    /// else stops the call. Each match is mapped back to its entry by the
    /// identifier it names, never by position; one that maps to no entry
    /// is [`Status::Protocol`](crate::Status::Protocol), never guessed.
    ///
    /// On failure the error's
    /// [`lookup_result`](crate::ErrorDetails::lookup_result) holds every
    /// answer received (the found ones are paid for), the failed entries
    /// with their [`SubmitState`](crate::SubmitState) (`Uncertain`: maybe
    /// charged, never resent) and the entries never sent; its message
    /// names the failed entries.
    pub fn lookup(&mut self, request: &LookupRequest) -> Result<LookupResult> {
        let err = ErrorSlot::new();
        let mut out = ptr::null_mut();
        let status = unsafe { sys::pubrio_lookup_batch(self.as_ptr(), request.as_ptr(), &mut out, err.ptr()) };
        lookup::finish(err, status, out)
    }

    /// Look up the one entry of `request` (POST
    /// /redeem/people/contact/lookup): a request of another size is
    /// `InvalidArgument`, nothing sent. Spends credits once, as
    /// [`lookup`](Self::lookup), whose error it returns the same way.
    pub fn lookup_person(&mut self, request: &LookupRequest) -> Result<LookupAnswer> {
        let err = ErrorSlot::new();
        let mut out = ptr::null_mut();
        let status = unsafe { sys::pubrio_lookup_person(self.as_ptr(), request.as_ptr(), &mut out, err.ptr()) };
        let result = lookup::finish(err, status, out)?;
        Ok(result.answers.into_iter().next().expect("one answer for one entry"))
    }

    /// A dry run of [`bulk`](Self::bulk): its [`Plan::stats`] tell what a
    /// run would do (nothing is sent; the journal is only read).
    pub fn plan<I, S>(&mut self, people: I, types: ContactTypes, options: &BulkOptions) -> Result<Plan<'_>>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Plan::new(self, people, types, options)
    }

    /// A bulk run over `people` (any number: cut into batches, several in
    /// flight, within a rate budget): iterate it for its events. The client
    /// is borrowed for the run's life; cancel it with a [`CancelHandle`].
    pub fn bulk<I, S>(&mut self, people: I, types: ContactTypes, options: &BulkOptions) -> Result<Bulk<'_>>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Bulk::new(self, people, types, options)
    }
}

/// The library's wait options, or `None` for its defaults (no allocation).
fn raw_wait_options(options: &WaitOptions) -> Result<Option<crate::wait::RawWaitOptions>> {
    if *options == WaitOptions::default() {
        Ok(None)
    } else {
        options.to_raw().map(Some)
    }
}

/// The result of a query or wait, or its error with the last state seen.
fn finish(err: ErrorSlot, status: u32, out: *mut sys::pubrio_query_result) -> Result<QueryResult> {
    let result = unsafe { QueryResult::take(out) };
    match err.check(status) {
        Ok(()) => Ok(result.expect("a NULL result with OK")),
        Err(mut e) => {
            e.set_last_result(result);
            Err::<QueryResult, Error>(e)
        }
    }
}
