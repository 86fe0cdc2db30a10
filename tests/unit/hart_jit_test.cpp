// tests/unit/hart_jit_test.cpp: the block translator (cpu/block_jit.h)
// against the interpreter. The same programs run twice on the bench's
// hart, once with every block translated after its first run and once
// with no translation; registers, memory, the trap CSRs, and the
// instructions, cycles and pc at the end of every quantum (so the
// quantum's stops inside blocks) must be the same.
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

TEST(HartJit, RandomIntegerProgramsRunAsInTheInterpreter) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const Prog p = looped(random_loop(seed, 300));
    const auto regs = random_regs(seed, 60);
    const JitRun interp = run_with(p, regs, 0);
    const JitRun jit = run_with(p, regs, 1);
    ASSERT_EQ(interp.pc, p.addr(p.words.size() - 1)) << "the program did not end";
    expect_same(jit, interp);
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

}  // namespace
}  // namespace rvh::test
