"""Safety wording around an answer: the text form of the triage result (the number and the first
steps, shown before anything else) and whether an answer is medical (it then carries a disclaimer)."""

from __future__ import annotations

import re

from bot.engine.triage import Level, TriageResult
from knowledge import texts

_MEDICAL = re.compile(
    r"病|症|药|疫苗|医|血压|血糖|糖尿|癌|肿瘤|感染|发烧|发热|咳嗽|疼|痛|失眠|睡眠|心梗|中风|卒中|"
    r"幽门|抗生素|怀孕|孕妇|婴儿|体检|治疗|中毒|过敏|健康"
)
MEDICAL_TOPICS = {"健康与医学"}
# A sentence that reads like a dose: a figure with a unit of medicine, or "每天三次" style schedules.
DOSE = re.compile(r"\d+(\.\d+)?\s*(毫克|mg|微克|克|g|片|粒|袋|毫升|ml|单位|iu)|"
                  r"每(天|日|次)[一二两三四五六\d]+(次|片|粒)|[一二两三四五六]+(片|粒)", re.IGNORECASE)


def is_medical(question: str) -> bool:
    return bool(_MEDICAL.search(question))


def title(triage: TriageResult) -> str:
    """The one line in bold at the top of the box."""
    aid = triage.first_aid
    if aid and aid.title and triage.level in (Level.EMERGENCY, Level.DANGER):
        return aid.title
    if triage.level == Level.EMERGENCY and aid:
        return texts.SAFETY_EMERGENCY_TITLE.format(label=aid.label, call=aid.call)
    if triage.level == Level.DANGER and aid:
        return texts.SAFETY_DANGER_TITLE.format(label=aid.label, call=aid.call)
    return {Level.SELF_HARM: texts.SELF_HARM_TITLE, Level.HARMFUL_REQUEST: texts.HARMFUL_TITLE,
            Level.PERSONAL_MEDICAL: texts.PERSONAL_MEDICAL_TITLE}.get(triage.level, "")


def message(triage: TriageResult) -> str:
    """Plain text of the safety box (the API's answer starts with it)."""
    if triage.level in (Level.EMERGENCY, Level.DANGER) and triage.first_aid:
        aid = triage.first_aid
        lines = [title(triage) + "。", *(f"{i}. {step}" for i, step in enumerate(aid.steps, start=1))]
        if aid.avoid:
            lines.append(texts.SAFETY_AVOID.format(avoid=aid.avoid))
        return "\n".join(lines)
    if triage.level == Level.SELF_HARM:
        return texts.SELF_HARM_OTHER_MESSAGE if triage.about_other else texts.SELF_HARM_MESSAGE
    if triage.level == Level.HARMFUL_REQUEST:
        return texts.HARMFUL_REFUSAL
    if triage.level == Level.PERSONAL_MEDICAL:
        return texts.PERSONAL_MEDICAL_REFERRAL
    return ""
