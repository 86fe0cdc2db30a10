// hart_jit_fuzz.cpp -- the block translator (cpu/block_jit.h) against the
// interpreter, on programs the input chooses: the same program runs on the
// unit tests' hart bench (tests/unit/hart_test_util.h: 16 MiB of RAM,
// M-mode, traps parked on `j .`) once with every block translated after
// its first run and once with no translation, and everything software or
// the timing model can see must be the same: the instructions, cycles and
// pc at the end of every quantum, and for a program that ends (parks on a
// `j .`) within 20 us of simulated time, the x and f registers, pc, the
// trap CSRs, mstatus, fflags and data memory.
//
// Input:
//   u8   loop count - 1 (0..31: the body runs 1..32 times)
//   u8   flags: bit 0 the FPU on (mstatus.FS = Initial); bit 1 translated
//        on the helper thread (HartConfig::jit_async), so that translations
//        land between any two runs of a block
//   u64  x1..x31 (gp is then set to a data pointer, s1 to the loop count)
//   then up to 256 u32: the loop's body (any encodings, compressed too)
// WFI and the sleep marker would leave the bench's hart asleep between
// runs; every 32-bit window of the body that holds one becomes a nop.
#include <cstdint>
#include <cstring>

#include "cpu/insns.h"
#include "cpu/marker.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/unit/hart_test_util.h"
#include "tests/unit/hart_jit_util.h"

// No leak check in this target: once the hart's SystemC thread has run in
// the process (a coroutine on a stack of its own, whose switches ASan
// cannot see), LeakSanitizer's check at exit reports libFuzzer's own
// driver allocations, which main's stack still holds, as leaks. The same
// hart code runs under LeakSanitizer in the ASan build's unit tests
// (tests/unit/hart_jit_test.cpp, detect_leaks=1 in CI).
extern "C" const char* __asan_default_options() { return "detect_leaks=0"; }

namespace {
using namespace rvh;
using namespace rvh::test;

constexpr unsigned kMaxBody = 256;
constexpr unsigned kMaxUs = 20;

// A 32-bit window that would put the hart to sleep.
bool sleeps(uint32_t w) {
  return (w & 3) == 3 && (decode_instruction(w).exec == insn::wfi || marker::is_marker(w));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::ByteReader in(data, size);
  const unsigned iterations = 1 + in.u8() % 32;
  const uint8_t flags = in.u8();
  const bool fpu = flags & 1, async = flags & 2;
  std::vector<std::pair<unsigned, uint64_t>> regs;
  for (unsigned r = 1; r < 32; ++r) regs.push_back({r, in.u64()});
  regs.push_back({gp, kData + 0xc00});  // set last: these win
  regs.push_back({s1, iterations});
  std::vector<uint32_t> body;
  while (!in.empty() && body.size() < kMaxBody) body.push_back(in.u32());

  // Nops over every window that sleeps, until none is left.
  std::vector<uint8_t> bytes(body.size() * 4);
  if (!bytes.empty()) std::memcpy(bytes.data(), body.data(), bytes.size());
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t at = 0; at + 4 <= bytes.size(); at += 2) {
      uint32_t w;
      std::memcpy(&w, &bytes[at], 4);
      if (sleeps(w)) {
        const uint32_t nop = enc::nop();
        std::memcpy(&bytes[at], &nop, 4);
        changed = true;
      }
    }
  }
  if (!bytes.empty()) std::memcpy(body.data(), bytes.data(), bytes.size());

  Prog p;
  for (uint32_t w : body) p << w;
  p << enc::addi(s1, s1, -1) << enc::bne(s1, zero, -4 * static_cast<int32_t>(body.size() + 1));
  p.halt();

  const uint64_t mstatus = fpu ? uint64_t{1} << csr::kMstatusFsShift : 0;
  const JitRun interp = run_translated_or_not(p, regs, mstatus, 0, kMaxUs);
  const JitRun jit = run_translated_or_not(p, regs, mstatus, 1, kMaxUs, async);
  FUZZ_CHECK(interp.code_bytes == 0, "the interpreter's run translated code");
  // The quanta the two runs share. A run starts where the bench's hart last
  // synchronised, so a program that does not finish may have one quantum
  // more or less within the same microseconds; only finished runs are
  // compared to the end.
  const size_t shared = std::min(jit.quanta.size(), interp.quanta.size());
  for (size_t k = 0; k < shared; ++k)
    FUZZ_CHECK(jit.quanta[k] == interp.quanta[k], "quantum %zu: translated %llu insns %llu cycles, interpreted %llu %llu",
               k, static_cast<unsigned long long>(jit.quanta[k][0]), static_cast<unsigned long long>(jit.quanta[k][1]),
               static_cast<unsigned long long>(interp.quanta[k][0]),
               static_cast<unsigned long long>(interp.quanta[k][1]));
  if (!jit.finished || !interp.finished) {
    FUZZ_CHECK(jit.quanta.size() + 1 >= interp.quanta.size() && interp.quanta.size() + 1 >= jit.quanta.size(),
               "quanta: translated %zu, interpreted %zu", jit.quanta.size(), interp.quanta.size());
    return 0;
  }
  for (unsigned r = 0; r < 32; ++r)
    FUZZ_CHECK(jit.x[r] == interp.x[r], "x%u: translated %#llx, interpreted %#llx", r,
               static_cast<unsigned long long>(jit.x[r]), static_cast<unsigned long long>(interp.x[r]));
  for (unsigned r = 0; r < 32; ++r)
    FUZZ_CHECK(jit.f[r] == interp.f[r], "f%u: translated %#llx, interpreted %#llx", r,
               static_cast<unsigned long long>(jit.f[r]), static_cast<unsigned long long>(interp.f[r]));
  FUZZ_CHECK(jit.fflags == interp.fflags, "fflags: translated %#x, interpreted %#x", jit.fflags, interp.fflags);
  FUZZ_CHECK(jit.pc == interp.pc, "pc: translated %#llx, interpreted %#llx",
             static_cast<unsigned long long>(jit.pc), static_cast<unsigned long long>(interp.pc));
  FUZZ_CHECK(jit.mcause == interp.mcause && jit.mepc == interp.mepc && jit.mtval == interp.mtval,
             "trap CSRs differ: mcause %#llx/%#llx mepc %#llx/%#llx", static_cast<unsigned long long>(jit.mcause),
             static_cast<unsigned long long>(interp.mcause), static_cast<unsigned long long>(jit.mepc),
             static_cast<unsigned long long>(interp.mepc));
  FUZZ_CHECK(jit.mstatus == interp.mstatus, "mstatus differs");
  FUZZ_CHECK(jit.data == interp.data, "data memory differs");
  FUZZ_CHECK(jit.quanta.size() == interp.quanta.size(), "quanta: translated %zu, interpreted %zu",
             jit.quanta.size(), interp.quanta.size());
  return 0;
}
