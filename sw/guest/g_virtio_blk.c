/* g_virtio_blk: a guest driving the first virtio-blk disk (virtio-mmio at
 * 0x10001000, PLIC source 1) with sw/guest/lib/virtio_blk.c: sequential
 * requests of `bs` bytes, `qd` of them in flight, over `total` bytes from
 * byte `offset` of the disk. Checks itself (PASS/FAIL, SRST exit status).
 *
 * The disk is the first virtio-mmio transport whose DeviceID is not 0
 * (QEMU virt fills its transports from the last one).
 *
 * Parameters (/chosen/bootargs, rvh-vp --append "op=read bs=65536 ..."):
 *   op=verify     (default) GET_ID; a read past the end and a read
 *                 straddling it (IOERR); an unknown request type (UNSUPP);
 *                 with host=1 the range must hold the host's pattern; then
 *                 it writes its own pattern, flushes, reads it back and
 *                 compares. On a read-only disk (VIRTIO_BLK_F_RO) a write
 *                 must fail with IOERR and leave the data as it was.
 *   op=read       reads the range (compared with the host's pattern if host=1)
 *   op=write      writes the guest's pattern (flush=1: then a flush)
 *   bs=4096 total=262144 qd=8 offset=0 (bytes; bs and offset multiples of 512)
 *   event_idx=1   0: do not accept VIRTIO_F_EVENT_IDX even if offered
 *   indirect=1    0: do not accept VIRTIO_F_INDIRECT_DESC
 *   check=1       0: read and write without filling or comparing (the I/O
 *                 path's cost alone, for rvh-vp bench)
 *
 * Patterns: the 64-bit little-endian word at disk byte offset o (a multiple
 * of 8) is (o * 0x9E3779B97F4A7C15) ^ seed, seed 0x484f5354 ("HOST") for
 * the host's (tests/virtio_guest_test.py writes it) and 0x47554553 ("GUES")
 * for the guest's. The read/write transfer is the benchmark region "io"
 * (rvh_marker.h) but for its WFI sleeps, which are the region "io_wait";
 * the line "VBLK op=... notifications=N interrupts=N ..." gives the
 * driver's own counts. */
#include "guest.h"
#include "rvh_marker.h"
#include "virtio_blk.h"

#define SEED_HOST  ((uint64_t)0x484f5354)
#define SEED_GUEST ((uint64_t)0x47554553)
#define GOLDEN     ((uint64_t)0x9E3779B97F4A7C15)

static struct vblk disk;

static int arg_is(const char *key, const char *value, int dflt)
{
  const char *v = g_bootarg(key);
  if (!v)
    return dflt;
  while (*value && *v == *value)
    v++, value++;
  return !*value && (*v == 0 || *v == ' ');
}

static void fill(uint64_t *buf, uint64_t disk_off, uint32_t len, uint64_t seed)
{
  for (uint32_t i = 0; i < len / 8; i++)
    buf[i] = ((disk_off + 8ULL * i) * GOLDEN) ^ seed;
}

static uint64_t mismatches;

static void compare(const uint64_t *buf, uint64_t disk_off, uint32_t len, uint64_t seed)
{
  for (uint32_t i = 0; i < len / 8; i++) {
    uint64_t o = disk_off + 8ULL * i;
    if (buf[i] != ((o * GOLDEN) ^ seed)) {
      if (!mismatches++) {
        printf("vblk: disk byte 0x%lx holds 0x%lx, expected 0x%lx\n", o, buf[i],
               (o * GOLDEN) ^ seed);
      }
    }
  }
}

struct io {
  uint32_t type;
  uint64_t offset, total;
  uint32_t bs;
  unsigned qd;
  int check;        /* fill writes / compare reads */
  uint64_t seed;    /* the pattern */
  uint8_t expect;   /* the status every request must get */
};

static uint8_t *buffers; /* qd buffers of bs bytes */

/* The sequential transfer: up to qd requests in flight, one kick per batch
 * made available. Returns the number of requests whose status was not
 * `expect`. */
