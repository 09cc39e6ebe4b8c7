"""HTML -> Document from the article's headings, paragraphs, lists, captions and quotes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from bireader.errors import InputError
from bireader.model import Document
from bireader.reading.blocks import assemble
from bireader.reading.source import prolog_end

if TYPE_CHECKING:
    from lxml.html import HtmlElement


def parse_html(
    text: str, *, lang: str = "es", name: str | None = None, web: bool | None = None
) -> Document:
    """HTML -> Document from the article's headings, paragraphs, lists, captions, quotes.

    Site chrome is left out: what lies outside the article (``<article>``, ``<main>``...),
    the elements that are never prose (``nav``, ``form``, ``script``...), and inside the
    article the boxes a news site adds (share buttons, ads and their "Publicidad" label,
    newsletter sign-ups, related links, tags, comments), known by their class or id.
    With ``trafilatura`` installed (``pip install 'bireader[web]'``; ``web=None`` uses it
    when it is there, ``web=False`` never), its main-content extraction is a second
    opinion: after the article's lead (headline, standfirst), a block it does not keep
    is dropped. Pages under 2 KB or over 8 MiB, or with fewer than three blocks, are read
    without it.

    >>> doc = parse_html("<nav>Menú</nav><article><h1>Hola</h1><p>Un <b>día</b>.</p></article>")
    >>> doc.text, doc.title
    ('Hola\\n\\nUn día.', 'Hola')
    """
    root = _parse(text, name)
    metadata = {"format": "html"}
    author = root.xpath("string(//meta[@name='author']/@content)")
    if isinstance(author, str) and author.strip():
        metadata["author"] = _collapse(author)
    html_lang = root.get("lang")
    if html_lang:
        metadata["html_lang"] = html_lang.strip()
    container = _html_container(root)
    _prune(container)
    pieces = list(_html_blocks(container))
    if web is not False and _WEB_MIN_CHARS <= len(text) <= _WEB_MAX_CHARS and len(pieces) > 2:
        kept = _main_content(root, required=bool(web))
        if kept is not None:
            pieces = _keep_main(pieces, kept)
            metadata["extractor"] = "trafilatura"
    document = assemble(pieces, lang=lang, name=name, metadata=metadata)
    title = _html_title(root, container)
    if title is not None and title != document.title:
        document = replace(document, title=title)
    return document


def fragment_blocks(text: str) -> list[tuple[str, str]]:
    """``(kind, text)`` of each block of an HTML fragment (raw HTML inside Markdown):
    read as a page is, without looking for an article or for site chrome."""
    try:
        root = _parse(text, None)
    except InputError:
        return []  # nothing lxml can read: markup only
    return [piece for piece in _html_blocks(root) if piece[1].strip()]


def _parse(text: str, name: str | None) -> HtmlElement:
    import lxml.html
    from lxml import etree

    # No network, no DTD, no entity expansion beyond HTML's own; text only.
    parser = lxml.html.HTMLParser(
        no_network=True, remove_comments=True, remove_pis=True, huge_tree=False
    )
    # The prolog is no text; lxml would show a DOCTYPE's internal subset as "]>".
    text = text[prolog_end(text) :]
    try:
        return lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"{name or '<html>'}: cannot parse HTML: {exc}") from exc


# --------------------------------------------------------------------------- site chrome

# Words in a class or id that name a box a news site puts around or inside an article.
# Matched as whole words of the attribute (split at spaces, "-" and "_").
_CHROME_TEXT = """
    share sharing sharer social socials compartir comparte redes rrss
    newsletter newsletters boletin boletines suscribete suscripcion subscribe subscription
    ad ads adv advert adverts advertisement advertising publicidad anuncio anuncios
    banner banners promo sponsored patrocinado dfp gpt taboola outbrain
    related relacionadas relacionados relacionada relacionado tambien recomendados
    recomendado recommended tags etiquetas temas comments comentarios
    breadcrumb breadcrumbs cookie cookies cmp consent login paywall sidebar widget
    """
_CHROME_WORDS = frozenset(_CHROME_TEXT.split())
_CHROME_PHRASES = ("lee-tambien", "te-puede-interesar", "mas-leido", "most-read", "author-box")
_SPLIT_ATTR = re.compile(r"[\s_-]+")
# A box whose whole text is one of these labels is an ad slot.
_AD_LABELS = frozenset(
    ["publicidad", "advertisement", "anuncio", "patrocinado", "contenido patrocinado", "ad"]
)


# A box that opens with one of these labels ("Lee también", "Comentarios"...) is chrome.
_BOX_LABELS = frozenset(
    [
        "comentarios",
        "comments",
        "lee también",
        "lee tambien",
        "leer más",
        "te puede interesar",
        "también te puede interesar",
        "newsletter",
        "boletín",
        "temas",
        "etiquetas",
        "tags",
        "compartir",
        "comparte",
        "comparte esta noticia",
        "más información",
        "noticias relacionadas",
        "relacionadas",
        "recomendado para ti",
        "lo más leído",
        "lo más visto",
        "últimas noticias",
        "suscríbete",
        "síguenos",
        "noticia relacionada",
        "contenido patrocinado",
    ]
)
_BOXES = frozenset(["div", "section", "aside", "ul", "ol", "p", "span", "figure"])


def _label(element: HtmlElement) -> str:
    """The first piece of text in ``element``, lowercased, without ":" or "." around it."""
    for piece in element.itertext():
        if piece.strip():
            return _collapse(piece).lower().strip(" :·.")
    return ""


def _is_chrome(element: HtmlElement) -> bool:
    if _tag(element) in _BOXES and _label(element) in _BOX_LABELS:
        return True
    for attr in ("class", "id"):
        value = (element.get(attr) or "").lower()
        if not value:
            continue
        if any(phrase in value for phrase in _CHROME_PHRASES):
            return True
        if any(word in _CHROME_WORDS for word in _SPLIT_ATTR.split(value)):
            return True
    return False


def _prune(container: HtmlElement) -> None:
    """Remove the boxes of site chrome inside ``container`` (never ``container`` itself, nor
    a box holding most of its text: a page whose article has class ``ad-free`` is read)."""
    total = len(_collapse(container.text_content()))
    doomed = []
    for element in container.iterdescendants():
        if not isinstance(element.tag, str):
            continue
        if _tag(element) in _HEADINGS or _tag(element) == "article":
            continue  # a headline is never chrome, whatever its class
        text = _collapse(element.text_content())
        if text.lower().strip(" .:·") in _AD_LABELS or (
            _is_chrome(element) and len(text) <= total / 2 and not element.findall(".//h1")
        ):
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


# --------------------------------------------------------------------------- trafilatura

# Larger pages are not given to trafilatura (its tree walk is the slow part); the
# lxml reader alone reads them.
_WEB_MAX_CHARS = 8 * 1024 * 1024
# Smaller ones (a fragment, a test snippet) have no room for chrome worth a second opinion.
_WEB_MIN_CHARS = 2048
_SPACES = re.compile(r"\s+")


def _main_content(root: HtmlElement, *, required: bool) -> str | None:
    """The main text trafilatura extracts from the page, whitespace collapsed; None when
    it is not installed (``required``: ``InputError``) or finds nothing."""
    try:
        import trafilatura
    except ImportError as exc:
        if required:
            raise InputError(
                "reading web pages with trafilatura needs it installed: pip install 'bireader[web]'"
            ) from exc
        return None
    import lxml.html

    page = lxml.html.tostring(root, encoding="unicode")
    try:
        found = trafilatura.extract(
            page,
            output_format="txt",
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            favor_precision=True,
            deduplicate=False,
        )
    except Exception:  # a third-party extractor's failure: read the page without it
        return None
    if not found or not found.strip():
        return None
    return _SPACES.sub(" ", found)


def _keep_main(pieces: list[tuple[str, str]], kept: str) -> list[tuple[str, str]]:
    """The article's lead (every block before the first one trafilatura keeps: kicker,
    headline, standfirst, byline, which it takes for chrome), then the blocks it keeps and
    every caption (it leaves pictures out, and their captions with them). If it keeps
    none of the blocks, all of them."""

    def main(text: str) -> bool:
        return _SPACES.sub(" ", text).strip() in kept

    marks = [main(text) for _, text in pieces]
    if not any(marks):
        return pieces
    first = marks.index(True)
    return [
        piece
        for index, piece in enumerate(pieces)
        if index < first or marks[index] or piece[0] == "caption"
    ]


def _html_title(root: HtmlElement, container: HtmlElement) -> str | None:
    """The article's first ``<h1>``, else ``<head><title>``, else None (first heading)."""
    for h1 in container.iter("h1"):
        text = _html_text(h1).replace("\n", " ")
        if text and not any(_tag(a) in _DROP for a in h1.iterancestors()):
            return text
    found = root.xpath("string(//head/title)")
    head_title = _collapse(found) if isinstance(found, str) else ""
    return head_title or None


