"""From Apertium's tokens to :class:`bireader.model.Word`: choice, UD tags, glosses.

The tagger's choice is kept except where a rule below knows better (each rule fixes a
family of errors, e.g. a noun read as a verb after a determiner). Glosses come from
the bilingual dictionary, in its order, then from the Spanish wordnet
(:mod:`bireader.words.wordnet`) where the dictionary has fewer than six; words the
analyser does not know get the wordnet's glosses of their guessed lemma.
:func:`order_glosses` then puts first the ones the sentence's own translation uses.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace

from bireader.model import Word
from bireader.words import ud, wordnet
from bireader.words.stream import Analysis, Reading, Token

# Closed-class words the bilingual dictionary translates to nothing (a clitic "se" is
# dropped in English) or only through transfer rules (pronouns): their usual glosses.
_PRONOUN_GLOSSES: dict[str, tuple[str, ...]] = {
    "se": ("oneself", "himself", "herself", "itself", "themselves", "each other"),
    "me": ("me", "myself"),
    "te": ("you", "yourself"),
    "nos": ("us", "ourselves"),
    "os": ("you", "yourselves"),
    "lo": ("it", "him"),
    "la": ("her", "it"),
    "los": ("them",),
    "las": ("them",),
    "le": ("him", "her", "it", "you"),
    "les": ("them", "you"),
    "él": ("he", "him", "it"),
    "ella": ("she", "her"),
    "ellos": ("they", "them"),
    "ellas": ("they", "them"),
    "usted": ("you",),
    "ustedes": ("you",),
    "yo": ("I",),
    "tú": ("you",),
    "mí": ("me",),
    "ti": ("you",),
    "sí": ("oneself", "himself", "herself", "themselves"),
    "nosotros": ("we", "us"),
    "nosotras": ("we", "us"),
    "vosotros": ("you",),
    "vosotras": ("you",),
}
_PUNCT_TAGS = frozenset(
    {"sent", "cm", "lpar", "rpar", "lquest", "rquest", "guio", "apos", "quot", "mon", "percent"}
)
_VERB_TAGS = frozenset({"vblex", "vbser", "vbhaver", "vbmod"})
_NOMINAL_HEADS = frozenset({"det", "predet"})


_PARTICLES = frozenset({"de", "a", "en", "con", "por", "para", "que", "sobre", "entre"})
_ARTICLES = frozenset({"el", "la", "los", "las", "lo", "un", "una", "unos", "unas"})


def keep_unit(reading: Reading) -> bool:
    """Whether a multiword unit of the dictionary stays one word for the learner.

    Kept: expressions with a meaning of their own (``rueda de prensa``, ``en vigor``,
    ``a largo plazo``, ``hacer cumplir``). Split into their words: a verb and its
    preposition (``depender de``), an adverb and its preposition (``dentro de``) and
    an article and its word (``el mismo``): each word there keeps its own meaning.

    >>> keep_unit(Reading("rueda de prensa", ("n", "f", "sg"), head="rueda"))
    True
    >>> keep_unit(Reading("depender de", ("vblex", "inf"), head="depender"))
    False
    >>> keep_unit(Reading("dentro de", ("pr",)))
    False
    """
    words = reading.lemma.split()
    if len(words) < 2:
        return True
    if reading.head:
        tail = reading.lemma[len(reading.head) :].split()
        return not all(word in _PARTICLES for word in tail)
    if len(words) == 2 and words[1] in _PARTICLES:
        return False
    return words[0] not in _ARTICLES


def is_word(token: Token) -> bool:
    """Whether a token is a word (letters or digits), not punctuation or a symbol."""
    if not any(ch.isalnum() for ch in token.surface):
        return False
    return not (token.analyses and token.analyses[0][0].pos in _PUNCT_TAGS)


# -- choosing among the tagger's analyses ---------------------------------------------------


def choose(tokens: Sequence[Token], before: Analysis | None = None) -> list[Analysis | None]:
    """The analysis kept for each token (None for an unknown word); ``before`` is the
    analysis of the word before the first token (the words of a multiword unit)."""
    chosen: list[Analysis | None] = [t.analyses[0] if t.analyses else None for t in tokens]
    for i, token in enumerate(tokens):
        if len(token.analyses) < 2:
            continue
        before = chosen[i - 1] if i > 0 else before
        after = (
            tokens[i + 1].analyses[0] if i + 1 < len(tokens) and tokens[i + 1].analyses else None
        )
        better = _rule(token, before, after, i == 0)
        if better is not None:
            chosen[i] = better
    return chosen


def _first(token: Token, pos: str) -> Analysis | None:
    return next((a for a in token.analyses if a[0].pos == pos), None)


def _rule(
    token: Token, before: Analysis | None, after: Analysis | None, initial: bool
) -> Analysis | None:
    first = token.analyses[0][0]
    prev = before[-1] if before else None
    # After a determiner or a preposition+article, a word is a noun or adjective, not a
    # finite verb ("el Gobierno", "la parte", "del cambio").
    if first.pos in _VERB_TAGS and prev is not None and prev.pos in _NOMINAL_HEADS:
        return _first(token, "n") or _first(token, "adj")
    # The vosotros/tú imperative ("sed", "para") is all but absent from news text.
    if first.pos in _VERB_TAGS and "imp" in first.tags and "p3" not in first.tags:
        return next(
            (a for a in token.analyses if "imp" not in a[0].tags or "p3" in a[0].tags), None
        )
    # "fue atendido", "fue clave", "fue el primero": before a participle, an adjective,
    # a noun or a determiner, "fue" (and "fueron", "fuera"...) is "ser", not "ir" (which
    # takes "a", "hacia", an adverb of place...).
    if (
        first.lemma == "ir"
        and after is not None
        and (after[0].pos in ("adj", "n", "det") or "pp" in after[0].tags)
    ):
        return _first(token, "vbser")
    # Ordinals: the adjective reading ("primero"), not the apocopated determiner.
    if first.pos == "det" and "ord" in first.tags:
        return _first(token, "adj")
    return None


# -- words --------------------------------------------------------------------------------


def build_words(
    tokens: Sequence[Token],
    glossary: dict[Reading, tuple[str, ...]],
    offset: int,
    before: Analysis | None = None,
) -> list[Word]:
    """The words of one sentence; spans shifted by ``offset`` (the sentence's start).

    A multiword unit kept whole is one word with its own lemma and glosses whose
    ``parts`` are its words, each with its own span (``before``: the analysis of the
    word before them, for the rules of :func:`choose`).
    """
    chosen = choose(tokens, before)
    words: list[Word] = []
    for i, (token, analysis) in enumerate(zip(tokens, chosen, strict=True)):
        if not is_word(token):
            continue
        start, end = offset + token.start, offset + token.end
        if analysis is None:
            words.append(_unknown(token, start, end, initial=not words))
            continue
        following = [chosen[j] for j in range(i + 1, min(i + 4, len(tokens)))]
        parts = tuple(
            _part_word(token.surface, start, end, r, glossary, following) for r in analysis
        )
        if len(parts) == 1:
            word, reading = parts[0], analysis[0]
            if word.upos == "ADJ" and _nominal(chosen, i):
                # "el medio dijeron": an adjective after a determiner, with no noun
                # after it, is used as a noun.
                noun = _first(token, "n")
                if noun is not None:
                    reading = noun[0]
                    word = _part_word(token.surface, start, end, reading, glossary, following)
            if word.upos == "ADJ":
                word = _with_participles(word, token, glossary)
            word = _with_wordnet(word, reading)
            if token.words:
                # A multiword unit: one word with its own gloss, and its words as parts.
                context = chosen[i - 1] if i > 0 else before
                inner = _with_head(token.words, analysis[0])
                parts = tuple(build_words(inner, glossary, offset, context))
                word = replace(word, parts=parts)
            words.append(word)
            continue
        parts = tuple(_with_wordnet(p, r) for p, r in zip(parts, analysis, strict=True))
        main_index = next((k for k, r in enumerate(analysis) if r.pos in _VERB_TAGS), 0)
        main = parts[main_index]
        glosses = main.glosses
        if main_index == 0 and analysis[0].pos == "pr" and len(parts) == 2:
            # A contraction: "del" -> "of the", "al" -> "to the".
            article = parts[1].glosses[:1] or ("the",)
            glosses = tuple(f"{g} {article[0]}" for g in main.glosses)
        words.append(
            Word(token.surface, start, end, main.lemma, main.upos, main.features, glosses, parts)
        )
    return words


def _with_participles(
    word: Word, token: Token, glossary: dict[Reading, tuple[str, ...]]
) -> Word:
    """An adjective that is also a verb's participle glossed as that participle too:
    the dictionary's ``cerrado`` adjective is *enclosed*, the participle *closed*."""
    verb = next((a[0] for a in token.analyses if a[0].pos == "vblex" and "pp" in a[0].tags), None)
    extra = glossary.get(verb.participle(), ()) if verb is not None else ()
    if not extra:
        return word
    return replace(word, glosses=tuple(dict.fromkeys(word.glosses + extra)))


def _with_head(words: Sequence[Token], unit: Reading) -> list[Token]:
    """A unit's words, the first one read as the unit's head says: in ``fecha<n># límite``
    the word ``fecha`` is the noun ``fecha``, not the verb ``fechar``."""
    if not unit.head or not words:
        return list(words)
    first = words[0]
    match = [a for a in first.analyses if (a[0].lemma, a[0].pos) == (unit.head, unit.pos)]
    if not match or match[0] == first.analyses[0]:
        return list(words)
    rest = [a for a in first.analyses if a not in match]
    head = Token(first.surface, first.start, first.end, match + rest)
    return [head, *words[1:]]


def _nominal(chosen: Sequence[Analysis | None], i: int) -> bool:
    before = chosen[i - 1] if i > 0 else None
    if before is None or before[-1].pos not in _NOMINAL_HEADS:
        return False
    after = chosen[i + 1] if i + 1 < len(chosen) else None
    return after is None or after[0].pos not in ("n", "adj", "np", "num")


def _part_word(
    surface: str,
    start: int,
    end: int,
    reading: Reading,
    glossary: dict[Reading, tuple[str, ...]],
    following: Sequence[Analysis | None],
) -> Word:
    lemma = reading.lemma
    if lemma == "prpers":  # Apertium's placeholder lemma of personal pronouns
        lemma = _pronoun_lemma(surface, reading)
    elif "pron" in reading.tags and lemma.endswith("se") and reading.pos in _VERB_TAGS:
        lemma = lemma[:-2]  # a pronominal verb's lemma is its infinitive: "acercarse"
    tag = _upos(reading, following)
    glosses = _with_bare_verbs(glossary.get(reading, ()))
    if lemma in _COMPARATIVES:
        glosses = tuple(dict.fromkeys(_COMPARATIVES[lemma] + glosses))
    if not glosses and reading.pos in ("prn", "rel"):
        glosses = _PRONOUN_GLOSSES.get(lemma, ())
    if reading.pos == "np" and not glosses:
        glosses = (surface,)
    usual = _usual_glosses(lemma, reading, following)
    if usual and lemma in _DEMONSTRATIVES:
        glosses = usual  # the dictionary's "this" for "ese" is wrong, not just unusual
    elif usual:
        glosses = tuple(dict.fromkeys(usual + glosses))
    return Word(surface, start, end, lemma, tag, ud.features(reading.tags), glosses)


# Demonstratives, singular and plural: the dictionary glosses "ese" and "eso" as *this*
# (and so does Apertium's translation: "ese libro" -> "this book"), so their glosses
# are these alone. "eso", "esto", "aquello" are neuter pronouns; "ése"... the old spelling.
_DEMONSTRATIVES = {
    "este": ("this", "these"), "ese": ("that", "those"), "aquel": ("that", "those"),
    "éste": ("this", "these"), "ése": ("that", "those"), "aquél": ("that", "those"),
    "esto": ("this", "this"), "eso": ("that", "that"), "aquello": ("that", "that"),
}
# Glosses the rules below put first that stay first whatever the sentence's translation
# uses: Apertium translates "deberías" as *would have to*, "hacía tres semanas" as
# *did three weeks*.
_PINNED = frozenset({("deber", "should"), ("hacer", "ago")})
# "hace dos años": *ago*, when "hace" (or "hacía") comes before a span of time.
_TIME_NOUNS = frozenset(
    {"año", "mes", "semana", "día", "hora", "minuto", "segundo", "siglo", "década", "rato",
     "tiempo", "instante", "momento", "noche", "temporada", "lustro"}
)
# Apertium's units for a span of time ("hace mucho tiempo que...").
_TIME_SPANS = frozenset({"mucho tiempo", "poco tiempo", "tanto tiempo", "bastante tiempo"})


def _usual_glosses(
    lemma: str, reading: Reading, following: Sequence[Analysis | None]
) -> tuple[str, ...]:
    """Glosses a learner needs first where the dictionary's entry, fit for the
    translation's rules, misleads word by word: demonstratives, the conditional of
    ``deber`` (*should*), ``hace`` + a span of time (*ago*)."""
    if reading.pos in ("det", "prn") and lemma in _DEMONSTRATIVES:
        singular, plural = _DEMONSTRATIVES[lemma]
        return (plural,) if "pl" in reading.tags else (singular,)
    if lemma == "deber" and "cni" in reading.tags:
        return ("should", "ought to")
    tags = set(reading.tags)
    if lemma == "hacer" and "p3" in tags and tags & {"pri", "pii"}:
        for analysis in following[:3]:
            if analysis is None:
                break
            head = analysis[0]
            if (head.pos == "n" and head.lemma in _TIME_NOUNS) or head.lemma in _TIME_SPANS:
                return ("ago",)
            if head.pos not in ("num", "det", "adj", "adv", "predet"):
                break
    return ()


# Readings the wordnet is asked about (not the auxiliaries "ser", "haber", "poder"...).
_WORDNET_TAGS = frozenset({"n", "vblex", "adj", "adv"})
MAX_GLOSSES = 6
"""A word keeps every gloss the dictionary gives; the wordnet adds up to this many."""
_WORDNET_EXTRA = 3


def _with_wordnet(word: Word, reading: Reading) -> Word:
    """The dictionary's glosses, then up to three more of the wordnet's (at most six in
    all): its senses the dictionary lacks (*mareo*: *seasickness*, then *dizziness*)."""
    room = min(_WORDNET_EXTRA, MAX_GLOSSES - len(word.glosses))
    if room <= 0 or reading.pos not in _WORDNET_TAGS or word.upos not in wordnet.POS:
        return word
    seen = {g.casefold() for g in word.glosses}
    found = wordnet.glosses(word.lemma, wordnet.POS[word.upos])
    extra = tuple(g for g in found if g.casefold() not in seen)[:room]
    return replace(word, glosses=word.glosses + extra) if extra else word


# Spanish's four synthetic comparatives: the dictionary glosses them as the positive.
_COMPARATIVES: dict[str, tuple[str, ...]] = {
    "mejor": ("better", "best"),
    "peor": ("worse", "worst"),
    "mayor": ("greater", "older", "larger", "elderly"),
    "menor": ("smaller", "lesser", "younger", "minor"),
}


def _with_bare_verbs(glosses: tuple[str, ...]) -> tuple[str, ...]:
    """ "want to" also as "want": a verb's gloss with its particle, then without."""
    out: list[str] = []
    for gloss in glosses:
        out.append(gloss)
        if gloss.endswith(" to") and " " not in gloss[:-3]:
            out.append(gloss[:-3])
    return tuple(dict.fromkeys(out))


def _pronoun_lemma(surface: str, reading: Reading) -> str:
    """A clitic's own form as its lemma (``lo``, ``se``, ``les``), lower case."""
    text = surface.lower()
    if "enc" in reading.tags:
        for clitic in (
            "selo",
            "sela",
            "selos",
            "selas",
            "nos",
            "les",
            "los",
            "las",
            "me",
            "te",
            "se",
            "le",
            "lo",
            "la",
            "os",
        ):
            if text.endswith(clitic):
                return clitic[-3:] if len(clitic) > 3 and clitic.startswith("se") else clitic
    return text


def _upos(reading: Reading, following: Sequence[Analysis | None]) -> str:
    tag = ud.upos(reading.tags)
    pos = reading.pos
    nxt = following[0][0] if following and following[0] else None
    if pos == "vbhaver":
        # "ha dicho": auxiliary; "hay", "había" + noun: the existential verb.
        return "AUX" if nxt is not None and "pp" in nxt.tags else "VERB"
    if pos == "vbmod":
        return "AUX" if nxt is not None and "inf" in nxt.tags else "VERB"
    if (
        pos == "vblex"
        and reading.lemma == "estar"
        and nxt is not None
        and ("ger" in nxt.tags or "pp" in nxt.tags or nxt.pos == "adj")
    ):
        return "AUX"
    if pos == "cnjadv":
        return "SCONJ"
    if pos == "rel" and "adv" in reading.tags:
        return "ADV"
    if pos == "rel" and "an" in reading.tags and reading.lemma.startswith("cuy"):
        return "DET"
    return tag


# -- unknown words ---------------------------------------------------------------------------

_GUESSES: tuple[tuple[str, str, str], ...] = (
    # (ending, lemma ending, UPOS), tried in order: the most specific endings first.
    ("aciones", "ación", "NOUN"),
    ("iciones", "ición", "NOUN"),
    ("mente", "mente", "ADV"),
    ("ábamos", "ar", "VERB"),
    ("aron", "ar", "VERB"),
    ("ieron", "ir", "VERB"),
    ("ando", "ar", "VERB"),
    ("iendo", "ir", "VERB"),
    ("aban", "ar", "VERB"),
    ("aba", "ar", "VERB"),
    ("ió", "ir", "VERB"),
    ("ó", "ar", "VERB"),
    ("ados", "ar", "VERB"),
    ("adas", "ar", "VERB"),
    ("ado", "ar", "VERB"),
    ("ada", "ar", "VERB"),
    ("ción", "ción", "NOUN"),
    ("sión", "sión", "NOUN"),
    ("dades", "dad", "NOUN"),
    ("dad", "dad", "NOUN"),
    ("icos", "ico", "ADJ"),
    ("icas", "ico", "ADJ"),
    ("ores", "or", "NOUN"),
    ("ar", "ar", "VERB"),
    ("er", "er", "VERB"),
    ("ir", "ir", "VERB"),
    ("les", "l", "NOUN"),
    ("nes", "n", "NOUN"),
    ("res", "r", "NOUN"),
    ("des", "d", "NOUN"),
    ("ces", "z", "NOUN"),
    ("os", "o", "NOUN"),
    ("as", "a", "NOUN"),
    ("es", "e", "NOUN"),
)
# More verb endings, tried only where the wordnet knows the lemma they give
# ("polinizan" -> "polinizar"): alone they would take too many nouns for verbs.
_VERB_GUESSES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("aríamos", ("ar",)), ("eríamos", ("er",)), ("iríamos", ("ir",)),
    ("arían", ("ar",)), ("erían", ("er",)), ("irían", ("ir",)),
    ("aría", ("ar",)), ("ería", ("er",)), ("iría", ("ir",)),
    ("arán", ("ar",)), ("erán", ("er",)), ("irán", ("ir",)),
    ("ará", ("ar",)), ("erá", ("er",)), ("irá", ("ir",)),
    ("aran", ("ar",)), ("ieran", ("er", "ir")), ("ara", ("ar",)), ("iera", ("er", "ir")),
    ("ían", ("er", "ir")), ("ía", ("er", "ir")),
    ("amos", ("ar",)), ("emos", ("er",)), ("imos", ("ir",)),
    ("idos", ("er", "ir")), ("idas", ("er", "ir")), ("ido", ("er", "ir")), ("ida", ("er", "ir")),
    ("an", ("ar",)), ("en", ("er", "ir", "ar")), ("as", ("ar",)), ("es", ("er", "ir", "ar")),
    ("a", ("ar",)), ("e", ("er", "ir", "ar")), ("o", ("ar", "er", "ir")),
)
# Abbreviations the analyser does not know, with what they stand for.
_ABBREVIATIONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "h": ("hora", "NOUN", ("hours", "o'clock")),
    "art": ("artículo", "NOUN", ("article",)),
    "prof": ("profesor", "NOUN", ("professor",)),
    "p": ("p. m.", "NOUN", ("p.m.", "post meridiem")),
    "m": ("p. m.", "NOUN", ("p.m.", "post meridiem")),
    "ª": ("ª", "SYM", ("ordinal or abbreviation mark",)),
    "º": ("º", "SYM", ("ordinal mark",)),
    "etc": ("etcétera", "NOUN", ("etc.", "et cetera")),
    "ej": ("ejemplo", "NOUN", ("example", "e.g.")),
    "km": ("kilómetro", "NOUN", ("kilometre", "kilometer")),
    "kg": ("kilogramo", "NOUN", ("kilogram",)),
}


