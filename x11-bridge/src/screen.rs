//! The private X server's screen size, kept equal to the Yonder screen's through RandR.
//!
//! Xvfb allocates its framebuffer once, at the size it starts with, and RandR can then
//! make its screen any size up to that. So the bridge starts it at [`capacity`] (at least
//! the Yonder screen, at least [`ROOM`]) and sets the size right away and at each of the
//! display's ScreenChange events: a mode of the new size on Xvfb's one output, its CRTC
//! set to that mode, the screen resized (made larger before the CRTC grows, smaller after
//! it shrinks). X programs get RandR's and ConfigureNotify's usual notes of it, and their
//! maximised windows and menus fit the display's screen.

use x11rb::connection::RequestConnection;
use x11rb::protocol::randr::{self, ConnectionExt as _};
use x11rb::protocol::xproto::{self, ConnectionExt as _};
use x11rb::rust_connection::RustConnection;
use yonder_protocol::Size;

/// The least the X server's framebuffer holds, so that the display's screen can grow
/// (a larger Yonder screen at the start gets a framebuffer of its size).
pub const ROOM: Size = Size::new(2560, 1600);

/// The framebuffer size to start Xvfb with for a Yonder screen of `yonder`: each side the
/// larger of the two, within X's 32767.
pub fn capacity(yonder: Size) -> Size {
    let side = |a: u32, b: u32| a.max(b).clamp(1, i16::MAX as u32);
    Size::new(
        side(yonder.width, ROOM.width),
        side(yonder.height, ROOM.height),
    )
}

/// The X screen's one output and CRTC, and the mode the bridge made for the current size.
pub struct XScreen {
    root: xproto::Window,
    output: randr::Output,
    crtc: randr::Crtc,
    /// The largest size the framebuffer holds.
    max: Size,
    /// The bridge's mode in use (none: Xvfb's own).
    mode: Option<randr::Mode>,
    /// Modes made so far (their names are numbered).
    made: u32,
    /// The screen's size now.
    pub size: Size,
}

impl XScreen {
    /// The screen of `root`, if the X server has RandR 1.2 and an output with a CRTC (Xvfb
    /// of X.Org 21 and later); none otherwise: the screen keeps its size.
    pub fn new(x: &RustConnection, root: xproto::Window) -> Option<XScreen> {
        x.extension_information(randr::X11_EXTENSION_NAME)
            .ok()
            .flatten()?;
        let v = x.randr_query_version(1, 3).ok()?.reply().ok()?;
        if (v.major_version, v.minor_version) < (1, 2) {
            return None;
        }
        let res = x.randr_get_screen_resources(root).ok()?.reply().ok()?;
        let range = x.randr_get_screen_size_range(root).ok()?.reply().ok()?;
        let geometry = x.get_geometry(root).ok()?.reply().ok()?;
        // Another client's resize is heard of (and undone: the display decides).
        x.randr_select_input(root, randr::NotifyMask::SCREEN_CHANGE)
            .ok()?;
        Some(XScreen {
            root,
            output: *res.outputs.first()?,
            crtc: *res.crtcs.first()?,
            max: Size::new(range.max_width as u32, range.max_height as u32),
            mode: None,
            made: 0,
            size: Size::new(geometry.width as u32, geometry.height as u32),
        })
    }

    /// Makes the screen `wanted` (each side within what the framebuffer holds); returns
    /// the size it has now.
    pub fn resize(&mut self, x: &RustConnection, wanted: Size) -> Result<Size, String> {
        let w = wanted.width.clamp(1, self.max.width) as u16;
        let h = wanted.height.clamp(1, self.max.height) as u16;
        let to = Size::new(w as u32, h as u32);
        if to == self.size {
            return Ok(to);
        }
        let s = |e: x11rb::errors::ConnectionError| e.to_string();
        let r = |e: x11rb::errors::ReplyError| e.to_string();
        // A name of its own each time: a mode left behind by a failed resize (the X server
        // keeps it while it lives) never stands in the way of a later one.
        self.made += 1;
        let name = format!("yonder-{w}x{h}-{}", self.made);
        let info = randr::ModeInfo {
            id: 0,
            width: w,
            height: h,
            dot_clock: (60 * w as u64 * h as u64).min(u32::MAX as u64) as u32,
            hsync_start: w,
            hsync_end: w,
            htotal: w,
            hskew: 0,
            vsync_start: h,
            vsync_end: h,
            vtotal: h,
            name_len: name.len() as u16,
            mode_flags: Default::default(),
        };
        let mode = x
            .randr_create_mode(self.root, info, name.as_bytes())
            .map_err(s)?
            .reply()
            .map_err(r)?
            .mode;
        match self.switch(x, mode, to) {
            Ok(()) => {
                if let Some(old) = self.mode.replace(mode) {
                    let _ = x.randr_delete_output_mode(self.output, old);
                    let _ = x.randr_destroy_mode(old);
                }
                self.size = to;
                Ok(to)
            }
            Err(e) => {
                // Not in use (or the X server refuses to drop it: then it stays).
                let _ = x.randr_delete_output_mode(self.output, mode);
                let _ = x.randr_destroy_mode(mode);
                Err(e)
            }
        }
    }

    /// Puts `mode` (of size `to`) on the output, the screen resized around it.
    fn switch(&self, x: &RustConnection, mode: randr::Mode, to: Size) -> Result<(), String> {
        let s = |e: x11rb::errors::ConnectionError| e.to_string();
        let r = |e: x11rb::errors::ReplyError| e.to_string();
        let (w, h) = (to.width as u16, to.height as u16);
        x.randr_add_output_mode(self.output, mode)
            .map_err(s)?
            .check()
            .map_err(r)?;
        let config = x
            .randr_get_screen_resources(self.root)
            .map_err(s)?
            .reply()
            .map_err(r)?
            .config_timestamp;
        // Millimetres at 96 dots per inch.
        let mm = |px: u16| (px as u32 * 254 / 960).max(1);
        let grows = to.width > self.size.width || to.height > self.size.height;
        let size_now = |x: &RustConnection, w: u16, h: u16| {
            x.randr_set_screen_size(self.root, w, h, mm(w), mm(h))
                .map_err(s)?
                .check()
                .map_err(r)
        };
        if grows {
            // Large enough for both the old CRTC and the new one.
            let gw = w.max(self.size.width as u16);
            let gh = h.max(self.size.height as u16);
            size_now(x, gw, gh)?;
        }
        let status = x
            .randr_set_crtc_config(
                self.crtc,
                x11rb::CURRENT_TIME,
                config,
                0,
                0,
                mode,
                randr::Rotation::ROTATE0,
                &[self.output],
            )
            .map_err(s)?
            .reply()
            .map_err(r)?
            .status;
        if status != randr::SetConfig::SUCCESS {
            return Err(format!(
                "the X server refused the size {w}x{h} ({status:?})"
            ));
        }
        size_now(x, w, h)
    }

    /// Another X client resized the screen (RandR's note says `now`): the next
    /// [`XScreen::resize`] puts the display's size back.
    pub fn changed_behind(&mut self, now: Size) {
        self.size = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_framebuffer_holds_the_yonder_screen_and_room_to_grow() {
        assert_eq!(capacity(Size::new(1280, 800)), ROOM);
        assert_eq!(capacity(Size::new(3840, 1000)), Size::new(3840, 1600));
        assert_eq!(capacity(Size::new(100_000, 0)), Size::new(32767, 1600));
    }
}
