/* console.c - the guest console on the VMM's stdout (see vmm.h).
 *
 * Guest bytes (UART THR, legacy SBI console_putchar) are collected into
 * a line and written with one write(2) per line: on a simulated host, a
 * system call per byte would dominate the run. vCPU threads share it under
 * a mutex, so lines of different vCPUs do not mix within a line. */
#define _GNU_SOURCE
#include "vmm.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t console_lock = PTHREAD_MUTEX_INITIALIZER;
static char line[512];
static size_t line_len;

static void write_all(const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(1, p, n);
        if (w <= 0)
            return;   /* nothing sensible to do: the console is gone */
        p += w;
        n -= (size_t)w;
    }
}

static void flush_locked(void)
{
    write_all(line, line_len);
    line_len = 0;
}

void console_putc(char c)
{
    pthread_mutex_lock(&console_lock);
    line[line_len++] = c;
    if (c == '\n' || line_len == sizeof line)
        flush_locked();
    pthread_mutex_unlock(&console_lock);
}

void console_flush(void)
{
    pthread_mutex_lock(&console_lock);
    flush_locked();
    pthread_mutex_unlock(&console_lock);
}

void vmm_log(const char *fmt, ...)
{
    char buf[600];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof buf - 2)
        n = sizeof buf - 2;
    buf[n++] = '\n';
    pthread_mutex_lock(&console_lock);
    if (line_len) {          /* end the guest's partial line first */
        flush_locked();
        write_all("\n", 1);
    }
    write_all(VMM_TAG, sizeof VMM_TAG - 1);
    write_all(buf, (size_t)n);
    pthread_mutex_unlock(&console_lock);
}
