//! The printed-out copy, without paper: one PDF per delivery that reads like
//! the printed e-mail used to — a header block (from, to, date, subject and
//! the list of attachments), the body, then each attachment's pages in
//! order (PDF pages imported as they are, images placed one per page).
//!
//! Built with pdfium (already loaded for reading) and DejaVu Sans, so the
//! header and body pages carry a real text layer: they are never OCR'd and
//! the case system can search them.

use std::path::Path;

use chrono::{DateTime, Utc};
use image::DynamicImage;
use pdfium_render::prelude::*;

use super::{type_label, Delivery, DeliveryKind, DocumentEntry, Parsed, PartContent};
use crate::extract::image as img;
use crate::extract::limits::PageLimits;
use crate::extract::pdf;
use crate::extract::sniff::{self, MediaKind};
use crate::extract::{corrupt, Rejection};
use crate::item::RejectCode;

const FONT_REGULAR: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const FONT_BOLD: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 56.0;
const FONT_SIZE: f32 = 10.0;
const LINE: f32 = 13.5;
/// Characters per line at 10 pt DejaVu Sans inside the margins.
const WRAP: usize = 86;

/// The printout and the delivery's documents with their page ranges.
pub struct Printed {
    pub pdf: Vec<u8>,
    pub documents: Vec<DocumentEntry>,
}

struct Fonts {
    regular: PdfFontToken,
    bold: PdfFontToken,
}

/// Writes lines of text onto pages, starting new pages as they fill.
struct Writer<'a, 'd> {
    doc: &'d mut PdfDocument<'a>,
    fonts: Fonts,
    y: f32,
    page: Option<PdfPage<'a>>,
    max_pages: u32,
}

impl<'a> Writer<'a, '_> {
    fn new_page(&mut self) -> Result<(), Rejection> {
        if self.doc.pages().len() as u32 >= self.max_pages {
            return Err(Rejection::new(
                RejectCode::TooLarge,
                format!(
                    "Utskriften av forsendelsen får for mange sider (grensen er {}).",
                    self.max_pages
                ),
            ));
        }
        self.close_page()?;
        let page = self
            .doc
            .pages_mut()
            .create_page_at_end(PdfPagePaperSize::a4())
            .map_err(|_| corrupt())?;
        let mut page = page;
        // One content regeneration per page (in `close_page`), not one per
        // line of text. (pdfium-render 0.9's `AutomaticOnDrop` never fires.)
        page.set_content_regeneration_strategy(PdfPageContentRegenerationStrategy::Manual);
        self.page = Some(page);
        self.y = PAGE_H - MARGIN;
        Ok(())
    }

    fn line(&mut self, text: &str, bold: bool) -> Result<(), Rejection> {
        if self.page.is_none() || self.y < MARGIN {
            self.new_page()?;
        }
        let font = if bold {
            self.fonts.bold
        } else {
            self.fonts.regular
        };
        if !text.trim().is_empty() {
            if let Some(page) = self.page.as_mut() {
                page.objects_mut()
                    .create_text_object(
                        PdfPoints::new(MARGIN),
                        PdfPoints::new(self.y),
                        text,
                        font,
                        PdfPoints::new(FONT_SIZE),
                    )
                    .map_err(|_| corrupt())?;
            }
        }
        self.y -= LINE;
        Ok(())
    }

    /// A paragraph wrapped to the page width.
    fn text(&mut self, text: &str, bold: bool) -> Result<(), Rejection> {
        for raw in text.lines() {
            for line in wrap(raw, WRAP) {
                self.line(&line, bold)?;
            }
        }
        Ok(())
    }

    fn field(&mut self, label: &str, value: &str) -> Result<(), Rejection> {
        if value.is_empty() {
            return Ok(());
        }
        let mut first = true;
        for line in wrap(value, WRAP - 14) {
            let text = if first {
                format!("{label:<12}{line}")
            } else {
                format!("{:<12}{line}", "")
            };
            first = false;
            self.line(&text, false)?;
        }
        Ok(())
    }

    /// Writes the current page's content stream and lets it go.
    fn close_page(&mut self) -> Result<(), Rejection> {
        if let Some(mut page) = self.page.take() {
            page.regenerate_content().map_err(|_| corrupt())?;
        }
        Ok(())
    }

    fn pages(&self) -> u32 {
        self.doc.pages().len() as u32
    }
}

