"""Personal data typed into a question comes out as a placeholder the reader understands; science figures,
standards, dates and hotlines come out exactly as typed."""

from __future__ import annotations

import ast
import dataclasses
import re
import time
import unicodedata

import pytest

from knowledge.privacy import KINDS, Redacted, redact
from knowledge.texts import REDACTION_PLACEHOLDERS
from tests.conftest import ROOT

PHONE = REDACTION_PLACEHOLDERS["phone"]
ID = REDACTION_PLACEHOLDERS["id_card"]
CARD = REDACTION_PLACEHOLDERS["bank_card"]
EMAIL = REDACTION_PLACEHOLDERS["email"]
ADDRESS = REDACTION_PLACEHOLDERS["address"]
NAME = REDACTION_PLACEHOLDERS["name"]

# (what the citizen typed, what the log and the model may see)
REDACTED = [
    # the message from the issue
    ("我妈王秀英，电话 138 1234 5678，住在杭州市西湖区文三路398号3幢2单元501室，她血压 160/100 怎么办",
     f"我妈{NAME}，电话 {PHONE}，住在杭州市西湖区{ADDRESS}，她血压 160/100 怎么办"),
    # mobiles, written every way people write them
    ("医生你好我手机13812345678你帮我看看这个药能不能吃", f"医生你好我手机{PHONE}你帮我看看这个药能不能吃"),
    ("我的电话是138-1234-5678，麻烦回电", f"我的电话是{PHONE}，麻烦回电"),
    ("号码 +86 139 8765 4321 微信同号", f"号码 {PHONE} 微信同号"),
    ("0086-13912345678这个号是我女儿的", f"{PHONE}这个号是我女儿的"),
    ("(+86)13712345678 有空回个电话", f"{PHONE} 有空回个电话"),
    ("手机号１３８１２３４５６７８，打不通就发短信", f"手机号{PHONE}，打不通就发短信"),
    ("我女儿的号码是１３９　８７６５　４３２１，她在外地", f"我女儿的号码是{PHONE}，她在外地"),
    ("138.1234.5678 是我老伴的手机", f"{PHONE} 是我老伴的手机"),
    ("138—1234—5678打这个", f"{PHONE}打这个"),
    ("语音输入的：我的电话是1 3 8 1 2 3 4 5 6 7 8谢谢", f"语音输入的：我的电话是{PHONE}谢谢"),
    ("有事打我电话幺三八一二三四五六七八", f"有事打我电话{PHONE}"),
    ("打我电话 13 8123 45678 我等你消息", f"打我电话 {PHONE} 我等你消息"),
    ("号码13812345678/13912345678都行", f"号码{PHONE}/{PHONE}都行"),
    # landlines
    ("村卫生室电话0571-8888 6666，医生说血压高要吃药", f"村卫生室电话{PHONE}，医生说血压高要吃药"),
    ("北京的朋友座机(010)12345678能打通吗", f"北京的朋友座机{PHONE}能打通吗"),
    ("（0571）88886666转801是我单位的", f"{PHONE}是我单位的"),
    ("联系电话：021-6432 1234（工作日）", f"联系电话：{PHONE}（工作日）"),
    ("家里电话 8888 6666，白天没人", f"家里电话 {PHONE}，白天没人"),
    ("tel:0571-88886666", f"tel:{PHONE}"),
    # ID cards, new and old
    ("我身份证号110101199003071234，能查到疫苗记录吗", f"我身份证号{ID}，能查到疫苗记录吗"),
    ("身份证 33010619850506123x 尾号是小写的x", f"身份证 {ID} 尾号是小写的x"),
    ("身份证号码：330106 19850506 123X", f"身份证号码：{ID}"),
    ("老身份证是15位的330106850506123还能用吗", f"老身份证是15位的{ID}还能用吗"),
    ("证件号 ３３０１０６１９８５０５０６１２３４", f"证件号 {ID}"),
    # bank cards
    ("银行卡号 6222 0212 3456 7890 123 被冒用了", f"银行卡号 {CARD} 被冒用了"),
    ("6217-0000-1234-5678 这张卡收到诈骗短信", f"{CARD} 这张卡收到诈骗短信"),
    ("信用卡4111111111111111会不会被盗刷", f"信用卡{CARD}会不会被盗刷"),
    ("工资卡 6228480012345678910 的短信是真的吗", f"工资卡 {CARD} 的短信是真的吗"),
    ("他让我把 5210 1234 5678 9012 和验证码发过去", f"他让我把 {CARD} 和验证码发过去"),
    # e-mail
    ("邮箱 zhang.san@163.com 发我资料", f"邮箱 {EMAIL} 发我资料"),
    ("发到 lisi＠qq．com 吧", f"发到 {EMAIL} 吧"),
    ("我的邮箱是wang_xiaoming2010@126.com谢谢", f"我的邮箱是{EMAIL}谢谢"),
    ("13812345678@139.com 是我的邮箱", f"{EMAIL} 是我的邮箱"),
    # addresses: the street and numbers go, the city and district may stay
    ("住在阳光小区3栋2单元501，楼下垃圾站臭味大，有害吗", f"住在{ADDRESS}，楼下垃圾站臭味大，有害吗"),
    ("俺们是张家村五组的，井水发黄能喝不", f"俺们是{ADDRESS}的，井水发黄能喝不"),
    ("家住上海市长乐路123弄45号，墙上长霉", f"家住上海市{ADDRESS}，墙上长霉"),
    ("我家在成都市武侯区人民南路四段12号，最近老地震", f"我家在成都市武侯区{ADDRESS}，最近老地震"),
    ("河南省周口市郸城县宁平镇大王庄村3组12号的水能喝吗", f"河南省周口市郸城县宁平镇{ADDRESS}的水能喝吗"),
    ("地址：北京市朝阳区望京西园三区312号楼2单元1102", f"地址：北京市朝阳区{ADDRESS}"),
    ("翠苑小区 3-2-501 的邻居天天烧东西", f"{ADDRESS} 的邻居天天烧东西"),
    ("中山路100号院5号楼3单元", ADDRESS),
    ("我们楼是3栋2单元501，楼顶有基站", f"我们楼是{ADDRESS}，楼顶有基站"),
    # names, only where the writer says it is a name
    ("我叫陈小明，是初二学生，想问黑洞会不会把地球吸进去", f"我叫{NAME}，是初二学生，想问黑洞会不会把地球吸进去"),
    ("姓名：刘建国 电话：13800001111 症状：咳嗽", f"姓名：{NAME} 电话：{PHONE} 症状：咳嗽"),
    ("我爸张建国，72岁，血压 150/95 要紧吗", f"我爸{NAME}，72岁，血压 150/95 要紧吗"),
    # long stories with the number in the middle, several kinds in one message, dialect, no punctuation
    ("去年冬天我们家装了个燃气热水器，安装师傅留了电话 159 0571 2345 说有问题找他，结果今天洗澡的时候头晕恶心，"
     "我妈说是不是一氧化碳中毒，现在开窗了，还要去医院吗",
     f"去年冬天我们家装了个燃气热水器，安装师傅留了电话 {PHONE} 说有问题找他，结果今天洗澡的时候头晕恶心，"
     "我妈说是不是一氧化碳中毒，现在开窗了，还要去医院吗"),
    ("我叫王芳，身份证330106198505061234，手机15912345678，住杭州市上城区解放路100号，请问HPV疫苗在哪打",
     f"我叫{NAME}，身份证{ID}，手机{PHONE}，住杭州市上城区{ADDRESS}，请问HPV疫苗在哪打"),
    ("俺娘李秀兰，今年七十了，电话是13687654321，她老说心口疼咋整",
     f"俺娘{NAME}，今年七十了，电话是{PHONE}，她老说心口疼咋整"),
    ("你好我想问一下我家住在幸福里小区5栋1203我们楼顶装了基站辐射大不大我电话13512345678",
     f"你好我想问一下我家住在{ADDRESS}我们楼顶装了基站辐射大不大我电话{PHONE}"),
]

