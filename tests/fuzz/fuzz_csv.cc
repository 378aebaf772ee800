// fuzz_csv: any bytes as a CSV file — read against a fixed schema (a column
// of every type, a key) and without a schema (inferred types), with small
// size limits.  The reader splits a file into pieces parsed on threads; the
// result, including which error is reported, must not depend on the number
// of threads, so each input is read with 1 and with 3 threads (tiny chunks)
// and the two outcomes must be identical.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "docket/csv.h"
#include "docket/value.h"

namespace {

docket::TableSchema Schema() {
  docket::TableSchema t;
  t.name = "accounts";
  t.key = "id";
  t.columns = {{"id", docket::DataType::String(), {}},
               {"flag", docket::DataType::Bool(), {}},
               {"n", docket::DataType::Int(), {}},
               {"arr", docket::DataType::Float(), {}},
               {"day", docket::DataType::Date(), {}},
               {"at", docket::DataType::Timestamp(docket::TimeUnit::kMilli), {}},
               {"note", docket::DataType::String(), {}}};
  return t;
}

// A canonical text of a read's outcome: the error, or every cell.
std::string Outcome(const absl::StatusOr<docket::Table>& t) {
  if (!t.ok())
    return std::string(absl::StatusCodeToString(t.status().code())) + ": " +
           std::string(t.status().message());
  std::string out = t->name() + " key=" + t->schema().key + "\n";
  for (const docket::ColumnSchema& c : t->schema().columns)
    out += c.name + ":" + c.type.ToString() + ",";
  out += "\n";
  for (int64_t r = 0; r < t->num_rows(); ++r) {
    for (const docket::Column& c : t->columns()) {
      if (c.IsNull(r)) {
        out += "NULL";
      } else {
        switch (c.type_id()) {
          case docket::TypeId::kBool:
            out += c.Values<uint8_t>()[r] ? "T" : "F";
            break;
          case docket::TypeId::kInt:
            out += std::to_string(c.Values<int64_t>()[r]);
            break;
          case docket::TypeId::kFloat:
            out += std::to_string(c.Values<double>()[r]);
            break;
          case docket::TypeId::kString:
            out += "'" + std::string(c.StringAt(r)) + "'";
            break;
          case docket::TypeId::kDate:
            out += std::to_string(c.Values<int32_t>()[r]);
            break;
          case docket::TypeId::kTimestamp:
            out += std::to_string(c.Values<int64_t>()[r]);
            break;
        }
      }
      out += "|";
    }
    out += "\n";
  }
  return out;
}

void Check(std::string_view text, const docket::TableSchema* schema) {
  docket::CsvOptions one;
  one.threads = 1;
  one.limits.max_csv_field_bytes = 64;
  one.limits.max_csv_line_bytes = 256;
  absl::StatusOr<docket::Table> a =
      docket::ReadCsvString(text, "fuzz.csv", "accounts", schema, one);
  if (!a.ok()) {
    absl::StatusCode code = a.status().code();
    if (code != absl::StatusCode::kFailedPrecondition &&
        code != absl::StatusCode::kResourceExhausted &&
        code != absl::StatusCode::kInvalidArgument) {
      __builtin_trap();
    }
  } else {
    for (const docket::Column& c : a->columns()) {
      if (!c.Validate().ok()) __builtin_trap();
    }
  }
  docket::CsvOptions three = one;
  three.threads = 3;
  three.min_chunk_bytes = 8;
  absl::StatusOr<docket::Table> b =
      docket::ReadCsvString(text, "fuzz.csv", "accounts", schema, three);
  if (Outcome(a) != Outcome(b)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A std::string copy (its terminating NUL keeps the one-byte over-read of
  // lib/io/csv_reader.cc:557 on a file without a final newline inside the
  // allocation, so fuzzing can go on; HostileDataTest.NoFinalNewline keeps
  // that bug visible under ASan until it is fixed).
  const std::string copy(reinterpret_cast<const char*>(data), size);
  std::string_view text(copy);
  static const docket::TableSchema* schema = new docket::TableSchema(Schema());
  Check(text, schema);
  Check(text, nullptr);
  return 0;
}
