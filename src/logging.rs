//! Logging: `tracing` events (and `log` records from dependencies) go to the
//! systemd journal when the process was started by systemd, to stderr otherwise.
//!
//! # Privacy rule
//!
//! **No personal ID number and no letter text in any log line.** Log what an
//! operator needs to act — item ids, units, states, error codes, counts,
//! durations, SHA-256 prefixes — never extracted text, titles, sender names or
//! person numbers. File names can carry personal data (digital post is often
//! named after the client), so prefer the item id and the unit over a path.
//!
//! As a last line of defence every line is passed through [`redact`] before it
//! leaves the process: every person ID number, however it is written, is
//! masked as `DDMMYY*****` (the one rule in [`crate::privacy`]). This catches a number that
//! slips in through a path or a third-party error message; it is not a licence
//! to log text.
//!
//! # Filter
//!
//! `RUST_LOG` in `tracing_subscriber::EnvFilter` syntax (`info`,
//! `postmottak=debug,notify=warn`, …); when unset or empty, [`DEFAULT_FILTER`].
//! A malformed `RUST_LOG` is an error, not silently ignored.
//!
//! # Destination
//!
//! [`Target::Auto`] picks the journal when stderr *is* the journal stream
//! (`JOURNAL_STREAM` matches stderr, see systemd.exec(5)), or when systemd
//! started the process (`INVOCATION_ID`) and the journal socket exists;
//! otherwise stderr. In the journal each event keeps its priority, target,
//! source file and line as journal fields; span context is not carried.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::path::Path;

use systemd_journal_logger::JournalLog;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

/// The filter when `RUST_LOG` is unset: our own info, chatty dependencies quieter.
pub const DEFAULT_FILTER: &str =
    "info,notify=warn,hyper=warn,hyper_util=warn,rustls=warn,tower_http=warn";

/// The journal's native socket; its presence means journald is running.
const JOURNAL_SOCKET: &str = "/run/systemd/journal/socket";

/// Where the caller wants logs to go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Target {
    /// Journal when started by systemd, stderr otherwise.
    #[default]
    Auto,
    Stderr,
    Journal,
}

/// Where logs actually go after [`init`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    Stderr,
    Journal,
}

#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    #[error("RUST_LOG={value:?} is not a valid log filter: {reason} (example: RUST_LOG=info,postmottak=debug)")]
    BadFilter { value: String, reason: String },
    #[error("cannot open the systemd journal socket: {0}")]
    Journal(io::Error),
    #[error("logging is already initialised in this process")]
    AlreadyInitialised,
}

/// Installs the global logger. Call once, early in `main`/`run`.
///
/// Returns where the logs go, so the caller can say so at start-up.
pub fn init(target: Target) -> Result<Destination, LoggingError> {
    let filter = filter_from(std::env::var("RUST_LOG").ok().as_deref())?;
    let destination = choose(
        target,
        systemd_journal_logger::connected_to_journal(),
        // A terminal started as a systemd user service (GNOME Terminal) hands
        // INVOCATION_ID on to every shell in it; a person at a terminal wants
        // the log in front of them, not in the journal.
        std::env::var_os("INVOCATION_ID").is_some() && !std::io::stderr().is_terminal(),
        Path::new(JOURNAL_SOCKET).exists(),
    );
    let installed = match destination {
        Destination::Journal => {
            let journal = JournalLog::new().map_err(LoggingError::Journal)?;
            tracing_subscriber::registry()
                .with(filter)
                .with(JournalLayer { journal })
                .try_init()
        }
        Destination::Stderr => tracing_subscriber::registry()
            .with(filter)
            .with(stderr_layer(Redacting(io::stderr)))
            .try_init(),
    };
    installed.map_err(|_| LoggingError::AlreadyInitialised)?;
    Ok(destination)
}

/// The filter from a `RUST_LOG` value, or [`DEFAULT_FILTER`] when unset or blank.
pub fn filter_from(rust_log: Option<&str>) -> Result<EnvFilter, LoggingError> {
    let spec = match rust_log.map(str::trim) {
        Some(value) if !value.is_empty() => value,
        _ => DEFAULT_FILTER,
    };
    EnvFilter::builder()
        .parse(spec)
        .map_err(|err| LoggingError::BadFilter {
            value: spec.to_owned(),
            reason: err.to_string(),
        })
}

