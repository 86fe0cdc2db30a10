/* guest.c - console over SBI, test summary and shutdown, trap dispatch,
 * U-mode switching, secondary harts and DTB helpers (see guest.h). */
#include "guest.h"

uint64_t g_boot_hartid;
uint64_t g_dtb;
int g_console_dbcn;
const char *g_test_name = "guest";

unsigned long g_hartid(void)
{
  uintptr_t sp;
  __asm__ volatile("mv %0, sp" : "=r"(sp));
  uintptr_t base = (uintptr_t)__hart_regions;
  if (sp < base || sp >= (uintptr_t)__hart_regions_end)
    return g_boot_hartid;
  return (sp - base) / G_HART_REGION;
}

/* ------------------------------------------------------------------ console */
void g_console_write(const char *buf, size_t n)
{
  int zero_progress = 0;
  while (n && g_console_dbcn) {
    struct sbiret r = sbi_debug_console_write(n, (uintptr_t)buf, 0);
    if (r.error != SBI_SUCCESS || r.value < 0 || (size_t)r.value > n) {
      g_console_dbcn = 0;        /* broken: use the legacy call from now on */
      break;
    }
    if (r.value == 0 && ++zero_progress > 1000) {
      g_console_dbcn = 0;
      break;
    }
    buf += r.value;
    n -= (size_t)r.value;
  }
  while (n--)
    sbi_legacy_console_putchar(*buf++);
}

static volatile int console_owner; /* hart id + 1, 0 = free */
static int console_depth;

static void console_lock(void)
{
  int me = (int)g_hartid() + 1;
  if (console_owner == me) {
    console_depth++;
    return;
  }
  while (__sync_val_compare_and_swap(&console_owner, 0, me) != 0)
    ;
  console_depth = 1;
}

static void console_unlock(void)
{
  if (--console_depth == 0)
    __sync_lock_release(&console_owner);
}

struct cbuf {
  unsigned n;
  char b[126];
};

static void cbuf_flush(struct cbuf *c)
{
  if (c->n)
    g_console_write(c->b, c->n);
  c->n = 0;
}

static void cbuf_put(char ch, void *ctx)
{
  struct cbuf *c = ctx;
  if (c->n + 2 > sizeof c->b)
    cbuf_flush(c);
  if (ch == '\n')
    c->b[c->n++] = '\r';
  c->b[c->n++] = ch;
}

int vprintf(const char *fmt, va_list ap)
{
  struct cbuf c;
  c.n = 0;
  console_lock();
  int n = rvh_vformat(cbuf_put, &c, fmt, ap);
  cbuf_flush(&c);
  console_unlock();
  return n;
}

int printf(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vprintf(fmt, ap);
  va_end(ap);
  return n;
}

/* puts and putchar do not go through printf (the compiler turns
 * printf("%s\n") into puts and printf("%c") into putchar). */
int puts(const char *s)
{
  struct cbuf c;
  c.n = 0;
  console_lock();
  while (*s)
    cbuf_put(*s++, &c);
  cbuf_put('\n', &c);
  cbuf_flush(&c);
  console_unlock();
  return 0;
}

int putchar(int ch)
{
  struct cbuf c;
  c.n = 0;
  console_lock();
  cbuf_put((char)ch, &c);
  cbuf_flush(&c);
  console_unlock();
  return (unsigned char)ch;
}

/* ------------------------------------------------------------------ finish */
void g_exit(int code)
{
  sbi_system_reset(SBI_SRST_SHUTDOWN,
                   code ? SBI_SRST_REASON_SYSTEM_FAILURE : SBI_SRST_REASON_NONE);
  sbi_legacy_shutdown();
  for (;;)
    g_wfi();
}

void g_test_begin(const char *name)
{
  g_test_name = name;
  struct sbiret v = sbi_get_spec_version();
  struct sbiret id = sbi_get_impl_id();
  printf("guest %s: hart %lu, dtb 0x%lx, SBI %ld.%ld (%s), console %s\n", name,
         g_hartid(), g_dtb, (v.value >> 24) & 0x7f, v.value & 0xffffff,
         sbi_impl_name(id.value), g_console_dbcn ? "DBCN" : "legacy putchar");
}

