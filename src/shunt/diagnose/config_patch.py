"""`simulate --config FILE`: a change file is a PATCH on the config in force (docs/semantics.md).

- `settings`: the keys given replace the recorded ones (`logistics_cs` key by key);
- `agents` merged by `account`, `groups` by `id` (or by a group's name), `exclusive` by `buyer`:
  an entry's fields replace the recorded entry's fields (a group's `bind` key by key; `members`
  is replaced whole); an entry not in the config is added; `"remove": true` removes it;
- `"agents!"`, `"groups!"`, `"exclusive!"`: the list given replaces the recorded list whole.

The patched config must pass the loader's schema (store.config_schema); every failure is a
UsageError (exit 2) that names the file and the field. `changes` lists what was applied, entry by
entry ("小丙 max_sessions 20 -> 50").
"""

from __future__ import annotations

import json
from typing import Any

from shunt.engine.model import Config
from shunt.errors import UsageError
from shunt.store import config_schema as schema

LISTS = {"agents": ("account", schema.Agent), "groups": ("id", schema.Group), "exclusive": ("buyer", schema.Exclusive)}
IGNORED = ("type", "shop", "ts", "id", "v", "timezone")  # a whole shop_config (or `config show --json`) is a patch too


class Missed(Exception):
    """An entry to change or remove that the config does not hold (only an error if no config holds it)."""


def _fields(cls) -> set[str]:
    return set(cls.__struct_fields__)


def _unknown(obj: dict, allowed: set[str], where: str, path: str) -> None:
    bad = sorted(k for k in obj if k not in allowed)
    if bad:
        raise UsageError(f"{where}: {path + '.' if path else ''}{bad[0]}: unknown field "
                         f"(expected one of {', '.join(sorted(allowed))})")


def _obj(value: Any, where: str, path: str) -> dict:
    if not isinstance(value, dict):
        raise UsageError(f"{where}: {path}: expected an object, got {schema._show(value)}")
    return value


def check_shape(patch: Any, where: str) -> None:
    """Keys and merge keys of a change file (the values are checked on the patched config)."""
    if not isinstance(patch, dict):
        raise UsageError(f"{where} must be a JSON object (a change file: settings, agents, groups, exclusive)")
    allowed = {"settings"} | set(LISTS) | {k + "!" for k in LISTS} | set(IGNORED)
    _unknown(patch, allowed, where, "")
    for name in LISTS:
        if name in patch and name + "!" in patch:
            raise UsageError(f"{where}: give {name} (merged) or {name}! (replaced whole), not both")
    if "settings" in patch:
        s = _obj(patch["settings"], where, "settings")
        _unknown(s, _fields(schema.Settings), where, "settings")
        if isinstance(s.get("logistics_cs"), dict):
            _unknown(s["logistics_cs"], _fields(schema.LogisticsCS), where, "settings.logistics_cs")
    for name, (key, cls) in LISTS.items():
        for form in (name, name + "!"):
            if form in patch and not isinstance(patch[form], list):
                raise UsageError(f"{where}: {form}: expected a list, got {schema._show(patch[form])}")
        for i, e in enumerate(patch.get(name) or ()):
            _entry(e, name, key, cls, where, f"{name}[{i}]")


def _entry(e: Any, name: str, key: str, cls, where: str, path: str) -> None:
    _obj(e, where, path)
    _unknown(e, _fields(cls) | {"remove"}, where, path)
    k = e.get(key) if not (name == "groups" and key not in e) else e.get("name")
    if not isinstance(k, str) or not k:
        need = '"id" (or the "name" of a group in force)' if name == "groups" else f'"{key}"'
        raise UsageError(f"{where}: {path}: needs {need} as a string, to know which entry it changes")
    if "remove" in e and not isinstance(e["remove"], bool):
        raise UsageError(f"{where}: {path}.remove: expected true or false, got {schema._show(e['remove'])}")
    if e.get("remove") and set(e) - {key, "name", "remove"}:
        raise UsageError(f"{where}: {path}: an entry with \"remove\": true takes no other field")
    if name == "groups" and isinstance(e.get("bind"), dict):
        _unknown(e["bind"], _fields(schema.Bind), where, f"{path}.bind")


