//! Every cookie-file line form of protocol.md §3 and §19.2, once each, and the server's
//! rewrites of the file. (Moved here from client-lib's auth.rs and display-server's
//! auth.rs.)

use std::fs;
use std::os::unix::fs::PermissionsExt;
use yonder_address::cookie_file::{
    parse_cookie_file, parse_cookie_hex, parse_cookie_line, read_cookie, store_cookie,
    store_cookies, store_fingerprint, trusted_name,
};
use yonder_address::{CookieLine, Fingerprint};

const A: &str = "000102030405060708090a0b0c0d0e0f";
const B: &str = "FFEEDDCCBBAA99887766554433221100";
const FP: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

#[test]
fn cookie_hex_is_32_digits_either_case() {
    assert_eq!(parse_cookie_hex(A).unwrap(), (0..16).collect::<Vec<u8>>());
    assert_eq!(parse_cookie_hex(B).unwrap()[0], 0xFF);
    assert!(parse_cookie_hex("abc").is_none());
    assert!(parse_cookie_hex(&"zz".repeat(16)).is_none());
}

#[test]
fn line_display_and_cookie() {
    let line = parse_cookie_line(&format!(":3 {A}")).unwrap();
    assert_eq!(line.display, ":3");
    assert_eq!(line.cookie, A);
    assert_eq!(line.fingerprint, None);
    assert_eq!(line.cookie_bytes(), Some(std::array::from_fn(|i| i as u8)));
    // Blanks around and between the fields do not matter.
    assert_eq!(parse_cookie_line(&format!("  :3   {A}  ")), Some(line));
}

#[test]
fn line_with_a_fingerprint() {
    let line = parse_cookie_line(&format!("bigbox:3 {A} sha256={FP}")).unwrap();
    assert_eq!(line.display, "bigbox:3");
    assert_eq!(line.cookie, A);
    assert_eq!(line.fingerprint.as_deref(), Some(FP));
    // A line as --print-cookie prints it, trailing newline and all.
    assert_eq!(
        parse_cookie_line(&format!("bigbox:3 {A} sha256={FP}\n")),
        Some(line)
    );
}

#[test]
fn line_of_a_trusted_cookie() {
    let line = parse_cookie_line(&format!(":3+trusted {B}")).unwrap();
    assert_eq!(line.display, trusted_name(":3"));
    assert_eq!(
        line.cookie_bytes(),
        parse_cookie_hex(B).unwrap().try_into().ok()
    );
}

#[test]
fn comments_and_blank_lines_are_skipped() {
    assert_eq!(parse_cookie_line("# :3 x"), None);
    assert_eq!(parse_cookie_line(&format!("   # :3 {A}")), None);
    assert_eq!(parse_cookie_line(""), None);
    assert_eq!(parse_cookie_line("   \t"), None);
}

#[test]
fn a_third_field_that_is_not_a_fingerprint_or_a_fourth_makes_no_line() {
    assert_eq!(parse_cookie_line(&format!(":3 {A} md5={FP}")), None);
    assert_eq!(parse_cookie_line(&format!(":3 {A} SHA256={FP}")), None);
    assert_eq!(parse_cookie_line(&format!(":3 {A} sha256={FP} x")), None);
    assert_eq!(parse_cookie_line(":3"), None);
}

#[test]
fn a_bad_cookie_is_kept_as_written_and_checked_on_use() {
    let line = parse_cookie_line(":1 nothex").unwrap();
    assert_eq!(line.cookie, "nothex");
    assert_eq!(line.cookie_bytes(), None);
}

#[test]
fn a_file_keeps_the_lines_that_parse() {
    let text = format!("# comment\n\n:1 {A}\n  host:2   {B}  \nonly-one-field\n:3 a b\n");
    let pairs: Vec<_> = parse_cookie_file(&text)
        .into_iter()
        .map(|l| (l.display, l.cookie, l.fingerprint))
        .collect();
    assert_eq!(
        pairs,
        vec![
            (":1".into(), A.into(), None),
            ("host:2".into(), B.into(), None)
        ]
    );
}

#[test]
fn lines_are_written_as_they_are_read() {
    let fp = Fingerprint::parse(FP).unwrap();
    let line = CookieLine::new("bigbox:3", &[0xab; 16], Some(&fp));
    let text = line.to_string();
    assert_eq!(text, format!("bigbox:3 {} sha256={FP}", "ab".repeat(16)));
    assert_eq!(parse_cookie_line(&text), Some(line));
    assert_eq!(
        CookieLine::new(":0", &[1; 16], None).to_string(),
        format!(":0 {}", "01".repeat(16))
    );
}

#[test]
fn the_first_of_duplicate_lines_wins() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cookies");
    fs::write(&path, format!(":1 {A}\n:1 {B}\n:2 nothex\n:2 {B}\n")).unwrap();
    assert_eq!(
        read_cookie(&path, ":1"),
        Some(std::array::from_fn(|i| i as u8))
    );
    // The first line decides, even when its cookie is bad.
    assert_eq!(read_cookie(&path, ":2"), None);
    assert_eq!(read_cookie(&dir.path().join("none"), ":1"), None);
}

fn mode(path: &std::path::Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn store_replaces_own_line_and_keeps_others() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/cookies");
    store_cookie(&path, ":1", &[1; 16]).unwrap();
    store_cookie(&path, ":2", &[2; 16]).unwrap();
    store_cookie(&path, ":1", &[3; 16]).unwrap();
    assert_eq!(read_cookie(&path, ":1"), Some([3; 16]));
    assert_eq!(read_cookie(&path, ":2"), Some([2; 16]));
    assert_eq!(read_cookie(&path, ":9"), None);
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
}

#[test]
fn trusted_line_is_stored_beside_the_ordinary_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cookies");
    store_cookie(&path, ":4", &[9; 16]).unwrap();
    let entries = [(":1".to_string(), [1; 16]), (trusted_name(":1"), [2; 16])];
    store_cookies(&path, &entries).unwrap();
    store_cookies(&path, &entries).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), 3, "{text}");
    assert_eq!(read_cookie(&path, ":1"), Some([1; 16]));
    assert_eq!(read_cookie(&path, ":1+trusted"), Some([2; 16]));
    assert_eq!(read_cookie(&path, ":4"), Some([9; 16]));
}

#[test]
fn fingerprint_joins_its_display_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cookies");
    store_cookies(&path, &[(":1".into(), [1; 16]), (":2".into(), [2; 16])]).unwrap();
    store_fingerprint(&path, ":1", &Fingerprint([0xab; 32])).unwrap();
    store_fingerprint(&path, ":1", &Fingerprint([0xcd; 32])).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    assert_eq!(
        text,
        format!(
            ":1 {} sha256={}\n:2 {}\n",
            "01".repeat(16),
            "cd".repeat(32),
            "02".repeat(16)
        )
    );
    assert_eq!(read_cookie(&path, ":1"), Some([1; 16]));
    assert_eq!(mode(&path), 0o600);
    // A restart without TLS writes the plain line again.
    store_cookie(&path, ":1", &[3; 16]).unwrap();
    assert!(!fs::read_to_string(&path).unwrap().contains("sha256"));
}
