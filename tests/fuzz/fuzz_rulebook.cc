// fuzz_rulebook: any bytes as a rulebook — YAML parse (yaml-cpp), the
// loader's depth/alias/size checks, every section reader, compilation of
// every list against the declared tables, and (when it compiles) a run over
// three rows per declared table, for everyone and for one owner.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "docket/builder.h"
#include "docket/rulebook.h"

namespace {

// Three rows per table: row r holds "k<r>" / r / … so keys are distinct and
// child `via` columns point at parent keys; row 2 is NULL outside the key.
docket::Snapshot MakeData(const docket::Schema& schema) {
  docket::Snapshot snap;
  snap.schema = schema;
  for (const docket::TableSchema& ts : schema.tables) {
    std::vector<docket::Column> cols;
    for (const docket::ColumnSchema& c : ts.columns) {
      docket::ColumnBuilder b(c.type);
      for (int r = 0; r < 3; ++r) {
        if (r == 2 && c.name != ts.key) {
          b.AppendNull();
          continue;
        }
        switch (c.type.id) {
          case docket::TypeId::kBool:
            b.AppendBool(r == 1);
            break;
          case docket::TypeId::kInt:
            b.AppendInt(r * 1000 - 1);
            break;
          case docket::TypeId::kFloat:
            b.AppendFloat(r * 2.5);
            break;
          case docket::TypeId::kString:
            b.AppendString("k" + std::to_string(r));
            break;
          case docket::TypeId::kDate:
            b.AppendDate(20779 - 40 * r);
            break;
          case docket::TypeId::kTimestamp:
            b.AppendTimestamp(int64_t{r} * 86400 * 1000);
            break;
        }
      }
      cols.push_back(std::move(b).Finish());
    }
    absl::StatusOr<docket::Table> t = docket::Table::Make(ts, std::move(cols));
    if (!t.ok()) continue;  // e.g. a bool key cannot hold three distinct values.
    (void)snap.AddTable(*std::move(t));
  }
  return snap;
}

bool IsUserError(const absl::Status& s) {
  return s.code() == absl::StatusCode::kInvalidArgument ||
         s.code() == absl::StatusCode::kResourceExhausted ||
         s.code() == absl::StatusCode::kFailedPrecondition;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  docket::Limits limits;
  limits.max_rules = 64;
  limits.max_expression_depth = 64;
  limits.max_expression_nodes = 2000;
  limits.max_yaml_depth = 32;
  absl::StatusOr<docket::Rulebook> book = docket::Rulebook::FromYaml(text, "fuzz.yaml", limits);
  if (!book.ok()) {
    if (!IsUserError(book.status())) __builtin_trap();
    return 0;
  }
  absl::StatusOr<docket::CompiledRulebook> compiled =
      docket::CompiledRulebook::Compile(*book, limits);
  if (!compiled.ok()) {
    if (!IsUserError(compiled.status())) __builtin_trap();
    return 0;
  }
  docket::Snapshot snap = MakeData(compiled->schema());
  docket::RunOptions run;
  run.as_of = absl::CivilDay(2026, 11, 22);
  run.threads = 1;
  absl::StatusOr<docket::RulebookResult> all = compiled->Evaluate(snap, run);
  if (!all.ok()) {
    if (!IsUserError(all.status())) __builtin_trap();
    return 0;
  }
  run.owner = "k1";
  absl::StatusOr<docket::RulebookResult> mine = compiled->Evaluate(snap, run);
  if (!mine.ok()) __builtin_trap();  // The same data evaluated a moment ago.
  if (mine->lists.size() != all->lists.size()) __builtin_trap();
  for (size_t i = 0; i < all->lists.size(); ++i) {
    const docket::ListResult& a = all->lists[i];
    const docket::ListResult& m = mine->lists[i];
    if (m.count > a.count) __builtin_trap();  // Scope only removes rows.
    for (int64_t row : m.rows) {
      if (!a.matches.Get(row)) __builtin_trap();
    }
  }
  return 0;
}
