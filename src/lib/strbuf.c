/* Growable byte buffer for building text.  Pure: no I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

void
strbuf_add(struct strbuf *b, const void *p, size_t n)
{
	size_t cap;
	char *np;

	if (b->oom || n == 0)
		return;
	if (b->cap - b->len < n + 1) {
		cap = b->cap ? b->cap : 256;
		while (cap - b->len < n + 1) {
			if (cap > ((size_t)-1) / 2)
				goto oom;
			cap *= 2;
		}
		if ((np = realloc(b->p, cap)) == NULL)
			goto oom;
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return;
oom:
	strbuf_free(b);
	b->oom = 1;
}

void
strbuf_str(struct strbuf *b, const char *s)
{
	strbuf_add(b, s, strlen(s));
}

/* S as a JSON string: quotes, backslashes and control bytes escaped, UTF-8 kept. */
void
strbuf_jstr(struct strbuf *b, const char *s)
{
	const char *run;
	char esc[8];

	strbuf_add(b, "\"", 1);
	for (run = s; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		strbuf_add(b, run, (size_t)(s - run));
		switch (c) {
		case '"':  strbuf_str(b, "\\\""); break;
		case '\\': strbuf_str(b, "\\\\"); break;
		case '\n': strbuf_str(b, "\\n"); break;
		case '\t': strbuf_str(b, "\\t"); break;
		case '\r': strbuf_str(b, "\\r"); break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			strbuf_str(b, esc);
		}
		run = s + 1;
	}
	strbuf_add(b, run, (size_t)(s - run));
	strbuf_add(b, "\"", 1);
}

void
strbuf_field(struct strbuf *b, const char *p, size_t n)
{
	const char *run = p, *end = p + n;
	char esc[8];

	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;

		if (c >= 0x20 && c != 0x7f && c != '\\')
			continue;
		strbuf_add(b, run, (size_t)(p - run));
		switch (c) {
		case '\\': strbuf_str(b, "\\\\"); break;
		case '\t': strbuf_str(b, "\\t"); break;
		case '\n': strbuf_str(b, "\\n"); break;
		case '\r': strbuf_str(b, "\\r"); break;
		default:
			snprintf(esc, sizeof(esc), "\\x%02x", c);
			strbuf_str(b, esc);
		}
		run = p + 1;
	}
	strbuf_add(b, run, (size_t)(p - run));
}

void
strbuf_free(struct strbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
