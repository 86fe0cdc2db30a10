/* devices.h - the VMM's userspace devices, served on KVM_EXIT_MMIO. */
#ifndef RVH_KVM_DEVICES_H
#define RVH_KVM_DEVICES_H

#include <stdint.h>

enum mmio_result {
    MMIO_OK = 0,
    MMIO_NO_DEVICE,     /* no device at this address */
    MMIO_BAD_ACCESS,    /* a device, but not this size/offset */
};

enum mmio_device { DEV_UART, DEV_PLIC, DEV_TEST, DEV_COUNT };

/* Sets up the devices for `nvcpus` vCPUs; registers the test device's
 * doorbell with KVM_IOEVENTFD on `vm_fd` (writes served in the kernel). */
void devices_init(int vm_fd, unsigned nvcpus);

/* One guest access of `len` bytes (1, 2, 4, 8) at guest-physical `addr`:
 * a write takes data[0..len) (little-endian), a read fills it. */
enum mmio_result mmio_access(uint64_t addr, uint8_t *data, unsigned len, int is_write);

/* Accesses served per device (for the summary line). */
uint64_t mmio_count(enum mmio_device d);
const char *mmio_device_name(enum mmio_device d);
/* Doorbell writes completed in the kernel (KVM_IOEVENTFD), or -1 if the
 * doorbell is a userspace register. */
int64_t test_doorbell_kernel_writes(void);

#endif
