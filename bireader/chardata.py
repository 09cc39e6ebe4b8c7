"""Character classes, named once for every reader, segmenter, engine and writer.

Like ftfy's ``chardata``: the classes here are data, the code that uses them lives in
its own module. Each class is a string of characters (for ``str.translate``, ``in`` and
building other patterns) or a compiled pattern.

>>> is_space("\\u200b"), is_space("a")
(True, False)
>>> XML_FORBIDDEN.sub("", "a\\x00b\\x1bc\\ufffe\\td")
'abc\\td'
>>> [m.group() for m in ADDRESS.finditer("Ver https://x.es/a, o a@b.es.")]
['https://x.es/a', 'a@b.es']
"""

from __future__ import annotations

import re
from typing import Final

INVISIBLE: Final = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
"""Invisible format characters that copy-paste leaves in text (soft hyphen, zero-width
space, non-joiner, joiner, word joiner, byte order mark): trimmed like whitespace around
blocks and sentences, so a line holding only these is blank."""

LINE_BREAKS: Final = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
"""Every character that ends a line (``str.splitlines``' set): LF, CR, VT, FF, the
information separators FS/GS/RS, NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR."""

UNICODE_LINE_BREAKS: Final = "\x85\u2028\u2029"
"""The line breaks beyond ASCII (NEL, LS, PS): the reader turns them into LF."""

XML_FORBIDDEN: Final = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""A character no XML 1.0 document may hold: C0 controls but tab, LF and CR, lone
surrogates, U+FFFE and U+FFFF."""

CONTROL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""What the reader removes from input text: ``XML_FORBIDDEN`` less CR (already a line
end there), plus DEL and the C1 controls. One positive class, a quarter of the cost of
a negated class with an alternation (a test checks it against ``XML_FORBIDDEN``)."""

TERMINAL_UNSAFE: Final = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f"
    "\ufeff\ufff9-\ufffb\ud800-\udfff]"
)
"""A character that acts on a terminal or a log line instead of showing: C0 and C1
controls but tab (ESC starts a terminal command, CR/LF forge lines), bidi and other
invisible format characters (U+202E reverses what follows), line and paragraph
separators, lone surrogates. ``bireader.text.printable`` escapes them."""

LONE_SURROGATE: Final = re.compile("[\ud800-\udfff]")
"""A lone surrogate: a ``str`` may hold one, UTF-8 cannot encode it."""

ADDRESS: Final = re.compile(
    r"(?i:(?<![\w+.-])(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>«»“”\"]*[^\s<>«»“”\".,;:!?)\]]"
    r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
)
"""A URL (any scheme, or ``www.``) or an e-mail address: the same in every language, so
engines pass it through and the guard does not count it as words. Trailing punctuation
is not part of it (the pattern carries its own ``(?i:...)``, so it can be
embedded in others). Each alternative may start only where a run of its characters starts
(the lookbehinds), so a long run without ``://`` or ``@`` is scanned once."""


def is_space(char: str) -> bool:
    """Whitespace (``str.isspace``: NBSP included) or an ``INVISIBLE`` character."""
    return char.isspace() or char in INVISIBLE


__all__ = [
    "ADDRESS",
    "CONTROL",
    "INVISIBLE",
    "LINE_BREAKS",
    "LONE_SURROGATE",
    "TERMINAL_UNSAFE",
    "UNICODE_LINE_BREAKS",
    "XML_FORBIDDEN",
    "is_space",
]
