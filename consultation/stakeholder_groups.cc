#include "consultation/stakeholder_groups.h"

#include <cctype>

namespace kenes::consultation {

namespace {

struct GroupName {
  kenes::v1::StakeholderGroup group;
  std::string_view name;  // as shown in stakeholder_group_choices
};

constexpr GroupName kGroups[] = {
    {kenes::v1::STAKEHOLDER_GROUP_GOVERNMENT, "government"},
    {kenes::v1::STAKEHOLDER_GROUP_ACADEMIA, "academia"},
    {kenes::v1::STAKEHOLDER_GROUP_TECHNICAL_COMMUNITY, "technical community"},
    {kenes::v1::STAKEHOLDER_GROUP_PRIVATE_SECTOR, "private sector"},
    {kenes::v1::STAKEHOLDER_GROUP_MEDIA, "media"},
    {kenes::v1::STAKEHOLDER_GROUP_CIVIL_SOCIETY, "civil society"},
    {kenes::v1::STAKEHOLDER_GROUP_USERS, "users"},
    {kenes::v1::STAKEHOLDER_GROUP_UN_INTERGOVERNMENTAL, "un intergovernmental"},
    {kenes::v1::STAKEHOLDER_GROUP_NATIONAL_IGF, "national igf"},
    {kenes::v1::STAKEHOLDER_GROUP_OTHER, "other"},
};

// Letters and digits only, lower case: "UN / Intergovernmental" and
// "un_intergovernmental" both become "unintergovernmental".
std::string folded(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

std::optional<kenes::v1::StakeholderGroup> stakeholder_group_from_text(std::string_view text) {
  std::string key = folded(text);
  if (key.rfind("stakeholdergroup", 0) == 0) key.erase(0, 16);  // STAKEHOLDER_GROUP_CIVIL_SOCIETY
  if (key.empty()) return std::nullopt;
  for (const auto& g : kGroups) {
    if (folded(g.name) == key) return g.group;
  }
  if (key == "un" || key == "intergovernmental") return kenes::v1::STAKEHOLDER_GROUP_UN_INTERGOVERNMENTAL;
  if (key == "igf") return kenes::v1::STAKEHOLDER_GROUP_NATIONAL_IGF;
  return std::nullopt;
}

std::string stakeholder_group_choices() {
  std::string out;
  for (const auto& g : kGroups) {
    if (!out.empty()) out += ", ";
    out += g.name;
  }
  return out;
}

}  // namespace kenes::consultation
