#include "io/format.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "base/names.h"
#include "base/text_values.h"
#include "docket/error.h"

namespace docket::io {
namespace {

constexpr size_t kFlushBytes = 1 << 16;

// Decodes one UTF-8 character at s[i]; returns its length, or 0 when invalid.
int Utf8Char(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  int len = c >= 0xC2 && c <= 0xDF   ? 2
            : c >= 0xE0 && c <= 0xEF ? 3
            : c >= 0xF0 && c <= 0xF4 ? 4
                                     : 0;
  if (len == 0 || i + len > s.size()) return 0;
  for (int k = 1; k < len; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
  if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) ||
      (c == 0xF4 && c1 > 0x8F)) {
    return 0;
  }
  return len;
}

// Characters (code points; invalid bytes count one each) in s.
int64_t CharCount(std::string_view s) {
  int64_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) {
    int len = Utf8Char(s, i);
    i += len == 0 ? 1 : len;
  }
  return n;
}

// The first `chars` characters of s.
std::string_view CharPrefix(std::string_view s, int64_t chars) {
  size_t i = 0;
  for (int64_t n = 0; i < s.size() && n < chars; ++n) {
    int len = Utf8Char(s, i);
    i += len == 0 ? 1 : len;
  }
  return s.substr(0, i);
}

void Flush(std::string* buf, const OutputSink& sink, bool force) {
  if (!buf->empty() && (force || buf->size() >= kFlushBytes)) {
    sink(*buf);
    buf->clear();
  }
}

}  // namespace

// Terminal columns of s: East Asian wide and fullwidth characters and most
// emoji take two, combining marks none, everything else one.
int64_t DisplayWidth(std::string_view s) {
  int64_t w = 0;
  for (size_t i = 0; i < s.size();) {
    int len = Utf8Char(s, i);
    if (len <= 1) {
      ++w;
      i += 1;
      continue;
    }
    uint32_t cp = static_cast<unsigned char>(s[i]) & (0xFF >> (len + 1));
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += len;
    if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) || cp == 0xFE0F) continue;
    bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F) ||
                (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
                (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
    w += wide ? 2 : 1;
  }
  return w;
}

void AppendCellText(std::string* out, const Column& c, int64_t row) {
  if (c.IsNull(row)) return;
  switch (c.type_id()) {
    case TypeId::kBool:
      out->append(c.Values<uint8_t>()[row] ? "true" : "false");
      break;
    case TypeId::kInt:
      absl::StrAppend(out, c.Values<int64_t>()[row]);
      break;
    case TypeId::kFloat:
      base::AppendFloatText(out, c.Values<double>()[row]);
      break;
    case TypeId::kString:
      out->append(c.StringAt(row));
      break;
    case TypeId::kDate:
      base::AppendDateText(out, c.Values<int32_t>()[row]);
      break;
    case TypeId::kTimestamp:
      base::AppendTimestampText(out, c.Values<int64_t>()[row], c.type().unit);
      break;
  }
}

std::string CellText(const Column& column, int64_t row) {
  std::string s;
  AppendCellText(&s, column, row);
  return s;
}

void AppendCsvField(std::string* out, std::string_view text, char delimiter) {
  bool quote = text.empty() || text.find_first_of(std::string{'"', '\r', '\n', delimiter}) !=
                                   std::string_view::npos;
  if (!quote) {
    out->append(text);
    return;
  }
  out->push_back('"');
  for (char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendCsvCell(std::string* out, const Column& column, int64_t row, char delimiter) {
  if (column.IsNull(row)) return;
  if (column.type_id() == TypeId::kString) {
    AppendCsvField(out, column.StringAt(row), delimiter);
  } else {
    AppendCellText(out, column, row);  // Never holds a delimiter, quote or line end.
  }
}

void AppendJsonString(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      int len = Utf8Char(s, i);
      if (len == 0) {
        out->append("\\ufffd");
        ++i;
      } else {
        out->append(s.substr(i, len));
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out->push_back('"');
}

void AppendJsonCell(std::string* out, const Column& c, int64_t row) {
  if (c.IsNull(row)) {
    out->append("null");
    return;
  }
  switch (c.type_id()) {
    case TypeId::kBool:
    case TypeId::kInt:
      AppendCellText(out, c, row);
      return;
    case TypeId::kFloat: {
      double v = c.Values<double>()[row];
      if (!std::isfinite(v)) {
        out->append("null");
      } else {
        base::AppendFloatText(out, v);
      }
      return;
    }
    case TypeId::kString:
      AppendJsonString(out, c.StringAt(row));
      return;
    case TypeId::kDate:
    case TypeId::kTimestamp:
      out->push_back('"');
      AppendCellText(out, c, row);
      out->push_back('"');
      return;
  }
}

std::vector<int64_t> SelectedRows(const Bitmap& rows) {
  std::vector<int64_t> out;
  out.reserve(rows.CountSet());
  const uint8_t* bits = rows.data();
  int64_t n = rows.size();
  for (int64_t byte = 0; byte * 8 < n; ++byte) {
    uint8_t b = bits[byte];
    while (b != 0) {
      int bit = __builtin_ctz(b);
      int64_t i = byte * 8 + bit;
      if (i < n) out.push_back(i);
      b &= static_cast<uint8_t>(b - 1);
    }
  }
  return out;
}

absl::StatusOr<std::vector<int>> ResolveColumns(const Table& table,
                                                const std::vector<std::string>& names) {
  std::vector<int> out;
  if (names.empty()) {
    for (int i = 0; i < table.num_columns(); ++i) out.push_back(i);
    return out;
  }
  std::vector<std::string> all;
  for (const ColumnSchema& c : table.schema().columns) all.push_back(c.name);
  for (const std::string& name : names) {
    int i = table.schema().FindColumn(name);
    if (i < 0) {
      std::string close = base::ClosestName(name, all);
      return UsageError(absl::StrCat("table '", table.name(), "' has no column '", name, "'"),
                        close.empty() ? "" : absl::StrCat("did you mean '", close, "'?"));
    }
    out.push_back(i);
  }
  return out;
}

void WriteLines(const Table& table, const std::vector<int64_t>& rows, int column,
                const OutputSink& sink) {
  std::string buf;
  const Column& c = table.column(column);
  for (int64_t r : rows) {
    AppendCellText(&buf, c, r);
    buf.push_back('\n');
    Flush(&buf, sink, false);
  }
  Flush(&buf, sink, true);
}

void WriteCsv(const Table& table, const std::vector<int64_t>& rows, const std::vector<int>& columns,
              const OutputSink& sink) {
  std::string buf;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) buf.push_back(',');
    AppendCsvField(&buf, table.schema().columns[columns[i]].name);
  }
  buf.push_back('\n');
  for (int64_t r : rows) {
    for (size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) buf.push_back(',');
      AppendCsvCell(&buf, table.column(columns[i]), r);
    }
    buf.push_back('\n');
    Flush(&buf, sink, false);
  }
  Flush(&buf, sink, true);
}

