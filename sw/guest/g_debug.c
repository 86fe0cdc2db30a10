/* g_debug: a guest for the GDB tests (tests/gdb/gdb_test.py), debugged
 * through its vCPU under --hyp. It turns on Sv39 with the guest RAM at its
 * own address (identity, for code, data and the console buffers) and again
 * at G_DEBUG_ALIAS, so that the debugger reads g_debug_value at a
 * guest-virtual address that only two-stage translation resolves. Then it
 * stops in g_debug_here() (a breakpoint) and writes the UART's scratch
 * register, an MMIO exit the debugger can stop on. */
#include "guest.h"

#define G_DEBUG_ALIAS 0x40000000UL /* guest-virtual alias of guest-physical 0x80000000 */

static uint64_t root[512] __attribute__((aligned(4096)));
volatile uint64_t g_debug_value = 0x5eed5eedc0ffee00ULL;

__attribute__((noinline)) void g_debug_here(void)
{
  __asm__ volatile("" ::: "memory");
}

int main(unsigned long hartid, unsigned long dtb)
{
  g_test_begin("g_debug");
  root[0] = ((0x00000000UL >> 12) << 10) | 0xe7; /* 0-1 GiB: devices, V R W A D G */
  root[1] = ((0x80000000UL >> 12) << 10) | 0xe7; /* the alias, V R W A D G */
  root[2] = ((0x80000000UL >> 12) << 10) | 0xef; /* identity, V R W X A D G */
  csr_write(satp, (8UL << 60) | ((uintptr_t)root >> 12));
  __asm__ volatile("sfence.vma" ::: "memory");
  uint64_t alias = G_DEBUG_ALIAS + ((uintptr_t)&g_debug_value - 0x80000000UL);
  CHECK_EQ(*(volatile uint64_t *)alias, 0x5eed5eedc0ffee00ULL);
  g_debug_here();
  *(volatile uint8_t *)(G_UART_BASE + 7) = 0x5a; /* UART SCR: an MMIO exit */
  CHECK_EQ(*(volatile uint8_t *)(G_UART_BASE + 7), 0x5a);
  csr_write(satp, 0);
  __asm__ volatile("sfence.vma" ::: "memory");
  g_test_done("g_debug");
}
