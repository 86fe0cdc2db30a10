/* vmm - a small VMM for Linux 6.1 KVM RISC-V (issue 12).
 *
 *   vmm [--vcpus N] [--mem SIZE] [--append ARGS] [--strict] GUEST
 *
 * Creates a VM (KVM_CREATE_VM), gives it RAM at 0x80000000 from anonymous
 * memory (KVM_SET_USER_MEMORY_REGION), loads GUEST (ELF: PT_LOAD segments
 * at their physical addresses; else a raw binary at 0x80200000), writes a
 * device tree near the top of RAM (guest_dt.c), creates N vCPUs
 * (KVM_CREATE_VCPU) and runs each in its own thread (KVM_RUN). vCPU 0
 * starts at the entry with a0 = 0 and a1 = the DTB address; the others
 * are stopped until the guest starts them with SBI HSM (in the kernel).
 *
 * Exits KVM 6.1 hands to userspace (Documentation/virt/kvm/api.rst,
 * arch/riscv/kvm/vcpu_exit.c, vcpu_sbi*.c):
 *   KVM_EXIT_MMIO          the UART, PLIC and test device (devices.c)
 *   KVM_EXIT_RISCV_SBI     legacy console_putchar/getchar, and the
 *                          experimental/vendor extension ranges (answered
 *                          SBI_ERR_NOT_SUPPORTED)
 *   KVM_EXIT_SYSTEM_EVENT  SRST or the legacy shutdown: the reason is in
 *                          system_event.data[0]
 *   KVM_EXIT_INTR          (a signal) continue
 * KVM_RUN failing with EFAULT (an illegal instruction: 6.1 does not
 * delegate it) or EOPNOTSUPP (a fetch from a guest-physical address
 * without memory): the VMM gives the guest that trap (guest_trap.h), unless
 * --strict. Anything else stops the VM with a message naming the exit.
 *
 * Output: the guest's console on stdout, and lines starting with
 * "RVH-KVM-VMM: ", the last one
 *   RVH-KVM-VMM: guest stopped: <what>, <n> vCPUs, <s> s, exits mmio=N sbi=N ...
 * Exit status: 0 shutdown/reset without reason, 1 with a reason (system
 * failure), 2 stopped by the VMM, 3 setup error (vmm.h).
 */
#define _GNU_SOURCE
#include "devices.h"
#include "guest_dt.h"
#include "guest_trap.h"
#include "loader.h"
#include "riscv_regs.h"
#include "vmm.h"

#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_MEM (128ull << 20)
#define DTB_SLOT    0x10000ull      /* the DTB sits in the last 64 KiB of RAM */
#define KICK_SIGNAL SIGUSR1

/* SBI (SBI spec 2.0, chapter 3 and 5) */
#define SBI_LEGACY_PUTCHAR 0x01
#define SBI_LEGACY_GETCHAR 0x02
#define SBI_EXT_EXPERIMENTAL_START 0x08000000ul
#define SBI_EXT_EXPERIMENTAL_END   0x08ffffffUL
#define SBI_EXT_VENDOR_START       0x09000000ul
#define SBI_EXT_VENDOR_END         0x09ffffffUL
#define SBI_EXT_BASE 0x10
#define SBI_BASE_PROBE_EXT 3
#define SBI_ERR_NOT_SUPPORTED (-2L)
#define SBI_SRST_REASON_NONE 0
#define SBI_SRST_REASON_SYSFAIL 1

struct vcpu {
    unsigned id;
    int fd;
    struct kvm_run *run;
    pthread_t thread;
    int started;
};

static struct {
    int kvm_fd, vm_fd;
    uint8_t *ram;
    uint64_t ram_size;
    unsigned nvcpus;
    struct vcpu vcpus[GUEST_MAX_VCPUS];
    size_t run_size;
} vm;

/* ------------------------------------------------------------ stopping */
static pthread_mutex_t stop_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stop_cond = PTHREAD_COND_INITIALIZER;
static volatile int stopping;
static int stop_status;
static char stop_what[400];

