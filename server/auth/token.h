#pragma once

// Invite tokens: what an invite link carries, signed by the server.
//
// Format (do not change without a new version prefix: tokens live in e-mails
// and browsers for weeks):
//
//   v1.<base64url(JSON claims)>.<base64url(HMAC-SHA256(key, "v1." + claims part))>
//
// Claims: {"c": consultation id, "p": participant id, "r": role name,
//          "n": display name, "exp": expiry in Unix seconds}, and since
// issue 18, optionally "g": the link's generation (absent: 0; a re-issued
// link has a higher one and older ones are refused) and "reg": a
// registration link's id (then "p" is empty: whoever registers gets an id
// of their own and a personal link in Welcome).
// The payload is readable by anyone holding the link (the browser shows the
// name and role before connecting); only the signature makes it authoritative.
// The server re-checks the participant against the log on every connection, so
// a revoked participant's still-valid token is refused.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "consultation/admission.h"
#include "consultation/permissions.h"
#include "kenes/v1/protocol.pb.h"

namespace kenes::server {

struct TokenClaims {
  std::string consultation_id;
  std::string participant_id;
  std::string display_name;
  kenes::v1::Role role = kenes::v1::ROLE_UNSPECIFIED;
  int64_t expires_unix = 0;
  uint32_t link_generation = 0;
  std::string registration_id;
};

// A fresh participant id for someone registering through a registration
// link: "w-" and 16 random base64url characters (96 bits).
std::string new_participant_id();

// What the consultation's admission needs from a valid token's claims.
consultation::Invitation invitation_of(const TokenClaims& claims);

enum class TokenError { kMalformed, kBadSignature, kExpired };

struct TokenCheck {
  std::optional<TokenClaims> claims;  // set when valid
  TokenError error = TokenError::kMalformed;
  std::string message;  // why it was refused; never contains the token itself
};

// Thread-safe after construction (const methods only).
class TokenSigner {
 public:
  // `key` is the server secret (32 random bytes from the data folder).
  explicit TokenSigner(std::string key);

  std::string sign(const TokenClaims& claims) const;

  // Checks format, signature (constant-time comparison) and expiry against
  // `now_unix`. Never throws, whatever the input.
  TokenCheck verify(std::string_view token, int64_t now_unix) const;

 private:
  std::string mac(std::string_view data) const;
  std::string key_;
};

// base64url without padding (RFC 4648 §5), as used in the token.
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace kenes::server
