/* rvh-vp Linux workload: a small static /init.
 *
 * Built by sw/linux/build.sh with riscv64-linux-gnu-gcc -static -O2 and put
 * into the kernel's built-in initramfs. It prints marker lines that
 * tests/run_linux_test.sh looks for:
 *   RVH-LINUX-INIT: hello from /init
 *   RVH-LINUX-INIT: processors: N
 *   RVH-LINUX-INIT: child ok
 *   RVH-LINUX-INIT: done
 * then syncs and powers the machine off. Any failed check prints
 * "RVH-LINUX-INIT: FAIL: ..." and still powers off (without "done").
 * With a disk (/dev/vda, rvh-vp --disk; tests/disk_test.sh), before "done":
 *   rvh.disk=check (default): mounts it on /mnt as ext4, checks input.bin
 *     against input.sha256 and writes from-guest.txt:
 *       RVH-LINUX-INIT: disk sha256 ok <hex>
 *       RVH-LINUX-INIT: disk wrote from-guest.txt
 *   rvh.disk=ro: the same check on a read-only mount, where a write fails:
 *       RVH-LINUX-INIT: disk read-only ok
 *   rvh.disk=stress: rounds of fsynced writes, renames and deletes:
 *       RVH-LINUX-INIT: disk stress round R done ... disk stress finished
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/reboot.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TAG "RVH-LINUX-INIT: "

static int failures;

static void fail(const char *what)
{
    printf(TAG "FAIL: %s (errno %d: %s)\n", what, errno, strerror(errno));
    fflush(stdout);
    failures++;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int is_mounted(const char *dir)
{
    /* A mount point has a different device than its parent. */
    struct stat a, b;
    char parent[64];
    snprintf(parent, sizeof parent, "%s/..", dir);
    if (stat(dir, &a) != 0 || stat(parent, &b) != 0)
        return 0;
    return a.st_dev != b.st_dev;
}

static void mount_if_needed(const char *src, const char *dir, const char *type)
{
    mkdir(dir, 0755);
    if (is_mounted(dir))
        return;
    if (mount(src, dir, type, 0, NULL) != 0) {
        char msg[96];
        snprintf(msg, sizeof msg, "mount %s on %s", type, dir);
        fail(msg);
    }
}

static int show_cpuinfo(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) {
        fail("open /proc/cpuinfo");
        return 0;
    }
    char line[512], isa[512] = "";
    int procs = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "processor", 9) == 0)
            procs++;
        else if (strncmp(line, "isa", 3) == 0 && !isa[0])
            snprintf(isa, sizeof isa, "%s", line);
    }
    fclose(f);
    isa[strcspn(isa, "\n")] = 0;
    printf(TAG "processors: %d\n", procs);
    printf(TAG "%s\n", isa[0] ? isa : "isa: (none)");
    if (procs < 1)
        fail("no processor in /proc/cpuinfo");
    return procs;
}

static void show_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fail(path);
        return;
    }
    printf(TAG "--- %s ---\n", path);
    char line[512];
    while (fgets(line, sizeof line, f))
        fputs(line, stdout);
    printf(TAG "--- end ---\n");
    fclose(f);
}

static void cpu_workload(void)
{
    const uint32_t n = 4000000;
    double t0 = now_s();
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint32_t i = 0; i < n; i++) {
        h ^= i;
        h *= 0x100000001b3ull;
        h ^= h >> 29;
    }
    double t1 = now_s();
    volatile double x = 0.0;
    double acc = 0.0;
    for (uint32_t i = 1; i <= n / 2; i++) {
        double d = (double)i;
        acc += 1.0 / (d * d);
    }
    x = acc;
    double t2 = now_s();
    /* sum 1/i^2 -> pi^2/6 = 1.6449340668 */
    printf(TAG "cpu: int hash %u iters = %016llx in %.3f s\n", n,
           (unsigned long long)h, t1 - t0);
    printf(TAG "cpu: fp sum %u iters = %.10f in %.3f s\n", n / 2, x, t2 - t1);
    if (x < 1.6449 || x > 1.64494) {
        errno = 0;
        fail("fp sum out of range");
    }
}

