"""Facts files: Markdown with front matter, plain text, .docx; clear errors with line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.draft.facts import load_facts, parse_facts
from assistant.errors import InputError
from tests.helpers import EXAMPLES

MD = """---
unit: 县档案馆党支部
period: 2024年上半年
topic: 意识形态工作
---
## 工作开展情况
### 压实责任
- 支部会议研究意识形态工作3次
### 阵地管理
- 展厅讲解词全部经过三审
## 存在的问题及下一步打算
- 讲解员队伍年龄偏大
- 下半年招募青年志愿讲解员
"""


def test_markdown_facts_parts_groups_and_roles() -> None:
    sheet = parse_facts(MD)
    assert sheet.title == "县档案馆党支部2024年上半年意识形态工作总结"
    assert [p.heading for p in sheet.parts] == ["工作开展情况", "存在的问题及下一步打算"]
    assert [g.heading for g in sheet.parts[0].groups] == ["压实责任", "阵地管理"]
    assert [f.role for f in sheet.facts()] == ["achievements", "achievements", "problems", "plans"]
    assert [f.id for f in sheet.facts()] == ["F1", "F2", "F3", "F4"]
    assert sheet.facts()[0].line == 8


def test_plain_text_facts_are_assigned_by_their_wording() -> None:
    sheet = load_facts(EXAMPLES / "facts" / "school-2024h1.txt")
    roles = [f.role for f in sheet.facts()]
    assert roles == ["achievements"] * 5 + ["problems"] * 2 + ["plans"] * 2
    assert all(f.inferred for f in sheet.facts())


def test_docx_facts(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("工作开展情况", level=2)
    doc.add_paragraph("召开专题会议2次")
    doc.add_heading("存在的问题", level=2)
    doc.add_paragraph("宣传骨干不足")
    f = tmp_path / "facts.docx"
    doc.save(str(f))
    sheet = load_facts(f)
    assert [(x.text, x.role) for x in sheet.facts()] == [
        ("召开专题会议2次", "achievements"),
        ("宣传骨干不足", "problems"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "事实文件是空的"),
        ("   \n\n", "事实文件是空的"),
        ("## 工作开展情况\n## 存在的问题\n", "没有找到事实"),
        ("---\nunit: [a\n---\n- x\n", ":2：文件头格式有误"),
        ("---\nunit: 某局\ncolour: red\n---\n- 召开会议\n", ":3：文件头中没有“colour”这一项"),
        ("---\nunit: 某局\n- 召开会议\n", "没有用 --- 结束"),
        ("---\ndate: 2024-09-30\n---\n- 召开会议\n", ":2：日期应写成 2024年9月30日 的样式"),
    ],
)
def test_bad_facts_files_name_the_line(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_facts(text, "facts.md")


def test_binary_facts_file_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "facts.md"
    f.write_bytes(b"\x00\x01\x02binary" * 50)
    with pytest.raises(InputError, match="二进制"):
        load_facts(f)
    with pytest.raises(InputError, match="找不到这个事实文件"):
        load_facts(tmp_path / "missing.md")
