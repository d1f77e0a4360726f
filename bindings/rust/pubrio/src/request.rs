//! `BatchRequest`: the people and contact types of one submit, validated by
//! the library as they are added, so bad input fails before anything is sent.
use std::ffi::CString;
use std::ptr::{self, NonNull};

use pubrio_sys as sys;

use crate::error::{c_string, ErrorSlot, Result};
use crate::types::ContactTypes;

/// A validated batch: canonical UUIDs (duplicates dropped, so no credit is
/// spent twice) and at least one contact type.
#[derive(Debug)]
pub struct BatchRequest {
    raw: NonNull<sys::pubrio_batch_request>,
}

// The library object has no thread affinity; `&self` only reads it, but the
// library does not promise concurrent reads, so it is not `Sync`.
unsafe impl Send for BatchRequest {}

impl BatchRequest {
    /// People and contact types, the common case:
    /// `BatchRequest::new(&[id], ContactTypes::PHONE)?`.
    pub fn new<I, S>(people: I, types: ContactTypes) -> Result<BatchRequest>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        BatchRequest::builder().people(people).types(types).build()
    }

    /// A builder, for the profile id too.
    pub fn builder() -> RequestBuilder {
        RequestBuilder::default()
    }

    pub(crate) fn as_ptr(&self) -> *const sys::pubrio_batch_request {
        self.raw.as_ptr()
    }

    /// Distinct people in the request.
    pub fn people_count(&self) -> usize {
        unsafe { sys::pubrio_batch_request_people_count(self.as_ptr()) }
    }

    /// Duplicate ids dropped.
    pub fn duplicates(&self) -> usize {
        unsafe { sys::pubrio_batch_request_duplicates(self.as_ptr()) }
    }

    /// The contact types asked for.
    pub fn contact_types(&self) -> ContactTypes {
        let bits = unsafe { sys::pubrio_batch_request_contact_types(self.as_ptr()) };
        [ContactTypes::EMAIL_PERSONAL, ContactTypes::EMAIL_WORK, ContactTypes::PHONE]
            .into_iter()
            .filter(|t| bits & t.bits() != 0)
            .fold(ContactTypes::default(), |all, t| all | t)
    }
}

impl Drop for BatchRequest {
    fn drop(&mut self) {
        unsafe { sys::pubrio_batch_request_free(self.raw.as_ptr()) }
    }
}

/// Collects people, contact types and a profile id; [`build`](Self::build)
/// validates them all at once.
#[derive(Debug, Clone, Default)]
pub struct RequestBuilder {
    people: Vec<String>,
    types: ContactTypes,
    profile_id: Option<i64>,
}

impl RequestBuilder {
    /// Add one person by `people_search_id`.
    pub fn person(mut self, people_search_id: impl Into<String>) -> Self {
        self.people.push(people_search_id.into());
        self
    }

    /// Add people.
    pub fn people<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.people.extend(ids.into_iter().map(|s| s.as_ref().to_owned()));
        self
    }

    /// Ask for these contact types (added to any asked before).
    pub fn types(mut self, types: ContactTypes) -> Self {
        self.types = self.types | types;
        self
    }

    /// Send `profile_id` (>= 0).
    pub fn profile_id(mut self, profile_id: i64) -> Self {
        self.profile_id = Some(profile_id);
        self
    }

    /// The request, or `InvalidArgument` naming the first bad id (and its
    /// index), a missing contact type or a negative profile id.
    pub fn build(self) -> Result<BatchRequest> {
        let err = ErrorSlot::new();
        let mut raw = ptr::null_mut();
        err.check(unsafe { sys::pubrio_batch_request_new(&mut raw, err.ptr()) })?;
        let request = BatchRequest { raw: NonNull::new(raw).expect("pubrio_batch_request_new gave NULL with OK") };
        let ids = self
            .people
            .iter()
            .enumerate()
            .map(|(i, id)| c_string(id, &format!("people_search_id at index {i}")))
            .collect::<Result<Vec<CString>>>()?;
        let ptrs: Vec<_> = ids.iter().map(|id| id.as_ptr()).collect();
        let raw = request.raw.as_ptr();
        unsafe {
            err.check(sys::pubrio_batch_request_add_people(raw, ptrs.as_ptr(), ptrs.len(), err.ptr()))?;
            err.check(sys::pubrio_batch_request_add_contact_types(raw, self.types.bits(), err.ptr()))?;
            if let Some(id) = self.profile_id {
                err.check(sys::pubrio_batch_request_set_profile_id(raw, id, err.ptr()))?;
            }
        }
        Ok(request)
    }
}
