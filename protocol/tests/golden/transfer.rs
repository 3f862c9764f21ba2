//! Goldens of moving data between clients: selections, drag and drop, embedding (the
//! save-set), as requests and as the events they cause.

use super::session::*;
use super::Golden;
use yonder_protocol::event::*;
use yonder_protocol::request::*;
use yonder_protocol::*;

/// The selection, drag-and-drop and save-set requests.
pub(crate) fn requests() -> Vec<Golden> {
    vec![
        // Selections: the example client copies to the clipboard, the editor pastes.
        g(
            "SetSelectionOwner",
            req(Request::SetSelectionOwner(SetSelectionOwner {
                selection: atoms::CLIPBOARD,
                owner: WIN,
                time: Timestamp(48213),
            })),
            "10000000923c9303cf5eed000100000001cdbc55",
        ),
        g(
            "GetSelectionOwner",
            req(Request::GetSelectionOwner(GetSelectionOwner {
                selection: atoms::CLIPBOARD,
            })),
            "04000000923d9103",
        ),
        g(
            "ConvertSelection",
            req(Request::ConvertSelection(ConvertSelection {
                selection: atoms::CLIPBOARD,
                target: atoms::TEXT_PLAIN_UTF8,
                requestor: EDITOR,
                tag: 7,
            })),
            "0f000000923e940314cfed1700010000000107",
        ),
        g(
            "SendSelectionData",
            req(Request::SendSelectionData(SendSelectionData {
                transfer: 1,
                data: b"Hello, Yonder".to_vec(),
                done: true,
                refused: false,
            })),
            "15000000923f9401c40d48656c6c6f2c20596f6e646572c3c2",
        ),
        // Drag-and-drop: text dragged from WIN to the editor and moved there.
        g(
            "StartDrag",
            req(Request::StartDrag(StartDrag {
                source: WIN,
                types: vec![atoms::TEXT_PLAIN_UTF8, atoms::UTF8_STRING],
                actions: DndActions::COPY | DndActions::MOVE,
                icon: PIX,
                hotspot: Point::new(8, 8),
            })),
            "1c000000924095cf5eed00010000000192140803cf5eed000100000003920808",
        ),
        g(
            "DndStatus",
            req(Request::DndStatus(DndStatus {
                target: EDITOR,
                accept: true,
                action: DndAction::Move,
            })),
            "0e000000924193cfed17000100000001c302",
        ),
        g(
            "DndFinish",
            req(Request::DndFinish(DndFinish {
                target: EDITOR,
                success: true,
                action: DndAction::Move,
            })),
            "0e000000924293cfed17000100000001c302",
        ),
        // Embedding: WIN is a container, PART the editor's part inside it.
        g(
            "ChangeSaveSet",
            req(Request::ChangeSaveSet(ChangeSaveSet {
                window: PART,
                insert: true,
            })),
            "0d000000924392cfed17000100000002c3",
        ),
    ]
}

/// The selection and drag-and-drop events.
pub(crate) fn events() -> Vec<Golden> {
    vec![
        g(
            "SelectionClear event",
            event(
                12,
                Event::SelectionClear(SelectionClearEvent {
                    owner: EDITOR,
                    selection: atoms::CLIPBOARD,
                    time: Timestamp(48213),
                }),
                false,
            ),
            "1400000094010c922a93cfed1700010000000103cdbc55c2",
        ),
        g(
            "SelectionOwner event",
            event(
                60,
                Event::SelectionOwner(SelectionOwnerEvent {
                    root: WindowId::ROOT,
                    selection: atoms::CLIPBOARD,
                    owner: WIN,
                    time: Timestamp(48213),
                }),
                false,
            ),
            "1500000094013c922b940103cf5eed000100000001cdbc55c2",
        ),
        g(
            "SelectionRequest event",
            event(
                60,
                Event::SelectionRequest(SelectionRequestEvent {
                    owner: WIN,
                    transfer: 1,
                    requestor: EDITOR,
                    selection: atoms::CLIPBOARD,
                    target: atoms::TEXT_PLAIN_UTF8,
                }),
                false,
            ),
            "1c00000094013c922c95cf5eed00010000000101cfed170001000000010314c2",
        ),
        g(
            "SelectionData event",
            event(
                14,
                Event::SelectionData(SelectionDataEvent {
                    requestor: EDITOR,
                    tag: 7,
                    selection: atoms::CLIPBOARD,
                    target: atoms::TEXT_PLAIN_UTF8,
                    data: b"Hello, Yonder".to_vec(),
                    done: true,
                    refused: false,
                }),
                false,
            ),
            "2400000094010e922d97cfed17000100000001070314c40d48656c6c6f2c20596f6e646572c3c2c2",
        ),
        g(
            "DndEnter event",
            event(
                14,
                Event::DndEnter(DndEnterEvent {
                    target: EDITOR,
                    source: WIN,
                    types: vec![atoms::TEXT_PLAIN_UTF8, atoms::UTF8_STRING],
                    actions: DndActions::COPY | DndActions::MOVE,
                }),
                false,
            ),
            "1d00000094010e922e94cfed17000100000001cf5eed00010000000192140803c2",
        ),
        g(
            "DndPosition event",
            event(
                14,
                Event::DndPosition(DndPositionEvent {
                    target: EDITOR,
                    x: 80,
                    y: 160,
                    root_x: 900,
                    root_y: 260,
                    time: Timestamp(50480),
                }),
                false,
            ),
            "1c00000094010e922f96cfed1700010000000150cca0cd0384cd0104cdc530c2",
        ),
        g(
            "DndLeave event",
            event(15, Event::DndLeave(DndLeaveEvent { target: EDITOR }), false),
            "1000000094010f923091cfed17000100000001c2",
        ),
        g(
            "DndDrop event",
            event(
                15,
                Event::DndDrop(DndDropEvent {
                    target: EDITOR,
                    x: 80,
                    y: 160,
                    action: DndAction::Move,
                    time: Timestamp(50730),
                }),
                false,
            ),
            "1700000094010f923195cfed1700010000000150cca002cdc62ac2",
        ),
        g(
            "DndStatus event",
            event(
                64,
                Event::DndStatus(DndStatusEvent {
                    source: WIN,
                    target: EDITOR,
                    accept: true,
                    action: DndAction::Move,
                }),
                false,
            ),
            "1b000000940140923294cf5eed000100000001cfed17000100000001c302c2",
        ),
        g(
            "DndFinished event",
            event(
                64,
                Event::DndFinished(DndFinishedEvent {
                    source: WIN,
                    target: EDITOR,
                    success: true,
                    action: DndAction::Move,
                }),
                false,
            ),
            "1b000000940140923394cf5eed000100000001cfed17000100000001c302c2",
        ),
        g(
            "ServerEnding event",
            event(
                64,
                Event::ServerEnding(ServerEndingEvent {
                    root: WindowId::ROOT,
                    restart: true,
                }),
                false,
            ),
            "0900000094014092349201c3c2",
        ),
    ]
}
