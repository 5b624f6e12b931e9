"""Indonesian text normalization for classification, matching and dedupe.

Two levels:
- `clean_text`: what a human reads: mojibake repaired (ftfy), markup turned into text by a real
  HTML parser (selectolax/Lexbor), entities decoded, whitespace collapsed, invalid Unicode and
  control characters removed. Stored as the mention text. Angle brackets in prose ("usia <18
  tahun dan >60 tahun") are text to an HTML parser, so they stay.
- `normalize_for_match`: what machines compare: lower-case, accents folded, URLs and @handles
  replaced by placeholders, *alay* digits and repeated letters undone, common slang mapped to
  the standard word. Watchlists, dedupe and the lexicon classifier all use this one form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import ftfy
from selectolax.lexbor import LexborHTMLParser

from monitor.text.slang import SLANG

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@(\w{1,30})")
_HASHTAG = re.compile(r"(?<![\w#])#(\w+)")
_REPEAT = re.compile(r"([a-z])\1{2,}")
_TOKEN = re.compile(r"[#@]?\w+(?:-\w+)*", re.UNICODE)
# Alay spelling swaps letters for digits: "b4nj1r", "m4l4h", "s3m0g4". Only inside words
# that also hold letters, so "2024" and "rp 5000" stay numbers.
_ALAY_DIGITS = str.maketrans({"4": "a", "3": "e", "1": "i", "0": "o", "5": "s", "7": "t", "6": "g", "9": "g"})
_DIGIT = re.compile(r"\d")
_ASCII = frozenset(map(chr, range(128)))
_MIXED = re.compile(r"\b(?=\w*[a-z])(?=\w*\d)\w+\b")
# Reduplication with a number, "anak2" -> "anak-anak".
_REDUP = re.compile(r"\b([a-z]{2,})2\b")

# Every HTML element name (and namespaced ones such as Word's <o:p>): a "<" that opens one of
# these is markup; any other "<" is prose ("usia <18 tahun", "di bawah <Rp5 juta", "x<y") and is
# escaped before parsing, so the parser keeps it as text instead of reading it as a tag.
_ELEMENTS = (
    "a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption "
    "center cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset "
    "figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i "
    "iframe img input ins kbd label legend li link main map mark menu meta meter nav noscript object ol "
    "optgroup option output p param picture pre progress q rp rt ruby s samp script section select "
    "small source span strike strong style sub summary sup svg table tbody td template textarea tfoot "
    "th thead time title tr track tt u ul var video wbr"
).split()
_NAMES = "|".join(sorted(_ELEMENTS, key=len, reverse=True))
# Attributes without a value that real markup uses; any other bare word makes "<a banjir >" prose.
_BARE = "async|defer|controls|allowfullscreen|autoplay|muted|loop|disabled|selected|checked|hidden|itemscope|nowrap|required|readonly|novalidate|multiple"
_ATTRIBUTE = r"""(?:\s+(?:[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]+)|(?:""" + _BARE + r""")(?=[\s/>])))"""
# A whole tag: <p>, <br/>, <a href="...">, </div>, <o:p>; or a comment.
_TAG = (
    r"<(?:(?:" + _NAMES + r")" + _ATTRIBUTE + r"*\s*/?>|/(?:" + _NAMES + r")\s*>"
    r"|/?[A-Za-z]+:[A-Za-z]+" + _ATTRIBUTE + r"*\s*/?>|!--)"
)
_PROSE_BRACKET = re.compile(r"<(?!" + _TAG[1:] + r")", re.IGNORECASE)
# Markup an HTML parser must read: a tag, a comment or a character reference.
_MARKUP = re.compile(_TAG + r"|&(?:#\d+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]{1,31});?", re.IGNORECASE)
# A tag that decoding revealed ("&lt;p&gt;" became "<p>"): markup escaped once more.
_TAG_ONLY = re.compile(_TAG, re.IGNORECASE)
# A character reference left after one decoding: the text was escaped twice ("&amp;amp;",
# "&lt;p&gt;"), so it is decoded again.
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]{1,31});")
# UTF-8 read as Latin-1/cp1252 always shows a lead byte as one of these (Ã, â, Â, ð, ...);
# without one there is no mojibake to repair and ftfy's slower checks are skipped.
_MOJIBAKE_LEAD = re.compile("[\u00c2-\u00f4]")
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,  # the HTML parser decodes entities, once, where they are entities
    uncurl_quotes=False,  # typographic quotes are text, not damage
    fix_latin_ligatures=False,
    fix_character_width=False,
    explain=False,
)
# Elements whose content is not text a reader sees.
_INVISIBLE = "script,style,noscript,template,iframe,svg,head,object"
# Elements that separate words: "<p>a</p><p>b</p>" reads "a b", not "ab".
_BLOCKS = (
    "p,div,br,li,dd,dt,h1,h2,h3,h4,h5,h6,tr,td,th,blockquote,section,article,figure,figcaption,"
    "ul,ol,table,hr,pre,header,footer,aside,nav,main,address,caption,img"
)
_INVISIBLE_TAG = re.compile(r"<(?:" + _INVISIBLE.replace(",", "|") + r")\b", re.IGNORECASE)
_BLOCK_TAG = re.compile(r"</?(" + _BLOCKS.replace(",", "|") + r")\b", re.IGNORECASE)
# C0/C1 controls break JSON, SQLite and display: they separate words like spaces do. Zero-width
# characters sit inside words ("Ja\u200bkarta") and are dropped.
_CONTROL = re.compile("[\u0000-\u001f\u007f-\u009f\ufffe\uffff]")
_ZERO_WIDTH = re.compile("[\u200b\u2060\ufeff]")


def html_to_text(markup: str) -> str:
    """The text a reader sees in an HTML fragment or page, block elements kept apart."""
    tree = LexborHTMLParser(markup)
    # Each CSS query costs more than the parse of a feed summary: run them only when needed.
    if _INVISIBLE_TAG.search(markup):
        for node in tree.css(_INVISIBLE):
            node.decompose()
    blocks = _BLOCK_TAG.findall(markup, 0, 1 << 20)
    # One block wrapping the whole fragment ("<p>...</p>") separates nothing.
    if len(blocks) > 2 or (blocks and not markup.lstrip().lower().startswith(f"<{blocks[0].lower()}")):
        for node in tree.css(_BLOCKS):
            node.insert_before(" ")
            node.insert_after(" ")
    root = tree.body or tree.root
    return root.text(separator="") if root is not None else ""


def _decode_markup(text: str) -> str:
    # At most three rounds: feeds escaping twice are common, three times rare; each round only
    # runs when the previous one left entities behind.
    for _ in range(3):
        if not _MARKUP.search(text):
            return text
        text = html_to_text(_PROSE_BRACKET.sub("&lt;", text))
        if not (_ENTITY.search(text) or _TAG_ONLY.search(text)):
            return text
    return text


def clean_text(text: str | None) -> str:
    """Readable plain text from whatever a feed or post gave us."""
    if not text:
        return ""
    # Lone surrogates from broken encoders would crash JSON and SQLite later.
    text = text.encode("utf-8", "replace").decode("utf-8")
    if _MOJIBAKE_LEAD.search(text):
        text = ftfy.fix_text(text, _FTFY)
    text = _decode_markup(text)
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    # A printable text has neither (controls, non-characters and zero-width marks are not).
    if not text.isprintable():
        text = _ZERO_WIDTH.sub("", _CONTROL.sub(" ", text))
    # str.split() splits on what `\s` matches, several times faster than the regex.
    return " ".join(text.split())


def fold_accents(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    # Only the distinct non-ASCII characters are asked whether they are combining marks (a post
    # with an emoji has one or two), not every character of the text.
    marks = {ord(ch): None for ch in set(decomposed).difference(_ASCII) if unicodedata.combining(ch)}
    return decomposed.translate(marks) if marks else decomposed


def _undo_alay(match: re.Match[str]) -> str:
    word = match.group(0)
    # The stem's own alay digits go first ("4n4k2" -> "anak-anak"): deciding on reduplication
    # before them would leave "0a2" as "oa2", which a second pass reads as "oa-oa". ("2" itself
    # is not an alay digit, so it is still there to be read as reduplication.)
    word = word.translate(_ALAY_DIGITS)
    redup = _REDUP.fullmatch(word)
    if redup:
        return f"{redup.group(1)}-{redup.group(1)}"
    return word


@lru_cache(maxsize=65536)  # a few thousand distinct words make up most posts
def normalize_token(token: str) -> str:
    """One lower-case word, repeated letters squeezed ("bangetttt" -> "banget"), slang mapped."""
    token = _REPEAT.sub(r"\1", token.lower())
    return SLANG.get(token, token)


@lru_cache(maxsize=4096)  # the enricher and the classifier normalize the same post's text
def normalize_for_match(text: str | None) -> str:
    """Canonical lower-case form of a text; the same function normalizes watchlist terms."""
    text = fold_accents(clean_text(text)).lower()
    # Each substitution only where its pattern can match at all: most posts have no link,
    # handle or hashtag, and the lookbehinds make a pass over every character costly.
    if "http" in text or "www." in text:
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _HANDLE.sub(lambda m: f" @{m.group(1)} ", text)
    if "#" in text:
        text = _HASHTAG.sub(lambda m: f" #{m.group(1)} ", text)
    if _DIGIT.search(text):
        text = _MIXED.sub(_undo_alay, text)
    tokens = [normalize_token(t) if t[0] not in "#@" else t for t in _TOKEN.findall(text)]
    return " ".join(tokens)


def tokens(text: str | None) -> list[str]:
    """Normalized tokens of a text, hashtags and @handles kept with their sign."""
    normalized = normalize_for_match(text)
    return normalized.split() if normalized else []