# ---- applying it -------------------------------------------------------------------------------

def patch_body(body: dict[str, Any], patch: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """→ (the patched body, the patch paths of entries this body does not hold)."""
    out = dict(body)
    missed: list[str] = []
    if "settings" in patch and isinstance(patch["settings"], dict):
        s = dict(out.get("settings") or {})
        for k, v in patch["settings"].items():
            s[k] = {**(s.get(k) or {}), **v} if k == "logistics_cs" and isinstance(v, dict) else v
        out["settings"] = s
    for name, (key, _cls) in LISTS.items():
        if name + "!" in patch:
            out[name] = patch[name + "!"]
        for i, e in enumerate(patch.get(name) or ()):
            try:
                out[name] = _merge(list(out.get(name) or ()), e, name, key)
            except Missed:
                missed.append(f"{name}[{i}]")
    return out, missed


def _find(entries: list, e: dict, name: str, key: str) -> list[int]:
    """Indexes of the entries `e` changes: same key; for a group, same id, else the one group of that name."""
    k = e.get(key, e.get("name")) if name == "groups" else e[key]
    at = [i for i, x in enumerate(entries) if isinstance(x, dict) and x.get(key) == k]
    if not at and name == "groups":
        named = [i for i, x in enumerate(entries) if isinstance(x, dict) and x.get("name") == k]
        at = named if len(named) == 1 else []
    return at


def _merge(entries: list, e: dict, name: str, key: str) -> list:
    at = _find(entries, e, name, key)
    if e.get("remove"):
        if not at:
            raise Missed
        return [x for i, x in enumerate(entries) if i not in at]
    fields = {k: v for k, v in e.items() if k != "remove"}
    if not at:
        if name == "groups" and "id" not in e:
            raise Missed  # known by a name only: a new group needs an id
        return entries + [fields]
    for i in at:
        old = entries[i]
        new = {**old, **fields, key: old.get(key)}  # found by its name: the group keeps its id
        if name == "groups" and isinstance(fields.get("bind"), dict) and isinstance(old.get("bind"), dict):
            new["bind"] = {**old["bind"], **fields["bind"]}
        entries[i] = new
    return entries


def apply_patch(cfg: Config, patch: dict[str, Any], where: str = "the change file") -> tuple[Config, list[str]]:
    """The config in force with the patch applied and checked by the loader's schema.
    → (the new Config, patch paths of entries it does not hold). Raises UsageError naming the field."""
    from shunt.diagnose.config_body import to_body

    body, missed = patch_body(to_body(cfg), patch)
    try:
        schema.validate(body, cfg.shop)
    except schema.ConfigInvalid as exc:
        raise UsageError(f"{where}: {_by_key(exc.path, body)}: {exc.why}" if exc.path else f"{where}: {exc.why}") from None
    return Config.from_body(cfg.shop, cfg.ts, body), missed


def apply_override(cfg: Config, patch: dict[str, Any]) -> Config:
    """What `simulate` runs on every config in force (checked beforehand by `apply_patch`)."""
    return apply_patch(cfg, patch)[0]


def _by_key(path: str, body: dict) -> str:
    """`agents[6].max_sessions` → `agents["zhenpin:小丙"].max_sessions` (the patched list's index means
    nothing to whoever wrote the file)."""
    for name, (key, _cls) in LISTS.items():
        if path.startswith(name + "["):
            idx, _, rest = path[len(name) + 1:].partition("]")
            try:
                k = (body.get(name) or [])[int(idx)].get(key)
            except (ValueError, IndexError, AttributeError):
                return path
            return f"{name}[{json.dumps(k, ensure_ascii=False)}]{rest}" if isinstance(k, str) else path
    return path
