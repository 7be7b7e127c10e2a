"""Every string a citizen or curator reads, in Simplified Chinese, kept in one place."""

# Ingestion reasons (shown in the CLI report and in the curator console)
INGEST_EMPTY = "文件是空的（没有可读的文字），已跳过。"
INGEST_BINARY = "这不是文本文件（内容是二进制数据），请确认文件类型是否正确。"
INGEST_UNDECODABLE = "无法识别文件的文字编码（试过 UTF-8、UTF-16、GB18030/GBK），请另存为 UTF-8 后再上传。"
INGEST_UNSUPPORTED = "不支持的文件类型「{suffix}」；支持 {supported}。"
INGEST_SCANNED_PDF = "这个 PDF 没有文字层（可能是扫描件或图片），需要先做 OCR 文字识别才能入库。"
INGEST_ENCRYPTED_PDF = "这个 PDF 已加密，请先去除密码保护再上传。"
INGEST_BROKEN_PDF = "PDF 文件已损坏，无法读取：{detail}"
INGEST_BROKEN_DOCX = "Word 文件已损坏或不是 .docx 格式：{detail}"
INGEST_DOCX_TOO_LARGE = "Word 文件解压后过大（可能是压缩炸弹），已拒绝。"
INGEST_FRONT_MATTER = "文件开头的 YAML 元数据格式有误：{detail}"
INGEST_UNREADABLE = "无法读取文件：{detail}"
INGEST_NO_TEXT_AFTER_CLEAN = "清洗后没有剩下可用的正文。"
INGEST_DISK_FULL = (
    "磁盘空间不足（剩余 {free:.0f} MB，这批内容约需 {need:.0f} MB），未写入，知识库保持原样。请清理磁盘后重新入库。"
)
INGEST_STORE_FAILED = "写入知识库失败：{detail}"

NO_SUFFIX = "无"

# Ingestion report
REPORT_INGESTED = "已入库"
REPORT_UNCHANGED = "未变化"
REPORT_FAILED = "失败"
REPORT_PRUNED = "已移除（文件已不存在）"
PROGRESS_FILES = "文件"
PROGRESS_CHUNKS = "片段"

# Answers
NO_ANSWER = ("知识库里暂时没有关于这个问题的可靠资料，我们不想凭空猜测。"
             "如果这是个科普问题，我们已经记下来，科普传播员会尽快补充；"
             "天气、票价、办事政策这类实时信息，请以气象、交通、政务等官方渠道为准。")
NO_ANSWER_RELATED = "你也可以看看这些相关主题：{topics}"
EXTRACTIVE_NOTICE = "以下内容摘录自知识库中的科普文章，方括号里的数字是出处。"
LLM_FALLBACK_NOTICE = "AI 归纳服务暂时不可用，下面改为直接摘录知识库原文。"
LLM_UNCITED_NOTICE = "提示：这段 AI 归纳没有找到对应的出处，请以下方资料原文为准。"
CURATED_NOTICE = "这是经过科普传播员审核的解答。"
DID_YOU_MEAN = "你是不是想问："
RELATED_QUESTIONS = "你可能还想问："
SHARE_LINK = "🔗 分享这条解答（永久链接）"
AI_GENERATED_LABEL = "【AI 生成】本回答由人工智能（{model}）依据知识库资料生成，请注意核实。"
FOLLOW_UP_SUBJECT = "（接着上文，按「{subject}」理解这个问题；不是这个意思的话，请把问题说完整。）"
FOLLOW_UP_NOT_COVERED = ("（资料里没有专门讲到「{term}」的情况，上面是一般情况的说明；"
                         "拿不准的请咨询医生或相关专业人员。）")
SENSITIVE_REFUSED = (
    "抱歉，这个问题里有平台不能处理的内容，我们无法回答。"
    "如果你想了解的是其中的科学知识，请换一种说法再问，比如“……对身体有什么危害？”。"
)
LLM_BLOCKED_NOTICE = "AI 归纳的内容未通过平台的内容检查，下面改为直接摘录知识库原文。"
PRIVACY_FOUND = "找到 {n} 条提问记录。"
PRIVACY_UNKNOWN = "没有编号为 {id} 的提问记录（可能已按保存期限删除）。"
PRIVACY_CONFIRM = "将删除提问记录 {id} 及其反馈，且无法恢复。确认请加上 --yes 再运行一次。"
PRIVACY_DELETED = "已删除提问记录 {id} 及其反馈。"
MEDICAL_DISCLAIMER = "以上为科普信息，不能代替医生的诊断和治疗；身体不适请及时就医。"
# Safety triage (bot/triage.py): what a person in danger reads first
SAFETY_EMERGENCY_TITLE = "紧急情况：{label}。请立即拨打 {call}"
SAFETY_DANGER_TITLE = "危险情况：{label}。请先离开危险区域，拨打 {call}"
SAFETY_AVOID = "切记：{avoid}"
SAFETY_FOLLOWS = "以下是相关的科普资料，供参考："
SELF_HARM_MESSAGE = (
    "听到你这么说，我很担心你。你现在的难受是真实的，你不必一个人扛着。"
    "请现在就拨打全国统一心理援助热线 12356，和愿意倾听的专业人员聊一聊；"
    "如果你已经伤害了自己，或者马上就要这样做，请立刻拨打 120 或 110。"
    "如果你现在在高处、水边，或手边有药物、农药、刀具，请先离开那里，或把它们交给别人。"
    "也请告诉身边一个你信任的人，请他现在陪着你。"
)
SELF_HARM_OTHER_MESSAGE = (
    "你愿意为他（她）问一句，这很重要。请现在就陪在他（她）身边，别让他（她）一个人待着；"
    "把药物、农药、刀具等危险物品拿开。如果他（她）已经伤害了自己，或正在高处、水边，请立刻拨打 110 或 120。"
    "你也可以拨打全国统一心理援助热线 12356，问问专业人员怎样陪伴和劝说。"
    "照顾好他（她）的同时，也照顾好你自己。"
)
SELF_HARM_TITLE = "你并不孤单：心理援助热线 12356（紧急情况拨打 120 或 110）"
HARMFUL_REFUSAL = (
    "这个问题涉及可能伤害他人或危害公共安全的做法，我们不能提供具体方法。"
    "如果你或身边的人正面临危险，请拨打 110；有人中毒或受伤，请拨打 120。"
    "如果你想了解的是怎样防范这类危险，可以换个问法，问“怎样预防”“出了事怎么办”。"
)
HARMFUL_TITLE = "无法提供这类信息"
PERSONAL_MEDICAL_TITLE = "个人用药和诊断，请问医生或药师"
PERSONAL_MEDICAL_REFERRAL = (
    "这个问题涉及你（或家人）个人的用药、检查结果或诊断，需要医生或药师了解具体情况后才能回答。"
    "请咨询主治医生、药师，或到医院门诊就诊；如果症状突然加重，请立即拨打 120。"
)
PERSONAL_MEDICAL_GENERAL = "以下是一般性科普信息，不是针对个人的用药或诊断建议："
PERSONAL_MEDICAL_WITHHELD = "下面的科普文章里有相关的一般知识；具体用多少、怎么用，请以医生或药师的意见为准。"

FIRST_START = "首次启动：正在载入入门知识库……"

# Citizen page
PAGE_TITLE = "向科学要答案"
PAGE_INTRO = "## 向科学要答案\n身边的科学问题，问这里：答案来自经审核的科普文章，并注明出处。"
QUESTION_PLACEHOLDER = "输入你的问题，例如：为什么天空是蓝色的？"
ASK_BUTTON = "提问"
NEW_CHAT = "新对话"
READING_LEVEL = "阅读难度"
READING_LEVELS = ["少儿", "大众", "专业"]
DEFAULT_READING_LEVEL = "大众"
CHAT_LABEL = "问答"
REVIEWED_BY = "审核：{name}"
SOURCE_UNTITLED = "资料"
VERDICT_LINE = "结论：{verdict}。"
VERDICT_CLAIM = "「{claim}」——{says}"
VERDICT_SAYS = {"真": "这个说法是对的。", "假": "这个说法是错的。", "部分正确": "这个说法只对了一部分。",
                "尚无定论": "这个说法目前科学上还没有定论。"}
EXTRACTIVE_MODE_NOTE = (
    "当前为资料摘录模式：回答直接引用知识库里的科普文章原文（方括号数字是出处），"
    "阅读难度选项在 AI 归纳模式下生效。"
)
LLM_MODE_NOTE = "回答由 AI 根据知识库文章归纳，并注明出处；请以出处原文为准。"
AI_SERVICE_FOOTER = "本服务使用生成式人工智能：模型 {model}{filing}。AI 生成的回答均有【AI 生成】标识。"
AI_FILING = "，备案号 {number}"
REPORT_TITLE = "报告问题"
REPORT_COMMENT = "哪里不对？（可选）"
REPORT_BUTTON = "提交报告"
REPORT_THANKS = "谢谢！已转给科普传播员核实。"
REPORT_NOTHING = "还没有可以报告的回答，请先提问。"
FEEDBACK_THANKS = "谢谢你的反馈！"
SUGGESTION_LABEL = "{topic}｜{question}"
CURATOR_LINK = "[科普传播员入口](/curator/)"

