"""Stock phrases and slogans of 公文: quoted in every unit's report, they are rhetoric, not a unit's
particulars. A quoted “关键少数” in a draft is not a name the facts must contain.

Sources: (1) the central Party and government formulations that reports of this genre quote
(四个意识, 两个维护, 三会一课 …); (2) the figurative stock words of 工作总结 (最后一公里, 指挥棒,
牛鼻子 …); (3) phrases seen quoted in two or more reports of the example corpus (一岗双责, 主阵地,
学习强国 …). A unit's own named activity (“工友微讲堂”) is never here: those are particulars."""

from __future__ import annotations

import re

OFFICIAL_FORMULATIONS = frozenset(
    """
    四个意识 四个自信 两个维护 两个确立 两个结合 四个全面 五位一体 三会一课 两学一做 三严三实 一岗双责
    第一议题 不忘初心、牢记使命 不忘初心 牢记使命 学思想、强党性、重实践、建新功 学习强国 中国梦 三个代表
    两个务必 三个务必 四个伟大 五个必由之路 六个必须坚持 国之大者 两个大局 两个一百年 第一责任人
    谁主管、谁负责 谁主管谁负责 管党治党 全面从严治党 三重一大 一把手 扫黄打非 放管服 三农 两新
    两新组织 大思政课 三全育人 立德树人 铸魂育人 时代新人 主旋律 正能量 好声音 我们的节日 最美家庭
    文明家庭 新时代文明实践 学习贯彻 主题教育 党纪学习教育 清廉机关 模范机关 四史 党史学习教育
    """.split()
)

FIGURATIVE = frozenset(
    """
    关键少数 绝大多数 最后一公里 最先一公里 中梗阻 指挥棒 风向标 晴雨表 压舱石 定盘星 主心骨 生命线 牛鼻子
    硬骨头 钉钉子 绣花功夫 一盘棋 一张网 一条心 主阵地 主战场 主渠道 前沿阵地 桥头堡 排头兵 领头雁 头雁
    试金石 两张皮 灯下黑 上热中温下冷 重部署轻落实 源头活水 同心圆 最大公约数 最大增量 最大变量 红色引擎
    红色根脉 党建引领 党建+ 接地气 冒热气 沾泥土 带露珠 有温度 有深度 有力度 全覆盖 零距离 零容忍
    以案促改 以案说法 以文辅政 看家本领 必修课 基本功 微宣讲 微党课 大宣传 大讲堂 充电 加油 补钙 铸魂
    扣好人生第一粒扣子 第一粒扣子 把方向、管大局、保落实 把方向 管大局 保落实 严管就是厚爱 三个区分开来
    """.split()
)

STOCK_PHRASES = OFFICIAL_FORMULATIONS | FIGURATIVE

_QUOTE_MARKS = re.compile(r"[“”\"'‘’「」]")


def is_stock_phrase(text: str) -> bool:
    """True for a stock phrase or slogan, quoted or not, also as a 、-joined list of them
    (“把方向、管大局、保落实”)."""
    bare = _QUOTE_MARKS.sub("", text).strip()
    if bare in STOCK_PHRASES:
        return True
    parts = [p for p in re.split(r"[、，,]", bare) if p]
    return len(parts) > 1 and all(p in STOCK_PHRASES for p in parts)


# Long formulas every report writes; text shared with an example through them is not a copy.
FORMULAS = (
    "习近平新时代中国特色社会主义思想",
    "以习近平新时代中国特色社会主义思想为指导",
    "党的二十大精神",
    "党的二十届三中全会精神",
    "党的二十届二中全会精神",
    "深入学习贯彻",
    "认真贯彻落实",
    "现将有关工作情况总结如下",
    "现将有关情况汇报如下",
    "现将工作情况总结如下",
    "在肯定成绩的同时",
    "我们也清醒地认识到",
    "我们也清醒地看到",
    "工作中还存在一些不足",
    "还存在一些问题和不足",
    "意识形态工作责任制",
    "牢牢掌握意识形态工作领导权",
    "坚持问题导向",
    "持续用力、久久为功",
    "推动意识形态工作不断取得新成效",
    "增强“四个意识”、坚定“四个自信”、做到“两个维护”",
    "坚定拥护“两个确立”、坚决做到“两个维护”",
    "以上率下",
    "入脑入心",
    "落地见效",
)
