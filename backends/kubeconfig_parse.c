/*
 * kubeconfig_parse.c: kubeconfig files into the model of
 * kubeconfig_int.h, and several files merged into one, as kubectl does.
 *
 * Each file becomes lists of named clusters, users and contexts.  Values
 * are typed as kubectl types them (YAML 1.1 plain scalars: "yes" is a
 * boolean, 0x1F a number), so a file kubectl refuses is refused here too,
 * with FILE:LINE:COL.  Relative paths are made absolute against the
 * directory of the file being parsed, which is how kubectl resolves them
 * per defining file.  Which files are read follows kubectl's rules (an
 * explicit file, else $KUBECONFIG, else ~/.kube/config); when several are
 * read, the first to define a name wins and the first non-empty
 * current-context wins.  Every scalar of a parsed document is wiped before
 * libyaml frees it, since some were secrets.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "backends/kubeconfig.h"
#include "backends/kubeconfig_int.h"
#include "base/base64.h"
#include "base/buf.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"

/* ------------------------------------------------------------------------ */
/* Paths, resolved as kubectl resolves them. */

/* Lexically clean a path: no "//", ".", or resolvable "..". */
static char *
kc_path_clean(const char *path)
{
	struct buf	  b;
	char		 *copy, *tok, *save, **seg;
	size_t		  nseg = 0, i;
	int		  rooted = path[0] == '/';

	copy = xstrdup(path);
	seg = xcalloc(strlen(path) / 2 + 2, sizeof *seg);
	for (tok = strtok_r(copy, "/", &save); tok != NULL;
	    tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			if (nseg > 0 && strcmp(seg[nseg - 1], "..") != 0) {
				nseg--;
				continue;
			}
			if (rooted)
				continue;	/* "/.." is "/" */
		}
		seg[nseg++] = tok;
	}
	buf_init(&b, 0);
	if (rooted)
		buf_puts(&b, "/");
	for (i = 0; i < nseg; i++)
		buf_printf(&b, "%s%s", i > 0 ? "/" : "", seg[i]);
	if (b.len == 0)
		buf_puts(&b, ".");
	free(seg);
	free(copy);
	return buf_detach(&b);
}

/* The absolute, clean directory holding file. */
static char *
kc_path_absdir(const char *file)
{
	char	 cwd[PATH_MAX], *dir, *slash, *joined, *out;

	dir = xstrdup(file);
	if ((slash = strrchr(dir, '/')) == NULL) {
		free(dir);
		dir = xstrdup(".");
	} else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (dir[0] == '/') {
		out = kc_path_clean(dir);
		free(dir);
		return out;
	}
	if (getcwd(cwd, sizeof cwd) == NULL)
		cwd[0] = '\0';
	joined = xasprintf("%s/%s", cwd, dir);
	out = kc_path_clean(joined);
	free(joined);
	free(dir);
	return out;
}

/* p made absolute against base: absolute paths are kept as written. */
static char *
kc_path_resolve(const char *base, const char *p)
{
	char	*joined, *out;

	if (p[0] == '/')
		return xstrdup(p);
	joined = xasprintf("%s/%s", base, p);
	out = kc_path_clean(joined);
	free(joined);
	return out;
}

/* ------------------------------------------------------------------------ */
/* Freeing the model. */

/* Free an exec stanza. */
static void
kc_exec_free(struct kc_exec *e)
{
	size_t	i;

	if (e == NULL)
		return;
	free(e->api_version);
	free(e->command);
	for (i = 0; i < e->nargs; i++)
		free(e->args[i]);
	free(e->args);
	for (i = 0; i < e->nenv; i++)
		kc_free_secret(e->env[i]);
	free(e->env);
	free(e->install_hint);
	free(e->interactive_mode);
	free(e);
}

/* Free a cluster. */
static void
kc_cluster_free(struct kc_cluster *c)
{
	if (c == NULL)
		return;
	free(c->name);
	free(c->file);
	free(c->server);
	free(c->ca_file);
	free(c->ca_data);
	free(c->tls_server_name);
	free(c->proxy_url);
	free(c);
}