/// Decides the destination from what the environment says (pure, for tests).
pub fn choose(
    target: Target,
    stderr_is_journal: bool,
    started_by_systemd: bool,
    journal_socket_exists: bool,
) -> Destination {
    match target {
        Target::Stderr => Destination::Stderr,
        Target::Journal => Destination::Journal,
        Target::Auto if stderr_is_journal => Destination::Journal,
        // Started by systemd with stderr sent elsewhere (e.g. StandardError=null):
        // the journal is still where an admin looks.
        Target::Auto if started_by_systemd && journal_socket_exists => Destination::Journal,
        Target::Auto => Destination::Stderr,
    }
}

/// Masks person ID numbers in every way people write them, by the one rule
/// in [`crate::privacy`].
pub fn redact(text: &str) -> Cow<'_, str> {
    crate::privacy::mask_person_ids(text)
}

/// The human-readable stderr format, writing through `make_writer`.
fn stderr_layer<S, W>(make_writer: W) -> impl Layer<S>
where
    S: Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt::layer()
        .with_writer(make_writer)
        .with_ansi(false)
        .with_target(true)
}

/// A `MakeWriter` that redacts each formatted event before it reaches `M`'s writer.
///
/// The fmt layer writes one event per writer; we buffer it and redact on drop,
/// so a number split across two `write` calls is still caught.
pub struct Redacting<M>(pub M);

pub struct RedactingWriter<W: Write> {
    inner: W,
    buffer: Vec<u8>,
}

impl<'a, M> MakeWriter<'a> for Redacting<M>
where
    M: MakeWriter<'a>,
{
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter {
            inner: self.0.make_writer(),
            buffer: Vec::new(),
        }
    }
}

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<W: Write> Drop for RedactingWriter<W> {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.buffer);
        // Nowhere to report a failed log write; losing the line beats panicking.
        let _ = self.inner.write_all(redact(&text).as_bytes());
        let _ = self.inner.flush();
    }
}

/// Sends each event to journald with its priority, target, file and line.
struct JournalLayer {
    journal: JournalLog,
}

impl<S: Subscriber> Layer<S> for JournalLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let meta = event.metadata();
        let mut fields = EventText::default();
        event.record(&mut fields);
        let text = redact(&fields.text).into_owned();
        // Records bridged from the `log` crate carry their real origin as fields.
        let target = fields.log_target.as_deref().unwrap_or(meta.target());
        let file = fields.log_file.as_deref().or(meta.file());
        let line = fields.log_line.or(meta.line());
        // One expression: the record borrows the temporary `format_args!`.
        // A journal that cannot take a line must not stop the service.
        let _ = self.journal.journal_send(
            &log::Record::builder()
                .args(format_args!("{text}"))
                .level(log_level(*meta.level()))
                .target(target)
                .module_path(meta.module_path())
                .file(file)
                .line(line)
                .build(),
        );
    }
}

fn log_level(level: Level) -> log::Level {
    match level {
        Level::ERROR => log::Level::Error,
        Level::WARN => log::Level::Warn,
        Level::INFO => log::Level::Info,
        Level::DEBUG => log::Level::Debug,
        Level::TRACE => log::Level::Trace,
    }
}

/// One line of text for an event: the message, then `key=value` for other fields.
#[derive(Default)]
struct EventText {
    text: String,
    log_target: Option<String>,
    log_file: Option<String>,
    log_line: Option<u32>,
}

impl EventText {
    fn push(&mut self, field: &Field, value: &dyn std::fmt::Display) {
        if field.name() == "message" {
            let fields = std::mem::take(&mut self.text);
            let _ = write!(self.text, "{value}");
            if !fields.is_empty() {
                self.text.push(' ');
                self.text.push_str(&fields);
            }
        } else {
            if !self.text.is_empty() {
                self.text.push(' ');
            }
            let _ = write!(self.text, "{}={value}", field.name());
        }
    }
}