void g_test_done(const char *name)
{
  if (rvh_checks_failed == 0) {
    printf("PASS: %s (%u checks)\n", name, rvh_checks_run);
    g_exit(0);
  }
  printf("FAIL: %s (%u checks failed)\n", name, rvh_checks_failed);
  g_exit(1);
}

/* Called by gcrt.S on the boot hart before main. */
void g_lib_init(unsigned long hartid, unsigned long dtb)
{
  g_boot_hartid = hartid;
  g_dtb = dtb;
  struct sbiret r = sbi_probe_extension(SBI_EXT_DBCN);
  g_console_dbcn = r.error == SBI_SUCCESS && r.value != 0;
}

/* ------------------------------------------------------------------ traps */
volatile g_trap_hook_t g_trap_hook;
volatile struct g_trap_record g_trap;

void g_trap_arm(void)
{
  g_trap.count = 0;
  g_trap.cause = g_trap.epc = g_trap.tval = g_trap.status = 0;
  g_trap.insn_len = 0;
  __asm__ volatile("" ::: "memory");
  g_trap.armed = 1;
  __asm__ volatile("" ::: "memory");
}

void g_trap_disarm(void)
{
  __asm__ volatile("" ::: "memory");
  g_trap.armed = 0;
  __asm__ volatile("" ::: "memory");
}

void g_check_trap(uint64_t cause, uint64_t tval, const char *what,
                  const char *file, int line)
{
  int ok = g_trap.count == 1 && g_trap.cause == cause &&
           (tval == RVH_ANY_TVAL || g_trap.tval == tval);
  rvh_check(1, what, file, line); /* counts the check */
  if (ok)
    return;
  __atomic_fetch_add(&rvh_checks_failed, 1u, __ATOMIC_RELAXED);
  printf("%s:%d: EXPECT_TRAP(%s) failed: expected scause %lu", file, line, what,
         cause);
  if (tval != RVH_ANY_TVAL)
    printf(" stval 0x%lx", tval);
  if (g_trap.count == 0)
    printf(", got no trap\n");
  else
    printf(", got %d trap(s), last: scause %lu stval 0x%lx sepc 0x%lx\n",
           g_trap.count, g_trap.cause, g_trap.tval, g_trap.epc);
}

/* U-mode context per hart: the S sp saved by g_enter_user. */
static uint64_t user_ctx_sp[G_MAX_HARTS];
static int user_ctx_sie[G_MAX_HARTS];
uint64_t g_enter_user(g_user_fn fn, uint64_t arg, uint64_t usp, uint64_t *ctx_sp);
extern char g_user_return[];

uint64_t g_run_in_user(g_user_fn fn, uint64_t arg)
{
  unsigned long h = g_hartid();
  uint64_t usp = (uintptr_t)__hart_regions + h * G_HART_REGION + G_USTACK_OFF;
  user_ctx_sie[h] = (csr_read(sstatus) & MSTATUS_SIE) != 0;
  return g_enter_user(fn, arg, usp, &user_ctx_sp[h]);
}

static void unexpected_trap(struct g_trap_frame *f)
{
  int irq = (f->cause & CAUSE_INTERRUPT) != 0;
  printf("guest: unexpected %s on hart %lu from %s-mode: scause 0x%lx sepc 0x%lx "
         "stval 0x%lx sstatus 0x%lx\n",
         irq ? "interrupt" : "exception", g_hartid(),
         (f->status & MSTATUS_SPP) ? "S" : "U", f->cause, f->epc, f->tval,
         f->status);
  printf("FAIL: %s (unexpected trap, %u checks failed before)\n", g_test_name,
         rvh_checks_failed);
  g_exit(1);
}

