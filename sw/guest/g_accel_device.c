/* g_accel_device: sw/examples/accel_device.c as a guest of the hosted
 * hypervisor, with the library example's CRC-32 accelerator assigned to its
 * VM (examples/accel_soc.cpp --guest; docs/library.md "Giving the device to
 * a guest", docs/io.md "Device assignment"). VS-mode, vCPU 0. Checks:
 *  - the guest device tree has the device's node (compatible
 *    "rvhvp-example,crc-accel", reg 0x10010000 + 0x1000, interrupts 12);
 *  - the ID and reset state (after waiting wait_ms=N ms of guest time first,
 *    so that a neighbour VM on the same hart has run: its writes, had they
 *    reached the device, would show here);
 *  - a polled run gives the CRC-32 check value of "123456789"; with IRQ_EN
 *    clear nothing reaches the virtual PLIC;
 *  - an interrupt-driven run over 1000 bytes arrives once, through the
 *    virtual PLIC's S-mode context of vCPU 0 (context 1) with claim = 12,
 *    no earlier than the device's compute time, with the CRC this program
 *    computes itself; completing the claim with DONE cleared leaves nothing
 *    pending;
 *  - bad accesses are access faults (the hypervisor redirects them).
 * The device's registers are mapped into the VM's G-stage: none of these
 * accesses is an exit. The program counts them and prints the count for
 * the test to compare with the VM's MMIO exits. Runs only on accel_soc.
 */
#include "guest.h"

#include "../examples/accel_regs.h"

/* The VM's virtual PLIC (as QEMU virt's): context 1 is vCPU 0's S-mode
 * context (VS-mode for the vCPU). */
#define PLIC_CTX          1
#define PLIC_PRIORITY(s)  (G_PLIC_BASE + 4UL * (s))
#define PLIC_PENDING0     (G_PLIC_BASE + 0x1000UL)
#define PLIC_ENABLE       (G_PLIC_BASE + 0x2000UL + 0x80UL * PLIC_CTX)
#define PLIC_THRESHOLD    (G_PLIC_BASE + 0x200000UL + 0x1000UL * PLIC_CTX)
#define PLIC_CLAIM        (PLIC_THRESHOLD + 4)

/* Every device register access goes through these, to be counted. The
 * counter is volatile: with a plain one, GCC 12.2 -O2 sinks its update out
 * of accel_load's word loop and stores the last DATA word to the device a
 * second time after the loop (a volatile store duplicated). */
static volatile unsigned long accesses;
static uint32_t rd(unsigned off)
{
  accesses = accesses + 1;
  return MMIO32(ACCEL_BASE + off);
}
static void wr(unsigned off, uint32_t v)
{
  accesses = accesses + 1;
  MMIO32(ACCEL_BASE + off) = v;
}
static void wr8(unsigned off, uint8_t v)
{
  accesses = accesses + 1;
  MMIO8(ACCEL_BASE + off) = v;
}

static volatile unsigned n_irq;
static volatile uint32_t irq_claimed, irq_status, irq_result;
static volatile uint64_t irq_time;

/* Supervisor external interrupt (the virtual PLIC): claim, read the
 * device, clear DONE, complete. */
static int irq_hook(struct g_trap_frame *f)
{
  if (f->cause != (CAUSE_INTERRUPT | IRQ_S_EXT))
    return 0;
  irq_time = g_rdtime();
  uint32_t src = MMIO32(PLIC_CLAIM);
  irq_claimed = src;
  if (src == ACCEL_IRQ) {
    irq_status = rd(ACCEL_STATUS);
    irq_result = rd(ACCEL_RESULT);
    wr(ACCEL_STATUS, STATUS_DONE); /* drop the line before completing */
  }
  MMIO32(PLIC_CLAIM) = src;
  n_irq = n_irq + 1;
  return 1;
}

