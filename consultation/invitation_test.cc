// The roster in the app (issue 18), without a socket: inviting one person
// and many, who has joined, re-issued links, registration links and their
// cap, the board's balance, and a snapshot that keeps all of it.

#include <gtest/gtest.h>

#include "consultation/admission.h"
#include "consultation/permissions.h"
#include "consultation/testing/simulated_room.h"

namespace kenes::consultation {
namespace {

using kenes::v1::ClientMessage;
using kenes::v1::Role;
using testing::SimulatedRoom;

constexpr int64_t kStart = 1'800'000'000'000;
constexpr int64_t kDay = 86'400'000;

class InvitationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(room_.append(testing::sample_consultation_created("roster", "Roster"))) << room_.error();
    chair_ = room_.admit("chair", "Aigerim Sadykova", kenes::v1::ROLE_CHAIR);
    member_ = room_.admit("member", "Bolat Member", kenes::v1::ROLE_MEMBER);
  }

  Outcome invite(const std::string& id, const std::string& name, Role role,
                 kenes::v1::StakeholderGroup group = kenes::v1::STAKEHOLDER_GROUP_UNSPECIFIED,
                 const std::string& gender = "") {
    ClientMessage m;
    auto* i = m.mutable_invite_participant();
    i->set_participant_id(id);
    i->set_display_name(name);
    i->set_role(role);
    i->set_stakeholder_group(group);
    i->set_gender(gender);
    return room_.request(chair_, m);
  }

  Outcome import(const std::string& csv, const std::string& prefix = "import-a") {
    ClientMessage m;
    m.mutable_import_participants()->set_csv(csv);
    m.mutable_import_participants()->set_id_prefix(prefix);
    return room_.request(chair_, m);
  }

  Outcome open_registration(const std::string& id, uint32_t cap, int64_t expires = kStart + kDay) {
    ClientMessage m;
    auto* r = m.mutable_open_registration();
    r->set_registration_id(id);
    r->set_role(kenes::v1::ROLE_MEMBER);
    r->set_expires_unix_ms(expires);
    r->set_cap(cap);
    r->set_label("Workshop, 12 March");
    return room_.request(chair_, m);
  }

  Invitation walk_in(const std::string& id, const std::string& registration_id, const std::string& name,
                     kenes::v1::StakeholderGroup group = kenes::v1::STAKEHOLDER_GROUP_CIVIL_SOCIETY) {
    Invitation inv;
    inv.participant_id = id;
    inv.role = kenes::v1::ROLE_MEMBER;
    inv.registration_id = registration_id;
    inv.registration.set_display_name(name);
    inv.registration.set_stakeholder_group(group);
    inv.registration.set_gender("woman");
    return inv;
  }

  SimulatedRoom room_{"roster", kStart};
  Caller chair_, member_;
};

TEST_F(InvitationTest, AnInvitedPersonIsOnTheRosterBeforeTheyComeAndJoinsOnTheirFirstVisit) {
  Outcome out = invite("dana-0001", "Dana Abenova", kenes::v1::ROLE_MEMBER, kenes::v1::STAKEHOLDER_GROUP_MEDIA, "woman");
  ASSERT_FALSE(out.refusal) << out.refusal->message;
  const Participant* dana = room_.state().participant("dana-0001");
  ASSERT_NE(dana, nullptr);
  EXPECT_FALSE(dana->joined);
  EXPECT_EQ(dana->invited_by, "chair");
  EXPECT_EQ(dana->stakeholder_group, kenes::v1::STAKEHOLDER_GROUP_MEDIA);
  EXPECT_EQ(dana->gender, "woman");
  EXPECT_TRUE(dana->profiled) << "the chair gave her group: she is not asked again";

  Admission first = room_.arrive(personal_invitation("dana-0001", "whatever the link says", kenes::v1::ROLE_OBSERVER));
  ASSERT_EQ(first.kind, Admission::Kind::kFirstVisit);
  EXPECT_EQ(first.role, kenes::v1::ROLE_MEMBER) << "the log's role, not the link's";
  ASSERT_TRUE(first.first_visit && first.first_visit->has_participant_joined());
  EXPECT_TRUE(room_.state().participant("dana-0001")->joined);
  EXPECT_EQ(room_.state().participant("dana-0001")->display_name, "Dana Abenova");
  EXPECT_EQ(room_.arrive(personal_invitation("dana-0001", "", kenes::v1::ROLE_MEMBER)).kind, Admission::Kind::kKnown);

  // Someone who came on their own link (kenes-admin invite) joined then.
  EXPECT_TRUE(room_.state().participant("member")->joined);
  EXPECT_EQ(room_.state().participant("member")->invited_by, "");
}

