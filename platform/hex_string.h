// platform/hex_string.h: "0x..." for messages and device-tree names.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>

namespace rvh {

inline std::string hex_string(uint64_t v) {
  char s[32];
  std::snprintf(s, sizeof s, "0x%llx", static_cast<unsigned long long>(v));
  return s;
}

}  // namespace rvh
