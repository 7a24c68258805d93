/*
 * theme.c: theme files, colour step-down and curses colour pairs.
 */
#include "config.h"

#include <ctype.h>
#include <curses.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "tui/theme.h"
#include "tui/theme_builtin.h"

static const char *const theme_slot_names[SLOT_COUNT] = {
	"normal", "ok", "warn", "crit", "unknown", "stale", "selected",
	"border", "dim", "accent", "header", "title"
};

/* The shipped themes, by name (also compiled in). */
static const char *const theme_names[] = {
	"default", "light", "high-contrast", "colorblind", "mono", NULL
};

/* The 16 base colours as xterm draws them. */
static const int theme_base16[16] = {
	0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd,
	0x00cdcd, 0xe5e5e5, 0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00,
	0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff
};

static const struct {
	const char	*name;
	int		 index;
} theme_color_names[] = {
	{ "black", 0 }, { "red", 1 }, { "green", 2 }, { "yellow", 3 },
	{ "blue", 4 }, { "magenta", 5 }, { "cyan", 6 }, { "white", 7 },
	{ "bright-black", 8 }, { "grey", 8 }, { "gray", 8 },
	{ "bright-red", 9 }, { "bright-green", 10 }, { "bright-yellow", 11 },
	{ "bright-blue", 12 }, { "bright-magenta", 13 }, { "bright-cyan", 14 },
	{ "bright-white", 15 }
};

static unsigned long	theme_attrs[SLOT_COUNT];

/* A slot's name. */
const char *
theme_slot_name(enum theme_slot s)
{
	return s < SLOT_COUNT ? theme_slot_names[s] : "?";
}

/* The shipped theme names. */
const char *const *
theme_builtin_names(void)
{
	return theme_names;
}

/* The RGB value of an xterm-256 index. */
static int
theme_index_rgb(int i)
{
	static const int	levels[6] = { 0, 95, 135, 175, 215, 255 };
	int			r, g, b, v;

	if (i < 16)
		return theme_base16[i];
	if (i < 232) {
		i -= 16;
		r = levels[i / 36];
		g = levels[(i / 6) % 6];
		b = levels[i % 6];
		return (r << 16) | (g << 8) | b;
	}
	v = 8 + (i - 232) * 10;
	return (v << 16) | (v << 8) | v;
}

/* Squared distance between two colours, weighted for the eye. */
static long
theme_distance(int a, int b)
{
	long	dr = ((a >> 16) & 255) - ((b >> 16) & 255);
	long	dg = ((a >> 8) & 255) - ((b >> 8) & 255);
	long	db = (a & 255) - (b & 255);

	return 3 * dr * dr + 4 * dg * dg + 2 * db * db;
}

/* The nearest of the first n indexed colours. */
static int
theme_nearest(int rgb, int n)
{
	long	best = LONG_MAX, d;
	int	i, bi = 0;

	/*
	 * With 256 colours, skip the first 16: users redefine them, the
	 * cube and the greys are fixed.
	 */
	for (i = n >= 256 ? 16 : 0; i < n && i < 256; i++) {
		d = theme_distance(rgb, theme_index_rgb(i));
		if (d < best) {
			best = d;
			bi = i;
		}
	}
	return bi;
}

/* The colour number for a terminal with ncolors. */
int
theme_color_for(const struct theme_color *c, int ncolors)
{
	int	rgb;

	if (c->index == -1 || ncolors < 8)
		return -1;
	if (c->index >= 0 && c->index < ncolors && c->index < 256)
		return c->index;
	rgb = c->index == -2 ? c->rgb : theme_index_rgb(c->index);
	if (ncolors >= 0x1000000)
		return rgb;
	return theme_nearest(rgb, ncolors >= 256 ? 256 : ncolors >= 16 ? 16 :
	    8);
}

