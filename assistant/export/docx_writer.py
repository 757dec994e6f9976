"""Write a DraftDoc as .docx in the GB/T 9704-2012 (党政机关公文格式) layout.

Page: A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm, so the type area (版心) is
156 × 225 mm and holds 22 lines of 28 characters of 3号 (16 pt) text:

* line pitch = floor(225 mm in twips / 22) = floor(12755.9 / 22) = 579 twips = 28.95 pt, used both as
  the exact line spacing of every paragraph and as ``w:docGrid/@w:linePitch``;
* character pitch = 156 mm / 28 = 15.793 pt; ``w:docGrid/@w:charSpace`` is the change to the 16 pt
  default font size in 1/4096 pt: floor((15.793 − 16) × 4096) = −848 (Word compresses the
  full-width characters slightly so that 28 fit, as official templates do);
* LibreOffice (7.4) instead gives each character two grid cells when the pitch is below the font
  size, halving the line. ``char_grid=False`` therefore offers a line grid only plus character
  spacing condensed by ceil((16 − 15.793) × 20) / 20 = 0.25 pt, which gives 28 characters per
  line in Word, WPS and LibreOffice alike.

Fonts: every run names its East Asian font in ``w:rFonts/@w:eastAsia`` (with ``w:hint="eastAsia"``
so that quotes and dashes use it too) and Times New Roman or the same font for Latin text and
digits. The GB2312-era names (仿宋_GB2312, 楷体_GB2312, 方正小标宋简体) are missing on recent
Windows and on Linux, so the font table (word/fontTable.xml) declares each with ``w:altName``
(ECMA-376 §17.8.3.1: alternative names used to locate the font, e.g. 仿宋/FangSong) and the
GB2312 charset (86), which makes Word substitute a Chinese font of the same kind instead of a
Latin one. LibreOffice ignores altName; with the zh-CN language it falls back to a CJK font
(Noto Sans CJK with fonts-noto-cjk) for all of them.

Signature and date (GB/T 9704 7.3.5.1, the layout for a document that will bear its seal): the date
four characters in from the type area's right edge (右空四字), the issuing unit on the line above,
centred on the date (以成文日期为准居中编排). Both lines are centred paragraphs with the same
indents, so they stay centred on each other whatever widths the fonts give the digits; only the
date's distance from the edge rests on the estimate of its width (digits half a character).

Page numbers: ``— 1 —`` in 4号 (14 pt) 宋体 with a PAGE field; odd pages right-aligned, even pages
left-aligned (``w:evenAndOddHeaders``), one character (16 pt) from the edge of the type area. The
footer is placed so that its 14 pt line starts 7 mm below the type area (footer distance
35 − 7 − 4.94 ≈ 23 mm).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from assistant.atomic import atomic_file
from assistant.document import Block, DraftDoc, split_number, split_run_in
from assistant.errors import InputError, UsageError
from assistant.i18n import _

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37, 35, 28, 26
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
BODY_PT, TITLE_PT, PAGE_NUMBER_PT = 16, 22, 14
PAGE_NUMBER_GAP_MM = 7  # the page number line starts 7 mm below the type area
DATE_RIGHT_CHARS = 4  # 成文日期右空四字


def _mm_to_twips(mm: float) -> float:
    return mm * 1440 / 25.4


TYPE_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156
TYPE_HEIGHT_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM  # 225
LINE_PITCH_TWIPS = math.floor(_mm_to_twips(TYPE_HEIGHT_MM) / LINES_PER_PAGE)  # 579 = 28.95 pt
CHAR_SPACE = math.floor((_mm_to_twips(TYPE_WIDTH_MM) / 20 / CHARS_PER_LINE - BODY_PT) * 4096)  # -848
FOOTER_DISTANCE_TWIPS = round(_mm_to_twips(MARGIN_BOTTOM_MM - PAGE_NUMBER_GAP_MM) - PAGE_NUMBER_PT * 20)
CHAR_TWIPS = BODY_PT * 20  # one body character, the unit of indents ("空二字")
# Without the character grid: condense each character just enough that 28 fit (0.25 pt).
CONDENSE_TWENTIETHS = math.ceil((BODY_PT - _mm_to_twips(TYPE_WIDTH_MM) / 20 / CHARS_PER_LINE) * 20)

TITLE_CHARS_PER_LINE = math.floor(_mm_to_twips(TYPE_WIDTH_MM) / 20 / TITLE_PT)  # 20
# "年" followed by 第…季度 / 上半年 / 度 is not the end of the period yet.
_TITLE_BREAK_AFTER = re.compile(r"(?:年度|季度|半年|年)(?![度\d第上下前后])")
_TITLE_BREAK_BEFORE = re.compile(r"关于|\d{4}年")

LATIN = "Times New Roman"
FONT_BODY, FONT_TITLE, FONT_HEI, FONT_KAI, FONT_SONG = (
    "仿宋_GB2312",
    "方正小标宋简体",
    "黑体",
    "楷体_GB2312",
    "宋体",
)


@dataclass(frozen=True)
class FontSpec:
    east_asia: str
    latin: str
    size_pt: float
    bold: bool = False


BODY_FONT = FontSpec(FONT_BODY, LATIN, BODY_PT)
TITLE_FONT = FontSpec(FONT_TITLE, FONT_TITLE, TITLE_PT)
PAGE_NUMBER_FONT = FontSpec(FONT_SONG, FONT_SONG, PAGE_NUMBER_PT)
# GB/T 9704: 一、 黑体; （一） 楷体; 1. and （1） in the body font.
HEADING_FONTS = {
    1: FontSpec(FONT_HEI, FONT_HEI, BODY_PT),
    2: FontSpec(FONT_KAI, FONT_KAI, BODY_PT),
    3: BODY_FONT,
    4: BODY_FONT,
}

# Font table entries: (name, altName list, w:family, w:pitch). Charset 86 = GB2312.
FONT_TABLE = (
    (FONT_BODY, "仿宋,FangSong", "modern", "fixed"),
    (FONT_KAI, "楷体,KaiTi", "modern", "fixed"),
    (FONT_HEI, "SimHei", "modern", "fixed"),
    (FONT_SONG, "SimSun", "auto", "variable"),
    (FONT_TITLE, "方正小标宋_GBK,华文中宋,STZhongsong,宋体,SimSun", "auto", "variable"),
)

# Style names as Word shows them; the ASCII style ids avoid trouble with tools that mangle them.
STYLE_TITLE, STYLE_SIGNATURE = "公文标题", "公文署名日期"
STYLE_HEADING = {1: "公文一级标题", 2: "公文二级标题", 3: "公文三级标题", 4: "公文四级标题"}
_STYLE_IDS = {STYLE_TITLE: "GWTitle", STYLE_SIGNATURE: "GWSignature"} | {
    name: f"GWHeading{level}" for level, name in STYLE_HEADING.items()
}


def export_docx(
    doc: DraftDoc, out: Path, *, force: bool = False, char_grid: bool = False, source: str = ""
) -> Path:
    """Write ``doc`` to ``out`` (atomically) and return ``out``.

    char_grid: lay out 28 characters per line with Word's character grid (what official templates
    do; Word and WPS honour it). False drops the character grid and condenses characters by
    0.25 pt instead, which gives the same 28 × 22 page in LibreOffice too (LibreOffice 7.x puts
    each character in two grid cells when the grid pitch is below the font size).
    Raises InputError when ``doc`` is empty or has no title (``source`` names it in the message),
    UsageError when ``out`` exists and ``force`` is false (or is a folder, or its folder is
    missing), and AssistantError when it cannot be written."""
    _require_draft(doc, source)
    out = Path(out)
    _check_target(out, force)
    document = build_document(doc, char_grid=char_grid)
    with atomic_file(out) as f:  # a failure never leaves a half-written file behind
        document.save(f)
    return out


def docx_bytes(doc: DraftDoc, *, char_grid: bool = False, source: str = "") -> bytes:
    """The .docx file of ``doc`` as bytes (for stdout); raises as export_docx does for ``doc``."""
    import io

    _require_draft(doc, source)
    buffer = io.BytesIO()
    build_document(doc, char_grid=char_grid).save(buffer)
    return buffer.getvalue()


def build_document(doc: DraftDoc, *, char_grid: bool = False) -> Document:
    """The python-docx Document for ``doc``, not yet saved (see export_docx for char_grid)."""
    document = docx.Document()
    _setup_page(document, char_grid)
    _setup_styles(document, char_grid)
    _setup_font_table(document)
    _setup_settings(document)
    _setup_footers(document)
    _setup_properties(document, doc.title)
    _write_blocks(document, doc.blocks)
    return document


# --- validation and saving -------------------------------------------------------------------


def _require_draft(doc: DraftDoc, source: str) -> None:
    source = source or _("草稿")
    if not doc.blocks:
        raise InputError(_("{source}：内容是空的，没有可导出的内容", source=source))
    if doc.title_block is None:
        raise InputError(_("{source}：没有标题行（“# 标题”），不像是草稿", source=source))


def _check_target(out: Path, force: bool) -> None:
    if out.is_dir():
        raise UsageError(_("{path} 是文件夹；请给出 .docx 文件名", path=out))
    if out.exists() and not force:
        raise UsageError(_("{path} 已存在；如要覆盖，请加 --force", path=out))
    if not out.parent.is_dir():
        raise UsageError(_("无法写入 {path}：文件夹 {folder} 不存在", path=out, folder=out.parent))


# --- document-level setup --------------------------------------------------------------------


def _setup_page(document: Document, char_grid: bool) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    section.footer_distance = Twips(FOOTER_DISTANCE_TWIPS)
    section.header_distance = Mm(15)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars" if char_grid else "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    if char_grid:
        grid.set(qn("w:charSpace"), str(CHAR_SPACE))


def _setup_styles(document: Document, char_grid: bool) -> None:
    styles = document.styles
    _setup_doc_defaults(document)
    normal = styles["Normal"]
    assert isinstance(normal, ParagraphStyle)
    _format_style(normal, BODY_FONT, WD_ALIGN_PARAGRAPH.JUSTIFY, first_line_chars=2)
    normal.paragraph_format.widow_control = False  # keep exactly 22 lines on every full page
    _no_auto_space(normal)
    if not char_grid:
        _char_spacing(normal, -CONDENSE_TWENTIETHS)

    title = _add_style(document, STYLE_TITLE)
    _format_style(title, TITLE_FONT, WD_ALIGN_PARAGRAPH.CENTER)
    _snap_to_grid_off(title)  # 22 pt characters would otherwise take two grid cells each
    _char_spacing(title, 0)
    for level, name in STYLE_HEADING.items():
        heading = _add_style(document, name)
        _format_style(heading, HEADING_FONTS[level], WD_ALIGN_PARAGRAPH.JUSTIFY, first_line_chars=2)
        heading.paragraph_format.keep_with_next = True
        heading.element.get_or_add_pPr().append(_w("w:outlineLvl", val=str(level - 1)))
    signature = _add_style(document, STYLE_SIGNATURE)
    _format_style(signature, BODY_FONT, WD_ALIGN_PARAGRAPH.RIGHT, right_chars=DATE_RIGHT_CHARS)

    footer = styles["Footer"]
    assert isinstance(footer, ParagraphStyle)
    tabs = footer.element.pPr.find(qn("w:tabs")) if footer.element.pPr is not None else None
    if tabs is not None:  # the template's tab stops are for US Letter
        tabs.getparent().remove(tabs)
    _format_style(footer, PAGE_NUMBER_FONT, WD_ALIGN_PARAGRAPH.RIGHT, line_twips=PAGE_NUMBER_PT * 20)
    _snap_to_grid_off(footer)
    _char_spacing(footer, 0)


def _setup_doc_defaults(document: Document) -> None:
    """Replace the template's theme fonts (which would win over explicit names) and language."""
    defaults = _child(document.styles.element, "w:docDefaults")
    rpr = _child(_child(defaults, "w:rPrDefault"), "w:rPr")
    fonts = _child(rpr, "w:rFonts")
    fonts.attrib.clear()
    _set_fonts(fonts, BODY_FONT)
    _child(rpr, "w:sz").set(qn("w:val"), str(BODY_PT * 2))
    _child(rpr, "w:szCs").set(qn("w:val"), str(BODY_PT * 2))
    _child(rpr, "w:lang").set(qn("w:eastAsia"), "zh-CN")
    spacing = _child(_child(_child(defaults, "w:pPrDefault"), "w:pPr"), "w:spacing")
    spacing.attrib.clear()
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), str(LINE_PITCH_TWIPS))
    spacing.set(qn("w:lineRule"), "exact")


