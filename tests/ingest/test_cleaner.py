
import pytest

from ingest.cleaner import clean_text, normalise_width
from tests.conftest import ROOT, SHARED

FIXTURE = SHARED / "fixtures" / "newspaper_extraction.txt"
GOLDEN = ROOT / "tests" / "data" / "newspaper_cleaned.txt"


@pytest.mark.skipif(not FIXTURE.exists(), reason=f"needs the shared newspaper fixture at {FIXTURE} "
                    "(present in CI, absent in a clone on its own)")
class TestNewspaperFixture:
    @pytest.fixture(scope="class")
    @classmethod
    def cleaned(cls) -> str:
        return clean_text(FIXTURE.read_text(encoding="utf-8"))

    def test_matches_hand_checked_golden_output(self, cleaned: str) -> None:
        assert cleaned + "\n" == GOLDEN.read_text(encoding="utf-8")

    def test_sentences_broken_across_lines_are_joined(self, cleaned: str) -> None:
        assert "习近平总书记来川视察重要指示精神和省委十二届二次" in cleaned
        assert "还面临诸多挑战和困难，尤其是平台功能不强" in cleaned
        assert "全员全程“保姆式”服务" in cleaned
        assert "培育自循环有效科技市场为目标" in cleaned

    def test_caption_moved_out_of_the_sentence_not_lost(self, cleaned: str) -> None:
        assert "困培训会现场" not in cleaned
        paragraphs = cleaned.split("\n\n")
        assert "培训会现场。" in paragraphs

    def test_advert_block_dropped(self, cleaned: str) -> None:
        assert "WORLD SCIENCE FICTION" not in cleaned
        assert "Meet The Future" not in cleaned
        assert cleaned.endswith("（汤莉华 黄梅兰 本报记者 廖梅）")

    def test_ascii_commas_inside_chinese_become_full_width(self, cleaned: str) -> None:
        assert "成果，深入贯彻" in cleaned
        assert "," not in cleaned

    def test_no_real_content_lost(self, cleaned: str) -> None:
        original = FIXTURE.read_text(encoding="utf-8")
        lines = original.splitlines()
        byline = next(i for i, line in enumerate(lines) if "本报记者" in line)
        squash = lambda s: "".join(normalise_width(s).split())  # noqa: E731
        body = squash(cleaned)
        assert squash(lines[byline]) in body
        for line in lines[:byline]:
            piece = squash(line)
            if piece:
                assert piece in body, line


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("天空为什么\n是蓝色的？因为散射。", "天空为什么是蓝色的？因为散射。"),
        ("第一段说完了。\n\n第二段也完整。", "第一段说完了。\n\n第二段也完整。"),
        ("ＰＭ２.５浓度升高时,应减少外出.", "PM2.5浓度升高时，应减少外出。"),
        ("会议于10:30开始,共有(三个)议题。", "会议于10:30开始，共有（三个）议题。"),
        ("正文第一页讲到地震波分为纵波和横波两种，纵波传播速度快，横波\n\n- 3 -\n\n破坏力更强。", "正文第一页讲到地震波分为纵波和横波两种，纵波传播速度快，横波破坏力更强。"),
        ("# 标题\n\n- 要点一\n- 要点二", "# 标题\n\n- 要点一\n- 要点二"),
        ("Rayleigh scattering makes the sky\nblue.", "Rayleigh scattering makes the sky blue."),
    ],
)
def test_constructed_cases(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_short_heading_is_not_glued_to_the_next_paragraph() -> None:
    text = "雷电防护\n\n打雷时不要在大树下避雨。"
    assert clean_text(text) == text


def test_caption_between_two_halves_of_a_sentence() -> None:
    raw = "研究人员在四川卧龙的野外调查中发现，大熊猫每天要花十多个小时进食竹子来\n\n图为野外的大熊猫。\n\n满足能量需求。"
    out = clean_text(raw)
    assert out.split("\n\n") == ["研究人员在四川卧龙的野外调查中发现，大熊猫每天要花十多个小时进食竹子来满足能量需求。", "图为野外的大熊猫。"]


def test_empty_and_whitespace_only() -> None:
    assert clean_text("") == ""
    assert clean_text(" \n\n\u3000 \n") == ""

