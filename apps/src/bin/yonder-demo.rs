//! `yonder-demo`: the README's demo. Uses the display server at `--display` or
//! `$YONDER_DISPLAY` if one answers there, else starts its own `yonder-server` (the binary
//! next to this one): in a window when a desktop display is present (`DISPLAY` or
//! `WAYLAND_DISPLAY`), headless otherwise or with `--headless`. Its own server gets a
//! private socket directory and cookie file in a temporary directory, so the demo never
//! meets the user's servers; the apps find it through `YONDER_DISPLAY=unix:PATH` and
//! `YONDER_COOKIE`.
//!
//! Then it starts `hello`, `yclock`, `yview` (on a picture it makes), `ytrash`, `ypaint`,
//! `ydoc` (on a sample document with a drawing part) and `yfiles` (on sample files) side by
//! side, and beside them an unmodified X11 program, `xclock`, through the bridge
//! `yonder-x11` (when it, Xvfb and xclock are installed); and after about three seconds, when headless or asked with `--screenshot`, saves
//! the whole screen as PNG. It ends
//!
//! * after `--exit-after SECONDS`, or else
//! * right after the screenshot when its own server is headless (nothing to look at)
//!   and not served to browsers (`--web`), or
//! * when its own server's window is closed (the server exits), or on Ctrl-C, or
//! * on a server it did not start, when every app it started has ended.
//!
//! On the way out it ends the apps it started and its own server; a server it did not start
//! keeps running.

use clap::Parser;
use image::{Rgb, RgbImage};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::{ConnectOptions, Connection};
use yonder_apps::die;
use yonder_protocol::reply::ListClientsReply;
use yonder_protocol::request::ImageFormat;
use yonder_protocol::Rect;
use yonder_toolkit::Deadline;

/// Starts a Yonder server (unless one is running) and the demo apps on it.
#[derive(Parser)]
struct Args {
    /// Display to use (default: $YONDER_DISPLAY if a server answers there, else a new one).
    #[arg(long)]
    display: Option<String>,
    /// End after this many seconds, with everything the demo started.
    #[arg(long, value_name = "SECONDS")]
    exit_after: Option<f64>,
    /// Save a screenshot of the whole screen to this file (always done, to
    /// shots/demo.png, when the demo's own server is headless).
    #[arg(long, value_name = "FILE")]
    screenshot: Option<PathBuf>,
    /// Start the server headless even when a desktop display is present.
    #[arg(long)]
    headless: bool,
    /// Serve the demo's own server to web browsers too (`yonder-server --listen web`) and
    /// print the address to open; a headless demo then runs until Ctrl-C or
    /// `--exit-after`.
    #[arg(long)]
    web: bool,
}

/// The screen of a server the demo starts.
const SCREEN: &str = "1600x1000";
/// How long after starting the apps the screenshot is taken, at the earliest.
const SETTLE: Duration = Duration::from_secs(3);
/// How long the server and the apps get to come up.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a server asked to stop gets before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(3);
/// Room the window manager's frame takes (borders and title bar), and space between frames.
const FRAME: (u32, u32) = (8, 28);
const GAP: i32 = 16;

/// A server this demo started; dropping it stops it (SIGTERM, then SIGKILL).
struct OwnServer {
    child: Child,
    headless: bool,
}

impl Drop for OwnServer {
    fn drop(&mut self) {
        // SIGTERM lets it remove its socket and say goodbye to clients.
        stop(&mut self.child);
    }
}

/// The apps this demo started; dropping this stops those still running.
#[derive(Default)]
struct Apps(Vec<(String, Child)>);

impl Drop for Apps {
    fn drop(&mut self) {
        for (_, child) in &mut self.0 {
            stop(child);
        }
    }
}

