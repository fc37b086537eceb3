"""Awareness modules: Markdown files with YAML front matter, parsed, validated and split into steps.

A module file looks like this (see docs/content.md)::

    ---
    id: what_is_s3
    title: What smart specialisation is
    order: 1
    summary: ...
    sources: [https://s3platform.jrc.ec.europa.eu/...]
    country: FI                       # optional, ISO code
    regions:                          # optional, one entry per region step
      - {name: Tampere Region (Pirkanmaa), nuts: [FI197], aliases: [Tampere]}
    check: {question: ..., choices: {a: ..., b: ..., c: ...}, answer: b, explanation: ...}
    ---
    ## First step title
    Text of the step (source: s3platform.jrc.ec.europa.eu).

Steps are separated by `## ` headings or `---` lines, and each must fit a phone screen.

The source rule: every line of prose in a step ends with its citation, ``(source: host; ...)``
(a full stop after it is allowed), and a list ends with one, on its last item or on the line
right after it. A citation names at least one host, and every host it names is in the module's
``sources``. So no sentence of a step stands after its last source, unsourced.
No rasa-sdk here: the actions, the benchmark and the tests share this code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlu.entities.text import fold
from nlu.yaml_reader import YamlFileError, parse_yaml

MAX_STEP_CHARS = 600
CHOICE_LETTERS = ("a", "b", "c")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.S)
_ID = re.compile(r"^[a-z][a-z0-9_]{1,48}$")
_CITED = re.compile(r"\(sources?: ([^)]*)\)")
_DOMAIN = re.compile(r"\b((?:[a-z0-9-]+\.)+[a-z]{2,})\b")
_ENDS_CITED = re.compile(r"\(sources?: [^)]*\)\.?$")
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s")
_QUOTE_CHARS = 60  # how much of an unsourced line a problem quotes
_REQUIRED = ("id", "title", "order", "summary", "sources", "check")
_OPTIONAL = ("country", "regions", "offers")


class ModuleError(ValueError):
    """A module file that cannot be used; the message names the file and the problem."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(frozen=True)
class Check:
    """The one-question check at the end of a module."""

    question: str
    choices: tuple[tuple[str, str], ...]
    answer: str
    explanation: str

    def choice_text(self, letter: str) -> str:
        """The text of choice `letter`, or an empty string."""
        return dict(self.choices).get(letter, "")


@dataclass(frozen=True)
class Region:
    """A region a country module has a step about, and the ways a profile may name it."""

    name: str
    nuts: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    def matches(self, value: str) -> bool:
        """Whether a `region` slot value (a NUTS code or a name) means this region."""
        code = value.strip().upper()
        if any(code.startswith(nuts) or nuts.startswith(code) for nuts in self.nuts if code):
            return len(code) >= 3
        folded = fold(value.strip())
        return folded in {fold(n.strip()) for n in (self.name, *self.aliases)}


@dataclass(frozen=True)
class Step:
    """One chat-sized screen of a module; `region` names the region it is about, if any."""

    title: str
    body: str
    region: str | None = None

    @property
    def text(self) -> str:
        """The step as shown: title line and body."""
        return f"{self.title}\n{self.body}" if self.title else self.body


@dataclass(frozen=True)
class Module:
    """A learning module: metadata from the front matter and its steps in file order."""

    id: str
    title: str
    order: int
    summary: str
    sources: tuple[str, ...]
    check: Check
    steps: tuple[Step, ...]
    path: str
    country: str | None = None
    regions: tuple[Region, ...] = ()
    #: Intents of the journeys a question answered from this module leads to
    #: (``check_voucher``, ``find_partners``): offered as buttons, never started unasked.
    offers: tuple[str, ...] = ()

    def region_for(self, country: str | None, region: str | None) -> Region | None:
        """The module's region that the SME's `region` slot names, if any."""
        if not region or (country and self.country and country.upper() != self.country):
            return None
        return next((r for r in self.regions if r.matches(region)), None)

    def steps_for(self, country: str | None = None, region: str | None = None) -> list[Step]:
        """Steps in the order an SME sees them: its own region's step right after the intro."""
        own = self.region_for(country, region)
        if own is None:
            return list(self.steps)
        general = [s for s in self.steps if s.region is None]
        mine = [s for s in self.steps if s.region == own.name]
        others = [s for s in self.steps if s.region not in (None, own.name)]
        return general[:1] + mine + general[1:] + others