void WriteJsonl(const Table& table, const std::vector<int64_t>& rows,
                const std::vector<int>& columns, const OutputSink& sink) {
  std::vector<std::string> keys;
  for (int c : columns) {
    std::string k;
    AppendJsonString(&k, table.schema().columns[c].name);
    k.push_back(':');
    keys.push_back(std::move(k));
  }
  std::string buf;
  for (int64_t r : rows) {
    buf.push_back('{');
    for (size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) buf.push_back(',');
      buf.append(keys[i]);
      AppendJsonCell(&buf, table.column(columns[i]), r);
    }
    buf.append("}\n");
    Flush(&buf, sink, false);
  }
  Flush(&buf, sink, true);
}

std::string RenderTable(const Table& table, const std::vector<int64_t>& rows,
                        const std::vector<int>& columns, int64_t max_rows, int max_cell_chars) {
  int64_t shown =
      std::min<int64_t>(static_cast<int64_t>(rows.size()), std::max<int64_t>(0, max_rows));
  size_t ncols = columns.size();
  // Cell texts (escaped to one line, cut to max_cell_chars) and widths.
  std::vector<std::vector<std::string>> cells(shown + 1, std::vector<std::string>(ncols));
  std::vector<int64_t> width(ncols, 0);
  std::vector<bool> right(ncols, false);
  auto fit = [&](const std::string& s) {
    std::string one;
    for (char ch : s) {
      if (ch == '\n') {
        one += "\\n";
      } else if (ch == '\r') {
        one += "\\r";
      } else if (ch == '\t') {
        one += "\\t";
      } else {
        one += ch;
      }
    }
    if (CharCount(one) > max_cell_chars) {
      one = std::string(CharPrefix(one, std::max(1, max_cell_chars - 1))) + "…";
    }
    return one;
  };
  for (size_t c = 0; c < ncols; ++c) {
    const Column& col = table.column(columns[c]);
    right[c] = col.type().is_numeric();
    cells[0][c] = fit(table.schema().columns[columns[c]].name);
    for (int64_t i = 0; i < shown; ++i) {
      cells[i + 1][c] = col.IsNull(rows[i]) ? "NULL" : fit(CellText(col, rows[i]));
    }
    for (int64_t i = 0; i <= shown; ++i) width[c] = std::max(width[c], DisplayWidth(cells[i][c]));
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& row) {
    std::string text;
    for (size_t c = 0; c < ncols; ++c) {
      if (c > 0) text += "  ";
      int64_t pad = width[c] - DisplayWidth(row[c]);
      bool r = right[c];
      if (r) text.append(pad, ' ');
      text += row[c];
      if (!r && c + 1 < ncols) text.append(pad, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text;
    out += '\n';
  };
  line(cells[0]);
  std::string rule;
  for (size_t c = 0; c < ncols; ++c) {
    if (c > 0) rule += "  ";
    for (int64_t k = 0; k < width[c]; ++k) rule += "─";
  }
  out += rule + "\n";
  for (int64_t i = 1; i <= shown; ++i) line(cells[i]);
  int64_t more = static_cast<int64_t>(rows.size()) - shown;
  if (more > 0) absl::StrAppend(&out, "… ", more, " more row", more == 1 ? "" : "s", "\n");
  absl::StrAppend(&out, "(", rows.size(), " row", rows.size() == 1 ? "" : "s", ")\n");
  return out;
}

}  // namespace docket::io
