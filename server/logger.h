#pragma once

// Structured logs on stderr: one JSON object per line (default), or a readable
// line with --log-format text. Thread-safe. Never pass a token or a secret as a
// field: the log is read by operators and shipped to other systems.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace kenes::server {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

struct LogField {
  std::string_view key;
  std::variant<std::string_view, int64_t, uint64_t, double, bool> value;
  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  LogField(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  LogField(std::string_view k, int v) : key(k), value(static_cast<int64_t>(v)) {}
  LogField(std::string_view k, int64_t v) : key(k), value(v) {}
  LogField(std::string_view k, uint64_t v) : key(k), value(v) {}
  LogField(std::string_view k, double v) : key(k), value(v) {}
  LogField(std::string_view k, bool v) : key(k), value(v) {}
};

void set_log_format_json(bool json);
void set_min_log_level(LogLevel level);

// `event` is a stable snake_case name operators can grep and alert on.
void log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});

// Sends protobuf's own messages (it logs, for example, a string field that is
// not UTF-8 while parsing) through log() as event "protobuf", at most 10 a
// second; the next line says how many were left out. Without it protobuf
// writes free text to stderr, one line per bad frame (issue 17). Idempotent.
void route_protobuf_logs();

}  // namespace kenes::server
