//! A real browser for the web viewer's tests (protocol.md §20): headless Chromium from
//! Debian, driven through its DevTools protocol by a small blocking client. Input goes in
//! through `Input.dispatchKeyEvent` / `dispatchMouseEvent`, which pages see as trusted
//! events, and pixels come back from the page's canvas.
//!
//! Without Chromium the tests skip with a message starting `SKIPPED:`, unless
//! `YONDER_REQUIRE_BROWSER=1` (CI), which makes that a failure.

use crate::process;
use base64::Engine;
use serde_json::{json, Value};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tungstenite::{Message, WebSocket};

/// How long a DevTools command may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// A headless Chromium with a fresh profile, killed when dropped.
pub struct Browser {
    child: Child,
    port: u16,
    /// The browser's own DevTools connection, kept open: permissions granted through it
    /// last as long as it does.
    cdp: std::sync::Mutex<Cdp>,
    _profile: tempfile::TempDir,
}

/// The Chromium binary, if one is installed.
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH")?
                .to_str()?
                .split(':')
                .map(|d| PathBuf::from(d).join(name))
                .find(|p| p.is_file())
        })
}

impl Browser {
    /// Starts headless Chromium, or None (skip) when it is not installed and not required.
    pub fn launch() -> Option<Browser> {
        Browser::launch_with(&[])
    }

    /// [`Browser::launch`] with more command-line flags (e.g.
    /// `--ignore-certificate-errors` for a self-signed certificate).
    pub fn launch_with(flags: &[&str]) -> Option<Browser> {
        let Some(bin) = chromium() else {
            if std::env::var("YONDER_REQUIRE_BROWSER").as_deref() == Ok("1") {
                panic!("YONDER_REQUIRE_BROWSER=1 but chromium is not installed (apt-get install chromium)");
            }
            eprintln!("SKIPPED: chromium not installed; set YONDER_REQUIRE_BROWSER=1 to make this an error");
            return None;
        };
        let profile = tempfile::tempdir().unwrap();
        let child = Command::new(bin)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-renderer-backgrounding",
                "--disable-background-timer-throttling",
                "--disable-backgrounding-occluded-windows",
                "--remote-debugging-port=0",
                "--window-size=1400,1000",
            ])
            .args(flags)
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium starts");
        process::register(&child);
        let file = profile.path().join("DevToolsActivePort");
        let until = Instant::now() + Duration::from_secs(30);
        // Two lines: the port, and the browser's DevTools path.
        let (port, path) = loop {
            if let Some(found) = std::fs::read_to_string(&file).ok().and_then(|t| {
                let mut lines = t.lines();
                let port = lines.next()?.trim().parse::<u16>().ok()?;
                Some((port, lines.next()?.trim().to_owned()))
            }) {
                break found;
            }
            assert!(
                Instant::now() < until,
                "chromium wrote no DevToolsActivePort"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        Some(Browser {
            child,
            port,
            cdp: std::sync::Mutex::new(Cdp::connect(port, &path)),
            _profile: profile,
        })
    }

    /// Lets pages of `origin` (`http://127.0.0.1:PORT`) read and write the clipboard
    /// without asking (a user would be asked once).
    pub fn grant_clipboard(&self, origin: &str) {
        let mut browser = self.cdp.lock().unwrap();
        for name in ["clipboard-read", "clipboard-write"] {
            browser.call(
                "Browser.setPermission",
                json!({"origin": origin, "permission": {"name": name},
                       "setting": "granted"}),
            );
        }
    }

    /// Opens `url` in a new tab of `width` × `height` CSS pixels and waits for its load.
    pub fn open(&self, url: &str, width: u32, height: u32) -> Page {
        self.open_with(url, width, height, None)
    }

    /// [`Browser::open`], with `script` run in the page before any of its own (to
    /// instrument it).
    pub fn open_with(&self, url: &str, width: u32, height: u32, script: Option<&str>) -> Page {
        let target = self
            .cdp
            .lock()
            .unwrap()
            .call("Target.createTarget", json!({"url": "about:blank"}));
        let id = target["targetId"].as_str().expect("a target id").to_owned();
        let mut page = Page {
            cdp: Cdp::connect(self.port, &format!("/devtools/page/{id}")),
        };
        page.cdp.call("Page.enable", json!({}));
        page.cdp.call("Runtime.enable", json!({}));
        page.cdp.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
        );
        page.cdp.call(
            "Emulation.setFocusEmulationEnabled",
            json!({"enabled": true}),
        );
        if let Some(script) = script {
            page.cdp.call(
                "Page.addScriptToEvaluateOnNewDocument",
                json!({"source": script}),
            );
        }
        page.cdp.call("Page.navigate", json!({"url": url}));
        page.wait_for(
            "document.readyState === 'complete'",
            Duration::from_secs(20),
        );
        page
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        process::unregister(self.child.id());
    }
}

