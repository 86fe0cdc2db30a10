/* crt.S - reset entry, trap entries and mode-switch trampolines.
 *
 * _start (M-mode, a0 = hartid, a1 = DTB): harts other than 0 park in WFI;
 * hart 0 sets gp/tp/sp, zeroes .bss, installs the M and S trap entries
 * (direct mode; with the H extension also the VS entry in vstvec), opens PMP entry 15 to everything for S/U (entries 0-14 are
 * left for tests), enables the FPU (mstatus.FS = Initial), calls main and
 * passes its return value to rvh_exit (0 = pass).
 */
#define FRAME_SIZE (36 * 8)
#define F_EPC    (32 * 8)
#define F_CAUSE  (33 * 8)
#define F_TVAL   (34 * 8)
#define F_STATUS (35 * 8)

  .section .text.init, "ax", @progbits
  .globl _start
_start:
  .option push
  .option norelax
  la    gp, __global_pointer$
  .option pop
  csrr  t0, mhartid
  bnez  t0, .Lpark
  mv    s1, a1              /* DTB address, saved after .bss is zeroed */
  la    tp, __tls_start
  la    sp, __stack_top
  la    t0, __bss_start
  la    t1, __bss_end
1:
  bgeu  t0, t1, 2f
  sd    zero, 0(t0)
  addi  t0, t0, 8
  j     1b
2:
  la    t0, rvh_boot_dtb
  sd    s1, 0(t0)
  la    t0, rvh_m_trap_entry
  csrw  mtvec, t0
  la    t0, __m_trap_stack_top
  csrw  mscratch, t0
  la    t0, rvh_s_trap_entry
  csrw  stvec, t0
  la    t0, __s_trap_stack_top
  csrw  sscratch, t0
  csrw  mie, zero
  csrw  medeleg, zero
  csrw  mideleg, zero
  csrw  satp, zero
  /* PMP entry 15 = NAPOT over the whole address space, RWX. */
  li    t0, -1
  csrw  pmpaddr15, t0
  li    t0, 0x1f
  slli  t0, t0, 56
  csrw  pmpcfg2, t0
  csrw  pmpcfg0, zero
  /* FPU on (Initial). */
  li    t0, (1 << 13)
  csrs  mstatus, t0
  csrw  fcsr, zero
  call  rvh_lib_init          /* platform check, misa.H, VS trap entry (in M) */
  call  main
  tail  rvh_exit
.Lpark:
  wfi
  j     .Lpark

/* ---------------------------------------------------------------------- */
/* Trap entries. mscratch/sscratch hold the top of the level's trap stack
 * while not inside a handler; inside, they hold the current frame base so a
 * nested trap stacks below it. */
.macro SAVE_REGS
  sd    x1, 1*8(sp)
  sd    x3, 3*8(sp)
  sd    x4, 4*8(sp)
  sd    x5, 5*8(sp)
  sd    x6, 6*8(sp)
  sd    x7, 7*8(sp)
  sd    x8, 8*8(sp)
  sd    x9, 9*8(sp)
  sd    x10, 10*8(sp)
  sd    x11, 11*8(sp)
  sd    x12, 12*8(sp)
  sd    x13, 13*8(sp)
  sd    x14, 14*8(sp)
  sd    x15, 15*8(sp)
  sd    x16, 16*8(sp)
  sd    x17, 17*8(sp)
  sd    x18, 18*8(sp)
  sd    x19, 19*8(sp)
  sd    x20, 20*8(sp)
  sd    x21, 21*8(sp)
  sd    x22, 22*8(sp)
  sd    x23, 23*8(sp)
  sd    x24, 24*8(sp)
  sd    x25, 25*8(sp)
  sd    x26, 26*8(sp)
  sd    x27, 27*8(sp)
  sd    x28, 28*8(sp)
  sd    x29, 29*8(sp)
  sd    x30, 30*8(sp)
  sd    x31, 31*8(sp)
  sd    zero, 0(sp)
.endm

.macro RESTORE_REGS
  ld    x1, 1*8(sp)
  ld    x3, 3*8(sp)
  ld    x4, 4*8(sp)
  ld    x5, 5*8(sp)
  ld    x6, 6*8(sp)
  ld    x7, 7*8(sp)
  ld    x8, 8*8(sp)
  ld    x9, 9*8(sp)
  ld    x10, 10*8(sp)
  ld    x11, 11*8(sp)
  ld    x12, 12*8(sp)
  ld    x13, 13*8(sp)
  ld    x14, 14*8(sp)
  ld    x15, 15*8(sp)
  ld    x16, 16*8(sp)
  ld    x17, 17*8(sp)
  ld    x18, 18*8(sp)
  ld    x19, 19*8(sp)
  ld    x20, 20*8(sp)
  ld    x21, 21*8(sp)
  ld    x22, 22*8(sp)
  ld    x23, 23*8(sp)
  ld    x24, 24*8(sp)
  ld    x25, 25*8(sp)
  ld    x26, 26*8(sp)
  ld    x27, 27*8(sp)
  ld    x28, 28*8(sp)
  ld    x29, 29*8(sp)
  ld    x30, 30*8(sp)
  ld    x31, 31*8(sp)
  ld    x2, 2*8(sp)
