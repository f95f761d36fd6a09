//! The `[extract]` config section and the pdfium library lookup.
//!
//! Every field is optional; defaults are chosen by measurement (see the
//! constants). The pdfium lookup order is fixed by CONTRACTS.md.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::issues::Issues;

/// Tesseract language combination used when the config names none.
///
/// Measured (tesseract 5.3.0, Debian data, PSM 3) on the samples' 13 scanned
/// Norwegian pages, 9090 characters with 151 æ/ø/å: `nor` 0.33 % CER,
/// `nor+eng` 0.32 %, `eng+nor` 0.37 % (4 æøå errors), `eng` 2.19 % (every
/// æøå lost); `nor` and `nor+eng` lost no æ/ø/å. On English text (linn.txt)
/// `nor+eng` 0.96 % against `nor` 1.34 %. `nor+eng` costs ~15 % more time.
///
/// Re-measured for issue 11 with the CLI on the first pages of ten stamped
/// letters 200–218 (scan200/scan300, stamp words left out): `nor` 0.69 %,
/// `nor+eng` 0.91 %; the image at its own 200 dpi 0.99 % against the page
/// rendered at 300 dpi 0.91 % (so pages keep being rendered at ≥ 300 dpi).
/// `nor` wins on Norwegian letters and loses on English ones; the default
/// stays until a decision on English post (installations may set `nor`).
pub const DEFAULT_LANGUAGES: &str = "nor+eng";

/// The `[extract]` section: pdfium location, OCR languages and workers, limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExtractConfig {
    /// Path to `libpdfium.so`; see [`pdfium_candidates`] for the fallbacks.
    pub pdfium_path: Option<PathBuf>,
    /// Tesseract languages, `+`-joined (e.g. `nor` or `nor+eng`).
    pub languages: String,
    /// OCR worker threads, each owning one tesseract engine; default = cores.
    pub ocr_workers: Option<usize>,
    /// Files larger than this are refused (`too_large`) before being read.
    pub max_file_mb: u64,
    /// Documents with more pages are refused (`too_large`).
    pub max_pages: u32,
    /// Pixel budget per page (source image or rendered page), in megapixels;
    /// checked from headers and PDF dictionaries before decoding.
    pub max_megapixels_per_page: f64,
    /// OCR time limit per page; a page over it makes the file `unreadable`.
    pub ocr_timeout_secs_per_page: f64,
    /// PDF pages are rendered for OCR at their images' resolution, at least
    /// 300 dpi and at most this.
    pub max_render_dpi: u16,
    /// The daemon drops its OCR engines (and gives memory back to the OS)
    /// after this many seconds without a file to read; they load again on
    /// the next arrival. 0 = keep them loaded.
    pub idle_release_secs: u64,
}

impl Default for ExtractConfig {
    fn default() -> Self {
        ExtractConfig {
            pdfium_path: None,
            languages: DEFAULT_LANGUAGES.to_owned(),
            ocr_workers: None,
            max_file_mb: 200,
            max_pages: 500,
            max_megapixels_per_page: 200.0,
            ocr_timeout_secs_per_page: 120.0,
            max_render_dpi: 400,
            idle_release_secs: 600,
        }
    }
}

impl ExtractConfig {
    /// Values that would refuse every file, or stop a page's OCR before it
    /// starts. (`max_render_dpi` is clamped where used, as before.)
    pub fn validate(&self, issues: &mut Issues) {
        let languages_ok = !self.languages.is_empty()
            && self.languages.split('+').all(|l| {
                !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            });
        if !languages_ok {
            issues.push(
                "extract.languages",
                format!(
                    "{:?} er ikke en språkliste for tesseract; bruk f.eks. \"nor\" eller \"nor+eng\"",
                    self.languages
                ),
            );
        }
        if self.max_file_mb == 0 {
            issues.push("extract.max_file_mb", "må være minst 1");
        }
        if self.max_pages == 0 {
            issues.push("extract.max_pages", "må være minst 1");
        }
        if !(self.max_megapixels_per_page.is_finite() && self.max_megapixels_per_page > 0.0) {
            issues.push("extract.max_megapixels_per_page", "må være større enn 0");
        }
        if !(self.ocr_timeout_secs_per_page.is_finite() && self.ocr_timeout_secs_per_page > 0.0) {
            issues.push("extract.ocr_timeout_secs_per_page", "må være større enn 0");
        }
    }

    /// Number of OCR workers: configured, else the number of cores.
    pub fn worker_count(&self) -> usize {
        self.ocr_workers.filter(|&n| n > 0).unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(usize::from)
                .unwrap_or(1)
        })
    }

    pub fn max_file_bytes(&self) -> u64 {
        self.max_file_mb.saturating_mul(1024 * 1024)
    }

    pub fn max_pixels_per_page(&self) -> u64 {
        (self.max_megapixels_per_page.max(0.0) * 1_000_000.0) as u64
    }
}

/// Where pdfium is looked for, in order: config, `POSTMOTTAK_PDFIUM`, next to
/// the executable, `<exe>/../../.deps/pdfium` (cargo's target dirs, also
/// `target/debug/deps` for test binaries), `/usr/lib/postmottak`.
pub fn pdfium_candidates(configured: Option<&Path>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(p) = configured {
        out.push(p.to_owned());
    }
    if let Some(p) = std::env::var_os("POSTMOTTAK_PDFIUM") {
        out.push(PathBuf::from(p));
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        out.push(dir.join("libpdfium.so"));
        for up in [2usize, 3] {
            let mut base = dir.clone();
            for _ in 0..up {
                base.pop();
            }
            out.push(base.join(".deps/pdfium/libpdfium.so"));
        }
    }
    out.push(PathBuf::from("/usr/lib/postmottak/libpdfium.so"));
    out
}
