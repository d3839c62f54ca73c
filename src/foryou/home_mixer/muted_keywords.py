"""Muted-keyword tokeniser and matcher (SPEC §3.8.2), used by the MutedKeywordFilter.

Keyword and text are normalised alike (NFKC, case-fold, NFD, drop Mn, NFC), then split into tokens:
maximal runs of word characters (letters, marks, numbers, `_`) of one class, CJK or OTHER. A `#` or
`@` right before a word character and not right after one is that token's sigil. A keyword matches
iff its token sequence occurs contiguously in the text's; a sigil-less keyword token accepts any
sigil. Keywords are tokenised once per request (`MutedKeywordMatcher`); each text is normalised once
and only tokenised when every token body of some keyword occurs in it as a substring. ASCII and BMP
texts are tokenised by regexes; `reference_tokens` is the plain walk they are tested against.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache

Token = tuple[str, str]  # (sigil: "", "#" or "@"; body)

_SIGILS = "#@"
_SEPARATOR, _OTHER, _CJK = 0, 1, 2

# Han, Hiragana, Katakana and Hangul blocks (inclusive code point ranges) plus U+30FC, the prolonged
# sound mark, which Unicode files under Common but which only ever sits inside kana words.
_CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x3005, 0x3005),  # ideographic iteration mark
    (0x3007, 0x3007),  # ideographic number zero
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x302E, 0x302F),  # Hangul tone marks
    (0x3038, 0x303B),
    (0x3041, 0x3096),  # Hiragana
    (0x309D, 0x309F),
    (0x30A1, 0x30FA),  # Katakana
    (0x30FC, 0x30FF),  # prolonged sound mark, Katakana iteration marks, digraph koto
    (0x3131, 0x318E),  # Hangul compatibility Jamo
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3200, 0x321E),  # parenthesised Hangul
    (0x3260, 0x327E),  # circled Hangul
    (0x32D0, 0x32FE),  # circled Katakana
    (0x3300, 0x3357),  # squared Katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xA960, 0xA97F),  # Hangul Jamo extended A
    (0xAC00, 0xD7A3),  # Hangul syllables
    (0xD7B0, 0xD7FF),  # Hangul Jamo extended B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF6F),  # halfwidth Katakana
    (0xFF71, 0xFF9D),
    (0xFFA0, 0xFFDC),  # halfwidth Hangul
    (0x1AFF0, 0x1AFFF),  # Kana extended B
    (0x1B000, 0x1B16F),  # Kana supplement, extended A, small Kana extension
    (0x16FE3, 0x16FE3),
    (0x16FF0, 0x16FF1),
    (0x20000, 0x3FFFF),  # supplementary and tertiary ideographic planes
)
_CJK_STARTS = sorted(lo for lo, _ in _CJK_RANGES)
_CJK_ENDS = [hi for _, hi in sorted(_CJK_RANGES)]

# ASCII text has one class and trivial normalisation, so a regex tokenises it at C speed.
_ASCII_TOKEN = re.compile(r"(?:(?<![A-Za-z0-9_])([#@]))?([A-Za-z0-9_]+)")


def normalise(text: str) -> str:
    """NFKC, case-fold, NFD, drop nonspacing marks (Mn), NFC."""
    if text.isascii():
        return text.lower()  # NFKC and NFD are the identity on ASCII, and casefold is lower
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold())
    stripped = unicode_tables().bmp_nonspacing_mark.sub("", decomposed)
    if _ASTRAL.search(stripped):
        stripped = _ASTRAL.sub(_drop_if_mark, stripped)
    return unicodedata.normalize("NFC", stripped)


# Regex character classes are bitmaps only within the BMP; with code points beyond it `re` checks
# a list of ranges per character, tens of times slower. So the tables cover the BMP, and the rare
# text with astral characters (emoji, historic scripts, CJK extensions) takes the slow paths.
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _drop_if_mark(match: re.Match[str]) -> str:
    ch = match.group()
    return "" if unicodedata.category(ch) == "Mn" else ch


class UnicodeTables:
    """Regexes over the BMP for Mn characters and for tokens as §3.8.2 defines them; built once per
    process (about 20 ms). `reference_tokens` is the plain walk the token regex must agree with."""

    def __init__(self) -> None:
        mn: list[int] = []
        cjk_word: list[int] = []
        other_word: list[int] = []
        for code in range(0x10000):
            cat = unicodedata.category(chr(code))
            if cat == "Mn":
                mn.append(code)
            if cat[0] in "LMN" or code == 0x5F:
                (cjk_word if is_cjk(chr(code)) else other_word).append(code)
        word = _char_class(sorted(cjk_word + other_word))
        self.bmp_nonspacing_mark = re.compile(_char_class(mn))
        self.bmp_token = re.compile(rf"(?:(?<!{word})([#@]))?({_char_class(cjk_word)}+|{_char_class(other_word)}+)")


def _char_class(codes: list[int]) -> str:
    """A regex character class of sorted BMP code points, written as ranges."""
    parts: list[str] = []
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        parts.append(f"\\u{codes[i]:04x}" if i == j else f"\\u{codes[i]:04x}-\\u{codes[j]:04x}")
        i = j + 1
    return "[" + "".join(parts) + "]"


@lru_cache(maxsize=1)
def unicode_tables() -> UnicodeTables:
    return UnicodeTables()


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    i = bisect_right(_CJK_STARTS, code) - 1
    return i >= 0 and code <= _CJK_ENDS[i]


@lru_cache(maxsize=65_536)
def char_class(ch: str) -> int:
    """0 separator, 1 OTHER word character, 2 CJK word character."""
    if ch != "_" and unicodedata.category(ch)[0] not in "LMN":
        return _SEPARATOR
    return _CJK if is_cjk(ch) else _OTHER


def tokenize(text: str) -> list[Token]:
    """Tokens of `text` after normalisation."""
    return tokens_of_normalised(normalise(text))


def tokens_of_normalised(text: str) -> list[Token]:
    if text.isascii():
        return [(m.group(1) or "", m.group(2)) for m in _ASCII_TOKEN.finditer(text)]
    if _ASTRAL.search(text):
        # Astral separators (emoji, mostly) become spaces: still separators, so tokens and sigils
        # stay the same. An astral word character leaves only the plain walk.
        text = _ASTRAL.sub(_space_if_separator, text)
        if _ASTRAL.search(text):
            return reference_tokens(text)
    return [(m.group(1) or "", m.group(2)) for m in unicode_tables().bmp_token.finditer(text)]


def _space_if_separator(match: re.Match[str]) -> str:
    ch = match.group()
    return " " if char_class(ch) == _SEPARATOR else ch


def reference_tokens(text: str) -> list[Token]:
    """The plain character walk; `tokens_of_normalised` must agree with it on every input."""
    tokens: list[Token] = []
    start, current = 0, _SEPARATOR
    for i, ch in enumerate(text):
        cls = char_class(ch)
        if cls == current:
            continue
        if current != _SEPARATOR:
            tokens.append((_sigil_before(text, start), text[start:i]))
        start, current = i, cls
    if current != _SEPARATOR:
        tokens.append((_sigil_before(text, start), text[start:]))
    return tokens


def _sigil_before(text: str, start: int) -> str:
    """The `#`/`@` right before a token is its sigil unless a word character precedes that sign."""
    if start == 0 or text[start - 1] not in _SIGILS:
        return ""
    if start >= 2 and char_class(text[start - 2]) != _SEPARATOR:
        return ""
    return text[start - 1]


def occurs(keyword: Sequence[Token], text: Sequence[Token]) -> bool:
    """Whether the keyword's tokens appear contiguously in the text's (sigil rule of §3.8.2)."""
    n = len(keyword)
    if n == 0:
        return False
    starts = range(len(text) - n + 1)
    return any(all(_token_matches(keyword[i], text[j + i]) for i in range(n)) for j in starts)


def _token_matches(keyword: Token, text: Token) -> bool:
    return keyword[1] == text[1] and (not keyword[0] or keyword[0] == text[0])


class MutedKeywordMatcher:
    """A viewer's muted keywords, tokenised once; `first_match` returns the first keyword (in list
    order, as the viewer wrote it) that a text matches. Keywords with no tokens are ignored."""

    def __init__(self, keywords: Iterable[str]) -> None:
        compiled = [(kw, tokenize(kw)) for kw in keywords]
        self.keywords: tuple[tuple[str, tuple[Token, ...]], ...] = tuple((kw, tuple(t)) for kw, t in compiled if t)

    def __bool__(self) -> bool:
        return bool(self.keywords)

    def first_match(self, text: str) -> str | None:
        if not self.keywords or not text:
            return None
        norm = normalise(text)
        # Every token body of a matching keyword is a substring of the normalised text: a cheap,
        # exact pre-check that spares tokenising most texts.
        possible = [(kw, toks) for kw, toks in self.keywords if all(body in norm for _, body in toks)]
        if not possible:
            return None
        tokens = tokens_of_normalised(norm)
        for kw, toks in possible:
            if occurs(toks, tokens):
                return kw
        return None


def matches(keyword: str, text: str) -> bool:
    """One keyword against one text (tests and explain; the filter uses `MutedKeywordMatcher`)."""
    return MutedKeywordMatcher([keyword]).first_match(text) is not None


@lru_cache(maxsize=1024)
def compile_keywords(keywords: tuple[str, ...]) -> MutedKeywordMatcher:
    """The matcher for one keyword list, shared by requests of viewers with the same list."""
    return MutedKeywordMatcher(keywords)
