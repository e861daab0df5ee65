// Issue 20's rules that live in the consultation layer: who receives an open
// poll's results (withhold_results: a voter only after voting, unless the
// chair chose live results), and indicator due dates (who may set them, what
// a date is, that they fold and reach the client state). The room's use of
// withhold_results is tested against a real server in
// tests/server/assessment_test.cc.

#include <gtest/gtest.h>

#include "consultation/client_state.h"
#include "consultation/testing/simulated_room.h"

namespace kenes::consultation {
namespace {

using kenes::v1::ClientMessage;
using testing::SimulatedRoom;

class BoardScreensTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(room_.append(testing::sample_consultation_created("screens", "Screens"))) << room_.error();
    chair_ = room_.admit("chair", "Chair", kenes::v1::ROLE_CHAIR);
    researcher_ = room_.admit("rita", "Rita", kenes::v1::ROLE_RESEARCHER);
    observer_ = room_.admit("olga", "Olga", kenes::v1::ROLE_OBSERVER);
    for (const char* id : {"ainur", "bolat"}) members_.push_back(room_.admit(id, id, kenes::v1::ROLE_MEMBER));
  }

  std::string open_poll(bool live, bool hidden = false) {
    ClientMessage create;
    auto* d = create.mutable_create_poll()->mutable_definition();
    d->set_kind(kenes::v1::POLL_KIND_SINGLE_CHOICE);
    d->set_question("Which source first?");
    d->add_options("ITU");
    d->add_options("Survey");
    d->set_live_results(live);
    d->set_results_hidden_until_closed(hidden);
    d->add_eligible_roles(kenes::v1::ROLE_MEMBER);
    EXPECT_FALSE(room_.request(chair_, create).refusal);
    const std::string id = room_.last().poll_created().poll_id();
    ClientMessage open;
    open.mutable_open_poll()->set_poll_id(id);
    EXPECT_FALSE(room_.request(chair_, open).refusal);
    return id;
  }

  void vote(const Caller& who, const std::string& poll, uint32_t choice) {
    ClientMessage m;
    m.mutable_cast_vote()->set_poll_id(poll);
    m.mutable_cast_vote()->add_choices(choice);
    ASSERT_FALSE(room_.request(who, m).refusal);
  }

  // Whether `who` would receive the poll's update without its results now.
  bool withheld_from(const Caller& who, const std::string& poll) {
    const PollState& p = *room_.state().assessment().poll(poll);
    return withhold_results(p, poll_update(p, 2, room_.now()), who.participant_id, who.role);
  }

  std::optional<Refusal> set_due(const Caller& who, const std::string& indicator, const std::string& date) {
    ClientMessage m;
    m.mutable_set_indicator_due_date()->set_indicator_id(indicator);
    m.mutable_set_indicator_due_date()->set_due_date(date);
    return room_.request(who, m).refusal;
  }

  SimulatedRoom room_{"screens", 1'800'000'000'000};
  Caller chair_, researcher_, observer_;
  std::vector<Caller> members_;
};

TEST_F(BoardScreensTest, AVoterGetsAnOpenPollsResultsOnlyOnceTheirBallotCounts) {
  const std::string poll = open_poll(/*live=*/false);
  vote(members_[0], poll, 1);
  EXPECT_FALSE(withheld_from(members_[0], poll)) << "the voter who voted";
  EXPECT_TRUE(withheld_from(members_[1], poll)) << "a member who has not voted yet";
  // Who may not vote cannot be swayed: the chair (not eligible here), an
  // observer, a researcher.
  EXPECT_FALSE(withheld_from(chair_, poll));
  EXPECT_FALSE(withheld_from(observer_, poll));
  EXPECT_FALSE(withheld_from(researcher_, poll));
  vote(members_[1], poll, 0);
  EXPECT_FALSE(withheld_from(members_[1], poll));
  // A third member, invited late, still waits; at the close, nobody does.
  const Caller late = room_.admit("saule", "Saule", kenes::v1::ROLE_MEMBER);
  EXPECT_TRUE(withheld_from(late, poll));
  ClientMessage close;
  close.mutable_close_poll()->set_poll_id(poll);
  ASSERT_FALSE(room_.request(chair_, close).refusal);
  EXPECT_FALSE(withheld_from(late, poll));
}

TEST_F(BoardScreensTest, LiveResultsGoToEveryoneAndHiddenResultsToNobodyBeforeTheClose) {
  const std::string live = open_poll(/*live=*/true);
  vote(members_[0], live, 1);
  EXPECT_FALSE(withheld_from(members_[1], live));
  // Hidden until closed: the update carries no results at all, so there is
  // nothing to withhold from anyone.
  const std::string hidden = open_poll(/*live=*/false, /*hidden=*/true);
  vote(members_[0], hidden, 1);
  const PollState& p = *room_.state().assessment().poll(hidden);
  EXPECT_FALSE(poll_update(p, 2, room_.now()).has_results());
  EXPECT_FALSE(withheld_from(members_[1], hidden));
  // The two settings exclude each other.
  ClientMessage both;
  auto* d = both.mutable_create_poll()->mutable_definition();
  d->set_kind(kenes::v1::POLL_KIND_AGREEMENT);
  d->set_question("Accurate?");
  d->set_live_results(true);
  d->set_results_hidden_until_closed(true);
  d->add_eligible_roles(kenes::v1::ROLE_MEMBER);
  auto refusal = room_.request(chair_, both).refusal;
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->code, kenes::v1::ERROR_CODE_INVALID_POLL);
  EXPECT_NE(refusal->message.find("live"), std::string::npos) << refusal->message;
}

