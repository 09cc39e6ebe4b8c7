"""The bilingual HTML reader: one self-contained page, no network, built as an lxml tree.

Every source and target sentence becomes an element of its own, paired by id
(``s12`` and ``t12`` share ``data-pair="p12"``) inside a block element of the
document's kind (``h1``/``h2``, ``p``, ``li``, ``blockquote``, ``figcaption``).
The page's CSS and JavaScript (``html_assets/``) are inlined and allowed by a
Content-Security-Policy that lists their SHA-256 hashes and nothing else.

>>> from bireader.model import BilingualDocument, Block, Document, Pair, Provenance, Sentence
>>> s = Sentence("Hola <b>.", 0, 9)
>>> bi = BilingualDocument(Document("Hola <b>.", (Block("paragraph", 0, 9, (s,)),)),
...     (Pair(s, "Hello.", 0, "paragraph", "apertium"),), Provenance("apertium", "3.8"))
>>> page = render(bi)
>>> 'id="s1"' in page and "Hola &lt;b&gt;." in page and "Hola <b>" not in page
True
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import PurePath
from typing import IO, Any

from lxml import etree
from lxml import html as lxml_html

from bireader.errors import ExportError, InvalidOption
from bireader.formats.base import LAYOUTS, reject_options
from bireader.model import BilingualDocument, Block, Pair, Repair, Word
from bireader.text import xml_safe

FORMAT = "html"

_OPTIONS = frozenset({"layout", "title"})
_ASSETS = "html_assets"
_log = logging.getLogger(__name__)

Element = etree._Element


def _clean(text: str) -> str:
    r"""``text`` made safe to hold in the page.

    >>> _clean("a\x00b\ud800c") == "a\ufffdb\ufffdc"
    True
    """
    # Characters no HTML/XML document may hold (C0 controls but tab and newlines, lone
    # surrogates, the two non-characters): U+FFFD, so the reader sees something was there.
    return xml_safe(text, "\ufffd")


def write(
    bi: BilingualDocument,
    stream: IO[bytes],
    *,
    layout: str | None = "side-by-side",
    **options: Any,
) -> None:
    """Write the reader page of ``bi`` to the binary ``stream`` as UTF-8, block by block.

    The page around the article is built as a tree; the article's blocks are built and
    written a few at a time (a long paragraph a few hundred sentences at a time), so
    memory stays flat in the number of sentences.
    """
    layout, title = _options(layout, options)
    root = build_tree(bi, layout=layout, title=title, blocks=False)
    article, style = root.find(".//article"), root.find("head/style")
    assert article is not None and style is not None
    longest = max((len(pairs) for _, pairs in bi.blocks()), default=0)

    def css() -> None:
        for piece in _css_pieces(longest):
            xf.write(piece)  # raw: <style> content is not escaped

    try:
        with etree.htmlfile(stream, encoding="utf-8") as xf:
            xf.write_doctype("<!DOCTYPE html>")
            _emit(xf, root, {style: css, article: lambda: _write_article(xf, bi, title)})
        stream.write(b"\n")
    except BrokenPipeError:
        raise  # a reader such as `head` closed the pipe: the CLI exits quietly
    except OSError as exc:
        raise ExportError(f"cannot write the HTML page: {exc.strerror or exc}") from exc
    _log.debug("HTML reader page: %d pairs, layout %s", len(bi.pairs), layout)


def render(bi: BilingualDocument, **options: Any) -> str:
    """The reader page of ``bi`` as a string (``layout=``, ``title=`` override the defaults)."""
    buffer = io.BytesIO()
    write(bi, buffer, **options)
    return buffer.getvalue().decode("utf-8")


def _options(layout: str | None, options: Mapping[str, Any]) -> tuple[str, str | None]:
    reject_options(FORMAT, {k: v for k, v in options.items() if k not in _OPTIONS})
    layout = layout or "side-by-side"
    if layout not in LAYOUTS:
        raise InvalidOption(f"html: unknown layout {layout!r} (known: {', '.join(LAYOUTS)})")
    title: str | None = options.get("title")
    return layout, title


def _attrib(element: Element) -> dict[str, str]:
    return {str(key): str(value) for key, value in element.attrib.items()}


def _emit(xf: Any, element: Element, fills: Mapping[Element, Callable[[], None]]) -> None:
    """Write ``element`` to the incremental writer ``xf``; for an element of ``fills``
    (``element`` or a descendant), ``fills[it]()`` writes its content instead."""
    fill = next((f for target, f in fills.items() if target is element), None)
    if fill is not None:
        with xf.element(element.tag, _attrib(element)):
            fill()
    elif not any(node is target for node in element.iterdescendants() for target in fills):
        xf.write(element)  # with its tail
        return
    else:
        with xf.element(element.tag, _attrib(element)):
            if element.text:
                xf.write(element.text)
            for child in element:
                _emit(xf, child, fills)
    if element.tail:
        xf.write(element.tail)


def page_title(bi: BilingualDocument) -> str:
    """The article's title, its first heading, else its source's file name."""
    doc = bi.document
    if doc.title and doc.title.strip():
        return " ".join(doc.title.split())
    for block in doc.blocks:
        if block.kind == "heading":
            text = " ".join(doc.text[block.start : block.end].split())
            if text:
                return text
    if doc.source and not doc.source.startswith("<"):
        named = humanize_file_name(doc.source)
        if named:
            return named
    for sentence in doc.sentences():
        opening = _shorten(" ".join(sentence.text.split()))
        if opening:
            return opening
    return "Bilingual reader"


def _shorten(text: str, limit: int = 60) -> str:
    """``text`` cut at a word boundary to at most about ``limit`` characters.

    >>> _shorten("El viento sopló toda la noche sobre el pueblo costero de Cádiz.", 30)
    'El viento sopló toda la noche…'
    >>> _shorten("Nadie durmió.")
    'Nadie durmió.'
    """
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:—–-") + "\u2026"


_OWN_MARKER = re.compile(r"\s*(?:\d{1,3}[.)]|[a-z]\)|[-•*·▪–—])\s")
"""A list item whose text already starts with its number or bullet."""

_LANG_SUFFIX = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?")


def humanize_file_name(source: str) -> str:
    """A title made from a file name: no folder, file or language suffix, words spaced.

    >>> humanize_file_name("texts/miami-talks.es.txt")
    'Miami talks'
    >>> humanize_file_name("ola_de_calor.html"), humanize_file_name("Informe 2024.pt-BR.md")
    ('Ola de calor', 'Informe 2024')
    """
    parts = PurePath(source).name.split(".")
    if len(parts) > 1 and parts[0]:
        parts.pop()  # the file suffix
    if len(parts) > 1 and _LANG_SUFFIX.fullmatch(parts[-1]):
        parts.pop()
    words = " ".join(re.sub(r"[-_\s]+", " ", ".".join(parts)).split())
    if not any(char.isalnum() for char in words):
        return ""
    return words[:1].upper() + words[1:]


def csp_hash(code: str) -> str:
    """The CSP source expression allowing exactly this inline ``code``.

    >>> csp_hash("")
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    """
    digest = hashlib.sha256(code.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


@cache
def _asset(name: str) -> str:
    try:
        return (resources.files("bireader.formats") / _ASSETS / name).read_text(encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"the HTML reader's {name} is missing from the installation") from exc


def _order_css(max_sentences: int) -> Iterator[str]:
    """The ordering rules, in pieces of a thousand (a long paragraph needs one per sentence)."""
    # Interleaved layouts turn each block into a flex column; ordering sentence k of
    # the source side (2k-1) before sentence k of the target side (2k) puts every
    # translation under its sentence while the DOM keeps whole paragraphs per language.
    for first in range(2, max_sentences + 1, 1000):
        yield "".join(
            f".s:nth-child({k}){{order:{2 * k - 1}}}.t:nth-child({k}){{order:{2 * k}}}"
            for k in range(first, min(first + 1000, max_sentences + 1))
        )


def _css_pieces(max_sentences: int) -> Iterator[str]:
    yield _asset("reader.css")
    yield from _order_css(max_sentences)
    yield "\n"


def build_tree(
    bi: BilingualDocument,
    *,
    layout: str = "side-by-side",
    title: str | None = None,
    blocks: bool = True,
) -> Element:
    """The page as an lxml element tree; with ``blocks=False`` the article is left empty
    and so is the style (``write`` streams both)."""
    doc = bi.document
    source_lang = doc.lang or "es"
    target_lang = bi.target_lang or "en"
    title_text = title or page_title(bi)

    longest = max((len(pairs) for _, pairs in bi.blocks()), default=0)
    js = _asset("reader.js")
    for code, tag in ((_asset("reader.css"), "</style"), (js, "</script")):
        if tag in code.lower():
            raise ExportError(f"the reader's inline code must not contain {tag!r}")
    css_digest = hashlib.sha256()
    for piece in _css_pieces(longest):
        css_digest.update(piece.encode("utf-8"))

    # The page's identity for the reader's saved mode: a mode chosen on one page
    # must not override the layout another page was exported with.
    identity = f"{layout}\n{target_lang}\n{doc.text}".encode("utf-8", "surrogatepass")
    page_id = hashlib.sha256(identity).hexdigest()[:16]
    # Saved words belong to the article, whatever layout its page was exported with.
    article_id = hashlib.sha256(identity.split(b"\n", 1)[1]).hexdigest()[:16]
    root: Element = lxml_html.Element(
        "html",
        lang=target_lang,
        attrib={"data-mode": layout, "data-doc": page_id, "data-article": article_id},
    )
    head = _sub(root, "head")
    _sub(head, "meta", charset="utf-8")
    _sub(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    policy = (
        "default-src 'none'; "
        f"script-src {csp_hash(js)}; "
        f"style-src 'sha256-{base64.b64encode(css_digest.digest()).decode('ascii')}'; "
        "base-uri 'none'; form-action 'none'"
    )
    _sub(head, "meta", {"http-equiv": "Content-Security-Policy", "content": policy})
    _sub(head, "meta", name="generator", content=f"bireader {bi.bireader_version}")
    _sub(head, "meta", name="color-scheme", content="light dark")
    _sub(head, "title", text=title_text)
    # Streamed by ``write``: the rules grow with the longest paragraph.
    _sub(head, "style", text="".join(_css_pieces(longest)) if blocks else "")
    _sub(head, "script", text=js)

    body = _sub(root, "body")
    words = word_data(bi)
    _controls(body, layout, words is not None)
    main = _sub(body, "main", id="text")
    article = _sub(main, "article", {"class": "doc"})
    if blocks:
        for part in _article(bi, source_lang, target_lang, title):
            if isinstance(part, _LongBlock):
                part.build(article)
            else:
                article.append(part)
    _footer(body, bi)
    if words is not None:
        # Last in the page: parsing it cannot hold back the first paint of the text.
        data = _sub(body, "script", {"type": "application/json", "id": "words"})
        data.text = _clean(words)
    return root


def word_data(bi: BilingualDocument) -> str | None:
    """The words of every source sentence as compact JSON for the page, or None if none.

    ``{"v": 1, "s": strings, "e": entries, "w": words}``: ``s`` holds every lemma, gloss
    and grammar description once; an entry is ``[lemma, grammar, part of speech,
    [glosses], flags, [parts]]`` (indexes into ``s``; ``parts`` into ``e``; flags: 1 the
    word is unknown, 2 the English left it untranslated); ``w[n]`` is sentence n+1's
    words as a flat list ``[gap, length, entry, ...]`` in UTF-16 code units (what
    JavaScript counts), each gap from the end of the word before, in the sentence's text.

    >>> from bireader.model import BilingualDocument, Block, Document, Pair, Provenance
    >>> from bireader.model import Sentence, Word
    >>> s = Sentence("Hablaron del mar.", 0, 17)
    >>> del_ = Word("del", 9, 12, "del", "ADP", "", ("of the",), (
    ...     Word("del", 9, 12, "de", "ADP", "", ("of",)),
    ...     Word("del", 9, 12, "el", "DET", "Definite=Def", ("the",))))
    >>> words = (Word("Hablaron", 0, 8, "hablar", "VERB",
    ...     "Mood=Ind|Number=Plur|Person=3|Tense=Past|VerbForm=Fin", ("speak", "talk")),
    ...     del_, Word("mar", 13, 16, "mar", "NOUN", "Gender=Masc|Number=Sing", ("sea",)))
    >>> bi = BilingualDocument(Document(s.text, (Block("paragraph", 0, 17, (s,)),)),
    ...     (Pair(s, "They spoke of the sea.", 0, "paragraph", "apertium", (), words),),
    ...     Provenance("apertium", "3.8"))
    >>> data = json.loads(word_data(bi))
    >>> data["w"]
    [[0, 8, 0, 1, 3, 3, 1, 3, 4]]
    >>> [data["s"][i] for i in data["e"][0][:3]]
    ['hablar', 'verb · preterite · 3rd person plural', 'verb']
    """
    if not any(pair.words for pair in bi.pairs):
        return None
    from bireader.words.ud import describe, part_of_speech

    strings: dict[str, int] = {}
    entries: dict[tuple[Any, ...], int] = {}
    seen: dict[tuple[Any, ...], int] = {}  # a word's analysis -> its entry, built once

    def string(text: str) -> int:
        return strings.setdefault(text, len(strings))

    def entry(word: Word) -> int:
        analysis = (
            word.lemma, word.upos, word.features, word.glosses, word.known,
            word.untranslated, tuple(entry(part) for part in word.parts),
        )  # fmt: skip
        found = seen.get(analysis)
        if found is not None:
            return found
        key = (
            string(word.lemma),
            string(describe(word.upos, word.features)),
            string(part_of_speech(word.upos)),
            tuple(string(gloss) for gloss in word.glosses),
            (0 if word.known else 1) | (2 if word.untranslated else 0),
            analysis[-1],
        )
        seen[analysis] = entries.setdefault(key, len(entries))
        return seen[analysis]

    sentences: list[list[int]] = []
    dropped = 0
    for pair in bi.pairs:
        text, base = pair.source.text, pair.source.start
        units = _utf16_offsets(text)
        flat: list[int] = []
        last = 0
        for word in sorted(pair.words, key=lambda w: (w.start, w.end)):
            start, end = word.start - base, word.end - base
            if not (last <= start < end <= len(text)) or text[start:end] != word.text:
                dropped += 1  # overlapping or outside its sentence: not a word of this text
                continue
            a, b = (units[start], units[end]) if units else (start, end)
            flat += [a - (units[last] if units else last), b - a, entry(word)]
            last = end
        sentences.append(flat)
    if dropped:
        _log.debug("HTML reader page: %d words left out (spans not in their sentence)", dropped)
    table = [
        [lemma, grammar, pos, list(glosses), flags, list(parts)]
        for lemma, grammar, pos, glosses, flags, parts in entries
    ]
    data = {"v": 1, "s": list(strings), "e": table, "w": sentences}
    # No "</script" can end the data early: "<" is always escaped.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def _utf16_offsets(text: str) -> list[int] | None:
    """UTF-16 offset of every character index of ``text`` (and its end), or None if equal.

    >>> _utf16_offsets("a😀b")
    [0, 1, 3, 4]
    >>> _utf16_offsets("año") is None
    True
    """
    if all(ord(char) <= 0xFFFF for char in text):
        return None
    offsets = [0]
    for char in text:
        offsets.append(offsets[-1] + (2 if ord(char) > 0xFFFF else 1))
    return offsets


def _sub(
    parent: Element,
    tag: str,
    attrib: dict[str, str] | None = None,
    *,
    text: str | None = None,
    **extra: str,
) -> Element:
    values = {**(attrib or {}), **extra}
    element = etree.SubElement(parent, tag, {key: _clean(value) for key, value in values.items()})
    if text is not None:
        element.text = _clean(text)
    return element


def _button(
    parent: Element, label: str, *, cls: str, aria_label: str | None = None, **attrib: str
) -> Element:
    button = _sub(parent, "button", {"type": "button", "class": cls, **attrib}, text=label)
    if aria_label:
        button.set("aria-label", aria_label)
    return button


def _controls(body: Element, layout: str, words: bool = False) -> None:
    bar = _sub(body, "header", {"class": "bar"})
    _sub(bar, "span", {"class": "brand", "aria-hidden": "true"}, text="bireader")
    modes = _sub(
        bar, "div", {"class": "group modes", "role": "group", "aria-label": "Reading mode"}
    )
    for key, (mode, label) in enumerate(
        (("side-by-side", "Side by side"), ("interlinear", "Interlinear"), ("reveal", "Reveal")),
        start=1,
    ):
        button = _button(
            modes, label, cls="mode", **{"data-mode": mode, "aria-keyshortcuts": str(key)}
        )
        button.set("aria-pressed", "true" if mode == layout else "false")
        button.set("title", f"{label} ({key})")
    reveal = _sub(bar, "div", {"class": "group reveal-only"})
    _button(
        reveal,
        "Show all",
        cls="all",
        id="all",
        title="Show or hide every translation (a)",
        **{"aria-keyshortcuts": "a"},
    )
    # Shown by reader.js only where the browser has a Spanish voice.
    listen = _sub(bar, "div", {"class": "group listen", "id": "listen", "hidden": "hidden"})
    listen_button = _button(
        listen,
        "",
        cls="listen-button",
        id="listen-button",
        title="Listen to the sentence in Spanish (l)",
        aria_label="Listen to the sentence",
        **{"aria-keyshortcuts": "l"},
    )
    _sub(listen_button, "span", {"class": "label"}, text="Listen")
    rate = _sub(listen, "select", {"id": "rate", "aria-label": "Speech speed"})
    for value, label in (
        ("0.6", "0.6\u00d7"),
        ("0.8", "0.8\u00d7"),
        ("1", "1\u00d7"),
        ("1.2", "1.2\u00d7"),
    ):
        option = _sub(rate, "option", {"value": value}, text=label)
        if value == "1":
            option.set("selected", "selected")
    if words:
        saved = _sub(bar, "div", {"class": "group saved-group"})
        saved_button = _button(
            saved,
            "",
            cls="saved-button",
            id="saved-button",
            title="Saved words",
            **{"aria-expanded": "false", "aria-controls": "saved"},
        )
        _sub(saved_button, "span", {"class": "label"}, text="Saved")
        saved_button[-1].tail = " "
        _sub(saved_button, "span", {"class": "count"}, text="(0)")
    tools = _sub(bar, "div", {"class": "group tools"})
    _button(
        tools,
        "A\u2212",
        cls="size",
        aria_label="Smaller text",
        title="Smaller text (\u2212)",
        **{"data-step": "-1", "aria-keyshortcuts": "-"},
    )
    _button(
        tools,
        "A+",
        cls="size",
        aria_label="Larger text",
        title="Larger text (+)",
        **{"data-step": "1", "aria-keyshortcuts": "+"},
    )
    _button(
        tools,
        "\u25d0",
        cls="theme",
        id="theme",
        aria_label="Dark theme",
        title="Dark theme (d)",
        **{"aria-pressed": "false", "aria-keyshortcuts": "d"},
    )
    _button(
        tools,
        "Keys",
        cls="keys",
        id="keys-button",
        title="Keyboard shortcuts (?)",
        **{"aria-expanded": "false", "aria-controls": "keys"},
    )
    panel = _sub(
        bar,
        "section",
        {
            "class": "keys-panel",
            "id": "keys",
            "hidden": "hidden",
            "aria-label": "Keyboard shortcuts",
        },
    )
    if words:
        saved_panel = _sub(
            bar,
            "section",
            {
                "class": "saved-panel",
                "id": "saved",
                "hidden": "hidden",
                "aria-label": "Saved words",
            },
        )
        _sub(saved_panel, "h2", text="Saved words")
        _sub(
            saved_panel,
            "p",
            {"class": "saved-empty"},
            text="No words saved yet: open a word and press \u201cSave word\u201d.",
        )
        _sub(saved_panel, "ul")
        _button(
            saved_panel,
            "Download for Anki (TSV)",
            cls="saved-download",
            title="A tab-separated file that Anki's File \u203a Import reads",
        )
    table = _sub(panel, "dl")
    for keys, what in (
        ("j / k", "next / previous sentence"),
        ("\u2193 \u2192 / \u2191 \u2190", "next / previous, from a focused sentence"),
        ("Enter, Space", "show or hide the translation (Reveal)"),
        ("w, Enter", "into the words of the focused sentence (Enter: not in Reveal)"),
        ("\u2192 / \u2190", "next / previous word, from a focused word"),
        ("Enter", "open the word card, from a focused word"),
        ("l", "listen to the sentence (with a Spanish voice)"),
        ("1 / 2 / 3", "side by side / interlinear / reveal"),
        ("a", "show all / hide all (Reveal)"),
        ("+ / \u2212", "larger / smaller text"),
        ("d", "light / dark theme"),
        ("?", "show or hide this list"),
        ("Esc", "close this list, the word card, the saved words"),
    ):
        _sub(table, "dt", text=keys)
        _sub(table, "dd", text=what)
    _sub(body, "p", {"class": "sr-only", "id": "status", "aria-live": "polite"})


_HINT = "Click or tap a sentence, or press Enter on it, to see its translation."
_CHUNK = 256
"""Sentences of one long block built and written at a time."""


def _hint() -> Element:
    hint = etree.Element("p", {"class": "hint reveal-only"})
    hint.text = _HINT
    return hint


def _write_article(xf: Any, bi: BilingualDocument, title: str | None) -> None:
    """The article's parts written one at a time (``write``)."""
    for part in _article(bi, bi.document.lang or "es", bi.target_lang or "en", title):
        if isinstance(part, _LongBlock):
            part.write(xf)
        else:
            xf.write(part)


