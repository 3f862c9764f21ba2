//! Goldens of the events of input, crossing, focus, exposure, the window tree, properties,
//! client messages, scrolling and the screen.

use super::session::*;
use super::Golden;
use yonder_protocol::event::*;
use yonder_protocol::*;

/// KeyPress to ScreenChange.
pub(crate) fn events() -> Vec<Golden> {
    vec![
        // --- Events -------------------------------------------------------------------------
        g(
            "KeyPress event",
            event(
                53,
                Event::KeyPress(key(WIN, keysym::from_char('a'), "a")),
                false,
            ),
            "1d00000094013592029acf5eed000100000001cdbc553228cc967861a16100c2c2",
        ),
        g(
            "KeyRelease event",
            event(
                53,
                Event::KeyRelease(key(WIN, keysym::from_char('a'), "")),
                false,
            ),
            "1c00000094013592039acf5eed000100000001cdbc553228cc967861a000c2c2",
        ),
        g(
            "ButtonPress event",
            event(53, Event::ButtonPress(button(1, ModMask::EMPTY)), false),
            "20000000940135920498cf5eed000100000001cdc352cd0138cce6cd019ccd01360100c2",
        ),
        g(
            "ButtonRelease event",
            event(
                53,
                Event::ButtonRelease(button(1, ModMask::BUTTON1)),
                false,
            ),
            "22000000940135920598cf5eed000100000001cdc352cd0138cce6cd019ccd013601cd0100c2",
        ),
        g(
            "Motion event",
            event(
                53,
                Event::Motion(MotionEvent {
                    window: WIN,
                    time: Timestamp(50120),
                    x: 330,
                    y: 236,
                    root_x: 430,
                    root_y: 316,
                    modifiers: ModMask::BUTTON1,
                }),
                false,
            ),
            "21000000940135920697cf5eed000100000001cdc3c8cd014acceccd01aecd013ccd0100c2",
        ),
        g(
            "Enter event",
            event(53, Event::Enter(crossing(0, 17)), false),
            "18000000940135920797cf5eed000100000001cdbfcc0011646100c2",
        ),
        g(
            "Leave event",
            event(53, Event::Leave(crossing(640, 200)), false),
            "1f000000940135920897cf5eed000100000001cdbfcccd0280ccc8cd02e4cd011800c2",
        ),
        g(
            "FocusIn event",
            event(18, Event::FocusIn(FocusEvent { window: WIN }), false),
            "10000000940112920991cf5eed000100000001c2",
        ),
        g(
            "FocusOut event",
            event(18, Event::FocusOut(FocusEvent { window: WIN }), false),
            "10000000940112920a91cf5eed000100000001c2",
        ),
        g(
            "Expose event",
            event(
                5,
                Event::Expose(ExposeEvent {
                    window: WIN,
                    rect: Rect::new(0, 0, 640, 480),
                    count: 0,
                }),
                false,
            ),
            "1a000000940105920c93cf5eed000100000001940000cd0280cd01e000c2",
        ),
        g(
            "Destroy event",
            event(
                4,
                Event::Destroy(DestroyEvent {
                    event: WIN,
                    window: CHILD,
                }),
                false,
            ),
            "19000000940104921192cf5eed000100000001cf5eed000100000004c2",
        ),
        g(
            "Unmap event",
            event(
                6,
                Event::Unmap(UnmapEvent {
                    event: WIN,
                    window: WIN,
                }),
                false,
            ),
            "19000000940106921292cf5eed000100000001cf5eed000100000001c2",
        ),
        g(
            "Map event",
            event(
                5,
                Event::Map(MapEvent {
                    event: WIN,
                    window: WIN,
                    override_redirect: false,
                }),
                false,
            ),
            "1a000000940105921393cf5eed000100000001cf5eed000100000001c2c2",
        ),
        g(
            "Configure event",
            event(
                7,
                Event::Configure(ConfigureEvent {
                    event: WIN,
                    window: WIN,
                    rect: Rect::new(100, 80, 800, 600),
                    above_sibling: OTHER,
                    override_redirect: false,
                }),
                false,
            ),
            "2c000000940107921695cf5eed000100000001cf5eed000100000001946450cd0320cd0258cf7a11ce0000000001c2c2",
        ),
        g(
            "Property event",
            event(
                13,
                Event::Property(PropertyEvent {
                    window: WIN,
                    atom: atoms::NET_WM_NAME,
                    state: PropertyState::NewValue,
                    time: Timestamp(47020),
                }),
                false,
            ),
            "1500000094010d921c94cf5eed0001000000011000cdb7acc2",
        ),
        g(
            "ClientMessage event",
            event(
                9,
                Event::ClientMessage(ClientMessage {
                    window: WIN,
                    type_: atoms::WM_PROTOCOLS,
                    data: atoms::WM_DELETE_WINDOW.0.to_le_bytes().to_vec(),
                }),
                true,
            ),
            "17000000940109922193cf5eed0001000000010dc4040e000000c3",
        ),
        g(
            "Scroll event",
            event(
                53,
                Event::Scroll(ScrollEvent {
                    window: WIN,
                    time: Timestamp(50210),
                    x: 312,
                    y: 230,
                    root_x: 412,
                    root_y: 310,
                    delta_x: 0.0,
                    delta_y: -37.5,
                    modifiers: ModMask::EMPTY,
                }),
                false,
            ),
            "31000000940135922899cf5eed000100000001cdc422cd0138cce6cd019ccd0136cb0000000000000000cbc042c0000000000000c2",
        ),
        g(
            "ScreenChange event",
            event(
                53,
                Event::ScreenChange(ScreenChangeEvent {
                    root: WindowId::ROOT,
                    width: 1440,
                    height: 900,
                    scale_factor: 2.0,
                }),
                false,
            ),
            "1700000094013592299401cd05a0cd0384cb4000000000000000c2",
        ),
    ]
}
