//! The dispatcher: one `match` over [`Request`] that only delegates to a handler, and the
//! envelope around it (sequence numbers, replies, errors). A handler's error goes to the
//! requesting client alone; the state stays as it was before the failed request.

pub mod backlog;
pub mod screen_change;
pub mod state_thread;
pub mod viewers;

pub use state_thread::{apply_command, disconnect_all, flush_clients, present, run, Stopping};

use crate::command::{fail, HandlerResult, Incoming};
use crate::handlers::{
    atom, dnd, draw, image, input, migrate, property, resource, selection, shm, window,
    window_config,
};
use crate::restore;
use crate::state::versions::too_new;
use crate::state::State;
use yonder_protocol::{ClientId, DecodeError, ErrorCode, Request, Seq, ServerMessage, SINCE_MINOR};

/// `State::request_in_hand` while no decoded request is: an opcode no request has.
const NO_REQUEST: u8 = 0xFF;

/// Applies one request of `client` that came as its raw frame `body` (an
/// [`Incoming::Raw`] of a batch): decodes it first, as the client's version `minor`
/// reads it, its relative ids in the client's id `space` (§6.1). A body that does not
/// decode ends the connection, as it would have in the reader.
pub fn handle_raw(s: &mut State, client: ClientId, (minor, space): (u16, u32), body: &[u8]) {
    // Not yet known: a failure while decoding names no earlier request.
    s.request_in_hand = NO_REQUEST;
    let decoded = yonder_protocol::decode_relative_to(space, || {
        yonder_protocol::decode_request_of(body, minor)
    });
    match decoded {
        Ok(req) => handle_request(s, client, Incoming::Request(req)),
        Err(DecodeError::UnknownOpcode(op)) => handle_request(s, client, Incoming::Unknown(op)),
        Err(DecodeError::BadValue {
            opcode,
            value,
            message,
        }) => handle_request(
            s,
            client,
            Incoming::BadValue {
                opcode,
                value,
                message,
            },
        ),
        Err(e @ DecodeError::Malformed(_)) => {
            // The requests before it were applied; the ones after it are dropped.
            if let Some(c) = s.clients.get_mut(&client) {
                tracing::warn!(client = client.0, reason = %e, "closing connection");
                if c.overflow.is_none() {
                    c.overflow = Some(e.to_string());
                    c.malformed = true;
                }
            }
        }
    }
}

/// Applies one request of `client` (the next in its sequence) and queues the answer.
pub fn handle_request(s: &mut State, client: ClientId, incoming: Incoming) {
    let Some(c) = s.clients.get_mut(&client) else {
        return;
    };
    if c.overflow.is_some() {
        // Being disconnected for not reading (see `Client::check_output`): its
        // remaining requests are dropped, not carried out for nobody.
        return;
    }
    // Wrapping: a client may start its numbering anywhere (a resume's `next_seq`).
    if let Incoming::NoOperations(n) = incoming {
        c.seq.0 = c.seq.0.wrapping_add(n);
        return;
    }
    c.seq.0 = c.seq.0.wrapping_add(1);
    let (seq, minor) = (c.seq, c.minor);
    s.request_in_hand = NO_REQUEST;
    let (opcode, result) = match incoming {
        Incoming::Request(req) => {
            let op = req.code();
            match SINCE_MINOR[op as usize] <= minor {
                true => {
                    s.request_in_hand = op;
                    (op, dispatch(s, client, req))
                }
                false => (op, Err(too_new(op, minor))),
            }
        }
        Incoming::ShmAttach(r, fd) => {
            let op = yonder_protocol::request::ShmAttach::OPCODE;
            match SINCE_MINOR[op as usize] <= minor {
                true => {
                    s.request_in_hand = op;
                    (op, shm::shm_attach(s, client, r, fd))
                }
                false => (op, Err(too_new(op, minor))),
            }
        }
        // For `handle_raw`; without its batch's bytes it is no request.
        Incoming::Raw(_) => return,
        // Counted above.
        Incoming::NoOperations(_) => return,
        // Unknown to the connection's version: a request of a later one gets the message
        // that says so.
        Incoming::Unknown(op) if Request::is_known_code(op) => (op, Err(too_new(op, minor))),
        Incoming::Unknown(op) => (
            op,
            Err(fail(
                ErrorCode::Request,
                op as u64,
                format!("unknown opcode {op}"),
            )),
        ),
        Incoming::BadValue {
            opcode,
            value,
            message,
        } => (opcode, Err(fail(ErrorCode::Value, value, message))),
    };
    let msg = match result {
        Ok(None) => return,
        Ok(Some(reply)) => ServerMessage::Reply { seq, reply },
        Err(mut error) => {
            error.opcode = opcode;
            tracing::debug!(client = client.0, seq = seq.0, %error, "request failed");
            ServerMessage::Error { seq, error }
        }
    };
    if let Some(c) = s.clients.get_mut(&client) {
        c.send(&msg);
    }
}

