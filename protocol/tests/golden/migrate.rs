//! Goldens of live migration (1.6, protocol.md §5.5): the hello with a token, the three
//! requests, the token's reply and the two events. In the example, `yonder-move`
//! (client 3 of the display the app is on, with the trusted cookie) moves the example
//! client `hello` (client 2) to `tls:192.0.2.7:3`.

use super::session::*;
use super::{Golden, Msg};
use yonder_protocol::event::*;
use yonder_protocol::reply::*;
use yonder_protocol::request::*;
use yonder_protocol::*;

/// The token display 3 granted.
pub(crate) fn token() -> Vec<u8> {
    hex::decode("7e57ab1e0ddba11c0ffee15900d5eed5").unwrap()
}

/// Every migration message.
pub(crate) fn messages() -> Vec<Golden> {
    vec![
        g(
            "Hello with a migration token",
            Msg::Hello(Hello {
                protocol: PROTOCOL_NAME.into(),
                major: PROTOCOL_MAJOR,
                minor: PROTOCOL_MINOR,
                cookie: Vec::new(),
                app_name: "hello".into(),
                id_space: SPACE,
                resume: Some(Resume {
                    secret: Vec::new(),
                    oldest: 4_294_967_608,
                    next_seq: 4_294_967_608,
                }),
                token: Some(token()),
            }),
            "3e00000098a6796f6e646572010cc400a568656c6c6fce5eed000193c400cf0000000100000138cf0000000100000138c4107e57ab1e0ddba11c0ffee15900d5eed5",
        ),
        g(
            "GrantMove",
            req(Request::GrantMove(GrantMove {
                app_name: "hello".into(),
            })),
            "09000000921991a568656c6c6f",
        ),
        g(
            "MoveClient",
            req(Request::MoveClient(MoveClient {
                client: ClientId(2),
                to: "tls:192.0.2.7:3".into(),
                token: token(),
            })),
            "26000000921a9302af746c733a3139322e302e322e373a33c4107e57ab1e0ddba11c0ffee15900d5eed5",
        ),
        g(
            "MoveDone",
            req(Request::MoveDone(MoveDone {
                moved: false,
                reason: "tls:192.0.2.7:3: connection refused".into(),
            })),
            "29000000921b92c2d923746c733a3139322e302e322e373a333a20636f6e6e656374696f6e2072656675736564",
        ),
        g(
            "MoveToken reply",
            reply(
                7,
                Reply::MoveToken(MoveTokenReply {
                    token: token(),
                    expires_ms: 30_000,
                }),
            ),
            "1b000000930007921992c4107e57ab1e0ddba11c0ffee15900d5eed5cd7530",
        ),
        g(
            "MoveRequest event",
            event(
                312,
                Event::MoveRequest(MoveRequestEvent {
                    root: WindowId::ROOT,
                    to: "tls:192.0.2.7:3".into(),
                    token: token(),
                    mover: ClientId(3),
                }),
                false,
            ),
            "2d0000009401cd013892359401af746c733a3139322e302e322e373a33c4107e57ab1e0ddba11c0ffee15900d5eed503c2",
        ),
        g(
            "MoveOutcome event",
            event(
                9,
                Event::MoveOutcome(MoveOutcomeEvent {
                    root: WindowId::ROOT,
                    client: ClientId(2),
                    moved: true,
                    reason: String::new(),
                }),
                false,
            ),
            "0b0000009401099236940102c3a0c2",
        ),
    ]
}