@dataclass(slots=True)
class _LongBlock:
    """A block with more sentences than ``_CHUNK``: built, or written, a chunk at a time.

    ``end`` is the last sentence number used, once built or written.
    """

    block: Block
    pairs: tuple[Pair, ...]
    h1_used: bool
    marked: bool
    number: int
    text: str
    langs: tuple[str, str]
    end: int = 0

    def _element(self, parent: Element) -> Element:
        element = _block_element(parent, self.block, self.h1_used)
        if self.marked:
            element.set("class", "blk marked")
        return element

    def _chunks(self) -> list[tuple[int, int]]:
        """``(start, stop)`` of each chunk; a merged link (one row) is never split."""
        pairs, bounds, start = self.pairs, [], 0
        while start < len(pairs):
            stop = min(start + _CHUNK, len(pairs))
            while stop < len(pairs) and pairs[stop].link is not None and (
                pairs[stop].link == pairs[stop - 1].link
            ):
                stop += 1
            bounds.append((start, stop))
            start = stop
        return bounds

    def build(self, parent: Element) -> None:
        element = self._element(parent)
        self.end = _fill(element, self.block, self.pairs, self.text, self.number, *self.langs)

    def write(self, xf: Any) -> None:
        scratch = etree.Element("div")
        element = self._element(scratch)
        chunks = self._chunks()
        first = self.pairs[chunks[0][0] : chunks[0][1]]
        _fill(element, self.block, first, self.text, self.number, *self.langs)
        source, target = element[0], element[1]
        numbers = [self.number]  # the number each chunk starts after, found by the first side

        def side(index: int) -> None:
            for n, (start, stop) in enumerate(chunks):
                holder = _block_element(etree.Element("div"), self.block, self.h1_used)
                after = _fill(
                    holder, self.block, self.pairs[start:stop], self.text, numbers[n], *self.langs
                )
                if index == 0:
                    numbers.append(after)
                spans = holder[index]
                if spans.text:
                    xf.write(spans.text)
                for span in spans:
                    xf.write(span)
                if stop < len(self.pairs):
                    xf.write(" ")  # what the next sentence's predecessor carries as tail
            self.end = numbers[-1]

        def both() -> None:
            if element.text:
                xf.write(element.text)
            for index, child in enumerate(element):
                if child is source or child is target:
                    _emit(xf, child, {child: lambda index=index: side(index)})  # type: ignore[misc]
                else:
                    xf.write(child)

        for span in list(source) + list(target):  # only the two sides' own tags are kept
            source.remove(span) if span.getparent() is source else target.remove(span)
        _emit(xf, scratch[0], {element: both})


