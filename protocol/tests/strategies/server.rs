//! proptest strategies for what the server sends: replies, events, errors, and the
//! handshake (the client's hello and the server's setup response).

use super::*;
use yonder_protocol::event::*;
use yonder_protocol::handshake::{
    Limits, PixelFormat, Refusal, Resume, ScreenInfo, Session, Setup,
};
use yonder_protocol::reply::*;

fn client_id() -> impl Strategy<Value = ClientId> {
    any::<u32>().prop_map(ClientId)
}

prop_compose! {
    fn client_info()(
        id in client_id(),
        app_name in text(),
        id_space in any::<u32>(),
        windows in any::<u32>(),
        pixmaps in any::<u32>(),
        gcs in any::<u32>(),
        detached_secs in any::<Option<u32>>(),
    ) -> ClientInfo {
        ClientInfo { id, app_name, id_space, windows, pixmaps, gcs, detached_secs }
    }
}

/// Any reply.
pub fn reply() -> BoxedStrategy<Reply> {
    let map_states = &[MapState::Unmapped, MapState::Unviewable, MapState::Viewable];
    prop_oneof![
        (
            one_of(map_states),
            any::<bool>(),
            color(),
            event_mask(),
            event_mask(),
            client_id(),
        )
            .prop_map(
                |(map_state, override_redirect, background, your, all, owner)| {
                    Reply::WindowAttributes(WindowAttributesReply {
                        map_state,
                        override_redirect,
                        background,
                        your_event_mask: your,
                        all_event_masks: all,
                        owner,
                    })
                }
            ),
        (window(), rect()).prop_map(|(root, rect)| Reply::Geometry(GeometryReply { root, rect })),
        (window(), window(), list(window())).prop_map(|(root, parent, children)| {
            Reply::QueryTree(QueryTreeReply {
                root,
                parent,
                children,
            })
        }),
        atom().prop_map(|atom| Reply::InternAtom(InternAtomReply { atom })),
        text().prop_map(|name| Reply::AtomName(AtomNameReply { name })),
        (atom(), bytes()).prop_map(|(type_, data)| Reply::Property(PropertyReply { type_, data })),
        list(atom()).prop_map(|atoms| Reply::ListProperties(ListPropertiesReply { atoms })),
        window().prop_map(|window| Reply::InputFocus(InputFocusReply { window })),
        (window(), point(), window(), point(), mod_mask()).prop_map(|(root, r, child, w, mask)| {
            Reply::QueryPointer(QueryPointerReply {
                root,
                root_x: r.x,
                root_y: r.y,
                child,
                win_x: w.x,
                win_y: w.y,
                mask,
            })
        }),
        Just(Reply::Sync(SyncReply {})),
        list(client_info()).prop_map(|clients| Reply::ListClients(ListClientsReply { clients })),
        (bytes(), any::<u32>()).prop_map(|(token, expires_ms)| {
            Reply::MoveToken(MoveTokenReply { token, expires_ms })
        }),
        (any::<u32>(), any::<u32>(), one_of(IMAGE_FORMATS), bytes()).prop_map(
            |(width, height, format, data)| {
                Reply::Image(ImageReply {
                    width,
                    height,
                    format,
                    data,
                })
            }
        ),
        (
            any::<u32>(),
            any::<i32>(),
            any::<i32>(),
            any::<i32>(),
            any::<i32>()
        )
            .prop_map(|(width, ascent, descent, font_ascent, font_descent)| {
                Reply::TextExtents(TextExtentsReply {
                    width,
                    ascent,
                    descent,
                    font_ascent,
                    font_descent,
                })
            }),
        prop::collection::vec(
            (any::<u32>(), any::<i32>(), any::<i32>()).prop_map(|(width, ascent, descent)| {
                TextExtentsReply {
                    width,
                    ascent,
                    descent,
                    font_ascent: ascent,
                    font_descent: descent,
                }
            }),
            0..3
        )
        .prop_map(|extents| Reply::TextExtentsBatch(TextExtentsBatchReply { extents })),
        window().prop_map(|owner| Reply::SelectionOwner(SelectionOwnerReply { owner })),
    ]
    .boxed()
}

