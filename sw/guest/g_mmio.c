/* g_mmio: device registers accessed directly by the guest.
 *  UART 16550 at 0x10000000 (1-byte registers: LB/LBU/SB only):
 *   - SCR (offset 7) round-trips 0x00/0x5a/0xa5/0xff; 0x80 reads back as
 *     -128 with LB and 128 with LBU (sign extension done by the load);
 *   - LSR has THRE (and TEMT) set when idle; IER round-trips; LCR = 8N1
 *     (0x03) reads back;
 *   - a line printed through THR directly, polling LSR.THRE.
 *  PLIC at 0xc000000 (32-bit registers: LW/LWU/SW, and C.LW/C.SW):
 *   - priority of source 10 (the UART) round-trips;
 *   - the enable bit of source 10 in this hart's S context (context
 *     2*hart+1, as on QEMU virt) sets and clears; a high enable bit, if
 *     implemented, shows LW sign extension;
 *   - the S-context threshold round-trips; claim reads 0 with nothing
 *     pending.
 *  Compressed loads/stores on RAM (C.LW/C.SW/C.LD/C.SD/C.LWSP/C.SDSP...),
 *  and a line through the SBI console (DBCN or legacy) for comparison. */
#include "guest.h"

#define UART_THR 0
#define UART_IER 1
#define UART_LCR 3
#define UART_LSR 5
#define UART_SCR 7
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define PLIC_PRIO(src)        (G_PLIC_BASE + 4UL * (src))
#define PLIC_ENABLE(ctx)      (G_PLIC_BASE + 0x2000UL + 0x80UL * (ctx))
#define PLIC_THRESHOLD(ctx)   (G_PLIC_BASE + 0x200000UL + 0x1000UL * (ctx))
#define PLIC_CLAIM(ctx)       (PLIC_THRESHOLD(ctx) + 4)

static inline int64_t lb(uintptr_t a)
{
  int64_t v;
  __asm__ volatile("lb %0, 0(%1)" : "=r"(v) : "r"(a) : "memory");
  return v;
}
static inline uint64_t lbu(uintptr_t a)
{
  uint64_t v;
  __asm__ volatile("lbu %0, 0(%1)" : "=r"(v) : "r"(a) : "memory");
  return v;
}
static inline void sb(uintptr_t a, uint64_t v)
{
  __asm__ volatile("sb %1, 0(%0)" : : "r"(a), "r"(v) : "memory");
}
static inline int64_t lw(uintptr_t a)
{
  int64_t v;
  __asm__ volatile("lw %0, 0(%1)" : "=r"(v) : "r"(a) : "memory");
  return v;
}
static inline uint64_t lwu(uintptr_t a)
{
  uint64_t v;
  __asm__ volatile("lwu %0, 0(%1)" : "=r"(v) : "r"(a) : "memory");
  return v;
}
static inline void sw(uintptr_t a, uint64_t v)
{
  __asm__ volatile("sw %1, 0(%0)" : : "r"(a), "r"(v) : "memory");
}
/* Compressed 32-bit load/store: operands in x8-x15. */
static inline int64_t c_lw(uintptr_t a)
{
  register uintptr_t ra_ __asm__("a0") = a - 4;
  register int64_t v __asm__("a1");
  __asm__ volatile(".option push\n.option rvc\nc.lw %0, 4(%1)\n.option pop"
                   : "=r"(v) : "r"(ra_) : "memory");
  return v;
}
static inline void c_sw(uintptr_t a, uint64_t v)
{
  register uintptr_t ra_ __asm__("a0") = a - 4;
  register uint64_t rv __asm__("a1") = v;
  __asm__ volatile(".option push\n.option rvc\nc.sw %1, 4(%0)\n.option pop"
                   : : "r"(ra_), "r"(rv) : "memory");
}
static inline uint64_t c_ld(uintptr_t a)
{
  register uintptr_t ra_ __asm__("a2") = a - 8;
  register uint64_t v __asm__("a3");
  __asm__ volatile(".option push\n.option rvc\nc.ld %0, 8(%1)\n.option pop"
                   : "=r"(v) : "r"(ra_) : "memory");
  return v;
}
static inline void c_sd(uintptr_t a, uint64_t v)
{
  register uintptr_t ra_ __asm__("a2") = a - 8;
  register uint64_t rv __asm__("a3") = v;
  __asm__ volatile(".option push\n.option rvc\nc.sd %1, 8(%0)\n.option pop"
                   : : "r"(ra_), "r"(rv) : "memory");
}