TEST_F(InvitationTest, AnInvitationIsRefusedWithAReasonWhenItCannotStand) {
  EXPECT_EQ(invite("short", "A", kenes::v1::ROLE_MEMBER).refusal->code, kenes::v1::ERROR_CODE_INVALID_ARGUMENT);
  EXPECT_EQ(invite("second-chair", "Chair Two", kenes::v1::ROLE_CHAIR).refusal->code,
            kenes::v1::ERROR_CODE_INVALID_ARGUMENT);
  Outcome same_name = invite("another-1", "AIGERIM  Sadykova", kenes::v1::ROLE_MEMBER);
  ASSERT_TRUE(same_name.refusal);
  EXPECT_NE(same_name.refusal->message.find("Aigerim Sadykova"), std::string::npos) << same_name.refusal->message;
  Outcome gender_alone = invite("another-2", "Nurlan", kenes::v1::ROLE_MEMBER,
                                kenes::v1::STAKEHOLDER_GROUP_UNSPECIFIED, "man");
  ASSERT_TRUE(gender_alone.refusal);
  ASSERT_FALSE(invite("taken-id-1", "Someone", kenes::v1::ROLE_MEMBER).refusal);
  EXPECT_TRUE(invite("taken-id-1", "Someone Else", kenes::v1::ROLE_MEMBER).refusal) << "an id is never reused";

  // Only the chair.
  ClientMessage m;
  auto* i = m.mutable_invite_participant();
  i->set_participant_id("by-member-1");
  i->set_display_name("Friend");
  i->set_role(kenes::v1::ROLE_MEMBER);
  EXPECT_EQ(room_.request(member_, m).refusal->code, kenes::v1::ERROR_CODE_FORBIDDEN);
}

TEST_F(InvitationTest, AReissuedLinkRetiresTheOlderOnes) {
  ASSERT_FALSE(invite("dana-0001", "Dana Abenova", kenes::v1::ROLE_MEMBER).refusal);
  ClientMessage re;
  re.mutable_reissue_invite_link()->set_participant_id("dana-0001");
  ASSERT_FALSE(room_.request(chair_, re).refusal);
  EXPECT_EQ(room_.state().participant("dana-0001")->link_generation, 1u);
  EXPECT_EQ(room_.last().invite_link_reissued().generation(), 1u);

  Invitation old_link = personal_invitation("dana-0001", "Dana Abenova", kenes::v1::ROLE_MEMBER);
  Admission refused = room_.arrive(old_link);
  EXPECT_EQ(refused.kind, Admission::Kind::kRefused);
  EXPECT_EQ(refused.refusal_code, kenes::v1::ERROR_CODE_REVOKED);
  EXPECT_NE(refused.refusal.find("replaced"), std::string::npos) << refused.refusal;
  Invitation new_link = old_link;
  new_link.link_generation = 1;
  EXPECT_EQ(room_.arrive(new_link).kind, Admission::Kind::kFirstVisit);

  // The links the chair is given carry the current generation (the room
  // signs them; the handler gives what to sign).
  ClientMessage links;
  links.mutable_get_invite_links()->add_participant_ids("dana-0001");
  links.mutable_get_invite_links()->set_days(7);
  Outcome answer = room_.request(chair_, links);
  ASSERT_TRUE(answer.answer) << (answer.refusal ? answer.refusal->message : "");
  ASSERT_EQ(answer.answer->invite_links().links_size(), 1);
  const auto& link = answer.answer->invite_links().links(0);
  EXPECT_EQ(link.display_name(), "Dana Abenova");
  EXPECT_EQ(link.role(), kenes::v1::ROLE_MEMBER);
  EXPECT_EQ(link.expires_unix_ms(), room_.now() + 7 * kDay);

  ClientMessage revoke;
  revoke.mutable_revoke_participant()->set_participant_id("dana-0001");
  ASSERT_FALSE(room_.request(chair_, revoke).refusal);
  EXPECT_TRUE(room_.request(chair_, links).refusal) << "no link for someone removed";
  EXPECT_TRUE(room_.request(chair_, re).refusal);
}

