#!/usr/bin/env python3
"""Render the synthetic sample letters in samples/letters/*.toml.

Each letter becomes samples/files/<folder>/<id>.<ext> (what a scanner or the
post office would drop into that folder) and samples/truth/<id>.txt (the exact
text drawn, pages joined by "\\f"). The letter format is fixed in CONTRACTS.md
and described in samples/README.md.

Output is reproducible: every random choice comes from a generator seeded by the
letter id, PDFs are written in reportlab's invariant mode (fixed dates and IDs),
and the fonts are DejaVu from Debian's fonts-dejavu-core. `--check` renders into
a temporary folder and compares hashes with the committed files.

Usage:
    python3 samples/generate.py               # render every letter, remove stale files
    python3 samples/generate.py 012 105-foo   # render only these letters (id or prefix)
    python3 samples/generate.py --check       # verify the committed output is current
    python3 samples/generate.py --fnr 1985-09-01   # print a synthetic person number
    python3 samples/generate.py --dnr 1990-02-03   # ... or D-number (--start N: another one)

Dependencies (pinned in samples/requirements.txt): Pillow, reportlab, numpy.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import re
import shutil
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

HERE = Path(__file__).resolve().parent
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = {
    "serif": FONT_DIR / "DejaVuSerif.ttf",
    "sans": FONT_DIR / "DejaVuSans.ttf",
    "stamp": FONT_DIR / "DejaVuSans-Bold.ttf",
}

FOLDERS = ("mta", "rus-psykisk-helse", "omsorg", "digital")
# render kind -> (file extension, dpi, font)
RENDERS = {
    "scan300": ("pdf", 300, "serif"),
    "scan200": ("pdf", 200, "serif"),
    "scan_upside_down": ("pdf", 300, "serif"),
    "scan_duplex_blank": ("pdf", 300, "serif"),
    "text_pdf": ("pdf", None, "sans"),
    "png": ("png", 200, "sans"),
    "jpeg": ("jpg", 200, "serif"),
    "tiff": ("tif", 300, "serif"),
}
SINGLE_PAGE_RENDERS = ("png", "jpeg")
ID_RE = re.compile(r"^\d{3,5}-[a-z0-9]+(?:-[a-z0-9]+)*$")
TOP_KEYS = {"written", "folder", "render", "stamp", "stamp_look", "colour", "pages", "expected", "note"}
# How a received stamp looks (the optional `stamp_look` table); every key is optional and the
# defaults are the original look: grey ink, rounded frame, top right, a random tilt of ±3°.
STAMP_LOOK_KEYS = {"position", "ink", "frame", "angle", "size"}
STAMP_POSITIONS = ("top-right", "top-left", "address", "middle", "bottom")
# Ink as drawn on a colour scan (RGB) and the grey it leaves on a grey scan.
STAMP_INKS = {
    "grey": ((90, 90, 90), 90),
    "black": ((35, 35, 40), 35),
    "red": ((200, 35, 45), 115),
    "blue": ((35, 60, 175), 85),
    "violet": ((110, 50, 150), 95),
}
STAMP_FRAMES = ("rounded", "box", "double", "none")
EXPECTED_REQUIRED = {
    "document_type": str,
    "unit": str,
    "urgent": bool,
    "leader_review": bool,
    "title": str,
}

# A4 page geometry in millimetres and points.
PAGE_W_MM, PAGE_H_MM = 210.0, 297.0
MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 22.0, 18.0
MARGIN_TOP_MM, MARGIN_BOTTOM_MM = 30.0, 20.0
FONT_PT = 10.5
LINE_SPACING = 1.4
MM_PER_PT = 25.4 / 72.0
TEXT_WIDTH_PT = (PAGE_W_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM) / MM_PER_PT
MAX_LINES = int((PAGE_H_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM) / (FONT_PT * LINE_SPACING * MM_PER_PT))

# Office scanners' "standard" quality; a 300 dpi page of text is then ~300 kB, 200 dpi ~150 kB.
JPEG_QUALITY = 50
PAPER_WHITE = 248.0
PAPER_NOISE = 3.0
MAX_SKEW_DEG = 1.4


class LetterError(Exception):
    """A letter file that cannot be rendered; the message names the file and the fix."""


# --------------------------------------------------------------------------
# Synthetic person numbers (DESIGN.md §8)

K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights))


def person_id_checksum_ok(number: str) -> bool:
    """True when the 11 digits pass the mod-11 check (classic or the 2032 rule)."""
    if not re.fullmatch(r"\d{11}", number):
        return False
    # The 2032 rule lets the K1 sum leave a remainder of 0..3; classic demands 0.
    if (_weighted(number[:9], K1_WEIGHTS) + int(number[9])) % 11 not in (0, 1, 2, 3):
        return False
    k2 = (11 - _weighted(number[:10], K2_WEIGHTS) % 11) % 11
    return k2 != 10 and k2 == int(number[10])


def is_synthetic(number: str) -> bool:
    """Skatteetaten's synthetic test numbers have month + 80."""
    return 81 <= int(number[2:4]) <= 92


