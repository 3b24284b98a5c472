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
void	 strbuf_free(struct strbuf *);

#endif
