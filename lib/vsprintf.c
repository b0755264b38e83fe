/*
 * lib/vsprintf.c: vsnprintf for the kernel (and the host tests).
 *
 * One pass over the format. Each conversion is turned into digits in a
 * small scratch buffer, then emitted with its sign, prefix, padding and
 * precision by emit_number(); out() counts every character even past the
 * end of the buffer so the return value is the untruncated length.
 */
#include <lib/printf.h>
#include <lib/string.h>

struct outbuf {
	char *buf;
	size_t size; /* bytes available in buf, including the NUL */
	size_t len;  /* characters produced so far (may exceed size) */
};

enum {
	F_LEFT = 1 << 0,   /* '-' */
	F_PLUS = 1 << 1,   /* '+' */
	F_SPACE = 1 << 2,  /* ' ' */
	F_ALT = 1 << 3,	   /* '#' */
	F_ZERO = 1 << 4,   /* '0' */
	F_UPPER = 1 << 5,  /* %X */
	F_SIGNED = 1 << 6, /* %d %i: the only ones '+' and ' ' apply to */
};

struct spec {
	unsigned int flags;
	int width;     /* -1: none */
	int precision; /* -1: none */
	unsigned int base;
};

static printf_symbolizer_t symbolizer;

void printf_set_symbolizer(printf_symbolizer_t fn)
{
	symbolizer = fn;
}

static void out(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_repeat(struct outbuf *o, char c, int n)
{
	while (n-- > 0)
		out(o, c);
}

static void emit_string(struct outbuf *o, const char *s, const struct spec *sp)
{
	size_t len;
	int pad;

	if (!s)
		s = "(null)";
	len = strnlen(s, sp->precision >= 0 ? (size_t)sp->precision : SIZE_MAX);
	pad = sp->width > (int)len ? sp->width - (int)len : 0;
	if (!(sp->flags & F_LEFT))
		out_repeat(o, ' ', pad);
	while (len--)
		out(o, *s++);
	if (sp->flags & F_LEFT)
		out_repeat(o, ' ', pad);
}

/*
 * Emit @v in sp->base. @negative says a signed value was below zero (@v is
 * then its magnitude).
 */
static void emit_number(struct outbuf *o, unsigned long long v, bool negative,
			const struct spec *sp)
{
	const char *digits = (sp->flags & F_UPPER) ? "0123456789ABCDEF"
						   : "0123456789abcdef";
	char tmp[24], sign = 0;
	const char *prefix = "";
	int n = 0, zeros = 0, pad, body;

	/* C: a zero value with precision 0 prints no digits. */
	if (!(v == 0 && sp->precision == 0)) {
		do {
			tmp[n++] = digits[v % sp->base];
			v /= sp->base;
		} while (v);
	}
	if (negative)
		sign = '-';
	else if ((sp->flags & F_SIGNED) && (sp->flags & F_PLUS))
		sign = '+';
	else if ((sp->flags & F_SIGNED) && (sp->flags & F_SPACE))
		sign = ' ';
	if (sp->flags & F_ALT) {
		/* As Linux (not C): %#x of zero prints 0x0. */
		if (sp->base == 16)
			prefix = (sp->flags & F_UPPER) ? "0X" : "0x";
		else if (sp->base == 8 && !(n > 0 && tmp[n - 1] == '0'))
			zeros = 1;
	}
	if (sp->precision > n)
		zeros = sp->precision - n;
	body = (sign ? 1 : 0) + (int)strlen(prefix) + zeros + n;
	pad = sp->width > body ? sp->width - body : 0;
	/* '0' pads with zeros after the sign, unless '-' or a precision. */
	if ((sp->flags & F_ZERO) && !(sp->flags & F_LEFT) &&
	    sp->precision < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!(sp->flags & F_LEFT))
		out_repeat(o, ' ', pad);
	if (sign)
		out(o, sign);
	while (*prefix)
		out(o, *prefix++);
	out_repeat(o, '0', zeros);
	while (n > 0)
		out(o, tmp[--n]);
	if (sp->flags & F_LEFT)
		out_repeat(o, ' ', pad);
}

static const char *parse_flags(const char *f, struct spec *sp)
{
	for (;; f++) {
		switch (*f) {
		case '-':
			sp->flags |= F_LEFT;
			break;
		case '+':
			sp->flags |= F_PLUS;
			break;
		case ' ':
			sp->flags |= F_SPACE;
			break;
		case '#':
			sp->flags |= F_ALT;
			break;
		case '0':
			sp->flags |= F_ZERO;
			break;
		default:
			return f;
		}
	}
}

static const char *parse_int(const char *f, int *v)
{
	int n = 0;

	while (is_digit(*f)) {
		if (n < 100000)
			n = n * 10 + (*f - '0');
		f++;
	}
	*v = n;
	return f;
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE };

static const char *parse_length(const char *f, enum length *len)
{
	*len = LEN_INT;
	if (f[0] == 'h' && f[1] == 'h') {
		*len = LEN_CHAR;
		return f + 2;
	}
	if (f[0] == 'l' && f[1] == 'l') {
		*len = LEN_LLONG;
		return f + 2;
	}
	switch (*f) {
	case 'h':
		*len = LEN_SHORT;
		return f + 1;
	case 'l':
		*len = LEN_LONG;
		return f + 1;
	case 'z':
	case 't':
		*len = LEN_SIZE;
		return f + 1;
	case 'j':
		*len = LEN_LLONG;
		return f + 1;
	default:
		return f;
	}
}

static unsigned long long get_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG:
		return va_arg(*ap, unsigned long);
	case LEN_LLONG:
		return va_arg(*ap, unsigned long long);
	case LEN_SIZE:
		return va_arg(*ap, size_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static long long get_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR:
		return (signed char)va_arg(*ap, int);
	case LEN_SHORT:
		return (short)va_arg(*ap, int);
	case LEN_LONG:
		return va_arg(*ap, long);
	case LEN_LLONG:
		return va_arg(*ap, long long);
	case LEN_SIZE:
		return va_arg(*ap, ssize_t);
	default:
		return va_arg(*ap, int);
	}
}

