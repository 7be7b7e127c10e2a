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
# A situation must have at least this share of the situation head to be shown instead of one not named in the
# message (a fixed rule, session 8).
NAMED_FLOOR = 0.05
# ... and when none is named but the level head is this sure of an emergency, the general card (120, stay on the
# line) is shown rather than nothing: a missed emergency costs more than a general box (a fixed rule, session 8)
GENERAL_SURE = 0.9
# Without a word of self-harm, the self-harm level is given only when the model is this sure: the crisis text
# was shown on weak scores (0.2–0.6) to CT worries and stock tips; indirect phrasings the cue list does not know
# still reach it when the model reads them clearly (a fixed rule, session 8)
SELF_HARM_SURE = 0.9
_HAN = re.compile(r"[\u4e00-\u9fff]")

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
    # asking for a way to die is the person at risk asking (the crisis message, never a refusal)
    (re.compile(r"自杀的?(方法|办法|方式)|怎么自杀|不痛苦?的(死法|自杀|死)|(死|走)得(不痛|没有?痛苦)|"
                r"(烫|烧|掐|咬|撞|饿|折磨|惩罚)自己"),
     Level.SELF_HARM, "self_harm"),
    (re.compile(r"不想活了|活不下去了|想自杀|要自杀|去死了算了|结束自己的生命|割腕|遗书|自残|"
                r"(刀片|小刀|刀子)(划|割)(自己|胳膊|手臂|手腕)|(划|割)(自己|伤自己)"),
     Level.SELF_HARM, "self_harm"),
]
# Evidence of self-harm in the words themselves: dying, not wanting to live, ending it, hurting oneself, the means.
# The self-harm level needs one of these (in the message or the turn it carries on from): on weak scores alone the
# model put the crisis text on CT worries, stock tips and school essays (session 6 judge, pattern 3).
_SELF_HARM_CUE = re.compile(
    r"死|自杀|轻生|寻短见|短见|不想活|唔想活|活不下去|活唔落去|活不成|活着(没|冇|有什么|有啥|干嘛|干啥|还有什么|累)|"
    r"活起(没|莫)|活得(没|好累|太累)|活够|活腻|没(啥|什么|得)?意思|冇意思|没有意义|没意义|撑不下去|撑唔落去|"
    r"撑不住|熬不下去|熬不住|坚持不下去|扛不住|挺不下去|受不了了|拖累|累赘|负担|一了百了|解脱|了结|了断|结束(自己|生命|"
    r"这一切|一切|掉)|消失|不想醒|别醒|唔想醒|不用醒|醒不来就好|离开这个世界|离开这世界|走了算了|去了算了|不想再|"
    r"跳楼|跳河|跳江|跳湖|跳海|跳桥|跳下去|楼顶|天台|桥上|割腕|割手|划手|割自己|划自己|伤害自己|伤自己|打自己|自残|自伤|"
    r"安眠药|攒药|存药|药(都|全|一起)|一把药|整瓶|农药|百草枯|敌敌畏|老鼠药|毒鼠强|上吊|吊死|绳子|烧炭|炭|煤气|"
    r"遗书|遗言|后事|交代|告别|永别|再见了|没有我|冇咗我|不在了|唔在|去陪|去找(他|她|我)|下辈子|投胎|睡过去|"
    r"绝望|没希望|没有希望|冇希望|没盼头|没有盼头|不想面对|不想撑|好累|太累|累了|没用的人|废物|多余|不配|"
    r"想不开|想唔开|不想过|过不下去|过唔落去|没活路|没有活路|不想拖|不如不在|生无可恋|厌世|轻生|"
    # said without a word of dying: the goodbye, the plan, the place, the means ready, others cared for
    r"活落去|捱(唔|不)?落去|坚持不了|没必要活|没脸活|还活着|活着就是|出个意外|是时候结束|结束了吧|想今晚就结束|"
    r"最后一(次|晚|条|封|面|眼)|道别|告别|不会回来|回不来了|另一个世界|那边|我走了|想走了|早点走|安静(静)?地走|就走了|"
    r"已经走了|到头了|准备好了|好多药|一大把药|喝药|吃药了事|了事|不想下去|站在阳台|阳台|栏杆|窗台|往下看|翻过去|窗外|"
    r"[七八九十]楼|江边|河边|撞墙|要飞|关机|打不通|找不到了|晚安世界|对不起|谢谢(你们|大家|这些年|她陪|他陪)|不用担心|"
    r"不用(再)?操心|托付|送人|送完了|写了封信|写好了?信|写在纸上|删了|清空|自己弄的|控制不住|停不下来|浪费空气|"
    r"割|划下去|划了|伤口|拿了刀|刀片|安安静静|想好了怎么做|(烫|烧|掐|咬|撞|饿|折磨|惩罚)自己|"
    r"不活|攒|特别累|"
    # distress said plainly (the model decides; the words only allow it)
    r"不想(再)?(活|在|继续|坚持|醒|存在|待|呆|面对|过)|活着(好|太|真|很)?(累|难|痛苦|辛苦|煎熬)|痛苦|煎熬|崩溃|绝望|"
    r"没(有)?人(在乎|关心|需要|爱|懂)|不被需要|孤独|放弃(了)?自己|无所谓了|没意义|永远离开|不醒|睡下去|吞药|拿刀|"
    r"跳下|身后事|"
    r"zisha|zs|huo\s?le|huoxia|qingsheng|wrist|end\s?it|kill|suicide|die|dying|hurt\s?myself")
# "死" said in jest or in a game: "累死我了", "笑死", "我死了几十次了还没过关" are no evidence of self-harm
_JOKING_DEATH = re.compile(r"(累|笑|热|冷|饿|困|忙|烦|气|吓|丑|美|帅|乐|高兴|开心|难|馋|撑|痒|疼|痛|吵|晒|懒|急|"
                           r"挤|闷|酸)死(我|了|人|啦|掉)?|死了?[一二两三四五六七八九十几百\d]+(次|回|遍)|死机|死循环|死磕|"
                           r"死党|死活|死心眼|要死不活的天气")
# Asking whether something is safe, works or is true, for the harmful-request check; it lifts a refusal only when
# none of the words of intent is there (a target, hiding it, making or getting the thing, dodging a check).
# Checked on the work split: no harmful row is asked this way without a word of intent; 152 other rows are.
_ASKS_IF_SAFE = re.compile(
    r"(能不能|能否|可不可以|可以|能)(一起|混|掺|同时)|混用|混着用|有用(吗|不|没)|有没有用|管用|真的吗|是真的|"
    r"靠谱吗|安全吗|怎么(洗|去除|去掉|防|预防|避免|退)|咋(洗|防|退)|能退|退回|退款|为什么(危险|有毒|不能)|"
    r"危险吗|有毒吗|防.{0,4}中毒|(能|可以|会)(杀死|杀灭|杀掉|消灭|杀)[^，。]{0,4}(寄生虫|虫卵|细菌|病菌|病毒|螨)")
