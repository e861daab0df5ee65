#pragma once

// The invite links `kenes-server --demo` prints for the demo's people.

#include <string>
#include <vector>

#include "auth/token.h"

namespace kenes::server {

struct DemoLink {
  std::string label;  // the role: "chair", "researcher", "member", "observer"
  std::string name;
  std::string url;
};

// A link per person of the demo consultation, valid for 30 days.
std::vector<DemoLink> demo_links(const TokenSigner& signer, const std::string& public_url);

}  // namespace kenes::server
