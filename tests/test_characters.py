"""Character sheets: the two shipped ones load, a bad one names its field, a third is a folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from characters.sheet import load_characters, load_sheet
from core.errors import InputError
from core.paths import BOFH_FILE, CHARACTERS_DIR


def test_shipped_sheets_load() -> None:
    characters = load_characters(CHARACTERS_DIR)
    assert list(characters) == ["james", "milo"]
    milo, james = characters["milo"], characters["james"]
    assert milo.is_bot
    assert milo.wears_panel
    assert not james.wears_panel
    assert "cyan piping" in milo.outfits["panel"]
    assert "raccoon" in milo.description
    assert "beard" in james.description
    assert milo.lora_path.name == "milo.safetensors"


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda t: t.replace('weight = 0.9', 'weight = "heavy"'), "lora.weight"),
        (lambda t: t.replace('trigger = "m1l0 raccoon"\n', ""), "trigger"),
        (lambda t: t.replace("default = ", "casual = "), "outfits"),
        (lambda t: "sparkles = true\n" + t, "sparkles"),
    ],
)
def test_bad_sheet_names_the_field(tmp_path: Path, edit, field: str) -> None:
    folder = tmp_path / "milo"
    folder.mkdir()
    text = (CHARACTERS_DIR / "milo" / "character.toml").read_text()
    (folder / "character.toml").write_text(edit(text))
    with pytest.raises(InputError, match=f"field '{field}'"):
        load_sheet(folder / "character.toml")


def test_a_third_character_is_a_folder(tmp_path: Path) -> None:
    shutil.copytree(CHARACTERS_DIR / "milo", tmp_path / "milo")
    shutil.copytree(CHARACTERS_DIR / "james", tmp_path / "james")
    (tmp_path / "cindy").mkdir()
    (tmp_path / "cindy" / "character.toml").write_text(
        'id = "cindy"\nname = "Cindy"\ntrigger = "c1ndy woman"\n'
        'description = "a cartoon woman with long red hair"\n'
        '[outfits]\ndefault = "wearing a green ski jacket"\n[lora]\nfile = "lora/cindy.safetensors"\n'
    )
    from agent.graph import Planner
    from agent.state import SceneRequest
    from core.settings import Settings

    planner = Planner(Settings(_env_file=None, characters_dir=tmp_path))
    plan = planner.plan(SceneRequest(text="Cindy and James skiing", seed=0))
    assert plan.characters == ["cindy", "james"]


def test_bofh_sayings() -> None:
    sayings = [line for line in BOFH_FILE.read_text().splitlines() if line.strip()]
    assert len(sayings) == 36 == len(set(sayings))
    assert all(len(s) <= 32 for s in sayings)
    for must in ("PEBKAC", "RTFM", "Works On My Machine", "It's Not a Bug It's a Feature"):
        assert must in sayings
