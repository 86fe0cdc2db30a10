// tests/unit/hart_jit_test.cpp: the block translator (cpu/block_jit.h)
// against the interpreter. The same programs run twice on the bench's
// hart, once with every block translated after its first run and once
// with no translation; registers, memory, the trap CSRs, and the
// instructions, cycles and pc at the end of every quantum (so the
// quantum's stops inside blocks) must be the same.
#include <chrono>
#include <cmath>
#include <cstring>
#include <random>

#include "tests/unit/hart_test_util.h"
#include "tests/unit/hart_jit_util.h"

namespace rvh::test {
namespace {
using namespace enc;

constexpr uint64_t kDataBase = kData + 0xc00;  // gp: offsets of +-2 KiB cross a page at +0x400

// Runs `p` until it parks or max_us pass, translating blocks after
// `threshold` runs (0: never).
JitRun run_with(const Prog& p, const std::vector<std::pair<unsigned, uint64_t>>& regs, unsigned threshold,
                unsigned max_us = 400) {
  return run_translated_or_not(p, regs, 0, threshold, max_us);
}

void expect_same(const JitRun& jit, const JitRun& interp) {
  EXPECT_GT(jit.code_bytes, 0u) << "nothing was translated";
  EXPECT_EQ(interp.code_bytes, 0u);
  for (unsigned r = 0; r < 32; ++r) EXPECT_EQ(jit.x[r], interp.x[r]) << "x" << r;
  for (unsigned r = 0; r < 32; ++r) EXPECT_EQ(jit.f[r], interp.f[r]) << "f" << r;
  EXPECT_EQ(jit.fflags, interp.fflags);
  EXPECT_EQ(jit.pc, interp.pc);
  EXPECT_EQ(jit.mcause, interp.mcause);
  EXPECT_EQ(jit.mepc, interp.mepc);
  EXPECT_EQ(jit.mtval, interp.mtval);
  EXPECT_TRUE(jit.data == interp.data) << "data memory differs";
  EXPECT_TRUE(jit.finished && interp.finished);
  ASSERT_EQ(jit.quanta.size(), interp.quanta.size());
  for (size_t k = 0; k < jit.quanta.size(); ++k)
    EXPECT_EQ(jit.quanta[k], interp.quanta[k]) << "quantum " << k + 1 << " (instructions, cycles, pc)";
}

// The registers the random programs compute with: not gp (data base) nor
// s1 (loop count).
constexpr uint32_t kPool[] = {5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21};

// A loop of `n` random instructions run `iterations` times: every integer
// operation of RV64IM, loads and stores of each size around gp (aligned,
// misaligned, crossing a page), forward branches and jumps.
Prog random_loop(uint64_t seed, unsigned n) {
  std::mt19937_64 rng(seed);
  auto pick = [&](unsigned k) { return static_cast<unsigned>(rng() % k); };
  auto reg = [&]() { return pick(10) == 0 ? 0u : kPool[pick(std::size(kPool))]; };
  static const uint32_t rops[][2] = {{0, 0}, {0, 0x20}, {1, 0}, {2, 0}, {3, 0}, {4, 0}, {5, 0}, {5, 0x20},
                                     {6, 0}, {7, 0}, {0, 1}, {1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}, {6, 1}, {7, 1}};
  static const uint32_t wops[][2] = {{0, 0}, {0, 0x20}, {1, 0}, {5, 0}, {5, 0x20}, {0, 1}, {4, 1}, {5, 1}, {6, 1}, {7, 1}};
  static const uint32_t branch_f3[] = {0, 1, 4, 5, 6, 7};
  Prog p;
  for (unsigned k = 0; k < n; ++k) {
    const unsigned left = n - 1 - k;  // instructions after this one in the body
    const int32_t imm = static_cast<int32_t>(rng() % 4096) - 2048;
    switch (pick(12)) {
      case 0: case 1: { const auto* o = rops[pick(std::size(rops))]; p << r(0x33, reg(), o[0], reg(), reg(), o[1]); break; }
      case 2: { const auto* o = wops[pick(std::size(wops))]; p << r(0x3b, reg(), o[0], reg(), reg(), o[1]); break; }
      case 3: case 4: {
        static const uint32_t f3s[] = {0, 2, 3, 4, 6, 7};
        p << i(0x13, reg(), f3s[pick(6)], reg(), imm);
        break;
      }
      case 5: {
        const unsigned sh = pick(64), f = pick(3);
        p << i(0x13, reg(), f == 0 ? 1 : 5, reg(), static_cast<int32_t>(sh | (f == 2 ? 0x400 : 0)));
        break;
      }
      case 6: {
        const unsigned sh = pick(32), f = pick(4);
        if (f == 3) p << i(0x1b, reg(), 0, reg(), imm);  // addiw
        else p << i(0x1b, reg(), f == 0 ? 1 : 5, reg(), static_cast<int32_t>(sh | (f == 2 ? 0x400 : 0)));
        break;
      }
      case 7: p << (pick(2) ? lui(reg(), static_cast<uint32_t>(rng())) : auipc(reg(), static_cast<uint32_t>(rng()))); break;
      case 8: case 9: p << i(0x03, reg(), pick(7), gp, imm); break;                  // lb..lwu
      case 10: p << s(0x23, pick(4), gp, reg(), imm); break;                         // sb..sd
      default: {
        if (left < 3) { p << nop(); break; }
        const int32_t skip = 4 * static_cast<int32_t>(2 + pick(2));  // over one or two
        if (pick(4) == 0) p << jal(pick(2) ? 1u : 0u, skip);
        else p << b(branch_f3[pick(6)], reg(), reg(), skip);
        break;
      }
    }
  }
  return p;
}

Prog looped(const Prog& body) {
  Prog p = body;
  const int32_t back = -4 * static_cast<int32_t>(body.words.size() + 1);
  p << addi(s1, s1, -1) << bne(s1, zero, back);
  p.halt();
  return p;
}

std::vector<std::pair<unsigned, uint64_t>> random_regs(uint64_t seed, unsigned iterations) {
  std::mt19937_64 rng(seed ^ 0x5eed);
  std::vector<std::pair<unsigned, uint64_t>> regs = {{gp, kDataBase}, {s1, iterations}};
  for (uint32_t r : kPool) {
    uint64_t v = rng();
    if (rng() % 3 == 0) v = static_cast<uint64_t>(static_cast<int64_t>(rng() % 64) - 32);  // small ones too
    if (rng() % 8 == 0) v = 0x8000000000000000ull;  // division overflow cases
    regs.push_back({r, v});
  }
  return regs;
}

// Six random integer programs, translated (on the helper thread with
// `async`) and interpreted.
void expect_random_integer_programs_as_interpreted(bool async) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const Prog p = looped(random_loop(seed, 300));
    const auto regs = random_regs(seed, 60);
    const JitRun interp = run_with(p, regs, 0);
    const JitRun jit = run_translated_or_not(p, regs, 0, 1, 400, async);
    ASSERT_EQ(interp.pc, p.addr(p.words.size() - 1)) << "the program did not end";
    expect_same(jit, interp);
  }
}

