"""Run the CLI in-process and read its JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from shunt.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"


def _built_once():
    """typer rebuilds the click command from the app at every CliRunner.invoke (about 0.1 s: every
    command's signature parsed again); the suite's thousand invocations build shunt's once."""
    import typer.main
    import typer.testing

    built: dict = {}
    plain = typer.main.get_command

    def get(a):
        if a is not app:
            return plain(a)
        if "cmd" not in built:
            built["cmd"] = plain(a)
        return built["cmd"]

    typer.testing._get_command = get


_built_once()


def runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # click < 8.2
    except TypeError:
        return CliRunner()


def shunt(*args: str, db: Path | None = None):
    argv = [str(a) for a in args]
    if db is not None:
        argv += ["--db", str(db)]
    return runner().invoke(app, argv, catch_exceptions=False)


def shunt_json(*args: str, db: Path | None = None):
    res = shunt(*args, "--json", db=db)
    assert res.exit_code == 0, (res.exit_code, res.stdout, res.stderr)
    return json.loads(res.stdout)


def path_get(doc, path: str):
    """'nodes[0].replay.agents' → the value in `doc`."""
    cur = doc
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            cur = cur[int(part[1:-1])]
        else:
            cur = cur[part]
    return cur


def load_sample(db: Path) -> Path:
    """The bundled sample shop (sample_data/zhenpin.jsonl) loaded into `db`; the load must succeed."""
    res = shunt("load", str(SAMPLE / "zhenpin.jsonl"), db=db)
    assert res.exit_code == 0, res.stderr
    return db