static unsigned transfer(const struct io *io)
{
  struct vblk_done done[VBLK_QUEUE_SIZE];
  uint64_t buf_off[VBLK_QUEUE_SIZE];
  unsigned free_bufs[VBLK_QUEUE_SIZE], nfree = io->qd, bad = 0;
  for (unsigned i = 0; i < io->qd; i++)
    free_bufs[i] = i;
  uint64_t next = 0, completed = 0;
  mismatches = 0;
  while (completed < io->total) {
    while (nfree && next < io->total) {
      unsigned b = free_bufs[nfree - 1];
      uint8_t *buf = buffers + (uint64_t)b * io->bs;
      uint32_t len = io->total - next < io->bs ? (uint32_t)(io->total - next) : io->bs;
      if (io->check && io->type == VIRTIO_BLK_T_OUT)
        fill((uint64_t *)buf, io->offset + next, len, io->seed);
      if (vblk_submit(&disk, io->type, (io->offset + next) / VBLK_SECTOR, buf, len,
                      (void *)(uintptr_t)b) != 0)
        break; /* no room in the ring */
      buf_off[b] = next;
      nfree--;
      next += len;
    }
    vblk_kick(&disk);
    unsigned n = vblk_wait(&disk, done, VBLK_QUEUE_SIZE);
    if (!n) {
      printf("vblk: the device stopped answering with %u requests in flight\n", disk.in_flight);
      return bad + 1 + (unsigned)((io->total - completed) / io->bs);
    }
    for (unsigned i = 0; i < n; i++) {
      unsigned b = (unsigned)(uintptr_t)done[i].cookie;
      uint64_t off = buf_off[b];
      uint32_t len = io->total - off < io->bs ? (uint32_t)(io->total - off) : io->bs;
      if (done[i].status != io->expect) {
        if (!bad)
          printf("vblk: request at disk byte 0x%lx: status %u, expected %u\n",
                 io->offset + off, done[i].status, io->expect);
        bad++;
      } else if (io->check && io->type == VIRTIO_BLK_T_IN && io->expect == VIRTIO_BLK_S_OK) {
        compare((const uint64_t *)(buffers + (uint64_t)b * io->bs), io->offset + off, len,
                io->seed);
      }
      free_bufs[nfree++] = b;
      completed += len;
    }
  }
  return bad;
}

/* One request at `sector` of `len` bytes: its status. */
static int one(uint32_t type, uint64_t sector, uint32_t len)
{
  return vblk_rw(&disk, type, sector, buffers, len, 0);
}

static void print_result(const char *op, const struct io *io, uint64_t cycles, uint64_t ticks)
{
  const struct vblk_stats *s = &disk.stats;
  printf("VBLK op=%s bs=%u total=%lu qd=%u event_idx=%d indirect=%d requests=%lu "
         "notifications=%lu suppressed=%lu interrupts=%lu wfis=%lu empty_wakeups=%lu "
         "cycles=%lu ticks=%lu\n",
         op, io->bs, io->total, io->qd, disk.event_idx, disk.indirect, s->requests,
         s->notifications, s->notify_suppressed, s->interrupts, s->wfis, s->empty_wakeups,
         cycles, ticks);
}

/* The sleeps of a timed transfer are the region "io_wait" (the WFI exit,
 * the hart idle until the device's interrupt, the way back), the rest
 * "io": the guest's own work and its other exits. */
static void sleep_regions(int asleep)
{
  rvh_region_end(0);
  rvh_region_begin(asleep ? "io_wait" : "io");
}

/* A transfer inside the benchmark regions "io" and "io_wait". */
static unsigned timed_transfer(const char *op, const struct io *io)
{
  struct vblk_stats before = disk.stats;
  uint64_t c0 = csr_read(cycle), t0 = g_rdtime();
  rvh_region_begin("io");
  disk.sleep_hook = sleep_regions;
  unsigned bad = transfer(io);
  disk.sleep_hook = 0;
  rvh_region_end(disk.stats.requests - before.requests);
  uint64_t c1 = csr_read(cycle), t1 = g_rdtime();
  print_result(op, io, c1 - c0, t1 - t0);
  return bad;
}