/// Lays out `parsed` as one PDF. Attachments that cannot be placed (a broken
/// PDF, an image over the limits) are flagged in the returned documents.
pub fn print(
    pdfium: &Pdfium,
    parsed: &Parsed,
    limits: &PageLimits,
    scratch: &Path,
) -> Result<Printed, Rejection> {
    let mut doc = pdfium.create_new_pdf().map_err(|_| corrupt())?;
    let fonts = Fonts {
        regular: load_font(&mut doc, FONT_REGULAR),
        bold: load_font(&mut doc, FONT_BOLD),
    };
    let mut documents = Vec::new();
    let mut w = Writer {
        doc: &mut doc,
        fonts,
        y: 0.0,
        page: None,
        max_pages: limits.max_pages,
    };
    let d = &parsed.delivery;
    let entries: Vec<&DocumentEntry> = parsed.parts.iter().map(|p| &p.entry).collect();
    header_block(&mut w, d, &entries, 1)?;
    let body_first = 1;
    body_block(&mut w, d)?;
    w.close_page()?;
    documents.push(DocumentEntry {
        role: "body",
        name: match d.kind {
            DeliveryKind::Email => "E-post".into(),
            DeliveryKind::SvarUt => "Forsendelse".into(),
        },
        media_type: "text/plain".into(),
        size: d.body.len() as u64,
        depth: 0,
        first_page: body_first,
        page_count: w.pages(),
        flag: None,
    });
    for part in &parsed.parts {
        let mut entry = part.entry.clone();
        let before = w.pages();
        let placed = match &part.content {
            PartContent::Listed => Ok(()),
            PartContent::Email(inner) => {
                let nested: Vec<&DocumentEntry> = Vec::new();
                header_block(&mut w, inner, &nested, entry.depth + 1)
                    .and_then(|_| body_block(&mut w, inner))
                    .and_then(|_| w.close_page())
            }
            PartContent::Printable(bytes) => place(&mut w, pdfium, bytes, limits, scratch),
        };
        match placed {
            Ok(()) => {}
            Err(r) if r.code == RejectCode::TooLarge && w.pages() >= limits.max_pages => {
                entry.flag = Some(r.message);
            }
            Err(r) => entry.flag = Some(format!("Vedlegget kunne ikke leses: {}", r.message)),
        }
        let after = w.pages();
        if after > before {
            entry.first_page = before + 1;
            entry.page_count = after - before;
        }
        documents.push(entry);
    }
    drop(w);
    let pdf = doc.save_to_bytes().map_err(|_| corrupt())?;
    Ok(Printed { pdf, documents })
}

fn load_font(doc: &mut PdfDocument<'_>, path: &str) -> PdfFontToken {
    // A CID font keeps every character (Sámi letters too) in the text layer.
    doc.fonts_mut()
        .load_true_type_from_file(path, true)
        .unwrap_or_else(|_| doc.fonts_mut().helvetica())
}

fn oslo(t: &DateTime<Utc>) -> String {
    t.with_timezone(&chrono_tz::Europe::Oslo)
        .format("%d.%m.%Y %H:%M")
        .to_string()
}

fn size_label(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} kB", bytes.div_ceil(1024))
    }
}

fn header_block(
    w: &mut Writer<'_, '_>,
    d: &Delivery,
    attachments: &[&DocumentEntry],
    depth: u8,
) -> Result<(), Rejection> {
    w.new_page()?;
    let title = match (d.kind, depth) {
        (DeliveryKind::Email, 1) => "E-post",
        (DeliveryKind::Email, _) => "Videresendt e-post",
        (DeliveryKind::SvarUt, _) => "Forsendelse fra SvarUt",
    };
    w.line(title, true)?;
    w.line("", false)?;
    let from = d.sender().unwrap_or_default();
    w.field("Fra:", &from)?;
    w.field("Til:", &d.to.join(", "))?;
    w.field("Kopi:", &d.cc.join(", "))?;
    w.field("Dato:", &d.date.as_ref().map(oslo).unwrap_or_default())?;
    w.field("Emne:", d.subject.as_deref().unwrap_or(""))?;
    w.field("Referanse:", d.sender_reference.as_deref().unwrap_or(""))?;
    w.field("Forsendelse:", d.forsendelse_id.as_deref().unwrap_or(""))?;
    if !attachments.is_empty() {
        w.line("", false)?;
        w.line("Vedlegg:", true)?;
        for a in attachments.iter().take(200) {
            let mut line = format!(
                "{}{} ({}, {})",
                "  ".repeat(usize::from(a.depth.saturating_sub(1))),
                a.name,
                type_label(&a.media_type),
                size_label(a.size)
            );
            if a.flag.is_some() {
                line.push_str(" – ikke lest, se originalen");
            }
            w.text(&line, false)?;
        }
        if attachments.len() > 200 {
            w.line(
                &format!("… og {} vedlegg til.", attachments.len() - 200),
                false,
            )?;
        }
    }
    for note in &d.notes {
        w.text(note, false)?;
    }
    w.line("", false)?;
    w.line(&"_".repeat(WRAP - 10), false)?;
    w.line("", false)?;
    Ok(())
}

