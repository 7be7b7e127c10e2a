"""Safety pointers: emergencies and self-harm get a fixed pointer first; medical answers a disclaimer."""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge import texts

_SELF_HARM = re.compile(r"自杀|轻生|不想活|活不下去|想死|结束(自己的)?生命|割腕|跳楼|伤害自己|自残")
_EMERGENCY = re.compile(
    r"胸口?(剧)?痛|胸闷.*(出汗|喘)|喘不上气|呼吸困难|昏迷|晕倒|叫不醒|抽搐|大出血|口吐白沫|中毒了|"
    r"吃了.*(老鼠药|农药|毒蘑菇)|喝了.*(农药|百草枯)|被.*(蛇|毒蛇)咬|触电了|溺水|噎住|心脏骤停|"
    r"突然.*(说不出话|口角歪斜|半身|一侧).*|中风了|心梗了|煤气中毒|一氧化碳中毒了"
)
_FIRE = re.compile(r"着火了|起火了|失火|燃气泄漏|煤气泄漏|闻到.*煤气味")
_MEDICAL = re.compile(
    r"病|症|药|疫苗|医|血压|血糖|糖尿|癌|肿瘤|感染|发烧|发热|咳嗽|疼|痛|失眠|睡眠|心梗|中风|卒中|"
    r"幽门|抗生素|怀孕|孕妇|婴儿|体检|治疗|中毒|过敏|健康"
)
MEDICAL_TOPICS = {"健康与医学"}


@dataclass(frozen=True)
class SafetyCheck:
    pointer: str = ""
    medical: bool = False


def check_question(question: str) -> SafetyCheck:
    """Which fixed pointer (if any) goes first, and whether the topic is medical."""
    pointers = []
    if _SELF_HARM.search(question):
        pointers.append(texts.SELF_HARM_POINTER)
    if _EMERGENCY.search(question):
        pointers.append(texts.EMERGENCY_POINTER)
    if _FIRE.search(question):
        pointers.append(texts.FIRE_POINTER)
    return SafetyCheck("\n".join(pointers), bool(_MEDICAL.search(question)) or bool(pointers))
