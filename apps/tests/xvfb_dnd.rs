//! Drag-and-drop as a user does it: the real `yonder-server --window` under Xvfb, `yfiles`
//! and `ytrash` on it, and xdotool pressing, moving and releasing the host's mouse. The
//! file must end up in the trash. Skips without Xvfb unless YONDER_REQUIRE_XVFB=1.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use yonder_test_support::process::built_binary;
use yonder_test_support::xvfb::{self, Guard};

#[test]
fn drag_a_file_from_yfiles_onto_ytrash_with_xdotool() {
    let Some(h) = xvfb::host(&built_binary("yonder-server"), 900, 500) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    let trash = dir.path().join("trash");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("report.txt"), "quarterly numbers").unwrap();
    let display = format!("unix:{}", h.socket.display());
    let cookie = hex::encode(&h.cookie);
    let spawn = |bin: &str, args: &[&str]| {
        Guard(
            Command::new(bin)
                .args(args)
                .env("YONDER_DISPLAY", &display)
                .env("YONDER_COOKIE", &cookie)
                .stdout(Stdio::null())
                .spawn()
                .expect("app runs"),
        )
    };
    let files_arg = files.to_str().unwrap();
    let trash_arg = trash.to_str().unwrap();
    let _yfiles = spawn(
        env!("CARGO_BIN_EXE_yfiles"),
        &[files_arg, "--x", "40", "--y", "60", "--exit-after", "60"],
    );
    let _ytrash = spawn(
        env!("CARGO_BIN_EXE_ytrash"),
        &[
            "--trash",
            trash_arg,
            "--x",
            "500",
            "--y",
            "60",
            "--exit-after",
            "60",
        ],
    );
    // Wait until both windows are on the screen: yfiles' header strip and ytrash's background.
    h.wait_pixel(400, 70, [0xe6, 0xe9, 0xef]);
    h.wait_pixel(520, 330, [0xef, 0xf1, 0xf5]);
    std::thread::sleep(Duration::from_millis(300));
    // report.txt is the second cell of yfiles' grid (after ".."): its icon's center is at
    // window (140, 66), i.e. (180, 126) on the screen; ytrash's middle is at (630, 200).
    h.xdo(&["mousemove", "--window", &h.wid, "180", "126"]);
    h.xdo(&["mousedown", "1"]);
    for (x, y) in [(190, 130), (300, 150), (450, 180), (620, 195), (630, 200)] {
        h.xdo(&[
            "mousemove",
            "--window",
            &h.wid,
            &x.to_string(),
            &y.to_string(),
        ]);
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(400));
    h.xdo(&["mouseup", "1"]);
    let end = Instant::now() + Duration::from_secs(15);
    let moved = || trash.join("files/report.txt").exists() && !files.join("report.txt").exists();
    while !moved() {
        assert!(Instant::now() < end, "the file did not move into the trash");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        std::fs::read_to_string(trash.join("files/report.txt")).unwrap(),
        "quarterly numbers"
    );
    let info = std::fs::read_to_string(trash.join("info/report.txt.trashinfo")).unwrap();
    assert!(
        info.contains(&format!("Path={}", files.join("report.txt").display())),
        "{info}"
    );
}
