"""TMX 1.4b export (streaming) and import.

Export writes one ``<tu>`` per pair (per link of an aligned document), in document
order, through lxml's incremental writer, so memory does not grow with the number of
pairs. Text that XML 1.0 cannot carry is stripped, so the file is valid against
``tmx14.dtd`` whatever it is given.

Import (:func:`read_tmx`) reads any TMX with Spanish and English variants back into a
``BilingualDocument``; hostile XML (entity declarations, external entities, DTD
fetches) is refused with ``InputError``. See ``docs/tmx.md``.

>>> clean_xml_text("a\\x00b\\x1bc\\ufffe\\td")
'abc\\td'
"""

from __future__ import annotations

import io
import logging
import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from bireader._version import __version__
from bireader.errors import ExportError, InputError, InvalidOption
from bireader.formats.base import reject_options
from bireader.model import (
    REPAIR_KINDS,
    BilingualDocument,
    BlockKind,
    Document,
    Pair,
    Provenance,
    Repair,
    RepairKind,
    block_kind,
    language_tag,
    lay_out,
    legacy_repair,
    utc,
)
from bireader.text import xml_safe

if TYPE_CHECKING:
    from bireader.reading.source import Raw

FORMAT = "tmx"
CREATION_TOOL = "bireader"
DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'

# What XML 1.0 allows: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Elements inside <seg> whose own text is native code (e.g. "<b>"), not content.
_NATIVE_CODE = frozenset({"bpt", "ept", "ph", "it", "ut"})

_log = logging.getLogger(__name__)


