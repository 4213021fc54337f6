//! Hostile-input corpus: every row of `tests/hostile/inputs.json` runs the
//! real `cairn` binary in a fresh folder, next to an outside "secret" file,
//! and must not panic or crash (exit 101, "panicked", a signal), hang
//! (killed after [`CPU_LIMIT`] of processor time, or [`WALL_LIMIT`] for a
//! process that blocks), disclose (the secret's marker, which is also
//! in the child's environment, never in its output), write (the folder and
//! the secret unchanged, except files a row names as written), nor break
//! the row's own expectations (exit codes, output it must or must not have).
//!
//! The format of a row is in `tests/hostile/README.md`. Rows known to fail
//! on this branch are listed in `tests/hostile/pending.txt`; each must still
//! fail (so the list shrinks as fixes land), every other row must pass.

mod child;

use child::{spawn, Status, CPU_LIMIT, WALL_LIMIT};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/hostile");
/// The marker of the secret file and of the child's environment. Short,
/// and the environment holds little else and this first (`A=…`), so even a
/// syntax error's "found `…`" excerpt of `/proc/self/environ` shows it.
const MARKER: &str = "hostile-5d1c7e";
/// A child whose resident memory peaks above this (KiB) fails as a
/// blow-up (the address-space limit alone would hide one: the read fails
/// with "out of memory" and the tool reports it as an I/O error).
const PEAK_KIB: u64 = 400_000;

