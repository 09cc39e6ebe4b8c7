"""Spanish sentence segmentation with character offsets.

Rule based and single pass: a compiled pattern finds each *candidate* (a run of
``.``, ``?``, ``!``, ``…`` with any closing quotes or brackets, followed by
whitespace), and a few dictionary look-ups decide whether it ends a sentence.
A newline always ends a segment. The rules and their limits are in
``docs/segmentation.md``.

>>> split_sentences("Llegó el Sr. Pérez a EE. UU. El viaje duró 3,5 h. ¿Vendrás? —preguntó Ana.")
['Llegó el Sr. Pérez a EE. UU.', 'El viaje duró 3,5 h.', '¿Vendrás? —preguntó Ana.']
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace
from typing import Final

from bireader.chardata import INVISIBLE, LINE_BREAKS, is_space
from bireader.lang import Kind, Language, language
from bireader.model import Document, Sentence

__all__ = ["segment_document", "sentence_spans", "split_sentences"]

# Invisible format characters (``bireader.chardata.INVISIBLE``): skipped and trimmed
# like whitespace around sentences.
_INVISIBLE: Final = INVISIBLE
_DROP_INVISIBLE: Final = str.maketrans("", "", _INVISIBLE)

_TERMINALS: Final = ".!?…"
_CLOSERS: Final = "\"”’'»)]}"
_OPENERS: Final = "¿¡«“‘\"'([{—–-"

# A line (a newline always ends a segment).
_LINE = re.compile(f"[^{LINE_BREAKS}]+")
# A candidate: a run of terminals and closers holding at least one terminal, followed by
# whitespace (invisible characters may come first), by an opening ¿ or ¡ ("¿Qué?¿Cómo?")
# or by a dash before a capital (the BOE's "Madrid, 3 de marzo de 2022.–El Ministro").
# Matched from the start of a run only, possessively: linear on any input.
_CANDIDATE = re.compile(
    r"(?<![.!?…\"”’'»)\]}])(?:[.!?…]|[\"”’'»)\]}]++[.!?…])[.!?…\"”’'»)\]}]*+"
    rf"(?=[{_INVISIBLE}]*+(?:\s|[¿¡]|[–—](?=[A-ZÁÉÍÓÚÜÑ])))"
)
# What follows a candidate: whitespace, opening marks, then the first word (if any);
# invisible characters anywhere among them are skipped.
_NEXT = re.compile(rf"[\s{_INVISIBLE}]*(?P<op>[¿¡«“‘\"'(\[{{—–\-$€£{_INVISIBLE}]*)(?P<w>[^\W_]+)?")
# Whitespace and invisible characters: what is trimmed off and left between sentences.
_GAP = re.compile(rf"[\s{_INVISIBLE}]*")
_ROMAN = re.compile(r"(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})\Z")
# Spans a boundary inside which does not end a sentence: parentheses and brackets always;
# quotations only when an attribution follows them («...», dijo; «...» —dijo).
_BRACKETS = re.compile(r"\([^()\n]*\)|\[[^\[\]\n]*\]")
_QUOTES = re.compile(r"«[^«»\n]*»|“[^“”\n]*”|‘[^‘’\n]*’|\"[^\"\n]*\"")
# A dialogue turn (a dash opening speech at the start of a line or after a space, before
# a capital, a digit or an opening mark) up to the dash of its narrator's aside before a
# lowercase word: "—Tengo frío. Cierra la ventana —pidió la niña." The turn is one
# quotation whose frame is the aside.
# Speech introduced by a colon and a dash runs to the next dash or the end of the line:
# "Y dijo: —Aquí nací yo. Aquí moriré."
_DIALOGUE = re.compile(
    r"(?<!\S)[—–](?=[¿¡«“\"'(]*[A-ZÁÉÍÓÚÜÑ0-9])[^—–\n]*\s(?=[—–][^\W\d_A-ZÁÉÍÓÚÜÑ])"
    r"|(?<=:)\s*[—–](?=[¿¡«“\"'(]*[A-ZÁÉÍÓÚÜÑ0-9])[^—–\n]*"
)
_ATTRIBUTION = re.compile(rf"[\s{_INVISIBLE}]*(?:[,;:]|[—–]?[\s{_INVISIBLE}]*(?P<w>[^\W\d_]))")
# What may stand between a list number and the start of its segment (or a colon).
_BULLETS: Final = "•·*▪►‣◦-–—"


def sentence_spans(
    text: str, start: int = 0, end: int | None = None, *, lang: str = "es"
) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the sentences in ``text[start:end]``, whitespace trimmed.

    ``lang`` names the language whose abbreviations and sentence openers apply
    (``"es"``, ``"en"``; a region such as ``"en-GB"`` is ignored).

    Offsets index ``text`` itself, so every span slices back to its sentence:

    >>> text = "Llegó a EE. UU. El viaje fue largo."
    >>> [text[s:e] for s, e in sentence_spans(text)]
    ['Llegó a EE. UU.', 'El viaje fue largo.']
    >>> sentence_spans("xx  Hola.\\nAdiós. ", 2)
    [(4, 9), (10, 16)]
    """
    rules = language(lang)
    lo, hi, _ = slice(start, end).indices(len(text))
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text, lo, hi):
        _line_spans(text, line.start(), line.end(), spans, rules)
    return spans