prop_compose! {
    fn key_event()(
        window in window(), time in time(), p in point(), r in point(), keysym in any::<u32>(),
        text in text(), modifiers in mod_mask(), repeat in any::<bool>(),
    ) -> KeyEvent {
        KeyEvent {
            window, time, x: p.x, y: p.y, root_x: r.x, root_y: r.y, keysym, text, modifiers,
            repeat,
        }
    }
}

prop_compose! {
    fn button_event()(
        window in window(), time in time(), p in point(), r in point(), button in any::<u8>(),
        modifiers in mod_mask(),
    ) -> ButtonEvent {
        ButtonEvent { window, time, x: p.x, y: p.y, root_x: r.x, root_y: r.y, button, modifiers }
    }
}

prop_compose! {
    fn motion_event()(
        window in window(), time in time(), p in point(), r in point(), modifiers in mod_mask(),
    ) -> MotionEvent {
        MotionEvent { window, time, x: p.x, y: p.y, root_x: r.x, root_y: r.y, modifiers }
    }
}

prop_compose! {
    fn crossing_event()(
        window in window(), time in time(), p in point(), r in point(), modifiers in mod_mask(),
    ) -> CrossingEvent {
        CrossingEvent { window, time, x: p.x, y: p.y, root_x: r.x, root_y: r.y, modifiers }
    }
}

prop_compose! {
    fn scroll_event()(
        window in window(), time in time(), p in point(), r in point(),
        delta_x in f64_no_nan(), delta_y in f64_no_nan(), modifiers in mod_mask(),
    ) -> ScrollEvent {
        ScrollEvent {
            window, time, x: p.x, y: p.y, root_x: r.x, root_y: r.y, delta_x, delta_y, modifiers,
        }
    }
}

/// Input, focus and exposure events.
fn input_event() -> BoxedStrategy<Event> {
    prop_oneof![
        key_event().prop_map(Event::KeyPress),
        key_event().prop_map(Event::KeyRelease),
        button_event().prop_map(Event::ButtonPress),
        button_event().prop_map(Event::ButtonRelease),
        motion_event().prop_map(Event::Motion),
        crossing_event().prop_map(Event::Enter),
        crossing_event().prop_map(Event::Leave),
        window().prop_map(|window| Event::FocusIn(FocusEvent { window })),
        window().prop_map(|window| Event::FocusOut(FocusEvent { window })),
        (window(), rect(), any::<u32>()).prop_map(|(window, rect, count)| Event::Expose(
            ExposeEvent {
                window,
                rect,
                count
            }
        )),
        scroll_event().prop_map(Event::Scroll),
    ]
    .boxed()
}

/// Structure, property, client-message and screen events.
fn structure_event() -> BoxedStrategy<Event> {
    prop_oneof![
        (window(), window())
            .prop_map(|(event, window)| Event::Destroy(DestroyEvent { event, window })),
        (window(), window()).prop_map(|(event, window)| Event::Unmap(UnmapEvent { event, window })),
        (window(), window(), any::<bool>()).prop_map(|(event, window, override_redirect)| {
            Event::Map(MapEvent {
                event,
                window,
                override_redirect,
            })
        }),
        (window(), window(), rect(), window(), any::<bool>()).prop_map(
            |(event, window, rect, above_sibling, override_redirect)| {
                Event::Configure(ConfigureEvent {
                    event,
                    window,
                    rect,
                    above_sibling,
                    override_redirect,
                })
            }
        ),
        (
            window(),
            atom(),
            one_of(&[PropertyState::NewValue, PropertyState::Deleted]),
            time()
        )
            .prop_map(|(window, atom, state, time)| {
                Event::Property(PropertyEvent {
                    window,
                    atom,
                    state,
                    time,
                })
            }),
        (window(), atom(), bytes()).prop_map(|(window, type_, data)| {
            Event::ClientMessage(ClientMessage {
                window,
                type_,
                data,
            })
        }),
        (window(), any::<u32>(), any::<u32>(), f64_no_nan()).prop_map(
            |(root, width, height, scale_factor)| {
                Event::ScreenChange(ScreenChangeEvent {
                    root,
                    width,
                    height,
                    scale_factor,
                })
            }
        ),
    ]
    .boxed()
}

