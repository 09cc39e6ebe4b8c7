"""JSON export and import: the whole bilingual value, offsets, kinds, flags and provenance.

The layout is described by ``docs/bilingual.schema.json`` (JSON Schema) and
``docs/formats.md``; ``schema`` names its version. ``loads(dumps(bi)) == bi``:

>>> from bireader.model import BilingualDocument, Block, Document, Pair, Provenance, Sentence
>>> s = Sentence("Hola.", 0, 5)
>>> bi = BilingualDocument(Document("Hola.", (Block("paragraph", 0, 5, (s,)),)),
...     (Pair(s, "Hello.", 0, "paragraph", "apertium"),), Provenance("apertium", "3.8"))
>>> loads(dumps(bi)) == bi
True
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from bireader.errors import ExportError, InputError
from bireader.model import (
    BLOCK_KINDS,
    BilingualDocument,
    Block,
    BlockKind,
    Document,
    Pair,
    Provenance,
    Sentence,
)

FORMAT = "json"
SCHEMA_VERSION = 1
"""Bumped on any change a reader of older files would trip over."""

_log = logging.getLogger("bireader")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def to_dict(bi: BilingualDocument, *, include_text: bool = True) -> dict[str, Any]:
    """The JSON-ready value of ``bi``: plain dicts, lists, strings and numbers."""
    doc = bi.document
    document: dict[str, Any] = {
        "source": doc.source,
        "lang": doc.lang,
        "title": doc.title,
        "metadata": dict(doc.metadata),
    }
    if include_text:
        document["text"] = doc.text
    prov = bi.provenance
    return {
        "schema": SCHEMA_VERSION,
        "bireader_version": bi.bireader_version,
        "created": _iso(bi.created),
        "source_lang": doc.lang,
        "target_lang": bi.target_lang,
        "document": document,
        "blocks": [
            {"index": i, "kind": b.kind, "start": b.start, "end": b.end}
            for i, b in enumerate(doc.blocks)
        ],
        "pairs": [
            {
                "index": i,
                "source": p.source.text,
                "target": p.target,
                "start": p.source.start,
                "end": p.source.end,
                "block_index": p.block_index,
                "block_kind": p.block_kind,
                "engine": p.engine,
                "flags": list(p.flags),
            }
            for i, p in enumerate(bi.pairs)
        ],
        "provenance": {
            "engine": prov.engine,
            "engine_version": prov.engine_version,
            "model": prov.model,
            "model_version": prov.model_version,
            "options": dict(prov.options),
            "signature": prov.signature(),
        },
    }


def document_to_dict(document: Document) -> dict[str, Any]:
    """A segmented ``Document`` as JSON-ready data: blocks, kinds, sentences and offsets.

    >>> from bireader.model import Block, Sentence
    >>> doc = Document("Hola.", (Block("paragraph", 0, 5, (Sentence("Hola.", 0, 5),)),))
    >>> document_to_dict(doc)["blocks"][0]["sentences"]
    [{'text': 'Hola.', 'start': 0, 'end': 5}]
    """
    return {
        "source": document.source,
        "lang": document.lang,
        "title": document.title,
        "blocks": [
            {
                "kind": block.kind,
                "start": block.start,
                "end": block.end,
                "sentences": [
                    {"text": s.text, "start": s.start, "end": s.end} for s in block.sentences
                ],
            }
            for block in document.blocks
        ],
    }


def dumps(bi: BilingualDocument, *, indent: int | None = 2, include_text: bool = True) -> str:
    """``bi`` as a JSON string (characters kept as they are, not ``\\u`` escaped).

    Only lone surrogates, which UTF-8 cannot encode, are written as ``\\udXXX`` escapes,
    so the file is valid UTF-8 and reads back to the same strings.
    """
    text = json.dumps(to_dict(bi, include_text=include_text), ensure_ascii=False, indent=indent)
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def write(
    bi: BilingualDocument,
    stream: IO[bytes],
    *,
    indent: int | None = 2,
    include_text: bool = True,
    **options: Any,
) -> None:
    """Write ``bi`` as UTF-8 JSON to the binary ``stream``."""
    _reject_unknown(options)
    stream.write(dumps(bi, indent=indent, include_text=include_text).encode("utf-8"))
    stream.write(b"\n")


def loads(text: str | bytes) -> BilingualDocument:
    """Rebuild the ``BilingualDocument`` from JSON written by :func:`dumps`.

    Raises ``InputError`` when the JSON is not a bireader bilingual document.
    """
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InputError(f"not valid JSON: {exc}") from exc
    try:
        return from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"not a bireader JSON document: {exc!r}") from exc


def read_json(path: str | os.PathLike[str]) -> BilingualDocument:
    """Read a ``.json`` file written by bireader back into a ``BilingualDocument``."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {str(path)!r}: {exc.strerror or exc}") from exc
    try:
        return loads(raw)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from exc


