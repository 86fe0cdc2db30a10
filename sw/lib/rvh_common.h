/* rvh_common.h - code shared by the M-mode library (rvh.h) and the S-mode
 * guest library (sw/guest/lib/guest.h): printf formatting over an output
 * function, and the CHECK counters/macros. Each library provides printf
 * (the checks print through it). Implemented in rvh_common.c.
 */
#ifndef RVH_COMMON_H
#define RVH_COMMON_H

#include <stdint.h>
#include <stdarg.h>

/* Formats like vprintf: %d %i %u %x %X %o %c %s %p %%, flags '-' '0', width,
 * length modifiers l, ll, z, h (ignored); no floating point. Every output
 * character goes to put(c, ctx). Returns the number of characters. */
typedef void (*rvh_put_fn)(char c, void *ctx);
int rvh_vformat(rvh_put_fn put, void *ctx, const char *fmt, va_list ap);

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int puts(const char *s);                  /* standard: appends '\n' */
int putchar(int c);

/* ---------------------------------------------------------------- checks
 * The counters are updated atomically (guest programs check from several
 * harts). */
extern volatile unsigned rvh_checks_run;
extern volatile unsigned rvh_checks_failed;

void rvh_check(int ok, const char *expr, const char *file, int line);
void rvh_check_eq(uint64_t actual, uint64_t expected, const char *a,
                  const char *e, const char *file, int line);
void rvh_check_ne(uint64_t actual, uint64_t unexpected, const char *a,
                  const char *e, const char *file, int line);

#define CHECK(cond) rvh_check(!!(cond), #cond, __FILE__, __LINE__)
/* CHECK_EQ(actual, expected): compares as uint64_t, prints both in hex. */
#define CHECK_EQ(actual, expected) \
  rvh_check_eq((uint64_t)(actual), (uint64_t)(expected), #actual, #expected, \
               __FILE__, __LINE__)
#define CHECK_NE(actual, unexpected) \
  rvh_check_ne((uint64_t)(actual), (uint64_t)(unexpected), #actual, \
               #unexpected, __FILE__, __LINE__)

#endif /* RVH_COMMON_H */
