// The request table and the role x request matrix, without a socket: every
// handler asked, as every role, on one consultation where each request
// would succeed for someone allowed to make it. The matrix here is the one
// proto/README.md states (its permission tables); a handler added to the
// table without a line here fails EveryHandledKindIsInTheMatrix.

#include "consultation/request.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "consultation/permissions.h"
#include "consultation/sample_framework.h"
#include "consultation/testing/simulated_room.h"

namespace kenes::consultation {
namespace {

using kenes::v1::ClientMessage;
using kenes::v1::ErrorCode;
using kenes::v1::Role;
using testing::SimulatedRoom;

constexpr ErrorCode kOk = kenes::v1::ERROR_CODE_UNSPECIFIED;
constexpr ErrorCode kForbidden = kenes::v1::ERROR_CODE_FORBIDDEN;
constexpr ErrorCode kNotAllowed = kenes::v1::ERROR_CODE_STATUS_NOT_ALLOWED;
constexpr Role kRoles[] = {kenes::v1::ROLE_CHAIR, kenes::v1::ROLE_RESEARCHER, kenes::v1::ROLE_MEMBER,
                           kenes::v1::ROLE_OBSERVER};

// A figure of R.1 whose source is its reference ref-1.
kenes::v1::Figure evidence_figure() {
  kenes::v1::Figure f;
  f.set_label("Internet users");
  f.set_value("87.3%");
  f.set_year(2023);
  f.set_source_reference_id("ref-1");
  return f;
}

// A consultation where every request has something to act on: a draft of
// R.1, a member's thread with a suggestion on it and a comment, an open poll
// every role may vote in, a running meeting. Each role has a participant
// ("chair", "researcher", "member", "observer") who attends the meeting.
class RequestTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kenes::v1::LogRecord created;
    created.set_author("operator");
    auto* c = created.mutable_consultation_created();
    c->set_consultation_id("matrix");
    c->set_title("Matrix");
    *c->mutable_framework() = sample_framework();
    c->set_scope(kenes::v1::SCOPE_ALL);
    ASSERT_TRUE(room_.append(created)) << room_.error();
    for (Role r : kRoles) callers_[r] = room_.admit(std::string(role_name(r)), std::string(role_name(r)), r);
    const Caller& chair = callers_[kenes::v1::ROLE_CHAIR];

    kenes::v1::SubmitOp op;
    op.set_doc_id("indicator/R.1");
    op.set_client_id(chair.client_id);
    op.set_client_seq(1);
    op.mutable_op()->add_components()->set_insert("The constitution guarantees freedom of expression.");
    ASSERT_FALSE(room_.submit(chair, op));

    ClientMessage thread;
    auto* t = thread.mutable_create_thread();
    t->mutable_target()->set_indicator_id("R.1");
    t->mutable_target()->set_doc_id("indicator/R.1");
    t->mutable_target()->set_version(1);
    t->mutable_target()->mutable_range()->set_anchor(4);
    t->mutable_target()->mutable_range()->set_head(16);
    t->set_body("Say which constitution.");
    t->mutable_suggestion()->set_text("The 1995 Constitution");
    ok(callers_[kenes::v1::ROLE_MEMBER], thread);

    ClientMessage poll;
    auto* d = poll.mutable_create_poll()->mutable_definition();
    d->set_kind(kenes::v1::POLL_KIND_SINGLE_CHOICE);
    d->set_question("Which source?");
    d->add_options("ITU");
    d->add_options("Survey");
    for (Role r : kRoles) d->add_eligible_roles(r);
    ok(chair, poll);
    ClientMessage open;
    open.mutable_open_poll()->set_poll_id("poll-1");
    ok(chair, open);

