#include "websocket_session.h"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include "consultation/request.h"
#include "engine/utf8.h"
#include "logger.h"
#include "metrics.h"
#include "version.h"

namespace kenes::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using kenes::v1::ErrorCode;

namespace {

std::string new_connection_id() {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%llu", static_cast<unsigned long long>(rng() & 0xffffffffULL),
                static_cast<unsigned long long>(++counter));
  return buf;
}

websocket::close_code close_code_for(ErrorCode code) {
  switch (code) {
    case kenes::v1::ERROR_CODE_MESSAGE_TOO_LARGE: return websocket::close_code::too_big;
    case kenes::v1::ERROR_CODE_SHUTTING_DOWN: return websocket::close_code::going_away;
    case kenes::v1::ERROR_CODE_INTERNAL:
    case kenes::v1::ERROR_CODE_STORAGE_FAILURE: return websocket::close_code::internal_error;
    case kenes::v1::ERROR_CODE_TOO_MANY_CONNECTIONS: return websocket::close_code::try_again_later;
    default: return websocket::close_code::policy_error;
  }
}

// A close reason must fit a control frame (123 bytes).
std::string short_reason(const std::string& s) { return s.size() <= 120 ? s : s.substr(0, 117) + "..."; }

// A client that keeps flooding after being told is closed; a short burst over
// the limit only loses the excess messages.
constexpr uint64_t kRateLimitedBeforeClose = 100;

// At most this many bytes of records in one merged Broadcast frame (a single
// larger record still goes alone).
constexpr size_t kMergeBudgetBytes = 64 * 1024;

// Reads one varint at `pos`; false if the frame ends inside it.
bool read_varint(std::string_view b, size_t& pos, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos >= b.size()) return false;
    const auto byte = static_cast<unsigned char>(b[pos++]);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

// Skips one field's value of `wire` type at `pos`; false if malformed.
bool skip_field(std::string_view b, size_t& pos, uint64_t wire) {
  uint64_t n = 0;
  switch (wire) {
    case 0: return read_varint(b, pos, n);
    case 1: n = 8; break;
    case 5: n = 4; break;
    case 2:
      if (!read_varint(b, pos, n)) return false;
      break;
    default: return false;  // groups: not in these messages
  }
  if (n > b.size() - pos) return false;
  pos += n;
  return true;
}

// What a message dropped over the rate limit was, as far as its sender needs
// to know to send it again: its request_id and, for a SubmitOp, the document
// and client_seq (the client retries an op named so, and fails a request
// named so, instead of waiting for an answer that will never come). Walked,
// not parsed: the point of dropping is not to spend on the message.
struct DroppedMessage {
  uint64_t request_id = 0;
  std::string doc_id;
  uint64_t client_seq = 0;
};

DroppedMessage name_dropped(std::string_view frame) {
  DroppedMessage d;
  for (size_t pos = 0; pos < frame.size();) {
    uint64_t tag = 0;
    if (!read_varint(frame, pos, tag)) break;
    const size_t start = pos;
    if (!skip_field(frame, pos, tag & 7)) break;
    if (tag == ((1 << 3) | 0)) {
      size_t p = start;
      read_varint(frame, p, d.request_id);
    } else if (tag == ((12 << 3) | 2)) {
      size_t p = start;
      uint64_t len = 0;
      read_varint(frame, p, len);
      const std::string_view submit = frame.substr(p, len);
      for (size_t q = 0; q < submit.size();) {
        uint64_t t = 0;
        if (!read_varint(submit, q, t)) break;
        const size_t at = q;
        if (!skip_field(submit, q, t & 7)) break;
        size_t r = at;
        uint64_t v = 0;
        if (t == ((1 << 3) | 2) && read_varint(submit, r, v) && v <= 256) {
          const std::string_view doc = submit.substr(r, v);
          if (engine::is_valid_utf8(doc)) d.doc_id.assign(doc);
        } else if (t == ((4 << 3) | 0)) {
          read_varint(submit, r, d.client_seq);
        }
      }
    }
  }
  if (d.doc_id.empty()) d.client_seq = 0;
  return d;
}

