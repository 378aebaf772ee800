// The data contract of the generated data: examples/schema.yaml, in code (a
// test checks that the two agree when the YAML reader is available).
#include "docket/schema.h"

#include <string>
#include <utility>
#include <vector>

#include "docket/types.h"
#include "gen/generator.h"

namespace docket::gen {
namespace {

struct Col {
  const char* name;
  DataType type;
};

TableSchema MakeTable(std::string name, std::string key, std::string owner, const char* parent,
                      const char* via, const char* as, const std::vector<Col>& cols) {
  TableSchema t;
  t.name = std::move(name);
  t.key = std::move(key);
  t.owner = std::move(owner);
  if (parent != nullptr) t.parent = ParentRelation{parent, via, as, {}};
  for (const Col& c : cols) t.columns.push_back(ColumnSchema{c.name, c.type, {}});
  return t;
}

}  // namespace

const std::vector<std::string>& TableNames() {
  static const std::vector<std::string>* names = new std::vector<std::string>{
      "accounts",   "contacts",      "tasks",         "success_plans", "objectives", "playbooks",
      "activities", "conversations", "opportunities", "requests",      "reps"};
  return *names;
}

Schema ExampleSchema() {
  const DataType s = DataType::String(), f = DataType::Float(), i = DataType::Int(),
                 d = DataType::Date(), b = DataType::Bool(), ts = DataType::Timestamp();
  Schema schema;
  schema.tables.push_back(MakeTable("accounts", "id", "csm", nullptr, nullptr, nullptr,
                                    {{"id", s},
                                     {"name", s},
                                     {"csm", s},
                                     {"previous_csm", s},
                                     {"csm_changed_at", d},
                                     {"segment", s},
                                     {"arr", f},
                                     {"arr_year_ago", f},
                                     {"pulse", s},
                                     {"pulse_changed_at", d},
                                     {"health_score", i},
                                     {"health_score_prev", i},
                                     {"last_value_review", d},
                                     {"renewal_date", d},
                                     {"forecast", s},
                                     {"forecast_sentiment", s},
                                     {"created_at", d},
                                     {"subscription_start", d},
                                     {"go_live_date", d},
                                     {"usage_30d", f},
                                     {"usage_prev_30d", f},
                                     {"key_feature_first_used", d},
                                     {"last_touch_at", ts},
                                     {"nps_score", i},
                                     {"nps_responded_at", d},
                                     {"churned_at", d},
                                     {"renewed_at", d},
                                     {"important_event", s},
                                     {"important_event_at", d}}));
  schema.tables.push_back(MakeTable("contacts", "id", "", "accounts", "account_id", "account",
                                    {{"id", s},
                                     {"account_id", s},
                                     {"name", s},
                                     {"email", s},
                                     {"title", s},
                                     {"persona", s},
                                     {"is_key_persona", b},
                                     {"is_champion", b},
                                     {"last_touched_at", d}}));
  schema.tables.push_back(MakeTable("tasks", "id", "owner", "accounts", "account_id", "account",
                                    {{"id", s},
                                     {"account_id", s},
                                     {"playbook_id", s},
                                     {"owner", s},
                                     {"name", s},
                                     {"status", s},
                                     {"start_date", d},
                                     {"due_date", d},
                                     {"flagged", b}}));
  schema.tables.push_back(MakeTable("success_plans", "id", "owner", "accounts", "account_id",
                                    "account",
                                    {{"id", s},
                                     {"account_id", s},
                                     {"name", s},
                                     {"owner", s},
                                     {"status", s},
                                     {"next_business_review", d}}));
  schema.tables.push_back(MakeTable("objectives", "id", "owner", "success_plans", "success_plan_id",
                                    "success_plan",
                                    {{"id", s},
                                     {"success_plan_id", s},
                                     {"name", s},
                                     {"owner", s},
                                     {"priority", s},
                                     {"status", s},
                                     {"end_date", d}}));
  schema.tables.push_back(MakeTable("playbooks", "id", "owner", "accounts", "account_id", "account",
                                    {{"id", s},
                                     {"account_id", s},
                                     {"name", s},
                                     {"owner", s},
                                     {"status", s},
                                     {"start_date", d},
                                     {"end_date", d},
                                     {"is_template", b}}));
  schema.tables.push_back(MakeTable("activities", "id", "owner", "accounts", "account_id",
                                    "account",
                                    {{"id", s},
                                     {"account_id", s},
                                     {"contact_id", s},
                                     {"owner", s},
                                     {"kind", s},
                                     {"occurred_at", ts},
                                     {"duration_minutes", i}}));
  schema.tables.push_back(MakeTable("conversations", "id", "owner", "accounts", "account_id",
                                    "account",
                                    {{"id", s},
                                     {"account_id", s},
                                     {"owner", s},
                                     {"subject", s},
                                     {"status", s},
                                     {"send_date", d}}));
  schema.tables.push_back(MakeTable("opportunities", "id", "owner", "accounts", "account_id",
                                    "account",
                                    {{"id", s},
                                     {"account_id", s},
                                     {"owner", s},
                                     {"name", s},
                                     {"amount", f},
                                     {"stage", s},
                                     {"close_date", d},
                                     {"last_touched_at", d}}));
  schema.tables.push_back(MakeTable("requests", "id", "", "accounts", "account_id", "account",
                                    {{"id", s},
                                     {"account_id", s},
                                     {"title", s},
                                     {"priority", s},
                                     {"status", s},
                                     {"created_at", d}}));
  schema.tables.push_back(MakeTable("reps", "name", "name", nullptr, nullptr, nullptr,
                                    {{"name", s},
                                     {"team", s},
                                     {"segment", s},
                                     {"manager", s},
                                     {"start_date", d},
                                     {"meeting_goal", i},
                                     {"email_goal", i},
                                     {"touch_goal", i}}));
  return schema;
}

}  // namespace docket::gen