/* Called by g_trap_entry (gcrt.S). */
void g_trap_handler(struct g_trap_frame *f)
{
  uint64_t cause = f->cause;
  int from = (f->status & MSTATUS_SPP) ? PRV_S : PRV_U;

  /* Return from g_run_in_user. */
  if (cause == CAUSE_USER_ECALL && from == PRV_U && f->x[17] == RVH_ECALL_MAGIC) {
    unsigned long h = g_hartid();
    f->x[2] = user_ctx_sp[h];
    f->epc = (uintptr_t)g_user_return;
    f->status |= MSTATUS_SPP;
    f->status &= ~MSTATUS_SPIE;
    if (user_ctx_sie[h])
      f->status |= MSTATUS_SPIE;
    return;
  }

  g_trap_hook_t hook = g_trap_hook;
  if (hook && hook(f))
    return;

  if (g_trap.armed && !(cause & CAUSE_INTERRUPT)) {
    g_trap.count = g_trap.count + 1;
    g_trap.from = from;
    g_trap.cause = cause;
    g_trap.epc = f->epc;
    g_trap.tval = f->tval;
    g_trap.status = f->status;
    if (g_trap.count > 16) {
      puts("guest: trap storm while a trap was expected");
      unexpected_trap(f);
    }
    if (cause == CAUSE_FETCH_ACCESS || cause == CAUSE_FETCH_PAGE_FAULT ||
        cause == CAUSE_MISALIGNED_FETCH) {
      g_trap.insn_len = 0;
      f->epc = f->x[1]; /* resume at the caller of the bad target */
    } else {
      /* Read the instruction at sepc (SUM for U pages under paging). */
      uint64_t lo;
      uint64_t sum = csr_set(sstatus, MSTATUS_SUM) & MSTATUS_SUM;
      __asm__ volatile("lhu %0, 0(%1)" : "=r"(lo) : "r"(f->epc) : "memory");
      if (!sum)
        csr_clear(sstatus, MSTATUS_SUM);
      unsigned len = (lo & 3) == 3 ? 4 : 2;
      g_trap.insn_len = len;
      f->epc += len;
    }
    return;
  }

  unexpected_trap(f);
}

/* ------------------------------------------------------------------ SMP */
static volatile g_hart_fn hart_fn[G_MAX_HARTS];
static volatile uint64_t hart_arg[G_MAX_HARTS];

struct sbiret g_start_hart(unsigned long hartid, g_hart_fn fn, uint64_t arg)
{
  if (hartid < G_MAX_HARTS) {
    hart_fn[hartid] = fn;
    hart_arg[hartid] = arg;
    __sync_synchronize();
  }
  return sbi_hart_start(hartid, (uintptr_t)g_secondary_entry, hartid);
}

/* Called by g_secondary_entry (gcrt.S) with a0 = hart id, a1 = opaque. */
void g_secondary_main(unsigned long hartid, unsigned long opaque)
{
  __sync_synchronize();
  g_hart_fn fn = hart_fn[hartid];
  if (fn)
    fn(hartid, hart_arg[hartid]);
  else
    printf("guest: hart %lu started without a function (opaque 0x%lx)\n",
           hartid, opaque);
  struct sbiret r = sbi_hart_stop();
  printf("guest: hart %lu: hart_stop returned %ld\n", hartid, r.error);
  for (;;)
    g_wfi();
}

/* ------------------------------------------------------------------ DTB */
#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