# Question validation (shown to citizens)
QUESTION_EMPTY = "请先输入你的问题。"
QUESTION_TOO_LONG = "问题太长了（超过 {limit} 个字），请简要描述你想了解的内容。"
SERVICE_BUSY = "现在提问的人比较多，请稍后再试。"
STORE_UNAVAILABLE = "知识库暂时连接不上，请稍后再试。"
SERVICE_ERROR = "抱歉，系统出了点问题，请稍后再试。"

# Abuse limits and transport guard (docs/security.md)
RATE_LIMITED = "提问太频繁了，请 {seconds} 秒后再试。"
FEEDBACK_RATE_LIMITED = "反馈提交太频繁了，请稍后再试。"
ANSWER_TIMEOUT = "这个问题处理时间过长，已停止。请把问题说得简短一些再试。"
NOT_FOUND = "没有这个页面。"
UPLOAD_NOT_HERE = "市民问答页不接收文件上传。"
CROSS_SITE_REFUSED = "请求来自其他网站，已拒绝。请直接在本站页面上操作。"
REQUEST_TOO_LARGE = "提交的内容太大了，请精简后再试。"
BAD_REQUEST = "请求格式不正确。"
LOGIN_ADDRESS_LOCKED = "这个网络地址的登录尝试过多，请 {minutes} 分钟后再试。"

# Curator accounts and login
ACCOUNT_BAD_NAME = "用户名只能用 2–32 位英文字母、数字、下划线、点或连字符。"
ACCOUNT_SHORT_PASSWORD = "密码至少 {n} 位。"
ACCOUNT_EXISTS = "用户「{name}」已存在。"
ACCOUNT_MISSING = "没有用户「{name}」。"
ACCOUNT_PROMPT = "密码："
ACCOUNT_PROMPT_AGAIN = "再输一次密码："
ACCOUNT_MISMATCH = "两次输入的密码不一致。"
ACCOUNT_DONE = "完成。"
LOGIN_FAILED = "用户名或密码不正确。"
LOGIN_LOCKED = "登录失败次数过多，请 {minutes} 分钟后再试。"
LOGIN_TITLE = "科普传播员登录"
LOGIN_USER = "用户名"
LOGIN_PASSWORD = "密码"
LOGIN_BUTTON = "登录"
LOGIN_BACK = "返回市民问答页"
LOGIN_REQUIRED = "请先登录科普传播员后台。"
NOT_AUTHORISED = "没有权限：请重新登录科普传播员后台。"

CHANNEL_LABELS = {"page": "网页", "poster": "海报二维码", "": "网页"}  # embed:NAME → 嵌入：NAME, api:NAME → 接口：NAME
CHANNEL_EMBED = "嵌入：{name}"
CHANNEL_API = "接口：{name}"

MODE_LABELS = {
    "curated": "已审核解答",
    "extractive": "资料摘录",
    "llm": "AI 归纳",
    "no_answer": "暂无可靠答案",
    "safety": "安全提示",
    "blocked": "敏感内容拒答",
}

TOPIC_LABELS = {
    "agri": "农业", "biology": "生物", "chemistry": "化学", "energy": "能源", "food": "食品安全",
    "geo": "地学与防灾", "health": "健康", "infotech": "信息技术", "physics": "物理", "rumor": "辟谣",
    "space": "航天与天文", "weather": "气象",
}

# Curator dashboard
DASH_ANSWERED = "已回答"
DASH_UNANSWERED = "暂无答案"
DASH_UP = "有帮助"
DASH_DOWN = "没帮助"

# Curator uploads and documents
UPLOAD_BAD_TYPE = "不支持的文件类型「{suffix}」，可以上传：{allowed}。"
UPLOAD_TOO_LARGE = "文件超过 {limit:g} MB 的上传上限，请拆分后再上传。"
UPLOAD_BAD_NAME = "文件名不可用，请改名后再上传。"
UPLOAD_DUPLICATE = "与已入库的文件「{name}」内容完全相同，已跳过。"
UPLOAD_NONE = "请先选择要上传的文件。"
DOC_KIND_UPLOAD = "上传"
DOC_KIND_STARTER = "入门文章"
DOC_KIND_OTHER = "其他"
DOC_ACTIVE = "在用"
DOC_RETIRED = "已下架"
DOC_CANNOT_RESTORE = "找不到这份文件的存档，无法恢复；请重新上传。"
DOC_PICK_FIRST = "请先在列表里选中一份文档。"
DOC_RETIRED_DONE = "已下架「{name}」：{n} 个片段已从两个索引中移除。"
DOC_DELETED_DONE = "已删除「{name}」：{n} 个片段已从两个索引中移除。"
DOC_RESTORED_DONE = "已恢复「{name}」。"
DOC_HELD = "待审（含敏感词）"
DOC_NOT_HELD = "这份文档不在待审状态，无需放行。"
DOC_RELEASED_DONE = "已审核放行「{name}」，已入库。"
UPLOAD_HELD = "文中有 {n} 处命中敏感词表（{terms}），已暂存待审，尚未入库。请在“文档管理”里查看后放行或删除。"
REPORT_HELD = "待审"

# Curated answers
CURATED_NEEDS_TEXT = "问题和解答都不能为空。"
CURATED_TOO_LONG = "问题或解答太长了，请精简。"
CURATED_SAVED = "已保存为草稿（#{id}）。发布后才会对公众生效。"
CURATED_EDITED = "已保存修改（#{id}，状态：{status}）。"
CURATED_PUBLISHED = "已发布（#{id}）：下一位提出相同问题的市民就会收到这条解答。"
CURATED_RETIRED = "已撤下（#{id}）。"
CURATED_PICK_FIRST = "请先在列表里选中一条解答。"
STATUS_LABELS = {"draft": "草稿", "submitted": "待审核", "returned": "已退回", "published": "已发布",
                 "retired": "已撤下"}


