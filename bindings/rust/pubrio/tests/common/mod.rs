//! The fake Pubrio server (`pubrio-fake-server`, from PUBRIO_FAKE_SERVER or
//! the CMake build's build/tests) on a free port for one test, and the
//! little HTTP its control endpoints need (no crates).
#![allow(dead_code)]
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use pubrio::Client;

pub struct FakeServer {
    child: Child,
    pub url: String,
}

fn program() -> PathBuf {
    std::env::var_os("PUBRIO_FAKE_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../build/tests/pubrio-fake-server"))
}

impl FakeServer {
    /// Started with `args` (e.g. `--estimated-time 0`) on port 0; its URL is
    /// the first line it prints.
    pub fn start(args: &[&str]) -> FakeServer {
        let path = program();
        let mut child = Command::new(&path)
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {} ({e}): set PUBRIO_FAKE_SERVER", path.display()));
        let mut url = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut url).unwrap();
        let url = url.trim().to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "fake server printed {url:?}");
        FakeServer { child, url }
    }

    /// A client of this server with its key.
    pub fn client(&self) -> Client {
        let mut client = Client::new("test-key").unwrap();
        client.set_base_url(&self.url).unwrap();
        client
    }

    fn http(&self, method: &str, path: &str, body: &str) -> String {
        let addr = self.url.trim_start_matches("http://");
        let mut stream = TcpStream::connect(addr).unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default()
    }

    /// GET /_fake/stats: what the server saw.
    pub fn stats(&self) -> String {
        self.http("GET", "/_fake/stats", "")
    }

    /// A number of the stats (`"total"`, `"/redeem/people/batch"`...), 0 when absent.
    pub fn stat(&self, key: &str) -> u64 {
        let stats = self.stats();
        let needle = format!("\"{key}\":");
        stats.find(&needle).map_or(0, |at| {
            let digits: String = stats[at + needle.len()..].chars().take_while(|c| c.is_ascii_digit()).collect();
            digits.parse().unwrap()
        })
    }

    /// POST /_fake/reply: script the next answer to `path`.
    pub fn script_reply(&self, json: &str) {
        self.http("POST", "/_fake/reply", json);
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `n` distinct canonical people_search_ids.
pub fn ids(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("540574d1-0000-4000-8000-{i:012}")).collect()
}

/// The phone the fake gives `id`, or `None` for the people it has nothing
/// for (its rule, from tests/fake_server/fake_api.c: an FNV-1a hash of the
/// lower-cased id; a multiple of 7 has nothing).
pub fn fake_phone(id: &str) -> Option<String> {
    let h = id
        .bytes()
        .fold(1469598103934665603u64, |h, b| (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(1099511628211));
    (h % 7 != 0).then(|| format!("+1555{:07}", h % 10_000_000))
}

/// A fresh path in the temporary directory for one test's journal
/// (removed first, with its SQLite side files; no crates for tempdirs).
pub fn temp_path(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("pubrio-rust-{}-{name}", std::process::id()));
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

/// Removes the files of [`temp_path`] on drop.
pub struct TempFile(pub PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}
