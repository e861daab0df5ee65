// Token parsing: any bytes given to TokenSigner::verify and base64url_decode
// come back as a refusal or a result, never a crash. The fuzzed bytes are
// tried three ways: as a whole token, as base64url text, and as the claims of
// a correctly signed token (so the claims' JSON is reached past the MAC).

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/token.h"

using kenes::server::base64url_decode;
using kenes::server::base64url_encode;
using kenes::server::TokenSigner;

namespace {

const std::string kKey(32, 'k');

// HMAC-SHA256 as the signer computes it (token.h: over "v1." + claims part).
std::string hmac(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), kKey.data(), static_cast<int>(kKey.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out.data(), &len);
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const TokenSigner signer(kKey);
  std::string_view input(reinterpret_cast<const char*>(data), size);

  if (auto decoded = base64url_decode(input)) {
    // What decodes is canonical (leftover bits must be zero): encoding it
    // gives back exactly the input.
    if (base64url_encode(*decoded) != input) std::abort();
  }

  for (int64_t now : {int64_t{0}, int64_t{1700000000}, INT64_MAX, INT64_MIN}) {
    auto check = signer.verify(input, now);
    if (check.claims && check.claims->expires_unix <= now) std::abort();
  }

  std::string signed_part = "v1." + base64url_encode(input);
  std::string token = signed_part + "." + base64url_encode(hmac(signed_part));
  auto check = signer.verify(token, 1700000000);
  if (check.claims) {
    // A token that verifies carries claims the signer can sign again, and
    // that signed token verifies to the same claims.
    auto again = signer.verify(signer.sign(*check.claims), 1700000000);
    if (!again.claims || again.claims->participant_id != check.claims->participant_id ||
        again.claims->consultation_id != check.claims->consultation_id ||
        again.claims->role != check.claims->role || again.claims->expires_unix != check.claims->expires_unix) {
      std::abort();
    }
  }
  return 0;
}
