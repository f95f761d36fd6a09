//! `postmottak backup --to DIR`, `restore --from DIR` and `verify`.
//!
//! A backup folder holds any number of snapshots and one shared content
//! folder, so a nightly run copies only the letters that are new since the
//! last one (content files are named by their SHA-256):
//!
//! ```text
//! DIR/content/ab/ab12…                 every letter once, by hash
//! DIR/snapshots/20261201T020000Z/      one per run, complete or absent
//!     postmottak.sqlite                consistent copy (VACUUM INTO)
//!     person_id.key                    the person-ID key (0600)
//!     manifest.json                    checksums, counts, content list
//! DIR/LATEST                           name of the newest complete snapshot
//! ```
//!
//! The backup runs beside a working daemon: the database copy is one read
//! transaction, and a content file is always in place before the row that
//! names it (ingest invariant), so every file the snapshot refers to exists.
//! Output names item ids and hashes, never file names or titles.

use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use chrono::Utc;
use clap::Args as ClapArgs;
use serde::{Deserialize, Serialize};
use sha2::Digest;

use crate::atomic_file::{self, Durability};
use crate::config::Config;
use crate::data_dir::DataDir;
use crate::store::backup::{self as sql, ContentRef, RowCounts};

const KEY_FILE: &str = DataDir::PERSON_ID_KEY;
const DB_FILE: &str = DataDir::DATABASE;
const MANIFEST: &str = "manifest.json";
const LATEST: &str = "LATEST";
const MANIFEST_FORMAT: u32 = 1;

#[derive(Debug, ClapArgs)]
pub struct BackupArgs {
    /// Backup folder (created if missing; earlier snapshots are kept).
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,
    #[command(flatten)]
    pub config: super::ConfigArg,
}

#[derive(Debug, ClapArgs)]
pub struct RestoreArgs {
    /// Backup folder written by `postmottak backup`.
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
    /// Snapshot name under DIR/snapshots (default: the newest).
    #[arg(long, value_name = "NAME")]
    pub snapshot: Option<String>,
    #[command(flatten)]
    pub config: super::ConfigArg,
}

#[derive(Debug, ClapArgs)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub config: super::ConfigArg,
}

/// What a snapshot holds; written last, so a snapshot with a manifest is
/// complete.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub created_at: String,
    pub postmottak_version: String,
    pub schema_version: i64,
    pub database: FileSum,
    pub key: FileSum,
    pub counts: RowCounts,
    pub content: Vec<ContentRef>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct FileSum {
    pub file: String,
    pub sha256: String,
    pub size: u64,
}

