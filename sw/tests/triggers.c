/* triggers: the debug triggers as M-mode software sees them (RISC-V Debug
 * spec 1.0, chapter "Sdtrig"):
 *   a. enumeration (Sdtrig "Enumeration"): write tselect, read it back, read
 *      tinfo; at least 4 triggers supporting mcontrol6 (type 6), tinfo
 *      version 1; tdata1 = 0 disables (type 15); dmode is not writable from
 *      M-mode;
 *   b. an execute trigger: breakpoint exception (mcause 3) before the
 *      instruction, mepc = mtval = its address; mcontrol6.hit0 set;
 *   c. a load trigger on a byte inside a doubleword: an 8-byte load of it
 *      traps with mtval = the load's address, mepc = the load, nothing
 *      loaded; a load next to it does not trap;
 *   d. a store trigger on a 16-byte NAPOT range: a store inside traps
 *      (mtval = its address, nothing stored), a load of the same place not;
 *   e. tcontrol.mte: an M-mode trigger fires only with mte = 1; a trap into
 *      M-mode clears mte (saved in mpte) and mret restores it;
 *   f. a trigger limited to U-mode fires in U-mode, not in M-mode.
 * QEMU 7.2 implements an older Sdtrig (2 triggers, tinfo version 0,
 * tdata1 = 0 reads back as type 2, no tcontrol: an illegal instruction), so
 * this is an rvh-vp test only. */
#include "rvh.h"

#define CSR_TSELECT  0x7a0
#define CSR_TDATA1   0x7a1
#define CSR_TDATA2   0x7a2
#define CSR_TINFO    0x7a4
#define CSR_TCONTROL 0x7a5

#define TYPE_SHIFT   60
#define MC6          (6UL << TYPE_SHIFT)
#define DMODE        (1UL << 59)
#define HIT0         (1UL << 22)
#define MATCH_NAPOT  (1UL << 7)
#define MODE_M       (1UL << 6)
#define MODE_S       (1UL << 4)
#define MODE_U       (1UL << 3)
#define EXECUTE      (1UL << 2)
#define STORE        (1UL << 1)
#define LOAD         (1UL << 0)
#define MTE          (1UL << 3)
#define MPTE         (1UL << 7)

static volatile uint64_t watched[4] __attribute__((aligned(64)));

/* The execute target: a0 + 1 (the addi is skipped when the trigger fires). */
__asm__(".text\n"
        ".balign 4\n"
        ".globl trig_exec_target\n"
        "trig_exec_target:\n"
        ".option push\n"
        ".option norvc\n"
        "  addi a0, a0, 1\n"
        "  ret\n"
        ".option pop\n");
uint64_t trig_exec_target(uint64_t);

/* One ld / sd with its address in *pc; the destination keeps 0x5a5a if the
 * load is skipped. */
static uint64_t load_at(volatile uint64_t *p, uint64_t *pc)
{
  uint64_t v = 0x5a5a, at;
  __asm__ volatile(".option push\n .option norvc\n"
                   "1: ld %0, 0(%2)\n"
                   ".option pop\n"
                   "la %1, 1b" : "+r"(v), "=&r"(at) : "r"(p) : "memory");
  *pc = at;
  return v;
}
static void store_at(volatile uint64_t *p, uint64_t v, uint64_t *pc)
{
  uint64_t at;
  __asm__ volatile(".option push\n .option norvc\n"
                   "1: sd %1, 0(%2)\n"
                   ".option pop\n"
                   "la %0, 1b" : "=&r"(at) : "r"(v), "r"(p) : "memory");
  *pc = at;
}

/* Sdtrig "Trigger Module Registers": tdata1 = 0 first, so that any tdata2
 * is legal, then tdata2, then tdata1. */
static void set_trigger(unsigned i, uint64_t tdata1, uint64_t tdata2)
{
  csr_write(CSR_TSELECT, i);
  csr_write(CSR_TDATA1, 0);
  csr_write(CSR_TDATA2, tdata2);
  csr_write(CSR_TDATA1, tdata1);
}

static unsigned num_triggers;

static void test_enumeration(void)
{
  for (unsigned i = 0; i < 64; i++) {
    csr_write(CSR_TSELECT, i);
    if (csr_read(CSR_TSELECT) != i)
      break;
    uint64_t info = csr_read(CSR_TINFO);
    if ((info & 0xffff) == 1)
      break;
    CHECK_EQ(info & (1UL << 6), 1UL << 6); /* mcontrol6 */
    CHECK_EQ((info >> 24) & 0xff, 1);      /* version 1.0 */
    csr_write(CSR_TDATA1, 0);
    CHECK_EQ(csr_read(CSR_TDATA1) >> TYPE_SHIFT, 15); /* disabled */
    num_triggers++;
  }
  INFO("%u triggers", num_triggers);
  CHECK(num_triggers >= 4);
  csr_write(CSR_TSELECT, 0);
  csr_write(CSR_TDATA1, MC6 | DMODE | MODE_U | LOAD);
  CHECK_EQ(csr_read(CSR_TDATA1), MC6 | MODE_U | LOAD);
  csr_write(CSR_TDATA1, 0);
}

