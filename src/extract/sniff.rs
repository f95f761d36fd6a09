//! Content sniffing: what a file is, from its first bytes, never from its
//! name. PDF headers may sit behind junk or a BOM (pdfium accepts up to
//! 1 KiB of it, and so do we).

use std::io::Read;
use std::path::Path;

use super::Rejection;
use crate::item::RejectCode;

/// How far into the file a `%PDF-` header may start.
const PDF_HEADER_WINDOW: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Pdf,
    Png,
    Jpeg,
    Tiff,
}

impl MediaKind {
    pub fn media_type(self) -> &'static str {
        match self {
            MediaKind::Pdf => "application/pdf",
            MediaKind::Png => "image/png",
            MediaKind::Jpeg => "image/jpeg",
            MediaKind::Tiff => "image/tiff",
        }
    }
}

/// Sniffs the file at `path`; `Empty` for 0 bytes, `Unsupported` for
/// anything that is not a PDF, PNG, JPEG or TIFF (zip, office, text …).
pub fn sniff_path(path: &Path) -> Result<MediaKind, Rejection> {
    let mut head = Vec::with_capacity(PDF_HEADER_WINDOW);
    std::fs::File::open(path)
        .and_then(|f| f.take(PDF_HEADER_WINDOW as u64).read_to_end(&mut head))
        .map_err(|e| super::io_rejection(&e))?;
    sniff_bytes(&head)
}

pub fn sniff_bytes(head: &[u8]) -> Result<MediaKind, Rejection> {
    if head.is_empty() {
        return Err(Rejection::new(
            RejectCode::Empty,
            RejectCode::Empty.message_nb(),
        ));
    }
    let kind = if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(MediaKind::Png)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(MediaKind::Jpeg)
    } else if head.starts_with(b"II*\0")
        || head.starts_with(b"MM\0*")
        || head.starts_with(b"II+\0")
        || head.starts_with(b"MM\0+")
    {
        Some(MediaKind::Tiff)
    } else if find(&head[..head.len().min(PDF_HEADER_WINDOW)], b"%PDF-").is_some() {
        Some(MediaKind::Pdf)
    } else {
        None
    };
    kind.ok_or_else(|| {
        Rejection::new(
            RejectCode::Unsupported,
            RejectCode::Unsupported.message_nb(),
        )
    })
}

/// The type a file name claims, among those we read: (extension as named,
/// type name for people).
fn claimed_kind(file_name: &str) -> Option<(String, &'static str)> {
    let (_, ext) = file_name.rsplit_once('.')?;
    let kind = match ext.to_ascii_lowercase().as_str() {
        "pdf" => "PDF",
        "png" => "PNG",
        "jpg" | "jpeg" | "jpe" => "JPEG",
        "tif" | "tiff" => "TIFF",
        _ => return None,
    };
    Some((ext.to_ascii_lowercase(), kind))
}

/// A refusal as the person who scanned `file_name` will read it. A file
/// called `.pdf` whose bytes are no PDF at all (random bytes, a truncated
/// download) is a damaged PDF to them, not an unsupported type: it becomes
/// `corrupt` and says so. Other refusals, and files whose name claims a type
/// we do not read, are left as they are.
pub fn as_named(rejection: Rejection, file_name: &str) -> Rejection {
    let Some((ext, kind)) = claimed_kind(file_name) else {
        return rejection;
    };
    let not_recognised = rejection.code == RejectCode::Unsupported
        && rejection.message == RejectCode::Unsupported.message_nb();
    if not_recognised || rejection.code == RejectCode::Corrupt {
        Rejection::new(
            RejectCode::Corrupt,
            format!(
                "Filen heter .{ext}, men er ikke en lesbar {kind} (skadet eller ufullstendig)."
            ),
        )
    } else {
        rejection
    }
}

/// [`as_named`] for content that was recognised as another format (a zip or
/// an e-mail called `.pdf`): any refusal as unsupported means the file is
/// not what its name claims.
pub fn as_named_other_format(rejection: Rejection, file_name: &str) -> Rejection {
    if rejection.code == RejectCode::Unsupported {
        let generic = Rejection::new(
            RejectCode::Unsupported,
            RejectCode::Unsupported.message_nb(),
        );
        match as_named(generic, file_name) {
            named if named.code == RejectCode::Corrupt => named,
            _ => rejection,
        }
    } else {
        rejection
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff_bytes(b"%PDF-1.4\n").unwrap(), MediaKind::Pdf);
        assert_eq!(
            sniff_bytes(b"\xef\xbb\xbf%PDF-1.4\n").unwrap(),
            MediaKind::Pdf
        );
        assert_eq!(
            sniff_bytes(b"\x89PNG\r\n\x1a\nxxxx").unwrap(),
            MediaKind::Png
        );
        assert_eq!(
            sniff_bytes(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap(),
            MediaKind::Jpeg
        );
        assert_eq!(sniff_bytes(b"II*\0abcd").unwrap(), MediaKind::Tiff);
        assert_eq!(
            sniff_bytes(b"PK\x03\x04zip").unwrap_err().code,
            RejectCode::Unsupported
        );
        assert_eq!(sniff_bytes(b"").unwrap_err().code, RejectCode::Empty);
        // Named as a type we read, but no such content: damaged, and said so.
        let named = as_named(sniff_bytes(b"\x13\x37random").unwrap_err(), "brev.PDF");
        assert_eq!(named.code, RejectCode::Corrupt);
        assert_eq!(
            named.message,
            "Filen heter .pdf, men er ikke en lesbar PDF (skadet eller ufullstendig)."
        );
        let zip = as_named(sniff_bytes(b"PK\x03\x04zip").unwrap_err(), "brev.docx");
        assert_eq!(zip.code, RejectCode::Unsupported);
        let empty = as_named(sniff_bytes(b"").unwrap_err(), "brev.pdf");
        assert_eq!(empty.code, RejectCode::Empty);
        assert_eq!(
            sniff_bytes(b"Hei, dette er tekst").unwrap_err().code,
            RejectCode::Unsupported
        );
    }
}
