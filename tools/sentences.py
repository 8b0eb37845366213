"""The second extraction: English sentences made with f-strings (or plain literals) where a message is
made for people in the layers below render (engine steps, diagnose causes and advice, errors raised in
store/diagnose/commands). Their f-string becomes a `{name}` template msgid; at run time `shunt.i18n.tr`
recognises a text by its template and writes the translation with the same values (translated in turn).

Used by tools/catalogues.py; not shipped (no Babel nor ast walk at run time).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

LAYERS = ("engine", "diagnose", "store", "commands")
SKIP_FILES = {"engine/codes.py", "engine/labels.py", "engine/frozen.py", "store/schema.py", "store/conflicts.py",
              "store/load.py", "store/split.py",  # bilingual tables (render picks a language), SQL, field names
              # (what store/load.py held before #16 split it: its SQL and its reading messages, as before)
              "store/source.py", "store/stage.py", "store/inserts.py", "store/files.py", "store/batches.py"}
ERRORS = {"NotFound", "UsageError", "BadData", "StorageError", "Interrupted", "ShuntError"}
KEYS = {"detail", "message", "advice", "note", "why", "text", "hint", "why_not", "title"}
NAMES = {"msg", "why", "note", "advice", "detail", "message", "text", "hint", "head", "why_not", "line"}
FIELD = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(![rsa])?(:[^{}]*)?\}")
WORD = re.compile(r"\b[A-Za-z]{2,}\b")
SQLISH = re.compile(r"\s*(SELECT|INSERT|CREATE|UPDATE|DELETE|PRAGMA|WITH|DROP|ALTER)\b|ON CONFLICT|\(shop_id")


def _name(e):
    if isinstance(e, ast.Name):
        return e.id
    if isinstance(e, ast.Attribute):
        return e.attr
    if isinstance(e, ast.Subscript):
        return _name(e.value)
    if isinstance(e, ast.Call):
        return _name(e.func)
    return None


def template(node):
    """An f-string / str / sum of them as a {name} template; None when not a string expression."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.replace("{", "{{").replace("}", "}}"), True
    if isinstance(node, ast.JoinedStr):
        out, used = [], {}
        for v in node.values:
            if isinstance(v, ast.Constant):
                out.append(v.value.replace("{", "{{").replace("}", "}}"))
            else:
                n = _name(v.value) or "x"
                n = re.sub(r"\W", "_", n).strip("_") or "x"
                if n[0].isdigit():
                    n = "x" + n
                used[n] = used.get(n, 0) + 1
                out.append("{" + (n if used[n] == 1 else f"{n}{used[n]}") + "}")
        return "".join(out), False
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        a, b = template(node.left), template(node.right)
        if a and b:
            return a[0] + b[0], a[1] and b[1]
    return None


def strings_in(node):
    """Every string expression under `node` that stands alone (sums joined, both branches of an if)."""
    t = template(node)
    if t is not None:
        yield t
        return
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        # a sum with a non-string part: make the non-string part a placeholder
        parts = []
        def flat(n):
            if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add):
                flat(n.left); flat(n.right)
            else:
                parts.append(n)
        flat(node)
        out, lit = [], True
        for i, p in enumerate(parts):
            t = template(p)
            if t is None:
                for s in strings_in(p):
                    yield s
                out.append("{" + f"part{i}" + "}")
            else:
                out.append(t[0])
        yield "".join(out), False
        return
    if isinstance(node, ast.IfExp):
        yield from strings_in(node.body)
        yield from strings_in(node.orelse)
        return
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format" \
            and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str):
        yield node.func.value.value, False
        return
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join":
        for a in node.args:
            yield from strings_in(a)
        return
    if isinstance(node, (ast.Tuple, ast.List)):
        for e in node.elts:
            yield from strings_in(e)
    if isinstance(node, ast.GeneratorExp) or isinstance(node, ast.ListComp):
        yield from strings_in(node.elt)


