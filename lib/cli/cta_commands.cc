// `docket cta …`: calls-to-action kept in a store (docket/cta.h).
//
//   docket cta sync RULEBOOK --data DIR [--history DIR] --store FILE [--as-of D] [--format
//   table|json] docket cta list --store FILE [--owner NAME | --queue NAME] [--status
//   open|snoozed|closed|all]
//                   [--format table|json|csv]
//   docket cta claim ID --owner NAME --store FILE
//   docket cta close ID --outcome TEXT --store FILE
//   docket cta snooze ID --until YYYY-MM-DD --reason TEXT --store FILE
//   docket cta reassign ID --owner NAME --store FILE
//   docket cta show ID --store FILE [--format table|json]
//
// Every command takes --by NAME (who acted, for the event log; default
// $USER).  Exit status: 0 success, 1 data, evaluation or store error (a
// refused file, a CTA someone else claimed, an as_of going back), 2 usage or
// compile error.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "cli/commands.h"
#include "cli/history_args.h"
#include "cli/load_data.h"
#include "docket/csv.h"
#include "docket/cta.h"
#include "docket/error.h"
#include "docket/rulebook.h"
#include "io/format.h"

namespace docket::cli {
namespace {

struct CtaArgs {
  std::string rulebook;
  std::string data;
  std::string history;
  std::string store;
  std::string as_of;
  std::string format;
  std::string by;
  std::string owner;
  std::string queue;
  std::string status = "open";
  std::string outcome;
  std::string until;
  std::string reason;
  int64_t id = 0;
  int threads = 0;
};

void Print(const std::string& s) { std::fwrite(s.data(), 1, s.size(), stdout); }

std::string By(const CtaArgs& args, const char* fallback) {
  if (!args.by.empty()) return args.by;
  if (fallback != nullptr) return fallback;
  const char* user = std::getenv("USER");
  return user != nullptr && *user != '\0' ? user : "unknown";
}

void JsonString(std::string* out, const std::string& s) { io::AppendJsonString(out, s); }
void JsonOpt(std::string* out, const std::optional<std::string>& s) {
  if (s.has_value()) {
    io::AppendJsonString(out, *s);
  } else {
    out->append("null");
  }
}
void JsonDay(std::string* out, const std::optional<absl::CivilDay>& d) {
  JsonOpt(out,
          d.has_value() ? std::optional<std::string>(absl::FormatCivilTime(*d)) : std::nullopt);
}
std::string DayText(const std::optional<absl::CivilDay>& d) {
  return d.has_value() ? absl::FormatCivilTime(*d) : "";
}

void AppendCtaJson(std::string* out, const Cta& c, bool with_change) {
  auto field = [&](const char* name) {
    io::AppendJsonString(out, name);
    out->push_back(':');
  };
  out->append("{");
  field("id");
  absl::StrAppend(out, c.id, ",");
  field("type");
  JsonString(out, c.type);
  out->push_back(',');
  field("reason");
  JsonString(out, c.reason);
  out->push_back(',');
  field("name");
  JsonString(out, c.name);
  out->push_back(',');
  field("key");
  JsonString(out, c.key);
  out->push_back(',');
  field("owner");
  JsonOpt(out, c.owner);
  out->push_back(',');
  field("queue");
  JsonOpt(out, c.queue);
  out->push_back(',');
  field("status");
  JsonString(out, std::string(CtaStatusName(c.status)));
  out->push_back(',');
  field("priority");
  JsonString(out, c.priority);
  out->push_back(',');
  field("created");
  JsonDay(out, c.created);
  out->push_back(',');
  field("due");
  JsonDay(out, c.due);
  out->push_back(',');
  field("closed");
  JsonDay(out, c.closed);
  out->push_back(',');
  field("outcome");
  JsonOpt(out, c.outcome);
  out->push_back(',');
  field("snoozed_until");
  JsonDay(out, c.snoozed_until);
  out->push_back(',');
  field("rule");
  JsonString(out, c.rule);
  out->push_back(',');
  field("list");
  JsonString(out, c.list);
  out->push_back(',');
  field("action");
  JsonString(out, c.action);
  if (with_change) {
    out->push_back(',');
    field("change");
    JsonString(out, c.change);
  }
  out->append("}");
}

std::string Holder(const Cta& c) {
  if (c.owner.has_value()) return *c.owner;
  if (c.queue.has_value()) return absl::StrCat("queue:", *c.queue);
  return "-";
}

// An aligned table of CTAs for people.
std::string CtaTable(const std::vector<Cta>& ctas, bool with_change) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"ID",          "STATUS", "PRIORITY", "DUE",
                                     "OWNER/QUEUE", "TYPE",   "KEY",      "NAME"};
  if (with_change) header.insert(header.begin() + 1, "CHANGE");
  rows.push_back(header);
  for (const Cta& c : ctas) {
    std::string status(CtaStatusName(c.status));
    if (c.status == CtaStatus::kSnoozed)
      absl::StrAppend(&status, " until ", DayText(c.snoozed_until));
    if (c.status == CtaStatus::kClosed) absl::StrAppend(&status, " (", c.outcome.value_or(""), ")");
    std::vector<std::string> r = {absl::StrCat(c.id), status, c.priority, DayText(c.due),
                                  Holder(c),          c.type, c.key,      c.name};
    if (with_change) r.insert(r.begin() + 1, c.change);
    rows.push_back(std::move(r));
  }
  std::vector<size_t> width(header.size(), 0);
  auto display = [](const std::string& s) {  // UTF-8 code points, for alignment.
    size_t n = 0;
    for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
    return n;
  };
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], display(r[i]));
  }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line.append(width[i] - display(r[i]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

absl::StatusOr<CtaStore> OpenStore(const CtaArgs& args, bool create) {
  CtaStoreOptions o;
  o.create = create;
  return CtaStore::Open(args.store, o);
}

absl::Status ParseDay(const std::string& flag, const std::string& text, absl::CivilDay* day) {
  if (text.size() != 10 || !absl::ParseCivilTime(text, day)) {
    return UsageError(absl::StrCat(flag, " '", text, "' is not a date"), "write it as YYYY-MM-DD");
  }
  return absl::OkStatus();
}

int RunSync(const CtaArgs& args) {
  absl::StatusOr<Rulebook> book = Rulebook::Load(args.rulebook);
  if (!book.ok()) return PrintError(book.status());
  if (book->ctas.empty()) {
    return PrintError(UsageError(
        absl::StrCat(args.rulebook, ": the rulebook has no 'ctas:' section; nothing to sync"),
        "see docs/rulebooks.md, section ctas"));
  }
  // Rule mistakes before data mistakes.
  if (absl::Status st = CompileBeforeData(*book, args.data); !st.ok()) return PrintError(st);
  CtaSyncOptions sync;
  if (args.as_of.empty()) {
    sync.as_of = absl::ToCivilDay(absl::Now(), book->time_zone);
  } else if (absl::Status st = ParseDay("--as-of", args.as_of, &sync.as_of); !st.ok()) {
    return PrintError(st);
  }
  sync.by = By(args, "docket cta sync");
  sync.threads = args.threads;
  // The current snapshot: --data, or the --history folder dated as_of (as `docket run` reads them).
  absl::StatusOr<std::string> dir = CurrentSnapshotDir(args.data, args.history, sync.as_of);
  if (!dir.ok()) return PrintError(dir.status());
  // The shared data rules (cli/load_data.h), as `docket run` reads the directory.
  absl::StatusOr<Snapshot> snapshot = LoadRulebookData(*book, *dir, args.threads);
  if (!snapshot.ok()) return PrintError(snapshot.status());
  absl::StatusOr<CompiledRulebook> compiled = CompiledRulebook::Compile(*book, snapshot->schema);
  if (!compiled.ok()) return PrintError(compiled.status());
  absl::StatusOr<std::optional<History>> history =
      LoadOlderSnapshots(args.history, *book, sync.as_of, *dir, args.threads);
  if (!history.ok()) return PrintError(history.status());
  if (history->has_value()) sync.history = &**history;
  absl::StatusOr<CtaStore> store = OpenStore(args, /*create=*/true);
  if (!store.ok()) return PrintError(store.status());
  absl::StatusOr<CtaSyncReport> r = store->Sync(*compiled, *snapshot, sync);
  if (!r.ok()) return PrintError(r.status());
  for (const std::string& n : r->notes) std::fprintf(stderr, "docket: note: %s\n", n.c_str());
  if (args.format == "json") {
    std::string out = "{";
    io::AppendJsonString(&out, "as_of");
    out += ":";
    io::AppendJsonString(&out, absl::FormatCivilTime(r->as_of));
    absl::StrAppend(&out, ",\"created\":", r->created, ",\"updated\":", r->updated,
                    ",\"closed\":", r->closed, ",\"unchanged\":", r->unchanged,
                    ",\"open\":", r->open, ",\"ctas\":[");
    for (size_t i = 0; i < r->ctas.size(); ++i) {
      if (i > 0) out += ",";
      AppendCtaJson(&out, r->ctas[i], /*with_change=*/true);
    }
    out += "]}\n";
    Print(out);
    return 0;
  }
  std::string out =
      absl::StrCat(book->name, " → ", args.store, ": CTAs as of ", absl::FormatCivilTime(r->as_of),
                   args.as_of.empty() ? " (today)" : "", "\n");
  absl::StrAppend(&out, "  ", r->created, " created, ", r->updated, " updated, ", r->closed,
                  " closed, ", r->unchanged, " unchanged; ", r->open, " open in the store\n");
  if (r->reopened + r->moved + r->skipped_snoozed + r->skipped_cooldown > 0) {
    absl::StrAppend(
        &out, "  ", r->reopened, " snoozes ended, ", r->moved, " moved by on_owner_change (",
        std::string(OwnerChangePolicyName(book->on_owner_change)), "), ", r->skipped_snoozed,
        " held by a snooze, ", r->skipped_cooldown, " in cooldown\n");
  }
  if (!r->ctas.empty()) {
    // The first 50 changes for people; --format json has every one.
    constexpr size_t kShown = 50;
    std::vector<Cta> shown(r->ctas.begin(), r->ctas.begin() + std::min(r->ctas.size(), kShown));
    out += "\n";
    out += CtaTable(shown, /*with_change=*/true);
    if (r->ctas.size() > kShown) {
      absl::StrAppend(&out, "… ", r->ctas.size() - kShown,
                      " more (--format json lists every change)\n");
    }
  }
  Print(out);
  return 0;
}

int RunList(const CtaArgs& args) {
  CtaFilter f;
  if (!args.owner.empty()) f.owner = args.owner;
  if (!args.queue.empty()) f.queue = args.queue;
  if (args.status == "all") {
    f.status.reset();
  } else {
    f.status = args.status == "snoozed"  ? CtaStatus::kSnoozed
               : args.status == "closed" ? CtaStatus::kClosed
                                         : CtaStatus::kOpen;
  }
  absl::StatusOr<CtaStore> store = OpenStore(args, /*create=*/false);
  if (!store.ok()) return PrintError(store.status());
  absl::StatusOr<std::vector<Cta>> ctas = store->List(f);
  if (!ctas.ok()) return PrintError(ctas.status());
  std::string out;
  if (args.format == "json") {
    out = "[";
    for (size_t i = 0; i < ctas->size(); ++i) {
      if (i > 0) out += ",\n";
      AppendCtaJson(&out, (*ctas)[i], false);
    }
    out += "]\n";
  } else if (args.format == "csv") {
    out =
        "id,type,reason,name,key,owner,queue,status,priority,created,due,closed,outcome,snoozed_"
        "until,rule,list\n";
    for (const Cta& c : *ctas) {
      std::vector<std::string> cells = {absl::StrCat(c.id),
                                        c.type,
                                        c.reason,
                                        c.name,
                                        c.key,
                                        c.owner.value_or(""),
                                        c.queue.value_or(""),
                                        std::string(CtaStatusName(c.status)),
                                        c.priority,
                                        absl::FormatCivilTime(c.created),
                                        DayText(c.due),
                                        DayText(c.closed),
                                        c.outcome.value_or(""),
                                        DayText(c.snoozed_until),
                                        c.rule,
                                        c.list};
      for (size_t i = 0; i < cells.size(); ++i) {
        if (i > 0) out += ",";
        bool null = (i == 5 && !c.owner) || (i == 6 && !c.queue) || (i == 10 && !c.due) ||
                    (i == 11 && !c.closed) || (i == 12 && !c.outcome) ||
                    (i == 13 && !c.snoozed_until);
        if (!null) io::AppendCsvField(&out, cells[i]);
      }
      out += "\n";
    }
  } else {
    if (ctas->empty()) {
      out = absl::StrCat("no ", args.status == "all" ? "" : args.status + " ", "CTAs",
                         f.owner ? absl::StrCat(" for ", *f.owner) : "",
                         f.queue ? absl::StrCat(" in queue ", *f.queue) : "", "\n");
    } else {
      out = CtaTable(*ctas, false);
      absl::StrAppend(&out, ctas->size(), ctas->size() == 1 ? " CTA\n" : " CTAs\n");
    }
  }
  Print(out);
  return 0;
}

int RunShow(const CtaArgs& args) {
  absl::StatusOr<CtaStore> store = OpenStore(args, false);
  if (!store.ok()) return PrintError(store.status());
  absl::StatusOr<CtaDetail> d = store->Show(args.id);
  if (!d.ok()) return PrintError(d.status());
  const Cta& c = d->cta;
  std::string out;
  if (args.format == "json") {
    AppendCtaJson(&out, c, false);
    out.pop_back();
    out += ",\"resources\":[";
    for (size_t i = 0; i < c.resources.size(); ++i) {
      if (i > 0) out += ",";
      out += "{\"title\":";
      io::AppendJsonString(&out, c.resources[i].first);
      out += ",\"url\":";
      io::AppendJsonString(&out, c.resources[i].second);
      out += "}";
    }
    out += "],\"tasks\":[";
    for (size_t i = 0; i < c.tasks.size(); ++i) {
      if (i > 0) out += ",";
      out += "{\"text\":";
      io::AppendJsonString(&out, c.tasks[i].text);
      absl::StrAppend(&out, ",\"done\":", c.tasks[i].done ? "true" : "false", "}");
    }
    out += "],\"events\":[";
    for (size_t i = 0; i < d->events.size(); ++i) {
      const CtaEvent& e = d->events[i];
      if (i > 0) out += ",";
      out += "{\"event\":";
      io::AppendJsonString(&out, e.event);
      out += ",\"by\":";
      io::AppendJsonString(&out, e.by);
      out += ",\"as_of\":";
      io::AppendJsonString(&out, absl::FormatCivilTime(e.as_of));
      out += ",\"wall_time\":";
      io::AppendJsonString(&out, e.wall_time);
      out += ",\"from\":";
      JsonOpt(&out, e.from);
      out += ",\"to\":";
      JsonOpt(&out, e.to);
      out += ",\"detail\":";
      io::AppendJsonString(&out, e.detail);
      out += "}";
    }
    out += "]}\n";
    Print(out);
    return 0;
  }
  absl::StrAppend(&out, "CTA ", c.id, ": ", c.name, "\n");
  absl::StrAppend(&out, "  type       ", c.type, " — ", c.reason, "\n");
  absl::StrAppend(&out, "  key        ", c.key, "   (rule ", c.rule, ", list ", c.list, ")\n");
  absl::StrAppend(&out, "  status     ", std::string(CtaStatusName(c.status)));
  if (c.status == CtaStatus::kSnoozed) absl::StrAppend(&out, " until ", DayText(c.snoozed_until));
  if (c.status == CtaStatus::kClosed)
    absl::StrAppend(&out, " on ", DayText(c.closed), ": ", c.outcome.value_or(""));
  absl::StrAppend(&out, "\n  owner      ", c.owner.value_or("—"),
                  c.queue ? absl::StrCat("   (in queue ", *c.queue, ")") : "", "\n");
  absl::StrAppend(&out, "  priority   ", c.priority, "   created ",
                  absl::FormatCivilTime(c.created),
                  c.due ? absl::StrCat("   due ", DayText(c.due)) : "", "\n");
  if (!c.action.empty()) absl::StrAppend(&out, "  → ", c.action, "\n");
  for (const auto& [title, url] : c.resources)
    absl::StrAppend(&out, "    ", title, " <", url, ">\n");
  if (!c.tasks.empty()) {
    out += "  tasks\n";
    for (const CtaTask& t : c.tasks)
      absl::StrAppend(&out, "    [", t.done ? "x" : " ", "] ", t.text, "\n");
  }
  out += "  events\n";
  for (const CtaEvent& e : d->events) {
    absl::StrAppend(&out, "    ", absl::FormatCivilTime(e.as_of), "  ", e.event, " by ", e.by);
    if (e.from || e.to)
      absl::StrAppend(&out, ": ", e.from.value_or("—"), " → ", e.to.value_or("—"));
    if (!e.detail.empty()) absl::StrAppend(&out, " (", e.detail, ")");
    absl::StrAppend(&out, "   [", e.wall_time, "]\n");
  }
  Print(out);
  return 0;
}

// claim, close, snooze, reassign: one change, one line.
int RunChange(const CtaArgs& args, const std::string& verb) {
  // Who claims is, unless told otherwise, who acts.
  CtaActor actor{By(args, verb == "claim" && args.by.empty() ? args.owner.c_str() : nullptr)};
  absl::CivilDay until;
  if (verb == "snooze") {
    if (absl::Status st = ParseDay("--until", args.until, &until); !st.ok()) return PrintError(st);
  }
  absl::StatusOr<CtaStore> store = OpenStore(args, false);
  if (!store.ok()) return PrintError(store.status());
  absl::StatusOr<Cta> c = verb == "claim"    ? store->Claim(args.id, args.owner, actor)
                          : verb == "close"  ? store->Close(args.id, args.outcome, actor)
                          : verb == "snooze" ? store->Snooze(args.id, until, args.reason, actor)
                                             : store->Reassign(args.id, args.owner, actor);
  if (!c.ok()) return PrintError(c.status());
  std::string line = absl::StrCat("CTA ", c->id, " (", c->name, "): ");
  if (verb == "claim") absl::StrAppend(&line, "claimed by ", c->owner.value_or(""));
  if (verb == "close") absl::StrAppend(&line, "closed: ", c->outcome.value_or(""));
  if (verb == "snooze") absl::StrAppend(&line, "snoozed until ", DayText(c->snoozed_until));
  if (verb == "reassign") absl::StrAppend(&line, "reassigned to ", c->owner.value_or(""));
  Print(line + "\n");
  return 0;
}

void AddStoreAndBy(CLI::App* cmd, const std::shared_ptr<CtaArgs>& args) {
  cmd->add_option("--store", args->store,
                  "The CTA store (an SQLite file docket creates on the first sync)")
      ->required();
  cmd->add_option("--by", args->by, "Who acts, for the event log (default: $USER)");
}

}  // namespace

void AddCtaCommand(CLI::App& app, Runner& run) {
  CLI::App* cta =
      app.add_subcommand("cta", "Calls-to-action: raise them from a rulebook, work the queue");
  cta->require_subcommand(1);

  {
    auto args = std::make_shared<CtaArgs>();
    CLI::App* cmd =
        cta->add_subcommand("sync", "Evaluate the rulebook's ctas: and apply them to the store");
    cmd->add_option("rulebook", args->rulebook, "The rulebook YAML file")->required();
    cmd->add_option(
        "--data", args->data,
        "A directory of <table>.csv files (default: the --history folder dated --as-of)");
    cmd->add_option(
        "--history", args->history,
        "Older snapshots, DIR/YYYY-MM-DD/<table>.csv, for prev(), changed() and trigger lists");
    AddStoreAndBy(cmd, args);
    cmd->add_option("--as-of", args->as_of,
                    "The sync's date, YYYY-MM-DD (default: today in the rulebook's time zone)");
    cmd->add_option("--format", args->format, "table (default) or json")
        ->check(CLI::IsMember({"table", "json"}));
    cmd->add_option("--threads", args->threads,
                    "Threads for loading and evaluating (0: one per core)")
        ->check(CLI::Range(0, 256));
    cmd->callback([&run, args] { run = [args] { return RunSync(*args); }; });
  }
  {
    auto args = std::make_shared<CtaArgs>();
    CLI::App* cmd = cta->add_subcommand("list", "List CTAs (default: open ones)");
    AddStoreAndBy(cmd, args);
    CLI::Option* owner = cmd->add_option("--owner", args->owner, "Only this person's CTAs");
    CLI::Option* queue = cmd->add_option("--queue", args->queue, "Only CTAs waiting in this queue");
    owner->excludes(queue);
    cmd->add_option("--status", args->status, "open (default), snoozed, closed or all")
        ->check(CLI::IsMember({"open", "snoozed", "closed", "all"}));
    cmd->add_option("--format", args->format, "table (default), json or csv")
        ->check(CLI::IsMember({"table", "json", "csv"}));
    cmd->callback([&run, args] { run = [args] { return RunList(*args); }; });
  }
  {
    auto args = std::make_shared<CtaArgs>();
    CLI::App* cmd = cta->add_subcommand("show", "Show one CTA with its tasks and event log");
    cmd->add_option("id", args->id, "The CTA's id")->required();
    AddStoreAndBy(cmd, args);
    cmd->add_option("--format", args->format, "table (default) or json")
        ->check(CLI::IsMember({"table", "json"}));
    cmd->callback([&run, args] { run = [args] { return RunShow(*args); }; });
  }
  struct Change {
    const char* verb;
    const char* help;
  };
  for (Change ch : {Change{"claim", "Take a CTA waiting in a queue"},
                    Change{"close", "Close a CTA with an outcome"},
                    Change{"snooze", "Snooze a CTA until a date"},
                    Change{"reassign", "Give a CTA to someone else"}}) {
    auto args = std::make_shared<CtaArgs>();
    std::string verb = ch.verb;
    CLI::App* cmd = cta->add_subcommand(verb, ch.help);
    cmd->add_option("id", args->id, "The CTA's id")->required();
    AddStoreAndBy(cmd, args);
    if (verb == "claim" || verb == "reassign")
      cmd->add_option("--owner", args->owner, "Who takes it")->required();
    if (verb == "close") cmd->add_option("--outcome", args->outcome, "How it ended")->required();
    if (verb == "snooze") {
      cmd->add_option("--until", args->until,
                      "YYYY-MM-DD: the sync on or after this day reopens it")
          ->required();
      cmd->add_option("--reason", args->reason, "Why")->required();
    }
    cmd->callback([&run, args, verb] { run = [args, verb] { return RunChange(*args, verb); }; });
  }
}

}  // namespace docket::cli
