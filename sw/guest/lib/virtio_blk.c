/* virtio_blk.c - see virtio_blk.h. */
#include "virtio_blk.h"

#include "guest.h"

/* virtio-mmio registers (§4.2.2) */
#define VM_MAGIC          0x000
#define VM_VERSION        0x004
#define VM_DEVICE_ID      0x008
#define VM_DEV_FEATURES   0x010
#define VM_DEV_FEAT_SEL   0x014
#define VM_DRV_FEATURES   0x020
#define VM_DRV_FEAT_SEL   0x024
#define VM_QUEUE_SEL      0x030
#define VM_QUEUE_NUM_MAX  0x034
#define VM_QUEUE_NUM      0x038
#define VM_QUEUE_READY    0x044
#define VM_QUEUE_NOTIFY   0x050
#define VM_INT_STATUS     0x060
#define VM_INT_ACK        0x064
#define VM_STATUS         0x070
#define VM_QUEUE_DESC_LO  0x080
#define VM_QUEUE_DESC_HI  0x084
#define VM_QUEUE_DRV_LO   0x090
#define VM_QUEUE_DRV_HI   0x094
#define VM_QUEUE_DEV_LO   0x0a0
#define VM_QUEUE_DEV_HI   0x0a4
#define VM_CONFIG_GEN     0x0fc
#define VM_CONFIG         0x100

/* Device status bits (§2.1) */
#define ST_ACKNOWLEDGE 1u
#define ST_DRIVER      2u
#define ST_DRIVER_OK   4u
#define ST_FEATURES_OK 8u
#define ST_NEEDS_RESET 0x40u
#define ST_FAILED      0x80u

#define VIRTQ_DESC_F_NEXT     1
#define VIRTQ_DESC_F_WRITE    2
#define VIRTQ_DESC_F_INDIRECT 4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_USED_F_NO_NOTIFY     1

/* The PLIC (as QEMU virt / the hypervisor's virtual PLIC). */
#define PLIC_PRIORITY(src)  (G_PLIC_BASE + 4UL * (src))
#define PLIC_ENABLE(ctx)    (G_PLIC_BASE + 0x2000UL + 0x80UL * (ctx))
#define PLIC_THRESHOLD(ctx) (G_PLIC_BASE + 0x200000UL + 0x1000UL * (ctx))
#define PLIC_CLAIM(ctx)     (PLIC_THRESHOLD(ctx) + 4)

/* Ordering between our ring accesses and the device's (§2.7.13, Linux's
 * virt_wmb/virt_rmb/virt_mb) and before an MMIO write (Linux's writel). */
#define wmb()  __asm__ volatile("fence w,w" ::: "memory")
#define rmb()  __asm__ volatile("fence r,r" ::: "memory")
#define mb()   __asm__ volatile("fence rw,rw" ::: "memory")
#define iomb() __asm__ volatile("fence iorw,iorw" ::: "memory")

static uint32_t rd32(uintptr_t a) { return *(volatile uint32_t *)a; }
static void wr32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static uint32_t reg(struct vblk *d, unsigned off) { return rd32(d->base + off); }
static void set_reg(struct vblk *d, unsigned off, uint32_t v) { wr32(d->base + off, v); }
static void set_reg64(struct vblk *d, unsigned lo, uint64_t v)
{
  set_reg(d, lo, (uint32_t)v);
  set_reg(d, lo + 4, (uint32_t)(v >> 32));
}
#define VOL16(x) (*(volatile uint16_t *)&(x))

uint32_t vblk_device_status(struct vblk *d) { return reg(d, VM_STATUS); }

/* Whether an index moving from old to new_idx crossed `event` (§2.7.10;
 * the same arithmetic as Linux's vring_need_event). */
static int need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
  return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

static int fail(struct vblk *d, const char *what)
{
  printf("vblk: device at 0x%lx: %s\n", (unsigned long)d->base, what);
  if (reg(d, VM_MAGIC) == 0x74726976)
    set_reg(d, VM_STATUS, reg(d, VM_STATUS) | ST_FAILED);
  return -1;
}

static uint32_t config32(struct vblk *d, unsigned off) { return reg(d, VM_CONFIG + off); }