def split_sentences(text: str, lang: str = "es") -> list[str]:
    """Split ``text`` into sentences (the pysbd/sentencex contract).

    >>> split_sentences("Hola. ¿Qué tal?")
    ['Hola.', '¿Qué tal?']
    >>> split_sentences("«No voy a dimitir», afirmó el Dr. Gómez. La sesión siguió.")
    ['«No voy a dimitir», afirmó el Dr. Gómez.', 'La sesión siguió.']
    """
    return [text[s:e] for s, e in sentence_spans(text, lang=lang)]


def segment_document(document: Document) -> Document:
    """A new ``Document`` whose blocks carry their sentences with offsets.

    >>> from bireader.model import Block
    >>> doc = Document("Título\\n\\nUno. Dos.", (Block("heading", 0, 6), Block("paragraph", 8, 17)))
    >>> [(s.text, s.start) for s in segment_document(doc).sentences()]
    [('Título', 0), ('Uno.', 8), ('Dos.', 13)]
    """
    if not isinstance(document, Document):
        raise TypeError(
            f"segment_document() takes a Document, not {type(document).__name__}; "
            "for a string use split_sentences() or bireader.read()"
        )
    text = document.text
    blocks = tuple(
        replace(
            block,
            sentences=tuple(
                Sentence(text[s:e], s, e)
                for s, e in sentence_spans(text, block.start, block.end, lang=document.lang)
            ),
        )
        for block in document.blocks
    )
    return replace(document, blocks=blocks)


def _line_spans(text: str, lo: int, hi: int, spans: list[tuple[int, int]], rules: Language) -> None:
    """Append the trimmed sentence spans of one line ``text[lo:hi]`` to ``spans``."""
    begin = lo
    protected: list[tuple[int, int]] | None = None
    for cand in _CANDIDATE.finditer(text, lo, hi):
        cut = cand.end()
        if not _ends_sentence(text, cand.start(), cut, lo, hi, begin, rules):
            continue
        if protected is None:
            protected = _protected_spans(text, lo, hi, rules)
        if protected and _inside(protected, cut):
            continue
        _append_trimmed(text, begin, cut, spans)
        begin = cut
    _append_trimmed(text, begin, hi, spans)


