/* accel_device: drives the CRC-32 accelerator of the library example
 * (examples/crc_accelerator.h, attached by examples/accel_soc.cpp at
 * 0x10010000 with its interrupt on PLIC source 12; docs/library.md).
 * M-mode on hart 0. Checks: the ID and reset state; a polled run gives the
 * standard CRC-32 check value of "123456789"; with IRQ_EN clear the line
 * never reaches the PLIC; an interrupt-driven run over 1000 bytes arrives
 * once, through the PLIC's M-mode context of hart 0 (claim = 12), no
 * earlier than the device's modelled compute time, with the CRC the
 * program computes itself; completing the claim with DONE cleared leaves
 * nothing pending; bad accesses are access faults. Ends with PASS and the
 * test finisher. Runs only on accel_soc (not on plain rvh-vp or QEMU).
 */
#include "rvh.h"

#include "accel_regs.h"
#define ACCEL(off)     MMIO32(ACCEL_BASE + (off))

/* PLIC (peripherals/plic.h): context 0 is hart 0's M-mode context. */
#define PLIC_PRIORITY(s)  (RVH_PLIC_BASE + 4 * (s))
#define PLIC_PENDING0     (RVH_PLIC_BASE + 0x1000)
#define PLIC_ENABLE0      (RVH_PLIC_BASE + 0x2000)
#define PLIC_THRESHOLD0   (RVH_PLIC_BASE + 0x200000)
#define PLIC_CLAIM0       (RVH_PLIC_BASE + 0x200004)

#define NS_PER_TICK (1000000000UL / RVH_TIMEBASE_HZ)

static volatile unsigned n_irq;
static volatile uint32_t irq_claimed, irq_status, irq_result;
static volatile uint64_t irq_mtime;

/* Machine external interrupt: claim, read the device, clear DONE, complete. */
static int irq_hook(struct trap_frame *f, int level)
{
  if (f->cause != (CAUSE_INTERRUPT | IRQ_M_EXT) || level != RVH_LEVEL_M)
    return 0;
  irq_mtime = read_mtime();
  uint32_t src = MMIO32(PLIC_CLAIM0);
  irq_claimed = src;
  if (src == ACCEL_IRQ) {
    irq_status = ACCEL(ACCEL_STATUS);
    irq_result = ACCEL(ACCEL_RESULT);
    ACCEL(ACCEL_STATUS) = STATUS_DONE; /* drop the line before completing */
  }
  MMIO32(PLIC_CLAIM0) = src;
  n_irq = n_irq + 1;
  return 1;
}