def _article(
    bi: BilingualDocument,
    source_lang: str,
    target_lang: str,
    title: str | None = None,
) -> Iterator[Element | _LongBlock]:
    """The article's children in order, each complete when yielded (the hint included)."""
    doc = bi.document
    hint_due = True
    first_heading_is_title = bool(doc.blocks) and doc.blocks[0].kind == "heading"
    if not first_heading_is_title:
        # Every page gets one h1: the article's own title, or a quiet kicker naming the file.
        holder = etree.Element("article")
        if title:
            _sub(holder, "h1", {"class": "kicker"}, text=title)
        elif doc.title and doc.title.strip():
            _sub(
                holder,
                "h1",
                {"class": "doc-title", "lang": source_lang},
                text=" ".join(doc.title.split()),
            )
        elif doc.source and not doc.source.startswith("<") and humanize_file_name(doc.source):
            _sub(holder, "h1", {"class": "kicker"}, text=page_title(bi))
        else:
            # Named after its first words, which are right below: a heading for screen
            # readers only, not the same words twice on screen.
            _sub(holder, "h1", {"class": "sr-only"}, text=page_title(bi))
        yield holder[0]
        yield _hint()
        hint_due = False
    h1_used = not first_heading_is_title
    container: Element | None = None
    container_kind = ""
    number = 0
    for block, pairs in bi.blocks():
        if not pairs and not doc.text[block.start : block.end].strip():
            continue
        marked = block.kind == "list_item" and bool(
            _OWN_MARKER.match(doc.text, block.start, block.end)
        )
        if block.kind in ("list_item", "quote"):
            if container is None or container_kind != block.kind:
                if container is not None:
                    yield container
                container = etree.Element("ul" if block.kind == "list_item" else "blockquote")
                container_kind = block.kind
            parent = container
        else:
            if container is not None:
                yield container
            container, container_kind = None, ""
            parent = etree.Element("article")
        heading_h1 = block.kind == "heading" and not h1_used
        if parent is not container and len(pairs) > _CHUNK:
            long_block = _LongBlock(
                block, pairs, h1_used, marked, number, doc.text, (source_lang, target_lang)
            )
            yield long_block  # the consumer builds or writes it before asking for more
            number = long_block.end
        else:
            element = _block_element(parent, block, h1_used)
            if marked:
                # "1. Guarde..." keeps its number in both languages: no bullet on top of it.
                element.set("class", "blk marked")
            number = _fill(element, block, pairs, doc.text, number, source_lang, target_lang)
            if parent is not container:
                yield parent[0]
        if block.kind == "heading":
            h1_used = True
        if hint_due and heading_h1:
            yield _hint()
            hint_due = False
    if container is not None:
        yield container
    if hint_due:
        yield _hint()