/// One DevTools connection (the browser's or a page's).
struct Cdp {
    ws: WebSocket<TcpStream>,
    next: u64,
}

impl Cdp {
    fn connect(port: u16, path: &str) -> Cdp {
        let url = format!("ws://127.0.0.1:{port}{path}");
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("DevTools port");
        stream.set_read_timeout(Some(COMMAND_TIMEOUT)).unwrap();
        let (ws, _) = tungstenite::client(url.as_str(), stream).expect("DevTools handshake");
        Cdp { ws, next: 1 }
    }

    /// Sends a command and waits for its result (events on the way are dropped).
    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        let msg = json!({"id": id, "method": method, "params": params}).to_string();
        self.ws.send(Message::text(msg)).expect("DevTools send");
        let until = Instant::now() + COMMAND_TIMEOUT;
        loop {
            assert!(Instant::now() < until, "{method}: no answer");
            let m = match self.ws.read().expect("DevTools read") {
                Message::Text(t) => t,
                _ => continue,
            };
            let v: Value = serde_json::from_str(&m).expect("DevTools JSON");
            if v["id"].as_u64() == Some(id) {
                if let Some(e) = v.get("error") {
                    panic!("{method}: {e}");
                }
                return v["result"].clone();
            }
        }
    }
}

/// A tab.
pub struct Page {
    cdp: Cdp,
}

/// A mouse button for [`Page::mouse`].
#[derive(Debug, Clone, Copy)]
pub enum Button {
    /// None held (motion).
    None,
    /// The left button.
    Left,
    /// The right button.
    Right,
}

