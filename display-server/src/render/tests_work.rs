//! The bounds of `work.rs`: each kind's careful estimate (forced with a cap of 0) against
//! the pixels its route draws, its quick bound, and the most one item counts.

use super::*;

/// The careful estimate of `items` (no quick bound is within a cap of 0).
fn careful(items: impl Items, lw: u32, w: u32, h: u32) -> u64 {
    items.estimate(lw, w, h, 0)
}

/// The OR of every width and height of `sizes`, for [`widest`].
fn sides(sizes: impl Iterator<Item = (u32, u32)>) -> u32 {
    let (w, h) = sizes.fold((0, 0), |(w, h), (a, b)| (w | a, h | b));
    w | h
}

/// The OR of the rectangles' sides, as `handlers::draw` takes it while converting them.
fn or(rects: &[IRect]) -> u32 {
    sides(rects.iter().map(|r| (r.width, r.height)))
}

/// The OR of the arcs' sides, as `handlers::draw` takes it while converting them.
fn arc_or(arcs: &[ArcSpec]) -> u32 {
    sides(arcs.iter().map(|a| (a.width, a.height)))
}

/// PolyArc's items, with their sides OR-ed.
fn stroke(arcs: &[ArcSpec]) -> StrokeArcs<'_> {
    StrokeArcs(arcs, arc_or(arcs))
}

/// PolyFillArc's items, with their sides OR-ed.
fn fill_arcs(arcs: &[ArcSpec]) -> FillArcs<'_> {
    FillArcs(arcs, arc_or(arcs))
}

fn arc(x: i32, y: i32, width: u32, height: u32) -> ArcSpec {
    ArcSpec {
        x,
        y,
        width,
        height,
        angle1: 0,
        angle2: 360 * 64,
    }
}

#[test]
fn fills_count_only_what_lies_inside_the_drawable() {
    let r = IRect::new;
    let fill = |rects: &[IRect], w, h| careful(FillRects(rects, or(rects)), 0, w, h);
    assert_eq!(fill(&[r(0, 0, 10, 10)], 100, 100), 100);
    assert_eq!(fill(&[r(-5, -5, 10, 10)], 100, 100), 25);
    assert_eq!(fill(&[r(95, 0, 10, 1)], 100, 100), 5);
    assert_eq!(fill(&[r(200, 0, 10, 10), r(0, 0, 0, 9)], 100, 100), 0);
    // Huge rectangles are the drawable at most, and many add up exactly.
    let huge = r(i32::MIN, i32::MIN, u32::MAX, u32::MAX);
    assert_eq!(fill(&[huge; 3], 8192, 4096), 3 << 25);
    let far = r(i32::MAX, i32::MAX, u32::MAX, u32::MAX);
    assert_eq!(fill(&[far], 8192, 4096), 0);
    // Quick: sides up to 15 bound each rectangle by 15², when that is within the cap.
    let small = [r(3, 4, 10, 10), r(500, 500, 1, 15)];
    assert_eq!(
        FillRects(&small, or(&small)).estimate(0, 100, 100, 1000),
        2 * 225
    );
    assert_eq!(
        FillRects(&small, or(&small)).estimate(0, 100, 100, 449),
        100
    );
    assert_eq!(FillRects(&small, or(&small)).each(0, 100, 100), 100 * 100);
}

#[test]
fn outlines_go_by_perimeter_and_width_clamped_to_the_drawable() {
    let r = IRect::new(0, 0, 10, 20);
    // Thin: the 11 × 21 outline (60 pixels) is within the bound.
    let thin = careful(StrokeRects(&[r], or(&[r])), 0, 100, 100);
    assert!((60..=100).contains(&thin), "{thin}");
    assert_eq!(careful(StrokeRects(&[r], or(&[r])), 1, 100, 100), thin);
    // Wide: about width times perimeter.
    let wide = careful(StrokeRects(&[r], or(&[r])), 4, 100, 100);
    assert!((4 * 60..=5 * thin).contains(&wide), "{wide}");
    // However large, a thin outline crosses the drawable's rows and columns twice; a
    // wide one is the drawable at most.
    let huge = IRect::new(-10, -10, u32::MAX, u32::MAX);
    assert_eq!(StrokeRects(&[], or(&[])).each(0, 64, 32), 4 * 96 + 64);
    assert_eq!(
        careful(StrokeRects(&[huge; 2], or(&[huge; 2])), 0, 64, 32),
        2 * (4 * 96 + 64)
    );
    assert_eq!(
        careful(StrokeRects(&[huge; 2], or(&[huge; 2])), 4096, 64, 32),
        2 * 64 * 32
    );
    assert_eq!(Points(7).estimate(0, 1, 1, 0), 7);
    assert_eq!(Points(7).each(0, 1000, 1000), 1);
}

#[test]
fn lines_go_by_their_major_axis() {
    let segs = |s: &[(i32, i32, i32, i32)], lw, w, h| careful(Segments(s), lw, w, h);
    // A thin segment draws max(|dx|, |dy|) + 1 pixels; the bound is a little more.
    let s = segs(&[(0, 0, 30, 10)], 0, 100, 100);
    assert!((31..=40).contains(&s), "{s}");
    assert_eq!(segs(&[(0, 0, 10, 30)], 0, 100, 100), s);
    // Width multiplies; a point-long segment still counts.
    assert!(segs(&[(0, 0, 30, 10)], 5, 100, 100) >= 5 * 31);
    assert!(segs(&[(3, 3, 3, 3)], 0, 100, 100) >= 1);
    // However long: a thin one crosses the drawable once, a wide one is the drawable.
    let long = (i32::MIN, 0, i32::MAX, 0);
    assert_eq!(Segments(&[]).each(0, 10, 10), 2 * 10 + 32);
    assert_eq!(Segments(&[]).each(1, 600, 400), 2 * 600 + 32);
    assert_eq!(segs(&[long; 4], 0, 600, 400), 4 * (2 * 600 + 32));
    assert_eq!(segs(&[long; 4], 4096, 10, 10), 400);
    // A poly-line: its segments with room for joins.
    let line = careful(PolyLine(&[(0, 0), (30, 0), (30, 30)]), 0, 100, 100);
    assert!((61..=80).contains(&line), "{line}");
    assert_eq!(careful(PolyLine(&[(5, 5)]), 0, 100, 100), 1);
    assert_eq!(careful(PolyLine(&[]), 0, 100, 100), 0);
}

