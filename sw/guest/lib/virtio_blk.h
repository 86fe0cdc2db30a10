/* virtio_blk.h - a small virtio-blk driver for S-mode guest programs
 * (sw/guest), over the virtio-mmio transport, modern interface only
 * (virtio spec v1.2 §4.2.2, Version 2), one split virtqueue (§2.7) in guest
 * RAM. Guest-physical = virtual (no paging), one hart drives the device.
 *
 *   vblk_init()    the handshake of §3.1.1: reset, ACKNOWLEDGE, DRIVER,
 *                  features (VERSION_1, and EVENT_IDX / INDIRECT_DESC when
 *                  offered unless flags say no), FEATURES_OK, queue 0 of
 *                  VBLK_QUEUE_SIZE entries, DRIVER_OK; the PLIC source is
 *                  enabled in the hart's S context (sie.SEIE, sstatus.SIE
 *                  stays 0: interrupts wake WFI, they are never taken).
 *   vblk_submit()  makes one request available (header, data, status);
 *   vblk_kick()    notifies the device of what was made available, unless
 *                  it asked not to be (EVENT_IDX avail_event, as Linux's
 *                  vring_need_event; without it VIRTQ_USED_F_NO_NOTIFY);
 *   vblk_wait()    reaps the used ring; when it is empty, asks for an
 *                  interrupt (used_event, or clears VIRTQ_AVAIL_F_NO_INTERRUPT),
 *                  sleeps in WFI until the PLIC signals, claims, acknowledges
 *                  the device's InterruptStatus and completes.
 *   vblk_rw()      one request, synchronously.
 */
#ifndef G_VIRTIO_BLK_H
#define G_VIRTIO_BLK_H

#include <stdint.h>

#define VBLK_MMIO_BASE   0x10001000UL /* the first virtio-mmio device (QEMU virt) */
#define VBLK_PLIC_SOURCE 1            /* its PLIC source */
#define VBLK_QUEUE_SIZE  64
#define VBLK_SECTOR      512

/* Request types and status values (§5.2.6). */
#define VIRTIO_BLK_T_IN     0
#define VIRTIO_BLK_T_OUT    1
#define VIRTIO_BLK_T_FLUSH  4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_S_OK     0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2
#define VIRTIO_BLK_ID_BYTES 20

/* Feature bits (§5.2.3, §6). */
#define VIRTIO_BLK_F_SIZE_MAX  (1ULL << 1)
#define VIRTIO_BLK_F_SEG_MAX   (1ULL << 2)
#define VIRTIO_BLK_F_RO        (1ULL << 5)
#define VIRTIO_BLK_F_BLK_SIZE  (1ULL << 6)
#define VIRTIO_BLK_F_FLUSH     (1ULL << 9)
#define VIRTIO_F_INDIRECT_DESC (1ULL << 28)
#define VIRTIO_F_EVENT_IDX     (1ULL << 29)
#define VIRTIO_F_VERSION_1     (1ULL << 32)

/* vblk_init flags */
#define VBLK_NO_EVENT_IDX 1u /* do not accept VIRTIO_F_EVENT_IDX */
#define VBLK_NO_INDIRECT  2u /* do not accept VIRTIO_F_INDIRECT_DESC */

struct vq_desc {
  uint64_t addr;
  uint32_t len;
  uint16_t flags;
  uint16_t next;
};

struct vblk_req_hdr {
  uint32_t type;
  uint32_t reserved;
  uint64_t sector;
};

/* What the driver did, for the result lines and the tests. */
struct vblk_stats {
  uint64_t requests;          /* made available */
  uint64_t completions;       /* reaped from the used ring */
  uint64_t notifications;     /* QueueNotify writes */
  uint64_t notify_suppressed; /* kicks the device asked not to get */
  uint64_t interrupts;        /* PLIC claims of the device's source */
  uint64_t wfis;              /* WFI executed while waiting */
  uint64_t empty_wakeups;     /* woke (claimed) with nothing new used */
};

/* One completed request. */
struct vblk_done {
  void *cookie;      /* as given to vblk_submit */
  uint8_t status;    /* VIRTIO_BLK_S_*, 0xff if the device left it */
  uint32_t written;  /* the used element's len: bytes the device wrote */
};

struct vblk {
  /* the split virtqueue (§2.7: alignment 16, 2, 4) */
  struct vq_desc desc[VBLK_QUEUE_SIZE] __attribute__((aligned(16)));
  struct {
    uint16_t flags, idx, ring[VBLK_QUEUE_SIZE], used_event;
  } avail __attribute__((aligned(2)));
  struct {
    uint16_t flags, idx;
    struct { uint32_t id, len; } ring[VBLK_QUEUE_SIZE];
    uint16_t avail_event;
  } used __attribute__((aligned(4)));
  /* per head descriptor: the request's header, status byte, indirect table */
  struct vblk_req_hdr hdr[VBLK_QUEUE_SIZE];
  struct vq_desc itab[VBLK_QUEUE_SIZE][3] __attribute__((aligned(16)));
  uint8_t status[VBLK_QUEUE_SIZE];
  void *cookie[VBLK_QUEUE_SIZE];
  uint8_t ndesc[VBLK_QUEUE_SIZE];

  uintptr_t base;
  unsigned irq, plic_ctx;
  uint64_t device_features, features; /* offered, accepted */
  uint64_t capacity;                  /* 512-byte sectors */
  uint32_t blk_size, size_max, seg_max;
  int read_only, event_idx, indirect;
  int broken; /* the device said DEVICE_NEEDS_RESET */
  uint16_t num_free, free_head, last_used, avail_idx, kicked_idx;
  unsigned in_flight;
  struct vblk_stats stats;
  /* Called with 1 right before each WFI and 0 right after it (a benchmark
   * keeps the sleeps out of a region, rvh_marker.h); may be NULL. */
  void (*sleep_hook)(int asleep);
};

/* Returns 0, or -1 after one line naming what failed ("vblk: ..."). */
int vblk_init(struct vblk *d, uintptr_t base, unsigned plic_source, unsigned flags);
/* Makes a request available (not yet notified). `buf`/`len` is the data
 * (none for FLUSH; device-writable for IN and GET_ID). Returns 0, or -1
 * when the queue has no room (reap first). */
int vblk_submit(struct vblk *d, uint32_t type, uint64_t sector, void *buf, uint32_t len,
                void *cookie);
void vblk_kick(struct vblk *d);
/* Completed requests into out[0..max), without waiting; their count. */
unsigned vblk_reap(struct vblk *d, struct vblk_done *out, unsigned max);
/* As vblk_reap, sleeping until at least one completes (needs in_flight). */
unsigned vblk_wait(struct vblk *d, struct vblk_done *out, unsigned max);
/* One request, submitted, notified and waited for: its status. */
int vblk_rw(struct vblk *d, uint32_t type, uint64_t sector, void *buf, uint32_t len,
            uint32_t *written);
/* The device's Status register (DEVICE_NEEDS_RESET = 0x40). */
uint32_t vblk_device_status(struct vblk *d);

#endif /* G_VIRTIO_BLK_H */
