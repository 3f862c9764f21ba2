//! proptest strategies for every protocol value: primitives and requests here, what the
//! server sends in [`server`]. Each enum's strategy lists every variant (the coverage
//! tests in `proptest.rs` check that against the enums' wire codes), with arbitrary ids,
//! numbers, strings, byte vectors and options. Floats are never NaN, so that decoded
//! values compare equal to the originals.

pub mod server;

use proptest::prelude::*;
use yonder_protocol::geometry::Arc;
use yonder_protocol::request::*;
use yonder_protocol::*;

/// An id: often one of the special values, otherwise anything.
pub fn raw_id() -> impl Strategy<Value = u64> {
    prop_oneof![
        1 => Just(0u64),
        1 => Just(1u64),
        1 => (1u32..8, 1u32..8).prop_map(|(s, n)| make_id(s, n)),
        3 => any::<u64>(),
    ]
}

/// A window id.
pub fn window() -> impl Strategy<Value = WindowId> {
    raw_id().prop_map(WindowId)
}

/// A drawable id.
pub fn drawable() -> impl Strategy<Value = Drawable> {
    raw_id().prop_map(Drawable)
}

/// A pixmap id.
pub fn pixmap() -> impl Strategy<Value = PixmapId> {
    raw_id().prop_map(PixmapId)
}

/// A GC id.
pub fn gc() -> impl Strategy<Value = GcId> {
    raw_id().prop_map(GcId)
}

/// An atom.
pub fn atom() -> impl Strategy<Value = Atom> {
    any::<u32>().prop_map(Atom)
}

/// A color.
pub fn color() -> impl Strategy<Value = Color> {
    any::<u32>().prop_map(Color)
}

/// An event mask.
pub fn event_mask() -> impl Strategy<Value = EventMask> {
    any::<u32>().prop_map(EventMask)
}

/// A modifier mask.
pub fn mod_mask() -> impl Strategy<Value = ModMask> {
    any::<u16>().prop_map(ModMask)
}

/// A timestamp.
pub fn time() -> impl Strategy<Value = Timestamp> {
    any::<u32>().prop_map(Timestamp)
}

/// A string of any characters.
pub fn text() -> impl Strategy<Value = String> {
    any::<String>()
}

/// Bytes of any value.
pub fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..64)
}

/// A list of up to 8 values.
pub fn list<S: Strategy>(s: S) -> impl Strategy<Value = Vec<S::Value>> {
    prop::collection::vec(s, 0..8)
}

/// A float of any class but NaN (infinities and subnormals included).
pub fn f64_no_nan() -> impl Strategy<Value = f64> {
    use prop::num::f64::*;
    POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO | INFINITE
}

/// An f32 of any class but NaN.
pub fn f32_no_nan() -> impl Strategy<Value = f32> {
    use prop::num::f32::*;
    POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO | INFINITE
}

/// One of the values of a fieldless enum.
pub fn one_of<T: Clone + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    prop::sample::select(all)
}

prop_compose! {
    /// A point.
    pub fn point()(x in any::<i32>(), y in any::<i32>()) -> Point { Point::new(x, y) }
}

prop_compose! {
    /// A rectangle.
    pub fn rect()(x in any::<i32>(), y in any::<i32>(), w in any::<u32>(), h in any::<u32>())
        -> Rect { Rect::new(x, y, w, h) }
}

prop_compose! {
    fn segment()(x1 in any::<i32>(), y1 in any::<i32>(), x2 in any::<i32>(), y2 in any::<i32>())
        -> Segment { Segment { x1, y1, x2, y2 } }
}

prop_compose! {
    fn arc()(r in rect(), angle1 in any::<i32>(), angle2 in any::<i32>()) -> Arc {
        Arc { x: r.x, y: r.y, width: r.width, height: r.height, angle1, angle2 }
    }
}

/// Every cursor.
pub const CURSORS: &[Cursor] = &[
    Cursor::Inherit,
    Cursor::Default,
    Cursor::Pointer,
    Cursor::Text,
    Cursor::Crosshair,
    Cursor::Move,
    Cursor::Wait,
    Cursor::Progress,
    Cursor::NotAllowed,
    Cursor::Help,
    Cursor::Grab,
    Cursor::Grabbing,
    Cursor::EwResize,
    Cursor::NsResize,
    Cursor::NwseResize,
    Cursor::NeswResize,
    Cursor::Copy,
    Cursor::Alias,
    Cursor::Hidden,
];
/// Every image format.
pub const IMAGE_FORMATS: &[ImageFormat] = &[
    ImageFormat::Bgrx,
    ImageFormat::Rgba,
    ImageFormat::Png,
    ImageFormat::Jpeg,
    ImageFormat::Qoi,
    ImageFormat::Rgbx,
];
/// Every drag-and-drop action.
pub const DND_ACTIONS: &[DndAction] = &[
    DndAction::None,
    DndAction::Copy,
    DndAction::Move,
    DndAction::Link,
];
const OPS: &[CompositeOp] = &[
    CompositeOp::Over,
    CompositeOp::Source,
    CompositeOp::Clear,
    CompositeOp::Xor,
    CompositeOp::Add,
    CompositeOp::Multiply,
    CompositeOp::Screen,
];
const FAKE_KINDS: &[FakeKind] = &[
    FakeKind::KeyPress,
    FakeKind::KeyRelease,
    FakeKind::ButtonPress,
    FakeKind::ButtonRelease,
    FakeKind::Motion,
];