def _add_style(document: Document, name: str) -> ParagraphStyle:
    style = document.styles.add_style(_STYLE_IDS[name], WD_STYLE_TYPE.PARAGRAPH)
    assert isinstance(style, ParagraphStyle)
    style.base_style = document.styles["Normal"]
    style.next_paragraph_style = document.styles["Normal"]
    style.quick_style = True
    style.name = name
    return style


def _format_style(
    style: ParagraphStyle,
    font: FontSpec,
    alignment: WD_ALIGN_PARAGRAPH,
    *,
    first_line_chars: int = 0,
    right_chars: int = 0,
    line_twips: int = LINE_PITCH_TWIPS,
) -> None:
    fmt = style.paragraph_format
    fmt.alignment = alignment
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Twips(line_twips)
    fmt.first_line_indent = Twips(first_line_chars * CHAR_TWIPS)
    fmt.right_indent = Twips(right_chars * CHAR_TWIPS)
    # Word prefers the *Chars form under a character grid; it must be set explicitly (0 too) or a
    # derived style would inherit Normal's 2-character indent.
    ind = style.element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(first_line_chars * 100))
    if right_chars:
        ind.set(qn("w:rightChars"), str(right_chars * 100))
    style.font.size = Pt(font.size_pt)
    style.font.bold = font.bold or None
    _set_fonts(style.element.get_or_add_rPr().get_or_add_rFonts(), font)


