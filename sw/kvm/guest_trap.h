/* guest_trap.h - traps KVM 6.1 cannot give the guest itself.
 *
 * Linux 6.1 KVM RISC-V ends KVM_RUN with an error instead of giving the
 * guest a trap in two cases a guest may provoke on purpose
 * (arch/riscv/kvm/main.c, vcpu_exit.c):
 *   - an illegal instruction: hedeleg does not delegate it to VS-mode, the
 *     trap reaches HS-mode and kvm_riscv_vcpu_exit() has no case for it:
 *     EFAULT (the kernel logs "VCPU exit error -14" and the scause);
 *   - an instruction fetch from a guest-physical address without memory:
 *     gstage_page_fault() handles loads and stores as MMIO only: EOPNOTSUPP.
 * Later kernels redirect such traps to the guest; the VMM does it here with
 * KVM_SET_ONE_REG, as kvm_riscv_vcpu_trap_redirect() does in the kernel.
 */
#ifndef RVH_KVM_GUEST_TRAP_H
#define RVH_KVM_GUEST_TRAP_H

#include <stdint.h>

#define CAUSE_FETCH_ACCESS 1
#define CAUSE_ILLEGAL_INSN 2

/* Takes a trap (cause, tval) in the guest's VS-mode at its current pc:
 * sepc = pc, scause, stval, sstatus.SPP/SPIE/SIE, pc = stvec base.
 * Returns 0, or -1 if a register could not be read or written. */
int guest_take_trap(int vcpu_fd, uint64_t cause, uint64_t tval);

/* The instruction at the vCPU's pc (through the guest's satp: Bare, Sv39,
 * Sv48, Sv57), 16 or 32 bits. Returns its length in bytes, 0 if unreadable. */
unsigned guest_insn_at_pc(int vcpu_fd, const uint8_t *ram, uint64_t ram_base,
                          uint64_t ram_size, uint32_t *insn);

/* Does this instruction access memory (loads, stores, AMOs, FP loads and
 * stores, compressed ones too)? Such an EFAULT may be an access fault, not
 * an illegal instruction. */
int insn_is_memory_access(uint32_t insn);

#endif
