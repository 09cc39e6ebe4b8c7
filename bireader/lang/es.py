"""Spanish data for the sentence segmenter: abbreviations, titles, sentence openers.

Kinds are explained in ``bireader.lang`` and docs/segmentation.md.
"""

from __future__ import annotations

from typing import Final

from bireader.lang import Kind, Language, words

ABBREVIATIONS: Final[dict[str, Kind]] = {
    **dict.fromkeys(
        words("""
            sr sra srta sres sras srs dr dra dres dras don dña dª lic lcdo lcda ldo lda ing arq
            prof profa profs excmo excma exmo exma excmos ilmo ilma ilmos hble rvdo rvda pbro
            mons pdte pdta pte atte fdo cdad fr sto sta gral cnel tte sgto cmdte almte mr mrs ms
            mt st sr.d sra.dña p.ej p.e ej v.gr vs cf cfr i.e e.g s.s s.m s.a.r avda av ctra pza
            pl c/ apdo hosp univ dir dtor dtora vda mtro mtra hno hna bco blvd gdor ind inst
            fund sec
        """),
        "title",
    ),
    **dict.fromkeys(
        words("""
            pág págs pp párr párrf núm núms num nro nros nº n° n.º art arts cap caps vol vols
            fig figs tel telf tfno tlf ext aprox admón adm dpto depto dcha izq máx mín doc docs
            ed eds edic coord trad tít secc sig sigs ss min seg rev ene feb abr may jun jul
            ago sep sept oct nov dic lun mié mier jue vie sáb sab hab cra ud uds vd vds esp gob
            int ref pto
        """),
        "mid",
    ),
    **dict.fromkeys(words("no mar set col vid dom"), "numeric"),
    **dict.fromkeys(
        words("""
            etc ee.uu eeuu jj.oo rr.hh cc.oo ff.aa cc.aa aa.pp pp.aa ss.mm vv.aa s.a s.l s.a.u
            s.l.u s.c s.coop cía hnos inc ltd ltda corp a.m p.m a.c d.c a.j.c d.j.c u.s.a bs.as
        """),
        "final",
    ),
}

# Titles before a name that are also common words' abbreviations in running text: they
# are titles when capitalized ("el Hosp. Univ. La Paz"); in lower case ("la univ.",
# "su hna.") they may close a sentence, like a "mid" abbreviation.
NAME_TITLES: Final = frozenset(
    words("hosp univ dir dtor dtora vda mtro mtra hno hna bco blvd gdor ind inst fund sec")
)

# Capitalized words that typically open a sentence and are rarely surnames: after an
# ambiguous period (an initial, a "mid" abbreviation) they tip the decision to a split.
STARTERS: Final = frozenset(
    words("""
        el la los las lo un una unos unas en por para pero sin con según tras desde durante
        hasta hacia ante entre sobre contra mediante este esta estos estas esto ese esa esos
        esas eso aquel aquella aquellos aquellas su sus mi mis tu tus nuestro nuestra al no ni
        se le les nos me te hoy ayer además ahora entonces así también tampoco aunque cuando
        como si sí ya y o que qué quien quién quienes cuál cuáles cómo dónde cuándo cuánto es
        era fue son eran fueron hay ha han había habrá será serán está están estaba otro otra
        otros otras todo toda todos todas cada muchos muchas pocos algunos algunas ninguno nadie
        nada él ella ellos ellas yo usted ustedes allí aquí después antes luego mientras incluso
        sólo solo más menos muy pues porque dicha dicho dichos dichas tal tales ambos ambas
        varios varias
    """)
)

# Nouns that name a letter as a label ("vitamina C", "plan B"): that letter is no initial.
LABEL_NOUNS: Final = frozenset(
    words("""
        vitamina vitaminas plan grupo tipo clase letra fase serie categoría zona nivel anexo
        apartado opción hepatitis modelo bloque sector puerta terminal pabellón división fila
        sala planta carril escalera eje cara lado rango pista
    """)
)

# Brand names that end in "!" in the middle of a sentence.
BANG_NAMES: Final = frozenset({"yahoo"})

LANGUAGE: Final = Language(
    code="es",
    abbreviations=ABBREVIATIONS,
    name_titles=NAME_TITLES,
    starters=STARTERS,
    label_nouns=LABEL_NOUNS,
    bang_names=BANG_NAMES,
)
