#pragma once

// The C++ client library, used by the tests and kenes-bench: the engine's
// sans-I/O ClientDocument per document, over a Beast WebSocket.
//
// Threading: a KenesClient lives on the io_context it is given; every method
// must be called from that io_context's thread(s) (use post()), and every
// callback runs there. One client = one connection = one participant, with any
// number of documents.
//
// Protocol duties handled here: Hello -> Welcome -> Subscribe(after the last
// seq seen) -> catch-up -> live; one op in flight per document with later local
// edits composed into one pending op; an own record seen during catch-up
// counts as the ack; after a reconnect the in-flight op is resent with the
// same client_seq (the server deduplicates).

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "engine/client_document.h"
#include "engine/text_op.h"
#include "kenes/v1/protocol.pb.h"

namespace kenes::client {

struct ClientOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string token;
  std::string consultation_id;
  std::string client_id;  // empty: a random one
  bool auto_reconnect = true;
  std::chrono::milliseconds reconnect_min{50};
  std::chrono::milliseconds reconnect_max{2000};
  uint64_t max_message_bytes = 1 << 20;
};

enum class ConnectionState { kDisconnected, kConnecting, kCatchingUp, kLive, kClosedForGood };

class KenesClient : public std::enable_shared_from_this<KenesClient> {
 public:
  KenesClient(boost::asio::io_context& io, ClientOptions options);
  ~KenesClient();

  void connect();
  // Closes for good (no reconnect).
  void close();
  // Drops the TCP connection abruptly (tests: a network failure); reconnects
  // if auto_reconnect.
  void drop_connection();

  // A local edit of `doc_id`, made on the current local text. Sends at once if
  // nothing is in flight for the document, else composes into the pending op.
  engine::Status local_edit(const std::string& doc_id, const engine::TextOp& op);

  // A document as this client sees it (created empty on first use).
  const engine::ClientDocument& document(const std::string& doc_id);
  bool has_unacknowledged() const;  // any document with in-flight or pending ops
  ConnectionState state() const { return state_; }
  uint64_t last_seq() const { return last_seq_; }
  const kenes::v1::Welcome& welcome() const { return welcome_; }
  const std::string& client_id() const { return options_.client_id; }
  uint64_t messages_sent() const { return messages_sent_; }
  uint64_t submits_sent() const { return submits_sent_; }

  // Sends an arbitrary envelope (tests of hostile input, presence, profile).
  void send_raw(std::string bytes);
  void send_message(kenes::v1::ClientMessage msg);

  // Callbacks, on the io thread.
  std::function<void()> on_live;  // catch-up done (after every (re)connect)
  std::function<void(const kenes::v1::LogRecord&)> on_record;
  std::function<void(const std::string& doc_id, uint64_t version)> on_remote_edit;
  std::function<void(const std::string& doc_id, uint64_t version, uint64_t client_seq)> on_ack;
  // A new submit is about to be sent: `edits` local edits composed into it
  // (measurement: kenes-bench maps each edit's hand-over time to the record
  // the other clients will receive as (client_id, client_seq)). Not called
  // for the resend of an in-flight op after a reconnect.
  std::function<void(const std::string& doc_id, uint64_t client_seq, uint64_t edits)> on_submit;
  std::function<void(const kenes::v1::Error&)> on_error;
  std::function<void(const kenes::v1::ServerMessage&)> on_message;  // every message, first
  std::function<void(const std::string& reason)> on_closed;

 private:
  using Stream = boost::beast::websocket::stream<boost::beast::tcp_stream>;

  void start_connect();
  void on_connected(std::shared_ptr<Stream> ws, boost::beast::error_code ec);
  void do_read();
  void on_frame(const kenes::v1::ServerMessage& msg);
  void apply_record(const kenes::v1::LogRecord& rec);
  void flush(const std::string& doc_id);
  void flush_all();
  void write(std::shared_ptr<const std::string> bytes);
  void do_write();
  void connection_lost(const std::string& reason);
  void schedule_reconnect();

  boost::asio::io_context& io_;
  ClientOptions options_;
  std::shared_ptr<Stream> ws_;
  uint64_t generation_ = 0;  // bumps per connection; stale handlers check it
  boost::beast::flat_buffer read_buffer_;
  std::deque<std::shared_ptr<const std::string>> write_queue_;
  bool writing_ = false;
  ConnectionState state_ = ConnectionState::kDisconnected;
  boost::asio::steady_timer reconnect_timer_;
  std::chrono::milliseconds backoff_;
  std::map<std::string, engine::ClientDocument> docs_;
  uint64_t next_client_seq_ = 1;
  uint64_t last_seq_ = 0;
  uint64_t next_request_id_ = 1;
  uint64_t messages_sent_ = 0;
  uint64_t submits_sent_ = 0;
  kenes::v1::Welcome welcome_;
};

}  // namespace kenes::client
