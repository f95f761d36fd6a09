//! Image files (PNG, JPEG, TIFF incl. multi-page and 1-bit CCITT) into 8-bit
//! gray frames for OCR, one frame at a time.
//!
//! **Invariant:** every frame's size is read from its header and checked
//! against the pixel budget before its pixels are decoded; decoders also run
//! under allocation limits. Alpha is flattened onto white (a transparent
//! background must not turn black), colour and CMYK go to luminance.

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use image::{DynamicImage, GrayImage, ImageReader, Limits};
use tiff::decoder::{Decoder as TiffDecoder, DecodingResult};
use tiff::tags::Tag;
use tiff::ColorType as TiffColor;

use super::limits::PageLimits;
use super::sniff::MediaKind;
use super::{corrupt, Rejection};

/// One decoded frame (page) of an image file.
pub struct Frame {
    pub image: GrayImage,
    /// Resolution from the file's header, when present (x, y).
    pub header_dpi: Option<(f32, f32)>,
}

/// Decodes every frame of `path`, handing each to `sink` before decoding the
/// next (so a 40-page TIFF never sits in memory at once).
pub fn for_each_frame(
    path: &Path,
    kind: MediaKind,
    limits: &PageLimits,
    mut sink: impl FnMut(usize, Frame) -> Result<(), Rejection>,
) -> Result<usize, Rejection> {
    match kind {
        MediaKind::Tiff => tiff_frames(path, limits, &mut sink),
        MediaKind::Png | MediaKind::Jpeg => {
            let frame = single_frame(path, kind, limits)?;
            sink(0, frame)?;
            Ok(1)
        }
        MediaKind::Pdf => Err(corrupt()),
    }
}

fn open(path: &Path) -> Result<BufReader<File>, Rejection> {
    File::open(path)
        .map(BufReader::new)
        .map_err(|e| super::io_rejection(&e))
}

fn decoder_limits(limits: &PageLimits) -> Limits {
    let mut l = Limits::default();
    // RGBA at 4 bytes a pixel plus decoder slack.
    l.max_alloc = Some(limits.max_pixels.saturating_mul(4).saturating_add(64 << 20));
    l
}

fn single_frame(path: &Path, kind: MediaKind, limits: &PageLimits) -> Result<Frame, Rejection> {
    let format = match kind {
        MediaKind::Png => image::ImageFormat::Png,
        _ => image::ImageFormat::Jpeg,
    };
    let (w, h) = ImageReader::with_format(open(path)?, format)
        .into_dimensions()
        .map_err(|_| corrupt())?;
    limits.check_pixels(u64::from(w) * u64::from(h))?;
    limits.check_image_memory(w, h)?;
    let mut reader = ImageReader::with_format(open(path)?, format);
    reader.limits(decoder_limits(limits));
    let decoded = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => limits.too_large(),
        _ => corrupt(),
    })?;
    let mut head = Vec::with_capacity(64 * 1024);
    open(path)?
        .take(64 * 1024)
        .read_to_end(&mut head)
        .map_err(|e| super::io_rejection(&e))?;
    let header_dpi = match kind {
        MediaKind::Png => png_dpi(&head),
        _ => jfif_dpi(&head),
    };
    Ok(Frame {
        image: to_gray_on_white(decoded),
        header_dpi,
    })
}

/// Horizontal and vertical resolution further apart than this are resampled
/// to square pixels (fax "normal" mode is 204 × 98 dpi: unsquared, tesseract
/// sees letters half their height).
const MAX_DPI_RATIO: f32 = 1.1;

/// Resamples a frame with non-square pixels (from its header) to square ones
/// at the higher resolution, unless that would break the pixel budget.
pub fn square_pixels(frame: Frame, limits: &PageLimits) -> Frame {
    let Some((dx, dy)) = frame.header_dpi else {
        return frame;
    };
    let (hi, lo) = (dx.max(dy), dx.min(dy));
    if lo <= 0.0 || hi / lo <= MAX_DPI_RATIO {
        return frame;
    }
    let (w, h) = frame.image.dimensions();
    let nw = (w as f32 * hi / dx).round() as u32;
    let nh = (h as f32 * hi / dy).round() as u32;
    if nw == 0 || nh == 0 || limits.check_pixels(u64::from(nw) * u64::from(nh)).is_err() {
        return frame;
    }
    Frame {
        image: image::imageops::resize(&frame.image, nw, nh, image::imageops::FilterType::Triangle),
        header_dpi: frame.header_dpi,
    }
}

