/* misaligned: loads/stores of every width (lh/lhu/lw/lwu/ld, sh/sw/sd,
 * flw/fld/fsw/fsd) at every misaligned offset, also across a 4 KiB page
 * boundary, return/write the right bytes. The spec allows either hardware
 * support or an address-misaligned trap (cause 4/6, tval = address); both
 * are accepted and reported (rvh-vp and QEMU 7.2 both just work). */
#include "rvh.h"

static uint8_t buf[8192] __attribute__((aligned(4096)));
static unsigned n_ok, n_trap;

static uint64_t expect_le(const uint8_t *p, int size, int sign)
{
  uint64_t v = 0;
  for (int i = size - 1; i >= 0; i--)
    v = (v << 8) | p[i];
  if (sign && size < 8 && (v >> (size * 8 - 1)) & 1)
    v |= ~0ULL << (size * 8);
  return v;
}

static void fill(void)
{
  for (unsigned i = 0; i < sizeof buf; i++)
    buf[i] = (uint8_t)(i * 37 + 0x81);
}

#define LOAD(insn, addr) ({ uint64_t v__ = 0xdeadULL; \
    __asm__ volatile(insn " %0, 0(%1)" : "+r"(v__) : "r"(addr) : "memory"); v__; })
#define STORE(insn, addr, val) \
    __asm__ volatile(insn " %1, 0(%0)" : : "r"(addr), "r"((uint64_t)(val)) : "memory")
#define FLOAD(insn, addr) ({ uint64_t v__; \
    __asm__ volatile(insn " ft0, 0(%1)\n fmv.x.d %0, ft0" : "=r"(v__) : "r"(addr) : "ft0", "memory"); v__; })
#define FSTORE(insn, addr, val) \
    __asm__ volatile("fmv.d.x ft0, %1\n" insn " ft0, 0(%0)" : : "r"(addr), "r"((uint64_t)(val)) : "ft0", "memory")

static void account(uint64_t cause, uintptr_t addr, int line, const char *what)
{
  if (rvh_trap.count == 0) {
    n_ok++;
    return;
  }
  n_trap++;
  rvh_check(rvh_trap.count == 1 && rvh_trap.cause == cause && rvh_trap.tval == addr,
            what, __FILE__, line);
}

static void test_loads(uintptr_t base)
{
  static const struct { const char *insn; int size, sign; } L[] = {
      {"lh", 2, 1}, {"lhu", 2, 0}, {"lw", 4, 1}, {"lwu", 4, 0}, {"ld", 8, 0}};
  for (unsigned k = 0; k < 5; k++)
    for (int off = 1; off < L[k].size; off++) {
      uintptr_t a = base + off;
      uint64_t want = expect_le((const uint8_t *)a, L[k].size, L[k].sign), got;
      rvh_trap_arm();
      switch (k) {
      case 0: got = LOAD("lh", a); break;
      case 1: got = LOAD("lhu", a); break;
      case 2: got = LOAD("lw", a); break;
      case 3: got = LOAD("lwu", a); break;
      default: got = LOAD("ld", a); break;
      }
      rvh_trap_disarm();
      if (rvh_trap.count == 0 && got != want)
        printf("  %s at 0x%lx\n", L[k].insn, (uint64_t)a);
      if (rvh_trap.count == 0)
        CHECK_EQ(got, want);
      account(CAUSE_MISALIGNED_LOAD, a, __LINE__, L[k].insn);
    }
  /* FP loads: flw result is NaN-boxed */
  for (int off = 1; off < 8; off++) {
    uintptr_t a = base + off;
    uint64_t got;
    if (off < 4) {
      rvh_trap_arm();
      got = FLOAD("flw", a);
      rvh_trap_disarm();
      if (!rvh_trap.count)
        CHECK_EQ(got, 0xffffffff00000000ULL | expect_le((const uint8_t *)a, 4, 0));
      account(CAUSE_MISALIGNED_LOAD, a, __LINE__, "flw");
    }
    rvh_trap_arm();
    got = FLOAD("fld", a);
    rvh_trap_disarm();
    if (!rvh_trap.count)
      CHECK_EQ(got, expect_le((const uint8_t *)a, 8, 0));
    account(CAUSE_MISALIGNED_LOAD, a, __LINE__, "fld");
  }
}

static void test_stores(uintptr_t base)
{
  static const int sizes[] = {2, 4, 8};
  const uint64_t val = 0x0123456789abcdefULL;
  for (int fp = 0; fp < 2; fp++)
    for (unsigned k = 0; k < 3; k++) {
      int size = sizes[k];
      if (fp && size == 2)
        continue;
      for (int off = 1; off < size; off++) {
        fill();
        uintptr_t a = base + off;
        uint8_t before[16];
        for (int i = 0; i < 16; i++)
          before[i] = ((uint8_t *)base)[i];
        rvh_trap_arm();
        if (!fp) {
          if (size == 2) STORE("sh", a, val);
          else if (size == 4) STORE("sw", a, val);
          else STORE("sd", a, val);
        } else {
          if (size == 4) FSTORE("fsw", a, val);
          else FSTORE("fsd", a, val);
        }
        rvh_trap_disarm();
        account(CAUSE_MISALIGNED_STORE, a, __LINE__, fp ? "fsw/fsd" : "sh/sw/sd");
        int bad = 0;
        for (int i = 0; i < 16; i++) {
          uint8_t want = before[i];
          if (!rvh_trap.count && i >= off && i < off + size)
            want = (uint8_t)(val >> (8 * (i - off)));
          if (((uint8_t *)base)[i] != want)
            bad = 1;
        }
        rvh_check(!bad, "misaligned store bytes", __FILE__, __LINE__);
        if (bad)
          printf("  %s size %d at 0x%lx\n", fp ? "fp store" : "store", size, (uint64_t)a);
      }
    }
}

int main(void)
{
  fill();
  test_loads((uintptr_t)&buf[64]);
  test_loads((uintptr_t)&buf[4096 - 8]); /* crosses the page boundary */
  test_stores((uintptr_t)&buf[128]);
  test_stores((uintptr_t)&buf[4096 - 8]);
  INFO("misaligned accesses: %u done in hardware, %u trapped", n_ok, n_trap);
  rvh_test_done("misaligned");
}
