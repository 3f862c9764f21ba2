//! The faces: which fonts there are, their data (embedded from the `dejavu` crate), the
//! parsed font (once per process), and a digest of the data.

use fontdue::{Font, FontSettings};
use std::sync::OnceLock;

/// A font face. The numbers are the faces' numbers everywhere (the server's table of
/// faces lists them in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Face {
    /// DejaVu Sans: the text of labels, menus and documents (the default).
    #[default]
    Sans = 0,
    /// DejaVu Sans Bold: headings and emphasis.
    SansBold = 1,
    /// DejaVu Sans Mono: code and terminals, every character one width.
    Mono = 2,
}

impl Face {
    /// Every face, by number.
    pub const ALL: [Face; 3] = [Face::Sans, Face::SansBold, Face::Mono];

    /// The face with number `n`.
    pub fn from_number(n: u8) -> Option<Face> {
        Face::ALL.get(usize::from(n)).copied()
    }

    /// The face's number.
    pub fn number(self) -> u8 {
        self as u8
    }

    /// The face's name, as its font names itself.
    pub fn name(self) -> &'static str {
        match self {
            Face::Sans => "DejaVu Sans",
            Face::SansBold => "DejaVu Sans Bold",
            Face::Mono => "DejaVu Sans Mono",
        }
    }

    /// The font file's bytes (TrueType).
    pub fn data(self) -> &'static [u8] {
        match self {
            Face::Sans => dejavu::sans::regular(),
            Face::SansBold => dejavu::sans::bold(),
            Face::Mono => dejavu::sans_mono::regular(),
        }
    }

    /// A digest of the font's bytes (64-bit FNV-1a): equal digests, the same font. Not a
    /// defence against forgery, only against two honest programs with different fonts.
    pub fn digest(self) -> u64 {
        static DIGESTS: [OnceLock<u64>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        *DIGESTS[self as usize].get_or_init(|| fnv1a(self.data()))
    }

    /// The parsed font, parsed at the first call (tens of milliseconds: fontdue reads
    /// every outline up front) and kept for the process's life. `None` only if the
    /// embedded data fails to parse.
    pub fn font(self) -> Option<&'static Font> {
        static FONTS: [OnceLock<Option<Font>>; 3] =
            [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        FONTS[self as usize]
            .get_or_init(|| Font::from_bytes(self.data(), FontSettings::default()).ok())
            .as_ref()
    }
}

/// 64-bit FNV-1a.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_face_parses_and_has_its_own_digest() {
        let digests: Vec<u64> = Face::ALL.iter().map(|f| f.digest()).collect();
        for (i, f) in Face::ALL.iter().enumerate() {
            assert!(f.font().is_some(), "{} does not parse", f.name());
            assert_eq!(Face::from_number(f.number()), Some(*f));
            assert!(!digests[..i].contains(&digests[i]), "two faces, one digest");
        }
        assert_eq!(Face::from_number(3), None);
        // DejaVu 2.37's files, as protocol.md's Setup example lists them.
        assert_eq!(Face::Sans.digest(), 0xce25_2980_ec12_55ff);
        assert_eq!(Face::SansBold.digest(), 0x97ab_1e0f_e396_b759);
        assert_eq!(Face::Mono.digest(), 0xa033_78ea_050e_599b);
        // FNV-1a's published test vector.
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
