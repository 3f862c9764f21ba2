//! The table of requests (`yonder_protocol::REQUESTS`) against what else states the same
//! facts: protocol.md (Appendix B's table, the §9 and §10 headings), in both directions,
//! and the `Request` and `Reply` enums' wire tags. A fixture shows that the comparison
//! with the spec fails on each kind of disagreement.

// Shared with proptest.rs; only the request and reply strategies are used here.
#[allow(dead_code)]
mod strategies;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use std::collections::BTreeSet;
use yonder_protocol::descriptor::{descriptor, DEFERRABLE};
use yonder_protocol::{Descriptor, Reply, Request, REQUESTS};

const SPEC: &str = include_str!("../../protocol.md");

/// One row of Appendix B's table: opcode, request, reply (`—`: none), version (`1.N`).
#[derive(Debug, PartialEq)]
struct Row {
    opcode: u8,
    name: String,
    reply: Option<String>,
    since_minor: u16,
}

/// The rows of the table in `spec`'s Appendix B (the first table after its heading).
fn appendix_b(spec: &str) -> Result<Vec<Row>, String> {
    let start = spec
        .find("\n## Appendix B")
        .ok_or("no Appendix B heading")?
        + 1;
    let mut rows = Vec::new();
    let mut in_table = false;
    for line in spec[start..].lines().skip(1) {
        if line.starts_with("## ") {
            break;
        }
        if !line.starts_with('|') {
            if in_table {
                break;
            }
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if !in_table {
            // The header, then the separator row.
            in_table = true;
            if cells != ["Opcode", "Request", "Reply", "Since"] {
                return Err(format!("unexpected header {line:?}"));
            }
            continue;
        }
        if cells.iter().all(|c| c.chars().all(|ch| "-:".contains(ch))) {
            continue;
        }
        let [opcode, name, reply, since] = cells[..] else {
            return Err(format!("not four cells: {line:?}"));
        };
        let minor = since.strip_prefix("1.").and_then(|m| m.parse().ok());
        rows.push(Row {
            opcode: opcode
                .parse()
                .map_err(|e| format!("bad opcode in {line:?}: {e}"))?,
            name: name.to_string(),
            reply: (reply != "—").then(|| reply.to_string()),
            since_minor: minor.ok_or_else(|| format!("bad version in {line:?}"))?,
        });
    }
    match rows.is_empty() {
        true => Err("no rows in Appendix B's table".into()),
        false => Ok(rows),
    }
}

/// Every disagreement between the spec's `rows` and `table`, one sentence each, in order
/// of opcode: a row the other side lacks, a name or a reply that differs, rows out of
/// order or twice.
fn disagreements(rows: &[Row], table: &[Descriptor]) -> Vec<String> {
    let mut out = Vec::new();
    for pair in rows.windows(2) {
        if pair[0].opcode >= pair[1].opcode {
            out.push(format!(
                "protocol.md: opcode {} after {} (ascending, each once)",
                pair[1].opcode, pair[0].opcode
            ));
        }
    }
    let opcodes: BTreeSet<u8> = rows
        .iter()
        .map(|r| r.opcode)
        .chain(table.iter().map(|d| d.opcode))
        .collect();
    for op in opcodes {
        let row = rows.iter().find(|r| r.opcode == op);
        let d = table.iter().find(|d| d.opcode == op);
        match (row, d) {
            (Some(r), None) => out.push(format!(
                "protocol.md lists {op} {}, the table does not",
                r.name
            )),
            (None, Some(d)) => out.push(format!(
                "the table has {op} {}, protocol.md does not",
                d.name
            )),
            (Some(r), Some(d)) => {
                if r.name != d.name {
                    out.push(format!(
                        "{op}: protocol.md says {}, the table {}",
                        r.name, d.name
                    ));
                }
                if r.reply.as_deref() != d.reply {
                    out.push(format!(
                        "{op} {}: protocol.md's reply is {:?}, the table's {:?}",
                        d.name, r.reply, d.reply
                    ));
                }
                if r.since_minor != d.since_minor {
                    out.push(format!(
                        "{op} {}: protocol.md says since 1.{}, the table 1.{}",
                        d.name, r.since_minor, d.since_minor
                    ));
                }
            }
            (None, None) => unreachable!(),
        }
    }
    out
}

/// The `#### S.N Name (code)` headings of section `S` (9: requests, 10: replies) as
/// (name, code).
fn headings(spec: &str, section: u32) -> Vec<(String, u8)> {
    let prefix = format!("#### {section}.");
    spec.lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .map(|rest| {
            let (_, title) = rest.split_once(' ').expect("a numbered heading");
            let (name, code) = title.split_once(" (").expect("Name (code)");
            let code = code.trim_end_matches(')').parse().expect("a code");
            (name.to_string(), code)
        })
        .collect()
}

#[test]
fn protocol_md_appendix_b_and_the_table_agree() {
    let rows = appendix_b(SPEC).unwrap();
    let found = disagreements(&rows, REQUESTS);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_comparison_fails_on_every_kind_of_disagreement() {
    let fixture = "\
# Spec

## Appendix B: summary tables

Prose.

| Opcode | Request | Reply | Since |
|-------:|---------|-------|-------|
| 1 | CreateWindow | Geometry | 1.0 |
| 2 | ChangeWindowAttribute | — | 1.3 |
| 99 | Frobnicate | — | 1.0 |
| 4 | DestroyWindow | — | 1.0 |

Protocol constants.
";
    let rows = appendix_b(fixture).unwrap();
    assert_eq!(rows.len(), 4);
    // CreateWindow, ChangeWindowAttributes, GetWindowAttributes.
    let table = &REQUESTS[..3];
    assert_eq!(
        disagreements(&rows, table),
        [
            "protocol.md: opcode 4 after 99 (ascending, each once)",
            "1 CreateWindow: protocol.md's reply is Some(\"Geometry\"), the table's None",
            "2: protocol.md says ChangeWindowAttribute, the table ChangeWindowAttributes",
            "2 ChangeWindowAttributes: protocol.md says since 1.3, the table 1.0",
            "the table has 3 GetWindowAttributes, protocol.md does not",
            "protocol.md lists 4 DestroyWindow, the table does not",
            "protocol.md lists 99 Frobnicate, the table does not",
        ]
    );
    let agreeing =
        "# Spec\n\n## Appendix B\n\n| Opcode | Request | Reply | Since |\n|---|---|---|---|\n\
        | 1 | CreateWindow | — | 1.0 |\n| 2 | ChangeWindowAttributes | — | 1.0 |\n\
        | 3 | GetWindowAttributes | WindowAttributes | 1.0 |\n";
    assert!(disagreements(&appendix_b(agreeing).unwrap(), table).is_empty());
    assert!(appendix_b("# Spec\n\n## Appendix B\n\nNo table.\n").is_err());
}

#[test]
fn protocol_md_request_and_reply_headings_match_the_table() {
    let requests: Vec<(String, u8)> = REQUESTS
        .iter()
        .map(|d| (d.name.to_string(), d.opcode))
        .collect();
    assert_eq!(headings(SPEC, 9), requests, "§9 headings");
    let replies: Vec<(String, u8)> = REQUESTS
        .iter()
        .filter_map(|d| Some((d.reply?.to_string(), d.opcode)))
        .collect();
    assert_eq!(headings(SPEC, 10), replies, "§10 headings");
}

/// The requests that §5.3's table of versions names (`Name (opcode`), by minor version.
fn added_by_version(spec: &str) -> Vec<(u16, &'static str)> {
    let mut added = Vec::new();
    for line in spec.lines() {
        let Some(rest) = line.strip_prefix("| 1.") else {
            continue;
        };
        let (minor, text) = rest.split_once(" |").expect("| 1.N | text |");
        let minor: u16 = minor.parse().expect("a minor version");
        // Every `Name (digits` whose name and opcode are a request's.
        for (i, _) in text.match_indices(" (") {
            let name = text[..i]
                .rsplit(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap();
            let digits: String = text[i + 2..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let Ok(op) = digits.parse::<u8>() else {
                continue;
            };
            if let Some(d) = descriptor(op).filter(|d| d.name == name) {
                added.push((minor, d.name));
            }
        }
    }
    added
}

#[test]
fn protocol_md_versions_name_the_requests_each_minor_version_added() {
    let mut later: Vec<(u16, &str)> = REQUESTS
        .iter()
        .filter(|d| d.since_minor > 0)
        .map(|d| (d.since_minor, d.name))
        .collect();
    let mut named = added_by_version(SPEC);
    later.sort();
    named.sort();
    assert_eq!(named, later);
}

#[test]
fn the_table_is_sorted_with_unique_opcodes_and_names() {
    for pair in REQUESTS.windows(2) {
        assert!(pair[0].opcode < pair[1].opcode, "{pair:?}");
    }
    let names: BTreeSet<&str> = REQUESTS.iter().map(|d| d.name).collect();
    assert_eq!(names.len(), REQUESTS.len());
    let replies: Vec<&str> = REQUESTS.iter().filter_map(|d| d.reply).collect();
    assert_eq!(replies.len(), replies.iter().collect::<BTreeSet<_>>().len());
}

#[test]
fn lookups_by_opcode_agree_with_the_table() {
    for op in 0..=u8::MAX {
        let row = REQUESTS.iter().find(|d| d.opcode == op);
        assert_eq!(descriptor(op), row, "{op}");
        assert_eq!(Request::is_known_code(op), row.is_some(), "{op}");
        assert_eq!(Request::name_of(op), row.map(|d| d.name), "{op}");
        assert_eq!(Reply::name_of(op), row.and_then(|d| d.reply), "{op}");
        assert_eq!(DEFERRABLE[op as usize], row.is_some_and(|d| d.deferrable));
    }
}

/// `n` values drawn from `strategy`, the same on every run.
fn drawn<S: Strategy>(strategy: S, n: usize) -> Vec<S::Value> {
    let mut runner = TestRunner::deterministic();
    (0..n)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect()
}

#[test]
fn requests_are_tagged_on_the_wire_by_their_row() {
    let mut reached = BTreeSet::new();
    for req in drawn(strategies::request(), 4000) {
        let d = req.descriptor();
        let bytes = rmp_serde::to_vec(&req).unwrap();
        // `[opcode, body]`: every opcode is a positive fixint.
        assert_eq!(bytes[..2], [0x92, d.opcode], "{}", d.name);
        assert_eq!((req.code(), req.name()), (d.opcode, d.name));
        assert_eq!(req.has_reply(), d.has_reply(), "{}", d.name);
        assert_eq!(descriptor(d.opcode), Some(d));
        reached.insert(d.opcode);
    }
    let all: BTreeSet<u8> = REQUESTS.iter().map(|d| d.opcode).collect();
    assert_eq!(reached, all, "the strategy reaches every request");
}

#[test]
fn replies_are_tagged_on_the_wire_by_their_requests_row() {
    for reply in drawn(strategies::server::reply(), 2000) {
        let bytes = rmp_serde::to_vec(&reply).unwrap();
        let d = descriptor(reply.code()).expect("a reply's code is its request's opcode");
        assert_eq!(bytes[..2], [0x92, d.opcode], "{}", d.name);
        assert_eq!(d.reply, Some(reply.name()), "{}", d.name);
    }
}

#[test]
fn a_request_struct_names_its_reply_type() {
    use std::any::TypeId;
    use yonder_protocol::reply::{GeometryReply, SyncReply};
    use yonder_protocol::request::{CreateWindow, GetGeometry, Sync};
    use yonder_protocol::{NoReply, RequestInfo};

    fn reply_of<Q: RequestInfo>() -> TypeId
    where
        Q::Reply: 'static,
    {
        TypeId::of::<Q::Reply>()
    }
    assert_eq!(reply_of::<GetGeometry>(), TypeId::of::<GeometryReply>());
    assert_eq!(reply_of::<Sync>(), TypeId::of::<SyncReply>());
    assert_eq!(reply_of::<CreateWindow>(), TypeId::of::<NoReply>());
    let geometry = (
        GetGeometry::OPCODE,
        GetGeometry::NAME,
        GetGeometry::HAS_REPLY,
    );
    assert_eq!(geometry, (9, "GetGeometry", true));
    let create_window = <CreateWindow as RequestInfo>::DESCRIPTOR;
    assert_eq!(
        (create_window.opcode, create_window.has_reply()),
        (1, false)
    );
    assert_eq!(Request::from(Sync {}), Request::Sync(Sync {}));
}
