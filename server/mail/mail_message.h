#pragma once

// One e-mail as RFC 5322 text: headers (Date, Message-ID, MIME UTF-8) and a
// text/plain body in base64, so any 8-bit text (Kazakh, Russian, emoji)
// crosses any relay unchanged. No I/O.

#include <cstdint>
#include <string>

namespace kenes::server::mail {

struct MailMessage {
  std::string from_address;  // bare address: "kenes@example.org"
  std::string from_name;     // UTF-8, may be empty
  std::string to_address;
  std::string subject;  // UTF-8, one line
  std::string body;     // UTF-8 text, lines separated by "\n"
  int64_t date_unix_ms = 0;
};

// The message with CRLF line ends, ready for the SMTP DATA phase (before
// dot-stuffing). The Message-ID is random, with the From address's domain.
std::string render_message(const MailMessage& m);

// An RFC 2047 encoded-word ("=?UTF-8?B?...?=", split to keep lines short)
// when `text` is not plain printable ASCII; `text` itself otherwise.
std::string encode_header_text(const std::string& text);

std::string base64(const std::string& bytes);

// RFC 5322 date, UTC: "Mon, 30 Nov 2026 07:26:53 +0000".
std::string rfc5322_date(int64_t unix_ms);

}  // namespace kenes::server::mail
