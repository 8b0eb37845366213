"""The interface's language: `_()` / `ngettext()` over gettext catalogues (a base module: no layer).

English is the source language (the msgids); Chinese comes from `shunt/locale/zh/LC_MESSAGES/shunt.mo`,
compiled by Babel from the `.po` beside it (tools/i18n.py extract / compile; the `.mo` is committed and
shipped as package data, so an installed wheel needs no Babel). The language is, in order: `set_lang()`
(the CLI's `--lang`), `SHUNT_LANG`, the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`: `zh_*` -> zh), else en.

    from shunt.i18n import _, ngettext, current_lang
    print(_("no buyer {buyer}").format(buyer=nick))
    print(ngettext("{n} consult", "{n} consults", n).format(n=n))

`N_()` marks a string for extraction without translating it (a help text built at import time, looked
up with `_()` when shown). JSON never goes through here: it keeps its codes in every language.
"""

from __future__ import annotations

import os
from pathlib import Path

LANGS = ("zh", "en")
DOMAIN = "shunt"
LOCALE_DIR = Path(__file__).with_name("locale")

_lang: str | None = None  # None: not chosen yet, resolved from the environment on first use
_catalogues: dict = {}


def normalize(value: str | None) -> str | None:
    """`zh`, `ZH`, `zh_CN.UTF-8`, `zh-Hans` -> zh; `en`, `en_US` -> en; anything else -> None."""
    if not value:
        return None
    low = value.strip().lower().replace("-", "_")
    for lang in LANGS:
        if low == lang or low.startswith(lang + "_") or low.startswith(lang + "."):
            return lang
    return None


def env_lang() -> str:
    """The language the environment asks for: SHUNT_LANG (if valid), else the locale (zh_* -> zh), else en."""
    chosen = normalize(os.environ.get("SHUNT_LANG"))
    if chosen:
        return chosen
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:  # the first one set decides, as for the C library
            return "zh" if normalize(value) == "zh" else "en"
    return "en"


def bad_env_lang() -> str | None:
    """SHUNT_LANG's value when it is set but names no language shunt speaks (the CLI exits 2 on it)."""
    value = os.environ.get("SHUNT_LANG")
    if value and value.strip() and normalize(value) is None:
        return value
    return None


def set_lang(lang: str | None) -> str:
    """Choose the language (zh or en; None: from the environment again). Returns the language in use."""
    global _lang
    if lang is None:
        _lang = env_lang()
    else:
        norm = normalize(lang)
        if norm is None:
            raise ValueError(f"unknown language {lang!r}: use zh or en")
        _lang = norm
    return _lang


def current_lang() -> str:
    """zh or en: what `_()` translates into now."""
    return _lang if _lang is not None else set_lang(None)


def is_zh() -> bool:
    return current_lang() == "zh"


def catalogue(lang: str):
    """The compiled catalogue of `lang` (a gettext translations object); English: the identity."""
    found = _catalogues.get(lang)
    if found is None:
        import gettext

        if lang == "en":
            found = gettext.NullTranslations()
        else:
            found = gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)
        _catalogues[lang] = found
    return found


def _(message: str) -> str:
    """`message` (an English msgid) in the current language."""
    if current_lang() == "en" or not message:
        return message
    return catalogue("zh").gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of `singular` / `plural` for the count `n`, in the current language."""
    if current_lang() == "en":
        return singular if n == 1 else plural
    return catalogue("zh").ngettext(singular, plural, n)


def listing(items) -> str:
    """`items` joined as a list in the current language: "a, b" in English, "a，b" in Chinese."""
    return _(", ").join(items)


def N_(message: str) -> str:
    """Mark `message` for extraction only; translate it with `_()` where it is shown."""
    return message


def pick(zh: str, en: str) -> str:
    """One of a pair of labels already written in both languages (engine/labels.py's tables)."""
    return zh if current_lang() == "zh" else en


# --- text made elsewhere in English (engine steps, diagnose causes, errors): translated by its template ---

_patterns: list | None = None
_FIELD = None
_value_words: dict[str, str] = {}


def value_words(words: dict[str, str]) -> None:
    """Codes that sentences carry as values (`... went to X by {reason}`) and their Chinese labels; told by
    the views (render/words.py) from the engine's label tables, so that they are not written twice."""
    _value_words.update(words)
    _done.clear()  # translations made before may hold a value that now has its label


_words_later: list = []  # providers of value words (value_words_later), asked when a value is first looked up


def value_words_later(provider) -> None:
    """value_words(provider()), asked only when a sentence's value is first looked up (in order with the
    words told before and after: each provider's words are told at its place in the queue's turn)."""
    _words_later.append(provider)
    _done.clear()


def _told_words() -> dict[str, str]:
    while _words_later:
        _value_words.update(_words_later.pop(0)())
        _done.clear()
    return _value_words


class _Template:
    """A msgid with `{placeholders}`, as the English texts it makes: its literal pieces (a cheap test before
    any regex) and, compiled on first use, its regexes (values lazy, greedy, and word-first)."""

    __slots__ = ("key", "prefix", "pieces", "literal", "_rx")

    def __init__(self, key: str, field) -> None:
        self.key = key
        self.pieces = [p.replace("{{", "{").replace("}}", "}") for p in field.split(key)[::field.groups + 1]]
        self.prefix = self.pieces[0]
        self.literal = sum(len(p) for p in self.pieces)
        self._rx = None

    def could_make(self, text: str) -> bool:
        return text.startswith(self.prefix) and text.endswith(self.pieces[-1]) and all(
            p in text for p in self.pieces[1:-1] if p)

    def regexes(self):
        if self._rx is None:
            import re

            parts, names, pos = [], [], 0
            for m in _FIELD.finditer(self.key):
                parts.append(re.escape(self.key[pos:m.start()].replace("{{", "{").replace("}}", "}")))
                name = m.group(1)
                parts.append(f"(?P={name})" if name in names else f"(?P<{name}>.*\0)")
                names.append(name)
                pos = m.end()
            parts.append(re.escape(self.key[pos:].replace("{{", "{").replace("}}", "}")))
            body = "".join(parts) + r"\Z"
            lazy, greedy = re.compile(body.replace("\0", "?"), re.S), re.compile(body.replace("\0", ""), re.S)
            # `{state}{part1}`: two values side by side; the first a word ("shipped" + ".")
            tight = re.compile(re.sub(r"\.\*\0\)(?=\(\?P)", r"[\\w-]+)", body).replace("\0", "?"), re.S)
            self._rx = (lazy, greedy, tight)
        return self._rx


def _compile_patterns() -> list:
    """A _Template for every msgid with `{placeholders}` in the zh catalogue, longest literal first: an
    English text made by `template.format(...)` or an f-string is recognised by its template."""
    import re

    global _FIELD
    _FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?:(![rsa]))?(?::([^{}]*))?\}")
    out = [_Template(key, _FIELD) for key in getattr(catalogue("zh"), "_catalog", {})
           if isinstance(key, str) and "{" in key and _FIELD.search(key)]
    out.sort(key=lambda t: -t.literal)
    return out


