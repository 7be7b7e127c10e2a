"""Safety triage: is this message an emergency, a danger, self-harm, a personal medical request or a
request for harm — and which situation — before anything else is said.

A character n-gram model (TF-IDF of 1–3-grams, multinomial logistic regression) trained on the
team's labelled sets (``tests/data/safety/``, three quarters of each; ``scripts/train_triage.py``)
reads everyday and dialect wording, typos and run-ons; a handful of phrases that always mean a life
is at stake are rules on top. The model ships as ``knowledge/triage.npz`` (plain arrays, no pickle)
and costs well under a millisecond per question. The first steps shown for each situation come from
the reviewed first-aid text in ``knowledge/first_aid.yaml``.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import numpy as np
import yaml

import knowledge
from knowledge.normal import fold_key

KNOWLEDGE = Path(knowledge.__file__).resolve().parent
MODEL_PATH = KNOWLEDGE / "triage.npz"
FIRST_AID_PATH = KNOWLEDGE / "first_aid.yaml"
NGRAMS = (1, 2, 3)


class Level(StrEnum):
    EMERGENCY = "emergency"
    DANGER = "danger"
    SELF_HARM = "self_harm"
    PERSONAL_MEDICAL = "personal_medical"
    HARMFUL_REQUEST = "harmful_request"
    NONE = "none"


ALARM_LEVELS = (Level.EMERGENCY, Level.DANGER, Level.SELF_HARM)
# When a message looks like a request for harm but still has this much emergency in it, it is treated
# as the emergency: the costs are not symmetric (a fixed rule, not fitted) ...
ALARM_FLOOR = 0.25
# ... provided it reads at least half as much like an emergency as like a request: "怎么让他在工地上出个意外"
# carries emergency words without anything having happened (a fixed ratio; cross-validated on the work split,
# 5 of 740 alarm rows are refused with it, 4 without it).
ALARM_OVER_HARM = 0.5
# An alarm this unsure is raised only when the message names a person or something happening now: "发烧了要不要
# 捂汗" asks about a topic (a fixed rule; on the work split's cross-validation it removes 4 false alarms and no alarm).
QUIET_ALARM = 0.4
_REPORT = re.compile(r"我|俺|咱|他|她|它|孩子|娃|宝|人|妈|爸|爷|奶|婆|公|哥|姐|弟|妹|儿|女|朋友|同事|邻居|伴|救命|快|"
                     r"现在|刚|突然|正在|一直|还在|火")
# Without a word of harm in it, a message is refused only when the model is this sure (a fixed rule; 0.9
# until session 6, when 0.85 raised cross-validated harmful recall from 0.94 to 0.95).
HARM_SURE = 0.85

# Phrases that mean a life is at stake now, whatever else the message says (each checked against the
# negative set: none of them occurs in an informational question there).
_ALWAYS = [
    # pulled out of water and not right: drowning, also in Cantonese (跌落鱼塘…捞返上嚟…唔识郁)
    (re.compile(r"(掉|跌|摔|落|滑)(进|落|入|咗|下|到)?了?(水|河|塘|池塘|鱼塘|水库|井|泳池|海|湖|水沟|粪坑).{0,16}"
                r"(捞|救|拉|抱)(上|起|返|出).{0,12}(没反应|没返应|冇反应|没有?呼吸|冇呼吸|不动|唔识郁|唔郁|迷糊|昏|"
                r"叫不醒|叫唔醒|吐水|发紫)"),
     Level.EMERGENCY, "drowning"),
    (re.compile(r"(没有?|没了|停止|不)(呼吸|喘气)了|没气了|人没气|叫不醒|喊不醒|唤不醒|不省人事|"
                r"唔识郁|叫唔醒|冇(晒)?(呼吸|气|反应)"),
     Level.EMERGENCY, "cardiac_arrest"),
    # something stuck and the person cannot speak or breathe (哽亲 / 噎住 / 卡喉咙 … 说不出话 / 脸发紫)
    (re.compile(r"(哽|噎|卡)(亲|住|咗|着|到)?了?.{0,12}(讲唔到嘢|讲唔出声|说不出话|说不了话|讲不出话|喘不上气|上不来气|"
                r"吸不上气|唞唔到气|(脸|面|嘴唇)(都|已经)?(憋)?(紫|青|发紫|发青)|咳不出)"),
     Level.EMERGENCY, "choking"),
    # medicine swallowed by mistake or in a handful (当糖吃了 / 吞了半瓶…药 / 药全吃了)
    (re.compile(r"药.{0,8}(当|当成|当作)(糖|零食|钙片|维生素|豆豆|糖豆)(吃|吞|食)"
                r"|(吞|吃|食)(了|咗|落)(好几|几|半|一|整)(粒|颗|片|瓶|板|把|盒)[^，。,]{0,6}药|药(全|都)(吃|吞)(了|咗|落)"),
     Level.EMERGENCY, "poisoning"),
    # how much of something kills: asked this way, the person may be at risk (the crisis message, no figure)
    (re.compile(r"(喝|吃|服|食)(多少|几颗|几片|几瓶|几粒|几多).{0,6}(会死|能死|致死|毒死|死人|就死|会冇命|死得)"),
     Level.SELF_HARM, "self_harm"),
    (re.compile(r"(吞|咽|吃)(下去?|进去?|了)?(一颗|一个|几颗|两颗)?(纽扣|扣式)电池"),
     Level.EMERGENCY, "button_battery"),
    (re.compile(r"(喝|吃|服)了?(一口|半瓶|一瓶|些|点)?(敌敌畏|百草枯|农药|老鼠药|毒鼠强)"),
     Level.EMERGENCY, "poisoning"),
    (re.compile(r"不想活了|活不下去了|想自杀|要自杀|去死了算了|结束自己的生命|割腕|遗书|自残|"
                r"(刀片|小刀|刀子)(划|割)(自己|胳膊|手臂|手腕)|(划|割)(自己|伤自己)"),
     Level.SELF_HARM, "self_harm"),
]
# Asking whether something is safe, works or is true, for the harmful-request check; it lifts a refusal only when
# none of the words of intent is there (a target, hiding it, making or getting the thing, dodging a check).
# Checked on the work split: no harmful row is asked this way without a word of intent; 152 other rows are.
_ASKS_IF_SAFE = re.compile(
    r"(能不能|能否|可不可以|可以|能)(一起|混|掺|同时)|混用|混着用|有用(吗|不|没)|有没有用|管用|真的吗|是真的|"
    r"靠谱吗|安全吗|怎么(洗|去除|去掉|防|预防|避免|退)|咋(洗|防|退)|能退|退回|退款|为什么(危险|有毒|不能)|"
    r"危险吗|有毒吗|防.{0,4}中毒")
_HARM_INTENT = re.compile(
    r"(让|给|往|害|对付|整|搞|弄)(人|别人|别个|佢|对方|他|她|室友|同事|老板|邻居|同学|老婆|老公|婆婆|前任)|对付|报复|"
    r"下药|下毒|弄死|害死|整死|不被|查不出|查不到|神不知鬼不觉|不留|偷偷|悄悄|暗中|"
    r"怎么(做|制|造|弄出|配|搞到|弄到|混出|搞出)|咋(做|制|弄出|搞到|混出)|如何(做|制|造)|自制|制作|制造|提炼|合成|"
    r"哪里(买|搞|弄)|去哪(买|搞|弄)|多少.{0,4}(能|会)(死|晕)|骗过|躲过|逃过|绕过|屏蔽|拆掉|去掉|关掉|失效|"
    r"吹不出|测不出|检不出|造|混过|混在|检测|警察|找不到|毒药|血")
# Small injuries as the writer grades them, and the words that make them not small after all.
_MINOR_SITUATIONS = ("bleeding", "fall_injury")
_MINOR = re.compile(r"一点点|一点血|一点儿血|小口子|小口|擦破|蹭破|破了点皮|破点皮|破皮|划了一下|小伤口|一道口子")
_SEVERE = re.compile(r"止不住|止不了|喷|很多血|好多血|大量|流个不停|一直流|深|骨头|动不了|昏|晕|叫不醒|脖子|头|腰|背")
# a relative or friend named as the one at risk ("想去找他" is the writer's own wish: no noun, not other)
_OTHER_PERSON = re.compile(r"妈|爸|老汉|老公|老婆|媳妇|儿子|女儿|孩子|娃|朋友|同学|室友|同事|闺蜜|哥|姐|弟|妹|奶奶|"
                           r"爷爷|外婆|姥姥|外公|邻居|男友|女友|对象")
_FIRST_PERSON = re.compile(r"我(真的|实在|已经|现在|就是)?(不想活|想死|活着没|撑不下去|想自杀|想结束|想消失|是个累赘|"
                           r"不想拖累|活不下去|想一了百了)")
# A refusal needs words of harm as well as the model's say-so: a refusal of an innocent question costs
# the citizen their answer, and the model alone refused encyclopedia questions ("钩盲蛇怎么认出来").
_HARM_WORDS = re.compile(
    r"毒|下药|迷药|迷晕|弄晕|打晕|弄死|害死|整死|杀|伤人|伤害|报复|绑架|绑个|跟踪|偷拍|车祸|意外|弄残|打残|掐|捅|砍|"
    r"炸|爆|燃烧瓶|雷管|枪|弹弓|钢珠|火药|引信|"
    r"拆掉|拆除|去掉|关掉|屏蔽|绕过|短接|改装|破解|不被查|查不出|不被发现|躲过|神不知鬼不觉|瘦肉精|地沟油|工业盐|冒充|"
    r"保护板|报警器|漏电保护|熄火保护|"
    r"冰毒|大麻|笑气|麻黄碱|海洛因|摇头丸|k粉|吸毒|high|嗨|溜冰|罂粟|止咳水|制毒|贩毒|"
    # everyday ways of saying it (a harm word is only asked for once the model already reads harm)
    r"下点|落药|做手脚|动手脚|放倒|整趴|弄坏|破坏|锯开|拧松|松动|刹车|煤气管|燃气管|电闸|断电|销毁|证据|逃跑|跑路|"
    r"灭口|封口|放火|纵火|点着|烧了|烧掉|踩踏|扔下|抛物|砸|虐|弄瞎|毁容|泼|硫酸|出事|出点事|难受|不留痕迹|痕迹|"
    r"偷偷|悄悄|暗中|报复社会|整他|整她|收拾|教训|让他|让她|弄他|弄她|"
    # session 6, by kind of request rather than by missed row: hiding it, the substances and tools asked for,
    # putting a safeguard out of action, someone else as the target, Cantonese and pinyin spellings
    r"不被|不让人|不遭|唔会畀|查不到|看不出|测不出|吹不出|检不出|发现不了|骗过|蒙混|混过|糊弄|应付过去|躲开|避开|"
    r"逃过|不露馅|顶包|口供|伪造|删干净|擦干净|处理掉|不留|"
    r"氯气|氰|砒霜|铊|汞|亚硝酸盐|农药|老鼠药|泻药|安眠药|迷魂|乙醚|手榴弹|地雷|土雷|tnt|tatp|硝酸铵|子弹|弩|"
    r"电击器|定位器|摄像头|针孔|麻古|鸦片|可卡因|曲马多|羟考酮|地西泮|伪麻黄碱|ghb|lsd|weed|上头|飘|"
    r"电鱼|闹鱼|捕兽夹|下套|粘网|毒饵|象牙|穿山甲|偷猎|盗猎|"
    r"失效|失灵|废了|焊死|堵死|跨过去|拆了|拆咗|剪了|剪断|整哑|解除|屏蔽|"
    r"(让|给|往|害|对付|整|搞)(人|别人|别个|佢|对方)|对付|惩罚|搞垮|整蛊|针对|盯着|怀疑到|不用负责|"
    r"不容易被|被检出|吃不出|喝不出|闻不出|认不出|才像|看着像|像是?意外|"
    r"晕|昏迷|醒不过来|缺氧|窒息|软了|病倒|中招|拉肚子|出大事|要命|失去知觉|摔死|打伤|推倒|"
    r"掺|混进|落喺|塞满|制造混乱|track|without|"
    r"duqi|zhadan|zhayao|xiadu|bingdu|dupin|qiang|miyao")
# "为什么/什么是/怎么预防…" around a rule phrase is a question about it, not a report of it.
_INFORMATIONAL = re.compile(r"为什么|为啥|什么是|是什么|怎么预防|如何预防|怎样预防|原理|一般|新闻|小说|电影")
# A short turn that carries on about the same person or situation ("他现在还是没反应", "然后呢").
_STILL = re.compile(r"他|她|它|孩子|娃|人|还是|现在|仍然|依然|一直|还在|怎么办|咋办|咋整|然后|接下来|要不要|还没")
_SPACE = re.compile(r"[\s\W_]+", re.UNICODE)
# Every run of digits is one symbol to the model: which digits they are says nothing about safety, and as
# n-grams they made a phone number read like a blood-pressure or dose question ("我手机139…" → personal medical).
_DIGITS = re.compile(r"\d+")


def normalise(text: str) -> str:
    """Width, case and punctuation folded: what the rules read."""
    return _SPACE.sub(" ", fold_key(text)).strip()


def feature_text(text: str) -> str:
    """What the n-grams are taken from: the normalised text with each run of digits folded to ``0``."""
    return _DIGITS.sub("0", normalise(text))


def ngrams(text: str) -> Counter[str]:
    s = feature_text(text)
    grams: Counter[str] = Counter()
    for n in NGRAMS:
        for i in range(len(s) - n + 1):
            gram = s[i:i + n]
            if gram.strip():
                grams[gram] += 1
    return grams


@dataclass(frozen=True)
class FirstAid:
    label: str
    call: str
    steps: tuple[str, ...]
    avoid: str = ""
    source: str = ""
    title: str = ""  # replaces the default headline ("请立即拨打 …") where that would be wrong advice
    level: str = "emergency"  # emergency | danger


@dataclass(frozen=True)
class TriageResult:
    level: Level = Level.NONE
    situation: str = ""
    confidence: float = 0.0
    inherited: bool = False  # taken over from the previous turn of the conversation
    first_aid: FirstAid | None = None
    scores: dict[str, float] = field(default_factory=dict)
    about_other: bool = False  # self-harm of someone the writer is with or worried about, not the writer

    @property
    def alarm(self) -> bool:
        return self.level in ALARM_LEVELS

    def as_dict(self) -> dict[str, object]:
        """The API's ``safety`` object."""
        aid = self.first_aid
        return {"level": self.level.value, "situation": self.situation,
                "call": aid.call if aid else "", "steps": list(aid.steps) if aid else [],
                "confidence": round(self.confidence, 3)}


