"""Group names for the human views: `售前 g_pre` wherever a group id is shown (render/words.py)."""

from __future__ import annotations

FAR = 2 ** 62  # every config of the shop, from the first to the last


def group_names(conn, sid: int) -> dict[str, str]:
    """{group id: its latest name} over every shop_config of the shop (a group renamed shows its last name)."""
    from shunt import store

    names: dict[str, str] = {}
    for cfg in store.configs_in(conn, sid, -FAR, FAR):
        for g in cfg.groups:
            if g.name and g.name != g.id:
                names[g.id] = g.name
    return names


def name_groups(conn, sid: int) -> None:
    """Tell the human views the shop's group names (JSON and CSV keep the ids alone)."""
    from shunt.render.words import set_group_names

    set_group_names(group_names(conn, sid))