/// Selection and drag-and-drop events.
fn transfer_event() -> BoxedStrategy<Event> {
    prop_oneof![
        (window(), atom(), time()).prop_map(|(owner, selection, time)| {
            Event::SelectionClear(SelectionClearEvent {
                owner,
                selection,
                time,
            })
        }),
        (window(), atom(), window(), time()).prop_map(|(root, selection, owner, time)| {
            Event::SelectionOwner(SelectionOwnerEvent {
                root,
                selection,
                owner,
                time,
            })
        }),
        (window(), any::<u64>(), window(), atom(), atom()).prop_map(
            |(owner, transfer, requestor, selection, target)| {
                Event::SelectionRequest(SelectionRequestEvent {
                    owner,
                    transfer,
                    requestor,
                    selection,
                    target,
                })
            }
        ),
        (
            window(),
            any::<u32>(),
            atom(),
            atom(),
            bytes(),
            any::<bool>(),
            any::<bool>()
        )
            .prop_map(|(requestor, tag, selection, target, data, done, refused)| {
                Event::SelectionData(SelectionDataEvent {
                    requestor,
                    tag,
                    selection,
                    target,
                    data,
                    done,
                    refused,
                })
            }),
        (window(), window(), list(atom()), any::<u8>()).prop_map(
            |(target, source, types, actions)| {
                Event::DndEnter(DndEnterEvent {
                    target,
                    source,
                    types,
                    actions: DndActions(actions),
                })
            }
        ),
        (window(), point(), point(), time()).prop_map(|(target, p, r, time)| {
            Event::DndPosition(DndPositionEvent {
                target,
                x: p.x,
                y: p.y,
                root_x: r.x,
                root_y: r.y,
                time,
            })
        }),
        window().prop_map(|target| Event::DndLeave(DndLeaveEvent { target })),
        (window(), point(), one_of(DND_ACTIONS), time()).prop_map(|(target, p, action, time)| {
            Event::DndDrop(DndDropEvent {
                target,
                x: p.x,
                y: p.y,
                action,
                time,
            })
        }),
        (window(), window(), any::<bool>(), one_of(DND_ACTIONS)).prop_map(
            |(source, target, accept, action)| {
                Event::DndStatus(DndStatusEvent {
                    source,
                    target,
                    accept,
                    action,
                })
            }
        ),
        (window(), window(), any::<bool>(), one_of(DND_ACTIONS)).prop_map(
            |(source, target, success, action)| {
                Event::DndFinished(DndFinishedEvent {
                    source,
                    target,
                    success,
                    action,
                })
            }
        ),
        (window(), any::<bool>())
            .prop_map(|(root, restart)| Event::ServerEnding(ServerEndingEvent { root, restart })),
        (window(), text(), bytes(), client_id()).prop_map(|(root, to, token, mover)| {
            Event::MoveRequest(MoveRequestEvent {
                root,
                to,
                token,
                mover,
            })
        }),
        (window(), client_id(), any::<bool>(), text()).prop_map(|(root, client, moved, reason)| {
            Event::MoveOutcome(MoveOutcomeEvent {
                root,
                client,
                moved,
                reason,
            })
        }),
    ]
    .boxed()
}

/// Any event.
pub fn event() -> BoxedStrategy<Event> {
    prop_oneof![
        11 => input_event(),
        7 => structure_event(),
        10 => transfer_event(),
    ]
    .boxed()
}

/// Every error code.
pub const ERROR_CODES: &[ErrorCode] = &[
    ErrorCode::Request,
    ErrorCode::Value,
    ErrorCode::Window,
    ErrorCode::Pixmap,
    ErrorCode::Atom,
    ErrorCode::Match,
    ErrorCode::Drawable,
    ErrorCode::Access,
    ErrorCode::Alloc,
    ErrorCode::Gc,
    ErrorCode::IdChoice,
    ErrorCode::Length,
    ErrorCode::Implementation,
];

