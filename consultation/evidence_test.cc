// An indicator's evidence (issue 19): references and figures added, edited
// and removed through the handlers, the limits refused with messages that
// name the field, the fold (order kept, ids stamped, a late edit of a
// removed one tolerated), and what a joining client is told.

#include <gtest/gtest.h>

#include "consultation/client_state.h"
#include "consultation/testing/simulated_room.h"

namespace kenes::consultation {
namespace {

using kenes::v1::ClientMessage;
using testing::SimulatedRoom;

kenes::v1::Reference freedom_house() {
  kenes::v1::Reference r;
  r.add_authors("Freedom House");
  r.set_title("Freedom on the Net 2024: Kazakhstan");
  r.set_year(2024);
  r.set_publisher("Freedom House");
  r.set_link("https://freedomhouse.org/country/kazakhstan/freedom-net/2024");
  r.set_accessed("2026-11-02");
  return r;
}

kenes::v1::Figure internet_users(const std::string& source_reference) {
  kenes::v1::Figure f;
  f.set_label("Individuals using the Internet");
  f.set_value("87.3");
  f.set_unit("% of population");
  f.set_year(2023);
  if (source_reference.empty()) {
    f.set_source_text("Bureau of National Statistics");
  } else {
    f.set_source_reference_id(source_reference);
  }
  auto* women = f.add_breakdown();
  women->set_label("women");
  women->set_value("86.1");
  auto* men = f.add_breakdown();
  men->set_label("men");
  men->set_value("88.6");
  return f;
}

class EvidenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(room_.append(testing::sample_consultation_created("evidence", "Evidence"))) << room_.error();
    chair_ = room_.admit("chair", "Chair", kenes::v1::ROLE_CHAIR);
    researcher_ = room_.admit("researcher", "Researcher", kenes::v1::ROLE_RESEARCHER);
    member_ = room_.admit("member", "Member", kenes::v1::ROLE_MEMBER);
  }

  Outcome add_reference(const kenes::v1::Reference& r, const Caller* who = nullptr) {
    ClientMessage m;
    m.mutable_add_reference()->set_indicator_id("R.1");
    *m.mutable_add_reference()->mutable_reference() = r;
    return room_.request(who ? *who : researcher_, m);
  }
  Outcome add_figure(const kenes::v1::Figure& f) {
    ClientMessage m;
    m.mutable_add_figure()->set_indicator_id("R.1");
    *m.mutable_add_figure()->mutable_figure() = f;
    return room_.request(researcher_, m);
  }
  // The refusal's message, or "" when the request passed.
  std::string refused(const Outcome& out, kenes::v1::ErrorCode code = kenes::v1::ERROR_CODE_INVALID_ARGUMENT) {
    if (!out.refusal) return "";
    EXPECT_EQ(out.refusal->code, code) << out.refusal->message;
    return out.refusal->message;
  }
  const IndicatorState& r1() { return *room_.state().assessment().indicator("R.1"); }

  SimulatedRoom room_{"evidence", 1'800'000'000'000};
  Caller chair_, researcher_, member_;
};

TEST_F(EvidenceTest, AReferenceAndAFigureCitingItAreStampedWithIdsAndKeptInOrder) {
  ASSERT_FALSE(add_reference(freedom_house()).refusal);
  EXPECT_EQ(room_.last().reference_added().reference().reference_id(), "ref-1");
  kenes::v1::Reference second = freedom_house();
  second.set_reference_id("ref-77");  // the client's id is ignored
  second.set_title("Freedom on the Net 2023");
  second.set_year(2023);
  ASSERT_FALSE(add_reference(second).refusal);
  ASSERT_FALSE(add_figure(internet_users("ref-2")).refusal);
  EXPECT_EQ(room_.last().figure_added().figure().figure_id(), "fig-1");

  ASSERT_EQ(r1().references.size(), 2u);
  EXPECT_EQ(r1().references[0].reference_id(), "ref-1");
  EXPECT_EQ(r1().references[1].reference_id(), "ref-2");
  EXPECT_EQ(r1().references[1].title(), "Freedom on the Net 2023");
  ASSERT_EQ(r1().figures.size(), 1u);
  EXPECT_EQ(r1().figures[0].source_reference_id(), "ref-2");
  EXPECT_EQ(r1().figures[0].breakdown(1).label(), "men");
}