    ClientMessage meeting;
    meeting.mutable_start_meeting()->set_title("Board");
    meeting.mutable_start_meeting()->add_agenda_indicator_ids("R.1");
    ok(chair, meeting);
    for (Role r : kRoles) {
      if (r == kenes::v1::ROLE_CHAIR) continue;  // attends the meeting she started
      ClientMessage join;
      join.mutable_join_meeting()->set_meeting_id("meeting-1");
      ok(callers_[r], join);
    }
    ClientMessage registration;
    auto* reg = registration.mutable_open_registration();
    reg->set_registration_id("workshop-1");
    reg->set_role(kenes::v1::ROLE_MEMBER);
    reg->set_expires_unix_ms(1'800'000'000'000 + 86'400'000);
    reg->set_cap(50);
    ok(chair, registration);
    ClientMessage session;
    auto* v = session.mutable_start_validation_session();
    v->add_items("R.1");
    v->add_items("R.2");
    v->add_items("recommendation/R/government");
    v->mutable_rules()->add_eligible_roles(kenes::v1::ROLE_MEMBER);
    v->set_statement("The assessment of {item} is accurate.");
    ok(chair, session);
    // Evidence on R.1 (issue 19): ref-1, the source of fig-1, and ref-2.
    for (const char* title : {"Freedom on the Net", "Digital Kazakhstan"}) {
      ClientMessage ref;
      ref.mutable_add_reference()->set_indicator_id("R.1");
      ref.mutable_add_reference()->mutable_reference()->add_authors("Freedom House");
      ref.mutable_add_reference()->mutable_reference()->set_title(title);
      ref.mutable_add_reference()->mutable_reference()->set_year(2024);
      ok(chair, ref);
    }
    ClientMessage fig;
    fig.mutable_add_figure()->set_indicator_id("R.1");
    *fig.mutable_add_figure()->mutable_figure() = evidence_figure();
    ok(chair, fig);
    room_.advance(1000);
  }

  void ok(const Caller& caller, const ClientMessage& msg) {
    Outcome out = room_.request(caller, msg);
    ASSERT_FALSE(out.refusal) << out.refusal->message;
  }

  SimulatedRoom room_{"matrix", 1'800'000'000'000};
  std::map<Role, Caller> callers_;
};

struct MatrixRow {
  std::string name;
  std::function<ClientMessage()> request;
  std::map<Role, ErrorCode> expected;  // chair, researcher, member, observer
};

ClientMessage status_to(kenes::v1::IndicatorStatus status) {
  ClientMessage m;
  m.mutable_set_indicator_status()->set_indicator_id("R.2");
  m.mutable_set_indicator_status()->set_status(status);
  return m;
}

std::map<Role, ErrorCode> by_role(ErrorCode chair, ErrorCode researcher, ErrorCode member, ErrorCode observer) {
  return {{kenes::v1::ROLE_CHAIR, chair},
          {kenes::v1::ROLE_RESEARCHER, researcher},
          {kenes::v1::ROLE_MEMBER, member},
          {kenes::v1::ROLE_OBSERVER, observer}};
}

