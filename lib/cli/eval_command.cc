// `docket eval`: load CSV data, compile one predicate, print the matching rows.
//
//   docket eval --data examples/data --table accounts
//               --where "arr > 100000 AND pulse = 'red'" --format table
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/names.h"
#include "base/text_values.h"
#include "cli/commands.h"
#include "docket/csv.h"
#include "docket/error.h"
#include "docket/history.h"
#include "docket/program.h"
#include "docket/schema_yaml.h"
#include "io/data_columns.h"
#include "io/format.h"
#include "lang/param_names.h"
#include "rulebook/data_rules.h"

namespace docket::cli {
namespace {

struct EvalArgs {
  std::string data;
  std::string table;
  std::string where;
  std::string schema;
  std::string as_of;
  std::string time_zone = "UTC";
  std::string format = "ids";
  std::vector<std::string> params;
  std::vector<std::string> columns;
  int threads = 0;
  std::string history;  // --history DIR (DIR/YYYY-MM-DD/<table>.csv)
};

// A --param value takes the type its text reads as (rulebook/data_rules.h:
// quoted text is a string, 02134 a string code, then bool, int, float, date).
Value ParamValue(std::string_view text) { return ParamFromText(text); }

std::string TableNames(const Snapshot& snapshot) {
  std::vector<std::string> names;
  for (const auto& [name, table] : snapshot.tables) names.push_back(name);
  return absl::StrJoin(names, ", ");
}

void WriteStdout(std::string_view piece) { std::fwrite(piece.data(), 1, piece.size(), stdout); }

struct Loaded {
  Snapshot snapshot;
  std::string table;
};

absl::StatusOr<Loaded> Load(const EvalArgs& args, const Schema* schema, const CsvOptions& csv,
                            const CompileOptions& compile) {
  Loaded out;
  std::error_code ec;
  if (std::filesystem::is_directory(args.data, ec) && schema == nullptr && !args.table.empty()) {
    // Without a schema no relations are known, so the rule can read only its
    // own table: only DIR/<table>.csv is read (an unrelated bad file does not
    // stop the job).
    std::filesystem::path file = std::filesystem::path(args.data) / (args.table + ".csv");
    if (!std::filesystem::exists(file, ec)) {
      std::vector<std::string> names;
      for (const auto& entry : std::filesystem::directory_iterator(args.data, ec)) {
        if (entry.path().extension() == ".csv") names.push_back(entry.path().stem().string());
      }
      std::sort(names.begin(), names.end());
      return UsageError(
          absl::StrCat("no table '", args.table, "' in ", args.data, " (no file ", file.string(),
                       "; it holds ", names.empty() ? "no .csv files" : absl::StrJoin(names, ", "),
                       ")"),
          base::DidYouMean(args.table, names));
    }
    absl::StatusOr<Table> table = ReadCsvFile(file.string(), nullptr, csv);
    if (!table.ok()) return table.status();
    out.table = args.table;
    if (absl::Status s = out.snapshot.AddTable(*std::move(table)); !s.ok()) return s;
    return out;
  }
  if (std::filesystem::is_directory(args.data, ec) && schema != nullptr) {
    // The shared table rule (rulebook/data_rules.h), for the tables the
    // predicate can read only: --table and the tables related to it.  A
    // declared table without its file is empty (a warning), a misspelled file
    // an error, an unrelated bad file not read at all.
    out.table = args.table;
    std::vector<std::string> names;
    for (const TableSchema& t : schema->tables) names.push_back(t.name);
    if (out.table.empty()) {
      if (names.size() != 1) {
        return UsageError(absl::StrCat("--table is required: ", args.schema, " declares tables ",
                                       absl::StrJoin(names, ", ")),
                          "name the table the predicate ranges over, e.g. --table accounts");
      }
      out.table = names[0];
    }
    if (schema->FindTable(out.table) == nullptr) {
      std::string hint = base::DidYouMean(out.table, names, "the declared tables are");
      return UsageError(absl::StrCat("table '", out.table, "' is not in the schema ", args.schema),
                        hint.empty() ? "name a table of the schema with --table" : hint);
    }
    // The tables the predicate reads (compiled against the schema first; a
    // rule mistake is reported after the data's, as before, by the caller).
    std::vector<std::string> needed = RelatedTables(*schema, out.table);
    absl::StatusOr<CompiledPredicate> first =
        CompiledPredicate::Compile(args.where, *schema, out.table, compile);
    if (first.ok()) needed = first->program().TablesRead();
    std::vector<std::string> warnings;
    absl::StatusOr<Snapshot> snapshot =
        ReadDeclaredCsvDirectory(args.data, *schema, csv, &warnings, needed);
    if (!snapshot.ok()) return snapshot.status();
    for (const std::string& w : warnings) std::fprintf(stderr, "docket: warning: %s\n", w.c_str());
    out.snapshot = *std::move(snapshot);
    return out;
  }
  if (std::filesystem::is_directory(args.data, ec)) {
    absl::StatusOr<Snapshot> snapshot = ReadCsvDirectory(args.data, schema, csv);
    if (!snapshot.ok()) return snapshot.status();
    out.snapshot = *std::move(snapshot);
    if (args.table.empty()) {
      if (out.snapshot.tables.size() != 1) {
        return UsageError(absl::StrCat("--table is required: ", args.data, " holds tables ",
                                       TableNames(out.snapshot)),
                          "name the table the predicate ranges over, e.g. --table accounts");
      }
      out.table = out.snapshot.tables.begin()->first;
    } else {
      out.table = args.table;
    }
    if (out.snapshot.FindTable(out.table) == nullptr) {
      std::vector<std::string> names;
      for (const auto& [name, table] : out.snapshot.tables) names.push_back(name);
      std::string hint = base::DidYouMean(out.table, names);
      return UsageError(absl::StrCat("no table '", out.table, "' in ", args.data, " (it holds ",
                                     TableNames(out.snapshot), ")"),
                        hint);
    }
    return out;
  }
  if (!std::filesystem::exists(args.data, ec)) {
    return absl::NotFoundError(absl::StrCat(args.data, ": no such file or directory"));
  }
  // One file: the table is named by --table, or else by the file's stem.
  out.table = args.table.empty() ? std::filesystem::path(args.data).stem().string() : args.table;
  const TableSchema* table_schema = nullptr;
  if (schema != nullptr) {
    table_schema = schema->FindTable(out.table);
    if (table_schema == nullptr) {
      std::vector<std::string> names;
      for (const TableSchema& t : schema->tables) names.push_back(t.name);
      std::string hint = base::DidYouMean(out.table, names);
      if (hint.empty()) hint = "name the schema's table with --table";
      return UsageError(absl::StrCat("table '", out.table, "' is not in the schema ", args.schema),
                        hint);
    }
    out.snapshot.schema = *schema;
  }
  absl::StatusOr<Table> table = ReadCsvFile(args.data, table_schema, csv);
  if (!table.ok()) return table.status();
  if (table_schema != nullptr && !table->schema().undeclared_columns.empty()) {
    // Columns the schema does not declare: ignored, with a warning (io/data_columns.h).
    std::fprintf(
        stderr, "docket: warning: %s\n",
        io::UndeclaredColumnsWarning(args.data, *table_schema, table->schema().undeclared_columns)
            .c_str());
    out.snapshot.schema.FindTable(out.table)->undeclared_columns =
        table->schema().undeclared_columns;
  }
  if (table_schema == nullptr && table->name() != out.table) {
    TableSchema renamed = table->schema();
    renamed.name = out.table;
    std::vector<Column> columns = table->columns();
    table = Table::Make(std::move(renamed), std::move(columns));
    if (!table.ok()) return table.status();
  }
  if (absl::Status s = out.snapshot.AddTable(*std::move(table)); !s.ok()) return s;
  return out;
}

void PrintDiagnostics(const Diagnostics& d) {
  if (d.division_by_zero > 0) {
    std::fprintf(stderr, "docket: note: %lld division(s) by zero gave NULL\n",
                 static_cast<long long>(d.division_by_zero));
  }
  if (d.int_overflow > 0) {
    std::fprintf(stderr, "docket: note: %lld int overflow(s) gave NULL\n",
                 static_cast<long long>(d.int_overflow));
  }
  if (d.orphan_rows > 0) {
    std::fprintf(stderr, "docket: note: %lld row(s) have no parent row\n",
                 static_cast<long long>(d.orphan_rows));
  }
}

int RunEval(const EvalArgs& args) {
  // Everything about the invocation is checked before any data is read.
  EvalOptions eval;
  eval.threads = args.threads;
  if (!absl::LoadTimeZone(args.time_zone, &eval.time_zone)) {
    return PrintError(UsageError(absl::StrCat("unknown time zone '", args.time_zone, "'"),
                                 "use an IANA name such as UTC or America/New_York"));
  }
  if (args.as_of.empty()) {
    eval.as_of = absl::ToCivilDay(absl::Now(), eval.time_zone);
    std::string day;
    base::AppendDateText(&day, DaysSinceEpoch(eval.as_of));
    std::fprintf(stderr, "docket: as_of %s\n", day.c_str());
  } else {
    int32_t days;
    if (base::ParseDateText(args.as_of, &days) != base::TextParse::kOk) {
      return PrintError(UsageError(absl::StrCat("--as-of '", args.as_of, "' is not a date"),
                                   "write it as YYYY-MM-DD, e.g. --as-of 2026-11-22"));
    }
    eval.as_of = DayFromEpochDays(days);
  }
  CompileOptions compile;
  for (const std::string& p : args.params) {
    size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      return PrintError(UsageError(absl::StrCat("--param '", p, "' is not name=value"),
                                   "e.g. --param stale_days=90"));
    }
    std::string name = p.substr(0, eq);
    if (name[0] == '$') name.erase(0, 1);
    compile.params[name] = ParamValue(std::string_view(p).substr(eq + 1));
  }
  {
    // A --param the expression never reads is a misspelling, not a no-op.
    std::vector<std::string> given;
    for (const auto& [name, value] : compile.params) given.push_back(name);
    if (absl::Status s = lang::CheckParamsUsed(args.where, given, "--param "); !s.ok()) {
      return PrintError(s);
    }
  }

