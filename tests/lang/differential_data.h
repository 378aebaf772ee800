// tests/lang/differential_data.h — random test tables for the differential
// test against SQLite: the same rows as a docket::Table and as an in-memory
// SQLite table `t` (rowid = row index + 1).
//
// Columns (fixed names, per-table NULL rates drawn from {0, 0, 5, 20, 50, 100}%):
//   b1 b2   bool                    INTEGER 0/1
//   i1      int in [-20, 20]        INTEGER
//   i2      int in [-1000, 1000] and ±1e9-ish
//   i3      int in [-5, 5]
//   f1      float k/8 in [-100, 100], 0.1, 0.2, 0.3, -0.0
//   f2      float: ±1e6, 1/3, 0.001, 2.5, …
//   s1      string, dictionary-encoded, with unicode, '' and quotes
//   s2      string, plain (offsets + bytes), same pool
//   s3      string, ASCII only (auto encoding)
//   d1      date 1999–2031 with month ends and leap days   INTEGER days
//   d2      date within 400 days of as_of
#ifndef DOCKET_TESTS_LANG_DIFFERENTIAL_DATA_H_
#define DOCKET_TESTS_LANG_DIFFERENTIAL_DATA_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "docket/builder.h"
#include "docket/column.h"
#include "docket/schema.h"
#include "docket/table.h"
#include "lang/differential_expr.h"

namespace docket::difftest {

struct Cell {
  bool null = false;
  int64_t i = 0;  // bool, int, date
  double f = 0;
  std::string s;
};

struct DiffTable {
  std::vector<DiffColumn> columns;
  std::vector<std::vector<Cell>> cells;  // cells[column][row]
  int64_t rows = 0;
  int64_t today = 0;  // as_of, days since epoch
  // Per column: 0 = auto, 1 = force dictionary, 2 = force plain (strings only).
  std::vector<int> encodings;

  // One row of this table as a new one-row table (for minimal reproductions).
  DiffTable Row(int64_t r) const {
    DiffTable t = *this;
    t.rows = 1;
    for (size_t c = 0; c < cells.size(); ++c) t.cells[c] = {cells[c][static_cast<size_t>(r)]};
    return t;
  }

