//! The safe API's cost over calling the C API directly, against a server
//! (the fake one in scripts/rust_test.sh): N submits and N queries each
//! way, interleaved in blocks so both see the same server and machine state.
//! `cargo run --release --example overhead -- [N]` with PUBRIO_BASE_URL and
//! PUBRIO_API_KEY set. The direct loop is what a C program compiles to: the
//! same calls through pubrio-sys, no wrapper.
use std::ffi::CString;
use std::ptr;
use std::time::{Duration, Instant};

use pubrio::{BatchRequest, Client, ContactTypes};
use pubrio_sys as sys;

const ID: &str = "540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11";
const BLOCK: usize = 50;

/// One submit and one query through the C API, as a C caller writes them.
unsafe fn direct(client: *mut sys::pubrio_client, request: *const sys::pubrio_batch_request) {
    let mut err: sys::pubrio_error = std::mem::zeroed();
    let mut job = ptr::null_mut();
    assert_eq!(sys::pubrio_redeem_people_batch(client, request, &mut job, &mut err), sys::PUBRIO_OK);
    let mut result = ptr::null_mut();
    let status = sys::pubrio_redeem_people_batch_query(client, (*job).redeem_query_id, &mut result, &mut err);
    assert_eq!(status, sys::PUBRIO_OK);
    sys::pubrio_query_result_free(result);
    sys::pubrio_batch_job_free(job);
    sys::pubrio_error_clear(&mut err);
}

fn main() {
    let n: usize = std::env::args().nth(1).map_or(2000, |s| s.parse().expect("N"));
    let mut safe = Client::from_env().unwrap();
    let request = BatchRequest::new([ID], ContactTypes::PHONE).unwrap();
    // One client (one connection, one server thread) for both ways.
    let raw_client = safe.as_raw();
    let raw_request = unsafe {
        let mut req = ptr::null_mut();
        assert_eq!(sys::pubrio_batch_request_new(&mut req, ptr::null_mut()), sys::PUBRIO_OK);
        let id = CString::new(ID).unwrap();
        sys::pubrio_batch_request_add_person(req, id.as_ptr(), ptr::null_mut());
        sys::pubrio_batch_request_add_contact_types(req, sys::PUBRIO_CONTACT_PHONE, ptr::null_mut());
        req
    };
    let mut through_c = Duration::ZERO;
    let mut through_rust = Duration::ZERO;
    let mut done = 0;
    let (mut round, mut ratios) = (0, Vec::new());
    while done < n {
        let mut block_time = [Duration::ZERO; 2];
        let block = BLOCK.min(n - done);
        // Each side goes first every other round: neither gains from order.
        for side in [round % 2, 1 - round % 2] {
            let start = Instant::now();
            for _ in 0..block {
                if side == 0 {
                    unsafe { direct(raw_client, raw_request) };
                } else {
                    let job = safe.submit(&request).unwrap();
                    safe.query(&job.redeem_query_id).unwrap();
                }
            }
            block_time[side] = start.elapsed();
        }
        through_c += block_time[0];
        through_rust += block_time[1];
        ratios.push(block_time[1].as_secs_f64() / block_time[0].as_secs_f64());
        done += block;
        round += 1;
    }
    // The wrapper's own cost, no network: a query refused before sending
    // (the error copied out) and a request built, 100 000 times each way.
    let (bad, m) = (CString::new("not-an-id").unwrap(), 100_000);
    let start = Instant::now();
    for _ in 0..m {
        unsafe {
            let (mut err, mut out) = (std::mem::zeroed::<sys::pubrio_error>(), ptr::null_mut());
            sys::pubrio_redeem_people_batch_query(raw_client, bad.as_ptr(), &mut out, &mut err);
            sys::pubrio_error_clear(&mut err);
            let id = CString::new(ID).unwrap();
            let mut req = ptr::null_mut();
            sys::pubrio_batch_request_new(&mut req, ptr::null_mut());
            sys::pubrio_batch_request_add_person(req, id.as_ptr(), ptr::null_mut());
            sys::pubrio_batch_request_add_contact_types(req, sys::PUBRIO_CONTACT_PHONE, ptr::null_mut());
            sys::pubrio_batch_request_free(req);
        }
    }
    let offline_c = start.elapsed();
    let start = Instant::now();
    for _ in 0..m {
        safe.query("not-an-id").unwrap_err();
        BatchRequest::new([ID], ContactTypes::PHONE).unwrap();
    }
    let offline_rust = start.elapsed();
    let ns = |d: Duration| d.as_secs_f64() * 1e9 / m as f64;
    println!(
        "offline (refused query + request built): C API {:.0} ns, Rust API {:.0} ns, overhead {:.0} ns a pair",
        ns(offline_c),
        ns(offline_rust),
        ns(offline_rust) - ns(offline_c)
    );
    unsafe {
        sys::pubrio_batch_request_free(raw_request);
    }
    let per = |d: Duration| d.as_secs_f64() * 1e6 / (2 * n) as f64;
    // The median of the rounds' ratios shrugs off a round slowed by other load.
    ratios.sort_by(f64::total_cmp);
    println!(
        "{n} submits + {n} queries each way: C API {:.1} us/call, Rust API {:.1} us/call, \
         ratio {:.3} (median of {} rounds {:.3})",
        per(through_c),
        per(through_rust),
        through_rust.as_secs_f64() / through_c.as_secs_f64(),
        ratios.len(),
        ratios[ratios.len() / 2]
    );
}