_HARM_INTENT = re.compile(
    r"(让|给|往|害|对付|整|搞|弄)(人|别人|别个|佢|对方|他|她|室友|同事|老板|邻居|同学|老婆|老公|婆婆|前任)|对付|报复|"
    r"下药|下毒|弄死|害死|整死|不被|查不出|查不到|神不知鬼不觉|不留|偷偷|悄悄|暗中|"
    r"怎么(做|制|造|弄出|配|搞到|弄到|混出|搞出)|咋(做|制|弄出|搞到|混出)|如何(做|制|造)|自制|制作|制造|提炼|合成|"
    r"哪里(买|搞|弄)|去哪(买|搞|弄)|多少.{0,4}(能|会)(死|晕)|骗过|躲过|逃过|绕过|屏蔽|拆掉|去掉|关掉|失效|"
    r"吹不出|测不出|检不出|造|混过|混在|检测|警察|找不到|毒药|血")
# Small injuries as the writer grades them, and the words that make them not small after all.
_MINOR_SITUATIONS = ("bleeding", "fall_injury")
_MINOR = re.compile(r"一点点|一点血|一点儿血|小口子|小口|擦破|蹭破|破了点皮|破点皮|破皮|划了一下|小伤口|一道口子|"
                    r"(血|它)?(已经|现在|很快|马上)?(止住|不流|没流)了|止血了|破伤风")
# "头" alone also matched 手指头 / 指头 / 脚趾头 (session 6 judge, N071): the head is named as such
_SEVERE = re.compile(r"止不住|止不了|喷|很多血|好多血|大量|流个不停|一直流|深|骨头|动不了|昏|晕|叫不醒|脖子|"
                     r"(?<![指趾])头(?!发)|脑袋|腰|背")
# a relative or friend named as the one at risk ("想去找他" is the writer's own wish: no noun, not other)
_OTHER_PERSON = re.compile(r"妈|爸|老汉|老公|老婆|媳妇|儿子|女儿|孩子|娃|朋友|同学|室友|同事|闺蜜|哥|姐|弟|妹|奶奶|"
                           r"爷爷|外婆|姥姥|外公|邻居|男友|女友|对象")
# The words a situation's first-aid card is about. The situation model alone read 震 as an earthquake, 血 as heavy
# bleeding, 烧 as a burn and 发烧 as choking (session 6 judge, pattern 4): a card is shown only when the message
# names its situation; when none of the likely cards is named, the message is answered as a question.
_SITUATION_CUES: dict[str, re.Pattern[str]] = {k: re.compile(v) for k, v in {
    "cardiac_arrest": r"呼吸|喘气|没气|出气|叫不醒|喊不醒|唤不醒|叫唔醒|没反应|冇反应|不省人事|唔识郁|不动|倒|晕|昏|"
                      r"心跳|脉|按压|心肺复苏|cpr|aed|除颤|嘴唇|发紫|断气|没知觉|瘫",
    "heart_attack": r"胸|心口|心脏|心梗|心绞痛|心慌|压|闷|左(边)?(手|胳膊|臂|肩)|冷汗|背|牙|喘",
    "stroke": r"嘴|口角|脸|说话|讲话|口齿|舌头|手|腿|脚|半边|一边|一侧|偏|麻|中风|卒中|脑|头|站不稳|看不清|眼|抬不起",
    "choking": r"卡|噎|耶住|哽|堵|呛|吞|咽|喉|气管|果冻|糖|枣|骨|花生|豆|硬币|珠|塞|咳|呼吸|喘|发不出|说不出|哭不出|"
               r"脸.{0,3}(紫|青)|海姆立克|吸不上",
    "bleeding": r"血|割|划|砍|刺|扎|伤口|口子|断|切",
    "burn": r"烫|烧伤|烧到|烧着|灼|开水|热水|热油|油|汤|粥|火|泡|着火|炸|鞭炮|蒸汽|熨|暖|电饭|锅|烙|硫酸|酸|碱|石灰|"
            r"洁厕|溅|皮肤|脱皮|烧(了|得|起|坏|成)",
    "earthquake_trapped": r"地震|震后|余震|震感|震塌|埋|废墟|压在|压住|压着|压了|压扁|困|出不来|塌|垮|堵死|瓦砾|碎石|"
                          r"卡住|卡在|挖|救援|被砸|dizhen|earthquake",
    "button_battery": r"电池|纽扣|扣式|磁|吞|battery",
    "electric_shock": r"电|雷(劈|击|打)|被雷|插座|插头|电线|漏电",
    "mushroom": r"菌|蘑菇|菇|蕈|伞|见手青|牛肝|鸡枞|青头",
    "snake_bite": r"蛇|长虫|she|蝮|竹叶青|银环|五步|烙铁头",
    # a mosquito bite is never one of these cards (session 8 judge: J017, J102)
    "insect_sting": r"蜂|蜇|蛰|蝎|蜈蚣|蚂蚁|蜘蛛|水母|^(?!.*蚊).*(叮|咬|虫)",
    "animal_bite": r"狗|猫|犬|鼠|猴|獒|宠物|^(?!.*(蚊|虫|蜂|蚂蚁|跳蚤|螨)).*(咬|抓|挠)",
    "hypoglycaemia": r"糖|饿|汗|手抖|发抖|哆嗦|心慌|心悸|晕|胰岛素|降糖|二甲双胍|格列|没吃|空腹|饭|乏力|没劲|软",
    # something swallowed or drunk that should not have been, not a question about eating or drinking (J039, J101)
    "poisoning": r"误服|误食|误喝|吃了|喝了|吞了|舔了|咽了|喝下|吃下|吞下|吃错|喝错|灌|中毒|农药|药|洗衣|洗洁精|清洁剂|"
                 r"消毒|漂白|酒精|甲醇|毒|水银|汞|化学|干燥剂|蟑螂|杀虫|除草|老鼠",
    "drowning": r"(掉|落|跌|栽|滑|冲|泡|沉)[^，。]{0,4}水|水里|水中|水库|水塘|水沟|下水|呛水|河|塘|池|海|湖|泳|淹|"
                r"溺|井|江|捞|浴缸|盆|冰窟|拽出",
    "fire": r"火|烟|烧|着了|燃|焦|爆",
    "gas_leak": r"煤气|燃气|天然气|液化气|气罐|漏气|臭鸡蛋|气味|味|阀",
    "flood_debris_flow": r"洪|水|泥石流|山体|滑坡|涨|冲|泥|石头|暴雨|雨|河|沟",
    "fall_injury": r"摔|跌|滑倒|刮倒|砸(到|中|伤)|跳下|掉了|不敢动|坠楼|坠落|栽|楼梯|梯子|脚手架|动不了|起不来|跤|"
                   r"车祸|追尾|撞|(从|自).{0,10}(掉|落|倒)下?|倒(在|地)",
    "carbon_monoxide": r"煤气|燃气|炭|一氧化碳|热水器|煤炉|炉|蜂窝煤|火锅|车库|车里|空调|发电机|暖气|烤火|取暖|门窗|"
                       r"晕|恶心|吐|闷",
    "collapse": r"塌|踏|倒|垮|裂|断|晃|倾斜|歪|下沉|异响|危房|坍|掉|下不来",
    "earthquake_shaking": r"地震|震感|余震|(楼|地|房|床|屋|整栋|整个|桌|灯|柜)[^，。窗玻]{0,4}(震|晃|摇|抖)|晃|摇|"
                          r"震(得|起来)",
    "heatstroke": r"热|烫|晒|太阳|暑|高温|闷|汗|中午|烈日|地里|田|工地|车里|体温|桑拿|军训|爬山|空调|跑步|马拉松",
    # a scam needs a word of one: "家里小孩充游戏花了两千 能退不" is a refund question (session 8 judge, J029)
    "fraud": r"骗|诈|转账|转钱|汇款|打钱|打款|验证码|账户|冻结|公检法|公安|警察|民警|检察|法院|客服|刷单|中奖|共享|"
             r"贷款|征信|返利|投资|理财|领导|通缉|洗钱|保证金|解冻|链接|下载|app|银行|卡号|密码",
    "seizure": r"抽|惊厥|痉挛|翻白|白眼|吐白沫|白沫|发抖|抖|癫痫|羊癫疯|僵|咬舌|咬到舌|牙关",
}.items()}
# ... said as one's own case now (not "冒充公检法诈骗怎么识别")
_FRAUD_NOW = re.compile(r"我|俺|咱|妈|爸|爷|奶|婆|老公|老婆|孩子|儿子|女儿|刚|正在|现在|接到|打来|让我|叫我|要我|"
                        r"咋办|怎么办|咋整|要不要|该不该")