prop_compose! {
    fn window_attributes()(
        background in prop::option::of(color()),
        event_mask in prop::option::of(event_mask()),
        override_redirect in prop::option::of(any::<bool>()),
        cursor in prop::option::of(one_of(CURSORS)),
    ) -> WindowAttributes {
        WindowAttributes { background, event_mask, override_redirect, cursor }
    }
}

prop_compose! {
    fn gc_values()(
        foreground in prop::option::of(color()),
        background in prop::option::of(color()),
        line_width in prop::option::of(any::<u32>()),
        antialias in prop::option::of(any::<bool>()),
        font_size in prop::option::of(f32_no_nan()),
        op in prop::option::of(one_of(OPS)),
        fill_rule in prop::option::of(one_of(&[FillRule::EvenOdd, FillRule::Winding])),
        arc_mode in prop::option::of(one_of(&[ArcMode::PieSlice, ArcMode::Chord])),
        cap_style in prop::option::of(one_of(&[CapStyle::Butt, CapStyle::Round, CapStyle::Square])),
        join_style in prop::option::of(one_of(&[JoinStyle::Miter, JoinStyle::Round, JoinStyle::Bevel])),
        font_face in prop::option::of(any::<u8>()),
        text_antialias in prop::option::of(any::<bool>()),
    ) -> GcValues {
        GcValues {
            foreground, background, line_width, antialias, font_size, op, fill_rule,
            arc_mode, cap_style, join_style, font_face, text_antialias,
        }
    }
}

/// Window requests.
fn window_request() -> BoxedStrategy<Request> {
    prop_oneof![
        (window(), window(), rect(), window_attributes()).prop_map(
            |(id, parent, rect, attributes)| {
                Request::CreateWindow(CreateWindow {
                    id,
                    parent,
                    rect,
                    attributes,
                })
            }
        ),
        (window(), window_attributes()).prop_map(|(window, attributes)| {
            Request::ChangeWindowAttributes(ChangeWindowAttributes { window, attributes })
        }),
        window().prop_map(|window| Request::GetWindowAttributes(GetWindowAttributes { window })),
        window().prop_map(|window| Request::DestroyWindow(DestroyWindow { window })),
        window().prop_map(|window| Request::MapWindow(MapWindow { window })),
        window().prop_map(|window| Request::UnmapWindow(UnmapWindow { window })),
        (
            window(),
            prop::option::of(any::<i32>()),
            prop::option::of(any::<i32>()),
            prop::option::of(any::<u32>()),
            prop::option::of(any::<u32>()),
            prop::option::of(one_of(&[StackMode::Above, StackMode::Below])),
            prop::option::of(window()),
        )
            .prop_map(|(window, x, y, width, height, stack_mode, sibling)| {
                Request::ConfigureWindow(ConfigureWindow {
                    window,
                    x,
                    y,
                    width,
                    height,
                    stack_mode,
                    sibling,
                })
            }),
        (window(), window(), any::<i32>(), any::<i32>()).prop_map(|(window, parent, x, y)| {
            Request::ReparentWindow(ReparentWindow {
                window,
                parent,
                x,
                y,
            })
        }),
        drawable().prop_map(|drawable| Request::GetGeometry(GetGeometry { drawable })),
        window().prop_map(|window| Request::QueryTree(QueryTree { window })),
    ]
    .boxed()
}

/// Atom, property and client-message requests.
fn property_request() -> BoxedStrategy<Request> {
    prop_oneof![
        (text(), any::<bool>()).prop_map(|(name, only_if_exists)| {
            Request::InternAtom(InternAtom {
                name,
                only_if_exists,
            })
        }),
        atom().prop_map(|atom| Request::GetAtomName(GetAtomName { atom })),
        (
            window(),
            atom(),
            atom(),
            one_of(&[PropMode::Replace, PropMode::Prepend, PropMode::Append]),
            bytes(),
        )
            .prop_map(|(window, property, type_, mode, data)| {
                Request::ChangeProperty(ChangeProperty {
                    window,
                    property,
                    type_,
                    mode,
                    data,
                })
            }),
        (window(), atom()).prop_map(|(window, property)| {
            Request::DeleteProperty(DeleteProperty { window, property })
        }),
        (window(), atom(), any::<bool>()).prop_map(|(window, property, delete)| {
            Request::GetProperty(GetProperty {
                window,
                property,
                delete,
            })
        }),
        window().prop_map(|window| Request::ListProperties(ListProperties { window })),
        (window(), event_mask(), server::event()).prop_map(|(destination, event_mask, event)| {
            Request::SendEvent(SendEvent {
                destination,
                event_mask,
                event,
            })
        }),
    ]
    .boxed()
}

