// Who may receive a record, from the record itself (record_audience.h); the
// server-level guarantees (nobody learns an anonymous voter, reads and visits
// stay private, in live delivery and in catch-up) are tested in
// tests/server/assessment_test.cc and discussion_test.cc.

#include "consultation/record_audience.h"

#include <gtest/gtest.h>

#include <random>

namespace kenes::consultation {
namespace {

using kenes::v1::LogRecord;

constexpr int64_t kT0 = 1'700'000'000'000;

LogRecord record(uint64_t seq, const std::string& author) {
  LogRecord r;
  r.set_seq(seq);
  r.set_time_unix_ms(kT0 + static_cast<int64_t>(seq));
  r.set_author(author);
  return r;
}

// A poll `id` created and opened (two records, seqs after `seq`), closing at
// kT0 + 1000.
void add_poll(AssessmentState& state, uint64_t& seq, const std::string& id, bool anonymous, bool hidden,
              bool live = false) {
  LogRecord c = record(++seq, "chair");
  auto* d = c.mutable_poll_created()->mutable_definition();
  c.mutable_poll_created()->set_poll_id(id);
  d->set_kind(kenes::v1::POLL_KIND_AGREEMENT);
  d->set_question("The draft is accurate");
  d->add_eligible_roles(kenes::v1::ROLE_MEMBER);
  d->set_anonymous(anonymous);
  d->set_results_hidden_until_closed(hidden);
  d->set_live_results(live);
  d->set_closes_at_unix_ms(kT0 + 1000);
  ASSERT_TRUE(state.apply(c).ok());
  LogRecord o = record(++seq, "chair");
  o.mutable_poll_opened()->set_poll_id(id);
  ASSERT_TRUE(state.apply(o).ok());
}

LogRecord ballot(uint64_t seq, const std::string& poll, const std::string& voter) {
  LogRecord b = record(seq, voter);
  b.mutable_vote_cast()->set_poll_id(poll);
  b.mutable_vote_cast()->add_choices(0);
  b.mutable_vote_cast()->set_voter_role(kenes::v1::ROLE_MEMBER);
  return b;
}

TEST(RecordAudienceTest, BallotsGoToTheirVoterWhileOthersMayNotSeeThem) {
  AssessmentState state;
  uint64_t seq = 0;
  add_poll(state, seq, "anon", true, false);
  add_poll(state, seq, "hidden", false, true);
  add_poll(state, seq, "after-voting", false, false);
  add_poll(state, seq, "live", false, false, /*live=*/true);
  const int64_t open = kT0 + 500, closed = kT0 + 2000;
  for (int64_t now : {open, closed}) {
    // Anonymous: only ever the voter.
    EXPECT_EQ(record_audience(ballot(10, "anon", "ana"), state, now), "ana");
    // Named, results hidden until closed: the voter, then everyone.
    EXPECT_EQ(record_audience(ballot(11, "hidden", "bek"), state, now), now == open ? "bek" : "");
    // Named, results after each one's own vote (the default, issue 20): the
    // voter until the close, then everyone.
    EXPECT_EQ(record_audience(ballot(12, "after-voting", "dana"), state, now), now == open ? "dana" : "");
    // Named with live results for everyone: everyone at once.
    EXPECT_EQ(record_audience(ballot(14, "live", "farida"), state, now), "");
    // A poll the state does not know: the voter only (never more than allowed).
    EXPECT_EQ(record_audience(ballot(13, "nowhere", "erlan"), state, now), "erlan");
  }
}

TEST(RecordAudienceTest, ReadsVisitsAndDigestRecordsBelongToOneParticipant) {
  AssessmentState state;
  LogRecord read = record(5, "m2");
  read.mutable_threads_read()->add_thread_ids("thread-1");
  EXPECT_EQ(record_audience(read, state, kT0), "m2");
  LogRecord visit = record(6, "m3");
  visit.mutable_visited()->set_seen_seq(4);
  EXPECT_EQ(record_audience(visit, state, kT0), "m3");
  LogRecord settings = record(7, "m4");
  settings.mutable_notification_settings_set()->set_email("m4@example.org");
  EXPECT_EQ(record_audience(settings, state, kT0), "m4");
  LogRecord sent = record(8, "");  // written by the server
  sent.mutable_digest_sent()->set_participant_id("m5");
  EXPECT_EQ(record_audience(sent, state, kT0), "m5");
  LogRecord comment = record(9, "m2");
  comment.mutable_comment_added()->set_thread_id("thread-1");
  EXPECT_EQ(record_audience(comment, state, kT0), "");
  LogRecord edit = record(10, "m2");
  edit.mutable_text_edit()->set_doc_id("indicator/R.1");
  EXPECT_EQ(record_audience(edit, state, kT0), "");
}

// The scan of top-level fields must say "maybe one recipient" for every
// record that is, whatever else the record carries and in any field order;
// it may say so for others (they are then decoded), and it never crashes on
// bytes that are not a record. Seeded.
TEST(RecordAudienceTest, TheScanNeverMissesARestrictedRecord) {
  const uint64_t seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  size_t restricted = 0, open_records = 0;
  for (int i = 0; i < 3000; ++i) {
    LogRecord r = record(1 + rng() % 1'000'000, "author-" + std::to_string(rng() % 50));
    if (rng() % 2) r.set_prev_hash(std::string(32, static_cast<char>(rng())));
    if (rng() % 3 == 0) r.set_client_id("client-" + std::to_string(rng() % 9));
    bool one = false;
    switch (rng() % 9) {
      case 0: r.mutable_vote_cast()->set_poll_id("poll-1"); r.mutable_vote_cast()->add_choices(1); one = true; break;
      case 1: r.mutable_threads_read()->add_thread_ids("thread-" + std::to_string(rng() % 9)); one = true; break;
      case 2: r.mutable_visited()->set_seen_seq(rng() % 100); one = true; break;
      case 3: r.mutable_notification_settings_set()->set_email("x@example.org"); one = true; break;
      case 4: r.mutable_digest_sent()->set_participant_id("p"); one = true; break;
      case 5: r.mutable_poll_closed()->set_poll_id("poll-1"); break;
      case 6: r.mutable_comment_added()->set_body(std::string(rng() % 300, 'x')); break;
      case 7: r.mutable_text_edit()->set_doc_id("indicator/R." + std::to_string(rng() % 9)); break;
      default: r.mutable_participant_invited()->set_participant_id("p" + std::to_string(rng() % 9)); break;
    }
    const std::string bytes = r.SerializeAsString();
    if (one) {
      ++restricted;
      ASSERT_TRUE(may_have_one_recipient(bytes)) << r.ShortDebugString();
    } else {
      ++open_records;
      EXPECT_FALSE(may_have_one_recipient(bytes)) << r.ShortDebugString();
    }
    // Cut short or with a byte flipped: any answer, but an answer.
    std::string cut = bytes.substr(0, rng() % (bytes.size() + 1));
    (void)may_have_one_recipient(cut);
    std::string flipped = bytes;
    if (!flipped.empty()) flipped[rng() % flipped.size()] ^= static_cast<char>(1 + rng() % 255);
    (void)may_have_one_recipient(flipped);
  }
  EXPECT_GT(restricted, 1000u);
  EXPECT_GT(open_records, 1000u);
  // Not a message at all: decode it and let that decide.
  EXPECT_TRUE(may_have_one_recipient(std::string("\x0A\xFF\xFF\xFF\xFF\x0F", 6)));
  EXPECT_TRUE(may_have_one_recipient(std::string("\x00\x01", 2)));
  EXPECT_FALSE(may_have_one_recipient(""));
}

}  // namespace
}  // namespace kenes::consultation
