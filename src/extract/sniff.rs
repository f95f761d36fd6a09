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
        assert_eq!(
            sniff_bytes(b"Hei, dette er tekst").unwrap_err().code,
            RejectCode::Unsupported
        );
    }
}
