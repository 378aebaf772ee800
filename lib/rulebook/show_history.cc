// A list's `show: [prev(csm)]` entries (rulebook/show_history.h).
#include "rulebook/show_history.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "docket/bitmap.h"

namespace docket::rulebook {

namespace {

std::string Trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) --b;
  return std::string(s.substr(a, b - a));
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

absl::StatusOr<std::optional<ShowHistoryRef>> ParseShowHistory(std::string_view entry) {
  std::string s = Trim(entry);
  if (s.rfind("prev(", 0) != 0) return std::optional<ShowHistoryRef>();
  auto bad = [&](const std::string& why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", std::string(entry), "' in 'show': ", why,
        " (write prev(column) or \"prev(column, INTERVAL n DAY|WEEK|MONTH|QUARTER|YEAR) AS name\"; "
        "quote it in a [...] list because of its comma)"));
  };
  ShowHistoryRef ref;
  // `… AS label` names the shown column.
  const std::string upper = Upper(s);
  const size_t as = upper.rfind(") AS ");
  if (as != std::string::npos) {
    ref.label = Trim(std::string_view(s).substr(as + 5));
    if (ref.label.empty() || ref.label.find_first_of("(),'\" ") != std::string::npos)
      return bad("the name after AS must be one word");
    s = s.substr(0, as + 1);
  }
  if (s.back() != ')') return bad("no closing parenthesis");
  s = s.substr(5, s.size() - 6);
  const size_t comma = s.find(',');
  if (comma != std::string::npos && s.find(',', comma + 1) != std::string::npos)
    return bad("too many arguments");
  ref.column = Trim(std::string_view(s).substr(0, comma));
  if (ref.column.empty() || ref.column.find_first_of("(). '\"") != std::string::npos)
    return bad("the argument must be a column of the list's table");
  if (comma != std::string::npos) {
    std::istringstream in(s.substr(comma + 1));
    std::string interval, unit, extra;
    int64_t n = 0;
    if (!(in >> interval >> n >> unit) || (in >> extra) || Upper(interval) != "INTERVAL" ||
        n <= 0 || n > 100000)
      return bad("the interval must be INTERVAL n UNIT with a positive whole n");
    unit = Upper(unit);
    ref.has_interval = true;
    if (unit == "DAY" || unit == "DAYS") {
      ref.days = static_cast<int32_t>(n);
    } else if (unit == "WEEK" || unit == "WEEKS") {
      ref.days = static_cast<int32_t>(7 * n);
    } else if (unit == "MONTH" || unit == "MONTHS") {
      ref.months = static_cast<int32_t>(n);
    } else if (unit == "QUARTER" || unit == "QUARTERS") {
      ref.months = static_cast<int32_t>(3 * n);
    } else if (unit == "YEAR" || unit == "YEARS") {
      ref.months = static_cast<int32_t>(12 * n);
    } else {
      return bad(absl::StrCat("unknown interval unit '", unit, "'"));
    }
  }
  return std::optional<ShowHistoryRef>(std::move(ref));
}

const DatedSnapshot* ShowHistorySnapshot(const ShowHistoryRef& ref, const History* history,
                                         absl::CivilDay as_of) {
  if (history == nullptr || history->empty()) return nullptr;
  if (!ref.has_interval) return history->LatestBefore(as_of);
  absl::CivilDay day = as_of - ref.days;
  if (ref.months > 0) {
    // Months clamp like date arithmetic: 2026-03-31 − 1 month = 2026-02-28.
    absl::CivilMonth m = absl::CivilMonth(day) - ref.months;
    absl::CivilDay first = absl::CivilDay(m);
    const int last = static_cast<int>((absl::CivilDay(m + 1) - 1).day());
    day = first + (std::min(static_cast<int>(day.day()), last) - 1);
  }
  return history->LatestOnOrBefore(day);
}