prop_compose! {
    /// Any protocol error.
    pub fn protocol_error()(
        code in one_of(ERROR_CODES), bad_value in any::<u64>(), opcode in any::<u8>(),
        message in text(),
    ) -> ProtocolError {
        ProtocolError { code, bad_value, opcode, message }
    }
}

/// Any server message: a reply, an event or an error, with any sequence number.
pub fn server_message() -> BoxedStrategy<ServerMessage> {
    let seq = || any::<u64>().prop_map(Seq);
    prop_oneof![
        (seq(), reply()).prop_map(|(seq, reply)| ServerMessage::Reply { seq, reply }),
        (seq(), event(), any::<bool>()).prop_map(|(seq, event, sent)| ServerMessage::Event {
            seq,
            event,
            sent
        }),
        (seq(), protocol_error()).prop_map(|(seq, error)| ServerMessage::Error { seq, error }),
    ]
    .boxed()
}

prop_compose! {
    /// Any hello.
    pub fn hello()(
        protocol in prop_oneof![Just(PROTOCOL_NAME.to_string()), text()],
        major in any::<u16>(), minor in any::<u16>(), cookie in bytes(), app_name in text(),
        id_space in any::<u32>(),
        resume in proptest::option::of((bytes(), any::<u64>(), any::<u64>())),
        token in proptest::option::of(bytes()),
    ) -> Hello {
        let resume = resume.map(|(secret, oldest, next_seq)| Resume { secret, oldest, next_seq });
        Hello { protocol, major, minor, cookie, app_name, id_space, resume, token }
    }
}

prop_compose! {
    fn screen_info()(
        root in window(), width in any::<u32>(), height in any::<u32>(),
        width_mm in any::<u32>(), height_mm in any::<u32>(), scale_factor in f64_no_nan(),
        bits in (any::<u8>(), any::<u8>()), masks in (any::<u32>(), any::<u32>(), any::<u32>()),
        root_background in color(),
    ) -> ScreenInfo {
        ScreenInfo {
            root, width, height, width_mm, height_mm, scale_factor,
            pixel_format: PixelFormat {
                bits_per_pixel: bits.0, depth: bits.1,
                red_mask: masks.0, green_mask: masks.1, blue_mask: masks.2,
            },
            root_background,
        }
    }
}

prop_compose! {
    fn setup()(
        major in any::<u16>(), minor in any::<u16>(), vendor in text(), client_id in client_id(),
        id_space in any::<u32>(), screens in list(screen_info()),
        limits in (any::<u32>(), any::<u32>(), any::<Option<u64>>()), extensions in list(text()),
        atoms in list((text(), atom())),
        session in proptest::option::of((bytes(), any::<bool>(), any::<u64>())),
        fonts in list((any::<u8>(), text(), any::<u64>())),
    ) -> Setup {
        let session = session.map(|(secret, resumed, last_seq)| Session { secret, resumed, last_seq });
        // The fonts come after the session: a server sends them only with one (1.7
        // clients always get a session).
        let fonts = match session {
            Some(_) => fonts
                .into_iter()
                .map(|(face, name, digest)| FontFace { face, name, digest })
                .collect(),
            None => Vec::new(),
        };
        Setup {
            major, minor, vendor, client_id, id_space, screens,
            limits: Limits {
                max_frame_len: limits.0,
                max_drawable_side: limits.1,
                max_drawable_pixels: limits.2,
            },
            extensions, atoms, session, fonts,
        }
    }
}

/// Any setup response: accepted with a setup, or refused with a reason.
pub fn setup_response() -> BoxedStrategy<SetupResponse> {
    prop_oneof![
        setup().prop_map(SetupResponse::Accepted),
        text().prop_map(|reason| SetupResponse::Refused(Refusal { reason })),
    ]
    .boxed()
}
