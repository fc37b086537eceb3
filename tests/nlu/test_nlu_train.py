"""Training: fingerprinted model directories, skip when unchanged, retrain on change."""

from __future__ import annotations

from pathlib import Path

import pytest
from nlu_helpers import write_small_dataset

from nlu import Interpreter, NluDataError, TrainResult, train


@pytest.fixture(scope="module")
def trained_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, TrainResult]:
    root = tmp_path_factory.mktemp("train")
    data_dir = write_small_dataset(root / "data")
    return data_dir, root / "models", train(data_dir, root / "models")


def test_train_writes_model_named_by_fingerprint_and_latest_pointer(
    trained_once: tuple[Path, Path, TrainResult],
) -> None:
    _, models_dir, result = trained_once
    assert result.trained
    assert len(result.fingerprint) == 64
    assert result.model_path == models_dir / f"nlu-en-{result.fingerprint[:12]}"
    assert (result.model_path / "config.cfg").is_file()
    latest = (models_dir / "nlu-en.latest").read_text(encoding="utf-8").strip()
    assert latest == result.model_path.name
    assert [p.name for p in models_dir.iterdir() if p.name.startswith(".")] == []


def test_train_skips_when_fingerprint_unchanged(
    trained_once: tuple[Path, Path, TrainResult],
) -> None:
    data_dir, models_dir, first = trained_once
    again = train(data_dir, models_dir)
    assert again == TrainResult(first.model_path, False, first.fingerprint)


def test_train_retrains_when_data_changes_and_when_forced(
    trained_once: tuple[Path, Path, TrainResult], tmp_path: Path
) -> None:
    data_dir, _, first = trained_once
    models_dir = tmp_path / "models"
    changed_dir = write_small_dataset(tmp_path / "data")
    (changed_dir / "extra.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: thank\n  examples: |\n    - thanks\n    - thank you\n',
        encoding="utf-8",
    )
    changed = train(changed_dir, models_dir)
    assert changed.trained
    assert changed.fingerprint != first.fingerprint
    forced = train(changed_dir, models_dir, force=True)
    assert forced.trained and forced.model_path == changed.model_path
    interpreter = Interpreter.load_latest(models_dir, "en")
    assert "thank" in interpreter.intents


def test_train_rejects_invalid_data_before_touching_models(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "bad.yml").write_text("nlu:\n- intent: greet\n", encoding="utf-8")
    with pytest.raises(NluDataError, match="bad.yml"):
        train(data_dir, tmp_path / "models")
    assert not (tmp_path / "models").exists()


def test_train_tells_each_step_then_the_end(tmp_path: Path) -> None:
    data_dir = write_small_dataset(tmp_path / "data")
    steps: list[tuple[str, int, int]] = []
    train(data_dir, tmp_path / "models", on_step=lambda *step: steps.append(step))
    total = steps[0][2]
    assert steps[0] == ("fitting the intent classifier", 0, total)
    assert steps[-2:] == [("saving", total - 1, total), ("trained", total, total)]
    assert [done for _, done, _ in steps] == list(range(total + 1))
    assert {all_ for _, _, all_ in steps} == {total}

    again: list[tuple[str, int, int]] = []
    train(data_dir, tmp_path / "models", on_step=lambda *step: again.append(step))
    assert again == [("unchanged", 1, 1)]
