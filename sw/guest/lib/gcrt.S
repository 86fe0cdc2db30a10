/* gcrt.S - S-mode guest startup, secondary-hart entry, trap entry and the
 * U-mode trampoline.
 *
 * _start (S-mode or VS-mode at 0x80200000, a0 = hart id, a1 = DTB): the
 * first hart to arrive is the boot hart. It sets gp/tp/sp (per-hart stack
 * region, see guest.ld), zeroes .bss, installs the trap entry (stvec,
 * direct mode; sscratch = top of the hart's trap stack), sets sstatus.FS =
 * Initial, calls g_lib_init(hartid, dtb) and main(hartid, dtb), and passes
 * main's return value to g_exit (0 = pass).
 * g_secondary_entry is the start address given to SBI HSM hart_start
 * (a0 = hart id, a1 = opaque); it calls g_secondary_main(hartid, opaque).
 */
#define FRAME_SIZE (36 * 8)
#define F_EPC    (32 * 8)
#define F_CAUSE  (33 * 8)
#define F_TVAL   (34 * 8)
#define F_STATUS (35 * 8)

#define G_HART_REGION   0x8000
#define G_USTACK_OFF    0x2000   /* top of the U stack */
#define G_TSTACK_OFF    0x4000   /* top of the trap stack */
#define G_MAX_HARTS     8

  .section .text.init, "ax", @progbits
  .globl _start
_start:
  .option push
  .option norelax
  la    gp, __global_pointer$
  .option pop
  la    tp, __tls_start
  /* Only one hart may run the boot path. */
  la    t0, g_boot_claimed
  li    t1, 1
  amoswap.w t1, t1, (t0)
  bnez  t1, .Lpark
  li    t0, G_MAX_HARTS
  bgeu  a0, t0, .Lpark
  mv    s0, a0
  mv    s1, a1
  call  .Lhart_setup
  la    t0, __bss_start
  la    t1, __bss_end
1:
  bgeu  t0, t1, 2f
  sd    zero, 0(t0)
  addi  t0, t0, 8
  j     1b
2:
  mv    a0, s0
  mv    a1, s1
  call  g_lib_init
  mv    a0, s0
  mv    a1, s1
  call  main
  tail  g_exit

.Lpark:
  wfi
  j     .Lpark

  .globl g_secondary_entry
g_secondary_entry:
  .option push
  .option norelax
  la    gp, __global_pointer$
  .option pop
  la    tp, __tls_start
  li    t0, G_MAX_HARTS
  bgeu  a0, t0, .Lpark
  mv    s0, a0
  mv    s1, a1
  call  .Lhart_setup
  mv    a0, s0
  mv    a1, s1
  call  g_secondary_main
  j     .Lpark

/* Per-hart setup, hart id in s0: sp, stvec, sscratch, sie = 0, FS.
 * Uses t0/t1 only. */
.Lhart_setup:
  la    t0, __hart_regions
  li    t1, G_HART_REGION
  mul   t1, t1, s0
  add   t0, t0, t1              /* base of this hart's region */
  li    t1, G_HART_REGION
  add   sp, t0, t1              /* main stack top */
  li    t1, G_TSTACK_OFF
  add   t1, t0, t1
  csrw  sscratch, t1
  la    t1, g_trap_entry
  csrw  stvec, t1
  csrw  sie, zero
  li    t1, (1 << 13)           /* sstatus.FS = Initial */
  csrs  sstatus, t1
  csrw  fcsr, zero
  ret

/* ---------------------------------------------------------------------- */
/* Trap entry. sscratch holds the top of the hart's trap stack while not in
 * a handler; inside, it holds the current frame base so a nested trap
 * stacks below it. */
  .section .text.trap, "ax", @progbits
  .align 4
  .globl g_trap_entry
g_trap_entry:
  csrrw sp, sscratch, sp
  addi  sp, sp, -FRAME_SIZE
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
  csrr  t0, sscratch
  sd    t0, 2*8(sp)             /* interrupted sp */
  csrw  sscratch, sp
  csrr  t0, sepc
  sd    t0, F_EPC(sp)
  csrr  t0, scause
  sd    t0, F_CAUSE(sp)
  csrr  t0, stval
  sd    t0, F_TVAL(sp)
  csrr  t0, sstatus
  sd    t0, F_STATUS(sp)
  .option push
  .option norelax
  la    gp, __global_pointer$
  .option pop
  la    tp, __tls_start
  mv    a0, sp
  call  g_trap_handler
  ld    t0, F_EPC(sp)
  csrw  sepc, t0
  ld    t0, F_STATUS(sp)
  csrw  sstatus, t0
  addi  t0, sp, FRAME_SIZE
  csrw  sscratch, t0
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
  sret

/* ---------------------------------------------------------------------- */
/* uint64_t g_enter_user(fn, arg, user_sp, uint64_t *ctx_sp)
 * Saves the callee-saved registers, stores sp in *ctx_sp and SRETs to
 * fn(arg) in U-mode (sstatus.SPP = 0) on user_sp with ra = g_user_exit_stub.
 * The trap handler brings execution back to g_user_return with sp = *ctx_sp
 * and a0 = the value. */
  .text
  .globl g_enter_user
g_enter_user:
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
  sd    sp, 0(a3)
  csrw  sepc, a0
  li    t0, (1 << 8)            /* SPP = U */
  csrc  sstatus, t0
  mv    a0, a1
  mv    sp, a2
  la    ra, g_user_exit_stub
  sret

  .globl g_user_return
g_user_return:
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

  .globl g_user_exit_stub
g_user_exit_stub:
  li    a7, 0x5256485045584954  /* RVH_ECALL_MAGIC */
  ecall
  j     g_user_exit_stub

  .data
  .align 2
  .globl g_boot_claimed
g_boot_claimed:
  .word 0