def _ends_sentence(
    text: str, at: int, cut: int, lo: int, hi: int, begin: int, rules: Language
) -> bool:
    """Whether the candidate ``text[at:cut]`` ends the sentence begun at ``begin``.

    ``lo`` and ``hi`` delimit the line.
    """
    nxt = _NEXT.match(text, cut, hi)
    if nxt is None or not nxt["w"]:
        return False  # "hab. / km²", "D.C. - Colombia", a lone symbol: same sentence
    word: str = nxt["w"]
    opener = nxt["op"].translate(_DROP_INVISIBLE) if nxt["op"] else ""
    first = word[0]
    if first.islower() and word.islower() and not _list_letter(text, word, nxt.end()):
        return False  # "¿Vendrás? —preguntó", "etc. y", "Entonces… apareció" (not "iPhone")
    cluster = text[at:cut]
    rest = cluster.lstrip(_TERMINALS)
    head = cluster[: len(cluster) - len(rest)]
    tok_start = at
    while tok_start > lo and not text[tok_start - 1].isspace():
        tok_start -= 1
    raw = text[tok_start:at]
    tok = raw.lstrip(_OPENERS + _INVISIBLE)
    if not head:
        return True  # terminal only after a closer: '"crisis". Agregó', '(fig. 6). En'
    if "?" in head or "!" in head:
        if rest and rules.attribution and rules.attribution.match(text, nxt.start("w"), hi):
            return False  # a quotation and its attribution: '"Why?" Smith asked.'
        return not (head == "!" and tok.lower() in rules.bang_names)
    if head != ".":
        # An ellipsis ("...", "…"): a capital opens a new sentence, a number does not.
        return not (first.isdigit() or (raw in ("(", "[") and rest[:1] in (")", "]")))
    if rest and rest[0] in _CLOSERS and any(ch in _TERMINALS for ch in rest):
        return True  # '«...EE. UU.».' ends whatever was inside
    if not rest and rules.heading and _is_heading(text, begin, at, rules.heading):
        return False  # "Artículo 1. Objeto.", "Disposición final primera. Título..."
    if (
        len(tok) <= 2
        and len(word) <= 3
        and not opener
        and text.startswith(".", nxt.end())
        and _spaced_pair(tok, word, rules)
    ):
        return False  # inside a spaced abbreviation: "EE. UU.", "a. m.", "S. A.", "J. K."
    kind = _kind(text, at - len(tok), tok, lo, begin, rules)
    if cut < hi and text[cut] in "–—":
        return kind == "plain"  # "2022.–El Ministro"; not "Primero.–Estimar", "EE. UU.–China"
    if rest and kind != "enum":
        return True  # a closing quote or bracket after the period: "(S. A.) El"
    if kind != "plain" and opener.startswith("("):
        return False  # "el Gobierno de EE. UU. (Washington) anunció"
    if first.isdigit():
        return kind == "plain"  # "es 2. 2 + 2" splits; "No. 103", "D.C. 6" do not
    if kind == "plain":
        return True
    if _ROMAN.match(word) and kind != "initials":
        return False  # "cap. IX", "s. XII", "pp. XI-XII"
    if kind == "final":
        return word.lower() not in rules.continuers  # "at 9 a.m. Tuesday" goes on
    if kind in ("numeric", "label", "short"):
        return True
    if kind in ("mid", "initials"):
        return word.lower() in rules.starters
    return False  # title, enum


def _kind(text: str, tok_start: int, tok: str, lo: int, begin: int, rules: Language) -> Kind:
    """Classify the token ``tok`` (at ``tok_start``) that a period follows."""
    if not tok:
        return "plain"
    if tok[0].isdigit() or tok[-1].isdigit():
        if len(tok) <= 3 and tok.isdigit() and _opens_segment(text, begin, tok_start, ":"):
            return "enum"  # "1. Busca atención", "• 2. Aliméntate", "tres: 1. Subir"
        return "plain"
    letter_or_roman = (
        (len(tok) == 1 and tok.isupper())
        or _ROMAN.match(tok)
        or (tok[0].isupper() and tok.lower() in rules.enum_words)
    )
    if letter_or_roman and _opens_segment(text, begin, tok_start, ""):
        return "enum"  # "A. Los hechos", "IV. Conclusiones", interviews: "R. Sí, antes..."
    parts = [p for p in tok.split(".") if p]
    if not parts:
        return "plain"
    # Earlier dotted short tokens of the same abbreviation: "EE. UU", "a. m", "J. K".
    pos = tok_start
    while len(parts) < 5 and pos - 2 > lo and text[pos - 1].isspace() and text[pos - 2] == ".":
        k = pos - 2
        while k > lo and pos - 2 - k <= 6 and not text[k - 1].isspace():
            k -= 1
        prev = text[k : pos - 2].lstrip(_OPENERS + _INVISIBLE)
        if not (0 < len(prev) <= 5 and prev.replace(".", "").isalpha()):
            break
        parts[:0] = [p for p in prev.split(".") if p]
        pos = pos - 2 - len(prev)
    if not all(len(p) == 1 and p.isupper() for p in parts):
        for size in range(len(parts), 0, -1):
            kind = rules.abbreviations.get(".".join(parts[-size:]).lower())
            if kind == "numeric" and tok[0].islower():
                return "plain"  # the word: "dijo que no. 300 familias", "cayó al mar. 12"
            if (
                kind == "title"
                and tok[0].islower()
                and tok.rstrip(".").lower() in rules.name_titles
            ):
                return "mid"  # "se graduó en la univ. El año...", but "el Hosp. Univ. La Paz"
            if kind is not None:
                return kind
    if len(parts[-1]) == 1 and parts[-1].isupper():
        before = text[max(lo, pos - 20) : pos].split()
        if len(parts) == 1 and before and before[-1].lower() in rules.label_nouns:
            return "label"  # "vitamina C.", "plan B."
        return "initials"  # "María J. Fernández", "J.E. Nithard", "A. B. G."
    if len(parts) == 1 and len(tok) <= 3 and tok.islower() and tok.isalpha():
        return "short"  # "s." (siglo), "h.", "m.": only a Roman numeral keeps them going
    return "plain"