/// Input and administrative requests.
fn input_request() -> BoxedStrategy<Request> {
    prop_oneof![
        window().prop_map(|window| Request::SetInputFocus(SetInputFocus { window })),
        Just(Request::GetInputFocus(GetInputFocus {})),
        window().prop_map(|window| Request::QueryPointer(QueryPointer { window })),
        (one_of(FAKE_KINDS), any::<u32>(), any::<i32>(), any::<i32>())
            .prop_map(|(kind, detail, x, y)| Request::FakeInput(FakeInput { kind, detail, x, y })),
        Just(Request::Sync(Sync {})),
        Just(Request::NoOperation(NoOperation {})),
        Just(Request::ListClients(ListClients {})),
        prop_oneof![Just(CloseDownMode::Destroy), Just(CloseDownMode::Retain)]
            .prop_map(|mode| Request::SetCloseDownMode(SetCloseDownMode { mode })),
        text().prop_map(|app_name| Request::GrantMove(GrantMove { app_name })),
        (any::<u32>(), text(), bytes()).prop_map(|(client, to, token)| {
            Request::MoveClient(MoveClient {
                client: ClientId(client),
                to,
                token,
            })
        }),
        (any::<bool>(), text())
            .prop_map(|(moved, reason)| Request::MoveDone(MoveDone { moved, reason })),
    ]
    .boxed()
}

/// Pixmap and GC requests.
fn resource_request() -> BoxedStrategy<Request> {
    prop_oneof![
        (pixmap(), drawable(), any::<u32>(), any::<u32>()).prop_map(
            |(id, drawable, width, height)| {
                Request::CreatePixmap(CreatePixmap {
                    id,
                    drawable,
                    width,
                    height,
                })
            }
        ),
        pixmap().prop_map(|pixmap| Request::FreePixmap(FreePixmap { pixmap })),
        (gc(), drawable(), gc_values()).prop_map(|(id, drawable, values)| {
            Request::CreateGc(CreateGc {
                id,
                drawable,
                values,
            })
        }),
        (gc(), gc_values()).prop_map(|(gc, values)| Request::ChangeGc(ChangeGc { gc, values })),
        (gc(), point(), prop::option::of(list(rect()))).prop_map(|(gc, origin, rects)| {
            Request::SetClipRectangles(SetClipRectangles { gc, origin, rects })
        }),
        gc().prop_map(|gc| Request::FreeGc(FreeGc { gc })),
    ]
    .boxed()
}