static void mem_workload(void)
{
    const size_t sz = 8u << 20;
    unsigned char *a = malloc(sz), *b = malloc(sz);
    if (!a || !b) {
        fail("malloc 8 MiB");
        free(a);
        free(b);
        return;
    }
    double t0 = now_s();
    memset(a, 0x5a, sz);
    double t1 = now_s();
    memcpy(b, a, sz);
    double t2 = now_s();
    uint64_t sum = 0;
    for (size_t i = 0; i < sz; i += 4096)
        sum += b[i] + b[i + 4095];
    printf(TAG "mem: memset 8 MiB in %.3f s, memcpy 8 MiB in %.3f s, check %llu\n",
           t1 - t0, t2 - t1, (unsigned long long)sum);
    if (sum != (uint64_t)0x5a * 2 * (sz / 4096)) {
        errno = 0;
        fail("memcpy check");
    }
    free(a);
    free(b);
}

static void syscall_workload(void)
{
    printf(TAG "getpid = %d\n", (int)getpid());

    const char msg[] = "rvh-vp file io\n";
    int fd = open("/tmp/rvh-test", O_CREAT | O_TRUNC | O_RDWR, 0644);
    if (fd < 0) {
        fail("open /tmp/rvh-test");
    } else {
        char buf[64] = {0};
        if (write(fd, msg, sizeof msg - 1) != (ssize_t)(sizeof msg - 1))
            fail("write /tmp/rvh-test");
        if (lseek(fd, 0, SEEK_SET) != 0)
            fail("lseek");
        if (read(fd, buf, sizeof buf) != (ssize_t)(sizeof msg - 1) ||
            memcmp(buf, msg, sizeof msg - 1) != 0)
            fail("read back /tmp/rvh-test");
        close(fd);
        unlink("/tmp/rvh-test");
        printf(TAG "file io ok\n");
    }
    fd = open("/dev/null", O_WRONLY);
    if (fd < 0 || write(fd, msg, sizeof msg - 1) != (ssize_t)(sizeof msg - 1))
        fail("write /dev/null");
    if (fd >= 0)
        close(fd);

    struct timespec req = {0, 10 * 1000 * 1000};
    double t0 = now_s();
    if (nanosleep(&req, NULL) != 0)
        fail("nanosleep");
    double dt = now_s() - t0;
    printf(TAG "nanosleep 10 ms took %.3f ms\n", dt * 1e3);
    if (dt < 0.010) {
        errno = 0;
        fail("nanosleep returned early");
    }
}

static void fork_test(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        fail("fork");
        return;
    }
    if (pid == 0) {
        printf(TAG "child ok (pid %d)\n", (int)getpid());
        fflush(stdout);
        _exit(7);
    }
    int st = 0;
    if (waitpid(pid, &st, 0) != pid) {
        fail("waitpid");
        return;
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 7) {
        errno = 0;
        fail("child exit status is not 7");
        return;
    }
    printf(TAG "child exited with 7\n");
}

/* ---- SHA-256 (FIPS 180-4, sections 5.3.3, 6.2), to check the disk's file ---- */

struct sha256 {
    uint32_t h[8];
    uint64_t bytes;
    unsigned char block[64];
    size_t used;
};

/* Section 4.2.2: cube roots of the first 64 primes. */
static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror32(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

static void sha256_init(struct sha256 *s)
{
    /* Section 5.3.3: square roots of the first 8 primes. */
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, h0, sizeof h0);
    s->bytes = 0;
    s->used = 0;
}