static void verify(struct io *io, int host)
{
  /* GET_ID (§5.2.6: 20 bytes, NUL-padded, no NUL if all 20 are used). */
  char id[VIRTIO_BLK_ID_BYTES + 1];
  uint32_t written = 0;
  for (unsigned i = 0; i <= VIRTIO_BLK_ID_BYTES; i++)
    id[i] = 0;
  int st = vblk_rw(&disk, VIRTIO_BLK_T_GET_ID, 0, id, VIRTIO_BLK_ID_BYTES, &written);
  CHECK_EQ(st, VIRTIO_BLK_S_OK);
  CHECK(written >= 1);
  printf("vblk: GET_ID: status %d, id \"%s\"\n", st, id);

  /* Past the end (§5.2.6.1: the device fails a request beyond capacity). */
  st = one(VIRTIO_BLK_T_IN, disk.capacity, VBLK_SECTOR);
  CHECK_EQ(st, VIRTIO_BLK_S_IOERR);
  printf("vblk: read of sector %lu (the capacity): status %d (IOERR expected)\n",
         disk.capacity, st);
  st = one(VIRTIO_BLK_T_IN, disk.capacity - 1, 4096);
  CHECK_EQ(st, VIRTIO_BLK_S_IOERR);
  printf("vblk: 4 KiB read from the last sector: status %d (IOERR expected)\n", st);
  st = one(0x7fffffff, 0, 0);
  CHECK_EQ(st, VIRTIO_BLK_S_UNSUPP);
  printf("vblk: request type 0x7fffffff: status %d (UNSUPP expected)\n", st);

  struct io rd = *io;
  rd.type = VIRTIO_BLK_T_IN;
  if (host) {
    rd.seed = SEED_HOST;
    CHECK_EQ(transfer(&rd), 0);
    CHECK_EQ(mismatches, 0);
    printf("vblk: the host's pattern read back (%lu bytes, %lu words differ)\n", rd.total,
           mismatches);
  }

  struct io wr = *io;
  wr.type = VIRTIO_BLK_T_OUT;
  wr.seed = SEED_GUEST;
  if (disk.read_only) {
    /* §5.2.6.1: a write to a read-only device fails with IOERR, nothing written. */
    wr.expect = VIRTIO_BLK_S_IOERR;
    wr.total = io->bs < io->total ? io->bs : io->total;
    unsigned bad = transfer(&wr);
    CHECK_EQ(bad, 0);
    printf("vblk: read-only disk: a write got %s\n", bad ? "another status" : "IOERR");
    if (host) {
      rd.seed = SEED_HOST;
      CHECK_EQ(transfer(&rd), 0);
      CHECK_EQ(mismatches, 0);
      printf("vblk: read-only disk: the host's pattern is %s\n", mismatches ? "CHANGED" : "unchanged");
    }
    return;
  }
  CHECK_EQ(transfer(&wr), 0);
  if (disk.features & VIRTIO_BLK_F_FLUSH) {
    st = one(VIRTIO_BLK_T_FLUSH, 0, 0);
    CHECK_EQ(st, VIRTIO_BLK_S_OK);
    printf("vblk: flush: status %d\n", st);
  }
  rd.seed = SEED_GUEST;
  for (unsigned i = 0; i < rd.qd * rd.bs / 8; i++) /* no stale pattern in the buffers */
    ((uint64_t *)buffers)[i] = 0;
  CHECK_EQ(transfer(&rd), 0);
  CHECK_EQ(mismatches, 0);
  printf("vblk: wrote %lu bytes from disk byte %lu in %u-byte requests (%u in flight), "
         "read them back: %lu words differ\n",
         wr.total, wr.offset, wr.bs, wr.qd, mismatches);
}

