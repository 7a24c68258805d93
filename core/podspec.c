/*
 * podspec.c: what changes between two pod template summaries; see
 * podspec.h.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/podspec.h"

struct ps_lines {
	char	**v;
	size_t	  n;
};

/* Append a line, made one line of plain text. */
static void
ps_line(struct ps_lines *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void
ps_line(struct ps_lines *l, const char *fmt, ...)
{
	struct buf	 b;
	va_list		 ap;

	buf_init(&b, 0);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = sanitize_terminal(buf_str(&b), 0);
	buf_done(&b);
}

/* The container named name in summary list, or NULL. */
static const cJSON *
ps_container(const cJSON *list, const char *name)
{
	const cJSON	*c;
	const char	*n;

	cJSON_ArrayForEach(c, json_array(list)) {
		n = json_peek(c, "name");
		if (n != NULL && strcmp(n, name) == 0)
			return c;
	}
	return NULL;
}

/* Whether the env names of summary container c include var. */
static int
ps_has_env(const cJSON *c, const char *var)
{
	const cJSON	*e;

	cJSON_ArrayForEach(e, json_array(json_member(c, "env"))) {
		if (cJSON_IsString(e) && strcmp(e->valuestring, var) == 0)
			return 1;
	}
	return 0;
}

/* A string member of a summary, or "none". */
static const char *
ps_or_none(const cJSON *o, const char *key)
{
	const char	*v = json_peek(o, key);

	return v != NULL ? v : "none";
}

/* "env NAME: +A -B" when the env names of a and b differ. */
static void
ps_diff_env(struct ps_lines *l, const char *name, const cJSON *a,
    const cJSON *b)
{
	const cJSON	*e;
	struct buf	 line;

	buf_init(&line, 0);
	cJSON_ArrayForEach(e, json_array(json_member(b, "env"))) {
		if (cJSON_IsString(e) && !ps_has_env(a, e->valuestring))
			buf_printf(&line, " +%s", e->valuestring);
	}
	cJSON_ArrayForEach(e, json_array(json_member(a, "env"))) {
		if (cJSON_IsString(e) && !ps_has_env(b, e->valuestring))
			buf_printf(&line, " -%s", e->valuestring);
	}
	if (line.len > 0)
		ps_line(l, "env %s:%s", name, buf_str(&line));
	buf_done(&line);
}

/* "limits.memory NAME: A -> B" for each request or limit that changes. */
static void
ps_diff_resources(struct ps_lines *l, const char *name, const cJSON *a,
    const cJSON *b)
{
	static const char *const kinds[] = { "requests", "limits" };
	const cJSON	*ra, *rb, *keys, *v;
	const char	*x, *y;
	size_t		 i, pass;

	for (i = 0; i < 2; i++) {
		ra = json_member(a, kinds[i]);
		rb = json_member(b, kinds[i]);
		/* Keys of a (changed or removed), then those only in b. */
		for (pass = 0; pass < 2; pass++) {
			keys = pass == 0 ? ra : rb;
			cJSON_ArrayForEach(v, keys) {
				if (v->string == NULL || (pass == 1 &&
				    json_member(ra, v->string) != NULL))
					continue;
				x = ps_or_none(ra, v->string);
				y = ps_or_none(rb, v->string);
				if (strcmp(x, y) != 0)
					ps_line(l, "%s.%s %s: %s -> %s",
					    kinds[i], v->string, name, x, y);
			}
		}
	}
}

/* What changes between two summaries; see podspec.h. */
char **
podspec_diff(const char *from, const char *to, size_t *n)
{
	cJSON		*a = from != NULL ? cJSON_Parse(from) : NULL;
	cJSON		*b = to != NULL ? cJSON_Parse(to) : NULL;
	const cJSON	*c, *o;
	const char	*name;
	struct ps_lines	 l = { NULL, 0 };

	cJSON_ArrayForEach(c, json_array(a)) {
		if ((name = json_peek(c, "name")) == NULL)
			continue;
		if ((o = ps_container(b, name)) == NULL) {
			ps_line(&l, "container %s: removed", name);
			continue;
		}
		if (strcmp(ps_or_none(c, "image"), ps_or_none(o, "image")) != 0)
			ps_line(&l, "image %s: %s -> %s", name,
			    ps_or_none(c, "image"), ps_or_none(o, "image"));
		ps_diff_env(&l, name, c, o);
		ps_diff_resources(&l, name, c, o);
	}
	cJSON_ArrayForEach(c, json_array(b)) {
		if ((name = json_peek(c, "name")) == NULL ||
		    ps_container(a, name) != NULL)
			continue;
		ps_line(&l, "container %s: added (image %s)", name,
		    ps_or_none(c, "image"));
	}
	cJSON_Delete(a);
	cJSON_Delete(b);
	*n = l.n;
	return l.v;
}

/* Free the lines of podspec_diff(); NULL is a no-op. */
void
podspec_lines_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
