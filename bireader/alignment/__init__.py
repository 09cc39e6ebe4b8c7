"""Align an existing (human) translation with its source: ``align(es_doc, en_doc)``.

The English is compared sentence by sentence with bireader's own machine translation
of the Spanish (Bleualign's idea): :mod:`.similarity` scores candidate links by
character n-grams, :mod:`.anchors` ties sentences by numbers, URLs and names,
:mod:`.dp` finds the best sequence of 1-1, 1-2, 2-1, 2-2, 1-0 and 0-1 links with a
Gale–Church length prior, in a band so long documents stay fast. The result is the
same ``BilingualDocument`` the translation path returns (see ``Pair.link``,
``Pair.confidence`` and ``Pair.unpaired``), so every exporter writes it.
"""

from bireader.alignment.pipeline import ALIGNER, ALIGNER_VERSION, align, align_sentences

__all__ = ["ALIGNER", "ALIGNER_VERSION", "align", "align_sentences"]
