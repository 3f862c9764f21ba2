//! The web viewer's ways in, for the `web_input` fuzz target and its regression replay
//! (`tests/fuzz_web_regressions.rs`): arbitrary bytes as an HTTP request head judged by
//! `net::web_head::judge`, and as a page's WebSocket message parsed by
//! `net::web_input::parse` and turned into input. None may panic, and what they give must
//! hold together: a head's length within the bytes, an accept key only for `/ws`,
//! pointer positions on the screen, bounded input per message.

use yonder_server::command::InputEvent;
use yonder_server::input::Wheel;
use yonder_server::net::web_head::{self, Route, Site};
use yonder_server::net::web_input::{self, MAX_TEXT_CHARS};

/// The first byte picks the way in; the rest is the input.
pub fn run(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    match pick % 2 {
        0 => head(rest),
        _ => message(rest),
    }
}

fn head(bytes: &[u8]) {
    for secure in [false, true] {
        let site = Site {
            hosts: vec![
                "127.0.0.1:8100".into(),
                "localhost:8100".into(),
                "example.com".into(),
            ],
            secure,
            tls_hosts: vec!["example.com".into()],
        };
        match web_head::judge(bytes, &site) {
            Ok(Some((route, len))) => {
                assert!(len <= bytes.len() && len <= web_head::MAX_HEAD);
                if let Route::Socket { accept } = route {
                    assert_eq!(accept.len(), 28, "a SHA-1 in base64");
                }
            }
            Ok(None) => assert!(bytes.len() < web_head::MAX_HEAD),
            Err(r) => {
                assert!((400..600).contains(&r.status));
                let answer = web_head::refusal(&r);
                assert!(answer.starts_with(b"HTTP/1.1 "));
            }
        }
    }
}

fn message(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let Ok(msg) = web_input::parse(&text) else {
        return;
    };
    if let web_input::PageMessage::Clip { data, .. } | web_input::PageMessage::Drop { data, .. } =
        &msg
    {
        if let Ok(bytes) = web_input::chunk_bytes(data) {
            assert!(bytes.len() <= web_input::MAX_CHUNK / 4 * 3);
        }
    }
    let mut wheel = Wheel::default();
    for screen in [(1, 1), (1280, 800), (16384, 16384)] {
        let events = web_input::input(&msg, screen, &mut wheel);
        assert!(events.len() <= 2 * MAX_TEXT_CHARS + 1 + 2 * 2 * 64);
        for e in events {
            if let InputEvent::Motion(p) = e {
                assert!(p.x >= 0 && p.y >= 0);
                assert!((p.x as u32) < screen.0 && (p.y as u32) < screen.1);
            }
        }
    }
}