/* Free a user, wiping its secrets. */
void
kc_user_free(struct kc_user *u)
{
	if (u == NULL)
		return;
	free(u->name);
	free(u->file);
	kc_free_secret(u->token);
	free(u->token_file);
	free(u->cert_file);
	free(u->cert_data);
	free(u->key_file);
	kc_free_secret_n(u->key_data, u->key_data_len);
	free(u->username);
	kc_free_secret(u->password);
	kc_exec_free(u->exec);
	free(u->auth_provider);
	free(u);
}

/* Free a context. */
static void
kc_context_free(struct kc_context *c)
{
	if (c == NULL)
		return;
	free(c->name);
	free(c->file);
	free(c->cluster);
	free(c->user);
	free(c->namespace);
	free(c);
}

/* Free a set and everything in it. */
void
kc_set_done(struct kc_set *set)
{
	size_t	i;

	for (i = 0; i < set->nclusters; i++)
		kc_cluster_free(set->clusters[i]);
	free(set->clusters);
	for (i = 0; i < set->nusers; i++)
		kc_user_free(set->users[i]);
	free(set->users);
	for (i = 0; i < set->ncontexts; i++)
		kc_context_free(set->contexts[i]);
	free(set->contexts);
	free(set->current_context);
	free(set->current_file);
	memset(set, 0, sizeof *set);
}

/* ------------------------------------------------------------------------ */
/* YAML: values typed as kubectl types them. */

struct kc_parse {
	const char	*file;
	char		*dir;		/* absolute directory of file */
	yaml_document_t	 doc;
	char		*cause;
};

enum kc_plain {
	KC_PLAIN_STRING,
	KC_PLAIN_NULL,
	KC_PLAIN_BOOL,
	KC_PLAIN_NUMBER
};

/* Set the error once, at node's position. */
static int __attribute__((format(printf, 3, 4)))
kc_perr(struct kc_parse *p, yaml_node_t *node, const char *fmt, ...)
{
	va_list		 ap;
	struct buf	 b;
	char		*msg;

	if (p->cause != NULL)
		return -1;
	buf_init(&b, 0);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	msg = buf_detach(&b);
	if (node != NULL)
		p->cause = xasprintf("%s:%zu:%zu: %s", p->file,
		    node->start_mark.line + 1, node->start_mark.column + 1,
		    msg);
	else
		p->cause = xasprintf("%s: %s", p->file, msg);
	free(msg);
	return -1;
}

/* Is s entirely a YAML 1.1 integer ("1_000", "0x1F", "0o17", "0b1")? */
static int
kc_yaml_is_int(const char *s)
{
	const char	*p = s;
	int		 digits = 0;

	if (*p == '+' || *p == '-')
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		for (p += 2; *p != '\0'; p++) {
			if (*p != '_' && !isxdigit((unsigned char)*p))
				return 0;
			digits += *p != '_';
		}
		return digits > 0;
	}
	if (p[0] == '0' && (p[1] == 'b' || p[1] == 'o'))
		p += 2;
	for (; *p != '\0'; p++) {
		if (*p != '_' && !isdigit((unsigned char)*p))
			return 0;
		digits += *p != '_';
	}
	return digits > 0;
}

/* Is s entirely a YAML 1.1 float ("1.5", "1e3", ".inf", ".NaN")? */
static int
kc_yaml_is_float(const char *s)
{
	static const char *const special[] = {
		".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf",
		"-.Inf", "-.INF", ".nan", ".NaN", ".NAN"
	};
	const char	*p = s;
	size_t		 i;
	int		 digits = 0;

	for (i = 0; i < sizeof special / sizeof special[0]; i++) {
		if (strcmp(s, special[i]) == 0)
			return 1;
	}
	if (*p == '+' || *p == '-')
		p++;
	for (; isdigit((unsigned char)*p) || *p == '_'; p++)
		digits++;
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p) || *p == '_'; p++)
			digits++;
	}
	if (digits == 0)
		return 0;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return *p == '\0';
}

