"""TSV export for flashcards: one pair per line, ``Spanish<TAB>English[<TAB>context]``.

By default fields are HTML, as Anki's "Allow HTML in fields" expects, and the file
starts with Anki's header lines (``#separator:tab``, ``#html:true``, ``#columns:...``),
so Anki imports it as it is. Inside a field, ``&``, ``<``, ``>`` and ``"`` become
entities, a line break becomes ``<br>`` and a tab ``&#9;``: a field never holds a raw
tab, newline or quote, so no line ever needs CSV quoting.

With ``html=False`` fields are plain text: tabs and line breaks become one space and
a field holding ``"`` is quoted CSV-style (``"dijo ""sí"" ayer"``), which Anki, spreadsheets
and Python's ``csv`` module all read.

>>> anki_field('Dijo "sí" & <b>\\tno\\nya')
'Dijo &quot;sí&quot; &amp; &lt;b&gt;&#9;no<br>ya'
>>> plain_field('a\\tb\\r\\nc')
'a b c'
"""

from __future__ import annotations

import html
import io
import re
from typing import IO, Any

from bireader.chardata import LINE_BREAKS, XML_FORBIDDEN
from bireader.formats.base import reject_options
from bireader.model import BilingualDocument

FORMAT = "tsv"

# Everything str.splitlines() breaks on, so no tool sees a pair split over two lines.
_LINE_BREAK = re.compile(f"\r\n|[{LINE_BREAKS}]")
# What XML forbids (NUL, ESC, BEL, lone surrogates...): the other exporters drop it too,
# and a raw ESC in a flashcard file reaches whatever terminal or tool shows it.
_NUL = XML_FORBIDDEN


def anki_field(text: str) -> str:
    """``text`` as one HTML field: escaped, line breaks as ``<br>``, tabs as ``&#9;``."""
    escaped = html.escape(text, quote=True).replace("&#x27;", "'")
    return _NUL.sub("", _LINE_BREAK.sub("<br>", escaped)).replace("\t", "&#9;")


def plain_field(text: str) -> str:
    """``text`` as one plain field: tabs and line breaks become a single space each."""
    return _NUL.sub("", _LINE_BREAK.sub(" ", text)).replace("\t", " ")


def _cells(row: list[str], *, html: bool) -> list[str]:
    """Make ``row`` safe as one line: no leading "#" (Anki header), quotes CSV-style."""
    if html:
        # html fields never hold a raw quote; only a leading "#" needs hiding.
        if row[0].startswith("#"):
            row[0] = "&#35;" + row[0][1:]
        return row
    return [
        '"' + cell.replace('"', '""') + '"'
        if '"' in cell or (n == 0 and cell.startswith("#"))
        else cell
        for n, cell in enumerate(row)
    ]


def write(
    bi: BilingualDocument,
    stream: IO[bytes],
    *,
    with_context: bool = False,
    html: bool = True,
    header: bool = True,
    **options: Any,
) -> None:
    """Write one line per pair to the binary ``stream`` (UTF-8, ``\\n`` line ends).

    ``with_context`` adds a third column: the whole source block (paragraph, heading...)
    the sentence comes from. ``header`` writes Anki's ``#`` header lines first.
    """
    reject_options(FORMAT, options)
    field = anki_field if html else plain_field
    columns = ["Spanish", "English"] + (["Context"] if with_context else [])
    text = io.StringIO()
    if header:
        text.write("#separator:tab\n")
        text.write(f"#html:{'true' if html else 'false'}\n")
        text.write("#columns:" + "\t".join(columns) + "\n")
    blocks = bi.document.blocks
    # One line per row: the pairs of a merged link of an aligned document are one line.
    for link in bi.links():
        pair = link[0]
        source, target = pair.source.text, pair.target
        if len(link) > 1:
            source = " ".join(p.source.text for p in link if p.source.text)
            target = " ".join(p.target for p in link if p.target)
        row = [field(source), field(target)]
        if with_context:
            block = blocks[pair.block_index] if 0 <= pair.block_index < len(blocks) else None
            context = bi.document.text[block.start : block.end] if block else pair.source.text
            row.append(field(context))
        text.write("\t".join(_cells(row, html=html)) + "\n")
        if text.tell() > 1 << 16:
            stream.write(text.getvalue().encode("utf-8"))
            text.seek(0)
            text.truncate()
    stream.write(text.getvalue().encode("utf-8"))
