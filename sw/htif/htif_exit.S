# sw/htif/htif_exit.S: a Spike-style program that talks to the host only
# through the HTIF tohost/fromhost words: prints a line with console
# putchar commands (device 1, command 1), then exits with EXIT_CODE
# ((code << 1) | 1), the convention riscv-tests use.
  .section .text.init, "ax"
  .globl _start
_start:
  la t0, message
  la t2, tohost
next_char:
  lbu a0, 0(t0)
  beqz a0, done
  li t1, 0x0101000000000000        # device 1 (console), command 1 (putchar)
  or t1, t1, a0
  sd t1, 0(t2)
wait_ack:                           # the host clears tohost once it has the byte
  ld t3, 0(t2)
  bnez t3, wait_ack
  addi t0, t0, 1
  j next_char
done:
  li a0, (EXIT_CODE << 1) | 1
  sd a0, 0(t2)
hang:
  j hang

  .section .rodata
message:
  .asciz "htif console: hello\n"

  .section .tohost, "aw", @progbits
  .balign 64
  .globl tohost
tohost: .dword 0
  .balign 64
  .globl fromhost
fromhost: .dword 0