/// Stops `child`: SIGTERM first (the X11 bridge then stops its X server and removes its
/// files; an app just ends), SIGKILL if it is still there after [`STOP_TIMEOUT`].
fn stop(child: &mut std::process::Child) {
    if matches!(child.try_wait(), Ok(Some(_))) {
        return;
    }
    // `kill` is the portable way to send SIGTERM without unsafe code.
    let asked = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let end = Instant::now() + if asked { STOP_TIMEOUT } else { Duration::ZERO };
    while Instant::now() < end {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

impl Apps {
    /// Whether every app has ended.
    fn all_ended(&mut self) -> bool {
        self.0
            .iter_mut()
            .all(|(_, c)| matches!(c.try_wait(), Ok(Some(_))))
    }
}

/// The display the demo works on.
struct Target {
    conn: Connection,
    /// What the apps need in their environment to reach it.
    env: Vec<(String, String)>,
    /// `--display` to pass the apps.
    display_arg: Option<String>,
    server: Option<OwnServer>,
}

/// Connects to the display the user named, if any.
fn existing(args: &Args) -> Result<Option<Target>, String> {
    if let Some(d) = &args.display {
        let conn = connect_for_screenshot(Some(d))?;
        return Ok(Some(Target {
            conn,
            env: Vec::new(),
            display_arg: Some(d.clone()),
            server: None,
        }));
    }
    // $YONDER_DISPLAY set but nobody answering (or a stale cookie): start our own.
    Ok(connect_for_screenshot(None).ok().map(|conn| Target {
        conn,
        env: Vec::new(),
        display_arg: None,
        server: None,
    }))
}

/// Connects to an existing display as a trusted client when its trusted cookie is at
/// hand (the screenshot reads the whole screen), else as an ordinary one (whose
/// screenshot the server then refuses).
fn connect_for_screenshot(display: Option<&str>) -> Result<Connection, String> {
    let opts = |trusted| ConnectOptions {
        display: display.map(str::to_string),
        trusted,
        ..ConnectOptions::default()
    };
    let conn = match Connection::connect_with(opts(true)) {
        Err(yonder::ConnectError::NoCookie(_)) => Connection::connect_with(opts(false)),
        other => other,
    }
    .map_err(|e| e.to_string())?;
    conn.wait_for_setup().map_err(|e| e.to_string())?;
    Ok(conn)
}

fn bin_dir() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    Ok(exe.parent().map(Path::to_path_buf).unwrap_or_default())
}

/// Starts `yonder-server` in `dir` and connects to it.
fn start_server(dir: &Path, headless: bool, web: bool) -> Result<Target, String> {
    let path = bin_dir()?.join("yonder-server");
    if !path.exists() {
        return Err(format!(
            "{} not found: build it with `cargo build -p yonder-server`",
            path.display()
        ));
    }
    let cookies = dir.join("cookies");
    let mode = if headless { "--headless" } else { "--window" };
    let mut child = Command::new(&path)
        .args([mode, SCREEN])
        .args(web.then_some(["--listen", "web"]).into_iter().flatten())
        .arg("--socket-dir")
        .arg(dir)
        .arg("--cookie-file")
        .arg(&cookies)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(dir.join("server.log")).map_err(|e| e.to_string())?)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", path.display()))?;
    // The server prints `YONDER_DISPLAY=:N` once it accepts clients; a thread reads it so
    // that the wait can time out (and keeps the pipe drained afterwards).
    let stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(d) = line.strip_prefix("YONDER_DISPLAY=:") {
                let _ = tx.send(d.trim().to_string());
            }
        }
    });
    let server = OwnServer { child, headless };
    let (server, number) = wait_for_display(server, &rx, dir)?;
    // The cookie file's lines as the library reads them (protocol.md §3).
    let line = |name: String| {
        let text = std::fs::read_to_string(&cookies).unwrap_or_default();
        yonder::auth::parse_cookie_file(&text)
            .into_iter()
            .find(|l| l.display == name)
            .map(|l| l.cookie)
            .ok_or_else(|| format!("no cookie for {name} in {}", cookies.display()))
    };
    let cookie_hex = line(format!(":{number}"))?;
    if web {
        // The address `yonder-server --print-web-url` prints (protocol.md §20.2).
        let port = number
            .parse::<u16>()
            .ok()
            .and_then(|n| n.checked_add(yonder_protocol::WEB_PORT_BASE))
            .ok_or("no web port for this display number")?;
        let credential = line(format!(":{number}+web"))?;
        println!("yonder-demo: open http://127.0.0.1:{port}/#cookie={credential} in a browser");
    }
    // The demo itself takes the screenshot: it connects with the trusted cookie (the
    // apps it starts get the ordinary one, protocol.md §19).
    let trusted = yonder::auth::parse_cookie_hex(&line(format!(":{number}+trusted"))?)
        .ok_or_else(|| format!("bad cookie in {}", cookies.display()))?;
    let display = format!("unix:{}/display-{number}", dir.display());
    let conn = Connection::connect_with(ConnectOptions {
        display: Some(display.clone()),
        cookie: Some(trusted),
        app_name: Some("yonder-demo".into()),
        ..ConnectOptions::default()
    })
    .map_err(|e| e.to_string())?;
    conn.wait_for_setup().map_err(|e| e.to_string())?;
    Ok(Target {
        conn,
        env: vec![
            ("YONDER_DISPLAY".into(), display),
            ("YONDER_COOKIE".into(), cookie_hex),
        ],
        display_arg: None,
        server: Some(server),
    })
}

