// tests/unit/hart_jit_util.h -- one run of a program on the hart bench
// (hart_test_util.h) with or without the block translator, and what it
// leaves behind, for tests/unit/hart_jit_test.cpp and the hart_jit fuzzer
// (tests/fuzz/hart_jit_fuzz.cpp), which compare the two. Include after
// hart_test_util.h.
#ifndef RVH_TESTS_UNIT_HART_JIT_UTIL_H
#define RVH_TESTS_UNIT_HART_JIT_UTIL_H
#include <algorithm>
#include <array>
#include <utility>
#include <vector>

namespace rvh::test {

struct JitRun {
  uint64_t x[32];
  uint64_t f[32];
  uint64_t pc, mcause, mepc, mtval, mstatus;
  uint8_t fflags;
  std::vector<uint8_t> data;  // kData .. kData + 8 KiB
  // At the end of each quantum (sampled every microsecond): instructions
  // and cycles since the start, and pc.
  std::vector<std::array<uint64_t, 3>> quanta;
  size_t code_bytes;  // host code the translator made
  bool finished;      // parked on a `j .` (the program's end or a trap vector)
};

// Runs `p` from kCode in M-mode with the given registers and mstatus bits
// set, translating blocks after `threshold` runs (0: never), until it
// parks or max_us of simulated time pass. The block cache starts empty,
// and the default threshold is restored afterwards. With `async`, a
// helper thread translates (HartConfig::jit_async): its translations land
// whenever the run loop finds them ready, and every 4 us at the latest.
inline JitRun run_translated_or_not(const Prog& p, const std::vector<std::pair<unsigned, uint64_t>>& regs,
                                    uint64_t mstatus_set, unsigned threshold, unsigned max_us,
                                    bool async = false) {
  HartBench& b = bench();
  b.reset();
  HartTestAccess::set_jit_threshold(b.hart, threshold);
  if (async) HartTestAccess::set_jit_async(b.hart, true);
  for (const auto& [r, v] : regs) b.hart.x[r] = v;
  b.hart.csr.mstatus |= mstatus_set;
  p.load(b);
  JitRun o{};
  const uint64_t insns0 = b.hart.instret, cycles0 = b.hart.cycles;
  for (unsigned k = 0; k < max_us && !b.parked(); ++k) {
    sc_core::sc_start(1, sc_core::SC_US);
    if (async && k % 4 == 3) HartTestAccess::finish_translations(b.hart);
    // The hart runs a quantum ahead, then waits: at most one quantum ends
    // in each microsecond, and none in some (when its overruns add up, or
    // at the start, while it waits out the quantum it ran before).
    const std::array<uint64_t, 3> q = {b.hart.instret - insns0, b.hart.cycles - cycles0, b.hart.pc};
    if (q != (o.quanta.empty() ? std::array<uint64_t, 3>{0, 0, kCode} : o.quanta.back())) o.quanta.push_back(q);
  }
  std::copy(std::begin(b.hart.x), std::begin(b.hart.x) + 32, o.x);
  std::copy(std::begin(b.hart.f), std::end(b.hart.f), o.f);
  o.fflags = b.hart.csr.fflags;
  o.pc = b.hart.pc;
  o.mcause = b.hart.csr.mcause;
  o.mepc = b.hart.csr.mepc;
  o.mtval = b.hart.csr.mtval;
  o.mstatus = b.hart.csr.mstatus;
  o.data.assign(b.host(kData), b.host(kData) + 0x2000);
  o.code_bytes = HartTestAccess::jit_code_bytes(b.hart);
  o.finished = b.parked();
  if (async) HartTestAccess::set_jit_async(b.hart, false);
  HartTestAccess::set_jit_threshold(b.hart, HartConfig{}.jit_threshold);
  return o;
}

}  // namespace rvh::test

#endif  // RVH_TESTS_UNIT_HART_JIT_UTIL_H