int vblk_init(struct vblk *d, uintptr_t base, unsigned plic_source, unsigned flags)
{
  uint8_t *p = (uint8_t *)d;
  for (unsigned i = 0; i < sizeof *d; i++)
    p[i] = 0;
  d->base = base;
  d->irq = plic_source;
  d->plic_ctx = 2 * (unsigned)g_hartid() + 1; /* the hart's S-mode context */

  if (reg(d, VM_MAGIC) != 0x74726976) /* "virt" */
    return fail(d, "no virtio-mmio device (MagicValue is not \"virt\"; run with --disk IMG)");
  if (reg(d, VM_VERSION) != 2)
    return fail(d, "not a modern virtio-mmio device (Version is not 2)");
  uint32_t id = reg(d, VM_DEVICE_ID);
  if (id != 2) {
    printf("vblk: device at 0x%lx: DeviceID %u, not a block device (2)\n", (unsigned long)base, id);
    return -1;
  }

  /* §3.1.1 steps 1-3: reset (read back until 0), ACKNOWLEDGE, DRIVER. */
  set_reg(d, VM_STATUS, 0);
  for (unsigned n = 0; reg(d, VM_STATUS) != 0; n++)
    if (n > 1000)
      return fail(d, "Status did not read 0 after a reset");
  set_reg(d, VM_STATUS, ST_ACKNOWLEDGE);
  set_reg(d, VM_STATUS, ST_ACKNOWLEDGE | ST_DRIVER);

  /* Steps 4-6: features. */
  set_reg(d, VM_DEV_FEAT_SEL, 0);
  uint64_t lo = reg(d, VM_DEV_FEATURES);
  set_reg(d, VM_DEV_FEAT_SEL, 1);
  d->device_features = lo | (uint64_t)reg(d, VM_DEV_FEATURES) << 32;
  if (!(d->device_features & VIRTIO_F_VERSION_1))
    return fail(d, "VIRTIO_F_VERSION_1 not offered (a legacy device)");
  uint64_t wanted = VIRTIO_F_VERSION_1 | VIRTIO_BLK_F_RO | VIRTIO_BLK_F_BLK_SIZE |
                    VIRTIO_BLK_F_FLUSH | VIRTIO_BLK_F_SIZE_MAX | VIRTIO_BLK_F_SEG_MAX;
  if (!(flags & VBLK_NO_EVENT_IDX))
    wanted |= VIRTIO_F_EVENT_IDX;
  if (!(flags & VBLK_NO_INDIRECT))
    wanted |= VIRTIO_F_INDIRECT_DESC;
  d->features = d->device_features & wanted;
  set_reg(d, VM_DRV_FEAT_SEL, 0);
  set_reg(d, VM_DRV_FEATURES, (uint32_t)d->features);
  set_reg(d, VM_DRV_FEAT_SEL, 1);
  set_reg(d, VM_DRV_FEATURES, (uint32_t)(d->features >> 32));
  set_reg(d, VM_STATUS, ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK);
  if (!(reg(d, VM_STATUS) & ST_FEATURES_OK))
    return fail(d, "FEATURES_OK not kept: the device refused the features accepted");
  d->event_idx = (d->features & VIRTIO_F_EVENT_IDX) != 0;
  d->indirect = (d->features & VIRTIO_F_INDIRECT_DESC) != 0;
  d->read_only = (d->features & VIRTIO_BLK_F_RO) != 0;

  /* Step 7: queue 0 (§4.2.3.2). */
  set_reg(d, VM_QUEUE_SEL, 0);
  if (reg(d, VM_QUEUE_READY) != 0)
    return fail(d, "queue 0 is ready before it was set up");
  uint32_t max = reg(d, VM_QUEUE_NUM_MAX);
  if (max < VBLK_QUEUE_SIZE)
    return fail(d, "QueueNumMax is below the driver's queue size 64");
  for (unsigned i = 0; i < VBLK_QUEUE_SIZE; i++)
    d->desc[i].next = (uint16_t)(i + 1);
  d->num_free = VBLK_QUEUE_SIZE;
  d->free_head = 0;
  set_reg(d, VM_QUEUE_NUM, VBLK_QUEUE_SIZE);
  set_reg64(d, VM_QUEUE_DESC_LO, (uintptr_t)d->desc);
  set_reg64(d, VM_QUEUE_DRV_LO, (uintptr_t)&d->avail);
  set_reg64(d, VM_QUEUE_DEV_LO, (uintptr_t)&d->used);
  iomb();
  set_reg(d, VM_QUEUE_READY, 1);

  /* Configuration (§5.2.4), read until ConfigGeneration is stable (§4.2.2). */
  uint32_t gen;
  do {
    gen = reg(d, VM_CONFIG_GEN);
    d->capacity = config32(d, 0) | (uint64_t)config32(d, 4) << 32;
    d->size_max = (d->features & VIRTIO_BLK_F_SIZE_MAX) ? config32(d, 8) : 0;
    d->seg_max = (d->features & VIRTIO_BLK_F_SEG_MAX) ? config32(d, 12) : 0;
    d->blk_size = (d->features & VIRTIO_BLK_F_BLK_SIZE) ? config32(d, 20) : VBLK_SECTOR;
  } while (gen != reg(d, VM_CONFIG_GEN));

  /* The interrupt: the source at priority 1, enabled in our S context with
   * threshold 0; sie.SEIE so that it wakes WFI (sstatus.SIE stays as it is:
   * the guest library leaves it 0, nothing is taken as a trap). */
  wr32(PLIC_PRIORITY(d->irq), 1);
  wr32(PLIC_ENABLE(d->plic_ctx) + 4 * (d->irq / 32),
       rd32(PLIC_ENABLE(d->plic_ctx) + 4 * (d->irq / 32)) | 1u << (d->irq % 32));
  wr32(PLIC_THRESHOLD(d->plic_ctx), 0);
  csr_set(sie, MIP_SEIP);

  /* Step 8: DRIVER_OK. */
  set_reg(d, VM_STATUS, ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
  if (reg(d, VM_STATUS) & (ST_NEEDS_RESET | ST_FAILED))
    return fail(d, "the device needs a reset right after DRIVER_OK");
  return 0;
}

static uint16_t alloc_desc(struct vblk *d)
{
  uint16_t i = d->free_head;
  d->free_head = d->desc[i].next;
  d->num_free--;
  return i;
}

int vblk_submit(struct vblk *d, uint32_t type, uint64_t sector, void *buf, uint32_t len,
                void *cookie)
{
  unsigned parts = len ? 3 : 2; /* header, [data], status */
  if (d->num_free < (d->indirect ? 1u : parts))
    return -1;
  uint16_t head = alloc_desc(d);
  d->hdr[head].type = type;
  d->hdr[head].reserved = 0;
  d->hdr[head].sector = sector;
  d->status[head] = 0xff;
  d->cookie[head] = cookie;
  uint16_t data_flags = (type == VIRTIO_BLK_T_OUT) ? 0 : VIRTQ_DESC_F_WRITE;

  /* The request's buffers: in the indirect table of its head (§2.7.5.3),
   * or as a chain of descriptors. */
  struct vq_desc *t = d->itab[head];
  t[0].addr = (uintptr_t)&d->hdr[head];
  t[0].len = sizeof d->hdr[head];
  t[0].flags = VIRTQ_DESC_F_NEXT;
  unsigned n = 1;
  if (len) {
    t[n].addr = (uintptr_t)buf;
    t[n].len = len;
    t[n].flags = VIRTQ_DESC_F_NEXT | data_flags;
    n++;
  }
  t[n].addr = (uintptr_t)&d->status[head];
  t[n].len = 1;
  t[n].flags = VIRTQ_DESC_F_WRITE;
  if (d->indirect) {
    for (unsigned i = 0; i + 1 < parts; i++)
      t[i].next = (uint16_t)(i + 1);
    d->desc[head].addr = (uintptr_t)t;
    d->desc[head].len = parts * sizeof(struct vq_desc);
    d->desc[head].flags = VIRTQ_DESC_F_INDIRECT;
    d->ndesc[head] = 1;
  } else {
    uint16_t cur = head;
    for (unsigned i = 0; i < parts; i++) {
      d->desc[cur].addr = t[i].addr;
      d->desc[cur].len = t[i].len;
      d->desc[cur].flags = t[i].flags;
      if (i + 1 < parts) {
        uint16_t next = alloc_desc(d);
        d->desc[cur].next = next;
        cur = next;
      }
    }
    d->ndesc[head] = (uint8_t)parts;
  }

  /* §2.7.13: the ring slot, then (after a write barrier) the index. */
  d->avail.ring[d->avail_idx % VBLK_QUEUE_SIZE] = head;
  wmb();
  d->avail_idx++;
  VOL16(d->avail.idx) = d->avail_idx;
  d->in_flight++;
  d->stats.requests++;
  return 0;
}

void vblk_kick(struct vblk *d)
{
  uint16_t new_idx = d->avail_idx, old = d->kicked_idx;
  if (new_idx == old)
    return;
  d->kicked_idx = new_idx;
  mb(); /* the index is visible before we look at the device's wish */
  int need = d->event_idx ? need_event(VOL16(d->used.avail_event), new_idx, old)
                          : !(VOL16(d->used.flags) & VIRTQ_USED_F_NO_NOTIFY);
  if (!need) {
    d->stats.notify_suppressed++;
    return;
  }
  iomb();
  set_reg(d, VM_QUEUE_NOTIFY, 0);
  d->stats.notifications++;
}

static void free_chain(struct vblk *d, uint16_t head)
{
  uint16_t last = head;
  for (unsigned i = 1; i < d->ndesc[head]; i++)
    last = d->desc[last].next;
  d->desc[last].next = d->free_head;
  d->free_head = head;
  d->num_free += d->ndesc[head];
}

unsigned vblk_reap(struct vblk *d, struct vblk_done *out, unsigned max)
{
  unsigned n = 0;
  /* While we reap, no interrupt is wanted: without EVENT_IDX say so; with
   * it, used_event stays behind and the device's check fails by itself. */
  if (!d->event_idx && !(d->avail.flags & VIRTQ_AVAIL_F_NO_INTERRUPT))
    VOL16(d->avail.flags) = VIRTQ_AVAIL_F_NO_INTERRUPT;
  while (n < max && d->last_used != VOL16(d->used.idx)) {
    rmb(); /* the element after the index that covers it */
    unsigned slot = d->last_used % VBLK_QUEUE_SIZE;
    uint32_t id = ((volatile uint32_t *)&d->used.ring[slot].id)[0];
    uint32_t len = ((volatile uint32_t *)&d->used.ring[slot].len)[0];
    d->last_used++;
    if (id >= VBLK_QUEUE_SIZE) {
      printf("vblk: the device used descriptor id %u, beyond the queue\n", id);
      continue;
    }
    out[n].cookie = d->cookie[id];
    out[n].status = ((volatile uint8_t *)d->status)[id];
    out[n].written = len;
    free_chain(d, (uint16_t)id);
    d->in_flight--;
    d->stats.completions++;
    n++;
  }
  return n;
}

/* Asks for an interrupt at the next used buffer; 0 if some were used
 * meanwhile (reap them rather than wait). */
static int enable_interrupt(struct vblk *d)
{
  if (d->event_idx)
    VOL16(d->avail.used_event) = d->last_used;
  else
    VOL16(d->avail.flags) = 0;
  mb();
  return VOL16(d->used.idx) == d->last_used;
}

/* Sleeps until the PLIC signals our context, then claims: the device's
 * interrupt is acknowledged at the device (§4.2.3.4) and completed. */
static void wait_interrupt(struct vblk *d)
{
  for (;;) {
    while (!(csr_read(sip) & MIP_SEIP)) {
      if (d->sleep_hook)
        d->sleep_hook(1);
      g_wfi();
      if (d->sleep_hook)
        d->sleep_hook(0);
      d->stats.wfis++;
    }
    uint32_t src = rd32(PLIC_CLAIM(d->plic_ctx));
    if (src == 0)
      continue; /* another context took it, or it went away */
    if (src == d->irq) {
      uint32_t isr = reg(d, VM_INT_STATUS);
      set_reg(d, VM_INT_ACK, isr);
      d->stats.interrupts++;
      if (isr & 2) { /* configuration change: NEEDS_RESET after a failure */
        uint32_t st = reg(d, VM_STATUS);
        if (st & ST_NEEDS_RESET) {
          printf("vblk: the device needs a reset (Status 0x%x)\n", st);
          d->broken = 1;
        }
      }
    }
    wr32(PLIC_CLAIM(d->plic_ctx), src);
    return;
  }
}

unsigned vblk_wait(struct vblk *d, struct vblk_done *out, unsigned max)
{
  for (;;) {
    unsigned n = vblk_reap(d, out, max);
    if (n || !d->in_flight)
      return n;
    if (!enable_interrupt(d))
      continue;
    if (d->broken)
      return 0; /* nothing more will come */
    wait_interrupt(d);
    if (VOL16(d->used.idx) == d->last_used)
      d->stats.empty_wakeups++;
  }
}

int vblk_rw(struct vblk *d, uint32_t type, uint64_t sector, void *buf, uint32_t len,
            uint32_t *written)
{
  struct vblk_done done;
  if (d->in_flight || vblk_submit(d, type, sector, buf, len, &done) != 0)
    return -1;
  vblk_kick(d);
  if (vblk_wait(d, &done, 1) != 1)
    return -1;
  if (written)
    *written = done.written;
  return done.status;
}
