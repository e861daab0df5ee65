#include "kenes_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <random>

#include "consultation/proto_convert.h"
#include "tcp_bytes.h"

namespace kenes::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {
std::string random_client_id() {
  std::random_device rd;
  std::mt19937_64 rng(rd());
  char buf[24];
  std::snprintf(buf, sizeof buf, "c%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}
}  // namespace

KenesClient::KenesClient(asio::io_context& io, ClientOptions options)
    : io_(io), options_(std::move(options)), reconnect_timer_(io), backoff_(options_.reconnect_min) {
  if (options_.client_id.empty()) options_.client_id = random_client_id();
}

KenesClient::~KenesClient() = default;

uint64_t KenesClient::wire_bytes_received() const {
  uint64_t current = 0;
  if (ws_ && beast::get_lowest_layer(*ws_).socket().is_open()) {
    current = tcp_bytes_received(beast::get_lowest_layer(*ws_).socket().native_handle());
  }
  return wire_bytes_closed_ + current;
}

const engine::ClientDocument& KenesClient::document(const std::string& doc_id) { return docs_[doc_id]; }

bool KenesClient::has_unacknowledged() const {
  for (const auto& [id, doc] : docs_) {
    if (doc.has_inflight() || !doc.pending().is_noop()) return true;
  }
  return false;
}

void KenesClient::connect() {
  if (state_ != ConnectionState::kDisconnected) return;
  start_connect();
}

void KenesClient::start_connect() {
  state_ = ConnectionState::kConnecting;
  ++generation_;
  auto ws = std::make_shared<Stream>(io_);
  ws->read_message_max(64ull << 20);  // catch-up batches can be large
  ws->binary(true);
  if (options_.deflate) {
    websocket::permessage_deflate pmd;
    pmd.client_enable = true;
    ws->set_option(pmd);
  }
  auto endpoint = asio::ip::tcp::endpoint(asio::ip::make_address(options_.host), options_.port);
  beast::get_lowest_layer(*ws).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(*ws).async_connect(
      endpoint, [self = shared_from_this(), ws, gen = generation_](beast::error_code ec) {
        if (gen != self->generation_) return;
        if (ec) return self->on_connected(ws, ec);
        beast::get_lowest_layer(*ws).socket().set_option(asio::ip::tcp::no_delay(true));
        auto res = std::make_shared<websocket::response_type>();
        ws->async_handshake(*res, self->options_.host + ":" + std::to_string(self->options_.port), "/ws",
                            [self, ws, gen, res](beast::error_code ec) {
                              if (gen != self->generation_) return;
                              self->deflate_negotiated_ =
                                  !ec && (*res)[beast::http::field::sec_websocket_extensions].find(
                                             "permessage-deflate") != beast::string_view::npos;
                              self->on_connected(ws, ec);
                            });
      });
}

void KenesClient::on_connected(std::shared_ptr<Stream> ws, beast::error_code ec) {
  if (ec) return connection_lost("connect failed: " + ec.message());
  beast::get_lowest_layer(*ws).expires_never();
  ws_ = ws;
  write_queue_.clear();
  writing_ = false;
  read_buffer_.clear();
  kenes::v1::ClientMessage hello;
  hello.set_request_id(next_request_id_++);
  hello.mutable_hello()->set_token(options_.token);
  hello.mutable_hello()->set_client_id(options_.client_id);
  hello.mutable_hello()->set_client_version("kenes-cpp-client/0.1");
  if (options_.registration) *hello.mutable_hello()->mutable_registration() = *options_.registration;
  send_message(std::move(hello));
  do_read();
}

void KenesClient::do_read() {
  ws_->async_read(read_buffer_, [self = shared_from_this(), ws = ws_, gen = generation_](beast::error_code ec,
                                                                                         std::size_t) {
    if (gen != self->generation_) return;
    if (ec) {
      std::string reason = ec.message();
      if (ec == websocket::error::closed) reason = "closed: " + std::string(ws->reason().reason.c_str());
      return self->connection_lost(reason);
    }
    kenes::v1::ServerMessage msg;
    auto data = self->read_buffer_.cdata();
    self->bytes_received_ += data.size();
    bool ok = msg.ParseFromArray(data.data(), static_cast<int>(data.size()));
    self->read_buffer_.consume(self->read_buffer_.size());
    if (!ok) return self->connection_lost("server sent an undecodable frame");
    self->on_frame(msg);
    if (gen == self->generation_ && self->ws_) self->do_read();
  });
}

void KenesClient::on_frame(const kenes::v1::ServerMessage& msg) {
  if (on_message) on_message(msg);
  switch (msg.kind_case()) {
    case kenes::v1::ServerMessage::kWelcome: {
      welcome_ = msg.welcome();
      if (!welcome_.token().empty()) {
        options_.token = welcome_.token();
        options_.registration.reset();
      }
      state_ = ConnectionState::kCatchingUp;
      kenes::v1::ClientMessage sub;
      sub.set_request_id(next_request_id_++);
      sub.mutable_subscribe()->set_consultation_id(options_.consultation_id.empty() ? welcome_.consultation_id()
                                                                                    : options_.consultation_id);
      sub.mutable_subscribe()->set_after_seq(last_seq_);
      if (!subscribed_once_) sub.mutable_subscribe()->set_from(options_.subscribe_from);
      subscribed_once_ = true;
      send_message(std::move(sub));
      break;
    }
    case kenes::v1::ServerMessage::kJoinState: {
      // The state at its seq: documents known by version only, until opened.
      join_state_ = msg.join_state();
      last_seq_ = std::max(last_seq_, join_state_.state().seq());
      for (const auto& d : join_state_.state().documents()) {
        if (!docs_.count(d.doc_id())) unopened_[d.doc_id()] = d.version();
      }
      break;
    }
    case kenes::v1::ServerMessage::kDocumentText: {
      const auto& t = msg.document_text();
      auto it = unopened_.find(t.doc_id());
      if (it == unopened_.end()) break;  // opened already, or never asked
      if (it->second != t.version()) {
        return connection_lost("document " + t.doc_id() + " arrived at version " + std::to_string(t.version()) +
                               ", the stream is at " + std::to_string(it->second));
      }
      unopened_.erase(it);
      docs_.insert_or_assign(t.doc_id(), engine::ClientDocument(t.text(), t.version()));
      if (on_document_opened) on_document_opened(t.doc_id(), t.version());
      break;
    }
    case kenes::v1::ServerMessage::kCatchUp: {
      for (const auto& rec : msg.catch_up().records()) apply_record(rec);
      if (msg.catch_up().done()) {
        state_ = ConnectionState::kLive;
        backoff_ = options_.reconnect_min;
        // Resend what was in flight when the connection dropped (the server
        // acknowledges it again if it had been sequenced), then the rest.
        for (auto& [doc_id, doc] : docs_) resend_inflight(doc_id);
        flush_all();
        if (on_live) on_live();
      }
      break;
    }
    case kenes::v1::ServerMessage::kBroadcast:
      for (const auto& record : msg.broadcast().records()) apply_record(record);
      break;
    case kenes::v1::ServerMessage::kPollUpdate:
      polls_[msg.poll_update().poll_id()] = msg.poll_update();
      if (on_poll_update) on_poll_update(msg.poll_update());
      break;
    case kenes::v1::ServerMessage::kRosterBalance:
      if (on_roster_balance) on_roster_balance(msg.roster_balance());
      break;
    case kenes::v1::ServerMessage::kAck: {
      const auto& ack = msg.ack();
      if (ack.doc_id().empty()) {
        if (on_request_ack) on_request_ack(msg.request_id(), ack.seq());
        break;
      }
      auto it = docs_.find(ack.doc_id());
      if (it != docs_.end() && it->second.has_inflight() && it->second.inflight_client_seq() == ack.client_seq()) {
        engine::Status s = it->second.on_ack(ack.client_seq(), ack.version());
        if (!s.ok()) return connection_lost("ack does not fit: " + s.message());
        if (on_ack) on_ack(ack.doc_id(), ack.version(), ack.client_seq());
        flush(ack.doc_id());
      }
      break;
    }
    case kenes::v1::ServerMessage::kError: {
      const auto& e = msg.error();
      // An op dropped over the rate limit (or not stored) is named by the
      // server: sent again shortly, as after a reconnect (a duplicate is
      // acknowledged, never applied twice).
      if (!e.fatal() && !e.doc_id().empty() &&
          (e.code() == kenes::v1::ERROR_CODE_RATE_LIMITED || e.code() == kenes::v1::ERROR_CODE_STORAGE_FAILURE)) {
        auto timer = std::make_shared<asio::steady_timer>(io_, options_.reconnect_min * 5);
        timer->async_wait([self = shared_from_this(), timer, doc_id = e.doc_id(), client_seq = e.client_seq(),
                           gen = generation_](boost::system::error_code ec) {
          // A reconnect in between resent it already.
          if (ec || gen != self->generation_ || self->state_ != ConnectionState::kLive) return;
          auto it = self->docs_.find(doc_id);
          if (it != self->docs_.end() && it->second.has_inflight() && it->second.inflight_client_seq() == client_seq) {
            self->resend_inflight(doc_id);
          }
        });
      }
      if (on_error) on_error(e);
      break;
    }
    default:
      break;
  }
}

void KenesClient::apply_record(const kenes::v1::LogRecord& rec) {
  if (rec.seq() > last_seq_) last_seq_ = rec.seq();
  if (on_record) on_record(rec);
  if (!rec.has_text_edit()) return;
  const auto& edit = rec.text_edit();
  if (auto unopened = unopened_.find(edit.doc_id()); unopened != unopened_.end()) {
    unopened->second = std::max(unopened->second, edit.version());
    return;
  }
  // Joined by state, a draft not in the state was made after it: its first
  // edit is version 1 of an empty text, which this client follows from there.
  // (Any other unknown draft is one to open first.)
  if (join_state_.has_state() && !docs_.count(edit.doc_id()) && edit.version() != 1) {
    unopened_[edit.doc_id()] = edit.version();
    return;
  }
  auto& doc = docs_[edit.doc_id()];
  if (edit.version() <= doc.version()) return;  // already have it (our own, acknowledged)
  if (rec.client_id() == options_.client_id && doc.has_inflight() && doc.inflight_client_seq() == rec.client_seq()) {
    engine::Status s = doc.on_ack(rec.client_seq(), edit.version());
    if (!s.ok()) return connection_lost("own record does not fit: " + s.message());
    if (on_ack) on_ack(edit.doc_id(), edit.version(), rec.client_seq());
    if (state_ == ConnectionState::kLive) flush(edit.doc_id());
    return;
  }
  auto op = consultation::op_from_proto(edit.op());
  if (!op.ok()) return connection_lost("server sent an invalid op: " + op.status().message());
  auto applied = doc.on_remote_op(op.value(), edit.version());
  if (!applied.ok()) return connection_lost("remote op does not apply: " + applied.status().message());
  if (on_remote_edit) on_remote_edit(edit.doc_id(), edit.version());
}

uint64_t KenesClient::open_document(const std::string& doc_id) {
  kenes::v1::ClientMessage m;
  m.mutable_open_document()->set_doc_id(doc_id);
  return send_request(std::move(m));
}

engine::Status KenesClient::local_edit(const std::string& doc_id, const engine::TextOp& op) {
  if (unopened_.count(doc_id)) {
    return engine::Status(engine::ErrorCode::kInvalidState, doc_id + " is not open: open_document first");
  }
  auto& doc = docs_[doc_id];
  engine::Status s = doc.local_edit(op);
  if (!s.ok()) return s;
  if (state_ == ConnectionState::kLive) flush(doc_id);
  return s;
}

void KenesClient::flush(const std::string& doc_id) {
  auto& doc = docs_[doc_id];
  if (!doc.has_outgoing()) return;
  const uint64_t edits = doc.pending_count();
  auto taken = doc.take_outgoing(next_client_seq_++);
  if (!taken.ok()) return;
  const auto& out = taken.value();
  if (on_submit) on_submit(doc_id, out.client_seq, edits);
  kenes::v1::ClientMessage m;
  m.set_request_id(next_request_id_++);
  auto* s = m.mutable_submit_op();
  s->set_doc_id(doc_id);
  s->set_base_version(out.base_version);
  s->set_client_id(options_.client_id);
  s->set_client_seq(out.client_seq);
  consultation::op_to_proto(out.op, s->mutable_op());
  ++submits_sent_;
  send_message(std::move(m));
}

void KenesClient::resend_inflight(const std::string& doc_id) {
  auto out = docs_[doc_id].resend_inflight();
  if (!out) return;
  kenes::v1::ClientMessage m;
  m.set_request_id(next_request_id_++);
  auto* s = m.mutable_submit_op();
  s->set_doc_id(doc_id);
  s->set_base_version(out->base_version);
  s->set_client_id(options_.client_id);
  s->set_client_seq(out->client_seq);
  consultation::op_to_proto(out->op, s->mutable_op());
  ++submits_sent_;
  send_message(std::move(m));
}

void KenesClient::flush_all() {
  for (auto& [doc_id, doc] : docs_) flush(doc_id);
}

void KenesClient::send_message(kenes::v1::ClientMessage msg) {
  write(std::make_shared<const std::string>(msg.SerializeAsString()));
}

void KenesClient::send_raw(std::string bytes) { write(std::make_shared<const std::string>(std::move(bytes))); }

void KenesClient::write(std::shared_ptr<const std::string> bytes) {
  if (!ws_) return;
  write_queue_.push_back(std::move(bytes));
  if (!writing_) do_write();
}

void KenesClient::do_write() {
  if (write_queue_.empty() || !ws_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  auto frame = write_queue_.front();
  ws_->async_write(asio::buffer(*frame),
                   [self = shared_from_this(), frame, gen = generation_](beast::error_code ec, std::size_t) {
                     if (gen != self->generation_) return;
                     self->write_queue_.pop_front();
                     if (ec) return self->connection_lost("write failed: " + ec.message());
                     ++self->messages_sent_;
                     self->do_write();
                   });
}

void KenesClient::connection_lost(const std::string& reason) {
  if (state_ == ConnectionState::kClosedForGood) return;
  ++generation_;
  if (ws_) {
    wire_bytes_closed_ += tcp_bytes_received(beast::get_lowest_layer(*ws_).socket().native_handle());
    beast::error_code ignored;
    beast::get_lowest_layer(*ws_).socket().close(ignored);
  }
  ws_.reset();
  write_queue_.clear();
  writing_ = false;
  state_ = ConnectionState::kDisconnected;
  if (on_closed) on_closed(reason);
  if (options_.auto_reconnect && state_ == ConnectionState::kDisconnected) schedule_reconnect();
}

void KenesClient::schedule_reconnect() {
  std::random_device rd;
  // Full jitter: clients dropped together do not all come back together.
  auto wait = std::chrono::milliseconds(std::uniform_int_distribution<long>(0, backoff_.count())(rd)) +
              options_.reconnect_min;
  backoff_ = std::min(options_.reconnect_max, backoff_ * 2);
  reconnect_timer_.expires_after(wait);
  reconnect_timer_.async_wait([self = shared_from_this(), gen = generation_](beast::error_code ec) {
    if (ec || gen != self->generation_ || self->state_ != ConnectionState::kDisconnected) return;
    self->start_connect();
  });
}

void KenesClient::drop_connection() {
  if (ws_) {
    beast::error_code ignored;
    beast::get_lowest_layer(*ws_).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(*ws_).socket().close(ignored);
  }
}

void KenesClient::close() {
  auto ws = ws_;
  state_ = ConnectionState::kClosedForGood;
  ++generation_;
  reconnect_timer_.cancel();
  wire_bytes_closed_ = wire_bytes_received();
  ws_.reset();
  if (ws) {
    ws->async_close(websocket::close_code::normal, [ws](beast::error_code) {});
  }
}

// ----------------------------------------------- indicators, polls, meetings

uint64_t KenesClient::send_request(kenes::v1::ClientMessage msg) {
  uint64_t rid = next_request_id_++;
  msg.set_request_id(rid);
  send_message(std::move(msg));
  return rid;
}

uint64_t KenesClient::create_thread(const kenes::v1::ThreadTarget& target, const std::string& body,
                                    const std::vector<std::string>& mentions, std::optional<std::string> suggestion) {
  kenes::v1::ClientMessage m;
  auto* r = m.mutable_create_thread();
  *r->mutable_target() = target;
  r->set_body(body);
  for (const auto& id : mentions) r->add_mentions(id);
  if (suggestion) r->mutable_suggestion()->set_text(*suggestion);
  return send_request(std::move(m));
}

uint64_t KenesClient::add_comment(const std::string& thread_id, const std::string& body,
                                  const std::vector<std::string>& mentions) {
  kenes::v1::ClientMessage m;
  auto* r = m.mutable_add_comment();
  r->set_thread_id(thread_id);
  r->set_body(body);
  for (const auto& id : mentions) r->add_mentions(id);
  return send_request(std::move(m));
}

uint64_t KenesClient::edit_comment(const std::string& thread_id, const std::string& comment_id,
                                   const std::string& body) {
  kenes::v1::ClientMessage m;
  auto* r = m.mutable_edit_comment();
  r->set_thread_id(thread_id);
  r->set_comment_id(comment_id);
  r->set_body(body);
  return send_request(std::move(m));
}

uint64_t KenesClient::delete_comment(const std::string& thread_id, const std::string& comment_id) {
  kenes::v1::ClientMessage m;
  m.mutable_delete_comment()->set_thread_id(thread_id);
  m.mutable_delete_comment()->set_comment_id(comment_id);
  return send_request(std::move(m));
}

uint64_t KenesClient::hide_comment(const std::string& thread_id, const std::string& comment_id,
                                   const std::string& reason) {
  kenes::v1::ClientMessage m;
  m.mutable_hide_comment()->set_thread_id(thread_id);
  m.mutable_hide_comment()->set_comment_id(comment_id);
  m.mutable_hide_comment()->set_reason(reason);
  return send_request(std::move(m));
}

uint64_t KenesClient::resolve_thread(const std::string& thread_id, bool resolved) {
  kenes::v1::ClientMessage m;
  m.mutable_resolve_thread()->set_thread_id(thread_id);
  m.mutable_resolve_thread()->set_resolved(resolved);
  return send_request(std::move(m));
}

uint64_t KenesClient::reattach_thread(const std::string& thread_id, uint64_t from, uint64_t to, uint64_t version) {
  kenes::v1::ClientMessage m;
  auto* r = m.mutable_reattach_thread();
  r->set_thread_id(thread_id);
  r->mutable_range()->set_anchor(from);
  r->mutable_range()->set_head(to);
  r->set_version(version);
  return send_request(std::move(m));
}

uint64_t KenesClient::set_reaction(const std::string& thread_id, const std::string& comment_id, bool on) {
  kenes::v1::ClientMessage m;
  auto* r = m.mutable_set_reaction();
  r->set_thread_id(thread_id);
  r->set_comment_id(comment_id);
  r->set_reaction(kenes::v1::REACTION_PLUS_ONE);
  r->set_on(on);
  return send_request(std::move(m));
}

uint64_t KenesClient::accept_suggestion(const std::string& thread_id, bool accept_changed) {
  kenes::v1::ClientMessage m;
  m.mutable_accept_suggestion()->set_thread_id(thread_id);
  m.mutable_accept_suggestion()->set_accept_changed(accept_changed);
  return send_request(std::move(m));
}

uint64_t KenesClient::reject_suggestion(const std::string& thread_id, const std::string& reason) {
  kenes::v1::ClientMessage m;
  m.mutable_reject_suggestion()->set_thread_id(thread_id);
  m.mutable_reject_suggestion()->set_reason(reason);
  return send_request(std::move(m));
}

uint64_t KenesClient::set_observer_commenting(bool enabled) {
  kenes::v1::ClientMessage m;
  m.mutable_set_observer_commenting()->set_enabled(enabled);
  return send_request(std::move(m));
}

uint64_t KenesClient::mark_threads_read(const std::vector<std::string>& thread_ids, uint64_t up_to_seq) {
  kenes::v1::ClientMessage m;
  for (const auto& id : thread_ids) m.mutable_mark_threads_read()->add_thread_ids(id);
  m.mutable_mark_threads_read()->set_up_to_seq(up_to_seq);
  return send_request(std::move(m));
}

uint64_t KenesClient::record_visit(uint64_t seen_seq) {
  kenes::v1::ClientMessage m;
  m.mutable_record_visit()->set_seen_seq(seen_seq);
  return send_request(std::move(m));
}

uint64_t KenesClient::create_poll(const kenes::v1::PollDefinition& definition) {
  kenes::v1::ClientMessage m;
  *m.mutable_create_poll()->mutable_definition() = definition;
  return send_request(std::move(m));
}

uint64_t KenesClient::open_poll(const std::string& poll_id) {
  kenes::v1::ClientMessage m;
  m.mutable_open_poll()->set_poll_id(poll_id);
  return send_request(std::move(m));
}

uint64_t KenesClient::cast_vote(const std::string& poll_id, const std::vector<uint32_t>& choices) {
  kenes::v1::ClientMessage m;
  m.mutable_cast_vote()->set_poll_id(poll_id);
  for (uint32_t c : choices) m.mutable_cast_vote()->add_choices(c);
  return send_request(std::move(m));
}

uint64_t KenesClient::close_poll(const std::string& poll_id) {
  kenes::v1::ClientMessage m;
  m.mutable_close_poll()->set_poll_id(poll_id);
  return send_request(std::move(m));
}

uint64_t KenesClient::set_indicator_status(const std::string& indicator_id, kenes::v1::IndicatorStatus status) {
  kenes::v1::ClientMessage m;
  m.mutable_set_indicator_status()->set_indicator_id(indicator_id);
  m.mutable_set_indicator_status()->set_status(status);
  return send_request(std::move(m));
}

uint64_t KenesClient::set_indicator_assignees(const std::string& indicator_id,
                                              const std::vector<std::string>& participant_ids) {
  kenes::v1::ClientMessage m;
  m.mutable_set_indicator_assignees()->set_indicator_id(indicator_id);
  for (const auto& id : participant_ids) m.mutable_set_indicator_assignees()->add_participant_ids(id);
  return send_request(std::move(m));
}

uint64_t KenesClient::set_indicator_sources(const std::string& indicator_id, const std::vector<std::string>& sources) {
  kenes::v1::ClientMessage m;
  m.mutable_set_indicator_sources()->set_indicator_id(indicator_id);
  for (const auto& src : sources) m.mutable_set_indicator_sources()->add_sources(src);
  return send_request(std::move(m));
}

uint64_t KenesClient::set_indicator_score(const std::string& indicator_id, std::optional<uint32_t> score) {
  kenes::v1::ClientMessage m;
  m.mutable_set_indicator_score()->set_indicator_id(indicator_id);
  if (score) m.mutable_set_indicator_score()->set_score(*score);
  return send_request(std::move(m));
}

uint64_t KenesClient::set_scope(kenes::v1::Scope scope) {
  kenes::v1::ClientMessage m;
  m.mutable_set_scope()->set_scope(scope);
  return send_request(std::move(m));
}

uint64_t KenesClient::start_meeting(const std::string& title, const std::vector<std::string>& agenda_indicator_ids) {
  kenes::v1::ClientMessage m;
  m.mutable_start_meeting()->set_title(title);
  for (const auto& id : agenda_indicator_ids) m.mutable_start_meeting()->add_agenda_indicator_ids(id);
  return send_request(std::move(m));
}

uint64_t KenesClient::end_meeting(const std::string& meeting_id) {
  kenes::v1::ClientMessage m;
  m.mutable_end_meeting()->set_meeting_id(meeting_id);
  return send_request(std::move(m));
}

uint64_t KenesClient::set_spotlight(const std::string& meeting_id, const std::string& indicator_id) {
  kenes::v1::ClientMessage m;
  m.mutable_set_spotlight()->set_meeting_id(meeting_id);
  m.mutable_set_spotlight()->set_indicator_id(indicator_id);
  return send_request(std::move(m));
}

uint64_t KenesClient::join_meeting(const std::string& meeting_id) {
  kenes::v1::ClientMessage m;
  m.mutable_join_meeting()->set_meeting_id(meeting_id);
  return send_request(std::move(m));
}

uint64_t KenesClient::leave_meeting(const std::string& meeting_id) {
  kenes::v1::ClientMessage m;
  m.mutable_leave_meeting()->set_meeting_id(meeting_id);
  return send_request(std::move(m));
}

uint64_t KenesClient::invite_participant(const kenes::v1::InviteParticipant& invite) {
  kenes::v1::ClientMessage m;
  *m.mutable_invite_participant() = invite;
  return send_request(std::move(m));
}

uint64_t KenesClient::import_participants(const std::string& csv, const std::string& id_prefix) {
  kenes::v1::ClientMessage m;
  m.mutable_import_participants()->set_csv(csv);
  m.mutable_import_participants()->set_id_prefix(id_prefix);
  return send_request(std::move(m));
}

uint64_t KenesClient::get_invite_links(const std::vector<std::string>& participant_ids,
                                       const std::string& registration_id, uint32_t days) {
  kenes::v1::ClientMessage m;
  auto* g = m.mutable_get_invite_links();
  for (const auto& id : participant_ids) g->add_participant_ids(id);
  g->set_registration_id(registration_id);
  g->set_days(days);
  return send_request(std::move(m));
}

uint64_t KenesClient::reissue_invite_link(const std::string& participant_id) {
  kenes::v1::ClientMessage m;
  m.mutable_reissue_invite_link()->set_participant_id(participant_id);
  return send_request(std::move(m));
}

uint64_t KenesClient::open_registration(const kenes::v1::OpenRegistration& registration) {
  kenes::v1::ClientMessage m;
  *m.mutable_open_registration() = registration;
  return send_request(std::move(m));
}

uint64_t KenesClient::close_registration(const std::string& registration_id) {
  kenes::v1::ClientMessage m;
  m.mutable_close_registration()->set_registration_id(registration_id);
  return send_request(std::move(m));
}

uint64_t KenesClient::email_invite_link(const std::string& participant_id, const std::string& email) {
  kenes::v1::ClientMessage m;
  m.mutable_email_invite_link()->set_participant_id(participant_id);
  m.mutable_email_invite_link()->set_email(email);
  return send_request(std::move(m));
}

uint64_t KenesClient::set_board_settings(bool chair_is_board_member) {
  kenes::v1::ClientMessage m;
  m.mutable_set_board_settings()->set_chair_is_board_member(chair_is_board_member);
  return send_request(std::move(m));
}

uint64_t KenesClient::get_roster_balance() {
  kenes::v1::ClientMessage m;
  m.mutable_get_roster_balance();
  return send_request(std::move(m));
}

uint64_t KenesClient::get_document_at(const std::string& doc_id, const kenes::v1::HistoryPoint& at) {
  kenes::v1::ClientMessage m;
  m.mutable_get_document_at()->set_doc_id(doc_id);
  *m.mutable_get_document_at()->mutable_at() = at;
  return send_request(std::move(m));
}

uint64_t KenesClient::get_document_diff(const std::string& doc_id, const kenes::v1::HistoryPoint& from,
                                        const std::optional<kenes::v1::HistoryPoint>& to) {
  kenes::v1::ClientMessage m;
  auto* d = m.mutable_get_document_diff();
  d->set_doc_id(doc_id);
  *d->mutable_from() = from;
  if (to) *d->mutable_to() = *to;
  return send_request(std::move(m));
}

uint64_t KenesClient::get_document_blame(const std::string& doc_id, const std::optional<kenes::v1::HistoryPoint>& at) {
  kenes::v1::ClientMessage m;
  m.mutable_get_document_blame()->set_doc_id(doc_id);
  if (at) *m.mutable_get_document_blame()->mutable_at() = *at;
  return send_request(std::move(m));
}

}  // namespace kenes::client
