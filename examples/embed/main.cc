// The smallest program embedding docket: build a 3-row accounts table in
// memory, compile one predicate against its schema, evaluate it, print the
// count.  Built against an installed docket (see CMakeLists.txt); the test
// tests/cli/embed_install.sh expects it to print "matching accounts: 1".
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "docket/builder.h"
#include "docket/column.h"
#include "docket/options.h"
#include "docket/program.h"
#include "docket/schema.h"
#include "docket/table.h"

int main() {
  // The table's schema: key `id`, owner `csm`.
  docket::TableSchema accounts;
  accounts.name = "accounts";
  accounts.key = "id";
  accounts.owner = "csm";
  accounts.columns = {{"id", docket::DataType::String(), {}},
                      {"csm", docket::DataType::String(), {}},
                      {"arr", docket::DataType::Float(), {}},
                      {"pulse", docket::DataType::String(), {}}};

  // Three accounts, built column by column.
  docket::ColumnBuilder id(docket::DataType::String()), csm(docket::DataType::String()),
      arr(docket::DataType::Float()), pulse(docket::DataType::String());
  auto add = [&](const char* key, const char* owner, double revenue, const char* status) {
    id.AppendString(key);
    csm.AppendString(owner);
    arr.AppendFloat(revenue);
    pulse.AppendString(status);
  };
  add("A1", "Alice Chen", 250000, "red");    // In: large and red.
  add("A2", "Alice Chen", 40000, "yellow");  // Out: too small.
  add("A3", "Bruno Díaz", 180000, "green");  // Out: green.
  std::vector<docket::Column> columns;
  columns.push_back(std::move(id).Finish());
  columns.push_back(std::move(csm).Finish());
  columns.push_back(std::move(arr).Finish());
  columns.push_back(std::move(pulse).Finish());
  absl::StatusOr<docket::Table> table = docket::Table::Make(accounts, std::move(columns));
  if (!table.ok()) {
    std::fprintf(stderr, "embed: %s\n", std::string(table.status().message()).c_str());
    return 1;
  }

  // Compile once (errors carry line, column and a caret), evaluate many times.
  absl::StatusOr<docket::CompiledPredicate> predicate =
      docket::CompiledPredicate::Compile("arr > 100000 AND pulse IN ('red', 'yellow')", accounts);
  if (!predicate.ok()) {
    std::fprintf(stderr, "embed: %s\n", std::string(predicate.status().message()).c_str());
    return 2;
  }
  docket::EvalOptions options;
  options.as_of = absl::CivilDay(2026, 11, 22);
  absl::StatusOr<docket::PredicateResult> result = predicate->EvaluateTable(*table, options);
  if (!result.ok()) {
    std::fprintf(stderr, "embed: %s\n", std::string(result.status().message()).c_str());
    return 1;
  }
  std::printf("matching accounts: %lld\n", static_cast<long long>(result->count));
  return 0;
}
