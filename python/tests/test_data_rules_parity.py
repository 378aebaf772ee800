"""One set of data rules (issue 14): the CLI and Python apply the same C++
functions (lib/rulebook/data_rules.h, lib/io/infer.h) and say the same
thing.  Each test runs `docket` and the Python package on the same input and
compares the error or warning text: missing and misspelled tables, extra
and missing columns, type inference, keys, owners.  docs/data.md, "CLI and
Python: the data rules", lists what must still differ and why."""

import shutil
import subprocess

import pandas as pd
import pytest

import docket
from conftest import CLI, DATA, RULEBOOKS, needs_engine

pytestmark = needs_engine

AS_OF = "2026-11-22"
BOOK = RULEBOOKS / "csm_hub.yaml"


def _cli(*args):
    if not CLI.exists():
        pytest.skip(f"{CLI} is not built (set DOCKET_BUILD)")
    return subprocess.run([str(CLI), *map(str, args)], capture_output=True, text=True, timeout=120)


def _warnings(stderr):
    return [line[len("docket: warning: "):] for line in stderr.splitlines() if line.startswith("docket: warning: ")]


def _frames(*tables):
    return {t: pd.read_csv(DATA / f"{t}.csv", keep_default_na=False, na_values=[""]) for t in tables}


def _dir(tmp_path, files):
    for src, dst in files.items():
        shutil.copy(DATA / f"{src}.csv", tmp_path / f"{dst}.csv")
    return tmp_path


def test_declared_table_without_data_warns_the_same(tmp_path):
    cli = _cli("run", BOOK, "--data", _dir(tmp_path, {"accounts": "accounts"}), "--as-of", AS_OF, "--format", "json")
    assert cli.returncode == 0, cli.stderr
    cli_warnings = _warnings(cli.stderr)
    with pytest.warns(docket.DocketWarning):
        res = docket.Rulebook.load(BOOK).run(_frames("accounts"), as_of=AS_OF)
    missing = [w for w in res.warnings if "given no data" in w]
    assert missing and missing == [w for w in cli_warnings if "given no data" in w]


def test_misspelled_table_is_the_same_error(tmp_path):
    cli = _cli("run", BOOK, "--data", _dir(tmp_path, {"accounts": "acounts", "contacts": "contacts"}),
               "--as-of", AS_OF)
    assert cli.returncode == 1
    with pytest.raises(docket.DataError) as e:
        docket.Rulebook.load(BOOK).run({"acounts": _frames("accounts")["accounts"]}, as_of=AS_OF)
    expected = "table 'acounts' is not declared — did you mean 'accounts'?"
    assert expected in str(e.value) and expected in cli.stderr
    assert f"{tmp_path / 'acounts.csv'}: " in cli.stderr  # The CLI names the file.


def test_owner_who_owns_nothing_warns_the_same():
    cli = _cli("run", BOOK, "--data", DATA, "--as-of", AS_OF, "--owner", "Alicee", "--format", "json")
    assert cli.returncode == 0, cli.stderr
    with pytest.warns(docket.DocketWarning):
        res = docket.Rulebook.load(BOOK).run(_frames("accounts", "contacts"), as_of=AS_OF, owner="Alicee")
    owner = [w for w in res.warnings if "owner 'Alicee'" in w]
    assert owner and owner == [w for w in _warnings(cli.stderr) if "owner 'Alicee'" in w]
    assert "did you mean 'Alice Chen'?" in owner[0]


