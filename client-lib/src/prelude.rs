//! What an app imports: `use yonder::prelude::*;` brings in [`Connection`], every request
//! trait (whose methods are the typed requests: `conn.create_window(..)`,
//! `conn.poly_fill_rectangle(..)`, `conn.put_image(..)`, ...), what the event loop
//! matches ([`Incoming`], [`Event`]) and the everyday protocol types: ids, geometry,
//! colors, masks, the attribute and GC value structs, atoms and keysyms.
//!
//! Anything else of the protocol is under [`crate::protocol`].

pub use crate::connection::Connection;
pub use crate::event::Incoming;
pub use crate::requests::{
    DrawExt, InputExt, PropertyExt, RequestExt, ResourceExt, ShmExt, TransferExt, WindowExt,
};
pub use yonder_protocol::event::{ButtonEvent, ConfigureEvent, ExposeEvent, KeyEvent};
pub use yonder_protocol::request::{GcValues, ImageFormat, PropMode, WindowAttributes};
pub use yonder_protocol::{
    atoms, keysym, Atom, Color, Drawable, Event, EventMask, GcId, ModMask, PixmapId, Point, Rect,
    Size, WindowId,
};
