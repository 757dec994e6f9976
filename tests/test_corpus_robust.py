"""Loading and parsing edge cases: encodings, bad files, odd numbering, .docx."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from assistant.corpus import parse_paths, parse_text
from assistant.corpus.loader import decode_bytes
from assistant.errors import InputError

REPORT = """某县文化馆2024年上半年意识形态工作总结
今年以来，在县委的领导下，我馆认真落实意识形态工作责任制，现将有关情况总结如下：
一、工作开展情况
（一）压实工作责任。馆党支部召开专题会议研究部署。一是明确分工。二是定期研判。
（二）加强阵地管理
展厅、讲座和公众号实行三审制度，全年未发生问题。
二、存在的问题
一是宣传队伍力量不足。二是网络阵地管理经验欠缺。
三、下一步工作打算
一是充实宣传队伍。二是开展网络安全培训。
"""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_every_encoding_decodes_to_the_same_text(tmp_path: Path, encoding: str) -> None:
    f = tmp_path / f"r-{encoding}.txt"
    f.write_bytes(REPORT.encode(encoding))
    (report,) = parse_paths([f]).reports
    assert report.title == "某县文化馆2024年上半年意识形态工作总结"
    assert [h.text for h in report.headings] == ["工作开展情况", "存在的问题", "下一步工作打算"]


def test_crlf_and_cr_line_endings(tmp_path: Path) -> None:
    f = tmp_path / "crlf.txt"
    f.write_bytes(REPORT.replace("\n", "\r\n").encode())
    assert len(parse_paths([f]).reports[0].headings) == 3
    f.write_bytes(REPORT.replace("\n", "\r").encode())
    assert len(parse_paths([f]).reports[0].headings) == 3


def test_binary_and_undecodable_files_are_reported_and_others_still_load(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "fake.docx").write_bytes(b"not a zip at all")
    result = parse_paths([tmp_path])
    assert len(result.reports) == 1
    kinds = {Path(e.path).name: (e.kind, e.reason) for e in result.errors}
    assert kinds == {
        "fake.docx": ("bad_docx", "不是可读的 .docx 文件（PackageNotFoundError）"),
        "image.txt": ("binary", "是二进制文件，不是文本"),
    }


def test_decode_rejects_byte_soup() -> None:
    with pytest.raises(InputError):
        decode_bytes(bytes(range(128, 256)) * 4, "soup.txt")
    assert decode_bytes(codecs.BOM_UTF8 + "一、".encode(), "x")[1] == "utf-8-sig"


def test_docx_reports_are_read(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    for line in REPORT.strip().split("\n"):
        doc.add_paragraph(line)
    f = tmp_path / "report.docx"
    doc.save(str(f))
    (report,) = parse_paths([f]).reports
    assert report.title.startswith("某县文化馆")
    assert report.headings[0].children[0].text == "压实工作责任"


def test_out_of_order_and_skipped_numbering_loses_no_text() -> None:
    text = """一、工作情况
（三）先写了第三点。内容甲。
1.跳过第二级的第三级
内容乙在这里，足够长的一段正文用于检验。
（1）第四级内容丙。
一、又从一开始
（二）重复编号的标题
内容丁。
五、跳号的部分
⑴内容戊，一个圆括号编号的条目，写得长一些以免被当作标题。
"""
    reports = parse_text(text)
    covered = "".join(r.text for r in reports)
    for piece in ("内容甲", "内容乙", "内容丙", "内容丁", "内容戊", "跳号的部分"):
        assert piece in covered
        assert any(
            piece in c.text or any(piece in h.text for h in r.walk_headings())
            for r in reports
            for c in r.chunks
        )


def test_merged_tiny_items_and_point_lists() -> None:
    text = """一、主要工作
（一）专项活动
1、组织宣讲会。
2、开展主题党日。
3、举办读书会。
二、存在的问题
一是学习不够深入。二是形式单一。
"""
    (report,) = parse_text(text)
    sub = [c for c in report.chunks if c.heading_path == ["主要工作", "专项活动"]]
    assert len(sub) == 1 and "merged_items" in sub[0].flags
    assert sub[0].text.startswith("1、组织宣讲会") and sub[0].text.endswith("3、举办读书会。")
    assert [h.text for h in report.headings] == ["主要工作", "存在的问题"]
