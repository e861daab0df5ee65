// AssessmentState as a pure fold of records: what it tolerates (a ballot
// stamped after its poll's closing time, a clock stepping back) and what a
// snapshot of it rebuilds. The server-level behaviour is tested in
// tests/server/assessment_test.cc.

#include "consultation/assessment_state.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <random>

#include "consultation/record_audience.h"

namespace kenes::consultation {
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
  // A record that was folded before (into the snapshot loaded): only its seq.
  void skip() { ++seq_; }
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

// Loads into `into` the segments of `from` that a first snapshot set would
// carry (all of them, as nothing was written yet).
engine::Status reload(const AssessmentState& from, AssessmentState& into) {
  for (const auto& segment : from.unwritten_segments()) {
    engine::Status s = into.load_segment(segment.index, segment.bytes);
    if (!s.ok()) return s;
  }
  return engine::Status();
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
  ASSERT_TRUE(f.state.last_ballot().has_value());
  EXPECT_EQ(f.state.last_ballot()->seq, late_seq);
  EXPECT_FALSE(f.state.last_ballot()->counted);
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
  uint64_t before = f.state.records_fingerprint();
  EXPECT_FALSE(f.add(vote("poll-1", 0), kT0 + 1, "ana").ok());        // not open
  ASSERT_TRUE(f.add(open("poll-1"), kT0 + 1).ok());
  before = f.state.records_fingerprint();
  uint64_t last_seq = f.state.poll("poll-1")->last_seq;
  EXPECT_FALSE(f.add(vote("poll-1", 7), kT0 + 1, "ana").ok());        // no option 7
  EXPECT_EQ(f.state.poll("poll-1")->last_seq, last_seq);
  EXPECT_FALSE(f.state.last_ballot().has_value());
  EXPECT_FALSE(f.add(create("poll-1", 0), kT0 + 1).ok());            // exists
  EXPECT_FALSE(f.add(open("poll-9"), kT0 + 1).ok());                 // no such poll
  EXPECT_FALSE(f.add(open("poll-1"), kT0 + 1).ok());                 // opened twice
  kenes::v1::LogRecord end;
  end.mutable_meeting_ended()->set_meeting_id("meeting-1");
  EXPECT_FALSE(f.add(end, kT0 + 1).ok());                            // none running
  EXPECT_EQ(f.state.records_fingerprint(), before);
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
  ASSERT_TRUE(reload(f.state, copy).ok());
  EXPECT_EQ(copy.records_fingerprint(), f.state.records_fingerprint());
  EXPECT_EQ(copy.poll("poll-1")->poll.voter_count(), 1u);
  ASSERT_NE(copy.running_meeting(), nullptr);
  EXPECT_TRUE(copy.running_meeting()->attending("ana"));
  EXPECT_EQ(copy.polls_created(), 1u);
  EXPECT_EQ(copy.last_time_unix_ms(), kT0 + 4);
}

// Seeded random polls — agreement and single choice, named and anonymous,
// results live or hidden, with and without a closing time, votes changed,
// ballots stamped late, some polls never closed — as records with their
// times and authors.
struct History {
  std::vector<kenes::v1::LogRecord> records;
  std::vector<int64_t> times;
  std::vector<std::string> authors;
  int64_t end = kT0;
};

History random_history(std::mt19937_64& rng, int steps) {
  auto pick = [&](uint64_t n) { return rng() % n; };
  History h;
  int64_t& t = h.end;
  struct Live {
    std::string id;
    bool single = false;
    int64_t closes_at = 0;
  };
  std::vector<Live> open_polls;
  int created = 0;
  auto push = [&](kenes::v1::LogRecord rec) {
    h.records.push_back(std::move(rec));
    h.times.push_back(t);
  };
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
      push(rec);
      push(open(p.id));
      open_polls.push_back(p);
      continue;
    }
    const size_t which = pick(open_polls.size());
    const Live& p = open_polls[which];
    if (what == 1) {
      // Closed by the chair, or by the server at (or after) its closing time.
      const bool by_time = p.closes_at != 0 && pick(2) == 0;
      if (by_time) t = std::max(t, p.closes_at);
      push(close(p.id, 3 + pick(10), by_time));
      open_polls.erase(open_polls.begin() + static_cast<long>(which));
      continue;
    }
    rec = vote(p.id, static_cast<uint32_t>(pick(p.single ? 3 : 4)));
    rec.mutable_vote_cast()->set_voter_stakeholder_group(static_cast<kenes::v1::StakeholderGroup>(1 + pick(3)));
    rec.mutable_vote_cast()->set_voter_gender(pick(2) ? "woman" : "man");
    push(rec);
  }
  // Late ballots for polls already closed by their record.
  for (int i = 1; i <= created; i += 3) push(vote("poll-" + std::to_string(i), 0));
  const std::vector<std::string> voters = {"ana", "bek", "dana", "erlan", "gulnar", "chair"};
  for (size_t i = 0; i < h.records.size(); ++i) {
    h.authors.push_back(h.records[i].has_vote_cast() ? voters[i % voters.size()] : "chair");
  }
  return h;
}