class Console:
    """Labels of the curator console."""

    TITLE = "科普传播员后台"
    SIGNED_IN = "已登录：{name}"
    LOGOUT = "退出登录"
    TAB_UPLOAD = "上传资料"
    TAB_DOCS = "文档管理"
    TAB_REVIEW = "待审问题"
    TAB_CURATED = "审核解答"
    TAB_DASHBOARD = "数据看板"
    TAB_AUDIT = "操作记录"
    TAB_WORDS = "敏感词"
    UPLOAD_FILES = "选择文件（可多选：{types}）"
    UPLOAD_START = "开始入库"
    UPLOAD_PROGRESS = "已处理 {done}/{total} 个文件，已嵌入 {chunks} 个片段"
    UPLOAD_SUMMARY = (
        "入库完成：成功 {ingested} 个，未变化 {unchanged} 个，待审 {held} 个，失败 {failed} 个；"
        "知识库现有 {chunks} 个片段。"
    )
    REPORT_COLUMNS = ("文件", "结果", "片段数", "说明")
    SEARCH = "搜索"
    REFRESH = "刷新"
    DOC_COLUMNS = ("文件", "标题", "主题", "片段数", "状态", "来源", "最近操作人")
    DOC_SELECTED = "选中的文档"
    DOC_CHUNKS = "文档片段"
    DOC_RETIRE = "下架（移出索引，保留文件）"
    DOC_RESTORE = "恢复上架"
    DOC_RELEASE = "审核通过，放行入库"
    DOC_NOTE = "说明"
    DOC_DELETE = "彻底删除"
    DOC_CONFIRM_DELETE = "确认彻底删除"
    DOC_NEED_CONFIRM = "删除前请先勾选“确认彻底删除”。"
    REVIEW_HINT = "市民没能得到答案、点了 👎 或报告了问题的提问，按意思相近分组。选中一行即可为它撰写审核解答。"
    REVIEW_COLUMNS = (
        "问题（最近的问法）", "提问次数", "暂无答案", "👎", "报告", "上次回答方式", "上次回答", "市民留言",
    )
    CURATED_HINT = "新写的解答先存为草稿，发布后立即生效；修改已发布的解答会直接更新线上内容。"
    CURATED_COLUMNS = ("编号", "状态", "问题", "结论", "更新时间", "审核人")
    STATUS_FILTER = "状态"
    STATUS_ALL = "全部"
    FIELD_ID = "编号（新建时为空）"
    FIELD_QUESTION = "标准问题"
    FIELD_PARAPHRASES = "其他问法（每行一个）"
    FIELD_ANSWER = "审核解答"
    FIELD_ARTICLES = "引用文章编号（文件名去掉扩展名，逗号分隔）"
    FIELD_VERDICT = "结论（可选，如：真 / 假 / 部分正确）"
    NEW = "新建"
    SAVE = "保存草稿 / 保存修改"
    PUBLISH = "发布"
    RETIRE = "撤下"
    DASH_SUMMARY = "近 {days} 天共收到 {total} 个提问，其中 {share:.0%} 得到了回答。"
    DASH_BLOCKED = "其中 {n} 个提问因含敏感内容被礼貌拒答。"
    DASH_LLM_FALLBACK = "AI 归纳失败、改为直接摘录：{failed} 次（占需要 AI 归纳的 {share:.0%}）。主要原因：{reasons}"
    DASH_PER_DAY = "每天的提问数"
    DASH_MODES = "回答方式"
    DASH_TOPICS = "热门主题"
    DASH_KEYWORDS = "热门关键词"
    DASH_FEEDBACK = "市民反馈"
    DASH_CHANNELS = "各渠道的提问数"
    DASH_CHANNEL_TABLE = "各渠道的提问数与回答率"
    AUDIT_COLUMNS = ("时间（UTC）", "操作人", "操作", "对象", "详情")
    WORDS_HINT = (
        "市民的提问、AI 归纳的回答和上传的资料都会按这张词表检查：提问命中会被礼貌拒答，AI 回答命中会改为摘录原文，"
        "上传的文档命中会暂存待审。白名单里的科普用语（如“艾滋病”“禁毒”）即使包含屏蔽词也始终放行。\n\n"
        "格式：每行一个词条，可在 Tab 或逗号后写类别；以 + 开头的是白名单；# 后是注释。也可导入 CSV（词条,类别,类型）。"
        "修改后先点“检查”，无误再“保存”；每次保存都记入操作记录。"
    )
    WORDS_LIST = "词表（文本格式）"
    WORDS_IMPORT = "导入文件（.txt 或 .csv，导入后先检查再保存）"
    WORDS_CHECK = "检查"
    WORDS_SAVE = "保存词表"
    WORDS_EXPORT_TXT = "导出为文本"
    WORDS_EXPORT_CSV = "导出为 CSV"
    WORDS_EXPORTED = "导出的文件"
    WORDS_TRY = "试一试：输入一段文字，看是否会被拦下"
    WORDS_TRY_BUTTON = "检测"
    WORDS_SUMMARY = "屏蔽词 {blocked} 条，白名单 {allowed} 条。"
    WORDS_OK = "检查通过：屏蔽词 {blocked} 条，白名单 {allowed} 条。可以保存。"
    WORDS_PROBLEMS = "有 {n} 行需要修改，词表尚未保存：\n\n{lines}"
    WORDS_PROBLEM_LINE = "- 第 {line} 行：{reason}"
    WORDS_SAVED = "词表已保存并立即生效：屏蔽词 {blocked} 条，白名单 {allowed} 条。"
    WORDS_PASS = "没有命中，可以正常提问。"
    WORDS_HITS = "命中 {n} 处：{hits}"
    WORDS_HIT = "「{term}」（{category}）"
    WORDS_IMPORT_BAD = "无法读取导入的文件：请上传 UTF-8 编码的 .txt 或 .csv 文件。"


class Chart:
    """Field names of the dashboard's data frames (they are the axis labels the curator reads)."""

    DATE = "日期"
    QUESTIONS = "提问数"
    CATEGORY = "类别"
    MODE = "回答方式"
    TOPIC = "主题"
    KEYWORD = "关键词"
    TIMES = "次数"
    FEEDBACK = "反馈"
    CHANNEL = "渠道"
    ANSWERED_SHARE = "回答率"
    CHUNK_HEADERS = ("#", "小标题", "片段")


# --- Sensitive-word list (knowledge/wordlist.py): what a curator reads about a list they loaded ---
WORDS_KIND_BLOCK = "屏蔽"
WORDS_KIND_ALLOW = "白名单"
WORDS_CSV_HEADER = ("词条", "类别", "类型")
WORDS_EMPTY_TERM = "这一行没有词条。"
WORDS_SINGLE_CHAR = "词条「{term}」只有一个字。单字会误伤大量正常内容（比如科普文章），请改用词组。"
WORDS_TOO_LONG = "词条「{term}」太长（{length} 个字，最多 {limit} 个字）。"
WORDS_BAD_CHAR = "词条「{term}」不能含有逗号、制表符或 #，也不能以 + 开头。"
WORDS_INNER_SPACE = (
    "词条「{term}」中间有空格。类别请用 Tab 或逗号与词条隔开；词条本身不需要空格（匹配时会自动忽略空格）。"
)
WORDS_BAD_CATEGORY = "类别「{category}」不能含有逗号、制表符或 #。"
WORDS_TOO_MANY_FIELDS = "这一行的项数太多：格式是“词条”或“词条<Tab>类别”（也可以用逗号隔开）。"
WORDS_ALLOW_CATEGORY = "白名单词条「{term}」不需要类别，已忽略类别「{category}」。"
WORDS_DUPLICATE_CATEGORY = "词条「{term}」与第 {first} 行重复，但类别不同；保留第 {first} 行的类别「{category}」。"
WORDS_CONFLICT = "词条「{term}」在第 {first} 行设为{first_kind}，这里又设为{kind}；保留第 {first} 行的设置。"
WORDS_CSV_NO_HEADER = "无法识别表头：第一行应为“词条,类别,类型”（或英文的 term,category,kind）。"
WORDS_CSV_KIND = "类型「{kind}」无法识别，应为“屏蔽”或“白名单”（英文 block 或 allow）。"
WORDS_CSV_BROKEN = "CSV 格式有误（比如引号没有配对），从这一行起无法继续读取。"


# Backup and restore (askscience backup / askscience restore; knowledge/backup.py)
BACKUP_NO_DATA = (
    "数据目录 {path} 里没有可备份的数据（找不到 curation.sqlite3）。"
    "请检查 ASKSCI_DATA_DIR 或 --data-dir 是否指向正在使用的数据目录。"
)
BACKUP_TARGET_EXISTS = "{path} 里已经有一份完整的备份，不会覆盖它。请换一个新的备份目录。"
BACKUP_TARGET_NOT_EMPTY = (
    "备份目录 {path} 里已有其他文件，为免误删，备份没有开始。请指定一个不存在的目录或空目录。"
)
BACKUP_UNSTABLE = (
    "备份期间知识库一直在变化（试了 {attempts} 次，每次都有文件正在入库或删除），没能得到一致的快照。"
    "请等当前的入库或删除完成后再备份。"
)
BACKUP_FAILED = "备份失败：{detail}。备份目录里没有留下不完整的备份，可以直接重试。"
BACKUP_OTHER_EMBEDDER = (
    "知识库里没有当前嵌入模型「{space}」的集合（{name}），只有：{found}。请用与应用相同的 ASKSCI_EMBEDDER"
    "（及相关设置）运行备份，否则备份里不会有任何知识片段。"
)
BACKUP_DONE = (
    "备份完成：{path}\n"
    "  数据库：{tables} 张表共 {rows} 行"
    "（审核解答 {curated} 条、提问记录 {questions} 条、科普传播员账号 {accounts} 个）\n"
    "  知识库：{chunks} 个片段；上传文件：{uploads} 个；共 {mb:.1f} MB，用时 {seconds:.1f} 秒"
)
RESTORE_NOT_A_BACKUP = "{path} 不是 AskScience 备份目录（找不到 manifest.json）。请检查路径。"
RESTORE_INCOMPLETE = (
    "{path} 里的备份没有完成（备份过程被中断了），不能用来恢复。请重新运行 askscience backup 生成一份完整备份。"
)
RESTORE_BAD_MANIFEST = "备份清单 manifest.json 无法读取或格式不对（{detail}），备份可能已损坏，已拒绝恢复。"
RESTORE_NEWER_FORMAT = (
    "这份备份的格式版本是 {found}，本程序只认识 {supported} 及更早的版本。请用更新版本的 AskScience 来恢复。"
)
RESTORE_TAMPERED = (
    "备份文件 {name} 与清单里记录的校验值不一致（文件被修改或已损坏），已拒绝恢复，什么都没有写入。"
    "请换一份完好的备份。"
)
RESTORE_MISSING_FILE = "备份里缺少文件 {name}，备份不完整，已拒绝恢复，什么都没有写入。"
RESTORE_COUNT_MISMATCH = (
    "备份文件 {name} 里有 {found} 条记录，清单里记的是 {expected} 条，备份可能已损坏，已拒绝恢复。"
)
RESTORE_TARGET_NOT_EMPTY = (
    "目标数据目录 {path} 不是空的。恢复只写入全新的（不存在的或空的）数据目录，以免覆盖现有数据。"
    "请用 --data-dir（或 ASKSCI_DATA_DIR）指定一个新目录。"
)
RESTORE_DB_NOT_EMPTY = (
    "目标数据库里已经有数据（表 {table} 有 {rows} 行）。恢复只写入空数据库：请新建一个空数据库，"
    "再把 ASKSCI_CURATION_DB_URL 指向它。"
)
RESTORE_COLLECTION_NOT_EMPTY = (
    "Chroma 服务器上的集合 {name} 里已经有 {count} 个片段。恢复只写入空集合：请换一个 ASKSCI_COLLECTION_PREFIX，"
    "或确认不再需要后删除这个集合。"
)
RESTORE_EMBEDDER_MISMATCH = (
    "备份里的向量由嵌入模型「{backup}」生成，而现在设置的嵌入模型是「{current}」，恢复后将检索不到内容。"
    "请把 ASKSCI_EMBEDDER（及相关设置）改成与备份时相同，再恢复。"
)
RESTORE_SCHEMA_MISMATCH = (
    "备份里的表 {table} 含有本程序不认识的列（{columns}），可能来自更新版本的 AskScience；恢复会丢失这些数据，已拒绝。"
)
RESTORE_FAILED = "恢复失败：{detail}。目标数据目录已清理，没有留下恢复了一半的数据，排除问题后可以直接重试。"
RESTORE_DONE = (
    "恢复完成：{path}\n"
    "  数据库：{tables} 张表共 {rows} 行"
    "（审核解答 {curated} 条、提问记录 {questions} 条、科普传播员账号 {accounts} 个）\n"
    "  知识库：{chunks} 个片段（关键词索引已重建）；上传文件：{uploads} 个；用时 {seconds:.1f} 秒\n"
    "  备份时间：{created_at}（UTC）"
)


