"""Characters that XML or UTF-8 cannot carry, named once for every reader and writer.

>>> xml_safe("a\\x00b\\x1bc\\ufffe\\td")
'abc\\td'
>>> xml_safe("a\\x00b\\ud800c", "\\ufffd") == "a\\ufffdb\\ufffdc"
True
"""

from __future__ import annotations

import re

XML_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""A character no XML 1.0 document may hold: C0 controls but tab, LF and CR, lone
surrogates, U+FFFE and U+FFFF."""

LONE_SURROGATE = re.compile("[\ud800-\udfff]")
"""A lone surrogate: a ``str`` may hold one, UTF-8 cannot encode it."""


def xml_safe(text: str, replacement: str = "") -> str:
    """``text`` with every character XML forbids replaced by ``replacement``."""
    return XML_FORBIDDEN.sub(replacement, text)


__all__ = ["LONE_SURROGATE", "XML_FORBIDDEN", "xml_safe"]
