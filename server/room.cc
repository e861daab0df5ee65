#include "room.h"

#include <boost/asio/post.hpp>
#include <chrono>
#include <ctime>
#include <set>
#include <string_view>

#include "consultation/admission.h"
#include "consultation/client_state.h"
#include "consultation/delivery.h"
#include "consultation/permissions.h"
#include "consultation/proto_convert.h"
#include "consultation/record_audience.h"
#include "consultation/text_request.h"
#include "logger.h"
#include "metrics.h"
#include "version.h"

namespace kenes::server {

namespace asio = boost::asio;
using kenes::v1::ErrorCode;

namespace {

// A walk-in's own link lasts as long as an assessment usually runs; the
// chair re-issues it if it must stop working sooner.
constexpr int64_t kRegisteredLinkDays = 365;

// This thread's CPU time: a build's wall time less the time it was preempted.
int64_t thread_cpu_us() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<int64_t>(t.tv_sec) * 1'000'000 + t.tv_nsec / 1000;
}

std::string client_key(const std::string& client_id, uint64_t client_seq) {
  return client_id + '\0' + std::to_string(client_seq);
}

}  // namespace

Room::Room(asio::io_context& io, storage::Log& log, ConsultationState state, storage::Head head, RoomOptions options)
    : strand_(asio::make_strand(io)),
      log_(log),
      consultation_id_(state.consultation_id()),
      options_(options),
      state_(std::move(state)),
      durable_seq_(head.seq),
      last_hash_(storage::hash_bytes(head.hash)),
      history_(std::make_shared<replay::DocumentHistory>(log, consultation_id_)) {
  state_.release_closed_ballots();
  state_.set_assessment_segment_bytes(options_.assessment_segment_bytes);
  // The first join's state is encoded here, before anyone is served, not on
  // the strand of a busy room (a full-size one takes ~15 ms).
  join_state_ = std::make_shared<const std::string>(join_state_encoder_.encode(state_));
  join_state_seq_ = durable_seq_;
  join_state_made_at_ = std::chrono::steady_clock::now();
}

int64_t Room::now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Room::Member* Room::member(const std::string& connection_id) {
  auto it = members_.find(connection_id);
  return it == members_.end() ? nullptr : &it->second;
}

consultation::RequestContext Room::request_context() const {
  // Never before the last record's time: a clock stepping back must not
  // reopen a poll (assessment_state.h, "Record times").
  return consultation::RequestContext{state_, in_flight_, durable_seq_,
                                      std::max(now_unix_ms(), state_.assessment().last_time_unix_ms())};
}

void Room::send_error(Member* m, uint64_t request_id, ErrorCode code, const std::string& message,
                      const std::string& doc_id, uint64_t client_seq) {
  metrics().count_error(code);
  flush_outbox();
  if (m) m->conn->send(error_frame(code, message, request_id, false, doc_id, client_seq));
}

void Room::inspect(std::function<void(const ConsultationState&, uint64_t)> fn) {
  asio::post(strand_, [self = shared_from_this(), fn = std::move(fn)] { fn(self->state_, self->durable_seq_); });
}

// ---------------------------------------------------------------- admission

void Room::admit(std::shared_ptr<Connection> conn, std::string connection_id, TokenClaims claims,
                 std::string client_id, uint64_t request_id, kenes::v1::Registration registration) {
  asio::post(strand_, [self = shared_from_this(), conn = std::move(conn), connection_id = std::move(connection_id),
                       claims = std::move(claims), client_id = std::move(client_id), request_id,
                       registration = std::move(registration)]() mutable {
    self->do_admit(std::move(conn), std::move(connection_id), std::move(claims), std::move(client_id), request_id,
                   std::move(registration));
  });
}

void Room::do_admit(std::shared_ptr<Connection> conn, std::string connection_id, TokenClaims claims,
                    std::string client_id, uint64_t request_id, kenes::v1::Registration registration) {
  if (shutting_down_) {
    metrics().count_error(kenes::v1::ERROR_CODE_SHUTTING_DOWN);
    conn->close_with_error(kenes::v1::ERROR_CODE_SHUTTING_DOWN, "the server is shutting down; reconnect shortly");
    return;
  }
  arm_poll_timer();  // a poll may have come to its closing time while nobody was here
  consultation::Invitation invitation = invitation_of(claims);
  invitation.registration = std::move(registration);
  const uint32_t registering =
      claims.registration_id.empty() ? 0 : (registering_.count(claims.registration_id) ? registering_[claims.registration_id] : 0);
  consultation::Admission admission = consultation::admit(state_, invitation, now_unix_ms(), registering);
  if (admission.kind == consultation::Admission::Kind::kRefused) {
    metrics().count_error(admission.refusal_code);
    conn->close_with_error(admission.refusal_code, admission.refusal);
    return;
  }
  Member m;
  m.conn = conn;
  m.connection_id = connection_id;
  m.caller = consultation::Caller{claims.participant_id, admission.role, std::move(client_id)};
  auto [it, inserted] = members_.emplace(connection_id, std::move(m));
  if (!inserted) return;  // a second Hello on one connection is refused by the session
  if (admission.kind == consultation::Admission::Kind::kKnown) {
    it->second.state = MemberState::kAdmitted;
    send_welcome(it->second, request_id);
    return;
  }
  if (failure_) {
    conn->close_with_error(kenes::v1::ERROR_CODE_STORAGE_FAILURE, "the log cannot be written: " + *failure_);
    members_.erase(it);
    return;
  }
  if (!claims.registration_id.empty()) {
    // Their own link from now on: the registration's admits newcomers only.
    if (!options_.signer) {
      conn->close_with_error(kenes::v1::ERROR_CODE_INTERNAL, "this server cannot sign links");
      members_.erase(it);
      return;
    }
    TokenClaims own;
    own.consultation_id = consultation_id_;
    own.participant_id = claims.participant_id;
    own.display_name = admission.first_visit->participant_invited().display_name();
    own.role = admission.role;
    own.expires_unix = now_unix_ms() / 1000 + kRegisteredLinkDays * 24 * 3600;
    it->second.personal_token = options_.signer->sign(own);
    ++registering_[claims.registration_id];
  }
  // First visit: record the participant (or that they came), welcome once it is durable.
  PendingAppend pending;
  pending.connection_id = connection_id;
  pending.request_id = request_id;
  pending.answer = Answer::kWelcome;
  append(std::move(*admission.first_visit), std::move(pending));
}