void vm_stop(int status, const char *fmt, ...)
{
    pthread_mutex_lock(&stop_lock);
    if (!stopping) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(stop_what, sizeof stop_what, fmt, ap);
        va_end(ap);
        stop_status = status;
        __atomic_store_n(&stopping, 1, __ATOMIC_SEQ_CST);
        pthread_cond_broadcast(&stop_cond);
    }
    pthread_mutex_unlock(&stop_lock);
}

static int vm_stopping(void)
{
    return __atomic_load_n(&stopping, __ATOMIC_SEQ_CST);
}

/* ------------------------------------------------------------ exit names and counts */
static const char *const exit_names[] = {
    [KVM_EXIT_UNKNOWN] = "unknown", [KVM_EXIT_EXCEPTION] = "exception",
    [KVM_EXIT_IO] = "io", [KVM_EXIT_HYPERCALL] = "hypercall", [KVM_EXIT_DEBUG] = "debug",
    [KVM_EXIT_HLT] = "hlt", [KVM_EXIT_MMIO] = "mmio",
    [KVM_EXIT_IRQ_WINDOW_OPEN] = "irq_window_open", [KVM_EXIT_SHUTDOWN] = "shutdown",
    [KVM_EXIT_FAIL_ENTRY] = "fail_entry", [KVM_EXIT_INTR] = "intr",
    [KVM_EXIT_SET_TPR] = "set_tpr", [KVM_EXIT_TPR_ACCESS] = "tpr_access",
    [KVM_EXIT_S390_SIEIC] = "s390_sieic", [KVM_EXIT_S390_RESET] = "s390_reset",
    [KVM_EXIT_DCR] = "dcr", [KVM_EXIT_NMI] = "nmi",
    [KVM_EXIT_INTERNAL_ERROR] = "internal_error", [KVM_EXIT_OSI] = "osi",
    [KVM_EXIT_PAPR_HCALL] = "papr_hcall", [KVM_EXIT_S390_UCONTROL] = "s390_ucontrol",
    [KVM_EXIT_WATCHDOG] = "watchdog", [KVM_EXIT_S390_TSCH] = "s390_tsch",
    [KVM_EXIT_EPR] = "epr", [KVM_EXIT_SYSTEM_EVENT] = "system_event",
    [KVM_EXIT_S390_STSI] = "s390_stsi", [KVM_EXIT_IOAPIC_EOI] = "ioapic_eoi",
    [KVM_EXIT_HYPERV] = "hyperv", [KVM_EXIT_ARM_NISV] = "arm_nisv",
    [KVM_EXIT_X86_RDMSR] = "x86_rdmsr", [KVM_EXIT_X86_WRMSR] = "x86_wrmsr",
    [KVM_EXIT_DIRTY_RING_FULL] = "dirty_ring_full", [KVM_EXIT_AP_RESET_HOLD] = "ap_reset_hold",
    [KVM_EXIT_X86_BUS_LOCK] = "x86_bus_lock", [KVM_EXIT_XEN] = "xen",
    [KVM_EXIT_RISCV_SBI] = "sbi", [KVM_EXIT_RISCV_CSR] = "riscv_csr",
    [KVM_EXIT_NOTIFY] = "notify",
};
#define N_EXIT_NAMES (sizeof exit_names / sizeof exit_names[0])

static uint64_t exit_count[N_EXIT_NAMES + 1];   /* last: out of range */
static uint64_t fetch_faults, illegal_insns, sbi_unsupported, run_errors_eintr;
static int strict;   /* --strict: KVM_RUN errors stop the VM */

static const char *exit_name(uint32_t reason)
{
    return reason < N_EXIT_NAMES && exit_names[reason] ? exit_names[reason] : "?";
}

