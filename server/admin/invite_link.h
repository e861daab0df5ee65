#pragma once

// Invite links as kenes-admin prints them: BASE/join#token=<signed token>,
// the same shape as the links kenes-server --demo prints. The token is
// signed with the server's secret (<data-dir>/secret.key), so minting a link
// needs only that file, never the log: it works while the server runs.

#include <cstdint>
#include <optional>
#include <string>

#include "kenes/v1/protocol.pb.h"

namespace kenes::admin {

struct InviteRequest {
  std::string consultation_id;
  std::string participant_id;  // empty: a fresh one, "<role>-<8 hex digits>"
  std::string display_name;
  kenes::v1::Role role = kenes::v1::ROLE_UNSPECIFIED;
  int days = 30;
  std::string base_url;  // no trailing slash needed
};

struct Invite {
  std::string participant_id;
  std::string link;
  std::string expires_utc;  // "2026-02-01 12:00 UTC", for people
};

// Signs the invite with `key` (the 32-byte secret).
Invite make_invite(const std::string& key, const InviteRequest& request);

// The default base of printed links: $KENES_PUBLIC_URL (the server's
// --public-url) if set, else the server's default address.
std::string default_base_url();

// The secret key of a data folder, without creating one. nullopt and *error
// set when the folder has none or it cannot be used.
std::optional<std::string> read_secret_key(const std::string& data_dir, std::string* error);

// Checks a display name as the server checks profiles: 1..200 bytes of UTF-8.
bool valid_display_name(const std::string& name);

}  // namespace kenes::admin