def synthetic_person_id(born: date, start: int = 0, d_number: bool = False) -> str:
    """The first checksum-valid synthetic number (month + 80) for a birth date.

    Individual numbers follow the century rule (500-999 for 2000-2039,
    000-499 for 1900-1999); `start` picks a different one for the same date.
    A D-number adds 40 to the day.
    """
    day = born.day + (40 if d_number else 0)
    base = f"{day:02d}{born.month + 80:02d}{born.year % 100:02d}"
    first = 500 if 2000 <= born.year <= 2039 else 0
    for offset in range(500):
        individual = first + (start + offset) % 500
        nine = f"{base}{individual:03d}"
        k1 = (11 - _weighted(nine, K1_WEIGHTS) % 11) % 11
        if k1 == 10:
            continue
        k2 = (11 - _weighted(nine + str(k1), K2_WEIGHTS) % 11) % 11
        if k2 == 10:
            continue
        return f"{nine}{k1}{k2}"
    raise ValueError(f"no valid synthetic number for {born}")


# --------------------------------------------------------------------------
# Letters


@dataclass
class Letter:
    id: str
    path: Path
    folder: str
    render: str
    stamp: str | None
    pages: list[str]
    stamp_look: dict | None = None
    colour: bool = False

    @property
    def ext(self) -> str:
        return RENDERS[self.render][0]

    @property
    def output(self) -> Path:
        return Path("files") / self.folder / f"{self.id}.{self.ext}"

    @property
    def seed(self) -> int:
        # Python's hash() is randomised per process; sha256 is not.
        return int.from_bytes(hashlib.sha256(self.id.encode()).digest()[:8], "big")


def load_letter(path: Path) -> Letter:
    def fail(message: str) -> LetterError:
        return LetterError(f"{path}: {message}")

    letter_id = path.stem
    if not ID_RE.match(letter_id):
        raise fail("file name must be NNN-slug.toml (3 to 5 digits, lowercase ascii slug)")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise fail(f"not valid TOML: {err}") from err

    unknown = set(data) - TOP_KEYS
    if unknown:
        raise fail(f"unknown keys {sorted(unknown)}; allowed: {sorted(TOP_KEYS)}")
    if data.get("written") not in ("bokmal", "nynorsk"):
        raise fail('written must be "bokmal" or "nynorsk"')
    if data.get("folder") not in FOLDERS:
        raise fail(f"folder must be one of {FOLDERS}")
    render = data.get("render")
    if render not in RENDERS:
        raise fail(f"render must be one of {tuple(RENDERS)}")
    pages = data.get("pages")
    if not isinstance(pages, list) or not pages or not all(isinstance(p, str) for p in pages):
        raise fail("pages must be a non-empty list of strings")
    if render in SINGLE_PAGE_RENDERS and len(pages) != 1:
        raise fail(f"render {render!r} makes a single image: give exactly one page")
    stamp = data.get("stamp")
    if stamp is not None and (not isinstance(stamp, str) or not stamp.strip()):
        raise fail("stamp must be a non-empty string")
    if stamp is not None and render == "text_pdf":
        raise fail("digital post (text_pdf) is never stamped; drop the stamp")

    look = data.get("stamp_look")
    if look is not None:
        check_stamp_look(look, stamp, fail)
    colour = data.get("colour", False)
    if not isinstance(colour, bool):
        raise fail("colour must be true or false")
    if colour and render not in ("scan300", "scan200", "scan_upside_down", "scan_duplex_blank", "jpeg"):
        raise fail("colour applies to JPEG scans only (scan300, scan200, scan_upside_down, scan_duplex_blank, jpeg)")

    check_expected(data.get("expected"), fail)
    check_person_numbers(pages, data["expected"], fail)
    return Letter(letter_id, path, data["folder"], render, stamp, pages, look, colour)