@pytest.mark.parametrize("bad,good,rule", [
    ("2026-02-30", "2026-01-01", "v > DATE '2026-01-15'"),
    ("NULL", "2026-01-01", "v > DATE '2026-01-15'"),
    ("N/A", "10", "v > 15"),
    ("99999999999999999999", "10", "v > 15"),
    ("yes", "true", "v"),
])
def test_inference_fallback_is_the_same(tmp_path, bad, good, rule):
    # One classifier (io/infer.h): the same value is blamed, with the same other-values type;
    # only the where differs (t.csv:3 against row 1 (index 1)).
    (tmp_path / "t.csv").write_text(f"id,v\na,{good}\nb,{bad}\nc,{good}\n")
    cli = _cli("eval", "--data", tmp_path / "t.csv", "--where", rule)
    assert cli.returncode == 2
    df = pd.DataFrame({"id": ["a", "b", "c"], "v": [good, bad, good]})
    with pytest.raises(docket.CompileError) as e:
        docket.compile(rule, df)
    common = f"column 'v' was read as string because of the value '{bad}' at "
    assert common + f"{tmp_path / 't.csv'}:3 (" in cli.stderr
    assert common + "row 1 (index 1) (" in str(e.value)
    cli_type = cli.stderr.split("its other values are ")[1].split(")")[0]
    py_type = str(e.value).split("its other values are ")[1].split(")")[0]
    assert cli_type == py_type


ALL = ("accounts", "contacts", "activities", "tasks", "success_plans", "objectives", "playbooks", "conversations",
       "opportunities", "requests", "reps")


def _edited(tmp_path, edit):
    """The example data with accounts.csv's lines passed through `edit` (text, so the CLI and
    Python read the very same file), and the frames Python gets from it."""
    d = _dir(tmp_path, {t: t for t in ALL})
    lines = (DATA / "accounts.csv").read_text().split("\n")
    (d / "accounts.csv").write_text("\n".join(edit(lines)))
    frames = _frames(*[t for t in ALL if t != "accounts"])
    frames["accounts"] = pd.read_csv(d / "accounts.csv", keep_default_na=False, na_values=[""])
    return d, frames


def _with_scratch(lines):
    return [lines[0] + ",scratch"] + [line + ",1" if line else line for line in lines[1:]]


def test_extra_columns_warn_the_same(tmp_path):
    # One rule (io/data_columns.h): an undeclared column is ignored with a warning naming it and
    # saying how to use it; the CLI names the file, Python the table.
    d, frames = _edited(tmp_path, _with_scratch)
    cli = _cli("run", BOOK, "--data", d, "--as-of", AS_OF, "--format", "json")
    assert cli.returncode == 0, cli.stderr
    cli_w = [w for w in _warnings(cli.stderr) if "scratch" in w]
    with pytest.warns(docket.DocketWarning, match="column 'scratch' of table 'accounts' is not declared"):
        res = docket.Rulebook.load(BOOK).run(frames, as_of=AS_OF)
    py_w = [w for w in res.warnings if "scratch" in w]
    assert len(cli_w) == 1 and len(py_w) == 1
    assert cli_w[0] == f"{d / 'accounts.csv'}: " + py_w[0]
    assert "declare it under tables: accounts: columns:" in py_w[0]
    # ... and ignoring it changes nothing.
    plain = _cli("run", BOOK, "--data", DATA, "--as-of", AS_OF, "--format", "json")
    assert plain.stdout == cli.stdout


def test_a_rule_naming_an_undeclared_column_is_the_same_compile_error(tmp_path):
    d, frames = _edited(tmp_path, _with_scratch)
    text = BOOK.read_text().replace("    when: customer AND usage_dropped\n",
                                    "    when: customer AND usage_dropped AND scratch > 3\n")
    assert "scratch > 3" in text
    (tmp_path / "book.yaml").write_text(text)
    cli = _cli("run", tmp_path / "book.yaml", "--data", d, "--as-of", AS_OF)
    assert cli.returncode == 2, cli.stderr
    with pytest.raises(docket.CompileError) as e, pytest.warns(docket.DocketWarning):
        docket.Rulebook.from_yaml(text, str(tmp_path / "book.yaml")).run(frames, as_of=AS_OF)
    expected = "column 'scratch' is in the data of accounts but not declared in its schema"
    assert expected in cli.stderr and expected in str(e.value)
    assert str(e.value).splitlines()[0] in cli.stderr  # The same file:line:column and text.