def _unknown(token: Token, start: int, end: int, *, initial: bool) -> Word:
    """A word the analyser does not know: a name, an abbreviation or a guess from its ending."""
    text = token.surface
    if text.isdigit():
        return Word(text, start, end, text, "NUM", "NumType=Card", (), known=False)
    lower = text.lower()
    if lower in _ABBREVIATIONS and (lower != "m" or text == "m"):
        lemma, tag, glosses = _ABBREVIATIONS[lower]
        return Word(text, start, end, lemma, tag, "", glosses, known=False)
    name = text[:1].isupper() and (not initial or len(text) > 1)
    if name and not initial:
        return Word(text, start, end, text, "PROPN", "", (text,), known=False)
    guesses = [
        (lower[: -len(ending)] + replacement, tag)
        for ending, replacement, tag in _GUESSES
        if lower.endswith(ending) and len(lower) > len(ending) + 2
    ]
    guesses.append((lower, "NOUN" if lower.isalpha() and len(lower) > 2 else "X"))
    guesses += [
        (lower[: -len(ending)] + infinitive, "VERB")
        for ending, infinitives in _VERB_GUESSES
        if lower.endswith(ending) and len(lower) > len(ending) + 2
        for infinitive in infinitives
    ]
    guessed = guesses[0]
    if name:
        # A sentence's capitalised first word is a name unless it ends as a verb form
        # does ("Hojeaba" is "hojear"): names look like words too often ("Rego" is not
        # "regar", "Lobato" not *cub scout*).
        guesses = [g for g in guesses if g[1] == "VERB" and _is_inflected(g[0], lower)]
    # The first guess the wordnet knows, as the part of speech guessed if it can. Not a
    # letter, a symbol or a number: "x" in "7 x 5" is no slang word for *ecstasy*.
    for lemma, tag in guesses:
        if tag == "X":
            continue
        for pos in dict.fromkeys([wordnet.POS.get(tag, "n"), *"nvar"]):
            found = wordnet.glosses(lemma, pos)
            if found:
                upos = tag if wordnet.POS.get(tag) == pos else _UPOS_OF[pos]
                glosses = found[:MAX_GLOSSES]
                return Word(text, start, end, lemma, upos, "", glosses, known=False)
    if name:  # a capitalised first word the wordnet does not know: a name
        return Word(text, start, end, text, "PROPN", "", (text,), known=False)
    lemma, tag = guessed
    return Word(text, start, end, lemma, tag, "", (), known=False)


