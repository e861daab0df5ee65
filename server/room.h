#pragma once

// A Room is one consultation in memory: the only sequencer and the only
// broadcaster for it (PRODUCT.md §3). Everything it does runs on its own
// strand, so its state needs no locks; its public methods only post there and
// are safe from any thread.
//
// The life of a submit: transform and apply in memory (the engine's
// DocumentSequencer), hand the record to the log, and only when the log says
// it is durable, acknowledge the author and broadcast to everyone else —
// durable before visible (STYLE.md habit 3). Appends are pipelined: the next
// submit is transformed while earlier ones wait for the group commit; the log
// calls back in sequence order, so acks and broadcasts go out in that order.
//
// What each request means is not decided here: consultation/ holds every
// request as a pure handler (request.h) and says who receives each durable
// record (delivery.h). The room looks the request up, calls the handler,
// appends what it returns, and once the record is durable delivers it the
// one way every record is delivered (on_appended).
//
// If an append fails, the room stops acknowledging anything (its memory is now
// ahead of the log) and says why to every later request; a restart rebuilds
// the state from the log.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "auth/token.h"
#include "connection.h"
#include "consultation/client_state.h"
#include "consultation/consultation_state.h"
#include "consultation/in_flight.h"
#include "consultation/request.h"
#include "kenes/v1/protocol.pb.h"
#include "replay/document_history.h"
#include "storage/log.h"

namespace kenes::server {

using consultation::ConsultationState;

// The e-mail digest (room_digest.cc). An empty smtp_host: no digests.
struct DigestOptions {
  std::string smtp_host;
  uint16_t smtp_port = 25;
  std::string from_address;
  std::string public_url;  // base of the thread links
  std::chrono::milliseconds check_interval{60000};
  double period_scale = 1.0;  // tests only
  std::chrono::milliseconds smtp_step_timeout{30000};
  // One digest covers at most this many records; the rest go in the next.
  size_t max_records_per_digest = 20000;
};

struct RoomOptions {
  // Signs the links GetInviteLinks answers with and a registrant's own link
  // (issue 18). Owned by the server, which outlives its rooms; null: such
  // requests are refused.
  const TokenSigner* signer = nullptr;
  uint64_t snapshot_every_records = 10000;
  size_t assessment_segment_bytes = size_t{1} << 20;  // see Options
  // SUBSCRIBE_FROM_EITHER: at most this many records behind, catch up from
  // the log; further, join by state.
  uint64_t catch_up_max_records = 10000;
  // A joiner by state may get the state made for another up to this long
  // ago (and at most catch_up_max_records behind), then the records since
  // by catch-up: in a workshop's join storm the room makes a state about
  // once a second instead of once per joiner.
  std::chrono::milliseconds join_state_max_age{1000};
  size_t catch_up_batch_records = 512;
  size_t catch_up_batch_bytes = 256 << 10;
  uint64_t max_message_bytes = 1 << 20;
  // PollUpdates of one poll leave at most this often: a burst of ballots (300
  // voters within a second) costs one update per interval to every member
  // instead of one per ballot. An isolated ballot's update leaves at once.
  std::chrono::milliseconds poll_update_interval{20};
  // Presence changes (cursors, arrivals, departures) leave at most this
  // often, all of them in one Presence frame to every member: a participant
  // sending 4,000 cursor moves a second costs the others 20 frames, and a
  // workshop joining at once one frame per interval rather than one per
  // joiner (issue 17). A change after a quiet interval leaves at once.
  std::chrono::milliseconds presence_interval{50};
  // Where history reads (replays of a document's log) run: off the room's
  // strand and the I/O threads. Empty: on the io_context (room tests).
  // Returns false when it cannot take more (the asker is told the server
  // is busy).
  std::function<bool(std::function<void()>)> run_history;
  // History questions one participant may have waiting or running (issue
  // 17): a flood of Blame requests must not keep the chair's question waiting.
  size_t history_in_flight_per_participant = 4;
  // Records one participant's requests may add (comments, threads,
  // reactions, polls, statuses: everything but text edits, which are
  // composed while one is in flight), per second and in a burst (issue 17).
  // Each is carried to every member, and a person clicks and writes far
  // slower than this; a script posting hundreds of small comments a second
  // is what it stops. Over it: RATE_LIMITED, the request named.
  double records_per_second = 5;
  double record_burst = 60;
  // Where snapshot writes (a synchronous RocksDB write of up to megabytes)
  // run: off the room's strand, which meanwhile goes on sequencing. Empty:
  // on the calling thread (room tests).
  std::function<void(std::function<void()>)> run_snapshot_write;
  DigestOptions digest;
};

class Room : public std::enable_shared_from_this<Room> {
 public:
  // `state` is the consultation folded up to `head.seq`; `head.hash` is that
  // record's hash (replay/recovery.h).
  Room(boost::asio::io_context& io, storage::Log& log, ConsultationState state, storage::Head head,
       RoomOptions options);

