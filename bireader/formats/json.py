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
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from bireader.errors import InputError
from bireader.formats.base import reject_options
from bireader.model import (
    BLOCK_KINDS,
    REPAIR_KINDS,
    BilingualDocument,
    Block,
    BlockKind,
    Document,
    Pair,
    Provenance,
    Repair,
    RepairKind,
    Sentence,
    Word,
    block_kind,
    language_tag,
    legacy_repair,
    utc,
)
from bireader.text import LONE_SURROGATE

if TYPE_CHECKING:
    from bireader.reading.source import Raw

FORMAT = "json"
SCHEMA_VERSION = 4
"""Bumped on any change a reader of older files would trip over (2: pairs carry ``words``;
3: a pair of an aligned document may carry ``link`` and ``confidence``; 4: a repaired
pair carries ``repair``, an object, instead of ``"retried:<flag>"``/``"fallback:<flag>"``
strings among its ``flags``)."""
READABLE_VERSIONS = (1, 2, 3, 4)
"""Every layout :func:`from_dict` reads; a version-1 file simply has no words, and the
repair strings among the flags of versions 1-3 are read into a ``Repair``."""
_REPAIR_OBJECT = 4
"""The first version whose pairs carry ``repair`` as an object."""

_log = logging.getLogger(__name__)


def to_dict(bi: BilingualDocument, *, include_text: bool = True) -> dict[str, Any]:
    """The JSON-ready value of ``bi``: plain dicts, lists, strings and numbers."""
    value = _head(bi, include_text)
    value["pairs"] = [_pair_to_dict(i, p) for i, p in enumerate(bi.pairs)]
    return value


def _head(bi: BilingualDocument, include_text: bool) -> dict[str, Any]:
    """Everything but the pairs, keys in the written order (``"pairs"`` holds None)."""
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
        "pairs": None,
        "provenance": {
            "engine": prov.engine,
            "engine_version": prov.engine_version,
            "model": prov.model,
            "model_version": prov.model_version,
            "options": dict(prov.options),
            "signature": prov.signature(),
        },
    }


def _pair_to_dict(index: int, pair: Pair) -> dict[str, Any]:
    return {
        "index": index,
        "source": pair.source.text,
        "target": pair.target,
        "start": pair.source.start,
        "end": pair.source.end,
        "block_index": pair.block_index,
        "block_kind": pair.block_kind,
        "engine": pair.engine,
        "flags": list(pair.flags),
        "words": [word_to_dict(w) for w in pair.words],
        **({} if pair.link is None else {"link": pair.link}),
        **({} if pair.confidence is None else {"confidence": pair.confidence}),
        **({} if pair.repair is None else {"repair": _repair_to_dict(pair.repair)}),
    }


def _repair_to_dict(repair: Repair) -> dict[str, Any]:
    return {"kind": repair.kind, "first_flags": list(repair.first_flags)}


def _repair_from_dict(where: str, raw: Any) -> Repair | None:
    """A pair's ``repair`` (absent or null: none), checked like every other field."""
    if raw is None:
        return None
    _check_object(where, raw, _REPAIR_RULES)
    if raw["kind"] not in REPAIR_KINDS:
        raise InputError(
            f"{where}.kind: expected one of {', '.join(REPAIR_KINDS)}, got {_describe(raw['kind'])}"
        )
    return Repair(cast(RepairKind, raw["kind"]), tuple(raw["first_flags"]))


_PAIRS_MARK = json.dumps("\x00bireader pairs\x00")
"""Where the pairs go in the head's JSON (a string no field of ``_head`` can hold)."""


def iter_json(
    bi: BilingualDocument, *, indent: int | None = 2, include_text: bool = True
) -> Iterator[str]:
    """``dumps(bi)`` in pieces, one pair at a time: memory stays flat in the number of pairs.

    The pieces join to exactly what ``json.dumps(to_dict(bi), indent=indent)`` writes.
    """
    head = _head(bi, include_text)
    head["pairs"] = "\x00bireader pairs\x00"
    before, after = json.dumps(head, ensure_ascii=False, indent=indent).split(_PAIRS_MARK)
    yield before
    if not bi.pairs:
        yield "[]"
    else:
        pad = "" if indent is None else "\n" + " " * (2 * indent)
        yield "["
        for i, pair in enumerate(bi.pairs):
            item = json.dumps(_pair_to_dict(i, pair), ensure_ascii=False, indent=indent)
            separator = ("," if indent is not None else ", ") if i else ""
            yield separator + pad + item.replace("\n", pad) if pad else separator + item
        yield "]" if indent is None else "\n" + " " * indent + "]"
    yield after


