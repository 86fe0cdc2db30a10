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

static void show_cpuinfo(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) {
        fail("open /proc/cpuinfo");
        return;
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

    show_cpuinfo();
    show_file("/proc/interrupts");
    cpu_workload();
    mem_workload();
    syscall_workload();
    fork_test();

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
