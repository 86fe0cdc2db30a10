/* sbi.c - SBI calls (see sbi.h). */
#include "sbi.h"

struct sbiret sbi_ecall(unsigned long eid, unsigned long fid,
                        unsigned long a0, unsigned long a1, unsigned long a2,
                        unsigned long a3, unsigned long a4, unsigned long a5)
{
  register unsigned long r0 __asm__("a0") = a0;
  register unsigned long r1 __asm__("a1") = a1;
  register unsigned long r2 __asm__("a2") = a2;
  register unsigned long r3 __asm__("a3") = a3;
  register unsigned long r4 __asm__("a4") = a4;
  register unsigned long r5 __asm__("a5") = a5;
  register unsigned long r6 __asm__("a6") = fid;
  register unsigned long r7 __asm__("a7") = eid;
  __asm__ volatile("ecall"
                   : "+r"(r0), "+r"(r1)
                   : "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r6), "r"(r7)
                   : "memory");
  struct sbiret ret = {(long)r0, (long)r1};
  return ret;
}

/* Legacy calls: a7 = EID, a0..a3 arguments, result in a0 (a1 may be
 * clobbered by the implementation). */
static long legacy(unsigned long eid, unsigned long a0, unsigned long a1,
                   unsigned long a2, unsigned long a3)
{
  register unsigned long r0 __asm__("a0") = a0;
  register unsigned long r1 __asm__("a1") = a1;
  register unsigned long r2 __asm__("a2") = a2;
  register unsigned long r3 __asm__("a3") = a3;
  register unsigned long r7 __asm__("a7") = eid;
  __asm__ volatile("ecall"
                   : "+r"(r0), "+r"(r1)
                   : "r"(r2), "r"(r3), "r"(r7)
                   : "memory");
  return (long)r0;
}

const char *sbi_err_name(long err)
{
  switch (err) {
  case SBI_SUCCESS: return "SUCCESS";
  case SBI_ERR_FAILED: return "ERR_FAILED";
  case SBI_ERR_NOT_SUPPORTED: return "ERR_NOT_SUPPORTED";
  case SBI_ERR_INVALID_PARAM: return "ERR_INVALID_PARAM";
  case SBI_ERR_DENIED: return "ERR_DENIED";
  case SBI_ERR_INVALID_ADDRESS: return "ERR_INVALID_ADDRESS";
  case SBI_ERR_ALREADY_AVAILABLE: return "ERR_ALREADY_AVAILABLE";
  case SBI_ERR_ALREADY_STARTED: return "ERR_ALREADY_STARTED";
  case SBI_ERR_ALREADY_STOPPED: return "ERR_ALREADY_STOPPED";
  case SBI_ERR_NO_SHMEM: return "ERR_NO_SHMEM";
  default: return "?";
  }
}

const char *sbi_impl_name(long id)
{
  switch (id) {
  case SBI_IMPL_BBL: return "BBL";
  case SBI_IMPL_OPENSBI: return "OpenSBI";
  case SBI_IMPL_XVISOR: return "Xvisor";
  case SBI_IMPL_KVM: return "KVM";
  case 4: return "RustSBI";
  case 5: return "Diosix";
  case 6: return "Coffer";
  case 7: return "Xen";
  case 8: return "PolarFire HSS";
  default: return "unknown";
  }
}

#define E0(eid, fid) sbi_ecall(eid, fid, 0, 0, 0, 0, 0, 0)

struct sbiret sbi_get_spec_version(void) { return E0(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION); }
struct sbiret sbi_get_impl_id(void) { return E0(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID); }
struct sbiret sbi_get_impl_version(void) { return E0(SBI_EXT_BASE, SBI_BASE_GET_IMPL_VERSION); }
struct sbiret sbi_probe_extension(long eid)
{
  return sbi_ecall(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, (unsigned long)eid, 0, 0, 0, 0, 0);
}
struct sbiret sbi_get_mvendorid(void) { return E0(SBI_EXT_BASE, SBI_BASE_GET_MVENDORID); }
struct sbiret sbi_get_marchid(void) { return E0(SBI_EXT_BASE, SBI_BASE_GET_MARCHID); }
struct sbiret sbi_get_mimpid(void) { return E0(SBI_EXT_BASE, SBI_BASE_GET_MIMPID); }

struct sbiret sbi_set_timer(uint64_t t)
{
  return sbi_ecall(SBI_EXT_TIME, 0, t, 0, 0, 0, 0, 0);
}

struct sbiret sbi_send_ipi(unsigned long mask, unsigned long base)
{
  return sbi_ecall(SBI_EXT_IPI, 0, mask, base, 0, 0, 0, 0);
}