read_file = read_json
"""How the format registry reads this format back (see ``formats.base.bilingual_reader``)."""


def from_dict(data: Mapping[str, Any]) -> BilingualDocument:
    """The inverse of :func:`to_dict`; raises ``InputError`` on inconsistent data."""
    if not isinstance(data, Mapping) or data.get("schema") != SCHEMA_VERSION:
        found = data.get("schema") if isinstance(data, Mapping) else type(data).__name__
        raise InputError(f"unsupported bireader JSON schema {found!r} (expected {SCHEMA_VERSION})")
    doc = data["document"]
    raw_pairs = data["pairs"]
    raw_blocks = data["blocks"]
    text = doc.get("text")
    if text is None:
        text = _text_from_sentences(raw_pairs, raw_blocks)
    sentences: dict[int, list[Sentence]] = {}
    pairs: list[Pair] = []
    for raw in raw_pairs:
        sentence = Sentence(str(raw["source"]), int(raw["start"]), int(raw["end"]))
        if text[sentence.start : sentence.end] != sentence.text:
            raise InputError(
                f"pair {raw.get('index')!r}: offsets {sentence.start}:{sentence.end} "
                "do not match its source text"
            )
        pair = Pair(
            source=sentence,
            target=str(raw["target"]),
            block_index=int(raw["block_index"]),
            block_kind=_kind(raw["block_kind"]),
            engine=str(raw["engine"]),
            flags=tuple(str(f) for f in raw.get("flags", ())),
        )
        pairs.append(pair)
        sentences.setdefault(pair.block_index, []).append(sentence)
    blocks = tuple(
        Block(_kind(b["kind"]), int(b["start"]), int(b["end"]), tuple(sentences.get(i, ())))
        for i, b in enumerate(raw_blocks)
    )
    if any(p.block_index >= len(blocks) or p.block_index < 0 for p in pairs):
        raise InputError("a pair names a block that does not exist")
    document = Document(
        text=text,
        blocks=blocks,
        lang=str(doc.get("lang") or data.get("source_lang") or "es"),
        title=doc.get("title"),
        source=doc.get("source"),
        metadata={str(k): str(v) for k, v in (doc.get("metadata") or {}).items()},
    )
    prov = data["provenance"]
    provenance = Provenance(
        engine=str(prov["engine"]),
        engine_version=str(prov["engine_version"]),
        model=prov.get("model"),
        model_version=prov.get("model_version"),
        options={str(k): str(v) for k, v in (prov.get("options") or {}).items()},
    )
    return BilingualDocument(
        document=document,
        pairs=tuple(pairs),
        provenance=provenance,
        target_lang=str(data.get("target_lang") or "en"),
        created=_parse_iso(str(data["created"])),
        bireader_version=str(data["bireader_version"]),
    )


def _text_from_sentences(raw_pairs: Any, raw_blocks: Any) -> str:
    # Written with include_text=False: rebuild a text where every sentence sits at
    # its offsets and whatever lay between sentences becomes spaces.
    length = max([int(p["end"]) for p in raw_pairs] + [int(b["end"]) for b in raw_blocks] + [0])
    chars = [" "] * length
    for raw in raw_pairs:
        start, end, source = int(raw["start"]), int(raw["end"]), str(raw["source"])
        if end - start != len(source):
            raise InputError(f"pair {raw.get('index')!r}: offsets do not match its length")
        chars[start:end] = source
    return "".join(chars)


def _kind(value: Any) -> BlockKind:
    if value not in BLOCK_KINDS:
        raise InputError(f"unknown block kind {value!r} (known: {', '.join(BLOCK_KINDS)})")
    kind: BlockKind = value
    return kind


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse_iso(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _reject_unknown(options: Mapping[str, Any]) -> None:
    if options:
        raise ExportError(f"the {FORMAT} exporter has no option {', '.join(sorted(options))!r}")
