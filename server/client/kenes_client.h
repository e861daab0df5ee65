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
#include <vector>

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
  // How the first subscription starts (issue 16): from the log (catch-up,
  // every document's text folded from its edits), or from the state (a
  // JoinState, drafts' texts on demand: open_document). A reconnect always
  // catches up from the last seq seen.
  kenes::v1::SubscribeFrom subscribe_from = kenes::v1::SUBSCRIBE_FROM_LOG;
  // Offer permessage-deflate, as browsers do, and compress every message
  // sent (Chromium does too), so that a measurement sees the server inflate
  // what a browser would send. What the server compresses is its choice.
  bool deflate = false;
  // With a registration link's token (issue 18): who registers. The Welcome
  // then carries the participant's own token, which replaces `token` (and
  // the registration is not sent again) for every later connection.
  std::optional<kenes::v1::Registration> registration;
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

  // Before connect(): how the first subscription starts (ClientOptions).
  void set_subscribe_from(kenes::v1::SubscribeFrom from) { options_.subscribe_from = from; }
  void set_deflate(bool offer) { options_.deflate = offer; }
  void set_registration(kenes::v1::Registration registration) { options_.registration = std::move(registration); }

  // Joined by state: a draft's text is asked for when it is opened. Until
  // its DocumentText arrives (on_document_opened), remote edits of it only
  // move its version; local edits of it are refused. Returns the request id.
  uint64_t open_document(const std::string& doc_id);
  // Joined by state and not (yet) opened: only its version is known.
  bool is_unopened(const std::string& doc_id) const { return unopened_.count(doc_id) != 0; }
  // The JoinState received (empty unless joined by state).
  const kenes::v1::JoinState& join_state() const { return join_state_; }
  // Every frame's bytes received since the client was made (measurement).
  uint64_t bytes_received() const { return bytes_received_; }
  // What the kernel received on this client's TCP connections (compressed
  // frames as sent, headers, the upgrade): the current connection's so far
  // plus the earlier ones' as last read. Measurement; a system call.
  uint64_t wire_bytes_received() const;
  // Whether the server accepted permessage-deflate on the current (or last)
  // connection.
  bool deflate_negotiated() const { return deflate_negotiated_; }
  bool has_unacknowledged() const;  // any document with in-flight or pending ops
  ConnectionState state() const { return state_; }
  uint64_t last_seq() const { return last_seq_; }
  const kenes::v1::Welcome& welcome() const { return welcome_; }
  const std::string& client_id() const { return options_.client_id; }
  uint64_t messages_sent() const { return messages_sent_; }
  uint64_t submits_sent() const { return submits_sent_; }
  // Frames waiting to be written (a sender that must not outrun the socket
  // looks at this: kenes-bench's flooding participant).
  size_t frames_queued() const { return write_queue_.size(); }

  // Sends an arbitrary envelope (tests of hostile input, presence, profile).
  void send_raw(std::string bytes);
  void send_message(kenes::v1::ClientMessage msg);

  // Indicators, polls, meetings (proto/README.md, "Indicators, polls and
  // meetings"). Each sends one request and returns its request_id; the answer
  // is an Ack (on_request_ack with the record's seq) or an Error (on_error,
  // same request_id). Nothing is queued while disconnected: a request sent
  // then is lost, and the caller resends after on_live if it still wants it.
  uint64_t send_request(kenes::v1::ClientMessage msg);
  uint64_t create_poll(const kenes::v1::PollDefinition& definition);
  uint64_t open_poll(const std::string& poll_id);
  uint64_t cast_vote(const std::string& poll_id, const std::vector<uint32_t>& choices);
  uint64_t close_poll(const std::string& poll_id);
  uint64_t set_indicator_status(const std::string& indicator_id, kenes::v1::IndicatorStatus status);
  uint64_t set_indicator_assignees(const std::string& indicator_id, const std::vector<std::string>& participant_ids);
  uint64_t set_indicator_sources(const std::string& indicator_id, const std::vector<std::string>& sources);
  uint64_t set_indicator_score(const std::string& indicator_id, std::optional<uint32_t> score);
  uint64_t set_scope(kenes::v1::Scope scope);
  uint64_t start_meeting(const std::string& title, const std::vector<std::string>& agenda_indicator_ids);
  uint64_t end_meeting(const std::string& meeting_id);
  uint64_t set_spotlight(const std::string& meeting_id, const std::string& indicator_id);
  uint64_t join_meeting(const std::string& meeting_id);
  uint64_t leave_meeting(const std::string& meeting_id);
  uint64_t get_roster_balance();
  // The roster in the app (issue 18): chair only.
  uint64_t invite_participant(const kenes::v1::InviteParticipant& invite);
  uint64_t import_participants(const std::string& csv, const std::string& id_prefix);
  uint64_t get_invite_links(const std::vector<std::string>& participant_ids, const std::string& registration_id = {},
                            uint32_t days = 0);
  uint64_t reissue_invite_link(const std::string& participant_id);
  uint64_t open_registration(const kenes::v1::OpenRegistration& registration);
  uint64_t close_registration(const std::string& registration_id);
  uint64_t set_board_settings(bool chair_is_board_member);
  uint64_t email_invite_link(const std::string& participant_id, const std::string& email);
  // The token this client connects with (a registrant's own after Welcome).
  const std::string& token() const { return options_.token; }
  // Document history (issue 6). The answer is a ServerMessage carrying
  // document_at / document_diff / document_blame and the request_id (see
  // on_message), or an Error. An unset `to` / `at` means the current version.
  uint64_t get_document_at(const std::string& doc_id, const kenes::v1::HistoryPoint& at);
  uint64_t get_document_diff(const std::string& doc_id, const kenes::v1::HistoryPoint& from,
                             const std::optional<kenes::v1::HistoryPoint>& to = std::nullopt);
  uint64_t get_document_blame(const std::string& doc_id, const std::optional<kenes::v1::HistoryPoint>& at = std::nullopt);

  // Threads and suggestions (proto/README.md, "Threads, suggestions and
  // history"), answered like the requests above. A range is given at
  // `version`, a version of the document this client has seen (its
  // document's version() when nothing of its own is in flight). An accepted
  // suggestion arrives as a TextEdit record made by the server, applied like
  // any remote edit; its Ack has the record's seq and no doc_id.
  uint64_t create_thread(const kenes::v1::ThreadTarget& target, const std::string& body,
                         const std::vector<std::string>& mentions = {},
                         std::optional<std::string> suggestion = std::nullopt);
  uint64_t add_comment(const std::string& thread_id, const std::string& body,
                       const std::vector<std::string>& mentions = {});
  uint64_t edit_comment(const std::string& thread_id, const std::string& comment_id, const std::string& body);
  uint64_t delete_comment(const std::string& thread_id, const std::string& comment_id);
  uint64_t hide_comment(const std::string& thread_id, const std::string& comment_id, const std::string& reason);
  uint64_t resolve_thread(const std::string& thread_id, bool resolved);
  uint64_t reattach_thread(const std::string& thread_id, uint64_t from, uint64_t to, uint64_t version);
  uint64_t set_reaction(const std::string& thread_id, const std::string& comment_id, bool on);
  uint64_t accept_suggestion(const std::string& thread_id, bool accept_changed = false);
  uint64_t reject_suggestion(const std::string& thread_id, const std::string& reason = {});
  uint64_t set_observer_commenting(bool enabled);
  uint64_t mark_threads_read(const std::vector<std::string>& thread_ids, uint64_t up_to_seq);
  uint64_t record_visit(uint64_t seen_seq);

  // The latest PollUpdate received for each poll.
  const std::map<std::string, kenes::v1::PollUpdate>& polls() const { return polls_; }

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
  // An Ack that answers a request other than a SubmitOp (no doc_id).
  std::function<void(uint64_t request_id, uint64_t seq)> on_request_ack;
  std::function<void(const kenes::v1::PollUpdate&)> on_poll_update;
  std::function<void(const kenes::v1::RosterBalance&)> on_roster_balance;
  std::function<void(const kenes::v1::ServerMessage&)> on_message;  // every message, first
  std::function<void(const std::string& reason)> on_closed;
  std::function<void(const std::string& doc_id, uint64_t version)> on_document_opened;

 private:
  using Stream = boost::beast::websocket::stream<boost::beast::tcp_stream>;

  void start_connect();
  void on_connected(std::shared_ptr<Stream> ws, boost::beast::error_code ec);
  void do_read();
  void on_frame(const kenes::v1::ServerMessage& msg);
  void apply_record(const kenes::v1::LogRecord& rec);
  void flush(const std::string& doc_id);
  void flush_all();
  // Sends the document's in-flight op again (after a reconnect, or when the
  // server dropped it over the rate limit).
  void resend_inflight(const std::string& doc_id);
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
  std::map<std::string, kenes::v1::PollUpdate> polls_;
  kenes::v1::JoinState join_state_;
  std::map<std::string, uint64_t> unopened_;  // doc_id -> the version the stream reached
  uint64_t bytes_received_ = 0;
  uint64_t wire_bytes_closed_ = 0;  // connections before the current one
  bool deflate_negotiated_ = false;
  bool subscribed_once_ = false;
};

}  // namespace kenes::client
