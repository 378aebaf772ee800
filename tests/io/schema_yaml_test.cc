// Tests of schema YAML: the happy path and every mistake with its position.
#include "docket/schema_yaml.h"

#include <string>

#include "docket/error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/schema_node.h"
#include "yaml-cpp/yaml.h"

namespace docket {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string ErrorOf(std::string_view text) {
  absl::StatusOr<Schema> s = ParseSchemaYaml(text, "schema.yaml");
  if (s.ok()) return "OK";
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << s.status();
  return std::string(s.status().message());
}

TEST(SchemaYaml, ParsesTablesKeysOwnersParents) {
  absl::StatusOr<Schema> s = ParseSchemaYaml(
      "tables:\n"
      "  accounts:\n"
      "    key: id\n"
      "    owner: csm\n"
      "    columns: {id: string, csm: string, arr: float, n: int, ok: bool,\n"
      "              renewal: date, seen: timestamp, at: timestamp(ms)}\n"
      "  contacts:\n"
      "    key: id\n"
      "    parent: {table: accounts, via: account_id, as: account}\n"
      "    columns:\n"
      "      zeta: 'timestamp[ns]'\n"
      "      id: string\n"
      "      account_id: string\n",
      "schema.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->tables.size(), 2u);
  const TableSchema& a = s->tables[0];
  EXPECT_EQ(a.name, "accounts");
  EXPECT_EQ(a.key, "id");
  EXPECT_EQ(a.owner, "csm");
  ASSERT_EQ(a.columns.size(), 8u);
  EXPECT_EQ(a.columns[2].name, "arr");
  EXPECT_EQ(a.columns[2].type, DataType::Float());
  EXPECT_EQ(a.columns[6].type, DataType::Timestamp(TimeUnit::kMicro));
  EXPECT_EQ(a.columns[7].type, DataType::Timestamp(TimeUnit::kMilli));
  EXPECT_EQ(a.columns[2].location.ToString(), "schema.yaml:5:40");
  const TableSchema* c = s->FindTable("contacts");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->columns[0].name, "zeta");  // Declaration order is kept.
  ASSERT_TRUE(c->parent.has_value());
  EXPECT_EQ(c->parent->table, "accounts");
  EXPECT_EQ(c->parent->via, "account_id");
  EXPECT_EQ(c->parent->as, "account");
  EXPECT_EQ(c->location.ToString(), "schema.yaml:7:3");
}

TEST(SchemaYaml, AcceptsAWholeRulebook) {
  absl::StatusOr<Schema> s = ParseSchemaYaml(
      "docket: 1\nname: CSM Hub\ntime_zone: UTC\nparams: {x: 1}\n"
      "tables:\n  accounts: {key: id, columns: {id: string}}\n"
      "segments: {a: x > 1}\nlists: []\nkpis: []\n",
      "book.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->tables.size(), 1u);
}

TEST(SchemaYaml, ParentAsDefaultsToTheParentTable) {
  absl::StatusOr<Schema> s = ParseSchemaYaml(
      "tables:\n  accounts: {key: id, columns: {id: string}}\n"
      "  tasks: {parent: {table: accounts, via: account_id}, columns: {account_id: string}}\n",
      "s.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->tables[1].parent->as, "accounts");
}

TEST(SchemaYaml, Mistakes) {
  EXPECT_EQ(
      ErrorOf("tables:\n  accounts:\n    key: id\n    onwer: csm\n    columns: {id: string}\n"),
      "schema.yaml:4:5: unknown key 'onwer' in table 'accounts' — did you mean 'owner'?");
  EXPECT_EQ(ErrorOf("tables:\n  accounts:\n    columns: {id: string, arr: flaot}\n"),
            "schema.yaml:3:32: unknown type 'flaot' for column 'arr' — did you mean 'float'?");
  EXPECT_EQ(ErrorOf("tables:\n  accounts:\n    columns: {id: string, arr: money}\n"),
            "schema.yaml:3:32: unknown type 'money' for column 'arr' — types: bool, int, float, "
            "string, date, timestamp, timestamp[s|ms|us|ns]");
  EXPECT_EQ(ErrorOf("tables:\n  accounts:\n    key: idd\n    columns: {id: string}\n"),
            "schema.yaml:3:10: key 'idd' is not a column of table 'accounts' — did you mean 'id'?");
  EXPECT_EQ(
      ErrorOf("tables:\n  accounts:\n    owner: cms\n    columns: {id: string, csm: string}\n"),
      "schema.yaml:3:12: owner 'cms' is not a column of table 'accounts' — did you mean 'csm'?");
  EXPECT_EQ(ErrorOf("tabels:\n  accounts: {columns: {id: string}}\n"),
            "schema.yaml:1:1: unknown key 'tabels' — did you mean 'tables'?");
  EXPECT_EQ(ErrorOf("name: x\n"),
            "schema.yaml:1:1: no 'tables:' section — declare the tables under a 'tables:' key");
  EXPECT_EQ(ErrorOf("tables:\n"),
            "schema.yaml:1:1: 'tables:' is empty — declare at least one table with its columns");
  EXPECT_EQ(
      ErrorOf("tables:\n  accounts:\n    key: id\n"),
      "schema.yaml:2:3: table 'accounts' has no 'columns:' — list its columns and types, e.g. "
      "'columns: {id: string, arr: float}'");
  EXPECT_EQ(ErrorOf("tables:\n  accounts:\n    columns: {id: string, id: int}\n"),
            "schema.yaml:3:27: column 'id' is declared twice in table 'accounts'");
  EXPECT_EQ(ErrorOf("tables:\n  accounts:\n    columns: [id, name]\n"),
            "schema.yaml:3:14: 'columns:' of table 'accounts' must be a mapping of column names to "
            "types, found a list — write e.g. 'columns: {id: string, arr: float, renewal_date: "
            "date}'");
  EXPECT_EQ(ErrorOf("tables:\n  accounts:\n    columns: {id: }\n"),
            "schema.yaml:3:15: column 'id' needs a type, found empty — types: bool, int, float, "
            "string, date, timestamp");
  EXPECT_EQ(ErrorOf("tables:\n  acc-ounts:\n    columns: {id: string}\n"),
            "schema.yaml:2:3: bad table name 'acc-ounts' — use letters, digits and '_', starting "
            "with a letter or '_'");
  EXPECT_EQ(ErrorOf("tables:\n  a: {columns: {id: string}}\n  a: {columns: {id: string}}\n"),
            "schema.yaml:3:3: table 'a' is declared twice");
  EXPECT_EQ(
      ErrorOf("tables: [accounts]\n"),
      "schema.yaml:1:9: 'tables:' must be a mapping of table names, found a list — write e.g. "
      "'tables: {accounts: {key: id, columns: {id: string}}}'");
  EXPECT_EQ(
      ErrorOf("- a\n- b\n"),
      "schema.yaml:1:1: a schema file must be a mapping with a 'tables:' key — start the file "
      "with 'tables:'");
}

TEST(SchemaYaml, ParentMistakes) {
  const std::string accounts = "tables:\n  accounts: {key: id, columns: {id: string}}\n";
  EXPECT_EQ(ErrorOf(accounts +
                    "  contacts:\n    parent: {table: accounts, via: account_id, ass: account}\n"
                    "    columns: {account_id: string}\n"),
            "schema.yaml:4:48: unknown key 'ass' in 'parent:' of table 'contacts' — did you mean "
            "'as'?");
  EXPECT_EQ(ErrorOf(accounts + "  contacts:\n    parent: {table: accounts, via: acount_id}\n"
                               "    columns: {account_id: string}\n"),
            "schema.yaml:4:36: parent 'via' 'acount_id' is not a column of table 'contacts' — did "
            "you mean 'account_id'?");
  EXPECT_EQ(
      ErrorOf(accounts + "  contacts:\n    parent: {table: accounts}\n    columns: {a: string}\n"),
      "schema.yaml:4:5: 'parent:' of table 'contacts' needs 'table' and 'via' — write e.g. "
      "'parent: {table: accounts, via: account_id, as: account}'");
  // Cross-table checks come from Schema::Validate, with the parent's position.
  EXPECT_THAT(
      ErrorOf(accounts + "  contacts:\n    parent: {table: acounts, via: account_id}\n"
                         "    columns: {account_id: string}\n"),
      StartsWith("schema.yaml:4:5: table 'contacts': parent table 'acounts' is not declared "
                 "— did you mean 'accounts'?"));
  EXPECT_THAT(ErrorOf(accounts + "  contacts:\n    parent: {table: accounts, via: account_id}\n"
                                 "    columns: {account_id: int}\n"),
              StartsWith("schema.yaml:4:5: "));
}

TEST(SchemaYaml, YamlSyntaxErrorsHavePositions) {
  EXPECT_THAT(ErrorOf("tables:\n  accounts: {columns: {id: string}\n"),
              StartsWith("schema.yaml:3:1: YAML syntax error: "));
  EXPECT_THAT(ErrorOf("tables:\n  accounts:\n    columns: {id: string}\n   bad indent: x\n"),
              StartsWith("schema.yaml:4:"));
  std::string deep = "tables: " + std::string(5000, '[') + std::string(5000, ']') + "\n";
  EXPECT_THAT(ErrorOf(deep), StartsWith("schema.yaml:"));
}

TEST(SchemaYaml, SizeLimit) {
  Limits limits;
  limits.max_rulebook_bytes = 10;
  absl::StatusOr<Schema> s =
      ParseSchemaYaml("tables:\n  a: {columns: {id: string}}\n", "s.yaml", limits);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("max_rulebook_bytes"));
}

TEST(SchemaYaml, ReadsFilesAndReportsMissingOnes) {
  absl::StatusOr<Schema> s =
      ReadSchemaYamlFile(std::string(DOCKET_SOURCE_DIR) + "/tests/data/io/schema.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_NE(s->FindTable("accounts"), nullptr);
  EXPECT_EQ(ReadSchemaYamlFile("/nonexistent/schema.yaml").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(SchemaYaml, TablesNodeForTheRulebookLoader) {
  YAML::Node root = YAML::Load("x: 1\ntables:\n  accounts: {key: id, columns: {id: string}}\n");
  absl::StatusOr<Schema> s = io::ParseTablesNode(root["tables"], "book.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->tables[0].location.ToString(), "book.yaml:3:3");
  YAML::Node bad = YAML::Load("tables:\n  accounts: {kee: id, columns: {id: string}}\n");
  s = io::ParseTablesNode(bad["tables"], "book.yaml");
  ASSERT_FALSE(s.ok());
  std::optional<ErrorDetail> d = GetErrorDetail(s.status());
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->location.line, 2);
  EXPECT_EQ(d->location.column, 14);
  EXPECT_EQ(d->hint, "did you mean 'key'?");
}

}  // namespace
}  // namespace docket