.endm

/* TRAP_ENTRY scratch, epc, cause, tval, status, level, xret */
.macro TRAP_ENTRY name, scratch, epc, cause, tval, status, level, xret
  .section .text.trap, "ax", @progbits
  .align 4
  .globl \name
\name:
  csrrw sp, \scratch, sp
  addi  sp, sp, -FRAME_SIZE
  SAVE_REGS
  csrr  t0, \scratch
  sd    t0, 2*8(sp)
  csrw  \scratch, sp
  csrr  t0, \epc
  sd    t0, F_EPC(sp)
  csrr  t0, \cause
  sd    t0, F_CAUSE(sp)
  csrr  t0, \tval
  sd    t0, F_TVAL(sp)
  csrr  t0, \status
  sd    t0, F_STATUS(sp)
  .option push
  .option norelax
  la    gp, __global_pointer$
  .option pop
  mv    a0, sp
  li    a1, \level
  call  rvh_trap_handler
  ld    t0, F_EPC(sp)
  csrw  \epc, t0
  ld    t0, F_STATUS(sp)
  csrw  \status, t0
  addi  t0, sp, FRAME_SIZE
  csrw  \scratch, t0
  RESTORE_REGS
  \xret
.endm

TRAP_ENTRY rvh_m_trap_entry, mscratch, mepc, mcause, mtval, mstatus, 3, mret
TRAP_ENTRY rvh_s_trap_entry, sscratch, sepc, scause, stval, sstatus, 1, sret
/* H extension: VS-mode trap entry (vstvec). While V=1 the S CSR numbers
 * reach vsscratch, vsepc, vscause, vstval and vsstatus, and SRET returns
 * within the virtual machine. */
TRAP_ENTRY rvh_vs_trap_entry, sscratch, sepc, scause, stval, sstatus, 2, sret

/* ---------------------------------------------------------------------- */
/* uint64_t rvh_run_at(unsigned mode, fn, arg, unsigned level)
 * level 3: caller is M (mret), level 1/2: caller is S/HS or VS (sret). Saves callee-
 * saved registers, registers the context (rvh_ctx_push) and xRETs into
 * fn(arg) with ra = rvh_mode_exit_stub. The trap handler brings execution
 * back to rvh_run_at_return with sp restored and a0 = result. */
  .text
  .globl rvh_run_at
rvh_run_at:
  addi  sp, sp, -112
  sd    ra, 0(sp)
  sd    s0, 8(sp)
  sd    s1, 16(sp)
  sd    s2, 24(sp)
  sd    s3, 32(sp)
  sd    s4, 40(sp)
  sd    s5, 48(sp)
  sd    s6, 56(sp)
  sd    s7, 64(sp)
  sd    s8, 72(sp)
  sd    s9, 80(sp)
  sd    s10, 88(sp)
  sd    s11, 96(sp)
  mv    s0, a0
  mv    s1, a1
  mv    s2, a2
  mv    s3, a3
  mv    a0, sp
  mv    a1, s3
  call  rvh_ctx_push
  li    t0, 3
  bne   s3, t0, 1f
  csrw  mepc, s1
  li    t0, (3 << 11)
  csrc  mstatus, t0
  slli  t1, s0, 11
  csrs  mstatus, t1
  mv    a0, s2
  la    ra, rvh_mode_exit_stub
  mret
1:
  csrw  sepc, s1
  li    t0, (1 << 8)
  csrc  sstatus, t0
  andi  t1, s0, 1
  slli  t1, t1, 8
  csrs  sstatus, t1
  mv    a0, s2
  la    ra, rvh_mode_exit_stub
  sret

  .globl rvh_run_at_return
rvh_run_at_return:
  ld    ra, 0(sp)
  ld    s0, 8(sp)
  ld    s1, 16(sp)
  ld    s2, 24(sp)
  ld    s3, 32(sp)
  ld    s4, 40(sp)
  ld    s5, 48(sp)
  ld    s6, 56(sp)
  ld    s7, 64(sp)
  ld    s8, 72(sp)
  ld    s9, 80(sp)
  ld    s10, 88(sp)
  ld    s11, 96(sp)
  addi  sp, sp, 112
  ret

  .globl rvh_mode_exit_stub
  .globl rvh_mode_return
rvh_mode_exit_stub:
rvh_mode_return:
  li    a7, 0x5256485045584954
  ecall
  j     rvh_mode_return