_FRAUD_ASKS = re.compile(r"(怎么|如何|咋|怎样)(辨别|识别|分辨|判断|区分|防|预防|避免)|辨别真假|有哪些套路")
# A scam in progress: a caller posing as police or a bank, a "safe account", a transfer asked for now.
_FRAUD = re.compile(r"安全账户|(自称|冒充|说是|说他是|假冒)(是)?(公安|警察|民警|检察|法院|公检法|银行|客服|领导|老师|"
                    r"快递)|"
                    r"涉嫌(洗钱|犯罪|诈骗|违法)|洗钱|资金(清查|核查|审查)|(让|叫|要)我(把钱)?(转账|汇款|打钱|转钱|转到|转给|"
                    r"把钱转|下载|开(共享|屏幕)|共享屏幕|报验证码|说验证码)|通缉令|逮捕令|冻结(我的)?(账户|银行卡|卡)|"
                    r"刷单.{0,8}(转|垫付|充值)|(已经|刚)?(被骗|上当)了?.{0,8}(转|汇|打)了|(解冻|激活|保证|验资)(费|金)|"
                    r"(卡|账户)(被|已经?|给)冻结|(要|让|叫)[^，。]{0,6}(打钱|打款|汇钱|转钱)|说是我?(的)?领导")
# ... and the one asked is the target ("让我把验证码报给他": 给他 is no intent to harm anyone; session 8 judge, J030)
_FRAUD_VICTIM = re.compile(r"(让|叫|要|逼|催)我|问我要|找我要|跟我要")
# pesticide or paraquat drunk: self-poisoning is common, the poisoning card then carries the crisis line too
_PESTICIDE = re.compile(r"百草枯|敌敌畏|敌百虫|乐果|农药|除草剂|杀虫剂|老鼠药|鼠药|毒鼠强|草甘膦|甲胺磷")
# a gas smell with someone collapsed: the person needs air, 120 and CPR, not only the gas-leak card
_COLLAPSED = re.compile(r"晕倒|晕过去|晕了|倒在|倒地|昏迷|昏过去|叫不醒|喊不醒|叫唔醒|没反应|冇反应|不省人事|不动了|"
                        r"没有?呼吸|没气|迷迷糊糊|意识不清|起不来|(躺|趴|瘫|睡)(在)?(地|床|沙发)|人躺着|一动不动")
# A referral needs a person, a report or a dose in the message: "阿莫西林是什么药" asks about a drug in general.
_PERSONAL_CONTEXT = re.compile(r"我|俺|咱|偶|本人|自己|妈|爸|老汉|老伴|老公|老婆|媳妇|爱人|孩子|娃|宝|儿子|女儿|闺女|"
                               r"爷|奶|婆|公公|外公|姥|家里|家人|朋友|同事|他|她|佢|报告|化验|单子|检查|指标|结果|片子|"
                               r"\d|[一二两三四五六七八九十半]+(片|粒|颗|袋|支|次|毫|克|天|个月|年)|剂量|多少(毫|片|粒|ml)|"
                               r"几(片|粒|颗|次)|一天|每天|天天|一直在吃|吃了|在吃|停药|停了|加量|减量|怀孕|孕|哺乳|喂奶")
# A referral is for a request about THIS person's dose, report, diagnosis, prescription, stopping or combining their
# medicine; a standard or a fact asked for them is a science question ("俺爹量血压140/90算不算高血压", "抗生素是不是
# 消炎药", "我今年35了HPV疫苗还能打不": session 8 judge, pattern 4). Checked on the work split: no labelled referral
# has a word of the first kind without one of the second; on the old cross-validated scores it answers 7 of the 17
# negatives referred and loses no referral (a fixed rule, session 9).
_GENERAL_FACT = re.compile(
    r"算不算|算是|算高|算正常|正常(吗|不|么|没)|高不高|偏高(吗|不)|标准|多少(才)?算|"
    r"是不是[^ ]{0,6}(药|病)|是什么|什么是|区别|一回事|"
    r"(能不能|能|可以|还能)打.{0,6}疫苗|疫苗.{0,8}(能不能|还能|能|可以)打|"
    r"吃盐|盐|补钙|补铁|吃什么好|吃啥好|有什么用|有啥用|"
    r"真的假的|靠谱|站得住|(看|挂)(哪个|什么|啥)科|需要多少")
# (session 9, round 3: 行不行, 行吗, 是真的吗, 够不够, 几岁, 多大 and 能吃吗 were cut from it: they are as often
# asked about one's own dose or medicine as about a standard; held-aside referral recall had fallen 0.957 → 0.940)
_OWN_CASE = re.compile(
    r"几片|几粒|几颗|几袋|几支|(吃|喝|冲|用|服|补|打)(多少|几)|"
    r"[一二两三四五六七八九十半整\d]+(片|粒|颗|袋|支|滴)|够不够量|(的|药)量|"
    r"量(够|多|少|大)|剂量|用量|加量|减量|加到|减到|加药|减药|单位|毫克|mg|微克|iu|"
    r"毫升|ml|化验|报告|检查单|单子|片子|结果|心电图|b超|ct|彩超|指标|\d+\.\d|"
    r"帮我看|帮忙看|看看我|看一下|得了什么|什么病|诊断|是不是(已经)?(得|的)了|是不是已经|"
    r"会不会是|开(点|个|些)?药|开什么|"
    r"(吃|用|买|抹|涂|擦|点)(什么|啥|哪种|哪个)[^ ]{0,4}(药|水|膏)|要不要吃药|停|"
    r"不吃了|不想吃[^ ]{0,6}药|断药|换药|换成|一起吃|同时吃|一块吃|混着吃|一起用|同时用|"
    r"冲突|相克|在吃|吃着|在用|引起|导致|副作用|喂|个月")
# Asking to have one's own report read or a medicine prescribed is a referral even when the model misses it
# ("帮我看看化验单"; on the work split only referrals are worded this way)
_READ_MY_REPORT = re.compile(r"(帮|给|替)(我|俺|咱|忙|我们)?(看|瞧|读|解读|分析|解释)(一?下|看|看看)?[^ ]{0,8}"
                             r"(化验单|化验结果|报告|检查单|单子|片子|结果|心电图|b超|ct|彩超|指标|血常规|尿常规)|"
                             r"(帮|给)(我|俺|我妈|我爸)[^ ]{0,4}开(点|个|些|盒|副)?[^ ]{0,4}药|"
    # asked to diagnose: "你看我是不是有心脏病" (session 9, round 3)
    r"你(看|说|帮我看|给我看|判断一下)[^ ]{0,2}(我|俺|他|她|孩子|我妈|我爸)[^ ]{0,2}(是不是|会不会|是否)(得了|有|患了)"
    r"[^ ]{0,6}(病|癌|炎|症|瘤)")