# Science figures and everyday numbers that must come back exactly as typed.
UNCHANGED = [
    "震级 8.0 的地震有多大破坏力？",
    "血压 140/90 算高血压吗",
    "血糖 7.8 mmol/L 正常吗",
    "GB 5749-2022《生活饮用水卫生标准》有哪些变化",
    "GB/T 18883-2022 室内空气质量标准里甲醛限值是多少",
    "微波炉的频率是 2450 兆赫吗",
    "5G 基站辐射大吗？PM2.5 超标怎么办",
    "地图比例尺 1∶1000 是什么意思",
    "2024年12月1日起实施的新规",
    "心理援助热线 12356，急救 120，报警 110，火警 119，消费投诉 12315",
    "一年 365 天，每天跑 3000 米",
    "中国有 13亿人，每人每天 0.5毫克",
    "这个项目投资 10000000000元",
    "医保基金一年支出 13000000000 元",
    "ISBN 978-7-5086-1234-5 这本书讲的对吗",
    "杭州的经纬度是北纬30.2741°，东经120.1551°",
    "iPhone 15 和华为 Mate 60 哪个辐射小",
    "KN95 和 N95 口罩有什么区别",
    "COVID-19 和 H5N1 禽流感哪个更危险",
    "光速约 299792458 米每秒",
    "太阳离地球约 149597870700 米",
    "圆周率 3.14159265358979323846 要背多少位",
    "地铁2号线3号出口旁边的基站",
    "长征五号、嫦娥六号、神舟十八号都是哪年发射的",
    "2018年第22号台风山竹有多强",
    "分成五组，每组3人做实验",
    "语文第三单元第2课讲的是月食",
    "我妈高血压，吃什么好",
    "我爸常说，喝酒能暖身，对吗",
    "我哥马拉松，跑完膝盖疼",
    "万里长城一座座烽火台是干什么用的",
    "人民医院3楼的CT室辐射大吗",
    "拨打 400-820-8820 咨询",
    "2024 2025 2026 2027 年的规划",
    "海拔 1000 2000 3000 4000 这几个高度的气温各是多少",
    "中东铁路九号机务段在哪里",
    "体温 38.5℃，心率 120 次/分",
    "CAS号 7732-18-5 是什么物质",
    "时间戳 1700000000 是哪一天",
    "北京时间 2024-10-01 08:00 发射",
    "手机充电 5V 2A，电池 5000mAh",
    "1 3 5 7 9 11 13 15 这个数列的规律",
    "每天走 15000 步对膝盖好吗",
    "身份证丢了怎么办，银行卡被吞了怎么办",
    "身高170体重65算胖吗",
    "1型糖尿病和2型有什么区别",
]