/* %p and %pS. Returns the format position after any 'S'. */
static const char *emit_pointer(struct outbuf *o, const char *f, void *p,
				struct spec *sp)
{
	char sym[128];

	if (*f == 'S') {
		f++;
		if (symbolizer &&
		    symbolizer((unsigned long)p, sym, sizeof(sym))) {
			emit_string(o, sym, sp);
			return f;
		}
	}
	sp->flags |= F_ALT;
	sp->base = 16;
	emit_number(o, (unsigned long)p, false, sp);
	return f;
}

/* Handle one conversion starting just after '%'; returns where to go on. */
static const char *convert(struct outbuf *o, const char *f, va_list *ap)
{
	struct spec sp = { .width = -1, .precision = -1, .base = 10 };
	enum length len;
	long long sv;
	char c;

	f = parse_flags(f, &sp);
	if (*f == '*') {
		sp.width = va_arg(*ap, int);
		if (sp.width < 0) {
			sp.flags |= F_LEFT;
			sp.width = -sp.width;
		}
		f++;
	} else {
		f = parse_int(f, &sp.width);
	}
	if (*f == '.') {
		f++;
		if (*f == '*') {
			sp.precision = va_arg(*ap, int);
			f++;
		} else {
			f = parse_int(f, &sp.precision);
		}
	}
	f = parse_length(f, &len);

	switch (c = *f++) {
	case 'd':
	case 'i':
		sp.flags |= F_SIGNED;
		sv = get_signed(ap, len);
		emit_number(o,
			    sv < 0 ? 0ULL - (unsigned long long)sv
				   : (unsigned long long)sv,
			    sv < 0, &sp);
		break;
	case 'u':
		emit_number(o, get_unsigned(ap, len), false, &sp);
		break;
	case 'X':
		sp.flags |= F_UPPER;
		/* fall through */
	case 'x':
		sp.base = 16;
		emit_number(o, get_unsigned(ap, len), false, &sp);
		break;
	case 'o':
		sp.base = 8;
		emit_number(o, get_unsigned(ap, len), false, &sp);
		break;
	case 'c': {
		char s[2] = { (char)va_arg(*ap, int), 0 };

		sp.precision = 1;
		if (s[0] == 0) { /* a NUL char is still one character */
			if (!(sp.flags & F_LEFT))
				out_repeat(o, ' ', sp.width - 1);
			out(o, 0);
			if (sp.flags & F_LEFT)
				out_repeat(o, ' ', sp.width - 1);
			break;
		}
		emit_string(o, s, &sp);
		break;
	}
	case 's':
		emit_string(o, va_arg(*ap, const char *), &sp);
		break;
	case 'p':
		f = emit_pointer(o, f, va_arg(*ap, void *), &sp);
		break;
	case '%':
		out(o, '%');
		break;
	case '\0':
		out(o, '%');
		return f - 1;
	default:
		/* Unknown conversion: print it as it was written. */
		out(o, '%');
		out(o, c);
		break;
	}
	return f;
}

int kv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { .buf = buf, .size = size, .len = 0 };
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			out(&o, *fmt++);
			continue;
		}
		fmt = convert(&o, fmt + 1, &aq);
	}
	va_end(aq);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > INT32_MAX ? INT32_MAX : (int)o.len;
}

int kv_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kv_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (size == 0)
		return 0;
	va_start(ap, fmt);
	n = kv_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n < (int)size ? n : (int)size - 1;
}