TEST(HartJit, RandomIntegerProgramsRunAsInTheInterpreter) { expect_random_integer_programs_as_interpreted(false); }

// Binary64 values the FP programs start from: exact and inexact operands,
// and those the host's FPU is not used for (zeros, subnormals, infinity,
// NaN, values around kHostFloor, overflow).
const double kFpValues[16] = {1.0, 3.0, 0.1, -2.5, 1e300, -1e-300, 5e-324, 0.0,
                              -0.0, HUGE_VAL, std::nan(""), 0x1p-969, 0x1.8p-969, 1e-310, 7.0, 1.7e308};

// A loop whose body loads f0..f15 with kFpValues and runs `n` random
// binary64 add/sub/mul/div (static round-to-nearest, dynamic, static
// round-down) and conversions from 32-bit integers on them into f16..f31,
// each followed by a read of fflags (which clears it). Each result and its
// flags go into a checksum in t5; mstatus after an exact add is stored at
// s4, one doubleword per iteration. frm goes 0, 1, .. 4 over the
// iterations; FS is set back to Initial before the arithmetic.
Prog random_fp_loop(uint64_t seed, unsigned n) {
  std::mt19937_64 rng(seed);
  auto pick = [&](unsigned k) { return static_cast<unsigned>(rng() % k); };
  constexpr uint32_t kFrmReg = 18, kFlagsAt = 20, kFsMask = 28, kFsInitial = 29, kSum = 30;  // s2, s4, t3, t4, t5
  Prog p;
  for (unsigned k = 0; k < 16; ++k) {
    uint64_t bits;
    std::memcpy(&bits, &kFpValues[k], 8);
    li(p.words, t0, static_cast<int64_t>(bits & 0xffffffffu));
    p << sw(t0, gp, static_cast<int32_t>(0x100 + 8 * k));
    li(p.words, t0, static_cast<int64_t>(bits >> 32));
    p << sw(t0, gp, static_cast<int32_t>(0x104 + 8 * k));
  }
  p << addi(kFlagsAt, gp, 0x200) << addi(kFrmReg, zero, 0) << addi(kSum, zero, 0);
  li(p.words, kFsMask, static_cast<int64_t>(csr::kMstatusFs));
  li(p.words, kFsInitial, int64_t{1} << csr::kMstatusFsShift);
  const uint64_t loop = p.here();
  p << csrw(csr::kFrm, kFrmReg);
  for (unsigned k = 0; k < 16; ++k) p << i(0x07, k, 3, gp, static_cast<int32_t>(0x100 + 8 * k));  // fld
  p << csrc(csr::kMstatus, kFsMask) << csrs(csr::kMstatus, kFsInitial);  // FS = Initial again
  p << r(0x53, 16, 0, 0, 1, 0x01);  // fadd.d f16, f0, f1: exact, on the host's FPU where FS is dirty
  p << csrr(t0, csr::kMstatus) << sd(t0, kFlagsAt, 0);  // dirty now
  static const uint32_t binary[] = {0x01, 0x05, 0x09, 0x0d};  // fadd.d, fsub.d, fmul.d, fdiv.d
  static const uint32_t rms[] = {0, 7, 7, 2};
  // Each result and the flags it raised go into a checksum (rotated by one
  // after each), so that every iteration's every result counts.
  auto fold = [&](uint32_t reg) {
    p << r(0x33, kSum, 4, kSum, reg, 0) << slli(t1, kSum, 1) << i(0x13, kSum, 5, kSum, 63) << r(0x33, kSum, 6, kSum, t1, 0);
  };
  for (unsigned k = 0; k < n; ++k) {
    const uint32_t rm = rms[pick(4)], rd = 16 + k % 16;
    if (pick(5) == 0)  // fcvt.d.w / fcvt.d.wu
      p << r(0x53, rd, rm, kPool[pick(std::size(kPool))], pick(2), 0x69);
    else
      p << r(0x53, rd, rm, pick(16), pick(16), binary[pick(4)]);
    p << r(0x53, t0, 0, rd, 0, 0x71);  // fmv.x.d t0, rd
    fold(t0);
    p << csrrw(t0, csr::kFflags, zero);  // (ends the block)
    fold(t0);
  }
  p << addi(kFlagsAt, kFlagsAt, 8);
  p << addi(kFrmReg, kFrmReg, 1) << addi(t1, zero, 5) << bne(kFrmReg, t1, 8) << addi(kFrmReg, zero, 0);
  p << addi(s1, s1, -1) << bne(s1, zero, static_cast<int32_t>(loop - p.here()));
  p.halt();
  return p;
}