_DROP = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "footer",
        "aside",
        "form",
        "button",
        "select",
        "textarea",
        "iframe",
        "object",
        "embed",
        "svg",
        "canvas",
        "audio",
        "video",
        "map",
        "head",
    ]
)
_HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
_LEAF_BLOCKS: dict[str, str] = {
    **dict.fromkeys(_HEADINGS, "heading"),
    "p": "paragraph",
    "figcaption": "caption",
    "caption": "caption",
    "pre": "paragraph",
    "dt": "paragraph",
    "dd": "paragraph",
    "address": "paragraph",
}
_CONTAINERS = frozenset(
    [
        "html",
        "body",
        "article",
        "main",
        "section",
        "div",
        "figure",
        "header",
        "ul",
        "ol",
        "dl",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "center",
        "details",
        "summary",
        "hgroup",
    ]
)
_BLOCK_TAGS = frozenset(_LEAF_BLOCKS) | _CONTAINERS | {"li", "blockquote", "hr"}
_WS = re.compile(r"[ \t\n\r\f]+")  # HTML whitespace: NBSP is content


def _collapse(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _html_container(root: HtmlElement) -> HtmlElement:
    for xpath in ("//article", "//main", "//*[@role='main']", "//body"):
        found = root.xpath(xpath)
        if found:
            best: HtmlElement = max(found, key=lambda el: len(el.text_content()))
            return best
    return root


def _tag(element: Any) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


def _html_text(element: HtmlElement) -> str:
    """Visible text of an element: dropped tags skipped; ``<br>`` and nested blocks
    (a ``<p>`` in a ``<li>`` or ``<figcaption>``) end a line."""
    out: list[str] = []

    def walk(el: Any, nested: bool) -> None:
        tag = _tag(el)
        if tag in _DROP:
            out.append(" ")
        elif tag == "br":
            out.append("\n")
        elif tag:  # comments and processing instructions have no tag and no text
            block = nested and (tag in _BLOCK_TAGS or tag == "li")
            if block:
                out.append("\n")
            if el.text:
                out.append(el.text)
            for child in el:
                walk(child, True)
                if child.tail:
                    out.append(child.tail)
            if block:
                out.append("\n")

    walk(element, False)
    lines = (_collapse(line) for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line)


def _has_block_descendant(element: HtmlElement) -> bool:
    return any(_tag(el) in _BLOCK_TAGS for el in element.iterdescendants())


def _html_blocks(element: HtmlElement, quote: bool = False) -> Iterator[tuple[str, str]]:
    """``(kind, text)`` for each block under ``element``, in document order."""
    tag = _tag(element)
    if tag in _DROP or (tag == "header" and not _inside_article(element)):
        return
    if tag in ("td", "th") and not _has_block_descendant(element):
        return  # a data cell: numbers and labels, not prose (layout cells hold <p>s)
    if tag in _LEAF_BLOCKS and not (tag in ("dd", "dt") and _has_block_descendant(element)):
        kind = _LEAF_BLOCKS[tag]
        yield ("quote" if quote and kind == "paragraph" else kind), _html_text(element)
        return
    if tag == "li":
        yield from _html_list_item(element, quote)
        return
    if tag == "blockquote":
        quote = True
        if not _has_block_descendant(element):
            yield "quote", _html_text(element)
            return
    # A container: its blocks, and loose inline text between them as paragraphs.
    loose: list[str] = [element.text or ""]
    for child in element:
        child_tag = _tag(child)
        if child_tag in _BLOCK_TAGS or child_tag in _DROP:
            yield from _loose(loose, quote)
            loose = []
            yield from _html_blocks(child, quote)
        elif child_tag == "br":
            loose.append("\n")
        elif child_tag:
            loose.append(_html_text(child))
        loose.append(child.tail or "")
    yield from _loose(loose, quote)


def _loose(parts: list[str], quote: bool) -> Iterator[tuple[str, str]]:
    text = "\n".join(_collapse(line) for line in "".join(parts).split("\n"))
    text = re.sub(r"\n+", "\n", text).strip()
    if text:
        yield ("quote" if quote else "paragraph"), text


def _html_list_item(element: HtmlElement, quote: bool) -> Iterator[tuple[str, str]]:
    own: list[str] = [element.text or ""]
    nested: list[HtmlElement] = []
    for child in element:
        child_tag = _tag(child)
        if child_tag in ("ul", "ol", "blockquote", "table"):
            nested.append(child)
        elif child_tag == "br":
            own.append("\n")
        elif child_tag in _BLOCK_TAGS:
            own.append(f"\n{_html_text(child)}\n")
        elif child_tag and child_tag not in _DROP:
            own.append(_html_text(child))
        own.append(child.tail or "")
    text = "\n".join(_collapse(line) for line in "".join(own).split("\n"))
    text = re.sub(r"\n+", "\n", text).strip()
    if text:
        yield "list_item", text
    for child in nested:
        yield from _html_blocks(child, quote)


def _inside_article(element: HtmlElement) -> bool:
    return any(_tag(parent) in ("article", "main") for parent in element.iterancestors())


__all__ = ["parse_html"]
