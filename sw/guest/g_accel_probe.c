/* g_accel_probe: the VM next to the one the library example's accelerator
 * is assigned to (examples/accel_soc.cpp --guest ... --neighbour; docs/io.md
 * "Device assignment"). Nothing is assigned to this VM, so the device's
 * guest-physical page 0x10010000 is not in its G-stage: every access there
 * exits to the hypervisor, which finds no device of this VM (an unmapped
 * MMIO access: reads give 0, writes are dropped). Checks:
 *  - its device tree has no accelerator node and describes nothing at
 *    0x10010000;
 *  - every register of the device's page reads 0 (never the ID 0x43524341),
 *    with no trap;
 *  - writes that would change the device if they reached it (CTRL = IRQ_EN,
 *    DATA words and a byte, CMD START, STATUS) take no trap and reading
 *    back still gives 0.
 * That the writes did not reach the device is checked by the owner
 * (g_accel_device waits wait_ms before it checks the reset state) and by
 * accel_soc's count of accelerator runs.
 */
#include "guest.h"

#include "../examples/accel_regs.h"

#define ACCEL_ID_VALUE 0x43524341u
#define ACCEL_REGS     8 /* ID .. LATENCY, 4 bytes apart */

static void test_device_tree(void)
{
  CHECK(g_dt_prop("/soc/crc_accel", "compatible", 0) == 0);
  CHECK(!g_dt_mentions("crc-accel"));
  CHECK(!g_dt_gpa_described(ACCEL_BASE));
}

static void test_reads(void)
{
  unsigned zero = 0;
  for (unsigned r = 0; r < ACCEL_REGS; r++) {
    volatile uint32_t v = 0xdeadbeef;
    EXPECT_NO_TRAP(v = MMIO32(ACCEL_BASE + 4 * r));
    CHECK_EQ(v, 0);
    CHECK_NE(v, ACCEL_ID_VALUE);
    zero += v == 0;
  }
  INFO("%u of %u device registers read 0", zero, ACCEL_REGS);
}

static void test_writes(void)
{
  EXPECT_NO_TRAP(MMIO32(ACCEL_BASE + ACCEL_CTRL) = 1);
  for (unsigned i = 0; i < 16; i++)
    EXPECT_NO_TRAP(MMIO32(ACCEL_BASE + ACCEL_DATA) = 0x01020304u * (i + 1));
  EXPECT_NO_TRAP(MMIO8(ACCEL_BASE + ACCEL_DATA) = 0x5a);
  EXPECT_NO_TRAP(MMIO32(ACCEL_BASE + ACCEL_CMD) = 1);   /* START */
  EXPECT_NO_TRAP(MMIO32(ACCEL_BASE + ACCEL_STATUS) = 2);
  CHECK_EQ(MMIO32(ACCEL_BASE + ACCEL_CTRL), 0);
  CHECK_EQ(MMIO32(ACCEL_BASE + ACCEL_COUNT), 0);
  CHECK_EQ(MMIO32(ACCEL_BASE + ACCEL_STATUS), 0);
  INFO("writes to the device's page were dropped");
}

int main(unsigned long hartid, unsigned long dtb)
{
  (void)hartid;
  (void)dtb;
  g_test_begin("g_accel_probe");
  test_device_tree();
  test_reads();
  test_writes();
  g_test_done("g_accel_probe");
}
