"""The message catalogues: extract shunt's English msgids with Babel, merge them into the .po files,
compile the .mo files that shunt reads at run time (stdlib gettext; Babel is a development need only).

    python tools/catalogues.py update    # extract src/ -> src/shunt/locale/shunt.pot, merge into zh .po
    python tools/catalogues.py compile   # .po -> .mo (committed: an installed wheel needs no Babel)
    python tools/catalogues.py check     # exit 1 when a msgid lacks a translation or a .mo is stale

Keywords: `_("...")`, `N_("...")` (marked, translated where shown), `ngettext("one", "many", n)`.
Write msgids as plain literals (no f-strings): `_("no buyer {buyer}").format(buyer=...)`.
"""

from __future__ import annotations

import io
import sys

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "shunt"
LOCALE = PKG / "locale"
POT = LOCALE / "shunt.pot"
LANGS = ("zh",)
FIXED = datetime(2026, 12, 3, tzinfo=timezone.utc)  # a fixed header date: `update` without changes changes nothing
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "shunt.po"


def mo_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "shunt.mo"


def extract():
    """A Babel catalogue of every msgid in src/shunt (the template)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    cat = Catalog(project="shunt", domain="shunt", charset="utf-8", creation_date=FIXED, revision_date=FIXED,
                  copyright_holder="the shunt authors", msgid_bugs_address="", version="")
    method_map = [("**.py", "python")]
    for filename, lineno, message, comments, context in extract_from_dir(
            str(PKG), method_map=method_map, keywords=KEYWORDS, comment_tags=("i18n:",), strip_comment_tags=True):
        cat.add(message, None, [(f"src/shunt/{filename}", lineno)], auto_comments=comments, context=context)
    from sentences import sentences  # tools/sentences.py: f-string sentences below render, matched by i18n.tr

    for template, where in sentences(PKG).items():
        path, line = where.rsplit(":", 1)
        if template in cat:
            continue
        cat.add(template, None, [(path, int(line))],
                auto_comments=["made by an f-string: shunt.i18n.tr finds it by this template"])
    return cat


def read_po(path: Path, lang: str):
    from babel.messages.pofile import read_po as _read

    with open(path, "rb") as fh:
        return _read(fh, locale=lang, domain="shunt")


def write_po(cat, path: Path, **kw) -> None:
    from babel.messages.pofile import write_po as _write

    buf = io.BytesIO()
    _write(buf, cat, width=100, omit_header=False, sort_output=False, include_lineno=False, **kw)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())


def mo_bytes(cat) -> bytes:
    from babel.messages.mofile import write_mo

    buf = io.BytesIO()
    write_mo(buf, cat, use_fuzzy=False)
    return buf.getvalue()


def update() -> None:
    template = extract()
    write_po(template, POT, ignore_obsolete=True, include_previous=False)
    for lang in LANGS:
        path = po_path(lang)
        if path.exists():
            cat = read_po(path, lang)
            cat.update(template, update_header_comment=False, no_fuzzy_matching=True)
        else:
            from babel.messages.catalog import Catalog

            cat = Catalog(locale=lang, domain="shunt", project="shunt", charset="utf-8", creation_date=FIXED,
                          revision_date=FIXED, copyright_holder="the shunt authors", version="",
                          last_translator="the shunt authors", language_team="shunt")
            cat.update(template)
        cat.fuzzy = False  # the header: a fuzzy header is left out of the .mo, and its Plural-Forms with it
        write_po(cat, path, ignore_obsolete=True, include_previous=False)


def compile_all() -> None:
    for lang in LANGS:
        mo_path(lang).write_bytes(mo_bytes(read_po(po_path(lang), lang)))


def problems() -> list[str]:
    """What `check` finds: msgids of the sources missing from a .po or untranslated there, fuzzy entries,
    and .mo files that are not the compiled .po."""
    out = []
    wanted = {m.id for m in extract() if m.id}
    for lang in LANGS:
        cat = read_po(po_path(lang), lang)
        have = {m.id: m for m in cat if m.id}
        for msgid in sorted(wanted, key=str):
            m = have.get(msgid)
            if m is None:
                out.append(f"{lang}: not in the .po (run update): {msgid!r}")
            elif m.fuzzy:
                out.append(f"{lang}: fuzzy: {msgid!r}")
            elif not (all(m.string) if isinstance(m.string, (tuple, list)) else m.string):
                out.append(f"{lang}: untranslated: {msgid!r}")
        if not mo_path(lang).exists() or mo_path(lang).read_bytes() != mo_bytes(cat):
            out.append(f"{lang}: {mo_path(lang).relative_to(ROOT)} is not the compiled .po (run compile)")
    return out


def main(argv: list[str]) -> int:
    cmd = argv[1] if len(argv) > 1 else "check"
    if cmd == "update":
        update()
    elif cmd == "compile":
        compile_all()
    elif cmd == "check":
        found = problems()
        print("\n".join(found) or "catalogues complete and compiled")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