/// Luminance with any alpha composited onto white.
pub fn to_gray_on_white(img: DynamicImage) -> GrayImage {
    if !img.color().has_alpha() {
        return img.into_luma8();
    }
    let la = img.into_luma_alpha8();
    let (w, h) = la.dimensions();
    GrayImage::from_fn(w, h, |x, y| {
        let [l, a] = la.get_pixel(x, y).0;
        let (l, a) = (u16::from(l), u16::from(a));
        image::Luma([((l * a + 255 * (255 - a)) / 255) as u8])
    })
}

fn tiff_decoder(
    path: &Path,
    limits: &PageLimits,
) -> Result<TiffDecoder<BufReader<File>>, Rejection> {
    let mut tl = tiff::decoder::Limits::default();
    tl.decoding_buffer_size =
        usize::try_from(limits.max_pixels.saturating_mul(4)).unwrap_or(usize::MAX);
    tl.intermediate_buffer_size = tl.decoding_buffer_size;
    Ok(TiffDecoder::new(open(path)?)
        .map_err(|_| corrupt())?
        .with_limits(tl))
}

/// Walks the TIFF's directories (headers only) and checks the page count
/// and every page's pixel budget before any page is decoded or OCR'd.
fn tiff_precheck(path: &Path, limits: &PageLimits) -> Result<(), Rejection> {
    let mut dec = tiff_decoder(path, limits)?;
    let mut pages = 0usize;
    loop {
        pages += 1;
        limits.check_page_count(pages)?;
        let (w, h) = dec.dimensions().map_err(|_| corrupt())?;
        limits.check_pixels(u64::from(w) * u64::from(h))?;
        limits.check_image_memory(w, h)?;
        if !dec.more_images() {
            return Ok(());
        }
        dec.next_image().map_err(|_| corrupt())?;
    }
}

fn tiff_frames(
    path: &Path,
    limits: &PageLimits,
    sink: &mut impl FnMut(usize, Frame) -> Result<(), Rejection>,
) -> Result<usize, Rejection> {
    tiff_precheck(path, limits)?;
    let mut dec = tiff_decoder(path, limits)?;
    let mut index = 0usize;
    loop {
        let (w, h) = dec.dimensions().map_err(|_| corrupt())?;
        let header_dpi = tiff_dpi(&mut dec);
        let image = tiff_gray(&mut dec, w, h)?;
        sink(index, Frame { image, header_dpi })?;
        index += 1;
        if !dec.more_images() {
            return Ok(index);
        }
        dec.next_image().map_err(|_| corrupt())?;
    }
}

fn tiff_gray<R: Read + Seek>(
    dec: &mut TiffDecoder<R>,
    w: u32,
    h: u32,
) -> Result<GrayImage, Rejection> {
    let color = dec.colortype().map_err(|_| corrupt())?;
    // 1-bit (CCITT fax and friends): WhiteIsZero is the fax default.
    let white_is_zero = matches!(dec.get_tag_u32(Tag::PhotometricInterpretation), Ok(0));
    let data = dec.read_image().map_err(|e| match e {
        tiff::TiffError::LimitsExceeded => super::limits::too_large_rejection(),
        _ => corrupt(),
    })?;
    let DecodingResult::U8(buf) = data else {
        // 16-bit and float TIFFs: scale down to 8 bits.
        return tiff_wide_to_gray(data, color, w, h);
    };
    let n = (w as usize) * (h as usize);
    let gray: Vec<u8> = match color {
        TiffColor::Gray(1) => unpack_bits(&buf, w, h, white_is_zero),
        TiffColor::Gray(8) => invert_if(buf, white_is_zero),
        TiffColor::GrayA(8)
        | TiffColor::Multiband {
            bit_depth: 8,
            num_samples: 2,
        } => flatten(&buf, 2, |p| (p[0], p[1])),
        TiffColor::RGB(8) => buf
            .chunks_exact(3)
            .map(|p| luma(p[0], p[1], p[2]))
            .collect(),
        TiffColor::RGBA(8)
        | TiffColor::Multiband {
            bit_depth: 8,
            num_samples: 4,
        } => flatten(&buf, 4, |p| (luma(p[0], p[1], p[2]), p[3])),
        TiffColor::CMYK(8) => buf
            .chunks_exact(4)
            .map(|p| {
                let k = 255 - u16::from(p[3]);
                let ch = |c: u8| ((255 - u16::from(c)) * k / 255) as u8;
                luma(ch(p[0]), ch(p[1]), ch(p[2]))
            })
            .collect(),
        _ => {
            return Err(super::unsupported("TIFF-fargeformatet støttes ikke."));
        }
    };
    if gray.len() < n {
        return Err(corrupt());
    }
    GrayImage::from_raw(w, h, gray).ok_or_else(corrupt)
}

