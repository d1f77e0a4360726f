//! `Error`: a failed call's typed status and details, copied out of the C
//! `pubrio_error` so it owns its strings and outlives the call.
use std::cell::UnsafeCell;
use std::ffi::{c_char, CStr, CString};
use std::fmt;
use std::time::Duration;

use pubrio_sys as sys;

use crate::lookup::LookupResult;
use crate::types::QueryResult;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a call failed: `pubrio_status` without `PUBRIO_OK`. A status newer
/// than this crate is [`Status::Other`] with its number.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Bad input caught before sending.
    InvalidArgument,
    /// An allocation failed.
    OutOfMemory,
    /// No key given and none in PUBRIO_API_KEY.
    NoApiKey,
    /// DNS, connect, reset, protocol failure.
    Transport,
    /// Connect or total timeout reached.
    Timeout,
    /// TLS handshake or certificate failure.
    Tls,
    /// HTTP 400: the API rejected the input.
    BadRequest,
    /// HTTP 401 or 403: bad or missing key.
    Unauthorized,
    /// HTTP 402: out of credits.
    PaymentRequired,
    /// HTTP 429, still after retries.
    RateLimited,
    /// HTTP 5xx.
    Server,
    /// Any other non-2xx HTTP status.
    Http,
    /// The response breaks the contract.
    Protocol,
    /// The body is over the configured cap.
    ResponseTooLarge,
    /// The wait's deadline came before the batch completed.
    WaitTimeout,
    /// Cancelled (a [`CancelHandle`](crate::CancelHandle) or a callback).
    Cancelled,
    /// A bulk run stopped submitting: the credit budget would be exceeded.
    CreditBudget,
    /// The journal cannot be used or written.
    Journal,
    /// A status this crate does not know yet.
    Other(u32),
}

/// The library's messages may tell the reader to call a C function: a Rust
/// user is told the method that does the same.
fn rust_names(message: String) -> String {
    const NAMES: [(&str, &str); 4] = [
        ("pubrio_redeem_people_batch_wait()", "Client::wait"),
        ("pubrio_redeem_people_batch_query()", "Client::query"),
        ("pubrio_lookup_person", "Client::lookup_person"),
        ("pubrio_lookup_batch", "Client::lookup"),
    ];
    NAMES.iter().fold(message, |m, (c, rust)| if m.contains(c) { m.replace(c, rust) } else { m })
}

impl Status {
    pub(crate) fn from_raw(raw: sys::pubrio_status) -> Status {
        use Status::*;
        match raw {
            sys::PUBRIO_E_INVALID_ARGUMENT => InvalidArgument,
            sys::PUBRIO_E_OUT_OF_MEMORY => OutOfMemory,
            sys::PUBRIO_E_NO_API_KEY => NoApiKey,
            sys::PUBRIO_E_TRANSPORT => Transport,
            sys::PUBRIO_E_TIMEOUT => Timeout,
            sys::PUBRIO_E_TLS => Tls,
            sys::PUBRIO_E_BAD_REQUEST => BadRequest,
            sys::PUBRIO_E_UNAUTHORIZED => Unauthorized,
            sys::PUBRIO_E_PAYMENT_REQUIRED => PaymentRequired,
            sys::PUBRIO_E_RATE_LIMITED => RateLimited,
            sys::PUBRIO_E_SERVER => Server,
            sys::PUBRIO_E_HTTP => Http,
            sys::PUBRIO_E_PROTOCOL => Protocol,
            sys::PUBRIO_E_RESPONSE_TOO_LARGE => ResponseTooLarge,
            sys::PUBRIO_E_WAIT_TIMEOUT => WaitTimeout,
            sys::PUBRIO_E_CANCELLED => Cancelled,
            sys::PUBRIO_E_CREDIT_BUDGET => CreditBudget,
            sys::PUBRIO_E_JOURNAL => Journal,
            other => Other(other),
        }
    }

