//! Lossless compression of raw images for slow links: QOI (protocol.md §15.2), used by
//! the image puts (`images`) and by the journal's replay of pixmap contents over the
//! network (`journal`), when it pays.

use yonder_protocol::request::ImageFormat;

/// QOI of a raw image, if that is at least 1/8 smaller.
pub(crate) fn qoi(format: ImageFormat, width: u32, height: u32, data: &[u8]) -> Option<Vec<u8>> {
    let encoded = match format {
        ImageFormat::Bgrx | ImageFormat::Rgbx => {
            let order = match format {
                ImageFormat::Bgrx => [2, 1, 0],
                _ => [0, 1, 2],
            };
            let mut rgb = Vec::with_capacity(data.len() / 4 * 3);
            for p in data.chunks_exact(4) {
                rgb.extend_from_slice(&order.map(|i| p[i]));
            }
            qoi::encode_to_vec(&rgb, width, height)
        }
        ImageFormat::Rgba => qoi::encode_to_vec(data, width, height),
        _ => return None,
    }
    .ok()?;
    (encoded.len() < data.len() - data.len() / 8).then_some(encoded)
}