uint32_t g_dt_u32(const void *p)
{
  const uint8_t *b = p;
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static int streq(const char *a, const char *b)
{
  while (*a && *a == *b)
    a++, b++;
  return *a == *b;
}

/* Does node name `name` match path component [c, c+len)? */
static int comp_match(const char *name, const char *c, unsigned len)
{
  unsigned i;
  int has_at = 0;
  for (i = 0; i < len; i++) {
    if (c[i] == '@')
      has_at = 1;
    if (name[i] != c[i])
      return 0;
  }
  return name[i] == 0 || (!has_at && name[i] == '@');
}

const void *g_dt_prop(const char *path, const char *prop, uint32_t *lenp)
{
  const uint8_t *fdt = (const uint8_t *)(uintptr_t)g_dtb;
  if (!fdt || g_dt_u32(fdt) != FDT_MAGIC)
    return 0;
  const uint8_t *p = fdt + g_dt_u32(fdt + 8);
  const char *strings = (const char *)fdt + g_dt_u32(fdt + 12);
  /* Split the path into components. */
  const char *comp[8];
  unsigned clen[8], ncomp = 0;
  for (const char *s = path; *s;) {
    while (*s == '/')
      s++;
    if (!*s)
      break;
    if (ncomp == 8)
      return 0;
    comp[ncomp] = s;
    while (*s && *s != '/')
      s++;
    clen[ncomp] = (unsigned)(s - comp[ncomp]);
    ncomp++;
  }
  int depth = 0, matched = 0;
  for (;;) {
    uint32_t tok = g_dt_u32(p);
    p += 4;
    switch (tok) {
    case FDT_BEGIN_NODE: {
      const char *name = (const char *)p;
      unsigned n = 0;
      while (name[n])
        n++;
      p += (n + 1 + 3) & ~3u;
      depth++;
      if (depth >= 2 && matched == depth - 2 && depth - 2 < (int)ncomp &&
          comp_match(name, comp[depth - 2], clen[depth - 2]))
        matched = depth - 1;
      break;
    }
    case FDT_END_NODE:
      if (depth >= 2 && matched == depth - 1)
        matched = depth - 2;
      depth--;
      break;
    case FDT_PROP: {
      uint32_t len = g_dt_u32(p), nameoff = g_dt_u32(p + 4);
      const uint8_t *val = p + 8;
      p += 8 + ((len + 3) & ~3u);
      if (matched == (int)ncomp && depth - 1 == (int)ncomp &&
          streq(strings + nameoff, prop)) {
        if (lenp)
          *lenp = len;
        return val;
      }
      break;
    }
    case FDT_NOP:
      break;
    default: /* FDT_END or garbage */
      return 0;
    }
  }
}

uint64_t g_dt_timebase(void)
{
  uint32_t len;
  const void *p = g_dt_prop("/cpus", "timebase-frequency", &len);
  if (!p || len < 4)
    return RVH_TIMEBASE_HZ;
  return len >= 8 ? ((uint64_t)g_dt_u32(p) << 32 | g_dt_u32((const uint8_t *)p + 4))
                  : g_dt_u32(p);
}

const char *g_dt_cpu_isa(unsigned long hartid)
{
  char path[24] = "/cpus/cpu@";
  char digits[20];
  int n = 0;
  do {
    digits[n++] = (char)('0' + hartid % 10);
    hartid /= 10;
  } while (hartid);
  int i = 10;
  while (n)
    path[i++] = digits[--n];
  path[i] = 0;
  return g_dt_prop(path, "riscv,isa", 0);
}

int g_isa_has_ext(const char *isa, const char *ext)
{
  if (!isa)
    return 0;
  unsigned elen = 0;
  while (ext[elen])
    elen++;
  if (elen == 1) {
    /* single-letter: in the part after "rv64" up to the first '_' */
    const char *s = isa;
    if (s[0] == 'r' && s[1] == 'v')
      s += 2;
    while (*s >= '0' && *s <= '9')
      s++;
    for (; *s && *s != '_'; s++)
      if (*s == ext[0])
        return 1;
    return 0;
  }
  for (const char *s = isa; *s; s++) {
    if (*s != '_')
      continue;
    unsigned i = 0;
    while (i < elen && s[1 + i] == ext[i])
      i++;
    if (i == elen && (s[1 + i] == '_' || s[1 + i] == 0))
      return 1;
  }
  return 0;
}

int g_dt_mentions(const char *needle)
{
  const uint8_t *p = (const uint8_t *)(uintptr_t)g_dtb;
  if (!p || g_dt_u32(p) != FDT_MAGIC)
    return 0;
  uint32_t size = g_dt_u32(p + 4);
  if (size > 0x100000)
    size = 0x100000;
  unsigned n = 0;
  while (needle[n])
    n++;
  for (uint32_t i = 0; i + n <= size; i++) {
    unsigned j = 0;
    while (j < n && p[i + j] == (uint8_t)needle[j])
      j++;
    if (j == n)
      return 1;
  }
  return 0;
}

int g_on_qemu(void)
{
  static int cached = -1;
  if (cached < 0)
    cached = g_dt_mentions("qemu");
  return cached;
}

uintptr_t g_hole_gpa(void)
{
  return g_dt_mentions("pci-host-ecam-generic") ? 0x28000000UL : 0x40000000UL;
}

int g_dt_gpa_described(uint64_t gpa)
{
  const uint8_t *fdt = (const uint8_t *)(uintptr_t)g_dtb;
  if (!fdt || g_dt_u32(fdt) != FDT_MAGIC)
    return 0;
  const uint8_t *p = fdt + g_dt_u32(fdt + 8);
  const char *strings = (const char *)fdt + g_dt_u32(fdt + 12);
  int depth = 0, in_soc = 0; /* in_soc: depth of a "soc" node, 0 = none */
  for (;;) {
    uint32_t tok = g_dt_u32(p);
    p += 4;
    if (tok == FDT_BEGIN_NODE) {
      const char *name = (const char *)p;
      unsigned n = 0;
      while (name[n])
        n++;
      p += (n + 1 + 3) & ~3u;
      depth++;
      if (depth == 2 && name[0] == 's' && name[1] == 'o' && name[2] == 'c' &&
          (name[3] == 0 || name[3] == '@'))
        in_soc = depth;
    } else if (tok == FDT_END_NODE) {
      if (depth == in_soc)
        in_soc = 0;
      depth--;
    } else if (tok == FDT_PROP) {
      uint32_t len = g_dt_u32(p), nameoff = g_dt_u32(p + 4);
      const uint8_t *val = p + 8;
      p += 8 + ((len + 3) & ~3u);
      /* reg of a device: a child of / or of /soc (2 address + 2 size cells) */
      if ((depth == 2 || (in_soc && depth == in_soc + 1)) &&
          streq(strings + nameoff, "reg")) {
        for (uint32_t off = 0; off + 16 <= len; off += 16) {
          uint64_t base = (uint64_t)g_dt_u32(val + off) << 32 | g_dt_u32(val + off + 4);
          uint64_t size = (uint64_t)g_dt_u32(val + off + 8) << 32 | g_dt_u32(val + off + 12);
          if (gpa >= base && gpa - base < size)
            return 1;
        }
      }
    } else if (tok != FDT_NOP) {
      return 0;
    }
  }
}

int g_dt_memory(uint64_t *base, uint64_t *size)
{
  uint32_t len;
  const uint8_t *reg = g_dt_prop("/memory", "reg", &len);
  if (!reg || len < 16)
    return 0;
  *base = (uint64_t)g_dt_u32(reg) << 32 | g_dt_u32(reg + 4);
  *size = (uint64_t)g_dt_u32(reg + 8) << 32 | g_dt_u32(reg + 12);
  return 1;
}

const char *g_bootarg(const char *key)
{
  uint32_t len;
  const char *s = g_dt_prop("/chosen", "bootargs", &len);
  if (!s || !key || !*key)
    return 0;
  const char *end = s + len;
  while (s < end && *s) {
    while (s < end && *s == ' ')
      s++;
    const char *k = key;
    while (*k && s < end && *s == *k)
      s++, k++;
    if (!*k && s < end && *s == '=')
      return s + 1;
    while (s < end && *s && *s != ' ')
      s++;
  }
  return 0;
}

uint64_t g_bootarg_u64(const char *key, uint64_t fallback)
{
  const char *v = g_bootarg(key);
  if (!v || *v < '0' || *v > '9')
    return fallback;
  uint64_t n = 0;
  while (*v >= '0' && *v <= '9')
    n = n * 10 + (uint64_t)(*v++ - '0');
  return n;
}
