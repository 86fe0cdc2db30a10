/* g_sbi_base: the SBI BASE extension as seen by an S-mode guest.
 * Prints the spec/impl versions and IDs; checks only what holds for both
 * OpenSBI 1.1 (SBI 1.0) and a KVM-like SBI 2.0: spec version >= 0.2 with
 * bit 31 clear, impl id nonzero (OpenSBI 1, KVM 3), mvendorid/marchid/
 * mimpid succeed, probe of BASE/TIME/IPI/RFENCE/HSM/SRST nonzero, probe of
 * an unknown extension 0, unknown EIDs and an unknown BASE function return
 * SBI_ERR_NOT_SUPPORTED (-2) and execution continues after the ecall;
 * callee-saved registers survive an SBI call; a0/a1 at entry are the hart
 * id and the DTB. */
#include "guest.h"

int main(unsigned long hartid, unsigned long dtb)
{
  g_test_begin("g_sbi_base");

  struct sbiret spec = sbi_get_spec_version();
  CHECK_EQ(spec.error, SBI_SUCCESS);
  long major = (spec.value >> 24) & 0x7f, minor = spec.value & 0xffffff;
  printf("spec version   %ld.%ld (0x%lx)\n", major, minor, spec.value);
  CHECK_EQ(spec.value >> 31, 0);               /* bit 31 reserved, must be 0 */
  CHECK(major > 0 || minor >= 2);              /* >= 0.2: the BASE extension exists */

  struct sbiret id = sbi_get_impl_id();
  struct sbiret ver = sbi_get_impl_version();
  CHECK_EQ(id.error, SBI_SUCCESS);
  CHECK_EQ(ver.error, SBI_SUCCESS);
  printf("impl id        %ld (%s), impl version 0x%lx\n", id.value,
         sbi_impl_name(id.value), ver.value);
  /* OpenSBI = 1, KVM = 3; 0 (BBL) would be a surprise for both. */
  CHECK_NE(id.value, 0);

  struct sbiret mv = sbi_get_mvendorid(), ma = sbi_get_marchid(),
                mi = sbi_get_mimpid();
  CHECK_EQ(mv.error, SBI_SUCCESS);
  CHECK_EQ(ma.error, SBI_SUCCESS);
  CHECK_EQ(mi.error, SBI_SUCCESS);
  printf("mvendorid 0x%lx marchid 0x%lx mimpid 0x%lx\n", mv.value, ma.value,
         mi.value);

  static const struct { long eid; const char *name; int required; } exts[] = {
    {SBI_EXT_BASE, "BASE", 1},     {SBI_EXT_TIME, "TIME", 1},
    {SBI_EXT_IPI, "IPI", 1},       {SBI_EXT_RFENCE, "RFENCE", 1},
    {SBI_EXT_HSM, "HSM", 1},       {SBI_EXT_SRST, "SRST", 1},
    {SBI_EXT_DBCN, "DBCN", 0},     {SBI_EXT_PMU, "PMU", 0},
    {SBI_EXT_LEGACY_CONSOLE_PUTCHAR, "legacy putchar", 0},
    {SBI_EXT_LEGACY_SET_TIMER, "legacy set_timer", 0},
  };
  for (unsigned i = 0; i < sizeof exts / sizeof exts[0]; i++) {
    struct sbiret r = sbi_probe_extension(exts[i].eid);
    printf("probe %-16s (0x%08lx): error %ld value %ld\n", exts[i].name,
           exts[i].eid, r.error, r.value);
    CHECK_EQ(r.error, SBI_SUCCESS);
    if (exts[i].required)
      CHECK_NE(r.value, 0);   /* "1, or an extension-specific nonzero value" */
  }

  /* Unknown extension: probe gives 0, a call gives NOT_SUPPORTED. */
  struct sbiret r = sbi_probe_extension(0x12345678);
  CHECK_EQ(r.error, SBI_SUCCESS);
  CHECK_EQ(r.value, 0);
  volatile int after = 0;
  r = sbi_ecall(0x12345678, 0, 1, 2, 3, 4, 5, 6);
  after = 1;
  printf("unknown EID 0x12345678 -> error %ld (%s)\n", r.error, sbi_err_name(r.error));
  CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
  CHECK_EQ(after, 1);
  /* Experimental/vendor ranges too. */
  r = sbi_ecall(0x08FFFFFF, 0, 0, 0, 0, 0, 0, 0);
  CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
  r = sbi_probe_extension(0x08FFFFFF);
  CHECK_EQ(r.value, 0);

  /* Unknown function of a known extension. */
  r = sbi_ecall(SBI_EXT_BASE, 0x7ff, 0, 0, 0, 0, 0, 0);
  printf("BASE fid 0x7ff -> error %ld (%s)\n", r.error, sbi_err_name(r.error));
  CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);

  /* The SBI call preserves the registers it does not return in (s0-s11, sp,
   * gp, tp are callee-saved for the ecall convention). */
  register unsigned long s2 __asm__("s2") = 0x1122334455667788UL;
  register unsigned long s11 __asm__("s11") = 0x8877665544332211UL;
  __asm__ volatile("" : "+r"(s2), "+r"(s11));
  sbi_get_spec_version();
  __asm__ volatile("" : "+r"(s2), "+r"(s11));
  CHECK_EQ(s2, 0x1122334455667788UL);
  CHECK_EQ(s11, 0x8877665544332211UL);

  /* Boot arguments: a0 = hart id, a1 = the DTB. */
  CHECK(hartid < G_MAX_HARTS);
  CHECK_EQ(g_dt_u32((const void *)dtb), 0xd00dfeed);
  printf("boot hart %lu, timebase %lu Hz, isa %s\n", hartid, g_dt_timebase(),
         g_dt_cpu_isa(hartid) ? g_dt_cpu_isa(hartid) : "(none)");

  g_test_done("g_sbi_base");
}
