#pragma once

// Errors as values. Every engine function that can be handed bad input (an op
// from the wire, a version from a reconnecting client) reports it through a
// Status or a Result<T>; none throws and none asserts on client input.
//
// Thread-safety: plain values; copy them freely.

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace kenes::engine {

// What went wrong, coarse enough for a client to act on (the server maps each
// to a wire error code). The message carries the detail for a human.
enum class ErrorCode {
  kOk,
  // An empty insert, or a retain/delete of zero code points, or a number too
  // large to be a position.
  kMalformed,
  // An insert that is not valid UTF-8.
  kInvalidUtf8,
  // The op retains or deletes past the end of the document.
  kDoesNotFit,
  // A base version (or remote op version) ahead of what this side has seen.
  kVersionFromFuture,
  // A base version older than the history the sequencer keeps.
  kVersionTooOld,
  // A client_seq smaller than the last one sequenced for that client.
  kStaleClientSeq,
  // The caller broke the protocol's order (an ack for an op that is not in
  // flight, a remote op out of order, nothing to send).
  kInvalidState,
  // A ballot, retraction or close for a poll that has closed (by hand or at
  // its closing time).
  kPollClosed,
  // A ballot from a role the poll does not let vote.
  kNotEligible,
};

// A stable lower-case name for logs and test vectors ("does_not_fit").
std::string_view error_code_name(ErrorCode code);

// kOk, or an error code with a message that names the numbers involved, e.g.
// "op retains/deletes up to code point 120 but the document has 97".
class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "does_not_fit: op retains/deletes up to ..." or "ok".
  std::string to_string() const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

// Either a T or an error Status. Check ok() before value(): reading the value
// of an error Result is a programming error (it is checked by an assert in
// debug builds and is undefined otherwise), never a reaction to input.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose
  // An error. Passing an OK status is a programming error; it is turned into
  // kInvalidState rather than a Result that claims success without a value.
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    if (status_.ok()) status_ = Status(ErrorCode::kInvalidState, "Result built from an OK status without a value");
  }

  bool ok() const { return value_.has_value(); }
  // OK when ok(); otherwise the error.
  const Status& status() const { return status_; }

  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace kenes::engine