  const std::string& consultation_id() const { return consultation_id_; }

  // A connection presented a valid token for this consultation. The room
  // checks the participant against the log (consultation/admission.h:
  // revoked? known?), records a new participant, then sends Welcome — or a
  // fatal error.
  // A registration link's token (claims.registration_id) comes with who is
  // registering, and a participant id the session made up for them.
  void admit(std::shared_ptr<Connection> conn, std::string connection_id, TokenClaims claims,
             std::string client_id, uint64_t request_id, kenes::v1::Registration registration = {});
  // One method per door of consultation/request.h.
  void subscribe(std::string connection_id, uint64_t request_id, uint64_t after_seq,
                 kenes::v1::SubscribeFrom from = kenes::v1::SUBSCRIBE_FROM_LOG);
  // OpenDocument: the draft's text at the version the subscriber's stream
  // has reached, sent in order with the records.
  void open_document(std::string connection_id, uint64_t request_id, std::string doc_id);
  void submit(std::string connection_id, uint64_t request_id, kenes::v1::SubmitOp op);
  void presence(std::string connection_id, kenes::v1::PresenceUpdate update);
  // Every request with a handler (Door::kChange and kRead): the handler
  // decides, the room appends or answers.
  void request(std::string connection_id, kenes::v1::ClientMessage msg);
  // GetDocumentAt / GetDocumentDiff / GetDocumentBlame (room_history.cc):
  // checked here, read on the history pool.
  void history_request(std::string connection_id, kenes::v1::ClientMessage msg);
  void leave(std::string connection_id);

  // E-mail digest (room_digest.cc): the periodic check that mails digests
  // due. start_digests() arms it with the base of thread links; call it once
  // after construction (nothing happens without an SMTP host).
  void start_digests(std::string public_url);

  // Stops taking changes, waits for appends in flight, writes snapshots,
  // closes every connection with 1001, then calls `done` (on the strand).
  void shutdown(std::function<void()> done);

  // Before the room serves anyone: refuse every change (a log that did not
  // verify past head.seq is served read-only with --allow-corrupt-log).
  void mark_read_only(std::string why) {
    failure_ = std::move(why);
    healthy_ = false;
  }

  // For /readyz and tests; thread-safe snapshots of strand-owned values.
  bool healthy() const { return healthy_.load(std::memory_order_relaxed); }
  // An append failed: the room's memory is ahead of the log and it refuses
  // every change for good. Once the log writes again the server replaces it
  // with a room rebuilt from the log (Server::check_storage).
  bool storage_failed() const { return storage_failed_.load(std::memory_order_relaxed); }

  // Runs `fn` on the strand with the state (tests and history reads).
  void inspect(std::function<void(const ConsultationState&, uint64_t durable_seq)> fn);

 private:
  // kJoining: subscribed by state, waiting for a moment when nothing is in
  // flight (the state must be the durable one).
  enum class MemberState { kAdmitting, kAdmitted, kJoining, kCatchingUp, kLive };
  struct Member {
    std::shared_ptr<Connection> conn;
    std::string connection_id;
    consultation::Caller caller;  // participant, role (the log's), client id
    MemberState state = MemberState::kAdmitting;
    uint64_t catch_up_next = 0;
    bool has_presence = false;
    // A walk-in who registered: their own link's token, sent in Welcome.
    std::string personal_token;
  };
  // How the state learns of a record: when it is durable, as it was built
  // (ConsultationState::apply_early; consultation::Fold::kAsBuilt), or by the
  // sequencer at submit time (ConsultationState::submit_op).
  enum class Folded { kWhenDurable, kAsBuilt, kBySequencer };
  // What the requester gets once the record is durable.
  enum class Answer { kNone, kAck, kWelcome };
  // What to do once an append is durable.
  struct PendingAppend {
    kenes::v1::LogRecord record;  // as appended; seq and prev_hash set when durable
    std::string payload;          // its stored bytes
    std::string connection_id;    // the requester, may have left meanwhile
    uint64_t request_id = 0;
    Answer answer = Answer::kNone;
    Folded folded = Folded::kWhenDurable;
    uint64_t expected_seq = 0;  // kAsBuilt: the seq it was folded with
    std::chrono::steady_clock::time_point started;
    std::string client_key;  // submits: client_id + '\0' + client_seq, for waiting duplicates
  };

