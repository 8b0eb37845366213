"""Untrusted text written so a terminal shows it and never interprets it.

A base module (like errors.py): store/ messages and render/ views both use `plain`, so it lives below both."""

from __future__ import annotations

import re

# C0 controls (but not tab), DEL, C1 controls, and bidi overrides / isolates: shown, never interpreted.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(m: re.Match) -> str:
    c = m.group(0)
    o = ord(c)
    return f"\\x{o:02x}" if o <= 0xFF else f"\\u{o:04x}"


def plain(text: object) -> str:
    """`text` with every control character (ESC, CR, bidi overrides...) written as a visible escape."""
    s = "" if text is None else str(text)
    return _CONTROL.sub(_visible, s)
