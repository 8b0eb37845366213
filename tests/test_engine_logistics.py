"""logistics_check(): each condition of the spec's logistics section."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from engine_helpers import HOUR, T0, LogisticsSettings, config, consult
from shunt.engine import logistics_check

SH = ZoneInfo("Asia/Shanghai")
ON = config(logistics=LogisticsSettings(enabled=True))


def ok_consult(**kw):
    base = dict(order_state="shipped", carrier="ZTO", packages=1, intent="logistics.eta")
    base.update(kw)
    return consult("order_page", **base)


def outcomes(steps):
    return {s.name: s.outcome for s in steps}


def test_all_hold():
    ok, steps = logistics_check(ON, ok_consult(), "platform", T0, SH)  # 10:40 local
    assert ok is True
    assert [s.rule for s in steps] == ["L1", "L2", "L3", "L4", "L5", "L6"]
    assert set(outcomes(steps).values()) == {"pass"}
    assert ok_consult(order_state="partially_shipped") and logistics_check(
        ON, ok_consult(order_state="partially_shipped"), "platform", T0, SH)[0]


@pytest.mark.parametrize("cfg, c, at, failing", [
    (config(), ok_consult(), T0, "enabled"),
    (None, ok_consult(), T0, "enabled"),
    (ON, ok_consult(), T0 + 11 * HOUR, "hours"),  # 21:40 local
    (ON, ok_consult(order_state="signed"), T0, "order_state"),
    (ON, ok_consult(packages=2), T0, "one_package"),
    (ON, ok_consult(packages=None), T0, "one_package"),
    (ON, ok_consult(carrier="SF"), T0, "carrier"),
    (ON, ok_consult(intent="presale.size"), T0, "intent"),
    (ON, ok_consult(intent=None), T0, "intent"),
])
def test_each_condition_fails_alone(cfg, c, at, failing):
    ok, steps = logistics_check(cfg, c, "platform", at, SH)
    assert ok is False
    assert [n for n, o in outcomes(steps).items() if o == "fail"] == [failing]


def test_hours_edges_and_timezone_default():
    nine = T0 - (1 * HOUR + 40 * 60_000)  # 09:00:00 local
    assert logistics_check(ON, ok_consult(), "platform", nine, SH)[0] is True
    assert logistics_check(ON, ok_consult(), "platform", nine - 1000, SH)[0] is False
    assert logistics_check(ON, ok_consult(), "platform", T0 + 10 * HOUR + 20 * 60_000, SH)[0] is False  # 21:00 exactly
    # tz None: the config's timezone (Asia/Shanghai)
    assert logistics_check(ON, ok_consult(), "platform", T0, None)[0] is True


def test_merchant_invitation_needs_no_intent():
    ok, steps = logistics_check(ON, ok_consult(intent=None), "merchant", T0, SH)
    assert ok is True and outcomes(steps)["intent"] == "skip"
    ok, _ = logistics_check(ON, ok_consult(intent=None, carrier="SF"), "merchant", T0, SH)
    assert ok is False


def test_allowed_is_the_checks_verdict():
    """logistics_allowed (generate's fast path) says what logistics_check's verdict says."""
    from shunt.engine.logistics import logistics_allowed

    cfgs = [None, config(), ON, config(logistics=LogisticsSettings(enabled=True, hours=("22:00", "06:00"))),
            config(logistics=LogisticsSettings(enabled=True, carriers=("sf",)))]
    consults = [ok_consult(), ok_consult(order_state="signed"), ok_consult(order_state="partially_shipped"),
                ok_consult(packages=2), ok_consult(packages=None), ok_consult(carrier=None), ok_consult(carrier="SF"),
                ok_consult(carrier="zto"), ok_consult(intent=None), ok_consult(intent="presale.size"),
                consult("unknown")]
    n = 0
    for cfg in cfgs:
        for c in consults:
            for by in ("platform", "merchant"):
                for at in range(T0 - 12 * HOUR, T0 + 13 * HOUR, HOUR // 2):
                    ok = logistics_check(cfg, c, by, at, SH)[0]
                    assert logistics_allowed(cfg, c, by, at, SH) is ok
                    n += ok
    assert n > 0