// Binary64 arithmetic, which translated code does on the host's FPU when
// FS is dirty and the rounding mode is round-to-nearest-even: the same
// results and fflags as the interpreter. FS is Initial before the
// arithmetic of each iteration, so its first instruction goes through the
// handler, which makes it dirty.
TEST(HartJit, RandomFloatingPointProgramsRunAsInTheInterpreter) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const Prog p = random_fp_loop(seed, 60);
    const auto regs = random_regs(seed, 40);
    const uint64_t fs_initial = uint64_t{1} << csr::kMstatusFsShift;
    const JitRun interp = run_translated_or_not(p, regs, fs_initial, 0, 400);
    const JitRun jit = run_translated_or_not(p, regs, fs_initial, 1, 400);
    ASSERT_EQ(interp.pc, p.addr(p.words.size() - 1)) << "the program did not end";
    expect_same(jit, interp);
    EXPECT_EQ(jit.mstatus, interp.mstatus);
  }
}

// A load, then a store, that leave RAM on a later iteration of a loop
// whose block was translated on its first: the access fault is taken at
// the same instruction, with the same counts, as in the interpreter.
TEST(HartJit, AccessFaultInsideATranslatedBlock) {
  for (const uint32_t access : {ld(a0, a1, 0), sd(a2, a1, 0)}) {
    Prog p;
    p << addi(a2, a2, 3) << access << addi(a1, a1, 8) << slli(a3, a2, 1) << addi(s1, s1, -1) << bne(s1, zero, -20);
    p.halt();
    const std::vector<std::pair<unsigned, uint64_t>> regs = {{a1, kRamBase + kRamSize - 8 * 20}, {s1, 1000}};
    const JitRun interp = run_with(p, regs, 0);
    const JitRun jit = run_with(p, regs, 1);
    EXPECT_EQ(jit.mcause, access == ld(a0, a1, 0) ? csr::kCauseLoadAccess : csr::kCauseStoreAccess);
    EXPECT_EQ(jit.mepc, kCode + 4);
    EXPECT_EQ(jit.mtval, kRamBase + kRamSize);
    EXPECT_EQ(jit.x[a2], 3u * 21);  // the 21st iteration's addi ran, its access did not
    expect_same(jit, interp);
  }
}