def _block_element(parent: Element, block: Block, h1_used: bool) -> Element:
    kind = block.kind
    if kind == "heading":
        return _sub(parent, "h2" if h1_used else "h1", {"class": "blk", "data-kind": kind})
    if kind == "caption":
        figure = _sub(parent, "figure", {"class": "fig"})
        return _sub(figure, "figcaption", {"class": "blk", "data-kind": kind})
    if kind == "list_item":
        return _sub(parent, "li", {"class": "blk", "data-kind": kind})
    return _sub(parent, "p", {"class": "blk", "data-kind": kind})


def _fill(
    element: Element,
    block: Block,
    pairs: tuple[Pair, ...],
    text: str,
    number: int,
    source_lang: str,
    target_lang: str,
) -> int:
    source = _sub(element, "span", {"class": "es", "lang": source_lang})
    target = _sub(element, "span", {"class": "en", "lang": target_lang})
    if not pairs:
        # A block the segmenter found no sentence in: keep its text, untranslated.
        source.text = _clean(" ".join(text[block.start : block.end].split()))
        return number
    last_s: Element | None = None
    last_t: Element | None = None
    last_link: int | None = None
    for pair in pairs:
        if pair.link is not None and pair.link == last_link and last_s is not None:
            # The next Spanish sentence of a merged link (2-1, 2-2): the same row.
            _join(last_s, pair.source.text)
            if last_t is not None and pair.target:
                _join(last_t, pair.target)
            continue
        last_link = pair.link
        number += 1
        if last_s is not None and last_t is not None:
            last_s.tail = " "
            last_t.tail = " "
        last_s = _sub(
            source,
            "span",
            {
                "class": "s",
                "id": f"s{number}",
                "data-pair": f"p{number}",
                "tabindex": "0" if number == 1 else "-1",
            },
        )
        _set_text(last_s, pair.source.text)
        last_t = _sub(target, "span", {"class": "t", "id": f"t{number}", "data-pair": f"p{number}"})
        _set_text(last_t, pair.target)
        if pair.unpaired:
            _unpaired(last_s if not pair.source.text else last_t, bool(pair.source.text))
        if pair.flags or pair.repair:
            note = _flag_note(pair.flags, pair.engine, pair.confidence, pair.repair)
            repaired = _repaired(pair)
            last_t.set("class", f"{last_t.get('class')} flagged{' repaired' if repaired else ''}")
            last_t.set("title", _clean(note))
            last_t.set("data-flags", _clean(" ".join(_page_flags(pair))))
            # A tooltip alone is out of reach on a phone and from the keyboard: a button
            # opens the note in the text.
            _sub(
                last_t,
                "button",
                {
                    "type": "button",
                    "class": "note-btn",
                    "aria-expanded": "false",
                    "aria-controls": f"n{number}",
                    "aria-label": "Note on this translation",
                },
                text="i",
            )
            _sub(last_t, "span", {"class": "note", "id": f"n{number}", "hidden": ""}, text=note)
    return number