def _snap_to_grid_off(style: ParagraphStyle) -> None:
    style.element.get_or_add_pPr().insert_element_before(_w("w:snapToGrid", val="0"), *_after("snapToGrid"))


def _no_auto_space(style: ParagraphStyle) -> None:
    """No extra quarter-em between Chinese and digits ("2024年", not "2024 年"), as in print."""
    pPr = style.element.get_or_add_pPr()
    for tag in ("autoSpaceDE", "autoSpaceDN"):
        pPr.insert_element_before(_w(f"w:{tag}", val="0"), *_after(tag))


def _char_spacing(style: ParagraphStyle, twentieths: int) -> None:
    rPr = style.element.get_or_add_rPr()
    rPr.insert_element_before(_w("w:spacing", val=str(twentieths)), *_after("spacing", _RPR_ORDER))


# Child order of w:pPr and w:rPr (CT_PPrBase, CT_RPr): Word rejects elements out of order.
_PPR_ORDER = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd"
    " tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi"
    " adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc"
    " textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
).split()
_RPR_ORDER = (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof"
    " snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd"
    " fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
).split()


def _after(tag: str, order: list[str] = _PPR_ORDER) -> tuple[str, ...]:
    """The tags that must come after ``tag``, for insert_element_before."""
    return tuple(f"w:{t}" for t in order[order.index(tag) + 1 :])


