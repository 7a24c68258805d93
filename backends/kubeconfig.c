/*
 * kubeconfig.c: read kubeconfig as kubectl does, with libyaml and no client
 * library, and produce per-request credentials, running exec credential
 * plugins as children of the event loop.
 *
 * The work is in four parts:
 *
 *  - parsing: each file becomes lists of named clusters, users and
 *    contexts.  Values are typed as kubectl types them (YAML 1.1 plain
 *    scalars: "yes" is a boolean, 0x1F a number), so a file kubectl refuses
 *    is refused here too, with the line and column.  Relative paths are
 *    made absolute against the directory of the file being parsed, which is
 *    how kubectl resolves them per defining file;
 *  - merging and choosing: the first file to define a name wins, the first
 *    non-empty current-context wins; the chosen context's cluster and user
 *    are then validated with client-go's rules and messages;
 *  - static credentials: assembled on every request, so a token file is
 *    read again each time and rotation is seen at once;
 *  - exec plugins: spawned with pipes (never a terminal), read through loop
 *    fd watchers, reaped through the loop's SIGCHLD handling, killed on a
 *    timer; the ExecCredential they print is parsed and cached until it
 *    expires or is invalidated.
 *
 * Secrets are wiped before their memory is freed and never formatted into
 * a message; errors about a secret field name the field, not its value.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <yaml.h>

#include "backends/kubeconfig.h"
#include "base/buf.h"
#include "core/loop.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"

extern char **environ;

#define KC_EXEC_MAX_STDOUT	((size_t)1024 * 1024)
#define KC_EXEC_MAX_STDERR	((size_t)64 * 1024)
#define KC_EXEC_SHOW_STDERR	2000	/* characters of stderr in a message */
#define KC_MAX_TOKEN_FILE	((size_t)1024 * 1024)
#define KC_MAX_PEM_FILE		((size_t)4 * 1024 * 1024)
#define KC_EXEC_API_V1		"client.authentication.k8s.io/v1"
#define KC_EXEC_API_V1BETA1	"client.authentication.k8s.io/v1beta1"
#define KC_PLUGIN_DOCS		"https://kubernetes.io/docs/reference/" \
	"access-authn-authz/authentication/#client-go-credential-plugins"

/* ------------------------------------------------------------------------ */
/* The parsed model. */

struct kc_exec {
	char	 *api_version;
	char	 *command;		/* absolute if it had a '/' */
	char	**args;
	size_t	  nargs;
	char	**env;			/* "NAME=value" */
	size_t	  nenv;
	int	  env_unnamed;		/* an entry without a name */
	char	 *install_hint;
	int	  provide_cluster_info;
	char	 *interactive_mode;
};

struct kc_cluster {
	char	*name;
	char	*file;
	int	 line, col;
	int	 nfields;		/* keys seen in cluster: */
	char	*server;
	char	*ca_file;
	char	*ca_data;		/* decoded */
	size_t	 ca_data_len;
	int	 insecure;
	char	*tls_server_name;
	char	*proxy_url;
};

struct kc_user {
	char		*name;
	char		*file;
	int		 line, col;
	char		*token;		/* secret */
	char		*token_file;
	char		*cert_file;
	char		*cert_data;
	size_t		 cert_data_len;
	char		*key_file;
	char		*key_data;	/* secret */
	size_t		 key_data_len;
	char		*username;
	char		*password;	/* secret */
	struct kc_exec	*exec;
	char		*auth_provider;	/* its name; "" if unnamed */
};

struct kc_context {
	char	*name;
	char	*file;
	int	 line, col;
	char	*cluster;
	char	*user;
	char	*namespace;
};

/* One file, or the merge of several. */
struct kc_set {
	struct kc_cluster	**clusters;
	size_t			  nclusters;
	struct kc_user		**users;
	size_t			  nusers;
	struct kc_context	**contexts;
	size_t			  ncontexts;
	char			 *current_context;
	char			 *current_file;	/* where it was set */
};

/* A request waiting for the credential. */
struct kc_waiter {
	int			 id;
	kubeconfig_credential_cb cb;
	void			*arg;
	struct kc_waiter	*next;
};

/* A running exec plugin. */
struct kc_run {
	struct kubeconfig	*kc;
	pid_t			 pid;
	int			 out_fd;
	int			 err_fd;
	struct loop_fd		*out_w;
	struct loop_fd		*err_w;
	struct loop_child	*child;
	struct loop_timer	*timer;
	struct buf		 out;
	struct buf		 err;
	int			 out_over;	/* stdout passed its cap */
	int			 err_over;
};

struct kubeconfig {
	struct kubeconfig_info	 info;
	int64_t			 exec_timeout_ms;

	/* Owned copies of what info points to, plus the secrets. */
	char			*sources;
	char			*context;
	char			*cluster_name;
	char			*user_name;
	char			*server;
	char			*namespace;
	char			*ca_file;
	char			*ca_data;
	size_t			 ca_data_len;
	char			*tls_server_name;
	char			*proxy_url;
	char			*description;
	struct kc_user		*user;		/* NULL: anonymous */
	char			*cluster_json;	/* for provideClusterInfo */

	/* The last credential handed out, and the exec cache. */
	struct kubeconfig_credential cred;
	char			*cur_token;	/* secret, for cred */
	char			*cur_cert;
	size_t			 cur_cert_len;
	char			*cur_key;	/* secret */
	size_t			 cur_key_len;
	int			 exec_valid;
	char			*exec_token;	/* secret */
	char			*exec_cert;
	size_t			 exec_cert_len;
	char			*exec_key;	/* secret */
	size_t			 exec_key_len;
	int64_t			 exec_expires_ms;

	struct loop		*loop;
	struct kc_waiter	*waiters;
	int			 next_id;
	struct loop_timer	*kick;
	struct kc_run		*run;
};

/* ------------------------------------------------------------------------ */
/* Small helpers. */

/* Overwrite memory in a way the compiler may not remove. */
static void
kc_wipe(void *p, size_t len)
{
	volatile unsigned char	*v = p;

	while (len-- > 0)
		*v++ = 0;
}

/* Wipe and free a NUL-terminated secret. */
static void
kc_free_secret(char *s)
{
	if (s != NULL) {
		kc_wipe(s, strlen(s));
		free(s);
	}
}

/* Wipe and free a secret buffer of known length. */
static void
kc_free_secret_n(char *s, size_t len)
{
	if (s != NULL) {
		kc_wipe(s, len);
		free(s);
	}
}

