//! A TCP proxy between a client and a server's TCP port whose links a test can cut
//! (both ends see the connection end, as when a proxy or a router between them dies)
//! and whose listening it can pause: how the tests of lost links (protocol.md §5.4)
//! break one without touching either end.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// A TCP proxy on `127.0.0.1:7100+number` to the server's TCP port, whose links the test
/// can cut and whose listening it can pause.
pub struct Proxy {
    /// Its display number: clients reach it as `127.0.0.1:NUMBER`.
    pub number: u16,
    links: Arc<Mutex<Vec<TcpStream>>>,
    accepting: Arc<AtomicBool>,
}

impl Proxy {
    /// A proxy to `server_port` on loopback.
    pub fn start(server_port: u16) -> Proxy {
        // A display number whose port is free.
        let (listener, number) = (300..400)
            .find_map(|n| {
                TcpListener::bind(("127.0.0.1", 7100 + n))
                    .ok()
                    .map(|l| (l, n))
            })
            .expect("a free port");
        let links: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let accepting = Arc::new(AtomicBool::new(true));
        let (l2, a2) = (links.clone(), accepting.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                if !a2.load(Ordering::Acquire) {
                    drop(client);
                    continue;
                }
                let Ok(server) = TcpStream::connect(("127.0.0.1", server_port)) else {
                    continue;
                };
                l2.lock()
                    .unwrap()
                    .extend([client.try_clone().unwrap(), server.try_clone().unwrap()]);
                pump(client.try_clone().unwrap(), server.try_clone().unwrap());
                pump(server, client);
            }
        });
        Proxy {
            number,
            links,
            accepting,
        }
    }

    /// Cuts every link: both ends see the connection end.
    pub fn cut(&self) {
        for s in self.links.lock().unwrap().drain(..) {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
    }

    /// Whether new connections get through (else they are closed at once).
    pub fn accept(&self, on: bool) {
        self.accepting.store(on, Ordering::Release);
    }
}

/// Copies `from` to `to` on a thread until either ends.
fn pump(mut from: TcpStream, mut to: TcpStream) {
    std::thread::spawn(move || {
        let mut buf = [0u8; 16384];
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 || to.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = to.shutdown(std::net::Shutdown::Both);
    });
}

impl Proxy {
    /// The display name that reaches the server through the proxy.
    pub fn display(&self) -> String {
        format!("127.0.0.1:{}", self.number)
    }
}
