#pragma once

// The request handlers, one function per ClientMessage kind with a handler
// (request.h). Internal to consultation/: the room reaches them only through
// the table (request_table.cc). Grouped by file:
//   roster_requests.cc      the roster and a participant's own settings
//   invitation_requests.cc  the chair's roster: invitations, links, registration (90-96)
//   validation_requests.cc  validation sessions (45-48)
//   assessment_requests.cc  indicators, polls, meetings (kinds 30-44)
//   evidence_requests.cc    an indicator's references and figures (51-56)
//   discussion_requests.cc  threads, comments, suggestions, reads (60-76)

#include "consultation/request.h"

namespace kenes::consultation::handlers {

#define KENES_HANDLER(name) \
  Outcome name(const RequestContext& ctx, const Caller& caller, const kenes::v1::ClientMessage& msg)

// roster_requests.cc
KENES_HANDLER(update_profile);
KENES_HANDLER(revoke_participant);
KENES_HANDLER(get_roster_balance);
KENES_HANDLER(set_notification_settings);

// invitation_requests.cc
KENES_HANDLER(invite_participant);
KENES_HANDLER(import_participants);
KENES_HANDLER(get_invite_links);
KENES_HANDLER(reissue_invite_link);
KENES_HANDLER(open_registration);
KENES_HANDLER(close_registration);
KENES_HANDLER(set_board_settings);
KENES_HANDLER(email_invite_link);

// validation_requests.cc
KENES_HANDLER(start_validation_session);
KENES_HANDLER(next_validation_item);
KENES_HANDLER(skip_validation_item);
KENES_HANDLER(end_validation_session);

// assessment_requests.cc
KENES_HANDLER(set_indicator_status);
KENES_HANDLER(set_indicator_assignees);
KENES_HANDLER(set_indicator_sources);
KENES_HANDLER(set_indicator_score);
KENES_HANDLER(set_indicator_due_date);
KENES_HANDLER(set_scope);
KENES_HANDLER(create_poll);
KENES_HANDLER(open_poll);
KENES_HANDLER(close_poll);
KENES_HANDLER(cast_vote);
KENES_HANDLER(start_meeting);
KENES_HANDLER(end_meeting);
KENES_HANDLER(set_spotlight);
KENES_HANDLER(join_meeting);
KENES_HANDLER(leave_meeting);
KENES_HANDLER(mark_attendance);

// evidence_requests.cc
KENES_HANDLER(add_reference);
KENES_HANDLER(edit_reference);
KENES_HANDLER(remove_reference);
KENES_HANDLER(add_figure);
KENES_HANDLER(edit_figure);
KENES_HANDLER(remove_figure);

// discussion_requests.cc
KENES_HANDLER(create_thread);
KENES_HANDLER(add_comment);
KENES_HANDLER(edit_comment);
KENES_HANDLER(delete_comment);
KENES_HANDLER(hide_comment);
KENES_HANDLER(resolve_thread);
KENES_HANDLER(reattach_thread);
KENES_HANDLER(set_reaction);
KENES_HANDLER(accept_suggestion);
KENES_HANDLER(reject_suggestion);
KENES_HANDLER(set_observer_commenting);
KENES_HANDLER(mark_threads_read);
KENES_HANDLER(record_visit);

#undef KENES_HANDLER

// "a member may not <what>".
Outcome forbidden(const Caller& caller, const std::string& what);

// An empty record by the caller, for a handler to fill in.
kenes::v1::LogRecord authored_by(const Caller& caller);

// "YYYY-MM-DD", a day that exists, in 2000..2199 (assessment_requests.cc).
bool civil_date(const std::string& d);

// The refusal for an indicator id the framework does not have, if it does not.
std::optional<Outcome> missing_indicator(const ConsultationState& state, const std::string& id);

}  // namespace kenes::consultation::handlers