/* Parse one colour word. */
static int
theme_parse_color(const char *w, struct theme_color *c)
{
	size_t		i;
	int64_t		n;
	unsigned int	rgb;
	char		extra;

	if (strcmp(w, "default") == 0) {
		c->index = -1;
		return 0;
	}
	if (w[0] == '#') {
		if (strlen(w) != 7 || sscanf(w + 1, "%6x%c", &rgb, &extra) != 1)
			return -1;
		for (i = 1; i < 7; i++) {
			if (!isxdigit((unsigned char)w[i]))
				return -1;
		}
		c->index = -2;
		c->rgb = (int)rgb;
		return 0;
	}
	if (util_parse_int64(w, &n) == 0) {
		if (n < 0 || n > 255)
			return -1;
		c->index = (int)n;
		return 0;
	}
	for (i = 0; i < sizeof theme_color_names / sizeof theme_color_names[0];
	    i++) {
		if (strcmp(theme_color_names[i].name, w) == 0) {
			c->index = theme_color_names[i].index;
			return 0;
		}
	}
	return -1;
}

/* Parse an attribute list "bold,underline". */
static int
theme_parse_attrs(const char *w, unsigned int *out)
{
	char	*copy, *tok, *save;
	int	 rc = 0;

	copy = xstrdup(w);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "bold") == 0)
			*out |= THEME_A_BOLD;
		else if (strcmp(tok, "dim") == 0)
			*out |= THEME_A_DIM;
		else if (strcmp(tok, "underline") == 0)
			*out |= THEME_A_UNDERLINE;
		else if (strcmp(tok, "reverse") == 0)
			*out |= THEME_A_REVERSE;
		else if (strcmp(tok, "italic") == 0)
			*out |= THEME_A_ITALIC;
		else if (strcmp(tok, "none") != 0)
			rc = -1;
	}
	free(copy);
	return rc;
}

/* Parse theme text; see theme.h. */
struct theme *
theme_parse(const char *name, const char *text, const char *file,
    char **cause)
{
	struct theme	*t;
	struct buf	 errs;
	const char	*p = text, *nl;
	char		 line[512], *eq, *key, *words[4], *save, *tok;
	int		 lineno = 0, seen[SLOT_COUNT], s, nw;
	size_t		 len, klen;

	t = xcalloc(1, sizeof *t);
	t->name = xstrdup(name);
	memset(seen, 0, sizeof seen);
	for (s = 0; s < SLOT_COUNT; s++) {
		t->slot[s].fg.index = -1;
		t->slot[s].bg.index = -1;
	}
	buf_init(&errs, 0);
	while (*p != '\0') {
		lineno++;
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (len >= sizeof line) {
			buf_printf(&errs, "%s:%d: line too long\n", file, lineno);
			goto next;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		/* "# comment"; a colour "#rrggbb" is not one. */
		for (eq = line; (eq = strchr(eq, '#')) != NULL; eq++) {
			if ((eq == line || isspace((unsigned char)eq[-1])) &&
			    (eq[1] == '\0' || isspace((unsigned char)eq[1]) ||
			    eq == line)) {
				*eq = '\0';
				break;
			}
		}
		key = line;
		while (isspace((unsigned char)*key))
			key++;
		if (*key == '\0')
			goto next;
		if ((eq = strchr(key, '=')) == NULL) {
			buf_printf(&errs, "%s:%d: expected 'slot = fg bg "
			    "[attrs]'\n", file, lineno);
			goto next;
		}
		*eq = '\0';
		klen = strlen(key);
		while (klen > 0 && isspace((unsigned char)key[klen - 1]))
			key[--klen] = '\0';
		for (s = 0; s < SLOT_COUNT; s++) {
			if (strcmp(theme_slot_names[s], key) == 0)
				break;
		}
		if (s == SLOT_COUNT) {
			const char *best = util_closest(key, theme_slot_names,
			    SLOT_COUNT);

			buf_printf(&errs, "%s:%d: unknown slot '%s'%s%s%s\n",
			    file, lineno, key, best ? "; did you mean '" : "",
			    best ? best : "", best ? "'?" : "");
			goto next;
		}
		nw = 0;
		for (tok = strtok_r(eq + 1, " \t", &save); tok != NULL;
		    tok = strtok_r(NULL, " \t", &save)) {
			if (nw == 3) {
				nw++;
				break;
			}
			words[nw++] = tok;
		}
		if (nw < 2 || nw > 3) {
			buf_printf(&errs, "%s:%d: '%s' needs a foreground, a "
			    "background and optional attributes\n", file,
			    lineno, key);
			goto next;
		}
		if (theme_parse_color(words[0], &t->slot[s].fg) != 0 ||
		    theme_parse_color(words[1], &t->slot[s].bg) != 0) {
			buf_printf(&errs, "%s:%d: bad colour for '%s'; use "
			    "default, a name, 0-255 or #rrggbb\n", file,
			    lineno, key);
			goto next;
		}
		t->slot[s].attrs = 0;
		if (nw == 3 && theme_parse_attrs(words[2],
		    &t->slot[s].attrs) != 0) {
			buf_printf(&errs, "%s:%d: bad attributes for '%s'; use "
			    "bold, dim, underline, reverse, italic\n", file,
			    lineno, key);
			goto next;
		}
		seen[s] = 1;
	next:
		p += len;
		if (*p == '\n')
			p++;
	}
	for (s = 0; s < SLOT_COUNT; s++) {
		if (!seen[s])
			buf_printf(&errs, "%s: slot '%s' is missing\n", file,
			    theme_slot_names[s]);
	}
	if (errs.len > 0) {
		if (errs.data[errs.len - 1] == '\n')
			errs.data[--errs.len] = '\0';
		*cause = buf_detach(&errs);
		theme_free(t);
		return NULL;
	}
	buf_done(&errs);
	return t;
}

/* Free a theme. */
void
theme_free(struct theme *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t);
}

