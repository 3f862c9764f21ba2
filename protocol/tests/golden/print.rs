//! Printing, for regenerating the table and the spec's examples
//! (`YONDER_GOLDEN_PRINT=1`), with a small MessagePack reader independent of rmp.

use super::*;

/// The ```hex block protocol.md shows for a frame: the length prefix on its own line, then
/// the body 16 bytes a line.
pub(crate) fn spec_block(hex: &str) -> String {
    let bytes = hex::decode(hex).unwrap();
    let line = |b: &[u8]| {
        b.iter()
            .map(|x| format!("{x:02x}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut s = String::from("```hex\n");
    s += &line(&bytes[..HEADER_LEN]);
    s.push('\n');
    for chunk in bytes[HEADER_LEN..].chunks(16) {
        s += &line(chunk);
        s.push('\n');
    }
    s += "```";
    s
}

#[test]
fn print_goldens() {
    if std::env::var_os("YONDER_GOLDEN_PRINT").is_none() {
        return;
    }
    for gd in goldens() {
        let bytes = gd.msg.encode();
        println!("=== {}", gd.name);
        println!("hex: {}", hex::encode(&bytes));
        println!("{}", spec_block(&hex::encode(&bytes)));
        let mut rd = &bytes[HEADER_LEN..];
        println!("MessagePack: `{}`", mp::render(&mut rd));
        assert!(rd.is_empty());
        println!();
    }
}

/// A minimal MessagePack reader independent of rmp, to render bodies for the spec and to
/// check that they use only plain MessagePack types.
mod mp {
    fn take<'a>(rd: &mut &'a [u8], n: usize) -> &'a [u8] {
        let (a, b) = rd.split_at(n);
        *rd = b;
        a
    }

    fn be(b: &[u8]) -> u64 {
        b.iter().fold(0, |acc, &x| acc << 8 | x as u64)
    }

    fn num(v: u64) -> String {
        if v >= 0x1_0000 {
            format!("0x{v:x}")
        } else {
            v.to_string()
        }
    }

    pub fn render(rd: &mut &[u8]) -> String {
        let m = take(rd, 1)[0];
        let seq = |rd: &mut &[u8], n: usize| {
            let items: Vec<String> = (0..n).map(|_| render(rd)).collect();
            format!("[{}]", items.join(", "))
        };
        let text = |b: &[u8]| format!("{:?}", std::str::from_utf8(b).expect("utf-8 str"));
        let bin = |b: &[u8]| format!("bin({})", hex::encode(b));
        match m {
            0x00..=0x7f => num(m as u64),
            0x90..=0x9f => seq(rd, (m & 0x0f) as usize),
            0xa0..=0xbf => text(take(rd, (m & 0x1f) as usize)),
            0xc0 => "nil".into(),
            0xc2 => "false".into(),
            0xc3 => "true".into(),
            0xc4 => {
                let n = be(take(rd, 1)) as usize;
                bin(take(rd, n))
            }
            0xc5 => {
                let n = be(take(rd, 2)) as usize;
                bin(take(rd, n))
            }
            0xc6 => {
                let n = be(take(rd, 4)) as usize;
                bin(take(rd, n))
            }
            0xca => format!("{:?}f32", f32::from_bits(be(take(rd, 4)) as u32)),
            0xcb => format!("{:?}f64", f64::from_bits(be(take(rd, 8)))),
            0xcc => num(be(take(rd, 1))),
            0xcd => num(be(take(rd, 2))),
            0xce => num(be(take(rd, 4))),
            0xcf => num(be(take(rd, 8))),
            0xd0 => (take(rd, 1)[0] as i8).to_string(),
            0xd1 => (be(take(rd, 2)) as u16 as i16).to_string(),
            0xd2 => (be(take(rd, 4)) as u32 as i32).to_string(),
            0xd3 => (be(take(rd, 8)) as i64).to_string(),
            0xd9 => {
                let n = be(take(rd, 1)) as usize;
                text(take(rd, n))
            }
            0xda => {
                let n = be(take(rd, 2)) as usize;
                text(take(rd, n))
            }
            0xdc => {
                let n = be(take(rd, 2)) as usize;
                seq(rd, n)
            }
            0xe0..=0xff => (m as i8).to_string(),
            other => panic!("marker {other:#x} is not used by the protocol"),
        }
    }
}
