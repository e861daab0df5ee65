// The roster in the app (issue 18) through the real server: the chair
// invites someone and is given a link the server signed, the person comes in
// with it, a re-issued link retires the old one, and a workshop's walk-ins
// register with a registration link and keep a link of their own. Real
// WebSocket clients, RocksDB in a temp folder.

#include <gtest/gtest.h>

#include "actors.h"
#include "mail/testing/smtp_sink.h"
#include "test_harness.h"

namespace kenes::testing {
namespace {

class RosterTest : public ActorTest {
 protected:
  // The InviteLinks answer to a GetInviteLinks the chair sent.
  kenes::v1::InviteLinks links(Actor& chair, const std::vector<std::string>& ids, const std::string& registration = {}) {
    uint64_t rid = 0;
    pool_.run([&] { rid = chair.client->get_invite_links(ids, registration); });
    kenes::v1::InviteLinks out;
    EXPECT_TRUE(pool_.wait_until([&] {
      for (const auto& m : chair.messages) {
        if (m.request_id() == rid && m.has_invite_links()) {
          out = m.invite_links();
          return true;
        }
        if (m.has_error() && m.error().request_id() == rid) {
          ADD_FAILURE() << m.error().message();
          return true;
        }
      }
      return false;
    }));
    return out;
  }

  // Someone opening a link: live, or the error that closed them.
  struct Visit {
    std::shared_ptr<client::KenesClient> client;
    bool live = false;
    kenes::v1::Error error;
  };
  std::shared_ptr<Visit> open_link(const std::string& token, std::optional<kenes::v1::Registration> registration = {}) {
    auto visit = std::make_shared<Visit>();
    visit->client = pool_.add(server_->port(), token, "demo", false, [&, visit](client::KenesClient& c) {
      if (registration) c.set_registration(*registration);
      c.on_live = [visit] { visit->live = true; };
      c.on_error = [visit](const kenes::v1::Error& e) { visit->error = e; };
    });
    EXPECT_TRUE(pool_.wait_until([&] { return visit->live || visit->error.code() != 0; }));
    return visit;
  }

  kenes::v1::Registration walk_in(const std::string& name) {
    kenes::v1::Registration r;
    r.set_display_name(name);
    r.set_stakeholder_group(kenes::v1::STAKEHOLDER_GROUP_CIVIL_SOCIETY);
    r.set_gender("woman");
    return r;
  }

  bool saw_record(Actor& a, const std::function<bool(const kenes::v1::LogRecord&)>& pred) {
    return pool_.wait_until([&] {
      for (const auto& r : a.records) {
        if (pred(r)) return true;
      }
      return false;
    });
  }
};

TEST_F(RosterTest, TheChairInvitesSomeoneAndTheLinkSheIsGivenLetsThemInUntilSheReissuesIt) {
  auto chair = join(kenes::v1::ROLE_CHAIR, "chair");
  kenes::v1::InviteParticipant invite;
  invite.set_participant_id("dana-0001");
  invite.set_display_name("Dana Abenova");
  invite.set_role(kenes::v1::ROLE_MEMBER);
  invite.set_stakeholder_group(kenes::v1::STAKEHOLDER_GROUP_MEDIA);
  expect_ok(request(*chair, [&](client::KenesClient& c) { return c.invite_participant(invite); }), "invite");

  kenes::v1::InviteLinks first = links(*chair, {"dana-0001"});
  ASSERT_EQ(first.links_size(), 1);
  ASSERT_FALSE(first.links(0).token().empty()) << "the room signs what the handler decided";
  auto dana = open_link(first.links(0).token());
  ASSERT_TRUE(dana->live) << dana->error.message();
  pool_.run([&] {
    EXPECT_EQ(dana->client->welcome().participant_id(), "dana-0001");
    EXPECT_EQ(dana->client->welcome().display_name(), "Dana Abenova");
    EXPECT_EQ(dana->client->welcome().role(), kenes::v1::ROLE_MEMBER);
    EXPECT_TRUE(dana->client->welcome().token().empty()) << "only a registrant is given a token";
  });
  EXPECT_TRUE(saw_record(*chair, [](const kenes::v1::LogRecord& r) {
    return r.has_participant_joined() && r.author() == "dana-0001";
  })) << "the chair's roster learns that Dana came";
  pool_.run([&] { dana->client->close(); });

  expect_ok(request(*chair, [&](client::KenesClient& c) { return c.reissue_invite_link("dana-0001"); }), "reissue");
  auto old_link = open_link(first.links(0).token());
  EXPECT_FALSE(old_link->live);
  EXPECT_EQ(old_link->error.code(), kenes::v1::ERROR_CODE_REVOKED);
  EXPECT_NE(old_link->error.message().find("replaced"), std::string::npos) << old_link->error.message();
  auto new_link = open_link(links(*chair, {"dana-0001"}).links(0).token());
  EXPECT_TRUE(new_link->live) << new_link->error.message();

  // Nobody but the chair is given links.
  auto member = join(kenes::v1::ROLE_MEMBER, "member-x");
  expect_error(request(*member, [&](client::KenesClient& c) { return c.get_invite_links({"dana-0001"}); }),
               kenes::v1::ERROR_CODE_FORBIDDEN, "a member asking for links");
}

TEST_F(RosterTest, WalkInsRegisterWithAWorkshopLinkUntilItIsFullAndKeepTheirOwnLink) {
  auto chair = join(kenes::v1::ROLE_CHAIR, "chair");
  kenes::v1::OpenRegistration open;
  open.set_registration_id("workshop-0001");
  open.set_role(kenes::v1::ROLE_MEMBER);
  open.set_expires_unix_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch() + std::chrono::hours(8))
                               .count());
  open.set_cap(2);
  open.set_label("Workshop, 12 March");
  expect_ok(request(*chair, [&](client::KenesClient& c) { return c.open_registration(open); }), "open registration");
  kenes::v1::InviteLinks reg = links(*chair, {}, "workshop-0001");
  ASSERT_EQ(reg.links_size(), 1);
  const std::string token = reg.links(0).token();

