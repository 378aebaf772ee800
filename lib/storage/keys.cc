#include "storage/keys.h"

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "docket/error.h"
#include "docket/value.h"

namespace docket::storage {
namespace {

// The key at row i for messages: strings quoted (cut to 60 bytes, control
// characters escaped), other types as a rule would write them.
std::string KeyText(const Column& c, int64_t i) {
  switch (c.type_id()) {
    case TypeId::kString: {
      std::string_view s = c.StringAt(i);
      bool cut = s.size() > 60;
      if (cut) {
        size_t n = 60;
        while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
        s = s.substr(0, n);
      }
      std::string out = "'";
      for (char ch : s) {
        if (static_cast<unsigned char>(ch) < 0x20) {
          absl::StrAppend(&out, ch == '\n' ? "\\n" : ch == '\t' ? "\\t" : "?");
        } else {
          out.push_back(ch);
        }
      }
      return absl::StrCat(out, cut ? "…'" : "'");
    }
    case TypeId::kInt:
      return absl::StrCat(c.Values<int64_t>()[i]);
    case TypeId::kDate:
      return Value::DateFromDays(c.Values<int32_t>()[i]).ToString();
    case TypeId::kTimestamp:
      return Value::Timestamp(c.Values<int64_t>()[i], c.type().unit).ToString();
    case TypeId::kFloat:
      return Value::Float(c.Values<double>()[i]).ToString();
    case TypeId::kBool:
      return c.Values<uint8_t>()[i] ? "TRUE" : "FALSE";
  }
  return "?";
}

template <typename T, typename Get>
std::optional<KeyProblem> FirstProblem(const Column& c, Get get, bool empty_strings) {
  absl::flat_hash_set<T> seen;  // A set, not a map: the error path finds the first row.
  seen.reserve(c.size());
  (void)empty_strings;
  const bool nulls = c.null_count() > 0;
  for (int64_t i = 0; i < c.size(); ++i) {
    if (nulls && !c.IsValid(i)) return KeyProblem{KeyProblem::kNull, i, 0};
    T v = get(i);
    if constexpr (std::is_same_v<T, std::string_view>) {
      if (empty_strings && v.empty()) return KeyProblem{KeyProblem::kEmpty, i, 0};
    }
    if (!seen.insert(v).second) {
      int64_t j = 0;
      while (j < i && !((!nulls || c.IsValid(j)) && get(j) == v)) ++j;
      return KeyProblem{KeyProblem::kDuplicate, i, j};
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<KeyProblem> FindKeyProblem(const Column& key) {
  switch (key.type_id()) {
    case TypeId::kString:
      return FirstProblem<std::string_view>(
          key, [&](int64_t i) { return key.StringAt(i); }, true);
    case TypeId::kInt:
    case TypeId::kTimestamp: {
      const int64_t* v = key.Values<int64_t>();
      return FirstProblem<int64_t>(
          key, [v](int64_t i) { return v[i]; }, false);
    }
    case TypeId::kDate: {
      const int32_t* v = key.Values<int32_t>();
      return FirstProblem<int32_t>(
          key, [v](int64_t i) { return v[i]; }, false);
    }
    case TypeId::kFloat: {
      const double* v = key.Values<double>();
      return FirstProblem<double>(
          key, [v](int64_t i) { return v[i]; }, false);
    }
    case TypeId::kBool: {
      const uint8_t* v = key.Values<uint8_t>();
      return FirstProblem<uint8_t>(
          key, [v](int64_t i) { return v[i]; }, false);
    }
  }
  return std::nullopt;
}

absl::Status KeyError(const KeyProblem& p, const Column& key, std::string_view table,
                      std::string_view column, const KeyRows& rows) {
  std::string what;
  switch (p.kind) {
    case KeyProblem::kNull:
      what = "NULL key";
      break;
    case KeyProblem::kEmpty:
      what = "empty key ''";
      break;
    case KeyProblem::kDuplicate:
      what = absl::StrCat("duplicate key ", KeyText(key, p.row));
      break;
  }
  SourceLocation where = rows.location ? rows.location(p.row) : SourceLocation{};
  std::string message =
      absl::StrCat(what, " in column ", std::string(column), " of table ", std::string(table));
  if (!rows.location) absl::StrAppend(&message, " at ", rows.name(p.row));
  if (p.kind == KeyProblem::kDuplicate)
    absl::StrAppend(&message, " (first on ", rows.name(p.first_row), ")");
  return DataError(where, std::move(message),
                   p.kind == KeyProblem::kDuplicate
                       ? "every row of a table with a key must have a distinct key"
                       : "every row of a table with a key needs a key (not NULL, not empty)");
}

absl::Status CheckKeyColumn(const Column& key, std::string_view table, std::string_view column,
                            const KeyRows& rows) {
  std::optional<KeyProblem> p = FindKeyProblem(key);
  if (!p.has_value()) return absl::OkStatus();
  return KeyError(*p, key, table, column, rows);
}

}  // namespace docket::storage
