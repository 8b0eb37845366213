"""The words of the human views in the chosen language (shunt.i18n): labels of codes, group names.

Labels live in engine/labels.py and engine/codes.py as (中文, English) pairs. The English view keeps
both (`商品页亮灯 item page`: the platform's own words beside their English), the Chinese view shows the
Chinese alone. A group id is shown with its name before it (`售前 g_pre`) in both languages, once the
command has told the names (commands/names.py); JSON and CSV keep ids alone.
"""

from __future__ import annotations

from shunt.i18n import N_, current_lang, value_words

# code words that sentences made below render carry as values ("... was {st} since ..."): i18n.tr finds them
VALUE_WORDS = (N_("offline"), N_("online"), N_("suspended"), N_("nobody"), N_("within"), N_("outside"),
               N_("listed"), N_("not listed"), N_("none listed"), N_(": {listed}"))

_group_names: dict[str, str] = {}


def set_group_names(names: dict[str, str]) -> None:
    _group_names.clear()
    _group_names.update(names)
    # a group id inside a translated sentence ("... went to group(s) g_jia") gets its name too
    value_words({gid: f"{name} {gid}" for gid, name in names.items() if name and name != gid})


def group(gid) -> str:
    """`售前 g_pre`, or the id alone (no name known, or the name is the id); None -> "-"."""
    if gid is None or gid == "":
        return "-"
    name = _group_names.get(gid)
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