/// Drawing requests.
fn draw_request() -> BoxedStrategy<Request> {
    prop_oneof![
        (window(), rect(), any::<bool>()).prop_map(|(window, rect, exposures)| {
            Request::ClearArea(ClearArea {
                window,
                rect,
                exposures,
            })
        }),
        (drawable(), drawable(), gc(), rect(), point()).prop_map(
            |(src, dst, gc, src_rect, dst_origin)| {
                Request::CopyArea(CopyArea {
                    src,
                    dst,
                    gc,
                    src_rect,
                    dst_origin,
                })
            }
        ),
        (drawable(), gc(), list(point())).prop_map(|(drawable, gc, points)| {
            Request::PolyPoint(PolyPoint {
                drawable,
                gc,
                points,
            })
        }),
        (drawable(), gc(), list(point())).prop_map(|(drawable, gc, points)| {
            Request::PolyLine(PolyLine {
                drawable,
                gc,
                points,
            })
        }),
        (drawable(), gc(), list(segment())).prop_map(|(drawable, gc, segments)| {
            Request::PolySegment(PolySegment {
                drawable,
                gc,
                segments,
            })
        }),
        (drawable(), gc(), list(rect())).prop_map(|(drawable, gc, rects)| {
            Request::PolyRectangle(PolyRectangle {
                drawable,
                gc,
                rects,
            })
        }),
        (drawable(), gc(), list(rect())).prop_map(|(drawable, gc, rects)| {
            Request::PolyFillRectangle(PolyFillRectangle {
                drawable,
                gc,
                rects,
            })
        }),
        (drawable(), gc(), list(arc()))
            .prop_map(|(drawable, gc, arcs)| { Request::PolyArc(PolyArc { drawable, gc, arcs }) }),
        (drawable(), gc(), list(arc())).prop_map(|(drawable, gc, arcs)| {
            Request::PolyFillArc(PolyFillArc { drawable, gc, arcs })
        }),
        (drawable(), gc(), list(point())).prop_map(|(drawable, gc, points)| {
            Request::FillPoly(FillPoly {
                drawable,
                gc,
                points,
            })
        }),
        (
            drawable(),
            gc(),
            point(),
            any::<u32>(),
            any::<u32>(),
            one_of(IMAGE_FORMATS),
            bytes(),
        )
            .prop_map(|(drawable, gc, dst, width, height, format, data)| {
                Request::PutImage(PutImage {
                    drawable,
                    gc,
                    dst,
                    width,
                    height,
                    format,
                    data,
                })
            }),
        (drawable(), rect(), one_of(IMAGE_FORMATS)).prop_map(|(drawable, rect, format)| {
            Request::GetImage(GetImage {
                drawable,
                rect,
                format,
            })
        }),
        (drawable(), gc(), point(), text()).prop_map(|(drawable, gc, origin, text)| {
            Request::DrawText(DrawText {
                drawable,
                gc,
                origin,
                text,
            })
        }),
        (gc(), text())
            .prop_map(|(gc, text)| { Request::QueryTextExtents(QueryTextExtents { gc, text }) }),
        (gc(), prop::collection::vec(text(), 0..4)).prop_map(|(gc, texts)| {
            Request::QueryTextExtentsBatch(QueryTextExtentsBatch { gc, texts })
        }),
    ]
    .boxed()
}

/// Selection, drag-and-drop and save-set requests.
fn transfer_request() -> BoxedStrategy<Request> {
    prop_oneof![
        (atom(), window(), time()).prop_map(|(selection, owner, time)| {
            Request::SetSelectionOwner(SetSelectionOwner {
                selection,
                owner,
                time,
            })
        }),
        atom().prop_map(|selection| Request::GetSelectionOwner(GetSelectionOwner { selection })),
        (atom(), atom(), window(), any::<u32>()).prop_map(|(selection, target, requestor, tag)| {
            Request::ConvertSelection(ConvertSelection {
                selection,
                target,
                requestor,
                tag,
            })
        }),
        (any::<u64>(), bytes(), any::<bool>(), any::<bool>()).prop_map(
            |(transfer, data, done, refused)| {
                Request::SendSelectionData(SendSelectionData {
                    transfer,
                    data,
                    done,
                    refused,
                })
            }
        ),
        (window(), list(atom()), any::<u8>(), pixmap(), point()).prop_map(
            |(source, types, actions, icon, hotspot)| {
                Request::StartDrag(StartDrag {
                    source,
                    types,
                    actions: DndActions(actions),
                    icon,
                    hotspot,
                })
            }
        ),
        (window(), any::<bool>(), one_of(DND_ACTIONS)).prop_map(|(target, accept, action)| {
            Request::DndStatus(DndStatus {
                target,
                accept,
                action,
            })
        }),
        (window(), any::<bool>(), one_of(DND_ACTIONS)).prop_map(|(target, success, action)| {
            Request::DndFinish(DndFinish {
                target,
                success,
                action,
            })
        }),
        (window(), any::<bool>()).prop_map(|(window, insert)| {
            Request::ChangeSaveSet(ChangeSaveSet { window, insert })
        }),
    ]
    .boxed()
}

/// Shared-memory image requests.
fn shm_request() -> BoxedStrategy<Request> {
    let segment = || any::<u32>().prop_map(ShmSegment);
    prop_oneof![
        (segment(), any::<u64>())
            .prop_map(|(segment, size)| Request::ShmAttach(ShmAttach { segment, size })),
        segment().prop_map(|segment| Request::ShmDetach(ShmDetach { segment })),
        (
            (drawable(), gc(), point()),
            (any::<u32>(), any::<u32>(), one_of(IMAGE_FORMATS)),
            (segment(), any::<u64>(), any::<u32>()),
        )
            .prop_map(
                |((drawable, gc, dst), (width, height, format), (segment, offset, stride))| {
                    Request::ShmPutImage(ShmPutImage {
                        drawable,
                        gc,
                        dst,
                        width,
                        height,
                        format,
                        segment,
                        offset,
                        stride,
                    })
                }
            ),
    ]
    .boxed()
}

/// Any request.
pub fn request() -> BoxedStrategy<Request> {
    prop_oneof![
        3 => shm_request(),
        10 => window_request(),
        7 => property_request(),
        6 => input_request(),
        6 => resource_request(),
        14 => draw_request(),
        8 => transfer_request(),
    ]
    .boxed()
}
