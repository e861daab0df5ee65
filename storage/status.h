#pragma once

// Errors as values for the storage layer. Every public storage call returns a
// Status or a Result<T>; no exception crosses the storage boundary. Foreign
// error types (rocksdb::Status, errno) are converted once, where they arise.

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace kenes::storage {

enum class Code {
  kOk = 0,
  // The caller asked for something malformed: a bad consultation id, an empty
  // client id, a snapshot covering records that are not durable yet.
  kInvalidArgument,
  kNotFound,
  // The (client id, client seq) key is already recorded or in flight.
  kAlreadyExists,
  // The data folder is held by another process (RocksDB's LOCK file).
  kBusy,
  // The operating system or RocksDB failed to read or write.
  kIoError,
  // Stored bytes do not have the documented format or the hash chain breaks.
  kCorruption,
  // The log refuses appends because an earlier write failed (sticky error);
  // the message names that first error.
  kFailed,
  // The operation is not available on this instance (e.g. appending to a
  // read-only view).
  kNotSupported,
};

// Short stable name of a code ("ok", "invalid argument", ...), for messages.
std::string_view code_name(Code code);

// A code and a human-readable message. Cheap to copy when ok.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok_status() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "corruption: consultation c1: seq 7: ..." — the code name, then the message.
  std::string to_string() const;

  // The same status with `context` put in front of the message ("opening
  // /data/log: " + message). An ok status stays ok.
  Status with_context(std::string_view context) const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// Either a value or a non-ok Status. Check ok() before touching value().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    if (status_.ok()) status_ = Status(Code::kInvalidArgument, "Result built from an ok Status without a value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace kenes::storage
