/* host_init - /init of the KVM host (issue 12), from the external initrd
 * built by sw/kvm/kvm.cmake (target kvm_initrd).
 *
 * Mounts proc, sysfs and devtmpfs, checks /dev/kvm, runs /vmm for each
 * guest named on the kernel command line, then powers the machine off.
 * Kernel parameters without a dot that the kernel does not know reach
 * /init as environment variables (Documentation/admin-guide/kernel-
 * parameters.rst):
 *   rvh_guest=NAME[,NAME...]  guests /guests/NAME.elf (default g_smoke_all)
 *   rvh_vcpus=N               vmm --vcpus (default 1)
 *   rvh_mem=SIZE              vmm --mem (default: the vmm's, 128M)
 * Marker lines (tests look for them):
 *   RVH-KVM-HOST: /dev/kvm present
 *   RVH-KVM-HOST: run /vmm --vcpus N /guests/NAME.elf
 *   RVH-KVM-HOST: vmm exited with N           (one per guest)
 *   RVH-KVM-HOST: done                        (every vmm exited with 0)
 * or "RVH-KVM-HOST: FAIL: ..." lines; the machine powers off in all cases.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <linux/reboot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define TAG "RVH-KVM-HOST: "
#define VMM "/vmm"
#define DEFAULT_GUEST "g_smoke_all"

static int failures;

/* Prints a FAIL line, with errno's meaning if errno is set. */
static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
    int e = errno;
    va_list ap;
    va_start(ap, fmt);
    printf(TAG "FAIL: ");
    vprintf(fmt, ap);
    va_end(ap);
    if (e)
        printf(" (errno %d: %s)", e, strerror(e));
    printf("\n");
    fflush(stdout);
    failures++;
}

static int is_mounted(const char *dir)
{
    struct stat a, b;
    char parent[64];
    snprintf(parent, sizeof parent, "%s/..", dir);
    return stat(dir, &a) == 0 && stat(parent, &b) == 0 && a.st_dev != b.st_dev;
}

static void mount_if_needed(const char *src, const char *dir, const char *type)
{
    mkdir(dir, 0755);
    if (!is_mounted(dir) && mount(src, dir, type, 0, NULL) != 0)
        fail("mount %s", dir);
}

/* The kernel opens /dev/console for init when the initramfs has it; if it
 * did not (an initrd without it), use devtmpfs's. */
static void console_as_stdio(void)
{
    if (fcntl(1, F_GETFD) >= 0)
        return;
    int fd = open("/dev/console", O_RDWR | O_NOCTTY);
    if (fd < 0)
        return;   /* nowhere to report it */
    for (int i = 0; i < 3; i++)
        if (fd != i)
            dup2(fd, i);
    if (fd > 2)
        close(fd);
}

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

/* Runs the VMM for one guest; returns its exit status (or 128 + signal). */
static int run_vmm(const char *guest, const char *vcpus, const char *mem)
{
    char path[256];
    snprintf(path, sizeof path, "/guests/%s.elf", guest);
    if (access(path, R_OK) != 0) {
        fail("no guest %s in the initrd", path);
        return -1;
    }
    const char *argv[8];
    int n = 0;
    argv[n++] = VMM;
    argv[n++] = "--vcpus";
    argv[n++] = vcpus;
    if (mem) {
        argv[n++] = "--mem";
        argv[n++] = mem;
    }
    argv[n++] = path;
    argv[n] = NULL;
    printf(TAG "run " VMM " --vcpus %s%s%s %s\n", vcpus, mem ? " --mem " : "", mem ? mem : "",
           path);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        fail("fork for %s", VMM);
        return -1;
    }
    if (pid == 0) {
        execv(VMM, (char *const *)argv);
        fail("exec %s", VMM);
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            fail("waitpid for %s", VMM);
            return -1;
        }
    }
    if (WIFSIGNALED(st)) {
        printf(TAG "vmm killed by signal %d\n", WTERMSIG(st));
        return 128 + WTERMSIG(st);
    }
    printf(TAG "vmm exited with %d\n", WEXITSTATUS(st));
    return WEXITSTATUS(st);
}

int main(void)
{
    mount_if_needed("devtmpfs", "/dev", "devtmpfs");
    console_as_stdio();
    setvbuf(stdout, NULL, _IOLBF, 0);
    mount_if_needed("proc", "/proc", "proc");
    mount_if_needed("sysfs", "/sys", "sysfs");

    struct utsname u;
    if (uname(&u) == 0)
        printf(TAG "kernel %s %s %s, %ld hart(s) online\n", u.sysname, u.release, u.machine,
               sysconf(_SC_NPROCESSORS_ONLN));

    struct stat st;
    errno = 0;
    if (stat("/dev/kvm", &st) == 0 && S_ISCHR(st.st_mode)) {
        printf(TAG "/dev/kvm present\n");
        const char *vcpus = env_or("rvh_vcpus", "1");
        const char *mem = env_or("rvh_mem", NULL);
        char guests[512];
        snprintf(guests, sizeof guests, "%s", env_or("rvh_guest", DEFAULT_GUEST));
        for (char *save = NULL, *g = strtok_r(guests, ",", &save); g;
             g = strtok_r(NULL, ",", &save)) {
            int rc = run_vmm(g, vcpus, mem);
            if (rc != 0) {
                errno = 0;
                if (rc > 0)
                    fail("guest %s did not end cleanly", g);
            }
        }
    } else {
        fail("/dev/kvm absent: a kernel with CONFIG_KVM=y on a hart with the H extension "
             "is needed");
    }

    if (failures == 0)
        printf(TAG "done\n");
    else
        printf(TAG "%d failure(s)\n", failures);
    fflush(stdout);
    sync();
    reboot(LINUX_REBOOT_CMD_POWER_OFF);
    fail("reboot(POWER_OFF)");
    for (;;)
        pause();
}
