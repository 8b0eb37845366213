"""`simulate --config FILE`: the change file read (size, encoding, JSON) and its shape checked
(diagnose/config_patch.check_shape); what a patch means is diagnose/config_patch.py's. Every problem
is a UsageError (exit 2) naming the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shunt.diagnose.config_patch import check_shape
from shunt.errors import UsageError

MAX_BYTES = 16 << 20


def read_patch(path: Path, where: str) -> dict[str, Any]:
    """The change file, parsed and its shape checked. Every problem is a UsageError naming `where`."""
    try:
        if not path.exists():
            raise UsageError(f"no such file: {where} (the --config change file)")
        if not path.is_file():
            raise UsageError(f"{where} is not a regular file (the --config change file)")
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {where}: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise UsageError(f"{where} is over {MAX_BYTES >> 20} MiB: not a change file")
    patch = _parse(_text(data, where), where)
    check_shape(patch, where)
    return patch


def _text(data: bytes, where: str) -> str:
    if data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        raise UsageError(f"{where} is UTF-32: save it as UTF-8")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(data) >= 2 and b"\x00" in data[:64]):
        raise UsageError(f"{where} is UTF-16: save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{where} is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}): "
                         "save it as UTF-8") from None


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _parse(text: str, where: str) -> Any:
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{where} is not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise UsageError(f"{where} is not a change file: JSON nested too deeply") from None
    except ValueError as exc:
        raise UsageError(f"{where} is not JSON: {exc}") from None
