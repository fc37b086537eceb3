"""Learning progress: a JSON-able dict that moves through steps, checks, skips and resumes."""

from __future__ import annotations

import json

from actions.content import progress


def test_go_to_clamps_and_marks_the_check_position() -> None:
    start = progress.empty()
    p = progress.go_to(start, "m1", 9, total_steps=3)
    assert progress.current(p) == ("m1", 3)
    assert p["modules"]["m1"]["state"] == progress.AT_CHECK
    assert progress.current(progress.go_to(p, "m1", -1, 3)) == ("m1", 0)
    assert start == progress.empty()  # the argument is never changed


def test_finish_marks_done_and_clears_current() -> None:
    p = progress.finish(progress.go_to(progress.empty(), "m1", 3, 3), "m1", correct=False)
    assert progress.current(p) is None
    assert progress.done_ids(p) == {"m1"}
    assert p["modules"]["m1"]["correct"] is False
    assert progress.resume_position(p, "m1") == 0


def test_resume_position_returns_where_the_sme_stopped() -> None:
    p = progress.go_to(progress.empty(), "m1", 2, 5)
    p = progress.go_to(p, "m2", 0, 4)
    assert progress.resume_position(p, "m1") == 2
    assert progress.resume_position(p, "new") == 0


def test_skip_leaves_the_module_and_next_module_passes_it() -> None:
    p = progress.skip(progress.go_to(progress.empty(), "m2", 1, 3), "m2")
    assert progress.current(p) is None
    assert progress.next_module(p, ["m1", "m2", "m3"], after="m1") == "m3"
    p = progress.finish(p, "m3", True)
    assert progress.next_module(p, ["m1", "m2", "m3"], after="m3") == "m1"
    assert progress.next_module(progress.finish(p, "m1", True), ["m1", "m2", "m3"]) is None


def test_normalise_survives_json_and_rejects_garbage() -> None:
    p = progress.go_to(progress.empty(), "m1", 1, 3)
    assert progress.normalise(json.loads(json.dumps(p))) == p
    for junk in (None, "x", [], {"version": 99}, {"version": 1, "modules": "x"}):
        assert progress.normalise(junk) == progress.empty()
    dangling = {"version": 1, "current": "gone", "position": 2, "modules": {}}
    assert progress.current(progress.normalise(dangling)) is None
