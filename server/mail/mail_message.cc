#include "mail/mail_message.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>

namespace kenes::server::mail {

namespace {

bool plain_ascii(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// Splits UTF-8 into chunks of at most `max` bytes without cutting a code point.
std::vector<std::string> utf8_chunks(const std::string& s, size_t max) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t end = std::min(s.size(), i + max);
    while (end < s.size() && end > i && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    if (end == i) end = std::min(s.size(), i + max);  // not UTF-8: cut anyway
    out.push_back(s.substr(i, end - i));
    i = end;
  }
  return out;
}

std::string random_hex(size_t bytes) {
  std::string raw(bytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

}  // namespace

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

std::string encode_header_text(const std::string& text) {
  if (plain_ascii(text)) return text;
  // 39 bytes -> 52 base64 characters, 64 with the markers: each line, even
  // the first after "Subject: ", stays under 78 characters (RFC 5322 2.1.1)
  // and each encoded-word under RFC 2047's 75.
  std::string out;
  for (const auto& chunk : utf8_chunks(text, 39)) {
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(chunk) + "?=";
  }
  return out;
}

std::string rfc5322_date(int64_t unix_ms) {
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
                months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string render_message(const MailMessage& m) {
  std::string domain = "localhost";
  if (auto at = m.from_address.find('@'); at != std::string::npos) domain = m.from_address.substr(at + 1);
  std::string out;
  if (m.from_name.empty()) {
    out += "From: <" + m.from_address + ">\r\n";
  } else {
    std::string name = encode_header_text(m.from_name);
    // A plain-ASCII display name is quoted, so a comma or dot in it is safe.
    if (name == m.from_name) name = "\"" + name + "\"";
    out += "From: " + name + " <" + m.from_address + ">\r\n";
  }
  out += "To: <" + m.to_address + ">\r\n";
  out += "Subject: " + encode_header_text(m.subject) + "\r\n";
  out += "Date: " + rfc5322_date(m.date_unix_ms) + "\r\n";
  out += "Message-ID: <" + random_hex(16) + "@" + domain + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  out += "\r\n";
  std::string body;
  for (char c : m.body) {
    if (c == '\n') body += "\r\n";
    else if (c != '\r') body += c;
  }
  const std::string encoded = base64(body);
  for (size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + "\r\n";
  return out;
}

}  // namespace kenes::server::mail
