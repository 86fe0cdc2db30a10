/* accel_regs.h: the CRC-32 accelerator of the library example
 * (examples/crc_accelerator.h) as its test programs see it: the register
 * map, where examples/accel_soc.cpp attaches it, and the CRC-32 the
 * programs compute themselves to check its result. Shared by the bare-metal
 * program (accel_device.c) and the guest one (guest/g_accel_device.c). */
#ifndef ACCEL_REGS_H
#define ACCEL_REGS_H

#include <stddef.h>
#include <stdint.h>

#define ACCEL_BASE     0x10010000UL
#define ACCEL_SIZE     0x1000UL
#define ACCEL_IRQ      12
#define ACCEL_ID       0x00
#define ACCEL_CTRL     0x04
#define ACCEL_CMD      0x08
#define ACCEL_DATA     0x0c
#define ACCEL_STATUS   0x10
#define ACCEL_RESULT   0x14
#define ACCEL_COUNT    0x18
#define ACCEL_LATENCY  0x1c
#define CTRL_IRQ_EN    1u
#define CMD_START      1u
#define CMD_CLEAR      2u
#define STATUS_BUSY    1u
#define STATUS_DONE    2u

/* The standard CRC-32 (reflected, polynomial 0xedb88320), bit by bit. */
static inline uint32_t crc32_sw(const uint8_t *p, size_t n)
{
  uint32_t crc = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    crc ^= p[i];
    for (int b = 0; b < 8; b++)
      crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

#endif