def check_stamp_look(look: object, stamp: str | None, fail) -> None:
    if stamp is None:
        raise fail("stamp_look needs a stamp")
    if not isinstance(look, dict):
        raise fail("stamp_look must be a table")
    unknown = set(look) - STAMP_LOOK_KEYS
    if unknown:
        raise fail(f"unknown stamp_look keys {sorted(unknown)}; allowed: {sorted(STAMP_LOOK_KEYS)}")
    if look.get("position", "top-right") not in STAMP_POSITIONS:
        raise fail(f"stamp_look.position must be one of {STAMP_POSITIONS}")
    if look.get("ink", "grey") not in STAMP_INKS:
        raise fail(f"stamp_look.ink must be one of {tuple(STAMP_INKS)}")
    if look.get("frame", "rounded") not in STAMP_FRAMES:
        raise fail(f"stamp_look.frame must be one of {STAMP_FRAMES}")
    angle = look.get("angle", 0.0)
    if not isinstance(angle, (int, float)) or abs(angle) > 10:
        raise fail("stamp_look.angle must be a number of degrees within ±10")
    size = look.get("size", 13)
    if not isinstance(size, (int, float)) or not 8 <= size <= 20:
        raise fail("stamp_look.size must be a font size in points, 8 to 20")


def check_expected(expected: object, fail) -> None:
    if not isinstance(expected, dict):
        raise fail("an [expected] table is required")
    for key, kind in EXPECTED_REQUIRED.items():
        if not isinstance(expected.get(key), kind):
            raise fail(f"expected.{key} must be a {kind.__name__}")
    for key in ("document_date", "stamped_date"):
        value = expected.get(key)
        if value is not None and not isinstance(value, date):
            raise fail(f"expected.{key} must be a bare TOML date like 2026-11-03")
    ids = expected.get("person_ids", [])
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise fail("expected.person_ids must be a list of strings")


def eleven_digit_numbers(text: str) -> list[str]:
    """The eleven-digit numbers a letter writes, in groups one space apart
    ("160590 00065", "01 81 80 123 37"), as tests/samples_truth.rs reads them."""
    runs = list(re.finditer(r"\d+", text))
    found = []
    for i, run in enumerate(runs):
        number, last = run.group(), run
        for nxt in runs[i + 1:]:
            if len(number) >= 11 or text[last.end():nxt.start()] != " ":
                break
            number += nxt.group()
            last = nxt
        starts_a_group = i == 0 or text[runs[i - 1].end():run.start()] != " "
        if len(number) == 11 and (starts_a_group or len(run.group()) == 11):
            found.append(number)
    return found


def check_person_numbers(pages: list[str], expected: dict, fail) -> None:
    """Only synthetic numbers in samples: refuse anything that could be a real one."""
    written = eleven_digit_numbers("\n".join(pages))
    for number in expected.get("person_ids", []):
        if not (person_id_checksum_ok(number) and is_synthetic(number)):
            raise fail(
                f"expected person id {number[:6]}***** is not a valid synthetic number "
                "(month + 80, mod-11); make one with --fnr YYYY-MM-DD"
            )
        if number not in written:
            raise fail(
                f"expected person id {number[:6]}***** does not occur in the letter: copy "
                "the number --fnr printed into the text as it is (its month is the birth "
                "month + 80)"
            )
    for number in written:
        # Invalid checksums are fine (letters may test non-IDs); valid real-looking ones are not.
        if person_id_checksum_ok(number) and not is_synthetic(number):
            raise fail(
                f"{number[:6]}***** passes the person-number checksum but is not synthetic "
                "(month + 80); use --fnr YYYY-MM-DD to make one"
            )


# --------------------------------------------------------------------------
# Layout (shared by image and text renders so both draw the same lines)

_registered = False


def register_fonts() -> None:
    global _registered
    if _registered:
        return
    for name, path in FONTS.items():
        if not path.is_file():
            sys.exit(f"generate.py: font {path} missing: apt-get install fonts-dejavu-core")
        pdfmetrics.registerFont(TTFont(f"DejaVu-{name}", str(path)))
    _registered = True


