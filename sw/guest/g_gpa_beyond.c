/* g_gpa_beyond (2 harts, rvh-vp --hyp only; run by
 * tests/hyp_guest_limits_test.sh, which expects the VM to stop): guest-
 * physical addresses at or above 2^41, which the Sv39x4 G-stage cannot
 * translate.
 *  - hart 0 fills the first page of guest RAM (0x80000000, below the image)
 *    with a pattern and starts hart 1, which watches that page;
 *  - a load from GPA 2^41 + 0x80005000 is MMIO nobody claims: it reads 0
 *    and the guest goes on (KVM hands it to the VMM);
 *  - a jump there is a fetch guest-page fault that no memory slot can
 *    serve: the hypervisor stops the VM with its trap report (KVM's
 *    -EOPNOTSUPP). Before that was fixed, the hypervisor's G-stage walk for
 *    the address aliased onto guest RAM and wrote a PTE into the watched
 *    page (at 0x80000028), and the fault repeated for ever.
 * Hart 1 prints "guest RAM changed" and fails the run if the page changes,
 * and fails it too if the VM is still running a second after the jump. */
#include "guest.h"

#define WATCHED 0x80000000UL
#define WORDS 512
#define BEYOND ((1UL << 41) + 0x80005000UL)

static volatile int watching, jumping;

static uint64_t pattern(unsigned i) { return 0x5a5a000000000000UL | i; }

static void watcher(unsigned long hartid, uint64_t arg)
{
  (void)arg;
  volatile uint64_t *page = (volatile uint64_t *)WATCHED;
  watching = 1;
  while (!jumping)
    ;
  uint64_t start = g_rdtime(), limit = g_dt_timebase();
  while (g_rdtime() - start < limit) {
    for (unsigned i = 0; i < WORDS; ++i) {
      if (page[i] != pattern(i)) {
        printf("hart %lu: guest RAM changed at 0x%lx: 0x%lx\n", hartid, WATCHED + 8 * i, page[i]);
        g_exit(1);
      }
    }
  }
  printf("hart %lu: FAIL: the VM still runs a second after the jump to 0x%lx\n", hartid, BEYOND);
  g_exit(2);
}

int main(unsigned long hartid, unsigned long dtb)
{
  (void)dtb;
  g_test_begin("g_gpa_beyond");
  if (sbi_get_impl_id().value != SBI_IMPL_KVM) {
    printf("FAIL: g_gpa_beyond runs under the rvh-vp hypervisor only\n");
    g_exit(1);
  }
  volatile uint64_t *page = (volatile uint64_t *)WATCHED;
  for (unsigned i = 0; i < WORDS; ++i)
    page[i] = pattern(i);

  volatile uint64_t v = 0x1111;
  long c = TRY_TRAP(v = *(volatile uint64_t *)BEYOND);
  printf("load from 0x%lx: scause %ld, read 0x%lx\n", BEYOND, c, v);
  CHECK_EQ(c, -1);
  CHECK_EQ(v, 0);

  unsigned long other = hartid == 0 ? 1 : 0;
  struct sbiret r = g_start_hart(other, watcher, 0);
  CHECK_EQ(r.error, SBI_SUCCESS);
  uint64_t start = g_rdtime();
  while (!watching && g_rdtime() - start < 5 * g_dt_timebase())
    ;
  CHECK_EQ(watching, 1);
  printf("jumping to 0x%lx\n", BEYOND);
  jumping = 1;
  ((void (*)(void))BEYOND)();
  printf("FAIL: returned from 0x%lx\n", BEYOND);
  g_exit(1);
}
