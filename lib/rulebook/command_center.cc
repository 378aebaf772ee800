#include "rulebook/command_center.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "io/format.h"
#include "rulebook/absl_compat.h"
#include "rulebook/rows.h"

namespace docket::rulebook {

namespace {

constexpr int kMaxCellChars = 32;

std::string Bold(std::string_view s, bool color) {
  return color ? absl::StrCat("\x1b[1m", Sv(s), "\x1b[0m") : std::string(s);
}
std::string Dim(std::string_view s, bool color) {
  return color ? absl::StrCat("\x1b[2m", Sv(s), "\x1b[0m") : std::string(s);
}

// Groups the digits of a non-negative integer text: 1234567 → 1,234,567.
std::string GroupThousands(std::string digits) {
  std::string out;
  int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// Thousands separators; `decimals` < 0: none for whole numbers, else 2.
std::string FormatNumber(double d, int decimals = -1) {
  if (!std::isfinite(d)) return absl::StrCat(d);
  bool negative = d < 0;
  double a = std::fabs(d);
  std::string text;
  if (a >= 1e15) return absl::StrFormat("%g", d);
  if (decimals < 0) decimals = a == std::floor(a) ? 0 : 2;
  if (decimals == 0) {
    text = GroupThousands(absl::StrFormat("%.0f", a));
  } else {
    std::string fixed = absl::StrFormat("%.*f", decimals, a);
    size_t dot = fixed.find('.');
    text = absl::StrCat(GroupThousands(fixed.substr(0, dot)), fixed.substr(dot));
  }
  return negative ? absl::StrCat("-", text) : text;
}

std::string Truncate(std::string s, int64_t max_chars) {
  if (io::DisplayWidth(s) <= max_chars) return s;
  // Cut at a character boundary, leaving room for the ellipsis.
  std::string out;
  int64_t w = 0;
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0xF0)
      len = 4;
    else if (c >= 0xE0)
      len = 3;
    else if (c >= 0xC0)
      len = 2;
    len = std::min(len, s.size() - i);
    int64_t cw = io::DisplayWidth(std::string_view(s).substr(i, len));
    if (w + cw > max_chars - 1) break;
    out.append(s, i, len);
    w += cw;
    i += len;
  }
  return out + "…";
}

std::string Pad(const std::string& s, int64_t width, bool right) {
  int64_t pad = std::max<int64_t>(0, width - io::DisplayWidth(s));
  return right ? absl::StrCat(std::string(static_cast<size_t>(pad), ' '), s)
               : absl::StrCat(s, std::string(static_cast<size_t>(pad), ' '));
}

// A heading rule: "━━ TODAY ━━━━…" filling the width.
std::string Rule(std::string_view title, int width, bool color) {
  std::string head = absl::StrCat("━━ ", Sv(title), " ");
  int64_t fill = std::max<int64_t>(3, width - io::DisplayWidth(head));
  std::string line = head;
  for (int64_t i = 0; i < fill; ++i) line += "━";
  return Bold(line, color);
}

std::string Plural(int64_t n, std::string_view one, std::string_view many) {
  return absl::StrCat(FormatNumber(static_cast<double>(n)), " ", n == 1 ? Sv(one) : Sv(many));
}

std::string KpiLabel(const KpiResult& k) {
  if (k.measure.kind == MeasureKind::kCount) return absl::StrCat("rows of ", k.list);
  return absl::StrCat(k.measure.ToString(), " of ", k.list);
}

// Word-wraps `text` to `width` columns, every line starting with `indent`
// (the first with `first` instead).
std::string Wrap(std::string_view text, int64_t width, std::string_view first,
                 std::string_view indent) {
  std::string out(first);
  int64_t col = io::DisplayWidth(first);
  bool line_has_word = false;
  for (absl::string_view word : absl::StrSplit(Sv(text), ' ', absl::SkipEmpty())) {
    int64_t w = io::DisplayWidth(std::string_view(word.data(), word.size()));
    if (line_has_word && col + 1 + w > width) {
      absl::StrAppend(&out, "\n", Sv(indent));
      col = io::DisplayWidth(indent);
      line_has_word = false;
    }
    if (line_has_word) {
      out.push_back(' ');
      ++col;
    }
    absl::StrAppend(&out, word);
    col += w;
    line_has_word = true;
  }
  return out;
}

// Cell text for people: floats of one column share their decimals (none when
// every shown value is whole), timestamps are minutes in the run's zone.
std::string DisplayCell(const Column& col, int64_t row, bool whole_floats,
                        const absl::TimeZone& zone) {
  if (col.IsNull(row)) return "—";
  if (col.type_id() == TypeId::kFloat) {
    double d = col.Values<double>()[row];
    return FormatNumber(whole_floats ? std::round(d) : d, whole_floats ? 0 : 2);
  }
  if (col.type_id() == TypeId::kTimestamp) {
    int64_t units = col.Values<int64_t>()[row];
    int64_t per = UnitsPerSecond(col.type().unit);
    int64_t secs = units / per - (units % per < 0 ? 1 : 0);
    return absl::FormatTime("%Y-%m-%d %H:%M", absl::FromUnixSeconds(secs), zone);
  }
  return DisplayValue(CellValue(col, row));
}

// The shown columns' cells at `rows` (floats of a column share their
// decimals over these rows).
std::vector<std::vector<std::string>> DisplayCells(const ListResult& list,
                                                   const std::vector<int64_t>& rows,
                                                   const absl::TimeZone& zone) {
  std::vector<const Column*> columns;
  for (const std::string& name : list.show) columns.push_back(list.data.FindColumn(name));
  std::vector<bool> whole(columns.size(), true);
  for (size_t j = 0; j < columns.size(); ++j) {
    const Column* col = columns[j];
    if (col == nullptr || col->type_id() != TypeId::kFloat) continue;
    for (int64_t r : rows) {
      if (!col->IsNull(r) && col->Values<double>()[r] != std::floor(col->Values<double>()[r]))
        whole[j] = false;
    }
  }
  std::vector<std::vector<std::string>> cells;
  for (int64_t r : rows) {
    std::vector<std::string>& row = cells.emplace_back();
    for (size_t j = 0; j < columns.size(); ++j) {
      row.push_back(columns[j] == nullptr ? "" : DisplayCell(*columns[j], r, whole[j], zone));
    }
  }
  return cells;
}

void AppendList(std::string* out, const ListResult& list, const RenderOptions& o,
                const absl::TimeZone& zone) {
  const bool c = o.color;
  std::string count = FormatNumber(static_cast<double>(list.count));
  std::string title = Truncate(list.title, o.width - 12);
  int64_t gap = std::max<int64_t>(2, o.width - io::DisplayWidth(title) - io::DisplayWidth(count));
  absl::StrAppend(out, "\n", Bold(title, c), std::string(static_cast<size_t>(gap), ' '),
                  Bold(count, c), "\n");
  if (!list.action.empty()) absl::StrAppend(out, Wrap(list.action, o.width, "  → ", "    "), "\n");
  for (const Resource& r : list.resources) {
    std::string link = r.title == r.url ? r.url : absl::StrCat(r.title, " <", r.url, ">");
    absl::StrAppend(out, Dim(Wrap(link, o.width, "  ⧉ ", "    "), c), "\n");
  }
  if (list.count == 0) {
    absl::StrAppend(out, Dim("    ✓ nothing here", c), "\n");
    return;
  }
  // The first rows the list keeps (made now, for these rows only).
  std::vector<int64_t> top;
  if (o.rows_per_list > 0) {
    list.ForEachKeptRow([&](int64_t row) {
      top.push_back(row);
      return static_cast<int64_t>(top.size()) < o.rows_per_list;
    });
  }
  const int64_t shown = static_cast<int64_t>(top.size());
  if (shown <= 0) return;
  // Cells, then widths, then aligned lines.
  std::vector<const Column*> columns;
  std::vector<bool> numeric;
  for (const std::string& name : list.show) {
    const Column* col = list.data.FindColumn(name);
    columns.push_back(col);
    numeric.push_back(col != nullptr && col->type().is_numeric());
  }
  std::vector<std::vector<std::string>> cells = {list.show};
  for (std::vector<std::string>& row : DisplayCells(list, top, zone)) {
    for (std::string& text : row) text = Truncate(std::move(text), kMaxCellChars);
    cells.push_back(std::move(row));
  }
  std::vector<int64_t> width(columns.size(), 0);
  for (const auto& row : cells) {
    for (size_t j = 0; j < row.size(); ++j) width[j] = std::max(width[j], io::DisplayWidth(row[j]));
  }
  // Fit the terminal: narrow the widest text column (not below 10) until the
  // row fits, then cut the cells to their column's width.
  auto total = [&] {
    int64_t t = 4;
    for (int64_t w : width) t += w + 2;
    return t - 2;
  };
  while (total() > o.width) {
    size_t widest = width.size();
    for (size_t j = 0; j < width.size(); ++j) {
      bool text = columns[j] != nullptr && columns[j]->type_id() == TypeId::kString;
      if (text && width[j] > 10 && (widest == width.size() || width[j] > width[widest])) widest = j;
    }
    if (widest == width.size()) break;
    --width[widest];
  }
  for (auto& row : cells) {
    for (size_t j = 0; j < row.size(); ++j) {
      if (io::DisplayWidth(row[j]) > width[j]) row[j] = Truncate(row[j], width[j]);
    }
  }
  for (size_t i = 0; i < cells.size(); ++i) {
    std::string line = "    ";
    for (size_t j = 0; j < cells[i].size(); ++j) {
      if (j > 0) line += "  ";
      bool last = j + 1 == cells[i].size();
      std::string cell = Pad(cells[i][j], width[j], numeric[j]);
      if (last && !numeric[j]) cell = cells[i][j];  // No trailing spaces.
      line += cell;
    }
    absl::StrAppend(out, i == 0 ? Dim(line, c) : line, "\n");
  }
  int64_t more = list.count - shown;
  if (more > 0)
    absl::StrAppend(out, Dim(absl::StrCat("    … ", Plural(more, "more row", "more rows")), c),
                    "\n");
}

void AppendJsonValue(std::string* out, const Value& v) { out->append(v.ToJson()); }

void AppendJsonStringField(std::string* out, std::string_view name, std::string_view value) {
  io::AppendJsonString(out, name);
  out->push_back(':');
  io::AppendJsonString(out, value);
}

}  // namespace