// The matrix, one line per request (several for a request whose answer
// depends on its arguments). Where only the author may act (editing and
// deleting one's comment), the comment's author is the member.
std::vector<MatrixRow> matrix() {
  std::vector<MatrixRow> rows;
  auto add = [&](std::string name, std::function<ClientMessage()> req, std::map<Role, ErrorCode> expected) {
    rows.push_back({std::move(name), std::move(req), std::move(expected)});
  };
  const auto everyone = by_role(kOk, kOk, kOk, kOk);
  const auto chair_only = by_role(kOk, kForbidden, kForbidden, kForbidden);
  const auto drafters = by_role(kOk, kOk, kForbidden, kForbidden);
  const auto commenters = by_role(kOk, kOk, kOk, kForbidden);

  add("update_profile", [] {
    ClientMessage m;
    m.mutable_update_profile()->set_gender("f");
    return m;
  }, everyone);
  add("revoke_participant", [] {
    ClientMessage m;
    m.mutable_revoke_participant()->set_participant_id("observer");
    return m;
  }, chair_only);
  add("set_indicator_status drafting", [] { return status_to(kenes::v1::INDICATOR_STATUS_DRAFTING); },
      by_role(kOk, kOk, kNotAllowed, kNotAllowed));
  add("set_indicator_status in review", [] { return status_to(kenes::v1::INDICATOR_STATUS_IN_REVIEW); },
      by_role(kOk, kOk, kNotAllowed, kNotAllowed));
  add("set_indicator_status needs revision", [] { return status_to(kenes::v1::INDICATOR_STATUS_NEEDS_REVISION); },
      by_role(kOk, kOk, kNotAllowed, kNotAllowed));
  add("set_indicator_status validated", [] { return status_to(kenes::v1::INDICATOR_STATUS_VALIDATED); },
      by_role(kOk, kNotAllowed, kNotAllowed, kNotAllowed));
  add("set_indicator_assignees", [] {
    ClientMessage m;
    m.mutable_set_indicator_assignees()->set_indicator_id("R.1");
    m.mutable_set_indicator_assignees()->add_participant_ids("researcher");
    return m;
  }, chair_only);
  add("set_indicator_sources", [] {
    ClientMessage m;
    m.mutable_set_indicator_sources()->set_indicator_id("R.1");
    m.mutable_set_indicator_sources()->add_sources("ITU 2023");
    return m;
  }, drafters);
  add("add_reference", [] {
    ClientMessage m;
    m.mutable_add_reference()->set_indicator_id("R.1");
    auto* r = m.mutable_add_reference()->mutable_reference();
    r->add_authors("ITU");
    r->set_title("Measuring digital development");
    r->set_year(2023);
    r->set_link("https://www.itu.int/itu-d/reports/statistics/");
    return m;
  }, drafters);
  add("edit_reference", [] {
    ClientMessage m;
    m.mutable_edit_reference()->set_indicator_id("R.1");
    auto* r = m.mutable_edit_reference()->mutable_reference();
    r->set_reference_id("ref-1");
    r->add_authors("Freedom House");
    r->set_title("Freedom on the Net 2024");
    r->set_year(2024);
    return m;
  }, drafters);
  add("remove_reference", [] {
    ClientMessage m;
    m.mutable_remove_reference()->set_indicator_id("R.1");
    m.mutable_remove_reference()->set_reference_id("ref-2");
    return m;
  }, drafters);
  add("add_figure", [] {
    ClientMessage m;
    m.mutable_add_figure()->set_indicator_id("R.1");
    *m.mutable_add_figure()->mutable_figure() = evidence_figure();
    return m;
  }, drafters);
  add("edit_figure", [] {
    ClientMessage m;
    m.mutable_edit_figure()->set_indicator_id("R.1");
    auto* f = m.mutable_edit_figure()->mutable_figure();
    *f = evidence_figure();
    f->set_figure_id("fig-1");
    f->set_value("88%");
    return m;
  }, drafters);
  add("remove_figure", [] {
    ClientMessage m;
    m.mutable_remove_figure()->set_indicator_id("R.1");
    m.mutable_remove_figure()->set_figure_id("fig-1");
    return m;
  }, drafters);
  add("set_indicator_score", [] {
    ClientMessage m;
    m.mutable_set_indicator_score()->set_indicator_id("R.1");
    m.mutable_set_indicator_score()->set_score(70);
    return m;
  }, drafters);
  add("set_indicator_due_date", [] {
    ClientMessage m;
    m.mutable_set_indicator_due_date()->set_indicator_id("R.1");
    m.mutable_set_indicator_due_date()->set_due_date("2027-03-12");
    return m;
  }, chair_only);
  add("set_scope", [] {
    ClientMessage m;
    m.mutable_set_scope()->set_scope(kenes::v1::SCOPE_CORE);
    return m;
  }, chair_only);
  add("create_poll", [] {
    ClientMessage m;
    auto* d = m.mutable_create_poll()->mutable_definition();
    d->set_kind(kenes::v1::POLL_KIND_AGREEMENT);
    d->set_question("The draft is accurate");
    d->add_eligible_roles(kenes::v1::ROLE_MEMBER);
    return m;
  }, chair_only);
  add("open_poll (already open)", [] {
    ClientMessage m;
    m.mutable_open_poll()->set_poll_id("poll-1");
    return m;
  }, by_role(kenes::v1::ERROR_CODE_POLL_NOT_OPEN, kForbidden, kForbidden, kForbidden));
  add("cast_vote", [] {
    ClientMessage m;
    m.mutable_cast_vote()->set_poll_id("poll-1");
    m.mutable_cast_vote()->add_choices(1);
    return m;
  }, everyone);
  add("close_poll", [] {
    ClientMessage m;
    m.mutable_close_poll()->set_poll_id("poll-1");
    return m;
  }, chair_only);
  add("start_meeting (one runs)", [] {
    ClientMessage m;
    m.mutable_start_meeting()->set_title("Second");
    return m;
  }, by_role(kenes::v1::ERROR_CODE_MEETING_STATE, kForbidden, kForbidden, kForbidden));
  add("end_meeting", [] {
    ClientMessage m;
    m.mutable_end_meeting()->set_meeting_id("meeting-1");
    return m;
  }, chair_only);
  add("set_spotlight", [] {
    ClientMessage m;
    m.mutable_set_spotlight()->set_meeting_id("meeting-1");
    m.mutable_set_spotlight()->set_indicator_id("R.1");
    return m;
  }, chair_only);
  add("join_meeting (attending)", [] {
    ClientMessage m;
    m.mutable_join_meeting()->set_meeting_id("meeting-1");
    return m;
  }, by_role(kenes::v1::ERROR_CODE_MEETING_STATE, kenes::v1::ERROR_CODE_MEETING_STATE,
             kenes::v1::ERROR_CODE_MEETING_STATE, kenes::v1::ERROR_CODE_MEETING_STATE));
  add("leave_meeting", [] {
    ClientMessage m;
    m.mutable_leave_meeting()->set_meeting_id("meeting-1");
    return m;
  }, everyone);
  add("get_roster_balance", [] {
    ClientMessage m;
    m.mutable_get_roster_balance();
    return m;
  }, chair_only);
  add("create_thread", [] {
    ClientMessage m;
    m.mutable_create_thread()->mutable_target()->set_indicator_id("R.2");
    m.mutable_create_thread()->set_body("Where is the data?");
    return m;
  }, commenters);
  add("add_comment", [] {
    ClientMessage m;
    m.mutable_add_comment()->set_thread_id("thread-1");
    m.mutable_add_comment()->set_body("Agreed.");
    return m;
  }, commenters);
  add("edit_comment (the member's)", [] {
    ClientMessage m;
    m.mutable_edit_comment()->set_thread_id("thread-1");
    m.mutable_edit_comment()->set_comment_id("comment-1");
    m.mutable_edit_comment()->set_body("Say which constitution, please.");
    return m;
  }, by_role(kForbidden, kForbidden, kOk, kForbidden));
  add("delete_comment (the member's)", [] {
    ClientMessage m;
    m.mutable_delete_comment()->set_thread_id("thread-1");
    m.mutable_delete_comment()->set_comment_id("comment-1");
    return m;
  }, by_role(kForbidden, kForbidden, kOk, kForbidden));
  add("hide_comment", [] {
    ClientMessage m;
    m.mutable_hide_comment()->set_thread_id("thread-1");
    m.mutable_hide_comment()->set_comment_id("comment-1");
    m.mutable_hide_comment()->set_reason("off topic");
    return m;
  }, chair_only);
  add("resolve_thread (the member's)", [] {
    ClientMessage m;
    m.mutable_resolve_thread()->set_thread_id("thread-1");
    m.mutable_resolve_thread()->set_resolved(true);
    return m;
  }, by_role(kOk, kOk, kOk, kForbidden));
  add("reattach_thread (attached)", [] {
    ClientMessage m;
    m.mutable_reattach_thread()->set_thread_id("thread-1");
    m.mutable_reattach_thread()->set_version(1);
    m.mutable_reattach_thread()->mutable_range()->set_anchor(0);
    m.mutable_reattach_thread()->mutable_range()->set_head(3);
    return m;
  }, by_role(kenes::v1::ERROR_CODE_THREAD_STATE, kenes::v1::ERROR_CODE_THREAD_STATE,
             kenes::v1::ERROR_CODE_THREAD_STATE, kForbidden));
  add("set_reaction", [] {
    ClientMessage m;
    m.mutable_set_reaction()->set_thread_id("thread-1");
    m.mutable_set_reaction()->set_comment_id("comment-1");
    m.mutable_set_reaction()->set_reaction(kenes::v1::REACTION_PLUS_ONE);
    m.mutable_set_reaction()->set_on(true);
    return m;
  }, commenters);
  add("accept_suggestion", [] {
    ClientMessage m;
    m.mutable_accept_suggestion()->set_thread_id("thread-1");
    return m;
  }, drafters);
  add("reject_suggestion", [] {
    ClientMessage m;
    m.mutable_reject_suggestion()->set_thread_id("thread-1");
    return m;
  }, drafters);
  add("set_observer_commenting", [] {
    ClientMessage m;
    m.mutable_set_observer_commenting()->set_enabled(true);
    return m;
  }, chair_only);
  add("mark_threads_read", [] {
    ClientMessage m;
    m.mutable_mark_threads_read()->add_thread_ids("thread-1");
    m.mutable_mark_threads_read()->set_up_to_seq(3);
    return m;
  }, everyone);
  add("record_visit", [] {
    ClientMessage m;
    m.mutable_record_visit()->set_seen_seq(3);
    return m;
  }, everyone);
  add("set_notification_settings", [] {
    ClientMessage m;
    m.mutable_set_notification_settings()->set_email("someone@example.org");
    m.mutable_set_notification_settings()->set_period(kenes::v1::DIGEST_PERIOD_DAILY);
    return m;
  }, everyone);
  add("start_validation_session (one runs)", [] {
    ClientMessage m;
    m.mutable_start_validation_session()->add_items("R.2");
    m.mutable_start_validation_session()->mutable_rules()->add_eligible_roles(kenes::v1::ROLE_MEMBER);
    m.mutable_start_validation_session()->set_statement("{item} is right.");
    return m;
  }, by_role(kenes::v1::ERROR_CODE_MEETING_STATE, kForbidden, kForbidden, kForbidden));
  add("next_validation_item", [] {
    ClientMessage m;
    m.mutable_next_validation_item()->set_session_id("session-1");
    return m;
  }, chair_only);
  add("skip_validation_item", [] {
    ClientMessage m;
    m.mutable_skip_validation_item()->set_session_id("session-1");
    m.mutable_skip_validation_item()->set_item("R.2");
    return m;
  }, chair_only);
  add("end_validation_session", [] {
    ClientMessage m;
    m.mutable_end_validation_session()->set_session_id("session-1");
    return m;
  }, chair_only);
  add("mark_attendance", [] {
    ClientMessage m;
    m.mutable_mark_attendance()->set_meeting_id("meeting-1");
    m.mutable_mark_attendance()->set_participant_id("observer");
    m.mutable_mark_attendance()->set_mark(kenes::v1::ATTENDANCE_MARK_EXCUSED);
    return m;
  }, chair_only);
  add("invite_participant", [] {
    ClientMessage m;
    auto* i = m.mutable_invite_participant();
    i->set_participant_id("invitee-1");
    i->set_display_name("Dana Abenova");
    i->set_role(kenes::v1::ROLE_MEMBER);
    i->set_stakeholder_group(kenes::v1::STAKEHOLDER_GROUP_MEDIA);
    return m;
  }, chair_only);
  add("import_participants", [] {
    ClientMessage m;
    m.mutable_import_participants()->set_csv("name,role,group\nErlan Nurov,member,academia\n");
    m.mutable_import_participants()->set_id_prefix("import-1");
    return m;
  }, chair_only);
  add("get_invite_links", [] {
    ClientMessage m;
    m.mutable_get_invite_links()->add_participant_ids("member");
    m.mutable_get_invite_links()->set_registration_id("workshop-1");
    return m;
  }, chair_only);
  add("reissue_invite_link", [] {
    ClientMessage m;
    m.mutable_reissue_invite_link()->set_participant_id("observer");
    return m;
  }, chair_only);
  add("open_registration", [] {
    ClientMessage m;
    auto* r = m.mutable_open_registration();
    r->set_registration_id("workshop-2");
    r->set_role(kenes::v1::ROLE_OBSERVER);
    r->set_expires_unix_ms(1'800'000'000'000 + 86'400'000);
    r->set_cap(10);
    return m;
  }, chair_only);
  add("close_registration", [] {
    ClientMessage m;
    m.mutable_close_registration()->set_registration_id("workshop-1");
    return m;
  }, chair_only);
  add("email_invite_link", [] {
    ClientMessage m;
    m.mutable_email_invite_link()->set_participant_id("member");
    m.mutable_email_invite_link()->set_email("member@example.org");
    return m;
  }, chair_only);
  add("set_board_settings", [] {
    ClientMessage m;
    m.mutable_set_board_settings()->set_chair_is_board_member(true);
    return m;
  }, chair_only);
  return rows;
}

