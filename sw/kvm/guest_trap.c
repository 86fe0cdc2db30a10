/* guest_trap.c - traps KVM 6.1 cannot give the guest itself (guest_trap.h). */
#define _GNU_SOURCE
#include "guest_trap.h"
#include "riscv_regs.h"

#include <string.h>

/* Privileged spec: sstatus bits, satp modes, PTE bits. */
#define SSTATUS_SIE  (1ull << 1)
#define SSTATUS_SPIE (1ull << 5)
#define SSTATUS_SPP  (1ull << 8)
#define SATP_MODE_SHIFT 60
#define SATP_PPN_MASK ((1ull << 44) - 1)
#define PTE_V (1ull << 0)
#define PTE_R (1ull << 1)
#define PTE_X (1ull << 3)
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK ((1ull << 44) - 1)

int guest_take_trap(int fd, uint64_t cause, uint64_t tval)
{
    uint64_t pc, mode, status, tvec;
    if (vcpu_get_reg(fd, RISCV_CORE(regs.pc), &pc) || vcpu_get_reg(fd, RISCV_CORE(mode), &mode) ||
        vcpu_get_reg(fd, RISCV_CSR(sstatus), &status) || vcpu_get_reg(fd, RISCV_CSR(stvec), &tvec))
        return -1;
    status &= ~(SSTATUS_SPP | SSTATUS_SPIE);
    if (mode == KVM_RISCV_MODE_S)
        status |= SSTATUS_SPP;
    if (status & SSTATUS_SIE)
        status |= SSTATUS_SPIE;
    status &= ~SSTATUS_SIE;
    if (vcpu_set_reg(fd, RISCV_CSR(sstatus), status) || vcpu_set_reg(fd, RISCV_CSR(scause), cause) ||
        vcpu_set_reg(fd, RISCV_CSR(stval), tval) || vcpu_set_reg(fd, RISCV_CSR(sepc), pc) ||
        vcpu_set_reg(fd, RISCV_CORE(mode), KVM_RISCV_MODE_S) ||
        vcpu_set_reg(fd, RISCV_CORE(regs.pc), tvec & ~3ull))  /* exceptions: the base */
        return -1;
    return 0;
}

static int read_gpa(const uint8_t *ram, uint64_t base, uint64_t size, uint64_t gpa, void *out,
                    unsigned len)
{
    if (gpa < base || gpa - base > size || len > size - (gpa - base))
        return -1;
    memcpy(out, ram + (gpa - base), len);
    return 0;
}

/* Guest virtual -> guest physical through satp (privileged spec 12.3). */
static int translate(uint64_t satp, uint64_t va, const uint8_t *ram, uint64_t base,
                     uint64_t size, uint64_t *gpa)
{
    unsigned mode = (unsigned)(satp >> SATP_MODE_SHIFT);
    if (mode == 0) {
        *gpa = va;
        return 0;
    }
    if (mode < 8 || mode > 10)
        return -1;
    int levels = (int)mode - 5;   /* Sv39: 3, Sv48: 4, Sv57: 5 */
    uint64_t table = (satp & SATP_PPN_MASK) << 12;
    for (int i = levels - 1; i >= 0; i--) {
        uint64_t pte;
        uint64_t vpn = (va >> (12 + 9 * i)) & 0x1ff;
        if (read_gpa(ram, base, size, table + vpn * 8, &pte, 8) || !(pte & PTE_V))
            return -1;
        uint64_t pa = ((pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << 12;
        if (pte & (PTE_R | PTE_X)) {
            uint64_t off_mask = (1ull << (12 + 9 * i)) - 1;
            *gpa = (pa & ~off_mask) | (va & off_mask);
            return 0;
        }
        table = pa;
    }
    return -1;
}

unsigned guest_insn_at_pc(int fd, const uint8_t *ram, uint64_t base, uint64_t size,
                          uint32_t *insn)
{
    uint64_t pc, satp, gpa;
    uint16_t lo, hi;
    if (vcpu_get_reg(fd, RISCV_CORE(regs.pc), &pc) || vcpu_get_reg(fd, RISCV_CSR(satp), &satp))
        return 0;
    if (translate(satp, pc, ram, base, size, &gpa) || read_gpa(ram, base, size, gpa, &lo, 2))
        return 0;
    if ((lo & 3) != 3) {
        *insn = lo;
        return 2;
    }
    /* the upper half may lie on the next page */
    if (translate(satp, pc + 2, ram, base, size, &gpa) || read_gpa(ram, base, size, gpa, &hi, 2))
        return 0;
    *insn = (uint32_t)hi << 16 | lo;
    return 4;
}

int insn_is_memory_access(uint32_t insn)
{
    if ((insn & 3) != 3) {
        unsigned quadrant = insn & 3, funct3 = (insn >> 13) & 7;
        /* C.FLD C.LW C.LD C.FSD C.SW C.SD (quadrant 0) and their SP forms
         * (quadrant 2): funct3 1, 2, 3, 5, 6, 7 */
        return (quadrant == 0 || quadrant == 2) && funct3 != 0 && funct3 != 4;
    }
    switch (insn & 0x7f) {
    case 0x03: /* LOAD */
    case 0x07: /* LOAD-FP */
    case 0x23: /* STORE */
    case 0x27: /* STORE-FP */
    case 0x2f: /* AMO */
        return 1;
    default:
        return 0;
    }
}
