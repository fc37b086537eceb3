"""The voucher verdict and introductions through the real agent, typed as users type."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from actions.matching import seed_demo_directory
from bot.dialogue.agent import Agent
from bot.dialogue.messages import BotMessage, UserMessage
from bot.storage import crud, make_engine, session
from bot.storage.models_partners import IntroductionRequest

AQUACULTURE = (
    "We're a 12-person company in Turku building aquaculture equipmnet, about 1.5 million "
    "euros turnover, looking for a Swedish university to test our feeding system"
)
REST_OF_PROFILE = ["Baltic Fish Tech Oy", "/skip", "/deny", "2021", "/skip", "/deny"]
SERVICE = [
    "EUR 8,000",
    '/inform{"service_type": "testing_validation"}',
    '/inform{"provider_type": "university"}',
    "sweden",
    *["no", "none", "no", "no"],
]


async def _say(agent: Agent, text: str, sender: str) -> list[BotMessage]:
    return await agent.handle(UserMessage(sender_id=sender, text=text))


def _texts(replies: list[BotMessage]) -> str:
    return "\n".join(r.text or "" for r in replies)


async def _slots(agent: Agent, sender: str) -> dict[str, Any]:
    state = await agent.tracker_state(sender)
    assert state is not None
    return dict(state["slots"])


async def _profile(agent: Agent, sender: str, goal: str = "/check_voucher") -> str:
    """The profile form answered; the summary it ends with."""
    for text in [goal, AQUACULTURE, *REST_OF_PROFILE]:
        replies = await _say(agent, text, sender)
    return _texts(replies)


async def test_sector_guess_is_confirmed_before_it_fails_the_verdict(agent: Agent) -> None:
    summary = await _profile(agent, "g1")
    assert "Main activity: fishing and aquaculture (NACE A03)" in summary
    asked = _texts(await _say(agent, "/affirm", "g1"))
    assert asked.endswith(
        "I understood your company's main activity as fishing and aquaculture (NACE A03)."
        " Is that right?"
    )
    assert "Verdict" not in asked  # no conclusion on a guess
    replies = await _say(agent, "yes thats right", "g1")
    verdict = _texts(replies)
    assert "Verdict by the demo rules" in verdict and "not eligible" in verdict
    assert "Size class: small enterprise." in verdict
    assert "fishing and aquaculture (NACE A03), is excluded" in verdict
    assert "would pay" not in verdict  # no amount on a failed verdict
    assert "A03" not in _texts(replies[-1:])  # the partner offer, no codes
    assert (await _slots(agent, "g1"))["confirmed_facts"] == ["nace_code=A03"]


async def test_rejected_sector_guess_is_asked_again_then_the_service(agent: Agent) -> None:
    await _profile(agent, "g2")
    await _say(agent, "/affirm", "g2")
    replies = await _say(agent, "nope thats wrong", "g2")
    [question] = replies
    assert "main activity best" in (question.text or "")
    assert "Manufacturing and machinery" in [b.title for b in question.buttons]
    replies = await _say(agent, "we make machinery", "g2")
    assert "cost, without VAT" in _texts(replies)  # on to the service facts
    for text in SERVICE:
        replies = await _say(agent, text, "g2")
    verdict = _texts(replies)
    assert "Verdict by the demo rules" in verdict and ": eligible." in verdict
    assert "the demo voucher would pay EUR 6,400" in verdict
    assert "not an official scheme" in verdict
    # Founded in 2021: Business Finland's voucher is for companies under five years old.
    assert "check the founding date" in verdict or "do not fit your company" in verdict
    slots = await _slots(agent, "g2")
    assert (slots["nace_code"], slots["sector"]) == ("C28", "Manufacturing and machinery")


async def test_introduction_asks_the_contact_and_says_what_is_shared(
    agent: Agent, database_url: str
) -> None:
    engine = make_engine(database_url)
    seed_demo_directory(engine)
    await _profile(agent, "i1", goal="/find_partners")
    suggestions = await _say(agent, "/affirm", "i1")
    assert any((r.text or "").startswith("1.") for r in suggestions)
    asked = _texts(await _say(agent, "introduce me to number 2", "i1"))
    assert "contact person's name" in asked
    answer = _texts(await _say(agent, "what exactly do you send them?", "i1"))
    assert "Company: Baltic Fish Tech Oy" in answer and "Country: Finland" in answer
    assert "Nothing else" in answer
    assert answer.endswith('for example "Aino Virtanen, aino@company.fi".')  # the form goes on
    assert (await _slots(agent, "i1"))["contact_name"] is None  # the question was not a name
    await _say(agent, "Aino Virtanen", "i1")
    retry = _texts(await _say(agent, "aino at balticfish dot fi", "i1"))
    assert "does not look like an e-mail address" in retry
    consent = _texts(await _say(agent, "Aino@BalticFish.fi", "i1"))
    assert "Contact: Aino Virtanen, Aino@balticfish.fi" in consent
    assert "What you seek: looking for a Swedish university" in consent
    with session(engine) as db:
        assert db.exec(select(IntroductionRequest)).all() == []  # nothing before consent
    done = _texts(await _say(agent, "yes pass them on", "i1"))
    assert "they can contact Aino Virtanen at Aino@balticfish.fi" in done
    with session(engine) as db:
        [stored] = db.exec(select(IntroductionRequest)).all()
        assert (stored.contact_name, stored.contact_email) == (
            "Aino Virtanen",
            "Aino@balticfish.fi",
        )
        assert stored.shared is not None and stored.shared["company_name"] == "Baltic Fish Tech Oy"
        crud.delete_sender_data(session=db, sender_id="i1")
    with session(engine) as db:
        assert db.exec(select(IntroductionRequest)).all() == []
    engine.dispose()
