//! The `postmottak` binary: guarantee the process environment, parse the
//! command line, run. `anyhow` lives only at this edge.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // The database (letter text, TOTP secrets), the content store, the page
    // cache and status.json must never be world-readable, however the binary
    // was started (the systemd unit sets UMask=0027; run-demo, a shell with
    // umask 022 and cron do not). Group read stays for the admin group.
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o027));
    ensure_omp_thread_limit();
    panics_without_content();
    let cli = postmottak::cli::Cli::parse();
    if !matches!(cli.command, postmottak::cli::Command::Run(_)) {
        quiet_on_closed_pipe();
    }
    match cli.run() {
        Ok(code) => code,
        // `postmottak queue list --json | head`: the reader left, nothing to report.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("postmottak: {err:#}");
            ExitCode::from(1)
        }
    }
}

/// A panic's message can quote the data it tripped on ("… inside 'é' of
/// `éN`": a slice of a letter's stamp), and the default hook prints it to
/// stderr, the journal under systemd. Everything else this process logs
/// keeps letter content out, so a panic reports where it happened and in
/// which thread, never its message. `RUST_BACKTRACE=1` still adds the
/// backtrace (code locations only).
fn panics_without_content() {
    std::panic::set_hook(Box::new(|info| {
        let thread = std::thread::current();
        eprintln!(
            "{}",
            panic_report(thread.name(), info.location().map(|l| (l.file(), l.line())))
        );
        let backtrace = std::backtrace::Backtrace::capture();
        if backtrace.status() == std::backtrace::BacktraceStatus::Captured {
            eprintln!("{backtrace}");
        }
    }));
}

fn panic_report(thread: Option<&str>, at: Option<(&str, u32)>) -> String {
    let at = at.map_or_else(
        || "ukjent sted".to_owned(),
        |(file, line)| format!("{file}:{line}"),
    );
    format!(
        "postmottak: intern feil (panic) i tråden «{}» ved {at}; meldingen vises ikke, den kan \
         inneholde brevinnhold",
        thread.unwrap_or("uten navn")
    )
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// `postmottak status | head`: Rust ignores SIGPIPE, so every `println!`
/// after the reader left would panic with a backtrace. One-shot commands get
/// the default disposition back and end as quietly as `cat` does, whichever
/// way they print. The daemon keeps ignoring it: a closed socket there is an
/// error to handle, not a reason to die.
fn quiet_on_closed_pipe() {
    use nix::sys::signal::{signal, SigHandler, Signal};
    // SAFETY: set once at start-up, before any thread exists, to the default
    // disposition (no handler code runs).
    if let Err(err) = unsafe { signal(Signal::SIGPIPE, SigHandler::SigDfl) } {
        eprintln!("postmottak: advarsel: kunne ikke sette SIGPIPE: {err}");
    }
}

/// Tesseract's OpenMP reads `OMP_THREAD_LIMIT` once, when the library loads,
/// so setting it from inside the process is too late (measured: 7–9 s a page
/// instead of ~1.4 s). When it is missing we re-exec ourselves with it set, so
/// every way of starting the binary gets the fast path.
fn ensure_omp_thread_limit() {
    use std::os::unix::process::CommandExt;

    if std::env::var_os("OMP_THREAD_LIMIT").is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let err = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env("OMP_THREAD_LIMIT", "1")
        .exec();
    // exec only returns on failure; carry on single-process rather than die.
    eprintln!("postmottak: advarsel: kunne ikke starte på nytt med OMP_THREAD_LIMIT=1: {err}");
}

#[cfg(test)]
mod tests {
    use super::panic_report;

    #[test]
    fn a_panic_report_names_the_place_and_the_thread_only() {
        let report = panic_report(
            Some("ocr-0"),
            Some(("src/classify/stamp/ocr_tolerant.rs", 169)),
        );
        assert!(report.contains("«ocr-0»"), "{report}");
        assert!(
            report.contains("src/classify/stamp/ocr_tolerant.rs:169"),
            "{report}"
        );
        assert!(panic_report(None, None).contains("«uten navn» ved ukjent sted"));
    }
}