static void test_execute(void)
{
  const uint64_t target = (uint64_t)(uintptr_t)trig_exec_target;
  uint64_t r = 0;
  csr_write(CSR_TCONTROL, MTE);
  set_trigger(0, MC6 | MODE_M | EXECUTE, target);
  EXPECT_TRAP(CAUSE_BREAKPOINT, target, r = trig_exec_target(5));
  CHECK_EQ(rvh_trap.epc, target);
  CHECK_EQ(rvh_trap.from, PRV_M);
  CHECK_EQ(r, 5); /* the addi did not run */
  CHECK_EQ(csr_read(CSR_TDATA1) & HIT0, HIT0);
  csr_write(CSR_TDATA1, 0);
  EXPECT_NO_TRAP(r = trig_exec_target(5));
  CHECK_EQ(r, 6);
}

static void test_load(void)
{
  uint64_t pc = 0, v = 0;
  watched[1] = 0x1111;
  csr_write(CSR_TCONTROL, MTE);
  set_trigger(1, MC6 | MODE_M | LOAD, (uintptr_t)&watched[1] + 5);
  EXPECT_TRAP(CAUSE_BREAKPOINT, (uintptr_t)&watched[1], v = load_at(&watched[1], &pc));
  CHECK_EQ(rvh_trap.epc, pc);
  CHECK_EQ(v, 0x5a5a);
  EXPECT_NO_TRAP(v = load_at(&watched[2], &pc));
  EXPECT_NO_TRAP(store_at(&watched[1], 0x2222, &pc));
  csr_write(CSR_TDATA1, 0); /* before reading watched[1] from C */
  CHECK_EQ(watched[1], 0x2222);
}

static void test_store(void)
{
  uint64_t pc = 0, v = 0;
  watched[3] = 0x3333;
  csr_write(CSR_TCONTROL, MTE);
  /* NAPOT: 16 bytes at &watched[2] (tdata2 = base | 7). */
  set_trigger(2, MC6 | MATCH_NAPOT | MODE_M | STORE, (uintptr_t)&watched[2] | 7);
  EXPECT_TRAP(CAUSE_BREAKPOINT, (uintptr_t)&watched[3], store_at(&watched[3], 0x4444, &pc));
  CHECK_EQ(rvh_trap.epc, pc);
  CHECK_EQ(watched[3], 0x3333);
  EXPECT_NO_TRAP(v = load_at(&watched[3], &pc));
  CHECK_EQ(v, 0x3333);
  EXPECT_NO_TRAP(store_at(&watched[1], 0x4444, &pc)); /* outside the range */
  csr_write(CSR_TDATA1, 0);
}

static void test_mte(void)
{
  uint64_t pc = 0, v = 0;
  set_trigger(0, MC6 | MODE_M | LOAD, (uintptr_t)&watched[0]);
  csr_write(CSR_TCONTROL, 0);
  EXPECT_NO_TRAP(v = load_at(&watched[0], &pc));
  csr_write(CSR_TCONTROL, MTE);
  EXPECT_TRAP(CAUSE_BREAKPOINT, (uintptr_t)&watched[0], v = load_at(&watched[0], &pc));
  /* The handler's mret restored mte from mpte. */
  CHECK_EQ(csr_read(CSR_TCONTROL), MTE | MPTE);
  csr_write(CSR_TDATA1, 0);
  (void)v;
}

static volatile uint64_t u_pc;
static uint64_t u_load(uint64_t unused)
{
  uint64_t pc;
  rvh_trap_arm();
  load_at(&watched[0], &pc);
  rvh_trap_disarm();
  u_pc = pc;
  return 0;
}

static void test_user_only(void)
{
  uint64_t pc = 0, v = 0;
  set_trigger(3, MC6 | MODE_U | LOAD, (uintptr_t)&watched[0]);
  csr_write(CSR_TCONTROL, MTE);
  EXPECT_NO_TRAP(v = load_at(&watched[0], &pc)); /* M-mode: not enabled */
  run_in_mode(PRV_U, u_load, 0);
  CHECK_EQ(rvh_trap.count, 1);
  CHECK_EQ(rvh_trap.cause, CAUSE_BREAKPOINT);
  CHECK_EQ(rvh_trap.level, RVH_LEVEL_M);
  CHECK_EQ(rvh_trap.from, PRV_U);
  CHECK_EQ(rvh_trap.epc, u_pc);
  CHECK_EQ(rvh_trap.tval, (uintptr_t)&watched[0]);
  csr_write(CSR_TSELECT, 3);
  csr_write(CSR_TDATA1, 0);
  (void)v;
}

int main(void)
{
  test_enumeration();
  if (num_triggers >= 4) {
    test_execute();
    test_load();
    test_store();
    test_mte();
    test_user_only();
  }
  csr_write(CSR_TCONTROL, 0);
  rvh_test_done("triggers");
}