def clean_xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (controls, lone surrogates, U+FFFE/F)."""
    return xml_safe(text)


def tmx_date(moment: datetime) -> str:
    """TMX's basic ISO 8601 form in UTC.

    >>> tmx_date(datetime(2026, 11, 27, 14, 5, 9, tzinfo=UTC))
    '20261127T140509Z'
    """
    return utc(moment).strftime("%Y%m%dT%H%M%SZ")


def parse_tmx_date(value: str) -> datetime | None:
    """The inverse of :func:`tmx_date`; None when ``value`` is not in that form."""
    try:
        return datetime.strptime(value.strip(), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


# --------------------------------------------------------------------------- export


def write(
    bi: BilingualDocument,
    stream: IO[bytes],
    *,
    source_lang: str | None = None,
    target_lang: str | None = None,
    pretty: bool = True,
    **options: Any,
) -> None:
    """Write ``bi`` as TMX 1.4b (UTF-8) to the binary ``stream``, one ``<tu>`` at a time.

    ``source_lang``/``target_lang`` are the ``xml:lang`` codes of the two variants
    (default: the document's language and ``bi.target_lang``, e.g. ``es``/``en``);
    give region codes such as ``es-ES``/``en-US`` for CAT tools that want them.
    """
    from lxml import etree

    reject_options(FORMAT, options)
    src = _lang_code(source_lang or bi.document.lang, bi.document.lang)
    tgt = _lang_code(target_lang or bi.target_lang, bi.target_lang)
    date = tmx_date(bi.created)
    newline = "\n" if pretty else ""
    try:
        with etree.xmlfile(stream, encoding="UTF-8") as xf:
            xf.write_declaration()
            xf.write_doctype(DOCTYPE)
            with xf.element("tmx", version="1.4"):
                xf.write(newline)
                xf.write(_header(bi, src, date), pretty_print=pretty)
                unit = _unit_builder(bi, src, tgt, date)
                with xf.element("body"):
                    xf.write(newline)
                    # One unit per row: a merged link of an aligned document is one unit.
                    for number, row in enumerate(bi.links(), start=1):
                        xf.write(unit(row, number), pretty_print=pretty)
                xf.write(newline)
    except (ValueError, etree.LxmlError) as exc:
        raise ExportError(f"cannot write TMX: {exc}") from exc


def _lang_code(code: str, lang: str) -> str:
    """``code`` as an ``xml:lang``, refused unless it names ``lang`` (a region may follow)."""
    try:
        return language_tag(code, lang)
    except ValueError as exc:
        raise InvalidOption(f"tmx: {exc}") from None


def _prop(parent: Any, kind: str, value: str) -> None:
    from lxml import etree

    etree.SubElement(parent, "prop", type=kind).text = clean_xml_text(value)


def _header(bi: BilingualDocument, src: str, date: str) -> Any:
    from lxml import etree

    header = etree.Element(
        "header",
        {
            "creationtool": CREATION_TOOL,
            "creationtoolversion": bi.bireader_version,
            "segtype": "sentence",
            # The format of the memory this was exported from: ours.
            "o-tmf": CREATION_TOOL,
            "adminlang": "en",
            "srclang": src,
            "datatype": "plaintext",
            "creationdate": date,
        },
    )
    doc, prov = bi.document, bi.provenance
    if doc.source:
        _prop(header, "x-document", doc.source)
    if doc.title:
        _prop(header, "x-title", doc.title)
    for key in sorted(doc.metadata):
        _prop(header, f"x-metadata-{key}", doc.metadata[key])
    _prop(header, "x-engine", prov.engine)
    _prop(header, "x-engine-version", prov.engine_version)
    if prov.model:
        _prop(header, "x-model", prov.model)
    if prov.model_version:
        _prop(header, "x-model-version", prov.model_version)
    for key in sorted(prov.options):
        _prop(header, f"x-option-{key}", prov.options[key])
    _prop(header, "x-signature", prov.signature())
    return header


def _unit_builder(bi: BilingualDocument, src: str, tgt: str, date: str) -> Any:
    """A ``(pair, number) -> <tu>`` function; what is the same for every unit is done once."""
    from lxml import etree

    element, sub = etree.Element, etree.SubElement
    document = clean_xml_text(bi.document.source) if bi.document.source else None
    prov = bi.provenance
    model = None
    if prov.model:
        named = f"{prov.model}@{prov.model_version}" if prov.model_version else prov.model
        model = clean_xml_text(named)
    xml_lang = {_XML_LANG: src}, {_XML_LANG: tgt}

    aligned = prov.options.get("translation") == "human" and "aligner" in prov.options
    if aligned:
        aligner = prov.options["aligner"]
        tool, _, tool_version = aligner.partition(" ")
        note = clean_xml_text(
            f"Human translation, aligned with the source by {aligner}"
            f" (alignment MT: {prov.options.get('alignment-mt', 'unknown')});"
            " not machine translation."
        )

    def unit(row: tuple[Pair, ...], number: int) -> Any:
        pair = row[0]
        tu = element("tu", tuid=str(number), creationdate=date, srclang=src)
        if aligned:
            tu.set("creationtool", clean_xml_text(tool))
            if tool_version:
                tu.set("creationtoolversion", clean_xml_text(tool_version))
            sub(tu, "note").text = note
            sub(tu, "prop", type="x-translation").text = "human"
            if pair.confidence is not None:
                sub(tu, "prop", type="x-alignment-confidence").text = f"{pair.confidence:.3f}"
        if document is not None:
            sub(tu, "prop", type="x-document").text = document
        sub(tu, "prop", type="x-block-index").text = str(pair.block_index)
        sub(tu, "prop", type="x-block-kind").text = clean_xml_text(pair.block_kind)
        sub(tu, "prop", type="x-engine").text = clean_xml_text(pair.engine)
        # The model belongs to the primary engine; a fallback engine's units do not get it.
        if model is not None and pair.engine == prov.engine:
            sub(tu, "prop", type="x-model").text = model
        for flag in pair.flags:
            sub(tu, "prop", type="x-flag").text = clean_xml_text(flag)
        if pair.repair is not None:
            sub(tu, "prop", type="x-repair").text = pair.repair.kind
            for flag in pair.repair.first_flags:
                sub(tu, "prop", type="x-repair-flag").text = clean_xml_text(flag)
        source = pair.source.text
        target = pair.target
        if len(row) > 1:
            source = " ".join(p.source.text for p in row if p.source.text)
            target = " ".join(p.target for p in row if p.target)
        sub(sub(tu, "tuv", xml_lang[0]), "seg").text = clean_xml_text(source)
        sub(sub(tu, "tuv", xml_lang[1]), "seg").text = clean_xml_text(target)
        return tu

    return unit


# --------------------------------------------------------------------------- import


@dataclass(slots=True)
class _Unit:
    source: str
    target: str
    props: dict[str, list[str]] = field(default_factory=dict)
    creationtool: str | None = None

    def prop(self, kind: str) -> str | None:
        values = self.props.get(kind)
        return values[0] if values else None


def _flags_and_repair(unit: _Unit) -> tuple[tuple[str, ...], Repair | None]:
    """A unit's live flags and its ``Repair``: from ``x-repair``/``x-repair-flag``, or, in
    a file written before those props, from ``"retried:<flag>"`` strings among its flags."""
    flags = tuple(unit.props.get("x-flag", ()))
    kind = unit.prop("x-repair")
    if kind is None:
        return legacy_repair(flags)
    if kind not in REPAIR_KINDS:
        return flags, None
    return flags, Repair(cast(RepairKind, kind), tuple(unit.props.get("x-repair-flag", ())))


def read_tmx(
    path: str | os.PathLike[str] | IO[bytes],
    *,
    source_lang: str = "es",
    target_lang: str = "en",
) -> BilingualDocument:
    """Read a TMX file with ``source_lang`` and ``target_lang`` variants into a bilingual value.

    Variants match by language tag, case-insensitively: one whose whole tag equals
    ``source_lang``/``target_lang`` (``es-ES`` for ``"es-ES"``) is preferred, else one
    with the same primary subtag (``es``, ``es-MX``, ``ES_es`` ...).
    The ``Document`` is rebuilt from the source segments: one block per
    ``x-block-index`` run (bireader's own files) or per unit, sentences joined by a
    space, blocks by a blank line. Inline markup keeps its text content except the
    native codes of ``bpt``/``ept``/``ph``/``it``/``ut``, which are dropped: one
    warning per file counts them by element.
    ``path`` may also be a binary stream (its ``name``, if any, names it in errors).
    Raises ``InputError`` on malformed or hostile XML or when no unit has both languages.
    """
    from lxml import etree

    stream: IO[bytes] | None = None
    if isinstance(path, str | os.PathLike):
        from bireader.reading.source import check_bilingual_size

        file = Path(path)
        if not file.is_file():
            raise InputError(f"cannot read {str(path)!r}: no such file")
        check_bilingual_size(file)
        name = str(file)
    else:
        stream = path
        name = str(getattr(path, "name", "<stream>"))
    header: dict[str, Any] = {"attrib": {}, "props": {}}
    units: list[_Unit] = []
    skipped = 0
    dropped: Counter[str] = Counter()
    try:
        for event, element in etree.iterparse(
            stream if stream is not None else str(file),
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        ):
            if event == "start":
                if element.getparent() is None:
                    _check_root(element)
                continue
            tag = _local(element.tag)
            if tag == "header":
                header["attrib"] = dict(element.attrib)
                header["props"] = _props(element)
                element.clear()
            elif tag == "tu":
                unit = _read_unit(
                    element, source_lang, target_lang, len(units) + skipped + 1, dropped
                )
                if unit is None:
                    skipped += 1
                else:
                    units.append(unit)
                # Free what was read: memory stays flat on large memories.
                element.clear()
                parent = element.getparent()
                if parent is not None:
                    while element.getprevious() is not None:
                        del parent[0]
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{name}: not well-formed XML: {exc}") from exc
    except OSError as exc:
        raise InputError(f"cannot read {str(path)!r}: {exc.strerror or exc}") from exc
    except InputError as exc:
        # The refusals of hostile content (entities, a foreign root) name the file too.
        raise InputError(f"{name}: {exc}") from exc
    if skipped:
        _log.warning(
            "%s: skipped %d translation unit(s) without both %s and %s",
            name,
            skipped,
            source_lang,
            target_lang,
        )
    if dropped:
        # Inline markup is lost on import: say so once per file, whatever the log level.
        _log.warning(
            "%s: dropped the inline formatting codes of %d element(s) (%s); "
            "the sentences' text is kept",
            name,
            sum(dropped.values()),
            ", ".join(f"<{tag}> {count}" for tag, count in sorted(dropped.items())),
        )
    if not units:
        raise InputError(
            f"{name}: no translation unit has both a {source_lang!r} and a {target_lang!r} variant"
        )
    mtime = file.stat().st_mtime if stream is None else None
    attrib, props = header["attrib"], header["props"]
    return _bilingual(name, mtime, attrib, props, units, source_lang, target_lang)


def load_input(raw: Raw) -> BilingualDocument:
    """The input registry's reader (``bireader.reading.formats``): a ``.tmx`` file is
    streamed from disk; TMX content from stdin, bytes or a string is parsed from memory."""
    if raw.data is None:
        assert raw.path is not None
        return read_tmx(raw.path)
    data = raw.data.encode("utf-8") if isinstance(raw.data, str) else raw.data
    stream = io.BytesIO(data)
    stream.name = raw.name
    return read_tmx(stream)


def _check_root(root: Any) -> None:
    info = root.getroottree().docinfo
    dtd = info.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        names = ", ".join(sorted({entity.name for entity in dtd.iterentities()}))
        raise InputError(
            f"refusing a TMX file that declares XML entities ({names}): "
            "entity expansion and external entities are not allowed"
        )
    if _local(root.tag) != "tmx":
        raise InputError(f"not a TMX file: the root element is <{_local(root.tag)}>, not <tmx>")


def _local(tag: Any) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _props(element: Any) -> dict[str, list[str]]:
    props: dict[str, list[str]] = {}
    for child in element:
        if _local(child.tag) == "prop":
            _no_entities(child)
            props.setdefault(child.get("type", ""), []).append(child.text or "")
    return props


def _no_entities(element: Any) -> None:
    from lxml import etree

    for node in element.iter():
        if isinstance(node, etree._Entity):
            raise InputError(f"refusing an unresolved XML entity reference {node.text}")


def _lang_of(tuv: Any) -> str:
    """The variant's language tag, lower-cased with ``-`` (``ES_es`` -> ``es-es``)."""
    # TMX 1.4 uses xml:lang; TMX 1.1 files use a plain `lang` attribute.
    lang = tuv.get(_XML_LANG) or tuv.get("lang") or ""
    return _norm_lang(lang)


def _norm_lang(tag: str) -> str:
    return tag.strip().replace("_", "-").lower()


def _primary(tag: str) -> str:
    return tag.split("-", 1)[0]


def _read_unit(
    tu: Any, source_lang: str, target_lang: str, number: int, dropped: Counter[str]
) -> _Unit | None:
    """The unit's source and target texts; None without both.

    A variant whose whole tag equals the requested one (``es-ES``) wins over one
    matching only by primary subtag (``es``, ``es-MX``); among equals the first wins.
    """
    wanted = (_norm_lang(source_lang), _norm_lang(target_lang))
    exact: list[Any] = [None, None]
    loose: list[Any] = [None, None]
    for tuv in tu:
        if _local(tuv.tag) != "tuv":
            continue
        lang = _lang_of(tuv)
        for role, want in enumerate(wanted):
            if lang == want:
                if exact[role] is None:
                    exact[role] = tuv
                else:
                    _log.debug("tu %s: more than one %r variant; keeping the first", number, lang)
                break
            if _primary(lang) == _primary(want) and loose[role] is None:
                loose[role] = tuv
    chosen: list[Any] = [None, None]
    for role in (0, 1):
        other = exact[1 - role]
        if exact[role] is not None:
            chosen[role] = exact[role]
        elif loose[role] is not None and loose[role] is not other:
            chosen[role] = loose[role]
    if chosen[0] is None or chosen[1] is None or chosen[0] is chosen[1]:
        return None
    texts: list[str] = []
    unit_dropped: list[str] = []
    for tuv in chosen:
        seg = next((c for c in tuv if _local(c.tag) == "seg"), None)
        if seg is None:
            return None
        _no_entities(seg)
        texts.append("".join(_seg_text(seg, unit_dropped)))
    if unit_dropped:
        _log.debug(
            "tu %s: dropped the native code of inline <%s>",
            tu.get("tuid", number),
            ">, <".join(sorted(set(unit_dropped))),
        )
        dropped.update(unit_dropped)
    return _Unit(texts[0], texts[1], _props(tu), tu.get("creationtool"))


def _seg_text(element: Any, dropped: list[str], *, native: bool = False) -> Iterator[str]:
    """The content text of a <seg>: text of <hi>/<sub> kept, native code dropped."""
    if element.text and not native:
        yield element.text
    for child in element:
        tag = _local(child.tag)
        if tag in _NATIVE_CODE:
            if (child.text or "").strip():
                dropped.append(tag)
            # Native code itself is dropped, but a <sub> inside it is translatable text.
            yield from _seg_text(child, dropped, native=True)
        elif tag == "sub" or not native:
            yield from _seg_text(child, dropped)
        if child.tail and not native:
            yield child.tail


def _bilingual(
    name: str,
    mtime: float | None,
    attrib: Mapping[str, str],
    props: Mapping[str, list[str]],
    units: list[_Unit],
    source_lang: str,
    target_lang: str,
) -> BilingualDocument:
    def first(kind: str) -> str | None:
        values = props.get(kind)
        return values[0] if values else None

    tool = attrib.get("creationtool") or "unknown"
    ours = tool == CREATION_TOOL
    provenance = Provenance(
        engine=first("x-engine") or tool,
        engine_version=first("x-engine-version") or attrib.get("creationtoolversion", ""),
        model=first("x-model"),
        model_version=first("x-model-version"),
        options={
            kind.removeprefix("x-option-"): values[0]
            for kind, values in props.items()
            if kind.startswith("x-option-") and values
        },
    )
    groups = list(_groups(units))
    text, blocks = lay_out((kind, [unit.source for unit in group]) for kind, group in groups)
    pairs: list[Pair] = []
    for index, ((group_kind, group), block) in enumerate(zip(groups, blocks, strict=True)):
        for unit, sentence in zip(group, block.sentences, strict=True):
            flags, repair = _flags_and_repair(unit)
            pairs.append(
                Pair(
                    source=sentence,
                    target=unit.target,
                    block_index=index,
                    block_kind=group_kind,
                    engine=unit.prop("x-engine") or unit.creationtool or provenance.engine,
                    flags=flags,
                    repair=repair,
                )
            )
    document = Document(
        text=text,
        blocks=blocks,
        lang=source_lang,
        title=first("x-title"),
        source=first("x-document") or name,
        metadata={
            kind.removeprefix("x-metadata-"): values[0]
            for kind, values in props.items()
            if kind.startswith("x-metadata-") and values
        },
    )
    created = parse_tmx_date(attrib.get("creationdate", "")) or datetime.fromtimestamp(
        time.time() if mtime is None else mtime, UTC
    ).replace(microsecond=0)
    return BilingualDocument(
        document=document,
        pairs=tuple(pairs),
        provenance=provenance,
        target_lang=target_lang,
        created=created,
        bireader_version=attrib.get("creationtoolversion", __version__) if ours else __version__,
    )


def _groups(units: Iterable[_Unit]) -> Iterator[tuple[BlockKind, list[_Unit]]]:
    """Consecutive units sharing an ``x-block-index`` form one block; others stand alone."""
    group: list[_Unit] = []
    key: str | None = None
    kind: BlockKind = "paragraph"
    for unit in units:
        index = unit.prop("x-block-index")
        if group and (index is None or index != key):
            yield kind, group
            group = []
        if not group:
            kind = block_kind(unit.prop("x-block-kind"))
        group.append(unit)
        key = index
    if group:
        yield kind, group