  std::optional<Schema> schema;
  if (!args.schema.empty()) {
    absl::StatusOr<Schema> s = ReadSchemaYamlFile(args.schema, compile.limits);
    if (!s.ok()) {
      // A schema that cannot be read is a usage error, like a bad flag.
      if (s.status().code() == absl::StatusCode::kNotFound) {
        return PrintError(UsageError(std::string(s.status().message()), "check the --schema path"));
      }
      return PrintError(s.status());
    }
    schema = *std::move(s);
  }

  CsvOptions csv;
  csv.threads = args.threads;
  csv.limits = compile.limits;
  EvalArgs data_args = args;
  if (args.data.empty()) {
    if (args.history.empty()) {
      return PrintError(
          UsageError("--data is required",
                     "pass --data FILE|DIR (or --history DIR with a folder dated --as-of)"));
    }
    data_args.data =
        (std::filesystem::path(args.history) / absl::FormatCivilTime(eval.as_of)).string();
    std::error_code ec;
    if (!std::filesystem::is_directory(data_args.data, ec)) {
      return PrintError(
          UsageError(absl::StrCat("no snapshot folder ", data_args.data, " for as_of ",
                                  absl::FormatCivilTime(eval.as_of)),
                     "pass --data for the current snapshot, or --as-of the date of a folder in " +
                         args.history));
    }
  }
  std::optional<History> history;
  if (!args.history.empty()) {
    absl::StatusOr<History> h =
        ReadHistoryDirectory(args.history, schema ? &*schema : nullptr, eval.as_of, csv);
    if (!h.ok()) return PrintError(h.status());
    h->current_source = data_args.data;
    history = *std::move(h);
    eval.history = &*history;
  }
  absl::StatusOr<Loaded> loaded = Load(data_args, schema ? &*schema : nullptr, csv, compile);
  if (!loaded.ok()) return PrintError(loaded.status());
  const Snapshot& snapshot = loaded->snapshot;
  const Table& table = *snapshot.FindTable(loaded->table);

