// The assessment's scope (issue 19): all indicators, the core ones, or the
// core ones plus a list the chair selects. Who may set it, what is refused
// (ids the framework lacks, core ids, repeats, a list with another scope),
// how it folds from the log — old records keep their meaning — and what a
// joining client is told.

#include <gtest/gtest.h>

#include "consultation/client_state.h"
#include "consultation/sample_framework.h"
#include "consultation/testing/simulated_room.h"

namespace kenes::consultation {
namespace {

using kenes::v1::ClientMessage;
using testing::SimulatedRoom;

// The sample with three more indicators that are not core (C.2 is not
// already): C.2, R.2, O.1 and X.1 may be selected.
kenes::v1::LogRecord created(kenes::v1::Scope scope, std::vector<std::string> selected = {}) {
  kenes::v1::LogRecord rec = testing::sample_consultation_created("scope", "Scope");
  auto* c = rec.mutable_consultation_created();
  c->set_scope(scope);
  for (auto& id : selected) c->add_selected_indicator_ids(id);
  for (auto& cat : *c->mutable_framework()->mutable_categories()) {
    for (auto& theme : *cat.mutable_themes()) {
      for (auto& q : *theme.mutable_questions()) {
        for (auto& i : *q.mutable_indicators()) {
          if (i.id() == "R.2" || i.id() == "O.1" || i.id() == "X.1") i.set_core(false);
        }
      }
    }
  }
  return rec;
}

class ScopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(room_.append(created(kenes::v1::SCOPE_ALL))) << room_.error();
    chair_ = room_.admit("chair", "Chair", kenes::v1::ROLE_CHAIR);
    researcher_ = room_.admit("researcher", "Researcher", kenes::v1::ROLE_RESEARCHER);
  }

  Outcome set(kenes::v1::Scope scope, std::vector<std::string> selected = {}, const Caller* who = nullptr) {
    ClientMessage m;
    m.mutable_set_scope()->set_scope(scope);
    for (auto& id : selected) m.mutable_set_scope()->add_selected_indicator_ids(id);
    return room_.request(who ? *who : chair_, m);
  }

  // The indicators in scope, in framework order, as the folds say.
  static std::string covered(const ConsultationState& state) {
    std::string out;
    for (const auto& c : state.created()->framework().categories()) {
      for (const auto& t : c.themes()) {
        for (const auto& q : t.questions()) {
          for (const auto& i : q.indicators()) {
            if (state.in_scope(i)) out += (out.empty() ? "" : " ") + i.id();
          }
        }
      }
    }
    return out;
  }

  SimulatedRoom room_{"scope", 1'800'000'000'000};
  Caller chair_;
  Caller researcher_;
};

TEST_F(ScopeTest, CorePlusSelectedCoversTheCoreAndTheSelectedListedInFrameworkOrder) {
  EXPECT_EQ(covered(room_.state()), "C.2 C.1 R.1 R.2 R.3 O.1 A.1 M.1 X.1");
  Outcome out = set(kenes::v1::SCOPE_CORE_PLUS_SELECTED, {"X.1", "R.2"});
  ASSERT_FALSE(out.refusal) << out.refusal->message;
  const auto& rec = room_.last().scope_changed();
  EXPECT_EQ(rec.scope(), kenes::v1::SCOPE_CORE_PLUS_SELECTED);
  ASSERT_EQ(rec.selected_indicator_ids_size(), 2);
  EXPECT_EQ(rec.selected_indicator_ids(0), "R.2");  // as in the framework, not as ticked
  EXPECT_EQ(rec.selected_indicator_ids(1), "X.1");
  EXPECT_EQ(room_.state().scope(), kenes::v1::SCOPE_CORE_PLUS_SELECTED);
  EXPECT_EQ(room_.state().scope_selected(), (std::vector<std::string>{"R.2", "X.1"}));
  EXPECT_EQ(covered(room_.state()), "C.1 R.1 R.2 R.3 A.1 M.1 X.1");
}

