/* gdb_demo: a small program for the GDB tests (tests/gdb/gdb_test.py): a
 * loop that calls gdb_bump() ten times, each call adding its argument to
 * gdb_counter (a watchpoint target), and a constant gdb_magic to read
 * through the stub. It checks its own result, so it also passes alone. */
#include "rvh.h"

volatile uint64_t gdb_counter;
volatile uint64_t gdb_magic = 0x1122334455667788ULL;

__attribute__((noinline)) void gdb_bump(uint64_t i)
{
  gdb_counter += i;
}

int main(void)
{
  for (uint64_t i = 0; i < 10; i++)
    gdb_bump(i);
  CHECK_EQ(gdb_counter, 45);
  CHECK_EQ(gdb_magic, 0x1122334455667788ULL);
  rvh_test_done("gdb_demo");
}
