/*
 * kubeconfig.h: find and read kubeconfig the way kubectl does, and turn the
 * chosen context into what an HTTP request to the API server needs.
 *
 * Where the configuration comes from, in order:
 *
 *  1. an explicit file (sitrep's kubernetes.kubeconfig, or --kubeconfig),
 *     used alone; it must exist;
 *  2. $KUBECONFIG, a ':'-separated list merged like kubectl merges it: the
 *     first file that defines a cluster, user or context name wins, the
 *     first non-empty current-context wins, missing files and empty entries
 *     are skipped, a file that exists but cannot be read or parsed is an
 *     error;
 *  3. ~/.kube/config;
 *  4. when nothing above defined anything: the in-cluster service account
 *     (KUBERNETES_SERVICE_HOST and _PORT, and the token beside ca.crt and
 *     namespace in the service account directory).
 *
 * Relative paths in a cluster or user (certificate-authority,
 * client-certificate, client-key, tokenFile, and an exec command that
 * contains a '/') are resolved against the directory of the file that
 * defined that cluster or user.
 *
 * Loading validates the chosen context as kubectl does (client-go's
 * messages where it has them) and stops at the first file or stanza that
 * is wrong, saying FILE:LINE:COL where it can.  Secrets (tokens, passwords,
 * private keys) are kept in memory only and never appear in a message or in
 * the description.
 *
 * Credentials are asked for per request.  Static ones (token, token file,
 * basic auth, client certificate) are ready at once; a token file is read
 * again on every request, so rotation is picked up.  An exec credential
 * plugin runs as a child process hung off the event loop: it never blocks,
 * its standard error is captured (never shown on the terminal as it runs),
 * it is killed after a timeout, and what it returns is cached until its
 * expirationTimestamp or until kubeconfig_credential_invalidate() (call it
 * when the server answers 401).
 */
#ifndef SITREP_KUBECONFIG_H
#define SITREP_KUBECONFIG_H

#include <stddef.h>
#include <stdint.h>

struct loop;
struct kubeconfig;

#define KUBECONFIG_SA_DIR	"/var/run/secrets/kubernetes.io/serviceaccount"
#define KUBECONFIG_EXEC_TIMEOUT_MS	30000
#define KUBECONFIG_MAX_FILE	((size_t)16 * 1024 * 1024)

/* How to load.  The strings are copied; zero or NULL fields take defaults. */
struct kubeconfig_options {
	const char	*path;		/* explicit file; NULL: $KUBECONFIG rules */
	const char	*context;	/* NULL: current-context */
	const char	*sa_dir;	/* NULL: KUBECONFIG_SA_DIR */
	int64_t		 exec_timeout_ms; /* 0: KUBECONFIG_EXEC_TIMEOUT_MS */
};

/* How the user authenticates, as configured (for display and tests). */
enum kubeconfig_auth {
	KUBECONFIG_AUTH_NONE = 0,	/* anonymous */
	KUBECONFIG_AUTH_TOKEN,		/* token: */
	KUBECONFIG_AUTH_TOKEN_FILE,	/* tokenFile:, or in-cluster */
	KUBECONFIG_AUTH_BASIC,		/* username: / password: */
	KUBECONFIG_AUTH_CLIENT_CERT,	/* client-certificate(-data) */
	KUBECONFIG_AUTH_EXEC		/* exec: credential plugin */
};

/*
 * What was resolved, without secrets.  Borrowed from the kubeconfig, valid
 * until kubeconfig_free().  Strings are NULL when not set.
 */
struct kubeconfig_info {
	const char		*sources;	/* files read, or "in-cluster" */
	int			 in_cluster;
	const char		*context;	/* NULL in-cluster */
	const char		*cluster;
	const char		*user;		/* NULL: no user */
	const char		*server;	/* scheme://host[:port][/prefix] */
	const char		*namespace;	/* "default" if not set */
	enum kubeconfig_auth	 auth;
	const char		*exec_command;	/* resolved, for exec */
	const char		*ca_file;	/* CA read from this file */
	int			 ca_embedded;	/* CA from ...-data */
	int			 insecure_skip_verify;
	const char		*tls_server_name;
	const char		*proxy_url;
	const char		*description;	/* one line, no secret */
};