// Before Hello a connection is nobody: its frames are looked at only as far
// as a Hello (issue 17). The top level is walked without decoding anything;
// a ClientMessage holding anything but request_id (field 1) and hello (field
// 10) is refused as not authenticated, and a Hello whose strings are not
// UTF-8 as malformed, without protobuf's parser ever seeing them: it logs a
// line per bad string, and a flood of them broke the one-JSON-object-per-line
// log. Returns {code, why} to refuse the frame, or nothing to parse it.
struct PreHelloRefusal {
  kenes::v1::ErrorCode code;
  const char* why;
};
std::optional<PreHelloRefusal> pre_hello_problem(std::string_view frame) {
  const PreHelloRefusal malformed{kenes::v1::ERROR_CODE_BAD_MESSAGE, "the frame is not a valid kenes.v1.ClientMessage"};
  const auto skip = skip_field;
  bool other = false;
  bool unknown = false;
  std::vector<std::string_view> hellos;
  for (size_t pos = 0; pos < frame.size();) {
    uint64_t tag = 0;
    if (!read_varint(frame, pos, tag)) return malformed;
    const uint64_t field = tag >> 3;
    const uint64_t wire = tag & 7;
    const size_t start = pos;
    if (!skip(frame, pos, wire)) return malformed;
    if (field == 10 && wire == 2) {
      size_t p = start;
      uint64_t len = 0;
      read_varint(frame, p, len);
      hellos.push_back(frame.substr(p, len));
    } else if (!(field == 1 && wire == 0)) {
      other = true;
      if (field > 536870911u || !kenes::v1::ClientMessage::descriptor()->FindFieldByNumber(static_cast<int>(field))) {
        unknown = true;
      }
    }
  }
  if (unknown) {
    return PreHelloRefusal{kenes::v1::ERROR_CODE_UNKNOWN_MESSAGE,
                           "the envelope carries no message this server knows (a newer client?)"};
  }
  if (other) return PreHelloRefusal{kenes::v1::ERROR_CODE_NOT_AUTHENTICATED, "send Hello with your token first"};
  // Hello holds strings (token, client_id, client_version) and one message,
  // the registration (field 4), which holds strings and a number: every
  // length-delimited field is a string but field 4, whose own are.
  auto strings_are_utf8 = [&](std::string_view msg, bool top, auto& self) -> std::optional<PreHelloRefusal> {
    for (size_t h = 0; h < msg.size();) {
      uint64_t tag = 0;
      if (!read_varint(msg, h, tag)) return malformed;
      const size_t start = h;
      if (!skip(msg, h, tag & 7)) return malformed;
      if ((tag & 7) != 2) continue;
      size_t p = start;
      uint64_t len = 0;
      read_varint(msg, p, len);
      std::string_view value = msg.substr(p, len);
      if (top && (tag >> 3) == 4) {
        if (auto refusal = self(value, false, self)) return refusal;
      } else if (!engine::is_valid_utf8(value)) {
        return PreHelloRefusal{kenes::v1::ERROR_CODE_INVALID_UTF8, "Hello's fields must be UTF-8"};
      }
    }
    return std::nullopt;
  };
  for (std::string_view hello : hellos) {
    if (auto refusal = strings_are_utf8(hello, true, strings_are_utf8)) return refusal;
  }
  return std::nullopt;
}

// What this server accepts of a client's permessage-deflate offer.
websocket::permessage_deflate deflate_settings(const ServerOptions& o,
                                               const beast::http::request<beast::http::string_body>& request) {
  websocket::permessage_deflate pmd;
  pmd.server_enable = true;
  pmd.server_max_window_bits = o.ws_deflate_window_bits;
  // RFC 7692 lets the server shrink the client's window (and with it the
  // inflater's buffer here) only if the offer names client_max_window_bits;
  // Chromium's does, Firefox's does not. Asking anyway would make Beast
  // decline the extension for such a client, so it gets the full window.
  const auto offer = request[beast::http::field::sec_websocket_extensions];
  const bool may_shrink_client_window = offer.find("client_max_window_bits") != beast::string_view::npos;
  pmd.client_max_window_bits = may_shrink_client_window ? o.ws_deflate_window_bits : 15;
  pmd.compLevel = o.ws_deflate_level;
  pmd.memLevel = o.ws_deflate_mem_level;
  pmd.msg_size_threshold = o.ws_deflate_min_bytes;
  return pmd;
}

}  // namespace