_DASH_WORD = re.compile(r"(?:(?<=^)|(?<=[\s(«\"“‘¿¡]))[\u2014\u2015\u2013] ?[¿¡«\"“‘]?\w+")
"""A dialogue or aside dash and the word it introduces ("—dijo"), which stay on one line."""


def _set_text(element: Element, text: str) -> None:
    """``text`` as ``element``'s content, a dash kept with the word it introduces.

    Browsers may break a line after an em dash: "—dijo" becomes "—" at the end of one
    line and "dijo" at the start of the next. A no-wrap span keeps them together
    without changing a character of the text.

    >>> e = etree.Element("span"); _set_text(e, "¡Mira! —dijo él.")
    >>> etree.tostring(e, encoding="unicode")
    '<span>¡Mira! <span class="nw">—dijo</span> él.</span>'
    """
    text = _clean(text)
    last: Element | None = None
    position = 0
    for match in _DASH_WORD.finditer(text):
        piece = text[position : match.start()]
        if last is None:
            element.text = piece
        else:
            last.tail = piece
        last = etree.SubElement(element, "span", {"class": "nw"})
        last.text = match.group()
        position = match.end()
    if last is None:
        element.text = text
    else:
        last.tail = text[position:]


def _join(span: Element, text: str) -> None:
    """Append ``text`` to a sentence span, after a space."""
    if not text:
        return
    if len(span):
        last = span[-1]
        last.tail = (last.tail or "") + " " + _clean(text)
    else:
        span.text = (span.text or "") + " " + _clean(text)