def test_a_missing_declared_column_is_the_same_error(tmp_path):
    d, frames = _edited(tmp_path, lambda lines: [lines[0].replace(",pulse,", ",plse,")] + lines[1:])
    cli = _cli("run", BOOK, "--data", d, "--as-of", AS_OF)
    assert cli.returncode == 1
    with pytest.raises(docket.DataError) as e:
        docket.Rulebook.load(BOOK).run(frames, as_of=AS_OF)
    expected = ("missing column 'pulse' (string): the schema of table 'accounts' declares it, but the data has no "
                "such column — the data has a column 'plse': did you mean 'pulse'?")
    assert f"{d / 'accounts.csv'}:1:1: {expected}" in cli.stderr
    assert expected in str(e.value)


@pytest.mark.parametrize("case", ["duplicate", "null", "empty"])
def test_key_checks_are_the_same(tmp_path, case):
    # One key rule (storage/keys.h): the CLI names file:line, Python row N (index L).
    first_id = (DATA / "accounts.csv").read_text().split("\n")[2].split(",")[0]
    key = {"duplicate": first_id, "null": "", "empty": '""'}[case]

    def edit(lines):
        lines[4] = key + lines[4][lines[4].index(","):]  # Data row 3 (file line 5).
        return lines

    d, frames = _edited(tmp_path, edit)
    accounts = frames["accounts"]
    accounts.index = [f"r{i}" for i in range(len(accounts))]
    if case == "empty":  # read_csv reads "" as missing: the frame gets the empty string itself.
        accounts.iloc[3, 0] = ""
    what = {"duplicate": f"duplicate key '{first_id}' in column id of table accounts",
            "null": "NULL key in column id of table accounts",
            "empty": "empty key '' in column id of table accounts"}[case]
    cli_where = " (first on line 3)" if case == "duplicate" else ""
    py_where = " at row 3 (index 'r3')" + (" (first on row 1 (index 'r1'))" if case == "duplicate" else "")
    cli = _cli("run", BOOK, "--data", d, "--as-of", AS_OF)
    assert cli.returncode == 1, cli.stderr
    with pytest.raises(docket.DataError) as e:
        docket.Rulebook.load(BOOK).run(frames, as_of=AS_OF)
    assert f"{d / 'accounts.csv'}:5:1: {what}{cli_where} — " in cli.stderr
    assert str(e.value).startswith(f"{what}{py_where} — ")
    assert cli.stderr.split(" — ")[1].strip() == str(e.value).split(" — ")[1].strip()  # The same hint.


def test_eval_schema_reads_only_the_tables_it_needs(tmp_path):
    # docket eval --schema DIR --table T: the shared table rule over the tables the predicate reads.
    d = _dir(tmp_path, {"accounts": "accounts", "contacts": "contacts"})
    header = (DATA / "tasks.csv").read_text().split("\n")[0]
    (d / "tasks.csv").write_text(header + "\nbroken\n")
    schema = DATA.parent / "schema.yaml"
    ok = _cli("eval", "--data", d, "--schema", schema, "--table", "accounts", "--where",
              "exists(contacts WHERE is_champion)", "--format", "count", "--as-of", AS_OF)
    assert ok.returncode == 0, ok.stderr
    bad = _cli("eval", "--data", d, "--schema", schema, "--table", "accounts", "--where", "exists(tasks)",
               "--as-of", AS_OF)
    assert bad.returncode == 1 and f"{d / 'tasks.csv'}:2:1: record has 1 fields" in bad.stderr
    # Python's equivalent: the same count over the same two frames.
    book_tables = docket.Schema.load(str(schema))
    with pytest.warns(docket.DocketWarning, match="given no data"):
        snap = book_tables.prepare(_frames("accounts", "contacts"))
    got = docket.count(snap, "exists(contacts WHERE is_champion)", table="accounts", as_of=AS_OF)
    assert int(ok.stdout) == got