std::string DisplayValue(const Value& v) {
  if (v.is_null()) return "—";
  switch (v.type().id) {
    case TypeId::kInt:
      return FormatNumber(static_cast<double>(v.int_value()));
    case TypeId::kFloat:
      return FormatNumber(v.float_value());
    case TypeId::kBool:
      return v.bool_value() ? "yes" : "no";
    default:
      break;
  }
  std::string s = v.ToString();
  // One line per cell.
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\r', ' ');
  std::replace(s.begin(), s.end(), '\t', ' ');
  return s;
}

std::vector<std::vector<std::string>> DisplayRows(const ListResult& list, int64_t rows,
                                                  std::string_view time_zone) {
  absl::TimeZone zone = absl::UTCTimeZone();
  absl::LoadTimeZone(std::string(time_zone), &zone);
  std::vector<int64_t> top;
  if (rows > 0) {
    list.ForEachKeptRow([&](int64_t row) {
      top.push_back(row);
      return static_cast<int64_t>(top.size()) < rows;
    });
  }
  return DisplayCells(list, top, zone);
}

std::vector<std::string> OrphanNotes(const std::vector<RelationDiagnostics>& relations) {
  std::vector<std::string> notes;
  for (const RelationDiagnostics& r : relations) {
    if (r.null_keys == 0 && r.missing_keys == 0) continue;
    std::vector<std::string> why;
    if (r.missing_keys > 0)
      why.push_back(absl::StrCat(FormatNumber(static_cast<double>(r.missing_keys)),
                                 " with a key not in ", r.parent));
    if (r.null_keys > 0)
      why.push_back(absl::StrCat(FormatNumber(static_cast<double>(r.null_keys)), " with no key"));
    const int64_t rows = r.null_keys + r.missing_keys;
    notes.push_back(absl::StrCat(
        Plural(rows, "row", "rows"), " of ", r.table, rows == 1 ? " has" : " have", " no parent (",
        absl::StrJoin(why, ", "), "): no aggregate counts them and their parent fields are NULL"));
  }
  return notes;
}