def load_first_aid(path: Path = FIRST_AID_PATH) -> dict[str, FirstAid]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {key: FirstAid(str(v["label"]), str(v["call"]), tuple(str(s) for s in v.get("steps") or ()),
                          str(v.get("avoid") or ""), str(v.get("source") or ""), str(v.get("title") or ""),
                          str(v.get("level") or Level.EMERGENCY.value))
            for key, v in (data.get("situations") or {}).items()}


@dataclass(frozen=True)
class Head:
    """One linear layer: n-gram weights, optional query-embedding weights, intercepts."""

    classes: list[str]
    coef: np.ndarray  # classes × vocabulary
    intercept: np.ndarray
    embedding_coef: np.ndarray | None = None  # classes × embedding dim (already scaled by its weight)


class NgramModel:
    """TF-IDF over a fixed n-gram vocabulary, and linear heads over it (and over the query embedding
    of the embedder it was trained with, when that embedder is the one in use)."""

    def __init__(self, vocab: Sequence[str], idf: np.ndarray, heads: dict[str, Head], embedder: str) -> None:
        self.index = {g: i for i, g in enumerate(vocab)}
        self.idf = idf.astype(np.float32)
        self.heads = heads
        self.embedder = embedder

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        counts = ngrams(text)
        known = [g for g in counts if g in self.index]
        if not known:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        ids = np.array([self.index[g] for g in known], dtype=np.int64)
        tf = np.array([1.0 + math.log(counts[g]) for g in known], dtype=np.float32)
        values = tf * self.idf[ids]
        return ids, values / max(float(np.linalg.norm(values)), 1e-9)

    def probabilities(self, head_name: str, text: str, qvec: np.ndarray | None = None) -> dict[str, float]:
        head = self.heads[head_name]
        ids, values = self.features(text)
        logits = head.intercept.astype(np.float64)
        if len(ids):
            logits = logits + head.coef[:, ids].astype(np.float32) @ values
        if head.embedding_coef is not None and qvec is not None:
            logits = logits + head.embedding_coef @ qvec.astype(np.float32)
        logits = logits - logits.max()
        p = np.exp(logits)
        p /= p.sum()
        return dict(zip(head.classes, (float(x) for x in p), strict=True))

    def contributions(self, head_name: str, text: str, level: str, qvec: np.ndarray | None = None,
                      reference: str = "none") -> tuple[list[tuple[str, float]], float, float]:
        """Why a head leans to ``level`` rather than ``reference`` for this text: each n-gram's share of the
        logit difference (largest first), the query embedding's share and the intercepts' share."""
        head = self.heads[head_name]
        a, b = head.classes.index(level), head.classes.index(reference)
        ids, values = self.features(text)
        inverse = {i: g for g, i in self.index.items()}
        shares = (head.coef[a, ids].astype(np.float32) - head.coef[b, ids].astype(np.float32)) * values
        grams = sorted(((inverse[int(i)], float(v)) for i, v in zip(ids, shares, strict=True)),
                       key=lambda gv: -gv[1])
        embedding = 0.0
        if head.embedding_coef is not None and qvec is not None:
            embedding = float((head.embedding_coef[a] - head.embedding_coef[b]) @ qvec.astype(np.float32))
        return grams, embedding, float(head.intercept[a] - head.intercept[b])

    @classmethod
    def load(cls, path: Path) -> tuple[NgramModel, dict[str, float], str]:
        with np.load(path, allow_pickle=False) as z:
            heads = {}
            for name in ("level", "situation", "level_char", "situation_char"):
                ecoef = z[f"{name}_ecoef"].astype(np.float32) if f"{name}_ecoef" in z else None
                heads[name] = Head([str(c) for c in z[f"{name}_classes"]], z[f"{name}_coef"],
                                   z[f"{name}_intercept"].astype(np.float32), ecoef)
            thresholds = {str(k): float(v) for k, v in zip(z["threshold_names"], z["threshold_values"], strict=True)}
            model = cls([str(g) for g in z["vocab"]], z["idf"], heads, str(z["embedder"]))
            return model, thresholds, str(z["data_hash"])