bool Room::sign_links(kenes::v1::InviteLinks& links) const {
  if (!options_.signer) return false;
  for (auto& link : *links.mutable_links()) {
    TokenClaims claims;
    claims.consultation_id = consultation_id_;
    claims.participant_id = link.participant_id();
    claims.display_name = link.display_name();
    claims.role = link.role();
    claims.expires_unix = link.expires_unix_ms() / 1000;
    claims.registration_id = link.registration_id();
    if (const consultation::Participant* p = state_.participant(link.participant_id())) {
      claims.link_generation = p->link_generation;
    }
    link.set_token(options_.signer->sign(claims));
  }
  return true;
}

void Room::send_welcome(Member& m, uint64_t request_id) {
  flush_outbox();
  kenes::v1::ServerMessage msg;
  msg.set_request_id(request_id);
  auto* w = msg.mutable_welcome();
  w->set_participant_id(m.caller.participant_id);
  if (const consultation::Participant* p = state_.participant(m.caller.participant_id)) {
    w->set_display_name(p->display_name);
  }
  w->set_role(m.caller.role);
  w->set_consultation_id(consultation_id_);
  w->set_server_version(kVersion);
  w->set_max_message_bytes(options_.max_message_bytes);
  w->set_connection_id(m.connection_id);
  w->set_token(m.personal_token);
  m.conn->send(encode_frame(msg));
}

// ------------------------------------------------------------------ catch-up

void Room::subscribe(std::string connection_id, uint64_t request_id, uint64_t after_seq,
                     kenes::v1::SubscribeFrom from) {
  asio::post(strand_, [self = shared_from_this(), connection_id = std::move(connection_id), request_id, after_seq,
                       from] {
    Member* m = self->member(connection_id);
    if (!m || m->state == MemberState::kAdmitting) {
      if (m) self->send_error(m, request_id, kenes::v1::ERROR_CODE_NOT_AUTHENTICATED, "wait for Welcome before Subscribe");
      return;
    }
    if (m->state != MemberState::kAdmitted) {
      self->send_error(m, request_id, kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "already subscribed");
      return;
    }
    // A client ahead of the log folded records this log no longer has (the
    // data folder was restored from a backup): none of its state can be
    // trusted, so it starts over from a state, or is told why it cannot.
    const bool ahead = after_seq > self->durable_seq_;
    if (ahead && from == kenes::v1::SUBSCRIBE_FROM_LOG) {
      self->send_error(m, request_id, kenes::v1::ERROR_CODE_AHEAD_OF_LOG,
                       "after_seq " + std::to_string(after_seq) + " is ahead of the log head " +
                           std::to_string(self->durable_seq_) +
                           "; was the data folder restored from a backup? Subscribe from the state");
      return;
    }
    const bool by_state =
        from == kenes::v1::SUBSCRIBE_FROM_STATE ||
        (from == kenes::v1::SUBSCRIBE_FROM_EITHER &&
         (ahead || after_seq == 0 || self->durable_seq_ - after_seq > self->options_.catch_up_max_records));
    if (by_state) {
      m->state = MemberState::kJoining;
      self->when_quiet([self, connection_id] { self->send_join_state(connection_id); });
      return;
    }
    metrics().joins_by_catch_up_total.fetch_add(1, std::memory_order_relaxed);
    m->state = MemberState::kCatchingUp;
    m->catch_up_next = after_seq + 1;
    self->continue_catch_up(connection_id);
  });
}

void Room::when_quiet(std::function<void()> fn) {
  if (pending_appends_ == 0) return fn();
  quiet_waiters_.push_back(std::move(fn));
}

void Room::run_quiet_waiters() {
  if (pending_appends_ != 0 || quiet_waiters_.empty()) return;
  std::vector<std::function<void()>> waiters;
  waiters.swap(quiet_waiters_);
  for (auto& fn : waiters) fn();
}

