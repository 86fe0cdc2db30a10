/* rvh.c - UART output, printf, finisher, checks, trap dispatch, mode switch. */
#include "rvh.h"

/* ------------------------------------------------------------------ UART */
#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE 0x20

void uart_putc(char c)
{
  if (c == '\n')
    uart_putc('\r');
  while (!(MMIO8(RVH_UART_BASE + UART_LSR) & UART_LSR_THRE))
    ;
  MMIO8(RVH_UART_BASE + UART_THR) = (uint8_t)c;
}

void uart_puts(const char *s)
{
  while (*s)
    uart_putc(*s++);
}

int putchar(int c)
{
  uart_putc((char)c);
  return (unsigned char)c;
}

int puts(const char *s)
{
  uart_puts(s);
  uart_putc('\n');
  return 0;
}

/* ------------------------------------------------------------------ printf */
static void uart_sink(char ch, void *ctx)
{
  (void)ctx;
  uart_putc(ch);
}

int vprintf(const char *fmt, va_list ap)
{
  return rvh_vformat(uart_sink, 0, fmt, ap);
}

int printf(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vprintf(fmt, ap);
  va_end(ap);
  return n;
}

/* ------------------------------------------------------------------ exit */
void rvh_exit(int code)
{
  uint32_t v = code == 0 ? 0x5555u : (((uint32_t)code << 16) | 0x3333u);
  MMIO32(RVH_FINISHER_BASE) = v;
  for (;;)
    __asm__ volatile("wfi");
}

/* Checks (rvh_check, rvh_check_eq, rvh_check_ne): rvh_common.c. */

uint64_t rvh_boot_dtb;