# Personal-information redaction (knowledge/privacy.py): what stands in the question log, and in what is sent to an
# external model, in place of the personal data a citizen typed
REDACTION_PLACEHOLDERS = {
    "phone": "[电话号码]",
    "id_card": "[身份证号]",
    "bank_card": "[银行卡号]",
    "email": "[邮箱]",
    "address": "[地址]",
    "name": "[姓名]",
}


# --- Reach, part 3: permanent answer pages (/a/{id}), share cards and printable posters ---
SHARE_PLATFORM = "向科学要答案"
SHARE_TAGLINE = "答案来自经审核的科普文章，并注明出处"
SHARE_REVIEWED_BADGE = "经科普传播员审核"
SHARE_REVIEW_LINE = "经科普传播员审核 · 最后审核：{date}"
SHARE_WITHDRAWN = "这条解答已被撤下，内容可能已过时。"
SHARE_REVISED = "科普传播员后来修订了这条解答，这里保存的是当时的版本；再问一次可以看到最新的解答。"
SHARE_QUESTION_PREFIX = "问："
SHARE_SOURCES = "出处："
SHARE_ELLIPSIS = "……"
SHARE_SCAN = "扫码查看完整解答和出处"
SHARE_FONT_MISSING = (
    "找不到可以显示中文的字体，无法生成分享图片和海报。"
    "请安装思源黑体（Debian/Ubuntu：sudo apt-get install fonts-noto-cjk，或运行 scripts/system-deps.sh）后重启服务。"
)
ANSWER_PAGE_TITLE = "{question} - 向科学要答案"
ANSWER_PAGE_VERDICT = "结论：{verdict}"
ANSWER_PAGE_ANSWER = "解答"
ANSWER_PAGE_SOURCES = "出处"
ANSWER_PAGE_SAFETY = "安全提示"
ANSWER_PAGE_SOURCE_LINK = "查看原文"
ANSWER_PAGE_SNAPSHOT = "这是 {date} 保存的解答。"
ANSWER_PAGE_ASK = "我也要提问"
ANSWER_PAGE_CARD = "保存分享图片"
ANSWER_PAGE_NOT_FOUND_TITLE = "找不到这条解答"
ANSWER_PAGE_NOT_FOUND = "这个链接不存在，可能是复制时少了字。你可以直接提问，看看最新的解答。"
POSTER_TAB = "打印海报"
POSTER_HINT = (
    "选择已发布的审核解答，生成 A4 海报（PDF），打印后可张贴在村务公开栏、社区宣传栏。"
    "每条问答旁有二维码，扫码即可查看完整解答和出处。"
)
POSTER_SEARCH = "搜索已发布的解答"
POSTER_PICK = "选择要印在海报上的问答（可多选，搜索时已选的会保留）"
POSTER_CHOICE = "#{id} {question}"
POSTER_TITLE_FIELD = "海报标题"
POSTER_DEFAULT_TITLE = "身边的科学 · 科普问答"
POSTER_MAKE = "生成 A4 海报（PDF）"
POSTER_FILE = "海报文件（点击下载）"
POSTER_DONE = "已生成海报：{n} 条问答，共 {pages} 页。"
POSTER_PICK_FIRST = "请先选择至少一条问答。"
POSTER_TOO_MANY = "一张海报最多放 {limit} 条问答，请减少选择。"
POSTER_NOT_PUBLISHED = "#{id} 不是已发布的审核解答（可能刚被撤下），不能印在海报上。"
POSTER_SUBTITLE = "经科普传播员审核的科普问答 · {date}"
POSTER_SCAN = "扫码看出处"
POSTER_MORE = "（篇幅所限，完整解答请扫码查看）"
POSTER_SOURCES = "出处：{titles}"
POSTER_FOOTER = "{platform} · 经科普传播员审核 · {date} · 第 {page} 页"
POSTER_DATE = "{year}年{month}月{day}日"
POSTER_FILE_NAME = "科普海报-{date}.pdf"


# --- Reach, parts 1 and 2: channel keys (askscience channels), the OpenAI-compatible endpoint (/v1), the widget ---
# Channel store and CLI (knowledge/stores/channels.py, bot/cli/channels.py): what the administrator reads
CHANNEL_BAD_NAME = "渠道名称只能用 2～32 个小写英文字母、数字、“-”或“_”，并以字母或数字开头（例如 kexie-site）。"
CHANNEL_EXISTS = "渠道 {name} 已经存在。要给它换新密钥，请用 askscience channels rotate {name}。"
CHANNEL_MISSING = "没有名为 {name} 的渠道。用 askscience channels list 查看已有的渠道。"
CHANNEL_BAD_ORIGIN = (
    "“{origin}”不是有效的网站地址：请写成 https://www.example.org 这样的形式"
    "（协议加域名，可以带端口，不带路径；子域名可写作 https://*.example.org）。"
)
CHANNEL_ADDED = (
    "已创建渠道 {name}。它的 API 密钥如下，只显示这一次，请立即妥善保存（服务器上只存它的校验值，"
    "丢失后只能用 rotate 换新密钥）：\n{key}"
)
CHANNEL_ROTATED = "渠道 {name} 已换用新密钥，旧密钥立即失效。新密钥只显示这一次，请立即妥善保存：\n{key}"
CHANNEL_DISABLED = "渠道 {name} 已停用：它的密钥不能再调用接口，它的网站也不能再嵌入问答窗口。"
CHANNEL_ENABLED = "渠道 {name} 已重新启用。"
CHANNEL_LIST_EMPTY = "还没有渠道。用 askscience channels add 名称 --origin https://网站地址 创建一个。"
CHANNEL_LIST_HEADER = "名称\t状态\t密钥前缀\t允许嵌入的网站\t创建时间\t最近换密钥"
CHANNEL_ACTIVE = "启用"
CHANNEL_INACTIVE = "停用"
CHANNEL_NO_ORIGINS = "（无，只能调用接口）"
CHANNEL_NEVER = "—"
CHANNEL_CLI_DESCRIPTION = "管理接入渠道：每个渠道一把 API 密钥（OpenAI 兼容接口），以及允许嵌入问答窗口的网站。"
CHANNEL_CLI_ADD = "创建渠道并显示它的 API 密钥（只显示一次）"
CHANNEL_CLI_LIST = "列出所有渠道（不显示密钥，只显示前缀）"
CHANNEL_CLI_DISABLE = "停用渠道：密钥立即失效，网站不能再嵌入"
CHANNEL_CLI_ENABLE = "重新启用已停用的渠道"
CHANNEL_CLI_ROTATE = "给渠道换新密钥，旧密钥立即失效"
CHANNEL_CLI_NAME = "渠道名称：2～32 个小写字母、数字、“-”或“_”"
CHANNEL_CLI_ORIGIN = "允许嵌入问答窗口的网站地址，如 https://www.example.org；可重复填写多个"

