// `docket check`, `docket run`, `docket diff`, `docket explain`: rulebooks
// from the command line.
//
//   docket check examples/rulebooks/csm_hub.yaml [--data examples/data]
//   docket run examples/rulebooks/csm_hub.yaml --data examples/data --as-of 2026-11-22 --owner
//   "Alice Chen" docket diff RULEBOOK --before old/ --after new/ --format json docket explain
//   RULEBOOK --data DIR --list outdated_pulse --key A0000042
//
// Exit status: 0 success, 1 data or evaluation error, 2 usage or compile error.
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cli/commands.h"
#include "cli/load_data.h"
#include "docket/csv.h"
#include "docket/error.h"
#include "docket/history.h"
#include "docket/metrics.h"
#include "docket/rulebook.h"
#include "rulebook/command_center.h"
#include "rulebook/data_rules.h"
#include "rulebook/explain.h"

namespace docket::cli {
namespace {

struct RulebookArgs {
  std::string rulebook;
  std::string data;
  std::string before;
  std::string after;
  std::string as_of;
  std::string owner;
  bool has_owner = false;
  std::vector<std::string> lists;
  std::vector<std::string> params;
  std::string format;
  int64_t limit = -1;
  int threads = 0;
  std::string list;
  std::string key;
  std::string history;       // --history DIR (DIR/YYYY-MM-DD/<table>.csv)
  std::string before_as_of;  // diff: the before side's date
};

void Print(std::string_view s) { std::fwrite(s.data(), 1, s.size(), stdout); }

bool StdoutIsTerminal() { return isatty(STDOUT_FILENO) == 1; }

bool UseColor() {
  if (!StdoutIsTerminal()) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::string(term) != "dumb";
}

int TerminalWidth() {
  winsize ws{};
  if (StdoutIsTerminal() && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    return std::clamp<int>(ws.ws_col, 60, 160);
  }
  return 100;  // Piped (to a pager or a file).
}

// Loads a rulebook (exit 2 on a compile error).
absl::StatusOr<Rulebook> LoadRulebook(const std::string& path) { return Rulebook::Load(path); }

// Reads DIR with the rulebook's tables (or inferred types when it declares none).
absl::StatusOr<Snapshot> LoadData(const Rulebook& book, const std::string& dir, int threads) {
  return LoadRulebookData(book, dir, threads);  // The shared data rules (cli/load_data.h).
}

// --as-of, or today in the rulebook's time zone.
absl::StatusOr<absl::CivilDay> AsOf(const std::string& text, const Rulebook& book,
                                    const std::string& flag = "--as-of") {
  if (text.empty()) return absl::ToCivilDay(absl::Now(), book.time_zone);
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day)) {
    return UsageError(absl::StrCat(flag, " '", text, "' is not a date"), "write it as YYYY-MM-DD");
  }
  return day;
}

// The current snapshot's directory: --data, else the --history folder dated as_of.
absl::StatusOr<std::string> DataDir(const RulebookArgs& args, const Rulebook& book) {
  if (!args.data.empty()) return args.data;
  if (args.history.empty())
    return UsageError("--data is required",
                      "pass --data DIR (or --history DIR with a folder dated --as-of)");
  absl::StatusOr<absl::CivilDay> day = AsOf(args.as_of, book);
  if (!day.ok()) return day.status();
  std::string dir = (std::filesystem::path(args.history) / absl::FormatCivilTime(*day)).string();
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return UsageError(
        absl::StrCat("no snapshot folder ", dir, " for as_of ", absl::FormatCivilTime(*day)),
        "pass --data DIR for the current snapshot, or --as-of the date of a folder in " +
            args.history);
  }
  return dir;
}

// The older snapshots (dated before `as_of`), or nullopt without --history.
absl::StatusOr<std::optional<History>> LoadHistory(const RulebookArgs& args, const Rulebook& book,
                                                   absl::CivilDay as_of,
                                                   const std::string& current) {
  if (args.history.empty()) return std::optional<History>();
  CsvOptions csv;
  csv.threads = args.threads;
  const Schema* schema = book.schema.tables.empty() ? nullptr : &book.schema;
  absl::StatusOr<History> h = ReadHistoryDirectory(args.history, schema, as_of, csv);
  if (!h.ok()) return h.status();
  h->current_source = current;
  return std::optional<History>(*std::move(h));
}