/// Waits for the server's display number; fails if it exits or takes too long.
fn wait_for_display(
    mut server: OwnServer,
    rx: &mpsc::Receiver<String>,
    dir: &Path,
) -> Result<(OwnServer, String), String> {
    let end = Instant::now() + START_TIMEOUT;
    loop {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(n) => return Ok((server, n)),
            Err(mpsc::RecvTimeoutError::Timeout) if Instant::now() < end => {}
            Err(_) => {
                let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
                let why = match server.child.try_wait() {
                    Ok(Some(status)) => format!("the server exited ({status})"),
                    _ => "the server did not start in time".to_string(),
                };
                return Err(format!("{why}:\n{log}"));
            }
        }
    }
}

/// A picture for `yview`: a landscape at sunset.
fn landscape(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
        let hill = 0.72 - 0.12 * (fx * 7.0).sin() * (fx * 2.0).cos();
        let (dx, dy) = (fx - 0.7, (fy - 0.45) * h as f32 / w as f32);
        if fy > hill {
            Rgb([40, (110.0 + 60.0 * fy) as u8, 60])
        } else if (dx * dx + dy * dy).sqrt() < 0.08 {
            Rgb([255, 214, 102])
        } else {
            Rgb([
                (250.0 - 120.0 * fy) as u8,
                (120.0 + 60.0 * fy) as u8,
                (160.0 + 80.0 * fy) as u8,
            ])
        }
    })
}

/// A picture for `ypaint` to start from: a few colored waves on white.
fn doodle(w: u32, h: u32) -> RgbImage {
    let colors = [[229, 57, 53], [30, 136, 229], [67, 160, 71]];
    RgbImage::from_fn(w, h, |x, y| {
        for (i, c) in colors.iter().enumerate() {
            let t = x as f32 / w as f32 * std::f32::consts::TAU * (i as f32 + 1.0);
            let wave = h as f32 * (0.3 + 0.2 * i as f32) + 30.0 * t.sin();
            if (y as f32 - wave).abs() < 3.0 {
                return Rgb(*c);
            }
        }
        Rgb([255, 255, 255])
    })
}

/// Where each app goes: left to right, wrapping to a new row, frames included.
fn layout(sizes: &[(u32, u32)], screen_w: u32) -> Vec<(i32, i32)> {
    let (mut x, mut y, mut row_h) = (GAP, GAP, 0);
    let mut out = Vec::new();
    for &(w, h) in sizes {
        let (fw, fh) = ((w + FRAME.0) as i32, (h + FRAME.1) as i32);
        if x > GAP && x + fw > screen_w as i32 {
            (x, y, row_h) = (GAP, y + row_h + GAP, 0);
        }
        out.push((x + 4, y + 24));
        x += fw + GAP;
        row_h = row_h.max(fh);
    }
    out
}