void Room::send_join_state(const std::string& connection_id) {
  Member* m = member(connection_id);
  if (!m || m->state != MemberState::kJoining) return;
  const auto serve_started = std::chrono::steady_clock::now();
  // Everything in memory is durable now (when_quiet). The state last made
  // (at join_state_seq_) serves while it is young and nothing of this
  // joiner's own changed since: the records after it follow by catch-up.
  // Otherwise a state at durable_seq_ is made, on the strand.
  const bool reuse = join_state_ && join_state_seq_ <= durable_seq_ &&
                     durable_seq_ - join_state_seq_ <= options_.catch_up_max_records &&
                     serve_started - join_state_made_at_ < options_.join_state_max_age &&
                     join_state_encoder_.own_changed_at(m->caller.participant_id) <= join_state_seq_;
  if (!reuse) {
    const auto started = std::chrono::steady_clock::now();
    const int64_t cpu_started = thread_cpu_us();
    join_state_ = std::make_shared<const std::string>(join_state_encoder_.encode(state_));
    join_state_seq_ = durable_seq_;
    join_state_made_at_ = std::chrono::steady_clock::now();
    metrics().join_state_build_cpu_us_total.fetch_add(static_cast<uint64_t>(thread_cpu_us() - cpu_started),
                                                      std::memory_order_relaxed);
    const auto took = join_state_made_at_ - started;
    metrics().join_state_build_latency.observe(std::chrono::duration<double>(took).count());
    const auto us = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(took).count());
    for (uint64_t seen = metrics().join_state_build_max_us.load(std::memory_order_relaxed);
         us > seen && !metrics().join_state_build_max_us.compare_exchange_weak(seen, us);) {
    }
    metrics().join_states_built_total.fetch_add(1, std::memory_order_relaxed);
  }
  // The own part is as of now, which is as of join_state_seq_ (checked
  // above): the records after it hold nothing of this joiner's own.
  const std::string own = consultation::own_state(state_, m->caller.participant_id).SerializeAsString();
  SharedFrame frame = join_state_frame(*join_state_, own);
  metrics().joins_by_state_total.fetch_add(1, std::memory_order_relaxed);
  metrics().join_state_bytes_total.fetch_add(frame->size(), std::memory_order_relaxed);
  m->conn->send(std::move(frame));
  // Then the records after the state, exactly as a catch-up from its seq
  // (none when it was made now): cut against live delivery the same way.
  m->state = MemberState::kCatchingUp;
  m->catch_up_next = join_state_seq_ + 1;
  continue_catch_up(connection_id);
  metrics().join_serve_latency.observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - serve_started).count());
}

void Room::open_document(std::string connection_id, uint64_t request_id, std::string doc_id) {
  asio::post(strand_, [self = shared_from_this(), connection_id = std::move(connection_id), request_id,
                       doc_id = std::move(doc_id)] {
    Member* m = self->member(connection_id);
    if (!m) return;
    if (m->state != MemberState::kLive) {
      return self->send_error(m, request_id, kenes::v1::ERROR_CODE_NOT_SUBSCRIBED, "subscribe before opening a draft");
    }
    if (!consultation::valid_document_id(doc_id)) {
      return self->send_error(m, request_id, kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                              "doc_id must be 1-128 characters of A-Z a-z 0-9 . _ / -");
    }
    self->when_quiet([self, connection_id, request_id, doc_id] {
      self->send_document_text(connection_id, request_id, doc_id);
    });
  });
}

void Room::send_document_text(const std::string& connection_id, uint64_t request_id, const std::string& doc_id) {
  Member* m = member(connection_id);
  if (!m || m->state != MemberState::kLive) return;
  kenes::v1::ServerMessage msg;
  msg.set_request_id(request_id);
  *msg.mutable_document_text() = consultation::document_text(state_, doc_id);
  metrics().documents_opened_total.fetch_add(1, std::memory_order_relaxed);
  // After every record the text has (the outbox holds durable ones).
  flush_outbox();
  m->conn->send(encode_frame(msg));
}

void Room::continue_catch_up(const std::string& connection_id) {
  Member* m = member(connection_id);
  if (!m || m->state != MemberState::kCatchingUp) return;
  if (m->catch_up_next > durable_seq_) {
    m->conn->send(catch_up_frame({}, durable_seq_, true));
    go_live(*m);
    return;
  }
  // Read on the strand: a batch is small, and reading here keeps "what was
  // sent by catch-up" and "what will be broadcast" exactly complementary.
  uint64_t limit = std::min<uint64_t>(options_.catch_up_batch_records, durable_seq_ - m->catch_up_next + 1);
  auto records = log_.read(consultation_id_, m->catch_up_next, limit);
  if (!records.ok()) {
    log(LogLevel::kError, "catch_up_read_failed",
        {{"consultation", consultation_id_}, {"error", records.status().message()}});
    m->conn->close_with_error(kenes::v1::ERROR_CODE_STORAGE_FAILURE,
                              "cannot read the log: " + records.status().message());
    return;
  }
  const int64_t now = now_unix_ms();
  std::vector<std::string> batch;
  size_t bytes = 0;
  bool skipped = false;
  for (const auto& r : records.value()) {
    if (r.seq > durable_seq_) break;
    if (!consultation::payload_meant_for(r.payload, m->caller.participant_id, state_.assessment(), now,
                                         catch_up_decoded_)) {
      // An anonymous (or still hidden) ballot, or another's private record.
      m->catch_up_next = r.seq + 1;
      skipped = true;
      continue;
    }
    batch.push_back(consultation::outgoing_record(state_.discussion(), r.seq,
                                                  record_bytes(r.payload, r.seq, storage::hash_bytes(r.prev_hash))));
    bytes += batch.back().size();
    m->catch_up_next = r.seq + 1;
    if (bytes >= options_.catch_up_batch_bytes) break;
  }
  if (batch.empty() && skipped && m->catch_up_next <= durable_seq_) {
    asio::post(strand_, [self = shared_from_this(), connection_id] { self->continue_catch_up(connection_id); });
    return;
  }
  if (batch.empty() && !skipped) {
    m->conn->close_with_error(kenes::v1::ERROR_CODE_STORAGE_FAILURE,
                              "the log has a gap at seq " + std::to_string(m->catch_up_next));
    return;
  }
  bool done = m->catch_up_next > durable_seq_;
  auto frame = catch_up_frame(batch, durable_seq_, done);
  if (done) {
    m->conn->send(std::move(frame));
    go_live(*m);
    return;
  }
  m->conn->send_then(std::move(frame), [self = shared_from_this(), connection_id] {
    asio::post(self->strand_, [self, connection_id] { self->continue_catch_up(connection_id); });
  });
}

