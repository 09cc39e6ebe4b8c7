"""Characters that XML, UTF-8 or a terminal cannot carry, named once for every reader and writer.

>>> xml_safe("a\\x00b\\x1bc\\ufffe\\td")
'abc\\td'
>>> xml_safe("a\\x00b\\ud800c", "\\ufffd") == "a\\ufffdb\\ufffdc"
True
"""

from __future__ import annotations

import re

from bireader.chardata import LONE_SURROGATE, TERMINAL_UNSAFE, XML_FORBIDDEN


def printable(text: str) -> str:
    r"""``text`` safe to show on one terminal or log line: each unsafe character escaped.

    What bireader prints from a file (a model's code, a file name, a parser's message)
    passes through here, at the CLI's output boundary.

    >>> printable("es\x1b]0;pwned\x07\nok \u202eevil")
    'es\\x1b]0;pwned\\x07\\nok \\u202eevil'
    """
    return TERMINAL_UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code == 0x0A:
        return "\\n"
    if code == 0x0D:
        return "\\r"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def xml_safe(text: str, replacement: str = "") -> str:
    """``text`` with every character XML forbids replaced by ``replacement``."""
    return XML_FORBIDDEN.sub(replacement, text)


__all__ = ["LONE_SURROGATE", "TERMINAL_UNSAFE", "XML_FORBIDDEN", "printable", "xml_safe"]