/*
 * Everything a request to the API server needs.  Borrowed: valid only
 * during the callback that received it (or, from kubeconfig_credential_now,
 * until the next call into this kubeconfig); copy what you keep.  Strings
 * are NULL when not set; the *_data ones are NUL-terminated too.  ca_data
 * holds the CA bundle wherever it came from (embedded, or read from
 * ca_file, which is given only for messages).  bearer_token, password and
 * key_data are secrets.
 */
struct kubeconfig_credential {
	const char	*server;
	const char	*namespace;
	const char	*ca_file;
	const char	*ca_data;
	size_t		 ca_data_len;
	const char	*tls_server_name;
	int		 insecure_skip_verify;
	const char	*proxy_url;
	const char	*bearer_token;
	const char	*username;
	const char	*password;
	const char	*cert_data;
	size_t		 cert_data_len;
	const char	*key_data;
	size_t		 key_data_len;
	int64_t		 expires_ms;	/* wall clock ms; 0: does not expire */
	const char	*description;
};

/*
 * The credential, or the reason there is none (error is then non-NULL and
 * cred NULL).  Both are borrowed, valid during the callback only.
 */
typedef void	(*kubeconfig_credential_cb)(
		    const struct kubeconfig_credential *cred,
		    const char *error, void *arg);

/*
 * Find, read, merge and validate the kubeconfig and choose its context.
 * Returns 0 and a new kubeconfig (the caller frees it), or -1 and *cause
 * (the caller frees it) saying what is wrong and what to do.  Reads only
 * local files; never runs a plugin.
 */
int		 kubeconfig_load(const struct kubeconfig_options *,
		     struct kubeconfig **out, char **cause);
/*
 * Free everything, wiping secrets.  A plugin still running is killed and
 * every pending callback is called once with the error "cancelled", so
 * per-request arguments can be freed; those callbacks must not use the
 * kubeconfig.  NULL is a no-op.
 */
void		 kubeconfig_free(struct kubeconfig *);

/* What was resolved; borrowed, valid until kubeconfig_free(). */
const struct kubeconfig_info *kubeconfig_info(const struct kubeconfig *);

/*
 * The credential if it is ready without running anything: returns 0 and
 * *out (borrowed, valid until the next call into this kubeconfig); 1 if an
 * exec plugin has to run first (use kubeconfig_credential_get); -1 and
 * *cause if it cannot be had (a token file that cannot be read ...).
 */
int		 kubeconfig_credential_now(struct kubeconfig *,
		     const struct kubeconfig_credential **out, char **cause);
/*
 * Ask for the credential; cb is called exactly once from the loop, never
 * from inside this call.  Runs the exec plugin if there is no valid cached
 * credential; requests made while it runs share its result.  Always use
 * the same loop, and free the kubeconfig before the loop.  Returns an id
 * (> 0) for kubeconfig_credential_cancel().
 */
int		 kubeconfig_credential_get(struct kubeconfig *, struct loop *,
		     kubeconfig_credential_cb cb, void *arg);
/* Forget a request without calling its callback; -1 if the id is unknown. */
int		 kubeconfig_credential_cancel(struct kubeconfig *, int id);
/*
 * The server refused the credential (401): drop the cached exec result so
 * the next request runs the plugin again.  Token files are read on every
 * request anyway.
 */
void		 kubeconfig_credential_invalidate(struct kubeconfig *);

/* "token", "tokenFile", "basic", "clientCert", "exec" or "none". */
const char	*kubeconfig_auth_name(enum kubeconfig_auth);

#endif
