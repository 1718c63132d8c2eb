"""requirements.lock, the tested versions: it pins every package pyproject.toml names (so a
dependency added without `scripts/lock` fails here), within pyproject's ranges; this venv runs
the locked versions; and what scripts/cartoon installs for each command stays light."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib
from importlib import metadata
from importlib.machinery import SourceFileLoader
from pathlib import Path
from types import ModuleType

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"
# What was tested (issue 14): the GPU stack the code was reviewed and run against.
TESTED = {"torch": "2.14.1", "torchvision": "0.29.1", "diffusers": "0.42.1", "peft": "0.21.2"}


def load_script(name: str, path: Path) -> ModuleType:
    """A script of scripts/ as a module (`scripts/lock` has no .py suffix)."""
    loader = SourceFileLoader(name, str(path))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(name, loader))
    loader.exec_module(module)
    return module


lock_script = load_script("lock_script", ROOT / "scripts" / "lock")
needs = load_script("needs", ROOT / "scripts" / "needs.py")


def pins() -> dict[str, str]:
    return lock_script.read_lock(LOCK)


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_every_requirement_of_pyproject_is_pinned_within_its_range() -> None:
    locked = pins()
    data = project()
    lines = data["dependencies"] + [r for extra in data["optional-dependencies"].values() for r in extra]
    for line in lines:
        req = Requirement(line)
        name = canonicalize_name(req.name)
        assert name in locked, f"{req.name} is in pyproject.toml but not in requirements.lock: run scripts/lock"
        assert req.specifier.contains(locked[name], prereleases=True), (line, locked[name])


def test_the_check_catches_a_dependency_added_without_refreshing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert lock_script.check() == []
    text = (ROOT / "pyproject.toml").read_text().replace('"tqdm>=4.66",', '"tqdm>=4.66",\n    "rapidfuzz-not-locked>=3",')
    fake = tmp_path / "pyproject.toml"
    fake.write_text(text)
    (tmp_path / "requirements.lock").write_text(LOCK.read_text())
    monkeypatch.setattr(lock_script, "ROOT", tmp_path)
    monkeypatch.setattr(lock_script, "LOCK", tmp_path / "requirements.lock")
    assert lock_script.check() == [
        "pyproject.toml names rapidfuzz-not-locked but requirements.lock does not pin it"
    ]
    # and as the command CI and the lead run: exit 1, the line on stderr
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "lock").write_text((ROOT / "scripts" / "lock").read_text())
    done = subprocess.run([sys.executable, str(tmp_path / "scripts" / "lock"), "--check"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1
    assert "rapidfuzz-not-locked but requirements.lock does not pin it; run scripts/lock" in done.stderr


def test_a_pin_outside_pyproject_range_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    (tmp_path / "requirements.lock").write_text(LOCK.read_text().replace(f"diffusers=={pins()['diffusers']}", "diffusers==0.35.2"))
    monkeypatch.setattr(lock_script, "ROOT", tmp_path)
    monkeypatch.setattr(lock_script, "LOCK", tmp_path / "requirements.lock")
    [problem] = lock_script.check()
    assert "diffusers==0.35.2, outside pyproject.toml's 'diffusers>=0.40'" in problem


def test_the_tested_versions_are_locked_and_installed_here() -> None:
    locked = pins()
    for name, version in TESTED.items():
        assert locked[name] == version, name
    # diffusers' from_pretrained(dtype=) exists from 0.40 on; older ones load FLUX in fp32.
    assert Requirement(next(r for r in project()["optional-dependencies"]["gpu"] if r.startswith("diffusers"))).specifier.contains("0.40.0")
    assert not Requirement(next(r for r in project()["optional-dependencies"]["gpu"] if r.startswith("diffusers"))).specifier.contains("0.39.0")
    drift = []
    for name, version in locked.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # an extra this venv did not install
        if installed.split("+")[0] != version:
            drift.append(f"{name} {installed} (lock {version})")
    assert drift == [], "this venv is not at the locked versions; run scripts/setup-venv"


def test_the_lock_leaves_torch_cuda_runtime_to_torch() -> None:
    # torch pins its nvidia-*/triton wheels per platform: the lock must not fight the
    # arm64 (cu130 index) build with the x86_64 ones.
    locked = pins()
    assert not [n for n in locked if lock_script.TORCH_RUNTIME.match(n)]
    assert "nvidia-ml-py" in locked  # a plain dependency (ultralytics), any platform


# argv, environment → extras scripts/cartoon installs
CASES = [
    (["scene", "Milo at the desk", "-o", "x.png"], {}, []),
    (["scene", "Milo", "--backend", "kontext"], {}, ["gpu"]),
    (["scene", "Milo", "--backend=comfyui"], {}, []),
    (["scene", "Milo"], {"CARTOON_DEFAULT_BACKEND": "kontext"}, ["gpu"]),
    (["plan", "Milo", "--json"], {"CARTOON_DEFAULT_BACKEND": "kontext"}, []),
    (["plates"], {"CARTOON_DEFAULT_BACKEND": "kontext"}, []),
    (["plates", "--backend", "kontext", "--photos", "p"], {}, ["gpu"]),
    (["shirt", "in.png", "--text", "RTFM", "-o", "o.png"], {}, []),
    (["serve"], {}, ["service"]),
    (["serve"], {"CARTOON_SERVICE_BACKEND": "kontext"}, ["gpu", "service"]),
    (["serve", "--backend", "preview"], {"CARTOON_SERVICE_BACKEND": "kontext"}, ["service"]),
    (["bot"], {}, ["bot"]),
    (["-v", "train", "--character", "milo"], {}, ["gpu", "train"]),
    (["prep", "photos", "--character", "milo"], {}, ["train"]),
    (["doctor", "--json"], {}, []),
    (["--help"], {}, []),
    ([], {}, []),
]


@pytest.mark.parametrize(("argv", "env", "extras"), CASES)
def test_the_main_command_installs_only_what_the_command_needs(argv: list[str], env: dict, extras: list[str]) -> None:
    assert needs.needs(argv, env) == extras


def test_every_command_and_extra_is_known() -> None:
    import cartoon

    assert set(cartoon.COMMANDS) <= set(needs.COMMAND_EXTRAS)
    named = {e for extras in needs.COMMAND_EXTRAS.values() for e in extras}
    named |= {e for extras in needs.BACKEND_EXTRAS.values() for e in extras}
    assert named <= set(project()["optional-dependencies"])
    from render.backends.base import BACKENDS

    assert set(BACKENDS) == set(needs.BACKEND_EXTRAS)


def test_env_file_values_are_read_like_settings(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("# comment\nexport CARTOON_DEFAULT_BACKEND='kontext'  # the GPU\nDISCORD_TOKEN=\nnot a line\n")
    assert needs.read_env_file(env) == {"CARTOON_DEFAULT_BACKEND": "kontext", "DISCORD_TOKEN": ""}
    assert needs.read_env_file(tmp_path / "missing") == {}


# command line → extras it must run with (scripts/needs.py's choice for it)
LIGHT_COMMANDS = [
    ["scene", "Milo debugging at 2 AM", "--shirt", "PEBKAC", "--seed", "1", "-o", "{tmp}/scene.png"],
    ["plan", "James at the whiteboard", "--json"],
    ["plates", "--out", "{tmp}/plates", "--size", "64x64"],
]


@pytest.mark.parametrize("argv", LIGHT_COMMANDS, ids=lambda a: a[0])
def test_light_commands_import_nothing_outside_their_extras(argv: list[str], tmp_path: Path) -> None:
    """Run the command with every distribution that its extras do not pull in made unimportable:
    what scripts/cartoon installs for it is enough."""
    from tests.deploy.test_images import dependency_closure

    data = project()
    lines = list(data["dependencies"])
    for extra in needs.needs(argv, {}):
        lines += data["optional-dependencies"][extra]
    allowed = dependency_closure(lines) | {"milo-cartoons", "pip", "setuptools"}
    blocked = sorted({module for module, dists in metadata.packages_distributions().items()
                      if not any(canonicalize_name(d) in allowed for d in dists) and module.isidentifier()})
    argv = [a.format(tmp=tmp_path) for a in argv]
    code = (
        "import sys\n"
        f"blocked = set({blocked!r})\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in blocked:\n"
        "            raise ImportError(f'{name} is outside the extras scripts/cartoon installs for this command')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import cartoon\n"
        f"sys.exit(cartoon.main({argv!r}))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path), "CARTOON_LLM_URL": "",
           "CARTOON_OUTPUT_DIR": str(tmp_path / "out")}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert {"torch", "diffusers", "ultralytics", "fastapi"} <= set(blocked)  # the guard really blocks
