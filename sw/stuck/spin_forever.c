/* spin_forever: loops forever without waiting, for the SIGINT/SIGTERM
 * tests (tests/stuck_runs_test.sh). */
#include "rvh.h"

int main(void)
{
  puts("spin_forever: running");
  volatile uint64_t n = 0;
  for (;;)
    n = n + 1;
}