TEST_F(EvidenceTest, AnEditReplacesInPlaceAndARemovalForgets) {
  ASSERT_FALSE(add_reference(freedom_house()).refusal);
  ASSERT_FALSE(add_reference(freedom_house()).refusal);
  ClientMessage edit;
  edit.mutable_edit_reference()->set_indicator_id("R.1");
  *edit.mutable_edit_reference()->mutable_reference() = freedom_house();
  edit.mutable_edit_reference()->mutable_reference()->set_reference_id("ref-1");
  EXPECT_EQ(refused(room_.request(chair_, edit)), "the reference is unchanged");
  edit.mutable_edit_reference()->mutable_reference()->set_title("Freedom on the Net 2025");
  ASSERT_FALSE(room_.request(chair_, edit).refusal);
  EXPECT_EQ(r1().references[0].title(), "Freedom on the Net 2025");
  EXPECT_EQ(r1().references[1].reference_id(), "ref-2");

  ClientMessage remove;
  remove.mutable_remove_reference()->set_indicator_id("R.1");
  remove.mutable_remove_reference()->set_reference_id("ref-1");
  ASSERT_FALSE(room_.request(chair_, remove).refusal);
  ASSERT_EQ(r1().references.size(), 1u);
  EXPECT_EQ(r1().references[0].reference_id(), "ref-2");
  EXPECT_EQ(refused(room_.request(chair_, remove), kenes::v1::ERROR_CODE_NOT_FOUND),
            "no reference 'ref-1' on this indicator");
  // Ids are never reused: the next one is ref-3.
  ASSERT_FALSE(add_reference(freedom_house()).refusal);
  EXPECT_EQ(room_.last().reference_added().reference().reference_id(), "ref-3");
}

TEST_F(EvidenceTest, ACitedReferenceStaysUntilItsFigureLetsGo) {
  ASSERT_FALSE(add_reference(freedom_house()).refusal);
  ASSERT_FALSE(add_figure(internet_users("ref-1")).refusal);
  ClientMessage remove;
  remove.mutable_remove_reference()->set_indicator_id("R.1");
  remove.mutable_remove_reference()->set_reference_id("ref-1");
  EXPECT_EQ(refused(room_.request(chair_, remove)),
            "the reference is the source of figure fig-1; change that figure's source or remove it first");
  ClientMessage drop;
  drop.mutable_remove_figure()->set_indicator_id("R.1");
  drop.mutable_remove_figure()->set_figure_id("fig-1");
  ASSERT_FALSE(room_.request(chair_, drop).refusal);
  EXPECT_FALSE(room_.request(chair_, remove).refusal);
  EXPECT_TRUE(r1().references.empty());
  EXPECT_TRUE(r1().figures.empty());
}

TEST_F(EvidenceTest, OnlyTheChairAndResearchersChangeEvidence) {
  Outcome out = add_reference(freedom_house(), &member_);
  ASSERT_TRUE(out.refusal);
  EXPECT_EQ(out.refusal->code, kenes::v1::ERROR_CODE_FORBIDDEN);
  EXPECT_FALSE(add_reference(freedom_house(), &chair_).refusal);
}