  std::string CellText(size_t c, int64_t r) const {
    const Cell& x = cells[c][static_cast<size_t>(r)];
    if (x.null) return "NULL";
    switch (columns[c].type) {
      case DType::kBool:
        return x.i ? "TRUE" : "FALSE";
      case DType::kInt:
        return std::to_string(x.i);
      case DType::kFloat: {
        char buf[64];
        std::snprintf(buf, sizeof(buf), "%.17g", x.f);
        return buf;
      }
      case DType::kString:
        return QuoteString(x.s);
      case DType::kDate:
        return "DATE '" + DateText(x.i) + "'";
    }
    return "?";
  }
};

inline const std::vector<std::string>& StringPool() {
  static const std::vector<std::string>* pool = new std::vector<std::string>{
      "",      "a",    "A",   "abc",    "Abc", "ABC", "red",  "yellow",
      "green", "it's", "b",   "é",      "É",   "ß",   "日本", "日本語",
      "😀",     "x%y",  "a_c", " a ",    "a ",  "Ent", "ent",  "enterprise",
      "café",  "ab",   "ac",  "abcabc", "0",   "12",  "c",    "x y"};
  return *pool;
}

// Builds a random table.  `rows` rows; as_of drawn with the rest.
// `dictionary_strings` false: every string column is plain (offsets + bytes).
// `string_nulls` false: string columns hold no NULLs.
inline DiffTable RandomTable(Rng& rng, int64_t rows, bool dictionary_strings = true,
                             bool string_nulls = true) {
  DiffTable t;
  t.rows = rows;
  static const std::vector<int32_t> kSpecialToday = {DaysOf(2024, 2, 29), DaysOf(2024, 1, 31),
                                                     DaysOf(2025, 12, 31), DaysOf(2023, 3, 31),
                                                     DaysOf(2026, 11, 22)};
  t.today = rng.Percent(40) ? rng.Pick(kSpecialToday)
                            : rng.Between(DaysOf(2020, 1, 1), DaysOf(2028, 12, 31));

  auto add = [&](const char* name, DType type, double bound, double min_nonzero, int32_t lo,
                 int32_t hi, bool ascii, int encoding) {
    DiffColumn c;
    c.name = name;
    c.type = type;
    c.bound = bound;
    c.min_nonzero = min_nonzero;
    c.lo = lo;
    c.hi = hi;
    c.ascii = ascii;
    t.columns.push_back(c);
    t.encodings.push_back(encoding);
  };
  const int32_t d1_lo = DaysOf(1999, 1, 1), d1_hi = DaysOf(2031, 12, 31);
  const int32_t d2_lo = static_cast<int32_t>(t.today - 400),
                d2_hi = static_cast<int32_t>(t.today + 400);
  add("b1", DType::kBool, 0, 1, 0, 0, true, 0);
  add("b2", DType::kBool, 0, 1, 0, 0, true, 0);
  add("i1", DType::kInt, 20, 1, 0, 0, true, 0);
  add("i2", DType::kInt, 1e9, 1, 0, 0, true, 0);
  add("i3", DType::kInt, 5, 1, 0, 0, true, 0);
  add("f1", DType::kFloat, 100, 0.1, 0, 0, true, 0);
  add("f2", DType::kFloat, 1e6, 0.001, 0, 0, true, 0);
  add("s1", DType::kString, 0, 1, 0, 0, false, dictionary_strings ? 1 : 2);
  add("s2", DType::kString, 0, 1, 0, 0, false, 2);
  add("s3", DType::kString, 0, 1, 0, 0, true, dictionary_strings ? 0 : 2);
  add("d1", DType::kDate, 0, 1, d1_lo, d1_hi, true, 0);
  add("d2", DType::kDate, 0, 1, d2_lo, d2_hi, true, 0);

  static const std::vector<int> kNullPercents = {0, 0, 5, 20, 50, 100};
  static const std::vector<int32_t> kSpecialDays = {
      DaysOf(2000, 2, 29), DaysOf(2024, 2, 29),  DaysOf(2023, 2, 28),  DaysOf(2024, 1, 31),
      DaysOf(2023, 1, 31), DaysOf(2025, 12, 31), DaysOf(2024, 12, 31), DaysOf(2026, 3, 31),
      DaysOf(2025, 8, 31), DaysOf(2028, 2, 29),  DaysOf(2026, 11, 22), DaysOf(1999, 1, 1),
      DaysOf(2025, 5, 31)};
  std::vector<std::string> ascii_pool;
  for (const std::string& s : StringPool())
    if (ExprGenerator::IsAscii(s)) ascii_pool.push_back(s);

  t.cells.resize(t.columns.size());
  for (size_t c = 0; c < t.columns.size(); ++c) {
    int null_percent = rng.Pick(kNullPercents);
    if (!string_nulls && t.columns[c].type == DType::kString) null_percent = 0;
    const std::string& name = t.columns[c].name;
    for (int64_t r = 0; r < rows; ++r) {
      Cell x;
      x.null = rng.Percent(null_percent);
      if (!x.null) {
        if (name[0] == 'b') {
          x.i = rng.Percent(50);
        } else if (name == "i1") {
          x.i = rng.Between(-20, 20);
        } else if (name == "i2") {
          x.i = rng.Percent(3) ? (rng.Percent(50) ? 999999937 : -987654321)
                               : rng.Between(-1000, 1000);
        } else if (name == "i3") {
          x.i = rng.Between(-5, 5);
        } else if (name == "f1") {
          static const std::vector<double> kOdd = {0.1, 0.2, 0.3, -0.0, 0.5, -99.875};
          x.f = rng.Percent(15) ? rng.Pick(kOdd) : static_cast<double>(rng.Between(-800, 800)) / 8;
        } else if (name == "f2") {
          static const std::vector<double> kOdd = {1e6,  -1e6, 1.0 / 3,    0.001, 2.5,
                                                   -2.5, 0.0,  123456.789, 1e-3};
          x.f =
              rng.Percent(50) ? rng.Pick(kOdd) : static_cast<double>(rng.Between(-4000, 4000)) / 4;
        } else if (name == "s3") {
          x.s = rng.Pick(ascii_pool);
        } else if (name[0] == 's') {
          x.s = rng.Pick(StringPool());
        } else if (name == "d1") {
          x.i = rng.Percent(30) ? rng.Pick(kSpecialDays) : rng.Between(d1_lo, d1_hi);
        } else if (name == "d2") {
          x.i = rng.Between(d2_lo, d2_hi);
        }
      }
      t.cells[c].push_back(std::move(x));
    }
  }
  return t;
}

inline DataType DocketType(DType t) {
  switch (t) {
    case DType::kBool:
      return DataType::Bool();
    case DType::kInt:
      return DataType::Int();
    case DType::kFloat:
      return DataType::Float();
    case DType::kString:
      return DataType::String();
    case DType::kDate:
      return DataType::Date();
  }
  return DataType::Bool();
}

inline TableSchema DocketSchema(const DiffTable& t) {
  TableSchema schema;
  schema.name = "t";
  for (const DiffColumn& c : t.columns)
    schema.columns.push_back(ColumnSchema{c.name, DocketType(c.type), {}});
  return schema;
}

inline absl::StatusOr<Table> ToDocket(const DiffTable& t) {
  std::vector<Column> columns;
  for (size_t c = 0; c < t.columns.size(); ++c) {
    StringEncoding enc = t.encodings[c] == 1   ? StringEncoding::kDictionary
                         : t.encodings[c] == 2 ? StringEncoding::kPlain
                                               : StringEncoding::kAuto;
    ColumnBuilder b(DocketType(t.columns[c].type), enc);
    for (const Cell& x : t.cells[c]) {
      if (x.null) {
        b.AppendNull();
        continue;
      }
      switch (t.columns[c].type) {
        case DType::kBool:
          b.AppendBool(x.i != 0);
          break;
        case DType::kInt:
          b.AppendInt(x.i);
          break;
        case DType::kFloat:
          b.AppendFloat(x.f);
          break;
        case DType::kString:
          b.AppendString(x.s);
          break;
        case DType::kDate:
          b.AppendDate(static_cast<int32_t>(x.i));
          break;
      }
    }
    columns.push_back(std::move(b).Finish());
  }
  return Table::Make(DocketSchema(t), std::move(columns));
}

// An in-memory SQLite database holding `t` as table t.
class SqliteTable {
 public:
  SqliteTable() = default;
  SqliteTable(const SqliteTable&) = delete;
  SqliteTable& operator=(const SqliteTable&) = delete;
  ~SqliteTable() {
    if (db_) sqlite3_close(db_);
  }

