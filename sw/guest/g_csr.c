/* g_csr: supervisor CSRs as a guest sees them.
 *  - cycle/time/instret/hpmcounter3: readable and monotonic where the SBI
 *    implementation enabled them (scounteren/mcounteren), else illegal
 *    instruction (2); which one is printed;
 *  - sscratch and stvec (direct and vectored) write/read back;
 *  - sstatus.SUM and MXR toggle; sstatus.FS = Off makes FP instructions
 *    illegal, Initial/Dirty after an FP write;
 *  - sie/sip: STIE/SSIE/SEIE writable, sip.SSIP settable by software;
 *  - satp: Sv39 with an identity root table reads back (MODE 8, PPN,
 *    ASID bits probed), a reserved MODE write is ignored;
 *  - an M-mode CSR (mstatus) read from S: illegal instruction. */
#include "guest.h"

static uint64_t root[512] __attribute__((aligned(4096)));

#define READ_COUNTER(name, out) TRY_TRAP(out = csr_read(name))

static void test_counters(void)
{
  static const char *names[] = {"cycle", "time", "instret", "hpmcounter3"};
  for (int i = 0; i < 4; i++) {
    uint64_t a = 0, b = 0;
    long c1, c2;
    switch (i) {
    case 0: c1 = READ_COUNTER(cycle, a); c2 = READ_COUNTER(cycle, b); break;
    case 1: c1 = READ_COUNTER(time, a); c2 = READ_COUNTER(time, b); break;
    case 2: c1 = READ_COUNTER(instret, a); c2 = READ_COUNTER(instret, b); break;
    default: c1 = READ_COUNTER(hpmcounter3, a); c2 = READ_COUNTER(hpmcounter3, b); break;
    }
    CHECK_EQ(c1, c2);
    if (c1 < 0) {
      CHECK(b >= a);
      printf("%-12s readable: 0x%lx then 0x%lx\n", names[i], a, b);
    } else {
      CHECK_EQ(c1, CAUSE_ILLEGAL_INSTRUCTION);
      printf("%-12s disabled: illegal instruction (scause %ld)\n", names[i], c1);
    }
  }
  /* time must work for a guest (set_timer needs it); it advances. */
  uint64_t t0 = 0;
  CHECK_EQ(READ_COUNTER(time, t0), -1);
  while (csr_read(time) == t0)
    ;
}

static void test_scratch_tvec(void)
{
  /* sscratch holds the trap stack: swap it out only while nothing traps. */
  uint64_t a, b, old;
  old = csr_swap(sscratch, 0x0123456789abcdefUL);
  a = csr_swap(sscratch, ~0UL);
  b = csr_swap(sscratch, old);
  CHECK_EQ(a, 0x0123456789abcdefUL);
  CHECK_EQ(b, ~0UL);

  extern char g_trap_entry[];
  uint64_t tv = csr_read(stvec);
  CHECK_EQ(tv, (uintptr_t)g_trap_entry);
  csr_write(stvec, 0x80400000UL);
  a = csr_read(stvec);
  csr_write(stvec, 0x80400001UL);       /* vectored */
  b = csr_read(stvec);
  csr_write(stvec, tv);
  CHECK_EQ(a, 0x80400000UL);
  CHECK(b == 0x80400001UL || b == 0x80400000UL);  /* vectored is optional (WARL) */
  CHECK_EQ(csr_read(stvec), tv);
  printf("sscratch round-trips; stvec direct ok, vectored %s\n",
         b == 0x80400001UL ? "supported" : "not supported");
}

