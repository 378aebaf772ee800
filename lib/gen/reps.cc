#include "gen/reps.h"

#include <string>
#include <vector>

#include "docket/builder.h"
#include "docket/value.h"
#include "gen/generator.h"

namespace docket::gen {

absl::StatusOr<Table> RepsTable(const TableSchema& schema, int num_csms, absl::CivilDay as_of) {
  static const char* kTeams[] = {"East", "West"};
  static const char* kManagers[] = {"Maya Brooks", "Tom Eriksen"};
  static const char* kSegments[] = {"Enterprise", "Mid-Market", "SMB"};
  std::vector<std::string> names = CsmNames(num_csms);
  ColumnBuilder name(DataType::String()), team(DataType::String()), segment(DataType::String()),
      manager(DataType::String()), start(DataType::Date()), meeting_goal(DataType::Int()),
      email_goal(DataType::Int()), touch_goal(DataType::Int());
  for (int i = 0; i < num_csms; ++i) {
    name.AppendString(names[i]);
    team.AppendString(kTeams[i % 2]);
    segment.AppendString(kSegments[(i / 2) % 3]);
    manager.AppendString(kManagers[i % 2]);
    // Reps 5 and 7 of every eight are new: 30 and 60 days in.
    int64_t days_in = i % 8 == 5 ? 30 : i % 8 == 7 ? 60 : 400 + 97 * i;
    start.AppendDate(static_cast<int32_t>(DaysSinceEpoch(as_of) - days_in));
    meeting_goal.AppendInt(14 + (i * 3) % 7);  // Meetings per week.
    email_goal.AppendInt(100 + (i * 7) % 40);  // E-mails per 30 days.
    touch_goal.AppendInt(130 + (i * 5) % 30);  // Accounts touched per 30 days.
  }
  std::vector<Column> cols;
  cols.push_back(std::move(name).Finish());
  cols.push_back(std::move(team).Finish());
  cols.push_back(std::move(segment).Finish());
  cols.push_back(std::move(manager).Finish());
  cols.push_back(std::move(start).Finish());
  cols.push_back(std::move(meeting_goal).Finish());
  cols.push_back(std::move(email_goal).Finish());
  cols.push_back(std::move(touch_goal).Finish());
  return Table::Make(schema, std::move(cols));
}

}  // namespace docket::gen