def split_steps(body: str) -> list[tuple[str, str]]:
    """Split a module body into (title, text) pairs at `## ` headings and `---` lines."""
    steps: list[tuple[str, str]] = []
    title, lines = "", []  # type: tuple[str, list[str]]
    for line in body.splitlines():
        if line.startswith("## ") or line.strip() == "---":
            if "\n".join(lines).strip():
                steps.append((title, "\n".join(lines).strip()))
            title, lines = (line[3:].strip() if line.startswith("## ") else ""), []
        else:
            lines.append(line)
    if "\n".join(lines).strip() or title:
        steps.append((title, "\n".join(lines).strip()))
    return steps


def parse_module(text: str, path: str) -> Module:
    """Parse and validate one module file's text.

    Raises:
        ModuleError: naming `path` and the first problem found.
    """
    match = _FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if not match:
        raise ModuleError(path, "the file must start with YAML front matter between '---' lines")
    try:
        meta = parse_yaml(match.group(1), path)
    except YamlFileError as error:
        raise ModuleError(path, f"the front matter: {error.problem}") from None
    if not isinstance(meta, dict):
        raise ModuleError(path, "the front matter must be a mapping")
    _check_keys(meta, path)
    regions = _parse_regions(meta.get("regions"), path)
    steps = _parse_steps(match.group(2), regions, path)
    module = Module(
        id=_text(meta, "id", path),
        title=_text(meta, "title", path),
        order=_order(meta, path),
        summary=_text(meta, "summary", path),
        sources=_sources(meta, path),
        check=_parse_check(meta.get("check"), path),
        steps=tuple(steps),
        path=path,
        country=str(meta["country"]).upper() if meta.get("country") else None,
        regions=regions,
        offers=_offers(meta.get("offers"), path),
    )
    if not _ID.match(module.id):
        raise ModuleError(path, f"id '{module.id}' must be snake_case letters, digits and _")
    _check_citations(module)
    return module


def _offers(value: Any, path: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and _ID.match(v) for v in value):
        raise ModuleError(path, "'offers' must be a list of intent names")
    return tuple(value)


