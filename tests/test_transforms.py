"""Numbering, dates and 文号 resolved by the transforms, shared by every writer."""

import datetime as dt
from pathlib import Path

import pytest

from gongwen.source import load_document
from gongwen.transforms import chinese_number, date_text, resolve

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "n,text", [(1, "一"), (7, "七"), (10, "十"), (11, "十一"), (20, "二十"), (32, "三十二"), (99, "九十九")]
)
def test_chinese_numbers(n, text):
    assert chinese_number(n) == text


def test_dates_have_no_leading_zeros():
    assert date_text(dt.date(2024, 2, 4)) == "2024年2月4日"
    assert date_text(dt.date(2025, 10, 1)) == "2025年10月1日"


def test_2024_document_is_resolved_like_the_print():
    doc = resolve(load_document(ROOT / "content" / "2024"))
    assert doc.notice.number.text == "宝教〔2024〕1号"
    assert doc.notice.date_text == "2024年2月4日"
    assert doc.colophon.print_date_text == "2024年2月4日印发"
    assert doc.colophon.copies_text == "共印350份"
    att = doc.attachments[0]
    assert att.label == "附件"
    assert doc.attachment_note == ["上海市宝山区教育局2024年工作意见"]
    assert [p.label for p in att.parts] == ["一、", "二、", "三、", "四、", "五、", "六、", "七、"]
    labels = [i.label for p in att.parts for i in p.items]
    assert labels == [f"{n}." for n in range(1, 33)]
    assert [f.mark for f in doc.footnotes] == ["①", "②", "③"]
    assert doc.footnotes[2].text == "五大学区、七大板块系列实践活动、N个实践特色亮点课程"
