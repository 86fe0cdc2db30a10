/* bench_mmio: MMIO read and write, emulated in the hypervisor (the virtual
 * PLIC: KVM's mmio_exit_kernel, an in-kernel irqchip) vs forwarded to the
 * VMM side (the virtual 16550: mmio_exit_user, as kvmtool's 8250). The PLIC
 * register is priority[10] (the UART's source), the UART register the
 * scratch register SCR; neither changes anything else. Each access is a
 * guest-page fault on an unmapped GPA: world switch + MMIO emulation. */
#include "bench_lib.h"

#define WARMUP 20
#define ITERS  500
#define PLIC_PRIO10 ((volatile uint32_t *)(G_PLIC_BASE + 4 * G_UART_IRQ))
#define UART_SCR    ((volatile uint8_t *)(G_UART_BASE + 7))

static void plic_read(int n, uint32_t *out)
{
  uint32_t v = 0;
  for (int i = 0; i < n; i++)
    v += *PLIC_PRIO10;
  *out = v;
}
static void plic_write(int n, uint32_t *out)
{
  for (int i = 0; i < n; i++)
    *PLIC_PRIO10 = (uint32_t)i & 7;
  *out = *PLIC_PRIO10;
}
static void uart_read(int n, uint32_t *out)
{
  uint32_t v = 0;
  for (int i = 0; i < n; i++)
    v += *UART_SCR;
  *out = v;
}
static void uart_write(int n, uint32_t *out)
{
  for (int i = 0; i < n; i++)
    *UART_SCR = (uint8_t)i;
  *out = *UART_SCR;
}

static void run(const char *name, void (*op)(int, uint32_t *), uint32_t *result)
{
  op(WARMUP, result);
  bench_begin(name);
  uint64_t c0 = bench_cycle(), t0 = g_rdtime();
  op(ITERS, result);
  uint64_t c1 = bench_cycle(), t1 = g_rdtime();
  bench_end(ITERS);
  bench_report(name, "loop", ITERS, c1 - c0, t1 - t0, "");
}

int main(unsigned long hartid, unsigned long dtb)
{
  g_test_begin("bench_mmio");
  bench_init();
  uint32_t r = 0, prio = *PLIC_PRIO10;
  *UART_SCR = 0x5a;
  CHECK_EQ(*UART_SCR, 0x5a);                 /* the register is there */

  *PLIC_PRIO10 = 3;
  run("mmio_plic_read", plic_read, &r);
  CHECK_EQ(r, 3u * ITERS);
  run("mmio_plic_write", plic_write, &r);
  CHECK_EQ(r, (ITERS - 1) & 7);
  *UART_SCR = 2;
  run("mmio_uart_read", uart_read, &r);
  CHECK_EQ(r, 2u * ITERS);
  run("mmio_uart_write", uart_write, &r);
  CHECK_EQ(r, (ITERS - 1) & 0xff);
  *PLIC_PRIO10 = prio;
  g_test_done("bench_mmio");
}
