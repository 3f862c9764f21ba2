//! The pinned identity of a TLS display: the SHA-256 fingerprint of its server's
//! certificate (protocol.md §2.2). A `tls:HOST:N` connection is made only to a server
//! whose certificate has exactly this fingerprint (there is no certificate authority and
//! no host name check), so the fingerprint must reach the client by a channel the user
//! trusts: the line `yonder-server --print-cookie` prints on the server's machine
//! (`HOST:N HEX32 sha256=HEX64`), or `YONDER_FINGERPRINT`.
//!
//! Written as `sha256=` and 64 lowercase hex digits; read with or without the `sha256=`
//! prefix, in any case, with or without `:` between the bytes (as `openssl x509
//! -fingerprint -sha256` prints it).

use std::fmt;

/// The prefix of a fingerprint field in a cookie-file line.
pub const FINGERPRINT_PREFIX: &str = "sha256=";

/// The SHA-256 digest of a certificate (its DER bytes).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    /// The fingerprint of a certificate given as DER bytes.
    pub fn of_certificate(der: &[u8]) -> Fingerprint {
        let digest = ring::digest::digest(&ring::digest::SHA256, der);
        let mut out = [0u8; 32];
        out.copy_from_slice(digest.as_ref());
        Fingerprint(out)
    }

    /// Parses `sha256=HEX64`, `HEX64` or `AB:CD:...` (32 bytes, either case). The error
    /// says what is wrong, for a message to the user.
    pub fn parse(s: &str) -> Result<Fingerprint, String> {
        let s = s.trim();
        let hex_part = s
            .strip_prefix(FINGERPRINT_PREFIX)
            .or_else(|| s.strip_prefix("SHA256="))
            .unwrap_or(s);
        let digits: String = hex_part.chars().filter(|c| *c != ':').collect();
        if digits.len() != 64 {
            return Err(format!(
                "a SHA-256 fingerprint has 64 hex digits, not {} (`{s}`)",
                digits.len()
            ));
        }
        let bytes = crate::hex::decode(&digits)
            .ok_or_else(|| format!("a SHA-256 fingerprint is hex digits only (`{s}`)"))?;
        let mut out = [0u8; 32];
        out.copy_from_slice(&bytes);
        Ok(Fingerprint(out))
    }
}

impl fmt::Display for Fingerprint {
    /// `sha256=` and 64 lowercase hex digits, as in a cookie-file line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{FINGERPRINT_PREFIX}{}", crate::hex::encode(&self.0))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::str::FromStr for Fingerprint {
    type Err = String;
    fn from_str(s: &str) -> Result<Fingerprint, String> {
        Fingerprint::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    #[test]
    fn parses_every_spelling() {
        let want = Fingerprint::parse(HEX).unwrap();
        assert_eq!(want.0[1], 0x11);
        assert_eq!(want.0[31], 0xff);
        for s in [
            format!("sha256={HEX}"),
            format!("SHA256={}", HEX.to_uppercase()),
            format!("  {HEX}\n"),
            want.0
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect::<Vec<_>>()
                .join(":"),
        ] {
            assert_eq!(Fingerprint::parse(&s), Ok(want), "{s:?}");
        }
        assert_eq!(want.to_string(), format!("sha256={HEX}"));
        assert_eq!(want.to_string().parse::<Fingerprint>(), Ok(want));
    }

    #[test]
    fn is_written_as_the_cookie_file_field() {
        // What the server writes on a display's line (was display-server's
        // `tls::fingerprint_field`).
        assert_eq!(
            Fingerprint([0xab; 32]).to_string(),
            format!("sha256={}", "ab".repeat(32))
        );
    }

    #[test]
    fn rejects_wrong_lengths_and_non_hex() {
        for s in [
            "",
            "sha256=",
            &HEX[..62],
            &format!("{HEX}00"),
            &format!("sha256={}zz", &HEX[..62]),
            "md5=00112233445566778899aabbccddeeff",
        ] {
            let err = Fingerprint::parse(s).unwrap_err();
            assert!(err.contains("fingerprint"), "{s:?}: {err}");
        }
    }

    #[test]
    fn fingerprint_is_sha256_of_the_der() {
        // SHA-256 of the empty string.
        assert_eq!(
            Fingerprint::of_certificate(b"").to_string(),
            "sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
