// platform/split_string.h: "a,b,,c" -> {"a", "b", "", "c"}, for the option
// parsers (--serial, --trace-*). Empty parts are kept: the caller says
// what an empty one means.
#pragma once
#include <string>
#include <vector>

namespace rvh {

inline std::vector<std::string> split_string(const std::string& text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    const size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

}  // namespace rvh
