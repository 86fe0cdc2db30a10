/* g_vm_attacker: a VM that tries to reach another VM (issue 14, run next to
 * g_vm_victim by `rvh-vp --hyp --vm ... --vm ...`); passes alone too.
 * Where g_isolation probes a few addresses and H/M-mode state, this one
 * scans the guest-physical space and aims SBI hart lists at other VMs.
 *  (a) Guest-physical addresses outside its RAM and DTB devices, satp Bare
 *      (as a guest starts): every 64 KiB below RAM (0..0x80000000), every
 *      2 MiB from the end of RAM to 16 GiB, every 1 GiB from 16 GiB to
 *      2^41 - 1 GiB (the top of Sv39x4; at 2^41 and above the hypervisor
 *      stops the VM by design, see g_gpa_beyond). A read must never show
 *      g_vm_victim's memory (a word whose top 24 bits are 0x5EC2E7, or
 *      "VSECRET!"). Under the rvh-vp hypervisor (SBI implementation KVM):
 *      each read is 0 or a load access fault (5, stval = the address); a
 *      write of a marker is ignored or a store access fault (7) and reading
 *      back gives 0 again. Under OpenSBI (S-mode owns the machine) it only
 *      reads and checks for the secret.
 *  (b) SBI with hart ids outside its VM (its VM has N = the DTB's CPUs,
 *      ids 0..N-1): send_ipi, remote_fence_i, remote_sfence_vma with hart
 *      masks naming ids N..N+7, 63, 64 (hart_mask_base), 2^32, hart_start
 *      and hart_get_status of N and 64: each SBI_ERR_INVALID_PARAM (SBI
 *      binary encoding, hart list errors; ext-hsm). No IPI comes back to
 *      itself from those; a broadcast (hart_mask_base = -1) gives it
 *      exactly one (and must reach no other VM: g_vm_victim counts).
 *  (c) "ATTACKER PASS contained" or "ATTACKER FAIL <what>", then the
 *      PASS/FAIL line and SBI SRST shutdown (failure reason on FAIL). */
#include "guest.h"

#define VM_SECRET_TAG_TOP 0x5EC2E7UL          /* g_vm_victim: top 24 bits */
#define VSECRET_WORD 0x2154455243455356UL     /* "VSECRET!" little-endian */
#define MARKER 0xA77AC4E5A77AC4E5UL
#define GSTAGE_LIMIT (1UL << 41)              /* Sv39x4 */
#define GiB (1UL << 30)
#define MiB (1UL << 20)

#define SSI_CAUSE (CAUSE_INTERRUPT | IRQ_S_SOFT)

static int strict;                  /* rvh-vp hypervisor: unmapped reads 0 */
static uint64_t ram_base = 0x80000000UL, ram_size = 128UL << 20;

struct scan {
  unsigned long probed, skipped, read_traps, write_traps;
  unsigned long leaks, nonzero, bad_traps, write_visible;
  uint64_t first_leak_addr, first_leak_value, first_bad_addr, first_bad_value;
};
static struct scan st;

static int is_secret(uint64_t v)
{
  return (v >> 40) == VM_SECRET_TAG_TOP || v == VSECRET_WORD;
}

static void bad(uint64_t a, uint64_t v, const char *what)
{
  const unsigned long total = st.nonzero + st.bad_traps + st.write_visible;
  if (total == 1) {
    st.first_bad_addr = a;
    st.first_bad_value = v;
  }
  if (total <= 4)
    printf("attacker: 0x%lx: %s (0x%lx)\n", a, what, v);
}

/* One 8-byte read; returns 1 if it trapped (and checks the trap). */
static int read_once(uint64_t a, uint64_t *out)
{
  volatile uint64_t v = 0x1111;
  long c = TRY_TRAP(v = *(volatile uint64_t *)a);
  *out = v;
  if (c < 0)
    return 0;
  if (c != CAUSE_LOAD_ACCESS || g_trap.tval != a) {
    st.bad_traps++;
    bad(a, (uint64_t)c, "read: unexpected trap (scause)");
  }
  return 1;
}

static void check_value(uint64_t a, uint64_t v, int after_write)
{
  if (is_secret(v)) {
    if (st.leaks++ == 0) {
      st.first_leak_addr = a;
      st.first_leak_value = v;
    }
    if (st.leaks <= 4)
      printf("attacker: 0x%lx reads 0x%lx: the victim's secret\n", a, v);
  }
  if (strict && v != 0) {
    if (after_write) {
      st.write_visible++;
      bad(a, v, "marker write visible on read-back");
    } else {
      st.nonzero++;
      bad(a, v, "read: nonzero");
    }
  }
}

