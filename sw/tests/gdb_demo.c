/* gdb_demo: a small program for the GDB tests (tests/gdb/gdb_test.py): a
 * loop that calls gdb_bump() ten times, each call adding its argument to
 * gdb_counter (a watchpoint target), a constant gdb_magic to read
 * through the stub, and an illegal instruction at gdb_illegal (unimp: csrrw x0, cycle, x0) that traps
 * into the library's M-mode handler (a step across a trap). It checks its
 * own result, so it also passes alone. */
#include "rvh.h"

volatile uint64_t gdb_counter;
volatile uint64_t gdb_magic = 0x1122334455667788ULL;

__attribute__((noinline)) void gdb_bump(uint64_t i)
{
  gdb_counter += i;
}

__attribute__((noinline)) void gdb_trap(void)
{
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL,
              __asm__ volatile(".global gdb_illegal\ngdb_illegal: .4byte 0xc0001073" ::: "memory"));
}

int main(void)
{
  for (uint64_t i = 0; i < 10; i++)
    gdb_bump(i);
  CHECK_EQ(gdb_counter, 45);
  CHECK_EQ(gdb_magic, 0x1122334455667788ULL);
  gdb_trap();
  rvh_test_done("gdb_demo");
}