/* Try to read and parse path; NULL if it does not exist. */
static struct theme *
theme_try(const char *name, const char *path, char **cause, int *found)
{
	struct buf	 b;
	struct theme	*t;
	char		*why = NULL;

	if (access(path, F_OK) != 0)
		return NULL;
	*found = 1;
	buf_init(&b, 256 * 1024);
	if (buf_read_file(&b, path, &why) != 0) {
		*cause = why;
		buf_done(&b);
		return NULL;
	}
	t = theme_parse(name, buf_str(&b), path, cause);
	buf_done(&b);
	return t;
}

/* The user's theme folder; caller frees. */
static char *
theme_user_dir(void)
{
	const char	*xdg = getenv("XDG_CONFIG_HOME"), *home;

	if (xdg != NULL && *xdg != '\0')
		return xasprintf("%s/sitrep/themes", xdg);
	home = getenv("HOME");
	return xasprintf("%s/.config/sitrep/themes", home != NULL ? home : "");
}

/* Whether name can be a theme's name (not a path): [A-Za-z0-9_-]+. */
static int
theme_name_ok(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (!isalnum((unsigned char)name[i]) && name[i] != '-' &&
		    name[i] != '_')
			return 0;
	}
	return len > 0;
}

/* Add the names of dir's NAME.theme files to v (n of them so far). */
static void
theme_list_dir(const char *dir, char ***v, size_t *n)
{
	DIR		*d;
	struct dirent	*e;
	size_t		 len;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (len <= 6 || strcmp(e->d_name + len - 6, ".theme") != 0 ||
		    !theme_name_ok(e->d_name, len - 6))
			continue;
		*v = xreallocarray(*v, *n + 2, sizeof **v);
		(*v)[(*n)++] = xstrndup(e->d_name, len - 6);
	}
	closedir(d);
}

/* Order names for theme_list(). */
static int
theme_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The themes theme_load() finds by name, sorted, each once. */
char **
theme_list(void)
{
	char	**v = NULL, *dir;
	size_t	  n = 0, i, j;

	for (i = 0; theme_builtins[i].name != NULL; i++) {
		v = xreallocarray(v, n + 2, sizeof *v);
		v[n++] = xstrdup(theme_builtins[i].name);
	}
	dir = theme_user_dir();
	theme_list_dir(dir, &v, &n);
	free(dir);
	dir = xasprintf("%s/themes", SITREP_DATADIR);
	theme_list_dir(dir, &v, &n);
	free(dir);
	qsort(v, n, sizeof *v, theme_name_cmp);
	for (i = j = 0; i < n; i++) {
		if (j > 0 && strcmp(v[j - 1], v[i]) == 0)
			free(v[i]);
		else
			v[j++] = v[i];
	}
	v[j] = NULL;
	return v;
}

