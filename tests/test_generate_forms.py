"""generate's file forms (escaped JSON, GB18030) and --messages: the same events in another form,
and the plain form's bytes unchanged by the new options' defaults."""

from __future__ import annotations

import io
import json

from typer.testing import CliRunner

from shunt.cli import app
from shunt.generate import generate
from shunt.generate.forms import escape_non_ascii, wrap


def _bytes(**kw) -> bytes:
    buf = io.BytesIO()
    escape = kw.pop("escape", False)
    encoding = kw.pop("encoding", None)
    generate(wrap(buf, escape=escape, encoding=encoding), consults=400, seed=4, **kw)
    return buf.getvalue()


def test_plain_form_is_the_stream_itself_and_same_bytes() -> None:
    buf = io.BytesIO()
    assert wrap(buf) is buf and wrap(buf, encoding="utf-8") is buf
    assert _bytes() == _bytes(messages=None)


def test_escaped_and_gb18030_hold_the_same_events() -> None:
    plain = _bytes()
    esc = _bytes(escape=True)
    gb = _bytes(encoding="gb18030")
    assert max(esc) < 0x80 and max(plain) >= 0x80  # the shop's Chinese nicks are escaped
    rows = [json.loads(x) for x in plain.decode("utf-8").splitlines()]
    assert [json.loads(x) for x in esc.decode("ascii").splitlines()] == rows
    assert [json.loads(x) for x in gb.decode("gb18030").splitlines()] == rows
    assert gb != plain


def test_escape_above_the_bmp_is_a_surrogate_pair() -> None:
    assert json.loads('"' + escape_non_ascii("a😀阿") + '"') == "a😀阿"
    assert escape_non_ascii("a😀") == "a\\ud83d\\ude00"


def test_messages_per_consult_raises_the_message_count() -> None:
    def n(data: bytes) -> int:
        return sum(1 for x in data.splitlines() if b'"type":"message"' in x)

    assert n(_bytes(messages=10)) > 1.5 * n(_bytes())
    assert n(_bytes(messages=1)) < n(_bytes())


def test_cli_refuses_an_unknown_encoding_and_no_messages() -> None:
    for bad in (["--encoding", "utf-16"], ["--messages", "0"]):
        r = CliRunner().invoke(app, ["generate", "--consults", "5", *bad])
        assert r.exit_code == 2 and "Traceback" not in r.output