TEST_F(InvitationTest, AnImportReportsEveryRowsProblemsAndWritesNothingUntilTheFileIsRight) {
  const uint64_t before = room_.state().seq();
  Outcome bad = import(
      "Name,Role,E-mail,Group,Gender,Phone\n"
      "Erlan Nurov,member,erlan@example.org,academia,man,1\n"
      "Gulnar,chair,,media,,2\n"
      "Timur,member,not-an-address,Goverment,,3\n"
      "erlan nurov,observer,,,,4\n"
      "Bolat Member,researcher,,,,5\n");
  ASSERT_TRUE(bad.refusal);
  const std::string& why = bad.refusal->message;
  EXPECT_NE(why.find("line 1: unknown column \"phone\""), std::string::npos) << why;
  EXPECT_NE(why.find("line 3: the role must be researcher, member or observer, not \"chair\""), std::string::npos) << why;
  EXPECT_NE(why.find("line 4: unknown stakeholder group \"Goverment\""), std::string::npos) << why;
  EXPECT_NE(why.find("line 4: \"not-an-address\" is not an e-mail address"), std::string::npos) << why;
  EXPECT_NE(why.find("line 5: the same name as line 2"), std::string::npos) << why;
  EXPECT_NE(why.find("line 6: another participant is called \"Bolat Member\""), std::string::npos) << why;
  EXPECT_EQ(room_.state().seq(), before) << "nothing written";

  Outcome good = import(
      "name,role,email,group,gender\r\n"
      "Erlan Nurov,member,erlan@example.org,Academia,man\r\n"
      "\"Gulnar, PhD\",researcher,,,\r\n"
      "Timur Ospanov,member,,civil_society,\r\n");
  ASSERT_FALSE(good.refusal) << good.refusal->message;
  ASSERT_EQ(room_.last().participants_imported().people_size(), 3);
  EXPECT_EQ(room_.last().author(), "chair");
  const Participant* erlan = room_.state().participant("import-a-1");
  ASSERT_NE(erlan, nullptr);
  EXPECT_EQ(erlan->display_name, "Erlan Nurov");
  EXPECT_EQ(erlan->stakeholder_group, kenes::v1::STAKEHOLDER_GROUP_ACADEMIA);
  EXPECT_FALSE(erlan->joined);
  EXPECT_EQ(room_.state().participant("import-a-2")->display_name, "Gulnar, PhD");
  EXPECT_EQ(room_.state().participant("import-a-2")->role, kenes::v1::ROLE_RESEARCHER);
  EXPECT_FALSE(room_.state().participant("import-a-2")->profiled) << "no group given: she will be asked";
  EXPECT_EQ(room_.state().participant("import-a-3")->stakeholder_group, kenes::v1::STAKEHOLDER_GROUP_CIVIL_SOCIETY);

  Outcome again = import("name,role\nSomeone New,member\n");
  ASSERT_TRUE(again.refusal) << "the same prefix twice would reuse ids";
}

