//! Loops in a module graph: its strongly connected parts, one loop through each with the
//! use sites that make it, for the messages of a failed check.

use crate::walk::Use;
use std::collections::{BTreeMap, BTreeSet};

/// The non-trivial strongly connected parts of a graph, each as a list of nodes.
pub(crate) fn cycles<V>(edges: &BTreeMap<(String, String), V>) -> Vec<Vec<String>> {
    let mut nodes: BTreeSet<&String> = BTreeSet::new();
    for (a, b) in edges.keys() {
        nodes.insert(a);
        nodes.insert(b);
    }
    let reach = |from: &String| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(n) = stack.pop() {
            for (a, b) in edges.keys() {
                if *a == n && seen.insert(b.clone()) {
                    stack.push(b.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        nodes.iter().map(|n| (*n, reach(n))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for n in &nodes {
        if done.contains(*n) || !reaches[n].contains(*n) {
            continue;
        }
        let part: Vec<String> = nodes
            .iter()
            .filter(|m| reaches[n].contains(**m) && reaches[*m].contains(*n))
            .map(|m| (*m).clone())
            .collect();
        done.extend(part.iter().cloned());
        out.push(part);
    }
    out
}

/// One loop through a strongly connected part, with a use site for each step.
pub(crate) fn describe_cycle(
    part: &[String],
    edges: &BTreeMap<(String, String), Vec<&Use>>,
) -> String {
    // Walk from the first node along edges inside the part until it comes back.
    let inside: BTreeSet<&String> = part.iter().collect();
    let start = &part[0];
    // Breadth-first search for the shortest way back to `start`.
    let mut prev: BTreeMap<String, String> = BTreeMap::new();
    let mut frontier = vec![start.clone()];
    let mut found = false;
    'search: while !frontier.is_empty() {
        let mut next = Vec::new();
        for n in &frontier {
            for (a, b) in edges.keys() {
                if a == n && inside.contains(b) {
                    if b == start {
                        prev.insert(format!("{b}#end"), a.clone());
                        found = true;
                        break 'search;
                    }
                    if !prev.contains_key(b) {
                        prev.insert(b.clone(), a.clone());
                        next.push(b.clone());
                    }
                }
            }
        }
        frontier = next;
    }
    if !found {
        return part.join(", ");
    }
    let mut path = vec![start.clone()];
    let mut at = prev[&format!("{start}#end")].clone();
    while at != *start {
        path.push(at.clone());
        at = prev[&at].clone();
    }
    path.push(start.clone());
    path.reverse();
    let steps: Vec<String> = path
        .windows(2)
        .map(|w| {
            let uses = &edges[&(w[0].clone(), w[1].clone())];
            format!("`{}` → `{}` ({})", w[0], w[1], sites(uses))
        })
        .collect();
    steps.join("; ")
}

/// Up to three use sites, as `file:line path`.
pub(crate) fn sites(uses: &[&Use]) -> String {
    let mut s: Vec<String> = uses
        .iter()
        .take(3)
        .map(|u| format!("{}:{} `{}`", u.file.display(), u.line, u.text))
        .collect();
    if uses.len() > 3 {
        s.push(format!("and {} more", uses.len() - 3));
    }
    s.join(", ")
}
