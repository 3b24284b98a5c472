/* A growable byte buffer for building text.  Pure: no I/O. */
#ifndef LIB_STRBUF_H
#define LIB_STRBUF_H

#include <stddef.h>

/* Growable byte buffer; after an allocation failure it stays empty and oom is set. */
struct strbuf {
	char	*p;
	size_t	 len, cap;
	int	 oom;
};

void	 strbuf_add(struct strbuf *, const void *, size_t);
void	 strbuf_str(struct strbuf *, const char *);
void	 strbuf_jstr(struct strbuf *, const char *);	/* as a JSON string */

/*
 * N bytes of P as a field of a porcelain record (one record a line,
 * fields separated by tabs): \\ \t \n \r escaped so, \xHH for every
 * other byte below 0x20 and 0x7f; every other byte as it is.
 */
void	 strbuf_field(struct strbuf *, const char *p, size_t n);
void	 strbuf_free(struct strbuf *);

#endif