def _unpaired(span: Element, spanish: bool) -> None:
    """Mark the empty side of an unpaired aligned sentence: a visible gap, a spoken note."""
    span.set("class", f"{span.get('class')} unpaired")
    gap = _sub(span, "span", {"class": "gap", "aria-hidden": "true"}, text="\u2014")
    gap.tail = None
    what = "not in the English translation" if spanish else "English only, no Spanish"
    _sub(span, "span", {"class": "sr-only"}, text=f"({what})")


_ALIGNMENT_FLAGS = frozenset({"unpaired", "low-confidence"})


def _repaired(pair: Pair) -> bool:
    """The guard replaced the first output and the kept one carries no flag."""
    return pair.repair is not None and not pair.flags


def _page_flags(pair: Pair) -> tuple[str, ...]:
    """The ``data-flags`` of a flagged pair: its live flags, then the repair's record
    (``"retried:<flag>"``/``"fallback:<flag>"``, one per flag of the first output)."""
    repair = pair.repair
    done = tuple(f"{repair.kind}:{flag}" for flag in repair.first_flags) if repair else ()
    return (*pair.flags, *done)


def _flag_note(
    flags: tuple[str, ...],
    engine: str,
    confidence: float | None = None,
    repair: Repair | None = None,
) -> str:
    """The tooltip of a flagged pair: what the guard found and what was done about it.

    ``flags`` are what the kept output still shows; ``repair`` says how a flagged first
    output was replaced.

    >>> _flag_note((), "apertium", repair=Repair("fallback", ("repetition",)))
    'Repaired: the first translation was flagged (repetition); this one is by apertium'
    >>> _flag_note(("repetition",), "argos", repair=Repair("retried", ("repetition",)))
    'Flagged by the quality guard (repetition), even after a retry; translated by argos'
    """
    if _ALIGNMENT_FLAGS.intersection(flags):
        return _alignment_note(flags, confidence)
    if not flags and repair is not None:
        causes = ", ".join(dict.fromkeys(repair.first_flags))
        return f"Repaired: the first translation was flagged ({causes}); this one is by {engine}"
    how = {"retried": "a retry", "fallback": "another engine"}
    after = f", even after {how[repair.kind]}" if repair is not None else ""
    return f"Flagged by the quality guard ({', '.join(flags)}){after}; translated by {engine}"


