"""Spanish data for the sentence segmenter: abbreviations, titles, sentence openers.

Kinds are explained in ``bireader.lang`` and docs/segmentation.md.
"""

from __future__ import annotations

from typing import Final

from bireader.lang import Kind, Language, words

# Where the abbreviations come from. The list is built from published lists, not from
# cases met one by one:
# - RAE and ASALE, *Diccionario panhispánico de dudas* (2005), apéndice 2, «Lista de
#   abreviaturas»: titles and forms of address (Sr., D.ª, Excmo., Ilmo., Rvdo., S. M., V. E.),
#   Latin and reference abbreviations (p. ej., v. gr., cf., ib., íd., op. cit., et al.),
#   bibliographic ones (pág., cap., vol., fasc., t., ed., trad., pról.), commercial ones
#   (S. A., Cía., Hnos., cta., fra., dto.), addresses (avda., c/, pza., esq., entlo.).
# - The abbreviations the *Boletín Oficial del Estado* uses in legal text (art., arts.,
#   apdo., apdos., núm., núms., disp. adic., disp. trans., disp. derog., RDLeg., FJ, secc.,
#   párr., ss.), as in its style and in the RAE's *Libro de estilo de la lengua española*
#   (2018), whose list of abbreviations adds units and scientific usage (aprox., máx., mín.,
#   fig., tab., ec., sp., spp.).
# - Spanish press usage (EE. UU., JJ. OO., CC. OO., months and weekdays).
# Each entry is written lower case without its last period; dots inside stay ("p.ej").
ABBREVIATIONS: Final[dict[str, Kind]] = {
    # Always followed by a name, a number or more text: never end a sentence.
    **dict.fromkeys(
        words("""
            sr sra srta sres sras srs dr dra dres dras don dña dª d.ª lic lcdo lcda ldo lda
            ing arq abg abg.do abg.da abgdo abgda prof profa prof.ª profs excmo excma exmo exma
            excmos excmas exc.ª ilmo ilma ilmos ilmas il hble rvdo rvda rdo rda pbro presb mons
            emmo em.ª bmo bma sermo serma smo rvdmo arz afmo afma atte atto atta fdo cdad fr sto
            sta gral cnel tte subtte sgto cmdte cmte cmdt almte alfz valmte mr mrs ms mt st
            sr.d sra.dña ma m.ª n.ª s.ª ntro ntra pdte pdta pte admr igl.ª ser.mo rep
            p.ej p.e ej v.gr vs cf cfr i.e e.g ca s/ s.s s.m s.a.r s.e s.r.m v.a v.a.r v.e v.m
            v.s v.s.i avda avd av ctra pza pl c/ esq entlo hosp univ dir dtor dtora dir.ª vda
            mtro mtra hno hna bco blvd gdor gdora ind inst fund sec rdleg dleg
        """),
        "title",
    ),
    # Mostly followed by a number or a reference; end a sentence only before an opener.
    **dict.fromkeys(
        words("""
            pág págs pg pp párr párrf núm núms num nro nros nº n° n.º art arts art.º apdo apdos
            ap disp adic trans derog let lit cap caps vol vols fasc fol f.º lib t.º tít secc sig
            sigs sgte ss fig figs tab ec eq tel telf teléf tfno tlf ext aprox admón adm dpto
            depto dto dcha dcho izq izqda izqdo izda izdo máx mín doc docs ed eds edic edit coord
            trad pról supl sup inf cód reg res ord circ instr acdo ayto expte exp rev hab cra ud
            uds vd vds esp gob int ref pto hnos trim ejerc cta cte ctvo fact fra sp spp subsp var
            prov
            pral ppal ob op loc f.j cía c.ª sdad inc ltd ltda corp bibl bo cl diag ef edo fca
            imp impr impto secret vta vto ctv cje excl del pdo rte test.º
        """),
        "mid",
    ),
    # Also an ordinary word: the abbreviation only capitalized and before a number.
    **dict.fromkeys(words("no mar set col vid dom"), "numeric"),
    # Often the last word of a sentence: ends one before a capital.
    **dict.fromkeys(
        words("""
            etc ee.uu eeuu jj.oo rr.hh cc.oo ff.aa cc.aa aa.pp pp.aa ss.mm vv.aa aa.vv s.a s.l
            s.a.u s.l.u s.c s.coop a.m p.m a.c d.c a.j.c d.j.c
            a.de.c d.de.c u.s.a bs.as cit ib ibíd íd al ál min seg mill bill ptas pts cts cént
            dls dól q.e.p.d d.e.p q.d.g e.p.d s.f s.n s.e.u.o r.i.p q.e.s.m q.b.s.m q.e.g.e
            s.s.s k.o p.d p.s p.v.p r.p.m incl
            ene feb abr may jun jul ago sep sept oct nov dic lun mié mier jue vie sáb sab
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
        varios varias aún todavía quizá quizás nunca siempre jamás apenas casi hace
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

# Numbered headings and captions of legal, book and scientific text: "Artículo 1. Objeto.",
# "Disposición final primera. Título competencial.", "Capítulo IV. La llegada", "Tabla 2.
# Resultados", "Teorema 1. Toda función...": the period after the number ends no sentence.
HEADING_LABELS: Final = frozenset(
    words("""
        artículo art capítulo cap título sección subsección anexo libro parte disposición
        tabla figura fig cuadro gráfico mapa lámina ecuación teorema lema corolario definición
        proposición ejemplo ejercicio observación nota conjetura axioma problema
    """)
)
HEADING_NUMBERS: Final = frozenset(
    words("""
        único única preliminar primero primera segundo segunda tercero tercera cuarto cuarta
        quinto quinta sexto sexta séptimo séptima octavo octava noveno novena décimo décima
        bis ter quater adicional transitoria derogatoria final
    """)
)

# Ordinals that number the paragraphs of a resolution or a judgment on their own:
# "Primero. Estimar el recurso. Segundo. Ordenar...".
ENUM_WORDS: Final = frozenset(
    words("""
        primero segundo tercero cuarto quinto sexto séptimo octavo noveno décimo undécimo
        duodécimo único
    """)
)

LANGUAGE: Final = Language(
    code="es",
    abbreviations=ABBREVIATIONS,
    name_titles=NAME_TITLES,
    starters=STARTERS,
    label_nouns=LABEL_NOUNS,
    bang_names=BANG_NAMES,
    heading_labels=HEADING_LABELS,
    heading_numbers=HEADING_NUMBERS,
    enum_words=ENUM_WORDS,
)