int rvh_on_qemu(void)
{
  static int cached = -1;
  if (cached >= 0)
    return cached;
  cached = 0;
  const uint8_t *p = (const uint8_t *)(uintptr_t)rvh_boot_dtb;
  if (!p)
    return cached;
  uint32_t magic = (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
  uint32_t size = (uint32_t)p[4] << 24 | p[5] << 16 | p[6] << 8 | p[7];
  if (magic != 0xd00dfeedu)
    return cached;
  if (size > 0x10000)
    size = 0x10000;
  for (uint32_t i = 0; i + 4 <= size; i++)
    if (p[i] == 'q' && p[i + 1] == 'e' && p[i + 2] == 'm' && p[i + 3] == 'u')
      return cached = 1;
  return cached;
}

void rvh_check_eq_quirk(uint64_t actual, uint64_t expected, const char *a,
                        const char *e, const char *quirk, const char *file,
                        int line)
{
  if (actual != expected && rvh_on_qemu()) {
    rvh_checks_run++;
    printf("%s:%d: qemu-quirk (not counted): %s: CHECK_EQ(%s, %s): expected "
           "0x%lx, got 0x%lx\n", file, line, quirk, a, e, expected, actual);
    return;
  }
  rvh_check_eq(actual, expected, a, e, file, line);
}

void rvh_test_done(const char *name)
{
  if (rvh_checks_failed == 0) {
    printf("PASS: %s (%u checks)\n", name, rvh_checks_run);
    rvh_exit(0);
  }
  printf("FAIL: %s (%u checks failed)\n", name, rvh_checks_failed);
  rvh_exit(1);
}

/* ------------------------------------------------------------------ traps */
volatile rvh_trap_hook_t rvh_trap_hook;
volatile struct trap_record rvh_trap;

void rvh_trap_arm(void)
{
  rvh_trap.count = 0;
  rvh_trap.cause = rvh_trap.epc = rvh_trap.tval = rvh_trap.status = 0;
  __asm__ volatile("" ::: "memory");
  rvh_trap.armed = 1;
  __asm__ volatile("" ::: "memory");
}

void rvh_trap_disarm(void)
{
  __asm__ volatile("" ::: "memory");
  rvh_trap.armed = 0;
  __asm__ volatile("" ::: "memory");
}

static const char *level_name(int l)
{
  return l == RVH_LEVEL_M ? "M" : l == RVH_LEVEL_S ? "S" : l == RVH_LEVEL_VS ? "VS" : "?";
}

int rvh_has_h;

/* Called by crt.S in M-mode before main. */
void rvh_lib_init(void)
{
  rvh_on_qemu();
  rvh_has_h = (csr_read(misa) >> ('H' - 'A')) & 1;
  if (rvh_has_h) {
    csr_write(CSR_VSTVEC, (uintptr_t)rvh_vs_trap_entry);
    csr_write(CSR_VSSCRATCH, (uintptr_t)__vs_trap_stack_top);
    csr_write(CSR_HEDELEG, 0);
    csr_write(CSR_HIDELEG, 0);
  }
}

void rvh_check_trap(uint64_t cause, uint64_t tval, const char *what,
                    const char *file, int line)
{
  rvh_checks_run++;
  int ok = rvh_trap.count == 1 && rvh_trap.cause == cause &&
           (tval == RVH_ANY_TVAL || rvh_trap.tval == tval);
  if (ok)
    return;
  rvh_checks_failed++;
  printf("%s:%d: EXPECT_TRAP(%s) failed: expected cause %lu", file, line, what,
         cause);
  if (tval != RVH_ANY_TVAL)
    printf(" tval 0x%lx", tval);
  if (rvh_trap.count == 0)
    printf(", got no trap\n");
  else
    printf(", got %d trap(s), last at %s-level: cause %lu tval 0x%lx epc 0x%lx\n",
           rvh_trap.count, level_name(rvh_trap.level), rvh_trap.cause,
           rvh_trap.tval, rvh_trap.epc);
}

/* Mode-switch contexts (a small stack: M->S->U nesting). */
struct mode_ctx {
  uint64_t sp;
  int level;
  int ie; /* caller's xIE bit */
};

/* Privilege rank of a handler / context level: M > S(HS) > VS. */
static int level_rank(int level)
{
  return level == RVH_LEVEL_M ? 3 : level == RVH_LEVEL_S ? 2 : 1;
}
static struct mode_ctx ctx_stack[8];
static volatile int ctx_depth;

extern char rvh_run_at_return[];
uint64_t rvh_run_at(unsigned mode, rvh_mode_fn fn, uint64_t arg, unsigned level);

void rvh_ctx_push(uint64_t sp, int level)
{
  if (ctx_depth >= 8) {
    puts("rvh: mode context stack overflow");
    rvh_exit(3);
  }
  struct mode_ctx *c = &ctx_stack[ctx_depth];
  c->sp = sp;
  c->level = level;
  if (level == RVH_LEVEL_M)
    c->ie = (csr_read(mstatus) & MSTATUS_MIE) != 0;
  else
    c->ie = (csr_read(sstatus) & MSTATUS_SIE) != 0;
  ctx_depth = ctx_depth + 1;
}

uint64_t run_in_mode(int mode, rvh_mode_fn fn, uint64_t arg)
{
  return rvh_run_at((unsigned)mode, fn, arg, RVH_LEVEL_M);
}

uint64_t s_run_in_user(rvh_mode_fn fn, uint64_t arg)
{
  return rvh_run_at(PRV_U, fn, arg, RVH_LEVEL_S);
}

uint64_t run_in_vmode(int mode, rvh_mode_fn fn, uint64_t arg)
{
  csr_set(mstatus, MSTATUS_MPV);
  return rvh_run_at((unsigned)mode, fn, arg, RVH_LEVEL_M);
}

uint64_t hs_run_in_vmode(int mode, rvh_mode_fn fn, uint64_t arg)
{
  csr_set(CSR_HSTATUS, HSTATUS_SPV);
  return rvh_run_at((unsigned)mode, fn, arg, RVH_LEVEL_S);
}

uint64_t vs_run_in_user(rvh_mode_fn fn, uint64_t arg)
{
  return rvh_run_at(PRV_U, fn, arg, RVH_LEVEL_VS);
}

static void unexpected_trap(struct trap_frame *f, int level)
{
  printf("rvh: unexpected trap at %s-level from %s%s: cause 0x%lx epc 0x%lx "
         "tval 0x%lx status 0x%lx\n",
         level_name(level),
         level == RVH_LEVEL_VS || (level == RVH_LEVEL_M && (f->status & MSTATUS_MPV)) ||
                 (level == RVH_LEVEL_S && rvh_has_h && (csr_read(CSR_HSTATUS) & HSTATUS_SPV))
             ? "V" : "",
         level == RVH_LEVEL_M
             ? (((f->status >> 11) & 3) == 3 ? "M" : ((f->status >> 11) & 3) == 1 ? "S" : "U")
             : ((f->status & MSTATUS_SPP) ? "S" : "U"),
         f->cause, f->epc, f->tval, f->status);
  printf("FAIL: unexpected trap (%u checks failed so far)\n", rvh_checks_failed);
  rvh_exit(3);
}

/* Called by the trap entries in crt.S. */
void rvh_trap_handler(struct trap_frame *f, int level)
{
  rvh_trap_hook_t hook = rvh_trap_hook;
  if (hook && hook(f, level))
    return;

  uint64_t cause = f->cause;
  int from = level == RVH_LEVEL_M ? (int)((f->status >> 11) & 3)
                                  : (int)((f->status >> 8) & 1);
  /* H extension state of this trap (read before anything can trap again) */
  int virt = 0, gva = 0;
  uint64_t tval2 = 0, tinst = 0, hst = 0;
  if (rvh_has_h) {
    if (level == RVH_LEVEL_M) {
      virt = (f->status & MSTATUS_MPV) != 0;
      gva = (f->status & MSTATUS_GVA) != 0;
      tval2 = csr_read(CSR_MTVAL2);
      tinst = csr_read(CSR_MTINST);
    } else if (level == RVH_LEVEL_S) {
      hst = csr_read(CSR_HSTATUS);
      virt = (hst & HSTATUS_SPV) != 0;
      gva = (hst & HSTATUS_GVA) != 0;
      tval2 = csr_read(CSR_HTVAL);
      tinst = csr_read(CSR_HTINST);
    } else {
      virt = 1;
    }
  }

  /* Mode-switch return: ecall with a7 = magic. */
  if (!(cause & CAUSE_INTERRUPT) &&
      (cause == CAUSE_USER_ECALL || cause == CAUSE_SUPERVISOR_ECALL ||
       cause == CAUSE_VIRTUAL_SUPERVISOR_ECALL || cause == CAUSE_MACHINE_ECALL) &&
      f->x[17] == RVH_ECALL_MAGIC && ctx_depth > 0) {
    struct mode_ctx *c = &ctx_stack[ctx_depth - 1];
    if (level_rank(level) < level_rank(c->level)) {
      /* The ecall was delegated below the level that started the code:
       * forward it upwards with an ecall from this level; this handler's
       * frame is abandoned. */
      register uint64_t a0 __asm__("a0") = f->x[10];
      register uint64_t a7 __asm__("a7") = RVH_ECALL_MAGIC;
      __asm__ volatile("ecall" : : "r"(a0), "r"(a7) : "memory");
      for (;;)
        ;
    }
    ctx_depth = ctx_depth - 1;
    f->x[2] = c->sp;
    f->epc = (uint64_t)(uintptr_t)rvh_run_at_return;
    if (rvh_has_h && c->level != RVH_LEVEL_VS)
      csr_write(CSR_VSSCRATCH, (uintptr_t)__vs_trap_stack_top); /* VS frames are dead */
    if (level == RVH_LEVEL_M) {
      f->status &= ~(MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MPV);
      if (c->level == RVH_LEVEL_M) {
        f->status |= MSTATUS_MPP;
        if (c->ie)
          f->status |= MSTATUS_MPIE;
        /* Any S-level handler frames are dead now. */
        csr_write(sscratch, (uintptr_t)__s_trap_stack_top);
      } else if (c->level == RVH_LEVEL_S) {
        f->status |= (uint64_t)PRV_S << MSTATUS_MPP_SHIFT;
        /* back to S: restore sstatus.SIE from the context */
        f->status &= ~MSTATUS_SIE;
        if (c->ie)
          f->status |= MSTATUS_SIE;
      } else {
        /* back to VS (vsstatus untouched by a trap into M) */
        f->status |= ((uint64_t)PRV_S << MSTATUS_MPP_SHIFT) | MSTATUS_MPV;
      }
    } else {
      f->status &= ~(MSTATUS_SPP | MSTATUS_SPIE);
      f->status |= MSTATUS_SPP;
      if (level == RVH_LEVEL_S && rvh_has_h) {
        if (c->level == RVH_LEVEL_VS)
          csr_set(CSR_HSTATUS, HSTATUS_SPV);
        else
          csr_clear(CSR_HSTATUS, HSTATUS_SPV);
      }
      if (c->ie)
        f->status |= MSTATUS_SPIE;
    }
    return;
  }

  if (rvh_trap.armed && !(cause & CAUSE_INTERRUPT)) {
    rvh_trap.count = rvh_trap.count + 1;
    rvh_trap.level = level;
    rvh_trap.from = from;
    rvh_trap.cause = cause;
    rvh_trap.epc = f->epc;
    rvh_trap.tval = f->tval;
    rvh_trap.status = f->status;
    rvh_trap.virt = virt;
    rvh_trap.gva = gva;
    rvh_trap.tval2 = tval2;
    rvh_trap.tinst = tinst;
    rvh_trap.hstatus = hst;
    if (rvh_trap.count > 16) {
      puts("rvh: trap storm while a trap was expected");
      unexpected_trap(f, level);
    }
    if (cause == CAUSE_FETCH_ACCESS || cause == CAUSE_FETCH_PAGE_FAULT ||
        cause == CAUSE_MISALIGNED_FETCH || cause == CAUSE_FETCH_GUEST_PAGE_FAULT) {
      rvh_trap.insn_len = 0;
      f->epc = f->x[1]; /* resume at the caller of the bad target */
    } else {
      uint16_t lo;
      int translated = 0;
      if (level == RVH_LEVEL_M && from != PRV_M)
        translated = virt ? ((csr_read(CSR_VSATP) >> 60) | (csr_read(CSR_HGATP) >> 60)) != 0
                          : (csr_read(satp) >> 60) != 0;
      else if (level == RVH_LEVEL_S && virt)
        translated = ((csr_read(CSR_VSATP) >> 60) | (csr_read(CSR_HGATP) >> 60)) != 0;
      if (translated && level == RVH_LEVEL_M) {
        /* epc is a virtual address of the interrupted mode: read the
         * instruction with MPRV=1 (translation and permissions of MPP,
         * two-stage when MPV=1). */
        uint64_t v;
        __asm__ volatile("csrs mstatus, %1\n"
                         "lhu %0, 0(%2)\n"
                         "csrc mstatus, %1"
                         : "=&r"(v) : "r"(MSTATUS_MPRV), "r"(f->epc) : "memory");
        lo = (uint16_t)v;
      } else if (translated) {
        /* HS handler, trap from V=1: HLVX.HU with hstatus.SPVP = the
         * guest's privilege (set by the trap). */
        lo = (uint16_t)hlvx_hu(f->epc);
      } else {
        lo = *(volatile uint16_t *)(uintptr_t)f->epc;
      }
      unsigned len = (lo & 3) == 3 ? 4 : 2;
      rvh_trap.insn_len = len;
      f->epc += len;
    }
    return;
  }

  unexpected_trap(f, level);
}