/* What a scalar resolves to, as YAML 1.1 (kubectl's parser) reads it. */
static enum kc_plain
kc_yaml_resolve(yaml_node_t *node, int *boolval)
{
	static const char *const yes[] = {
		"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on",
		"On", "ON"
	};
	static const char *const no[] = {
		"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off",
		"Off", "OFF"
	};
	const char	*s = (const char *)node->data.scalar.value;
	size_t		 i;

	if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return KC_PLAIN_STRING;
	if (*s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0)
		return KC_PLAIN_NULL;
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcmp(s, yes[i]) == 0) {
			*boolval = 1;
			return KC_PLAIN_BOOL;
		}
		if (strcmp(s, no[i]) == 0) {
			*boolval = 0;
			return KC_PLAIN_BOOL;
		}
	}
	if (kc_yaml_is_int(s) || kc_yaml_is_float(s))
		return KC_PLAIN_NUMBER;
	return KC_PLAIN_STRING;
}

/* The node at index i, or NULL. */
static yaml_node_t *
kc_node(struct kc_parse *p, int i)
{
	return yaml_document_get_node(&p->doc, i);
}

/* Is node absent or an explicit null? */
static int
kc_is_null(yaml_node_t *node)
{
	int	b;

	return node == NULL || (node->type == YAML_SCALAR_NODE &&
	    kc_yaml_resolve(node, &b) == KC_PLAIN_NULL);
}

/* A string value; NULL for null or "" (kubectl treats both as unset). */
static int
kc_get_string(struct kc_parse *p, yaml_node_t *node, const char *what,
    char **out)
{
	int	b;

	if (node->type != YAML_SCALAR_NODE)
		return kc_perr(p, node, "%s must be a string", what);
	switch (kc_yaml_resolve(node, &b)) {
	case KC_PLAIN_NULL:
		return 0;
	case KC_PLAIN_BOOL:
		return kc_perr(p, node, "%s must be a string, not a boolean; "
		    "put it in quotes", what);
	case KC_PLAIN_NUMBER:
		return kc_perr(p, node, "%s must be a string, not a number; "
		    "put it in quotes", what);
	case KC_PLAIN_STRING:
		break;
	}
	if (node->data.scalar.length == 0)
		return 0;
	if (memchr(node->data.scalar.value, '\0',
	    node->data.scalar.length) != NULL)
		return kc_perr(p, node, "%s contains a NUL character", what);
	free(*out);
	*out = kc_memdup(node->data.scalar.value, node->data.scalar.length);
	return 0;
}

/* A boolean value; null is false. */
static int
kc_get_bool(struct kc_parse *p, yaml_node_t *node, const char *what,
    int *out)
{
	int	b = 0;

	if (node->type == YAML_SCALAR_NODE) {
		switch (kc_yaml_resolve(node, &b)) {
		case KC_PLAIN_NULL:
			*out = 0;
			return 0;
		case KC_PLAIN_BOOL:
			*out = b;
			return 0;
		default:
			break;
		}
	}
	return kc_perr(p, node, "%s must be true or false", what);
}

/* A base64 value, decoded; errors say where, never what. */
static int
kc_get_base64(struct kc_parse *p, yaml_node_t *node, const char *what,
    char **out, size_t *outlen)
{
	char	*s = NULL, *data;
	size_t	 len, bad;

	if (kc_get_string(p, node, what, &s) != 0)
		return -1;
	if (s == NULL)
		return 0;
	if (base64_decode(s, &data, &len, &bad) != 0) {
		kc_free_secret(s);
		return kc_perr(p, node, "%s: illegal base64 data at input "
		    "byte %zu; it must be standard base64 with padding",
		    what, bad);
	}
	kc_free_secret(s);
	if (*out != NULL) {
		kc_wipe(*out, *outlen);
		free(*out);
	}
	*out = data;
	*outlen = len;
	return 0;
}

/* A path value, made absolute against the file's directory. */
static int
kc_get_path(struct kc_parse *p, yaml_node_t *node, const char *what,
    char **out)
{
	char	*s = NULL;

	if (kc_get_string(p, node, what, &s) != 0)
		return -1;
	if (s == NULL)
		return 0;
	free(*out);
	*out = kc_path_resolve(p->dir, s);
	free(s);
	return 0;
}

/* Check that node is a mapping (or null, meaning empty). */
static int
kc_want_map(struct kc_parse *p, yaml_node_t *node, const char *what)
{
	if (node == NULL || kc_is_null(node) || node->type == YAML_MAPPING_NODE)
		return 0;
	return kc_perr(p, node, "%s must be a mapping", what);
}