TEST_F(InvitationTest, ARegistrationLinkAdmitsWalkInsUntilItIsFullClosedOrExpired) {
  ASSERT_FALSE(open_registration("workshop-1", 2).refusal);
  Admission first = room_.arrive(walk_in("w-aaaa", "workshop-1", "Saule Walk-in"));
  ASSERT_EQ(first.kind, Admission::Kind::kFirstVisit) << first.refusal;
  const Participant* saule = room_.state().participant("w-aaaa");
  ASSERT_NE(saule, nullptr);
  EXPECT_TRUE(saule->joined);
  EXPECT_EQ(saule->role, kenes::v1::ROLE_MEMBER);
  EXPECT_EQ(saule->registration_id, "workshop-1");
  EXPECT_EQ(saule->stakeholder_group, kenes::v1::STAKEHOLDER_GROUP_CIVIL_SOCIETY);
  EXPECT_EQ(room_.state().registration("workshop-1")->registered, 1u);

  // A name someone has is refused (a walk-in can choose another), as is a
  // registration without a group.
  EXPECT_EQ(room_.arrive(walk_in("w-bbbb", "workshop-1", "saule walk-in")).kind, Admission::Kind::kRefused);
  EXPECT_EQ(room_.arrive(walk_in("w-bbbb", "workshop-1", "Marat", kenes::v1::STAKEHOLDER_GROUP_UNSPECIFIED)).kind,
            Admission::Kind::kRefused);

  // Registrations still on their way to the log count against the cap.
  Admission in_flight_full =
      admit(room_.state(), walk_in("w-cccc", "workshop-1", "Marat"), room_.now(), /*registering=*/1);
  EXPECT_EQ(in_flight_full.kind, Admission::Kind::kRefused);
  ASSERT_EQ(room_.arrive(walk_in("w-cccc", "workshop-1", "Marat")).kind, Admission::Kind::kFirstVisit);
  Admission full = room_.arrive(walk_in("w-dddd", "workshop-1", "Aliya"));
  EXPECT_EQ(full.kind, Admission::Kind::kRefused);
  EXPECT_NE(full.refusal.find("full"), std::string::npos) << full.refusal;

  ASSERT_FALSE(open_registration("workshop-2", 100).refusal);
  ClientMessage close;
  close.mutable_close_registration()->set_registration_id("workshop-2");
  ASSERT_FALSE(room_.request(chair_, close).refusal);
  EXPECT_EQ(room_.arrive(walk_in("w-eeee", "workshop-2", "Aliya")).refusal_code, kenes::v1::ERROR_CODE_REVOKED);
  EXPECT_TRUE(room_.request(chair_, close).refusal) << "already closed";

  ASSERT_FALSE(open_registration("workshop-3", 100, room_.now() + 1000).refusal);
  room_.advance(2000);
  EXPECT_EQ(room_.arrive(walk_in("w-ffff", "workshop-3", "Aliya")).refusal_code, kenes::v1::ERROR_CODE_TOKEN_EXPIRED);
  ClientMessage link;
  link.mutable_get_invite_links()->set_registration_id("workshop-3");
  EXPECT_TRUE(room_.request(chair_, link).refusal) << "no link to an expired registration";

  EXPECT_TRUE(open_registration("workshop-4", 0).refusal) << "a cap of 0";
  EXPECT_TRUE(open_registration("workshop-5", 10, room_.now() - 1).refusal) << "already expired";
}

TEST_F(InvitationTest, TheBoardsBalanceCountsTheBoardInvitedOrNotAndTheResearchTeamApart) {
  ASSERT_FALSE(invite("dana-0001", "Dana", kenes::v1::ROLE_MEMBER, kenes::v1::STAKEHOLDER_GROUP_MEDIA, "woman").refusal);
  ASSERT_FALSE(invite("res-00001", "Researcher One", kenes::v1::ROLE_RESEARCHER).refusal);
  ASSERT_FALSE(invite("obs-00001", "Observer One", kenes::v1::ROLE_OBSERVER).refusal);
  ASSERT_FALSE(invite("gone-0001", "Gone", kenes::v1::ROLE_MEMBER).refusal);
  ClientMessage revoke;
  revoke.mutable_revoke_participant()->set_participant_id("gone-0001");
  ASSERT_FALSE(room_.request(chair_, revoke).refusal);

  ClientMessage ask;
  ask.mutable_get_roster_balance();
  kenes::v1::RosterBalance b = room_.request(chair_, ask).answer->roster_balance();
  EXPECT_EQ(b.total(), 2u) << "Bolat and Dana; not the chair, the researcher, the observer or the removed";
  EXPECT_EQ(b.invited(), 1u) << "Dana has not joined yet";
  EXPECT_EQ(b.research_team(), 2u) << "the researcher and the chair, who is not a board member";
  EXPECT_FALSE(b.chair_is_board_member());

  ClientMessage setting;
  setting.mutable_set_board_settings()->set_chair_is_board_member(true);
  ASSERT_FALSE(room_.request(chair_, setting).refusal);
  b = room_.request(chair_, ask).answer->roster_balance();
  EXPECT_EQ(b.total(), 3u);
  EXPECT_EQ(b.research_team(), 1u);
  EXPECT_TRUE(b.chair_is_board_member());
  // Three people, two without a group and Dana in media: no group has 3, so
  // only their sum is shown.
  ASSERT_EQ(b.by_group_size(), 1);
  EXPECT_TRUE(b.by_group(0).merged());
  EXPECT_EQ(b.by_group(0).participants(), 3u);
}

