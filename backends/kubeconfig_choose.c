/*
 * kubeconfig_choose.c: choose the context kubectl would choose, validate
 * its cluster and user with client-go's rules and messages, and fill
 * struct kubeconfig from them; or, when no file configures anything, use
 * the pod's in-cluster service account.
 *
 * The context is the one asked for (kubernetes.context) or the
 * current-context; its namespace defaults to "default".  A cluster's
 * server URL is normalised as a client uses it, its CA is read once here
 * (the bytes are kept in memory for every request), and the description
 * shown to the user names context, cluster, user and how it
 * authenticates, never a secret and never a password inside a URL.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "backends/kubeconfig.h"
#include "backends/kubeconfig_int.h"
#include "base/base64.h"
#include "base/buf.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"

/* ------------------------------------------------------------------------ */
/* Choosing and validating the context. */

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
		scheme = sanitize_excerpt(raw, 32);
		free(raw);
		*cause = xasprintf("invalid 'proxy-url' for cluster \"%s\": "
		    "unsupported scheme \"%s\", must be http, https, or "
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
			mode = sanitize_excerpt(mode, 32);
			msg = xasprintf("invalid interactiveMode for %s: "
			    "\"%s\"", n, mode);
			free(mode);
		} else if (strcmp(e->api_version, KC_EXEC_API_V1) != 0 &&
		    strcmp(e->api_version, KC_EXEC_API_V1BETA1) != 0) {
			mode = sanitize_excerpt(e->api_version, 64);
			msg = xasprintf("exec plugin: invalid apiVersion "
			    "\"%s\" for %s; use %s or %s", mode, n,
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
char *
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
		b64 = base64_encode(kc->ca_data, kc->ca_data_len);
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
void
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
int
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
int
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