void Room::go_live(Member& m) {
  // Catch-up read up to durable_seq_, which covers the records still in the
  // outbox: send those to the others now, while this member is not yet live,
  // so that it gets each record exactly once.
  flush_outbox();
  m.state = MemberState::kLive;
  kenes::v1::ServerMessage msg;
  auto* p = msg.mutable_presence();
  p->set_full(true);
  for (const auto& [id, entry] : presence_) *p->add_participants() = entry;
  m.conn->send(encode_frame(msg));
  // Being online is presence too, before any cursor is placed.
  kenes::v1::ParticipantPresence entry;
  entry.set_participant_id(m.caller.participant_id);
  entry.set_connection_id(m.connection_id);
  entry.set_role(m.caller.role);
  if (const consultation::Participant* part = state_.participant(m.caller.participant_id)) {
    entry.set_display_name(part->display_name);
  }
  presence_[m.connection_id] = entry;
  m.has_presence = true;
  broadcast_presence_of(m, false);
  send_poll_updates(m);
}

// -------------------------------------------------------------------- submit

void Room::submit(std::string connection_id, uint64_t request_id, kenes::v1::SubmitOp op) {
  asio::post(strand_, [self = shared_from_this(), connection_id = std::move(connection_id), request_id,
                       op = std::move(op)] { self->do_submit(connection_id, request_id, op); });
}

bool Room::duplicate_ack(Member* m, uint64_t request_id, const kenes::v1::SubmitOp& op) {
  // The log's own index is exact across restarts; the engine only remembers
  // the last submit of each client since this process loaded the document.
  auto found = log_.find_by_client(consultation_id_, storage::ClientKey{op.client_id(), op.client_seq()});
  if (!found.ok() || !found.value()) return false;
  uint64_t seq = *found.value();
  auto rec = log_.read(consultation_id_, seq, 1);
  uint64_t version = 0;
  if (rec.ok() && !rec.value().empty()) {
    kenes::v1::LogRecord decoded;
    if (decoded.ParseFromString(rec.value().front().payload) && decoded.has_text_edit()) {
      version = decoded.text_edit().version();
    }
  }
  kenes::v1::ServerMessage msg;
  msg.set_request_id(request_id);
  auto* ack = msg.mutable_ack();
  ack->set_doc_id(op.doc_id());
  ack->set_client_seq(op.client_seq());
  ack->set_version(version);
  ack->set_seq(seq);
  ack->set_duplicate(true);
  metrics().duplicate_submits_total.fetch_add(1, std::memory_order_relaxed);
  flush_outbox();
  m->conn->send(encode_frame(msg));
  return true;
}

void Room::do_submit(const std::string& connection_id, uint64_t request_id, const kenes::v1::SubmitOp& sub) {
  Member* m = member(connection_id);
  if (!m) return;
  auto refuse = [&](ErrorCode code, const std::string& message) {
    send_error(m, request_id, code, message, sub.doc_id(), sub.client_seq());
  };
  if (m->state == MemberState::kAdmitting || m->state == MemberState::kAdmitted) {
    return refuse(kenes::v1::ERROR_CODE_NOT_SUBSCRIBED, "subscribe before submitting");
  }
  if (shutting_down_) return refuse(kenes::v1::ERROR_CODE_SHUTTING_DOWN, "the server is shutting down; resend after reconnecting");
  if (failure_) return refuse(kenes::v1::ERROR_CODE_STORAGE_FAILURE, "the log cannot be written: " + *failure_);
  auto checked = consultation::check_submit(m->caller, sub);
  if (auto* refusal = std::get_if<consultation::Refusal>(&checked)) return refuse(refusal->code, refusal->message);
  auto& op = std::get<consultation::CheckedSubmit>(checked);

  std::string key = client_key(sub.client_id(), sub.client_seq());
  if (pending_client_keys_.count(key) == 0 && duplicate_ack(m, request_id, sub)) return;

  // Through the state, which moves the document's thread anchors too.
  auto sequenced = state_.submit_op(sub.doc_id(), sub.client_id(), sub.client_seq(), sub.base_version(),
                                    std::move(op.op), op.declared_span);
  if (!sequenced.ok()) {
    return refuse(consultation::wire_error_code(sequenced.status().code()), sequenced.status().message());
  }
  if (sequenced.value().duplicate) {
    // Sequenced earlier and not yet durable: acknowledge once it is.
    duplicate_waiters_[key].emplace_back(connection_id, request_id);
    return;
  }
  PendingAppend pending;
  pending.connection_id = connection_id;
  pending.request_id = request_id;
  pending.answer = Answer::kAck;
  pending.folded = Folded::kBySequencer;
  pending.client_key = key;
  ++pending_client_keys_[key];
  append(consultation::text_edit_record(m->caller, sub, sequenced.value()), std::move(pending),
         storage::ClientKey{sub.client_id(), sub.client_seq()});
}

// ------------------------------------------------------------------ requests

