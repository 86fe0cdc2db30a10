/* atomics: LR/SC success and failure (second SC, SC to another address),
 * AMO*.W/.D return values and memory results (.W sign-extended), and
 * misaligned AMO/LR/SC -> address-misaligned (or access-fault) trap with
 * mtval = the address. */
#include "rvh.h"

static volatile uint64_t mem[4] __attribute__((aligned(16)));

#define AMO(insn, addr, val) ({ uint64_t r__; \
    __asm__ volatile(insn " %0, %2, (%1)" : "=r"(r__) : "r"(addr), "r"((uint64_t)(val)) : "memory"); r__; })

static void test_lrsc(void)
{
  uint64_t old, rc, rc2;
  mem[0] = 5;
  __asm__ volatile("lr.d %0, (%2)\n sc.d %1, %3, (%2)"
                   : "=&r"(old), "=&r"(rc) : "r"(&mem[0]), "r"(9ULL) : "memory");
  CHECK_EQ(old, 5);
  CHECK_EQ(rc, 0);
  CHECK_EQ(mem[0], 9);
  /* a second SC without a new LR fails and does not write */
  __asm__ volatile("lr.d %0, (%3)\n sc.d %1, %4, (%3)\n sc.d %2, %5, (%3)"
                   : "=&r"(old), "=&r"(rc), "=&r"(rc2)
                   : "r"(&mem[0]), "r"(10ULL), "r"(11ULL) : "memory");
  CHECK_EQ(rc, 0);
  CHECK_NE(rc2, 0);
  CHECK_EQ(mem[0], 10);
  /* SC to an address outside the reservation set fails */
  mem[2] = 77;
  __asm__ volatile("lr.d %0, (%2)\n sc.d %1, %4, (%3)"
                   : "=&r"(old), "=&r"(rc) : "r"(&mem[0]), "r"(&mem[2]), "r"(1ULL) : "memory");
  CHECK_NE(rc, 0);
  CHECK_EQ(mem[2], 77);
  /* LR.W sign-extends; SC.W writes 32 bits */
  mem[1] = 0x1111111180000001ULL;
  __asm__ volatile("lr.w %0, (%2)\n sc.w %1, %3, (%2)"
                   : "=&r"(old), "=&r"(rc) : "r"(&mem[1]), "r"(0xaaaaaaaa22222222ULL) : "memory");
  CHECK_EQ(old, 0xffffffff80000001ULL);
  CHECK_EQ(rc, 0);
  CHECK_EQ(mem[1], 0x1111111122222222ULL);
  /* aq/rl variants */
  __asm__ volatile("lr.d.aqrl %0, (%2)\n sc.d.rl %1, %3, (%2)"
                   : "=&r"(old), "=&r"(rc) : "r"(&mem[0]), "r"(12ULL) : "memory");
  CHECK_EQ(rc, 0);
  CHECK_EQ(mem[0], 12);
}

static void test_amo(void)
{
  volatile uint64_t *d = &mem[0];
  volatile uint32_t *w = (volatile uint32_t *)&mem[1];
  *d = 10;
  CHECK_EQ(AMO("amoswap.d", d, 3), 10); CHECK_EQ(*d, 3);
  CHECK_EQ(AMO("amoadd.d", d, -5), 3); CHECK_EQ(*d, (uint64_t)-2);
  CHECK_EQ(AMO("amoxor.d", d, 0xff), (uint64_t)-2); CHECK_EQ(*d, 0xffffffffffffff01ULL);
  CHECK_EQ(AMO("amoand.d", d, 0xf0f), 0xffffffffffffff01ULL); CHECK_EQ(*d, 0xf01);
  CHECK_EQ(AMO("amoor.d", d, 0x8000000000000000ULL), 0xf01); CHECK_EQ(*d, 0x8000000000000f01ULL);
  CHECK_EQ(AMO("amomin.d", d, 1), 0x8000000000000f01ULL); CHECK_EQ(*d, 0x8000000000000f01ULL);
  CHECK_EQ(AMO("amomax.d", d, 1), 0x8000000000000f01ULL); CHECK_EQ(*d, 1);
  CHECK_EQ(AMO("amominu.d", d, (uint64_t)-1), 1); CHECK_EQ(*d, 1);
  CHECK_EQ(AMO("amomaxu.d", d, (uint64_t)-1), 1); CHECK_EQ(*d, (uint64_t)-1);
  CHECK_EQ(AMO("amomin.d", d, 0), (uint64_t)-1); CHECK_EQ(*d, (uint64_t)-1);
  CHECK_EQ(AMO("amoadd.d.aqrl", d, 1), (uint64_t)-1); CHECK_EQ(*d, 0);

  mem[1] = 0x5555555500000000ULL; /* upper word must stay untouched */
  CHECK_EQ(AMO("amoswap.w", w, 0x80000000ULL), 0); CHECK_EQ(*w, 0x80000000u);
  CHECK_EQ(AMO("amoadd.w", w, 0x100000001ULL), 0xffffffff80000000ULL); /* sext */
  CHECK_EQ(*w, 0x80000001u);
  CHECK_EQ(AMO("amoxor.w", w, 0xffffffffULL), 0xffffffff80000001ULL); CHECK_EQ(*w, 0x7ffffffeu);
  CHECK_EQ(AMO("amoand.w", w, 0xf0ULL), 0x7ffffffeULL); CHECK_EQ(*w, 0xf0u);
  CHECK_EQ(AMO("amoor.w", w, 0x80000000ULL), 0xf0ULL); CHECK_EQ(*w, 0x800000f0u);
  CHECK_EQ(AMO("amomin.w", w, 5), 0xffffffff800000f0ULL); CHECK_EQ(*w, 0x800000f0u);
  CHECK_EQ(AMO("amomax.w", w, 5), 0xffffffff800000f0ULL); CHECK_EQ(*w, 5u);
  CHECK_EQ(AMO("amominu.w", w, 0xfffffffeULL), 5); CHECK_EQ(*w, 5u);
  CHECK_EQ(AMO("amomaxu.w", w, 0xfffffffeULL), 5); CHECK_EQ(*w, 0xfffffffeu);
  /* .W min/max compare only the low 32 bits (upper rs2 bits ignored) */
  CHECK_EQ(AMO("amomin.w", w, 0x7fffffff00000001ULL), 0xfffffffffffffffeULL);
  CHECK_EQ(*w, 0xfffffffeu); /* -2 < 1 */
  CHECK_EQ(mem[1] >> 32, 0x55555555);
}