pub fn backup(args: BackupArgs) -> anyhow::Result<ExitCode> {
    let config = Config::load(&args.config.path)?;
    let data_dir = config.data_dir();
    same_user_as(&data_dir)?;
    let db = config.database_path();
    if !db.is_file() {
        bail!("fant ingen database i {}", data_dir.display());
    }
    let name = Utc::now().format("%Y%m%dT%H%M%S%.3fZ").to_string();
    let snapshots = args.to.join("snapshots");
    let work = snapshots.join(format!(".tmp-{name}"));
    create_private_dir(&args.to)?;
    create_private_dir(&snapshots)?;
    create_private_dir(&work)?;
    // A failed run leaves no half snapshot behind (the next run starts over).
    let (manifest, copied, reused) = match write_snapshot(&config, &args.to, &work) {
        Ok(done) => done,
        Err(err) => {
            let _ = std::fs::remove_dir_all(&work);
            return Err(err);
        }
    };
    let done = snapshots.join(&name);
    std::fs::rename(&work, &done)?;
    write_synced(&args.to.join(LATEST), name.as_bytes())?;
    println!(
        "Sikkerhetskopi {name} i {}: {} dokumenter, {} hendelser, {} brukere, {} e-poster; \
         {copied} nye innholdsfiler kopiert, {reused} fantes fra før.",
        args.to.display(),
        manifest.counts.items,
        manifest.counts.events,
        manifest.counts.users,
        manifest.counts.outbox,
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes one complete snapshot into `work`: database copy, key, the
/// content files new since the last run (into the shared `to/content`), and
/// the manifest last. Returns the manifest and how many content files were
/// copied and how many were already there.
fn write_snapshot(
    config: &Config,
    to: &Path,
    work: &Path,
) -> anyhow::Result<(Manifest, usize, usize)> {
    let data_dir = config.data_dir();
    sql::snapshot_into(&config.database_path(), &work.join(DB_FILE))
        .context("kopien av databasen feilet")?;
    // The copy holds health information: never world-readable, whatever
    // the caller's umask.
    std::fs::set_permissions(work.join(DB_FILE), std::fs::Permissions::from_mode(0o640))?;
    let key = copy_checked(&data_dir.person_id_key(), &work.join(KEY_FILE), None, 0o600)
        .context("kan ikke kopiere personnummernøkkelen")?;
    let database = sum_file(&work.join(DB_FILE))?;

    let conn = sql::open_plain(&work.join(DB_FILE), true)?;
    let refs = sql::content_refs(&conn)?;
    let counts = sql::row_counts(&conn)?;
    let schema_version = sql::schema_version(&conn)?;
    let (mut copied, mut reused) = (0usize, 0usize);
    for r in &refs {
        let dest = to.join(&r.path);
        // A printout is written after its delivery's copy: looked for on
        // every run, not only when the copy itself is new.
        copy_companions(&data_dir.file(&r.path), &dest)?;
        if dest.is_file() && std::fs::metadata(&dest)?.len() == r.size {
            reused += 1;
            continue;
        }
        let items = sql::items_using(&conn, &r.path)?;
        let src = data_dir.file(&r.path);
        copy_checked(&src, &dest, Some(&r.sha256), 0o640).with_context(|| {
            format!(
                "innholdet til dokument {} kan ikke sikkerhetskopieres",
                ids(&items)
            )
        })?;
        copied += 1;
    }
    drop(conn);

    let manifest = Manifest {
        format: MANIFEST_FORMAT,
        created_at: Utc::now().to_rfc3339(),
        postmottak_version: env!("CARGO_PKG_VERSION").into(),
        schema_version,
        database: FileSum {
            file: DB_FILE.into(),
            sha256: database.0,
            size: database.1,
        },
        key: FileSum {
            file: KEY_FILE.into(),
            sha256: key.0,
            size: key.1,
        },
        counts,
        content: refs,
    };
    write_synced(&work.join(MANIFEST), &serde_json::to_vec_pretty(&manifest)?)?;
    Ok((manifest, copied, reused))
}

pub fn restore(args: RestoreArgs) -> anyhow::Result<ExitCode> {
    let config = Config::load(&args.config.path)?;
    let data_dir = config.data_dir();
    if let Ok(mut entries) = std::fs::read_dir(&data_dir) {
        if entries.next().is_some() {
            bail!(
                "datamappen {} er ikke tom; gjenoppretting skjer bare til en tom datamappe \
                 (stopp tjenesten og flytt den gamle mappen bort først)",
                data_dir.display()
            );
        }
    }
    same_user_as(&data_dir)?;
    let name = match args.snapshot {
        Some(name) => name,
        None => std::fs::read_to_string(args.from.join(LATEST))
            .with_context(|| format!("{} har ingen fullført sikkerhetskopi", args.from.display()))?
            .trim()
            .to_owned(),
    };
    if name.is_empty() || name.contains('/') || name.starts_with('.') {
        bail!("ugyldig navn på sikkerhetskopi: {name:?}");
    }
    let snap = args.from.join("snapshots").join(&name);
    let manifest: Manifest = serde_json::from_slice(
        &std::fs::read(snap.join(MANIFEST))
            .with_context(|| format!("sikkerhetskopien {name} mangler {MANIFEST}"))?,
    )
    .with_context(|| format!("{MANIFEST} i {name} er ødelagt"))?;
    if manifest.format != MANIFEST_FORMAT {
        bail!(
            "sikkerhetskopien har format {}, denne versjonen kjenner {MANIFEST_FORMAT}",
            manifest.format
        );
    }
    create_private_dir(&data_dir)?;
    copy_checked(
        &snap.join(DB_FILE),
        &config.database_path(),
        Some(&manifest.database.sha256),
        0o640,
    )
    .context("databasen i sikkerhetskopien stemmer ikke med manifestet")?;
    copy_checked(
        &snap.join(KEY_FILE),
        &data_dir.person_id_key(),
        Some(&manifest.key.sha256),
        0o600,
    )
    .context("nøkkelfilen i sikkerhetskopien stemmer ikke med manifestet")?;
    for r in &manifest.content {
        copy_checked(
            &args.from.join(&r.path),
            &data_dir.file(&r.path),
            Some(&r.sha256),
            0o640,
        )
        .with_context(|| format!("innholdsfilen {} i sikkerhetskopien", r.sha256))?;
        copy_companions(&args.from.join(&r.path), &data_dir.file(&r.path))?;
    }
    // Opening through the store brings an older snapshot's schema up to date
    // (and refuses one from a newer postmottak).
    let store = crate::store::Store::open(&config.database_path())?;
    let counts = sql::store_row_counts(&store)?;
    drop(store);
    if counts != manifest.counts {
        bail!("antall rader etter gjenoppretting stemmer ikke med manifestet: {counts:?}");
    }
    println!(
        "Gjenopprettet {name} til {}: {} dokumenter, {} hendelser, {} brukere, {} e-poster, \
         {} innholdsfiler.",
        data_dir.display(),
        counts.items,
        counts.events,
        counts.users,
        counts.outbox,
        manifest.content.len()
    );
    verify_data_dir(&config)
}

pub fn verify(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let config = Config::load(&args.config.path)?;
    same_user_as(&config.data_dir())?;
    verify_data_dir(&config)
}

/// Checks the store against its content: the database is sound, every
/// item's content file is present with the right hash, the key is there.
fn verify_data_dir(config: &Config) -> anyhow::Result<ExitCode> {
    let data_dir = config.data_dir();
    let conn = sql::open_plain(&config.database_path(), true)?;
    let mut problems: Vec<String> = sql::integrity_problems(&conn)?
        .into_iter()
        .map(|p| format!("databasen: {p}"))
        .collect();
    let refs = sql::content_refs(&conn)?;
    for r in &refs {
        let path = data_dir.file(&r.path);
        let found = match File::open(&path) {
            Ok(file) => Some(sum_reader(file)?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("kan ikke lese {}", path.display())),
        };
        let items = ids(&sql::items_using(&conn, &r.path)?);
        match found {
            None => problems.push(format!("dokument {items}: innholdsfilen mangler")),
            Some((sha, _)) if sha != r.sha256 => {
                problems.push(format!("dokument {items}: innholdsfilen har feil sjekksum"))
            }
            Some(_) => {}
        }
    }
    match std::fs::metadata(data_dir.person_id_key()) {
        Ok(m) if m.len() == 32 => {}
        Ok(m) => problems.push(format!("{KEY_FILE} er {} byte, skal være 32", m.len())),
        Err(_) => problems.push(format!("{KEY_FILE} mangler")),
    }
    if problems.is_empty() {
        println!(
            "Kontrollert: databasen er hel, alle {} innholdsfiler finnes og har riktig sjekksum.",
            refs.len()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!("Kontrollen fant {} feil:", problems.len());
        for p in &problems {
            println!("  - {p}");
        }
        Ok(ExitCode::from(1))
    }
}

/// Refuses root on a data folder the service user owns: SQLite would
/// create its `-wal`/`-shm` files as root, and the daemon could then no
/// longer open its own database.
fn same_user_as(data_dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::metadata(data_dir) else {
        return Ok(());
    };
    let me = nix::unistd::geteuid().as_raw();
    if me == 0 && meta.uid() != 0 {
        bail!(
            "kjør som eieren av {} (f.eks. sudo -u postmottak postmottak …), ikke som root",
            data_dir.display()
        );
    }
    Ok(())
}

fn ids(items: &[i64]) -> String {
    items
        .iter()
        .map(|i| format!("#{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("kan ikke lage {}", dir.display()))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o750))
        .with_context(|| format!("kan ikke sette rettigheter på {}", dir.display()))
}

/// Copies `src` to `dest` through a temporary name, hashing on the way;
/// with `expect`, a copy whose hash differs is removed and refused.
/// Returns (sha256 hex, size).
/// Copies the files kept beside a content copy (a delivery's printout and
/// SvarInn sidecar) that exist at `from` and are missing or different at `to`.
fn copy_companions(from: &Path, to: &Path) -> anyhow::Result<()> {
    use crate::extract::delivery::companions;
    for (src, dest) in companions(from).into_iter().zip(companions(to)) {
        let Ok(meta) = std::fs::metadata(&src) else {
            continue;
        };
        let same = std::fs::metadata(&dest).is_ok_and(|d| d.len() == meta.len());
        if meta.is_file() && !same {
            copy_checked(&src, &dest, None, 0o640)?;
        }
    }
    Ok(())
}

fn copy_checked(
    src: &Path,
    dest: &Path,
    expect: Option<&str>,
    mode: u32,
) -> anyhow::Result<(String, u64)> {
    let dir = dest.parent().context("målet har ingen mappe")?;
    std::fs::create_dir_all(dir)?;
    let mut input = File::open(src)?;
    atomic_file::write_with(dest, mode, Durability::FileAndFolder, |output| {
        let mut hasher = sha2::Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        let mut size = 0u64;
        loop {
            let n = input.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            output.write_all(&buf[..n])?;
            size += n as u64;
        }
        let sha = hex::encode(hasher.finalize());
        if let Some(want) = expect {
            if sha != want {
                bail!("sjekksummen er {sha}, ventet {want}");
            }
        }
        Ok((sha, size))
    })
}

fn sum_file(path: &Path) -> anyhow::Result<(String, u64)> {
    sum_reader(File::open(path).with_context(|| format!("kan ikke lese {}", path.display()))?)
}

fn sum_reader(mut file: File) -> anyhow::Result<(String, u64)> {
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), size))
}

fn write_synced(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    atomic_file::write(path, bytes, atomic_file::CREATE_MODE, Durability::File)?;
    Ok(())
}
