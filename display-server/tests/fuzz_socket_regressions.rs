//! Replays every input kept for the `socket_frames` fuzz target (files under
//! `tests/fuzz_regressions/socket_frames/`: crashes it found and a few seeds) through the
//! same logic ([`fuzz_socket`], shared with the target), and a few hand-made inputs, so
//! the reader's framing is checked without cargo-fuzz or a nightly toolchain.

mod fuzz_socket;

use fuzz_socket::{check, HelloKind, Input, Limit, Piece, Template};
use yonder_protocol::request::NoOperation;
use yonder_test_support::regressions;

#[test]
fn socket_frames_regressions() {
    let dir = regressions::dir(env!("CARGO_MANIFEST_DIR"), "socket_frames");
    regressions::replay(&dir, |data| {
        fuzz_socket::run(data);
    });
}

/// Every kind of piece, valid and not, with descriptors.
fn mixed(unix: bool, reads: Vec<u16>, tail: Vec<Piece>) -> Input {
    let mut pieces = vec![
        Piece::Request(Template::Sync),
        Piece::ShmAttach(3, 4096, true),
        Piece::Request(Template::FillPoly(5)),
        Piece::Request(Template::GetImage(u32::MAX, u32::MAX)),
        Piece::Big(20),
        Piece::ShmAttach(4, 1, true),
        Piece::Request(Template::PutImage(3)),
        Piece::Body(vec![0x92, 0x7f, 0x90]),
    ];
    pieces.extend(tail);
    Input {
        unix,
        limit: Limit::Default,
        hello: HelloKind::Valid(u16::MAX),
        pieces,
        reads,
    }
}

#[test]
fn frames_split_anywhere_decode_the_same() {
    for unix in [false, true] {
        // One byte at a time (the plain path only: 80 KiB of sends would be slow), odd
        // sizes, and everything at once.
        if !unix {
            check(&mixed(unix, vec![], vec![]));
        }
        check(&mixed(unix, vec![7, 1, 300, 2], vec![]));
        check(&mixed(unix, vec![u16::MAX], vec![]));
    }
}

#[test]
fn no_operations_are_counted_in_runs_in_the_versions_that_have_them() {
    let noop = || Piece::Body(NoOperation::BODY.to_vec());
    for unix in [false, true] {
        for minor in [8, yonder_protocol::PROTOCOL_MINOR] {
            for reads in [vec![1, 2, 5], vec![u16::MAX]] {
                let mut pieces = vec![noop(), noop(), noop(), Piece::Request(Template::Sync)];
                pieces.extend([noop(), Piece::Request(Template::FillPoly(2)), noop()]);
                // The same request in another encoding (the opcode as a uint 8), which the
                // reader does not count: decoded.
                pieces.extend([Piece::Body(vec![0x92, 0xcc, 28, 0x90]), noop()]);
                let whole = reads == [u16::MAX] && !unix;
                let outcome = check(&Input {
                    unix,
                    limit: Limit::Default,
                    hello: HelloKind::Valid(minor),
                    pieces,
                    reads,
                });
                // Read at once, each run is one entry of its batch; a 1.8 connection's
                // are requests of a later version, left to the state thread.
                if minor < 9 {
                    assert!(outcome.runs.is_empty(), "{:?}", outcome.runs);
                } else if whole {
                    assert_eq!(outcome.runs, [3, 1, 1, 1]);
                }
            }
        }
    }
}

#[test]
fn bad_frames_end_the_connection_with_their_error() {
    for unix in [false, true] {
        // Undecodable, then oversized, then a short frame at the end.
        check(&mixed(unix, vec![3], vec![Piece::Body(vec![0xc1])]));
        check(&mixed(
            unix,
            vec![5],
            vec![Piece::Header(u32::MAX, vec![1, 2])],
        ));
        check(&mixed(unix, vec![5], vec![Piece::Header(9, vec![1, 2])]));
        let mut tiny = mixed(unix, vec![2], vec![]);
        tiny.limit = Limit::Tiny;
        check(&tiny);
    }
}

#[test]
fn bad_hellos_are_refused() {
    for unix in [false, true] {
        for hello in [
            HelloKind::WrongCookie,
            HelloKind::Raw(vec![]),
            HelloKind::Raw(vec![0xff, 0xff, 0xff, 0x7f]),
            HelloKind::Raw(vec![1, 0, 0, 0, 0xc0]),
        ] {
            let mut input = mixed(unix, vec![1], vec![]);
            input.hello = hello;
            check(&input);
        }
    }
}

#[test]
fn stray_descriptors_are_handed_out_in_order_or_refused() {
    // Strays shift the pairing (a client's own fault) but keep the order; past the
    // limit of pending descriptors the connection ends.
    check(&mixed(
        true,
        vec![4],
        vec![Piece::StrayFd, Piece::ShmAttach(9, 9, false)],
    ));
    let mut many: Vec<Piece> = (0..12).map(|_| Piece::StrayFd).collect();
    many.push(Piece::Request(Template::Sync));
    check(&mixed(true, vec![1], many));
    let mut spread = Vec::new();
    for _ in 0..12 {
        spread.push(Piece::StrayFd);
        spread.push(Piece::Request(Template::Sync));
    }
    check(&mixed(true, vec![3], spread));
}
