"""Write facts.docx for this case: Heading 2 paragraphs are parts, Heading 3 subsections, the rest facts
(as assistant/draft/facts.py reads a .docx). A .docx has no front matter: draft it with
--unit 枫林镇党委 --period 2024年第四季度 --topic 宣传思想工作."""

from pathlib import Path

from docx import Document

CONTENT = [
    ("h2", "工作开展情况"),
    ("h3", "强化理论武装"),
    ("p", "党委理论学习中心组学习5次，专题学习党的二十届三中全会精神"),
    ("p", "组建“板凳宣讲团”，在14个村开展宣讲41场，覆盖群众2600余人次"),
    ("p", "2024年11月6日举办村干部宣传思想工作专题培训班，参训56人"),
    ("h3", "做好新闻宣传和舆论引导"),
    ("p", "围绕柑橘产业、人居环境整治等工作在市级以上媒体刊播稿件14篇"),
    ("p", "镇政务新媒体“枫林之声”本季度推送信息98条"),
    ("p", "开展网络舆情排查3次，回应群众网络诉求9件"),
    ("h3", "深化文明乡风建设"),
    ("p", "开展“移风易俗·文明过节”主题活动，14个村全部修订村规民约"),
    ("p", "12月表彰“星级文明户”120户"),
    ("h2", "存在的问题"),
    ("p", "镇宣传干事仅1名，且身兼数职"),
    ("p", "部分村文化活动室利用率不高"),
    ("h2", "下一步打算"),
    ("p", "2025年春节前组织“村晚”文艺汇演"),
    ("p", "每季度开展一次村级宣传阵地巡查"),
]


def main() -> None:
    doc = Document()
    for kind, text in CONTENT:
        if kind == "h2":
            doc.add_heading(text, level=2)
        elif kind == "h3":
            doc.add_heading(text, level=3)
        else:
            doc.add_paragraph(text)
    doc.save(str(Path(__file__).with_name("facts.docx")))


if __name__ == "__main__":
    main()
