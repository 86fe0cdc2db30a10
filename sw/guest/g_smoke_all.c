/* g_smoke_all: every class of guest exit once, one output line per step:
 * an SBI call of each extension (BASE, TIME, IPI, RFENCE, HSM, DBCN or the
 * legacy console, SRST at the end), MMIO reads/writes of the UART and the
 * PLIC, counter CSRs, WFI with a pending timer, and the guest's own trap
 * handler taking an illegal instruction, a page fault and an instruction
 * access fault. The README's main demo for the rvh-vp hypervisor.
 *
 * The whole run is one benchmark region "g_smoke_all" (rvh_marker.h), so
 * that rvh-vp compares its cycles under the hosted hypervisor and under
 * the real KVM (docs/kvm.md); the region leaves out the illegal-instruction
 * and fetch-fault steps, which Linux 6.1 KVM cannot give to the guest
 * itself (our VMM does, see sw/kvm/README.md). */
#include "guest.h"
#include "rvh_marker.h"

static unsigned step_no;
static unsigned step_failed_before;
static char step_note[96];
static unsigned note_len;

static void note_put(char c, void *ctx)
{
  (void)ctx;
  if (note_len + 1 < sizeof step_note)
    step_note[note_len++] = c;
  step_note[note_len] = 0;
}

static void note(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  note_len = 0;
  step_note[0] = 0;
  rvh_vformat(note_put, 0, fmt, ap);
  va_end(ap);
}

static void step_begin(void)
{
  step_failed_before = rvh_checks_failed;
  note_len = 0;
  step_note[0] = 0;
}

static void step_end(const char *cls, const char *what)
{
  int ok = rvh_checks_failed == step_failed_before;
  printf("[%2u] %-5s %-40s %-4s %s\n", ++step_no, cls, what, ok ? "ok" : "FAIL",
         step_note);
}

#define STEP(cls, what, ...) do { step_begin(); { __VA_ARGS__; } step_end(cls, what); } while (0)

static volatile int timer_irqs, soft_irqs;

static int irq_hook(struct g_trap_frame *f)
{
  if (f->cause == (CAUSE_INTERRUPT | IRQ_S_TIMER)) {
    sbi_set_timer(~0UL);
    timer_irqs = timer_irqs + 1;
    return 1;
  }
  if (f->cause == (CAUSE_INTERRUPT | IRQ_S_SOFT)) {
    csr_clear(sip, MIP_SSIP);
    soft_irqs = soft_irqs + 1;
    return 1;
  }
  return 0;
}

static uint64_t root[512] __attribute__((aligned(4096)));

