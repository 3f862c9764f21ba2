//! Two "hosts" on one machine for link tests: network namespaces joined by a veth pair
//! (as `demo/cross-machine.sh` makes them), whose link a test takes down and up again,
//! like a cable pulled and plugged back. Needs root and iproute2; [`NetPair::new`] says
//! why not otherwise, and [`NetPair::or_skip`] turns that into a skip outside CI (a
//! failure in CI, where the machine has both).

use std::process::Command;

/// A server-side and an app-side namespace, with the veth between them up.
pub struct NetPair {
    /// The server side's namespace (its name under `/run/netns`).
    pub server_ns: String,
    /// The app side's namespace.
    pub app_ns: String,
    app_link: String,
    /// The server side's address on the link.
    pub server_addr: String,
    /// The app side's address on the link.
    pub app_addr: String,
}

/// Runs `ip ARGS`; the error says what failed.
fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run ip (iproute2): {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

impl NetPair {
    /// Makes the namespaces and the link (10.232.x.1 and .2, x from the process id, so
    /// that tests running at once do not meet).
    pub fn new() -> Result<NetPair, String> {
        let id = std::process::id();
        let net = 10 + id % 200;
        let pair = NetPair {
            server_ns: format!("ysrv{id}"),
            app_ns: format!("yapp{id}"),
            app_link: format!("ya{id}"),
            server_addr: format!("10.232.{net}.1"),
            app_addr: format!("10.232.{net}.2"),
        };
        ip(&["netns", "add", &pair.server_ns])?;
        ip(&["netns", "add", &pair.app_ns])?;
        let server_link = format!("ys{id}");
        ip(&[
            "link",
            "add",
            &server_link,
            "type",
            "veth",
            "peer",
            "name",
            &pair.app_link,
        ])?;
        ip(&["link", "set", &server_link, "netns", &pair.server_ns])?;
        ip(&["link", "set", &pair.app_link, "netns", &pair.app_ns])?;
        let app_addr = format!("{}/24", pair.app_addr);
        let server_addr = format!("{}/24", pair.server_addr);
        ip(&[
            "-n",
            &pair.server_ns,
            "addr",
            "add",
            &server_addr,
            "dev",
            &server_link,
        ])?;
        ip(&[
            "-n",
            &pair.app_ns,
            "addr",
            "add",
            &app_addr,
            "dev",
            &pair.app_link,
        ])?;
        for ns in [&pair.server_ns, &pair.app_ns] {
            ip(&["-n", ns, "link", "set", "lo", "up"])?;
        }
        ip(&["-n", &pair.server_ns, "link", "set", &server_link, "up"])?;
        pair.link(true)?;
        Ok(pair)
    }

    /// [`NetPair::new`], or `None` after saying SKIPPED when namespaces cannot be made
    /// here and `CI` is unset; in CI that is a failure.
    pub fn or_skip(test: &str) -> Option<NetPair> {
        match NetPair::new() {
            Ok(pair) => Some(pair),
            Err(why) if std::env::var_os("CI").is_none() => {
                eprintln!("SKIPPED {test}: needs root and iproute2 ({why})");
                None
            }
            Err(why) => panic!("{test} needs network namespaces (root, iproute2): {why}"),
        }
    }

    /// The command that runs a program (its path and arguments after these words) in
    /// the server's namespace.
    pub fn on_server(&self) -> [&str; 4] {
        ["ip", "netns", "exec", &self.server_ns]
    }

    /// The same in the app's namespace.
    pub fn on_app(&self) -> [&str; 4] {
        ["ip", "netns", "exec", &self.app_ns]
    }

    /// Takes the app side's end of the link down (`false`) or up again.
    pub fn link(&self, up: bool) -> Result<(), String> {
        let state = if up { "up" } else { "down" };
        ip(&["-n", &self.app_ns, "link", "set", &self.app_link, state])
    }
}

impl Drop for NetPair {
    fn drop(&mut self) {
        // Deleting a namespace deletes its end of the veth, and so the pair.
        let _ = ip(&["netns", "del", &self.app_ns]);
        let _ = ip(&["netns", "del", &self.server_ns]);
    }
}
