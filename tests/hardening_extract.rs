//! Issue 9, memory budget: a 24 KB PNG of 14000 × 14000 1-bit pixels is
//! under the pixel limit but decodes to 196 MB and takes OCR to ~2 GB. It
//! is refused as `too_large` from its header, with a clear reason, before
//! anything is decoded.

use std::process::Command;
use std::time::{Duration, Instant};

/// A real, valid 1-bit PNG (all white) of `side` × `side`, made with
/// Python's zlib (the Debian python3 the mail tests use too).
fn one_bit_png(path: &std::path::Path, side: u32) {
    let script = format!(
        r#"
import struct, zlib, sys
w = h = {side}
row = b"\x00" + b"\xff" * ((w + 7) // 8)
raw = zlib.compress(row * h, 9)
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0)) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
"#
    );
    let status = Command::new("python3")
        .args(["-c", &script])
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn a_tiny_png_of_huge_one_bit_pixels_is_refused_before_decoding() {
    let tmp = tempfile::tempdir().unwrap();
    let png = tmp.path().join("skanning.png");
    one_bit_png(&png, 14_000);
    let size = std::fs::metadata(&png).unwrap().len();
    assert!(size < 100_000, "{size} bytes");
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(env!("CARGO_BIN_EXE_postmottak"))
        .args(["process", "--json", "--jobs", "1"])
        .arg(&png)
        .env("OMP_THREAD_LIMIT", "1")
        .output()
        .unwrap();
    let elapsed = start.elapsed();
    let line = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let peak_mb: u64 = stderr
        .lines()
        .last()
        .unwrap()
        .trim()
        .parse::<u64>()
        .unwrap()
        / 1024;
    assert!(line.contains("\"code\":\"too_large\""), "{line}");
    assert!(line.contains("megapiksler"), "a clear reason: {line}");
    assert!(peak_mb < 300, "peak RSS {peak_mb} MB");
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");
}
