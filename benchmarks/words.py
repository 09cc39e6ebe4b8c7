"""Word study: accuracy against a hand-written gold set, coverage, and cost.

(a) Accuracy on ``tests/data/words_gold.tsv`` (word tokens of ``texts/*.es.txt`` in
    context, with accepted lemmas, UD UPOS and English glosses, written by hand from
    a dictionary, see ``tests/data/README.words.md``):

    * lemma accuracy, UPOS accuracy, gloss hit rate (one of the first 3 glosses is
      accepted), for bireader (``bireader.analyze`` of the Apertium translation) and
      for the baseline, raw Apertium's first analysis: ``lt-proc``'s first reading
      (no tagger, no rules), its tags mapped straight to UPOS, the bilingual
      dictionary's first 3 translations of it. The row "bireader, no wordnet" is
      bireader with its second dictionary switched off: what the wordnet adds.
      Bars: lemma >= 0.98, UPOS >= 0.97, gloss >= 0.97.

    The gold is word by word, so bireader is scored token by token: a gold token
    inside a multiword unit (``dolor`` in ``dolor de cabeza``) is scored by the unit's
    part that covers it (its offsets), which is what the page shows for that word.
    The unit-level figures (the whole unit's lemma and glosses scored against each
    of its words) are printed too.

(b) Coverage: the share of alphabetic, non-proper-noun words of ``texts/`` that get at
    least one gloss (bar >= 98%); the ones without are listed.

(c) Cost: ``bireader words FILE`` for every text vs a cold
    ``bireader translate --engine apertium --no-cache FILE`` of the same texts, both as
    the user runs them (a fresh process each, no cache), interleaved, best of N
    (bar <= 1.5x).

Run: ``.venv/bin/python benchmarks/words.py [--repeat N] [--misses]``.
``--gold tests/data/words_heldout.tsv`` scores a held-out gold set instead, on the
``words_heldout*.es.txt`` texts beside it (written after the wordnet was added, see
``tests/data/README.words.md``); (b) then counts those texts.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

REPO = Path(__file__).resolve().parents[1]
TEXTS = sorted((REPO / "texts").glob("*.es.txt"))
GOLD = REPO / "tests" / "data" / "words_gold.tsv"
BIREADER = Path(sys.executable).with_name("bireader")
T = TypeVar("T")


@dataclass(frozen=True)
class Gold:
    file: str
    start: int
    end: int
    text: str
    lemmas: frozenset[str]
    upos: frozenset[str]
    glosses: frozenset[str]


@dataclass(frozen=True)
class Guess:
    lemma: str
    upos: str
    glosses: tuple[str, ...]


def _norm(text: str) -> str:
    text = " ".join(text.casefold().split())
    return text[3:] if text.startswith("to ") else text


def gold_texts(gold_file: Path) -> list[Path]:
    """The texts a gold file is about: ``texts/`` for ours, else the ``*.es.txt``
    beside the gold file (a held-out set brings its own texts)."""
    if gold_file.resolve() == GOLD.resolve():
        return TEXTS
    return sorted(gold_file.parent.glob(gold_file.stem + "*.es.txt"))


def load_gold(gold_file: Path = GOLD) -> list[Gold]:
    """The gold tokens, each located in its text (``before`` + token, spaces loose)."""
    paths = gold_texts(gold_file)
    texts = {p.name.removesuffix(".es.txt"): p.read_text("utf-8") for p in paths}
    found: list[Gold] = []
    for number, line in enumerate(gold_file.read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        file, before, token, lemmas, upos, glosses = line.split("\t")
        text = texts[file]
        words = r"\s+".join(re.escape(w) for w in token.split())
        if before:
            lead = r"\s+".join(re.escape(w) for w in before.split())
            pattern = rf"(?:{lead})\s+({words})(?!\w)"
        else:
            pattern = rf"(?<!\w)({words})(?!\w)"
        match = re.search(pattern, text)
        if match is None:
            raise SystemExit(f"{gold_file.name}:{number}: {before!r} + {token!r} not in {file}")
        found.append(
            Gold(
                file,
                match.start(1),
                match.end(1),
                token,
                frozenset(_norm(x) for x in lemmas.split("|")),
                frozenset(upos.split("|")),
                frozenset(_norm(x) for x in glosses.split("|")),
            )
        )
    return found


def bireader_guesses(
    gold: list[Gold], texts: list[Path] = TEXTS
) -> tuple[dict[Gold, Guess], dict[Gold, Guess], list[tuple[str, str]]]:
    """bireader's word at each gold token, token-level (the part of a multiword unit
    covering it) and unit-level (the whole unit); and every (word, text) of the texts
    with no gloss."""
    import bireader

    guesses: dict[Gold, Guess] = {}
    units: dict[Gold, Guess] = {}
    missing: list[tuple[str, str]] = []
    total = 0
    for path in texts:
        doc = bireader.read(path)
        bi = bireader.analyze(bireader.translate(doc, "apertium", cache=False), cache=False)
        words = [w for pair in bi.pairs for w in pair.words]
        for item in gold:
            if item.file != path.name.removesuffix(".es.txt"):
                continue
            word = next((w for w in words if w.start <= item.start < w.end), None)
            if word is None:
                continue
            units[item] = Guess(word.lemma, word.upos, word.glosses)
            part = next(
                (
                    p
                    for p in word.parts
                    if (p.start, p.end) != (word.start, word.end)
                    and p.start <= item.start < item.end <= p.end
                ),
                word,
            )
            guesses[item] = Guess(part.lemma, part.upos, part.glosses)
        for word in words:
            if word.upos == "PROPN" or not word.text.replace(" ", "").isalpha():
                continue
            total += 1
            if not word.glosses:
                missing.append((path.name, word.text))
    bireader_guesses.total = total  # type: ignore[attr-defined]
    return guesses, units, missing


def without_wordnet(run: Callable[[], T]) -> T:
    """``run()`` with word study's second dictionary switched off (token-level)."""
    from bireader.words import wordnet

    saved = wordnet.DATA
    wordnet.DATA = Path("/nonexistent/es-en-wordnet.tsv.gz")
    wordnet._table.cache_clear()
    try:
        return run()
    finally:
        wordnet.DATA = saved
        wordnet._table.cache_clear()


