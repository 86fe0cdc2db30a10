/* rvh_common.c - shared by the M-mode library (sw/lib) and the S-mode guest
 * library (sw/guest/lib): printf formatting over an output function and the
 * CHECK functions. See rvh_common.h. */
#include "rvh_common.h"

/* ------------------------------------------------------------------ format */
struct fmt_out {
  rvh_put_fn put;
  void *ctx;
  int count;
};

static void out_c(struct fmt_out *o, char c)
{
  o->put(c, o->ctx);
  o->count++;
}

static void out_s(struct fmt_out *o, const char *s)
{
  while (*s)
    out_c(o, *s++);
}

static void emit_num(struct fmt_out *o, uint64_t v, int neg, unsigned base,
                     int upper, int width, int zero, int left)
{
  char buf[24];
  int n = 0;
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    buf[n++] = digits[v % base];
    v /= base;
  } while (v);
  int len = n + (neg ? 1 : 0);
  if (!left && !zero)
    for (; len < width; width--)
      out_c(o, ' ');
  if (neg)
    out_c(o, '-');
  if (!left && zero)
    for (; len < width; width--)
      out_c(o, '0');
  while (n)
    out_c(o, buf[--n]);
  for (; left && len < width; width--)
    out_c(o, ' ');
}

int rvh_vformat(rvh_put_fn put, void *ctx, const char *fmt, va_list ap)
{
  struct fmt_out o = {put, ctx, 0};
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      out_c(&o, *fmt);
      continue;
    }
    fmt++;
    int zero = 0, left = 0, width = 0, lng = 0;
    for (;; fmt++) {
      if (*fmt == '0')
        zero = 1;
      else if (*fmt == '-')
        left = 1;
      else
        break;
    }
    while (*fmt >= '0' && *fmt <= '9')
      width = width * 10 + (*fmt++ - '0');
    for (;; fmt++) {
      if (*fmt == 'l' || *fmt == 'z')
        lng = 1;
      else if (*fmt != 'h')
        break;
    }
    switch (*fmt) {
    case 'd':
    case 'i': {
      int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
      uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
      emit_num(&o, mag, v < 0, 10, 0, width, zero, left);
      break;
    }
    case 'u':
    case 'x':
    case 'X':
    case 'o': {
      uint64_t v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
      unsigned base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
      emit_num(&o, v, 0, base, *fmt == 'X', width, zero, left);
      break;
    }
    case 'p':
      out_s(&o, "0x");
      emit_num(&o, (uintptr_t)va_arg(ap, void *), 0, 16, 0, 16, 1, 0);
      break;
    case 'c':
      out_c(&o, (char)va_arg(ap, int));
      break;
    case 's': {
      const char *s = va_arg(ap, const char *);
      if (!s)
        s = "(null)";
      int len = 0;
      while (s[len])
        len++;
      for (; !left && len < width; width--)
        out_c(&o, ' ');
      out_s(&o, s);
      for (; left && len < width; width--)
        out_c(&o, ' ');
      break;
    }
    case '%':
      out_c(&o, '%');
      break;
    case '\0':
      return o.count;
    default:
      out_c(&o, '%');
      out_c(&o, *fmt);
      break;
    }
  }
  return o.count;
}

/* ------------------------------------------------------------------ checks */
volatile unsigned rvh_checks_run;
volatile unsigned rvh_checks_failed;

static void count(volatile unsigned *c)
{
  __atomic_fetch_add(c, 1u, __ATOMIC_RELAXED);
}

void rvh_check(int ok, const char *expr, const char *file, int line)
{
  count(&rvh_checks_run);
  if (!ok) {
    count(&rvh_checks_failed);
    printf("%s:%d: CHECK(%s) failed\n", file, line, expr);
  }
}

void rvh_check_eq(uint64_t actual, uint64_t expected, const char *a,
                  const char *e, const char *file, int line)
{
  count(&rvh_checks_run);
  if (actual != expected) {
    count(&rvh_checks_failed);
    printf("%s:%d: CHECK_EQ(%s, %s) failed: expected 0x%lx, got 0x%lx\n", file,
           line, a, e, expected, actual);
  }
}

void rvh_check_ne(uint64_t actual, uint64_t unexpected, const char *a,
                  const char *e, const char *file, int line)
{
  count(&rvh_checks_run);
  if (actual == unexpected) {
    count(&rvh_checks_failed);
    printf("%s:%d: CHECK_NE(%s, %s) failed: both 0x%lx\n", file, line, a, e,
           actual);
  }
}