// The handler of a session's write. It says it continues the work of the
// thread that started the write: when the socket takes the frame at once (the
// usual case), Asio then queues the completion on that thread's private queue
// instead of waking another I/O thread for it. A room's flush starts one
// write on each of hundreds of sessions; without this each of those writes
// woke the other thread (a futex wake or an epoll interrupt) to run a
// completion that only pops the queue, and the two I/O threads spent their
// time handing work to each other (56,000 context switches a second in the
// soak, half of them voluntary; 4,000-5,000 with this).
template <class Stream>
struct WebSocketSession<Stream>::WriteDone {
  std::shared_ptr<WebSocketSession> self;
  void operator()(beast::error_code ec, std::size_t bytes) const { self->on_write(ec, bytes); }
  friend bool asio_handler_is_continuation(WriteDone*) { return true; }
};

template <class Stream>
WebSocketSession<Stream>::WebSocketSession(Stream&& stream, ServerContext& ctx, UnauthenticatedLimit::Slot unauthenticated)
    : ws_(std::move(stream)),
      ctx_(ctx),
      hello_timer_(ws_.get_executor()),
      connection_id_(new_connection_id()),
      unauthenticated_(std::move(unauthenticated)),
      tokens_(ctx.options.rate_limit_burst),
      last_refill_(std::chrono::steady_clock::now()) {}

template <class Stream>
WebSocketSession<Stream>::~WebSocketSession() {
  metrics().connections.fetch_sub(1, std::memory_order_relaxed);
  metrics().outbound_queue_bytes.fetch_sub(static_cast<int64_t>(queued_bytes_), std::memory_order_relaxed);
  if (room_) room_->leave(connection_id_);
}

template <class Stream>
void WebSocketSession<Stream>::start(beast::http::request<beast::http::string_body> request) {
  beast::get_lowest_layer(ws_).expires_never();
  // Small frames that must leave at once: with Nagle's algorithm a second
  // frame (a broadcast right after an ack) waits for the peer's delayed ACK,
  // up to 40 ms on Linux, which was the p99 of `kenes-bench room`.
  beast::error_code nodelay_ec;
  beast::get_lowest_layer(ws_).socket().set_option(asio::ip::tcp::no_delay(true), nodelay_ec);
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(ctx_.options.handshake_timeout_seconds);
  timeouts.idle_timeout = std::chrono::seconds(ctx_.options.idle_timeout_seconds);
  // Pings at half the idle timeout keep live-but-quiet clients connected.
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
    res.set(beast::http::field::server, std::string("kenes/") + kVersion);
  }));
  if (ctx_.options.ws_deflate) ws_.set_option(deflate_settings(ctx_.options, request));
  ws_.read_message_max(ctx_.options.max_message_bytes);
  ws_.binary(true);
  // Small frames, many connections: keep Beast's per-connection buffers small.
  ws_.auto_fragment(false);
  ws_.async_accept(request, beast::bind_front_handler(&WebSocketSession::on_accept, this->shared_from_this()));
}

template <class Stream>
void WebSocketSession<Stream>::on_accept(beast::error_code ec) {
  if (ec) return;
  hello_timer_.expires_after(std::chrono::seconds(ctx_.options.handshake_timeout_seconds));
  hello_timer_.async_wait([weak = this->weak_from_this()](beast::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->hello_received_) return;
    self->reply_error(kenes::v1::ERROR_CODE_NOT_AUTHENTICATED, "no Hello received in time", 0, true);
  });
  do_read();
}

template <class Stream>
void WebSocketSession<Stream>::do_read() {
  ws_.async_read(read_buffer_, beast::bind_front_handler(&WebSocketSession::on_read, this->shared_from_this()));
}