static void test_sstatus(void)
{
  csr_set(sstatus, MSTATUS_SUM);
  CHECK(csr_read(sstatus) & MSTATUS_SUM);
  csr_clear(sstatus, MSTATUS_SUM);
  CHECK_EQ(csr_read(sstatus) & MSTATUS_SUM, 0);
  csr_set(sstatus, MSTATUS_MXR);
  CHECK(csr_read(sstatus) & MSTATUS_MXR);
  csr_clear(sstatus, MSTATUS_MXR);
  CHECK_EQ(csr_read(sstatus) & MSTATUS_MXR, 0);
  /* Bits outside the sstatus view (e.g. mstatus.MPP, TVM) read as 0. */
  uint64_t s = csr_read(sstatus);
  CHECK_EQ(s & (MSTATUS_MPP | MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_TVM | MSTATUS_TSR |
                MSTATUS_TW | MSTATUS_MPRV),
           0);
  CHECK_EQ((s >> 32) & 3, 2);           /* UXL = 64 */

  /* FS: Off -> FP illegal; Initial -> FP works and FS becomes Dirty. */
  csr_clear(sstatus, MSTATUS_FS);
  CHECK_EQ(csr_read(sstatus) & MSTATUS_FS, 0);
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL,
              __asm__ volatile("fmv.d.x f1, zero"));
  csr_set(sstatus, FS_INITIAL << MSTATUS_FS_SHIFT);
  EXPECT_NO_TRAP(__asm__ volatile("fmv.d.x f1, zero"));
  s = csr_read(sstatus);
  CHECK_EQ((s & MSTATUS_FS) >> MSTATUS_FS_SHIFT, FS_DIRTY);
  CHECK(s & MSTATUS_SD);
  printf("sstatus: SUM/MXR toggle, FS Off traps FP, FS after FP write %lu, SD %lu\n",
         (s & MSTATUS_FS) >> MSTATUS_FS_SHIFT, s >> 63);
}

static void test_sie_sip(void)
{
  csr_clear(sstatus, MSTATUS_SIE);
  uint64_t bits = MIP_SSIP | MIP_STIP | MIP_SEIP;
  csr_write(sie, bits);
  CHECK_EQ(csr_read(sie) & bits, bits);
  csr_write(sie, 0);
  CHECK_EQ(csr_read(sie) & bits, 0);
  csr_set(sip, MIP_SSIP);
  CHECK(csr_read(sip) & MIP_SSIP);
  csr_clear(sip, MIP_SSIP);
  CHECK_EQ(csr_read(sip) & MIP_SSIP, 0);
  puts("sie: SSIE/STIE/SEIE writable; sip.SSIP set/clear by software");
}

static void test_satp(void)
{
  root[0] = ((0x00000000UL >> 12) << 10) | 0xe7;  /* V R W A D G */
  root[2] = ((0x80000000UL >> 12) << 10) | 0xef;  /* V R W X A D G */
  uint64_t ppn = (uintptr_t)root >> 12;
  uint64_t sv39 = (8UL << 60) | ppn;
  CHECK_EQ(csr_read(satp), 0);
  csr_write(satp, sv39);
  __asm__ volatile("sfence.vma" ::: "memory");
  uint64_t rb = csr_read(satp);
  CHECK_EQ(rb, sv39);
  /* ASID bits */
  csr_write(satp, sv39 | (0xffffUL << 44));
  uint64_t asid = (csr_read(satp) >> 44) & 0xffff;
  unsigned asidlen = 0;
  while (asid & (1UL << asidlen))
    asidlen++;
  csr_write(satp, sv39);
  /* Reserved MODE 1: the write is ignored. */
  csr_write(satp, (1UL << 60) | ppn);
  CHECK_EQ(csr_read(satp), sv39);
  csr_write(satp, 0);
  __asm__ volatile("sfence.vma" ::: "memory");
  CHECK_EQ(csr_read(satp), 0);
  printf("satp: Sv39 0x%lx read back, ASIDLEN %u, reserved MODE ignored\n", rb,
         asidlen);
}

int main(unsigned long hartid, unsigned long dtb)
{
  g_test_begin("g_csr");
  test_counters();
  test_scratch_tvec();
  test_sstatus();
  test_sie_sip();
  test_satp();
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL,
              __asm__ volatile("csrr t0, mstatus" ::: "t0"));
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL,
              __asm__ volatile("csrr t0, mhartid" ::: "t0"));
  puts("mstatus/mhartid from S: illegal instruction");
  g_test_done("g_csr");
}
