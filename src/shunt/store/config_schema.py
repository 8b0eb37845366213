"""The declared schema of a `shop_config` body (log-format.md, routing-rules.md), and its check.

One schema serves the loader (a config that fails is a rejected line) and `simulate --config`
(the patched config must pass it, else exit 2). The Structs below say every field's type, range
and allowed values; `validate` converts a body with msgspec (strict: the string "false" is not a
boolean, 1e300 is not a number of hours, nan/inf are no weight) and then checks the one thing a
type cannot say: an account belongs to this shop. Unknown extra fields are kept (not checked).

A failure is a `ConfigInvalid` whose text names the field path and says what was expected and what
was found: `groups[2].members[0]: expected a string account "zhenpin:name", got 1`.
"""

from __future__ import annotations

import json
import math
import re
from typing import Annotated, Any, Literal, Union

import msgspec

from shunt.engine.model import ORDER_STATES, STRATEGIES

MAX_HOURS = 8760  # a year: recent_contact_hours beyond it is an error, not a window
MAX_COUNT = 1_000_000  # busy_threshold, max_sessions
MAX_WEIGHT = 1_000_000.0


def _m(desc: str, **kw: Any) -> msgspec.Meta:
    return msgspec.Meta(description=desc, **kw)


Flag = Annotated[bool, _m("true or false")]
Account = Annotated[str, _m('a string account "{shop}:name"')]
NonEmpty = Annotated[str, _m("a non-empty string", min_length=1)]
Text = Annotated[str, _m("a string")]
Hours = Annotated[float, _m(f"a number of hours from 0 to {MAX_HOURS}", ge=0, le=MAX_HOURS)]
Count = Annotated[int, _m(f"a whole number from 0 to {MAX_COUNT:,}", ge=0, le=MAX_COUNT)]
Weight = Annotated[float, _m(f"a finite number from 0 to {MAX_WEIGHT:,.0f}", ge=0, le=MAX_WEIGHT)]
HHMM = Annotated[str, _m('a time "HH:MM"', pattern=r"^([01][0-9]|2[0-4]):[0-5][0-9]$")]
RobotPriority = Annotated[Literal["off", "shop", "group"], _m("one of off, shop, group")]
Strategy = Annotated[Literal[STRATEGIES], _m("one of " + ", ".join(STRATEGIES))]  # type: ignore[valid-type]
OrderState = Annotated[Literal[ORDER_STATES], _m("one of " + ", ".join(ORDER_STATES))]  # type: ignore[valid-type]
Mode = Annotated[Literal["priority", "1v1"], _m("one of priority, 1v1")]
Item = Annotated[Union[str, int], _m("an item id (a string)")]


class _S(msgspec.Struct, forbid_unknown_fields=False, kw_only=True):
    """Unknown extra fields are kept in the log and ignored here."""


class LogisticsCS(_S):
    enabled: Flag = False
    hours: Union[Annotated[tuple[HHMM, HHMM], _m('two times ["HH:MM", "HH:MM"]')], None] = None
    carriers: Union[Annotated[list[Text], _m("a list of carrier codes")], None] = None


class Settings(_S):
    recent_contact_hours: Union[Hours, None] = None
    robot_priority: Union[RobotPriority, None] = None
    assistant: Union[Account, None] = None
    intent_routing: Flag = False
    offline_to_assistant: Flag = False
    main_account_fallback: Flag = True
    strategy: Union[Strategy, None] = None
    busy_threshold: Union[Count, None] = None
    logistics_cs: Union[LogisticsCS, None] = None


class Agent(_S):
    account: Account
    weight: Union[Weight, None] = None
    max_sessions: Union[Count, None] = None  # null: no limit
    routing: Flag = True
    proxy: Flag = False


class Bind(_S):
    order_states: Union[Annotated[list[OrderState], _m("a list of order states")], None] = None
    items: Union[Annotated[list[Item], _m("a list of item ids")], None] = None
    intents: Union[Annotated[list[Text], _m("a list of intent codes")], None] = None


class Group(_S):
    id: NonEmpty
    name: Union[Text, None] = None
    members: Union[Annotated[list[Account], _m('a list of accounts ["{shop}:name", ...]')], None] = None
    robot_priority: Flag = False
    bind: Union[Bind, None] = None


class Exclusive(_S):
    buyer: NonEmpty
    agent: Account
    mode: Union[Mode, None] = None


class ConfigBody(_S):
    timezone: Union[Text, None] = None
    settings: Union[Settings, None] = None
    agents: Union[Annotated[list[Agent], _m("a list of agents")], None] = None
    groups: Union[Annotated[list[Group], _m("a list of groups")], None] = None
    exclusive: Union[Annotated[list[Exclusive], _m("a list of exclusive entries")], None] = None


