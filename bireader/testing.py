"""Support for tests and benchmarks: random-weight Argos packages, and offline Chromium.

No Argos model can be downloaded on a build machine without internet, so tests and
benchmarks build their own ``.argosmodel``: the same layout as a real package
(a zip of one directory holding ``metadata.json``, a CTranslate2 ``model/`` and a
``sentencepiece.model``), with a SentencePiece model trained on Spanish texts and a
Transformer whose weights are random. Its "translations" are nonsense English-looking
pieces, but they go through the real code path and are deterministic: the same
seed gives the same package and the same output.

Sizes:

``"tiny"``
    2+2 layers, d_model 64, 4 heads, FFN 128, float32, vocabulary = whatever the
    corpus gives (about 260 pieces for ``texts/``); builds in well under a second.
``"base"``
    The size of a real Argos es->en model (Transformer-base): 6+6 layers,
    d_model 512, 8 heads, FFN 2048, vocabulary 32,000, int8 weights. The corpus
    only yields a few hundred real pieces, so the vocabulary is padded to 32,000
    with synthetic pieces (low score, so they never win when encoding real text,
    but the decoder's output layer has the full 32k rows). Builds in a few seconds.

``CHROMIUM`` and ``CHROMIUM_ARGS`` say how the browser tests, the page benchmark and
the screenshot script start Debian's Chromium with no network to reach.

This module is not used by the library itself.
"""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from bireader.translation.models import ArgosPackage, install_from_file

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's Chromium (``apt-get install chromium``); Playwright's own download is not used."""
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    # Without these Chromium keeps trying to reach Google's hosts on a closed network.
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)

Size = Literal["tiny", "base"]


@dataclass(frozen=True, slots=True)
class _Shape:
    layers: int
    d_model: int
    heads: int
    ffn: int
    vocab: int | None  # None: as many pieces as the corpus yields
    quantization: str


SHAPES: dict[str, _Shape] = {
    "tiny": _Shape(layers=2, d_model=64, heads=4, ffn=128, vocab=None, quantization="float32"),
    "base": _Shape(layers=6, d_model=512, heads=8, ffn=2048, vocab=32_000, quantization="int8"),
}

_FALLBACK_CORPUS = (
    "El gobierno anunció el miércoles un nuevo plan para reducir el precio de la vivienda. "
    "Según fuentes oficiales, la medida entrará en vigor el próximo año.\n"
    "Los vecinos, sin embargo, dudan de que cambie algo: «Llevamos años esperando», dijo uno."
)


def default_corpus() -> tuple[Path, ...]:
    """``texts/*.es.txt`` of a source checkout (empty when installed as a wheel)."""
    texts = Path(__file__).resolve().parents[1] / "texts"
    return tuple(sorted(texts.glob("*.es.txt")))


def _corpus_text(corpus_paths: Iterable[Path | str] | None) -> str:
    paths = tuple(corpus_paths) if corpus_paths is not None else default_corpus()
    text = "\n".join(Path(p).read_text(encoding="utf-8") for p in paths)
    return text if text.strip() else _FALLBACK_CORPUS


def _train_sentencepiece(text: str, vocab_size: int | None) -> bytes:
    import sentencepiece as spm

    lines = [line.strip() for line in text.splitlines() if line.strip()]
    model = io.BytesIO()
    # One thread and a fixed seed sentence count: the trained model must not vary.
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        model_type="unigram",
        vocab_size=vocab_size or 8000,
        hard_vocab_limit=False,
        character_coverage=1.0,
        num_threads=1,
        minloglevel=2,
    )
    return model.getvalue()


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _pad_vocabulary(proto: bytes, existing: Sequence[str], size: int, seed: int) -> bytes:
    """Append synthetic NORMAL pieces to a serialized ModelProto until it has ``size``.

    Repeated protobuf fields may be appended by concatenation, so this needs no
    protobuf library: each piece is field 1 holding {1: piece, 2: score}.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    onsets = [*"bcdfghjklmnprstvwz", "br", "ch", "cl", "pl", "st", "tr"]
    vowels = [*"aeiou", "ai", "ea", "ou"]
    seen = set(existing)
    extra = bytearray()
    count = len(existing)
    while count < size:
        syllables = int(rng.integers(1, 4))
        word = "".join(
            onsets[int(rng.integers(len(onsets)))] + vowels[int(rng.integers(len(vowels)))]
            for _ in range(syllables)
        )
        piece = ("▁" + word) if rng.random() < 0.6 else word
        if piece in seen:
            continue
        seen.add(piece)
        raw = piece.encode("utf-8")
        body = b"\x0a" + _varint(len(raw)) + raw + b"\x15" + struct.pack("<f", -50.0 - count * 1e-4)
        extra += b"\x0a" + _varint(len(body)) + body
        count += 1
    return proto + bytes(extra)


def _random_spec(shape: _Shape, vocab_size: int, seed: int) -> Any:
    import ctranslate2
    import numpy as np
    from ctranslate2.specs import model_spec

    spec = ctranslate2.specs.TransformerSpec.from_config(shape.layers, shape.heads)
    rng = np.random.default_rng(seed)
    d, ff = shape.d_model, shape.ffn

    def normal(rows: int, cols: int) -> Any:
        return rng.standard_normal((rows, cols), dtype=np.float32) / np.float32(np.sqrt(cols))

    def weight_shape(scope: str) -> tuple[int, int]:
        parts = scope.split("/")
        layer = parts[-1]
        if "embeddings" in parts[-1] or parts[-1] in ("projection",):
            return vocab_size, d
        if parts[-2] == "ffn":
            return (ff, d) if layer == "linear_0" else (d, ff)
        if parts[-2] == "self_attention":
            return (3 * d, d) if layer == "linear_0" else (d, d)
        if parts[-2] == "attention":
            return (2 * d, d) if layer == "linear_1" else (d, d)
        raise ValueError(f"unexpected weight {scope}")

    def fill(layer: Any, name: str, value: Any) -> None:
        scope, _, attr = name.rpartition("/")
        if attr == "weight" and value is None:
            setattr(layer, attr, normal(*weight_shape(scope)))
        elif attr == "bias" and isinstance(value, str) and value == model_spec.OPTIONAL:
            rows, _ = weight_shape(scope)
            setattr(layer, attr, rng.standard_normal(rows, dtype=np.float32) * np.float32(0.02))
        elif attr == "gamma" and value is None:
            setattr(layer, attr, np.ones(d, dtype=np.float32))
        elif attr == "beta" and value is None:
            setattr(layer, attr, np.zeros(d, dtype=np.float32))

    model_spec.visit_spec(spec, fill)
    return spec


def build_random_argos_package(
    dest_dir: Path | str,
    *,
    size: Size = "tiny",
    corpus_paths: Iterable[Path | str] | None = None,
    seed: int = 0,
    from_code: str = "es",
    to_code: str = "en",
) -> Path:
    """Build a random-weight ``.argosmodel`` in ``dest_dir`` and return its path.

    For tests and benchmarks only: the output is nonsense, but deterministic for a
    given ``seed``. The SentencePiece model is trained on ``corpus_paths``
    (default: ``texts/*.es.txt`` of the checkout).
    """
    import sentencepiece as spm

    if size not in SHAPES:
        raise ValueError(f"size must be one of {sorted(SHAPES)}, not {size!r}")
    shape = SHAPES[size]
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)

    sp_proto = _train_sentencepiece(_corpus_text(corpus_paths), shape.vocab)
    sp = spm.SentencePieceProcessor(model_proto=sp_proto)
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    if shape.vocab is not None and len(pieces) < shape.vocab:
        sp_proto = _pad_vocabulary(sp_proto, pieces, shape.vocab, seed)
        sp = spm.SentencePieceProcessor(model_proto=sp_proto)
        pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]

    spec = _random_spec(shape, len(pieces), seed)
    # SentencePiece's <unk>, <s>, </s> are CTranslate2's default special tokens.
    spec.register_source_vocabulary(pieces)
    spec.register_target_vocabulary(pieces)
    spec.validate()
    spec.optimize(quantization=shape.quantization)

    code = f"translate-{from_code}_{to_code}-random-{size}"
    top = f"{code}-s{seed}"
    metadata = {
        "package_version": f"1.0+random.{size}.s{seed}",
        "argos_version": "1.9.0",
        "from_code": from_code,
        "from_name": "Spanish" if from_code == "es" else from_code,
        "to_code": to_code,
        "to_name": "English" if to_code == "en" else to_code,
        "code": code,
        "type": "translate",
    }
    readme = (
        f"# {code}\n\nRandom-weight {size} Transformer built by bireader.testing for tests "
        "and benchmarks. Its output is nonsense.\n"
    )

    import tempfile

    with tempfile.TemporaryDirectory(prefix="bireader-argos-") as tmp:
        model_dir = Path(tmp) / "model"
        model_dir.mkdir()
        spec.save(str(model_dir))
        out = dest / f"{top}.argosmodel"
        partial = out.with_suffix(".argosmodel.part")
        with zipfile.ZipFile(partial, "w") as archive:
            deflated = zipfile.ZIP_DEFLATED
            archive.writestr(f"{top}/metadata.json", json.dumps(metadata, indent=2), deflated)
            archive.writestr(f"{top}/README.md", readme, deflated)
            archive.writestr(f"{top}/sentencepiece.model", sp_proto, deflated)
            for file in sorted(model_dir.iterdir()):
                # Random int8 weights do not compress; storing them keeps builds fast.
                method = zipfile.ZIP_STORED if file.name == "model.bin" else deflated
                archive.write(file, f"{top}/model/{file.name}", method)
        partial.replace(out)
    return out


def install_package_file(path: Path | str, packages_dir: Path | str) -> ArgosPackage:
    """Install a ``.argosmodel`` into ``packages_dir`` (see :func:`install_from_file`)."""
    return install_from_file(Path(path), Path(packages_dir))


# Whitespace and the invisible characters that count as whitespace between sentences.
_SPACE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\u00ad]+")


def _ends(text: str, sentences: list[str]) -> set[int]:
    """Sentence ends (but the last) as counts of non-space characters, robust to respacing."""
    ends, seen = set(), 0
    for sentence in sentences[:-1]:
        seen += len(_SPACE.sub("", sentence))
        ends.add(seen)
    return ends


def _norm_space(sentence: str) -> str:
    return _SPACE.sub(" ", sentence).strip()


def segmentation_scores(
    split: Callable[[str], Sequence[str]], cases: Iterable[Mapping[str, Any]]
) -> tuple[float, float]:
    """Micro-averaged boundary F1 and the share of cases whose sentences all match the gold.

    ``cases`` hold ``text`` and gold ``sentences`` (``../shared/data``'s shape). Ends are
    counted in non-space characters, so any splitter can be scored, spaced as it likes;
    the measure under which the published pySBD, blingfire and Moses figures were taken.

    >>> segmentation_scores(str.split, [{"text": "Uno. Dos.", "sentences": ["Uno.", "Dos."]}])
    (1.0, 1.0)
    """
    tp = fp = fn = exact = 0
    cases = list(cases)
    for case in cases:
        gold = [s for s in case["sentences"] if s.strip()]
        predicted = [s for s in split(case["text"]) if s.strip()]
        gold_ends, predicted_ends = _ends(case["text"], gold), _ends(case["text"], predicted)
        tp += len(gold_ends & predicted_ends)
        fp += len(predicted_ends - gold_ends)
        fn += len(gold_ends - predicted_ends)
        exact += [_norm_space(s) for s in predicted] == [_norm_space(s) for s in gold]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, exact / len(cases)


def synthetic_corpus(
    directory: Path | str,
    *,
    count: int = 200,
    seed: int = 0,
    low: int = 5,
    high: int = 40,
    folders: int = 10,
    texts: Iterable[Path | str] | None = None,
) -> list[Path]:
    """Write ``count`` Spanish articles of ``low``..``high`` sentences made from ``texts/``.

    Each article is a run of consecutive sentences of the sample texts (wrapping
    around), in paragraphs of three to five, spread over ``folders`` subfolders; the
    same seed gives the same files. For ``bireader batch`` tests and benchmarks.
    """
    import random

    from bireader.reading import read

    paths = texts or default_corpus()
    sentences = [s.text for path in paths for s in read(Path(path)).sentences()]
    rng = random.Random(seed)
    root = Path(directory)
    written: list[Path] = []
    for number in range(count):
        size = rng.randint(low, high)
        start = rng.randrange(len(sentences))
        picked = [sentences[(start + i) % len(sentences)] for i in range(size)]
        paragraphs: list[str] = []
        while picked:
            take = rng.randint(3, 5)
            paragraphs.append(" ".join(picked[:take]))
            picked = picked[take:]
        path = root / f"seccion-{number % folders:02d}" / f"articulo-{number:04d}.es.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
        written.append(path)
    return written


def extraction_scores(
    kept: Iterable[str], article: Sequence[str], neutral: Sequence[str] = ()
) -> tuple[float, float]:
    """Sentence precision and recall of the text an extractor kept from a page.

    ``article`` holds the gold sentences; a kept sentence that full-matches a ``neutral``
    pattern (a byline, a photo caption) counts neither way. Spaces are normalized.

    >>> extraction_scores(["Hola.", "Publicidad", "Por Ana"], ["Hola.", "Adiós."], ["Por .*"])
    (0.5, 0.5)
    """
    gold = {_norm_space(s) for s in article}
    patterns = [re.compile(p) for p in neutral]
    counted = [
        s for s in map(_norm_space, kept) if s and not any(p.fullmatch(s) for p in patterns)
    ]
    hits = len(set(counted) & gold)
    precision = sum(s in gold for s in counted) / len(counted) if counted else 1.0
    recall = hits / len(gold) if gold else 1.0
    return precision, recall


# --- other layouts: a BPE Argos package, an OPUS-MT release, a CTranslate2 directory ----------


def _moses_lines(text: str, lang: str = "es") -> list[str]:
    from sacremoses import MosesPunctNormalizer, MosesTokenizer

    normalizer, tokenizer = MosesPunctNormalizer(lang), MosesTokenizer(lang)
    return [
        " ".join(tokenizer.tokenize(normalizer.normalize(line)))
        for line in text.splitlines() if line.strip()
    ]


def build_random_bpe_argos_package(
    dest_dir: Path | str,
    *,
    corpus_paths: Iterable[Path | str] | None = None,
    seed: int = 0,
    merges: int = 400,
) -> Path:
    """A tiny random-weight Argos package with subword-nmt BPE codes (``bpe.model``).

    The codes are learned on the Moses-tokenized corpus; the vocabulary is every BPE
    unit the corpus yields (plus ``<unk>``, ``<s>``, ``</s>``). Needs sacremoses and
    subword-nmt (the ``bpe`` extra).
    """
    import tempfile

    from subword_nmt.apply_bpe import BPE
    from subword_nmt.learn_bpe import learn_bpe

    shape = SHAPES["tiny"]
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    lines = _moses_lines(_corpus_text(corpus_paths))
    codes = io.StringIO()
    learn_bpe(io.StringIO("\n".join(lines) + "\n"), codes, merges, min_frequency=2)
    codes_text = codes.getvalue()
    bpe = BPE(io.StringIO(codes_text))
    units: dict[str, None] = {}
    for line in lines:
        for unit in bpe.segment_tokens(line.split()):
            units.setdefault(unit, None)
    vocabulary = ["<unk>", "<s>", "</s>", *units]
    spec = _random_spec(shape, len(vocabulary), seed)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization=shape.quantization)
    code = "translate-es_en-random-bpe"
    top = f"{code}-s{seed}"
    metadata = {
        "package_version": f"1.0+random.bpe.s{seed}", "argos_version": "1.0",
        "from_code": "es", "from_name": "Spanish", "to_code": "en", "to_name": "English",
        "code": code, "type": "translate",
    }
    with tempfile.TemporaryDirectory(prefix="bireader-bpe-") as tmp:
        model_dir = Path(tmp) / "model"
        model_dir.mkdir()
        spec.save(str(model_dir))
        out = dest / f"{top}.argosmodel"
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{top}/metadata.json", json.dumps(metadata, indent=2))
            archive.writestr(f"{top}/bpe.model", codes_text)
            for file in sorted(model_dir.iterdir()):
                archive.write(file, f"{top}/model/{file.name}")
    return out


def _marian_vocab_yml(tokens: Sequence[str]) -> str:
    """Marian's ``vocab.yml``: one ``"token": id`` line each, JSON-quoted."""
    return "".join(
        f"{json.dumps(token, ensure_ascii=False)}: {index}\n" for index, token in enumerate(tokens)
    )


def _marian_npz(
    path: Path, *, layers: int, d_model: int, heads: int, ffn: int, vocab: int, seed: int
) -> None:
    """A random Marian Transformer ``.npz`` (post-norm, tied embeddings, swish) with its
    config in ``special:model.yml``, the way Marian saves one."""
    import numpy as np

    rng = np.random.default_rng(seed)
    config = (
        "type: transformer\n"
        f"enc-depth: {layers}\ndec-depth: {layers}\n"
        f"transformer-heads: {heads}\ndim-emb: {d_model}\ntransformer-dim-ffn: {ffn}\n"
        "transformer-ffn-activation: swish\n"
        "transformer-preprocess: ''\ntransformer-postprocess: dan\n"
        "transformer-postprocess-emb: d\n"
        "transformer-decoder-autoreg: self-attention\n"
        "transformer-no-projection: false\n"
        "transformer-guided-alignment-layer: last\n"
        "tied-embeddings-all: true\n"
    )

    def normal(*shape: int) -> Any:
        return (rng.standard_normal(shape, dtype=np.float32) / np.float32(np.sqrt(shape[0])))

    def small(*shape: int) -> Any:
        return rng.standard_normal(shape, dtype=np.float32) * np.float32(0.02)

    weights: dict[str, Any] = {
        "Wemb": normal(vocab, d_model),
        "decoder_ff_logit_out_b": small(1, vocab),
        "special:model.yml": np.frombuffer(config.encode() + b"\x00", dtype=np.int8),
    }

    def attention(scope: str) -> None:
        for part in "qkvo":
            weights[f"{scope}_W{part}"] = normal(d_model, d_model)
            weights[f"{scope}_b{part}"] = small(1, d_model)
        weights[f"{scope}_Wo_ln_scale"] = np.ones((1, d_model), dtype=np.float32)
        weights[f"{scope}_Wo_ln_bias"] = np.zeros((1, d_model), dtype=np.float32)

    def feed_forward(scope: str) -> None:
        weights[f"{scope}_W1"] = normal(d_model, ffn)
        weights[f"{scope}_b1"] = small(1, ffn)
        weights[f"{scope}_W2"] = normal(ffn, d_model)
        weights[f"{scope}_b2"] = small(1, d_model)
        weights[f"{scope}_ffn_ln_scale"] = np.ones((1, d_model), dtype=np.float32)
        weights[f"{scope}_ffn_ln_bias"] = np.zeros((1, d_model), dtype=np.float32)

    for i in range(1, layers + 1):
        attention(f"encoder_l{i}_self")
        feed_forward(f"encoder_l{i}_ffn")
        attention(f"decoder_l{i}_self")
        attention(f"decoder_l{i}_context")
        feed_forward(f"decoder_l{i}_ffn")
    np.savez(path, **weights)


def build_random_opus_mt_release(
    dest_dir: Path | str,
    *,
    size: Size = "tiny",
    corpus_paths: Iterable[Path | str] | None = None,
    seed: int = 0,
    readme: str | None = None,
    name: str = "opus-2020-08-18.zip",
) -> Path:
    """A random-weight OPUS-MT release zip: ``decoder.yml``, a Marian ``.npz``,
    ``opus.spm32k-spm32k.vocab.yml``, ``source.spm``, ``target.spm`` and a README
    naming spa -> eng, laid out as the Tatoeba-MT releases are.

    ``size="base"`` is the size of the real spa-eng model (6+6 layers, d_model 512,
    8 heads, FFN 2048) with a 32,000-token vocabulary.
    """
    import sentencepiece as spm

    shape = SHAPES[size]
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    sp_proto = _train_sentencepiece(_corpus_text(corpus_paths), None)
    sp = spm.SentencePieceProcessor(model_proto=sp_proto)
    pieces = [sp.id_to_piece(i) for i in range(3, sp.get_piece_size())]  # no <unk> <s> </s>
    tokens = ["</s>", "<unk>", *pieces]
    if shape.vocab is not None:
        tokens += [f"\u2581x{n}" for n in range(shape.vocab - len(tokens))]
    stem = "opus.spm32k-spm32k"
    decoder = (
        f"models:\n  - {stem}.transformer-align.model1.npz.best-perplexity.npz\n"
        f"vocabs:\n  - {stem}.vocab.yml\n  - {stem}.vocab.yml\n"
        "beam-size: 4\nnormalize: 0.6\nword-penalty: 0\nmini-batch: 16\nmaxi-batch: 100\n"
        "maxi-batch-sort: src\nrelative-paths: true\n"
    )
    text = readme if readme is not None else (
        f"# {name}\n\n* dataset: opus\n* model: transformer-align\n"
        "* source language(s): spa\n* target language(s): eng\n"
        "* pre-processing: normalization + SentencePiece (spm32k,spm32k)\n"
        "* random weights, built by bireader.testing: the output is nonsense\n"
    )
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bireader-opus-") as tmp:
        npz = Path(tmp) / f"{stem}.transformer-align.model1.npz.best-perplexity.npz"
        _marian_npz(npz, layers=shape.layers, d_model=shape.d_model, heads=shape.heads,
                    ffn=shape.ffn, vocab=len(tokens), seed=seed)
        out = dest / name
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("decoder.yml", decoder)
            archive.writestr(f"{stem}.vocab.yml", _marian_vocab_yml(tokens))
            archive.writestr("source.spm", sp_proto)
            archive.writestr("target.spm", sp_proto)
            archive.writestr("README.md", text)
            archive.writestr("LICENSE", "random weights, no license needed\n")
            archive.write(npz, npz.name, zipfile.ZIP_STORED)
    return out


def build_random_ct2_dir(dest_dir: Path | str, *, seed: int = 0) -> Path:
    """A pre-converted CTranslate2 OPUS-MT directory as model hubs publish them:
    ``model.bin``, ``config.json``, ``shared_vocabulary.json``, ``source.spm``,
    ``target.spm`` and a ``tokenizer_config.json`` naming the languages."""
    import tempfile

    from ctranslate2.converters import OpusMTConverter

    dest = Path(dest_dir)
    with tempfile.TemporaryDirectory(prefix="bireader-ct2-") as tmp:
        release = build_random_opus_mt_release(tmp, seed=seed)
        unpacked = Path(tmp) / "release"
        with zipfile.ZipFile(release) as archive:
            archive.extractall(unpacked)
        out = dest / f"opus-mt-es-en-ct2-random-s{seed}"
        OpusMTConverter(str(unpacked)).convert(str(out), quantization="int8", force=True)
        for name in ("source.spm", "target.spm"):
            (out / name).write_bytes((unpacked / name).read_bytes())
        (out / "tokenizer_config.json").write_text(
            json.dumps({"source_lang": "es", "target_lang": "en"}), encoding="utf-8"
        )
    return out
