"""HTML for Jupyter: tables, rulebooks, lists and the command center."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from .results import CommandCenter, ListResult
    from .rulebook import Rulebook
    from .table import Table

_STYLE = """<style>
.docket-cc {font-family: system-ui, sans-serif; font-size: 13px;}
.docket-cc h3 {margin: 14px 0 4px 0; border-bottom: 1px solid #ccc;}
.docket-cc details {margin: 4px 0 4px 8px;}
.docket-cc summary {cursor: pointer;}
.docket-cc .count {display: inline-block; min-width: 3em; padding: 0 6px; margin-right: 6px;
  border-radius: 8px; background: #e8eef9; text-align: right; font-weight: 600;}
.docket-cc .zero {background: #f1f1f1; color: #888;}
.docket-cc .action {color: #555; margin: 2px 0 4px 0; font-style: italic;}
.docket-cc .note {color: #8a5a00; margin: 2px 0;}
.docket-cc table {border-collapse: collapse; margin: 2px 0 8px 0;}
.docket-cc td, .docket-cc th {padding: 1px 8px; text-align: left; border-bottom: 1px solid #eee;}
</style>"""

_HORIZON_TITLES = {"today": "Today", "upcoming": "Upcoming", "past": "Past"}


def _fmt(v: Any) -> str:
    """A value as the command center shows it (C++'s DisplayValue), escaped."""
    from . import _docket

    return escape(_docket.display_value(v))


def list_html(l: "ListResult", top: Optional[int]) -> str:
    zero = " zero" if l.count == 0 else ""
    parts = [f"<details{' open' if l.count and top != 0 else ''}><summary>"
             f"<span class='count{zero}'>{l.count:,}</span><b>{escape(l.title)}</b> "
             f"<code>{escape(l.id)}</code></summary>"]
    if l.action:
        parts.append(f"<div class='action'>{escape(l.action)}</div>")
    if l.resources:
        links = ", ".join(_link(title, url) for title, url in l.resources)
        parts.append(f"<div>{links}</div>")
    if l.count:
        # The cells as the command center shows them (C++: NULL as —, floats of a column sharing
        # their decimals, timestamps in the run's zone).
        rows = l._display_rows(50 if top is None else top)
        header = "".join(f"<th>{escape(c)}</th>" for c in l.show)
        body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>" for row in rows)
        if rows:
            parts.append(f"<table><tr>{header}</tr>{body}</table>")
        if len(rows) < l.count:
            parts.append(f"<div class='action'>… {l.count - len(rows):,} more</div>")
    parts.append("</details>")
    return "".join(parts)


def command_center_html(cc: "CommandCenter") -> str:
    r = cc.result
    who = escape(r.owner) if r.owner is not None else "everyone"
    out = [_STYLE, "<div class='docket-cc'>",
           f"<div><b>{escape(r.name)}</b> — command center for <b>{who}</b>, as of {r.as_of} "
           f"({escape(r.time_zone)})</div>"]
    if r.missing_tables:
        out.append(f"<div class='action'>Not given (treated as empty): {escape(', '.join(r.missing_tables))}</div>")
    for h in ("today", "upcoming", "past"):
        lists = cc.horizon(h)
        if not lists:
            continue
        out.append(f"<h3>{_HORIZON_TITLES[h]} <span class='count'>{sum(l.count for l in lists):,}</span></h3>")
        out.extend(list_html(l, cc.top) for l in lists)
    if r._kpis:
        out.append("<h3>KPIs</h3><table><tr><th>KPI</th><th>value</th><th>by owner</th></tr>")
        for k in r._kpis:
            groups = ", ".join(f"{escape(o)}: {_fmt(v)}" for o, v in k["groups"][:8])
            if len(k["groups"]) > 8:
                groups += ", …"
            out.append(f"<tr><td>{escape(k['title'])}</td><td>{_fmt(k['value'])}</td><td>{groups}</td></tr>")
        out.append("</table>")
    notes = r.relation_notes  # C++'s sentences, as `docket run` prints them.
    if notes:
        out.append("<h3>Notes</h3>")
        out.extend(f"<div class='note'>{escape(n)}</div>" for n in notes)
    out.append("</div>")
    return "".join(out)


def rulebook_html(book: "Rulebook") -> str:
    rows = "".join(
        f"<tr><td>{escape(l['horizon'])}</td><td><code>{escape(l['id'])}</code></td><td>{escape(l['title'])}</td>"
        f"<td>{escape(l['table'])}</td><td><code>{escape(l['when'])}</code></td></tr>"
        for l in book.lists)
    return (f"{_STYLE}<div class='docket-cc'><b>{escape(book.name)}</b> ({escape(book.time_zone)}): "
            f"{len(book.lists)} lists, {len(book.kpis)} KPIs<table><tr><th>horizon</th><th>list</th><th>title</th>"
            f"<th>table</th><th>when</th></tr>{rows}</table></div>")


def table_html(t: "Table") -> str:
    from . import _docket

    rows = []
    for name, typ in t._native.columns:
        info = _docket._column_info(t._native, name)
        how = "view" if info["zero_copy"] else ("dictionary" if info["dictionary"] else "converted")
        rows.append(f"<tr><td>{escape(name)}</td><td>{escape(typ)}</td><td>{info['null_count']:,}</td>"
                    f"<td>{how}</td></tr>")
    return (f"{_STYLE}<div class='docket-cc'><b>docket.Table '{escape(t.name)}'</b>: {t.num_rows:,} rows"
            f"<table><tr><th>column</th><th>type</th><th>NULLs</th><th>storage</th></tr>{''.join(rows)}</table></div>")


_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def _link(title: str, url: str) -> str:
    """A resource as a link only when its URL is http, https or mailto
    (rulebooks are untrusted input, docs/security.md); anything else —
    ``javascript:``, ``data:``, relative paths — stays text."""
    if str(url).strip().lower().startswith(_SAFE_SCHEMES) and not any(c in str(url) for c in "\x00\n\r\t"):
        return f"<a href='{escape(url, quote=True)}' rel='noopener noreferrer'>{escape(title)}</a>"
    return f"{escape(title)} ({escape(url)})"