/* "no theme named 'x'" and the themes that exist; caller frees. */
static char *
theme_not_found(const char *what, const char *name)
{
	struct buf	  b;
	char		**v, *safe;
	size_t		  i;

	safe = sanitize_terminal(name, 0);
	buf_init(&b, 0);
	buf_printf(&b, "%s '%s'; the themes that exist are", what, safe);
	v = theme_list();
	for (i = 0; v[i] != NULL; i++)
		buf_printf(&b, "%s %s", i > 0 ? "," : "", v[i]);
	buf_puts(&b, " (or give a theme file's path)");
	util_strv_free(v);
	free(safe);
	return buf_detach(&b);
}

/* Load a theme by name or path. */
struct theme *
theme_load(const char *name, char **cause)
{
	struct theme	*t;
	char		*path, *dir;
	int		 found = 0;
	size_t		 i;

	if (strchr(name, '/') != NULL) {
		path = util_expand_home(name);
		t = theme_try(name, path, cause, &found);
		if (t == NULL && !found) {
			dir = sanitize_terminal(path, 0);
			*cause = xasprintf("theme file %s does not exist", dir);
			free(dir);
		}
		free(path);
		return t;
	}
	if (!theme_name_ok(name, strlen(name))) {
		*cause = theme_not_found("bad theme name", name);
		return NULL;
	}
	/* The user's folder first, then the shipped ones, then installed. */
	dir = theme_user_dir();
	path = xasprintf("%s/%s.theme", dir, name);
	free(dir);
	t = theme_try(name, path, cause, &found);
	free(path);
	if (t != NULL || found)
		return t;
	for (i = 0; theme_builtins[i].name != NULL; i++) {
		if (strcmp(theme_builtins[i].name, name) == 0)
			return theme_parse(name, theme_builtins[i].text,
			    "(built-in)", cause);
	}
	path = xasprintf("%s/themes/%s.theme", SITREP_DATADIR, name);
	t = theme_try(name, path, cause, &found);
	free(path);
	if (t != NULL || found)
		return t;
	*cause = theme_not_found("no theme named", name);
	return NULL;
}

/* The curses attributes of theme attribute bits. */
static unsigned long
theme_curses_attrs(unsigned int a)
{
	unsigned long	out = 0;

	if (a & THEME_A_BOLD)
		out |= A_BOLD;
	if (a & THEME_A_DIM)
		out |= A_DIM;
	if (a & THEME_A_UNDERLINE)
		out |= A_UNDERLINE;
	if (a & THEME_A_REVERSE)
		out |= A_REVERSE;
#ifdef A_ITALIC
	if (a & THEME_A_ITALIC)
		out |= A_ITALIC;
#endif
	return out;
}

/* Set up the pairs; see theme.h. */
int
theme_apply(const struct theme *t, int no_color)
{
	int	s, ncolors = 0, fg, bg;

	if (!no_color && has_colors()) {
		start_color();
		use_default_colors();
		ncolors = COLORS;
	}
	for (s = 0; s < SLOT_COUNT; s++) {
		theme_attrs[s] = theme_curses_attrs(t->slot[s].attrs);
		if (ncolors < 8) {
			/* Mono: what must stand out still does. */
			if (s == SLOT_SELECTED || s == SLOT_HEADER)
				theme_attrs[s] |= A_REVERSE;
			if (s == SLOT_CRIT || s == SLOT_WARN)
				theme_attrs[s] |= A_BOLD;
			if (s == SLOT_STALE)
				theme_attrs[s] |= A_UNDERLINE;
			continue;
		}
		fg = theme_color_for(&t->slot[s].fg, ncolors);
		bg = theme_color_for(&t->slot[s].bg, ncolors);
		if (init_extended_pair(s + 1, fg, bg) == OK)
			theme_attrs[s] |= COLOR_PAIR(s + 1);
	}
	return ncolors < 8 ? 0 : ncolors;
}

/* The attributes of a slot. */
unsigned long
theme_attr(enum theme_slot s)
{
	return s < SLOT_COUNT ? theme_attrs[s] : 0;
}
