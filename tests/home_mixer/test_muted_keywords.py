"""Muted-keyword tokeniser and matcher: every required case of SPEC §3.8.2 plus general properties."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foryou.home_mixer.muted_keywords import (
    MutedKeywordMatcher,
    matches,
    normalise,
    reference_tokens,
    tokenize,
    tokens_of_normalised,
)

REQUIRED = [
    ("widget", "#Widget", True),
    ("widget", "WIDGET!", True),
    ("#launch", "#LAUNCH", True),
    ("#launch", "launch", False),
    ("exampleuser", "@exampleuser", True),
    ("new york", "I ❤ New-York", True),
    ("new york", "new in york", False),
    ("café", "cafe", True),
    ("京都", "東京都", False),
    ("bitcoin", "(bitcoin)", True),
]


@pytest.mark.parametrize(("keyword", "text", "expected"), REQUIRED)
def test_spec_required_cases(keyword: str, text: str, expected: bool) -> None:
    assert matches(keyword, text) is expected


def test_normalisation() -> None:
    assert normalise("Ｃａｆé") == "cafe"  # NFKC folds full-width, accents are dropped
    assert normalise("Straße") == "strasse"  # case-fold, not lower
    assert normalise("ﬁne") == "fine"  # compatibility ligature
    assert normalise("a\U0001d167b😀") == "ab😀"  # an astral nonspacing mark goes, the emoji stays


def test_tokens_split_on_class_change_and_carry_sigils() -> None:
    assert tokenize("東京abc #タグ ##x a#b @ü_1 ひらがなカタカナー한국") == [
        ("", "東京"),
        ("", "abc"),
        ("#", "タク"),  # the voiced mark is a nonspacing mark after NFD and goes
        ("#", "x"),
        ("", "a"),
        ("", "b"),
        ("@", "u_1"),
        ("", "ひらかなカタカナー한국"),
    ]


def test_sigils_only_at_token_start() -> None:
    assert tokenize("#") == []
    assert tokenize("x@y") == [("", "x"), ("", "y")]
    assert tokenize("@@me") == [("@", "me")]


def test_keyword_sigil_needs_the_same_sigil() -> None:
    assert matches("@bob", "@bob")
    assert not matches("@bob", "#bob")
    assert not matches("@bob", "bob")
    assert matches("bob", "#bob")


def test_contiguous_multi_token_match() -> None:
    assert matches("new york", "in new york city")
    assert matches("New York", "NEW_YORK") is False  # `_` is a word character: one token new_york
    assert not matches("york new", "new york")


def test_cjk_tokens_match_whole_runs_only() -> None:
    assert matches("東京都", "東京都に行く") is False  # 東京都に行く is one CJK run
    assert matches("東京都", "東京都 に行く")
    assert matches("東京", "東京abc")


def test_empty_keywords_are_ignored() -> None:
    matcher = MutedKeywordMatcher(["", "   ", "!!", "#"])
    assert not matcher
    assert matcher.first_match("anything at all") is None


def test_first_match_in_keyword_order() -> None:
    matcher = MutedKeywordMatcher(["zebra", "Apple", "apple pie"])
    assert matcher.first_match("apple pie and zebra") == "zebra"
    assert matcher.first_match("APPLE PIE") == "Apple"


ascii_text = st.text(alphabet="abcXYZ019_ #@!-.", max_size=30)
word = st.text(alphabet="abcdefghxyzABCDEFGH0123_éüß", min_size=1, max_size=8)
bmp_text = st.text(alphabet=st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)), max_size=40)
any_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
    max_size=40,
)


@settings(max_examples=300)
@given(ascii_text | bmp_text | any_text | st.text(alphabet="ab_1 #@-😀東𠀀é", max_size=30))
def test_fast_tokeniser_agrees_with_the_reference(text: str) -> None:
    norm = normalise(text)
    assert tokens_of_normalised(norm) == reference_tokens(norm)


@given(any_text)
def test_a_keyword_matches_itself(keyword: str) -> None:
    assert matches(keyword, keyword) == bool(tokenize(keyword))


@given(st.lists(word, min_size=1, max_size=3), ascii_text, ascii_text)
def test_a_keyword_matches_inside_separated_text(words: list[str], before: str, after: str) -> None:
    keyword = " ".join(words)
    assert matches(keyword, f"{before} {keyword}. {after}")


@settings(max_examples=200)
@given(st.lists(word, min_size=1, max_size=3), ascii_text)
def test_case_never_matters(words: list[str], text: str) -> None:
    keyword = " ".join(words)
    for kw, t in [(keyword.upper(), text), (keyword, text.upper()), (keyword.lower(), text.swapcase())]:
        assert matches(kw, t) == matches(keyword, text)
    assert matches(keyword.upper(), f"x {keyword.lower()} y")


@given(st.lists(word, min_size=1, max_size=3))
def test_a_sigil_free_keyword_matches_hashtags_and_mentions(words: list[str]) -> None:
    keyword = " ".join(words)
    assert matches(keyword, "#" + keyword)
    assert matches(keyword, "@" + keyword)
