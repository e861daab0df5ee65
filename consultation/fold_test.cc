// The consultation's folds over seeded random consultations made through
// the request handlers (testing/random_consultation.h): the live path (as
// the room folds: thread records as built, edits by the sequencer, the rest
// when durable), a replay of the log (as recovery folds) and a snapshot set
// restored must give every participant the same view. A failing seed is
// printed; KENES_TEST_SEED=<n> runs only it.

#include <gtest/gtest.h>

#include <set>

#include "consultation/client_state.h"
#include "consultation/testing/fold_view.h"
#include "consultation/testing/random_consultation.h"
#include "engine/testing/random_edits.h"

namespace kenes::consultation {
namespace {

using testing::fold_view;
using testing::random_consultation;
using testing::RandomConsultationOptions;
using testing::SimulatedRoom;

SimulatedRoom made(uint64_t seed, int steps) {
  RandomConsultationOptions o;
  o.seed = seed;
  o.steps = steps;
  SimulatedRoom room = random_consultation(o);
  room.settle();
  return room;
}

ConsultationState replay(const SimulatedRoom& room) {
  ConsultationState state(room.state().consultation_id());
  for (const auto& rec : room.log()) {
    engine::Status s = state.apply(rec);
    EXPECT_TRUE(s.ok()) << "seq " << rec.seq() << ": " << s.message();
  }
  return state;
}

void expect_same_views(const ConsultationState& a, const ConsultationState& b, int64_t now) {
  for (const auto& [id, p] : a.participants()) {
    EXPECT_EQ(fold_view(a, id, now), fold_view(b, id, now)) << "the view of " << id;
  }
}

TEST(FoldTest, TheLiveFoldAndAReplayOfTheLogAgreeForEveryParticipant) {
  for (uint64_t seed : engine::testing::test_seeds(20)) {
    SCOPED_TRACE("seed " + std::to_string(seed) + " (KENES_TEST_SEED=" + std::to_string(seed) + " to rerun)");
    SimulatedRoom room = made(seed, 300);
    ASSERT_EQ(room.error(), "");
    ConsultationState replayed = replay(room);
    expect_same_views(room.state(), replayed, room.now());
    EXPECT_EQ(room.state().discussion().debug_string(), replayed.discussion().debug_string());
    EXPECT_EQ(room.state().assessment().records_fingerprint(), replayed.assessment().records_fingerprint());
  }
}

TEST(FoldTest, ASnapshotSetRestoresTheSameState) {
  for (uint64_t seed : engine::testing::test_seeds(10)) {
    SCOPED_TRACE("seed " + std::to_string(seed) + " (KENES_TEST_SEED=" + std::to_string(seed) + " to rerun)");
    SimulatedRoom room = made(seed, 200);
    ConsultationState replayed = replay(room);
    ConsultationState restored(room.state().consultation_id());
    for (auto& s : replayed.snapshots(false)) ASSERT_TRUE(restored.load_snapshot(s.name, std::move(s.bytes)).ok());
    ASSERT_TRUE(restored.finish_loading_snapshots().ok());
    restored.set_seq(replayed.seq());
    expect_same_views(replayed, restored, room.now());
  }
}

// Issue 16: a client that joins by state (client_state.h) and opens every
// draft sees what one that folded the whole log sees.
TEST(FoldTest, AJoinStateGivesEveryParticipantTheViewOfTheWholeLog) {
  for (uint64_t seed : engine::testing::test_seeds(20)) {
    SCOPED_TRACE("seed " + std::to_string(seed) + " (KENES_TEST_SEED=" + std::to_string(seed) + " to rerun)");
    SimulatedRoom room = made(seed, 300);
    ConsultationState replayed = replay(room);
    kenes::v1::JoinState join;
    *join.mutable_state() = client_state(replayed);
    std::vector<kenes::v1::DocumentText> opened;
    for (const auto& [doc_id, doc] : replayed.documents()) opened.push_back(document_text(replayed, doc_id));
    for (const auto& [id, p] : replayed.participants()) {
      *join.mutable_own() = own_state(replayed, id);
      EXPECT_EQ(testing::fold_view_of_join(join, opened, id, room.now()), fold_view(replayed, id, room.now()))
          << "the view of " << id;
    }
  }
}

// The vectors are only as good as the consultations behind them: the seeds
// the fold vectors use must, together, make every record a request can make.
TEST(FoldTest, TheVectorSeedsMakeEveryKindOfRecord) {
  std::set<int> made_kinds;
  bool core_plus_selected = false;  // issue 19's scope, which the TypeScript fold must follow too
  for (uint64_t seed = 1; seed <= testing::kFoldVectorSeeds; ++seed) {
    const SimulatedRoom room = made(seed, testing::kFoldVectorSteps);
    for (const auto& rec : room.log()) {
      made_kinds.insert(rec.event_case());
      if (rec.scope_changed().scope() == kenes::v1::SCOPE_CORE_PLUS_SELECTED) core_plus_selected = true;
    }
  }
  EXPECT_TRUE(core_plus_selected) << "no ScopeChanged to CORE_PLUS_SELECTED";
  using R = kenes::v1::LogRecord;
  for (int kind : {R::kConsultationCreated, R::kParticipantInvited, R::kParticipantRevoked, R::kProfileUpdated,
                   R::kTextEdit, R::kIndicatorStatusChanged, R::kIndicatorAssigneesSet, R::kIndicatorSourcesSet,
                   R::kIndicatorScoreSet, R::kScopeChanged, R::kPollCreated, R::kPollOpened, R::kVoteCast,
                   R::kPollClosed, R::kMeetingStarted, R::kMeetingEnded, R::kSpotlightSet, R::kAttendanceChanged,
                   R::kThreadCreated, R::kCommentAdded, R::kCommentEdited, R::kCommentDeleted, R::kCommentHidden,
                   R::kThreadResolved, R::kThreadReattached, R::kReactionSet, R::kSuggestionRejected,
                   R::kObserverCommentingSet, R::kThreadsRead, R::kVisited, R::kNotificationSettingsSet,
                   R::kParticipantsImported, R::kParticipantJoined, R::kInviteLinkReissued, R::kRegistrationOpened,
                   R::kRegistrationClosed, R::kBoardSettingsSet, R::kValidationSessionStarted,
                   R::kValidationItemOpened, R::kValidationItemSkipped, R::kValidationSessionEnded,
                   R::kAttendanceMarked, R::kIndicatorDueDateSet, R::kReferenceAdded, R::kReferenceEdited,
                   R::kReferenceRemoved, R::kFigureAdded, R::kFigureEdited, R::kFigureRemoved}) {
    EXPECT_TRUE(made_kinds.count(kind)) << "no " << R::descriptor()->FindFieldByNumber(kind)->name() << " record";
  }
}

}  // namespace
}  // namespace kenes::consultation