def data_hash(texts_and_labels: Iterable[tuple[str, str, str]]) -> str:
    """A fingerprint of the training rows, so a test can tell when the shipped model is stale."""
    digest = hashlib.sha256()
    for text, level, situation in sorted(texts_and_labels):
        digest.update(f"{text}\t{level}\t{situation}\n".encode())
    return digest.hexdigest()


def has_harm_words(text: str) -> bool:
    """Does the message hold a word of harm (the condition for a refusal the model is not sure of)?"""
    return bool(_HARM_WORDS.search(normalise(text).replace(" ", "")))  # "zha yao", "下 毒" read as one word


def has_report(text: str) -> bool:
    """Does the message name a person or something happening now (the condition for an unsure alarm)?"""
    return bool(_REPORT.search(normalise(text)))


def decide(p: Mapping[str, float], thresholds: Mapping[str, float], harm_words: bool,
           reported: bool = True) -> tuple[Level, float]:
    """The level and its confidence from the level head's probabilities ``p``, the decision thresholds
    (``alarm``, ``self_harm``, ``harmful_request``, ``personal_medical``), whether the message holds a word
    of harm and whether it names a person or something happening now. The one decision rule: the app and the
    training script's cross-validation both use it."""
    alarm = sum(p[lv.value] for lv in ALARM_LEVELS)
    top_alarm = max(ALARM_LEVELS, key=lambda lv: p[lv.value])
    harm = p[Level.HARMFUL_REQUEST.value]
    if harm >= thresholds["harmful_request"] and (harm >= HARM_SURE or harm_words):
        if alarm >= ALARM_FLOOR and alarm >= ALARM_OVER_HARM * harm:  # a refusal to a real emergency costs more
            return top_alarm, alarm
        return Level.HARMFUL_REQUEST, harm
    if alarm >= thresholds["alarm"] and (reported or alarm >= QUIET_ALARM or top_alarm == Level.SELF_HARM):
        return top_alarm, alarm
    if p[Level.SELF_HARM.value] >= thresholds["self_harm"]:
        return Level.SELF_HARM, p[Level.SELF_HARM.value]
    if p[Level.PERSONAL_MEDICAL.value] >= thresholds["personal_medical"]:
        if alarm >= ALARM_FLOOR:  # "是不是心脏出问题了" with chest pain and a cold sweat is an emergency
            return top_alarm, alarm
        return Level.PERSONAL_MEDICAL, p[Level.PERSONAL_MEDICAL.value]
    return Level.NONE, p[Level.NONE.value]