std::string RenderCommandCenter(const RulebookResult& result, const RenderOptions& o) {
  const bool c = o.color;
  absl::TimeZone zone = absl::UTCTimeZone();
  absl::LoadTimeZone(result.time_zone, &zone);
  std::string out;
  std::string who = result.owner.has_value() ? *result.owner : "everyone";
  absl::StrAppend(&out, Bold(absl::StrCat(result.name, " — command center for ", who), c), "\n");
  int64_t rows = 0;
  for (const ListResult& l : result.lists) rows += l.count;
  absl::StrAppend(&out, "as of ", absl::FormatCivilTime(result.as_of), " (", result.time_zone,
                  ") · ", Plural(static_cast<int64_t>(result.lists.size()), "list", "lists"), " · ",
                  Plural(rows, "item", "items"), "\n");
  for (Horizon h : {Horizon::kToday, Horizon::kUpcoming, Horizon::kPast}) {
    bool any = false;
    for (const ListResult& l : result.lists) any |= l.horizon == h;
    if (!any) continue;
    std::string title = absl::AsciiStrToUpper(std::string(HorizonTitle(h)));
    absl::StrAppend(&out, "\n", Rule(title, o.width, c), "\n");
    for (const ListResult& l : result.lists) {
      if (l.horizon == h) AppendList(&out, l, o, zone);
    }
  }
  if (!result.kpis.empty()) {
    absl::StrAppend(&out, "\n", Rule("KPIs", o.width, c), "\n\n");
    // Title, value, and what it measures, aligned.
    int64_t title_w = 0, value_w = 0;
    std::vector<std::string> values;
    for (const KpiResult& k : result.kpis) {
      title_w = std::max(title_w, io::DisplayWidth(Truncate(k.title, 40)));
      values.push_back(DisplayValue(k.value));
      value_w = std::max(value_w, io::DisplayWidth(values.back()));
    }
    for (size_t i = 0; i < result.kpis.size(); ++i) {
      const KpiResult& k = result.kpis[i];
      absl::StrAppend(&out, "  ", Pad(Truncate(k.title, 40), title_w, false), "  ",
                      Bold(Pad(values[i], value_w, true), c), "  ", Dim(KpiLabel(k), c), "\n");
      // Per owner only for everyone: a scoped run has one owner.
      if (k.by_owner && !result.owner.has_value()) {
        int64_t owner_w = 0;
        for (const auto& [owner, v] : k.groups)
          owner_w = std::max(owner_w, io::DisplayWidth(Truncate(owner, 30)));
        for (const auto& [owner, v] : k.groups) {
          absl::StrAppend(&out, "      ", Pad(Truncate(owner, 30), owner_w, false), "  ",
                          DisplayValue(v), "\n");
        }
        if (k.groups.empty()) absl::StrAppend(&out, Dim("      (no rows)", c), "\n");
      }
    }
  }
  // Child rows without a parent: counted nowhere, so say so.
  std::vector<std::string> notes = OrphanNotes(result.relations);
  if (!notes.empty()) absl::StrAppend(&out, "\n");
  for (const std::string& note : notes)
    absl::StrAppend(&out, Dim(absl::StrCat("note: ", note), c), "\n");
  return out;
}