def baseline_guesses(gold: list[Gold], texts: list[Path] = TEXTS) -> dict[Gold, Guess]:
    """Raw Apertium: the analyser's first reading, straight tag map, bidix order."""
    import bireader
    from bireader.words import stream, ud

    guesses: dict[Gold, Guess] = {}
    for path in texts:
        doc = bireader.read(path)
        sentences = list(doc.sentences())
        tokens = stream.analyse([s.text for s in sentences], tagger=False)
        readings = [t.analyses[0][0] for sentence in tokens for t in sentence if t.analyses]
        glossary = stream.lookup(readings)
        for item in gold:
            if item.file != path.name.removesuffix(".es.txt"):
                continue
            for sentence, found in zip(sentences, tokens, strict=True):
                token = next(
                    (
                        t
                        for t in found
                        if sentence.start + t.start <= item.start < sentence.start + t.end
                    ),
                    None,
                )
                if token is None:
                    continue
                if not token.analyses:
                    guesses[item] = Guess(token.surface, "X", ())
                else:
                    first = token.analyses[0][0]
                    upos = ud.UPOS_OF_TAG.get(first.pos, "X")  # the plain tag map, no rules
                    guesses[item] = Guess(first.lemma, upos, glossary.get(first, ()))
                break
    return guesses


def scores(gold: list[Gold], guesses: dict[Gold, Guess]) -> tuple[float, float, float]:
    lemma = upos = gloss = 0
    for item in gold:
        guess = guesses.get(item)
        if guess is None:
            continue
        lemma += _norm(guess.lemma) in item.lemmas
        upos += guess.upos in item.upos
        gloss += any(_norm(g) in item.glosses for g in guess.glosses[:3])
    n = len(gold)
    return lemma / n, upos / n, gloss / n