void Room::request(std::string connection_id, kenes::v1::ClientMessage msg) {
  asio::post(strand_, [self = shared_from_this(), connection_id = std::move(connection_id), msg = std::move(msg)] {
    self->do_request(connection_id, msg);
  });
}

void Room::do_request(const std::string& connection_id, const kenes::v1::ClientMessage& msg) {
  Member* m = member(connection_id);
  if (!m) return;
  const uint64_t rid = msg.request_id();
  const consultation::RequestKind* kind = consultation::find_request(msg.kind_case());
  if (!kind || !kind->handler) {
    return send_error(m, rid, kenes::v1::ERROR_CODE_UNKNOWN_MESSAGE, "unknown message kind");
  }
  if (kind->door == consultation::Door::kChange) {
    if (!accepts_changes_from(m, rid)) return;
  } else if (m->state == MemberState::kAdmitting) {
    return send_error(m, rid, kenes::v1::ERROR_CODE_NOT_AUTHENTICATED, "wait for Welcome");
  }
  consultation::Outcome out = kind->handler(request_context(), m->caller, msg);
  if (out.refusal) return send_error(m, rid, out.refusal->code, out.refusal->message);
  if (out.answer) {
    if (out.answer->has_invite_links() && !sign_links(*out.answer->mutable_invite_links())) {
      return send_error(m, rid, kenes::v1::ERROR_CODE_INTERNAL, "this server cannot sign links");
    }
    if (msg.has_email_invite_link()) return mail_invite_link(connection_id, rid, std::move(*out.answer));
    out.answer->set_request_id(rid);
    flush_outbox();
    m->conn->send(encode_frame(*out.answer));
    return;
  }
  if (!out.record) return send_error(m, rid, kenes::v1::ERROR_CODE_INTERNAL, "internal error: the request had no outcome");
  if (!take_record_token(m->caller.participant_id)) {
    return send_error(m, rid, kenes::v1::ERROR_CODE_RATE_LIMITED,
                      "you are adding to the consultation faster than a person can; send it again in a moment");
  }
  PendingAppend pending;
  pending.connection_id = connection_id;
  pending.request_id = rid;
  pending.answer = Answer::kAck;
  pending.folded = out.fold == consultation::Fold::kAsBuilt ? Folded::kAsBuilt : Folded::kWhenDurable;
  append(std::move(*out.record), std::move(pending));
}

bool Room::take_record_token(const std::string& participant) {
  const auto now = std::chrono::steady_clock::now();
  auto [it, fresh] = record_buckets_.try_emplace(participant);
  RecordBucket& b = it->second;
  if (fresh) b.tokens = options_.record_burst;
  const double elapsed = fresh ? 0.0 : std::chrono::duration<double>(now - b.refilled).count();
  b.refilled = now;
  b.tokens = std::min(options_.record_burst, b.tokens + elapsed * options_.records_per_second);
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

bool Room::accepts_changes_from(Member* m, uint64_t request_id) {
  if (m->state == MemberState::kAdmitting) {
    send_error(m, request_id, kenes::v1::ERROR_CODE_NOT_AUTHENTICATED, "wait for Welcome");
    return false;
  }
  if (shutting_down_) {
    send_error(m, request_id, kenes::v1::ERROR_CODE_SHUTTING_DOWN,
               "the server is shutting down; send it again after reconnecting");
    return false;
  }
  if (failure_) {
    send_error(m, request_id, kenes::v1::ERROR_CODE_STORAGE_FAILURE, "the log cannot be written: " + *failure_);
    return false;
  }
  return true;
}

// -------------------------------------------------------------------- append

bool Room::append(kenes::v1::LogRecord record, PendingAppend pending, std::optional<storage::ClientKey> key) {
  record.set_time_unix_ms(now_unix_ms());
  if (pending.folded == Folded::kAsBuilt) {
    // Appends complete in order and each takes the next seq, so this is the
    // seq the record will get (checked when it is durable).
    pending.expected_seq = durable_seq_ + pending_appends_ + 1;
    record.set_seq(pending.expected_seq);
    engine::Status s = state_.apply_early(record);
    if (!s.ok()) {
      // The handler checked everything the fold checks: a bug, not bad input.
      log(LogLevel::kError, "record_did_not_fold", {{"consultation", consultation_id_}, {"error", s.message()}});
      send_error(member(pending.connection_id), pending.request_id, kenes::v1::ERROR_CODE_INTERNAL,
                 "internal error: " + s.message());
      return false;
    }
    record.clear_seq();  // storage assigns it; the stored payload has none
  }
  in_flight_.built(record, state_.assessment());
  auto shared = std::make_shared<PendingAppend>(std::move(pending));
  shared->payload = record.SerializeAsString();
  shared->record = std::move(record);
  shared->started = std::chrono::steady_clock::now();
  std::vector<storage::Entry> entries(1);
  entries[0].payload = shared->payload;
  entries[0].key = std::move(key);
  ++pending_appends_;
  log_.append_async(consultation_id_, std::move(entries),
                    [self = shared_from_this(), shared](storage::Result<storage::Appended> result) {
                      // On the log's writer thread: hop back to the strand at once.
                      asio::post(self->strand_, [self, shared, result = std::move(result)]() mutable {
                        self->on_appended(std::move(result), std::move(shared));
                      });
                    });
  return true;
}

void Room::on_appended(storage::Result<storage::Appended> result, std::shared_ptr<PendingAppend> pending) {
  --pending_appends_;
  if (!pending->client_key.empty()) {
    auto it = pending_client_keys_.find(pending->client_key);
    if (it != pending_client_keys_.end() && --it->second == 0) pending_client_keys_.erase(it);
  }
  Member* requester = member(pending->connection_id);
  if (!result.ok()) {
    storage_failed_ = true;
    fail(result.status().message());
    if (requester) {
      const auto& rec = pending->record;
      send_error(requester, pending->request_id, kenes::v1::ERROR_CODE_STORAGE_FAILURE,
                 "the log cannot be written, nothing was saved: " + result.status().message(),
                 rec.has_text_edit() && !rec.client_id().empty() ? rec.text_edit().doc_id() : std::string(),
                 rec.client_seq());
      if (requester->state == MemberState::kAdmitting) {
        requester->conn->close_with_error(kenes::v1::ERROR_CODE_STORAGE_FAILURE, "cannot record the participant");
        members_.erase(pending->connection_id);
      }
    }
    if (!pending->client_key.empty()) duplicate_waiters_.erase(pending->client_key);
    maybe_finish_shutdown();
    return;
  }
  const uint64_t seq = result.value().last_seq;
  metrics().append_latency.observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - pending->started).count());
  metrics().records_total.fetch_add(1, std::memory_order_relaxed);
  std::string prev_hash = std::move(last_hash_);
  last_hash_ = storage::hash_bytes(result.value().last_hash);
  durable_seq_ = seq;
  ++records_since_snapshot_;

  kenes::v1::LogRecord& rec = pending->record;
  rec.set_seq(seq);
  std::string record = record_bytes(pending->payload, seq, prev_hash);
  note_history(rec);
  switch (pending->folded) {
    case Folded::kAsBuilt:
      if (seq != pending->expected_seq) {
        // Something else appended to this consultation's log: the anchors in
        // memory may disagree with a replay. Stop; a restart rebuilds them.
        fail("internal error: a record folded as it was built got seq " + std::to_string(seq) + ", expected " +
             std::to_string(pending->expected_seq));
      }
      state_.note_durable(rec);
      break;
    case Folded::kBySequencer:
      state_.note_durable(rec);
      break;
    case Folded::kWhenDurable:
      if (engine::Status s = state_.apply(rec); !s.ok()) {
        // Our own record did not fold: a bug, and the state is now suspect.
        log(LogLevel::kError, "record_did_not_apply", {{"consultation", consultation_id_}, {"error", s.message()}});
        fail("internal error: " + s.message());
      }
      break;
  }
  if (rec.has_text_edit()) {
    state_.mark_changed(rec.text_edit().doc_id());
    metrics().ops_total.fetch_add(1, std::memory_order_relaxed);
  }
  in_flight_.durable(rec);
  join_state_encoder_.touched(rec, state_);
  deliver(rec, std::move(record), *pending);
  run_quiet_waiters();
  maybe_snapshot();
  maybe_finish_shutdown();
}