def layout(letter: Letter, page_no: int, text: str, font: str) -> list[str]:
    """Word-wrap one page to the text width; the result is exactly what is drawn."""
    lines: list[str] = []
    for raw in text.split("\n"):
        words = raw.split()
        current = ""
        for word in words:
            candidate = f"{current} {word}" if current else word
            if pdfmetrics.stringWidth(candidate, f"DejaVu-{font}", FONT_PT) <= TEXT_WIDTH_PT:
                current = candidate
            elif current:
                lines.append(current)
                current = word
            else:
                raise LetterError(f"{letter.path}: page {page_no}: word too wide: {word[:20]}…")
            if pdfmetrics.stringWidth(current, f"DejaVu-{font}", FONT_PT) > TEXT_WIDTH_PT:
                raise LetterError(f"{letter.path}: page {page_no}: word too wide: {word[:20]}…")
        lines.append(current)
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    if len(lines) > MAX_LINES:
        raise LetterError(
            f"{letter.path}: page {page_no} has {len(lines)} lines after wrapping; "
            f"at most {MAX_LINES} fit: move text to a new page"
        )
    return lines


# --------------------------------------------------------------------------
# Image rendering


def px(mm: float, dpi: int) -> int:
    return round(mm / 25.4 * dpi)


def draw_page(
    lines: list[str], dpi: int, font: str, stamp: str | None, rng, look: dict | None = None, colour: bool = False
) -> Image.Image:
    """A clean A4 page with the lines (and the stamp) drawn on it: grayscale, or RGB for a colour scan."""
    size = (px(PAGE_W_MM, dpi), px(PAGE_H_MM, dpi))
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    pil_font = ImageFont.truetype(str(FONTS[font]), size=round(FONT_PT * dpi / 72))
    step = FONT_PT * LINE_SPACING * dpi / 72
    x, y = px(MARGIN_LEFT_MM, dpi), px(MARGIN_TOP_MM, dpi)
    for i, line in enumerate(lines):
        if line:
            draw.text((x, round(y + i * step)), line, font=pil_font, fill=20)
    if not stamp:
        return page.convert("RGB") if colour else page
    look = look or {}
    layer, (left, top) = stamp_layer(page.size, stamp, dpi, rng, look)
    if not colour:
        region = page.crop((left, top, left + layer.width, top + layer.height))
        page.paste(ImageChops.darker(region, layer), (left, top))
        return page
    # Colour scan: the stamp's ink multiplies the paper and the print below it, as real ink does.
    rgb, grey = STAMP_INKS[look.get("ink", "grey")]
    mask = Image.new("L", page.size, 255)
    mask.paste(layer, (left, top))
    strength = ((255.0 - np.asarray(mask, dtype=np.float32)) / (255.0 - grey)).clip(0.0, 1.0)[..., None]
    ink = np.array(rgb, dtype=np.float32) / 255.0
    base = np.asarray(page.convert("RGB"), dtype=np.float32)
    out = base * (1.0 - strength + strength * ink)
    return Image.fromarray(out.clip(0, 255).astype(np.uint8), mode="RGB")