template <class Stream>
void WebSocketSession<Stream>::on_read(beast::error_code ec, std::size_t bytes) {
  if (ec == websocket::error::message_too_big) {
    // Beast has already failed the connection with close code 1009; the
    // reason is in the code. Nothing was read, nothing to clean.
    metrics().count_error(kenes::v1::ERROR_CODE_MESSAGE_TOO_LARGE);
    log(LogLevel::kInfo, "message_too_large", {{"connection", connection_id_}});
    if (room_) room_->leave(connection_id_);
    return;
  }
  if (ec) {
    // Closed, timed out or reset. The room holds this session until told.
    if (room_) room_->leave(connection_id_);
    return;
  }
  if (closing_) return;
  metrics().messages_in_total.fetch_add(1, std::memory_order_relaxed);
  metrics().bytes_in_total.fetch_add(bytes, std::memory_order_relaxed);

  if (!take_rate_token(bytes)) {
    const auto data = read_buffer_.cdata();
    const DroppedMessage dropped = name_dropped(std::string_view(static_cast<const char*>(data.data()), data.size()));
    read_buffer_.consume(read_buffer_.size());
    if (++rate_limited_in_a_row_ >= kRateLimitedBeforeClose) {
      reply_error(kenes::v1::ERROR_CODE_RATE_LIMITED, "too many messages; closing", 0, true);
      return;
    }
    // Each dropped request or op is named (at most kRateLimitedBeforeClose
    // in a row, then the connection closes), so that the client sends it
    // again later rather than waiting for it; anything else is said once
    // per run.
    if (dropped.request_id != 0 || dropped.client_seq != 0 || rate_limited_in_a_row_ == 1) {
      metrics().count_error(kenes::v1::ERROR_CODE_RATE_LIMITED);
      enqueue({error_frame(kenes::v1::ERROR_CODE_RATE_LIMITED, "too many messages; this one was dropped: send it again shortly",
                           dropped.request_id, false, dropped.doc_id, dropped.client_seq),
               nullptr,
               {}});
    }
    return do_read();
  }
  rate_limited_in_a_row_ = 0;

  if (!ws_.got_binary()) {
    read_buffer_.consume(read_buffer_.size());
    reply_error(kenes::v1::ERROR_CODE_BAD_MESSAGE, "send binary frames holding a kenes.v1.ClientMessage", 0);
    return do_read();
  }
  kenes::v1::ClientMessage msg;
  auto data = read_buffer_.cdata();
  if (!hello_received_) {
    if (auto refused = pre_hello_problem(std::string_view(static_cast<const char*>(data.data()), data.size()))) {
      read_buffer_.consume(read_buffer_.size());
      reply_error(refused->code, refused->why, 0);
      return do_read();
    }
  }
  bool parsed = msg.ParseFromArray(data.data(), static_cast<int>(data.size()));
  read_buffer_.consume(read_buffer_.size());
  if (read_buffer_.capacity() > 64 * 1024) read_buffer_.shrink_to_fit();
  if (!parsed) {
    reply_error(kenes::v1::ERROR_CODE_BAD_MESSAGE, "the frame is not a valid kenes.v1.ClientMessage", 0);
    return do_read();
  }
  handle_message(msg);
  if (!closing_) do_read();
}

template <class Stream>
bool WebSocketSession<Stream>::take_rate_token(uint64_t bytes) {
  if (lease_) return lease_->take(bytes);
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - last_refill_).count();
  last_refill_ = now;
  tokens_ = std::min(ctx_.options.rate_limit_burst, tokens_ + elapsed * ctx_.options.rate_limit_messages_per_second);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

template <class Stream>
void WebSocketSession<Stream>::handle_message(const kenes::v1::ClientMessage& msg) {
  const uint64_t rid = msg.request_id();
  // Which way each kind goes is consultation/request_table.cc's to say.
  const consultation::RequestKind* kind = consultation::find_request(msg.kind_case());
  if (!kind) {
    return reply_error(kenes::v1::ERROR_CODE_UNKNOWN_MESSAGE,
                       "the envelope carries no message this server knows (a newer client?)", rid);
  }
  if (kind->door == consultation::Door::kHello) return handle_hello(msg);
  if (!room_) return reply_error(kenes::v1::ERROR_CODE_NOT_AUTHENTICATED, "send Hello with your token first", rid);
  switch (kind->door) {
    case consultation::Door::kHello:
      return;  // above
    case consultation::Door::kSubscribe:
      if (msg.subscribe().consultation_id() != room_->consultation_id()) {
        return reply_error(kenes::v1::ERROR_CODE_FORBIDDEN, "your invitation is for another consultation", rid);
      }
      return room_->subscribe(connection_id_, rid, msg.subscribe().after_seq(), msg.subscribe().from());
    case consultation::Door::kSubmit:
      return room_->submit(connection_id_, rid, msg.submit_op());
    case consultation::Door::kPresence:
      return room_->presence(connection_id_, msg.presence());
    case consultation::Door::kDocument:
      return room_->open_document(connection_id_, rid, msg.open_document().doc_id());
    case consultation::Door::kChange:
    case consultation::Door::kRead:
      return room_->request(connection_id_, msg);
    case consultation::Door::kHistory:
      return room_->history_request(connection_id_, msg);
  }
}

