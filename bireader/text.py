"""Characters that XML or UTF-8 cannot carry, named once for every reader and writer.

>>> xml_safe("a\\x00b\\x1bc\\ufffe\\td")
'abc\\td'
>>> xml_safe("a\\x00b\\ud800c", "\\ufffd") == "a\\ufffdb\\ufffdc"
True
"""

from __future__ import annotations

from bireader.chardata import LONE_SURROGATE, XML_FORBIDDEN


def xml_safe(text: str, replacement: str = "") -> str:
    """``text`` with every character XML forbids replaced by ``replacement``."""
    return XML_FORBIDDEN.sub(replacement, text)


__all__ = ["LONE_SURROGATE", "XML_FORBIDDEN", "xml_safe"]