pub use crate::command::panic_message;

/// A request of client `c` panicked (a bug of the server's, whatever the request; the
/// state thread catches it around each batch of `c`'s requests, see
/// `state_thread::apply_command`): the client is disconnected (what it was owed before is
/// written first), the others go on, and the state's invariants are checked; when they
/// no longer hold the server exits (status 70) instead of serving from a broken state.
///
/// Why going on is sound: every handler checks its arguments before it changes anything,
/// so a panic in one almost always comes before its first change, or leaves a change that
/// is whole in itself (an interned atom, a drawn pixel). What could be left half-done, the
/// window tree and who owns what, is what [`State::check_invariants`] checks.
#[cold]
#[inline(never)]
pub fn after_panic(s: &mut State, c: ClientId, payload: &(dyn std::any::Any + Send)) {
    let seq = s.clients.get(&c).map_or(Seq(0), |cl| cl.seq);
    let op = s.request_in_hand;
    let what = panic_message(payload);
    let request = Request::name_of(op).unwrap_or("?");
    tracing::error!(
        client = c.0,
        seq = seq.0,
        request,
        "the server failed on request {seq} ({request}, opcode {op}): {what}; disconnecting \
         that client",
        seq = seq.0
    );
    if let Some(cl) = s.clients.get_mut(&c) {
        if cl.overflow.is_none() {
            cl.overflow = Some(format!(
                "the server failed on its request {request}: {what}"
            ));
            cl.malformed = true;
        }
    }
    if let Err(broken) = s.check_invariants() {
        tracing::error!(%broken, "the server's state is broken after that failure: exiting");
        eprintln!("yonder-server: state broken after a failed {request}: {broken}; exiting");
        std::process::exit(70);
    }
}

