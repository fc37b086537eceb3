"""Language codes the assistant uses that spaCy knows under another code.

Norwegian Bokmål is "no" here (the code py3langid detects and data/languages.yml lists) and
"nb" in spaCy. Registering "no" as spaCy's Norwegian, under our code, lets `spacy.blank("no")`,
the stop words and a saved pipeline's `lang` all use the one code, so data files keyed by
language (data/roles/no.yml, responses with `language: no`) are found by it.
"""

from __future__ import annotations

from spacy.lang.nb import Norwegian
from spacy.util import registry


@registry.languages("no")
class NorwegianBokmal(Norwegian):
    """spaCy's Norwegian (Bokmål) tokenizer, stop words and lexical attributes, as "no"."""

    lang = "no"
