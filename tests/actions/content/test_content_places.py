"""Places in questions lead to their module and step; a place alone does not make an answer."""

from __future__ import annotations

import pytest

from actions.content import content_dir, index_for
from actions.content.retrieval import ContentIndex


@pytest.fixture(scope="module")
def index() -> ContentIndex:
    return index_for(content_dir("en"))


@pytest.mark.parametrize(
    ("question", "module", "region"),
    [
        ("what are the strengths of the Trondheim area", "s3_norway", "Trøndelag"),
        ("which fields does Skane focus on?", "s3_sweden", "Skåne"),
        ("pomorskie - what do they prioritise", "s3_poland", "Pomorskie"),
        ("Bodø priorities?", "s3_norway", "Nordland"),
    ],
)
def test_region_named_without_its_country_selects_the_regions_step(
    index: ContentIndex, question: str, module: str, region: str
) -> None:
    hit = index.answer(question)
    assert hit is not None, question
    assert (hit.passage.module_id, hit.passage.region) == (module, region)


def test_country_named_alone_with_s3_words_gets_the_country_module(index: ContentIndex) -> None:
    for question, module in {
        "latvian smart specialisation areas?": "s3_latvia",
        "does Denmark have a RIS3": "s3_denmark",
        "Tartu, what is the focus there": "s3_estonia",
    }.items():
        hit = index.answer(question)
        assert hit is not None and hit.passage.module_id == module, question


def test_place_does_not_answer_a_question_the_modules_do_not_cover(index: ContentIndex) -> None:
    assert index.answer("what is the income tax in Lithuania") is None
    assert index.answer("nice restaurants in Tampere?") is None


def test_a_step_about_the_topic_beats_the_country_module(index: ContentIndex) -> None:
    hit = index.answer("how big is the Estonian innovation voucher")
    assert hit is not None and hit.passage.module_id == "innovation_vouchers"


def test_my_region_is_the_profiles_region(index: ContentIndex) -> None:
    hit = index.answer("what does our region focus on?", country="PL", region="PL63")
    assert hit is not None
    assert (hit.passage.module_id, hit.passage.region) == ("s3_poland", "Pomorskie")


def test_a_typo_in_a_long_word_still_finds_the_step(index: ContentIndex) -> None:
    hit = index.answer("how does the entreprenurial discovery proces work")
    assert hit is not None and hit.passage.module_id == "entrepreneurial_discovery"
