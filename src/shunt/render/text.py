"""Untrusted text made safe for a terminal, and masking of buyer nicks."""

from __future__ import annotations

import dataclasses

from shunt.plaintext import plain  # noqa: F401  (the views' name for it; it lives below store/ and render/)


def safe(text: object, style: str | None = None):
    """A rich Text holding `text` literally: no markup parsed, no escapes interpreted."""
    from rich.text import Text

    return Text(plain(text), style=style or "")


def mask_nick(nick: str) -> str:
    """Stable mask for a buyer nick: first and last characters, and a hash so two buyers never look the same.

    48 bits of hash: two of a million buyers with the same first and last characters share a mask with a
    chance below 1 in 5,000 (with 24 bits, shops of 200,000 buyers had a hundred shared masks)."""
    import hashlib  # only when masking: OpenSSL's _hashlib costs a few ms to import

    h = hashlib.blake2b(nick.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()
    if len(nick) <= 1:
        return f"*#{h}"
    return f"{nick[0]}***{nick[-1]}#{h}"


def buyers_in(obj) -> set[str]:
    """Every string held under a `buyer` key or field anywhere in `obj` (dataclasses, dicts, lists)."""
    found: set[str] = set()

    def walk(o, key=None):
        if isinstance(o, str):
            if key == "buyer":
                found.add(o)
        elif dataclasses.is_dataclass(o) and not isinstance(o, type):
            for f in dataclasses.fields(o):
                walk(getattr(o, f.name), f.name)
        elif isinstance(o, dict):
            for k, v in o.items():
                walk(v, k)
        elif isinstance(o, (list, tuple, set, frozenset)):
            for v in o:
                walk(v, key)

    walk(obj)
    return found


def mask_all(obj, nicks):
    """Return `obj` (dataclasses, dicts, lists, strings) with every occurrence of the given nicks masked."""
    pairs = sorted(((n, mask_nick(n)) for n in set(nicks) if n), key=lambda p: -len(p[0]))
    if not pairs:
        return obj

    def walk(o):
        if isinstance(o, str):
            for n, m in pairs:
                if n in o:
                    o = o.replace(n, m)
            return o
        if dataclasses.is_dataclass(o) and not isinstance(o, type):
            return dataclasses.replace(o, **{f.name: walk(getattr(o, f.name)) for f in dataclasses.fields(o) if f.init})
        if isinstance(o, dict):
            return {walk(k): walk(v) for k, v in o.items()}
        if isinstance(o, (list, tuple)):
            return type(o)(walk(v) for v in o)
        return o

    return walk(obj)


# Shown instead of a character the terminal's encoding (GBK, ASCII...) cannot write.
_FALLBACK = {"✓": "v", "✗": "x", "•": "*", "·": "-", "–": "-", "—": "-", "…": "...", "→": "->", "←": "<-",
             "≤": "<=", "≥": ">=", "×": "x", "█": "#", "▏": "|", "▕": "|", "░": ".", "▒": ":", "▓": "#"}


def _degrade(exc: UnicodeEncodeError):
    bad = exc.object[exc.start:exc.end]
    return "".join(_FALLBACK.get(c) or (f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
                   for c in bad), exc.end


def tolerant_output() -> None:
    """Let stdout and stderr write what their encoding cannot (a GBK or ASCII console): a known symbol
    as its ASCII look-alike, any other character as a visible \\uXXXX escape, never a UnicodeEncodeError.
    JSON is written as UTF-8 bytes and is not affected."""
    import codecs
    import sys

    try:
        codecs.lookup_error("shunt-degrade")
    except LookupError:
        codecs.register_error("shunt-degrade", _degrade)
    for stream in (sys.stdout, sys.stderr):
        enc = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        if enc and not enc.startswith("utf") and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="shunt-degrade")
            except (ValueError, OSError):  # closed, or not a text stream after all
                pass


_NO_COLOR = {"on": False}  # --no-color of this invocation (the CLI resets it at each start)


def set_no_color(value: bool) -> None:
    _NO_COLOR["on"] = bool(value)


def color_off() -> bool:
    """Whether --no-color was given (render.human.console also reads NO_COLOR)."""
    return _NO_COLOR["on"]
