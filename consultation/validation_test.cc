// Validation sessions (issue 18), without a socket: the chair picks a queue
// and the rules once; each "next" opens the next undecided item's poll with
// the standard statement (and spotlights it in a running meeting); closing
// decides it — an indicator is validated at the draft version put to the
// vote; skipped items come back after the rest; progress is counted from the
// log; a snapshot keeps it all.

#include <gtest/gtest.h>

#include <map>

#include "consultation/client_state.h"
#include "consultation/testing/simulated_room.h"

namespace kenes::consultation {
namespace {

using kenes::v1::ClientMessage;
using testing::SimulatedRoom;

class ValidationSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(room_.append(testing::sample_consultation_created("validation", "Validation"))) << room_.error();
    chair_ = room_.admit("chair", "Chair", kenes::v1::ROLE_CHAIR);
    for (const char* id : {"ainur", "bolat", "saule"}) members_.push_back(room_.admit(id, id, kenes::v1::ROLE_MEMBER));
    kenes::v1::SubmitOp op;
    op.set_doc_id("indicator/R.1");
    op.set_client_id(chair_.client_id);
    op.set_client_seq(1);
    op.mutable_op()->add_components()->set_insert("The constitution guarantees it.");
    ASSERT_FALSE(room_.submit(chair_, op));
  }

  Outcome as_chair(const ClientMessage& m) { return room_.request(chair_, m); }

  Outcome start(std::vector<std::string> items, bool anonymous = true) {
    ClientMessage m;
    auto* s = m.mutable_start_validation_session();
    for (auto& i : items) s->add_items(i);
    s->mutable_rules()->add_eligible_roles(kenes::v1::ROLE_MEMBER);
    s->mutable_rules()->set_anonymous(anonymous);
    s->mutable_rules()->mutable_threshold()->set_num(2);
    s->mutable_rules()->mutable_threshold()->set_den(3);
    s->set_statement("The assessment of {item} is accurate and complete.");
    return as_chair(m);
  }

  Outcome next(const std::string& item = {}) {
    ClientMessage m;
    m.mutable_next_validation_item()->set_session_id("session-1");
    m.mutable_next_validation_item()->set_item(item);
    return as_chair(m);
  }

  Outcome skip(const std::string& item) {
    ClientMessage m;
    m.mutable_skip_validation_item()->set_session_id("session-1");
    m.mutable_skip_validation_item()->set_item(item);
    return as_chair(m);
  }

  void vote_and_close(std::string poll, std::vector<uint32_t> choices) {  // a copy: the argument is often room_.last()'s
    for (size_t i = 0; i < choices.size(); ++i) {
      ClientMessage v;
      v.mutable_cast_vote()->set_poll_id(poll);
      v.mutable_cast_vote()->add_choices(choices[i]);
      ASSERT_FALSE(room_.request(members_[i], v).refusal);
    }
    ClientMessage close;
    close.mutable_close_poll()->set_poll_id(poll);
    ASSERT_FALSE(as_chair(close).refusal);
  }

  const ValidationSessionState& session() { return room_.state().assessment().validation_sessions().back(); }
  ItemStatus status(const std::string& item) { return room_.state().assessment().item_status(session(), item); }

  SimulatedRoom room_{"validation", 1'800'000'000'000};
  Caller chair_;
  std::vector<Caller> members_;
};

