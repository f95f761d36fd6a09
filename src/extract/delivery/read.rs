//! The delivery reader behind [`crate::extract::Extractor`]: take the
//! delivery apart, print it, and read the printout with the PDF reader.

use std::path::Path;

use pdfium_render::prelude::Pdfium;

use super::email::{self, PartLimits};
use super::{msg, printout, refusal, svarinn, Format, Parsed};
use crate::extract::limits::PageLimits;
use crate::extract::ocr::OcrPool;
use crate::extract::{io_rejection, pdf, unsupported, Extraction, PrintoutPdf, Rejection};

/// Unpacked SvarInn content may be this many times the file-size limit.
const UNPACKED_FACTOR: u64 = 4;

/// Reads a delivery at `path` of the given format into an extraction whose
/// pages are the printout's.
pub fn extract(
    pdfium: &Pdfium,
    limits: &PageLimits,
    ocr: &dyn Fn() -> Result<std::sync::Arc<OcrPool>, Rejection>,
    path: &Path,
    format: Format,
) -> Result<Extraction, Rejection> {
    if let Some(refused) = refusal(format) {
        return Err(refused);
    }
    let meta = std::fs::metadata(path).map_err(|e| io_rejection(&e))?;
    limits.check_file_size(meta.len())?;
    let bytes = std::fs::read(path).map_err(|e| io_rejection(&e))?;
    let (parsed, media_type) = match format {
        Format::Eml => (
            email::parse(
                &bytes,
                PartLimits {
                    // An attachment travels base64-encoded (4/3 of its size)
                    // inside a file under the file limit; half of that limit
                    // leaves room for the rest of the e-mail.
                    max_part_bytes: limits.max_file_bytes / 2,
                },
            )?,
            "message/rfc822",
        ),
        Format::Msg => (
            msg::parse(
                &bytes,
                PartLimits {
                    max_part_bytes: limits.max_file_bytes / 2,
                },
            )?,
            "application/vnd.ms-outlook",
        ),
        Format::Zip => (
            svarinn::parse_zip(
                &bytes,
                limits.max_file_bytes.saturating_mul(UNPACKED_FACTOR),
            )?,
            "application/zip",
        ),
        _ => return Err(unsupported("Filtypen støttes ikke.")),
    };
    read_parsed(pdfium, limits, ocr, parsed, media_type)
}

/// A PDF with SvarInn's JSON metadata beside it.
pub fn extract_with_sidecar(
    pdfium: &Pdfium,
    limits: &PageLimits,
    ocr: &dyn Fn() -> Result<std::sync::Arc<OcrPool>, Rejection>,
    path: &Path,
    name: &str,
    json: &[u8],
) -> Result<Extraction, Rejection> {
    let meta = std::fs::metadata(path).map_err(|e| io_rejection(&e))?;
    limits.check_file_size(meta.len())?;
    let bytes = std::fs::read(path).map_err(|e| io_rejection(&e))?;
    if super::is_cms_enveloped(&bytes) {
        return Err(refusal(Format::CmsEnveloped).unwrap_or_else(crate::extract::corrupt));
    }
    let parsed = svarinn::parse_with_sidecar(name, bytes, json)?;
    read_parsed(pdfium, limits, ocr, parsed, "application/pdf")
}

fn read_parsed(
    pdfium: &Pdfium,
    limits: &PageLimits,
    ocr: &dyn Fn() -> Result<std::sync::Arc<OcrPool>, Rejection>,
    parsed: Parsed,
    media_type: &str,
) -> Result<Extraction, Rejection> {
    // Scratch space for decoding: removed when this returns, whatever happens.
    let scratch = tempfile::Builder::new()
        .prefix("postmottak-levering")
        .tempdir()
        .map_err(|e| io_rejection(&e))?;
    let printed = printout::print(pdfium, &parsed, limits, scratch.path())?;
    let pdf_path = scratch.path().join("utskrift.pdf");
    std::fs::write(&pdf_path, &printed.pdf).map_err(|e| io_rejection(&e))?;
    let pages = pdf::extract(pdfium, &pdf_path, limits, ocr)?;
    let mut delivery = parsed.delivery;
    delivery.documents = printed.documents;
    Ok(Extraction {
        media_type: media_type.to_owned(),
        pages,
        delivery: Some(delivery),
        printout: Some(PrintoutPdf(printed.pdf)),
    })
}
