// Related records at scale (issue 5): 1,000,000 generated accounts with
// 5,000,000 contacts, 3,000,000 tasks, their success plans, objectives,
// playbooks and 10,000,000 activities.
//
//   1. The whole CSM hub and KPI-card rulebooks in one pass each, the first
//      evaluation (which builds every key join) and later ones (joins cached
//      in the tables), beside the memory-bandwidth floor of the columns read.
//   2. Each related-record rule alone: docket against a hand-written fused
//      C++ loop (given the same child → parent row map, built outside the
//      timing as docket's cache is) and SQLite's correlated subqueries over
//      indexed in-memory tables.
//
//   build/benchmarks/related_bench                          # 1,000,000 accounts
//   DOCKET_BENCH_ACCOUNTS=100000 build/benchmarks/related_bench
//   DOCKET_BENCH_SQLITE=0 …                                 # skip SQLite (its load takes a minute)
//   DOCKET_BENCH_RULEBOOKS=0 DOCKET_BENCH_RULE=goals …      # one rule only (profiling)
//
// Every hand loop's and SQLite's count is checked against docket's before
// anything is timed; a mismatch aborts.  Times are medians of
// DOCKET_BENCH_REPS runs (default 5), all in this one process.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/civil_time.h"
#include "bandwidth.h"
#include "docket/program.h"
#include "docket/rulebook.h"
#include "docket/table.h"
#include "gen/generator.h"
#include "rule_bytes.h"
#include "storage/relations.h"
#include "timing.h"

namespace docket::bench {
namespace {

const absl::CivilDay kAsOf(2026, 11, 22);

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoll(v) : fallback;
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "related_bench: %s\n", what.c_str());
  std::exit(1);
}

int32_t Days(absl::CivilDay d) { return static_cast<int32_t>(d - absl::CivilDay(1970, 1, 1)); }

const Column& Col(const Table& t, const char* name) {
  const Column* c = t.FindColumn(name);
  if (c == nullptr) Die(std::string("no column ") + name);
  return *c;
}

// The dictionary code of `text` in a string column (-1 when absent), so a
// hand loop compares codes like any fused loop over dictionary data would.
int32_t Code(const Column& c, std::string_view text) {
  if (!c.is_dictionary()) Die("expected a dictionary column");
  for (int64_t i = 0; i < c.dictionary().size(); ++i) {
    if (c.dictionary().StringAt(i) == text) return static_cast<int32_t>(i);
  }
  return -1;
}

// child row → parent row through `via`, by a hash join (-1: none).
std::vector<int32_t> Join(const Table& child, const char* via, const Table& parent) {
  absl::flat_hash_map<std::string_view, int32_t> index;
  const Column& key = *parent.key_column();
  index.reserve(static_cast<size_t>(parent.num_rows()));
  for (int64_t r = 0; r < parent.num_rows(); ++r)
    index.emplace(key.StringAt(r), static_cast<int32_t>(r));
  const Column& v = Col(child, via);
  std::vector<int32_t> out(static_cast<size_t>(child.num_rows()), -1);
  for (int64_t r = 0; r < child.num_rows(); ++r) {
    if (v.IsNull(r)) continue;
    auto it = index.find(v.StringAt(r));
    if (it != index.end()) out[r] = it->second;
  }
  return out;
}

bool Valid(const Column& c, int64_t r) { return c.IsValid(r); }

// ---------------------------------------------------------------------------
// The rules, each as docket text, a hand loop and SQL.

struct Rule {
  std::string name;
  std::string table;
  std::string docket;
  std::string sql;  // SELECT count(*) …
  std::function<int64_t()> hand;
  CompiledPredicate* compiled = nullptr;
  int64_t count = -1;
  double docket_s = 0, docket1_s = 0, hand_s = 0, sqlite_s = 0;
};

struct World {
  Snapshot snap;
  const Table *accounts, *contacts, *tasks, *plans, *objectives, *activities;
  std::vector<int32_t> contact_account, task_account, plan_account, objective_plan,
      activity_account;
};