/* Whole words through 32-bit writes, the tail byte by byte. */
static void accel_load(const uint8_t *p, size_t n)
{
  size_t i = 0;
  for (; i + 4 <= n; i += 4)
    ACCEL(ACCEL_DATA) = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 |
                        (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24;
  for (; i < n; i++)
    MMIO8(ACCEL_BASE + ACCEL_DATA) = p[i];
}

static int wait_done_polling(void)
{
  for (int i = 0; i < 1000000; i++)
    if (ACCEL(ACCEL_STATUS) & STATUS_DONE)
      return 1;
  return 0;
}

static int plic_pending(unsigned src)
{
  return (MMIO32(PLIC_PENDING0 + 4 * (src / 32)) >> (src % 32)) & 1;
}

static void test_reset_state(void)
{
  CHECK_EQ(ACCEL(ACCEL_ID), 0x43524341);
  CHECK_EQ(ACCEL(ACCEL_STATUS), 0);
  CHECK_EQ(ACCEL(ACCEL_COUNT), 0);
  CHECK_EQ(ACCEL(ACCEL_CTRL), 0);
  CHECK_NE(ACCEL(ACCEL_LATENCY), 0);
}

static void test_polled_check_value(void)
{
  static const char check[] = "123456789";
  ACCEL(ACCEL_CMD) = CMD_CLEAR;
  accel_load((const uint8_t *)check, 9);
  CHECK_EQ(ACCEL(ACCEL_COUNT), 9);
  ACCEL(ACCEL_CTRL) = 0;
  n_irq = 0;
  ACCEL(ACCEL_CMD) = CMD_START;
  CHECK(wait_done_polling());
  CHECK_EQ(ACCEL(ACCEL_RESULT), 0xcbf43926); /* the CRC-32 check value */
  CHECK_EQ(n_irq, 0);
  CHECK_EQ(plic_pending(ACCEL_IRQ), 0); /* IRQ_EN = 0: the line stayed low */
  ACCEL(ACCEL_STATUS) = STATUS_DONE;
  CHECK_EQ(ACCEL(ACCEL_STATUS), 0);
}

static void test_interrupt_driven(void)
{
  static uint8_t buf[1000];
  uint32_t x = 0x12345678;
  for (size_t i = 0; i < sizeof buf; i++) {
    x = x * 1664525u + 1013904223u;
    buf[i] = (uint8_t)(x >> 24);
  }
  const uint32_t expected = crc32_sw(buf, sizeof buf);
  const uint64_t compute_ticks = sizeof buf * ACCEL(ACCEL_LATENCY) / NS_PER_TICK;

  ACCEL(ACCEL_CMD) = CMD_CLEAR;
  accel_load(buf, sizeof buf);
  CHECK_EQ(ACCEL(ACCEL_COUNT), sizeof buf);
  ACCEL(ACCEL_CTRL) = CTRL_IRQ_EN;

  MMIO32(PLIC_PRIORITY(ACCEL_IRQ)) = 1;
  MMIO32(PLIC_ENABLE0 + 4 * (ACCEL_IRQ / 32)) = 1u << (ACCEL_IRQ % 32);
  MMIO32(PLIC_THRESHOLD0) = 0;
  n_irq = 0;
  csr_clear(mstatus, MSTATUS_MIE);
  csr_write(mie, MIP_MEIP);

  const uint64_t t0 = read_mtime();
  ACCEL(ACCEL_CMD) = CMD_START;
  CHECK_EQ(ACCEL(ACCEL_STATUS), STATUS_BUSY);
  CHECK_EQ(ACCEL(ACCEL_RESULT), 0);
  /* WFI wakes on the pending interrupt even with MIE = 0; then take it. */
  for (int i = 0; i < 1000 && n_irq == 0; i++) {
    __asm__ volatile("wfi");
    csr_set(mstatus, MSTATUS_MIE);
    csr_clear(mstatus, MSTATUS_MIE);
  }
  csr_write(mie, 0);

  CHECK_EQ(n_irq, 1);
  CHECK_EQ(irq_claimed, ACCEL_IRQ);
  CHECK_EQ(irq_status, STATUS_DONE);
  CHECK_EQ(irq_result, expected);
  CHECK(irq_mtime - t0 >= compute_ticks);
  INFO("1000 bytes: interrupt %u ticks after START (device compute time %u ticks)",
       (unsigned)(irq_mtime - t0), (unsigned)compute_ticks);
  /* DONE cleared and the claim completed: nothing left. */
  CHECK_EQ(ACCEL(ACCEL_STATUS), 0);
  CHECK_EQ(plic_pending(ACCEL_IRQ), 0);
  CHECK_EQ(csr_read(mip) & MIP_MEIP, 0);
  CHECK_EQ(ACCEL(ACCEL_RESULT), expected);
  ACCEL(ACCEL_CTRL) = 0;
}

static void test_bad_accesses(void)
{
  volatile uint32_t v = 0;
  EXPECT_TRAP(CAUSE_LOAD_ACCESS, ACCEL_BASE + 0x800, v = ACCEL(0x800));
  EXPECT_TRAP(CAUSE_LOAD_ACCESS, ACCEL_BASE + ACCEL_ID, v = MMIO8(ACCEL_BASE + ACCEL_ID));
  /* START while BUSY is refused (1000 bytes are still loaded) */
  ACCEL(ACCEL_CMD) = CMD_START;
  EXPECT_TRAP(CAUSE_STORE_ACCESS, ACCEL_BASE + ACCEL_CMD, ACCEL(ACCEL_CMD) = CMD_START);
  CHECK(wait_done_polling());
  ACCEL(ACCEL_STATUS) = STATUS_DONE;
  (void)v;
}

int main(void)
{
  rvh_trap_hook = irq_hook;
  test_reset_state();
  test_polled_check_value();
  test_interrupt_driven();
  test_bad_accesses();
  rvh_test_done("accel_device");
}
