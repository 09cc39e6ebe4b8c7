from __future__ import annotations

import random
import signal
import string
from collections.abc import Iterator

import pytest

from bireader.translation import guard

# (label, source, target, expected flags)
CASES: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("clean", "El alcalde habló ayer.", "The mayor spoke yesterday.", ()),
    ("clean short", "Sí.", "Yes.", ()),
    ("clean numbers", "Obtuvo 1.512 votos.", "He got 1,512 votes.", ()),
    ("clean copy of a name", "Villanueva del Río", "Villanueva del Río", ()),
    ("clean url", "Véase https://www.example.es/a", "See https://www.example.es/a", ()),
    (
        "runaway glued subword (es->en 1.9)",
        "La corriente principal del partido.",
        "The mainstremainstremainstremainstremainstre",
        (guard.REPETITION,),
    ),
    ("repeated word", "Dijo que no.", "He said that that that that.", (guard.REPETITION,)),
    (
        "repeated trigram",
        "La casa del pueblo.",
        "the house of the house of the house of",
        (guard.REPETITION,),
    ),
    ("repetition mirrored in source", "¡Ja, ja, ja, ja!", "Ha, ha, ha, ha!", ()),
    ("bpe marks", "La casa grande.", "The big hou@@ se.", (guard.SUBWORD,)),
    ("sentencepiece marks", "La casa grande.", "\u2581The \u2581big house.", (guard.SUBWORD,)),
    ("empty", "La casa grande.", "", (guard.EMPTY,)),
    ("blank", "La casa grande.", " \n", (guard.EMPTY,)),
    ("empty source", "", "", ()),
    (
        "far too long",
        "Hola.",
        "Hello, and welcome to a sentence that says much more than its source ever did.",
        (guard.TOO_LONG,),
    ),
    (
        "addresses are not words",
        "http://www.udistrital.edu.co - relinter@udistrital.edu.co",
        "http://www.udistrital.edu.co - relinter@udistrital.edu.co",
        (),
    ),
    (
        "untranslated",
        "Los colegios electorales abrieron a las nueve.",
        "Los colegios electorales abrieron a las nueve.",
        (guard.UNTRANSLATED,),
    ),
]


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_check(source: str, target: str, expected: tuple[str, ...]) -> None:
    assert guard.check(source, target) == expected


def test_flags_come_in_fixed_order() -> None:
    flags = guard.check("Hola.", "Hel@@ lo hel@@ lo hel@@ lo hel@@ lo hel@@ lo")
    assert list(flags) == [f for f in guard.FLAGS if f in flags]
    assert len(flags) >= 2


def test_every_flag_has_a_check() -> None:
    assert set(guard.CHECKS) == set(guard.FLAGS)


def test_checks_are_pure() -> None:
    source, target = "El perro duerme.", "mainstremainstremainstre"
    assert guard.check(source, target) == guard.check(source, target)
    assert (source, target) == ("El perro duerme.", "mainstremainstremainstre")


def test_too_long_threshold_is_adjustable() -> None:
    assert not guard.too_long("Hola.", "Hello there, friend.")
    assert guard.too_long("Hola.", "Hello there, friend.", ratio=1.0, slack=0)


@pytest.fixture
def alarm() -> Iterator[None]:
    """Fail (rather than hang for minutes) if the test runs past a generous bound."""
    if not hasattr(signal, "SIGALRM"):
        pytest.skip("needs SIGALRM to bound a run that would hang")

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError("the guard did not finish within 60 s: superlinear scan")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _letters(count: int, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(count))


@pytest.mark.usefixtures("alarm")
def test_long_runs_of_letters_finish() -> None:
    """A 200,000-letter run took hours when every position tried every unit length."""
    text = _letters(200_000, 1)
    assert guard.check(text, text) == ()  # one "word": too short to call untranslated
    dotted = ".".join(text[i : i + 3] for i in range(0, len(text), 3))  # a URL/mail look-alike
    assert guard.check(dotted, dotted) == (guard.UNTRANSLATED,)
    mails = "a@" * 50_000  # an address could start at every "a"
    assert guard.check("Hola.", mails) == (guard.REPETITION, guard.TOO_LONG)


def _square_free(count: int) -> str:
    """A word over "abc" with no factor ``uu`` (so no glued repetition at all).

    Built from the Thue-Morse sequence t: letter n is "abc"[t(n+1) - t(n) + 1].
    """
    bits = [bin(n).count("1") % 2 for n in range(count + 1)]
    return "".join("abc"[bits[n + 1] - bits[n] + 1] for n in range(count))


@pytest.mark.usefixtures("alarm")
def test_glued_repetition_is_still_found_deep_in_a_long_run() -> None:
    clean = _square_free(150_000)
    assert not guard.repetition("Hola.", clean)
    assert guard.repetition("Hola.", clean + "mainstre" * 3)
    assert guard.repetition("Hola.", clean[:75_000] + "zz" * 3 + clean[75_000:])
    assert not guard.repetition(clean + "mainstre" * 3, clean + "mainstre" * 3)


@pytest.mark.parametrize(
    "name",
    [
        "Pedro Sánchez Pérez-Castejón",
        "Universidad Complutense de Madrid",
        "Real Madrid - FC Barcelona",
        "Banco Santander S. A.",
    ],
)
def test_a_proper_name_copied_unchanged_is_not_untranslated(name: str) -> None:
    """Captions, bylines and institutions read the same in English."""
    assert guard.check(name, name) == ()
