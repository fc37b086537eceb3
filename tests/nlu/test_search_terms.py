"""The shared search terms: folding, stop words, the language's stemmer, hyphens."""

from __future__ import annotations

from nlu.search_terms import search_terms, search_words, stem


def test_search_terms_stem_inflections_together() -> None:
    assert search_terms("fermented") == search_terms("fermentation") == ["ferment"]
    assert search_terms("Vouchers voucher's") == ["voucher", "voucher"]


def test_search_terms_fold_accents_and_drop_stop_words() -> None:
    assert search_terms("The fish of Skåne and Gdańsk") == ["fish", "skane", "gdansk"]


def test_search_terms_keep_a_hyphenated_word_whole_and_in_parts() -> None:
    assert search_terms("omega-3 oil", min_length=3) == ["omega-3", "omega", "oil"]
    assert search_terms("2021-2027", numbers=False) == ["2021-2027"]


def test_search_words_keep_the_word_each_term_came_from() -> None:
    assert [(w.term, w.word) for w in search_words("Lasers")] == [("laser", "lasers")]


def test_search_terms_take_extra_stop_words_as_words_or_stems() -> None:
    assert search_terms("universities and labs", extra_stop_words={"universiti", "labs"}) == []


def test_stem_follows_the_language_and_leaves_unknown_languages_alone() -> None:
    assert stem("kalastajat", "fi") != "kalastajat"
    assert stem("zivis", "lv") == "zivis"