// A load whose destination is its address register faults (a locked PMP
// entry denies M-mode the 4 KiB at kLocked): the register keeps the
// address, in the interpreter and in translated code alike. The fault is
// left to the run loop rather than thrown (Hart::load_deferring), and the
// load must not write anything then.
TEST(HartJit, AFaultingLoadLeavesItsRegisterUnwritten) {
  constexpr uint64_t kLocked = kRamBase + 0x800000;
  Prog p;
  p << csrw(csr::kPmpaddr0, t2) << csrw(csr::kPmpcfg0, a3)  // 0, 1
    << addi(t1, a1, 0)                                    // 2: loop: t1 = a1
    << ld(t1, t1, 0)                                      // 3
    << addi(a1, a1, 8) << addi(s1, s1, -1) << bne(s1, zero, -16);
  p.halt();
  const std::vector<std::pair<unsigned, uint64_t>> regs = {
      {a1, kLocked - 8 * 20}, {s1, 1000}, {t2, (kLocked >> 2) | 0x1ff},
      {a3, csr::kPmpL | (csr::kPmpNapot << csr::kPmpAShift)}};
  const JitRun interp = run_with(p, regs, 0);
  const JitRun jit = run_with(p, regs, 1);
  for (const JitRun* run : {&interp, &jit}) {
    EXPECT_EQ(run->mcause, csr::kCauseLoadAccess);
    EXPECT_EQ(run->mepc, kCode + 12);
    EXPECT_EQ(run->mtval, kLocked);
    EXPECT_EQ(run->x[t1], kLocked) << (run == &jit ? "translated" : "interpreted");
  }
  expect_same(jit, interp);
}

// A translated loop that runs for many quanta: it stops where the
// interpreter stops (quanta compared in expect_same), and a block that
// the quantum cuts resumes at the right instruction.
TEST(HartJit, QuantumStopsInsideTranslatedBlocks) {
  Prog p;
  for (int k = 0; k < 15; ++k) p << addi(t0, t0, 1);  // blocks of 16 and 1 instructions
  p << addi(s1, s1, -1) << bne(s1, zero, -4 * 16);
  p.halt();
  const std::vector<std::pair<unsigned, uint64_t>> regs = {{s1, 2000}};
  const JitRun interp = run_with(p, regs, 0);
  const JitRun jit = run_with(p, regs, 1);
  EXPECT_EQ(jit.x[t0], 15u * 2000);
  EXPECT_GT(jit.quanta.size(), 10u);
  expect_same(jit, interp);
}