    /// The C value (`pubrio_status`).
    pub fn raw(self) -> u32 {
        use Status::*;
        match self {
            InvalidArgument => sys::PUBRIO_E_INVALID_ARGUMENT,
            OutOfMemory => sys::PUBRIO_E_OUT_OF_MEMORY,
            NoApiKey => sys::PUBRIO_E_NO_API_KEY,
            Transport => sys::PUBRIO_E_TRANSPORT,
            Timeout => sys::PUBRIO_E_TIMEOUT,
            Tls => sys::PUBRIO_E_TLS,
            BadRequest => sys::PUBRIO_E_BAD_REQUEST,
            Unauthorized => sys::PUBRIO_E_UNAUTHORIZED,
            PaymentRequired => sys::PUBRIO_E_PAYMENT_REQUIRED,
            RateLimited => sys::PUBRIO_E_RATE_LIMITED,
            Server => sys::PUBRIO_E_SERVER,
            Http => sys::PUBRIO_E_HTTP,
            Protocol => sys::PUBRIO_E_PROTOCOL,
            ResponseTooLarge => sys::PUBRIO_E_RESPONSE_TOO_LARGE,
            WaitTimeout => sys::PUBRIO_E_WAIT_TIMEOUT,
            Cancelled => sys::PUBRIO_E_CANCELLED,
            CreditBudget => sys::PUBRIO_E_CREDIT_BUDGET,
            Journal => sys::PUBRIO_E_JOURNAL,
            Other(raw) => raw,
        }
    }

    /// The library's name for it (`pubrio_status_str`), e.g. "bad request".
    pub fn name(self) -> &'static str {
        // Static strings of the library, valid for the life of the process.
        unsafe { CStr::from_ptr(sys::pubrio_status_str(self.raw())) }.to_str().unwrap_or("unknown status")
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What became of a submit, as far as credits go.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SubmitState {
    /// The call made no submit.
    #[default]
    None,
    /// Nothing was charged; sending it again is safe.
    NotSpent,
    /// The submit left and no conclusive answer came back: it may have been
    /// charged. Never resent unless asked.
    Uncertain,
    /// Accepted (credits spent) and a later step failed: collect
    /// [`ErrorDetails::redeem_query_id`] with `Client::wait`, never submit again.
    Accepted,
    /// A state this crate does not know yet.
    Other(u32),
}

impl SubmitState {
    pub(crate) fn from_raw(raw: sys::pubrio_submit_state) -> SubmitState {
        match raw {
            sys::PUBRIO_SUBMIT_NONE => SubmitState::None,
            sys::PUBRIO_SUBMIT_NOT_SPENT => SubmitState::NotSpent,
            sys::PUBRIO_SUBMIT_UNCERTAIN => SubmitState::Uncertain,
            sys::PUBRIO_SUBMIT_ACCEPTED => SubmitState::Accepted,
            other => SubmitState::Other(other),
        }
    }
}

/// A failed call: its [`ErrorDetails`] (read them as fields, `err.status`),
/// boxed so a `Result` stays one pointer wide. The API key never appears
/// in it.
#[derive(Clone)]
pub struct Error(Box<ErrorDetails>);

impl std::ops::Deref for Error {
    type Target = ErrorDetails;
    fn deref(&self) -> &ErrorDetails {
        &self.0
    }
}

impl Error {
    /// The details, owned (to move a field out, e.g. `last_result`).
    pub fn into_details(self) -> ErrorDetails {
        *self.0
    }

    pub(crate) fn set_last_result(&mut self, result: Option<QueryResult>) {
        self.0.last_result = result.map(Box::new);
    }

    /// A lookup's answers kept with its error; `note` (which entries
    /// failed) is added to the message.
    pub(crate) fn set_lookup_result(&mut self, result: LookupResult, note: Option<String>) {
        if let Some(note) = note {
            self.0.message = format!("{} ({note})", self.0.message);
        }
        self.0.lookup_result = Some(Box::new(result));
    }
}

/// What is known of a failed call. Fields are only added, never changed
/// (`non_exhaustive`).
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct ErrorDetails {
    /// Why it failed.
    pub status: Status,
    /// One sentence from the library (the status is not repeated in it).
    pub message: String,
    /// The last HTTP status, when an answer came.
    pub http_status: Option<u16>,
    /// HTTP attempts made (0 when nothing was sent).
    pub attempts: u32,
    /// A 400 body's `code`.
    pub api_code: Option<i64>,
    /// The server's `message` or `error` text.
    pub api_message: Option<String>,
    /// A 400 body's `details`, as JSON.
    pub details_json: Option<String>,
    /// The answer's request id header.
    pub request_id: Option<String>,
    /// The batch credits were spent on, when a submit was accepted and a
    /// later step failed ([`SubmitState::Accepted`]).
    pub redeem_query_id: Option<String>,
    /// What became of a submit.
    pub submit_state: SubmitState,
    /// The wait the server asked for (Retry-After), when it asked.
    pub retry_after: Option<Duration>,
    /// A wait's last state seen, on [`Status::WaitTimeout`] and
    /// [`Status::Cancelled`].
    pub last_result: Option<Box<QueryResult>>,
    /// A lookup's answers when it failed after checking its entries: every
    /// answer received (found entries were paid for), the failed entries
    /// with their submit state, the ones never sent.
    pub lookup_result: Option<Box<LookupResult>>,
}

impl Error {
    /// An error found on the Rust side, before any call (e.g. a NUL byte).
    pub(crate) fn invalid(message: String) -> Error {
        Error(Box::new(ErrorDetails {
            status: Status::InvalidArgument,
            message,
            http_status: None,
            attempts: 0,
            api_code: None,
            api_message: None,
            details_json: None,
            request_id: None,
            redeem_query_id: None,
            submit_state: SubmitState::None,
            retry_after: None,
            last_result: None,
            lookup_result: None,
        }))
    }