template <class Stream>
void WebSocketSession<Stream>::handle_hello(const kenes::v1::ClientMessage& msg) {
  const uint64_t rid = msg.request_id();
  if (hello_received_) {
    return reply_error(kenes::v1::ERROR_CODE_NOT_AUTHENTICATED, "Hello was already received on this connection", rid);
  }
  const auto& hello = msg.hello();
  if (hello.client_id().empty() || hello.client_id().size() > 64) {
    return reply_error(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "client_id must be 1-64 bytes", rid, true);
  }
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                    .count();
  TokenCheck check = ctx_.signer->verify(hello.token(), now);
  if (!check.claims) {
    ErrorCode code = check.error == TokenError::kExpired ? kenes::v1::ERROR_CODE_TOKEN_EXPIRED
                                                         : kenes::v1::ERROR_CODE_BAD_TOKEN;
    log(LogLevel::kInfo, "hello_refused", {{"connection", connection_id_}, {"reason", check.message}});
    return reply_error(code, check.error == TokenError::kExpired ? "your invitation link has expired"
                                                                 : "your invitation link is not valid",
                       rid, true);
  }
  if (!check.claims->registration_id.empty()) {
    // A registration link admits whoever registers with it, each as a
    // participant of their own: their id is made here, before the limits,
    // which count per participant.
    if (!hello.has_registration()) {
      return reply_error(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                         "this is a registration link: register with your name and stakeholder group", rid, true);
    }
    check.claims->participant_id = new_participant_id();
  } else if (hello.has_registration()) {
    return reply_error(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                       "you are invited already; registering is for registration links", rid, true);
  }
  auto room = ctx_.rooms.find(check.claims->consultation_id);
  if (!room) {
    return reply_error(kenes::v1::ERROR_CODE_FORBIDDEN, "the consultation of this invitation does not exist", rid,
                       true);
  }
  ParticipantLimits::Refusal refusal;
  lease_ = ctx_.participant_limits
               ? ctx_.participant_limits->admit(check.claims->consultation_id, check.claims->participant_id, &refusal)
               : nullptr;
  if (ctx_.participant_limits && !lease_) {
    log(LogLevel::kInfo,
        refusal.code == kenes::v1::ERROR_CODE_RATE_LIMITED ? "participant_reconnects_too_often"
                                                           : "participant_connections_full",
        {{"connection", connection_id_}, {"participant", check.claims->participant_id}});
    return reply_error(refusal.code, refusal.message, rid, true);
  }
  hello_received_ = true;
  // From here the participant's limits hold this connection, not its address.
  unauthenticated_.release();
  hello_timer_.cancel();
  room_ = room;
  client_id_ = hello.client_id();
  arm_token_expiry(check.claims->expires_unix - now);
  room_->admit(this->shared_from_this(), connection_id_, std::move(*check.claims), client_id_, rid, hello.registration());
}

template <class Stream>
void WebSocketSession<Stream>::arm_token_expiry(int64_t seconds_left) {
  // The token was checked at Hello; a connection must not outlive it. The
  // Hello timer, idle from now on, closes the connection at the expiry
  // (steady clock, so a wall clock step cannot postpone it much: at worst the
  // connection lasts the token's remaining time as measured at Hello).
  constexpr int64_t kTenYears = int64_t{10} * 365 * 24 * 3600;
  hello_timer_.expires_after(std::chrono::seconds(std::clamp<int64_t>(seconds_left, 0, kTenYears)));
  hello_timer_.async_wait([weak = this->weak_from_this()](beast::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->closing_) return;
    log(LogLevel::kInfo, "token_expired_while_connected", {{"connection", self->connection_id_}});
    self->reply_error(kenes::v1::ERROR_CODE_TOKEN_EXPIRED,
                      "your invitation link has expired; ask for a new one to reconnect", 0, true);
  });
}