# OpenAI-compatible endpoint (bot/web/openai_api.py): what a platform's developer reads in an error object
OPENAI_NO_KEY = "缺少 API 密钥：请在请求头里加上 Authorization: Bearer 你的渠道密钥。"
OPENAI_BAD_KEY = "API 密钥无效或已停用。请向 AskScience 管理员确认你的渠道密钥。"
OPENAI_KEY_REVOKED = "回答过程中这个 API 密钥被停用或更换了，回答已中止。"
OPENAI_NOT_JSON = "请求体必须是一个 JSON 对象。"
OPENAI_MODEL_MISSING = "缺少 model 参数：请填写 askscience。"
OPENAI_MODEL_UNKNOWN = "没有名为“{model}”的模型。本服务只提供一个模型：askscience，请把 model 改为 askscience。"
OPENAI_MESSAGES_MISSING = "messages 必须是非空的消息列表。"
OPENAI_ONLY_SYSTEM = "messages 里只有 system 消息，没有用户的提问。"
OPENAI_TOO_MANY_TURNS = (
    "对话太长：messages 里最多 {limit} 条用户和助手消息（system 消息不计），这次有 {count} 条。"
    "请只发送最近几轮对话（本服务只参考最近的几轮）。"
)
OPENAI_BAD_MESSAGE = "messages[{index}] 格式不对：每条消息必须是带 role 和 content 的 JSON 对象。"
OPENAI_BAD_ROLE = (
    "messages[{index}] 的角色“{role}”不受支持：只接受 system、developer、user 和 assistant（本服务不调用工具）。"
)
OPENAI_NOT_TEXT = "messages[{index}] 含有“{kind}”类型的内容：本服务只接受文字，不接受图片、音频或文件。"
OPENAI_BAD_CONTENT = "messages[{index}] 的 content 必须是文字，或由 type 为 text 的片段组成的列表。"
OPENAI_LAST_NOT_USER = "最后一条消息必须是用户的提问（role 为 user）。"
OPENAI_N_STREAM = "流式输出（stream 为 true）时 n 只能为 1。"
OPENAI_N_ONLY_ONE = "本服务每次只给出一个回答：n 只能为 1。"
OPENAI_BAD_BOOL = "参数 {param} 必须是 true 或 false。"
OPENAI_BAD_INT = "参数 {param} 必须是正整数。"
OPENAI_BAD_OBJECT = "参数 {param} 必须是 JSON 对象。"
OPENAI_NOT_FOUND = "没有这个接口。可用的接口有：POST /v1/chat/completions 和 GET /v1/models。"
OPENAI_CHANNEL_RATE_LIMITED = "这个渠道的提问太频繁了，请 {seconds} 秒后再试。"
# in the answer text a platform shows its users
OPENAI_SOURCES = "来源："
OPENAI_SOURCE_LINE = "[{number}] {title}（{source}）"
OPENAI_SOURCE_LINE_BARE = "[{number}] {title}"
OPENAI_STREAM_REVISED = "（更正：以上内容作废，以下是完整的回答。）"

# The embeddable widget (bot/web/widget.py): what a citizen sees on a platform's page
WIDGET_BUTTON = "问科学"
WIDGET_OPEN = "打开科普问答"
WIDGET_CLOSE = "关闭科普问答"
WIDGET_FRAME_TITLE = "AskScience 科普问答"


# Easy reading (适老), read-aloud and the embed layout (bot/web/chat.py, bot/web/render.py)
EASY_READING_TOGGLE = "大字模式（适合老年人）"
READ_ALOUD_BUTTON = "朗读"
READ_ALOUD_LABEL = "朗读这条回答"
READ_ALOUD_STOP = "停止朗读"
READ_ALOUD_UNSUPPORTED = "这个浏览器不能朗读"
QUESTION_LABEL = "你的问题"


# --- Communicator loop, part 7a: Q&A import and export, .xlsx / .csv (bot/curation/qa_io.py, 批量导入导出) ---
# The spreadsheet's columns, in this order (编号 and 状态 only in exports; an import ignores them)
QA_COL_ID = "编号"
QA_COL_QUESTION = "问题"
QA_COL_PARAPHRASES = "其他问法"
QA_COL_ANSWER = "解答"
QA_COL_ARTICLES = "引用文章"
QA_COL_VERDICT = "结论"
QA_COL_CLAIM = "被判断的说法"
QA_COL_REVIEW_BY = "复核日期"
QA_COL_STATUS = "状态"
# Why a whole file is refused
QA_BAD_TYPE = "只能导入 .xlsx 或 .csv 文件，「{name}」不是。请在 Excel 里“另存为”Excel 工作簿（.xlsx）或 CSV 后再导入。"
QA_OLD_XLS = "「{name}」是旧版 Excel 文件（.xls）。请在 Excel 里“另存为”Excel 工作簿（.xlsx）后再导入。"
QA_NOT_XLSX = (
    "「{name}」不是有效的 Excel 工作簿：文件内容不是 .xlsx 格式，可能是改了扩展名的其他文件。"
    "请用 Excel 打开原表格，另存为 .xlsx 后再导入。"
)
QA_NOT_CSV = (
    "「{name}」不是文本格式的 CSV 文件：里面是二进制内容，可能是改了扩展名的其他文件。"
    "请用 Excel 打开原表格，另存为“CSV UTF-8（逗号分隔）”后再导入。"
)
QA_EMPTY = "「{name}」是空的：没有表头，也没有数据。可以先下载模板，填好后再导入。"
QA_NO_ROWS = "表格里只有表头，没有要导入的问答。"
QA_FILE_TOO_BIG = "文件超过 {mb} MB，太大了。请拆成几个小文件分批导入。"
QA_TOO_MANY_ROWS = (
    "表格超过 {limit} 行数据，一次最多导入 {limit} 行。请把它拆成几个文件（每个不超过 {limit} 行，"
    "每个文件都保留第一行的表头），分批导入。"
)
QA_BROKEN_XLSX = "无法读取这个 Excel 文件，它可能已损坏。请用 Excel 打开它，另存为新的 .xlsx 后再导入。"
QA_NO_SHEET = "这个 Excel 文件里没有工作表。"
QA_BAD_ENCODING = "第 {row} 行附近有无法识别的文字编码。请在 Excel 里“另存为”“CSV UTF-8（逗号分隔）”后再导入。"
QA_BAD_CSV = "CSV 文件第 {row} 行格式有误（{detail}）。请用 Excel 打开检查，重新另存为 CSV 后再导入。"
QA_CSV_DETAIL = "引号不成对，或者某个单元格太长"
QA_MERGED = "表格里有合并的单元格：{cells}。请选中这些单元格，取消合并，并在每个单元格里填上各自的内容后再导入。"
QA_MISSING_HEADERS = "第 {row} 行是表头，但缺少必填的列：{missing}。表头应依次为：{expected}（可以下载模板对照）。"
QA_DUPLICATE_HEADER = "表头里「{name}」出现了不止一次，请只保留一列。"
QA_LIST_SEPARATOR = "、"
QA_AND_MORE = "等 {n} 处"
# Why one row is skipped (shown as 行 / 列 / 原因)
QA_REQUIRED = "{column}不能为空。"
QA_TOO_LONG = "{column}有 {length} 个字，最多 {limit} 个字，请精简。"
QA_PARAPHRASE_TOO_LONG = "问法「{text}…」有 {length} 个字，每个问法最多 {limit} 个字。"
QA_UNKNOWN_ARTICLE = (
    "知识库里没有文章「{article}」。请填写文章编号（入门文章的文件名去掉扩展名，如 biology-giant-panda）"
    "或已上传文档的文件名；可以在“文档管理”里查看。"
)
QA_BAD_VERDICT = "结论「{value}」无效：只能填 {allowed}，或者留空。"
QA_CLAIM_NEEDED = "填了结论，就要在“被判断的说法”里写出它判断的那句话（例如：喝醋能软化血管）。"
QA_CLAIM_WITHOUT_VERDICT = "填了被判断的说法，却没有结论：请补上结论（{allowed}），或者清空这一格。"
QA_BAD_DATE = "复核日期「{value}」不是有效的日期，请写成 YYYY-MM-DD，例如 {example}。"
QA_FORMULA = "公式没有计算结果，请在 Excel 里另存为数值（单元格 {cell}）。"
QA_CELL_ERROR = "单元格 {cell} 是 Excel 的错误值 {value}，请改成正确的内容。"
QA_DUPLICATE_ROW = "与第 {first} 行的问题相同：同一个问题在文件里只能出现一次（别的问法请写进“其他问法”）。"
QA_EXAMPLE_MARK = "【示例】"
QA_EXAMPLE_ROW = "这是模板里的示例行，请删除或改写成你自己的问答。"
QA_NOTHING_TO_IMPORT = "没有可以导入的行：请先按检查结果修改表格。"
QA_NEED_FILE = "请先选择要导入的表格文件。"
# Dry run and import results
QA_PLAN_SUMMARY = "检查完毕（尚未导入）：{ok} 行可导入，{bad} 行有问题。"
QA_PLAN_UPDATES = "其中 {n} 行的问题与已有的解答相同，导入时会更新那些解答。"
QA_PLAN_SHOWN = "下表列出了有问题的地方（显示前 {shown} 条，共 {total} 条）。有问题的行不会导入，其余的行可以照常导入。"
QA_RESULT = "已导入 {n} 行：新建 {created} 条，更新已有的解答 {updated} 条。"
QA_RESULT_UPDATED = "被更新的解答：{rows}。"
QA_RESULT_UPDATED_ROW = "第 {row} 行 → #{id}"
QA_RESULT_DRAFT = "新建的解答是草稿：在“审核解答”里检查并发布后才会对公众生效（被更新的已发布解答立即生效）。"
QA_RESULT_PUBLISHED = "这些解答已全部发布，下一位提出相同问题的市民就会收到。"
QA_RESULT_SKIPPED = "{n} 行有问题，已跳过（见下表）。"
# Template and export files
QA_SHEET = "问答"
QA_HELP_SHEET = "填写说明"
QA_TEMPLATE_FILE = "科普问答导入模板.{ext}"
QA_EXPORT_FILE = "科普问答导出-{date}.{ext}"
QA_HELP_LINES = (
    "每一行是一条审核过的问答。第一行是表头，请不要改动。",
    "问题（必填）：市民最常见的问法，最多 500 个字。",
    "其他问法：同一个问题的其他说法，在格子里每行写一个（Alt+回车换行），也可以用“｜”隔开。",
    "解答（必填）：审核过的解答，最多 4000 个字。",
    "引用文章：知识库里的文章编号（入门文章的文件名去掉扩展名）或已上传文档的文件名，多篇用逗号、顿号或换行隔开。",
    "结论：真、假、部分正确、尚无定论，或者留空；辟谣类问答才需要填。",
    "被判断的说法：结论判断的那句话，例如“喝醋能软化血管”。填了结论就必须填。",
    "复核日期：这条解答应在哪天前重新核对，写成 YYYY-MM-DD；留空则为导入日起 12 个月。",
    "一次最多导入 5000 行；不要合并单元格；公式请先另存为数值。示例行导入前请删除或改写。",
    "问题与已有解答相同的行会更新那条解答；导入的新解答默认是草稿，选“导入并发布”则直接发布。",
)
QA_EXAMPLES = (
    {
        "question": "【示例】大熊猫属于食肉动物，为什么几乎只吃竹子？",
        "paraphrases": "熊猫不是食肉目吗，为啥天天啃竹子？\n大熊猫一天要吃多少竹子？",
        "answer": "大熊猫在分类上属于食肉目，但在野外，竹子占它食物的99%以上。竹子营养少，"
                  "成年大熊猫每天要花十几个小时进食，吃下十几千克竹子。",
        "articles": "biology-giant-panda",
        "verdict": "",
        "claim": "",
    },
    {
        "question": "【示例】杂交水稻是转基因水稻吗？",
        "paraphrases": "袁隆平的杂交稻算不算转基因？",
        "answer": "不是。杂交水稻是用两个遗传上有差异的水稻亲本，通过传统杂交方法培育的，"
                  "并没有把其他生物的基因转进去，不属于转基因水稻。",
        "articles": "agri-hybrid-rice",
        "verdict": "假",
        "claim": "杂交水稻是转基因水稻",
    },
)
# The console tab 批量导入导出
QA_TAB = "批量导入导出"
QA_HINT = (
    "用 Excel 表格批量导入、导出审核过的问答。先下载模板照着填写；上传后先“检查”，看清哪些行有问题，"
    "再选择“导入（存为草稿）”或“导入并发布”。整批导入要么全部写入，要么（出错时）一条也不写入。"
)
QA_FORMAT = "文件格式"
QA_TEMPLATE_BUTTON = "下载模板"
QA_UPLOAD = "要导入的表格（.xlsx 或 .csv）"
QA_CHECK = "检查（不导入）"
QA_IMPORT = "导入（存为草稿）"
QA_IMPORT_PUBLISH = "导入并发布"
QA_PROBLEM_COLUMNS = ("行", "列", "原因")
QA_EXPORT_SCOPE = "导出范围"
QA_EXPORT_ALL = "全部解答"
QA_EXPORT_PUBLISHED = "仅已发布的解答"
QA_EXPORT_BUTTON = "导出"
QA_FILE = "文件"


