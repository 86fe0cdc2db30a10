/* vmm.h - the guest machine of sw/kvm/vmm and what its parts share.
 *
 * Guest-physical map (a subset of QEMU virt / rvh-vp, so the sw/guest
 * programs run unchanged):
 *   0x0c000000  PLIC (riscv,plic0), userspace model, 1 S-mode context per vCPU
 *   0x10000000  16550 UART (ns16550a), userspace model, console on stdout
 *   0x10001000  test device (rvh,kvm-testdev), see devices.c
 *   0x80000000  RAM (--mem, default 128 MiB); the device tree near its top
 */
#ifndef RVH_KVM_VMM_H
#define RVH_KVM_VMM_H

#include <stdint.h>

#define VMM_TAG "RVH-KVM-VMM: "

#define GUEST_RAM_BASE     0x80000000ull
#define GUEST_RAW_LOAD     0x80200000ull   /* raw binaries (OpenSBI payload address) */
#define GUEST_PLIC_BASE    0x0c000000ull
#define GUEST_PLIC_SIZE    0x04000000ull
#define GUEST_PLIC_NDEV    31u
#define GUEST_UART_BASE    0x10000000ull
#define GUEST_UART_SIZE    0x100ull
#define GUEST_UART_IRQ     10u
#define GUEST_UART_CLOCK   3686400u
#define GUEST_TEST_BASE    0x10001000ull
#define GUEST_TEST_SIZE    0x1000ull
#define GUEST_MAX_VCPUS    8u              /* sw/guest's G_MAX_HARTS */

/* Exit statuses of the vmm program (README.md). */
#define VMM_EXIT_OK          0   /* shutdown/reset, no reason */
#define VMM_EXIT_GUEST_FAIL  1   /* shutdown/reset with reason "system failure" (or another) */
#define VMM_EXIT_VM_FAIL     2   /* stopped by the VMM: unknown MMIO, unexpected exit, KVM error */
#define VMM_EXIT_SETUP       3   /* no /dev/kvm, bad arguments, guest not loadable */

/* Stops the VM (the first call wins): every vCPU thread ends and vmm exits
 * with `status` after printing the summary line, `what` in it. */
void vm_stop(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Console: the UART's THR and the legacy SBI putchar, line-buffered on
 * stdout. vmm_log prints a line of our own after any partial guest line. */
void console_putc(char c);
void console_flush(void);
void vmm_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