def _engine_rows(bi: BilingualDocument) -> list[tuple[str, str]]:
    """What really translated the sentences, most used first, and what fell back.

    The provenance names the engine that was asked for; when its sentences fell back
    to another engine, every one of them or some, the footer says so.
    """
    prov = bi.provenance
    requested = f"{prov.engine} {prov.engine_version}".strip()
    used: dict[str, int] = {}
    for pair in bi.pairs:
        used[pair.engine] = used.get(pair.engine, 0) + 1
    if not used or set(used) == {prov.engine}:
        rows = [("Translated by", requested)]
        if prov.model:
            rows.append(("Model", f"{prov.model} {prov.model_version or ''}".strip()))
        return rows
    total = len(bi.pairs)
    names = {prov.engine: requested}
    ranked = sorted(used.items(), key=lambda item: (-item[1], item[0]))
    translated = ", ".join(
        f"{names.get(name, name)} "
        + (f"(all {total} sentences)" if count == total else f"({count} of {total})")
        for name, count in ranked
    )
    rows = [("Translated by", translated)]
    if prov.engine in used and prov.model:
        rows.append(("Model", f"{prov.model} {prov.model_version or ''}".strip()))
    fell_back = total - used.get(prov.engine, 0)
    rows.append(
        (
            "Fallback",
            f"{requested} was asked for; "
            + ("every sentence" if fell_back == total else f"{fell_back} sentence(s)")
            + " fell back to "
            + ", ".join(name for name, _ in ranked if name != prov.engine),
        )
    )
    return rows


