//! Events awaited on tokio (the `async` feature): an Expose arrives through
//! `AsyncEvents::next_event` while the runtime does other work, and a waker from another
//! thread ends the await. `scripts/test.sh` runs this with `--features async`.
#![cfg(feature = "async")]

use std::time::Duration;
use yonder::prelude::*;
use yonder::AsyncEvents;
use yonder_test_support::server::TestServer;

#[test]
fn events_and_wakes_arrive_through_an_await() {
    let s = TestServer::start();
    let conn = s.connect();
    conn.setup().expect("setup");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut events = AsyncEvents::new(&conn).expect("register");
        let win = conn.new_window_id();
        conn.create_window(
            win,
            conn.root(),
            Rect::new(0, 0, 50, 50),
            WindowAttributes {
                event_mask: Some(EventMask::EXPOSURE),
                ..Default::default()
            },
        );
        // The window is mapped by another future of the same task, 50 ms into the wait:
        // the Expose can come only if the await gives the thread back meanwhile.
        let map_later = async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            conn.map_window(win);
            conn.flush().expect("flush");
        };
        let expose = async {
            loop {
                let item = events.next_event().await.expect("event");
                if matches!(item.event(), Some(Event::Expose(e)) if e.window == win) {
                    return;
                }
            }
        };
        let both = async { tokio::join!(map_later, expose) };
        tokio::time::timeout(Duration::from_secs(10), both)
            .await
            .expect("no Expose within 10 s: the await blocked the runtime");

        let waker = conn.waker();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            waker.wake();
        });
        let woken = tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                if events.next_event().await.expect("event") == Incoming::Woken {
                    return;
                }
            }
        });
        woken.await.expect("the wake did not end the await");
    });
}