# A small burn as the writer grades it (a red patch, no blisters), and what makes a burn serious after all
_MINOR_BURN = re.compile(r"红了?一?小块|一小块|一小片|一点点|一下下|不起泡|没起泡|没有起泡|没(有)?起水泡|不(起|长)水泡|"
                         r"没(有)?水泡|轻轻(烫|碰)|就红了|只是红|有点红|红红的")
_SEVERE_BURN = re.compile(r"大面积|一大片|大片|(?<![不没有])(起|鼓|长)(了)?(好多|很多|大)?(水)?泡(?![吗么])|"
                          r"半(个|条|边)|整(个|条|只)|脸|眼|嘴|喉|下身|关节|黑|焦|发白|化学|硫酸|碱|石灰|电|浑身|全身|"
                          r"皮掉|脱皮|烂|深")
# The general card (no situation named) needs a word of someone hurt or in trouble: "外头打雷好响 娃吓哭了 在屋头安不
# 安全" names no danger (session 8 judge, J100)
_TROUBLE = re.compile(r"救命|救救|快来|快点|不行了|出事|受伤|伤|血|疼|痛|喘|呼吸|晕|昏|吐|抽|烧|烫|摔|跌|撞|压|困|"
                      r"倒|不动|没反应|冇反应|发紫|发青|肿|中毒|吞|咽|卡|噎|着火|火|烟|爆|炸|漏|塌|淹|冲走|电|咬|蜇|"
                      r"冷汗|麻|说不出|站不起|起不来|醒|心跳|脉|急|危险|不对劲|不舒服|难受|送医|医院|120")
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
    r"duqi|zhadan|zhayao|xiadu|bingdu|dupin|qiang|miyao|"
    # session 8, from the work split's cross-validated misses: tampering with a device, hiding a test, a target
    # made ill or shut in (5-fold: harmful recall 0.941 → 0.951, refused negatives 1.48 % → 1.48 %)
    r"动点手脚|手脚|剪(哪|那|几)根.{0,2}线|铜丝|压(块|一块|上)砖|盖掉|掩盖|生病|吓唬|卡住|起火|堵上|焊上|关在|锁在|"
    # session 9, by kind of request (checked on the work split: none of these is in a negative there): something put
    # into another person's drink or food, a device silenced, not being found out, an animal killed, a drug extracted
    r"(往|在|给|朝)(她|他|别人|人家|对方|佢)的?[^，。 ]{0,4}(饮料|奶茶|酒|水|杯|饭|汤|茶|菜|碗|咖啡|食物|外卖)|"
    r"(加|放|倒|撒|掺)(进|到|在)?(别人|他家|她家|人家)|(让|叫)(它|他|她)?(不响|不叫|别响|别叫|一直开|不切)|假插头|罩住|"
    r"(会不会|不会|才不会|不能)被(查|发现|看出|认出)|熏(他|她|死|晕)|死光|(吃|喝)了就死|药死|提取|提出来|"
    r"烫(邻居|别人|他|她|猫|狗)|不会马上发作|慢慢(病|垮|死|不行)")
# Something poisonous swallowed by a person, or drink that left someone unrousable (session 9: the old model gave a
# desiccant the button-battery card and missed rat poison licked by a toddler). A pet that ate it is not this rule's
# case: the message must name a person (checked on the work split: it then hits no negative).
_SWALLOWED = re.compile(
    r"(吞|吃|喝|舔|咽|咬)(了|下|进|下去|进去|破)?[^，。 ]{0,8}(干燥剂|蚊香|洗衣液|洗衣凝珠|凝珠|消毒水|消毒液|84|漂白|"
    r"洁厕|汽油|煤油|柴油|杀虫剂|除草剂|老鼠药|鼠药|亚硝酸盐|甲醇|假酒|水银)|"
    r"(干燥剂|蚊香|洗衣液|凝珠|消毒水|消毒液|84|漂白|洁厕|汽油|煤油|杀虫剂|除草剂|老鼠药|鼠药|亚硝酸盐)[^，。 ]{0,8}"
    r"(当|当成|当作)?[^，。 ]{0,4}(吃|喝|吞|舔)(了|下|进)|"
    r"喝酒[^，。]{0,12}(叫不醒|喊不醒|不省人事|呼吸(很|好|特别)?慢|嘴唇发紫|浑身发冷)")
_SWALLOWER = re.compile(r"娃|孩子|宝|儿子|女儿|闺女|孙|爸|妈|爷|奶|婆|公|哥|姐|弟|妹|我|俺|他|她|老人|同事|朋友|邻居|"
                        r"老汉|老头|老太")
# "为什么/什么是/怎么预防…" around a rule phrase is a question about it, not a report of it.
_INFORMATIONAL = re.compile(r"为什么|为啥|什么是|是什么|怎么预防|如何预防|怎样预防|原理|一般|新闻|小说|电影")

# --- session 9, round 3 (issue 11, the fresh set's work-split misses): each a rule stated by kind, not by row ---
# Self-harm said without a word of it: high up and looking down "没那么可怕", the head kept under water and not
# coming up, not wanting to wake up, wanting to vanish, "一了百了". A sweet dream one does not want to wake from, being
# embarrassed enough to vanish, are idioms (``_NOT_SELF_HARM``).
_INDIRECT_SELF_HARM = re.compile(
    r"(楼顶|天台|顶楼|楼边|桥上|桥边|阳台|窗台|栏杆|悬崖|崖边|高处|[十二三四五六七八九\d]+楼)[^。]{0,16}"
    r"(往下看|看下去|看下面|往下望|跳下去|跳下|下面)[^。]{0,12}(没那么可怕|没有那么可怕|不可怕|也不可怕|不怎么可怕|"
    r"不害怕|不怕了|也不怕|不吓人|好平静|挺平静|很平静|好安静|挺安静|好像也行|也挺好|想跳|想下去)|"
    r"(埋|沉|泡|按|浸|闷)(进|在|到|入)?[^，。]{0,4}水[^，。]{0,4}(里|中|下)?[^，。]{0,4}"
    r"(不出来|不起来|不上来|不再上来|别上来|不想上来|不想出来|再也不)|"
    r"(睡|闭上眼|闭眼)[^，。]{0,6}(就|再也)?(别|不要|不用|不会|不想)(再)?醒(来|过来)?|不想(再)?醒(来|过来)|再也不(用)?醒|"
    r"想(就这样|从这个世界上?|永远|彻底)?消失|消失(了|掉)?(对谁都好|就好了|算了|最好)|"
    r"想一了百了|一了百了(算了|吧|得了)|(死|走|跳|睡)[^，。]{0,6}一了百了")