static void count(uint64_t *c)
{
    __atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------ helpers */
static void die_setup(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die_setup(const char *fmt, ...)
{
    char buf[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(stderr, "vmm: %s\n", buf);
    exit(VMM_EXIT_SETUP);
}

static uint64_t vcpu_pc(struct vcpu *v)
{
    uint64_t pc = 0;
    if (vcpu_get_reg(v->fd, RISCV_CORE(regs.pc), &pc) != 0)
        return ~0ull;
    return pc;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------ exits */
static void on_mmio(struct vcpu *v)
{
    struct kvm_run *r = v->run;
    enum mmio_result res = mmio_access(r->mmio.phys_addr, r->mmio.data, r->mmio.len, r->mmio.is_write);
    if (res == MMIO_OK)
        return;
    char val[40] = "";
    if (r->mmio.is_write) {
        uint64_t x = 0;
        for (unsigned i = 0; i < r->mmio.len && i < 8; i++)
            x |= (uint64_t)r->mmio.data[i] << (8 * i);
        snprintf(val, sizeof val, " of 0x%llx", (unsigned long long)x);
    }
    vm_stop(VMM_EXIT_VM_FAIL, "failure: %s %u-byte MMIO %s%s at 0x%llx (vCPU %u, pc 0x%llx)",
            res == MMIO_NO_DEVICE ? "no device for a" : "unsupported", r->mmio.len,
            r->mmio.is_write ? "write" : "read", val, (unsigned long long)r->mmio.phys_addr,
            v->id, (unsigned long long)vcpu_pc(v));
}

static void on_sbi(struct vcpu *v)
{
    struct kvm_run *r = v->run;
    unsigned long eid = r->riscv_sbi.extension_id, fid = r->riscv_sbi.function_id;
    r->riscv_sbi.ret[1] = 0;
    if (eid == SBI_LEGACY_PUTCHAR) {
        console_putc((char)r->riscv_sbi.args[0]);
        r->riscv_sbi.ret[0] = 0;
    } else if (eid == SBI_LEGACY_GETCHAR) {
        r->riscv_sbi.ret[0] = (unsigned long)-1L;   /* no input */
    } else if (eid == SBI_EXT_BASE && fid == SBI_BASE_PROBE_EXT) {
        r->riscv_sbi.ret[0] = 0;                    /* probe of an experimental/vendor */
        r->riscv_sbi.ret[1] = 0;                    /* extension: not available */
    } else {
        /* experimental/vendor ranges, and whatever a later kernel forwards */
        count(&sbi_unsupported);
        r->riscv_sbi.ret[0] = (unsigned long)SBI_ERR_NOT_SUPPORTED;
    }
}

static void on_system_event(struct vcpu *v)
{
    struct kvm_run *r = v->run;
    uint64_t reason = r->system_event.ndata >= 1 ? r->system_event.data[0] : 0;
    const char *type = r->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN ? "shutdown"
                       : r->system_event.type == KVM_SYSTEM_EVENT_RESET  ? "reset"
                                                                          : NULL;
    if (!type) {
        vm_stop(VMM_EXIT_VM_FAIL, "failure: system event type %u (data 0x%llx) from vCPU %u",
                r->system_event.type, (unsigned long long)reason, v->id);
        return;
    }
    const char *why = reason == SBI_SRST_REASON_NONE      ? "no reason"
                      : reason == SBI_SRST_REASON_SYSFAIL ? "system failure"
                                                          : "other reason";
    vm_stop(reason == SBI_SRST_REASON_NONE ? VMM_EXIT_OK : VMM_EXIT_GUEST_FAIL,
            "%s (reason %llu: %s) by vCPU %u", type, (unsigned long long)reason, why, v->id);
}

/* KVM_RUN failed with `err`: if it is one of the traps KVM 6.1 cannot give
 * the guest itself (guest_trap.h), give it here and return 0. */
static int give_guest_trap(struct vcpu *v, int err)
{
    if (strict)
        return -1;
    if (err == EOPNOTSUPP) {
        /* a fetch from a GPA without memory: the pc is the fetch address */
        uint64_t pc = vcpu_pc(v);
        if (pc == ~0ull || guest_take_trap(v->fd, CAUSE_FETCH_ACCESS, pc) != 0)
            return -1;
        count(&fetch_faults);
        return 0;
    }
    if (err == EFAULT) {
        /* a trap 6.1 neither handles nor delegates: an illegal instruction,
         * unless the instruction accesses memory (an access fault then,
         * whose address the VMM does not know) */
        uint32_t insn = 0;
        if (!guest_insn_at_pc(v->fd, vm.ram, GUEST_RAM_BASE, vm.ram_size, &insn) ||
            insn_is_memory_access(insn) || guest_take_trap(v->fd, CAUSE_ILLEGAL_INSN, insn) != 0)
            return -1;
        count(&illegal_insns);
        return 0;
    }
    return -1;
}

static void kick_handler(int sig)
{
    (void)sig;
}

/* Pins the calling vCPU thread to host hart (id mod online harts): each
 * vCPU then always runs on the same hart of the simulator, so what that
 * hart's counters see between two markers of a guest belongs to one vCPU.
 * Best effort: a failure is only reported. */
static void pin_to_hart(unsigned id)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(id % (unsigned)n, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0)
        vmm_log("vCPU %u: not pinned to hart %ld: %s", id, (long)(id % (unsigned)n), strerror(errno));
}

static void *vcpu_thread(void *arg)
{
    struct vcpu *v = arg;
    struct kvm_run *r = v->run;
    pin_to_hart(v->id);
    while (!vm_stopping()) {
        if (ioctl(v->fd, KVM_RUN, 0) != 0) {
            int e = errno;
            if (e == EINTR || e == EAGAIN) {
                count(&run_errors_eintr);
                continue;
            }
            if (give_guest_trap(v, e) == 0)
                continue;
            vm_stop(VMM_EXIT_VM_FAIL, "failure: KVM_RUN on vCPU %u: %s (pc 0x%llx)%s", v->id,
                    strerror(e), (unsigned long long)vcpu_pc(v),
                    e == EFAULT ? ": a guest trap KVM 6.1 does not handle (see the kernel's "
                                  "\"VCPU exit error\" lines for its scause)"
                                : "");
            break;
        }
        uint32_t reason = r->exit_reason;
        count(&exit_count[reason < N_EXIT_NAMES ? reason : N_EXIT_NAMES]);
        switch (reason) {
        case KVM_EXIT_MMIO:
            on_mmio(v);
            break;
        case KVM_EXIT_RISCV_SBI:
            on_sbi(v);
            break;
        case KVM_EXIT_SYSTEM_EVENT:
            on_system_event(v);
            break;
        case KVM_EXIT_INTR:
            break;
        case KVM_EXIT_UNKNOWN:
            vm_stop(VMM_EXIT_VM_FAIL,
                    "failure: exit unknown (hardware exit reason 0x%llx) on vCPU %u, pc 0x%llx",
                    (unsigned long long)r->hw.hardware_exit_reason, v->id,
                    (unsigned long long)vcpu_pc(v));
            break;
        case KVM_EXIT_INTERNAL_ERROR:
            vm_stop(VMM_EXIT_VM_FAIL,
                    "failure: exit internal_error (suberror %u) on vCPU %u, pc 0x%llx",
                    r->internal.suberror, v->id, (unsigned long long)vcpu_pc(v));
            break;
        case KVM_EXIT_RISCV_CSR:
            vm_stop(VMM_EXIT_VM_FAIL,
                    "failure: exit riscv_csr (csr 0x%lx, new 0x%lx, mask 0x%lx) on vCPU %u, "
                    "pc 0x%llx: no CSR is emulated here",
                    r->riscv_csr.csr_num, r->riscv_csr.new_value, r->riscv_csr.write_mask,
                    v->id, (unsigned long long)vcpu_pc(v));
            break;
        default:
            vm_stop(VMM_EXIT_VM_FAIL, "failure: unexpected exit %s (%u) on vCPU %u, pc 0x%llx",
                    exit_name(reason), reason, v->id, (unsigned long long)vcpu_pc(v));
            break;
        }
    }
    return NULL;
}

/* ------------------------------------------------------------ setup */
static uint64_t parse_size(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s)
        die_setup("--mem %s: not a size (examples: 128M, 1G, 0x8000000)", s);
    switch (*end) {
    case 'k': case 'K': v <<= 10; end++; break;
    case 'm': case 'M': v <<= 20; end++; break;
    case 'g': case 'G': v <<= 30; end++; break;
    default: break;
    }
    if (*end == 'i' || *end == 'B')
        end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
    if (*end)
        die_setup("--mem %s: not a size (examples: 128M, 1G, 0x8000000)", s);
    return v;
}

static void usage(FILE *to)
{
    fprintf(to,
            "usage: vmm [--vcpus N] [--mem SIZE] [--append ARGS] [--strict] GUEST\n"
            "  GUEST      ELF (PT_LOAD segments at their physical addresses) or raw\n"
            "             binary (loaded at 0x80200000)\n"
            "  --vcpus N  vCPUs, 1..%u (default 1); vCPU 0 boots, the others wait for SBI HSM\n"
            "  --mem SIZE guest RAM at 0x80000000 (default 128M; suffixes K, M, G)\n"
            "  --append A /chosen bootargs of the guest's device tree\n"
            "  --strict   stop the guest when KVM_RUN fails, instead of giving it the\n"
            "             illegal-instruction or fetch-access-fault trap KVM 6.1 cannot\n"
            "             give (an EFAULT or EOPNOTSUPP from KVM_RUN)\n"
            "exit status: 0 guest shut down without reason, 1 with a reason (failure),\n"
            "             2 the VMM stopped the guest, 3 setup error\n",
            GUEST_MAX_VCPUS);
}

static void open_kvm(void)
{
    vm.kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (vm.kvm_fd < 0) {
        if (errno == ENOENT)
            die_setup("/dev/kvm: no such device node: the host kernel needs CONFIG_KVM=y and a "
                      "hart with the H extension (QEMU: -cpu rv64,h=true), and devtmpfs on /dev");
        die_setup("/dev/kvm: %s", strerror(errno));
    }
    int api = ioctl(vm.kvm_fd, KVM_GET_API_VERSION, 0);
    if (api != KVM_API_VERSION)
        die_setup("/dev/kvm: KVM API version %d, this VMM needs %d", api, KVM_API_VERSION);
    vm.vm_fd = ioctl(vm.kvm_fd, KVM_CREATE_VM, 0);
    if (vm.vm_fd < 0)
        die_setup("KVM_CREATE_VM: %s", strerror(errno));
    int sz = ioctl(vm.kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (sz <= 0)
        die_setup("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
    vm.run_size = (size_t)sz;
}

static void setup_ram(void)
{
    vm.ram = mmap(NULL, vm.ram_size, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (vm.ram == MAP_FAILED)
        die_setup("cannot map %llu MiB of guest RAM: %s (try a smaller --mem)",
                  (unsigned long long)(vm.ram_size >> 20), strerror(errno));
    struct kvm_userspace_memory_region region = {
        .slot = 0,
        .flags = 0,
        .guest_phys_addr = GUEST_RAM_BASE,
        .memory_size = vm.ram_size,
        .userspace_addr = (uint64_t)(uintptr_t)vm.ram,
    };
    if (ioctl(vm.vm_fd, KVM_SET_USER_MEMORY_REGION, &region) != 0)
        die_setup("KVM_SET_USER_MEMORY_REGION (%llu MiB at 0x%llx): %s",
                  (unsigned long long)(vm.ram_size >> 20), (unsigned long long)GUEST_RAM_BASE,
                  strerror(errno));
}

static void create_vcpus(void)
{
    for (unsigned i = 0; i < vm.nvcpus; i++) {
        struct vcpu *v = &vm.vcpus[i];
        v->id = i;
        v->fd = ioctl(vm.vm_fd, KVM_CREATE_VCPU, (unsigned long)i);
        if (v->fd < 0)
            die_setup("KVM_CREATE_VCPU %u: %s", i, strerror(errno));
        v->run = mmap(NULL, vm.run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
        if (v->run == MAP_FAILED)
            die_setup("mmap of vCPU %u's kvm_run: %s", i, strerror(errno));
    }
}

/* vCPU 0: pc = entry, a0 = hart id, a1 = DTB (the RISC-V Linux boot
 * protocol, which sw/guest follows too); others stopped until HSM start. */
static void boot_vcpus(uint64_t entry, uint64_t dtb)
{
    struct vcpu *v0 = &vm.vcpus[0];
    if (vcpu_set_reg(v0->fd, RISCV_CORE(regs.pc), entry) ||
        vcpu_set_reg(v0->fd, RISCV_CORE(regs.a0), 0) ||
        vcpu_set_reg(v0->fd, RISCV_CORE(regs.a1), dtb) ||
        vcpu_set_reg(v0->fd, RISCV_CORE(mode), KVM_RISCV_MODE_S))
        die_setup("KVM_SET_ONE_REG on vCPU 0: %s", strerror(errno));
    for (unsigned i = 0; i < vm.nvcpus; i++) {
        struct kvm_mp_state st = {.mp_state = i == 0 ? KVM_MP_STATE_RUNNABLE : KVM_MP_STATE_STOPPED};
        if (ioctl(vm.vcpus[i].fd, KVM_SET_MP_STATE, &st) != 0)
            die_setup("KVM_SET_MP_STATE on vCPU %u: %s", i, strerror(errno));
    }
}

static void print_summary(double seconds)
{
    char line[1024];
    int n = snprintf(line, sizeof line, "guest stopped: %s, %u vCPU%s, %.3f s, exits mmio=%llu sbi=%llu",
                     stop_what, vm.nvcpus, vm.nvcpus == 1 ? "" : "s", seconds,
                     (unsigned long long)exit_count[KVM_EXIT_MMIO],
                     (unsigned long long)exit_count[KVM_EXIT_RISCV_SBI]);
    for (unsigned i = 0; i <= N_EXIT_NAMES && n < (int)sizeof line; i++) {
        if (i == KVM_EXIT_MMIO || i == KVM_EXIT_RISCV_SBI || !exit_count[i])
            continue;
        n += snprintf(line + n, sizeof line - n, " %s=%llu",
                      i < N_EXIT_NAMES ? exit_name(i) : "out_of_range",
                      (unsigned long long)exit_count[i]);
    }
    if (n < (int)sizeof line)
        n += snprintf(line + n, sizeof line - n, " eintr=%llu", (unsigned long long)run_errors_eintr);
    if (n < (int)sizeof line && illegal_insns)
        n += snprintf(line + n, sizeof line - n, " illegal_insn=%llu", (unsigned long long)illegal_insns);
    if (n < (int)sizeof line && fetch_faults)
        n += snprintf(line + n, sizeof line - n, " fetch_fault=%llu", (unsigned long long)fetch_faults);
    if (n < (int)sizeof line && sbi_unsupported)
        n += snprintf(line + n, sizeof line - n, " sbi_unsupported=%llu",
                      (unsigned long long)sbi_unsupported);
    for (int d = 0; d < DEV_COUNT && n < (int)sizeof line; d++)
        n += snprintf(line + n, sizeof line - n, " mmio_%s=%llu", mmio_device_name(d),
                      (unsigned long long)mmio_count(d));
    int64_t db = test_doorbell_kernel_writes();
    if (db > 0 && n < (int)sizeof line)
        snprintf(line + n, sizeof line - n, " doorbell_in_kernel=%lld", (long long)db);
    vmm_log("%s", line);
}

int main(int argc, char **argv)
{
    const char *guest = NULL, *append = NULL;
    vm.nvcpus = 1;
    vm.ram_size = DEFAULT_MEM;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if ((!strcmp(a, "--vcpus") || !strcmp(a, "--mem") || !strcmp(a, "--append")) &&
                   i + 1 >= argc) {
            die_setup("%s needs a value (see vmm --help)", a);
        } else if (!strcmp(a, "--vcpus")) {
            char *end;
            unsigned long n = strtoul(argv[++i], &end, 0);
            if (*end || n < 1 || n > GUEST_MAX_VCPUS)
                die_setup("--vcpus %s: give 1..%u", argv[i], GUEST_MAX_VCPUS);
            vm.nvcpus = (unsigned)n;
        } else if (!strcmp(a, "--mem")) {
            vm.ram_size = parse_size(argv[++i]);
        } else if (!strcmp(a, "--append")) {
            append = argv[++i];
        } else if (!strcmp(a, "--strict")) {
            strict = 1;
        } else if (a[0] == '-' && a[1]) {
            usage(stderr);
            die_setup("unknown option %s", a);
        } else if (guest) {
            die_setup("one GUEST only (got %s and %s)", guest, a);
        } else {
            guest = a;
        }
    }
    if (!guest) {
        usage(stderr);
        die_setup("no GUEST given");
    }
    if (vm.ram_size < 4 * DTB_SLOT || (vm.ram_size & 0xfff) || vm.ram_size > (64ull << 30))
        die_setup("--mem: give 256K..64G in whole 4 KiB pages (got %llu bytes)",
                  (unsigned long long)vm.ram_size);

    open_kvm();
    setup_ram();
    struct guest_image img;
    char err[400];
    if (load_guest(guest, vm.ram, GUEST_RAM_BASE, vm.ram_size, &img, err, sizeof err) != 0)
        die_setup("%s", err);
    create_vcpus();

    struct fdt dt;
    struct guest_dt_info info;
    struct guest_dt_params params = {.nvcpus = vm.nvcpus, .ram_base = GUEST_RAM_BASE,
                                     .ram_size = vm.ram_size, .bootargs = append,
                                     .vcpu0_fd = vm.vcpus[0].fd};
    guest_dt_build(&dt, &params, &info);
    uint64_t dtb = GUEST_RAM_BASE + vm.ram_size - DTB_SLOT;
    if (dt.blob_len > DTB_SLOT)
        die_setup("device tree of %zu bytes does not fit in its %llu-byte slot", dt.blob_len,
                  (unsigned long long)DTB_SLOT);
    if (img.hi > dtb)
        die_setup("%s reaches 0x%llx, over the device tree at 0x%llx: give more --mem", guest,
                  (unsigned long long)img.hi, (unsigned long long)dtb);
    memcpy(vm.ram + (dtb - GUEST_RAM_BASE), dt.blob, dt.blob_len);

    devices_init(vm.vm_fd, vm.nvcpus);
    boot_vcpus(img.entry, dtb);

    setvbuf(stdout, NULL, _IONBF, 0);
    vmm_log("guest %s (%s, 0x%llx..0x%llx), entry 0x%llx, %u vCPU%s, %llu MiB RAM at 0x%llx, "
            "DTB at 0x%llx (%zu bytes), timebase %u Hz, isa %s",
            guest, img.is_elf ? "ELF" : "raw", (unsigned long long)img.lo,
            (unsigned long long)img.hi, (unsigned long long)img.entry, vm.nvcpus,
            vm.nvcpus == 1 ? "" : "s", (unsigned long long)(vm.ram_size >> 20),
            (unsigned long long)GUEST_RAM_BASE, (unsigned long long)dtb, dt.blob_len,
            info.timebase, info.isa);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = kick_handler;   /* no SA_RESTART: KVM_RUN returns EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(KICK_SIGNAL, &sa, NULL);

    double t0 = now_s();
    for (unsigned i = 0; i < vm.nvcpus; i++) {
        int e = pthread_create(&vm.vcpus[i].thread, NULL, vcpu_thread, &vm.vcpus[i]);
        if (e)
            vm_stop(VMM_EXIT_VM_FAIL, "failure: cannot start the thread of vCPU %u: %s", i,
                    strerror(e));
        else
            vm.vcpus[i].started = 1;
    }

    pthread_mutex_lock(&stop_lock);
    while (!stopping)
        pthread_cond_wait(&stop_cond, &stop_lock);
    pthread_mutex_unlock(&stop_lock);
    double t1 = now_s();

    /* Stop every vCPU thread: a stopped vCPU sleeps inside KVM_RUN until a
     * signal; immediate_exit covers a thread about to enter KVM_RUN. */
    for (unsigned i = 0; i < vm.nvcpus; i++) {
        if (!vm.vcpus[i].started)
            continue;
        vm.vcpus[i].run->immediate_exit = 1;
        pthread_kill(vm.vcpus[i].thread, KICK_SIGNAL);
    }
    for (unsigned i = 0; i < vm.nvcpus; i++) {
        if (!vm.vcpus[i].started)
            continue;
        struct timespec limit;
        clock_gettime(CLOCK_REALTIME, &limit);
        limit.tv_sec += 5;
        if (pthread_timedjoin_np(vm.vcpus[i].thread, NULL, &limit) != 0)
            vmm_log("warning: vCPU %u's thread did not stop within 5 s", i);
    }
    console_flush();
    print_summary(t1 - t0);
    fdt_free(&dt);
    return stop_status;
}