/* Copy n bytes and terminate them. */
static char *
kc_memdup(const void *p, size_t n)
{
	char	*s;

	s = xmalloc(n + 1);
	if (n > 0)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* Read a whole file up to limit bytes; caller frees (and wipes if secret). */
static char *
kc_read_file(const char *path, size_t limit, size_t *len, char **cause)
{
	struct buf	b;
	char		*error = NULL;

	buf_init(&b, limit);
	if (buf_read_file(&b, path, &error) != 0) {
		if (b.data != NULL)
			kc_wipe(b.data, b.len);
		buf_done(&b);
		*cause = error;
		return NULL;
	}
	if (len != NULL)
		*len = b.len;
	return buf_detach(&b);
}

/* Remove leading and trailing white space in place. */
static char *
kc_trim(char *s)
{
	size_t	n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* A string for a message: sanitised for the terminal; caller frees. */
static char *
kc_clean(const char *s)
{
	return sanitize_terminal(s == NULL ? "" : s, 0);
}

/* Make an error message safe for any terminal, in place. */
static void
kc_clean_cause(char **cause)
{
	char	*s;

	if (*cause == NULL)
		return;
	s = sanitize_terminal(*cause, SANITIZE_MULTILINE);
	free(*cause);
	*cause = s;
}

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
/* Base64, as Go's standard encoding decodes it: padding required, line
 * breaks ignored, anything else outside the alphabet refused. */

/* The value of one base64 character, or -1. */
static int
kc_b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decode s; -1 and *bad (offset of the fault) if it is not base64. */
static int
kc_base64_decode(const char *s, char **out, size_t *outlen, size_t *bad)
{
	size_t		 len = strlen(s), i = 0, n = 0, k, pos[4], size;
	unsigned char	*o;
	int		 q[4], npad, done = 0;

	size = len / 4 * 3 + 4;
	o = xmalloc(size);
	for (;;) {
		/* Gather the next four significant characters. */
		for (k = 0; k < 4 && i < len; i++) {
			if (s[i] == '\r' || s[i] == '\n')
				continue;
			pos[k++] = i;
		}
		if (k == 0)
			break;
		if (done) {
			*bad = pos[0];
			goto fail;
		}
		if (k < 4) {
			*bad = pos[0];
			goto fail;
		}
		npad = 0;
		for (k = 0; k < 4; k++) {
			unsigned char	c = (unsigned char)s[pos[k]];

			if (c == '=' && k >= 2) {
				npad++;
				q[k] = 0;
				continue;
			}
			if (npad > 0 || (q[k] = kc_b64_value(c)) == -1) {
				*bad = pos[k];
				goto fail;
			}
		}
		o[n++] = (unsigned char)(q[0] << 2 | q[1] >> 4);
		if (npad < 2)
			o[n++] = (unsigned char)((q[1] & 0xf) << 4 | q[2] >> 2);
		if (npad < 1)
			o[n++] = (unsigned char)((q[2] & 0x3) << 6 | q[3]);
		if (npad > 0)
			done = 1;
	}
	o[n] = '\0';
	*out = (char *)o;
	*outlen = n;
	return 0;

fail:
	kc_wipe(o, size);
	free(o);
	return -1;
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
static void
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
static void
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
	if (kc_base64_decode(s, &data, &len, &bad) != 0) {
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
			if (kc_get_string(p, v, "name", name) != 0)
				return -1;
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
				kc_perr(p, v, "%s \"%.64s\" is not a kubeconfig "
				    "(expected apiVersion v1, kind Config)",
				    key, s);
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
/* Choosing and validating the context. */

/* Base64-encode data; caller frees. */
static char *
kc_base64_encode(const char *data, size_t len)
{
	static const char	 tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char	*in = (const unsigned char *)data;
	char			*out, *o;
	size_t			 i;

	o = out = xmalloc((len + 2) / 3 * 4 + 1);
	for (i = 0; i + 2 < len; i += 3) {
		*o++ = tab[in[i] >> 2];
		*o++ = tab[(in[i] & 0x3) << 4 | in[i + 1] >> 4];
		*o++ = tab[(in[i + 1] & 0xf) << 2 | in[i + 2] >> 6];
		*o++ = tab[in[i + 2] & 0x3f];
	}
	if (i < len) {
		*o++ = tab[in[i] >> 2];
		if (i + 1 < len) {
			*o++ = tab[(in[i] & 0x3) << 4 | in[i + 1] >> 4];
			*o++ = tab[(in[i + 1] & 0xf) << 2];
		} else {
			*o++ = tab[(in[i] & 0x3) << 4];
			*o++ = '=';
		}
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

/* url without any "user:password@"; caller frees. */
static char *
kc_redact_url(const char *url)
{
	const char	*start, *end, *at;

	start = strstr(url, "://");
	start = start == NULL ? url : start + 3;
	end = start + strcspn(start, "/?#");
	for (at = end; at > start && at[-1] != '@'; at--)
		;
	if (at == start)
		return xstrdup(url);
	return xasprintf("%.*s%s", (int)(start - url), url, at);
}

/*
 * The server URL as a client uses it: a bare host gets https:// when TLS is
 * configured (else http://), a path prefix keeps its place with the query,
 * fragment and trailing slashes dropped.  NULL and *cause if unusable.
 */
static char *
kc_server_url(const char *server, int tls, char **cause)
{
	char		*url, *p;
	const char	*authority;
	size_t		 n;

	if (strstr(server, "://") == NULL)
		url = xasprintf("%s://%s", tls ? "https" : "http", server);
	else
		url = xstrdup(server);
	if (strncmp(url, "https://", 8) != 0 &&
	    strncmp(url, "http://", 7) != 0) {
		p = kc_redact_url(url);
		*cause = xasprintf("server \"%s\" must be an http:// or "
		    "https:// URL", p);
		free(p);
		free(url);
		return NULL;
	}
	authority = strstr(url, "://") + 3;
	if (*authority == '\0' || *authority == '/') {
		*cause = xstrdup("server has no host; it must look like "
		    "https://HOST:PORT");
		free(url);
		return NULL;
	}
	p = url + (authority - url) + strcspn(authority, "/?#");
	if (*p == '/')
		p[strcspn(p, "?#")] = '\0';
	else
		*p = '\0';
	n = strlen(url);
	while (n > (size_t)(p - url) && url[n - 1] == '/')
		url[--n] = '\0';
	return url;
}

/* Check a proxy URL's scheme as kubectl does. */
static int
kc_check_proxy(const char *proxy, const char *cluster, char **cause)
{
	const char	*sep;
	char		*scheme, *c, *raw;

	if ((sep = strstr(proxy, "://")) == NULL) {
		c = kc_clean(cluster);
		*cause = xasprintf("invalid 'proxy-url' for cluster \"%s\": "
		    "it must be a URL like http://HOST:PORT", c);
		free(c);
		return -1;
	}
	scheme = xstrndup(proxy, (size_t)(sep - proxy));
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0 &&
	    strcmp(scheme, "socks5") != 0) {
		c = kc_clean(cluster);
		raw = scheme;
		scheme = kc_clean(raw);
		free(raw);
		*cause = xasprintf("invalid 'proxy-url' for cluster \"%s\": "
		    "unsupported scheme \"%.32s\", must be http, https, or "
		    "socks5", c, scheme);
		free(c);
		free(scheme);
		return -1;
	}
	free(scheme);
	return 0;
}

/* Prefix a stanza's location to a message; frees msg, returns -1. */
static int
kc_at(const char *file, int line, int col, char *msg, char **cause)
{
	*cause = xasprintf("%s:%d:%d: %s", file, line, col, msg);
	free(msg);
	return -1;
}

/* Can file be opened for reading?  *cause set if not. */
static int
kc_check_readable(const char *path, const char *what, const char *owner,
    char **cause)
{
	int	fd;
	char	*o;

	if ((fd = open(path, O_RDONLY)) != -1) {
		close(fd);
		return 0;
	}
	o = kc_clean(owner);
	*cause = xasprintf("unable to read %s %s for %s due to open %s: %s",
	    what, path, o, path, strerror(errno));
	free(o);
	return -1;
}

/* Validate a user as kubectl does before it uses it. */
static int
kc_validate_user(struct kc_user *u, char **cause)
{
	struct kc_exec	*e = u->exec;
	char		*n, *msg = NULL, *mode;

	n = kc_clean(u->name);
	if (u->auth_provider != NULL && e != NULL)
		msg = xasprintf("authProvider cannot be provided in "
		    "combination with an exec plugin for %s", n);
	else if (u->auth_provider != NULL) {
		mode = kc_clean(u->auth_provider);
		msg = xasprintf("user \"%s\" uses auth-provider \"%s\", which "
		    "sitrep does not support; use an exec credential plugin "
		    "instead, such as kubelogin for OIDC or "
		    "gke-gcloud-auth-plugin for GKE", n, mode);
		free(mode);
	} else if (u->token != NULL &&
	    (u->username != NULL || u->password != NULL))
		msg = xasprintf("more than one authentication method found "
		    "for %s; found [token basicAuth], only one is allowed", n);
	else if (u->cert_file != NULL || u->cert_data != NULL) {
		if (u->cert_file != NULL && u->cert_data != NULL)
			msg = xasprintf("client-cert-data and client-cert are "
			    "both specified for %s. client-cert-data will "
			    "override.", n);
		else if (u->key_file != NULL && u->key_data != NULL)
			msg = xasprintf("client-key-data and client-key are "
			    "both specified for %s; client-key-data will "
			    "override", n);
		else if (u->key_file == NULL && u->key_data == NULL)
			msg = xasprintf("client-key-data or client-key must be "
			    "specified for %s to use the clientCert "
			    "authentication method.", n);
		else if (u->cert_file != NULL && kc_check_readable(u->cert_file,
		    "client-cert", u->name, &msg) != 0)
			;
		else if (u->key_file != NULL)
			kc_check_readable(u->key_file, "client-key", u->name,
			    &msg);
	}
	if (msg == NULL && e != NULL) {
		if (e->interactive_mode == NULL && e->api_version != NULL &&
		    strcmp(e->api_version, KC_EXEC_API_V1BETA1) == 0)
			e->interactive_mode = xstrdup("IfAvailable");
		mode = e->interactive_mode;
		if (e->command == NULL)
			msg = xasprintf("command must be specified for %s to "
			    "use exec authentication plugin", n);
		else if (e->api_version == NULL)
			msg = xasprintf("apiVersion must be specified for %s "
			    "to use exec authentication plugin", n);
		else if (e->env_unnamed)
			msg = xasprintf("env variable name must be specified "
			    "for %s to use exec authentication plugin", n);
		else if (mode == NULL)
			msg = xasprintf("interactiveMode must be specified for "
			    "%s to use exec authentication plugin", n);
		else if (strcmp(mode, "Never") != 0 &&
		    strcmp(mode, "IfAvailable") != 0 &&
		    strcmp(mode, "Always") != 0) {
			mode = kc_clean(mode);
			msg = xasprintf("invalid interactiveMode for %s: "
			    "\"%.32s\"", n, mode);
			free(mode);
		} else if (strcmp(e->api_version, KC_EXEC_API_V1) != 0 &&
		    strcmp(e->api_version, KC_EXEC_API_V1BETA1) != 0) {
			mode = kc_clean(e->api_version);
			msg = xasprintf("exec plugin: invalid apiVersion "
			    "\"%.64s\" for %s; use %s or %s", mode, n,
			    KC_EXEC_API_V1, KC_EXEC_API_V1BETA1);
			free(mode);
		} else if (strcmp(mode, "Always") == 0)
			msg = xasprintf("exec plugin cannot support interactive "
			    "mode: standard input is not a terminal (user %s "
			    "has interactiveMode Always, and sitrep never "
			    "gives a plugin a terminal); log in with the "
			    "plugin in a shell first, or set interactiveMode "
			    "to IfAvailable or Never", n);
	}
	free(n);
	if (msg != NULL)
		return kc_at(u->file, u->line, u->col, msg, cause);
	return 0;
}

/* Validate a cluster and read its CA into kc. */
static int
kc_validate_cluster(struct kubeconfig *kc, struct kc_cluster *c,
    char **cause)
{
	char	*n, *msg = NULL, *error = NULL;
	int	 tls;

	n = kc_clean(c->name);
	if (c->nfields == 0)
		msg = xstrdup("cluster has no server defined");
	else if (c->server == NULL)
		msg = xasprintf("no server found for cluster \"%s\"", n);
	else if (c->proxy_url != NULL &&
	    kc_check_proxy(c->proxy_url, c->name, &msg) != 0)
		;
	else if (c->ca_file != NULL && c->ca_data != NULL)
		msg = xasprintf("certificate-authority-data and "
		    "certificate-authority are both specified for %s. "
		    "certificate-authority-data will override.", n);
	else if (c->ca_file != NULL && (kc->ca_data = kc_read_file(c->ca_file,
	    KC_MAX_PEM_FILE, &kc->ca_data_len, &error)) == NULL) {
		msg = xasprintf("unable to read certificate-authority for %s "
		    "due to %s", n, error);
		free(error);
	} else if (c->insecure && (c->ca_file != NULL || c->ca_data != NULL))
		msg = xstrdup("specifying a root certificates file with the "
		    "insecure flag is not allowed; remove "
		    "insecure-skip-tls-verify or the certificate authority");
	free(n);
	if (msg != NULL)
		return kc_at(c->file, c->line, c->col, msg, cause);

	tls = c->ca_file != NULL || c->ca_data != NULL || c->insecure ||
	    (kc->user != NULL && (kc->user->cert_file != NULL ||
	    kc->user->cert_data != NULL));
	if ((kc->server = kc_server_url(c->server, tls, &msg)) == NULL)
		return kc_at(c->file, c->line, c->col, msg, cause);
	if (c->ca_data != NULL) {
		kc->ca_data = kc_memdup(c->ca_data, c->ca_data_len);
		kc->ca_data_len = c->ca_data_len;
	}
	if (c->ca_file != NULL)
		kc->ca_file = xstrdup(c->ca_file);
	kc->info.insecure_skip_verify = c->insecure;
	if (c->tls_server_name != NULL)
		kc->tls_server_name = xstrdup(c->tls_server_name);
	if (c->proxy_url != NULL)
		kc->proxy_url = xstrdup(c->proxy_url);
	return 0;
}

/* The JSON a plugin with provideClusterInfo gets; caller frees. */
static char *
kc_cluster_json(struct kubeconfig *kc)
{
	cJSON	*o;
	char	*s, *b64;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "server", kc->server);
	if (kc->tls_server_name != NULL)
		cJSON_AddStringToObject(o, "tls-server-name",
		    kc->tls_server_name);
	if (kc->info.insecure_skip_verify)
		cJSON_AddBoolToObject(o, "insecure-skip-tls-verify", 1);
	if (kc->ca_data != NULL) {
		b64 = kc_base64_encode(kc->ca_data, kc->ca_data_len);
		cJSON_AddStringToObject(o, "certificate-authority-data", b64);
		free(b64);
	}
	if (kc->proxy_url != NULL)
		cJSON_AddStringToObject(o, "proxy-url", kc->proxy_url);
	cJSON_AddNullToObject(o, "config");
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s == NULL ? xstrdup("{}") : s;
}

/* Fill info and the description from what was chosen. */
static void
kc_describe(struct kubeconfig *kc)
{
	struct kubeconfig_info	*i = &kc->info;
	struct kc_user		*u = kc->user;
	struct buf		 b;
	char			*s, *url;

	i->sources = kc->sources;
	i->context = kc->context;
	i->cluster = kc->cluster_name;
	i->user = kc->user_name;
	i->server = kc->server;
	i->namespace = kc->namespace;
	i->ca_file = kc->ca_file;
	i->ca_embedded = kc->ca_data != NULL && kc->ca_file == NULL;
	i->tls_server_name = kc->tls_server_name;
	i->proxy_url = kc->proxy_url;
	i->auth = KUBECONFIG_AUTH_NONE;
	if (u != NULL) {
		if (u->exec != NULL) {
			i->auth = KUBECONFIG_AUTH_EXEC;
			i->exec_command = u->exec->command;
		} else if (u->token_file != NULL)
			i->auth = KUBECONFIG_AUTH_TOKEN_FILE;
		else if (u->token != NULL)
			i->auth = KUBECONFIG_AUTH_TOKEN;
		else if (u->username != NULL || u->password != NULL)
			i->auth = KUBECONFIG_AUTH_BASIC;
		else if (u->cert_file != NULL || u->cert_data != NULL)
			i->auth = KUBECONFIG_AUTH_CLIENT_CERT;
	}

	buf_init(&b, 0);
	url = kc_redact_url(kc->server);
	if (i->in_cluster)
		buf_printf(&b, "in-cluster service account at %s", url);
	else {
		s = kc_clean(kc->context);
		buf_printf(&b, "context %s", s);
		free(s);
		s = kc_clean(kc->cluster_name);
		buf_printf(&b, ", cluster %s at %s", s, url);
		free(s);
		if (kc->user_name == NULL)
			buf_puts(&b, ", no user");
		else {
			s = kc_clean(kc->user_name);
			buf_printf(&b, ", user %s", s);
			free(s);
		}
	}
	free(url);
	if (u == NULL && kc->user_name != NULL)
		buf_puts(&b, " (not defined: no credentials)");
	else if (i->auth == KUBECONFIG_AUTH_EXEC) {
		s = kc_clean(u->exec->command);
		buf_printf(&b, " (exec %s)", s);
		free(s);
	} else if (u != NULL || i->in_cluster)
		buf_printf(&b, " (%s)", i->auth == KUBECONFIG_AUTH_NONE ?
		    "no credentials" : kubeconfig_auth_name(i->auth));
	if (u != NULL && i->auth != KUBECONFIG_AUTH_CLIENT_CERT &&
	    (u->cert_file != NULL || u->cert_data != NULL))
		buf_puts(&b, " with a client certificate");
	s = kc_clean(kc->namespace);
	buf_printf(&b, ", namespace %s", s);
	free(s);
	if (kc->info.insecure_skip_verify)
		buf_puts(&b, ", TLS NOT verified");
	kc->description = buf_detach(&b);
	i->description = kc->description;
}

/* Choose the context in set and fill kc from it. */
static int
kc_choose(struct kubeconfig *kc, struct kc_set *set, const char *want,
    char **cause)
{
	struct kc_context	*ctx = NULL;
	struct kc_cluster	*cl = NULL;
	const char		*name, **names, *close;
	size_t			 i;
	char			*n, *msg;

	name = want != NULL ? want : set->current_context;
	if (name == NULL) {
		*cause = xasprintf("no context chosen: current-context is not "
		    "set in %s; set kubernetes.context in sitrep's "
		    "configuration, or run kubectl config use-context NAME",
		    kc->sources);
		return -1;
	}
	for (i = 0; i < set->ncontexts; i++) {
		if (strcmp(set->contexts[i]->name, name) == 0)
			ctx = set->contexts[i];
	}
	if (ctx == NULL) {
		names = xcalloc(set->ncontexts + 1, sizeof *names);
		for (i = 0; i < set->ncontexts; i++)
			names[i] = set->contexts[i]->name;
		close = util_closest(name, names, set->ncontexts);
		n = kc_clean(name);
		msg = xasprintf("context \"%s\" does not exist in %s", n,
		    kc->sources);
		free(n);
		if (close != NULL) {
			n = kc_clean(close);
			*cause = xasprintf("%s; did you mean \"%s\"?", msg, n);
			free(n);
			free(msg);
		} else if (set->ncontexts == 0) {
			*cause = xasprintf("%s, which defines no contexts", msg);
			free(msg);
		} else
			*cause = msg;
		free(names);
		return -1;
	}
	kc->context = xstrdup(ctx->name);
	kc->namespace = xstrdup(ctx->namespace != NULL ? ctx->namespace :
	    "default");

	n = kc_clean(ctx->name);
	if (ctx->cluster == NULL) {
		msg = xasprintf("cluster was not specified for context \"%s\"",
		    n);
		free(n);
		return kc_at(ctx->file, ctx->line, ctx->col, msg, cause);
	}
	for (i = 0; i < set->nclusters; i++) {
		if (strcmp(set->clusters[i]->name, ctx->cluster) == 0)
			cl = set->clusters[i];
	}
	if (cl == NULL) {
		msg = kc_clean(ctx->cluster);
		*cause = xasprintf("%s:%d:%d: cluster \"%s\" was not found for "
		    "context \"%s\"", ctx->file, ctx->line, ctx->col, msg, n);
		free(msg);
		free(n);
		return -1;
	}
	free(n);
	kc->cluster_name = xstrdup(cl->name);

	if (ctx->user != NULL) {
		kc->user_name = xstrdup(ctx->user);
		for (i = 0; i < set->nusers; i++) {
			if (set->users[i] != NULL &&
			    strcmp(set->users[i]->name, ctx->user) == 0) {
				kc->user = set->users[i];
				set->users[i] = NULL;
				break;
			}
		}
	}
	if (kc->user != NULL && kc_validate_user(kc->user, cause) != 0)
		return -1;
	if (kc_validate_cluster(kc, cl, cause) != 0)
		return -1;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* In-cluster configuration. */

/*
 * Use the pod's service account if the environment and token say this runs
 * in a cluster.  Returns 0, 1 if not in a cluster (*why says what was
 * missing), or -1 with *cause.
 */
static int
kc_in_cluster(struct kubeconfig *kc, const char *sa_dir, char **why,
    char **cause)
{
	const char	*host, *port, *ns;
	char		*token, *ca, *nsfile, *data, *error = NULL;
	size_t		 len;

	host = getenv("KUBERNETES_SERVICE_HOST");
	port = getenv("KUBERNETES_SERVICE_PORT");
	if (host == NULL || *host == '\0' || port == NULL || *port == '\0') {
		*why = xstrdup("not in a cluster (KUBERNETES_SERVICE_HOST and "
		    "KUBERNETES_SERVICE_PORT are not set)");
		return 1;
	}
	token = xasprintf("%s/token", sa_dir);
	if (access(token, F_OK) != 0) {
		*why = xasprintf("no in-cluster service account (%s: %s)",
		    token, strerror(errno));
		free(token);
		return 1;
	}
	if (strchr(host, '/') != NULL || strchr(port, '/') != NULL ||
	    strchr(host, '@') != NULL) {
		*cause = xstrdup("KUBERNETES_SERVICE_HOST or "
		    "KUBERNETES_SERVICE_PORT is not a host and port");
		free(token);
		return -1;
	}
	kc->info.in_cluster = 1;
	kc->sources = xstrdup("in-cluster");
	if (strchr(host, ':') != NULL && host[0] != '[')
		kc->server = xasprintf("https://[%s]:%s", host, port);
	else
		kc->server = xasprintf("https://%s:%s", host, port);

	ca = xasprintf("%s/ca.crt", sa_dir);
	if ((data = kc_read_file(ca, KC_MAX_PEM_FILE, &len, &error)) != NULL) {
		kc->ca_file = ca;
		kc->ca_data = data;
		kc->ca_data_len = len;
	} else {
		/* As kubectl: without ca.crt the system roots are used. */
		free(error);
		free(ca);
	}

	if ((ns = getenv("POD_NAMESPACE")) != NULL && *ns != '\0')
		kc->namespace = xstrdup(ns);
	else {
		nsfile = xasprintf("%s/namespace", sa_dir);
		data = kc_read_file(nsfile, 4096, NULL, &error);
		free(nsfile);
		free(error);
		if (data != NULL && *kc_trim(data) != '\0')
			kc->namespace = xstrdup(kc_trim(data));
		else
			kc->namespace = xstrdup("default");
		free(data);
	}

	kc->user = xcalloc(1, sizeof *kc->user);
	kc->user->name = xstrdup("service account");
	kc->user->file = xstrdup(token);
	kc->user->line = kc->user->col = 1;
	kc->user->token_file = token;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Loading. */

/* Load the files the rules name into set; kc->sources says which. */
static int
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

/* Find, read, merge and validate the configuration. */
int
kubeconfig_load(const struct kubeconfig_options *o, struct kubeconfig **out,
    char **cause)
{
	struct kubeconfig_options	 none;
	struct kubeconfig		*kc;
	struct kc_set			 set;
	char				*why = NULL, *sources;
	int				 rc;

	if (o == NULL) {
		memset(&none, 0, sizeof none);
		o = &none;
	}
	kc = xcalloc(1, sizeof *kc);
	kc->exec_timeout_ms = o->exec_timeout_ms > 0 ? o->exec_timeout_ms :
	    KUBECONFIG_EXEC_TIMEOUT_MS;
	kc->next_id = 1;

	if (kc_load_files(kc, o, &set, cause) != 0) {
		kc_clean_cause(cause);
		kubeconfig_free(kc);
		return -1;
	}
	if (set.nclusters == 0 && set.nusers == 0 && set.ncontexts == 0 &&
	    set.current_context == NULL && o->context == NULL) {
		/* Nothing configured: as kubectl, try the pod's account. */
		sources = kc->sources;
		kc->sources = NULL;
		rc = kc_in_cluster(kc, o->sa_dir != NULL ? o->sa_dir :
		    KUBECONFIG_SA_DIR, &why, cause);
		if (rc == 1)
			*cause = xasprintf("no Kubernetes configuration found: "
			    "nothing in %s, and %s; set KUBECONFIG, "
			    "kubernetes.kubeconfig or --kubeconfig to a "
			    "kubeconfig file", sources, why);
		free(why);
		free(sources);
		kc_set_done(&set);
		if (rc != 0) {
			kc_clean_cause(cause);
			kubeconfig_free(kc);
			return -1;
		}
	} else {
		rc = kc_choose(kc, &set, o->context, cause);
		kc_set_done(&set);
		if (rc != 0) {
			kc_clean_cause(cause);
			kubeconfig_free(kc);
			return -1;
		}
	}
	if (kc->user != NULL && kc->user->exec != NULL &&
	    kc->user->exec->provide_cluster_info)
		kc->cluster_json = kc_cluster_json(kc);
	kc_describe(kc);
	*out = kc;
	return 0;
}

/* What was resolved. */
const struct kubeconfig_info *
kubeconfig_info(const struct kubeconfig *kc)
{
	return &kc->info;
}

/* A constant name for an auth kind. */
const char *
kubeconfig_auth_name(enum kubeconfig_auth auth)
{
	switch (auth) {
	case KUBECONFIG_AUTH_NONE:
		return "none";
	case KUBECONFIG_AUTH_TOKEN:
		return "token";
	case KUBECONFIG_AUTH_TOKEN_FILE:
		return "tokenFile";
	case KUBECONFIG_AUTH_BASIC:
		return "basic";
	case KUBECONFIG_AUTH_CLIENT_CERT:
		return "clientCert";
	case KUBECONFIG_AUTH_EXEC:
		return "exec";
	}
	return "none";
}

/* ------------------------------------------------------------------------ */
/* Credentials. */

/* Forget the credential last handed out, wiping its secrets. */
static void
kc_cred_clear(struct kubeconfig *kc)
{
	kc_free_secret(kc->cur_token);
	kc->cur_token = NULL;
	free(kc->cur_cert);
	kc->cur_cert = NULL;
	kc->cur_cert_len = 0;
	kc_free_secret_n(kc->cur_key, kc->cur_key_len);
	kc->cur_key = NULL;
	kc->cur_key_len = 0;
	memset(&kc->cred, 0, sizeof kc->cred);
}

/* Forget the cached exec result. */
static void
kc_exec_clear(struct kubeconfig *kc)
{
	kc->exec_valid = 0;
	kc_free_secret(kc->exec_token);
	kc->exec_token = NULL;
	free(kc->exec_cert);
	kc->exec_cert = NULL;
	kc_free_secret_n(kc->exec_key, kc->exec_key_len);
	kc->exec_key = NULL;
	kc->exec_cert_len = kc->exec_key_len = 0;
	kc->exec_expires_ms = 0;
}

/* Is there an exec result that has not expired? */
static int
kc_exec_cached(struct kubeconfig *kc)
{
	return kc->exec_valid && (kc->exec_expires_ms == 0 ||
	    util_now_ms() < kc->exec_expires_ms);
}

/* Read a PEM file named by a user for a credential. */
static char *
kc_read_pem(struct kc_user *u, const char *path, const char *what,
    size_t *len, char **cause)
{
	char	*data, *error = NULL, *n;

	if ((data = kc_read_file(path, KC_MAX_PEM_FILE, len, &error)) != NULL)
		return data;
	n = kc_clean(u->name);
	*cause = xasprintf("cannot read %s for user %s: %s", what, n, error);
	free(n);
	free(error);
	return NULL;
}

/*
 * Assemble the credential in kc->cred.  Returns 0, 1 if the exec plugin
 * has to run first, or -1 with *cause.
 */
static int
kc_cred_build(struct kubeconfig *kc, char **cause)
{
	struct kubeconfig_credential	*c = &kc->cred;
	struct kc_user			*u = kc->user;
	char				*data, *error = NULL, *n;
	size_t				 len;

	kc_cred_clear(kc);
	if (u != NULL && u->exec != NULL && !kc_exec_cached(kc))
		return 1;
	c->server = kc->server;
	c->namespace = kc->namespace;
	c->ca_file = kc->ca_file;
	c->ca_data = kc->ca_data;
	c->ca_data_len = kc->ca_data_len;
	c->tls_server_name = kc->tls_server_name;
	c->insecure_skip_verify = kc->info.insecure_skip_verify;
	c->proxy_url = kc->proxy_url;
	c->description = kc->description;
	if (u == NULL)
		return 0;

	/* A readable token file wins over an inline token, as kubectl. */
	if (u->token_file != NULL) {
		data = kc_read_file(u->token_file, KC_MAX_TOKEN_FILE, &len,
		    &error);
		if (data != NULL && *kc_trim(data) != '\0') {
			kc->cur_token = xstrdup(kc_trim(data));
			kc_free_secret_n(data, len);
		} else if (u->token == NULL) {
			n = kc_clean(u->name);
			if (data == NULL)
				*cause = xasprintf("cannot read tokenFile for "
				    "user %s: %s", n, error);
			else
				*cause = xasprintf("tokenFile %s for user %s "
				    "is empty", u->token_file, n);
			free(n);
			free(error);
			kc_free_secret_n(data, len);
			return -1;
		} else {
			free(error);
			kc_free_secret_n(data, data == NULL ? 0 : len);
		}
	}
	if (kc->cur_token == NULL && u->token != NULL)
		kc->cur_token = xstrdup(u->token);
	c->username = u->username;
	c->password = u->password;

	if (u->cert_data != NULL) {
		kc->cur_cert = kc_memdup(u->cert_data, u->cert_data_len);
		kc->cur_cert_len = u->cert_data_len;
	} else if (u->cert_file != NULL && (kc->cur_cert = kc_read_pem(u,
	    u->cert_file, "client-certificate", &kc->cur_cert_len,
	    cause)) == NULL)
		return -1;
	if (kc->cur_cert != NULL) {
		if (u->key_data != NULL) {
			kc->cur_key = kc_memdup(u->key_data, u->key_data_len);
			kc->cur_key_len = u->key_data_len;
		} else if (u->key_file != NULL && (kc->cur_key = kc_read_pem(u,
		    u->key_file, "client-key", &kc->cur_key_len,
		    cause)) == NULL) {
			kc_cred_clear(kc);
			return -1;
		}
	}

	/* What the plugin returned goes over the static credential. */
	if (u->exec != NULL) {
		if (kc->exec_token != NULL) {
			kc_free_secret(kc->cur_token);
			kc->cur_token = xstrdup(kc->exec_token);
			c->username = c->password = NULL;
		}
		if (kc->exec_cert != NULL) {
			free(kc->cur_cert);
			kc_free_secret_n(kc->cur_key, kc->cur_key_len);
			kc->cur_cert = kc_memdup(kc->exec_cert,
			    kc->exec_cert_len);
			kc->cur_cert_len = kc->exec_cert_len;
			kc->cur_key = kc_memdup(kc->exec_key, kc->exec_key_len);
			kc->cur_key_len = kc->exec_key_len;
		}
		c->expires_ms = kc->exec_expires_ms;
	}
	c->bearer_token = kc->cur_token;
	c->cert_data = kc->cur_cert;
	c->cert_data_len = kc->cur_cert_len;
	c->key_data = kc->cur_key;
	c->key_data_len = kc->cur_key_len;
	return 0;
}

/* The credential, if it is ready now. */
int
kubeconfig_credential_now(struct kubeconfig *kc,
    const struct kubeconfig_credential **out, char **cause)
{
	int	rc;

	if ((rc = kc_cred_build(kc, cause)) == 0)
		*out = &kc->cred;
	else if (rc == -1)
		kc_clean_cause(cause);
	return rc;
}

/* Drop the cached exec result after the server refused it. */
void
kubeconfig_credential_invalidate(struct kubeconfig *kc)
{
	kc_exec_clear(kc);
}

/* ------------------------------------------------------------------------ */
/* Exec credential plugins: the child process. */

/* The plugin's stderr made safe and short for a message; caller frees. */
static char *
kc_exec_stderr(struct kc_run *run)
{
	char	*u, *t, *s;
	size_t	 len;

	if (run->err.len == 0)
		return NULL;
	len = run->err.len > KC_EXEC_SHOW_STDERR ? KC_EXEC_SHOW_STDERR :
	    run->err.len;
	u = sanitize_utf8(run->err.data, len);
	t = kc_trim(u);
	if (*t == '\0') {
		free(u);
		return NULL;
	}
	s = sanitize_terminal(t, SANITIZE_MULTILINE);
	free(u);
	if (run->err.len > len || run->err_over) {
		t = xasprintf("%s ...", s);
		free(s);
		s = t;
	}
	return s;
}

/* Append the plugin's stderr and install hint to a failure message. */
static char *
kc_exec_failure(struct kubeconfig *kc, struct kc_run *run, char *msg)
{
	struct kc_exec	*e = kc->user->exec;
	char		*err, *hint, *out;

	err = run != NULL ? kc_exec_stderr(run) : NULL;
	hint = e->install_hint != NULL ?
	    sanitize_terminal(e->install_hint, SANITIZE_MULTILINE) : NULL;
	out = xasprintf("%s%s%s%s%s", msg,
	    err != NULL ? "; it said: " : "", err != NULL ? err : "",
	    hint != NULL ? "\n\n" : "", hint != NULL ? hint : "");
	free(err);
	free(hint);
	free(msg);
	return out;
}

/* Find command as execvp would, in $PATH; caller frees, NULL if absent. */
static char *
kc_exec_lookup(const char *command)
{
	const char	*path;
	char		*copy, *dir, *save, *full;

	if (strchr(command, '/') != NULL)
		return access(command, X_OK) == 0 ? xstrdup(command) : NULL;
	if ((path = getenv("PATH")) == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir != NULL;
	    dir = strtok_r(NULL, ":", &save)) {
		full = xasprintf("%s/%s", *dir == '\0' ? "." : dir, command);
		if (access(full, X_OK) == 0) {
			free(copy);
			return full;
		}
		free(full);
	}
	free(copy);
	return NULL;
}

/* The plugin's environment: ours, its own, and KUBERNETES_EXEC_INFO. */
static char **
kc_exec_env(struct kubeconfig *kc)
{
	struct kc_exec	 *e = kc->user->exec;
	char		**env, *info;
	size_t		  n = 0, i, j, len;
	cJSON		 *o, *spec, *cl;

	for (i = 0; environ[i] != NULL; i++)
		;
	env = xcalloc(i + e->nenv + 2, sizeof *env);
	for (i = 0; environ[i] != NULL; i++) {
		len = strcspn(environ[i], "=");
		if (strncmp(environ[i], "KUBERNETES_EXEC_INFO=", 21) == 0)
			continue;
		for (j = 0; j < e->nenv; j++) {
			if (strncmp(e->env[j], environ[i], len + 1) == 0)
				break;
		}
		if (j == e->nenv)
			env[n++] = environ[i];
	}
	for (j = 0; j < e->nenv; j++)
		env[n++] = e->env[j];

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", "ExecCredential");
	cJSON_AddStringToObject(o, "apiVersion", e->api_version);
	spec = cJSON_AddObjectToObject(o, "spec");
	if (e->provide_cluster_info && kc->cluster_json != NULL &&
	    (cl = cJSON_Parse(kc->cluster_json)) != NULL)
		cJSON_AddItemToObject(spec, "cluster", cl);
	cJSON_AddBoolToObject(spec, "interactive", 0);
	info = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	env[n++] = xasprintf("KUBERNETES_EXEC_INFO=%s",
	    info != NULL ? info : "{}");
	free(info);
	env[n] = NULL;
	return env;
}

/* Free what kc_exec_env built: only its last entry is its own. */
static void
kc_exec_env_free(char **env)
{
	size_t	i;

	for (i = 0; env[i] != NULL; i++)
		;
	if (i > 0)
		free(env[i - 1]);
	free(env);
}

/* Mark fd close-on-exec and, if nonblock, non-blocking. */
static void
kc_fd_flags(int fd, int nonblock)
{
	int	flags;

	fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (nonblock && (flags = fcntl(fd, F_GETFL)) != -1)
		fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/*
 * Start the plugin with stdin on /dev/null and stdout and stderr on pipes
 * (returned non-blocking in *out_fd and *err_fd).  The child leads its own
 * process group so a timeout can stop everything it started.  Returns the
 * pid, or -1 with *cause.
 */
static pid_t
kc_exec_spawn(struct kubeconfig *kc, int *out_fd, int *err_fd, char **cause)
{
	struct kc_exec	 *e = kc->user->exec;
	char		 *path, **argv, **env, *c, *msg;
	int		  outp[2], errp[2], null, fd, maxfd, sig;
	size_t		  i;
	pid_t		  pid;
	sigset_t	  all;
	static const char failed[] = "cannot execute the plugin\n";

	if ((path = kc_exec_lookup(e->command)) == NULL) {
		c = kc_clean(e->command);
		msg = xasprintf("exec: executable %s not found\n\nIt looks "
		    "like you are trying to use a client-go credential plugin "
		    "that is not installed.\n\nTo learn more about this "
		    "feature, consult the documentation available at:\n      "
		    "%s", c, KC_PLUGIN_DOCS);
		free(c);
		*cause = kc_exec_failure(kc, NULL, msg);
		return -1;
	}
	if (pipe(outp) != 0) {
		*cause = xasprintf("cannot start exec plugin: pipe: %s",
		    strerror(errno));
		free(path);
		return -1;
	}
	if (pipe(errp) != 0) {
		*cause = xasprintf("cannot start exec plugin: pipe: %s",
		    strerror(errno));
		close(outp[0]);
		close(outp[1]);
		free(path);
		return -1;
	}
	kc_fd_flags(outp[0], 1);
	kc_fd_flags(errp[0], 1);
	kc_fd_flags(outp[1], 0);
	kc_fd_flags(errp[1], 0);

	/* Everything the child needs is built before fork. */
	argv = xcalloc(e->nargs + 2, sizeof *argv);
	argv[0] = e->command;
	for (i = 0; i < e->nargs; i++)
		argv[i + 1] = e->args[i];
	env = kc_exec_env(kc);
	maxfd = (int)sysconf(_SC_OPEN_MAX);
	if (maxfd < 0 || maxfd > 65536)
		maxfd = 65536;

	if ((pid = fork()) == -1) {
		*cause = xasprintf("cannot start exec plugin: fork: %s",
		    strerror(errno));
		close(outp[0]);
		close(outp[1]);
		close(errp[0]);
		close(errp[1]);
		free(path);
		free(argv);
		kc_exec_env_free(env);
		return -1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		for (sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		if ((null = open("/dev/null", O_RDWR)) == -1 ||
		    dup2(null, 0) == -1 || dup2(outp[1], 1) == -1 ||
		    dup2(errp[1], 2) == -1)
			_exit(127);
		for (fd = 3; fd < maxfd; fd++)
			close(fd);
		execve(path, argv, env);
		(void)!write(2, failed, sizeof failed - 1);
		_exit(127);
	}
	setpgid(pid, pid);
	close(outp[1]);
	close(errp[1]);
	free(path);
	free(argv);
	kc_exec_env_free(env);
	*out_fd = outp[0];
	*err_fd = errp[0];
	return pid;
}

/*
 * Parse what the plugin printed into the exec cache.  Returns 0 or -1 with
 * *cause; the messages never quote the output, which holds the secret.
 */
static int
kc_exec_parse(struct kubeconfig *kc, const char *out, size_t len,
    char **cause)
{
	struct kc_exec	*e = kc->user->exec;
	cJSON		*root, *status, *v, *tok, *cert, *key, *exp;
	const char	*version;
	char		*s;
	int64_t		 expires = 0;
	int		 rc = -1;

	if ((root = cJSON_ParseWithLength(out, len)) == NULL ||
	    !cJSON_IsObject(root)) {
		*cause = xstrdup("decoding stdout: the plugin did not print "
		    "an ExecCredential JSON object");
		goto out;
	}
	v = cJSON_GetObjectItemCaseSensitive(root, "apiVersion");
	version = cJSON_IsString(v) ? v->valuestring : NULL;
	v = cJSON_GetObjectItemCaseSensitive(root, "kind");
	if (version == NULL || !cJSON_IsString(v)) {
		*cause = xstrdup("decoding stdout: couldn't get version/kind "
		    "from the plugin's output");
		goto out;
	}
	if (strcmp(version, e->api_version) != 0) {
		s = kc_clean(version);
		*cause = xasprintf("exec plugin is configured to use API "
		    "version %s, plugin returned version %.64s",
		    e->api_version, s);
		free(s);
		goto out;
	}
	if (strcmp(v->valuestring, "ExecCredential") != 0) {
		s = kc_clean(v->valuestring);
		*cause = xasprintf("decoding stdout: kind \"%.64s\" is not "
		    "ExecCredential", s);
		free(s);
		goto out;
	}
	status = cJSON_GetObjectItemCaseSensitive(root, "status");
	if (status == NULL || cJSON_IsNull(status)) {
		*cause = xstrdup("exec plugin didn't return a status field");
		goto out;
	}
	if (!cJSON_IsObject(status)) {
		*cause = xstrdup("decoding stdout: status must be an object");
		goto out;
	}
	tok = cJSON_GetObjectItemCaseSensitive(status, "token");
	cert = cJSON_GetObjectItemCaseSensitive(status,
	    "clientCertificateData");
	key = cJSON_GetObjectItemCaseSensitive(status, "clientKeyData");
	exp = cJSON_GetObjectItemCaseSensitive(status, "expirationTimestamp");
	if ((tok != NULL && !cJSON_IsString(tok) && !cJSON_IsNull(tok)) ||
	    (cert != NULL && !cJSON_IsString(cert) && !cJSON_IsNull(cert)) ||
	    (key != NULL && !cJSON_IsString(key) && !cJSON_IsNull(key))) {
		*cause = xstrdup("decoding stdout: token, clientCertificateData "
		    "and clientKeyData must be strings");
		goto out;
	}
	tok = cJSON_IsString(tok) && *tok->valuestring != '\0' ? tok : NULL;
	cert = cJSON_IsString(cert) && *cert->valuestring != '\0' ? cert : NULL;
	key = cJSON_IsString(key) && *key->valuestring != '\0' ? key : NULL;
	if (tok == NULL && cert == NULL && key == NULL) {
		*cause = xstrdup("exec plugin didn't return a token or cert/key "
		    "pair");
		goto out;
	}
	if ((cert == NULL) != (key == NULL)) {
		*cause = xstrdup("exec plugin returned only certificate or key, "
		    "not both");
		goto out;
	}
	if (exp != NULL && !cJSON_IsNull(exp) && (!cJSON_IsString(exp) ||
	    util_parse_rfc3339(exp->valuestring, &expires) != 0)) {
		*cause = xstrdup("decoding stdout: expirationTimestamp is not "
		    "an RFC 3339 time");
		goto out;
	}
	kc_exec_clear(kc);
	kc->exec_valid = 1;
	kc->exec_expires_ms = expires;
	if (tok != NULL)
		kc->exec_token = xstrdup(tok->valuestring);
	if (cert != NULL) {
		kc->exec_cert_len = strlen(cert->valuestring);
		kc->exec_cert = xstrdup(cert->valuestring);
		kc->exec_key_len = strlen(key->valuestring);
		kc->exec_key = xstrdup(key->valuestring);
	}
	rc = 0;
out:
	if (root != NULL) {
		/* Wipe the secrets cJSON copied before its memory goes. */
		status = cJSON_GetObjectItemCaseSensitive(root, "status");
		if (cJSON_IsObject(status)) {
			cJSON_ArrayForEach(v, status) {
				if (cJSON_IsString(v))
					kc_wipe(v->valuestring,
					    strlen(v->valuestring));
			}
		}
		cJSON_Delete(root);
	}
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Exec credential plugins: the loop glue and the waiting requests. */

static void	kc_deliver(struct kubeconfig *, const char *error);

/* Read what is available on one of the plugin's pipes; 1 at end of file. */
static int
kc_run_drain(struct kc_run *run, int fd)
{
	char		 chunk[4096];
	ssize_t		 n;
	struct buf	*b = fd == run->out_fd ? &run->out : &run->err;
	int		*over = fd == run->out_fd ? &run->out_over :
			    &run->err_over;

	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n == 0)
			return 1;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : 1;
		}
		if (!*over && buf_append(b, chunk, (size_t)n) != 0)
			*over = 1;
		kc_wipe(chunk, (size_t)n);
	}
}

/* Stop watching and close one of the plugin's pipes. */
static void
kc_run_close(struct kc_run *run, int which_out)
{
	struct loop_fd	**w = which_out ? &run->out_w : &run->err_w;
	int		 *fd = which_out ? &run->out_fd : &run->err_fd;

	if (*w != NULL) {
		loop_fd_del(*w);
		*w = NULL;
	}
	if (*fd != -1) {
		close(*fd);
		*fd = -1;
	}
}

/* Release a finished run's resources, wiping what it printed. */
static void
kc_run_free(struct kc_run *run)
{
	kc_run_close(run, 1);
	kc_run_close(run, 0);
	if (run->timer != NULL)
		loop_timer_del(run->timer);
	if (run->child != NULL)
		loop_child_del(run->child);
	if (run->out.data != NULL)
		kc_wipe(run->out.data, run->out.len);
	buf_done(&run->out);
	buf_done(&run->err);
	free(run);
}

/* The run is over: status is the wait status, or -1 for a timeout. */
static void
kc_run_finish(struct kc_run *run, int status)
{
	struct kubeconfig	*kc = run->kc;
	char			*cmd, *msg = NULL, *error = NULL, *t;

	if (run->out_fd != -1)
		kc_run_drain(run, run->out_fd);
	if (run->err_fd != -1)
		kc_run_drain(run, run->err_fd);
	cmd = kc_clean(kc->user->exec->command);
	if (status == -1) {
		t = util_format_duration(kc->exec_timeout_ms,
		    xcalloc(1, 32), 32);
		msg = xasprintf("exec: executable %s did not finish within %s "
		    "and was stopped", cmd, t);
		free(t);
	} else if (run->out_over)
		msg = xasprintf("exec: executable %s wrote more than %zu bytes "
		    "on its standard output", cmd, KC_EXEC_MAX_STDOUT);
	else if (WIFSIGNALED(status))
		msg = xasprintf("exec: executable %s was killed by signal %d",
		    cmd, WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		msg = xasprintf("exec: executable %s failed with exit code %d",
		    cmd, WEXITSTATUS(status));
	else if (kc_exec_parse(kc, run->out.data == NULL ? "" : run->out.data,
	    run->out.len, &error) != 0) {
		msg = xasprintf("exec plugin %s: %s", cmd, error);
		free(error);
	}
	free(cmd);
	if (msg != NULL)
		msg = kc_exec_failure(kc, run, msg);
	kc->run = NULL;
	kc_run_free(run);

	if (msg == NULL && kc_cred_build(kc, &msg) == 1)
		msg = xstrdup("exec plugin returned a credential that has "
		    "already expired");
	kc_clean_cause(&msg);
	kc_deliver(kc, msg);
	free(msg);
}

/* A pipe of the plugin is readable. */
static void
kc_run_fd_cb(int fd, int revents, void *arg)
{
	struct kc_run	*run = arg;

	if (kc_run_drain(run, fd))
		kc_run_close(run, fd == run->out_fd);
	if (run->out_over && run->pid > 0) {
		kill(-run->pid, SIGKILL);
		kill(run->pid, SIGKILL);
	}
}

/* The plugin exited. */
static void
kc_run_child_cb(pid_t pid, int status, void *arg)
{
	struct kc_run	*run = arg;

	run->child = NULL;
	kc_run_finish(run, status);
}

/* The plugin took too long: stop it and everything it started. */
static int64_t
kc_run_timer_cb(void *arg)
{
	struct kc_run	*run = arg;

	run->timer = NULL;
	kill(-run->pid, SIGKILL);
	kill(run->pid, SIGKILL);
	kc_run_finish(run, -1);
	return -1;
}

/* Start the plugin on the loop; -1 with *cause if it could not start. */
static int
kc_run_start(struct kubeconfig *kc, char **cause)
{
	struct kc_run	*run;
	int		 out_fd, err_fd;
	pid_t		 pid;

	if ((pid = kc_exec_spawn(kc, &out_fd, &err_fd, cause)) == -1)
		return -1;
	run = xcalloc(1, sizeof *run);
	run->kc = kc;
	run->pid = pid;
	run->out_fd = out_fd;
	run->err_fd = err_fd;
	buf_init(&run->out, KC_EXEC_MAX_STDOUT);
	buf_init(&run->err, KC_EXEC_MAX_STDERR);
	run->out_w = loop_fd_add(kc->loop, out_fd, LOOP_READ, kc_run_fd_cb,
	    run);
	run->err_w = loop_fd_add(kc->loop, err_fd, LOOP_READ, kc_run_fd_cb,
	    run);
	run->child = loop_child_add(kc->loop, pid, kc_run_child_cb, run);
	run->timer = loop_timer_add(kc->loop, kc->exec_timeout_ms,
	    kc_run_timer_cb, run);
	if (run->out_w == NULL || run->err_w == NULL || run->child == NULL ||
	    run->timer == NULL) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		if (run->child == NULL)
			waitpid(pid, NULL, 0);
		*cause = xasprintf("cannot watch the exec plugin: %s",
		    strerror(errno));
		kc_run_free(run);
		return -1;
	}
	kc->run = run;
	return 0;
}

/* Call every waiting request with the credential or the error. */
static void
kc_deliver(struct kubeconfig *kc, const char *error)
{
	struct kc_waiter	*w;

	while ((w = kc->waiters) != NULL) {
		kc->waiters = w->next;
		if (error != NULL)
			w->cb(NULL, error, w->arg);
		else
			w->cb(&kc->cred, NULL, w->arg);
		free(w);
	}
}

/* From the loop: hand out the credential, or start the plugin. */
static int64_t
kc_kick_cb(void *arg)
{
	struct kubeconfig	*kc = arg;
	char			*cause = NULL;
	int			 rc;

	kc->kick = NULL;
	if (kc->run != NULL)
		return -1;
	rc = kc_cred_build(kc, &cause);
	if (rc == 1 && kc_run_start(kc, &cause) == 0)
		return -1;
	kc_clean_cause(&cause);
	kc_deliver(kc, rc == 0 ? NULL : cause);
	free(cause);
	return -1;
}

/* Ask for the credential; the callback runs from the loop. */
int
kubeconfig_credential_get(struct kubeconfig *kc, struct loop *loop,
    kubeconfig_credential_cb cb, void *arg)
{
	struct kc_waiter	*w, **tail;

	kc->loop = loop;
	w = xcalloc(1, sizeof *w);
	w->id = kc->next_id++;
	if (kc->next_id <= 0)
		kc->next_id = 1;
	w->cb = cb;
	w->arg = arg;
	for (tail = &kc->waiters; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = w;
	if (kc->run == NULL && kc->kick == NULL)
		kc->kick = loop_timer_add(loop, 0, kc_kick_cb, kc);
	return w->id;
}

/* Forget a waiting request. */
int
kubeconfig_credential_cancel(struct kubeconfig *kc, int id)
{
	struct kc_waiter	*w, **prev;

	for (prev = &kc->waiters; (w = *prev) != NULL; prev = &w->next) {
		if (w->id == id) {
			*prev = w->next;
			free(w);
			return 0;
		}
	}
	return -1;
}

/* Free everything; pending requests hear "cancelled". */
void
kubeconfig_free(struct kubeconfig *kc)
{
	struct kc_run	*run;

	if (kc == NULL)
		return;
	if ((run = kc->run) != NULL) {
		kc->run = NULL;
		kill(-run->pid, SIGKILL);
		kill(run->pid, SIGKILL);
		kc_run_free(run);
	}
	if (kc->kick != NULL)
		loop_timer_del(kc->kick);
	kc_cred_clear(kc);
	memset(&kc->cred, 0, sizeof kc->cred);
	kc_deliver(kc, "cancelled");
	kc_exec_clear(kc);
	free(kc->sources);
	free(kc->context);
	free(kc->cluster_name);
	free(kc->user_name);
	free(kc->server);
	free(kc->namespace);
	free(kc->ca_file);
	free(kc->ca_data);
	free(kc->tls_server_name);
	free(kc->proxy_url);
	free(kc->description);
	free(kc->cluster_json);
	kc_user_free(kc->user);
	free(kc);
}