MARKED = {"_", "N_", "ngettext", "compile", "match", "search", "fullmatch", "sub", "startswith", "endswith"}
NOT_SHOWN = {"Error -3 while decompressing data: ", "invalid compressed data: ", "Invalid enum value",
             "Invalid enum value ", "module {name} has no attribute {name2}", "rule 8 must decide"}


def collect(path: Path):
    """(template, line) for each sentence of `path`: the string arguments of calls (a Cause, a step, an
    error, an append to a list of findings...), what is assigned to a message-like name, what a function
    returns, and the values of an UPPERCASE table of str.format templates. Not the ones already marked
    with _() / N_(), nor regular expressions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) in MARKED:
            skip.update(id(a) for a in [*node.args, *(k.value for k in node.keywords)])
    found = []
    for node in ast.walk(tree):
        exprs, raw = [], raw_templates(node)
        if isinstance(node, ast.Call) and _name(node.func) not in MARKED:
            exprs += list(node.args) + [k.value for k in node.keywords]
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(_name(t) in NAMES for t in targets):
                exprs.append(node.value)
            upper = any(isinstance(t, ast.Name) and t.id.isupper() for t in targets)
            if upper and not isinstance(node.value, ast.Dict):  # METHOD = ("..." "..."), CAVEATS = ("...", ...)
                exprs.append(node.value)
            if upper and isinstance(node.value, ast.Dict):
                for v in node.value.values:  # a table of str.format templates (WINDOW_ADVICE)
                    if isinstance(v, ast.Constant) and isinstance(v.value, str):
                        raw.add(id(v))
                    exprs.append(v)
        if isinstance(node, ast.Return) and node.value is not None:
            exprs.append(node.value)
        for e in exprs:
            if id(e) in skip:
                continue
            if id(e) in raw:
                if sentence(e.value):
                    found.append((e.value, node.lineno))
                continue
            for t, _ in strings_in(e):
                if sentence(t):
                    found.append((t, node.lineno))
    return found


def raw_templates(node):
    """A call's first argument that is a str.format template itself (NotFound("no buyer {buyer!r}", ..., buyer=x))."""
    if isinstance(node, ast.Call) and _name(node.func) in ERRORS and node.args \
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str) \
            and any(k.arg and k.arg not in KEYS for k in node.keywords):
        return {id(node.args[0])}
    return set()


def sentence(t: str) -> bool:
    """Text for people: words with a space between them, or a word and a value (" since {x}"); not SQL,
    not a code (`bound_group`), not a bare value."""
    lit = FIELD.sub("\0", t).replace("{{", "").replace("}}", "")
    words = WORD.findall(lit.replace("_", " ") if "_" not in lit.replace("\0", "") else lit)
    if SQLISH.match(t) or re.fullmatch(r"[\w.\0]*", lit.strip()) or t in NOT_SHOWN \
            or re.search(r"\(\?P<|\(\.\*\)|\(\[\^|^\^|\{\{\"", t) \
            or (re.fullmatch(r"[a-z_, ]+", t) and t.count(",") >= 2):  # a regex, a JSON line, a column list
        return False
    plain = [w for w in WORD.findall(lit) if "_" not in w]
    if " " not in lit.replace("\0", "").strip() and not (len(plain) == 1 and lit.startswith(" ")):
        return False  # one token: a URI parameter, a key with a value (`naive:{sid}`)
    if len(plain) >= 2 or (len(plain) == 1 and "\0" in lit and len(lit.replace("\0", "").strip()) >= 4):
        return re.search(r"[a-z]", lit) is not None
    return False


def sentences(pkg: Path):
    """{template: "path:line"} over the layers below render."""
    out: dict[str, str] = {}
    for layer in LAYERS:
        for p in sorted((pkg / layer).rglob("*.py")):
            rel = p.relative_to(pkg).as_posix()
            if rel in SKIP_FILES:
                continue
            for t, line in collect(p):
                out.setdefault(t, f"src/shunt/{rel}:{line}")
    return out