    fn from_raw(raw: &sys::pubrio_error, status: sys::pubrio_status) -> Error {
        Error(Box::new(ErrorDetails {
            status: Status::from_raw(status),
            message: rust_names(opt_string(raw.message).unwrap_or_default()),
            http_status: u16::try_from(raw.http_status).ok().filter(|&s| s != 0),
            attempts: u32::try_from(raw.attempts).unwrap_or(0),
            api_code: Some(raw.api_code).filter(|&c| c != 0),
            api_message: opt_string(raw.api_message),
            details_json: opt_string(raw.details_json),
            request_id: opt_string(raw.request_id),
            redeem_query_id: opt_string(raw.redeem_query_id),
            submit_state: SubmitState::from_raw(raw.submit_state),
            retry_after: u64::try_from(raw.retry_after_ms).ok().map(Duration::from_millis),
            last_result: None,
            lookup_result: None,
        }))
    }
}

/// Only the fields that are set (this is what `main` prints on an `Err`).
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("status", &self.status).field("message", &self.message);
        if self.submit_state != SubmitState::None {
            d.field("submit_state", &self.submit_state);
        }
        macro_rules! some {
            ($($field:ident),*) => {$(
                if let Some(value) = &self.$field {
                    d.field(stringify!($field), value);
                }
            )*};
        }
        some!(http_status, api_code, api_message, details_json, request_id, redeem_query_id, retry_after, last_result);
        if self.attempts > 0 {
            d.field("attempts", &self.attempts);
        }
        if let Some(r) = &self.lookup_result {
            // A count, not every answer: a lookup may hold thousands.
            let found = r.answers.iter().filter(|a| a.is_found()).count();
            let summary = format!("{} answers, {found} found, {} uncertain", r.answers.len(), r.uncertain().len());
            d.field("lookup_result", &format_args!("{summary}"));
        }
        d.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status, self.message)
    }
}

impl std::error::Error for Error {}

/// A zeroed `pubrio_error` for one call, cleared on drop. The spare room
/// after it takes the fields a library newer than these mirrors may write
/// (the struct grows at the end).
#[repr(C)]
pub(crate) struct ErrorSlot {
    // A cell: the library writes through `ptr()` while `check` borrows it.
    raw: UnsafeCell<sys::pubrio_error>,
    _room: [u64; 16],
}

impl ErrorSlot {
    pub(crate) fn new() -> ErrorSlot {
        // All-zero is the documented initial state (`pubrio_error err = {0}`).
        unsafe { std::mem::zeroed() }
    }

    pub(crate) fn ptr(&self) -> *mut sys::pubrio_error {
        self.raw.get()
    }

    /// `Ok` for `PUBRIO_OK`, else the details of this slot.
    pub(crate) fn check(&self, status: sys::pubrio_status) -> Result<()> {
        if status == sys::PUBRIO_OK {
            Ok(())
        } else {
            Err(Error::from_raw(unsafe { &*self.raw.get() }, status))
        }
    }
}

impl Drop for ErrorSlot {
    fn drop(&mut self) {
        unsafe { sys::pubrio_error_clear(self.raw.get()) }
    }
}

/// A library string, copied (NULL is `None`; invalid UTF-8 is replaced).
pub(crate) fn opt_string(p: *const c_char) -> Option<String> {
    if p.is_null() {
        None
    } else {
        Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    }
}

/// A string for C, or `InvalidArgument` naming `what` (not the value: it
/// may be the key) when it holds a NUL byte.
pub(crate) fn c_string(s: &str, what: &str) -> Result<CString> {
    CString::new(s).map_err(|_| Error::invalid(format!("the {what} holds a NUL byte")))
}