// Every question a room asks of the state gets the same answer from `other`
// as from `keep`, which folded `h` and kept everything. Returns how many of
// other's polls hold a final view in place of their ballots.
size_t expect_same_answers(const Fold& keep, const AssessmentState& other, const History& h) {
  size_t released = 0;
  EXPECT_EQ(other.records_fingerprint(), keep.state.records_fingerprint());
  EXPECT_EQ(other.polls().size(), keep.state.polls().size());
  EXPECT_EQ(other.polls_created(), keep.state.polls_created());
  EXPECT_EQ(other.last_time_unix_ms(), keep.state.last_time_unix_ms());
  for (const auto& [id, p] : keep.state.polls()) {
    const PollState* q = other.poll(id);
    if (!q) {
      ADD_FAILURE() << "no " << id;
      continue;
    }
    if (q->final_view) ++released;
    for (int64_t now : {h.end, h.end + 1, h.end + 100'000}) {
      EXPECT_EQ(poll_update(*q, 7, now).DebugString(), poll_update(p, 7, now).DebugString()) << id << " at " << now;
      EXPECT_EQ(q->closed(now), p.closed(now)) << id;
      EXPECT_EQ(q->open(now), p.open(now)) << id;
    }
  }
  for (const auto& [id, ind] : keep.state.indicators()) {
    const IndicatorState* o = other.indicator(id);
    if (!o) {
      ADD_FAILURE() << "no indicator " << id;
      continue;
    }
    EXPECT_EQ(o->status, ind.status) << id;
    EXPECT_EQ(o->validated_by_poll, ind.validated_by_poll) << id;
    EXPECT_EQ(o->last_validation_poll, ind.last_validation_poll) << id;
  }
  // Who may receive each ballot (record_audience.h) and whether it counted.
  for (size_t i = 0; i < h.records.size(); ++i) {
    if (!h.records[i].has_vote_cast()) continue;
    kenes::v1::LogRecord rec = h.records[i];
    rec.set_author(h.authors[i]);
    for (int64_t now : {h.end, h.end + 100'000}) {
      EXPECT_EQ(record_audience(rec, other, now), record_audience(rec, keep.state, now)) << "record " << i;
    }
  }
  for (const auto& [id, p] : keep.state.polls()) {
    if (const PollState* q = other.poll(id)) {
      EXPECT_EQ(q->late_ballots, p.late_ballots) << id;
    }
  }
  return released;
}

// A live room releases a closed poll's ballots and keeps its final view
// (release_closed_ballots); exports keep them. A state that releases from
// the start, one that switches to releasing half-way, and one refolded from
// the releasing state's snapshot must answer every question as the state
// that keeps everything: each poll's PollUpdate at several times, indicator
// statuses, who may receive each ballot, and the records the snapshot holds.
TEST(AssessmentStateTest, ReleasingClosedBallotsChangesNoAnswer) {
  const uint64_t seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  const History h = random_history(rng, 600);
  Fold keep, release, late_switch;
  release.state.release_closed_ballots();
  const size_t switch_at = h.records.size() / 2;
  for (size_t i = 0; i < h.records.size(); ++i) {
    if (i == switch_at) late_switch.state.release_closed_ballots();
    engine::Status s = keep.add(h.records[i], h.times[i], h.authors[i]);
    ASSERT_TRUE(s.ok()) << "record " << i << ": " << s.message();
    ASSERT_TRUE(release.add(h.records[i], h.times[i], h.authors[i]).ok()) << "record " << i;
    ASSERT_TRUE(late_switch.add(h.records[i], h.times[i], h.authors[i]).ok()) << "record " << i;
  }
  AssessmentState reloaded;
  reloaded.release_closed_ballots();
  ASSERT_TRUE(reload(release.state, reloaded).ok());

  size_t released = 0;
  for (const AssessmentState* other : {&release.state, &late_switch.state, &reloaded}) {
    released += expect_same_answers(keep, *other, h);
    for (const auto& [id, p] : other->polls()) EXPECT_EQ(p.final_view.has_value(), p.close_logged) << id;
  }
  EXPECT_GT(released, 0u) << "no poll was closed: the test checked nothing";
}

// The snapshot in segments, as a room writes it: sets written now and then,
// some of them failing, and restarts that load the stored segments and
// refold the records after them, as recovery replays the log's tail. The
// segments are small here (a few hundred bytes), so a history cuts dozens of
// them and a set often carries several full ones. After every stored set
// only the open segment stays in memory, and a state restarted from any
// stored set answers every question as one that folded everything once.
TEST(AssessmentStateTest, SegmentedSnapshotsRestartToTheSameState) {
  const uint64_t seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  const History h = random_history(rng, 800);
  Fold keep;
  for (size_t i = 0; i < h.records.size(); ++i) {
    ASSERT_TRUE(keep.add(h.records[i], h.times[i], h.authors[i]).ok()) << "record " << i;
  }

  // Storage as a room sees it: the latest bytes of each segment, the
  // manifest's count, and the records the stored set covers.
  std::map<uint32_t, std::string> stored;
  uint32_t stored_count = 0;
  size_t covered = 0;
  size_t sets = 0, restarts = 0, most_full_in_a_set = 0;
  const size_t segment_bytes = 200 + rng() % 400;
  auto fresh = [&] {
    auto f = std::make_unique<Fold>();
    f->state.set_segment_bytes(segment_bytes);
    f->state.release_closed_ballots();
    return f;
  };
  std::unique_ptr<Fold> live = fresh();
  // A set taken on the strand is written while more records fold (the room
  // writes off its strand), then the write succeeds or fails.
  struct InFlight {
    std::vector<AssessmentState::Segment> set;
    size_t covers = 0;         // records folded when the set was taken
    uint64_t completes_in = 0;  // records folded before the write ends
  };
  std::optional<InFlight> writing;
  auto complete = [&] {
    InFlight w = std::move(*writing);
    writing.reset();
    if (rng() % 4 == 0) return;  // failed: the next set carries these again
    const uint32_t open = w.set.back().index;
    for (auto& segment : w.set) stored[segment.index] = std::move(segment.bytes);
    stored_count = open + 1;
    covered = w.covers;
    live->state.segments_written(open);
    ++sets;
    const std::vector<AssessmentState::Segment> left = live->state.unwritten_segments();
    for (size_t k = 0; k + 1 < left.size(); ++k) {
      ASSERT_GE(left[k].index, open) << "a written full segment stayed in memory";
    }
  };
  for (size_t i = 0; i < h.records.size(); ++i) {
    ASSERT_TRUE(live->add(h.records[i], h.times[i], h.authors[i]).ok()) << "record " << i;
    if (writing && writing->completes_in-- == 0) {
      complete();
      if (::testing::Test::HasFatalFailure()) return;
    }
    const uint64_t roll = rng() % 100;
    if (roll < 8 && !writing) {
      std::vector<AssessmentState::Segment> set = live->state.unwritten_segments();
      ASSERT_FALSE(set.empty());
      for (size_t k = 1; k < set.size(); ++k) ASSERT_EQ(set[k].index, set[k - 1].index + 1);
      for (size_t k = 0; k + 1 < set.size(); ++k) ASSERT_GE(set[k].bytes.size(), segment_bytes);
      ASSERT_LT(set.back().bytes.size(), segment_bytes);
      most_full_in_a_set = std::max(most_full_in_a_set, set.size() - 1);
      writing = InFlight{std::move(set), i + 1, rng() % 6};
    } else if (roll >= 8 && roll < 11 && stored_count > 0) {
      // A crash (a write in flight is lost), then a restart from the stored
      // set and the log's tail.
      writing.reset();
      live = fresh();
      for (uint32_t k = 0; k < stored_count; ++k) {
        ASSERT_TRUE(live->state.load_segment(k, stored.at(k)).ok()) << "segment " << k;
      }
      Fold* f = live.get();
      for (size_t j = 0; j < covered; ++j) f->skip();
      for (size_t j = covered; j <= i; ++j) {
        ASSERT_TRUE(f->add(h.records[j], h.times[j], h.authors[j]).ok()) << "record " << j << " after a restart";
      }
      ++restarts;
    }
  }
  EXPECT_GT(sets, 5u);
  EXPECT_GT(restarts, 2u);
  EXPECT_GT(most_full_in_a_set, 1u) << "no set carried several full segments";
  expect_same_answers(keep, live->state, h);
  // And one last restart from what is stored now.
  std::unique_ptr<Fold> last = fresh();
  for (uint32_t k = 0; k < stored_count; ++k) ASSERT_TRUE(last->state.load_segment(k, stored.at(k)).ok());
  for (size_t j = 0; j < covered; ++j) last->skip();
  for (size_t j = covered; j < h.records.size(); ++j) ASSERT_TRUE(last->add(h.records[j], h.times[j], h.authors[j]).ok());
  expect_same_answers(keep, last->state, h);

  // A gap in the stored segments is refused, so recovery replays instead.
  if (stored_count > 2) {
    AssessmentState gap;
    gap.set_segment_bytes(segment_bytes);
    ASSERT_TRUE(gap.load_segment(0, stored.at(0)).ok());
    EXPECT_FALSE(gap.load_segment(2, stored.at(2)).ok());
  }
}

}  // namespace
}  // namespace kenes::consultation