  if (args.format == "ids" && table.key_column() == nullptr) {
    return PrintError(
        UsageError(absl::StrCat("table '", table.name(), "' has no key column for --format ids"),
                   "declare `key:` in --schema, name a column `id`, or use --format csv"));
  }
  absl::StatusOr<std::vector<int>> columns = io::ResolveColumns(table, args.columns);
  if (!columns.ok()) return PrintError(columns.status());

  absl::StatusOr<CompiledPredicate> predicate =
      CompiledPredicate::Compile(args.where, snapshot.schema, table.name(), compile);
  if (!predicate.ok()) return PrintError(predicate.status());
  absl::StatusOr<PredicateResult> result = predicate->Evaluate(snapshot, eval);
  if (!result.ok()) return PrintError(result.status());
  PrintDiagnostics(result->diagnostics);
  for (const std::string& note : result->notes)
    std::fprintf(stderr, "docket: note: %s\n", note.c_str());

  if (args.format == "count") {
    std::printf("%lld\n", static_cast<long long>(result->count));
  } else {
    std::vector<int64_t> rows = io::SelectedRows(result->rows);
    if (args.format == "ids") {
      int key = table.schema().FindColumn(table.schema().key);
      io::WriteLines(table, rows, key, WriteStdout);
    } else if (args.format == "csv") {
      io::WriteCsv(table, rows, *columns, WriteStdout);
    } else if (args.format == "jsonl") {
      io::WriteJsonl(table, rows, *columns, WriteStdout);
    } else {
      std::string text = io::RenderTable(table, rows, *columns);
      WriteStdout(text);
    }
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    std::fprintf(stderr, "docket: error writing the output\n");
    return 1;
  }
  return 0;
}

}  // namespace

