// platform/trace_filter.h: which instructions the commit-log trace shows
// (--trace-harts, --trace-modes, --trace-pc, --trace-from, --trace-count;
// docs/options.md), and the parsers of those options' values.
//
// May include: the C++ standard library only.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

namespace rvh {

// A value of a --trace-* option that does not parse. what() says what is
// wrong and the form expected, without the option's name, e.g. "bad hart
// number 'x'; use a list such as 0,2-3".
class TraceFilterError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct TraceFilter {
  // Bit n: hart n is traced (harts 0..63).
  uint64_t harts = ~0ull;
  // Bit m: privilege mode m is traced, m as cpu/hart.h's ModeIndex
  // (U 0, S 1, M 3, VU 4, VS 5).
  uint8_t modes = 0x3b;
  // pc range, lo <= pc < hi.
  uint64_t pc_lo = 0, pc_hi = ~0ull;
  // Window of each hart's instruction count (its instructions retired
  // before this one): from <= n < from + count.
  uint64_t from = 0, count = ~0ull;

  // Whether an instruction of a traced hart, at `pc` in mode `mode`, the
  // hart's instruction number `n`, is shown.
  bool shows(uint64_t pc, unsigned mode, uint64_t n) const {
    return ((modes >> mode) & 1) && pc >= pc_lo && pc < pc_hi && n >= from && n - from < count;
  }
  bool shows_hart(unsigned hart) const { return hart < 64 && ((harts >> hart) & 1); }
  // The first instruction number after the window (none: ~0).
  uint64_t window_end() const { return count > ~0ull - from ? ~0ull : from + count; }
};

// "0", "0,2", "1-3", "0,2-3" (decimal hart numbers, ascending or not) to a
// hart mask. Throws TraceFilterError.
uint64_t parse_hart_list(const std::string& text);
// "M,S,U,VS,VU" (any subset, any case; HS is S) to a ModeIndex mask.
uint8_t parse_mode_list(const std::string& text);
// "LO:HI" (decimal or 0x-hex, LO < HI): pc range lo <= pc < hi.
void parse_pc_range(const std::string& text, uint64_t& lo, uint64_t& hi);

}  // namespace rvh
