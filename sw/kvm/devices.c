/* devices.c - the VMM's userspace devices (see vmm.h for the map).
 *
 * 16550 UART (ns16550a, byte registers, reg-shift 0): THR writes go to the
 * console; LSR always reads "transmitter empty, no data"; RBR reads 0; IER,
 * LCR, MCR, SCR and the divisor latch (LCR.DLAB) read back what was
 * written; IIR reads "no interrupt pending" (FIFO bits as FCR enabled
 * them); MSR reads DCD|DSR|CTS. No interrupt is ever raised: the guests
 * here poll (or print through SBI).
 *
 * PLIC (riscv,plic0, RISC-V PLIC spec 1.0.0 register map), sources 1..31,
 * context i = S-mode of vCPU i: priorities, pending (always 0), enables,
 * threshold and claim/complete are registers that read back; claim returns
 * 0 since no source is ever pending (no device here raises an interrupt).
 * 32-bit accesses only, as the spec requires.
 *
 * Test device (rvh,kvm-testdev) for MMIO-exit measurements:
 *   0x00 SCRATCH   64-bit read/write, any naturally aligned access in it
 *   0x08 ID        32-bit read-only 0x4b4d5652 ("RVMK")
 *   0x0c VERSION   32-bit read-only 1
 *   0x10 DOORBELL  32-bit: writes are completed in the kernel through
 *                  KVM_IOEVENTFD (no exit to the VMM); reads return the
 *                  number of doorbell writes so far
 *   0x18 MMIO_EXITS 64-bit read-only: MMIO exits served by the VMM so far
 * Any other access (address, size) is reported by the caller and stops the VM.
 */
#define _GNU_SOURCE
#include "devices.h"
#include "vmm.h"

#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

static pthread_mutex_t dev_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t served[DEV_COUNT];
static uint64_t served_total;

/* ------------------------------------------------------------ helpers */
static uint64_t get_le(const uint8_t *d, unsigned len)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < len; i++)
        v |= (uint64_t)d[i] << (8 * i);
    return v;
}

static void put_le(uint8_t *d, unsigned len, uint64_t v)
{
    for (unsigned i = 0; i < len; i++)
        d[i] = (uint8_t)(v >> (8 * i));
}

/* ------------------------------------------------------------ 16550 UART */
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LCR_DLAB 0x80
#define UART_IIR_NO_INT 0x01
#define UART_MSR_DCD_DSR_CTS 0xb0

static struct {
    uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
} uart = {.dll = 0x0c};

static enum mmio_result uart_access(uint64_t off, uint8_t *data, unsigned len, int is_write)
{
    if (len != 1)
        return MMIO_BAD_ACCESS;
    int dlab = (uart.lcr & UART_LCR_DLAB) != 0;
    if (is_write) {
        uint8_t v = data[0];
        switch (off) {
        case 0: if (dlab) uart.dll = v; else console_putc((char)v); break;
        case 1: if (dlab) uart.dlm = v; else uart.ier = v & 0x0f; break;
        case 2: uart.fcr = v & 0xc9; break;   /* FCR: reset bits self-clear */
        case 3: uart.lcr = v; break;
        case 4: uart.mcr = v & 0x1f; break;
        case 5: case 6: break;                /* LSR/MSR: writes ignored */
        case 7: uart.scr = v; break;
        default: break;                       /* reserved: ignored */
        }
        return MMIO_OK;
    }
    uint8_t v = 0;
    switch (off) {
    case 0: v = dlab ? uart.dll : 0; break;  /* RBR: no data ever */
    case 1: v = dlab ? uart.dlm : uart.ier; break;
    case 2: v = UART_IIR_NO_INT | ((uart.fcr & 1) ? 0xc0 : 0); break;
    case 3: v = uart.lcr; break;
    case 4: v = uart.mcr; break;
    case 5: v = UART_LSR_THRE | UART_LSR_TEMT; break;
    case 6: v = UART_MSR_DCD_DSR_CTS; break;
    case 7: v = uart.scr; break;
    default: v = 0; break;                   /* reserved: reads 0 */
    }
    data[0] = v;
    return MMIO_OK;
}

