//! libpubrio from Rust through plain FFI: submit a batch and wait for it.
//! `cargo run -- ID...` with PUBRIO_API_KEY (and PUBRIO_BASE_URL) set.
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::ptr;

#[repr(C)]
struct PubrioError {
    status: c_int,
    attempts: c_int,
    http_status: std::os::raw::c_long,
    api_code: i64,
    retry_after_ms: i64,
    message: *const c_char,
    api_message: *const c_char,
    details_json: *const c_char,
    request_id: *const c_char,
    redeem_query_id: *const c_char,
    submit_state: c_int,
    reserved: [*mut c_void; 6],
}

#[repr(C)]
struct Job {
    redeem_query_id: *const c_char,
    is_completed: c_int,
    estimated_time: i64,
    estimated_time_type: *const c_char,
    estimated_time_ms: i64,
}

#[repr(C)]
struct QueryResult {
    query: *const Job,
    has_credit: c_int,
    credit: i64,
    has_topup_credit: c_int,
    topup_credit: i64,
    has_total_charged_credit: c_int,
    total_charged_credit: i64,
    people_count: usize,
}

#[repr(C)]
struct Person {
    people_search_id: *const c_char,
    email_count: usize,
    phone_count: usize,
}

#[repr(C)]
struct Contact {
    value: *const c_char,
    kind: c_int,
    type_raw: *const c_char,
    status: *const c_char,
}

#[link(name = "pubrio")]
extern "C" {
    fn pubrio_version() -> *const c_char;
    fn pubrio_client_new(out: *mut *mut c_void, key: *const c_char, err: *mut PubrioError) -> c_int;
    fn pubrio_client_free(client: *mut c_void);
    fn pubrio_batch_request_new(out: *mut *mut c_void, err: *mut PubrioError) -> c_int;
    fn pubrio_batch_request_free(request: *mut c_void);
    fn pubrio_batch_request_add_person(request: *mut c_void, id: *const c_char, err: *mut PubrioError) -> c_int;
    fn pubrio_batch_request_add_contact_types(request: *mut c_void, types: u32, err: *mut PubrioError) -> c_int;
    fn pubrio_redeem_people_batch_and_wait(client: *mut c_void, request: *const c_void, options: *const c_void,
                                           out: *mut *mut QueryResult, err: *mut PubrioError) -> c_int;
    fn pubrio_query_result_person(result: *const QueryResult, index: usize) -> *const Person;
    fn pubrio_person_phone(person: *const Person, index: usize) -> *const Contact;
    fn pubrio_query_result_free(result: *mut QueryResult);
    fn pubrio_error_clear(err: *mut PubrioError);
}

const PUBRIO_CONTACT_PHONE: u32 = 4;

fn text(p: *const c_char) -> String {
    if p.is_null() { String::new() } else { unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned() }
}

fn main() {
    let ids: Vec<String> = std::env::args().skip(1).collect();
    unsafe {
        println!("libpubrio {}", text(pubrio_version()));
        let mut err: PubrioError = std::mem::zeroed();
        let mut client = ptr::null_mut();
        let mut request = ptr::null_mut();
        let mut result: *mut QueryResult = ptr::null_mut();
        let mut status = pubrio_client_new(&mut client, ptr::null(), &mut err);
        if status == 0 { status = pubrio_batch_request_new(&mut request, &mut err); }
        for id in &ids {
            let id = CString::new(id.as_str()).expect("no NUL in an id");
            if status == 0 { status = pubrio_batch_request_add_person(request, id.as_ptr(), &mut err); }
        }
        if status == 0 { status = pubrio_batch_request_add_contact_types(request, PUBRIO_CONTACT_PHONE, &mut err); }
        if status == 0 { status = pubrio_redeem_people_batch_and_wait(client, request, ptr::null(), &mut result, &mut err); }
        if status == 0 {
            for i in 0..(*result).people_count {
                let person = pubrio_query_result_person(result, i);
                for k in 0..(*person).phone_count {
                    println!("{} {}", text((*person).people_search_id), text((*pubrio_person_phone(person, k)).value));
                }
            }
        } else {
            eprintln!("error {}: {}", status, text(err.message));
        }
        pubrio_query_result_free(result);
        pubrio_batch_request_free(request);
        pubrio_client_free(client);
        pubrio_error_clear(&mut err);
        std::process::exit(if status == 0 { 0 } else { 1 });
    }
}