def misses(gold: list[Gold], guesses: dict[Gold, Guess]) -> list[str]:
    lines = []
    for item in gold:
        g = guesses.get(item, Guess("-", "-", ()))
        bad = []
        if _norm(g.lemma) not in item.lemmas:
            bad.append(f"lemma {g.lemma!r}")
        if g.upos not in item.upos:
            bad.append(f"upos {g.upos}")
        if not any(_norm(x) in item.glosses for x in g.glosses[:3]):
            bad.append(f"glosses {list(g.glosses[:3])}")
        if bad:
            lines.append(f"  {item.file}: {item.text!r}: " + ", ".join(bad))
    return lines


def _run(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def cost(repeat: int) -> tuple[float, float]:
    """Best total time over texts/ of `bireader words` and of a cold Apertium translate."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "BIREADER_CACHE_DIR": cache}
        words_best = translate_best = float("inf")
        for _ in range(repeat):
            translate = sum(
                _run([str(BIREADER), "translate", "-e", "apertium", "--no-cache", str(p)], env)
                for p in TEXTS
            )
            words = sum(
                _run([str(BIREADER), "words", "-e", "apertium", "--no-cache", str(p)], env)
                for p in TEXTS
            )
            translate_best = min(translate_best, translate)
            words_best = min(words_best, words)
    return words_best, translate_best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="cost runs (best is kept)")
    parser.add_argument("--misses", action="store_true", help="list bireader's misses")
    parser.add_argument(
        "--gold", type=Path, default=GOLD, help="a gold file (its texts beside it, as FILE*.es.txt)"
    )
    parser.add_argument("--no-cost", action="store_true", help="skip (c), the timing")
    parser.add_argument("--cost-only", action="store_true", help="only (c), the timing")
    args = parser.parse_args()
    os.environ.setdefault("BIREADER_CACHE_DIR", tempfile.mkdtemp(prefix="bireader-bench-"))

    if args.cost_only:
        report_cost(args.repeat)
        return
    gold = load_gold(args.gold)
    texts = gold_texts(args.gold)
    files = sorted({g.file for g in gold})
    print(f"(a) accuracy on {len(gold)} gold tokens from {len(files)} texts ({', '.join(files)})")
    plain, _, _ = without_wordnet(lambda: bireader_guesses(gold, texts))
    ours, whole, missing = bireader_guesses(gold, texts)
    base = baseline_guesses(gold, texts)
    print(f"    {'':<36}{'lemma':>8}{'UPOS':>8}{'gloss@3':>9}")
    rows = (
        ("raw Apertium (1st analysis)", base),
        ("bireader, no wordnet", plain),
        ("bireader, unit-level", whole),
        ("bireader, token-level (scored)", ours),
    )
    for name, guesses in rows:
        lemma, upos, gloss = scores(gold, guesses)
        print(f"    {name:<36}{lemma:>8.3f}{upos:>8.3f}{gloss:>9.3f}")
    inside = sum(1 for item in gold if ours.get(item) != whole.get(item))
    print(
        f"    token-level: a gold token inside a multiword unit is scored by the unit's "
        f"part covering it ({inside} tokens differ from unit-level)"
    )
    lemma, upos, gloss = scores(gold, ours)
    ok = lemma >= 0.98 and upos >= 0.97 and gloss >= 0.97
    print(f"    bars 0.98 / 0.97 / 0.97 (token-level): {'met' if ok else 'NOT met'}")
    if args.misses:
        print("\n".join(misses(gold, ours)))

    total = bireader_guesses.total  # type: ignore[attr-defined]
    share = 1 - len(missing) / total
    print(
        f"(b) coverage: {total - len(missing)}/{total} alphabetic non-PROPN words have a "
        f"gloss = {share:.1%} (bar >= 98%: {'met' if share >= 0.98 else 'NOT met'})"
    )
    if missing:
        print("    without a gloss: " + ", ".join(f"{t} ({f})" for f, t in missing))

    if not args.no_cost:
        report_cost(args.repeat)


def report_cost(repeat: int) -> None:
    words_time, translate_time = cost(repeat)
    ratio = words_time / translate_time
    print(
        f"(c) cost over {len(TEXTS)} texts, best of {repeat}: bireader words "
        f"{words_time:.2f} s vs cold translate --engine apertium --no-cache "
        f"{translate_time:.2f} s = {ratio:.2f}x (bar <= 1.5x: "
        f"{'met' if ratio <= 1.5 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