/* ------------------------------------------------------------ PLIC */
#define PLIC_PENDING    0x001000u
#define PLIC_ENABLE     0x002000u
#define PLIC_ENABLE_CTX 0x80u
#define PLIC_CONTEXT    0x200000u
#define PLIC_CONTEXT_SZ 0x1000u

static struct {
    unsigned contexts;
    uint32_t priority[GUEST_PLIC_NDEV + 1];
    uint32_t enable[GUEST_MAX_VCPUS];      /* sources 0..31, one word per context */
    uint32_t threshold[GUEST_MAX_VCPUS];
} plic;

static enum mmio_result plic_access(uint64_t off, uint8_t *data, unsigned len, int is_write)
{
    if (len != 4 || (off & 3))
        return MMIO_BAD_ACCESS;
    uint32_t v = is_write ? (uint32_t)get_le(data, 4) : 0;
    uint32_t *reg = NULL;        /* a read/write register */
    uint32_t mask = 0xffffffffu;
    int read_zero = 0;           /* pending bits, claim, unused enable words */
    if (off < 4 * (GUEST_PLIC_NDEV + 1)) {
        if (off == 0)
            read_zero = 1;       /* source 0 does not exist: hardwired 0 */
        else
            reg = &plic.priority[off / 4], mask = 0x7;
    } else if (off >= PLIC_PENDING && off < PLIC_PENDING + 0x80) {
        read_zero = 1;           /* nothing ever pending; writes ignored */
    } else if (off >= PLIC_ENABLE && off < PLIC_ENABLE + PLIC_ENABLE_CTX * plic.contexts) {
        uint64_t ctx = (off - PLIC_ENABLE) / PLIC_ENABLE_CTX;
        uint64_t word = (off - PLIC_ENABLE) % PLIC_ENABLE_CTX / 4;
        if (word == 0)
            reg = &plic.enable[ctx], mask = 0xfffffffeu;  /* source 0 not enablable */
        else
            read_zero = 1;       /* sources 32..1023 do not exist */
    } else if (off >= PLIC_CONTEXT && off < PLIC_CONTEXT + PLIC_CONTEXT_SZ * plic.contexts) {
        uint64_t ctx = (off - PLIC_CONTEXT) / PLIC_CONTEXT_SZ;
        uint64_t r = (off - PLIC_CONTEXT) % PLIC_CONTEXT_SZ;
        if (r == 0)
            reg = &plic.threshold[ctx], mask = 0x7;
        else if (r == 4)
            read_zero = 1;       /* claim: no pending source -> 0; complete: ignored */
        else
            return MMIO_BAD_ACCESS;
    } else {
        return MMIO_BAD_ACCESS;
    }
    if (is_write) {
        if (reg)
            *reg = v & mask;
    } else {
        put_le(data, 4, (reg && !read_zero) ? *reg : 0);
    }
    return MMIO_OK;
}

/* ------------------------------------------------------------ test device */
#define TEST_SCRATCH    0x00u
#define TEST_ID         0x08u
#define TEST_VERSION    0x0cu
#define TEST_DOORBELL   0x10u
#define TEST_MMIO_EXITS 0x18u
#define TEST_ID_VALUE   0x4b4d5652u  /* "RVMK" in memory order */

static struct {
    uint64_t scratch;
    int doorbell_fd;              /* eventfd of the KVM_IOEVENTFD, -1 if none */
    uint64_t doorbell_count;      /* writes seen so far */
} testdev = {.doorbell_fd = -1};

static void doorbell_drain(void)
{
    uint64_t n;
    if (testdev.doorbell_fd >= 0 && read(testdev.doorbell_fd, &n, sizeof n) == (ssize_t)sizeof n)
        testdev.doorbell_count += n;
}