  // The link alone, without saying who is registering, is refused with why.
  auto nobody = open_link(token);
  EXPECT_FALSE(nobody->live);
  EXPECT_EQ(nobody->error.code(), kenes::v1::ERROR_CODE_INVALID_ARGUMENT);

  auto saule = open_link(token, walk_in("Saule Walk-in"));
  ASSERT_TRUE(saule->live) << saule->error.message();
  std::string saule_id, saule_token;
  pool_.run([&] {
    saule_id = saule->client->welcome().participant_id();
    saule_token = saule->client->welcome().token();
    EXPECT_EQ(saule->client->welcome().role(), kenes::v1::ROLE_MEMBER);
    EXPECT_EQ(saule->client->welcome().display_name(), "Saule Walk-in");
  });
  EXPECT_EQ(saule_id.rfind("w-", 0), 0u) << saule_id;
  ASSERT_FALSE(saule_token.empty());
  EXPECT_TRUE(saw_record(*chair, [&](const kenes::v1::LogRecord& r) {
    return r.has_participant_invited() && r.author() == saule_id &&
           r.participant_invited().registration_id() == "workshop-0001" &&
           r.participant_invited().stakeholder_group() == kenes::v1::STAKEHOLDER_GROUP_CIVIL_SOCIETY;
  }));
  pool_.run([&] { saule->client->close(); });

  // Her own link brings her back as herself, and registers nobody new.
  auto back = open_link(saule_token);
  ASSERT_TRUE(back->live) << back->error.message();
  pool_.run([&] { EXPECT_EQ(back->client->welcome().participant_id(), saule_id); });

  auto marat = open_link(token, walk_in("Marat Walk-in"));
  EXPECT_TRUE(marat->live) << marat->error.message();
  auto third = open_link(token, walk_in("Aliya Walk-in"));
  EXPECT_FALSE(third->live);
  EXPECT_EQ(third->error.code(), kenes::v1::ERROR_CODE_FORBIDDEN);
  EXPECT_NE(third->error.message().find("full"), std::string::npos) << third->error.message();
  uint64_t registered = 0;
  server_->inspect("demo", [&](const consultation::ConsultationState& s, uint64_t) {
    registered = s.registration("workshop-0001")->registered;
  });
  EXPECT_EQ(registered, 2u);

  expect_ok(request(*chair, [&](client::KenesClient& c) { return c.close_registration("workshop-0001"); }), "close");
  auto late = open_link(token, walk_in("Late Walk-in"));
  EXPECT_EQ(late->error.code(), kenes::v1::ERROR_CODE_REVOKED);
}

// Issue 18: "e-mail it when SMTP is configured". The chair has the server
// mail someone their link; the address is in the mail, not in the log.
server::mail::testing::SmtpSink& smtp_sink() {
  static server::mail::testing::SmtpSink sink;
  return sink;
}

class RosterMailTest : public RosterTest {
 protected:
  RosterMailTest() {
    server_ = std::make_unique<TestServer>([](server::ServerOptions& o) {
      o.smtp_host = "127.0.0.1";
      o.smtp_port = smtp_sink().port();
      o.smtp_from = "kenes@consultation.example";
    });
  }
};

