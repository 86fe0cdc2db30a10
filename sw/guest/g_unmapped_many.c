/* g_unmapped_many: many distinct guest-physical addresses with nothing
 * behind them, as a buggy or hostile guest touches them; the guest keeps
 * running through all of them.
 *  - a load from each of COUNT addresses, each in its own 2 MiB region
 *    from 4 GiB up (nothing there on QEMU virt, rvh-vp or its hypervisor):
 *    under KVM (SBI implementation id 3, the rvh-vp hypervisor) an address
 *    with no device reads 0, as MMIO nobody claims; elsewhere it is a load
 *    access fault (5) with stval = the address;
 *  - a jump to each of COUNT other addresses in the same pages: instruction
 *    access fault (1), stval = sepc = the address;
 *  - loads from the addresses jumped to behave as the first ones did (a
 *    fetch there changes nothing for loads).
 * Under the rvh-vp hypervisor tests/hyp_guest_limits_test.sh also checks
 * that stderr stays short and that the statistics count every access. */
#include "guest.h"

#define COUNT 1200
#define BASE 0x100000000UL
#define STRIDE 0x200040UL  /* 2 MiB + 64: a new 2 MiB region and page offset each time */

static uintptr_t address(unsigned i) { return BASE + (uintptr_t)i * STRIDE; }

static int kvm;

/* Loads from address(i) + offset for every i; returns how many did not
 * read 0 (KVM) or fault with a load access fault (elsewhere). */
static unsigned load_all(uintptr_t offset)
{
  unsigned bad = 0;
  for (unsigned i = 0; i < COUNT; ++i) {
    const uintptr_t a = address(i) + offset;
    volatile uint64_t v = 0x1111;
    long c = TRY_TRAP(v = *(volatile uint64_t *)a);
    const int ok = kvm ? (c == -1 && v == 0) : (c == CAUSE_LOAD_ACCESS && g_trap.tval == a);
    if (!ok && bad++ < 4)
      printf("load from 0x%lx: scause %ld stval 0x%lx value 0x%lx\n", a, c, g_trap.tval, v);
  }
  return bad;
}

int main(unsigned long hartid, unsigned long dtb)
{
  (void)hartid;
  (void)dtb;
  g_test_begin("g_unmapped_many");
  kvm = sbi_get_impl_id().value == SBI_IMPL_KVM;
  printf("SBI implementation %s: loads with no device %s\n", sbi_impl_name(sbi_get_impl_id().value),
         kvm ? "read 0" : "fault");

  unsigned bad = load_all(8);
  printf("%u loads from distinct unmapped addresses: %u unexpected\n", COUNT, bad);
  CHECK_EQ(bad, 0);

  bad = 0;
  for (unsigned i = 0; i < COUNT; ++i) {
    void (*fn)(void) = (void (*)(void))address(i);
    long c = TRY_TRAP(fn());
    if (c != CAUSE_FETCH_ACCESS || g_trap.tval != address(i) || g_trap.epc != address(i)) {
      if (bad++ < 4)
        printf("jump to 0x%lx: scause %ld stval 0x%lx sepc 0x%lx\n", address(i), c, g_trap.tval, g_trap.epc);
    }
  }
  printf("%u jumps to distinct unmapped addresses: %u unexpected\n", COUNT, bad);
  CHECK_EQ(bad, 0);

  bad = load_all(0);
  printf("%u loads from the addresses jumped to: %u unexpected\n", COUNT, bad);
  CHECK_EQ(bad, 0);
  g_test_done("g_unmapped_many");
}
