// Reservations in words (issue 18): "agree with reservations" carries what
// the reservations are; the results show them, attributed unless the poll is
// anonymous; a later ballot replaces them; they outlive the released
// ballots of a closed poll.

#include <gtest/gtest.h>

#include <map>

#include "consultation/testing/simulated_room.h"

namespace kenes::consultation {
namespace {

using kenes::v1::ClientMessage;
using testing::SimulatedRoom;

class ReservationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(room_.append(testing::sample_consultation_created("reservations", "Reservations"))) << room_.error();
    chair_ = room_.admit("chair", "Chair", kenes::v1::ROLE_CHAIR);
    for (const char* id : {"ainur", "bolat", "saule"}) members_.push_back(room_.admit(id, id, kenes::v1::ROLE_MEMBER));
  }

  std::string open_poll(kenes::v1::PollKind kind, bool anonymous) {
    ClientMessage create;
    auto* d = create.mutable_create_poll()->mutable_definition();
    d->set_kind(kind);
    d->set_question("The draft of R.1 is accurate");
    if (kind != kenes::v1::POLL_KIND_AGREEMENT) {
      d->add_options("yes");
      d->add_options("no");
    }
    d->set_anonymous(anonymous);
    d->add_eligible_roles(kenes::v1::ROLE_MEMBER);
    EXPECT_FALSE(room_.request(chair_, create).refusal);
    const std::string id = room_.last().poll_created().poll_id();
    ClientMessage open;
    open.mutable_open_poll()->set_poll_id(id);
    EXPECT_FALSE(room_.request(chair_, open).refusal);
    return id;
  }

  std::optional<Refusal> vote(const Caller& who, const std::string& poll, uint32_t choice, const std::string& reservation = {}) {
    ClientMessage m;
    m.mutable_cast_vote()->set_poll_id(poll);
    m.mutable_cast_vote()->add_choices(choice);
    m.mutable_cast_vote()->set_reservation(reservation);
    return room_.request(who, m).refusal;
  }

  kenes::v1::PollResults results(const std::string& poll) {
    return poll_update(*room_.state().assessment().poll(poll), 3, room_.now()).results();
  }

  SimulatedRoom room_{"reservations", 1'800'000'000'000};
  Caller chair_;
  std::vector<Caller> members_;
};

TEST_F(ReservationTest, ANamedPollShowsWhoseReservationsAndALaterBallotReplacesThem) {
  const std::string poll = open_poll(kenes::v1::POLL_KIND_AGREEMENT, false);
  ASSERT_FALSE(vote(members_[0], poll, 1, "Cite the 2023 survey, not the 2019 one."));
  ASSERT_FALSE(vote(members_[1], poll, 1, "Қазақ тіліндегі дереккөздер жоқ."));
  ASSERT_FALSE(vote(members_[2], poll, 0));
  EXPECT_EQ(room_.last().vote_cast().reservation(), "");
  EXPECT_EQ(room_.log()[room_.log().size() - 2].vote_cast().reservation(), "Қазақ тіліндегі дереккөздер жоқ.");

  kenes::v1::PollResults r = results(poll);
  ASSERT_EQ(r.reservations_size(), 2);
  EXPECT_EQ(r.reservations(0).voter(), "ainur");
  EXPECT_EQ(r.reservations(0).text(), "Cite the 2023 survey, not the 2019 one.");
  EXPECT_EQ(r.reservations(1).voter(), "bolat");

  // Bolat changes his mind: agree, and his reservation goes with his old ballot.
  ASSERT_FALSE(vote(members_[1], poll, 0));
  r = results(poll);
  ASSERT_EQ(r.reservations_size(), 1);
  EXPECT_EQ(r.reservations(0).voter(), "ainur");

  ClientMessage close;
  close.mutable_close_poll()->set_poll_id(poll);
  ASSERT_FALSE(room_.request(chair_, close).refusal);
  room_.mutable_state().release_closed_ballots();
  r = results(poll);
  ASSERT_EQ(r.reservations_size(), 1) << "a closed poll's reservations outlive its released ballots";
  EXPECT_EQ(r.reservations(0).text(), "Cite the 2023 survey, not the 2019 one.");
}

TEST_F(ReservationTest, AnAnonymousPollShowsTheWordsButNotWhoseInTextOrder) {
  const std::string poll = open_poll(kenes::v1::POLL_KIND_AGREEMENT, true);
  ASSERT_FALSE(vote(members_[0], poll, 1, "Zeta"));
  ASSERT_FALSE(vote(members_[1], poll, 1, "Alpha"));
  kenes::v1::PollResults r = results(poll);
  ASSERT_EQ(r.reservations_size(), 2);
  EXPECT_EQ(r.reservations(0).text(), "Alpha");
  EXPECT_EQ(r.reservations(0).voter(), "");
  EXPECT_EQ(r.reservations(1).text(), "Zeta");
  EXPECT_EQ(r.reservations(1).voter(), "");
}

TEST_F(ReservationTest, AReservationGoesOnlyWithAgreeWithReservations) {
  const std::string agreement = open_poll(kenes::v1::POLL_KIND_AGREEMENT, false);
  auto refused = vote(members_[0], agreement, 0, "but…");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, kenes::v1::ERROR_CODE_INVALID_BALLOT);
  EXPECT_TRUE(vote(members_[0], agreement, 1, std::string(2001, 'x'))) << "at most 2000 bytes";
  EXPECT_TRUE(vote(members_[0], agreement, 1, "\xff\xfe")) << "UTF-8 only";
  EXPECT_FALSE(vote(members_[0], agreement, 1)) << "without words it still counts (older clients)";
  const std::string single = open_poll(kenes::v1::POLL_KIND_SINGLE_CHOICE, false);
  EXPECT_TRUE(vote(members_[0], single, 1, "with reservations?")) << "option 1 of another kind of poll";
}

// Issue 18: the breakdown's merged bucket of groups under 3 voters and the
// stakeholder group "Other" were both labelled "other"; the group is now a
// group like any, under its own name.
TEST_F(ReservationTest, TheGroupOtherIsShownAsItselfNotAsTheMergedGroups) {
  const std::pair<kenes::v1::StakeholderGroup, int> board[] = {
      {kenes::v1::STAKEHOLDER_GROUP_OTHER, 4}, {kenes::v1::STAKEHOLDER_GROUP_ACADEMIA, 3}, {kenes::v1::STAKEHOLDER_GROUP_MEDIA, 3}};
  std::vector<Caller> voters;
  for (const auto& [group, n] : board) {
    for (int i = 0; i < n; ++i) {
      const std::string id = "m-" + std::to_string(group) + "-" + std::to_string(i);
      voters.push_back(room_.admit(id, id, kenes::v1::ROLE_MEMBER));
      ClientMessage profile;
      profile.mutable_update_profile()->set_stakeholder_group(group);
      ASSERT_FALSE(room_.request(voters.back(), profile).refusal);
    }
  }
  const std::string poll = open_poll(kenes::v1::POLL_KIND_AGREEMENT, false);
  for (const auto& v : voters) ASSERT_FALSE(vote(v, poll, 0));
  kenes::v1::PollResults r = poll_update(*room_.state().assessment().poll(poll), 13, room_.now()).results();
  std::map<std::string, uint64_t> groups;
  for (const auto& g : r.by_group().groups()) groups[g.label()] = g.voters();
  EXPECT_EQ(groups, (std::map<std::string, uint64_t>{{"academia", 3}, {"media", 3}, {"other stakeholders", 4}}));
}

}  // namespace
}  // namespace kenes::consultation
