//! Hostile-input corpus: the child process. Runs the real `cairn` binary
//! under an address-space limit with a clean environment, feeds its
//! standard input, keeps its output, watches its processor time and peak
//! memory, and kills it when it hangs.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A row that has used this much processor time is killed and fails as a
/// hang. Processor time, not wall time, so a loaded machine (the tests run
/// next to other builds) does not turn a slow row into a hang.
pub const CPU_LIMIT: Duration = Duration::from_secs(10);
/// A row still running after this long (a blocked read uses no processor
/// time) is killed and fails as a hang.
pub const WALL_LIMIT: Duration = Duration::from_secs(30);
/// The child's address-space limit (KiB), so a read that never ends stops
/// there instead of taking the machine's memory.
const MEMORY_KIB: u64 = 1_500_000;

/// How the child ended.
pub enum Status {
    /// It exited with this code.
    Exit(i32),
    /// A signal killed it (an abort, e.g. a failed allocation).
    Signal,
    /// It was killed for running too long.
    Hang,
}

/// What a run of the child gave.
pub struct Ran {
    /// How it ended.
    pub status: Status,
    /// The highest resident memory seen (`VmHWM`), KiB.
    pub peak_kib: u64,
    /// Its standard output (the first 8 MB).
    pub stdout: String,
    /// Its standard error (the first 8 MB).
    pub stderr: String,
}

/// Runs `cairn ARGS` in `dir` under the memory limit, with only `env` and
/// `NO_COLOR` in its environment (`env` first), killed after
/// [`CPU_LIMIT`] of processor time or [`WALL_LIMIT`].
pub fn spawn(
    dir: &Path,
    args: &[String],
    env: (&str, &str),
    stdin: Vec<u8>,
    full_stdout: bool,
) -> Ran {
    let stdout = match full_stdout {
        true => Stdio::from(std::fs::File::create("/dev/full").unwrap()),
        false => Stdio::piped(),
    };
    let mut child = Command::new("sh")
        .arg("-c")
        // `env -i` sets the child's environment in this order (the shell
        // would add and reorder variables of its own).
        .arg(format!(
            "ulimit -v {MEMORY_KIB}; exec env -i \"{}={}\" NO_COLOR=1 \"$0\" \"$@\"",
            env.0, env.1
        ))
        .arg(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let readers: Vec<_> = [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    ]
    .into_iter()
    .map(|r| {
        std::thread::spawn(move || {
            let mut kept = Vec::new();
            if let Some(mut r) = r {
                // Keep the first 8 MB; drain the rest so the child never blocks.
                let mut buf = [0u8; 65536];
                while let Ok(n @ 1..) = r.read(&mut buf) {
                    if kept.len() < 8 << 20 {
                        kept.extend_from_slice(&buf[..n]);
                    }
                }
            }
            String::from_utf8_lossy(&kept).into_owned()
        })
    })
    .collect();
    let start = Instant::now();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0;
    let status = loop {
        peak_kib = peak_kib.max(high_water(&status_file));
        if let Some(s) = child.try_wait().unwrap() {
            break match s.code() {
                Some(code) => Status::Exit(code),
                None => Status::Signal,
            };
        }
        if start.elapsed() > WALL_LIMIT || cpu_time(child.id()) > CPU_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break Status::Hang;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = writer.join();
    let mut out = readers.into_iter().map(|r| r.join().unwrap_or_default());
    Ran {
        status,
        peak_kib,
        stdout: out.next().unwrap_or_default(),
        stderr: out.next().unwrap_or_default(),
    }
}

/// A process's processor time so far, user and system, all threads (zero
/// once it has exited).
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (in parentheses, which may hold spaces):
    // state is field 3, utime and stime fields 14 and 15, in clock ticks.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<u64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse().ok())
        .collect();
    let ticks: u64 = fields.iter().sum();
    // The kernel reports USER_HZ ticks, 100 per second on Linux.
    Duration::from_millis(ticks * 10)
}

/// A process's peak resident memory in KiB (0 once it has exited).
fn high_water(status_file: &str) -> u64 {
    let text = std::fs::read_to_string(status_file).unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
