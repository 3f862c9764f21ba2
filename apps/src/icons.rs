//! File icons: what kind a file is ([`Kind::of`]) and a drawn 48×48 RGBA picture of each
//! kind ([`Kind::icon`]), or a thumbnail of an image file ([`thumbnail`]). The pictures are
//! made on the client, so the same pixels serve the file browser's grid and a drag icon.

use image::{Rgba, RgbaImage};
use std::path::Path;
use yonder_toolkit::pixels::{load, scale_to_fit};

/// Side of an icon.
pub const ICON: u32 = 48;

/// Image files larger than this get the plain image icon, not a thumbnail.
const MAX_THUMBNAIL_SOURCE: u64 = 16 << 20;

/// What a directory entry is, as far as its icon goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A directory.
    Folder,
    /// A picture (by its name's extension).
    Image,
    /// Text (by extension, or UTF-8 content without an extension).
    Text,
    /// Anything else.
    Other,
}

/// Extensions of pictures.
const IMAGE_EXT: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "bmp", "webp", "svg", "tif", "tiff",
];
/// Extensions of text.
const TEXT_EXT: &[&str] = &[
    "txt", "md", "rs", "toml", "json", "c", "h", "cpp", "py", "sh", "html", "css", "js", "csv",
    "log", "yaml", "yml", "xml", "ini", "cfg", "conf", "tex", "org", "rst",
];

impl Kind {
    /// The kind of the entry at `path` (a directory, or a file judged by its extension;
    /// a file without one is text when its first KiB is UTF-8 without NULs).
    pub fn of(path: &Path) -> Kind {
        if path.is_dir() {
            return Kind::Folder;
        }
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some(e) if IMAGE_EXT.contains(&e) => Kind::Image,
            Some(e) if TEXT_EXT.contains(&e) => Kind::Text,
            Some(_) => Kind::Other,
            None if looks_like_text(path) => Kind::Text,
            None => Kind::Other,
        }
    }

    /// The kind's drawn icon, `ICON` pixels a side, transparent around the drawing.
    pub fn icon(self) -> RgbaImage {
        let mut img = RgbaImage::new(ICON, ICON);
        match self {
            Kind::Folder => {
                rect(&mut img, 4, 8, 18, 8, 0xd99a2b);
                rect(&mut img, 4, 12, 40, 30, 0xd99a2b);
                rect(&mut img, 5, 16, 38, 25, 0xf4c04e);
            }
            Kind::Image => {
                page(&mut img, 0xffffff);
                rect(&mut img, 11, 12, 24, 24, 0x8ecae6);
                disc(&mut img, 28, 18, 4, 0xffd166);
                for x in 11..35 {
                    let hill = 28 - ((x as i32 - 20).abs() / 2);
                    rect(&mut img, x, hill as u32, 1, (36 - hill) as u32, 0x43a047);
                }
            }
            Kind::Text => {
                page(&mut img, 0xffffff);
                for (i, w) in [22, 18, 22, 14, 20, 10].iter().enumerate() {
                    rect(&mut img, 12, 14 + 5 * i as u32, *w, 2, 0x8c8fa1);
                }
            }
            Kind::Other => {
                page(&mut img, 0xdce0e8);
                rect(&mut img, 16, 22, 16, 10, 0x9ca0b0);
            }
        }
        img
    }
}

/// Whether the file's first KiB is UTF-8 (allowing a character cut at the end) without NULs.
fn looks_like_text(path: &Path) -> bool {
    use std::io::Read;
    let mut buf = [0u8; 1024];
    let Ok(n) = std::fs::File::open(path).and_then(|mut f| f.read(&mut buf)) else {
        return false;
    };
    let head = &buf[..n];
    if n == 0 || head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && n - e.valid_up_to() < 4,
    }
}

