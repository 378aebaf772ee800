// `docket metrics`: a rulebook's metrics (groups × metrics with goals and
// attainment), each series, and the alert feed.
//
//   docket metrics examples/rulebooks/activity_metrics.yaml --data examples/data --as-of 2026-11-22
//   docket metrics RULEBOOK --data DIR --owner "Alice Chen" --format json
//
// Exit status: 0 success, 1 data or evaluation error, 2 usage or compile error.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "cli/commands.h"
#include "cli/load_data.h"
#include "docket/csv.h"
#include "docket/error.h"
#include "docket/metrics.h"
#include "docket/rulebook.h"

namespace docket::cli {
namespace {

struct MetricsArgs {
  std::string rulebook;
  std::string data;
  std::string as_of;
  std::string owner;
  bool has_owner = false;
  std::vector<std::string> params;
  std::string format = "table";
  int threads = 0;
};

int RunMetrics(const MetricsArgs& args) {
  absl::StatusOr<Rulebook> book = Rulebook::Load(args.rulebook);
  if (!book.ok()) return PrintError(book.status());
  if (absl::Status st = CompileBeforeData(*book, args.data); !st.ok()) return PrintError(st);
  // The shared data rules (cli/load_data.h), as `docket run` reads the directory.
  absl::StatusOr<Snapshot> snapshot = LoadRulebookData(*book, args.data, args.threads);
  if (!snapshot.ok()) return PrintError(snapshot.status());
  absl::StatusOr<CompiledRulebook> compiled = CompiledRulebook::Compile(*book, snapshot->schema);
  if (!compiled.ok()) return PrintError(compiled.status());
  RunOptions run;
  if (args.as_of.empty()) {
    run.as_of = absl::ToCivilDay(absl::Now(), book->time_zone);
  } else if (args.as_of.size() != 10 || !absl::ParseCivilTime(args.as_of, &run.as_of)) {
    return PrintError(UsageError(absl::StrCat("--as-of '", args.as_of, "' is not a date"),
                                 "write it as YYYY-MM-DD"));
  }
  if (args.has_owner) run.owner = args.owner;
  run.threads = args.threads;
  for (const std::string& p : args.params) {
    size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      return PrintError(UsageError(absl::StrCat("--param '", p, "' is not name=value")));
    }
    absl::StatusOr<Value> v = compiled->ParseParam(p.substr(0, eq), p.substr(eq + 1));
    if (!v.ok()) return PrintError(v.status());
    run.params[p.substr(0, eq)] = *std::move(v);
  }
  if (book->metrics == nullptr || book->metrics->metrics.empty()) {
    return PrintError(
        UsageError(absl::StrCat(args.rulebook, ": the rulebook defines no metrics"),
                   "add a 'metrics:' section (docs/rulebooks.md, \"Metrics, goals and alerts\")"));
  }
  absl::StatusOr<MetricsResult> result = ComputeMetrics(*compiled, *snapshot, run);
  if (!result.ok()) return PrintError(result.status());
  std::string out;
  if (args.format == "json") {
    out = RenderMetricsJson(*result);
    for (const std::string& w : result->warnings)
      std::fprintf(stderr, "docket: warning: %s\n", w.c_str());
  } else if (args.format == "csv") {
    out = RenderMetricsCsv(*result);
    for (const std::string& w : result->warnings)
      std::fprintf(stderr, "docket: warning: %s\n", w.c_str());
  } else {
    out = absl::StrCat(book->name, " — metrics for ", result->owner.value_or("everyone"),
                       ", as of ", absl::FormatCivilTime(result->as_of), " (", result->time_zone,
                       ")\n\n", RenderMetricsText(*result));
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace

void AddMetricsCommand(CLI::App& app, Runner& run) {
  auto args = std::make_shared<MetricsArgs>();
  CLI::App* cmd = app.add_subcommand("metrics", "A rulebook's metrics, goals and alert feed");
  cmd->add_option("rulebook", args->rulebook, "The rulebook YAML file")->required();
  cmd->add_option("--data", args->data, "A directory of <table>.csv files")->required();
  cmd->add_option("--as-of", args->as_of,
                  "The evaluation date, YYYY-MM-DD (default: today in the rulebook's time zone)");
  cmd->add_option_function<std::string>(
      "--owner",
      [args](const std::string& owner) {
        args->owner = owner;
        args->has_owner = true;
      },
      "Only this owner's rows and group (default: everyone)");
  cmd->add_option("--param", args->params, "Override a param, name=value (repeatable)");
  cmd->add_option("--format", args->format, "table (default), json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->add_option("--threads", args->threads, "Threads (0: one per core)")
      ->check(CLI::Range(0, 256));
  cmd->callback([&run, args] { run = [args] { return RunMetrics(*args); }; });
}

}  // namespace docket::cli
