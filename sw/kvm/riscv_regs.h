/* riscv_regs.h - KVM_GET_ONE_REG / KVM_SET_ONE_REG for RISC-V vCPUs.
 *
 * Register ids (Linux 6.1 arch/riscv/include/uapi/asm/kvm.h): KVM_REG_RISCV
 * | size | type | index, where the index of a core/CSR register is its
 * position in struct kvm_riscv_core / kvm_riscv_csr, counted in longs. */
#ifndef RVH_KVM_RISCV_REGS_H
#define RVH_KVM_RISCV_REGS_H

#include <asm/kvm.h>
#include <linux/kvm.h>
#include <stddef.h> /* offsetof, used by the KVM_REG_RISCV_*_REG macros */
#include <stdint.h>
#include <sys/ioctl.h>

#define RISCV_REG64(type, idx) (KVM_REG_RISCV | KVM_REG_SIZE_U64 | (type) | (uint64_t)(idx))
#define RISCV_CORE(name)   RISCV_REG64(KVM_REG_RISCV_CORE, KVM_REG_RISCV_CORE_REG(name))
#define RISCV_CSR(name)    RISCV_REG64(KVM_REG_RISCV_CSR, KVM_REG_RISCV_CSR_REG(name))
#define RISCV_CONFIG(name) RISCV_REG64(KVM_REG_RISCV_CONFIG, KVM_REG_RISCV_CONFIG_REG(name))
#define RISCV_TIMER(name)  RISCV_REG64(KVM_REG_RISCV_TIMER, KVM_REG_RISCV_TIMER_REG(name))
#define RISCV_ISA_EXT(id)  RISCV_REG64(KVM_REG_RISCV_ISA_EXT, (id))

static inline int vcpu_get_reg(int vcpu_fd, uint64_t id, uint64_t *val)
{
    struct kvm_one_reg r = {.id = id, .addr = (uint64_t)(uintptr_t)val};
    return ioctl(vcpu_fd, KVM_GET_ONE_REG, &r);
}

static inline int vcpu_set_reg(int vcpu_fd, uint64_t id, uint64_t val)
{
    struct kvm_one_reg r = {.id = id, .addr = (uint64_t)(uintptr_t)&val};
    return ioctl(vcpu_fd, KVM_SET_ONE_REG, &r);
}

#endif