// ------------------------------------------------------------------ delivery

void Room::deliver(const kenes::v1::LogRecord& rec, std::string record_bytes, const PendingAppend& pending) {
  const consultation::Delivery d = consultation::delivery_of(rec, state_, now_unix_ms());
  Member* requester = member(pending.connection_id);
  OutboxEntry& entry =
      queue_record(consultation::outgoing_record(state_.discussion(), rec.seq(), std::move(record_bytes)),
                   d.ack_replaces_record ? pending.connection_id : std::string());
  entry.only_participant = d.only_participant;
  kenes::v1::ServerMessage ack;
  *ack.mutable_ack() = d.ack;
  if (requester && pending.answer == Answer::kAck) {
    if (d.refusal) {
      metrics().count_error(d.refusal->code);
      entry.direct.emplace_back(pending.connection_id,
                                error_frame(d.refusal->code, d.refusal->message, pending.request_id, false));
    } else {
      ack.set_request_id(pending.request_id);
      entry.direct.emplace_back(pending.connection_id, encode_frame(ack));
    }
  }
  // Resubmits of the same op that came while it was in flight.
  if (!pending.client_key.empty()) {
    if (auto waiters = duplicate_waiters_.find(pending.client_key); waiters != duplicate_waiters_.end()) {
      ack.mutable_ack()->set_duplicate(true);
      for (const auto& [cid, rid] : waiters->second) {
        ack.set_request_id(rid);
        entry.direct.emplace_back(cid, encode_frame(ack));
      }
      duplicate_waiters_.erase(waiters);
    }
  }
  if (rec.has_participant_invited() && !rec.participant_invited().registration_id().empty()) {
    auto r = registering_.find(rec.participant_invited().registration_id());
    if (r != registering_.end() && --r->second == 0) registering_.erase(r);
  }
  if (requester && pending.answer == Answer::kWelcome && requester->state == MemberState::kAdmitting) {
    requester->state = MemberState::kAdmitted;
    send_welcome(*requester, pending.request_id);
  }
  if (!d.poll_changed.empty()) schedule_poll_update(d.poll_changed);
  if (d.poll_times_changed) arm_poll_timer();
  if (!d.revoked_participant.empty()) close_connections_of(d.revoked_participant);
}

void Room::close_connections_of(const std::string& participant_id) {
  std::vector<std::string> gone;
  for (auto& [cid, mem] : members_) {
    if (mem.caller.participant_id == participant_id) gone.push_back(cid);
  }
  flush_outbox();  // the revoked see their revocation, then the close
  for (const auto& cid : gone) {
    Member* mem = member(cid);
    metrics().count_error(kenes::v1::ERROR_CODE_REVOKED);
    mem->conn->close_with_error(kenes::v1::ERROR_CODE_REVOKED, "you were removed from the consultation");
    leave(cid);
  }
}

