"""One log line → (table, shop nick, row), or a LineError with a short reason.

The fast path decodes straight into msgspec Structs (tagged by `type`, unknown fields
forbidden). Anything it refuses goes through the slow path, which decodes to a dict,
separates unknown fields into `extra`, and says precisely what is wrong with the line.
Rows start with `(ts_ms, uid, ...)`; the loader adds the shop id in front.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import datetime
from typing import Any, Callable, Protocol, Union
from zoneinfo import ZoneInfo

import msgspec

from shunt.engine.model import Config
from shunt.store.config_schema import ConfigInvalid
from shunt.store.config_schema import validate as validate_config
from shunt.store.events import (
    KIND, NESTED, TABLE_OF, TYPES, AgentStats, AgentStatus, ConsultE, Logistics, Message, SessionEnd,
    ShopConfig,
)
from shunt.store.inserts import NULL_COUNT as NC
from shunt.store.inserts import NULL_TEXT as NT
from shunt.store.line_errors import LineError, check_values as _check_values, explain as _explain
from shunt.store.textforms import line_end_hint
from shunt.timeutil import DEFAULT_TZ, parse_ts, zone

MAX_LINE = 1 << 20  # 1 MiB

_fast = msgspec.json.Decoder(Union[tuple(TYPES.values())])  # type: ignore[arg-type]
_to_dict = msgspec.json.Decoder()
_enc = msgspec.json.Encoder(order="sorted")


def _s(v: Any) -> str | None:
    return None if v is None else str(v)


def _fields(e: Any) -> tuple:
    """The typed fields of a decoded event, after (ts, uid), before extra."""
    t = type(e)
    if t is ConsultE:
        o, r = e.order, e.routed
        if o is None:
            oid = ost = car = pk = None
        else:
            oid, ost, car, pk = _s(o.id), o.state, o.carrier, o.packages
        return (e.buyer, e.source, _s(e.item), oid, ost, car, pk, e.intent, e.by, e.target,
                r.agent, r.group, r.reason)
    if t is Message:
        return (e.buyer, e.sender, e.account, e.consult)
    if t is AgentStatus:
        return (e.account, e.status)
    if t is SessionEnd:
        return (e.consult,)
    if t is AgentStats:
        if not math.isfinite(e.conversion_rate):
            raise LineError("`conversion_rate`: not a finite number")
        return (e.account, e.conversion_rate)
    if t is Logistics:
        return (e.consult, e.action, e.by, e.account, e.carrier, _s(e.order))
    raise AssertionError(t)


def _hash(parts: list) -> str:
    return "~" + hashlib.blake2b(_enc.encode(parts), digest_size=12).hexdigest()


_MS_MIN, _MS_MAX = 631152000000, 4102444800000  # as timeutil.parse_ts: 1990..2100


def _parse_ts(value: Any, tz: ZoneInfo) -> tuple[int, bool]:
    """→ (epoch ms, whether it was a local time without offset, read in `tz`)."""
    if type(value) is str:
        try:
            dt = datetime.fromisoformat(value)
        except ValueError:
            return parse_ts(value, tz), False
        naive = dt.tzinfo is None
        if naive:
            dt = dt.replace(tzinfo=tz)
        us = dt.microsecond
        ms = int((dt.replace(microsecond=0) if us else dt).timestamp()) * 1000 + us // 1000
        if _MS_MIN <= ms <= _MS_MAX:
            return ms, naive
    return parse_ts(value, tz), False


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def decode_block(lines: list[bytes]) -> list:
    """The fast path for many lines (bytes, with or without their newline).

    → one item per line: the decoded Struct, None where the line needs `LineDecoder.decode`
    (anything the fast path refuses: it says why, or takes the slow path), False for a blank
    line. Each line is decoded on its own (lines joined into one JSON array could merge: a
    line `{"a":[1` and the next `2]}` would make one value)."""
    dec = _fast.decode
    try:
        return [dec(line) for line in lines]
    except (ValueError, RecursionError):  # msgspec's errors are ValueErrors, and so is bad UTF-8
        pass
    out = []
    for line in lines:
        if not line or line.isspace():
            out.append(False)
            continue
        try:
            out.append(dec(line))
        except (ValueError, RecursionError):
            out.append(None)
    return out


class RowTarget(Protocol):
    """Where `block_rows` puts a block's rows (the loader's batch): rows by table, each
    `(shop_id, *inserts.COLUMNS[table])` with the line number as origin and NULLs bound as
    inserts.NULL_TEXT / NULL_COUNT; each shop's first consult time; the shops with session ends."""

    decoder: LineDecoder
    rows: dict[str, list[tuple]]
    shop_ids: dict[str, int]
    consult_min: dict[int, int]
    end_shops: set[int]

    def tz_for(self, shop: str) -> ZoneInfo: ...

    def shop_id(self, nick: str) -> int: ...  # (makes the shop)

    def reject(self, n: int, why: str) -> None: ...

    def long_way(self, n: int, data: bytes) -> None: ...  # LineDecoder.decode, then the row