int main(unsigned long hartid, unsigned long dtb)
{
  g_test_begin("g_smoke_all");
  rvh_region_begin("g_smoke_all");
  g_trap_hook = irq_hook;
  uint64_t hz = g_dt_timebase();

  STEP("sbi", "BASE get_spec_version/impl_id", {
    struct sbiret v = sbi_get_spec_version(), id = sbi_get_impl_id();
    CHECK_EQ(v.error, 0);
    CHECK_EQ(id.error, 0);
    CHECK_EQ(sbi_probe_extension(SBI_EXT_HSM).value != 0, 1);
    note("SBI %ld.%ld, %s", (v.value >> 24) & 0x7f, v.value & 0xffffff,
         sbi_impl_name(id.value));
  });

  STEP("sbi", g_console_dbcn ? "DBCN console_write_byte" : "legacy console_putchar", {
    static const char line[] = "     (a line written one byte per SBI call)\r\n";
    long err = 0;
    for (const char *c = line; *c; c++) {
      long e = g_console_dbcn ? sbi_debug_console_write_byte((uint8_t)*c).error
                              : sbi_legacy_console_putchar(*c);
      if (e)
        err = e;
    }
    CHECK_EQ(err, 0);
    note("the line above");
  });

  STEP("sbi", "HSM hart_get_status(self)", {
    struct sbiret r = sbi_hart_get_status(hartid);
    CHECK_EQ(r.error, 0);
    CHECK_EQ(r.value, SBI_HSM_STARTED);
    note("hart %lu: %ld (STARTED)", hartid, r.value);
  });

  STEP("sbi", "RFENCE remote_fence_i/sfence_vma", {
    CHECK_EQ(sbi_remote_fence_i(1UL << hartid, 0).error, 0);
    CHECK_EQ(sbi_remote_sfence_vma(1UL << hartid, 0, 0, ~0UL).error, 0);
    note("both returned 0");
  });

  STEP("sbi", "IPI send_ipi(self) -> interrupt", {
    csr_set(sie, MIP_SSIP);
    csr_set(sstatus, MSTATUS_SIE);
    CHECK_EQ(sbi_send_ipi(1UL << hartid, 0).error, 0);
    uint64_t t = g_rdtime();
    while (!soft_irqs && g_rdtime() - t < hz)
      ;
    csr_clear(sstatus, MSTATUS_SIE);
    CHECK_EQ(soft_irqs, 1);
    note("scause 0x%lx", CAUSE_INTERRUPT | IRQ_S_SOFT);
  });

  STEP("sbi", "TIME set_timer + WFI -> interrupt", {
    csr_set(sie, MIP_STIP);
    csr_set(sstatus, MSTATUS_SIE);
    uint64_t t = g_rdtime(), deadline = t + hz / 1000;
    CHECK_EQ(sbi_set_timer(deadline).error, 0);
    int wfis = 0;
    while (!timer_irqs && g_rdtime() - t < hz) {
      g_wfi();
      wfis++;
    }
    uint64_t now = g_rdtime();
    csr_clear(sstatus, MSTATUS_SIE);
    CHECK_EQ(timer_irqs, 1);
    CHECK(now >= deadline);
    note("woke after %lu us, %d wfi", (now - t) * 1000000 / hz, wfis);
  });

  STEP("mmio", "UART scratch register (sb/lbu)", {
    volatile uint8_t *scr = (volatile uint8_t *)(G_UART_BASE + 7);
    *scr = 0xa5;
    CHECK_EQ(*scr, 0xa5);
    note("LSR 0x%02x", *(volatile uint8_t *)(G_UART_BASE + 5));
  });

  STEP("mmio", "PLIC priority[10] (sw/lw)", {
    volatile uint32_t *prio = (volatile uint32_t *)(G_PLIC_BASE + 4 * G_UART_IRQ);
    uint32_t old = *prio;
    *prio = 3;
    CHECK_EQ(*prio, 3);
    *prio = old;
    note("wrote 3, read 3");
  });

  STEP("csr", "counters cycle/time/instret", {
    uint64_t c = 0, t = 0, i = 0;
    long e1 = TRY_TRAP(c = csr_read(cycle));
    long e2 = TRY_TRAP(t = csr_read(time));
    long e3 = TRY_TRAP(i = csr_read(instret));
    CHECK_EQ(e2, -1);
    CHECK(e1 == -1 || e1 == CAUSE_ILLEGAL_INSTRUCTION);
    CHECK(e3 == -1 || e3 == CAUSE_ILLEGAL_INSTRUCTION);
    note("cycle %s, time %lu, instret %s", e1 < 0 ? "ok" : "illegal", t,
         e3 < 0 ? "ok" : "illegal");
    (void)c, (void)i;
  });

  rvh_region_end(1);
  STEP("trap", "illegal instruction -> guest handler", {
    EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL,
                __asm__ volatile("csrw cycle, zero"));
    note("scause %lu sepc 0x%lx", g_trap.cause, g_trap.epc);
  });
  rvh_region_begin("g_smoke_all");

  STEP("trap", "load page fault (Sv39) -> guest handler", {
    root[0] = ((0x00000000UL >> 12) << 10) | 0xe7;
    root[2] = ((0x80000000UL >> 12) << 10) | 0xef;
    csr_write(satp, (8UL << 60) | ((uintptr_t)root >> 12));
    __asm__ volatile("sfence.vma" ::: "memory");
    volatile uint64_t v;
    EXPECT_TRAP(CAUSE_LOAD_PAGE_FAULT, 0x100000000UL,
                v = *(volatile uint64_t *)0x100000000UL);
    (void)v;
    csr_write(satp, 0);
    __asm__ volatile("sfence.vma" ::: "memory");
    note("scause %lu stval 0x%lx", g_trap.cause, g_trap.tval);
  });

  rvh_region_end(0);
  STEP("trap", "fetch from a hole -> fetch access fault", {
    void (*fn)(void) = (void (*)(void))g_hole_gpa();
    EXPECT_TRAP(CAUSE_FETCH_ACCESS, g_hole_gpa(), fn());
    note("scause %lu stval 0x%lx", g_trap.cause, g_trap.tval);
  });

  printf("[%2u] %-5s %s\n", ++step_no, "sbi", "SRST system_reset(shutdown)");
  g_test_done("g_smoke_all");
}
