//! Every display-name form of protocol.md §2.1, once each: what it parses to and where
//! it leads. (Moved here from client-lib's display.rs; the server parses its `:N`
//! argument with the same parser.)

use std::path::{Path, PathBuf};
use yonder_address::paths::socket_dir;
use yonder_address::{Address, DisplayName};

fn parse(s: &str) -> DisplayName {
    DisplayName::parse(s).unwrap()
}

#[test]
fn local_colon_n() {
    assert_eq!(parse(":3"), DisplayName::Local { number: 3 });
    assert_eq!(parse(":0").number(), Some(0));
    assert_eq!(parse(":65535").number(), Some(65535));
}

#[test]
fn local_colon_n_leads_to_the_socket_dir() {
    let d = parse(":4");
    let with_xdg = socket_dir(Some(Path::new("/run/user/1000")), 1000);
    assert_eq!(with_xdg, PathBuf::from("/run/user/1000/yonder"));
    assert_eq!(
        d.address(&with_xdg),
        Address::Unix("/run/user/1000/yonder/display-4".into())
    );
    assert_eq!(socket_dir(None, 42), PathBuf::from("/tmp/yonder-42"));
    assert_eq!(
        socket_dir(Some(Path::new("")), 42),
        PathBuf::from("/tmp/yonder-42")
    );
}

#[test]
fn host_colon_n() {
    let d = parse("host:5");
    assert_eq!(
        d,
        DisplayName::Tcp {
            host: "host".into(),
            number: 5
        }
    );
    assert_eq!(
        d.address(Path::new("/unused")),
        Address::Tcp {
            host: "host".into(),
            port: 7105
        }
    );
    assert_eq!(
        d.address(Path::new("/unused")).to_string(),
        "tcp host port 7105"
    );
}

#[test]
fn ipv6_in_brackets_colon_n() {
    assert_eq!(
        parse("[::1]:2"),
        DisplayName::Tcp {
            host: "::1".into(),
            number: 2
        }
    );
}

#[test]
fn ipv6_without_brackets_ends_at_the_last_colon() {
    // §2.1: the same display as `[::1]:2`, and as `tls:` name too.
    assert_eq!(parse("::1:2"), parse("[::1]:2"));
    assert_eq!(
        parse("tls:fe80::1:7"),
        DisplayName::Tls {
            host: "fe80::1".into(),
            number: 7
        }
    );
}

#[test]
fn tls_host_colon_n() {
    let d = parse("tls:bigbox:3");
    assert_eq!(
        d,
        DisplayName::Tls {
            host: "bigbox".into(),
            number: 3
        }
    );
    assert_eq!(d.number(), Some(3));
    assert_eq!(
        d.address(Path::new("/unused")),
        Address::Tls {
            host: "bigbox".into(),
            port: 7603
        }
    );
}

#[test]
fn tls_ipv6_in_brackets_colon_n() {
    assert_eq!(
        parse("tls:[::1]:2"),
        DisplayName::Tls {
            host: "::1".into(),
            number: 2
        }
    );
}

#[test]
fn tls_without_a_host_or_port_is_refused() {
    for s in ["tls:", "tls:3", "tls::3", "tls:host:", "tls:host:60000"] {
        match DisplayName::parse(s) {
            Err(e) => assert_eq!(e.display, s),
            other => panic!("{s:?} parsed as {other:?}"),
        }
    }
}

#[test]
fn unix_path() {
    let d = parse("unix:/x/display-7");
    assert_eq!(
        d,
        DisplayName::UnixPath {
            path: "/x/display-7".into(),
            number: Some(7)
        }
    );
    assert_eq!(
        d.address(Path::new("/unused")),
        Address::Unix("/x/display-7".into())
    );
    assert_eq!(parse("unix:/run/sock").number(), None);
    assert_eq!(parse("unix:/x/display-7x").number(), None);
}

#[test]
fn bad_names_are_refused_with_the_name() {
    for s in [
        "",
        "3",
        ":",
        ":x",
        ":-1",
        ":+1",
        ":3.0",
        "host:",
        "a:b",
        "unix:",
        ":70000",
        "host:60000",
        "[::1:3",
        "ho st:1",
        "[]:1",
    ] {
        match DisplayName::parse(s) {
            Err(e) => {
                assert_eq!(e.display, s);
                assert!(e.to_string().starts_with("bad display name `"), "{e}");
            }
            other => panic!("{s:?} parsed as {other:?}"),
        }
    }
}

#[test]
fn ports_are_the_bases_plus_n() {
    use yonder_address::name::{tcp_port, tls_port};
    assert_eq!(tcp_port(0), Some(7100));
    assert_eq!(tls_port(3), Some(7603));
    assert_eq!(tcp_port(58435), Some(65535));
    assert_eq!(tcp_port(58436), None);
    assert_eq!(tls_port(70000), None);
}
