//! The screen's framebuffer as data: its `0x00RRGGBB` pixels and the damage not yet
//! composed into them (painting is `compose`'s; showing it, a screen backend's).

use yonder_protocol::Rect;

/// Damage rectangles kept apart before they are merged into their bounding box.
const MAX_DAMAGE_RECTS: usize = 16;

/// The framebuffer and its pending damage.
pub struct Framebuffer {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Row-major `0x00RRGGBB` pixels.
    pub pixels: Vec<u32>,
    damage: Vec<Rect>,
}

impl Framebuffer {
    /// A black framebuffer of the given size.
    pub fn new(width: u32, height: u32) -> Framebuffer {
        Framebuffer {
            width,
            height,
            pixels: vec![0; width as usize * height as usize],
            damage: Vec::new(),
        }
    }

    /// Changes the framebuffer's size (contents are recomposed by the caller's damage).
    pub fn resize(&mut self, width: u32, height: u32) {
        self.width = width;
        self.height = height;
        self.pixels = vec![0; width as usize * height as usize];
        self.damage.clear();
    }

    /// Marks a screen area as needing recomposition.
    pub fn damage(&mut self, r: Rect) {
        let Some(r) = r.intersect(&Rect::new(0, 0, self.width, self.height)) else {
            return;
        };
        if self.damage.iter().any(|d| d.intersect(&r) == Some(r)) {
            return;
        }
        self.damage.retain(|d| r.intersect(d) != Some(*d));
        self.damage.push(r);
        if self.damage.len() > MAX_DAMAGE_RECTS {
            let all = self.damage.iter().fold(Rect::default(), |a, d| a.union(d));
            self.damage = vec![all];
        }
    }

    /// Forgets the pending damage without composing (for a screen nobody sees; the
    /// framebuffer is then stale, and nothing reads it).
    pub fn discard_damage(&mut self) {
        self.damage.clear();
    }

    /// Whether anything awaits composition.
    pub fn has_damage(&self) -> bool {
        !self.damage.is_empty()
    }

    /// The pending damage.
    pub fn pending(&self) -> &[Rect] {
        &self.damage
    }

    /// Takes the pending damage (for composing it).
    pub fn take_damage(&mut self) -> Vec<Rect> {
        std::mem::take(&mut self.damage)
    }
}
