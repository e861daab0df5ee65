#pragma once

// Which web pages may open a WebSocket to this server. Browsers send the
// page's origin ("https://kenes.example.org") on every upgrade and let any page
// connect anywhere, so without this check a page on another site could act
// with a token it obtained (or drive a logged-in tab). Non-browser clients
// (kenes-bench, kenes-admin, curl) send no Origin and are not affected: the
// token is what authenticates them.

#include <string>
#include <string_view>
#include <vector>

namespace kenes::server {

struct OriginPolicy {
  // From --allowed-origins: exact origins ("https://kenes.example.org",
  // lower-cased, no trailing slash), or the single entry "*" for any. Empty:
  // the default rule (same host as the request, or the --public-url origin).
  std::vector<std::string> allowed;
  std::string public_origin;  // the origin of --public-url, if set
};

// Parses the comma-separated --allowed-origins value. Returns an error
// message (empty on success) for an entry that is not scheme://host[:port].
std::string parse_allowed_origins(std::string_view list, std::vector<std::string>& out);

// "https://Kenes.Example.org/path" -> "https://kenes.example.org"; empty if
// `url` has no scheme://host.
std::string origin_of_url(std::string_view url);

// May an upgrade with this Origin header (empty: none was sent) and this
// Host header proceed? "null" (sandboxed frames, file:// pages) is refused
// unless explicitly allowed.
bool origin_allowed(const OriginPolicy& policy, std::string_view origin, std::string_view host);

}  // namespace kenes::server
