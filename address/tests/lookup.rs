//! The client's lookup rules of protocol.md §3 and §19.2: cookie, trusted cookie and
//! fingerprint. (Moved here from client-lib's auth.rs and trust.rs.)

use yonder_address::cookie_file::parse_cookie_hex;
use yonder_address::lookup::{
    find_cookie, find_fingerprint, find_in_cookie_file, find_trusted_cookie, lookup_keys,
};
use yonder_address::{CookieSources, DisplayName, Fingerprint, LookupError};

const A: &str = "000102030405060708090a0b0c0d0e0f";
const B: &str = "FFEEDDCCBBAA99887766554433221100";
const T: &str = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
const FP: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

fn name(s: &str) -> DisplayName {
    DisplayName::parse(s).unwrap()
}

fn file_sources(text: &str) -> (tempfile::TempDir, CookieSources) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cookies");
    std::fs::write(&path, text).unwrap();
    let sources = CookieSources {
        cookie: None,
        cookie_file: Some(path),
        home: Some("/nonexistent-home".into()),
        fingerprint: None,
    };
    (dir, sources)
}

#[test]
fn exact_match_beats_number_fallback() {
    let text = format!(":5 {A}\nhost:5 {B}\n");
    let got = find_in_cookie_file(&text, "host:5", &name("host:5")).unwrap();
    assert_eq!(got, parse_cookie_hex(B));
    let got = find_in_cookie_file(&text, "other:5", &name("other:5")).unwrap();
    assert_eq!(got, parse_cookie_hex(A));
    let got = find_in_cookie_file(&text, ":5", &name(":5")).unwrap();
    assert_eq!(got, parse_cookie_hex(A));
    assert_eq!(find_in_cookie_file(&text, ":6", &name(":6")).unwrap(), None);
}

#[test]
fn unix_path_falls_back_to_display_number() {
    let text = format!(":7 {A}\n");
    let d = "unix:/tmp/x/display-7";
    assert_eq!(
        find_in_cookie_file(&text, d, &name(d)).unwrap(),
        parse_cookie_hex(A)
    );
    let d = "unix:/tmp/x/sock";
    assert_eq!(find_in_cookie_file(&text, d, &name(d)).unwrap(), None);
}

#[test]
fn bad_hex_on_the_matching_line_is_an_error() {
    let text = ":1 nothex\n";
    assert!(find_in_cookie_file(text, ":1", &name(":1")).is_err());
    assert_eq!(find_in_cookie_file(text, ":2", &name(":2")).unwrap(), None);
}

#[test]
fn env_cookie_wins_over_file() {
    let (_dir, mut sources) = file_sources(&format!(":1 {A}\n"));
    sources.cookie = Some(B.into());
    assert_eq!(
        find_cookie(":1", &name(":1"), &sources).unwrap(),
        parse_cookie_hex(B).unwrap()
    );
    sources.cookie = Some("bad".into());
    assert!(matches!(
        find_cookie(":1", &name(":1"), &sources),
        Err(LookupError::BadCookie(_))
    ));
    // An empty YONDER_COOKIE counts as unset.
    sources.cookie = Some(String::new());
    assert_eq!(
        find_cookie(":1", &name(":1"), &sources).unwrap(),
        parse_cookie_hex(A).unwrap()
    );
}

