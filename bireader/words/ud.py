"""Apertium's Spanish tags -> Universal Dependencies UPOS and features, and plain words.

Apertium writes an analysis as ``lemma<pos><subtag>...`` (``dar<vblex><ifi><p3><sg>``).
:func:`upos` and :func:`features` map those tags to UD (``VERB``,
``Mood=Ind|Number=Sing|Person=3|Tense=Past|VerbForm=Fin``); :func:`describe` says
the same in words for a learner ("verb · preterite · 3rd person singular").

>>> upos(("vblex", "ifi", "p3", "sg"))
'VERB'
>>> features(("vblex", "ifi", "p3", "sg"))
'Mood=Ind|Number=Sing|Person=3|Tense=Past|VerbForm=Fin'
>>> describe("VERB", "Mood=Ind|Number=Sing|Person=3|Tense=Past|VerbForm=Fin")
'verb · preterite · 3rd person singular'
"""

from __future__ import annotations

from collections.abc import Sequence

UPOS_TAGS = frozenset(
    [
        "ADJ",
        "ADP",
        "ADV",
        "AUX",
        "CCONJ",
        "DET",
        "INTJ",
        "NOUN",
        "NUM",
        "PART",
        "PRON",
        "PROPN",
        "PUNCT",
        "SCONJ",
        "SYM",
        "VERB",
        "X",
    ]
)
"""The 17 UD part-of-speech tags."""

# The first tag of an analysis -> UPOS (verbs and a few others are refined by lemma).
UPOS_OF_TAG = {
    "n": "NOUN",
    "np": "PROPN",
    "adj": "ADJ",
    "adv": "ADV",
    "preadv": "ADV",
    "pr": "ADP",
    "cnjcoo": "CCONJ",
    "cnjsub": "SCONJ",
    "cnjadv": "ADV",
    "det": "DET",
    "predet": "DET",
    "prn": "PRON",
    "rel": "PRON",
    "num": "NUM",
    "vblex": "VERB",
    "vbser": "AUX",
    "vbhaver": "AUX",
    "vbmod": "AUX",
    "ij": "INTJ",
    "abbr": "NOUN",
    "acr": "PROPN",
    "sent": "PUNCT",
    "cm": "PUNCT",
    "lpar": "PUNCT",
    "rpar": "PUNCT",
    "lquest": "PUNCT",
    "rquest": "PUNCT",
    "guio": "PUNCT",
    "apos": "PUNCT",
    "quot": "PUNCT",
    "percent": "SYM",
}

_TENSES = {
    "pri": ("Mood=Ind", "Tense=Pres", "VerbForm=Fin"),
    "pii": ("Mood=Ind", "Tense=Imp", "VerbForm=Fin"),
    "ifi": ("Mood=Ind", "Tense=Past", "VerbForm=Fin"),
    "fti": ("Mood=Ind", "Tense=Fut", "VerbForm=Fin"),
    "cni": ("Mood=Cnd", "VerbForm=Fin"),
    "prs": ("Mood=Sub", "Tense=Pres", "VerbForm=Fin"),
    "pis": ("Mood=Sub", "Tense=Imp", "VerbForm=Fin"),
    "fts": ("Mood=Sub", "Tense=Fut", "VerbForm=Fin"),
    "imp": ("Mood=Imp", "VerbForm=Fin"),
    "inf": ("VerbForm=Inf",),
    "ger": ("VerbForm=Ger",),
    "pp": ("Tense=Past", "VerbForm=Part"),
}
_SIMPLE = {
    "m": "Gender=Masc",
    "f": "Gender=Fem",
    "sg": "Number=Sing",
    "pl": "Number=Plur",
    "p1": "Person=1",
    "p2": "Person=2",
    "p3": "Person=3",
    "def": "Definite=Def",
    "ref": "Reflex=Yes",
    "ord": "NumType=Ord",
    "sup": "Degree=Abs",
    "comp": "Degree=Cmp",
    "pos": "Poss=Yes",
}
_PRONTYPE = {
    "def": "Art",
    "dem": "Dem",
    "itg": "Int",
    "qnt": "Ind",
    "rel": "Rel",
    "tn": "Prs",
    "pro": "Prs",
    "enc": "Prs",
}


