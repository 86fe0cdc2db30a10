/* guest_dt.c - the guest's device tree (see guest_dt.h).
 *
 * Bindings: Documentation/devicetree/bindings/riscv/cpus.yaml,
 * interrupt-controller/sifive,plic-1.0.0.yaml, serial/8250.yaml (Linux 6.1).
 * Each cpu has its local interrupt controller (riscv,cpu-intc); the PLIC
 * has one context per vCPU, its S-mode external interrupt (cause 9).
 */
#define _GNU_SOURCE
#include "guest_dt.h"
#include "riscv_regs.h"
#include "vmm.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOST_DT "/proc/device-tree"
#define IRQ_S_EXT 9u

/* Reads a whole /proc/device-tree property; returns its length or -1. */
static long read_prop(const char *path, void *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return (long)n;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The host's first cpu node (lowest unit address) with a riscv,isa. */
static int host_cpu_node(char *path, size_t cap)
{
    DIR *d = opendir(HOST_DT "/cpus");
    if (!d)
        return -1;
    unsigned long best = ~0ul;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "cpu@", 4) != 0)
            continue;
        unsigned long unit = strtoul(e->d_name + 4, NULL, 16);
        char probe[300];
        snprintf(probe, sizeof probe, HOST_DT "/cpus/%s/riscv,isa", e->d_name);
        FILE *f = fopen(probe, "rb");
        if (!f)
            continue;
        fclose(f);
        if (unit < best) {
            best = unit;
            snprintf(path, cap, HOST_DT "/cpus/%s", e->d_name);
        }
    }
    closedir(d);
    return best == ~0ul ? -1 : 0;
}

static uint32_t host_timebase(int vcpu_fd)
{
    uint8_t b[8];
    long n = read_prop(HOST_DT "/cpus/timebase-frequency", b, sizeof b);
    if (n == 4)
        return be32(b);
    if (n == 8)
        return be32(b + 4);
    uint64_t hz = 0;
    if (vcpu_get_reg(vcpu_fd, RISCV_TIMER(frequency), &hz) == 0 && hz && hz <= 0xffffffffu)
        return (uint32_t)hz;
    vmm_log("warning: no timebase-frequency in " HOST_DT " nor from KVM; using 10 MHz");
    return 10000000;
}

/* Multi-letter extensions KVM 6.1 knows (enum KVM_RISCV_ISA_EXT_ID): given
 * to a vCPU only when its ISA_EXT register reads 1. */
static const struct { const char *name; unsigned id; } kvm_multi_ext[] = {
    {"svpbmt", 7}, {"sstc", 8}, {"svinval", 9}, {"zihintpause", 10}, {"zicbom", 11},
};

static int append(char *out, size_t cap, const char *s)
{
    size_t l = strlen(out);
    if (l + strlen(s) + 1 > cap)
        return -1;
    strcpy(out + l, s);
    return 0;
}

/* The riscv,isa of a vCPU: the single letters KVM's CONFIG isa register
 * gives (never 'h': 6.1 has no nested virtualization), then the host's
 * multi-letter extensions that a vCPU gets: KVM's own ones when enabled,
 * unprivileged Z* ones as they are; other S/X ones are left out. */
static void vcpu_isa(int vcpu_fd, const char *host_isa, char *out, size_t cap)
{
    uint64_t bits = 0;
    if (vcpu_get_reg(vcpu_fd, RISCV_CONFIG(isa), &bits) != 0) {
        /* fall back to the host's letters */
        const char *s = host_isa + (strncmp(host_isa, "rv64", 4) == 0 ? 4 : 0);
        for (; *s && *s != '_'; s++)
            if (*s >= 'a' && *s <= 'z')
                bits |= 1ull << (*s - 'a');
    }
    bits &= ~((1ull << ('h' - 'a')) | (1ull << ('s' - 'a')) | (1ull << ('u' - 'a')));
    snprintf(out, cap, "rv64");
    static const char order[] = "imafdqlcbkjtpvn";
    char one[2] = {0, 0};
    for (const char *c = order; *c; c++)
        if (bits & (1ull << (*c - 'a'))) {
            one[0] = *c;
            append(out, cap, one);
            bits &= ~(1ull << (*c - 'a'));
        }
    for (char c = 'a'; c <= 'z'; c++)
        if (bits & (1ull << (c - 'a'))) {
            one[0] = c;
            append(out, cap, one);
        }
    const char *u = strchr(host_isa, '_');
    while (u) {
        const char *start = u + 1;
        u = strchr(start, '_');
        size_t len = u ? (size_t)(u - start) : strlen(start);
        char ext[64];
        if (len == 0 || len >= sizeof ext)
            continue;
        memcpy(ext, start, len);
        ext[len] = 0;
        int keep = ext[0] == 'z';
        for (size_t i = 0; i < sizeof kvm_multi_ext / sizeof kvm_multi_ext[0]; i++)
            if (strcmp(ext, kvm_multi_ext[i].name) == 0) {
                uint64_t on = 0;
                keep = vcpu_get_reg(vcpu_fd, RISCV_ISA_EXT(kvm_multi_ext[i].id), &on) == 0 && on;
            }
        if (keep) {
            append(out, cap, "_");
            append(out, cap, ext);
        }
    }
}

static void reg_prop(struct fdt *f, uint64_t base, uint64_t size)
{
    uint32_t cells[4] = {(uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32),
                         (uint32_t)size};
    fdt_prop_cells(f, "reg", cells, 4);
}

static void node_name(char *buf, size_t cap, const char *name, uint64_t unit)
{
    snprintf(buf, cap, "%s@%llx", name, (unsigned long long)unit);
}