class ConfigInvalid(ValueError):
    """A body that breaks the schema; str(e) is `path: why`. `path` is '' for the body itself."""

    def __init__(self, path: str, why: str):
        super().__init__(f"{path}: {why}" if path else why)
        self.path, self.why = path, why


def validate(body: Any, shop: str) -> ConfigBody:
    """The body, checked: → the typed ConfigBody. Raises ConfigInvalid naming the field."""
    if not isinstance(body, dict):
        raise ConfigInvalid("", f"expected a JSON object, got {_show(body)}")
    try:
        cfg = msgspec.convert(body, ConfigBody)
    except msgspec.ValidationError as exc:
        raise _explain(str(exc), body, shop) from None
    _check_accounts(cfg, shop)
    return cfg


def is_shop_account(account: str, shop: str) -> bool:
    """The main account (`shop`) or a sub-account `shop:name` with a name."""
    return account == shop or (account.startswith(shop + ":") and len(account) > len(shop) + 1)


def _check_accounts(cfg: ConfigBody, shop: str) -> None:
    def check(path: str, account: str | None, *, empty_ok: bool = False) -> None:
        if account is None or (empty_ok and account == ""):
            return
        if not is_shop_account(account, shop):
            raise ConfigInvalid(path, f'expected an account of this shop ("{shop}" or "{shop}:name"), '
                                      f"got {_show(account)}")

    if cfg.settings is not None:
        check("settings.assistant", cfg.settings.assistant, empty_ok=True)
    for i, a in enumerate(cfg.agents or ()):
        check(f"agents[{i}].account", a.account)
    for i, g in enumerate(cfg.groups or ()):
        for j, m in enumerate(g.members or ()):
            check(f"groups[{i}].members[{j}]", m)
    for i, e in enumerate(cfg.exclusive or ()):
        check(f"exclusive[{i}].agent", e.agent)


# ---- messages ----------------------------------------------------------------------------------

_AT = re.compile(r"^(?P<msg>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)
_MISSING = re.compile(r"Object missing required field `([^`]+)`")


def _explain(msg: str, body: dict, shop: str) -> ConfigInvalid:
    m = _AT.match(msg)
    text, path = (m.group("msg"), m.group("path") or "") if m else (msg, "")
    path = path.lstrip(".")
    missing = _MISSING.match(text)
    if missing:
        field = missing.group(1)
        return ConfigInvalid(f"{path}.{field}" if path else field, "missing (required)")
    desc = _describe(path)
    if desc is None:
        return ConfigInvalid(path, text[:1].lower() + text[1:])
    return ConfigInvalid(path, f"expected {desc.format(shop=shop)}, got {_show(_value_at(body, path))}")


_PARTS = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _steps(path: str) -> list[str | int]:
    return [int(i) if i else k for k, i in _PARTS.findall(path)]


def _value_at(body: Any, path: str) -> Any:
    cur = body
    for step in _steps(path):
        try:
            cur = cur[step]
        except (KeyError, IndexError, TypeError):
            return None
    return cur


def _describe(path: str) -> str | None:
    """The description declared for the field at `path` (msgspec.Meta), or None."""
    info: Any = msgspec.inspect.type_info(ConfigBody)
    desc = None
    for step in _steps(path):
        info, desc = _unwrap(info)
        if isinstance(step, int):
            if not isinstance(info, (msgspec.inspect.ListType, msgspec.inspect.TupleType)):
                return None
            info = info.item_type if isinstance(info, msgspec.inspect.ListType) else info.item_types[min(step, len(info.item_types) - 1)]
        else:
            if not isinstance(info, msgspec.inspect.StructType):
                return None
            fields = {f.name: f.type for f in info.fields}
            if step not in fields:
                return None
            info = fields[step]
    info, desc = _unwrap(info)
    if desc is None and isinstance(info, msgspec.inspect.StructType):
        return "an object"
    return desc


def _unwrap(info: Any) -> tuple[Any, str | None]:
    """Strip Optional and metadata: → (the inner type info, the outermost description)."""
    desc = None
    while True:
        if isinstance(info, msgspec.inspect.Metadata):
            desc = desc or (info.extra_json_schema or {}).get("description")
            info = info.type
        elif isinstance(info, msgspec.inspect.UnionType):
            types = [t for t in info.types if not isinstance(t, msgspec.inspect.NoneType)]
            if len(types) != 1:
                return info, desc
            info = types[0]
        else:
            return info, desc


def _show(value: Any) -> str:
    """A found value, as JSON, short; a string that looks like a boolean or number says so."""
    if isinstance(value, float) and not math.isfinite(value):
        return "a number out of range" if not math.isnan(value) else "NaN"
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "nan", "inf", "infinity", "-inf"):
        return f"{json.dumps(value, ensure_ascii=False)} (a string)"
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."
