"""Readings of a survey result that does not add up (chapter 5).

In October 2016 the HSJ and PA Consulting asked clinical commissioning group (CCG)
leaders how confident they were that their STP would have its planned impact; 99
replied. A blog post of the time (seed 004) reported the answer as 66% low, 47% medium
and 1% high confidence: 114% in all, so the three shares cannot all be right. PA
Consulting's own summary says 65% had "low or very low" confidence.

Each function below is one way to read the reported shares, documented with what it
assumes. Every one takes the shares as reported (percent, keys ``low``, ``medium``,
``high``) and returns percent shares with the same keys. Only ``as_reported`` may sum
to anything but 100.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import ParameterError

LEVELS = ("low", "medium", "high")


def _check(reported: dict[str, float]) -> None:
    missing = [k for k in LEVELS if k not in reported]
    if missing:
        raise ParameterError(f"survey shares: missing {missing}; expected keys {LEVELS}")
    for key in LEVELS:
        if not 0 <= reported[key] <= 100:
            raise ParameterError(
                f"survey share {key!r} is a percentage from 0 to 100, got {reported[key]}")


def as_reported(reported: dict[str, float]) -> dict[str, float]:
    """The shares exactly as published (66, 47 and 1: they sum to 114)."""
    _check(reported)
    return {k: float(reported[k]) for k in LEVELS}


def rescaled(reported: dict[str, float]) -> dict[str, float]:
    """Keep the proportions between the three shares and scale them to sum to 100.
    Assumes each share is equally wrong, by the same factor."""
    _check(reported)
    total = sum(reported[k] for k in LEVELS)
    if total == 0:
        raise ParameterError("survey shares: all three are zero, nothing to rescale")
    return {k: 100 * reported[k] / total for k in LEVELS}


def low_is_65_low_or_very_low(reported: dict[str, float],
                              low_or_very_low: float = 65.0) -> dict[str, float]:
    """Take "low" from PA Consulting's own summary (65% had low or very low
    confidence), keep "high" as reported and give "medium" the rest. Assumes the
    medium share is the one misreported."""
    _check(reported)
    if not 0 <= low_or_very_low + reported["high"] <= 100:
        raise ParameterError(
            f"low ({low_or_very_low}) and high ({reported['high']}) exceed 100% together")
    return {"low": float(low_or_very_low),
            "medium": 100.0 - low_or_very_low - reported["high"],
            "high": float(reported["high"])}


def medium_is_33(reported: dict[str, float]) -> dict[str, float]:
    """Keep "low" and "high" as reported and read "medium" as whatever makes 100
    (33% with the published 66 and 1): a typing slip in the medium figure."""
    _check(reported)
    rest = 100.0 - reported["low"] - reported["high"]
    if rest < 0:
        raise ParameterError(
            f"low ({reported['low']}) and high ({reported['high']}) exceed 100% together")
    return {"low": float(reported["low"]), "medium": rest, "high": float(reported["high"])}


READINGS: dict[str, Callable[[dict[str, float]], dict[str, float]]] = {
    "as_reported": as_reported,
    "rescaled": rescaled,
    "low_is_65_low_or_very_low": low_is_65_low_or_very_low,
    "medium_is_33": medium_is_33,
}

DESCRIPTIONS = {
    "as_reported": "As reported (sums to 114%)",
    "rescaled": "Rescaled to 100%",
    "low_is_65_low_or_very_low": "Low = 65% low or very low (PA Consulting)",
    "medium_is_33": "Medium read as 33%",
}


def reading(name: str, reported: dict[str, float]) -> dict[str, float]:
    """Apply the reading called ``name`` (one of READINGS) to the reported shares."""
    if name not in READINGS:
        raise ParameterError(
            f"survey_reading {name!r} is unknown; choose one of {', '.join(READINGS)}")
    return READINGS[name](reported)


def all_readings(reported: dict[str, float]) -> list[dict[str, object]]:
    """Every reading as tidy rows: reading, description, level, share_pct, total_pct."""
    rows: list[dict[str, object]] = []
    for name in READINGS:
        shares = reading(name, reported)
        total = sum(shares.values())
        for level in LEVELS:
            rows.append({"reading": name, "description": DESCRIPTIONS[name], "level": level,
                         "share_pct": shares[level], "total_pct": total})
    return rows