void guest_dt_build(struct fdt *f, const struct guest_dt_params *p, struct guest_dt_info *info)
{
    char cpu_path[300], host_isa[512] = "rv64imafdc", mmu[32] = "riscv,sv39", path[400];
    if (host_cpu_node(cpu_path, sizeof cpu_path) == 0) {
        snprintf(path, sizeof path, "%s/riscv,isa", cpu_path);
        long n = read_prop(path, host_isa, sizeof host_isa - 1);
        host_isa[n > 0 ? n : 0] = 0;
        snprintf(path, sizeof path, "%s/mmu-type", cpu_path);
        n = read_prop(path, mmu, sizeof mmu - 1);
        mmu[n > 0 ? n : 0] = 0;
        if (!mmu[0])
            snprintf(mmu, sizeof mmu, "riscv,sv39");
    } else {
        vmm_log("warning: no cpu node with riscv,isa in " HOST_DT "; assuming %s", host_isa);
    }
    info->timebase = host_timebase(p->vcpu0_fd);
    vcpu_isa(p->vcpu0_fd, host_isa, info->isa, sizeof info->isa);

    const uint32_t intc_phandle = 1;           /* + vCPU index */
    const uint32_t plic_phandle = 1 + p->nvcpus;
    char name[64];

    fdt_init(f);
    fdt_begin_node(f, "");
    fdt_prop_u32(f, "#address-cells", 2);
    fdt_prop_u32(f, "#size-cells", 2);
    fdt_prop_string(f, "compatible", "rvh-vp,kvm-vmm");
    fdt_prop_string(f, "model", "rvh-vp sw/kvm VMM guest");

    fdt_begin_node(f, "chosen");
    if (p->bootargs)
        fdt_prop_string(f, "bootargs", p->bootargs);
    node_name(name, sizeof name, "/soc/serial", GUEST_UART_BASE);
    fdt_prop_string(f, "stdout-path", name);
    fdt_end_node(f);

    node_name(name, sizeof name, "memory", p->ram_base);
    fdt_begin_node(f, name);
    fdt_prop_string(f, "device_type", "memory");
    reg_prop(f, p->ram_base, p->ram_size);
    fdt_end_node(f);

    fdt_begin_node(f, "cpus");
    fdt_prop_u32(f, "#address-cells", 1);
    fdt_prop_u32(f, "#size-cells", 0);
    fdt_prop_u32(f, "timebase-frequency", info->timebase);
    for (unsigned i = 0; i < p->nvcpus; i++) {
        node_name(name, sizeof name, "cpu", i);
        fdt_begin_node(f, name);
        fdt_prop_string(f, "device_type", "cpu");
        fdt_prop_u32(f, "reg", i);
        fdt_prop_string(f, "status", "okay");
        fdt_prop_string(f, "compatible", "riscv");
        fdt_prop_string(f, "riscv,isa", info->isa);
        fdt_prop_string(f, "mmu-type", mmu);
        fdt_begin_node(f, "interrupt-controller");
        fdt_prop_u32(f, "#interrupt-cells", 1);
        fdt_prop_empty(f, "interrupt-controller");
        fdt_prop_string(f, "compatible", "riscv,cpu-intc");
        fdt_prop_u32(f, "phandle", intc_phandle + i);
        fdt_end_node(f);
        fdt_end_node(f);
    }
    fdt_end_node(f);

    fdt_begin_node(f, "soc");
    fdt_prop_u32(f, "#address-cells", 2);
    fdt_prop_u32(f, "#size-cells", 2);
    fdt_prop_string(f, "compatible", "simple-bus");
    fdt_prop_empty(f, "ranges");

    node_name(name, sizeof name, "interrupt-controller", GUEST_PLIC_BASE);
    fdt_begin_node(f, name);
    static const char *const plic_compat[] = {"sifive,plic-1.0.0", "riscv,plic0"};
    fdt_prop_strings(f, "compatible", plic_compat, 2);
    reg_prop(f, GUEST_PLIC_BASE, GUEST_PLIC_SIZE);
    fdt_prop_u32(f, "#address-cells", 0);
    fdt_prop_u32(f, "#interrupt-cells", 1);
    fdt_prop_empty(f, "interrupt-controller");
    fdt_prop_u32(f, "riscv,ndev", GUEST_PLIC_NDEV);
    uint32_t ext[2 * GUEST_MAX_VCPUS];
    for (unsigned i = 0; i < p->nvcpus; i++) {
        ext[2 * i] = intc_phandle + i;
        ext[2 * i + 1] = IRQ_S_EXT;
    }
    fdt_prop_cells(f, "interrupts-extended", ext, 2 * p->nvcpus);
    fdt_prop_u32(f, "phandle", plic_phandle);
    fdt_end_node(f);

    node_name(name, sizeof name, "serial", GUEST_UART_BASE);
    fdt_begin_node(f, name);
    fdt_prop_string(f, "compatible", "ns16550a");
    reg_prop(f, GUEST_UART_BASE, GUEST_UART_SIZE);
    fdt_prop_u32(f, "clock-frequency", GUEST_UART_CLOCK);
    fdt_prop_u32(f, "interrupt-parent", plic_phandle);
    fdt_prop_u32(f, "interrupts", GUEST_UART_IRQ);
    fdt_end_node(f);

    node_name(name, sizeof name, "test", GUEST_TEST_BASE);
    fdt_begin_node(f, name);
    fdt_prop_string(f, "compatible", "rvh,kvm-testdev");
    reg_prop(f, GUEST_TEST_BASE, GUEST_TEST_SIZE);
    fdt_end_node(f);

    fdt_end_node(f);  /* soc */
    fdt_end_node(f);  /* root */
    fdt_finish(f, 0);
}
