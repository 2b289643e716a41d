"""Readings of a survey result that does not add up (chapter 5).

In October 2016 the HSJ and PA Consulting asked the leaders of clinical commissioning
groups (CCGs) how confident they were that their STP would have its planned impact; 99
replied. The equwell blog (autumn 2016) reported the answer as 66% low, 47% medium and
1% high confidence: 114% in all, so the three shares cannot all be right. PA
Consulting's own summary says 65% had "low or very low" confidence, and the HSJ
published the counts: 18 very low, 47 low, 33 moderate, 1 high, 0 very high.

Each reading below is one way to read the printed shares, documented with what it
assumes. Every one takes the shares as printed (percent, keys ``low``, ``medium``,
``high``) and returns percent shares with the same keys. Only ``as_reported`` may sum
to anything but 100. ``from_counts`` groups the HSJ's own counts into the same three
levels, for comparison with the readings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..errors import ParameterError

LEVELS = ("low", "medium", "high")

# The HSJ's five answers grouped into the blog's three levels: the grouping that makes
# the counts reproduce the blog's 66% and 1% (18 + 47 = 65 of 99 is 65.7%).
COUNT_GROUPS = {"low": ("very low", "low"), "medium": ("moderate",), "high": ("high", "very high")}


def _check(reported: Mapping[str, float]) -> None:
    missing = [k for k in LEVELS if k not in reported]
    if missing:
        raise ParameterError(f"survey shares: missing {missing}; expected keys {LEVELS}")
    for key in LEVELS:
        if not 0 <= reported[key] <= 100:
            raise ParameterError(
                f"survey share {key!r} is a percentage from 0 to 100, got {reported[key]}"
            )


def as_reported(reported: Mapping[str, float]) -> dict[str, float]:
    """The shares exactly as printed (66, 47 and 1: they sum to 114)."""
    _check(reported)
    return {k: float(reported[k]) for k in LEVELS}


def rescaled(reported: Mapping[str, float]) -> dict[str, float]:
    """Keep the proportions between the three shares and scale them to sum to 100
    (66/114 = 57.9% low). Assumes each share is wrong by the same factor."""
    _check(reported)
    total = sum(reported[k] for k in LEVELS)
    if total == 0:
        raise ParameterError("survey shares: all three are zero, nothing to rescale")
    return {k: 100 * reported[k] / total for k in LEVELS}


def low_is_65_low_or_very_low(
    reported: Mapping[str, float], low_or_very_low: float = 65.0
) -> dict[str, float]:
    """Take "low" from PA Consulting's own summary (65% had low or very low
    confidence), keep "high" as printed and give "medium" the rest. Assumes the
    medium share is the one misprinted."""
    _check(reported)
    if not 0 <= low_or_very_low + reported["high"] <= 100:
        raise ParameterError(
            f"low ({low_or_very_low}) and high ({reported['high']}) exceed 100% together"
        )
    return {
        "low": float(low_or_very_low),
        "medium": 100.0 - low_or_very_low - reported["high"],
        "high": float(reported["high"]),
    }


def medium_is_33(reported: Mapping[str, float]) -> dict[str, float]:
    """Keep "low" and "high" as printed and read "medium" as whatever makes 100
    (33% with the printed 66 and 1): a slip in the medium figure."""
    _check(reported)
    rest = 100.0 - reported["low"] - reported["high"]
    if rest < 0:
        raise ParameterError(
            f"low ({reported['low']}) and high ({reported['high']}) exceed 100% together"
        )
    return {"low": float(reported["low"]), "medium": rest, "high": float(reported["high"])}


READINGS: dict[str, Callable[[Mapping[str, float]], dict[str, float]]] = {
    "as_reported": as_reported,
    "rescaled": rescaled,
    "low_is_65_low_or_very_low": low_is_65_low_or_very_low,
    "medium_is_33": medium_is_33,
}

# Words for readers (drop-down labels, tables): short enough for a phone.
DESCRIPTIONS = {
    "as_reported": "As printed (adds up to 114%)",
    "rescaled": "Rescaled to add up to 100%",
    "low_is_65_low_or_very_low": "Low from PA Consulting's 65%",
    "medium_is_33": "Medium read as 33%",
}


def reading(name: str, reported: Mapping[str, float]) -> dict[str, float]:
    """Apply the reading called ``name`` (one of READINGS) to the printed shares."""
    if name not in READINGS:
        raise ParameterError(
            f"survey_reading {name!r} is unknown; choose one of {', '.join(READINGS)}"
        )
    return READINGS[name](reported)


def total(shares: Mapping[str, float]) -> float:
    """What the three shares add up to, in percent."""
    return float(sum(shares[k] for k in LEVELS))


def all_readings(reported: Mapping[str, float]) -> list[dict[str, object]]:
    """Every reading as tidy rows: reading, description, level, share_pct, total_pct."""
    rows: list[dict[str, object]] = []
    for name in READINGS:
        shares = reading(name, reported)
        whole = total(shares)
        for level in LEVELS:
            rows.append(
                {
                    "reading": name,
                    "description": DESCRIPTIONS[name],
                    "level": level,
                    "share_pct": shares[level],
                    "total_pct": whole,
                }
            )
    return rows


def from_counts(counts: Mapping[str, int]) -> dict[str, float]:
    """The survey's own counts (answer -> respondents; answers as the HSJ named them)
    grouped into the three levels of ``COUNT_GROUPS``, as percent of all respondents."""
    known = {a for answers in COUNT_GROUPS.values() for a in answers}
    unknown = sorted(set(counts) - known)
    if unknown:
        raise ParameterError(f"survey counts: unknown answers {unknown}; expected {sorted(known)}")
    if any(n < 0 for n in counts.values()):
        raise ParameterError("survey counts: a count is negative")
    respondents = sum(counts.values())
    if respondents == 0:
        raise ParameterError("survey counts: no respondents")
    return {
        level: 100 * sum(counts.get(a, 0) for a in answers) / respondents
        for level, answers in COUNT_GROUPS.items()
    }