void PrintNotes(const std::vector<std::string>& notes) {
  for (const std::string& n : notes) std::fprintf(stderr, "docket: note: %s\n", n.c_str());
}

absl::StatusOr<RunOptions> MakeRunOptions(const RulebookArgs& args,
                                          const CompiledRulebook& compiled, bool* as_of_defaulted) {
  RunOptions run;
  const Rulebook& book = compiled.rulebook();
  *as_of_defaulted = args.as_of.empty();
  if (args.as_of.empty()) {
    run.as_of = absl::ToCivilDay(absl::Now(), book.time_zone);  // Today where the team works.
  } else {
    absl::CivilDay day;
    if (args.as_of.size() != 10 || !absl::ParseCivilTime(args.as_of, &day)) {
      return UsageError(absl::StrCat("--as-of '", args.as_of, "' is not a date"),
                        "write it as YYYY-MM-DD");
    }
    run.as_of = day;
  }
  if (args.has_owner) run.owner = args.owner;
  run.threads = args.threads;
  for (const std::string& l : args.lists) {
    for (absl::string_view id : absl::StrSplit(l, ',', absl::SkipWhitespace()))
      run.lists.emplace_back(id);
  }
  for (const std::string& p : args.params) {
    size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      return UsageError(absl::StrCat("--param '", p, "' is not name=value"),
                        "e.g. --param pulse_stale_days=60");
    }
    absl::StatusOr<Value> v = compiled.ParseParam(p.substr(0, eq), p.substr(eq + 1));
    if (!v.ok()) return v.status();
    run.params[p.substr(0, eq)] = *std::move(v);
  }
  return run;
}

std::string Summary(const Rulebook& book) {
  int by_horizon[3] = {0, 0, 0};
  for (const ListSpec& l : book.lists) ++by_horizon[static_cast<int>(l.horizon)];
  auto n = [](size_t count, std::string_view one, std::string_view many) {
    return absl::StrCat(count, " ", std::string(count == 1 ? one : many));
  };
  return absl::StrCat(book.name, ": ", n(book.lists.size(), "list", "lists"), " (", by_horizon[0],
                      " today, ", by_horizon[1], " upcoming, ", by_horizon[2], " past), ",
                      n(book.segments.size(), "segment", "segments"), ", ",
                      n(book.kpis.size(), "KPI", "KPIs"), ", ",
                      n(book.params.size(), "param", "params"));
}

int RunCheck(const RulebookArgs& args) {
  absl::StatusOr<Rulebook> book = LoadRulebook(args.rulebook);
  if (!book.ok()) return PrintError(book.status());
  if (args.data.empty()) {
    if (book->schema.tables.empty()) {
      Print(absl::StrCat(args.rulebook,
                         ": ok (structure only — it declares no tables; pass --data DIR to check "
                         "names and expressions) — ",
                         Summary(*book), "\n"));
      return 0;
    }
    absl::StatusOr<CompiledRulebook> compiled = CompiledRulebook::Compile(*book);
    if (!compiled.ok()) return PrintError(compiled.status());
    Print(absl::StrCat(args.rulebook, ": ok — ", Summary(*book), "\n"));
    return 0;
  }
  // Compile first (a rule mistake is exit 2 even when the data is bad too).
  if (absl::Status st = CompileBeforeData(*book, args.data); !st.ok()) return PrintError(st);
  absl::StatusOr<Snapshot> snapshot = LoadData(*book, args.data, args.threads);
  if (!snapshot.ok()) return PrintError(snapshot.status());
  absl::StatusOr<CompiledRulebook> compiled = CompiledRulebook::Compile(*book, snapshot->schema);
  if (!compiled.ok()) return PrintError(compiled.status());
  int64_t rows = 0;
  for (const auto& [name, table] : snapshot->tables) rows += table.num_rows();
  Print(absl::StrCat(args.rulebook, ": ok — ", Summary(*book), "; data in ", args.data,
                     " matches (", snapshot->tables.size(), " tables, ", rows, " rows)\n"));
  return 0;
}

struct Prepared {
  CompiledRulebook compiled;
  RunOptions run;
  bool as_of_defaulted = false;
};

