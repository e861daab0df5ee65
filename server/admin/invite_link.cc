#include "invite_link.h"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <random>

#include "engine/utf8.h"
#include "auth/secret_key.h"
#include "auth/token.h"

namespace kenes::admin {

namespace {

std::string fresh_participant_id(kenes::v1::Role role) {
  std::random_device rd;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(rd()));
  return std::string(consultation::role_name(role)) + "-" + suffix;
}

std::string utc_time(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

}  // namespace

Invite make_invite(const std::string& key, const InviteRequest& request) {
  server::TokenClaims claims;
  claims.consultation_id = request.consultation_id;
  claims.participant_id =
      request.participant_id.empty() ? fresh_participant_id(request.role) : request.participant_id;
  claims.display_name = request.display_name;
  claims.role = request.role;
  claims.expires_unix = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch() + std::chrono::hours(24) * request.days)
                            .count();
  std::string base = request.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  Invite invite;
  invite.participant_id = claims.participant_id;
  invite.link = base + "/join#token=" + server::TokenSigner(key).sign(claims);
  invite.expires_utc = utc_time(claims.expires_unix);
  return invite;
}

std::string default_base_url() {
  const char* env = std::getenv("KENES_PUBLIC_URL");
  return env && *env ? env : "http://127.0.0.1:8080";
}

std::optional<std::string> read_secret_key(const std::string& data_dir, std::string* error) {
  std::string path = (std::filesystem::path(data_dir) / "secret.key").string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    *error = "no secret key at " + path +
             " (is --data-dir right? kenes-server and create-consultation create it on first use)";
    return std::nullopt;
  }
  auto key = server::load_or_create_secret_key(path);
  if (!key.error.empty()) {
    *error = key.error;
    return std::nullopt;
  }
  return key.key;
}

bool valid_display_name(const std::string& name) {
  return !name.empty() && name.size() <= 200 && engine::is_valid_utf8(name);
}

}  // namespace kenes::admin