std::string RenderJson(const RulebookResult& result) {
  std::string all;
  WriteJson(result, [&](std::string_view piece) { all.append(piece); });
  return all;
}

void WriteJson(const RulebookResult& result, const io::OutputSink& sink) {
  // Written in pieces of about 64 KiB as the kept rows are walked, so a list
  // of millions of keys never sits in memory as one string.
  constexpr size_t kPiece = 1 << 16;
  auto flush = [&](std::string* buffer) {
    if (buffer->size() >= kPiece) {
      sink(*buffer);
      buffer->clear();
    }
  };
  std::string out = "{";
  AppendJsonStringField(&out, "rulebook", result.name);
  out += ",";
  AppendJsonStringField(&out, "as_of", absl::FormatCivilTime(result.as_of));
  out += ",";
  AppendJsonStringField(&out, "time_zone", result.time_zone);
  out += ",\"owner\":";
  if (result.owner.has_value()) {
    io::AppendJsonString(&out, *result.owner);
  } else {
    out += "null";
  }
  out += ",\"lists\":[";
  for (size_t i = 0; i < result.lists.size(); ++i) {
    const ListResult& l = result.lists[i];
    if (i > 0) out += ",";
    out += "\n{";
    AppendJsonStringField(&out, "id", l.id);
    out += ",";
    AppendJsonStringField(&out, "title", l.title);
    out += ",";
    AppendJsonStringField(&out, "horizon", HorizonName(l.horizon));
    out += ",";
    AppendJsonStringField(&out, "table", l.table);
    absl::StrAppend(&out, ",\"count\":", l.count, ",\"keys\":[");
    bool first_key = true;
    l.ForEachKeptRow([&](int64_t row) {
      if (!first_key) out += ",";
      first_key = false;
      io::AppendJsonString(&out, l.Key(row));
      flush(&out);
    });
    out += "],";
    AppendJsonStringField(&out, "action", l.action);
    out += ",\"resources\":[";
    for (size_t r = 0; r < l.resources.size(); ++r) {
      if (r > 0) out += ",";
      out += "{";
      AppendJsonStringField(&out, "title", l.resources[r].title);
      out += ",";
      AppendJsonStringField(&out, "url", l.resources[r].url);
      out += "}";
    }
    out += "],\"columns\":[";
    for (size_t s = 0; s < l.show.size(); ++s) {
      if (s > 0) out += ",";
      io::AppendJsonString(&out, l.show[s]);
    }
    out += "],\"rows\":[";
    std::vector<const Column*> columns;
    for (const std::string& name : l.show) columns.push_back(l.data.FindColumn(name));
    bool first_row = true;
    l.ForEachKeptRow([&](int64_t row) {
      if (!first_row) out += ",";
      first_row = false;
      out += "{";
      for (size_t s = 0; s < l.show.size(); ++s) {
        if (s > 0) out += ",";
        io::AppendJsonString(&out, l.show[s]);
        out += ":";
        if (columns[s] == nullptr) {
          out += "null";
        } else {
          io::AppendJsonCell(&out, *columns[s], row);
        }
      }
      out += "}";
      flush(&out);
    });
    out += "]";
    if (!l.diagnostics.empty()) {
      absl::StrAppend(&out,
                      ",\"diagnostics\":{\"division_by_zero\":", l.diagnostics.division_by_zero,
                      ",\"int_overflow\":", l.diagnostics.int_overflow,
                      ",\"orphan_rows\":", l.diagnostics.orphan_rows, "}");
    }
    out += "}";
  }
  out += "],\"kpis\":[";
  for (size_t i = 0; i < result.kpis.size(); ++i) {
    const KpiResult& k = result.kpis[i];
    if (i > 0) out += ",";
    out += "\n{";
    AppendJsonStringField(&out, "id", k.id);
    out += ",";
    AppendJsonStringField(&out, "title", k.title);
    out += ",";
    AppendJsonStringField(&out, "list", k.list);
    out += ",";
    AppendJsonStringField(&out, "measure", k.measure.ToString());
    out += ",\"by\":";
    out += k.by_owner ? "\"owner\"" : "null";
    out += ",\"value\":";
    AppendJsonValue(&out, k.value);
    out += ",\"values\":";
    if (k.by_owner) {
      out += "{";
      for (size_t g = 0; g < k.groups.size(); ++g) {
        if (g > 0) out += ",";
        io::AppendJsonString(&out, k.groups[g].first);
        out += ":";
        AppendJsonValue(&out, k.groups[g].second);
      }
      out += "}";
    } else {
      AppendJsonValue(&out, k.value);
    }
    out += "}";
  }
  out += "],\"relations\":[";
  for (size_t i = 0; i < result.relations.size(); ++i) {
    const RelationDiagnostics& r = result.relations[i];
    if (i > 0) out += ",";
    out += "{";
    AppendJsonStringField(&out, "table", r.table);
    out += ",";
    AppendJsonStringField(&out, "parent", r.parent);
    absl::StrAppend(&out, ",\"null_keys\":", r.null_keys, ",\"missing_keys\":", r.missing_keys,
                    "}");
  }
  out += "]}\n";
  sink(out);
}

