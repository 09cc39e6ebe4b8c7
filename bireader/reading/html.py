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


def parse_html(text: str, *, lang: str = "es", name: str | None = None) -> Document:
    """HTML -> Document from the article's headings, paragraphs, lists, captions, quotes.

    >>> doc = parse_html("<nav>Menú</nav><article><h1>Hola</h1><p>Un <b>día</b>.</p></article>")
    >>> doc.text, doc.title
    ('Hola\\n\\nUn día.', 'Hola')
    """
    import lxml.html
    from lxml import etree

    # No network, no DTD, no entity expansion beyond HTML's own; text only.
    parser = lxml.html.HTMLParser(
        no_network=True, remove_comments=True, remove_pis=True, huge_tree=False
    )
    # The prolog is no text; lxml would show a DOCTYPE's internal subset as "]>".
    text = text[prolog_end(text) :]
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"{name or '<html>'}: cannot parse HTML: {exc}") from exc
    metadata = {"format": "html"}
    author = root.xpath("string(//meta[@name='author']/@content)")
    if isinstance(author, str) and author.strip():
        metadata["author"] = _collapse(author)
    html_lang = root.get("lang")
    if html_lang:
        metadata["html_lang"] = html_lang.strip()
    container = _html_container(root)
    pieces = list(_html_blocks(container))
    document = assemble(pieces, lang=lang, name=name, metadata=metadata)
    title = _html_title(root, container)
    if title is not None and title != document.title:
        document = replace(document, title=title)
    return document


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