/* Check that node is a sequence (or null, meaning empty). */
static int
kc_want_seq(struct kc_parse *p, yaml_node_t *node, const char *what)
{
	if (node == NULL || kc_is_null(node) || node->type == YAML_SEQUENCE_NODE)
		return 0;
	return kc_perr(p, node, "%s must be a list", what);
}

/* Iterate over a mapping's pairs: the key as a string and the value. */
#define KC_MAP_FOREACH(p, map, pair, key, val)				\
	for (pair = (map)->type == YAML_MAPPING_NODE ?			\
	    (map)->data.mapping.pairs.start : NULL;			\
	    pair != NULL && pair < (map)->data.mapping.pairs.top &&	\
	    ((key = kc_key(p, pair)), (val = kc_node(p, pair->value)), 1); \
	    pair++)

/* A mapping key as a string; "" when it is not a scalar. */
static const char *
kc_key(struct kc_parse *p, yaml_node_pair_t *pair)
{
	yaml_node_t	*k = kc_node(p, pair->key);

	if (k == NULL || k->type != YAML_SCALAR_NODE)
		return "";
	return (const char *)k->data.scalar.value;
}

/* Parse a cluster: mapping. */
static int
kc_parse_cluster(struct kc_parse *p, yaml_node_t *map, struct kc_cluster *c)
{
	yaml_node_pair_t	*pair;
	const char		*key;
	yaml_node_t		*v;
	int			 rc = 0;

	if (kc_want_map(p, map, "cluster") != 0)
		return -1;
	KC_MAP_FOREACH(p, map, pair, key, v) {
		if (strcmp(key, "server") == 0)
			rc = kc_get_string(p, v, "server", &c->server);
		else if (strcmp(key, "certificate-authority") == 0)
			rc = kc_get_path(p, v, key, &c->ca_file);
		else if (strcmp(key, "certificate-authority-data") == 0)
			rc = kc_get_base64(p, v, key, &c->ca_data,
			    &c->ca_data_len);
		else if (strcmp(key, "insecure-skip-tls-verify") == 0)
			rc = kc_get_bool(p, v, key, &c->insecure);
		else if (strcmp(key, "tls-server-name") == 0)
			rc = kc_get_string(p, v, key, &c->tls_server_name);
		else if (strcmp(key, "proxy-url") == 0)
			rc = kc_get_string(p, v, key, &c->proxy_url);
		else
			continue;	/* unknown keys are ignored, as kubectl */
		if (rc != 0)
			return -1;
		if (!kc_is_null(v))
			c->nfields++;
	}
	if (c->ca_data != NULL && c->ca_data_len == 0) {
		free(c->ca_data);
		c->ca_data = NULL;
	}
	return 0;
}

