// The room's side of polls and meetings that is not a request: PollUpdates,
// coalesced so that a burst of ballots costs one update per interval; the
// closing-time timer; and an attendee's leave when their last connection
// goes. The records themselves come from consultation/automatic_records.h.
// Runs on the room's strand like the rest of Room.

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <chrono>

#include "consultation/automatic_records.h"
#include "room.h"

namespace kenes::server {

namespace asio = boost::asio;

void Room::schedule_poll_update(const std::string& poll_id) {
  dirty_polls_.insert(poll_id);
  if (poll_flush_posted_) return;
  poll_flush_posted_ = true;
  const auto due = last_poll_flush_ + options_.poll_update_interval;
  if (std::chrono::steady_clock::now() >= due) {
    // Posted, not run now: ballots made durable by the same group commit are
    // already queued on the strand, and one update then covers them all.
    asio::post(strand_, [self = shared_from_this()] { self->flush_poll_updates(); });
    return;
  }
  if (!poll_flush_timer_) poll_flush_timer_ = std::make_unique<asio::steady_timer>(strand_);
  poll_flush_timer_->expires_at(due);
  poll_flush_timer_->async_wait(asio::bind_executor(strand_, [self = shared_from_this()](boost::system::error_code) {
    self->flush_poll_updates();
  }));
}

void Room::flush_poll_updates() {
  poll_flush_posted_ = false;
  last_poll_flush_ = std::chrono::steady_clock::now();
  const int64_t now = now_unix_ms();
  for (const auto& id : dirty_polls_) {
    const consultation::PollState* p = state_.assessment().poll(id);
    if (!p) continue;
    PollFrames frames = poll_frames(*p, now);
    if (!frames.without_results) {
      broadcast(frames.full, {});
      continue;
    }
    flush_outbox();
    for (auto& [cid, m] : members_) {
      if (m.state != MemberState::kLive) continue;
      const bool withheld = consultation::withhold_results(*p, frames.update, m.caller.participant_id, m.caller.role);
      m.conn->send(withheld ? frames.without_results : frames.full);
    }
  }
  dirty_polls_.clear();
}

// An open poll's update comes in two frames when some who may vote have not
// yet (issue 20): with the results for who may see them, turnout only for
// the rest. Both are encoded once, whatever the number of members.
Room::PollFrames Room::poll_frames(const consultation::PollState& p, int64_t now) {
  PollFrames f;
  f.update = consultation::poll_update(p, consultation::eligible_voters(p.definition, state_.participants()), now);
  kenes::v1::ServerMessage msg;
  *msg.mutable_poll_update() = f.update;
  f.full = encode_frame(msg);
  if (f.update.has_results() && !f.update.closed() && !p.definition.live_results()) {
    msg.mutable_poll_update()->clear_results();
    f.without_results = encode_frame(msg);
  }
  return f;
}

void Room::send_poll_updates(Member& m) {
  const int64_t now = now_unix_ms();
  for (const auto& [id, p] : state_.assessment().polls()) {
    if (!p.close_logged) {
      PollFrames frames = poll_frames(p, now);
      const bool withheld = frames.without_results &&
                            consultation::withhold_results(p, frames.update, m.caller.participant_id, m.caller.role);
      m.conn->send(withheld ? frames.without_results : frames.full);
      continue;
    }
    // A closed poll's update is final: made once, shared by every joiner (a
    // full assessment has hundreds, and a workshop joins in the same minute).
    ClosedPollFrame& cached = closed_poll_frames_[id];
    if (!cached.frame || cached.seq != p.last_seq) cached = {p.last_seq, poll_frames(p, now).full};
    m.conn->send(cached.frame);
  }
}

// ---------------------------------------------------------- closing time

void Room::arm_poll_timer() {
  const std::optional<int64_t> next = consultation::next_closing_time(state_, in_flight_);
  if (!next) {
    if (poll_timer_) poll_timer_->cancel();
    return;
  }
  if (!poll_timer_) poll_timer_ = std::make_unique<asio::steady_timer>(strand_);
  const int64_t delay = std::max<int64_t>(0, *next - now_unix_ms());
  poll_timer_->expires_after(std::chrono::milliseconds(delay));
  std::weak_ptr<Room> weak = shared_from_this();
  poll_timer_->async_wait(asio::bind_executor(strand_, [weak](boost::system::error_code ec) {
    if (ec) return;  // re-armed or cancelled
    if (auto self = weak.lock()) self->on_poll_timer();
  }));
}

void Room::on_poll_timer() {
  if (shutting_down_ || failure_) return;
  for (auto& rec : consultation::closing_time_records(state_, in_flight_, now_unix_ms())) {
    append(std::move(rec), PendingAppend{});
  }
  arm_poll_timer();  // the next poll's time (or a steady clock that ran early)
}

// ------------------------------------------------------------ attendance

void Room::note_departure(const std::string& participant_id) {
  if (shutting_down_ || failure_) return;
  for (const auto& [cid, mem] : members_) {
    if (mem.caller.participant_id == participant_id) return;  // still connected elsewhere
  }
  if (auto rec = consultation::departure_record(state_, in_flight_, participant_id)) {
    append(std::move(*rec), PendingAppend{});
  }
}

}  // namespace kenes::server