_UPOS_OF = {pos: upos for upos, pos in wordnet.POS.items()}
_INFLECTIONS = tuple(ending for ending, _, tag in _GUESSES if tag == "VERB" and len(ending) > 2)


def _is_inflected(lemma: str, surface: str) -> bool:
    """Whether ``surface`` ends as an inflected verb form of three letters or more does
    (``-aba``, ``-aron``, ``-ando``…), not only as an infinitive or ``-o``, ``-a``."""
    return surface != lemma and surface.endswith(_INFLECTIONS)


# -- glosses in context ------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_IRREGULAR = {
    "be": "am is are was were been being",
    "have": "has had having",
    "do": "does did done",
    "go": "goes went gone",
    "say": "says said",
    "make": "made",
    "take": "took taken",
    "give": "gave given",
    "get": "got gotten",
    "come": "came",
    "see": "saw seen",
    "know": "knew known",
    "think": "thought",
    "tell": "told",
    "find": "found",
    "leave": "left",
    "hold": "held",
    "keep": "kept",
    "bring": "brought",
    "begin": "began begun",
    "meet": "met",
    "lead": "led",
    "feel": "felt",
    "become": "became",
    "show": "shown",
    "hear": "heard",
    "run": "ran",
    "put": "put",
    "set": "set",
    "lose": "lost",
    "pay": "paid",
    "send": "sent",
    "build": "built",
    "fall": "fell fallen",
    "rise": "rose risen",
    "spend": "spent",
    "write": "wrote written",
    "speak": "spoke spoken",
    "win": "won",
    "choose": "chose chosen",
    "grow": "grew grown",
    "drive": "drove driven",
    "buy": "bought",
    "stand": "stood",
    "understand": "understood",
    "sell": "sold",
    "seek": "sought",
    "break": "broke broken",
    "mean": "meant",
    "reach": "reached",
    "fight": "fought",
    "wear": "wore worn",
    "throw": "threw thrown",
    "draw": "drew drawn",
    "forget": "forgot",
    "eat": "ate eaten",
    "hide": "hid hidden",
    "bear": "bore borne",
    "tear": "tore torn",
    "fly": "flew flown",
    "sing": "sang sung",
    "drink": "drank",
    "swim": "swam",
    "sit": "sat",
    "lie": "lay lain",
    "lay": "laid",
    "cut": "cut",
    "hit": "hit",
    "let": "let",
    "strike": "struck",
    "teach": "taught",
    "catch": "caught",
    "sleep": "slept",
    "can": "could",
    "will": "would",
    "may": "might",
    "shall": "should",
}