def _setup_font_table(document: Document) -> None:
    part = next(rel.target_part for rel in document.part.rels.values() if rel.reltype == RT.FONT_TABLE)
    root = parse_xml(part.blob)
    for name, alt, family, pitch in FONT_TABLE:
        font = _w("w:font", name=name)
        for child in (
            _w("w:altName", val=alt),
            _w("w:charset", val="86"),
            _w("w:family", val=family),
            _w("w:pitch", val=pitch),
        ):
            font.append(child)
        root.append(font)
    # python-docx keeps the font table as an opaque part; replacing its bytes is the only way in.
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _setup_settings(document: Document) -> None:
    document.settings.odd_and_even_pages_header_footer = True
    lang = document.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


def _setup_footers(document: Document) -> None:
    section = document.sections[0]
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),  # odd pages (and page 1)
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        paragraph.style = document.styles["Footer"]
        _page_number(paragraph, alignment)


def _page_number(paragraph: Paragraph, alignment: WD_ALIGN_PARAGRAPH) -> None:
    """``— N —`` with N a PAGE field, one character in from the type area's edge."""
    fmt = paragraph.paragraph_format
    fmt.alignment = alignment
    if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = Twips(CHAR_TWIPS)
    else:
        fmt.left_indent = Twips(CHAR_TWIPS)
    _add_run(paragraph, "— ", PAGE_NUMBER_FONT)
    for element in (
        _w("w:fldChar", fldCharType="begin"),
        _instr(" PAGE "),
        _w("w:fldChar", fldCharType="separate"),
    ):
        _add_run(paragraph, "", PAGE_NUMBER_FONT)._r.append(element)
    _add_run(paragraph, "1", PAGE_NUMBER_FONT)
    _add_run(paragraph, "", PAGE_NUMBER_FONT)._r.append(_w("w:fldChar", fldCharType="end"))
    _add_run(paragraph, " —", PAGE_NUMBER_FONT)


