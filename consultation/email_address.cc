#include "consultation/email_address.h"

namespace kenes::consultation {

bool plausible_email_address(const std::string& a) {
  if (a.size() < 3 || a.size() > 254) return false;
  size_t at = a.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= a.size() || a.find('@', at + 1) != std::string::npos) {
    return false;
  }
  if (at > 64) return false;  // the local part's limit (RFC 5321 4.5.3.1.1)
  for (unsigned char c : a) {
    if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"' || c == ',' || c == ';' || c == '(' ||
        c == ')' || c == '\\' || c == '[' || c == ']') {
      return false;
    }
  }
  const std::string domain = a.substr(at + 1);
  size_t dot = domain.find('.');
  if (dot == std::string::npos || dot == 0 || domain.back() == '.' || domain.find("..") != std::string::npos) {
    return false;
  }
  return true;
}

}  // namespace kenes::consultation
