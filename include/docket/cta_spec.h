// docket/cta_spec.h — the `ctas:` and `on_owner_change:` sections of a
// rulebook: which list rows become calls-to-action (CTAs), for whom, and what
// happens to them when an account changes hands.  The store that remembers
// CTAs between runs is docket/cta.h; every key is in docs/rulebooks.md.
//
//   on_owner_change: move_open          # move_none | move_open | move_all
//   ctas:
//     - id: nps_response
//       list: cta_nps_response            # the trigger: a list of this rulebook
//       type: activity                    # risk | opportunity | lifecycle | activity | transition
//       | own word reason: NPS response name: "NPS {nps_score} from {name}"   # {column} of the
//       list's table or a shown parent field priority: high                    # high | medium |
//       low (default medium) due: 3 days                       # from the sync's as_of owner:
//       {owner_or: pool}           # owner | <queue name> | {owner_or: <queue>} | {column: <col>}
//       identity: [nps_responded_at]      # more columns to tell CTAs apart (default: key + type +
//       reason) close: when_exits                 # when_exits (default) | manual cooldown: 30 days
//       # no new CTA for an identity closed less than 30 days ago action: Close the loop with the
//       respondent. resources: [{title: NPS playbook, url: "https://kb.example.com/nps"}] tasks:
//       [Read the verbatim, Call or e-mail within 3 days, Log the outcome]
#ifndef DOCKET_CTA_SPEC_H_
#define DOCKET_CTA_SPEC_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "docket/schema.h"

namespace docket {

enum class CtaPriority : uint8_t { kHigh, kMedium, kLow };
std::string_view CtaPriorityName(CtaPriority p);  // "high", "medium", "low"

// Who a new CTA goes to.
enum class CtaOwnerKind : uint8_t {
  kRowOwner,      // `owner: owner` — the row's owner (the table's owner column); a queue-less
                  // CTA with no owner when the row has none.
  kQueue,         // `owner: pool` — always the named queue, for someone to claim.
  kOwnerOrQueue,  // `owner: {owner_or: pool}` — the row's owner, or the queue when it has none.
  kColumn,        // `owner: {column: previous_csm}` — the person named in a column (e.g. the
                  // outgoing CSM of a transition), or nobody when it is NULL.
};

struct CtaOwnerRule {
  CtaOwnerKind kind = CtaOwnerKind::kRowOwner;
  std::string queue;   // kQueue, kOwnerOrQueue.
  std::string column;  // kColumn.
  // True when the CTA follows the row's owner (kRowOwner, kOwnerOrQueue):
  // those are the CTAs on_owner_change moves.
  bool FollowsRowOwner() const {
    return kind == CtaOwnerKind::kRowOwner || kind == CtaOwnerKind::kOwnerOrQueue;
  }
};

enum class CtaCloseRule : uint8_t { kWhenExits, kManual };

// A `{placeholder}` of a name template.
struct CtaTemplatePart {
  std::string text;  // Literal text, or the column name when is_column.
  bool is_column = false;
  SourceLocation location;  // Where the placeholder is in the file.
};

struct CtaSpec {
  std::string id;
  std::string list;  // The trigger list.
  std::string type;  // Lower-case word.
  std::string reason;
  std::string name_template;          // As written; defaults to "{reason}: {key}".
  std::vector<CtaTemplatePart> name;  // Parsed template.
  CtaPriority priority = CtaPriority::kMedium;
  int64_t due_days = -1;  // -1: no due date.
  CtaOwnerRule owner;
  std::vector<std::string> identity;  // Extra identity columns (after key + type + reason).
  std::vector<SourceLocation> identity_locations;
  CtaCloseRule close = CtaCloseRule::kWhenExits;
  int64_t cooldown_days = 0;  // 0: none.
  std::string action;
  std::vector<std::pair<std::string, std::string>> resources;  // (title, url)
  std::vector<std::string> tasks;  // The checklist copied into each CTA.
  SourceLocation location;         // The `id:` value.
  SourceLocation list_location;
  SourceLocation owner_location;
};

// What happens to the CTAs of a row whose owner changed since they were
// raised (the CTA's recorded owner of the row against the snapshot's).
enum class OwnerChangePolicy : uint8_t {
  kMoveNone,  // CTAs stay with the previous owner (the change is logged).
  kMoveOpen,  // Open and snoozed CTAs move to the new owner (or the rule's queue); the default.
  kMoveAll,   // Closed CTAs are re-attributed too (reports follow the account).
};
std::string_view OwnerChangePolicyName(OwnerChangePolicy p);  // "move_none", …

}  // namespace docket

#endif  // DOCKET_CTA_SPEC_H_