def _check_keys(meta: dict[str, Any], path: str) -> None:
    missing = [key for key in _REQUIRED if key not in meta]
    if missing:
        raise ModuleError(path, f"missing front-matter key(s): {', '.join(missing)}")
    unknown = sorted(set(meta) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise ModuleError(path, f"unknown front-matter key(s): {', '.join(unknown)}")


def _text(meta: dict[str, Any], key: str, path: str) -> str:
    value = meta.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ModuleError(path, f"'{key}' must be a non-empty text")
    return " ".join(value.split())


def _order(meta: dict[str, Any], path: str) -> int:
    value = meta.get("order")
    if isinstance(value, bool) or not isinstance(value, int):
        raise ModuleError(path, "'order' must be a whole number")
    return value


def _sources(meta: dict[str, Any], path: str) -> tuple[str, ...]:
    value = meta.get("sources")
    if not isinstance(value, list) or not value:
        raise ModuleError(path, "'sources' must be a non-empty list of URLs")
    for url in value:
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ModuleError(path, f"source {url!r} is not an http(s) URL")
    return tuple(value)


def _parse_check(value: Any, path: str) -> Check:
    if not isinstance(value, dict):
        raise ModuleError(path, "'check' must have question, choices, answer and explanation")
    choices = value.get("choices")
    if not isinstance(choices, dict) or sorted(map(str, choices)) != list(CHOICE_LETTERS):
        raise ModuleError(path, "check 'choices' must have exactly the keys a, b and c")
    answer = str(value.get("answer", "")).strip().lower()
    if answer not in CHOICE_LETTERS:
        raise ModuleError(path, f"check 'answer' must be a, b or c, not {value.get('answer')!r}")
    parts = {k: value.get(k) for k in ("question", "explanation")}
    for key, text in parts.items():
        if not isinstance(text, str) or not text.strip():
            raise ModuleError(path, f"check '{key}' must be a non-empty text")
    return Check(
        question=" ".join(str(parts["question"]).split()),
        choices=tuple((k, " ".join(str(choices[k]).split())) for k in CHOICE_LETTERS),
        answer=answer,
        explanation=" ".join(str(parts["explanation"]).split()),
    )


def _parse_regions(value: Any, path: str) -> tuple[Region, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ModuleError(path, "'regions' must be a list")
    regions = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ModuleError(path, f"region {item!r} needs a 'name'")
        nuts = tuple(str(code).upper() for code in item.get("nuts") or [])
        aliases = tuple(str(alias) for alias in item.get("aliases") or [])
        regions.append(Region(item["name"], nuts, aliases))
    return tuple(regions)


def _parse_steps(body: str, regions: tuple[Region, ...], path: str) -> list[Step]:
    names = {r.name for r in regions}
    steps = []
    for number, (title, text) in enumerate(split_steps(body), start=1):
        step = Step(title, text, title if title in names else None)
        if not text:
            raise ModuleError(path, f"step {number} ('{title}') is empty")
        if len(step.text) > MAX_STEP_CHARS:
            raise ModuleError(
                path,
                f"step {number} ('{title}') has {len(step.text)} characters, "
                f"more than {MAX_STEP_CHARS}: split it",
            )
        steps.append(step)
    if not steps:
        raise ModuleError(path, "the module has no steps")
    missing = names - {s.region for s in steps}
    if missing:
        raise ModuleError(path, f"no step titled like region(s): {', '.join(sorted(missing))}")
    return steps


def _check_citations(module: Module) -> None:
    """The source rule (module docstring): each step's facts end with a citation of a host
    among the module's sources."""
    known = " ".join(module.sources).lower()
    for number, step in enumerate(module.steps, start=1):
        where = f"step {number} ('{step.title}')"
        cited = _CITED.findall(step.body)
        if not cited:
            raise ModuleError(module.path, f"{where} cites no source")
        for citation in cited:
            domains = _DOMAIN.findall(citation.lower())
            if not domains:
                raise ModuleError(module.path, f"{where} cites '{citation}', which names no host")
            for domain in domains:
                if domain.removeprefix("www.") not in known:
                    raise ModuleError(
                        module.path, f"{where} cites {domain}, which is not in 'sources'"
                    )
        unsourced = uncited_lines(step.body)
        if unsourced:
            quoted = unsourced[0][:_QUOTE_CHARS]
            raise ModuleError(
                module.path, f"{where} states facts without a source at its end: '{quoted}...'"
            )


def uncited_lines(body: str) -> list[str]:
    """Lines of prose that do not end with a citation, and last items of lists without one.

    A list is cited by its last item or by a citation line right after it, so a citation
    at the end of a list covers its items.
    """
    found: list[str] = []
    open_item: str | None = None  # the last item of the current list, while it lacks a citation
    for line in [*body.splitlines(), ""]:
        text = line.strip()
        cited = bool(_ENDS_CITED.search(text))
        if _LIST_ITEM.match(text):
            open_item = None if cited else text
            continue
        if open_item is not None and not cited:
            found.append(open_item)
        open_item = None
        if text and not cited:
            found.append(text)
    return found


def load_modules(directory: Path) -> list[Module]:
    """Every module under `directory` (`*.md`), in `order`.

    Raises:
        ModuleError: for the first broken file, or two modules with the same id or order.
    """
    modules = [parse_module(p.read_text(encoding="utf-8"), str(p)) for p in _files(directory)]
    _check_unique(modules)
    return sorted(modules, key=lambda m: (m.order, m.id))


def validate_modules(directory: Path) -> list[str]:
    """Every problem of every module file, as 'file: problem' lines; [] when all are valid."""
    problems, modules = [], []
    for path in _files(directory):
        try:
            modules.append(parse_module(path.read_text(encoding="utf-8"), str(path)))
        except ModuleError as error:
            problems.append(str(error))
    try:
        _check_unique(modules)
    except ModuleError as error:
        problems.append(str(error))
    return problems


def _files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise ModuleError(str(directory), "no such content directory")
    return sorted(directory.glob("*.md"))


def _check_unique(modules: list[Module]) -> None:
    seen: dict[str, str] = {}
    for module in modules:
        for key in (f"id {module.id}", f"order {module.order}"):
            if key in seen:
                raise ModuleError(module.path, f"{key} is also used by {seen[key]}")
            seen[key] = module.path
