// Document history requests (issue 6): the room checks who asks and turns
// meeting ids into seqs on its strand, then hands the reading — possibly a
// replay of a long log — to the history pool, which answers the connection
// directly. The strand never waits for the log here.

#include <boost/asio/post.hpp>

#include "metrics.h"
#include "room.h"
#include "wire_frames.h"

namespace kenes::server {

namespace asio = boost::asio;

void Room::history_request(std::string connection_id, kenes::v1::ClientMessage msg) {
  asio::post(strand_, [self = shared_from_this(), connection_id = std::move(connection_id), msg = std::move(msg)] {
    self->do_history_request(connection_id, msg);
  });
}

void Room::note_history(const kenes::v1::LogRecord& rec) {
  // Kept only while the index is in memory: a consultation nobody asks
  // about pays nothing per edit.
  history_->note_edit(rec);
}

void Room::do_history_request(const std::string& connection_id, const kenes::v1::ClientMessage& msg) {
  Member* m = member(connection_id);
  if (!m) return;
  const uint64_t rid = msg.request_id();
  if (m->state == MemberState::kAdmitting) {
    return send_error(m, rid, kenes::v1::ERROR_CODE_NOT_AUTHENTICATED, "wait for Welcome");
  }
  // Every role reads every document of its own consultation (PRODUCT.md), so
  // there is no role check: a member of this room may ask.
  std::vector<const kenes::v1::HistoryPoint*> points;
  switch (msg.kind_case()) {
    case kenes::v1::ClientMessage::kGetDocumentAt:
      points.push_back(&msg.get_document_at().at());
      break;
    case kenes::v1::ClientMessage::kGetDocumentDiff:
      points.push_back(&msg.get_document_diff().from());
      points.push_back(&msg.get_document_diff().to());
      break;
    case kenes::v1::ClientMessage::kGetDocumentBlame:
      points.push_back(&msg.get_document_blame().at());
      break;
    default:
      return send_error(m, rid, kenes::v1::ERROR_CODE_UNKNOWN_MESSAGE, "unknown message kind");
  }
  // Meetings are folded here (AssessmentState), not in the history index:
  // "when meeting M started" becomes the seq of its MeetingStarted record.
  replay::DocumentHistory::MeetingSeqs meetings;
  for (const auto* p : points) {
    if (p->at_case() != kenes::v1::HistoryPoint::kMeetingStarted) continue;
    const consultation::MeetingState* meeting = state_.assessment().meeting(p->meeting_started());
    if (!meeting) return send_error(m, rid, kenes::v1::ERROR_CODE_NOT_FOUND, "no meeting " + p->meeting_started());
    meetings[meeting->id] = meeting->started_seq;
  }
  const std::string who = m->caller.participant_id;
  size_t& in_flight = history_in_flight_[who];
  if (in_flight >= options_.history_in_flight_per_participant) {
    return send_error(m, rid, kenes::v1::ERROR_CODE_RATE_LIMITED,
                      std::to_string(in_flight) + " history questions of yours are waiting; ask again once they are answered");
  }
  flush_outbox();  // the answer may reflect records still waiting there
  auto work = [self = shared_from_this(), history = history_, conn = m->conn, msg, meetings = std::move(meetings), rid,
               who] {
    kenes::v1::ServerMessage out;
    if (auto err = history->answer(msg, meetings, &out)) {
      metrics().count_error(err->code);
      conn->send(error_frame(err->code, err->message, rid, false));
    } else {
      conn->send(encode_frame(out));
    }
    asio::post(self->strand_, [self, who] { self->history_done(who); });
  };
  ++in_flight;
  if (options_.run_history) {
    if (!options_.run_history(std::move(work))) {
      history_done(who);
      send_error(m, rid, kenes::v1::ERROR_CODE_RATE_LIMITED,
                 "the server is answering too many history questions; ask again shortly");
    }
  } else {
    asio::post(strand_.get_inner_executor(), std::move(work));
  }
}

void Room::history_done(const std::string& participant) {
  auto it = history_in_flight_.find(participant);
  if (it != history_in_flight_.end() && --it->second == 0) history_in_flight_.erase(it);
}

}  // namespace kenes::server
