//! The dispatcher: one `match` over [`Request`] that only delegates to a handler, and the
//! envelope around it (sequence numbers, replies, errors). A handler's error goes to the
//! requesting client alone; the state stays as it was before the failed request.

mod screen_change;
mod state_thread;

use crate::command::{fail, HandlerResult, Incoming};
use crate::state::State;
use yonder_protocol::{ClientId, DecodeError, ErrorCode, Request, ServerMessage};

impl State {
    /// Applies one request of `client` that came as its raw frame `body` (an
    /// [`Incoming::Raw`] of a batch): decodes it first. A body that does not decode ends
    /// the connection, as it would have in the reader.
    pub fn handle_raw(&mut self, client: ClientId, body: &[u8]) {
        match yonder_protocol::decode_request(body) {
            Ok(req) => self.handle_request(client, Incoming::Request(req)),
            Err(DecodeError::UnknownOpcode(op)) => {
                self.handle_request(client, Incoming::Unknown(op))
            }
            Err(e @ DecodeError::Malformed(_)) => {
                // The requests before it were applied; the ones after it are dropped.
                if let Some(c) = self.clients.get_mut(&client) {
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
    pub fn handle_request(&mut self, client: ClientId, incoming: Incoming) {
        let Some(c) = self.clients.get_mut(&client) else {
            return;
        };
        if c.overflow.is_some() {
            // Being disconnected for not reading (see `Client::check_output`): its
            // remaining requests are dropped, not carried out for nobody.
            return;
        }
        c.seq.0 += 1;
        let seq = c.seq;
        let (opcode, result) = match incoming {
            Incoming::Request(req) => (req.code(), self.dispatch(client, req)),
            Incoming::ShmAttach(r, fd) => (
                yonder_protocol::request::ShmAttach::OPCODE,
                self.shm_attach(client, r, fd),
            ),
            // For `handle_raw`; without its batch's bytes it is no request.
            Incoming::Raw(_) => return,
            Incoming::Unknown(op) => (
                op,
                Err(fail(
                    ErrorCode::Request,
                    op as u64,
                    format!("unknown opcode {op}"),
                )),
            ),
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
        if let Some(c) = self.clients.get_mut(&client) {
            c.send(&msg);
        }
    }

    fn dispatch(&mut self, c: ClientId, req: Request) -> HandlerResult {
        use Request as R;
        match req {
            R::CreateWindow(r) => self.create_window(c, r),
            R::ChangeWindowAttributes(r) => self.change_window_attributes(c, r),
            R::GetWindowAttributes(r) => self.get_window_attributes(c, r),
            R::DestroyWindow(r) => self.destroy_window(c, r),
            R::MapWindow(r) => self.map_window(c, r),
            R::UnmapWindow(r) => self.unmap_window(c, r),
            R::ConfigureWindow(r) => self.configure_window(c, r),
            R::ReparentWindow(r) => self.reparent_window(c, r),
            R::GetGeometry(r) => self.get_geometry(c, r),
            R::QueryTree(r) => self.query_tree(c, r),
            R::InternAtom(r) => self.intern_atom(c, r),
            R::GetAtomName(r) => self.get_atom_name(c, r),
            R::ChangeProperty(r) => self.change_property(c, r),
            R::DeleteProperty(r) => self.delete_property(c, r),
            R::GetProperty(r) => self.get_property(c, r),
            R::ListProperties(r) => self.list_properties(c, r),
            R::SendEvent(r) => self.send_event_request(c, r),
            R::SetInputFocus(r) => self.set_input_focus(c, r),
            R::GetInputFocus(r) => self.get_input_focus(c, r),
            R::QueryPointer(r) => self.query_pointer(c, r),
            R::FakeInput(r) => self.fake_input(c, r),
            R::Sync(r) => self.sync(c, r),
            R::ListClients(r) => self.list_clients(c, r),
            R::CreatePixmap(r) => self.create_pixmap(c, r),
            R::FreePixmap(r) => self.free_pixmap(c, r),
            R::CreateGc(r) => self.create_gc(c, r),
            R::ChangeGc(r) => self.change_gc(c, r),
            R::SetClipRectangles(r) => self.set_clip_rectangles(c, r),
            R::FreeGc(r) => self.free_gc(c, r),
            R::ClearArea(r) => self.clear_area(c, r),
            R::CopyArea(r) => self.copy_area(c, r),
            R::PolyPoint(r) => self.poly_point(c, r),
            R::PolyLine(r) => self.poly_line(c, r),
            R::PolySegment(r) => self.poly_segment(c, r),
            R::PolyRectangle(r) => self.poly_rectangle(c, r),
            R::PolyFillRectangle(r) => self.poly_fill_rectangle(c, r),
            R::PolyArc(r) => self.poly_arc(c, r),
            R::PolyFillArc(r) => self.poly_fill_arc(c, r),
            R::FillPoly(r) => self.fill_poly(c, r),
            R::PutImage(r) => self.put_image(c, r),
            R::GetImage(r) => self.get_image(c, r),
            R::DrawText(r) => self.draw_text(c, r),
            R::QueryTextExtents(r) => self.query_text_extents(c, r),
            R::SetSelectionOwner(r) => self.set_selection_owner(c, r),
            R::GetSelectionOwner(r) => self.get_selection_owner(c, r),
            R::ConvertSelection(r) => self.convert_selection(c, r),
            R::SendSelectionData(r) => self.send_selection_data(c, r),
            R::StartDrag(r) => self.start_drag(c, r),
            R::DndStatus(r) => self.dnd_status(c, r),
            R::DndFinish(r) => self.dnd_finish(c, r),
            R::ChangeSaveSet(r) => self.change_save_set(c, r),
            // Not through the reader (a test's State): no descriptor came with it.
            R::ShmAttach(r) => self.shm_attach(c, r, None),
            R::ShmDetach(r) => self.shm_detach(c, r),
            R::ShmPutImage(r) => self.shm_put_image(c, r),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yonder_protocol::request::FillPoly;
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
        s.handle_raw(c, &framed[4..]);
        // Counted, and answered like the decoded request (a Drawable error here).
        assert_eq!(s.clients[&c].seq.0, 1);
        assert!(s.clients[&c].overflow.is_none());
        // An unknown opcode is an error, not a disconnect.
        s.handle_raw(c, &[0x92, 0x7e, 0x90]);
        assert_eq!(s.clients[&c].seq.0, 2);
        assert!(s.clients[&c].overflow.is_none());
        // A malformed body ends the connection; later requests are dropped.
        s.handle_raw(c, &[0x92, 49, 0xc1]);
        assert!(s.clients[&c].overflow.is_some());
        s.handle_raw(c, &framed[4..]);
        assert_eq!(s.clients[&c].seq.0, 2, "nothing applied after it");
        // An empty body too (no panic).
        s.handle_raw(c, &[]);
    }
}