static void probe(uint64_t a)
{
  if ((a >= ram_base && a - ram_base < ram_size) || (a < ram_base && g_dt_gpa_described(a))) {
    st.skipped++;
    return;
  }
  st.probed++;
  uint64_t v;
  if (read_once(a, &v))
    st.read_traps++;
  else
    check_value(a, v, 0);
  if (!strict)
    return;
  long c = TRY_TRAP(*(volatile uint64_t *)a = MARKER);
  if (c >= 0) {
    st.write_traps++;
    if (c != CAUSE_STORE_ACCESS || g_trap.tval != a) {
      st.bad_traps++;
      bad(a, (uint64_t)c, "write: unexpected trap (scause)");
    }
  }
  if (!read_once(a, &v))
    check_value(a, v, 1);
}

static void scan_range(uint64_t from, uint64_t to, uint64_t step, const char *what)
{
  unsigned long before = st.probed;
  uint64_t t0 = g_rdtime();
  for (uint64_t a = from; a < to; a += step)
    probe(a);
  printf("attacker: %-30s 0x%011lx..0x%011lx step 0x%lx: %lu probed (%lu us guest time)\n", what,
         from, to, step, st.probed - before, (g_rdtime() - t0) * 1000000 / g_dt_timebase());
}

/* ------------------------------------------------------------------ SBI */
static volatile unsigned self_ipis;
static unsigned long sbi_calls, sbi_wrong;

static int ipi_hook(struct g_trap_frame *f)
{
  if (f->cause != SSI_CAUSE)
    return 0;
  csr_clear(sip, MIP_SSIP);
  self_ipis = self_ipis + 1;
  return 1;
}

/* Under OpenSBI an IPI/RFENCE hart mask naming absent harts may also be
 * accepted (older versions drop those bits); the hypervisor must refuse. */
static void expect_invalid(struct sbiret r, int hart_list, const char *what)
{
  sbi_calls++;
  int ok = r.error == SBI_ERR_INVALID_PARAM ||
           (!strict && hart_list && r.error == SBI_SUCCESS);
  printf("attacker: %-44s -> %ld (%s)%s\n", what, r.error, sbi_err_name(r.error),
         ok ? "" : "  WRONG");
  if (!ok)
    sbi_wrong++;
  CHECK(ok);
}

static void wait_ticks(uint64_t n)
{
  uint64_t t = g_rdtime();
  while (g_rdtime() - t < n)
    ;
}

static void attack_sbi(void)
{
  unsigned long n = 0;
  while (n < 64 && g_dt_cpu_isa(n))
    n++;
  if (n == 0)
    n = 1;
  unsigned long outside = 0;                    /* ids n..n+7 below 64 */
  for (unsigned long i = n; i < n + 8 && i < 64; i++)
    outside |= 1UL << i;
  printf("attacker: its VM has N = %lu vCPU(s) (ids 0..%lu); ids N..N+7 = mask 0x%lx\n", n,
         n - 1, outside);

  g_trap_hook = ipi_hook;
  csr_set(sie, MIP_SSIP);
  csr_set(sstatus, MSTATUS_SIE);
  const uint64_t ms = g_dt_timebase() / 1000;

  if (outside)
    expect_invalid(sbi_send_ipi(outside, 0), 1, "send_ipi(ids N..N+7, base 0)");
  expect_invalid(sbi_send_ipi(1, n), 1, "send_ipi(mask 1, base N)");
  expect_invalid(sbi_send_ipi(1UL << 63, 0), 1, "send_ipi(mask 1<<63, base 0)");
  expect_invalid(sbi_send_ipi(1, 64), 1, "send_ipi(mask 1, base 64)");
  expect_invalid(sbi_send_ipi(0xff, 64), 1, "send_ipi(mask 0xff, base 64)");
  expect_invalid(sbi_send_ipi(1, 1UL << 32), 1, "send_ipi(mask 1, base 2^32)");
  expect_invalid(sbi_send_ipi(1, ~1UL), 1, "send_ipi(mask 1, base -2)");
  if (outside)
    expect_invalid(sbi_remote_fence_i(outside, 0), 1, "remote_fence_i(ids N..N+7)");
  expect_invalid(sbi_remote_fence_i(1, 64), 1, "remote_fence_i(mask 1, base 64)");
  if (outside)
    expect_invalid(sbi_remote_sfence_vma(outside, 0, 0, ~0UL), 1, "remote_sfence_vma(ids N..N+7)");
  expect_invalid(sbi_remote_sfence_vma(1, 64, 0, ~0UL), 1, "remote_sfence_vma(mask 1, base 64)");
  expect_invalid(sbi_hart_start(n, (uintptr_t)g_secondary_entry, 0), 0, "hart_start(N)");
  expect_invalid(sbi_hart_start(64, (uintptr_t)g_secondary_entry, 0), 0, "hart_start(64)");
  expect_invalid(sbi_hart_get_status(n), 0, "hart_get_status(N)");
  expect_invalid(sbi_hart_get_status(64), 0, "hart_get_status(64)");

  /* The legacy v0.1 send_ipi takes a mask in memory and has no error for
   * absent harts: only the effect counts (none here, none in the victim). */
  if (sbi_probe_extension(SBI_EXT_LEGACY_SEND_IPI).value) {
    static unsigned long mask[2];
    mask[0] = ~((1UL << n) - 1);
    mask[1] = ~0UL;
    long lr = sbi_legacy_send_ipi(mask);
    printf("attacker: legacy send_ipi(ids N..63) -> %ld (not checked)\n", lr);
  }
  wait_ticks(2 * ms);
  const unsigned stray = self_ipis;
  printf("attacker: IPIs received after the calls above: %u (expected 0)\n", stray);
  CHECK_EQ(stray, 0);

  /* Broadcast: every vCPU of this VM, nobody else. */
  struct sbiret r = sbi_send_ipi(0, ~0UL);
  sbi_calls++;
  uint64_t t = g_rdtime();
  while (self_ipis == stray && g_rdtime() - t < 100 * ms)
    ;
  wait_ticks(2 * ms);
  printf("attacker: send_ipi(base -1) -> %ld, IPIs received %u (expected 1)\n", r.error,
         self_ipis - stray);
  CHECK_EQ(r.error, SBI_SUCCESS);
  CHECK_EQ(self_ipis - stray, 1);
  if (r.error != SBI_SUCCESS || self_ipis - stray != 1)
    sbi_wrong++;
  csr_clear(sstatus, MSTATUS_SIE);
  csr_clear(sie, MIP_SSIP);
  g_trap_hook = 0;
}

