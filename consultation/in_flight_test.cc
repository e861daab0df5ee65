#include "consultation/in_flight.h"

#include <gtest/gtest.h>

#include "consultation/request.h"
#include "consultation/sample_framework.h"

namespace kenes::consultation {
namespace {

using kenes::v1::ClientMessage;
using kenes::v1::LogRecord;

// A consultation with a chair and one open poll, folded by hand so that
// records can be "in flight": built and handed to InFlight, not yet folded.
class InFlightTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LogRecord created;
    auto* c = created.mutable_consultation_created();
    c->set_consultation_id("x");
    *c->mutable_framework() = sample_framework();
    fold(created);
    LogRecord chair;
    chair.mutable_participant_invited()->set_participant_id("chair");
    chair.mutable_participant_invited()->set_role(kenes::v1::ROLE_CHAIR);
    fold(chair);
  }

  void fold(LogRecord rec) {
    rec.set_seq(state_.seq() + 1);
    rec.set_time_unix_ms(1000);
    ASSERT_TRUE(state_.apply(rec).ok());
  }

  Outcome ask(const ClientMessage& msg) {
    return handle_request(RequestContext{state_, in_flight_, state_.seq(), 1000}, chair_, msg);
  }

  // Asks, and puts the record in flight as the room does.
  LogRecord build(const ClientMessage& msg) {
    Outcome out = ask(msg);
    EXPECT_TRUE(out.record) << (out.refusal ? out.refusal->message : "no record");
    in_flight_.built(*out.record, state_.assessment());
    return *out.record;
  }

  // The record is durable: folded, then done in flight.
  void durable(const LogRecord& rec) {
    fold(rec);
    in_flight_.durable(rec);
  }

  ConsultationState state_{"x"};
  InFlight in_flight_;
  Caller chair_{"chair", kenes::v1::ROLE_CHAIR, "c"};
};

ClientMessage create_poll() {
  ClientMessage m;
  auto* d = m.mutable_create_poll()->mutable_definition();
  d->set_kind(kenes::v1::POLL_KIND_AGREEMENT);
  d->set_question("Accurate?");
  d->add_eligible_roles(kenes::v1::ROLE_MEMBER);
  return m;
}

TEST_F(InFlightTest, PollIdsInFlightAreNotHandedOutTwice) {
  LogRecord first = build(create_poll());
  LogRecord second = build(create_poll());
  EXPECT_EQ(first.poll_created().poll_id(), "poll-1");
  EXPECT_EQ(second.poll_created().poll_id(), "poll-2");
  durable(first);
  durable(second);
  EXPECT_EQ(build(create_poll()).poll_created().poll_id(), "poll-3");
}

TEST_F(InFlightTest, AnOpenInFlightMakesASecondOpenTryAgainUntilItIsDurable) {
  durable(build(create_poll()));
  ClientMessage open;
  open.mutable_open_poll()->set_poll_id("poll-1");
  LogRecord opening = build(open);
  Outcome again = ask(open);
  ASSERT_TRUE(again.refusal);
  EXPECT_EQ(again.refusal->code, kenes::v1::ERROR_CODE_POLL_NOT_OPEN);
  EXPECT_EQ(again.refusal->message, "the poll is being opened or closed; try again");
  durable(opening);
  again = ask(open);
  ASSERT_TRUE(again.refusal);
  EXPECT_EQ(again.refusal->message, "the poll is already open");
}

TEST_F(InFlightTest, AMeetingStartInFlightBlocksAnotherStartAndItsEndAndDepartures) {
  ClientMessage start;
  start.mutable_start_meeting()->set_title("Board");
  LogRecord started = build(start);
  EXPECT_EQ(started.meeting_started().meeting_id(), "meeting-1");
  EXPECT_TRUE(in_flight_.meeting_changing());
  Outcome second = ask(start);
  ASSERT_TRUE(second.refusal);
  EXPECT_EQ(second.refusal->code, kenes::v1::ERROR_CODE_MEETING_STATE);
  durable(started);
  EXPECT_FALSE(in_flight_.meeting_changing());
  ClientMessage end;
  end.mutable_end_meeting()->set_meeting_id("meeting-1");
  LogRecord ended = build(end);
  EXPECT_TRUE(ask(end).refusal) << "an end in flight: the meeting is no longer 'running' for requests";
  durable(ended);
  EXPECT_EQ(build(start).meeting_started().meeting_id(), "meeting-2");
}

}  // namespace
}  // namespace kenes::consultation