static void uart_direct_putc(char c)
{
  uint64_t t = g_rdtime();
  while (!(lbu(G_UART_BASE + UART_LSR) & LSR_THRE) && g_rdtime() - t < g_dt_timebase())
    ;
  sb(G_UART_BASE + UART_THR, (uint8_t)c);
}

static void uart_direct_puts(const char *s)
{
  for (; *s; s++) {
    if (*s == '\n')
      uart_direct_putc('\r');
    uart_direct_putc(*s);
  }
}

static void test_uart(void)
{
  const uintptr_t u = G_UART_BASE;
  static const uint8_t vals[] = {0x00, 0x5a, 0xa5, 0xff, 0x01};
  for (unsigned i = 0; i < sizeof vals; i++) {
    sb(u + UART_SCR, vals[i]);
    CHECK_EQ(lbu(u + UART_SCR), vals[i]);
  }
  sb(u + UART_SCR, 0x80);
  int64_t s = lb(u + UART_SCR);
  uint64_t z = lbu(u + UART_SCR);
  CHECK_EQ(s, -128);
  CHECK_EQ(z, 128);
  printf("uart SCR: 0x80 -> lb %ld, lbu %lu\n", s, z);

  /* LSR: THRE/TEMT once the transmitter drained. */
  uint64_t t = g_rdtime(), lsr;
  do
    lsr = lbu(u + UART_LSR);
  while ((lsr & (LSR_THRE | LSR_TEMT)) != (LSR_THRE | LSR_TEMT) &&
         g_rdtime() - t < g_dt_timebase());
  CHECK(lsr & LSR_THRE);
  CHECK(lsr & LSR_TEMT);
  /* LCR: firmware may have set 8N1 already, a hypervisor's guest sees the
   * reset value 0; either way writing 8N1 (DLAB = 0) reads back. */
  uint64_t lcr = lbu(u + UART_LCR);
  sb(u + UART_LCR, 0x03);
  CHECK_EQ(lbu(u + UART_LCR), 0x03);
  uint64_t ier = lbu(u + UART_IER);
  sb(u + UART_IER, 0x00);
  CHECK_EQ(lbu(u + UART_IER), 0x00);
  sb(u + UART_IER, ier);
  CHECK_EQ(lbu(u + UART_IER), ier);
  printf("uart LSR 0x%02lx, LCR was 0x%02lx, IER 0x%02lx\n", lsr, lcr, ier);

  uart_direct_puts("uart: this line was written to THR directly\n");
}