/* Section 6.2.2: one 512-bit block. */
static void sha256_compress(uint32_t h[8], const unsigned char *p)
{
    uint32_t w[64];
    for (int t = 0; t < 16; t++)
        w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
               (uint32_t)p[4 * t + 2] << 8 | p[4 * t + 3];
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = ror32(w[t - 15], 7) ^ ror32(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = ror32(w[t - 2], 17) ^ ror32(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (int t = 0; t < 64; t++) {
        uint32_t t1 = k + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) + ((e & f) ^ (~e & g)) +
                      sha256_k[t] + w[t];
        uint32_t t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        k = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

static void sha256_update(struct sha256 *s, const unsigned char *p, size_t n)
{
    s->bytes += n;
    while (n > 0) {
        size_t take = 64 - s->used < n ? 64 - s->used : n;
        memcpy(s->block + s->used, p, take);
        s->used += take;
        p += take;
        n -= take;
        if (s->used == 64) {
            sha256_compress(s->h, s->block);
            s->used = 0;
        }
    }
}

/* Section 5.1.1 padding: 0x80, zeros, the length in bits (big-endian). */
static void sha256_hex(struct sha256 *s, char hex[65])
{
    uint64_t bits = s->bytes * 8;
    unsigned char pad[72] = {0x80};
    size_t padlen = (s->used < 56 ? 56 : 120) - s->used;
    for (int i = 0; i < 8; i++)
        pad[padlen + i] = (unsigned char)(bits >> (56 - 8 * i));
    sha256_update(s, pad, padlen + 8);
    for (int i = 0; i < 8; i++)
        snprintf(hex + 8 * i, 9, "%08x", s->h[i]);
}

/* ---- Disk (issue 15): /dev/vda, an ext4 filesystem made by the host
 * (tests/disk_test.sh) holding input.bin and input.sha256. What to do comes
 * from the kernel command line: rvh.disk=check (the default), ro or stress. ---- */

#define DISK_DEV "/dev/vda"
#ifndef DISK_DIR
#define DISK_DIR "/mnt"  /* -DDISK_DIR=...: a host test of this code */
#endif

/* The value of rvh.disk= on the kernel command line, "check" without one. */
static void disk_mode(char *mode, size_t size)
{
    char line[1024] = "";
    FILE *f = fopen("/proc/cmdline", "r");
    if (f) {
        if (!fgets(line, sizeof line, f))
            line[0] = 0;
        fclose(f);
    }
    snprintf(mode, size, "check");
    for (char *tok = strtok(line, " \n"); tok; tok = strtok(NULL, " \n"))
        if (strncmp(tok, "rvh.disk=", 9) == 0)
            snprintf(mode, size, "%s", tok + 9);
}

static int disk_mount(unsigned long flags)
{
    mkdir(DISK_DIR, 0755);
    if (mount(DISK_DEV, DISK_DIR, "ext4", flags, NULL) != 0) {
        fail("mount " DISK_DEV " on " DISK_DIR " as ext4");
        return -1;
    }
    return 0;
}

static void disk_umount(void)
{
    sync();
    if (umount(DISK_DIR) != 0)
        fail("umount " DISK_DIR);
}

/* SHA-256 of a file as 64 hex digits; -1 when it cannot be read. */
static int sha256_file(const char *path, char hex[65])
{
    static unsigned char buf[64 * 1024];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    struct sha256 s;
    sha256_init(&s);
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        sha256_update(&s, buf, (size_t)n);
    close(fd);
    if (n < 0)
        return -1;
    sha256_hex(&s, hex);
    return 0;
}

/* Writes LEN bytes of DATA to PATH (created or truncated) and fsyncs it. */
static int write_file_synced(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    if (fd < 0)
        return -1;
    int ok = write(fd, data, len) == (ssize_t)len && fsync(fd) == 0;
    int saved = errno;
    close(fd);
    errno = saved;
    return ok ? 0 : -1;
}

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* check: input.bin's SHA-256 must be the one in input.sha256 (sha256sum's
 * format); then from-guest.txt gets that hash and the processor count.
 * ro: the same check on a read-only mount, and a write must fail (EROFS). */
static void disk_check(int read_only, int procs)
{
    if (disk_mount(read_only ? MS_RDONLY : 0) != 0)
        return;
    char got[65] = "", want[65] = "";
    FILE *f = fopen(DISK_DIR "/input.sha256", "r");
    if (!f || fscanf(f, "%64s", want) != 1)
        fail("read " DISK_DIR "/input.sha256");
    if (f)
        fclose(f);
    if (sha256_file(DISK_DIR "/input.bin", got) != 0) {
        fail("read " DISK_DIR "/input.bin");
    } else if (strcmp(got, want) != 0) {
        printf(TAG "input.bin sha256 %s, input.sha256 says %s\n", got, want);
        errno = 0;
        fail("disk sha256 mismatch");
    } else {
        printf(TAG "disk sha256 ok %s\n", got);
    }
    if (read_only) {
        /* The device offers VIRTIO_BLK_F_RO: Linux marks the disk read-only. */
        char ro = 0;
        FILE *sys = fopen("/sys/block/vda/ro", "r");
        if (!sys || fread(&ro, 1, 1, sys) != 1 || ro != '1') {
            errno = 0;
            fail("/sys/block/vda/ro is not 1 on a read-only disk");
        }
        if (sys)
            fclose(sys);
        int fd = open(DISK_DIR "/from-guest.txt", O_CREAT | O_WRONLY, 0644);
        if (fd >= 0 || errno != EROFS) {
            fail("creating a file on the read-only mount did not fail with EROFS");
            if (fd >= 0)
                close(fd);
        } else if (ro == '1') {
            printf(TAG "disk read-only ok\n");
        }
    } else {
        char line[160];
        int len = snprintf(line, sizeof line, "rvh-vp guest: sha256 %s processors %d\n", got, procs);
        if (write_file_synced(DISK_DIR "/from-guest.txt", line, (size_t)len) != 0 ||
            fsync_dir(DISK_DIR) != 0)
            fail("write " DISK_DIR "/from-guest.txt");
        else
            printf(TAG "disk wrote from-guest.txt\n");
    }
    disk_umount();
}

/* stress (the abnormal-stop test stops the run anywhere in it): each round
 * writes and fsyncs small files and two larger ones, renames one small file
 * to keep<R> (kept: its content is "rvh-vp stress round R line L\n" for
 * L = 0..63, so the host can check it) and a large one over "latest",
 * deletes most files of two rounds before, fsyncs the directory and prints
 * "disk stress round R done". */
#define STRESS_ROUNDS 12
#define STRESS_SMALL 16
#define STRESS_LARGE_KIB 128

static void stress_file_name(char *out, size_t size, const char *kind, int round, int i)
{
    snprintf(out, size, DISK_DIR "/stress/%s%d-%d", kind, round, i);
}

static void disk_stress(void)
{
    static unsigned char big[STRESS_LARGE_KIB * 1024];
    char path[96], to[96], text[64 * 40];
    if (disk_mount(0) != 0)
        return;
    if (mkdir(DISK_DIR "/stress", 0755) != 0 && errno != EEXIST)
        fail("mkdir " DISK_DIR "/stress");
    for (int round = 0; round < STRESS_ROUNDS && failures == 0; round++) {
        for (int i = 0; i < STRESS_SMALL; i++) {
            size_t len = 0;
            for (int l = 0; l < 64 && len < sizeof text; l++)
                len += (size_t)snprintf(text + len, sizeof text - len,
                                        "rvh-vp stress round %d line %d\n", round, l);
            /* Sizes 1 B .. 2.5 KiB: inline-small and one-block files. */
            if (i > 0)
                len = (size_t)(i * 157) % len + 1;
            stress_file_name(path, sizeof path, "s", round, i);
            if (write_file_synced(path, text, len) != 0)
                fail(path);
        }
        for (int i = 0; i < 2; i++) {
            for (size_t b = 0; b < sizeof big; b++)
                big[b] = (unsigned char)(b * 31 + (size_t)round * 7 + (size_t)i);
            stress_file_name(path, sizeof path, "l", round, i);
            if (write_file_synced(path, big, sizeof big) != 0)
                fail(path);
        }
        stress_file_name(path, sizeof path, "s", round, 0);
        snprintf(to, sizeof to, DISK_DIR "/stress/keep%d", round);
        if (rename(path, to) != 0)
            fail("rename to keep file");
        stress_file_name(path, sizeof path, "l", round, 1);
        if (rename(path, DISK_DIR "/stress/latest") != 0)  /* replaces the last one */
            fail("rename over latest");
        if (round >= 2) {
            for (int i = 1; i < STRESS_SMALL; i++) {
                if (i % 4 == 1)
                    continue;  /* a few small files stay */
                stress_file_name(path, sizeof path, "s", round - 2, i);
                if (unlink(path) != 0)
                    fail(path);
            }
            stress_file_name(path, sizeof path, "l", round - 2, 0);
            if (unlink(path) != 0)
                fail(path);
        }
        if (fsync_dir(DISK_DIR "/stress") != 0)
            fail("fsync " DISK_DIR "/stress");
        printf(TAG "disk stress round %d done\n", round);
    }
    disk_umount();
    printf(TAG "disk stress %s\n", failures == 0 ? "finished" : "stopped");
}

/* Without an RTC the guest's clock starts at 1970-01-01 00:00:00, and ext4
 * stamps each inode it frees with the current second as its deletion time:
 * a dtime of 0, which e2fsck reports as "deleted inode has zero dtime"
 * (an orphan list gone wrong). Start the clock at 2023-01-01 00:00:00 UTC,
 * in the past of any host that checks the image. */
static void set_clock_for_disk(void)
{
    const time_t epoch_2023 = 1672531200;
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) == 0 && ts.tv_sec < epoch_2023) {
        ts.tv_sec += epoch_2023;
        if (clock_settime(CLOCK_REALTIME, &ts) != 0)
            fail("clock_settime(CLOCK_REALTIME)");
    }
}