# ... idioms and what is plainly not about the writer now: a dream, embarrassment, laughter
_NOT_SELF_HARM = re.compile(r"梦|尴尬|社死|原地消失|丢人|丢脸|害羞|羞|哈哈|hh|开玩笑|闹钟|赖床|懒觉|周末|假期|放假")
# "尴尬得想原地消失": embarrassment, once the vanishing is taken out no word of self-harm is left
_EMBARRASSED = re.compile(r"尴尬|社死|原地消失|丢人|丢脸|害羞|羞死|难为情")
_VANISH = re.compile(r"(原地|想|立刻|马上)?消失")
# The words that make a story with no emergency in it one after all ("刚才呛了现在嘴唇发紫"): a past, resolved, dreamed,
# played or joking event is no alarm unless one of these is in the message.
_DANGER_NOW = re.compile(
    r"发紫|发青|青紫|没反应|冇反应|叫不醒|喊不醒|没(有)?呼吸|没气|喘不上|喘不过|上不来气|吸不上气|说不出话|抽搐|抽筋了|"
    r"昏迷|昏过去|晕倒|晕过去|昏倒|不省人事|莫得气|不出声|没声音|不哭了|不动了|止不住|好多血|很多血|大量|血流不止|吐血|便血|动不了|起不来|站不起|"
    r"着火了|还在(烧|流|抽|吐|冒|漏|晃)|一直(吐|流|抽|咳|喘)|越来越|又(开始|来了)|又(疼|痛|喘|晕)|救命|快来|"
    r"嘴歪|口角歪|说话不清|口齿不清|半边|一侧|手脚(发)?麻|胸(口)?(痛|疼|闷)|胸闷|左(胳膊|臂|肩)|冷汗|"
    r"还卡着|还在卡|咽不下|吞不下|流口水|肿起来|肿了|呼吸困难|送医|急诊|120|110|119")
_PAST = re.compile(r"小时候|去年|前年|那年|几年前|多年前|\d+年前|[一二两三四五六七八九十几]年前|曾经|当年|那时候|"
                   r"[一二两三四五六七八九十几半\d]+个?(月|星期|礼拜|周)(以)?前|上个?月|上个?(星期|礼拜)|上周|"
                   r"那会儿|读书的时候|上学的时候|年轻的时候|以前(我|有一次|有次|家里)")
_EVENT_NOW = re.compile(r"刚|今天|今早|今晚|正在|突然|马上|现在(?!还怕|都怕|还是怕|还有点怕|想起)")
_DREAM = re.compile(r"梦见|梦到|做梦|噩梦|梦里|做了个梦|梦中|美梦|好梦")
_PLAY = re.compile(r"密室逃脱|剧本杀|狼人杀|桌游|(游戏|电视剧|电影|动画|动漫|小说|剧|戏)(里|中|里面)|关卡|npc|"
                   r"拍戏|演戏")
# ... for a refusal, the game must be played or acted, not a pretext for the method ("写小说需要…具体怎么配比例")
_WOKE_TO_IT = re.compile(r"醒来(发现|闻到|看到|一看)|醒了(发现|闻到)|真的(着火|有人|在)|现实(中|里)|不是梦|以为|还在|"
                         r"晃醒|吵醒|惊醒")
_PLAY_ONLY = re.compile(r"演|表演|设计|剧情|台词|人设|推理|线索|怎么玩|玩法|机制|通关|好玩")
_METHOD_DETAIL = re.compile(r"配方|比例|配比|剂量|多少(克|毫|ml|片)|具体(怎么|步骤|做法|配)|现实|真实|真的能|真能|"
                            r"能不能真|步骤|原料|材料|哪里买|去哪买")
_RESOLVED = re.compile(r"就好了|好多了|没事了|不疼了|不痛了|缓过来了|缓解了|(应该|可能|好像|估计)(已经)?(咽|吞)?下去了|"
                       r"恢复了|恢复正常|已经好了|现在好了")
_RESOLVED_SITUATIONS = ("choking", "heart_attack", "heatstroke", "hypoglycaemia", "fall_injury", "bleeding", "burn",
                        "general", "drowning", "cardiac_arrest")
# Said in anger or for a laugh; masked before the harm words are read again ("气炸了" is no explosive)
_IDIOM = re.compile(r"气死|气炸|气疯|气得|灵魂出窍|想死的心都有了?|笑死|吓死(我|了|人)?|吓(了)?一(大)?跳|"
                    r"辣死|酸死|香死|塌房")
_LIGHT = re.compile(r"哈哈|hh|开玩笑|有没有.{0,8}(方法|办法)|为什么|为啥|原理|怎么(提高|改善|缓解|预防)|"
                    r"有啥影响|有什么影响")
# Chili on the hands "火辣辣的疼" is no burn; a real burn word still makes it one
# "辣椒素为啥会让人出汗": a cause asked about, no one made to suffer
_CAUSATIVE = re.compile(r"(会|能|容易|为啥|为什么|怎么)让人")
# Caring for a graze the writer calls small, or asking how to measure right, is a science question (no referral)
_WOUND_CARE = re.compile(r"(涂|抹|擦|贴|用|上)(点)?(碘伏|酒精|红药水|紫药水|创可贴|药膏|云南白药|双氧水|盐水)")
_DOSE_ASKED = re.compile(r"几片|几粒|几颗|(吃|喝|用|服)(多少|几)|剂量|用量|加量|减量|停药|换药")
_TECHNIQUE = re.compile(r"有啥讲究|有什么讲究|(怎么|咋|如何)(绑|量|测)(才|得)?准|正确的?(量法|测法|方法|姿势)")
_CHILI = re.compile(r"辣椒|小米辣|朝天椒|辣得|辣到|切辣")
_REAL_BURN = re.compile(r"石灰|烫|开水|热水|热油|油溅|着火|烧伤|烧着|化学|硫酸|酸|碱|电|起泡|水泡|起了泡")
# Harmless things swallowed ("口香糖咽下去了会粘住吗"): a question, unless the throat is blocked
_HARMLESS_SWALLOWED = re.compile(r"口香糖|泡泡糖|西瓜籽|葡萄籽|橘子籽|苹果籽|西瓜子")
# A smell said not to be gas
_NOT_GAS = re.compile(r"不是(煤气|燃气|天然气|液化气)(的)?(味|气味|泄漏|漏)|没有(煤气|燃气)味")
_GAS_SURE = re.compile(r"臭鸡蛋|漏气|泄漏|嘶嘶|阀门坏")
# A question about how scams work ("公安会打电话让人转账到安全账户吗"), not a call being taken now
_FRAUD_QUESTION = re.compile(r"(会|会不会|是不是|有没有|真的会|可能)[^。]{0,24}(吗|么|嘛|不|没有)$")
_FRAUD_HAPPENING = re.compile(r"我|俺|咱|妈|爸|爷|奶|老公|老婆|刚|正在|现在|接到|打来|打给|发来|收到")
# A quake that has stopped and hurt no one is a question (the judge's J104, the fresh set): what still makes it one
_QUAKE = re.compile(r"地震|震|晃|摇")
_QUAKE_STOPPED = re.compile(r"(不|没(有)?|没再)(晃|摇|震)了|(震|晃|摇|地震)[^，。,]{0,3}(停(了|下来|住)|过去了)|"
                            r"晃完|震完|摇完|已经停")