// Load and compile a rulebook against `snapshot`, and the run options.
absl::StatusOr<Prepared> Prepare(const RulebookArgs& args, const Rulebook& book,
                                 const Snapshot& snapshot) {
  absl::StatusOr<CompiledRulebook> compiled = CompiledRulebook::Compile(book, snapshot.schema);
  if (!compiled.ok()) return compiled.status();
  bool defaulted = false;
  absl::StatusOr<RunOptions> run = MakeRunOptions(args, *compiled, &defaulted);
  if (!run.ok()) return run.status();
  if (run->owner.has_value()) {
    // The shared owner rule (rulebook/data_rules.h): no owner column anywhere is
    // an error, an owner who owns no row a warning.
    std::string warning;
    if (absl::Status s = CheckOwner(snapshot, {}, *run->owner, &warning); !s.ok()) return s;
    if (!warning.empty()) std::fprintf(stderr, "docket: warning: %s\n", warning.c_str());
  }
  return Prepared{*std::move(compiled), *std::move(run), defaulted};
}

int RunRun(const RulebookArgs& args) {
  absl::StatusOr<Rulebook> book = LoadRulebook(args.rulebook);
  if (!book.ok()) return PrintError(book.status());
  // Rule mistakes before data mistakes.
  if (absl::Status st = CompileBeforeData(*book, args.data); !st.ok()) return PrintError(st);
  absl::StatusOr<std::string> dir = DataDir(args, *book);
  if (!dir.ok()) return PrintError(dir.status());
  absl::StatusOr<Snapshot> snapshot = LoadData(*book, *dir, args.threads);
  if (!snapshot.ok()) return PrintError(snapshot.status());
  absl::StatusOr<Prepared> prepared = Prepare(args, *book, *snapshot);
  if (!prepared.ok()) return PrintError(prepared.status());
  RunOptions& run = prepared->run;
  absl::StatusOr<std::optional<History>> history = LoadHistory(args, *book, run.as_of, *dir);
  if (!history.ok()) return PrintError(history.status());
  if (history->has_value()) run.history = &**history;
  const std::string format = args.format.empty() ? "table" : args.format;
  if (format != "table" && args.limit >= 0) run.max_rows = args.limit;
  if (format == "table") {
    // Only the shown rows need ordering.
    run.max_rows = args.limit >= 0 ? args.limit : 5;
  }
  absl::StatusOr<RulebookResult> result = prepared->compiled.Evaluate(*snapshot, run);
  if (!result.ok()) return PrintError(result.status());
  PrintNotes(result->notes);
  if (format == "json") {
    rulebook::WriteJson(*result, [](std::string_view piece) { Print(piece); });
  } else if (format == "csv") {
    std::fprintf(stderr, "docket: as of %s (%s)\n", absl::FormatCivilTime(result->as_of).c_str(),
                 result->time_zone.c_str());
    Print(rulebook::RenderCsv(*result));
  } else {
    rulebook::RenderOptions o;
    o.rows_per_list = *run.max_rows;
    o.color = UseColor();
    o.width = TerminalWidth();
    Print(rulebook::RenderCommandCenter(*result, o));
    // The rulebook's metrics, goals and alerts close the Past section.
    if (book->metrics != nullptr && !book->metrics->metrics.empty()) {
      absl::StatusOr<MetricsResult> metrics = ComputeMetrics(prepared->compiled, *snapshot, run);
      if (!metrics.ok()) return PrintError(metrics.status());
      std::string head = "━━ PAST · METRICS AND ALERTS ";
      for (int i = 29; i < o.width; ++i) head += "━";  // The heading is 29 columns wide.
      Print(absl::StrCat("\n", head, "\n\n", RenderMetricsText(*metrics)));
    }
  }
  return 0;
}