/* Parse a user's exec: mapping. */
static int
kc_parse_exec(struct kc_parse *p, yaml_node_t *map, struct kc_exec *e)
{
	yaml_node_pair_t	*pair, *pair2;
	const char		*key, *key2;
	yaml_node_t		*v, *v2, *item;
	yaml_node_item_t	*it;
	char			*s, *name, *value;

	if (kc_want_map(p, map, "exec") != 0)
		return -1;
	KC_MAP_FOREACH(p, map, pair, key, v) {
		if (strcmp(key, "apiVersion") == 0) {
			if (kc_get_string(p, v, key, &e->api_version) != 0)
				return -1;
		} else if (strcmp(key, "command") == 0) {
			s = NULL;
			if (kc_get_string(p, v, key, &s) != 0)
				return -1;
			free(e->command);
			e->command = s == NULL || strchr(s, '/') == NULL ? s :
			    kc_path_resolve(p->dir, s);
			if (e->command != s)
				free(s);
		} else if (strcmp(key, "args") == 0) {
			if (kc_want_seq(p, v, key) != 0)
				return -1;
			if (v->type != YAML_SEQUENCE_NODE)
				continue;
			for (it = v->data.sequence.items.start;
			    it < v->data.sequence.items.top; it++) {
				item = kc_node(p, *it);
				s = NULL;
				if (kc_get_string(p, item, "args", &s) != 0)
					return -1;
				e->args = xreallocarray(e->args, e->nargs + 1,
				    sizeof *e->args);
				e->args[e->nargs++] = s == NULL ? xstrdup("") :
				    s;
			}
		} else if (strcmp(key, "env") == 0) {
			if (kc_want_seq(p, v, key) != 0)
				return -1;
			if (v->type != YAML_SEQUENCE_NODE)
				continue;
			for (it = v->data.sequence.items.start;
			    it < v->data.sequence.items.top; it++) {
				item = kc_node(p, *it);
				if (kc_want_map(p, item, "env entry") != 0)
					return -1;
				name = value = NULL;
				KC_MAP_FOREACH(p, item, pair2, key2, v2) {
					if (strcmp(key2, "name") == 0 &&
					    kc_get_string(p, v2, "env name",
					    &name) != 0)
						goto bad_env;
					if (strcmp(key2, "value") == 0 &&
					    kc_get_string(p, v2, "env value",
					    &value) != 0)
						goto bad_env;
				}
				if (name == NULL || strchr(name, '=') != NULL)
					e->env_unnamed = 1;
				else {
					e->env = xreallocarray(e->env,
					    e->nenv + 1, sizeof *e->env);
					e->env[e->nenv++] = xasprintf("%s=%s",
					    name, value == NULL ? "" : value);
				}
				free(name);
				kc_free_secret(value);
				continue;
			bad_env:
				free(name);
				kc_free_secret(value);
				return -1;
			}
		} else if (strcmp(key, "installHint") == 0) {
			if (kc_get_string(p, v, key, &e->install_hint) != 0)
				return -1;
		} else if (strcmp(key, "provideClusterInfo") == 0) {
			if (kc_get_bool(p, v, key,
			    &e->provide_cluster_info) != 0)
				return -1;
		} else if (strcmp(key, "interactiveMode") == 0) {
			if (kc_get_string(p, v, key,
			    &e->interactive_mode) != 0)
				return -1;
		}
	}
	return 0;
}

/* Parse a user: mapping. */
static int
kc_parse_user(struct kc_parse *p, yaml_node_t *map, struct kc_user *u)
{
	yaml_node_pair_t	*pair, *pair2;
	const char		*key, *key2;
	yaml_node_t		*v, *v2;
	int			 rc = 0;

	if (kc_want_map(p, map, "user") != 0)
		return -1;
	KC_MAP_FOREACH(p, map, pair, key, v) {
		if (strcmp(key, "token") == 0) {
			if (u->token != NULL) {
				kc_free_secret(u->token);
				u->token = NULL;
			}
			rc = kc_get_string(p, v, key, &u->token);
		} else if (strcmp(key, "tokenFile") == 0)
			rc = kc_get_path(p, v, key, &u->token_file);
		else if (strcmp(key, "client-certificate") == 0)
			rc = kc_get_path(p, v, key, &u->cert_file);
		else if (strcmp(key, "client-certificate-data") == 0)
			rc = kc_get_base64(p, v, key, &u->cert_data,
			    &u->cert_data_len);
		else if (strcmp(key, "client-key") == 0)
			rc = kc_get_path(p, v, key, &u->key_file);
		else if (strcmp(key, "client-key-data") == 0)
			rc = kc_get_base64(p, v, key, &u->key_data,
			    &u->key_data_len);
		else if (strcmp(key, "username") == 0)
			rc = kc_get_string(p, v, key, &u->username);
		else if (strcmp(key, "password") == 0) {
			if (u->password != NULL) {
				kc_free_secret(u->password);
				u->password = NULL;
			}
			rc = kc_get_string(p, v, key, &u->password);
		} else if (strcmp(key, "exec") == 0) {
			if (kc_is_null(v))
				continue;
			kc_exec_free(u->exec);
			u->exec = xcalloc(1, sizeof *u->exec);
			rc = kc_parse_exec(p, v, u->exec);
		} else if (strcmp(key, "auth-provider") == 0) {
			if (kc_is_null(v))
				continue;
			if (kc_want_map(p, v, key) != 0)
				return -1;
			free(u->auth_provider);
			u->auth_provider = xstrdup("");
			KC_MAP_FOREACH(p, v, pair2, key2, v2) {
				if (strcmp(key2, "name") == 0 &&
				    kc_get_string(p, v2, "auth-provider name",
				    &u->auth_provider) != 0)
					return -1;
			}
			if (u->auth_provider == NULL)
				u->auth_provider = xstrdup("");
		}
		if (rc != 0)
			return -1;
	}
	if (u->cert_data != NULL && u->cert_data_len == 0) {
		free(u->cert_data);
		u->cert_data = NULL;
	}
	if (u->key_data != NULL && u->key_data_len == 0) {
		free(u->key_data);
		u->key_data = NULL;
	}
	return 0;
}