def _forms(word: str) -> set[str]:
    """English inflections of a word, regular and common irregular ones."""
    forms = {word, word + "s", word + "es", word + "ed", word + "d", word + "ing"}
    if word.endswith("e"):
        forms.add(word[:-1] + "ing")
    if word.endswith("y") and len(word) > 2:
        forms.update({word[:-1] + "ies", word[:-1] + "ied"})
    if len(word) > 2 and word[-1] not in "aeiouwyx" and word[-2] in "aeiou":
        forms.update({word + word[-1] + "ed", word + word[-1] + "ing"})
    forms.update(_IRREGULAR.get(word, "").split())
    return forms


def _in_translation(gloss: str, english: set[str], text: str) -> bool:
    words = gloss.lower().split()
    if not words:
        return False
    if len(words) == 1:
        return bool(_forms(words[0]) & english)
    head = "|".join(re.escape(f) for f in sorted(_forms(words[0])))
    rest = r"\s+".join(re.escape(w) for w in words[1:])
    return re.search(rf"\b(?:{head})\s+{rest}\b", text) is not None


def order_glosses(word: Word, english: str) -> tuple[str, ...]:
    """``word.glosses`` with the ones ``english`` (its sentence's translation) uses first
    (after a gloss of :data:`_PINNED`, which stays first)."""
    if len(word.glosses) < 2 or not english:
        return word.glosses
    # A gloss a rule knows is the one for this construction stays first (see _PINNED).
    pinned = word.glosses[:1] if (word.lemma, word.glosses[0]) in _PINNED else ()
    rest = word.glosses[len(pinned) :]
    lowered = english.lower()
    tokens = set(_WORD.findall(lowered))
    used = [g for g in rest if _in_translation(g, tokens, lowered)]
    return pinned + tuple(used + [g for g in rest if g not in used])


def is_untranslated(word: Word, english: str) -> bool:
    """Whether ``english`` kept this Spanish word as it is instead of translating it."""
    if not english or word.upos in ("PROPN", "NUM") or (word.known and len(word.text) < 4):
        return False
    surface = _fold(word.text)
    if any(_fold(g) == surface for g in word.glosses):
        return False  # "radio" -> "radio": translated, it just looks the same
    return surface in {_fold(w) for w in _WORD.findall(english)}


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()
