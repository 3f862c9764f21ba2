//! Goldens of every reply.

use super::session::*;
use super::Golden;
use yonder_protocol::reply::*;
use yonder_protocol::request::*;
use yonder_protocol::*;

/// One per reply code.
pub(crate) fn replies() -> Vec<Golden> {
    vec![
        // --- Replies ------------------------------------------------------------------------
        g(
            "WindowAttributes reply",
            reply(
                3,
                Reply::WindowAttributes(WindowAttributesReply {
                    map_state: MapState::Viewable,
                    override_redirect: false,
                    background: Color::rgb(0xf0f0f0),
                    your_event_mask: client_mask(),
                    all_event_masks: client_mask() | EventMask::SUBSTRUCTURE_NOTIFY,
                    owner: ClientId(2),
                }),
            ),
            "1800000093000392039602c2cefff0f0f0ce0002800fce000a800f02",
        ),
        g(
            "Geometry reply",
            reply(
                9,
                Reply::Geometry(GeometryReply {
                    root: WindowId::ROOT,
                    rect: Rect::new(100, 80, 640, 480),
                }),
            ),
            "1000000093000992099201946450cd0280cd01e0",
        ),
        g(
            "QueryTree reply",
            reply(
                10,
                Reply::QueryTree(QueryTreeReply {
                    root: WindowId::ROOT,
                    parent: WindowId::NONE,
                    children: vec![OTHER, WIN],
                }),
            ),
            "1b00000093000a920a93010092cf7a11ce0000000001cf5eed000100000001",
        ),
        g(
            "InternAtom reply",
            reply(11, Reply::InternAtom(InternAtomReply { atom: Atom(25) })),
            "0700000093000b920b9119",
        ),
        g(
            "AtomName reply",
            reply(
                12,
                Reply::AtomName(AtomNameReply {
                    name: "_NET_WM_STATE".into(),
                }),
            ),
            "1400000093000c920c91ad5f4e45545f574d5f5354415445",
        ),
        g(
            "Property reply",
            reply(
                15,
                Reply::Property(PropertyReply {
                    type_: atoms::UTF8_STRING,
                    data: b"Hello, Yonder".to_vec(),
                }),
            ),
            "1600000093000f920f9208c40d48656c6c6f2c20596f6e646572",
        ),
        g(
            "ListProperties reply",
            reply(
                16,
                Reply::ListProperties(ListPropertiesReply {
                    atoms: vec![atoms::NET_WM_NAME, atoms::WM_PROTOCOLS],
                }),
            ),
            "0900000093001092109192100d",
        ),
        g(
            "InputFocus reply",
            reply(19, Reply::InputFocus(InputFocusReply { window: WIN })),
            "0f000000930013921391cf5eed000100000001",
        ),
        g(
            "QueryPointer reply",
            reply(
                20,
                Reply::QueryPointer(QueryPointerReply {
                    root: WindowId::ROOT,
                    root_x: 412,
                    root_y: 310,
                    child: WindowId::NONE,
                    win_x: 312,
                    win_y: 230,
                    mask: ModMask::SHIFT | ModMask::BUTTON1,
                }),
            ),
            "1600000093001492149701cd019ccd013600cd0138cce6cd0101",
        ),
        g("Sync reply", reply(22, Reply::Sync(SyncReply {})), "06000000930016921690"),
        g(
            "ListClients reply",
            reply(
                23,
                Reply::ListClients(ListClientsReply {
                    clients: vec![
                        ClientInfo {
                            id: ClientId(1),
                            app_name: "yfiles".into(),
                            id_space: 0x7a11_ce00,
                            windows: 3,
                            pixmaps: 0,
                            gcs: 1,
                            detached_secs: Some(42),
                        },
                        ClientInfo {
                            id: ClientId(2),
                            app_name: "hello".into(),
                            id_space: SPACE,
                            windows: 1,
                            pixmaps: 1,
                            gcs: 1,
                            detached_secs: None,
                        },
                    ],
                }),
            ),
            "29000000930017921791929701a67966696c6573ce7a11ce000300012a9602a568656c6c6fce5eed0001010101",
        ),
        g(
            "Image reply",
            reply(
                51,
                Reply::Image(ImageReply {
                    width: 2,
                    height: 1,
                    format: ImageFormat::Rgba,
                    data: vec![0xff, 0x00, 0x00, 0xff, 0x00, 0x00, 0xff, 0xff],
                }),
            ),
            "13000000930033923394020101c408ff0000ff0000ffff",
        ),
        g(
            "TextExtents reply",
            reply(
                53,
                Reply::TextExtents(TextExtentsReply {
                    width: 38,
                    ascent: 11,
                    descent: 0,
                    font_ascent: 15,
                    font_descent: 4,
                }),
            ),
            "0b000000930035923595260b000f04",
        ),
        g(
            "TextExtentsBatch reply",
            reply(
                54,
                Reply::TextExtentsBatch(TextExtentsBatchReply {
                    extents: vec![
                        TextExtentsReply {
                            width: 10,
                            ascent: 10,
                            descent: 0,
                            font_ascent: 15,
                            font_descent: 4,
                        },
                        TextExtentsReply {
                            width: 38,
                            ascent: 11,
                            descent: 0,
                            font_ascent: 15,
                            font_descent: 4,
                        },
                    ],
                }),
            ),
            "1300000093003692369192950a0a000f0495260b000f04",
        ),
        g(
            "SelectionOwner reply",
            reply(61, Reply::SelectionOwner(SelectionOwnerReply { owner: WIN })),
            "0f00000093003d923d91cf5eed000100000001",
        ),
    ]
}