fn body_block(w: &mut Writer<'_, '_>, d: &Delivery) -> Result<(), Rejection> {
    if d.body.trim().is_empty() {
        w.line("(ingen tekst i e-posten)", false)
    } else {
        w.text(&d.body, false)
    }
}

/// Imports a PDF's pages or places an image's frames, one per page.
fn place(
    w: &mut Writer<'_, '_>,
    pdfium: &Pdfium,
    bytes: &[u8],
    limits: &PageLimits,
    scratch: &Path,
) -> Result<(), Rejection> {
    limits.check_file_size(bytes.len() as u64)?;
    let kind = sniff::sniff_bytes(&bytes[..bytes.len().min(1024)])?;
    w.close_page()?;
    if kind == MediaKind::Pdf {
        let src = pdf::load_in_turn(|| pdfium.load_pdf_from_byte_slice(bytes, None)).map_err(
            |e| match e {
                PdfiumError::PdfiumLibraryInternalError(
                    PdfiumInternalError::PasswordError | PdfiumInternalError::SecurityError,
                ) => Rejection::new(RejectCode::Encrypted, "PDF-en er passordbeskyttet."),
                _ => Rejection::new(RejectCode::Corrupt, "PDF-en er skadet."),
            },
        )?;
        let count = src.pages().len() as u32;
        if count == 0 {
            return Err(Rejection::new(RejectCode::Empty, "PDF-en har ingen sider."));
        }
        if w.pages() + count > w.max_pages {
            return Err(Rejection::new(
                RejectCode::TooLarge,
                format!(
                    "Vedlegget gjør utskriften for lang (grensen er {} sider).",
                    w.max_pages
                ),
            ));
        }
        w.doc.pages_mut().append(&src).map_err(|_| corrupt())?;
        return Ok(());
    }
    // Images are decoded by the same code (and limits) as scanned images.
    let tmp = tempfile::Builder::new()
        .prefix("vedlegg")
        .tempfile_in(scratch)
        .map_err(|e| crate::extract::io_rejection(&e))?;
    std::fs::write(tmp.path(), bytes).map_err(|e| crate::extract::io_rejection(&e))?;
    let mut frames = Vec::new();
    img::for_each_frame(tmp.path(), kind, limits, |_, frame| {
        frames.push(img::square_pixels(frame, limits));
        Ok(())
    })?;
    for frame in frames {
        if w.pages() >= w.max_pages {
            return Err(Rejection::new(
                RejectCode::TooLarge,
                format!(
                    "Utskriften får for mange sider (grensen er {}).",
                    w.max_pages
                ),
            ));
        }
        let (iw, ih) = frame.image.dimensions();
        let (iw, ih) = (iw.max(1) as f32, ih.max(1) as f32);
        let scale = ((PAGE_W - 2.0 * 20.0) / iw).min((PAGE_H - 2.0 * 20.0) / ih);
        let (pw, ph) = (iw * scale, ih * scale);
        let mut page = w
            .doc
            .pages_mut()
            .create_page_at_end(PdfPagePaperSize::a4())
            .map_err(|_| corrupt())?;
        page.objects_mut()
            .create_image_object(
                PdfPoints::new((PAGE_W - pw) / 2.0),
                PdfPoints::new((PAGE_H - ph) / 2.0),
                &DynamicImage::ImageLuma8(frame.image),
                Some(PdfPoints::new(pw)),
                Some(PdfPoints::new(ph)),
            )
            .map_err(|_| corrupt())?;
    }
    Ok(())
}

/// Wraps a line at word boundaries; words longer than a line are cut.
fn wrap(line: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for word in line.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > width {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            out.push(word.drain(..width).collect());
        }
        let word: String = word.into_iter().collect();
        let needed =
            current.chars().count() + usize::from(!current.is_empty()) + word.chars().count();
        if needed > width && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&word);
    }
    if !current.is_empty() || out.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn wraps_at_words_and_cuts_long_ones() {
        assert_eq!(super::wrap("a bb ccc", 4), vec!["a bb", "ccc"]);
        assert_eq!(super::wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(super::wrap("", 4), vec![""]);
    }
}