/// A thumbnail of the PNG or JPEG file at `path`: the picture shrunk into an `ICON`-sided
/// square, centered, with a thin frame. `None` when the file is too big or unreadable.
pub fn thumbnail(path: &Path) -> Option<RgbaImage> {
    if std::fs::metadata(path).ok()?.len() > MAX_THUMBNAIL_SOURCE {
        return None;
    }
    let pic = scale_to_fit(load(path).ok()?, ICON - 4, ICON - 4);
    let mut img = RgbaImage::new(ICON, ICON);
    let (x, y) = ((ICON - pic.width()) / 2, (ICON - pic.height()) / 2);
    rect(
        &mut img,
        x - 1,
        y - 1,
        pic.width() + 2,
        pic.height() + 2,
        0x7c7f93,
    );
    image::imageops::overlay(&mut img, &pic, x as i64, y as i64);
    Some(img)
}

/// A sheet of paper with a folded corner.
fn page(img: &mut RgbaImage, rgb: u32) {
    rect(img, 8, 3, 32, 42, 0x7c7f93);
    rect(img, 9, 4, 30, 40, rgb);
    for i in 0..8 {
        // The fold: the corner cut off, and its back in a darker shade.
        rect(img, 39 - 8 + i, 3, 8 - i, 1, 0);
        rect(img, 39 - 8 + i, 3 + i, 1, 8 - i, 0xb0b4c4);
    }
}

fn put(img: &mut RgbaImage, x: u32, y: u32, rgb: u32) {
    if x < img.width() && y < img.height() {
        let [_, r, g, b] = rgb.to_be_bytes();
        // Color 0 clears to transparent (for cut-outs).
        let a = if rgb == 0 { 0 } else { 255 };
        img.put_pixel(x, y, Rgba([r, g, b, a]));
    }
}

fn rect(img: &mut RgbaImage, x: u32, y: u32, w: u32, h: u32, rgb: u32) {
    for yy in y..y + h {
        for xx in x..x + w {
            put(img, xx, yy, rgb);
        }
    }
}

fn disc(img: &mut RgbaImage, cx: u32, cy: u32, r: u32, rgb: u32) {
    let r2 = (r * r) as i64;
    for y in cy.saturating_sub(r)..=cy + r {
        for x in cx.saturating_sub(r)..=cx + r {
            let (dx, dy) = (x as i64 - cx as i64, y as i64 - cy as i64);
            if dx * dx + dy * dy <= r2 {
                put(img, x, y, rgb);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_name_and_content() {
        let d = tempfile::tempdir().unwrap();
        let p = |n: &str| d.path().join(n);
        std::fs::write(p("a.PNG"), b"").unwrap();
        std::fs::write(p("b.rs"), b"").unwrap();
        std::fs::write(p("c.bin"), b"").unwrap();
        std::fs::write(p("README"), "plain words").unwrap();
        std::fs::write(p("blob"), [0u8, 1, 2]).unwrap();
        std::fs::create_dir(p("dir.png")).unwrap();
        assert_eq!(Kind::of(&p("a.PNG")), Kind::Image);
        assert_eq!(Kind::of(&p("b.rs")), Kind::Text);
        assert_eq!(Kind::of(&p("c.bin")), Kind::Other);
        assert_eq!(Kind::of(&p("README")), Kind::Text);
        assert_eq!(Kind::of(&p("blob")), Kind::Other);
        assert_eq!(Kind::of(&p("dir.png")), Kind::Folder);
    }

    #[test]
    fn icons_differ_and_have_transparent_margins() {
        let all = [Kind::Folder, Kind::Image, Kind::Text, Kind::Other].map(Kind::icon);
        for (i, a) in all.iter().enumerate() {
            assert_eq!(a.dimensions(), (ICON, ICON));
            assert_eq!(a.get_pixel(0, 0).0[3], 0, "corner of icon {i}");
            for b in &all[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn thumbnails_shrink_pictures() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("red.png");
        RgbaImage::from_pixel(200, 100, Rgba([255, 0, 0, 255]))
            .save(&f)
            .unwrap();
        let t = thumbnail(&f).expect("a thumbnail");
        assert_eq!(t.dimensions(), (ICON, ICON));
        assert_eq!(t.get_pixel(ICON / 2, ICON / 2).0, [255, 0, 0, 255]);
        assert_eq!(t.get_pixel(ICON / 2, 2).0[3], 0, "above the wide picture");
        assert!(thumbnail(&d.path().join("missing.png")).is_none());
    }
}