int RunDiff(const RulebookArgs& args) {
  absl::StatusOr<Rulebook> book = LoadRulebook(args.rulebook);
  if (!book.ok()) return PrintError(book.status());
  if (absl::Status st = CompileBeforeData(*book, args.after); !st.ok()) return PrintError(st);
  absl::StatusOr<Snapshot> before = LoadData(*book, args.before, args.threads);
  if (!before.ok()) return PrintError(before.status());
  absl::StatusOr<Snapshot> after = LoadData(*book, args.after, args.threads);
  if (!after.ok()) return PrintError(after.status());
  absl::StatusOr<Prepared> prepared = Prepare(args, *book, *after);
  if (!prepared.ok()) return PrintError(prepared.status());
  prepared->run.max_rows = 0;  // Keys come from every matching row.
  // Each side at its own date: --before-as-of, else the date the --before
  // folder is named by (DIR/YYYY-MM-DD), else --as-of.
  RunOptions before_run = prepared->run;
  if (!args.before_as_of.empty()) {
    absl::StatusOr<absl::CivilDay> d = AsOf(args.before_as_of, *book, "--before-as-of");
    if (!d.ok()) return PrintError(d.status());
    before_run.as_of = *d;
  } else {
    absl::CivilDay d;
    std::string folder = std::filesystem::path(args.before).lexically_normal().filename().string();
    if (folder.empty())
      folder =
          std::filesystem::path(args.before).lexically_normal().parent_path().filename().string();
    if (folder.size() == 10 && absl::ParseCivilTime(folder, &d)) before_run.as_of = d;
  }
  if (before_run.as_of > prepared->run.as_of) {
    return PrintError(UsageError(
        absl::StrCat("the before side's date ", absl::FormatCivilTime(before_run.as_of),
                     " is after the after side's ", absl::FormatCivilTime(prepared->run.as_of)),
        "pass --before-as-of and --as-of in order"));
  }
  absl::StatusOr<std::optional<History>> history =
      LoadHistory(args, *book, prepared->run.as_of, args.after);
  if (!history.ok()) return PrintError(history.status());
  std::optional<History> before_history;
  if (history->has_value()) {
    prepared->run.history = &**history;
    before_history = (*history)->Before(before_run.as_of);
    before_history->current_source = args.before;
    before_run.history = &*before_history;
  }
  absl::StatusOr<RulebookResult> b = prepared->compiled.Evaluate(*before, before_run);
  if (!b.ok()) return PrintError(b.status());
  absl::StatusOr<RulebookResult> a = prepared->compiled.Evaluate(*after, prepared->run);
  if (!a.ok()) return PrintError(a.status());
  PrintNotes(a->notes);
  std::vector<rulebook::ListDiff> diffs = rulebook::DiffResults(*b, *a);
  if (args.format == "json") {
    Print(rulebook::RenderDiffJson(*a, diffs));
  } else {
    Print(rulebook::RenderDiffText(*a, diffs, args.limit >= 0 ? args.limit : 10, UseColor()));
  }
  return 0;
}

int RunExplain(const RulebookArgs& args) {
  absl::StatusOr<Rulebook> book = LoadRulebook(args.rulebook);
  if (!book.ok()) return PrintError(book.status());
  if (absl::Status st = CompileBeforeData(*book, args.data); !st.ok()) return PrintError(st);
  absl::StatusOr<std::string> dir = DataDir(args, *book);
  if (!dir.ok()) return PrintError(dir.status());
  absl::StatusOr<Snapshot> snapshot = LoadData(*book, *dir, args.threads);
  if (!snapshot.ok()) return PrintError(snapshot.status());
  absl::StatusOr<Prepared> prepared = Prepare(args, *book, *snapshot);
  if (!prepared.ok()) return PrintError(prepared.status());
  absl::StatusOr<std::optional<History>> history =
      LoadHistory(args, *book, prepared->run.as_of, *dir);
  if (!history.ok()) return PrintError(history.status());
  if (history->has_value()) prepared->run.history = &**history;
  absl::StatusOr<rulebook::Explanation> e =
      rulebook::Explain(prepared->compiled, *snapshot, args.list, args.key, prepared->run);
  if (!e.ok()) return PrintError(e.status());
  Print(absl::StrCat("as of ", absl::FormatCivilTime(prepared->run.as_of), " (",
                     prepared->run.time_zone.value_or(book->time_zone).name(), ")\n"));
  Print(rulebook::RenderExplanation(*e, UseColor()));
  return 0;
}

CLI::App* AddCommon(CLI::App& app, const char* name, const char* help,
                    const std::shared_ptr<RulebookArgs>& args) {
  CLI::App* cmd = app.add_subcommand(name, help);
  cmd->add_option("rulebook", args->rulebook, "The rulebook YAML file")->required();
  return cmd;
}