void Room::fail(const std::string& why) {
  if (failure_) return;
  failure_ = why;
  healthy_ = false;
  log(LogLevel::kError, "room_failed", {{"consultation", consultation_id_}, {"error", why}});
}

void Room::broadcast(const SharedFrame& frame, const std::string& except_connection_id) {
  flush_outbox();
  for (auto& [cid, m] : members_) {
    if (m.state == MemberState::kLive && cid != except_connection_id) m.conn->send(frame);
  }
}

// ------------------------------------------------------------------ outbox
//
// Durable records do not go out one frame each. They wait in the outbox until
// the strand has run what is already queued on it (the rest of a group commit,
// usually), then go out together: one Broadcast frame, encoded once and shared
// by every live member that authored none of them. With C members and R
// records per flush that is C frames instead of C·R — each frame costs a
// syscall on the server and a read, a WebSocket parse and a wake-up in every
// client, which is what limited a 300-person room. An author instead gets the
// others' records with its own Acks in their places, in seq order, so the
// order every member sees is still the log's order.
//
// Anything else the room sends to anyone flushes the outbox first: errors,
// presence, welcomes and closes never overtake a durable record.

Room::OutboxEntry& Room::queue_record(std::string record, std::string except_connection_id) {
  if (outbox_.empty() && !flush_posted_) {
    flush_posted_ = true;
    asio::post(strand_, [self = shared_from_this()] {
      self->flush_posted_ = false;
      self->flush_outbox();
    });
  }
  outbox_.push_back(OutboxEntry{std::move(record), std::move(except_connection_id), {}, {}});
  return outbox_.back();
}

void Room::flush_outbox() {
  if (outbox_.empty()) return;
  std::vector<OutboxEntry> entries;
  entries.swap(outbox_);
  // Members whose view differs from everyone else's: authors and ack waiters.
  // Restricted records (a ballot only its voter may see, a read marker) are
  // left out of the shared frame; their participants' connections get their
  // own view.
  std::set<std::string_view> own_view;
  std::set<std::string_view> restricted_to;
  for (const auto& e : entries) {
    if (!e.except_connection_id.empty()) own_view.insert(e.except_connection_id);
    for (const auto& d : e.direct) own_view.insert(d.first);
    if (!e.only_participant.empty()) restricted_to.insert(e.only_participant);
  }
  // Every run of records leaves in frames of bounded size (issue 17): a burst
  // of large comments must not become one frame that overflows every
  // reader's queue at once.
  auto send_run = [](Member& m, const std::vector<std::string_view>& records) {
    for (auto& f : broadcast_frames(records, kMaxBroadcastFrameBytes)) m.conn->send_broadcast(std::move(f));
  };
  std::vector<SharedFrame> shared;
  bool shared_built = false;
  std::vector<std::string_view> run;
  for (auto& [cid, m] : members_) {
    const bool live = m.state == MemberState::kLive;
    if (!own_view.count(cid) && !restricted_to.count(m.caller.participant_id)) {
      if (!live) continue;
      if (!shared_built) {
        shared_built = true;
        run.clear();
        for (const auto& e : entries) {
          if (e.only_participant.empty()) run.push_back(e.record);
        }
        shared = broadcast_frames(run, kMaxBroadcastFrameBytes);
      }
      for (const auto& f : shared) m.conn->send_broadcast(f);
      continue;
    }
    run.clear();
    for (const auto& e : entries) {
      if (live && e.except_connection_id != cid &&
          (e.only_participant.empty() || e.only_participant == m.caller.participant_id)) {
        run.push_back(e.record);
      }
      for (const auto& [to, frame] : e.direct) {
        if (to != cid) continue;
        send_run(m, run);
        run.clear();
        m.conn->send(frame);
      }
    }
    send_run(m, run);
  }
  metrics().broadcast_batches_total.fetch_add(1, std::memory_order_relaxed);
  metrics().broadcast_batch_records_total.fetch_add(entries.size(), std::memory_order_relaxed);
}

// ---------------------------------------------------------------- presence

void Room::broadcast_presence_of(const Member& m, bool left) {
  if (left) {
    presence_changed_.erase(m.connection_id);
    presence_left_.push_back(m.connection_id);
  } else {
    presence_changed_.insert(m.connection_id);
  }
  if (presence_flush_posted_) return;
  presence_flush_posted_ = true;
  const auto due = last_presence_flush_ + options_.presence_interval;
  if (std::chrono::steady_clock::now() >= due) {
    // Posted: the other changes already queued on the strand join this frame.
    asio::post(strand_, [self = shared_from_this()] { self->flush_presence(); });
    return;
  }
  if (!presence_timer_) presence_timer_ = std::make_unique<asio::steady_timer>(strand_);
  presence_timer_->expires_at(due);
  presence_timer_->async_wait(asio::bind_executor(strand_, [self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->flush_presence();
  }));
}

void Room::flush_presence() {
  presence_flush_posted_ = false;
  last_presence_flush_ = std::chrono::steady_clock::now();
  if (presence_changed_.empty() && presence_left_.empty()) return;
  kenes::v1::ServerMessage msg;
  auto* p = msg.mutable_presence();
  for (const auto& cid : presence_left_) p->add_left_connection_ids(cid);
  for (const auto& cid : presence_changed_) {
    if (auto it = presence_.find(cid); it != presence_.end()) *p->add_participants() = it->second;
  }
  presence_changed_.clear();
  presence_left_.clear();
  // Everyone, the senders too: a client knows its own connection id (Welcome)
  // and skips its entry.
  broadcast(encode_frame(msg), std::string());
}

