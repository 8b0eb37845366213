"""What a load did: rows added and skipped by event type, rejected lines, conflicts, files."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LoadReport:
    loaded: dict[str, int] = field(default_factory=dict)  # event type → rows added
    duplicates_by_type: dict[str, int] = field(default_factory=dict)  # event type → already there
    rejected: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line number, why)
    unknown_types: dict[str, int] = field(default_factory=dict)  # unknown type → lines (kept in other_events)
    files: list[str] = field(default_factory=list)
    skipped_files: list[str] = field(default_factory=list)  # strict mode: files with a bad line
    lines: int = 0
    bytes: int = 0
    seconds: float = 0.0
    encodings: dict[str, str] = field(default_factory=dict)  # file → encoding used
    warnings: list[str] = field(default_factory=list)  # what the load could not do (store/zones.py)
    conflicts: list = field(default_factory=list)  # conflicts.Conflict: an id already loaded with other content
    conflicts_by_type: dict[str, int] = field(default_factory=dict)

    @property
    def total_loaded(self) -> int:
        return sum(self.loaded.values())

    @property
    def duplicates(self) -> int:
        """Events skipped because the database already held them (or the same load did)."""
        return sum(self.duplicates_by_type.values())

    total_duplicates = duplicates

    @property
    def unknown(self) -> int:
        """Lines of an unknown type (kept in other_events, not rejected)."""
        return sum(self.unknown_types.values())

    unknown_count = unknown

    def as_dict(self) -> dict:
        return {
            "files": self.files, "loaded": dict(sorted(self.loaded.items())), "duplicates": self.duplicates,
            "duplicates_by_type": dict(sorted(self.duplicates_by_type.items())),
            "unknown_types": self.unknown_types,
            "rejected": [{"file": f, "line": n, "why": w} for f, n, w in self.rejected],
            "skipped_files": self.skipped_files, "lines": self.lines, "seconds": round(self.seconds, 3),
            "warnings": self.warnings, "conflicts": len(self.conflicts),
            "conflicting": [c.as_dict() for c in self.conflicts],
        }
