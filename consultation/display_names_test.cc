// Display names are unique within a consultation (issue 17): a member could
// otherwise rename themself after the chair, or use look-alike letters.

#include "consultation/display_names.h"

#include <gtest/gtest.h>

#include "consultation/sample_framework.h"
#include "consultation/testing/simulated_room.h"

namespace kenes::consultation {
namespace {

using kenes::v1::ClientMessage;
using testing::SimulatedRoom;

TEST(DisplayNamesTest, SkeletonsIgnoreCaseAccentsInvisiblesSpacesAndLookAlikeLetters) {
  const std::string chair = name_skeleton("Aigerim Sadykova");
  for (const char* same : {"aigerim sadykova", "AIGERIM  SADYKOVA", " Aigerim Sadykova ", "Aígerim Sadykova",
                           "Ai\u200Bgerim Sadykova",       // a zero-width space
                           "\u0410igerim Sadykov\u0430",    // Cyrillic А and а
                           "Aigerim S\u0430dyk\u043Eva",    // Cyrillic а, о
                           "\uFF21igerim Sadykova",         // full-width A
                           "Aigerim\u00A0Sadykova",         // a no-break space
                           "Aigerim Sadyk0va"}) {           // a zero for the o
    EXPECT_EQ(name_skeleton(same), chair) << same;
  }
  for (const char* other : {"Aigerim Sadykova (2)", "Aigerim", "Aigerim Sadykov", "Айгерим Садыкова"}) {
    EXPECT_NE(name_skeleton(other), chair) << other;
  }
  // Kazakh letters fold by case, and keep apart from their look-alikes' bases.
  EXPECT_EQ(name_skeleton("ҚАЗАҚ"), name_skeleton("қазақ"));
  EXPECT_EQ(name_skeleton("Әлия"), name_skeleton("әлия"));
}

class DisplayNamesRoomTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kenes::v1::LogRecord created;
    created.set_author("operator");
    auto* c = created.mutable_consultation_created();
    c->set_consultation_id("names");
    c->set_title("Names");
    *c->mutable_framework() = sample_framework();
    ASSERT_TRUE(room_.append(created)) << room_.error();
    chair_ = room_.admit("chair", "Aigerim Sadykova", kenes::v1::ROLE_CHAIR);
    member_ = room_.admit("member", "Bolat", kenes::v1::ROLE_MEMBER);
  }

  Outcome rename(const Caller& who, const std::string& name) {
    ClientMessage m;
    m.mutable_update_profile()->set_display_name(name);
    m.mutable_update_profile()->set_stakeholder_group(kenes::v1::STAKEHOLDER_GROUP_ACADEMIA);
    return room_.request(who, m);
  }

  SimulatedRoom room_{"names", 1'800'000'000'000};
  Caller chair_;
  Caller member_;
};

TEST_F(DisplayNamesRoomTest, AMemberCannotTakeTheChairsNameInAnySpelling) {
  for (const char* taken : {"Aigerim Sadykova", "aigerim sadykova", "\u0410igerim Sadykova"}) {
    Outcome out = rename(member_, taken);
    ASSERT_TRUE(out.refusal) << taken;
    EXPECT_EQ(out.refusal->code, kenes::v1::ERROR_CODE_INVALID_ARGUMENT);
    EXPECT_NE(out.refusal->message.find("Aigerim Sadykova"), std::string::npos) << out.refusal->message;
  }
  EXPECT_FALSE(rename(member_, "Bolat Nurlanov").refusal);
  EXPECT_FALSE(rename(chair_, "aigerim sadykova").refusal) << "one's own name, respelled";
  EXPECT_FALSE(rename(member_, "").refusal) << "an empty name keeps the name";
}

TEST_F(DisplayNamesRoomTest, ANewcomerWhoseInvitationCarriesATakenNameGetsANumber) {
  room_.admit("newcomer", "Bolat", kenes::v1::ROLE_MEMBER);
  room_.admit("third", "BOLAT", kenes::v1::ROLE_MEMBER);
  EXPECT_EQ(room_.state().participant("newcomer")->display_name, "Bolat (2)");
  EXPECT_EQ(room_.state().participant("third")->display_name, "BOLAT (3)");
  EXPECT_EQ(room_.state().participant("member")->display_name, "Bolat");
}

TEST_F(DisplayNamesRoomTest, ARevokedParticipantsNameIsFreeAgain) {
  ClientMessage revoke;
  revoke.mutable_revoke_participant()->set_participant_id("member");
  ASSERT_FALSE(room_.request(chair_, revoke).refusal);
  Caller other = room_.admit("other", "Dana", kenes::v1::ROLE_MEMBER);
  EXPECT_FALSE(rename(other, "Bolat").refusal);
}

}  // namespace
}  // namespace kenes::consultation
