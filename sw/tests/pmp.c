/* pmp: NAPOT and TOR regions checked for S- and U-mode loads, stores and
 * fetches (access faults 5/7/1 with mtval = the address), priority of the
 * lowest-numbered matching entry, no match -> S/U access fault, M-mode
 * unaffected unless the entry is locked (L), locked entries ignore writes,
 * MPRV makes M-mode loads obey S permissions. Entry 15 is the library's
 * catch-all RWX region; tests use entries 0-4. */
#include "rvh.h"

#define PMP_R 0x01
#define PMP_W 0x02
#define PMP_X 0x04
#define PMP_OFF   0x00
#define PMP_TOR   0x08
#define PMP_NA4   0x10
#define PMP_NAPOT 0x18
#define PMP_L 0x80
#define CATCHALL_CFG2 (0x1fULL << 56) /* entry 15: NAPOT RWX */

static uint8_t region[5][4096] __attribute__((aligned(4096)));
#define A ((uintptr_t)region[0]) /* NAPOT, R only */
#define B ((uintptr_t)region[1]) /* NAPOT, no access */
#define C ((uintptr_t)region[2]) /* TOR, RW (code page: no X) */
#define D ((uintptr_t)region[4]) /* NAPOT, locked R (last test) */

static inline uint64_t napot(uintptr_t base, uint64_t size)
{
  return (base >> 2) | ((size >> 3) - 1);
}
static inline void pmp_sync(void) { __asm__ volatile("sfence.vma\n fence.i" ::: "memory"); }

static void set_cfg0(uint64_t e0, uint64_t e1, uint64_t e2, uint64_t e3)
{
  csr_write(pmpcfg0, e0 | e1 << 8 | e2 << 16 | e3 << 24);
  pmp_sync();
}

static inline uint64_t ld64(uintptr_t a)
{
  uint64_t v;
  __asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(a) : "memory");
  return v;
}
static inline void sd64(uintptr_t a, uint64_t v)
{
  __asm__ volatile("sd %1, 0(%0)" : : "r"(a), "r"(v) : "memory");
}
static inline uint64_t call_at(uintptr_t a)
{
  register uint64_t a0 __asm__("a0") = a;
  __asm__ volatile("jalr ra, 0(a0)" : "+r"(a0) : : "ra", "memory");
  return a0;
}

__attribute__((noinline, aligned(4096)))
static uint64_t lower_mode_checks(uint64_t x_allowed)
{
  EXPECT_NO_TRAP(ld64(A + 8));
  EXPECT_TRAP(CAUSE_STORE_ACCESS, A + 16, sd64(A + 16, 1));
  EXPECT_TRAP(CAUSE_LOAD_ACCESS, B + 24, ld64(B + 24));
  EXPECT_TRAP(CAUSE_STORE_ACCESS, B, sd64(B, 1));
  EXPECT_NO_TRAP(sd64(C + 64, 5));
  if (x_allowed) {
    uint64_t r = 0;
    EXPECT_NO_TRAP(r = call_at(C));
    CHECK_EQ(r, 7);
  } else {
    EXPECT_TRAP(CAUSE_FETCH_ACCESS, C, call_at(C));
  }
  /* just outside the regions: the catch-all entry allows it */
  EXPECT_NO_TRAP(sd64(A - 8, 3));
  EXPECT_NO_TRAP(sd64(B + 4096 + 128, 3)); /* = C + 128 */
  return 0;
}

static volatile int nomatch_faults;
static volatile uint64_t nomatch_tval;
static int nomatch_hook(struct trap_frame *f, int level)
{
  if (f->cause != CAUSE_FETCH_ACCESS)
    return 0;
  nomatch_faults = nomatch_faults + 1;
  nomatch_tval = f->tval;
  csr_write(pmpcfg2, CATCHALL_CFG2); /* let it run now */
  pmp_sync();
  return 1; /* retry the fetch */
}
static uint64_t s_ret5(uint64_t x) { return x + 5; }

