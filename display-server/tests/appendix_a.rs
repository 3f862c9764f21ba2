//! protocol.md's Appendix A, the minimal Python client, run exactly as printed: its code
//! block is cut out of the spec and run with `python3` against a real `yonder-server`
//! process (headless, no window manager) over each transport a display name can pick:
//! `:N` and `unix:PATH` (Unix socket), `host:N` (TCP) and `tls:host:N` (TLS, the
//! certificate pinned by the fingerprint on the cookie file's `:N` line, or by
//! `YONDER_FINGERPRINT`). Each run must get through the setup, draw its greeting (read
//! back from the screen by a trusted client) and exit 0 on a key press (FakeInput).
//!
//! It needs `python3` with `msgpack` (Debian: `python3-msgpack`). Without them the test
//! prints SKIPPED, except in CI (`CI` set), where it fails.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::{ConnectOptions, Connection};
use yonder_address::cookie_file::read_cookie;
use yonder_protocol::request::FakeKind;
use yonder_protocol::Rect;
use yonder_test_support::client::{read, Pixels};
use yonder_test_support::process::{self, wait_child};
use yonder_test_support::server::ServerProcess;

const SERVER: &str = env!("CARGO_BIN_EXE_yonder-server");
/// The display number: its TCP and TLS ports (7187, 7687) are used by no other test.
const N: u32 = 87;
/// Generous bound for anything that should take milliseconds.
const WAIT: Duration = Duration::from_secs(10);
/// Where the appendix's window is (it asks for 100,80 400x120; no window manager moves it).
const WINDOW: Rect = Rect {
    x: 100,
    y: 80,
    width: 400,
    height: 120,
};
const WHITE: u32 = 0xffffff;
const BLACK: u32 = 0x000000;

/// The code block of protocol.md's Appendix A, verbatim.
fn appendix_a() -> String {
    let spec = include_str!("../../protocol.md");
    let appendix = &spec[spec
        .find("## Appendix A")
        .expect("protocol.md has an Appendix A")..];
    let start = appendix.find("```python\n").expect("a python block") + "```python\n".len();
    let len = appendix[start..].find("\n```\n").expect("the block ends");
    appendix[start..start + len + 1].to_string()
}

