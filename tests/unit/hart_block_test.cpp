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
  // 200,000 blocks of two instructions (add 1 to t0, jump to the next):
  // about 14 MiB of decoded blocks, more than one hart's 8 MiB arena.
  constexpr int kBlocks = 200000;
  Prog far(kFar);
  for (int k = 0; k < kBlocks; ++k) far << addi(t0, t0, 1) << jal(zero, 4);
  const uint64_t end = far.halt();
  far.load(b);
  jump_to_far().load(b);
  ASSERT_TRUE(b.run(3000));  // about 600 us of simulated time
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[t0], static_cast<uint64_t>(kBlocks));
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
