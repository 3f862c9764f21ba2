//! What a run prints: one line per figure, `TAG|field|...`, that bench/reconnect.sh turns
//! into tables; and the figures of one round.

use crate::journal::BackLine;
use crate::stage::App;
use std::time::Duration;

/// The figures of one round, from the moment the server (or proxy) was ready.
pub struct Round {
    /// Every window back with its pixels.
    pub all: Duration,
    /// Every app connected again.
    pub connected: Duration,
    /// The new server's start-up (spawned to ready); zero for a cut link.
    pub startup: Duration,
    /// The latest of the apps' successful attempts, after ready (their backoff).
    pub last_dial: Duration,
    /// The last app to have its setup and have written its replay (or what the server
    /// missed), after ready: every app knows it is back.
    pub apps_back: Duration,
    /// Per app, its last window back.
    pub per_app: Vec<Duration>,
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The median (the mean of the two middle values for an even count).
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => v[n / 2],
        _ => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(0.0, f64::max)
}

/// `TAG|link|rounds|p50|max|server saw them p50|apps back p50|last attempt p50|start-up
/// p50` (ms).
pub fn print_rounds(tag: &str, label: &str, rounds: &[Round]) {
    let col =
        |f: &dyn Fn(&Round) -> Duration| -> Vec<f64> { rounds.iter().map(|r| ms(f(r))).collect() };
    let all = col(&|r| r.all);
    println!(
        "{tag}|{label}|{}|{:.1}|{:.1}|{:.1}|{:.1}|{:.1}|{:.1}",
        rounds.len(),
        median(all.clone()),
        max(&all),
        median(col(&|r| r.connected)),
        median(col(&|r| r.apps_back)),
        median(col(&|r| r.last_dial)),
        median(col(&|r| r.startup)),
    );
}

/// `back|link|app|p50` (ms): when each kind of app had its windows back after a restart.
pub fn print_per_app(label: &str, apps: &[App], rounds: &[Round]) {
    let mut names: Vec<&str> = apps.iter().map(|a| a.name).collect();
    names.sort();
    names.dedup();
    for name in names {
        let times = apps
            .iter()
            .enumerate()
            .filter(|(_, a)| a.name == name)
            .flat_map(|(i, _)| rounds.iter().map(move |r| ms(r.per_app[i])))
            .collect();
        println!("back|{label}|{name}|{:.1}", median(times));
    }
}

/// `journal|app|bytes|replay requests|replay bytes|build µs p50`, one line per kind of app
/// (the medians over its processes and rounds).
pub fn print_journal(apps: &[App], lines_of: &[Vec<BackLine>]) {
    let mut names: Vec<&str> = apps.iter().map(|a| a.name).collect();
    names.sort();
    names.dedup();
    for name in names {
        let rows: Vec<&BackLine> = apps
            .iter()
            .zip(lines_of)
            .filter(|(a, _)| a.name == name)
            .flat_map(|(_, v)| v)
            .collect();
        let Some(first) = rows.first() else {
            continue;
        };
        let med = |f: &dyn Fn(&BackLine) -> f64| median(rows.iter().map(|r| f(r)).collect());
        println!(
            "journal|{name}|{}|{}|{}|{:.0}",
            med(&|r| r.bytes as f64),
            first.replay_requests,
            med(&|r| r.replay_bytes as f64),
            med(&|r| r.build.as_secs_f64() * 1e6),
        );
    }
}