std::vector<Rule> Rules(World& w) {
  const int32_t today = Days(kAsOf);
  std::vector<Rule> rules;
  const Table& A = *w.accounts;
  const int64_t na = A.num_rows();
  const Column& churned = Col(A, "churned_at");

  rules.push_back({"no decision maker", "accounts",
                   "churned_at IS NULL AND NOT exists(contacts WHERE persona = 'decision maker')",
                   "SELECT count(*) FROM accounts a WHERE a.churned_at IS NULL AND NOT EXISTS "
                   "(SELECT 1 FROM contacts c "
                   "WHERE c.account_id = a.id AND c.persona = 'decision maker')",
                   [&w, &churned, na] {
                     const Column& persona = Col(*w.contacts, "persona");
                     const int32_t dm = Code(persona, "decision maker");
                     const int32_t* codes = persona.codes();
                     std::vector<uint8_t> has(static_cast<size_t>(na), 0);
                     const int32_t* map = w.contact_account.data();
                     for (int64_t r = 0, n = w.contacts->num_rows(); r < n; ++r) {
                       if (codes[r] == dm && Valid(persona, r) && map[r] >= 0) has[map[r]] = 1;
                     }
                     int64_t count = 0;
                     for (int64_t a = 0; a < na; ++a) count += !Valid(churned, a) && !has[a];
                     return count;
                   }});

  rules.push_back({"no champion", "accounts",
                   "churned_at IS NULL AND exists(contacts WHERE is_key_persona) AND "
                   "NOT exists(contacts WHERE is_key_persona AND is_champion)",
                   "SELECT count(*) FROM accounts a WHERE a.churned_at IS NULL AND EXISTS (SELECT "
                   "1 FROM contacts c WHERE "
                   "c.account_id = a.id AND c.is_key_persona) AND NOT EXISTS (SELECT 1 FROM "
                   "contacts c WHERE c.account_id = a.id "
                   "AND c.is_key_persona AND c.is_champion)",
                   [&w, &churned, na] {
                     const Column& key = Col(*w.contacts, "is_key_persona");
                     const Column& champ = Col(*w.contacts, "is_champion");
                     const uint8_t* k = key.Values<uint8_t>();
                     const uint8_t* c = champ.Values<uint8_t>();
                     std::vector<uint8_t> has_key(static_cast<size_t>(na), 0),
                         has_champ(static_cast<size_t>(na), 0);
                     const int32_t* map = w.contact_account.data();
                     for (int64_t r = 0, n = w.contacts->num_rows(); r < n; ++r) {
                       if (map[r] < 0 || !k[r] || !Valid(key, r)) continue;
                       has_key[map[r]] = 1;
                       if (c[r] && Valid(champ, r)) has_champ[map[r]] = 1;
                     }
                     int64_t count = 0;
                     for (int64_t a = 0; a < na; ++a)
                       count += !Valid(churned, a) && has_key[a] && !has_champ[a];
                     return count;
                   }});

  rules.push_back({"no goals (nested)", "accounts",
                   "churned_at IS NULL AND NOT exists(success_plans WHERE status IN ('Active', "
                   "'Draft') AND exists(objectives))",
                   "SELECT count(*) FROM accounts a WHERE a.churned_at IS NULL AND NOT EXISTS "
                   "(SELECT 1 FROM success_plans s "
                   "WHERE s.account_id = a.id AND s.status IN ('Active', 'Draft') AND EXISTS "
                   "(SELECT 1 FROM objectives o "
                   "WHERE o.success_plan_id = s.id))",
                   [&w, &churned, na] {
                     const int64_t np = w.plans->num_rows();
                     std::vector<uint8_t> plan_has(static_cast<size_t>(np), 0);
                     for (int32_t p : w.objective_plan) {
                       if (p >= 0) plan_has[p] = 1;
                     }
                     const Column& status = Col(*w.plans, "status");
                     const int32_t active = Code(status, "Active"), draft = Code(status, "Draft");
                     const int32_t* codes = status.codes();
                     std::vector<uint8_t> goals(static_cast<size_t>(na), 0);
                     for (int64_t r = 0; r < np; ++r) {
                       const int32_t a = w.plan_account[r];
                       if (a >= 0 && Valid(status, r) &&
                           (codes[r] == active || codes[r] == draft) && plan_has[r])
                         goals[a] = 1;
                     }
                     int64_t count = 0;
                     for (int64_t a = 0; a < na; ++a) count += !Valid(churned, a) && !goals[a];
                     return count;
                   }});

  rules.push_back(
      {"renewal, no meeting in 60 d", "accounts",
       "churned_at IS NULL AND renewal_date BETWEEN today AND today + 120 AND "
       "NOT exists(activities WHERE kind = 'meeting' AND days_since(occurred_at) <= 60)",
       "",  // Set below (needs as_of as numbers).
       [&w, &churned, na, today] {
         const Column& kind = Col(*w.activities, "kind");
         const Column& at = Col(*w.activities, "occurred_at");
         const int32_t meeting = Code(kind, "meeting");
         const int32_t* codes = kind.codes();
         const int64_t* micros = at.Values<int64_t>();
         // days_since(ts) <= 60 in America/New_York: the first instant of
         // (today - 60) in that zone; the generator's rule book zone.
         absl::TimeZone ny;
         absl::LoadTimeZone("America/New_York", &ny);
         const int64_t from =
             absl::ToUnixMicros(absl::FromCivil(absl::CivilSecond(kAsOf - 60), ny));
         std::vector<uint8_t> met(static_cast<size_t>(na), 0);
         const int32_t* map = w.activity_account.data();
         for (int64_t r = 0, n = w.activities->num_rows(); r < n; ++r) {
           if (codes[r] == meeting && map[r] >= 0 && micros[r] >= from && Valid(at, r) &&
               Valid(kind, r)) {
             met[map[r]] = 1;
           }
         }
         const Column& renewal = Col(*w.accounts, "renewal_date");
         const int32_t* rd = renewal.Values<int32_t>();
         int64_t count = 0;
         for (int64_t a = 0; a < na; ++a) {
           count += !Valid(churned, a) && Valid(renewal, a) && rd[a] >= today &&
                    rd[a] <= today + 120 && !met[a];
         }
         return count;
       }});

  rules.push_back({"overdue tasks, big accounts (parent field)", "tasks",
                   "status <> 'done' AND due_date <= today AND account.arr >= 100000",
                   "SELECT count(*) FROM tasks t JOIN accounts a ON a.id = t.account_id WHERE "
                   "t.status <> 'done' AND "
                   "t.due_date <= " +
                       std::to_string(today) + " AND a.arr >= 100000",
                   [&w, today] {
                     const Column& status = Col(*w.tasks, "status");
                     const Column& due = Col(*w.tasks, "due_date");
                     const Column& arr = Col(*w.accounts, "arr");
                     const int32_t done = Code(status, "done");
                     const int32_t* codes = status.codes();
                     const int32_t* d = due.Values<int32_t>();
                     const double* money = arr.Values<double>();
                     const int32_t* map = w.task_account.data();
                     int64_t count = 0;
                     for (int64_t r = 0, n = w.tasks->num_rows(); r < n; ++r) {
                       const int32_t a = map[r];
                       count += Valid(status, r) && codes[r] != done && Valid(due, r) &&
                                d[r] <= today && a >= 0 && Valid(arr, a) && money[a] >= 100000;
                     }
                     return count;
                   }});

  rules.push_back({"open tasks per account > 3", "accounts",
                   "count(tasks WHERE status <> 'done') > 3",
                   "SELECT count(*) FROM accounts a WHERE (SELECT count(*) FROM tasks t WHERE "
                   "t.account_id = a.id AND "
                   "t.status <> 'done') > 3",
                   [&w, na] {
                     const Column& status = Col(*w.tasks, "status");
                     const int32_t done = Code(status, "done");
                     const int32_t* codes = status.codes();
                     std::vector<int32_t> open(static_cast<size_t>(na), 0);
                     const int32_t* map = w.task_account.data();
                     for (int64_t r = 0, n = w.tasks->num_rows(); r < n; ++r) {
                       if (map[r] >= 0 && Valid(status, r) && codes[r] != done) ++open[map[r]];
                     }
                     int64_t count = 0;
                     for (int64_t a = 0; a < na; ++a) count += open[a] > 3;
                     return count;
                   }});
  return rules;
}