#[test]
fn arcs_go_by_their_box() {
    // A thin circle of diameter 20: about 63 pixels of outline, 21 rows, and 21 rows to
    // record its spans.
    let o = careful(stroke(&[arc(0, 0, 20, 20)]), 0, 100, 100);
    assert!((63 + 21..=150).contains(&o), "{o}");
    // A fill: its 21 × 21 box and rows, and the recording.
    let fill = |a: &[ArcSpec], w, h| careful(fill_arcs(a), 0, w, h);
    assert_eq!(fill(&[arc(0, 0, 20, 20)], 100, 100), 21 * 21 + 21 + 21);
    assert_eq!(fill(&[arc(-10, -10, 20, 20)], 100, 100), 11 * 11 + 11 + 21);
    // Outside the drawable, recording a new size costs the same.
    assert_eq!(fill(&[arc(500, 500, 20, 20)], 100, 100), 21);
    assert_eq!(fill(&[arc(500, 500, 20, 1024)], 1, 1), 1025);
    assert_eq!(fill_arcs(&[]).each(0, 1, 1), 1 + 1025);
    // Giant arcs (never cached): the drawable at most each.
    let giant = arc(i32::MIN / 2, i32::MIN / 2, u32::MAX, u32::MAX);
    assert_eq!(fill(&[giant; 2], 50, 40), 2 * 2000);
    assert_eq!(careful(stroke(&[giant]), 4096, 50, 40), 2000);
    // Quick: boxes up to 31 wide bound each fill by 32², its rows and its recording.
    let quick = fill_arcs(&[arc(0, 0, 20, 20); 3]).estimate(0, 100, 100, 1 << 20);
    assert_eq!(quick, 3 * (32 * 32 + 32 + 32));
    let quick = stroke(&[arc(0, 0, 20, 20); 3]).estimate(0, 100, 100, 1 << 20);
    assert_eq!(quick, 3 * (4 * 31 + 4 + 2 + 32 + 32));
    // One large arc among small ones: the quick bound still counts a recording each.
    let mixed = [arc(0, 0, 5000, 5000), arc(0, 0, 3, 3)];
    let quick = fill_arcs(&mixed).estimate(0, 10, 10, 1 << 20);
    assert_eq!(quick, 2 * (100 + 1025));
}

#[test]
fn polygons_count_their_box_and_their_edges_rows() {
    let poly = |p: &[(i32, i32)], w, h| careful(Polygon(p), 0, w, h);
    // A triangle in a 10 × 10 box: its box, plus 3 edges looked at on 11 rows.
    let tri = [(0, 0), (10, 0), (0, 10)];
    assert_eq!(poly(&tri, 100, 100), 11 * 11 + 11 * 3);
    // Far outside: nothing to fill, and the edges cost a little.
    let away = [(1000, 1000), (1010, 1000), (1000, 1010)];
    assert_eq!(poly(&away, 100, 100), 3);
    // Many vertices (the path route): each edge costs the rows it crosses.
    let zigzag: Vec<(i32, i32)> = (0..1000).map(|i| (i % 2 * 50, i / 10)).collect();
    let z = poly(&zigzag, 100, 100);
    assert!((51 * 100 + 1000..=51 * 100 + 4000).contains(&z), "{z}");
    assert_eq!(poly(&[], 100, 100), 0);
    // Huge coordinates stay within bounds (no overflow) and clip.
    let huge = [(i32::MIN, i32::MIN), (i32::MAX, i32::MIN), (0, i32::MAX)];
    let hz = poly(&huge, 64, 64);
    assert!(
        (64 * 64..=64 * 64 + 3 * 64 + 3 + 6 * 64).contains(&hz),
        "{hz}"
    );
}

#[test]
fn text_goes_by_characters_and_size() {
    let text = |text: &str, size, w, h| careful(Text { text, size }, 0, w, h);
    assert_eq!(text("0123456789", 14.0, 1000, 1000), 10 * 16 * 16);
    assert_eq!(text("x", 13.5, 1000, 1000), 16 * 16);
    // Characters, not bytes; the quick count is bytes.
    assert_eq!(text("ééé", 14.0, 1000, 1000), 3 * 16 * 16);
    assert_eq!(
        Text {
            text: "ééé",
            size: 14.0
        }
        .count(),
        6
    );
    // A glyph larger than the drawable counts the drawable.
    assert_eq!(text("abc", 512.0, 10, 10), 300);
    assert_eq!(text("", 512.0, 10, 10), 0);
}

#[test]
fn images_are_one_item_of_the_drawable_and_not_capped() {
    let capped = [<Image as Items>::CAPPED, <FillRects as Items>::CAPPED];
    assert_eq!(capped, [false, true]);
    assert_eq!((Image.count(), Image.each(0, 30, 20)), (1, 600));
}