static void test_plic(unsigned long hartid)
{
  const unsigned src = G_UART_IRQ;
  const unsigned ctx = 2 * hartid + 1;   /* S context (QEMU virt layout) */
  uint64_t prio0 = lwu(PLIC_PRIO(src));
  for (uint64_t p = 1; p <= 3; p++) {
    sw(PLIC_PRIO(src), p);
    CHECK_EQ(lw(PLIC_PRIO(src)), p);
  }
  c_sw(PLIC_PRIO(src), 2);
  CHECK_EQ(c_lw(PLIC_PRIO(src)), 2);
  CHECK_EQ(lwu(PLIC_PRIO(src)), 2);
  sw(PLIC_PRIO(src), prio0);
  printf("plic priority[%u]: round-trips (LW/SW and C.LW/C.SW), was %lu\n", src,
         prio0);

  uint64_t en0 = lwu(PLIC_ENABLE(ctx));
  sw(PLIC_ENABLE(ctx), en0 | (1UL << src));
  CHECK_EQ(lwu(PLIC_ENABLE(ctx)) & (1UL << src), 1UL << src);
  sw(PLIC_ENABLE(ctx), en0 & ~(1UL << src));
  CHECK_EQ(lwu(PLIC_ENABLE(ctx)) & (1UL << src), 0);
  /* Source 31: LW sign-extends bit 31 if the source exists. */
  sw(PLIC_ENABLE(ctx), (1UL << 31) | (1UL << src));
  uint64_t enu = lwu(PLIC_ENABLE(ctx));
  int64_t ens = lw(PLIC_ENABLE(ctx));
  CHECK(enu & (1UL << src));
  CHECK_EQ(enu >> 32, 0);                 /* LWU zero-extends */
  if (enu & (1UL << 31))
    CHECK_EQ((uint64_t)ens, 0xffffffff00000000UL | enu);
  printf("plic enable[ctx %u]: bit %u sets/clears; bit 31 %s (lw 0x%lx lwu 0x%lx)\n",
         ctx, src, enu & (1UL << 31) ? "implemented" : "read-only 0", (uint64_t)ens,
         enu);
  sw(PLIC_ENABLE(ctx), en0);

  uint64_t th0 = lwu(PLIC_THRESHOLD(ctx));
  sw(PLIC_THRESHOLD(ctx), 1);
  CHECK_EQ(lwu(PLIC_THRESHOLD(ctx)), 1);
  sw(PLIC_THRESHOLD(ctx), 0);
  CHECK_EQ(lwu(PLIC_THRESHOLD(ctx)), 0);
  sw(PLIC_THRESHOLD(ctx), th0);
  uint64_t claim = lwu(PLIC_CLAIM(ctx));
  CHECK_EQ(claim, 0);                      /* nothing enabled and pending */
  printf("plic threshold[ctx %u] round-trips (was %lu), claim %lu\n", ctx, th0,
         claim);
}

static void test_compressed_ram(void)
{
  static volatile uint64_t buf[4] __attribute__((aligned(16)));
  uintptr_t a = (uintptr_t)buf;
  buf[0] = 0;
  c_sw(a, 0x87654321);
  CHECK_EQ(buf[0], 0x87654321);
  CHECK_EQ(c_lw(a), 0xffffffff87654321UL);   /* c.lw sign-extends */
  c_sd(a + 8, 0x0123456789abcdefUL);
  CHECK_EQ(buf[1], 0x0123456789abcdefUL);
  CHECK_EQ(c_ld(a + 8), 0x0123456789abcdefUL);
  /* Stack-pointer forms. */
  uint64_t r1, r2;
  __asm__ volatile(".option push\n.option rvc\n"
                   "addi sp, sp, -16\n"
                   "c.sdsp %2, 0(sp)\n"
                   "c.swsp %3, 8(sp)\n"
                   "c.ldsp %0, 0(sp)\n"
                   "c.lwsp %1, 8(sp)\n"
                   "addi sp, sp, 16\n"
                   ".option pop"
                   : "=&r"(r1), "=&r"(r2)
                   : "r"(0xfedcba9876543210UL), "r"(0x80000001UL)
                   : "memory");
  CHECK_EQ(r1, 0xfedcba9876543210UL);
  CHECK_EQ(r2, 0xffffffff80000001UL);
  puts("ram: c.lw/c.sw/c.ld/c.sd/c.ldsp/c.sdsp/c.lwsp/c.swsp ok");
}

int main(unsigned long hartid, unsigned long dtb)
{
  g_test_begin("g_mmio");
  test_uart();
  test_plic(hartid);
  test_compressed_ram();
  printf("console: this line went through SBI %s\n",
         g_console_dbcn ? "DBCN console_write" : "legacy console_putchar");
  g_test_done("g_mmio");
}