/* Whole words through 32-bit writes, the tail byte by byte. */
static void accel_load(const uint8_t *p, size_t n)
{
  size_t i = 0;
  for (; i + 4 <= n; i += 4)
    wr(ACCEL_DATA, (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 |
                   (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24);
  for (; i < n; i++)
    wr8(ACCEL_DATA, p[i]);
}

static int wait_done_polling(void)
{
  for (int i = 0; i < 1000000; i++)
    if (rd(ACCEL_STATUS) & STATUS_DONE)
      return 1;
  return 0;
}

static int plic_pending(unsigned src)
{
  return (MMIO32(PLIC_PENDING0 + 4 * (src / 32)) >> (src % 32)) & 1;
}

/* WFI with sstatus.SIE = 0 until `ms` of guest time have passed: the hart
 * is free for another VM meanwhile. */
static void sleep_ms(uint64_t ms)
{
  const uint64_t end = g_rdtime() + ms * g_dt_timebase() / 1000;
  csr_clear(sstatus, MSTATUS_SIE);
  csr_set(sie, MIP_STIP);
  sbi_set_timer(end);
  while (g_rdtime() < end)
    g_wfi();
  sbi_set_timer(~0UL); /* clears sip.STIP */
  csr_clear(sie, MIP_STIP);
}

static void test_device_tree(void)
{
  uint32_t len = 0;
  const char *compat = g_dt_prop("/soc/crc_accel", "compatible", &len);
  CHECK(compat != 0);
  if (compat) {
    static const char want[] = "rvhvp-example,crc-accel";
    CHECK_EQ(len, sizeof want);
    int same = len == sizeof want;
    for (unsigned i = 0; same && i < len; i++)
      same = compat[i] == want[i];
    CHECK(same);
  }
  const uint8_t *reg = g_dt_prop("/soc/crc_accel", "reg", &len);
  CHECK_EQ(len, 16);
  if (reg && len == 16) {
    CHECK_EQ((uint64_t)g_dt_u32(reg) << 32 | g_dt_u32(reg + 4), ACCEL_BASE);
    CHECK_EQ((uint64_t)g_dt_u32(reg + 8) << 32 | g_dt_u32(reg + 12), ACCEL_SIZE);
  }
  const void *irq = g_dt_prop("/soc/crc_accel", "interrupts", &len);
  CHECK(irq != 0 && len == 4);
  if (irq && len == 4)
    CHECK_EQ(g_dt_u32(irq), ACCEL_IRQ);
  CHECK(g_dt_gpa_described(ACCEL_BASE));
}

static void test_reset_state(void)
{
  CHECK_EQ(rd(ACCEL_ID), 0x43524341);
  CHECK_EQ(rd(ACCEL_STATUS), 0);
  CHECK_EQ(rd(ACCEL_COUNT), 0);
  CHECK_EQ(rd(ACCEL_CTRL), 0);
  CHECK_NE(rd(ACCEL_LATENCY), 0);
  INFO("reset state: ID, STATUS 0, COUNT 0, CTRL 0");
}

static void test_polled_check_value(void)
{
  static const char check[] = "123456789";
  wr(ACCEL_CMD, CMD_CLEAR);
  accel_load((const uint8_t *)check, 9);
  CHECK_EQ(rd(ACCEL_COUNT), 9);
  wr(ACCEL_CTRL, 0);
  n_irq = 0;
  wr(ACCEL_CMD, CMD_START);
  CHECK(wait_done_polling());
  CHECK_EQ(rd(ACCEL_RESULT), 0xcbf43926); /* the CRC-32 check value */
  CHECK_EQ(n_irq, 0);
  CHECK_EQ(plic_pending(ACCEL_IRQ), 0); /* IRQ_EN = 0: nothing was injected */
  wr(ACCEL_STATUS, STATUS_DONE);
  CHECK_EQ(rd(ACCEL_STATUS), 0);
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
  const uint64_t ns_per_tick = 1000000000UL / g_dt_timebase();
  const uint64_t compute_ticks = sizeof buf * rd(ACCEL_LATENCY) / ns_per_tick;

  wr(ACCEL_CMD, CMD_CLEAR);
  accel_load(buf, sizeof buf);
  CHECK_EQ(rd(ACCEL_COUNT), sizeof buf);
  wr(ACCEL_CTRL, CTRL_IRQ_EN);

  MMIO32(PLIC_PRIORITY(ACCEL_IRQ)) = 1;
  MMIO32(PLIC_ENABLE + 4 * (ACCEL_IRQ / 32)) = 1u << (ACCEL_IRQ % 32);
  MMIO32(PLIC_THRESHOLD) = 0;
  n_irq = 0;
  csr_clear(sstatus, MSTATUS_SIE);
  csr_write(sie, MIP_SEIP);

  const uint64_t t0 = g_rdtime();
  wr(ACCEL_CMD, CMD_START);
  CHECK_EQ(rd(ACCEL_STATUS), STATUS_BUSY);
  CHECK_EQ(rd(ACCEL_RESULT), 0);
  /* WFI wakes on the pending interrupt even with SIE = 0; then take it. */
  for (int i = 0; i < 1000 && n_irq == 0; i++) {
    g_wfi();
    csr_set(sstatus, MSTATUS_SIE);
    csr_clear(sstatus, MSTATUS_SIE);
  }
  csr_write(sie, 0);

  CHECK_EQ(n_irq, 1);
  CHECK_EQ(irq_claimed, ACCEL_IRQ);
  CHECK_EQ(irq_status, STATUS_DONE);
  CHECK_EQ(irq_result, expected);
  CHECK(irq_time - t0 >= compute_ticks);
  INFO("1000 bytes: interrupt %u ticks after START (device compute time %u ticks)",
       (unsigned)(irq_time - t0), (unsigned)compute_ticks);
  /* DONE cleared and the claim completed: nothing left. */
  CHECK_EQ(rd(ACCEL_STATUS), 0);
  CHECK_EQ(plic_pending(ACCEL_IRQ), 0);
  CHECK_EQ(csr_read(sip) & MIP_SEIP, 0);
  CHECK_EQ(rd(ACCEL_RESULT), expected);
  wr(ACCEL_CTRL, 0);
}

static void test_bad_accesses(void)
{
  volatile uint32_t v = 0;
  EXPECT_TRAP(CAUSE_LOAD_ACCESS, ACCEL_BASE + 0x800, v = rd(0x800));
  EXPECT_TRAP(CAUSE_LOAD_ACCESS, ACCEL_BASE + ACCEL_ID, v = MMIO8(ACCEL_BASE + ACCEL_ID));
  /* START while BUSY is refused (1000 bytes are still loaded) */
  wr(ACCEL_CMD, CMD_START);
  EXPECT_TRAP(CAUSE_STORE_ACCESS, ACCEL_BASE + ACCEL_CMD, wr(ACCEL_CMD, CMD_START));
  CHECK(wait_done_polling());
  wr(ACCEL_STATUS, STATUS_DONE);
  (void)v;
}

int main(unsigned long hartid, unsigned long dtb)
{
  (void)dtb;
  g_test_begin("g_accel_device");
  CHECK_EQ(hartid, 0);
  g_trap_hook = irq_hook;
  test_device_tree();
  const uint64_t wait = g_bootarg_u64("wait_ms", 0);
  if (wait) {
    INFO("waiting %u ms before touching the device", (unsigned)wait);
    sleep_ms(wait);
  }
  test_reset_state();
  test_polled_check_value();
  test_interrupt_driven();
  test_bad_accesses();
  INFO("%lu device register accesses", accesses);
  g_test_done("g_accel_device");
}
