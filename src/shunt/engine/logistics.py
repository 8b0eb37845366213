"""The logistics service (物流客服三方会话, seed 000): may the carrier's agent be invited?"""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo

from .model import DEFAULT_CARRIERS, Config, Consult, Step

SHIPPED = ("shipped", "partially_shipped")


def _minutes(hhmm: str) -> int:
    h, _, m = str(hhmm).partition(":")
    return int(h) * 60 + int(m or 0)


def _in_hours(hours, now: int) -> bool:
    """start <= now < end in minutes of the day (an end before the start spans midnight); a
    malformed pair is never inside."""
    try:
        start, end = _minutes(hours[0]), _minutes(hours[1])
    except (ValueError, IndexError):
        return False
    return start <= now < end if start <= end else (now >= start or now < end)


def _zone(config: Config | None, tz: tzinfo | None) -> tzinfo:
    if tz is not None:
        return tz
    try:
        return ZoneInfo(config.timezone if config is not None else "Asia/Shanghai")
    except Exception:
        return timezone.utc


def logistics_check(config: Config | None, consult: Consult, invited_by: str, at_ms: int,
                    tz: tzinfo | None = None) -> tuple[bool, tuple[Step, ...]]:
    """Each condition of the spec as a Step (rules L1..L6, outcome pass/fail; the intent step is
    `skip` for a merchant's invitation). → (all hold, steps). Hours: start <= local time < end
    (an end before the start spans midnight)."""
    steps: list[Step] = []

    def add(code: str, name: str, ok: bool, detail: str, **facts) -> None:
        steps.append(Step(rule=code, name=name, outcome="pass" if ok else "fail", detail=detail, facts=facts))

    lg = config.settings.logistics if config is not None else None
    enabled = bool(lg and lg.enabled)
    add("L1", "enabled", enabled,
        "The logistics service is enabled." if enabled else
        ("No configuration is in force." if config is None else "The logistics service is not enabled."),
        enabled=enabled)

    hours = lg.hours if lg else ("09:00", "21:00")
    local = datetime.fromtimestamp(at_ms / 1000, _zone(config, tz))
    now = local.hour * 60 + local.minute
    inside = _in_hours(hours, now)
    add("L2", "hours", inside,
        f"The local time {local:%H:%M:%S} is {'within' if inside else 'outside'} the service hours {hours[0]}–{hours[1]}.",
        local_time=local.strftime("%H:%M:%S"), hours=list(hours))

    state = consult.order_state
    add("L3", "order_state", state in SHIPPED,
        f"The order state is {state}" + ("." if state in SHIPPED else ", not shipped or partially_shipped."),
        order_state=state)

    packages = consult.order.packages if consult.order else None
    add("L4", "one_package", packages == 1,
        "The order has exactly one package." if packages == 1 else
        (f"The order has {packages} packages, not exactly one." if packages is not None else "The package count is unknown."),
        packages=packages)

    carriers = tuple(c.upper() for c in (lg.carriers if lg else DEFAULT_CARRIERS))
    carrier = consult.order.carrier if consult.order else None
    listed = carrier is not None and carrier.upper() in carriers
    add("L5", "carrier", listed,
        f"The carrier {carrier} is {'listed' if listed else 'not listed'} ({', '.join(carriers) or 'none listed'})."
        if carrier else "The order names no carrier.", carrier=carrier, carriers=list(carriers))

    intent = consult.intent
    if invited_by == "merchant":
        steps.append(Step(rule="L6", name="intent", outcome="skip",
                          detail="A merchant's own invitation needs no logistics intent.", facts={"intent": intent, "by": invited_by}))
    else:
        ok = bool(intent) and intent.startswith("logistics.")
        add("L6", "intent", ok,
            f"The intent {intent} is a logistics intent." if ok else
            (f"The intent {intent} is not a logistics intent." if intent else "The consult has no intent."),
            intent=intent, by=invited_by)

    return all(s.outcome != "fail" for s in steps), tuple(steps)


def logistics_allowed(config: Config | None, consult: Consult, invited_by: str, at_ms: int,
                      tz: tzinfo | None = None) -> bool:
    """`logistics_check(...)[0]` without the steps (the same conditions, cheapest first; for
    callers that read only the verdict, e.g. generate). Service hours must have two entries (a
    malformed pair is a False here where logistics_check raises)."""
    lg = config.settings.logistics if config is not None else None
    if not (lg and lg.enabled):
        return False
    if consult.order_state not in SHIPPED:
        return False
    order = consult.order
    if order is None or order.packages != 1:
        return False
    carrier = order.carrier
    if carrier is None or carrier.upper() not in tuple(c.upper() for c in lg.carriers):
        return False
    if invited_by != "merchant":
        intent = consult.intent
        if not (intent and intent.startswith("logistics.")):
            return False
    local = datetime.fromtimestamp(at_ms / 1000, _zone(config, tz))
    return _in_hours(lg.hours, local.hour * 60 + local.minute)
