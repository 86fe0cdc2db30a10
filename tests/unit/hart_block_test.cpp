// tests/unit/hart_block_test.cpp: the hart's block cache (cpu/hart_block.cpp)
// as software sees it: more distinct blocks than its arena holds (so it
// starts over mid-run) still run exactly once each, and code rewritten
// after it ran runs as rewritten.
#include "tests/unit/hart_test_util.h"

namespace rvh::test {
namespace {
using namespace enc;

constexpr uint64_t kFar = kRamBase + 0x400000;  // clear of the bench's vectors and data

// At kCode: t1 = kFar, jump there.
Prog jump_to_far() {
  Prog p;
  p << addi(t1, zero, 1) << slli(t1, t1, 31) << lui(t2, 0x400) << add(t1, t1, t2) << jalr(zero, t1, 0);
  return p;
}

TEST(HartBlock, MoreBlocksThanTheArenaHoldsEachRunOnce) {
  HartBench& b = bench();
  b.reset();
  // 400,000 blocks of two instructions (add 1 to t0, jump to the next):
  // about 28 MiB of decoded blocks, more than the 16 MiB arena.
  constexpr int kBlocks = 400000;
  Prog far(kFar);
  for (int k = 0; k < kBlocks; ++k) far << addi(t0, t0, 1) << jal(zero, 4);
  const uint64_t end = far.halt();
  far.load(b);
  jump_to_far().load(b);
  const uint64_t epoch = HartTestAccess::block_cache_epoch(b.hart);
  ASSERT_TRUE(b.run(6000));  // about 1.2 ms of simulated time
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[t0], static_cast<uint64_t>(kBlocks));
  EXPECT_GT(HartTestAccess::block_cache_epoch(b.hart), epoch);  // it did start over
}

// A loop of 50 runs of a 13-instruction block, with quanta of 10,000
// instructions and then of 3: with 3, nearly every quantum ends inside the
// block, and the next goes on inside it. The result, and the cycles and
// instructions the loop took (mcycle and minstret around it), are the same.
TEST(HartBlock, QuantaEndingInsideABlockGoOnInsideIt) {
  HartBench& b = bench();
  const uint64_t saved = HartTestAccess::quantum_insns(b.hart);
  const uint64_t quanta[2] = {10000, 3};
  uint64_t cycles[2], instret[2];
  for (int run = 0; run < 2; ++run) {
    b.reset();
    HartTestAccess::set_quantum_insns(b.hart, quanta[run]);
    Prog p;
    p << csrr(a0, csr::kMcycle) << csrr(a1, csr::kMinstret) << addi(s1, zero, 50);
    for (int k = 0; k < 11; ++k) p << addi(t0, t0, k + 1);  // t0 += 66
    p << addi(s1, s1, -1) << bne(s1, zero, -48);
    p << csrr(a2, csr::kMcycle) << csrr(a3, csr::kMinstret);
    const uint64_t end = p.halt();
    ASSERT_TRUE(run_prog(b, p, kPrivM));
    expect_done(b, end);
    EXPECT_EQ(b.hart.x[t0], 50u * 66u) << "quantum " << quanta[run];
    // Blocks start at the loop's head (3) and after it; none in between.
    for (unsigned k = 4; k <= 15; ++k)
      EXPECT_FALSE(HartTestAccess::block_at(b.hart, b.host(p.addr(k)))) << "a block built at " << k;
    cycles[run] = b.hart.x[a2] - b.hart.x[a0];
    instret[run] = b.hart.x[a3] - b.hart.x[a1];
  }
  HartTestAccess::set_quantum_insns(b.hart, saved);
  EXPECT_EQ(instret[0], 3u + 50u * 13u);  // from the first csrr of minstret to the second
  EXPECT_EQ(instret[1], instret[0]);
  EXPECT_EQ(cycles[1], cycles[0]);
}

// A loop whose head is not a block's first instruction: the block that
// falls into it runs once, and the backward branch goes to the middle of
// it. The loop gets a block of its own, which is translated once hot (a
// run goes on inside a block only where it left that block early).
TEST(HartBlock, ALoopWhoseHeadIsInsideABlockGetsItsOwnTranslatedBlock) {
  HartBench& b = bench();
  b.reset();
  Prog p;
  p << nop()                                  // 0: run alone (it fills the fetch TLB)
    << addi(s1, zero, 500)                    // 1: the block from here holds the loop
    << addi(t0, t0, 1)                        // 2: loop
    << addi(s1, s1, -1) << bne(s1, zero, -8);  // 3, 4
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p, kPrivM));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[t0], 500u);
  EXPECT_TRUE(HartTestAccess::translated_block_at(b.hart, b.host(p.addr(2))));
}

