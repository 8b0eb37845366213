"""Group names for the human views: `售前 g_pre` wherever a group id is shown (render/words.py)."""

from __future__ import annotations


def group_names(conn, sid: int) -> dict[str, str]:
    """{group id: its latest name} over every shop_config of the shop (a group renamed shows its last name)."""
    from shunt.store.configs import group_names as names_of

    return names_of(conn, sid)


def name_groups(conn, sid: int, later: bool = False) -> None:
    """Tell the human views the shop's group names (JSON and CSV keep the ids alone). `later`: read them
    when a view first shows a group (the connection must stay open, on its snapshot, until then)."""
    from shunt.render.words import set_group_names, set_group_names_later

    if later:
        set_group_names_later(lambda: group_names(conn, sid))
    else:
        set_group_names(group_names(conn, sid))