def upos(tags: Sequence[str]) -> str:
    """The UD part of speech of an analysis' tags (``X`` when unknown)."""
    if not tags:
        return "X"
    if tags[0] == "det" and "ord" in tags:
        return "ADJ"  # ordinals ("último", "primer") are adjectives in UD
    return UPOS_OF_TAG.get(tags[0], "X")


def features(tags: Sequence[str]) -> str:
    """UD features of an analysis' tags, sorted by name, ``|``-separated (``""`` if none)."""
    if not tags:
        return ""
    found: set[str] = set()
    pos = tags[0]
    for tag in tags[1:]:
        found.update(_TENSES.get(tag, ()))
        simple = _SIMPLE.get(tag)
        if simple is not None and not (tag == "def" and pos != "det"):
            found.add(simple)
    if pos in ("det", "prn", "rel", "predet"):
        kinds = [_PRONTYPE[t] for t in (pos, *tags[1:]) if t in _PRONTYPE]
        if pos == "det" and "ind" in tags:
            kinds = kinds or ["Art"]
            found.add("Definite=Ind")
        if pos == "det" and "pos" in tags:
            kinds = ["Prs"]
        if kinds:
            found.add(f"PronType={kinds[0]}")
    if pos == "num":
        found.add("NumType=Card")
    if pos == "np":
        found.discard("Gender=Masc")
        found.discard("Gender=Fem")
    return "|".join(sorted(found, key=lambda f: f.split("=")[0].lower()))


# -- plain words -------------------------------------------------------------------------

_UPOS_WORDS = {
    "ADJ": "adjective",
    "ADP": "preposition",
    "ADV": "adverb",
    "AUX": "auxiliary verb",
    "CCONJ": "conjunction",
    "DET": "determiner",
    "INTJ": "interjection",
    "NOUN": "noun",
    "NUM": "number",
    "PART": "particle",
    "PRON": "pronoun",
    "PROPN": "proper noun",
    "PUNCT": "punctuation",
    "SCONJ": "subordinating conjunction",
    "SYM": "symbol",
    "VERB": "verb",
    "X": "word",
}
_FEATURE_WORDS = {
    "VerbForm=Inf": "infinitive",
    "VerbForm=Ger": "gerund",
    "VerbForm=Part": "participle",
    "Mood=Sub": "subjunctive",
    "Mood=Imp": "imperative",
    "Mood=Cnd": "conditional",
    "Tense=Pres": "present",
    "Tense=Imp": "imperfect",
    "Tense=Past": "preterite",
    "Tense=Fut": "future",
    "Gender=Masc": "masculine",
    "Gender=Fem": "feminine",
    "Degree=Abs": "superlative",
    "Degree=Cmp": "comparative",
    "NumType=Ord": "ordinal",
    "Reflex=Yes": "reflexive",
    "Poss=Yes": "possessive",
    "PronType=Dem": "demonstrative",
    "PronType=Int": "interrogative",
    "PronType=Rel": "relative",
    "PronType=Ind": "indefinite",
    "Definite=Def": "definite",
    "Definite=Ind": "indefinite",
}
_DESCRIBED = (
    "VerbForm",
    "Mood",
    "Tense",
    "PronType",
    "Definite",
    "Poss",
    "Reflex",
    "Degree",
    "NumType",
    "Gender",
)
_ORDINAL = {"1": "1st", "2": "2nd", "3": "3rd"}


def part_of_speech(tag: str) -> str:
    """A UPOS tag in plain words.

    >>> part_of_speech("ADP")
    'preposition'
    """
    return _UPOS_WORDS.get(tag, "word")


def describe(tag: str, feats: str) -> str:
    """Part of speech and features in plain words, ``·``-separated.

    >>> describe("NOUN", "Gender=Fem|Number=Plur")
    'noun · feminine · plural'
    """
    items = dict(f.split("=", 1) for f in feats.split("|") if "=" in f)
    words = [part_of_speech(tag)]
    for name in _DESCRIBED:
        value = items.get(name)
        word = _FEATURE_WORDS.get(f"{name}={value}") if value else None
        if word and word not in words:
            words.append(word)
    person, number = items.get("Person"), items.get("Number")
    plural = {"Sing": "singular", "Plur": "plural"}.get(number or "")
    if person:
        words.append(f"{_ORDINAL.get(person, person)} person" + (f" {plural}" if plural else ""))
    elif plural:
        words.append(plural)
    return " · ".join(words)
