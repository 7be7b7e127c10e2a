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