// Translated code going on to a translated block checks that block's
// bytes at its entry. Here a loop calls B twice, from two `jal`s, and
// rewrites an addi in B after the second call (its immediate goes up by
// one), either within B's first 8 bytes or past its last full 8 bytes. B
// also holds compressed instructions, and returns with one. Every block is
// translated after its first run, so the second `jal`'s translation,
// linked to the B of the iteration before, goes to that B's chain entry,
// which must find the bytes changed and not run.
TEST(HartJit, RewrittenCodeReachedFromTranslatedCodeRunsAsRewritten) {
  constexpr uint32_t kCNop = 0x0001, kCAddiT0One = 0x0285, kCJrRa = 0x8082;
  for (const bool in_tail : {false, true}) {
    SCOPED_TRACE(in_tail ? "rewritten past the last 8 bytes" : "rewritten in the first 8 bytes");
    const unsigned addi_word = in_tail ? 13 : 11;
    Prog p;
    p << auipc(a4, 0)                                        // 0: a4 = kCode
      << lw(a5, a4, static_cast<int32_t>(4 * addi_word))     // 1: a5 = B's addi
      << lui(a3, 0x100)                                      // 2: a3 = 1 << 20, one more in an addi's immediate
      << jal(ra, 32)                                         // 3: loop: call B (11)
      << jal(ra, 28)                                         // 4: and again
      << add(a5, a5, a3)                                     // 5
      << sw(a5, a4, static_cast<int32_t>(4 * addi_word))     // 6: B adds one more
      << fence_i()                                           // 7
      << addi(s1, s1, -1)                                    // 8
      << bne(s1, zero, -24);                                 // 9: to 3
    const uint64_t end = p.halt();                           // 10
    if (in_tail)
      p << (kCNop | kCNop << 16) << (kCNop | kCAddiT0One << 16) << addi(t0, t0, 1) << kCJrRa;  // 11: B
    else
      p << addi(t0, t0, 1) << (kCNop | kCAddiT0One << 16) << kCJrRa;
    const std::vector<std::pair<unsigned, uint64_t>> regs = {{s1, 50}};
    const JitRun interp = run_with(p, regs, 0);
    const JitRun jit = run_with(p, regs, 1);
    EXPECT_EQ(jit.pc, end);
    EXPECT_EQ(jit.x[t0], 2 * (50u + 50u * 51 / 2));  // c.addi's 1 each time, and 1 + 2 + ... + 50, twice
    expect_same(jit, interp);
  }
}

// Translated on a helper thread (the platform's default): a translation
// lands whenever the run loop finds it ready, so which runs of a block are
// translated depends on the host; registers, memory and the quanta must
// not.
TEST(HartJit, TranslationsFromTheHelperThreadRunAsInTheInterpreter) {
  expect_random_integer_programs_as_interpreted(true);
  Prog p;
  for (int k = 0; k < 15; ++k) p << addi(t0, t0, 1);
  p << addi(s1, s1, -1) << bne(s1, zero, -4 * 16);
  p.halt();
  const std::vector<std::pair<unsigned, uint64_t>> regs = {{s1, 2000}};
  expect_same(run_translated_or_not(p, regs, 0, 1, 400, true), run_with(p, regs, 0));
}

// Nothing but the run loop installs the helper's translation: a loop that
// keeps running ends up in translated code by itself.
TEST(HartJit, TheRunLoopInstallsTheHelpersTranslation) {
  Prog p;
  p << addi(t0, t0, 1) << addi(t1, t1, 2) << addi(s1, s1, -1) << bne(s1, zero, -12);
  p.halt();
  HartBench& b = bench();
  b.reset();
  HartTestAccess::set_jit_threshold(b.hart, 1);
  HartTestAccess::set_jit_async(b.hart, true);
  b.hart.x[s1] = uint64_t{1} << 40;
  p.load(b);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!HartTestAccess::translated_block_at(b.hart, b.host(kCode)) && std::chrono::steady_clock::now() < deadline)
    sc_core::sc_start(1, sc_core::SC_US);
  EXPECT_TRUE(HartTestAccess::translated_block_at(b.hart, b.host(kCode)));
  EXPECT_EQ(b.hart.x[t1], 2 * b.hart.x[t0]);
  HartTestAccess::set_jit_async(b.hart, false);
  HartTestAccess::set_jit_threshold(b.hart, HartConfig{}.jit_threshold);
}

}  // namespace
}  // namespace rvh::test