TEST_F(RequestTableTest, EveryRequestIsAllowedOrRefusedByRoleAsTheMatrixSays) {
  const RequestContext ctx = room_.context();
  for (const auto& row : matrix()) {
    const ClientMessage msg = row.request();
    for (Role role : kRoles) {
      // The same state for every role: a handler only decides, it changes nothing.
      const Outcome out = handle_request(ctx, callers_.at(role), msg);
      const ErrorCode got = out.refusal ? out.refusal->code : kOk;
      EXPECT_EQ(got, row.expected.at(role))
          << row.name << " as " << role_name(role) << ": " << kenes::v1::ErrorCode_Name(got)
          << (out.refusal ? " " + out.refusal->message : std::string());
      if (got == kOk) {
        EXPECT_TRUE(out.record || out.answer) << row.name << " as " << role_name(role);
      }
    }
  }
}

TEST_F(RequestTableTest, AllowedRequestsBecomeRecordsThatFold) {
  // Each allowed request, made for real one after another by the first role
  // allowed, appends a record the state folds (a handler that builds a
  // record its fold refuses would fail here).
  for (const auto& row : matrix()) {
    for (Role role : kRoles) {
      if (row.expected.at(role) != kOk) continue;
      const Outcome out = room_.request(callers_.at(role), row.request());
      if (out.refusal) {
        // Made earlier in the walk (a poll closed, a meeting ended): only a
        // state refusal, never a permission one, and never a fold failure.
        EXPECT_NE(out.refusal->code, kForbidden) << row.name;
        EXPECT_NE(out.refusal->code, kenes::v1::ERROR_CODE_INTERNAL) << row.name << ": " << out.refusal->message;
      }
      break;
    }
  }
  EXPECT_EQ(room_.error(), "");
}