TEST_F(BoardScreensTest, TheChairSetsAndClearsADueDateThatIsARealDay) {
  EXPECT_FALSE(set_due(chair_, "R.1", "2027-03-12"));
  EXPECT_EQ(room_.state().assessment().indicator("R.1")->due_date, "2027-03-12");
  EXPECT_FALSE(set_due(chair_, "R.1", "2028-02-29")) << "a leap day";
  for (const char* bad : {"2027-02-29", "2027-13-01", "2027-04-31", "12.03.2027", "2027-3-12", "1999-12-31",
                          "2200-01-01", "2027-03-12T00:00", "２０２７-03-12"}) {
    auto r = set_due(chair_, "R.1", bad);
    ASSERT_TRUE(r) << bad;
    EXPECT_EQ(r->code, kenes::v1::ERROR_CODE_INVALID_ARGUMENT) << bad;
  }
  auto same = set_due(chair_, "R.1", "2028-02-29");
  ASSERT_TRUE(same);
  EXPECT_EQ(same->code, kenes::v1::ERROR_CODE_INVALID_ARGUMENT);
  auto nowhere = set_due(chair_, "Z.99", "2027-03-12");
  ASSERT_TRUE(nowhere);
  EXPECT_EQ(nowhere->code, kenes::v1::ERROR_CODE_NOT_FOUND);
  for (const Caller& who : {researcher_, members_[0], observer_}) {
    auto r = set_due(who, "R.1", "2027-05-01");
    ASSERT_TRUE(r) << who.participant_id;
    EXPECT_EQ(r->code, kenes::v1::ERROR_CODE_FORBIDDEN);
  }
  // The client state carries it; clearing empties it.
  const kenes::v1::ClientState cs = client_state(room_.state());
  bool found = false;
  for (const auto& i : cs.indicators()) {
    if (i.indicator_id() == "R.1") found = i.due_date() == "2028-02-29";
  }
  EXPECT_TRUE(found);
  EXPECT_FALSE(set_due(chair_, "R.1", ""));
  EXPECT_EQ(room_.state().assessment().indicator("R.1")->due_date, "");
  auto again = set_due(chair_, "R.1", "");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->code, kenes::v1::ERROR_CODE_INVALID_ARGUMENT);
}

// A page that joins later words history as days and meetings ("validated on
// 12 March at the workshop"): the join state carries the times of the
// status, the poll's creation and close, and the meeting's start and end.
TEST_F(BoardScreensTest, TheJoinStateCarriesTheTimesHistoryIsToldIn) {
  const int64_t t0 = room_.now();
  ClientMessage start;
  start.mutable_start_meeting()->set_title("Spring workshop");
  start.mutable_start_meeting()->add_agenda_indicator_ids("R.1");
  ASSERT_FALSE(room_.request(chair_, start).refusal);
  room_.advance(60'000);
  ClientMessage create;
  auto* d = create.mutable_create_poll()->mutable_definition();
  d->set_kind(kenes::v1::POLL_KIND_AGREEMENT);
  d->set_question("The draft of R.1 is accurate");
  d->add_eligible_roles(kenes::v1::ROLE_MEMBER);
  d->set_target_indicator_id("R.1");
  ASSERT_FALSE(room_.request(chair_, create).refusal);
  const std::string poll = room_.last().poll_created().poll_id();
  ClientMessage open;
  open.mutable_open_poll()->set_poll_id(poll);
  ASSERT_FALSE(room_.request(chair_, open).refusal);
  for (const Caller& m : members_) {
    ClientMessage v;
    v.mutable_cast_vote()->set_poll_id(poll);
    v.mutable_cast_vote()->add_choices(0);
    ASSERT_FALSE(room_.request(m, v).refusal);
  }
  room_.advance(120'000);
  ClientMessage close;
  close.mutable_close_poll()->set_poll_id(poll);
  ASSERT_FALSE(room_.request(chair_, close).refusal);
  const uint64_t closed_seq = room_.last().seq();
  room_.advance(600'000);
  ClientMessage end;
  end.mutable_end_meeting()->set_meeting_id("meeting-1");
  ASSERT_FALSE(room_.request(chair_, end).refusal);
  const uint64_t ended_seq = room_.last().seq();

  const kenes::v1::ClientState cs = client_state(room_.state());
  ASSERT_EQ(cs.meetings_size(), 1);
  EXPECT_EQ(cs.meetings(0).started_at_unix_ms(), t0);
  EXPECT_EQ(cs.meetings(0).ended_seq(), ended_seq);
  EXPECT_EQ(cs.meetings(0).ended_at_unix_ms(), t0 + 780'000);
  const kenes::v1::ClientPoll* p = nullptr;
  for (const auto& x : cs.polls()) {
    if (x.poll_id() == poll) p = &x;
  }
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->created_at_unix_ms(), t0 + 60'000);
  EXPECT_EQ(p->closed_at_unix_ms(), t0 + 180'000);
  for (const auto& i : cs.indicators()) {
    if (i.indicator_id() != "R.1") continue;
    EXPECT_EQ(i.status(), kenes::v1::INDICATOR_STATUS_VALIDATED);
    EXPECT_EQ(i.status_seq(), closed_seq);
    EXPECT_EQ(i.status_at_unix_ms(), t0 + 180'000);
  }
}

}  // namespace
}  // namespace kenes::consultation
