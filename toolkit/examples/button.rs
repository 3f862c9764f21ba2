//! The README's first app: a window with a button that counts clicks (README.md,
//! "Writing an app", shows this file from its first `use` on).
//!
//! ```text
//! YONDER_DISPLAY=:0 cargo run -p yonder-toolkit --example button
//! ```

use yonder::prelude::*;
use yonder_toolkit::widgets::{theme, Button, Label};
use yonder_toolkit::{next_step, Deadline, Step, Window, WindowSpec};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conn = Connection::connect(None)?; // the display in $YONDER_DISPLAY
    let mut win = Window::open(
        &conn,
        WindowSpec {
            title: "Clicks",
            rect: Rect::new(0, 0, 240, 90), // (0, 0): the window manager places it
            background: theme::BACKGROUND,
            events: EventMask::BUTTON_PRESS | EventMask::BUTTON_RELEASE,
        },
    );
    let mut button = Button::new("Click me");
    button.rect = Rect::new(20, 20, button.width(), theme::ROW);
    let mut label = Label::new("0 clicks");
    label.rect = Rect::new(40 + button.width() as i32, 20, 100, theme::ROW);
    // `--exit-after SECONDS` ends it by itself (the README's check runs it so).
    let seconds = std::env::args().nth(2).and_then(|s| s.parse().ok());
    let (deadline, mut clicks) = (Deadline::after(seconds), 0);
    loop {
        // Draw into the back buffer, then show it at once.
        let back = win.back().into();
        win.clear_back();
        button.draw(&win, back);
        label.draw(&win, back);
        win.present();
        match next_step(&conn, &deadline, None) {
            Step::Event(e) if win.wants_close(&e) => break, // the close button
            Step::Event(Event::Configure(c)) => {
                win.configure(&c); // a new size: a new back buffer
            }
            Step::Event(e) if button.clicked(&e) => {
                clicks += 1;
                label.text = format!("{clicks} clicks");
            }
            Step::Quit => break,
            _ => {}
        }
    }
    Ok(())
}