def _instr(code: str) -> etree._Element:
    element = OxmlElement("w:instrText")
    element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    element.text = code
    return element


def _setup_properties(document: Document, title: str) -> None:
    props = document.core_properties
    now = datetime.now(timezone.utc).replace(microsecond=0)
    props.title, props.author, props.comments, props.last_modified_by = title, "", "", ""
    props.language = "zh-CN"
    props.created = props.modified = now
    props.revision = 1


# --- the text --------------------------------------------------------------------------------


def _write_blocks(document: Document, blocks: list[Block]) -> None:
    closing_started = False
    date = next((b for b in blocks if b.kind == "date"), None)
    signature = next((b for b in blocks if b.kind == "signature"), None)
    for i, block in enumerate(blocks):
        if block.kind == "title":
            _add_title(document, block.text)
            if i + 1 >= len(blocks) or blocks[i + 1].kind != "title":  # 标题下空一行
                _add_paragraph(document, "Normal", [])
        elif block.kind in ("signature", "date"):
            if not closing_started:  # 正文下空一行编排署名
                _add_paragraph(document, "Normal", [])
                closing_started = True
            paragraph = _add_paragraph(document, STYLE_SIGNATURE, [(block.text, BODY_FONT)])
            if signature is not None and date is not None:
                _centre_on_date(paragraph, block.text, date.text)
        elif block.kind == "heading":
            level = min(max(block.level, 1), 4)
            _add_paragraph(
                document, STYLE_HEADING[level], _with_run_in(block.full_text, HEADING_FONTS[level])
            )
        else:
            _add_paragraph(document, "Normal", _paragraph_runs(block.text))


def closing_left_chars(date: str) -> float:
    """The left indent, in characters, of the centred signature and date lines (no right indent):
    their centre is then the centre of a date that ends DATE_RIGHT_CHARS from the right edge."""
    return CHARS_PER_LINE - 2 * DATE_RIGHT_CHARS - _body_width(date)


def _body_width(text: str) -> float:
    """Width in body characters: CJK full width, digits and Latin half (Times New Roman's digits)."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.5 for ch in text)


def _centre_on_date(paragraph: Paragraph, text: str, date: str) -> None:
    """Centre a closing line on the date's axis; a unit name too long for that is set flush right."""
    left = closing_left_chars(date)
    if left < 0 or _body_width(text) > CHARS_PER_LINE - left:
        left, alignment = 0.0, WD_ALIGN_PARAGRAPH.RIGHT
    else:
        alignment = WD_ALIGN_PARAGRAPH.CENTER
    pitch = _mm_to_twips(TYPE_WIDTH_MM) / CHARS_PER_LINE  # one character as laid out (15.79 pt)
    fmt = paragraph.paragraph_format
    fmt.alignment = alignment
    fmt.left_indent, fmt.right_indent = Twips(round(left * pitch)), Twips(0)
    # Word prefers the *Chars form, which the style sets for the right indent: override it too.
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:leftChars"), str(round(left * 100)))
    ind.set(qn("w:rightChars"), "0")


