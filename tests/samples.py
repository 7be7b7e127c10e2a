"""Builders for sample files of every supported kind (and broken ones), written into a folder."""

from __future__ import annotations

import io
from pathlib import Path

CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

MD_TEXT = """---
title: 彩虹是怎样形成的
author: 测试作者
tags: [光学, 天气]
---
# 彩虹是怎样形成的

雨后天晴，太阳光照进空中的小水滴，发生折射和反射，不同颜色的光偏折角度不同，于是分开成彩虹。

## 什么时候容易看到

背对太阳、前方有雨幕时最容易看到彩虹。
"""
GBK_TEXT = "隔夜菜能不能吃\n\n隔夜菜只要及时放进冰箱冷藏，第二天彻底加热后一般可以安全食用。绿叶蔬菜最好现做现吃。\n"
UTF16_TEXT = "静电的原理\n\n冬天空气干燥，衣物摩擦使电荷积累，手碰到金属门把手时放电，就会感到被电了一下。\n"
HTML_TEXT = """<html><head><meta charset="utf-8"><title>雷电防护</title></head><body>
<nav><a href="/">首页</a> | <a href="/news">新闻中心</a></nav>
<article><h1>打雷时怎样保护自己</h1>
<p>雷雨天气时，应尽快进入有防雷设施的建筑物内，不要在大树下避雨。</p>
<p>在空旷地带无法躲避时，应双脚并拢蹲下，降低身体高度。</p></article>
<footer>版权所有 © 某某网站 联系我们</footer></body></html>"""
PDF_TEXT = "幽门螺杆菌可以通过共用餐具传播。使用公筷和分餐能够降低家庭内传播的风险。呼气试验是常用的检查方法。"
DOCX_PARAGRAPHS = ["垃圾分类的四个类别", "我国城市普遍把生活垃圾分为可回收物、有害垃圾、厨余垃圾和其他垃圾四类。废电池和过期药品属于有害垃圾。"]


def make_pdf(text: str | None) -> bytes:
    """A one-page PDF; with ``text=None`` the page holds only a drawing (no text layer)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    if text is None:
        pdf.set_fill_color(120, 120, 120)
        pdf.rect(20, 20, 150, 200, style="F")
    else:
        pdf.add_font("noto", fname=CJK_FONT, collection_font_number=0)
        pdf.set_font("noto", size=12)
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def make_docx(paragraphs: list[str], heading_first: bool = True) -> bytes:
    import docx

    document = docx.Document()
    for i, text in enumerate(paragraphs):
        if i == 0 and heading_first:
            document.add_heading(text, level=1)
        else:
            document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def write_mixed_folder(folder: Path) -> dict[str, bool]:
    """Write good and bad files; returns {file name: should succeed}."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "rainbow.md").write_text(MD_TEXT, encoding="utf-8")
    (folder / "leftovers_gbk.txt").write_bytes(GBK_TEXT.encode("gbk"))
    (folder / "static_utf16.txt").write_bytes(UTF16_TEXT.encode("utf-16"))
    (folder / "lightning.html").write_text(HTML_TEXT, encoding="utf-8")
    (folder / "hp.pdf").write_bytes(make_pdf(PDF_TEXT))
    (folder / "waste.docx").write_bytes(make_docx(DOCX_PARAGRAPHS))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "scanned.pdf").write_bytes(make_pdf(None))
    return {
        "rainbow.md": True, "leftovers_gbk.txt": True, "static_utf16.txt": True, "lightning.html": True,
        "hp.pdf": True, "waste.docx": True, "empty.txt": False, "binary.txt": False, "scanned.pdf": False,
    }
