// docket_gen — writes deterministic sample data as DIR/<table>.csv.
//
//   docket_gen --out examples/data                       # the committed sample
//   docket_gen --out examples/data --history examples/history
//       --history-columns id,name,csm,...                # + 13 weekly past snapshots
//   docket_gen --accounts 1000000 --seed 7 --as-of 2026-11-22 --out /tmp/big
//       --tables accounts,contacts
//
// The same arguments give byte-identical files on any machine.  Errors are
// one line on stderr; exit status 2 for a usage error, 1 for a write error.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "gen/generator.h"
#include "gen/history.h"

int main(int argc, char** argv) {
  CLI::App app{"docket_gen — deterministic sample data for docket (examples/schema.yaml)"};
  docket::gen::GenOptions opts;
  std::string as_of = "2026-11-22";
  std::string out;
  std::string tables;
  bool quiet = false;
  std::string history_dir;
  std::string history_columns;
  docket::gen::HistoryOptions history;
  app.add_option("--accounts", opts.num_accounts, "number of accounts (default 2000)")
      ->check(CLI::Range(0, 999999999));
  app.add_option("--seed", opts.seed, "random seed (default 42)");
  app.add_option("--as-of", as_of, "the date the data is taken, YYYY-MM-DD (default 2026-11-22)");
  app.add_option("--out", out, "output directory (created if missing)")->required();
  app.add_option("--tables", tables, "comma-separated tables to write (default: all)");
  app.add_option("--csms", opts.num_csms, "number of CSMs (default 8; the first is Alice Chen)")
      ->check(CLI::Range(1, 64));
  app.add_option("--orphans", opts.orphan_rows,
                 "orphan rows to add to every child table (default 0)")
      ->check(CLI::Range(0, 1000000));
  app.add_option("--contacts-per-account", opts.contacts_per_account,
                 "mean contacts per account (default 5)");
  app.add_option("--tasks-per-account", opts.tasks_per_account,
                 "mean tasks per account (default 3)");
  app.add_option("--success-plans-per-account", opts.success_plans_per_account, "default 1");
  app.add_option("--objectives-per-account", opts.objectives_per_account, "default 2");
  app.add_option("--playbooks-per-account", opts.playbooks_per_account, "default 1");
  app.add_option("--activities-per-account", opts.activities_per_account, "default 10");
  app.add_option("--conversations-per-account", opts.conversations_per_account, "default 0.5");
  app.add_option("--opportunities-per-account", opts.opportunities_per_account, "default 1");
  app.add_option("--requests-per-account", opts.requests_per_account, "default 0.3");
  app.add_option("--threads", opts.threads, "generator threads (default 0: one per core)")
      ->check(CLI::Range(0, 64));
  app.add_option("--history", history_dir,
                 "also write past snapshots of accounts as DIR/YYYY-MM-DD/accounts.csv (before "
                 "--as-of; consistent with the current snapshot)");
  app.add_option("--history-snapshots", history.snapshots,
                 "number of past snapshots (default 13: a quarter of weeks)")
      ->check(CLI::Range(1, 520));
  app.add_option("--history-interval-days", history.interval_days,
                 "days between past snapshots (default 7)")
      ->check(CLI::Range(1, 366));
  app.add_option("--history-columns", history_columns,
                 "comma-separated accounts columns to keep in the past snapshots (default: all; "
                 "id is always kept)");
  app.add_option("--history-gone-permille", history.gone_permille,
                 "accounts per thousand that exist in the past and are gone now (default 20)")
      ->check(CLI::Range(0, 1000));
  app.add_flag("--quiet", quiet, "do not print the summary line");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "docket_gen: %s (see docket_gen --help)\n", e.what());
    return 2;
  }

  absl::CivilDay day;
  if (!absl::ParseCivilTime(as_of, &day) || as_of.size() != 10) {
    std::fprintf(stderr, "docket_gen: --as-of: '%s' is not a date YYYY-MM-DD\n", as_of.c_str());
    return 2;
  }
  opts.as_of = day;
  if (!tables.empty()) opts.tables = absl::StrSplit(tables, ',', absl::SkipEmpty());

  auto start = std::chrono::steady_clock::now();
  absl::StatusOr<docket::Snapshot> snap = docket::gen::GenerateSnapshot(opts);
  if (!snap.ok()) {
    std::fprintf(stderr, "docket_gen: %s\n", std::string(snap.status().message()).c_str());
    return snap.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  auto generated = std::chrono::steady_clock::now();
  absl::Status written = docket::gen::WriteCsvDirectory(*snap, out);
  if (!written.ok()) {
    std::fprintf(stderr, "docket_gen: %s\n", std::string(written.message()).c_str());
    return 1;
  }
  if (!history_dir.empty()) {
    if (!history_columns.empty())
      history.columns = absl::StrSplit(history_columns, ',', absl::SkipEmpty());
    absl::StatusOr<std::vector<docket::gen::PastSnapshot>> past =
        docket::gen::GenerateHistory(opts, *snap, history);
    if (!past.ok()) {
      std::fprintf(stderr, "docket_gen: %s\n", std::string(past.status().message()).c_str());
      return past.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
    }
    absl::Status w = docket::gen::WriteHistoryDirectory(*past, history_dir);
    if (!w.ok()) {
      std::fprintf(stderr, "docket_gen: %s\n", std::string(w.message()).c_str());
      return 1;
    }
    if (!quiet)
      std::fprintf(stderr, "docket_gen: %zu past snapshots -> %s\n", past->size(),
                   history_dir.c_str());
  }
  auto done = std::chrono::steady_clock::now();
  if (!quiet) {
    int64_t rows = 0;
    for (const auto& [name, table] : snap->tables) rows += table.num_rows();
    std::fprintf(stderr,
                 "docket_gen: %zu tables, %lld rows, as_of %s, seed %llu -> %s (generate %.2f s, "
                 "write %.2f s)\n",
                 snap->tables.size(), static_cast<long long>(rows), as_of.c_str(),
                 static_cast<unsigned long long>(opts.seed), out.c_str(),
                 std::chrono::duration<double>(generated - start).count(),
                 std::chrono::duration<double>(done - generated).count());
  }
  return 0;
}
