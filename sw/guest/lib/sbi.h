/* sbi.h - SBI calls for S-mode guests (SBI spec 2.0 numbering).
 *
 * sbi_ecall() is the raw call; every function of BASE, TIME, IPI, RFENCE,
 * HSM, SRST and DBCN has a wrapper, and the legacy (v0.1) extensions have
 * sbi_legacy_* wrappers (they return a single long in a0).
 */
#ifndef G_SBI_H
#define G_SBI_H

#include <stdint.h>

struct sbiret {
  long error;
  long value;
};

/* Extension IDs */
#define SBI_EXT_LEGACY_SET_TIMER          0x00
#define SBI_EXT_LEGACY_CONSOLE_PUTCHAR    0x01
#define SBI_EXT_LEGACY_CONSOLE_GETCHAR    0x02
#define SBI_EXT_LEGACY_CLEAR_IPI          0x03
#define SBI_EXT_LEGACY_SEND_IPI           0x04
#define SBI_EXT_LEGACY_REMOTE_FENCE_I     0x05
#define SBI_EXT_LEGACY_REMOTE_SFENCE_VMA  0x06
#define SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID 0x07
#define SBI_EXT_LEGACY_SHUTDOWN           0x08
#define SBI_EXT_BASE   0x10
#define SBI_EXT_TIME   0x54494D45   /* "TIME" */
#define SBI_EXT_IPI    0x735049     /* "sPI" */
#define SBI_EXT_RFENCE 0x52464E43   /* "RFNC" */
#define SBI_EXT_HSM    0x48534D     /* "HSM" */
#define SBI_EXT_SRST   0x53525354   /* "SRST" */
#define SBI_EXT_PMU    0x504D55     /* "PMU" */
#define SBI_EXT_DBCN   0x4442434E   /* "DBCN" */

/* BASE function IDs */
#define SBI_BASE_GET_SPEC_VERSION  0
#define SBI_BASE_GET_IMPL_ID       1
#define SBI_BASE_GET_IMPL_VERSION  2
#define SBI_BASE_PROBE_EXT         3
#define SBI_BASE_GET_MVENDORID     4
#define SBI_BASE_GET_MARCHID       5
#define SBI_BASE_GET_MIMPID        6

/* Error codes */
#define SBI_SUCCESS                0
#define SBI_ERR_FAILED            -1
#define SBI_ERR_NOT_SUPPORTED     -2
#define SBI_ERR_INVALID_PARAM     -3
#define SBI_ERR_DENIED            -4
#define SBI_ERR_INVALID_ADDRESS   -5
#define SBI_ERR_ALREADY_AVAILABLE -6
#define SBI_ERR_ALREADY_STARTED   -7
#define SBI_ERR_ALREADY_STOPPED   -8
#define SBI_ERR_NO_SHMEM          -9

/* HSM hart states */
#define SBI_HSM_STARTED         0
#define SBI_HSM_STOPPED         1
#define SBI_HSM_START_PENDING   2
#define SBI_HSM_STOP_PENDING    3
#define SBI_HSM_SUSPENDED       4
#define SBI_HSM_SUSPEND_PENDING 5
#define SBI_HSM_RESUME_PENDING  6
/* HSM suspend types */
#define SBI_HSM_SUSPEND_RETENTIVE     0x00000000u
#define SBI_HSM_SUSPEND_NON_RETENTIVE 0x80000000u

/* SRST */
#define SBI_SRST_SHUTDOWN     0
#define SBI_SRST_COLD_REBOOT  1
#define SBI_SRST_WARM_REBOOT  2
#define SBI_SRST_REASON_NONE  0
#define SBI_SRST_REASON_SYSTEM_FAILURE 1

/* Implementation IDs (BASE get_impl_id) */
#define SBI_IMPL_BBL      0
#define SBI_IMPL_OPENSBI  1
#define SBI_IMPL_XVISOR   2
#define SBI_IMPL_KVM      3

struct sbiret sbi_ecall(unsigned long eid, unsigned long fid,
                        unsigned long a0, unsigned long a1, unsigned long a2,
                        unsigned long a3, unsigned long a4, unsigned long a5);
const char *sbi_err_name(long err);
const char *sbi_impl_name(long impl_id);

/* BASE */
struct sbiret sbi_get_spec_version(void);
struct sbiret sbi_get_impl_id(void);
struct sbiret sbi_get_impl_version(void);
struct sbiret sbi_probe_extension(long eid);
struct sbiret sbi_get_mvendorid(void);
struct sbiret sbi_get_marchid(void);
struct sbiret sbi_get_mimpid(void);
/* TIME */
struct sbiret sbi_set_timer(uint64_t stime_value);
/* IPI */
struct sbiret sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base);
/* RFENCE */
struct sbiret sbi_remote_fence_i(unsigned long hart_mask, unsigned long hart_mask_base);
struct sbiret sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long hart_mask_base,
                                    unsigned long start, unsigned long size);
struct sbiret sbi_remote_sfence_vma_asid(unsigned long hart_mask,
                                         unsigned long hart_mask_base,
                                         unsigned long start, unsigned long size,
                                         unsigned long asid);
struct sbiret sbi_remote_hfence_gvma_vmid(unsigned long hart_mask,
                                          unsigned long hart_mask_base,
                                          unsigned long start, unsigned long size,
                                          unsigned long vmid);
struct sbiret sbi_remote_hfence_gvma(unsigned long hart_mask, unsigned long hart_mask_base,
                                     unsigned long start, unsigned long size);
struct sbiret sbi_remote_hfence_vvma_asid(unsigned long hart_mask,
                                          unsigned long hart_mask_base,
                                          unsigned long start, unsigned long size,
                                          unsigned long asid);
struct sbiret sbi_remote_hfence_vvma(unsigned long hart_mask, unsigned long hart_mask_base,
                                     unsigned long start, unsigned long size);
/* HSM */
struct sbiret sbi_hart_start(unsigned long hartid, unsigned long start_addr,
                             unsigned long opaque);
struct sbiret sbi_hart_stop(void);
struct sbiret sbi_hart_get_status(unsigned long hartid);
struct sbiret sbi_hart_suspend(uint32_t suspend_type, unsigned long resume_addr,
                               unsigned long opaque);
/* SRST */
struct sbiret sbi_system_reset(uint32_t reset_type, uint32_t reset_reason);
/* DBCN (addresses are guest-physical) */
struct sbiret sbi_debug_console_write(unsigned long num_bytes, unsigned long base_lo,
                                      unsigned long base_hi);
struct sbiret sbi_debug_console_read(unsigned long num_bytes, unsigned long base_lo,
                                     unsigned long base_hi);
struct sbiret sbi_debug_console_write_byte(uint8_t byte);

/* Legacy extensions (SBI v0.1): the result is a0 only. The hart masks are
 * addresses of an unsigned long bit mask (0 = all harts). */
long sbi_legacy_set_timer(uint64_t stime_value);
long sbi_legacy_console_putchar(int ch);
long sbi_legacy_console_getchar(void);
long sbi_legacy_clear_ipi(void);
long sbi_legacy_send_ipi(const unsigned long *hart_mask);
long sbi_legacy_remote_fence_i(const unsigned long *hart_mask);
long sbi_legacy_remote_sfence_vma(const unsigned long *hart_mask, unsigned long start,
                                  unsigned long size);
long sbi_legacy_remote_sfence_vma_asid(const unsigned long *hart_mask,
                                       unsigned long start, unsigned long size,
                                       unsigned long asid);
void sbi_legacy_shutdown(void);

#endif /* G_SBI_H */
