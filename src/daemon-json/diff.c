/*
 * Unified diff of two small texts: common leading and trailing lines are
 * trimmed, the rest is aligned by a longest-common-subsequence table
 * (or, if that would be too big, replaced as a block), then grouped into
 * hunks with 3 lines of context.  Pure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

#define CONTEXT		3
#define LCS_MAX_CELLS	(4u << 20)

struct line {
	const char	*p;
	size_t		 n;	/* with its '\n', if any */
};

struct lines {
	struct line	*l;
	size_t		 n;
};

struct op {
	char	t;		/* ' ', '-', '+' */
	size_t	a, b;		/* line index in A (for ' ', '-') and B (' ', '+') */
};

struct ops {
	struct op	*o;
	size_t		 n;
};

static int
split(const char *s, size_t len, struct lines *ls)
{
	const char *e;
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (s[i] == '\n')
			n++;
	if (len > 0 && s[len - 1] != '\n')
		n++;
	ls->n = 0;
	if ((ls->l = calloc(n + 1, sizeof(*ls->l))) == NULL)
		return -1;
	while (len > 0) {
		e = memchr(s, '\n', len);
		ls->l[ls->n].p = s;
		ls->l[ls->n].n = e ? (size_t)(e - s) + 1 : len;
		len -= ls->l[ls->n].n;
		s += ls->l[ls->n++].n;
	}
	return 0;
}

static int
same(const struct line *x, const struct line *y)
{
	return x->n == y->n && memcmp(x->p, y->p, x->n) == 0;
}

static void
push(struct ops *os, char t, size_t a, size_t b)
{
	os->o[os->n].t = t;
	os->o[os->n].a = a;
	os->o[os->n++].b = b;
}

/* Edit script for A[a0, a1) -> B[b0, b1) from an LCS table, or as a block. */
static void
middle(const struct lines *A, size_t a0, size_t a1, const struct lines *B,
    size_t b0, size_t b1, struct ops *os)
{
	size_t n = a1 - a0, m = b1 - b0, i, j;
	uint32_t *t;

	if (n == 0 || m == 0 || (n + 1) > LCS_MAX_CELLS / (m + 1) ||
	    (t = calloc((n + 1) * (m + 1), sizeof(*t))) == NULL) {
		for (i = a0; i < a1; i++)
			push(os, '-', i, b0);
		for (j = b0; j < b1; j++)
			push(os, '+', a1, j);
		return;
	}
#define T(i, j)	t[(i) * (m + 1) + (j)]
	for (i = n; i-- > 0;)
		for (j = m; j-- > 0;)
			T(i, j) = same(&A->l[a0 + i], &B->l[b0 + j]) ?
			    T(i + 1, j + 1) + 1 :
			    (T(i + 1, j) >= T(i, j + 1) ? T(i + 1, j) : T(i, j + 1));
	for (i = 0, j = 0; i < n || j < m;) {
		if (i < n && j < m && same(&A->l[a0 + i], &B->l[b0 + j])) {
			push(os, ' ', a0 + i++, b0 + j++);
		} else if (j == m || (i < n && T(i + 1, j) >= T(i, j + 1)))
			push(os, '-', a0 + i++, b0 + j);
		else
			push(os, '+', a0 + i, b0 + j++);
	}
#undef T
	free(t);
}

static int
script(const struct lines *A, const struct lines *B, struct ops *os)
{
	size_t pre = 0, suf = 0, i;

	if ((os->o = calloc(A->n + B->n + 1, sizeof(*os->o))) == NULL)
		return -1;
	os->n = 0;
	while (pre < A->n && pre < B->n && same(&A->l[pre], &B->l[pre]))
		pre++;
	while (suf < A->n - pre && suf < B->n - pre &&
	    same(&A->l[A->n - 1 - suf], &B->l[B->n - 1 - suf]))
		suf++;
	for (i = 0; i < pre; i++)
		push(os, ' ', i, i);
	middle(A, pre, A->n - suf, B, pre, B->n - suf, os);
	for (i = suf; i > 0; i--)
		push(os, ' ', A->n - i, B->n - i);
	return 0;
}

static void
emit_line(struct strbuf *out, char t, const struct line *l)
{
	strbuf_add(out, &t, 1);
	strbuf_add(out, l->p, l->n);
	if (l->n == 0 || l->p[l->n - 1] != '\n')
		strbuf_str(out, "\n\\ No newline at end of file\n");
}

static void
range(struct strbuf *out, char sign, size_t first, size_t count)
{
	char buf[64];

	/* An empty range names the line before it. */
	snprintf(buf, sizeof(buf), "%c%zu,%zu", sign,
	    count == 0 ? first : first + 1, count);
	strbuf_str(out, buf);
}

static void
hunk(struct strbuf *out, const struct ops *os, size_t s, size_t e,
    const struct lines *A, const struct lines *B)
{
	size_t i, na = 0, nb = 0;

	for (i = s; i < e; i++) {
		na += os->o[i].t != '+';
		nb += os->o[i].t != '-';
	}
	strbuf_str(out, "@@ ");
	range(out, '-', os->o[s].a, na);
	strbuf_str(out, " ");
	range(out, '+', os->o[s].b, nb);
	strbuf_str(out, " @@\n");
	for (i = s; i < e; i++)
		emit_line(out, os->o[i].t,
		    os->o[i].t == '+' ? &B->l[os->o[i].b] : &A->l[os->o[i].a]);
}

static void
hunks(struct strbuf *out, const struct ops *os, const struct lines *A,
    const struct lines *B)
{
	size_t i = 0, c, last, s, e;

	for (;;) {
		for (c = i; c < os->n && os->o[c].t == ' '; c++)
			;
		if (c == os->n)
			return;
		s = c > i + CONTEXT ? c - CONTEXT : i;
		last = c;
		for (e = c + 1; e < os->n; e++) {
			if (os->o[e].t != ' ')
				last = e;
			else if (e - last > 2 * CONTEXT)
				break;
		}
		e = last + 1 + CONTEXT < os->n ? last + 1 + CONTEXT : os->n;
		hunk(out, os, s, e, A, B);
		i = e;
	}
}

int
dj_diff(const char *a, size_t alen, const char *b, size_t blen,
    const char *label_a, const char *label_b, struct strbuf *out)
{
	struct lines A = { NULL, 0 }, B = { NULL, 0 };
	struct ops os = { NULL, 0 };
	int r = -1;

	if (alen == blen && memcmp(a, b, alen) == 0)
		return 0;
	if (split(a, alen, &A) == 0 && split(b, blen, &B) == 0 &&
	    script(&A, &B, &os) == 0) {
		strbuf_str(out, "--- ");
		strbuf_str(out, label_a);
		strbuf_str(out, "\n+++ ");
		strbuf_str(out, label_b);
		strbuf_str(out, "\n");
		hunks(out, &os, &A, &B);
		r = out->oom ? -1 : 0;
	}
	free(A.l);
	free(B.l);
	free(os.o);
	return r;
}
