"""Views of a configuration: `shunt config show` (human, JSON) and the change a `simulate --config` applied."""

from __future__ import annotations

from typing import Any

from shunt.render.text import mask_nick, safe


def _printer():
    """→ print(line): one line, literally (untrusted names), wrapped at words under its own indent."""
    from shunt.render.human import console
    from shunt.render.layout import Under

    out = console()

    def _out(line: str = "") -> None:
        indent = len(line) - len(line.lstrip(" "))
        out.print(Under(safe(line[indent:]), indent, indent + 2))

    return _out


def changes_human(changes: list[dict[str, Any]], configs: int) -> None:
    """The change as applied, first thing in simulate's output."""
    from shunt.render.layout import keep_names

    keep_names(changes)
    _out = _printer()
    if not configs:
        _out("change: no configuration is in force in this period, so nothing was changed")
        return
    if not changes:
        _out("change: the change file changes nothing in the configuration in force")
        return
    _out(f"change applied ({configs} configuration{'' if configs == 1 else 's'} in force in the period):")
    for c in changes:
        only = "" if len(c["configs"]) == configs else f"  (in the config from {', '.join(c['configs'])})"
        _out(f"  {c['text']}{only}")
    _out()


def masked_body(body: dict[str, Any]) -> dict[str, Any]:
    """The body with the exclusive entries' buyer nicks masked."""
    return {**body, "exclusive": [{**e, "buyer": mask_nick(e["buyer"])} for e in body.get("exclusive") or ()]}


def _onoff(v: bool) -> str:
    return "on" if v else "off"


def config_human(doc: dict[str, Any], at: str) -> None:
    from shunt.render.layout import keep_names

    keep_names(doc)
    _out = _printer()
    s = doc["settings"]
    lg = s["logistics_cs"]
    _out(f"config in force at {at} · {doc['shop']} · since {doc['ts']} ({doc['timezone']})")
    _out("settings:")
    for k in ("strategy", "busy_threshold", "recent_contact_hours", "robot_priority", "assistant"):
        v = s[k]
        _out(f"  {k:<22} {'none' if v is None else f'{v:g}' if isinstance(v, float) else v}")
    for k in ("intent_routing", "offline_to_assistant", "main_account_fallback"):
        _out(f"  {k:<22} {_onoff(s[k])}")
    _out(f"  {'logistics':<22} {_onoff(lg['enabled'])} {'-'.join(lg['hours'])} {', '.join(lg['carriers'])}")
    _out(f"agents ({len(doc['agents'])}):")
    for a in doc["agents"]:
        limit = "no limit" if a["max_sessions"] is None else a["max_sessions"]
        _out(f"  {a['account']}  weight {a['weight']:g}  max_sessions {limit}  routing {_onoff(a['routing'])}"
             + ("  proxy" if a["proxy"] else ""))
    _out(f"groups ({len(doc['groups'])}):")
    for g in doc["groups"]:
        b = g["bind"]
        bind = "; ".join(f"{k} {', '.join(b[k])}" for k in ("order_states", "items", "intents") if b[k]) or "nothing"
        _out(f"  {g['id']} {g['name']}  members {', '.join(g['members']) or 'none'}  bound to {bind}"
             + ("  robot first" if g["robot_priority"] else ""))
    _out(f"exclusive ({len(doc['exclusive'])}):")
    for e in doc["exclusive"]:
        _out(f"  {e['buyer']} -> {e['agent']} ({e['mode']})")
    _out()
    _out("A change file for `shunt simulate --config` patches this: `shunt config show --json > change.json`, "
         "keep what you change (agents by account, groups by id, exclusive by buyer; docs/semantics.md).")