TEST_F(ValidationSessionTest, NextOpensEachItemsPollWithTheSessionsRulesAndStatement) {
  ClientMessage meeting;
  meeting.mutable_start_meeting()->set_title("Workshop");
  ASSERT_FALSE(as_chair(meeting).refusal);
  ASSERT_FALSE(start({"R.1", "R.2", "recommendation/R/civil-society"}).refusal);
  EXPECT_EQ(session().id, "session-1");
  EXPECT_TRUE(session().running());

  Outcome first = next();
  ASSERT_FALSE(first.refusal) << first.refusal->message;
  const auto& opened = room_.last().validation_item_opened();
  EXPECT_EQ(opened.item(), "R.1");
  const PollState* poll = room_.state().assessment().poll(opened.poll_id());
  ASSERT_NE(poll, nullptr);
  EXPECT_TRUE(poll->opened) << "created and opened by one record";
  EXPECT_EQ(poll->definition.kind(), kenes::v1::POLL_KIND_AGREEMENT);
  EXPECT_TRUE(poll->definition.anonymous());
  EXPECT_EQ(poll->definition.threshold().num(), 2u);
  EXPECT_EQ(poll->definition.target_indicator_id(), "R.1");
  EXPECT_EQ(poll->definition.target_version(), 1u) << "the draft's version when it was put to the vote";
  EXPECT_NE(poll->definition.question().find("The assessment of R.1 Legal framework"), std::string::npos)
      << poll->definition.question();
  EXPECT_EQ(poll->validation_item, "R.1");
  EXPECT_EQ(room_.state().assessment().running_meeting()->spotlight, "R.1") << "on screen in the meeting";
  EXPECT_EQ(status("R.1"), ItemStatus::kVoting);

  // Next while a vote is open: closing it first shows everyone the outcome.
  Outcome early = next();
  ASSERT_TRUE(early.refusal);
  EXPECT_NE(early.refusal->message.find("close it first"), std::string::npos);

  vote_and_close(opened.poll_id(), {0, 0, 2});
  EXPECT_EQ(status("R.1"), ItemStatus::kPassed);
  EXPECT_EQ(room_.state().assessment().indicator("R.1")->status, kenes::v1::INDICATOR_STATUS_VALIDATED);

  ASSERT_FALSE(skip("R.2").refusal);
  EXPECT_EQ(status("R.2"), ItemStatus::kSkipped);
  ASSERT_FALSE(next().refusal);
  const auto& rec = room_.last().validation_item_opened();
  EXPECT_EQ(rec.item(), "recommendation/R/civil-society") << "the skipped item waits until the rest are decided";
  const PollState* rpoll = room_.state().assessment().poll(rec.poll_id());
  EXPECT_EQ(rpoll->definition.target_indicator_id(), "") << "a recommendation validates no indicator";
  EXPECT_NE(rpoll->definition.question().find("the recommendations of Rights to civil society"), std::string::npos)
      << rpoll->definition.question();
  vote_and_close(rec.poll_id(), {2, 2, 0});
  EXPECT_EQ(status("recommendation/R/civil-society"), ItemStatus::kNotPassed);

  ASSERT_FALSE(next().refusal);
  EXPECT_EQ(room_.last().validation_item_opened().item(), "R.2") << "then the skipped one comes back";
  vote_and_close(room_.last().validation_item_opened().poll_id(), {0, 0, 0});
  Outcome done = next();
  ASSERT_TRUE(done.refusal);
  EXPECT_NE(done.refusal->message.find("every item"), std::string::npos);

  // An item decided may be put to the vote again by name.
  ASSERT_FALSE(next("recommendation/R/civil-society").refusal);
  EXPECT_EQ(status("recommendation/R/civil-society"), ItemStatus::kVoting);
  vote_and_close(room_.last().validation_item_opened().poll_id(), {0, 0, 0});
  EXPECT_EQ(status("recommendation/R/civil-society"), ItemStatus::kPassed);

  ClientMessage end;
  end.mutable_end_validation_session()->set_session_id("session-1");
  ASSERT_FALSE(as_chair(end).refusal);
  EXPECT_FALSE(session().running());
  EXPECT_TRUE(next().refusal) << "an ended session opens nothing";
  EXPECT_EQ(room_.error(), "");
}

TEST_F(ValidationSessionTest, AQueueAndRulesThatCannotStandAreRefusedWithWhy) {
  EXPECT_EQ(start({}).refusal->code, kenes::v1::ERROR_CODE_INVALID_ARGUMENT);
  EXPECT_EQ(start({"R.99"}).refusal->code, kenes::v1::ERROR_CODE_NOT_FOUND);
  EXPECT_EQ(start({"recommendation/Q/government"}).refusal->code, kenes::v1::ERROR_CODE_NOT_FOUND) << "no category Q";
  EXPECT_EQ(start({"R.1", "R.1"}).refusal->code, kenes::v1::ERROR_CODE_INVALID_ARGUMENT);
  ClientMessage no_roles;
  no_roles.mutable_start_validation_session()->add_items("R.1");
  no_roles.mutable_start_validation_session()->set_statement("{item}");
  EXPECT_EQ(as_chair(no_roles).refusal->code, kenes::v1::ERROR_CODE_INVALID_POLL) << "nobody could vote";
  ASSERT_FALSE(start({"R.1"}).refusal);
  EXPECT_EQ(start({"R.2"}).refusal->code, kenes::v1::ERROR_CODE_MEETING_STATE) << "one session at a time";
  ClientMessage as_member;
  as_member.mutable_next_validation_item()->set_session_id("session-1");
  EXPECT_EQ(room_.request(members_[0], as_member).refusal->code, kenes::v1::ERROR_CODE_FORBIDDEN);
  EXPECT_EQ(next("R.2").refusal->code, kenes::v1::ERROR_CODE_NOT_FOUND) << "not in the queue";
}

