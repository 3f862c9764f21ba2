//! Replays every input kept for the `client_messages` fuzz target (files under
//! `tests/fuzz_regressions/client_messages/`: crashes it found and a few seeds) through
//! the same logic ([`client_messages`], shared with the target), and a few hand-made
//! hostile servers, so the library's handling of a server's bytes is checked without
//! cargo-fuzz or a nightly toolchain.

#[path = "fuzz_logic/client_messages.rs"]
mod client_messages;

use client_messages::{check, Input, Msg, SeqRef, SetupKind, Step};
use yonder_test_support::regressions;

#[test]
fn client_messages_regressions() {
    let dir = regressions::dir(env!("CARGO_MANIFEST_DIR"), "client_messages");
    regressions::replay(&dir, client_messages::run);
}

/// The app's usual life: a few cookies, collected, dropped and checked, events polled.
fn app() -> Vec<Step> {
    vec![
        Step::GetGeometry,
        Step::Checked,
        Step::GetInputFocus,
        Step::AnyReply,
        Step::InternAtom,
        Step::DropAtOnce,
        Step::FireAndForget,
        Step::Poll,
        Step::Collect(0),
        Step::Collect(0),
        Step::Discard(1),
        Step::Collect(0),
        Step::Drop(0),
        Step::Wait,
    ]
}

#[test]
fn well_formed_answers_reach_their_cookies() {
    let near = SeqRef::Near;
    check(&Input {
        setup: SetupKind::Valid,
        server: vec![
            Msg::Event(near(0), 0, false),
            Msg::Reply(near(1), 1),
            Msg::Error(near(2), 1),
            Msg::Reply(near(3), 2),
            Msg::Reply(near(4), 2),
            Msg::Event(near(4), 1, true),
            Msg::Reply(near(5), 3),
        ],
        app: app(),
    });
}

#[test]
fn hostile_answers_are_errors_not_crashes() {
    let near = SeqRef::Near;
    let hostile = [
        // Replies of the wrong kind, for requests never sent, repeated, out of order.
        vec![
            Msg::Reply(near(1), 0),
            Msg::Reply(near(1), 1),
            Msg::Reply(SeqRef::Far(u64::MAX), 1),
            Msg::Error(near(0), 0),
            Msg::Reply(near(2), 4),
        ],
        vec![Msg::Reply(near(9), 1), Msg::Error(near(3), 2)],
        // Undecodable, patched, oversized, cut short.
        vec![Msg::Body(vec![0xc1])],
        vec![Msg::Patched(Box::new(Msg::Reply(near(1), 1)), 3, 0xff)],
        vec![Msg::Bytes(vec![0xff, 0xff, 0xff, 0xff, 0x93])],
        vec![Msg::Event(near(1), 2, false), Msg::Bytes(vec![9, 0, 0])],
    ];
    for server in hostile {
        check(&Input {
            setup: SetupKind::Valid,
            server,
            app: app(),
        });
    }
    for setup in [
        SetupKind::OtherIdSpace,
        SetupKind::Refused("go away".into()),
        SetupKind::Raw(vec![]),
        SetupKind::Raw(vec![0x92, 0, 0x90]),
    ] {
        check(&Input {
            setup,
            server: vec![Msg::Reply(near(1), 1)],
            app: app(),
        });
    }
}