def _alignment_note(flags: tuple[str, ...], confidence: float | None) -> str:
    """The tooltip of an aligned pair the aligner flagged.

    >>> _alignment_note(("low-confidence",), 0.31)
    'Aligned with low confidence (0.31): check that this English matches the Spanish'
    >>> _alignment_note(("unpaired",), 0.9)
    'No counterpart in the other language (the aligner is 0.90 sure)'
    """
    sure = f"{confidence:.2f}" if confidence is not None else "?"
    if "unpaired" in flags:
        note = f"No counterpart in the other language (the aligner is {sure} sure)"
        return note + (", a low confidence" if "low-confidence" in flags else "")
    return f"Aligned with low confidence ({sure}): check that this English matches the Spanish"


def _footer(body: Element, bi: BilingualDocument) -> None:
    prov = bi.provenance
    footer = _sub(body, "footer", {"class": "prov"})
    facts = _sub(footer, "dl")
    rows = _engine_rows(bi)
    if prov.options.get("translation") == "human" and "aligner" in prov.options:
        # An existing human translation, aligned by bireader: say so, and how.
        rows = [("Translation", f"human, aligned by {prov.options['aligner']}")]
        if "alignment-mt" in prov.options:
            rows.append(("Alignment MT", prov.options["alignment-mt"].split("|")[0]))
    rows.append(("Date", bi.created.strftime("%Y-%m-%d %H:%M UTC")))
    rows.append(("Made with", f"bireader {bi.bireader_version}"))
    if bi.document.source and not bi.document.source.startswith("<"):
        rows.append(("Source", PurePath(bi.document.source).name))
    flagged = sum(1 for pair in bi.pairs if (pair.flags or pair.repair) and not pair.unpaired)
    repaired = sum(1 for pair in bi.pairs if _repaired(pair))
    summary = f"{len(bi.pairs)}"
    if flagged:
        summary += f", {flagged} flagged" + (f" ({repaired} repaired)" if repaired else "")
    unpaired = sum(1 for pair in bi.pairs if pair.unpaired)
    if unpaired:
        summary += f", {unpaired} unpaired"
    rows.append(("Sentences", summary))
    for term, value in rows:
        item = _sub(facts, "div")
        _sub(item, "dt", text=term)
        _sub(item, "dd", text=value)
    _sub(footer, "p", {"class": "signature"}, text=prov.signature())
    _sub(
        footer,
        "p",
        {"class": "offline"},
        text="This page is self-contained: it loads nothing from the network and keeps your "
        "preferences only in this browser.",
    )