impl Visit for EventText {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "log.target" => self.log_target = Some(value.to_owned()),
            "log.file" => self.log_file = Some(value.to_owned()),
            "log.module_path" => {}
            _ => self.push(field, &value),
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "log.line" => self.log_line = u32::try_from(value).ok(),
            _ => self.push(field, &value),
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.push(field, &format_args!("{value:?}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[test]
    fn redact_masks_person_id_like_numbers_only() {
        assert_eq!(
            redact("item 7: 01898500035 in /inbox/mta/010985 00035.pdf"),
            "item 7: 018985***** in /inbox/mta/010985*****.pdf"
        );
        // Not free-standing: digest hex, longer numbers, phone numbers and dates stay.
        let untouched = "sha256 ab01898500035cd 123456789012 tlf 912 34 567 2026-11-04 12:00:01";
        assert_eq!(redact(untouched), untouched);
    }

    #[test]
    fn filter_defaults_when_unset_and_refuses_garbage() {
        assert_eq!(
            filter_from(None).unwrap().to_string(),
            filter_from(Some(DEFAULT_FILTER)).unwrap().to_string()
        );
        assert_eq!(
            filter_from(Some("  ")).unwrap().to_string(),
            filter_from(None).unwrap().to_string()
        );
        assert!(filter_from(Some("postmottak=debug")).is_ok());
        let err = filter_from(Some("postmottak=loud")).unwrap_err();
        assert!(err.to_string().contains("RUST_LOG"), "{err}");
    }

    #[test]
    fn auto_goes_to_journal_only_under_systemd() {
        use Destination::*;
        assert_eq!(choose(Target::Auto, false, false, true), Stderr);
        assert_eq!(choose(Target::Auto, true, true, true), Journal);
        assert_eq!(choose(Target::Auto, false, true, true), Journal);
        // Started by systemd in a container without journald: stderr.
        assert_eq!(choose(Target::Auto, false, true, false), Stderr);
        assert_eq!(choose(Target::Stderr, true, true, true), Stderr);
        assert_eq!(choose(Target::Journal, false, false, false), Journal);
    }

    /// A shared buffer standing in for stderr.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Sink {
        type Writer = Sink;
        fn make_writer(&'a self) -> Sink {
            self.clone()
        }
    }

    #[test]
    fn stderr_lines_are_filtered_and_redacted() {
        let sink = Sink::default();
        let subscriber = tracing_subscriber::registry()
            .with(filter_from(Some("warn,postmottak=info")).unwrap())
            .with(stderr_layer(Redacting(sink.clone())));
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(item = 42, unit = "mta", "queued");
            tracing::warn!(path = "/inbox/mta/12885707767.pdf", "cannot read");
            tracing::debug!("hidden by the filter");
            tracing::info!(target: "notify", "hidden: other targets need warn");
        });
        let out = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert!(out.contains("queued") && out.contains("item=42"), "{out}");
        assert!(out.contains("cannot read"), "{out}");
        assert!(!out.contains("12885707767"), "person number leaked: {out}");
        assert!(out.contains("/inbox/mta/128857*****.pdf"), "{out}");
        assert!(!out.contains("hidden"), "{out}");
        assert_eq!(out.lines().count(), 2, "{out}");
    }

    #[test]
    fn journal_text_puts_message_first_then_fields() {
        let sink = Arc::new(Mutex::new(Vec::<String>::new()));
        struct Capture(Arc<Mutex<Vec<String>>>);
        impl<S: Subscriber> Layer<S> for Capture {
            fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
                let mut fields = EventText::default();
                event.record(&mut fields);
                self.0
                    .lock()
                    .unwrap()
                    .push(redact(&fields.text).into_owned());
            }
        }
        let subscriber = tracing_subscriber::registry().with(Capture(sink.clone()));
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(item = 7, state = ?Level::INFO, "extracted in {} ms", 812);
            tracing::error!(person = "24927800027", "must never show");
        });
        let lines = sink.lock().unwrap().clone();
        assert_eq!(lines[0], "extracted in 812 ms item=7 state=Level(Info)");
        assert_eq!(lines[1], "must never show person=249278*****");
    }
}