static void check_misaligned(uint64_t store_cause, uint64_t cause, uint64_t tval,
                             const char *what, int line)
{
  int ok = rvh_trap.count == 1 && rvh_trap.tval == tval &&
           (rvh_trap.cause == cause || rvh_trap.cause == cause + 1);
  if (!ok && store_cause && rvh_trap.count == 1 && rvh_trap.tval == tval &&
      rvh_trap.cause == CAUSE_MISALIGNED_LOAD && rvh_on_qemu()) {
    printf("%s:%d: qemu-quirk (not counted): QEMU 7.2 reports a misaligned "
           "AMO/SC as cause 4 (load), spec: 6 (store/AMO)\n", __FILE__, line);
    return;
  }
  rvh_check(ok, what, __FILE__, line);
  if (!ok)
    printf("  got %d traps, cause %lu tval 0x%lx (want cause %lu or %lu, tval 0x%lx)\n",
           rvh_trap.count, rvh_trap.cause, rvh_trap.tval, cause, cause + 1, tval);
  (void)store_cause;
}

static void test_misaligned(void)
{
  uintptr_t a = (uintptr_t)&mem[2] + 4; /* 4-aligned, not 8-aligned */
  uintptr_t b = (uintptr_t)&mem[2] + 2; /* 2-aligned, not 4-aligned */
  mem[2] = mem[3] = 0;
  rvh_trap_arm(); AMO("amoadd.d", a, 1); rvh_trap_disarm();
  check_misaligned(1, CAUSE_MISALIGNED_STORE, a, "amoadd.d misaligned", __LINE__);
  INFO("misaligned AMO: cause %lu", rvh_trap.cause);
  rvh_trap_arm(); AMO("amoswap.w", b, 1); rvh_trap_disarm();
  check_misaligned(1, CAUSE_MISALIGNED_STORE, b, "amoswap.w misaligned", __LINE__);
  rvh_trap_arm(); AMO("amomaxu.d", b + 1, 1); rvh_trap_disarm();
  check_misaligned(1, CAUSE_MISALIGNED_STORE, b + 1, "amomaxu.d misaligned", __LINE__);
  CHECK_EQ(mem[2], 0);
  CHECK_EQ(mem[3], 0);
  uint64_t r;
  /* LR is a load: cause 4 (or 5); SC is a store/AMO: cause 6 (or 7) */
  rvh_trap_arm();
  __asm__ volatile("lr.d %0, (%1)" : "=r"(r) : "r"(a) : "memory");
  rvh_trap_disarm();
  check_misaligned(0, CAUSE_MISALIGNED_LOAD, a, "lr.d misaligned", __LINE__);
  INFO("misaligned LR: cause %lu", rvh_trap.cause);
  rvh_trap_arm();
  __asm__ volatile("lr.w %0, (%1)" : "=r"(r) : "r"(b) : "memory");
  rvh_trap_disarm();
  check_misaligned(0, CAUSE_MISALIGNED_LOAD, b, "lr.w misaligned", __LINE__);
  rvh_trap_arm();
  __asm__ volatile("sc.w %0, %2, (%1)" : "=r"(r) : "r"(b), "r"(5ULL) : "memory");
  rvh_trap_disarm();
  /* An SC without reservation may fail before the alignment check: accept
   * either a misaligned/access trap or a failure code without a write. */
  if (rvh_trap.count)
    check_misaligned(1, CAUSE_MISALIGNED_STORE, b, "sc.w misaligned", __LINE__);
  else
    CHECK_NE(r, 0);
  INFO("misaligned SC (no reservation): %s", rvh_trap.count ? "trap" : "fails");
  CHECK_EQ(mem[2], 0);
}

int main(void)
{
  test_lrsc();
  test_amo();
  test_misaligned();
  rvh_test_done("atomics");
}
