"""The learning dialogue: module menu, steps, check questions, resuming, and free questions.

Sentences live in the domain (data/domain/content.yml) and button titles in
data/content/<lang>/ui.yml; modules come from data/content/<lang>/. Progress is a JSON-able dict
in the `learning_progress` slot (see `actions.content.progress`), so it lives in the event log and
carries over to later sessions.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.content import content_dir, progress
from actions.content.modules import CHOICE_LETTERS, Module, load_modules
from actions.content.retrieval import index_for
from nlu.yaml_reader import read_yaml

PROGRESS_SLOT = "learning_progress"
STEP_ACTIONS = ("action_show_module_step", "action_resume_learning")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_LETTER = re.compile(r"(?<![\w'])([abcABC])(?![\w'])")
Button = dict[str, str]


@lru_cache(maxsize=8)
def _modules(directory: Path) -> tuple[Module, ...]:
    return tuple(load_modules(directory))


@lru_cache(maxsize=8)
def _ui(directory: Path) -> dict[str, str]:
    path = directory / "ui.yml"
    if not path.is_file():
        path = content_dir("en") / "ui.yml"
    return {str(k): str(v) for k, v in (read_yaml(path) or {}).items()}


class _Learning:
    """What one content action needs from the tracker: modules, profile, progress, replies."""

    def __init__(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        self.dispatcher, self.tracker, self.domain = dispatcher, tracker, domain
        self.directory = content_dir(tracker.get_slot("language"))
        self.modules = {m.id: m for m in _modules(self.directory)}
        self.order = list(self.modules)
        self.ui = _ui(self.directory)
        self.country = _as_text(tracker.get_slot("country"))
        self.region = _as_text(tracker.get_slot("region"))
        self.progress = progress.normalise(tracker.get_slot(PROGRESS_SLOT))
        self.intent = (tracker.latest_message.get("intent") or {}).get("name")

    # --- replies -------------------------------------------------------------------------
    def note_other_language(self) -> None:
        """Say that what follows is in another language, when the conversation's language has
        no modules of its own (content_dir fell back to the default language's)."""
        language = self.tracker.get_slot("language")
        if language and self.directory.name != language:
            self.dispatcher.utter_message(response="utter_content_in_other_language")

    def say(self, response: str, buttons: list[Button] | None = None, **values: Any) -> None:
        """Send a domain response; with code-built buttons the text is rendered here."""
        if not buttons:
            self.dispatcher.utter_message(response=response, **values)
            return
        variation = self._variation(response)
        text = _fill(str(variation.get("text", "")), {**self.tracker.slots, **values})
        own = [dict(b) for b in variation.get("buttons") or []]
        self.dispatcher.utter_message(text=text, buttons=own + buttons)

    def _variation(self, response: str) -> dict[str, Any]:
        """The variation the engine would say (bot/dialogue/responses.py): of those whose
        conditions hold, one that names the conversation's language first; else a plain one."""
        variations = (self.domain.get("responses") or {}).get(response) or [{}]
        holding = [
            v
            for v in variations
            if v.get("condition")
            and all(self.tracker.get_slot(c.get("name")) == c.get("value") for c in v["condition"])
        ]
        if holding:
            names_language = [
                v for v in holding if any(c.get("name") == "language" for c in v["condition"])
            ]
            return dict((names_language or holding)[0])
        return dict(next((v for v in variations if not v.get("condition")), variations[0]))

    def button(self, key: str, payload: str, **values: Any) -> Button:
        """A button whose title comes from ui.yml."""
        return {"title": _fill(self.ui.get(key, key), values), "payload": payload}

    # --- modules and steps ---------------------------------------------------------------
    def ordered_modules(self) -> list[Module]:
        """Modules in menu order: the SME's own country module first."""
        own = [m for m in self.modules.values() if self.country and m.country == self.country]
        return own + [m for m in self.modules.values() if m not in own]

    def steps(self, module: Module) -> list[Any]:
        """The module's steps in the order this SME sees them."""
        return module.steps_for(self.country, self.region)

    def show_menu(self, lead: str | None = None) -> None:
        """The module list, done ones marked."""
        if lead:
            self.say(lead)
        done = progress.done_ids(self.progress)
        buttons = [
            self.button(
                "done_mark" if m.id in done else "open_module",
                _start_payload(m.id),
                title=m.title,
            )
            for m in self.ordered_modules()
        ]
        self.say("utter_learning_menu", buttons, done=len(done), total=len(self.modules))

    def show(self, module: Module, position: int) -> None:
        """Step `position` of a module, or its check question after the last step."""
        steps = self.steps(module)
        self.progress = progress.go_to(self.progress, module.id, position, len(steps))
        position = self.progress["position"]
        if position < len(steps):
            self.say(
                "utter_module_step",
                module_title=module.title,
                number=position + 1,
                total=len(steps),
                step_text=steps[position].text,
            )
            return
        buttons = [
            self.button(
                "check_choice",
                f"/answer_check{json.dumps({'check_choice': letter})}",
                letter=letter,
                text=text,
            )
            for letter, text in module.check.choices
        ]
        self.say(
            "utter_module_check", buttons, module_title=module.title, question=module.check.question
        )

    def offer_next(self, after: str) -> None:
        """Offer the next unfinished module, or say that all are done."""
        following = progress.next_module(self.progress, self.order, after)
        if following is None:
            self.say("utter_all_modules_done", total=len(self.modules))
            return
        module = self.modules[following]
        self.say(
            "utter_next_module",
            [
                self.button("start_module", _start_payload(module.id), title=module.title),
                self.button("all_modules", "/show_learning_menu"),
            ],
            module_title=module.title,
            summary=module.summary,
        )

    def latest_entity(self, name: str) -> str | None:
        """The first value of an entity in the latest message."""
        value = next(self.tracker.get_latest_entity_values(name), None)
        return None if value is None else str(value)

    def came_from_a_step(self) -> bool:
        """Whether the previous bot action showed a module step (so 'next' means next)."""
        for event in reversed(self.tracker.events[:-1] if self.tracker.events else []):
            if event.get("event") == "action" and event.get("name") not in (
                "action_listen",
                "action_session_start",
                None,
            ):
                return event.get("name") in STEP_ACTIONS
            if event.get("event") == "session_started":
                return False
        return False

    def events(self) -> list[EventType]:
        """The progress slot, set to its new value."""
        return [SlotSet(PROGRESS_SLOT, self.progress)]


class ActionShowLearningMenu(Action):
    """Lists the learning modules, the SME's country first, finished ones marked."""

    def name(self) -> str:
        """Show the learning menu."""
        return "action_show_learning_menu"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Send the menu."""
        learning = _Learning(dispatcher, tracker, domain)
        learning.note_other_language()
        learning.show_menu()
        return []


class ActionShowModuleStep(Action):
    """Opens a module, or moves back in it, or skips it, depending on the latest intent."""

    def name(self) -> str:
        """Show a module step."""
        return "action_show_module_step"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Open, go back, skip or advance, then save the progress."""
        learning = _Learning(dispatcher, tracker, domain)
        if learning.intent == "start_module":
            _open(learning)
            return learning.events()
        where = progress.current(learning.progress)
        module = learning.modules.get(where[0]) if where else None
        if module is None or where is None:
            learning.show_menu("utter_nothing_to_resume")
            return learning.events()
        if learning.intent == "skip_module":
            learning.progress = progress.skip(learning.progress, module.id)
            learning.say("utter_module_skipped", module_title=module.title)
            learning.offer_next(module.id)
        elif learning.intent == "go_back":
            learning.show(module, where[1] - 1)
        else:
            learning.show(module, where[1] + 1)
        return learning.events()


def _open(learning: _Learning) -> None:
    module_id = learning.latest_entity("module_id") or learning.tracker.get_slot("module_id")
    module = learning.modules.get(str(module_id))
    if module is None:
        learning.show_menu("utter_module_not_found")
        return
    wanted = learning.latest_entity("module_step")
    if wanted is not None and wanted.isdigit():
        learning.show(module, int(wanted))
    else:
        learning.show(module, progress.resume_position(learning.progress, module.id))


class ActionResumeLearning(Action):
    """Goes on where the SME stopped: the next step of the current module, or the menu."""

    def name(self) -> str:
        """Continue learning."""
        return "action_resume_learning"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Show the next step (with a reminder after a break), the check, or the menu."""
        learning = _Learning(dispatcher, tracker, domain)
        where = progress.current(learning.progress)
        module = learning.modules.get(where[0]) if where else None
        if module is None or where is None:
            learning.show_menu("utter_nothing_to_resume")
            return learning.events()
        if not learning.came_from_a_step():
            learning.say("utter_resume_learning", module_title=module.title)
        learning.show(module, where[1] + 1)
        return learning.events()


class ActionCheckAnswer(Action):
    """Says whether the check answer is right, explains it, and offers the next module."""

    def name(self) -> str:
        """Check the answer."""
        return "action_check_answer"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Mark the module done and offer what comes next."""
        learning = _Learning(dispatcher, tracker, domain)
        where = progress.current(learning.progress)
        module = learning.modules.get(where[0]) if where else None
        if module is None or where is None or where[1] < len(learning.steps(module)):
            learning.show_menu("utter_no_check_waiting")
            return [*learning.events(), SlotSet("check_choice", None)]
        choice = learning.latest_entity("check_choice") or _letter_in(
            str(tracker.latest_message.get("text") or "")
        )
        choice = (choice or "").strip().lower()[:1]
        if choice not in CHOICE_LETTERS:
            learning.show(module, where[1])
            return learning.events()
        check = module.check
        if choice == check.answer:
            learning.say("utter_check_right", explanation=check.explanation)
        else:
            learning.say(
                "utter_check_wrong",
                answer=check.answer,
                answer_text=check.choice_text(check.answer).rstrip("."),
                explanation=check.explanation,
            )
        learning.progress = progress.finish(learning.progress, module.id, choice == check.answer)
        learning.offer_next(module.id)
        return [*learning.events(), SlotSet("check_choice", None)]


class ActionAnswerQuestion(Action):
    """Answers a free question with the best module step, or offers a person.

    A question about vouchers or partners is answered, and the journey it leads to is offered
    as a button (the module's `offers`): asking how vouchers work is not asking to be checked.
    Outside a form only, so a question in the middle of the profile goes back to the form.
    """

    def name(self) -> str:
        """Answer a question from the content."""
        return "action_answer_question"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Find the passage; name its module and offer to open it there."""
        learning = _Learning(dispatcher, tracker, domain)
        text = str(tracker.latest_message.get("text") or "").strip()
        if not text or text.startswith("/"):
            learning.say("utter_ask_your_question")
            return []
        hit = index_for(learning.directory).answer(
            text, country=learning.country, region=learning.region
        )
        if hit is None:
            learning.say("utter_content_no_answer")
            return []
        learning.note_other_language()
        module = learning.modules[hit.passage.module_id]
        position = learning.steps(module).index(module.steps[hit.passage.step])
        buttons = [
            learning.button("open_step", _start_payload(module.id, position)),
        ]
        if not tracker.active_loop.get("name"):  # in a form, the form's question comes next
            buttons = [
                learning.button(f"offer_{intent}", f"/{intent}") for intent in module.offers
            ] + buttons
        where = progress.current(learning.progress)
        if where and where[0] in learning.modules:
            title = learning.modules[where[0]].title
            buttons.append(learning.button("continue_module", "/continue_learning", title=title))
        learning.say(
            "utter_content_answer",
            buttons,
            module_title=module.title,
            number=position + 1,
            step_text=module.steps[hit.passage.step].text,
        )
        return []


def _letter_in(text: str) -> str | None:
    """The one choice letter a typed answer names ("I think it's b"), if exactly one."""
    letters = {m.lower() for m in _LETTER.findall(text)}
    return letters.pop() if len(letters) == 1 else None


def _start_payload(module_id: str, step: int | None = None) -> str:
    entities: dict[str, str] = {"module_id": module_id}
    if step is not None:
        entities["module_step"] = str(step)
    return f"/start_module{json.dumps(entities, ensure_ascii=False)}"


def _fill(text: str, values: dict[str, Any]) -> str:
    def replace(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        return match.group(0) if value is None else str(value)

    return _PLACEHOLDER.sub(replace, text)


def _as_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value).strip() if value not in (None, "") else None