TEST_F(InvitationTest, TheBalanceShowsOnlyCountsOfAtLeastThreePeople) {
  int n = 0;
  auto add = [&](kenes::v1::StakeholderGroup group, const std::string& gender, int count) {
    for (int i = 0; i < count; ++i, ++n) {
      ASSERT_FALSE(invite("person-" + std::to_string(1000 + n), "Person " + std::to_string(n), kenes::v1::ROLE_MEMBER,
                          group, gender)
                       .refusal);
    }
  };
  add(kenes::v1::STAKEHOLDER_GROUP_MEDIA, "woman", 4);
  add(kenes::v1::STAKEHOLDER_GROUP_ACADEMIA, "man", 3);
  add(kenes::v1::STAKEHOLDER_GROUP_USERS, "nonbinary", 1);
  ClientMessage ask;
  ask.mutable_get_roster_balance();
  const kenes::v1::RosterBalance b = room_.request(chair_, ask).answer->roster_balance();
  // Bolat (no group, no gender) and the user make 2 under 3: the smallest
  // shown group, academia, joins them.
  ASSERT_EQ(b.by_group_size(), 2);
  EXPECT_EQ(b.by_group(0).stakeholder_group(), kenes::v1::STAKEHOLDER_GROUP_MEDIA);
  EXPECT_EQ(b.by_group(0).participants(), 4u);
  EXPECT_TRUE(b.by_group(1).merged());
  EXPECT_EQ(b.by_group(1).participants(), 5u);
  // Genders: woman 4, man 3, and "" (Bolat) + nonbinary = 2 under 3.
  ASSERT_EQ(b.by_gender_size(), 2);
  EXPECT_EQ(b.by_gender(0).gender(), "woman");
  EXPECT_TRUE(b.by_gender(1).merged());
  EXPECT_EQ(b.by_gender(1).participants(), 5u);
  for (const auto& c : b.by_gender()) EXPECT_NE(c.gender(), "nonbinary");
}

TEST_F(InvitationTest, ASnapshotKeepsWhoHasJoinedTheLinksAndTheRegistrations) {
  ASSERT_FALSE(invite("dana-0001", "Dana", kenes::v1::ROLE_MEMBER, kenes::v1::STAKEHOLDER_GROUP_MEDIA).refusal);
  ClientMessage re;
  re.mutable_reissue_invite_link()->set_participant_id("dana-0001");
  ASSERT_FALSE(room_.request(chair_, re).refusal);
  ASSERT_FALSE(open_registration("workshop-1", 5).refusal);
  ASSERT_EQ(room_.arrive(walk_in("w-aaaa", "workshop-1", "Saule")).kind, Admission::Kind::kFirstVisit);
  ASSERT_FALSE(open_registration("workshop-2", 5).refusal);
  ClientMessage close;
  close.mutable_close_registration()->set_registration_id("workshop-2");
  ASSERT_FALSE(room_.request(chair_, close).refusal);
  ClientMessage setting;
  setting.mutable_set_board_settings()->set_chair_is_board_member(true);
  ASSERT_FALSE(room_.request(chair_, setting).refusal);

  ConsultationState loaded("roster");
  for (auto& snap : room_.mutable_state().snapshots(false)) ASSERT_TRUE(loaded.load_snapshot(snap.name, snap.bytes).ok());
  ASSERT_TRUE(loaded.finish_loading_snapshots().ok());
  const Participant* dana = loaded.participant("dana-0001");
  ASSERT_NE(dana, nullptr);
  EXPECT_FALSE(dana->joined);
  EXPECT_EQ(dana->invited_by, "chair");
  EXPECT_EQ(dana->link_generation, 1u);
  EXPECT_TRUE(loaded.participant("member")->joined);
  EXPECT_EQ(loaded.participant("w-aaaa")->registration_id, "workshop-1");
  ASSERT_NE(loaded.registration("workshop-1"), nullptr);
  EXPECT_EQ(loaded.registration("workshop-1")->registered, 1u);
  EXPECT_EQ(loaded.registration("workshop-1")->opened.cap(), 5u);
  EXPECT_TRUE(loaded.registration("workshop-2")->closed);
  EXPECT_TRUE(loaded.chair_is_board_member());

  // An older snapshot (before issue 18) knew only people who had come.
  kenes::v1::ConsultationSnapshot old;
  auto* p = old.add_participants();
  p->set_participant_id("old-timer");
  p->set_display_name("Old Timer");
  p->set_role(kenes::v1::ROLE_MEMBER);
  ConsultationState from_old("roster");
  ASSERT_TRUE(from_old.load_snapshot("consultation", old.SerializeAsString()).ok());
  EXPECT_TRUE(from_old.participant("old-timer")->joined);
}

}  // namespace
}  // namespace kenes::consultation