fn dispatch(s: &mut State, c: ClientId, req: Request) -> HandlerResult {
    use Request as R;
    match req {
        R::CreateWindow(r) => restore::create_window(s, c, r),
        R::ChangeWindowAttributes(r) => restore::change_window_attributes(s, c, r),
        R::GetWindowAttributes(r) => window::get_window_attributes(s, c, r),
        R::DestroyWindow(r) => window::destroy_window(s, c, r),
        R::MapWindow(r) => restore::map_window(s, c, r),
        R::UnmapWindow(r) => restore::unmap_window(s, c, r),
        R::ConfigureWindow(r) => window_config::configure_window(s, c, r),
        R::ReparentWindow(r) => window::reparent_window(s, c, r),
        R::GetGeometry(r) => window::get_geometry(s, c, r),
        R::QueryTree(r) => window::query_tree(s, c, r),
        R::InternAtom(r) => atom::intern_atom(s, c, r),
        R::GetAtomName(r) => atom::get_atom_name(s, c, r),
        R::ChangeProperty(r) => property::change_property(s, c, r),
        R::DeleteProperty(r) => property::delete_property(s, c, r),
        R::GetProperty(r) => property::get_property(s, c, r),
        R::ListProperties(r) => property::list_properties(s, c, r),
        R::SendEvent(r) => property::send_event_request(s, c, r),
        R::SetInputFocus(r) => input::set_input_focus(s, c, r),
        R::GetInputFocus(r) => input::get_input_focus(s, c, r),
        R::QueryPointer(r) => input::query_pointer(s, c, r),
        R::FakeInput(r) => crate::input::fake_input(s, c, r),
        R::NoOperation(r) => input::no_operation(s, c, r),
        R::Sync(r) => input::sync(s, c, r),
        R::ListClients(r) => input::list_clients(s, c, r),
        R::SetCloseDownMode(r) => input::set_close_down_mode(s, c, r),
        R::GrantMove(r) => migrate::grant_move(s, c, r),
        R::MoveClient(r) => migrate::move_client(s, c, r),
        R::MoveDone(r) => migrate::move_done(s, c, r),
        R::CreatePixmap(r) => resource::create_pixmap(s, c, r),
        R::FreePixmap(r) => resource::free_pixmap(s, c, r),
        R::CreateGc(r) => resource::create_gc(s, c, r),
        R::ChangeGc(r) => resource::change_gc(s, c, r),
        R::SetClipRectangles(r) => resource::set_clip_rectangles(s, c, r),
        R::FreeGc(r) => resource::free_gc(s, c, r),
        R::ClearArea(r) => draw::clear_area(s, c, r),
        R::CopyArea(r) => draw::copy_area(s, c, r),
        R::PolyPoint(r) => draw::poly_point(s, c, r),
        R::PolyLine(r) => draw::poly_line(s, c, r),
        R::PolySegment(r) => draw::poly_segment(s, c, r),
        R::PolyRectangle(r) => draw::poly_rectangle(s, c, r),
        R::PolyFillRectangle(r) => draw::poly_fill_rectangle(s, c, r),
        R::PolyArc(r) => draw::poly_arc(s, c, r),
        R::PolyFillArc(r) => draw::poly_fill_arc(s, c, r),
        R::FillPoly(r) => draw::fill_poly(s, c, r),
        R::PutImage(r) => image::put_image(s, c, r),
        R::GetImage(r) => image::get_image(s, c, r),
        R::DrawText(r) => draw::draw_text(s, c, r),
        R::QueryTextExtents(r) => draw::query_text_extents(s, c, r),
        R::QueryTextExtentsBatch(r) => draw::query_text_extents_batch(s, c, r),
        R::SetSelectionOwner(r) => selection::set_selection_owner(s, c, r),
        R::GetSelectionOwner(r) => selection::get_selection_owner(s, c, r),
        R::ConvertSelection(r) => selection::convert_selection(s, c, r),
        R::SendSelectionData(r) => selection::send_selection_data(s, c, r),
        R::StartDrag(r) => dnd::start_drag(s, c, r),
        R::DndStatus(r) => dnd::dnd_status(s, c, r),
        R::DndFinish(r) => dnd::dnd_finish(s, c, r),
        R::ChangeSaveSet(r) => restore::change_save_set(s, c, r),
        // Not through the reader (a test's State): no descriptor came with it.
        R::ShmAttach(r) => shm::shm_attach(s, c, r, None),
        R::ShmDetach(r) => shm::shm_detach(s, c, r),
        R::ShmPutImage(r) => shm::shm_put_image(s, c, r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yonder_protocol::request::FillPoly;
    use yonder_protocol::PROTOCOL_MINOR;
    use yonder_protocol::{make_id, Drawable, GcId, Point};

    fn state() -> (
        State,
        ClientId,
        tokio::sync::mpsc::UnboundedReceiver<Vec<u8>>,
    ) {
        crate::state::test_support::state_with_client(64, 64, false)
    }

    /// A raw body is applied exactly as its decoded request would be: same sequence
    /// numbers, same errors; one that does not decode dooms the client.
    #[test]
    fn raw_bodies_decode_on_the_state_thread() {
        let (mut s, c, _rx) = state();
        let req = Request::FillPoly(FillPoly {
            drawable: Drawable(make_id(7, 99)),
            gc: GcId(make_id(7, 98)),
            points: vec![Point::new(0, 0), Point::new(5, 5), Point::new(0, 5)],
        });
        let mut framed = Vec::new();
        yonder_protocol::fast_encode::encode_request_frame(&req, &mut framed);
        handle_raw(&mut s, c, (PROTOCOL_MINOR, 7), &framed[4..]);
        // Counted, and answered like the decoded request (a Drawable error here).
        assert_eq!(s.clients[&c].seq.0, 1);
        assert!(s.clients[&c].overflow.is_none());
        // An unknown opcode is an error, not a disconnect.
        handle_raw(&mut s, c, (PROTOCOL_MINOR, 7), &[0x92, 0x7e, 0x90]);
        assert_eq!(s.clients[&c].seq.0, 2);
        assert!(s.clients[&c].overflow.is_none());
        // A malformed body ends the connection; later requests are dropped.
        handle_raw(&mut s, c, (PROTOCOL_MINOR, 7), &[0x92, 49, 0xc1]);
        assert!(s.clients[&c].overflow.is_some());
        handle_raw(&mut s, c, (PROTOCOL_MINOR, 7), &framed[4..]);
        assert_eq!(s.clients[&c].seq.0, 2, "nothing applied after it");
        // An empty body too (no panic).
        handle_raw(&mut s, c, (PROTOCOL_MINOR, 7), &[]);
    }
}
