// The table of requests: one row per ClientMessage kind (request.h). The
// room's dispatch is a lookup here; every decision is in a handler.

#include <algorithm>
#include <array>

#include "consultation/handlers.h"

namespace kenes::consultation {

namespace {

using K = kenes::v1::ClientMessage;
namespace h = handlers;

// In field-number order (checked by RequestTableTest).
constexpr std::array kTable = {
    RequestKind{K::kHello, "hello", Door::kHello, nullptr},
    RequestKind{K::kSubscribe, "subscribe", Door::kSubscribe, nullptr},
    RequestKind{K::kSubmitOp, "submit_op", Door::kSubmit, nullptr},
    RequestKind{K::kPresence, "presence", Door::kPresence, nullptr},
    RequestKind{K::kUpdateProfile, "update_profile", Door::kChange, h::update_profile},
    RequestKind{K::kRevokeParticipant, "revoke_participant", Door::kChange, h::revoke_participant},
    RequestKind{K::kOpenDocument, "open_document", Door::kDocument, nullptr},
    RequestKind{K::kSetIndicatorStatus, "set_indicator_status", Door::kChange, h::set_indicator_status},
    RequestKind{K::kSetIndicatorAssignees, "set_indicator_assignees", Door::kChange, h::set_indicator_assignees},
    RequestKind{K::kSetIndicatorSources, "set_indicator_sources", Door::kChange, h::set_indicator_sources},
    RequestKind{K::kSetIndicatorScore, "set_indicator_score", Door::kChange, h::set_indicator_score},
    RequestKind{K::kSetScope, "set_scope", Door::kChange, h::set_scope},
    RequestKind{K::kCreatePoll, "create_poll", Door::kChange, h::create_poll},
    RequestKind{K::kOpenPoll, "open_poll", Door::kChange, h::open_poll},
    RequestKind{K::kCastVote, "cast_vote", Door::kChange, h::cast_vote},
    RequestKind{K::kClosePoll, "close_poll", Door::kChange, h::close_poll},
    RequestKind{K::kStartMeeting, "start_meeting", Door::kChange, h::start_meeting},
    RequestKind{K::kEndMeeting, "end_meeting", Door::kChange, h::end_meeting},
    RequestKind{K::kSetSpotlight, "set_spotlight", Door::kChange, h::set_spotlight},
    RequestKind{K::kJoinMeeting, "join_meeting", Door::kChange, h::join_meeting},
    RequestKind{K::kLeaveMeeting, "leave_meeting", Door::kChange, h::leave_meeting},
    RequestKind{K::kGetRosterBalance, "get_roster_balance", Door::kRead, h::get_roster_balance},
    RequestKind{K::kStartValidationSession, "start_validation_session", Door::kChange, h::start_validation_session},
    RequestKind{K::kNextValidationItem, "next_validation_item", Door::kChange, h::next_validation_item},
    RequestKind{K::kSkipValidationItem, "skip_validation_item", Door::kChange, h::skip_validation_item},
    RequestKind{K::kEndValidationSession, "end_validation_session", Door::kChange, h::end_validation_session},
    RequestKind{K::kMarkAttendance, "mark_attendance", Door::kChange, h::mark_attendance},
    RequestKind{K::kSetIndicatorDueDate, "set_indicator_due_date", Door::kChange, h::set_indicator_due_date},
    RequestKind{K::kAddReference, "add_reference", Door::kChange, h::add_reference},
    RequestKind{K::kEditReference, "edit_reference", Door::kChange, h::edit_reference},
    RequestKind{K::kRemoveReference, "remove_reference", Door::kChange, h::remove_reference},
    RequestKind{K::kAddFigure, "add_figure", Door::kChange, h::add_figure},
    RequestKind{K::kEditFigure, "edit_figure", Door::kChange, h::edit_figure},
    RequestKind{K::kRemoveFigure, "remove_figure", Door::kChange, h::remove_figure},
    RequestKind{K::kCreateThread, "create_thread", Door::kChange, h::create_thread},
    RequestKind{K::kAddComment, "add_comment", Door::kChange, h::add_comment},
    RequestKind{K::kEditComment, "edit_comment", Door::kChange, h::edit_comment},
    RequestKind{K::kDeleteComment, "delete_comment", Door::kChange, h::delete_comment},
    RequestKind{K::kHideComment, "hide_comment", Door::kChange, h::hide_comment},
    RequestKind{K::kResolveThread, "resolve_thread", Door::kChange, h::resolve_thread},
    RequestKind{K::kReattachThread, "reattach_thread", Door::kChange, h::reattach_thread},
    RequestKind{K::kSetReaction, "set_reaction", Door::kChange, h::set_reaction},
    RequestKind{K::kAcceptSuggestion, "accept_suggestion", Door::kChange, h::accept_suggestion},
    RequestKind{K::kRejectSuggestion, "reject_suggestion", Door::kChange, h::reject_suggestion},
    RequestKind{K::kSetObserverCommenting, "set_observer_commenting", Door::kChange, h::set_observer_commenting},
    RequestKind{K::kMarkThreadsRead, "mark_threads_read", Door::kChange, h::mark_threads_read},
    RequestKind{K::kRecordVisit, "record_visit", Door::kChange, h::record_visit},
    RequestKind{K::kSetNotificationSettings, "set_notification_settings", Door::kChange, h::set_notification_settings},
    RequestKind{K::kGetDocumentAt, "get_document_at", Door::kHistory, nullptr},
    RequestKind{K::kGetDocumentDiff, "get_document_diff", Door::kHistory, nullptr},
    RequestKind{K::kGetDocumentBlame, "get_document_blame", Door::kHistory, nullptr},
    RequestKind{K::kInviteParticipant, "invite_participant", Door::kChange, h::invite_participant},
    RequestKind{K::kImportParticipants, "import_participants", Door::kChange, h::import_participants},
    RequestKind{K::kGetInviteLinks, "get_invite_links", Door::kRead, h::get_invite_links},
    RequestKind{K::kReissueInviteLink, "reissue_invite_link", Door::kChange, h::reissue_invite_link},
    RequestKind{K::kOpenRegistration, "open_registration", Door::kChange, h::open_registration},
    RequestKind{K::kCloseRegistration, "close_registration", Door::kChange, h::close_registration},
    RequestKind{K::kSetBoardSettings, "set_board_settings", Door::kChange, h::set_board_settings},
    RequestKind{K::kEmailInviteLink, "email_invite_link", Door::kRead, h::email_invite_link},
};

}  // namespace

std::span<const RequestKind> request_table() { return kTable; }

const RequestKind* find_request(kenes::v1::ClientMessage::KindCase kind) {
  auto it = std::lower_bound(kTable.begin(), kTable.end(), kind,
                             [](const RequestKind& row, K::KindCase k) { return row.kind < k; });
  return it != kTable.end() && it->kind == kind ? &*it : nullptr;
}

Outcome handle_request(const RequestContext& ctx, const Caller& caller, const kenes::v1::ClientMessage& msg) {
  const RequestKind* row = find_request(msg.kind_case());
  if (!row || !row->handler) return Outcome::refuse(kenes::v1::ERROR_CODE_UNKNOWN_MESSAGE, "unknown message kind");
  return row->handler(ctx, caller, msg);
}

}  // namespace kenes::consultation