  // Returns "" on success, else the SQLite error.
  std::string Load(const DiffTable& t) {
    if (sqlite3_open(":memory:", &db_) != SQLITE_OK) return "sqlite3_open failed";
    if (!RegisterReferenceFunctions(db_)) return sqlite3_errmsg(db_);
    std::string create = "CREATE TABLE t(", insert = "INSERT INTO t VALUES(";
    for (size_t c = 0; c < t.columns.size(); ++c) {
      const char* decl = t.columns[c].type == DType::kFloat    ? "REAL"
                         : t.columns[c].type == DType::kString ? "TEXT"
                                                               : "INTEGER";
      create += (c ? ", \"" : "\"") + t.columns[c].name + "\" " + decl;
      insert += c ? ", ?" : "?";
    }
    create += ")";
    insert += ")";
    if (!Exec(create) || !Exec("BEGIN")) return sqlite3_errmsg(db_);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, insert.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
      return sqlite3_errmsg(db_);
    for (int64_t r = 0; r < t.rows; ++r) {
      sqlite3_reset(stmt);
      for (size_t c = 0; c < t.columns.size(); ++c) {
        const Cell& x = t.cells[c][static_cast<size_t>(r)];
        int at = static_cast<int>(c) + 1;
        if (x.null) {
          sqlite3_bind_null(stmt, at);
        } else if (t.columns[c].type == DType::kFloat) {
          sqlite3_bind_double(stmt, at, x.f);
        } else if (t.columns[c].type == DType::kString) {
          sqlite3_bind_text(stmt, at, x.s.data(), static_cast<int>(x.s.size()), SQLITE_TRANSIENT);
        } else {
          sqlite3_bind_int64(stmt, at, x.i);
        }
      }
      if (sqlite3_step(stmt) != SQLITE_DONE) {
        std::string err = sqlite3_errmsg(db_);
        sqlite3_finalize(stmt);
        return err;
      }
    }
    sqlite3_finalize(stmt);
    if (!Exec("COMMIT")) return sqlite3_errmsg(db_);
    return "";
  }

  // Evaluates a boolean SQL expression per row: -1 NULL, 0 FALSE, 1 TRUE.
  // Returns "" on success, else the SQLite error.
  std::string EvalBool(const std::string& expr, std::vector<int8_t>* out) {
    out->clear();
    std::string sql = "SELECT (" + expr + ") FROM t ORDER BY rowid";
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
      return sqlite3_errmsg(db_);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      switch (sqlite3_column_type(stmt, 0)) {
        case SQLITE_NULL:
          out->push_back(-1);
          break;
        case SQLITE_FLOAT:
          out->push_back(sqlite3_column_double(stmt, 0) != 0 ? 1 : 0);
          break;
        default:
          out->push_back(sqlite3_column_int64(stmt, 0) != 0 ? 1 : 0);
          break;
      }
    }
    std::string err = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
    return err;
  }

  sqlite3* db() { return db_; }

 private:
  bool Exec(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  sqlite3* db_ = nullptr;
};

}  // namespace docket::difftest

#endif  // DOCKET_TESTS_LANG_DIFFERENTIAL_DATA_H_
