#pragma once

// Who may do what (PRODUCT.md §1). The server checks these on every request;
// the browser hides controls by the same rules, but never decides.

#include <optional>
#include <string>
#include <string_view>

#include "kenes/v1/protocol.pb.h"

namespace kenes::consultation {

// Lower-case role names: in messages ("a member may not ..."), invite links,
// the admin tool and the tokens' "r" claim. Do not change them: tokens carry
// them and live in e-mails and browsers for weeks.
std::string_view role_name(kenes::v1::Role role);
std::optional<kenes::v1::Role> role_from_name(std::string_view name);
// "a member", "an observer": the role as refusals name it.
std::string a_role(kenes::v1::Role role);

// Chairs and researchers write drafts; members and observers read them
// (members comment and suggest instead; observers too if the chair lets them).
inline bool may_edit_documents(kenes::v1::Role role) {
  return role == kenes::v1::ROLE_CHAIR || role == kenes::v1::ROLE_RESEARCHER;
}

// Exports (the report, minutes and votes) hold only what every
// participant already reads in the consultation — drafts, the roster's names
// and groups, poll results as their visibility allows — so every role may
// download them, observers included (PRODUCT.md §1: observers read). A
// revoked participant may not.
inline bool may_export(kenes::v1::Role role) {
  return role == kenes::v1::ROLE_CHAIR || role == kenes::v1::ROLE_RESEARCHER || role == kenes::v1::ROLE_MEMBER ||
         role == kenes::v1::ROLE_OBSERVER;
}

inline bool may_revoke_participants(kenes::v1::Role role) { return role == kenes::v1::ROLE_CHAIR; }

// Running the consultation: polls (create, open, close), meetings (start,
// end, spotlight), the scope. The chair alone. (Voting is decided by each
// poll's eligible roles; joining a meeting is open to everyone.)
inline bool may_run_consultation(kenes::v1::Role role) { return role == kenes::v1::ROLE_CHAIR; }

// Who works on an indicator is the chair's call.
inline bool may_assign_indicators(kenes::v1::Role role) { return role == kenes::v1::ROLE_CHAIR; }

// An indicator's data sources and score belong with its draft.
inline bool may_edit_indicator_fields(kenes::v1::Role role) { return may_edit_documents(role); }

// The status workflow (assessment.proto, IndicatorStatus): the chair sets any
// status; a researcher moves a draft along and back but never validates by
// hand — validation is the board's decision, taken by a validation poll.
inline bool may_set_indicator_status(kenes::v1::Role role, kenes::v1::IndicatorStatus target) {
  if (role == kenes::v1::ROLE_CHAIR) return true;
  if (role != kenes::v1::ROLE_RESEARCHER) return false;
  return target == kenes::v1::INDICATOR_STATUS_DRAFTING || target == kenes::v1::INDICATOR_STATUS_IN_REVIEW ||
         target == kenes::v1::INDICATOR_STATUS_NEEDS_REVISION;
}

// Inviting people, their links, registration links, who counts in the
// board (issue 18): the chair's.
inline bool may_manage_roster(kenes::v1::Role role) { return role == kenes::v1::ROLE_CHAIR; }

// The balance of the roster by group and gender: the chair's overview.
inline bool may_see_roster_balance(kenes::v1::Role role) { return role == kenes::v1::ROLE_CHAIR; }

// Threads (issue 6). Commenting covers starting a thread, replying,
// suggesting, re-attaching and reacting: the chair, researchers and members;
// observers read, unless the chair let them comment (ObserverCommentingSet).
inline bool may_comment(kenes::v1::Role role, bool observers_may_comment) {
  if (role == kenes::v1::ROLE_OBSERVER) return observers_may_comment;
  return role == kenes::v1::ROLE_CHAIR || role == kenes::v1::ROLE_RESEARCHER || role == kenes::v1::ROLE_MEMBER;
}

// Accepting or rejecting a suggestion changes (or settles) a draft: those who
// may edit drafts.
inline bool may_decide_suggestions(kenes::v1::Role role) { return may_edit_documents(role); }

// Hiding anyone's comment, with a logged reason: moderation is the chair's.
inline bool may_hide_comments(kenes::v1::Role role) { return role == kenes::v1::ROLE_CHAIR; }

// Letting observers comment (or not) is the chair's call too.
inline bool may_set_observer_commenting(kenes::v1::Role role) { return role == kenes::v1::ROLE_CHAIR; }

// Resolving or reopening a thread: the chair, a researcher, or whoever
// started it.
inline bool may_resolve_thread(kenes::v1::Role role, bool is_thread_creator) {
  return role == kenes::v1::ROLE_CHAIR || role == kenes::v1::ROLE_RESEARCHER || is_thread_creator;
}

// Document ids: 1..128 bytes of [A-Za-z0-9._/-], e.g. "indicator/R.1.1". Kept
// narrow so ids are safe in URLs, logs and snapshot names.
inline bool valid_document_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '/' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace kenes::consultation