// Translated code that the quantum's cycle limit stops inside a block
// (every block is translated after its first run): the next quantum goes
// on inside that block, so no block is ever built from the middle of the
// loop's 16-instruction block.
TEST(HartBlock, TranslatedCodeStoppedInsideABlockGoesOnInsideIt) {
  HartBench& b = bench();
  b.reset();
  HartTestAccess::set_jit_threshold(b.hart, 1);
  Prog p;
  p << nop();                                            // 0: run alone (it fills the fetch TLB)
  for (int k = 0; k < 15; ++k) p << addi(t0, t0, 1);     // 1-15: loop
  p << addi(s1, s1, -1) << bne(s1, zero, -4 * 16);       // 16, 17
  const uint64_t end = p.halt();
  b.hart.x[s1] = 2000;  // some 35 quanta
  const bool done = run_prog(b, p, kPrivM);
  bool mid_block_built = false;
  for (unsigned k = 2; k <= 16; ++k) mid_block_built |= HartTestAccess::block_at(b.hart, b.host(p.addr(k)));
  const bool translated = HartTestAccess::translated_block_at(b.hart, b.host(p.addr(1)));
  HartTestAccess::set_jit_threshold(b.hart, HartConfig{}.jit_threshold);
  ASSERT_TRUE(done);
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[t0], 15u * 2000);
  EXPECT_TRUE(translated);
  EXPECT_FALSE(mid_block_built);
}

// A quantum of one instruction: a store rewrites the instruction two
// places after it in the same block (without FENCE.I), and the quantum
// that goes on inside that block runs the rewritten one: the block is
// checked against its bytes when a run goes on inside it, as when it is
// entered.
TEST(HartBlock, CodeRewrittenBetweenTwoQuantaInsideABlockRunsAsRewritten) {
  HartBench& b = bench();
  const uint64_t saved = HartTestAccess::quantum_insns(b.hart);
  b.reset();
  HartTestAccess::set_quantum_insns(b.hart, 1);
  Prog p;
  p << auipc(a4, 0)       // 0: a4 = kCode
    << lw(a5, a4, 24)     // 1: a5 = the word at 6
    << sw(a5, a4, 16)     // 2: ... written over the word at 4
    << nop()              // 3
    << addi(t0, t0, 1);   // 4: rewritten to the word at 6
  const uint64_t end = p.halt();  // 5
  p << addi(t0, t0, 5);   // 6: data
  ASSERT_TRUE(run_prog(b, p, kPrivM));
  HartTestAccess::set_quantum_insns(b.hart, saved);
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[t0], 5u);
}

TEST(HartBlock, RewrittenCodeRunsAsRewritten) {
  HartBench& b = bench();
  b.reset();
  Prog far(kFar);
  far << addi(t0, t0, 1) << jal(zero, 4);
  const uint64_t end = far.halt();
  far.load(b);
  ASSERT_TRUE(run_prog(b, jump_to_far(), kPrivM));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[t0], 1u);
  // The same place now adds 5: the cached block must not run.
  b.reset();
  far.words[0] = addi(t0, t0, 5);
  far.load(b);
  ASSERT_TRUE(run_prog(b, jump_to_far(), kPrivM));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[t0], 5u);
}

// A block reached through a chain link (the block before it remembers it)
// is checked against its bytes too: B is called three times from the same
// `jal`, and its first instruction is rewritten before each later call
// (addi t0, t0, 1, then 2, then 3). The second call links the `jal`'s
// block to B; the third goes through that link to a B rewritten since.
TEST(HartBlock, RewrittenCodeReachedThroughAChainRunsAsRewritten) {
  HartBench& b = bench();
  b.reset();
  Prog far(kFar);
  far << addi(s1, zero, 3)     // 0: three calls
      << auipc(a4, 0)          // 1: a4 = kFar + 4
      << lw(a5, a4, 40)        // 2: a5 = B's first word
      << lui(a3, 0x100)        // 3: a3 = 1 << 20, one more in an addi's immediate
      << jal(ra, 28)           // 4: loop: call B (11)
      << add(a5, a5, a3)       // 5
      << sw(a5, a4, 40)        // 6: B adds one more
      << fence_i()             // 7
      << addi(s1, s1, -1)      // 8
      << bne(s1, zero, -20);   // 9: to 4
  const uint64_t end = far.halt();  // 10
  far << addi(t0, t0, 1)       // 11: B
      << jalr(zero, ra, 0);    // 12
  far.load(b);
  ASSERT_TRUE(run_prog(b, jump_to_far(), kPrivM));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[t0], 6u);  // 1 + 2 + 3
}

}  // namespace
}  // namespace rvh::test
