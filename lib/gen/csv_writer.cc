// A small, fast CSV writer for generated snapshots (the reader lives in
// lib/io).  Output is a pure function of the table: no locale, no
// printf-family float formatting (std::to_chars gives the shortest
// round-trip form, the same on every conforming implementation).
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "docket/column.h"
#include "docket/table.h"
#include "gen/generator.h"
#include "gen/random.h"

namespace docket::gen {
namespace {

void AppendTwo(std::string* out, int v) {
  out->push_back(static_cast<char>('0' + v / 10));
  out->push_back(static_cast<char>('0' + v % 10));
}

void AppendDateText(std::string* out, int64_t days) {
  Ymd c = CivilFromDays(days);
  char buf[16];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), c.year);
  (void)ec;
  for (int pad = static_cast<int>(end - buf); pad < 4; ++pad) out->push_back('0');
  out->append(buf, end);
  out->push_back('-');
  AppendTwo(out, c.month);
  out->push_back('-');
  AppendTwo(out, c.day);
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

void AppendTimestampText(std::string* out, int64_t units, int64_t per_second) {
  int64_t seconds = FloorDiv(units, per_second);
  int64_t fraction = units - seconds * per_second;
  int64_t days = FloorDiv(seconds, 86400);
  int64_t sod = seconds - days * 86400;
  AppendDateText(out, days);
  out->push_back('T');
  AppendTwo(out, static_cast<int>(sod / 3600));
  out->push_back(':');
  AppendTwo(out, static_cast<int>(sod / 60 % 60));
  out->push_back(':');
  AppendTwo(out, static_cast<int>(sod % 60));
  if (fraction != 0) {
    out->push_back('.');
    std::string digits;
    for (int64_t p = per_second / 10; p > 0; p /= 10)
      digits.push_back(static_cast<char>('0' + fraction / p % 10));
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    out->append(digits);
  }
  out->push_back('Z');
}

void AppendString(std::string* out, std::string_view s) {
  if (s.empty()) {
    out->append("\"\"");  // An empty string, not NULL.
    return;
  }
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(s);
    return;
  }
  out->push_back('"');
  for (char c : s) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

template <typename T>
void AppendNumber(std::string* out, T v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  (void)ec;
  out->append(buf, end);
}

void AppendCell(std::string* out, const Column& c, int64_t row) {
  if (c.IsNull(row)) return;
  switch (c.type_id()) {
    case TypeId::kBool:
      out->append(c.Values<uint8_t>()[row] ? "true" : "false");
      break;
    case TypeId::kInt:
      AppendNumber(out, c.Values<int64_t>()[row]);
      break;
    case TypeId::kFloat:
      AppendNumber(out, c.Values<double>()[row]);
      break;
    case TypeId::kString:
      AppendString(out, c.StringAt(row));
      break;
    case TypeId::kDate:
      AppendDateText(out, c.Values<int32_t>()[row]);
      break;
    case TypeId::kTimestamp:
      AppendTimestampText(out, c.Values<int64_t>()[row], UnitsPerSecond(c.type().unit));
      break;
  }
}

void AppendHeader(const Table& table, std::string* out) {
  const TableSchema& schema = table.schema();
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendString(out, schema.columns[i].name);
  }
  out->push_back('\n');
}

void AppendRow(const Table& table, int64_t row, std::string* out) {
  const int n = table.num_columns();
  for (int i = 0; i < n; ++i) {
    if (i > 0) out->push_back(',');
    AppendCell(out, table.column(i), row);
  }
  out->push_back('\n');
}

}  // namespace

void AppendTableCsv(const Table& table, std::string* out) {
  AppendHeader(table, out);
  for (int64_t row = 0; row < table.num_rows(); ++row) AppendRow(table, row, out);
}

absl::Status WriteCsvDirectory(const Snapshot& snapshot, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create directory ", dir, ": ", ec.message()));
  for (const auto& [name, table] : snapshot.tables) {
    const std::string path = (std::filesystem::path(dir) / (name + ".csv")).string();
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
    if (f == nullptr) return absl::FailedPreconditionError(absl::StrCat("cannot write ", path));
    // Write in chunks of rows so a 10M-row table never needs one huge buffer.
    std::string buf;
    AppendHeader(table, &buf);
    for (int64_t row = 0; row < table.num_rows(); ++row) {
      AppendRow(table, row, &buf);
      if (buf.size() >= (1 << 20)) {
        if (std::fwrite(buf.data(), 1, buf.size(), f.get()) != buf.size()) {
          return absl::FailedPreconditionError(absl::StrCat("cannot write ", path));
        }
        buf.clear();
      }
    }
    if (!buf.empty() && std::fwrite(buf.data(), 1, buf.size(), f.get()) != buf.size()) {
      return absl::FailedPreconditionError(absl::StrCat("cannot write ", path));
    }
    if (std::fflush(f.get()) != 0)
      return absl::FailedPreconditionError(absl::StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

}  // namespace docket::gen