# --- Hit test (命中测试) and the regression of published answers (communicator loop, part 7b/7c) ---
# bot/curation/service.py, bot/curation/regression.py, bot/cli/curated_regression.py, the dashboard
HIT_TEST_UNAVAILABLE = "命中测试暂不可用：后台没有接上回答服务。"
REGRESSION_SUMMARY = (
    "回归检查：共 {cases} 条问法，{passed} 条仍命中自己的解答，{failed} 条未命中（用时 {seconds:.0f} 秒）。"
)
REGRESSION_LAST_RUN = "上次回归检查：{when}（UTC），{cases} 条中 {failed} 条未命中。"
REGRESSION_GOT_OTHER = "另一条解答 #{id}：{question}"
REGRESSION_OUTCOMES = {
    "declined": "暂无可靠答案（拒答）",
    "quoted": "资料摘录（不是审核解答）",
    "safety": "只有安全提示",
    "blocked": "敏感内容拒答",
    "error": "无法提问",
}
REGRESSION_WITHDRAWN = "（这条解答已不再发布）"
REGRESSION_PROGRESS = "已重问 {done}/{total} 条问法"
REGRESSION_NO_CASES = "没有已发布的审核解答，无需回归检查。"
REGRESSION_CLI_DESCRIPTION = (
    "回归检查：把每条已发布审核解答的标准问题和其他问法重新问一遍（不计入提问记录），"
    "列出不再得到自己解答的问法；有未命中时退出码为 1。"
)
REGRESSION_CLI_FAILURE = "未命中：#{id}「{question}」的问法「{phrasing}」 → {got}"

HIT_TEST_COMPOSERS = {
    "curated": "直接给出已发布的审核解答",
    "extractive": "摘录知识库原文",
    "llm": "AI 依据检索到的资料归纳",
    "fallback": "AI 归纳失败，改为摘录原文",
    "none": "没有组织回答",
}
HIT_TEST_NOT_COMPOSED = {
    "no_answer": "：资料证据不足，回答“暂无可靠答案”",
    "safety": "：只给安全提示",
    "blocked": "：问题含敏感内容，礼貌拒答",
}
HIT_TEST_LEVELS = {
    "emergency": "紧急情况",
    "danger": "危险情况",
    "self_harm": "自伤风险",
    "personal_medical": "个人医疗问题",
    "harmful_request": "有害请求",
    "none": "无",
}


class HitTest:
    """The console's 命中测试 tab (bot/web/console/hit_test.py)."""

    TAB = "命中测试"
    HINT = (
        "输入一个问题，看市民会得到什么回答，以及为什么：安全分级、敏感词、审核解答的候选、检索到的资料、"
        "拒答判断和回答方式。测试的提问不计入提问记录和数据看板。"
    )
    QUESTION = "要测试的问题"
    EARLIER = "上一轮问题（可选：测试追问时填写）"
    RUN = "测试"
    H_ANSWER = "#### 市民看到的回答"
    EARLIER_ANSWER = "上一轮的回答"
    H_RESULT = "#### 结果"
    H_TRIAGE = "#### 安全分级与敏感词"
    H_CURATED = "#### 审核解答匹配"
    H_PASSAGES = "#### 检索到的资料"
    H_GATE = "#### 拒答判断"
    H_REGRESSION = "#### 回归检查"
    RESULT_MODE = "**回答类型**：{mode}"
    CURATED_ID = "（解答 #{id}）"
    RESULT_COMPOSER = "**回答方式**：{composer}"
    FALLBACK_REASON = "（原因：{reason}）"
    RESULT_QUERY = "**按这个问题匹配和检索**：{query}"
    RESULT_TIME = "**用时**：{ms:.0f} 毫秒"
    TRIAGE_LINE = "**安全分级**：{level}（置信度 {confidence:.2f}）"
    TRIAGE_SITUATION = "，情形：{situation}"
    TRIAGE_INHERITED = "，沿用上一轮的分级"
    SCORES_HEAD = "| 级别 | 模型概率 |"
    SENSITIVE_NONE = "**敏感词**：未命中"
    SENSITIVE_HIT = "**敏感词**：命中 {terms}"
    SENSITIVE_REFUSED = "，问题被礼貌拒答"
    SENSITIVE_SKIPPED = "，但安全分级优先（紧急情况照常回答，自伤和有害请求只给安全提示），没有按敏感词拒答"
    CURATED_SKIPPED = "没有进行审核解答匹配（问题在此之前已由安全分级或敏感词处理，或匹配已关闭）。"
    CURATED_BY_MODEL = (
        "判定方式：匹配模型。概率不低于 {answer_at:.2f} 时直接给出解答；"
        "不低于 {suggest_at:.2f} 时列入“你是不是想问”。"
    )
    CURATED_BY_COSINE = (
        "判定方式：相似度阈值（当前的向量模型没有训练好的匹配模型）。"
        "与某条解答的问法相似度不低于 {answer_at:.2f} 时直接给出解答。"
    )
    CANDIDATE_COLUMNS = ("编号", "解答的问题", "相似度", "概率", "结果")
    CANDIDATE_ANSWERED = "给出解答"
    CANDIDATE_OFFERED = "你是不是想问"
    PASSAGE_COLUMNS = ("名次", "标题", "文章", "向量相似度", "关键词得分", "融合得分", "交给回答", "被引用", "小标题",
                       "片段开头")
    YES = "是"
    COMPOSERS = HIT_TEST_COMPOSERS
    NOT_COMPOSED = HIT_TEST_NOT_COMPOSED
    LEVELS = HIT_TEST_LEVELS
    GATE_SKIPPED = "没有检索资料，也就没有拒答判断（已给出审核解答，或问题在此之前已处理）。"
    GATE_LINE = (
        "证据 {evidence:.3f} = 向量最高相似度 {dense:.3f} + {weight:.2f} × ln(1 + 关键词最高得分 {keyword:.2f})；"
        "阈值 {threshold:.3f}"
    )
    GATE_PASSED = " → **通过**，组织回答。"
    GATE_FAILED = " → **未通过**，回答“暂无可靠答案”。"
    GATE_NOT_CONSULTED = " → 紧急情况下不看证据，只给急救提示。"
    REGRESSION_HINT = (
        "把每条已发布解答的标准问题和其他问法重新问一遍（不计入提问记录），列出不再得到自己解答的问法。"
        "上次检查后被删掉的问法、被撤下的解答的问法也会再问一次，看市民现在得到什么。全部问完需要一两分钟。"
    )
    REGRESSION_BUTTON = "回归检查（重问全部已发布解答）"
    REGRESSION_ALL_PASSED = "全部问法都命中了自己的解答。"
    REGRESSION_NEVER = "还没有做过回归检查。"
    FAILURE_COLUMNS = ("编号", "解答的问题", "问法", "现在得到", "回答开头", "新出现")