def stamp_layer(page_size: tuple[int, int], stamp: str, dpi: int, rng, look: dict):
    """A received stamp (grayscale layer, white background) and where its top-left corner goes.

    The default look is the original one (framed, rounded, grey, tilted ±3°, top right above the
    text) and draws the same random numbers, so older letters render byte for byte as before.
    """
    font = ImageFont.truetype(str(FONTS["stamp"]), size=round(look.get("size", 13) * dpi / 72))
    fill = STAMP_INKS[look.get("ink", "grey")][1]
    frame = look.get("frame", "rounded")
    lines = stamp.split("\n")
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    widths = [probe.textlength(line, font=font) for line in lines]
    line_h = round(look.get("size", 13) * 16 / 13 * dpi / 72)
    pad = round(5 * dpi / 72)
    w = round(max(widths)) + 2 * pad
    h = line_h * len(lines) + 2 * pad
    layer = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(layer)
    border = max(2, dpi // 100)
    if frame == "rounded":
        draw.rounded_rectangle((0, 0, w - 1, h - 1), radius=pad, outline=fill, width=border)
    elif frame == "box":
        draw.rectangle((0, 0, w - 1, h - 1), outline=fill, width=border)
    elif frame == "double":
        draw.rectangle((0, 0, w - 1, h - 1), outline=fill, width=border)
        gap = border * 2
        draw.rectangle((gap, gap, w - 1 - gap, h - 1 - gap), outline=fill, width=max(1, border // 2))
    for i, line in enumerate(lines):
        draw.text((pad + (w - 2 * pad - widths[i]) / 2, pad + i * line_h), line, font=font, fill=fill)
    # Uneven ink: lighten a random share of the inked pixels.
    ink = np.asarray(layer, dtype=np.float32)
    fade = rng.uniform(0.0, 1.0, ink.shape) < 0.18
    ink = np.where(fade & (ink < 200), ink + 70.0, ink)
    layer = Image.fromarray(ink.clip(0, 255).astype(np.uint8))
    angle = float(rng.uniform(-3.0, 3.0))
    if "angle" in look:
        angle = float(look["angle"])
    layer = layer.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
    page_w, page_h = page_size
    position = look.get("position", "top-right")
    if position == "top-right":
        return layer, (page_w - px(MARGIN_RIGHT_MM, dpi) - layer.width, px(8.0, dpi))
    jitter_x, jitter_y = (float(v) for v in rng.uniform(-1.0, 1.0, 2))
    if position == "top-left":
        # Over the sender's name and address, the first lines of the letter.
        left, top = px(MARGIN_LEFT_MM + 15 + 10 * jitter_x, dpi), px(24 + 4 * jitter_y, dpi)
    elif position == "address":
        # Across the right-hand ends of the address lines and the first lines of text.
        left, top = px(MARGIN_LEFT_MM + 35 + 10 * jitter_x, dpi), px(32 + 6 * jitter_y, dpi)
    elif position == "middle":
        left = page_w - px(MARGIN_RIGHT_MM + 5 + 5 * jitter_x, dpi) - layer.width
        top = round(page_h * 0.42) + px(15 * jitter_y, dpi)
    else:  # bottom: over the signature or in the empty space below it
        left = px(MARGIN_LEFT_MM + 60 + 30 * jitter_x, dpi)
        top = page_h - px(MARGIN_BOTTOM_MM + 25 + 8 * jitter_y, dpi) - layer.height
    left = min(max(0, left), page_w - layer.width)
    top = min(max(0, top), page_h - layer.height)
    return layer, (left, top)


def scan_effects(page: Image.Image, dpi: int, rng, paper_noise: bool = True) -> Image.Image:
    """Make a clean page look scanned: optics blur, skew, paper texture, noise, dust."""
    page = page.filter(ImageFilter.GaussianBlur(radius=0.5 * dpi / 300))
    angle = float(rng.uniform(0.3, MAX_SKEW_DEG)) * float(rng.choice([-1.0, 1.0]))
    white = (255, 255, 255) if page.mode == "RGB" else 255
    page = page.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=white)
    if paper_noise:
        page = paper(page, rng, PAPER_NOISE)
    return dust(page, dpi, rng)


def paper(page: Image.Image, rng, noise: float) -> Image.Image:
    """Off-white paper with low-frequency shading and sensor noise.

    Mild on purpose: per-pixel noise is what makes scanned JPEGs big.
    """
    w, h = page.size
    cells = (max(2, w // 48), max(2, h // 48))
    shade = rng.normal(0.0, 2.0, (cells[1], cells[0])).astype(np.float32)
    shade_img = Image.fromarray(shade, mode="F").resize((w, h), Image.BILINEAR)
    arr = np.asarray(page, dtype=np.float32) * (PAPER_WHITE / 255.0)
    shade_arr = np.asarray(shade_img, dtype=np.float32)
    noise_arr = rng.normal(0.0, noise, (h, w)).astype(np.float32)
    if arr.ndim == 3:  # colour: the same shading and sensor noise on every channel
        shade_arr, noise_arr = shade_arr[..., None], noise_arr[..., None]
    arr += shade_arr
    arr += noise_arr
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8))


def dust(page: Image.Image, dpi: int, rng) -> Image.Image:
    """A few dark specks, as from dust on the scanner glass."""
    w, h = page.size
    out = page.copy()
    draw = ImageDraw.Draw(out)
    for _ in range(int(rng.integers(15, 40))):
        cx, cy = int(rng.integers(0, w)), int(rng.integers(0, h))
        r = float(rng.uniform(0.5, 2.0)) * dpi / 300
        grey = int(rng.integers(60, 160))
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(grey,) * 3 if out.mode == "RGB" else grey)
    return out


def blank_back(dpi: int, rng) -> Image.Image:
    """The back side of a one-sided sheet in a duplex scan: near-blank paper."""
    page = Image.new("L", (px(PAGE_W_MM, dpi), px(PAGE_H_MM, dpi)), 255)
    return dust(paper(page, rng, PAPER_NOISE / 2), dpi, rng)


# --------------------------------------------------------------------------
# Writers


def write_image_pdf(target: Path, images: list[Image.Image], dpi: int, tmp: Path, title: str) -> None:
    """JPEG-in-PDF, one full-page image per A4 page, like an office scanner."""
    c = new_canvas(target, title)
    w_pt, h_pt = PAGE_W_MM / MM_PER_PT, PAGE_H_MM / MM_PER_PT
    # reportlab embeds a .jpg file as-is (DCTDecode), without re-encoding. It names the
    # image XObject after the path it was given, so give it a relative one.
    with contextlib.chdir(tmp):
        for n, img in enumerate(images):
            jpg = f"page-{n}.jpg"
            img.save(jpg, "JPEG", quality=JPEG_QUALITY, dpi=(dpi, dpi))
            c.drawImage(jpg, 0, 0, width=w_pt, height=h_pt)
            c.showPage()
    c.save()


def write_text_pdf(target: Path, pages: list[list[str]], title: str) -> None:
    """Digital post: a real text layer in DejaVu Sans, embedded."""
    c = new_canvas(target, title)
    h_pt = PAGE_H_MM / MM_PER_PT
    step = FONT_PT * LINE_SPACING
    for lines in pages:
        c.setFont("DejaVu-sans", FONT_PT)
        # drawString's y is the baseline; match the image renders' top margin.
        y0 = h_pt - MARGIN_TOP_MM / MM_PER_PT - FONT_PT
        for i, line in enumerate(lines):
            if line:
                c.drawString(MARGIN_LEFT_MM / MM_PER_PT, y0 - i * step, line)
        c.showPage()
    c.save()


def new_canvas(target: Path, title: str) -> canvas.Canvas:
    c = canvas.Canvas(str(target), pagesize=(PAGE_W_MM / MM_PER_PT, PAGE_H_MM / MM_PER_PT), invariant=1)
    c.setTitle(title)
    c.setAuthor("postmottak samples")
    c.setCreator("samples/generate.py")
    return c


def to_g4(img: Image.Image) -> Image.Image:
    """Bilevel like a fax or a black-and-white scan profile."""
    return img.point(lambda v: 255 if v > 150 else 0).convert("1", dither=Image.Dither.NONE)


# --------------------------------------------------------------------------
# Rendering one letter


def render(letter: Letter, out_root: Path) -> None:
    _, dpi, font = RENDERS[letter.render]
    rng = np.random.default_rng(letter.seed)
    laid_out = [layout(letter, n + 1, text, font) for n, text in enumerate(letter.pages)]

    truth_pages = ["\n".join(lines) for lines in laid_out]
    if letter.stamp and letter.render != "text_pdf":
        # A stamp's day may be space-padded (" 3 NOV 2026"): the truth is
        # its words, trimmed like every other line.
        stamp_text = "\n".join(line.strip() for line in letter.stamp.split("\n"))
        truth_pages[0] = stamp_text + ("\n" + truth_pages[0] if truth_pages[0] else "")

    target = out_root / letter.output
    target.parent.mkdir(parents=True, exist_ok=True)
    if letter.render == "text_pdf":
        write_text_pdf(target, laid_out, letter.id)
    else:
        images = []
        for n, lines in enumerate(laid_out):
            stamp = letter.stamp if n == 0 else None
            page = draw_page(lines, dpi, font, stamp, rng, letter.stamp_look, letter.colour)
            # PNG is lossless: sensor noise would make it huge, so it gets blur, skew and dust only.
            images.append(scan_effects(page, dpi, rng, paper_noise=letter.render != "png"))
        write_images(letter, target, images, dpi)
        if letter.render == "scan_duplex_blank":
            truth_pages = [t for page in truth_pages for t in (page, "")]

    truth = out_root / "truth" / f"{letter.id}.txt"
    truth.parent.mkdir(parents=True, exist_ok=True)
    truth.write_text("\f".join(truth_pages), encoding="utf-8")


def write_images(letter: Letter, target: Path, images: list[Image.Image], dpi: int) -> None:
    rng = np.random.default_rng(letter.seed + 1)
    kind = letter.render
    if kind == "scan_upside_down":
        images = [img.rotate(180) for img in images]
    if kind == "scan_duplex_blank":
        images = [img for front in images for img in (front, blank_back(dpi, rng))]
    if kind == "png":
        images[0].save(target, "PNG", dpi=(dpi, dpi), optimize=True)
    elif kind == "jpeg":
        images[0].save(target, "JPEG", quality=JPEG_QUALITY, dpi=(dpi, dpi))
    elif kind == "tiff":
        frames = [to_g4(img) for img in images]
        frames[0].save(
            target, "TIFF", save_all=True, append_images=frames[1:], compression="group4", dpi=(dpi, dpi)
        )
    else:
        with tempfile.TemporaryDirectory() as tmp:
            write_image_pdf(target, images, dpi, Path(tmp), letter.id)


# --------------------------------------------------------------------------
# Driver


def load_all(selection: list[str]) -> list[Letter]:
    paths = sorted((HERE / "letters").glob("*.toml"))
    if selection:
        paths = [p for p in paths if any(p.stem == s or p.stem.startswith(s) for s in selection)]
        if not paths:
            sys.exit(f"generate.py: no letter matches {selection}")
    letters, errors = [], []
    for path in paths:
        try:
            letters.append(load_letter(path))
        except LetterError as err:
            errors.append(str(err))
    if errors:
        sys.exit("generate.py: bad letters:\n  " + "\n  ".join(errors))
    return letters


def render_all(letters: list[Letter], out_root: Path) -> None:
    register_fonts()
    for letter in letters:
        try:
            render(letter, out_root)
        except LetterError as err:
            sys.exit(f"generate.py: {err}")
        print(f"  {letter.output}", file=sys.stderr)


def outputs(root: Path) -> dict[str, str]:
    """Relative path -> sha256 for every rendered file under root."""
    found = {}
    for sub in ("files", "truth"):
        for path in sorted((root / sub).rglob("*")):
            if path.is_file():
                found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def remove_stale(letters: list[Letter]) -> None:
    wanted = {str(letter.output) for letter in letters}
    wanted |= {f"truth/{letter.id}.txt" for letter in letters}
    for rel in outputs(HERE):
        if rel not in wanted:
            (HERE / rel).unlink()
            print(f"  removed stale {rel}", file=sys.stderr)


def check(letters: list[Letter], everything: bool) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        render_all(letters, Path(tmp))
        fresh, committed = outputs(Path(tmp)), outputs(HERE)
    if not everything:
        committed = {rel: digest for rel, digest in committed.items() if rel in fresh}
    problems = []
    for rel in sorted(set(fresh) | set(committed)):
        if rel not in committed:
            problems.append(f"missing (not rendered): {rel}")
        elif rel not in fresh:
            problems.append(f"stale (no letter): {rel}")
        elif fresh[rel] != committed[rel]:
            problems.append(f"differs: {rel}")
    for problem in problems:
        print(problem)
    if problems:
        print(f"generate.py --check: {len(problems)} problem(s); run python3 samples/generate.py")
        return 1
    print(f"generate.py --check: {len(fresh)} files match")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("letters", nargs="*", help="letter ids or id prefixes (default: all)")
    parser.add_argument("--check", action="store_true", help="verify committed output is reproducible")
    parser.add_argument("--fnr", metavar="YYYY-MM-DD", help="print a synthetic person number and exit")
    parser.add_argument("--dnr", metavar="YYYY-MM-DD", help="print a synthetic D-number and exit")
    parser.add_argument("--start", type=int, default=0, help="with --fnr/--dnr: another individual number")
    args = parser.parse_args()

    if args.fnr or args.dnr:
        born = date.fromisoformat(args.fnr or args.dnr)
        print(synthetic_person_id(born, args.start, d_number=bool(args.dnr)))
        return 0
    letters = load_all(args.letters)
    if args.check:
        return check(letters, everything=not args.letters)
    render_all(letters, HERE)
    if not args.letters:
        remove_stale(letters)
    return 0


if __name__ == "__main__":
    sys.exit(main())