TEST_F(EvidenceTest, BrokenLimitsAreRefusedNamingTheField) {
  auto ref = [](auto change) {
    kenes::v1::Reference r = freedom_house();
    change(r);
    return r;
  };
  EXPECT_EQ(refused(add_reference(ref([](auto& r) { r.clear_authors(); }))),
            "a reference needs at least one author (a person or an institution)");
  EXPECT_EQ(refused(add_reference(ref([](auto& r) { r.set_title("  "); }))), "the title is required");
  EXPECT_EQ(refused(add_reference(ref([](auto& r) { r.set_title(std::string(1001, 'x')); }))),
            "the title is at most 1000 bytes");
  EXPECT_EQ(refused(add_reference(ref([](auto& r) { r.set_title("caf\xc3"); }))), "the title is not valid UTF-8");
  EXPECT_EQ(refused(add_reference(ref([](auto& r) { r.set_year(0); }))), "the year is 1500 to 2199, got 0");
  EXPECT_EQ(refused(add_reference(ref([](auto& r) { r.set_link("javascript:alert(1)"); }))),
            "the link must be an http:// or https:// address without spaces, got 'javascript:alert(1)'");
  EXPECT_EQ(refused(add_reference(ref([](auto& r) { r.set_link("https://"); }))),
            "the link must be an http:// or https:// address without spaces, got 'https://'");
  EXPECT_EQ(refused(add_reference(ref([](auto& r) { r.set_link("https://a.org/x y"); }))),
            "the link must be an http:// or https:// address without spaces, got 'https://a.org/x y'");
  EXPECT_EQ(refused(add_reference(ref([](auto& r) { r.set_link("HTTP://A.ORG"); }))), "");
  EXPECT_EQ(refused(add_reference(ref([](auto& r) { r.set_accessed("2026-02-30"); }))),
            "the accessed date is a calendar date YYYY-MM-DD between 2000 and 2199, got '2026-02-30'");
  EXPECT_EQ(refused(add_reference(ref([](auto& r) {
              for (int i = 0; i < 21; ++i) r.add_authors("someone");
            }))),
            "at most 20 authors");

  auto fig = [](auto change) {
    kenes::v1::Figure f = internet_users("");
    change(f);
    return f;
  };
  EXPECT_EQ(refused(add_figure(fig([](auto& f) { f.clear_value(); }))), "the value is required");
  EXPECT_EQ(refused(add_figure(fig([](auto& f) { f.set_source_reference_id("ref-9"); }))),
            "a figure's source is either one of the indicator's references or a text, not both or neither");
  EXPECT_EQ(refused(add_figure(fig([](auto& f) {
              f.clear_source_text();
              f.set_source_reference_id("ref-9");
            }))),
            "the source 'ref-9' is not a reference of this indicator");
  EXPECT_EQ(refused(add_figure(fig([](auto& f) { f.mutable_breakdown(0)->clear_label(); }))),
            "each breakdown row's label is required");
  EXPECT_EQ(refused(add_figure(fig([](auto& f) {
              for (int i = 0; i < 49; ++i) *f.add_breakdown() = f.breakdown(0);
            }))),
            "a breakdown has at most 50 rows");
  EXPECT_EQ(refused(add_figure(fig([](auto& f) { f.set_note(std::string(2001, 'n')); }))),
            "the note is at most 2000 bytes");
  // Of all these, only the upper-case scheme passed.
  EXPECT_EQ(r1().references.size(), 1u);
  EXPECT_TRUE(r1().figures.empty());

  ClientMessage elsewhere;
  elsewhere.mutable_add_figure()->set_indicator_id("Z.9");
  *elsewhere.mutable_add_figure()->mutable_figure() = internet_users("");
  EXPECT_EQ(refused(room_.request(chair_, elsewhere), kenes::v1::ERROR_CODE_NOT_FOUND),
            "no indicator 'Z.9' in the consultation's framework");
}

TEST_F(EvidenceTest, AnEditOfARemovedFigureFoldsToNothing) {
  // The room checked the edit before the removal was durable; the fold
  // meets the removal first and lets the edit change nothing.
  ASSERT_FALSE(add_figure(internet_users("")).refusal);
  kenes::v1::LogRecord removed;
  removed.set_author("chair");
  removed.mutable_figure_removed()->set_indicator_id("R.1");
  removed.mutable_figure_removed()->set_figure_id("fig-1");
  ASSERT_TRUE(room_.append(removed)) << room_.error();
  kenes::v1::LogRecord edited;
  edited.set_author("researcher");
  edited.mutable_figure_edited()->set_indicator_id("R.1");
  *edited.mutable_figure_edited()->mutable_figure() = internet_users("");
  edited.mutable_figure_edited()->mutable_figure()->set_figure_id("fig-1");
  ASSERT_TRUE(room_.append(edited)) << room_.error();
  EXPECT_TRUE(r1().figures.empty());
}

TEST_F(EvidenceTest, AJoiningClientIsToldTheEvidence) {
  ASSERT_FALSE(add_reference(freedom_house()).refusal);
  ASSERT_FALSE(add_figure(internet_users("ref-1")).refusal);
  ClientStateEncoder encoder;
  kenes::v1::ClientState st;
  ASSERT_TRUE(st.ParseFromString(encoder.encode(room_.state())));
  const kenes::v1::ClientIndicator* r1 = nullptr;
  for (const auto& i : st.indicators()) {
    if (i.indicator_id() == "R.1") r1 = &i;
  }
  ASSERT_TRUE(r1);
  ASSERT_EQ(r1->references_size(), 1);
  EXPECT_EQ(r1->references(0).link(), "https://freedomhouse.org/country/kazakhstan/freedom-net/2024");
  ASSERT_EQ(r1->figures_size(), 1);
  EXPECT_EQ(r1->figures(0).breakdown(0).value(), "86.1");

  // A later removal re-encodes the indicator.
  ClientMessage drop;
  drop.mutable_remove_figure()->set_indicator_id("R.1");
  drop.mutable_remove_figure()->set_figure_id("fig-1");
  ASSERT_FALSE(room_.request(chair_, drop).refusal);
  encoder.touched(room_.last(), room_.state());
  ASSERT_TRUE(st.ParseFromString(encoder.encode(room_.state())));
  EXPECT_EQ(encoder.encode(room_.state()), client_state(room_.state()).SerializeAsString());
  for (const auto& i : st.indicators()) {
    if (i.indicator_id() == "R.1") {
      EXPECT_EQ(i.figures_size(), 0);
    }
  }
}

}  // namespace
}  // namespace kenes::consultation