TEST_F(ValidationSessionTest, AJoinersStateAndASnapshotCarryTheSession) {
  ASSERT_FALSE(start({"R.1", "R.2"}).refusal);
  ASSERT_FALSE(next().refusal);
  const std::string poll = room_.last().validation_item_opened().poll_id();
  ASSERT_FALSE(skip("R.2").refusal);

  kenes::v1::ClientState cs = client_state(room_.state());
  ASSERT_EQ(cs.validation_sessions_size(), 1);
  EXPECT_EQ(cs.validation_sessions(0).started().items_size(), 2);
  EXPECT_TRUE(cs.validation_sessions(0).running());
  EXPECT_EQ(cs.validation_sessions(0).current_item(), "R.1");
  ASSERT_EQ(cs.validation_sessions(0).skipped_size(), 1);
  bool found = false;
  for (const auto& p : cs.polls()) {
    if (p.poll_id() == poll) {
      found = true;
      EXPECT_EQ(p.validation_session_id(), "session-1");
      EXPECT_EQ(p.validation_item(), "R.1");
    }
  }
  EXPECT_TRUE(found);

  // The incremental encoder agrees with the state it encodes.
  ClientStateEncoder encoder;
  kenes::v1::ClientState decoded;
  ASSERT_TRUE(decoded.ParseFromString(encoder.encode(room_.state())));
  EXPECT_EQ(decoded.validation_sessions_size(), 1);
  EXPECT_EQ(decoded.validation_sessions(0).SerializeAsString(), cs.validation_sessions(0).SerializeAsString());

  ConsultationState loaded("validation");
  for (auto& snap : room_.mutable_state().snapshots(false)) ASSERT_TRUE(loaded.load_snapshot(snap.name, snap.bytes).ok());
  ASSERT_TRUE(loaded.finish_loading_snapshots().ok());
  const ValidationSessionState* v = loaded.assessment().running_validation_session();
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(loaded.assessment().item_status(*v, "R.1"), ItemStatus::kVoting);
  EXPECT_EQ(loaded.assessment().item_status(*v, "R.2"), ItemStatus::kSkipped);
}

TEST_F(ValidationSessionTest, TheChairMarksPeoplePresentOrExcusedForTheMinutes) {
  ClientMessage meeting;
  meeting.mutable_start_meeting()->set_title("Board");
  ASSERT_FALSE(as_chair(meeting).refusal);
  auto mark = [&](const std::string& who, kenes::v1::AttendanceMark m) {
    ClientMessage msg;
    msg.mutable_mark_attendance()->set_meeting_id("meeting-1");
    msg.mutable_mark_attendance()->set_participant_id(who);
    msg.mutable_mark_attendance()->set_mark(m);
    return as_chair(msg);
  };
  ASSERT_FALSE(mark("ainur", kenes::v1::ATTENDANCE_MARK_EXCUSED).refusal);
  ASSERT_FALSE(mark("bolat", kenes::v1::ATTENDANCE_MARK_PRESENT).refusal);
  ASSERT_FALSE(mark("bolat", kenes::v1::ATTENDANCE_MARK_NONE).refusal);
  ClientMessage end;
  end.mutable_end_meeting()->set_meeting_id("meeting-1");
  ASSERT_FALSE(as_chair(end).refusal);
  ASSERT_FALSE(mark("saule", kenes::v1::ATTENDANCE_MARK_PRESENT).refusal) << "after the meeting, for its minutes";
  const MeetingState* m = room_.state().assessment().meeting("meeting-1");
  EXPECT_EQ(m->marks, (std::map<std::string, kenes::v1::AttendanceMark>{{"ainur", kenes::v1::ATTENDANCE_MARK_EXCUSED},
                                                                         {"saule", kenes::v1::ATTENDANCE_MARK_PRESENT}}));
  EXPECT_EQ(mark("nobody", kenes::v1::ATTENDANCE_MARK_PRESENT).refusal->code, kenes::v1::ERROR_CODE_NOT_FOUND);
  ClientMessage as_member;
  as_member.mutable_mark_attendance()->set_meeting_id("meeting-1");
  as_member.mutable_mark_attendance()->set_participant_id("ainur");
  EXPECT_EQ(room_.request(members_[1], as_member).refusal->code, kenes::v1::ERROR_CODE_FORBIDDEN);
  EXPECT_EQ(client_state(room_.state()).meetings(0).marks().size(), 2u);
}

}  // namespace
}  // namespace kenes::consultation
