"""Text to index tokens, and a reader's query to phrases of them (no Django here).

Chinese is written without spaces, so words cannot be split on them. Like Lucene's CJK
analyser and PostgreSQL's pg_bigm, every run of CJK characters is indexed as its overlapping
character pairs (bigrams), and Latin words and numbers as words:

    双元科技园 2026 年      ->  双元 元科 科技 技园 园 | 2026 | 年

Each CJK character gets the token that *starts* with it: the pair it makes with the next one,
or, for the last character of a run, the character alone. Positions follow the characters, so:

- a query of two or more CJK characters is the phrase of its pairs, in order: 双元科技 ->
  "双元 元科 科技", which only an article holding those four characters side by side matches
  (one with 双, 元, 科 and 技 scattered holds none of the pairs, or not in a row);
- a query of one CJK character is a prefix: 技* matches 技 alone and every pair starting with
  it, which is every place the character stands;
- a Latin word or a number is a token of its own: Qiantang -> qiantang, ２０２６ -> 2026 (NFKC,
  then case folding), cut at MAX_WORD characters.

Punctuation and spaces separate tokens and take no position: 杭州，钱塘 indexes as
杭州 州 钱塘 塘. Separate texts (two paragraphs, two captions) are kept apart by a gap token
(GAP), so a phrase never runs from the end of one into the start of the next.

The same tokens, at the same positions, go to both engines (articles.search.backends): SQLite
FTS5 reads them as space-separated words, PostgreSQL as a tsvector with explicit positions.
"""

import re
import unicodedata
from operator import add

# Han ideographs (with extensions and compatibility forms), 々 and 〇, kana (half-width too)
# and hangul: the scripts written without spaces, indexed as character pairs.
CJK = (
    "\u3005\u3007\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\u1100-\u11ff\u3130-\u318f\uf900-\ufaff\uff66-\uffdc"
    "\U00020000-\U0003134f"
)
_PIECES = re.compile(rf"([{CJK}]+)|([^\W_{CJK}]+)")
_ALNUM = re.compile(r"[^\W_]+")
# Stands between two texts of one field: never made from text, so it matches no query.
GAP = "\u00b6"
# Longer Latin "words" (a pasted URL, a hash) are cut: no reader types them whole.
MAX_WORD = 40


def normalise(piece):
    """NFKC (full-width letters and digits, compatibility ideographs, half-width kana to
    their plain forms), only where needed: most text is already, and checking is cheap."""
    if piece.isascii() or unicodedata.is_normalized("NFKC", piece):
        return piece
    return unicodedata.normalize("NFKC", piece)


def pieces(text):
    """The CJK runs and Latin words of a text, as written (not normalised), in order:
    what the search page highlights."""
    return [m.group() for m in _PIECES.finditer(text or "")]


def tokens(text):
    """The index tokens of one text, in order (one per CJK character, one per word).

    Each run or word is normalised on its own (NFKC, and case folding for words): the same
    as normalising the whole text but for symbols NFKC would turn into letters (㍿ into
    株式会社), which stay symbols here, in text and queries alike."""
    out = []
    for run, word in _PIECES.findall(text or ""):
        if run:
            run = normalise(run)
            # Each character with the next (map runs the loop in C: indexing an archive is
            # mostly this), then the last one alone.
            out.extend(map(add, run, run[1:]))
            out.append(run[-1])
        else:
            # NFKC can make punctuation of a letter (⒈ is "1."): only letters and digits stay.
            out.extend(w[:MAX_WORD] for w in _ALNUM.findall(normalise(word).casefold()))
    return out


def field_tokens(texts):
    """The tokens of a field made of several texts (paragraphs, captions), GAP between them."""
    out = []
    for text in texts:
        found = tokens(text)
        if found:
            if out:
                out.append(GAP)
            out.extend(found)
    return out


def phrase(term):
    """A query term (what the reader typed between spaces) as (tokens, prefix): the tokens
    must stand in a row; with prefix, the last one need only start the indexed token.

    The term is tokenised as text is, then its end adjusted: text may go on after it, so
    a closing CJK run of two or more characters drops its last token (the lone character,
    which in text is a pair), and a closing run of one character becomes a prefix.
    Returns ([], False) for a term with nothing to search (punctuation only).
    """
    found = tokens(term)
    if not found:
        return [], False
    run, _ = _PIECES.findall(term)[-1]
    if run:  # the term ends with a CJK run
        if len(normalise(run)) == 1:
            return found, True
        return found[:-1], False
    return found, False