def word_to_dict(word: Word) -> dict[str, Any]:
    """A ``Word`` as JSON-ready data (its ``parts`` too).

    >>> word_to_dict(Word("del", 3, 6, "de", "ADP", glosses=("of the",)))["glosses"]
    ['of the']
    """
    return {
        "text": word.text,
        "start": word.start,
        "end": word.end,
        "lemma": word.lemma,
        "upos": word.upos,
        "features": word.features,
        "glosses": list(word.glosses),
        "parts": [word_to_dict(p) for p in word.parts],
        "known": word.known,
        "untranslated": word.untranslated,
    }


def _word_from_dict(where: str, raw: Mapping[str, Any], text: str) -> Word:
    _check_object(where, raw, _WORD)
    if "parts" not in raw:
        raise InputError(f"{where}.parts is missing")
    _check_span(where, raw["start"], raw["end"], len(text))
    if text[raw["start"] : raw["end"]] != raw["text"]:
        raise InputError(f"{where}: offsets {raw['start']}:{raw['end']} do not match its text")
    _check_array(f"{where}.parts", raw["parts"], {})
    return Word(
        text=raw["text"],
        start=raw["start"],
        end=raw["end"],
        lemma=raw["lemma"],
        upos=raw["upos"],
        features=raw["features"],
        glosses=tuple(raw["glosses"]),
        parts=tuple(
            _word_from_dict(f"{where}.parts[{i}]", part, text)
            for i, part in enumerate(raw["parts"])
        ),
        known=raw["known"],
        untranslated=raw["untranslated"],
    )


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
    return _escape_surrogates("".join(iter_json(bi, indent=indent, include_text=include_text)))


def _escape_surrogates(text: str) -> str:
    return LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def write(
    bi: BilingualDocument,
    stream: IO[bytes],
    *,
    indent: int | None = 2,
    include_text: bool = True,
    **options: Any,
) -> None:
    """Write ``bi`` as UTF-8 JSON to the binary ``stream``, a few pairs at a time."""
    reject_options(FORMAT, options)
    pending: list[str] = []
    size = 0
    for piece in iter_json(bi, indent=indent, include_text=include_text):
        pending.append(piece)
        size += len(piece)
        if size > 1 << 16:
            stream.write(_escape_surrogates("".join(pending)).encode("utf-8"))
            pending, size = [], 0
    pending.append("\n")
    stream.write(_escape_surrogates("".join(pending)).encode("utf-8"))


def loads(text: str | bytes) -> BilingualDocument:
    """Rebuild the ``BilingualDocument`` from JSON written by :func:`dumps`.

    Raises ``InputError`` when the JSON is not a bireader bilingual document.
    """
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InputError(f"not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise InputError("not a bireader JSON document: nested too deeply") from exc
    try:
        return from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"not a bireader JSON document: {exc!r}") from exc


def read_json(path: str | os.PathLike[str]) -> BilingualDocument:
    """Read a ``.json`` file written by bireader back into a ``BilingualDocument``
    (at most ``bireader.reading.MAX_BILINGUAL_BYTES``)."""
    from bireader.reading.source import check_bilingual_size

    check_bilingual_size(Path(path))
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {str(path)!r}: {exc.strerror or exc}") from exc
    try:
        return loads(raw)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from exc


def load_input(raw: Raw) -> BilingualDocument:
    """The input registry's reader (``bireader.reading.formats``)."""
    if raw.data is None:
        assert raw.path is not None
        return read_json(raw.path)
    try:
        return loads(raw.data)
    except InputError as exc:
        raise InputError(f"{raw.name}: {exc}") from exc


