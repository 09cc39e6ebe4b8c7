"""English data for the sentence segmenter: abbreviations, titles, sentence openers.

Abbreviations are those of English news and reference text: courtesy, military and
political titles, the Associated Press's abbreviations of months and of U.S. states,
street and company words, Latin abbreviations, units written with a period. Kinds are
explained in ``bireader.lang`` and docs/segmentation.md. Dotted capitals (U.S., U.K.,
U.N., D.C., J. R. R.) need no entry: they are read as initials by their shape.
"""

from __future__ import annotations

from typing import Final

from bireader.lang import Kind, Language, words

ABBREVIATIONS: Final[dict[str, Kind]] = {
    # Never the last word of a sentence: a name, a number or more text follows.
    **dict.fromkeys(
        words("""
            mr mrs ms mssrs messrs mmes dr prof profs rev revd hon rt msgr fr
            gen lt col capt cpt sgt maj adm cmdr cmdt brig cpl pvt spc gov govs sen sens rep
            reps supt det insp pres amb atty mt ft pt sts
            e.g i.e viz vs v cf ca
        """),
        "title",
    ),
    # Mostly before a number or a name; end a sentence only before a typical opener.
    **dict.fromkeys(
        words("""
            jan feb apr jun jul aug sep sept oct nov dec mon tue tues thu thur thurs fri
            fig figs vol vols pp ch chap chaps sec secs para paras nos op ed eds est approx
            dept depts univ assn bros co cos corp inc ltd llc plc jr sr st ave blvd rd hwy
            pl sq ext tel
        """),
        "mid",
    ),
    # Also an ordinary word: the abbreviation only capitalized and before a number
    # ("No. 45", "Art. 5", "Mar. 3"); "said no. The" is the word.
    **dict.fromkeys(words("no art mar sat sun wed"), "numeric"),
    # Often the last word of a sentence: ends one before a capital (but see CONTINUERS).
    **dict.fromkeys(
        words("""
            etc al ibid op.cit a.m p.m ph.d b.a m.a b.sc m.sc m.d d.d.s
            ala ariz ark calif colo conn del fla ga ill ind kan kans ky la md mass mich minn
            miss mo mont neb nev okla ore pa tenn tex va vt wash wis wyo
        """),
        "final",
    ),
}

# Titles that are also common lower-case abbreviations ("a sales rep. The", "6 ft. The"):
# titles only when capitalized ("Ft. Worth", "Mt. Everest").
NAME_TITLES: Final = frozenset(words("rep reps gen col gov pres det hon mt ft pt"))

# Capitalized words after which a "final" abbreviation does not end the sentence:
# "at 9 a.m. Tuesday", "at 5 p.m. EST".
CONTINUERS: Final = frozenset(
    words("""
        monday tuesday wednesday thursday friday saturday sunday january february march april
        may june july august september october november december et est edt ct cst cdt mt
        mst mdt pt pst pdt gmt utc bst cet
    """)
)

# Capitalized words that typically open a sentence and are rarely names: after an
# ambiguous period (an initial, a "mid" abbreviation) they tip the decision to a split.
STARTERS: Final = frozenset(
    words("""
        the a an this that these those there here it its he she they we i you his her their
        our my your in on at for from with by after before during since until when while as
        if and but or so yet because although though however meanwhile still also then now
        today yesterday tomorrow last next some many most all both each every several few no
        not nor one two three what who whom whose which where why how is was are were will
        would can could should may might must do does did has have had such other another
        more less only even just once instead despite according among about over under into
        through against without within between across along around officials police
    """)
)

# Nouns that name a letter as a label ("vitamin C", "Plan B"): that letter is no initial.
LABEL_NOUNS: Final = frozenset(
    words("""
        vitamin vitamins plan group type class grade phase zone level annex appendix section
        exhibit model option hepatitis building block gate terminal row seat room floor lane
        platform track stage figure table category division series wing pool
    """)
)

# Brand names that end in "!" in the middle of a sentence.
BANG_NAMES: Final = frozenset(words("yahoo jeopardy"))

# Verbs of saying: after a quotation ending in "?" or "!", capitalized words and one of
# these attribute it ('"Why?" Smith asked.'), so the sentence goes on.
SPEECH_VERBS: Final = frozenset(
    words("""
        said says asked asks added adds told replied replies shouted yelled wrote writes cried
        whispered explained continued insisted answered recalled noted warned declared
        exclaimed remarked screamed muttered demanded repeated admitted agreed argued
        suggested tweeted posted laughed sighed snapped pleaded wondered
    """)
)

# Numbered headings and captions: "Article 1. Scope.", "Table 2. Results".
HEADING_LABELS: Final = frozenset(
    words("""
        article chapter section part annex schedule book title table figure fig theorem lemma
        corollary definition proposition example exercise remark
    """)
)
HEADING_NUMBERS: Final = frozenset(words("one two three four five first second third"))

LANGUAGE: Final = Language(
    code="en",
    abbreviations=ABBREVIATIONS,
    name_titles=NAME_TITLES,
    starters=STARTERS,
    label_nouns=LABEL_NOUNS,
    bang_names=BANG_NAMES,
    continuers=CONTINUERS,
    speech_verbs=SPEECH_VERBS,
    heading_labels=HEADING_LABELS,
    heading_numbers=HEADING_NUMBERS,
)