template <class Stream>
void WebSocketSession<Stream>::reply_error(ErrorCode code, std::string message, uint64_t request_id, bool fatal) {
  metrics().count_error(code);
  if (fatal) {
    enqueue({error_frame(code, message, request_id, true), nullptr, {}});
    begin_close(close_code_for(code), short_reason(message));
    return;
  }
  enqueue({error_frame(code, message, request_id, false), nullptr, {}});
}

// ------------------------------------------------------------ writing

template <class Stream>
void WebSocketSession<Stream>::send(SharedFrame frame) {
  asio::dispatch(ws_.get_executor(), [self = this->shared_from_this(), frame = std::move(frame)]() mutable {
    self->enqueue({std::move(frame), nullptr, {}});
  });
}

template <class Stream>
void WebSocketSession<Stream>::send_then(SharedFrame frame, std::function<void()> written) {
  asio::dispatch(ws_.get_executor(), [self = this->shared_from_this(), frame = std::move(frame),
                                      written = std::move(written)]() mutable {
    self->enqueue({std::move(frame), std::move(written), {}});
  });
}

template <class Stream>
void WebSocketSession<Stream>::send_broadcast(SharedFrame frame) {
  asio::dispatch(ws_.get_executor(), [self = this->shared_from_this(), frame = std::move(frame)]() mutable {
    std::string_view body = broadcast_body(*frame);
    self->enqueue({std::move(frame), nullptr, body});
  });
}

template <class Stream>
void WebSocketSession<Stream>::enqueue(Outgoing out) {
  if (closing_) {
    if (out.written) out.written();
    return;
  }
  const uint64_t size = out.frame->size();
  // Slow is a reader whose own backlog is full: a frame reaching an empty
  // queue is always taken, however large (the room's frames are bounded,
  // kMaxBroadcastFrameBytes; a JoinState is about 1 MB at full size).
  if (queued_bytes_ > 0 && queued_bytes_ + size > ctx_.options.max_outbound_queue_bytes) {
    metrics().slow_reader_closes_total.fetch_add(1, std::memory_order_relaxed);
    metrics().count_error(kenes::v1::ERROR_CODE_SLOW_READER);
    log(LogLevel::kInfo, "slow_reader_closed", {{"connection", connection_id_}, {"queued_bytes", queued_bytes_}});
    if (out.written) out.written();
    // The queue is full, so the error itself cannot be queued behind it: the
    // reason travels in the close frame instead.
    begin_close(websocket::close_code::policy_error, "SLOW_READER: reconnect and resume from your last seq");
    return;
  }
  queued_bytes_ += size;
  metrics().outbound_queue_bytes.fetch_add(static_cast<int64_t>(size), std::memory_order_relaxed);
  queue_.push_back(std::move(out));
  if (!writing_) do_write();
}

template <class Stream>
void WebSocketSession<Stream>::do_write() {
  if (queue_.empty()) {
    writing_ = false;
    if (closing_) do_close();
    return;
  }
  writing_ = true;
  // Merge the run of broadcasts at the front (only at the front, so nothing
  // is reordered relative to acks, presence or errors) into one frame.
  merge_bodies_.clear();
  size_t budget = 0;
  for (const Outgoing& o : queue_) {
    if (o.broadcast_body.empty()) break;
    if (!merge_bodies_.empty() && budget + o.broadcast_body.size() > kMergeBudgetBytes) break;
    merge_bodies_.push_back(o.broadcast_body);
    budget += o.broadcast_body.size();
  }
  if (merge_bodies_.size() > 1) {
    in_flight_ = merge_bodies_.size();
    merged_.clear();
    append_merged_broadcast(merged_, merge_bodies_);
    metrics().broadcast_frames_merged_total.fetch_add(1, std::memory_order_relaxed);
    metrics().broadcast_records_merged_total.fetch_add(in_flight_, std::memory_order_relaxed);
    ws_.async_write(asio::buffer(merged_), WriteDone{this->shared_from_this()});
    return;
  }
  in_flight_ = 1;
  ws_.async_write(asio::buffer(*queue_.front().frame), WriteDone{this->shared_from_this()});
}