# Judge9: a skipped heartbeat asked about, a compress for a sprain, a lawsuit: no alarm, no refusal.
_SKIPPED_BEAT = re.compile(r"漏(了)?一拍|漏跳|早搏|咯噔一下|心慌|心悸|偶尔.{0,4}(快|乱)")
_CHEST_NOW = re.compile(r"胸(口|前)?[^，。]{0,4}(痛|疼|闷|压|憋)|冒冷汗|喘不上|晕倒|倒地|没(有)?(呼吸|反应)")
_COMPRESS = re.compile(r"(热|冷|冰)敷")
_HEAT_WORDS = re.compile(r"中暑|高温|暴晒|晒|闷热|热射病|体温")
_LAWFUL = re.compile(r"起诉|打官司|(找|请)律师|上法院|法院|仲裁|投诉|调解|维权|走法律")
_QUAKE_NOW = re.compile(r"(正在|还在|在)(晃|摇|震)|震得|晃得|摇得")
_QUAKE_HURT = re.compile(r"受伤|伤|被困|困住|困在|压(住|着|在|倒)|埋|塌|出不来|流血|血|骨折|晕|昏|叫不醒|起火|着火|火|"
                         r"煤气味|燃气味|漏气|闻到|还在(晃|震|摇)|又(晃|震|摇)|又开始|余震来了|裂了大|救命|没反应")
# Asking how to help someone who speaks of dying, with nothing happening now: the reviewed answer for helpers
# (talk, do not leave him alone, 12356, 120/110) answers it; a person at risk now keeps the crisis message
_HELPING = re.compile(r"(咋|怎么|如何|怎样)(帮|劝|开导|安慰|陪|沟通|跟(他|她)(聊|说))|(该|应该|要)(怎么|咋)做|"
                      r"(要不要|能不能|该不该|可不可以)(直接)?问(他|她)|怎么问(他|她)")
_HELPED = re.compile(r"他|她|朋友|孩子|身边的人|家人|家里人|同学|同事|室友|儿子|女儿|老公|老婆|妈|爸|老人")
_AT_RISK_NOW = re.compile(r"现在|刚刚|刚才|正在|已经|今晚|今天|马上|天台|楼顶|河边|江边|桥上|阳台|窗台|一个人在|关在|"
                          r"锁|站在|往.{0,4}走|喝了|吃了|割|药|刀|绳|遗书|告别|联系不上|打不通|不见了|找不到|我也|"
                          r"血|再见|照片|发了|消息|跳|死")
# Jumping in to save someone is no self-harm ("小伙伴掉水里了 我能跳下去救不")
_RESCUE_JUMP = re.compile(r"跳(下去|下水|进去|进水里|到水里|下河|进河)?(去)?救")
# Asking how to deal with an exposure, rescue someone, recognise bad food, use food safely, keep static or dirt off
# oneself: the curated science answers (session 9 regression) and no request for harm, unless a target or hiding
# is named (``_AIMED``)
_HELP_ASKED = re.compile(
    r"(沾|溅|碰|弄|洒|喷)(到|在|上)[^，。]{0,6}(怎么|咋|如何)(办|弄|处理|洗)|(吸|闻)(进|入|到)了?[^，。]{0,8}"
    r"(怎么|咋|如何|怎样)(办|处理|弄)|(头晕|难受|不舒服|恶心)[^，。]{0,4}(怎么办|咋办|咋整)|"
    r"中毒[^，。]{0,12}(第一步|先做什么|怎么救|施救|急救|去医院|带(上)?什么)|施救|急救|送(医院|医)前|"
    r"还能吃|能不能吃|(能|还能)(吃|用)(不|吗|么|嘛)$|反复用|用几(次|回)|能用几|"
    r"(认|分辨|辨别|识别|鉴别)得?出来(不|吗|么|嘛)?|(怎么|如何|咋)(分辨|辨别|识别|鉴别)|"
    r"(怎样|怎么|咋个?|如何)(才能?|才可以|能|可以)?不被(静电|电到|电|蚊子|晒|蜇|咬)|静电|"
    r"(水垢|污渍|油渍|油污|茶垢|锈|霉斑|异味)[^，。]{0,8}(去掉|去除|除掉|洗掉|清除)|"
    r"(去掉|去除|除掉|洗掉|清除)[^，。]{0,4}(水垢|污渍|油渍|油污|茶垢|锈|霉斑|异味)|"
    r"伏地|遮挡|手抓牢|避震|亚硝酸盐(最少|最低|含量)|(减少|降低|去除)[^，。]{0,4}亚硝酸盐")
_AIMED = re.compile(
    r"(给|往|害|对付|整|搞|弄|喂|电)(人|别人|别个|佢|对方|他|她|室友|同事|老板|邻居|同学|老婆|老公|婆婆|前任)|"
    r"让(别人|别个|佢|对方|他|她|室友|同事|老板|邻居|同学|老婆|老公|婆婆|前任)|对付|报复|下药|下毒|弄死|害死|整死|毒死|查不出|查不到|神不知鬼不觉|偷偷|悄悄|暗中|不被(发现|查|看出|认出|知道)|"
    r"不会被|才不会|整垮|搞垮|一个人|吓唬|吓吓|教训|假|伪造|冒充|卖给|卖出去|卖钱|多赚|回收|掺|混进|加进|提炼|制作|制造|哪里(买|搞|弄)|去哪(买|搞|弄)")
# Requests for harm the model read as an emergency or a question (the fresh set's work split): a way of hurting asked
# about with the wish to frighten or punish someone, starting a wildfire, a false identity on the run, bird nets
_SCARE_INTENT = re.compile(r"我(就|是|只是|就是)?(想|要|准备|打算|想要)(去|来)?(吓唬|吓吓|吓一吓|吓一下|教训|报复|收拾|"
                           r"整整|整一下|给[^，。]{0,6}(颜色|教训))")
_HURT_METHOD = re.compile(r"掐|勒|捂|闷|泼|点(了|着|火|燃)|烧|推|砸|撞|电|毒|药|刀|棍|打晕|弄晕")
_EFFECT_ASKED = re.compile(r"多久|多长时间|几分钟|几秒|多大|多少|会不会|能不能|怎么|咋|从哪|哪个方向|最快|最多|最大")
_HARM_ACTS = re.compile(
    r"(烧山|烧林子|烧树林|烧林|放火|纵火|点火烧)[^。]{0,16}(从哪|哪个方向|哪里|怎么|最快|最旺|蔓延|不被)|"
    r"(点火|点燃)[^。]{0,8}(蔓延|烧)得?最(快|旺|大)|"
    r"(办|做|搞|弄|买|刻|造)[^，。]{0,3}(个|张|本)?假(的)?(身份证|证件|护照|驾照|户口本|车牌)|"
    r"假(身份证|证件|护照|驾照)[^，。]{0,6}(哪里|怎么)(办|做|买|搞)|被通缉[^。]{0,12}(躲|逃|出省|出境|跑|藏)|"
    r"(张网|挂网|支网|拉网|粘网|鸟网|雾网|捕鸟|抓鸟|逮鸟|打鸟|套鸟|网鸟)[^。]{0,20}(怎么|多大|最多|一次|哪里|粘住)")
_HARM_ACTS_ASKED_ABOUT = re.compile(r"辨别|识别|认出|分辨|真假|查验|举报|犯法吗|违法吗|判几年|怎么判|防止|预防|扑灭|"
                                    r"灭火|逃生|保护|救助|拆除|(看到|发现|碰到|遇到)有人|有人在|受伤的|咋办|"
                                    r"怎么办(?![个张本假])")
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


