//! Goldens of the handshake: the hello and both setup responses.

use super::session::*;
use super::{Golden, Msg};
use yonder_protocol::*;

/// The hello, the accepted setup, and refusals.
pub(crate) fn messages() -> Vec<Golden> {
    vec![
        // --- Handshake ----------------------------------------------------------------------
        g(
            "Hello",
            Msg::Hello(Hello {
                protocol: PROTOCOL_NAME.into(),
                major: PROTOCOL_MAJOR,
                minor: PROTOCOL_MINOR,
                cookie: hex::decode("00112233445566778899aabbccddeeff").unwrap(),
                app_name: "hello".into(),
                id_space: SPACE,
                resume: None,
                token: None,
            }),
            "2700000096a6796f6e646572010cc41000112233445566778899aabbccddeeffa568656c6c6fce5eed0001",
        ),
        g(
            "Hello resuming",
            Msg::Hello(Hello {
                protocol: PROTOCOL_NAME.into(),
                major: PROTOCOL_MAJOR,
                minor: PROTOCOL_MINOR,
                cookie: hex::decode("00112233445566778899aabbccddeeff").unwrap(),
                app_name: "hello".into(),
                id_space: SPACE,
                resume: Some(Resume {
                    secret: hex::decode("a1b2c3d4e5f60718293a4b5c6d7e8f90").unwrap(),
                    oldest: 300,
                    next_seq: 312,
                }),
                token: None,
            }),
            "4000000097a6796f6e646572010cc41000112233445566778899aabbccddeeffa568656c6c6fce5eed000193c410a1b2c3d4e5f60718293a4b5c6d7e8f90cd012ccd0138",
        ),
        g(
            "SetupResponse Accepted",
            Msg::Setup(SetupResponse::Accepted(setup())),
            "ff01000092009b010cb3796f6e6465722d73657276657220302e312e3002ce5eed0001919801cd0500cd0320cd0152ccd3cb3ff0000000000000952018ce00ff0000cdff00ccffceff2e344093ce01000000cd4000ce0200000090dc001892a75052494d4152590192a95345434f4e444152590292a9434c4950424f4152440392a441544f4d0492a843415244494e414c0592a7494e54454745520692a6535452494e470792ab555446385f535452494e470892a657494e444f570992a65049584d41500a92a7574d5f4e414d450b92a8574d5f434c4153530c92ac574d5f50524f544f434f4c530d92b0574d5f44454c4554455f57494e444f570e92b0574d5f5452414e5349454e545f464f520f92ac5f4e45545f574d5f4e414d451092ab5f4e45545f574d5f5049441192a7544152474554531292aa594f4e4445525f444e441392b8746578742f706c61696e3b636861727365743d7574662d381492a9696d6167652f706e671592ad746578742f7572692d6c6973741692ad5f594f4e4445525f454d4245441792b15f594f4e4445525f504152545f444154411893c410a1b2c3d4e5f60718293a4b5c6d7e8f90c200939300ab44656a6156752053616e73cfce252980ec1255ff9301b044656a6156752053616e7320426f6c64cf97ab1e0fe396b7599302b044656a6156752053616e73204d6f6e6fcfa03378ea050e599b",
        ),
        g(
            "SetupResponse Refused",
            Msg::Setup(SetupResponse::Refused(Refusal {
                reason: "wrong cookie for display :3".into(),
            })),
            "1f000000920191bb77726f6e6720636f6f6b696520666f7220646973706c6179203a33",
        ),
        g(
            "SetupResponse Refused on the TLS port",
            Msg::Setup(SetupResponse::Refused(Refusal {
                reason: "this port speaks TLS: connect with tls:192.0.2.7:3".into(),
            })),
            "37000000920191d9327468697320706f727420737065616b7320544c533a20636f6e6e656374207769746820746c733a3139322e302e322e373a33",
        ),
    ]
}
