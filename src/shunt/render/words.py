"""The words of the human views in the chosen language (shunt.i18n): labels of codes, group names.

Labels live in engine/labels.py and engine/codes.py as (中文, English) pairs. The English view keeps
both (`商品页亮灯 item page`: the platform's own words beside their English), the Chinese view shows the
Chinese alone. A group id is shown with its name before it (`售前 g_pre`) in both languages, once the
command has told the names (commands/names.py); JSON and CSV keep ids alone.
"""

from __future__ import annotations

from shunt.i18n import N_, current_lang, value_words, value_words_later

# code words that sentences made below render carry as values ("... was {st} since ..."): i18n.tr finds them
VALUE_WORDS = (N_("offline"), N_("online"), N_("suspended"), N_("nobody"), N_("within"), N_("outside"),
               N_("listed"), N_("not listed"), N_("none listed"), N_(": {listed}"))

_group_names: dict[str, str] = {}
_later: list = []  # the provider of the names told by set_group_names_later, until first needed


def _as_values(names: dict[str, str]) -> dict[str, str]:
    # a group id inside a translated sentence ("... went to group(s) g_jia") gets its name too
    return {gid: f"{name} {gid}" for gid, name in names.items() if name and name != gid}


def set_group_names(names: dict[str, str]) -> None:
    _later.clear()
    _group_names.clear()
    _group_names.update(names)
    value_words(_as_values(names))


def set_group_names_later(provider) -> None:
    """As set_group_names(provider()), with provider() called when a name is first needed: a view that
    shows no group id (a JSON answer, a day of robot-routed nodes) does not read the names (every
    config's groups: ~5 ms at 300 groups of 1000 agents)."""
    _group_names.clear()
    _later[:] = [provider]
    value_words_later(lambda: _as_values(_names()))


def _names() -> dict[str, str]:
    if _later:
        names = _later.pop()()
        _group_names.clear()
        _group_names.update(names)
    return _group_names


def group(gid) -> str:
    """`售前 g_pre`, or the id alone (no name known, or the name is the id); None -> "-"."""
    if gid is None or gid == "":
        return "-"
    name = _names().get(gid)
    return f"{name} {gid}" if name and name != gid else str(gid)


def groups(ids, sep: str = ", ") -> str:
    return sep.join(group(g) for g in ids) if ids else "-"


def label(table: dict, code) -> str:
    """A code's label: Chinese alone in zh; in en both (`商品页亮灯 item page`), as before."""
    if code is None:
        return "-"
    zh, en = table.get(code, (code, code))
    if current_lang() == "zh":
        return zh
    return f"{zh} {en}" if zh != en else code


def reason(code) -> str:
    from shunt.engine.codes import REASONS

    return label(REASONS, code)


def why_not(code) -> str:
    from shunt.engine.codes import WHY_NOT

    return label(WHY_NOT, code)


def finding(code) -> str:
    from shunt.engine.codes import FINDINGS

    return label(FINDINGS, code)


def _codes_as_values() -> dict[str, str]:
    from shunt.engine import labels
    from shunt.engine.codes import REASONS, WHY_NOT

    out: dict[str, str] = {}
    for table in (labels.CAUSES, labels.ORDER_STATES, labels.SOURCES, WHY_NOT, labels.STATUSES, REASONS):
        out.update({code: zh for code, (zh, _en) in table.items()})
    return out


value_words(_codes_as_values())
