// The full-size consultation generator (consultation/testing/
// full_assessment.h, tests/support/full_assessment_folder.h) at a small
// size: what it writes into a data folder is a consultation the server can
// recover, from its snapshots or by replaying every record, to one state.

#include <gtest/gtest.h>

#include "consultation/testing/fold_view.h"
#include "full_assessment_folder.h"
#include "replay/recovery.h"
#include "storage/rocks_log.h"
#include "storage/test_support.h"

namespace kenes::testing {
namespace {

consultation::testing::FullAssessmentOptions small() {
  consultation::testing::FullAssessmentOptions o;
  o.indicators = 20;
  o.core_indicators = 7;
  o.questions = 8;
  o.researchers = 2;
  o.members = 6;
  o.observers = 1;
  o.records_per_draft = 300;
  o.threads_per_draft = 2;
  o.meetings = 2;
  o.agenda_per_meeting = 5;
  o.checkpoint_every = 1000;
  return o;
}

TEST(FullAssessmentTest, ASmallOneIsTypedAsPeopleTypeAndRecoversToOneStateFromSnapshotsOrTheLog) {
  storage::testing::TempDir dir;
  FullAssessmentFolder written = write_full_assessment(dir.path(), KENES_TRACES_DIR, small());
  ASSERT_EQ(written.error, "");
  const auto& s = written.summary;
  EXPECT_GE(s.text_edits, 20u * 150);  // every draft typed, one record per keystroke-sized patch
  EXPECT_GT(s.final_code_points, 0u);
  EXPECT_GT(s.threads, 0u);
  EXPECT_GT(s.comments, s.threads);
  EXPECT_EQ(s.meetings, 2u);
  EXPECT_GT(s.polls, 0u);
  EXPECT_GT(s.ballots, 0u);
  EXPECT_EQ(s.records, s.head_seq);

  auto log = storage::RocksLog::open(dir.path() + "/log");
  ASSERT_TRUE(log.ok()) << log.status().to_string();
  replay::Recovered from_snapshot = replay::recover_consultation(**log, "assessment");
  ASSERT_EQ(from_snapshot.error, "");
  EXPECT_TRUE(from_snapshot.used_snapshot);
  EXPECT_EQ(from_snapshot.head.seq, s.head_seq);
  replay::Recovered from_log = replay::recover_consultation(**log, "assessment", false);
  ASSERT_EQ(from_log.error, "");
  const int64_t now = from_log.state.assessment().last_time_unix_ms();
  for (const std::string viewer : {"chair", "member-1", "observer-1"}) {
    EXPECT_EQ(consultation::testing::fold_view(from_snapshot.state, viewer, now),
              consultation::testing::fold_view(from_log.state, viewer, now))
        << viewer;
  }
  EXPECT_EQ(from_log.state.documents().size(), 20u);
  storage::VerifyReport report;
  EXPECT_TRUE((*log)->verify("assessment", &report).ok()) << (report.first_break ? report.first_break->message : "");
}

}  // namespace
}  // namespace kenes::testing