def from_dict(data: Mapping[str, Any]) -> BilingualDocument:
    """The inverse of :func:`to_dict`; raises ``InputError`` on invalid or inconsistent data.

    Every rule of ``docs/bilingual.schema.json`` is checked (types, required keys,
    kinds, non-negative offsets, the ``created`` format; unknown keys are ignored),
    then the offsets against the text: blocks and sentences lie inside it, each
    sentence inside its block, ``source == text[start:end]``.
    """
    schema = data.get("schema") if isinstance(data, Mapping) else None
    if isinstance(schema, bool) or schema not in READABLE_VERSIONS:  # True == 1 in Python
        found = schema if isinstance(data, Mapping) else type(data).__name__
        expected = " or ".join(str(v) for v in READABLE_VERSIONS)
        raise InputError(f"unsupported bireader JSON schema {found!r} (expected {expected})")
    _check_top(data)
    doc = data["document"]
    raw_pairs: list[dict[str, Any]] = data["pairs"]
    raw_blocks: list[dict[str, Any]] = data["blocks"]
    text = doc.get("text")
    if text is None:
        text = _text_from_sentences(raw_pairs, raw_blocks)
    for index, raw in enumerate(raw_blocks):
        if raw["index"] != index:
            raise InputError(f"blocks[{index}].index is {raw['index']}, expected {index}")
        _check_span(f"blocks[{index}]", raw["start"], raw["end"], len(text))
    sentences: dict[int, list[Sentence]] = {}
    pairs: list[Pair] = []
    for index, raw in enumerate(raw_pairs):
        where = f"pairs[{index}]"
        if raw["index"] != index:  # a repeated or skipped index: pairs lost or doubled
            raise InputError(f"{where}.index is {raw['index']}, expected {index}")
        _check_span(where, raw["start"], raw["end"], len(text))
        sentence = Sentence(raw["source"], raw["start"], raw["end"])
        if text[sentence.start : sentence.end] != sentence.text:
            raise InputError(
                f"pair {raw.get('index')!r}: offsets {sentence.start}:{sentence.end} "
                "do not match its source text"
            )
        block_index = raw["block_index"]
        if block_index >= len(raw_blocks):
            raise InputError(f"{where}: a pair names a block that does not exist ({block_index})")
        block = raw_blocks[block_index]
        if not block["start"] <= sentence.start <= sentence.end <= block["end"]:
            raise InputError(
                f"{where}: offsets {sentence.start}:{sentence.end} lie outside block "
                f"{block_index} ({block['start']}:{block['end']})"
            )
        if raw["block_kind"] != block["kind"]:
            raise InputError(
                f"{where}: block_kind {raw['block_kind']!r} differs from block "
                f"{block_index}'s kind {block['kind']!r}"
            )
        words: tuple[Word, ...] = ()
        if "words" in raw:
            _check_array(f"{where}.words", raw["words"], {})
            words = tuple(
                _word_from_dict(f"{where}.words[{i}]", w, text) for i, w in enumerate(raw["words"])
            )
            for i, word in enumerate(words):
                if not sentence.start <= word.start <= word.end <= sentence.end:
                    raise InputError(f"{where}.words[{i}]: lies outside its sentence")
        if schema >= _REPAIR_OBJECT:
            flags = tuple(raw["flags"])
            repair = _repair_from_dict(f"{where}.repair", raw.get("repair"))
        else:
            flags, repair = legacy_repair(tuple(raw["flags"]))
        pair = Pair(
            source=sentence,
            target=raw["target"],
            block_index=block_index,
            block_kind=_kind(raw["block_kind"]),
            engine=raw["engine"],
            flags=flags,
            words=words,
            link=raw.get("link"),
            confidence=raw.get("confidence"),
            repair=repair,
        )
        pairs.append(pair)
        if not (pair.unpaired and not sentence.text):
            # An English-only sentence of an aligned document is not a source sentence.
            sentences.setdefault(block_index, []).append(sentence)
    blocks = tuple(
        Block(_kind(b["kind"]), b["start"], b["end"], tuple(sentences.get(i, ())))
        for i, b in enumerate(raw_blocks)
    )
    document = Document(
        text=text,
        blocks=blocks,
        lang=doc["lang"] or data["source_lang"],
        title=doc["title"],
        source=doc["source"],
        metadata=dict(doc["metadata"]),
    )
    prov = data["provenance"]
    provenance = Provenance(
        engine=prov["engine"],
        engine_version=prov["engine_version"],
        model=prov["model"],
        model_version=prov["model_version"],
        options=dict(prov["options"]),
    )
    return BilingualDocument(
        document=document,
        pairs=tuple(pairs),
        provenance=provenance,
        target_lang=data["target_lang"],
        created=_parse_iso(data["created"]),
        bireader_version=data["bireader_version"],
    )