/* Parse a context: mapping. */
static int
kc_parse_context(struct kc_parse *p, yaml_node_t *map, struct kc_context *c)
{
	yaml_node_pair_t	*pair;
	const char		*key;
	yaml_node_t		*v;
	int			 rc = 0;

	if (kc_want_map(p, map, "context") != 0)
		return -1;
	KC_MAP_FOREACH(p, map, pair, key, v) {
		if (strcmp(key, "cluster") == 0)
			rc = kc_get_string(p, v, key, &c->cluster);
		else if (strcmp(key, "user") == 0)
			rc = kc_get_string(p, v, key, &c->user);
		else if (strcmp(key, "namespace") == 0)
			rc = kc_get_string(p, v, key, &c->namespace);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* Parse one named list entry's name and body node; -1 on error. */
static int
kc_parse_named(struct kc_parse *p, yaml_node_t *item, const char *list,
    const char *body_key, char **name, yaml_node_t **body)
{
	yaml_node_pair_t	*pair;
	const char		*key;
	yaml_node_t		*v;

	*name = NULL;
	*body = NULL;
	if (item->type != YAML_MAPPING_NODE)
		return kc_perr(p, item, "each entry of %s must be a mapping "
		    "with name and %s", list, body_key);
	KC_MAP_FOREACH(p, item, pair, key, v) {
		if (strcmp(key, "name") == 0) {
			/* A name, then one that fails: neither is kept. */
			if (kc_get_string(p, v, "name", name) != 0) {
				free(*name);
				*name = NULL;
				return -1;
			}
		} else if (strcmp(key, body_key) == 0)
			*body = v;
	}
	if (*name == NULL)
		*name = xstrdup("");
	return 0;
}

/* Parse the file's top level into set. */
static int
kc_parse_top(struct kc_parse *p, yaml_node_t *root, struct kc_set *set)
{
	yaml_node_pair_t	*pair;
	const char		*key;
	yaml_node_t		*v, *item, *body;
	yaml_node_item_t	*it;
	char			*name, *s;
	size_t			 i;

	if (kc_is_null(root))
		return 0;
	if (root->type != YAML_MAPPING_NODE)
		return kc_perr(p, root, "a kubeconfig must be a mapping "
		    "(apiVersion, kind, clusters, users, contexts ...)");
	KC_MAP_FOREACH(p, root, pair, key, v) {
		if (strcmp(key, "apiVersion") == 0 || strcmp(key, "kind") == 0) {
			s = NULL;
			if (kc_get_string(p, v, key, &s) != 0)
				return -1;
			if (s != NULL && strcmp(s, key[0] == 'a' ? "v1" :
			    "Config") != 0) {
				name = sanitize_excerpt(s, 64);
				kc_perr(p, v, "%s \"%s\" is not a kubeconfig "
				    "(expected apiVersion v1, kind Config)",
				    key, name);
				free(name);
				free(s);
				return -1;
			}
			free(s);
		} else if (strcmp(key, "current-context") == 0) {
			if (kc_get_string(p, v, key,
			    &set->current_context) != 0)
				return -1;
		} else if (strcmp(key, "clusters") == 0 ||
		    strcmp(key, "users") == 0 || strcmp(key, "contexts") == 0) {
			if (kc_want_seq(p, v, key) != 0)
				return -1;
			if (v->type != YAML_SEQUENCE_NODE)
				continue;
			for (it = v->data.sequence.items.start;
			    it < v->data.sequence.items.top; it++) {
				item = kc_node(p, *it);
				if (key[1] == 'l') {
					struct kc_cluster	*c;

					if (kc_parse_named(p, item, key,
					    "cluster", &name, &body) != 0)
						return -1;
					for (i = 0; i < set->nclusters; i++) {
						if (strcmp(set->clusters[i]->name,
						    name) == 0)
							goto dup;
					}
					c = xcalloc(1, sizeof *c);
					c->name = name;
					c->file = xstrdup(p->file);
					c->line = (int)item->start_mark.line + 1;
					c->col = (int)item->start_mark.column + 1;
					set->clusters = xreallocarray(
					    set->clusters, set->nclusters + 1,
					    sizeof *set->clusters);
					set->clusters[set->nclusters++] = c;
					if (body != NULL &&
					    kc_parse_cluster(p, body, c) != 0)
						return -1;
				} else if (key[0] == 'u') {
					struct kc_user	*u;

					if (kc_parse_named(p, item, key, "user",
					    &name, &body) != 0)
						return -1;
					for (i = 0; i < set->nusers; i++) {
						if (strcmp(set->users[i]->name,
						    name) == 0)
							goto dup;
					}
					u = xcalloc(1, sizeof *u);
					u->name = name;
					u->file = xstrdup(p->file);
					u->line = (int)item->start_mark.line + 1;
					u->col = (int)item->start_mark.column + 1;
					set->users = xreallocarray(set->users,
					    set->nusers + 1, sizeof *set->users);
					set->users[set->nusers++] = u;
					if (body != NULL &&
					    kc_parse_user(p, body, u) != 0)
						return -1;
				} else {
					struct kc_context	*c;

					if (kc_parse_named(p, item, key,
					    "context", &name, &body) != 0)
						return -1;
					for (i = 0; i < set->ncontexts; i++) {
						if (strcmp(set->contexts[i]->name,
						    name) == 0)
							goto dup;
					}
					c = xcalloc(1, sizeof *c);
					c->name = name;
					c->file = xstrdup(p->file);
					c->line = (int)item->start_mark.line + 1;
					c->col = (int)item->start_mark.column + 1;
					set->contexts = xreallocarray(
					    set->contexts, set->ncontexts + 1,
					    sizeof *set->contexts);
					set->contexts[set->ncontexts++] = c;
					if (body != NULL &&
					    kc_parse_context(p, body, c) != 0)
						return -1;
				}
				continue;
			dup:
				s = kc_clean(name);
				kc_perr(p, item, "duplicate name \"%s\" in %s; "
				    "each name may appear once per file", s,
				    key);
				free(s);
				free(name);
				return -1;
			}
		}
	}
	if (set->current_context != NULL)
		set->current_file = xstrdup(p->file);
	return 0;
}

/* Wipe every scalar in a document: some of them were secrets. */
static void
kc_yaml_wipe(yaml_document_t *doc)
{
	yaml_node_t	*node;

	for (node = doc->nodes.start; node < doc->nodes.top; node++) {
		if (node->type == YAML_SCALAR_NODE)
			kc_wipe(node->data.scalar.value,
			    node->data.scalar.length);
	}
}

/*
 * Parse one file into set.  Returns 0, 1 if the file does not exist (and
 * missing_ok), or -1 with *cause.
 */
static int
kc_parse_file(const char *file, int missing_ok, struct kc_set *set,
    char **cause)
{
	struct kc_parse	 p;
	yaml_parser_t	 parser;
	yaml_node_t	*root;
	char		*data, *error = NULL;
	size_t		 len;
	int		 rc;

	memset(set, 0, sizeof *set);
	if (access(file, F_OK) != 0 && errno == ENOENT && missing_ok)
		return 1;
	if ((data = kc_read_file(file, KUBECONFIG_MAX_FILE, &len,
	    &error)) == NULL) {
		*cause = xasprintf("cannot read kubeconfig %s", error);
		free(error);
		return -1;
	}
	memset(&p, 0, sizeof p);
	p.file = file;
	p.dir = kc_path_absdir(file);
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (unsigned char *)data, len);
	if (!yaml_parser_load(&parser, &p.doc)) {
		*cause = xasprintf("%s:%zu:%zu: not valid YAML: %s; fix the "
		    "file or point KUBECONFIG elsewhere", file,
		    parser.problem_mark.line + 1,
		    parser.problem_mark.column + 1,
		    parser.problem != NULL ? parser.problem : "parse error");
		yaml_parser_delete(&parser);
		kc_wipe(data, len);
		free(data);
		free(p.dir);
		return -1;
	}
	yaml_parser_delete(&parser);
	kc_wipe(data, len);
	free(data);
	root = yaml_document_get_root_node(&p.doc);
	rc = root == NULL ? 0 : kc_parse_top(&p, root, set);
	kc_yaml_wipe(&p.doc);
	yaml_document_delete(&p.doc);
	free(p.dir);
	if (rc != 0) {
		kc_set_done(set);
		*cause = p.cause;
		return -1;
	}
	return 0;
}

/* Move what src defines and dst does not into dst: the first file wins. */
static void
kc_set_merge(struct kc_set *dst, struct kc_set *src)
{
	size_t	i, j;

#define KC_MERGE(list, n, freefn) do {					\
	for (i = 0; i < src->n; i++) {					\
		for (j = 0; j < dst->n; j++) {				\
			if (strcmp(dst->list[j]->name,			\
			    src->list[i]->name) == 0)			\
				break;					\
		}							\
		if (j < dst->n) {					\
			freefn(src->list[i]);				\
			continue;					\
		}							\
		dst->list = xreallocarray(dst->list, dst->n + 1,	\
		    sizeof *dst->list);					\
		dst->list[dst->n++] = src->list[i];			\
	}								\
	free(src->list);						\
	src->list = NULL;						\
	src->n = 0;							\
} while (0)
	KC_MERGE(clusters, nclusters, kc_cluster_free);
	KC_MERGE(users, nusers, kc_user_free);
	KC_MERGE(contexts, ncontexts, kc_context_free);
#undef KC_MERGE
	if (dst->current_context == NULL && src->current_context != NULL) {
		dst->current_context = src->current_context;
		dst->current_file = src->current_file;
		src->current_context = src->current_file = NULL;
	}
	kc_set_done(src);
}
/* ------------------------------------------------------------------------ */
/* Which files, in which order. */

