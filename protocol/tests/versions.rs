//! The version marks of protocol.md's tables and the crate's version rules agree
//! (§5.3): each event-mask bit of §8.3 is defined from the version its row names, and
//! each image format of §8.4 likewise, as `EventMask::defined_in` and
//! `ImageFormat::since_minor` say.

use yonder_protocol::request::ImageFormat;
use yonder_protocol::{EventMask, PROTOCOL_MINOR};

const SPEC: &str = include_str!("../../protocol.md");

/// The minor version in a "(1.N" mark of `text`, else 0 (the base protocol).
fn since(text: &str) -> u16 {
    text.find("(1.")
        .and_then(|i| text[i + 3..].split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The rows of the table after the line `**heading**` (to the first blank line after it).
fn rows_after(heading: &str) -> Vec<Vec<String>> {
    let at = SPEC.find(heading).expect("the heading is in protocol.md");
    SPEC[at..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn event_mask_bits_are_defined_from_the_version_protocol_md_names() {
    let rows = rows_after("**EventMask** (`u32`)");
    assert!(rows.len() >= 15, "{} rows", rows.len());
    for minor in 0..=PROTOCOL_MINOR {
        let mut spec = 0u32;
        for r in &rows {
            let bit: u32 = r[0].parse().expect("a bit number");
            if since(&r[3]) <= minor {
                spec |= 1 << bit;
            }
        }
        assert_eq!(
            EventMask::defined_in(minor).0,
            spec,
            "version 1.{minor}: defined_in against §8.3"
        );
    }
}

#[test]
fn image_formats_are_of_the_version_protocol_md_names() {
    let row = SPEC
        .lines()
        .find(|l| l.starts_with("| `ImageFormat` |"))
        .expect("§8.4's ImageFormat row");
    let formats = [
        ImageFormat::Bgrx,
        ImageFormat::Rgba,
        ImageFormat::Png,
        ImageFormat::Jpeg,
        ImageFormat::Qoi,
        ImageFormat::Rgbx,
    ];
    for f in formats {
        let name = format!("{} `{f:?}`", f as u8);
        let at = row.find(&name).unwrap_or_else(|| panic!("{name} in {row}"));
        // The mark, if any, follows the name before the next value.
        let rest = &row[at + name.len()..];
        let own = rest.split(", ").next().unwrap_or("");
        let own = own.split(" (§").next().unwrap_or("");
        assert_eq!(f.since_minor(), since(own), "{name}");
    }
}

#[test]
fn the_version_marks_are_read_as_meant() {
    assert_eq!(since("Scroll (1.1; Yonder's own bit"), 1);
    assert_eq!(since("KeyPress"), 0);
    assert_eq!(since("(1.12)"), 12);
}

#[test]
fn an_rgbx_put_goes_to_an_older_server_as_the_same_opaque_rgba_picture() {
    use yonder_protocol::request::PutImage;
    use yonder_protocol::{Drawable, GcId, Point, Request};
    let put = |format, data: &[u8]| {
        Request::PutImage(PutImage {
            drawable: Drawable(7),
            gc: GcId(9),
            dst: Point::new(1, 2),
            width: 2,
            height: 1,
            format,
            data: data.to_vec(),
        })
    };
    let rgbx = put(ImageFormat::Rgbx, &[10, 20, 30, 0, 40, 50, 60, 7]);
    let as_rgba = put(ImageFormat::Rgba, &[10, 20, 30, 255, 40, 50, 60, 255]);
    for minor in 0..ImageFormat::Rgbx.since_minor() {
        assert_eq!(rgbx.for_minor(minor), Some(as_rgba.clone()), "1.{minor}");
    }
    assert_eq!(rgbx.for_minor(12), None);
    assert_eq!(rgbx.for_minor(PROTOCOL_MINOR), None);
    // Other formats go to any server as they are.
    assert_eq!(
        put(ImageFormat::Rgba, &[1, 2, 3, 4, 5, 6, 7, 8]).for_minor(3),
        None
    );
    let opcode = yonder_protocol::request::PutImage::OPCODE;
    assert!(Request::may_hold_later_fields(opcode));
}