def has_self_harm_cue(text: str) -> bool:
    """Does the message hold a word of self-harm (the condition for the self-harm level)?"""
    masked = _RESCUE_JUMP.sub("", _JOKING_DEATH.sub("", normalise(text).replace(" ", "")))
    return bool(_SELF_HARM_CUE.search(masked))


def has_report(text: str) -> bool:
    """Does the message name a person or something happening now (the condition for an unsure alarm)?"""
    return bool(_REPORT.search(normalise(text)))


def decide(p: Mapping[str, float], thresholds: Mapping[str, float], harm_words: bool,
           reported: bool = True, self_harm_cue: bool = True) -> tuple[Level, float]:
    """The level and its confidence from the level head's probabilities ``p``, the decision thresholds
    (``alarm``, ``self_harm``, ``harmful_request``, ``personal_medical``), whether the message holds a word
    of harm, whether it names a person or something happening now and whether it holds a word of self-harm
    (without one, the self-harm level is not given; its share still counts towards an alarm). The one decision rule:
    the app and the training script's cross-validation both use it."""
    self_harm_cue = self_harm_cue or p[Level.SELF_HARM.value] >= SELF_HARM_SURE
    # the self-harm share still counts towards an alarm ("流了一点点血以后就止不住了" reads a little like both);
    # without a cue the alarm raised is the emergency or danger, whose card must then be named in the message
    alarm = sum(p[lv.value] for lv in ALARM_LEVELS)
    levels = ALARM_LEVELS if self_harm_cue else (Level.EMERGENCY, Level.DANGER)
    top_alarm = max(levels, key=lambda lv: p[lv.value])
    harm = p[Level.HARMFUL_REQUEST.value]
    if harm >= thresholds["harmful_request"] and (harm >= HARM_SURE or harm_words):
        if alarm >= ALARM_FLOOR and alarm >= ALARM_OVER_HARM * harm:  # a refusal to a real emergency costs more
            return top_alarm, alarm
        return Level.HARMFUL_REQUEST, harm
    if alarm >= thresholds["alarm"] and (reported or alarm >= QUIET_ALARM or top_alarm == Level.SELF_HARM):
        return top_alarm, alarm
    if self_harm_cue and p[Level.SELF_HARM.value] >= thresholds["self_harm"]:
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
        normal = normalise(text).replace(" ", "")
        level, confidence = decide(p, t, harm_words, has_report(text), has_self_harm_cue(text))
        if level == Level.PERSONAL_MEDICAL and not _PERSONAL_CONTEXT.search(normal):
            # "hpv疫苗男的能打吗": a question about a drug or vaccine in general, not about someone's own case
            level, confidence = Level.NONE, p[Level.NONE.value]
        if level == Level.PERSONAL_MEDICAL and _GENERAL_FACT.search(normal) and not _OWN_CASE.search(normal):
            # "俺爹量血压140/90算不算高血压": a standard or a fact, asked for someone, is still a science question
            level, confidence = Level.NONE, p[Level.NONE.value]
        if level == Level.PERSONAL_MEDICAL and not _DOSE_ASKED.search(normal) and (
                (_MINOR.search(normal) and _WOUND_CARE.search(normal)) or _TECHNIQUE.search(normal)):
            # "膝盖蹭破点皮 已经不流血了 要不要涂碘伏", "绑袖带有啥讲究": first care of a graze, how to measure
            level, confidence = Level.NONE, p[Level.NONE.value]
        if level == Level.NONE and _READ_MY_REPORT.search(normal) and not _INFORMATIONAL.search(normal):
            # "帮我看看化验单": reading someone's own report is for a doctor, whatever the model says
            level, confidence = Level.PERSONAL_MEDICAL, max(p[Level.PERSONAL_MEDICAL.value], 0.9)
        if level == Level.HARMFUL_REQUEST and _ASKS_IF_SAFE.search(normal) and not _HARM_INTENT.search(normal):
            # "84和洁厕灵能不能一起用", "放一盆水能防煤气中毒吗", "菜咋洗才能把农药洗掉": asking whether something is
            # safe or works is what a science service is for; no work-split harmful row is worded this way
            level = Level.NONE
        unidiomatic = _CAUSATIVE.sub("", _IDIOM.sub("", normal))
        if level == Level.HARMFUL_REQUEST and (
                (_HELP_ASKED.search(normal) and not _AIMED.search(normal))
                # a game or a role played, not a pretext for the method ("剧本杀里我演下毒的凶手 怎么演得像")
                or (_PLAY.search(normal) and _PLAY_ONLY.search(normal) and not _METHOD_DETAIL.search(normal))
                or (_DREAM.search(normal) and not _AIMED.search(normal))
                # the only harm word was in an idiom ("气炸了", "辣到灵魂出窍") and the model is not sure
                or (_IDIOM.search(normal) and not has_harm_words(unidiomatic)
                    and (p[Level.HARMFUL_REQUEST.value] < HARM_SURE or _LIGHT.search(normal)))):
            # asking how to treat an exposure, rescue, recognise bad food or keep static off (session 9, round 3)
            level, confidence = Level.NONE, p[Level.NONE.value]
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
        if (_SWALLOWED.search(normal) and _SWALLOWER.search(normal) and not _INFORMATIONAL.search(normal)
                and not _ALWAYS[1][0].search(normal)  # not breathing: the model's card (CPR) comes first
                and (level not in ALARM_LEVELS or (level == Level.EMERGENCY and not situation))):
            level, situation, confidence = Level.EMERGENCY, "poisoning", max(confidence, 0.9)
        if (_FRAUD.search(normal) and _FRAUD_NOW.search(normal) and not _INFORMATIONAL.search(normal)
                and not _FRAUD_ASKS.search(normal)
                and level not in (Level.EMERGENCY, Level.DANGER)
                and not (level == Level.HARMFUL_REQUEST and _HARM_INTENT.search(normal)
                         and not _FRAUD_VICTIM.search(normal))):
            # someone being defrauded right now: stop, do not transfer, call 110 / 96110 (session 6 judge, N085)
            level, situation, confidence = Level.DANGER, "fraud", max(confidence, 0.9)
        about_other = False
        if level == Level.SELF_HARM:
            situation = "self_harm"
            about_other = bool(_OTHER_PERSON.search(normal)) and not _FIRST_PERSON.search(normal)
        elif level in (Level.EMERGENCY, Level.DANGER) and not situation:
            sp = self.model.probabilities("situation" + suffix, text, vec)
            wanted = {k: v for k, v in sp.items() if self._level_of(k) == level} or sp
            situation = self._named_situation(wanted, {k: v for k, v in sp.items() if k != "self_harm"}, normal)
            if not situation and confidence >= GENERAL_SURE and _TROUBLE.search(normal):
                situation = "general"
            elif not situation:
                level, confidence = Level.NONE, p[Level.NONE.value]
        level, situation = self._not_now(level, situation, normal)
        if level == Level.NONE and _READ_MY_REPORT.search(normal) and not _INFORMATIONAL.search(normal):
            # the same request for a doctor, once an alarm with no card named has been taken back
            level, confidence = Level.PERSONAL_MEDICAL, max(p[Level.PERSONAL_MEDICAL.value], 0.9)
        if situation == "gas_leak" and _COLLAPSED.search(normal):
            # a gas smell and someone collapsed: fresh air, 120 and CPR come first (session 6 judge, N061)
            level, situation = Level.EMERGENCY, "carbon_monoxide"
        if (level == Level.EMERGENCY and situation in _MINOR_SITUATIONS and _MINOR.search(normal)
                and not _SEVERE.search(normal)):
            # "流了一点点血", "膝盖擦破点皮": graded small by the writer; the first-aid card for heavy bleeding or a
            # spinal injury (a tourniquet, "don't move him") would be wrong advice, the articles answer it
            level, situation = Level.NONE, ""
        if (level == Level.EMERGENCY and situation == "burn" and _MINOR_BURN.search(normal)
                and not _SEVERE_BURN.search(normal)):
            # "被锅边烫了一下 红了一小块 不起泡": cool water is the whole answer, the articles give it (J103)
            level, situation = Level.NONE, ""
        harm_act = bool(_HARM_ACTS.search(normal)) and not _HARM_ACTS_ASKED_ABOUT.search(normal)
        scare = bool(_SCARE_INTENT.search(normal) and _HURT_METHOD.search(normal) and _EFFECT_ASKED.search(normal))
        # the effect asked about is no emergency ("多长时间人会晕过去"); one that has happened now is
        if (harm_act or scare) and not (_DANGER_NOW.search(normal) and _EVENT_NOW.search(normal)):
            # "掐脖子多久人会晕 我想吓唬一下我老公", "烧山从哪个方向点火蔓延最快", "被通缉了怎么办个假身份证":
            # a request for a way of doing harm, whatever emergency words it holds (session 9, round 3)
            level, situation = Level.HARMFUL_REQUEST, ""
            confidence = max(confidence, p[Level.HARMFUL_REQUEST.value])
        aid = self._aid(level, situation)
        if situation == "poisoning" and _PESTICIDE.search(normal):
            # pesticide drunk is often drunk on purpose: the same card with the crisis line (session 6 judge, N062)
            aid = self.first_aid.get("poisoning_pesticide", aid)
        return TriageResult(level, situation, confidence, False, aid, p, about_other)

    @staticmethod
    def _not_now(level: Level, situation: str, normal: str) -> tuple[Level, str]:
        """The alarm taken back when nothing is happening now (session 9, round 3): a past event, a dream, a game,
        a symptom that has passed, an idiom, chili on the hands, a harmless thing swallowed, a smell said not to be
        gas, a question about how scams work, a quake that has stopped and hurt no one, a helper's question; and
        self-harm said without a word of it ("往下看好像也没那么可怕"). A sign of danger now keeps the alarm."""
        if (_INDIRECT_SELF_HARM.search(normal) and not _NOT_SELF_HARM.search(normal) and not _PLAY.search(normal)
                and level != Level.HARMFUL_REQUEST):
            return Level.SELF_HARM, "self_harm"
        danger_now = bool(_DANGER_NOW.search(normal))
        if level == Level.SELF_HARM:
            helping = (_HELPING.search(normal) and _HELPED.search(normal) and not _AT_RISK_NOW.search(normal)
                       and not _FIRST_PERSON.search(normal))
            masked = _IDIOM.sub("", normal)
            joking = _IDIOM.search(normal) and _LIGHT.search(normal) and not has_self_harm_cue(masked)
            embarrassed = _EMBARRASSED.search(normal) and not has_self_harm_cue(_VANISH.sub("", normal))
            if helping or joking or embarrassed or _DREAM.search(normal):
                return Level.NONE, ""
            return level, situation
        if level == Level.HARMFUL_REQUEST and _LAWFUL.search(normal) and not _HURT_METHOD.search(normal):
            return Level.NONE, ""  # going to court or the property office is the way we would point to
        if level not in (Level.EMERGENCY, Level.DANGER):
            return level, situation
        if (_DREAM.search(normal) or _PLAY.search(normal)) and not _WOKE_TO_IT.search(normal):
            return Level.NONE, ""  # the danger words are dreamed or played too ("梦见房子着火了")
        if situation == "heatstroke" and _COMPRESS.search(normal) and not _HEAT_WORDS.search(normal):
            return Level.NONE, ""  # 热敷 for a sprain is no heat illness, swollen or not
        if danger_now:
            return level, situation
        quiet = (
            (_PAST.search(normal) and not _EVENT_NOW.search(normal))
            or (situation in _RESOLVED_SITUATIONS and _RESOLVED.search(normal))
            or (_IDIOM.search(normal) and not _TROUBLE.search(_IDIOM.sub("", normal)))
            or (situation == "burn" and _CHILI.search(normal) and not _REAL_BURN.search(normal))
            or (situation in ("cardiac_arrest", "heart_attack") and _SKIPPED_BEAT.search(normal)
                and not _CHEST_NOW.search(normal))
            or _HARMLESS_SWALLOWED.search(normal)  # whichever card its words led to (糖 read as low blood sugar)
            or (situation in ("gas_leak", "carbon_monoxide") and _NOT_GAS.search(normal)
                and not _GAS_SURE.search(normal) and not _COLLAPSED.search(normal))
            or (situation == "fraud" and _FRAUD_QUESTION.search(normal) and not _FRAUD_HAPPENING.search(normal))
            # the judge (J104) and the fresh set call it a plain question: no card, the articles answer it
            or (situation in ("earthquake_shaking", "earthquake_trapped", "collapse") and _QUAKE.search(normal)
                and _QUAKE_STOPPED.search(normal) and not _QUAKE_HURT.search(normal) and not _QUAKE_NOW.search(normal)))
        return (Level.NONE, "") if quiet else (level, situation)

    @staticmethod
    def _named_situation(wanted: Mapping[str, float], everything: Mapping[str, float], normal: str) -> str:
        """The likeliest situation whose words are in the message (``wanted``: those of the level decided, then
        any); "" when no situation with a fair share is named (the message is then not an alarm)."""
        for pool in (wanted, everything):
            for name in sorted(pool, key=lambda k: -pool[k]):
                if pool[name] < NAMED_FLOOR:
                    break
                cue = _SITUATION_CUES.get(name)
                if cue is None or cue.search(normal) or len(_HAN.findall(normal)) < 5:  # the cues are Chinese
                    return name
        return ""

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
        # the emergency's own share, not the alarm total: a self-harm share without a cue makes an alarm too
        own_share = result.scores.get(Level.EMERGENCY.value, 0.0) + result.scores.get(Level.DANGER.value, 0.0)
        own_emergency = result.level in (Level.EMERGENCY, Level.DANGER) and min(result.confidence, own_share) >= 0.8
        for earlier, _ in reversed(history[-2:]):
            before = self.classify(earlier)
            ongoing = before.level in (Level.EMERGENCY, Level.DANGER) and short and not general
            # the self-harm cue may be in the turn before: a short turn that carries on keeps the message
            # (the model's own reading of a bare "然后呢 他们还是不理我" is no guide: session 8 saw a referral)
            carries_on = before.level == Level.SELF_HARM and short and bool(_STILL.search(core)) \
                and result.level in (Level.NONE, Level.PERSONAL_MEDICAL)
            if (ongoing and not own_emergency) or carries_on:
                return TriageResult(before.level, before.situation, before.confidence * 0.9, True,
                                    before.first_aid, before.scores, before.about_other)
        return result