int main(unsigned long hartid, unsigned long dtb)
{
  g_test_begin("g_vm_attacker");
  strict = sbi_get_impl_id().value == SBI_IMPL_KVM;
  g_dt_memory(&ram_base, &ram_size);
  const uint64_t ram_end = ram_base + ram_size;
  const uint64_t satp = csr_read(satp);
  printf("attacker: hart %lu, RAM 0x%lx..0x%lx, satp 0x%lx, %s\n", hartid, ram_base, ram_end,
         satp, strict ? "hypervisor: unmapped GPAs must read 0, writes vanish"
                      : "not a hypervisor: reads only, checked for the secret");
  CHECK_EQ(satp, 0);

  uint64_t t0 = g_rdtime();
  scan_range(0, ram_base, 64 * 1024, "below RAM");
  scan_range((ram_end + 2 * MiB - 1) & ~(2 * MiB - 1), 16 * GiB, 2 * MiB, "RAM end to 16 GiB");
  scan_range(16 * GiB, GSTAGE_LIMIT, GiB, "16 GiB to 2^41");
  printf("attacker: %lu addresses probed (%lu skipped: own RAM/devices), %lu read traps, "
         "%lu write traps, %lu us guest time\n", st.probed, st.skipped, st.read_traps,
         st.write_traps, (g_rdtime() - t0) * 1000000 / g_dt_timebase());
  CHECK_EQ(st.leaks, 0);
  CHECK_EQ(st.nonzero, 0);
  CHECK_EQ(st.bad_traps, 0);
  CHECK_EQ(st.write_visible, 0);

  attack_sbi();

  if (rvh_checks_failed == 0) {
    printf("ATTACKER PASS contained\n");
  } else {
    printf("ATTACKER FAIL");
    if (st.leaks)
      printf(" %lu reads saw the victim's secret (first 0x%lx = 0x%lx);", st.leaks,
             st.first_leak_addr, st.first_leak_value);
    if (st.nonzero + st.write_visible + st.bad_traps)
      printf(" %lu nonzero reads, %lu visible writes, %lu wrong traps (first 0x%lx: 0x%lx);",
             st.nonzero, st.write_visible, st.bad_traps, st.first_bad_addr, st.first_bad_value);
    if (sbi_wrong)
      printf(" %lu of %lu SBI calls naming other harts not refused or IPIs astray;", sbi_wrong,
             sbi_calls);
    printf(" %u checks failed\n", rvh_checks_failed);
  }
  g_test_done("g_vm_attacker");
}