int main(unsigned long hartid, unsigned long dtb)
{
  g_test_begin("g_virtio_blk");
  struct io io = {
      .offset = g_bootarg_u64("offset", 0),
      .total = g_bootarg_u64("total", 256 * 1024),
      .bs = (uint32_t)g_bootarg_u64("bs", 4096),
      .qd = (unsigned)g_bootarg_u64("qd", 8),
      .check = arg_is("check", "1", 1),
      .expect = VIRTIO_BLK_S_OK,
  };
  int host = arg_is("host", "1", 0);
  unsigned flags = (arg_is("event_idx", "0", 0) ? VBLK_NO_EVENT_IDX : 0) |
                   (arg_is("indirect", "0", 0) ? VBLK_NO_INDIRECT : 0);
  const char *op = arg_is("op", "read", 0) ? "read" : arg_is("op", "write", 0) ? "write" : "verify";
  if (g_bootarg("op") && !arg_is("op", op, 0)) {
    printf("g_virtio_blk: op= must be read, write or verify\n");
    CHECK(0);
    g_test_done("g_virtio_blk");
  }
  if (!io.bs || io.bs % VBLK_SECTOR || io.offset % VBLK_SECTOR || !io.total || !io.qd ||
      io.qd > VBLK_QUEUE_SIZE || io.bs > (4u << 20)) {
    printf("g_virtio_blk: bad parameters: bs and offset must be multiples of 512, "
           "total > 0, qd 1..%u, bs at most 4 MiB\n", VBLK_QUEUE_SIZE);
    CHECK(0);
    g_test_done("g_virtio_blk");
  }
  buffers = (uint8_t *)__heap_start;
  if ((uint64_t)io.qd * io.bs > (uint64_t)(__ram_end - __heap_start)) {
    printf("g_virtio_blk: qd * bs = %lu bytes does not fit in the guest's heap\n",
           (uint64_t)io.qd * io.bs);
    CHECK(0);
    g_test_done("g_virtio_blk");
  }

  /* rvh-vp puts the first disk at 0x10001000; QEMU virt fills its eight
   * transports from the last, and an empty one reads DeviceID 0. */
  unsigned slot = 0;
  while (slot < 7 && *(volatile uint32_t *)(VBLK_MMIO_BASE + 0x1000UL * slot) == 0x74726976 &&
         *(volatile uint32_t *)(VBLK_MMIO_BASE + 0x1000UL * slot + 8) == 0)
    slot++;
  if (vblk_init(&disk, VBLK_MMIO_BASE + 0x1000UL * slot, VBLK_PLIC_SOURCE + slot, flags) != 0) {
    CHECK(0);
    g_test_done("g_virtio_blk");
  }
  printf("vblk: capacity %lu sectors (%lu KiB), block size %u, features offered 0x%lx "
         "accepted 0x%lx: event_idx %d, indirect %d, read-only %d, flush %d\n",
         disk.capacity, disk.capacity / 2, disk.blk_size, disk.device_features, disk.features,
         disk.event_idx, disk.indirect, disk.read_only,
         (disk.features & VIRTIO_BLK_F_FLUSH) != 0);
  if (disk.size_max && io.bs > disk.size_max) {
    printf("g_virtio_blk: bs %u is above the device's size_max %u\n", io.bs, disk.size_max);
    CHECK(0);
    g_test_done("g_virtio_blk");
  }
  if (io.offset + io.total > disk.capacity * VBLK_SECTOR) {
    printf("g_virtio_blk: offset + total = %lu bytes is beyond the disk's %lu bytes; "
           "give a larger image or a smaller total=\n",
           io.offset + io.total, disk.capacity * VBLK_SECTOR);
    CHECK(0);
    g_test_done("g_virtio_blk");
  }

  if (op[0] == 'v') {
    verify(&io, host);
    print_result(op, &io, 0, 0);
  } else if (op[0] == 'r') {
    io.type = VIRTIO_BLK_T_IN;
    io.seed = SEED_HOST;
    io.check = io.check && host;
    CHECK_EQ(timed_transfer(op, &io), 0);
    if (io.check)
      CHECK_EQ(mismatches, 0);
  } else {
    io.type = VIRTIO_BLK_T_OUT;
    io.seed = SEED_GUEST;
    CHECK_EQ(timed_transfer(op, &io), 0);
    if (arg_is("flush", "1", 0))
      CHECK_EQ(one(VIRTIO_BLK_T_FLUSH, 0, 0), VIRTIO_BLK_S_OK);
  }
  CHECK_EQ(disk.in_flight, 0);
  csr_clear(sie, MIP_SEIP);
  g_test_done("g_virtio_blk");
}