void Room::presence(std::string connection_id, kenes::v1::PresenceUpdate update) {
  asio::post(strand_, [self = shared_from_this(), connection_id = std::move(connection_id),
                       update = std::move(update)] {
    Member* m = self->member(connection_id);
    if (!m) return;
    if (m->state != MemberState::kLive) {
      return self->send_error(m, 0, kenes::v1::ERROR_CODE_NOT_SUBSCRIBED, "subscribe before sending presence");
    }
    if (auto refusal = consultation::check_presence(update)) {
      return self->send_error(m, 0, refusal->code, refusal->message);
    }
    auto& entry = self->presence_[connection_id];
    entry.set_doc_id(update.doc_id());
    *entry.mutable_selections() = update.selections();
    entry.set_typing(update.typing());
    if (const consultation::Participant* p = self->state_.participant(m->caller.participant_id)) {
      entry.set_display_name(p->display_name);
    }
    self->broadcast_presence_of(*m, false);
  });
}

void Room::leave(std::string connection_id) {
  asio::post(strand_, [self = shared_from_this(), connection_id = std::move(connection_id)] {
    auto it = self->members_.find(connection_id);
    if (it == self->members_.end()) return;
    Member gone = std::move(it->second);
    self->members_.erase(it);
    if (gone.has_presence) {
      self->presence_.erase(connection_id);
      self->broadcast_presence_of(gone, true);
    }
    self->note_departure(gone.caller.participant_id);
  });
}

// ----------------------------------------------------- snapshots, shutdown

void Room::maybe_snapshot() {
  // Only when nothing is in flight: then the in-memory state is exactly the
  // state at durable_seq_, which is what a snapshot claims to be.
  if (pending_appends_ != 0 || failure_ || snapshot_in_flight_) return;
  if (records_since_snapshot_ < options_.snapshot_every_records && !shutting_down_) return;
  if (records_since_snapshot_ == 0) return;
  // The set is copied here, on the strand, at durable_seq_: the assessment's
  // open segment and the documents changed, a few MB at most, not the whole
  // history (AssessmentState, "Snapshot"). The write, a synchronous RocksDB
  // write, runs elsewhere while the room goes on sequencing.
  auto entries = std::make_shared<std::vector<storage::SnapshotEntry>>();
  std::vector<std::string> names;
  uint64_t bytes = 0;
  for (auto& s : state_.snapshots(true)) {
    bytes += s.bytes.size();
    names.push_back(s.name);
    entries->push_back(storage::SnapshotEntry{std::move(s.name), s.version, std::move(s.bytes), s.replaces_older});
  }
  const uint64_t covered = durable_seq_;
  const uint64_t records = records_since_snapshot_;
  records_since_snapshot_ = 0;
  snapshot_in_flight_ = true;
  auto write = [self = shared_from_this(), entries, names = std::move(names), covered, records, bytes]() mutable {
    const auto started = std::chrono::steady_clock::now();
    storage::Status st = self->log_.write_snapshots(self->consultation_id_, covered, std::move(*entries));
    metrics().snapshot_write_latency.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    metrics().snapshots_total.fetch_add(1, std::memory_order_relaxed);
    metrics().snapshot_bytes_total.fetch_add(bytes, std::memory_order_relaxed);
    asio::post(self->strand_, [self, st = std::move(st), names = std::move(names), records] {
      self->snapshot_in_flight_ = false;
      if (!st.ok()) {
        // A missing snapshot costs only replay time at the next start; the
        // next try must carry these documents again.
        log(LogLevel::kWarn, "snapshot_failed", {{"consultation", self->consultation_id_}, {"error", st.message()}});
        self->state_.snapshot_not_written(names);
        self->records_since_snapshot_ += records;
      } else {
        self->state_.snapshot_written(names);
      }
      self->maybe_finish_shutdown();
    });
  };
  if (options_.run_snapshot_write) {
    options_.run_snapshot_write(std::move(write));
  } else {
    write();
  }
}

void Room::shutdown(std::function<void()> done) {
  asio::post(strand_, [self = shared_from_this(), done = std::move(done)]() mutable {
    self->shutting_down_ = true;
    self->shutdown_done_ = std::move(done);
    self->maybe_finish_shutdown();
  });
}

void Room::maybe_finish_shutdown() {
  if (!shutting_down_ || pending_appends_ != 0 || !shutdown_done_) return;
  if (snapshot_in_flight_) return;  // its completion calls this again
  if (!final_snapshot_started_) {
    // One last snapshot of everything since the previous one (tried once:
    // a failing disk must not keep the server from stopping).
    final_snapshot_started_ = true;
    maybe_snapshot();
    if (snapshot_in_flight_) return;
  }
  flush_outbox();
  if (poll_timer_) poll_timer_->cancel();
  if (poll_flush_timer_) poll_flush_timer_->cancel();
  if (presence_timer_) presence_timer_->cancel();
  if (digest_timer_) digest_timer_->cancel();
  for (auto& [cid, m] : members_) m.conn->close_going_away();
  members_.clear();
  presence_.clear();
  auto done = std::move(shutdown_done_);
  shutdown_done_ = nullptr;
  done();
}

}  // namespace kenes::server
