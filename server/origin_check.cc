#include "origin_check.h"

#include <algorithm>
#include <cctype>

namespace kenes::server {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The default port of a scheme, so that "https://h" and Host "h:443" match.
std::string_view default_port(std::string_view scheme) {
  if (scheme == "https" || scheme == "wss") return "443";
  if (scheme == "http" || scheme == "ws") return "80";
  return {};
}

// host[:port] with the scheme's default port made explicit.
std::string with_port(std::string_view authority, std::string_view scheme) {
  std::string a = lower(authority);
  // An IPv6 literal ends with ']' when it has no port.
  auto colon = a.rfind(':');
  bool has_port = colon != std::string::npos && a.find(']', colon) == std::string::npos &&
                  (a.front() != '[' || a.find(']') < colon);
  if (!has_port && !default_port(scheme).empty()) a += ":" + std::string(default_port(scheme));
  return a;
}

}  // namespace

std::string origin_of_url(std::string_view url) {
  auto sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) return {};
  std::string_view rest = url.substr(sep + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.empty()) return {};
  return lower(url.substr(0, sep)) + "://" + lower(authority);
}

std::string parse_allowed_origins(std::string_view list, std::vector<std::string>& out) {
  out.clear();
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view entry = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (entry.empty()) continue;
    if (entry == "*") {
      out.push_back("*");
      continue;
    }
    while (!entry.empty() && entry.back() == '/') entry.remove_suffix(1);
    std::string origin = origin_of_url(entry);
    if (origin.empty() || origin.size() != entry.size()) {
      return "--allowed-origins: '" + std::string(entry) +
             "' is not an origin (scheme://host[:port], no path), e.g. https://kenes.example.org";
    }
    out.push_back(origin);
  }
  return {};
}

bool origin_allowed(const OriginPolicy& policy, std::string_view origin, std::string_view host) {
  origin = trim(origin);
  if (origin.empty()) return true;  // not a browser
  std::string o = lower(origin);
  if (!policy.allowed.empty()) {
    return std::any_of(policy.allowed.begin(), policy.allowed.end(),
                       [&](const std::string& a) { return a == "*" || a == o; });
  }
  if (o == "null") return false;
  if (!policy.public_origin.empty() && o == policy.public_origin) return true;
  auto sep = o.find("://");
  if (sep == std::string::npos || host.empty()) return false;
  std::string scheme = o.substr(0, sep);
  // Host carries no scheme; give it the Origin's, so that only the ports are
  // compared with defaults filled in on both sides.
  return with_port(o.substr(sep + 3), scheme) == with_port(trim(host), scheme);
}

}  // namespace kenes::server
