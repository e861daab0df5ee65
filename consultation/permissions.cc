#include "consultation/permissions.h"

namespace kenes::consultation {

std::string_view role_name(kenes::v1::Role role) {
  switch (role) {
    case kenes::v1::ROLE_CHAIR: return "chair";
    case kenes::v1::ROLE_RESEARCHER: return "researcher";
    case kenes::v1::ROLE_MEMBER: return "member";
    case kenes::v1::ROLE_OBSERVER: return "observer";
    default: return "unspecified";
  }
}

std::optional<kenes::v1::Role> role_from_name(std::string_view name) {
  if (name == "chair") return kenes::v1::ROLE_CHAIR;
  if (name == "researcher") return kenes::v1::ROLE_RESEARCHER;
  if (name == "member") return kenes::v1::ROLE_MEMBER;
  if (name == "observer") return kenes::v1::ROLE_OBSERVER;
  return std::nullopt;
}

std::string a_role(kenes::v1::Role role) {
  const std::string_view name = role_name(role);
  const bool vowel = !name.empty() && std::string_view("aeiou").find(name.front()) != std::string_view::npos;
  return std::string(vowel ? "an " : "a ") + std::string(name);
}

}  // namespace kenes::consultation
