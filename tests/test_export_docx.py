"""The .docx export: GB/T 9704-2012 page, fonts and numbering, read back with python-docx and raw XML,
and (where LibreOffice is installed) rendered to PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt, Twips
from docx.text.paragraph import Paragraph

from assistant.document import parse_draft
from assistant.errors import InputError, UsageError
from assistant.export import export_docx
from assistant.export.docx_writer import title_lines

DRAFT = """\
<!-- 离线草稿 -->
# 市工业园区2024年第三季度意识形态工作总结

2024年第三季度，市工业园区党工委在市委的坚强领导下，认真落实意识形态工作责任制。现将有关工作情况总结如下：

## 一、工作开展情况

### （一）落实意识形态工作责任制

园区党工委召开党工委会议2次，专题研究意识形态工作。

#### 1. 健全工作机制

制定《意识形态工作责任清单》，明确班子成员“一岗双责”。

##### （1）细化责任分工

将责任分解到各部门。

（二）加强理论学习。党工委理论学习中心组开展集中学习4次。

## 二、存在的问题

一是理论学习的深度还不够。二是网络阵地管理还需加强。

## 三、下一步工作打算

一是持续深化理论武装。二是加强网络阵地管理。

市工业园区党工委
2024年9月30日
"""

# About 1.5 pages: every paragraph is 3–4 full lines of 28 characters.
_POINT = "园区党工委坚持把学习贯彻党的创新理论作为首要政治任务，组织党员干部开展集中学习和专题研讨，推动理论学习走深走实，切实把学习成果转化为推动园区高质量发展的强大动力。"
LONG_DRAFT = "# 市工业园区2024年意识形态工作总结\n\n" + "\n\n".join(
    [f"## {n}、工作情况\n\n{_POINT}\n\n{_POINT}" for n in "一二三四"] + ["市工业园区党工委\n2024年12月31日"]
)

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _export(
    tmp_path: Path,
    markdown: str = DRAFT,
    name: str = "out.docx",
    *,
    force: bool = False,
    char_grid: bool = True,
) -> Path:
    return export_docx(parse_draft(markdown), tmp_path / name, force=force, char_grid=char_grid)


def _effective(paragraph: Paragraph, attr: str) -> object:
    """A paragraph-format value, looked up through the style chain as Word does."""
    value = getattr(paragraph.paragraph_format, attr)
    style = paragraph.style
    while value is None and style is not None:
        value = getattr(style.paragraph_format, attr)
        style = style.base_style
    return value


def _east_asia(run_or_style_element: object) -> str | None:
    fonts = run_or_style_element.find(f".//{qn('w:rFonts')}")  # type: ignore[attr-defined]
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def _paragraph(document: docx.document.Document, text: str) -> Paragraph:
    return next(p for p in document.paragraphs if p.text.replace("\n", "") == text)


@pytest.fixture
def exported(tmp_path: Path) -> docx.document.Document:
    return docx.Document(str(_export(tmp_path)))


def test_page_is_a4_with_the_official_margins_and_grid(exported: docx.document.Document) -> None:
    section = exported.sections[0]
    for actual, mm in [
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ]:
        assert actual is not None and actual.mm == pytest.approx(mm, abs=0.05)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    pitch, char_space = int(grid.get(qn("w:linePitch"))), int(grid.get(qn("w:charSpace")))
    assert pitch == 579  # 28.95 pt
    type_height_pt = (297 - 37 - 35) / 25.4 * 72
    type_width_pt = (210 - 28 - 26) / 25.4 * 72
    assert 22 * pitch / 20 <= type_height_pt < 23 * pitch / 20
    char_pitch = 16 + char_space / 4096
    assert 28 * char_pitch <= type_width_pt < 29 * char_pitch


def test_title(exported: docx.document.Document) -> None:
    title, blank = exported.paragraphs[0], exported.paragraphs[1]
    assert title.text.replace("\n", "") == "市工业园区2024年第三季度意识形态工作总结"
    assert _effective(title, "alignment") == WD_ALIGN_PARAGRAPH.CENTER
    assert _effective(title, "first_line_indent") == 0
    for run in title.runs:
        assert run.font.size == Pt(22)
        assert _east_asia(run._r) == "方正小标宋简体"
    assert blank.text == ""  # 标题下空一行


def test_body_paragraphs(exported: docx.document.Document) -> None:
    body = _paragraph(exported, "将责任分解到各部门。")
    assert _effective(body, "alignment") == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert _effective(body, "line_spacing_rule") == WD_LINE_SPACING.EXACTLY
    assert _effective(body, "line_spacing") == Twips(579)
    assert _effective(body, "first_line_indent") == Pt(32)
    assert _effective(body, "space_before") == 0 and _effective(body, "space_after") == 0
    (run,) = body.runs
    assert run.font.size == Pt(16) and _east_asia(run._r) == "仿宋_GB2312"
    fonts = run._r.find(f".//{qn('w:rFonts')}")
    assert fonts.get(qn("w:ascii")) == "Times New Roman" and fonts.get(qn("w:hint")) == "eastAsia"
    normal = exported.styles["Normal"]
    assert normal.font.size == Pt(16) and _east_asia(normal.element) == "仿宋_GB2312"


def test_heading_fonts_by_level(exported: docx.document.Document) -> None:
    expected = {
        "一、工作开展情况": "黑体",
        "（一）落实意识形态工作责任制": "楷体_GB2312",
        "1.健全工作机制": "仿宋_GB2312",
        "（1）细化责任分工": "仿宋_GB2312",
    }
    for text, font in expected.items():
        heading = _paragraph(exported, text)
        assert [_east_asia(r._r) for r in heading.runs] == [font]
        assert heading.runs[0].font.size == Pt(16)
        assert _effective(heading, "first_line_indent") == Pt(32)  # same flow as the body
        assert _effective(heading, "line_spacing") == Twips(579)
    # a run-in heading: only the heading sentence takes the level's font
    run_in = _paragraph(exported, "（二）加强理论学习。党工委理论学习中心组开展集中学习4次。")
    assert [(r.text, _east_asia(r._r)) for r in run_in.runs] == [
        ("（二）加强理论学习。", "楷体_GB2312"),
        ("党工委理论学习中心组开展集中学习4次。", "仿宋_GB2312"),
    ]


def test_footer_page_numbers_odd_right_even_left(exported: docx.document.Document) -> None:
    assert exported.settings.odd_and_even_pages_header_footer
    section = exported.sections[0]
    for footer, alignment, side in [
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right_indent"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left_indent"),
    ]:
        assert not footer.is_linked_to_previous
        (paragraph,) = footer.paragraphs
        xml = paragraph._p.xml
        assert 'w:fldCharType="begin"' in xml and re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", xml)
        assert paragraph.text == "— 1 —"  # the field's cached result between the em dashes
        assert paragraph.paragraph_format.alignment == alignment
        assert getattr(paragraph.paragraph_format, side) == Pt(16)  # one character from the edge
        for run in paragraph.runs:
            assert run.font.size == Pt(14) and _east_asia(run._r) == "宋体"


def test_signature_and_date_right_aligned_at_the_end(exported: docx.document.Document) -> None:
    *_, before, signature, date = exported.paragraphs
    assert before.text == ""  # blank line before the signature
    assert (signature.text, date.text) == ("市工业园区党工委", "2024年9月30日")
    # GB/T 9704 7.3.5.1: the date 右空四字, the unit centred on it. Both lines are centred with the
    # same indents, so they are centred on each other in any font; the axis is the centre of a
    # date (6.5 characters: 7 digits of half a character) ending 4 characters from the right edge.
    char = Twips(round((210 - 28 - 26) / 25.4 * 1440 / 28))
    for paragraph in (signature, date):
        assert _effective(paragraph, "alignment") == WD_ALIGN_PARAGRAPH.CENTER
        assert _effective(paragraph, "first_line_indent") == 0
        assert paragraph.paragraph_format.right_indent == 0
        ind = paragraph._p.pPr.find(qn("w:ind"))
        assert ind.get(qn("w:rightChars")) == "0" and ind.get(qn("w:leftChars")) == "1350"
    left = signature.paragraph_format.left_indent
    assert left == date.paragraph_format.left_indent
    axis = (left + 28 * char) / 2
    assert axis == pytest.approx(28 * char - 4 * char - 6.5 * char / 2, abs=2 * 635)


def test_a_date_without_a_unit_is_set_four_characters_from_the_edge(tmp_path: Path) -> None:
    document = docx.Document(str(_export(tmp_path, DRAFT.replace("市工业园区党工委\n", ""))))
    date = document.paragraphs[-1]
    assert date.text == "2024年9月30日" and document.paragraphs[-2].text == ""
    assert _effective(date, "alignment") == WD_ALIGN_PARAGRAPH.RIGHT
    assert _effective(date, "right_indent") == Pt(64)


def test_a_long_unit_name_is_set_flush_right_not_wrapped(tmp_path: Path) -> None:
    unit = "中共某某省某某市某某区某某街道某某社区委员会"  # 22 characters: wider than the centred lines
    document = docx.Document(str(_export(tmp_path, DRAFT.replace("市工业园区党工委", unit))))
    signature = _paragraph(document, unit)
    assert _effective(signature, "alignment") == WD_ALIGN_PARAGRAPH.RIGHT
    assert signature.paragraph_format.left_indent == 0 and signature.paragraph_format.right_indent == 0


def test_font_table_declares_fallbacks(tmp_path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(_export(tmp_path)) as z:
        table = z.read("word/fontTable.xml").decode("utf-8")
        settings = z.read("word/settings.xml").decode("utf-8")
    assert re.search(
        r'w:name="仿宋_GB2312">\s*<w:altName w:val="仿宋,FangSong"/>\s*<w:charset w:val="86"/>', table
    )
    assert 'w:name="楷体_GB2312"' in table and 'w:name="方正小标宋简体"' in table
    assert "<w:evenAndOddHeaders/>" in settings


def test_without_the_character_grid_characters_are_condensed(tmp_path: Path) -> None:
    document = docx.Document(str(_export(tmp_path, char_grid=False)))
    grid = document.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:charSpace")) is None
    spacing = document.styles["Normal"].element.find(f"{qn('w:rPr')}/{qn('w:spacing')}")
    condensed_pt = -int(spacing.get(qn("w:val"))) / 20
    assert 28 * (16 - condensed_pt) <= (210 - 28 - 26) / 25.4 * 72 < 29 * (16 - condensed_pt)


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = _export(tmp_path)
    out.write_bytes(b"keep me")
    with pytest.raises(UsageError, match="已存在；如要覆盖，请加 --force"):
        _export(tmp_path)
    assert out.read_bytes() == b"keep me"
    _export(tmp_path, force=True)
    assert docx.Document(str(out)).paragraphs[0].text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.docx"]  # no temporary file left


@pytest.mark.parametrize(
    "markdown", ["", "<!-- 只有注释 -->\n", "今年以来，我们做了很多工作。\n\n## 一、情况\n"]
)
def test_refuses_input_that_is_not_a_draft(tmp_path: Path, markdown: str) -> None:
    with pytest.raises(
        InputError, match=r"：内容是空的，没有可导出的内容|：没有标题行（“# 标题”），不像是草稿"
    ):
        _export(tmp_path, markdown)
    assert not (tmp_path / "out.docx").exists()


def test_long_titles_split_where_the_meaning_allows() -> None:
    assert title_lines("关于做好2024年工作的通知") == ["关于做好2024年工作的通知"]
    assert title_lines("市工业园区2024年第三季度意识形态工作总结") == [
        "市工业园区2024年第三季度",
        "意识形态工作总结",
    ]
    assert title_lines("中共某某市委宣传部关于2024年度意识形态工作责任制落实情况的报告") == [
        "中共某某市委宣传部关于2024年度",
        "意识形态工作责任制落实情况的报告",
    ]


# --- the command line ------------------------------------------------------------------------


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", "export", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_exports_and_reports_the_path(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from assistant.cli.app import app

    (tmp_path / "draft.md").write_text(DRAFT, encoding="utf-8")
    result = CliRunner().invoke(app, ["export", str(tmp_path / "draft.md"), "-o", str(tmp_path / "x.docx")])
    assert result.exit_code == 0, result.output
    assert str(tmp_path / "x.docx") in result.output
    assert docx.Document(str(tmp_path / "x.docx")).paragraphs[0].text
    # without -o the .docx goes next to the draft
    assert CliRunner().invoke(app, ["export", str(tmp_path / "draft.md")]).exit_code == 0
    assert (tmp_path / "draft.docx").exists()


@pytest.mark.slow  # an end-to-end run of the CLI (> 1.4 s)
def test_cli_errors(tmp_path: Path) -> None:
    missing = _cli("missing.md", "-o", "out.docx", cwd=tmp_path)
    assert missing.returncode == 3 and "missing.md" in missing.stderr and missing.stderr.startswith("错误：")

    (tmp_path / "latin1.md").write_bytes("# Résumé\n\nCafé crème à la carte, déjà vu.\n".encode("latin-1"))
    undecodable = _cli("latin1.md", cwd=tmp_path)
    assert undecodable.returncode == 3
    assert undecodable.stderr == (
        "错误：latin1.md：不是可读的文本草稿（应为 UTF-8、UTF-16 或 GB18030 编码的 Markdown）\n"
    )
    assert undecodable.stderr.count("\n") == 1 and not (tmp_path / "latin1.docx").exists()

    (tmp_path / "draft.md").write_text(DRAFT, encoding="utf-8")
    (tmp_path / "out.docx").write_bytes(b"old")
    exists = _cli("draft.md", "-o", "out.docx", cwd=tmp_path)
    assert exists.returncode == 2 and exists.stderr == "错误：out.docx 已存在；如要覆盖，请加 --force\n"
    assert (tmp_path / "out.docx").read_bytes() == b"old"
    forced = _cli("draft.md", "-o", "out.docx", "--force", cwd=tmp_path)
    assert forced.returncode == 0 and "out.docx" in forced.stderr


# --- rendering with LibreOffice --------------------------------------------------------------


def _to_pdf(files: list[Path], outdir: Path) -> list[Path]:
    assert SOFFICE is not None
    profile = outdir / "lo-profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(outdir), *map(str, files)],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return [outdir / f"{f.stem}.pdf" for f in files]


def _page_count(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))


def _page_text(pdf: Path, page: int) -> str:
    args = ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=60).stdout


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    tmp = tmp_path_factory.mktemp("render")
    docs = {
        "draft": _export(tmp, DRAFT, "draft.docx"),
        "long": _export(tmp, LONG_DRAFT, "long.docx"),
        "long_nogrid": _export(tmp, LONG_DRAFT, "long_nogrid.docx", char_grid=False),
    }
    return dict(zip(docs, _to_pdf(list(docs.values()), tmp), strict=True))


def test_renders_with_the_title_first(rendered: dict[str, Path]) -> None:
    assert _page_count(rendered["draft"]) >= 1
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    first = re.sub(r"\s", "", _page_text(rendered["draft"], 1))
    assert first.startswith("市工业园区2024年第三季度意识形态工作总结")
    assert "—1—" in first


def test_long_draft_fills_two_pages_of_22_lines_of_28_characters(rendered: dict[str, Path]) -> None:
    # LibreOffice 7 spreads characters apart under Word's character grid, so the page geometry is
    # checked on the condensed-characters variant, which it lays out as Word does the grid.
    assert _page_count(rendered["long"]) >= 2
    assert _page_count(rendered["long_nogrid"]) == 2
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    lines = [line.replace(" ", "") for line in _page_text(rendered["long_nogrid"], 1).splitlines()]
    lines = [line for line in lines if line]
    assert lines[-1] == "—1—" and len(lines) - 1 == 21  # 22 lines: title, blank line, 20 of text
    assert max(len(line) for line in lines if line.isascii() is False and not re.search(r"\d", line)) == 28
    assert re.sub(r"\s", "", _page_text(rendered["long_nogrid"], 2)).endswith("—2—")