int main(void)
{
  /* code for region C: li a0, 7 ; ret */
  ((volatile uint32_t *)C)[0] = 0x00700513;
  ((volatile uint32_t *)C)[1] = 0x00008067;
  __asm__ volatile("fence.i" ::: "memory");

  csr_write(pmpaddr0, napot(A, 4096));
  csr_write(pmpaddr1, napot(B, 4096));
  csr_write(pmpaddr2, C >> 2);          /* TOR bottom (entry 2 OFF) */
  csr_write(pmpaddr3, (C + 4096) >> 2); /* TOR top */
  CHECK_EQ(csr_read(pmpaddr2), C >> 2);
  set_cfg0(PMP_NAPOT | PMP_R, PMP_NAPOT, PMP_OFF, PMP_TOR | PMP_R | PMP_W | PMP_X);
  run_in_mode(PRV_S, lower_mode_checks, 1);
  set_cfg0(PMP_NAPOT | PMP_R, PMP_NAPOT, PMP_OFF, PMP_TOR | PMP_R | PMP_W);
  CHECK_EQ(csr_read(pmpcfg0) & 0xffffffff,
           (PMP_NAPOT | PMP_R) | (PMP_NAPOT << 8) | ((uint64_t)(PMP_TOR | PMP_R | PMP_W) << 24));
  run_in_mode(PRV_S, lower_mode_checks, 0);
  run_in_mode(PRV_U, lower_mode_checks, 0);
  CHECK_EQ(rvh_trap.from, PRV_U);
  set_cfg0(PMP_NAPOT | PMP_R, PMP_NAPOT, PMP_OFF, PMP_TOR | PMP_R | PMP_W | PMP_X);

  /* M-mode ignores unlocked entries */
  EXPECT_NO_TRAP(sd64(A + 16, 2); ld64(B); call_at(C));
  CHECK_EQ(ld64(A + 16), 2);

  /* MPRV=1, MPP=S: M loads and stores are checked with S permissions */
  csr_clear(mstatus, MSTATUS_MPP);
  csr_set(mstatus, (uint64_t)PRV_S << MSTATUS_MPP_SHIFT);
  EXPECT_TRAP(CAUSE_LOAD_ACCESS, B + 8,
              __asm__ volatile("csrs mstatus, %0\n ld t0, 0(%1)\n csrc mstatus, %0"
                               : : "r"(MSTATUS_MPRV), "r"(B + 8) : "t0", "memory"));
  csr_clear(mstatus, MSTATUS_MPRV);

  /* priority: entry 0 (R only) overrides a later RW entry covering A */
  csr_write(pmpaddr4, napot(A, 8192) & ~0ULL);
  csr_write(pmpcfg0, csr_read(pmpcfg0) | ((uint64_t)(PMP_NAPOT | PMP_R | PMP_W) << 32));
  pmp_sync();
  run_in_mode(PRV_S, lower_mode_checks, 1);
  csr_write(pmpcfg0, csr_read(pmpcfg0) & 0xffffffffULL);

  /* no matching entry: S/U accesses fail (fetch of the first instruction) */
  csr_write(pmpcfg2, 0);
  pmp_sync();
  rvh_trap_hook = nomatch_hook;
  nomatch_faults = 0;
  CHECK_EQ(run_in_mode(PRV_S, s_ret5, 1), 6);
  rvh_trap_hook = 0;
  CHECK_EQ(nomatch_faults, 1);
  CHECK_EQ(nomatch_tval, (uintptr_t)s_ret5);
  CHECK_EQ(csr_read(pmpcfg2), CATCHALL_CFG2);

  /* NA4: a single word */
  csr_write(pmpaddr0, (A + 32) >> 2);
  set_cfg0(PMP_NA4, PMP_OFF, PMP_OFF, PMP_OFF);
  EXPECT_NO_TRAP(run_in_mode(PRV_S, (rvh_mode_fn)(uintptr_t)ld64, A + 24));
  rvh_trap_arm();
  run_in_mode(PRV_S, (rvh_mode_fn)(uintptr_t)ld64, A + 32);
  rvh_trap_disarm();
  CHECK_EQ(rvh_trap.count, 1);
  CHECK_EQ(rvh_trap.cause, CAUSE_LOAD_ACCESS);
  CHECK_EQ(rvh_trap.tval, A + 32);

  /* locked entry: applies to M too, and ignores further writes */
  csr_write(pmpaddr4, napot(D, 4096));
  csr_write(pmpcfg0, (uint64_t)(PMP_NAPOT | PMP_R | PMP_L) << 32);
  pmp_sync();
  EXPECT_NO_TRAP(ld64(D));
  EXPECT_TRAP(CAUSE_STORE_ACCESS, D + 40, sd64(D + 40, 1));
  EXPECT_TRAP(CAUSE_FETCH_ACCESS, D, call_at(D));
  csr_write(pmpaddr4, 0);
  CHECK_EQ(csr_read(pmpaddr4), napot(D, 4096));
  csr_write(pmpcfg0, (uint64_t)(PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 32 | PMP_NA4);
  CHECK_EQ((csr_read(pmpcfg0) >> 32) & 0xff, PMP_NAPOT | PMP_R | PMP_L);
  CHECK_EQ(csr_read(pmpcfg0) & 0xff, PMP_NA4); /* unlocked entry 0 still writable */
  EXPECT_TRAP(CAUSE_STORE_ACCESS, D, sd64(D, 1));
  rvh_test_done("pmp");
}