  // The wall clock, in ms since the Unix epoch: record times and closing times.
  static int64_t now_unix_ms();
  Member* member(const std::string& connection_id);
  // What a handler may read (consultation::RequestContext), now.
  consultation::RequestContext request_context() const;
  void send_error(Member* m, uint64_t request_id, kenes::v1::ErrorCode code, const std::string& message,
                  const std::string& doc_id = {}, uint64_t client_seq = 0);
  void do_admit(std::shared_ptr<Connection> conn, std::string connection_id, TokenClaims claims, std::string client_id,
                uint64_t request_id, kenes::v1::Registration registration);
  // GetInviteLinks' answer: each link's claims signed (the handler, pure,
  // cannot). False if there is no signer.
  bool sign_links(kenes::v1::InviteLinks& links) const;
  // EmailInviteLink: mails the signed link (room_digest.cc, with the
  // digest's SMTP settings), then answers the requester with `answer` or
  // MAIL_NOT_SENT.
  void mail_invite_link(const std::string& connection_id, uint64_t request_id, kenes::v1::ServerMessage answer);
  void send_welcome(Member& m, uint64_t request_id);
  // The checks every logged change from a member passes first (Welcome sent,
  // not shutting down, the log writable). Sends the error and returns false
  // when one fails.
  bool accepts_changes_from(Member* m, uint64_t request_id);
  void do_submit(const std::string& connection_id, uint64_t request_id, const kenes::v1::SubmitOp& op);
  void do_request(const std::string& connection_id, const kenes::v1::ClientMessage& msg);
  void continue_catch_up(const std::string& connection_id);
  void go_live(Member& m);
  // Runs `fn` on the strand at the next moment no append is in flight, now
  // if there is none: the state then holds only durable records (what a
  // JoinState or a DocumentText may show).
  void when_quiet(std::function<void()> fn);
  void run_quiet_waiters();
  void send_join_state(const std::string& connection_id);
  void send_document_text(const std::string& connection_id, uint64_t request_id, const std::string& doc_id);
  // Hands `record` to the log (stamping its time), folding it first if
  // `folded` is kAsBuilt. False, with the room failed, if it did not fold: the
  // handler checked everything the fold checks, so that is a bug.
  bool append(kenes::v1::LogRecord record, PendingAppend pending, std::optional<storage::ClientKey> key = {});
  void on_appended(storage::Result<storage::Appended> result, std::shared_ptr<PendingAppend> pending);
  // The one delivery path of a durable, folded record (consultation/delivery.h).
  void deliver(const kenes::v1::LogRecord& rec, std::string record_bytes, const PendingAppend& pending);
  void fail(const std::string& why);
  void broadcast(const SharedFrame& frame, const std::string& except_connection_id);
  // A durable record waiting in the outbox for the next flush (room.cc says
  // why). `direct` frames go to one connection each, right after the records
  // before them: the answers to the record's request.
  struct OutboxEntry {
    std::string record;  // record_bytes()
    std::string except_connection_id;
    std::vector<std::pair<std::string, SharedFrame>> direct;
    // Non-empty: only this participant's connections may see the record (a
    // ballot of an anonymous poll or of a named poll with hidden results, a
    // read marker, a visit, digest settings).
    std::string only_participant;
  };
  OutboxEntry& queue_record(std::string record, std::string except_connection_id);
  void flush_outbox();
  // Queues m's presence (or its departure) for the next presence flush.
  void broadcast_presence_of(const Member& m, bool left);
  void flush_presence();
  void history_done(const std::string& participant);
  void close_connections_of(const std::string& participant_id);
  void maybe_snapshot();
  void maybe_finish_shutdown();
  bool duplicate_ack(Member* m, uint64_t request_id, const kenes::v1::SubmitOp& op);

  // Polls (room.cc): updates coalesced per interval, the closing-time timer.
  void send_poll_updates(Member& m);
  void schedule_poll_update(const std::string& poll_id);
  struct PollFrames {
    kenes::v1::PollUpdate update;
    SharedFrame full;
    SharedFrame without_results;  // null when everyone may see `full`
  };
  PollFrames poll_frames(const consultation::PollState& p, int64_t now);
  void flush_poll_updates();
  void arm_poll_timer();
  void on_poll_timer();
  // A connection went: if it was the participant's last one and they attend
  // the running meeting, log their leave.
  void note_departure(const std::string& participant_id);

