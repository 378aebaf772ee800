// Tests of the sample-data generator: determinism, row counts, keys and
// foreign keys, the committed examples/data, the data contract, and that the
// sample holds rows for every seed rule (overall and for Alice Chen).
#include "gen/generator.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "docket/builder.h"
#include "docket/csv.h"
#include "docket/schema_yaml.h"
#include "docket/table.h"
#include "docket/value.h"
#include "gen/random.h"
#include "gtest/gtest.h"

namespace docket::gen {
namespace {

std::string TableCsv(const Snapshot& s, std::string_view table) {
  std::string out;
  const Table* t = s.FindTable(table);
  if (t != nullptr) AppendTableCsv(*t, &out);
  return out;
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const Snapshot& DefaultSample() {
  static const Snapshot* s = [] {
    absl::StatusOr<Snapshot> snap = GenerateSnapshot(GenOptions());
    EXPECT_TRUE(snap.ok()) << snap.status();
    return new Snapshot(*std::move(snap));
  }();
  return *s;
}

TEST(GeneratorTest, SameOptionsGiveIdenticalTables) {
  GenOptions o;
  o.num_accounts = 300;
  o.seed = 7;
  absl::StatusOr<Snapshot> a = GenerateSnapshot(o);
  absl::StatusOr<Snapshot> b = GenerateSnapshot(o);
  ASSERT_TRUE(a.ok() && b.ok());
  for (const std::string& t : TableNames()) EXPECT_EQ(TableCsv(*a, t), TableCsv(*b, t)) << t;
  o.seed = 8;
  absl::StatusOr<Snapshot> c = GenerateSnapshot(o);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(TableCsv(*a, "accounts"), TableCsv(*c, "accounts"));
}

TEST(GeneratorTest, ThreadCountDoesNotChangeTheOutput) {
  GenOptions o;
  o.num_accounts = 5000;
  o.orphan_rows = 2;
  o.threads = 1;
  absl::StatusOr<Snapshot> one = GenerateSnapshot(o);
  o.threads = 3;
  absl::StatusOr<Snapshot> three = GenerateSnapshot(o);
  ASSERT_TRUE(one.ok() && three.ok());
  for (const std::string& t : TableNames()) {
    EXPECT_TRUE(TableCsv(*one, t) == TableCsv(*three, t)) << t;
  }
}

TEST(GeneratorTest, FewerTablesGiveTheSameRows) {
  GenOptions o;
  o.num_accounts = 200;
  absl::StatusOr<Snapshot> all = GenerateSnapshot(o);
  o.tables = {"objectives", "activities"};
  absl::StatusOr<Snapshot> some = GenerateSnapshot(o);
  ASSERT_TRUE(all.ok() && some.ok());
  EXPECT_EQ(some->tables.size(), 2u);
  EXPECT_EQ(TableCsv(*all, "objectives"), TableCsv(*some, "objectives"));
  EXPECT_EQ(TableCsv(*all, "activities"), TableCsv(*some, "activities"));
}

TEST(GeneratorTest, RowCountsFollowTheOptions) {
  GenOptions o;
  o.num_accounts = 4000;
  o.contacts_per_account = 5;
  o.tasks_per_account = 0.5;
  o.requests_per_account = 0;
  absl::StatusOr<Snapshot> s = GenerateSnapshot(o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->tables.size(), TableNames().size());
  EXPECT_EQ(s->FindTable("accounts")->num_rows(), 4000);
  EXPECT_EQ(s->FindTable("requests")->num_rows(), 0);
  auto near = [](int64_t rows, double expected) {
    return std::abs(rows - expected) <= 0.05 * expected;
  };
  EXPECT_TRUE(near(s->FindTable("contacts")->num_rows(), 20000))
      << s->FindTable("contacts")->num_rows();
  EXPECT_TRUE(near(s->FindTable("tasks")->num_rows(), 2000)) << s->FindTable("tasks")->num_rows();
  EXPECT_TRUE(near(s->FindTable("success_plans")->num_rows(), 4000));
  EXPECT_TRUE(near(s->FindTable("objectives")->num_rows(), 8000))
      << s->FindTable("objectives")->num_rows();
  EXPECT_TRUE(near(s->FindTable("opportunities")->num_rows(), 4000));
  // Accounts never touched have no activities, so slightly under 10 each.
  EXPECT_TRUE(near(s->FindTable("activities")->num_rows(), 40000 * 0.97))
      << s->FindTable("activities")->num_rows();
}

TEST(GeneratorTest, BadOptionsAreInvalidArgument) {
  GenOptions o;
  o.tables = {"acounts"};
  EXPECT_EQ(GenerateSnapshot(o).status().code(), absl::StatusCode::kInvalidArgument);
  o = GenOptions();
  o.num_accounts = -1;
  EXPECT_EQ(GenerateSnapshot(o).status().code(), absl::StatusCode::kInvalidArgument);
  o = GenOptions();
  o.num_csms = 0;
  EXPECT_EQ(GenerateSnapshot(o).status().code(), absl::StatusCode::kInvalidArgument);
  o = GenOptions();
  o.tasks_per_account = -2;
  EXPECT_EQ(GenerateSnapshot(o).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(GeneratorTest, ZeroAccountsGiveEmptyTables) {
  GenOptions o;
  o.num_accounts = 0;
  absl::StatusOr<Snapshot> s = GenerateSnapshot(o);
  ASSERT_TRUE(s.ok()) << s.status();
  for (const auto& [name, t] : s->tables) EXPECT_EQ(t.num_rows(), 0) << name;
}

std::set<std::string> Keys(const Table& t, std::string_view column) {
  std::set<std::string> keys;
  const Column* c = t.FindColumn(column);
  for (int64_t i = 0; i < t.num_rows(); ++i) {
    if (!c->IsNull(i)) keys.insert(std::string(c->StringAt(i)));
  }
  return keys;
}

int64_t Orphans(const Snapshot& s, std::string_view child, std::string_view via,
                std::string_view parent) {
  std::set<std::string> parents = Keys(*s.FindTable(parent), "id");
  const Table& t = *s.FindTable(child);
  const Column* c = t.FindColumn(via);
  int64_t orphans = 0;
  for (int64_t i = 0; i < t.num_rows(); ++i) {
    EXPECT_FALSE(c->IsNull(i)) << child << " row " << i;
    if (parents.count(std::string(c->StringAt(i))) == 0) ++orphans;
  }
  return orphans;
}

TEST(GeneratorTest, KeysAreUniqueAndChildrenHaveParents) {
  const Snapshot& s = DefaultSample();
  for (const auto& [name, t] : s.tables) {
    EXPECT_EQ(static_cast<int64_t>(Keys(t, t.schema().key).size()), t.num_rows())
        << name;  // reps is keyed by name.
  }
  for (const TableSchema& ts : ExampleSchema().tables) {
    if (!ts.parent) continue;
    EXPECT_EQ(Orphans(s, ts.name, ts.parent->via, ts.parent->table), 0) << ts.name;
  }
  // Foreign keys that are not the parent relation.
  std::set<std::string> contacts = Keys(*s.FindTable("contacts"), "id");
  for (const std::string& c : Keys(*s.FindTable("activities"), "contact_id"))
    EXPECT_TRUE(contacts.count(c)) << c;
  std::set<std::string> playbooks = Keys(*s.FindTable("playbooks"), "id");
  for (const std::string& p : Keys(*s.FindTable("tasks"), "playbook_id"))
    EXPECT_TRUE(playbooks.count(p)) << p;
}

TEST(GeneratorTest, OrphanRowsOnRequest) {
  GenOptions o;
  o.num_accounts = 100;
  o.orphan_rows = 3;
  absl::StatusOr<Snapshot> s = GenerateSnapshot(o);
  ASSERT_TRUE(s.ok()) << s.status();
  for (const TableSchema& ts : ExampleSchema().tables) {
    if (!ts.parent) continue;
    EXPECT_EQ(Orphans(*s, ts.name, ts.parent->via, ts.parent->table), 3) << ts.name;
    EXPECT_EQ(static_cast<int64_t>(Keys(*s->FindTable(ts.name), "id").size()),
              s->FindTable(ts.name)->num_rows());
  }
}

TEST(GeneratorTest, CommittedSampleMatchesTheGenerator) {
  const std::filesystem::path committed =
      std::filesystem::path(DOCKET_SOURCE_DIR) / "examples" / "data";
  const std::filesystem::path fresh =
      std::filesystem::temp_directory_path() / ("docket_gen_test_" + std::to_string(::getpid()));
  ASSERT_TRUE(WriteCsvDirectory(DefaultSample(), fresh.string()).ok());
  std::set<std::string> committed_files;
  for (const auto& e : std::filesystem::directory_iterator(committed)) {
    committed_files.insert(e.path().filename().string());
  }
  for (const std::string& t : TableNames()) {
    const std::string file = t + ".csv";
    EXPECT_TRUE(committed_files.count(file)) << file << " is missing from examples/data";
    EXPECT_TRUE(ReadFile(committed / file) == ReadFile(fresh / file))
        << "examples/data/" << file << " differs from the generator's output; regenerate with "
        << "build/docket_gen --out examples/data";
    committed_files.erase(file);
  }
  EXPECT_TRUE(committed_files.empty())
      << "unexpected file in examples/data: " << *committed_files.begin();
  std::filesystem::remove_all(fresh);
}

TEST(GeneratorTest, SchemaMatchesExamplesSchemaYaml) {
  absl::StatusOr<Schema> yaml = ReadSchemaYamlFile(
      (std::filesystem::path(DOCKET_SOURCE_DIR) / "examples" / "schema.yaml").string());
  ASSERT_TRUE(yaml.ok()) << yaml.status();
  Schema code = ExampleSchema();
  ASSERT_EQ(yaml->tables.size(), code.tables.size());
  for (const TableSchema& want : code.tables) {
    const TableSchema* got = yaml->FindTable(want.name);
    ASSERT_NE(got, nullptr) << want.name;
    EXPECT_EQ(got->key, want.key) << want.name;
    EXPECT_EQ(got->owner, want.owner) << want.name;
    ASSERT_EQ(got->parent.has_value(), want.parent.has_value()) << want.name;
    if (want.parent) {
      EXPECT_EQ(got->parent->table, want.parent->table);
      EXPECT_EQ(got->parent->via, want.parent->via);
      EXPECT_EQ(got->parent->as, want.parent->as);
    }
    ASSERT_EQ(got->columns.size(), want.columns.size()) << want.name;
    for (size_t i = 0; i < want.columns.size(); ++i) {
      EXPECT_EQ(got->columns[i].name, want.columns[i].name) << want.name;
      EXPECT_TRUE(got->columns[i].type == want.columns[i].type)
          << want.name << "." << want.columns[i].name;
    }
  }
}

TEST(GeneratorTest, CsvReaderReadsBackTheSample) {
  Schema schema = ExampleSchema();
  absl::StatusOr<Snapshot> read = ReadCsvDirectory(
      (std::filesystem::path(DOCKET_SOURCE_DIR) / "examples" / "data").string(), &schema);
  ASSERT_TRUE(read.ok()) << read.status();
  for (const std::string& t : TableNames()) {
    EXPECT_TRUE(TableCsv(*read, t) == TableCsv(DefaultSample(), t)) << t << " does not round-trip";
  }
}

// The docket_gen program: exit status 0 / 2 (usage) / 1 (write error) and
// the same bytes as the library.
TEST(DocketGenTest, ExitCodesAndOutput) {
  const std::filesystem::path bin = std::filesystem::path(DOCKET_BINARY_DIR) / "docket_gen";
  if (!std::filesystem::exists(bin)) GTEST_SKIP() << "docket_gen is not built";
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("docket_gen_cli_" + std::to_string(::getpid()));
  auto run = [&](const std::string& args) {
    int status = std::system((bin.string() + " " + args + " > /dev/null 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  EXPECT_EQ(run(""), 2);                                               // --out is required
  EXPECT_EQ(run("--out " + dir.string() + " --tables acounts"), 2);    // unknown table
  EXPECT_EQ(run("--out " + dir.string() + " --as-of 2026-02-30"), 2);  // not a date
  EXPECT_EQ(run("--out /proc/no/such/dir"), 1);
  ASSERT_EQ(
      run("--out " + dir.string() + " --accounts 50 --seed 3 --tables accounts,tasks --quiet"), 0);
  GenOptions o;
  o.num_accounts = 50;
  o.seed = 3;
  o.tables = {"accounts", "tasks"};
  absl::StatusOr<Snapshot> s = GenerateSnapshot(o);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(ReadFile(dir / "accounts.csv"), TableCsv(*s, "accounts"));
  EXPECT_EQ(ReadFile(dir / "tasks.csv"), TableCsv(*s, "tasks"));
  EXPECT_FALSE(std::filesystem::exists(dir / "contacts.csv"));
  std::filesystem::remove_all(dir);
}

TEST(CsvWriterTest, QuotesNullsAndTypes) {
  TableSchema ts;
  ts.name = "t";
  ts.key = "";
  ts.columns = {{"s", DataType::String(), {}}, {"b", DataType::Bool(), {}},
                {"i", DataType::Int(), {}},    {"f", DataType::Float(), {}},
                {"d", DataType::Date(), {}},   {"ts", DataType::Timestamp(), {}}};
  ColumnBuilder s(DataType::String()), b(DataType::Bool()), i(DataType::Int()),
      f(DataType::Float()), d(DataType::Date()), t(DataType::Timestamp());
  s.AppendString("Smith, Jones");
  b.AppendBool(true);
  i.AppendInt(-42);
  f.AppendFloat(0.1);
  d.AppendDate(DaysFromCivil(2026, 11, 22));
  t.AppendTimestamp(int64_t{DaysFromCivil(2026, 11, 22)} * 86400 * 1000000 +
                    (13 * 3600 + 5 * 60) * int64_t{1000000});
  s.AppendString("say \"hi\"\nbye");
  b.AppendNull();
  i.AppendNull();
  f.AppendFloat(150000);
  d.AppendDate(DaysFromCivil(1969, 12, 31));
  t.AppendTimestamp(-1500000);
  s.AppendString("");
  b.AppendBool(false);
  i.AppendInt(0);
  f.AppendNull();
  d.AppendNull();
  t.AppendNull();
  s.AppendNull();
  b.AppendNull();
  i.AppendNull();
  f.AppendNull();
  d.AppendNull();
  t.AppendNull();
  std::vector<Column> cols;
  for (ColumnBuilder* cb : {&s, &b, &i, &f, &d, &t}) cols.push_back(std::move(*cb).Finish());
  absl::StatusOr<Table> table = Table::Make(ts, std::move(cols));
  ASSERT_TRUE(table.ok()) << table.status();
  std::string out;
  AppendTableCsv(*table, &out);
  EXPECT_EQ(out,
            "s,b,i,f,d,ts\n"
            "\"Smith, Jones\",true,-42,0.1,2026-11-22,2026-11-22T13:05:00Z\n"
            "\"say \"\"hi\"\"\nbye\",,,150000,1969-12-31,1969-12-31T23:59:58.5Z\n"
            "\"\",false,0,,,\n"
            ",,,,,\n");
}

TEST(DatesTest, AddMonthsClampsAndAnniversaries) {
  auto day = [](int y, int m, int d) { return DaysFromCivil(y, m, d); };
  EXPECT_EQ(AddMonths(day(2026, 1, 31), 1), day(2026, 2, 28));
  EXPECT_EQ(AddMonths(day(2024, 1, 31), 1), day(2024, 2, 29));
  EXPECT_EQ(AddMonths(day(2024, 2, 29), 12), day(2025, 2, 28));
  EXPECT_EQ(AddMonths(day(2026, 3, 15), -15), day(2024, 12, 15));
  EXPECT_EQ(NextAnniversary(day(2025, 8, 31), 3, day(2026, 11, 22)), day(2026, 11, 30));
  EXPECT_EQ(NextAnniversary(day(2026, 11, 22), 3, day(2026, 11, 22)), day(2027, 2, 22));
  EXPECT_EQ(NextAnniversary(day(2020, 11, 22), 12, day(2026, 11, 22)), day(2026, 11, 22));
  EXPECT_EQ(NextAnniversary(day(2024, 2, 29), 12, day(2026, 11, 22)), day(2027, 2, 28));
  for (int d = -1000; d < 1000; d += 37) {
    Ymd c = CivilFromDays(20000 + d);
    EXPECT_EQ(DaysFromCivil(c.year, c.month, c.day), 20000 + d);
  }
}

// ---- The sample holds rows for every seed rule ------------------------------

// Reads cells of one table of the sample by column name.
class Rows {
 public:
  Rows(const Snapshot& s, std::string_view table) : t_(*s.FindTable(table)) {}
  int64_t size() const { return t_.num_rows(); }
  bool Null(std::string_view c, int64_t i) const { return col(c).IsNull(i); }
  std::string_view Str(std::string_view c, int64_t i) const {
    return Null(c, i) ? "" : col(c).StringAt(i);
  }
  int32_t Date(std::string_view c, int64_t i) const { return col(c).Values<int32_t>()[i]; }
  int64_t Int(std::string_view c, int64_t i) const { return col(c).Values<int64_t>()[i]; }
  double Float(std::string_view c, int64_t i) const { return col(c).Values<double>()[i]; }
  bool Bool(std::string_view c, int64_t i) const {
    return !Null(c, i) && col(c).Values<uint8_t>()[i] != 0;
  }
  int32_t TsDay(std::string_view c, int64_t i) const {
    return static_cast<int32_t>(col(c).Values<int64_t>()[i] / (int64_t{86400} * 1000000));
  }

 private:
  const Column& col(std::string_view c) const {
    const Column* p = t_.FindColumn(c);
    EXPECT_NE(p, nullptr) << c;
    return *p;
  }
  const Table& t_;
};

struct RuleCount {
  int64_t all = 0;
  int64_t alice = 0;
};

// Counts rows where `rule` holds, overall and where `owner` is Alice Chen.
RuleCount Count(const Rows& r, const std::function<bool(int64_t)>& rule,
                const std::function<std::string_view(int64_t)>& owner) {
  RuleCount n;
  for (int64_t i = 0; i < r.size(); ++i) {
    if (!rule(i)) continue;
    ++n.all;
    if (owner(i) == "Alice Chen") ++n.alice;
  }
  return n;
}

TEST(RealismTest, EverySeedRuleFindsRowsForAliceToo) {
  const Snapshot& s = DefaultSample();
  const int32_t today = DaysFromCivil(2026, 11, 22);
  Rows acc(s, "accounts"), contacts(s, "contacts"), tasks(s, "tasks"), plans(s, "success_plans"),
      objectives(s, "objectives"), playbooks(s, "playbooks"), activities(s, "activities"),
      conversations(s, "conversations"), opportunities(s, "opportunities"), requests(s, "requests");
  std::map<std::string, std::string, std::less<>> csm_of;  // account id -> csm
  for (int64_t i = 0; i < acc.size(); ++i)
    csm_of[std::string(acc.Str("id", i))] = std::string(acc.Str("csm", i));
  auto csm = [&](int64_t i) { return acc.Str("csm", i); };
  auto owner_of = [](const Rows& r) { return [&r](int64_t i) { return r.Str("owner", i); }; };
  auto via_account = [&](const Rows& r) {
    return
        [&](int64_t i) -> std::string_view { return csm_of.find(r.Str("account_id", i))->second; };
  };
  auto alive = [&](int64_t i) { return acc.Null("churned_at", i); };
  auto within = [&](const Rows& r, std::string_view c, int64_t i, int lo, int hi) {
    return !r.Null(c, i) && r.Date(c, i) - today >= lo && r.Date(c, i) - today <= hi;
  };
  std::set<std::string_view> with_dm, with_key, with_champion, with_plan;
  for (int64_t i = 0; i < contacts.size(); ++i) {
    if (contacts.Str("persona", i) == "decision maker")
      with_dm.insert(contacts.Str("account_id", i));
    if (contacts.Bool("is_key_persona", i)) with_key.insert(contacts.Str("account_id", i));
    if (contacts.Bool("is_champion", i)) with_champion.insert(contacts.Str("account_id", i));
  }
  for (int64_t i = 0; i < plans.size(); ++i) with_plan.insert(plans.Str("account_id", i));
  const int32_t four_months_ago = AddMonths(today, -4);

  std::map<std::string, RuleCount> rules;
  // vitally-csm-hub
  rules["tasks due today or overdue"] = Count(
      tasks,
      [&](int64_t i) {
        return tasks.Str("status", i) != "done" && within(tasks, "due_date", i, -10000, 0);
      },
      owner_of(tasks));
  rules["future due dates"] = Count(
      tasks,
      [&](int64_t i) {
        return tasks.Str("status", i) != "done" && within(tasks, "due_date", i, 1, 30);
      },
      owner_of(tasks));
  rules["outdated pulse: NULL"] = Count(
      acc, [&](int64_t i) { return alive(i) && acc.Null("pulse", i); }, csm);
  rules["outdated pulse: stale"] = Count(
      acc, [&](int64_t i) { return alive(i) && within(acc, "pulse_changed_at", i, -10000, -91); },
      csm);
  rules["value review due"] = Count(
      acc,
      [&](int64_t i) {
        return alive(i) && !acc.Null("last_value_review", i) &&
               acc.Date("last_value_review", i) < four_months_ago;
      },
      csm);
  rules["usage drop"] = Count(
      acc,
      [&](int64_t i) {
        return alive(i) && !acc.Null("usage_30d", i) && !acc.Null("usage_prev_30d", i) &&
               acc.Float("usage_30d", i) < 0.7 * acc.Float("usage_prev_30d", i);
      },
      csm);
  rules["NPS detractor in the last 7 days"] = Count(
      acc,
      [&](int64_t i) {
        return !acc.Null("nps_score", i) && acc.Int("nps_score", i) <= 6 &&
               within(acc, "nps_responded_at", i, -6, 0);
      },
      csm);
  rules["important event in the last 14 days"] = Count(
      acc, [&](int64_t i) { return alive(i) && within(acc, "important_event_at", i, -14, 0); },
      csm);
  rules["empty forecast"] = Count(
      acc,
      [&](int64_t i) { return within(acc, "renewal_date", i, 0, 120) && acc.Null("forecast", i); },
      csm);
  rules["no decision maker"] = Count(
      acc, [&](int64_t i) { return alive(i) && !with_dm.count(acc.Str("id", i)); }, csm);
  rules["no champion"] = Count(
      acc,
      [&](int64_t i) {
        return alive(i) && with_key.count(acc.Str("id", i)) &&
               !with_champion.count(acc.Str("id", i));
      },
      csm);
  rules["no goals"] = Count(
      acc, [&](int64_t i) { return alive(i) && !with_plan.count(acc.Str("id", i)); }, csm);
  rules["unengaged"] = Count(
      acc,
      [&](int64_t i) {
        return alive(i) && !acc.Null("last_touch_at", i) &&
               today - acc.TsDay("last_touch_at", i) > 45;
      },
      csm);
  rules["at risk or likely churn"] = Count(
      acc,
      [&](int64_t i) {
        return alive(i) && (acc.Str("forecast_sentiment", i) == "at risk" ||
                            acc.Str("forecast_sentiment", i) == "likely churn");
      },
      csm);
  rules["pending conversations today"] = Count(
      conversations,
      [&](int64_t i) {
        return conversations.Str("status", i) == "scheduled" &&
               within(conversations, "send_date", i, 0, 0);
      },
      owner_of(conversations));
  rules["critical or high open requests"] = Count(
      requests,
      [&](int64_t i) {
        return requests.Str("priority", i) != "normal" && requests.Str("status", i) == "open";
      },
      via_account(requests));
  rules["churned in the last 365 days"] = Count(
      acc, [&](int64_t i) { return within(acc, "churned_at", i, -365, 0); }, csm);
  rules["renewed in the last 90 days"] = Count(
      acc, [&](int64_t i) { return within(acc, "renewed_at", i, -90, 0); }, csm);
  rules["health declined"] = Count(
      acc,
      [&](int64_t i) {
        return !acc.Null("health_score", i) && !acc.Null("health_score_prev", i) &&
               acc.Int("health_score", i) <= acc.Int("health_score_prev", i) - 10;
      },
      csm);
  // totango-portfolio-lists
  rules["onboarding review (created 30-36 days ago)"] = Count(
      acc, [&](int64_t i) { return within(acc, "created_at", i, -36, -30); }, csm);
  for (int months : {3, 12}) {
    rules["anniversary every " + std::to_string(months) + " months in 14 days"] = Count(
        acc,
        [&](int64_t i) {
          return alive(i) &&
                 NextAnniversary(acc.Date("subscription_start", i), months, today) <= today + 14;
        },
        csm);
  }
  rules["key feature first used in the last 7 days"] = Count(
      acc, [&](int64_t i) { return within(acc, "key_feature_first_used", i, -6, 0); }, csm);
  // cs-management-workspace-kpi-cards
  rules["active success plans"] = Count(
      plans, [&](int64_t i) { return plans.Str("status", i) == "Active"; }, owner_of(plans));
  rules["business reviews in the next 30 days"] = Count(
      plans, [&](int64_t i) { return within(plans, "next_business_review", i, 0, 30); },
      owner_of(plans));
  rules["high-priority objectives"] = Count(
      objectives, [&](int64_t i) { return objectives.Str("priority", i) == "High"; },
      owner_of(objectives));
  rules["active playbooks"] = Count(
      playbooks,
      [&](int64_t i) {
        return !playbooks.Bool("is_template", i) && within(playbooks, "start_date", i, -10000, 0) &&
               within(playbooks, "end_date", i, 0, 10000);
      },
      owner_of(playbooks));
  rules["active templates (must be excluded)"] = Count(
      playbooks,
      [&](int64_t i) {
        return playbooks.Bool("is_template", i) && within(playbooks, "start_date", i, -10000, 0) &&
               within(playbooks, "end_date", i, 0, 10000);
      },
      owner_of(playbooks));
  rules["red playbooks"] = Count(
      playbooks, [&](int64_t i) { return playbooks.Str("status", i) == "Red"; },
      owner_of(playbooks));
  rules["flagged tasks"] = Count(
      tasks, [&](int64_t i) { return tasks.Bool("flagged", i); }, owner_of(tasks));
  // gainsight-pooled-csm-thread (the pool has no Alice: count those for everyone)
  auto everyone = [](int64_t) -> std::string_view { return "Alice Chen"; };
  rules["pool: go-live 30-45 days ago"] = Count(
      acc,
      [&](int64_t i) { return acc.Null("csm", i) && within(acc, "go_live_date", i, -45, -30); },
      everyone);
  rules["pool: NPS in the last 7 days"] = Count(
      acc,
      [&](int64_t i) { return acc.Null("csm", i) && within(acc, "nps_responded_at", i, -6, 0); },
      everyone);
  rules["pool: important event"] = Count(
      acc,
      [&](int64_t i) { return acc.Null("csm", i) && within(acc, "important_event_at", i, -14, 0); },
      everyone);
  rules["go-live 30-45 days ago"] = Count(
      acc, [&](int64_t i) { return within(acc, "go_live_date", i, -45, -30); }, csm);
  rules["transition in the last 30 days"] = Count(
      acc,
      [&](int64_t i) {
        return !acc.Null("previous_csm", i) && within(acc, "csm_changed_at", i, -30, 0);
      },
      csm);
  // atrium-am-csm-loe-metrics
  rules["meetings in the last 7 days"] = Count(
      activities,
      [&](int64_t i) {
        return activities.Str("kind", i) == "meeting" &&
               today - activities.TsDay("occurred_at", i) >= 0 &&
               today - activities.TsDay("occurred_at", i) < 7;
      },
      owner_of(activities));
  rules["meetings on the calendar"] = Count(
      activities,
      [&](int64_t i) {
        return activities.Str("kind", i) == "meeting" && activities.TsDay("occurred_at", i) > today;
      },
      owner_of(activities));
  rules["emails in the last 30 days"] = Count(
      activities,
      [&](int64_t i) {
        return activities.Str("kind", i) == "email" &&
               today - activities.TsDay("occurred_at", i) >= 0 &&
               today - activities.TsDay("occurred_at", i) < 30;
      },
      owner_of(activities));
  rules["open opportunities untouched 14+ days"] = Count(
      opportunities,
      [&](int64_t i) {
        std::string_view st = opportunities.Str("stage", i);
        return st != "closed won" && st != "closed lost" &&
               within(opportunities, "last_touched_at", i, -10000, -15);
      },
      owner_of(opportunities));

  for (const auto& [rule, n] : rules) {
    EXPECT_GE(n.all, 3) << rule;
    EXPECT_GE(n.alice, 1) << rule << " (Alice Chen)";
  }
  // The pool exists and Alice Chen is the first CSM.
  EXPECT_GT(Count(
                acc, [&](int64_t i) { return acc.Null("csm", i); }, everyone)
                .all,
            100);
  EXPECT_EQ(CsmNames(8).front(), "Alice Chen");
}

TEST(RealismTest, NullsUnicodeAndQuotingAppear) {
  const Snapshot& s = DefaultSample();
  const Table& acc = *s.FindTable("accounts");
  for (const char* c :
       {"csm", "pulse", "forecast", "last_value_review", "go_live_date", "nps_score", "churned_at",
        "usage_30d", "key_feature_first_used", "last_touch_at", "important_event"}) {
    EXPECT_GT(acc.FindColumn(c)->null_count(), 0) << c;
  }
  std::string csv = TableCsv(s, "accounts");
  EXPECT_NE(csv.find("Ünal GmbH"), std::string::npos);
  EXPECT_NE(csv.find("株式会社サクラ"), std::string::npos);
  EXPECT_NE(csv.find("\"Smith, Jones & Partners\""), std::string::npos);
  EXPECT_NE(csv.find("\"The \"\"Best\"\" Widget Co.\""), std::string::npos);
}

}  // namespace
}  // namespace docket::gen
