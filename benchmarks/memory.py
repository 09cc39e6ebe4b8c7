"""bireader's own memory at the input cap: read -> translate -> HTML + JSON + TMX.

Issue 9's bar: exporting 5 MB of ``Sí. `` x 1 M (one million one-word sentences) to
HTML, JSON and TMX peaks under 1 GiB RSS, and peak RSS grows linearly with the
number of sentences. Each size runs in a fresh subprocess: read the text, translate
it with a fast test-double engine (the point is bireader's memory, not an engine's;
no cache), then write the three files, noting the peak RSS after each stage. The
baseline is the process after its imports; the report gives the peak above it per
sentence, whose steadiness across 10 k / 100 k / 1 M is the linearity check.

    .venv/bin/python benchmarks/memory.py [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GIB = 1024**3
SENTENCE = "Sí. "


def _peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def child(count: int, directory: Path) -> dict[str, object]:
    import bireader
    from bireader.model import Provenance

    class Echo:
        """A fast test-double engine: every sentence upper-cased."""

        name = "echo"

        def translate_batch(self, sentences: list[str]) -> list[str]:
            return [s.upper() for s in sentences]

        def provenance(self) -> Provenance:
            return Provenance("echo", "1")

        def close(self) -> None:
            pass

    source = directory / "article.txt"
    source.write_text(SENTENCE * count, encoding="utf-8")
    stages: dict[str, int] = {"imports": _peak()}
    started = time.perf_counter()
    document = bireader.read(source)
    stages["read"] = _peak()
    bi = bireader.translate(document, engine=Echo(), cache=False)
    stages["translate"] = _peak()
    assert len(bi.pairs) == count, (len(bi.pairs), count)
    del document
    for suffix in ("html", "json", "tmx"):
        bireader.export(bi, directory / f"out.{suffix}")
        stages[suffix] = _peak()
    return {
        "count": count,
        "input_bytes": source.stat().st_size,
        "stages": stages,
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(child(args.child, Path(tmp))))
        return
    print(f"{'sentences':>10} {'input':>8} {'peak RSS':>10} {'above imports':>14} "
          f"{'per sentence':>13} {'time':>7}  peak after each stage (MiB)")
    rows = []
    for count in (int(n) for n in args.sizes.split(",")):
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(count)],
            capture_output=True, text=True, check=True,
        )
        row = json.loads(out.stdout.strip().splitlines()[-1])
        stages = row["stages"]
        peak = max(stages.values())
        above = peak - stages["imports"]
        rows.append((count, peak, above))
        stage_text = " ".join(f"{k}={v / 2**20:.0f}" for k, v in stages.items())
        print(f"{count:>10,} {row['input_bytes'] / 2**20:>6.1f}MB {peak / 2**20:>8.0f}MB "
              f"{above / 2**20:>12.0f}MB {above / count:>11.0f} B {row['seconds']:>6.1f}s  "
              f"{stage_text}")
    if len(rows) > 1:
        small, large = rows[0], rows[-1]
        ratio = (large[2] / large[0]) / max(small[2] / small[0], 1)
        print(f"per-sentence cost, largest / smallest size: {ratio:.2f} (1.0 = linear; "
              "the smallest is inflated by fixed costs)")
    biggest = rows[-1]
    verdict = "under" if biggest[1] < GIB else "OVER"
    print(f"bar: {biggest[0]:,} sentences peak {biggest[1] / GIB:.2f} GiB, {verdict} 1 GiB")


if __name__ == "__main__":
    main()