#[test]
fn file_lookup_and_missing_cookie_messages() {
    let (_dir, sources) = file_sources(&format!(":1 {A}\n"));
    assert_eq!(
        find_cookie(":1", &name(":1"), &sources).unwrap(),
        parse_cookie_hex(A).unwrap()
    );
    match find_cookie("h:2", &name("h:2"), &sources) {
        Err(LookupError::NoCookie(msg)) => {
            assert!(msg.contains("`h:2` or `:2`"), "{msg}");
            assert!(msg.contains("cookies"), "{msg}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn home_cookie_file_is_the_default() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".yonder")).unwrap();
    std::fs::write(dir.path().join(".yonder/cookies"), format!(":0 {B}\n")).unwrap();
    let sources = CookieSources {
        cookie: None,
        cookie_file: None,
        home: Some(dir.path().to_path_buf()),
        fingerprint: None,
    };
    assert_eq!(
        find_cookie(":0", &name(":0"), &sources).unwrap(),
        parse_cookie_hex(B).unwrap()
    );
    let missing = CookieSources {
        home: Some(dir.path().join("nope")),
        ..sources
    };
    match find_cookie(":0", &name(":0"), &missing) {
        Err(LookupError::NoCookie(msg)) => assert!(msg.contains("cannot be read"), "{msg}"),
        other => panic!("{other:?}"),
    }
    match find_cookie(":0", &name(":0"), &CookieSources::default()) {
        Err(LookupError::NoCookie(msg)) => assert!(msg.contains("all unset"), "{msg}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn tls_displays_look_up_host_lines_then_the_number() {
    let keys = |d: &str| lookup_keys(d, &name(d));
    assert_eq!(keys("tls:bigbox:3"), ["tls:bigbox:3", "bigbox:3", ":3"]);
    assert_eq!(keys("tls:[::1]:2"), ["tls:[::1]:2", "[::1]:2", ":2"]);
    assert_eq!(keys(":2"), [":2"]);
    let text = format!(":3 {B}\nbigbox:3 {A} sha256={FP}\n");
    let got = find_in_cookie_file(&text, "tls:bigbox:3", &name("tls:bigbox:3")).unwrap();
    assert_eq!(got, parse_cookie_hex(A));
}

#[test]
fn fingerprint_from_env_or_the_cookie_line() {
    let (_dir, mut sources) = file_sources(&format!("bigbox:3 {A} sha256={FP}\n:4 {B}\n"));
    let d = "tls:bigbox:3";
    let want = Fingerprint::parse(FP).unwrap();
    assert_eq!(find_fingerprint(d, &name(d), &sources).unwrap(), want);
    // YONDER_FINGERPRINT overrides the file.
    let other = "ff".repeat(32);
    sources.fingerprint = Some(format!("sha256={other}"));
    assert_eq!(
        find_fingerprint(d, &name(d), &sources).unwrap(),
        Fingerprint::parse(&other).unwrap()
    );
    sources.fingerprint = Some("sha256=1234".into());
    match find_fingerprint(d, &name(d), &sources) {
        Err(LookupError::BadFingerprint(msg)) => {
            assert!(msg.contains("YONDER_FINGERPRINT"), "{msg}");
            assert!(msg.contains("64 hex digits"), "{msg}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn no_fingerprint_is_a_clear_error() {
    let (_dir, sources) = file_sources(&format!(":4 {B}\nbad:5 {A} sha256=xyz\n"));
    // A line without the field: no trust on first use, the error says how to pin.
    let d = "tls:host:4";
    match find_fingerprint(d, &name(d), &sources) {
        Err(LookupError::NoFingerprint(msg)) => {
            assert!(msg.contains("`:4`"), "{msg}");
            assert!(msg.contains("sha256="), "{msg}");
            assert!(msg.contains("--print-cookie"), "{msg}");
            assert!(msg.contains("YONDER_FINGERPRINT"), "{msg}");
        }
        other => panic!("{other:?}"),
    }
    // No line at all.
    let d = "tls:host:9";
    match find_fingerprint(d, &name(d), &sources) {
        Err(LookupError::NoFingerprint(msg)) => {
            assert!(msg.contains("`tls:host:9` or `host:9` or `:9`"), "{msg}")
        }
        other => panic!("{other:?}"),
    }
    // A malformed field.
    let d = "tls:bad:5";
    assert!(matches!(
        find_fingerprint(d, &name(d), &sources),
        Err(LookupError::BadFingerprint(_))
    ));
    // Nothing to read.
    match find_fingerprint(d, &name(d), &CookieSources::default()) {
        Err(LookupError::NoFingerprint(msg)) => assert!(msg.contains("all unset"), "{msg}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn finds_the_trusted_line_not_the_ordinary_one() {
    let (_d, s) = file_sources(&format!(":3 {A}\n:3+trusted {T}\n"));
    let got = find_trusted_cookie(":3", &name(":3"), None, &s).unwrap();
    assert_eq!(got, parse_cookie_hex(T).unwrap());
    let d = "unix:/tmp/x/display-3";
    let got = find_trusted_cookie(d, &name(d), None, &s).unwrap();
    assert_eq!(got, parse_cookie_hex(T).unwrap());
}

#[test]
fn trusted_env_wins_and_missing_is_an_error() {
    let (_d, s) = file_sources(&format!(":3 {A}\n"));
    let n = name(":3");
    assert_eq!(
        find_trusted_cookie(":3", &n, Some(T), &s).unwrap(),
        parse_cookie_hex(T).unwrap()
    );
    match find_trusted_cookie(":3", &n, None, &s) {
        Err(LookupError::NoCookie(m)) => assert!(m.contains("`:3+trusted`"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        find_trusted_cookie(":3", &n, Some("xyz"), &s),
        Err(LookupError::BadCookie(_))
    ));
}

#[test]
fn trusted_lines_follow_the_same_line_rules() {
    // A trusted line with extra fields is no line, as for the ordinary cookie.
    let (_d, s) = file_sources(&format!(":3+trusted {T} x y\n"));
    assert!(matches!(
        find_trusted_cookie(":3", &name(":3"), None, &s),
        Err(LookupError::NoCookie(_))
    ));
}

#[test]
fn host_names_are_matched_as_written_but_ipv6_gets_its_brackets() {
    let keys = |d: &str| lookup_keys(d, &name(d));
    // `localhost` is a host name like any other: no line of another spelling of this
    // machine serves it, only its own line or `:N`.
    assert_eq!(keys("localhost:3"), ["localhost:3", ":3"]);
    assert_eq!(
        keys("tls:localhost:3"),
        ["tls:localhost:3", "localhost:3", ":3"]
    );
    // An IPv6 host of a TLS name is also tried in brackets, the way §2.1 writes it.
    assert_eq!(keys("tls:::1:2"), ["tls:::1:2", "::1:2", "[::1]:2", ":2"]);
    assert_eq!(keys("[::1]:2"), ["[::1]:2", ":2"]);
    assert_eq!(keys("unix:/x/display-4"), ["unix:/x/display-4", ":4"]);
    assert_eq!(keys("unix:/x/sock"), ["unix:/x/sock"]);
    let text = format!("127.0.0.1:3 {A}\nLOCALHOST:3 {A}\n:3 {B}\n");
    for d in ["localhost:3", "tls:localhost:3"] {
        assert_eq!(
            find_in_cookie_file(&text, d, &name(d)).unwrap(),
            parse_cookie_hex(B),
            "{d}"
        );
    }
}

#[test]
fn the_first_name_with_a_line_decides() {
    // A bad cookie on the `host:N` line is an error, not a reason to try `:N`.
    let text = format!("host:5 nothex\n:5 {A}\nhost:5 {B}\n");
    assert!(find_in_cookie_file(&text, "host:5", &name("host:5")).is_err());
    // Of several lines with one name the first wins, through the `:N` fallback too.
    let text = format!(":5 {A}\n:5 {B}\n");
    assert_eq!(
        find_in_cookie_file(&text, "h:5", &name("h:5")).unwrap(),
        parse_cookie_hex(A)
    );
    // The ordinary lookup never takes a `:N+trusted` line.
    let text = format!(":3+trusted {T}\n");
    assert_eq!(find_in_cookie_file(&text, ":3", &name(":3")).unwrap(), None);
    // The fingerprint comes from the line the names find first: a `host:N` line without
    // one stops the lookup even when `:N` has one.
    let (_dir, mut sources) = file_sources(&format!("host:4 {A}\n:4 {B} sha256={FP}\n"));
    let d = "tls:host:4";
    assert!(matches!(
        find_fingerprint(d, &name(d), &sources),
        Err(LookupError::NoFingerprint(_))
    ));
    let d = "tls:other:4";
    assert_eq!(
        find_fingerprint(d, &name(d), &sources).unwrap(),
        Fingerprint::parse(FP).unwrap()
    );
    // An empty YONDER_FINGERPRINT counts as unset.
    sources.fingerprint = Some(String::new());
    assert_eq!(
        find_fingerprint(d, &name(d), &sources).unwrap(),
        Fingerprint::parse(FP).unwrap()
    );
}