TEST_F(ScopeTest, UnknownCoreRepeatedOrMisplacedSelectionsAreRefusedAndNothingIsWritten) {
  size_t records = room_.log().size();
  struct Case {
    kenes::v1::Scope scope;
    std::vector<std::string> selected;
    kenes::v1::ErrorCode code;
    std::string message;
  };
  const Case cases[] = {
      {kenes::v1::SCOPE_CORE_PLUS_SELECTED, {"R.2", "R.99"}, kenes::v1::ERROR_CODE_NOT_FOUND,
       "no indicator 'R.99' in the consultation's framework"},
      {kenes::v1::SCOPE_CORE_PLUS_SELECTED, {"R.1"}, kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
       "'R.1' is a core indicator: the core ones are in this scope already"},
      {kenes::v1::SCOPE_CORE_PLUS_SELECTED, {"O.1", "O.1"}, kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
       "'O.1' is selected twice"},
      {kenes::v1::SCOPE_CORE_PLUS_SELECTED, {}, kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
       "select at least one indicator besides the core ones (or choose the scope CORE)"},
      {kenes::v1::SCOPE_ALL, {"O.1"}, kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
       "indicators are selected only with the scope CORE_PLUS_SELECTED"},
      {kenes::v1::SCOPE_CORE, {"O.1"}, kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
       "indicators are selected only with the scope CORE_PLUS_SELECTED"},
      {kenes::v1::SCOPE_UNSPECIFIED, {}, kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
       "scope must be ALL, CORE or CORE_PLUS_SELECTED"},
      {static_cast<kenes::v1::Scope>(9), {}, kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
       "scope must be ALL, CORE or CORE_PLUS_SELECTED"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    Outcome out = set(c.scope, c.selected);
    ASSERT_TRUE(out.refusal);
    EXPECT_EQ(out.refusal->code, c.code);
    EXPECT_EQ(out.refusal->message, c.message);
  }
  Outcome researcher = set(kenes::v1::SCOPE_CORE_PLUS_SELECTED, {"O.1"}, &researcher_);
  ASSERT_TRUE(researcher.refusal);
  EXPECT_EQ(researcher.refusal->code, kenes::v1::ERROR_CODE_FORBIDDEN);
  EXPECT_EQ(room_.log().size(), records);
  EXPECT_EQ(room_.state().scope(), kenes::v1::SCOPE_ALL);
}

TEST_F(ScopeTest, ChoosingAllOrCoreAgainDropsTheSelection) {
  ASSERT_FALSE(set(kenes::v1::SCOPE_CORE_PLUS_SELECTED, {"O.1"}).refusal);
  ASSERT_FALSE(set(kenes::v1::SCOPE_CORE).refusal);
  EXPECT_TRUE(room_.state().scope_selected().empty());
  EXPECT_EQ(covered(room_.state()), "C.1 R.1 R.3 A.1 M.1");
  ASSERT_FALSE(set(kenes::v1::SCOPE_CORE_PLUS_SELECTED, {"C.2"}).refusal);
  EXPECT_EQ(covered(room_.state()), "C.2 C.1 R.1 R.3 A.1 M.1");
}

// Logs written before issue 19 have ScopeChanged{ALL|CORE} and
// ConsultationCreated without a selection: they fold as they did. A
// consultation created as core plus selected is covered as created until
// the chair changes it.
TEST(ScopeFoldTest, OldRecordsKeepTheirMeaningAndTheCreatedSelectionHoldsUntilChanged) {
  ConsultationState state("scope");
  kenes::v1::LogRecord first = created(kenes::v1::SCOPE_CORE_PLUS_SELECTED, {"O.1"});
  first.set_seq(1);
  ASSERT_TRUE(state.apply(first).ok());
  EXPECT_EQ(state.scope_selected(), std::vector<std::string>{"O.1"});
  EXPECT_TRUE(state.in_scope(*state.framework_indicator("O.1")));
  EXPECT_FALSE(state.in_scope(*state.framework_indicator("R.2")));

  kenes::v1::LogRecord core;
  core.set_seq(2);
  core.set_author("chair");
  core.mutable_scope_changed()->set_scope(kenes::v1::SCOPE_CORE);  // as a 2025 log has it
  ASSERT_TRUE(state.apply(core).ok());
  EXPECT_EQ(state.scope(), kenes::v1::SCOPE_CORE);
  EXPECT_TRUE(state.scope_selected().empty());
  EXPECT_FALSE(state.in_scope(*state.framework_indicator("O.1")));
  EXPECT_TRUE(state.in_scope(*state.framework_indicator("R.1")));

  kenes::v1::LogRecord all = core;
  all.set_seq(3);
  all.mutable_scope_changed()->set_scope(kenes::v1::SCOPE_ALL);
  ASSERT_TRUE(state.apply(all).ok());
  EXPECT_TRUE(state.in_scope(*state.framework_indicator("O.1")));
}

TEST_F(ScopeTest, AJoiningClientIsToldTheSelectionAndTheIncrementalEncodingAgrees) {
  ClientStateEncoder encoder;
  EXPECT_EQ(encoder.encode(room_.state()), client_state(room_.state()).SerializeAsString());
  ASSERT_FALSE(set(kenes::v1::SCOPE_CORE_PLUS_SELECTED, {"X.1", "C.2"}).refusal);
  encoder.touched(room_.last(), room_.state());
  std::string bytes = encoder.encode(room_.state());
  EXPECT_EQ(bytes, client_state(room_.state()).SerializeAsString());
  kenes::v1::ClientState st;
  ASSERT_TRUE(st.ParseFromString(bytes));
  EXPECT_EQ(st.scope_override(), kenes::v1::SCOPE_CORE_PLUS_SELECTED);
  ASSERT_EQ(st.scope_override_selected_size(), 2);
  EXPECT_EQ(st.scope_override_selected(0), "C.2");
  EXPECT_EQ(st.scope_override_selected(1), "X.1");

  ASSERT_FALSE(set(kenes::v1::SCOPE_ALL).refusal);
  encoder.touched(room_.last(), room_.state());
  ASSERT_TRUE(st.ParseFromString(encoder.encode(room_.state())));
  EXPECT_EQ(st.scope_override_selected_size(), 0);
}

TEST_F(ScopeTest, ASnapshotKeepsTheSelection) {
  ASSERT_FALSE(set(kenes::v1::SCOPE_CORE_PLUS_SELECTED, {"R.2"}).refusal);
  ConsultationState restored("scope");
  for (auto& s : room_.mutable_state().snapshots(false)) {
    ASSERT_TRUE(restored.load_snapshot(s.name, std::move(s.bytes)).ok());
  }
  ASSERT_TRUE(restored.finish_loading_snapshots().ok());
  EXPECT_EQ(restored.scope(), kenes::v1::SCOPE_CORE_PLUS_SELECTED);
  EXPECT_EQ(restored.scope_selected(), std::vector<std::string>{"R.2"});
}

}  // namespace
}  // namespace kenes::consultation
