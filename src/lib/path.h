/*
 * Paths as text, pure: is a path canonical, as a recorded path must be
 * before anything is resolved from it?
 */
#ifndef LIB_PATH_H
#define LIB_PATH_H

/*
 * Why P is not canonical, or NULL when it is: absolute, no "." or ".."
 * component, no empty component ("//"), no trailing slash, at most
 * PATH_MAX bytes with components of at most NAME_MAX.  "/" itself is
 * canonical.  The reason is a phrase: "not absolute", "a \"..\"
 * component", ...
 */
const char	*path_noncanonical(const char *p);

/* 1 when P is canonical (path_noncanonical() says nothing against it), else 0. */
int		 path_canonical(const char *p);

#endif
