//! The pure helpers: rates and LinkedIn URLs as people write them.
use std::time::Duration;

use pubrio::{normalize_linkedin_url, parse_rate, Status};

#[test]
fn parse_rate_reads_counts_and_windows() {
    assert_eq!(parse_rate("300").unwrap(), (300, Duration::from_secs(60)));
    assert_eq!(parse_rate("2400/h").unwrap(), (2400, Duration::from_secs(3600)));
    assert_eq!(parse_rate("15/10s").unwrap(), (15, Duration::from_secs(10)));
    assert_eq!(parse_rate("57600/day").unwrap(), (57600, Duration::from_secs(86400)));
    for bad in ["", "0", "-5", "12/x", "12 /h", "1.5/h", "12/h!", "a\0b"] {
        let err = parse_rate(bad).unwrap_err();
        assert_eq!(err.status, Status::InvalidArgument, "{bad:?}: {err}");
    }
}

#[test]
fn normalize_linkedin_url_gives_one_form_and_refuses_the_rest() {
    for url in [
        "linkedin.com/in/Jane-Doe",
        "http://UK.linkedin.com/in/jane-doe/?trk=x",
        " https://www.linkedin.com/in/jane-doe ",
    ] {
        assert_eq!(normalize_linkedin_url(url).unwrap(), "https://www.linkedin.com/in/jane-doe", "{url}");
    }
    for bad in
        ["https://linkedin.com.evil.com/in/x", "https://www.linkedin.com/company/x", "ftp://linkedin.com/in/x", ""]
    {
        let err = normalize_linkedin_url(bad).unwrap_err();
        assert_eq!(err.status, Status::InvalidArgument, "{bad}: {err}");
    }
}
