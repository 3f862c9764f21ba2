//! Random 128-bit secrets and their comparison in constant time: what a display's
//! cookies (`auth`) and a client's session secret (protocol.md §5.4, `state`) are made
//! and checked with.

/// 16 random bytes from the operating system.
pub fn random_128() -> std::io::Result<[u8; 16]> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(b)
}

/// Whether `a` and `b` are equal, in time independent of where they differ (only of
/// their lengths).
pub fn equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_compares_contents_and_lengths() {
        assert!(equal(&[7; 16], &[7; 16]));
        assert!(!equal(&[7; 15], &[7; 16]));
        assert!(!equal(&[8; 16], &[7; 16]));
        assert!(!equal(&[], &[0]));
    }

    #[test]
    fn random_secrets_differ() {
        assert_ne!(random_128().unwrap(), random_128().unwrap());
    }
}