/// A Python that can import msgpack (`python3`, else Debian's own), or `None`.
fn python() -> Option<PathBuf> {
    ["python3", "/usr/bin/python3"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| {
            Command::new(p)
                .args(["-c", "import msgpack, ssl"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
}

/// Counts the greeting's pixels: the window is on the screen (white) with black text.
fn drawn(p: &Pixels) -> bool {
    p.count(WHITE) > 1000 && p.count(BLACK) > 20
}

/// Runs the appendix with `display` and `env`, waits until its greeting is on the screen,
/// presses a key over its window and checks that it exits 0.
fn run(py: &Path, script: &Path, trusted: &Connection, display: &str, env: &[(&str, &str)]) {
    let root = trusted.root();
    // The previous run's window is gone (its client disconnected).
    let end = Instant::now() + WAIT;
    while read(trusted, root, WINDOW).count(WHITE) > 0 {
        assert!(Instant::now() < end, "{display}: the last window stays");
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut cmd = Command::new(py);
    cmd.arg(script)
        .env("YONDER_DISPLAY", display)
        .env_remove("YONDER_COOKIE")
        .env_remove("YONDER_FINGERPRINT")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child: Child = cmd.spawn().expect("spawn python3");
    process::register(&child);
    let pid = child.id();
    let end = Instant::now() + WAIT;
    loop {
        if drawn(&read(trusted, root, WINDOW)) {
            break;
        }
        if Instant::now() >= end || child.try_wait().unwrap().is_some() {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            process::unregister(pid);
            panic!(
                "{display}: the appendix drew nothing ({:?})\nstdout:\n{}\nstderr:\n{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // The focus is the root, so the key goes to the window under the pointer (§13.7).
    trusted.fake_input(FakeKind::Motion, 0, 300, 140);
    trusted.fake_input(FakeKind::KeyPress, 'q' as u32, 0, 0);
    trusted.fake_input(FakeKind::KeyRelease, 'q' as u32, 0, 0);
    trusted.sync().unwrap();
    let status = wait_child(&mut child, WAIT);
    process::unregister(pid);
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        status.is_some_and(|s| s.success()),
        "{display}: the appendix did not exit 0 on a key press ({status:?})\n{text}"
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("connected to "),
        "{display}: {text}"
    );
}

#[test]
fn the_appendix_client_draws_over_every_transport() {
    let Some(py) = python() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs python3 with msgpack (Debian: python3-msgpack) for Appendix A"
        );
        eprintln!("SKIPPED: no python3 with msgpack (apt-get install python3-msgpack)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let script = tmp.path().join("hello.py");
    std::fs::write(&script, appendix_a()).unwrap();
    let cookies = tmp.path().join("state/cookies");
    let mut cmd = Command::new(SERVER);
    cmd.args([
        &format!(":{N}"),
        "--headless",
        "640x480",
        "--no-window-manager",
    ])
    .args([
        "--listen",
        "tcp",
        "--listen",
        "tls",
        "--tcp-addr",
        "127.0.0.1",
    ])
    .arg("--allow-synthetic-input")
    .env("XDG_RUNTIME_DIR", tmp.path())
    .env("YONDER_COOKIE_FILE", &cookies)
    .env_remove("YONDER_LOG")
    .env_remove("YONDER_DISPLAY");
    let server = ServerProcess::spawn(cmd);
    assert_eq!(server.ready(), format!(":{N}"));

    let socket = tmp.path().join(format!("yonder/display-{N}"));
    let unix = format!("unix:{}", socket.display());
    let trusted = Connection::connect_with(ConnectOptions {
        display: Some(unix.clone()),
        cookie: Some(
            read_cookie(&cookies, &format!(":{N}+trusted"))
                .expect("the server writes its trusted line")
                .to_vec(),
        ),
        app_name: Some("appendix-a-test".into()),
        ..ConnectOptions::default()
    })
    .expect("a trusted connection");

    // The `:N` line carries the fingerprint (`:N HEX sha256=HEX`), and `:N+trusted` is
    // there too: the appendix must read both kinds of line.
    let file = std::fs::read_to_string(&cookies).unwrap();
    let line = file
        .lines()
        .find(|l| l.starts_with(&format!(":{N} ")))
        .expect("the display's line");
    let fingerprint = line.split_whitespace().nth(2).expect("a sha256= field");
    assert!(fingerprint.starts_with("sha256="), "{line}");
    assert!(file.contains(&format!(":{N}+trusted ")), "{file}");

    let xdg = tmp.path().to_str().unwrap();
    let from_file = [("YONDER_COOKIE_FILE", cookies.to_str().unwrap())];
    let with_xdg = [from_file[0], ("XDG_RUNTIME_DIR", xdg)];
    run(&py, &script, &trusted, &format!(":{N}"), &with_xdg);
    run(&py, &script, &trusted, &unix, &from_file);
    run(
        &py,
        &script,
        &trusted,
        &format!("127.0.0.1:{N}"),
        &from_file,
    );
    run(
        &py,
        &script,
        &trusted,
        &format!("tls:127.0.0.1:{N}"),
        &from_file,
    );
    // The cookie and the fingerprint from the environment, an empty cookie file name
    // counting as unset (and HOME pointing nowhere useful).
    let cookie = hex_of(&read_cookie(&cookies, &format!(":{N}")).unwrap());
    run(
        &py,
        &script,
        &trusted,
        &format!("tls:localhost:{N}"),
        &[
            ("YONDER_COOKIE_FILE", ""),
            ("HOME", xdg),
            ("YONDER_COOKIE", &cookie),
            ("YONDER_FINGERPRINT", fingerprint),
        ],
    );
    drop(trusted);
    server.stop();
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
