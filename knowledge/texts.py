"""Every string a citizen or curator reads, in Simplified Chinese, kept in one place."""

# Ingestion reasons (shown in the CLI report and in the curator console)
INGEST_EMPTY = "文件是空的（没有可读的文字），已跳过。"
INGEST_BINARY = "这不是文本文件（内容是二进制数据），请确认文件类型是否正确。"
INGEST_UNDECODABLE = "无法识别文件的文字编码（试过 UTF-8、UTF-16、GB18030/GBK），请另存为 UTF-8 后再上传。"
INGEST_UNSUPPORTED = "不支持的文件类型「{suffix}」；支持 .txt .md .html .htm .pdf .docx。"
INGEST_SCANNED_PDF = "这个 PDF 没有文字层（可能是扫描件或图片），需要先做 OCR 文字识别才能入库。"
INGEST_ENCRYPTED_PDF = "这个 PDF 已加密，请先去除密码保护再上传。"
INGEST_BROKEN_PDF = "PDF 文件已损坏，无法读取：{detail}"
INGEST_BROKEN_DOCX = "Word 文件已损坏或不是 .docx 格式：{detail}"
INGEST_DOCX_TOO_LARGE = "Word 文件解压后过大（可能是压缩炸弹），已拒绝。"
INGEST_FRONT_MATTER = "文件开头的 YAML 元数据格式有误：{detail}"
INGEST_UNREADABLE = "无法读取文件：{detail}"
INGEST_NO_TEXT_AFTER_CLEAN = "清洗后没有剩下可用的正文。"
INGEST_STORE_FAILED = "写入知识库失败：{detail}"

# Ingestion report
REPORT_INGESTED = "已入库"
REPORT_UNCHANGED = "未变化"
REPORT_FAILED = "失败"
REPORT_PRUNED = "已移除（文件已不存在）"
PROGRESS_FILES = "文件"
PROGRESS_CHUNKS = "片段"

# Answers
NO_ANSWER = "知识库里暂时没有关于这个问题的可靠资料，我们不想凭空猜测。这个问题已经记录下来，科普传播员会尽快补充。"
NO_ANSWER_RELATED = "你也可以看看这些相关主题：{topics}"
EXTRACTIVE_NOTICE = "以下内容摘录自知识库中的科普文章，方括号里的数字是出处。"
LLM_FALLBACK_NOTICE = "AI 归纳服务暂时不可用，下面改为直接摘录知识库原文。"
LLM_UNCITED_NOTICE = "提示：这段 AI 归纳没有找到对应的出处，请以下方资料原文为准。"
CURATED_NOTICE = "这是经过科普传播员审核的解答。"
MEDICAL_DISCLAIMER = "以上为科普信息，不能代替医生的诊断和治疗；身体不适请及时就医。"
EMERGENCY_POINTER = "如果现在有人出现胸痛、呼吸困难、昏迷、大出血、中毒等紧急情况，请立即拨打 120 急救电话。"
SELF_HARM_POINTER = (
    "如果你正感到绝望或有伤害自己的想法，请立刻联系身边信任的人，或拨打全国统一心理援助热线 12356；"
    "情况紧急请拨打 120 或 110。你并不孤单，愿意倾听的人一直都在。"
)
FIRE_POINTER = "如果现场有火灾或燃气泄漏，请先离开危险区域并拨打 119。"

# Question validation (shown to citizens)
QUESTION_EMPTY = "请先输入你的问题。"
QUESTION_TOO_LONG = "问题太长了（超过 {limit} 个字），请简要描述你想了解的内容。"
SERVICE_BUSY = "现在提问的人比较多，请稍后再试。"
SERVICE_ERROR = "抱歉，系统出了点问题，请稍后再试。"

MODE_LABELS = {
    "curated": "已审核解答",
    "extractive": "资料摘录",
    "llm": "AI 归纳",
    "no_answer": "暂无可靠答案",
}
