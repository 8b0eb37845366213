"""ReplayTracker: the Tracker as counterfactual replays drive it (balance, simulate).

- its States share the tracker's live maps (`Tracker.live_state`): read each State before the
  next event is fed (a replay decides and drops it);
- `transform`: the config replayed in place of the recorded one (simulate's changed config);
  `recorded_config` keeps the one the log says was in force;
- `override`: the decision recorded for the next consult fed, in place of the logged one
  (simulate feeds its own picks, so loads and recent contacts follow the simulated assignment);
- recent contacts are carried over the wider window of the replayed and the recorded config.
Driven by `store.sweep(..., tracker=...)`, so seeding and the event order are the store's.
"""

from __future__ import annotations

from typing import Callable

from .model import Config, Consult, Routed, State, recent_window_ms
from .tracker import Tracker


class ReplayTracker(Tracker):
    """A Tracker whose States share its live maps, with an optional config transform."""

    def __init__(self, transform: Callable[[Config], Config] | None = None, extra_hours: float = 0.0) -> None:
        """`extra_hours`: keep recent contacts at least this long (the replayed config's window)."""
        super().__init__()
        self.transform = transform
        self.recorded_config: Config | None = None  # the config the log says was in force
        self.override: Routed | None = None  # the decision to record for the next consult fed
        self.extra_hours = float(extra_hours)
        self._wide_ms = 0  # set with each config

    def set_config(self, cfg: Config) -> None:
        self.recorded_config = cfg
        new = self.transform(cfg) if self.transform is not None else cfg
        super().set_config(new)
        self.keep_recent(max(float(cfg.settings.recent_contact_hours or 0), self.extra_hours))
        # the recent-contact window states carry: the wider of the replayed and the recorded config's
        self._wide_ms = recent_window_ms(max(float(new.settings.recent_contact_hours or 0),
                                             float(cfg.settings.recent_contact_hours or 0)))

    def consult(self, consult: Consult, routed: Routed) -> None:
        if self.override is not None:
            routed, self.override = self.override, None
        super().consult(consult, routed)

    def state_for(self, consult: Consult, live_load: bool = True) -> State:
        return self.live_state(consult, self._wide_ms)