static enum mmio_result test_access(uint64_t off, uint8_t *data, unsigned len, int is_write)
{
    if (off & (len - 1))
        return MMIO_BAD_ACCESS;   /* misaligned */
    if (off < TEST_SCRATCH + 8) {
        unsigned shift = 8 * (unsigned)(off - TEST_SCRATCH);
        uint64_t mask = len == 8 ? ~0ull : ((1ull << (8 * len)) - 1) << shift;
        if (is_write)
            testdev.scratch = (testdev.scratch & ~mask) | ((get_le(data, len) << shift) & mask);
        else
            put_le(data, len, (testdev.scratch & mask) >> shift);
        return MMIO_OK;
    }
    if (len == 4 && (off == TEST_ID || off == TEST_VERSION) && !is_write) {
        put_le(data, 4, off == TEST_ID ? TEST_ID_VALUE : 1);
        return MMIO_OK;
    }
    if (len == 4 && off == TEST_DOORBELL) {
        doorbell_drain();
        if (is_write)
            testdev.doorbell_count++;   /* only without KVM_IOEVENTFD */
        else
            put_le(data, 4, testdev.doorbell_count);
        return MMIO_OK;
    }
    if (len == 8 && off == TEST_MMIO_EXITS && !is_write) {
        put_le(data, 8, served_total);
        return MMIO_OK;
    }
    return MMIO_BAD_ACCESS;
}

static void doorbell_register(int vm_fd)
{
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) {
        vmm_log("test device doorbell served in userspace (eventfd: %s)", strerror(errno));
        return;
    }
    struct kvm_ioeventfd io;
    memset(&io, 0, sizeof io);
    io.addr = GUEST_TEST_BASE + TEST_DOORBELL;
    io.len = 4;
    io.fd = fd;
    if (ioctl(vm_fd, KVM_IOEVENTFD, &io) != 0) {
        vmm_log("test device doorbell served in userspace (KVM_IOEVENTFD: %s)", strerror(errno));
        close(fd);
        return;
    }
    testdev.doorbell_fd = fd;
}

/* ------------------------------------------------------------ dispatch */
void devices_init(int vm_fd, unsigned nvcpus)
{
    plic.contexts = nvcpus;
    doorbell_register(vm_fd);
}

static int in(uint64_t addr, unsigned len, uint64_t base, uint64_t size)
{
    return addr >= base && addr - base < size && addr - base + len <= size;
}

enum mmio_result mmio_access(uint64_t addr, uint8_t *data, unsigned len, int is_write)
{
    if (len != 1 && len != 2 && len != 4 && len != 8)
        return MMIO_BAD_ACCESS;
    enum mmio_device dev;
    uint64_t base;
    if (in(addr, len, GUEST_UART_BASE, GUEST_UART_SIZE))
        dev = DEV_UART, base = GUEST_UART_BASE;
    else if (in(addr, len, GUEST_PLIC_BASE, GUEST_PLIC_SIZE))
        dev = DEV_PLIC, base = GUEST_PLIC_BASE;
    else if (in(addr, len, GUEST_TEST_BASE, GUEST_TEST_SIZE))
        dev = DEV_TEST, base = GUEST_TEST_BASE;
    else
        return MMIO_NO_DEVICE;
    pthread_mutex_lock(&dev_lock);
    served[dev]++;
    served_total++;
    enum mmio_result r;
    switch (dev) {
    case DEV_UART: r = uart_access(addr - base, data, len, is_write); break;
    case DEV_PLIC: r = plic_access(addr - base, data, len, is_write); break;
    default:       r = test_access(addr - base, data, len, is_write); break;
    }
    pthread_mutex_unlock(&dev_lock);
    return r;
}

uint64_t mmio_count(enum mmio_device d)
{
    pthread_mutex_lock(&dev_lock);
    uint64_t n = served[d];
    pthread_mutex_unlock(&dev_lock);
    return n;
}

const char *mmio_device_name(enum mmio_device d)
{
    static const char *const names[DEV_COUNT] = {"uart", "plic", "test"};
    return names[d];
}

int64_t test_doorbell_kernel_writes(void)
{
    if (testdev.doorbell_fd < 0)
        return -1;
    pthread_mutex_lock(&dev_lock);
    doorbell_drain();
    int64_t n = (int64_t)testdev.doorbell_count;
    pthread_mutex_unlock(&dev_lock);
    return n;
}