_OTHER_KINDS = (AgentStatus, AgentStats, Logistics)


def block_rows(lines: list[bytes], n0: int, target: RowTarget) -> tuple[int, int]:
    """UTF-8 lines (numbered from `n0`) decoded in one call (`decode_block`), each event made into
    its row of `target` — what LineDecoder.decode does line by line, without a call per line; a
    line the fast decoder refuses, and a shop_config, go the long way. → (non-blank lines, rows added)."""
    objs = decode_block(lines)
    dec, rows = target.decoder, target.rows
    msgs, ends = rows["messages"].append, rows["session_ends"].append
    shop_ids = target.shop_ids
    ctx: dict[str, tuple] = {}  # shop → (shop id or None, zone, its time cache)
    last = sid = tz = cache = None
    added = blank = 0
    n = n0 - 1
    for e in objs:
        n += 1
        t = type(e)
        rare = t is not Message and t is not ConsultE and t is not SessionEnd
        if rare and t not in _OTHER_KINDS:
            if t is bool:
                blank += 1
                continue
            target.long_way(n, lines[n - n0])  # None (refused by the fast decoder) or a shop_config
            ctx.clear()  # a shop_config may change the zone of the lines after it
            last = None
            continue
        try:
            shop = e.shop
            if shop != last:
                c = ctx.get(shop)
                if c is None:
                    z = target.tz_for(shop)
                    c = ctx[shop] = (shop_ids.get(shop), z, dec.cache_for(z, shop))
                sid, tz, cache = c
                last = shop
            v = e.ts
            ts = cache.get(v) if type(v) is str else (v if type(v) is int and _MS_MIN <= v <= _MS_MAX else None)
            if ts is None:
                ts = dec.ts(v, tz, shop)
            fields = _fields(e) if rare else None  # (may refuse the line: before its shop is made)
            if sid is None:  # a new shop: made once its first event is known to be good
                sid = target.shop_id(shop)
                ctx[shop] = (sid, tz, cache)
            i = e.id
            if t is Message:  # (the rows bind NULL as NT / NC; the uid hashes the values as they are)
                b, snd, acc, con = e.buyer, e.sender, e.account, e.consult
                i = _hash(["message", shop, ts, b, snd, acc, con, None]) if i is None else i if type(i) is str else str(i)
                msgs((sid, ts, i, b, snd, NT if acc is None else acc, NT if con is None else con, NT, n))
            elif t is ConsultE:
                _consult_row(e, shop, sid, ts, n, rows["consults"])
                m = target.consult_min.get(sid)
                if m is None or ts < m:
                    target.consult_min[sid] = ts
            elif t is SessionEnd:
                con = e.consult
                i = _hash(["session_end", shop, ts, con, None]) if i is None else i if type(i) is str else str(i)
                ends((sid, ts, i, con, NT, n))
                target.end_shops.add(sid)
            else:
                table, typ = KIND[t]
                i = _hash([typ, shop, ts, *fields, None]) if i is None else i if type(i) is str else str(i)
                rows[table].append((sid, ts, i, *fields, None, n))
        except LineError as exc:
            target.reject(n, str(exc))
            continue
        added += 1
    return len(objs) - blank, added