void AddAsOf(CLI::App* cmd, const std::shared_ptr<RulebookArgs>& args) {
  cmd->add_option("--as-of", args->as_of,
                  "The evaluation date, YYYY-MM-DD (default: today in the rulebook's time zone; "
                  "always printed)");
  cmd->add_option("--param", args->params, "Override a param, name=value (repeatable)");
  cmd->add_option("--threads", args->threads,
                  "Threads for loading and evaluating (0: one per core)")
      ->check(CLI::Range(0, 256));
}

void AddOwner(CLI::App* cmd, const std::shared_ptr<RulebookArgs>& args) {
  cmd->add_option_function<std::string>(
      "--owner",
      [args](const std::string& owner) {
        args->owner = owner;
        args->has_owner = true;
      },
      "Limit every list to this owner's rows (default: everyone)");
}

}  // namespace

void AddCheckCommand(CLI::App& app, Runner& run) {
  auto args = std::make_shared<RulebookArgs>();
  CLI::App* cmd = AddCommon(
      app, "check", "Validate a rulebook (and, with --data, against the data's columns)", args);
  cmd->add_option("--data", args->data,
                  "A directory of <table>.csv files to check the rulebook against");
  cmd->add_option("--threads", args->threads, "Threads for loading (0: one per core)")
      ->check(CLI::Range(0, 256));
  cmd->callback([&run, args] { run = [args] { return RunCheck(*args); }; });
}

void AddRunCommand(CLI::App& app, Runner& run) {
  auto args = std::make_shared<RulebookArgs>();
  CLI::App* cmd =
      AddCommon(app, "run",
                "Run a rulebook: the command center (every list's count and top rows, KPIs)", args);
  cmd->add_option(
      "--data", args->data,
      "A directory of <table>.csv files (default with --history: its folder dated --as-of)");
  cmd->add_option("--history", args->history,
                  "Older snapshots for prev()/changed()/triggers: DIR/YYYY-MM-DD/<table>.csv");
  AddAsOf(cmd, args);
  AddOwner(cmd, args);
  cmd->add_option("--list", args->lists, "Only this list (repeatable, or comma-separated ids)");
  cmd->add_option("--format", args->format, "table (default, for people), json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->add_option(
         "--limit", args->limit,
         "Rows per list: shown in the table (default 5); for json and csv, caps each list's keys "
         "(default: the list's own limit)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  cmd->callback([&run, args] { run = [args] { return RunRun(*args); }; });
}

void AddDiffCommand(CLI::App& app, Runner& run) {
  auto args = std::make_shared<RulebookArgs>();
  CLI::App* cmd = AddCommon(
      app, "diff", "Compare two snapshots: per list, the keys that entered and left", args);
  cmd->add_option("--before", args->before, "The earlier snapshot's directory")->required();
  cmd->add_option("--after", args->after, "The later snapshot's directory")->required();
  cmd->add_option("--before-as-of", args->before_as_of,
                  "The before side's evaluation date (default: the date --before's folder is named "
                  "by, else --as-of)");
  cmd->add_option("--history", args->history,
                  "Older snapshots for prev()/changed(): DIR/YYYY-MM-DD/<table>.csv");
  AddAsOf(cmd, args);
  AddOwner(cmd, args);
  cmd->add_option("--list", args->lists, "Only this list (repeatable, or comma-separated ids)");
  cmd->add_option("--format", args->format, "table (default) or json")
      ->check(CLI::IsMember({"table", "json"}));
  cmd->add_option("--limit", args->limit,
                  "Keys shown per list and direction in the table (default 10)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  cmd->callback([&run, args] { run = [args] { return RunDiff(*args); }; });
}

void AddExplainCommand(CLI::App& app, Runner& run) {
  auto args = std::make_shared<RulebookArgs>();
  CLI::App* cmd = AddCommon(app, "explain", "Explain why one row is or is not in a list", args);
  cmd->add_option(
      "--data", args->data,
      "A directory of <table>.csv files (default with --history: its folder dated --as-of)");
  cmd->add_option("--history", args->history,
                  "Older snapshots for prev()/changed()/triggers: DIR/YYYY-MM-DD/<table>.csv");
  cmd->add_option("--list", args->list, "The list's id")->required();
  cmd->add_option("--key", args->key, "The row's key")->required();
  AddAsOf(cmd, args);
  AddOwner(cmd, args);
  cmd->callback([&run, args] { run = [args] { return RunExplain(*args); }; });
}

}  // namespace docket::cli
