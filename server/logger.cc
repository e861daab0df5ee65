#include "logger.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <google/protobuf/stubs/logging.h>
#include <mutex>
#include <utility>

namespace kenes::server {
namespace {

std::atomic<bool> g_json{true};
std::atomic<int> g_min_level{static_cast<int>(LogLevel::kInfo)};
std::mutex g_mutex;

const char* level_name(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

std::string timestamp() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace

void set_log_format_json(bool json) { g_json = json; }
void set_min_log_level(LogLevel level) { g_min_level = static_cast<int>(level); }

void log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) {
  if (static_cast<int>(level) < g_min_level.load(std::memory_order_relaxed)) return;
  std::string line;
  line.reserve(160);
  bool json = g_json.load(std::memory_order_relaxed);
  auto value_text = [&](const LogField& f, bool quote_strings) {
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string_view>) {
            if (quote_strings) append_json_string(line, v);
            else line.append(v);
          } else if constexpr (std::is_same_v<T, bool>) {
            line += v ? "true" : "false";
          } else if constexpr (std::is_same_v<T, double>) {
            // Shortest form that reads back the same (5000, 0.25, 1e-06), not
            // std::to_string's fixed six decimals; JSON has no inf or nan.
            if (!std::isfinite(v)) {
              line += json ? "null" : (std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf"));
            } else {
              char buf[32];
              auto r = std::to_chars(buf, buf + sizeof buf, v);
              line.append(buf, r.ptr);
            }
          } else {
            line += std::to_string(v);
          }
        },
        f.value);
  };
  if (json) {
    line += "{\"ts\":\"" + timestamp() + "\",\"level\":\"" + level_name(level) + "\",\"event\":";
    append_json_string(line, event);
    for (const auto& f : fields) {
      line += ',';
      append_json_string(line, f.key);
      line += ':';
      value_text(f, true);
    }
    line += "}\n";
  } else {
    line += timestamp() + " " + level_name(level) + " " + std::string(event);
    for (const auto& f : fields) {
      line += ' ';
      line.append(f.key);
      line += '=';
      value_text(f, false);
    }
    line += '\n';
  }
  std::lock_guard lock(g_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

namespace {

// A token bucket of 10 lines a second, burst 10; what does not fit is counted.
std::mutex g_protobuf_mutex;
double g_protobuf_tokens = 10;
std::chrono::steady_clock::time_point g_protobuf_refilled{};
uint64_t g_protobuf_suppressed = 0;

void protobuf_log_handler(google::protobuf::LogLevel level, const char* file, int line, const std::string& message) {
  uint64_t suppressed = 0;
  {
    std::lock_guard lock(g_protobuf_mutex);
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - g_protobuf_refilled).count();
    g_protobuf_refilled = now;
    g_protobuf_tokens = std::min(10.0, g_protobuf_tokens + elapsed * 10.0);
    if (g_protobuf_tokens < 1.0) {
      ++g_protobuf_suppressed;
      return;
    }
    g_protobuf_tokens -= 1.0;
    suppressed = std::exchange(g_protobuf_suppressed, 0);
  }
  LogLevel ours = level == google::protobuf::LOGLEVEL_INFO      ? LogLevel::kInfo
                  : level == google::protobuf::LOGLEVEL_WARNING ? LogLevel::kWarn
                                                                : LogLevel::kError;
  log(ours, "protobuf",
      {{"message", message}, {"file", file ? file : ""}, {"line", line}, {"suppressed_before", suppressed}});
}

}  // namespace

void route_protobuf_logs() { google::protobuf::SetLogHandler(&protobuf_log_handler); }

}  // namespace kenes::server