def _consult_row(e: ConsultE, shop: str, sid: int, ts: int, n: int, out: list) -> None:
    o, r = e.order, e.routed
    item, intent, by, target, agent, grp = _s(e.item), e.intent, e.by, e.target, r.agent, r.group
    if o is None:
        oid = ost = car = pk = None
    else:
        oid, ost, car, pk = _s(o.id), o.state, o.carrier, o.packages
    i = e.id
    if i is None:
        i = _hash(["consult", shop, ts, e.buyer, e.source, item, oid, ost, car, pk, intent, by, target, agent, grp,
                   r.reason, None])
    elif type(i) is not str:
        i = str(i)
    out.append((sid, ts, i, e.buyer, e.source, NT if item is None else item, NT if oid is None else oid,
                NT if ost is None else ost, NT if car is None else car, NC if pk is None else pk,
                NT if intent is None else intent, NT if by is None else by, NT if target is None else target,
                NT if agent is None else agent, NT if grp is None else grp, r.reason, NT, n))


class LineDecoder:
    """Decodes lines; `tz_for(shop)` gives the zone for local times without offset."""

    def __init__(self, tz_for: Callable[[str], ZoneInfo], forced: ZoneInfo | None = None):
        self.tz_for = tz_for
        self.forced = forced  # `--tz`: also a shop_config's own zone when it has no `timezone`
        # time string → ms, one cache per (zone, shop) (a log has one or a few): no key tuple per line
        self._ts_caches: dict[tuple[ZoneInfo, str | None], dict[str, int]] = {}
        self._ts_tz: ZoneInfo | None = None
        self._ts_shop: str | None = None
        self._ts_cache: dict[str, int] = {}
        self.naive_shops: set[str] = set()  # shops with an event time without offset (read in tz_for's zone)

    def cache_for(self, tz: ZoneInfo, shop: str | None = None) -> dict[str, int]:
        """The time string → ms cache of a zone and shop (what `ts` fills; it may clear it, never
        replace it). One per shop, so that a local time without offset is seen once per shop."""
        return self._ts_caches.setdefault((tz, shop), {})

    def ts(self, value: Any, tz: ZoneInfo, shop: str | None = None) -> int:
        """`value` → epoch ms (local times read in `tz`); `shop`: the event's (None for a shop_config)."""
        if type(value) is str:
            if tz is not self._ts_tz or shop != self._ts_shop:
                self._ts_cache = self._ts_caches.setdefault((tz, shop), {})
                self._ts_tz, self._ts_shop = tz, shop
            ms = self._ts_cache.get(value)
            if ms is not None:
                return ms
        elif type(value) is int:
            if _MS_MIN <= value <= _MS_MAX:
                return value
        else:
            raise LineError("`ts`: expected a string or an integer")
        try:
            ms, naive = _parse_ts(value, tz)
        except ValueError as exc:
            text = str(exc)
            if "ISO 8601" in text:
                raise LineError(f"`ts`: not an ISO 8601 time ({value!r})") from None
            raise LineError(f"`ts`: {text}") from None
        if naive and shop is not None:
            self.naive_shops.add(shop)
        cache = self._ts_cache
        if len(cache) > 20_000:
            cache.clear()
        cache[value] = ms
        return ms

    def decode(self, data: bytes | str) -> tuple[str, str, tuple]:
        """→ (table, shop nick, row). Raises LineError."""
        try:
            return self._decode(data)
        except RecursionError:
            raise LineError("invalid JSON: nested too deeply") from None

    def _decode(self, data: bytes | str) -> tuple[str, str, tuple]:
        try:
            e = _fast.decode(data)
        except UnicodeDecodeError:
            raise LineError("invalid UTF-8 bytes") from None
        except (msgspec.ValidationError, msgspec.DecodeError):
            return self._slow(data)
        if type(e) is ShopConfig:
            try:
                body = _to_dict.decode(data)
            except UnicodeDecodeError:
                raise LineError("invalid UTF-8 bytes") from None
            except (msgspec.ValidationError, msgspec.DecodeError):
                return self._slow(data)
            return self._config(e, body)
        shop = e.shop
        ts = self.ts(e.ts, self.tz_for(shop), shop)
        fields = _fields(e)
        table, typ = KIND[type(e)]
        i = e.id
        uid = (i if type(i) is str else str(i)) if i is not None else _hash([typ, shop, ts, *fields, None])
        return table, shop, (ts, uid, *fields, None)

    def _config(self, e: ShopConfig, body: dict) -> tuple[str, str, tuple]:
        tzname = e.timezone
        try:  # its own zone: a config without `timezone` is in Asia/Shanghai (or --tz), whatever came before
            tz = zone(tzname) if tzname else (self.forced or zone(DEFAULT_TZ))
        except ValueError:
            raise LineError(f"`timezone`: unknown time zone {tzname!r}") from None
        ts = self.ts(e.ts, tz)
        try:
            validate_config(body, e.shop)
        except ConfigInvalid as exc:
            raise LineError(f"shop_config {exc}") from None
        try:
            Config.from_body(e.shop, ts, body)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError) as exc:
            what = f"missing field `{exc.args[0]}`" if isinstance(exc, KeyError) else str(exc)
            raise LineError(f"shop_config not readable: {what}") from None
        if e.id is not None:
            uid = str(e.id)
        else:
            canon = {k: v for k, v in body.items() if k != "id"}
            canon["ts"] = ts
            uid = _hash(["shop_config", canon])
        return "configs", e.shop, (ts, uid, tzname, json.dumps(body, ensure_ascii=False))

    def _slow(self, data: bytes | str) -> tuple[str, str, tuple]:
        try:
            text = data if isinstance(data, str) else data.decode("utf-8")
        except UnicodeDecodeError:
            raise LineError("invalid UTF-8 bytes") from None
        try:
            obj = json.loads(text, parse_constant=_no_constants)
        except json.JSONDecodeError as exc:
            hint = line_end_hint(text[max(exc.pos - 8, 0):exc.pos + 1]) if exc.msg == "Extra data" else ""
            raise LineError(f"invalid JSON: {exc.msg} (column {exc.colno}){hint}") from None
        except ValueError as exc:
            raise LineError(f"invalid JSON: {exc}") from None
        except RecursionError:
            raise LineError("invalid JSON: nested too deeply") from None
        if not isinstance(obj, dict):
            raise LineError(f"not a JSON object (a {type(obj).__name__})")
        _check_values(obj)
        typ = obj.get("type")
        if typ is None:
            raise LineError("missing field `type`")
        if not isinstance(typ, str):
            raise LineError("`type`: expected a string")
        cls = TYPES.get(typ)
        if cls is None:
            return self._other(obj, typ)
        known_names = set(cls.__struct_fields__) | {"type"}
        known = {k: v for k, v in obj.items() if k in known_names}
        extra = {k: v for k, v in obj.items() if k not in known_names}
        for name, sub in NESTED.get(typ, {}).items():
            val = known.get(name)
            if isinstance(val, dict):
                names = set(sub.__struct_fields__)
                sub_extra = {k: v for k, v in val.items() if k not in names}
                if sub_extra:
                    extra[name] = sub_extra
                    known[name] = {k: v for k, v in val.items() if k in names}
        try:
            e = msgspec.convert(known, cls)
        except msgspec.ValidationError as exc:
            raise LineError(_explain(exc)) from None
        if cls is ShopConfig:
            return self._config(e, obj)
        shop = e.shop
        ts = self.ts(e.ts, self.tz_for(shop), shop)
        fields = _fields(e)
        extra_json = json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None
        uid = _s(e.id) if e.id is not None else _hash([typ, shop, ts, *fields, extra_json])
        return TABLE_OF[typ], shop, (ts, uid, *fields, extra_json)

    def _other(self, obj: dict, typ: str) -> tuple[str, str, tuple]:
        shop = obj.get("shop")
        if shop is None:
            raise LineError("missing field `shop`")
        if not isinstance(shop, str) or not shop:
            raise LineError("`shop`: expected a non-empty string")
        if "ts" not in obj:
            raise LineError("missing field `ts`")
        ts = self.ts(obj["ts"], self.tz_for(shop), shop)
        if obj.get("id") is not None:
            uid = str(obj["id"])
        else:
            canon = {k: v for k, v in obj.items() if k != "id"}
            canon["ts"] = ts
            uid = _hash([typ, canon])
        return "other_events", shop, (ts, uid, typ, json.dumps(obj, ensure_ascii=False))
