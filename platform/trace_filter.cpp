// platform/trace_filter.cpp: see trace_filter.h.
#include "platform/trace_filter.h"
#include "platform/split_string.h"

#include <cctype>
#include <string>
#include <vector>

namespace rvh {
namespace {

// Decimal, or 0x-hex when allow_hex; nothing else (no sign, no spaces).
bool parse_number(const std::string& s, bool allow_hex, uint64_t& out) {
  size_t i = 0;
  unsigned base = 10;
  if (allow_hex && s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    i = 2;
  }
  if (i == s.size()) return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
    unsigned d;
    if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
    else if (base == 16 && c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
    else return false;
    if (v > (~0ull - d) / base) return false;
    v = v * base + d;
  }
  out = v;
  return true;
}

}  // namespace

uint64_t parse_hart_list(const std::string& text) {
  const char* const kForm = "; use a list such as 0,2-3";
  uint64_t mask = 0;
  for (const std::string& item : split_string(text, ',')) {
    const std::vector<std::string> ends = split_string(item, '-');
    uint64_t lo = 0, hi = 0;
    if (ends.size() > 2 || !parse_number(ends[0], false, lo) ||
        !parse_number(ends.back(), false, hi))
      throw TraceFilterError("bad hart number '" + item + "'" + kForm);
    if (lo > hi) throw TraceFilterError("bad range '" + item + "': the first hart is after the last" + kForm);
    if (hi > 63) throw TraceFilterError("no hart " + std::to_string(hi) + kForm);
    for (uint64_t h = lo; h <= hi; ++h) mask |= 1ull << h;
  }
  return mask;
}

uint8_t parse_mode_list(const std::string& text) {
  static const struct { const char* name; uint8_t bit; } kModes[] = {
      {"U", 1u << 0}, {"S", 1u << 1}, {"HS", 1u << 1}, {"M", 1u << 3}, {"VU", 1u << 4}, {"VS", 1u << 5}};
  uint8_t mask = 0;
  for (std::string item : split_string(text, ',')) {
    for (char& c : item) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    bool known = false;
    for (const auto& m : kModes)
      if (item == m.name) {
        mask |= m.bit;
        known = true;
      }
    if (!known) throw TraceFilterError("unknown mode '" + item + "'; use M, S (or HS), U, VS, VU, separated by commas");
  }
  return mask;
}

void parse_pc_range(const std::string& text, uint64_t& lo, uint64_t& hi) {
  const char* const kForm = "; use LO:HI, e.g. 0x80000000:0x80001000 (LO <= pc < HI)";
  const std::vector<std::string> ends = split_string(text, ':');
  if (ends.size() != 2 || !parse_number(ends[0], true, lo) || !parse_number(ends[1], true, hi))
    throw TraceFilterError(std::string("bad range") + kForm);
  if (lo >= hi) throw TraceFilterError(std::string("empty range: LO must be below HI") + kForm);
}

}  // namespace rvh