def _values(m, depth: int) -> dict | None:
    """The match's values, translated; None when one has unbalanced brackets (it spans two list items)."""
    if any(not _balanced(v) for v in m.groupdict().values()):
        return None
    return {k: tr(v, depth + 1) for k, v in m.groupdict().items()}


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _top_level(text: str, sep: str) -> list[str]:
    """`text` split at `sep` outside brackets."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth -= 1
        elif depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i])
            start = i + len(sep)
            i = start
            continue
        i += 1
    parts.append(text[start:])
    return parts


def _known(values: dict, m) -> tuple[int, int]:
    """How well a match's values came out: how many were translated, then how few Latin letters are left."""
    return (sum(1 for k, v in values.items() if v != m.group(k)),
            -sum(ch.isascii() and ch.isalpha() for v in values.values() for ch in v))


_done: dict[tuple[str, int], str] = {}


def tr(text, depth: int = 0):
    """`text` (English, made by a marked template or an exact msgid) in the current language; unchanged when
    the language is English or no template made it (see _tr)."""
    if not isinstance(text, str) or not text or current_lang() == "en":
        return text
    key = (text, min(depth, 1))
    found = _done.get(key)
    if found is None:
        found = _done[key] = _tr(text, depth)
    return found


def _tr(text, depth: int = 0):
    """`text` (English, made by a marked template or an exact msgid) in the current language; unchanged when
    the language is English or no template made it. A template's values are translated in turn (a value may
    be a phrase of its own, `{since}` -> " since 10:00")."""
    global _patterns
    if not isinstance(text, str) or not text or current_lang() == "en":
        return text
    cat = catalogue("zh")
    exact = cat.gettext(text)
    if exact != text or depth > 3:
        return exact
    if depth and text in _told_words():  # a code inside a sentence: `proxy_account` -> 代理账号
        return _value_words[text]
    if "; " in text:  # sentences joined: each on its own, when each is known
        body, end = (text[:-1], "。") if text.endswith(".") else (text, "")
        parts = body.split("; ")
        done = [tr(p, depth + 1) for p in parts]
        if all(d != p for d, p in zip(done, parts)):
            return "；".join(done) + end
    if ", " in text and depth:  # a list of phrases: `c-0048 (tb_buyer44, since 09:20), c-0047 (...)`
        parts = _top_level(text, ", ")
        if len(parts) > 1:
            done = [tr(p, depth + 1) for p in parts]
            if all(d != p for d, p in zip(done, parts)):
                return "，".join(done)
    if _patterns is None:
        _patterns = _compile_patterns()
    for t in _patterns:
        if not t.could_make(text):
            continue
        (lazy, *others), key = t.regexes(), t.key
        m = lazy.match(text)
        if m is None:
            continue
        values = _values(m, depth)
        if len(m.groupdict()) > 1:  # `{who} {a} was ...`: the split that translates more of the values
            best = (-1, 0) if values is None else _known(values, m)
            for rx in others:
                g = rx.match(text)
                other = _values(g, depth) if g is not None else None
                if other is not None and _known(other, g) > best:
                    values, best = other, _known(other, g)
        if values is None:
            continue
        try:
            return _FIELD.sub(lambda f: "{" + f.group(1) + "}", cat.gettext(key)).format(**values)
        except (KeyError, IndexError, ValueError):
            return text
    stripped = text.strip()
    if stripped != text and stripped:  # a phrase with the spaces that joined it: " (no status event ...)"
        lead, trail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
        inner = tr(stripped, depth + 1)
        return lead + inner + trail if inner != stripped else text
    return text