// ---------------------------------------------------------------------------
// SQLite.

class Sqlite {
 public:
  Sqlite() { sqlite3_open(":memory:", &db_); }
  ~Sqlite() { sqlite3_close(db_); }
  void Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK)
      Die(sql + ": " + (err ? err : "?"));
  }
  // Loads `columns` of `t` (strings as TEXT, dates as day numbers, timestamps as micros, bools
  // 0/1).
  void Load(const Table& t, const std::vector<std::string>& columns) {
    std::string ddl = "CREATE TABLE " + t.name() + " (";
    std::string ins = "INSERT INTO " + t.name() + " VALUES (";
    for (size_t i = 0; i < columns.size(); ++i) {
      ddl += (i ? ", " : "") + columns[i];
      ins += i ? ", ?" : "?";
    }
    Exec(ddl + ")");
    Exec("BEGIN");
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, (ins + ")").c_str(), -1, &st, nullptr);
    std::vector<const Column*> cols;
    for (const std::string& c : columns) cols.push_back(&Col(t, c.c_str()));
    for (int64_t r = 0; r < t.num_rows(); ++r) {
      for (size_t i = 0; i < cols.size(); ++i) {
        const Column& c = *cols[i];
        const int k = static_cast<int>(i) + 1;
        if (c.IsNull(r)) {
          sqlite3_bind_null(st, k);
          continue;
        }
        switch (c.type_id()) {
          case TypeId::kString: {
            std::string_view s = c.StringAt(r);
            sqlite3_bind_text(st, k, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
            break;
          }
          case TypeId::kFloat:
            sqlite3_bind_double(st, k, c.Values<double>()[r]);
            break;
          case TypeId::kDate:
            sqlite3_bind_int64(st, k, c.Values<int32_t>()[r]);
            break;
          case TypeId::kBool:
            sqlite3_bind_int64(st, k, c.Values<uint8_t>()[r] != 0);
            break;
          default:
            sqlite3_bind_int64(st, k, c.Values<int64_t>()[r]);
            break;
        }
      }
      if (sqlite3_step(st) != SQLITE_DONE) Die(sqlite3_errmsg(db_));
      sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    Exec("COMMIT");
  }
  int64_t Count(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
      Die(sql + ": " + sqlite3_errmsg(db_));
    int64_t n = -1;
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
  }

 private:
  sqlite3* db_ = nullptr;
};