void AddEvalCommand(CLI::App& app, Runner& run) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand(
      "eval", "Evaluate one predicate over a CSV table and print the matching rows");
  cmd->add_option("--data", args->data,
                  "A CSV file, or a directory of <table>.csv files (default with --history: its "
                  "folder dated --as-of)");
  cmd->add_option(
      "--history", args->history,
      "Older snapshots for prev(), changed(), pct_change(), is_new(): DIR/YYYY-MM-DD/<table>.csv");
  cmd->add_option("--table", args->table,
                  "The table the predicate ranges over (required when --data is a directory "
                  "with several tables; for a file, defaults to the file's stem)");
  cmd->add_option("--where", args->where,
                  "The predicate, e.g. \"arr > 100000 AND pulse IN ('red', 'yellow')\"")
      ->required();
  cmd->add_option("--schema", args->schema,
                  "A YAML file with a tables: section; without it, types are inferred");
  cmd->add_option("--as-of", args->as_of,
                  "The evaluation date, YYYY-MM-DD (default: today in --time-zone)");
  cmd->add_option("--time-zone", args->time_zone,
                  "Where timestamps meet dates and 'today' is taken (default: UTC)");
  cmd->add_option("--format", args->format, "ids (default), count, csv, jsonl or table")
      ->check(CLI::IsMember({"ids", "count", "csv", "jsonl", "table"}));
  cmd->add_option("--param", args->params,
                  "A parameter, name=value (repeatable); the value's type is what it reads as: "
                  "true/false, an int, a float, a YYYY-MM-DD date, else a string");
  cmd->add_option("--columns", args->columns,
                  "Columns to print for csv, jsonl and table (default: all)")
      ->delimiter(',');
  cmd->add_option("--threads", args->threads,
                  "Threads for loading and evaluating (0: one per core)")
      ->check(CLI::Range(0, 256));
  cmd->callback([&run, args] { run = [args] { return RunEval(*args); }; });
}

}  // namespace docket::cli