/* After the workload, when the VM has a disk. */
static void disk_workload(int procs)
{
    if (access(DISK_DEV, F_OK) != 0)
        return;
    set_clock_for_disk();
    char mode[32];
    disk_mode(mode, sizeof mode);
    printf(TAG "disk %s: mode %s\n", DISK_DEV, mode);
    if (strcmp(mode, "check") == 0 || strcmp(mode, "ro") == 0)
        disk_check(strcmp(mode, "ro") == 0, procs);
    else if (strcmp(mode, "stress") == 0)
        disk_stress();
    else {
        errno = EINVAL;
        fail("unknown rvh.disk= mode (check, ro or stress)");
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    mount_if_needed("proc", "/proc", "proc");
    mount_if_needed("sysfs", "/sys", "sysfs");
    mount_if_needed("devtmpfs", "/dev", "devtmpfs");

    struct utsname u;
    printf(TAG "hello from /init\n");
    if (uname(&u) == 0)
        printf(TAG "kernel %s %s %s\n", u.sysname, u.release, u.machine);
    else
        fail("uname");

    int procs = show_cpuinfo();
    show_file("/proc/interrupts");
    cpu_workload();
    mem_workload();
    syscall_workload();
    fork_test();
    disk_workload(procs);

    if (failures == 0)
        printf(TAG "done\n");
    else
        printf(TAG "%d failure(s)\n", failures);
    fflush(stdout);
    sync();
    reboot(LINUX_REBOOT_CMD_POWER_OFF);
    /* Only reached if power-off failed. */
    fail("reboot(POWER_OFF)");
    for (;;)
        pause();
}
