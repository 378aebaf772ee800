"""book.metrics(): tidy DataFrames, goals, the alert feed and charts, equal to `docket metrics`."""

import json
import subprocess

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import docket  # noqa: E402

from conftest import CLI, DATA, REPO, RULEBOOKS, needs_engine, read_example  # noqa: E402

pytestmark = needs_engine
TEAM = REPO / "tests" / "data" / "metrics"


def team_frames():
    acts = pd.read_csv(TEAM / "data" / "activities.csv", keep_default_na=False, na_values=[""])
    acts["occurred_at"] = pd.to_datetime(acts["occurred_at"], utc=True)
    acts["minutes"] = acts["minutes"].astype("Int64")
    reps = pd.read_csv(TEAM / "data" / "reps.csv", parse_dates=["start_date"])
    return {"activities": acts, "reps": reps}


def test_values_series_goals_alerts_over_dataframes():
    book = docket.Rulebook.load(TEAM / "team.yaml")
    res = book.metrics(team_frames(), as_of="2026-11-22")
    v = res.values()
    assert list(v.columns) == ["metric", "by", "value", "previous"]
    t30 = v[(v.metric == "meetings_t30") & v.by.notna()].set_index("by")
    assert t30.loc["Ann", "value"] == 3 and t30.loc["Cy", "previous"] == 1
    assert v[(v.metric == "meetings_t30") & v.by.isna()].value.tolist() == [1]
    s = res.series()
    assert list(s.columns) == ["metric", "by", "start", "value"]
    ann = s[(s.metric == "meetings_t30") & (s.by == "Ann")]
    assert ann.value.tolist() == [0, 0, 2, 0, 1]
    assert str(ann.start.iloc[0].date()) == "2026-10-19"
    g = res.goals().set_index("by")
    assert g.loc["Bo", "ramping"] and g.loc["Ann", "attainment"] == 1.5
    a = res.alerts()
    assert a.valence.tolist() == ["warning", "warning", "positive"]
    assert any("'Zed'" in w for w in res.warnings)
    assert res.metric("minutes_per_meeting")["values"][1]["value"] is None  # Zero denominator.


def test_owner_scope_and_params():
    book = docket.Rulebook.load(TEAM / "team.yaml")
    res = book.metrics(team_frames(), as_of="2026-11-22", owner="Ann")
    assert res.values().query("metric == 'meetings_t30'").by.tolist() == ["Ann"]
    with pytest.raises(KeyError, match="unknown metric"):
        res.metric("nope")


def test_equals_the_cli_json():
    book = docket.Rulebook.load(RULEBOOKS / "activity_metrics.yaml")
    tables = {t: read_example(t) for t in ("accounts", "contacts", "activities", "opportunities", "reps")}
    res = book.metrics(tables, as_of="2026-11-22")
    out = subprocess.run([str(CLI), "metrics", str(RULEBOOKS / "activity_metrics.yaml"), "--data", str(DATA),
                          "--as-of", "2026-11-22", "--format", "json"], check=True, capture_output=True, text=True)
    assert res.raw == json.loads(out.stdout)
    assert len(res.alerts()) > 0 and {"warning", "positive"} <= set(res.alerts().valence)


def test_plot_draws_one_line_per_group(tmp_path):
    book = docket.Rulebook.load(TEAM / "team.yaml")
    res = book.metrics(team_frames(), as_of="2026-11-22")
    ax = res.plot("meetings_t30")
    assert len(ax.get_lines()) == 4  # Ann, Bo, Cy and the NULL group.
    ax.figure.savefig(tmp_path / "m.png")
    assert (tmp_path / "m.png").stat().st_size > 1000
    ax2 = res.plot("minutes_t30")  # No grain: bars.
    assert len(ax2.patches) == 4


def test_compile_error_points_into_the_yaml():
    text = (TEAM / "team.yaml").read_text().replace("numerator: minutes_t30", "numerator: minute_t30")
    with pytest.raises(docket.CompileError, match="did you mean 'minutes_t30'"):
        docket.Rulebook.from_yaml(text, "team.yaml")
