"""Web pages: how much of the article, and nothing else, each HTML reader keeps.

On the saved news pages of tests/data/pages (boilerplate inside and around <article>;
gold sentences written by hand, see its README), for bireader's lxml reader alone
(``web=False``, the fallback), the same reader without its removal of chrome inside the
article ("before": bireader until then), and with trafilatura's main-content extraction
(``bireader[web]``): sentence precision and recall of the kept text against the gold,
per page and over all pages, with the time per page.

    .venv/bin/python benchmarks/reading.py
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from unittest import mock

from bireader.reading import html
from bireader.reading.html import parse_html
from bireader.segment import segment_document
from bireader.testing import extraction_scores

PAGES = Path(__file__).resolve().parents[1] / "tests" / "data" / "pages"
READERS = (("before", False, False), ("lxml", False, True), ("trafilatura", True, True))


def kept_sentences(page: str, *, web: bool, chrome: bool = True) -> list[str]:
    """The sentences bireader keeps; ``chrome=False`` skips the removal of site chrome
    inside the article (the reader as it was before it, the baseline)."""
    if chrome:
        document = parse_html(page, web=web)
    else:
        with mock.patch.object(html, "_prune", lambda container: None):
            document = parse_html(page, web=False)
    return [sentence.text for sentence in segment_document(document).sentences()]


def main() -> None:
    gold = json.loads((PAGES / "gold.json").read_text("utf-8"))
    totals: dict[str, list[float]] = {}
    print(f"{'page':<24} {'reader':<12} {'precision':>9} {'recall':>7} {'ms':>7}")
    for name, truth in gold.items():
        page = (PAGES / name).read_text("utf-8")
        for label, web, chrome in READERS:
            start = time.perf_counter()
            kept = kept_sentences(page, web=web, chrome=chrome)
            elapsed = (time.perf_counter() - start) * 1000
            precision, recall = extraction_scores(kept, truth["article"], truth["neutral"])
            totals.setdefault(label, []).extend([precision, recall])
            print(f"{name:<24} {label:<12} {precision:>9.3f} {recall:>7.3f} {elapsed:>7.1f}")
    print()
    for label, values in totals.items():
        precision = sum(values[0::2]) / len(values[0::2])
        recall = sum(values[1::2]) / len(values[1::2])
        print(f"mean over {len(values) // 2} pages, {label:<12} P {precision:.3f}  R {recall:.3f}")


if __name__ == "__main__":
    main()