# ---- the communicator loop: tickets, roles, assignment, four-eyes review (issue 14) --------------------
WORKFLOW_CANNOT_SUBMIT = "当前状态为「{status}」，不能提交审核：只有草稿或被退回的解答可以提交。"
WORKFLOW_CANNOT_RETURN = "当前状态为「{status}」，不能退回：只有待审核的解答可以退回。"
WORKFLOW_CANNOT_PUBLISH = "当前状态为「{status}」，不能发布：请先提交审核，由审核员发布。"
WORKFLOW_FOUR_EYES = "不能审核自己撰写的解答：请由另一位审核员发布（双人审核）。"
ACCOUNT_BAD_ROLE = "没有「{role}」这个角色，可选：{roles}"
ACCOUNT_NO_ROLE = "账号至少要有一个角色。"
ACCOUNT_BAD_TOPIC = "主题「{topic}」的写法不对：请用文章分类的英文名，如 health、weather。"
ACCOUNT_LAST_ADMIN = "这是最后一个管理员账号，不能去掉它的管理员角色。"
ACCOUNT_LAST_ADMIN_DISABLE = "这是最后一个管理员账号，不能停用：请先给另一个账号管理员角色。"
ROLE_LABELS = {"admin": "管理员", "curator": "科普传播员", "expert": "专家", "reviewer": "审核员"}
TICKET_OPENED = "您的提问编号：{code}。科普传播员和专家解答后，可以在「我的提问」里查看答案。"
FORBIDDEN = "您的账号（角色：{roles}）不能做这项操作。需要时请联系管理员调整角色。"
WORKFLOW_NOT_AN_EXPERT = "「{name}」不是可用的专家账号（不存在、已停用或没有专家角色）。"
WORKFLOW_GROUP_GONE = "这组问题已不在待处理队列里（可能已被分派或已解答），请刷新后再试。"
WORKFLOW_DUE_PAST = "截止时间必须晚于现在。"
WORKFLOW_NO_ASSIGNMENT = "没有这项分派任务（或不是分派给您的）。"
WORKFLOW_NO_ANSWER = "没有这条解答（或您无权查看）。"
WORKFLOW_ASSIGNMENT_CLOSED = "这项分派任务已结束（已发布或已取消），不能再起草。"
WORKFLOW_NEEDS_SUPPORT = "请关联至少一篇支持的文章，或标记为「专家意见」。"
WORKFLOW_NEEDS_COMMENT = "退回时请写明原因，方便作者修改。"
TICKET_STATUS = {"received": "已收到", "in_progress": "解答中", "answered": "已解答"}
TICKET_ANSWER_WITHDRAWN = "这条解答已被撤下复核，更新后会重新显示。"
EXPERT_OPINION = "专家意见：{name}"
TIMELINESS_ALL = "全部"
TIMELINESS_NO_TOPIC = "未分类"
TIMELINESS_UNASSIGNED = "未分派"

# --- Curation JSON API (/curator/api, bot/web/curation_api.py; issue 14, items 1 and 8) ---
API_TOKEN_REFUSED = "API 令牌无效、已被更换或账号已停用：请用 askscience accounts token 重新签发。"
API_CSRF_REQUIRED = ("用登录状态（Cookie）调用本接口时，POST 请求必须带本站的 Origin 请求头"
                     "或 X-Requested-With 请求头；脚本调用请改用 API 令牌。")
API_BAD_JSON = "请求内容必须是一个 JSON 对象。"
API_BAD_FIELD = "字段「{field}」缺失或格式不正确。"
API_UNKNOWN_FIELD = "请求里有本接口不认识的字段，请对照接口文档检查。"
API_BAD_QUERY = "查询参数「{name}」不正确。"
API_NOT_AN_EXPERT = "指定的账号不是可用的专家账号（不存在、已停用或没有专家角色）。"
API_NO_ROUTE = "没有这个接口。"


