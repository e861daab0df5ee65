#pragma once

// Every request a participant sends, as a pure function of the state:
//
//   (context, caller, request) -> a record to append | an answer | a refusal
//
// A handler decides from what it is given and nothing else — who may, what
// is wrong with the request, which record it becomes — and never touches a
// socket, a clock or the log. The room (server/room.cc) looks the kind up in
// the table (request_table.cc), passes the gates of its door, calls the
// handler, and then only sequences, appends and sends. So the role x request
// matrix is a table test without sockets (request_table_test.cc), and adding
// a request is one row and one function.
//
// Thread-safety: handlers are pure functions of their arguments; the table
// is immutable.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "consultation/consultation_state.h"
#include "consultation/in_flight.h"
#include "kenes/v1/log.pb.h"
#include "kenes/v1/protocol.pb.h"

namespace kenes::consultation {

// The participant behind a connection, as the room admitted them: the role
// is the log's (the token only introduces a newcomer).
struct Caller {
  std::string participant_id;
  kenes::v1::Role role = kenes::v1::ROLE_UNSPECIFIED;
  std::string client_id;  // from Hello
};

// What a handler may read besides the request.
struct RequestContext {
  // Folded up to the log's durable head, plus the discussion records and
  // text edits still in flight (they fold as they are built).
  const ConsultationState& state;
  // Assessment records in flight: they fold only when durable.
  const InFlight& in_flight;
  // The highest durable seq: what a participant can have seen.
  uint64_t durable_seq = 0;
  // The time a record built now would carry, never before the last record's
  // (a clock stepping back cannot reopen a poll).
  int64_t now_unix_ms = 0;
};

struct Refusal {
  kenes::v1::ErrorCode code = kenes::v1::ERROR_CODE_INTERNAL;
  std::string message;
};

// When the state learns of a record. Records from requests fold when they
// are durable, except those whose position among text edits matters: thread
// records and the edits that accept suggestions fold as they are built, with
// the seq the log will give them (consultation_state.h, apply_early), exactly
// as a submitted edit is applied before it is durable.
enum class Fold { kWhenDurable, kAsBuilt };

// What one request became. Exactly one of the three is set.
struct Outcome {
  std::optional<Refusal> refusal;
  // To append (its author set; no seq, no time: the room stamps both).
  std::optional<kenes::v1::LogRecord> record;
  Fold fold = Fold::kWhenDurable;
  // A read-only request's answer (its request_id is set by the room).
  std::optional<kenes::v1::ServerMessage> answer;

  static Outcome refuse(kenes::v1::ErrorCode code, std::string message) {
    Outcome o;
    o.refusal = Refusal{code, std::move(message)};
    return o;
  }
  static Outcome append(kenes::v1::LogRecord record, Fold fold = Fold::kWhenDurable) {
    Outcome o;
    o.record = std::move(record);
    o.fold = fold;
    return o;
  }
  static Outcome reply(kenes::v1::ServerMessage message) {
    Outcome o;
    o.answer = std::move(message);
    return o;
  }
};

using Handler = Outcome (*)(const RequestContext& ctx, const Caller& caller, const kenes::v1::ClientMessage& msg);

// Which way a request goes through the server, and the gates on it. Every
// door but kHello needs an admitted connection (Welcome sent).
enum class Door {
  kHello,      // the session: token, then the room admits (admission.h)
  kSubscribe,  // the room: catch-up from the log, then live
  kSubmit,     // the room's sequencer: check_submit (text_request.h), then transform and apply
  kPresence,   // the room: ephemeral, never logged (check_presence)
  kDocument,   // the room: a draft's durable text from memory (client_state.h, document_text)
  kChange,     // handler -> a record; needs a writable log and a room not shutting down
  kRead,       // handler -> an answer; changes nothing
  kHistory,    // the history pool (replay/document_history.h), off the room's strand
};

struct RequestKind {
  kenes::v1::ClientMessage::KindCase kind;
  std::string_view name;  // for logs and metrics: "create_poll"
  Door door;
  Handler handler;  // kChange and kRead only
};

// The row for `kind`, or null for a kind this server does not know.
const RequestKind* find_request(kenes::v1::ClientMessage::KindCase kind);

// Every row, in field-number order.
std::span<const RequestKind> request_table();

// Looks the request up and runs its handler (kChange and kRead doors): the
// one call the room makes. A kind without a handler is refused with
// UNKNOWN_MESSAGE.
Outcome handle_request(const RequestContext& ctx, const Caller& caller, const kenes::v1::ClientMessage& msg);

}  // namespace kenes::consultation
