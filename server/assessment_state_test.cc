// AssessmentState as a pure fold of records: what it tolerates (a ballot
// stamped after its poll's closing time, a clock stepping back) and what a
// snapshot of it rebuilds. The server-level behaviour is tested in
// tests/server/assessment_test.cc.

#include "assessment_state.h"

#include <gtest/gtest.h>

namespace kenes::server {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;

class Fold {
 public:
  engine::Status add(kenes::v1::LogRecord rec, int64_t at, const std::string& author = "chair") {
    rec.set_seq(++seq_);
    rec.set_time_unix_ms(at);
    rec.set_author(author);
    return state.apply(rec);
  }
  uint64_t seq() const { return seq_; }
  AssessmentState state;

 private:
  uint64_t seq_ = 0;
};

kenes::v1::LogRecord create(const std::string& id, int64_t closes_at, const std::string& target = "",
                            uint64_t version = 0) {
  kenes::v1::LogRecord r;
  auto* c = r.mutable_poll_created();
  c->set_poll_id(id);
  auto* d = c->mutable_definition();
  d->set_kind(kenes::v1::POLL_KIND_AGREEMENT);
  d->set_question("The draft is accurate");
  d->add_eligible_roles(kenes::v1::ROLE_MEMBER);
  d->set_closes_at_unix_ms(closes_at);
  d->set_target_indicator_id(target);
  d->set_target_version(version);
  return r;
}

kenes::v1::LogRecord open(const std::string& id) {
  kenes::v1::LogRecord r;
  r.mutable_poll_opened()->set_poll_id(id);
  return r;
}

kenes::v1::LogRecord vote(const std::string& id, uint32_t choice) {
  kenes::v1::LogRecord r;
  r.mutable_vote_cast()->set_poll_id(id);
  r.mutable_vote_cast()->add_choices(choice);
  r.mutable_vote_cast()->set_voter_role(kenes::v1::ROLE_MEMBER);
  return r;
}

kenes::v1::LogRecord close(const std::string& id, uint64_t eligible, bool at_closing_time) {
  kenes::v1::LogRecord r;
  r.mutable_poll_closed()->set_poll_id(id);
  r.mutable_poll_closed()->set_eligible(eligible);
  r.mutable_poll_closed()->set_at_closing_time(at_closing_time);
  return r;
}

TEST(AssessmentStateTest, ABallotStampedAtTheClosingTimeIsKeptInTheLogButNotCounted) {
  Fold f;
  ASSERT_TRUE(f.add(create("poll-1", kT0 + 1000, "R.1", 4), kT0).ok());
  ASSERT_TRUE(f.add(open("poll-1"), kT0 + 1).ok());
  ASSERT_TRUE(f.add(vote("poll-1", 0), kT0 + 999, "ana").ok());
  // The room checked this one a moment before the closing time; it got its
  // time after. The fold must not fail (that would stop the room).
  ASSERT_TRUE(f.add(vote("poll-1", 0), kT0 + 1000, "bob").ok());
  const uint64_t late_seq = f.seq();
  ASSERT_TRUE(f.add(close("poll-1", 2, true), kT0 + 1005, "").ok());
  const PollState* p = f.state.poll("poll-1");
  EXPECT_EQ(p->poll.voter_count(), 1u);
  EXPECT_EQ(p->late_ballots, 1u);
  EXPECT_FALSE(f.state.ballot_record(late_seq)->counted);
  // 1 agree of 1 voter, no quorum: passes, so R.1 is validated at version 4.
  EXPECT_EQ(f.state.indicator("R.1")->status, kenes::v1::INDICATOR_STATUS_VALIDATED);
  EXPECT_EQ(f.state.indicator("R.1")->validated_version, 4u);
  EXPECT_FALSE(f.state.changed_since_validation("R.1", 4));
  EXPECT_TRUE(f.state.changed_since_validation("R.1", 5));
}

TEST(AssessmentStateTest, AClockSteppingBackDoesNotReopenAClosedPoll) {
  Fold f;
  ASSERT_TRUE(f.add(create("poll-1", kT0 + 1000), kT0).ok());
  ASSERT_TRUE(f.add(open("poll-1"), kT0 + 1).ok());
  ASSERT_TRUE(f.add(vote("poll-1", 2), kT0 + 1200, "ana").ok());  // after the closing time
  ASSERT_TRUE(f.add(vote("poll-1", 2), kT0 + 10, "bob").ok());    // the server's clock went back
  EXPECT_EQ(f.state.poll("poll-1")->poll.voter_count(), 0u);
  EXPECT_EQ(f.state.poll("poll-1")->late_ballots, 2u);
}

TEST(AssessmentStateTest, ASecondBallotFromTheSameAuthorReplacesTheFirst) {
  Fold f;
  ASSERT_TRUE(f.add(create("poll-1", 0), kT0).ok());
  ASSERT_TRUE(f.add(open("poll-1"), kT0).ok());
  ASSERT_TRUE(f.add(vote("poll-1", 0), kT0 + 1, "ana").ok());
  ASSERT_TRUE(f.add(vote("poll-1", 2), kT0 + 2, "ana").ok());
  const PollState* p = f.state.poll("poll-1");
  EXPECT_EQ(p->poll.voter_count(), 1u);
  EXPECT_EQ(p->poll.ballot_of("ana")->choices, std::vector<uint32_t>{2});
}

TEST(AssessmentStateTest, RecordsThatContradictTheStateAreRefusedAndChangeNothing) {
  Fold f;
  ASSERT_TRUE(f.add(create("poll-1", 0), kT0).ok());
  std::string before = f.state.snapshot_bytes();
  EXPECT_FALSE(f.add(vote("poll-1", 0), kT0 + 1, "ana").ok());        // not open
  ASSERT_TRUE(f.add(open("poll-1"), kT0 + 1).ok());
  before = f.state.snapshot_bytes();
  uint64_t last_seq = f.state.poll("poll-1")->last_seq;
  EXPECT_FALSE(f.add(vote("poll-1", 7), kT0 + 1, "ana").ok());        // no option 7
  EXPECT_EQ(f.state.poll("poll-1")->last_seq, last_seq);
  EXPECT_FALSE(f.state.ballot_record(f.seq()).has_value());
  EXPECT_FALSE(f.add(create("poll-1", 0), kT0 + 1).ok());            // exists
  EXPECT_FALSE(f.add(open("poll-9"), kT0 + 1).ok());                 // no such poll
  EXPECT_FALSE(f.add(open("poll-1"), kT0 + 1).ok());                 // opened twice
  kenes::v1::LogRecord end;
  end.mutable_meeting_ended()->set_meeting_id("meeting-1");
  EXPECT_FALSE(f.add(end, kT0 + 1).ok());                            // none running
  EXPECT_EQ(f.state.snapshot_bytes(), before);
}

TEST(AssessmentStateTest, ASnapshotRefoldsToTheSameState) {
  Fold f;
  ASSERT_TRUE(f.add(create("poll-1", 0, "R.2", 1), kT0).ok());
  ASSERT_TRUE(f.add(open("poll-1"), kT0 + 1).ok());
  ASSERT_TRUE(f.add(vote("poll-1", 0), kT0 + 2, "ana").ok());
  kenes::v1::LogRecord start;
  start.mutable_meeting_started()->set_meeting_id("meeting-1");
  start.mutable_meeting_started()->add_agenda_indicator_ids("R.2");
  ASSERT_TRUE(f.add(start, kT0 + 3).ok());
  kenes::v1::LogRecord join;
  join.mutable_attendance_changed()->set_meeting_id("meeting-1");
  join.mutable_attendance_changed()->set_present(true);
  ASSERT_TRUE(f.add(join, kT0 + 4, "ana").ok());

  AssessmentState copy;
  ASSERT_TRUE(copy.load_snapshot(f.state.snapshot_bytes()).ok());
  EXPECT_EQ(copy.snapshot_bytes(), f.state.snapshot_bytes());
  EXPECT_EQ(copy.poll("poll-1")->poll.voter_count(), 1u);
  ASSERT_NE(copy.running_meeting(), nullptr);
  EXPECT_TRUE(copy.running_meeting()->attending("ana"));
  EXPECT_EQ(copy.polls_created(), 1u);
  EXPECT_EQ(copy.last_time_unix_ms(), kT0 + 4);
}

}  // namespace
}  // namespace kenes::server
