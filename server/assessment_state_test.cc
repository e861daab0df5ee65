// AssessmentState as a pure fold of records: what it tolerates (a ballot
// stamped after its poll's closing time, a clock stepping back) and what a
// snapshot of it rebuilds. The server-level behaviour is tested in
// tests/server/assessment_test.cc.

#include "assessment_state.h"

#include <gtest/gtest.h>

#include <random>

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

// A live room releases a closed poll's ballots and keeps its final view
// (release_closed_ballots); exports keep them. Over seeded random polls —
// agreement and single choice, named and anonymous, results live or hidden,
// with and without a closing time, votes changed, ballots stamped late, some
// polls never closed — a state that releases from the start, one that
// switches to releasing half-way, and one refolded from the releasing
// state's snapshot must answer every question as the state that keeps
// everything: each poll's PollUpdate at several times, indicator statuses,
// every ballot record, and the snapshot bytes.
TEST(AssessmentStateTest, ReleasingClosedBallotsChangesNoAnswer) {
  const uint64_t seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  auto pick = [&](uint64_t n) { return rng() % n; };
  Fold keep, release, late_switch;
  release.state.release_closed_ballots();
  std::vector<kenes::v1::LogRecord> records;
  std::vector<int64_t> times;
  int64_t t = kT0;
  struct Live {
    std::string id;
    bool single = false;
    int64_t closes_at = 0;
  };
  std::vector<Live> open_polls;
  int created = 0;
  const int steps = 600;
  for (int step = 0; step < steps; ++step) {
    t += static_cast<int64_t>(pick(50));
    kenes::v1::LogRecord rec;
    const uint64_t what = pick(10);
    if (open_polls.empty() || (what == 0 && open_polls.size() < 4)) {
      Live p{"poll-" + std::to_string(++created), pick(2) == 0, pick(3) == 0 ? t + 200 + static_cast<int64_t>(pick(400)) : 0};
      // Only an agreement poll may validate an indicator.
      rec = create(p.id, p.closes_at, !p.single && pick(2) ? "R." + std::to_string(pick(3)) : "", 1 + pick(5));
      auto* d = rec.mutable_poll_created()->mutable_definition();
      if (p.single) {
        d->set_kind(kenes::v1::POLL_KIND_SINGLE_CHOICE);
        d->add_options("first");
        d->add_options("second");
        d->add_options("third");
      }
      d->set_anonymous(pick(2) == 0);
      d->set_results_hidden_until_closed(pick(3) == 0);
      records.push_back(rec);
      times.push_back(t);
      records.push_back(open(p.id));
      times.push_back(t);
      open_polls.push_back(p);
      continue;
    }
    const size_t which = pick(open_polls.size());
    const Live& p = open_polls[which];
    if (what == 1) {
      // Closed by the chair, or by the server at (or after) its closing time.
      const bool by_time = p.closes_at != 0 && pick(2) == 0;
      if (by_time) t = std::max(t, p.closes_at);
      records.push_back(close(p.id, 3 + pick(10), by_time));
      times.push_back(t);
      open_polls.erase(open_polls.begin() + static_cast<long>(which));
      continue;
    }
    rec = vote(p.id, static_cast<uint32_t>(pick(p.single ? 3 : 4)));
    rec.mutable_vote_cast()->set_voter_stakeholder_group(static_cast<kenes::v1::StakeholderGroup>(1 + pick(3)));
    rec.mutable_vote_cast()->set_voter_gender(pick(2) ? "woman" : "man");
    records.push_back(rec);
    times.push_back(t);
  }
  // Late ballots for polls already closed by their record.
  for (int i = 1; i <= created; i += 3) {
    records.push_back(vote("poll-" + std::to_string(i), 0));
    times.push_back(t);
  }
  std::vector<std::string> voters = {"ana", "bek", "dana", "erlan", "gulnar", "chair"};
  const size_t switch_at = records.size() / 2;
  for (size_t i = 0; i < records.size(); ++i) {
    const std::string author = records[i].has_vote_cast() ? voters[i % voters.size()] : "chair";
    if (i == switch_at) late_switch.state.release_closed_ballots();
    engine::Status s = keep.add(records[i], times[i], author);
    ASSERT_TRUE(s.ok()) << "record " << i << ": " << s.message();
    ASSERT_TRUE(release.add(records[i], times[i], author).ok()) << "record " << i;
    ASSERT_TRUE(late_switch.add(records[i], times[i], author).ok()) << "record " << i;
  }
  AssessmentState reloaded;
  reloaded.release_closed_ballots();
  ASSERT_TRUE(reloaded.load_snapshot(release.state.snapshot_bytes()).ok());

  size_t released = 0;
  for (const AssessmentState* other : {&release.state, &late_switch.state, &reloaded}) {
    ASSERT_EQ(other->snapshot_bytes(), keep.state.snapshot_bytes());
    ASSERT_EQ(other->polls().size(), keep.state.polls().size());
    for (const auto& [id, p] : keep.state.polls()) {
      const PollState* q = other->poll(id);
      ASSERT_NE(q, nullptr) << id;
      if (q->final_view) ++released;
      EXPECT_EQ(q->final_view.has_value(), p.close_logged) << id;
      for (int64_t now : {t, t + 1, t + 100'000}) {
        EXPECT_EQ(poll_update(*q, 7, now).DebugString(), poll_update(p, 7, now).DebugString()) << id << " at " << now;
        EXPECT_EQ(q->closed(now), p.closed(now)) << id;
        EXPECT_EQ(q->open(now), p.open(now)) << id;
      }
    }
    for (const auto& [id, ind] : keep.state.indicators()) {
      const IndicatorState* o = other->indicator(id);
      ASSERT_NE(o, nullptr) << id;
      EXPECT_EQ(o->status, ind.status) << id;
      EXPECT_EQ(o->validated_by_poll, ind.validated_by_poll) << id;
      EXPECT_EQ(o->last_validation_poll, ind.last_validation_poll) << id;
    }
    for (uint64_t seq = 1; seq <= keep.seq(); ++seq) {
      auto a = keep.state.ballot_record(seq);
      auto b = other->ballot_record(seq);
      ASSERT_EQ(a.has_value(), b.has_value()) << seq;
      if (a) {
        EXPECT_EQ(a->poll_id, b->poll_id);
        EXPECT_EQ(a->voter_id, b->voter_id);
        EXPECT_EQ(a->counted, b->counted);
      }
    }
  }
  EXPECT_GT(released, 0u) << "no poll was closed: the test checked nothing";
}

}  // namespace
}  // namespace kenes::server