def _list_letter(text: str, word: str, end: int) -> bool:
    """Whether ``word`` (ending at ``end``) is a list letter: "b)" in "...edad. b) Residir"."""
    return (
        text.startswith(")", end)
        and len(word) <= 4
        and (len(word) == 1 or _ROMAN.match(word.upper()) is not None)
    )


def _is_heading(text: str, begin: int, at: int, heading: re.Pattern[str]) -> bool:
    """Whether the segment begun at ``begin`` is, up to ``at``, a heading label and number."""
    if at - begin > 48:
        return False  # longer than any heading: the common case, decided at once
    start = _GAP.match(text, begin, at)
    pos = start.end() if start else begin
    if pos >= at or not text[pos].isupper():
        return False
    return heading.fullmatch(text, pos, at) is not None


def _spaced_pair(tok: str, word: str, rules: Language) -> bool:
    """Whether ``tok.`` and ``word.`` are two pieces of one spaced abbreviation.

    Either both are initials (one capital, or a doubled capital as in Spanish plural
    abbreviations: "EE. UU.", "J. K.", "CC. OO.") or the dictionary writes them together
    ("a. m.", "p. ej.", "d. C."). Short words are not: "Sí. No.", "Es él. Voy.".
    """
    if _initial_piece(tok) and _initial_piece(word):
        return True
    return (tok.lower(), word.lower()) in rules.dotted_pairs


def _initial_piece(piece: str) -> bool:
    """One capital letter ("J") or the same capital twice ("EE", "UU")."""
    return piece.isalpha() and piece.isupper() and len(set(piece)) == 1 and len(piece) <= 2


def _opens_segment(text: str, begin: int, pos: int, after: str) -> bool:
    """Whether only bullets and spaces separate ``pos`` from ``begin`` (or from ``after``)."""
    while pos > begin and (text[pos - 1].isspace() or text[pos - 1] in _BULLETS + _INVISIBLE):
        pos -= 1
    return pos == begin or (bool(after) and text[pos - 1] in after)


def _protected_spans(text: str, lo: int, hi: int, rules: Language) -> list[tuple[int, int]]:
    """Brackets and quotations with their frame, merged into sorted disjoint spans.

    A quotation has a frame when an attribution follows it ("«...», dijo", '"...," he
    said') or when it does not open its sentence: text stands before it ("Me dijo: «...».",
    "decía que «...»"), so what it holds is part of that sentence.
    """
    spans = [m.span() for m in _BRACKETS.finditer(text, lo, hi)]
    if text.find("—", lo, hi) >= 0 or text.find("–", lo, hi) >= 0:
        spans += [m.span() for m in _DIALOGUE.finditer(text, lo, hi)]
    for quote in _QUOTES.finditer(text, lo, hi):
        before = quote.start()
        while before > lo and is_space(text[before - 1]):
            before -= 1
        if before > lo and (text[before - 1].isalnum() or text[before - 1] in ",:;"):
            spans.append(quote.span())  # the frame stands before: 'Me dijo: «...».'
            continue
        follow = _ATTRIBUTION.match(text, quote.end(), hi)
        said = rules.attribution
        if text[quote.end() - 2] == "," or (  # '"I'm tired. I'm going home," Smith said.'
            follow
            and (
                follow["w"] is None
                or follow["w"].islower()
                or (said is not None and said.match(text, follow.start("w"), hi) is not None)
            )
        ):
            spans.append(quote.span())
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    """Whether ``pos`` falls strictly inside one of the sorted disjoint ``spans``."""
    index = bisect_left(spans, (pos, -1))
    return index > 0 and pos < spans[index - 1][1]


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    """Append ``text[start:end]`` without surrounding whitespace and invisible characters."""
    match = _GAP.match(text, start, end)
    start = match.end() if match else start
    while end > start and (text[end - 1].isspace() or text[end - 1] in _INVISIBLE):
        end -= 1
    if start < end:
        spans.append((start, end))
