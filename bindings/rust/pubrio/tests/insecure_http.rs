//! Plain http off loopback (issue 27 item 8): refused before anything is
//! sent unless the client opts in with `set_allow_insecure_http`. Nothing
//! but 127.0.0.1 is ever contacted: the refusal happens before any
//! connection, and the opt-in is shown through a second name of 127.0.0.1
//! from /etc/hosts (the fake server then sees the request).
mod common;

use std::net::{IpAddr, ToSocketAddrs};
use std::sync::Once;

use common::FakeServer;
use pubrio::Status;

/// Neither the opt-in's environment variable nor a proxy (which would be
/// contacted instead of the name) comes from the caller's environment.
fn clean_environment() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for var in ["PUBRIO_ALLOW_INSECURE_HTTP", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"] {
            std::env::remove_var(var);
        }
    });
}

/// A name of /etc/hosts, other than localhost, that resolves to loopback
/// addresses only, 127.0.0.1 among them; None when this machine has none.
fn loopback_alias() -> Option<String> {
    let hosts = std::fs::read_to_string("/etc/hosts").ok()?;
    let mut loopback = Vec::new();
    let mut elsewhere = Vec::new();
    for line in hosts.lines().map(|l| l.split('#').next().unwrap_or("")) {
        let mut fields = line.split_whitespace();
        let Some(Ok(ip)) = fields.next().map(str::parse::<IpAddr>) else { continue };
        let names = if ip.is_loopback() { &mut loopback } else { &mut elsewhere };
        names.extend(fields.map(str::to_ascii_lowercase));
    }
    loopback.into_iter().find(|name| {
        name != "localhost"
            && !elsewhere.contains(name)
            && (name.as_str(), 0).to_socket_addrs().is_ok_and(|addrs| {
                let addrs: Vec<_> = addrs.map(|a| a.ip()).collect();
                addrs.iter().all(IpAddr::is_loopback) && addrs.contains(&IpAddr::from([127, 0, 0, 1]))
            })
    })
}

#[test]
fn plain_http_off_loopback_is_refused_before_anything_is_sent() {
    clean_environment();
    let fake = FakeServer::start(&[]);
    let mut client = fake.client();
    // .invalid never resolves: the refusal comes before any lookup.
    client.set_base_url("http://api.pubrio.invalid").unwrap();
    let err = client.profile().unwrap_err();
    assert_eq!(err.status, Status::InvalidArgument, "{err}");
    assert!(err.message.contains("refusing plain http to http://api.pubrio.invalid"), "{err}");
    assert!(!err.message.contains("test-key"), "{err}");
    assert_eq!(err.attempts, 0);
    // Loopback stays allowed: the fake server answers at 127.0.0.1.
    client.set_base_url(&fake.url).unwrap();
    client.profile().unwrap();
    assert_eq!(fake.stat("total"), 1);
}

#[test]
fn the_opt_in_lets_plain_http_to_another_name_through() {
    clean_environment();
    let Some(alias) = loopback_alias() else {
        eprintln!("skipped: no second name of 127.0.0.1 in /etc/hosts");
        return;
    };
    let fake = FakeServer::start(&[]);
    let url = fake.url.replace("127.0.0.1", &alias);
    let mut client = fake.client();
    client.set_base_url(&url).unwrap();
    let err = client.profile().unwrap_err();
    assert_eq!(err.status, Status::InvalidArgument, "{alias}: {err}");
    assert_eq!(fake.stat("total"), 0, "refused before anything was sent");

    client.set_allow_insecure_http(true).unwrap();
    client.profile().unwrap();
    assert_eq!(fake.stat("total"), 1, "the opt-in reached the library");

    client.set_allow_insecure_http(false).unwrap();
    let err = client.profile().unwrap_err();
    assert_eq!(err.status, Status::InvalidArgument, "{err}");
    assert_eq!(fake.stat("total"), 1, "refused again");
}