impl Page {
    /// Evaluates `expr` in the page (awaiting a promise) and returns its value.
    pub fn eval(&mut self, expr: &str) -> Value {
        let r = self.cdp.call(
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true, "awaitPromise": true}),
        );
        if let Some(e) = r.get("exceptionDetails") {
            panic!("{expr}: {e}");
        }
        r["result"]["value"].clone()
    }

    /// Waits until `expr` is true in the page.
    pub fn wait_for(&mut self, expr: &str, limit: Duration) {
        let until = Instant::now() + limit;
        while self.eval(&format!("!!({expr})")) != json!(true) {
            assert!(Instant::now() < until, "the page never had {expr}");
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Where screen point (x, y) is in the page's CSS pixels (the canvas's place and scale).
    pub fn at(&mut self, x: f64, y: f64) -> (f64, f64) {
        let r = self.eval(
            "(() => { const c = document.getElementById('screen'); \
             const r = c.getBoundingClientRect(); \
             return [r.left, r.top, r.width / c.width, r.height / c.height]; })()",
        );
        let f = |i: usize| r[i].as_f64().expect("a number");
        (f(0) + (x + 0.5) * f(2), f(1) + (y + 0.5) * f(3))
    }

    /// Dispatches a mouse event at page point (x, y): `kind` is `mouseMoved`,
    /// `mousePressed` or `mouseReleased`.
    pub fn mouse(&mut self, kind: &str, (x, y): (f64, f64), button: Button) {
        let (name, buttons) = match button {
            Button::None => ("none", 0),
            Button::Left => ("left", 1),
            Button::Right => ("right", 2),
        };
        self.cdp.call(
            "Input.dispatchMouseEvent",
            json!({"type": kind, "x": x, "y": y, "button": name, "buttons": buttons,
                   "clickCount": if kind == "mouseMoved" { 0 } else { 1 }}),
        );
    }

    /// A finger touching (`touchStart`), moving (`touchMove`) or lifting (`touchEnd`) at
    /// page point (x, y).
    pub fn touch(&mut self, kind: &str, (x, y): (f64, f64)) {
        let points = if kind == "touchEnd" {
            json!([])
        } else {
            json!([{"x": x, "y": y, "id": 1}])
        };
        self.cdp.call(
            "Input.dispatchTouchEvent",
            json!({"type": kind, "touchPoints": points}),
        );
    }

    /// Turns the wheel at page point (x, y) by `dy` pixels (positive: down).
    pub fn wheel(&mut self, (x, y): (f64, f64), dy: f64) {
        self.cdp.call(
            "Input.dispatchMouseEvent",
            json!({"type": "mouseWheel", "x": x, "y": y, "deltaX": 0, "deltaY": dy}),
        );
    }

    /// Presses and releases a key: `key` as `KeyboardEvent.key`, `code` as `.code`,
    /// `text` what it types (empty for none), `modifiers` DevTools' bits (2 Ctrl, 8 Shift).
    pub fn key(&mut self, key: &str, code: &str, vk: u32, text: &str, modifiers: u32) {
        self.key_event(
            if text.is_empty() {
                "rawKeyDown"
            } else {
                "keyDown"
            },
            key,
            code,
            vk,
            text,
            modifiers,
        );
        self.key_event("keyUp", key, code, vk, "", modifiers);
    }

    /// One key event of DevTools' `type` (`keyDown`, `rawKeyDown`, `keyUp`).
    pub fn key_event(
        &mut self,
        kind: &str,
        key: &str,
        code: &str,
        vk: u32,
        text: &str,
        modifiers: u32,
    ) {
        self.key_command(kind, key, code, vk, text, modifiers, &[]);
    }

    /// A key event that also runs the browser's editing `commands` (`"paste"`), as the
    /// same keys would in a desktop browser.
    #[allow(clippy::too_many_arguments)]
    pub fn key_command(
        &mut self,
        kind: &str,
        key: &str,
        code: &str,
        vk: u32,
        text: &str,
        modifiers: u32,
        commands: &[&str],
    ) {
        let mut p = json!({"type": kind, "key": key, "code": code,
            "windowsVirtualKeyCode": vk, "modifiers": modifiers, "commands": commands});
        if !text.is_empty() {
            p["text"] = json!(text);
            p["unmodifiedText"] = json!(text);
        }
        self.cdp.call("Input.dispatchKeyEvent", p);
    }

    /// Types `text` through the input method (composition, then the committed text), as
    /// a dead key or an IME delivers it.
    pub fn compose(&mut self, preedit: &str, text: &str) {
        self.cdp.call(
            "Input.imeSetComposition",
            json!({"text": preedit, "selectionStart": 1, "selectionEnd": 1}),
        );
        self.cdp.call("Input.insertText", json!({"text": text}));
    }

    /// Drops the file at `path` on page point (x, y), as a user dragging it from the
    /// desktop would.
    pub fn drop_file(&mut self, (x, y): (f64, f64), path: &std::path::Path) {
        let data = json!({"items": [], "files": [path.to_str().expect("a UTF-8 path")],
                          "dragOperationsMask": 1});
        for kind in ["dragEnter", "dragOver", "drop"] {
            self.cdp.call(
                "Input.dispatchDragEvent",
                json!({"type": kind, "x": x, "y": y, "data": data}),
            );
        }
    }

    /// The page's canvas as an image (what the viewer shows, at the screen's size).
    pub fn canvas(&mut self) -> image::RgbImage {
        let url = self.eval("document.getElementById('screen').toDataURL('image/png')");
        let url = url.as_str().expect("a data URL");
        let b64 = url.split_once(',').expect("data URL").1;
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .expect("base64");
        image::load_from_memory(&png).expect("a PNG").to_rgb8()
    }

    /// A PNG of the whole tab as the browser shows it.
    pub fn screenshot(&mut self) -> Vec<u8> {
        let r = self
            .cdp
            .call("Page.captureScreenshot", json!({"format": "png"}));
        base64::engine::general_purpose::STANDARD
            .decode(r["data"].as_str().expect("screenshot data"))
            .expect("base64")
    }

    /// The number `window.yonder.<field>` of the viewer's page.
    pub fn stat(&mut self, field: &str) -> Value {
        self.eval(&format!("window.yonder && window.yonder.{field}"))
    }
}