/// One row's failures; empty when it passed.
fn run_row(row: &Value, n: usize) -> Vec<String> {
    let name = row["name"].as_str().unwrap_or("?");
    let root = std::env::temp_dir().join(format!("cairn-hostile-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let dir = root.join("work");
    std::fs::create_dir_all(&dir).unwrap();
    let secret = root.join("secret.txt");
    std::fs::write(&secret, format!("{MARKER}\n{MARKER} line 2\n")).unwrap();
    let fill = |s: &str| {
        s.replace("@SECRET@", &secret.to_string_lossy())
            .replace("@DIR@", &dir.to_string_lossy())
    };
    let files = row["files"].as_object().cloned().unwrap_or_default();
    for (path, spec) in &files {
        create(&dir.join(path), spec, &fill);
    }
    let before = snapshot(&root);
    let args: Vec<String> = row["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| fill(a.as_str().unwrap()))
        .collect();
    let stdin = row
        .get("stdin")
        .map(|s| bytes(s, &fill))
        .unwrap_or_default();
    let full = row["stdout"].as_str() == Some("full");
    let run = spawn(&dir, &args, ("A", MARKER), stdin, full);
    let after = snapshot(&root);
    let _ = std::fs::remove_dir_all(&root);

    let expect = &row["expect"];
    let mut failures = Vec::new();
    let output = format!("{}{}", run.stdout, run.stderr);
    match run.status {
        Status::Hang => failures.push(format!(
            "hang (killed after {CPU_LIMIT:?} of processor time or {WALL_LIMIT:?})"
        )),
        _ if run.peak_kib > PEAK_KIB => failures.push(format!(
            "memory blow-up (resident memory peaked at {} MB)",
            run.peak_kib / 1000
        )),
        Status::Signal => failures.push("crash (killed by a signal)".into()),
        Status::Exit(101) => failures.push("panic (exit 101)".into()),
        Status::Exit(code) => {
            if let Some(allowed) = expect["exit"].as_array() {
                if !allowed.iter().any(|c| c.as_i64() == Some(code.into())) {
                    failures.push(format!("exit code {code}, expected one of {allowed:?}"));
                }
            }
        }
    }
    if run.stderr.contains("panicked") {
        failures.push("panic (\"panicked\" in stderr)".into());
    }
    if output.contains(MARKER) {
        failures.push("disclosure (the secret's marker in the output)".into());
    }
    for lack in strings(&expect["output_lacks"], &fill) {
        if output.contains(&lack) {
            failures.push(format!("the output has {lack:?}"));
        }
    }
    for has in strings(&expect["stdout_has"], &fill) {
        if !run.stdout.contains(&has) {
            failures.push(format!("the output lacks {has:?}"));
        }
    }
    let writes = strings(&expect["writes"], &fill);
    let changed: Vec<&String> = before
        .keys()
        .chain(after.keys())
        .filter(|p| before.get(*p) != after.get(*p))
        .filter(|p| {
            !writes
                .iter()
                .any(|w| Path::new("work").join(w) == Path::new(p))
        })
        .collect();
    if !changed.is_empty() {
        failures.push(format!("write (changed: {changed:?})"));
    }
    if !failures.is_empty() {
        let tail: String = output.chars().take(600).collect();
        failures.push(format!("{name}: `cairn {}` said: {tail}", args.join(" ")));
    }
    failures
}

/// Creates one file of a row: text (or parts), a symlink, a FIFO, a folder.
fn create(path: &Path, spec: &Value, fill: &dyn Fn(&str) -> String) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    if let Some(target) = spec.get("symlink").and_then(Value::as_str) {
        std::os::unix::fs::symlink(fill(target), path).unwrap();
    } else if spec.get("fifo").is_some() {
        let ok = Command::new("mkfifo").arg(path).status().unwrap();
        assert!(ok.success(), "mkfifo {}", path.display());
    } else if spec.get("dir").is_some() {
        std::fs::create_dir_all(path).unwrap();
    } else {
        std::fs::write(path, bytes(spec, fill)).unwrap();
        if let Some(mode) = spec.get("mode").and_then(Value::as_u64) {
            let mode = std::os::unix::fs::PermissionsExt::from_mode(mode as u32);
            std::fs::set_permissions(path, mode).unwrap();
        }
    }
}

/// The bytes of a text spec: a string, or a list of parts (strings,
/// `{"text": "…"}`, `{"repeat": N, "text": "…@I@…"}`, `{"bytes": [255]}`,
/// `{"frame": PARTS}`: a language-server frame with its `Content-Length`).
fn bytes(spec: &Value, fill: &dyn Fn(&str) -> String) -> Vec<u8> {
    match spec {
        Value::String(s) => fill(s).into_bytes(),
        Value::Array(parts) => parts.iter().flat_map(|p| bytes(p, fill)).collect(),
        Value::Object(o) if o.contains_key("bytes") => o["bytes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b.as_u64().unwrap() as u8)
            .collect(),
        Value::Object(o) if o.contains_key("frame") => {
            let body = bytes(&o["frame"], fill);
            let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
            out.extend(body);
            out
        }
        Value::Object(o) if !o.contains_key("repeat") => {
            fill(o["text"].as_str().unwrap()).into_bytes()
        }
        Value::Object(o) => {
            let text = o["text"].as_str().unwrap();
            let n = o["repeat"].as_u64().unwrap();
            let mut out = Vec::new();
            for i in 0..n {
                out.extend(fill(&text.replace("@I@", &i.to_string())).into_bytes());
            }
            out
        }
        _ => panic!("a file is a string, a list of parts or an object: {spec}"),
    }
}

fn strings(v: &Value, fill: &dyn Fn(&str) -> String) -> Vec<String> {
    let list = v.as_array().cloned().unwrap_or_default();
    list.iter().filter_map(|s| s.as_str().map(fill)).collect()
}

/// Every file under `root` with its content (a symlink by its target, a
/// FIFO by its kind), so any write, new file or removal shows.
fn snapshot(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let key = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .to_string();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let state = if meta.file_type().is_symlink() {
                format!("-> {:?}", std::fs::read_link(&path).ok())
            } else if meta.is_dir() {
                stack.push(path.clone());
                "dir".into()
            } else if meta.is_file() {
                let data = std::fs::read(&path).unwrap_or_default();
                let mode = std::os::unix::fs::PermissionsExt::mode(&meta.permissions());
                format!("{} bytes, {:?}, mode {mode:o}", data.len(), fnv(&data))
            } else {
                "special".into()
            };
            out.insert(key, state);
        }
    }
    out
}

fn fnv(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// The rows, and the names in `pending.txt` that apply here (comments
/// after `#`; a name followed by `@root` is pending only when the tests run
/// as root, e.g. where only root can read the file a row includes).
fn load() -> (Vec<Value>, Vec<String>) {
    let text = std::fs::read_to_string(PathBuf::from(ROOT).join("inputs.json")).unwrap();
    let rows: Vec<Value> = serde_json::from_str(&text).unwrap();
    let pending = std::fs::read_to_string(PathBuf::from(ROOT).join("pending.txt")).unwrap();
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let pending = pending
        .lines()
        .map(|l| {
            l.split('#')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .collect::<Vec<_>>()
        })
        .filter_map(|words| match words[..] {
            [name] => Some(name.to_string()),
            [name, "@root"] => root.then(|| name.to_string()),
            [] => None,
            _ => panic!("pending.txt: `{}` is not `NAME [@root]`", words.join(" ")),
        })
        .collect();
    (rows, pending)
}

#[test]
fn hostile_inputs_neither_panic_hang_disclose_nor_write() {
    let (rows, pending) = load();
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    for p in &pending {
        assert!(
            names.contains(&p.as_str()),
            "pending.txt names no row `{p}`"
        );
    }
    // Three rows at a time: most finish at once, the pending hangs take CPU_LIMIT.
    let only = std::env::var("HOSTILE_ONLY").ok();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(row) = rows.get(i) else { break };
                // `HOSTILE_ONLY=NAME cargo test hostile` runs one row, to debug it.
                if only.as_deref().is_some_and(|o| o != names[i]) {
                    continue;
                }
                let failures = run_row(row, i);
                results.lock().unwrap().push((i, failures));
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(i, _)| *i);
    let mut problems = Vec::new();
    for (i, failures) in results {
        let name = names[i];
        if let Some(only) = &only {
            // One row: show its failures whether or not it is pending.
            assert!(
                failures.is_empty(),
                "`{only}` fails:\n  {}",
                failures.join("\n  ")
            );
            continue;
        }
        match (pending.iter().any(|p| p == name), failures.is_empty()) {
            (false, false) => {
                problems.push(format!("`{name}` fails:\n  {}", failures.join("\n  ")))
            }
            (true, true) => problems.push(format!(
                "`{name}` passes now: remove it from tests/hostile/pending.txt"
            )),
            _ => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