template <class Stream>
void WebSocketSession<Stream>::on_write(beast::error_code ec, std::size_t bytes) {
  // The write carried the first in_flight_ entries: they leave the queue (and
  // its byte count) together, each with its callback.
  const size_t done_count = std::exchange(in_flight_, 0);
  if (done_count > 1) {
    if (merged_.capacity() > 16 * 1024) std::string().swap(merged_);  // keep idle sessions small
    merge_bodies_.clear();
  }
  for (size_t i = 0; i < done_count; ++i) {
    Outgoing done = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= done.frame->size();
    metrics().outbound_queue_bytes.fetch_sub(static_cast<int64_t>(done.frame->size()), std::memory_order_relaxed);
    if (done.written) done.written();
  }
  if (ec) {
    writing_ = false;
    drop_queue();
    return;
  }
  metrics().messages_out_total.fetch_add(1, std::memory_order_relaxed);
  metrics().bytes_out_total.fetch_add(bytes, std::memory_order_relaxed);
  do_write();
}

template <class Stream>
void WebSocketSession<Stream>::drop_queue() {
  while (!queue_.empty()) {
    Outgoing o = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= o.frame->size();
    metrics().outbound_queue_bytes.fetch_sub(static_cast<int64_t>(o.frame->size()), std::memory_order_relaxed);
    if (o.written) o.written();
  }
}

// ------------------------------------------------------------ closing

template <class Stream>
void WebSocketSession<Stream>::begin_close(websocket::close_code code, std::string reason) {
  if (closing_) return;
  closing_ = true;
  close_reason_ = websocket::close_reason(code, reason);
  // What is queued still goes out (the fatal Error among it), unless the
  // queue is what overflowed.
  if (queued_bytes_ > ctx_.options.max_outbound_queue_bytes / 2) {
    // Keep only the entries being written; Beast forbids touching them mid-write.
    while (queue_.size() > (writing_ ? in_flight_ : 0u)) {
      Outgoing o = std::move(queue_.back());
      queue_.pop_back();
      queued_bytes_ -= o.frame->size();
      metrics().outbound_queue_bytes.fetch_sub(static_cast<int64_t>(o.frame->size()), std::memory_order_relaxed);
      if (o.written) o.written();
    }
  }
  if (room_) room_->leave(connection_id_);
  if (!writing_) do_close();
  // A peer that never reads would hold the write (and us) forever.
  auto timer = std::make_shared<asio::steady_timer>(ws_.get_executor(), std::chrono::seconds(5));
  timer->async_wait([self = this->shared_from_this(), timer](beast::error_code) {
    log(LogLevel::kDebug, "close_grace_expired", {{"connection", self->connection_id_}});
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().close(ignored);
  });
}

template <class Stream>
void WebSocketSession<Stream>::do_close() {
  if (close_sent_) return;
  close_sent_ = true;
  log(LogLevel::kDebug, "close_frame_sending", {{"connection", connection_id_}});
  ws_.async_close(close_reason_, [self = this->shared_from_this()](beast::error_code) {
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(self->ws_).socket().close(ignored);
  });
}

template <class Stream>
void WebSocketSession<Stream>::close_with_error(ErrorCode code, std::string message) {
  asio::dispatch(ws_.get_executor(), [self = this->shared_from_this(), code, message = std::move(message)]() mutable {
    self->enqueue({error_frame(code, message, 0, true), nullptr, {}});
    self->begin_close(close_code_for(code), short_reason(message));
  });
}

template <class Stream>
void WebSocketSession<Stream>::close_going_away() {
  asio::dispatch(ws_.get_executor(), [self = this->shared_from_this()] {
    self->begin_close(websocket::close_code::going_away, "server shutting down; reconnect shortly");
  });
}

template class WebSocketSession<PlainStream>;
template class WebSocketSession<TlsStream>;

}  // namespace kenes::server