fn tiff_wide_to_gray(
    data: DecodingResult,
    color: TiffColor,
    w: u32,
    h: u32,
) -> Result<GrayImage, Rejection> {
    let DecodingResult::U16(buf) = data else {
        return Err(super::unsupported("TIFF-fargeformatet støttes ikke."));
    };
    let samples = match color {
        TiffColor::Gray(16) => 1,
        TiffColor::RGB(16) => 3,
        _ => return Err(super::unsupported("TIFF-fargeformatet støttes ikke.")),
    };
    let gray: Vec<u8> = buf
        .chunks_exact(samples)
        .map(|p| {
            if samples == 1 {
                (p[0] >> 8) as u8
            } else {
                luma((p[0] >> 8) as u8, (p[1] >> 8) as u8, (p[2] >> 8) as u8)
            }
        })
        .collect();
    GrayImage::from_raw(w, h, gray).ok_or_else(corrupt)
}

fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000) as u8
}

fn flatten(buf: &[u8], step: usize, f: impl Fn(&[u8]) -> (u8, u8)) -> Vec<u8> {
    buf.chunks_exact(step)
        .map(|p| {
            let (l, a) = f(p);
            let (l, a) = (u16::from(l), u16::from(a));
            ((l * a + 255 * (255 - a)) / 255) as u8
        })
        .collect()
}

fn invert_if(mut buf: Vec<u8>, invert: bool) -> Vec<u8> {
    if invert {
        buf.iter_mut().for_each(|b| *b = 255 - *b);
    }
    buf
}

/// 1-bit rows (each padded to a whole byte) to 8-bit gray.
fn unpack_bits(buf: &[u8], w: u32, h: u32, white_is_zero: bool) -> Vec<u8> {
    let row_bytes = (w as usize).div_ceil(8);
    let mut out = Vec::with_capacity(w as usize * h as usize);
    for row in buf.chunks(row_bytes).take(h as usize) {
        for x in 0..w as usize {
            let bit = row.get(x / 8).map_or(0, |b| (b >> (7 - (x % 8))) & 1);
            let white = (bit == 1) != white_is_zero;
            out.push(if white { 255 } else { 0 });
        }
    }
    out
}

fn tiff_dpi<R: Read + Seek>(dec: &mut TiffDecoder<R>) -> Option<(f32, f32)> {
    let x = dec.get_tag_f32(Tag::XResolution).ok()?;
    let y = dec.get_tag_f32(Tag::YResolution).ok().unwrap_or(x);
    // ResolutionUnit: 1 none, 2 inch (default), 3 cm.
    let scale = match dec.get_tag_u32(Tag::ResolutionUnit).unwrap_or(2) {
        3 => 2.54,
        1 => return None,
        _ => 1.0,
    };
    Some((x * scale, y * scale)).filter(|(x, y)| *x > 0.0 && *y > 0.0)
}

/// DPI from a PNG `pHYs` chunk (pixels per metre), if before the image data.
pub fn png_dpi(head: &[u8]) -> Option<(f32, f32)> {
    let mut at = 8usize;
    while at + 8 <= head.len() {
        let len = u32::from_be_bytes(head[at..at + 4].try_into().ok()?) as usize;
        let kind = &head[at + 4..at + 8];
        let data = head.get(at + 8..at + 8 + len)?;
        if kind == b"IDAT" {
            return None;
        }
        if kind == b"pHYs" && len >= 9 && data[8] == 1 {
            let x = u32::from_be_bytes(data[0..4].try_into().ok()?) as f32 * 0.0254;
            let y = u32::from_be_bytes(data[4..8].try_into().ok()?) as f32 * 0.0254;
            return Some((x, y)).filter(|(x, y)| *x > 0.0 && *y > 0.0);
        }
        at += 12 + len;
    }
    None
}

/// DPI from a JPEG's JFIF APP0 segment.
pub fn jfif_dpi(head: &[u8]) -> Option<(f32, f32)> {
    let app0 = head.get(2..20)?;
    if app0[0] != 0xFF || app0[1] != 0xE0 || &app0[4..9] != b"JFIF\0" {
        return None;
    }
    let units = app0[11];
    let x = f32::from(u16::from_be_bytes([app0[12], app0[13]]));
    let y = f32::from(u16::from_be_bytes([app0[14], app0[15]]));
    let scale = match units {
        1 => 1.0,
        2 => 2.54,
        _ => return None,
    };
    Some((x * scale, y * scale)).filter(|(x, y)| *x > 0.0 && *y > 0.0)
}