/* Load the files the rules name into set; kc->sources says which. */
int
kc_load_files(struct kubeconfig *kc, const struct kubeconfig_options *o,
    struct kc_set *set, char **cause)
{
	struct kc_set	 one;
	struct buf	 src;
	const char	*env;
	char		*list, *tok, *save, *file, **seen = NULL;
	size_t		 nseen = 0, i;
	int		 rc = 0, r;

	memset(set, 0, sizeof *set);
	buf_init(&src, 0);
	env = getenv("KUBECONFIG");
	if (o->path != NULL && *o->path != '\0') {
		file = util_expand_home(o->path);
		if (access(file, F_OK) != 0 && errno == ENOENT) {
			*cause = xasprintf("kubeconfig %s does not exist; fix "
			    "kubernetes.kubeconfig (or --kubeconfig)", file);
			free(file);
			buf_done(&src);
			return -1;
		}
		rc = kc_parse_file(file, 0, set, cause);
		buf_printf(&src, "%s", file);
		free(file);
	} else if (env != NULL && *env != '\0') {
		list = xstrdup(env);
		buf_puts(&src, "KUBECONFIG (");
		for (tok = strtok_r(list, ":", &save); tok != NULL;
		    tok = strtok_r(NULL, ":", &save)) {
			for (i = 0; i < nseen; i++) {
				if (strcmp(seen[i], tok) == 0)
					break;
			}
			if (i < nseen)
				continue;
			seen = xreallocarray(seen, nseen + 1, sizeof *seen);
			seen[nseen++] = tok;
			buf_printf(&src, "%s%s", nseen > 1 ? ", " : "", tok);
			r = kc_parse_file(tok, 1, &one, cause);
			if (r == -1) {
				rc = -1;
				break;
			}
			if (r == 1)
				buf_puts(&src, " (missing)");
			else
				kc_set_merge(set, &one);
		}
		buf_puts(&src, ")");
		free(seen);
		free(list);
	} else {
		file = util_expand_home("~/.kube/config");
		r = kc_parse_file(file, 1, set, cause);
		buf_printf(&src, "%s%s", file, r == 1 ? " (missing)" : "");
		free(file);
		rc = r == -1 ? -1 : 0;
	}
	kc->sources = kc_clean(buf_str(&src));
	buf_done(&src);
	if (rc != 0)
		kc_set_done(set);
	return rc;
}
