"""Views of a configuration: `shunt config show` (human, JSON) and the change a `simulate --config` applied."""

from __future__ import annotations

from typing import Any

from shunt.i18n import _, ngettext, tr
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
        _out(_("change: no configuration is in force in this period, so nothing was changed"))
        return
    if not changes:
        _out(_("change: the change file changes nothing in the configuration in force"))
        return
    _out(ngettext("change applied ({n} configuration in force in the period):",
                  "change applied ({n} configurations in force in the period):", configs).format(n=configs))
    for c in changes:
        only = "" if len(c["configs"]) == configs else "  " + _("(in the config from {configs})").format(
            configs=", ".join(c["configs"]))
        _out(f"  {tr(c['text'])}{only}")
    _out()


def masked_body(body: dict[str, Any]) -> dict[str, Any]:
    """The body with the exclusive entries' buyer nicks masked."""
    return {**body, "exclusive": [{**e, "buyer": mask_nick(e["buyer"])} for e in body.get("exclusive") or ()]}


def _onoff(v: bool) -> str:
    return _("on") if v else _("off")


def config_human(doc: dict[str, Any], at: str) -> None:
    from shunt.render.layout import keep_names

    keep_names(doc)
    _out = _printer()
    s = doc["settings"]
    lg = s["logistics_cs"]
    _out(_("config in force at {at} · {shop} · since {since} ({tz})").format(
        at=at, shop=doc["shop"], since=doc["ts"], tz=doc["timezone"]))
    _out(_("settings:"))
    for k in ("strategy", "busy_threshold", "recent_contact_hours", "robot_priority", "assistant"):
        v = s[k]
        shown = _("none") if v is None else f"{v:g}" if isinstance(v, float) else v
        _out(f"  {k:<22} {shown}")
    for k in ("intent_routing", "offline_to_assistant", "main_account_fallback"):
        _out(f"  {k:<22} {_onoff(s[k])}")
    _out(f"  {'logistics':<22} {_onoff(lg['enabled'])} {'-'.join(lg['hours'])} {', '.join(lg['carriers'])}")
    _out(_("agents ({n}):").format(n=len(doc["agents"])))
    for a in doc["agents"]:
        limit = _("no limit") if a["max_sessions"] is None else a["max_sessions"]
        _out("  " + _("{account}  weight {weight}  max_sessions {limit}  routing {routing}").format(
            account=a["account"], weight=f"{a['weight']:g}", limit=limit, routing=_onoff(a["routing"]))
             + ("  " + _("proxy") if a["proxy"] else ""))
    _out(_("groups ({n}):").format(n=len(doc["groups"])))
    for g in doc["groups"]:
        b = g["bind"]
        bind = "; ".join(f"{k} {', '.join(b[k])}" for k in ("order_states", "items", "intents") if b[k]) or _("nothing")
        _out("  " + _("{id} {name}  members {members}  bound to {bind}").format(
            id=g["id"], name=g["name"], members=", ".join(g["members"]) or _("none"), bind=bind)
             + ("  " + _("robot first") if g["robot_priority"] else ""))
    _out(_("exclusive ({n}):").format(n=len(doc["exclusive"])))
    for e in doc["exclusive"]:
        _out(f"  {e['buyer']} -> {e['agent']} ({e['mode']})")
    _out()
    _out(_("A change file for `shunt simulate --config` patches this: `shunt config show --json > change.json`, "
           "keep what you change (agents by account, groups by id, exclusive by buyer; docs/semantics.md)."))