/// Material for the compound-document apps: a folder of files for `yfiles`, a private
/// trash for `ytrash`, and a document with text and a drawing for `ydoc` (its format is
/// described in ydoc's `format.rs`). Returns their paths.
fn compound_samples(dir: &Path) -> Result<(String, String, String), String> {
    let err = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    let files = dir.join("files");
    std::fs::create_dir_all(files.join("photos")).map_err(|e| err(&files, e))?;
    for (name, text) in [
        ("notes.txt", "Drag me onto the trash can.\n"),
        ("todo.txt", "Edit the drawing in the document.\n"),
    ] {
        std::fs::write(files.join(name), text).map_err(|e| err(&files, e))?;
    }
    landscape(160, 100)
        .save(files.join("sunset.png"))
        .map_err(|e| format!("sunset.png: {e}"))?;
    let trash = dir.join("trash");
    let mut png = std::io::Cursor::new(Vec::new());
    doodle(200, 120)
        .write_to(&mut png, image::ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    let png = png.into_inner();
    let mut doc = b"ydoc 1\n".to_vec();
    let mut record = |kind: &str, bytes: &[u8]| {
        doc.extend_from_slice(format!("{kind} {}\n", bytes.len()).as_bytes());
        doc.extend_from_slice(bytes);
        doc.push(b'\n');
    };
    record(
        "text",
        "A compound document: this text is ydoc's, the drawing below is ypaint's.".as_bytes(),
    );
    record("drawing", &png);
    record(
        "text",
        "Double-click the drawing to edit it in place; rotate it and the text follows.".as_bytes(),
    );
    let document = dir.join("demo.ydoc");
    std::fs::write(&document, doc).map_err(|e| err(&document, e))?;
    let s = |p: PathBuf| p.display().to_string();
    Ok((s(files), s(trash), s(document)))
}

fn launch(target: &Target, dir: &Path, screen_w: u32) -> Result<Apps, String> {
    let save = |name: &str, img: RgbImage| -> Result<String, String> {
        let p = dir.join(name);
        img.save(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        Ok(p.display().to_string())
    };
    let picture = save("sunset.png", landscape(320, 200))?;
    let drawing = save("ypaint.png", doodle(400, 300))?;
    let (files, trash, document) = compound_samples(dir)?;
    // (program, window size, its own arguments)
    let apps: [(&str, (u32, u32), Vec<String>); 7] = [
        ("hello", (400, 300), vec![]),
        ("yclock", (240, 280), vec![]),
        ("yview", (320, 200), vec![picture]),
        ("ytrash", (260, 280), vec!["--trash".into(), trash]),
        ("ypaint", (452, 336), vec![drawing]),
        (
            "ydoc",
            (520, 440),
            vec!["--size".into(), "520x440".into(), document],
        ),
        ("yfiles", (400, 320), vec![files]),
    ];
    let bin = bin_dir()?;
    let bridge = bin.join("yonder-x11");
    let x11 = bridge.exists() && on_path("Xvfb") && on_path("xclock");
    let mut sizes: Vec<(u32, u32)> = apps.iter().map(|a| a.1).collect();
    if x11 {
        sizes.push(X11_CLOCK);
    }
    let places = layout(&sizes, screen_w);
    let mut started = Apps::default();
    for ((name, _, own), &(x, y)) in apps.into_iter().zip(&places) {
        let mut cmd = Command::new(bin.join(name));
        cmd.args(["--x", &x.to_string(), "--y", &y.to_string()]);
        if let Some(d) = &target.display_arg {
            cmd.args(["--display", d]);
        }
        cmd.args(own)
            .envs(target.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        started.0.push((name.to_string(), child));
    }
    if let (true, Some(&(x, y))) = (x11, places.get(7)) {
        // An X11 program through the bridge; it shows as an app named `xclock`.
        let (w, h) = X11_CLOCK;
        let mut cmd = Command::new(&bridge);
        cmd.args(["--", "xclock", "-update", "1"])
            .args(["-geometry", &format!("{w}x{h}+{x}+{y}")])
            .envs(target.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        if let Some(d) = &target.display_arg {
            cmd.env("YONDER_DISPLAY", d);
        }
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot start yonder-x11: {e}"))?;
        started.0.push(("xclock".to_string(), child));
    }
    Ok(started)
}

/// The size of the X11 clock's window.
const X11_CLOCK: (u32, u32) = (164, 164);

/// Whether `program` is in a directory of `PATH`.
fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

/// Waits until every app has a window on the display (or has ended, or time is up).
fn wait_for_windows(conn: &Connection, apps: &mut Apps, until: Instant) {
    let names: Vec<String> = apps.0.iter().map(|(n, _)| n.clone()).collect();
    while Instant::now() < until {
        let up = |list: &ListClientsReply, name: &str| {
            list.clients
                .iter()
                .any(|c| c.app_name == name && c.windows > 0)
        };
        match conn.list_clients().reply() {
            Ok(list) if names.iter().all(|n| up(&list, n)) => return,
            Err(_) => return,
            Ok(_) if apps.all_ended() => return,
            Ok(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

fn screenshot(conn: &Connection, path: &Path) -> Result<(), String> {
    let s = conn.screen().map_err(|e| e.to_string())?;
    let png = conn
        .get_image(
            conn.root(),
            Rect::new(0, 0, s.width, s.height),
            ImageFormat::Png,
        )
        .reply()
        .map_err(|e| e.to_string())?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, &png.data).map_err(|e| format!("{}: {e}", path.display()))
}

fn run(args: Args) -> Result<(), String> {
    let deadline = Deadline::after(args.exit_after);
    let dir = tempfile::Builder::new()
        .prefix("yonder-demo-")
        .tempdir()
        .map_err(|e| format!("cannot make a temporary directory: {e}"))?;
    let desktop = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()));
    let target = match existing(&args)? {
        Some(t) => t,
        None if desktop && !args.headless => {
            start_server(dir.path(), false, args.web).or_else(|e| {
                eprintln!(
                    "yonder-demo: no server window ({}); running headless",
                    e.trim()
                );
                start_server(dir.path(), true, args.web)
            })?
        }
        None => start_server(dir.path(), true, args.web)?,
    };
    let own_headless = target.server.as_ref().map(|s| s.headless);
    let screen_w = target.conn.screen().map_err(|e| e.to_string())?.width;
    let started = Instant::now();
    let mut apps = launch(&target, dir.path(), screen_w)?;
    if own_headless == Some(false) {
        println!("yonder-demo: close the server's window or press Ctrl-C to end");
    }

    let shot = args
        .screenshot
        .clone()
        .or_else(|| (own_headless == Some(true)).then(|| PathBuf::from("shots/demo.png")));
    let cap = |t: Instant| deadline.instant().map_or(t, |d| d.min(t));
    if let Some(path) = &shot {
        wait_for_windows(&target.conn, &mut apps, cap(started + START_TIMEOUT));
        let settle = cap(started + SETTLE);
        std::thread::sleep(settle.saturating_duration_since(Instant::now()));
        screenshot(&target.conn, path)?;
        println!("screenshot saved to {}", path.display());
    }
    let mut server = target.server;
    loop {
        if deadline.passed() {
            break;
        }
        let server_gone = server
            .as_mut()
            .is_some_and(|s| matches!(s.child.try_wait(), Ok(Some(_))));
        let done = match (&server, deadline.instant()) {
            (_, Some(_)) => server_gone,
            (Some(s), None) if s.headless && !args.web => true,
            (Some(_), None) => server_gone,
            (None, None) => apps.all_ended(),
        };
        if done {
            break;
        }
        std::thread::sleep(deadline.wait(Duration::from_millis(100)));
    }
    // Apps first, so they do not see their server vanish; then the server; then the files.
    drop(apps);
    drop(target.conn);
    drop(server);
    drop(dir);
    Ok(())
}

fn main() {
    if let Err(e) = run(Args::parse()) {
        die("yonder-demo", e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_wraps_rows() {
        let p = layout(&[(400, 300), (240, 280), (320, 200), (400, 336)], 1280);
        assert_eq!(p[0], (GAP + 4, GAP + 24));
        assert_eq!(p[1].1, p[0].1, "same row");
        assert_eq!(p[2].1, p[0].1, "same row");
        assert_eq!(p[3].0, GAP + 4, "new row");
        assert_eq!(p[3].1, GAP + 328 + GAP + 24);
    }
}
