#pragma once

// One client's WebSocket connection: reads envelopes, checks what can be
// checked without the room (size, decoding, authentication, rate), and hands
// the rest to the consultation's Room. Writes go through a queue bounded in
// bytes with one write in flight (Beast's rule: no concurrent writes); a
// reader that lets the queue overflow is closed as a slow reader and resumes
// from its last seq when it reconnects. Broadcast frames waiting at the front
// of the queue when a write starts leave as one frame (load-adaptive batching:
// no delay when the queue is empty, fewer frames and syscalls under load).

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <string>

#include "connection.h"
#include "server_context.h"
#include "streams.h"

namespace kenes::server {

// `Stream` is PlainStream or TlsStream (streams.h): ws:// or wss://.
template <class Stream>
class WebSocketSession : public Connection, public std::enable_shared_from_this<WebSocketSession<Stream>> {
 public:
  // `unauthenticated` is the connection's place under
  // --max-unauthenticated-per-address, from its HTTP session: given back
  // at Hello (or when the session ends without one).
  WebSocketSession(Stream&& stream, ServerContext& ctx, UnauthenticatedLimit::Slot unauthenticated = {});
  ~WebSocketSession() override;

  // Completes the upgrade for `request` (already read by the HTTP session).
  void start(boost::beast::http::request<boost::beast::http::string_body> request);

  void send(SharedFrame frame) override;
  void send_then(SharedFrame frame, std::function<void()> written) override;
  void send_broadcast(SharedFrame frame) override;
  void close_with_error(kenes::v1::ErrorCode code, std::string message) override;
  void close_going_away() override;

 private:
  struct Outgoing {
    SharedFrame frame;
    std::function<void()> written;
    // For a broadcast frame, its Broadcast body (a view into `frame`): the
    // records it carries, ready to be merged with its neighbours'. Empty for
    // every other frame.
    std::string_view broadcast_body;
  };

  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle_message(const kenes::v1::ClientMessage& msg);
  void handle_hello(const kenes::v1::ClientMessage& msg);
  // Closes the connection with a fatal TOKEN_EXPIRED when its token expires.
  void arm_token_expiry(int64_t seconds_left);
  bool take_rate_token(uint64_t bytes);
  void enqueue(Outgoing out);  // on the session's strand
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  struct WriteDone;  // on_write's handler (see the .cc for why it is not a bind)
  void begin_close(boost::beast::websocket::close_code code, std::string reason);
  void do_close();
  void drop_queue();
  void reply_error(kenes::v1::ErrorCode code, std::string message, uint64_t request_id, bool fatal = false);

  boost::beast::websocket::stream<Stream> ws_;
  ServerContext& ctx_;
  boost::beast::flat_buffer read_buffer_;
  boost::asio::steady_timer hello_timer_;  // the Hello deadline, then the token's expiry
  std::deque<Outgoing> queue_;
  uint64_t queued_bytes_ = 0;  // sum of the queued entries' frame sizes
  bool writing_ = false;
  size_t in_flight_ = 0;  // queue entries (at the front) the write in flight carries
  std::string merged_;    // the frame in flight when it merges several broadcasts
  std::vector<std::string_view> merge_bodies_;
  bool closing_ = false;   // no more reads handled, no more frames queued
  bool close_sent_ = false;
  boost::beast::websocket::close_reason close_reason_;
  std::string connection_id_;
  std::string client_id_;
  std::shared_ptr<Room> room_;
  bool hello_received_ = false;
  UnauthenticatedLimit::Slot unauthenticated_;
  // Until Hello, this connection's own token bucket (STYLE.md habit 6:
  // limits at the edge); from Hello on, the participant's share, drawn from
  // by all its connections (participant_limits.h).
  std::shared_ptr<ParticipantLimits::Lease> lease_;
  double tokens_;
  std::chrono::steady_clock::time_point last_refill_;
  uint64_t rate_limited_in_a_row_ = 0;
};

}  // namespace kenes::server