# --- Communicator loop, the console's loop tabs (bot/web/console/assign, drafting, reviewing, accounts, timeliness,
# freshness): what curators, experts, reviewers and administrators read ---
class Loop:
    """Labels of the console's loop tabs: 分派, 我的任务, 待审核, 账号, 时效, 到期复核."""

    TAB_ASSIGN = "分派"
    TAB_TASKS = "我的任务"
    TAB_INBOX = "待审核"
    TAB_ACCOUNTS = "账号"
    TAB_TIMELINESS = "时效"
    TAB_FRESHNESS = "到期复核"
    UTC = "%Y-%m-%d %H:%M"

    # 分派
    ASSIGN_HINT = ("市民没能得到答案的提问按意思分组，每组带着市民拿到的提问编号。选中一组，挑一位专家"
                   "（擅长这个主题的排在前面），定好截止时间后分派；之后同一意思的新提问会自动跟进这项任务。")
    QUEUE_COLUMNS = ("问题（最近的问法）", "提问次数", "主题", "提问编号数", "提问编号", "建议专家")
    ASSIGN_PICKED = "选中的问题"
    ASSIGN_EXPERT = "分派给专家"
    ASSIGN_DUE = "截止时间（UTC，如 2026-01-31 18:00）"
    ASSIGN_BUTTON = "分派"
    ASSIGN_DONE = "已分派给 {expert}（任务 #{id}，截止 {due} UTC）：{n} 个提问编号转为「解答中」。"
    ASSIGN_PICK_FIRST = "请先在上面的列表里选中一组问题。"
    ASSIGN_PICK_EXPERT = "请选择一位专家。"
    ASSIGN_NO_EXPERTS = "还没有专家账号：请管理员在「账号」里新建一个带专家角色的账号。"
    ASSIGN_BAD_DUE = "截止时间的格式不对，请写成 2026-01-31 18:00 这样（UTC）。"
    ASSIGN_OPEN_TITLE = "#### 进行中的分派"
    ASSIGNMENT_COLUMNS = ("任务", "问题", "专家", "主题", "截止时间（UTC）", "进度", "提问编号数", "解答状态")
    OVERDUE = "⏰ 已逾期"
    ON_TIME = "进行中"
    NO_DRAFT = "尚未起草"
    ASSIGNMENT_PICKED = "选中的任务"
    REASSIGN_TO = "改派给"
    REASSIGN_BUTTON = "改派"
    CANCEL_BUTTON = "取消分派（提问退回队列）"
    REASSIGNED = "任务 #{id} 已改派给 {expert}。"
    CANCELLED = "任务 #{id} 已取消，它的提问回到待分派队列。"
    ASSIGNMENT_PICK_FIRST = "请先在进行中的分派里选中一项任务。"

    # 我的任务
    TASKS_HINT = ("分派给您的问题。选中一项，可以看到市民的提问、他们当时得到的回复和知识库里最接近的段落；"
                  "写好解答后保存草稿，再提交审核。审核员发布后，持有提问编号的市民就能看到答案。")
    TASK_COLUMNS = ("任务", "问题", "专家", "截止时间（UTC）", "进度", "提问编号数", "解答状态", "审核意见")
    TASK_QUESTIONS = "#### 市民的提问"
    TASK_TOLD = "#### 他们当时得到的回复"
    TASK_PASSAGES = "#### 知识库里最接近的段落"
    TASK_NOTHING_TOLD = "（没有记录）"
    TASK_NO_PASSAGES = "（知识库里没有相关段落：没有可引用的文章时，可以勾选「专家意见」。）"
    TASK_PASSAGE = "- **{title}**（文章编号 {source}，相似度 {score:.2f}）：{text}"
    TASK_RETURNED = "⚠️ 审核员退回了这条解答：{comment}"
    FIELD_TASK = "任务编号"
    FIELD_ANSWER_ID = "解答编号（首次保存后生成）"
    FIELD_QUESTION = "标准问题"
    FIELD_PHRASINGS = "其他问法（每行一个，让以后意思相同的提问也能命中这条解答）"
    FIELD_ANSWER = "解答"
    FIELD_ARTICLES = "引用文章编号（逗号分隔）"
    FIELD_EXPERT_OPINION = "专家意见：没有可引用的文章，解答以我的专业判断为依据（署名公开）"
    SAVE_DRAFT = "保存草稿"
    SUBMIT = "提交审核"
    DRAFT_SAVED = "草稿已保存（#{id}）。写好后请点「提交审核」。"
    SUBMITTED = "已提交审核（#{id}）：审核员发布后，{n} 位市民就能用提问编号看到答案。"
    TASK_PICK_FIRST = "请先在列表里选中一项任务。"

    # 待审核
    INBOX_HINT = ("专家提交的解答，最早提交的排在前面。发布前请核对内容和依据；自己写的解答要由另一位审核员发布"
                  "（双人审核）。退回时请写明原因，作者会在「我的任务」里看到。")
    INBOX_COLUMNS = ("编号", "问题", "作者", "依据", "提交时间（UTC）")
    INBOX_VIEW = ("### {question}\n\n**作者：** {author}　**提问编号：** {tickets}\n\n**其他问法：** {phrasings}\n\n"
                  "**依据：** {sources}\n\n---\n\n{answer}")
    INBOX_NONE = "无"
    PUBLISH = "发布"
    RETURN = "退回"
    RETURN_COMMENT = "退回意见（退回时必填）"
    PUBLISHED = "已发布（#{id}）：等待这条解答的市民现在可以用提问编号看到它，意思相同的新提问也会得到它。"
    RETURNED = "已退回（#{id}）给 {author}。"
    INBOX_PICK_FIRST = "请先在列表里选中一条待审核的解答。"

    # 账号
    ACCOUNTS_HINT = ("管理后台账号：科普传播员分派问题，专家起草解答，审核员发布。每项修改都记入操作记录。"
                     "停用的账号立即退出登录。")
    ACCOUNT_COLUMNS = ("账号", "显示名", "角色", "主题", "状态", "创建时间（UTC）", "API 令牌")
    ACCOUNT_ON = "启用"
    ACCOUNT_OFF = "已停用"
    TOKEN_SET = "已签发"
    TOKEN_NONE = "—"
    FIELD_USERNAME = "账号（字母、数字、._-，2 到 32 位）"
    FIELD_DISPLAY = "显示名（市民可能看到，如：王老师）"
    FIELD_PASSWORD = "初始密码（至少 8 位，新建时填写）"
    FIELD_ROLES = "角色"
    FIELD_TOPICS = "擅长的主题（专家）"
    ADD = "新建账号"
    SAVE_ROLES = "保存角色和主题"
    DISABLE = "停用"
    ENABLE = "启用"
    ISSUE_TOKEN = "签发 API 令牌"
    TOKEN_FIELD = "API 令牌（只显示这一次）"
    ADDED = "已新建账号 {name}。"
    ROLES_SAVED = "已更新 {name} 的角色和主题。"
    DISABLED = "已停用 {name}，它的登录已失效。"
    ENABLED = "已启用 {name}。"
    TOKEN_ISSUED = "已为 {name} 签发新的 API 令牌，旧令牌立即失效。令牌只显示这一次，请马上复制保存。"
    ACCOUNT_PICK_FIRST = "请先在列表里选中一个账号，或填写账号名。"

    # 时效
    TIMELINESS_HINT = "市民拿到提问编号后多久得到解答：按主题、按专家统计近 {days} 天的提问编号。"
    TIMELINESS_SUMMARY = ("近 {days} 天共 {tickets} 个提问编号：未解答 {open} 个（其中逾期 {overdue} 个），"
                          "已解答 {answered} 个；解答用时中位数 {median}，{share} 在 {due:g} 小时内解答。")
    HOURS = "{h:g} 小时"
    NOT_YET = "—"
    BY_TOPIC = "各主题的提问编号"
    BY_EXPERT = "各专家的解答用时（中位数，小时）"
    BY_EXPERT_TICKETS = "各专家的提问编号"
    CHART_NAME = "名称"
    CHART_TOPIC = "主题"
    CHART_EXPERT = "专家"
    CHART_STATE = "状态"
    CHART_TICKETS = "提问编号数"
    CHART_HOURS = "用时中位数（小时）"
    STATE_ANSWERED = "已解答"
    STATE_OPEN = "未解答（未逾期）"
    STATE_OVERDUE = "已逾期"
    TIMELINESS_COLUMNS = ("分组", "名称", "提问编号", "未解答", "逾期", "已解答", "用时中位数（小时）", "按时解答比例")
    GROUP_TOPIC = "主题"
    GROUP_EXPERT = "专家"

    # 到期复核
    FRESHNESS_HINT = ("已发布的解答和文章过了复核日期：请核对内容是否仍然准确。解答在「审核解答」里按编号修改"
                      "（设新的复核日期）或撤下；文章修订后重新上传。")
    FRESHNESS_COLUMNS = ("类别", "编号", "问题或标题", "复核日期", "逾期天数", "最近审核人", "上次审核或更新")
    FRESHNESS_NONE = "没有过了复核日期的已发布解答或文章。"
    FRESHNESS_COUNT = "有 {n} 条已发布的解答或文章过了复核日期（没有单独设日期的，按上次审核后 12 个月计）。"

    # 审核解答 (the existing tab, with four-eyes review)
    CURATED_HINT = ("新写的解答先存为草稿，提交审核后由另一位审核员发布，发布后立即生效；"
                    "修改已发布的解答会直接更新线上内容。")
    CURATED_SUBMIT = "提交审核"
    CURATED_SUBMITTED = "已提交审核（#{id}）：请由另一位审核员在「待审核」里发布。"

# --- The citizen's side of tickets: 我的提问 and the ticket API (issue 14, item 2; bot/web/tickets.py, chat.py) ---
TICKET_NOT_FOUND = "没有找到这个编号。请核对编号是否抄写正确。"  # the same for unknown and malformed codes
TICKET_OPENED_EMBED = (
    "您的提问编号：{code}。请记下这个编号：科普传播员和专家解答后，"
    "在[科学问答主页](/)的「我的提问」里添加这个编号，就能看到答案。"
)
FEEDBACK_TICKET = "谢谢你的反馈！提问编号：{code}。科普传播员和专家会重新核实，进展可以在「我的提问」里查看。"
REPORT_TICKET = "谢谢！已转给科普传播员核实。提问编号：{code}，进展可以在「我的提问」里查看。"
ASK_TAB = "提问"
MY_QUESTIONS_TAB = "我的提问"
MY_QUESTIONS_INTRO = (
    "这里列出这个浏览器收到过的提问编号，最新的在最上面。编号只保存在这台设备的浏览器里，不需要账号，"
    "也不保存您的个人信息。科普传播员和专家解答并审核后，答案会显示在这里。"
)
MY_QUESTIONS_EMPTY = (
    "还没有提问编号。暂时没有可靠答案的问题、点了 👎 或报告了问题的回答，都会得到一个编号，并显示在这里。"
)
MY_QUESTIONS_REFRESH = "刷新"
MY_QUESTIONS_ADD_LABEL = "添加编号（例如在别的设备上收到的）"
MY_QUESTIONS_ADD_PLACEHOLDER = "例如 Q7K-3F2"
MY_QUESTIONS_ADD = "添加"
MY_QUESTIONS_BAD_CODE = "编号的格式不对：编号是 6 位字母和数字，例如 Q7K-3F2。"
MY_QUESTIONS_ADDED = "已添加编号 {code}。"
MY_QUESTIONS_ALREADY = "编号 {code} 已经在列表里了。"
MY_QUESTIONS_UNKNOWN = "没有找到这个编号"
MY_QUESTIONS_REMOVE_LABEL = "移除编号 {code}"
MY_QUESTIONS_REMOVED = "已移除编号 {code}。"
MY_QUESTIONS_CODE = "编号 {code}"
MY_QUESTIONS_QUESTION = "您的问题："
MY_QUESTIONS_ANSWER = "审核后的解答"
MY_QUESTIONS_ANSWERED_ON = "（{date} 解答）"
MY_QUESTIONS_SOURCES = "出处："
MY_QUESTIONS_WAITING = {
    "received": "已收到，科普传播员会安排专家解答。",
    "in_progress": "专家正在解答，审核通过后答案会显示在这里。",
}
MY_QUESTIONS_RATE_LIMITED = "查询太频繁了，请 {seconds} 秒后再点「刷新」。"
MY_QUESTIONS_UNAVAILABLE = "暂时查不到提问的进展，请稍后再点「刷新」。"
FRESHNESS_KINDS = {"answer": "审核解答", "article": "文章"}  # the kinds of item the 到期复核 tab lists

