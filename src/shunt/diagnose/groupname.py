"""A group named by its id (`g_post`) or its name (`售后`): the same group wherever one is asked for."""

from __future__ import annotations

from shunt.errors import NotFound


def resolve_group(cfgs, text: str, where: str) -> str:
    """The id of the group `text` names (id first, then name) in the configurations `cfgs`; NotFound
    with every known group as `name (id)` otherwise. A name two groups share is ambiguous: exit 1."""
    ids: dict[str, str] = {}
    for c in cfgs:
        for g in c.groups:
            ids.setdefault(g.id, g.name or g.id)
    if text in ids:
        return text
    by_name = sorted({g.id for c in cfgs for g in c.groups if g.name == text})
    if len(by_name) == 1:
        return by_name[0]
    known = [f"{name} ({gid})" for gid, name in ids.items()]
    if by_name:
        raise NotFound(f"the name {text!r} is shared by groups {', '.join(by_name)} in {where}: give the id", known)
    raise NotFound(f"no group {text!r} (by id or name) in the configurations of {where}", known)


def group_name(cfgs, gid: str | None) -> str | None:
    """The latest name of the group `gid` in `cfgs` (None when it has none)."""
    if gid is None:
        return None
    for c in reversed(list(cfgs)):
        g = c.group(gid)
        if g is not None and g.name:
            return g.name
    return None


def group_label(gid: str | None, name: str | None) -> str:
    """`售后 g_post`, or the id alone."""
    return f"{name} {gid}" if name and name != gid else str(gid)
