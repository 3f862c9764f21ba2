//! What an app imports to use a connection: `use yonder::prelude::*;` brings in
//! [`Connection`] and every request trait, whose methods are the typed requests
//! (`conn.create_window(..)`, `conn.poly_fill_rectangle(..)`, `conn.put_image(..)`, ...).

pub use crate::connection::Connection;
pub use crate::requests::{
    DrawExt, InputExt, PropertyExt, RequestExt, ResourceExt, ShmExt, TransferExt, WindowExt,
};
