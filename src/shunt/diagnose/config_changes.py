"""What a change file changed in the config in force, entry by entry: "小丙 max_sessions 20 -> 50".

`changes(before, after)` compares two Configs (as bodies) field by field: settings, agents by
account, groups by id, exclusive by buyer, and the order of agents and groups (round robin
follows it). `simulated_changes` does it for every config in force in a simulated period and
merges the equal lines, each with the configs (their start times) it applies to.
"""

from __future__ import annotations

from typing import Any

from shunt.engine.model import Config
from shunt.errors import UsageError

KEYS = {"agents": "account", "groups": "id", "exclusive": "buyer"}
KIND = {"agents": "agent", "groups": "group", "exclusive": "exclusive"}


def _short(account: Any, shop: str) -> str:
    return account[len(shop) + 1:] if isinstance(account, str) and account.startswith(shop + ":") else str(account)


def _fmt(v: Any, shop: str) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_fmt(x, shop) for x in v) + "]"
    return _short(v, shop)


def _flat(d: dict, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[prefix + k] = v
    return out


def _label(name: str, entry: dict, shop: str) -> str:
    if name == "agents":
        return _short(entry["account"], shop)
    if name == "groups":
        n = entry.get("name")
        return f"{n} ({entry['id']})" if n not in (None, "", entry["id"]) else str(entry["id"])
    return str(entry["buyer"])


def _first(entries: list[dict], key: str) -> dict[Any, dict]:
    """key → entry, in list order; the first listing counts (as Config.agent)."""
    out: dict[Any, dict] = {}
    for e in entries:
        out.setdefault(e[key], e)
    return out


def changes(before: Config, after: Config) -> list[dict[str, Any]]:
    """The differences, in config order: settings, agents, groups, exclusive."""
    from shunt.diagnose.config_body import to_body

    shop = before.shop
    b, a = to_body(before), to_body(after)
    out: list[dict[str, Any]] = []

    def add(what, key, field, old, new, text):
        out.append({"what": what, "key": key, "field": field, "before": old, "after": new, "text": text,
                    **({"buyer": key} if what == "exclusive" and key else {})})  # --mask finds buyer nicks by name

    fb, fa = _flat(b["settings"]), _flat(a["settings"])
    for k in fb:
        if fb[k] != fa.get(k):
            add("settings", None, k, fb[k], fa.get(k), f"{k.replace('logistics_cs.', 'logistics ')} "
                f"{_fmt(fb[k], shop)} -> {_fmt(fa.get(k), shop)}")
    for name, key in KEYS.items():
        old, new = _first(b[name], key), _first(a[name], key)
        kind, lead = KIND[name], ("" if name == "agents" else KIND[name] + " ")
        for k, e in old.items():
            if k not in new:
                add(kind, k, None, e, None, f"remove {kind} {_label(name, e, shop)}")
                continue
            fo, fn = _flat(e), _flat(new[k])
            for f in fo:
                if fo[f] != fn.get(f):
                    add(kind, k, f, fo[f], fn.get(f),
                        f"{lead}{_label(name, new[k], shop)} {f} {_fmt(fo[f], shop)} -> {_fmt(fn.get(f), shop)}")
        for k, e in new.items():
            if k not in old:
                rest = ", ".join(f"{f} {_fmt(v, shop)}" for f, v in _flat(e).items()
                                 if f not in (key, "name") and v not in ([], None))
                add(kind, k, None, None, e, f"add {kind} {_label(name, e, shop)} ({rest})")
        ob = [e[key] for e in b[name] if e[key] in new]
        na = [e[key] for e in a[name] if e[key] in old]
        if name != "exclusive" and ob != na:
            add(kind, None, "order", ob, na, f"{name} order {_fmt(ob, shop)} -> {_fmt(na, shop)}")
    return out


def simulated_changes(pairs: list[tuple[Config, Config]], tz, missed: dict[str, int], where: str) -> list[dict]:
    """Changes over every config in force in the period, equal lines merged, each with `configs`:
    the start times of the configs it applies to. An entry to change or remove that none of them
    holds is a usage error."""
    from shunt import timeutil

    for path, n in missed.items():
        if n == len(pairs) and pairs:
            hint = "; a new group needs an \"id\"" if path.startswith("groups") else ""
            raise UsageError(f"{where}: {path}: no such entry in the config in force, nothing to change or remove{hint}")
    merged: dict[tuple, dict] = {}
    for before, after in pairs:
        for c in changes(before, after):
            k = (c["what"], c["key"], c["field"], repr(c["before"]), repr(c["after"]))
            entry = merged.setdefault(k, {**c, "configs": []})
            entry["configs"].append(timeutil.to_iso(before.ts, tz))
    return list(merged.values())