std::string RenderCsv(const RulebookResult& result) {
  std::vector<std::string> columns;
  for (const ListResult& l : result.lists) {
    for (const std::string& s : l.show) {
      if (std::find(columns.begin(), columns.end(), s) == columns.end()) columns.push_back(s);
    }
  }
  std::string out = "list,horizon,rank,key";
  for (const std::string& c : columns) {
    out += ",";
    io::AppendCsvField(&out, c);
  }
  out += "\n";
  for (const ListResult& l : result.lists) {
    std::vector<const Column*> cols;
    for (const std::string& c : columns) {
      bool shown = std::find(l.show.begin(), l.show.end(), c) != l.show.end();
      cols.push_back(shown ? l.data.FindColumn(c) : nullptr);
    }
    int64_t rank = 0;
    l.ForEachKeptRow([&](int64_t row) {
      io::AppendCsvField(&out, l.id);
      absl::StrAppend(&out, ",", Sv(HorizonName(l.horizon)), ",", ++rank, ",");
      io::AppendCsvField(&out, l.Key(row));
      for (const Column* c : cols) {
        out += ",";
        if (c != nullptr) io::AppendCsvCell(&out, *c, row);
      }
      out += "\n";
    });
  }
  return out;
}

namespace {

std::vector<std::string> AllKeys(const ListResult& l) {
  std::vector<std::string> keys;
  const Column* key = l.data.key_column();
  for (int64_t r : SetRows(l.matches)) {
    keys.push_back(key != nullptr ? io::CellText(*key, r) : absl::StrCat(r));
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace

std::vector<ListDiff> DiffResults(const RulebookResult& before, const RulebookResult& after) {
  std::vector<ListDiff> out;
  for (const ListResult& a : after.lists) {
    ListDiff d;
    d.id = a.id;
    d.title = a.title;
    d.horizon = a.horizon;
    d.after = a.count;
    std::vector<std::string> after_keys = AllKeys(a);
    std::vector<std::string> before_keys;
    if (const ListResult* b = before.FindList(a.id); b != nullptr) {
      d.before = b->count;
      before_keys = AllKeys(*b);
    }
    std::set_difference(after_keys.begin(), after_keys.end(), before_keys.begin(),
                        before_keys.end(), std::back_inserter(d.entered));
    std::set_difference(before_keys.begin(), before_keys.end(), after_keys.begin(),
                        after_keys.end(), std::back_inserter(d.left));
    out.push_back(std::move(d));
  }
  return out;
}

std::string RenderDiffText(const RulebookResult& after, const std::vector<ListDiff>& diffs,
                           int64_t keys_per_list, bool color) {
  std::string out;
  std::string who = after.owner.has_value() ? *after.owner : "everyone";
  absl::StrAppend(&out, Bold(absl::StrCat(after.name, " — changes for ", who), color), "\n");
  absl::StrAppend(&out, "as of ", absl::FormatCivilTime(after.as_of), " (", after.time_zone,
                  ")\n\n");
  int64_t title_w = 0, num_w = 1;
  for (const ListDiff& d : diffs) {
    title_w = std::max(title_w, io::DisplayWidth(Truncate(d.title, 40)));
    num_w = std::max({num_w, io::DisplayWidth(FormatNumber(static_cast<double>(d.before))),
                      io::DisplayWidth(FormatNumber(static_cast<double>(d.after)))});
  }
  int changed = 0;
  for (const ListDiff& d : diffs) {
    int64_t delta = d.after - d.before;
    std::string delta_text = delta == 0 ? "±0" : absl::StrCat(delta > 0 ? "+" : "", delta);
    absl::StrAppend(&out, "  ", Pad(Truncate(d.title, 40), title_w, false), "  ",
                    Pad(FormatNumber(static_cast<double>(d.before)), num_w, true), " → ",
                    Pad(FormatNumber(static_cast<double>(d.after)), num_w, true), "  ",
                    Bold(delta_text, color && delta != 0), "\n");
    auto keys = [&](const std::vector<std::string>& v, std::string_view sign) {
      if (v.empty()) return;
      std::vector<std::string> head(v.begin(),
                                    v.begin() + std::min<int64_t>(keys_per_list, v.size()));
      std::string more = static_cast<int64_t>(v.size()) > keys_per_list
                             ? absl::StrCat(" … ", v.size() - head.size(), " more")
                             : "";
      absl::StrAppend(&out, "      ", Sv(sign), " ", absl::StrJoin(head, ", "), more, "\n");
    };
    keys(d.entered, "+");
    keys(d.left, "-");
    if (!d.entered.empty() || !d.left.empty()) ++changed;
  }
  absl::StrAppend(&out, "\n", Plural(changed, "list", "lists"), " changed\n");
  return out;
}

std::string RenderDiffJson(const RulebookResult& after, const std::vector<ListDiff>& diffs) {
  std::string out = "{";
  AppendJsonStringField(&out, "rulebook", after.name);
  out += ",";
  AppendJsonStringField(&out, "as_of", absl::FormatCivilTime(after.as_of));
  out += ",\"owner\":";
  if (after.owner.has_value()) {
    io::AppendJsonString(&out, *after.owner);
  } else {
    out += "null";
  }
  out += ",\"lists\":[";
  for (size_t i = 0; i < diffs.size(); ++i) {
    const ListDiff& d = diffs[i];
    if (i > 0) out += ",";
    out += "\n{";
    AppendJsonStringField(&out, "id", d.id);
    out += ",";
    AppendJsonStringField(&out, "title", d.title);
    out += ",";
    AppendJsonStringField(&out, "horizon", HorizonName(d.horizon));
    absl::StrAppend(&out, ",\"before\":", d.before, ",\"after\":", d.after,
                    ",\"change\":", d.after - d.before);
    for (auto [name, keys] : {std::pair{"entered", &d.entered}, std::pair{"left", &d.left}}) {
      absl::StrAppend(&out, ",\"", name, "\":[");
      for (size_t k = 0; k < keys->size(); ++k) {
        if (k > 0) out += ",";
        io::AppendJsonString(&out, (*keys)[k]);
      }
      out += "]";
    }
    out += "}";
  }
  out += "]}\n";
  return out;
}

}  // namespace docket::rulebook