TEST_F(RequestTableTest, EveryHandledKindIsInTheMatrix) {
  std::set<std::string> named;
  for (const auto& row : matrix()) {
    const ClientMessage msg = row.request();
    named.insert(std::string(find_request(msg.kind_case())->name));
  }
  for (const RequestKind& kind : request_table()) {
    if (kind.handler) {
      EXPECT_TRUE(named.count(std::string(kind.name))) << kind.name << " has no line in the matrix";
    }
  }
}

TEST(RequestTable, RowsAreInFieldOrderAndEachIsFound) {
  int previous = 0;
  for (const RequestKind& kind : request_table()) {
    EXPECT_LT(previous, static_cast<int>(kind.kind)) << kind.name;
    previous = static_cast<int>(kind.kind);
    EXPECT_EQ(find_request(kind.kind), &kind) << kind.name;
    const bool has_handler = kind.door == Door::kChange || kind.door == Door::kRead;
    EXPECT_EQ(kind.handler != nullptr, has_handler) << kind.name;
  }
  EXPECT_EQ(find_request(ClientMessage::KIND_NOT_SET), nullptr);
}

TEST(RequestTable, EveryKindOfTheProtocolHasARow) {
  const auto* oneof = ClientMessage::descriptor()->FindOneofByName("kind");
  ASSERT_NE(oneof, nullptr);
  for (int i = 0; i < oneof->field_count(); ++i) {
    const auto kind = static_cast<ClientMessage::KindCase>(oneof->field(i)->number());
    EXPECT_NE(find_request(kind), nullptr) << oneof->field(i)->name() << " is not in the request table";
  }
}

TEST(RequestTable, AKindWithoutAHandlerIsAnUnknownMessage) {
  SimulatedRoom room("x", 0);
  ClientMessage hello;
  hello.mutable_hello();
  const Outcome out = handle_request(room.context(), Caller{"p", kenes::v1::ROLE_CHAIR, "c"}, hello);
  ASSERT_TRUE(out.refusal);
  EXPECT_EQ(out.refusal->code, kenes::v1::ERROR_CODE_UNKNOWN_MESSAGE);
}

}  // namespace
}  // namespace kenes::consultation
