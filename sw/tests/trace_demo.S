/* sw/tests/trace_demo.S: a short M-mode program whose commit log
   tests/trace_test.sh compares, line for line, with Spike-format lines
   written by hand (tests/trace/trace_demo.expected). It uses every kind of
   line: x, f and CSR writes, loads, stores of 1, 4 and 8 bytes, an AMO, FP
   instructions that write an x register, compressed instructions, a jump
   and branches, MRET to U-mode and an ECALL (which, as in Spike, has no
   line). It ends by writing PASS to the test finisher; the run stops inside
   that store, so the store has no line either. Built without sw/lib
   (sw/CMakeLists.txt) so that nothing else runs. */
  .section .text.init, "ax"
  .globl _start
  .option norelax                 # addresses as written (the expected trace names them)
  .option norvc                   # 32-bit encodings, except where RVC says otherwise

  .macro RVC insn:vararg          # one compressed instruction
  .option push
  .option rvc
  \insn
  .option pop
  .endm

_start:
  lui     t0, 0x6                 # mstatus.FS = Dirty: FP instructions below change no CSR
  csrw    mstatus, t0
  la      t1, trap_handler
  csrw    mtvec, t1
  li      t0, 0x40000000          # PMP entry 0: TOR, RWX below 4 GiB, so that U-mode may run
  csrw    pmpaddr0, t0
  csrwi   pmpcfg0, 0xf
  la      a0, scratch
  li      a1, 0x1234
  RVC     c.li    a2, 5
  RVC     c.add   a2, a1
  add     a3, a2, a1
  sd      a3, 0(a0)
  sb      a2, 8(a0)
  ld      a4, 0(a0)
  RVC     c.ld    a5, 0(a0)
  RVC     c.sw    a1, 12(a0)
  lhu     a6, 12(a0)
  amoadd.d a7, a1, (a0)
  fmv.d.x fa0, a3
  fmv.x.d t2, fa0
  fcvt.d.l fa1, a2
  fsd     fa1, 16(a0)
  fld     fa2, 16(a0)
  feq.d   t3, fa1, fa2
  fclass.d t4, fa1
  csrrw   t5, mscratch, a1
  csrwi   fflags, 3
  jal     ra, helper
  beq     a2, a1, _start          # not taken
  bne     a2, a1, 1f              # taken
  nop
1:
  la      t0, user
  csrw    mepc, t0
  mret

trap_handler:                     # M-mode again: the ECALL's trap (4-byte aligned: after MRET)
  csrr    t6, mcause
  li      t1, 0x100000            # the test finisher (docs/memory-map.md)
  li      t2, 0x5555              # PASS
  sw      t2, 0(t1)
1:
  j       1b

helper:
  RVC     c.addi  a2, 1
  RVC     c.jr    ra

user:                             # U-mode
  RVC     c.addi  a0, 8
  ecall

  .section .data
  .balign 8
scratch:
  .dword 0, 0, 0
