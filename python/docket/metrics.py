"""Metrics, goals and alerts of a rulebook as tidy DataFrames and charts.

Example::

    book = docket.Rulebook.load("examples/rulebooks/activity_metrics.yaml")
    res = book.metrics(tables, as_of="2026-11-22")
    res.values()     # metric, by, value, previous
    res.series()     # metric, by, start, value
    res.goals()      # metric, by, target, value, attainment, ramping
    res.alerts()     # id, kind, valence, metric, by, value, message (warnings first)
    res.plot("accounts_touched_t30")   # a matplotlib chart of the series per group
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any, Dict, List, Optional

__all__ = ["MetricsResult"]


class MetricsResult:
    """The metrics of one run: values per group, series, goals and the alert feed.

    ``raw`` is the JSON object of ``docket metrics --format json``; ``warnings``
    lists what was noticed without failing (a goal for a group absent from
    the data, a ratio over a zero denominator).
    """

    def __init__(self, json_text: str, warnings: List[str]) -> None:
        self.raw: Dict[str, Any] = json.loads(json_text)
        self.warnings: List[str] = list(warnings)

    @property
    def as_of(self) -> _dt.date:
        return _dt.date.fromisoformat(self.raw["as_of"])

    def metric(self, metric_id: str) -> Dict[str, Any]:
        """One metric's JSON object (id, title, interval, grain, total, values, series)."""
        for m in self.raw["metrics"]:
            if m["id"] == metric_id:
                return m
        ids = ", ".join(m["id"] for m in self.raw["metrics"])
        raise KeyError(f"unknown metric '{metric_id}' (the metrics are: {ids})")

    def totals(self):
        """One row per metric: metric, title, start, end, grain, total."""
        import pandas as pd

        rows = [{"metric": m["id"], "title": m["title"], "start": _date(m["interval"]["start"]),
                 "end": _date(m["interval"]["end"]), "grain": m["grain"], "total": m["total"]}
                for m in self.raw["metrics"]]
        return pd.DataFrame(rows, columns=["metric", "title", "start", "end", "grain", "total"])

    def values(self):
        """Tidy: one row per (metric, group): metric, by, value, previous (by None: the NULL group)."""
        import pandas as pd

        rows = [{"metric": m["id"], "by": v["by"], "value": v["value"], "previous": v["previous"]}
                for m in self.raw["metrics"] for v in m["values"]]
        return pd.DataFrame(rows, columns=["metric", "by", "value", "previous"])

    def series(self):
        """Tidy: one row per (metric, group, grain period): metric, by, start, value."""
        import pandas as pd

        rows = [{"metric": m["id"], "by": v["by"], "start": _date(s["start"]), "value": v["value"]}
                for m in self.raw["metrics"] for s in m["series"] for v in s["values"]]
        frame = pd.DataFrame(rows, columns=["metric", "by", "start", "value"])
        frame["start"] = pd.to_datetime(frame["start"])
        return frame

    def goals(self):
        """metric, by, target, value, attainment, ramping."""
        import pandas as pd

        return pd.DataFrame(self.raw["goals"], columns=["metric", "by", "target", "value", "attainment", "ramping"])

    def alerts(self):
        """The alert feed, warnings first: id, kind, valence, metric, by, value, message, audience."""
        import pandas as pd

        rows = [dict(a, audience=a.get("audience")) for a in self.raw["alerts"]]
        return pd.DataFrame(rows, columns=["id", "kind", "valence", "metric", "by", "value", "message", "audience"])

    def plot(self, metric_id: str, ax: Optional[Any] = None):
        """A line chart of the metric's series, one line per group; returns the Axes.

        The metric needs a ``grain:``; without one it is a bar chart of the values.
        """
        import matplotlib.pyplot as plt

        m = self.metric(metric_id)
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 4))
        if m["series"]:
            starts = [_date(s["start"]) for s in m["series"]]
            groups = [v["by"] for v in m["series"][0]["values"]]
            for g in groups:
                ys = []
                for s in m["series"]:
                    y = next((v["value"] for v in s["values"] if v["by"] == g), None)
                    ys.append(float("nan") if y is None else y)
                ax.plot(starts, ys, marker="o", label="(none)" if g is None else g)
            ax.set_xlabel(f"{m['grain']} starting")
            ax.legend(fontsize="small", ncol=2)
        else:
            labels = ["(none)" if v["by"] is None else v["by"] for v in m["values"]]
            ax.bar(labels, [0 if v["value"] is None else v["value"] for v in m["values"]])
            ax.tick_params(axis="x", rotation=45)
        ax.set_title(f"{m['title']} ({m['interval']['start']} – {m['interval']['end']})")
        return ax

    def __repr__(self) -> str:
        return (f"<docket.MetricsResult as of {self.raw['as_of']}: {len(self.raw['metrics'])} metrics, "
                f"{len(self.raw['goals'])} goals, {len(self.raw['alerts'])} alerts>")


def _date(text: str) -> _dt.date:
    return _dt.date.fromisoformat(text)
