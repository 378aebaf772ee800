// gen/generator.h — the deterministic sample-data generator behind
// examples/data/, `docket_gen` and the benchmarks.
//
// It builds a Snapshot of the tables described by examples/schema.yaml
// (ExampleSchema() below) directly in memory:
//
//   docket::gen::GenOptions opts;            // seed 42, 2,000 accounts, as_of 2026-11-22
//   opts.num_accounts = 1'000'000;
//   opts.tables = {"accounts", "contacts"};  // empty = every table
//   absl::StatusOr<docket::Snapshot> snap = docket::gen::GenerateSnapshot(opts);
//   DOCKET_RETURN_IF_ERROR(docket::gen::WriteCsvDirectory(*snap, "/tmp/data"));
//
// Guarantees:
//   - Deterministic: the same options give byte-identical tables (and CSV) on
//     any machine and compiler.  Randomness comes from our own splitmix64 /
//     xoshiro256** streams and integer arithmetic, never std:: distributions.
//   - Stable per table: each account's child rows come from a stream seeded by
//     (seed, table, account), so asking for fewer tables gives exactly the same
//     rows in the tables that are asked for.
//   - Orphan-free unless GenOptions::orphan_rows asks for orphans.
//   - Realistic enough that every rule of SPEC section 8 and every list of
//     examples/rulebooks/ finds rows, both overall and for "Alice Chen" (the
//     first CSM), at the default options.
//
// Identifiers are hierarchical so that a child can name its parent without a
// lookup: account A0000042 has contacts C0000042-1, C0000042-2, …, success
// plan SP0000042-1 has objectives OB0000042-1-1, ….  The account number has
// max(7, digits(num_accounts)) digits.
#ifndef DOCKET_GEN_GENERATOR_H_
#define DOCKET_GEN_GENERATOR_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "docket/schema.h"
#include "docket/table.h"

namespace docket::gen {

struct GenOptions {
  uint64_t seed = 42;
  int64_t num_accounts = 2000;
  // The day the data is "taken": every date is generated around it (tasks due
  // today, renewals in the next 120 days, NPS in the last week, …).
  absl::CivilDay as_of = absl::CivilDay(2026, 11, 22);
  // CSMs who own accounts; the first is always "Alice Chen".  1..64.
  int num_csms = 8;
  // Tables to build (names from TableNames()); empty = all of them.
  std::vector<std::string> tables;

  // Mean child rows per account (objectives: per account, spread over the
  // account's success plans).  Any value >= 0.
  double contacts_per_account = 5;
  double tasks_per_account = 3;
  double success_plans_per_account = 1;
  double objectives_per_account = 2;
  double playbooks_per_account = 1;
  double activities_per_account = 10;
  double conversations_per_account = 0.5;
  double opportunities_per_account = 1;
  double requests_per_account = 0.3;

  // Rows appended to every child table whose parent key does not exist (for
  // tests of orphan handling).  0 = orphan-free.
  int orphan_rows = 0;

  // Threads generating accounts (0: one per core).  The output is the same
  // for every value; small runs (under 1,000 accounts a thread) use fewer.
  int threads = 0;
};

// The tables in dependency order: accounts, contacts, tasks, success_plans,
// objectives, playbooks, activities, conversations, opportunities, requests.
const std::vector<std::string>& TableNames();

// The data contract of the generated data, identical to examples/schema.yaml.
Schema ExampleSchema();

// The CSM names used for `num_csms` (the first is "Alice Chen").
std::vector<std::string> CsmNames(int num_csms);

// Builds the snapshot.  InvalidArgument for a bad option (unknown table,
// negative count or ratio, num_csms out of range).
absl::StatusOr<Snapshot> GenerateSnapshot(const GenOptions& options);

// Writes DIR/<table>.csv for every table of `snapshot` (creating DIR): a
// header row, then one line per row; RFC 4180 quoting (a field holding a
// comma, quote, CR or LF is quoted, quotes doubled); NULL is an empty field
// and an empty string is written as ""; dates YYYY-MM-DD; timestamps
// YYYY-MM-DDTHH:MM:SSZ (with a fraction only when it is not zero); bools
// true/false; floats in their shortest round-trip form.  Lines end in "\n".
absl::Status WriteCsvDirectory(const Snapshot& snapshot, const std::string& dir);

// Writes one table as CSV to `out` (appends).  Exposed for tests.
void AppendTableCsv(const Table& table, std::string* out);

}  // namespace docket::gen

#endif  // DOCKET_GEN_GENERATOR_H_
