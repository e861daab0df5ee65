#include "auth/token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <cstdlib>
#include <boost/json.hpp>

namespace kenes::server {
namespace {

constexpr std::string_view kPrefix = "v1.";
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
// Tokens travel in links; anything longer than this is not one of ours and is
// refused before any parsing work.
constexpr size_t kMaxTokenBytes = 4096;

TokenCheck refuse(TokenError error, std::string message) {
  TokenCheck check;
  check.error = error;
  check.message = std::move(message);
  return check;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  auto b = [&](size_t k) { return static_cast<uint8_t>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (b(i) << 16) | (b(i + 1) << 8) | b(i + 2);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (bytes.size() - i == 1) {
    uint32_t v = b(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (bytes.size() - i == 2) {
    uint32_t v = (b(i) << 16) | (b(i + 1) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
  };
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  // Leftover bits must be zero, or two different texts would decode alike.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

TokenSigner::TokenSigner(std::string key) : key_(std::move(key)) {}

std::string TokenSigner::mac(std::string_view data) const {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}

std::string TokenSigner::sign(const TokenClaims& claims) const {
  boost::json::object o;
  o["c"] = claims.consultation_id;
  o["p"] = claims.participant_id;
  o["r"] = std::string(consultation::role_name(claims.role));
  o["n"] = claims.display_name;
  o["exp"] = claims.expires_unix;
  // Written only when set, so that links minted as before stay byte-identical.
  if (claims.link_generation != 0) o["g"] = claims.link_generation;
  if (!claims.registration_id.empty()) o["reg"] = claims.registration_id;
  std::string signed_part = std::string(kPrefix) + base64url_encode(boost::json::serialize(o));
  return signed_part + "." + base64url_encode(mac(signed_part));
}

TokenCheck TokenSigner::verify(std::string_view token, int64_t now_unix) const {
  if (token.size() > kMaxTokenBytes) return refuse(TokenError::kMalformed, "token is too long");
  if (token.substr(0, kPrefix.size()) != kPrefix) {
    return refuse(TokenError::kMalformed, "token does not start with the version prefix 'v1.'");
  }
  size_t dot = token.rfind('.');
  if (dot < kPrefix.size()) return refuse(TokenError::kMalformed, "token has no signature part");
  std::string_view signed_part = token.substr(0, dot);
  auto signature = base64url_decode(token.substr(dot + 1));
  if (!signature) return refuse(TokenError::kMalformed, "token signature is not base64url");

  // Check the signature before reading the claims: nothing unsigned is parsed.
  std::string expected = mac(signed_part);
  if (signature->size() != expected.size() ||
      CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0) {
    return refuse(TokenError::kBadSignature, "token signature does not match");
  }

  auto payload = base64url_decode(signed_part.substr(kPrefix.size()));
  if (!payload) return refuse(TokenError::kMalformed, "token claims are not base64url");
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(*payload, ec);
  if (ec || !v.is_object()) return refuse(TokenError::kMalformed, "token claims are not a JSON object");
  const auto& o = v.as_object();
  auto str = [&](const char* k) -> const boost::json::string* {
    auto it = o.find(k);
    return it != o.end() && it->value().is_string() ? &it->value().as_string() : nullptr;
  };
  const auto *c = str("c"), *p = str("p"), *r = str("r"), *n = str("n");
  auto exp_it = o.find("exp");
  if (!c || !p || !r || exp_it == o.end() || !exp_it->value().is_int64()) {
    return refuse(TokenError::kMalformed, "token claims miss c, p, r or exp");
  }
  auto role = consultation::role_from_name(std::string_view(r->data(), r->size()));
  if (!role) return refuse(TokenError::kMalformed, "token names an unknown role");

  TokenClaims claims;
  claims.consultation_id.assign(c->data(), c->size());
  claims.participant_id.assign(p->data(), p->size());
  if (n) claims.display_name.assign(n->data(), n->size());
  claims.role = *role;
  claims.expires_unix = exp_it->value().as_int64();
  if (auto g = o.find("g"); g != o.end()) {
    if (!g->value().is_int64() || g->value().as_int64() < 0 || g->value().as_int64() > UINT32_MAX) {
      return refuse(TokenError::kMalformed, "token claim g is not a link generation");
    }
    claims.link_generation = static_cast<uint32_t>(g->value().as_int64());
  }
  if (auto reg = o.find("reg"); reg != o.end()) {
    if (!reg->value().is_string() || reg->value().as_string().empty()) {
      return refuse(TokenError::kMalformed, "token claim reg is not a registration id");
    }
    claims.registration_id.assign(reg->value().as_string().data(), reg->value().as_string().size());
  }
  if (claims.expires_unix <= now_unix) {
    return refuse(TokenError::kExpired, "token expired");
  }
  TokenCheck ok;
  ok.claims = std::move(claims);
  return ok;
}

std::string new_participant_id() {
  unsigned char bytes[12];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    // The system's random source failing is not something to carry on past:
    // ids would collide.
    std::abort();
  }
  return "w-" + base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

consultation::Invitation invitation_of(const TokenClaims& claims) {
  consultation::Invitation who;
  who.participant_id = claims.participant_id;
  who.display_name = claims.display_name;
  who.role = claims.role;
  who.link_generation = claims.link_generation;
  who.registration_id = claims.registration_id;
  return who;
}

}  // namespace kenes::server