def _add_title(document: Document, text: str) -> None:
    paragraph = _add_paragraph(document, STYLE_TITLE, [])
    for i, line in enumerate(title_lines(text)):
        if i:
            paragraph.runs[-1].add_break()
        _add_run(paragraph, line, TITLE_FONT)


def title_lines(text: str) -> list[str]:
    """Split a title too long for one line where the meaning allows (GB/T 9704: 回行时词意完整，
    排列对称): after the period (2024年第三季度) or before 关于 / a year, choosing the most even
    split. Left whole, to wrap where it falls, when no such point gives two lines that fit."""
    if _em_width(text) <= TITLE_CHARS_PER_LINE:
        return [text]
    cuts = {m.end() for m in _TITLE_BREAK_AFTER.finditer(text)}
    cuts |= {m.start() for m in _TITLE_BREAK_BEFORE.finditer(text)}
    fitting = [
        i
        for i in cuts
        if 0 < i < len(text)
        and _em_width(text[:i]) <= TITLE_CHARS_PER_LINE
        and _em_width(text[i:]) <= TITLE_CHARS_PER_LINE
    ]
    if not fitting:
        return [text]
    best = min(fitting, key=lambda i: (abs(_em_width(text[:i]) - _em_width(text[i:])), -i))
    return [text[:best], text[best:]]


def _em_width(text: str) -> float:
    """Width in ems: full-width (CJK) characters 1, narrow ones 0.6 (digits are 0.5 em in Times New
    Roman but wider in most fallback fonts, so this errs towards splitting)."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.6 for ch in text)


def _with_run_in(text: str, font: FontSpec) -> list[tuple[str, FontSpec]]:
    """A heading line that carries its first sentence after it: only the heading in the heading font."""
    run_in = split_run_in(text)
    if run_in is None or font == BODY_FONT:
        return [(text, font)]
    return [(run_in[0], font), (run_in[1], BODY_FONT)]


def _paragraph_runs(text: str) -> list[tuple[str, FontSpec]]:
    """Body text; a run-in heading at its start (``（一）加强组织领导。局党组……``) gets its level's font."""
    numbered = split_number(text)
    if numbered is None or split_run_in(text) is None:
        return [(text, BODY_FONT)]
    return _with_run_in(text, HEADING_FONTS[numbered[0]])


def _add_paragraph(document: Document, style: str, runs: list[tuple[str, FontSpec]]) -> Paragraph:
    paragraph = document.add_paragraph(style=document.styles[style])
    for text, font in runs:
        _add_run(paragraph, text, font)
    return paragraph


def _add_run(paragraph: Paragraph, text: str, font: FontSpec) -> Run:
    run = paragraph.add_run(text)
    run.font.size = Pt(font.size_pt)
    if font.bold:
        run.font.bold = True
    _set_fonts(run._r.get_or_add_rPr().get_or_add_rFonts(), font)
    return run


def _set_fonts(rfonts: etree._Element, font: FontSpec) -> None:
    for attr in ("ascii", "hAnsi", "cs"):
        rfonts.set(qn(f"w:{attr}"), font.latin)
    rfonts.set(qn("w:eastAsia"), font.east_asia)
    rfonts.set(qn("w:hint"), "eastAsia")  # ambiguous-width “”—… use the East Asian font


def _w(tag: str, **attrs: str) -> etree._Element:
    return OxmlElement(tag, {qn(f"w:{key}"): value for key, value in attrs.items()})


def _child(parent: etree._Element, tag: str) -> etree._Element:
    """The child the python-docx template is known to have (an AssertionError means it changed)."""
    child = parent.find(qn(tag))
    assert child is not None, f"template lacks {tag}"
    return child
