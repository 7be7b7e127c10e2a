import pytest

from ingest.splitter import split_sentences, split_text


def test_sentence_boundaries_keep_closing_quotes() -> None:
    text = "他说：“今天会下雨。”然后出门了！圆周率约为3.14。真的吗？？"
    assert split_sentences(text) == ["他说：“今天会下雨。”", "然后出门了！", "圆周率约为3.14。", "真的吗？？"]


def test_ascii_terminators() -> None:
    assert split_sentences("Is it safe? Yes. 好的!") == ["Is it safe?", "Yes.", "好的!"]


def _sentences(n: int) -> str:
    return "".join(f"这是第{i}句话，用来测试切分是否只在句子边界发生。" for i in range(n))


def test_chunks_end_on_sentence_boundaries_within_size() -> None:
    chunks = split_text(_sentences(40), chunk_size=120, chunk_overlap=30)
    assert len(chunks) > 5
    for chunk in chunks:
        assert len(chunk.text) <= 120
        assert chunk.text.endswith("。")
        assert chunk.text.startswith("这是第")


def test_overlap_repeats_whole_sentences() -> None:
    chunks = split_text(_sentences(20), chunk_size=120, chunk_overlap=30)
    first_last = split_sentences(chunks[0].text)[-1]
    assert split_sentences(chunks[1].text)[0] == first_last


def test_every_sentence_is_kept() -> None:
    text = _sentences(30)
    chunks = split_text(text, chunk_size=100, chunk_overlap=0)
    assert "".join(c.text for c in chunks) == text


def test_overlong_sentence_is_cut_at_commas() -> None:
    long_sentence = "，".join(["一段很长的并列内容"] * 40) + "。"
    chunks = split_text(long_sentence, chunk_size=100, chunk_overlap=0)
    assert all(len(c.text) <= 100 for c in chunks)
    assert "".join(c.text for c in chunks) == long_sentence


def test_heading_context_is_carried() -> None:
    text = "# 雷电\n\n## 室外避险\n\n不要在大树下避雨。\n\n## 室内避险\n\n关好门窗。"
    chunks = split_text(text, chunk_size=200, chunk_overlap=0)
    assert [(c.heading, c.text) for c in chunks] == [("室外避险", "不要在大树下避雨。"), ("室内避险", "关好门窗。")]


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_text_gives_no_chunks(text: str) -> None:
    assert split_text(text) == []