  // History (room_history.cc). Every durable record passes note_history so
  // that the history index learns its text edits, whichever path made them.
  void do_history_request(const std::string& connection_id, const kenes::v1::ClientMessage& msg);
  void note_history(const kenes::v1::LogRecord& rec);
  // E-mail digest (room_digest.cc).
  void arm_digest_timer();
  void check_digests();
  void on_digest_mailed(const std::string& participant_id, uint64_t up_to_seq, uint32_t items, const std::string& error);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  storage::Log& log_;
  std::string consultation_id_;
  RoomOptions options_;
  // Registrations on their way to the log, by registration id: a link's cap
  // counts them before they fold.
  std::map<std::string, uint32_t> registering_;
  ConsultationState state_;
  // Assessment records handed to the log and not yet durable (poll and
  // meeting changes, ids handed out): handlers see them through this.
  consultation::InFlight in_flight_;
  uint64_t durable_seq_ = 0;
  std::string last_hash_;  // of record durable_seq_, raw 32 bytes
  uint64_t pending_appends_ = 0;
  uint64_t records_since_snapshot_ = 0;
  // Reused by catch-up's payload_meant_for.
  kenes::v1::LogRecord catch_up_decoded_;
  // One snapshot write at a time, so the covered seqs the log sees only grow.
  bool snapshot_in_flight_ = false;
  bool final_snapshot_started_ = false;  // shutting down: one last try only
  std::optional<std::string> failure_;
  std::atomic<bool> healthy_{true};
  std::atomic<bool> storage_failed_{false};
  bool shutting_down_ = false;
  std::function<void()> shutdown_done_;
  std::map<std::string, Member> members_;
  std::map<std::string, kenes::v1::ParticipantPresence> presence_;
  // Duplicates of submits still waiting for durability: key -> waiters.
  std::map<std::string, std::vector<std::pair<std::string, uint64_t>>> duplicate_waiters_;
  std::map<std::string, uint64_t> pending_client_keys_;  // key -> count in flight
  std::vector<OutboxEntry> outbox_;
  bool flush_posted_ = false;
  std::vector<std::function<void()>> quiet_waiters_;
  // The encoded ClientState at join_state_seq_, shared by every joiner at
  // that seq, and the encoder that keeps its pieces up to date record by
  // record (consultation/client_state.h).
  std::shared_ptr<const std::string> join_state_;
  uint64_t join_state_seq_ = 0;
  std::chrono::steady_clock::time_point join_state_made_at_{};
  consultation::ClientStateEncoder join_state_encoder_;

  // Polls.
  std::unique_ptr<boost::asio::steady_timer> poll_timer_;
  std::unique_ptr<boost::asio::steady_timer> poll_flush_timer_;
  // Presence changed since the last flush: connections to announce (their
  // entry as it is at the flush) and connections gone.
  std::set<std::string> presence_changed_;
  std::vector<std::string> presence_left_;
  bool presence_flush_posted_ = false;
  std::chrono::steady_clock::time_point last_presence_flush_{};
  std::unique_ptr<boost::asio::steady_timer> presence_timer_;
  // History questions in flight, per participant (room_history.cc).
  std::map<std::string, size_t> history_in_flight_;
  // Per participant, the records bucket (records_per_second): tokens and
  // when last refilled. One small entry per participant who made a request.
  struct RecordBucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point refilled{};
  };
  std::map<std::string, RecordBucket> record_buckets_;
  bool take_record_token(const std::string& participant);
  std::chrono::steady_clock::time_point last_poll_flush_{};
  std::set<std::string> dirty_polls_;
  struct ClosedPollFrame {
    uint64_t seq = 0;  // the poll's last record when it was made
    SharedFrame frame;
  };
  std::map<std::string, ClosedPollFrame> closed_poll_frames_;
  bool poll_flush_posted_ = false;

  // History (room_history.cc).
  std::shared_ptr<replay::DocumentHistory> history_;

  // E-mail digest (room_digest.cc).
  std::unique_ptr<boost::asio::steady_timer> digest_timer_;
  std::set<std::string> digests_in_flight_;  // participants whose mail is on its way
  // Participants -> a seq up to which a check found nothing to mail (saves
  // reading the same records again at every check).
  std::map<std::string, uint64_t> digest_nothing_through_;
};

}  // namespace kenes::server
