// An indicator's references and figures (issue 19) through the real server:
// a researcher adds a reference and a figure citing it, a member connected
// meanwhile receives both records, a bad link is refused with the server's
// sentence, and a member joining later by state is told the evidence
// exactly as the server folded it.

#include <gtest/gtest.h>

#include "actors.h"
#include "consultation/testing/fold_view.h"
#include "test_harness.h"

namespace kenes::testing {
namespace {

class EvidenceServerTest : public ActorTest {
 protected:
  // A state made at the head for every joiner.
  EvidenceServerTest() : ActorTest([](server::ServerOptions& o) { o.join_state_max_age_ms = 0; }) {}

  std::shared_ptr<Actor> join_by_state(kenes::v1::Role role, const std::string& id) {
    auto actor = std::make_shared<Actor>();
    actor->id = id;
    actor->client = pool_.add(server_->port(), server_->token(role, id), "demo", true, [actor](client::KenesClient& c) {
      c.set_subscribe_from(kenes::v1::SUBSCRIBE_FROM_STATE);
      c.on_message = [actor](const kenes::v1::ServerMessage& m) {
        if (m.has_catch_up() && m.catch_up().done()) actor->live = true;
      };
    });
    EXPECT_TRUE(pool_.wait_until([&] { return actor->live; })) << id << " never went live";
    return actor;
  }

  Outcome send(Actor& a, kenes::v1::ClientMessage m) {
    return request(a, [m](client::KenesClient& c) mutable { return c.send_request(std::move(m)); });
  }
};

kenes::v1::ClientMessage add_reference(const std::string& link) {
  kenes::v1::ClientMessage m;
  m.mutable_add_reference()->set_indicator_id("R.1");
  auto* r = m.mutable_add_reference()->mutable_reference();
  r->add_authors("International Telecommunication Union");
  r->set_title("Measuring digital development: Facts and Figures 2024");
  r->set_year(2024);
  r->set_link(link);
  return m;
}

kenes::v1::ClientMessage add_figure() {
  kenes::v1::ClientMessage m;
  m.mutable_add_figure()->set_indicator_id("R.1");
  auto* f = m.mutable_add_figure()->mutable_figure();
  f->set_label("Individuals using the Internet");
  f->set_value("≈ 92");
  f->set_unit("%");
  f->set_year(2023);
  f->set_source_reference_id("ref-1");
  auto* urban = f->add_breakdown();
  urban->set_label("urban");
  urban->set_value("95");
  auto* rural = f->add_breakdown();
  rural->set_label("rural");
  rural->set_value("86");
  return m;
}

TEST_F(EvidenceServerTest, AReferenceAndAFigureReachEveryoneAndAJoiningClientsState) {
  auto researcher = join(kenes::v1::ROLE_RESEARCHER, "researcher");
  auto member = join(kenes::v1::ROLE_MEMBER, "member");

  const Outcome bad = send(*researcher, add_reference("javascript:alert(1)"));
  expect_error(bad, kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "a javascript: link");
  EXPECT_EQ(bad.error.message(), "the link must be an http:// or https:// address without spaces, got 'javascript:alert(1)'");
  expect_error(send(*member, add_reference("https://www.itu.int/")), kenes::v1::ERROR_CODE_FORBIDDEN,
               "a member adding a reference");

  const Outcome ref = send(*researcher, add_reference("https://www.itu.int/itu-d/reports/statistics/facts-figures-2024/"));
  expect_ok(ref, "add reference");
  const Outcome fig = send(*researcher, add_figure());
  expect_ok(fig, "add figure");

  // The member, connected all along, received both records with their ids.
  ASSERT_TRUE(pool_.wait_until([&] {
    for (const auto& r : member->records) {
      if (r.seq() == fig.seq) return true;
    }
    return false;
  }));
  kenes::v1::LogRecord got_ref, got_fig;
  pool_.run([&] {
    for (const auto& r : member->records) {
      if (r.seq() == ref.seq) got_ref = r;
      if (r.seq() == fig.seq) got_fig = r;
    }
  });
  ASSERT_TRUE(got_ref.has_reference_added());
  EXPECT_EQ(got_ref.reference_added().reference().reference_id(), "ref-1");
  ASSERT_TRUE(got_fig.has_figure_added());
  EXPECT_EQ(got_fig.figure_added().figure().figure_id(), "fig-1");
  EXPECT_EQ(got_fig.figure_added().figure().breakdown(1).label(), "rural");

  // A member joining now is told both in the state, as the server folded them.
  auto late = join_by_state(kenes::v1::ROLE_MEMBER, "member-2");
  kenes::v1::JoinState join;
  pool_.run([&] { join = late->client->join_state(); });
  const kenes::v1::ClientIndicator* r1 = nullptr;
  for (const auto& i : join.state().indicators()) {
    if (i.indicator_id() == "R.1") r1 = &i;
  }
  ASSERT_TRUE(r1) << "R.1 missing from the join state";
  ASSERT_EQ(r1->references_size(), 1);
  EXPECT_EQ(r1->references(0).title(), "Measuring digital development: Facts and Figures 2024");
  ASSERT_EQ(r1->figures_size(), 1);
  EXPECT_EQ(r1->figures(0).value(), "≈ 92");
  EXPECT_EQ(r1->figures(0).source_reference_id(), "ref-1");
  int64_t now = 0;
  boost::json::value expected;
  server_->inspect("demo", [&](const consultation::ConsultationState& s, uint64_t) {
    now = s.assessment().last_time_unix_ms() + 1;
    expected = consultation::testing::fold_view(s, "member-2", now);
  });
  // The indicators as the server folded them (the drafts' texts are not in a
  // join state: the demo's seeded draft would differ for want of opening it).
  EXPECT_EQ(consultation::testing::fold_view_of_join(join, {}, "member-2", now).at("indicators"),
            expected.at("indicators"));
}

}  // namespace
}  // namespace kenes::testing
