#include "consultation/automatic_records.h"

namespace kenes::consultation {

namespace {

// Open, not closed by a record, not being opened or closed, with a closing time.
bool awaits_closing_time(const std::string& id, const PollState& p, const InFlight& in_flight) {
  return p.opened && !p.close_logged && !in_flight.poll_changing(id) && p.definition.closes_at_unix_ms() != 0;
}

}  // namespace

std::optional<int64_t> next_closing_time(const ConsultationState& state, const InFlight& in_flight) {
  std::optional<int64_t> next;
  for (const auto& [id, p] : state.assessment().polls()) {
    if (!awaits_closing_time(id, p, in_flight)) continue;
    const int64_t at = p.definition.closes_at_unix_ms();
    if (!next || at < *next) next = at;
  }
  return next;
}

std::vector<kenes::v1::LogRecord> closing_time_records(const ConsultationState& state, const InFlight& in_flight,
                                                       int64_t now_unix_ms) {
  std::vector<kenes::v1::LogRecord> out;
  for (const auto& [id, p] : state.assessment().polls()) {
    if (!awaits_closing_time(id, p, in_flight) || p.definition.closes_at_unix_ms() > now_unix_ms) continue;
    kenes::v1::LogRecord rec;
    auto* e = rec.mutable_poll_closed();
    e->set_poll_id(id);
    e->set_at_closing_time(true);
    e->set_eligible(eligible_voters(p.definition, state.participants()));
    out.push_back(std::move(rec));
  }
  return out;
}

std::optional<kenes::v1::LogRecord> departure_record(const ConsultationState& state, const InFlight& in_flight,
                                                     const std::string& participant_id) {
  if (in_flight.meeting_changing()) return std::nullopt;
  const MeetingState* running = state.assessment().running_meeting();
  if (!running || !running->attending(participant_id)) return std::nullopt;
  kenes::v1::LogRecord rec;
  rec.set_author(participant_id);
  auto* e = rec.mutable_attendance_changed();
  e->set_meeting_id(running->id);
  e->set_present(false);
  e->set_by_disconnect(true);
  return rec;
}

kenes::v1::LogRecord digest_sent_record(const std::string& participant_id, uint64_t up_to_seq, uint32_t items) {
  kenes::v1::LogRecord rec;
  auto* sent = rec.mutable_digest_sent();
  sent->set_participant_id(participant_id);
  sent->set_up_to_seq(up_to_seq);
  sent->set_items(items);
  return rec;
}

}  // namespace kenes::consultation
