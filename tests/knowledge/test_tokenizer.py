"""Glossary terms stay whole in the keyword tokens, also those written with capitals or a middle dot."""

from knowledge.index.glossary import Glossary
from knowledge.index.tokenizer import Tokenizer
from knowledge.normal import fold_key
from tests.conftest import GLOSSARY


def test_every_glossary_term_with_capitals_or_a_dot_stays_whole() -> None:
    glossary = Glossary.load(GLOSSARY)
    tokenizer = Tokenizer(glossary)
    special = [w for w in glossary.words() if w != w.lower() or "·" in w]
    assert len(special) >= 50  # AI换脸, LED灯, pH值, KN95口罩, mRNA疫苗, 钓鱼Wi-Fi, 5·12地震 …
    broken = [w for w in special if fold_key(w) not in tokenizer.tokens(f"请问{w}是怎么回事")]
    assert not broken


def test_folding_is_the_same_for_questions_and_documents() -> None:
    tokenizer = Tokenizer(Glossary.load(GLOSSARY))
    assert tokenizer.tokens("ＡＩ换脸") == tokenizer.tokens("ai换脸") == tokenizer.tokens("AI换脸")