class Triage:
    """``classify(text)`` for one message; ``for_turn(question, history)`` also lets a follow-up
    ("他现在还是没反应") inherit the emergency of the turn before."""

    def __init__(self, model_path: Path = MODEL_PATH, first_aid_path: Path = FIRST_AID_PATH) -> None:
        self.model, self.thresholds, self.data_hash = NgramModel.load(model_path)
        self.first_aid = load_first_aid(first_aid_path)

    def _aid(self, level: Level, situation: str) -> FirstAid | None:
        if level not in (Level.EMERGENCY, Level.DANGER):
            return None
        return self.first_aid.get(situation) or self.first_aid.get("general")

    def classify(self, text: str, qvec: np.ndarray | None = None, embedder: str = "") -> TriageResult:
        """Triage one message. ``qvec`` is its query embedding from ``embedder``: used when that is the
        embedder the model was trained with, else the n-gram-only heads decide."""
        with_embedding = qvec is not None and embedder == self.model.embedder
        suffix = "" if with_embedding else "_char"
        vec = qvec if with_embedding else None
        p = self.model.probabilities("level" + suffix, text, vec)
        t = {k: self.thresholds[k + suffix] for k in ("alarm", "self_harm", "harmful_request", "personal_medical")}
        harm_words = has_harm_words(text)
        level, confidence = decide(p, t, harm_words, has_report(text))
        normal = normalise(text).replace(" ", "")
        if level == Level.HARMFUL_REQUEST and _ASKS_IF_SAFE.search(normal) and not _HARM_INTENT.search(normal):
            # "84和洁厕灵能不能一起用", "放一盆水能防煤气中毒吗", "菜咋洗才能把农药洗掉": asking whether something is
            # safe or works is what a science service is for; no work-split harmful row is worded this way
            level = Level.NONE
        situation = ""
        for pattern, rule_level, rule_situation in _ALWAYS:
            if not pattern.search(normal) or _INFORMATIONAL.search(normal):
                continue
            if level not in ALARM_LEVELS:
                level, situation, confidence = rule_level, rule_situation, max(confidence, 0.99)
            elif level == rule_level == Level.EMERGENCY and rule_situation != "cardiac_arrest":
                # the words name the emergency better than the model's guess; "not breathing" alone does not
                # (a drowned child is not breathing either: the model's drowning card says more)
                situation = rule_situation
            break
        about_other = False
        if level == Level.SELF_HARM:
            situation = "self_harm"
            about_other = bool(_OTHER_PERSON.search(normal)) and not _FIRST_PERSON.search(normal)
        elif level in (Level.EMERGENCY, Level.DANGER) and not situation:
            sp = self.model.probabilities("situation" + suffix, text, vec)
            wanted = {k: v for k, v in sp.items() if self._level_of(k) == level} or sp
            situation = max(wanted, key=lambda k: wanted[k])
        if (level == Level.EMERGENCY and situation in _MINOR_SITUATIONS and _MINOR.search(normal)
                and not _SEVERE.search(normal)):
            # "流了一点点血", "膝盖擦破点皮": graded small by the writer; the first-aid card for heavy bleeding or a
            # spinal injury (a tourniquet, "don't move him") would be wrong advice, the articles answer it
            level, situation = Level.NONE, ""
        return TriageResult(level, situation, confidence, False, self._aid(level, situation), p, about_other)

    def _level_of(self, situation: str) -> Level:
        """The level a situation belongs to, as its first-aid entry says."""
        if situation == "self_harm":
            return Level.SELF_HARM
        aid = self.first_aid.get(situation)
        return Level(aid.level) if aid else Level.EMERGENCY

    def for_turn(self, question: str, history: Sequence[tuple[str, str]], qvec: np.ndarray | None = None,
                 embedder: str = "") -> TriageResult:
        """Triage a turn of a conversation. During an emergency or a danger (one of the last two turns),
        a short next turn stays in it ("那我能在屋里打电话吗", "我手没劲了") unless it is itself a clear
        emergency of its own or plainly a general question (为什么…); after self-harm, a short turn that
        carries on ("然后呢", "他还是不说话") keeps the self-harm message."""
        result = self.classify(question, qvec, embedder)
        if not history:
            return result
        core = normalise(question).replace(" ", "")
        short = len(core) <= 40
        general = bool(_INFORMATIONAL.search(core)) and not _STILL.search(core)
        own_emergency = result.level in (Level.EMERGENCY, Level.DANGER) and result.confidence >= 0.8
        for earlier, _ in reversed(history[-2:]):
            before = self.classify(earlier)
            ongoing = before.level in (Level.EMERGENCY, Level.DANGER) and short and not general
            carries_on = before.level == Level.SELF_HARM and result.level == Level.NONE and short \
                and bool(_STILL.search(core))
            if (ongoing and not own_emergency) or carries_on:
                return TriageResult(before.level, before.situation, before.confidence * 0.9, True,
                                    before.first_aid, before.scores, before.about_other)
        return result