int Main() {
  const int64_t accounts = EnvInt("DOCKET_BENCH_ACCOUNTS", 1000000);
  const int reps = static_cast<int>(EnvInt("DOCKET_BENCH_REPS", 5));
  const bool with_sqlite = EnvInt("DOCKET_BENCH_SQLITE", 1) != 0;
  const int threads = static_cast<int>(std::max<unsigned>(1, std::thread::hardware_concurrency()));
#ifdef DOCKET_SOURCE_DIR
  const std::string root = DOCKET_SOURCE_DIR;
#else
  const std::string root = ".";
#endif

  gen::GenOptions gopts;
  gopts.num_accounts = accounts;
  gopts.tables = {"accounts",  "contacts",   "tasks",         "success_plans", "objectives",
                  "playbooks", "activities", "conversations", "requests"};
  auto t0 = std::chrono::steady_clock::now();
  absl::StatusOr<Snapshot> snap = gen::GenerateSnapshot(gopts);
  if (!snap.ok()) Die(std::string(snap.status().message()));
  const double gen_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  World w;
  w.snap = *std::move(snap);
  w.accounts = w.snap.FindTable("accounts");
  w.contacts = w.snap.FindTable("contacts");
  w.tasks = w.snap.FindTable("tasks");
  w.plans = w.snap.FindTable("success_plans");
  w.objectives = w.snap.FindTable("objectives");
  w.activities = w.snap.FindTable("activities");
  std::printf(
      "generated %lld accounts, %lld contacts, %lld tasks, %lld success plans, %lld objectives, "
      "%lld "
      "activities in %.1f s\n",
      static_cast<long long>(w.accounts->num_rows()),
      static_cast<long long>(w.contacts->num_rows()), static_cast<long long>(w.tasks->num_rows()),
      static_cast<long long>(w.plans->num_rows()), static_cast<long long>(w.objectives->num_rows()),
      static_cast<long long>(w.activities->num_rows()), gen_s);

  // 1. The rulebooks.
  BandwidthProbe probe;
  const double bw = probe.Measure(threads);
  std::printf("\nread bandwidth (%d threads) %.2f GB/s\n\n", threads, bw / 1e9);
  std::printf(
      "| rulebook | lists | bytes read | floor | first run (joins built) | later runs | later / "
      "floor |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|\n");
  const bool with_rulebooks = EnvInt("DOCKET_BENCH_RULEBOOKS", 1) != 0;
  for (const char* file : {"csm_hub.yaml", "kpi_cards.yaml"}) {
    if (!with_rulebooks) break;
    absl::StatusOr<Rulebook> book = Rulebook::Load(root + "/examples/rulebooks/" + file);
    if (!book.ok()) Die(std::string(book.status().message()));
    absl::StatusOr<CompiledRulebook> compiled = CompiledRulebook::Compile(*book, w.snap.schema);
    if (!compiled.ok()) Die(std::string(compiled.status().message()));
    EvalOptions eval;
    eval.as_of = kAsOf;
    eval.time_zone = book->time_zone;
    // A fresh copy of the snapshot's tables has empty caches: the first run pays for the joins.
    Snapshot fresh;
    fresh.schema = w.snap.schema;
    for (const auto& [name, t] : w.snap.tables) {
      absl::StatusOr<Table> copy = Table::Make(t.schema(), t.columns());
      if (!copy.ok()) Die(std::string(copy.status().message()));
      (void)fresh.AddTable(*std::move(copy));
    }
    // The joins alone (what the first run builds and later runs reuse).
    auto start = std::chrono::steady_clock::now();
    for (const auto& [name, t] : fresh.tables) {
      if (!t.schema().parent.has_value()) continue;
      const Table* parent = fresh.FindTable(t.schema().parent->table);
      if (parent != nullptr) (void)storage::ParentRows(t, t.schema().parent->via, *parent);
    }
    const double joins_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    start = std::chrono::steady_clock::now();
    absl::StatusOr<ProgramResult> first = compiled->program().Evaluate(fresh, eval);
    const double first_s =
        joins_s + std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s: joins %.1f ms of the first run\n", file, joins_s * 1e3);
    if (!first.ok()) Die(std::string(first.status().message()));
    const double later_s =
        MedianSeconds([&] { (void)compiled->program().Evaluate(fresh, eval); }, reps);
    const int64_t bytes = RuleBytes(*book, fresh);
    const double floor_s = static_cast<double>(bytes) / bw;
    std::printf("| %s | %zu | %.1f MB | %.1f ms | %.1f ms | %.1f ms | %.2fx |\n", file,
                book->lists.size(), static_cast<double>(bytes) / 1e6, floor_s * 1e3, first_s * 1e3,
                later_s * 1e3, later_s / floor_s);
  }

  // 2. Each related rule: docket, hand loop, SQLite.
  w.contact_account = Join(*w.contacts, "account_id", *w.accounts);
  w.task_account = Join(*w.tasks, "account_id", *w.accounts);
  w.plan_account = Join(*w.plans, "account_id", *w.accounts);
  w.objective_plan = Join(*w.objectives, "success_plan_id", *w.plans);
  w.activity_account = Join(*w.activities, "account_id", *w.accounts);
  std::vector<Rule> rules = Rules(w);
  if (const char* only = std::getenv("DOCKET_BENCH_RULE"); only != nullptr && *only != '\0') {
    // One rule only (for profiling): the first whose name contains the text.
    std::vector<Rule> kept;
    for (Rule& r : rules) {
      if (kept.empty() && r.name.find(only) != std::string::npos) kept.push_back(std::move(r));
    }
    if (kept.empty()) Die(std::string("no rule named like '") + only + "'");
    rules = std::move(kept);
  }
  for (Rule& r : rules) {
    if (r.name.rfind("renewal", 0) != 0) continue;
    absl::TimeZone ny;
    absl::LoadTimeZone("America/New_York", &ny);
    const int64_t from = absl::ToUnixMicros(absl::FromCivil(absl::CivilSecond(kAsOf - 60), ny));
    const int32_t today = Days(kAsOf);
    r.sql =
        "SELECT count(*) FROM accounts a WHERE a.churned_at IS NULL AND a.renewal_date BETWEEN " +
        std::to_string(today) + " AND " + std::to_string(today + 120) +
        " AND NOT EXISTS (SELECT 1 FROM activities x WHERE x.account_id = a.id AND x.kind = "
        "'meeting' "
        "AND x.occurred_at >= " +
        std::to_string(from) + ")";
  }
  std::vector<CompiledPredicate> compiled;
  compiled.reserve(rules.size());
  EvalOptions eval;
  eval.as_of = kAsOf;
  absl::LoadTimeZone("America/New_York", &eval.time_zone);
  for (Rule& r : rules) {
    absl::StatusOr<CompiledPredicate> p =
        CompiledPredicate::Compile(r.docket, w.snap.schema, r.table);
    if (!p.ok()) Die(r.name + ": " + std::string(p.status().message()));
    compiled.push_back(*std::move(p));
    r.compiled = &compiled.back();
    absl::StatusOr<PredicateResult> res = r.compiled->Evaluate(w.snap, eval);
    if (!res.ok()) Die(std::string(res.status().message()));
    r.count = res->count;
    const int64_t hand = r.hand();
    if (hand != r.count)
      Die(r.name + ": hand loop " + std::to_string(hand) + " rows, docket " +
          std::to_string(r.count));
  }
  std::unique_ptr<Sqlite> db;
  if (with_sqlite) {
    auto load_start = std::chrono::steady_clock::now();
    db = std::make_unique<Sqlite>();
    db->Load(*w.accounts, {"id", "churned_at", "renewal_date", "arr"});
    db->Load(*w.contacts, {"account_id", "persona", "is_key_persona", "is_champion"});
    db->Load(*w.tasks, {"account_id", "status", "due_date"});
    db->Load(*w.plans, {"id", "account_id", "status"});
    db->Load(*w.objectives, {"success_plan_id"});
    db->Load(*w.activities, {"account_id", "kind", "occurred_at"});
    db->Exec("CREATE UNIQUE INDEX accounts_id ON accounts(id)");
    db->Exec("CREATE INDEX contacts_account ON contacts(account_id)");
    db->Exec("CREATE INDEX tasks_account ON tasks(account_id)");
    db->Exec("CREATE UNIQUE INDEX plans_id ON success_plans(id)");
    db->Exec("CREATE INDEX plans_account ON success_plans(account_id)");
    db->Exec("CREATE INDEX objectives_plan ON objectives(success_plan_id)");
    db->Exec("CREATE INDEX activities_account ON activities(account_id)");
    std::printf(
        "\nSQLite: loaded and indexed in %.1f s\n",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count());
    for (Rule& r : rules) {
      const int64_t n = db->Count(r.sql);
      if (n != r.count)
        Die(r.name + ": SQLite " + std::to_string(n) + " rows, docket " + std::to_string(r.count));
    }
  }
  for (Rule& r : rules) {
    r.docket_s = MedianSeconds([&] { (void)r.compiled->Evaluate(w.snap, eval); }, reps);
    EvalOptions one = eval;
    one.threads = 1;
    r.docket1_s = MedianSeconds([&] { (void)r.compiled->Evaluate(w.snap, one); }, reps);
    r.hand_s = MedianSeconds([&] { (void)r.hand(); }, reps);
    if (db) r.sqlite_s = MedianSeconds([&] { (void)db->Count(r.sql); }, std::min(reps, 3));
  }
  std::printf(
      "\n| rule | rows | docket (%d thr) | docket (1 thr) | hand loop (1 thr) | docket / hand, 1 "
      "thr | SQLite | "
      "SQLite / docket |\n",
      threads);
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const Rule& r : rules) {
    std::printf("| %s | %lld | %.1f ms | %.1f ms | %.1f ms | %.2fx |", r.name.c_str(),
                static_cast<long long>(r.count), r.docket_s * 1e3, r.docket1_s * 1e3,
                r.hand_s * 1e3, r.docket1_s / r.hand_s);
    if (db) {
      std::printf(" %.0f ms | %.0fx |\n", r.sqlite_s * 1e3, r.sqlite_s / r.docket_s);
    } else {
      std::printf(" — | — |\n");
    }
  }
  std::printf("(sink %llu)\n", static_cast<unsigned long long>(probe.sink() & 1));
  return 0;
}

}  // namespace
}  // namespace docket::bench

int main() { return docket::bench::Main(); }