# --------------------------------------------------------------------------- validation
# Hand-written checks of docs/bilingual.schema.json's rules (no runtime dependency);
# tests/formats/test_json.py holds them to the schema with jsonschema.

_CREATED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z")
_MAX_OFFSET = 64 * 1024 * 1024
"""Offsets beyond this are not an article (``reader.MAX_INPUT_BYTES`` caps the input
the same); without ``text`` the rebuilt text would be that long."""

_STR = "a string"
_STR_OR_NULL = "a string or null"
_NONEMPTY = "a non-empty string"
_OFFSET = "an integer >= 0"
_STR_LIST = "a list of strings"
_STR_MAP = "an object of strings"
_KIND = "a block kind"
_BOOL = "true or false"

_TOP: dict[str, str] = {
    "bireader_version": _NONEMPTY,
    "created": "an ISO 8601 UTC time like 2026-11-27T14:05:09Z",
    "source_lang": _NONEMPTY,
    "target_lang": _NONEMPTY,
}
_DOCUMENT: dict[str, str] = {
    "source": _STR_OR_NULL,
    "lang": _STR,
    "title": _STR_OR_NULL,
    "metadata": _STR_MAP,
}
_BLOCK: dict[str, str] = {"index": _OFFSET, "kind": _KIND, "start": _OFFSET, "end": _OFFSET}
_PAIR: dict[str, str] = {
    "index": _OFFSET,
    "source": _STR,
    "target": _STR,
    "start": _OFFSET,
    "end": _OFFSET,
    "block_index": _OFFSET,
    "block_kind": _KIND,
    "engine": _STR,
    "flags": _STR_LIST,
}
_REPAIR_RULES: dict[str, str] = {"kind": _STR, "first_flags": _STR_LIST}
_WORD: dict[str, str] = {
    "text": _STR,
    "start": _OFFSET,
    "end": _OFFSET,
    "lemma": _STR,
    "upos": _STR,
    "features": _STR,
    "glosses": _STR_LIST,
    "known": _BOOL,
    "untranslated": _BOOL,
}
_PROVENANCE: dict[str, str] = {
    "engine": _STR,
    "engine_version": _STR,
    "model": _STR_OR_NULL,
    "model_version": _STR_OR_NULL,
    "options": _STR_MAP,
    "signature": _STR,
}


def _fits(rule: str, value: Any) -> bool:
    if rule == _STR:
        return isinstance(value, str)
    if rule == _STR_OR_NULL:
        return value is None or isinstance(value, str)
    if rule == _NONEMPTY:
        return isinstance(value, str) and bool(value)
    if rule == _OFFSET:
        # bool is an int in Python but not an integer in JSON Schema.
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if rule == _STR_LIST:
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    if rule == _STR_MAP:
        return isinstance(value, Mapping) and all(isinstance(v, str) for v in value.values())
    if rule == _KIND:
        return isinstance(value, str) and value in BLOCK_KINDS
    if rule == _BOOL:
        return isinstance(value, bool)
    return isinstance(value, str) and _CREATED.fullmatch(value) is not None  # created


def _check_object(where: str, value: Any, rules: Mapping[str, str]) -> None:
    if not isinstance(value, Mapping):
        raise InputError(f"{where}: expected an object, got {_json_type(value)}")
    for key, rule in rules.items():
        name = f"{where}.{key}" if where else key
        if key not in value:
            raise InputError(f"{name} is missing")
        if not _fits(rule, value[key]):
            if rule == _KIND:
                raise InputError(
                    f"{name}: unknown block kind {value[key]!r} (known: {', '.join(BLOCK_KINDS)})"
                )
            raise InputError(f"{name}: expected {rule}, got {_describe(value[key])}")