absl::StatusOr<Column> ShowHistoryColumn(const ShowHistoryRef& ref, const Table& table,
                                         const std::vector<int64_t>& rows, absl::CivilDay as_of,
                                         const History* history, std::string* note) {
  const Column* current = table.FindColumn(ref.column);
  if (current == nullptr)
    return absl::FailedPreconditionError(
        absl::StrCat("column '", ref.column, "' is not in table '", table.name(), "'"));
  const int64_t n = table.num_rows();
  auto zeros = [](int64_t bytes) {
    void* p = std::calloc(static_cast<size_t>(std::max<int64_t>(bytes, 1)), 1);
    if (p == nullptr) throw std::bad_alloc();
    return Buffer{static_cast<const uint8_t*>(p), bytes, std::shared_ptr<void>(p, std::free)};
  };
  Buffer valid = zeros(BitmapBytes(n) + 8);
  std::string interval;
  if (ref.has_interval) {
    interval = ref.months > 0 ? absl::StrCat(", INTERVAL ", ref.months, " MONTH")
                              : absl::StrCat(", INTERVAL ", ref.days, " DAY");
  }
  const std::string what = absl::StrCat("prev(", ref.column, interval, ") in 'show'");
  const DatedSnapshot* past = ShowHistorySnapshot(ref, history, as_of);
  const Table* old = past == nullptr ? nullptr : past->snapshot.FindTable(table.name());
  const Column* src = old == nullptr ? nullptr : old->FindColumn(ref.column);
  const Column* key = table.key_column();
  const Column* old_key = old == nullptr ? nullptr : old->key_column();
  if (src == nullptr || key == nullptr || old_key == nullptr ||
      src->type_id() != current->type_id()) {
    if (history == nullptr || history->empty()) {
      *note = absl::StrCat(what, " is NULL: no history (--history DIR)");
    } else if (past == nullptr) {
      *note = absl::StrCat(what, " is NULL: no snapshot old enough");
    } else if (key == nullptr || old_key == nullptr) {
      *note = absl::StrCat(what, " is NULL: table '", table.name(), "' has no key");
    } else if (src != nullptr) {
      *note = absl::StrCat(what, " is NULL: its type differs in snapshot ",
                           absl::FormatCivilTime(past->date));
    } else {
      *note = absl::StrCat(
          what, " is NULL: snapshot ", absl::FormatCivilTime(past->date), " has no ",
          old == nullptr ? "table '" + table.name() + "'" : "column '" + ref.column + "'");
    }
    if (current->type_id() == TypeId::kString)
      return Column::FromBuffers(current->type(), n, zeros((n + 1) * 8), valid);
    return Column::FromBuffers(current->type(), n, zeros(n * ValueWidth(current->type_id())),
                               valid);
  }
  // The kept rows by key, then one pass over the older keys.
  absl::flat_hash_map<std::string, int64_t> wanted;
  auto key_text = [](const Column& c, int64_t i) -> std::string {
    switch (c.type_id()) {
      case TypeId::kString:
        return std::string(c.StringAt(i));
      case TypeId::kInt:
      case TypeId::kTimestamp:
        return absl::StrCat(c.Values<int64_t>()[i]);
      case TypeId::kDate:
        return absl::StrCat(c.Values<int32_t>()[i]);
      default:
        return "";
    }
  };
  wanted.reserve(rows.size());
  for (int64_t r : rows) {
    if (key->IsValid(r)) wanted.emplace(key_text(*key, r), -1);
  }
  for (int64_t i = 0; i < old->num_rows() && !wanted.empty(); ++i) {
    if (old_key->IsNull(i)) continue;
    auto it = wanted.find(key_text(*old_key, i));
    if (it != wanted.end() && it->second < 0) it->second = i;
  }
  uint8_t* valid_bits = const_cast<uint8_t*>(valid.data);
  const bool plain_strings = src->type_id() == TypeId::kString && !src->is_dictionary();
  const int width = src->type_id() == TypeId::kString ? 4 : ValueWidth(src->type_id());
  Buffer values = zeros(n * width);
  uint8_t* out = const_cast<uint8_t*>(values.data);
  for (int64_t r : rows) {
    if (key->IsNull(r)) continue;
    const int64_t p = wanted.find(key_text(*key, r))->second;
    if (p < 0) continue;
    if (src->IsValid(p)) SetBit(valid_bits, r);
    if (plain_strings) {
      reinterpret_cast<int32_t*>(out)[r] = static_cast<int32_t>(p);
    } else {
      std::memcpy(out + r * width, src->values_buffer().data + p * width,
                  static_cast<size_t>(width));
    }
  }
  if (src->type_id() != TypeId::kString) return Column::FromBuffers(src->type(), n, values, valid);
  if (src->is_dictionary())
    return Column::FromBuffers(src->type(), n, values, valid, {}, src->dictionary_ptr());
  if (src->empty()) return Column::FromBuffers(src->type(), n, zeros((n + 1) * 8), valid);
  auto dictionary = std::make_shared<const Column>(
      Column::FromBuffers(src->type(), src->size(), src->values_buffer(), {}, src->chars_buffer()));
  return Column::FromBuffers(src->type(), n, values, valid, {}, std::move(dictionary));
}

}  // namespace docket::rulebook