TEST_F(RosterMailTest, TheServerMailsAPersonTheirLinkWhenAsked) {
  auto chair = join(kenes::v1::ROLE_CHAIR, "chair");
  kenes::v1::InviteParticipant invite;
  invite.set_participant_id("dana-0001");
  invite.set_display_name("Dana Abenova");
  invite.set_role(kenes::v1::ROLE_MEMBER);
  expect_ok(request(*chair, [&](client::KenesClient& c) { return c.invite_participant(invite); }), "invite");
  const size_t before = smtp_sink().mails().size();
  uint64_t rid = 0;
  pool_.run([&] { rid = chair->client->email_invite_link("dana-0001", "dana@example.kz"); });
  kenes::v1::InviteLinks answered;
  ASSERT_TRUE(pool_.wait_until([&] {
    for (const auto& m : chair->messages) {
      if (m.request_id() == rid && m.has_invite_links()) answered = m.invite_links();
      if (m.has_error() && m.error().request_id() == rid) ADD_FAILURE() << m.error().message();
    }
    return answered.links_size() == 1;
  }));
  EXPECT_EQ(answered.links(0).mailed_to(), "dana@example.kz");
  ASSERT_TRUE(smtp_sink().wait_for_mails(before + 1, std::chrono::seconds(20)));
  const auto mail = smtp_sink().mails().back();
  const std::string body = mail.decoded_body();
  EXPECT_NE(body.find("Hello Dana Abenova"), std::string::npos) << body;
  EXPECT_NE(body.find("/join#token=" + answered.links(0).token()), std::string::npos) << body;
  // The link in the mail opens the door.
  auto dana = open_link(answered.links(0).token());
  EXPECT_TRUE(dana->live) << dana->error.message();
  // The address is nowhere in the log.
  std::string log_bytes;
  server_->inspect("demo", [&](const consultation::ConsultationState& s, uint64_t) {
    for (const auto& [id, p] : s.participants()) log_bytes += p.display_name + p.gender;
  });
  EXPECT_EQ(log_bytes.find("dana@example.kz"), std::string::npos);

  // A bad address is refused before any mail.
  expect_error(request(*chair, [&](client::KenesClient& c) { return c.email_invite_link("dana-0001", "not an address"); }),
               kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "bad address");
}

TEST_F(RosterTest, WithoutAnSmtpHostTheChairIsToldToCopyTheLink) {
  auto chair = join(kenes::v1::ROLE_CHAIR, "chair");
  expect_error(request(*chair, [&](client::KenesClient& c) { return c.email_invite_link("chair", "aigerim@example.kz"); }),
               kenes::v1::ERROR_CODE_MAIL_NOT_SENT, "no SMTP host");
}

// Issue 18: a gender is counted by the server and shown only as counts; no
// client is sent one — not live, not in a catch-up, not in a joiner's state.
TEST_F(RosterTest, NoClientIsSentAnyonesGender) {
  auto chair = join(kenes::v1::ROLE_CHAIR, "chair");
  auto watcher = join(kenes::v1::ROLE_MEMBER, "watcher");
  auto member = join(kenes::v1::ROLE_MEMBER, "member-g");
  kenes::v1::InviteParticipant invite;
  invite.set_participant_id("dana-0001");
  invite.set_display_name("Dana Abenova");
  invite.set_role(kenes::v1::ROLE_MEMBER);
  invite.set_stakeholder_group(kenes::v1::STAKEHOLDER_GROUP_MEDIA);
  invite.set_gender("woman (invited)");
  expect_ok(request(*chair, [&](client::KenesClient& c) { return c.invite_participant(invite); }), "invite");
  pool_.run([&] {
    kenes::v1::ClientMessage m;
    m.set_request_id(424242);
    m.mutable_update_profile()->set_stakeholder_group(kenes::v1::STAKEHOLDER_GROUP_ACADEMIA);
    m.mutable_update_profile()->set_gender("man (self-described)");
    member->client->send_message(m);
  });
  ASSERT_TRUE(saw_record(*watcher, [](const kenes::v1::LogRecord& r) { return r.has_profile_updated(); }));
  ASSERT_TRUE(saw_record(*watcher, [](const kenes::v1::LogRecord& r) { return r.has_participant_invited() && r.participant_invited().participant_id() == "dana-0001"; }));
  // The server has them: it counts them.
  std::string stored;
  server_->inspect("demo", [&](const consultation::ConsultationState& s, uint64_t) { stored = s.participant("member-g")->gender; });
  EXPECT_EQ(stored, "man (self-described)");

  auto leaks = [](const std::vector<std::string>& frames) {
    for (const auto& f : frames) {
      if (f.find("self-described") != std::string::npos || f.find("(invited)") != std::string::npos) return true;
    }
    return false;
  };
  pool_.run([&] { EXPECT_FALSE(leaks(watcher->message_bytes)) << "live"; });
  EXPECT_FALSE(leaks(chair->message_bytes)) << "not even the chair's page";
  // A late joiner by catch-up, and one by state.
  auto late = join(kenes::v1::ROLE_MEMBER, "late-log");
  auto by_state = std::make_shared<Actor>();
  pool_.run([&] { EXPECT_FALSE(leaks(late->message_bytes)) << "catch-up"; });
  auto state_client = pool_.add(server_->port(), server_->token(kenes::v1::ROLE_MEMBER, "late-state"), "demo", false,
                                [by_state](client::KenesClient& c) {
                                  c.set_subscribe_from(kenes::v1::SUBSCRIBE_FROM_STATE);
                                  c.on_message = [by_state](const kenes::v1::ServerMessage& m) {
                                    by_state->message_bytes.push_back(m.SerializeAsString());
                                    if (m.has_join_state()) by_state->live = true;
                                  };
                                });
  ASSERT_TRUE(pool_.wait_until([&] { return by_state->live; }));
  pool_.run([&] { EXPECT_FALSE(leaks(by_state->message_bytes)) << "join state"; });
}

}  // namespace
}  // namespace kenes::testing