def _check_array(where: str, value: Any, rules: Mapping[str, str]) -> None:
    if not isinstance(value, list):
        raise InputError(f"{where}: expected an array, got {_json_type(value)}")
    for index, item in enumerate(value):
        _check_object(f"{where}[{index}]", item, rules)


def _check_links(pairs: list[Any]) -> None:
    """The optional ``link`` (an integer >= 0) and ``confidence`` (a number 0-1) of pairs."""
    for index, pair in enumerate(pairs):
        link, confidence = pair.get("link"), pair.get("confidence")
        if link is not None and not _fits(_OFFSET, link):
            raise InputError(f"pairs[{index}].link: expected {_OFFSET}, got {_describe(link)}")
        if confidence is not None and (
            isinstance(confidence, bool)
            or not isinstance(confidence, int | float)
            or not 0 <= confidence <= 1
        ):
            raise InputError(
                f"pairs[{index}].confidence: expected a number from 0 to 1, "
                f"got {_describe(confidence)}"
            )


def _check_lang(where: str, code: str) -> None:
    """A language code, refused on input rather than when an exporter writes it (as a
    TMX ``xml:lang`` or a page's ``lang=``)."""
    try:
        language_tag(code)
    except ValueError as exc:
        raise InputError(f"{where}: {exc}") from None


def _check_top(data: Mapping[str, Any]) -> None:
    _check_object("", data, _TOP)
    _check_lang("source_lang", data["source_lang"])
    _check_lang("target_lang", data["target_lang"])
    for key in ("document", "blocks", "pairs", "provenance"):
        if key not in data:
            raise InputError(f"{key} is missing")
    _check_object("document", data["document"], _DOCUMENT)
    if data["document"]["lang"]:
        _check_lang("document.lang", data["document"]["lang"])
    text = data["document"].get("text", "")
    if not isinstance(text, str):
        raise InputError(f"document.text: expected a string, got {_describe(text)}")
    _check_array("blocks", data["blocks"], _BLOCK)
    _check_array("pairs", data["pairs"], _PAIR)
    _check_links(data["pairs"])
    _check_object("provenance", data["provenance"], _PROVENANCE)


def _check_span(where: str, start: int, end: int, length: int) -> None:
    if start > end:
        raise InputError(f"{where}: start {start} is after end {end}")
    if end > length:
        raise InputError(f"{where}: end {end} is beyond the text ({length} characters)")


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object" if isinstance(value, Mapping) else type(value).__name__


def _describe(value: Any) -> str:
    """``a number (5)``, ``an array (["x"])``: the JSON type and a short view of the value."""
    try:
        shown = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return _json_type(value)
    return f"{_json_type(value)} ({shown if len(shown) <= 40 else shown[:37] + '...'})"


def _text_from_sentences(raw_pairs: list[dict[str, Any]], raw_blocks: list[dict[str, Any]]) -> str:
    # Written with include_text=False: rebuild a text where every sentence sits at
    # its offsets and whatever lay between sentences becomes spaces.
    length = max([p["end"] for p in raw_pairs] + [b["end"] for b in raw_blocks] + [0])
    if length > _MAX_OFFSET:
        raise InputError(f"an offset of {length} is too large for an article")
    pieces: list[str] = []
    at = 0
    for index, raw in sorted(enumerate(raw_pairs), key=lambda item: item[1]["start"]):
        start, end, source = raw["start"], raw["end"], raw["source"]
        if end - start != len(source):
            raise InputError(f"pair {raw.get('index', index)!r}: offsets do not match its length")
        if start < at:
            raise InputError(f"pair {raw.get('index', index)!r}: overlaps the pair before it")
        pieces += [" " * (start - at), source]
        at = end
    pieces.append(" " * (length - at))
    return "".join(pieces)


def _kind(value: Any) -> BlockKind:
    try:
        return block_kind(value, None)
    except ValueError as exc:
        raise InputError(str(exc)) from exc


def _iso(moment: datetime) -> str:
    return utc(moment).isoformat().replace("+00:00", "Z")


def _parse_iso(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(f"created: not a valid time {value!r}: {exc}") from exc
    return utc(moment)


