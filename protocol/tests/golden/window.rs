//! Goldens of the requests on windows, atoms and properties, SendEvent, focus, pointer
//! and synthetic input.

use super::session::*;
use super::{Golden, Msg};
use yonder_protocol::event::*;
use yonder_protocol::request::*;
use yonder_protocol::*;

/// CreateWindow to ListClients.
pub(crate) fn requests() -> Vec<Golden> {
    vec![
        // --- Requests -----------------------------------------------------------------------
        g(
            "CreateWindow",
            req(Request::CreateWindow(CreateWindow {
                id: WIN,
                parent: WindowId::ROOT,
                rect: Rect::new(100, 80, 640, 480),
                attributes: WindowAttributes {
                    background: Some(Color::rgb(0xf0f0f0)),
                    event_mask: Some(client_mask()),
                    override_redirect: None,
                    cursor: None,
                },
            })),
            "23000000920194cf5eed00010000000101946450cd0280cd01e094cefff0f0f0ce0002800fc0c0",
        ),
        g(
            "ChangeWindowAttributes",
            req(Request::ChangeWindowAttributes(ChangeWindowAttributes {
                window: WIN,
                attributes: WindowAttributes {
                    background: None,
                    event_mask: Some(client_mask() | EventMask::POINTER_MOTION),
                    override_redirect: None,
                    cursor: Some(Cursor::Text),
                },
            })),
            "15000000920292cf5eed00010000000194c0ce0002804fc003",
        ),
        g(
            "GetWindowAttributes",
            req(Request::GetWindowAttributes(GetWindowAttributes {
                window: WIN,
            })),
            "0c000000920391cf5eed000100000001",
        ),
        g(
            "DestroyWindow",
            req(Request::DestroyWindow(DestroyWindow { window: CHILD })),
            "0c000000920491cf5eed000100000004",
        ),
        g(
            "MapWindow",
            req(Request::MapWindow(MapWindow { window: WIN })),
            "0c000000920591cf5eed000100000001",
        ),
        g(
            "MapWindow, relative id",
            Msg::OwnRequest(SPACE, Request::MapWindow(MapWindow { window: WIN })),
            "04000000920591ff",
        ),
        g(
            "UnmapWindow",
            req(Request::UnmapWindow(UnmapWindow { window: WIN })),
            "0c000000920691cf5eed000100000001",
        ),
        g(
            "ConfigureWindow",
            req(Request::ConfigureWindow(ConfigureWindow {
                window: WIN,
                x: None,
                y: None,
                width: Some(800),
                height: Some(600),
                stack_mode: Some(StackMode::Above),
                sibling: None,
            })),
            "16000000920797cf5eed000100000001c0c0cd0320cd025800c0",
        ),
        g(
            "ReparentWindow",
            req(Request::ReparentWindow(ReparentWindow {
                window: CHILD,
                parent: OTHER,
                x: 10,
                y: -4,
            })),
            "17000000920894cf5eed000100000004cf7a11ce00000000010afc",
        ),
        g(
            "GetGeometry",
            req(Request::GetGeometry(GetGeometry { drawable: win() })),
            "0c000000920991cf5eed000100000001",
        ),
        g(
            "QueryTree",
            req(Request::QueryTree(QueryTree {
                window: WindowId::ROOT,
            })),
            "04000000920a9101",
        ),
        g(
            "InternAtom",
            req(Request::InternAtom(InternAtom {
                name: "_NET_WM_STATE".into(),
                only_if_exists: false,
            })),
            "12000000920b92ad5f4e45545f574d5f5354415445c2",
        ),
        g(
            "GetAtomName",
            req(Request::GetAtomName(GetAtomName { atom: Atom(25) })),
            "04000000920c9119",
        ),
        g(
            "ChangeProperty",
            req(Request::ChangeProperty(ChangeProperty {
                window: WIN,
                property: atoms::NET_WM_NAME,
                type_: atoms::UTF8_STRING,
                mode: PropMode::Replace,
                data: b"Hello, Yonder".to_vec(),
            })),
            "1e000000920d95cf5eed000100000001100800c40d48656c6c6f2c20596f6e646572",
        ),
        g(
            "DeleteProperty",
            req(Request::DeleteProperty(DeleteProperty {
                window: WIN,
                property: atoms::WM_CLASS,
            })),
            "0d000000920e92cf5eed0001000000010c",
        ),
        g(
            "GetProperty",
            req(Request::GetProperty(GetProperty {
                window: WIN,
                property: atoms::NET_WM_NAME,
                delete: false,
            })),
            "0e000000920f93cf5eed00010000000110c2",
        ),
        g(
            "ListProperties",
            req(Request::ListProperties(ListProperties { window: WIN })),
            "0c000000921091cf5eed000100000001",
        ),
        g(
            "SendEvent",
            req(Request::SendEvent(SendEvent {
                destination: OTHER,
                event_mask: EventMask::EMPTY,
                event: Event::ClientMessage(ClientMessage {
                    window: OTHER,
                    type_: atoms::WM_PROTOCOLS,
                    data: atoms::WM_DELETE_WINDOW.0.to_le_bytes().to_vec(),
                }),
            })),
            "20000000921193cf7a11ce000000000100922193cf7a11ce00000000010dc4040e000000",
        ),
        g(
            "SendEvent, relative ids",
            Msg::OwnRequest(
                SPACE,
                Request::SendEvent(SendEvent {
                    destination: WIN,
                    event_mask: EventMask::EMPTY,
                    event: Event::ClientMessage(ClientMessage {
                        window: WIN,
                        type_: atoms::WM_PROTOCOLS,
                        data: atoms::WM_DELETE_WINDOW.0.to_le_bytes().to_vec(),
                    }),
                }),
            ),
            "10000000921193ff00922193ff0dc4040e000000",
        ),
        g(
            "SetInputFocus",
            req(Request::SetInputFocus(SetInputFocus { window: WIN })),
            "0c000000921291cf5eed000100000001",
        ),
        g(
            "GetInputFocus",
            req(Request::GetInputFocus(GetInputFocus {})),
            "03000000921390",
        ),
        g(
            "QueryPointer",
            req(Request::QueryPointer(QueryPointer { window: WIN })),
            "0c000000921491cf5eed000100000001",
        ),
        g(
            "FakeInput",
            req(Request::FakeInput(FakeInput {
                kind: FakeKind::Motion,
                detail: 0,
                x: 400,
                y: 300,
            })),
            "0b0000009215940600cd0190cd012c",
        ),
        g("Sync", req(Request::Sync(Sync {})), "03000000921690"),
        g(
            "NoOperation",
            req(Request::NoOperation(NoOperation {})),
            "03000000921c90",
        ),
        g(
            "ListClients",
            req(Request::ListClients(ListClients {})),
            "03000000921790",
        ),
        g(
            "SetCloseDownMode",
            req(Request::SetCloseDownMode(SetCloseDownMode {
                mode: CloseDownMode::Destroy,
            })),
            "0400000092189100",
        ),
    ]
}