struct sbiret sbi_remote_fence_i(unsigned long mask, unsigned long base)
{
  return sbi_ecall(SBI_EXT_RFENCE, 0, mask, base, 0, 0, 0, 0);
}
struct sbiret sbi_remote_sfence_vma(unsigned long mask, unsigned long base,
                                    unsigned long start, unsigned long size)
{
  return sbi_ecall(SBI_EXT_RFENCE, 1, mask, base, start, size, 0, 0);
}
struct sbiret sbi_remote_sfence_vma_asid(unsigned long mask, unsigned long base,
                                         unsigned long start, unsigned long size,
                                         unsigned long asid)
{
  return sbi_ecall(SBI_EXT_RFENCE, 2, mask, base, start, size, asid, 0);
}
struct sbiret sbi_remote_hfence_gvma_vmid(unsigned long mask, unsigned long base,
                                          unsigned long start, unsigned long size,
                                          unsigned long vmid)
{
  return sbi_ecall(SBI_EXT_RFENCE, 3, mask, base, start, size, vmid, 0);
}
struct sbiret sbi_remote_hfence_gvma(unsigned long mask, unsigned long base,
                                     unsigned long start, unsigned long size)
{
  return sbi_ecall(SBI_EXT_RFENCE, 4, mask, base, start, size, 0, 0);
}
struct sbiret sbi_remote_hfence_vvma_asid(unsigned long mask, unsigned long base,
                                          unsigned long start, unsigned long size,
                                          unsigned long asid)
{
  return sbi_ecall(SBI_EXT_RFENCE, 5, mask, base, start, size, asid, 0);
}
struct sbiret sbi_remote_hfence_vvma(unsigned long mask, unsigned long base,
                                     unsigned long start, unsigned long size)
{
  return sbi_ecall(SBI_EXT_RFENCE, 6, mask, base, start, size, 0, 0);
}

struct sbiret sbi_hart_start(unsigned long hartid, unsigned long start_addr,
                             unsigned long opaque)
{
  return sbi_ecall(SBI_EXT_HSM, 0, hartid, start_addr, opaque, 0, 0, 0);
}
struct sbiret sbi_hart_stop(void) { return E0(SBI_EXT_HSM, 1); }
struct sbiret sbi_hart_get_status(unsigned long hartid)
{
  return sbi_ecall(SBI_EXT_HSM, 2, hartid, 0, 0, 0, 0, 0);
}
struct sbiret sbi_hart_suspend(uint32_t type, unsigned long resume_addr,
                               unsigned long opaque)
{
  return sbi_ecall(SBI_EXT_HSM, 3, type, resume_addr, opaque, 0, 0, 0);
}

struct sbiret sbi_system_reset(uint32_t type, uint32_t reason)
{
  return sbi_ecall(SBI_EXT_SRST, 0, type, reason, 0, 0, 0, 0);
}

struct sbiret sbi_debug_console_write(unsigned long n, unsigned long lo, unsigned long hi)
{
  return sbi_ecall(SBI_EXT_DBCN, 0, n, lo, hi, 0, 0, 0);
}
struct sbiret sbi_debug_console_read(unsigned long n, unsigned long lo, unsigned long hi)
{
  return sbi_ecall(SBI_EXT_DBCN, 1, n, lo, hi, 0, 0, 0);
}
struct sbiret sbi_debug_console_write_byte(uint8_t byte)
{
  return sbi_ecall(SBI_EXT_DBCN, 2, byte, 0, 0, 0, 0, 0);
}

long sbi_legacy_set_timer(uint64_t t) { return legacy(SBI_EXT_LEGACY_SET_TIMER, t, 0, 0, 0); }
long sbi_legacy_console_putchar(int ch)
{
  return legacy(SBI_EXT_LEGACY_CONSOLE_PUTCHAR, (unsigned char)ch, 0, 0, 0);
}
long sbi_legacy_console_getchar(void) { return legacy(SBI_EXT_LEGACY_CONSOLE_GETCHAR, 0, 0, 0, 0); }
long sbi_legacy_clear_ipi(void) { return legacy(SBI_EXT_LEGACY_CLEAR_IPI, 0, 0, 0, 0); }
long sbi_legacy_send_ipi(const unsigned long *mask)
{
  return legacy(SBI_EXT_LEGACY_SEND_IPI, (unsigned long)mask, 0, 0, 0);
}
long sbi_legacy_remote_fence_i(const unsigned long *mask)
{
  return legacy(SBI_EXT_LEGACY_REMOTE_FENCE_I, (unsigned long)mask, 0, 0, 0);
}
long sbi_legacy_remote_sfence_vma(const unsigned long *mask, unsigned long start,
                                  unsigned long size)
{
  return legacy(SBI_EXT_LEGACY_REMOTE_SFENCE_VMA, (unsigned long)mask, start, size, 0);
}
long sbi_legacy_remote_sfence_vma_asid(const unsigned long *mask, unsigned long start,
                                       unsigned long size, unsigned long asid)
{
  return legacy(SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID, (unsigned long)mask, start, size,
                asid);
}
void sbi_legacy_shutdown(void) { legacy(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0, 0); }