_LONG_DIGITS = re.compile(r"[0-9](?:[ \-.]?[0-9]){6,}")


def _digit_runs(text: str) -> list[str]:
    """Runs of seven digits or more (width-folded, spaces and dashes allowed inside): the shape of personal data."""
    return _LONG_DIGITS.findall(unicodedata.normalize("NFKC", text))


@pytest.mark.parametrize(("typed", "expected"), REDACTED, ids=[t[:14] for t, _ in REDACTED])
def test_personal_data_becomes_a_placeholder_and_the_rest_is_untouched(typed: str, expected: str) -> None:
    result = redact(typed)
    assert result.text == expected
    assert _digit_runs(result.text) == []


@pytest.mark.parametrize("text", UNCHANGED, ids=[t[:14] for t in UNCHANGED])
def test_science_figures_and_everyday_numbers_come_back_unchanged(text: str) -> None:
    assert redact(text) == Redacted(text, ())


def test_the_test_sets_are_large_enough() -> None:
    assert len(REDACTED) >= 40 and len(UNCHANGED) >= 30


def test_kinds_are_listed_once_each_in_order_of_first_appearance() -> None:
    text = "住阳光小区3栋2单元501，电话13812345678，备用13912345678，邮箱 a.b@qq.com，我叫王芳，卡号6222021234567890"
    result = redact(text)
    assert result.kinds == ("address", "phone", "email", "name", "bank_card")
    assert result.text == f"住{ADDRESS}，电话{PHONE}，备用{PHONE}，邮箱 {EMAIL}，我叫{NAME}，卡号{CARD}"

    id_first = redact("身份证110101199003071234，手机13812345678")
    assert id_first.kinds == ("id_card", "phone")


def test_a_question_without_personal_data_has_no_kinds() -> None:
    assert redact("为什么天空是蓝色的？").kinds == ()
    assert redact("") == Redacted("", ())


def test_an_email_made_of_a_phone_number_is_one_email() -> None:
    assert redact("13812345678@139.com").kinds == ("email",)


def test_an_address_written_in_two_parts_is_one_placeholder() -> None:
    result = redact("我家在文三路398号 阳光小区3栋2单元501")
    assert result.text == f"我家在{ADDRESS}"
    assert result.kinds == ("address",)


def test_the_result_is_immutable() -> None:
    result = redact("电话13812345678")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.text = "电话13812345678"  # type: ignore[misc]


def test_every_kind_has_a_chinese_placeholder() -> None:
    assert set(REDACTION_PLACEHOLDERS) == set(KINDS)
    assert all(re.fullmatch(r"\[[\u4e00-\u9fff]+\]", label) for label in REDACTION_PLACEHOLDERS.values())


def test_the_module_lives_on_the_ground_floor() -> None:
    tree = ast.parse((ROOT / "knowledge" / "privacy.py").read_text(encoding="utf-8"))
    modules = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    modules += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [m for m in modules if m.split(".")[0] in ("bot", "ingest", "app")]


def test_a_long_question_is_redacted_in_well_under_a_millisecond() -> None:
    story = ("我家住在杭州市西湖区，最近小区门口新装了一个5G基站，离我家窗户大概30米，家里老人说晚上睡不着觉、头疼，"
             "想问问基站的电磁辐射到底有多大，国家标准GB 8702-2014规定的限值是多少，")
    personal = "电话 138 1234 5678，住在文三路398号3幢2单元501室，"
    messages = [(story * 3)[:500], (story + personal + story)[:500], (personal + story * 3)[:500]] * 100
    for text in messages[:30]:
        redact(text)
    started = time.perf_counter()
    for text in messages:
        redact(text)
    mean = (time.perf_counter() - started) / len(messages)
    assert mean < 0.001  # the target is under 0.2 ms; the margin absorbs a busy shared machine
